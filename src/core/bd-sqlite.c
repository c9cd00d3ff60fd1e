/* bd-sqlite.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-sqlite"

#include "config.h"

#include "bd-sqlite.h"

#include <glib/gi18n-lib.h>

#define BUSY_TIMEOUT_MS 5000

static gboolean
is_corrupt (int rc)
{
  return (rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT;
}

sqlite3 *
bd_sqlite_open (const BdSqliteSchema  *schema,
                const char            *path,
                gboolean               read_only,
                GError               **error)
{
  sqlite3 *db = NULL;
  int flags;
  int rc;

  g_return_val_if_fail (schema != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);

  flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  flags |= read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);

  rc = sqlite3_open_v2 (path, &db, flags, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, schema->error_quark (), schema->error_open,
                   _("Cannot open the database “%s”: %s"), path,
                   db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close (db);
      return NULL;
    }

  sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);
  sqlite3_extended_result_codes (db, 1);

  return db;
}

void
bd_sqlite_set_error (const BdSqliteSchema  *schema,
                     sqlite3               *db,
                     int                    rc,
                     const char            *what,
                     GError               **error)
{
  g_set_error (error, schema->error_quark (),
               is_corrupt (rc) ? schema->error_corrupt : schema->error_sql,
               "%s: %s", what,
               db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
}

gboolean
bd_sqlite_exec (const BdSqliteSchema  *schema,
                sqlite3               *db,
                const char            *sql,
                GError               **error)
{
  char *message = NULL;
  int rc;

  rc = sqlite3_exec (db, sql, NULL, NULL, &message);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, schema->error_quark (),
                   is_corrupt (rc) ? schema->error_corrupt : schema->error_sql,
                   "%s", message != NULL ? message : sqlite3_errstr (rc));
      sqlite3_free (message);
      return FALSE;
    }

  return TRUE;
}

gboolean
bd_sqlite_pragma_int (const BdSqliteSchema  *schema,
                      sqlite3               *db,
                      const char            *sql,
                      gint64                *value,
                      GError               **error)
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

  bd_sqlite_set_error (schema, db, rc, sql, error);
  sqlite3_finalize (stmt);
  return FALSE;
}

gboolean
bd_sqlite_begin (const BdSqliteSchema  *schema,
                 sqlite3               *db,
                 GError               **error)
{
  return bd_sqlite_exec (schema, db, "BEGIN IMMEDIATE", error);
}

gboolean
bd_sqlite_commit (const BdSqliteSchema  *schema,
                  sqlite3               *db,
                  GError               **error)
{
  if (!bd_sqlite_exec (schema, db, "COMMIT", error))
    {
      bd_sqlite_rollback (db);
      return FALSE;
    }

  return TRUE;
}

void
bd_sqlite_rollback (sqlite3 *db)
{
  if (!sqlite3_get_autocommit (db))
    sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
}

gboolean
bd_sqlite_check (const BdSqliteSchema  *schema,
                 sqlite3               *db,
                 const char            *path,
                 gint64                *version_out,
                 GError               **error)
{
  g_autoptr(GError) local_error = NULL;
  gint64 version = 0;
  gint64 app_id = 0;
  gint64 n_objects = 0;

  /* One read transaction, so that all three come from one snapshot: read
   * one by one, another program creating the file meanwhile made it look
   * like another application's (version 0, yet tables). */
  if (!bd_sqlite_exec (schema, db, "BEGIN", &local_error) ||
      !bd_sqlite_pragma_int (schema, db, "PRAGMA user_version", &version, &local_error) ||
      !bd_sqlite_pragma_int (schema, db, "PRAGMA application_id", &app_id, &local_error) ||
      !bd_sqlite_pragma_int (schema, db, "SELECT count(*) FROM sqlite_master", &n_objects,
                             &local_error) ||
      !bd_sqlite_exec (schema, db, "COMMIT", &local_error))
    {
      bd_sqlite_rollback (db);
      if (g_error_matches (local_error, schema->error_quark (), schema->error_corrupt))
        g_set_error (error, schema->error_quark (), schema->error_corrupt,
                     _(schema->msg_damaged), path, sqlite3_errmsg (db));
      else
        g_set_error (error, schema->error_quark (), schema->error_open,
                     _("Cannot read the database “%s”: %s"), path, local_error->message);
      return FALSE;
    }

  if ((version > 0 && app_id != schema->application_id) ||
      (version == 0 && n_objects > 0))
    {
      g_set_error (error, schema->error_quark (), schema->error_corrupt,
                   _(schema->msg_foreign), path);
      return FALSE;
    }

  if (version > schema->version)
    {
      g_set_error (error, schema->error_quark (), schema->error_version,
                   _(schema->msg_newer), path, (int) version, schema->version);
      return FALSE;
    }

  *version_out = version;
  return TRUE;
}

gboolean
bd_sqlite_setup_writer (const BdSqliteSchema  *schema,
                        sqlite3               *db,
                        GError               **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean wal = FALSE;
  int rc;

  /* Switching a new file to WAL takes an exclusive lock, and SQLite does
   * not always wait for it through the busy handler: another program
   * opening the same new file at this moment makes it answer "database is
   * locked" at once. So it is tried again for as long as the busy timeout. */
  for (guint waited = 0; ; waited += 10)
    {
      rc = sqlite3_prepare_v2 (db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL);
      if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
        wal = g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "wal") == 0;
      sqlite3_finalize (stmt);
      stmt = NULL;
      if (wal || (rc & 0xff) != SQLITE_BUSY || waited >= BUSY_TIMEOUT_MS)
        break;
      g_usleep (10 * 1000);
    }
  if (!wal)
    {
      g_set_error (error, schema->error_quark (), schema->error_open,
                   _("Cannot switch the database to WAL mode: %s"), sqlite3_errmsg (db));
      return FALSE;
    }

  return bd_sqlite_exec (schema, db,
                         "PRAGMA synchronous = FULL;"
                         "PRAGMA foreign_keys = ON;",
                         error);
}

gboolean
bd_sqlite_migrate (const BdSqliteSchema  *schema,
                   sqlite3               *db,
                   int                    from,
                   int                    to,
                   GError               **error)
{
  int v;

  g_return_val_if_fail (to <= schema->version, FALSE);

  for (v = from + 1; v <= to; v++)
    {
      g_autoptr(GError) local_error = NULL;
      gint64 now = 0;

      if (!bd_sqlite_begin (schema, db, error))
        return FALSE;
      /* Another connection may have migrated between our check and this
       * write lock (two programs opening a new file at once): look again. */
      if (!bd_sqlite_pragma_int (schema, db, "PRAGMA user_version", &now, error))
        {
          bd_sqlite_rollback (db);
          return FALSE;
        }
      if (now >= v)
        {
          if (!bd_sqlite_exec (schema, db, "COMMIT", error))
            return FALSE;
          continue;
        }
      if (!bd_sqlite_exec (schema, db, schema->migrations[v - 1], &local_error) ||
          !bd_sqlite_exec (schema, db, "COMMIT", &local_error))
        {
          bd_sqlite_rollback (db);
          g_set_error (error, schema->error_quark (), schema->error_sql,
                       _("Cannot upgrade the database to schema %d: %s"),
                       v, local_error->message);
          return FALSE;
        }
      g_debug ("Migrated %s database to schema version %d", schema->name, v);
    }

  return TRUE;
}
