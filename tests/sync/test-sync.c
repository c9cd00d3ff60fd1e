/* test-sync.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The client's sync engine against a real bosai-central on a loopback
 * port with its own temporary database. */

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include <sqlite3.h>

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
  client_use_server (a, server);
  client_use_server (b, server);

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
  client_use_server (a, server);
  client_use_server (b, server);

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
  client_use_server (client, server);
  bd_sync_start (client->sync, 1);
  for (i = 0; i < 50 && bd_store_count_outbox (client->store) > 0; i++)
    iterate_for (100);
  g_assert_cmpint (bd_store_count_outbox (client->store), ==, 0);
  bd_sync_stop (client->sync);

  client_free (client);
  server_free (server);
}

/* Pulls the server's copy of @id into @client, then edits it there. */
static BdReport *
synced_copy (Client     *client,
             const char *id)
{
  g_autoptr(GError) error = NULL;
  BdReport *report;

  error = client_sync (client);
  g_assert_no_error (error);
  report = bd_store_get_report (client->store, id, &error);
  g_assert_no_error (error);
  return report;
}

/* Two clients edit the same report: fields changed on one side only
 * merge; the same field changed on both sides is a conflict with both
 * values kept, and settling it syncs. */
static void
test_concurrent_edits (void)
{
  Server *server = server_new ();
  Client *a = client_new ("a.sqlite");
  Client *b = client_new ("b.sqlite");
  g_autoptr(BdReport) report = make_report ("道路冠水", 34.70, 135.50);
  g_autoptr(BdReport) ra = NULL;
  g_autoptr(BdReport) rb = NULL;
  g_autoptr(BdReport) server_copy = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  BdConflict *conflict;

  server_start (server);
  client_use_server (a, server);
  client_use_server (b, server);

  g_assert_true (bd_store_save_report (a->store, report, "a", &error));
  id = g_strdup (bd_report_get_id (report));
  error = client_sync (a);
  g_assert_no_error (error);

  /* disjoint fields: A the severity, B the description */
  ra = synced_copy (a, id);
  rb = synced_copy (b, id);
  bd_report_set_severity (ra, 4);
  g_assert_true (bd_store_save_report (a->store, ra, "a", &error));
  bd_report_set_description (rb, "腰の高さまで冠水。通行止め。");
  g_assert_true (bd_store_save_report (b->store, rb, "b", &error));
  error = client_sync (a);
  g_assert_no_error (error);
  error = client_sync (b);   /* 412, merged silently, pushed again */
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count_conflicts (b->store), ==, 0);
  g_assert_cmpint (bd_store_count_outbox (b->store), ==, 0);
  error = client_sync (a);
  g_assert_no_error (error);
  g_clear_object (&ra);
  g_clear_object (&rb);
  ra = bd_store_get_report (a->store, id, &error);
  rb = bd_store_get_report (b->store, id, &error);
  g_assert_cmpint (bd_report_get_severity (ra), ==, 4);
  g_assert_cmpstr (bd_report_get_description (ra), ==, "腰の高さまで冠水。通行止め。");
  g_assert_cmpint (bd_report_get_severity (rb), ==, 4);
  g_assert_cmpstr (bd_report_get_description (rb), ==, "腰の高さまで冠水。通行止め。");
  assert_same_reports (a->store, b->store);

  /* the same field: both change the title, B also the status */
  bd_report_set_title (ra, "道路冠水（A の確認）");
  g_assert_true (bd_store_save_report (a->store, ra, "a", &error));
  bd_report_set_title (rb, "道路冠水（B の確認）");
  bd_report_set_status (rb, "confirmed");
  g_assert_true (bd_store_save_report (b->store, rb, "b", &error));
  error = client_sync (a);
  g_assert_no_error (error);
  error = client_sync (b);
  g_assert_no_error (error);

  conflicts = bd_store_list_conflicts (b->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conflicts->len, ==, 1);
  conflict = g_ptr_array_index (conflicts, 0);
  g_assert_cmpstr (conflict->report_id, ==, id);
  g_assert_cmpstr (conflict->field, ==, "title");
  g_assert_cmpint (bd_sync_get_conflicts (b->sync), ==, 1);
  /* both values are there to be shown: ours in the report, theirs in the
   * server copy; the outbox row waits, held back */
  g_clear_object (&rb);
  rb = bd_store_get_report (b->store, id, &error);
  g_assert_cmpstr (bd_report_get_title (rb), ==, "道路冠水（B の確認）");
  g_assert_cmpstr (bd_report_get_status (rb), ==, "confirmed");
  server_copy = bd_store_get_server_copy (b->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bd_report_get_title (server_copy), ==, "道路冠水（A の確認）");
  g_assert_cmpint (bd_store_count_outbox (b->store), ==, 1);
  error = client_sync (b);
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count_outbox (b->store), ==, 1);
  error = client_sync (a);
  g_assert_no_error (error);
  g_clear_object (&ra);
  ra = bd_store_get_report (a->store, id, &error);
  g_assert_cmpstr (bd_report_get_title (ra), ==, "道路冠水（A の確認）");
  g_assert_cmpstr (bd_report_get_status (ra), !=, "confirmed");

  /* B keeps its own title: it syncs, with the status merged in */
  g_assert_true (bd_store_settle_conflict (b->store, id, "title", BD_CONFLICT_KEEP_LOCAL,
                                           "b", &error));
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count_conflicts (b->store), ==, 0);
  error = client_sync (b);
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count_outbox (b->store), ==, 0);
  error = client_sync (a);
  g_assert_no_error (error);
  g_clear_object (&ra);
  ra = bd_store_get_report (a->store, id, &error);
  g_assert_cmpstr (bd_report_get_title (ra), ==, "道路冠水（B の確認）");
  g_assert_cmpstr (bd_report_get_status (ra), ==, "confirmed");
  assert_same_reports (a->store, b->store);

  /* once more, and this time B takes the server's value */
  g_clear_object (&rb);
  rb = bd_store_get_report (b->store, id, &error);
  bd_report_set_title (ra, "道路冠水 解消");
  g_assert_true (bd_store_save_report (a->store, ra, "a", &error));
  bd_report_set_title (rb, "道路冠水 継続");
  g_assert_true (bd_store_save_report (b->store, rb, "b", &error));
  error = client_sync (a);
  g_assert_no_error (error);
  error = client_sync (b);
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count_conflicts (b->store), ==, 1);
  g_assert_true (bd_store_settle_conflict (b->store, id, "title", BD_CONFLICT_TAKE_SERVER,
                                           "b", &error));
  g_assert_no_error (error);
  g_clear_object (&rb);
  rb = bd_store_get_report (b->store, id, &error);
  g_assert_cmpstr (bd_report_get_title (rb), ==, "道路冠水 解消");
  /* nothing of B's is left to push */
  g_assert_cmpint (bd_store_count_outbox (b->store), ==, 0);
  error = client_sync (b);
  g_assert_no_error (error);
  error = client_sync (a);
  g_assert_no_error (error);
  assert_same_reports (a->store, b->store);
  assert_same_reports (b->store, a->store);

  client_free (a);
  client_free (b);
  server_free (server);
}

