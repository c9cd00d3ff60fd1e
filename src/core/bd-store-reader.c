/* bd-store-reader.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-store"

#include "config.h"

#include "bd-store-private.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include "bd-catalog.h"
#include "bd-fts-private.h"

struct _BdStoreReader
{
  sqlite3       *db;
  GHashTable    *query_stmts;
  sqlite3_stmt  *points;
  sqlite3_stmt  *points_as_of;
};

/* Queries, shared by the store and its readers */

enum {
  QUERY_BBOX     = 1 << 0,
  QUERY_WARD     = 1 << 1,
  QUERY_CATEGORY = 1 << 2,
  QUERY_STATUS   = 1 << 3,
  QUERY_TEXT     = 1 << 4,
  QUERY_LIMIT    = 1 << 5,
  QUERY_FEATURES = 1 << 6,
  QUERY_OBSERVED = 1 << 7,     /* sorted by observed time */
  QUERY_SEVERITY = 1 << 8,     /* sorted by severity */
  QUERY_DEPARTMENT = 1 << 14,  /* one department (?20) */
  QUERY_UNASSIGNED = 1 << 15,  /* no department */
  QUERY_AS_OF    = 1 << 16,    /* issue 10: as of a time (?21), by report_versions */
};

/* issue 10: the reports as of ?21: observed by then, in their version
 * valid then, not deleted then; the version's ward, category, status,
 * severity and place filter and sort. */
static GString *
build_as_of_query (guint mask)
{
  GString *sql = g_string_new ("SELECT r.rowid");

  if (mask & QUERY_FEATURES)
    g_string_append (sql, ", r.feature, r.rev, r.seq, r.deleted");
  g_string_append (sql,
                   " FROM report_versions v CROSS JOIN reports r ON r.rowid = v.report_rowid"
                   " WHERE v.valid_from <= ?21 AND (v.valid_to IS NULL OR v.valid_to > ?21)"
                   " AND v.deleted = 0 AND coalesce(v.observed_at, v.valid_from) <= ?21");
  if (mask & QUERY_BBOX)
    g_string_append (sql, " AND v.lon BETWEEN ?10 AND ?12 AND v.lat BETWEEN ?11 AND ?13");
  if (mask & QUERY_WARD)
    g_string_append (sql, " AND v.ward = ?5");
  if (mask & QUERY_CATEGORY)
    g_string_append (sql, " AND v.category = ?6");
  if (mask & QUERY_STATUS)
    g_string_append (sql, " AND v.status = ?7");
  if (mask & QUERY_DEPARTMENT)
    g_string_append (sql, " AND r.department = ?20");
  else if (mask & QUERY_UNASSIGNED)
    g_string_append (sql, " AND r.department IS NULL");
  if (mask & QUERY_TEXT)
    g_string_append (sql, " AND r.rowid IN (SELECT rowid FROM reports_fts WHERE reports_fts MATCH ?8)");
  if (mask & QUERY_SEVERITY)
    g_string_append (sql, " ORDER BY v.severity DESC,"
                     " coalesce(v.observed_at, r.created_at) DESC, r.rowid DESC");
  else if (mask & QUERY_OBSERVED)
    g_string_append (sql, " ORDER BY coalesce(v.observed_at, r.created_at) DESC, r.rowid DESC");
  else
    g_string_append (sql, " ORDER BY v.valid_from DESC, r.rowid DESC");
  if (mask & QUERY_LIMIT)
    g_string_append (sql, " LIMIT ?9");

  return sql;
}

