/* bd-central-urls.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The target of a request: the scheme and authority the client used (for
 * the links of a response), its path and its query. */

#define G_LOG_DOMAIN "bd-central"

#include "config.h"

#include "bd-central-server-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

static gboolean
host_is_valid (const char *host)
{
  gsize length;

  if (host == NULL)
    return FALSE;
  length = strlen (host);
  if (length == 0 || length > 255)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isalnum (host[i]) && strchr (".-:[]_", host[i]) == NULL)
        return FALSE;
    }
  return TRUE;
}

/* The scheme and authority the client used, honouring the headers a reverse
 * proxy (nginx) sets. */
char *
_bd_central_request_base (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  GUri *uri = soup_server_message_get_uri (msg);
  const char *proto = soup_message_headers_get_one (headers, "X-Forwarded-Proto");
  const char *host = soup_message_headers_get_one (headers, "X-Forwarded-Host");
  g_autofree char *first_host = NULL;

  if (proto == NULL || (g_ascii_strcasecmp (proto, "http") != 0 &&
                        g_ascii_strcasecmp (proto, "https") != 0))
    proto = g_uri_get_scheme (uri);

  if (host != NULL)
    {
      /* "a, b" when proxies chain: the first is the client's */
      const char *comma = strchr (host, ',');

      first_host = g_strstrip (g_strndup (host, comma ? (gsize) (comma - host) : strlen (host)));
      host = first_host;
    }
  if (!host_is_valid (host))
    host = soup_message_headers_get_one (headers, "Host");

  if (host_is_valid (host))
    return g_strdup_printf ("%s://%s", proto, host);

  if (g_uri_get_port (uri) > 0)
    return g_strdup_printf ("%s://%s:%d", proto, g_uri_get_host (uri), g_uri_get_port (uri));
  return g_strdup_printf ("%s://%s", proto, g_uri_get_host (uri));
}

/* libsoup builds a request's URI from its Host header. HTTP/1.0 may leave
 * Host out; libsoup 3.2 then builds the URI from the local address and
 * leaves the query string in the path ("/collections?limit=1"), which
 * routes nowhere. The query is split off here, and only then: in any other
 * request a '?' in the (decoded) path stood for "%3F". */
static void
split_target (SoupServerMessage *msg)
{
  GUri *uri = soup_server_message_get_uri (msg);
  const char *path = g_uri_get_path (uri);
  const char *question = strchr (path, '?');
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (question != NULL && g_uri_get_query (uri) == NULL &&
      soup_message_headers_get_one (headers, "Host") == NULL)
    {
      g_object_set_data_full (G_OBJECT (msg), MSG_QUERY, soup_form_decode (question + 1),
                              (GDestroyNotify) g_hash_table_unref);
      g_object_set_data_full (G_OBJECT (msg), MSG_PATH,
                              g_strndup (path, (gsize) (question - path)), g_free);
    }
  else
    g_object_set_data_full (G_OBJECT (msg), MSG_PATH, g_strdup (path), g_free);
}

const char *
_bd_central_request_path (SoupServerMessage *msg)
{
  if (g_object_get_data (G_OBJECT (msg), MSG_PATH) == NULL)
    split_target (msg);
  return g_object_get_data (G_OBJECT (msg), MSG_PATH);
}

GHashTable *
_bd_central_request_query (SoupServerMessage *msg,
                           GHashTable        *soup_query)
{
  GHashTable *split;

  _bd_central_request_path (msg);
  split = g_object_get_data (G_OBJECT (msg), MSG_QUERY);
  return split != NULL ? split : soup_query;
}
