/* bd-overlay-style.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "bd-shape-set.h"

G_BEGIN_DECLS

/* How the server's overlay collections look on the map (DOMAIN.md A):
 * shelters by kind (symbol) and by state and crowding (colour);
 * evacuation areas in the national colours of their level (3 red,
 * 4 purple, 5 black); affected and inundated areas; road closures as a
 * red line with a white casing; alerts outlined and hatched by severity.
 * The same table feeds the legend. */

/* Drawing orders: higher on top. */
enum
{
  BD_OVERLAY_ORDER_AREA = 10,
  BD_OVERLAY_ORDER_EVACUATION = 20,
  BD_OVERLAY_ORDER_ALERT = 30,
  BD_OVERLAY_ORDER_CLOSURE = 40,
  BD_OVERLAY_ORDER_SHELTER = 50,
};

/* The style of a feature of @collection ("shelters", "areas", "alerts")
 * with @properties. Returns FALSE when the feature is not drawn: an
 * unknown collection or kind, an alert that is not an active real one at
 * @now (unix seconds), a lifted evacuation area. */
gboolean bd_overlay_style_for   (const char   *collection,
                                 JsonObject   *properties,
                                 gint64        now,
                                 BdShapeStyle *style,
                                 int          *order);

/* One line of the legend: a symbol, line or swatch, and what it means. */
typedef struct
{
  const char   *group;      /* "shelters", "areas", "closures", "alerts" */
  const char   *label;      /* English msgid: translate with _() */
  gboolean      is_point;
  gboolean      is_line;
  BdShapeStyle  style;
} BdLegendEntry;

/* Every style the overlays use, in legend order. */
const BdLegendEntry *bd_overlay_style_get_legend (guint *n_entries);

/* Whether an alert with @properties is shown at @now: a real ("actual"),
 * active one whose expiry (if any) is still ahead. */
gboolean bd_overlay_alert_is_active (JsonObject *properties,
                                     gint64      now);

G_END_DECLS
