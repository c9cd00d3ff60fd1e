/* bd-http-tile-source.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-http-tiles"

#include "config.h"

#include "bd-http-tile-source.h"

#include <string.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n-lib.h>

/* ShumateFileCache's own limit as ShumateTileDownloader set it, and how old
 * a cached tile may be before it is asked for again. */
#define CACHE_BYTES (100 * 1000 * 1000)
#define CACHE_MAX_AGE (7 * G_TIME_SPAN_DAY)
#define READ_CHUNK (64 * 1024)

struct _BdHttpTileSource
{
  ShumateDataSource  parent_instance;

  char              *url_template;
  SoupSession       *session;
  ShumateFileCache  *cache;
  guint              timeout_ms;
  gboolean           paused;
  GQueue             waiting;      /* GTask*, owned */
  guint              n_in_flight;
  guint              peak_in_flight;
  guint              n_loaded;
  guint              n_failed;
  guint64            n_bytes_read;
};

G_DEFINE_FINAL_TYPE (BdHttpTileSource, bd_http_tile_source, SHUMATE_TYPE_DATA_SOURCE)

enum {
  COUNTS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  int           x, y, z;
  GCancellable *own;        /* the task's: the caller's, the timeout or the end */
  GBytes       *cached;     /* shown from the cache, being revalidated */
  char         *etag;
  SoupMessage  *msg;
  GInputStream *stream;
  GByteArray   *body;
  guint         timeout_id;
  gboolean      timed_out;
  gboolean      in_flight;
} TileRequest;

