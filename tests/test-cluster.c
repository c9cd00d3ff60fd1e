/* test-cluster.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "bd-catalog.h"
#include "bd-cluster-private.h"
#include "bd-geo.h"

#define N_RANDOM 3000
#define T0       1788300000   /* 2026-09-02, about */

/* Random reports over Osaka with hot spots, repeated places and repeated
 * times, as real reports come. */
static GArray *
make_points (guint   n,
             guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  GArray *points = g_array_sized_new (FALSE, FALSE, sizeof (BdPoint), n);

  for (guint i = 0; i < n; i++)
    {
      BdPoint p = { 0 };
      double lat, lon;

      if (i > 0 && g_rand_int_range (rand, 0, 20) == 0)
        {
          /* The same place as an earlier report. */
          BdPoint *other = &g_array_index (points, BdPoint, g_rand_int_range (rand, 0, i));

          p.x = other->x;
          p.y = other->y;
        }
      else
        {
          if (g_rand_boolean (rand))
            {
              /* Around one of three hot spots. */
              static const double spots[3][2] = { { 34.70, 135.50 }, { 34.65, 135.43 },
                                                  { 34.62, 135.55 } };
              guint s = g_rand_int_range (rand, 0, 3);

              lat = spots[s][0] + g_rand_double_range (rand, -0.01, 0.01);
              lon = spots[s][1] + g_rand_double_range (rand, -0.01, 0.01);
            }
          else
            {
              lat = g_rand_double_range (rand, BD_CITY_MIN_LAT, BD_CITY_MAX_LAT);
              lon = g_rand_double_range (rand, BD_CITY_MIN_LON, BD_CITY_MAX_LON);
            }
          bd_project_mercator (lat, lon, &p.x, &p.y);
        }

      p.rowid = 1000 + i;
      p.category = g_rand_int_range (rand, 0, 10);
      p.severity = g_rand_int_range (rand, 1, 5);
      /* Minutes over two days: many ties. */
      p.observed_at = T0 + 60 * (gint64) g_rand_int_range (rand, 0, 48 * 60);
      g_array_append_val (points, p);
    }

  return points;
}

static BdClusterIndex *
build (GArray *points)
{
  g_autoptr(GError) error = NULL;
  BdClusterIndex *index;

  index = bd_cluster_index_new ((const BdPoint *) (void *) points->data, points->len, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (index);

  return index;
}

/* Everything at @zoom as of @as_of. */
static GArray *
query_all (BdClusterIndex *index,
           guint           zoom,
           gint64          as_of)
{
  GArray *items = g_array_new (FALSE, FALSE, sizeof (BdClusterItem));

  bd_cluster_index_query (index, zoom, 0.0, 0.0, 1.0, 1.0, as_of, items);

  return items;
}

/* The points (indices) an item holds as of @as_of. */
static GArray *
item_points (BdClusterIndex      *index,
             const BdClusterItem *item,
             gint64               as_of)
{
  GArray *members = g_array_new (FALSE, FALSE, sizeof (guint32));

  if (item->is_cluster)
    _bd_cluster_index_get_points (index, item->zoom, item->id, as_of, members);
  else
    g_array_append_val (members, item->id);

  return members;
}

static double
distance (double ax,
          double ay,
          double bx,
          double by)
{
  return hypot (ax - bx, ay - by);
}

/* Every report is in exactly one item at every zoom; the items' counts add
 * up to the number of reports; each cluster's count, commonest category and
 * highest severity are those of its reports. */
/* Some reports far from the city (a mistyped place, a neighbouring town):
 * the grids over the points' box would be huge, so they are hashed. */
static GArray *
make_spread_points (guint   n,
                    guint32 seed)
{
  GArray *points = make_points (n, seed);
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed + 100);

  for (guint i = 0; i < n; i += 10)
    bd_project_mercator (g_rand_double_range (rand, 24.0, 45.0), g_rand_double_range (rand, 123.0, 146.0),
                         &g_array_index (points, BdPoint, i).x, &g_array_index (points, BdPoint, i).y);

  return points;
}

