/* bd-window-overlays.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What bd-window-overlays.c (the server's overlays on the map, a
 * feature's details) and bd-window-layers.c (the layer panel and its
 * legend) share. Private to BdWindow. */

#pragma once

#include "bd-window-private.h"

#include "bd-shape-layer.h"

G_BEGIN_DECLS

typedef enum
{
  BD_OVERLAY_AREAS,       /* areas: affected, inundation, evacuation */
  BD_OVERLAY_CLOSURES,    /* areas: road_closure */
  BD_OVERLAY_ALERTS,
  BD_OVERLAY_SHELTERS,
  BD_N_OVERLAYS
} BdOverlayKind;

/* One row of the layer panel. */
typedef struct
{
  char         *id;              /* "reports", "shelters", …, "base-map" */
  char         *label;           /* translated */
  ShumateLayer *layer;           /* a reference; NULL for the base map (it changes) */
  gboolean      movable;         /* the base map stays at the bottom */
  gboolean      visible_default;
  GtkWidget    *row;
  GtkWidget    *toggle;          /* GtkSwitch */
  GtkWidget    *scale;           /* opacity, 0–100 % */
  GtkWidget    *up;
  GtkWidget    *down;
} BdLayerEntry;

typedef struct _BdWindowOverlays BdWindowOverlays;

struct _BdWindowOverlays
{
  BdWindow     *window;          /* not a reference: the window owns this */
  BdShapeLayer *shapes[BD_N_OVERLAYS];
  guint         expiry_id;       /* an alert expires: draw the alerts again */
  GCancellable *cancellable;     /* the shape builds on worker threads */
  guint         generation[3];   /* areas, alerts, shelters: the latest build */
  guint         n_loading;       /* builds not back yet */

  /* bd-window-layers.c */
  GPtrArray    *entries;         /* BdLayerEntry*, top first, the base map last */
  GtkMenuButton *button;         /* in the header */
  GtkMenuButton *map_button;     /* on the map, narrow */
  GtkPopover   *panel;
  GtkBox       *rows_box;
  GtkBox       *legend_box;
  gboolean      loading;         /* applying the settings: do not save them */

  /* the details of the features at a point */
  GtkWidget    *anchor;          /* over the map, lets clicks through */
  GtkPopover   *details;
  GtkBox       *details_box;
  double        details_lat;
  double        details_lon;
};

/* bd-window-legend.c: fills the panel's legend_box */
void        _bd_window_build_legend  (BdWindow     *self);

/* bd-window-overlays.c */
const char *_bd_overlay_id           (BdOverlayKind kind);
/* Shows the details of the features under widget point @x,@y of the map
 * (at @latitude, @longitude); with @offer_new, a "New Report Here" button
 * too. FALSE when no feature is there (nothing shown). */
gboolean    _bd_overlays_show_details_at (BdWindow *self,
                                          double    x,
                                          double    y,
                                          double    latitude,
                                          double    longitude,
                                          gboolean  offer_new);

/* bd-window-layers.c */
void        _bd_layers_init          (BdWindow *self);
void        _bd_layers_dispose       (BdWindow *self);
/* The layers, top first, as the panel orders them (BdLayerEntry*). */
GPtrArray  *_bd_layers_get_entries   (BdWindow *self);

G_END_DECLS
