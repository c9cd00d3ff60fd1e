/* test-overlays.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * UI tests of the server's overlays in the real window under Xvfb: drawn
 * from the store (an evacuation area's colour at its place, a shelter's
 * colour by its state), following the store's changes, an alert dropping
 * away when it expires, a click on a shelter showing its details, and the
 * layer panel (hide, fade, reorder; kept for the next window) with its
 * legend.
 *
 * BD_SCREENSHOT_DIR=DIR writes the window with the panel open and with a
 * shelter's details, at 1280 and 768 px wide, there (run it by hand with
 * LANGUAGE=ja LC_ALL=ja_JP.UTF-8 BD_LOCALEDIR=build/po for Japanese).
 */

#define G_LOG_DOMAIN "test-overlays"

#include "config.h"

#include <locale.h>
#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "bd-application.h"
#include "bd-catalog.h"
#include "bd-geo.h"
#include "bd-map-export.h"
#include "bd-overlay-style.h"
#include "bd-shape-layer-private.h"
#include "bd-store-features.h"
#include "bd-time.h"
#include "bd-window-private.h"
#include "ui-util.h"

#define SCHEMA_ID "io.github.bosai_desk.BosaiDesk"
#define TIMEOUT_MS 60000

/* The map's centre, an evacuation area (level 4) around AREA and a
 * shelter at SHELTER. */
#define CENTER_LAT 34.695
#define CENTER_LON 135.505
#define AREA_LAT 34.700
#define AREA_LON 135.495
#define SHELTER_LAT 34.690
#define SHELTER_LON 135.515
#define ZOOM 14

static char *tmp_dir;
static char *tiles_dir;
static gint64 seq = 1;

/* ------------------------------------------------------- helpers */

typedef void (*Scenario) (BdWindow *window,
                          gpointer  data);

typedef struct
{
  Scenario  scenario;
  gpointer  data;
  gboolean  ran;
} RunData;

static void
on_activate_cb (GApplication *app,
                RunData      *run)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  g_assert_true (BD_IS_WINDOW (window));
  g_assert_true (iterate_until (widget_is_mapped, window, TIMEOUT_MS));
  run->scenario (BD_WINDOW (window), run->data);
  run->ran = TRUE;
}

static void
run_app (const char *db,
         Scenario    scenario,
         gpointer    data)
{
  BdApplication *app = bd_application_new ();
  RunData run = { scenario, data, FALSE };
  const char *argv[] = { "bosai-desk", "--database", db, "--offline-map", tiles_dir, NULL };

  g_signal_connect_after (app, "activate", G_CALLBACK (on_activate_cb), &run);
  g_application_run (G_APPLICATION (app), G_N_ELEMENTS (argv) - 1, (char **) argv);
  g_assert_true (run.ran);
  g_assert_finalize_object (app);
}

static void
close_window (BdWindow *window)
{
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (iterate_until (pointer_is_null, &window, TIMEOUT_MS));
}

static void
set_view (int width)
{
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);

  g_settings_set_int (settings, "window-width", width);
  g_settings_set_int (settings, "window-height", 720);
  g_settings_set_double (settings, "map-latitude", CENTER_LAT);
  g_settings_set_double (settings, "map-longitude", CENTER_LON);
  g_settings_set_double (settings, "map-zoom", ZOOM);
}

static void
reset_layer_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);

  g_settings_reset (settings, "layer-order");
  g_settings_reset (settings, "layer-visible");
  g_settings_reset (settings, "layer-opacity");
  g_settings_reset (settings, "overlay-files");
}

/* A tile folder ({z}/{x}/{y}.png) of one red tile at zoom 12 over the city
 * centre: an overlay file, as a city's hazard set would be. */
static char *
make_tile_folder (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, 256, 256);
  char *root = g_dir_make_tmp ("bd-overlay-XXXXXX", &error);
  guint x = (guint) (bd_geo_mercator_x (BD_CITY_CENTER_LON) * 4096);
  guint y = (guint) (bd_geo_mercator_y (BD_CITY_CENTER_LAT) * 4096);
  g_autofree char *dir = g_strdup_printf ("%s/12/%u", root, x);
  g_autofree char *file = g_strdup_printf ("%s/%u.png", dir, y);

  g_assert_no_error (error);
  gdk_pixbuf_fill (pixbuf, 0xff000080);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (gdk_pixbuf_save (pixbuf, file, "png", &error, NULL));
  return root;
}

static char *
square_ring (double lat,
             double lon,
             double r)
{
  return g_strdup_printf ("[[[%f,%f],[%f,%f],[%f,%f],[%f,%f],[%f,%f]]]",
                          lon - r, lat - r, lon + r, lat - r, lon + r, lat + r,
                          lon - r, lat + r, lon - r, lat - r);
}

