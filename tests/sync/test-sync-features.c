/* test-sync-features.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The overlay collections (shelters, areas, alerts) between a real
 * bosai-central on loopback and a client's store: the change feed brings
 * creates, changes and deletes; a restart with no network keeps them; a
 * malformed feature is kept aside and does not stop the pull; the server
 * checks what is written and who writes it. */

#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <sqlite3.h>

#include "sync-harness.h"

#include "bd-demo-overlays.h"
#include "bd-feature-validate.h"
#include "bd-store-features.h"

/* `bosai-central import` of @text into @collection: its exit status and
 * what it printed on stderr (@err). */
static gboolean
import_text (Server      *server,
             const char  *collection,
             const char  *text,
             char       **err)
{
  g_autofree char *path = g_build_filename (server->dir, "import.geojson", NULL);
  const char *argv[] = { central_exe (), "import", "--database", server->db,
                         "--collection", collection, path, NULL };
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                NULL, err, &status, &error);
  g_assert_no_error (error);
  g_unlink (path);
  return g_spawn_check_wait_status (status, NULL);
}

static void
import_demo (Server *server)
{
  const char * const *collections = bd_feature_get_overlay_collections ();

  for (guint i = 0; collections[i] != NULL; i++)
    {
      g_autofree char *text = bd_demo_overlays_to_geojson (collections[i]);
      g_autofree char *err = NULL;

      if (!import_text (server, collections[i], text, &err))
        g_error ("import %s: %s", collections[i], err);
    }
}

/* One request with @token; returns the status, the body in @body. */
static guint
request (Server      *server,
         const char  *token,
         const char  *method,
         const char  *path,
         const char  *if_match,
         const char  *body,
         char       **answer)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (server->base, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  if (if_match != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "If-Match", if_match);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/geo+json", bytes);
    }
  got = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  if (answer != NULL)
    *answer = g_strndup (g_bytes_get_data (got, NULL), g_bytes_get_size (got));
  return soup_message_get_status (msg);
}

static JsonNode *
demo_node (const char *collection,
           guint       index)
{
  g_autoptr(GPtrArray) features = bd_demo_overlays_generate (collection);
  g_autofree char *text = json_to_string (g_ptr_array_index (features, index), FALSE);

  return json_from_string (text, NULL);
}

static JsonObject *
props_of (JsonNode *node)
{
  return json_object_get_object_member (json_node_get_object (node), "properties");
}

static char *
to_text (JsonNode *node)
{
  return json_to_string (node, FALSE);
}

static void
on_features_changed (BdStore    *store,
                     const char *collection,
                     gpointer    user_data)
{
  g_hash_table_add (user_data, g_strdup (collection));
}

static gint64
active_alerts (BdStore *store)
{
  g_autoptr(GPtrArray) alerts = NULL;
  g_autoptr(GError) error = NULL;

  alerts = bd_store_list_active_alerts (store, g_get_real_time () / G_USEC_PER_SEC, &error);
  g_assert_no_error (error);
  return alerts->len;
}

/* Create, change and delete through the feed; then a restart with the
 * server gone keeps every overlay. */
