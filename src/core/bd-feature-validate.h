/* bd-feature-validate.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The features of the overlay collections (shelters, areas, alerts), as
 * DOMAIN.md and ALERTS.md describe them, checked the same way by
 * bosai-central (POST, PUT, import) and by the client (the change feed). */

#define BD_FEATURE_ERROR (bd_feature_error_quark ())

typedef enum
{
  BD_FEATURE_ERROR_INVALID,    /* not a feature of the collection */
  BD_FEATURE_ERROR_TOO_LARGE,  /* too many positions */
} BdFeatureError;

typedef enum
{
  BD_GEOMETRY_POINT,
  BD_GEOMETRY_MULTI_POINT,
  BD_GEOMETRY_LINE_STRING,
  BD_GEOMETRY_MULTI_LINE_STRING,
  BD_GEOMETRY_POLYGON,
  BD_GEOMETRY_MULTI_POLYGON,
} BdGeometryType;

#define BD_GEOMETRY_MASK(type) (1u << (type))

/* The most positions one feature's geometry may have, and the longest
 * feature text the client keeps. */
#define BD_FEATURE_MAX_POSITIONS 100000
#define BD_FEATURE_MAX_BYTES     (8 << 20)

/* What the checks read from a valid feature (all borrowed from the node,
 * or computed). */
typedef struct
{
  const char *kind;            /* shelters/areas: kind; alerts: category */
  const char *name;            /* shelters/areas: name; alerts: headline or event */
  const char *ward;            /* shelters/areas: ward code; alerts: NULL */
  const char *status;          /* shelters: state; alerts: status; areas: NULL */
  int         level;           /* areas (evacuation) and alerts: 1–5, else 0 */
  gboolean    active;          /* alerts: "active"; areas: not lifted; shelters: TRUE */
  gint64      expires;         /* alerts: unix seconds, 0 when absent */
  gint64      effective;       /* alerts: effective (else sent), unix seconds */
  gboolean    has_bbox;        /* FALSE for a null geometry (an alert by codes) */
  double      bbox[4];         /* min_lon, min_lat, max_lon, max_lat */
  guint       n_positions;
} BdFeatureInfo;

GQuark      bd_feature_error_quark           (void);

/* "shelters", "areas" or "alerts". */
gboolean    bd_feature_is_overlay_collection (const char    *collection);
/* The overlay collections, NULL-terminated. */
const char * const *bd_feature_get_overlay_collections (void);

/* Checks a GeoJSON geometry: Point, MultiPoint, LineString,
 * MultiLineString, Polygon or MultiPolygon with finite positions in range
 * (longitude −180…180, latitude −90…90), lines of at least two positions,
 * closed rings of at least four, at most BD_FEATURE_MAX_POSITIONS in all.
 * @allowed: BD_GEOMETRY_MASK()s or-ed together (0: any of them). */
gboolean    bd_feature_check_geometry        (JsonNode      *geometry,
                                              guint          allowed,
                                              BdFeatureInfo *info,
                                              GError       **error);

/* Checks @feature (a GeoJSON Feature object) as a feature of @collection;
 * @info (may be NULL) gets what it says. */
gboolean    bd_feature_validate              (const char    *collection,
                                              JsonNode      *feature,
                                              BdFeatureInfo *info,
                                              GError       **error);

/* Whether an alert with @info is shown at @now (unix seconds): status
 * "actual", active, and not expired. */
gboolean    bd_feature_alert_is_shown        (const BdFeatureInfo *info,
                                              gint64         now);

G_END_DECLS
