/* bd-cluster.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-cluster"

#include "config.h"

#include "bd-cluster-private.h"

#include <float.h>
#include <math.h>
#include <string.h>

/* How the index is built
 *
 * Levels run from max_zoom + 1 (the points themselves) down to min_zoom.
 * Level z is made from the items of level z + 1 as supercluster makes it:
 * taking the items in turn, an item not yet taken becomes a new cluster
 * (its "seed"; the cluster's anchor is the seed's anchor) and takes every
 * item not yet taken within the radius of zoom z around it.
 *
 * Items are taken in observed_at order (ties by position in the input):
 * the points sorted once by time, and each level's clusters come out in
 * the order of their seeds, so already in time order for the next level.
 * An item is then taken only by a cluster seeded earlier, so what happens
 * to the reports observed by T never depends on a later one: the clusters
 * as of T are the index's clusters restricted to what was observed by T.
 * A query with a time counts, per cluster, only its reports observed by
 * then; a cluster whose first report is later is not there yet.
 *
 * Every level keeps its items ordered so that each cluster's children are
 * contiguous in the level above, and so, all the way up, its reports are
 * one contiguous range of the leaves (the points in that order). Counting
 * a cluster as of T is a scan of that range; clusters wholly before T use
 * the aggregates computed at build time.
 *
 * The spatial index of each level is a uniform grid (cell = the radius of
 * the level below, so a radius query reads the 3 × 3 cells around it),
 * built by one counting sort: building it is linear, where a KD-tree
 * sorts. It is dense over the items' box when that box is small (a city),
 * hashed otherwise, so points spread over the world cost no more memory
 * than points in one city. */

/* A report, in leaf order. */
typedef struct
{
  double  x, y;
  gint64  t;                   /* observed_at */
  guint32 point;               /* index in the caller's array */
  guint8  slot;                /* category slot */
  guint8  severity;
  guint16 _pad;
} Leaf;

/* One item in a grid: its anchor and index, together, so that reading a
 * bucket reads contiguous memory. */
typedef struct
{
  double  x, y;
  guint32 item;
  guint32 _pad;
} GridSlot;

/* A grid over a level's anchors, the items sorted by bucket. Dense when
 * the items' cells span a box of not many more cells than items (one city:
 * a bucket per cell, row by row, so a cell's neighbours in a row are
 * contiguous); hashed otherwise (points spread over the world: each
 * occupied cell hashed to one of a power of two of buckets), so memory
 * follows the items, never the area. */
typedef struct
{
  double   inv_cell;           /* cells per Web Mercator unit */
  double   side;               /* cells per side of the world */
  gboolean dense;
  guint32  x0, y0, w, h;       /* dense: the cells' box */
  guint32  mask;               /* hashed: buckets - 1 */
  guint32 *start;              /* buckets + 1: where each bucket's slots start */
  GridSlot *slots;             /* by bucket */
} Grid;

typedef struct
{
  guint    n;
  double  *ax, *ay;            /* anchors (clusters only; the points are the leaves) */
  gint64  *t_min, *t_max;      /* the first and last observed_at in it */
  guint32 *child_start;        /* n + 1, into the level above */
  guint32 *leaf_start;         /* n + 1, into the leaves */
  double  *cx, *cy;            /* centroid of every report in it */
  guint8  *category;           /* slot of the commonest category */
  guint8  *severity;
  guint8  *split_zoom;
  Grid     grid;
} Level;

struct _BdClusterIndex
{
  BdClusterOptions options;
  guint            n_points;
  guint            top;        /* max_zoom + 1: the points' level */

  Leaf            *leaves;     /* the points, each cluster's a contiguous range */

  guint8           slot_category[256];
  guint            n_slots;

  gint64           t_first, t_last;
  double           reach[BD_CLUSTER_MAX_ZOOM + 2];
  Level            levels[BD_CLUSTER_MAX_ZOOM + 2];
};

G_DEFINE_QUARK (bd-cluster-error-quark, bd_cluster_error)

void
bd_cluster_options_init (BdClusterOptions *options)
{
  g_return_if_fail (options != NULL);

  options->radius = 40.0;
  options->tile_size = 256.0;
  options->min_zoom = 0;
  options->max_zoom = 15;
  options->min_points = 2;
}

static inline double
radius_at (const BdClusterOptions *options,
           guint                   zoom)
{
  return options->radius / (options->tile_size * exp2 ((double) zoom));
}

/* ---------------------------------------------------------------- grid */

