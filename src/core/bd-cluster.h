/* bd-cluster.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "bd-geo.h"

G_BEGIN_DECLS

/* Clusters of reports by distance, per zoom, as supercluster makes them
 * (greedy, from the highest zoom down, each zoom clustering the clusters of
 * the one above within a radius in pixels), over points pre-projected to
 * Web Mercator (BdPoint). The index is built once (and again only when the
 * set of points changes); a time filter ("as of T": observed_at <= T) is
 * applied while querying, so moving T costs one query, not a rebuild.
 *
 * Seeds are taken in observed_at order, so the clusters of the reports
 * observed by T are exactly the clusters of the whole index restricted to
 * those reports: a time step never re-clusters. No GTK; an index is
 * immutable once built and may be queried from any thread. */

typedef struct _BdClusterIndex BdClusterIndex;

#define BD_CLUSTER_ERROR (bd_cluster_error_quark ())

typedef enum
{
  BD_CLUSTER_ERROR_INVALID,    /* options out of range */
  BD_CLUSTER_ERROR_TOO_MANY,   /* more than BD_CLUSTER_MAX_POINTS points */
} BdClusterError;

GQuark          bd_cluster_error_quark     (void);

typedef struct
{
  double radius;               /* px; clusters hold what lies within it */
  double tile_size;            /* px of a tile at zoom 0 (256) */
  guint  min_zoom;             /* the lowest zoom clustered */
  guint  max_zoom;             /* the highest zoom clustered; above it, points */
  guint  min_points;           /* a cluster of fewer is drawn as its points */
} BdClusterOptions;

#define BD_CLUSTER_MAX_ZOOM   20
#define BD_CLUSTER_MAX_POINTS 10000000

/* What a query returns: a cluster or a single report. */
typedef struct
{
  double  x, y;                /* Web Mercator: the centroid of its reports */
  guint32 count;               /* reports in it (as of the query's time); 1 for a report */
  guint32 id;                  /* a cluster: its id at this zoom; a report: its index
                                * in the points given to bd_cluster_index_new() */
  guint8  category;            /* a cluster: its commonest category (ties: the lower) */
  guint8  severity;            /* the highest severity in it */
  guint8  is_cluster;
  guint8  zoom;                /* the zoom this item belongs to */
} BdClusterItem;

/* Fills @options with the defaults: radius 40 px on 256 px tiles, zooms
 * 0–15 clustered, clusters of 2 or more. */
void            bd_cluster_options_init    (BdClusterOptions       *options);

/* Builds the index over @points (copied; the caller keeps its array). NULL
 * and a GError for options out of range or more than
 * BD_CLUSTER_MAX_POINTS points. */
BdClusterIndex *bd_cluster_index_new       (const BdPoint          *points,
                                            guint                   n_points,
                                            const BdClusterOptions *options,
                                            GError                **error);
void            bd_cluster_index_free      (BdClusterIndex         *index);

guint           bd_cluster_index_get_n_points (BdClusterIndex      *index);
const BdClusterOptions *
                bd_cluster_index_get_options  (BdClusterIndex      *index);
/* The observed_at range of the points (G_MININT64 for a point without one). */
void            bd_cluster_index_get_time_range (BdClusterIndex    *index,
                                                 gint64            *first,
                                                 gint64            *last);

/* Appends to @items (a GArray of BdClusterItem) what is drawn at @zoom
 * (floored, then clamped to min_zoom … max_zoom + 1) whose position lies in
 * the box (Web Mercator, min ≤ max), counting only the reports observed at
 * or before @as_of (G_MAXINT64: all). Returns how many it appended. */
guint           bd_cluster_index_query     (BdClusterIndex         *index,
                                            double                  zoom,
                                            double                  min_x,
                                            double                  min_y,
                                            double                  max_x,
                                            double                  max_y,
                                            gint64                  as_of,
                                            GArray                 *items);

/* The zoom at which cluster @id of zoom @zoom (as returned by a query at
 * @as_of) splits into more than one item: where a click should zoom to. */
guint           bd_cluster_index_get_split_zoom (BdClusterIndex    *index,
                                                 guint              zoom,
                                                 guint32            id,
                                                 gint64             as_of);

/* The radius in Web Mercator units at @zoom. */
double          bd_cluster_index_get_radius (BdClusterIndex        *index,
                                             guint                  zoom);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdClusterIndex, bd_cluster_index_free)

G_END_DECLS
