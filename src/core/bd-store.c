/* bd-store.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-store"

#include "config.h"

#include "bd-store.h"

#include <glib/gi18n-lib.h>
#include <float.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "bd-catalog.h"
#include "bd-fts-private.h"

/* PRAGMA application_id of a Bosai Desk database ("BdDs"). */
#define BD_STORE_APPLICATION_ID 0x42644473

#define BUSY_TIMEOUT_MS 5000

/* The schema, one migration per version. Each runs in its own transaction
 * and ends by setting user_version. */

static const char migration_1[] =
  "PRAGMA application_id = 1113867379;"
  "CREATE TABLE reports ("
  "  rowid INTEGER PRIMARY KEY,"
  "  id TEXT NOT NULL UNIQUE,"
  "  ward TEXT NOT NULL,"
  "  category TEXT NOT NULL,"
  "  severity INTEGER NOT NULL,"
  "  status TEXT NOT NULL,"
  "  lat REAL NOT NULL,"
  "  lon REAL NOT NULL,"
  "  observed_at INTEGER,"          /* unix time, seconds */
  "  created_at INTEGER,"
  "  updated_at INTEGER,"
  "  rev INTEGER NOT NULL DEFAULT 0,"
  "  seq INTEGER NOT NULL DEFAULT 0,"
  "  deleted INTEGER NOT NULL DEFAULT 0,"
  "  title TEXT NOT NULL,"
  "  reporter TEXT,"
  "  description TEXT,"
  "  feature TEXT NOT NULL"         /* the whole GeoJSON Feature */
  ");"
  "CREATE INDEX reports_live ON reports (deleted, updated_at);"
  "CREATE INDEX reports_ward ON reports (ward);"
  "CREATE INDEX reports_category ON reports (category);"
  "CREATE INDEX reports_status ON reports (status);"
  /* covers bd_store_reader_load_points: the map's scan of every live report
   * reads this small index instead of the rows with their GeoJSON */
  "CREATE INDEX reports_points ON reports (deleted, lat, lon, category, severity, status);"
  "CREATE TABLE outbox ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  report_id TEXT NOT NULL REFERENCES reports (id),"
  "  op TEXT NOT NULL CHECK (op IN ('create', 'update', 'delete')),"
  "  base_rev INTEGER NOT NULL DEFAULT 0,"
  "  payload TEXT NOT NULL,"
  "  created_at TEXT NOT NULL"
  ");"
  "CREATE INDEX outbox_report ON outbox (report_id);"
  "CREATE TABLE history ("
  "  id INTEGER PRIMARY KEY,"
  "  report_id TEXT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,"
  "  actor TEXT,"
  "  at TEXT NOT NULL,"
  "  op TEXT NOT NULL,"
  "  fields TEXT NOT NULL DEFAULT '[]'"
  ");"
  "CREATE INDEX history_report ON history (report_id, id);"
  "PRAGMA user_version = 1;";

/* The R*Tree and FTS tables are kept up to date by the store itself, not
 * by triggers: a trigger writing to a virtual table makes SQLite open a
 * savepoint around every statement, and FTS5 then flushes its pending terms
 * to disk on each one (measured: 4 times slower inserts).
 *
 * The R*Tree holds the live reports only, in integer coordinates (1e-7
 * degree, about 1 cm) with updated_at (seconds since 2020) as a third
 * dimension: a bounding-box query is answered, in list order, from the
 * R*Tree alone without reading a single row of the reports table. */
#define RTREE_SCALE 10000000.0
#define RTREE_EPOCH G_GINT64_CONSTANT (1577836800)   /* 2020-01-01T00:00:00Z */

static const char migration_2[] =
  "CREATE VIRTUAL TABLE reports_rtree USING rtree_i32"
  "  (id, min_lon, max_lon, min_lat, max_lat, min_t, max_t);"
  "INSERT INTO reports_rtree SELECT rowid,"
  "  round(lon * 10000000), round(lon * 10000000),"
  "  round(lat * 10000000), round(lat * 10000000),"
  "  coalesce(updated_at, 0) - 1577836800, coalesce(updated_at, 0) - 1577836800"
  "  FROM reports WHERE deleted = 0;"
  "PRAGMA user_version = 2;";

static const char migration_3[] =
  "CREATE VIRTUAL TABLE reports_fts USING fts5 (title, description,"
  "  content='reports', content_rowid='rowid', columnsize=0,"
  "  tokenize='" BD_FTS_TOKENIZER_NAME "');"
  "INSERT INTO reports_fts (reports_fts) VALUES ('rebuild');"
  "CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
  "PRAGMA user_version = 3;";

/* Sync: the base copies of the three-way merge, conflicts waiting for the
 * user, photos, and why the server refused an outbox row.
 *
 * reports_base holds the last server copy of a report only while local
 * edits of it wait in the outbox; otherwise the report row itself is that
 * copy. */
static const char migration_4[] =
  "CREATE TABLE reports_base ("
  "  id TEXT PRIMARY KEY,"
  "  rev INTEGER NOT NULL,"
  "  feature TEXT NOT NULL"
  ") WITHOUT ROWID;"
  "CREATE TABLE conflicts ("
  "  report_id TEXT NOT NULL,"
  "  field TEXT NOT NULL,"
  "  server_rev INTEGER NOT NULL,"
  "  created_at TEXT NOT NULL,"
  "  PRIMARY KEY (report_id, field)"
  ") WITHOUT ROWID;"
  "CREATE TABLE attachments ("
  "  sha256 TEXT PRIMARY KEY,"
  "  media_type TEXT NOT NULL,"
  "  data BLOB NOT NULL,"
  "  uploaded INTEGER NOT NULL DEFAULT 0"
  ");"
  "ALTER TABLE outbox ADD COLUMN error TEXT;"
  "PRAGMA user_version = 4;";

/* Photos named by pulled reports that this store does not hold yet. */
static const char migration_5[] =
  "CREATE TABLE attachments_wanted ("
  "  sha256 TEXT PRIMARY KEY,"
  "  report_id TEXT NOT NULL,"
  "  media_type TEXT NOT NULL,"
  "  since INTEGER NOT NULL"
  ") WITHOUT ROWID;"
  "PRAGMA user_version = 5;";

/* Features of the change feed this client could not take, kept aside. */
static const char migration_6[] =
  "CREATE TABLE pulled_rejects ("
  "  id TEXT,"
  "  seq INTEGER NOT NULL,"
  "  reason TEXT NOT NULL,"
  "  feature TEXT NOT NULL,"
  "  at TEXT NOT NULL,"
  "  UNIQUE (id, seq)"
  ");"
  "PRAGMA user_version = 6;";

static const char * const migrations[BD_STORE_SCHEMA_VERSION] = {
  migration_1,
  migration_2,
  migration_3,
  migration_4,
  migration_5,
  migration_6,
};

/* Every field name a report has, for the history row of a create. */
static const char * const all_fields[] = {
  "geometry", "ward", "category", "severity", "status", "duplicate_of",
  "title", "description", "reporter", "observed_at", "counts",
  "affected_households", "affected_people", "attachments",
};

typedef enum
{
  STMT_BEGIN,
  STMT_COMMIT,
  STMT_ROLLBACK,
  STMT_GET_BY_ID,
  STMT_GET_BY_ROWID,
  STMT_LOOKUP,
  STMT_INSERT,
  STMT_UPDATE,
  STMT_RTREE_INSERT,
  STMT_RTREE_UPDATE,
  STMT_RTREE_DELETE,
  STMT_FTS_INSERT,
  STMT_FTS_DELETE,
  STMT_OUTBOX_INSERT,
  STMT_OUTBOX_LIST,
  STMT_OUTBOX_REMOVE,
  STMT_OUTBOX_COUNT,
  STMT_HISTORY_INSERT,
  STMT_HISTORY_LIST,
  STMT_COUNT,
  STMT_SYNC_GET,
  STMT_SYNC_SET,
  STMT_BASE_KEEP,
  STMT_BASE_SET,
  STMT_BASE_GET,
  STMT_BASE_DELETE,
  STMT_OUTBOX_LIST_READY,
  STMT_OUTBOX_FOR_REPORT,
  STMT_OUTBOX_REPORT_OF,
  STMT_OUTBOX_REMOVE_REPORT,
  STMT_OUTBOX_REBASE,
  STMT_OUTBOX_SET_ERROR,
  STMT_OUTBOX_PENDING,
  STMT_SET_REV,
  STMT_CONFLICT_INSERT,
  STMT_CONFLICT_LIST,
  STMT_CONFLICT_DELETE,
  STMT_CONFLICT_COUNT,
  STMT_CONFLICT_COUNT_REPORT,
  STMT_ATTACHMENT_INSERT,
  STMT_ATTACHMENT_GET,
  STMT_ATTACHMENT_NEEDS_UPLOAD,
  STMT_ATTACHMENT_UPLOADED,
  STMT_ATTACHMENT_HELD,
  STMT_WANTED_INSERT,
  STMT_WANTED_LIST,
  STMT_WANTED_DELETE,
  STMT_WANTED_REPORT,
  STMT_REJECT_INSERT,
  STMT_REJECT_COUNT,
  N_STMTS
} StmtId;

