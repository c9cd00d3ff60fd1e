/* bd-photo-loader.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-photo-loader"

#include "config.h"

#include "bd-photo-loader.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "bd-media.h"

#define READ_CHUNK      (256 * 1024)
#define DECODE_CHUNK    (64 * 1024)
#define MAX_NAME_CHARS  255
#define TAIL_BYTES      4096

G_DEFINE_QUARK (bd-photo-error-quark, bd_photo_error)

void
bd_photo_file_free (BdPhotoFile *photo)
{
  if (photo == NULL)
    return;

  g_clear_pointer (&photo->bytes, g_bytes_unref);
  g_clear_pointer (&photo->media_type, g_free);
  g_clear_pointer (&photo->name, g_free);
  g_clear_object (&photo->thumbnail);
  g_free (photo);
}

char *
bd_photo_sanitize_name (const char *name)
{
  g_autofree char *valid = NULL;
  GString *safe;
  guint n_chars = 0;

  valid = g_utf8_make_valid (name != NULL ? name : "", -1);
  safe = g_string_new (NULL);

  for (const char *p = valid; *p != '\0' && n_chars < MAX_NAME_CHARS; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '/' || c == '\\' || g_unichar_iscntrl (c))
        c = '_';
      g_string_append_unichar (safe, c);
      n_chars++;
    }

  if (safe->len == 0)
    /* Translators: the name given to a photo whose file has no usable name */
    g_string_append (safe, _("photo"));

  return g_string_free (safe, FALSE);
}

/* Decoding */

/* Whether gdk-pixbuf has a loader for @media_type here (Debian's
 * webp-pixbuf-loader and heif-gdk-pixbuf are not always installed). */
static gboolean
can_decode (const char *media_type)
{
  GSList *formats = gdk_pixbuf_get_formats ();
  gboolean found = FALSE;

  for (GSList *l = formats; l != NULL && !found; l = l->next)
    {
      g_auto(GStrv) types = gdk_pixbuf_format_get_mime_types (l->data);

      for (guint i = 0; types != NULL && types[i] != NULL && !found; i++)
        found = g_ascii_strcasecmp (types[i], media_type) == 0 ||
                (g_str_equal (media_type, "image/heic") &&
                 g_ascii_strcasecmp (types[i], "image/heif") == 0);
    }

  g_slist_free (formats);
  return found;
}

typedef struct
{
  int      width;
  int      height;
  gboolean too_large;
} SizeInfo;

static void
on_size_prepared_cb (GdkPixbufLoader *loader,
                     int              width,
                     int              height,
                     gpointer         user_data)
{
  SizeInfo *info = user_data;
  int shorter;

  info->width = width;
  info->height = height;

  if (width <= 0 || height <= 0 || (gint64)width * height > BD_PHOTO_MAX_PIXELS)
    {
      info->too_large = TRUE;
      return;
    }

  /* Loaders that can (JPEG) decode straight to the smaller size. */
  shorter = MIN (width, height);
  if (shorter > BD_PHOTO_THUMBNAIL_PIXELS)
    {
      double scale = (double)BD_PHOTO_THUMBNAIL_PIXELS / shorter;

      gdk_pixbuf_loader_set_size (loader,
                                  MAX (1, (int)lround (width * scale)),
                                  MAX (1, (int)lround (height * scale)));
    }
}

static gboolean
tail_contains (const guint8 *data,
               gsize         size,
               const char   *needle,
               gsize         needle_len)
{
  gsize start = size > TAIL_BYTES ? size - TAIL_BYTES : 0;

  for (gsize i = size >= needle_len ? size - needle_len + 1 : 0; i > start; i--)
    if (memcmp (data + i - 1, needle, needle_len) == 0)
      return TRUE;

  return FALSE;
}

/* gdk-pixbuf shows whatever part of a PNG or JPEG it could decode: a file
 * cut short (an interrupted copy) must not pass as a photo. A PNG ends with
 * its IEND chunk, a JPEG with the EOI marker (some cameras pad after it). */
