/* bd-store-schema.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-store"

#include "config.h"

#include "bd-store-private.h"

#include <glib/gi18n-lib.h>

#include "bd-fts-private.h"

/* The schema and the statements of the store, opening a database and the
 * checks on it. */

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

/* Whether the sync engine has started sending an outbox row: from then on
 * the server may have applied it even if its answer never comes
 * (bd_store_mark_outbox_sending ()). */
static const char migration_7[] =
  "ALTER TABLE outbox ADD COLUMN sending INTEGER NOT NULL DEFAULT 0;"
  "PRAGMA user_version = 7;";


/* The reports as they were over time (bd_store_reader_load_points_as_of (),
 * the damage tallies of bd-tally.c): one row per version of a report,
 * written by _bd_store_write_row () in the transaction of every row write
 * (save, delete, restore, batch insert, import, pulled pages, merges).
 * A version is valid from its updated_at (valid_from, unix seconds) until
 * the next version's valid_from (valid_to; NULL for the current one). A
 * write whose updated_at is older than the version it replaces (another
 * client's clock) takes effect at that version's valid_from, so that the
 * current version is always the report row. The counts are columns
 * (BD_STORE_VERSION_COUNTS), so that SQL sums them without reading JSON.
 * Back-filled with one version per existing row: what a report was before
 * this schema is not known.
 *
 * The tally editions the headquarters issued: each kept as issued (the
 * triggers refuse any change). */
#define VERSION_COUNT_DEF(key) "  " #key " NUMERIC NOT NULL DEFAULT 0,"
#define VERSION_COUNT_JSON(key) \
  ", coalesce(json_extract(feature, '$.properties.counts." #key "'), 0)"
#define VERSION_COUNT_NAME(key) ", " #key
#define VERSION_PARAM(key) ", ?"

static const char migration_8[] =
  "CREATE TABLE report_versions ("
  "  report_rowid INTEGER NOT NULL,"  /* reports.rowid (rows are never removed) */
  "  valid_from INTEGER NOT NULL,"
  "  valid_to INTEGER,"
  "  deleted INTEGER NOT NULL,"
  "  ward TEXT,"
  "  category TEXT,"
  "  severity INTEGER,"
  "  status TEXT,"
  "  observed_at INTEGER,"
  "  lat REAL,"
  "  lon REAL,"
  "  affected_households INTEGER NOT NULL DEFAULT 0,"
  "  affected_people INTEGER NOT NULL DEFAULT 0,"
  BD_STORE_VERSION_COUNTS (VERSION_COUNT_DEF)
  "  CHECK (valid_to IS NULL OR valid_to >= valid_from)"
  ");"
  "CREATE INDEX report_versions_report ON report_versions (report_rowid, valid_from);"
  "CREATE UNIQUE INDEX report_versions_current ON report_versions (report_rowid)"
  "  WHERE valid_to IS NULL;"
  "INSERT INTO report_versions (report_rowid, valid_from, valid_to, deleted, ward,"
  "  category, severity, status, observed_at, lat, lon, affected_households,"
  "  affected_people" BD_STORE_VERSION_COUNTS (VERSION_COUNT_NAME) ")"
  " SELECT rowid, coalesce(updated_at, 0), NULL, deleted, ward, category, severity,"
  "  status, observed_at, lat, lon,"
  "  max(coalesce(json_extract(feature, '$.properties.affected_households'), 0), 0),"
  "  max(coalesce(json_extract(feature, '$.properties.affected_people'), 0), 0)"
  BD_STORE_VERSION_COUNTS (VERSION_COUNT_JSON)
  "  FROM reports ORDER BY rowid;"
  "CREATE TABLE tally_editions ("
  "  number INTEGER PRIMARY KEY,"     /* 第○報 */
  "  as_of TEXT NOT NULL,"            /* RFC 3339: ○月○日○時現在 */
  "  as_of_unix INTEGER NOT NULL,"
  "  issued_at TEXT NOT NULL,"
  "  issued_by TEXT"
  ");"
  "CREATE TABLE tally_edition_values ("
  "  edition INTEGER NOT NULL REFERENCES tally_editions (number),"
  "  ward TEXT NOT NULL,"             /* a ward's code, or the city's */
  "  item TEXT NOT NULL,"             /* BdTallyItem.code */
  "  value NUMERIC NOT NULL,"
  "  PRIMARY KEY (edition, ward, item)"
  ") WITHOUT ROWID;"
  "CREATE TRIGGER tally_editions_no_update BEFORE UPDATE ON tally_editions"
  "  BEGIN SELECT RAISE (ABORT, 'an issued edition cannot be changed'); END;"
  "CREATE TRIGGER tally_editions_no_delete BEFORE DELETE ON tally_editions"
  "  BEGIN SELECT RAISE (ABORT, 'an issued edition cannot be changed'); END;"
  "CREATE TRIGGER tally_edition_values_no_update BEFORE UPDATE ON tally_edition_values"
  "  BEGIN SELECT RAISE (ABORT, 'an issued edition cannot be changed'); END;"
  "CREATE TRIGGER tally_edition_values_no_delete BEFORE DELETE ON tally_edition_values"
  "  BEGIN SELECT RAISE (ABORT, 'an issued edition cannot be changed'); END;"
  "CREATE TRIGGER tally_edition_values_issued BEFORE INSERT ON tally_edition_values"
  "  WHEN (SELECT max(number) FROM tally_editions) IS NOT new.edition"
  "  BEGIN SELECT RAISE (ABORT, 'an issued edition cannot be changed'); END;"
  "PRAGMA user_version = 8;";