/* Deleted here, edited there: a conflict on "deleted", not a silent loss. */
static void
test_delete_edit_conflict (void)
{
  Server *server = server_new ();
  Client *a = client_new ("a.sqlite");
  Client *b = client_new ("b.sqlite");
  g_autoptr(BdReport) report = make_report ("倒木", 34.70, 135.50);
  g_autoptr(BdReport) rb = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  server_start (server);
  client_use_server (a, server);
  client_use_server (b, server);
  g_assert_true (bd_store_save_report (a->store, report, "a", &error));
  id = g_strdup (bd_report_get_id (report));
  error = client_sync (a);
  g_assert_no_error (error);
  rb = synced_copy (b, id);

  g_assert_true (bd_store_delete_report (a->store, id, "a", &error));
  bd_report_set_description (rb, "撤去作業中");
  g_assert_true (bd_store_save_report (b->store, rb, "b", &error));
  error = client_sync (a);
  g_assert_no_error (error);
  error = client_sync (b);
  g_assert_no_error (error);
  conflicts = bd_store_list_conflicts (b->store, id, &error);
  g_assert_cmpuint (conflicts->len, ==, 1);
  g_assert_cmpstr (((BdConflict *) g_ptr_array_index (conflicts, 0))->field, ==, "deleted");
  /* B's edit is still there, live */
  g_clear_object (&rb);
  rb = bd_store_get_report (b->store, id, &error);
  g_assert_false (bd_report_get_deleted (rb));
  g_assert_cmpstr (bd_report_get_description (rb), ==, "撤去作業中");

  /* B keeps it: the report comes back on the server, with B's edit */
  g_assert_true (bd_store_settle_conflict (b->store, id, "deleted", BD_CONFLICT_KEEP_LOCAL,
                                           "b", &error));
  error = client_sync (b);
  g_assert_no_error (error);
  error = client_sync (a);
  g_assert_no_error (error);
  g_clear_object (&rb);
  rb = bd_store_get_report (a->store, id, &error);
  g_assert_false (bd_report_get_deleted (rb));
  g_assert_cmpstr (bd_report_get_description (rb), ==, "撤去作業中");
  assert_same_reports (a->store, b->store);

  client_free (a);
  client_free (b);
  server_free (server);
}

/* A photo goes up before the report that names it; the server refuses a
 * report naming a photo it does not hold. */
