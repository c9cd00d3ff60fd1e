/* bd-city-tile-source.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>
#include <shumate/shumate.h>

#include "bd-city-tiles.h"

G_BEGIN_DECLS

/* A ShumateDataSource reading a city map's tiles from bosai-central
 * (GET /tiles/NAME/{z}/{x}/{y}) with the bearer token. Tiles reach the
 * renderer through "received-data" (libshumate 1.0.x draws nothing else);
 * a failed, refused or oversized tile is G_IO_ERROR_NOT_FOUND, never more.
 * Tiles outside the set's zooms or bounds are not requested. */

#define BD_TYPE_CITY_TILE_SOURCE (bd_city_tile_source_get_type ())

G_DECLARE_FINAL_TYPE (BdCityTileSource, bd_city_tile_source, BD, CITY_TILE_SOURCE, ShumateDataSource)

BdCityTileSource    *bd_city_tile_source_new      (SoupSession         *session,
                                                   const BdCityTileSet *set,
                                                   const char          *token);
const BdCityTileSet *bd_city_tile_source_get_set  (BdCityTileSource    *self);
/* Tiles that failed since the source was made (for "no tile can load"). */
/* Tiles failed and loaded (a 404 is neither); "counts-changed" when
 * either changes. */
guint                bd_city_tile_source_get_n_failed (BdCityTileSource *self);
guint                bd_city_tile_source_get_n_loaded (BdCityTileSource *self);

G_END_DECLS
