/* bd-offline-copy.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-offline-copy"

#include "config.h"

#include "bd-offline-copy.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "bd-mbtiles-writer.h"

#define WEB_MERCATOR_MAX_LAT 85.0511287798066
#define PROGRESS_INTERVAL_US (100 * 1000)

struct _BdOfflineCopy
{
  SoupSession          *session;
  BdCityTileSet        *set;
  char                 *token;
  char                 *path;
  BdMbtilesWriter      *writer;
  double                min_lon, min_lat, max_lon, max_lat;
  guint                 min_zoom, max_zoom;

  /* the next tile: z, then x, then y */
  guint                 z, x, y;
  guint                 x0, x1, y0, y1;
  gboolean              exhausted;

  GTask                *task;          /* while running */
  guint                 in_flight;
  guint                 failures_in_a_row;
  GError               *error;         /* the first that stops the copy */
  BdOfflineCopyStats    stats;
  BdOfflineCopyProgress progress;
  gpointer              progress_data;
  gint64                last_progress;
  gint64                progress_interval;   /* µs */
  guint                 tile_timeout_ms;
};

static void
lonlat_to_tile (double  lon,
                double  lat,
                guint   z,
                guint  *x,
                guint  *y)
{
  double n = (double) ((guint64) 1 << z);
  double lat_r = CLAMP (lat, -WEB_MERCATOR_MAX_LAT, WEB_MERCATOR_MAX_LAT) * G_PI / 180.0;
  double fx = (lon + 180.0) / 360.0 * n;
  double fy = (1.0 - asinh (tan (lat_r)) / G_PI) / 2.0 * n;

  *x = (guint) CLAMP (floor (fx), 0, n - 1);
  *y = (guint) CLAMP (floor (fy), 0, n - 1);
}

static void
tile_range (double  min_lon,
            double  min_lat,
            double  max_lon,
            double  max_lat,
            guint   z,
            guint  *x0,
            guint  *x1,
            guint  *y0,
            guint  *y1)
{
  lonlat_to_tile (min_lon, max_lat, z, x0, y0);
  lonlat_to_tile (max_lon, min_lat, z, x1, y1);
}

guint64
bd_offline_copy_count_tiles (double min_lon,
                             double min_lat,
                             double max_lon,
                             double max_lat,
                             guint  min_zoom,
                             guint  max_zoom)
{
  guint64 n = 0;

  for (guint z = min_zoom; z <= max_zoom && z <= 30; z++)
    {
      guint x0, x1, y0, y1;

      tile_range (min_lon, min_lat, max_lon, max_lat, z, &x0, &x1, &y0, &y1);
      n += (guint64) (x1 - x0 + 1) * (y1 - y0 + 1);
    }
  return n;
}

guint64
bd_offline_copy_estimate_bytes (guint64     n_tiles,
                                const char *format)
{
  /* typical city raster tiles: PNG maps ~20 KB, JPEG photos ~15 KB */
  if (g_strcmp0 (format, "jpg") == 0)
    return n_tiles * 15000;
  if (g_strcmp0 (format, "webp") == 0)
    return n_tiles * 12000;
  return n_tiles * 20000;
}

void
bd_offline_copy_free (BdOfflineCopy *self)
{
  if (self == NULL)
    return;
  g_return_if_fail (self->task == NULL);
  g_clear_object (&self->session);
  g_clear_pointer (&self->set, bd_city_tile_set_free);
  g_clear_pointer (&self->writer, bd_mbtiles_writer_close);
  g_clear_error (&self->error);
  g_free (self->token);
  g_free (self->path);
  g_free (self);
}

