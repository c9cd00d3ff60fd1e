/* bd-report-layer.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-report-layer"

#include "config.h"

#include "bd-report-layer-private.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "bd-catalog.h"
#include "bd-cluster.h"
#include "bd-geo.h"

/* How the layer works
 *
 * Points arrive pre-projected (Web Mercator in [0,1)). The ones the filter
 * keeps (ward, category, status and search text, asked of the store with
 * the same BdQuery the report list runs, so the map shows what the list
 * shows) go into a BdClusterIndex: distance clusters per zoom, greedy from
 * the highest zoom down, as supercluster makes them. A frame asks the index
 * for what lies in the visible box at the current zoom, as of the layer's
 * time ("as-of": only reports observed by then), so its cost follows what
 * is on screen; moving the time is one query, never a rebuild.
 *
 * A cluster is drawn as one larger dot in its commonest category with the
 * count written on it; a click on it zooms to where it splits. Up from
 * CLUSTER_MAX_ZOOM + 1 every report is its own dot.
 *
 * Drawing is bd-report-layer-draw.c: dots are pre-rendered per (category,
 * severity) into small textures at the widget's scale factor and appended
 * with gtk_snapshot_append_texture(): one render node per dot.
 * (tests/bench-layer measures the alternatives, kept behind
 * _bd_report_layer_set_draw_mode().) The count labels are put together
 * from glyphs laid out once. */

#define CLUSTER_RADIUS   40.0    /* px: a cluster takes what lies this near */
#define CLUSTER_MAX_ZOOM 15      /* the highest zoom clustered */
#define CLUSTER_MIN      2       /* fewer reports are drawn one by one */
#define RELOAD_DELAY_MS  200
#define FILTER_DELAY_MS  150     /* typing in the search entry: one query */
#define INLINE_MAX       20000   /* more points are clustered on a worker */

static const GdkRGBA unknown_colour = { 0.5f, 0.5f, 0.5f, 1.0f };

G_DEFINE_FINAL_TYPE (BdReportLayer, bd_report_layer, SHUMATE_TYPE_LAYER)

