/* test-shape-layer.c: shapes drawn as tiles (issue 10, part 2): an area's
 * fill at a known point, a road closure's line with its casing, a
 * shelter's symbol by its state, an alert's hatching, geometries refused,
 * picking, and the layer drawing again only the tiles a changed shape
 * touches.
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "bd-catalog.h"
#include "bd-geo.h"
#include "bd-json.h"
#include "bd-overlay-style.h"
#include "bd-shape-layer-private.h"

#define ZOOM 14
#define TILE 256
#define LAT BD_CITY_CENTER_LAT
#define LON BD_CITY_CENTER_LON

/* ------------------------------------------------------------- helpers */

static JsonNode *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = bd_json_parse (json, strlen (json), 64 * 1024 * 1024, &error);

  g_assert_no_error (error);
  return node;
}

static JsonNode *
geometry_printf (const char *format,
                 ...) G_GNUC_PRINTF (1, 2);

static JsonNode *
geometry_printf (const char *format,
                 ...)
{
  g_autofree char *json = NULL;
  va_list args;

  va_start (args, format);
  json = g_strdup_vprintf (format, args);
  va_end (args);
  return parse (json);
}

/* A square of half-side @d degrees around @lat,@lon. */
static JsonNode *
square (double lat,
        double lon,
        double d)
{
  return geometry_printf ("{\"type\":\"Polygon\",\"coordinates\":[[[%.6f,%.6f],[%.6f,%.6f],"
                          "[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f]]]}",
                          lon - d, lat - d, lon + d, lat - d, lon + d, lat + d,
                          lon - d, lat + d, lon - d, lat - d);
}

typedef struct
{
  cairo_surface_t *surface;
  guint            tx, ty;     /* the tile holding the city centre */
} Tile;

static void
tile_of_centre (Tile *tile)
{
  double n = exp2 (ZOOM);

  tile->tx = (guint) (bd_geo_mercator_x (LON) * n);
  tile->ty = (guint) (bd_geo_mercator_y (LAT) * n);
}

static void
draw (BdShapeSet *set,
      Tile       *tile)
{
  cairo_t *cr;

  tile_of_centre (tile);
  tile->surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, TILE, TILE);
  cr = cairo_create (tile->surface);
  bd_shape_set_seal (set);
  bd_shape_set_draw_tile (set, cr, ZOOM, tile->tx, tile->ty, TILE);
  cairo_destroy (cr);
  cairo_surface_flush (tile->surface);
}

/* Tile px of @lat,@lon. */
static void
px_of (Tile   *tile,
       double  lat,
       double  lon,
       double *x,
       double *y)
{
  double world = TILE * exp2 (ZOOM);

  *x = bd_geo_mercator_x (lon) * world - tile->tx * (double) TILE;
  *y = bd_geo_mercator_y (lat) * world - tile->ty * (double) TILE;
}

/* 0xAARRGGBB (premultiplied) at @x,@y. */
static guint32
pixel (Tile  *tile,
       double x,
       double y)
{
  int px = (int) floor (x), py = (int) floor (y);
  unsigned char *data = cairo_image_surface_get_data (tile->surface);
  int stride = cairo_image_surface_get_stride (tile->surface);

  g_assert_cmpint (px, >=, 0);
  g_assert_cmpint (py, >=, 0);
  g_assert_cmpint (px, <, TILE);
  g_assert_cmpint (py, <, TILE);
  return *(guint32 *) (data + py * stride + px * 4);
}

static guint32
rgba_pixel (const GdkRGBA *rgba)
{
  return ((guint32) lround (rgba->alpha * 255) << 24) |
         ((guint32) lround (rgba->red * rgba->alpha * 255) << 16) |
         ((guint32) lround (rgba->green * rgba->alpha * 255) << 8) |
         (guint32) lround (rgba->blue * rgba->alpha * 255);
}

