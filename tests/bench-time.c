/* bench-time.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Issue 10, part 7: is the time bar smooth with 100,000 reports? A store
 * of N demo reports (their versions included), a 1024×768 map with the
 * report layer and the report list over it, as in the window; the time is
 * dragged across the reports' hours, one step every 16 ms for 4 s, as
 * bd-window-time.c moves them (bd_report_layer_set_time,
 * bd_report_list_set_as_of). Prints one figure a line:
 *   time_step_call_ms     the main thread's cost of one step (mean)
 *   max_main_loop_gap_ms  the longest the main loop stalled meanwhile
 *                         (frames, the as-of points arriving and re-indexed)
 *   as_of_points_ms       reading the points as of a time (worker thread)
 *   as_of_list_query_ms   the list's query as of a time (worker thread)
 *   settle_ms             from the last step to the points and list in
 *
 * Run under a display:
 *   xvfb-run -a -s '-screen 0 1280x800x24' bench-time [N]
 */

#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>

#include "bd-catalog.h"
#include "bd-demo.h"
#include "bd-report-layer.h"
#include "bd-report-list.h"

#define WIDTH  1024
#define HEIGHT 768

typedef struct
{
  gint64 last;
  gint64 max_gap;
} Ticks;

static gboolean
tick_cb (gpointer data)
{
  Ticks *ticks = data;
  gint64 now = g_get_monotonic_time ();

  if (ticks->last != 0)
    ticks->max_gap = MAX (ticks->max_gap, now - ticks->last);
  ticks->last = now;
  return G_SOURCE_CONTINUE;
}

static void
iterate_for (guint ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (500);
}

int
main (int   argc,
      char *argv[])
{
  guint n = argc > 1 ? (guint) atoi (argv[1]) : 100000;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bd-bench-time-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "db.sqlite", NULL);
  g_autoptr(BdStore) store = NULL;
  g_autoptr(BdReportList) list = NULL;
  g_autoptr(ShumateRasterRenderer) source = NULL;
  ShumateMap *map;
  BdReportLayer *layer;
  GtkWindow *window;
  gint64 first = 0, now, t0, steps = 0;
  double call_ms = 0;
  Ticks ticks = { 0 };
  guint tick_id;

  gtk_init ();

  store = bd_store_open (path, &error);
  g_assert_no_error (error);
  t0 = g_get_monotonic_time ();
  if (!bd_demo_fill_store (store, n, BD_DEMO_DEFAULT_SEED, &error))
    g_error ("%s", error->message);
  g_print ("bench-time: %u demo reports (stored in %.1f s)\n", n,
           (g_get_monotonic_time () - t0) / 1e6);
  bd_store_get_first_observed (store, &first, NULL);
  /* the last observed: the end of the span dragged over */
  {
    g_autoptr(BdStoreReader) reader = bd_store_reader_open (path, &error);
    g_autoptr(GArray) points = bd_store_reader_load_points (reader, &error);

    g_assert_no_error (error);
    now = first;
    for (guint i = 0; i < points->len; i++)
      now = MAX (now, g_array_index (points, BdPoint, i).observed_at);
    g_print ("observed over %.1f h\n", (now - first) / 3600.0);
  }

  /* the worker-thread figures, alone */
  {
    g_autoptr(BdStoreReader) reader = bd_store_reader_open (path, &error);
    gint64 mid = first + (now - first) / 2;
    g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (mid);
    g_autoptr(GArray) points = NULL;
    g_autoptr(GArray) rowids = NULL;
    BdQuery query = { 0 };

    g_assert_no_error (error);
    t0 = g_get_monotonic_time ();
    points = bd_store_reader_load_points_as_of (reader, when, &error);
    g_assert_no_error (error);
    g_print ("as_of_points_ms %.1f\n", (g_get_monotonic_time () - t0) / 1000.0);
    query.has_as_of = TRUE;
    query.as_of = mid;
    t0 = g_get_monotonic_time ();
    rowids = bd_store_reader_query_rowids (reader, &query, &error);
    g_assert_no_error (error);
    g_print ("as_of_list_query_ms %.1f (%u of %u points as of the middle)\n",
             (g_get_monotonic_time () - t0) / 1000.0, rowids->len, points->len);
  }

  source = shumate_raster_renderer_new_from_url ("http://127.0.0.1:9/{z}/{x}/{y}.png");
  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, WIDTH, HEIGHT);
  map = shumate_map_new ();
  shumate_viewport_set_reference_map_source (shumate_map_get_viewport (map),
                                             SHUMATE_MAP_SOURCE (source));
  layer = bd_report_layer_new (shumate_map_get_viewport (map), store);
  shumate_map_add_layer (map, SHUMATE_LAYER (layer));
  gtk_window_set_child (window, GTK_WIDGET (map));
  shumate_map_center_on (map, BD_CITY_CENTER_LAT, BD_CITY_CENTER_LON);
  shumate_viewport_set_zoom_level (shumate_map_get_viewport (map), 12);
  gtk_window_present (window);
  list = bd_report_list_new (store);
  bd_report_list_refresh (list);
  while (bd_report_layer_get_n_points (layer) < n || bd_report_list_get_loading (list))
    g_main_context_iteration (NULL, TRUE);
  iterate_for (500);

  /* drag across the hours */
  tick_id = g_timeout_add (5, tick_cb, &ticks);
  ticks.last = g_get_monotonic_time ();
  for (gint64 start = g_get_monotonic_time (); g_get_monotonic_time () - start < 4 * G_USEC_PER_SEC;)
    {
      gint64 as_of = first + (now - first) * steps / 250;

      t0 = g_get_monotonic_time ();
      bd_report_layer_set_time (layer, MIN (as_of, now));
      bd_report_list_set_as_of (list, MIN (as_of, now));
      call_ms += (g_get_monotonic_time () - t0) / 1000.0;
      steps++;
      iterate_for (16);
    }
  t0 = g_get_monotonic_time ();
  iterate_for (400);   /* the debounce, then the loads */
  while (bd_report_list_get_loading (list))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick_id);

  g_print ("steps %" G_GINT64_FORMAT "\n", steps);
  g_print ("time_step_call_ms %.3f\n", call_ms / MAX (steps, 1));
  g_print ("max_main_loop_gap_ms %.1f\n", ticks.max_gap / 1000.0);
  g_print ("settle_ms %.0f (at most; includes a 400 ms wait)\n", (g_get_monotonic_time () - t0) / 1000.0);

  gtk_window_destroy (window);
  g_clear_object (&list);
  g_clear_object (&store);
  g_unlink (path);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
  }
  g_rmdir (dir);
  return 0;
}