static void
check_counts_conserved (GArray *points)
{
  g_autoptr(BdClusterIndex) index = build (points);
  const BdClusterOptions *o = bd_cluster_index_get_options (index);
  guint n_clusters_seen = 0;

  g_assert_cmpuint (bd_cluster_index_get_n_points (index), ==, N_RANDOM);

  for (guint z = o->min_zoom; z <= o->max_zoom + 1; z++)
    {
      g_autoptr(GArray) items = query_all (index, z, G_MAXINT64);
      g_autofree guint *seen = g_new0 (guint, N_RANDOM);
      guint64 total = 0;

      for (guint i = 0; i < items->len; i++)
        {
          const BdClusterItem *item = &g_array_index (items, BdClusterItem, i);
          g_autoptr(GArray) members = item_points (index, item, G_MAXINT64);
          guint cats[256] = { 0 };
          guint best = 0;
          guint8 sev = 0;

          g_assert_cmpuint (item->zoom, ==, z);
          g_assert_cmpuint (members->len, ==, item->count);
          total += item->count;
          for (guint m = 0; m < members->len; m++)
            {
              const BdPoint *p = &g_array_index (points, BdPoint, g_array_index (members, guint32, m));

              seen[g_array_index (members, guint32, m)]++;
              cats[p->category]++;
              sev = MAX (sev, p->severity);
            }
          for (guint c = 1; c < 256; c++)
            if (cats[c] > cats[best])
              best = c;

          if (item->is_cluster)
            {
              n_clusters_seen++;
              g_assert_cmpuint (item->count, >=, o->min_points);
              g_assert_cmpuint (item->category, ==, best);
              g_assert_cmpuint (item->severity, ==, sev);
            }
          else
            {
              const BdPoint *p = &g_array_index (points, BdPoint, item->id);

              g_assert_cmpuint (item->count, ==, 1);
              g_assert_cmpfloat (item->x, ==, p->x);
              g_assert_cmpfloat (item->y, ==, p->y);
              g_assert_cmpuint (item->category, ==, p->category);
            }
        }

      g_assert_cmpuint (total, ==, N_RANDOM);
      for (guint i = 0; i < N_RANDOM; i++)
        g_assert_cmpuint (seen[i], ==, 1);

      /* Fewer items going down, all points above max_zoom. */
      if (z == o->max_zoom + 1)
        g_assert_cmpuint (items->len, ==, N_RANDOM);
    }

  g_assert_cmpuint (n_clusters_seen, >, 0);
}

static void
test_counts_conserved (void)
{
  g_autoptr(GArray) points = make_points (N_RANDOM, 1);
  g_autoptr(GArray) spread = make_spread_points (N_RANDOM, 11);

  check_counts_conserved (points);
  check_counts_conserved (spread);
}

/* Every report lies within its cluster's reach of the cluster's anchor,
 * and so does the cluster's centroid; the anchors of one zoom are more
 * than a radius apart (each was a seed no earlier seed took). */
static void
test_reach (void)
{
  g_autoptr(GArray) points = make_points (N_RANDOM, 2);
  g_autoptr(BdClusterIndex) index = build (points);
  const BdClusterOptions *o = bd_cluster_index_get_options (index);

  for (guint z = o->min_zoom; z <= o->max_zoom; z++)
    {
      double radius = bd_cluster_index_get_radius (index, z);
      double reach = _bd_cluster_index_get_reach (index, z);
      guint n = _bd_cluster_index_get_n_items (index, z);
      g_autofree double *ax = g_new (double, n);
      g_autofree double *ay = g_new (double, n);
      g_autoptr(GArray) items = query_all (index, z, G_MAXINT64);

      /* The reach: the radius of this zoom plus those above, under twice it. */
      g_assert_cmpfloat (reach, >=, radius);
      g_assert_cmpfloat (reach, <, 2 * radius);
      /* The radius is 40 px at this zoom. */
      g_assert_cmpfloat_with_epsilon (radius * 256.0 * exp2 (z), 40.0, 1e-9);

      for (guint c = 0; c < n; c++)
        {
          g_autoptr(GArray) members = g_array_new (FALSE, FALSE, sizeof (guint32));

          _bd_cluster_index_get_anchor (index, z, c, &ax[c], &ay[c]);
          _bd_cluster_index_get_points (index, z, c, G_MAXINT64, members);
          g_assert_cmpuint (members->len, >, 0);
          for (guint m = 0; m < members->len; m++)
            {
              const BdPoint *p = &g_array_index (points, BdPoint, g_array_index (members, guint32, m));

              g_assert_cmpfloat (distance (p->x, p->y, ax[c], ay[c]), <=, reach * (1 + 1e-9));
            }
        }

      for (guint i = 0; i < items->len; i++)
        {
          const BdClusterItem *item = &g_array_index (items, BdClusterItem, i);

          if (item->is_cluster)
            g_assert_cmpfloat (distance (item->x, item->y, ax[item->id], ay[item->id]), <=,
                               reach * (1 + 1e-9));
        }

      /* O(n²), so on the lower zooms only. */
      if (n < 2000)
        for (guint a = 0; a < n; a++)
          for (guint b = a + 1; b < n; b++)
            g_assert_cmpfloat (distance (ax[a], ay[a], ax[b], ay[b]), >, radius);
    }
}

