/* bd-map-sources.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-map-sources"

#include "config.h"

#include "bd-map-sources.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bd-city-tile-source.h"
#include "bd-http-tile-source.h"
#include "bd-tile-source.h"

#define GSI_LICENSE_URI "https://maps.gsi.go.jp/development/ichiran.html"
#define OSM_LICENSE_URI "https://www.openstreetmap.org/copyright"

/* The highest zoom the local source offers: its data's highest zoom plus
 * what BdTileSource scales up, but no further than this. */
#define LOCAL_MAX_ZOOM 20

typedef struct
{
  const char *id;
  const char *name;            /* N_() */
  const char *license;         /* N_() */
  const char *license_uri;
  guint       min_zoom;
  guint       max_zoom;
  const char *url_template;
} NetworkSource;

/* DOMAIN.md B.3 */
static const NetworkSource network_sources[] = {
  {
    BD_MAP_SOURCE_GSI_STD, N_("GSI Standard Map"), N_("GSI Tiles (地理院タイル)"),
    GSI_LICENSE_URI, 2, 18,
    "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png",
  },
  {
    BD_MAP_SOURCE_GSI_PALE, N_("GSI Pale Map"), N_("GSI Tiles (地理院タイル)"),
    GSI_LICENSE_URI, 2, 18,
    "https://cyberjapandata.gsi.go.jp/xyz/pale/{z}/{x}/{y}.png",
  },
  {
    BD_MAP_SOURCE_GSI_PHOTO, N_("GSI Aerial Photo"), N_("GSI Tiles (地理院タイル)"),
    GSI_LICENSE_URI, 2, 18,
    "https://cyberjapandata.gsi.go.jp/xyz/seamlessphoto/{z}/{x}/{y}.jpg",
  },
  {
    BD_MAP_SOURCE_OSM, N_("OpenStreetMap"), N_("© OpenStreetMap contributors"),
    OSM_LICENSE_URI, 0, 19,
    "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
  },
};

/* DOMAIN.md B.3: the Hazard Map Portal's overlays (transparent PNG,
 * zooms 2–17), loaded as they are shown and cached like base tiles; never
 * stored for offline use (their terms do not cover it). */
#define HAZARD_LICENSE_URI "https://disaportal.gsi.go.jp/hazardmap/copyright/opendata.html"
#define HAZARD_BASE "https://disaportaldata.gsi.go.jp/raster/"

static const BdHazardOverlay hazard_overlays[] = {
  { BD_MAP_SOURCE_HAZARD_PREFIX "flood-l2", N_("Flood (maximum assumed)"),
    HAZARD_BASE "01_flood_l2_shinsuishin_data/{z}/{x}/{y}.png", 2, 17 },
  { BD_MAP_SOURCE_HAZARD_PREFIX "tsunami", N_("Tsunami"),
    HAZARD_BASE "04_tsunami_newlegend_data/{z}/{x}/{y}.png", 2, 17 },
  { BD_MAP_SOURCE_HAZARD_PREFIX "storm-surge", N_("Storm surge"),
    HAZARD_BASE "03_hightide_l2_shinsuishin_data/{z}/{x}/{y}.png", 2, 17 },
  { BD_MAP_SOURCE_HAZARD_PREFIX "landslide", N_("Landslide"),
    HAZARD_BASE "05_jisuberikeikaikuiki/{z}/{x}/{y}.png", 2, 17 },
  { BD_MAP_SOURCE_HAZARD_PREFIX "debris-flow", N_("Debris flow"),
    HAZARD_BASE "05_dosekiryukeikaikuiki/{z}/{x}/{y}.png", 2, 17 },
  { BD_MAP_SOURCE_HAZARD_PREFIX "steep-slope", N_("Steep slope failure"),
    HAZARD_BASE "05_kyukeishakeikaikuiki/{z}/{x}/{y}.png", 2, 17 },
};

/* Tests only: sources' URL templates by id, and their timeout. */
static GHashTable *url_overrides;
static guint timeout_override;

void
_bd_map_sources_set_url_override (const char *id,
                                  const char *url_template)
{
  g_return_if_fail (id != NULL);

  if (url_overrides == NULL)
    url_overrides = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (url_template != NULL)
    g_hash_table_replace (url_overrides, g_strdup (id), g_strdup (url_template));
  else
    g_hash_table_remove (url_overrides, id);
}

void
_bd_map_sources_set_timeout_override (guint timeout_ms)
{
  timeout_override = timeout_ms;
}

