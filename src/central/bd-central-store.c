/* bd-central-store.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-central"

#include "config.h"

#include "bd-central-store.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "bd-central-geo.h"
#include "bd-json.h"
#include "bd-report.h"
#include "bd-sqlite.h"
#include "bd-time.h"

/* PRAGMA application_id of a bosai-central database ("BdCt"). */
#define BD_CENTRAL_APPLICATION_ID 0x42644374

static const char migration_1[] =
  "PRAGMA application_id = 1113867124;"
  "CREATE TABLE features ("
  "  rowid INTEGER PRIMARY KEY,"
  "  collection TEXT NOT NULL,"
  "  id TEXT NOT NULL,"
  "  rev INTEGER NOT NULL,"
  "  seq INTEGER NOT NULL UNIQUE,"
  "  deleted INTEGER NOT NULL DEFAULT 0,"
  "  min_lon REAL NOT NULL, min_lat REAL NOT NULL,"
  "  max_lon REAL NOT NULL, max_lat REAL NOT NULL,"
  "  observed_at INTEGER,"           /* unix microseconds, from properties */
  "  updated_at INTEGER NOT NULL,"   /* unix microseconds, server time */
  "  feature TEXT NOT NULL,"
  "  UNIQUE (collection, id)"
  ");"
  "CREATE INDEX features_seq ON features (collection, seq);"
  "CREATE INDEX features_live ON features (collection, deleted, rowid);"
  "CREATE VIRTUAL TABLE features_rtree USING rtree (id, min_lon, max_lon, min_lat, max_lat);"
  "CREATE TABLE tokens ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL,"
  "  role TEXT NOT NULL CHECK (role IN ('hq', 'ward')),"
  "  ward TEXT,"
  "  hash TEXT NOT NULL UNIQUE,"
  "  created_at TEXT NOT NULL,"
  "  revoked INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE TABLE attachments ("
  "  sha256 TEXT PRIMARY KEY,"
  "  media_type TEXT NOT NULL,"
  "  size INTEGER NOT NULL,"
  "  bytes BLOB NOT NULL,"
  "  created_at TEXT NOT NULL"
  ") WITHOUT ROWID;"
  "PRAGMA user_version = 1;";

/* JMA disaster XML (bosai-central ingest-jma, --jma-feed): the messages
 * taken in (by bd_jma_message_key () and by the hash
 * of the file, so that neither is written twice) and the feed entries
 * fetched (JMA asks that a file is never fetched twice). */
static const char migration_2[] =
  "CREATE TABLE jma_messages ("
  "  key TEXT NOT NULL UNIQUE,"
  "  sha256 TEXT NOT NULL UNIQUE,"
  "  type TEXT NOT NULL,"
  "  source TEXT NOT NULL,"
  "  n_alerts INTEGER NOT NULL,"
  "  ingested_at TEXT NOT NULL"
  ");"
  "CREATE TABLE jma_feed_entries ("
  "  url TEXT PRIMARY KEY,"
  "  outcome TEXT NOT NULL,"
  "  fetched_at TEXT NOT NULL"
  ") WITHOUT ROWID;"
  "PRAGMA user_version = 2;";

/* Map tiles served from MBTiles files (bosai-central tiles add): the copy
 * kept beside the database and what its metadata says. */
static const char migration_3[] =
  "CREATE TABLE tile_sets ("
  "  name TEXT PRIMARY KEY,"
  "  path TEXT NOT NULL,"
  "  format TEXT NOT NULL,"
  "  min_zoom INTEGER NOT NULL,"
  "  max_zoom INTEGER NOT NULL,"
  "  min_lon REAL NOT NULL, min_lat REAL NOT NULL,"
  "  max_lon REAL NOT NULL, max_lat REAL NOT NULL,"
  "  attribution TEXT NOT NULL,"
  "  overlay INTEGER NOT NULL,"
  "  added_at TEXT NOT NULL"
  ") WITHOUT ROWID;"
  "PRAGMA user_version = 3;";

static const char * const migrations[BD_CENTRAL_SCHEMA_VERSION] = {
  migration_1,
  migration_2,
  migration_3,
};

static const char * const collections[] = {
  "reports", "shelters", "areas", "alerts", NULL,
};

typedef enum
{
  STMT_GET,
  STMT_NEXT_SEQ,
  STMT_INSERT,
  STMT_UPDATE,
  STMT_RTREE_INSERT,
  STMT_RTREE_UPDATE,
  STMT_CHANGES,
  STMT_COUNT,
  STMT_TOKEN_ADD,
  STMT_TOKEN_LOOKUP,
  STMT_TOKEN_LIST,
  STMT_TOKEN_REVOKE,
  STMT_ATTACHMENT_EXISTS,
  STMT_ATTACHMENT_PUT,
  STMT_ATTACHMENT_GET,
  N_STMTS
} StmtId;

#define FEATURE_COLUMNS "collection, id, feature, rev, seq, deleted, updated_at, rowid"

