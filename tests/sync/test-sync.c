/* test-sync.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The client's sync engine against a real bosai-central on a loopback
 * port with its own temporary database. */

#include "config.h"

#include "sync-harness.h"

/* No server: the client goes offline and keeps every local change. */
static void
test_offline (void)
{
  Client *client = client_new ("a.sqlite");
  g_autoptr(BdReport) report = make_report ("冠水", 34.70, 135.50);
  g_autoptr(GError) error = NULL;

  bd_store_save_report (client->store, report, "test", &error);
  g_assert_no_error (error);
  /* port 9 (discard) on loopback: nothing listens there */
  bd_sync_set_server_url (client->sync, "http://127.0.0.1:9");
  error = client_sync (client);
  g_assert_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_UNREACHABLE);
  g_assert_true (g_str_has_prefix (error->message, "cannot reach the server"));
  g_assert_cmpint (bd_sync_get_state (client->sync), ==, BD_SYNC_STATE_OFFLINE);
  g_assert_cmpint (bd_store_count_outbox (client->store), ==, 1);
  g_assert_cmpint (bd_sync_get_pending (client->sync), ==, 1);
  client_free (client);
}

/* Two clients edit offline; once the server is up, everyone converges. */
static void
test_two_clients (void)
{
  Server *server = server_new ();
  Client *a = client_new ("a.sqlite");
  Client *b = client_new ("b.sqlite");
  g_autoptr(GError) error = NULL;
  g_autoptr(BdReport) shared = NULL;
  g_autofree char *id = NULL;
  int i;

  for (i = 0; i < 20; i++)
    {
      g_autofree char *title = g_strdup_printf ("A の報告 %d", i);
      g_autoptr(BdReport) report = make_report (title, 34.70 + i * 0.001, 135.50);

      g_assert_true (bd_store_save_report (a->store, report, "a", &error));
      if (i == 0)
        id = g_strdup (bd_report_get_id (report));
    }
  for (i = 0; i < 15; i++)
    {
      g_autofree char *title = g_strdup_printf ("B の報告 %d", i);
      g_autoptr(BdReport) report = make_report (title, 34.65, 135.45 + i * 0.001);

      g_assert_true (bd_store_save_report (b->store, report, "b", &error));
    }
  /* an update and a delete of A's own reports, still offline */
  shared = bd_store_get_report (a->store, id, &error);
  g_assert_no_error (error);
  bd_report_set_title (shared, "A の報告 0（更新）");
  g_assert_true (bd_store_save_report (a->store, shared, "a", &error));
  g_assert_no_error (error);

  bd_sync_set_server_url (a->sync, "http://127.0.0.1:9");
  bd_sync_set_server_url (b->sync, "http://127.0.0.1:9");
  error = client_sync (a);
  g_assert_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_UNREACHABLE);
  g_clear_error (&error);
  g_assert_cmpint (bd_store_count_outbox (a->store), ==, 21);

  server_start (server);
  bd_sync_set_server_url (a->sync, server->base);
  bd_sync_set_server_url (b->sync, server->base);
  bd_sync_set_token (a->sync, server->token);
  bd_sync_set_token (b->sync, server->token);

  for (i = 0; i < 2; i++)
    {
      error = client_sync (a);
      g_assert_no_error (error);
      error = client_sync (b);
      g_assert_no_error (error);
    }
  g_assert_cmpint (bd_store_count_outbox (a->store), ==, 0);
  g_assert_cmpint (bd_store_count_outbox (b->store), ==, 0);
  g_assert_cmpint (bd_store_count (a->store), ==, 35);
  g_assert_cmpint (bd_sync_get_state (a->sync), ==, BD_SYNC_STATE_ONLINE);
  assert_same_reports (a->store, b->store);
  assert_same_reports (b->store, a->store);

  /* the update went through exactly once */
  g_clear_object (&shared);
  shared = bd_store_get_report (b->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bd_report_get_title (shared), ==, "A の報告 0（更新）");

  client_free (a);
  client_free (b);
  server_free (server);
}

