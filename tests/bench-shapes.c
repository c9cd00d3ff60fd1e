/* bench-shapes.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Frame time of 1,000 polygons of 100 vertices each over Osaka, panned a
 * few pixels a frame in a 1280×800 map at zoom 12 (the whole city), drawn
 * as our tiled overlay (BdShapeLayer) and, in the same run, as 1,000
 * ShumatePathLayers (what libshumate offers). A frame is the map's
 * snapshot plus rendering its nodes with the window's renderer; the
 * overlay's tiles are drawn once first (as when the user looks at the
 * map), then the pan reuses them. Prints one figure a line:
 *
 *   shapes_tiled_frame_ms      mean of the overlay's frames
 *   shapes_pathlayer_frame_ms  mean of the path layers' frames
 *   shapes_frame_ratio         path layers ÷ overlay
 *   shapes_tile_draw_ms        drawing one tile in a worker (mean)
 *
 * Run under a display:
 *   xvfb-run -a -s '-screen 0 1280x800x24' bench-shapes [N_POLYGONS] [N_FRAMES]
 */

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "bd-catalog.h"
#include "bd-geo.h"
#include "bd-shape-layer-private.h"

#define WIDTH  1280
#define HEIGHT 800
#define ZOOM   12.0
#define N_VERTICES 100

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
iterate_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* The polygons: circles of 100 vertices scattered over the city. */
typedef struct
{
  double lat, lon, r;
} Circle;

static GArray *
make_circles (guint n)
{
  GArray *circles = g_array_sized_new (FALSE, FALSE, sizeof (Circle), n);
  GRand *rand = g_rand_new_with_seed (42);

  for (guint i = 0; i < n; i++)
    {
      Circle c = {
        g_rand_double_range (rand, BD_CITY_MIN_LAT, BD_CITY_MAX_LAT),
        g_rand_double_range (rand, BD_CITY_MIN_LON, BD_CITY_MAX_LON),
        g_rand_double_range (rand, 0.002, 0.01),
      };
      g_array_append_val (circles, c);
    }
  g_rand_free (rand);
  return circles;
}

static BdShapeSet *
make_set (GArray *circles)
{
  BdShapeSet *set = bd_shape_set_new ();
  BdShapeStyle style = { .fill = { 0.9f, 0.2f, 0.1f, 0.3f }, .stroke = { 0.9f, 0.2f, 0.1f, 1 },
                         .stroke_width = 2 };

  for (guint i = 0; i < circles->len; i++)
    {
      Circle *c = &g_array_index (circles, Circle, i);
      g_autoptr(GString) json = g_string_new ("{\"type\":\"Polygon\",\"coordinates\":[[");
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *id = g_strdup_printf ("p%u", i);
      g_autoptr(GError) error = NULL;

      for (guint v = 0; v <= N_VERTICES; v++)
        {
          double a = 2 * G_PI * (v % N_VERTICES) / N_VERTICES;

          g_string_append_printf (json, "%s[%.7f,%.7f]", v > 0 ? "," : "",
                                  c->lon + c->r * cos (a), c->lat + c->r * sin (a));
        }
      g_string_append (json, "]]}");
      node = json_from_string (json->str, &error);
      if (node == NULL || !bd_shape_set_add_geojson (set, id, node, &style, 0, &error))
        g_error ("%s", error->message);
    }
  bd_shape_set_seal (set);
  return set;
}

static void
add_path_layers (ShumateMap *map,
                 GArray     *circles)
{
  ShumateViewport *viewport = shumate_map_get_viewport (map);
  GdkRGBA stroke = { 0.9f, 0.2f, 0.1f, 1 }, fill = { 0.9f, 0.2f, 0.1f, 0.3f };

  for (guint i = 0; i < circles->len; i++)
    {
      Circle *c = &g_array_index (circles, Circle, i);
      ShumatePathLayer *layer = shumate_path_layer_new (viewport);

      shumate_path_layer_set_closed (layer, TRUE);
      shumate_path_layer_set_fill (layer, TRUE);
      shumate_path_layer_set_fill_color (layer, &fill);
      shumate_path_layer_set_stroke_color (layer, &stroke);
      shumate_path_layer_set_stroke_width (layer, 2);
      for (guint v = 0; v < N_VERTICES; v++)
        {
          double a = 2 * G_PI * v / N_VERTICES;
          ShumateCoordinate *point = shumate_coordinate_new_full (c->lat + c->r * sin (a),
                                                                  c->lon + c->r * cos (a));

          /* the layer sinks the floating reference */
          shumate_path_layer_add_node (layer, SHUMATE_LOCATION (point));
        }
      shumate_map_add_layer (map, SHUMATE_LAYER (layer));
    }
}

