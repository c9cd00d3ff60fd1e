/* test-central-hostile.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* bosai-central against what hostile or old clients send: HTTP/1.0 without
 * Host, attachments that are not the image they claim, many large uploads
 * at once. The harness is in central-harness.c. */

#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "bd-central-server.h"
#include "central-harness.h"

/* Sends @text on a new loopback connection and returns everything the
 * server answers until it closes the connection. */
static char *
raw_request (Server     *server,
             const char *text)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) answer = g_byte_array_new ();
  GOutputStream *out;
  GInputStream *in;
  guint8 buffer[4096];
  gssize n;

  g_socket_client_set_enable_proxy (client, FALSE);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", (guint16) server->port,
                                                NULL, &error);
  g_assert_no_error (error);
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  g_output_stream_write_all (out, text, strlen (text), NULL, NULL, &error);
  g_assert_no_error (error);
  while ((n = g_input_stream_read (in, buffer, sizeof buffer, NULL, &error)) > 0)
    g_byte_array_append (answer, buffer, (guint) n);
  g_assert_no_error (error);
  g_byte_array_append (answer, (const guint8 *) "", 1);
  return (char *) g_byte_array_free (g_steal_pointer (&answer), FALSE);
}

/* The status code of a raw HTTP answer. */
static guint
raw_status (const char *answer)
{
  g_assert_true (g_str_has_prefix (answer, "HTTP/1."));
  return (guint) g_ascii_strtoull (answer + strlen ("HTTP/1.x "), NULL, 10);
}

/* The JSON body of a raw answer. */
static JsonNode *
raw_json (const char *answer)
{
  const char *body = strstr (answer, "\r\n\r\n");
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  g_assert_nonnull (body);
  node = json_from_string (body + 4, &error);
  g_assert_no_error (error);
  return node;
}

/* Defect 11: HTTP/1.0 with no Host header is answered like any request,
 * query string included (libsoup leaves it in the path then). */
