/* bd-shape-layer.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-shape-layer"

#include "config.h"

#include "bd-shape-layer-private.h"

#include <math.h>

#include "bd-geo.h"

#define TILE_SIZE 256
#define MAX_ZOOM 22
/* Textures kept: a 1920×1200 window shows about 60 tiles; the rest are
 * the zoom levels around it. Empty tiles cost no texture. */
#define MAX_CACHED 512
/* Worker threads drawing tiles. */
#define N_WORKERS 2
/* How many coarser levels may stand in for a tile still being drawn. */
#define MAX_FALLBACK 4
/* Picking: how near (px) a point or line must be. */
#define PICK_TOLERANCE_PX 8.0

typedef struct
{
  GdkTexture *texture;        /* NULL: nothing drawn on this tile */
  gint64      used;           /* a frame counter, for eviction */
} Tile;

typedef struct
{
  GWeakRef    layer;
  BdShapeSet *shapes;
  guint       generation;
  guint64     key;
  guint       zoom, x, y;
  int         scale;          /* the widget's scale factor */
  GdkTexture *texture;        /* the result, or NULL when empty */
} Job;

struct _BdShapeLayer
{
  ShumateLayer  parent_instance;

  BdShapeSet   *shapes;
  guint         generation;   /* bumped by every new set */
  GHashTable   *tiles;        /* key → Tile* */
  GHashTable   *pending;      /* keys being drawn */
  GThreadPool  *pool;
  gint64        frame;
  guint         n_drawn;
  int           scale;        /* the scale factor the cache was drawn at */
};

G_DEFINE_FINAL_TYPE (BdShapeLayer, bd_shape_layer, SHUMATE_TYPE_LAYER)

static inline guint64
tile_key (guint zoom,
          guint x,
          guint y)
{
  return ((guint64) zoom << 56) | ((guint64) x << 28) | (guint64) y;
}

static inline void
key_tile (guint64  key,
          guint   *zoom,
          guint   *x,
          guint   *y)
{
  *zoom = (guint) (key >> 56);
  *x = (guint) ((key >> 28) & 0xfffffff);
  *y = (guint) (key & 0xfffffff);
}

static void
tile_free (Tile *tile)
{
  g_clear_object (&tile->texture);
  g_free (tile);
}

static void
job_free (Job *job)
{
  g_weak_ref_clear (&job->layer);
  g_clear_pointer (&job->shapes, bd_shape_set_unref);
  g_clear_object (&job->texture);
  g_free (job);
}

/* ------------------------------------------------------------- workers */

static gboolean
deliver_cb (gpointer data)
{
  Job *job = data;
  g_autoptr(BdShapeLayer) self = g_weak_ref_get (&job->layer);
  Tile *tile;

  if (self == NULL)
    return G_SOURCE_REMOVE;

  g_hash_table_remove (self->pending, &job->key);
  self->n_drawn++;
  /* drawn from a set that has been replaced, or at another scale: the
   * next frame asks again */
  if (job->generation != self->generation || job->scale != self->scale)
    {
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return G_SOURCE_REMOVE;
    }

  tile = g_new0 (Tile, 1);
  tile->texture = g_steal_pointer (&job->texture);
  tile->used = self->frame;
  g_hash_table_insert (self->tiles, g_memdup2 (&job->key, sizeof job->key), tile);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return G_SOURCE_REMOVE;
}

static void
draw_job (gpointer data,
          gpointer user_data)
{
  Job *job = data;
  int size = TILE_SIZE * job->scale;
  cairo_surface_t *surface;
  cairo_t *cr;
  gboolean drawn;

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, size, size);
  cr = cairo_create (surface);
  cairo_scale (cr, job->scale, job->scale);
  drawn = bd_shape_set_draw_tile (job->shapes, cr, job->zoom, job->x, job->y, TILE_SIZE);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  if (drawn && cairo_surface_status (surface) == CAIRO_STATUS_SUCCESS)
    {
      gsize stride = (gsize) cairo_image_surface_get_stride (surface);
      g_autoptr(GBytes) bytes = g_bytes_new (cairo_image_surface_get_data (surface),
                                             stride * (gsize) size);

      job->texture = gdk_memory_texture_new (size, size, GDK_MEMORY_DEFAULT, bytes, stride);
    }
  cairo_surface_destroy (surface);

  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT_IDLE, deliver_cb, job,
                              (GDestroyNotify) job_free);
}

