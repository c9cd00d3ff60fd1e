/* bench-tally.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A benchmark, not a test: it prints figures and never fails on them.
 *
 * Fills a fresh store with N demo reports (100,000 by default), then edits
 * a tenth of them once more (so that report_versions holds more than one
 * version of some), and times bd_tally_compute () as of now and as of the
 * middle of the demo's time span: the median and the slowest of R runs
 * (after one warm-up). Prints "tally_ms" (the median as of now). The target
 * (issue 12) is under 100 ms for 100,000 reports.
 *
 * Usage: bench-tally [N-REPORTS] [RUNS]
 */

#define G_LOG_DOMAIN "bd-bench-tally"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <glib/gstdio.h>

#include "bd-demo.h"
#include "bd-store.h"
#include "bd-tally.h"

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* CPU time of this process, ms: what the tally costs, apart from the
 * other programs of a shared machine. */
static double
cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static void
time_tally (BdStore    *store,
            GDateTime  *as_of,
            guint       runs,
            const char *label,
            double     *median_out)
{
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cpu = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GError) error = NULL;
  double city = 0;
  guint n_items = 0;

  bd_tally_get_items (&n_items);
  for (guint r = 0; r <= runs; r++)
    {
      gint64 start = g_get_monotonic_time ();
      double cpu_start = cpu_ms ();
      g_autoptr(BdTally) tally = bd_tally_compute (store, as_of, &error);
      double ms = (g_get_monotonic_time () - start) / 1000.0;
      double cpu_used = cpu_ms () - cpu_start;

      if (tally == NULL)
        g_error ("tally: %s", error->message);
      if (r > 0)
        {
          g_array_append_val (times, ms);
          g_array_append_val (cpu, cpu_used);
        }
      city = 0;
      for (guint i = 0; i < n_items; i++)
        city += bd_tally_get_value (tally, bd_tally_get_n_columns (tally) - 1, i);
    }
  g_array_sort (times, compare_doubles);
  g_array_sort (cpu, compare_doubles);
  *median_out = g_array_index (times, double, times->len / 2);
  printf ("%s: median %.1f ms (CPU %.1f ms), slowest %.1f ms over %u runs"
          " (city total of all items %.0f)\n",
          label, *median_out, g_array_index (cpu, double, cpu->len / 2),
          g_array_index (times, double, times->len - 1), runs, city);
}

int
main (int   argc,
      char *argv[])
{
  guint n = argc > 1 ? (guint) strtoul (argv[1], NULL, 10) : 100000;
  guint runs = argc > 2 ? (guint) strtoul (argv[2], NULL, 10) : 20;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bd-bench-tally-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr(BdStore) store = NULL;
  g_autoptr(GPtrArray) reports = NULL;
  g_autoptr(GPtrArray) edited = g_ptr_array_new ();
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) first = NULL;
  g_autoptr(GDateTime) last = NULL;
  g_autoptr(GDateTime) middle = NULL;
  double median_now = 0, median_middle = 0;
  gint64 start;

  if (dir == NULL)
    g_error ("%s", error->message);
  path = g_build_filename (dir, "bench.db", NULL);
  if (!(store = bd_store_open (path, &error)))
    g_error ("%s", error->message);

  reports = bd_demo_generate (n, BD_DEMO_DEFAULT_SEED);
  start = g_get_monotonic_time ();
  if (!bd_store_insert_batch (store, reports, FALSE, NULL, &error))
    g_error ("%s", error->message);
  printf ("inserted %u reports in %.1f s (with their versions)\n", n,
          (g_get_monotonic_time () - start) / 1e6);

  /* a second version of every tenth report, an hour after its first */
  for (guint i = 0; i < reports->len; i += 10)
    {
      BdReport *report = g_ptr_array_index (reports, i);
      g_autoptr(GDateTime) later = g_date_time_add_hours (bd_report_get_updated_at (report), 1);

      bd_report_set_updated_at (report, later);
      bd_report_set_status (report, i % 20 == 0 ? "confirmed" : "resolved");
      g_ptr_array_add (edited, report);
    }
  if (!bd_store_insert_batch (store, edited, FALSE, NULL, &error))
    g_error ("%s", error->message);

  for (guint i = 0; i < reports->len; i++)
    {
      GDateTime *when = bd_report_get_updated_at (g_ptr_array_index (reports, i));

      if (first == NULL || g_date_time_compare (when, first) < 0)
        {
          g_clear_pointer (&first, g_date_time_unref);
          first = g_date_time_ref (when);
        }
      if (last == NULL || g_date_time_compare (when, last) > 0)
        {
          g_clear_pointer (&last, g_date_time_unref);
          last = g_date_time_ref (when);
        }
    }
  middle = g_date_time_add (first, g_date_time_difference (last, first) / 2);
  now = g_date_time_new_now_utc ();

  time_tally (store, now, runs, "as of now", &median_now);
  time_tally (store, middle, runs, "as of the middle of the demo's span", &median_middle);
  printf ("reports: %u, versions: %u\n", n, n + edited->len);
  printf ("tally_ms: %.1f\n", median_now);

  g_clear_object (&store);
  if (g_getenv ("BD_BENCH_KEEP") != NULL)
    {
      printf ("kept %s\n", path);
      return 0;
    }
  {
    const char *suffixes[] = { "", "-wal", "-shm" };

    for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
      {
        g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

        g_remove (file);
      }
  }
  g_rmdir (dir);

  return 0;
}
