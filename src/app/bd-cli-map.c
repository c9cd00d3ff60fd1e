/* bd-cli-map.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-cli-map"

#include "config.h"

#include "bd-cli-map.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>

#include "bd-catalog.h"
#include "bd-map-export.h"
#include "bd-map-sources.h"
#include "bd-report-layer.h"
#include "bd-store.h"
#include "bd-time.h"

/* bosai-desk --database DB --export-map FILE.png [--size WxH]
 * [--as-of RFC3339] [--center LAT,LON] [--zoom Z] [--offline-map FILE]:
 * the situation map as PNG, for a script that posts it every hour. It
 * needs a display (Xvfb is fine): the map is drawn by GTK. */

#define DEFAULT_WIDTH  1600
#define DEFAULT_HEIGHT 1000
#define MIN_SIDE       200
#define MAX_SIDE       8000
#define DEFAULT_ZOOM   12.0
/* How long tiles may take to come (a local file: at once). */
#define SETTLE_MS      1500
#define NETWORK_SETTLE_MS 8000

static const GOptionEntry map_entries[] = {
  { "export-map", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Write the map with its legend to FILE as PNG, then exit"), N_("FILE") },
  { "size", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("The exported map’s size in pixels (default 1600x1000)"), N_("WxH") },
  { "center", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("The exported map’s centre (default: the city’s)"), N_("LAT,LON") },
  { "zoom", 0, 0, G_OPTION_ARG_DOUBLE, NULL,
    N_("The exported map’s zoom level (default 12)"), N_("Z") },
  { NULL }
};

void
bd_cli_map_add_options (GApplication *application)
{
  GOptionEntry entries[G_N_ELEMENTS (map_entries)];

  for (guint i = 0; i < G_N_ELEMENTS (map_entries); i++)
    {
      entries[i] = map_entries[i];
      if (entries[i].description != NULL)
        entries[i].description = _(entries[i].description);
      if (entries[i].arg_description != NULL)
        entries[i].arg_description = _(entries[i].arg_description);
    }
  g_application_add_main_option_entries (application, entries);
}

static gboolean
parse_size (const char *text,
            int        *width,
            int        *height)
{
  char *end = NULL;
  gint64 w, h;

  if (!g_ascii_isdigit (text[0]))
    return FALSE;
  w = g_ascii_strtoll (text, &end, 10);
  if (end == NULL || (*end != 'x' && *end != 'X') || !g_ascii_isdigit (end[1]))
    return FALSE;
  h = g_ascii_strtoll (end + 1, &end, 10);
  if (*end != '\0' || w < MIN_SIDE || h < MIN_SIDE || w > MAX_SIDE || h > MAX_SIDE)
    return FALSE;
  *width = (int) w;
  *height = (int) h;
  return TRUE;
}

static gboolean
parse_center (const char *text,
              double     *latitude,
              double     *longitude)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", 3);
  char *end = NULL;

  if (g_strv_length (parts) != 2)
    return FALSE;
  g_strstrip (parts[0]);
  g_strstrip (parts[1]);
  *latitude = g_ascii_strtod (parts[0], &end);
  if (parts[0][0] == '\0' || *end != '\0')
    return FALSE;
  *longitude = g_ascii_strtod (parts[1], &end);
  if (parts[1][0] == '\0' || *end != '\0')
    return FALSE;
  return isfinite (*latitude) && isfinite (*longitude) &&
         fabs (*latitude) <= 85.0 && fabs (*longitude) <= 180.0;
}

static void
iterate_for (guint ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
}

