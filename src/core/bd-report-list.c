/* bd-report-list.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-report-list"

#include "config.h"

#include "bd-report-list.h"

/* How long to wait after a change before querying again, so that a burst of
 * changes (typing in the search entry, a sync pulling a page) costs one
 * query. */
#define DEBOUNCE_MS 150

/* How many reports get_item keeps. */
#define CACHE_SIZE 256

typedef struct
{
  gint64    rowid;
  BdReport *report;
} CacheEntry;

struct _BdReportList
{
  GObject        parent_instance;

  BdStore       *store;
  gulong         changed_id;

  GArray        *rowids;           /* gint64, what the model shows */

  char          *ward;
  char          *category;
  char          *status;
  char          *text;
  BdQuerySort    sort;
  gboolean       has_bbox;
  double         min_lon;
  double         min_lat;
  double         max_lon;
  double         max_lat;

  gboolean       loading;
  guint          timeout_id;
  GCancellable  *cancellable;      /* of the query in flight */

  /* rowids changed in the store since the last query was started */
  GHashTable    *dirty;
  gboolean       all_dirty;

  /* a small LRU cache of items: rowid -> GList link in lru */
  GHashTable    *cache;
  GQueue         lru;

  /* issue 12: the department filter (plain setters, no properties) */
  char          *department;
  gboolean       unassigned;

  /* issue 10: as of a time (unix s), G_MAXINT64: now */
  gint64         as_of;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BdReportList, bd_report_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_STORE,
  PROP_WARD,
  PROP_CATEGORY,
  PROP_STATUS,
  PROP_TEXT,
  PROP_SORT,
  PROP_HAS_BBOX,
  PROP_LOADING,
  PROP_N_ITEMS,
  PROP_AS_OF,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Cache */

static void
cache_entry_free (gpointer data)
{
  CacheEntry *entry = data;

  g_clear_object (&entry->report);
  g_free (entry);
}

static void
cache_clear (BdReportList *self)
{
  g_hash_table_remove_all (self->cache);
  g_queue_clear_full (&self->lru, cache_entry_free);
}

static BdReport *
cache_lookup (BdReportList *self,
              gint64        rowid)
{
  GList *link = g_hash_table_lookup (self->cache, &rowid);
  CacheEntry *entry;

  if (link == NULL)
    return NULL;

  g_queue_unlink (&self->lru, link);
  g_queue_push_head_link (&self->lru, link);
  entry = link->data;

  return entry->report;
}

static void
cache_insert (BdReportList *self,
              gint64        rowid,
              BdReport     *report)
{
  CacheEntry *entry = g_new0 (CacheEntry, 1);

  entry->rowid = rowid;
  entry->report = g_object_ref (report);
  g_queue_push_head (&self->lru, entry);
  g_hash_table_insert (self->cache, &entry->rowid, self->lru.head);

  while (self->lru.length > CACHE_SIZE)
    {
      CacheEntry *old = g_queue_pop_tail (&self->lru);

      g_hash_table_remove (self->cache, &old->rowid);
      cache_entry_free (old);
    }
}

/* Querying */

static void
set_loading (BdReportList *self,
             gboolean      loading)
{
  if (self->loading == loading)
    return;

  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static gboolean
is_dirty (BdReportList *self,
          gint64        rowid)
{
  return self->all_dirty || g_hash_table_contains (self->dirty, &rowid);
}

/* Replaces the rows with @rowids, signalling the smallest range that
 * covers every difference (and every row that changed in the store). */
static void
apply_rowids (BdReportList *self,
              GArray       *rowids)
{
  g_autoptr(GArray) old = NULL;
  const gint64 *a = (const gint64 *) self->rowids->data;
  const gint64 *b = (const gint64 *) rowids->data;
  guint n_old = self->rowids->len;
  guint n_new = rowids->len;
  guint prefix = 0;
  guint suffix = 0;
  guint removed;
  guint added;

  while (prefix < n_old && prefix < n_new &&
         a[prefix] == b[prefix] && !is_dirty (self, a[prefix]))
    prefix++;
  while (suffix < n_old - prefix && suffix < n_new - prefix &&
         a[n_old - 1 - suffix] == b[n_new - 1 - suffix] &&
         !is_dirty (self, a[n_old - 1 - suffix]))
    suffix++;

  removed = n_old - prefix - suffix;
  added = n_new - prefix - suffix;

  old = g_steal_pointer (&self->rowids);
  self->rowids = g_array_ref (rowids);
  /* Rows that changed while this query ran stay dirty for the next one. */
  if (self->timeout_id == 0)
    {
      g_hash_table_remove_all (self->dirty);
      self->all_dirty = FALSE;
    }

  if (removed > 0 || added > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), prefix, removed, added);
  if (n_old != n_new)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static void
query_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GArray) rowids = NULL;
  g_autoptr(GError) error = NULL;
  BdReportList *self;