static gboolean
write_metadata (BdOfflineCopy  *self,
                GError        **error)
{
  g_autofree char *bounds = NULL;
  char min_zoom[8], max_zoom[8];
  char w[G_ASCII_DTOSTR_BUF_SIZE], s[G_ASCII_DTOSTR_BUF_SIZE];
  char e[G_ASCII_DTOSTR_BUF_SIZE], n[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (w, sizeof w, "%.6f", self->min_lon);
  g_ascii_formatd (s, sizeof s, "%.6f", self->min_lat);
  g_ascii_formatd (e, sizeof e, "%.6f", self->max_lon);
  g_ascii_formatd (n, sizeof n, "%.6f", self->max_lat);
  bounds = g_strjoin (",", w, s, e, n, NULL);
  g_snprintf (min_zoom, sizeof min_zoom, "%u", self->min_zoom);
  g_snprintf (max_zoom, sizeof max_zoom, "%u", self->max_zoom);
  return bd_mbtiles_writer_set_metadata (self->writer, "name", self->set->name, error) &&
         bd_mbtiles_writer_set_metadata (self->writer, "format", self->set->format, error) &&
         bd_mbtiles_writer_set_metadata (self->writer, "bounds", bounds, error) &&
         bd_mbtiles_writer_set_metadata (self->writer, "minzoom", min_zoom, error) &&
         bd_mbtiles_writer_set_metadata (self->writer, "maxzoom", max_zoom, error) &&
         bd_mbtiles_writer_set_metadata (self->writer, "attribution", self->set->attribution, error) &&
         bd_mbtiles_writer_set_metadata (self->writer, "type",
                                         self->set->overlay ? "overlay" : "baselayer", error) &&
         bd_mbtiles_writer_set_metadata (self->writer, "version", "1.3", error) &&
         bd_mbtiles_writer_flush (self->writer, error);
}

BdOfflineCopy *
bd_offline_copy_new (SoupSession          *session,
                     const BdCityTileSet  *set,
                     const char           *server_url,
                     const char           *token,
                     const char           *path,
                     double                min_lon,
                     double                min_lat,
                     double                max_lon,
                     double                max_lat,
                     guint                 min_zoom,
                     guint                 max_zoom,
                     GError              **error)
{
  g_autoptr(BdOfflineCopy) self = NULL;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (set != NULL && path != NULL, NULL);

  if (!bd_city_tiles_url_on_server (set->url_template, server_url))
    {
      g_set_error (error, BD_CITY_TILES_ERROR, BD_CITY_TILES_ERROR_FOREIGN,
                   _("The map “%s” is not on the city’s server: it is not copied."), set->name);
      return NULL;
    }
  min_lon = MAX (min_lon, set->min_lon);
  min_lat = MAX (min_lat, set->min_lat);
  max_lon = MIN (max_lon, set->max_lon);
  max_lat = MIN (max_lat, set->max_lat);
  min_zoom = MAX (min_zoom, set->min_zoom);
  max_zoom = MIN (max_zoom, set->max_zoom);
  if (!(min_lon < max_lon) || !(min_lat < max_lat) || min_zoom > max_zoom)
    {
      g_set_error (error, BD_CITY_TILES_ERROR, BD_CITY_TILES_ERROR_INVALID,
                   _("The map “%s” has no tiles in this area at these zoom levels."), set->name);
      return NULL;
    }

  self = g_new0 (BdOfflineCopy, 1);
  self->session = g_object_ref (session);
  self->set = bd_city_tile_set_copy (set);
  self->token = g_strdup (token);
  self->path = g_strdup (path);
  self->min_lon = min_lon;
  self->min_lat = min_lat;
  self->max_lon = max_lon;
  self->max_lat = max_lat;
  self->min_zoom = min_zoom;
  self->max_zoom = max_zoom;
  self->stats.total = bd_offline_copy_count_tiles (min_lon, min_lat, max_lon, max_lat,
                                                   min_zoom, max_zoom);
  if (self->stats.total > BD_OFFLINE_COPY_MAX_TILES)
    {
      g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, self->stats.total);

      g_set_error (error, BD_CITY_TILES_ERROR, BD_CITY_TILES_ERROR_INVALID,
                   _("This area holds %s tiles; at most %d are copied at a "
                     "time. Choose a smaller area or fewer zoom levels."),
                   count, BD_OFFLINE_COPY_MAX_TILES);
      return NULL;
    }
  if ((self->writer = bd_mbtiles_writer_open (path, error)) == NULL ||
      !write_metadata (self, error))
    return NULL;

  self->progress_interval = PROGRESS_INTERVAL_US;
  self->tile_timeout_ms = BD_OFFLINE_COPY_TILE_TIMEOUT_MS;
  self->z = min_zoom;
  tile_range (min_lon, min_lat, max_lon, max_lat, self->z, &self->x0, &self->x1, &self->y0, &self->y1);
  self->x = self->x0;
  self->y = self->y0;
  return g_steal_pointer (&self);
}

const BdOfflineCopyStats *
bd_offline_copy_get_stats (BdOfflineCopy *self)
{
  return &self->stats;
}

void
bd_offline_copy_set_progress (BdOfflineCopy        *self,
                              BdOfflineCopyProgress progress,
                              gpointer              user_data)
{
  self->progress = progress;
  self->progress_data = user_data;
}

void
bd_offline_copy_set_progress_interval (BdOfflineCopy *self,
                                       guint          interval_ms)
{
  self->progress_interval = (gint64) interval_ms * 1000;
}