static sqlite3_stmt *
get_query_stmt (sqlite3     *db,
                GHashTable  *cache,
                guint        mask,
                GError     **error)
{
  g_autoptr(GString) sql = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if ((stmt = g_hash_table_lookup (cache, GUINT_TO_POINTER (mask + 1))))
    return stmt;

  if (mask & QUERY_AS_OF)
    {
      sql = build_as_of_query (mask);
      goto prepare;
    }

  if (mask & QUERY_BBOX)
    {
      /* Driven by the R*Tree, which holds only live reports and whose
       * max_t orders them like updated_at; the reports table is read only
       * for the other filters. */
      gboolean join = (mask & (QUERY_FEATURES | QUERY_WARD | QUERY_CATEGORY | QUERY_STATUS |
                               QUERY_OBSERVED | QUERY_SEVERITY |
                               QUERY_DEPARTMENT | QUERY_UNASSIGNED)) != 0;

      sql = g_string_new ("SELECT t.id");
      if (mask & QUERY_FEATURES)
        g_string_append (sql, ", r.feature, r.rev, r.seq, r.deleted");
      g_string_append (sql, " FROM reports_rtree t");
      if (join)
        g_string_append (sql, " CROSS JOIN reports r ON r.rowid = t.id");
      g_string_append (sql,
                       " WHERE t.max_lon >= ?1 AND t.min_lon <= ?3"
                       " AND t.max_lat >= ?2 AND t.min_lat <= ?4");
      /* The rounded coordinates decide, except for a point on the rounded
       * edge of the box: that one is checked against the row. */
      if (join)
        g_string_append (sql,
                         " AND r.deleted = 0"
                         " AND r.lon BETWEEN ?10 AND ?12 AND r.lat BETWEEN ?11 AND ?13");
      else
        g_string_append (sql,
                         " AND ((t.min_lon > ?1 AND t.min_lon < ?3"
                         "   AND t.min_lat > ?2 AND t.min_lat < ?4)"
                         "  OR EXISTS (SELECT 1 FROM reports x WHERE x.rowid = t.id"
                         "   AND x.lon BETWEEN ?10 AND ?12 AND x.lat BETWEEN ?11 AND ?13))");
    }
  else
    {
      sql = g_string_new ("SELECT r.rowid");
      if (mask & QUERY_FEATURES)
        g_string_append (sql, ", r.feature, r.rev, r.seq, r.deleted");
      g_string_append (sql, " FROM reports r WHERE r.deleted = 0");
    }
  if (mask & QUERY_WARD)
    g_string_append (sql, " AND r.ward = ?5");
  if (mask & QUERY_CATEGORY)
    g_string_append (sql, " AND r.category = ?6");
  if (mask & QUERY_STATUS)
    g_string_append (sql, " AND r.status = ?7");
  if (mask & QUERY_DEPARTMENT)
    g_string_append (sql, " AND r.department = ?20");
  else if (mask & QUERY_UNASSIGNED)
    g_string_append (sql, " AND r.department IS NULL");
  if (mask & QUERY_TEXT)
    g_string_append_printf (sql,
                            " AND %s IN (SELECT rowid FROM reports_fts"
                            "  WHERE reports_fts MATCH ?8)",
                            (mask & QUERY_BBOX) ? "t.id" : "r.rowid");
  if (mask & QUERY_SEVERITY)
    g_string_append_printf (sql, " ORDER BY r.severity DESC,"
                            " coalesce(r.observed_at, r.created_at) DESC, %s DESC",
                            (mask & QUERY_BBOX) ? "t.id" : "r.rowid");
  else if (mask & QUERY_OBSERVED)
    g_string_append_printf (sql, " ORDER BY coalesce(r.observed_at, r.created_at) DESC, %s DESC",
                            (mask & QUERY_BBOX) ? "t.id" : "r.rowid");
  else if (mask & QUERY_BBOX)
    g_string_append (sql, " ORDER BY t.max_t DESC, t.id DESC");
  else
    g_string_append (sql, " ORDER BY r.updated_at DESC, r.rowid DESC");
  if (mask & QUERY_LIMIT)
    g_string_append (sql, " LIMIT ?9");

prepare:
  rc = sqlite3_prepare_v3 (db, sql->str, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _bd_store_set_sql_error (db, error, rc, _("Cannot search the reports"));
      return NULL;
    }

  g_hash_table_insert (cache, GUINT_TO_POINTER (mask + 1), stmt);
  return stmt;
}

static gboolean
is_blank (const char *text)
{
  for (; text != NULL && *text != '\0'; text = g_utf8_next_char (text))
    if (!g_unichar_isspace (g_utf8_get_char (text)) && g_utf8_get_char (text) != 0x3000)
      return FALSE;
  return TRUE;
}

static gboolean
is_set (const char *s)
{
  return s != NULL && *s != '\0';
}

