/* test-report-layer.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "bd-report-layer.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "bd-catalog.h"
#include "bd-map-sources.h"
#include "bd-report.h"
#include "bd-store.h"

/* A real ShumateMap in an 800×600 window, its base map a BdTileSource over
 * tiles this test writes (plain grey), centred on Osaka at zoom 12, with a
 * BdReportLayer over it. Runs under Xvfb. */

#define WIDTH  800
#define HEIGHT 600
#define TILE_GREY 0xc8

typedef struct
{
  char            *tmpdir;
  GtkWindow       *window;
  ShumateMap      *map;
  ShumateViewport *viewport;
  BdReportLayer   *layer;
} Fixture;

typedef struct
{
  double  dlat, dlon;          /* from the centre */
  gint64  rowid;
  int     category;
  int     severity;
} Spot;

/* ------------------------------------------------------------- helpers */

static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      GDir *dir = g_dir_open (path, 0, NULL);
      const char *name;

      if (dir != NULL)
        {
          while ((name = g_dir_read_name (dir)) != NULL)
            {
              g_autofree char *child = g_build_filename (path, name, NULL);

              remove_tree (child);
            }
          g_dir_close (dir);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

/* Grey tiles at @zoom around the centre, wide enough for the pans below. */
static void
write_tiles (const char *root,
             guint       zoom)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 256, 256);
  g_autoptr(GError) error = NULL;
  g_autofree char *png = NULL;
  gsize png_len = 0;
  double n = exp2 (zoom);
  double x, y;
  int tx, ty;

  gdk_pixbuf_fill (pixbuf, ((guint32) TILE_GREY << 24) | ((guint32) TILE_GREY << 16) |
                           ((guint32) TILE_GREY << 8) | 0xff);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &png, &png_len, "png", &error, NULL));

  bd_project_mercator (BD_CITY_CENTER_LAT, BD_CITY_CENTER_LON, &x, &y);
  tx = (int) (x * n);
  ty = (int) (y * n);

  for (int i = tx - 4; i <= tx + 7; i++)
    {
      g_autofree char *dir = g_strdup_printf ("%s/%u/%d", root, zoom, i);

      g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
      for (int j = ty - 4; j <= ty + 4; j++)
        {
          g_autofree char *file = g_strdup_printf ("%s/%d.png", dir, j);

          g_file_set_contents (file, png, (gssize) png_len, &error);
          g_assert_no_error (error);
        }
    }
}

static gboolean
on_timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop for @ms milliseconds. */
static void
iterate_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, on_timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
on_after_paint_cb (GdkFrameClock *clock,
                   guint         *count)
{
  (*count)++;
}

/* Queues a draw and iterates until the window has painted @n_frames frames. */
static void
wait_for_frames (Fixture *fixture,
                 guint    n_frames)
{
  GdkFrameClock *clock;
  gboolean timed_out = FALSE;
  guint count = 0;
  guint timeout;
  gulong handler;

  while (!gtk_widget_get_mapped (GTK_WIDGET (fixture->layer)))
    g_main_context_iteration (NULL, TRUE);

  clock = gtk_widget_get_frame_clock (GTK_WIDGET (fixture->window));
  g_assert_nonnull (clock);

  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint_cb), &count);
  timeout = g_timeout_add_seconds (10, on_timeout_cb, &timed_out);

  gtk_widget_queue_draw (GTK_WIDGET (fixture->layer));
  while (count < n_frames && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  g_assert_false (timed_out);
  g_source_remove (timeout);
  g_signal_handler_disconnect (clock, handler);
}

static BdPoint
make_point (gint64 rowid,
            double latitude,
            double longitude,
            int    category,
            int    severity)
{
  BdPoint p = { 0 };

  p.rowid = rowid;
  bd_project_mercator (latitude, longitude, &p.x, &p.y);
  p.category = (guint8) category;
  p.severity = (guint8) severity;

  return p;
}

static GArray *
points_from_spots (const Spot *spots,
                   guint       n)
{
  GArray *points = g_array_new (FALSE, FALSE, sizeof (BdPoint));

  for (guint i = 0; i < n; i++)
    {
      BdPoint p = make_point (spots[i].rowid,
                              BD_CITY_CENTER_LAT + spots[i].dlat,
                              BD_CITY_CENTER_LON + spots[i].dlon,
                              spots[i].category, spots[i].severity);

      g_array_append_val (points, p);
    }

  return points;
}

/* Where libshumate itself puts a location on the layer. */
static void
spot_position (Fixture    *fixture,
               const Spot *spot,
               double     *x,
               double     *y)
{
  shumate_viewport_location_to_widget_coords (fixture->viewport, GTK_WIDGET (fixture->layer),
                                              BD_CITY_CENTER_LAT + spot->dlat,
                                              BD_CITY_CENTER_LON + spot->dlon,
                                              x, y);
}

/* How many spots lie on screen; asserts none is near an edge, where
 * "visible" would depend on the size of the mark. */
static guint
count_on_screen (Fixture    *fixture,
                 const Spot *spots,
                 guint       n)
{
  guint inside = 0;

  for (guint i = 0; i < n; i++)
    {
      double x, y;
      gboolean in, near;

      spot_position (fixture, &spots[i], &x, &y);
      in = x >= 0 && x < WIDTH && y >= 0 && y < HEIGHT;
      near = x > -40 && x < WIDTH + 40 && y > -40 && y < HEIGHT + 40;
      g_assert_true (in || !near);
      if (in)
        {
          g_assert_true (x > 30 && x < WIDTH - 30 && y > 30 && y < HEIGHT - 30);
          inside++;
        }
    }

  return inside;
}

typedef struct
{
  GdkTexture *texture;
  guchar     *data;
  gsize       stride;
  int         width, height;
} Capture;