static void
assert_pixel_near (guint32 actual,
                   guint32 expected)
{
  for (int shift = 0; shift < 32; shift += 8)
    {
      int a = (actual >> shift) & 0xff, e = (expected >> shift) & 0xff;

      if (ABS (a - e) > 3)
        g_error ("pixel %08x, expected %08x", actual, expected);
    }
}

static void
tile_clear (Tile *tile)
{
  g_clear_pointer (&tile->surface, cairo_surface_destroy);
}

static JsonObject *
properties (const char *json)
{
  g_autoptr(JsonNode) node = parse (json);

  return json_object_ref (json_node_get_object (node));
}

static void
style_of (const char   *collection,
          const char   *json,
          BdShapeStyle *style,
          int          *order)
{
  g_autoptr(JsonObject) props = properties (json);

  g_assert_true (bd_overlay_style_for (collection, props, g_get_real_time () / G_USEC_PER_SEC,
                                       style, order));
}

/* --------------------------------------------------------- the tile set */

static void
test_area_fill (void)
{
  g_autoptr(BdShapeSet) set = bd_shape_set_new ();
  g_autoptr(JsonNode) geometry = square (LAT, LON, 0.005);
  g_autoptr(GError) error = NULL;
  BdShapeStyle style;
  int order;
  Tile tile = { 0 };
  double x, y, ex, ey;

  style_of ("areas", "{\"kind\":\"evacuation\",\"level\":4}", &style, &order);
  g_assert_cmpint (order, ==, BD_OVERLAY_ORDER_EVACUATION);
  g_assert_true (bd_shape_set_add_geojson (set, "area-1", geometry, &style, order, &error));
  g_assert_no_error (error);
  draw (set, &tile);

  /* inside: the level-4 purple at 30 % over nothing */
  px_of (&tile, LAT, LON, &x, &y);
  assert_pixel_near (pixel (&tile, x, y), rgba_pixel (&style.fill));
  /* on the western edge: the full stroke colour */
  px_of (&tile, LAT, LON - 0.005, &ex, &ey);
  if (ex >= 1 && ex < TILE - 1)
    assert_pixel_near (pixel (&tile, ex, ey), rgba_pixel (&style.stroke));
  /* well outside: nothing */
  px_of (&tile, LAT + 0.0075, LON + 0.0075, &x, &y);
  if (x >= 0 && x < TILE && y >= 0 && y < TILE)
    g_assert_cmphex (pixel (&tile, x, y), ==, 0);
  tile_clear (&tile);
}

static void
test_closure_line (void)
{
  g_autoptr(BdShapeSet) set = bd_shape_set_new ();
  g_autoptr(JsonNode) geometry = NULL;
  g_autoptr(GError) error = NULL;
  BdShapeStyle style;
  int order;
  Tile tile = { 0 };
  double x, y;

  geometry = geometry_printf ("{\"type\":\"LineString\",\"coordinates\":[[%.6f,%.6f],[%.6f,%.6f]]}",
                              LON - 0.01, LAT, LON + 0.01, LAT);
  style_of ("areas", "{\"kind\":\"road_closure\"}", &style, &order);
  g_assert_true (bd_shape_set_add_geojson (set, "closure", geometry, &style, order, &error));
  draw (set, &tile);

  px_of (&tile, LAT, LON, &x, &y);
  y = floor (y) + 0.5;
  /* on the line: red; just beyond its half width: the white casing;
   * beyond the casing: nothing */
  assert_pixel_near (pixel (&tile, x, y), rgba_pixel (&style.stroke));
  assert_pixel_near (pixel (&tile, x, y - style.stroke_width / 2 - style.casing_width / 2),
                     rgba_pixel (&style.casing));
  assert_pixel_near (pixel (&tile, x, y + style.stroke_width / 2 + style.casing_width / 2),
                     rgba_pixel (&style.casing));
  g_assert_cmphex (pixel (&tile, x, y - style.stroke_width / 2 - style.casing_width - 2), ==, 0);
  tile_clear (&tile);
}

