/* central-harness.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "central-harness.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <gio/gunixinputstream.h>
#include <glib/gstdio.h>

const char *
central_exe (void)
{
  const char *path = g_getenv ("BOSAI_CENTRAL");

  g_assert_nonnull (path);
  return path;
}

/* Runs bosai-central with @args; returns stdout, puts the exit status. */
char *
run_cli (const char * const *args,
         int                *exit_status,
         char              **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int wait_status = 0;

  g_ptr_array_add (argv, (gpointer) central_exe ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &out, err, &wait_status, &error);
  g_assert_no_error (error);
  *exit_status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
  return out;
}

/* The last word of token add's output. */
char *
add_token (const char *db,
           const char *role,
           const char *ward)
{
  const char *args[] = { "token", "add", "--database", db, "--role", role, "--name", "test",
                         ward ? "--ward" : NULL, ward, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) words = NULL;
  int status;
  guint n;

  out = run_cli (args, &status, &err);
  g_assert_cmpint (status, ==, 0);
  words = g_strsplit_set (g_strstrip (out), " \n\t", -1);
  n = g_strv_length (words);
  g_assert_cmpuint (n, >, 0);
  g_assert_cmpuint (strlen (words[n - 1]), ==, 43);
  return g_strdup (words[n - 1]);
}

/* The server dies with the test, even when an assertion aborts it. */
static void
child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
server_spawn (Server *server)
{
  const char *argv[] = { central_exe (), "serve", "--database", server->db, "--port", "0", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GDataInputStream) data = NULL;
  g_autofree char *line = NULL;
  const char *port;
  int out_fd;

  g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, child_setup, NULL,
                            &server->pid, NULL, &out_fd, NULL, &error);
  g_assert_no_error (error);

  stream = g_unix_input_stream_new (out_fd, TRUE);
  data = g_data_input_stream_new (stream);
  line = g_data_input_stream_read_line (data, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening on http://127.0.0.1:"));
  port = line + strlen ("listening on http://127.0.0.1:");
  server->port = (guint) g_ascii_strtoull (port, NULL, 10);
  g_assert_cmpuint (server->port, >, 0);
  g_free (server->base);
  server->base = g_strdup_printf ("http://127.0.0.1:%u", server->port);
  /* the rest of stdout is not read: the server prints little */
}

Server *
server_start (void)
{
  Server *server = g_new0 (Server, 1);
  g_autoptr(GError) error = NULL;
  const char *revoke[] = { "token", "revoke", "--database", NULL, "3", NULL };
  g_autofree char *out = NULL;
  int status;

  server->dir = g_dir_make_tmp ("bd-central-XXXXXX", &error);
  g_assert_no_error (error);
  server->db = g_build_filename (server->dir, "central.sqlite", NULL);

  server->hq = add_token (server->db, "hq", NULL);
  server->ward = add_token (server->db, "ward", KITA);
  server->revoked = add_token (server->db, "hq", NULL);
  revoke[3] = server->db;
  out = run_cli (revoke, &status, NULL);
  g_assert_cmpint (status, ==, 0);

  server_spawn (server);

  /* No proxy: tests talk to loopback only. */
  server->session = soup_session_new_with_options ("proxy-resolver", NULL, "timeout", 30, NULL);
  return server;
}

int
server_terminate (Server *server)
{
  int wait_status = 0;

  if (server->pid == 0)
    return 0;
  kill (server->pid, SIGTERM);
  g_assert_cmpint (waitpid (server->pid, &wait_status, 0), ==, server->pid);
  g_spawn_close_pid (server->pid);
  server->pid = 0;
  return WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
}

/* SIGKILL, as a power cut would stop it, then serve the same database
 * again. */
void
server_kill_and_restart (Server *server)
{
  kill (server->pid, SIGKILL);
  g_assert_cmpint (waitpid (server->pid, NULL, 0), ==, server->pid);
  g_spawn_close_pid (server->pid);
  server->pid = 0;
  server_spawn (server);
}