  rowids = bd_store_query_rowids_finish (BD_STORE (object), result, &error);

  /* A cancelled query belongs to a list that has been disposed or that has
   * started a newer query: do not touch the list. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = BD_REPORT_LIST (user_data);
  g_clear_object (&self->cancellable);

  if (rowids == NULL)
    g_warning ("Cannot list the reports: %s", error->message);
  else
    apply_rowids (self, rowids);

  if (self->timeout_id == 0)
    set_loading (self, FALSE);
}

static void
run_query (BdReportList *self)
{
  BdQuery query = { 0 };

  g_clear_handle_id (&self->timeout_id, g_source_remove);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  query.has_bbox = self->has_bbox;
  query.min_lon = self->min_lon;
  query.min_lat = self->min_lat;
  query.max_lon = self->max_lon;
  query.max_lat = self->max_lat;
  query.ward = self->ward;
  query.category = self->category;
  query.status = self->status;
  query.text = self->text;
  query.sort = self->sort;
  query.department = self->department;
  query.unassigned = self->unassigned;
  query.has_as_of = self->as_of != G_MAXINT64;
  query.as_of = self->as_of;

  set_loading (self, TRUE);
  bd_store_query_rowids_async (self->store, &query, self->cancellable,
                               query_done_cb, self);
}

static gboolean
debounce_cb (gpointer user_data)
{
  BdReportList *self = user_data;

  self->timeout_id = 0;
  run_query (self);

  return G_SOURCE_REMOVE;
}

/* Queries again after a short delay; @restart pushes a pending query back
 * (typing), otherwise a pending one is left to run. */
static void
queue_query (BdReportList *self,
             gboolean      restart)
{
  if (self->timeout_id != 0)
    {
      if (!restart)
        return;
      g_clear_handle_id (&self->timeout_id, g_source_remove);
    }

  self->timeout_id = g_timeout_add (DEBOUNCE_MS, debounce_cb, self);
  set_loading (self, TRUE);
}

static void
on_store_changed_cb (BdStore      *store,
                     int           change,
                     const char   *report_id,
                     gint64        rowid,
                     BdReportList *self)
{
  cache_clear (self);

  if (change == BD_STORE_CHANGE_RELOADED)
    self->all_dirty = TRUE;
  else
    {
      gint64 *key = g_new (gint64, 1);

      *key = rowid;
      g_hash_table_add (self->dirty, key);
    }

  queue_query (self, FALSE);
}

static gboolean
set_string (char       **field,
            const char  *value)
{
  if (value != NULL && *value == '\0')
    value = NULL;
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

/* GListModel */

static GType
bd_report_list_get_item_type (GListModel *model)
{
  return BD_TYPE_REPORT;
}

static guint
bd_report_list_get_n_items (GListModel *model)
{
  BdReportList *self = BD_REPORT_LIST (model);

  return self->rowids->len;
}

static gpointer
bd_report_list_get_item (GListModel *model,
                         guint       position)
{
  BdReportList *self = BD_REPORT_LIST (model);
  g_autoptr(GError) error = NULL;
  g_autoptr(BdReport) report = NULL;
  gint64 rowid;
  BdReport *cached;

  if (position >= self->rowids->len)
    return NULL;

  rowid = g_array_index (self->rowids, gint64, position);
  if ((cached = cache_lookup (self, rowid)))
    return g_object_ref (cached);

  if (self->as_of != G_MAXINT64)
    report = bd_store_get_report_as_of (self->store, rowid, self->as_of, &error);
  else
    report = bd_store_get_report_by_rowid (self->store, rowid, &error);
  if (report == NULL)
    {
      g_debug ("Report %" G_GINT64_FORMAT " is gone: %s", rowid, error->message);
      return NULL;
    }

  cache_insert (self, rowid, report);
  return g_steal_pointer (&report);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = bd_report_list_get_item_type;
  iface->get_n_items = bd_report_list_get_n_items;
  iface->get_item = bd_report_list_get_item;
}

/* GObject */

static void
bd_report_list_constructed (GObject *object)
{
  BdReportList *self = (BdReportList *) object;

  G_OBJECT_CLASS (bd_report_list_parent_class)->constructed (object);

  g_assert (BD_IS_STORE (self->store));

  self->changed_id = g_signal_connect (self->store, "changed",
                                       G_CALLBACK (on_store_changed_cb), self);
  run_query (self);
}

static void
bd_report_list_dispose (GObject *object)
{
  BdReportList *self = (BdReportList *) object;

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_signal_handler (&self->changed_id, self->store);
  g_clear_object (&self->store);
  cache_clear (self);

  G_OBJECT_CLASS (bd_report_list_parent_class)->dispose (object);
}

static void
bd_report_list_finalize (GObject *object)
{
  BdReportList *self = (BdReportList *) object;

  g_clear_pointer (&self->rowids, g_array_unref);
  g_clear_pointer (&self->dirty, g_hash_table_unref);
  g_clear_pointer (&self->cache, g_hash_table_unref);
  g_clear_pointer (&self->ward, g_free);
  g_clear_pointer (&self->category, g_free);
  g_clear_pointer (&self->status, g_free);
  g_clear_pointer (&self->department, g_free);
  g_clear_pointer (&self->text, g_free);

  G_OBJECT_CLASS (bd_report_list_parent_class)->finalize (object);
}

static void
bd_report_list_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  BdReportList *self = BD_REPORT_LIST (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_WARD:
      g_value_set_string (value, self->ward);
      break;
    case PROP_CATEGORY:
      g_value_set_string (value, self->category);
      break;
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;
    case PROP_SORT:
      g_value_set_uint (value, self->sort);
      break;
    case PROP_HAS_BBOX:
      g_value_set_boolean (value, self->has_bbox);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->rowids->len);
      break;
    case PROP_AS_OF:
      g_value_set_int64 (value, self->as_of);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_report_list_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  BdReportList *self = BD_REPORT_LIST (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_WARD:
      bd_report_list_set_ward (self, g_value_get_string (value));
      break;
    case PROP_CATEGORY:
      bd_report_list_set_category (self, g_value_get_string (value));
      break;
    case PROP_STATUS:
      bd_report_list_set_status (self, g_value_get_string (value));
      break;
    case PROP_TEXT:
      bd_report_list_set_text (self, g_value_get_string (value));
      break;
    case PROP_SORT:
      bd_report_list_set_sort (self, g_value_get_uint (value));
      break;
    case PROP_AS_OF:
      bd_report_list_set_as_of (self, g_value_get_int64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_report_list_class_init (BdReportListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = bd_report_list_constructed;
  object_class->dispose = bd_report_list_dispose;
  object_class->finalize = bd_report_list_finalize;
  object_class->get_property = bd_report_list_get_property;
  object_class->set_property = bd_report_list_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         BD_TYPE_STORE,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_WARD] =
    g_param_spec_string ("ward", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_CATEGORY] =
    g_param_spec_string ("category", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_SORT] =
    g_param_spec_uint ("sort", NULL, NULL,
                       BD_QUERY_SORT_UPDATED, BD_QUERY_SORT_SEVERITY, BD_QUERY_SORT_UPDATED,
                       (G_PARAM_READWRITE |
                        G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));

  properties[PROP_HAS_BBOX] =
    g_param_spec_boolean ("has-bbox", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE |
                           G_PARAM_EXPLICIT_NOTIFY |
                           G_PARAM_STATIC_STRINGS));

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE |
                           G_PARAM_EXPLICIT_NOTIFY |
                           G_PARAM_STATIC_STRINGS));

  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE |
                        G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));

  /**
   * BdReportList:as-of:
   *
   * Issue 10: the reports as of this time (unix s; G_MAXINT64: now).
   */
  properties[PROP_AS_OF] =
    g_param_spec_int64 ("as-of", NULL, NULL,
                        G_MININT64, G_MAXINT64, G_MAXINT64,
                        (G_PARAM_READWRITE |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bd_report_list_init (BdReportList *self)
{
  self->as_of = G_MAXINT64;
  self->rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->dirty = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->cache = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_queue_init (&self->lru);
}

/* Public API */

BdReportList *
bd_report_list_new (BdStore *store)
{
  g_return_val_if_fail (BD_IS_STORE (store), NULL);

  return g_object_new (BD_TYPE_REPORT_LIST, "store", store, NULL);
}

BdStore *
bd_report_list_get_store (BdReportList *self)
{
  g_return_val_if_fail (BD_IS_REPORT_LIST (self), NULL);

  return self->store;
}

void
bd_report_list_set_ward (BdReportList *self,
                         const char   *ward)
{
  g_return_if_fail (BD_IS_REPORT_LIST (self));

  if (!set_string (&self->ward, ward))
    return;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WARD]);
  queue_query (self, TRUE);
}