static const char * const stmt_sql[N_STMTS] = {
  [STMT_BEGIN] = "BEGIN IMMEDIATE",
  [STMT_COMMIT] = "COMMIT",
  [STMT_ROLLBACK] = "ROLLBACK",
  [STMT_GET_BY_ID] =
    "SELECT rowid, feature, rev, seq, deleted FROM reports WHERE id = ?1",
  [STMT_GET_BY_ROWID] =
    "SELECT rowid, feature, rev, seq, deleted FROM reports WHERE rowid = ?1",
  [STMT_LOOKUP] =
    "SELECT rowid, lat, lon, updated_at, deleted, title, description"
    " FROM reports WHERE id = ?1",
  [STMT_INSERT] =
    "INSERT INTO reports (id, ward, category, severity, status, lat, lon,"
    "  observed_at, created_at, updated_at, rev, seq, deleted, title, reporter,"
    "  description, feature)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
  [STMT_UPDATE] =
    "UPDATE reports SET id = ?1, ward = ?2, category = ?3, severity = ?4,"
    "  status = ?5, lat = ?6, lon = ?7, observed_at = ?8, created_at = ?9,"
    "  updated_at = ?10, rev = ?11, seq = ?12, deleted = ?13, title = ?14,"
    "  reporter = ?15, description = ?16, feature = ?17"
    " WHERE rowid = ?18",
  [STMT_RTREE_INSERT] =
    "INSERT INTO reports_rtree (id, min_lon, max_lon, min_lat, max_lat, min_t, max_t)"
    " VALUES (?1, ?2, ?2, ?3, ?3, ?4, ?4)",
  [STMT_RTREE_UPDATE] =
    "UPDATE reports_rtree SET min_lon = ?2, max_lon = ?2, min_lat = ?3, max_lat = ?3,"
    " min_t = ?4, max_t = ?4 WHERE id = ?1",
  [STMT_RTREE_DELETE] = "DELETE FROM reports_rtree WHERE id = ?1",
  [STMT_FTS_INSERT] =
    "INSERT INTO reports_fts (rowid, title, description) VALUES (?1, ?2, ?3)",
  [STMT_FTS_DELETE] =
    "INSERT INTO reports_fts (reports_fts, rowid, title, description)"
    " VALUES ('delete', ?1, ?2, ?3)",
  [STMT_OUTBOX_INSERT] =
    "INSERT INTO outbox (report_id, op, base_rev, payload, created_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5)",
  [STMT_OUTBOX_LIST] =
    "SELECT seq, report_id, op, base_rev, payload, created_at, error FROM outbox ORDER BY seq",
  [STMT_OUTBOX_REMOVE] = "DELETE FROM outbox WHERE seq = ?1",
  [STMT_OUTBOX_COUNT] = "SELECT count(*) FROM outbox",
  [STMT_HISTORY_INSERT] =
    "INSERT INTO history (report_id, actor, at, op, fields) VALUES (?1, ?2, ?3, ?4, ?5)",
  [STMT_HISTORY_LIST] =
    "SELECT id, report_id, actor, at, op, fields FROM history"
    " WHERE ?1 IS NULL OR report_id = ?1 ORDER BY id",
  [STMT_COUNT] = "SELECT count(*) FROM reports WHERE deleted = 0",
  [STMT_SYNC_GET] = "SELECT value FROM sync_state WHERE key = ?1",
  [STMT_SYNC_SET] =
    "INSERT INTO sync_state (key, value) VALUES (?1, ?2)"
    " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  /* before the first local edit of a synced report: keep its server copy */
  [STMT_BASE_KEEP] =
    "INSERT OR IGNORE INTO reports_base (id, rev, feature)"
    " SELECT id, rev, feature FROM reports WHERE id = ?1 AND rev > 0",
  [STMT_BASE_SET] =
    "INSERT OR REPLACE INTO reports_base (id, rev, feature) VALUES (?1, ?2, ?3)",
  [STMT_BASE_GET] =
    "SELECT 0, feature, rev, 0, 0 FROM reports_base WHERE id = ?1",
  [STMT_BASE_DELETE] = "DELETE FROM reports_base WHERE id = ?1",
  [STMT_OUTBOX_LIST_READY] =
    "SELECT seq, report_id, op, base_rev, payload, created_at, error FROM outbox"
    " WHERE report_id NOT IN (SELECT report_id FROM conflicts) ORDER BY seq",
  [STMT_OUTBOX_FOR_REPORT] = "SELECT count(*) FROM outbox WHERE report_id = ?1",
  [STMT_OUTBOX_REPORT_OF] = "SELECT report_id FROM outbox WHERE seq = ?1",
  [STMT_OUTBOX_REMOVE_REPORT] = "DELETE FROM outbox WHERE report_id = ?1",
  [STMT_OUTBOX_REBASE] = "UPDATE outbox SET base_rev = ?2 WHERE report_id = ?1",
  [STMT_OUTBOX_SET_ERROR] = "UPDATE outbox SET error = ?2 WHERE seq = ?1",
  [STMT_OUTBOX_PENDING] = "SELECT DISTINCT report_id FROM outbox",
  [STMT_SET_REV] = "UPDATE reports SET rev = ?2, seq = ?3 WHERE id = ?1",
  [STMT_CONFLICT_INSERT] =
    "INSERT OR REPLACE INTO conflicts (report_id, field, server_rev, created_at)"
    " VALUES (?1, ?2, ?3, ?4)",
  [STMT_CONFLICT_LIST] =
    "SELECT report_id, field, server_rev, created_at FROM conflicts"
    " WHERE ?1 IS NULL OR report_id = ?1 ORDER BY created_at, report_id, field",
  [STMT_CONFLICT_DELETE] = "DELETE FROM conflicts WHERE report_id = ?1 AND field = ?2",
  [STMT_CONFLICT_COUNT] = "SELECT count(*) FROM conflicts",
  [STMT_CONFLICT_COUNT_REPORT] = "SELECT count(*) FROM conflicts WHERE report_id = ?1",
  [STMT_ATTACHMENT_INSERT] =
    "INSERT OR IGNORE INTO attachments (sha256, media_type, data) VALUES (?1, ?2, ?3)",
  [STMT_ATTACHMENT_GET] = "SELECT media_type, data FROM attachments WHERE sha256 = ?1",
  [STMT_ATTACHMENT_NEEDS_UPLOAD] =
    "SELECT 1 FROM attachments WHERE sha256 = ?1 AND uploaded = 0",
  [STMT_ATTACHMENT_UPLOADED] = "UPDATE attachments SET uploaded = 1 WHERE sha256 = ?1",
  [STMT_ATTACHMENT_HELD] = "SELECT 1 FROM attachments WHERE sha256 = ?1",
  [STMT_WANTED_INSERT] =
    "INSERT OR IGNORE INTO attachments_wanted (sha256, report_id, media_type, since)"
    " VALUES (?1, ?2, ?3, ?4)",
  [STMT_WANTED_LIST] =
    "SELECT sha256 FROM attachments_wanted ORDER BY since, sha256 LIMIT ?1",
  [STMT_WANTED_DELETE] = "DELETE FROM attachments_wanted WHERE sha256 = ?1",
  [STMT_REJECT_INSERT] =
    "INSERT OR IGNORE INTO pulled_rejects (id, seq, reason, feature, at)"
    " VALUES (?1, ?2, ?3, ?4, ?5)",
  [STMT_REJECT_COUNT] = "SELECT count(*) FROM pulled_rejects",
  [STMT_WANTED_REPORT] =
    "SELECT r.id, r.rowid FROM attachments_wanted w JOIN reports r ON r.id = w.report_id"
    " WHERE w.sha256 = ?1",
};

struct _BdStore
{
  GObject        parent_instance;

  char          *path;
  sqlite3       *db;
  int            schema_version;
  sqlite3_stmt  *stmts[N_STMTS];
  GHashTable    *query_stmts;      /* query mask -> sqlite3_stmt */
};

struct _BdStoreReader
{
  sqlite3       *db;
  GHashTable    *query_stmts;
  sqlite3_stmt  *points;
};

G_DEFINE_FINAL_TYPE (BdStore, bd_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (bd-store-error-quark, bd_store_error)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* A statement that resets itself when it goes out of scope. */
typedef sqlite3_stmt StmtScope;

static void
stmt_scope_reset (StmtScope *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StmtScope, stmt_scope_reset)

static void
finalize_stmt (gpointer data)
{
  sqlite3_finalize (data);
}

static void
set_sql_error (sqlite3     *db,
               GError     **error,
               int          rc,
               const char  *what)
{
  int code = BD_STORE_ERROR_SQL;

  if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
    code = BD_STORE_ERROR_CORRUPT;

  g_set_error (error, BD_STORE_ERROR, code, "%s: %s", what,
               db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
}

static void
bind_text_or_null (sqlite3_stmt *stmt,
                   int           index,
                   const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static void
bind_time (sqlite3_stmt *stmt,
           int           index,
           GDateTime    *when)
{
  if (when != NULL)
    sqlite3_bind_int64 (stmt, index, g_date_time_to_unix (when));
  else
    sqlite3_bind_null (stmt, index);
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

/* Connections */

static gboolean
exec_sql (sqlite3     *db,
          const char  *sql,
          GError     **error)
{
  char *message = NULL;
  int rc;

  rc = sqlite3_exec (db, sql, NULL, NULL, &message);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, BD_STORE_ERROR,
                   rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT ?
                   BD_STORE_ERROR_CORRUPT : BD_STORE_ERROR_SQL,
                   "%s", message != NULL ? message : sqlite3_errstr (rc));
      sqlite3_free (message);
      return FALSE;
    }

  return TRUE;
}

static gboolean
pragma_int (sqlite3     *db,
            const char  *sql,
            gint64      *value,
            GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *value = sqlite3_column_int64 (stmt, 0);
      sqlite3_finalize (stmt);
      return TRUE;
    }

  set_sql_error (db, error, rc, sql);
  sqlite3_finalize (stmt);
  return FALSE;
}

static sqlite3 *
open_connection (const char  *path,
                 gboolean     read_only,
                 GError     **error)
{
  sqlite3 *db = NULL;
  int flags;
  int rc;

  flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  flags |= read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);

  rc = sqlite3_open_v2 (path, &db, flags, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_OPEN,
                   _("Cannot open the database “%s”: %s"), path,
                   db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close (db);
      return NULL;
    }

  sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);
  sqlite3_extended_result_codes (db, 0);

  return db;
}

