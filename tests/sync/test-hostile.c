/* test-hostile.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The sync engine against a hostile server (a SoupServer in the test):
 * answers that must end the run with a clear error, never crash it, and
 * lose nothing. */

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "sync-harness.h"

#define NESTING 100000

typedef struct
{
  SoupServer *server;
  char       *url;
  char       *page;    /* what the change feed answers */
  guint       pushes;
  guint       pulls;
  /* run on the client's database as a push arrives, and as the feed is
   * asked for: a fault that lasts from the push's answer to the pull */
  Client     *client;
  const char *on_push_sql;
  const char *on_pull_sql;
  /* when set, a PUT is refused (422) with this body */
  GBytes     *refusal;
} Hostile;

/* A PUT is taken as the server would (rev 1); a GET of the feed gets
 * hostile->page. */
static void
on_request (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  Hostile *hostile = user_data;
  const char *method = soup_server_message_get_method (msg);

  if (strcmp (method, "PUT") == 0 && hostile->refusal != NULL)
    {
      gsize size;
      const char *data = g_bytes_get_data (hostile->refusal, &size);

      hostile->pushes++;
      soup_server_message_set_status (msg, 422, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, data, size);
      return;
    }
  if (strcmp (method, "PUT") == 0 &&
      g_str_has_prefix (path, "/collections/reports/items/"))
    {
      SoupMessageBody *body = soup_server_message_get_request_body (msg);
      g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
      g_autoptr(BdReport) report = NULL;
      g_autofree char *answer = NULL;

      report = bd_report_new_from_geojson (g_bytes_get_data (bytes, NULL),
                                           g_bytes_get_size (bytes), NULL);
      g_assert_nonnull (report);
      bd_report_set_rev (report, 1);
      bd_report_set_seq (report, 1);
      answer = bd_report_to_geojson (report);
      hostile->pushes++;
      if (hostile->on_push_sql != NULL)
        client_exec (hostile->client, hostile->on_push_sql);
      soup_server_message_set_status (msg, 201, NULL);
      soup_server_message_set_response (msg, "application/geo+json", SOUP_MEMORY_COPY,
                                        answer, strlen (answer));
      return;
    }
  if (strcmp (method, "GET") == 0 && strcmp (path, "/collections/reports/items") == 0)
    {
      hostile->pulls++;
      if (hostile->on_pull_sql != NULL)
        client_exec (hostile->client, hostile->on_pull_sql);
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/geo+json", SOUP_MEMORY_COPY,
                                        hostile->page, strlen (hostile->page));
      return;
    }
  soup_server_message_set_status (msg, 404, NULL);
}

static Hostile *
hostile_new (char *page)
{
  Hostile *hostile = g_new0 (Hostile, 1);
  g_autoptr(GSList) uris = NULL;
  g_autoptr(GError) error = NULL;

  hostile->page = page;
  hostile->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (hostile->server, NULL, on_request, hostile, NULL);
  soup_server_listen_local (hostile->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (hostile->server);
  hostile->url = g_uri_to_string (uris->data);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
  return hostile;
}

/* After the clients are gone: the server sees their connections close. */
static void
hostile_free (Hostile *hostile)
{
  iterate_for (50);
  soup_server_disconnect (hostile->server);
  g_clear_object (&hostile->server);
  g_free (hostile->url);
  g_free (hostile->page);
  g_clear_pointer (&hostile->refusal, g_bytes_unref);
  g_free (hostile);
}

static char *
nested_arrays (guint depth)
{
  GString *text = g_string_sized_new (2 * depth);
  guint i;

  for (i = 0; i < depth; i++)
    g_string_append_c (text, '[');
  for (i = 0; i < depth; i++)
    g_string_append_c (text, ']');
  return g_string_free (text, FALSE);
}

/* A client holding a report it had from the server and a new one of its
 * own waiting in the outbox. */
static Client *
client_with_reports (char **pulled_id,
                     char **local_id)
{
  Client *client = client_new ("a.sqlite");
  g_autoptr(BdReport) pulled = make_report ("倒木", 34.70, 135.50);
  g_autoptr(BdReport) local = make_report ("冠水", 34.71, 135.51);
  g_autoptr(GPtrArray) batch = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  bd_report_set_rev (pulled, 3);
  bd_report_set_seq (pulled, 3);
  g_ptr_array_add (batch, pulled);
  g_assert_true (bd_store_insert_batch (client->store, batch, FALSE, "test", &error));
  g_assert_no_error (error);
  g_assert_true (bd_store_set_sync_state (client->store, "cursor", "3", &error));
  g_assert_true (bd_store_save_report (client->store, local, "test", &error));
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count_outbox (client->store), ==, 1);
  *pulled_id = g_strdup (bd_report_get_id (pulled));
  *local_id = g_strdup (bd_report_get_id (local));
  return client;
}