/* Issue 12, the workflow: each history row keeps the old and new value of
 * every field it names (changes: a JSON array of {"field", "old", "new"},
 * the values as GeoJSON properties, null when unset; NULL on rows written
 * before); reports get the department they are assigned to (a column, for
 * the filters) and the store the editable list of departments, seeded from
 * resources/data/departments.json on first use. */
static const char migration_9[] =
  "ALTER TABLE history ADD COLUMN changes TEXT;"
  "ALTER TABLE reports ADD COLUMN department TEXT;"
  "CREATE INDEX reports_department ON reports (department);"
  "CREATE TABLE departments ("
  "  code TEXT PRIMARY KEY,"
  "  name_ja TEXT NOT NULL,"
  "  name_en TEXT NOT NULL,"
  "  position INTEGER NOT NULL,"
  "  retired INTEGER NOT NULL DEFAULT 0"
  ") WITHOUT ROWID;"
  "PRAGMA user_version = 9;";

/* The overlay collections (shelters, areas, alerts) as the change feed
 * brings them (bd-store-features.c): one row a feature, tombstones
 * included, with what listing them needs in columns of their own; and the
 * collection of a feature kept aside (NULL: reports). */
static const char migration_10[] =
  "CREATE TABLE features ("
  "  rowid INTEGER PRIMARY KEY,"
  "  collection TEXT NOT NULL,"
  "  id TEXT NOT NULL,"
  "  rev INTEGER NOT NULL DEFAULT 0,"
  "  seq INTEGER NOT NULL DEFAULT 0,"
  "  deleted INTEGER NOT NULL DEFAULT 0,"
  "  kind TEXT,"                    /* shelters, areas: kind; alerts: category */
  "  name TEXT,"
  "  ward TEXT,"
  "  status TEXT,"                  /* shelters: state; alerts: status */
  "  level INTEGER NOT NULL DEFAULT 0,"
  "  active INTEGER NOT NULL DEFAULT 1,"
  "  effective INTEGER,"            /* unix seconds */
  "  expires INTEGER,"              /* unix seconds; NULL: none */
  "  min_lon REAL, min_lat REAL, max_lon REAL, max_lat REAL," /* NULL: no geometry */
  "  feature TEXT NOT NULL,"
  "  UNIQUE (collection, id)"
  ");"
  "CREATE INDEX features_live ON features (collection, deleted, seq);"
  "CREATE INDEX features_alerts ON features (collection, deleted, status, active, expires);"
  "ALTER TABLE pulled_rejects ADD COLUMN collection TEXT;"
  "PRAGMA user_version = 10;";

static const char * const migrations[BD_STORE_SCHEMA_VERSION] = {
  migration_1,
  migration_2,
  migration_3,
  migration_4,
  migration_5,
  migration_6,
  migration_7,
  migration_8,
  migration_9,
  migration_10,
};

