/* bd-city-tiles.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* The map tiles the city's server offers (GET /tiles of bosai-central):
 * base maps and overlays made from MBTiles files, read with the sync's
 * server URL and token. */

#define BD_CITY_TILES_ERROR (bd_city_tiles_error_quark ())

typedef enum
{
  BD_CITY_TILES_ERROR_INVALID,     /* the answer is not a list of tile sets */
  BD_CITY_TILES_ERROR_HTTP,        /* the server answered with an error */
  BD_CITY_TILES_ERROR_FOREIGN,     /* a URL that is not on the city's server */
} BdCityTilesError;

/* At most this many sets, each at most this many bytes of JSON. */
#define BD_CITY_TILES_MAX_SETS 200
#define BD_CITY_TILES_MAX_LIST_BYTES (1 << 20)
/* The largest tile accepted. */
#define BD_CITY_TILE_MAX_BYTES (4 << 20)

typedef struct
{
  char    *name;
  double   min_lon, min_lat, max_lon, max_lat;
  guint    min_zoom, max_zoom;
  char    *attribution;
  char    *format;         /* png, jpg, webp */
  gboolean overlay;
  char    *url_template;   /* …/tiles/NAME/{z}/{x}/{y}, on the server */
} BdCityTileSet;

#define BD_TYPE_CITY_TILE_SET (bd_city_tile_set_get_type ())

GType          bd_city_tile_set_get_type  (void) G_GNUC_CONST;
GQuark         bd_city_tiles_error_quark  (void);
BdCityTileSet *bd_city_tile_set_copy      (const BdCityTileSet *set);
void           bd_city_tile_set_free      (BdCityTileSet       *set);
/* The URL of one tile (XYZ). */
char          *bd_city_tile_set_tile_url  (const BdCityTileSet *set,
                                           guint                z,
                                           guint                x,
                                           guint                y);

/* TRUE when @url has the scheme, host and port of @server_url. */
gboolean       bd_city_tiles_url_on_server (const char         *url,
                                            const char         *server_url);

/* The body of GET /tiles → BdCityTileSet*; sets whose URL is not on
 * @server_url are left out (tiles are only ever read from the city). */
GPtrArray     *bd_city_tiles_parse        (const char          *data,
                                           gsize                length,
                                           const char          *server_url,
                                           GError             **error);

/* A request with the bearer token. */
SoupMessage   *bd_city_tiles_request_new  (const char          *url,
                                           const char          *token);

void           bd_city_tiles_fetch_async  (SoupSession         *session,
                                           const char          *server_url,
                                           const char          *token,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
GPtrArray     *bd_city_tiles_fetch_finish (GAsyncResult        *result,
                                           GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdCityTileSet, bd_city_tile_set_free)

G_END_DECLS