static void
test_feed (void)
{
  Server *server = server_new ();
  Client *client = client_new ("a.sqlite");
  g_autoptr(GHashTable) changed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BdFeature) shelter = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *answer = NULL;
  g_autofree char *path = NULL;

  import_demo (server);
  server_start (server);
  client_use_server (client, server);
  g_signal_connect (client->store, "features-changed", G_CALLBACK (on_features_changed), changed);

  error = client_sync (client);
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count_features (client->store, "shelters", NULL), ==, 12);
  g_assert_cmpint (bd_store_count_features (client->store, "areas", NULL), ==, 6);
  g_assert_cmpint (bd_store_count_features (client->store, "alerts", NULL), ==, 2);
  g_assert_cmpint (active_alerts (client->store), ==, 1);
  g_assert_cmpuint (g_hash_table_size (changed), ==, 3);
  g_assert_true (bd_store_read_sync_state (client->store, "cursor:alerts", &cursor, &error));
  g_assert_nonnull (cursor);
  g_assert_cmpint (g_ascii_strtoll (cursor, NULL, 10), ==, 20);   /* 12 + 6 + 2 writes */

  /* nothing new: nothing written, no signal */
  g_hash_table_remove_all (changed);
  error = client_sync (client);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (changed), ==, 0);

  /* a shelter fills up, an evacuation area is deleted, an alert is added */
  {
    g_autoptr(JsonNode) node = demo_node ("shelters", 1);
    g_autoptr(JsonNode) alert = demo_node ("alerts", 0);
    g_autofree char *body = NULL;
    g_autofree char *expires = NULL;
    g_autoptr(GDateTime) later = g_date_time_new_now_utc ();
    g_autoptr(GDateTime) in_an_hour = g_date_time_add_hours (later, 1);

    json_object_set_string_member (props_of (node), "crowding", "full");
    json_object_set_int_member (props_of (node), "evacuees", 400);
    body = to_text (node);
    g_assert_cmpuint (request (server, server->token, "PUT", "collections/shelters/items/demo-shelter-02",
                               "\"1\"", body, &answer), ==, 200);
    g_clear_pointer (&answer, g_free);
    g_assert_cmpuint (request (server, server->token, "DELETE",
                               "collections/areas/items/demo-evacuation-3", "\"1\"", NULL, NULL),
                      ==, 200);
    json_object_set_string_member (json_node_get_object (alert), "id", "test-alert-new");
    json_object_set_string_member (props_of (alert), "event", "洪水警報");
    expires = g_date_time_format_iso8601 (in_an_hour);
    json_object_set_string_member (props_of (alert), "expires", expires);
    g_clear_pointer (&body, g_free);
    body = to_text (alert);
    g_assert_cmpuint (request (server, server->token, "POST", "collections/alerts/items",
                               NULL, body, &answer), ==, 201);
  }
  error = client_sync (client);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (changed), ==, 3);
  shelter = bd_store_get_feature (client->store, "shelters", "demo-shelter-02", &error);
  g_assert_nonnull (shelter);
  g_assert_cmpint (shelter->rev, ==, 2);
  g_assert_nonnull (strstr (shelter->feature, "\"crowding\":\"full\""));
  g_assert_cmpint (bd_store_count_features (client->store, "areas", NULL), ==, 5);
  {
    g_autoptr(BdFeature) gone = bd_store_get_feature (client->store, "areas",
                                                      "demo-evacuation-3", &error);
    g_assert_true (gone->deleted);
  }
  g_assert_cmpint (bd_store_count_features (client->store, "alerts", NULL), ==, 3);
  g_assert_cmpint (active_alerts (client->store), ==, 2);
  g_assert_cmpint (bd_store_get_next_alert_expiry (client->store,
                                                   g_get_real_time () / G_USEC_PER_SEC, NULL),
                   >, g_get_real_time () / G_USEC_PER_SEC + 3000);

  /* a restart, the server gone: the overlays are there */
  server_stop (server);
  path = g_strdup (client->path);
  g_clear_object (&client->sync);
  g_clear_object (&client->store);
  client->store = bd_store_open (path, &error);
  g_assert_no_error (error);
  client->sync = bd_sync_new (client->store);
  client_use_server (client, server);
  error = client_sync (client);
  g_assert_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_UNREACHABLE);
  g_clear_error (&error);
  g_assert_cmpint (bd_store_count_features (client->store, "shelters", NULL), ==, 12);
  g_assert_cmpint (bd_store_count_features (client->store, "areas", NULL), ==, 5);
  g_assert_cmpint (bd_store_count_features (client->store, "alerts", NULL), ==, 3);
  g_assert_cmpint (active_alerts (client->store), ==, 2);

  client_free (client);
  server_free (server);
}

/* A malformed feature in the server's database (written there behind its
 * back) is kept aside; the features after it are pulled. */