static void
test_http10_no_host (void)
{
  g_autoptr(Server) server = server_start ();
  g_autofree char *put = NULL;
  g_autofree char *items = NULL;
  g_autofree char *one = NULL;
  g_autofree char *collections = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *o;

  put = report_json ("11111111-1111-4111-8111-111111111111", KITA, "Fire", 135.50, 34.70, 9);
  put_new (server, "reports", "11111111-1111-4111-8111-111111111111", put);
  g_free (put);
  put = report_json ("22222222-2222-4222-8222-222222222222", KITA, "Fire", 135.50, 34.70, 9);
  put_new (server, "reports", "22222222-2222-4222-8222-222222222222", put);

  text = g_strdup_printf ("GET /collections HTTP/1.0\r\nAuthorization: Bearer %s\r\n\r\n",
                          server->ward);
  collections = raw_request (server, text);
  g_assert_cmpuint (raw_status (collections), ==, 200);
  g_free (text);

  text = g_strdup_printf ("GET /collections/reports/items?limit=1 HTTP/1.0\r\n"
                          "Authorization: Bearer %s\r\n\r\n", server->ward);
  items = raw_request (server, text);
  g_assert_cmpuint (raw_status (items), ==, 200);
  node = raw_json (items);
  o = json_node_get_object (node);
  g_assert_cmpint (json_object_get_int_member (o, "numberReturned"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (o, "numberMatched"), ==, 2);
  g_free (text);

  text = g_strdup_printf ("GET /collections/reports/items/11111111-1111-4111-8111-111111111111"
                          "?f=json HTTP/1.0\r\nAuthorization: Bearer %s\r\n\r\n", server->ward);
  one = raw_request (server, text);
  g_assert_cmpuint (raw_status (one), ==, 200);
}

/* PUTs @data as @media_type under its SHA-256 with the ward token. */
static Response *
put_attachment (Server       *server,
                const char   *media_type,
                const void   *data,
                gsize         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  g_autofree char *path = g_strdup_printf ("/attachments/%s", sha);

  return request_full (server, "PUT", path, server->ward, media_type, bytes, NULL);
}

static const guint8 jpeg[] = { 0xff, 0xd8, 0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1 };
static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R' };
static const guint8 webp[] = { 'R', 'I', 'F', 'F', 36, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', ' ' };
static const guint8 heic[] = { 0, 0, 0, 24, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c', 0, 0, 0, 0,
                               'm', 'i', 'f', '1', 'h', 'e', 'i', 'c' };
static const guint8 heif_mif1[] = { 0, 0, 0, 16, 'f', 't', 'y', 'p', 'm', 'i', 'f', '1', 0, 0, 0, 0 };
static const guint8 mp4[] = { 0, 0, 0, 16, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0, 0, 0 };
static const char svg[] = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";
static const char html[] = "<!DOCTYPE html><html><script>alert(document.cookie)</script></html>";

/* Defect 10: only JPEG, PNG, WebP and HEIC whose bytes are what the
 * Content-Type says are accepted; what is served cannot be sniffed into
 * something else nor shown inline. */
static void
test_attachment_types (void)
{
  g_autoptr(Server) server = server_start ();
  const struct { const char *type; const void *data; gsize size; guint status; } cases[] = {
    { "image/jpeg", jpeg, sizeof jpeg, 201 },
    { "image/png", png, sizeof png, 201 },
    { "image/webp", webp, sizeof webp, 201 },
    { "image/heic", heic, sizeof heic, 201 },
    { "image/heif", heif_mif1, sizeof heif_mif1, 201 },
    { "image/svg+xml", svg, strlen (svg), 415 },
    { "image/png", svg, strlen (svg), 415 },
    { "image/png", html, strlen (html), 415 },
    { "image/jpeg", html, strlen (html), 415 },
    { "image/jpeg", png, sizeof png, 415 },
    { "image/png", jpeg, sizeof jpeg, 415 },
    { "image/heic", mp4, sizeof mp4, 415 },
    { "image/webp", "RIFF", 4, 415 },
    { "image/gif", "GIF89a\x01\x00\x01\x00", 10, 415 },
    { "text/html", html, strlen (html), 415 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(Response) put = put_attachment (server, cases[i].type, cases[i].data, cases[i].size);

      g_test_message ("%s, case %u", cases[i].type, i);
      if (cases[i].status == 201)
        g_assert_cmpuint (put->status, ==, 201);
      else
        assert_error (put, 415, "unsupported-media-type");
    }

  /* served as a download of the declared type, never sniffed */
  {
    g_autoptr(GBytes) bytes = g_bytes_new_static (png, sizeof png);
    g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
    g_autofree char *path = g_strdup_printf ("/attachments/%s", sha);
    g_autoptr(Response) get = request_full (server, "GET", path, server->ward, NULL, NULL, NULL);
    g_autofree char *html_sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                                             (const guint8 *) html, strlen (html));
    g_autofree char *html_path = g_strdup_printf ("/attachments/%s", html_sha);
    g_autoptr(Response) refused = request_full (server, "GET", html_path, server->ward,
                                                NULL, NULL, NULL);

    g_assert_cmpuint (get->status, ==, 200);
    g_assert_true (g_bytes_equal (get->body, bytes));
    g_assert_cmpstr (get->content_type, ==, "image/png");
    g_assert_cmpstr (soup_message_headers_get_one (get->headers, "X-Content-Type-Options"), ==,
                     "nosniff");
    g_assert_true (g_str_has_prefix (soup_message_headers_get_one (get->headers,
                                                                   "Content-Disposition"),
                                     "attachment"));
    assert_error (refused, 404, "not-found");
  }
}

/* An upload that stops after @sent of its @size bytes: the connection is
 * kept open until it is unreffed. */
static GSocketConnection *
start_upload (Server     *server,
              const char *token,
              gsize       size,
              gsize       sent)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *headers = NULL;
  g_autofree guint8 *chunk = g_malloc0 (1 << 20);
  GOutputStream *out;

  /* the name does not matter: the body never ends */
  headers = g_strdup_printf ("PUT /attachments/%064d HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             "Authorization: Bearer %s\r\nContent-Type: image/jpeg\r\n"
                             "Content-Length: %zu\r\n\r\n", 0, token, size);
  g_socket_client_set_enable_proxy (client, FALSE);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", (guint16) server->port,
                                                NULL, &error);
  g_assert_no_error (error);
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_output_stream_write_all (out, headers, strlen (headers), NULL, NULL, &error);
  g_assert_no_error (error);
  memcpy (chunk, jpeg, sizeof jpeg);
  while (sent > 0)
    {
      gsize n = MIN (sent, (gsize) 1 << 20);

      g_output_stream_write_all (out, chunk, n, NULL, NULL, &error);
      g_assert_no_error (error);
      sent -= n;
    }
  return g_steal_pointer (&connection);
}