/* Runs @query, filling @rowids and/or @reports. */
gboolean
_bd_store_run_query (sqlite3        *db,
                     GHashTable     *cache,
                     const BdQuery  *query,
                     GArray         *rowids,
                     GPtrArray      *reports,
                     GError        **error)
{
  g_autofree char *match = NULL;
  sqlite3_stmt *stmt;
  guint mask = 0;
  int rc;

  if (query != NULL)
    {
      if (query->has_bbox)
        mask |= QUERY_BBOX;
      if (is_set (query->ward))
        mask |= QUERY_WARD;
      if (is_set (query->category))
        mask |= QUERY_CATEGORY;
      if (is_set (query->status))
        mask |= QUERY_STATUS;
      if (is_set (query->department))
        mask |= QUERY_DEPARTMENT;
      else if (query->unassigned)
        mask |= QUERY_UNASSIGNED;
      if (!is_blank (query->text))
        {
          /* nothing searchable (only punctuation): nothing matches */
          if (!(match = _bd_fts_build_query (query->text)))
            return TRUE;
          mask |= QUERY_TEXT;
        }
      if (query->limit > 0)
        mask |= QUERY_LIMIT;
      if (query->has_as_of)
        mask |= QUERY_AS_OF;
      if (query->sort == BD_QUERY_SORT_OBSERVED)
        mask |= QUERY_OBSERVED;
      else if (query->sort == BD_QUERY_SORT_SEVERITY)
        mask |= QUERY_SEVERITY;
    }
  if (reports != NULL)
    mask |= QUERY_FEATURES;

  if (!(stmt = get_query_stmt (db, cache, mask, error)))
    return FALSE;

  {
    g_autoptr(StmtScope) scope = stmt;

    if (mask & QUERY_AS_OF)
      sqlite3_bind_int64 (stmt, 21, query->as_of);
    if (mask & QUERY_BBOX)
      {
        sqlite3_bind_int64 (stmt, 1, rtree_degrees (MIN (query->min_lon, query->max_lon)));
        sqlite3_bind_int64 (stmt, 2, rtree_degrees (MIN (query->min_lat, query->max_lat)));
        sqlite3_bind_int64 (stmt, 3, rtree_degrees (MAX (query->min_lon, query->max_lon)));
        sqlite3_bind_int64 (stmt, 4, rtree_degrees (MAX (query->min_lat, query->max_lat)));
        sqlite3_bind_double (stmt, 10, MIN (query->min_lon, query->max_lon));
        sqlite3_bind_double (stmt, 11, MIN (query->min_lat, query->max_lat));
        sqlite3_bind_double (stmt, 12, MAX (query->min_lon, query->max_lon));
        sqlite3_bind_double (stmt, 13, MAX (query->min_lat, query->max_lat));
      }
    if (mask & QUERY_WARD)
      sqlite3_bind_text (stmt, 5, query->ward, -1, SQLITE_STATIC);
    if (mask & QUERY_CATEGORY)
      sqlite3_bind_text (stmt, 6, query->category, -1, SQLITE_STATIC);
    if (mask & QUERY_STATUS)
      sqlite3_bind_text (stmt, 7, query->status, -1, SQLITE_STATIC);
    if (mask & QUERY_DEPARTMENT)
      sqlite3_bind_text (stmt, 20, query->department, -1, SQLITE_STATIC);
    if (mask & QUERY_TEXT)
      sqlite3_bind_text (stmt, 8, match, -1, SQLITE_STATIC);
    if (mask & QUERY_LIMIT)
      sqlite3_bind_int64 (stmt, 9, query->limit);

    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        gint64 rowid = sqlite3_column_int64 (stmt, 0);

        if (rowids != NULL)
          g_array_append_val (rowids, rowid);
        if (reports != NULL)
          {
            BdReport *report = _bd_store_report_from_row (stmt, 1, error);

            if (report == NULL)
              return FALSE;
            g_ptr_array_add (reports, report);
          }
      }

    if (rc != SQLITE_DONE)
      {
        _bd_store_set_sql_error (db, error, rc, _("Cannot search the reports"));
        return FALSE;
      }
  }

  return TRUE;
}