enum {
  PROP_0,
  PROP_STORE,
  PROP_SELECTED,
  PROP_N_POINTS,
  PROP_N_SHOWN,
  PROP_AS_OF,
  PROP_FILTERING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void load_points (BdReportLayer *self);
static gboolean reload_timeout_cb (gpointer user_data);
static void run_filter (BdReportLayer *self);
static void set_filtering (BdReportLayer *self,
                           gboolean       filtering);

/* ------------------------------------------------------------- geometry */

gboolean
_bd_report_layer_get_view (BdReportLayer *self,
                           View          *view)
{
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  ShumateMapSource *source;
  double tile_size = 256.0;
  double rotation;

  view->width = gtk_widget_get_width (GTK_WIDGET (self));
  view->height = gtk_widget_get_height (GTK_WIDGET (self));
  if (viewport == NULL || view->width <= 0 || view->height <= 0)
    return FALSE;

  source = shumate_viewport_get_reference_map_source (viewport);
  if (source != NULL)
    tile_size = shumate_map_source_get_tile_size (source);

  view->zoom = shumate_viewport_get_zoom_level (viewport);
  view->world = tile_size * exp2 (view->zoom);
  view->cx = bd_geo_mercator_x (shumate_location_get_longitude (SHUMATE_LOCATION (viewport))) * view->world;
  view->cy = bd_geo_mercator_y (shumate_location_get_latitude (SHUMATE_LOCATION (viewport))) * view->world;

  rotation = shumate_viewport_get_rotation (viewport);
  view->cos_r = cos (rotation);
  view->sin_r = sin (rotation);
  view->rotated = fabs (rotation) > 1e-9;
  if (view->rotated)
    {
      view->half_w = (fabs (view->width * view->cos_r) + fabs (view->height * view->sin_r)) / 2.0;
      view->half_h = (fabs (view->width * view->sin_r) + fabs (view->height * view->cos_r)) / 2.0;
    }
  else
    {
      view->half_w = view->width / 2.0;
      view->half_h = view->height / 2.0;
    }

  return TRUE;
}

/* Widget coordinates → world px relative to the centre. */
void
_bd_report_layer_widget_to_view (const View *view,
                                 double      sx,
                                 double      sy,
                                 double     *dx,
                                 double     *dy)
{
  double x = sx - view->width / 2.0;
  double y = sy - view->height / 2.0;

  *dx = view->cos_r * x + view->sin_r * y;
  *dy = -view->sin_r * x + view->cos_r * y;
}

/* ------------------------------------------------------------- points */

static int
compare_point_rowid (const void *key,
                     const void *member)
{
  gint64 rowid = *(const gint64 *) key;
  gint64 other = ((const BdPoint *) member)->rowid;

  return rowid < other ? -1 : rowid > other;
}

static int
compare_points (gconstpointer a,
                gconstpointer b)
{
  gint64 ra = ((const BdPoint *) a)->rowid;
  gint64 rb = ((const BdPoint *) b)->rowid;

  return ra < rb ? -1 : ra > rb;
}

static gint64
find_rowid (BdReportLayer *self,
            gint64         rowid)
{
  const BdPoint *found;

  if (rowid == 0 || self->n_shown == 0)
    return -1;

  /* shown is in rowid order. */
  found = bsearch (&rowid, self->shown, self->n_shown, sizeof (BdPoint), compare_point_rowid);

  return found != NULL ? found - self->shown : -1;
}

static gboolean
filter_active (BdReportLayer *self)
{
  return self->ward != NULL || self->category != NULL || self->status != NULL
         || self->text != NULL;
}

/* Which points the filter keeps and their clusters: worked out from
 * immutable inputs, so on any thread. */
typedef struct
{
  GArray         *points;      /* BdPoint, rowid order; a ref, or NULL */
  GArray         *rowids;      /* gint64, any order; a ref, or NULL: all */
  guint           serial;
  BdPoint        *shown;
  guint           n_shown;
  BdClusterIndex *index;
  GError         *error;
} ShowJob;

static void
show_job_free (gpointer data)
{
  ShowJob *job = data;

  g_clear_pointer (&job->points, g_array_unref);
  g_clear_pointer (&job->rowids, g_array_unref);
  g_clear_pointer (&job->shown, g_free);
  g_clear_pointer (&job->index, bd_cluster_index_free);
  g_clear_error (&job->error);
  g_free (job);
}

static void
show_job_run (ShowJob *job)
{
  const BdPoint *all;
  guint n_all;
  BdClusterOptions options;

  n_all = job->points != NULL ? job->points->len : 0;
  all = n_all > 0 ? (const BdPoint *) (void *) job->points->data : NULL;

  if (job->rowids == NULL)
    {
      job->shown = n_all > 0 ? g_memdup2 (all, sizeof (BdPoint) * n_all) : NULL;
      job->n_shown = n_all;
    }
  else if (n_all > 0)
    {
      g_autofree guint8 *keep = g_new0 (guint8, n_all);
      guint n = 0;

      /* The points are in rowid order. */
      for (guint i = 0; i < job->rowids->len; i++)
        {
          const BdPoint *found = bsearch (&g_array_index (job->rowids, gint64, i), all, n_all,
                                          sizeof (BdPoint), compare_point_rowid);

          if (found != NULL)
            keep[found - all] = TRUE;
        }

      job->shown = g_new (BdPoint, MAX (job->rowids->len, 1));
      for (guint i = 0; i < n_all; i++)
        if (keep[i])
          job->shown[n++] = all[i];
      job->n_shown = n;
    }

  bd_cluster_options_init (&options);
  options.radius = CLUSTER_RADIUS;
  options.max_zoom = CLUSTER_MAX_ZOOM;
  options.min_points = CLUSTER_MIN;
  job->index = bd_cluster_index_new (job->shown, job->n_shown, &options, &job->error);
  if (job->index == NULL)
    {
      g_clear_pointer (&job->shown, g_free);
      job->n_shown = 0;
    }
}

static void
update_busy (BdReportLayer *self)
{
  set_filtering (self, self->filter_source != 0 || self->filter_pending
                       || self->show_pending);
}

/* On the main thread: the job's points and clusters replace the ones
 * drawn. */
static void
show_job_apply (BdReportLayer *self,
                ShowJob       *job)
{
  guint old_shown = self->n_shown;

  if (job->index == NULL)
    g_warning ("Cannot cluster the reports for the map: %s", job->error->message);

  g_clear_pointer (&self->shown, g_free);
  g_clear_pointer (&self->index, bd_cluster_index_free);
  self->shown = g_steal_pointer (&job->shown);
  self->n_shown = job->n_shown;
  self->index = g_steal_pointer (&job->index);

  self->selected_idx = find_rowid (self, self->selected);

  if (old_shown != self->n_shown)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SHOWN]);

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
show_job_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  show_job_run (task_data);
  g_task_return_boolean (task, TRUE);
}

