/* bd-exif.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-exif"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <libexif/exif-data.h>

#include "bd-exif.h"

G_DEFINE_QUARK (bd-exif-error-quark, bd_exif_error)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ExifData, exif_data_unref)

static gboolean
has_entries (ExifData *exif)
{
  for (guint i = 0; i < EXIF_IFD_COUNT; i++)
    if (exif->ifd[i] != NULL && exif->ifd[i]->count > 0)
      return TRUE;

  return FALSE;
}

/* The GPS IFD's entry @tag, or NULL. */
static ExifEntry *
gps_entry (ExifData *exif,
           ExifTag   tag)
{
  ExifContent *gps = exif->ifd[EXIF_IFD_GPS];

  return gps != NULL ? exif_content_get_entry (gps, tag) : NULL;
}

/* The one letter of an ASCII reference tag ("N", "S", "E", "W", "A",
 * "V"), or 0. */
static char
reference_of (ExifEntry *entry)
{
  if (entry == NULL || entry->format != EXIF_FORMAT_ASCII ||
      entry->data == NULL || entry->size < 1 || entry->components < 1)
    return 0;

  /* "N\0"; a bare "N" (no NUL) is accepted as well */
  if (entry->size >= 2 && entry->data[1] != '\0')
    return 0;

  return (char)entry->data[0];
}

/* Degrees, minutes, seconds as three rationals into degrees. */
static gboolean
degrees_of (ExifEntry     *entry,
            ExifByteOrder  order,
            double         max_degrees,
            double        *degrees)
{
  double parts[3];

  if (entry == NULL || entry->format != EXIF_FORMAT_RATIONAL || entry->components != 3 ||
      entry->data == NULL ||
      entry->size < 3 * (gsize)exif_format_get_size (EXIF_FORMAT_RATIONAL))
    return FALSE;

  for (guint i = 0; i < 3; i++)
    {
      ExifRational r = exif_get_rational (entry->data + i * exif_format_get_size (EXIF_FORMAT_RATIONAL),
                                          order);

      if (r.denominator == 0)
        return FALSE;
      parts[i] = (double)r.numerator / (double)r.denominator;
    }

  if (!(parts[1] < 60.0) || !(parts[2] < 60.0))
    return FALSE;

  *degrees = parts[0] + parts[1] / 60.0 + parts[2] / 3600.0;

  return isfinite (*degrees) && *degrees <= max_degrees;
}

gboolean
bd_exif_read_position (const guint8 *data,
                       gsize         size,
                       double       *latitude,
                       double       *longitude,
                       GError      **error)
{
  g_autoptr(ExifData) exif = NULL;
  ExifByteOrder order;
  ExifEntry *lat_entry, *lon_entry;
  char lat_ref, lon_ref, status;
  double lat, lon;

  g_return_val_if_fail (data != NULL || size == 0, FALSE);
  g_return_val_if_fail (latitude != NULL && longitude != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (size < 4 || size > BD_EXIF_MAX_BYTES)
    {
      g_set_error (error, BD_EXIF_ERROR, BD_EXIF_ERROR_NO_EXIF,
                   _("The photo has no EXIF data."));
      return FALSE;
    }

  /* libexif reads the JPEG's markers up to its APP1 "Exif" segment (or a
   * bare EXIF block), bounded by @size, and drops entries it cannot make
   * sense of; the makernotes (camera-specific, often broken) are not
   * parsed. */
  exif = exif_data_new ();
  if (exif == NULL)
    {
      g_set_error (error, BD_EXIF_ERROR, BD_EXIF_ERROR_NO_EXIF,
                   _("The photo has no EXIF data."));
      return FALSE;
    }
  exif_data_unset_option (exif, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
  exif_data_set_option (exif, EXIF_DATA_OPTION_IGNORE_UNKNOWN_TAGS);
  exif_data_set_option (exif, EXIF_DATA_OPTION_DONT_CHANGE_MAKER_NOTE);
  exif_data_load_data (exif, data, (unsigned int)size);

  if (!has_entries (exif))
    {
      g_set_error (error, BD_EXIF_ERROR, BD_EXIF_ERROR_NO_EXIF,
                   _("The photo has no EXIF data."));
      return FALSE;
    }

  order = exif_data_get_byte_order (exif);
  lat_entry = gps_entry (exif, (ExifTag)EXIF_TAG_GPS_LATITUDE);
  lon_entry = gps_entry (exif, (ExifTag)EXIF_TAG_GPS_LONGITUDE);
  lat_ref = reference_of (gps_entry (exif, (ExifTag)EXIF_TAG_GPS_LATITUDE_REF));
  lon_ref = reference_of (gps_entry (exif, (ExifTag)EXIF_TAG_GPS_LONGITUDE_REF));
  status = reference_of (gps_entry (exif, (ExifTag)EXIF_TAG_GPS_STATUS));

  if (lat_entry == NULL || lon_entry == NULL || lat_ref == 0 || lon_ref == 0)
    {
      g_set_error (error, BD_EXIF_ERROR, BD_EXIF_ERROR_NO_POSITION,
                   _("The photo does not say where it was taken."));
      return FALSE;
    }

  if (status == 'V')
    {
      g_set_error (error, BD_EXIF_ERROR, BD_EXIF_ERROR_NO_POSITION,
                   _("The photo’s camera had no position fix when it was taken."));
      return FALSE;
    }

  if ((lat_ref != 'N' && lat_ref != 'S') || (lon_ref != 'E' && lon_ref != 'W') ||
      !degrees_of (lat_entry, order, 90.0, &lat) ||
      !degrees_of (lon_entry, order, 180.0, &lon))
    {
      g_set_error (error, BD_EXIF_ERROR, BD_EXIF_ERROR_BAD_POSITION,
                   _("The photo’s position cannot be a place on Earth."));
      return FALSE;
    }

  if (lat == 0.0 && lon == 0.0)
    {
      g_set_error (error, BD_EXIF_ERROR, BD_EXIF_ERROR_NO_POSITION,
                   _("The photo does not say where it was taken."));
      return FALSE;
    }

  *latitude = lat_ref == 'S' ? -lat : lat;
  *longitude = lon_ref == 'W' ? -lon : lon;

  return TRUE;
}