/* Files named @prefix* in @dir, and in its subdirectories named
 * @dir_prefix* (NULL: none). */
static guint
count_files (const char *dir_path,
             const char *dir_prefix,
             const char *prefix)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);

      if (g_str_has_prefix (name, prefix))
        n++;
      else if (dir_prefix != NULL && g_str_has_prefix (name, dir_prefix))
        n += count_files (path, NULL, prefix);
    }
  return n;
}

/* The uploads under way of @server: their files are in a folder beside the
 * database, central.sqlite.uploads (bosai-central serve sets its upload
 * directory there; in the temporary directory, possibly RAM, they took
 * memory after all). Asserts that the temporary directory (TMPDIR, one of
 * this test's own: main) has none. */
static guint
count_upload_files (Server *server)
{
  g_assert_cmpuint (count_files (g_getenv ("TMPDIR"), "bosai-central-uploads-", "upload-"), ==, 0);
  return count_files (server->dir, "central.sqlite.uploads", "upload-");
}

/* Lets the server read what was sent. */
static void
settle (void)
{
  g_usleep (200 * 1000);
}

/* Waits (10 s at most, for a loaded machine) until @server's upload
 * directory holds @n files, and asserts that it does. */
static void
wait_for_upload_files (Server *server,
                       guint   n)
{
  for (guint i = 0; i < 1000 && count_upload_files (server) != n; i++)
    g_usleep (10 * 1000);
  g_assert_cmpuint (count_upload_files (server), ==, n);
}

/* Defect 9: one token has at most BD_CENTRAL_MAX_UPLOADS_PER_TOKEN uploads
 * under way; more get 429 with Retry-After, others' tokens go on, and an
 * upload cut short gives its place back. */
static void
test_upload_bound_per_token (void)
{
  g_autoptr(Server) server = server_start ();
  g_autoptr(GPtrArray) stalled = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean accepted = FALSE;

  for (guint i = 0; i < BD_CENTRAL_MAX_UPLOADS_PER_TOKEN; i++)
    g_ptr_array_add (stalled, start_upload (server, server->ward, 19 << 20, 64 << 10));
  wait_for_upload_files (server, BD_CENTRAL_MAX_UPLOADS_PER_TOKEN);

  {
    g_autoptr(Response) refused = put_attachment (server, "image/jpeg", jpeg, sizeof jpeg);
    g_autoptr(GBytes) bytes = g_bytes_new_static (png, sizeof png);
    g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
    g_autofree char *path = g_strdup_printf ("/attachments/%s", sha);
    g_autoptr(Response) other = request_full (server, "PUT", path, server->hq, "image/png",
                                              bytes, NULL);

    assert_error (refused, 429, "too-many-uploads");
    g_assert_nonnull (soup_message_headers_get_one (refused->headers, "Retry-After"));
    g_assert_cmpuint (other->status, ==, 201);
  }

  /* one cut short: its place is free again once the server sees it */
  g_io_stream_close (g_ptr_array_index (stalled, 0), NULL, NULL);
  for (guint i = 0; i < 100 && !accepted; i++)
    {
      g_autoptr(Response) put = put_attachment (server, "image/jpeg", jpeg, sizeof jpeg);

      accepted = put->status == 201;
      if (!accepted)
        {
          assert_error (put, 429, "too-many-uploads");
          g_usleep (20 * 1000);
        }
    }
  g_assert_true (accepted);

  /* only the upload still under way has a file; cut short, it has none */
  wait_for_upload_files (server, 1);
  g_io_stream_close (g_ptr_array_index (stalled, 1), NULL, NULL);
  wait_for_upload_files (server, 0);
}

/* Defect 9: at most BD_CENTRAL_MAX_UPLOADS at once in all: 503 beyond,
 * whichever token asks. */
