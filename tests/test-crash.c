/* test-crash.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Crash safety: a child process saves reports as fast as it can and prints
 * each id once bd_store_save_report() has returned TRUE; the parent kills
 * it with SIGKILL in the middle of that, then checks that the database is
 * sound and that every report the child called saved is there, with its
 * outbox row. */

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "bd-store.h"

static const char *self_path;

static int
run_child (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdStore) store = bd_store_open (path, &error);
  g_autoptr(BdReport) previous = NULL;
  guint i;

  if (store == NULL)
    {
      fprintf (stderr, "child: %s\n", error->message);
      return 1;
    }

  for (i = 0; ; i++)
    {
      g_autoptr(BdReport) report = NULL;
      g_autofree char *title = NULL;

      if (previous != NULL && i % 4 == 3)
        {
          /* now and then an update of the last report */
          report = g_object_ref (previous);
          title = g_strdup_printf ("北区 梅田付近 道路冠水 続報 %u", i);
        }
      else
        {
          report = bd_report_new ();
          bd_report_set_location (report, 34.70 + (i % 100) * 0.0005, 135.50 + (i % 37) * 0.0005);
          bd_report_set_ward (report, "271276");
          bd_report_set_category (report, "road");
          bd_report_set_reporter (report, "北区役所 防災担当");
          bd_report_set_description (report, "道路が冠水し、車両の通行が困難。");
          title = g_strdup_printf ("北区 梅田付近 道路冠水 %u", i);
        }
      bd_report_set_title (report, title);

      if (!bd_store_save_report (store, report, "crash-test", &error))
        {
          fprintf (stderr, "child: save failed: %s\n", error->message);
          return 1;
        }

      /* only now is it "saved" */
      printf ("%s\n", bd_report_get_id (report));
      fflush (stdout);

      g_set_object (&previous, report);
    }

  return 0;
}

/* Imports files of IMPORT_SIZE reports, one after the other, and prints
 * a line once each import's bd_store_import_commit () has returned. */
#define IMPORT_SIZE 2000

static int
run_import_child (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdStore) store = bd_store_open (path, &error);
  guint round, i;

  if (store == NULL)
    {
      fprintf (stderr, "child: %s\n", error->message);
      return 1;
    }

  for (round = 0; ; round++)
    {
      g_autoptr(BdStoreImport) import = bd_store_import_begin (store, "import", &error);

      if (import == NULL)
        {
          fprintf (stderr, "child: import failed: %s\n", error->message);
          return 1;
        }
      for (i = 0; i < IMPORT_SIZE; i++)
        {
          g_autoptr(BdReport) report = bd_report_new ();
          g_autoptr(JsonNode) feature = NULL;
          g_autofree char *title = g_strdup_printf ("北区 梅田付近 道路冠水 %u-%u", round, i);

          bd_report_set_location (report, 34.70 + (i % 100) * 0.0005, 135.50 + (i % 37) * 0.0005);
          bd_report_set_ward (report, "271276");
          bd_report_set_category (report, "road");
          bd_report_set_title (report, title);
          feature = bd_report_to_json (report);
          if (!bd_store_import_add (import, feature, &error))
            {
              fprintf (stderr, "child: import failed: %s\n", error->message);
              return 1;
            }
        }

      if (!bd_store_import_commit (import, NULL, NULL, &error))
        {
          fprintf (stderr, "child: import failed: %s\n", error->message);
          return 1;
        }
      printf ("imported %u\n", round);
      fflush (stdout);
    }

  return 0;
}

static gint64
query_int (sqlite3    *db,
           const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return value;
}

static char *
query_text (sqlite3    *db,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  return value;
}

/* Runs the child, kills it after about @kill_after saves and returns the
 * ids it reported saved. */
static GPtrArray *
run_and_kill (const char *path,
              guint       kill_after)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  const char *argv[] = { self_path, "--child", path, NULL };
  char line[256];
  GPid pid;
  FILE *out;
  int out_fd;
  int status = 0;
  gboolean killed = FALSE;

  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL,
                                           G_SPAWN_DO_NOT_REAP_CHILD,
                                           NULL, NULL, &pid,
                                           NULL, &out_fd, NULL, &error));
  g_assert_no_error (error);
  out = fdopen (out_fd, "r");
  g_assert_nonnull (out);

  while (fgets (line, sizeof line, out) != NULL)
    {
      g_strchomp (line);
      g_assert_cmpuint (strlen (line), ==, 36);
      g_ptr_array_add (ids, g_strdup (line));

      if (!killed && ids->len >= kill_after)
        {
          /* let it get into the next save, then pull the plug */
          g_usleep (g_test_rand_int_range (0, 3000));
          g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
          killed = TRUE;
        }
    }
  fclose (out);

  /* the child must not have stopped on its own */
  g_assert_true (killed);
  while (waitpid (pid, &status, 0) < 0)
    g_assert_cmpint (errno, ==, EINTR);
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);
  g_spawn_close_pid (pid);

  return g_steal_pointer (&ids);
}