void
bd_offline_copy_set_tile_timeout (BdOfflineCopy *self,
                                  guint          timeout_ms)
{
  self->tile_timeout_ms = MAX (timeout_ms, 1);
}

const char *
bd_offline_copy_failure_name (BdOfflineCopyFailure failure)
{
  static const char *const names[] = { "network", "status", "too-large", "not-image",
                                       "truncated", "timeout" };

  G_STATIC_ASSERT (G_N_ELEMENTS (names) == BD_OFFLINE_COPY_N_FAILURES);
  g_return_val_if_fail (failure < BD_OFFLINE_COPY_N_FAILURES, NULL);
  return names[failure];
}

const char *
bd_offline_copy_failure_text (BdOfflineCopyFailure failure)
{
  switch (failure)
    {
    case BD_OFFLINE_COPY_FAILURE_NETWORK:
      return _("the connection failed or was cut");
    case BD_OFFLINE_COPY_FAILURE_STATUS:
      return _("the server answered with an error");
    case BD_OFFLINE_COPY_FAILURE_TOO_LARGE:
      return _("the tile is too large, or of no stated size");
    case BD_OFFLINE_COPY_FAILURE_NOT_IMAGE:
      return _("the answer is not an image of the map’s format");
    case BD_OFFLINE_COPY_FAILURE_TRUNCATED:
      return _("the image is cut short");
    case BD_OFFLINE_COPY_FAILURE_TIMEOUT:
      return _("no answer in time");
    case BD_OFFLINE_COPY_N_FAILURES:
    default:
      break;
    }
  g_return_val_if_reached (NULL);
}