/* Renders the map as the window shows it. */
static void
capture_map (Fixture *fixture,
             Capture *capture)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (fixture->map));
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (fixture->window));

  capture->width = gtk_widget_get_width (GTK_WIDGET (fixture->map));
  capture->height = gtk_widget_get_height (GTK_WIDGET (fixture->map));

  gdk_paintable_snapshot (paintable, snapshot, capture->width, capture->height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  capture->stride = (gsize) capture->width * 4;

  /* Nothing drawn yet (no tiles, no reports): all transparent. */
  if (node == NULL)
    {
      capture->data = g_malloc0 (capture->stride * capture->height);
      return;
    }

  capture->texture = gsk_renderer_render_texture (renderer, node,
                                                  &GRAPHENE_RECT_INIT (0, 0,
                                                                       capture->width,
                                                                       capture->height));
  g_assert_cmpint (gdk_texture_get_width (capture->texture), ==, capture->width);

  capture->data = g_malloc (capture->stride * capture->height);
  gdk_texture_download (capture->texture, capture->data, capture->stride);
}

static void
capture_clear (Capture *capture)
{
  g_clear_object (&capture->texture);
  g_clear_pointer (&capture->data, g_free);
}

/* 0xRRGGBB at (x, y) (downloaded as premultiplied BGRA; the map is opaque). */
static guint32
capture_pixel (Capture *capture,
               double   x,
               double   y)
{
  int px = (int) floor (x);
  int py = (int) floor (y);
  const guchar *p;

  g_assert_cmpint (px, >=, 0);
  g_assert_cmpint (py, >=, 0);
  g_assert_cmpint (px, <, capture->width);
  g_assert_cmpint (py, <, capture->height);

  p = capture->data + py * capture->stride + px * 4;
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  return ((guint32) p[2] << 16) | ((guint32) p[1] << 8) | p[0];
#else
  return ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
#endif
}

static guint32
category_rgb (int category)
{
  const BdCategory *categories = bd_catalog_get_categories (NULL);
  GdkRGBA rgba;

  g_assert_true (gdk_rgba_parse (&rgba, categories[category].color));

  return ((guint32) lround (rgba.red * 255) << 16)
         | ((guint32) lround (rgba.green * 255) << 8)
         | (guint32) lround (rgba.blue * 255);
}

static void
assert_rgb_near (guint32 actual,
                 guint32 expected,
                 int     tolerance)
{
  for (int shift = 0; shift <= 16; shift += 8)
    {
      int a = (actual >> shift) & 0xff;
      int e = (expected >> shift) & 0xff;

      if (ABS (a - e) > tolerance)
        g_error ("colour #%06x is not #%06x", actual, expected);
    }
}

/* Iterates until the base map's tiles have arrived: the pixel at (x, y), off
 * every dot, turns the tiles' grey. */
static void
wait_for_tiles (Fixture *fixture,
                double   x,
                double   y)
{
  for (int i = 0; i < 200; i++)
    {
      Capture capture = { 0 };
      guint32 pixel;

      wait_for_frames (fixture, 1);
      capture_map (fixture, &capture);
      pixel = capture_pixel (&capture, x, y);
      capture_clear (&capture);

      if (pixel == (TILE_GREY << 16 | TILE_GREY << 8 | TILE_GREY))
        return;

      /* Leave the main loop time for idle sources (the map layer's
       * tile grid), which back-to-back frames would starve. */
      iterate_for (50);
    }

  g_error ("the base map's tiles never arrived");
}

/* ------------------------------------------------------------- fixture */

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tiles = NULL;
  ShumateMapSource *source;
  ShumateMapLayer *tile_layer;

  fixture->tmpdir = g_dir_make_tmp ("bd-report-layer-XXXXXX", &error);
  g_assert_no_error (error);

  tiles = g_build_filename (fixture->tmpdir, "tiles", NULL);
  write_tiles (tiles, 9);
  write_tiles (tiles, 12);

  source = bd_map_sources_new_local (tiles, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (shumate_map_source_get_min_zoom_level (source), ==, 9);

  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_decorated (fixture->window, FALSE);
  gtk_window_set_default_size (fixture->window, WIDTH, HEIGHT);
  gtk_window_set_resizable (fixture->window, FALSE);

  fixture->map = shumate_map_new ();
  shumate_map_set_animate_zoom (fixture->map, FALSE);
  fixture->viewport = shumate_map_get_viewport (fixture->map);

  /* The source before any layer. */
  shumate_map_set_map_source (fixture->map, source);
  tile_layer = shumate_map_layer_new (source, fixture->viewport);
  shumate_map_add_layer (fixture->map, SHUMATE_LAYER (tile_layer));

  fixture->layer = bd_report_layer_new (fixture->viewport, NULL);
  shumate_map_add_layer (fixture->map, SHUMATE_LAYER (fixture->layer));

  shumate_viewport_set_zoom_level (fixture->viewport, 12);
  shumate_map_center_on (fixture->map, BD_CITY_CENTER_LAT, BD_CITY_CENTER_LON);

  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->map));
  gtk_window_present (fixture->window);

  wait_for_frames (fixture, 1);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (fixture->layer)), ==, WIDTH);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (fixture->layer)), ==, HEIGHT);

  g_object_unref (source);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  gtk_window_destroy (fixture->window);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  remove_tree (fixture->tmpdir);
  g_free (fixture->tmpdir);
}

/* --------------------------------------------------------------- tests */

/* At zoom 12 the view spans about ±0.137° of longitude and ±0.085° of
 * latitude. */
static const Spot scattered[] = {
  /* on screen, far apart */
  {  0.000,  0.000,  1, 0, 4 },
  {  0.050, -0.100,  2, 6, 1 },
  { -0.050, -0.050,  3, 2, 2 },
  {  0.030,  0.050,  4, 3, 3 },
  { -0.060,  0.090,  5, 4, 4 },
  { -0.020, -0.080,  6, 5, 1 },
  {  0.065,  0.030,  7, 7, 2 },
  { -0.030,  0.075,  8, 8, 3 },
  {  0.010, -0.025,  9, 9, 1 },
  { -0.065, -0.110, 10, 1, 2 },
  /* off screen */
  {  0.000,  0.250, 11, 0, 1 },
  {  0.000, -0.250, 12, 1, 1 },
  {  0.150,  0.000, 13, 2, 1 },
  { -0.150,  0.000, 14, 3, 1 },
  {  0.200,  0.300, 15, 4, 1 },
  { -0.020,  0.280, 16, 5, 2 },
  {  0.040,  0.220, 17, 6, 3 },
  { -0.300, -0.300, 18, 7, 4 },
};