/* A wrong token: 401, the outbox is kept. */
static void
test_bad_token (void)
{
  Server *server = server_new ();
  Client *client = client_new ("a.sqlite");
  g_autoptr(BdReport) report = make_report ("倒木", 34.70, 135.50);
  g_autoptr(GError) error = NULL;

  server_start (server);
  g_assert_true (bd_store_save_report (client->store, report, "test", &error));
  bd_sync_set_server_url (client->sync, server->base);
  bd_sync_set_token (client->sync, "not-a-token");
  error = client_sync (client);
  g_assert_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_UNAUTHORIZED);
  g_assert_cmpint (bd_store_count_outbox (client->store), ==, 1);
  client_free (client);
  server_free (server);
}

/* A lost response retried: the server already holds the very same copy,
 * so its 412 counts as success and nothing is doubled. */
static void
test_lost_response (void)
{
  Server *server = server_new ();
  Client *a = client_new ("a.sqlite");
  Client *b = client_new ("b.sqlite");
  g_autoptr(BdReport) report = make_report ("停電", 34.70, 135.50);
  g_autoptr(BdReport) twin = bd_report_copy (report);
  g_autoptr(GError) error = NULL;

  server_start (server);
  bd_store_save_report (a->store, report, "a", &error);
  g_assert_no_error (error);
  bd_store_save_report (b->store, twin, "b", &error);
  g_assert_no_error (error);
  bd_sync_set_server_url (a->sync, server->base);
  bd_sync_set_server_url (b->sync, server->base);
  bd_sync_set_token (a->sync, server->token);
  bd_sync_set_token (b->sync, server->token);

  error = client_sync (a);
  g_assert_no_error (error);
  error = client_sync (b);
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count_outbox (b->store), ==, 0);
  g_assert_cmpint (bd_store_count (b->store), ==, 1);
  assert_same_reports (a->store, b->store);

  client_free (a);
  client_free (b);
  server_free (server);
}

static void
on_state (GObject    *object,
          GParamSpec *pspec,
          gpointer    user_data)
{
  guint *attempts = user_data;

  if (bd_sync_get_state (BD_SYNC (object)) == BD_SYNC_STATE_SYNCING)
    (*attempts)++;
}

/* The background loop: backs off while the server is unreachable (1 s,
 * 2 s …), then catches up once it is there. */
static void
test_loop (void)
{
  Server *server = server_new ();
  Client *client = client_new ("a.sqlite");
  g_autoptr(BdReport) report = make_report ("土砂崩れ", 34.70, 135.50);
  g_autoptr(GError) error = NULL;
  guint attempts = 0;
  int i;

  bd_store_save_report (client->store, report, "test", &error);
  g_assert_no_error (error);
  g_signal_connect (client->sync, "notify::state", G_CALLBACK (on_state), &attempts);
  bd_sync_set_server_url (client->sync, "http://127.0.0.1:9");
  bd_sync_start (client->sync, 1);
  iterate_for (3300);
  /* at 0 s, about 1 s, about 3 s: never a busy loop, never silent */
  g_assert_cmpuint (attempts, >=, 2);
  g_assert_cmpuint (attempts, <=, 4);
  g_assert_cmpint (bd_sync_get_state (client->sync), ==, BD_SYNC_STATE_OFFLINE);
  g_assert_nonnull (bd_sync_get_last_error (client->sync));
  g_assert_cmpint (bd_store_count_outbox (client->store), ==, 1);
  bd_sync_stop (client->sync);

  server_start (server);
  bd_sync_set_server_url (client->sync, server->base);
  bd_sync_set_token (client->sync, server->token);
  bd_sync_start (client->sync, 1);
  for (i = 0; i < 50 && bd_store_count_outbox (client->store) > 0; i++)
    iterate_for (100);
  g_assert_cmpint (bd_store_count_outbox (client->store), ==, 0);
  bd_sync_stop (client->sync);

  client_free (client);
  server_free (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bd/sync/offline", test_offline);
  g_test_add_func ("/bd/sync/two-clients", test_two_clients);
  g_test_add_func ("/bd/sync/bad-token", test_bad_token);
  g_test_add_func ("/bd/sync/lost-response", test_lost_response);
  g_test_add_func ("/bd/sync/loop", test_loop);

  return g_test_run ();
}