static void
test_photos (void)
{
  static const guint8 png[] = {
    0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
    0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89,
  };
  Server *server = server_new ();
  Client *a = client_new ("a.sqlite");
  Client *b = client_new ("b.sqlite");
  g_autoptr(BdReport) report = make_report ("家屋倒壊", 34.70, 135.50);
  g_autoptr(BdReport) pulled = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new_static (png, sizeof png);
  g_autoptr(GError) error = NULL;
  g_autofree char *sha256 = NULL;
  g_autoptr(GVariant) attachments = NULL;
  GVariantBuilder builder;

  server_start (server);
  client_use_server (a, server);
  client_use_server (b, server);

  sha256 = bd_store_add_attachment (a->store, bytes, "image/png", &error);
  g_assert_no_error (error);
  {
    g_autofree char *expected = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
    g_assert_cmpstr (sha256, ==, expected);
  }
  g_assert_true (bd_store_attachment_needs_upload (a->store, sha256));
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sss)"));
  g_variant_builder_add (&builder, "(sss)", sha256, "image/png", "倒壊.png");
  bd_report_set_attachments (report, g_variant_builder_end (&builder));
  g_assert_true (bd_store_save_report (a->store, report, "a", &error));

  /* B names a photo it never had: refused (409), kept in the outbox */
  {
    g_autoptr(BdReport) other = make_report ("偽の写真", 34.71, 135.51);
    GVariantBuilder b2;

    g_variant_builder_init (&b2, G_VARIANT_TYPE ("a(sss)"));
    g_variant_builder_add (&b2, "(sss)",
                           "0000000000000000000000000000000000000000000000000000000000000000",
                           "image/jpeg", "x.jpg");
    bd_report_set_attachments (other, g_variant_builder_end (&b2));
    g_assert_true (bd_store_save_report (b->store, other, "b", &error));
    error = client_sync (b);
    g_assert_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_REFUSED);
    g_assert_nonnull (strstr (error->message, "409"));
    g_clear_error (&error);
    g_assert_cmpint (bd_store_count_outbox (b->store), ==, 1);
  }

  error = client_sync (a);
  g_assert_no_error (error);
  g_assert_false (bd_store_attachment_needs_upload (a->store, sha256));

  /* the server holds the very bytes */
  {
    g_autoptr(SoupSession) session = soup_session_new ();
    g_autofree char *url = g_strdup_printf ("%sattachments/%s", server->base, sha256);
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
    g_autofree char *auth = g_strdup_printf ("Bearer %s", server->token);
    g_autoptr(GBytes) got = NULL;

    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    got = soup_session_send_and_read (session, msg, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
    g_assert_true (g_bytes_equal (got, bytes));
  }

  error = client_sync (b);   /* B's bad report is still refused */
  g_clear_error (&error);
  pulled = bd_store_get_report (b->store, bd_report_get_id (report), &error);
  g_assert_no_error (error);
  attachments = bd_report_get_attachments (pulled);
  g_assert_cmpuint (g_variant_n_children (attachments), ==, 1);

  /* …and B fetched A's photo after the pull: it holds the very bytes, as
   * already on the server (nothing to upload again) */
  {
    g_autoptr(GBytes) held = bd_store_get_attachment (b->store, sha256, NULL, &error);
    g_auto(GStrv) wanted = bd_store_list_wanted_attachments (b->store, 10, &error);

    g_assert_no_error (error);
    g_assert_true (g_bytes_equal (held, bytes));
    g_assert_false (bd_store_attachment_needs_upload (b->store, sha256));
    g_assert_cmpuint (g_strv_length (wanted), ==, 0);
  }

  /* bytes that do not hash to the name are refused */
  {
    g_autoptr(GBytes) wrong = g_bytes_new_static ("not the photo", 13);

    g_assert_false (bd_store_add_downloaded_attachment (b->store, sha256, wrong, "image/png",
                                                        &error));
    g_assert_error (error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID);
    g_clear_error (&error);
  }

  client_free (a);
  client_free (b);
  server_free (server);
}

/* A photo whose bytes are not a type the server takes (a GIF, stored
 * under a photo type): the server answers 415. That refuses the report
 * naming it, with the server's own words, once a run: the run goes on
 * with the other reports, and the client stays online. */
static void
test_photo_refused_type (void)
{
  static const guint8 gif[] = {
    'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0,
    0xff, 0xff, 0xff, '!', 0xf9, 4, 1, 0, 0, 0, 0, ',', 0, 0, 0, 0,
    1, 0, 1, 0, 0, 2, 2, 'D', 1, 0, ';',
  };
  Server *server = server_new ();
  Client *a = client_new ("a.sqlite");
  g_autoptr(BdReport) with_gif = make_report ("写真付き", 34.70, 135.50);
  g_autoptr(BdReport) plain = make_report ("道路冠水", 34.71, 135.51);
  g_autoptr(BdReport) pushed = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new_static (gif, sizeof gif);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autofree char *sha256 = NULL;
  BdOutboxEntry *entry;
  GVariantBuilder builder;
  guint run;

  server_start (server);
  client_use_server (a, server);

  /* This version's store refuses it too (bd-media.h); an older one kept
   * any image, so the row is written as that version wrote it. */
  g_assert_null (bd_store_add_attachment (a->store, bytes, "image/png", &error));
  g_assert_error (error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  {
    sqlite3 *db = _bd_store_get_connection (a->store);
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO attachments (sha256, media_type, data)"
                                             " VALUES (?1, 'image/png', ?2)", -1, &stmt, NULL),
                     ==, SQLITE_OK);
    sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_STATIC);
    sqlite3_bind_blob (stmt, 2, gif, sizeof gif, SQLITE_STATIC);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
    sqlite3_finalize (stmt);
  }
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sss)"));
  g_variant_builder_add (&builder, "(sss)", sha256, "image/png", "動く.png");
  bd_report_set_attachments (with_gif, g_variant_builder_end (&builder));
  g_assert_true (bd_store_save_report (a->store, with_gif, "a", &error));
  g_assert_true (bd_store_save_report (a->store, plain, "a", &error));
  g_assert_no_error (error);

  for (run = 0; run < 2; run++)
    {
      error = client_sync (a);
      g_assert_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_REFUSED);
      g_assert_nonnull (strstr (error->message, "(415)"));
      g_clear_error (&error);
      g_assert_cmpint (bd_sync_get_state (a->sync), ==, BD_SYNC_STATE_ONLINE);

      /* the photo's report waits, with the server's reason in its words… */
      outbox = bd_store_list_outbox (a->store, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (outbox->len, ==, 1);
      entry = g_ptr_array_index (outbox, 0);
      g_assert_cmpstr (entry->report_id, ==, bd_report_get_id (with_gif));
      g_assert_nonnull (entry->error);
      g_assert_nonnull (strstr (entry->error, "(415): The body is not a JPEG, PNG, WebP or HEIC"));
      g_assert_null (strstr (entry->error, "\"code\""));
      g_clear_pointer (&outbox, g_ptr_array_unref);
      g_assert_true (bd_store_attachment_needs_upload (a->store, sha256));

      /* …and the other report went through */
      pushed = bd_store_get_report (a->store, bd_report_get_id (plain), &error);
      g_assert_no_error (error);
      g_assert_cmpint (bd_report_get_rev (pushed), >, 0);
      g_clear_object (&pushed);
    }

  client_free (a);
  server_free (server);
}