/* A ShumateRasterRenderer over a BdHttpTileSource. */
static ShumateMapSource *
new_network (const char *id,
             const char *name,
             const char *license,
             const char *license_uri,
             guint       min_zoom,
             guint       max_zoom,
             const char *url_template)
{
  const char *override = url_overrides != NULL ? g_hash_table_lookup (url_overrides, id) : NULL;
  g_autoptr(BdHttpTileSource) tiles = bd_http_tile_source_new (override != NULL ? override
                                                                                : url_template);

  if (timeout_override > 0)
    bd_http_tile_source_set_timeout (tiles, timeout_override);
  return SHUMATE_MAP_SOURCE (shumate_raster_renderer_new_full (id, name, license, license_uri,
                                                               min_zoom, max_zoom, 256,
                                                               SHUMATE_MAP_PROJECTION_MERCATOR,
                                                               SHUMATE_DATA_SOURCE (tiles)));
}

const BdHazardOverlay *
bd_map_sources_get_hazards (guint *n_hazards)
{
  *n_hazards = G_N_ELEMENTS (hazard_overlays);
  return hazard_overlays;
}

ShumateMapSource *
bd_map_sources_new_hazard (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (hazard_overlays); i++)
    {
      const BdHazardOverlay *h = &hazard_overlays[i];

      if (g_strcmp0 (id, h->id) != 0)
        continue;
      return new_network (h->id, _(h->name), "出典：ハザードマップポータルサイト",
                          HAZARD_LICENSE_URI, h->min_zoom, h->max_zoom, h->url_template);
    }
  return NULL;
}

static void
on_overlay_visible_cb (GtkWidget        *layer,
                       GParamSpec       *pspec,
                       BdHttpTileSource *tiles)
{
  bd_http_tile_source_set_paused (tiles, !gtk_widget_get_visible (layer));
}

ShumateMapLayer *
bd_map_sources_new_overlay_layer (ShumateViewport  *viewport,
                                  ShumateMapSource *source,
                                  double            opacity)
{
  ShumateMapLayer *layer = shumate_map_layer_new (source, viewport);
  g_autoptr(ShumateDataSource) data = NULL;

  gtk_widget_set_opacity (GTK_WIDGET (layer), CLAMP (opacity, 0.0, 1.0));
  gtk_widget_set_visible (GTK_WIDGET (layer), FALSE);   /* off by default */

  /* libshumate 1.0.3 asks for the tiles around the centre of a hidden
   * layer too: a public server's overlay sends nothing while hidden */
  if (SHUMATE_IS_RASTER_RENDERER (source))
    g_object_get (source, "data-source", &data, NULL);
  if (BD_IS_HTTP_TILE_SOURCE (data))
    {
      bd_http_tile_source_set_paused (BD_HTTP_TILE_SOURCE (data), TRUE);
      g_signal_connect_object (layer, "notify::visible", G_CALLBACK (on_overlay_visible_cb),
                               data, 0);
    }
  return layer;
}

const char *
bd_map_sources_get_display_name (const char *id)
{
  g_return_val_if_fail (id != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (network_sources); i++)
    if (g_str_equal (id, network_sources[i].id))
      return _(network_sources[i].name);

  if (g_str_equal (id, BD_MAP_SOURCE_LOCAL))
    return _("Offline Map");

  for (guint i = 0; i < G_N_ELEMENTS (hazard_overlays); i++)
    if (g_str_equal (id, hazard_overlays[i].id))
      return _(hazard_overlays[i].name);

  /* a city map: its name; a map file: its file name */
  if (g_str_has_prefix (id, BD_MAP_SOURCE_CITY_PREFIX))
    return id + strlen (BD_MAP_SOURCE_CITY_PREFIX);
  if (g_str_has_prefix (id, BD_MAP_SOURCE_FILE_PREFIX))
    {
      const char *slash = strrchr (id, G_DIR_SEPARATOR);

      return slash != NULL ? slash + 1 : id + strlen (BD_MAP_SOURCE_FILE_PREFIX);
    }

  return id;
}

/* MBTiles attributions are often HTML ("<a href=…>© OpenStreetMap
 * contributors</a>"), but ShumateLicense shows plain text: drop the tags,
 * decode the common entities, and return the first link's target in @uri. */
static char *
attribution_to_text (const char  *html,
                     char       **uri)
{
  static const struct { const char *entity; const char *text; } entities[] = {
    { "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" },
    { "&#39;", "'" }, { "&apos;", "'" }, { "&copy;", "©" }, { "&nbsp;", " " },
  };
  GString *text = g_string_new (NULL);
  const char *p = html;

  *uri = NULL;

  while (*p != '\0')
    {
      if (*p == '<')
        {
          const char *end = strchr (p, '>');
          const char *href;

          if (end == NULL)
            break;

          href = g_strstr_len (p, end - p, "href=\"");
          if (href != NULL && *uri == NULL)
            {
              const char *start = href + strlen ("href=\"");
              const char *close = memchr (start, '"', end - start);

              if (close != NULL && close > start)
                *uri = g_strndup (start, close - start);
            }
          p = end + 1;
          continue;
        }

      if (*p == '&')
        {
          gboolean found = FALSE;

          for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
            if (g_str_has_prefix (p, entities[i].entity))
              {
                g_string_append (text, entities[i].text);
                p += strlen (entities[i].entity);
                found = TRUE;
                break;
              }
          if (found)
            continue;
        }

      g_string_append_c (text, *p);
      p++;
    }

  g_strstrip (text->str);
  text->len = strlen (text->str);

  return g_string_free (text, FALSE);
}

