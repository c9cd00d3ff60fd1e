/* bd-sync-http.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Requests to the server, and answers read with a bound: a server that
 * sends more than a run expects is a fault, not something to hold in
 * memory. */

#define G_LOG_DOMAIN "bd-sync"

#include "config.h"

#include "bd-sync-private.h"

#include <glib/gi18n-lib.h>

#include "bd-json.h"

#define READ_CHUNK (64 << 10)

char *
_bd_sync_server_url (BdSync     *self,
                     const char *path)
{
  const char *slash = g_str_has_suffix (self->server_url, "/") ? "" : "/";

  return g_strconcat (self->server_url, slash, path, NULL);
}

char *
_bd_sync_item_url (BdSync     *self,
                   const char *id)
{
  g_autofree char *escaped = g_uri_escape_string (id, NULL, FALSE);
  g_autofree char *path = g_strconcat ("collections/reports/items/", escaped, NULL);

  return _bd_sync_server_url (self, path);
}

SoupMessage *
_bd_sync_request_new (const char *method,
                      const char *url,
                      const char *token)
{
  SoupMessage *msg = soup_message_new (method, url);
  g_autofree char *auth = NULL;

  if (msg == NULL)
    return NULL;
  if (token != NULL)
    {
      auth = g_strdup_printf ("Bearer %s", token);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  return msg;
}

SoupMessage *
_bd_sync_message_new (BdSync     *self,
                      const char *method,
                      const char *url)
{
  return _bd_sync_request_new (method, url, self->token);
}

gboolean
_bd_sync_status_unreachable (guint status)
{
  return status >= 500 || status == 408 || status == 429 || status < 100;
}

static gboolean
too_large (SoupMessage  *msg,
           gsize         size,
           gsize         max,
           GError      **error)
{
  goffset length = soup_message_headers_get_content_length (soup_message_get_response_headers (msg));

  if (size <= max && length <= (goffset) max)
    return FALSE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
               _("the server’s answer is larger than %u MB"), (guint) (max >> 20));
  return TRUE;
}

GBytes *
_bd_sync_send_bounded (SoupSession   *session,
                       SoupMessage   *msg,
                       gsize          max,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(GInputStream) stream = soup_session_send (session, msg, cancellable, error);
  g_autoptr(GByteArray) buffer = NULL;

  if (stream == NULL || too_large (msg, 0, max, error))
    return NULL;
  buffer = g_byte_array_new ();
  for (;;)
    {
      g_autoptr(GBytes) chunk = g_input_stream_read_bytes (stream, READ_CHUNK, cancellable, error);

      if (chunk == NULL)
        return NULL;
      if (g_bytes_get_size (chunk) == 0)
        break;
      if (too_large (msg, buffer->len + g_bytes_get_size (chunk), max, error))
        return NULL;
      g_byte_array_append (buffer, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
    }
  g_input_stream_close (stream, NULL, NULL);
  return g_byte_array_free_to_bytes (g_steal_pointer (&buffer));
}

typedef struct
{
  SoupMessage  *msg;
  GInputStream *stream;
  GByteArray   *buffer;
  gsize         max;
} BoundedRead;

static void
bounded_read_free (BoundedRead *read)
{
  g_clear_object (&read->msg);
  g_clear_object (&read->stream);
  g_clear_pointer (&read->buffer, g_byte_array_unref);
  g_free (read);
}

static void
on_bounded_chunk (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BoundedRead *read = g_task_get_task_data (task);
  g_autoptr(GBytes) chunk = NULL;
  GCancellable *cancellable;
  GError *error = NULL;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (chunk == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (g_bytes_get_size (chunk) == 0)
    {
      g_input_stream_close_async (read->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
      g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&read->buffer)),
                             (GDestroyNotify) g_bytes_unref);
      return;
    }
  if (too_large (read->msg, read->buffer->len + g_bytes_get_size (chunk), read->max, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_byte_array_append (read->buffer, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  cancellable = g_task_get_cancellable (task);
  g_input_stream_read_bytes_async (read->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   cancellable, on_bounded_chunk, g_steal_pointer (&task));
}

static void
on_bounded_sent (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BoundedRead *read = g_task_get_task_data (task);
  GCancellable *cancellable;
  GError *error = NULL;

  read->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (read->stream == NULL || too_large (read->msg, 0, read->max, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  read->buffer = g_byte_array_new ();
  cancellable = g_task_get_cancellable (task);
  g_input_stream_read_bytes_async (read->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   cancellable, on_bounded_chunk, g_steal_pointer (&task));
}

void
_bd_sync_send_bounded_async (SoupSession         *session,
                             SoupMessage         *msg,
                             gsize                max,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task = g_task_new (session, cancellable, callback, user_data);
  BoundedRead *read = g_new0 (BoundedRead, 1);

  read->msg = g_object_ref (msg);
  read->max = max;
  g_task_set_source_tag (task, _bd_sync_send_bounded_async);
  g_task_set_task_data (task, read, (GDestroyNotify) bounded_read_free);
  soup_session_send_async (session, msg, G_PRIORITY_DEFAULT, cancellable, on_bounded_sent, task);
}

GBytes *
_bd_sync_send_bounded_finish (GAsyncResult  *result,
                              SoupMessage  **msg,
                              GError       **error)
{
  BoundedRead *read = g_task_get_task_data (G_TASK (result));

  *msg = read->msg;
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
_bd_sync_set_malformed (GError       **error,
                        const GError  *reason)
{
  if (reason != NULL)
    g_set_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_UNREACHABLE, "%s: %s",
                 _("the server sent a malformed answer"), reason->message);
  else
    g_set_error_literal (error, BD_SYNC_ERROR, BD_SYNC_ERROR_UNREACHABLE,
                         _("the server sent a malformed answer"));
}

BdReport *
_bd_sync_parse_feature (const char  *text,
                        gsize        length,
                        GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) reason = NULL;
  BdReport *report;

  root = bd_json_parse (text, length, BD_SYNC_MAX_ANSWER_BYTES, &reason);
  if (root == NULL || (report = bd_report_new_from_json (root, &reason)) == NULL)
    {
      _bd_sync_set_malformed (error, reason);
      return NULL;
    }
  return report;
}