const BdSqliteSchema _bd_store_schema = {
  .name = "Bosai Desk",
  .application_id = BD_STORE_APPLICATION_ID,
  .version = BD_STORE_SCHEMA_VERSION,
  .migrations = migrations,
  .error_quark = bd_store_error_quark,
  .error_open = BD_STORE_ERROR_OPEN,
  .error_corrupt = BD_STORE_ERROR_CORRUPT,
  .error_version = BD_STORE_ERROR_VERSION,
  .error_sql = BD_STORE_ERROR_SQL,
  .msg_damaged = N_("“%s” is not a Bosai Desk database, or it is damaged (%s)"),
  .msg_foreign = N_("“%s” is an SQLite database of another application, not a Bosai Desk database"),
  .msg_newer = N_("The database “%s” was made by a newer version of Bosai Desk "
                  "(schema %d, this version knows %d). Please update the application."),
};

static const char * const stmt_sql[N_STMTS] = {
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
    "  description, feature, department)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?19)",
  [STMT_UPDATE] =
    "UPDATE reports SET id = ?1, ward = ?2, category = ?3, severity = ?4,"
    "  status = ?5, lat = ?6, lon = ?7, observed_at = ?8, created_at = ?9,"
    "  updated_at = ?10, rev = ?11, seq = ?12, deleted = ?13, title = ?14,"
    "  reporter = ?15, description = ?16, feature = ?17, department = ?19"
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
    "INSERT INTO history (report_id, actor, at, op, fields, changes)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
  [STMT_HISTORY_LIST] =
    "SELECT id, report_id, actor, at, op, fields, changes FROM history"
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
  /* a refusal is an answer: the server did not apply the row */
  [STMT_OUTBOX_SET_ERROR] =
    "UPDATE outbox SET error = ?2, sending = sending AND ?2 IS NULL WHERE seq = ?1",
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
  [STMT_REJECT_COUNT] = "SELECT count(*) FROM pulled_rejects WHERE collection IS NULL",
  /* a restore takes back the delete still waiting to be sent: one the
   * sync engine has started sending (bd_store_mark_outbox_sending ()) may
   * have reached the server, though its answer never came */
  [STMT_OUTBOX_CANCEL_DELETE] =
    "DELETE FROM outbox WHERE op = 'delete' AND sending = 0 AND seq ="
    " (SELECT max(seq) FROM outbox WHERE report_id = ?1)",
  [STMT_OUTBOX_SENDING] = "UPDATE outbox SET sending = 1 WHERE seq = ?1",
  /* whether a report was ever meant to reach the server: each create or
   * update was written with its outbox row */
  [STMT_HISTORY_QUEUED] =
    "SELECT count(*) FROM history WHERE report_id = ?1 AND op IN ('create', 'update')",
  /* reports deleted here that the server never acknowledged */
  [STMT_UNSENT_TOMBSTONES] = "SELECT id FROM reports WHERE deleted = 1 AND rev = 0",
  /* ends the current version of a report (see migration 8); returns when
   * the next one starts */
  [STMT_VERSION_CLOSE] =
    "UPDATE report_versions SET valid_to = max(valid_from, ?2)"
    " WHERE report_rowid = ?1 AND valid_to IS NULL RETURNING valid_to",
  [STMT_VERSION_INSERT] =
    "INSERT INTO report_versions (report_rowid, valid_from, deleted, ward, category,"
    "  severity, status, observed_at, lat, lon, affected_households, affected_people"
    BD_STORE_VERSION_COUNTS (VERSION_COUNT_NAME) ")"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
    BD_STORE_VERSION_COUNTS (VERSION_PARAM) ")",
  [STMT_WANTED_REPORT] =
    "SELECT r.id, r.rowid FROM attachments_wanted w JOIN reports r ON r.id = w.report_id"
    " WHERE w.sha256 = ?1",
};

const char *
_bd_store_get_sql (StmtId id)
{
  return stmt_sql[id];
}

void
_bd_store_set_sql_error (sqlite3     *db,
                         GError     **error,
                         int          rc,
                         const char  *what)
{
  bd_sqlite_set_error (&_bd_store_schema, db, rc, what, error);
}

