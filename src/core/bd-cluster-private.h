/* bd-cluster-private.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "bd-cluster.h"

G_BEGIN_DECLS

/* For tests only. */

/* How many items (clusters, or points at max_zoom + 1) level @zoom holds. */
guint   _bd_cluster_index_get_n_items (BdClusterIndex *index,
                                       guint           zoom);
/* Where cluster @id of @zoom was seeded: its anchor. */
void    _bd_cluster_index_get_anchor  (BdClusterIndex *index,
                                       guint           zoom,
                                       guint32         id,
                                       double         *x,
                                       double         *y);
/* How far from its anchor a report of a cluster of @zoom can lie: the sum
 * of the radii from @zoom up to max_zoom (under twice the radius). */
double  _bd_cluster_index_get_reach   (BdClusterIndex *index,
                                       guint           zoom);
/* Appends to @points (guint32) the indices of the reports of cluster @id
 * of @zoom observed by @as_of. */
void    _bd_cluster_index_get_points  (BdClusterIndex *index,
                                       guint           zoom,
                                       guint32         id,
                                       gint64          as_of,
                                       GArray         *points);

G_END_DECLS