static char *
area_json (const char *id,
           int         level,
           double      lat,
           double      lon)
{
  g_autofree char *ring = square_ring (lat, lon, 0.004);

  return g_strdup_printf ("{\"type\":\"Feature\",\"id\":\"%s\",\"geometry\":{\"type\":\"Polygon\","
                          "\"coordinates\":%s},\"properties\":{\"kind\":\"evacuation\","
                          "\"name\":\"避難指示 %s\",\"ward\":\"271047\",\"level\":%d,"
                          "\"issued_at\":\"2026-09-01T06:00:00+09:00\"}}",
                          id, ring, id, level);
}

static char *
shelter_json (const char *id,
              const char *state,
              const char *crowding)
{
  return g_strdup_printf ("{\"type\":\"Feature\",\"id\":\"%s\",\"geometry\":{\"type\":\"Point\","
                          "\"coordinates\":[%f,%f]},\"properties\":{\"kind\":\"shelter\","
                          "\"name\":\"テスト小学校\",\"ward\":\"271047\",\"hazards\":[1,4],"
                          "\"state\":\"%s\",\"crowding\":\"%s\",\"capacity\":400,"
                          "\"evacuees\":310,\"checked_at\":\"2026-09-01T09:30:00+09:00\"}}",
                          id, SHELTER_LON, SHELTER_LAT, state, crowding);
}

/* An alert of ward @ward given by its code (no geometry), expiring at
 * @expires (unix seconds; 0: none). */
static char *
alert_json (const char *id,
            const char *ward,
            gint64      expires)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (expires);
  g_autofree char *until = expires > 0 ? bd_format_timestamp (when) : NULL;
  g_autofree char *member = until != NULL ? g_strdup_printf (",\"expires\":\"%s\"", until)
                                          : g_strdup ("");

  return g_strdup_printf ("{\"type\":\"Feature\",\"id\":\"%s\",\"geometry\":null,"
                          "\"properties\":{\"source\":\"city\",\"status\":\"actual\","
                          "\"msg_type\":\"alert\",\"event\":\"大雨警報\",\"category\":\"met\","
                          "\"severity\":\"Severe\",\"headline\":\"テスト警報\","
                          "\"area_desc\":\"区\",\"area_codes\":[\"%s\"],"
                          "\"sent\":\"2026-09-01T06:00:00+09:00\",\"active\":true%s}}",
                          id, ward, member);
}

/* Writes @json (a Feature, or a tombstone when @deleted) into @store as
 * the change feed would. */
static void
put_feature (BdStore    *store,
             const char *collection,
             const char *json,
             gboolean    deleted)
{
  g_autoptr(GPtrArray) features = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_feature_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (json, &error);
  JsonObject *props;
  BdFeature *feature;

  g_assert_no_error (error);
  props = json_object_get_object_member (json_node_get_object (node), "properties");
  json_object_set_int_member (props, "seq", seq++);
  if (deleted)
    json_object_set_boolean_member (props, "deleted", TRUE);
  feature = bd_feature_new_from_json (collection, node, &error);
  g_assert_no_error (error);
  g_ptr_array_add (features, feature);
  g_assert_true (bd_store_apply_pulled_features (store, collection, features, NULL, NULL, 0, &error));
  g_assert_no_error (error);
}

static gboolean
overlays_loaded (gpointer data)
{
  return _bd_window_get_overlays_loading (data) == 0;
}

/* Waits until the overlays' shapes, built on worker threads, are on the
 * map. */
static void
wait_loaded (BdWindow *window)
{
  g_assert_true (iterate_until (overlays_loaded, window, TIMEOUT_MS));
}

static char *
make_db (const char *name)
{
  g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BdStore) store = bd_store_open (path, &error);
  g_autofree char *area = area_json ("area-1", 4, AREA_LAT, AREA_LON);
  g_autofree char *shelter = shelter_json ("shelter-1", "open", "full");

  g_assert_no_error (error);
  put_feature (store, "areas", area, FALSE);
  put_feature (store, "shelters", shelter, FALSE);
  return g_steal_pointer (&path);
}

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
after_paint_cb (GdkFrameClock *clock,
                guint         *count)
{
  (*count)++;
}

static void
wait_for_paint (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  guint count = 0;
  gulong handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &count);

  for (guint frames = 1; frames <= 2; frames++)
    {
      gtk_widget_queue_draw (widget);
      while (count < frames)
        g_main_context_iteration (NULL, TRUE);
    }
  g_signal_handler_disconnect (clock, handler);
}

