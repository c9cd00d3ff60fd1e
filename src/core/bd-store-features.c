/* bd-store-features.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The overlay collections in the store: the "features" table (migration
 * 8), written from the change feed, read by the map layers and the alert
 * banner. Overlays are few (hundreds to a few thousand features) and read
 * rarely, so each call prepares its statements; none is kept. */

#define G_LOG_DOMAIN "bd-store"

#include "config.h"

#include "bd-store-private.h"
#include "bd-store-features.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bd-feature-validate.h"
#include "bd-json.h"
#include "bd-time.h"

#define MAX_ID_BYTES 128

enum {
  FEATURES_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
_bd_store_features_class_init (GObjectClass *object_class)
{
  /**
   * BdStore::features-changed:
   * @collection: "shelters", "areas" or "alerts"
   *
   * Features of @collection were added, changed or deleted. Detailed by
   * the collection's name.
   */
  signals[FEATURES_CHANGED] =
    g_signal_new ("features-changed",
                  G_TYPE_FROM_CLASS (object_class),
                  G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

void
bd_feature_free (BdFeature *feature)
{
  if (feature == NULL)
    return;
  g_free (feature->collection);
  g_free (feature->id);
  g_free (feature->kind);
  g_free (feature->name);
  g_free (feature->ward);
  g_free (feature->status);
  g_free (feature->feature);
  g_free (feature);
}

char *
bd_store_feature_cursor_key (const char *collection)
{
  return g_strconcat ("cursor:", collection, NULL);
}

BdFeature *
bd_feature_new_from_json (const char  *collection,
                          JsonNode    *node,
                          GError     **error)
{
  g_autoptr(BdFeature) feature = NULL;
  BdFeatureInfo info = { 0 };
  JsonObject *object, *props = NULL;
  JsonNode *member;
  const char *id;

  g_return_val_if_fail (bd_feature_is_overlay_collection (collection), NULL);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, BD_FEATURE_ERROR, BD_FEATURE_ERROR_INVALID,
                           _("The feature is not a GeoJSON Feature object."));
      return NULL;
    }
  object = json_node_get_object (node);
  member = json_object_get_member (object, "id");
  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) ||
      json_node_get_value_type (member) != G_TYPE_STRING ||
      (id = json_node_get_string (member))[0] == '\0' || strlen (id) > MAX_ID_BYTES)
    {
      g_set_error_literal (error, BD_FEATURE_ERROR, BD_FEATURE_ERROR_INVALID,
                           _("The feature has no usable id."));
      return NULL;
    }
  member = json_object_get_member (object, "properties");
  if (member != NULL && JSON_NODE_HOLDS_OBJECT (member))
    props = json_node_get_object (member);

  feature = g_new0 (BdFeature, 1);
  feature->collection = g_strdup (collection);
  feature->id = g_strdup (id);
  if (props != NULL)
    {
      feature->rev = json_object_get_int_member_with_default (props, "rev", 0);
      feature->seq = json_object_get_int_member_with_default (props, "seq", 0);
      feature->deleted = json_object_get_boolean_member_with_default (props, "deleted", FALSE);
    }
  feature->feature = json_to_string (node, FALSE);
  if (strlen (feature->feature) > BD_FEATURE_MAX_BYTES)
    {
      g_set_error (error, BD_FEATURE_ERROR, BD_FEATURE_ERROR_TOO_LARGE,
                   _("The feature is larger than %d MiB."), BD_FEATURE_MAX_BYTES >> 20);
      return NULL;
    }

  /* a tombstone ends the feature whatever it held */
  if (feature->deleted)
    return g_steal_pointer (&feature);

  if (!bd_feature_validate (collection, node, &info, error))
    return NULL;
  feature->kind = g_strdup (info.kind);
  feature->name = g_strdup (info.name);
  feature->ward = g_strdup (info.ward);
  feature->status = g_strdup (info.status);
  feature->level = info.level;
  feature->active = info.active;
  feature->effective = info.effective;
  feature->expires = info.expires;
  feature->has_bbox = info.has_bbox;
  if (info.has_bbox)
    {
      feature->min_lon = info.bbox[0];
      feature->min_lat = info.bbox[1];
      feature->max_lon = info.bbox[2];
      feature->max_lat = info.bbox[3];
    }
  return g_steal_pointer (&feature);
}