static void
tile_request_free (TileRequest *req)
{
  g_clear_handle_id (&req->timeout_id, g_source_remove);
  g_clear_object (&req->own);
  g_clear_pointer (&req->cached, g_bytes_unref);
  g_clear_pointer (&req->etag, g_free);
  g_clear_object (&req->msg);
  if (req->stream != NULL && !g_input_stream_is_closed (req->stream))
    /* libsoup drops the connection of a body not read to its end */
    g_input_stream_close_async (req->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  g_clear_object (&req->stream);
  g_clear_pointer (&req->body, g_byte_array_unref);
  g_free (req);
}

/* ------------------------------------------------------ what an image is */

static guint32
be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static gboolean
side_ok (guint64 width,
         guint64 height)
{
  return width > 0 && height > 0 && width <= BD_HTTP_TILE_MAX_SIDE && height <= BD_HTTP_TILE_MAX_SIDE;
}

static gboolean
png_ok (const guint8 *data,
        gsize         size)
{
  static const guint8 signature[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

  /* the signature, then IHDR first with the width and height */
  return size >= 24 && memcmp (data, signature, sizeof signature) == 0 &&
         memcmp (data + 12, "IHDR", 4) == 0 && side_ok (be32 (data + 16), be32 (data + 20));
}

static gboolean
jpeg_ok (const guint8 *data,
         gsize         size)
{
  gsize i = 2;

  if (size < 4 || data[0] != 0xff || data[1] != 0xd8 || data[2] != 0xff)
    return FALSE;
  /* walk the segments to the frame header (SOF0–SOF15 but DHT, JPG, DAC) */
  while (i + 4 <= size)
    {
      guint8 marker;
      gsize length;

      if (data[i] != 0xff)
        return FALSE;
      marker = data[i + 1];
      if (marker == 0xff)
        {
          i++;
          continue;
        }
      if (marker == 0xd8 || marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7))
        {
          i += 2;
          continue;
        }
      if (marker == 0xd9 || marker == 0xda)
        return FALSE;   /* image data or its end before any frame header */
      length = ((gsize) data[i + 2] << 8) | data[i + 3];
      if (length < 2)
        return FALSE;
      if (marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc)
        {
          if (i + 9 > size || length < 7)
            return FALSE;
          return side_ok (((guint) data[i + 7] << 8) | data[i + 8],
                          ((guint) data[i + 5] << 8) | data[i + 6]);
        }
      i += 2 + length;
    }
  return FALSE;
}

static gboolean
webp_ok (const guint8 *data,
         gsize         size)
{
  const guint8 *chunk = data + 12;

  if (size < 30 || memcmp (data, "RIFF", 4) != 0 || memcmp (data + 8, "WEBP", 4) != 0)
    return FALSE;
  if (memcmp (chunk, "VP8 ", 4) == 0)
    {
      const guint8 *frame = chunk + 8;

      /* a key frame's start code, then 14-bit width and height */
      return frame[3] == 0x9d && frame[4] == 0x01 && frame[5] == 0x2a &&
             side_ok ((frame[6] | (frame[7] << 8)) & 0x3fff, (frame[8] | (frame[9] << 8)) & 0x3fff);
    }
  if (memcmp (chunk, "VP8L", 4) == 0)
    {
      const guint8 *bits = chunk + 8;
      guint32 v = bits[1] | ((guint32) bits[2] << 8) | ((guint32) bits[3] << 16) | ((guint32) bits[4] << 24);

      return bits[0] == 0x2f && side_ok ((v & 0x3fff) + 1, ((v >> 14) & 0x3fff) + 1);
    }
  if (memcmp (chunk, "VP8X", 4) == 0)
    {
      const guint8 *canvas = chunk + 12;

      return side_ok ((canvas[0] | (canvas[1] << 8) | ((guint32) canvas[2] << 16)) + 1,
                      (canvas[3] | (canvas[4] << 8) | ((guint32) canvas[5] << 16)) + 1);
    }
  return FALSE;
}

gboolean
bd_http_tile_data_is_image (const guint8 *data,
                            gsize         size)
{
  if (data == NULL)
    return FALSE;
  return png_ok (data, size) || jpeg_ok (data, size) || webp_ok (data, size);
}

/* ------------------------------------------------------------ requests */

static char *
tile_url (BdHttpTileSource *self,
          int               x,
          int               y,
          int               z)
{
  g_autoptr(GString) url = g_string_new (self->url_template);
  char number[24];

  g_snprintf (number, sizeof number, "%d", x);
  g_string_replace (url, "{x}", number, 0);
  g_snprintf (number, sizeof number, "%d", y);
  g_string_replace (url, "{y}", number, 0);
  g_snprintf (number, sizeof number, "%d", z);
  g_string_replace (url, "{z}", number, 0);
  g_snprintf (number, sizeof number, "%" G_GINT64_FORMAT, ((gint64) 1 << z) - y - 1);
  g_string_replace (url, "{tmsy}", number, 0);
  return g_string_free (g_steal_pointer (&url), FALSE);
}

static void pump (BdHttpTileSource *self);

static void
counts_changed (BdHttpTileSource *self)
{
  g_signal_emit (self, signals[COUNTS_CHANGED], 0);
}

/* Ends @task (stolen) with @bytes, or with @error if @bytes is NULL, and
 * lets the next request go out. */
static void
finish (GTask  *task,
        GBytes *bytes,
        GError *error)
{
  g_autoptr(GTask) owned = task;
  BdHttpTileSource *self = g_task_get_source_object (task);
  TileRequest *req = g_task_get_task_data (task);
  gboolean counted = FALSE;

  g_clear_handle_id (&req->timeout_id, g_source_remove);
  if (bytes != NULL)
    {
      self->n_loaded++;
      counted = TRUE;
      g_task_return_pointer (task, g_bytes_ref (bytes), (GDestroyNotify) g_bytes_unref);
    }
  else
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
          !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          self->n_failed++;
          counted = TRUE;
          g_debug ("%s", error->message);
        }
      g_task_return_error (task, error);
    }
  /* let the read stop here (a body cut off is not read on) */
  g_cancellable_cancel (req->own);
  if (req->in_flight)
    {
      req->in_flight = FALSE;
      self->n_in_flight--;
      pump (self);
    }
  if (counted)
    counts_changed (self);
}

