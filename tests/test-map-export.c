/* test-map-export.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 10, part 9: bosai-desk --export-map, the real binary under the
 * test's display: the PNG has the size asked for, a known report's colour
 * is at its place (and not before the report was observed, --as-of), the
 * title band holds text, and bad arguments get their exit codes (2 a bad
 * command line, 1 a file that cannot be written) with a message.
 */

#define G_LOG_DOMAIN "test-map-export"

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <string.h>

#include "bd-catalog.h"
#include "bd-store.h"
#include "ui-util.h"

#define REPORT_LAT (BD_CITY_CENTER_LAT + 0.01)
#define REPORT_LON (BD_CITY_CENTER_LON + 0.01)

static char *tmp_dir;
static char *db;
static char *tiles;

static void
put_report (BdStore    *store,
            const char *id,
            const char *category,
            double      lat,
            double      lon,
            const char *observed)
{
  g_autoptr(BdReport) report = bd_report_new ();
  g_autoptr(GPtrArray) reports = g_ptr_array_new ();
  g_autoptr(GTimeZone) tz = g_time_zone_new_utc ();
  g_autoptr(GDateTime) when = g_date_time_new_from_iso8601 (observed, tz);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (when);
  bd_report_set_id (report, id);
  bd_report_set_location (report, lat, lon);
  bd_report_set_ward (report, bd_catalog_nearest_ward (lat, lon)->code);
  bd_report_set_category (report, category);
  bd_report_set_status (report, "new");
  bd_report_set_severity (report, 3);
  bd_report_set_title (report, "火災");
  bd_report_set_observed_at (report, when);
  bd_report_set_created_at (report, when);
  bd_report_set_updated_at (report, when);
  g_ptr_array_add (reports, report);
  bd_store_insert_batch (store, reports, FALSE, NULL, &error);
  g_assert_no_error (error);
}

/* Runs bosai-desk with @args (after --database DB); its exit status. */
static int
run (const char  *const *args,
     char               **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_ptr_array_add (argv, (char *) g_getenv ("BOSAI_DESK"));
  g_ptr_array_add (argv, "--database");
  g_ptr_array_add (argv, db);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               NULL, err, &status, &error));
  g_assert_no_error (error);
  if (g_spawn_check_wait_status (status, NULL))
    return 0;
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static gboolean
near_colour (GdkPixbuf     *pixbuf,
             int            x,
             int            y,
             const GdkRGBA *colour)
{
  const guchar *p = gdk_pixbuf_read_pixels (pixbuf) + y * gdk_pixbuf_get_rowstride (pixbuf)
                    + x * gdk_pixbuf_get_n_channels (pixbuf);

  g_test_message ("pixel %d,%d: %02x%02x%02x", x, y, p[0], p[1], p[2]);
  return ABS (p[0] - (int) (colour->red * 255)) <= 12 &&
         ABS (p[1] - (int) (colour->green * 255)) <= 12 &&
         ABS (p[2] - (int) (colour->blue * 255)) <= 12;
}

static void
test_export_png (void)
{
  g_autofree char *png = g_build_filename (tmp_dir, "map.png", NULL);
  g_autofree char *early = g_build_filename (tmp_dir, "early.png", NULL);
  g_autofree char *center = g_strdup_printf ("%.6f,%.6f", REPORT_LAT, REPORT_LON);
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  GdkRGBA fire;
  guint dark = 0;
  const char *args[] = { "--export-map", png, "--size", "640x400", "--center", center,
                         "--zoom", "15", "--offline-map", tiles, NULL };
  const char *early_args[] = { "--export-map", early, "--size", "640x400", "--center", center,
                               "--zoom", "15", "--offline-map", tiles,
                               "--as-of", "2026-12-06T08:00:00+09:00", NULL };

  g_assert_true (gdk_rgba_parse (&fire, bd_catalog_lookup_category ("fire")->color));

  g_assert_cmpint (run (args, &err), ==, 0);
  pixbuf = gdk_pixbuf_new_from_file (png, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 640);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 400);
  /* the fire report, at the centre */
  g_assert_true (near_colour (pixbuf, 320, 200, &fire));
  /* the title band: dark text on white */
  for (int y = 0; y < 24; y++)
    for (int x = 0; x < 640; x++)
      {
        const guchar *p = gdk_pixbuf_read_pixels (pixbuf) + y * gdk_pixbuf_get_rowstride (pixbuf)
                          + x * gdk_pixbuf_get_n_channels (pixbuf);

        if (p[0] < 80 && p[1] < 80 && p[2] < 80)
          dark++;
      }
  g_test_message ("%u dark pixels in the title band", dark);
  g_assert_cmpuint (dark, >, 100);

  /* as of before it was observed: not there */
  g_clear_object (&pixbuf);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (early_args, &err), ==, 0);
  pixbuf = gdk_pixbuf_new_from_file (early, &error);
  g_assert_no_error (error);
  g_assert_false (near_colour (pixbuf, 320, 200, &fire));
}

