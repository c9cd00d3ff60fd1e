/* test-map-overlays.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The overlays offered to the layer panel (issue 10): the Hazard Map
 * Portal's layers of DOMAIN.md B.3 with their credit and zooms, hidden by
 * default at the opacity asked; the ids and names of city maps and map
 * files.
 */

#include "config.h"

#include <string.h>

#include "bd-map-sources.h"

static void
test_hazards (void)
{
  guint n = 0;
  const BdHazardOverlay *hazards = bd_map_sources_get_hazards (&n);
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  const char *wanted[] = { "hazard:flood-l2", "hazard:tsunami", "hazard:storm-surge",
                           "hazard:landslide" };

  g_assert_cmpuint (n, >=, 4);
  for (guint i = 0; i < n; i++)
    {
      g_assert_true (g_str_has_prefix (hazards[i].url_template,
                                       "https://disaportaldata.gsi.go.jp/raster/"));
      g_assert_true (g_str_has_suffix (hazards[i].url_template, "/{z}/{x}/{y}.png"));
      g_assert_cmpuint (hazards[i].min_zoom, ==, 2);
      g_assert_cmpuint (hazards[i].max_zoom, ==, 17);
      g_assert_true (g_hash_table_add (ids, (gpointer) hazards[i].id));
      g_assert_cmpstr (bd_map_sources_get_display_name (hazards[i].id), !=, hazards[i].id);
    }
  for (guint i = 0; i < G_N_ELEMENTS (wanted); i++)
    g_assert_true (g_hash_table_contains (ids, wanted[i]));
  g_assert_true (strstr (hazards[0].url_template, "01_flood_l2_shinsuishin_data") != NULL);
}

static void
test_hazard_source (void)
{
  g_autoptr(ShumateMapSource) source = bd_map_sources_new_hazard ("hazard:tsunami");

  g_assert_nonnull (source);
  g_assert_cmpstr (shumate_map_source_get_id (source), ==, "hazard:tsunami");
  g_assert_cmpstr (shumate_map_source_get_license (source), ==, "出典：ハザードマップポータルサイト");
  g_assert_cmpuint (shumate_map_source_get_min_zoom_level (source), ==, 2);
  g_assert_cmpuint (shumate_map_source_get_max_zoom_level (source), ==, 17);
  g_assert_null (bd_map_sources_new_hazard ("hazard:nothing"));
  g_assert_null (bd_map_sources_new_hazard (NULL));
}

static void
test_overlay_layer (void)
{
  g_autoptr(ShumateViewport) viewport = shumate_viewport_new ();
  g_autoptr(ShumateMapSource) source = bd_map_sources_new_hazard ("hazard:flood-l2");
  ShumateMapLayer *layer;

  if (!gtk_init_check ())
    {
      g_test_skip ("no display");
      return;
    }
  layer = bd_map_sources_new_overlay_layer (viewport, source, 0.6);
  g_object_ref_sink (layer);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (layer)));
  g_assert_cmpfloat_with_epsilon (gtk_widget_get_opacity (GTK_WIDGET (layer)), 0.6, 1e-9);
  g_object_unref (layer);
}

static void
test_ids (void)
{
  BdCityTileSet set = { .name = (char *) "ward-maps", .url_template = (char *) "http://x/tiles/ward-maps/{z}/{x}/{y}" };
  g_autofree char *city = bd_map_sources_city_id (&set);
  g_autofree char *file = bd_map_sources_file_id ("/media/usb/北区.mbtiles");

  g_assert_cmpstr (city, ==, "city:ward-maps");
  g_assert_true (bd_map_sources_id_is_city (city));
  g_assert_false (bd_map_sources_id_is_file (city));
  g_assert_cmpstr (bd_map_sources_get_display_name (city), ==, "ward-maps");
  g_assert_true (bd_map_sources_id_is_file (file));
  g_assert_true (bd_map_sources_id_is_file (BD_MAP_SOURCE_LOCAL));
  g_assert_cmpstr (bd_map_sources_get_display_name (file), ==, "北区.mbtiles");
  g_assert_false (bd_map_sources_id_is_file (BD_MAP_SOURCE_GSI_STD));
}

static void
test_city_url (void)
{
  BdCityTileSet set = { .url_template = (char *) "http://127.0.0.1:8080/tiles/city/{z}/{x}/{y}" };
  g_autofree char *url = bd_city_tile_set_tile_url (&set, 12, 3595, 1620);

  g_assert_cmpstr (url, ==, "http://127.0.0.1:8080/tiles/city/12/3595/1620");
  g_assert_true (bd_city_tiles_url_on_server (url, "http://127.0.0.1:8080/"));
  g_assert_false (bd_city_tiles_url_on_server (url, "http://127.0.0.1:8081/"));
  g_assert_false (bd_city_tiles_url_on_server (url, "https://127.0.0.1:8080/"));
  g_assert_false (bd_city_tiles_url_on_server ("http://tile.openstreetmap.org/1/1/1.png",
                                               "http://127.0.0.1:8080/"));
  g_assert_false (bd_city_tiles_url_on_server ("http://user@127.0.0.1:8080/x",
                                               "http://127.0.0.1:8080/"));
}

static void
test_city_list (void)
{
  const char *good =
    "{\"tilesets\":[{\"name\":\"city\",\"bounds\":[135.4,34.6,135.6,34.75],\"minzoom\":10,"
    "\"maxzoom\":12,\"attribution\":\"大阪市\",\"format\":\"png\",\"overlay\":false,"
    "\"url\":\"http://h:1/tiles/city/{z}/{x}/{y}\"},"
    "{\"name\":\"elsewhere\",\"bounds\":[135.4,34.6,135.6,34.75],\"minzoom\":10,\"maxzoom\":12,"
    "\"url\":\"https://tile.openstreetmap.org/{z}/{x}/{y}.png\"},"
    "{\"name\":\"bad-zoom\",\"bounds\":[135.4,34.6,135.6,34.75],\"minzoom\":10,\"maxzoom\":40,"
    "\"url\":\"http://h:1/tiles/b/{z}/{x}/{y}\"},"
    "{\"name\":\"bad-bounds\",\"bounds\":[135.6,34.6,135.4,34.75],\"minzoom\":1,\"maxzoom\":2,"
    "\"url\":\"http://h:1/tiles/c/{z}/{x}/{y}\"}, 7]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sets = bd_city_tiles_parse (good, strlen (good), "http://h:1", &error);
  const BdCityTileSet *set;

  g_assert_no_error (error);
  g_assert_cmpuint (sets->len, ==, 1);
  set = g_ptr_array_index (sets, 0);
  g_assert_cmpstr (set->name, ==, "city");
  g_assert_cmpuint (set->min_zoom, ==, 10);
  g_assert_cmpuint (set->max_zoom, ==, 12);
  g_assert_cmpstr (set->attribution, ==, "大阪市");
  g_assert_false (set->overlay);

  g_assert_null (bd_city_tiles_parse ("[1]", 3, "http://h:1", &error));
  g_assert_error (error, BD_CITY_TILES_ERROR, BD_CITY_TILES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (bd_city_tiles_parse ("{\"tilesets\":", 12, "http://h:1", &error));
  g_assert_nonnull (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/map/overlays/hazards", test_hazards);
  g_test_add_func ("/map/overlays/hazard-source", test_hazard_source);
  g_test_add_func ("/map/overlays/overlay-layer", test_overlay_layer);
  g_test_add_func ("/map/overlays/ids", test_ids);
  g_test_add_func ("/map/overlays/city-url", test_city_url);
  g_test_add_func ("/map/overlays/city-list", test_city_list);
  return g_test_run ();
}