typedef struct
{
  Server *server;
  Client *client;
  gint64  start_outbox;
  gboolean killed;
} KillData;

static void
on_pending (GObject    *object,
            GParamSpec *pspec,
            gpointer    user_data)
{
  KillData *kd = user_data;

  /* a third of the way through the push */
  if (!kd->killed && bd_store_count_outbox (kd->client->store) <= kd->start_outbox * 2 / 3)
    {
      kd->killed = TRUE;
      server_stop (kd->server);
    }
}

/* The server is SIGKILLed in the middle of a push: the client goes
 * offline, keeps what is not acknowledged, and once the server is back it
 * catches up: nothing lost, nothing doubled. */
static void
test_server_killed (void)
{
  Server *server = server_new ();
  Client *a = client_new ("a.sqlite");
  Client *fresh = client_new ("fresh.sqlite");
  g_autoptr(GError) error = NULL;
  KillData kd = { server, a, 0, FALSE };
  gulong handler;
  int i;

  for (i = 0; i < 300; i++)
    {
      g_autofree char *title = g_strdup_printf ("停電 %d", i);
      g_autoptr(BdReport) report = make_report (title, 34.60 + i * 0.0005, 135.45);

      g_assert_true (bd_store_save_report (a->store, report, "a", &error));
    }
  kd.start_outbox = bd_store_count_outbox (a->store);

  server_start (server);
  client_use_server (a, server);
  handler = g_signal_connect (a->sync, "notify::pending", G_CALLBACK (on_pending), &kd);
  error = client_sync (a);
  g_signal_handler_disconnect (a->sync, handler);
  g_assert_true (kd.killed);
  g_assert_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_UNREACHABLE);
  g_clear_error (&error);
  g_assert_cmpint (bd_sync_get_state (a->sync), ==, BD_SYNC_STATE_OFFLINE);
  g_assert_cmpint (bd_store_count_outbox (a->store), >, 0);
  g_assert_cmpint (bd_store_count_outbox (a->store), <, kd.start_outbox);

  /* the same port, the same database */
  server_start (server);
  error = client_sync (a);
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count_outbox (a->store), ==, 0);
  g_assert_cmpint (bd_store_count (a->store), ==, 300);

  client_use_server (fresh, server);
  error = client_sync (fresh);
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count (fresh->store), ==, 300);
  assert_same_reports (a->store, fresh->store);
  assert_same_reports (fresh->store, a->store);

  client_free (a);
  client_free (fresh);
  server_free (server);
}

/* A self-signed certificate the client is never told to trust (made with
 * openssl req -x509 for this test only). */
