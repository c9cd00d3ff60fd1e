/* bd-exif.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Where a photo was taken, from its EXIF GPS tags (libexif). The editor
 * offers it as the report's place; it never applies it by itself. Only
 * the JPEG's own EXIF segment is read (at most 64 KiB, libexif's bound on
 * an APP1 segment), from at most BD_EXIF_MAX_BYTES of the file. */

#define BD_EXIF_ERROR (bd_exif_error_quark ())

typedef enum
{
  BD_EXIF_ERROR_NO_EXIF,       /* no EXIF at all, or none libexif could read */
  BD_EXIF_ERROR_NO_POSITION,   /* EXIF without a usable GPS position */
  BD_EXIF_ERROR_BAD_POSITION,  /* GPS tags that cannot be a place on Earth */
} BdExifError;

/* Photos are at most 20 MiB (BD_STORE_MAX_ATTACHMENT_BYTES). */
#define BD_EXIF_MAX_BYTES (20u << 20)

GQuark   bd_exif_error_quark   (void);

/* Reads the GPS position of the photo @data (JPEG bytes, or a bare EXIF
 * block beginning "Exif\0\0") into @latitude and @longitude (degrees,
 * WGS 84; south and west negative). The tags must be there in full: the
 * references N/S and E/W and three rationals each (degrees, minutes,
 * seconds), no zero denominator, minutes and seconds below 60, |latitude|
 * ≤ 90 and |longitude| ≤ 180. A GPS status of "V" (void: no fix) and the
 * position 0, 0 (an empty fix some cameras write) are no position. */
gboolean bd_exif_read_position (const guint8 *data,
                                gsize         size,
                                double       *latitude,
                                double       *longitude,
                                GError      **error);

G_END_DECLS
