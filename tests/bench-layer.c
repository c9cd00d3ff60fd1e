/* bench-layer.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How long BdReportLayer takes to snapshot 100,000 demo reports over Osaka
 * in a 1024×768 map, at zooms 11 (whole city), 13 and 15, panning a little
 * each frame; for each way of drawing the dots. Prints mean and p95 of 200
 * frames, in ms, for snapshot() alone (what the layer costs the main
 * thread), and of rendering the resulting nodes with the window's renderer.
 *
 * Run under a display:
 *   xvfb-run -a -s '-screen 0 1280x800x24' bench-layer [N] [--no-render]
 */

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <time.h>

#include "bd-catalog.h"
#include "bd-demo.h"
#include "bd-report-layer.h"
#include "bd-tile-source.h"

#define WIDTH    1024
#define HEIGHT   768
#define N_FRAMES 200
#define N_RENDER 50

static gboolean
on_timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
iterate_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, on_timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* CPU time of this thread, in ms: steadier than the wall clock on a
 * shared machine. */
static double
thread_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
stats (GArray *samples,
       double *mean,
       double *p95)
{
  double sum = 0;

  g_array_sort (samples, compare_double);
  for (guint i = 0; i < samples->len; i++)
    sum += g_array_index (samples, double, i);
  *mean = sum / samples->len;
  *p95 = g_array_index (samples, double, MIN (samples->len - 1, (guint) (samples->len * 0.95)));
}

static GArray *
make_points (guint n)
{
  g_autoptr(GPtrArray) reports = NULL;
  GArray *points = g_array_sized_new (FALSE, FALSE, sizeof (BdPoint), n);

  reports = bd_demo_generate (n, BD_DEMO_DEFAULT_SEED);
  for (guint i = 0; i < reports->len; i++)
    {
      BdReport *report = g_ptr_array_index (reports, i);
      BdPoint p = { 0 };
      int category = bd_catalog_category_index (bd_report_get_category (report));

      p.rowid = i + 1;
      bd_project_mercator (bd_report_get_latitude (report), bd_report_get_longitude (report),
                           &p.x, &p.y);
      p.category = (guint8) MAX (category, 0);
      p.severity = (guint8) bd_report_get_severity (report);
      g_array_append_val (points, p);
    }

  return points;
}

/* A source that needs no network: one blank tile, any zoom. */
static ShumateMapSource *
make_source (const char *tmpdir)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 256, 256);
  g_autofree char *dir = g_build_filename (tmpdir, "0", "0", NULL);
  g_autofree char *file = g_build_filename (dir, "0.png", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BdTileSource) tiles = NULL;

  gdk_pixbuf_fill (pixbuf, 0xeeeeeeff);
  g_mkdir_with_parents (dir, 0700);
  if (!gdk_pixbuf_save (pixbuf, file, "png", &error, NULL))
    g_error ("%s", error->message);

  tiles = bd_tile_source_new (tmpdir, &error);
  if (tiles == NULL)
    g_error ("%s", error->message);

  return SHUMATE_MAP_SOURCE (shumate_raster_renderer_new_full ("bench", "bench", "", NULL, 0, 20,
                                                               256,
                                                               SHUMATE_MAP_PROJECTION_MERCATOR,
                                                               SHUMATE_DATA_SOURCE (tiles)));
}