static const char untrusted_pem[] =
  "-----BEGIN CERTIFICATE-----\n"
  "MIIDCzCCAfOgAwIBAgIUF17SGsh2F3DLoZRcwBzovah5BBcwDQYJKoZIhvcNAQEL\n"
  "BQAwFDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTEyNzAyMjY0OFoYDzIxMjYx\n"
  "MTAzMDIyNjQ4WjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwggEiMA0GCSqGSIb3DQEB\n"
  "AQUAA4IBDwAwggEKAoIBAQC0Q5ZP6o4Sk8PgP2h/CRWtdAUdQzntbLYHK5wS1QM2\n"
  "FKblSEaDCdjsj7FVL8beQ6tSxaTTq9idnHjBIlLxnpYzgDGQAhbrTD2sbCmZuzuQ\n"
  "hPXquJLo9SVpJQAdRbnyAFwZo1ahY9j7eag8kFI/uNmu9jPlYN7wYn+xtBJhZhDC\n"
  "LJnIB9+B4VspoDy2f6cczr86ZB7F+zhElgyZaTEcUyEurrR4fuWtRBBQ3pcsuhIW\n"
  "BdWt+kpmDzr3tqLKXQWUcRu4HdXBvY6J48jTjjSq+6/1OyNQCY7MuAv+J4GRjGyU\n"
  "7Z3SKcPpaZ78gd7ohwrX9VQR9UhPXCJUU56Q9OMqjWbvAgMBAAGjUzBRMB0GA1Ud\n"
  "DgQWBBSQI0pFvySOGsTObGfKvb3v+iaSwTAfBgNVHSMEGDAWgBSQI0pFvySOGsTO\n"
  "bGfKvb3v+iaSwTAPBgNVHRMBAf8EBTADAQH/MA0GCSqGSIb3DQEBCwUAA4IBAQBa\n"
  "V9rSzB0hv4FgUqbUZKY4sjwvN89CiKWu7mHUrkSznA94yfKdA+OPT2ifVJwKrEf0\n"
  "fDlYlsnsWXcBhufJIcStPbV19+F16jDA+nMgckXNTHRnijIhoUA7Oy26MVOVPZml\n"
  "jlCEctwvuASO5pqz+YlPsM8hODJFBkWm0rfQCnmVzaGld9meBIOAcRpgKCAkP7Op\n"
  "icImjgu0+VyxPT/VeOxg0pgq9s3KBY2l0kc6EmBbcSBDCaWVN3X4tcFgzSu/46n3\n"
  "f8P4Ya5NB4qPP6RM+HfsMDKetwGhqn4ccGkj/6rQstv7w16OfF/Y6IzDcw4PbVtd\n"
  "1+lq0/dAvueNkIhdVQuE\n"
  "-----END CERTIFICATE-----\n"
  "-----BEGIN PRIVATE KEY-----\n"
  "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC0Q5ZP6o4Sk8Pg\n"
  "P2h/CRWtdAUdQzntbLYHK5wS1QM2FKblSEaDCdjsj7FVL8beQ6tSxaTTq9idnHjB\n"
  "IlLxnpYzgDGQAhbrTD2sbCmZuzuQhPXquJLo9SVpJQAdRbnyAFwZo1ahY9j7eag8\n"
  "kFI/uNmu9jPlYN7wYn+xtBJhZhDCLJnIB9+B4VspoDy2f6cczr86ZB7F+zhElgyZ\n"
  "aTEcUyEurrR4fuWtRBBQ3pcsuhIWBdWt+kpmDzr3tqLKXQWUcRu4HdXBvY6J48jT\n"
  "jjSq+6/1OyNQCY7MuAv+J4GRjGyU7Z3SKcPpaZ78gd7ohwrX9VQR9UhPXCJUU56Q\n"
  "9OMqjWbvAgMBAAECggEAVaOSYo8dRegbc4rMOyX2vXvT/i309D3kUI3ATRYTu3qe\n"
  "O2lVzmU8QE6Xwc+729YsK1uoTcNjWqV+nMqQuydLVlY9tZu4hbqnxiVwsg9IYgU4\n"
  "y3U6nh/w0P36Cu4YQ8c1+hwmSPAlonsOmQ87c/h+umdPClc2Mt+oqKTS4qDZr1Uw\n"
  "rWJYnsfF+I1FUcuU6TFaCmHz7YOWj3P9DF94uj9GTdXWWu5pkXjvZRSKPOemiZgq\n"
  "LkVRxyTT8tNKlb5Sfbu8bknY79lhTRR9mErboOv4w4b0Azpt3fzl0ppV18D2DuQW\n"
  "HQSJ2SrpL8BZU02Tdv4d9b/H7EY4PAtld60oXRwf8QKBgQD5Rn4OCOBi0VWT2NVP\n"
  "CTzsmPFnKoqdl75K3/AgAB0zPlCUmc10r4hCGjDx8OCEa3iGzygSwjsL8JjCDMRi\n"
  "ZbG2XSIM8ujtxE4Nx3z135U2kouUN6kz/iLrCApdDC+k3uCm0Rr4UKtu4/9mNdAu\n"
  "uCcV4H8HvEx3EI6+a0y34bfyhwKBgQC5IH/DLFHc2u7gKPc1SB2sWZoh1b1ZowM/\n"
  "lGLh4kS1YqXN+Ep6aBWaFZesRs+eBK242go3/3gaFJD8cweDPRoR00XbXB6HR263\n"
  "/YCEi7bGe0Ox6CH89GYMts0YZo4jz1Md/CkCSySqzJ0iuIc68Erq3JolJQFPCq09\n"
  "l6t5Xny6WQKBgA1pU4Lhy2DFrnsD4YYdEyAPon1QdqC/90cEAWFXYDrPkXpNRBaR\n"
  "Ex2rVxLNSOcW+ScXoipQNOkRisZ19WLt4b/UBu73arzQIPrwzrJT0y1aeRQCYqIf\n"
  "fDV0+0nCTBXsv915xp+xh2ex8J3JK2g4FDJDH9KEuQB27ZclIr2J8WGlAoGBAJbR\n"
  "OiS3441IsxjdZt/6e2ogqSftaFAxNIFEkvYxDwaych+Fqq9kQk0AUEtieNvkNd8F\n"
  "ixOpxZ+Bp8hysekiCy4Ab8XQm3JcKIAuPtg8tk+mtjSmx6G7PbQX7Kh3TE8yJSWl\n"
  "e4dJznpzLYTOziSfBHmn9NBUAGfza8Vk3aaH6pcpAoGAOQ8CXqWDphRWxrAg7ZSC\n"
  "8wNGN7LkJ2jLXSryXy2Ke4DVCTvjNOq3ZxawiQD2f+ojnO5DiBazr4ZJS2oJKrex\n"
  "bcBGIeYh0y3MukJD/s9yTfWjGVivSi5O2HgYn/WOqDLUrm9eVnBIZDkBP086HyW4\n"
  "5UKzCvvKOJ2L+lPcWg+E/QM=\n"
  "-----END PRIVATE KEY-----\n";

static void
on_garbage (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  static const char body[] = "{\"type\": \"Feature\", \"id\": ";   /* cut short */

  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/geo+json", SOUP_MEMORY_STATIC,
                                    body, strlen (body));
}

