/* test-sqlite.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The SQLite layer both stores share (bd-sqlite): the client store and
 * bosai-central's store refuse a database of another application the same
 * way, and both connections report extended result codes. */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "bd-central-store.h"
#include "bd-sqlite.h"
#include "bd-store.h"

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("bd-test-sqlite-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "other.db", NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GDir) d = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);

      g_assert_cmpint (g_remove (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (f->dir), ==, 0);
  g_free (f->path);
  g_free (f->dir);
}

/* An SQLite file of another application: tables, and @version as its
 * user_version (0: it never set one). */
static void
write_foreign (const char *path,
               int         version)
{
  g_autofree char *sql = g_strdup_printf ("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT);"
                                          "INSERT INTO notes (text) VALUES ('買い物');"
                                          "PRAGMA user_version = %d;", version);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static gint64
count_notes (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM notes", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

/* Issue 9: bosai-central took a file of another application at
 * user_version 0 as a new database and added its tables to it. */
static void
test_central_foreign_version_0 (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdCentralStore) store = NULL;

  write_foreign (f->path, 0);
  store = bd_central_store_open (f->path, &error);
  g_assert_null (store);
  g_assert_error (error, BD_CENTRAL_STORE_ERROR, BD_CENTRAL_STORE_ERROR_DATABASE);
  g_assert_nonnull (strstr (error->message, "not a bosai-central database"));
  g_assert_cmpint (count_notes (f->path), ==, 1);
}

static void
test_central_foreign_version_3 (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdCentralStore) store = NULL;

  write_foreign (f->path, 3);
  store = bd_central_store_open (f->path, &error);
  g_assert_null (store);
  g_assert_error (error, BD_CENTRAL_STORE_ERROR, BD_CENTRAL_STORE_ERROR_DATABASE);
}

/* The client store refuses the same files, the same way. */
static void
test_client_foreign (Fixture       *f,
                     gconstpointer  data)
{
  int versions[] = { 0, 3 };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (versions); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(BdStore) store = NULL;

      g_remove (f->path);
      write_foreign (f->path, versions[i]);
      store = bd_store_open (f->path, &error);
      g_assert_null (store);
      g_assert_error (error, BD_STORE_ERROR, BD_STORE_ERROR_CORRUPT);
      g_assert_cmpint (count_notes (f->path), ==, 1);
    }
}

/* A new file is a new database for both; a second open finds it theirs. */
static void
test_new_file (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *client_path = g_build_filename (f->dir, "client.db", NULL);
  g_autoptr(BdCentralStore) central = NULL;
  g_autoptr(BdStore) client = NULL;

  central = bd_central_store_open (f->path, &error);
  g_assert_no_error (error);
  g_clear_pointer (&central, bd_central_store_free);
  central = bd_central_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (central);

  /* each refuses the other's database */
  client = bd_store_open (f->path, &error);
  g_assert_error (error, BD_STORE_ERROR, BD_STORE_ERROR_CORRUPT);
  g_clear_error (&error);
  g_clear_pointer (&central, bd_central_store_free);

  client = bd_store_open (client_path, &error);
  g_assert_no_error (error);
  g_clear_object (&client);
  central = bd_central_store_open (client_path, &error);
  g_assert_error (error, BD_CENTRAL_STORE_ERROR, BD_CENTRAL_STORE_ERROR_DATABASE);
  g_assert_null (central);
}

/* Both stores' connections return extended result codes (the client's
 * turned them off). */
static void
test_extended_codes (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdStore) store = NULL;
  sqlite3 *db;
  int rc;

  store = bd_store_open (f->path, &error);
  g_assert_no_error (error);
  db = _bd_store_get_connection (store);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TEMP TABLE t (k TEXT UNIQUE);"
                                 "INSERT INTO t VALUES ('a');", NULL, NULL, NULL), ==, SQLITE_OK);
  rc = sqlite3_exec (db, "INSERT INTO t VALUES ('a')", NULL, NULL, NULL);
  g_assert_cmpint (rc, ==, SQLITE_CONSTRAINT_UNIQUE);
}

static const char * const test_migrations[] = {
  "CREATE TABLE a (x); PRAGMA application_id = 1234; PRAGMA user_version = 1;",
  "CREATE TABLE b (y); PRAGMA user_version = 2;",
};

static GQuark
test_error_quark (void)
{
  return g_quark_from_static_string ("bd-test-sqlite-error");
}