/* Draws frames until every tile of the layer's view is drawn. */
static void
settle (BdShapeLayer *layer)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (30, timeout_cb, &timed_out);

  while (!gtk_widget_get_mapped (GTK_WIDGET (layer)) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  do
    {
      gtk_widget_queue_draw (GTK_WIDGET (layer));
      _bd_shape_layer_request_view (layer);
      while (_bd_shape_layer_get_n_pending (layer) > 0 && !timed_out)
        g_main_context_iteration (NULL, TRUE);
      while (g_main_context_iteration (NULL, FALSE))
        ;
      _bd_shape_layer_request_view (layer);
    }
  while (_bd_shape_layer_get_n_pending (layer) > 0 && !timed_out);
  if (timed_out)
    g_test_message ("settle: mapped %d, %d px wide, %u pending",
                    gtk_widget_get_mapped (GTK_WIDGET (layer)),
                    gtk_widget_get_width (GTK_WIDGET (layer)), _bd_shape_layer_get_n_pending (layer));
  g_assert_false (timed_out);
  g_source_remove (id);
  wait_for_paint (GTK_WIDGET (layer));
}

/* The layer's own pixel at @lat, @lon (premultiplied 0xAARRGGBB). */
static guint32
layer_pixel (BdWindow     *window,
             BdShapeLayer *layer,
             double        lat,
             double        lon)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (layer));
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  g_autofree guchar *data = NULL;
  int width, height;
  double x, y;

  settle (layer);
  width = gtk_widget_get_width (GTK_WIDGET (layer));
  height = gtk_widget_get_height (GTK_WIDGET (layer));
  g_assert_cmpint (width, >, 0);
  data = g_malloc0 ((gsize) width * height * 4);
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    {
      return 0;
    }
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gdk_texture_download (texture, data, (gsize) width * 4);
  shumate_viewport_location_to_widget_coords (_bd_window_get_viewport (window), GTK_WIDGET (layer),
                                              lat, lon, &x, &y);
  g_assert_cmpint ((int) x, >=, 0);
  g_assert_cmpint ((int) x, <, width);
  g_assert_cmpint ((int) y, >=, 0);
  g_assert_cmpint ((int) y, <, height);
  return *(guint32 *) (data + (int) y * width * 4 + (int) x * 4);
}

#define ALPHA(p) (((p) >> 24) & 0xff)
#define RED(p)   (((p) >> 16) & 0xff)
#define GREEN(p) (((p) >> 8) & 0xff)
#define BLUE(p)  ((p) & 0xff)

static guint
n_shapes (BdShapeLayer *layer)
{
  BdShapeSet *set = bd_shape_layer_get_shapes (layer);

  return set != NULL ? bd_shape_set_get_n_shapes (set) : 0;
}

typedef struct
{
  BdShapeLayer *layer;
  guint         n;
} ShapesWait;

static gboolean
n_shapes_is (gpointer data)
{
  ShapesWait *wait = data;

  return n_shapes (wait->layer) == wait->n;
}

static void
wait_for_shapes (BdShapeLayer *layer,
                 guint         n,
                 guint         timeout_ms)
{
  ShapesWait wait = { layer, n };

  g_assert_true (iterate_until (n_shapes_is, &wait, timeout_ms));
}

/* Whether a GtkLabel under @widget says @text. */
static gboolean
has_label (GtkWidget  *widget,
           const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_label (child, text))
      return TRUE;
  return FALSE;
}

static gboolean
widget_is_unmapped (gpointer data)
{
  return !gtk_widget_get_mapped (data);
}

static guint
count_type (GtkWidget *widget,
            GType      type)
{
  guint n = G_TYPE_CHECK_INSTANCE_TYPE (widget, type) ? 1 : 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_type (child, type);
  return n;
}

/* Where @widget is among the map's layers, bottom first. */
static int
layer_index (BdWindow  *window,
             GtkWidget *widget)
{
  int i = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (_bd_window_get_map (window)));
       child != NULL; child = gtk_widget_get_next_sibling (child), i++)
    if (child == widget)
      return i;
  return -1;
}