GPtrArray *
bd_store_query (BdStore        *self,
                const BdQuery  *query,
                GError        **error)
{
  g_autoptr(GPtrArray) reports = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (BD_IS_STORE (self), NULL);

  if (!_bd_store_run_query (self->db, self->query_stmts, query, NULL, reports, error))
    return NULL;

  return g_steal_pointer (&reports);
}

GArray *
bd_store_query_rowids (BdStore        *self,
                       const BdQuery  *query,
                       GError        **error)
{
  g_autoptr(GArray) rowids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_return_val_if_fail (BD_IS_STORE (self), NULL);

  if (!_bd_store_run_query (self->db, self->query_stmts, query, rowids, NULL, error))
    return NULL;

  return g_steal_pointer (&rowids);
}

/* Readers */

BdStoreReader *
bd_store_reader_open (const char  *path,
                      GError     **error)
{
  g_autoptr(BdStoreReader) reader = NULL;
  gint64 version = 0;

  g_return_val_if_fail (path != NULL, NULL);

  reader = g_new0 (BdStoreReader, 1);
  reader->query_stmts = g_hash_table_new_full (NULL, NULL, NULL, finalize_stmt);

  if (!(reader->db = bd_sqlite_open (&_bd_store_schema, path, TRUE, error)) ||
      !bd_sqlite_check (&_bd_store_schema, reader->db, path, &version, error) ||
      !_bd_fts_register (reader->db, error))
    return NULL;

  if (version != BD_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_VERSION,
                   _("The database “%s” has not been upgraded yet"), path);
      return NULL;
    }

  /* Reading through a memory map saves a copy of every page. */
  bd_sqlite_exec (&_bd_store_schema, reader->db, "PRAGMA mmap_size = 268435456", NULL);

  return g_steal_pointer (&reader);
}

void
bd_store_reader_free (BdStoreReader *reader)
{
  if (reader == NULL)
    return;

  g_clear_pointer (&reader->points, sqlite3_finalize);
  g_clear_pointer (&reader->points_as_of, sqlite3_finalize);
  g_clear_pointer (&reader->query_stmts, g_hash_table_unref);
  if (reader->db != NULL)
    sqlite3_close (reader->db);
  g_free (reader);
}

GArray *
bd_store_reader_query_rowids (BdStoreReader  *reader,
                              const BdQuery  *query,
                              GError        **error)
{
  g_autoptr(GArray) rowids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_return_val_if_fail (reader != NULL, NULL);

  if (!_bd_store_run_query (reader->db, reader->query_stmts, query, rowids, NULL, error))
    return NULL;

  return g_steal_pointer (&rowids);
}

static guint8
status_index (const char *code)
{
  const BdStatus *statuses;
  guint n = 0;
  guint i;

  statuses = bd_catalog_get_statuses (&n);
  for (i = 0; code != NULL && i < n; i++)
    if (g_str_equal (statuses[i].code, code))
      return i;

  return G_MAXUINT8;
}

static int
compare_points (gconstpointer a,
                gconstpointer b)
{
  gint64 ra = ((const BdPoint *) a)->rowid;
  gint64 rb = ((const BdPoint *) b)->rowid;

  return ra < rb ? -1 : ra > rb;
}

/* Sorts @points by rowid. Rowids are nearly dense, so placing each point
 * by its rowid beats a comparison sort. */
static GArray *
sort_points (GArray *points,
             gint64  min_rowid,
             gint64  max_rowid)
{
  g_autofree gint32 *slots = NULL;
  GArray *sorted;
  gint64 span;
  guint i;

  if (points->len < 2)
    return points;

  span = max_rowid - min_rowid + 1;
  if (span > 4 * (gint64) points->len + 1024)
    {
      g_array_sort (points, compare_points);
      return points;
    }

  slots = g_new (gint32, span);
  memset (slots, 0xff, span * sizeof (gint32));
  for (i = 0; i < points->len; i++)
    slots[g_array_index (points, BdPoint, i).rowid - min_rowid] = i;

  sorted = g_array_sized_new (FALSE, FALSE, sizeof (BdPoint), points->len);
  for (i = 0; i < span; i++)
    if (slots[i] >= 0)
      g_array_append_val (sorted, g_array_index (points, BdPoint, slots[i]));
  g_array_unref (points);

  return sorted;
}