/* Reads the header of an open database: its schema version, checking that
 * it is ours. */
static gboolean
check_database (sqlite3     *db,
                const char  *path,
                gint64      *version_out,
                GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  gint64 version = 0;
  gint64 app_id = 0;
  gint64 n_objects = 0;

  if (!pragma_int (db, "PRAGMA user_version", &version, &local_error) ||
      !pragma_int (db, "PRAGMA application_id", &app_id, &local_error) ||
      !pragma_int (db, "SELECT count(*) FROM sqlite_master", &n_objects, &local_error))
    {
      if (g_error_matches (local_error, BD_STORE_ERROR, BD_STORE_ERROR_CORRUPT))
        g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_CORRUPT,
                     _("“%s” is not a Bosai Desk database, or it is damaged (%s)"),
                     path, sqlite3_errmsg (db));
      else
        g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_OPEN,
                     _("Cannot read the database “%s”: %s"), path, local_error->message);
      return FALSE;
    }

  if ((version > 0 && app_id != BD_STORE_APPLICATION_ID) ||
      (version == 0 && n_objects > 0))
    {
      g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_CORRUPT,
                   _("“%s” is an SQLite database of another application, not a Bosai Desk database"),
                   path);
      return FALSE;
    }

  if (version > BD_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_VERSION,
                   _("The database “%s” was made by a newer version of Bosai Desk "
                     "(schema %d, this version knows %d). Please update the application."),
                   path, (int) version, BD_STORE_SCHEMA_VERSION);
      return FALSE;
    }

  *version_out = version;
  return TRUE;
}

static gboolean
configure_writer (sqlite3     *db,
                  GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean wal = FALSE;
  int rc;

  rc = sqlite3_prepare_v2 (db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    wal = g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "wal") == 0;
  sqlite3_finalize (stmt);
  if (!wal)
    {
      g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_OPEN,
                   _("Cannot switch the database to WAL mode: %s"), sqlite3_errmsg (db));
      return FALSE;
    }

  return exec_sql (db,
                   "PRAGMA synchronous = FULL;"
                   "PRAGMA foreign_keys = ON;"
                   "PRAGMA cache_size = -32000;"
                   "PRAGMA mmap_size = 268435456;",
                   error);
}

static gboolean
migrate (sqlite3     *db,
         int          from,
         int          to,
         GError     **error)
{
  int v;

  for (v = from + 1; v <= to; v++)
    {
      g_autoptr(GError) local_error = NULL;

      if (!exec_sql (db, "BEGIN IMMEDIATE", error))
        return FALSE;
      if (!exec_sql (db, migrations[v - 1], &local_error) ||
          !exec_sql (db, "COMMIT", &local_error))
        {
          sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
          g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_SQL,
                       _("Cannot upgrade the database to schema %d: %s"),
                       v, local_error->message);
          return FALSE;
        }
      g_debug ("Migrated database to schema version %d", v);
    }

  return TRUE;
}

gboolean
_bd_store_create_at_version (const char  *path,
                             int          version,
                             GError     **error)
{
  sqlite3 *db;
  gint64 current = 0;
  gboolean ret;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (version >= 1 && version <= BD_STORE_SCHEMA_VERSION, FALSE);

  if (!(db = open_connection (path, FALSE, error)))
    return FALSE;

  ret = check_database (db, path, &current, error) &&
        configure_writer (db, error) &&
        _bd_fts_register (db, error) &&
        migrate (db, (int) current, version, error);

  sqlite3_close (db);
  return ret;
}

/* Queries, shared by the store and its readers */

enum {
  QUERY_BBOX     = 1 << 0,
  QUERY_WARD     = 1 << 1,
  QUERY_CATEGORY = 1 << 2,
  QUERY_STATUS   = 1 << 3,
  QUERY_TEXT     = 1 << 4,
  QUERY_LIMIT    = 1 << 5,
  QUERY_FEATURES = 1 << 6,
};

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

  if (mask & QUERY_BBOX)
    {
      /* Driven by the R*Tree, which holds only live reports and whose
       * max_t orders them like updated_at; the reports table is read only
       * for the other filters. */
      gboolean join = (mask & (QUERY_FEATURES | QUERY_WARD | QUERY_CATEGORY | QUERY_STATUS)) != 0;

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
  if (mask & QUERY_TEXT)
    g_string_append_printf (sql,
                            " AND %s IN (SELECT rowid FROM reports_fts"
                            "  WHERE reports_fts MATCH ?8)",
                            (mask & QUERY_BBOX) ? "t.id" : "r.rowid");
  if (mask & QUERY_BBOX)
    g_string_append (sql, " ORDER BY t.max_t DESC, t.id DESC");
  else
    g_string_append (sql, " ORDER BY r.updated_at DESC, r.rowid DESC");
  if (mask & QUERY_LIMIT)
    g_string_append (sql, " LIMIT ?9");

  rc = sqlite3_prepare_v3 (db, sql->str, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_sql_error (db, error, rc, _("Cannot search the reports"));
      return NULL;
    }

  g_hash_table_insert (cache, GUINT_TO_POINTER (mask + 1), stmt);
  return stmt;
}

/* A coordinate as the R*Tree stores it. Rounding is monotonic: a point
 * strictly inside the rounded box is inside the box, one outside it is
 * outside; only those on its rounded edges need a closer look. */
static gint64
rtree_degrees (double degrees)
{
  if (!(degrees > -200.0))
    degrees = -200.0;
  if (!(degrees < 200.0))
    degrees = 200.0;

  return (gint64) lround (degrees * RTREE_SCALE);
}

static gint64
rtree_time (gint64 unix_seconds)
{
  return CLAMP (unix_seconds - RTREE_EPOCH, G_MININT32, G_MAXINT32);
}

static BdReport *
report_from_row (sqlite3_stmt  *stmt,
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
static gboolean
run_query (sqlite3        *db,
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
      if (!is_blank (query->text))
        {
          /* nothing searchable (only punctuation): nothing matches */
          if (!(match = _bd_fts_build_query (query->text)))
            return TRUE;
          mask |= QUERY_TEXT;
        }
      if (query->limit > 0)
        mask |= QUERY_LIMIT;
    }
  if (reports != NULL)
    mask |= QUERY_FEATURES;

  if (!(stmt = get_query_stmt (db, cache, mask, error)))
    return FALSE;

  {
    g_autoptr(StmtScope) scope = stmt;

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
            BdReport *report = report_from_row (stmt, 1, error);

            if (report == NULL)
              return FALSE;
            g_ptr_array_add (reports, report);
          }
      }

    if (rc != SQLITE_DONE)
      {
        set_sql_error (db, error, rc, _("Cannot search the reports"));
        return FALSE;
      }
  }

  return TRUE;
}

/* The store */

static sqlite3_stmt *
get_stmt (BdStore  *self,
          StmtId    id,
          GError  **error)
{
  int rc;

  if (self->stmts[id] != NULL)
    return self->stmts[id];

  rc = sqlite3_prepare_v3 (self->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
                           &self->stmts[id], NULL);
  if (rc != SQLITE_OK)
    {
      set_sql_error (self->db, error, rc, _("Cannot prepare a database statement"));
      self->stmts[id] = NULL;
      return NULL;
    }

  return self->stmts[id];
}

/* Runs a statement that returns no rows. */
static gboolean
run_stmt (BdStore  *self,
          StmtId    id,
          GError  **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = get_stmt (self, id, error)))
    return FALSE;

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_sql_error (self->db, error, rc, _("Database error"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
begin (BdStore  *self,
       GError  **error)
{
  return run_stmt (self, STMT_BEGIN, error);
}

static gboolean
commit (BdStore  *self,
        GError  **error)
{
  if (!run_stmt (self, STMT_COMMIT, error))
    {
      if (!sqlite3_get_autocommit (self->db))
        run_stmt (self, STMT_ROLLBACK, NULL);
      return FALSE;
    }
  return TRUE;
}

static void
rollback (BdStore *self)
{
  if (!sqlite3_get_autocommit (self->db))
    run_stmt (self, STMT_ROLLBACK, NULL);
}

/* Loads the stored copy of a report; NULL without error when there is none. */
static BdReport *
load_stored (BdStore     *self,
             const char  *id,
             gint64      *rowid,
             GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = get_stmt (self, STMT_GET_BY_ID, error)))
    return NULL;

  {
    g_autoptr(StmtScope) scope = stmt;

    sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
    rc = sqlite3_step (stmt);
    if (rc == SQLITE_ROW)
      {
        if (rowid != NULL)
          *rowid = sqlite3_column_int64 (stmt, 0);
        return report_from_row (stmt, 1, error);
      }
    if (rc != SQLITE_DONE)
      set_sql_error (self->db, error, rc, _("Cannot read a report"));
  }

  return NULL;
}