static void
save_screenshot (BdWindow   *window,
                 const char *name)
{
  const char *dir = g_getenv ("BD_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  GtkWidget *panel;
  int width, height;

  if (dir == NULL)
    return;
  for (guint i = 0; i < 20; i++)
    {
      gint64 until = g_get_monotonic_time () + 50000;

      while (g_get_monotonic_time () < until)
        if (!g_main_context_iteration (NULL, FALSE))
          g_usleep (1000);
      wait_for_paint (GTK_WIDGET (window));
    }
  width = gtk_widget_get_width (GTK_WIDGET (window));
  height = gtk_widget_get_height (GTK_WIDGET (window));
  paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  /* popovers are surfaces of their own: draw them where they are */
  panel = GTK_WIDGET (_bd_window_get_layer_panel (window));
  for (guint i = 0; i < 2; i++)
    {
      GtkWidget *popover = i == 0 ? panel : GTK_WIDGET (_bd_window_get_feature_details (window));
      GdkSurface *surface;
      double wx = 0, wy = 0;

      if (popover == NULL || !gtk_widget_get_mapped (popover))
        continue;
      surface = gtk_native_get_surface (GTK_NATIVE (popover));
      if (!GDK_IS_POPUP (surface))
        continue;
      gtk_native_get_surface_transform (GTK_NATIVE (window), &wx, &wy);
      {
        g_autoptr(GdkPaintable) pp = gtk_widget_paintable_new (popover);
        double sx = 0, sy = 0;

        gtk_native_get_surface_transform (GTK_NATIVE (popover), &sx, &sy);
        gtk_snapshot_save (snapshot);
        /* the popup's surface, from the window's surface, less the window's shadow */
        gtk_snapshot_translate (snapshot,
                                &GRAPHENE_POINT_INIT (gdk_popup_get_position_x (GDK_POPUP (surface)) - wx + sx,
                                                      gdk_popup_get_position_y (GDK_POPUP (surface)) - wy + sy));
        gdk_paintable_snapshot (pp, snapshot, gtk_widget_get_width (popover),
                                gtk_widget_get_height (popover));
        gtk_snapshot_restore (snapshot);
      }
    }
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  path = g_build_filename (dir, name, NULL);
  gdk_texture_save_to_png (texture, path);
  g_test_message ("wrote %s", path);
}

/* ------------------------------------------------------- the tests */

static void
from_store_scenario (BdWindow *window,
                     gpointer  data)
{
  BdStore *store = _bd_window_get_store (window);
  BdShapeLayer *areas = _bd_window_get_overlay_layer (window, "areas");
  BdShapeLayer *shelters = _bd_window_get_overlay_layer (window, "shelters");
  BdShapeLayer *alerts = _bd_window_get_overlay_layer (window, "alerts");
  const BdWard *ward = bd_catalog_lookup_ward ("271284");
  guint32 p;
  double x, y;

  wait_loaded (window);
  /* shown by default, under the reports */
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (areas)));
  g_assert_cmpint (layer_index (window, GTK_WIDGET (shelters)), <,
                   layer_index (window, GTK_WIDGET (_bd_window_get_report_layer (window))));

  /* level 4: the national purple (170, 0, 170) at 30 % */
  g_assert_cmpuint (n_shapes (areas), ==, 1);
  p = layer_pixel (window, areas, AREA_LAT, AREA_LON);
  g_assert_cmpuint (ALPHA (p), >=, 0x40);
  g_assert_cmpuint (ALPHA (p), <=, 0x58);
  g_assert_cmpuint (RED (p), >=, 0x28);
  g_assert_cmpuint (GREEN (p), <, 0x08);
  g_assert_cmpuint (BLUE (p), >=, 0x28);
  g_assert_cmphex (layer_pixel (window, areas, AREA_LAT + 0.006, AREA_LON), ==, 0);

  /* open and full: red */
  p = layer_pixel (window, shelters, SHELTER_LAT, SHELTER_LON);
  g_assert_cmpuint (ALPHA (p), ==, 0xff);
  g_assert_cmpuint (RED (p), >=, 0xb0);
  g_assert_cmpuint (GREEN (p), <, 0x40);

  /* Export Map's legend names the overlays drawn: the shelters and areas
   * shown here, not the alerts (none yet), nor the shelters once hidden */
  {
    BdMapExport *export = _bd_window_new_map_export (window);

    g_assert_true (bd_map_export_has_legend_item (export, _("Level 4: Evacuation instruction")));
    g_assert_true (bd_map_export_has_legend_item (export, _("Open, full")));
    g_assert_false (bd_map_export_has_legend_item (export, _("Alert: severe (warning)")));
    bd_map_export_free (export);

    /* hidden as the user hides it: the panel's switch */
    gtk_switch_set_active (GTK_SWITCH (_bd_window_get_layer_control (window, "shelters", "visible")),
                           FALSE);
    g_assert_false (gtk_widget_get_visible (GTK_WIDGET (shelters)));
    export = _bd_window_new_map_export (window);
    g_assert_false (bd_map_export_has_legend_item (export, _("Open, full")));
    g_assert_true (bd_map_export_has_legend_item (export, _("Level 4: Evacuation instruction")));
    bd_map_export_free (export);
    gtk_switch_set_active (GTK_SWITCH (_bd_window_get_layer_control (window, "shelters", "visible")),
                           TRUE);
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (shelters)));
    settle (shelters);
  }

  /* changed to crowded: amber (249, 168, 37) */
  {
    g_autofree char *json = shelter_json ("shelter-1", "open", "crowded");

    put_feature (store, "shelters", json, FALSE);

    wait_loaded (window);
  }
  p = layer_pixel (window, shelters, SHELTER_LAT, SHELTER_LON);
  g_assert_cmpuint (RED (p), >=, 0xe0);
  g_assert_cmpuint (GREEN (p), >=, 0x90);

  /* a second area added, then the first deleted */
  {
    g_autofree char *json = area_json ("area-2", 3, SHELTER_LAT, SHELTER_LON + 0.01);
    g_autofree char *old = area_json ("area-1", 4, AREA_LAT, AREA_LON);

    put_feature (store, "areas", json, FALSE);

    wait_loaded (window);
    wait_for_shapes (areas, 2, TIMEOUT_MS);
    p = layer_pixel (window, areas, SHELTER_LAT, SHELTER_LON + 0.01);
    g_assert_cmpuint (RED (p), >=, 0x40);     /* level 3: red */
    g_assert_cmpuint (BLUE (p), <, 0x08);

    put_feature (store, "areas", old, TRUE);

    wait_loaded (window);
    wait_for_shapes (areas, 1, TIMEOUT_MS);
    g_assert_cmphex (layer_pixel (window, areas, AREA_LAT, AREA_LON), ==, 0);
  }

  /* shelters deleted: none left */
  {
    g_autofree char *json = shelter_json ("shelter-1", "open", "crowded");

    put_feature (store, "shelters", json, TRUE);

    wait_loaded (window);
    wait_for_shapes (shelters, 0, TIMEOUT_MS);
    g_assert_cmphex (layer_pixel (window, shelters, SHELTER_LAT, SHELTER_LON), ==, 0);
  }

  /* an alert by a ward's code, drawn round the ward's centre; it expires
   * in 3 s and drops away with no change in the store */
  {
    g_autofree char *json = alert_json ("alert-1", ward->code,
                                        g_get_real_time () / G_USEC_PER_SEC + 3);

    put_feature (store, "alerts", json, FALSE);

    wait_loaded (window);
    wait_for_shapes (alerts, 1, TIMEOUT_MS);
    settle (alerts);
    shumate_viewport_location_to_widget_coords (_bd_window_get_viewport (window),
                                                GTK_WIDGET (alerts), ward->latitude,
                                                ward->longitude, &x, &y);
    g_assert_cmpstr (bd_shape_layer_pick (alerts, x, y), ==, "alert-1");
    wait_for_shapes (alerts, 0, 10000);
  }

  close_window (window);
}