static const BdSqliteSchema test_schema = {
  .name = "Test",
  .application_id = 1234,
  .version = 2,
  .migrations = test_migrations,
  .error_quark = test_error_quark,
  .error_open = 1,
  .error_corrupt = 2,
  .error_version = 3,
  .error_sql = 4,
  .msg_damaged = "“%s” is damaged (%s)",
  .msg_foreign = "“%s” is foreign",
  .msg_newer = "“%s” is newer (%d > %d)",
};

/* The migration loop and the checks, on their own. */
static void
test_layer (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *db;
  gint64 version = -1;

  db = bd_sqlite_open (&test_schema, f->path, FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (bd_sqlite_check (&test_schema, db, f->path, &version, &error));
  g_assert_cmpint (version, ==, 0);
  g_assert_true (bd_sqlite_setup_writer (&test_schema, db, &error));
  g_assert_true (bd_sqlite_migrate (&test_schema, db, 0, 1, &error));
  g_assert_true (bd_sqlite_check (&test_schema, db, f->path, &version, &error));
  g_assert_cmpint (version, ==, 1);
  g_assert_true (bd_sqlite_migrate (&test_schema, db, 1, 2, &error));
  g_assert_no_error (error);

  /* a transaction rolled back leaves nothing */
  g_assert_true (bd_sqlite_begin (&test_schema, db, &error));
  g_assert_true (bd_sqlite_exec (&test_schema, db, "INSERT INTO a VALUES (1)", &error));
  bd_sqlite_rollback (db);
  g_assert_true (bd_sqlite_pragma_int (&test_schema, db, "SELECT count(*) FROM a", &version,
                                       &error));
  g_assert_cmpint (version, ==, 0);

  /* a newer file is refused */
  g_assert_true (bd_sqlite_exec (&test_schema, db, "PRAGMA user_version = 9", &error));
  g_assert_false (bd_sqlite_check (&test_schema, db, f->path, &version, &error));
  g_assert_error (error, test_error_quark (), 3);
  g_clear_error (&error);

  /* a bad statement is an error_sql */
  g_assert_false (bd_sqlite_exec (&test_schema, db, "SELECT * FROM nowhere", &error));
  g_assert_error (error, test_error_quark (), 4);
  sqlite3_close (db);
}

/* Two writers opening the same new file at once (two bosai-desk --import
 * started together): the second used to find the tables made meanwhile
 * ("table reports already exists") because the migration loop did not look
 * at user_version again once it held the write lock. */
typedef struct
{
  const char *path;
  gboolean    central;
  gint       *go;
  GError     *error;
} Opener;

static gpointer
open_when_told (gpointer data)
{
  Opener *o = data;

  while (!g_atomic_int_get (o->go))
    g_thread_yield ();

  if (o->central)
    {
      BdCentralStore *store = bd_central_store_open (o->path, &o->error);

      g_clear_pointer (&store, bd_central_store_free);
    }
  else
    {
      BdStore *store = bd_store_open (o->path, &o->error);

      g_clear_object (&store);
    }
  return NULL;
}

static void
test_two_openers (Fixture       *f,
                  gconstpointer  data)
{
  for (guint round = 0; round < 40; round++)
    {
      g_autofree char *name = g_strdup_printf ("new-%u.db", round);
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      gint go = 0;
      Opener openers[2];
      GThread *threads[2];

      for (guint i = 0; i < 2; i++)
        {
          openers[i] = (Opener) { path, round % 2 == 1, &go, NULL };
          threads[i] = g_thread_new ("opener", open_when_told, &openers[i]);
        }
      g_atomic_int_set (&go, 1);
      for (guint i = 0; i < 2; i++)
        {
          g_thread_join (threads[i]);
          g_assert_no_error (openers[i].error);
        }
    }
}

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/bd/sqlite/central-foreign-version-0", test_central_foreign_version_0);
  ADD ("/bd/sqlite/central-foreign-version-3", test_central_foreign_version_3);
  ADD ("/bd/sqlite/client-foreign", test_client_foreign);
  ADD ("/bd/sqlite/new-file", test_new_file);
  ADD ("/bd/sqlite/extended-codes", test_extended_codes);
  ADD ("/bd/sqlite/layer", test_layer);
  ADD ("/bd/sqlite/two-openers", test_two_openers);

  return g_test_run ();
}