/* Where is each point at @zoom: the index of its item in @items. */
static guint *
item_of_points (BdClusterIndex *index,
                GArray         *items,
                guint           n_points,
                gint64          as_of)
{
  guint *where = g_new (guint, n_points);

  for (guint i = 0; i < n_points; i++)
    where[i] = G_MAXUINT;
  for (guint i = 0; i < items->len; i++)
    {
      g_autoptr(GArray) members = item_points (index, &g_array_index (items, BdClusterItem, i), as_of);

      for (guint m = 0; m < members->len; m++)
        where[g_array_index (members, guint32, m)] = i;
    }

  return where;
}

/* A click on a cluster zooms to its split zoom: there its reports are in
 * two items or more, each smaller; at the zooms between, still one. */
static void
check_split (GArray *points,
             gint64  as_of)
{
  g_autoptr(BdClusterIndex) index = build (points);
  const BdClusterOptions *o = bd_cluster_index_get_options (index);
  GArray *by_zoom[BD_CLUSTER_MAX_ZOOM + 2] = { NULL };
  guint *where[BD_CLUSTER_MAX_ZOOM + 2] = { NULL };
  guint n_checked = 0;

  for (guint z = o->min_zoom; z <= o->max_zoom + 1; z++)
    {
      by_zoom[z] = query_all (index, z, as_of);
      where[z] = item_of_points (index, by_zoom[z], points->len, as_of);
    }

  for (guint z = o->min_zoom; z <= o->max_zoom; z++)
    for (guint i = 0; i < by_zoom[z]->len; i++)
      {
        const BdClusterItem *item = &g_array_index (by_zoom[z], BdClusterItem, i);
        g_autoptr(GArray) members = NULL;
        guint split;

        if (!item->is_cluster)
          continue;

        split = bd_cluster_index_get_split_zoom (index, z, item->id, as_of);
        g_assert_cmpuint (split, >, z);
        g_assert_cmpuint (split, <=, o->max_zoom + 1);
        members = item_points (index, item, as_of);

        for (guint s = z + 1; s <= split; s++)
          {
            g_autoptr(GHashTable) parts = g_hash_table_new (NULL, NULL);

            for (guint m = 0; m < members->len; m++)
              {
                guint at = where[s][g_array_index (members, guint32, m)];

                g_assert_cmpuint (at, !=, G_MAXUINT);
                g_hash_table_add (parts, GUINT_TO_POINTER (at));
              }

            if (s < split)
              {
                /* Still one item, holding exactly these reports. */
                g_assert_cmpuint (g_hash_table_size (parts), ==, 1);
              }
            else
              {
                GHashTableIter iter;
                gpointer key;

                g_assert_cmpuint (g_hash_table_size (parts), >=, 2);
                g_hash_table_iter_init (&iter, parts);
                while (g_hash_table_iter_next (&iter, &key, NULL))
                  g_assert_cmpuint (g_array_index (by_zoom[s], BdClusterItem,
                                                   GPOINTER_TO_UINT (key)).count, <, item->count);
              }
          }
        n_checked++;
      }

  g_assert_cmpuint (n_checked, >, 10);

  for (guint z = 0; z < G_N_ELEMENTS (by_zoom); z++)
    {
      g_clear_pointer (&by_zoom[z], g_array_unref);
      g_clear_pointer (&where[z], g_free);
    }
}

