/* bd-central-routes-attachments.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Photos: PUT and GET /attachments/{sha256}, content-addressed. */

#define G_LOG_DOMAIN "bd-central"

#include "config.h"

#include "bd-central-server-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bd-media.h"

/* What a stored photo is served as: its type when accepted, else
 * application/octet-stream (rows stored before types were checked). */
static const char *
type_to_serve (const char *stored)
{
  return bd_media_is_accepted (stored) ? stored : "application/octet-stream";
}

gboolean
_bd_central_sha256_is_valid (const char *text)
{
  if (text == NULL || strlen (text) != 64)
    return FALSE;
  for (guint i = 0; i < 64; i++)
    {
      if (!g_ascii_isxdigit (text[i]) || g_ascii_isupper (text[i]))
        return FALSE;
    }
  return TRUE;
}

/* Are the bytes (@head, the first of them) the photo type the client named?
 * On failure responds 415 and returns FALSE. */
static gboolean
bytes_match_type (Request      *r,
                  const char   *declared,
                  const guint8 *head,
                  gsize         head_length)
{
  const char *sniffed = bd_media_sniff (head, head_length);
  g_autofree char *description = NULL;

  if (bd_media_matches (declared, sniffed))
    return TRUE;
  if (sniffed == NULL)
    description = g_strdup_printf (_("The body is not a JPEG, PNG, WebP or HEIC photo, "
                                     "though its Content-Type says %s."), declared);
  else
    description = g_strdup_printf (_("The body is a %s photo, but its Content-Type says %s."),
                                   sniffed, declared);
  _bd_central_respond_error (r->msg, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE,
                             "unsupported-media-type", description);
  return FALSE;
}

/* The body was written to a file as it arrived (bd-central-uploads.c). */
void
_bd_central_handle_attachment_put (Request *r)
{
  BdCentralUpload *upload = g_object_get_data (G_OBJECT (r->msg), MSG_UPLOAD);
  const char *type =
    soup_message_headers_get_content_type (soup_server_message_get_request_headers (r->msg), NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *etag = NULL;
  g_autofree char *media_type = NULL;
  const guint8 *head;
  gsize head_length;
  gboolean created = FALSE;

  if (g_object_get_data (G_OBJECT (r->msg), MSG_TOO_LARGE) != NULL ||
      (upload != NULL && _bd_central_upload_get_size (upload) > BD_CENTRAL_MAX_ATTACHMENT_BYTES))
    {
      _bd_central_respond_error (r->msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "payload-too-large",
                                 _("The attachment is too large."));
      return;
    }
  if (!bd_media_is_accepted (type))
    {
      _bd_central_respond_error (r->msg, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE,
                                 "unsupported-media-type",
                                 _("An attachment must be a JPEG, PNG, WebP or HEIC photo "
                                   "(Content-Type image/jpeg, image/png, image/webp or "
                                   "image/heic)."));
      return;
    }
  if (upload == NULL)
    {
      g_warning ("An attachment's body was not streamed to a file");
      _bd_central_respond_error (r->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                                 _("The server cannot store an upload now."));
      return;
    }

  head = _bd_central_upload_get_head (upload, &head_length);
  if (!bytes_match_type (r, type, head, head_length))
    return;
  bytes = _bd_central_upload_finish (upload, &sha256, &error);
  if (bytes == NULL)
    {
      g_warning ("%s", error->message);
      _bd_central_respond_error (r->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                                 _("The server cannot store an upload now."));
      return;
    }
  if (strcmp (sha256, r->id) != 0)
    {
      _bd_central_respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "hash-mismatch",
                                 _("The SHA-256 of the body differs from the one in the URL."));
      return;
    }

  media_type = g_ascii_strdown (type, -1);
  if (!bd_central_store_put_attachment (r->server->store, r->id, media_type, bytes, &created,
                                        &error))
    {
      g_warning ("%s", error->message);
      _bd_central_respond_error (r->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                                 error->message);
      return;
    }
  etag = g_strdup_printf ("\"%s\"", sha256);
  soup_message_headers_replace (soup_server_message_get_response_headers (r->msg), "ETag", etag);
  _bd_central_respond_json (r->msg, created ? SOUP_STATUS_CREATED : SOUP_STATUS_OK, JSON_TYPE,
                            g_strdup_printf ("{\"sha256\":\"%s\",\"size\":%zu,"
                                             "\"created\":%s}", sha256,
                                             g_bytes_get_size (bytes),
                                             created ? "true" : "false"));
}

void
_bd_central_handle_attachment_get (Request *r)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *media_type = NULL;
  g_autofree char *etag = NULL;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (r->msg);

  bytes = bd_central_store_get_attachment (r->server->store, r->id, &media_type, &error);
  if (error != NULL)
    {
      _bd_central_respond_error (r->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                                 error->message);
      return;
    }
  if (bytes == NULL)
    {
      _bd_central_respond_error (r->msg, SOUP_STATUS_NOT_FOUND, "not-found",
                                 _("There is no such attachment."));
      return;
    }
  etag = g_strdup_printf ("\"%s\"", r->id);
  soup_message_headers_replace (headers, "ETag", etag);
  soup_message_headers_replace (headers, "Cache-Control", "private, max-age=31536000, immutable");
  /* a download of the stored type, never read as anything else */
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "Content-Disposition", "attachment");
  soup_message_headers_set_content_type (headers, type_to_serve (media_type),
                                         NULL);
  soup_server_message_set_status (r->msg, SOUP_STATUS_OK, NULL);
  /* the body refers to the bytes: no second copy */
  soup_message_body_append_bytes (soup_server_message_get_response_body (r->msg), bytes);
}