/* Reads the points a statement of the columns rowid, lat, lon, category,
 * severity, status, observed_at finds, sorted by rowid. */
static GArray *
read_points (sqlite3       *db,
             sqlite3_stmt  *stmt,
             GError       **error)
{
  g_autoptr(GArray) points = NULL;
  g_autoptr(GHashTable) categories = NULL;
  g_autoptr(GHashTable) statuses = NULL;
  gint64 min_rowid = G_MAXINT64;
  gint64 max_rowid = G_MININT64;
  int rc;

  /* code -> index + 1 */
  categories = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  statuses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  points = g_array_sized_new (FALSE, FALSE, sizeof (BdPoint), 1024);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *category = (const char *) sqlite3_column_text (stmt, 3);
      const char *status;
      gpointer found;
      BdPoint point;

      point.rowid = sqlite3_column_int64 (stmt, 0);
      min_rowid = MIN (min_rowid, point.rowid);
      max_rowid = MAX (max_rowid, point.rowid);
      bd_project_mercator (sqlite3_column_double (stmt, 1),
                           sqlite3_column_double (stmt, 2),
                           &point.x, &point.y);

      if (category == NULL)
        category = "";
      if (!(found = g_hash_table_lookup (categories, category)))
        {
          int index = bd_catalog_category_index (category);

          found = GINT_TO_POINTER ((index >= 0 && index < G_MAXUINT8 ? index : G_MAXUINT8) + 1);
          g_hash_table_insert (categories, g_strdup (category), found);
        }
      point.category = GPOINTER_TO_INT (found) - 1;

      point.severity = CLAMP (sqlite3_column_int (stmt, 4), 0, G_MAXUINT8);

      status = (const char *) sqlite3_column_text (stmt, 5);
      if (status == NULL)
        status = "";
      if (!(found = g_hash_table_lookup (statuses, status)))
        {
          found = GINT_TO_POINTER (status_index (status) + 1);
          g_hash_table_insert (statuses, g_strdup (status), found);
        }
      point.status = GPOINTER_TO_INT (found) - 1;
      point._pad = 0;
      point.observed_at = sqlite3_column_type (stmt, 6) == SQLITE_INTEGER
                          ? sqlite3_column_int64 (stmt, 6) : G_MININT64;

      g_array_append_val (points, point);
    }

  if (rc != SQLITE_DONE)
    {
      _bd_store_set_sql_error (db, error, rc, _("Cannot read the reports"));
      return NULL;
    }

  /* the index gives them in position order */
  return sort_points (g_steal_pointer (&points), min_rowid, max_rowid);
}

static sqlite3_stmt *
prepare_points (sqlite3        *db,
                sqlite3_stmt  **cached,
                const char     *sql,
                GError        **error)
{
  int rc;

  if (*cached == NULL)
    {
      rc = sqlite3_prepare_v3 (db, sql, -1, SQLITE_PREPARE_PERSISTENT, cached, NULL);
      if (rc != SQLITE_OK)
        {
          _bd_store_set_sql_error (db, error, rc, _("Cannot read the reports"));
          *cached = NULL;
          return NULL;
        }
    }

  return *cached;
}

GArray *
bd_store_reader_load_points (BdStoreReader  *reader,
                             GError        **error)
{
  g_autoptr(StmtScope) scope = NULL;

  g_return_val_if_fail (reader != NULL, NULL);

  if (!(scope = prepare_points (reader->db, &reader->points,
                                "SELECT rowid, lat, lon, category, severity, status, observed_at"
                                " FROM reports INDEXED BY reports_points WHERE deleted = 0",
                                error)))
    return NULL;

  return read_points (reader->db, scope, error);
}

/* The versions valid at ?1 (report_versions, migration 8) of the reports
 * not deleted then: where each was, and its category, severity and status
 * at that time. */