static void
fail (GTask      *task,
      GIOErrorEnum code,
      const char *message)
{
  TileRequest *req = g_task_get_task_data (task);

  /* a tile already shown from the cache stays shown */
  if (req->cached != NULL && code != G_IO_ERROR_CANCELLED)
    {
      g_autoptr(GBytes) cached = g_bytes_ref (req->cached);

      g_debug ("Kept the cached tile: %s", message);
      finish (task, cached, NULL);
      return;
    }
  finish (task, NULL, g_error_new (G_IO_ERROR, code, _("Tile %d/%d/%d: %s"), req->z, req->x,
                                   req->y, message));
}

/* Fails @task from @error of the network, telling a timeout and the
 * caller's cancelling apart. */
static void
fail_from (GTask        *task,
           const GError *error)
{
  TileRequest *req = g_task_get_task_data (task);
  GCancellable *caller = g_task_get_cancellable (task);
  g_autofree char *message = NULL;

  if (req->timed_out)
    {
      BdHttpTileSource *self = g_task_get_source_object (task);

      message = g_strdup_printf (_("the server did not send it within %u ms"), self->timeout_ms);
      fail (task, G_IO_ERROR_TIMED_OUT, message);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
           (caller != NULL && g_cancellable_is_cancelled (caller)))
    fail (task, G_IO_ERROR_CANCELLED, _("cancelled"));
  else
    fail (task, G_IO_ERROR_FAILED, error->message);
}

static void
on_stored_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!shumate_file_cache_store_tile_finish (SHUMATE_FILE_CACHE (object), result, &error))
    g_debug ("Tile not cached: %s", error->message);
}

/* On a worker: does the body decode? (The renderer decodes it again on the
 * main thread, and only warns when it cannot.) */
static void
decode_in_thread (GTask        *check,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GBytes *bytes = task_data;
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  g_autoptr(GError) error = NULL;

  if (!gdk_pixbuf_loader_write_bytes (loader, bytes, &error))
    {
      gdk_pixbuf_loader_close (loader, NULL);
      g_task_return_error (check, g_steal_pointer (&error));
      return;
    }
  if (!gdk_pixbuf_loader_close (loader, &error))
    {
      g_task_return_error (check, g_steal_pointer (&error));
      return;
    }
  if (gdk_pixbuf_loader_get_pixbuf (loader) == NULL)
    {
      g_task_return_new_error (check, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "no image");
      return;
    }
  g_task_return_boolean (check, TRUE);
}

static void
on_decoded_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  BdHttpTileSource *self = g_task_get_source_object (task);
  TileRequest *req = g_task_get_task_data (task);
  GBytes *bytes = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  const char *etag;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *message = NULL;

      if (g_cancellable_is_cancelled (req->own))
        {
          fail_from (task, error);
          return;
        }
      message = g_strdup_printf (_("the server sent a damaged image (%s)"), error->message);
      fail (task, G_IO_ERROR_INVALID_DATA, message);
      return;
    }
  etag = soup_message_headers_get_one (soup_message_get_response_headers (req->msg), "ETag");
  g_signal_emit_by_name (self, "received-data", req->x, req->y, req->z, bytes);
  shumate_file_cache_store_tile_async (self->cache, req->x, req->y, req->z, bytes, etag, NULL,
                                       on_stored_cb, NULL);
  finish (task, bytes, NULL);
}

static void
body_done (GTask *task)
{
  BdHttpTileSource *self = g_task_get_source_object (task);
  TileRequest *req = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = g_byte_array_free_to_bytes (g_steal_pointer (&req->body));
  g_autoptr(GTask) check = NULL;

  if (!bd_http_tile_data_is_image (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)))
    {
      fail (task, G_IO_ERROR_INVALID_DATA, _("the server sent something that is not a PNG, "
                                             "JPEG or WebP image of a tile’s size"));
      return;
    }
  check = g_task_new (self, req->own, on_decoded_cb, task);
  g_task_set_name (check, "[bd] http tile check");
  g_task_set_task_data (check, g_steal_pointer (&bytes), (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (check, decode_in_thread);
}

static void
on_read_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  BdHttpTileSource *self = g_task_get_source_object (task);
  TileRequest *req = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  gsize size;

  if (chunk == NULL)
    {
      fail_from (task, error);
      return;
    }
  size = g_bytes_get_size (chunk);
  if (size == 0)
    {
      body_done (task);
      return;
    }
  self->n_bytes_read += size;
  if (req->body->len + size > BD_HTTP_TILE_MAX_BYTES)
    {
      g_autofree char *message = g_strdup_printf (_("the server sent more than %u bytes"),
                                                  (guint) BD_HTTP_TILE_MAX_BYTES);

      fail (task, G_IO_ERROR_MESSAGE_TOO_LARGE, message);
      return;
    }
  g_byte_array_append (req->body, g_bytes_get_data (chunk, NULL), size);
  g_input_stream_read_bytes_async (req->stream, READ_CHUNK, G_PRIORITY_DEFAULT, req->own,
                                   on_read_cb, task);
}