static void
test_shelter_state (void)
{
  static const struct {
    const char *props;
    double      dlon;
  } shelters[] = {
    { "{\"kind\":\"shelter\",\"state\":\"open\",\"crowding\":\"vacant\"}", -0.004 },
    { "{\"kind\":\"shelter\",\"state\":\"open\",\"crowding\":\"full\"}", 0.0 },
    { "{\"kind\":\"shelter\",\"state\":\"closed\",\"crowding\":\"unknown\"}", 0.004 },
  };
  g_autoptr(BdShapeSet) set = bd_shape_set_new ();
  BdShapeStyle styles[G_N_ELEMENTS (shelters)];
  Tile tile = { 0 };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (shelters); i++)
    {
      g_autoptr(JsonNode) point = geometry_printf ("{\"type\":\"Point\",\"coordinates\":[%.6f,%.6f]}",
                                                   LON + shelters[i].dlon, LAT);
      g_autofree char *id = g_strdup_printf ("shelter-%u", i);
      g_autoptr(GError) error = NULL;
      int order;

      style_of ("shelters", shelters[i].props, &styles[i], &order);
      g_assert_true (bd_shape_set_add_geojson (set, id, point, &styles[i], order, &error));
    }
  /* three different colours for the three states */
  g_assert_false (gdk_rgba_equal (&styles[0].fill, &styles[1].fill));
  g_assert_false (gdk_rgba_equal (&styles[1].fill, &styles[2].fill));
  draw (set, &tile);

  for (i = 0; i < G_N_ELEMENTS (shelters); i++)
    {
      double x, y;

      px_of (&tile, LAT, LON + shelters[i].dlon, &x, &y);
      assert_pixel_near (pixel (&tile, x, y), rgba_pixel (&styles[i].fill));
      /* the dark outline, half a symbol out (anti-aliased) */
      {
        guint32 edge = pixel (&tile, x, y - styles[i].symbol_size / 2.0);

        g_assert_cmpuint (edge >> 24, >=, 0x80);
        g_assert_cmpuint ((edge >> 16) & 0xff, <, 0x40);
        g_assert_cmpuint ((edge >> 8) & 0xff, <, 0x40);
        g_assert_cmpuint (edge & 0xff, <, 0x40);
      }
    }
  tile_clear (&tile);
}

static void
test_alert_hatch (void)
{
  g_autoptr(BdShapeSet) set = bd_shape_set_new ();
  g_autoptr(JsonNode) geometry = square (LAT, LON, 0.003);
  g_autoptr(GError) error = NULL;
  BdShapeStyle style;
  int order;
  Tile tile = { 0 };
  double x, y;
  guint inked = 0, blank = 0;

  style_of ("alerts", "{\"status\":\"actual\",\"active\":true,\"severity\":\"Severe\"}",
            &style, &order);
  g_assert_true (style.hatch);
  g_assert_true (bd_shape_set_add_geojson (set, "alert", geometry, &style, order, &error));
  draw (set, &tile);

  /* along a row inside the area: lines and gaps */
  px_of (&tile, LAT, LON, &x, &y);
  for (int dx = -20; dx < 20; dx++)
    {
      if (pixel (&tile, x + dx, y) >> 24 > 0x80)
        inked++;
      else if (pixel (&tile, x + dx, y) == 0)
        blank++;
    }
  g_assert_cmpuint (inked, >, 4);
  g_assert_cmpuint (blank, >, 10);
  /* and outlined: the whole western edge in the stroke colour */
  {
    double ex, ey;

    px_of (&tile, LAT, LON - 0.003, &ex, &ey);
    for (int dy = -10; dy <= 10; dy += 5)
      assert_pixel_near (pixel (&tile, ex, ey + dy), rgba_pixel (&style.stroke));
  }
  tile_clear (&tile);
}