static void
test_visible (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GArray) points = points_from_spots (scattered, G_N_ELEMENTS (scattered));
  guint expected;

  g_assert_cmpuint (bd_report_layer_get_n_points (fixture->layer), ==, 0);
  bd_report_layer_set_points (fixture->layer, points);
  g_assert_cmpuint (bd_report_layer_get_n_points (fixture->layer), ==, G_N_ELEMENTS (scattered));

  wait_for_frames (fixture, 1);

  expected = count_on_screen (fixture, scattered, G_N_ELEMENTS (scattered));
  g_assert_cmpuint (expected, ==, 10);
  g_assert_cmpuint (bd_report_layer_get_n_drawn (fixture->layer), ==, expected);

  /* Clearing the points. */
  bd_report_layer_set_points (fixture->layer, NULL);
  wait_for_frames (fixture, 1);
  g_assert_cmpuint (bd_report_layer_get_n_points (fixture->layer), ==, 0);
  g_assert_cmpuint (bd_report_layer_get_n_drawn (fixture->layer), ==, 0);
}

static void
test_pan (Fixture       *fixture,
          gconstpointer  data)
{
  g_autoptr(GArray) points = points_from_spots (scattered, G_N_ELEMENTS (scattered));
  guint before, after;

  bd_report_layer_set_points (fixture->layer, points);
  wait_for_frames (fixture, 1);
  before = bd_report_layer_get_n_drawn (fixture->layer);
  g_assert_cmpuint (before, ==, 10);

  /* East by a quarter of a degree: spots 11, 16 and 17 come into view. */
  shumate_map_center_on (fixture->map, BD_CITY_CENTER_LAT, BD_CITY_CENTER_LON + 0.25);
  wait_for_frames (fixture, 1);
  after = bd_report_layer_get_n_drawn (fixture->layer);
  g_assert_cmpuint (after, ==, count_on_screen (fixture, scattered, G_N_ELEMENTS (scattered)));
  g_assert_cmpuint (after, ==, 3);

  /* Away from every report. */
  shumate_map_center_on (fixture->map, BD_CITY_CENTER_LAT + 1.0, BD_CITY_CENTER_LON);
  wait_for_frames (fixture, 1);
  g_assert_cmpuint (bd_report_layer_get_n_drawn (fixture->layer), ==, 0);

  /* Rotated views: what is drawn and picked follows libshumate's positions. */
  shumate_map_center_on (fixture->map, BD_CITY_CENTER_LAT, BD_CITY_CENTER_LON);
  shumate_viewport_set_rotation (fixture->viewport, G_PI);
  wait_for_frames (fixture, 1);
  g_assert_cmpuint (bd_report_layer_get_n_drawn (fixture->layer), ==,
                    count_on_screen (fixture, scattered, G_N_ELEMENTS (scattered)));
  g_assert_cmpuint (bd_report_layer_get_n_drawn (fixture->layer), ==, 10);

  for (guint r = 0; r < 3; r++)
    {
      const double rotations[] = { G_PI, G_PI / 2, 0.3 };

      shumate_viewport_set_rotation (fixture->viewport, rotations[r]);
      wait_for_frames (fixture, 1);
      for (guint i = 0; i < G_N_ELEMENTS (scattered); i++)
        {
          double x, y;

          spot_position (fixture, &scattered[i], &x, &y);
          if (x >= 0 && x < WIDTH && y >= 0 && y < HEIGHT)
            g_assert_cmpint (bd_report_layer_pick (fixture->layer, x, y, 3), ==,
                             scattered[i].rowid);
        }
    }
  shumate_viewport_set_rotation (fixture->viewport, 0);
}

static void
test_pick (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GArray) points = points_from_spots (scattered, G_N_ELEMENTS (scattered));

  bd_report_layer_set_points (fixture->layer, points);
  wait_for_frames (fixture, 1);

  for (guint i = 0; i < 10; i++)
    {
      double x, y;

      spot_position (fixture, &scattered[i], &x, &y);
      g_assert_cmpint (bd_report_layer_pick (fixture->layer, x, y, 8), ==, scattered[i].rowid);
      /* A little off still hits; further than the radius does not. */
      g_assert_cmpint (bd_report_layer_pick (fixture->layer, x + 5, y - 4, 8), ==, scattered[i].rowid);
      g_assert_cmpint (bd_report_layer_pick (fixture->layer, x + 12, y, 8), ==, 0);
    }

  /* Single dots are no clusters. */
  {
    double x, y;

    spot_position (fixture, &scattered[0], &x, &y);
    g_assert_false (bd_report_layer_pick_cluster (fixture->layer, x, y, NULL, NULL, NULL, NULL));
  }

  /* Far from every report. */
  g_assert_cmpint (bd_report_layer_pick (fixture->layer, 5, 5, 10), ==, 0);
  g_assert_cmpint (bd_report_layer_pick (fixture->layer, 790, 590, 10), ==, 0);
}

static void
test_pick_nearest (Fixture       *fixture,
                   gconstpointer  data)
{
  /* Two reports 0.0001° (≈ 0.3 px at zoom 12) apart, a third 6 px east. */
  const Spot close[] = {
    { 0.0, 0.0,    21, 0, 1 },
    { 0.0, 0.0001, 22, 1, 4 },
    { 0.0, 0.0021, 23, 2, 1 },
  };
  g_autoptr(GArray) points = points_from_spots (close, G_N_ELEMENTS (close));
  double x, y;

  bd_report_layer_set_points (fixture->layer, points);
  wait_for_frames (fixture, 1);

  spot_position (fixture, &close[2], &x, &y);
  g_assert_cmpint (bd_report_layer_pick (fixture->layer, x, y, 10), ==, 23);
  spot_position (fixture, &close[0], &x, &y);
  g_assert_cmpint (bd_report_layer_pick (fixture->layer, x - 1, y, 10), ==, 21);
}