static const char * const stmt_sql[N_STMTS] = {
  [STMT_GET] = "SELECT " FEATURE_COLUMNS " FROM features WHERE collection = ?1 AND id = ?2",
  [STMT_NEXT_SEQ] = "SELECT COALESCE (MAX (seq), 0) + 1 FROM features",
  [STMT_INSERT] =
    "INSERT INTO features (collection, id, rev, seq, deleted, min_lon, min_lat, max_lon,"
    "  max_lat, observed_at, updated_at, feature)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
  [STMT_UPDATE] =
    "UPDATE features SET rev = ?3, seq = ?4, deleted = ?5, min_lon = ?6, min_lat = ?7,"
    "  max_lon = ?8, max_lat = ?9, observed_at = ?10, updated_at = ?11, feature = ?12"
    " WHERE collection = ?1 AND id = ?2",
  [STMT_RTREE_INSERT] =
    "INSERT INTO features_rtree (id, min_lon, max_lon, min_lat, max_lat)"
    " VALUES (?1, ?2, ?4, ?3, ?5)",
  [STMT_RTREE_UPDATE] =
    "UPDATE features_rtree SET min_lon = ?2, max_lon = ?4, min_lat = ?3, max_lat = ?5"
    " WHERE id = ?1",
  [STMT_CHANGES] =
    "SELECT " FEATURE_COLUMNS " FROM features WHERE collection = ?1 AND seq > ?2"
    " ORDER BY seq LIMIT ?3",
  [STMT_COUNT] = "SELECT COUNT (*) FROM features WHERE collection = ?1 AND deleted = 0",
  [STMT_TOKEN_ADD] =
    "INSERT INTO tokens (name, role, ward, hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
  [STMT_TOKEN_LOOKUP] =
    "SELECT id, name, role, ward, created_at, revoked FROM tokens WHERE hash = ?1",
  [STMT_TOKEN_LIST] =
    "SELECT id, name, role, ward, created_at, revoked FROM tokens ORDER BY id",
  [STMT_TOKEN_REVOKE] = "UPDATE tokens SET revoked = 1 WHERE id = ?1",
  [STMT_ATTACHMENT_EXISTS] = "SELECT 1 FROM attachments WHERE sha256 = ?1",
  [STMT_ATTACHMENT_PUT] =
    "INSERT INTO attachments (sha256, media_type, size, bytes, created_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5)",
  [STMT_ATTACHMENT_GET] = "SELECT media_type, bytes FROM attachments WHERE sha256 = ?1",
};

struct _BdCentralStore
{
  sqlite3      *db;
  sqlite3_stmt *stmts[N_STMTS];
  gboolean      importing;    /* between import_begin and its end */
};

G_DEFINE_QUARK (bd-central-store-error-quark, bd_central_store_error)

static gboolean
db_error (sqlite3     *db,
          GError     **error,
          const char  *what)
{
  g_set_error (error, BD_CENTRAL_STORE_ERROR, BD_CENTRAL_STORE_ERROR_DATABASE,
               _("Database error (%s): %s"), what, db ? sqlite3_errmsg (db) : "?");
  return FALSE;
}

static sqlite3_stmt *
stmt (BdCentralStore *self,
      StmtId          id)
{
  sqlite3_stmt *s = self->stmts[id];

  sqlite3_reset (s);
  sqlite3_clear_bindings (s);
  return s;
}

static const BdSqliteSchema schema = {
  .name = "bosai-central",
  .application_id = BD_CENTRAL_APPLICATION_ID,
  .version = BD_CENTRAL_SCHEMA_VERSION,
  .migrations = migrations,
  .error_quark = bd_central_store_error_quark,
  .error_open = BD_CENTRAL_STORE_ERROR_DATABASE,
  .error_corrupt = BD_CENTRAL_STORE_ERROR_DATABASE,
  .error_version = BD_CENTRAL_STORE_ERROR_DATABASE,
  .error_sql = BD_CENTRAL_STORE_ERROR_DATABASE,
  .msg_damaged = N_("“%s” is not a bosai-central database, or it is damaged (%s)"),
  .msg_foreign = N_("“%s” is not a bosai-central database (an SQLite database of another application)"),
  .msg_newer = N_("The database “%s” was made by a newer bosai-central "
                  "(schema %d, this version knows %d)."),
};

static gboolean
begin (BdCentralStore  *self,
       GError         **error)
{
  return bd_sqlite_begin (&schema, self->db, error);
}

static gboolean
commit (BdCentralStore  *self,
        GError         **error)
{
  return bd_sqlite_commit (&schema, self->db, error);
}

static void
rollback (BdCentralStore *self)
{
  bd_sqlite_rollback (self->db);
}

/* Now in UTC, to the microsecond (bd_format_timestamp ()). */
static char *
now_rfc3339 (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return bd_format_timestamp (now);
}

gboolean
bd_central_store_is_collection (const char *collection)
{
  return collection != NULL && g_strv_contains (collections, collection);
}

const char * const *
bd_central_store_get_collections (void)
{
  return collections;
}

const char *
bd_central_role_to_string (BdCentralRole role)
{
  return role == BD_CENTRAL_ROLE_HQ ? "hq" : "ward";
}

gboolean
bd_central_role_from_string (const char    *text,
                             BdCentralRole *role)
{
  if (g_strcmp0 (text, "hq") == 0)
    *role = BD_CENTRAL_ROLE_HQ;
  else if (g_strcmp0 (text, "ward") == 0)
    *role = BD_CENTRAL_ROLE_WARD;
  else
    return FALSE;
  return TRUE;
}

