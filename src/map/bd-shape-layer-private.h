/* bd-shape-layer-private.h: for tests and benchmarks
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "bd-shape-layer.h"

G_BEGIN_DECLS

/* Tiles drawn by the workers since the layer was made (empty ones too). */
guint    _bd_shape_layer_get_n_drawn   (BdShapeLayer *self);
/* Tiles waiting to be drawn or delivered. */
guint    _bd_shape_layer_get_n_pending (BdShapeLayer *self);
/* Tiles held in the cache. */
guint    _bd_shape_layer_get_n_cached  (BdShapeLayer *self);
/* Asks for every tile of the current view now (as a frame would). */
void     _bd_shape_layer_request_view  (BdShapeLayer *self);

G_END_DECLS