static void
on_show_job_done_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  BdReportLayer *self = BD_REPORT_LAYER (object);
  ShowJob *job = g_task_get_task_data (G_TASK (result));

  /* Disposed meanwhile, or newer points or a newer filter since: theirs
   * will come. */
  if (g_cancellable_is_cancelled (self->cancellable) || job->serial != self->show_serial)
    return;

  self->show_pending = FALSE;
  show_job_apply (self, job);
  update_busy (self);
}

/* Shows the points the filter keeps: those whose rowids are in @rowids
 * (gint64, any order), or all of them when @rowids is NULL. A few are
 * clustered at once; many (a time step over 100,000 reports) on a worker
 * thread, the old ones drawn until the new are ready, so that the main
 * loop never waits for the index (a 40 ms stall when it did). */
static void
show_points (BdReportLayer *self,
             GArray        *rowids)
{
  ShowJob *job = g_new0 (ShowJob, 1);
  g_autoptr(GTask) task = NULL;

  job->points = self->points != NULL ? g_array_ref (self->points) : NULL;
  job->rowids = rowids != NULL ? g_array_ref (rowids) : NULL;
  job->serial = ++self->show_serial;

  if (job->points == NULL || job->points->len <= self->inline_max)
    {
      show_job_run (job);
      self->show_pending = FALSE;
      show_job_apply (self, job);
      show_job_free (job);
      update_busy (self);
      return;
    }

  self->show_pending = TRUE;
  update_busy (self);
  task = g_task_new (self, self->cancellable, on_show_job_done_cb, NULL);
  g_task_set_source_tag (task, show_points);
  g_task_set_task_data (task, job, show_job_free);
  g_task_run_in_thread (task, show_job_thread);
}

void
_bd_report_layer_set_inline_max (BdReportLayer *self,
                                 guint          n_points)
{
  g_return_if_fail (BD_IS_REPORT_LAYER (self));

  self->inline_max = n_points;
}

static void
set_filtering (BdReportLayer *self,
               gboolean       filtering)
{
  if (self->filtering == filtering)
    return;

  self->filtering = filtering;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILTERING]);
}

void
bd_report_layer_set_points (BdReportLayer *self,
                            GArray        *points)
{
  guint old_n;

  g_return_if_fail (BD_IS_REPORT_LAYER (self));
  g_return_if_fail (points == NULL || g_array_get_element_size (points) == sizeof (BdPoint));

  old_n = bd_report_layer_get_n_points (self);

  g_clear_pointer (&self->points, g_array_unref);
  if (points != NULL && points->len > 0)
    {
      /* Kept in rowid order (the store gives them so; hand-fed ones may
       * not be), for the filter and the selection. */
      const BdPoint *p = (const BdPoint *) (void *) points->data;
      gboolean sorted = TRUE;

      for (guint i = 1; i < points->len && sorted; i++)
        sorted = p[i - 1].rowid < p[i].rowid;

      self->points = g_array_sized_new (FALSE, FALSE, sizeof (BdPoint), points->len);
      g_array_append_vals (self->points, points->data, points->len);
      if (!sorted)
        g_array_sort (self->points, compare_points);
    }

  if (filter_active (self) && self->store != NULL)
    {
      /* Until the filter's answer is in, the old reports stay drawn. */
      run_filter (self);
    }
  else
    {
      show_points (self, NULL);
    }

  if (old_n != bd_report_layer_get_n_points (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_POINTS]);
}

guint
bd_report_layer_get_n_points (BdReportLayer *self)
{
  g_return_val_if_fail (BD_IS_REPORT_LAYER (self), 0);

  return self->points != NULL ? self->points->len : 0;
}

