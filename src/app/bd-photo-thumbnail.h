/* bd-photo-thumbnail.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* One photo of a report in the editor: a square thumbnail with a remove
 * button, or a placeholder while it loads, when only the server holds it,
 * or when it cannot be shown.
 *
 * Signals:
 *   "remove" ()  the user pressed the remove button */

typedef enum
{
  BD_PHOTO_STATE_LOADING,
  BD_PHOTO_STATE_READY,        /* the thumbnail is shown */
  BD_PHOTO_STATE_ON_SERVER,    /* this device does not hold the photo */
  BD_PHOTO_STATE_BROKEN,       /* held, but cannot be decoded */
  BD_PHOTO_STATE_NO_PREVIEW,   /* held, of a type the server takes (WebP,
                                * HEIC) that this device cannot decode */
} BdPhotoState;

#define BD_TYPE_PHOTO_THUMBNAIL (bd_photo_thumbnail_get_type ())

G_DECLARE_FINAL_TYPE (BdPhotoThumbnail, bd_photo_thumbnail, BD, PHOTO_THUMBNAIL, GtkWidget)

GtkWidget    *bd_photo_thumbnail_new               (const char       *sha256,
                                                    const char       *media_type,
                                                    const char       *name);
const char   *bd_photo_thumbnail_get_sha256        (BdPhotoThumbnail *self);
const char   *bd_photo_thumbnail_get_name          (BdPhotoThumbnail *self);
BdPhotoState  bd_photo_thumbnail_get_state         (BdPhotoThumbnail *self);
/* Shows @texture (state READY). */
void          bd_photo_thumbnail_set_texture       (BdPhotoThumbnail *self,
                                                    GdkTexture       *texture);
/* LOADING, ON_SERVER, BROKEN or NO_PREVIEW (READY comes with set_texture). */
void          bd_photo_thumbnail_set_state         (BdPhotoThumbnail *self,
                                                    BdPhotoState      state);

G_END_DECLS
