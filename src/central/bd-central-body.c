/* bd-central-body.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Request bodies, bounded: a body larger than its path allows is refused
 * before it is read, or dropped as it arrives; JSON bodies are checked and
 * parsed here. */

#define G_LOG_DOMAIN "bd-central"

#include "config.h"

#include "bd-central-server-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bd-central-geo.h"
#include "bd-json.h"

gsize
_bd_central_body_limit_for (const char *path)
{
  return g_str_has_prefix (path, "/attachments/") ? BD_CENTRAL_MAX_ATTACHMENT_BYTES
                                                  : BD_CENTRAL_MAX_FEATURE_BYTES;
}

/* Refuse a request early, before its body is read: the body is then read
 * and dropped (not kept), and the connection is closed after the answer. */
void
_bd_central_refuse_early (SoupServerMessage *msg,
                          guint              status,
                          const char        *code,
                          const char        *description)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  soup_message_body_set_accumulate (body, FALSE);
  soup_message_body_truncate (body);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Connection", "close");
  _bd_central_respond_error (msg, status, code, description);
}

static gboolean
content_type_is_json (SoupServerMessage *msg)
{
  const char *type =
    soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg), NULL);

  return type != NULL && (g_ascii_strcasecmp (type, GEOJSON_TYPE) == 0 ||
                          g_ascii_strcasecmp (type, JSON_TYPE) == 0);
}

/* Checks size and type, parses the body; on failure responds and returns
 * NULL. */
JsonNode *
_bd_central_read_json_body (Request *r)
{
  SoupMessageBody *body = soup_server_message_get_request_body (r->msg);
  g_autoptr(GBytes) bytes = NULL;
  JsonNode *node;
  g_autoptr(GError) error = NULL;
  gsize size;
  const char *data;

  if (g_object_get_data (G_OBJECT (r->msg), MSG_TOO_LARGE) != NULL)
    {
      _bd_central_respond_error (r->msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "payload-too-large",
                                 _("The request body is too large."));
      return NULL;
    }
  if (!content_type_is_json (r->msg))
    {
      _bd_central_respond_error (r->msg, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE,
                                 "unsupported-media-type",
                                 _("The body must be application/geo+json or application/json."));
      return NULL;
    }

  bytes = soup_message_body_flatten (body);
  data = g_bytes_get_data (bytes, &size);
  if (size == 0 || size > BD_CENTRAL_MAX_FEATURE_BYTES)
    {
      _bd_central_respond_error (r->msg,
                                 size == 0 ? SOUP_STATUS_BAD_REQUEST
                                           : SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                                 size == 0 ? "bad-request" : "payload-too-large",
                                 size == 0 ? _("The request has no body.")
                                           : _("The request body is too large."));
      return NULL;
    }
  /* Strict RFC 8259 with a bound on nesting: json-glib alone would take
   * comments, single quotes, \x escapes and two values, and cut a string at
   * \u0000. */
  node = bd_json_parse (data, size, BD_CENTRAL_MAX_FEATURE_BYTES, &error);
  if (node == NULL)
    {
      _bd_central_respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "bad-json", error->message);
      return NULL;
    }
  return node;
}

/* Counts the bytes of a body as they arrive; past its path's limit, the
 * body is no longer kept (the handler answers 413). */
void
_bd_central_body_count_chunk (SoupServerMessage *msg,
                              GBytes            *chunk)
{
  gsize total = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (msg), MSG_BODY_BYTES));
  const char *path = _bd_central_request_path (msg);

  total += g_bytes_get_size (chunk);
  g_object_set_data (G_OBJECT (msg), MSG_BODY_BYTES, GSIZE_TO_POINTER (total));

  if (total > _bd_central_body_limit_for (path) &&
      g_object_get_data (G_OBJECT (msg), MSG_TOO_LARGE) == NULL)
    {
      SoupMessageBody *body = soup_server_message_get_request_body (msg);

      g_object_set_data (G_OBJECT (msg), MSG_TOO_LARGE, GINT_TO_POINTER (1));
      soup_message_body_set_accumulate (body, FALSE);
      soup_message_body_truncate (body);
    }
}
