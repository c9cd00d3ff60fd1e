/* bd-offline-copy.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "bd-city-tiles.h"

G_BEGIN_DECLS

/* "Save This Area for Offline Use": the tiles of a city map (bosai-central
 * /tiles) over an area and a range of zooms, copied into a local MBTiles
 * file. At most BD_OFFLINE_COPY_IN_FLIGHT requests at a time, only to the
 * city's server; tiles already in the file are skipped, so a copy that
 * was cancelled or cut off continues where it stopped. */

#define BD_OFFLINE_COPY_IN_FLIGHT 4
/* The most tiles one copy takes (about 5 GB of map). */
#define BD_OFFLINE_COPY_MAX_TILES 250000
/* Requests that fail in a row before the copy gives up. */
#define BD_OFFLINE_COPY_MAX_FAILURES 8
/* A tile's request given up after this long (see set_tile_timeout). */
#define BD_OFFLINE_COPY_TILE_TIMEOUT_MS 30000

/* Why a tile was not copied. None of these is stored. */
typedef enum
{
  BD_OFFLINE_COPY_FAILURE_NETWORK,     /* no answer, connection cut, short body */
  BD_OFFLINE_COPY_FAILURE_STATUS,      /* an HTTP error (500, …) */
  BD_OFFLINE_COPY_FAILURE_TOO_LARGE,   /* over BD_CITY_TILE_MAX_BYTES, or of no stated size */
  BD_OFFLINE_COPY_FAILURE_NOT_IMAGE,   /* not an image of the set's format */
  BD_OFFLINE_COPY_FAILURE_TRUNCATED,   /* the image stops before its end */
  BD_OFFLINE_COPY_FAILURE_TIMEOUT,     /* no whole answer in time */
  BD_OFFLINE_COPY_N_FAILURES
} BdOfflineCopyFailure;

typedef struct
{
  guint64 total;      /* tiles in the area and zooms */
  guint64 done;       /* of these, dealt with */
  guint64 fetched;    /* copied in this run */
  guint64 skipped;    /* in the file already */
  guint64 missing;    /* the server has none (404) */
  guint64 failed;     /* not copied (errors); a later run tries again */
  guint64 bytes;      /* of the tiles fetched */
  guint64 failed_by[BD_OFFLINE_COPY_N_FAILURES];   /* failed, by reason */
} BdOfflineCopyStats;

typedef void (*BdOfflineCopyProgress) (const BdOfflineCopyStats *stats,
                                       gpointer                  user_data);

typedef struct _BdOfflineCopy BdOfflineCopy;

/* Tiles covering the box at zooms @min_zoom…@max_zoom. */
guint64        bd_offline_copy_count_tiles   (double               min_lon,
                                              double               min_lat,
                                              double               max_lon,
                                              double               max_lat,
                                              guint                min_zoom,
                                              guint                max_zoom);
/* A rough size of @n_tiles tiles of @format, in bytes. */
guint64        bd_offline_copy_estimate_bytes (guint64             n_tiles,
                                               const char         *format);

/* The box is clipped to the set's bounds and the zooms to its zooms.
 * Fails when the set's URL is not on @server_url, the area holds more than
 * BD_OFFLINE_COPY_MAX_TILES tiles, or @path cannot be written. */
BdOfflineCopy *bd_offline_copy_new           (SoupSession          *session,
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
                                              GError              **error);
void           bd_offline_copy_free          (BdOfflineCopy        *self);
const BdOfflineCopyStats *bd_offline_copy_get_stats (BdOfflineCopy *self);
/* Called on the main context, at most every 100 ms and at the end. */
void           bd_offline_copy_set_progress  (BdOfflineCopy        *self,
                                              BdOfflineCopyProgress progress,
                                              gpointer              user_data);
/* 100 ms unless set (0: after every tile). */
void           bd_offline_copy_set_progress_interval (BdOfflineCopy *self,
                                                      guint          interval_ms);
/* A request not answered whole in @timeout_ms is given up (a failure). */
void           bd_offline_copy_set_tile_timeout (BdOfflineCopy *self,
                                                 guint          timeout_ms);
/* A short name ("not-image", …) and the reason in words, translated. */
const char    *bd_offline_copy_failure_name  (BdOfflineCopyFailure failure);
const char    *bd_offline_copy_failure_text  (BdOfflineCopyFailure failure);
/* Whether @data looks like a whole tile of @format (png, jpg, webp): its
 * signature and its end; @failure says why not. */
gboolean       bd_offline_copy_check_tile    (GBytes               *data,
                                              const char           *format,
                                              BdOfflineCopyFailure *failure);
/* Cancelling stops new requests, cancels those under way and keeps
 * every tile copied; the result is then G_IO_ERROR_CANCELLED. */
void           bd_offline_copy_run_async     (BdOfflineCopy        *self,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean       bd_offline_copy_run_finish    (BdOfflineCopy        *self,
                                              GAsyncResult         *result,
                                              GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdOfflineCopy, bd_offline_copy_free)

G_END_DECLS