/* 6 MB of answer: with a Content-Length, or chunked without one. */
static void
on_huge (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  gboolean chunked = GPOINTER_TO_INT (user_data);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  g_autofree char *block = g_strnfill (64 * 1024, ' ');

  soup_server_message_set_status (msg, 200, NULL);
  soup_message_headers_set_content_type (headers, "application/geo+json", NULL);
  if (chunked)
    soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  for (int i = 0; i < 96; i++)
    soup_message_body_append (body, SOUP_MEMORY_COPY, block, strlen (block));
  if (chunked)
    soup_message_body_complete (body);
}

static void
assert_offline_keeps (Client     *client,
                      const char *url,
                      gint64      outbox)
{
  g_autoptr(GError) error = NULL;

  bd_sync_set_server_url (client->sync, url);
  error = client_sync (client);
  g_assert_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_UNREACHABLE);
  g_test_message ("%s: %s", url, error->message);
  g_assert_cmpint (bd_sync_get_state (client->sync), ==, BD_SYNC_STATE_OFFLINE);
  g_assert_cmpint (bd_store_count_outbox (client->store), ==, outbox);
}

/* DNS failure, TLS failure, a server that never answers, a malformed or
 * oversized body: offline,
 * and every local change kept. */
static void
test_faults_misc (void)
{
  Server *server = server_new ();
  Client *client = client_new ("a.sqlite");
  g_autoptr(BdReport) report = make_report ("冠水", 34.70, 135.50);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketListener) silent = g_socket_listener_new ();
  g_autoptr(SoupServer) garbage = soup_server_new (NULL, NULL);
  g_autoptr(SoupServer) tls = NULL;
  g_autoptr(GSList) uris = NULL;
  g_autofree char *https = NULL;
  g_autofree char *silent_url = NULL;
  g_autofree char *garbage_url = NULL;
  guint16 port;

  g_assert_true (bd_store_save_report (client->store, report, "test", &error));
  server_start (server);
  bd_sync_set_token (client->sync, server->token);

  /* a name that cannot resolve (RFC 6761 reserves .invalid) */
  bd_sync_set_timeout (client->sync, 5);
  assert_offline_keeps (client, "http://bosai-central.invalid/", 1);

  /* TLS with a certificate nobody trusts: the handshake fails */
  {
    g_autoptr(GTlsCertificate) cert = g_tls_certificate_new_from_pem (untrusted_pem, -1, &error);

    g_assert_no_error (error);
    tls = soup_server_new ("tls-certificate", cert, NULL);
    soup_server_add_handler (tls, NULL, on_garbage, NULL, NULL);
    soup_server_listen_local (tls, 0, SOUP_SERVER_LISTEN_IPV4_ONLY | SOUP_SERVER_LISTEN_HTTPS,
                              &error);
    g_assert_no_error (error);
    uris = soup_server_get_uris (tls);
    https = g_uri_to_string (uris->data);
    g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
  }
  bd_sync_set_timeout (client->sync, 5);
  assert_offline_keeps (client, https, 1);
  g_assert_nonnull (strstr (bd_sync_get_last_error (client->sync), "TLS"));

  /* accepts the connection, never answers: the timeout */
  port = g_socket_listener_add_any_inet_port (silent, NULL, &error);
  g_assert_no_error (error);
  silent_url = g_strdup_printf ("http://127.0.0.1:%u/", port);
  bd_sync_set_timeout (client->sync, 1);
  assert_offline_keeps (client, silent_url, 1);

  /* a body cut short */
  soup_server_add_handler (garbage, NULL, on_garbage, NULL, NULL);
  soup_server_listen_local (garbage, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (garbage);
  garbage_url = g_uri_to_string (uris->data);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
  assert_offline_keeps (client, garbage_url, 1);

  /* an answer far larger than a feature: refused, not read into memory */
  for (int chunked = 0; chunked <= 1; chunked++)
    {
      g_autoptr(SoupServer) huge = soup_server_new (NULL, NULL);
      g_autofree char *huge_url = NULL;

      soup_server_add_handler (huge, NULL, on_huge, GINT_TO_POINTER (chunked), NULL);
      soup_server_listen_local (huge, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
      g_assert_no_error (error);
      uris = soup_server_get_uris (huge);
      huge_url = g_uri_to_string (uris->data);
      g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
      assert_offline_keeps (client, huge_url, 1);
      g_assert_nonnull (strstr (bd_sync_get_last_error (client->sync), "MB"));
      soup_server_disconnect (huge);
    }

  /* and the real server takes it all */
  bd_sync_set_server_url (client->sync, server->base);
  error = client_sync (client);
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count_outbox (client->store), ==, 0);

  soup_server_disconnect (tls);
  soup_server_disconnect (garbage);
  client_free (client);
  server_free (server);
}

/* With the loop running, a local edit goes out within seconds, not at the
 * next interval; stopping cancels without calling the server unreachable. */
