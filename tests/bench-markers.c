/* bench-markers.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Issue 10's "Reports" benchmark: the frame time of our report layer
 * beside libshumate's ShumateMarkerLayer with the same 10,000 points
 * (10,000 ShumateMarker widgets, each a small dot image), in a 1024×768
 * map panning a few pixels a frame, at zoom 12 (the city) and 15 (a
 * ward). A frame is what the layer costs: its layout (the marker layer
 * places every marker when the map moves), its snapshot and the render of
 * the nodes with the window's renderer. Prints one figure a line:
 *   layer_frame_ms_zZ, markers_frame_ms_zZ, ratio_zZ (markers / layer),
 * medians over the frames, the render counted net of a minimal render
 * (one 1-pixel texture) paired with it in the same frame, then
 * ratio_main_thread_zZ (layout and snapshot only) and ratio_raw_zZ
 * (everything, the minimal render included).
 *
 * The renderer is GTK's choice: GL (llvmpipe, software, on a machine
 * without a GPU: its times follow the machine's load); GSK_RENDERER=cairo
 * gives steadier figures, as `make bench` runs it too.
 *
 * Run under a display:
 *   xvfb-run -a -s '-screen 0 1280x800x24' bench-markers [N] [N_FRAMES]
 */

#include "config.h"

#include <stdlib.h>

#include "bd-catalog.h"
#include "bd-demo.h"
#include "bd-report-layer.h"

#define WIDTH  1024
#define HEIGHT 768

static void
drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static GArray *
make_points (GPtrArray *reports)
{
  GArray *points = g_array_sized_new (FALSE, FALSE, sizeof (BdPoint), reports->len);

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
      p.observed_at = G_MININT64;
      g_array_append_val (points, p);
    }

  return points;
}

static ShumateMap *
new_map (GtkWindow **window)
{
  ShumateMap *map = shumate_map_new ();
  g_autoptr(ShumateRasterRenderer) source =
    shumate_raster_renderer_new_from_url ("http://127.0.0.1:9/{z}/{x}/{y}.png");

  *window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_decorated (*window, FALSE);
  gtk_window_set_default_size (*window, WIDTH, HEIGHT);
  shumate_map_set_animate_zoom (map, FALSE);
  shumate_viewport_set_reference_map_source (shumate_map_get_viewport (map),
                                             SHUMATE_MAP_SOURCE (source));
  gtk_window_set_child (*window, GTK_WIDGET (map));
  shumate_map_center_on (map, BD_CITY_CENTER_LAT, BD_CITY_CENTER_LON);
  shumate_viewport_set_zoom_level (shumate_map_get_viewport (map), 12);
  gtk_window_present (*window);
  return map;
}

typedef struct
{
  double layout, snapshot, render, empty;
} Frame;

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof (double), compare_double);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

static double
render_ms (GskRenderer   *renderer,
           GskRenderNode *node)
{
  g_autoptr(GdkTexture) texture = NULL;
  gint64 t0 = g_get_monotonic_time ();

  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, WIDTH, HEIGHT));
  return (g_get_monotonic_time () - t0) / 1000.0;
}

/* The least a frame of a layer draws: one 1-pixel texture. (A fully
 * transparent colour node is skipped by the GL renderer altogether, so a
 * render of it misses the renderer's fixed cost of drawing anything.) */
static GskRenderNode *
minimal_node (void)
{
  static const guchar pixel[4] = { 0x20, 0x40, 0x80, 0xff };
  g_autoptr(GBytes) bytes = g_bytes_new_static (pixel, sizeof pixel);
  g_autoptr(GdkTexture) texture = gdk_memory_texture_new (1, 1, GDK_MEMORY_DEFAULT, bytes, 4);

  return gsk_texture_node_new (texture, &GRAPHENE_RECT_INIT (0, 0, 1, 1));
}

/* Median ms of @n_frames frames of @layer: layout, snapshot, render.
 * Each frame's render is paired with a render of nothing just before it
 * (the texture made and read back, ~3 ms with llvmpipe whatever is drawn):
 * `render` is the median of the differences, `empty` the median of the
 * empty renders. */
