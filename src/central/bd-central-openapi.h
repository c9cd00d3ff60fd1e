/* bd-central-openapi.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The OpenAPI 3.0 document served at /api: the endpoints and the fields of
 * each collection, so that GDAL and QGIS learn them. */
extern const char bd_central_openapi_json[];

G_END_DECLS