static void
test_push_soon (void)
{
  Server *server = server_new ();
  Client *client = client_new ("a.sqlite");
  g_autoptr(BdReport) report = make_report ("火災", 34.70, 135.50);
  g_autoptr(GError) error = NULL;
  int i;

  server_start (server);
  client_use_server (client, server);
  bd_sync_start (client->sync, 3600);
  for (i = 0; i < 50 && bd_sync_get_state (client->sync) != BD_SYNC_STATE_ONLINE; i++)
    iterate_for (100);
  g_assert_cmpint (bd_sync_get_state (client->sync), ==, BD_SYNC_STATE_ONLINE);

  g_assert_true (bd_store_save_report (client->store, report, "test", &error));
  g_assert_cmpint (bd_store_count_outbox (client->store), ==, 1);
  for (i = 0; i < 50 && bd_store_count_outbox (client->store) > 0; i++)
    iterate_for (100);
  g_assert_cmpint (bd_store_count_outbox (client->store), ==, 0);

  bd_sync_sync_now (client->sync);
  bd_sync_stop (client->sync);
  iterate_for (300);
  g_assert_cmpint (bd_sync_get_state (client->sync), ==, BD_SYNC_STATE_ONLINE);
  g_assert_null (bd_sync_get_last_error (client->sync));

  client_free (client);
  server_free (server);
}

static void
on_feed (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  const char *page = user_data;

  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/geo+json", SOUP_MEMORY_COPY,
                                    page, strlen (page));
}

/* A feature this client cannot take (a category it does not know, a
 * malformed one) is kept aside as it came; the rest of the feed goes on. */
static void
test_rejected_features (void)
{
  Client *client = client_new ("a.sqlite");
  g_autoptr(BdReport) good = make_report ("停電", 34.70, 135.50);
  g_autoptr(BdReport) unknown = NULL;
  g_autoptr(SoupServer) feed = soup_server_new (NULL, NULL);
  g_autoptr(GSList) uris = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *good_json = NULL;
  g_autofree char *unknown_json = NULL;
  g_autofree char *page = NULL;
  g_autofree char *url = NULL;
  g_autofree char *cursor = NULL;

  bd_report_set_id (good, "a0000000-0000-4000-8000-000000000001");
  bd_report_set_rev (good, 1);
  bd_report_set_seq (good, 1);
  unknown = bd_report_copy (good);
  bd_report_set_id (unknown, "a0000000-0000-4000-8000-000000000002");
  bd_report_set_category (unknown, "meteorite");
  bd_report_set_seq (unknown, 2);
  good_json = bd_report_to_geojson (good);
  unknown_json = bd_report_to_geojson (unknown);
  page = g_strdup_printf ("{\"type\":\"FeatureCollection\",\"features\":[%s,%s,"
                          "{\"type\":\"Feature\",\"id\":\"a0000000-0000-4000-8000-000000000003\","
                          "\"geometry\":null,\"properties\":{\"seq\":3,\"severity\":\"very\"}}],"
                          "\"next_since_seq\":3,\"numberReturned\":3}",
                          good_json, unknown_json);

  soup_server_add_handler (feed, NULL, on_feed, page, NULL);
  soup_server_listen_local (feed, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (feed);
  url = g_uri_to_string (uris->data);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);

  bd_sync_set_server_url (client->sync, url);
  error = client_sync (client);
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count (client->store), ==, 1);
  g_assert_cmpint (bd_store_count_rejected (client->store), ==, 2);
  g_assert_true (bd_store_read_sync_state (client->store, "cursor", &cursor, NULL));
  g_assert_cmpstr (cursor, ==, "3");

  /* the same page again: kept aside once, not twice */
  bd_store_set_sync_state (client->store, "cursor", "0", &error);
  error = client_sync (client);
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count_rejected (client->store), ==, 2);

  soup_server_disconnect (feed);
  client_free (client);
}

/* The change of a history row for @field, or NULL. */
static BdHistoryChange *
find_change (BdHistoryEntry *entry,
             const char     *field)
{
  for (guint i = 0; entry->changes != NULL && i < entry->changes->len; i++)
    {
      BdHistoryChange *change = g_ptr_array_index (entry->changes, i);

      if (g_str_equal (change->field, field))
        return change;
    }
  return NULL;
}

static void
assert_change (BdHistoryEntry *entry,
               const char     *field,
               const char     *old_value,
               const char     *new_value)
{
  BdHistoryChange *change = find_change (entry, field);

  g_assert_nonnull (change);
  if (old_value == NULL)
    g_assert_true (JSON_NODE_HOLDS_NULL (change->old_value));
  else
    g_assert_cmpstr (json_node_get_string (change->old_value), ==, old_value);
  if (new_value == NULL)
    g_assert_true (JSON_NODE_HOLDS_NULL (change->new_value));
  else
    g_assert_cmpstr (json_node_get_string (change->new_value), ==, new_value);
}

/* Issue 12: what arrives from the server is in the history too, with old
 * and new values: a pulled create, a pulled edit of status and department
 * (made on another desk), and a 412 merged here. The workflow rule never
 * refuses what the server sends (a move a person could not make here:
 * resolved straight from new, by a server-side edit). */
