/* bd-central-tiles.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "bd-central-store.h"

G_BEGIN_DECLS

/* MBTiles files served by bosai-central (issue 10, offline maps from the
 * city): checking a file before it is taken in, keeping a copy of it
 * beside the database, and reading its tiles (rows in TMS order). */

#define BD_CENTRAL_TILES_ERROR (bd_central_tiles_error_quark ())

typedef enum
{
  BD_CENTRAL_TILES_ERROR_INVALID,   /* not an MBTiles file, empty, damaged */
  BD_CENTRAL_TILES_ERROR_NAME,
  BD_CENTRAL_TILES_ERROR_IO,
  BD_CENTRAL_TILES_ERROR_TOO_LARGE,
} BdCentralTilesError;

/* The largest tile served, and the highest zoom level. */
#define BD_CENTRAL_TILE_MAX_BYTES (4 << 20)
#define BD_CENTRAL_TILE_MAX_ZOOM 24

GQuark            bd_central_tiles_error_quark   (void);

/* 1–64 of A–Z a–z 0–9 - _ (it is part of a URL and of a file name). */
gboolean          bd_central_tiles_name_is_valid (const char   *name);
/* Opens @path read-only and checks that it is an MBTiles file of raster
 * tiles holding at least one tile; the set's format, zooms, bounds and
 * attribution come from its metadata, or from its tiles when the metadata
 * lacks them. name, path and overlay are left unset. */
BdCentralTileSet *bd_central_tiles_inspect       (const char   *path,
                                                  GError      **error);
/* The folder the copies are kept in: "DATABASE.tiles" (absolute). */
char             *bd_central_tiles_dir_for       (const char   *database);
/* `tiles add`: checks @file, copies it into the database's folder as
 * NAME.mbtiles and records it; nothing is left behind on failure. */
BdCentralTileSet *bd_central_tiles_add           (BdCentralStore *store,
                                                  const char     *database,
                                                  const char     *name,
                                                  const char     *file,
                                                  gboolean        overlay,
                                                  GError        **error);
/* `tiles remove`: forgets the set and deletes its copy. */
gboolean          bd_central_tiles_remove        (BdCentralStore *store,
                                                  const char     *name,
                                                  GError        **error);
const char       *bd_central_tiles_content_type  (const char   *format);

/* Open tile files, reused from one request to the next. */
typedef struct _BdCentralTileReader BdCentralTileReader;

BdCentralTileReader *bd_central_tile_reader_new  (void);
void              bd_central_tile_reader_free    (BdCentralTileReader *reader);
/* The tile at @z/@x/@y (XYZ, y down from the north) of @set, or NULL with
 * no error when it holds none. */
GBytes           *bd_central_tile_reader_get     (BdCentralTileReader    *reader,
                                                  const BdCentralTileSet *set,
                                                  guint                   z,
                                                  guint                   x,
                                                  guint                   y,
                                                  GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdCentralTileReader, bd_central_tile_reader_free)

G_END_DECLS