static void
test_split_zoom (void)
{
  g_autoptr(GArray) points = make_points (N_RANDOM, 3);

  check_split (points, G_MAXINT64);
  /* As of a time, through the clusters only partly observed by then. */
  check_split (points, T0 + 20 * 3600);
}

/* The clusters as of T are those of an index of only the reports observed
 * by T: same items, same reports in each, same counts and colours. */
static void
test_time_filter (void)
{
  g_autoptr(GArray) points = make_points (N_RANDOM, 4);
  g_autoptr(BdClusterIndex) index = build (points);
  const BdClusterOptions *o = bd_cluster_index_get_options (index);
  const gint64 times[] = { T0 - 1, T0, T0 + 3 * 3600 + 7, T0 + 24 * 3600, T0 + 47 * 3600 };
  gint64 first, last;

  bd_cluster_index_get_time_range (index, &first, &last);
  g_assert_cmpint (first, >=, T0);
  g_assert_cmpint (last, <, T0 + 48 * 3600);

  for (guint t = 0; t < G_N_ELEMENTS (times); t++)
    {
      g_autoptr(GArray) subset = g_array_new (FALSE, FALSE, sizeof (BdPoint));
      g_autoptr(GArray) subset_index_of = g_array_new (FALSE, FALSE, sizeof (guint32));
      g_autoptr(BdClusterIndex) sub = NULL;

      for (guint i = 0; i < points->len; i++)
        if (g_array_index (points, BdPoint, i).observed_at <= times[t])
          {
            g_array_append_val (subset, g_array_index (points, BdPoint, i));
            g_array_append_val (subset_index_of, i);
          }
      sub = build (subset);

      for (guint z = o->min_zoom; z <= o->max_zoom + 1; z++)
        {
          g_autoptr(GArray) got = query_all (index, z, times[t]);
          g_autoptr(GArray) want = query_all (sub, z, G_MAXINT64);
          g_autofree guint *where_got = item_of_points (index, got, points->len, times[t]);
          g_autofree guint *where_want = item_of_points (sub, want, subset->len, G_MAXINT64);
          guint64 total = 0;

          g_assert_cmpuint (got->len, ==, want->len);

          /* Point by point: in items alike. */
          for (guint s = 0; s < subset->len; s++)
            {
              guint i = g_array_index (subset_index_of, guint32, s);
              const BdClusterItem *a, *b;

              g_assert_cmpuint (where_got[i], !=, G_MAXUINT);
              a = &g_array_index (got, BdClusterItem, where_got[i]);
              b = &g_array_index (want, BdClusterItem, where_want[s]);
              g_assert_cmpuint (a->count, ==, b->count);
              g_assert_cmpuint (a->is_cluster, ==, b->is_cluster);
              g_assert_cmpuint (a->category, ==, b->category);
              g_assert_cmpuint (a->severity, ==, b->severity);
              g_assert_cmpfloat_with_epsilon (a->x, b->x, 1e-12);
              g_assert_cmpfloat_with_epsilon (a->y, b->y, 1e-12);
            }
          /* Nothing later than T anywhere. */
          for (guint i = 0; i < points->len; i++)
            if (g_array_index (points, BdPoint, i).observed_at > times[t])
              g_assert_cmpuint (where_got[i], ==, G_MAXUINT);
          for (guint i = 0; i < got->len; i++)
            total += g_array_index (got, BdClusterItem, i).count;
          g_assert_cmpuint (total, ==, subset->len);
        }
    }
}