static int
export_map (const char *database,
            const char *offline_map,
            const char *path,
            int         width,
            int         height,
            GDateTime  *as_of,
            double      latitude,
            double      longitude,
            double      zoom)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdStoreReader) reader = NULL;
  g_autoptr(GArray) points = NULL;
  g_autoptr(ShumateMapSource) source = NULL;
  g_autoptr(BdMapExport) export = NULL;
  ShumateViewport *viewport;
  BdReportLayer *layer;
  ShumateMap *map;
  GtkWindow *window;
  gint64 deadline;
  int status = 0;

  if (!gtk_init_check ())
    {
      g_printerr (_("bosai-desk: --export-map needs a display (run it under xvfb-run)\n"));
      return 1;
    }

  /* the reports, read here (this command has nothing else to do) */
  if (!(reader = bd_store_reader_open (database, &error)) ||
      !(points = as_of != NULL ? bd_store_reader_load_points_as_of (reader, as_of, &error)
                               : bd_store_reader_load_points (reader, &error)))
    {
      g_printerr (_("bosai-desk: cannot read the reports of “%s”: %s\n"), database, error->message);
      return 1;
    }

  if (offline_map != NULL)
    {
      if (!(source = bd_map_sources_new_local (offline_map, &error)))
        {
          g_printerr (_("bosai-desk: the offline map could not be opened: %s\n"), error->message);
          return 1;
        }
    }
  else
    {
      g_autoptr(ShumateMapSourceRegistry) registry = bd_map_sources_new_registry (NULL, NULL);
      ShumateMapSource *found = shumate_map_source_registry_get_by_id (registry,
                                                                       BD_MAP_SOURCE_GSI_STD);

      if (found != NULL)
        source = g_object_ref (found);
    }

  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_decorated (window, FALSE);
  gtk_window_set_default_size (window, width, height);
  gtk_window_set_title (window, "bosai-desk --export-map");
  map = shumate_map_new ();
  shumate_map_set_animate_zoom (map, FALSE);
  viewport = shumate_map_get_viewport (map);
  if (source != NULL)
    {
      shumate_map_set_map_source (map, source);
      zoom = CLAMP (zoom, shumate_map_source_get_min_zoom_level (source),
                    shumate_map_source_get_max_zoom_level (source));
    }
  layer = bd_report_layer_new (viewport, NULL);
  shumate_map_add_layer (map, SHUMATE_LAYER (layer));
  bd_report_layer_set_points (layer, points);
  if (as_of != NULL)
    bd_report_layer_set_as_of (layer, g_date_time_to_unix (as_of));
  gtk_window_set_child (window, GTK_WIDGET (map));
  shumate_viewport_set_zoom_level (viewport, zoom);
  shumate_map_center_on (map, latitude, longitude);
  gtk_window_present (window);

  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while ((!gtk_widget_get_mapped (GTK_WIDGET (map)) ||
          gtk_widget_get_width (GTK_WIDGET (map)) != width ||
          gtk_widget_get_height (GTK_WIDGET (map)) != height) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  shumate_map_center_on (map, latitude, longitude);
  /* the tiles */
  iterate_for (offline_map != NULL ? SETTLE_MS : NETWORK_SETTLE_MS);
  /* many reports are clustered on a worker thread */
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (bd_report_layer_get_filtering (layer) && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
  iterate_for (50);

  if (gtk_widget_get_width (GTK_WIDGET (map)) != width ||
      gtk_widget_get_height (GTK_WIDGET (map)) != height)
    {
      g_printerr (_("bosai-desk: the display would not make the map %d×%d pixels\n"), width, height);
      status = 1;
    }
  else
    {
      export = bd_map_export_new ();
      bd_map_export_set_as_of (export, as_of != NULL ? g_date_time_to_unix (as_of) : G_MAXINT64);
      /* the time as it was given (+09:00 stays +09:00) */
      if (as_of != NULL)
        bd_map_export_set_time_zone (export, g_date_time_get_timezone (as_of));
      if (!bd_map_export_write_png (export, map, path, &error))
        {
          g_printerr (_("bosai-desk: cannot export the map: %s\n"), error->message);
          status = 1;
        }
    }

  gtk_window_destroy (window);
  iterate_for (50);
  return status;
}

gboolean
bd_cli_map_handle_options (GVariantDict *options,
                           const char   *database,
                           const char   *offline_map,
                           int          *exit_status)
{
  g_autoptr(GDateTime) as_of = NULL;
  const char *path = NULL;
  const char *size = NULL;
  const char *center = NULL;
  const char *as_of_text = NULL;
  double zoom = DEFAULT_ZOOM;
  double latitude = BD_CITY_CENTER_LAT;
  double longitude = BD_CITY_CENTER_LON;
  int width = DEFAULT_WIDTH;
  int height = DEFAULT_HEIGHT;
  gboolean has_zoom;

  g_return_val_if_fail (options != NULL, FALSE);
  g_return_val_if_fail (exit_status != NULL, FALSE);

  g_variant_dict_lookup (options, "export-map", "^&ay", &path);
  g_variant_dict_lookup (options, "size", "&s", &size);
  g_variant_dict_lookup (options, "center", "&s", &center);
  has_zoom = g_variant_dict_lookup (options, "zoom", "d", &zoom);
  if (path == NULL && size == NULL && center == NULL && !has_zoom)
    return FALSE;

  *exit_status = 2;
  if (path == NULL || *path == '\0')
    {
      g_printerr (_("bosai-desk: --size, --center and --zoom need --export-map FILE\n"));
      return TRUE;
    }
  if (g_variant_dict_contains (options, "export-tally") || g_variant_dict_contains (options, "edition"))
    {
      g_printerr (_("bosai-desk: give --export-map or --export-tally, not both\n"));
      return TRUE;
    }
  if (size != NULL && !parse_size (size, &width, &height))
    {
      g_printerr (_("bosai-desk: --size “%s” is not a size such as 1600x1000 (%d to %d pixels a side)\n"),
                  size, MIN_SIDE, MAX_SIDE);
      return TRUE;
    }
  if (center != NULL && !parse_center (center, &latitude, &longitude))
    {
      g_printerr (_("bosai-desk: --center “%s” is not a place such as 34.69,135.50\n"), center);
      return TRUE;
    }
  if (has_zoom && (!isfinite (zoom) || zoom < 0 || zoom > 20))
    {
      g_printerr (_("bosai-desk: --zoom must be a number from 0 to 20\n"));
      return TRUE;
    }
  if (g_variant_dict_lookup (options, "as-of", "&s", &as_of_text) &&
      !(as_of = bd_parse_timestamp (as_of_text)))
    {
      g_printerr (_("bosai-desk: --as-of “%s” is not an RFC 3339 time such as "
                    "2026-12-06T14:00:00+09:00\n"), as_of_text);
      return TRUE;
    }
  if (!g_str_has_suffix (path, ".png") && !g_str_has_suffix (path, ".PNG"))
    {
      g_printerr (_("bosai-desk: the map is written as PNG: give a file name ending in .png\n"));
      return TRUE;
    }

  *exit_status = export_map (database, offline_map, path, width, height, as_of,
                             latitude, longitude, zoom);
  return TRUE;
}
