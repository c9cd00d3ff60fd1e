/* fuzz-replay.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs a fuzz target without libFuzzer, as a test: every file of its seed
 * corpus, then a fixed number of deterministic mutations of them (bit
 * flips, byte insertions and deletions, truncations, splices, repeats).
 * `make fuzz` builds the same targets with clang's libFuzzer for real
 * coverage-guided runs.
 *
 * Usage: fuzz-replay-NAME CORPUS-DIR [MUTATIONS]
 */

#include "config.h"

#include <string.h>

#include <glib.h>

#include "fuzz-target.h"

#define BD_FUZZ_MAX_INPUT (1024 * 1024)

static const char *corpus_dir;
static guint n_mutations = 20000;
static GPtrArray *seeds;

static void
load_seeds (void)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;

  seeds = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  dir = g_dir_open (corpus_dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (corpus_dir, name, NULL);
      char *contents = NULL;
      gsize length = 0;

      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      g_ptr_array_add (seeds, g_bytes_new_take (contents, length));
    }
}

static void
test_corpus (void)
{
  g_assert_cmpuint (seeds->len, >, 0);
  for (guint i = 0; i < seeds->len; i++)
    {
      gsize size;
      const guint8 *data = g_bytes_get_data (seeds->pdata[i], &size);

      g_assert_cmpint (LLVMFuzzerTestOneInput (data, size), ==, 0);
    }
}

static gsize
mutate (GRand  *rand,
        guint8 *buf,
        gsize   len)
{
  guint n_steps = g_rand_int_range (rand, 1, 5);

  for (guint step = 0; step < n_steps; step++)
    {
      gsize pos = len > 0 ? g_rand_int_range (rand, 0, len) : 0;

      switch (g_rand_int_range (rand, 0, 7))
        {
        case 0: /* flip a bit */
          if (len > 0)
            buf[pos] ^= 1u << g_rand_int_range (rand, 0, 8);
          break;
        case 1: /* set a byte to an interesting value */
          if (len > 0)
            {
              static const guint8 interesting[] = { 0, '"', '{', '}', '[', ']', ',', ':', '-', '.', 'e', '9', 0xff, 0xe3, '\\' };
              buf[pos] = interesting[g_rand_int_range (rand, 0, G_N_ELEMENTS (interesting))];
            }
          break;
        case 2: /* insert a byte */
          if (len < BD_FUZZ_MAX_INPUT)
            {
              memmove (buf + pos + 1, buf + pos, len - pos);
              buf[pos] = g_rand_int_range (rand, 0, 256);
              len++;
            }
          break;
        case 3: /* delete a run */
          if (len > 0)
            {
              gsize want = g_rand_int_range (rand, 1, 16);
              gsize n = MIN (want, len - pos);
              memmove (buf + pos, buf + pos + n, len - pos - n);
              len -= n;
            }
          break;
        case 4: /* truncate */
          len = pos;
          break;
        case 5: /* duplicate a run */
          if (len > 0)
            {
              gsize want = g_rand_int_range (rand, 1, 64);
              gsize n = MIN (want, len - pos);
              if (len + n <= BD_FUZZ_MAX_INPUT)
                {
                  memmove (buf + pos + n, buf + pos, len - pos);
                  len += n;
                }
            }
          break;
        default: /* splice in part of another seed */
          {
            gsize other_len;
            const guint8 *other = g_bytes_get_data (seeds->pdata[g_rand_int_range (rand, 0, seeds->len)], &other_len);
            if (other_len > 0)
              {
                gsize from = g_rand_int_range (rand, 0, other_len);
                gsize n = MIN (other_len - from, BD_FUZZ_MAX_INPUT - pos);
                memcpy (buf + pos, other + from, n);
                len = MAX (len, pos + n);
              }
          }
          break;
        }
    }

  return len;
}

static void
test_mutations (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260901);
  g_autofree guint8 *buf = g_malloc (BD_FUZZ_MAX_INPUT + 64);

  for (guint i = 0; i < n_mutations; i++)
    {
      gsize len;
      const guint8 *seed = g_bytes_get_data (seeds->pdata[g_rand_int_range (rand, 0, seeds->len)], &len);

      len = MIN (len, BD_FUZZ_MAX_INPUT);
      memcpy (buf, seed, len);
      len = mutate (rand, buf, len);
      g_assert_cmpint (LLVMFuzzerTestOneInput (buf, len), ==, 0);
    }
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  if (argc < 2)
    {
      g_printerr ("usage: %s CORPUS-DIR [MUTATIONS]\n", argv[0]);
      return 2;
    }
  corpus_dir = argv[1];
  if (argc > 2)
    n_mutations = (guint) g_ascii_strtoull (argv[2], NULL, 10);

  load_seeds ();

  g_test_add_func ("/bd/fuzz/corpus", test_corpus);
  g_test_add_func ("/bd/fuzz/mutations", test_mutations);

  ret = g_test_run ();
  g_ptr_array_unref (seeds);
  return ret;
}