static void
test_upload_bound_total (void)
{
  g_autoptr(Server) server = server_start ();
  g_autoptr(GPtrArray) stalled = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(Response) refused = NULL;
  g_autofree char *token = NULL;

  for (guint i = 0; i < BD_CENTRAL_MAX_UPLOADS; i++)
    {
      if (i % BD_CENTRAL_MAX_UPLOADS_PER_TOKEN == 0)
        {
          g_free (token);
          token = add_token (server->db, "hq", NULL);
        }
      g_ptr_array_add (stalled, start_upload (server, token, 19 << 20, 64 << 10));
    }
  wait_for_upload_files (server, BD_CENTRAL_MAX_UPLOADS);

  /* the ward token has none under way */
  refused = put_attachment (server, "image/jpeg", jpeg, sizeof jpeg);
  assert_error (refused, 503, "busy");
  g_assert_nonnull (soup_message_headers_get_one (refused->headers, "Retry-After"));
}

typedef struct
{
  Server     *server;
  const char *token;
  GSocketConnection *connection;
} Sender;

static gpointer
send_most_of_upload (gpointer data)
{
  Sender *sender = data;

  sender->connection = start_upload (sender->server, sender->token, 19 << 20, 18 << 20);
  return NULL;
}

static gsize
server_rss (Server *server)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) server->pid);
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents (path, &status, NULL, NULL));
  line = strstr (status, "\nVmRSS:");
  g_assert_nonnull (line);
  return (gsize) g_ascii_strtoull (line + strlen ("\nVmRSS:"), NULL, 10) * 1024;
}

/* Defect 9: bodies of uploads under way are not kept in memory. Four
 * uploads of 19 MB each have sent 18 MB; the server grew by 72 MB when it
 * kept them. */
static void
test_upload_memory (void)
{
  g_autoptr(Server) server = server_start ();
  Sender senders[4];
  GThread *threads[4];
  gsize before, most = 0;

  settle ();
  before = server_rss (server);
  for (guint i = 0; i < G_N_ELEMENTS (senders); i++)
    {
      senders[i] = (Sender) { server, i < 2 ? server->ward : server->hq, NULL };
      threads[i] = g_thread_new ("upload", send_most_of_upload, &senders[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (senders); i++)
    g_thread_join (threads[i]);
  /* what is still in the sockets' buffers arrives meanwhile */
  for (guint i = 0; i < 20; i++)
    {
      most = MAX (most, server_rss (server));
      g_usleep (50 * 1000);
    }
  g_test_message ("server RSS %zu KiB before, at most %zu KiB with 72 MB under way",
                  before / 1024, most / 1024);
  g_assert_cmpuint (most, <, before + (24 << 20));

  for (guint i = 0; i < G_N_ELEMENTS (senders); i++)
    g_object_unref (senders[i].connection);
}

/* Defect: json-glib's lenient parser let through what JSON is not, and cut
 * a title at \u0000. Each is refused with 400 bad-json; nothing is stored. */
static void
test_strict_json (void)
{
  g_autoptr(Server) server = server_start ();
  g_autofree char *good = report_json (NULL, KITA, "ok", 135.50, 34.70, 9);
  g_autofree char *nul_title = report_json (NULL, KITA, "a\\u0000b", 135.50, 34.70, 9);
  g_autofree char *x_escape = report_json (NULL, KITA, "\\x41", 135.50, 34.70, 9);
  g_autofree char *twice = g_strconcat (good, good, NULL);
  g_autofree char *comment = g_strconcat ("/* hello */ ", good, NULL);
  g_autofree char *bom = g_strconcat ("\xEF\xBB\xBF", good, NULL);
  g_autofree char *quotes = g_strdup (good);
  const char *bad[] = { nul_title, x_escape, twice, comment, quotes };
  g_autoptr(Response) list = NULL;
  g_autoptr(Response) ok = NULL;

  /* {'type': …}: single quotes around the first member name. */
  quotes[1] = '\'';
  quotes[6] = '\'';

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(Response) r = request (server, "POST", "/collections/reports/items",
                                       server->ward, bad[i], NULL, NULL);

      g_test_message ("body %u", i);
      assert_error (r, 400, "bad-json");
    }

  list = request (server, "GET", "/collections/reports/items", server->ward, NULL, NULL, NULL);
  g_assert_cmpuint (list->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object (list), "features")),
                    ==, 0);

  /* A byte-order mark is allowed. */
  ok = request (server, "POST", "/collections/reports/items", server->ward, bom, NULL, NULL);
  g_assert_cmpuint (ok->status, ==, 201);
}