guint
bd_report_layer_get_n_shown (BdReportLayer *self)
{
  g_return_val_if_fail (BD_IS_REPORT_LAYER (self), 0);

  return self->n_shown;
}

gboolean
bd_report_layer_is_shown (BdReportLayer *self,
                          gint64         rowid)
{
  g_return_val_if_fail (BD_IS_REPORT_LAYER (self), FALSE);

  return find_rowid (self, rowid) >= 0;
}

guint
bd_report_layer_get_n_drawn (BdReportLayer *self)
{
  g_return_val_if_fail (BD_IS_REPORT_LAYER (self), 0);

  return self->n_drawn;
}

guint
bd_report_layer_get_n_drawn_reports (BdReportLayer *self)
{
  g_return_val_if_fail (BD_IS_REPORT_LAYER (self), 0);

  return self->n_drawn_reports;
}

gboolean
bd_report_layer_get_shown_bounds (BdReportLayer *self,
                                  double        *min_lat,
                                  double        *min_lon,
                                  double        *max_lat,
                                  double        *max_lon)
{
  double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;
  guint n = 0;

  g_return_val_if_fail (BD_IS_REPORT_LAYER (self), FALSE);

  for (guint i = 0; i < self->n_shown; i++)
    {
      const BdPoint *p = &self->shown[i];

      if (p->observed_at > self->as_of)
        continue;
      x0 = MIN (x0, p->x);
      y0 = MIN (y0, p->y);
      x1 = MAX (x1, p->x);
      y1 = MAX (y1, p->y);
      n++;
    }

  if (n == 0)
    return FALSE;

  /* y grows south. */
  *min_lon = x0 * 360.0 - 180.0;
  *max_lon = x1 * 360.0 - 180.0;
  *max_lat = atan (sinh (G_PI * (1.0 - 2.0 * y0))) * 180.0 / G_PI;
  *min_lat = atan (sinh (G_PI * (1.0 - 2.0 * y1))) * 180.0 / G_PI;

  return TRUE;
}

void
bd_report_layer_set_as_of (BdReportLayer *self,
                           gint64         as_of)
{
  g_return_if_fail (BD_IS_REPORT_LAYER (self));

  if (self->as_of == as_of)
    return;

  self->as_of = as_of;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AS_OF]);
}

gint64
bd_report_layer_get_as_of (BdReportLayer *self)
{
  g_return_val_if_fail (BD_IS_REPORT_LAYER (self), G_MAXINT64);

  return self->as_of;
}

gint64
bd_report_layer_pick (BdReportLayer *self,
                      double         x,
                      double         y,
                      double         radius)
{
  g_autoptr(GArray) items = NULL;
  View view;
  double dx, dy, wx, wy, r, best_d2;
  gint64 best = -1;

  g_return_val_if_fail (BD_IS_REPORT_LAYER (self), 0);

  if (self->index == NULL || self->n_shown == 0 || radius < 0 || !_bd_report_layer_get_view (self, &view))
    return 0;

  _bd_report_layer_widget_to_view (&view, x, y, &dx, &dy);
  wx = (view.cx + dx) / view.world;
  wy = (view.cy + dy) / view.world;
  r = radius / view.world;
  best_d2 = radius * radius;

  /* Every report, clustered or not, as of the layer's time. */
  items = g_array_new (FALSE, FALSE, sizeof (BdClusterItem));
  bd_cluster_index_query (self->index, CLUSTER_MAX_ZOOM + 1, wx - r, wy - r, wx + r, wy + r,
                          self->as_of, items);

  for (guint i = 0; i < items->len; i++)
    {
      const BdClusterItem *item = &g_array_index (items, BdClusterItem, i);
      const BdPoint *p = &self->shown[item->id];
      double px = (p->x - wx) * view.world;
      double py = (p->y - wy) * view.world;
      double d2 = px * px + py * py;

      /* Ties go to the more severe report, drawn on top, then the lower
       * rowid. */
      if (d2 < best_d2
          || (d2 <= best_d2 && best < 0)
          || (d2 == best_d2 && best >= 0
              && (p->severity > self->shown[best].severity
                  || (p->severity == self->shown[best].severity && p->rowid < self->shown[best].rowid))))
        {
          best_d2 = d2;
          best = item->id;
        }
    }

  return best >= 0 ? self->shown[best].rowid : 0;
}

