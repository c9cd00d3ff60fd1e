/* bd-media.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-media"

#include "config.h"

#include "bd-media.h"

#include <string.h>

static const char * const accepted[] = {
  "image/jpeg", "image/png", "image/webp", "image/heic", "image/heif",
};

static gboolean
heic_brand (const guint8 *brand)
{
  static const char brands[][5] = {
    "heic", "heix", "mif1", "msf1", "heim", "heis", "hevc", "hevx",
  };

  for (guint i = 0; i < G_N_ELEMENTS (brands); i++)
    {
      if (memcmp (brand, brands[i], 4) == 0)
        return TRUE;
    }
  return FALSE;
}

const char *
bd_media_sniff (const guint8 *data,
                         gsize         size)
{
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

  g_return_val_if_fail (data != NULL || size == 0, NULL);

  if (size >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
    return "image/jpeg";
  if (size >= sizeof png && memcmp (data, png, sizeof png) == 0)
    return "image/png";
  if (size >= 12 && memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "WEBP", 4) == 0)
    return "image/webp";
  /* ISO-BMFF: the first box is "ftyp", then the major brand */
  if (size >= 12 && memcmp (data + 4, "ftyp", 4) == 0 && heic_brand (data + 8))
    return "image/heic";
  return NULL;
}

gboolean
bd_media_is_accepted (const char *media_type)
{
  for (guint i = 0; media_type != NULL && i < G_N_ELEMENTS (accepted); i++)
    {
      if (g_ascii_strcasecmp (media_type, accepted[i]) == 0)
        return TRUE;
    }
  return FALSE;
}

gboolean
bd_media_matches (const char *declared,
                           const char *sniffed)
{
  if (sniffed == NULL || declared == NULL)
    return FALSE;
  if (g_str_equal (sniffed, "image/heic"))
    return g_ascii_strcasecmp (declared, "image/heic") == 0 ||
           g_ascii_strcasecmp (declared, "image/heif") == 0;
  return g_ascii_strcasecmp (declared, sniffed) == 0;
}