/* Removes @path and what it holds, folders too. */
void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_dir (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

void
server_free (Server *server)
{
  g_assert_cmpint (server_terminate (server), ==, 0);
  g_clear_object (&server->session);
  remove_dir (server->dir);
  g_free (server->dir);
  g_free (server->db);
  g_free (server->base);
  g_free (server->hq);
  g_free (server->ward);
  g_free (server->revoked);
  g_free (server);
}


void
response_free (Response *response)
{
  g_free (response->etag);
  g_free (response->location);
  g_free (response->www_authenticate);
  g_free (response->content_type);
  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_clear_pointer (&response->body, g_bytes_unref);
  g_clear_pointer (&response->json, json_node_unref);
  g_free (response);
}


/* One request. @headers: NULL-terminated name, value pairs. */
Response *
request_full (Server             *server,
              const char         *method,
              const char         *path_or_url,
              const char         *token,
              const char         *content_type,
              GBytes             *body,
              const char * const *headers)
{
  g_autofree char *url = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *request_headers, *response_headers;
  Response *response = g_new0 (Response, 1);
  gsize size;
  const char *data;

  url = g_str_has_prefix (path_or_url, "http") ? g_strdup (path_or_url)
                                               : g_strconcat (server->base, path_or_url, NULL);
  msg = soup_message_new (method, url);
  g_assert_nonnull (msg);
  /* DESIGN.md: libsoup opens a new connection for every non-idempotent
   * request unless PUT and DELETE are marked idempotent. */
  if (g_str_equal (method, "PUT") || g_str_equal (method, "DELETE"))
    soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);
  request_headers = soup_message_get_request_headers (msg);
  if (token != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (request_headers, "Authorization", auth);
    }
  for (guint i = 0; headers != NULL && headers[i] != NULL; i += 2)
    soup_message_headers_replace (request_headers, headers[i], headers[i + 1]);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, content_type, body);

  response->body = soup_session_send_and_read (server->session, msg, NULL, &error);
  g_assert_no_error (error);
  response->status = soup_message_get_status (msg);
  response_headers = soup_message_get_response_headers (msg);
  response->headers = soup_message_headers_ref (response_headers);
  response->etag = g_strdup (soup_message_headers_get_one (response_headers, "ETag"));
  response->location = g_strdup (soup_message_headers_get_one (response_headers, "Location"));
  response->www_authenticate =
    g_strdup (soup_message_headers_get_one (response_headers, "WWW-Authenticate"));
  response->content_type =
    g_strdup (soup_message_headers_get_content_type (response_headers, NULL));

  data = g_bytes_get_data (response->body, &size);
  if (response->content_type != NULL && g_str_has_suffix (response->content_type, "json") &&
      size > 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      json_parser_load_from_data (parser, data, (gssize) size, &error);
      g_assert_no_error (error);
      response->json = json_node_copy (json_parser_get_root (parser));
    }
  return response;
}

Response *
request (Server     *server,
         const char *method,
         const char *path,
         const char *token,
         const char *json_body,
         const char *header,
         const char *value)
{
  const char *headers[] = { header, value, NULL };
  g_autoptr(GBytes) body = json_body ? g_bytes_new (json_body, strlen (json_body)) : NULL;

  return request_full (server, method, path, token, "application/geo+json", body,
                       header ? headers : NULL);
}

JsonObject *
object (Response *response)
{
  g_assert_nonnull (response->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (response->json));
  return json_node_get_object (response->json);
}

void
assert_error (Response   *response,
              guint       status,
              const char *code)
{
  JsonObject *o;

  g_assert_cmpuint (response->status, ==, status);
  g_assert_cmpstr (response->content_type, ==, "application/json");
  o = object (response);
  if (code != NULL)
    g_assert_cmpstr (json_object_get_string_member (o, "code"), ==, code);
  g_assert_true (strlen (json_object_get_string_member (o, "description")) > 0);
}

char *
report_json (const char *id,
             const char *ward,
             const char *title,
             double      lon,
             double      lat,
             int         hour)
{
  g_autofree char *id_member = id ? g_strdup_printf ("\"id\":\"%s\",", id) : g_strdup ("");
  char lon_text[G_ASCII_DTOSTR_BUF_SIZE], lat_text[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_dtostr (lon_text, sizeof lon_text, lon);
  g_ascii_dtostr (lat_text, sizeof lat_text, lat);
  return g_strdup_printf ("{\"type\":\"Feature\",%s"
                          "\"geometry\":{\"type\":\"Point\",\"coordinates\":[%s,%s]},"
                          "\"properties\":{\"ward\":\"%s\",\"category\":\"fire\",\"severity\":2,"
                          "\"status\":\"new\",\"title\":\"%s\","
                          "\"observed_at\":\"2026-01-01T%02d:00:00+09:00\","
                          "\"created_at\":\"2026-01-01T%02d:00:00+09:00\","
                          "\"updated_at\":\"2026-01-01T%02d:00:00+09:00\"}}",
                          id_member, lon_text, lat_text, ward, title, hour, hour, hour);
}

/* Creates a report with PUT If-None-Match: * and returns nothing; asserts 201. */
void
put_new (Server     *server,
         const char *collection,
         const char *id,
         const char *json)
{
  g_autofree char *path = g_strdup_printf ("/collections/%s/items/%s", collection, id);
  g_autoptr(Response) r = request (server, "PUT", path, server->hq, json, "If-None-Match", "*");

  g_assert_cmpuint (r->status, ==, 201);
  g_assert_cmpstr (r->etag, ==, "\"1\"");
}