static Frame
frames (GtkWindow  *window,
        ShumateMap *map,
        GtkWidget  *layer,
        double      zoom,
        guint       n_frames)
{
  Frame result = { 0 };
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  ShumateViewport *viewport = shumate_map_get_viewport (map);
  double px_deg = 360.0 / (256.0 * exp2 (zoom));
  g_autofree double *layout = g_new0 (double, n_frames);
  g_autofree double *snap = g_new0 (double, n_frames);
  g_autofree double *render = g_new0 (double, n_frames);
  g_autofree double *empty = g_new0 (double, n_frames);
  g_autoptr(GskRenderNode) nothing = minimal_node ();

  shumate_viewport_set_zoom_level (viewport, zoom);
  drain ();

  for (guint f = 0; f < n_frames; f++)
    {
      g_autoptr(GskRenderNode) node = NULL;
      GtkSnapshot *snapshot;
      double a = f * 2 * G_PI / n_frames;
      int min, nat;
      gint64 t0, t1, t2;

      /* a circle of ~20 px around the centre */
      shumate_map_center_on (map, BD_CITY_CENTER_LAT + 20 * px_deg * sin (a) * 0.8,
                             BD_CITY_CENTER_LON + 20 * px_deg * cos (a));

      t0 = g_get_monotonic_time ();
      gtk_widget_measure (layer, GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
      gtk_widget_measure (layer, GTK_ORIENTATION_VERTICAL, -1, &min, &nat, NULL, NULL);
      gtk_widget_size_allocate (layer, &(GtkAllocation) { 0, 0, WIDTH, HEIGHT }, -1);
      t1 = g_get_monotonic_time ();
      snapshot = gtk_snapshot_new ();
      GTK_WIDGET_GET_CLASS (layer)->snapshot (layer, snapshot);
      node = gtk_snapshot_free_to_node (snapshot);
      t2 = g_get_monotonic_time ();
      layout[f] = (t1 - t0) / 1000.0;
      snap[f] = (t2 - t1) / 1000.0;
      empty[f] = render_ms (renderer, nothing);
      render[f] = node != NULL ? render_ms (renderer, node) - empty[f] : 0;
      drain ();
    }

  result.layout = median (layout, n_frames);
  result.snapshot = median (snap, n_frames);
  result.render = MAX (median (render, n_frames), 0);
  result.empty = median (empty, n_frames);
  return result;
}

int
main (int   argc,
      char *argv[])
{
  const double zooms[] = { 12, 15 };
  guint n = argc > 1 ? (guint) atoi (argv[1]) : 10000;
  guint n_frames = argc > 2 ? (guint) atoi (argv[2]) : 60;
  g_autoptr(GPtrArray) reports = NULL;
  g_autoptr(GArray) points = NULL;
  Frame layer_ms[G_N_ELEMENTS (zooms)];
  GtkWindow *window;
  ShumateMap *map;
  BdReportLayer *layer;
  ShumateMarkerLayer *markers;
  gint64 t0;

  gtk_init ();

  reports = bd_demo_generate (n, BD_DEMO_DEFAULT_SEED);
  points = make_points (reports);
  g_print ("bench-markers: %u demo reports, %dx%d map, %u frames a zoom\n",
           points->len, WIDTH, HEIGHT, n_frames);

  /* ours */
  map = new_map (&window);
  layer = bd_report_layer_new (shumate_map_get_viewport (map), NULL);
  shumate_map_add_layer (map, SHUMATE_LAYER (layer));
  while (!gtk_widget_get_mapped (GTK_WIDGET (layer)))
    g_main_context_iteration (NULL, TRUE);
  bd_report_layer_set_points (layer, points);
  drain ();
  g_print ("renderer %s\n", G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window))));
  for (guint z = 0; z < G_N_ELEMENTS (zooms); z++)
    {
      layer_ms[z] = frames (window, map, GTK_WIDGET (layer), zooms[z], n_frames);
      g_print ("layer_drawn_z%.0f %u marks for %u reports\n", zooms[z],
               bd_report_layer_get_n_drawn (layer), bd_report_layer_get_n_drawn_reports (layer));
    }
  gtk_window_destroy (window);
  drain ();

  /* libshumate's: one widget per report */
  map = new_map (&window);
  markers = shumate_marker_layer_new (shumate_map_get_viewport (map));
  shumate_map_add_layer (map, SHUMATE_LAYER (markers));
  while (!gtk_widget_get_mapped (GTK_WIDGET (markers)))
    g_main_context_iteration (NULL, TRUE);
  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < reports->len; i++)
    {
      BdReport *report = g_ptr_array_index (reports, i);
      ShumateMarker *marker = shumate_marker_new ();
      GtkWidget *dot = gtk_image_new_from_icon_name ("media-record-symbolic");

      gtk_image_set_pixel_size (GTK_IMAGE (dot), 12);
      shumate_marker_set_child (marker, dot);
      shumate_location_set_location (SHUMATE_LOCATION (marker),
                                     bd_report_get_latitude (report),
                                     bd_report_get_longitude (report));
      shumate_marker_layer_add_marker (markers, marker);
    }
  drain ();
  g_print ("markers_add_ms %.0f\n", (g_get_monotonic_time () - t0) / 1000.0);

  for (guint z = 0; z < G_N_ELEMENTS (zooms); z++)
    {
      Frame m = frames (window, map, GTK_WIDGET (markers), zooms[z], n_frames);
      Frame l = layer_ms[z];
      double lt = l.layout + l.snapshot + l.render;
      double mt = m.layout + m.snapshot + m.render;

      g_print ("layer_z%.0f layout %.3f snapshot %.3f render %.3f (empty render %.3f)\n",
               zooms[z], l.layout, l.snapshot, l.render, l.empty);
      g_print ("markers_z%.0f layout %.3f snapshot %.3f render %.3f (empty render %.3f)\n",
               zooms[z], m.layout, m.snapshot, m.render, m.empty);
      g_print ("layer_frame_ms_z%.0f %.3f\n", zooms[z], lt);
      g_print ("markers_frame_ms_z%.0f %.3f\n", zooms[z], mt);
      g_print ("ratio_z%.0f %.1f\n", zooms[z], mt / MAX (lt, 1e-3));
      g_print ("ratio_main_thread_z%.0f %.1f\n", zooms[z],
               (m.layout + m.snapshot) / MAX (l.layout + l.snapshot, 1e-3));
      g_print ("ratio_raw_z%.0f %.1f\n", zooms[z],
               (mt + m.empty) / MAX (lt + l.empty, 1e-3));
    }

  gtk_window_destroy (window);
  drain ();
  return 0;
}
