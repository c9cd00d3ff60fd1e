/* bench-cluster.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How long the report clusterer (src/core/bd-cluster.c) takes, over the
 * points of a GeoJSON FeatureCollection of Point features (as
 * tests/bench-mkgeojson writes them), so that other libraries can run on
 * the same points (tests/bench-cluster-peer.sh runs supercluster beside it).
 * Prints one figure a line, each the median of several runs, in ms:
 *
 *   cluster_index_ms  building the index (every zoom, 0–15, radius 40 px)
 *   cluster_city_ms   the clusters of the whole city: zoom 11, 1280×800
 *   cluster_ward_ms   one ward (Kita-ku): zoom 14, 1280×800
 *   time_step_ms      moving "as of" to another hour and recomputing the
 *                     city view (the time slider's step)
 *
 * The figures are CPU time of the thread (the wall clock's index figure,
 * points read, clusters drawn and the slowest time step go to stderr).
 *
 *   bench-cluster FILE.geojson [--radius PX] [--max-zoom Z]
 */

#define G_LOG_DOMAIN "bd-bench"

#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "bd-catalog.h"
#include "bd-cluster.h"
#include "bd-geo.h"
#include "bd-json.h"

#define MAX_FILE_BYTES (2u * 1024 * 1024 * 1024 - 1)
#define VIEW_WIDTH  1280.0
#define VIEW_HEIGHT 800.0
#define CITY_ZOOM   11.0
#define WARD_ZOOM   14.0

/* CPU time of this thread, in ms: steadier than the wall clock on a
 * shared machine (the wall clock's medians go to stderr too). */
