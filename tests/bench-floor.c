/* bench-floor.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The floor for the start-up benchmark (tests/bench-startup.sh): the least a
 * GTK 4 map application can be. One GtkApplicationWindow, 1200x800, titled
 * "Bench Floor", holding only a ShumateSimpleMap with the first of
 * libshumate's default map sources, centred on Osaka at zoom 12. */

#define G_LOG_DOMAIN "bd-bench-floor"

#include "config.h"

#include <gtk/gtk.h>
#include <shumate/shumate.h>

#define OSAKA_LATITUDE  34.6863
#define OSAKA_LONGITUDE 135.52
#define OSAKA_ZOOM      12

static void
on_activate_cb (GtkApplication *app,
                gpointer        user_data)
{
  g_autoptr(ShumateMapSourceRegistry) registry = NULL;
  g_autoptr(ShumateMapSource) source = NULL;
  ShumateSimpleMap *simple_map;
  ShumateViewport *viewport;
  GtkWidget *window;

  window = gtk_application_window_new (app);
  gtk_window_set_title (GTK_WINDOW (window), "Bench Floor");
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);

  registry = shumate_map_source_registry_new_with_defaults ();
  source = g_list_model_get_item (G_LIST_MODEL (registry), 0);

  simple_map = shumate_simple_map_new ();
  shumate_simple_map_set_map_source (simple_map, source);
  viewport = shumate_simple_map_get_viewport (simple_map);
  shumate_viewport_set_zoom_level (viewport, OSAKA_ZOOM);
  shumate_map_center_on (shumate_simple_map_get_map (simple_map),
                         OSAKA_LATITUDE, OSAKA_LONGITUDE);

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (simple_map));
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GtkApplication) app = NULL;

  app = gtk_application_new ("io.github.bosai_desk.BenchFloor", G_APPLICATION_DEFAULT_FLAGS);
  g_signal_connect (app, "activate", G_CALLBACK (on_activate_cb), NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
