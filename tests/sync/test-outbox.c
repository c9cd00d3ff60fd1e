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

  /* what an older version left: the delete, refused by earlier runs */
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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bd/sync/outbox/delete-never-pushed", test_delete_never_pushed);

  return g_test_run ();
}