JsonNode *
bd_feature_parse (const BdFeature  *feature,
                  GError          **error)
{
  g_return_val_if_fail (feature != NULL, NULL);

  return bd_json_parse (feature->feature, strlen (feature->feature), BD_FEATURE_MAX_BYTES, error);
}

gboolean
bd_feature_is_shown_alert (const BdFeature *feature,
                           gint64           now)
{
  BdFeatureInfo info = { 0 };

  g_return_val_if_fail (feature != NULL, FALSE);

  info.status = feature->status;
  info.active = feature->active;
  info.expires = feature->expires;
  return !feature->deleted && g_strcmp0 (feature->collection, "alerts") == 0 &&
         bd_feature_alert_is_shown (&info, now);
}

/* Statements */

typedef sqlite3_stmt Stmt;
static void
stmt_finalize (Stmt *stmt)
{
  sqlite3_finalize (stmt);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Stmt, stmt_finalize)

static Stmt *
prepare (BdStore     *self,
         const char  *sql,
         GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      _bd_store_set_sql_error (self->db, error, rc, _("Cannot prepare a database statement"));
      sqlite3_finalize (stmt);
      return NULL;
    }
  return stmt;
}

#define FEATURE_COLUMNS \
  "collection, id, rev, seq, deleted, kind, name, ward, status, level, active," \
  " effective, expires, min_lon, min_lat, max_lon, max_lat, feature"

static BdFeature *
feature_from_row (sqlite3_stmt *stmt)
{
  BdFeature *feature = g_new0 (BdFeature, 1);

  feature->collection = column_dup (stmt, 0);
  feature->id = column_dup (stmt, 1);
  feature->rev = sqlite3_column_int64 (stmt, 2);
  feature->seq = sqlite3_column_int64 (stmt, 3);
  feature->deleted = sqlite3_column_int (stmt, 4) != 0;
  feature->kind = column_dup (stmt, 5);
  feature->name = column_dup (stmt, 6);
  feature->ward = column_dup (stmt, 7);
  feature->status = column_dup (stmt, 8);
  feature->level = sqlite3_column_int (stmt, 9);
  feature->active = sqlite3_column_int (stmt, 10) != 0;
  feature->effective = sqlite3_column_int64 (stmt, 11);
  feature->expires = sqlite3_column_int64 (stmt, 12);
  feature->has_bbox = sqlite3_column_type (stmt, 13) != SQLITE_NULL;
  feature->min_lon = sqlite3_column_double (stmt, 13);
  feature->min_lat = sqlite3_column_double (stmt, 14);
  feature->max_lon = sqlite3_column_double (stmt, 15);
  feature->max_lat = sqlite3_column_double (stmt, 16);
  feature->feature = column_dup (stmt, 17);
  return feature;
}

static GPtrArray *
collect (BdStore       *self,
         sqlite3_stmt  *stmt,
         GError       **error)
{
  g_autoptr(GPtrArray) features = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_feature_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (features, feature_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      _bd_store_set_sql_error (self->db, error, rc, _("Database error"));
      return NULL;
    }
  return g_steal_pointer (&features);
}

GPtrArray *
bd_store_list_features (BdStore               *self,
                        const char            *collection,
                        const BdFeatureQuery  *query,
                        GError               **error)
{
  g_autoptr(Stmt) stmt = NULL;
  BdFeatureQuery none = { 0 };

  g_return_val_if_fail (BD_IS_STORE (self), NULL);
  g_return_val_if_fail (collection != NULL, NULL);

  if (query == NULL)
    query = &none;
  stmt = prepare (self,
                  "SELECT " FEATURE_COLUMNS " FROM features"
                  " WHERE collection = ?1 AND deleted = 0"
                  "  AND (?2 IS NULL OR kind = ?2)"
                  "  AND (?3 = 0 OR (min_lon IS NOT NULL AND min_lon <= ?6 AND max_lon >= ?4"
                  "                  AND min_lat <= ?7 AND max_lat >= ?5))"
                  " ORDER BY seq",
                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, collection, -1, SQLITE_TRANSIENT);
  bind_text_or_null (stmt, 2, query->kind);
  sqlite3_bind_int (stmt, 3, query->has_bbox);
  sqlite3_bind_double (stmt, 4, query->min_lon);
  sqlite3_bind_double (stmt, 5, query->min_lat);
  sqlite3_bind_double (stmt, 6, query->max_lon);
  sqlite3_bind_double (stmt, 7, query->max_lat);
  return collect (self, stmt, error);
}