static void
test_exit_codes (void)
{
  g_autofree char *png = g_build_filename (tmp_dir, "x.png", NULL);
  g_autofree char *csv = g_build_filename (tmp_dir, "t.csv", NULL);
  g_autofree char *unwritable = g_build_filename (tmp_dir, "no", "such", "dir", "m.png", NULL);
  struct
  {
    const char *args[8];
    int         status;
    const char *says;
  } cases[] = {
    { { "--export-map", png, "--size", "12x", NULL }, 2, "--size" },
    { { "--export-map", png, "--size", "100000x10", NULL }, 2, "--size" },
    { { "--export-map", png, "--center", "north", NULL }, 2, "--center" },
    { { "--export-map", png, "--center", "95,135", NULL }, 2, "--center" },
    { { "--export-map", png, "--zoom", "25", NULL }, 2, "--zoom" },
    { { "--export-map", png, "--as-of", "yesterday", NULL }, 2, "RFC 3339" },
    { { "--export-map", csv, NULL }, 2, "PNG" },
    { { "--zoom", "12", NULL }, 2, "--export-map" },
    { { "--export-map", png, "--export-tally", csv, NULL }, 2, "not both" },
    { { "--export-map", unwritable, "--offline-map", tiles, "--size", "300x200", NULL }, 1,
      "m.png" },
    { { "--export-map", png, "--offline-map", "/no/such/map.mbtiles", NULL }, 1, "offline map" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *err = NULL;
      int status = run (cases[i].args, &err);

      g_test_message ("case %u: %d, %s", i, status, err);
      g_assert_cmpint (status, ==, cases[i].status);
      g_assert_nonnull (strstr (err, cases[i].says));
      g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));
    }

  /* --as-of still belongs to the tally too */
  {
    const char *args[] = { "--export-tally", csv, "--as-of", "2026-12-06T14:00:00+09:00", NULL };
    g_autofree char *err = NULL;

    g_assert_cmpint (run (args, &err), ==, 0);
    g_assert_true (g_file_test (csv, G_FILE_TEST_EXISTS));
  }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tmp_dir = g_dir_make_tmp ("bd-test-map-export-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);
  g_setenv ("XDG_CACHE_HOME", tmp_dir, TRUE);
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);

  db = g_build_filename (tmp_dir, "db.sqlite", NULL);
  tiles = g_build_filename (tmp_dir, "tiles", NULL);
  write_city_tiles (tiles, 12);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(BdStore) store = bd_store_open (db, &error);

    g_assert_no_error (error);
    put_report (store, "cccccccc-0000-4000-8000-000000000001", "fire", REPORT_LAT, REPORT_LON,
                "2026-12-06T10:00:00+09:00");
    put_report (store, "cccccccc-0000-4000-8000-000000000002", "road", BD_CITY_CENTER_LAT - 0.05,
                BD_CITY_CENTER_LON - 0.05, "2026-12-06T07:00:00+09:00");
  }

  g_test_add_func ("/bd/map-export/png", test_export_png);
  g_test_add_func ("/bd/map-export/exit-codes", test_exit_codes);
  status = g_test_run ();

  remove_tree (tmp_dir);
  g_free (db);
  g_free (tiles);
  g_free (tmp_dir);
  return status;
}