/* The run ended with a bad answer: offline, the reason said, the push
 * done, the cursor where it was and every report still there. */
static void
assert_bad_answer_kept (Client     *client,
                        Hostile    *hostile,
                        GError     *error,
                        const char *pulled_id,
                        const char *local_id)
{
  g_autoptr(BdReport) pulled = NULL;
  g_autoptr(BdReport) local = NULL;
  g_autoptr(GError) read_error = NULL;
  g_autofree char *cursor = NULL;

  g_assert_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_UNREACHABLE);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "the server sent a malformed answer"));
  g_assert_nonnull (strstr (error->message, "nested"));
  g_assert_cmpstr (bd_sync_get_last_error (client->sync), ==, error->message);
  g_assert_cmpint (bd_sync_get_state (client->sync), ==, BD_SYNC_STATE_OFFLINE);
  g_assert_cmpuint (hostile->pushes, ==, 1);
  g_assert_cmpuint (hostile->pulls, ==, 1);

  g_assert_cmpint (bd_store_count_outbox (client->store), ==, 0);
  g_assert_cmpint (bd_store_count (client->store), ==, 2);
  g_assert_true (bd_store_read_sync_state (client->store, "cursor", &cursor, NULL));
  g_assert_cmpstr (cursor, ==, "3");
  pulled = bd_store_get_report (client->store, pulled_id, &read_error);
  g_assert_no_error (read_error);
  g_assert_cmpstr (bd_report_get_title (pulled), ==, "倒木");
  local = bd_store_get_report (client->store, local_id, &read_error);
  g_assert_no_error (read_error);
  g_assert_cmpstr (bd_report_get_title (local), ==, "冠水");
  g_assert_cmpint (bd_report_get_rev (local), ==, 1);
}

/* A feed page of 100,000 nested arrays (200 KB): used to overflow the
 * pull thread's stack in json-glib. */
static void
test_nested_page (void)
{
  g_autofree char *pulled_id = NULL;
  g_autofree char *local_id = NULL;
  Client *client = client_with_reports (&pulled_id, &local_id);
  g_autofree char *nested = nested_arrays (NESTING);
  Hostile *hostile = hostile_new (g_strdup_printf ("{\"type\":\"FeatureCollection\","
                                                   "\"features\":%s,\"next_since_seq\":9}",
                                                   nested));
  g_autoptr(GError) error = NULL;

  bd_sync_set_server_url (client->sync, hostile->url);
  error = client_sync (client);
  assert_bad_answer_kept (client, hostile, error, pulled_id, local_id);

  client_free (client);
  hostile_free (hostile);
}

/* The same nesting inside one feature's properties, beside a good one:
 * the page is refused whole and its cursor not taken. */
static void
test_nested_properties (void)
{
  g_autofree char *pulled_id = NULL;
  g_autofree char *local_id = NULL;
  Client *client = client_with_reports (&pulled_id, &local_id);
  g_autoptr(BdReport) good = make_report ("停電", 34.72, 135.52);
  g_autofree char *good_json = NULL;
  g_autofree char *nested = nested_arrays (NESTING);
  Hostile *hostile = NULL;
  g_autoptr(GError) error = NULL;

  bd_report_set_id (good, "a0000000-0000-4000-8000-000000000001");
  bd_report_set_rev (good, 1);
  bd_report_set_seq (good, 4);
  good_json = bd_report_to_geojson (good);
  hostile = hostile_new (g_strdup_printf ("{\"type\":\"FeatureCollection\",\"features\":[%s,"
                                          "{\"type\":\"Feature\","
                                          "\"id\":\"a0000000-0000-4000-8000-000000000002\","
                                          "\"geometry\":{\"type\":\"Point\","
                                          "\"coordinates\":[135.5,34.7]},"
                                          "\"properties\":{\"seq\":5,\"title\":\"x\","
                                          "\"extra\":%s}}],\"next_since_seq\":5}",
                                          good_json, nested));

  bd_sync_set_server_url (client->sync, hostile->url);
  error = client_sync (client);
  assert_bad_answer_kept (client, hostile, error, pulled_id, local_id);
  g_assert_cmpint (bd_store_count_rejected (client->store), ==, 0);

  client_free (client);
  hostile_free (hostile);
}

/* An outbox row that cannot be read when its push is acknowledged was
 * taken as "acknowledged already" (bd_store_ack_outbox_entry(), in the
 * store): the run said it succeeded while the row stayed, unpushed as far
 * as the server's answer goes. The run must end with the error shown, and
 * keep the row. The fault: the outbox becomes a view whose report_id
 * fails to read (json('{')) from the push's arrival to the pull. */
