/* bd-store-rows.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-store"

#include "config.h"

#include "bd-store-private.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "bd-json.h"
#include "bd-report-fields.h"

/* Report rows with their R*Tree and FTS entries, outbox and history rows:
 * what every write of the store is made of, and the plain reads. */

BdReport *
_bd_store_report_from_row (sqlite3_stmt  *stmt,
                           int            first,
                           GError       **error)
{
  const char *feature = (const char *) sqlite3_column_text (stmt, first);
  int length = sqlite3_column_bytes (stmt, first);
  g_autoptr(BdReport) report = NULL;
  g_autoptr(GError) local_error = NULL;

  if (feature == NULL ||
      !(report = bd_report_new_from_geojson (feature, length, &local_error)))
    {
      g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_CORRUPT,
                   _("A stored report cannot be read: %s"),
                   local_error != NULL ? local_error->message : "no data");
      return NULL;
    }

  /* The columns are authoritative for what the store itself manages. */
  bd_report_set_rev (report, sqlite3_column_int64 (stmt, first + 1));
  bd_report_set_seq (report, sqlite3_column_int64 (stmt, first + 2));
  bd_report_set_deleted (report, sqlite3_column_int (stmt, first + 3) != 0);

  return g_steal_pointer (&report);
}

/* Loads the stored copy of a report; NULL without error when there is none. */
BdReport *
_bd_store_load_stored (BdStore     *self,
                       const char  *id,
                       gint64      *rowid,
                       GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = _bd_store_get_stmt (self, STMT_GET_BY_ID, error)))
    return NULL;

  {
    g_autoptr(StmtScope) scope = stmt;

    sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
    rc = sqlite3_step (stmt);
    if (rc == SQLITE_ROW)
      {
        if (rowid != NULL)
          *rowid = sqlite3_column_int64 (stmt, 0);
        return _bd_store_report_from_row (stmt, 1, error);
      }
    if (rc != SQLITE_DONE)
      _bd_store_set_sql_error (self->db, error, rc, _("Cannot read a report"));
  }

  return NULL;
}

/* The indexed columns of a stored row, as they were before an edit. */
typedef struct
{
  gint64   rowid;
  double   lat;
  double   lon;
  gint64   updated_at;
  gboolean deleted;
  char    *title;
  char    *description;
} OldRow;

static gboolean
lookup_row (BdStore     *self,
            const char  *id,
            OldRow      *old,
            gboolean    *found,
            GError     **error)
{
  sqlite3_stmt *stmt;
  g_autoptr(StmtScope) scope = NULL;
  int rc;

  *found = FALSE;
  if (!(stmt = _bd_store_get_stmt (self, STMT_LOOKUP, error)))
    return FALSE;
  scope = stmt;

  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *found = TRUE;
      old->rowid = sqlite3_column_int64 (stmt, 0);
      old->lat = sqlite3_column_double (stmt, 1);
      old->lon = sqlite3_column_double (stmt, 2);
      old->updated_at = sqlite3_column_int64 (stmt, 3);
      old->deleted = sqlite3_column_int (stmt, 4) != 0;
      old->title = column_dup (stmt, 5);
      old->description = column_dup (stmt, 6);
      return TRUE;
    }
  if (rc != SQLITE_DONE)
    {
      _bd_store_set_sql_error (self->db, error, rc, _("Cannot read a report"));
      return FALSE;
    }

  return TRUE;
}

static void
bind_report (sqlite3_stmt *stmt,
             BdReport     *report,
             const char   *feature)
{
  sqlite3_bind_text (stmt, 1, bd_report_get_id (report), -1, SQLITE_STATIC);
  bind_text_or_null (stmt, 2, bd_report_get_ward (report));
  bind_text_or_null (stmt, 3, bd_report_get_category (report));
  sqlite3_bind_int (stmt, 4, bd_report_get_severity (report));
  bind_text_or_null (stmt, 5, bd_report_get_status (report));
  sqlite3_bind_double (stmt, 6, bd_report_get_latitude (report));
  sqlite3_bind_double (stmt, 7, bd_report_get_longitude (report));
  bind_time (stmt, 8, bd_report_get_observed_at (report));
  bind_time (stmt, 9, bd_report_get_created_at (report));
  bind_time (stmt, 10, bd_report_get_updated_at (report));
  sqlite3_bind_int64 (stmt, 11, bd_report_get_rev (report));
  sqlite3_bind_int64 (stmt, 12, bd_report_get_seq (report));
  sqlite3_bind_int (stmt, 13, bd_report_get_deleted (report) ? 1 : 0);
  bind_text_or_null (stmt, 14, bd_report_get_title (report));
  bind_text_or_null (stmt, 15, bd_report_get_reporter (report));
  bind_text_or_null (stmt, 16, bd_report_get_description (report));
  sqlite3_bind_text (stmt, 17, feature, -1, SQLITE_STATIC);
  bind_text_or_null (stmt, 19, bd_report_get_department (report));
}