static void
test_from_store (void)
{
  g_autofree char *db = make_db ("from-store.sqlite");

  reset_layer_settings ();
  set_view (1000);
  run_app (db, from_store_scenario, NULL);
}

static GtkGesture *
find_map_click (BdWindow *window)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (_bd_window_get_map (window)));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (g_strcmp0 (gtk_event_controller_get_name (controller), "bd-map-click") == 0)
        return GTK_GESTURE (controller);
    }
  g_assert_not_reached ();
  return NULL;
}

static void
click_scenario (BdWindow *window,
                gpointer  data)
{
  BdShapeLayer *shelters = _bd_window_get_overlay_layer (window, "shelters");
  GtkGesture *click = find_map_click (window);
  GtkPopover *details;
  double x, y;

  wait_loaded (window);
  settle (shelters);
  shumate_viewport_location_to_widget_coords (_bd_window_get_viewport (window),
                                              GTK_WIDGET (_bd_window_get_map (window)),
                                              SHELTER_LAT, SHELTER_LON, &x, &y);
  g_signal_emit_by_name (click, "released", 1, x + 2, y + 1);

  details = _bd_window_get_feature_details (window);
  g_assert_nonnull (details);
  g_assert_true (iterate_until (widget_is_mapped, details, TIMEOUT_MS));
  g_assert_false (bd_window_get_editing (window));
  g_assert_true (has_label (GTK_WIDGET (details), "テスト小学校"));
  g_assert_true (has_label (GTK_WIDGET (details), "Designated evacuation shelter"));
  g_assert_true (has_label (GTK_WIDGET (details), "Open"));
  g_assert_true (has_label (GTK_WIDGET (details), "Full"));
  g_assert_true (has_label (GTK_WIDGET (details), "310 / 400"));
  g_assert_true (has_label (GTK_WIDGET (details), "1 Flood, 4 Earthquake"));
  g_assert_true (has_label (GTK_WIDGET (details), "Crowding"));
  g_assert_true (has_label (GTK_WIDGET (details), "New Report Here"));
  gtk_popover_popdown (details);
  g_assert_true (iterate_until (widget_is_unmapped, details, TIMEOUT_MS));

  /* the keyboard's way: the features at the map's centre, from the panel */
  shumate_map_center_on (_bd_window_get_map (window), SHELTER_LAT, SHELTER_LON);
  settle (shelters);
  g_signal_emit_by_name (_bd_window_get_layer_control (window, NULL, "features-here"), "clicked");
  g_assert_true (iterate_until (widget_is_mapped, details, TIMEOUT_MS));
  g_assert_true (has_label (GTK_WIDGET (details), "テスト小学校"));
  g_assert_false (has_label (GTK_WIDGET (details), "New Report Here"));
  gtk_popover_popdown (details);
  shumate_map_center_on (_bd_window_get_map (window), CENTER_LAT, CENTER_LON);

  /* inside an alert of the whole city but on no shelter or closure: a new
   * report, as before (an alert must not cost a report a tap) */
  {
    BdShapeLayer *alerts = _bd_window_get_overlay_layer (window, "alerts");
    g_autofree char *json = alert_json ("alert-city", "271004",
                                        g_get_real_time () / G_USEC_PER_SEC + 3600);

    put_feature (_bd_window_get_store (window), "alerts", json, FALSE);
    wait_for_shapes (alerts, 1, TIMEOUT_MS);
    settle (alerts);
  }
  shumate_viewport_location_to_widget_coords (_bd_window_get_viewport (window),
                                              GTK_WIDGET (_bd_window_get_map (window)),
                                              SHELTER_LAT - 0.01, SHELTER_LON, &x, &y);
  g_assert_nonnull (bd_shape_layer_pick (_bd_window_get_overlay_layer (window, "alerts"), x, y));
  g_signal_emit_by_name (click, "released", 1, x, y);
  g_assert_true (bd_window_get_editing (window));
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (details)));

  close_window (window);
}

