/* bd-report-layer.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <shumate/shumate.h>

#include "bd-store.h"

G_BEGIN_DECLS

/* Draws reports as coloured dots (colour = category, size/ring = severity)
 * in snapshot(), culled to the visible box, from points kept pre-projected
 * (BdPoint). Never one widget per report. Points load on a worker thread
 * (bd_store_load_points_async) and reload, debounced, on the store's
 * "changed" signal. Below zoom 16 reports within 40 px of each other are
 * drawn as one cluster with a count (bd-cluster.h: by distance, per zoom).
 * A filter (ward, category, status, text: the report list's) and a time
 * ("as of") choose which reports are drawn. */

#define BD_TYPE_REPORT_LAYER (bd_report_layer_get_type ())

G_DECLARE_FINAL_TYPE (BdReportLayer, bd_report_layer, BD, REPORT_LAYER, ShumateLayer)

BdReportLayer *bd_report_layer_new          (ShumateViewport *viewport,
                                             BdStore         *store);
/* Replaces the points (takes a ref on the GArray of BdPoint). */
void           bd_report_layer_set_points   (BdReportLayer   *self,
                                             GArray          *points);
/* How many reports the layer holds, and how many of them the filter keeps. */
guint          bd_report_layer_get_n_points (BdReportLayer   *self);
guint          bd_report_layer_get_n_shown  (BdReportLayer   *self);
/* How many marks (dots and clusters) the last snapshot drew, and how many
 * reports they stand for. */
guint          bd_report_layer_get_n_drawn  (BdReportLayer   *self);
guint          bd_report_layer_get_n_drawn_reports (BdReportLayer *self);

/* Draws only the reports the store's query with these filters returns
 * (NULL or "": any), the same query the report list runs; asked on a
 * worker thread, debounced, and again whenever the points reload. Needs a
 * store ("filtering" is TRUE until the answer is in). */
void           bd_report_layer_set_filter   (BdReportLayer   *self,
                                             const char      *ward,
                                             const char      *category,
                                             const char      *status,
                                             const char      *text);
gboolean       bd_report_layer_get_filtering (BdReportLayer  *self);
/* Whether the filter keeps report @rowid (whatever the time). */
gboolean       bd_report_layer_is_shown     (BdReportLayer   *self,
                                             gint64           rowid);
/* Draws only the reports observed at or before @as_of (unix time, s);
 * G_MAXINT64 for all. Cheap: no re-clustering. */
void           bd_report_layer_set_as_of    (BdReportLayer   *self,
                                             gint64           as_of);
gint64         bd_report_layer_get_as_of    (BdReportLayer   *self);
/* Issue 10 (the time bar): set_as_of (instant), and the points follow
 * that time too: each report in its version valid then (its place and
 * status then, bd_store_load_points_as_of_async), read on a worker thread,
 * debounced, and again on the store's changes; G_MAXINT64: live. */
void           bd_report_layer_set_time     (BdReportLayer   *self,
                                             gint64           as_of);
/* The bounding box of the reports drawn (filtered, as of the time); FALSE
 * when there are none. */
gboolean       bd_report_layer_get_shown_bounds (BdReportLayer *self,
                                                 double        *min_lat,
                                                 double        *min_lon,
                                                 double        *max_lat,
                                                 double        *max_lon);
/* The rowid of the report nearest the widget point (x, y) within @radius
 * pixels, or 0. */
gint64         bd_report_layer_pick         (BdReportLayer   *self,
                                             double           x,
                                             double           y,
                                             double           radius);
/* TRUE when the widget point (x, y) falls on a cluster drawn in the last
 * frame (at the current zoom), with how many reports it holds, where its
 * centre is and the zoom at which it splits, so that a click on it can
 * zoom there. Call it before _pick(), which ignores clusters and finds the
 * nearest single report. */
gboolean       bd_report_layer_pick_cluster (BdReportLayer   *self,
                                             double           x,
                                             double           y,
                                             guint           *n_reports,
                                             double          *latitude,
                                             double          *longitude,
                                             double          *zoom);
/* Highlights one report (0 for none). */
void           bd_report_layer_set_selected (BdReportLayer   *self,
                                             gint64           rowid);
gint64         bd_report_layer_get_selected (BdReportLayer   *self);

/* For tests/bench-layer only: how dots are drawn. SPRITES (the default,
 * fastest here) appends one pre-rendered texture per dot; CAIRO draws all
 * dots into one Cairo node per frame; NODES uses a rounded clip, a colour
 * and a border node per dot. */
typedef enum
{
  BD_REPORT_LAYER_DRAW_SPRITES,
  BD_REPORT_LAYER_DRAW_CAIRO,
  BD_REPORT_LAYER_DRAW_NODES,
} BdReportLayerDrawMode;

void           _bd_report_layer_set_draw_mode (BdReportLayer         *self,
                                               BdReportLayerDrawMode  mode);

/* For tests: points beyond @n_points are clustered on a worker thread
 * (20,000 by default); "filtering" is TRUE until they are shown. */
void           _bd_report_layer_set_inline_max (BdReportLayer        *self,
                                                guint                 n_points);

/* How the layer draws, for a legend that must match it: a report's dot
 * radius (px) at @severity 1–4, the smallest cluster's radius, and the
 * opacity of closed reports (resolved, duplicate, false report). */
double         bd_report_layer_dot_radius      (int severity);
double         bd_report_layer_cluster_radius  (void);
#define BD_REPORT_LAYER_CLOSED_OPACITY 0.4
/* A report's dot (@cluster FALSE) or a cluster's disc, centred on the
 * origin of @cr, as the layer draws it (without a cluster's count). */
void           bd_report_layer_draw_mark       (cairo_t        *cr,
                                                const GdkRGBA  *fill,
                                                double          radius,
                                                gboolean        cluster,
                                                double          opacity);

G_END_DECLS