static void
on_sent_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  BdHttpTileSource *self = g_task_get_source_object (task);
  TileRequest *req = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;
  goffset length;
  guint status;

  req->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (req->stream == NULL)
    {
      fail_from (task, error);
      return;
    }
  status = soup_message_get_status (req->msg);
  headers = soup_message_get_response_headers (req->msg);
  if (status == SOUP_STATUS_NOT_MODIFIED && req->cached != NULL)
    {
      g_autoptr(GBytes) cached = g_bytes_ref (req->cached);

      shumate_file_cache_mark_up_to_date (self->cache, req->x, req->y, req->z);
      finish (task, cached, NULL);
      return;
    }
  if (status == SOUP_STATUS_NOT_FOUND)
    {
      g_clear_pointer (&req->cached, g_bytes_unref);
      fail (task, G_IO_ERROR_NOT_FOUND, _("the server has no such tile"));
      return;
    }
  if (status != SOUP_STATUS_OK)
    {
      g_autofree char *message = g_strdup_printf (_("the server answered %u %s"), status,
                                                  soup_message_get_reason_phrase (req->msg) ?: "");

      fail (task, G_IO_ERROR_FAILED, message);
      return;
    }
  length = soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
           ? soup_message_headers_get_content_length (headers) : -1;
  if (length > BD_HTTP_TILE_MAX_BYTES)
    {
      g_autofree char *message = g_strdup_printf (_("the server sent more than %u bytes"),
                                                  (guint) BD_HTTP_TILE_MAX_BYTES);

      fail (task, G_IO_ERROR_MESSAGE_TOO_LARGE, message);
      return;
    }
  req->body = g_byte_array_sized_new (length > 0 ? (guint) length : READ_CHUNK);
  g_input_stream_read_bytes_async (req->stream, READ_CHUNK, G_PRIORITY_DEFAULT, req->own,
                                   on_read_cb, task);
}

static gboolean
on_timeout_cb (gpointer user_data)
{
  TileRequest *req = user_data;

  req->timeout_id = 0;
  req->timed_out = TRUE;
  g_cancellable_cancel (req->own);
  return G_SOURCE_REMOVE;
}

static void
send (BdHttpTileSource *self,
      GTask            *task)
{
  TileRequest *req = g_task_get_task_data (task);
  g_autofree char *url = tile_url (self, req->x, req->y, req->z);

  req->msg = soup_message_new (SOUP_METHOD_GET, url);
  if (req->msg == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a valid address"), url);

      fail (task, G_IO_ERROR_INVALID_ARGUMENT, message);
      return;
    }
  if (req->etag != NULL)
    soup_message_headers_append (soup_message_get_request_headers (req->msg), "If-None-Match",
                                 req->etag);
  req->in_flight = TRUE;
  self->n_in_flight++;
  self->peak_in_flight = MAX (self->peak_in_flight, self->n_in_flight);
  req->timeout_id = g_timeout_add (self->timeout_ms, on_timeout_cb, req);
  soup_session_send_async (self->session, req->msg, G_PRIORITY_DEFAULT, req->own, on_sent_cb, task);
}

/* Ends the waiting requests that were cancelled; then, unless paused,
 * sends waiting requests while fewer than the most are in flight. A
 * request cancelled while it waited never goes out. */