static void
test_malformed (void)
{
  Server *server = server_new ();
  Client *client = client_new ("b.sqlite");
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  char *message = NULL;

  import_demo (server);
  g_assert_cmpint (sqlite3_open (server->db, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
    "INSERT INTO features (collection, id, rev, seq, min_lon, min_lat, max_lon, max_lat,"
    "  updated_at, feature) VALUES"
    " ('shelters', 'bad-shelter', 1, 100, 135.5, 34.7, 135.5, 34.7, 0,"
    "  '{\"type\":\"Feature\",\"id\":\"bad-shelter\",\"geometry\":{\"type\":\"Point\","
    "\"coordinates\":[135.5,34.7]},\"properties\":{\"kind\":\"hotel\",\"seq\":100,\"rev\":1}}'),"
    " ('shelters', 'good-after', 1, 101, 135.5, 34.7, 135.5, 34.7, 0,"
    "  '{\"type\":\"Feature\",\"id\":\"good-after\",\"geometry\":{\"type\":\"Point\","
    "\"coordinates\":[135.5,34.7]},\"properties\":{\"kind\":\"shelter\",\"name\":\"【デモ】後\","
    "\"ward\":\"271276\",\"state\":\"open\",\"seq\":101,\"rev\":1}}');",
    NULL, NULL, &message), ==, SQLITE_OK);
  sqlite3_close (db);

  server_start (server);
  client_use_server (client, server);
  error = client_sync (client);
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count_features (client->store, "shelters", NULL), ==, 13);
  g_assert_cmpint (bd_store_count_feature_rejects (client->store, "shelters", NULL), ==, 1);
  g_assert_cmpint (bd_store_count_rejected (client->store), ==, 0);
  {
    g_autoptr(BdFeature) after = bd_store_get_feature (client->store, "shelters", "good-after",
                                                       NULL);
    g_assert_nonnull (after);
  }
  g_assert_null (bd_store_get_feature (client->store, "shelters", "bad-shelter", NULL));
  g_assert_cmpint (bd_store_count_features (client->store, "alerts", NULL), ==, 2);

  /* kept aside once, however often it is pulled */
  bd_store_set_sync_state (client->store, "cursor:shelters", "0", &error);
  error = client_sync (client);
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count_feature_rejects (client->store, "shelters", NULL), ==, 1);

  client_free (client);
  server_free (server);
}

/* Ward tokens read the overlays but do not write them; what is written
 * is checked, by the API and by an import. */