/* Runs a cached statement whose parameters are bound, expecting no row. */
static gboolean
step_done (BdStore     *self,
           StmtScope   *stmt,
           GError     **error)
{
  g_autoptr(StmtScope) scope = stmt;
  int rc;

  if ((rc = sqlite3_step (stmt)) != SQLITE_DONE)
    {
      set_sql_error (self->db, error, rc, _("Cannot write a report"));
      return FALSE;
    }

  return TRUE;
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
  if (!(stmt = get_stmt (self, STMT_LOOKUP, error)))
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
      set_sql_error (self->db, error, rc, _("Cannot read a report"));
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
}

/* Inserts or updates the row of @report (by id), with its R*Tree and FTS
 * rows; must run inside a transaction. */
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

  if (!(stmt = get_stmt (self, id, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, rowid);
  if (id != STMT_RTREE_DELETE)
    {
      sqlite3_bind_int64 (stmt, 2, rtree_degrees (lon));
      sqlite3_bind_int64 (stmt, 3, rtree_degrees (lat));
      sqlite3_bind_int64 (stmt, 4, rtree_time (updated_at));
    }

  return step_done (self, stmt, error);
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

  if (!(stmt = get_stmt (self, id, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, rowid);
  bind_text_or_null (stmt, 2, title);
  bind_text_or_null (stmt, 3, description);

  return step_done (self, stmt, error);
}

/* Inserts or updates the row of @report (by id), with its R*Tree and FTS
 * rows; must run inside a transaction. */
static gboolean
write_row (BdStore     *self,
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
      if (!(stmt = get_stmt (self, STMT_INSERT, error)))
        return FALSE;
      bind_report (stmt, report, feature);
      if (!step_done (self, stmt, error))
        return FALSE;
      *rowid = sqlite3_last_insert_rowid (self->db);

      return (!live ||
              write_rtree (self, STMT_RTREE_INSERT, *rowid, lat, lon, updated_at, error)) &&
             write_fts (self, STMT_FTS_INSERT, *rowid, title, description, error);
    }

  *rowid = old.rowid;

  if (!(stmt = get_stmt (self, STMT_UPDATE, error)))
    return FALSE;
  bind_report (stmt, report, feature);
  sqlite3_bind_int64 (stmt, 18, old.rowid);
  if (!step_done (self, stmt, error))
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

  return TRUE;
}

static gboolean
write_outbox (BdStore     *self,
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

  if (!(stmt = get_stmt (self, STMT_OUTBOX_INSERT, error)))
    return FALSE;
  scope = stmt;

  sqlite3_bind_text (stmt, 1, report_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, op, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, base_rev);
  sqlite3_bind_text (stmt, 4, payload, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, now, -1, SQLITE_STATIC);

  if ((rc = sqlite3_step (stmt)) != SQLITE_DONE)
    {
      set_sql_error (self->db, error, rc, _("Cannot record the change for syncing"));
      return FALSE;
    }

  return TRUE;
}

static char *
fields_to_json (const char * const *fields,
                gsize               n_fields)
{
  g_autoptr(JsonArray) array = json_array_sized_new (n_fields);
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
  gsize i;

  for (i = 0; i < n_fields; i++)
    json_array_add_string_element (array, fields[i]);
  json_node_set_array (node, array);

  return json_to_string (node, FALSE);
}

static char **
fields_from_json (const char *text)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GPtrArray) fields = g_ptr_array_new ();
  JsonArray *array;
  guint i;

  if (text != NULL && (node = json_from_string (text, NULL)) != NULL &&
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

static gboolean
write_history (BdStore     *self,
               const char  *report_id,
               const char  *actor,
               const char  *now,
               const char  *op,
               const char  *fields,
               GError     **error)
{
  sqlite3_stmt *stmt;
  g_autoptr(StmtScope) scope = NULL;
  int rc;

  if (!(stmt = get_stmt (self, STMT_HISTORY_INSERT, error)))
    return FALSE;
  scope = stmt;

  sqlite3_bind_text (stmt, 1, report_id, -1, SQLITE_STATIC);
  bind_text_or_null (stmt, 2, actor);
  sqlite3_bind_text (stmt, 3, now, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, op, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, fields, -1, SQLITE_STATIC);

  if ((rc = sqlite3_step (stmt)) != SQLITE_DONE)
    {
      set_sql_error (self->db, error, rc, _("Cannot record the change in the history"));
      return FALSE;
    }

  return TRUE;
}


/* Runs a cached statement with one text parameter, expecting no row. */
static gboolean
run_with_id (BdStore     *self,
             StmtId       sid,
             const char  *id,
             GError     **error)
{
  sqlite3_stmt *stmt;

  if (!(stmt = get_stmt (self, sid, error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  return step_done (self, stmt, error);
}

/* Counts the rows a statement with one text parameter finds. */
static gint64
count_with_id (BdStore     *self,
               StmtId       sid,
               const char  *id,
               GError     **error)
{
  sqlite3_stmt *stmt;
  g_autoptr(StmtScope) scope = NULL;
  int rc;

  if (!(stmt = get_stmt (self, sid, error)))
    return -1;
  scope = stmt;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
    {
      set_sql_error (self->db, error, rc, _("Database error"));
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}

/* Before the first local edit of a report the server has: its row is the
 * server's copy, the base of a later three-way merge. A base kept by an
 * earlier edit still waiting in the outbox stays. */
static gboolean
keep_base (BdStore     *self,
           const char  *id,
           GError     **error)
{
  return run_with_id (self, STMT_BASE_KEEP, id, error);
}

static gboolean
set_base (BdStore     *self,
          BdReport    *server_copy,
          GError     **error)
{
  g_autofree char *feature = bd_report_to_geojson (server_copy);
  sqlite3_stmt *stmt;

  if (!(stmt = get_stmt (self, STMT_BASE_SET, error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, bd_report_get_id (server_copy), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, bd_report_get_rev (server_copy));
  sqlite3_bind_text (stmt, 3, feature, -1, SQLITE_TRANSIENT);
  return step_done (self, stmt, error);
}

/* The fields that changed between @stored and @report, leaving out the
 * timestamps the store manages itself. */
static char *
changed_fields (BdReport *stored,
                BdReport *report,
                guint    *n_changed)
{
  g_auto(GStrv) diff = bd_report_diff (stored, report);
  g_autoptr(GPtrArray) fields = g_ptr_array_new ();
  guint i;

  if (diff == NULL)
    diff = g_new0 (char *, 1);

  for (i = 0; diff[i] != NULL; i++)
    {
      if (g_str_equal (diff[i], "updated_at") || g_str_equal (diff[i], "created_at") ||
          g_str_equal (diff[i], "rev") || g_str_equal (diff[i], "seq"))
        continue;
      g_ptr_array_add (fields, diff[i]);
    }

  if (bd_report_get_deleted (stored) != bd_report_get_deleted (report) &&
      !g_strv_contains ((const char * const *) diff, "deleted"))
    g_ptr_array_add (fields, (char *) "deleted");

  *n_changed = fields->len;
  return fields_to_json ((const char * const *) fields->pdata, fields->len);
}

/* Writes one edit inside an open transaction: the row (and, through the
 * triggers, its R*Tree and FTS rows), then the outbox and history rows.
 * @report is updated in place (timestamps). *@written is FALSE when the
 * edit changes nothing. */
static gboolean
write_edit (BdStore        *self,
            BdReport       *report,
            const char     *actor,
            GDateTime      *now,
            const char     *now_text,
            gboolean        touch,
            BdStoreChange  *change,
            gint64         *rowid,
            gboolean       *written,
            GError        **error)
{
  g_autoptr(BdReport) stored = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *feature = NULL;
  g_autofree char *fields = NULL;
  const char *id = bd_report_get_id (report);
  const char *op;
  const char *history_op;
  guint n_changed = 0;

  *written = FALSE;

  stored = load_stored (self, id, NULL, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (stored != NULL)
    {
      GDateTime *created = bd_report_get_created_at (stored);

      if (touch && created != NULL)
        bd_report_set_created_at (report, created);
      fields = changed_fields (stored, report, &n_changed);
      if (n_changed == 0 &&
          bd_report_get_deleted (stored) == bd_report_get_deleted (report))
        return TRUE;
    }
  else
    {
      if (touch && bd_report_get_created_at (report) == NULL)
        bd_report_set_created_at (report, now);
      fields = fields_to_json (all_fields, G_N_ELEMENTS (all_fields));
    }

  if (touch)
    bd_report_set_updated_at (report, now);

  if (stored == NULL)
    {
      op = "create";
      history_op = "create";
      *change = BD_STORE_CHANGE_ADDED;
    }
  else if (bd_report_get_deleted (report) && !bd_report_get_deleted (stored))
    {
      op = "delete";
      history_op = "delete";
      *change = BD_STORE_CHANGE_REMOVED;
    }
  else if (!bd_report_get_deleted (report) && bd_report_get_deleted (stored))
    {
      op = "update";
      history_op = "restore";
      *change = BD_STORE_CHANGE_ADDED;
    }
  else
    {
      op = "update";
      history_op = "update";
      *change = BD_STORE_CHANGE_UPDATED;
    }

  feature = bd_report_to_geojson (report);

  if (stored != NULL && bd_report_get_rev (stored) > 0 &&
      !keep_base (self, id, error))
    return FALSE;

  if (!write_row (self, report, feature, rowid, error) ||
      !write_outbox (self, id, op, stored != NULL ? bd_report_get_rev (stored) : 0,
                     feature, now_text, error) ||
      !write_history (self, id, actor, now_text, history_op, fields, error))
    return FALSE;

  *written = TRUE;
  return TRUE;
}

static void
emit_changed (BdStore       *self,
              BdStoreChange  change,
              const char    *id,
              gint64         rowid)
{
  g_signal_emit (self, signals[CHANGED], 0, (int) change, id, rowid);
}

/* Saves @report (already validated) as one transaction. */
static gboolean
save_one (BdStore     *self,
          BdReport    *report,
          const char  *actor,
          GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *now_text = bd_format_timestamp (now);
  g_autofree char *id = g_strdup (bd_report_get_id (report));
  BdStoreChange change = BD_STORE_CHANGE_UPDATED;
  gint64 rowid = 0;
  gboolean written = FALSE;

  if (!begin (self, error))
    return FALSE;

  if (!write_edit (self, report, actor, now, now_text, TRUE,
                   &change, &rowid, &written, error))
    {
      rollback (self);
      return FALSE;
    }

  if (!written)
    {
      rollback (self);
      return TRUE;
    }

  if (!commit (self, error))
    return FALSE;

  emit_changed (self, change, id, rowid);
  return TRUE;
}

/* Sets the deleted flag of a stored report (delete and restore). */
static gboolean
set_deleted (BdStore     *self,
             const char  *id,
             gboolean     deleted,
             const char  *actor,
             GError     **error)
{
  g_autoptr(BdReport) report = NULL;
  g_autoptr(GError) local_error = NULL;

  report = load_stored (self, id, NULL, &local_error);
  if (report == NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_NOT_FOUND,
                     _("There is no report with the id “%s”"), id);
      return FALSE;
    }

  if (bd_report_get_deleted (report) == deleted)
    return TRUE;

  bd_report_set_deleted (report, deleted);
  return save_one (self, report, actor, error);
}

/* GObject */

static void
bd_store_finalize (GObject *object)
{
  BdStore *self = (BdStore *) object;
  guint i;

  for (i = 0; i < N_STMTS; i++)
    g_clear_pointer (&self->stmts[i], sqlite3_finalize);
  g_clear_pointer (&self->query_stmts, g_hash_table_unref);
  if (self->db != NULL)
    {
      if (sqlite3_close (self->db) != SQLITE_OK)
        g_warning ("Closing %s: %s", self->path, sqlite3_errmsg (self->db));
      self->db = NULL;
    }
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (bd_store_parent_class)->finalize (object);
}

static void
bd_store_class_init (BdStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = bd_store_finalize;

  /**
   * BdStore::changed:
   * @change: a #BdStoreChange
   * @report_id: (nullable): the report's id, NULL for a reload
   * @rowid: the report's rowid, 0 for a reload
   *
   * Emitted after a change has been committed.
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_INT, G_TYPE_STRING, G_TYPE_INT64);
}

static void
bd_store_init (BdStore *self)
{
  self->query_stmts = g_hash_table_new_full (NULL, NULL, NULL, finalize_stmt);
}

/* Public API */

BdStore *
bd_store_open (const char  *path,
               GError     **error)
{
  g_autoptr(BdStore) self = NULL;
  gint64 version = 0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (BD_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  if (!(self->db = open_connection (path, FALSE, error)) ||
      !check_database (self->db, path, &version, error) ||
      !configure_writer (self->db, error) ||
      !_bd_fts_register (self->db, error) ||
      !migrate (self->db, (int) version, BD_STORE_SCHEMA_VERSION, error))
    return NULL;

  self->schema_version = BD_STORE_SCHEMA_VERSION;

  return g_steal_pointer (&self);
}

const char *
bd_store_get_path (BdStore *self)
{
  g_return_val_if_fail (BD_IS_STORE (self), NULL);

  return self->path;
}

gpointer
_bd_store_get_connection (BdStore *self)
{
  g_return_val_if_fail (BD_IS_STORE (self), NULL);

  return self->db;
}

int
bd_store_get_schema_version (BdStore *self)
{
  g_return_val_if_fail (BD_IS_STORE (self), 0);

  return self->schema_version;
}

gboolean
bd_store_save_report (BdStore     *self,
                      BdReport    *report,
                      const char  *actor,
                      GError     **error)
{
  g_return_val_if_fail (BD_IS_STORE (self), FALSE);
  g_return_val_if_fail (BD_IS_REPORT (report), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!bd_report_validate (report, error))
    return FALSE;

  return save_one (self, report, actor, error);
}

gboolean
bd_store_delete_report (BdStore     *self,
                        const char  *id,
                        const char  *actor,
                        GError     **error)
{
  g_return_val_if_fail (BD_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  return set_deleted (self, id, TRUE, actor, error);
}

gboolean
bd_store_restore_report (BdStore     *self,
                         const char  *id,
                         const char  *actor,
                         GError     **error)
{
  g_return_val_if_fail (BD_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  return set_deleted (self, id, FALSE, actor, error);
}

gboolean
bd_store_insert_batch (BdStore     *self,
                       GPtrArray   *reports,
                       gboolean     record_outbox,
                       const char  *actor,
                       GError     **error)
{
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *now_text = NULL;
  guint i;

  g_return_val_if_fail (BD_IS_STORE (self), FALSE);
  g_return_val_if_fail (reports != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (reports->len == 0)
    return TRUE;

  for (i = 0; i < reports->len; i++)
    if (!bd_report_validate (g_ptr_array_index (reports, i), error))
      return FALSE;

  now = g_date_time_new_now_local ();
  now_text = bd_format_timestamp (now);

  if (!begin (self, error))
    return FALSE;

  for (i = 0; i < reports->len; i++)
    {
      BdReport *report = g_ptr_array_index (reports, i);
      gint64 rowid;

      if (record_outbox)
        {
          BdStoreChange change;
          gboolean written;

          if (!write_edit (self, report, actor, now, now_text, FALSE,
                           &change, &rowid, &written, error))
            {
              rollback (self);
              return FALSE;
            }
        }
      else
        {
          g_autofree char *feature = bd_report_to_geojson (report);

          if (!write_row (self, report, feature, &rowid, error))
            {
              rollback (self);
              return FALSE;
            }
        }
    }

  if (!commit (self, error))
    return FALSE;

  emit_changed (self, BD_STORE_CHANGE_RELOADED, NULL, 0);
  return TRUE;
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

  if (!(stmt = get_stmt (self, id, error)))
    return NULL;
  scope = stmt;

  if (report_id != NULL)
    sqlite3_bind_text (stmt, 1, report_id, -1, SQLITE_STATIC);
  else
    sqlite3_bind_int64 (stmt, 1, rowid);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return report_from_row (stmt, 1, error);

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
    set_sql_error (self->db, error, rc, _("Cannot read a report"));

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

GPtrArray *
bd_store_query (BdStore        *self,
                const BdQuery  *query,
                GError        **error)
{
  g_autoptr(GPtrArray) reports = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (BD_IS_STORE (self), NULL);

  if (!run_query (self->db, self->query_stmts, query, NULL, reports, error))
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

  if (!run_query (self->db, self->query_stmts, query, rowids, NULL, error))
    return NULL;

  return g_steal_pointer (&rowids);
}

static gint64
count_rows (BdStore *self,
            StmtId   id)
{
  sqlite3_stmt *stmt;
  g_autoptr(StmtScope) scope = NULL;
  g_autoptr(GError) error = NULL;

  if (!(stmt = get_stmt (self, id, &error)))
    {
      g_warning ("%s", error->message);
      return 0;
    }
  scope = stmt;

  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_warning ("Counting rows: %s", sqlite3_errmsg (self->db));
      return 0;
    }

  return sqlite3_column_int64 (stmt, 0);
}

gint64
bd_store_count (BdStore *self)
{
  g_return_val_if_fail (BD_IS_STORE (self), 0);

  return count_rows (self, STMT_COUNT);
}

gint64
bd_store_count_outbox (BdStore *self)
{
  g_return_val_if_fail (BD_IS_STORE (self), 0);

  return count_rows (self, STMT_OUTBOX_COUNT);
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
bd_history_entry_free (BdHistoryEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->report_id);
  g_free (entry->actor);
  g_free (entry->at);
  g_free (entry->op);
  g_strfreev (entry->fields);
  g_free (entry);
}

static GPtrArray *
list_outbox (BdStore  *self,
             StmtId    sid,
             GError  **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(StmtScope) scope = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = get_stmt (self, sid, error)))
    return NULL;
  scope = stmt;

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
      set_sql_error (self->db, error, rc, _("Cannot read the outbox"));
      return NULL;
    }

  return g_steal_pointer (&entries);
}

GPtrArray *
bd_store_list_outbox (BdStore  *self,
                      GError  **error)
{
  g_return_val_if_fail (BD_IS_STORE (self), NULL);

  return list_outbox (self, STMT_OUTBOX_LIST, error);
}

GPtrArray *
bd_store_list_outbox_ready (BdStore  *self,
                            GError  **error)
{
  g_return_val_if_fail (BD_IS_STORE (self), NULL);

  return list_outbox (self, STMT_OUTBOX_LIST_READY, error);
}

gboolean
bd_store_set_outbox_error (BdStore     *self,
                           gint64       seq,
                           const char  *message,
                           GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (BD_IS_STORE (self), FALSE);

  if (!(stmt = get_stmt (self, STMT_OUTBOX_SET_ERROR, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, seq);
  bind_text_or_null (stmt, 2, message);
  return step_done (self, stmt, error);
}

gboolean
bd_store_remove_outbox_entry (BdStore  *self,
                              gint64    seq,
                              GError  **error)
{
  sqlite3_stmt *stmt;
  g_autoptr(StmtScope) scope = NULL;
  int rc;

  g_return_val_if_fail (BD_IS_STORE (self), FALSE);

  if (!(stmt = get_stmt (self, STMT_OUTBOX_REMOVE, error)))
    return FALSE;
  scope = stmt;

  sqlite3_bind_int64 (stmt, 1, seq);
  if ((rc = sqlite3_step (stmt)) != SQLITE_DONE)
    {
      set_sql_error (self->db, error, rc, _("Cannot update the outbox"));
      return FALSE;
    }

  return TRUE;
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

  if (!(stmt = get_stmt (self, STMT_HISTORY_LIST, error)))
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
      g_ptr_array_add (entries, entry);
    }

  if (rc != SQLITE_DONE)
    {
      set_sql_error (self->db, error, rc, _("Cannot read the history"));
      return NULL;
    }

  return g_steal_pointer (&entries);
}

char *
bd_store_get_sync_state (BdStore    *self,
                         const char *key)
{
  sqlite3_stmt *stmt;
  g_autoptr(StmtScope) scope = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (BD_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  if (!(stmt = get_stmt (self, STMT_SYNC_GET, &error)))
    {
      g_warning ("%s", error->message);
      return NULL;
    }
  scope = stmt;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return column_dup (stmt, 0);

  return NULL;
}

gboolean
bd_store_set_sync_state (BdStore     *self,
                         const char  *key,
                         const char  *value,
                         GError     **error)
{
  sqlite3_stmt *stmt;
  g_autoptr(StmtScope) scope = NULL;
  int rc;

  g_return_val_if_fail (BD_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  if (!(stmt = get_stmt (self, STMT_SYNC_SET, error)))
    return FALSE;
  scope = stmt;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  if ((rc = sqlite3_step (stmt)) != SQLITE_DONE)
    {
      set_sql_error (self->db, error, rc, _("Cannot save the sync state"));
      return FALSE;
    }

  return TRUE;
}

/* Sync */

/* The server copy of a report: its base row while local edits wait, else
 * the report row itself once the server has it. NULL without error when
 * there is none. */
static BdReport *
load_server_copy (BdStore     *self,
                  const char  *id,
                  GError     **error)
{
  g_autoptr(BdReport) stored = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = get_stmt (self, STMT_BASE_GET, error)))
    return NULL;

  {
    g_autoptr(StmtScope) scope = stmt;

    sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step (stmt);
    if (rc == SQLITE_ROW)
      {
        const char *feature = (const char *) sqlite3_column_text (stmt, 1);
        g_autoptr(GError) local_error = NULL;
        BdReport *base;

        base = bd_report_new_from_geojson (feature, sqlite3_column_bytes (stmt, 1), &local_error);
        if (base == NULL)
          g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_CORRUPT,
                       _("A stored report cannot be read: %s"), local_error->message);
        else
          bd_report_set_rev (base, sqlite3_column_int64 (stmt, 2));
        return base;
      }
    if (rc != SQLITE_DONE)
      {
        set_sql_error (self->db, error, rc, _("Cannot read a report"));
        return NULL;
      }
  }

  stored = load_stored (self, id, NULL, error);
  if (stored == NULL || bd_report_get_rev (stored) <= 0)
    return NULL;
  /* with edits waiting but no base row the row is not the server's copy */
  if (count_with_id (self, STMT_OUTBOX_FOR_REPORT, id, NULL) != 0)
    return NULL;
  return g_steal_pointer (&stored);
}

BdReport *
bd_store_get_server_copy (BdStore     *self,
                          const char  *id,
                          GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  BdReport *copy;

  g_return_val_if_fail (BD_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  copy = load_server_copy (self, id, &local_error);
  if (copy == NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_NOT_FOUND,
                     _("The server has no copy of the report “%s”"), id);
    }
  return copy;
}

gboolean
bd_store_ack_outbox_entry (BdStore     *self,
                           gint64       seq,
                           BdReport    *server_copy,
                           GError     **error)
{
  g_autofree char *id = NULL;
  sqlite3_stmt *stmt;
  gint64 waiting;
  gint64 rowid = 0;

  g_return_val_if_fail (BD_IS_STORE (self), FALSE);
  g_return_val_if_fail (server_copy == NULL || BD_IS_REPORT (server_copy), FALSE);

  if (!begin (self, error))
    return FALSE;

  /* the report id of row @seq */
  if (!(stmt = get_stmt (self, STMT_OUTBOX_REPORT_OF, error)))
    goto fail;
  {
    g_autoptr(StmtScope) scope = stmt;

    sqlite3_bind_int64 (stmt, 1, seq);
    if (sqlite3_step (stmt) == SQLITE_ROW)
      id = column_dup (stmt, 0);
  }
  if (id == NULL)
    {
      /* acknowledged already (a retry after a crash): nothing to do */
      rollback (self);
      return TRUE;
    }

  if (!(stmt = get_stmt (self, STMT_OUTBOX_REMOVE, error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, seq);
  if (!step_done (self, stmt, error))
    goto fail;

  if ((waiting = count_with_id (self, STMT_OUTBOX_FOR_REPORT, id, error)) < 0)
    goto fail;

  if (server_copy != NULL && waiting == 0)
    {
      g_autofree char *feature = bd_report_to_geojson (server_copy);

      /* nothing else waits: the server's copy is the report */
      if (!write_row (self, server_copy, feature, &rowid, error) ||
          !run_with_id (self, STMT_BASE_DELETE, id, error))
        goto fail;
    }
  else if (server_copy != NULL)
    {
      /* later edits wait: they now build on the server's new revision */
      if (!set_base (self, server_copy, error))
        goto fail;
      if (!(stmt = get_stmt (self, STMT_SET_REV, error)))
        goto fail;
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, bd_report_get_rev (server_copy));
      sqlite3_bind_int64 (stmt, 3, bd_report_get_seq (server_copy));
      if (!step_done (self, stmt, error))
        goto fail;
      if (!(stmt = get_stmt (self, STMT_OUTBOX_REBASE, error)))
        goto fail;
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, bd_report_get_rev (server_copy));
      if (!step_done (self, stmt, error))
        goto fail;
    }
  else if (waiting == 0 && !run_with_id (self, STMT_BASE_DELETE, id, error))
    goto fail;

  if (!commit (self, error))
    return FALSE;
  if (rowid != 0)
    emit_changed (self, BD_STORE_CHANGE_UPDATED, id, rowid);
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

static gboolean
insert_conflict (BdStore     *self,
                 const char  *id,
                 const char  *field,
                 gint64       server_rev,
                 const char  *now,
                 GError     **error)
{
  sqlite3_stmt *stmt;

  if (!(stmt = get_stmt (self, STMT_CONFLICT_INSERT, error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, field, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, server_rev);
  sqlite3_bind_text (stmt, 4, now, -1, SQLITE_TRANSIENT);
  return step_done (self, stmt, error);
}

gboolean
bd_store_apply_merge (BdStore             *self,
                      BdReport            *merged,
                      BdReport            *server_copy,
                      const char * const  *conflicts,
                      GError             **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *now_text = bd_format_timestamp (now);
  g_autofree char *feature = NULL;
  g_autofree char *id = NULL;
  gint64 rowid = 0;
  guint i;

  g_return_val_if_fail (BD_IS_STORE (self), FALSE);
  g_return_val_if_fail (BD_IS_REPORT (merged), FALSE);
  g_return_val_if_fail (BD_IS_REPORT (server_copy), FALSE);
  g_return_val_if_fail (g_strcmp0 (bd_report_get_id (merged),
                                   bd_report_get_id (server_copy)) == 0, FALSE);

  id = g_strdup (bd_report_get_id (merged));
  bd_report_set_rev (merged, bd_report_get_rev (server_copy));
  bd_report_set_seq (merged, bd_report_get_seq (server_copy));
  feature = bd_report_to_geojson (merged);

  if (!begin (self, error))
    return FALSE;

  if (!write_row (self, merged, feature, &rowid, error) ||
      !run_with_id (self, STMT_OUTBOX_REMOVE_REPORT, id, error))
    goto fail;

  if (bd_report_same_content (merged, server_copy))
    {
      if (!run_with_id (self, STMT_BASE_DELETE, id, error))
        goto fail;
    }
  else
    {
      const char *op = bd_report_get_deleted (merged) && !bd_report_get_deleted (server_copy)
                       ? "delete" : "update";

      if (!set_base (self, server_copy, error) ||
          !write_outbox (self, id, op, bd_report_get_rev (server_copy), feature, now_text, error))
        goto fail;
    }

  for (i = 0; conflicts != NULL && conflicts[i] != NULL; i++)
    if (!insert_conflict (self, id, conflicts[i], bd_report_get_rev (server_copy),
                          now_text, error))
      goto fail;

  if (!commit (self, error))
    return FALSE;
  emit_changed (self, BD_STORE_CHANGE_UPDATED, id, rowid);
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

/* A pulled report's photos that this store does not hold go on the list. */
static gboolean
want_attachments (BdStore     *self,
                  BdReport    *report,
                  GError     **error)
{
  g_autoptr(GVariant) attachments = bd_report_get_attachments (report);
  GVariantIter iter;
  const char *sha256, *media_type;

  if (g_variant_n_children (attachments) == 0 || bd_report_get_deleted (report))
    return TRUE;

  g_variant_iter_init (&iter, attachments);
  while (g_variant_iter_next (&iter, "(&s&s&s)", &sha256, &media_type, NULL))
    {
      sqlite3_stmt *stmt;
      gboolean held;

      if (!(stmt = get_stmt (self, STMT_ATTACHMENT_HELD, error)))
        return FALSE;
      sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_TRANSIENT);
      held = sqlite3_step (stmt) == SQLITE_ROW;
      sqlite3_reset (stmt);
      if (held)
        continue;

      if (!(stmt = get_stmt (self, STMT_WANTED_INSERT, error)))
        return FALSE;
      sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, bd_report_get_id (report), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, media_type, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 4, g_get_real_time ());
      if (!step_done (self, stmt, error))
        return FALSE;
    }
  return TRUE;
}

void
bd_rejected_free (BdRejected *rejected)
{
  if (rejected == NULL)
    return;
  g_free (rejected->id);
  g_free (rejected->reason);
  g_free (rejected->feature);
  g_free (rejected);
}

gint64
bd_store_count_rejected (BdStore *self)
{
  g_return_val_if_fail (BD_IS_STORE (self), 0);

  return count_rows (self, STMT_REJECT_COUNT);
}

static void
free_error (gpointer error)
{
  if (error != NULL)
    g_error_free (error);
}

static gboolean
keep_rejected (BdStore     *self,
               const char  *id,
               gint64       seq,
               const char  *reason,
               const char  *feature,
               const char  *now,
               GError     **error)
{
  sqlite3_stmt *stmt;

  g_message ("A feature of the change feed was kept aside (%s, seq %" G_GINT64_FORMAT "): %s",
             id != NULL ? id : "no id", seq, reason);
  if (!(stmt = get_stmt (self, STMT_REJECT_INSERT, error)))
    return FALSE;
  bind_text_or_null (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, seq);
  sqlite3_bind_text (stmt, 3, reason, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, feature, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, now, -1, SQLITE_TRANSIENT);
  return step_done (self, stmt, error);
}

gboolean
bd_store_apply_pulled (BdStore     *self,
                       GPtrArray   *reports,
                       GPtrArray   *features,
                       GPtrArray   *rejected,
                       const char  *cursor_key,
                       gint64       cursor,
                       guint       *n_skipped,
                       GError     **error)
{
  g_autoptr(GHashTable) pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *now_text = bd_format_timestamp (now);
  g_autofree char *cursor_text = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  sqlite3_stmt *stmt;
  guint written = 0, skipped = 0;
  guint i;
  int rc;

  g_return_val_if_fail (BD_IS_STORE (self), FALSE);
  g_return_val_if_fail (reports != NULL, FALSE);
  g_return_val_if_fail (features == NULL || features->len == reports->len, FALSE);
  g_return_val_if_fail (cursor_key != NULL, FALSE);

  /* why each report does not validate, or NULL */
  problems = g_ptr_array_new_full (reports->len, (GDestroyNotify) free_error);
  for (i = 0; i < reports->len; i++)
    {
      GError *problem = NULL;

      bd_report_validate (g_ptr_array_index (reports, i), &problem);
      g_ptr_array_add (problems, problem);
    }

  if (!begin (self, error))
    return FALSE;

  if (!(stmt = get_stmt (self, STMT_OUTBOX_PENDING, error)))
    goto fail;
  {
    g_autoptr(StmtScope) scope = stmt;

    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      g_hash_table_add (pending, column_dup (stmt, 0));
    if (rc != SQLITE_DONE)
      {
        set_sql_error (self->db, error, rc, _("Cannot read the outbox"));
        goto fail;
      }
  }

  for (i = 0; i < reports->len; i++)
    {
      BdReport *report = g_ptr_array_index (reports, i);
      GError *problem = g_ptr_array_index (problems, i);
      g_autofree char *feature = NULL;
      gint64 rowid;

      if (features == NULL || problem != NULL)
        feature = bd_report_to_geojson (report);
      if (problem != NULL)
        {
          if (!keep_rejected (self, bd_report_get_id (report), bd_report_get_seq (report),
                              problem->message,
                              features != NULL ? g_ptr_array_index (features, i) : feature,
                              now_text, error))
            goto fail;
          continue;
        }
      /* a local edit waits: it wins here, and its push merges */
      if (g_hash_table_contains (pending, bd_report_get_id (report)))
        {
          skipped++;
          continue;
        }
      if (!write_row (self, report,
                      features != NULL ? g_ptr_array_index (features, i) : feature,
                      &rowid, error) ||
          !want_attachments (self, report, error))
        goto fail;
      written++;
    }

  for (i = 0; rejected != NULL && i < rejected->len; i++)
    {
      BdRejected *r = g_ptr_array_index (rejected, i);

      if (!keep_rejected (self, r->id, r->seq, r->reason, r->feature, now_text, error))
        goto fail;
    }

  cursor_text = g_strdup_printf ("%" G_GINT64_FORMAT, cursor);
  if (!(stmt = get_stmt (self, STMT_SYNC_SET, error)))
    goto fail;
  sqlite3_bind_text (stmt, 1, cursor_key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, cursor_text, -1, SQLITE_TRANSIENT);
  if (!step_done (self, stmt, error))
    goto fail;

  if (!commit (self, error))
    return FALSE;
  if (n_skipped != NULL)
    *n_skipped = skipped;
  if (written > 0)
    emit_changed (self, BD_STORE_CHANGE_RELOADED, NULL, 0);
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

void
bd_conflict_free (BdConflict *conflict)
{
  if (conflict == NULL)
    return;
  g_free (conflict->report_id);
  g_free (conflict->field);
  g_free (conflict->created_at);
  g_free (conflict);
}

GPtrArray *
bd_store_list_conflicts (BdStore     *self,
                         const char  *report_id,
                         GError     **error)
{
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(StmtScope) scope = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BD_IS_STORE (self), NULL);

  if (!(stmt = get_stmt (self, STMT_CONFLICT_LIST, error)))
    return NULL;
  scope = stmt;
  bind_text_or_null (stmt, 1, report_id);

  conflicts = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_conflict_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BdConflict *conflict = g_new0 (BdConflict, 1);

      conflict->report_id = column_dup (stmt, 0);
      conflict->field = column_dup (stmt, 1);
      conflict->server_rev = sqlite3_column_int64 (stmt, 2);
      conflict->created_at = column_dup (stmt, 3);
      g_ptr_array_add (conflicts, conflict);
    }
  if (rc != SQLITE_DONE)
    {
      set_sql_error (self->db, error, rc, _("Cannot read the conflicts"));
      return NULL;
    }
  return g_steal_pointer (&conflicts);
}

gint64
bd_store_count_conflicts (BdStore *self)
{
  g_return_val_if_fail (BD_IS_STORE (self), 0);

  return count_rows (self, STMT_CONFLICT_COUNT);
}

gboolean
bd_store_settle_conflict (BdStore           *self,
                          const char        *report_id,
                          const char        *field,
                          BdConflictChoice   choice,
                          const char        *actor,
                          GError           **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *now_text = bd_format_timestamp (now);
  g_autoptr(BdReport) local = NULL;
  g_autoptr(BdReport) server = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *id = NULL;
  BdStoreChange change = BD_STORE_CHANGE_UPDATED;
  sqlite3_stmt *stmt;
  gint64 rowid = 0;
  gint64 left;
  gboolean written = FALSE;

  g_return_val_if_fail (BD_IS_STORE (self), FALSE);
  g_return_val_if_fail (report_id != NULL && field != NULL, FALSE);

  id = g_strdup (report_id);
  if (!begin (self, error))
    return FALSE;

  if (!(stmt = get_stmt (self, STMT_CONFLICT_DELETE, error)))
    goto fail;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, field, -1, SQLITE_TRANSIENT);
  if (!step_done (self, stmt, error))
    goto fail;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_NOT_FOUND,
                   _("There is no conflict on “%s” of the report “%s”"), field, id);
      goto fail;
    }

  local = load_stored (self, id, &rowid, &local_error);
  if (local == NULL || !(server = load_server_copy (self, id, &local_error)))
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_NOT_FOUND,
                     _("The server has no copy of the report “%s”"), id);
      goto fail;
    }

  if (choice == BD_CONFLICT_TAKE_SERVER)
    {
      bd_report_copy_field (local, server, field);
      if (!bd_report_validate (local, &local_error))
        {
          g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID, "%s", local_error->message);
          goto fail;
        }
      if (!write_edit (self, local, actor, now, now_text, TRUE,
                       &change, &rowid, &written, error))
        goto fail;
    }

  if ((left = count_with_id (self, STMT_CONFLICT_COUNT_REPORT, id, error)) < 0 ||
      !run_with_id (self, STMT_OUTBOX_REMOVE_REPORT, id, error))
    goto fail;
  if (left == 0 && bd_report_same_content (local, server))
    {
      /* every field settled the server's way: nothing left to push */
      if (!run_with_id (self, STMT_BASE_DELETE, id, error))
        goto fail;
    }
  else
    {
      /* one outbox row with the report as settled so far: the server never
       * sees a value the user has just turned down */
      g_autofree char *feature = bd_report_to_geojson (local);
      const char *op = bd_report_get_deleted (local) && !bd_report_get_deleted (server)
                       ? "delete" : "update";

      if (!write_outbox (self, id, op, bd_report_get_rev (server), feature, now_text, error))
        goto fail;
    }

  if (!commit (self, error))
    return FALSE;
  emit_changed (self, change, id, rowid);
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

/* Photos */

char *
bd_store_add_attachment (BdStore     *self,
                         GBytes      *bytes,
                         const char  *media_type,
                         GError     **error)
{
  g_autofree char *sha256 = NULL;
  sqlite3_stmt *stmt;
  gsize size;

  g_return_val_if_fail (BD_IS_STORE (self), NULL);
  g_return_val_if_fail (bytes != NULL, NULL);

  size = g_bytes_get_size (bytes);
  if (media_type == NULL || !g_str_has_prefix (media_type, "image/") ||
      strlen (media_type) > 100)
    {
      g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID,
                   _("A photo must be an image"));
      return NULL;
    }
  if (size == 0 || size > BD_STORE_MAX_ATTACHMENT_BYTES)
    {
      g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID,
                   _("A photo must be between 1 byte and %d MB"),
                   BD_STORE_MAX_ATTACHMENT_BYTES >> 20);
      return NULL;
    }

  sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  if (!(stmt = get_stmt (self, STMT_ATTACHMENT_INSERT, error)))
    return NULL;
  sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, media_type, -1, SQLITE_TRANSIENT);
  sqlite3_bind_blob64 (stmt, 3, g_bytes_get_data (bytes, NULL), size, SQLITE_STATIC);
  if (!step_done (self, stmt, error))
    return NULL;
  return g_steal_pointer (&sha256);
}

GBytes *
bd_store_get_attachment (BdStore     *self,
                         const char  *sha256,
                         char       **media_type,
                         GError     **error)
{
  g_autoptr(StmtScope) scope = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BD_IS_STORE (self), NULL);
  g_return_val_if_fail (sha256 != NULL, NULL);

  if (!(stmt = get_stmt (self, STMT_ATTACHMENT_GET, error)))
    return NULL;
  scope = stmt;
  sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      if (media_type != NULL)
        *media_type = column_dup (stmt, 0);
      return g_bytes_new (sqlite3_column_blob (stmt, 1), sqlite3_column_bytes (stmt, 1));
    }
  if (rc != SQLITE_DONE)
    set_sql_error (self->db, error, rc, _("Cannot read a photo"));
  else
    g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_NOT_FOUND,
                 _("This device does not hold the photo %s"), sha256);
  return NULL;
}

