/* bd-sqlite.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* The SQLite helpers the client store (bd-store) and bosai-central's store
 * share: opening a connection (extended result codes on, busy timeout),
 * exec, pragma reads, transactions, WAL set-up, the check that a file is
 * a database of this application and the migration loop.
 *
 * A BdSqliteSchema describes the application's database: its
 * application_id, its migrations and the GError domain and codes its
 * errors are reported in. */
typedef struct
{
  const char         *name;             /* for messages: "Bosai Desk" */
  gint32              application_id;   /* PRAGMA application_id */
  int                 version;          /* the latest PRAGMA user_version */
  const char * const *migrations;       /* migrations[v - 1] brings v - 1 to v */
  GQuark            (*error_quark) (void);
  int                 error_open;       /* cannot open or read the file */
  int                 error_corrupt;    /* damaged, or another application's */
  int                 error_version;    /* made by a newer version */
  int                 error_sql;        /* any other SQLite failure */
  /* Messages (N_() strings, translated here), each starting with the
   * file's path (%s): unreadable (then SQLite's message, %s), of another
   * application, made by a newer version (then its schema and the latest
   * known, %d %d). */
  const char         *msg_damaged;
  const char         *msg_foreign;
  const char         *msg_newer;
} BdSqliteSchema;

/* Opens @path (NOMUTEX, extended result codes, busy timeout); a reader is
 * opened read-only, a writer created if missing. */
sqlite3    *bd_sqlite_open            (const BdSqliteSchema  *schema,
                                       const char            *path,
                                       gboolean               read_only,
                                       GError               **error);
/* Sets @error from @rc (an extended result code) and the connection's
 * message: error_corrupt for SQLITE_NOTADB / SQLITE_CORRUPT*, else
 * error_sql. */
void        bd_sqlite_set_error       (const BdSqliteSchema  *schema,
                                       sqlite3               *db,
                                       int                    rc,
                                       const char            *what,
                                       GError               **error);
gboolean    bd_sqlite_exec            (const BdSqliteSchema  *schema,
                                       sqlite3               *db,
                                       const char            *sql,
                                       GError               **error);
/* The integer in the first column of the first row of @sql (a pragma). */
gboolean    bd_sqlite_pragma_int      (const BdSqliteSchema  *schema,
                                       sqlite3               *db,
                                       const char            *sql,
                                       gint64                *value,
                                       GError               **error);

/* BEGIN IMMEDIATE / COMMIT (rolling back when the commit fails) /
 * ROLLBACK (when a transaction is open). */
gboolean    bd_sqlite_begin           (const BdSqliteSchema  *schema,
                                       sqlite3               *db,
                                       GError               **error);
gboolean    bd_sqlite_commit          (const BdSqliteSchema  *schema,
                                       sqlite3               *db,
                                       GError               **error);
void        bd_sqlite_rollback        (sqlite3               *db);

/* Reads the schema version, refusing a file of another application (a
 * version above 0 with another application_id, or version 0 with tables
 * in it) and one made by a newer version. */
gboolean    bd_sqlite_check           (const BdSqliteSchema  *schema,
                                       sqlite3               *db,
                                       const char            *path,
                                       gint64                *version,
                                       GError               **error);
/* journal_mode=WAL (refused if it does not take), synchronous=FULL,
 * foreign_keys=ON. */
gboolean    bd_sqlite_setup_writer    (const BdSqliteSchema  *schema,
                                       sqlite3               *db,
                                       GError               **error);
/* Runs migrations @from + 1 … @to, each in its own transaction. */
gboolean    bd_sqlite_migrate         (const BdSqliteSchema  *schema,
                                       sqlite3               *db,
                                       int                    from,
                                       int                    to,
                                       GError               **error);

/* A cached statement that resets itself (and clears its bindings) when it
 * goes out of scope. */
typedef sqlite3_stmt BdSqliteStmtScope;

static inline void
bd_sqlite_stmt_scope_reset (BdSqliteStmtScope *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdSqliteStmtScope, bd_sqlite_stmt_scope_reset)

G_END_DECLS