/* 300 reports within a few hundred metres. */
static GArray *
make_crowd (guint n)
{
  GArray *points = g_array_new (FALSE, FALSE, sizeof (BdPoint));
  GRand *rand = g_rand_new_with_seed (7);

  for (guint i = 0; i < n; i++)
    {
      BdPoint p = make_point (100 + i,
                              BD_CITY_CENTER_LAT + g_rand_double_range (rand, -0.004, 0.004),
                              BD_CITY_CENTER_LON + g_rand_double_range (rand, -0.005, 0.005),
                              g_rand_int_range (rand, 0, 5), g_rand_int_range (rand, 1, 5));

      g_array_append_val (points, p);
    }

  g_rand_free (rand);

  return points;
}

static void
test_cluster (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GArray) points = make_crowd (300);
  guint drawn;

  bd_report_layer_set_points (fixture->layer, points);

  /* Zoom 12: the crowd is about 30 px across, a few clusters. */
  wait_for_frames (fixture, 1);
  drawn = bd_report_layer_get_n_drawn (fixture->layer);
  g_test_message ("zoom 12: %u marks for 300 reports", drawn);
  g_assert_cmpuint (drawn, >=, 1);
  g_assert_cmpuint (drawn, <, 60);

  /* Zoom 9: one cluster. */
  shumate_viewport_set_zoom_level (fixture->viewport, 9);
  wait_for_frames (fixture, 1);
  drawn = bd_report_layer_get_n_drawn (fixture->layer);
  g_assert_cmpuint (drawn, >=, 1);
  g_assert_cmpuint (drawn, <=, 8);

  /* Street zoom: every report is its own dot. */
  shumate_viewport_set_zoom_level (fixture->viewport, 16);
  wait_for_frames (fixture, 1);
  drawn = bd_report_layer_get_n_drawn (fixture->layer);
  g_test_message ("zoom 16: %u marks", drawn);
  g_assert_cmpuint (drawn, ==, 300);

  /* Half the crowd's width east (about 230 px): some go off screen. */
  shumate_map_center_on (fixture->map, BD_CITY_CENTER_LAT, BD_CITY_CENTER_LON + 0.005);
  wait_for_frames (fixture, 1);
  drawn = bd_report_layer_get_n_drawn (fixture->layer);
  g_assert_cmpuint (drawn, <, 300);
  g_assert_cmpuint (drawn, >, 100);
}

static void
test_pixels (Fixture       *fixture,
             gconstpointer  data)
{
  const Spot spots[] = {
    { 0.000,  0.000, 31, 0, 4 },
    { 0.040, -0.080, 32, 6, 4 },
    { -0.050, 0.060, 33, 4, 3 },
  };
  g_autoptr(GArray) points = points_from_spots (spots, G_N_ELEMENTS (spots));
  Capture capture = { 0 };
  double x, y;

  g_assert_cmpstr (bd_catalog_get_categories (NULL)[0].color, ==, "#d50000");

  bd_report_layer_set_points (fixture->layer, points);
  wait_for_tiles (fixture, 100, 100);
  g_assert_cmpuint (bd_report_layer_get_n_drawn (fixture->layer), ==, 3);

  capture_map (fixture, &capture);
  for (guint i = 0; i < G_N_ELEMENTS (spots); i++)
    {
      spot_position (fixture, &spots[i], &x, &y);
      assert_rgb_near (capture_pixel (&capture, x, y), category_rgb (spots[i].category), 2);
      assert_rgb_near (capture_pixel (&capture, x + 2, y - 2), category_rgb (spots[i].category), 2);
      /* Beyond the dot and its outline: the base map. */
      assert_rgb_near (capture_pixel (&capture, x + 14, y), 0xc8c8c8, 0);
    }
  capture_clear (&capture);

  /* The selected report gets a white ring around its dot (severity 4:
   * radius 8, the ring 10–12.5 px out). */
  bd_report_layer_set_selected (fixture->layer, 31);
  g_assert_cmpint (bd_report_layer_get_selected (fixture->layer), ==, 31);
  wait_for_frames (fixture, 1);
  capture_map (fixture, &capture);
  spot_position (fixture, &spots[0], &x, &y);
  assert_rgb_near (capture_pixel (&capture, x, y), category_rgb (0), 2);
  assert_rgb_near (capture_pixel (&capture, x + 11.3, y), 0xffffff, 40);
  assert_rgb_near (capture_pixel (&capture, x, y - 11.3), 0xffffff, 40);
  /* …and no other. */
  spot_position (fixture, &spots[1], &x, &y);
  assert_rgb_near (capture_pixel (&capture, x + 11.3, y), 0xc8c8c8, 0);
  capture_clear (&capture);

  bd_report_layer_set_selected (fixture->layer, 0);
  wait_for_frames (fixture, 1);
  capture_map (fixture, &capture);
  spot_position (fixture, &spots[0], &x, &y);
  assert_rgb_near (capture_pixel (&capture, x + 11.3, y), 0xc8c8c8, 0);
  capture_clear (&capture);
}

/* A closed report (resolved) is drawn faded: 40 % of its colour over the
 * base map; an open one at full colour. */
static void
test_closed_pixels (Fixture       *fixture,
                    gconstpointer  data)
{
  const Spot spots[] = {
    { 0.000,  0.000, 41, 0, 4 },
    { 0.040, -0.080, 42, 0, 4 },
  };
  g_autoptr(GArray) points = points_from_spots (spots, G_N_ELEMENTS (spots));
  Capture capture = { 0 };
  guint32 colour = category_rgb (0);
  guint32 faded = 0;
  double x, y;

  g_array_index (points, BdPoint, 1).status =
    (guint8) (bd_catalog_lookup_status ("resolved") - bd_catalog_get_statuses (NULL));
  for (int shift = 0; shift <= 16; shift += 8)
    {
      double c = (colour >> shift) & 0xff;
      guint32 mixed = (guint32) round (0.4 * c + 0.6 * 0xc8);

      faded |= mixed << shift;
    }

  bd_report_layer_set_points (fixture->layer, points);
  wait_for_tiles (fixture, 100, 100);
  capture_map (fixture, &capture);
  spot_position (fixture, &spots[0], &x, &y);
  assert_rgb_near (capture_pixel (&capture, x, y), colour, 2);
  spot_position (fixture, &spots[1], &x, &y);
  assert_rgb_near (capture_pixel (&capture, x, y), faded, 4);
  capture_clear (&capture);
}