static double
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static double
wall_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *v,
        guint   n)
{
  qsort (v, n, sizeof (double), (int (*) (const void *, const void *)) compare_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

static gboolean
read_feature (guint      i,
              JsonNode  *element,
              gpointer   user_data,
              GError   **error)
{
  GArray *points = user_data;
  JsonObject *feature, *geometry, *properties;
  JsonArray *coordinates;
  const char *category, *observed;
  BdPoint p = { 0 };

  if (!JSON_NODE_HOLDS_OBJECT (element)
      || !(feature = json_node_get_object (element))
      || !(geometry = json_object_get_object_member (feature, "geometry"))
      || !(coordinates = json_object_get_array_member (geometry, "coordinates"))
      || json_array_get_length (coordinates) < 2)
    {
      g_set_error (error, BD_JSON_ERROR, BD_JSON_ERROR_STRUCTURE,
                   "Feature %u is not a Point feature", i);
      return FALSE;
    }

  p.rowid = i + 1;
  bd_project_mercator (json_array_get_double_element (coordinates, 1),
                       json_array_get_double_element (coordinates, 0), &p.x, &p.y);
  p.observed_at = G_MININT64;

  properties = json_object_get_object_member (feature, "properties");
  if (properties != NULL)
    {
      int index;

      category = json_object_get_string_member_with_default (properties, "category", "");
      index = bd_catalog_category_index (category);
      p.category = index >= 0 && index < G_MAXUINT8 ? index : G_MAXUINT8;
      p.severity = CLAMP (json_object_get_int_member_with_default (properties, "severity", 0),
                          0, G_MAXUINT8);
      observed = json_object_get_string_member_with_default (properties, "observed_at", NULL);
      if (observed != NULL)
        {
          g_autoptr(GDateTime) t = g_date_time_new_from_iso8601 (observed, NULL);

          if (t != NULL)
            p.observed_at = g_date_time_to_unix (t);
        }
    }

  g_array_append_val (points, p);

  return TRUE;
}

/* The box of a VIEW_WIDTH × VIEW_HEIGHT view centred on (lat, lon). */
static void
view_box (double  latitude,
          double  longitude,
          double  zoom,
          double *box)
{
  double world = 256.0 * exp2 (zoom);
  double cx = bd_geo_mercator_x (longitude);
  double cy = bd_geo_mercator_y (latitude);

  box[0] = cx - VIEW_WIDTH / 2.0 / world;
  box[1] = cy - VIEW_HEIGHT / 2.0 / world;
  box[2] = cx + VIEW_WIDTH / 2.0 / world;
  box[3] = cy + VIEW_HEIGHT / 2.0 / world;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (BdPoint));
  g_autoptr(GArray) items = g_array_new (FALSE, FALSE, sizeof (BdClusterItem));
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) file = NULL;
  BdClusterOptions options;
  const BdWard *kita;
  double city[4], ward[4];
  double runs[200];
  double walls[200];
  double slowest = 0.0;
  guint n_runs;
  guint n_city = 0, n_ward = 0;
  gint64 first, last;
  const char *path = NULL;

  bd_cluster_options_init (&options);
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--radius") && i + 1 < argc)
        options.radius = g_ascii_strtod (argv[++i], NULL);
      else if (g_str_equal (argv[i], "--max-zoom") && i + 1 < argc)
        options.max_zoom = (guint) g_ascii_strtoull (argv[++i], NULL, 10);
      else if (path == NULL && argv[i][0] != '-')
        path = argv[i];
      else
        path = NULL, i = argc;
    }
  if (path == NULL)
    {
      g_printerr ("usage: %s FILE.geojson [--radius PX] [--max-zoom Z]\n", argv[0]);
      return EXIT_FAILURE;
    }

  file = g_mapped_file_new (path, FALSE, &error);
  if (file == NULL || g_mapped_file_get_length (file) > MAX_FILE_BYTES
      || !bd_json_walk_array_member (g_mapped_file_get_contents (file),
                                     g_mapped_file_get_length (file),
                                     "features", NULL, read_feature, points, &error))
    {
      g_printerr ("%s: %s\n", path, error != NULL ? error->message : "too large");
      return EXIT_FAILURE;
    }

  /* Index. */
  n_runs = 9;
  for (guint r = 0; r <= n_runs; r++)
    {
      g_autoptr(BdClusterIndex) index = NULL;
      double w0 = wall_ms ();
      double t0 = now_ms ();

      index = bd_cluster_index_new ((const BdPoint *) (void *) points->data, points->len,
                                    &options, &error);
      if (index == NULL)
        {
          g_printerr ("%s\n", error->message);
          return EXIT_FAILURE;
        }
      /* The first run warms the allocator and caches. */
      if (r > 0)
        {
          runs[r - 1] = now_ms () - t0;
          walls[r - 1] = wall_ms () - w0;
        }
    }
  g_print ("cluster_index_ms %.2f\n", median (runs, n_runs));
  g_printerr ("# cluster_index_ms %.2f by the wall clock\n", median (walls, n_runs));

  {
    g_autoptr(BdClusterIndex) index = bd_cluster_index_new ((const BdPoint *) (void *) points->data,
                                                            points->len, &options, NULL);

    view_box (BD_CITY_CENTER_LAT, BD_CITY_CENTER_LON, CITY_ZOOM, city);
    kita = bd_catalog_lookup_ward ("271276");
    g_assert (kita != NULL);
    view_box (kita->latitude, kita->longitude, WARD_ZOOM, ward);

    n_runs = 51;
    for (guint r = 0; r <= n_runs; r++)
      {
        double t0;

        g_array_set_size (items, 0);
        t0 = now_ms ();
        n_city = bd_cluster_index_query (index, CITY_ZOOM, city[0], city[1], city[2], city[3],
                                         G_MAXINT64, items);
        if (r > 0)
          runs[r - 1] = now_ms () - t0;
      }
    g_print ("cluster_city_ms %.3f\n", median (runs, n_runs));

    for (guint r = 0; r <= n_runs; r++)
      {
        double t0;

        g_array_set_size (items, 0);
        t0 = now_ms ();
        n_ward = bd_cluster_index_query (index, WARD_ZOOM, ward[0], ward[1], ward[2], ward[3],
                                         G_MAXINT64, items);
        if (r > 0)
          runs[r - 1] = now_ms () - t0;
      }
    g_print ("cluster_ward_ms %.3f\n", median (runs, n_runs));

    /* The slider: 100 steps across the time range, each a new "as of" and
     * the city view again. */
    bd_cluster_index_get_time_range (index, &first, &last);
    n_runs = 100;
    for (guint r = 0; r < n_runs; r++)
      {
        gint64 as_of = first + (gint64) ((double) (last - first) * (r + 1) / (n_runs + 1));
        double t0;

        g_array_set_size (items, 0);
        t0 = now_ms ();
        bd_cluster_index_query (index, CITY_ZOOM, city[0], city[1], city[2], city[3],
                                as_of, items);
        runs[r] = now_ms () - t0;
        slowest = MAX (slowest, runs[r]);
      }
    g_print ("time_step_ms %.3f\n", median (runs, n_runs));
  }

  g_printerr ("# %u points observed over %.1f h; radius %g px, zooms %u-%u; city view %u items, "
              "ward view %u items; slowest time step %.3f ms (thread CPU time)\n",
              points->len, (last - first) / 3600.0, options.radius, options.min_zoom,
              options.max_zoom, n_city, n_ward, slowest);

  return EXIT_SUCCESS;
}