gboolean
bd_report_layer_pick_cluster (BdReportLayer *self,
                              double         x,
                              double         y,
                              guint         *n_reports,
                              double        *latitude,
                              double        *longitude,
                              double        *zoom)
{
  View view;
  const DrawnCluster *best = NULL;
  double best_d2 = G_MAXDOUBLE;

  g_return_val_if_fail (BD_IS_REPORT_LAYER (self), FALSE);

  if (self->clusters->len == 0 || self->index == NULL || !_bd_report_layer_get_view (self, &view)
      || fabs (view.zoom - self->clusters_zoom) > 1e-9)
    return FALSE;

  for (guint i = 0; i < self->clusters->len; i++)
    {
      const DrawnCluster *c = &g_array_index (self->clusters, DrawnCluster, i);
      double sx, sy, d2;

      _bd_report_layer_view_to_widget (&view, c->x * view.world - view.cx, c->y * view.world - view.cy, &sx, &sy);
      d2 = (sx - x) * (sx - x) + (sy - y) * (sy - y);
      if (d2 <= (c->radius + 2.0) * (c->radius + 2.0) && d2 < best_d2)
        {
          best = c;
          best_d2 = d2;
        }
    }

  if (best == NULL)
    return FALSE;

  if (n_reports != NULL)
    *n_reports = best->count;
  if (longitude != NULL)
    *longitude = best->x * 360.0 - 180.0;
  if (latitude != NULL)
    *latitude = atan (sinh (G_PI * (1.0 - 2.0 * best->y))) * 180.0 / G_PI;
  if (zoom != NULL)
    *zoom = bd_cluster_index_get_split_zoom (self->index, best->zoom, best->id, self->as_of);

  return TRUE;
}