static gboolean
looks_complete (GdkPixbufLoader *loader,
                const guint8    *data,
                gsize            size)
{
  GdkPixbufFormat *format = gdk_pixbuf_loader_get_format (loader);
  g_autofree char *name = format != NULL ? gdk_pixbuf_format_get_name (format) : NULL;

  if (g_strcmp0 (name, "png") == 0)
    return tail_contains (data, size, "IEND", 4);
  if (g_strcmp0 (name, "jpeg") == 0)
    return tail_contains (data, size, "\xff\xd9", 2);

  return TRUE;
}

/* The decoder's own words ("invalid chunk type", with the bytes it saw)
 * mean nothing to the user: they go to the debug log. */
static void
set_unreadable (GError **error,
                GError  *cause)
{
  if (cause != NULL)
    g_debug ("Cannot decode an image: %s", cause->message);

  g_set_error_literal (error, BD_PHOTO_ERROR, BD_PHOTO_ERROR_BAD_IMAGE,
                       _("The image cannot be read: the file may be damaged, or in a format this app does not know."));
}

GdkTexture *
bd_photo_decode_thumbnail (GBytes        *bytes,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GdkPixbuf) oriented = NULL;
  g_autoptr(GError) local_error = NULL;
  SizeInfo info = { 0, 0, FALSE };
  const char *sniffed;
  const guint8 *data;
  GdkPixbuf *pixbuf;
  gsize size;
  gsize offset = 0;

  g_return_val_if_fail (bytes != NULL, NULL);

  data = g_bytes_get_data (bytes, &size);
  if (size == 0)
    {
      g_set_error_literal (error, BD_PHOTO_ERROR, BD_PHOTO_ERROR_EMPTY,
                           _("The photo is empty."));
      return NULL;
    }

  sniffed = bd_media_sniff (data, size);
  if (sniffed != NULL && !can_decode (sniffed))
    {
      g_set_error_literal (error, BD_PHOTO_ERROR, BD_PHOTO_ERROR_NO_PREVIEW,
                           _("This device cannot show a preview of this photo."));
      return NULL;
    }

  loader = gdk_pixbuf_loader_new ();
  g_signal_connect (loader, "size-prepared", G_CALLBACK (on_size_prepared_cb), &info);

  /* In chunks, so that a huge image is refused once its header is read. */
  while (offset < size)
    {
      gsize chunk = MIN (DECODE_CHUNK, size - offset);

      if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
          !gdk_pixbuf_loader_write (loader, data + offset, chunk, &local_error) ||
          info.too_large)
        {
          gdk_pixbuf_loader_close (loader, NULL);
          g_signal_handlers_disconnect_by_data (loader, &info);

          if (info.too_large)
            g_set_error (error, BD_PHOTO_ERROR, BD_PHOTO_ERROR_TOO_LARGE,
                         _("The image is too large to show (%d × %d pixels)."),
                         info.width, info.height);
          else if (local_error != NULL)
            set_unreadable (error, local_error);
          return NULL;
        }
      offset += chunk;
    }

  if (!gdk_pixbuf_loader_close (loader, &local_error))
    {
      g_signal_handlers_disconnect_by_data (loader, &info);
      set_unreadable (error, local_error);
      return NULL;
    }
  g_signal_handlers_disconnect_by_data (loader, &info);

  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (pixbuf != NULL && !looks_complete (loader, data, size))
    {
      g_set_error_literal (error, BD_PHOTO_ERROR, BD_PHOTO_ERROR_BAD_IMAGE,
                           _("The image is incomplete: the file may have been cut short."));
      return NULL;
    }
  if (pixbuf == NULL)
    {
      set_unreadable (error, NULL);
      return NULL;
    }

  /* Cameras store "this side up" apart from the pixels. */
  oriented = gdk_pixbuf_apply_embedded_orientation (pixbuf);
  if (oriented == NULL)
    oriented = g_object_ref (pixbuf);

  return gdk_texture_new_for_pixbuf (oriented);
}

static void
decode_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GBytes *bytes = task_data;
  GError *error = NULL;
  GdkTexture *texture;

  texture = bd_photo_decode_thumbnail (bytes, cancellable, &error);
  if (texture == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, texture, g_object_unref);
}