static void
test_cluster_pixels (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (BdPoint));
  Capture capture = { 0 };
  double x, y;

  /* 50 reports on one spot, 40 of category 6 and 10 of category 0: one
   * cluster in category 6's colour. */
  for (guint i = 0; i < 50; i++)
    {
      BdPoint p = make_point (200 + i, BD_CITY_CENTER_LAT, BD_CITY_CENTER_LON,
                              i < 40 ? 6 : 0, 2);

      g_array_append_val (points, p);
    }

  bd_report_layer_set_points (fixture->layer, points);
  wait_for_tiles (fixture, 100, 100);
  g_assert_cmpuint (bd_report_layer_get_n_drawn (fixture->layer), ==, 1);

  capture_map (fixture, &capture);
  shumate_viewport_location_to_widget_coords (fixture->viewport, GTK_WIDGET (fixture->layer),
                                              BD_CITY_CENTER_LAT, BD_CITY_CENTER_LON, &x, &y);
  /* Inside the cluster's disc, clear of its label. */
  {
    guint32 expected = category_rgb (6);
    guint32 pixel = capture_pixel (&capture, x - 9, y - 6);

    /* The disc is 92 % opaque over the grey map. */
    expected = (((guint32) lround (((expected >> 16) & 0xff) * 0.92 + TILE_GREY * 0.08)) << 16)
               | (((guint32) lround (((expected >> 8) & 0xff) * 0.92 + TILE_GREY * 0.08)) << 8)
               | (guint32) lround ((expected & 0xff) * 0.92 + TILE_GREY * 0.08);
    assert_rgb_near (pixel, expected, 3);
  }
  capture_clear (&capture);

  /* A click on the cluster finds it, and where to zoom. */
  {
    guint n_reports = 0;
    double lat = 0, lon = 0, zoom = 0;

    g_assert_true (bd_report_layer_pick_cluster (fixture->layer, x + 5, y - 5, &n_reports,
                                                 &lat, &lon, &zoom));
    g_assert_cmpuint (n_reports, ==, 50);
    /* All on one spot: they part only where every report is its own dot. */
    g_assert_cmpfloat (zoom, ==, 16);
    g_assert_cmpfloat_with_epsilon (lat, BD_CITY_CENTER_LAT, 1e-4);
    g_assert_cmpfloat_with_epsilon (lon, BD_CITY_CENTER_LON, 1e-4);
    g_assert_false (bd_report_layer_pick_cluster (fixture->layer, x + 40, y, NULL, NULL, NULL, NULL));

    /* At another zoom, until the next frame, the old clusters do not count. */
    shumate_viewport_set_zoom_level (fixture->viewport, 12.5);
    g_assert_false (bd_report_layer_pick_cluster (fixture->layer, x, y, NULL, NULL, NULL, NULL));
  }
}

/* Past the tiles' highest zoom (12), the local source scales them up: the
 * map is not blank. */
static void
test_overzoom_tiles (Fixture       *fixture,
                     gconstpointer  data)
{
  g_assert_cmpuint (shumate_viewport_get_max_zoom_level (fixture->viewport), >=, 16);

  /* Somewhere whose zoom-12 tiles were never loaded (about five tiles east
   * of the start), so no tile of another zoom can stand in. */
  shumate_viewport_set_zoom_level (fixture->viewport, 14);
  shumate_map_center_on (fixture->map, BD_CITY_CENTER_LAT, BD_CITY_CENTER_LON + 0.44);
  wait_for_tiles (fixture, 100, 100);
  wait_for_tiles (fixture, 700, 500);
}

/* ------------------------------------------------------------- store */

typedef struct
{
  GMainLoop *loop;
  guint      want;
} WaitPoints;

static void
on_n_points_cb (BdReportLayer *layer,
                GParamSpec    *pspec,
                WaitPoints    *wait)
{
  if (bd_report_layer_get_n_points (layer) == wait->want)
    g_main_loop_quit (wait->loop);
}

static void
wait_for_n_points (BdReportLayer *layer,
                   guint          n)
{
  WaitPoints wait = { g_main_loop_new (NULL, FALSE), n };
  gboolean timed_out = FALSE;
  guint timeout;
  gulong handler;

  if (bd_report_layer_get_n_points (layer) != n)
    {
      handler = g_signal_connect (layer, "notify::n-points", G_CALLBACK (on_n_points_cb), &wait);
      timeout = g_timeout_add_seconds (10, on_timeout_cb, &timed_out);
      while (bd_report_layer_get_n_points (layer) != n && !timed_out)
        g_main_context_iteration (NULL, TRUE);
      g_assert_false (timed_out);
      g_source_remove (timeout);
      g_signal_handler_disconnect (layer, handler);
    }

  g_main_loop_unref (wait.loop);
}

static void
save_report (BdStore    *store,
             double      dlat,
             double      dlon,
             const char *category)
{
  g_autoptr(BdReport) report = bd_report_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GError) error = NULL;
  double lat = BD_CITY_CENTER_LAT + dlat;
  double lon = BD_CITY_CENTER_LON + dlon;

  bd_report_set_location (report, lat, lon);
  bd_report_set_ward (report, bd_catalog_nearest_ward (lat, lon)->code);
  bd_report_set_category (report, category);
  bd_report_set_severity (report, 2);
  bd_report_set_status (report, "new");
  bd_report_set_title (report, "Test report");
  bd_report_set_reporter (report, "Tester");
  bd_report_set_observed_at (report, now);

  bd_store_save_report (store, report, "tester", &error);
  g_assert_no_error (error);
}