static void
check_database (const char *path,
                GPtrArray  *all_ids)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdStore) store = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GHashTable) in_outbox = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *integrity = NULL;
  g_autofree char *rtree = NULL;
  sqlite3 *db = NULL;
  guint i;

  /* a plain connection first: the file as a crash left it */
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  integrity = query_text (db, "PRAGMA integrity_check");
  g_assert_cmpstr (integrity, ==, "ok");
  rtree = query_text (db, "SELECT rtreecheck('reports_rtree')");
  g_assert_cmpstr (rtree, ==, "ok");
  /* every report came with its outbox and history rows, never without */
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM reports r WHERE NOT EXISTS"
                                  " (SELECT 1 FROM outbox o WHERE o.report_id = r.id)"), ==, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM reports r WHERE NOT EXISTS"
                                  " (SELECT 1 FROM history h WHERE h.report_id = r.id)"), ==, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM outbox"), ==,
                   query_int (db, "SELECT count(*) FROM history"));
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM reports WHERE deleted = 0"), ==,
                   query_int (db, "SELECT count(*) FROM reports_rtree"));
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);

  store = bd_store_open (path, &error);
  g_assert_no_error (error);

  /* the full-text index agrees with the table */
  db = _bd_store_get_connection (store);
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO reports_fts (reports_fts) VALUES ('integrity-check')",
                                 NULL, NULL, NULL), ==, SQLITE_OK);

  outbox = bd_store_list_outbox (store, &error);
  g_assert_no_error (error);
  for (i = 0; i < outbox->len; i++)
    {
      BdOutboxEntry *entry = g_ptr_array_index (outbox, i);

      g_hash_table_add (in_outbox, entry->report_id);
    }

  for (i = 0; i < all_ids->len; i++)
    {
      const char *id = g_ptr_array_index (all_ids, i);
      g_autoptr(BdReport) report = bd_store_get_report (store, id, &error);

      g_assert_no_error (error);
      g_assert_nonnull (report);
      g_assert_true (g_hash_table_contains (in_outbox, id));
    }

  /* and the store goes on working */
  {
    BdQuery query = { .text = "冠水" };
    g_autoptr(GArray) rowids = bd_store_query_rowids (store, &query, &error);

    g_assert_no_error (error);
    g_assert_cmpint (rowids->len, ==, bd_store_count (store));
  }
}

static void
test_kill (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bd-test-crash-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "reports.db", NULL);
  g_autoptr(GPtrArray) all_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) d = NULL;
  const char *name;
  guint round;

  g_assert_no_error (error);

  /* three crashes of the same database, at different moments */
  for (round = 0; round < 3; round++)
    {
      g_autoptr(GPtrArray) ids = NULL;
      guint kill_after = g_test_rand_int_range (200, 400);
      guint i;

      ids = run_and_kill (path, kill_after);
      g_test_message ("round %u: killed after %u saves, %u reported saved",
                      round, kill_after, ids->len);
      g_assert_cmpuint (ids->len, >=, kill_after);
      for (i = 0; i < ids->len; i++)
        g_ptr_array_add (all_ids, g_strdup (g_ptr_array_index (ids, i)));

      check_database (path, all_ids);
    }

  d = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (d)))
    {
      g_autofree char *file = g_build_filename (dir, name, NULL);

      g_assert_cmpint (g_remove (file), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* An import killed midway leaves none of its file: every import is whole
 * or absent, each report with its outbox and history rows. */
static void
test_import_kill (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bd-test-crash-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "reports.db", NULL);
  const char *argv[] = { self_path, "--import-child", path, NULL };
  g_autoptr(GDir) d = NULL;
  const char *name;
  char line[64];
  guint imported = 0;
  gint64 n;
  sqlite3 *db = NULL;
  GPid pid;
  FILE *out;
  int out_fd;
  int status = 0;

  g_assert_no_error (error);
  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL,
                                           G_SPAWN_DO_NOT_REAP_CHILD,
                                           NULL, NULL, &pid,
                                           NULL, &out_fd, NULL, &error));
  g_assert_no_error (error);
  out = fdopen (out_fd, "r");
  g_assert_nonnull (fgets (line, sizeof line, out));
  imported++;
  /* into the second import, then pull the plug */
  g_usleep (g_test_rand_int_range (1000, 150000));
  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  while (fgets (line, sizeof line, out) != NULL)
    imported++;
  fclose (out);
  while (waitpid (pid, &status, 0) < 0)
    g_assert_cmpint (errno, ==, EINTR);
  g_assert_true (WIFSIGNALED (status));
  g_spawn_close_pid (pid);

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  n = query_int (db, "SELECT count(*) FROM reports");
  g_test_message ("%u imports reported, %" G_GINT64_FORMAT " reports in the database",
                  imported, n);
  g_assert_cmpint (n % IMPORT_SIZE, ==, 0);
  g_assert_cmpint (n, >=, (gint64) imported * IMPORT_SIZE);
  g_assert_cmpint (n, <=, (gint64) (imported + 1) * IMPORT_SIZE);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM outbox"), ==, n);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM history"), ==, n);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);

  d = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (d)))
    {
      g_autofree char *file = g_build_filename (dir, name, NULL);

      g_assert_cmpint (g_remove (file), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  /* the child, before g_test_init sees the arguments */
  if (argc == 3 && g_str_equal (argv[1], "--child"))
    return run_child (argv[2]);
  if (argc == 3 && g_str_equal (argv[1], "--import-child"))
    return run_import_child (argv[2]);

  self_path = argv[0];
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bd/crash/kill", test_kill);
  g_test_add_func ("/bd/crash/import-kill", test_import_kill);

  return g_test_run ();
}
