/* bd-photo-thumbnail-private.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The thumbnail's widgets, for tests. */

#pragma once

#include "bd-photo-thumbnail.h"

G_BEGIN_DECLS

GtkWidget    *_bd_photo_thumbnail_get_remove_button (BdPhotoThumbnail *self);
/* The text under the placeholder icon ("On the server"…). */
GtkLabel     *_bd_photo_thumbnail_get_status_label  (BdPhotoThumbnail *self);

G_END_DECLS