static void
test_click_shelter (void)
{
  g_autofree char *db = make_db ("click.sqlite");

  reset_layer_settings ();
  set_view (1000);
  run_app (db, click_scenario, NULL);
}

static void
panel_scenario (BdWindow *window,
                gpointer  data)
{
  GtkWidget *areas = GTK_WIDGET (_bd_window_get_overlay_layer (window, "areas"));
  GtkWidget *alerts = GTK_WIDGET (_bd_window_get_overlay_layer (window, "alerts"));
  GtkWidget *shelters = GTK_WIDGET (_bd_window_get_overlay_layer (window, "shelters"));
  GtkWidget *closures = GTK_WIDGET (_bd_window_get_overlay_layer (window, "closures"));
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  g_auto(GStrv) order = NULL;
  GtkPopover *panel = _bd_window_get_layer_panel (window);

  wait_loaded (window);
  gtk_popover_popup (panel);
  g_assert_true (iterate_until (widget_is_mapped, panel, TIMEOUT_MS));

  /* hide: the areas' pixel goes */
  g_assert_cmphex (layer_pixel (window, BD_SHAPE_LAYER (areas), AREA_LAT, AREA_LON), !=, 0);
  gtk_switch_set_active (GTK_SWITCH (_bd_window_get_layer_control (window, "areas", "visible")), FALSE);
  g_assert_false (gtk_widget_get_visible (areas));

  /* fade */
  gtk_range_set_value (GTK_RANGE (_bd_window_get_layer_control (window, "alerts", "opacity")), 40);
  g_assert_cmpfloat_with_epsilon (gtk_widget_get_opacity (alerts), 0.4, 0.01);

  /* shelters one down: under the closures now */
  g_assert_cmpint (layer_index (window, shelters), >, layer_index (window, closures));
  g_assert_false (gtk_widget_get_sensitive (_bd_window_get_layer_control (window, "reports", "up")));
  g_signal_emit_by_name (_bd_window_get_layer_control (window, "shelters", "down"), "clicked");
  g_assert_cmpint (layer_index (window, shelters), <, layer_index (window, closures));
  g_assert_cmpint (layer_index (window, shelters), <,
                   layer_index (window, GTK_WIDGET (_bd_window_get_report_layer (window))));

  /* the base map fades too */
  gtk_range_set_value (GTK_RANGE (_bd_window_get_layer_control (window, "base-map", "opacity")), 50);

  order = g_settings_get_strv (settings, "layer-order");
  g_assert_cmpstr (order[0], ==, "reports");
  g_assert_cmpstr (order[1], ==, "closures");
  g_assert_cmpstr (order[2], ==, "shelters");

  /* a layer added later (as the hazard overlays are): off by default,
   * above the base map and under the others, moved like them */
  {
    BdShapeLayer *extra = bd_shape_layer_new (_bd_window_get_viewport (window));

    _bd_window_add_map_layer (window, "test-hazard", "Test Hazard", SHUMATE_LAYER (extra), FALSE);
    g_assert_nonnull (_bd_window_get_layer_control (window, "test-hazard", "row"));
    g_assert_false (gtk_widget_get_visible (GTK_WIDGET (extra)));
    g_assert_cmpint (layer_index (window, GTK_WIDGET (extra)), <, layer_index (window, areas));
    g_assert_false (gtk_widget_get_sensitive (_bd_window_get_layer_control (window, "test-hazard",
                                                                             "down")));
    /* up past the Hazard Map Portal's layers (also just above the base
     * map) until it is over the areas */
    for (guint step = 0; step < 16 && layer_index (window, GTK_WIDGET (extra)) < layer_index (window, areas); step++)
      g_signal_emit_by_name (_bd_window_get_layer_control (window, "test-hazard", "up"), "clicked");
    g_assert_cmpint (layer_index (window, GTK_WIDGET (extra)), >, layer_index (window, areas));
    gtk_switch_set_active (GTK_SWITCH (_bd_window_get_layer_control (window, "test-hazard", "visible")),
                           TRUE);
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (extra)));
    g_strfreev (order);
    order = g_settings_get_strv (settings, "layer-order");
    {
      guint n = g_strv_length (order), at = n;

      for (guint i = 0; i < n; i++)
        if (g_strcmp0 (order[i], "test-hazard") == 0)
          at = i;
      g_assert_cmpuint (at + 1, <, n);
      g_assert_cmpstr (order[at + 1], ==, "areas");
      g_assert_cmpstr (order[0], ==, "reports");
    }
  }

  /* an overlay file: added to the panel, shown, remembered; a file that
   * is no map is refused with a reason and adds nothing */
  {
    const char *folder = data;
    g_autofree char *id = g_strconcat ("overlay-file:", folder, NULL);
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) files = NULL;

    g_assert_true (_bd_window_add_overlay_file (window, folder, TRUE, &error));
    g_assert_no_error (error);
    g_assert_nonnull (_bd_window_get_layer_control (window, id, "row"));
    g_assert_true (gtk_switch_get_active (GTK_SWITCH (_bd_window_get_layer_control (window, id,
                                                                                     "visible"))));
    files = g_settings_get_strv (settings, "overlay-files");
    g_assert_cmpstr (files[0], ==, folder);

    g_assert_false (_bd_window_add_overlay_file (window, "/nonexistent/hazard.mbtiles", TRUE, &error));
    g_assert_nonnull (error);
    g_assert_null (_bd_window_get_layer_control (window, "overlay-file:/nonexistent/hazard.mbtiles",
                                                 "row"));
  }

  gtk_popover_popdown (panel);
  close_window (window);
}