static void
test_store (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->tmpdir, "reports.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BdStore) store = bd_store_open (path, &error);
  BdReportLayer *layer;
  double x, y;
  gint64 t0;

  g_assert_no_error (error);

  save_report (store, 0.0, 0.0, "human");
  save_report (store, 0.03, 0.05, "fire");
  save_report (store, 0.0, -0.17, "road");    /* off screen, west */

  /* Replace the hand-fed layer with one on the store. */
  shumate_map_remove_layer (fixture->map, SHUMATE_LAYER (fixture->layer));
  layer = bd_report_layer_new (fixture->viewport, store);
  fixture->layer = layer;
  shumate_map_add_layer (fixture->map, SHUMATE_LAYER (layer));

  /* Loaded on a worker thread, not during construction. */
  g_assert_cmpuint (bd_report_layer_get_n_points (layer), ==, 0);
  wait_for_n_points (layer, 3);
  wait_for_frames (fixture, 1);
  g_assert_cmpuint (bd_report_layer_get_n_drawn (layer), ==, 2);

  shumate_viewport_location_to_widget_coords (fixture->viewport, GTK_WIDGET (layer),
                                              BD_CITY_CENTER_LAT + 0.03,
                                              BD_CITY_CENTER_LON + 0.05, &x, &y);
  g_assert_cmpint (bd_report_layer_pick (layer, x, y, 5), >, 0);

  /* A burst of saves reloads once they settle (debounced). */
  t0 = g_get_monotonic_time ();
  save_report (store, -0.02, -0.02, "river");
  save_report (store, -0.03, 0.02, "gas");
  wait_for_n_points (layer, 5);
  g_assert_cmpint (g_get_monotonic_time () - t0, >=, 150 * 1000);
  wait_for_frames (fixture, 1);
  g_assert_cmpuint (bd_report_layer_get_n_drawn (layer), ==, 4);

  /* A change right before the layer goes away: nothing runs afterwards. */
  save_report (store, 0.01, 0.01, "human");
  shumate_map_remove_layer (fixture->map, SHUMATE_LAYER (layer));
  fixture->layer = bd_report_layer_new (fixture->viewport, NULL);
  shumate_map_add_layer (fixture->map, SHUMATE_LAYER (fixture->layer));
  iterate_for (400);
}


/* Reports by hand into the store: where, kind, status, title, when. */
static gint64
save_report_full (BdStore    *store,
                  double      dlat,
                  double      dlon,
                  const char *category,
                  const char *status,
                  const char *title,
                  gint64      observed_at)
{
  g_autoptr(BdReport) report = bd_report_new ();
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (observed_at);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rowids = NULL;
  double lat = BD_CITY_CENTER_LAT + dlat;
  double lon = BD_CITY_CENTER_LON + dlon;
  BdQuery query = { 0 };

  bd_report_set_location (report, lat, lon);
  bd_report_set_ward (report, bd_catalog_nearest_ward (lat, lon)->code);
  bd_report_set_category (report, category);
  bd_report_set_severity (report, 2);
  bd_report_set_status (report, status);
  bd_report_set_title (report, title);
  bd_report_set_reporter (report, "Tester");
  bd_report_set_observed_at (report, when);

  bd_store_save_report (store, report, "tester", &error);
  g_assert_no_error (error);

  /* Its rowid: the newest one. */
  query.sort = BD_QUERY_SORT_UPDATED;
  rowids = bd_store_query_rowids (store, &query, &error);
  g_assert_no_error (error);
  {
    gint64 max = 0;

    for (guint i = 0; i < rowids->len; i++)
      max = MAX (max, g_array_index (rowids, gint64, i));
    return max;
  }
}

