/* bd-central-uploads.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Attachment bodies go to disk as they arrive, not into memory: each upload
 * writes its chunks to a temporary file in the server's upload directory,
 * hashing them as it goes and keeping only the first bytes (for the type
 * check). Concurrent uploads are bounded per token and in total, which
 * bounds the disk they take too. Twenty 19 MB uploads at once took the
 * server from 9 MB to 464 MB when bodies were kept in memory. */

#define G_LOG_DOMAIN "bd-central"

#include "config.h"

#include "bd-central-server-private.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <fcntl.h>
#include <gio/gunixoutputstream.h>
#include <glib/gstdio.h>
#include <string.h>

#include "bd-media.h"

struct _BdCentralUpload
{
  BdCentralServer *server;       /* NULL once the server is freed */
  gint64           token_id;
  char            *path;
  GOutputStream   *out;
  GChecksum       *checksum;
  guint8           head[BD_MEDIA_SNIFF_BYTES];
  gsize            head_length;
  gsize            size;
  GError          *error;        /* the first write that failed */
};

static void
upload_free (BdCentralUpload *upload)
{
  if (upload->server != NULL)
    g_ptr_array_remove_fast (upload->server->uploads, upload);
  if (upload->out != NULL)
    g_output_stream_close (upload->out, NULL, NULL);
  g_clear_object (&upload->out);
  if (upload->path != NULL)
    g_unlink (upload->path);
  g_free (upload->path);
  g_checksum_free (upload->checksum);
  g_clear_error (&upload->error);
  g_free (upload);
}

static guint
uploads_of_token (BdCentralServer *self,
                  gint64           token_id)
{
  guint n = 0;

  for (guint i = 0; i < self->uploads->len; i++)
    {
      BdCentralUpload *upload = g_ptr_array_index (self->uploads, i);

      if (upload->token_id == token_id)
        n++;
    }
  return n;
}

static gboolean
ensure_upload_dir (BdCentralServer  *self,
                   GError          **error)
{
  if (self->upload_dir != NULL)
    return TRUE;
  self->upload_dir = g_dir_make_tmp ("bosai-central-uploads-XXXXXX", error);
  self->own_upload_dir = self->upload_dir != NULL;
  return self->upload_dir != NULL;
}

gboolean
_bd_central_upload_begin (BdCentralServer   *self,
                          SoupServerMessage *msg,
                          BdCentralToken    *token)
{
  SoupMessageHeaders *response_headers = soup_server_message_get_response_headers (msg);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  int fd = -1;
  BdCentralUpload *upload;

  if (uploads_of_token (self, token->id) >= BD_CENTRAL_MAX_UPLOADS_PER_TOKEN)
    {
      g_autofree char *description =
        g_strdup_printf (_("This token has %d uploads under way already; try again when one "
                           "has finished."), BD_CENTRAL_MAX_UPLOADS_PER_TOKEN);

      soup_message_headers_replace (response_headers, "Retry-After", "5");
      _bd_central_refuse_early (msg, 429 /* Too Many Requests */, "too-many-uploads",
                                description);
      return FALSE;
    }
  if (self->uploads->len >= BD_CENTRAL_MAX_UPLOADS)
    {
      soup_message_headers_replace (response_headers, "Retry-After", "5");
      _bd_central_refuse_early (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "busy",
                                _("The server takes as many uploads at once as it can; "
                                  "try again shortly."));
      return FALSE;
    }

  if (ensure_upload_dir (self, &error))
    {
      path = g_build_filename (self->upload_dir, "upload-XXXXXX", NULL);
      fd = g_mkstemp_full (path, O_RDWR | O_CLOEXEC, 0600);
      if (fd < 0)
        g_set_error (&error, G_IO_ERROR, g_io_error_from_errno (errno),
                     "%s: %s", path, g_strerror (errno));
    }
  if (fd < 0)
    {
      g_warning ("%s", error->message);
      _bd_central_refuse_early (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                                _("The server cannot store an upload now."));
      return FALSE;
    }

  upload = g_new0 (BdCentralUpload, 1);
  upload->server = self;
  upload->token_id = token->id;
  upload->path = g_steal_pointer (&path);
  upload->out = g_unix_output_stream_new (fd, TRUE);
  upload->checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_ptr_array_add (self->uploads, upload);
  g_object_set_data_full (G_OBJECT (msg), MSG_UPLOAD, upload, (GDestroyNotify) upload_free);

  /* the chunks go to the file; libsoup keeps none of them */
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  return TRUE;
}

void
_bd_central_upload_write (BdCentralUpload *upload,
                          GBytes          *chunk)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (chunk, &size);
  gsize head = MIN (size, sizeof upload->head - upload->head_length);

  if (upload->error != NULL || upload->out == NULL)
    return;
  memcpy (upload->head + upload->head_length, data, head);
  upload->head_length += head;
  upload->size += size;
  g_checksum_update (upload->checksum, data, (gssize) size);
  g_output_stream_write_all (upload->out, data, size, NULL, NULL, &upload->error);
}

/* Past the body's limit: nothing more is written. */
void
_bd_central_upload_abandon (BdCentralUpload *upload)
{
  if (upload->out != NULL)
    g_output_stream_close (upload->out, NULL, NULL);
  g_clear_object (&upload->out);
}

GBytes *
_bd_central_upload_finish (BdCentralUpload  *upload,
                           char            **sha256,
                           GError          **error)
{
  g_autoptr(GMappedFile) mapped = NULL;

  if (upload->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&upload->error));
      return NULL;
    }
  if (upload->out != NULL && !g_output_stream_close (upload->out, NULL, error))
    return NULL;
  g_clear_object (&upload->out);

  *sha256 = g_strdup (g_checksum_get_string (upload->checksum));
  /* mapped, not read: the pages are the file's, and the store copies them */
  mapped = g_mapped_file_new (upload->path, FALSE, error);
  if (mapped == NULL)
    return NULL;
  return g_mapped_file_get_bytes (mapped);
}

const guint8 *
_bd_central_upload_get_head (BdCentralUpload *upload,
                             gsize           *length)
{
  *length = upload->head_length;
  return upload->head;
}

gsize
_bd_central_upload_get_size (BdCentralUpload *upload)
{
  return upload->size;
}

void
_bd_central_uploads_init (BdCentralServer *self)
{
  self->uploads = g_ptr_array_new ();
}

/* Uploads whose messages outlive the server delete their own files. */
void
_bd_central_uploads_clear (BdCentralServer *self)
{
  for (guint i = 0; i < self->uploads->len; i++)
    ((BdCentralUpload *) g_ptr_array_index (self->uploads, i))->server = NULL;
  g_clear_pointer (&self->uploads, g_ptr_array_unref);
  if (self->own_upload_dir)
    g_rmdir (self->upload_dir);
  g_clear_pointer (&self->upload_dir, g_free);
}