static void
request_tile (BdShapeLayer *self,
              guint         zoom,
              guint         x,
              guint         y)
{
  guint64 key = tile_key (zoom, x, y);
  Job *job;

  if (self->shapes == NULL || g_hash_table_contains (self->pending, &key))
    return;

  job = g_new0 (Job, 1);
  g_weak_ref_init (&job->layer, self);
  job->shapes = bd_shape_set_ref (self->shapes);
  job->generation = self->generation;
  job->key = key;
  job->zoom = zoom;
  job->x = x;
  job->y = y;
  job->scale = self->scale;
  g_hash_table_add (self->pending, g_memdup2 (&key, sizeof key));
  g_thread_pool_push (self->pool, job, NULL);
}

/* Drops the least recently used tiles beyond the bound. */
static void
evict (BdShapeLayer *self)
{
  while (g_hash_table_size (self->tiles) > MAX_CACHED)
    {
      GHashTableIter iter;
      gpointer key, value, oldest = NULL;
      gint64 oldest_used = G_MAXINT64;

      g_hash_table_iter_init (&iter, self->tiles);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (((Tile *) value)->used < oldest_used)
          {
            oldest_used = ((Tile *) value)->used;
            oldest = key;
          }
      g_hash_table_remove (self->tiles, oldest);
    }
}

/* --------------------------------------------------------------- frames */

typedef struct
{
  double width, height;
  double zoom;
  double cx, cy;           /* the centre, world px at @zoom */
  double rotation;         /* radians */
  double half_w, half_h;   /* half the box holding the rotated view */
} View;

static gboolean
get_view (BdShapeLayer *self,
          View         *view)
{
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  double world, c, s;

  view->width = gtk_widget_get_width (GTK_WIDGET (self));
  view->height = gtk_widget_get_height (GTK_WIDGET (self));
  if (viewport == NULL || view->width <= 0 || view->height <= 0)
    return FALSE;

  view->zoom = shumate_viewport_get_zoom_level (viewport);
  world = TILE_SIZE * exp2 (view->zoom);
  view->cx = bd_geo_mercator_x (shumate_location_get_longitude (SHUMATE_LOCATION (viewport))) * world;
  view->cy = bd_geo_mercator_y (shumate_location_get_latitude (SHUMATE_LOCATION (viewport))) * world;
  view->rotation = shumate_viewport_get_rotation (viewport);
  c = fabs (cos (view->rotation));
  s = fabs (sin (view->rotation));
  view->half_w = (view->width * c + view->height * s) / 2.0;
  view->half_h = (view->width * s + view->height * c) / 2.0;
  return TRUE;
}

static guint
tile_zoom (const View *view)
{
  return (guint) CLAMP (floor (view->zoom + 0.5), 0, MAX_ZOOM);
}

/* The tiles of zoom @tz covering the view. */
static void
visible_range (const View *view,
               guint       tz,
               gint64     *x0,
               gint64     *y0,
               gint64     *x1,
               gint64     *y1)
{
  double ts = TILE_SIZE * exp2 (view->zoom - tz);   /* a tile's size on screen */
  gint64 n = (gint64) 1 << tz;

  *x0 = CLAMP ((gint64) floor ((view->cx - view->half_w) / ts), 0, n - 1);
  *x1 = CLAMP ((gint64) floor ((view->cx + view->half_w) / ts), 0, n - 1);
  *y0 = CLAMP ((gint64) floor ((view->cy - view->half_h) / ts), 0, n - 1);
  *y1 = CLAMP ((gint64) floor ((view->cy + view->half_h) / ts), 0, n - 1);
}

static Tile *
lookup (BdShapeLayer *self,
        guint         zoom,
        guint         x,
        guint         y)
{
  guint64 key = tile_key (zoom, x, y);
  Tile *tile = g_hash_table_lookup (self->tiles, &key);

  if (tile != NULL)
    tile->used = self->frame;
  return tile;
}

/* A coarser cached tile drawn in place of tile @x,@y of zoom @tz, cut to
 * that tile's square @rect. */