void
bd_central_feature_free (BdCentralFeature *feature)
{
  if (feature == NULL)
    return;
  g_free (feature->collection);
  g_free (feature->id);
  g_free (feature->feature);
  g_free (feature);
}

void
bd_central_token_free (BdCentralToken *token)
{
  if (token == NULL)
    return;
  g_free (token->name);
  g_free (token->ward);
  g_free (token->created_at);
  g_free (token);
}

static BdCentralFeature *
feature_from_row (sqlite3_stmt *s)
{
  BdCentralFeature *feature = g_new0 (BdCentralFeature, 1);

  feature->collection = g_strdup ((const char *) sqlite3_column_text (s, 0));
  feature->id = g_strdup ((const char *) sqlite3_column_text (s, 1));
  feature->feature = g_strdup ((const char *) sqlite3_column_text (s, 2));
  feature->rev = sqlite3_column_int64 (s, 3);
  feature->seq = sqlite3_column_int64 (s, 4);
  feature->deleted = sqlite3_column_int (s, 5) != 0;
  feature->updated_at = sqlite3_column_int64 (s, 6);
  return feature;
}

static BdCentralToken *
token_from_row (sqlite3_stmt *s)
{
  BdCentralToken *token = g_new0 (BdCentralToken, 1);

  token->id = sqlite3_column_int64 (s, 0);
  token->name = g_strdup ((const char *) sqlite3_column_text (s, 1));
  if (!bd_central_role_from_string ((const char *) sqlite3_column_text (s, 2), &token->role))
    token->role = BD_CENTRAL_ROLE_WARD;
  token->ward = g_strdup ((const char *) sqlite3_column_text (s, 3));
  token->created_at = g_strdup ((const char *) sqlite3_column_text (s, 4));
  token->revoked = sqlite3_column_int (s, 5) != 0;
  return token;
}

BdCentralStore *
bd_central_store_open (const char  *path,
                       GError     **error)
{
  g_autoptr(BdCentralStore) self = g_new0 (BdCentralStore, 1);
  gint64 version = 0;

  g_return_val_if_fail (path != NULL, NULL);

  if (!(self->db = bd_sqlite_open (&schema, path, FALSE, error)) ||
      !bd_sqlite_check (&schema, self->db, path, &version, error) ||
      !bd_sqlite_setup_writer (&schema, self->db, error) ||
      !bd_sqlite_migrate (&schema, self->db, (int) version, BD_CENTRAL_SCHEMA_VERSION, error))
    return NULL;

  for (guint i = 0; i < N_STMTS; i++)
    {
      int rc = sqlite3_prepare_v3 (self->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                                   &self->stmts[i], NULL);

      if (rc != SQLITE_OK)
        {
          bd_sqlite_set_error (&schema, self->db, rc, stmt_sql[i], error);
          return NULL;
        }
    }

  return g_steal_pointer (&self);
}

void
bd_central_store_free (BdCentralStore *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < N_STMTS; i++)
    g_clear_pointer (&self->stmts[i], sqlite3_finalize);
  if (self->db != NULL)
    {
      rollback (self);
      sqlite3_exec (self->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
      sqlite3_close (self->db);
    }
  g_free (self);
}

BdCentralFeature *
bd_central_store_get (BdCentralStore  *self,
                      const char      *collection,
                      const char      *id,
                      GError         **error)
{
  sqlite3_stmt *s = stmt (self, STMT_GET);
  BdCentralFeature *feature = NULL;
  int rc;

  sqlite3_bind_text (s, 1, collection, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, id, -1, SQLITE_STATIC);
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    feature = feature_from_row (s);
  else if (rc != SQLITE_DONE)
    db_error (self->db, error, "get");
  sqlite3_reset (s);
  return feature;
}

static gint64
parse_observed_at (JsonObject *props)
{
  g_autoptr(GDateTime) when = NULL;
  JsonNode *member;

  if (props == NULL)
    return G_MININT64;
  member = json_object_get_member (props, "observed_at");
  if (member == NULL || json_node_get_value_type (member) != G_TYPE_STRING)
    return G_MININT64;
  when = bd_parse_timestamp (json_node_get_string (member));
  return when ? bd_date_time_to_usec (when) : G_MININT64;
}

/* bd_central_feature_check (); but an alert may have a null geometry (its
 * area given by codes only, ALERTS.md): it is checked with a stand-in
 * point, and its box is the empty one at 0,0. */
static gboolean
check_feature (const char  *collection,
               JsonNode    *node,
               double       bbox[4],
               GError     **error)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  JsonNode *geometry = object ? json_object_get_member (object, "geometry") : NULL;
  JsonObject *point;
  JsonArray *position;
  gboolean ok;

  if (strcmp (collection, "alerts") != 0 || geometry == NULL || !JSON_NODE_HOLDS_NULL (geometry))
    return bd_central_feature_check (node, bbox, error);

  point = json_object_new ();
  position = json_array_new ();
  json_array_add_double_element (position, 0);
  json_array_add_double_element (position, 0);
  json_object_set_string_member (point, "type", "Point");
  json_object_set_array_member (point, "coordinates", position);
  json_object_set_object_member (object, "geometry", point);
  ok = bd_central_feature_check (node, bbox, error);
  json_object_set_null_member (object, "geometry");
  return ok;
}

/* Writes one feature row inside an open transaction. @node is the new
 * content (NULL: tombstone of @current). */
