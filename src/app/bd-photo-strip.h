/* bd-photo-strip.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "bd-store.h"

G_BEGIN_DECLS

/* The photos of the report being edited: a thumbnail of each, an "Add
 * Photo…" button (it activates "editor.add-photo" of the editor around
 * it), progress while files are read, and why a file was refused.
 *
 * Photos are read and decoded on worker threads; each one goes into the
 * store as soon as it is read. The strip then changes its "attachments"
 * (a(sss): sha256, media type, name), and so when the user removes one;
 * the editor follows "notify::attachments" into its working copy.
 *
 * Properties:
 *   "store"        (BdStore)     where photos are kept and read from
 *   "attachments"  (GVariant)    the report's photos; NULL: no report
 *   "can-add"      (gboolean)    a report is shown and has room for
 *                                another photo (counting files being read)
 *
 * Signals:
 *   "use-position" (double latitude, double longitude): the user accepted
 *                  the place where a photo just added was taken (its EXIF
 *                  GPS position, inside the city), shown as an offer. */

#define BD_TYPE_PHOTO_STRIP (bd_photo_strip_get_type ())

G_DECLARE_FINAL_TYPE (BdPhotoStrip, bd_photo_strip, BD, PHOTO_STRIP, GtkBox)

GtkWidget *bd_photo_strip_new               (void);
BdStore   *bd_photo_strip_get_store         (BdPhotoStrip *self);
void       bd_photo_strip_set_store         (BdPhotoStrip *self,
                                             BdStore      *store);
GVariant  *bd_photo_strip_get_attachments   (BdPhotoStrip *self);
/* Sinks a floating @attachments. */
void       bd_photo_strip_set_attachments   (BdPhotoStrip *self,
                                             GVariant     *attachments);
gboolean   bd_photo_strip_get_can_add       (BdPhotoStrip *self);
/* Another report is opened: stops every load and thumbnail of the last
 * one, forgets its thumbnails and messages, and shows no photos. */
void       bd_photo_strip_reset             (BdPhotoStrip *self);
/* Photos may have arrived from the server: look again for those that
 * were only there. */
void       bd_photo_strip_recheck_on_server (BdPhotoStrip *self);
/* A file chooser for photos; each file picked goes to
 * bd_photo_strip_add_file (). */
void       bd_photo_strip_choose_files      (BdPhotoStrip *self);
/* Reads @file on a worker thread and, if it is a photo the server takes
 * (JPEG, PNG, WebP or HEIC by its bytes: bd_media_sniff ()) of at
 * most BD_STORE_MAX_ATTACHMENT_BYTES, adds it to the store and to the
 * attachments; otherwise shows why under the photos. */
void       bd_photo_strip_add_file          (BdPhotoStrip *self,
                                             GFile        *file);
/* Image files dropped on @widget (the editor) are added as photos, as
 * bd_photo_strip_add_file () adds them. */
void       bd_photo_strip_accept_drops      (BdPhotoStrip *self,
                                             GtkWidget    *widget);
/* TRUE while a photo file is being read or a thumbnail decoded. */
gboolean   bd_photo_strip_get_loading       (BdPhotoStrip *self);

G_END_DECLS
