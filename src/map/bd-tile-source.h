/* bd-tile-source.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <shumate/shumate.h>

G_BEGIN_DECLS

#define BD_TILE_SOURCE_ERROR (bd_tile_source_error_quark ())

typedef enum
{
  BD_TILE_SOURCE_ERROR_OPEN,      /* missing file, not an MBTiles database */
  BD_TILE_SOURCE_ERROR_NOT_FOUND, /* no such tile */
  BD_TILE_SOURCE_ERROR_INVALID,   /* impossible tile coordinates, oversized tile */
} BdTileSourceError;

/* A ShumateDataSource reading local raster tiles, off the main thread:
 * an MBTiles file (SQLite, TMS rows: y = 2^z - 1 - y) or a directory laid
 * out as {z}/{x}/{y}.png (or .jpg). The zoom range comes from the data
 * (MBTiles metadata minzoom/maxzoom, or the directory's z folders). Tiles
 * are handed to the renderer through "received-data" on the main thread
 * (libshumate 1.0.x ignores the bytes of get_tile_data_finish). */

/* Tiles requested up to this many levels past the data's highest zoom are
 * cut out of the ancestor tile and scaled up (libshumate 1.0.3 has no
 * overzoom of its own); further in, tiles are NOT_FOUND. */
#define BD_TILE_SOURCE_MAX_OVERZOOM 4

#define BD_TYPE_TILE_SOURCE (bd_tile_source_get_type ())

G_DECLARE_FINAL_TYPE (BdTileSource, bd_tile_source, BD, TILE_SOURCE, ShumateDataSource)

GQuark        bd_tile_source_error_quark  (void);

/* @path: an .mbtiles file or a tile directory. */
BdTileSource *bd_tile_source_new          (const char    *path,
                                           GError       **error);
guint         bd_tile_source_get_min_zoom (BdTileSource  *self);
guint         bd_tile_source_get_max_zoom (BdTileSource  *self);
const char   *bd_tile_source_get_name     (BdTileSource  *self);
const char   *bd_tile_source_get_attribution (BdTileSource *self);
/* Synchronous read, for tests and the worker thread. */
GBytes       *bd_tile_source_read_tile    (BdTileSource  *self,
                                           guint          x,
                                           guint          y,
                                           guint          zoom,
                                           GError       **error);

G_END_DECLS
