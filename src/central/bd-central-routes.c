/* bd-central-routes.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Routing: from the method and path to a handler. */

#define G_LOG_DOMAIN "bd-central"

#include "config.h"

#include "bd-central-server-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bd-central-geo.h"

static void
method_not_allowed (Request    *r,
                    const char *allow)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (r->msg), "Allow", allow);
  _bd_central_respond_error (r->msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method-not-allowed",
                             _("This method is not allowed here."));
}

static gboolean
is_get (const char *method)
{
  return method == SOUP_METHOD_GET || method == SOUP_METHOD_HEAD;
}

void
_bd_central_route (Request    *r,
                   const char *path)
{
  const char *method = soup_server_message_get_method (r->msg);
  g_auto(GStrv) parts = NULL;
  guint n;

  if (strcmp (path, "/") == 0)
    {
      if (is_get (method))
        _bd_central_handle_landing (r);
      else
        method_not_allowed (r, "GET, HEAD");
      return;
    }

  if (strlen (path) > 1024)
    goto not_found;
  parts = g_strsplit (path + 1, "/", 6);
  n = g_strv_length (parts);
  for (guint i = 0; i < n; i++)
    {
      if (parts[i][0] == '\0')
        goto not_found;
    }

  if (strcmp (parts[0], "tiles") == 0)
    {
      _bd_central_route_tiles (r, (const char * const *) parts, n);
      return;
    }
  if (strcmp (parts[0], "cap") == 0)
    {
      _bd_central_route_cap (r, (const char * const *) parts, n);
      return;
    }
  if (n == 1 && strcmp (parts[0], "api") == 0)
    {
      if (is_get (method))
        _bd_central_handle_api (r);
      else
        method_not_allowed (r, "GET, HEAD");
      return;
    }
  if (n == 1 && strcmp (parts[0], "conformance") == 0)
    {
      if (is_get (method))
        _bd_central_handle_conformance (r);
      else
        method_not_allowed (r, "GET, HEAD");
      return;
    }
  if (n == 2 && strcmp (parts[0], "attachments") == 0)
    {
      if (!_bd_central_sha256_is_valid (parts[1]))
        {
          _bd_central_respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "bad-hash",
                                     _("An attachment is named by the lowercase hex SHA-256 of its bytes."));
          return;
        }
      r->id = parts[1];
      if (is_get (method))
        _bd_central_handle_attachment_get (r);
      else if (method == SOUP_METHOD_PUT)
        _bd_central_handle_attachment_put (r);
      else
        method_not_allowed (r, "GET, HEAD, PUT");
      return;
    }
  if (n >= 1 && strcmp (parts[0], "collections") == 0)
    {
      if (n == 1)
        {
          if (is_get (method))
            _bd_central_handle_collections (r);
          else
            method_not_allowed (r, "GET, HEAD");
          return;
        }
      if (!bd_central_store_is_collection (parts[1]))
        {
          _bd_central_respond_error (r->msg, SOUP_STATUS_NOT_FOUND, "not-found",
                                     _("There is no such collection."));
          return;
        }
      r->collection = parts[1];
      if (n == 2)
        {
          if (is_get (method))
            _bd_central_handle_collection (r);
          else
            method_not_allowed (r, "GET, HEAD");
          return;
        }
      if (strcmp (parts[2], "items") != 0)
        goto not_found;
      if (n == 3)
        {
          if (is_get (method))
            _bd_central_handle_items (r);
          else if (method == SOUP_METHOD_POST && _bd_central_is_cap_post (r))
            _bd_central_handle_cap_post (r);
          else if (method == SOUP_METHOD_POST)
            _bd_central_handle_items_post (r);
          else
            method_not_allowed (r, "GET, HEAD, POST");
          return;
        }
      if (n == 4)
        {
          if (!bd_central_id_is_valid (parts[3]))
            goto not_found;
          r->id = parts[3];
          if (is_get (method))
            _bd_central_handle_item_get (r);
          else if (method == SOUP_METHOD_PUT)
            _bd_central_handle_item_put (r);
          else if (method == SOUP_METHOD_DELETE)
            _bd_central_handle_item_delete (r);
          else
            method_not_allowed (r, "GET, HEAD, PUT, DELETE");
          return;
        }
    }

not_found:
  _bd_central_respond_error (r->msg, SOUP_STATUS_NOT_FOUND, "not-found",
                             _("There is no such resource."));
}
