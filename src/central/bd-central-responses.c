/* bd-central-responses.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Responses: JSON bodies, the API's error object, ETags and links. */

#define G_LOG_DOMAIN "bd-central"

#include "config.h"

#include "bd-central-server-private.h"

#include <glib/gi18n-lib.h>

void
_bd_central_respond_json (SoupServerMessage *msg,
                          guint              status,
                          const char        *content_type,
                          char              *text)  /* transfer full */
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_TAKE, text, strlen (text));
}

void
_bd_central_respond_node (SoupServerMessage *msg,
                          guint              status,
                          const char        *content_type,
                          JsonNode          *node)
{
  _bd_central_respond_json (msg, status, content_type, json_to_string (node, FALSE));
}

void
_bd_central_respond_error (SoupServerMessage *msg,
                           guint              status,
                           const char        *code,
                           const char        *description)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder, description);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  if (status == SOUP_STATUS_UNAUTHORIZED)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "WWW-Authenticate", "Bearer realm=\"bosai-central\"");
  _bd_central_respond_node (msg, status, JSON_TYPE, node);
}

void
_bd_central_set_etag (SoupServerMessage *msg,
                      gint64             rev)
{
  g_autofree char *etag = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", rev);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "ETag", etag);
}

void
_bd_central_add_link (JsonBuilder *builder,
                      const char  *href,
                      const char  *rel,
                      const char  *type,
                      const char  *title)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "href");
  json_builder_add_string_value (builder, href);
  json_builder_set_member_name (builder, "rel");
  json_builder_add_string_value (builder, rel);
  if (type != NULL)
    {
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, type);
    }
  if (title != NULL)
    {
      json_builder_set_member_name (builder, "title");
      json_builder_add_string_value (builder, title);
    }
  json_builder_end_object (builder);
}

void
_bd_central_add_link_printf (JsonBuilder *builder,
                             const char  *rel,
                             const char  *type,
                             const char  *title,
                             const char  *format,
                             ...)
{
  g_autofree char *href = NULL;
  va_list args;

  va_start (args, format);
  href = g_strdup_vprintf (format, args);
  va_end (args);
  _bd_central_add_link (builder, href, rel, type, title);
}