GArray *
bd_store_reader_load_points_as_of (BdStoreReader  *reader,
                                   GDateTime      *as_of,
                                   GError        **error)
{
  g_autoptr(StmtScope) scope = NULL;

  g_return_val_if_fail (reader != NULL, NULL);
  g_return_val_if_fail (as_of != NULL, NULL);

  if (!(scope = prepare_points (reader->db, &reader->points_as_of,
                                "SELECT report_rowid, lat, lon, category, severity, status, observed_at"
                                " FROM report_versions"
                                " WHERE valid_from <= ?1 AND (valid_to IS NULL OR valid_to > ?1)"
                                " AND deleted = 0",
                                error)))
    return NULL;
  sqlite3_bind_int64 (scope, 1, g_date_time_to_unix (as_of));

  return read_points (reader->db, scope, error);
}

/* Async helpers */

typedef struct
{
  char    *path;
  BdQuery  query;              /* its strings are owned copies */
} TaskData;

static void
task_data_free (TaskData *data)
{
  g_free (data->path);
  g_free ((char *) data->query.ward);
  g_free ((char *) data->query.category);
  g_free ((char *) data->query.status);
  g_free ((char *) data->query.department);
  g_free ((char *) data->query.text);
  g_free (data);
}

static void
query_rowids_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  TaskData *data = task_data;
  g_autoptr(BdStoreReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  GArray *rowids;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (!(reader = bd_store_reader_open (data->path, &error)) ||
      !(rowids = bd_store_reader_query_rowids (reader, &data->query, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, rowids, (GDestroyNotify) g_array_unref);
}

void
bd_store_query_rowids_async (BdStore             *self,
                             const BdQuery       *query,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TaskData *data;

  g_return_if_fail (BD_IS_STORE (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (TaskData, 1);
  data->path = g_strdup (self->path);
  if (query != NULL)
    {
      data->query = *query;
      data->query.ward = g_strdup (query->ward);
      data->query.category = g_strdup (query->category);
      data->query.status = g_strdup (query->status);
      data->query.department = g_strdup (query->department);
      data->query.text = g_strdup (query->text);
    }

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bd_store_query_rowids_async);
  g_task_set_task_data (task, data, (GDestroyNotify) task_data_free);
  g_task_run_in_thread (task, query_rowids_thread);
}

GArray *
bd_store_query_rowids_finish (BdStore       *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (BD_IS_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == bd_store_query_rowids_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
load_points_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  const char *path = task_data;
  g_autoptr(BdStoreReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  GArray *points;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (!(reader = bd_store_reader_open (path, &error)) ||
      !(points = bd_store_reader_load_points (reader, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, points, (GDestroyNotify) g_array_unref);
}

void
bd_store_load_points_async (BdStore             *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (BD_IS_STORE (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bd_store_load_points_async);
  g_task_set_task_data (task, g_strdup (self->path), g_free);
  g_task_run_in_thread (task, load_points_thread);
}

GArray *
bd_store_load_points_finish (BdStore       *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (BD_IS_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == bd_store_load_points_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  char      *path;
  GDateTime *as_of;
} AsOfData;

static void
as_of_data_free (AsOfData *data)
{
  g_free (data->path);
  g_date_time_unref (data->as_of);
  g_free (data);
}

static void
load_points_as_of_thread (GTask        *task,
                          gpointer      source_object,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  AsOfData *data = task_data;
  g_autoptr(BdStoreReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  GArray *points;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (!(reader = bd_store_reader_open (data->path, &error)) ||
      !(points = bd_store_reader_load_points_as_of (reader, data->as_of, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, points, (GDestroyNotify) g_array_unref);
}

void
bd_store_load_points_as_of_async (BdStore             *self,
                                  GDateTime           *as_of,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AsOfData *data;

  g_return_if_fail (BD_IS_STORE (self));
  g_return_if_fail (as_of != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (AsOfData, 1);
  data->path = g_strdup (self->path);
  data->as_of = g_date_time_ref (as_of);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bd_store_load_points_as_of_async);
  g_task_set_task_data (task, data, (GDestroyNotify) as_of_data_free);
  g_task_run_in_thread (task, load_points_as_of_thread);
}

GArray *
bd_store_load_points_as_of_finish (BdStore       *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (BD_IS_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        bd_store_load_points_as_of_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