BdFeature *
bd_store_get_feature (BdStore     *self,
                      const char  *collection,
                      const char  *id,
                      GError     **error)
{
  g_autoptr(Stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (BD_IS_STORE (self), NULL);
  g_return_val_if_fail (collection != NULL && id != NULL, NULL);

  stmt = prepare (self, "SELECT " FEATURE_COLUMNS " FROM features"
                        " WHERE collection = ?1 AND id = ?2", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, collection, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return feature_from_row (stmt);
  if (rc != SQLITE_DONE)
    _bd_store_set_sql_error (self->db, error, rc, _("Database error"));
  return NULL;
}

#define SHOWN_ALERTS \
  " FROM features WHERE collection = 'alerts' AND deleted = 0 AND status = 'actual'" \
  " AND active = 1 AND (expires IS NULL OR expires > ?1)"

GPtrArray *
bd_store_list_active_alerts (BdStore  *self,
                             gint64    now,
                             GError  **error)
{
  g_autoptr(Stmt) stmt = NULL;

  g_return_val_if_fail (BD_IS_STORE (self), NULL);

  stmt = prepare (self, "SELECT " FEATURE_COLUMNS SHOWN_ALERTS
                        " ORDER BY level DESC, effective DESC, id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, now);
  return collect (self, stmt, error);
}

static gint64
single_int (BdStore       *self,
            sqlite3_stmt  *stmt,
            GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_ROW)
    {
      _bd_store_set_sql_error (self->db, error, rc, _("Database error"));
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}

gint64
bd_store_get_next_alert_expiry (BdStore  *self,
                                gint64    now,
                                GError  **error)
{
  g_autoptr(Stmt) stmt = NULL;

  g_return_val_if_fail (BD_IS_STORE (self), -1);

  stmt = prepare (self, "SELECT coalesce (min (expires), 0)" SHOWN_ALERTS
                        " AND expires IS NOT NULL", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, now);
  return single_int (self, stmt, error);
}

gint64
bd_store_count_features (BdStore     *self,
                         const char  *collection,
                         GError     **error)
{
  g_autoptr(Stmt) stmt = NULL;

  g_return_val_if_fail (BD_IS_STORE (self), -1);

  stmt = prepare (self, "SELECT count(*) FROM features WHERE collection = ?1 AND deleted = 0",
                  error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, collection, -1, SQLITE_TRANSIENT);
  return single_int (self, stmt, error);
}

gint64
bd_store_count_feature_rejects (BdStore     *self,
                                const char  *collection,
                                GError     **error)
{
  g_autoptr(Stmt) stmt = NULL;

  g_return_val_if_fail (BD_IS_STORE (self), -1);

  stmt = prepare (self, "SELECT count(*) FROM pulled_rejects WHERE collection = ?1", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, collection, -1, SQLITE_TRANSIENT);
  return single_int (self, stmt, error);
}

static gboolean
step_done (BdStore       *self,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _bd_store_set_sql_error (self->db, error, rc, _("Cannot write an overlay feature"));
      return FALSE;
    }
  return TRUE;
}

static void
bind_optional_int (sqlite3_stmt *stmt,
                   int           index,
                   gint64        value)
{
  if (value != 0)
    sqlite3_bind_int64 (stmt, index, value);
  else
    sqlite3_bind_null (stmt, index);
}

gboolean
bd_store_apply_pulled_features (BdStore     *self,
                                const char  *collection,
                                GPtrArray   *features,
                                GPtrArray   *rejected,
                                const char  *cursor_key,
                                gint64       cursor,
                                GError     **error)
{
  g_autoptr(Stmt) write = NULL;
  g_autoptr(Stmt) reject = NULL;
  g_autofree char *now_text = bd_timestamp_now_utc ();
  guint written = 0;

  g_return_val_if_fail (BD_IS_STORE (self), FALSE);
  g_return_val_if_fail (bd_feature_is_overlay_collection (collection), FALSE);

  /* a copy the store has from a later change stays */
  write = prepare (self,
                   "INSERT INTO features (collection, id, rev, seq, deleted, kind, name, ward,"
                   "  status, level, active, effective, expires, min_lon, min_lat, max_lon,"
                   "  max_lat, feature)"
                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
                   "  ?16, ?17, ?18)"
                   " ON CONFLICT (collection, id) DO UPDATE SET rev = excluded.rev,"
                   "  seq = excluded.seq, deleted = excluded.deleted, kind = excluded.kind,"
                   "  name = excluded.name, ward = excluded.ward, status = excluded.status,"
                   "  level = excluded.level, active = excluded.active,"
                   "  effective = excluded.effective, expires = excluded.expires,"
                   "  min_lon = excluded.min_lon, min_lat = excluded.min_lat,"
                   "  max_lon = excluded.max_lon, max_lat = excluded.max_lat,"
                   "  feature = excluded.feature"
                   " WHERE excluded.seq >= features.seq",
                   error);
  reject = prepare (self,
                    "INSERT OR IGNORE INTO pulled_rejects (id, seq, reason, feature, at, collection)"
                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    error);
  if (write == NULL || reject == NULL)
    return FALSE;

  if (!_bd_store_begin (self, error))
    return FALSE;

  for (guint i = 0; features != NULL && i < features->len; i++)
    {
      BdFeature *f = g_ptr_array_index (features, i);

      sqlite3_bind_text (write, 1, collection, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (write, 2, f->id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (write, 3, f->rev);
      sqlite3_bind_int64 (write, 4, f->seq);
      sqlite3_bind_int (write, 5, f->deleted);
      bind_text_or_null (write, 6, f->kind);
      bind_text_or_null (write, 7, f->name);
      bind_text_or_null (write, 8, f->ward);
      bind_text_or_null (write, 9, f->status);
      sqlite3_bind_int (write, 10, f->level);
      sqlite3_bind_int (write, 11, f->active);
      bind_optional_int (write, 12, f->effective);
      bind_optional_int (write, 13, f->expires);
      if (f->has_bbox)
        {
          sqlite3_bind_double (write, 14, f->min_lon);
          sqlite3_bind_double (write, 15, f->min_lat);
          sqlite3_bind_double (write, 16, f->max_lon);
          sqlite3_bind_double (write, 17, f->max_lat);
        }
      else
        for (int c = 14; c <= 17; c++)
          sqlite3_bind_null (write, c);
      sqlite3_bind_text (write, 18, f->feature, -1, SQLITE_TRANSIENT);
      if (!step_done (self, write, error))
        goto fail;
      written += sqlite3_changes (self->db) > 0;
      sqlite3_clear_bindings (write);
    }

  for (guint i = 0; rejected != NULL && i < rejected->len; i++)
    {
      BdRejected *r = g_ptr_array_index (rejected, i);

      g_message ("A feature of %s was kept aside (%s, seq %" G_GINT64_FORMAT "): %s",
                 collection, r->id != NULL ? r->id : "no id", r->seq, r->reason);
      bind_text_or_null (reject, 1, r->id);
      sqlite3_bind_int64 (reject, 2, r->seq);
      sqlite3_bind_text (reject, 3, r->reason != NULL ? r->reason : "", -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (reject, 4, r->feature != NULL ? r->feature : "", -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (reject, 5, now_text, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (reject, 6, collection, -1, SQLITE_TRANSIENT);
      if (!step_done (self, reject, error))
        goto fail;
    }

  if (cursor_key != NULL)
    {
      g_autofree char *cursor_text = g_strdup_printf ("%" G_GINT64_FORMAT, cursor);
      sqlite3_stmt *stmt;

      if (!(stmt = _bd_store_get_stmt (self, STMT_SYNC_SET, error)))
        goto fail;
      sqlite3_bind_text (stmt, 1, cursor_key, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, cursor_text, -1, SQLITE_TRANSIENT);
      if (!_bd_store_step_done (self, stmt, error))
        goto fail;
    }

  if (!_bd_store_commit (self, error))
    return FALSE;
  if (written > 0)
    g_signal_emit (self, signals[FEATURES_CHANGED], g_quark_from_string (collection), collection);
  return TRUE;

fail:
  _bd_store_rollback (self);
  return FALSE;
}