static void
test_server_checks (void)
{
  Server *server = server_new ();
  const char *argv[] = { central_exe (), "token", "add", "--database", server->db,
                         "--role", "ward", "--ward", KITA, "--name", "kita", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) shelter = demo_node ("shelters", 0);
  g_autofree char *out = NULL;
  g_autofree char *body = NULL;
  g_autofree char *answer = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) words = NULL;
  const char *ward_token;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status,
                &error);
  g_assert_no_error (error);
  words = g_strsplit_set (g_strstrip (out), " \n\t", -1);
  ward_token = words[g_strv_length (words) - 1];
  import_demo (server);
  server_start (server);

  body = to_text (shelter);
  json_object_set_string_member (json_node_get_object (shelter), "id", "new-shelter");
  g_clear_pointer (&body, g_free);
  body = to_text (shelter);
  g_assert_cmpuint (request (server, ward_token, "POST", "collections/shelters/items", NULL, body,
                             &answer), ==, 403);
  g_clear_pointer (&answer, g_free);
  g_assert_cmpuint (request (server, ward_token, "GET", "collections/shelters/items", NULL, NULL,
                             &answer), ==, 200);
  g_assert_nonnull (strstr (answer, "demo-shelter-12"));
  g_clear_pointer (&answer, g_free);

  json_object_set_string_member (props_of (shelter), "state", "half-open");
  g_clear_pointer (&body, g_free);
  body = to_text (shelter);
  g_assert_cmpuint (request (server, server->token, "POST", "collections/shelters/items", NULL,
                             body, &answer), ==, 400);
  g_assert_nonnull (strstr (answer, "state"));
  g_assert_nonnull (strstr (answer, "invalid-feature"));
  g_clear_pointer (&answer, g_free);

  /* an area that is a point, in a file: nothing of the file is imported */
  {
    g_autoptr(JsonNode) area = demo_node ("areas", 0);
    g_autofree char *text = NULL;

    json_object_set_member (json_node_get_object (area), "geometry",
                            json_from_string ("{\"type\":\"Point\",\"coordinates\":[135.5,34.7]}",
                                              NULL));
    json_object_set_string_member (json_node_get_object (area), "id", "point-area");
    g_clear_pointer (&body, g_free);
    body = to_text (area);
    text = g_strdup_printf ("{\"type\":\"FeatureCollection\",\"features\":[%s]}", body);
    g_assert_false (import_text (server, "areas", text, &err));
    g_assert_nonnull (strstr (err, "Feature 1"));
    g_assert_nonnull (strstr (err, "Polygon"));
    g_clear_pointer (&err, g_free);
  }

  /* a polygon of a million vertices: refused with a clear error */
  {
    g_autoptr(GString) text = g_string_new ("{\"type\":\"FeatureCollection\",\"features\":["
                                            "{\"type\":\"Feature\",\"id\":\"huge\",\"properties\":"
                                            "{\"kind\":\"affected\",\"name\":\"huge\",\"ward\":"
                                            "\"271276\"},\"geometry\":{\"type\":\"Polygon\","
                                            "\"coordinates\":[[");
    gint64 start;

    for (guint i = 0; i < 1000000; i++)
      g_string_append_printf (text, "[135.%06u,34.7],", i);
    g_string_append (text, "[135.000000,34.7]]]}}]}");
    start = g_get_monotonic_time ();
    g_assert_false (import_text (server, "areas", text->str, &err));
    g_test_message ("import of a %zu-byte, 1,000,001-vertex polygon refused in %.0f ms",
                    text->len, (g_get_monotonic_time () - start) / 1000.0);
    g_test_message ("%s", err);
    g_assert_nonnull (strstr (err, "positions"));
    g_assert_nonnull (strstr (err, "Feature 1"));
  }
  g_assert_cmpuint (request (server, server->token, "GET", "collections/areas/items/huge", NULL,
                             NULL, NULL), ==, 404);

  /* an alert given by area codes only has no geometry (ALERTS.md); a
   * report or a shelter must have one */
  {
    g_autoptr(JsonNode) alert = demo_node ("alerts", 0);
    g_autofree char *report = g_strdup ("{\"type\":\"Feature\",\"geometry\":null,\"properties\":"
                                        "{\"ward\":\"271276\",\"category\":\"fire\",\"severity\":2,"
                                        "\"status\":\"new\",\"title\":\"x\"}}");

    json_object_set_string_member (json_node_get_object (alert), "id", "by-codes");
    json_object_set_member (json_node_get_object (alert), "geometry", json_node_new (JSON_NODE_NULL));
    g_clear_pointer (&body, g_free);
    body = to_text (alert);
    g_assert_cmpuint (request (server, server->token, "POST", "collections/alerts/items", NULL,
                               body, NULL), ==, 201);
    g_assert_cmpuint (request (server, server->token, "POST", "collections/reports/items", NULL,
                               report, NULL), ==, 400);
    json_object_set_member (json_node_get_object (shelter), "geometry", json_node_new (JSON_NODE_NULL));
    json_object_set_string_member (props_of (shelter), "state", "open");
    g_clear_pointer (&body, g_free);
    body = to_text (shelter);
    g_clear_pointer (&answer, g_free);
    g_assert_cmpuint (request (server, server->token, "POST", "collections/shelters/items", NULL,
                               body, &answer), ==, 400);
    g_assert_nonnull (strstr (answer, "geometry"));

    /* and a client takes it, with no box */
    {
      Client *client = client_new ("c.sqlite");
      g_autoptr(BdFeature) got = NULL;

      client_use_server (client, server);
      error = client_sync (client);
      g_assert_no_error (error);
      got = bd_store_get_feature (client->store, "alerts", "by-codes", &error);
      g_assert_nonnull (got);
      g_assert_false (got->has_bbox);
      g_assert_true (bd_feature_is_shown_alert (got, g_get_real_time () / G_USEC_PER_SEC));
      client_free (client);
    }
  }

  server_free (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sync/features/feed", test_feed);
  g_test_add_func ("/sync/features/malformed", test_malformed);
  g_test_add_func ("/sync/features/server-checks", test_server_checks);

  return g_test_run ();
}
