/* test-offline-maps.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Maps from the city in the real window, under Xvfb, against a real
 * bosai-central serving an MBTiles file (issue 10): the city map offered
 * under "City Maps" and drawn from the server with the token; "Save This
 * Area for Offline Use" copying the visible area into a local file that
 * becomes the base map and is remembered; a map file that does not open
 * refused with a message, a remembered file that is gone; the notice when
 * no tile can load.
 */

#define G_LOG_DOMAIN "test-offline-maps"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <sqlite3.h>

#include "bd-application.h"
#include "bd-city-tile-source.h"
#include "bd-map-sources.h"
#include "bd-mbtiles-writer.h"
#include "bd-offline-save-dialog.h"
#include "bd-window-private.h"
#include "sync-harness.h"
#include "app-fixture.h"
#include "ui-util.h"

#define SCHEMA_ID "io.github.bosai_desk.BosaiDesk"
#define TIMEOUT_MS 30000
#define CENTRE_LAT 34.6937
#define CENTRE_LON 135.5023

#define wait_until(condition, data) g_assert_true (iterate_until ((condition), (data), TIMEOUT_MS))

static char *tmp_dir;
static char *tiles_dir;
static Server *server;

static GBytes *
png_tile (guint8 r, guint8 g, guint8 b)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 256, 256);
  g_autofree char *buffer = NULL;
  gsize size = 0;

  gdk_pixbuf_fill (pixbuf, ((guint32) r << 24) | ((guint32) g << 16) | ((guint32) b << 8) | 0xff);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", NULL, NULL));
  return g_bytes_new (buffer, size);
}

static void
tile_of (double  lat,
         double  lon,
         guint   z,
         guint  *x,
         guint  *y)
{
  double n = (double) (1u << z);

  *x = (guint) floor ((lon + 180.0) / 360.0 * n);
  *y = (guint) floor ((1.0 - asinh (tan (lat * G_PI / 180.0)) / G_PI) / 2.0 * n);
}

/* The city centre ±2 tiles at zooms 10–13. */
static void
make_city_mbtiles (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdMbtilesWriter) writer = bd_mbtiles_writer_open (path, &error);

  g_assert_no_error (error);
  g_assert_true (bd_mbtiles_writer_set_metadata (writer, "name", "city", &error));
  g_assert_true (bd_mbtiles_writer_set_metadata (writer, "format", "png", &error));
  g_assert_true (bd_mbtiles_writer_set_metadata (writer, "minzoom", "10", &error));
  g_assert_true (bd_mbtiles_writer_set_metadata (writer, "maxzoom", "13", &error));
  g_assert_true (bd_mbtiles_writer_set_metadata (writer, "attribution", "大阪市", &error));
  for (guint z = 10; z <= 13; z++)
    {
      guint cx, cy;

      tile_of (CENTRE_LAT, CENTRE_LON, z, &cx, &cy);
      for (guint x = cx - 2; x <= cx + 2; x++)
        for (guint y = cy - 2; y <= cy + 2; y++)
          {
            g_autoptr(GBytes) png = png_tile ((guint8) (x * 7), (guint8) (y * 13), (guint8) (z * 19));

            g_assert_true (bd_mbtiles_writer_put_tile (writer, z, x, y, png, &error));
          }
    }
  g_assert_true (bd_mbtiles_writer_flush (writer, &error));
}