void
bd_report_layer_set_selected (BdReportLayer *self,
                              gint64         rowid)
{
  g_return_if_fail (BD_IS_REPORT_LAYER (self));

  if (self->selected == rowid)
    return;

  self->selected = rowid;
  self->selected_idx = find_rowid (self, rowid);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

gint64
bd_report_layer_get_selected (BdReportLayer *self)
{
  g_return_val_if_fail (BD_IS_REPORT_LAYER (self), 0);

  return self->selected;
}

void
_bd_report_layer_set_draw_mode (BdReportLayer         *self,
                                BdReportLayerDrawMode  mode)
{
  g_return_if_fail (BD_IS_REPORT_LAYER (self));

  self->draw_mode = mode;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ------------------------------------------------------------- filter */

static gboolean
set_string (char       **field,
            const char  *value)
{
  if (value != NULL && value[0] == '\0')
    value = NULL;
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

typedef struct
{
  BdReportLayer *self;
  guint          serial;
} FilterCall;

static void
on_filter_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  FilterCall *call = user_data;
  g_autoptr(BdReportLayer) self = call->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rowids = NULL;
  guint serial = call->serial;

  g_free (call);
  rowids = bd_store_query_rowids_finish (BD_STORE (object), result, &error);

  /* Disposed meanwhile, or another filter asked since. */
  if (g_cancellable_is_cancelled (self->cancellable) || serial != self->filter_serial)
    return;

  self->filter_pending = FALSE;
  if (rowids == NULL)
    {
      /* The list shows the same error; the map shows nothing rather than
       * reports the filter would hide. */
      g_warning ("Cannot filter the reports for the map: %s", error->message);
      rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
    }

  show_points (self, rowids);
}

/* Asks the store which reports the filter keeps, on a worker thread; the
 * points loaded are then shown through it. */
static void
run_filter (BdReportLayer *self)
{
  BdQuery query = { 0 };
  FilterCall *call;

  g_clear_handle_id (&self->filter_source, g_source_remove);
  g_cancellable_cancel (self->filter_cancellable);
  g_clear_object (&self->filter_cancellable);
  self->filter_serial++;
  self->filter_pending = FALSE;

  if (self->store == NULL || g_cancellable_is_cancelled (self->cancellable))
    {
      update_busy (self);
      return;
    }

  if (!filter_active (self))
    {
      show_points (self, NULL);
      return;
    }

  query.ward = self->ward;
  query.category = self->category;
  query.status = self->status;
  query.text = self->text;

  call = g_new0 (FilterCall, 1);
  call->self = g_object_ref (self);
  call->serial = self->filter_serial;
  self->filter_cancellable = g_cancellable_new ();
  self->filter_pending = TRUE;
  update_busy (self);
  bd_store_query_rowids_async (self->store, &query, self->filter_cancellable,
                               on_filter_done_cb, call);
}

static gboolean
filter_timeout_cb (gpointer user_data)
{
  BdReportLayer *self = user_data;

  self->filter_source = 0;
  run_filter (self);

  return G_SOURCE_REMOVE;
}

void
bd_report_layer_set_filter (BdReportLayer *self,
                            const char    *ward,
                            const char    *category,
                            const char    *status,
                            const char    *text)
{
  gboolean changed = FALSE;

  g_return_if_fail (BD_IS_REPORT_LAYER (self));

  changed |= set_string (&self->ward, ward);
  changed |= set_string (&self->category, category);
  changed |= set_string (&self->status, status);
  changed |= set_string (&self->text, text);

  if (!changed || self->store == NULL)
    return;

  /* Debounced as the list is: typing costs one query. */
  g_clear_handle_id (&self->filter_source, g_source_remove);
  self->filter_source = g_timeout_add (FILTER_DELAY_MS, filter_timeout_cb, self);
  update_busy (self);
}

gboolean
bd_report_layer_get_filtering (BdReportLayer *self)
{
  g_return_val_if_fail (BD_IS_REPORT_LAYER (self), FALSE);

  return self->filtering;
}

/* -------------------------------------------------------------- store */

static void
on_points_loaded_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(BdReportLayer) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) points = NULL;

  if (g_async_result_is_tagged (result, bd_store_load_points_as_of_async))
    points = bd_store_load_points_as_of_finish (BD_STORE (object), result, &error);
  else
    points = bd_store_load_points_finish (BD_STORE (object), result, &error);
  self->loading = FALSE;

  /* Disposed meanwhile. */
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  if (points == NULL)
    g_warning ("Cannot load the reports for the map: %s", error->message);
  else
    bd_report_layer_set_points (self, points);

  if (self->reload_pending)
    {
      self->reload_pending = FALSE;
      load_points (self);
    }
}

static void
load_points (BdReportLayer *self)
{
  if (self->store == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;

  /* One load at a time; changes during a load cause one more. */
  if (self->loading)
    {
      self->reload_pending = TRUE;
      return;
    }

  self->loading = TRUE;
  if (self->points_as_of != G_MAXINT64)
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (self->points_as_of);

      if (when != NULL)
        {
          bd_store_load_points_as_of_async (self->store, when, self->cancellable,
                                            on_points_loaded_cb, g_object_ref (self));
          return;
        }
    }
  bd_store_load_points_async (self->store, self->cancellable, on_points_loaded_cb,
                              g_object_ref (self));
}

void
bd_report_layer_set_time (BdReportLayer *self,
                          gint64         as_of)
{
  g_return_if_fail (BD_IS_REPORT_LAYER (self));

  bd_report_layer_set_as_of (self, as_of);
  if (self->points_as_of == as_of)
    return;

  self->points_as_of = as_of;
  /* the points as of then, read on a worker thread, debounced: a slider
   * dragged costs one load a RELOAD_DELAY_MS at most */
  if (self->store != NULL && self->reload_source == 0
      && !g_cancellable_is_cancelled (self->cancellable))
    self->reload_source = g_timeout_add (RELOAD_DELAY_MS, reload_timeout_cb, self);
}

static gboolean
reload_timeout_cb (gpointer user_data)
{
  BdReportLayer *self = user_data;

  self->reload_source = 0;
  load_points (self);

  return G_SOURCE_REMOVE;
}

/* On the main thread. */
static gboolean
schedule_reload_cb (gpointer user_data)
{
  BdReportLayer *self = user_data;

  if (self->store != NULL && self->reload_source == 0
      && !g_cancellable_is_cancelled (self->cancellable))
    self->reload_source = g_timeout_add (RELOAD_DELAY_MS, reload_timeout_cb, self);

  return G_SOURCE_REMOVE;
}