static void
test_refused (void)
{
  static const char * const bad[] = {
    "{\"type\":\"Point\",\"coordinates\":[135.5,91]}",
    "{\"type\":\"Point\",\"coordinates\":[181,34]}",
    "{\"type\":\"Point\",\"coordinates\":[\"135\",34]}",
    "{\"type\":\"Point\",\"coordinates\":[135]}",
    "{\"type\":\"LineString\",\"coordinates\":[[135.5,34.6]]}",
    "{\"type\":\"Polygon\",\"coordinates\":[[[135.5,34.6],[135.6,34.6],[135.6,34.7],[135.5,34.7]]]}",
    "{\"type\":\"Polygon\",\"coordinates\":[]}",
    "{\"type\":\"MultiPolygon\",\"coordinates\":[]}",
    "{\"type\":\"Circle\",\"coordinates\":[135.5,34.6]}",
    "{\"type\":\"Point\"}",
    "[]",
  };
  g_autoptr(BdShapeSet) set = bd_shape_set_new ();
  BdShapeStyle style = { 0 };
  g_autoptr(GString) huge = g_string_new ("{\"type\":\"Polygon\",\"coordinates\":[[");
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) geometry = parse (bad[i]);
      g_autoptr(GError) problem = NULL;

      g_assert_false (bd_shape_set_add_geojson (set, "bad", geometry, &style, 0, &problem));
      g_assert_error (problem, BD_SHAPE_ERROR, BD_SHAPE_ERROR_INVALID);
    }
  g_assert_cmpuint (bd_shape_set_get_n_shapes (set), ==, 0);

  /* a polygon of a million vertices is refused, not drawn */
  for (i = 0; i < 1000000; i++)
    {
      double a = 2 * G_PI * i / 1000000;

      g_string_append_printf (huge, "[%.7f,%.7f],", LON + 0.01 * cos (a), LAT + 0.01 * sin (a));
    }
  g_string_append_printf (huge, "[%.7f,%.7f]]]}", LON + 0.01, LAT);
  node = parse (huge->str);
  g_assert_false (bd_shape_set_add_geojson (set, "huge", node, &style, 0, &error));
  g_assert_error (error, BD_SHAPE_ERROR, BD_SHAPE_ERROR_TOO_LARGE);
  g_assert_cmpuint (bd_shape_set_get_n_shapes (set), ==, 0);
}

static void
test_multi_and_pick (void)
{
  g_autoptr(BdShapeSet) set = bd_shape_set_new ();
  g_autoptr(JsonNode) holed = NULL;
  g_autoptr(JsonNode) lines = NULL;
  g_autoptr(JsonNode) points = NULL;
  g_autoptr(GError) error = NULL;
  BdShapeStyle style = { .stroke = { 0, 0, 0, 1 }, .stroke_width = 2, .symbol_size = 10 };
  double world = TILE * exp2 (ZOOM), tol = 8.0 / world;

  /* a square with a square hole, as one of two polygons */
  holed = geometry_printf ("{\"type\":\"MultiPolygon\",\"coordinates\":["
                           "[[[%1$.4f,%2$.4f],[%3$.4f,%2$.4f],[%3$.4f,%4$.4f],[%1$.4f,%4$.4f],[%1$.4f,%2$.4f]],"
                           " [[%5$.4f,%6$.4f],[%7$.4f,%6$.4f],[%7$.4f,%8$.4f],[%5$.4f,%8$.4f],[%5$.4f,%6$.4f]]],"
                           "[[[135.40,34.60],[135.41,34.60],[135.41,34.61],[135.40,34.60]]]]}",
                           LON - 0.01, LAT - 0.01, LON + 0.01, LAT + 0.01,
                           LON - 0.002, LAT - 0.002, LON + 0.002, LAT + 0.002);
  lines = geometry_printf ("{\"type\":\"MultiLineString\",\"coordinates\":[[[%.4f,%.4f],[%.4f,%.4f]]]}",
                           LON + 0.05, LAT, LON + 0.07, LAT);
  points = geometry_printf ("{\"type\":\"MultiPoint\",\"coordinates\":[[%.4f,%.4f],[%.4f,%.4f]]}",
                            LON - 0.05, LAT, LON - 0.06, LAT);
  g_assert_true (bd_shape_set_add_geojson (set, "holed", holed, &style, 1, &error));
  g_assert_true (bd_shape_set_add_geojson (set, "lines", lines, &style, 1, &error));
  g_assert_true (bd_shape_set_add_geojson (set, "points", points, &style, 1, &error));
  g_assert_no_error (error);
  bd_shape_set_seal (set);

  g_assert_cmpstr (bd_shape_set_pick (set, bd_geo_mercator_x (LON + 0.006), bd_geo_mercator_y (LAT), tol),
                   ==, "holed");
  /* in the hole: nothing */
  g_assert_null (bd_shape_set_pick (set, bd_geo_mercator_x (LON), bd_geo_mercator_y (LAT), tol));
  g_assert_cmpstr (bd_shape_set_pick (set, bd_geo_mercator_x (LON + 0.06), bd_geo_mercator_y (LAT + 0.0001), tol),
                   ==, "lines");
  g_assert_cmpstr (bd_shape_set_pick (set, bd_geo_mercator_x (LON - 0.06), bd_geo_mercator_y (LAT), tol),
                   ==, "points");
  g_assert_null (bd_shape_set_pick (set, bd_geo_mercator_x (LON + 0.06), bd_geo_mercator_y (LAT + 0.01), tol));
}