static BdCentralFeature *
write_row (BdCentralStore          *self,
           const char              *collection,
           const char              *id,
           JsonNode                *node,
           const BdCentralFeature  *current,
           GError                 **error)
{
  g_autoptr(JsonNode) tombstone = NULL;
  g_autoptr(BdCentralFeature) written = NULL;
  g_autofree char *text = NULL;
  JsonObject *object, *props;
  JsonNode *props_node;
  double bbox[4];
  gint64 rev, seq, observed_at, now;
  sqlite3_stmt *s;
  gboolean deleted = node == NULL;

  if (deleted)
    {
      g_assert (current != NULL);
      tombstone = bd_json_parse (current->feature, strlen (current->feature), 0, error);
      if (tombstone == NULL)
        {
          g_prefix_error (error, _("The stored copy of %s cannot be read: "), id);
          return NULL;
        }
      node = tombstone;
    }

  if (!check_feature (collection, node, bbox, error))
    {
      if (error != NULL && *error != NULL && (*error)->domain == BD_CENTRAL_GEO_ERROR)
        {
          (*error)->domain = BD_CENTRAL_STORE_ERROR;
          (*error)->code = BD_CENTRAL_STORE_ERROR_INVALID;
        }
      return NULL;
    }

  s = stmt (self, STMT_NEXT_SEQ);
  if (sqlite3_step (s) != SQLITE_ROW)
    {
      db_error (self->db, error, "seq");
      return NULL;
    }
  seq = sqlite3_column_int64 (s, 0);
  sqlite3_reset (s);
  rev = current ? current->rev + 1 : 1;
  now = g_get_real_time ();

  object = json_node_get_object (node);
  json_object_set_string_member (object, "id", id);
  props_node = json_object_get_member (object, "properties");
  if (props_node == NULL || !JSON_NODE_HOLDS_OBJECT (props_node))
    {
      json_object_set_object_member (object, "properties", json_object_new ());
      props_node = json_object_get_member (object, "properties");
    }
  props = json_node_get_object (props_node);
  json_object_set_int_member (props, "rev", rev);
  json_object_set_int_member (props, "seq", seq);
  if (deleted)
    json_object_set_boolean_member (props, "deleted", TRUE);
  else if (json_object_has_member (props, "deleted"))
    json_object_remove_member (props, "deleted");
  observed_at = parse_observed_at (props);
  text = json_to_string (node, FALSE);

  s = stmt (self, current ? STMT_UPDATE : STMT_INSERT);
  sqlite3_bind_text (s, 1, collection, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (s, 3, rev);
  sqlite3_bind_int64 (s, 4, seq);
  sqlite3_bind_int (s, 5, deleted);
  for (int i = 0; i < 4; i++)
    sqlite3_bind_double (s, 6 + i, bbox[i]);
  if (observed_at != G_MININT64)
    sqlite3_bind_int64 (s, 10, observed_at);
  sqlite3_bind_int64 (s, 11, now);
  sqlite3_bind_text (s, 12, text, -1, SQLITE_STATIC);
  if (sqlite3_step (s) != SQLITE_DONE)
    {
      db_error (self->db, error, "write");
      sqlite3_reset (s);
      return NULL;
    }
  sqlite3_reset (s);

  s = stmt (self, current ? STMT_RTREE_UPDATE : STMT_RTREE_INSERT);
  if (current)
    {
      sqlite3_stmt *g = stmt (self, STMT_GET);
      gint64 rowid;

      sqlite3_bind_text (g, 1, collection, -1, SQLITE_STATIC);
      sqlite3_bind_text (g, 2, id, -1, SQLITE_STATIC);
      if (sqlite3_step (g) != SQLITE_ROW)
        {
          db_error (self->db, error, "rowid");
          sqlite3_reset (g);
          return NULL;
        }
      rowid = sqlite3_column_int64 (g, 7);
      sqlite3_reset (g);
      sqlite3_bind_int64 (s, 1, rowid);
    }
  else
    sqlite3_bind_int64 (s, 1, sqlite3_last_insert_rowid (self->db));
  for (int i = 0; i < 4; i++)
    sqlite3_bind_double (s, 2 + i, bbox[i]);
  if (sqlite3_step (s) != SQLITE_DONE)
    {
      db_error (self->db, error, "rtree");
      sqlite3_reset (s);
      return NULL;
    }
  sqlite3_reset (s);

  written = g_new0 (BdCentralFeature, 1);
  written->collection = g_strdup (collection);
  written->id = g_strdup (id);
  written->feature = g_steal_pointer (&text);
  written->rev = rev;
  written->seq = seq;
  written->deleted = deleted;
  written->updated_at = now;
  return g_steal_pointer (&written);
}

BdCentralFeature *
bd_central_store_write (BdCentralStore      *self,
                        const char          *collection,
                        const char          *id,
                        JsonNode            *feature,
                        BdCentralCheckFunc   check,
                        gpointer             user_data,
                        gboolean            *created,
                        GError             **error)
{
  g_autoptr(BdCentralFeature) current = NULL;
  g_autoptr(GError) local_error = NULL;
  BdCentralFeature *written;

  g_return_val_if_fail (bd_central_store_is_collection (collection), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  if (!begin (self, error))
    return NULL;

  current = bd_central_store_get (self, collection, id, &local_error);
  if (local_error != NULL)
    {
      rollback (self);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (check != NULL && !check (current, user_data, error))
    {
      rollback (self);
      return NULL;
    }

  if (feature == NULL && (current == NULL || current->deleted))
    {
      rollback (self);
      g_set_error_literal (error, BD_CENTRAL_STORE_ERROR, BD_CENTRAL_STORE_ERROR_NOT_FOUND,
                           _("There is no such feature."));
      return NULL;
    }

  written = write_row (self, collection, id, feature, current, error);
  if (written == NULL)
    {
      rollback (self);
      return NULL;
    }
  if (!commit (self, error))
    {
      bd_central_feature_free (written);
      return NULL;
    }

  if (created != NULL)
    *created = current == NULL;
  return written;
}

gboolean
bd_central_store_import_begin (BdCentralStore  *self,
                               GError         **error)
{
  g_return_val_if_fail (!self->importing, FALSE);

  if (!begin (self, error))
    return FALSE;
  self->importing = TRUE;
  return TRUE;
}

gboolean
bd_central_store_import_add (BdCentralStore  *self,
                             const char      *collection,
                             JsonNode        *feature,
                             GError         **error)
{
  g_autoptr(BdCentralFeature) current = NULL;
  g_autoptr(BdCentralFeature) written = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *object;
  const char *id;

  g_return_val_if_fail (self->importing, FALSE);
  g_return_val_if_fail (bd_central_store_is_collection (collection), FALSE);

  object = JSON_NODE_HOLDS_OBJECT (feature) ? json_node_get_object (feature) : NULL;
  id = object ? json_object_get_string_member_with_default (object, "id", NULL) : NULL;
  if (id == NULL)
    {
      g_set_error_literal (error, BD_CENTRAL_STORE_ERROR, BD_CENTRAL_STORE_ERROR_INVALID,
                           _("The feature has no id."));
      return FALSE;
    }

  /* write_row () sets the id member again: the id must outlive that */
  {
    g_autofree char *id_copy = g_strdup (id);

    current = bd_central_store_get (self, collection, id_copy, &local_error);
    if (local_error == NULL)
      written = write_row (self, collection, id_copy, feature, current, &local_error);
  }
  if (written == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

gboolean
bd_central_store_import_commit (BdCentralStore  *self,
                                GError         **error)
{
  g_return_val_if_fail (self->importing, FALSE);

  self->importing = FALSE;
  return commit (self, error);
}

void
bd_central_store_import_rollback (BdCentralStore *self)
{
  self->importing = FALSE;
  rollback (self);
}

GPtrArray *
bd_central_store_list (BdCentralStore        *self,
                       const char            *collection,
                       const BdCentralQuery  *query,
                       gint64                *n_matched,
                       GError               **error)
{
  g_autoptr(GString) where = g_string_new (" FROM features WHERE collection = ?1 AND deleted = 0");
  g_autofree char *list_sql = NULL;
  g_autofree char *count_sql = NULL;
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_central_feature_free);
  sqlite3_stmt *s = NULL;
  int rc;

  /* Constant fragments only; every value is bound. */
  if (query->has_bbox)
    g_string_append (where, " AND rowid IN (SELECT id FROM features_rtree"
                            " WHERE max_lon >= ?2 AND min_lon <= ?4"
                            " AND max_lat >= ?3 AND min_lat <= ?5)");
  if (query->has_start)
    g_string_append (where, " AND COALESCE (observed_at, updated_at) >= ?6");
  if (query->has_end)
    g_string_append (where, " AND COALESCE (observed_at, updated_at) <= ?7");

  count_sql = g_strconcat ("SELECT COUNT (*)", where->str, NULL);
  list_sql = g_strconcat ("SELECT " FEATURE_COLUMNS, where->str,
                          " ORDER BY rowid LIMIT ?8 OFFSET ?9", NULL);

  for (int pass = 0; pass < 2; pass++)
    {
      if (sqlite3_prepare_v2 (self->db, pass == 0 ? count_sql : list_sql, -1, &s, NULL) != SQLITE_OK)
        {
          db_error (self->db, error, "list");
          return NULL;
        }
      sqlite3_bind_text (s, 1, collection, -1, SQLITE_STATIC);
      if (query->has_bbox)
        {
          sqlite3_bind_double (s, 2, query->min_lon);
          sqlite3_bind_double (s, 3, query->min_lat);
          sqlite3_bind_double (s, 4, query->max_lon);
          sqlite3_bind_double (s, 5, query->max_lat);
        }
      if (query->has_start)
        sqlite3_bind_int64 (s, 6, query->start);
      if (query->has_end)
        sqlite3_bind_int64 (s, 7, query->end);
      if (pass == 1)
        {
          sqlite3_bind_int64 (s, 8, query->limit);
          sqlite3_bind_int64 (s, 9, query->offset);
        }

      while ((rc = sqlite3_step (s)) == SQLITE_ROW)
        {
          if (pass == 0)
            *n_matched = sqlite3_column_int64 (s, 0);
          else
            g_ptr_array_add (result, feature_from_row (s));
        }
      sqlite3_finalize (s);
      if (rc != SQLITE_DONE)
        {
          db_error (self->db, error, "list");
          return NULL;
        }
    }

  return g_steal_pointer (&result);
}

GPtrArray *
bd_central_store_changes (BdCentralStore  *self,
                          const char      *collection,
                          gint64           since_seq,
                          gint64           limit,
                          GError         **error)
{
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_central_feature_free);
  sqlite3_stmt *s = stmt (self, STMT_CHANGES);
  int rc;

  sqlite3_bind_text (s, 1, collection, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (s, 2, since_seq);
  sqlite3_bind_int64 (s, 3, limit);
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    g_ptr_array_add (result, feature_from_row (s));
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    {
      db_error (self->db, error, "changes");
      return NULL;
    }
  return g_steal_pointer (&result);
}

gint64
bd_central_store_count (BdCentralStore  *self,
                        const char      *collection,
                        GError         **error)
{
  sqlite3_stmt *s = stmt (self, STMT_COUNT);
  gint64 n = -1;

  sqlite3_bind_text (s, 1, collection, -1, SQLITE_STATIC);
  if (sqlite3_step (s) == SQLITE_ROW)
    n = sqlite3_column_int64 (s, 0);
  else
    db_error (self->db, error, "count");
  sqlite3_reset (s);
  return n;
}

gint64
bd_central_store_add_token (BdCentralStore  *self,
                            const char      *name,
                            BdCentralRole    role,
                            const char      *ward,
                            const char      *hash,
                            GError         **error)
{
  sqlite3_stmt *s = stmt (self, STMT_TOKEN_ADD);
  g_autofree char *created_at = now_rfc3339 ();
  int rc;

  sqlite3_bind_text (s, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, bd_central_role_to_string (role), -1, SQLITE_STATIC);
  if (ward != NULL)
    sqlite3_bind_text (s, 3, ward, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 4, hash, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 5, created_at, -1, SQLITE_STATIC);
  rc = sqlite3_step (s);
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    {
      db_error (self->db, error, "token");
      return -1;
    }
  return sqlite3_last_insert_rowid (self->db);
}

BdCentralToken *
bd_central_store_lookup_token (BdCentralStore  *self,
                               const char      *hash,
                               GError         **error)
{
  sqlite3_stmt *s = stmt (self, STMT_TOKEN_LOOKUP);
  BdCentralToken *token = NULL;
  int rc;

  sqlite3_bind_text (s, 1, hash, -1, SQLITE_STATIC);
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    token = token_from_row (s);
  else if (rc != SQLITE_DONE)
    db_error (self->db, error, "token");
  sqlite3_reset (s);
  return token;
}

GPtrArray *
bd_central_store_list_tokens (BdCentralStore  *self,
                              GError         **error)
{
  g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_central_token_free);
  sqlite3_stmt *s = stmt (self, STMT_TOKEN_LIST);
  int rc;

  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    g_ptr_array_add (tokens, token_from_row (s));
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    {
      db_error (self->db, error, "tokens");
      return NULL;
    }
  return g_steal_pointer (&tokens);
}

gboolean
bd_central_store_revoke_token (BdCentralStore  *self,
                               gint64           id,
                               GError         **error)
{
  sqlite3_stmt *s = stmt (self, STMT_TOKEN_REVOKE);
  int rc;

  sqlite3_bind_int64 (s, 1, id);
  rc = sqlite3_step (s);
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    return db_error (self->db, error, "revoke");
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, BD_CENTRAL_STORE_ERROR, BD_CENTRAL_STORE_ERROR_NOT_FOUND,
                   _("There is no token with id %lld."), (long long) id);
      return FALSE;
    }
  return TRUE;
}

gboolean
bd_central_store_put_attachment (BdCentralStore  *self,
                                 const char      *sha256,
                                 const char      *media_type,
                                 GBytes          *bytes,
                                 gboolean        *created,
                                 GError         **error)
{
  g_autofree char *created_at = now_rfc3339 ();
  sqlite3_stmt *s;
  gsize size;
  gconstpointer data = g_bytes_get_data (bytes, &size);
  int rc;

  if (!begin (self, error))
    return FALSE;

  s = stmt (self, STMT_ATTACHMENT_EXISTS);
  sqlite3_bind_text (s, 1, sha256, -1, SQLITE_STATIC);
  rc = sqlite3_step (s);
  sqlite3_reset (s);
  if (rc == SQLITE_ROW)
    {
      rollback (self);
      *created = FALSE;
      return TRUE;
    }
  else if (rc != SQLITE_DONE)
    {
      db_error (self->db, error, "attachment");
      rollback (self);
      return FALSE;
    }

  s = stmt (self, STMT_ATTACHMENT_PUT);
  sqlite3_bind_text (s, 1, sha256, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, media_type, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (s, 3, (gint64) size);
  sqlite3_bind_blob64 (s, 4, data ? data : "", size, SQLITE_STATIC);
  sqlite3_bind_text (s, 5, created_at, -1, SQLITE_STATIC);
  rc = sqlite3_step (s);
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    {
      db_error (self->db, error, "attachment");
      rollback (self);
      return FALSE;
    }
  if (!commit (self, error))
    return FALSE;
  *created = TRUE;
  return TRUE;
}

GBytes *
bd_central_store_get_attachment (BdCentralStore  *self,
                                 const char      *sha256,
                                 char           **media_type,
                                 GError         **error)
{
  sqlite3_stmt *s = stmt (self, STMT_ATTACHMENT_GET);
  GBytes *bytes = NULL;
  int rc;

  sqlite3_bind_text (s, 1, sha256, -1, SQLITE_STATIC);
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    {
      bytes = g_bytes_new (sqlite3_column_blob (s, 1), (gsize) sqlite3_column_bytes (s, 1));
      if (media_type != NULL)
        *media_type = g_strdup ((const char *) sqlite3_column_text (s, 0));
    }
  else if (rc != SQLITE_DONE)
    db_error (self->db, error, "attachment");
  sqlite3_reset (s);
  return bytes;
}

gboolean
bd_central_store_has_attachment (BdCentralStore *self,
                                 const char     *sha256)
{
  sqlite3_stmt *s = stmt (self, STMT_ATTACHMENT_EXISTS);
  gboolean found;

  sqlite3_bind_text (s, 1, sha256, -1, SQLITE_STATIC);
  found = sqlite3_step (s) == SQLITE_ROW;
  sqlite3_reset (s);
  return found;
}

gboolean
bd_central_store_check (BdCentralStore  *self,
                        GError         **error)
{
  sqlite3_stmt *s = NULL;
  gboolean ok;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA integrity_check", -1, &s, NULL) != SQLITE_OK)
    return db_error (self->db, error, "integrity_check");
  ok = sqlite3_step (s) == SQLITE_ROW &&
       g_strcmp0 ((const char *) sqlite3_column_text (s, 0), "ok") == 0;
  sqlite3_finalize (s);
  if (!ok)
    g_set_error_literal (error, BD_CENTRAL_STORE_ERROR, BD_CENTRAL_STORE_ERROR_DATABASE,
                         _("The database failed its integrity check."));
  return ok;
}

/* ---------------------------------------------------------------- JMA */

/* One statement, prepared for this call (these run a few times a minute). */
static sqlite3_stmt *
prepare_once (BdCentralStore  *self,
              const char      *sql,
              GError         **error)
{
  sqlite3_stmt *s = NULL;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &s, NULL) != SQLITE_OK)
    {
      db_error (self->db, error, "jma");
      return NULL;
    }
  return s;
}