static void
test_ack_unreadable (void)
{
  Client *client = client_new ("a.sqlite");
  g_autoptr(BdReport) report = make_report ("冠水", 34.70, 135.50);
  Hostile *hostile = hostile_new (g_strdup ("{\"type\":\"FeatureCollection\",\"features\":[],"
                                            "\"next_since_seq\":0}"));
  g_autoptr(GError) error = NULL;

  g_assert_true (bd_store_save_report (client->store, report, "test", &error));
  g_assert_no_error (error);
  client_exec (client,
               "ALTER TABLE outbox RENAME TO outbox_rows;"
               "CREATE TABLE fault (active INTEGER NOT NULL);"
               "INSERT INTO fault VALUES (0);"
               "CREATE VIEW outbox AS SELECT seq,"
               " CASE WHEN (SELECT active FROM fault) THEN json('{') ELSE report_id END"
               " AS report_id, op, base_rev, payload, created_at, error, sending"
               " FROM outbox_rows;"
               "CREATE TRIGGER outbox_delete INSTEAD OF DELETE ON outbox"
               " BEGIN DELETE FROM outbox_rows WHERE seq = old.seq; END;"
               "CREATE TRIGGER outbox_update INSTEAD OF UPDATE ON outbox"
               " BEGIN UPDATE outbox_rows SET base_rev = new.base_rev, error = new.error"
               " WHERE seq = old.seq; END;");
  hostile->client = client;
  hostile->on_push_sql = "UPDATE fault SET active = 1";
  hostile->on_pull_sql = "UPDATE fault SET active = 0";

  bd_sync_set_server_url (client->sync, hostile->url);
  error = client_sync (client);
  client_exec (client, "UPDATE fault SET active = 0");
  g_assert_cmpuint (hostile->pushes, ==, 1);
  g_assert_cmpint (bd_store_count_outbox (client->store), ==, 1);
  g_assert_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_REFUSED);
  g_test_message ("%s", error->message);
  g_assert_cmpstr (bd_sync_get_last_error (client->sync), ==, error->message);
  g_assert_cmpuint (hostile->pulls, ==, 0);

  /* readable again: the next run pushes it and ends well */
  g_clear_error (&error);
  hostile->on_push_sql = NULL;
  error = client_sync (client);
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count_outbox (client->store), ==, 0);

  client_free (client);
  hostile_free (hostile);
}

/* A refusal's reason is shown and stored: whatever the server sends, it
 * becomes valid UTF-8 of at most 200 characters (the "description" of a
 * JSON error), and a deeply nested error body is not parsed unbounded. */
static void
test_refusal_reason (void)
{
  Client *client = client_new ("a.sqlite");
  g_autoptr(BdReport) report = make_report ("冠水", 34.70, 135.50);
  Hostile *hostile = hostile_new (g_strdup ("{\"type\":\"FeatureCollection\",\"features\":[],"
                                            "\"next_since_seq\":0}"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GString) long_japanese = g_string_new ("{\"code\":\"x\",\"description\":\"");
  char *bodies[3];
  guint i;

  for (i = 0; i < 150; i++)
    g_string_append (long_japanese, "拒否");
  g_string_append (long_japanese, "\"}");
  bodies[0] = g_string_free (g_steal_pointer (&long_japanese), FALSE);
  bodies[1] = g_strnfill (300, (char) 0xe6);   /* lead bytes only: not UTF-8 */
  bodies[2] = nested_arrays (NESTING);

  g_assert_true (bd_store_save_report (client->store, report, "test", &error));
  g_assert_no_error (error);
  bd_sync_set_server_url (client->sync, hostile->url);
  for (i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      BdOutboxEntry *entry;
      const char *reason;

      g_clear_pointer (&hostile->refusal, g_bytes_unref);
      hostile->refusal = g_bytes_new_take (bodies[i], strlen (bodies[i]));
      error = client_sync (client);
      g_assert_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_REFUSED);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      outbox = bd_store_list_outbox (client->store, &error);
      g_assert_cmpuint (outbox->len, ==, 1);
      entry = g_ptr_array_index (outbox, 0);
      g_assert_true (g_utf8_validate (entry->error, -1, NULL));
      reason = strstr (entry->error, "(422): ");
      g_assert_nonnull (reason);
      g_assert_cmpuint (g_utf8_strlen (reason + strlen ("(422): "), -1), <=, 200);
      if (i == 0)
        g_assert_true (g_str_has_prefix (reason, "(422): 拒否拒否"));
      g_clear_pointer (&outbox, g_ptr_array_unref);
      g_clear_error (&error);
    }

  client_free (client);
  hostile_free (hostile);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bd/sync/hostile/nested-page", test_nested_page);
  g_test_add_func ("/bd/sync/hostile/nested-properties", test_nested_properties);
  g_test_add_func ("/bd/sync/hostile/ack-unreadable", test_ack_unreadable);
  g_test_add_func ("/bd/sync/hostile/refusal-reason", test_refusal_reason);

  return g_test_run ();
}
