/* bd-shape-layer.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <shumate/shumate.h>

#include "bd-shape-set.h"

G_BEGIN_DECLS

/* A map layer drawing a BdShapeSet as tiles: each 256 px tile is drawn
 * with Cairo in a worker thread, kept as a texture (a bounded cache), and
 * a frame only places the cached textures (scaled between zoom levels, a
 * coarser tile standing in while a finer one is drawn). A new set redraws
 * only the tiles that a changed shape touches. ShumatePathLayer instead
 * strokes every path over the whole window on every frame (DESIGN.md). */

#define BD_TYPE_SHAPE_LAYER (bd_shape_layer_get_type ())

G_DECLARE_FINAL_TYPE (BdShapeLayer, bd_shape_layer, BD, SHAPE_LAYER, ShumateLayer)

BdShapeLayer *bd_shape_layer_new        (ShumateViewport *viewport);
/* @shapes: sealed (bd_shape_set_seal ()), or NULL for none. */
void          bd_shape_layer_set_shapes (BdShapeLayer    *self,
                                         BdShapeSet      *shapes);
BdShapeSet   *bd_shape_layer_get_shapes (BdShapeLayer    *self);
/* The id of the topmost shape at widget point @x,@y (within a few px for
 * points and lines), or NULL. */
const char   *bd_shape_layer_pick       (BdShapeLayer    *self,
                                         double           x,
                                         double           y);

G_END_DECLS