static void
count_box_cb (double min_x, double min_y, double max_x, double max_y, gpointer data)
{
  (*(guint *) data)++;
}

static void
test_diff (void)
{
  g_autoptr(BdShapeSet) old = bd_shape_set_new ();
  g_autoptr(BdShapeSet) new = bd_shape_set_new ();
  BdShapeStyle red = { .fill = { 1, 0, 0, 1 } }, blue = { .fill = { 0, 0, 1, 1 } };
  g_autoptr(JsonNode) a = square (LAT, LON, 0.001);
  g_autoptr(JsonNode) b = square (LAT + 0.01, LON, 0.001);
  g_autoptr(JsonNode) c = square (LAT + 0.02, LON, 0.001);
  guint boxes = 0;

  g_assert_true (bd_shape_set_add_geojson (old, "a", a, &red, 0, NULL));
  g_assert_true (bd_shape_set_add_geojson (old, "b", b, &red, 0, NULL));
  g_assert_true (bd_shape_set_add_geojson (old, "c", c, &red, 0, NULL));
  g_assert_true (bd_shape_set_add_geojson (new, "a", a, &red, 0, NULL));   /* same */
  g_assert_true (bd_shape_set_add_geojson (new, "b", b, &blue, 0, NULL));  /* restyled */
  g_assert_true (bd_shape_set_add_geojson (new, "d", c, &red, 0, NULL));   /* new; c gone */
  bd_shape_set_seal (old);
  bd_shape_set_seal (new);

  bd_shape_set_diff (old, new, count_box_cb, &boxes);
  g_assert_cmpuint (boxes, ==, 4);   /* b before and after, d, c */
  boxes = 0;
  bd_shape_set_diff (old, old, count_box_cb, &boxes);
  g_assert_cmpuint (boxes, ==, 0);
}

static void
test_alert_active (void)
{
  gint64 now = 1800000000;   /* 2027-01-15 */
  static const struct { const char *json; gboolean active; } cases[] = {
    { "{\"status\":\"actual\",\"active\":true}", TRUE },
    { "{\"status\":\"actual\",\"active\":true,\"expires\":\"2027-01-16T09:00:00+09:00\"}", TRUE },
    { "{\"status\":\"actual\",\"active\":true,\"expires\":\"2020-01-01T00:00:00+09:00\"}", FALSE },
    { "{\"status\":\"exercise\",\"active\":true}", FALSE },
    { "{\"status\":\"test\",\"active\":true}", FALSE },
    { "{\"status\":\"actual\",\"active\":false}", FALSE },
    { "{\"status\":\"actual\",\"active\":true,\"cancelled\":true}", FALSE },
    { "{\"status\":\"actual\",\"active\":true,\"expires\":\"nonsense\"}", FALSE },
    { "{\"active\":true}", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) props = properties (cases[i].json);
      BdShapeStyle style;
      int order;

      g_assert_cmpint (bd_overlay_alert_is_active (props, now), ==, cases[i].active);
      g_assert_cmpint (bd_overlay_style_for ("alerts", props, now, &style, &order), ==, cases[i].active);
    }
}