/* A box returns what the whole world returns inside it. */
static void
check_box_query (GArray *points)
{
  g_autoptr(BdClusterIndex) index = build (points);
  const guint zooms[] = { 9, 11, 13, 15, 16 };
  const gint64 as_ofs[] = { G_MAXINT64, T0 + 30 * 3600 };

  for (guint a = 0; a < G_N_ELEMENTS (as_ofs); a++)
    for (guint zi = 0; zi < G_N_ELEMENTS (zooms); zi++)
      {
        guint z = zooms[zi];
        double world = 256.0 * exp2 (z);
        double cx = bd_geo_mercator_x (135.50), cy = bd_geo_mercator_y (34.69);
        double box[4] = { cx - 500 / world, cy - 300 / world, cx + 500 / world, cy + 300 / world };
        g_autoptr(GArray) all = query_all (index, z, as_ofs[a]);
        g_autoptr(GArray) in_box = g_array_new (FALSE, FALSE, sizeof (BdClusterItem));
        g_autoptr(GHashTable) want = g_hash_table_new (g_int64_hash, g_int64_equal);
        g_autofree gint64 *keys = g_new (gint64, all->len);
        guint n;

        for (guint i = 0; i < all->len; i++)
          {
            const BdClusterItem *item = &g_array_index (all, BdClusterItem, i);

            if (item->x >= box[0] && item->x <= box[2] && item->y >= box[1] && item->y <= box[3])
              {
                keys[i] = ((gint64) item->is_cluster << 40) | item->id;
                g_hash_table_add (want, &keys[i]);
              }
          }

        /* Fractional zooms use the zoom below. */
        n = bd_cluster_index_query (index, z + 0.7, box[0], box[1], box[2], box[3], as_ofs[a], in_box);
        g_assert_cmpuint (n, ==, in_box->len);
        g_assert_cmpuint (in_box->len, ==, g_hash_table_size (want));
        g_assert_cmpuint (in_box->len, >, 0);
        for (guint i = 0; i < in_box->len; i++)
          {
            const BdClusterItem *item = &g_array_index (in_box, BdClusterItem, i);
            gint64 key = ((gint64) item->is_cluster << 40) | item->id;

            g_assert_true (g_hash_table_contains (want, &key));
          }
      }
}

static void
test_box_query (void)
{
  g_autoptr(GArray) points = make_points (N_RANDOM, 5);
  g_autoptr(GArray) spread = make_spread_points (N_RANDOM, 15);

  check_box_query (points);
  check_box_query (spread);
}

/* By hand: at zoom 10 two reports 19 px apart make one cluster, one 220 px
 * away stays alone; at zoom 12 (76 px apart) the pair splits, at zoom 11
 * (38 px, within the 40 px radius) it holds. */
static void
test_by_hand (void)
{
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (BdPoint));
  g_autoptr(BdClusterIndex) index = NULL;
  g_autoptr(GArray) items = NULL;
  double world10 = 256.0 * 1024.0;
  BdPoint p = { 0 };
  guint n_clusters = 0;

  p.x = 0.5;
  p.y = 0.5;
  p.category = 3;
  p.severity = 2;
  p.observed_at = 100;
  g_array_append_val (points, p);
  p.x = 0.5 + 19.0 / world10;
  p.category = 5;
  p.severity = 4;
  p.observed_at = 200;
  g_array_append_val (points, p);
  p.x = 0.5 + 220.0 / world10;
  p.observed_at = 50;
  g_array_append_val (points, p);

  index = build (points);

  items = query_all (index, 10, G_MAXINT64);
  g_assert_cmpuint (items->len, ==, 2);
  for (guint i = 0; i < items->len; i++)
    {
      const BdClusterItem *item = &g_array_index (items, BdClusterItem, i);

      if (item->is_cluster)
        {
          n_clusters++;
          g_assert_cmpuint (item->count, ==, 2);
          /* A tie: the lower category. */
          g_assert_cmpuint (item->category, ==, 3);
          g_assert_cmpuint (item->severity, ==, 4);
          g_assert_cmpfloat_with_epsilon (item->x, 0.5 + 9.5 / world10, 1e-12);
          g_assert_cmpuint (bd_cluster_index_get_split_zoom (index, 10, item->id, G_MAXINT64), ==, 12);
        }
      else
        {
          g_assert_cmpuint (item->id, ==, 2);
        }
    }
  g_assert_cmpuint (n_clusters, ==, 1);
  g_clear_pointer (&items, g_array_unref);

  items = query_all (index, 11, G_MAXINT64);
  g_assert_cmpuint (items->len, ==, 2);
  g_clear_pointer (&items, g_array_unref);
  items = query_all (index, 12, G_MAXINT64);
  g_assert_cmpuint (items->len, ==, 3);
  g_clear_pointer (&items, g_array_unref);

  /* As of 150, two single reports at zoom 10: the first and the far one. */
  items = query_all (index, 10, 150);
  g_assert_cmpuint (items->len, ==, 2);
  for (guint i = 0; i < items->len; i++)
    g_assert_false (g_array_index (items, BdClusterItem, i).is_cluster);
  g_clear_pointer (&items, g_array_unref);
  /* As of 10, nothing. */
  items = query_all (index, 10, 10);
  g_assert_cmpuint (items->len, ==, 0);
  g_clear_pointer (&items, g_array_unref);

  /* Low zooms: one cluster of all three. */
  items = query_all (index, 0, G_MAXINT64);
  g_assert_cmpuint (items->len, ==, 1);
  g_assert_cmpuint (g_array_index (items, BdClusterItem, 0).count, ==, 3);
}