static const guint8 png_signature[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
/* the IEND chunk: no data, its type, its CRC */
static const guint8 png_end[] = { 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82 };

gboolean
bd_offline_copy_check_tile (GBytes               *data,
                            const char           *format,
                            BdOfflineCopyFailure *failure)
{
  gsize size = 0;
  const guint8 *p = data != NULL ? g_bytes_get_data (data, &size) : NULL;
  BdOfflineCopyFailure why = BD_OFFLINE_COPY_FAILURE_NOT_IMAGE;
  gboolean png = size >= sizeof png_signature &&
                 memcmp (p, png_signature, sizeof png_signature) == 0;
  gboolean jpeg = size >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff;
  gboolean webp = size >= 12 && memcmp (p, "RIFF", 4) == 0 && memcmp (p + 8, "WEBP", 4) == 0;

  if (g_strcmp0 (format, "png") == 0 ? png :
      g_strcmp0 (format, "jpg") == 0 || g_strcmp0 (format, "jpeg") == 0 ? jpeg :
      g_strcmp0 (format, "webp") == 0 ? webp : (png || jpeg || webp))
    {
      why = BD_OFFLINE_COPY_FAILURE_TRUNCATED;
      if (png && size >= sizeof png_signature + sizeof png_end &&
          memcmp (p + size - sizeof png_end, png_end, sizeof png_end) == 0)
        return TRUE;
      if (jpeg)
        {
          /* the end-of-image marker, maybe followed by padding */
          for (gsize i = size - 1; i >= 3 && i + 64 >= size; i--)
            if (p[i - 1] == 0xff && p[i] == 0xd9)
              return TRUE;
        }
      if (webp && 8 + (gsize) (p[4] | p[5] << 8 | p[6] << 16 | (guint32) p[7] << 24) <= size)
        return TRUE;
    }
  if (failure != NULL)
    *failure = why;
  return FALSE;
}

/* The next tile to deal with, or FALSE when all were. */
static gboolean
next_tile (BdOfflineCopy *self,
           guint         *z,
           guint         *x,
           guint         *y)
{
  if (self->exhausted)
    return FALSE;
  *z = self->z;
  *x = self->x;
  *y = self->y;
  if (++self->y > self->y1)
    {
      self->y = self->y0;
      if (++self->x > self->x1)
        {
          if (++self->z > self->max_zoom)
            self->exhausted = TRUE;
          else
            {
              tile_range (self->min_lon, self->min_lat, self->max_lon, self->max_lat, self->z,
                          &self->x0, &self->x1, &self->y0, &self->y1);
              self->x = self->x0;
              self->y = self->y0;
            }
        }
    }
  return TRUE;
}

static void
report_progress (BdOfflineCopy *self,
                 gboolean       force)
{
  gint64 now = g_get_monotonic_time ();

  if (self->progress == NULL || (!force && now - self->last_progress < self->progress_interval))
    return;
  self->last_progress = now;
  self->progress (&self->stats, self->progress_data);
}

typedef struct
{
  BdOfflineCopy *copy;
  SoupMessage   *msg;
  GCancellable  *cancellable;   /* this request's: a timeout, a large body, the copy's */
  GCancellable  *copy_cancellable;
  gulong         cancelled_id;
  GSource       *timeout;
  gboolean       timed_out;
  gboolean       too_large;
  guint          z, x, y;
} TileRequest;

static void pump (BdOfflineCopy *self);

static void
stop_with (BdOfflineCopy *self,
           GError        *error)
{
  if (self->error == NULL)
    self->error = error;
  else
    g_error_free (error);
}

/* The body is read only when its length is given and small enough
 * (libsoup then reads exactly that many bytes). */
static void
on_tile_got_headers_cb (SoupMessage *msg,
                        gpointer     user_data)
{
  TileRequest *request = user_data;
  goffset length = soup_message_headers_get_content_length (soup_message_get_response_headers (msg));

  if (soup_message_get_status (msg) == SOUP_STATUS_OK &&
      (soup_message_headers_get_encoding (soup_message_get_response_headers (msg)) !=
       SOUP_ENCODING_CONTENT_LENGTH || length > BD_CITY_TILE_MAX_BYTES))
    {
      request->too_large = TRUE;
      g_cancellable_cancel (request->cancellable);
    }
}

static gboolean
on_tile_timeout_cb (gpointer user_data)
{
  TileRequest *request = user_data;

  request->timed_out = TRUE;
  g_cancellable_cancel (request->cancellable);
  return G_SOURCE_REMOVE;
}

/* The copy cancelled: the requests under way too (a tile that never
 * answers must not hold the end back). */
static void
on_copy_cancelled_cb (GCancellable *copy_cancellable,
                      GCancellable *request_cancellable)
{
  g_cancellable_cancel (request_cancellable);
}

static void
count_failure (BdOfflineCopy        *self,
               TileRequest          *request,
               BdOfflineCopyFailure  why,
               guint                 status,
               const GError         *error)
{
  self->stats.failed++;
  self->stats.failed_by[why]++;
  g_debug ("Tile %u/%u/%u not copied: %s (%u%s%s)", request->z, request->x, request->y,
           bd_offline_copy_failure_name (why), status, error ? ", " : "",
           error ? error->message : "");
  if (++self->failures_in_a_row < BD_OFFLINE_COPY_MAX_FAILURES)
    return;
  if (why == BD_OFFLINE_COPY_FAILURE_NETWORK && error != NULL)
    stop_with (self, g_error_new (BD_CITY_TILES_ERROR, BD_CITY_TILES_ERROR_HTTP,
                                  _("The city’s server cannot be reached: %s"), error->message));
  else if (why == BD_OFFLINE_COPY_FAILURE_STATUS)
    stop_with (self, g_error_new (BD_CITY_TILES_ERROR, BD_CITY_TILES_ERROR_HTTP,
                                  _("The city’s server answers with errors (%u)."), status));
  else
    /* Translators: %s is why a tile was not copied, e.g. "no answer in time" */
    stop_with (self, g_error_new (BD_CITY_TILES_ERROR, BD_CITY_TILES_ERROR_HTTP,
                                  _("The city’s server sends no usable tiles: %s."),
                                  bd_offline_copy_failure_text (why)));
}

static void
on_tile_read_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  TileRequest *request = user_data;
  BdOfflineCopy *self = request->copy;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  guint status = soup_message_get_status (request->msg);
  gsize size = body != NULL ? g_bytes_get_size (body) : 0;
  BdOfflineCopyFailure why = BD_OFFLINE_COPY_FAILURE_NOT_IMAGE;

  g_signal_handlers_disconnect_by_data (request->msg, request);
  g_cancellable_disconnect (request->copy_cancellable, request->cancelled_id);
  g_source_destroy (request->timeout);
  self->in_flight--;

  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      !request->timed_out && !request->too_large)
    ;   /* the copy was cancelled: this tile waits for the next run */
  else if (body != NULL && status == SOUP_STATUS_OK && size > 0 && size <= BD_CITY_TILE_MAX_BYTES &&
           bd_offline_copy_check_tile (body, self->set->format, &why))
    {
      g_autoptr(GError) write_error = NULL;

      self->stats.done++;
      /* committed at once: a copy killed now fetches it no more */
      if (!bd_mbtiles_writer_put_tile (self->writer, request->z, request->x, request->y, body,
                                       &write_error) ||
          !bd_mbtiles_writer_flush (self->writer, &write_error))
        stop_with (self, g_steal_pointer (&write_error));
      else
        {
          self->stats.fetched++;
          self->stats.bytes += size;
          self->failures_in_a_row = 0;
        }
    }
  else if (body != NULL && status == SOUP_STATUS_NOT_FOUND)
    {
      self->stats.done++;
      self->stats.missing++;
      self->failures_in_a_row = 0;
    }
  else if (body != NULL && (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN))
    {
      self->stats.done++;
      self->stats.failed++;
      self->stats.failed_by[BD_OFFLINE_COPY_FAILURE_STATUS]++;
      stop_with (self, g_error_new (BD_CITY_TILES_ERROR, BD_CITY_TILES_ERROR_HTTP,
                                    _("The server refused the token (%u)."), status));
    }
  else
    {
      self->stats.done++;
      if (request->timed_out)
        why = BD_OFFLINE_COPY_FAILURE_TIMEOUT;
      else if (request->too_large || size > BD_CITY_TILE_MAX_BYTES)
        why = BD_OFFLINE_COPY_FAILURE_TOO_LARGE;
      else if (error != NULL)
        why = BD_OFFLINE_COPY_FAILURE_NETWORK;
      else if (status != SOUP_STATUS_OK)
        why = BD_OFFLINE_COPY_FAILURE_STATUS;
      /* else: empty, not an image, or cut short (why says) */
      count_failure (self, request, why, status, error);
    }

  g_source_unref (request->timeout);
  g_object_unref (request->msg);
  g_object_unref (request->cancellable);
  g_object_unref (request->copy_cancellable);
  g_free (request);
  pump (self);
}

