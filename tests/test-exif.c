/* test-exif.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The GPS position of a photo from its EXIF (bd-exif.c), with JPEGs this
 * test writes itself byte by byte: good ones in both byte orders, and
 * every way the tags can be missing, impossible, truncated or hostile.
 */

#include "config.h"

#include <string.h>

#include "bd-exif.h"

typedef struct
{
  gboolean big_endian;
  char     lat_ref;          /* 0: no tag */
  guint32  lat[6];           /* numerator, denominator × 3 */
  char     lon_ref;
  guint32  lon[6];
  char     status;           /* 0: no tag */
  guint16  lat_type;         /* 5: RATIONAL */
  guint32  lat_count;        /* 3 */
  gboolean no_gps;           /* no GPS IFD at all */
} Gps;

/* 34°41'37.32" N, 135°31'34.32" E: 大阪城, 34.6937, 135.5262 */
static const Gps osaka_castle = {
  FALSE,
  'N', { 34, 1, 41, 1, 3732, 100 },
  'E', { 135, 1, 31, 1, 3432, 100 },
  0, 5, 3, FALSE,
};
#define CASTLE_LAT (34.0 + 41.0 / 60 + 37.32 / 3600)
#define CASTLE_LON (135.0 + 31.0 / 60 + 34.32 / 3600)

static void
put16 (GByteArray *a, gboolean be, guint16 v)
{
  guint8 b[2];

  if (be) { b[0] = v >> 8; b[1] = v & 0xff; }
  else    { b[0] = v & 0xff; b[1] = v >> 8; }
  g_byte_array_append (a, b, 2);
}

static void
put32 (GByteArray *a, gboolean be, guint32 v)
{
  guint8 b[4];

  if (be) { b[0] = v >> 24; b[1] = (v >> 16) & 0xff; b[2] = (v >> 8) & 0xff; b[3] = v & 0xff; }
  else    { b[0] = v & 0xff; b[1] = (v >> 8) & 0xff; b[2] = (v >> 16) & 0xff; b[3] = v >> 24; }
  g_byte_array_append (a, b, 4);
}

static void
put_entry (GByteArray *a, gboolean be, guint16 tag, guint16 type, guint32 count, guint32 value)
{
  put16 (a, be, tag);
  put16 (a, be, type);
  put32 (a, be, count);
  put32 (a, be, value);
}

/* An ASCII value of one letter, inline: "N\0" in the first bytes. */
static guint32
inline_letter (gboolean be, char c)
{
  return be ? ((guint32)(guint8)c << 24) : (guint32)(guint8)c;
}

/* The TIFF block of the EXIF: IFD0 (Orientation, the GPS pointer), the
 * GPS IFD, then its rationals. */
static GByteArray *
make_tiff (const Gps *gps)
{
  GByteArray *t = g_byte_array_new ();
  gboolean be = gps->big_endian;
  guint n_gps = (gps->lat_ref ? 1 : 0) + 1 + (gps->lon_ref ? 1 : 0) + 1 + (gps->status ? 1 : 0);
  guint32 gps_offset = 8 + 2 + 2 * 12 + 4;
  guint32 data_offset = gps_offset + 2 + n_gps * 12 + 4;

  g_byte_array_append (t, (const guint8 *)(be ? "MM" : "II"), 2);
  put16 (t, be, 42);
  put32 (t, be, 8);

  /* IFD0 */
  put16 (t, be, gps->no_gps ? 1 : 2);
  put_entry (t, be, 0x0112, 3, 1, be ? (1u << 16) : 1u);   /* Orientation: 1 */
  if (!gps->no_gps)
    put_entry (t, be, 0x8825, 4, 1, gps_offset);
  else
    put_entry (t, be, 0x0112, 3, 1, be ? (1u << 16) : 1u);
  put32 (t, be, 0);
  if (gps->no_gps)
    return t;

  /* GPS IFD, tags in order */
  put16 (t, be, n_gps);
  if (gps->lat_ref)
    put_entry (t, be, 0x0001, 2, 2, inline_letter (be, gps->lat_ref));
  put_entry (t, be, 0x0002, gps->lat_type, gps->lat_count, data_offset);
  if (gps->lon_ref)
    put_entry (t, be, 0x0003, 2, 2, inline_letter (be, gps->lon_ref));
  put_entry (t, be, 0x0004, 5, 3, data_offset + 24);
  if (gps->status)
    put_entry (t, be, 0x0009, 2, 2, inline_letter (be, gps->status));
  put32 (t, be, 0);

  for (guint i = 0; i < 6; i++)
    put32 (t, be, gps->lat[i]);
  for (guint i = 0; i < 6; i++)
    put32 (t, be, gps->lon[i]);

  return t;
}