/* The writer's set-up: WAL, synchronous=FULL, foreign keys, and a larger
 * cache and memory map. */
static gboolean
configure_writer (sqlite3     *db,
                  GError     **error)
{
  return bd_sqlite_setup_writer (&_bd_store_schema, db, error) &&
         bd_sqlite_exec (&_bd_store_schema, db,
                         "PRAGMA cache_size = -32000;"
                         "PRAGMA mmap_size = 268435456;",
                         error);
}

/* Opens the writing connection at @path, checked, registered and migrated
 * to the latest schema (or to @version, for tests). */
static sqlite3 *
open_writer (const char  *path,
             int          version,
             GError     **error)
{
  sqlite3 *db;
  gint64 current = 0;

  if (!(db = bd_sqlite_open (&_bd_store_schema, path, FALSE, error)))
    return NULL;

  if (!bd_sqlite_check (&_bd_store_schema, db, path, &current, error) ||
      !configure_writer (db, error) ||
      !_bd_fts_register (db, error) ||
      !bd_sqlite_migrate (&_bd_store_schema, db, (int) current, version, error))
    {
      sqlite3_close (db);
      return NULL;
    }

  return db;
}

gboolean
_bd_store_create_at_version (const char  *path,
                             int          version,
                             GError     **error)
{
  sqlite3 *db;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (version >= 1 && version <= BD_STORE_SCHEMA_VERSION, FALSE);

  if (!(db = open_writer (path, version, error)))
    return FALSE;

  sqlite3_close (db);
  return TRUE;
}

/* The store */

sqlite3_stmt *
_bd_store_get_stmt (BdStore  *self,
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
      _bd_store_set_sql_error (self->db, error, rc, _("Cannot prepare a database statement"));
      self->stmts[id] = NULL;
      return NULL;
    }

  return self->stmts[id];
}

gboolean
_bd_store_begin (BdStore  *self,
                 GError  **error)
{
  return bd_sqlite_begin (&_bd_store_schema, self->db, error);
}

gboolean
_bd_store_commit (BdStore  *self,
                  GError  **error)
{
  return bd_sqlite_commit (&_bd_store_schema, self->db, error);
}

void
_bd_store_rollback (BdStore *self)
{
  bd_sqlite_rollback (self->db);
}

/* Runs a cached statement whose parameters are bound, expecting no row. */
gboolean
_bd_store_step_done (BdStore     *self,
                     StmtScope   *stmt,
                     GError     **error)
{
  g_autoptr(StmtScope) scope = stmt;
  int rc;

  if ((rc = sqlite3_step (stmt)) != SQLITE_DONE)
    {
      _bd_store_set_sql_error (self->db, error, rc, _("Cannot write a report"));
      return FALSE;
    }

  return TRUE;
}


/* Runs a cached statement with one text parameter, expecting no row. */
gboolean
_bd_store_run_with_id (BdStore     *self,
                       StmtId       sid,
                       const char  *id,
                       GError     **error)
{
  sqlite3_stmt *stmt;

  if (!(stmt = _bd_store_get_stmt (self, sid, error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  return _bd_store_step_done (self, stmt, error);
}

/* Counts the rows a statement with one text parameter finds. */
gint64
_bd_store_count_with_id (BdStore     *self,
                         StmtId       sid,
                         const char  *id,
                         GError     **error)
{
  sqlite3_stmt *stmt;
  g_autoptr(StmtScope) scope = NULL;
  int rc;

  if (!(stmt = _bd_store_get_stmt (self, sid, error)))
    return -1;
  scope = stmt;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
    {
      _bd_store_set_sql_error (self->db, error, rc, _("Database error"));
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}

gint64
_bd_store_count_rows (BdStore *self,
                      StmtId   id)
{
  sqlite3_stmt *stmt;
  g_autoptr(StmtScope) scope = NULL;
  g_autoptr(GError) error = NULL;

  if (!(stmt = _bd_store_get_stmt (self, id, &error)))
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

/* Public API */

BdStore *
bd_store_open (const char  *path,
               GError     **error)
{
  g_autoptr(BdStore) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (BD_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  if (!(self->db = open_writer (path, BD_STORE_SCHEMA_VERSION, error)))
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