void
bd_photo_decode_thumbnail_async (GBytes              *bytes,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (bytes != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, bd_photo_decode_thumbnail_async);
  g_task_set_task_data (task, g_bytes_ref (bytes), (GDestroyNotify)g_bytes_unref);
  g_task_run_in_thread (task, decode_thread);
}

GdkTexture *
bd_photo_decode_thumbnail_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == bd_photo_decode_thumbnail_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Reading a file */

typedef struct
{
  GFile *file;
  gsize  max_bytes;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_object (&data->file);
  g_free (data);
}

static char *
dup_display_name (GFile     *file,
                  GFileInfo *info)
{
  g_autofree char *basename = NULL;

  if (info != NULL && g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME))
    return bd_photo_sanitize_name (g_file_info_get_display_name (info));

  basename = g_file_get_basename (file);
  if (basename != NULL)
    {
      g_autofree char *display = g_filename_display_name (basename);

      return bd_photo_sanitize_name (display);
    }

  return bd_photo_sanitize_name (NULL);
}

static char *
format_megabytes (gsize bytes)
{
  /* Translators: a file size limit in megabytes */
  return g_strdup_printf (_("%u MB"), (guint)(bytes >> 20));
}

static BdPhotoFile *
load_file (GFile         *file,
           gsize          max_bytes,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GByteArray) buffer = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(BdPhotoFile) photo = NULL;
  g_autofree char *name = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *mime_type = NULL;
  g_autofree char *limit = NULL;
  const char *sniffed;
  gboolean uncertain = FALSE;
  gsize total = 0;

  limit = format_megabytes (max_bytes);
  info = g_file_query_info (file,
                            G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME ","
                            G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                            G_FILE_ATTRIBUTE_STANDARD_TYPE,
                            G_FILE_QUERY_INFO_NONE, cancellable, &local_error);
  name = dup_display_name (file, info);
  if (info == NULL)
    {
      g_set_error (error, local_error->domain, local_error->code,
                   _("“%s” cannot be opened: %s"), name, local_error->message);
      return NULL;
    }

  if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
    {
      g_set_error (error, BD_PHOTO_ERROR, BD_PHOTO_ERROR_NOT_IMAGE,
                   _("“%s” is a folder, not a photo."), name);
      return NULL;
    }

  /* Refuse what is plainly too big before reading any of it. */
  if (g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE) &&
      g_file_info_get_size (info) > 0 && (guint64)g_file_info_get_size (info) > max_bytes)
    {
      g_set_error (error, BD_PHOTO_ERROR, BD_PHOTO_ERROR_TOO_LARGE,
                   _("“%s” is larger than %s: choose a smaller photo."), name, limit);
      return NULL;
    }

  if (!(stream = g_file_read (file, cancellable, &local_error)))
    {
      g_set_error (error, local_error->domain, local_error->code,
                   _("“%s” cannot be opened: %s"), name, local_error->message);
      return NULL;
    }

  /* Bounded: a file that grows, or reports no size, is read to one byte
   * past the limit at most. */
  buffer = g_byte_array_new ();
  for (;;)
    {
      gsize want = MIN ((gsize)READ_CHUNK, max_bytes + 1 - total);
      gssize n;

      g_byte_array_set_size (buffer, total + want);
      n = g_input_stream_read (G_INPUT_STREAM (stream), buffer->data + total, want,
                               cancellable, &local_error);
      if (n < 0)
        {
          g_set_error (error, local_error->domain, local_error->code,
                       _("“%s” cannot be read: %s"), name, local_error->message);
          return NULL;
        }
      total += n;
      g_byte_array_set_size (buffer, total);

      if (total > max_bytes)
        {
          g_set_error (error, BD_PHOTO_ERROR, BD_PHOTO_ERROR_TOO_LARGE,
                       _("“%s” is larger than %s: choose a smaller photo."), name, limit);
          return NULL;
        }
      if (n == 0)
        break;
    }
  g_input_stream_close (G_INPUT_STREAM (stream), NULL, NULL);

  if (total == 0)
    {
      g_set_error (error, BD_PHOTO_ERROR, BD_PHOTO_ERROR_EMPTY,
                   _("“%s” is empty."), name);
      return NULL;
    }

  photo = g_new0 (BdPhotoFile, 1);
  photo->name = g_steal_pointer (&name);
  photo->bytes = g_byte_array_free_to_bytes (g_steal_pointer (&buffer));

  /* The server takes a photo only when its bytes are one of its types,
   * and only under that type's name: the bytes decide, not the file name. */
  sniffed = bd_media_sniff (g_bytes_get_data (photo->bytes, NULL), total);
  if (sniffed == NULL)
    {
      content_type = g_content_type_guess (NULL, g_bytes_get_data (photo->bytes, NULL),
                                           MIN (total, 4096), &uncertain);
      mime_type = g_content_type_get_mime_type (content_type);
      if (mime_type != NULL && g_str_has_prefix (mime_type, "image/"))
        g_set_error (error, BD_PHOTO_ERROR, BD_PHOTO_ERROR_NOT_ACCEPTED,
                     _("“%s” cannot be sent: only JPEG, PNG, WebP and HEIC photos are accepted."),
                     photo->name);
      else
        g_set_error (error, BD_PHOTO_ERROR, BD_PHOTO_ERROR_NOT_IMAGE,
                     _("“%s” is not a photo: choose a JPEG, PNG, WebP or HEIC image."),
                     photo->name);
      return NULL;
    }
  photo->media_type = g_strdup (sniffed);

  photo->thumbnail = bd_photo_decode_thumbnail (photo->bytes, cancellable, &local_error);
  if (g_error_matches (local_error, BD_PHOTO_ERROR, BD_PHOTO_ERROR_NO_PREVIEW))
    {
      /* The server takes it: it is kept and sent, only not drawn here. */
      g_debug ("“%s” (%s): %s", photo->name, photo->media_type, local_error->message);
      return g_steal_pointer (&photo);
    }
  if (photo->thumbnail == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, BD_PHOTO_ERROR,
                     local_error->domain == BD_PHOTO_ERROR ? local_error->code : BD_PHOTO_ERROR_BAD_IMAGE,
                     /* Translators: the file name, then a sentence that says why */
                     _("“%s” cannot be used. %s"), photo->name, local_error->message);
      return NULL;
    }

  return g_steal_pointer (&photo);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *data = task_data;
  GError *error = NULL;
  BdPhotoFile *photo;

  photo = load_file (data->file, data->max_bytes, cancellable, &error);
  if (photo == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, photo, (GDestroyNotify)bd_photo_file_free);
}

