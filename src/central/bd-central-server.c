/* bd-central-server.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The server's life cycle and the gate every request passes: when its
 * headers arrive (shutdown, size, token) and as its body arrives. The
 * handlers are in bd-central-routes*.c. */

#define G_LOG_DOMAIN "bd-central"

#include "config.h"

#include "bd-central-server-private.h"

#include "bd-central-tiles.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

/* The request gate */

static void
on_msg_got_chunk_cb (SoupServerMessage *msg,
                     GBytes            *chunk,
                     BdCentralServer   *self)
{
  BdCentralUpload *upload = g_object_get_data (G_OBJECT (msg), MSG_UPLOAD);

  _bd_central_body_count_chunk (msg, chunk);
  if (upload == NULL)
    return;
  if (g_object_get_data (G_OBJECT (msg), MSG_TOO_LARGE) != NULL)
    _bd_central_upload_abandon (upload);
  else
    _bd_central_upload_write (upload, chunk);
}

static void
on_msg_got_headers_cb (SoupServerMessage *msg,
                       BdCentralServer   *self)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *path = _bd_central_request_path (msg);
  BdCentralToken *token;
  goffset length;

  self->in_flight++;
  g_object_set_data (G_OBJECT (msg), MSG_IN_FLIGHT, GINT_TO_POINTER (1));

  if (soup_server_message_get_status (msg) != 0)
    return;

  if (self->shutting_down)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", "5");
      _bd_central_refuse_early (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "shutting-down",
                                _("The server is shutting down; try again shortly."));
      return;
    }

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
    {
      length = soup_message_headers_get_content_length (headers);
      if (length < 0 || (guint64) length > _bd_central_body_limit_for (path))
        {
          g_autofree char *description =
            g_strdup_printf (_("The request body is larger than %zu bytes."),
                             _bd_central_body_limit_for (path));

          _bd_central_refuse_early (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "payload-too-large",
                                    description);
          return;
        }
    }

  if (_bd_central_path_is_public (path))
    return;

  token = _bd_central_authenticate (self, msg);
  if (token == NULL)
    {
      _bd_central_refuse_early (msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                                _("A valid bearer token is required."));
      return;
    }
  g_object_set_data_full (G_OBJECT (msg), MSG_TOKEN, token,
                          (GDestroyNotify) bd_central_token_free);

  if (soup_server_message_get_method (msg) == SOUP_METHOD_PUT &&
      g_str_has_prefix (path, "/attachments/"))
    _bd_central_upload_begin (self, msg, token);
}

static void
on_request_started_cb (SoupServer        *soup,
                       SoupServerMessage *msg,
                       BdCentralServer   *self)
{
  g_signal_connect (msg, "got-headers", G_CALLBACK (on_msg_got_headers_cb), self);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (on_msg_got_chunk_cb), self);
}

static void
on_request_done_cb (SoupServer        *soup,
                    SoupServerMessage *msg,
                    BdCentralServer   *self)
{
  if (g_object_get_data (G_OBJECT (msg), MSG_IN_FLIGHT) != NULL)
    {
      g_object_set_data (G_OBJECT (msg), MSG_IN_FLIGHT, NULL);
      g_assert (self->in_flight > 0);
      self->in_flight--;
    }
  /* its file goes, and its place among the uploads under way */
  g_object_set_data (G_OBJECT (msg), MSG_UPLOAD, NULL);
}

static void
server_callback (SoupServer        *soup,
                 SoupServerMessage *msg,
                 const char        *soup_path,
                 GHashTable        *soup_query,
                 gpointer           user_data)
{
  BdCentralServer *self = user_data;
  const char *path = _bd_central_request_path (msg);
  g_autofree char *base = _bd_central_request_base (msg);
  Request r = { 0 };

  r.server = self;
  r.msg = msg;
  r.token = g_object_get_data (G_OBJECT (msg), MSG_TOKEN);
  r.query = _bd_central_request_query (msg, soup_query);
  r.base = base;

  if (r.token == NULL && !_bd_central_path_is_public (path))
    {
      /* got-headers refuses these; kept as a second line */
      _bd_central_respond_error (msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                                 _("A valid bearer token is required."));
      return;
    }

  _bd_central_route (&r, path);
}

/* Public API */

BdCentralServer *
bd_central_server_new (BdCentralStore *store)
{
  BdCentralServer *self = g_new0 (BdCentralServer, 1);

  self->store = store;
  self->tiles = bd_central_tile_reader_new ();
  _bd_central_uploads_init (self);
  self->soup = soup_server_new ("server-header", "bosai-central/" PACKAGE_VERSION, NULL);
  soup_server_add_handler (self->soup, NULL, server_callback, self, NULL);
  g_signal_connect (self->soup, "request-started", G_CALLBACK (on_request_started_cb), self);
  g_signal_connect (self->soup, "request-finished", G_CALLBACK (on_request_done_cb), self);
  g_signal_connect (self->soup, "request-aborted", G_CALLBACK (on_request_done_cb), self);
  return self;
}

guint
bd_central_server_listen (BdCentralServer  *self,
                          const char       *address,
                          guint             port,
                          GError          **error)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
  g_autoptr(GSocketAddress) socket_address = NULL;
  GSList *listeners;
  guint bound = 0;

  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an IP address."), address);
      return 0;
    }
  socket_address = g_inet_socket_address_new (inet, (guint16) port);
  if (!soup_server_listen (self->soup, socket_address, 0, error))
    return 0;

  /* From the sockets: soup_server_get_uris () leaks an address in 3.2. */
  listeners = soup_server_get_listeners (self->soup);
  for (GSList *l = listeners; l != NULL; l = l->next)
    {
      g_autoptr(GSocketAddress) local = g_socket_get_local_address (l->data, NULL);

      if (G_IS_INET_SOCKET_ADDRESS (local))
        bound = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
    }
  g_slist_free (listeners);
  return bound;
}

void
bd_central_server_set_upload_dir (BdCentralServer *self,
                                  const char      *dir)
{
  g_return_if_fail (self->uploads->len == 0);

  if (self->own_upload_dir)
    g_rmdir (self->upload_dir);
  g_free (self->upload_dir);
  self->upload_dir = g_strdup (dir);
  self->own_upload_dir = FALSE;
}

void
bd_central_server_begin_shutdown (BdCentralServer *self)
{
  self->shutting_down = TRUE;
}

guint
bd_central_server_get_in_flight (BdCentralServer *self)
{
  return self->in_flight;
}

void
bd_central_server_disconnect (BdCentralServer *self)
{
  soup_server_disconnect (self->soup);
}

void
bd_central_server_free (BdCentralServer *self)
{
  if (self == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->soup, self);
  soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  _bd_central_uploads_clear (self);
  g_clear_pointer (&self->tiles, bd_central_tile_reader_free);
  g_free (self);
}