gboolean
bd_store_attachment_needs_upload (BdStore    *self,
                                  const char *sha256)
{
  g_autoptr(StmtScope) scope = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (BD_IS_STORE (self), FALSE);

  if (sha256 == NULL || !(stmt = get_stmt (self, STMT_ATTACHMENT_NEEDS_UPLOAD, NULL)))
    return FALSE;
  scope = stmt;
  sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_TRANSIENT);
  return sqlite3_step (stmt) == SQLITE_ROW;
}

gboolean
bd_store_mark_attachment_uploaded (BdStore     *self,
                                   const char  *sha256,
                                   GError     **error)
{
  g_return_val_if_fail (BD_IS_STORE (self), FALSE);
  g_return_val_if_fail (sha256 != NULL, FALSE);

  return run_with_id (self, STMT_ATTACHMENT_UPLOADED, sha256, error);
}


char **
bd_store_list_wanted_attachments (BdStore  *self,
                                  guint     limit,
                                  GError  **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(StmtScope) scope = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BD_IS_STORE (self), NULL);

  if (!(stmt = get_stmt (self, STMT_WANTED_LIST, error)))
    return NULL;
  scope = stmt;
  sqlite3_bind_int64 (stmt, 1, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, column_dup (stmt, 0));
  if (rc != SQLITE_DONE)
    {
      set_sql_error (self->db, error, rc, _("Cannot read a photo"));
      return NULL;
    }
  g_ptr_array_add (list, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&list), FALSE);
}