/* Adds, moves or removes the R*Tree entry of a row. */
static gboolean
write_rtree (BdStore     *self,
             StmtId       id,
             gint64       rowid,
             double       lat,
             double       lon,
             gint64       updated_at,
             GError     **error)
{
  sqlite3_stmt *stmt;

  if (!(stmt = _bd_store_get_stmt (self, id, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, rowid);
  if (id != STMT_RTREE_DELETE)
    {
      sqlite3_bind_int64 (stmt, 2, rtree_degrees (lon));
      sqlite3_bind_int64 (stmt, 3, rtree_degrees (lat));
      sqlite3_bind_int64 (stmt, 4, rtree_time (updated_at));
    }

  return _bd_store_step_done (self, stmt, error);
}

static gboolean
write_fts (BdStore     *self,
           StmtId       id,
           gint64       rowid,
           const char  *title,
           const char  *description,
           GError     **error)
{
  sqlite3_stmt *stmt;

  if (!(stmt = _bd_store_get_stmt (self, id, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, rowid);
  bind_text_or_null (stmt, 2, title);
  bind_text_or_null (stmt, 3, description);

  return _bd_store_step_done (self, stmt, error);
}

/* The keys of BD_STORE_VERSION_COUNTS, in order. */
#define VERSION_KEY(key) #key,
static const char * const version_count_keys[] = {
  BD_STORE_VERSION_COUNTS (VERSION_KEY)
};

/* Adds the version of the row just written to report_versions (migration
 * 8), ending the version it replaces (@had_row: the row existed before). */
static gboolean
write_version (BdStore     *self,
               BdReport    *report,
               gint64       rowid,
               gboolean     had_row,
               GError     **error)
{
  GDateTime *updated = bd_report_get_updated_at (report);
  gint64 valid_from = updated != NULL ? g_date_time_to_unix (updated) : 0;
  sqlite3_stmt *stmt;
  int column = 1;
  int rc;
  guint i;

  if (had_row)
    {
      g_autoptr(StmtScope) scope = NULL;

      if (!(stmt = _bd_store_get_stmt (self, STMT_VERSION_CLOSE, error)))
        return FALSE;
      scope = stmt;
      sqlite3_bind_int64 (stmt, 1, rowid);
      sqlite3_bind_int64 (stmt, 2, valid_from);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        valid_from = MAX (valid_from, sqlite3_column_int64 (stmt, 0));
      if (rc != SQLITE_DONE)
        {
          _bd_store_set_sql_error (self->db, error, rc, _("Cannot write a report"));
          return FALSE;
        }
    }

  if (!(stmt = _bd_store_get_stmt (self, STMT_VERSION_INSERT, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, column++, rowid);
  sqlite3_bind_int64 (stmt, column++, valid_from);
  sqlite3_bind_int (stmt, column++, bd_report_get_deleted (report) ? 1 : 0);
  bind_text_or_null (stmt, column++, bd_report_get_ward (report));
  bind_text_or_null (stmt, column++, bd_report_get_category (report));
  sqlite3_bind_int (stmt, column++, bd_report_get_severity (report));
  bind_text_or_null (stmt, column++, bd_report_get_status (report));
  bind_time (stmt, column++, bd_report_get_observed_at (report));
  sqlite3_bind_double (stmt, column++, bd_report_get_latitude (report));
  sqlite3_bind_double (stmt, column++, bd_report_get_longitude (report));
  sqlite3_bind_int64 (stmt, column++, MAX (bd_report_get_affected_households (report), 0));
  sqlite3_bind_int64 (stmt, column++, MAX (bd_report_get_affected_people (report), 0));
  for (i = 0; i < G_N_ELEMENTS (version_count_keys); i++)
    {
      double value = bd_report_get_count (report, version_count_keys[i]);

      /* whole counts stay integers, so that their sums are exact */
      if (value == floor (value) && fabs (value) < 1e15)
        sqlite3_bind_int64 (stmt, column++, (gint64) value);
      else
        sqlite3_bind_double (stmt, column++, value);
    }

  return _bd_store_step_done (self, stmt, error);
}

/* Inserts or updates the row of @report (by id), with its R*Tree and FTS
 * rows; must run inside a transaction. */
gboolean
_bd_store_write_row (BdStore     *self,
                     BdReport    *report,
                     const char  *feature,
                     gint64      *rowid,
                     GError     **error)
{
  OldRow old = { 0 };
  g_autofree char *old_title = NULL;
  g_autofree char *old_description = NULL;
  const char *title = bd_report_get_title (report);
  const char *description = bd_report_get_description (report);
  double lat = bd_report_get_latitude (report);
  double lon = bd_report_get_longitude (report);
  GDateTime *updated = bd_report_get_updated_at (report);
  gint64 updated_at = updated != NULL ? g_date_time_to_unix (updated) : 0;
  gboolean live = !bd_report_get_deleted (report);
  sqlite3_stmt *stmt;
  gboolean found;

  if (!lookup_row (self, bd_report_get_id (report), &old, &found, error))
    return FALSE;
  old_title = old.title;
  old_description = old.description;

  if (!found)
    {
      if (!(stmt = _bd_store_get_stmt (self, STMT_INSERT, error)))
        return FALSE;
      bind_report (stmt, report, feature);
      if (!_bd_store_step_done (self, stmt, error))
        return FALSE;
      *rowid = sqlite3_last_insert_rowid (self->db);

      return (!live ||
              write_rtree (self, STMT_RTREE_INSERT, *rowid, lat, lon, updated_at, error)) &&
             write_fts (self, STMT_FTS_INSERT, *rowid, title, description, error) &&
             write_version (self, report, *rowid, FALSE, error);
    }

  *rowid = old.rowid;

  if (!(stmt = _bd_store_get_stmt (self, STMT_UPDATE, error)))
    return FALSE;
  bind_report (stmt, report, feature);
  sqlite3_bind_int64 (stmt, 18, old.rowid);
  if (!_bd_store_step_done (self, stmt, error))
    return FALSE;

  if (live && old.deleted)
    {
      if (!write_rtree (self, STMT_RTREE_INSERT, old.rowid, lat, lon, updated_at, error))
        return FALSE;
    }
  else if (!live && !old.deleted)
    {
      if (!write_rtree (self, STMT_RTREE_DELETE, old.rowid, 0, 0, 0, error))
        return FALSE;
    }
  else if (live && (old.lat != lat || old.lon != lon || old.updated_at != updated_at))
    {
      if (!write_rtree (self, STMT_RTREE_UPDATE, old.rowid, lat, lon, updated_at, error))
        return FALSE;
    }

  if (g_strcmp0 (old_title, title) != 0 || g_strcmp0 (old_description, description) != 0)
    {
      /* an external-content FTS5 table forgets a row given its old text */
      if (!write_fts (self, STMT_FTS_DELETE, old.rowid, old_title, old_description, error) ||
          !write_fts (self, STMT_FTS_INSERT, old.rowid, title, description, error))
        return FALSE;
    }

  return write_version (self, report, old.rowid, TRUE, error);
}

gboolean
_bd_store_write_outbox (BdStore     *self,
                        const char  *report_id,
                        const char  *op,
                        gint64       base_rev,
                        const char  *payload,
                        const char  *now,
                        GError     **error)
{
  sqlite3_stmt *stmt;
  g_autoptr(StmtScope) scope = NULL;
  int rc;

  if (!(stmt = _bd_store_get_stmt (self, STMT_OUTBOX_INSERT, error)))
    return FALSE;
  scope = stmt;

  sqlite3_bind_text (stmt, 1, report_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, op, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, base_rev);
  sqlite3_bind_text (stmt, 4, payload, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, now, -1, SQLITE_STATIC);

  if ((rc = sqlite3_step (stmt)) != SQLITE_DONE)
    {
      _bd_store_set_sql_error (self->db, error, rc, _("Cannot record the change for syncing"));
      return FALSE;
    }

  return TRUE;
}

static char **
fields_from_json (const char *text)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GPtrArray) fields = g_ptr_array_new ();
  JsonArray *array;
  guint i;

  /* read like every other JSON; a row that cannot be read lists none */
  if (text != NULL && (node = bd_json_parse (text, strlen (text), 0, NULL)) != NULL &&
      JSON_NODE_HOLDS_ARRAY (node))
    {
      array = json_node_get_array (node);
      for (i = 0; i < json_array_get_length (array); i++)
        {
          const char *name = json_node_get_string (json_array_get_element (array, i));

          if (name != NULL)
            g_ptr_array_add (fields, g_strdup (name));
        }
    }
  g_ptr_array_add (fields, NULL);

  return (char **) g_ptr_array_free (g_steal_pointer (&fields), FALSE);
}

gboolean
_bd_store_write_history (BdStore     *self,
                         const char  *report_id,
                         const char  *actor,
                         const char  *now,
                         const char  *op,
                         const char  *fields,
                         const char  *changes,
                         GError     **error)
{
  sqlite3_stmt *stmt;
  g_autoptr(StmtScope) scope = NULL;
  int rc;

  if (!(stmt = _bd_store_get_stmt (self, STMT_HISTORY_INSERT, error)))
    return FALSE;
  scope = stmt;

  sqlite3_bind_text (stmt, 1, report_id, -1, SQLITE_STATIC);
  bind_text_or_null (stmt, 2, actor);
  sqlite3_bind_text (stmt, 3, now, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, op, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, fields, -1, SQLITE_STATIC);
  bind_text_or_null (stmt, 6, changes);

  if ((rc = sqlite3_step (stmt)) != SQLITE_DONE)
    {
      _bd_store_set_sql_error (self->db, error, rc, _("Cannot record the change in the history"));
      return FALSE;
    }

  return TRUE;
}

char *
_bd_store_changes_to_json (BdReport           *old,
                           BdReport           *report,
                           const char * const *fields,
                           guint               n_fields)
{
  g_autoptr(JsonArray) array = json_array_sized_new (n_fields);
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < n_fields; i++)
    {
      JsonObject *change = json_object_new ();

      json_object_set_string_member (change, "field", fields[i]);
      json_object_set_member (change, "old", old != NULL ? bd_report_field_to_json (old, fields[i])
                                                         : json_node_new (JSON_NODE_NULL));
      json_object_set_member (change, "new", bd_report_field_to_json (report, fields[i]));
      json_array_add_object_element (array, change);
    }
  json_node_set_array (node, array);

  return json_to_string (node, FALSE);
}

gboolean
_bd_store_write_server_history (BdStore      *self,
                                BdReport     *old,
                                BdReport     *report,
                                const char   *updated_by,
                                const char   *op,
                                const char   *now,
                                GError      **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_auto(GStrv) diff = NULL;
  g_autoptr(JsonArray) array = NULL;
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
  g_autofree char *fields = NULL;
  g_autofree char *changes = NULL;
  const char *actor;

  if (old != NULL)
    {
      diff = bd_report_diff (old, report);
      for (guint i = 0; diff[i] != NULL; i++)
        if (bd_report_field_has_flags (diff[i], BD_REPORT_FIELD_FLAG_MERGED))
          g_ptr_array_add (names, diff[i]);
    }
  else
    {
      const char * const *content = bd_report_field_names (BD_REPORT_FIELD_FLAG_CONTENT);

      for (guint i = 0; content[i] != NULL; i++)
        g_ptr_array_add (names, (char *) content[i]);
    }
  if (names->len == 0)
    return TRUE;

  array = json_array_sized_new (names->len);
  for (guint i = 0; i < names->len; i++)
    json_array_add_string_element (array, g_ptr_array_index (names, i));
  json_node_take_array (node, g_steal_pointer (&array));
  fields = json_to_string (node, FALSE);
  changes = _bd_store_changes_to_json (old, report, (const char * const *) names->pdata,
                                       names->len);

  if (updated_by != NULL && *updated_by != '\0')
    actor = updated_by;
  else if (*bd_report_get_reporter (report) != '\0')
    actor = bd_report_get_reporter (report);
  else
    actor = "server";

  return _bd_store_write_history (self, bd_report_get_id (report), actor, now, op,
                                  fields, changes, error);
}

static BdReport *
get_report (BdStore     *self,
            StmtId       id,
            const char  *report_id,
            gint64       rowid,
            GError     **error)
{
  sqlite3_stmt *stmt;
  g_autoptr(StmtScope) scope = NULL;
  int rc;

  if (!(stmt = _bd_store_get_stmt (self, id, error)))
    return NULL;
  scope = stmt;

  if (report_id != NULL)
    sqlite3_bind_text (stmt, 1, report_id, -1, SQLITE_STATIC);
  else
    sqlite3_bind_int64 (stmt, 1, rowid);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return _bd_store_report_from_row (stmt, 1, error);

  if (rc == SQLITE_DONE)
    {
      if (report_id != NULL)
        g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_NOT_FOUND,
                     _("There is no report with the id “%s”"), report_id);
      else
        g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_NOT_FOUND,
                     _("There is no report number %lld"), (long long) rowid);
    }
  else
    _bd_store_set_sql_error (self->db, error, rc, _("Cannot read a report"));

  return NULL;
}

BdReport *
bd_store_get_report (BdStore     *self,
                     const char  *id,
                     GError     **error)
{
  g_return_val_if_fail (BD_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return get_report (self, STMT_GET_BY_ID, id, 0, error);
}

BdReport *
bd_store_get_report_by_rowid (BdStore  *self,
                              gint64    rowid,
                              GError  **error)
{
  g_return_val_if_fail (BD_IS_STORE (self), NULL);

  return get_report (self, STMT_GET_BY_ROWID, NULL, rowid, error);
}

gint64
bd_store_count (BdStore *self)
{
  g_return_val_if_fail (BD_IS_STORE (self), 0);

  return _bd_store_count_rows (self, STMT_COUNT);
}

gint64
bd_store_count_outbox (BdStore *self)
{
  g_return_val_if_fail (BD_IS_STORE (self), 0);

  return _bd_store_count_rows (self, STMT_OUTBOX_COUNT);
}

void
bd_outbox_entry_free (BdOutboxEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->report_id);
  g_free (entry->op);
  g_free (entry->payload);
  g_free (entry->created_at);
  g_free (entry->error);
  g_free (entry);
}

void
bd_history_change_free (BdHistoryChange *change)
{
  if (change == NULL)
    return;

  g_free (change->field);
  g_clear_pointer (&change->old_value, json_node_unref);
  g_clear_pointer (&change->new_value, json_node_unref);
  g_free (change);
}

/* The "changes" column: NULL on rows written before schema 8 (none known);
 * a row that cannot be read has none. */
#define MAX_CHANGES_BYTES (BD_STORE_MAX_HISTORY_BYTES)

static GPtrArray *
changes_from_json (const char *text,
                   gsize       length)
{
  GPtrArray *changes = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_history_change_free);
  g_autoptr(JsonNode) node = NULL;
  JsonArray *array;

  if (text == NULL ||
      !(node = bd_json_parse (text, length, MAX_CHANGES_BYTES, NULL)) ||
      !JSON_NODE_HOLDS_ARRAY (node))
    return changes;

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *object;
      JsonNode *field;
      BdHistoryChange *change;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      object = json_node_get_object (element);
      field = json_object_get_member (object, "field");
      if (field == NULL || !JSON_NODE_HOLDS_VALUE (field) ||
          json_node_get_value_type (field) != G_TYPE_STRING)
        continue;
      change = g_new0 (BdHistoryChange, 1);
      change->field = g_strdup (json_node_get_string (field));
      change->old_value = json_object_dup_member (object, "old");
      change->new_value = json_object_dup_member (object, "new");
      if (change->old_value == NULL)
        change->old_value = json_node_new (JSON_NODE_NULL);
      if (change->new_value == NULL)
        change->new_value = json_node_new (JSON_NODE_NULL);
      g_ptr_array_add (changes, change);
    }

  return changes;
}