static void
finish (BdOfflineCopy *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);
  g_autoptr(GError) flush_error = NULL;

  if (!bd_mbtiles_writer_flush (self->writer, &flush_error))
    stop_with (self, g_steal_pointer (&flush_error));
  report_progress (self, TRUE);
  if (self->error != NULL)
    g_task_return_error (task, g_steal_pointer (&self->error));
  else if (g_task_return_error_if_cancelled (task))
    return;
  else
    g_task_return_boolean (task, TRUE);
}

static void
pump (BdOfflineCopy *self)
{
  GCancellable *cancellable = g_task_get_cancellable (self->task);
  guint z, x, y;

  while (self->in_flight < BD_OFFLINE_COPY_IN_FLIGHT && self->error == NULL &&
         !g_cancellable_is_cancelled (cancellable) && next_tile (self, &z, &x, &y))
    {
      g_autofree char *url = NULL;
      TileRequest *request;

      if (bd_mbtiles_writer_has_tile (self->writer, z, x, y))
        {
          self->stats.skipped++;
          self->stats.done++;
          continue;
        }
      url = bd_city_tile_set_tile_url (self->set, z, x, y);
      request = g_new0 (TileRequest, 1);
      request->copy = self;
      request->z = z;
      request->x = x;
      request->y = y;
      request->msg = bd_city_tiles_request_new (url, self->token);
      if (request->msg == NULL)
        {
          g_free (request);
          stop_with (self, g_error_new (BD_CITY_TILES_ERROR, BD_CITY_TILES_ERROR_INVALID,
                                        _("“%s” is not a tile’s address."), url));
          break;
        }
      request->cancellable = g_cancellable_new ();
      request->copy_cancellable = g_object_ref (cancellable);
      request->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_copy_cancelled_cb),
                                                     g_object_ref (request->cancellable),
                                                     g_object_unref);
      request->timeout = g_timeout_source_new (self->tile_timeout_ms);
      g_source_set_callback (request->timeout, on_tile_timeout_cb, request, NULL);
      g_source_attach (request->timeout, g_main_context_get_thread_default ());
      g_signal_connect (request->msg, "got-headers", G_CALLBACK (on_tile_got_headers_cb), request);
      self->in_flight++;
      soup_session_send_and_read_async (self->session, request->msg, G_PRIORITY_DEFAULT,
                                        request->cancellable, on_tile_read_cb, request);
    }
  report_progress (self, FALSE);
  if (self->in_flight == 0)
    finish (self);
}

void
bd_offline_copy_run_async (BdOfflineCopy       *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GCancellable) own = cancellable ? g_object_ref (cancellable) : g_cancellable_new ();

  g_return_if_fail (self->task == NULL);
  self->task = g_task_new (NULL, own, callback, user_data);
  g_task_set_source_tag (self->task, bd_offline_copy_run_async);
  pump (self);
}

gboolean
bd_offline_copy_run_finish (BdOfflineCopy  *self,
                            GAsyncResult   *result,
                            GError        **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
