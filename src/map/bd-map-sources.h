/* bd-map-sources.h
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

/* The base maps of DOMAIN.md B.3: GSI standard (default), GSI pale, GSI
 * aerial photo and OpenStreetMap, each a ShumateRasterRenderer over a
 * BdHttpTileSource (bounded, counted) with its attribution (license text), id and zoom
 * range; and a local source (MBTiles or tile folder) when one is given. */

#define BD_MAP_SOURCE_GSI_STD   "gsi-std"
#define BD_MAP_SOURCE_GSI_PALE  "gsi-pale"
#define BD_MAP_SOURCE_GSI_PHOTO "gsi-photo"
#define BD_MAP_SOURCE_OSM       "osm"
#define BD_MAP_SOURCE_LOCAL     "local"
/* "city:NAME": a city map from bosai-central; "file:PATH": an offline map
 * file the user opened or saved. */
#define BD_MAP_SOURCE_CITY_PREFIX "city:"
#define BD_MAP_SOURCE_FILE_PREFIX "file:"
#define BD_MAP_SOURCE_HAZARD_PREFIX "hazard:"

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

/* An offline map file as a base map of its own (id "file:PATH", named by
 * its file name), as bd_map_sources_new_local() reads it. */
ShumateMapSource         *bd_map_sources_new_file         (const char  *path,
                                                           GError     **error);
char                     *bd_map_sources_file_id          (const char  *path);
/* A city map read from the server (BdCityTileSource), id "city:NAME",
 * its zooms and attribution from the set. */
ShumateMapSource         *bd_map_sources_new_city         (SoupSession         *session,
                                                           const BdCityTileSet *set,
                                                           const char          *token);
char                     *bd_map_sources_city_id          (const BdCityTileSet *set);
gboolean                  bd_map_sources_id_is_city       (const char *id);
/* A local file: "file:…" or the session's BD_MAP_SOURCE_LOCAL. */
gboolean                  bd_map_sources_id_is_file       (const char *id);

/* Overlays (for the layer panel): the Hazard Map Portal's layers
 * (DOMAIN.md B.3), credited 「出典：ハザードマップポータルサイト」; a city
 * overlay is bd_map_sources_new_city () of a set with overlay TRUE, and an
 * MBTiles file bd_map_sources_new_file (). */
typedef struct
{
  const char *id;             /* "hazard:flood-l2", … */
  const char *name;           /* N_() */
  const char *url_template;
  guint       min_zoom, max_zoom;
} BdHazardOverlay;

const BdHazardOverlay    *bd_map_sources_get_hazards      (guint       *n_hazards);
/* NULL for an unknown id. */
ShumateMapSource         *bd_map_sources_new_hazard       (const char  *id);
/* A ShumateMapLayer of @source, hidden (overlays are off by default), at
 * @opacity (0–1). A public server's source (BdHttpTileSource) is paused
 * while the layer is hidden: nothing is asked of the server. */
ShumateMapLayer          *bd_map_sources_new_overlay_layer (ShumateViewport  *viewport,
                                                            ShumateMapSource *source,
                                                            double            opacity);

/* Tests only: the network sources (base maps and hazard overlays) made
 * from now on read @id's tiles from @url_template instead (NULL: the real
 * one again), and give up on a tile after @timeout_ms (0: the default). */
void                      _bd_map_sources_set_url_override     (const char *id,
                                                                const char *url_template);
void                      _bd_map_sources_set_timeout_override (guint       timeout_ms);

G_END_DECLS