/* ------------------------------------------------------------ the layer */

typedef struct
{
  GtkWindow       *window;
  ShumateMap      *map;
  ShumateViewport *viewport;
  BdShapeLayer    *layer;
} Fixture;

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

/* Waits until the window has painted a frame with what is cached now. */
static void
wait_for_paint (Fixture *f)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (f->window));
  guint count = 0;
  gulong handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &count);

  for (guint frames = 1; frames <= 2; frames++)
    {
      gtk_widget_queue_draw (GTK_WIDGET (f->layer));
      while (count < frames)
        g_main_context_iteration (NULL, TRUE);
    }
  g_signal_handler_disconnect (clock, handler);
}

/* Draws frames until every tile of the view is drawn and delivered. */
static void
settle (Fixture *f)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (20, timeout_cb, &timed_out);

  while (!gtk_widget_get_mapped (GTK_WIDGET (f->layer)) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  do
    {
      gtk_widget_queue_draw (GTK_WIDGET (f->layer));
      _bd_shape_layer_request_view (f->layer);
      while (_bd_shape_layer_get_n_pending (f->layer) > 0 && !timed_out)
        g_main_context_iteration (NULL, TRUE);
      while (g_main_context_iteration (NULL, FALSE))
        ;
      _bd_shape_layer_request_view (f->layer);
    }
  while (_bd_shape_layer_get_n_pending (f->layer) > 0 && !timed_out);
  g_assert_false (timed_out);
  g_source_remove (id);
  wait_for_paint (f);
}

static BdShapeSet *
grid_of_squares (const char *changed_id)
{
  BdShapeSet *set = bd_shape_set_new ();
  BdShapeStyle style = { .fill = { 0, 0.5, 0, 0.5 }, .stroke = { 0, 0.3, 0, 1 }, .stroke_width = 1 };
  BdShapeStyle other = style;

  other.fill.red = 1;
  for (int i = -3; i <= 3; i++)
    for (int j = -3; j <= 3; j++)
      {
        g_autoptr(JsonNode) geometry = square (LAT + i * 0.006, LON + j * 0.006, 0.0008);
        g_autofree char *id = g_strdup_printf ("sq%d_%d", i, j);

        g_assert_true (bd_shape_set_add_geojson (set, id, geometry,
                                                 g_strcmp0 (id, changed_id) == 0 ? &other : &style,
                                                 0, NULL));
      }
  return set;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(BdShapeSet) set = grid_of_squares (NULL);
  g_autoptr(ShumateRasterRenderer) source = NULL;

  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 640, 480);
  f->map = shumate_map_new ();
  f->viewport = shumate_map_get_viewport (f->map);
  source = shumate_raster_renderer_new_from_url ("http://127.0.0.1:9/{z}/{x}/{y}.png");
  shumate_viewport_set_reference_map_source (f->viewport, SHUMATE_MAP_SOURCE (source));
  f->layer = bd_shape_layer_new (f->viewport);
  bd_shape_layer_set_shapes (f->layer, set);
  shumate_map_add_layer (f->map, SHUMATE_LAYER (f->layer));
  gtk_window_set_child (f->window, GTK_WIDGET (f->map));
  gtk_window_present (f->window);
  shumate_map_center_on (f->map, LAT, LON);
  shumate_viewport_set_zoom_level (f->viewport, ZOOM);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (f->window);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static guint32