static inline guint32
hash_cell (guint32 cx,
           guint32 cy)
{
  guint32 h = cx * 0x9E3779B1u ^ (cy * 0x85EBCA77u + 0x165667B1u);

  h ^= h >> 15;
  h *= 0x2C1B3C6Du;
  h ^= h >> 12;
  return h;
}

static inline guint32
cell_of (const Grid *grid,
         double      v)
{
  double c = v * grid->inv_cell;

  if (!(c > 0.0))
    return 0;
  if (c >= grid->side - 1.0)
    return (guint32) (grid->side - 1.0);
  return (guint32) c;
}

static inline guint32
grid_bucket (const Grid *grid,
             guint32     cx,
             guint32     cy)
{
  if (grid->dense)
    return (cy - grid->y0) * grid->w + (cx - grid->x0);
  return hash_cell (cx, cy) & grid->mask;
}

/* Dense grids: the slots of cells @cx_a … @cx_b (clamped to the grid) of
 * row @cy, as one range; FALSE when the row or columns lie outside. */
static inline gboolean
grid_row_range (const Grid *grid,
                gint64      cy,
                gint64      cx_a,
                gint64      cx_b,
                guint32    *from,
                guint32    *to)
{
  gint64 row = cy - grid->y0;
  gint64 a = MAX (cx_a, (gint64) grid->x0) - grid->x0;
  gint64 b = MIN (cx_b, (gint64) grid->x0 + grid->w - 1) - grid->x0;

  if (row < 0 || row >= grid->h || a > b)
    return FALSE;

  *from = grid->start[row * grid->w + a];
  *to = grid->start[row * grid->w + b + 1];
  return TRUE;
}

/* Builds @grid over @n anchors with cells of @cell; the anchors are read
 * @stride doubles apart from @xs and @ys. Fills @slot_of (each item's slot)
 * when not NULL. */
