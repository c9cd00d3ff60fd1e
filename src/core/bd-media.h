/* bd-media.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The photo types a report may carry, told by their bytes, not by what a
 * file or a client calls them: the app refuses anything else before it is
 * stored, and bosai-central answers 415 to it (SVG or HTML labelled
 * image/png must never be stored and served back to a browser). */

/* Bytes enough to tell the types apart. */
#define BD_MEDIA_SNIFF_BYTES 16

/* "image/jpeg", "image/png", "image/webp" or "image/heic" for the type
 * whose signature @data begins with; NULL for anything else (GIF, BMP,
 * SVG, AVIF, text…). */
const char *bd_media_sniff       (const guint8 *data,
                                  gsize         size);

/* JPEG, PNG, WebP, HEIC or HEIF (another name of HEIC). */
gboolean    bd_media_is_accepted (const char   *media_type);

/* Does the media type @declared name the type @sniffed? */
gboolean    bd_media_matches     (const char   *declared,
                                  const char   *sniffed);

G_END_DECLS