static void
wait_for_filter (BdReportLayer *layer)
{
  gboolean timed_out = FALSE;
  guint timeout = g_timeout_add_seconds (10, on_timeout_cb, &timed_out);

  while (bd_report_layer_get_filtering (layer) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (timeout);
}

/* The layer draws what the store's query with the list's filters returns:
 * by ward, kind, status and search text; a new report the filter keeps
 * appears, one it hides does not. */
static void
test_filter (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->tmpdir, "reports.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BdStore) store = bd_store_open (path, &error);
  const char *ward_a, *ward_b;
  BdReportLayer *layer;
  gint64 fire_rowid, road_rowid;
  const gint64 t = 1788300000;
  double x, y;

  g_assert_no_error (error);

  /* Ward A at the centre, ward B 0.05° east: every report far enough from
   * the others (over 100 px at zoom 12) to be its own dot. */
  ward_a = bd_catalog_nearest_ward (BD_CITY_CENTER_LAT, BD_CITY_CENTER_LON)->code;
  ward_b = bd_catalog_nearest_ward (BD_CITY_CENTER_LAT, BD_CITY_CENTER_LON + 0.05)->code;
  g_assert_cmpstr (ward_a, !=, ward_b);

  fire_rowid = save_report_full (store, 0.0, 0.0, "fire", "new", "Kitchen fire", t);
  save_report_full (store, 0.0, -0.04, "fire", "resolved", "Bin fire", t);
  road_rowid = save_report_full (store, 0.04, 0.0, "road", "new", "Flooded underpass", t);
  save_report_full (store, -0.04, 0.0, "human", "new", "Injured cyclist", t);
  save_report_full (store, 0.0, 0.05, "fire", "new", "Warehouse fire", t);
  save_report_full (store, 0.04, 0.05, "road", "confirmed", "Fallen tree on road", t);

  shumate_map_remove_layer (fixture->map, SHUMATE_LAYER (fixture->layer));
  layer = bd_report_layer_new (fixture->viewport, store);
  fixture->layer = layer;
  shumate_map_add_layer (fixture->map, SHUMATE_LAYER (layer));
  wait_for_n_points (layer, 6);
  wait_for_frames (fixture, 1);
  g_assert_cmpuint (bd_report_layer_get_n_shown (layer), ==, 6);
  g_assert_cmpuint (bd_report_layer_get_n_drawn (layer), ==, 6);

  /* Each filter, and the same query's count in the store. */
  {
    const struct
    {
      const char *ward, *category, *status, *text;
      guint       n;
    } cases[] = {
      { NULL, "fire", NULL, NULL, 3 },
      { NULL, "fire", "new", NULL, 2 },
      { NULL, NULL, "confirmed", NULL, 1 },
      { NULL, NULL, NULL, "fire", 3 },
      { NULL, "road", NULL, "tree", 1 },
      { "", "", "", "", 6 },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        BdQuery query = { 0 };
        g_autoptr(GArray) rowids = NULL;

        query.ward = cases[i].ward;
        query.category = cases[i].category;
        query.status = cases[i].status;
        query.text = cases[i].text;
        rowids = bd_store_query_rowids (store, &query, &error);
        g_assert_no_error (error);
        g_assert_cmpuint (rowids->len, ==, cases[i].n);

        bd_report_layer_set_filter (layer, cases[i].ward, cases[i].category, cases[i].status,
                                    cases[i].text);
        wait_for_filter (layer);
        wait_for_frames (fixture, 1);
        g_assert_cmpuint (bd_report_layer_get_n_shown (layer), ==, cases[i].n);
        g_assert_cmpuint (bd_report_layer_get_n_drawn (layer), ==, cases[i].n);
        g_assert_cmpuint (bd_report_layer_get_n_drawn_reports (layer), ==, cases[i].n);
        g_assert_cmpuint (bd_report_layer_get_n_points (layer), ==, 6);
        /* What it draws is what the query returned. */
        for (guint r = 0; r < rowids->len; r++)
          g_assert_true (bd_report_layer_is_shown (layer, g_array_index (rowids, gint64, r)));
      }
  }

  /* By ward. */
  {
    BdQuery query = { 0 };
    g_autoptr(GArray) rowids = NULL;

    query.ward = ward_a;
    rowids = bd_store_query_rowids (store, &query, &error);
    g_assert_no_error (error);
    bd_report_layer_set_filter (layer, ward_a, NULL, NULL, NULL);
    wait_for_filter (layer);
    wait_for_frames (fixture, 1);
    g_assert_cmpuint (rowids->len, >=, 1);
    g_assert_cmpuint (rowids->len, <, 6);
    g_assert_cmpuint (bd_report_layer_get_n_shown (layer), ==, rowids->len);
    g_assert_cmpuint (bd_report_layer_get_n_drawn_reports (layer), ==, rowids->len);
  }

  /* Kind "road": the fire at the centre can no longer be picked, the road
   * report can. */
  bd_report_layer_set_filter (layer, NULL, "road", NULL, NULL);
  wait_for_filter (layer);
  wait_for_frames (fixture, 1);
  shumate_viewport_location_to_widget_coords (fixture->viewport, GTK_WIDGET (layer),
                                              BD_CITY_CENTER_LAT, BD_CITY_CENTER_LON, &x, &y);
  g_assert_cmpint (bd_report_layer_pick (layer, x, y, 5), ==, 0);
  g_assert_false (bd_report_layer_is_shown (layer, fire_rowid));
  shumate_viewport_location_to_widget_coords (fixture->viewport, GTK_WIDGET (layer),
                                              BD_CITY_CENTER_LAT + 0.04, BD_CITY_CENTER_LON,
                                              &x, &y);
  g_assert_cmpint (bd_report_layer_pick (layer, x, y, 5), ==, road_rowid);

  /* The map keeps in step: a new road report appears, a new fire does not. */
  save_report_full (store, -0.04, -0.05, "road", "new", "Road cave-in", t);
  save_report_full (store, -0.04, 0.05, "fire", "new", "Car fire", t);
  wait_for_n_points (layer, 8);
  wait_for_filter (layer);
  wait_for_frames (fixture, 1);
  g_assert_cmpuint (bd_report_layer_get_n_shown (layer), ==, 3);
  g_assert_cmpuint (bd_report_layer_get_n_drawn (layer), ==, 3);

  /* No filter: everything. */
  bd_report_layer_set_filter (layer, NULL, NULL, NULL, NULL);
  wait_for_filter (layer);
  wait_for_frames (fixture, 1);
  g_assert_cmpuint (bd_report_layer_get_n_shown (layer), ==, 8);
}

/* "As of" a time: only the reports observed by then, counted in their
 * clusters; moving the time back and forth redraws without reloading. */
static void
test_as_of (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GArray) points = make_crowd (300);
  const gint64 t0 = 1788300000;
  guint drawn_reports[4];
  double x, y;

  /* The crowd reported over 300 minutes, one a minute, and one single
   * report far off, at minute 150. */
  for (guint i = 0; i < points->len; i++)
    g_array_index (points, BdPoint, i).observed_at = t0 + 60 * i;
  {
    BdPoint p = make_point (999, BD_CITY_CENTER_LAT + 0.06, BD_CITY_CENTER_LON - 0.1, 2, 3);

    p.observed_at = t0 + 60 * 150;
    g_array_append_val (points, p);
  }
  bd_report_layer_set_points (fixture->layer, points);

  for (guint k = 0; k < G_N_ELEMENTS (drawn_reports); k++)
    {
      /* Before anything, after 100 minutes, after 200, after all. */
      const gint64 as_of[] = { t0 - 1, t0 + 60 * 99, t0 + 60 * 199, G_MAXINT64 };

      bd_report_layer_set_as_of (fixture->layer, as_of[k]);
      g_assert_cmpint (bd_report_layer_get_as_of (fixture->layer), ==, as_of[k]);
      wait_for_frames (fixture, 1);
      drawn_reports[k] = bd_report_layer_get_n_drawn_reports (fixture->layer);
    }
  g_assert_cmpuint (drawn_reports[0], ==, 0);
  g_assert_cmpuint (drawn_reports[1], ==, 100);
  g_assert_cmpuint (drawn_reports[2], ==, 201);
  g_assert_cmpuint (drawn_reports[3], ==, 301);

  /* The far report cannot be picked before it was observed. */
  shumate_viewport_location_to_widget_coords (fixture->viewport, GTK_WIDGET (fixture->layer),
                                              BD_CITY_CENTER_LAT + 0.06, BD_CITY_CENTER_LON - 0.1,
                                              &x, &y);
  g_assert_cmpint (bd_report_layer_pick (fixture->layer, x, y, 5), ==, 999);
  bd_report_layer_set_as_of (fixture->layer, t0 + 60 * 149);
  g_assert_cmpint (bd_report_layer_pick (fixture->layer, x, y, 5), ==, 0);
  bd_report_layer_set_as_of (fixture->layer, G_MAXINT64);
}

