/* bd-photo-strip-private.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The strip's real widgets, for tests. */

#pragma once

#include "bd-photo-strip.h"

G_BEGIN_DECLS

GtkWidget  *_bd_photo_strip_get_add_button  (BdPhotoStrip *self);
/* The thumbnails: each child's child is a BdPhotoThumbnail. */
GtkFlowBox *_bd_photo_strip_get_flow_box    (BdPhotoStrip *self);
GtkLabel   *_bd_photo_strip_get_error_label (BdPhotoStrip *self);
/* The offer of a photo's place, and its button. */
GtkWidget  *_bd_photo_strip_get_position_offer      (BdPhotoStrip *self);
GtkWidget  *_bd_photo_strip_get_use_position_button (BdPhotoStrip *self);
GtkLabel   *_bd_photo_strip_get_position_label      (BdPhotoStrip *self);

G_END_DECLS