void
bd_report_list_set_category (BdReportList *self,
                             const char   *category)
{
  g_return_if_fail (BD_IS_REPORT_LIST (self));

  if (!set_string (&self->category, category))
    return;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CATEGORY]);
  queue_query (self, TRUE);
}

void
bd_report_list_set_status (BdReportList *self,
                           const char   *status)
{
  g_return_if_fail (BD_IS_REPORT_LIST (self));

  if (!set_string (&self->status, status))
    return;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
  queue_query (self, TRUE);
}

void
bd_report_list_set_text (BdReportList *self,
                         const char   *text)
{
  g_return_if_fail (BD_IS_REPORT_LIST (self));

  if (!set_string (&self->text, text))
    return;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
  queue_query (self, TRUE);
}

void
bd_report_list_set_sort (BdReportList *self,
                         BdQuerySort   sort)
{
  g_return_if_fail (BD_IS_REPORT_LIST (self));
  g_return_if_fail (sort <= BD_QUERY_SORT_SEVERITY);

  if (self->sort == sort)
    return;

  self->sort = sort;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT]);
  /* Every row may move. */
  self->all_dirty = TRUE;
  queue_query (self, TRUE);
}

BdQuerySort
bd_report_list_get_sort (BdReportList *self)
{
  g_return_val_if_fail (BD_IS_REPORT_LIST (self), BD_QUERY_SORT_UPDATED);

  return self->sort;
}

