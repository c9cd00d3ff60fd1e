/* test-outbox.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Outbox rows the push must get past, against a real bosai-central: rows
 * that older versions queued and that no server can take. */

#include "config.h"

#include <string.h>

#include <sqlite3.h>

#include "sync-harness.h"

/* Deleting a report the server never had (demo data: revision 0, no
 * create queued) used to send DELETE with If-None-Match: *; the server
 * answered 428 and the row was refused at every run, so no run succeeded
 * again. Such a row is acknowledged here without a request. */
static void
test_delete_never_pushed (void)
{
  Server *server = server_new ();
  Client *a = client_new ("a.sqlite");
  Client *b = client_new ("b.sqlite");
  g_autoptr(BdReport) demo = make_report ("デモ：倒木", 34.70, 135.50);
  g_autoptr(BdReport) mine = make_report ("冠水", 34.71, 135.51);
  g_autoptr(BdReport) tombstone = NULL;
  g_autoptr(GPtrArray) batch = g_ptr_array_new ();
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GError) error = NULL;
  BdOutboxEntry *entry;

  /* demo data: in the store, never queued, never pushed */
  g_ptr_array_add (batch, demo);
  g_assert_true (bd_store_insert_batch (a->store, batch, FALSE, "demo", &error));
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count_outbox (a->store), ==, 0);
  g_assert_true (bd_store_save_report (a->store, mine, "test", &error));
  g_assert_true (bd_store_delete_report (a->store, bd_report_get_id (demo), "test", &error));
  g_assert_no_error (error);
  /* this version queues nothing for it */
  g_assert_cmpint (bd_store_count_outbox (a->store), ==, 1);

  /* what an older version left: the delete, refused by earlier runs */
  {
    sqlite3 *db = _bd_store_get_connection (a->store);
    sqlite3_stmt *stmt = NULL;
    g_autofree char *payload = bd_report_to_geojson (demo);

    g_assert_cmpint (sqlite3_prepare_v2 (db,
                                         "INSERT INTO outbox (report_id, op, base_rev, payload,"
                                         " created_at) VALUES (?1, 'delete', 0, ?2,"
                                         " '2026-01-01T00:00:00Z')", -1, &stmt, NULL),
                     ==, SQLITE_OK);
    sqlite3_bind_text (stmt, 1, bd_report_get_id (demo), -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 2, payload, -1, SQLITE_STATIC);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
    sqlite3_finalize (stmt);
  }
  outbox = bd_store_list_outbox (a->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, 2);
  entry = g_ptr_array_index (outbox, 1);
  g_assert_cmpstr (entry->op, ==, "delete");
  g_assert_cmpstr (entry->report_id, ==, bd_report_get_id (demo));
  g_assert_cmpint (entry->base_rev, ==, 0);
  g_assert_true (bd_store_set_outbox_error (a->store, entry->seq,
                                            "report: the server refused it (428)", &error));
  g_assert_no_error (error);

  server_start (server);
  client_use_server (a, server);
  client_use_server (b, server);

  error = client_sync (a);
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count_outbox (a->store), ==, 0);
  g_assert_null (bd_sync_get_last_error (a->sync));
  g_assert_cmpint (bd_sync_get_state (a->sync), ==, BD_SYNC_STATE_ONLINE);
  /* and the runs after it succeed too */
  error = client_sync (a);
  g_assert_no_error (error);

  /* the tombstone stays here; the server never heard of the report */
  tombstone = bd_store_get_report (a->store, bd_report_get_id (demo), &error);
  g_assert_no_error (error);
  g_assert_true (bd_report_get_deleted (tombstone));
  g_assert_cmpint (bd_store_count (a->store), ==, 1);
  error = client_sync (b);
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count (b->store), ==, 1);
  assert_same_reports (a->store, b->store);
  g_clear_object (&tombstone);
  tombstone = bd_store_get_report (b->store, bd_report_get_id (demo), &error);
  g_assert_error (error, BD_STORE_ERROR, BD_STORE_ERROR_NOT_FOUND);

  client_free (a);
  client_free (b);
  server_free (server);
}

/* A 412 merges base, local and server copies. A base this client cannot
 * read used to be taken as no base at all: the merge went on without it
 * and invented conflicts (here two, though only one side changed each
 * field). The run ends with the store's error instead, and the edit
 * waits, untouched. */
static void
test_unreadable_base (void)
{
  Server *server = server_new ();
  Client *a = client_new ("a.sqlite");
  Client *b = client_new ("b.sqlite");
  g_autoptr(BdReport) report = make_report ("冠水", 34.70, 135.50);
  g_autoptr(BdReport) theirs = NULL;
  g_autoptr(BdReport) mine = NULL;
  g_autoptr(BdReport) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  const char *id = bd_report_get_id (report);

  server_start (server);
  client_use_server (a, server);
  client_use_server (b, server);
  g_assert_true (bd_store_save_report (a->store, report, "a", &error));
  error = client_sync (a);
  g_assert_no_error (error);
  error = client_sync (b);
  g_assert_no_error (error);

  /* B changes the title and syncs; A changes the description */
  theirs = bd_store_get_report (b->store, id, &error);
  g_assert_no_error (error);
  bd_report_set_title (theirs, "冠水（B）");
  g_assert_true (bd_store_save_report (b->store, theirs, "b", &error));
  error = client_sync (b);
  g_assert_no_error (error);
  mine = bd_store_get_report (a->store, id, &error);
  g_assert_no_error (error);
  bd_report_set_description (mine, "A の追記。");
  g_assert_true (bd_store_save_report (a->store, mine, "a", &error));
  g_assert_no_error (error);

  /* A's copy of the server's revision 1 is damaged */
  sql = g_strdup_printf ("UPDATE reports_base SET feature = '{\"type\": \"Feat' WHERE id = '%s'", id);
  client_exec (a, sql);

  error = client_sync (a);
  g_assert_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_REFUSED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "cannot be read"));
  g_assert_cmpstr (bd_sync_get_last_error (a->sync), ==, error->message);
  g_assert_cmpint (bd_store_count_outbox (a->store), ==, 1);
  g_assert_cmpint (bd_store_count_conflicts (a->store), ==, 0);
  g_clear_error (&error);
  after = bd_store_get_report (a->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bd_report_get_title (after), ==, "冠水");
  g_assert_cmpstr (bd_report_get_description (after), ==, "A の追記。");

  client_free (a);
  client_free (b);
  server_free (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bd/sync/outbox/delete-never-pushed", test_delete_never_pushed);
  g_test_add_func ("/bd/sync/outbox/unreadable-base", test_unreadable_base);

  return g_test_run ();
}