gboolean
bd_central_store_jma_seen (BdCentralStore  *self,
                           const char      *key,
                           const char      *sha256,
                           gboolean        *seen,
                           GError         **error)
{
  sqlite3_stmt *s = prepare_once (self, "SELECT 1 FROM jma_messages WHERE key = ?1 OR sha256 = ?2",
                                  error);
  int rc;

  if (s == NULL)
    return FALSE;
  sqlite3_bind_text (s, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, sha256, -1, SQLITE_STATIC);
  rc = sqlite3_step (s);
  sqlite3_finalize (s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return db_error (self->db, error, "jma");
  *seen = rc == SQLITE_ROW;
  return TRUE;
}

gboolean
bd_central_store_jma_record (BdCentralStore  *self,
                             const char      *key,
                             const char      *sha256,
                             const char      *type,
                             const char      *source,
                             guint            n_alerts,
                             GError         **error)
{
  g_autofree char *now = now_rfc3339 ();
  sqlite3_stmt *s = prepare_once (self,
                                  "INSERT INTO jma_messages (key, sha256, type, source, n_alerts,"
                                  "  ingested_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error);
  int rc;

  if (s == NULL)
    return FALSE;
  sqlite3_bind_text (s, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, sha256, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 3, type, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 4, source, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (s, 5, n_alerts);
  sqlite3_bind_text (s, 6, now, -1, SQLITE_STATIC);
  rc = sqlite3_step (s);
  sqlite3_finalize (s);
  if (rc != SQLITE_DONE)
    return db_error (self->db, error, "jma");
  return TRUE;
}

gboolean
bd_central_store_jma_entry_known (BdCentralStore  *self,
                                  const char      *url,
                                  gboolean        *known,
                                  GError         **error)
{
  sqlite3_stmt *s = prepare_once (self, "SELECT 1 FROM jma_feed_entries WHERE url = ?1", error);
  int rc;

  if (s == NULL)
    return FALSE;
  sqlite3_bind_text (s, 1, url, -1, SQLITE_STATIC);
  rc = sqlite3_step (s);
  sqlite3_finalize (s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return db_error (self->db, error, "jma");
  *known = rc == SQLITE_ROW;
  return TRUE;
}

gboolean
bd_central_store_jma_entry_add (BdCentralStore  *self,
                                const char      *url,
                                const char      *outcome,
                                GError         **error)
{
  g_autofree char *now = now_rfc3339 ();
  sqlite3_stmt *s = prepare_once (self,
                                  "INSERT OR IGNORE INTO jma_feed_entries (url, outcome, fetched_at)"
                                  " VALUES (?1, ?2, ?3)", error);
  int rc;

  if (s == NULL)
    return FALSE;
  sqlite3_bind_text (s, 1, url, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, outcome, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 3, now, -1, SQLITE_STATIC);
  rc = sqlite3_step (s);
  sqlite3_finalize (s);
  if (rc != SQLITE_DONE)
    return db_error (self->db, error, "jma");
  return TRUE;
}

/* ------------------------------------------------------------ tile sets */

void
bd_central_tile_set_free (BdCentralTileSet *set)
{
  if (set == NULL)
    return;
  g_free (set->name);
  g_free (set->path);
  g_free (set->format);
  g_free (set->attribution);
  g_free (set->added_at);
  g_free (set);
}

#define TILE_SET_COLUMNS \
  "name, path, format, min_zoom, max_zoom, min_lon, min_lat, max_lon, max_lat," \
  " attribution, overlay, added_at"

static BdCentralTileSet *
tile_set_from_row (sqlite3_stmt *s)
{
  BdCentralTileSet *set = g_new0 (BdCentralTileSet, 1);

  set->name = g_strdup ((const char *) sqlite3_column_text (s, 0));
  set->path = g_strdup ((const char *) sqlite3_column_text (s, 1));
  set->format = g_strdup ((const char *) sqlite3_column_text (s, 2));
  set->min_zoom = sqlite3_column_int (s, 3);
  set->max_zoom = sqlite3_column_int (s, 4);
  set->min_lon = sqlite3_column_double (s, 5);
  set->min_lat = sqlite3_column_double (s, 6);
  set->max_lon = sqlite3_column_double (s, 7);
  set->max_lat = sqlite3_column_double (s, 8);
  set->attribution = g_strdup ((const char *) sqlite3_column_text (s, 9));
  set->overlay = sqlite3_column_int (s, 10) != 0;
  set->added_at = g_strdup ((const char *) sqlite3_column_text (s, 11));
  return set;
}

gboolean
bd_central_store_tile_set_add (BdCentralStore          *self,
                               const BdCentralTileSet  *set,
                               GError                 **error)
{
  g_autofree char *now = now_rfc3339 ();
  sqlite3_stmt *s = prepare_once (self, "INSERT INTO tile_sets (" TILE_SET_COLUMNS ")"
                                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                                  error);
  int rc;

  if (s == NULL)
    return FALSE;
  sqlite3_bind_text (s, 1, set->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, set->path, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 3, set->format, -1, SQLITE_STATIC);
  sqlite3_bind_int (s, 4, set->min_zoom);
  sqlite3_bind_int (s, 5, set->max_zoom);
  sqlite3_bind_double (s, 6, set->min_lon);
  sqlite3_bind_double (s, 7, set->min_lat);
  sqlite3_bind_double (s, 8, set->max_lon);
  sqlite3_bind_double (s, 9, set->max_lat);
  sqlite3_bind_text (s, 10, set->attribution ? set->attribution : "", -1, SQLITE_STATIC);
  sqlite3_bind_int (s, 11, set->overlay ? 1 : 0);
  sqlite3_bind_text (s, 12, now, -1, SQLITE_STATIC);
  rc = sqlite3_step (s);
  sqlite3_finalize (s);
  if (rc == SQLITE_CONSTRAINT)
    {
      g_set_error (error, BD_CENTRAL_STORE_ERROR, BD_CENTRAL_STORE_ERROR_EXISTS,
                   _("A tile set named “%s” exists already."), set->name);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return db_error (self->db, error, "tile_sets");
  return TRUE;
}

/* @name NULL: every set, by name. */
static GPtrArray *
tile_sets_query (BdCentralStore  *self,
                 const char      *name,
                 GError         **error)
{
  g_autoptr(GPtrArray) sets = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_central_tile_set_free);
  sqlite3_stmt *s = prepare_once (self, "SELECT " TILE_SET_COLUMNS " FROM tile_sets"
                                  " WHERE ?1 IS NULL OR name = ?1 ORDER BY name LIMIT 1000",
                                  error);
  int rc;

  if (s == NULL)
    return NULL;
  if (name != NULL)
    sqlite3_bind_text (s, 1, name, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    g_ptr_array_add (sets, tile_set_from_row (s));
  sqlite3_finalize (s);
  if (rc != SQLITE_DONE)
    {
      db_error (self->db, error, "tile_sets");
      return NULL;
    }
  return g_steal_pointer (&sets);
}

GPtrArray *
bd_central_store_tile_sets_list (BdCentralStore  *self,
                                 GError         **error)
{
  return tile_sets_query (self, NULL, error);
}

BdCentralTileSet *
bd_central_store_tile_set_get (BdCentralStore  *self,
                               const char      *name,
                               GError         **error)
{
  g_autoptr(GPtrArray) sets = NULL;

  g_return_val_if_fail (name != NULL, NULL);
  sets = tile_sets_query (self, name, error);
  if (sets == NULL || sets->len == 0)
    return NULL;
  return g_ptr_array_steal_index (sets, 0);
}

gboolean
bd_central_store_tile_set_remove (BdCentralStore  *self,
                                  const char      *name,
                                  GError         **error)
{
  sqlite3_stmt *s = prepare_once (self, "DELETE FROM tile_sets WHERE name = ?1", error);
  int rc;

  if (s == NULL)
    return FALSE;
  sqlite3_bind_text (s, 1, name, -1, SQLITE_STATIC);
  rc = sqlite3_step (s);
  sqlite3_finalize (s);
  if (rc != SQLITE_DONE)
    return db_error (self->db, error, "tile_sets");
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, BD_CENTRAL_STORE_ERROR, BD_CENTRAL_STORE_ERROR_NOT_FOUND,
                   _("There is no tile set named “%s”."), name);
      return FALSE;
    }
  return TRUE;
}