layer_pixel (Fixture *f,
             double   lat,
             double   lon)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (f->layer));
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (f->window));
  int width = gtk_widget_get_width (GTK_WIDGET (f->layer));
  int height = gtk_widget_get_height (GTK_WIDGET (f->layer));
  g_autofree guchar *data = g_malloc0 ((gsize) width * height * 4);
  double x, y;

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gdk_texture_download (texture, data, (gsize) width * 4);
  shumate_viewport_location_to_widget_coords (f->viewport, GTK_WIDGET (f->layer), lat, lon, &x, &y);
  return *(guint32 *) (data + (int) y * width * 4 + (int) x * 4);
}

static void
test_layer_draws (Fixture       *f,
                  gconstpointer  data)
{
  guint32 inside, outside;

  settle (f);
  g_assert_cmpuint (_bd_shape_layer_get_n_cached (f->layer), >, 0);
  inside = layer_pixel (f, LAT, LON);
  outside = layer_pixel (f, LAT + 0.003, LON + 0.003);
  /* half-transparent green over nothing: premultiplied 0x80004000 */
  g_assert_cmpuint (inside >> 24, >=, 0x70);
  g_assert_cmpuint ((inside >> 8) & 0xff, >=, 0x30);
  g_assert_cmpuint ((inside >> 16) & 0xff, <, 0x10);
  g_assert_cmphex (outside, ==, 0);

  g_assert_cmpstr (bd_shape_layer_pick (f->layer, gtk_widget_get_width (GTK_WIDGET (f->layer)) / 2.0,
                                        gtk_widget_get_height (GTK_WIDGET (f->layer)) / 2.0),
                   ==, "sq0_0");
}

static void
test_layer_redraws_changed_tiles_only (Fixture       *f,
                                       gconstpointer  data)
{
  g_autoptr(BdShapeSet) same = grid_of_squares (NULL);
  g_autoptr(BdShapeSet) changed = grid_of_squares ("sq0_0");
  guint drawn, cached;
  guint32 before, after;

  settle (f);
  drawn = _bd_shape_layer_get_n_drawn (f->layer);
  cached = _bd_shape_layer_get_n_cached (f->layer);
  g_assert_cmpuint (cached, >=, 6);
  before = layer_pixel (f, LAT, LON);

  /* the same shapes again: nothing is drawn again */
  bd_shape_layer_set_shapes (f->layer, same);
  settle (f);
  g_assert_cmpuint (_bd_shape_layer_get_n_drawn (f->layer), ==, drawn);

  /* one square restyled: only the tiles it touches (1 to 4) */
  bd_shape_layer_set_shapes (f->layer, changed);
  settle (f);
  g_assert_cmpuint (_bd_shape_layer_get_n_drawn (f->layer) - drawn, >=, 1);
  g_assert_cmpuint (_bd_shape_layer_get_n_drawn (f->layer) - drawn, <=, 4);
  g_assert_cmpuint (_bd_shape_layer_get_n_drawn (f->layer) - drawn, <, cached);
  after = layer_pixel (f, LAT, LON);
  g_assert_cmphex (before, !=, after);
  g_assert_cmpuint ((after >> 16) & 0xff, >=, 0x60);   /* red now */
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/shape-set/area-fill", test_area_fill);
  g_test_add_func ("/shape-set/closure-line", test_closure_line);
  g_test_add_func ("/shape-set/shelter-state", test_shelter_state);
  g_test_add_func ("/shape-set/alert-hatch", test_alert_hatch);
  g_test_add_func ("/shape-set/refused", test_refused);
  g_test_add_func ("/shape-set/multi-and-pick", test_multi_and_pick);
  g_test_add_func ("/shape-set/diff", test_diff);
  g_test_add_func ("/overlay-style/alert-active", test_alert_active);
  g_test_add ("/shape-layer/draws", Fixture, NULL, fixture_set_up, test_layer_draws, fixture_tear_down);
  g_test_add ("/shape-layer/redraws-changed-tiles-only", Fixture, NULL, fixture_set_up,
              test_layer_redraws_changed_tiles_only, fixture_tear_down);

  return g_test_run ();
}