static void
test_history_pulled (void)
{
  Server *server = server_new ();
  Client *a = client_new ("a.sqlite");
  Client *b = client_new ("b.sqlite");
  g_autoptr(BdReport) report = make_report ("淀川 河川敷 冠水", 34.72, 135.48);
  g_autoptr(BdReport) original = NULL;
  g_autoptr(BdReport) edited = NULL;
  g_autoptr(BdReport) mine = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = g_strdup (bd_report_get_id (report));
  BdHistoryEntry *last;

  server_start (server);
  client_use_server (a, server);
  client_use_server (b, server);

  g_assert_true (bd_store_save_report (a->store, report, "a", &error));
  g_assert_no_error (error);
  g_assert_no_error (client_sync (a));
  g_assert_no_error (client_sync (b));

  /* B's history: the create, pulled, with every content field new */
  history = bd_store_list_history (b->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 1);
  last = g_ptr_array_index (history, 0);
  g_assert_cmpstr (last->op, ==, "pull");
  g_assert_cmpstr (last->actor, ==, "北区役所 防災担当");
  assert_change (last, "title", NULL, "淀川 河川敷 冠水");
  assert_change (last, "status", NULL, "new");
  assert_change (last, "department", NULL, NULL);
  g_clear_pointer (&history, g_ptr_array_unref);

  /* A confirms it and assigns it to the construction bureau */
  original = bd_store_get_report (a->store, id, &error);
  g_assert_no_error (error);
  edited = bd_report_copy (original);
  bd_report_set_status (edited, "confirmed");
  bd_report_set_department (edited, "construction");
  g_assert_true (bd_store_save_report_over (a->store, original, edited, "a", NULL, &error));
  g_assert_no_error (error);
  g_assert_no_error (client_sync (a));
  g_assert_no_error (client_sync (b));

  history = bd_store_list_history (b->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 2);
  last = g_ptr_array_index (history, 1);
  g_assert_cmpstr (last->op, ==, "pull");
  g_assert_cmpuint (g_strv_length (last->fields), ==, 2);
  assert_change (last, "status", "new", "confirmed");
  assert_change (last, "department", NULL, "construction");
  g_assert_null (find_change (last, "title"));
  g_clear_pointer (&history, g_ptr_array_unref);

  /* B edits the description offline while A moves the department on: B's
   * push meets a newer revision, and the merge brings A's department */
  mine = bd_store_get_report (b->store, id, &error);
  g_assert_no_error (error);
  bd_report_set_description (mine, "水が引き始めた。");
  g_assert_true (bd_store_save_report (b->store, mine, "b", &error));
  g_assert_no_error (error);
  g_clear_object (&original);
  g_clear_object (&edited);
  original = bd_store_get_report (a->store, id, &error);
  edited = bd_report_copy (original);
  bd_report_set_department (edited, "ward_office");
  g_assert_true (bd_store_save_report_over (a->store, original, edited, "a", NULL, &error));
  g_assert_no_error (error);
  g_assert_no_error (client_sync (a));
  g_assert_no_error (client_sync (b));

  history = bd_store_list_history (b->store, id, &error);
  g_assert_no_error (error);
  {
    gboolean merged = FALSE;

    for (guint i = 0; i < history->len; i++)
      {
        BdHistoryEntry *entry = g_ptr_array_index (history, i);

        if (g_str_equal (entry->op, "merge"))
          {
            assert_change (entry, "department", "construction", "ward_office");
            g_assert_null (find_change (entry, "description"));
            merged = TRUE;
          }
      }
    g_assert_true (merged);
  }
  /* B's own edit is there as B made it */
  last = NULL;
  for (guint i = 0; i < history->len; i++)
    if (g_str_equal (((BdHistoryEntry *) g_ptr_array_index (history, i))->op, "update"))
      last = g_ptr_array_index (history, i);
  g_assert_nonnull (last);
  g_assert_cmpstr (last->actor, ==, "b");
  assert_change (last, "description", "現地確認中。", "水が引き始めた。");

  /* the rule is for people: confirmed → resolved skips a step and the
   * editor's save refuses it, but when another desk's copy arrives that
   * way (here written by A's plain save, as an import would), B takes it */
  g_clear_object (&original);
  g_clear_object (&edited);
  original = bd_store_get_report (a->store, id, &error);
  edited = bd_report_copy (original);
  bd_report_set_status (edited, "resolved");
  g_assert_false (bd_store_save_report_over (a->store, original, edited, "a", NULL, &error));
  g_assert_error (error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (bd_store_save_report (a->store, edited, "import", &error));
  g_assert_no_error (error);
  g_assert_no_error (client_sync (a));
  g_assert_no_error (client_sync (b));
  g_clear_object (&mine);
  mine = bd_store_get_report (b->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bd_report_get_status (mine), ==, "resolved");
  g_assert_cmpstr (bd_report_get_department (mine), ==, "ward_office");
  g_clear_pointer (&history, g_ptr_array_unref);
  history = bd_store_list_history (b->store, id, &error);
  last = g_ptr_array_index (history, history->len - 1);
  g_assert_cmpstr (last->op, ==, "pull");
  assert_change (last, "status", "confirmed", "resolved");
  g_clear_pointer (&history, g_ptr_array_unref);

  client_free (a);
  client_free (b);
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
  g_test_add_func ("/bd/sync/concurrent-edits", test_concurrent_edits);
  g_test_add_func ("/bd/sync/delete-edit-conflict", test_delete_edit_conflict);
  g_test_add_func ("/bd/sync/photos", test_photos);
  g_test_add_func ("/bd/sync/photo-refused-type", test_photo_refused_type);
  g_test_add_func ("/bd/sync/server-killed", test_server_killed);
  g_test_add_func ("/bd/sync/faults-misc", test_faults_misc);
  g_test_add_func ("/bd/sync/push-soon", test_push_soon);
  g_test_add_func ("/bd/sync/rejected-features", test_rejected_features);
  g_test_add_func ("/bd/sync/history-pulled", test_history_pulled);

  return g_test_run ();
}