static void
restored_scenario (BdWindow *window,
                   gpointer  data)
{
  GtkWidget *areas = GTK_WIDGET (_bd_window_get_overlay_layer (window, "areas"));
  GtkWidget *alerts = GTK_WIDGET (_bd_window_get_overlay_layer (window, "alerts"));
  GtkWidget *shelters = GTK_WIDGET (_bd_window_get_overlay_layer (window, "shelters"));
  GtkWidget *closures = GTK_WIDGET (_bd_window_get_overlay_layer (window, "closures"));
  GtkWidget *base = NULL;

  wait_loaded (window);
  g_assert_false (gtk_widget_get_visible (areas));
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (_bd_window_get_layer_control (window, "areas",
                                                                                      "visible"))));
  g_assert_cmpfloat_with_epsilon (gtk_widget_get_opacity (alerts), 0.4, 0.01);
  g_assert_cmpint (layer_index (window, shelters), <, layer_index (window, closures));

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (_bd_window_get_map (window)));
       child != NULL && base == NULL; child = gtk_widget_get_next_sibling (child))
    if (SHUMATE_IS_MAP_LAYER (child))
      base = child;
  g_assert_nonnull (base);
  g_assert_cmpfloat_with_epsilon (gtk_widget_get_opacity (base), 0.5, 0.01);
  g_assert_cmpint (layer_index (window, base), <, layer_index (window, areas));

  /* the overlay file is back */
  {
    g_autofree char *id = g_strconcat ("overlay-file:", (const char *) data, NULL);

    g_assert_nonnull (_bd_window_get_layer_control (window, id, "row"));
  }

  close_window (window);
}

static void
test_panel_persists (void)
{
  g_autofree char *db = make_db ("panel.sqlite");

  g_autofree char *folder = make_tile_folder ();

  reset_layer_settings ();
  set_view (1000);
  run_app (db, panel_scenario, folder);
  run_app (db, restored_scenario, folder);
  reset_layer_settings ();
}

static void
legend_scenario (BdWindow *window,
                 gpointer  data)
{
  GtkWidget *legend = _bd_window_get_layer_control (window, "", "legend");
  const BdLegendEntry *entries;
  const BdCategory *categories;
  guint n_entries = 0, n_categories = 0;

  wait_loaded (window);
  entries = bd_overlay_style_get_legend (&n_entries);
  g_assert_cmpuint (n_entries, >, 10);
  for (guint i = 0; i < n_entries; i++)
    if (!has_label (legend, _(entries[i].label)))
      g_error ("the legend lacks %s", entries[i].label);
  categories = bd_catalog_get_categories (&n_categories);
  for (guint i = 0; i < n_categories; i++)
    g_assert_true (has_label (legend, bd_catalog_label (categories[i].name_ja,
                                                        categories[i].name_en)));
  /* a swatch for each line: styles, categories, 4 severities, closed, cluster */
  /* the Hazard Map Portal's scales: six depth classes, two sediment zones */
  g_assert_true (has_label (legend, _("Inundation 0.5 to 3 m")));
  g_assert_true (has_label (legend, _("Sediment-disaster special warning zone")));
  g_assert_cmpuint (count_type (legend, GTK_TYPE_DRAWING_AREA), ==, n_entries + n_categories + 4 + 2 + 8);

  close_window (window);
}