/* "changed" comes on the thread that made the change: hop to ours. */
static void
on_store_changed_cb (BdStore       *store,
                     BdStoreChange  change,
                     const char    *report_id,
                     gint64         rowid,
                     gpointer       user_data)
{
  BdReportLayer *self = user_data;

  g_main_context_invoke_full (self->main_context, G_PRIORITY_DEFAULT, schedule_reload_cb,
                              g_object_ref (self), g_object_unref);
}

/* ------------------------------------------------------------ GObject */

static void
on_viewport_notify_cb (BdReportLayer *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

BdReportLayer *
bd_report_layer_new (ShumateViewport *viewport,
                     BdStore         *store)
{
  g_return_val_if_fail (SHUMATE_IS_VIEWPORT (viewport), NULL);
  g_return_val_if_fail (store == NULL || BD_IS_STORE (store), NULL);

  return g_object_new (BD_TYPE_REPORT_LAYER,
                       "viewport", viewport,
                       "store", store,
                       NULL);
}

static void
bd_report_layer_constructed (GObject *object)
{
  BdReportLayer *self = BD_REPORT_LAYER (object);
  ShumateViewport *viewport;

  G_OBJECT_CLASS (bd_report_layer_parent_class)->constructed (object);

  viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  g_signal_connect_object (viewport, "notify", G_CALLBACK (on_viewport_notify_cb), self,
                           G_CONNECT_SWAPPED);

  if (self->store != NULL)
    {
      self->changed_handler = g_signal_connect (self->store, "changed",
                                                G_CALLBACK (on_store_changed_cb), self);
      load_points (self);
    }
}

static void
bd_report_layer_dispose (GObject *object)
{
  BdReportLayer *self = BD_REPORT_LAYER (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->filter_cancellable);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  g_clear_handle_id (&self->filter_source, g_source_remove);
  if (self->store != NULL)
    g_clear_signal_handler (&self->changed_handler, self->store);
  g_clear_object (&self->store);
  _bd_report_layer_clear_sprites (self);

  G_OBJECT_CLASS (bd_report_layer_parent_class)->dispose (object);
}

static void
bd_report_layer_finalize (GObject *object)
{
  BdReportLayer *self = BD_REPORT_LAYER (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->filter_cancellable);
  g_clear_pointer (&self->main_context, g_main_context_unref);
  g_clear_pointer (&self->points, g_array_unref);
  g_clear_pointer (&self->shown, g_free);
  g_clear_pointer (&self->index, bd_cluster_index_free);
  g_clear_pointer (&self->ward, g_free);
  g_clear_pointer (&self->category, g_free);
  g_clear_pointer (&self->status, g_free);
  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->items, g_array_unref);
  g_clear_pointer (&self->individual, g_array_unref);
  g_clear_pointer (&self->clusters, g_array_unref);
  g_clear_pointer (&self->colours, g_free);
  g_clear_pointer (&self->dot_sprites, g_free);
  g_clear_pointer (&self->label_font.scratch, pango_glyph_string_free);
  g_clear_pointer (&self->cluster_sprites, g_free);

  G_OBJECT_CLASS (bd_report_layer_parent_class)->finalize (object);
}