/* Options out of range are refused with an error; no points, or points
 * off the map (NaN, outside [0,1)), cluster without a crash. */
static void
test_bad_input (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) items = g_array_new (FALSE, FALSE, sizeof (BdClusterItem));
  BdClusterOptions options;
  BdClusterIndex *index;
  BdPoint odd[4] = { { 0 } };

  bd_cluster_options_init (&options);
  options.radius = 0;
  g_assert_null (bd_cluster_index_new (odd, 1, &options, &error));
  g_assert_error (error, BD_CLUSTER_ERROR, BD_CLUSTER_ERROR_INVALID);
  g_clear_error (&error);

  bd_cluster_options_init (&options);
  options.max_zoom = 30;
  g_assert_null (bd_cluster_index_new (odd, 1, &options, &error));
  g_assert_error (error, BD_CLUSTER_ERROR, BD_CLUSTER_ERROR_INVALID);
  g_clear_error (&error);

  bd_cluster_options_init (&options);
  options.min_points = 1;
  g_assert_null (bd_cluster_index_new (odd, 1, &options, &error));
  g_assert_error (error, BD_CLUSTER_ERROR, BD_CLUSTER_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_null (bd_cluster_index_new (odd, BD_CLUSTER_MAX_POINTS + 1, NULL, &error));
  g_assert_error (error, BD_CLUSTER_ERROR, BD_CLUSTER_ERROR_TOO_MANY);
  g_clear_error (&error);

  index = bd_cluster_index_new (NULL, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bd_cluster_index_query (index, 11, 0, 0, 1, 1, G_MAXINT64, items), ==, 0);
  bd_cluster_index_free (index);

  odd[0].x = NAN;
  odd[0].y = 0.5;
  odd[1].x = 2.0;
  odd[1].y = -1.0;
  odd[2].x = 0.999999999;
  odd[2].y = 0.999999999;
  odd[3].observed_at = G_MININT64;
  index = bd_cluster_index_new (odd, G_N_ELEMENTS (odd), NULL, &error);
  g_assert_no_error (error);
  for (guint z = 0; z <= 16; z++)
    {
      guint total = 0;

      g_array_set_size (items, 0);
      bd_cluster_index_query (index, z, 0, 0, 1, 1, G_MAXINT64, items);
      for (guint i = 0; i < items->len; i++)
        total += g_array_index (items, BdClusterItem, i).count;
      g_assert_cmpuint (total, ==, G_N_ELEMENTS (odd));
    }
  /* An empty or inverted box, a NaN zoom. */
  g_array_set_size (items, 0);
  g_assert_cmpuint (bd_cluster_index_query (index, 5, 0.6, 0.6, 0.4, 0.4, G_MAXINT64, items), ==, 0);
  g_assert_cmpuint (bd_cluster_index_query (index, NAN, 0, 0, 1, 1, G_MAXINT64, items), >, 0);
  bd_cluster_index_free (index);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cluster/by-hand", test_by_hand);
  g_test_add_func ("/cluster/counts-conserved", test_counts_conserved);
  g_test_add_func ("/cluster/reach", test_reach);
  g_test_add_func ("/cluster/split-zoom", test_split_zoom);
  g_test_add_func ("/cluster/time-filter", test_time_filter);
  g_test_add_func ("/cluster/box-query", test_box_query);
  g_test_add_func ("/cluster/bad-input", test_bad_input);

  return g_test_run ();
}
