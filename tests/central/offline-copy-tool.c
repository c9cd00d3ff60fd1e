/* offline-copy-tool.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Copies a city map from bosai-central into a local MBTiles file with
 * BdOfflineCopy, as "Save This Area for Offline Use" does, and prints what
 * it did and offline_copy_tiles_per_s (test-central-tiles-copy.py and
 * `make bench`).
 *
 * Usage: offline-copy-tool SERVER TOKEN SET OUT.mbtiles W,S,E,N ZMIN ZMAX
 *        [CANCEL_AFTER_TILES]
 *
 * BD_TILE_TIMEOUT_MS in the environment sets the copy's tile timeout; the
 * failures are printed by reason (failed_timeout 2, …). */

#include <stdio.h>
#include <stdlib.h>

#include "bd-city-tiles.h"
#include "bd-offline-copy.h"

typedef struct
{
  GMainLoop     *loop;
  GPtrArray     *sets;
  GError        *error;
  gboolean       done;
  GCancellable  *cancellable;
  guint64        cancel_after;
  BdOfflineCopy *copy;
} State;

static void
on_list_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  State *state = user_data;

  state->sets = bd_city_tiles_fetch_finish (result, &state->error);
  g_main_loop_quit (state->loop);
}

static void
on_progress (const BdOfflineCopyStats *stats,
             gpointer                  user_data)
{
  State *state = user_data;

  if (state->cancel_after > 0 && stats->fetched >= state->cancel_after)
    g_cancellable_cancel (state->cancellable);
}

static void
on_copied_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  State *state = user_data;
  g_autoptr(GError) error = NULL;

  if (bd_offline_copy_run_finish (state->copy, result, &error))
    printf ("result ok\n");
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    printf ("result cancelled\n");
  else
    printf ("result error: %s\n", error->message);
  state->done = TRUE;
  g_main_loop_quit (state->loop);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(BdOfflineCopy) copy = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) box = NULL;
  const BdCityTileSet *set = NULL;
  const BdOfflineCopyStats *stats;
  State state = { 0 };
  gint64 start;
  double seconds;

  if (argc < 8)
    {
      fprintf (stderr, "Usage: %s SERVER TOKEN SET OUT W,S,E,N ZMIN ZMAX [CANCEL_AFTER]\n", argv[0]);
      return 2;
    }
  box = g_strsplit (argv[5], ",", 4);
  if (g_strv_length (box) != 4)
    return 2;

  /* as the window's session (bd-window-offline-maps.c), without its I/O
   * timeout: the copy's own tile timeout is what is tested */
  session = soup_session_new_with_options ("max-conns-per-host", 6, NULL);
  loop = g_main_loop_new (NULL, FALSE);
  state.loop = loop;
  state.cancellable = g_cancellable_new ();
  state.cancel_after = argc > 8 ? g_ascii_strtoull (argv[8], NULL, 10) : 0;

  bd_city_tiles_fetch_async (session, argv[1], argv[2], NULL, on_list_cb, &state);
  g_main_loop_run (loop);
  if (state.sets == NULL)
    {
      printf ("result error: %s\n", state.error->message);
      return 1;
    }
  for (guint i = 0; i < state.sets->len; i++)
    {
      const BdCityTileSet *s = g_ptr_array_index (state.sets, i);

      if (g_strcmp0 (s->name, argv[3]) == 0)
        set = s;
    }
  printf ("sets %u\n", state.sets->len);
  if (set == NULL)
    {
      printf ("result error: no set %s\n", argv[3]);
      return 1;
    }

  copy = bd_offline_copy_new (session, set, argv[1], argv[2], argv[4],
                              g_ascii_strtod (box[0], NULL), g_ascii_strtod (box[1], NULL),
                              g_ascii_strtod (box[2], NULL), g_ascii_strtod (box[3], NULL),
                              (guint) atoi (argv[6]), (guint) atoi (argv[7]), &error);
  if (copy == NULL)
    {
      printf ("result error: %s\n", error->message);
      return 1;
    }
  state.copy = copy;
  bd_offline_copy_set_progress (copy, on_progress, &state);
  if (state.cancel_after > 0)
    bd_offline_copy_set_progress_interval (copy, 0);
  if (g_getenv ("BD_TILE_TIMEOUT_MS") != NULL)
    bd_offline_copy_set_tile_timeout (copy, (guint) atoi (g_getenv ("BD_TILE_TIMEOUT_MS")));
  start = g_get_monotonic_time ();
  bd_offline_copy_run_async (copy, state.cancellable, on_copied_cb, &state);
  while (!state.done)
    g_main_context_iteration (NULL, TRUE);
  seconds = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;

  stats = bd_offline_copy_get_stats (copy);
  printf ("total %" G_GUINT64_FORMAT "\n", stats->total);
  printf ("fetched %" G_GUINT64_FORMAT "\n", stats->fetched);
  printf ("skipped %" G_GUINT64_FORMAT "\n", stats->skipped);
  printf ("missing %" G_GUINT64_FORMAT "\n", stats->missing);
  printf ("failed %" G_GUINT64_FORMAT "\n", stats->failed);
  for (guint i = 0; i < BD_OFFLINE_COPY_N_FAILURES; i++)
    printf ("failed_%s %" G_GUINT64_FORMAT "\n", bd_offline_copy_failure_name (i), stats->failed_by[i]);
  printf ("offline_copy_tiles_per_s %.0f\n", seconds > 0 ? (double) stats->fetched / seconds : 0.0);
  g_ptr_array_unref (state.sets);
  return 0;
}