static void
bd_report_layer_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  BdReportLayer *self = BD_REPORT_LAYER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_SELECTED:
      g_value_set_int64 (value, self->selected);
      break;
    case PROP_N_POINTS:
      g_value_set_uint (value, bd_report_layer_get_n_points (self));
      break;
    case PROP_N_SHOWN:
      g_value_set_uint (value, self->n_shown);
      break;
    case PROP_AS_OF:
      g_value_set_int64 (value, self->as_of);
      break;
    case PROP_FILTERING:
      g_value_set_boolean (value, self->filtering);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_report_layer_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  BdReportLayer *self = BD_REPORT_LAYER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_SELECTED:
      bd_report_layer_set_selected (self, g_value_get_int64 (value));
      break;
    case PROP_AS_OF:
      bd_report_layer_set_as_of (self, g_value_get_int64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_report_layer_css_changed (GtkWidget         *widget,
                             GtkCssStyleChange *change)
{
  BdReportLayer *self = BD_REPORT_LAYER (widget);

  GTK_WIDGET_CLASS (bd_report_layer_parent_class)->css_changed (widget, change);

  /* The font may have changed. */
  _bd_report_layer_clear_glyphs (self);
}

static void
bd_report_layer_system_setting_changed (GtkWidget        *widget,
                                        GtkSystemSetting  setting)
{
  BdReportLayer *self = BD_REPORT_LAYER (widget);

  GTK_WIDGET_CLASS (bd_report_layer_parent_class)->system_setting_changed (widget, setting);

  _bd_report_layer_clear_glyphs (self);
  gtk_widget_queue_draw (widget);
}

static void
bd_report_layer_class_init (BdReportLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = bd_report_layer_constructed;
  object_class->dispose = bd_report_layer_dispose;
  object_class->finalize = bd_report_layer_finalize;
  object_class->get_property = bd_report_layer_get_property;
  object_class->set_property = bd_report_layer_set_property;

  widget_class->snapshot = _bd_report_layer_snapshot;
  widget_class->css_changed = bd_report_layer_css_changed;
  widget_class->system_setting_changed = bd_report_layer_system_setting_changed;

  /**
   * BdReportLayer:store:
   *
   * The store the points load from (on a worker thread), or %NULL when they
   * are set by hand.
   */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         BD_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * BdReportLayer:selected:
   *
   * The rowid of the highlighted report, 0 for none.
   */
  properties[PROP_SELECTED] =
    g_param_spec_int64 ("selected", NULL, NULL,
                        0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BdReportLayer:n-points:
   *
   * How many reports the layer holds (notified when points are loaded).
   */
  properties[PROP_N_POINTS] =
    g_param_spec_uint ("n-points", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BdReportLayer:n-shown:
   *
   * How many of them the filter keeps (notified when it changes).
   */
  properties[PROP_N_SHOWN] =
    g_param_spec_uint ("n-shown", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BdReportLayer:as-of:
   *
   * Only the reports observed at or before this time (unix seconds) are
   * drawn; G_MAXINT64 (the default) for all.
   */
  properties[PROP_AS_OF] =
    g_param_spec_int64 ("as-of", NULL, NULL,
                        G_MININT64, G_MAXINT64, G_MAXINT64,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BdReportLayer:filtering:
   *
   * TRUE while a new filter waits for the store's answer (the reports of
   * the old one are drawn meanwhile).
   */
  properties[PROP_FILTERING] =
    g_param_spec_boolean ("filtering", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "report-layer");
}

static void
bd_report_layer_init (BdReportLayer *self)
{
  const BdCategory *categories;
  guint n_categories = 0;

  self->cancellable = g_cancellable_new ();
  self->main_context = g_main_context_ref_thread_default ();
  self->selected_idx = -1;
  self->draw_mode = BD_REPORT_LAYER_DRAW_SPRITES;
  self->inline_max = INLINE_MAX;

  self->as_of = G_MAXINT64;
  self->points_as_of = G_MAXINT64;
  self->items = g_array_new (FALSE, FALSE, sizeof (BdClusterItem));
  self->individual = g_array_new (FALSE, FALSE, sizeof (Visible));
  self->clusters = g_array_new (FALSE, FALSE, sizeof (DrawnCluster));

  /* The catalogue's colours, parsed once; the last slot is for an unknown
   * category index. */
  categories = bd_catalog_get_categories (&n_categories);
  self->n_colours = n_categories + 1;
  self->colours = g_new (GdkRGBA, self->n_colours);
  for (guint i = 0; i < n_categories; i++)
    if (categories[i].color == NULL || !gdk_rgba_parse (&self->colours[i], categories[i].color))
      self->colours[i] = unknown_colour;
  self->colours[n_categories] = unknown_colour;

  self->dot_sprites = g_new0 (GdkTexture *, 2 * self->n_colours * N_SEVERITIES);
  self->label_font.scratch = pango_glyph_string_new ();
  self->cluster_sprites = g_new0 (GdkTexture *, self->n_colours * N_CLUSTER_SIZES);
}

