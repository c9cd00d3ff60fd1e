/* bd-central-auth.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Bearer tokens: only their SHA-256 is stored; a request names one in
 * "Authorization: Bearer …". */

#define G_LOG_DOMAIN "bd-central"

#include "config.h"

#include "bd-central-server-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

char *
bd_central_hash_token (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

static gboolean
token_chars_valid (const char *token)
{
  gsize length = strlen (token);

  if (length == 0 || length > 256)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isalnum (token[i]) && token[i] != '-' && token[i] != '_' &&
          token[i] != '.' && token[i] != '~' && token[i] != '+' && token[i] != '/' &&
          token[i] != '=')
        return FALSE;
    }
  return TRUE;
}

/* NULL when the request carries no valid token. */
BdCentralToken *
_bd_central_authenticate (BdCentralServer   *self,
                          SoupServerMessage *msg)
{
  const char *header;
  g_autofree char *hash = NULL;
  g_autoptr(BdCentralToken) token = NULL;
  g_autoptr(GError) error = NULL;

  header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                         "Authorization");
  if (header == NULL || g_ascii_strncasecmp (header, "Bearer ", 7) != 0)
    return NULL;
  header += 7;
  while (*header == ' ')
    header++;
  if (!token_chars_valid (header))
    return NULL;

  hash = bd_central_hash_token (header);
  token = bd_central_store_lookup_token (self->store, hash, &error);
  if (error != NULL)
    g_warning ("%s", error->message);
  if (token == NULL || token->revoked)
    return NULL;
  return g_steal_pointer (&token);
}

gboolean
_bd_central_path_is_public (const char *path)
{
  return g_strcmp0 (path, "/") == 0 || g_strcmp0 (path, "/api") == 0 ||
         g_strcmp0 (path, "/conformance") == 0;
}
