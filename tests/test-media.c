/* test-media.c: photo types told by their bytes (bd-media), as the editor
 * and bosai-central both tell them
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>

#include "bd-media.h"

static void
test_media_sniff (void)
{
  {
    static const struct { const char *bytes; gsize size; const char *type; } cases[] = {
      { "\xff\xd8\xff\xe0\x00\x10JFIF", 10, "image/jpeg" },
      { "\x89PNG\r\n\x1a\n\x00\x00", 10, "image/png" },
      { "RIFF\x24\x00\x00\x00WEBPVP8 ", 16, "image/webp" },
      { "\x00\x00\x00\x18" "ftypheic\x00\x00\x00\x00", 16, "image/heic" },
      { "\x00\x00\x00\x18" "ftypmif1\x00\x00\x00\x00", 16, "image/heic" },
      { "\x00\x00\x00\x18" "ftyphevx\x00\x00\x00\x00", 16, "image/heic" },
      { "\x00\x00\x00\x18" "ftypisom\x00\x00\x00\x00", 16, NULL },   /* an MP4 video */
      { "\x00\x00\x00\x18" "ftypavif\x00\x00\x00\x00", 16, NULL },   /* AVIF */
      { "RIFF\x24\x00\x00\x00WAVEfmt ", 16, NULL },                       /* a WAV sound */
      { "GIF89a\x01\x00\x01\x00", 10, NULL },
      { "BM\x3a\x00\x00\x00\x00\x00", 8, NULL },
      { "<svg xmlns=\"http://www.w3.org/2000/svg\"/>", 41, NULL },
      { "\x89PNG\r\n\x1a", 7, NULL },                                     /* cut inside the signature */
      { "\xff\xd8", 2, NULL },
      { "", 0, NULL },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      g_assert_cmpstr (bd_media_sniff ((const guint8 *) cases[i].bytes, cases[i].size),
                      ==, cases[i].type);
  }
}

static void
test_media_declared (void)
{
  g_assert_true (bd_media_is_accepted ("image/jpeg"));
  g_assert_true (bd_media_is_accepted ("IMAGE/PNG"));
  g_assert_true (bd_media_is_accepted ("image/heif"));
  g_assert_false (bd_media_is_accepted ("image/svg+xml"));
  g_assert_false (bd_media_is_accepted ("image/gif"));
  g_assert_false (bd_media_is_accepted ("text/html"));
  g_assert_false (bd_media_is_accepted (NULL));

  g_assert_true (bd_media_matches ("image/png", "image/png"));
  g_assert_true (bd_media_matches ("image/heif", "image/heic"));
  g_assert_false (bd_media_matches ("image/png", "image/jpeg"));
  g_assert_false (bd_media_matches ("image/png", NULL));
  g_assert_false (bd_media_matches (NULL, "image/png"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/media/sniff", test_media_sniff);
  g_test_add_func ("/media/declared", test_media_declared);

  return g_test_run ();
}
