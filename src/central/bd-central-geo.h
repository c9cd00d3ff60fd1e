/* bd-central-geo.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "bd-feature-validate.h"

G_BEGIN_DECLS

#define BD_CENTRAL_GEO_ERROR (bd_central_geo_error_quark ())

typedef enum
{
  BD_CENTRAL_GEO_ERROR_INVALID,
} BdCentralGeoError;

/* The most positions a geometry may have (the client's bound). */
#define BD_CENTRAL_MAX_POSITIONS BD_FEATURE_MAX_POSITIONS

GQuark    bd_central_geo_error_quark  (void);

/* Checks a GeoJSON geometry object: Point, MultiPoint, LineString,
 * MultiLineString, Polygon or MultiPolygon with finite WGS 84 positions in
 * range (closed rings of at least 4 positions), and gives its envelope
 * (min_lon, min_lat, max_lon, max_lat). */
gboolean  bd_central_geometry_check   (JsonNode     *geometry,
                                       double        bbox[4],
                                       GError      **error);

/* Checks a GeoJSON Feature object (type, geometry, properties an object or
 * null, id a string or number when present). A null geometry passes, with
 * the city's envelope as @bbox: the collection's checks decide whether a
 * feature may have none (only an alert given by area codes may). */
gboolean  bd_central_feature_check    (JsonNode     *feature,
                                       double        bbox[4],
                                       GError      **error);

/* A feature or attachment id the server accepts: 1 to 128 characters of
 * [A-Za-z0-9._~-]. */
gboolean  bd_central_id_is_valid      (const char   *id);

G_END_DECLS
