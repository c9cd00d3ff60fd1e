/* bd-central-urls.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The scheme and authority of a request, for the links of a response. */

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