static ShumateMapSource *
new_local_with_id (const char  *path,
                   const char  *id,
                   const char  *name,
                   GError     **error)
{
  g_autoptr(BdTileSource) tiles = NULL;
  g_autofree char *license = NULL;
  g_autofree char *license_uri = NULL;
  const char *attribution;
  guint min_zoom, max_zoom;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  tiles = bd_tile_source_new (path, error);
  if (tiles == NULL)
    return NULL;

  min_zoom = bd_tile_source_get_min_zoom (tiles);
  max_zoom = MAX (min_zoom,
                  MIN (bd_tile_source_get_max_zoom (tiles) + BD_TILE_SOURCE_MAX_OVERZOOM,
                       LOCAL_MAX_ZOOM));

  attribution = bd_tile_source_get_attribution (tiles);
  if (attribution != NULL)
    license = attribution_to_text (attribution, &license_uri);
  if (license == NULL || *license == '\0')
    {
      g_free (license);
      license = g_strdup (bd_tile_source_get_name (tiles));
    }

  return SHUMATE_MAP_SOURCE (shumate_raster_renderer_new_full (id,
                                                               name,
                                                               license,
                                                               license_uri,
                                                               min_zoom,
                                                               max_zoom,
                                                               256,
                                                               SHUMATE_MAP_PROJECTION_MERCATOR,
                                                               SHUMATE_DATA_SOURCE (tiles)));
}

ShumateMapSource *
bd_map_sources_new_local (const char  *path,
                          GError     **error)
{
  return new_local_with_id (path, BD_MAP_SOURCE_LOCAL, _("Offline Map"), error);
}

char *
bd_map_sources_file_id (const char *path)
{
  return g_strconcat (BD_MAP_SOURCE_FILE_PREFIX, path, NULL);
}

ShumateMapSource *
bd_map_sources_new_file (const char  *path,
                         GError     **error)
{
  g_autofree char *id = bd_map_sources_file_id (path);
  g_autofree char *base = g_path_get_basename (path);

  return new_local_with_id (path, id, base, error);
}

char *
bd_map_sources_city_id (const BdCityTileSet *set)
{
  return g_strconcat (BD_MAP_SOURCE_CITY_PREFIX, set->name, NULL);
}

ShumateMapSource *
bd_map_sources_new_city (SoupSession         *session,
                         const BdCityTileSet *set,
                         const char          *token)
{
  g_autoptr(BdCityTileSource) tiles = bd_city_tile_source_new (session, set, token);
  g_autofree char *id = bd_map_sources_city_id (set);
  g_autofree char *license_uri = NULL;
  g_autofree char *license = attribution_to_text (set->attribution, &license_uri);

  if (license == NULL || license[0] == '\0')
    {
      g_free (license);
      license = g_strdup (set->name);
    }
  /* no overzoom: the set's own zooms (libshumate 1.0.3 has none either) */
  return SHUMATE_MAP_SOURCE (shumate_raster_renderer_new_full (id, set->name, license, license_uri,
                                                               set->min_zoom, set->max_zoom, 256,
                                                               SHUMATE_MAP_PROJECTION_MERCATOR,
                                                               SHUMATE_DATA_SOURCE (tiles)));
}

gboolean
bd_map_sources_id_is_city (const char *id)
{
  return id != NULL && g_str_has_prefix (id, BD_MAP_SOURCE_CITY_PREFIX);
}

gboolean
bd_map_sources_id_is_file (const char *id)
{
  return id != NULL && (g_str_has_prefix (id, BD_MAP_SOURCE_FILE_PREFIX) ||
                        g_str_equal (id, BD_MAP_SOURCE_LOCAL));
}

ShumateMapSourceRegistry *
bd_map_sources_new_registry (const char  *local_path,
                             GError     **error)
{
  ShumateMapSourceRegistry *registry;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  registry = shumate_map_source_registry_new ();

  for (guint i = 0; i < G_N_ELEMENTS (network_sources); i++)
    {
      const NetworkSource *s = &network_sources[i];

      /* The registry takes this reference. */
      shumate_map_source_registry_add (registry,
                                       new_network (s->id, _(s->name), _(s->license),
                                                    s->license_uri, s->min_zoom, s->max_zoom,
                                                    s->url_template));
    }

  if (local_path != NULL)
    {
      ShumateMapSource *local = bd_map_sources_new_local (local_path, error);

      if (local != NULL)
        shumate_map_source_registry_add (registry, local);
    }

  return registry;
}
