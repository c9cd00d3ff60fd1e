/* bd-city-tile-source.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-city-tiles"

#include "config.h"

#include "bd-city-tile-source.h"

#include <math.h>

#include <glib/gi18n-lib.h>

struct _BdCityTileSource
{
  ShumateDataSource  parent_instance;

  SoupSession       *session;
  BdCityTileSet     *set;
  char              *token;
  guint              n_failed;
  guint              n_loaded;
};

G_DEFINE_FINAL_TYPE (BdCityTileSource, bd_city_tile_source, SHUMATE_TYPE_DATA_SOURCE)

enum {
  COUNTS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  int          x, y, z;
  SoupMessage *msg;
} TileRequest;

static void
tile_request_free (TileRequest *req)
{
  g_clear_object (&req->msg);
  g_free (req);
}

/* Does the tile touch the set's bounds? */
static gboolean
tile_in_set (const BdCityTileSet *set,
             int                  x,
             int                  y,
             int                  z)
{
  double n = (double) ((guint64) 1 << z);
  double west = x / n * 360.0 - 180.0;
  double east = (x + 1) / n * 360.0 - 180.0;
  double north = atan (sinh (G_PI * (1 - 2 * y / n))) * 180.0 / G_PI;
  double south = atan (sinh (G_PI * (1 - 2 * (y + 1) / n))) * 180.0 / G_PI;

  return east > set->min_lon && west < set->max_lon && north > set->min_lat && south < set->max_lat;
}

static void
on_got_headers_cb (SoupMessage *msg,
                   gpointer     user_data)
{
  GTask *task = user_data;
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);

  /* Read only a body of a known length within the bound. */
  if (soup_message_get_status (msg) == SOUP_STATUS_OK &&
      (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH ||
       soup_message_headers_get_content_length (headers) > BD_CITY_TILE_MAX_BYTES))
    g_cancellable_cancel (g_task_get_cancellable (task));
}

static void
on_tile_read_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BdCityTileSource *self = g_task_get_source_object (task);
  TileRequest *req = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  guint status = soup_message_get_status (req->msg);

  g_signal_handlers_disconnect_by_data (req->msg, task);
  if (body == NULL || status != SOUP_STATUS_OK || g_bytes_get_size (body) == 0 ||
      g_bytes_get_size (body) > BD_CITY_TILE_MAX_BYTES)
    {
      if (status != SOUP_STATUS_NOT_FOUND)
        {
          self->n_failed++;
          g_signal_emit (self, signals[COUNTS_CHANGED], 0);
        }
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("Tile %d/%d/%d could not be loaded from the city’s server"),
                               req->z, req->x, req->y);
      return;
    }
  self->n_loaded++;
  g_signal_emit (self, signals[COUNTS_CHANGED], 0);
  g_signal_emit_by_name (self, "received-data", req->x, req->y, req->z, body);
  g_task_return_pointer (task, g_steal_pointer (&body), (GDestroyNotify) g_bytes_unref);
}

static void
cancel_own (GCancellable *cancellable,
            GCancellable *own)
{
  g_cancellable_cancel (own);
}

static void
bd_city_tile_source_get_tile_data_async (ShumateDataSource   *source,
                                         int                  x,
                                         int                  y,
                                         int                  zoom_level,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  BdCityTileSource *self = BD_CITY_TILE_SOURCE (source);
  g_autoptr(GCancellable) own = g_cancellable_new ();
  g_autoptr(GTask) task = NULL;
  g_autofree char *url = NULL;
  TileRequest *req;

  /* own: cancelled by the caller's, or when the body is too large */
  if (cancellable != NULL)
    g_cancellable_connect (cancellable, G_CALLBACK (cancel_own),
                           g_object_ref (own), g_object_unref);
  task = g_task_new (self, own, callback, user_data);
  g_task_set_source_tag (task, bd_city_tile_source_get_tile_data_async);
  g_task_set_name (task, "[bd] city tile");

  if (zoom_level < (int) self->set->min_zoom || zoom_level > (int) self->set->max_zoom ||
      x < 0 || y < 0 || (guint64) x >= ((guint64) 1 << zoom_level) ||
      (guint64) y >= ((guint64) 1 << zoom_level) || !tile_in_set (self->set, x, y, zoom_level))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("Tile %d/%d/%d does not exist"), zoom_level, x, y);
      return;
    }

  url = bd_city_tile_set_tile_url (self->set, (guint) zoom_level, (guint) x, (guint) y);
  req = g_new0 (TileRequest, 1);
  req->x = x;
  req->y = y;
  req->z = zoom_level;
  req->msg = bd_city_tiles_request_new (url, self->token);
  g_task_set_task_data (task, req, (GDestroyNotify) tile_request_free);
  if (req->msg == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("Tile %d/%d/%d does not exist"), zoom_level, x, y);
      return;
    }
  g_signal_connect (req->msg, "got-headers", G_CALLBACK (on_got_headers_cb), task);
  soup_session_send_and_read_async (self->session, req->msg, G_PRIORITY_DEFAULT, own,
                                    on_tile_read_cb, g_steal_pointer (&task));
}

static GBytes *
bd_city_tile_source_get_tile_data_finish (ShumateDataSource  *source,
                                          GAsyncResult       *result,
                                          GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
bd_city_tile_source_finalize (GObject *object)
{
  BdCityTileSource *self = BD_CITY_TILE_SOURCE (object);

  g_clear_object (&self->session);
  g_clear_pointer (&self->set, bd_city_tile_set_free);
  g_clear_pointer (&self->token, g_free);

  G_OBJECT_CLASS (bd_city_tile_source_parent_class)->finalize (object);
}

static void
bd_city_tile_source_class_init (BdCityTileSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ShumateDataSourceClass *source_class = SHUMATE_DATA_SOURCE_CLASS (klass);

  object_class->finalize = bd_city_tile_source_finalize;
  source_class->get_tile_data_async = bd_city_tile_source_get_tile_data_async;
  source_class->get_tile_data_finish = bd_city_tile_source_get_tile_data_finish;

  /* A tile loaded or failed (as BdHttpTileSource's). */
  signals[COUNTS_CHANGED] = g_signal_new ("counts-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
bd_city_tile_source_init (BdCityTileSource *self)
{
}

BdCityTileSource *
bd_city_tile_source_new (SoupSession         *session,
                         const BdCityTileSet *set,
                         const char          *token)
{
  BdCityTileSource *self;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (set != NULL, NULL);

  self = g_object_new (BD_TYPE_CITY_TILE_SOURCE, NULL);
  self->session = g_object_ref (session);
  self->set = bd_city_tile_set_copy (set);
  self->token = g_strdup (token);
  return self;
}

const BdCityTileSet *
bd_city_tile_source_get_set (BdCityTileSource *self)
{
  g_return_val_if_fail (BD_IS_CITY_TILE_SOURCE (self), NULL);
  return self->set;
}

guint
bd_city_tile_source_get_n_failed (BdCityTileSource *self)
{
  return self->n_failed;
}

guint
bd_city_tile_source_get_n_loaded (BdCityTileSource *self)
{
  return self->n_loaded;
}
