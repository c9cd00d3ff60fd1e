/* bench-mkgeojson.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Writes N demo reports (bd_demo_generate) as one GeoJSON FeatureCollection,
 * for tests/bench-central.sh to import into a server.
 *
 *   bench-mkgeojson N FILE
 *
 * or the demo overlays of a collection (bd_demo_overlays_to_geojson):
 *
 *   bench-mkgeojson --overlay shelters|areas|alerts FILE
 */

#define G_LOG_DOMAIN "bd-bench"

#include "config.h"

#include <stdlib.h>

#include "bd-demo.h"
#include "bd-demo-overlays.h"
#include "bd-report.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) reports = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  guint64 n = 0;

  if (argc == 4 && g_strcmp0 (argv[1], "--overlay") == 0)
    {
      text = bd_demo_overlays_to_geojson (argv[2]);
      if (!g_file_set_contents (argv[3], text, -1, &error))
        {
          g_printerr ("%s\n", error->message);
          return EXIT_FAILURE;
        }
      return EXIT_SUCCESS;
    }

  if (argc != 3 || !g_ascii_string_to_unsigned (argv[1], 10, 1, 10000000, &n, NULL))
    {
      g_printerr ("usage: %s N FILE\n", argv[0]);
      return EXIT_FAILURE;
    }

  reports = bd_demo_generate ((guint) n, BD_DEMO_DEFAULT_SEED);
  text = bd_reports_to_feature_collection (reports);
  if (!g_file_set_contents (argv[2], text, -1, &error))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }

  return EXIT_SUCCESS;
}