static void
pump (BdHttpTileSource *self)
{
  for (GList *l = self->waiting.head; l != NULL;)
    {
      GList *next = l->next;
      GTask *task = l->data;
      TileRequest *req = g_task_get_task_data (task);

      if (g_cancellable_is_cancelled (req->own))
        {
          g_queue_delete_link (&self->waiting, l);
          fail (task, G_IO_ERROR_CANCELLED, _("cancelled"));
        }
      l = next;
    }
  while (!self->paused && self->n_in_flight < BD_HTTP_TILE_MAX_IN_FLIGHT &&
         !g_queue_is_empty (&self->waiting))
    send (self, g_queue_pop_head (&self->waiting));
}

static void
on_cache_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  BdHttpTileSource *self = g_task_get_source_object (task);
  TileRequest *req = g_task_get_task_data (task);
  g_autoptr(GDateTime) modified = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *etag = NULL;
  g_autoptr(GBytes) bytes = shumate_file_cache_get_tile_finish (SHUMATE_FILE_CACHE (object), &etag,
                                                                &modified, result, NULL);

  if (bytes != NULL &&
      bd_http_tile_data_is_image (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)))
    {
      g_signal_emit_by_name (self, "received-data", req->x, req->y, req->z, bytes);
      if (modified != NULL && g_date_time_difference (now, modified) < CACHE_MAX_AGE)
        {
          finish (task, bytes, NULL);
          return;
        }
      req->cached = g_steal_pointer (&bytes);
      req->etag = g_steal_pointer (&etag);
    }
  if (g_cancellable_is_cancelled (req->own))
    {
      fail (task, G_IO_ERROR_CANCELLED, _("cancelled"));
      return;
    }
  g_queue_push_tail (&self->waiting, task);
  pump (self);
}

static void
cancel_own (GCancellable *cancellable,
            GCancellable *own)
{
  g_cancellable_cancel (own);
}

static void
bd_http_tile_source_get_tile_data_async (ShumateDataSource   *source,
                                         int                  x,
                                         int                  y,
                                         int                  zoom_level,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  BdHttpTileSource *self = BD_HTTP_TILE_SOURCE (source);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  TileRequest *req = g_new0 (TileRequest, 1);

  g_task_set_source_tag (task, bd_http_tile_source_get_tile_data_async);
  g_task_set_name (task, "[bd] http tile");
  g_task_set_task_data (task, req, (GDestroyNotify) tile_request_free);
  req->x = x;
  req->y = y;
  req->z = zoom_level;
  /* own: cancelled by the caller's, the timeout, or the request's end */
  req->own = g_cancellable_new ();
  if (cancellable != NULL)
    g_cancellable_connect (cancellable, G_CALLBACK (cancel_own), g_object_ref (req->own),
                           g_object_unref);

  if (zoom_level < 0 || zoom_level > 30 || x < 0 || y < 0 ||
      (guint64) x >= ((guint64) 1 << zoom_level) || (guint64) y >= ((guint64) 1 << zoom_level))
    {
      fail (task, G_IO_ERROR_NOT_FOUND, _("no such tile"));
      return;
    }
  shumate_file_cache_get_tile_async (self->cache, x, y, zoom_level, req->own, on_cache_cb, task);
}