/* SOI, APP1 "Exif\0\0" + TIFF, EOI. */
static GBytes *
make_jpeg (const Gps *gps)
{
  g_autoptr(GByteArray) tiff = make_tiff (gps);
  GByteArray *j = g_byte_array_new ();
  static const guint8 soi[] = { 0xff, 0xd8, 0xff, 0xe1 };
  static const guint8 eoi[] = { 0xff, 0xd9 };
  guint len = 2 + 6 + tiff->len;
  guint8 be_len[2] = { len >> 8, len & 0xff };

  g_byte_array_append (j, soi, sizeof soi);
  g_byte_array_append (j, be_len, 2);
  g_byte_array_append (j, (const guint8 *)"Exif\0\0", 6);
  g_byte_array_append (j, tiff->data, tiff->len);
  g_byte_array_append (j, eoi, sizeof eoi);

  return g_byte_array_free_to_bytes (j);
}

static gboolean
read_gps (const Gps *gps, double *lat, double *lon, GError **error)
{
  g_autoptr(GBytes) jpeg = make_jpeg (gps);
  gsize size;
  const guint8 *data = g_bytes_get_data (jpeg, &size);

  return bd_exif_read_position (data, size, lat, lon, error);
}

static void
test_good (void)
{
  g_autoptr(GError) error = NULL;
  Gps gps = osaka_castle;
  double lat = 0, lon = 0;

  g_assert_true (read_gps (&gps, &lat, &lon, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (lat, CASTLE_LAT, 1e-9);
  g_assert_cmpfloat_with_epsilon (lon, CASTLE_LON, 1e-9);

  /* Motorola byte order, status "A" (a fix) */
  gps.big_endian = TRUE;
  gps.status = 'A';
  g_assert_true (read_gps (&gps, &lat, &lon, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (lat, CASTLE_LAT, 1e-9);
  g_assert_cmpfloat_with_epsilon (lon, CASTLE_LON, 1e-9);

  /* South and west are negative; decimal minutes (41.622/1, 0/1) too */
  gps = osaka_castle;
  gps.lat_ref = 'S';
  gps.lon_ref = 'W';
  gps.lat[2] = 41622; gps.lat[3] = 1000; gps.lat[4] = 0; gps.lat[5] = 1;
  g_assert_true (read_gps (&gps, &lat, &lon, &error));
  g_assert_cmpfloat_with_epsilon (lat, -(34.0 + 41.622 / 60), 1e-9);
  g_assert_cmpfloat_with_epsilon (lon, -CASTLE_LON, 1e-9);

  /* The bare EXIF block (no JPEG around it) */
  {
    g_autoptr(GByteArray) tiff = make_tiff (&osaka_castle);
    g_autoptr(GByteArray) block = g_byte_array_new ();

    g_byte_array_append (block, (const guint8 *)"Exif\0\0", 6);
    g_byte_array_append (block, tiff->data, tiff->len);
    g_assert_true (bd_exif_read_position (block->data, block->len, &lat, &lon, &error));
    g_assert_cmpfloat_with_epsilon (lat, CASTLE_LAT, 1e-9);
  }
}

static void
expect (const Gps *gps, BdExifError code)
{
  g_autoptr(GError) error = NULL;
  double lat = 12345, lon = 12345;

  g_assert_false (read_gps (gps, &lat, &lon, &error));
  g_assert_error (error, BD_EXIF_ERROR, (int)code);
  g_assert_nonnull (error->message);
  /* nothing written on failure */
  g_assert_cmpfloat (lat, ==, 12345);
  g_assert_cmpfloat (lon, ==, 12345);
}

static void
test_missing (void)
{
  Gps gps;
  g_autoptr(GError) error = NULL;
  static const guint8 bare_jpeg[] = { 0xff, 0xd8, 0xff, 0xdb, 0x00, 0x04, 0x00, 0x00, 0xff, 0xd9 };
  double lat, lon;

  /* a JPEG without EXIF, nothing, text */
  g_assert_false (bd_exif_read_position (bare_jpeg, sizeof bare_jpeg, &lat, &lon, &error));
  g_assert_error (error, BD_EXIF_ERROR, BD_EXIF_ERROR_NO_EXIF);
  g_clear_error (&error);
  g_assert_false (bd_exif_read_position (NULL, 0, &lat, &lon, &error));
  g_assert_error (error, BD_EXIF_ERROR, BD_EXIF_ERROR_NO_EXIF);
  g_clear_error (&error);
  g_assert_false (bd_exif_read_position ((const guint8 *)"hello, world", 12, &lat, &lon, &error));
  g_assert_error (error, BD_EXIF_ERROR, BD_EXIF_ERROR_NO_EXIF);
  g_clear_error (&error);

  /* EXIF without GPS */
  gps = osaka_castle;
  gps.no_gps = TRUE;
  expect (&gps, BD_EXIF_ERROR_NO_POSITION);

  /* a reference missing */
  gps = osaka_castle;
  gps.lat_ref = 0;
  expect (&gps, BD_EXIF_ERROR_NO_POSITION);
  gps = osaka_castle;
  gps.lon_ref = 0;
  expect (&gps, BD_EXIF_ERROR_NO_POSITION);

  /* no fix: status V, or 0, 0 */
  gps = osaka_castle;
  gps.status = 'V';
  expect (&gps, BD_EXIF_ERROR_NO_POSITION);
  gps = osaka_castle;
  memset (gps.lat, 0, sizeof gps.lat);
  memset (gps.lon, 0, sizeof gps.lon);
  gps.lat[1] = gps.lat[3] = gps.lat[5] = gps.lon[1] = gps.lon[3] = gps.lon[5] = 1;
  expect (&gps, BD_EXIF_ERROR_NO_POSITION);
}

static void
test_impossible (void)
{
  Gps gps;

  /* latitude 91°, longitude 181°, 60 minutes, 60 seconds */
  gps = osaka_castle; gps.lat[0] = 91; gps.lat[2] = 0;
  expect (&gps, BD_EXIF_ERROR_BAD_POSITION);
  gps = osaka_castle; gps.lat[0] = 90; gps.lat[2] = 0; gps.lat[4] = 1;
  expect (&gps, BD_EXIF_ERROR_BAD_POSITION);              /* 90° 0' 0.01" */
  gps = osaka_castle; gps.lon[0] = 181;
  expect (&gps, BD_EXIF_ERROR_BAD_POSITION);
  gps = osaka_castle; gps.lat[2] = 60;
  expect (&gps, BD_EXIF_ERROR_BAD_POSITION);
  gps = osaka_castle; gps.lon[4] = 6000;
  expect (&gps, BD_EXIF_ERROR_BAD_POSITION);
  /* a zero denominator (a division by zero, or an infinity) */
  gps = osaka_castle; gps.lat[1] = 0;
  expect (&gps, BD_EXIF_ERROR_BAD_POSITION);
  gps = osaka_castle; gps.lon[5] = 0;
  expect (&gps, BD_EXIF_ERROR_BAD_POSITION);
  /* huge numerators over small denominators */
  gps = osaka_castle; gps.lat[0] = G_MAXUINT32;
  expect (&gps, BD_EXIF_ERROR_BAD_POSITION);
  /* a reference that is no direction */
  gps = osaka_castle; gps.lat_ref = 'X';
  expect (&gps, BD_EXIF_ERROR_BAD_POSITION);
  gps = osaka_castle; gps.lon_ref = 'N';
  expect (&gps, BD_EXIF_ERROR_BAD_POSITION);
  /* two rationals, not three; SHORTs, not rationals */
  gps = osaka_castle; gps.lat_count = 2;
  expect (&gps, BD_EXIF_ERROR_BAD_POSITION);
  gps = osaka_castle; gps.lat_type = 3; gps.lat_count = 3;
  expect (&gps, BD_EXIF_ERROR_BAD_POSITION);
}

/* Cut anywhere, the EXIF gives no position or the right one, never a
 * crash or a read past the bytes (run under ASan in CI). */
static void
test_truncated (void)
{
  g_autoptr(GBytes) jpeg = make_jpeg (&osaka_castle);
  gsize size;
  const guint8 *data = g_bytes_get_data (jpeg, &size);
  guint n_found = 0;

  for (gsize cut = 0; cut <= size; cut++)
    {
      g_autoptr(GError) error = NULL;
      guint8 *copy = g_memdup2 (data, cut);   /* exactly @cut bytes: ASan sees an over-read */
      double lat, lon;

      if (bd_exif_read_position (copy, cut, &lat, &lon, &error))
        {
          n_found++;
          g_assert_cmpfloat_with_epsilon (lat, CASTLE_LAT, 1e-9);
          g_assert_cmpfloat_with_epsilon (lon, CASTLE_LON, 1e-9);
        }
      else
        g_assert_true (error != NULL && error->domain == BD_EXIF_ERROR);
      g_free (copy);
    }
  /* the whole file, and the file without its EOI */
  g_assert_cmpuint (n_found, >=, 1);
}

/* Lengths and counts that lie: an APP1 length past the end, 65,535 GPS
 * entries, offsets far outside the block. */
static void
test_hostile (void)
{
  g_autoptr(GBytes) jpeg = make_jpeg (&osaka_castle);
  gsize size;
  const guint8 *data = g_bytes_get_data (jpeg, &size);
  g_autofree guint8 *copy = NULL;
  g_autoptr(GError) error = NULL;
  double lat, lon;
  /* TIFF starts at 4 + 2 + 6 = 12; GPS IFD at TIFF + 38 */
  const gsize tiff = 12, gps_ifd = tiff + 38;

  /* APP1 length 0xffff, the file much shorter */
  copy = g_memdup2 (data, size);
  copy[4] = 0xff; copy[5] = 0xff;
  (void)bd_exif_read_position (copy, size, &lat, &lon, &error);
  g_clear_error (&error);
  /* APP1 length 0 and 1 */
  copy[4] = 0; copy[5] = 1;
  g_assert_false (bd_exif_read_position (copy, size, &lat, &lon, &error));
  g_clear_error (&error);
  g_clear_pointer (&copy, g_free);

  /* 65,535 entries in the GPS IFD */
  copy = g_memdup2 (data, size);
  copy[gps_ifd] = 0xff; copy[gps_ifd + 1] = 0xff;
  (void)bd_exif_read_position (copy, size, &lat, &lon, &error);
  g_clear_error (&error);
  g_clear_pointer (&copy, g_free);

  /* the latitude's rationals at offset 0xfffffff0 */
  copy = g_memdup2 (data, size);
  for (guint i = 0; i < 4; i++)
    copy[gps_ifd + 2 + 12 + 8 + i] = i == 0 ? 0xf0 : 0xff;
  g_assert_false (bd_exif_read_position (copy, size, &lat, &lon, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_clear_pointer (&copy, g_free);

  /* the GPS pointer at itself (a loop), and far away */
  copy = g_memdup2 (data, size);
  copy[tiff + 8 + 2 + 12 + 8] = 8;
  (void)bd_exif_read_position (copy, size, &lat, &lon, &error);
  g_clear_error (&error);
  copy[tiff + 8 + 2 + 12 + 11] = 0x7f;
  g_assert_false (bd_exif_read_position (copy, size, &lat, &lon, &error));
  g_clear_error (&error);
  g_clear_pointer (&copy, g_free);

  /* more than BD_EXIF_MAX_BYTES */
  copy = g_malloc0 (BD_EXIF_MAX_BYTES + 1);
  memcpy (copy, data, size);
  g_assert_false (bd_exif_read_position (copy, BD_EXIF_MAX_BYTES + 1, &lat, &lon, &error));
  g_assert_error (error, BD_EXIF_ERROR, BD_EXIF_ERROR_NO_EXIF);
  g_clear_error (&error);
}

/* Random bytes changed in a good file, many times: any answer is a
 * position on Earth or an error. */
static void
test_mutations (void)
{
  g_autoptr(GBytes) jpeg = make_jpeg (&osaka_castle);
  gsize size;
  const guint8 *data = g_bytes_get_data (jpeg, &size);

  for (guint round = 0; round < 5000; round++)
    {
      g_autofree guint8 *copy = g_memdup2 (data, size);
      g_autoptr(GError) error = NULL;
      guint n = (guint)g_test_rand_int_range (1, 6);
      double lat, lon;

      for (guint i = 0; i < n; i++)
        copy[g_test_rand_int_range (0, (gint32)size)] = (guint8)g_test_rand_int_range (0, 256);

      if (bd_exif_read_position (copy, size, &lat, &lon, &error))
        {
          g_assert_cmpfloat (ABS (lat), <=, 90);
          g_assert_cmpfloat (ABS (lon), <=, 180);
        }
      else
        g_assert_true (error != NULL && error->domain == BD_EXIF_ERROR);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bd/exif/good", test_good);
  g_test_add_func ("/bd/exif/missing", test_missing);
  g_test_add_func ("/bd/exif/impossible", test_impossible);
  g_test_add_func ("/bd/exif/truncated", test_truncated);
  g_test_add_func ("/bd/exif/hostile", test_hostile);
  g_test_add_func ("/bd/exif/mutations", test_mutations);

  return g_test_run ();
}