guint
bd_report_list_find_rowid (BdReportList *self,
                           gint64        rowid)
{
  g_return_val_if_fail (BD_IS_REPORT_LIST (self), G_MAXUINT);

  for (guint i = 0; i < self->rowids->len; i++)
    if (g_array_index (self->rowids, gint64, i) == rowid)
      return i;

  return G_MAXUINT;
}

void
bd_report_list_set_bbox (BdReportList *self,
                         double        min_lon,
                         double        min_lat,
                         double        max_lon,
                         double        max_lat)
{
  g_return_if_fail (BD_IS_REPORT_LIST (self));

  if (self->has_bbox &&
      self->min_lon == min_lon && self->min_lat == min_lat &&
      self->max_lon == max_lon && self->max_lat == max_lat)
    return;

  self->min_lon = min_lon;
  self->min_lat = min_lat;
  self->max_lon = max_lon;
  self->max_lat = max_lat;
  if (!self->has_bbox)
    {
      self->has_bbox = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_BBOX]);
    }
  queue_query (self, TRUE);
}

void
bd_report_list_clear_bbox (BdReportList *self)
{
  g_return_if_fail (BD_IS_REPORT_LIST (self));

  if (!self->has_bbox)
    return;

  self->has_bbox = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_BBOX]);
  queue_query (self, TRUE);
}

gboolean
bd_report_list_get_loading (BdReportList *self)
{
  g_return_val_if_fail (BD_IS_REPORT_LIST (self), FALSE);

  return self->loading;
}

void
bd_report_list_refresh (BdReportList *self)
{
  g_return_if_fail (BD_IS_REPORT_LIST (self));

  run_query (self);
}

void
bd_report_list_set_department (BdReportList *self,
                               const char   *department,
                               gboolean      unassigned)
{
  g_return_if_fail (BD_IS_REPORT_LIST (self));

  unassigned = unassigned && (department == NULL || *department == '\0');
  if (!set_string (&self->department, department) && self->unassigned == unassigned)
    return;

  self->unassigned = unassigned;
  queue_query (self, TRUE);
}

const char *
bd_report_list_get_department (BdReportList *self,
                               gboolean     *unassigned)
{
  g_return_val_if_fail (BD_IS_REPORT_LIST (self), NULL);

  if (unassigned != NULL)
    *unassigned = self->unassigned;
  return self->department;
}

void
bd_report_list_set_as_of (BdReportList *self,
                          gint64        as_of)
{
  g_return_if_fail (BD_IS_REPORT_LIST (self));

  if (self->as_of == as_of)
    return;

  self->as_of = as_of;
  /* every row may read differently now (its status then) */
  cache_clear (self);
  self->all_dirty = TRUE;
  queue_query (self, TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AS_OF]);
}

gint64
bd_report_list_get_as_of (BdReportList *self)
{
  g_return_val_if_fail (BD_IS_REPORT_LIST (self), G_MAXINT64);

  return self->as_of;
}