static void
test_legend (void)
{
  g_autofree char *db = make_db ("legend.sqlite");

  reset_layer_settings ();
  set_view (1000);
  run_app (db, legend_scenario, NULL);
}

/* Screenshots only (BD_SCREENSHOT_DIR): the panel and details at 1280
 * and 768 px. */
static void
shots_scenario (BdWindow *window,
                gpointer  data)
{
  const char *suffix = data;
  GtkPopover *panel = _bd_window_get_layer_panel (window);
  BdShapeLayer *shelters = _bd_window_get_overlay_layer (window, "shelters");
  g_autofree char *panel_name = g_strdup_printf ("panel-%s.png", suffix);
  g_autofree char *details_name = g_strdup_printf ("details-%s.png", suffix);
  double x, y;

  wait_loaded (window);
  /* narrow: the map's page */
  if (g_str_equal (suffix, "768"))
    {
      gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC;

      while (g_get_monotonic_time () < until)
        g_main_context_iteration (NULL, FALSE);
      _bd_window_show_map_page (window, FALSE);
    }
  settle (shelters);
  gtk_popover_popup (panel);
  g_assert_true (iterate_until (widget_is_mapped, panel, TIMEOUT_MS));
  save_screenshot (window, panel_name);
  {
    GtkAdjustment *adjustment;
    g_autofree char *legend_name = g_strdup_printf ("legend-%s.png", suffix);

    adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (gtk_popover_get_child (panel)));
    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) * 0.45);
    save_screenshot (window, legend_name);
    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
    g_free (legend_name);
    legend_name = g_strdup_printf ("legend-end-%s.png", suffix);
    save_screenshot (window, legend_name);
  }
  gtk_popover_popdown (panel);
  shumate_viewport_location_to_widget_coords (_bd_window_get_viewport (window),
                                              GTK_WIDGET (_bd_window_get_map (window)),
                                              SHELTER_LAT, SHELTER_LON, &x, &y);
  _bd_window_overlays_click (window, x, y, SHELTER_LAT, SHELTER_LON);
  save_screenshot (window, details_name);
  close_window (window);
}

static void
test_screenshots (void)
{
  g_autofree char *db = NULL;

  if (g_getenv ("BD_SCREENSHOT_DIR") == NULL)
    {
      g_test_skip ("BD_SCREENSHOT_DIR is not set");
      return;
    }
  db = make_db ("shots.sqlite");
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(BdStore) store = bd_store_open (db, &error);
    g_autofree char *alert = alert_json ("alert-9", "271284", 0);

    put_feature (store, "alerts", alert, FALSE);
  }
  reset_layer_settings ();
  set_view (1280);
  run_app (db, shots_scenario, (gpointer) "1280");
  set_view (768);
  run_app (db, shots_scenario, (gpointer) "768");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *cache = NULL;
  g_autofree char *data = NULL;
  g_autofree char *config = NULL;
  int status;

  tmp_dir = g_dir_make_tmp ("bd-test-overlays-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);
  cache = g_build_filename (tmp_dir, "cache", NULL);
  data = g_build_filename (tmp_dir, "data", NULL);
  config = g_build_filename (tmp_dir, "config", NULL);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);

  if (g_getenv ("BD_LOCALEDIR") != NULL)
    {
      setlocale (LC_ALL, "");
      bindtextdomain (GETTEXT_PACKAGE, g_getenv ("BD_LOCALEDIR"));
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
    }

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* The shelter full and the alert make desktop notifications, which
   * warn (GIO's structured log) with no notification service on the
   * test's bus: warnings are not fatal here; criticals still are. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);

  tiles_dir = g_build_filename (tmp_dir, "tiles", NULL);
  for (int zoom = 12; zoom <= 15; zoom++)
    write_city_tiles (tiles_dir, zoom);

  g_test_add_func ("/overlays/from-store", test_from_store);
  g_test_add_func ("/overlays/click-shelter", test_click_shelter);
  g_test_add_func ("/overlays/panel-persists", test_panel_persists);
  g_test_add_func ("/overlays/legend", test_legend);
  if (g_getenv ("BD_SCREENSHOT_DIR") != NULL)
    g_test_add_func ("/overlays/screenshots", test_screenshots);

  status = g_test_run ();

  remove_tree (tmp_dir);
  g_free (tiles_dir);
  g_free (tmp_dir);
  return status;
}