static void
start_server (void)
{
  g_autofree char *mbtiles = g_build_filename (tmp_dir, "city.mbtiles", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;
  const char *argv[] = { central_exe (), "tiles", "add", "--database", NULL, "city", mbtiles, NULL };

  make_city_mbtiles (mbtiles);
  server = server_new ();
  argv[4] = server->db;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                               &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("tiles add: %s%s", out, err);
  server_start (server);
}

static void
run_app (AppScenario scenario)
{
  g_autofree char *db = g_build_filename (tmp_dir, "desk.sqlite", NULL);
  const char *argv[] = { "bosai-desk", "--offline-map", tiles_dir, "--database", db,
                         "--server", server->base, "--token", server->token, NULL };

  app_fixture_run (argv, scenario);
}

static gboolean
city_source_known (gpointer data)
{
  BdWindow *window = data;

  return shumate_map_source_registry_get_by_id (window->registry, "city:city") != NULL;
}

/* A section of the base-map menu named @label holding an item @item. */
static gboolean
menu_has (GMenuModel *menu,
          const char *label,
          const char *item)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autofree char *section_label = NULL;
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);

      g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_LABEL, "s", &section_label);
      if (section == NULL || g_strcmp0 (section_label, label) != 0)
        continue;
      for (int j = 0; j < g_menu_model_get_n_items (section); j++)
        {
          g_autofree char *text = NULL;

          g_menu_model_get_item_attribute (section, j, G_MENU_ATTRIBUTE_LABEL, "s", &text);
          if (g_strcmp0 (text, item) == 0)
            return TRUE;
        }
    }
  return FALSE;
}

static BdCityTileSource *
city_tiles (BdWindow *window)
{
  ShumateMapSource *source = shumate_map_source_registry_get_by_id (window->registry, "city:city");
  ShumateDataSource *data = NULL;

  g_object_get (source, "data-source", &data, NULL);
  g_object_unref (data);
  return BD_CITY_TILE_SOURCE (data);
}

static gboolean
city_tiles_loaded (gpointer data)
{
  return bd_city_tile_source_get_n_loaded (city_tiles (data)) >= 4;
}

static gboolean
source_is_file (gpointer data)
{
  BdWindow *window = data;
  ShumateMapSource *source = shumate_simple_map_get_map_source (window->map);

  return source != NULL && g_str_has_prefix (shumate_map_source_get_id (source), "file:");
}

static gint64
count_tiles (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *s = NULL;
  gint64 n = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT COUNT (*) FROM tiles", -1, &s, NULL), ==, SQLITE_OK);
  if (sqlite3_step (s) == SQLITE_ROW)
    n = sqlite3_column_int64 (s, 0);
  sqlite3_finalize (s);
  sqlite3_close (db);
  return n;
}