void
bd_history_entry_free (BdHistoryEntry *entry)
{
  if (entry == NULL)
    return;

  g_clear_pointer (&entry->changes, g_ptr_array_unref);

  g_free (entry->report_id);
  g_free (entry->actor);
  g_free (entry->at);
  g_free (entry->op);
  g_strfreev (entry->fields);
  g_free (entry);
}

gint64
bd_store_count_outbox_for_report (BdStore    *self,
                                  const char *report_id)
{
  g_return_val_if_fail (BD_IS_STORE (self), -1);
  g_return_val_if_fail (report_id != NULL, -1);

  return _bd_store_count_with_id (self, STMT_OUTBOX_FOR_REPORT, report_id, NULL);
}

/* The outbox rows a statement (of the columns of STMT_OUTBOX_LIST) finds. */
static GPtrArray *
read_outbox_rows (BdStore       *self,
                  sqlite3_stmt  *stmt,
                  GError       **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  int rc;

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_outbox_entry_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BdOutboxEntry *entry = g_new0 (BdOutboxEntry, 1);

      entry->seq = sqlite3_column_int64 (stmt, 0);
      entry->report_id = column_dup (stmt, 1);
      entry->op = column_dup (stmt, 2);
      entry->base_rev = sqlite3_column_int64 (stmt, 3);
      entry->payload = column_dup (stmt, 4);
      entry->created_at = column_dup (stmt, 5);
      entry->error = column_dup (stmt, 6);
      g_ptr_array_add (entries, entry);
    }

  if (rc != SQLITE_DONE)
    {
      _bd_store_set_sql_error (self->db, error, rc, _("Cannot read the outbox"));
      return NULL;
    }

  return g_steal_pointer (&entries);
}