gboolean
bd_store_forget_wanted_attachment (BdStore     *self,
                                   const char  *sha256,
                                   GError     **error)
{
  g_return_val_if_fail (BD_IS_STORE (self), FALSE);
  g_return_val_if_fail (sha256 != NULL, FALSE);

  return run_with_id (self, STMT_WANTED_DELETE, sha256, error);
}

gboolean
bd_store_add_downloaded_attachment (BdStore     *self,
                                    const char  *sha256,
                                    GBytes      *bytes,
                                    const char  *media_type,
                                    GError     **error)
{
  g_autofree char *sum = NULL;
  g_autofree char *added = NULL;
  g_autofree char *report_id = NULL;
  sqlite3_stmt *stmt;
  gint64 rowid = 0;

  g_return_val_if_fail (BD_IS_STORE (self), FALSE);
  g_return_val_if_fail (sha256 != NULL && bytes != NULL, FALSE);

  sum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  if (g_strcmp0 (sum, sha256) != 0)
    {
      g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID,
                   _("The photo %s from the server does not match its name"), sha256);
      return FALSE;
    }

  if (!(stmt = get_stmt (self, STMT_WANTED_REPORT, error)))
    return FALSE;
  {
    g_autoptr(StmtScope) scope = stmt;

    sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_TRANSIENT);
    if (sqlite3_step (stmt) == SQLITE_ROW)
      {
        report_id = column_dup (stmt, 0);
        rowid = sqlite3_column_int64 (stmt, 1);
      }
  }

  if (!begin (self, error))
    return FALSE;
  if (!(added = bd_store_add_attachment (self, bytes, media_type, error)) ||
      !run_with_id (self, STMT_ATTACHMENT_UPLOADED, sha256, error) ||
      !run_with_id (self, STMT_WANTED_DELETE, sha256, error))
    {
      rollback (self);
      return FALSE;
    }
  if (!commit (self, error))
    return FALSE;

  if (report_id != NULL)
    emit_changed (self, BD_STORE_CHANGE_UPDATED, report_id, rowid);
  return TRUE;
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

  if (!(reader->db = open_connection (path, TRUE, error)) ||
      !check_database (reader->db, path, &version, error) ||
      !_bd_fts_register (reader->db, error))
    return NULL;

  if (version != BD_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_VERSION,
                   _("The database “%s” has not been upgraded yet"), path);
      return NULL;
    }

  /* Reading through a memory map saves a copy of every page. */
  exec_sql (reader->db, "PRAGMA mmap_size = 268435456", NULL);

  return g_steal_pointer (&reader);
}

