/* bd-http-tile-source.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>
#include <shumate/shumate.h>

G_BEGIN_DECLS

/* A ShumateDataSource reading tiles from a public tile server by URL
 * template ("{z}", "{x}", "{y}", "{tmsy}"), for the base maps and the hazard
 * overlays of DOMAIN.md B.3, in place of ShumateTileDownloader, which
 * bounds nothing and reports nothing. A tile's body is read up to
 * BD_HTTP_TILE_MAX_BYTES (a longer or endless one is cut off and the tile
 * fails with G_IO_ERROR_MESSAGE_TOO_LARGE), each request gives up after the
 * timeout (G_IO_ERROR_TIMED_OUT), and only a PNG, JPEG or WebP of at most
 * BD_HTTP_TILE_MAX_SIDE pixels a side reaches the renderer (anything else
 * is G_IO_ERROR_INVALID_DATA). At most BD_HTTP_TILE_MAX_IN_FLIGHT requests
 * run at once; the others wait their turn, and a cancelled one never goes
 * out. Tiles are kept in libshumate's file cache (revalidated with ETag
 * after a week) under the same key ShumateTileDownloader used. Tiles
 * loaded and failed are counted ("counts-changed"); a missing tile (404)
 * and a cancelled one are neither. */

#define BD_TYPE_HTTP_TILE_SOURCE (bd_http_tile_source_get_type ())

G_DECLARE_FINAL_TYPE (BdHttpTileSource, bd_http_tile_source, BD, HTTP_TILE_SOURCE, ShumateDataSource)

#define BD_HTTP_TILE_MAX_BYTES     (4 * 1024 * 1024)
#define BD_HTTP_TILE_MAX_SIDE      1024
#define BD_HTTP_TILE_MAX_IN_FLIGHT 4
#define BD_HTTP_TILE_TIMEOUT_MS    20000

BdHttpTileSource *bd_http_tile_source_new              (const char       *url_template);
const char       *bd_http_tile_source_get_url_template (BdHttpTileSource *self);
/* Per request, from sending it to the body's end (default
 * BD_HTTP_TILE_TIMEOUT_MS). */
void              bd_http_tile_source_set_timeout      (BdHttpTileSource *self,
                                                        guint             timeout_ms);
/* While paused (a hidden overlay: libshumate asks for tiles of a hidden
 * layer too), requests wait and none goes out; those cancelled meanwhile
 * end. Cached tiles are still read. */
void              bd_http_tile_source_set_paused       (BdHttpTileSource *self,
                                                        gboolean          paused);
gboolean          bd_http_tile_source_get_paused       (BdHttpTileSource *self);
/* Since the source was made (for "no tile can load"). */
guint             bd_http_tile_source_get_n_loaded     (BdHttpTileSource *self);
guint             bd_http_tile_source_get_n_failed     (BdHttpTileSource *self);
/* Body bytes read from the network, and the most requests in flight at
 * once, since the source was made (for tests and figures). */
guint64           bd_http_tile_source_get_n_bytes_read (BdHttpTileSource *self);
guint             bd_http_tile_source_get_peak_in_flight (BdHttpTileSource *self);

/* Is @data the start of a PNG, JPEG or WebP image whose header says it is
 * at most BD_HTTP_TILE_MAX_SIDE pixels a side? */
gboolean          bd_http_tile_data_is_image           (const guint8     *data,
                                                        gsize             size);

G_END_DECLS