static void
city_scenario (BdApplication *app,
               BdWindow      *window)
{
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  g_autofree char *saved = g_build_filename (tmp_dir, "saved.mbtiles", NULL);
  g_autofree char *corrupt = g_build_filename (tmp_dir, "corrupt.mbtiles", NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) remembered = NULL;
  GMenuModel *menu;
  BdOfflineSaveDialog *dialog;

  /* the city's list arrives: a base map under "City Maps" */
  wait_until (city_source_known, window);
  menu = gtk_menu_button_get_menu_model (window->map_source_button);
  g_assert_true (menu_has (menu, "City Maps", "city"));
  g_assert_true (menu_has (menu, "Offline Maps", "Open Map File…"));
  g_assert_true (menu_has (menu, "Offline Maps", "Save This Area for Offline Use…"));
  g_assert_false (menu_has (menu, "Base Map", "city"));

  /* shown: tiles come from the server, with the token */
  g_settings_set_string (settings, "map-source", "city:city");
  shumate_map_center_on (_bd_window_get_map (window), CENTRE_LAT, CENTRE_LON);
  shumate_viewport_set_zoom_level (_bd_window_get_viewport (window), 12);
  wait_until (city_tiles_loaded, window);
  g_assert_cmpuint (bd_city_tile_source_get_n_failed (city_tiles (window)), ==, 0);
  g_assert_cmpstr (gtk_label_get_text (window->map_source_label), ==, "city");

  /* the notice: offline on a network map, not on a file */
  _bd_window_set_network_available_for_test (window, 1);
  g_assert_false (_bd_window_offline_notice_visible (window));
  _bd_window_set_network_available_for_test (window, 0);
  g_assert_true (_bd_window_offline_notice_visible (window));
  _bd_window_set_network_available_for_test (window, 1);

  /* closed while copying: stopped, no crash, nothing remembered */
  {
    g_autofree char *part = g_build_filename (tmp_dir, "part.mbtiles", NULL);
    g_auto(GStrv) none = NULL;

    dialog = _bd_window_save_offline_area (window);
    g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
    bd_offline_save_dialog_start (dialog, part);
    gtk_window_close (GTK_WINDOW (dialog));
    wait_until (pointer_is_null, &dialog);
    iterate_for (300);
    none = g_settings_get_strv (settings, "offline-maps");
    g_assert_cmpuint (g_strv_length (none), ==, 0);
  }

  /* Save This Area: count shown first, then copied into a file that
   * becomes the base map and is remembered */
  dialog = _bd_window_save_offline_area (window);
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (bd_offline_save_dialog_get_summary (dialog), "tiles, about"));
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  bd_offline_save_dialog_start (dialog, saved);
  wait_until (pointer_is_null, &dialog);
  wait_until (source_is_file, window);
  g_assert_cmpint (count_tiles (saved), >, 0);
  remembered = g_settings_get_strv (settings, "offline-maps");
  g_assert_cmpstr (remembered[0], ==, saved);
  menu = gtk_menu_button_get_menu_model (window->map_source_button);
  g_assert_true (menu_has (menu, "Offline Maps", "saved.mbtiles"));
  _bd_window_set_network_available_for_test (window, 0);
  g_assert_false (_bd_window_offline_notice_visible (window));
  _bd_window_set_network_available_for_test (window, -1);

  /* a file that is no map: refused with a message, nothing remembered */
  g_assert_true (g_file_set_contents (corrupt, "not a map at all", -1, NULL));
  g_assert_false (_bd_window_open_map_file (window, corrupt, &error));
  g_assert_nonnull (error);
  g_clear_pointer (&remembered, g_strfreev);
  remembered = g_settings_get_strv (settings, "offline-maps");
  g_assert_cmpuint (g_strv_length (remembered), ==, 1);

  /* a remembered file that is gone: chosen, it says so and another base
   * map stays (one application run per process: the settings action of a
   * closed window outlives it) */
  {
    g_autofree char *gone = g_build_filename (tmp_dir, "gone.mbtiles", NULL);
    g_autofree char *gone_id = bd_map_sources_file_id (gone);
    const char *paths[] = { saved, gone, NULL };
    ShumateMapSource *source;

    g_settings_set_strv (settings, "offline-maps", paths);
    g_settings_set_string (settings, "map-source", gone_id);
    source = shumate_simple_map_get_map_source (window->map);
    g_assert_nonnull (source);
    g_assert_cmpstr (shumate_map_source_get_id (source), !=, gone_id);
    g_assert_null (shumate_map_source_registry_get_by_id (window->registry, gone_id));
    /* back to the test's tile folder: no request to a public server */
    g_settings_set_string (settings, "map-source", BD_MAP_SOURCE_LOCAL);
  }

  app_fixture_close_window (GTK_WINDOW (window));
}

static void
test_city_maps (void)
{
  run_app (city_scenario);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *cache = NULL;
  g_autofree char *config = NULL;
  int status;

  tmp_dir = g_dir_make_tmp ("bd-test-offline-maps-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);
  cache = g_build_filename (tmp_dir, "cache", NULL);
  config = g_build_filename (tmp_dir, "config", NULL);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  g_unsetenv ("BOSAI_TOKEN");

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  tiles_dir = g_build_filename (tmp_dir, "tiles", NULL);
  write_city_tiles (tiles_dir, 12);
  start_server ();

  g_test_add_func ("/bd/offline-maps/city-maps", test_city_maps);
  status = g_test_run ();

  server_free (server);
  remove_tree (tmp_dir);
  g_free (tiles_dir);
  g_free (tmp_dir);
  return status;
}