/* Mean ms of @n_frames frames (snapshot and render), panning by a few px. */
static double
pan_frames (GtkWindow  *window,
            ShumateMap *map,
            guint       n_frames)
{
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (map));
  double total = 0;

  for (guint f = 0; f < n_frames; f++)
    {
      g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
      g_autoptr(GskRenderNode) node = NULL;
      g_autoptr(GdkTexture) texture = NULL;
      double dx = 4.0 * sin (f * 0.3), dy = 4.0 * cos (f * 0.3);
      gint64 t0;

      shumate_map_center_on (map,
                             BD_CITY_CENTER_LAT + dy * 1e-4,
                             BD_CITY_CENTER_LON + dx * 1e-4);
      while (g_main_context_iteration (NULL, FALSE))
        ;
      t0 = g_get_monotonic_time ();
      gdk_paintable_snapshot (paintable, snapshot, WIDTH, HEIGHT);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
      if (node != NULL)
        texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, WIDTH, HEIGHT));
      total += (g_get_monotonic_time () - t0) / 1000.0;
    }
  return total / n_frames;
}

static ShumateMap *
new_map (GtkWindow **window)
{
  ShumateMap *map = shumate_map_new ();
  g_autoptr(ShumateRasterRenderer) source =
    shumate_raster_renderer_new_from_url ("http://127.0.0.1:9/{z}/{x}/{y}.png");

  *window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (*window, WIDTH, HEIGHT);
  shumate_viewport_set_reference_map_source (shumate_map_get_viewport (map), SHUMATE_MAP_SOURCE (source));
  gtk_window_set_child (*window, GTK_WIDGET (map));
  shumate_map_center_on (map, BD_CITY_CENTER_LAT, BD_CITY_CENTER_LON);
  shumate_viewport_set_zoom_level (shumate_map_get_viewport (map), ZOOM);
  gtk_window_present (*window);
  return map;
}

static double
tile_draw_ms (BdShapeSet *set)
{
  double n = exp2 (ZOOM), total = 0;
  guint cx = (guint) (bd_geo_mercator_x (BD_CITY_CENTER_LON) * n);
  guint cy = (guint) (bd_geo_mercator_y (BD_CITY_CENTER_LAT) * n);
  guint count = 0;

  for (guint x = cx - 2; x <= cx + 2; x++)
    for (guint y = cy - 2; y <= cy + 2; y++)
      {
        cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 256, 256);
        cairo_t *cr = cairo_create (surface);
        gint64 t0 = g_get_monotonic_time ();

        bd_shape_set_draw_tile (set, cr, (guint) ZOOM, x, y, 256);
        total += (g_get_monotonic_time () - t0) / 1000.0;
        count++;
        cairo_destroy (cr);
        cairo_surface_destroy (surface);
      }
  return total / count;
}

int
main (int   argc,
      char *argv[])
{
  guint n = argc > 1 ? (guint) atoi (argv[1]) : 1000;
  guint n_frames = argc > 2 ? (guint) atoi (argv[2]) : 60;
  g_autoptr(GArray) circles = NULL;
  g_autoptr(BdShapeSet) set = NULL;
  GtkWindow *window;
  ShumateMap *map;
  BdShapeLayer *layer;
  double tiled, paths;
  gboolean timed_out = FALSE;
  guint id;

  gtk_init ();
  circles = make_circles (n);
  set = make_set (circles);
  g_print ("# %u polygons of %d vertices, %dx%d map at zoom %.0f, %u frames each\n",
           n, N_VERTICES, WIDTH, HEIGHT, ZOOM, n_frames);

  /* our overlay: the view's tiles drawn first */
  map = new_map (&window);
  layer = bd_shape_layer_new (shumate_map_get_viewport (map));
  bd_shape_layer_set_shapes (layer, set);
  shumate_map_add_layer (map, SHUMATE_LAYER (layer));
  iterate_for (300);
  id = g_timeout_add_seconds (60, timeout_cb, &timed_out);
  do
    {
      _bd_shape_layer_request_view (layer);
      while (_bd_shape_layer_get_n_pending (layer) > 0 && !timed_out)
        g_main_context_iteration (NULL, TRUE);
      iterate_for (50);
    }
  while (_bd_shape_layer_get_n_pending (layer) > 0 && !timed_out);
  g_source_remove (id);
  tiled = pan_frames (window, map, n_frames);
  gtk_window_destroy (window);
  iterate_for (100);

  /* libshumate's path layers */
  map = new_map (&window);
  add_path_layers (map, circles);
  iterate_for (300);
  paths = pan_frames (window, map, n_frames);
  gtk_window_destroy (window);

  g_print ("shapes_tiled_frame_ms %.3f\n", tiled);
  g_print ("shapes_pathlayer_frame_ms %.3f\n", paths);
  g_print ("shapes_frame_ratio %.1f\n", paths / tiled);
  g_print ("shapes_tile_draw_ms %.3f\n", tile_draw_ms (set));
  return 0;
}