/* Clusters follow the data, not a lattice: ten reports within 12 px of a
 * spot make one cluster wherever the spot lies (the old 40 px grid split
 * a group lying across one of its lines into dots); and a click on a
 * cluster gives a zoom where it splits. */
static void
test_cluster_follows_data (Fixture       *fixture,
                           gconstpointer  data)
{
  double world = 256.0 * exp2 (12);
  double cx, cy;

  bd_project_mercator (BD_CITY_CENTER_LAT, BD_CITY_CENTER_LON, &cx, &cy);
  /* On a multiple of 40 px: a line of the old grid. */
  cx = round (cx * world / 40.0) * 40.0 / world;

  for (int shift = 0; shift < 40; shift += 13)
    {
      g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (BdPoint));
      double sx, sy, lat, lon, zoom = 0;
      guint n_reports = 0;

      for (guint i = 0; i < 10; i++)
        {
          BdPoint p = { 0 };

          p.rowid = 500 + i;
          p.x = cx + (shift + (double) i * 2.4 - 12.0) / world;
          p.y = cy + ((i % 3) * 4.0 - 4.0) / world;
          p.category = i < 6 ? 4 : 1;
          p.severity = 1 + i % 4;
          g_array_append_val (points, p);
        }
      bd_report_layer_set_points (fixture->layer, points);
      wait_for_frames (fixture, 1);
      g_assert_cmpuint (bd_report_layer_get_n_drawn (fixture->layer), ==, 1);
      g_assert_cmpuint (bd_report_layer_get_n_drawn_reports (fixture->layer), ==, 10);

      lon = (cx + shift / world) * 360.0 - 180.0;
      lat = atan (sinh (G_PI * (1.0 - 2.0 * cy))) * 180.0 / G_PI;
      shumate_viewport_location_to_widget_coords (fixture->viewport, GTK_WIDGET (fixture->layer),
                                                  lat, lon, &sx, &sy);
      g_assert_true (bd_report_layer_pick_cluster (fixture->layer, sx, sy, &n_reports, NULL, NULL,
                                                   &zoom));
      g_assert_cmpuint (n_reports, ==, 10);
      /* 2.4 px apart at zoom 12: apart (over 40 px) first at zoom 17, past
       * the clustered zooms, so at 16 as dots. */
      g_assert_cmpfloat (zoom, >, 12);
      g_assert_cmpfloat (zoom, <=, 16);

      /* At the split zoom, more than one mark. */
      shumate_viewport_set_zoom_level (fixture->viewport, zoom);
      wait_for_frames (fixture, 1);
      g_assert_cmpuint (bd_report_layer_get_n_drawn (fixture->layer), >, 1);
      g_assert_cmpuint (bd_report_layer_get_n_drawn_reports (fixture->layer), ==, 10);
      shumate_viewport_set_zoom_level (fixture->viewport, 12);
    }
}

/* Many points are clustered on a worker thread: until they are ready the
 * old ones stay drawn and "filtering" is TRUE; a newer set given while an
 * older one is being clustered wins, whichever finishes first. */
static void
test_worker (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GArray) few = points_from_spots (scattered, G_N_ELEMENTS (scattered));
  g_autoptr(GArray) crowd = make_crowd (300);
  g_autoptr(GArray) big = make_crowd (5000);

  /* Inline below the threshold: shown at once. */
  bd_report_layer_set_points (fixture->layer, few);
  g_assert_false (bd_report_layer_get_filtering (fixture->layer));
  g_assert_cmpuint (bd_report_layer_get_n_shown (fixture->layer), ==, few->len);

  _bd_report_layer_set_inline_max (fixture->layer, 100);
  bd_report_layer_set_points (fixture->layer, crowd);
  g_assert_cmpuint (bd_report_layer_get_n_points (fixture->layer), ==, 300);
  g_assert_true (bd_report_layer_get_filtering (fixture->layer));
  g_assert_cmpuint (bd_report_layer_get_n_shown (fixture->layer), ==, few->len);
  wait_for_frames (fixture, 1);
  if (bd_report_layer_get_filtering (fixture->layer))
    g_assert_cmpuint (bd_report_layer_get_n_drawn_reports (fixture->layer), ==, 10);
  wait_for_filter (fixture->layer);
  g_assert_cmpuint (bd_report_layer_get_n_shown (fixture->layer), ==, 300);
  wait_for_frames (fixture, 1);
  g_assert_cmpuint (bd_report_layer_get_n_drawn_reports (fixture->layer), ==, 300);

  /* Two sets one after the other: the last given is what stays, even
   * though the big one may finish after the small one. */
  bd_report_layer_set_points (fixture->layer, big);
  bd_report_layer_set_points (fixture->layer, crowd);
  wait_for_filter (fixture->layer);
  g_assert_cmpuint (bd_report_layer_get_n_shown (fixture->layer), ==, 300);
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_usleep (200000);
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (bd_report_layer_get_n_shown (fixture->layer), ==, 300);
  g_assert_false (bd_report_layer_get_filtering (fixture->layer));

  bd_report_layer_set_points (fixture->layer, big);
  bd_report_layer_set_points (fixture->layer, NULL);
  wait_for_filter (fixture->layer);
  g_assert_cmpuint (bd_report_layer_get_n_shown (fixture->layer), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/bd/report-layer/visible", test_visible);
  ADD ("/bd/report-layer/pan", test_pan);
  ADD ("/bd/report-layer/pick", test_pick);
  ADD ("/bd/report-layer/pick-nearest", test_pick_nearest);
  ADD ("/bd/report-layer/cluster", test_cluster);
  ADD ("/bd/report-layer/pixels", test_pixels);
  ADD ("/bd/report-layer/closed-pixels", test_closed_pixels);
  ADD ("/bd/report-layer/cluster-pixels", test_cluster_pixels);
  ADD ("/bd/report-layer/overzoom-tiles", test_overzoom_tiles);
  ADD ("/bd/report-layer/store", test_store);
  ADD ("/bd/report-layer/filter", test_filter);
  ADD ("/bd/report-layer/as-of", test_as_of);
  ADD ("/bd/report-layer/cluster-follows-data", test_cluster_follows_data);
  ADD ("/bd/report-layer/worker", test_worker);

#undef ADD

  return g_test_run ();
}