void
bd_store_reader_free (BdStoreReader *reader)
{
  if (reader == NULL)
    return;

  g_clear_pointer (&reader->points, sqlite3_finalize);
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

  if (!run_query (reader->db, reader->query_stmts, query, rowids, NULL, error))
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

GArray *
bd_store_reader_load_points (BdStoreReader  *reader,
                             GError        **error)
{
  g_autoptr(GArray) points = NULL;
  g_autoptr(GHashTable) categories = NULL;
  g_autoptr(GHashTable) statuses = NULL;
  g_autoptr(StmtScope) scope = NULL;
  gint64 min_rowid = G_MAXINT64;
  gint64 max_rowid = G_MININT64;
  int rc;

  g_return_val_if_fail (reader != NULL, NULL);

  if (reader->points == NULL)
    {
      rc = sqlite3_prepare_v3 (reader->db,
                               "SELECT rowid, lat, lon, category, severity, status"
                               " FROM reports INDEXED BY reports_points WHERE deleted = 0",
                               -1, SQLITE_PREPARE_PERSISTENT, &reader->points, NULL);
      if (rc != SQLITE_OK)
        {
          set_sql_error (reader->db, error, rc, _("Cannot read the reports"));
          reader->points = NULL;
          return NULL;
        }
    }
  scope = reader->points;

  /* code -> index + 1 */
  categories = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  statuses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  points = g_array_sized_new (FALSE, FALSE, sizeof (BdPoint), 1024);

  while ((rc = sqlite3_step (reader->points)) == SQLITE_ROW)
    {
      sqlite3_stmt *stmt = reader->points;
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

      g_array_append_val (points, point);
    }

  if (rc != SQLITE_DONE)
    {
      set_sql_error (reader->db, error, rc, _("Cannot read the reports"));
      return NULL;
    }

  /* the index gives them in position order */
  return sort_points (g_steal_pointer (&points), min_rowid, max_rowid);
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

/* Projection */

void
bd_project_mercator (double  latitude,
                     double  longitude,
                     double *x,
                     double *y)
{
  const double max_lat = 85.05112877980659;
  const double below_one = 1.0 - DBL_EPSILON;
  double s;

  latitude = CLAMP (latitude, -max_lat, max_lat);
  longitude = CLAMP (longitude, -180.0, 180.0);
  s = sin (latitude * G_PI / 180.0);

  *x = CLAMP ((longitude + 180.0) / 360.0, 0.0, below_one);
  *y = CLAMP (0.5 - log ((1.0 + s) / (1.0 - s)) / (4.0 * G_PI), 0.0, below_one);
}