static void
draw_fallback (BdShapeLayer          *self,
               GtkSnapshot           *snapshot,
               guint                  tz,
               guint                  x,
               guint                  y,
               const graphene_rect_t *rect)
{
  guint level;

  for (level = 1; level <= MAX_FALLBACK && level <= tz; level++)
    {
      guint px = x >> level, py = y >> level;
      Tile *parent = lookup (self, tz - level, px, py);
      double factor, size;

      if (parent == NULL)
        continue;
      if (parent->texture == NULL)
        return;      /* nothing there */
      factor = (double) (1u << level);
      size = rect->size.width * factor;
      gtk_snapshot_push_clip (snapshot, rect);
      gtk_snapshot_append_texture (snapshot, parent->texture,
                                   &GRAPHENE_RECT_INIT (rect->origin.x - (x - px * (1u << level)) * rect->size.width,
                                                        rect->origin.y - (y - py * (1u << level)) * rect->size.height,
                                                        size, size));
      gtk_snapshot_pop (snapshot);
      return;
    }
}

static void
bd_shape_layer_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  BdShapeLayer *self = BD_SHAPE_LAYER (widget);
  View view;
  guint tz;
  gint64 x0, y0, x1, y1, tx, ty;
  double ts;
  int scale;

  if (self->shapes == NULL || !get_view (self, &view))
    return;

  scale = gtk_widget_get_scale_factor (widget);
  if (scale != self->scale)
    {
      g_hash_table_remove_all (self->tiles);
      self->scale = scale;
    }

  self->frame++;
  tz = tile_zoom (&view);
  ts = TILE_SIZE * exp2 (view.zoom - tz);
  visible_range (&view, tz, &x0, &y0, &x1, &y1);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (view.width / 2.0, view.height / 2.0));
  if (view.rotation != 0)
    gtk_snapshot_rotate (snapshot, (float) (view.rotation * 180.0 / G_PI));

  for (ty = y0; ty <= y1; ty++)
    for (tx = x0; tx <= x1; tx++)
      {
        graphene_rect_t rect = GRAPHENE_RECT_INIT ((float) (tx * ts - view.cx),
                                                   (float) (ty * ts - view.cy),
                                                   (float) ts, (float) ts);
        Tile *tile = lookup (self, tz, (guint) tx, (guint) ty);

        if (tile == NULL)
          {
            request_tile (self, tz, (guint) tx, (guint) ty);
            draw_fallback (self, snapshot, tz, (guint) tx, (guint) ty, &rect);
          }
        else if (tile->texture != NULL)
          gtk_snapshot_append_texture (snapshot, tile->texture, &rect);
      }

  gtk_snapshot_restore (snapshot);
  evict (self);
}

/* ------------------------------------------------------------- changes */

typedef struct
{
  BdShapeLayer *self;
  double        margin_px;
  GArray       *keys;       /* guint64 of tiles to drop */
} Invalidate;

static void
invalidate_box_cb (double   min_x,
                   double   min_y,
                   double   max_x,
                   double   max_y,
                   gpointer user_data)
{
  Invalidate *inv = user_data;
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, inv->self->tiles);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      guint zoom, x, y;
      double n, pad;

      key_tile (*(guint64 *) key, &zoom, &x, &y);
      n = exp2 (zoom);
      pad = inv->margin_px / (TILE_SIZE * n);
      if (max_x + pad < x / n || min_x - pad > (x + 1) / n ||
          max_y + pad < y / n || min_y - pad > (y + 1) / n)
        continue;
      g_array_append_val (inv->keys, *(guint64 *) key);
    }
}

