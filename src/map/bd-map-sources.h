/* bd-map-sources.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <shumate/shumate.h>

G_BEGIN_DECLS

/* The base maps of DOMAIN.md B.3: GSI standard (default), GSI pale, GSI
 * aerial photo and OpenStreetMap, each a ShumateRasterRenderer over a
 * ShumateTileDownloader with its attribution (license text), id and zoom
 * range; and a local source (MBTiles or tile folder) when one is given. */

#define BD_MAP_SOURCE_GSI_STD   "gsi-std"
#define BD_MAP_SOURCE_GSI_PALE  "gsi-pale"
#define BD_MAP_SOURCE_GSI_PHOTO "gsi-photo"
#define BD_MAP_SOURCE_OSM       "osm"
#define BD_MAP_SOURCE_LOCAL     "local"

/* A ShumateMapSourceRegistry holding the network base maps (and the local
 * one if @local_path is not NULL and opens; otherwise @error is set but the
 * registry is still returned). */
ShumateMapSourceRegistry *bd_map_sources_new_registry (const char  *local_path,
                                                       GError     **error);
/* Just the local source: a ShumateRasterRenderer (id BD_MAP_SOURCE_LOCAL)
 * over a BdTileSource at @path (MBTiles file or tile folder), its zoom range
 * from the data (plus BD_TILE_SOURCE_MAX_OVERZOOM levels scaled up), its
 * license the data's attribution. NULL with @error set when it does not open. */
ShumateMapSource         *bd_map_sources_new_local        (const char  *path,
                                                           GError     **error);
/* Translated display name of a source id. */
const char               *bd_map_sources_get_display_name (const char *id);

G_END_DECLS
