/* bd-demo-overlays.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Demo features of an overlay collection ("shelters", "areas", "alerts"),
 * each a GeoJSON Feature (JsonNode*) that bd_feature_validate() accepts;
 * the same every time. Empty for any other collection. */
GPtrArray *bd_demo_overlays_generate   (const char *collection);
/* The same as one GeoJSON FeatureCollection, for bosai-central import. */
char      *bd_demo_overlays_to_geojson (const char *collection);

G_END_DECLS