void
bd_shape_layer_set_shapes (BdShapeLayer *self,
                           BdShapeSet   *shapes)
{
  g_autoptr(BdShapeSet) old = NULL;
  Invalidate inv;
  guint i;

  g_return_if_fail (BD_IS_SHAPE_LAYER (self));

  if (shapes == self->shapes)
    return;
  if (shapes != NULL)
    bd_shape_set_seal (shapes);

  old = g_steal_pointer (&self->shapes);
  self->shapes = shapes != NULL ? bd_shape_set_ref (shapes) : NULL;
  self->generation++;

  /* only the tiles a changed shape touches are drawn again */
  inv.self = self;
  inv.margin_px = MAX (old != NULL ? bd_shape_set_get_margin (old) : 0,
                       shapes != NULL ? bd_shape_set_get_margin (shapes) : 0);
  inv.keys = g_array_new (FALSE, FALSE, sizeof (guint64));
  bd_shape_set_diff (old, shapes, invalidate_box_cb, &inv);
  for (i = 0; i < inv.keys->len; i++)
    g_hash_table_remove (self->tiles, &g_array_index (inv.keys, guint64, i));
  g_array_unref (inv.keys);

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

BdShapeSet *
bd_shape_layer_get_shapes (BdShapeLayer *self)
{
  g_return_val_if_fail (BD_IS_SHAPE_LAYER (self), NULL);

  return self->shapes;
}

const char *
bd_shape_layer_pick (BdShapeLayer *self,
                     double        x,
                     double        y)
{
  View view;
  double world, dx, dy, c, s;

  g_return_val_if_fail (BD_IS_SHAPE_LAYER (self), NULL);

  if (self->shapes == NULL || !get_view (self, &view))
    return NULL;

  world = TILE_SIZE * exp2 (view.zoom);
  dx = x - view.width / 2.0;
  dy = y - view.height / 2.0;
  /* undo the rotation */
  c = cos (-view.rotation);
  s = sin (-view.rotation);
  return bd_shape_set_pick (self->shapes,
                            (view.cx + c * dx - s * dy) / world,
                            (view.cy + s * dx + c * dy) / world,
                            PICK_TOLERANCE_PX / world);
}

/* ------------------------------------------------------------- plumbing */

static void
on_viewport_notify_cb (BdShapeLayer *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
bd_shape_layer_constructed (GObject *object)
{
  BdShapeLayer *self = BD_SHAPE_LAYER (object);
  ShumateViewport *viewport;

  G_OBJECT_CLASS (bd_shape_layer_parent_class)->constructed (object);

  viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  if (viewport != NULL)
    g_signal_connect_object (viewport, "notify", G_CALLBACK (on_viewport_notify_cb), self,
                             G_CONNECT_SWAPPED);
}

static void
bd_shape_layer_dispose (GObject *object)
{
  BdShapeLayer *self = BD_SHAPE_LAYER (object);

  /* queued jobs are dropped; running ones end, and deliver to no one */
  if (self->pool != NULL)
    {
      g_thread_pool_free (self->pool, TRUE, TRUE);
      self->pool = NULL;
    }

  G_OBJECT_CLASS (bd_shape_layer_parent_class)->dispose (object);
}

static void
bd_shape_layer_finalize (GObject *object)
{
  BdShapeLayer *self = BD_SHAPE_LAYER (object);

  g_clear_pointer (&self->shapes, bd_shape_set_unref);
  g_clear_pointer (&self->tiles, g_hash_table_unref);
  g_clear_pointer (&self->pending, g_hash_table_unref);

  G_OBJECT_CLASS (bd_shape_layer_parent_class)->finalize (object);
}

static void
bd_shape_layer_class_init (BdShapeLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = bd_shape_layer_constructed;
  object_class->dispose = bd_shape_layer_dispose;
  object_class->finalize = bd_shape_layer_finalize;
  widget_class->snapshot = bd_shape_layer_snapshot;
}

static void
bd_shape_layer_init (BdShapeLayer *self)
{
  self->tiles = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                       (GDestroyNotify) tile_free);
  self->pending = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->pool = g_thread_pool_new_full (draw_job, self, (GDestroyNotify) job_free,
                                       N_WORKERS, FALSE, NULL);
  self->scale = 1;
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
}

BdShapeLayer *
bd_shape_layer_new (ShumateViewport *viewport)
{
  g_return_val_if_fail (SHUMATE_IS_VIEWPORT (viewport), NULL);

  return g_object_new (BD_TYPE_SHAPE_LAYER, "viewport", viewport, NULL);
}

/* ---------------------------------------------------------------- tests */

guint
_bd_shape_layer_get_n_drawn (BdShapeLayer *self)
{
  return self->n_drawn;
}

guint
_bd_shape_layer_get_n_pending (BdShapeLayer *self)
{
  return g_hash_table_size (self->pending);
}

guint
_bd_shape_layer_get_n_cached (BdShapeLayer *self)
{
  return g_hash_table_size (self->tiles);
}

void
_bd_shape_layer_request_view (BdShapeLayer *self)
{
  View view;
  guint tz;
  gint64 x0, y0, x1, y1, tx, ty;

  if (self->shapes == NULL || !get_view (self, &view))
    return;
  tz = tile_zoom (&view);
  visible_range (&view, tz, &x0, &y0, &x1, &y1);
  for (ty = y0; ty <= y1; ty++)
    for (tx = x0; tx <= x1; tx++)
      if (!g_hash_table_contains (self->tiles, &(guint64) { tile_key (tz, (guint) tx, (guint) ty) }))
        request_tile (self, tz, (guint) tx, (guint) ty);
}