GPtrArray *
_bd_store_list_outbox (BdStore  *self,
                       StmtId    sid,
                       GError  **error)
{
  g_autoptr(StmtScope) scope = NULL;
  sqlite3_stmt *stmt;

  if (!(stmt = _bd_store_get_stmt (self, sid, error)))
    return NULL;
  scope = stmt;

  return read_outbox_rows (self, stmt, error);
}

GPtrArray *
bd_store_list_outbox (BdStore  *self,
                      GError  **error)
{
  g_return_val_if_fail (BD_IS_STORE (self), NULL);

  return _bd_store_list_outbox (self, STMT_OUTBOX_LIST, error);
}

GPtrArray *
bd_store_list_outbox_head (BdStore  *self,
                           guint     limit,
                           GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  GPtrArray *entries;
  int rc;

  g_return_val_if_fail (BD_IS_STORE (self), NULL);

  /* Not a cached statement: read only when the user opens the list. */
  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT seq, report_id, op, base_rev, NULL, created_at, error"
                           " FROM outbox ORDER BY seq LIMIT ?1",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _bd_store_set_sql_error (self->db, error, rc, _("Cannot read the outbox"));
      sqlite3_finalize (stmt);
      return NULL;
    }
  sqlite3_bind_int64 (stmt, 1, limit);
  entries = read_outbox_rows (self, stmt, error);
  sqlite3_finalize (stmt);

  return entries;
}

GPtrArray *
bd_store_list_history (BdStore     *self,
                       const char  *report_id,
                       GError     **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(StmtScope) scope = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BD_IS_STORE (self), NULL);

  if (!(stmt = _bd_store_get_stmt (self, STMT_HISTORY_LIST, error)))
    return NULL;
  scope = stmt;

  bind_text_or_null (stmt, 1, report_id);

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_history_entry_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BdHistoryEntry *entry = g_new0 (BdHistoryEntry, 1);

      entry->id = sqlite3_column_int64 (stmt, 0);
      entry->report_id = column_dup (stmt, 1);
      entry->actor = column_dup (stmt, 2);
      entry->at = column_dup (stmt, 3);
      entry->op = column_dup (stmt, 4);
      entry->fields = fields_from_json ((const char *) sqlite3_column_text (stmt, 5));
      entry->changes = changes_from_json ((const char *) sqlite3_column_text (stmt, 6),
                                          sqlite3_column_bytes (stmt, 6));
      g_ptr_array_add (entries, entry);
    }

  if (rc != SQLITE_DONE)
    {
      _bd_store_set_sql_error (self->db, error, rc, _("Cannot read the history"));
      return NULL;
    }

  return g_steal_pointer (&entries);
}