void
bd_photo_load_file_async (GFile               *file,
                          gsize                max_bytes,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadData *data;

  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (max_bytes > 0 && max_bytes < G_MAXSIZE);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (LoadData, 1);
  data->file = g_object_ref (file);
  data->max_bytes = max_bytes;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, bd_photo_load_file_async);
  g_task_set_task_data (task, data, (GDestroyNotify)load_data_free);
  g_task_run_in_thread (task, load_thread);
}

BdPhotoFile *
bd_photo_load_file_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == bd_photo_load_file_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Thumbnails of stored photos: read by the store, decoded on a worker */

static void
on_thumbnail_decoded_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GdkTexture *texture;

  if (!(texture = bd_photo_decode_thumbnail_finish (result, &error)))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, texture, g_object_unref);
}

static void
on_thumbnail_read_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GBytes) bytes = NULL;
  GCancellable *cancellable;
  GError *error = NULL;

  if (!(bytes = bd_store_read_attachment_finish (BD_STORE (object), result, NULL, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  cancellable = g_task_get_cancellable (task);
  bd_photo_decode_thumbnail_async (bytes, cancellable,
                                   on_thumbnail_decoded_cb, g_steal_pointer (&task));
}

void
bd_photo_load_thumbnail_async (BdStore             *store,
                               const char          *sha256,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (BD_IS_STORE (store));
  g_return_if_fail (sha256 != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, bd_photo_load_thumbnail_async);
  bd_store_read_attachment_async (store, sha256, cancellable,
                                  on_thumbnail_read_cb, g_steal_pointer (&task));
}

GdkTexture *
bd_photo_load_thumbnail_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == bd_photo_load_thumbnail_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