static void
grid_build (Grid         *grid,
            const double *xs,
            const double *ys,
            gsize         stride,
            guint         n,
            double        cell,
            guint32      *slot_of)
{
  guint32 n_buckets = 16;
  g_autofree guint32 *bucket = g_new (guint32, MAX (n, 1));
  g_autofree guint32 *cy_of = g_new (guint32, MAX (n, 1));
  g_autofree guint32 *fill = NULL;
  guint32 x0 = G_MAXUINT32, y0 = G_MAXUINT32, x1 = 0, y1 = 0;

  grid->inv_cell = 1.0 / cell;
  grid->side = ceil (grid->inv_cell);

  /* The cells, and their box. */
  for (guint i = 0; i < n; i++)
    {
      bucket[i] = cell_of (grid, xs[i * stride]);
      cy_of[i] = cell_of (grid, ys[i * stride]);
      x0 = MIN (x0, bucket[i]);
      x1 = MAX (x1, bucket[i]);
      y0 = MIN (y0, cy_of[i]);
      y1 = MAX (y1, cy_of[i]);
    }

  grid->dense = n > 0 && (guint64) (x1 - x0 + 1) * (y1 - y0 + 1) <= 2 * (guint64) n + 4096;
  if (grid->dense)
    {
      grid->x0 = x0;
      grid->y0 = y0;
      grid->w = x1 - x0 + 1;
      grid->h = y1 - y0 + 1;
      n_buckets = grid->w * grid->h;
    }
  else
    {
      while (n_buckets < n && n_buckets < (1u << 30))
        n_buckets <<= 1;
      grid->mask = n_buckets - 1;
    }

  grid->start = g_new0 (guint32, (gsize) n_buckets + 1);
  grid->slots = g_new (GridSlot, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    {
      bucket[i] = grid_bucket (grid, bucket[i], cy_of[i]);
      grid->start[bucket[i] + 1]++;
    }
  for (guint32 b = 0; b < n_buckets; b++)
    grid->start[b + 1] += grid->start[b];

  fill = g_memdup2 (grid->start, sizeof (guint32) * n_buckets);
  for (guint i = 0; i < n; i++)
    {
      guint32 k = fill[bucket[i]]++;

      grid->slots[k].x = xs[i * stride];
      grid->slots[k].y = ys[i * stride];
      grid->slots[k].item = i;
      grid->slots[k]._pad = 0;
      if (slot_of != NULL)
        slot_of[i] = k;
    }
}

static void
grid_clear (Grid *grid)
{
  g_clear_pointer (&grid->start, g_free);
  g_clear_pointer (&grid->slots, g_free);
}

/* --------------------------------------------------------------- build */

static void
level_clear (Level *level)
{
  g_free (level->ax);
  g_free (level->ay);
  g_free (level->t_min);
  g_free (level->t_max);
  g_free (level->child_start);
  g_free (level->leaf_start);
  g_free (level->cx);
  g_free (level->cy);
  g_free (level->category);
  g_free (level->severity);
  g_free (level->split_zoom);
  grid_clear (&level->grid);
  memset (level, 0, sizeof *level);
}

void
bd_cluster_index_free (BdClusterIndex *index)
{
  if (index == NULL)
    return;

  for (guint z = 0; z < G_N_ELEMENTS (index->levels); z++)
    level_clear (&index->levels[z]);
  g_free (index->leaves);
  g_free (index);
}

/* The point indices sorted by (observed_at, index): an LSD radix sort on
 * the time's 11-bit digits (a count table that stays in the L1 cache),
 * skipping the digits all points share: two passes for two days of
 * reports, three for years. */
#define RADIX_BITS 11
#define RADIX_SIZE (1u << RADIX_BITS)

static guint32 *
sort_by_time (const BdPoint *points,
              guint          n)
{
  g_autofree guint64 *keys = g_new (guint64, MAX (n, 1));
  g_autofree guint64 *keys_tmp = g_new (guint64, MAX (n, 1));
  guint32 *order = g_new (guint32, MAX (n, 1));
  g_autofree guint32 *order_tmp = g_new (guint32, MAX (n, 1));
  guint64 all_and = G_MAXUINT64, all_or = 0;
  guint32 count[RADIX_SIZE + 1];

  for (guint i = 0; i < n; i++)
    {
      keys[i] = (guint64) points[i].observed_at ^ G_GUINT64_CONSTANT (0x8000000000000000);
      order[i] = i;
      all_and &= keys[i];
      all_or |= keys[i];
    }

  for (guint shift = 0; shift < 64; shift += RADIX_BITS)
    {
      guint64 *kt;
      guint32 *ot;

      if ((((all_and ^ all_or) >> shift) & (RADIX_SIZE - 1)) == 0)
        continue;          /* every point has this digit */

      memset (count, 0, sizeof count);
      for (guint i = 0; i < n; i++)
        count[((keys[i] >> shift) & (RADIX_SIZE - 1)) + 1]++;
      for (guint d = 0; d < RADIX_SIZE; d++)
        count[d + 1] += count[d];
      for (guint i = 0; i < n; i++)
        {
          guint32 at = count[(keys[i] >> shift) & (RADIX_SIZE - 1)]++;

          keys_tmp[at] = keys[i];
          order_tmp[at] = order[i];
        }
      kt = keys, keys = keys_tmp, keys_tmp = kt;
      ot = order, order = order_tmp, order_tmp = ot;
    }

  return order;
}

static inline double
sane (double v)
{
  /* NaN and out-of-range coordinates are kept on the map, at its edge. */
  if (!(v >= 0.0))
    return 0.0;
  if (v >= 1.0)
    return 1.0 - DBL_EPSILON;
  return v;
}

/* Level @z from the items of level z + 1 (taken in their order): fills
 * @parent (per item of z + 1, its cluster's index at z) and level z's
 * anchors and first times, in seed order. The grid built over level z + 1
 * is kept there. */
static void
cluster_level (BdClusterIndex *index,
               guint           z,
               guint32        *parent)
{
  Level *above = &index->levels[z + 1];
  Level *level = &index->levels[z];
  gboolean from_leaves = z + 1 == index->top;
  double r = radius_at (&index->options, z);
  double r2 = r * r;
  guint n = above->n;
  guint n_clusters = 0;
  Grid *grid = &above->grid;
  g_autofree guint32 *slot_of = g_new (guint32, MAX (n, 1));
  guint32 *taken;

  if (from_leaves)
    grid_build (grid, &index->leaves[0].x, &index->leaves[0].y, sizeof (Leaf) / sizeof (double),
                n, r, slot_of);
  else
    grid_build (grid, above->ax, above->ay, 1, n, r, slot_of);

  /* At most one cluster per item; trimmed below. */
  level->ax = g_new (double, MAX (n, 1));
  level->ay = g_new (double, MAX (n, 1));
  level->t_min = g_new (gint64, MAX (n, 1));

  /* Per slot: the cluster that took it. */
  taken = parent;
  memset (taken, 0xff, sizeof (guint32) * n);

  for (guint i = 0; i < n; i++)
    {
      guint32 k = slot_of[i];
      guint32 cx, cy, c = n_clusters;
      double x, y;

      if (taken[k] != G_MAXUINT32)
        continue;

      x = grid->slots[k].x;
      y = grid->slots[k].y;
      taken[k] = c;
      level->ax[c] = x;
      level->ay[c] = y;
      level->t_min[c] = from_leaves ? index->leaves[i].t : above->t_min[i];
      n_clusters++;

      cx = cell_of (grid, x);
      cy = cell_of (grid, y);
      for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++)
          {
            guint32 from, end;

            if (grid->dense)
              {
                /* The row's three cells at once. */
                if (dx != 0 || !grid_row_range (grid, (gint64) cy + dy, (gint64) cx - 1,
                                                (gint64) cx + 1, &from, &end))
                  continue;
              }
            else
              {
                guint32 b;

                /* Off the world's edge: nothing there (no wrap). */
                if ((dx < 0 && cx == 0) || (dy < 0 && cy == 0)
                    || (dx > 0 && cx + 1 >= grid->side) || (dy > 0 && cy + 1 >= grid->side))
                  continue;
                b = grid_bucket (grid, cx + dx, cy + dy);
                from = grid->start[b];
                end = grid->start[b + 1];
              }

            for (guint32 j = from; j < end; j++)
              {
                double ex, ey;

                /* Items of another cell sharing the bucket are either
                 * too far or rightly taken. */
                if (taken[j] != G_MAXUINT32)
                  continue;
                ex = grid->slots[j].x - x;
                ey = grid->slots[j].y - y;
                if (ex * ex + ey * ey <= r2)
                  taken[j] = c;
              }
          }
    }

  /* Per slot → per item. */
  {
    g_autofree guint32 *by_slot = g_memdup2 (taken, sizeof (guint32) * MAX (n, 1));

    for (guint i = 0; i < n; i++)
      parent[i] = by_slot[slot_of[i]];
  }

  level->n = n_clusters;
  level->ax = g_renew (double, level->ax, MAX (n_clusters, 1));
  level->ay = g_renew (double, level->ay, MAX (n_clusters, 1));
  level->t_min = g_renew (gint64, level->t_min, MAX (n_clusters, 1));
}