int
main (int   argc,
      char *argv[])
{
  const double zooms[] = { 11, 13, 15, 17 };
  const char *mode_names[] = { "sprites", "cairo", "nodes" };
  guint n = argc > 1 ? (guint) atoi (argv[1]) : 100000;
  gboolean render = !(argc > 2 && g_str_equal (argv[2], "--no-render"));
  g_autoptr(GError) error = NULL;
  g_autofree char *tmpdir = NULL;
  g_autoptr(GArray) points = NULL;
  g_autoptr(ShumateMapSource) source = NULL;
  GtkWindow *window;
  ShumateMap *map;
  ShumateViewport *viewport;
  BdReportLayer *layer;
  GskRenderer *renderer;
  gint64 t0;

  gtk_init ();

  tmpdir = g_dir_make_tmp ("bd-bench-layer-XXXXXX", &error);
  if (tmpdir == NULL)
    g_error ("%s", error->message);

  t0 = g_get_monotonic_time ();
  points = make_points (n);
  g_print ("bench-layer: %u demo reports (generated in %.0f ms), %dx%d map\n",
           points->len, (g_get_monotonic_time () - t0) / 1000.0, WIDTH, HEIGHT);

  source = make_source (tmpdir);

  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_decorated (window, FALSE);
  gtk_window_set_default_size (window, WIDTH, HEIGHT);
  map = shumate_map_new ();
  shumate_map_set_animate_zoom (map, FALSE);
  viewport = shumate_map_get_viewport (map);
  shumate_map_set_map_source (map, source);
  layer = bd_report_layer_new (viewport, NULL);
  shumate_map_add_layer (map, SHUMATE_LAYER (layer));
  gtk_window_set_child (window, GTK_WIDGET (map));
  gtk_window_present (window);

  shumate_viewport_set_zoom_level (viewport, 11);
  shumate_map_center_on (map, BD_CITY_CENTER_LAT, BD_CITY_CENTER_LON);
  while (!gtk_widget_get_mapped (GTK_WIDGET (layer)))
    g_main_context_iteration (NULL, TRUE);
  iterate_for (300);

  t0 = g_get_monotonic_time ();
  bd_report_layer_set_points (layer, points);
  g_print ("set_points (grid index): %.2f ms\n", (g_get_monotonic_time () - t0) / 1000.0);

  renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  g_print ("renderer: %s\n\n", G_OBJECT_TYPE_NAME (renderer));
  g_print ("snapshot: CPU time of the main thread (and wall clock); render: wall clock\n");
  g_print ("%-8s %4s %7s  %9s %9s  %9s %9s  %9s %9s\n", "mode", "zoom", "marks",
           "cpu mean", "cpu p95", "wall mean", "wall p95", "rend mean", "rend p95");

  for (guint m = 0; m < G_N_ELEMENTS (mode_names); m++)
    {
      _bd_report_layer_set_draw_mode (layer, (BdReportLayerDrawMode) m);

      for (guint z = 0; z < G_N_ELEMENTS (zooms); z++)
        {
          g_autoptr(GArray) snap = g_array_new (FALSE, FALSE, sizeof (double));
          g_autoptr(GArray) wall = g_array_new (FALSE, FALSE, sizeof (double));
          g_autoptr(GArray) rend = g_array_new (FALSE, FALSE, sizeof (double));
          double snap_mean, snap_p95, wall_mean, wall_p95, rend_mean, rend_p95;
          guint marks = 0;

          shumate_viewport_set_zoom_level (viewport, zooms[z]);

          for (guint f = 0; f < N_FRAMES; f++)
            {
              GtkSnapshot *snapshot;
              GskRenderNode *node;
              double t, c0;
              /* Pan in a small circle around the city centre, ~100 px. */
              double a = f * 2 * G_PI / N_FRAMES;
              double px_deg = 360.0 / (256.0 * exp2 (zooms[z]));

              shumate_map_center_on (map, BD_CITY_CENTER_LAT + 100 * px_deg * sin (a) * 0.8,
                                     BD_CITY_CENTER_LON + 100 * px_deg * cos (a));

              snapshot = gtk_snapshot_new ();
              t0 = g_get_monotonic_time ();
              c0 = thread_ms ();
              GTK_WIDGET_GET_CLASS (layer)->snapshot (GTK_WIDGET (layer), snapshot);
              node = gtk_snapshot_free_to_node (snapshot);
              t = thread_ms () - c0;
              g_array_append_val (snap, t);
              t = (g_get_monotonic_time () - t0) / 1000.0;
              g_array_append_val (wall, t);
              marks = bd_report_layer_get_n_drawn (layer);

              if (render && f < N_RENDER && node != NULL)
                {
                  GdkTexture *texture;

                  t0 = g_get_monotonic_time ();
                  texture = gsk_renderer_render_texture (renderer, node,
                                                         &GRAPHENE_RECT_INIT (0, 0, WIDTH, HEIGHT));
                  t = (g_get_monotonic_time () - t0) / 1000.0;
                  g_array_append_val (rend, t);
                  g_object_unref (texture);
                }

              g_clear_pointer (&node, gsk_render_node_unref);
            }

          stats (snap, &snap_mean, &snap_p95);
          stats (wall, &wall_mean, &wall_p95);
          if (rend->len > 0)
            stats (rend, &rend_mean, &rend_p95);
          else
            rend_mean = rend_p95 = 0;

          g_print ("%-8s %4.0f %7u  %9.3f %9.3f  %9.3f %9.3f  %9.3f %9.3f\n", mode_names[m],
                   zooms[z], marks, snap_mean, snap_p95, wall_mean, wall_p95, rend_mean, rend_p95);
        }
    }

  gtk_window_destroy (window);
  {
    g_autofree char *tile = g_build_filename (tmpdir, "0", "0", "0.png", NULL);
    g_autofree char *d1 = g_build_filename (tmpdir, "0", "0", NULL);
    g_autofree char *d0 = g_build_filename (tmpdir, "0", NULL);

    g_unlink (tile);
    g_rmdir (d1);
    g_rmdir (d0);
    g_rmdir (tmpdir);
  }

  return 0;
}