static GBytes *
bd_http_tile_source_get_tile_data_finish (ShumateDataSource  *source,
                                          GAsyncResult       *result,
                                          GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
bd_http_tile_source_dispose (GObject *object)
{
  BdHttpTileSource *self = BD_HTTP_TILE_SOURCE (object);
  GTask *task;

  /* requests waiting hold a reference, so none is left here but by
   * run_dispose; end them anyway */
  while ((task = g_queue_pop_head (&self->waiting)) != NULL)
    fail (task, G_IO_ERROR_CANCELLED, _("cancelled"));

  G_OBJECT_CLASS (bd_http_tile_source_parent_class)->dispose (object);
}

static void
bd_http_tile_source_finalize (GObject *object)
{
  BdHttpTileSource *self = BD_HTTP_TILE_SOURCE (object);

  g_clear_pointer (&self->url_template, g_free);
  g_clear_object (&self->session);
  g_clear_object (&self->cache);

  G_OBJECT_CLASS (bd_http_tile_source_parent_class)->finalize (object);
}

static void
bd_http_tile_source_class_init (BdHttpTileSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ShumateDataSourceClass *source_class = SHUMATE_DATA_SOURCE_CLASS (klass);

  object_class->dispose = bd_http_tile_source_dispose;
  object_class->finalize = bd_http_tile_source_finalize;
  source_class->get_tile_data_async = bd_http_tile_source_get_tile_data_async;
  source_class->get_tile_data_finish = bd_http_tile_source_get_tile_data_finish;

  /* A tile loaded or failed. */
  signals[COUNTS_CHANGED] = g_signal_new ("counts-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
bd_http_tile_source_init (BdHttpTileSource *self)
{
  self->timeout_ms = BD_HTTP_TILE_TIMEOUT_MS;
  g_queue_init (&self->waiting);
}

BdHttpTileSource *
bd_http_tile_source_new (const char *url_template)
{
  BdHttpTileSource *self;
  g_autofree char *user_agent = NULL;
  g_autofree char *cache_key = NULL;

  g_return_val_if_fail (url_template != NULL, NULL);

  self = g_object_new (BD_TYPE_HTTP_TILE_SOURCE, NULL);
  self->url_template = g_strdup (url_template);
  /* as ShumateTileDownloader identified itself, and the same cache */
  user_agent = g_strdup_printf ("libshumate/%d.%d.%d", SHUMATE_MAJOR_VERSION,
                                SHUMATE_MINOR_VERSION, SHUMATE_MICRO_VERSION);
  self->session = soup_session_new_with_options ("user-agent", user_agent,
                                                 "max-conns-per-host", BD_HTTP_TILE_MAX_IN_FLIGHT,
                                                 NULL);
  cache_key = g_strcanon (g_strdup (url_template),
                          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", '_');
  self->cache = shumate_file_cache_new_full (CACHE_BYTES, cache_key, NULL);
  return self;
}

const char *
bd_http_tile_source_get_url_template (BdHttpTileSource *self)
{
  g_return_val_if_fail (BD_IS_HTTP_TILE_SOURCE (self), NULL);
  return self->url_template;
}

void
bd_http_tile_source_set_timeout (BdHttpTileSource *self,
                                 guint             timeout_ms)
{
  g_return_if_fail (BD_IS_HTTP_TILE_SOURCE (self));
  self->timeout_ms = MAX (timeout_ms, 1);
}

void
bd_http_tile_source_set_paused (BdHttpTileSource *self,
                                gboolean          paused)
{
  g_return_if_fail (BD_IS_HTTP_TILE_SOURCE (self));

  self->paused = !!paused;
  pump (self);
}

gboolean
bd_http_tile_source_get_paused (BdHttpTileSource *self)
{
  g_return_val_if_fail (BD_IS_HTTP_TILE_SOURCE (self), FALSE);
  return self->paused;
}

guint
bd_http_tile_source_get_n_loaded (BdHttpTileSource *self)
{
  g_return_val_if_fail (BD_IS_HTTP_TILE_SOURCE (self), 0);
  return self->n_loaded;
}

guint
bd_http_tile_source_get_n_failed (BdHttpTileSource *self)
{
  g_return_val_if_fail (BD_IS_HTTP_TILE_SOURCE (self), 0);
  return self->n_failed;
}

guint64
bd_http_tile_source_get_n_bytes_read (BdHttpTileSource *self)
{
  g_return_val_if_fail (BD_IS_HTTP_TILE_SOURCE (self), 0);
  return self->n_bytes_read;
}

guint
bd_http_tile_source_get_peak_in_flight (BdHttpTileSource *self)
{
  g_return_val_if_fail (BD_IS_HTTP_TILE_SOURCE (self), 0);
  return self->peak_in_flight;
}
