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

#include <string.h>

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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bd/central/hostile/http10-no-host", test_http10_no_host);

  return g_test_run ();
}
