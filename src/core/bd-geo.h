/* bd-geo.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The Web Mercator projection, in one place for the store (which
 * pre-projects every report for the map) and the map's report layer. */

/* The latitude where Web Mercator's square world ends (atan (sinh (π))). */
#define BD_GEO_MAX_LATITUDE 85.05112877980659

/* One report as the map needs it: pre-projected Web Mercator coordinates
 * in [0,1) (x grows east, y grows south), category index, severity, and
 * when it was observed (for "as of" a time). */
typedef struct
{
  gint64  rowid;
  double  x, y;
  guint8  category;            /* bd_catalog_category_index() */
  guint8  severity;
  guint8  status;              /* index in bd_catalog_get_statuses() */
  guint8  _pad;
  gint64  observed_at;         /* unix time, s; G_MININT64 when unknown */
} BdPoint;

/* x in [0,1] of @longitude (clamped to ±180). */
double      bd_geo_mercator_x         (double          longitude);
/* y in [0,1] of @latitude (clamped to ±BD_GEO_MAX_LATITUDE), growing south. */
double      bd_geo_mercator_y         (double          latitude);

/* Both, kept in [0,1) as BdPoint wants them. */
void        bd_project_mercator       (double          latitude,
                                       double          longitude,
                                       double         *x,
                                       double         *y);

G_END_DECLS