/* Reorders level z + 1 so that each cluster of level z (already in its
 * final order; @new_pos maps its build order to it) has its children
 * contiguous, in its order; fills level z's child_start and returns level
 * z + 1's new position of each of its items (by build order). */
static guint32 *
order_children (BdClusterIndex *index,
                guint           z,
                const guint32  *parent,
                const guint32  *new_pos)
{
  Level *level = &index->levels[z];
  Level *above = &index->levels[z + 1];
  guint32 *above_pos = g_new (guint32, MAX (above->n, 1));
  g_autofree guint32 *fill = NULL;

  level->child_start = g_new0 (guint32, (gsize) level->n + 1);
  for (guint i = 0; i < above->n; i++)
    level->child_start[new_pos[parent[i]] + 1]++;
  for (guint c = 0; c < level->n; c++)
    level->child_start[c + 1] += level->child_start[c];

  fill = g_memdup2 (level->child_start, sizeof (guint32) * MAX (level->n, 1));
  for (guint i = 0; i < above->n; i++)
    above_pos[i] = fill[new_pos[parent[i]]]++;

  return above_pos;
}

static void
permute_double (double        **array,
                const guint32  *pos,
                guint           n)
{
  double *out = g_new (double, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    out[pos[i]] = (*array)[i];
  g_free (*array);
  *array = out;
}

static void
permute_gint64 (gint64        **array,
                const guint32  *pos,
                guint           n)
{
  gint64 *out = g_new (gint64, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    out[pos[i]] = (*array)[i];
  g_free (*array);
  *array = out;
}

/* Counts, centroids, commonest category, highest severity, last time and
 * split zoom of every cluster, from the top level down. */
static void
aggregate (BdClusterIndex *index)
{
  const BdClusterOptions *o = &index->options;
  guint top = index->top;
  guint n_slots = index->n_slots;
  g_autofree guint32 *hist_above = NULL;
  g_autofree guint32 *hist = NULL;

  for (guint z = top - 1; z + 1 > o->min_zoom; z--)
    {
      Level *level = &index->levels[z];
      Level *above = &index->levels[z + 1];
      gboolean from_leaves = z + 1 == top;

      level->t_max = g_new (gint64, MAX (level->n, 1));
      level->leaf_start = g_new (guint32, (gsize) level->n + 1);
      level->cx = g_new (double, MAX (level->n, 1));
      level->cy = g_new (double, MAX (level->n, 1));
      level->category = g_new (guint8, MAX (level->n, 1));
      level->severity = g_new (guint8, MAX (level->n, 1));
      level->split_zoom = g_new (guint8, MAX (level->n, 1));
      hist = g_new0 (guint32, (gsize) MAX (level->n, 1) * n_slots);

      level->leaf_start[level->n] = index->n_points;
      for (guint c = 0; c < level->n; c++)
        {
          guint32 first = level->child_start[c];
          guint32 end = level->child_start[c + 1];
          guint32 *h = &hist[(gsize) c * n_slots];
          double sx = 0, sy = 0;
          gint64 t_max = G_MININT64;
          guint8 sev = 0;
          guint best = 0;
          guint32 count;

          level->leaf_start[c] = from_leaves ? first : above->leaf_start[first];
          count = (from_leaves ? end : above->leaf_start[end]) - level->leaf_start[c];

          for (guint32 k = first; k < end; k++)
            {
              if (from_leaves)
                {
                  const Leaf *leaf = &index->leaves[k];

                  sx += leaf->x;
                  sy += leaf->y;
                  t_max = MAX (t_max, leaf->t);
                  sev = MAX (sev, leaf->severity);
                  h[leaf->slot]++;
                }
              else
                {
                  guint32 w = above->leaf_start[k + 1] - above->leaf_start[k];
                  const guint32 *ha = &hist_above[(gsize) k * n_slots];

                  sx += above->cx[k] * w;
                  sy += above->cy[k] * w;
                  t_max = MAX (t_max, above->t_max[k]);
                  sev = MAX (sev, above->severity[k]);
                  for (guint s = 0; s < n_slots; s++)
                    h[s] += ha[s];
                }
            }

          for (guint s = 1; s < n_slots; s++)
            if (h[s] > h[best])
              best = s;

          level->cx[c] = sx / count;
          level->cy[c] = sy / count;
          level->t_max[c] = t_max;
          level->severity[c] = sev;
          level->category[c] = (guint8) best;

          /* Where a click on it should go: the first zoom where it is more
           * than one item. */
          if (count < o->min_points)
            level->split_zoom[c] = (guint8) z;
          else if (end - first >= 2 || from_leaves)
            level->split_zoom[c] = (guint8) (z + 1);
          else
            level->split_zoom[c] = above->split_zoom[first];
        }

      g_free (hist_above);
      hist_above = g_steal_pointer (&hist);
    }
}

BdClusterIndex *
bd_cluster_index_new (const BdPoint          *points,
                      guint                   n_points,
                      const BdClusterOptions *options,
                      GError                **error)
{
  g_autoptr(BdClusterIndex) index = NULL;
  g_autofree guint32 *time_order = NULL;
  g_autofree guint32 **parents = NULL;
  g_autofree guint32 *pos = NULL;
  BdClusterOptions defaults;
  gboolean present[256] = { FALSE };
  guint8 slot_of[256];
  guint top;

  g_return_val_if_fail (points != NULL || n_points == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (options == NULL)
    {
      bd_cluster_options_init (&defaults);
      options = &defaults;
    }

  if (!(options->radius >= 1.0 && options->radius <= 512.0)
      || !(options->tile_size >= 64.0 && options->tile_size <= 1024.0)
      || options->max_zoom > BD_CLUSTER_MAX_ZOOM
      || options->min_zoom > options->max_zoom
      || options->min_points < 2 || options->min_points > G_MAXUINT16)
    {
      g_set_error (error, BD_CLUSTER_ERROR, BD_CLUSTER_ERROR_INVALID,
                   "Clustering options out of range (radius %g px, tile %g px, zooms %u to %u, "
                   "at least %u points)",
                   options->radius, options->tile_size, options->min_zoom, options->max_zoom,
                   options->min_points);
      return NULL;
    }
  if (n_points > BD_CLUSTER_MAX_POINTS)
    {
      g_set_error (error, BD_CLUSTER_ERROR, BD_CLUSTER_ERROR_TOO_MANY,
                   "Too many points to cluster (%u, at most %u)",
                   n_points, BD_CLUSTER_MAX_POINTS);
      return NULL;
    }

  index = g_new0 (BdClusterIndex, 1);
  index->options = *options;
  index->n_points = n_points;
  index->top = top = options->max_zoom + 1;

  for (guint z = 0; z <= top; z++)
    index->reach[z] = 0.0;
  for (guint z = top; z-- > 0;)
    index->reach[z] = index->reach[z + 1] + radius_at (options, z);

  /* The categories present, as slots in category order (so that ties go
   * to the lower category). */
  for (guint i = 0; i < n_points; i++)
    present[points[i].category] = TRUE;
  for (guint c = 0; c < 256; c++)
    if (present[c])
      {
        slot_of[c] = (guint8) index->n_slots;
        index->slot_category[index->n_slots++] = (guint8) c;
      }
  if (index->n_slots == 0)
    index->n_slots = 1;

  /* The points in time order: the top level's build order. */
  time_order = sort_by_time (points, n_points);
  index->leaves = g_new (Leaf, MAX (n_points, 1));
  index->t_first = G_MAXINT64;
  index->t_last = G_MININT64;
  for (guint i = 0; i < n_points; i++)
    {
      const BdPoint *p = &points[time_order[i]];
      Leaf *leaf = &index->leaves[i];

      /* A gather in random order: ask for what comes next early. */
      if (i + 16 < n_points)
        __builtin_prefetch (&points[time_order[i + 16]]);

      leaf->x = sane (p->x);
      leaf->y = sane (p->y);
      leaf->t = p->observed_at;
      leaf->point = time_order[i];
      leaf->slot = slot_of[p->category];
      leaf->severity = p->severity;
      leaf->_pad = 0;
    }
  if (n_points > 0)
    {
      index->t_first = index->leaves[0].t;
      index->t_last = index->leaves[n_points - 1].t;
    }
  index->levels[top].n = n_points;

  /* Cluster, from the top down. */
  parents = g_new0 (guint32 *, top + 1);
  for (guint z = top; z-- > options->min_zoom;)
    {
      parents[z + 1] = g_new (guint32, MAX (index->levels[z + 1].n, 1));
      cluster_level (index, z, parents[z + 1]);
    }

  /* Order every level so that children are contiguous: the lowest level
   * keeps its build order. */
  {
    Level *bottom = &index->levels[options->min_zoom];

    grid_build (&bottom->grid, bottom->ax, bottom->ay, 1, bottom->n,
                radius_at (options, options->min_zoom), NULL);
    pos = g_new (guint32, MAX (bottom->n, 1));
    for (guint i = 0; i < bottom->n; i++)
      pos[i] = i;
  }
  for (guint z = options->min_zoom; z < top; z++)
    {
      Level *above = &index->levels[z + 1];
      guint32 *above_pos = order_children (index, z, parents[z + 1], pos);

      g_free (pos);
      pos = above_pos;
      g_clear_pointer (&parents[z + 1], g_free);

      for (guint k = 0; k < above->n; k++)
        above->grid.slots[k].item = pos[above->grid.slots[k].item];

      if (z + 1 < top)
        {
          permute_double (&above->ax, pos, above->n);
          permute_double (&above->ay, pos, above->n);
          permute_gint64 (&above->t_min, pos, above->n);
        }
      else
        {
          Leaf *leaves = g_new (Leaf, MAX (n_points, 1));

          for (guint i = 0; i < n_points; i++)
            leaves[pos[i]] = index->leaves[i];
          g_free (index->leaves);
          index->leaves = leaves;
        }
    }

  aggregate (index);

  return g_steal_pointer (&index);
}

guint
bd_cluster_index_get_n_points (BdClusterIndex *index)
{
  g_return_val_if_fail (index != NULL, 0);

  return index->n_points;
}

const BdClusterOptions *
bd_cluster_index_get_options (BdClusterIndex *index)
{
  g_return_val_if_fail (index != NULL, NULL);

  return &index->options;
}

void
bd_cluster_index_get_time_range (BdClusterIndex *index,
                                 gint64         *first,
                                 gint64         *last)
{
  g_return_if_fail (index != NULL);

  if (first != NULL)
    *first = index->n_points > 0 ? index->t_first : 0;
  if (last != NULL)
    *last = index->n_points > 0 ? index->t_last : 0;
}

double
bd_cluster_index_get_radius (BdClusterIndex *index,
                             guint           zoom)
{
  g_return_val_if_fail (index != NULL, 0.0);

  return radius_at (&index->options, zoom);
}

/* --------------------------------------------------------------- query */

static guint
level_of (BdClusterIndex *index,
          double          zoom)
{
  double z = floor (zoom);

  if (!(z >= index->options.min_zoom))
    return index->options.min_zoom;
  if (z >= index->top)
    return index->top;
  return (guint) z;
}

typedef struct
{
  double min_x, min_y, max_x, max_y;
} Box;

static inline gboolean
in_box (const Box *box,
        double     x,
        double     y)
{
  return x >= box->min_x && x <= box->max_x && y >= box->min_y && y <= box->max_y;
}

static inline void
append_leaf (BdClusterIndex *index,
             guint           zoom,
             const Leaf     *leaf,
             GArray         *items)
{
  BdClusterItem item;

  item.x = leaf->x;
  item.y = leaf->y;
  item.count = 1;
  item.id = leaf->point;
  item.category = index->slot_category[leaf->slot];
  item.severity = leaf->severity;
  item.is_cluster = FALSE;
  item.zoom = (guint8) zoom;
  g_array_append_val (items, item);
}

/* One cluster as of @as_of into @items; returns how many items. */
static guint
emit_cluster (BdClusterIndex *index,
              guint           zoom,
              guint32         c,
              const Box      *box,
              gint64          as_of,
              guint32        *hist,
              GArray         *items)
{
  const Level *level = &index->levels[zoom];
  const Leaf *first = &index->leaves[level->leaf_start[c]];
  const Leaf *end = &index->leaves[level->leaf_start[c + 1]];
  guint min_points = index->options.min_points;
  BdClusterItem item;
  guint n = 0;

  if (level->t_min[c] > as_of)
    return 0;

  if (level->t_max[c] <= as_of)
    {
      if ((guint) (end - first) < min_points)
        {
          for (const Leaf *leaf = first; leaf < end; leaf++)
            if (in_box (box, leaf->x, leaf->y))
              {
                append_leaf (index, zoom, leaf, items);
                n++;
              }
          return n;
        }

      item.x = level->cx[c];
      item.y = level->cy[c];
      item.count = end - first;
      item.category = index->slot_category[level->category[c]];
      item.severity = level->severity[c];
    }
  else
    {
      /* Partly observed by then: count what was. */
      double sx = 0, sy = 0;
      guint32 count = 0;
      guint8 sev = 0;
      guint best = 0;

      memset (hist, 0, sizeof (guint32) * index->n_slots);
      for (const Leaf *leaf = first; leaf < end; leaf++)
        {
          if (leaf->t > as_of)
            continue;
          sx += leaf->x;
          sy += leaf->y;
          sev = MAX (sev, leaf->severity);
          hist[leaf->slot]++;
          count++;
        }

      if (count < min_points)
        {
          for (const Leaf *leaf = first; leaf < end; leaf++)
            if (leaf->t <= as_of && in_box (box, leaf->x, leaf->y))
              {
                append_leaf (index, zoom, leaf, items);
                n++;
              }
          return n;
        }

      for (guint s = 1; s < index->n_slots; s++)
        if (hist[s] > hist[best])
          best = s;

      item.x = sx / count;
      item.y = sy / count;
      item.count = count;
      item.category = index->slot_category[best];
      item.severity = sev;
    }

  if (!in_box (box, item.x, item.y))
    return 0;

  item.id = c;
  item.is_cluster = TRUE;
  item.zoom = (guint8) zoom;
  g_array_append_val (items, item);

  return 1;
}

static inline guint
emit (BdClusterIndex *index,
      guint           zoom,
      guint32         i,
      const Box      *box,
      gint64          as_of,
      guint32        *hist,
      GArray         *items)
{
  if (zoom == index->top)
    {
      const Leaf *leaf = &index->leaves[i];

      if (leaf->t > as_of || !in_box (box, leaf->x, leaf->y))
        return 0;
      append_leaf (index, zoom, leaf, items);
      return 1;
    }

  return emit_cluster (index, zoom, i, box, as_of, hist, items);
}

guint
bd_cluster_index_query (BdClusterIndex *index,
                        double          zoom,
                        double          min_x,
                        double          min_y,
                        double          max_x,
                        double          max_y,
                        gint64          as_of,
                        GArray         *items)
{
  guint z;
  const Level *level;
  const Grid *grid;
  Box box = { min_x, min_y, max_x, max_y };
  double reach;
  guint32 c0, c1, r0, r1;
  guint32 hist[256];
  guint n = 0;

  g_return_val_if_fail (index != NULL, 0);
  g_return_val_if_fail (items != NULL && g_array_get_element_size (items) == sizeof (BdClusterItem), 0);

  if (index->n_points == 0 || !(min_x <= max_x) || !(min_y <= max_y))
    return 0;

  z = level_of (index, zoom);
  level = &index->levels[z];
  grid = &level->grid;
  /* Anchors lie within reach of everything their cluster holds. */
  reach = index->reach[z];

  c0 = cell_of (grid, min_x - reach);
  c1 = cell_of (grid, max_x + reach);
  r0 = cell_of (grid, min_y - reach);
  r1 = cell_of (grid, max_y + reach);

  if (grid->dense)
    {
      r0 = MAX (r0, grid->y0);
      r1 = MIN (r1, grid->y0 + grid->h - 1);
      if (r0 > r1)
        return 0;

      for (guint32 cy = r0; cy <= r1; cy++)
        {
          guint32 from, end;

          if (!grid_row_range (grid, cy, c0, c1, &from, &end))
            continue;
          for (guint32 k = from; k < end; k++)
            n += emit (index, z, grid->slots[k].item, &box, as_of, hist, items);
        }
      return n;
    }

  if ((double) (c1 - c0 + 1) * (r1 - r0 + 1) > 2.0 * level->n + 64)
    {
      /* A box of more cells than items: read every item. */
      for (guint32 i = 0; i < level->n; i++)
        n += emit (index, z, i, &box, as_of, hist, items);
      return n;
    }

  for (guint32 cy = r0; cy <= r1; cy++)
    for (guint32 cx = c0; cx <= c1; cx++)
      {
        guint32 b = grid_bucket (grid, cx, cy);
        guint32 end = grid->start[b + 1];

        for (guint32 k = grid->start[b]; k < end; k++)
          {
            /* Another cell's item sharing the bucket. */
            if (cell_of (grid, grid->slots[k].x) != cx || cell_of (grid, grid->slots[k].y) != cy)
              continue;
            n += emit (index, z, grid->slots[k].item, &box, as_of, hist, items);
          }
      }

  return n;
}

guint
bd_cluster_index_get_split_zoom (BdClusterIndex *index,
                                 guint           zoom,
                                 guint32         id,
                                 gint64          as_of)
{
  g_return_val_if_fail (index != NULL, 0);

  if (zoom < index->options.min_zoom || zoom >= index->top || id >= index->levels[zoom].n)
    return MIN (zoom + 1, index->top);

  if (index->levels[zoom].t_max[id] <= as_of)
    return index->levels[zoom].split_zoom[id];

  /* Follow the one child observed by then, until there are more. */
  for (guint z = zoom; z < index->top; z++)
    {
      const Level *level = &index->levels[z];
      const Level *above = &index->levels[z + 1];
      gboolean leaves = z + 1 == index->top;
      guint32 only = G_MAXUINT32;
      guint live = 0;

      for (guint32 k = level->child_start[id]; k < level->child_start[id + 1] && live < 2; k++)
        if ((leaves ? index->leaves[k].t : above->t_min[k]) <= as_of)
          {
            only = k;
            live++;
          }

      if (live != 1 || leaves)
        return z + 1;
      id = only;
      if (above->t_max[id] <= as_of)
        return above->split_zoom[id];
    }

  return index->top;
}

/* ---------------------------------------------------------------- tests */

guint
_bd_cluster_index_get_n_items (BdClusterIndex *index,
                               guint           zoom)
{
  g_return_val_if_fail (index != NULL && zoom <= BD_CLUSTER_MAX_ZOOM + 1, 0);

  return index->levels[zoom].n;
}

void
_bd_cluster_index_get_anchor (BdClusterIndex *index,
                              guint           zoom,
                              guint32         id,
                              double         *x,
                              double         *y)
{
  g_return_if_fail (index != NULL && zoom <= index->top && id < index->levels[zoom].n);

  if (zoom == index->top)
    {
      *x = index->leaves[id].x;
      *y = index->leaves[id].y;
      return;
    }
  *x = index->levels[zoom].ax[id];
  *y = index->levels[zoom].ay[id];
}

double
_bd_cluster_index_get_reach (BdClusterIndex *index,
                             guint           zoom)
{
  g_return_val_if_fail (index != NULL && zoom <= index->top, 0.0);

  return index->reach[zoom];
}

void
_bd_cluster_index_get_points (BdClusterIndex *index,
                              guint           zoom,
                              guint32         id,
                              gint64          as_of,
                              GArray         *points)
{
  const Level *level;
  guint32 first, end;

  g_return_if_fail (index != NULL && zoom <= index->top && id < index->levels[zoom].n);

  level = &index->levels[zoom];
  first = zoom == index->top ? id : level->leaf_start[id];
  end = zoom == index->top ? id + 1 : level->leaf_start[id + 1];
  for (guint32 k = first; k < end; k++)
    if (index->leaves[k].t <= as_of)
      g_array_append_val (points, index->leaves[k].point);
}
