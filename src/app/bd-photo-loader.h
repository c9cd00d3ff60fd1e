/* bd-photo-loader.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "bd-store.h"

G_BEGIN_DECLS

/* Reading photos off the main thread: a file the user picked (bounded in
 * size, checked to be an image that can be decoded), and thumbnails of
 * photo bytes. Thumbnails are decoded at a small size, so that a photo of
 * many megapixels never sits in memory at full size. */

#define BD_PHOTO_ERROR (bd_photo_error_quark ())

typedef enum
{
  BD_PHOTO_ERROR_TOO_LARGE,    /* more bytes, or more pixels, than allowed */
  BD_PHOTO_ERROR_NOT_IMAGE,    /* not an image file at all */
  BD_PHOTO_ERROR_BAD_IMAGE,    /* says it is an image, but cannot be decoded */
  BD_PHOTO_ERROR_EMPTY,
  BD_PHOTO_ERROR_NOT_ACCEPTED, /* an image, but not a type the server takes */
  BD_PHOTO_ERROR_NO_PREVIEW,   /* a type the server takes (WebP, HEIC) that
                                * gdk-pixbuf cannot decode here */
} BdPhotoError;

/* Thumbnails are decoded with their shorter side at most this many pixels
 * (twice what the editor shows, for HiDPI screens). */
#define BD_PHOTO_THUMBNAIL_PIXELS 240
/* Images with more pixels than this are refused: decoding them would take
 * too much memory (a 50-megapixel camera stays well under it). */
#define BD_PHOTO_MAX_PIXELS (120 * 1000 * 1000)

/* A photo file, read and checked. */
typedef struct
{
  GBytes     *bytes;
  char       *media_type;    /* "image/png": bd_media_sniff () of the bytes */
  char       *name;          /* the file's display name, safe as an attachment name */
  GdkTexture *thumbnail;     /* NULL: no preview (BD_PHOTO_ERROR_NO_PREVIEW) */
} BdPhotoFile;

GQuark       bd_photo_error_quark             (void);

void         bd_photo_file_free               (BdPhotoFile         *photo);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdPhotoFile, bd_photo_file_free)

/* Reads @file on a worker thread. A WebP or HEIC photo that this device
 * has no decoder for is taken as it is, without a thumbnail. Fails with BD_PHOTO_ERROR_TOO_LARGE when
 * it holds more than @max_bytes (without reading more than @max_bytes + 1),
 * BD_PHOTO_ERROR_NOT_IMAGE / _NOT_ACCEPTED (an image of a type the server
 * does not take, see bd_media_sniff ()) / _BAD_IMAGE / _EMPTY, or a
 * GIO error. Every message names the file and is meant for the user. */
void         bd_photo_load_file_async         (GFile               *file,
                                               gsize                max_bytes,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
BdPhotoFile *bd_photo_load_file_finish        (GAsyncResult        *result,
                                               GError             **error);

/* A thumbnail of image @bytes (any thread). BD_PHOTO_ERROR_NO_PREVIEW for
 * a WebP or HEIC photo when gdk-pixbuf has no loader for it. */
GdkTexture  *bd_photo_decode_thumbnail        (GBytes              *bytes,
                                               GCancellable        *cancellable,
                                               GError             **error);
/* The same on a worker thread. */
void         bd_photo_decode_thumbnail_async  (GBytes              *bytes,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
GdkTexture  *bd_photo_decode_thumbnail_finish (GAsyncResult        *result,
                                               GError             **error);

/* A thumbnail of the photo @sha256 held by @store, read by
 * bd_store_read_attachment_async () and decoded on a worker thread.
 * BD_STORE_ERROR_NOT_FOUND when the store does not hold it. (Photos are
 * added with bd_store_add_attachment_async ().) */
void         bd_photo_load_thumbnail_async    (BdStore             *store,
                                               const char          *sha256,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
GdkTexture  *bd_photo_load_thumbnail_finish   (GAsyncResult        *result,
                                               GError             **error);

/* @name made safe as an attachment name: valid UTF-8, no "/", "\" or
 * control characters, at most 255 characters. */
char        *bd_photo_sanitize_name           (const char          *name);

G_END_DECLS