/* Replaces the stored text of reports/@id behind the server's back. */
static void
tamper_feature (Server     *server,
                const char *id,
                const char *text)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *s = NULL;

  g_assert_cmpint (sqlite3_open (server->db, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "UPDATE features SET feature = ?1"
                                           " WHERE collection = 'reports' AND id = ?2",
                                       -1, &s, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (s, 1, text, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, id, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (s), ==, SQLITE_DONE);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
  sqlite3_finalize (s);
  sqlite3_close (db);
}

/* Every JSON the server reads goes through the one bounded parser, its
 * own stored copies too: a stored feature nested 100,000 deep (a damaged
 * or hand-edited database) overflowed json-glib's recursive parser when a
 * ward token replaced it (the ward check) or hq deleted it (the
 * tombstone). Now the write is refused with 500 and the server lives on. */
static void
test_stored_deep_json (void)
{
  g_autoptr(Server) server = server_start ();
  const char *id = "33333333-3333-4333-8333-333333333333";
  g_autofree char *json = report_json (id, KITA, "Fire", 135.50, 34.70, 9);
  g_autofree char *path = g_strdup_printf ("/collections/reports/items/%s", id);
  GString *deep = g_string_new ("{\"type\":\"Feature\",\"id\":\"");
  g_autofree char *deep_text = NULL;
  g_autoptr(Response) replace = NULL;
  g_autoptr(Response) delete = NULL;
  g_autoptr(Response) alive = NULL;

  put_new (server, "reports", id, json);

  g_string_append (deep, id);
  g_string_append (deep, "\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5,34.7]},"
                         "\"properties\":{\"ward\":\"" KITA "\",\"x\":");
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, ']');
  g_string_append (deep, "}}");
  deep_text = g_string_free (deep, FALSE);
  tamper_feature (server, id, deep_text);

  replace = request (server, "PUT", path, server->ward, json, "If-Match", "\"1\"");
  assert_error (replace, 500, "internal");
  delete = request (server, "DELETE", path, server->hq, NULL, "If-Match", "\"1\"");
  assert_error (delete, 500, "internal");

  alive = request (server, "GET", "/collections", server->ward, NULL, NULL, NULL);
  g_assert_cmpuint (alive->status, ==, 200);
}

/* A server killed in the middle of an upload leaves its file; the next
 * start removes it (and only what its uploads are named as). */
static void
test_upload_left_by_kill (void)
{
  g_autoptr(Server) server = server_start ();
  g_autoptr(GSocketConnection) stalled = NULL;
  g_autofree char *mine = g_build_filename (server->dir, "central.sqlite.uploads", "notes.txt",
                                            NULL);
  g_autoptr(Response) ok = NULL;

  g_assert_true (g_file_set_contents (mine, "kept", -1, NULL));
  stalled = start_upload (server, server->ward, 19 << 20, 1 << 20);
  wait_for_upload_files (server, 1);

  server_kill_and_restart (server);
  g_assert_cmpuint (count_upload_files (server), ==, 0);
  g_assert_true (g_file_test (mine, G_FILE_TEST_EXISTS));

  /* and uploads work as before */
  ok = put_attachment (server, "image/jpeg", jpeg, sizeof jpeg);
  g_assert_cmpuint (ok->status, ==, 201);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  /* where the servers' uploads would go without an upload directory */
  tmp = g_dir_make_tmp ("bd-central-hostile-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("TMPDIR", tmp, TRUE);

  g_test_add_func ("/bd/central/hostile/http10-no-host", test_http10_no_host);
  g_test_add_func ("/bd/central/hostile/strict-json", test_strict_json);
  g_test_add_func ("/bd/central/hostile/stored-deep-json", test_stored_deep_json);

  g_test_add_func ("/bd/central/hostile/attachment-types", test_attachment_types);

  g_test_add_func ("/bd/central/hostile/upload-bound-per-token", test_upload_bound_per_token);
  g_test_add_func ("/bd/central/hostile/upload-bound-total", test_upload_bound_total);
  g_test_add_func ("/bd/central/hostile/upload-memory", test_upload_memory);
  g_test_add_func ("/bd/central/hostile/upload-left-by-kill", test_upload_left_by_kill);

  status = g_test_run ();
  remove_dir (tmp);
  return status;
}
