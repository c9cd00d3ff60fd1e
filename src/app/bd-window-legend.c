/* bd-window-legend.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The legend under the layer panel's rows: every symbol and colour the map
 * uses (report categories, severities, clusters, shelter kinds and states,
 * area kinds and evacuation levels, closures, alerts, the hazard maps'
 * scales), the overlays' swatches drawn by the same BdShapeSet code as the
 * map's tiles and the reports' by the report layer's sizes. */

#define G_LOG_DOMAIN "bd-window"

#include "config.h"

#include "bd-window-overlays.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "bd-catalog.h"
#include "bd-geo.h"
#include "bd-overlay-style.h"
#include "bd-report-layer.h"

#define SWATCH_SIZE 24

/* The Web Mercator tile at zoom SWATCH_ZOOM the swatches are drawn in. */
#define SWATCH_ZOOM 20

static void
swatch_position (guint   tx,
                 guint   ty,
                 double  fx,
                 double  fy,
                 double *lon,
                 double *lat)
{
  double n = (double) (1u << SWATCH_ZOOM);
  double mx = (tx + fx) / n, my = (ty + fy) / n;

  *lon = mx * 360.0 - 180.0;
  *lat = atan (sinh (G_PI * (1.0 - 2.0 * my))) * 180.0 / G_PI;
}

static JsonNode *
swatch_geometry (const BdLegendEntry *legend,
                 guint                tx,
                 guint                ty)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  static const double ring[][2] = { { 0.15, 0.2 }, { 0.85, 0.2 }, { 0.85, 0.8 }, { 0.15, 0.8 },
                                    { 0.15, 0.2 } };
  static const double line[][2] = { { 0.08, 0.7 }, { 0.5, 0.35 }, { 0.92, 0.45 } };
  double lon, lat;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  if (legend->is_point)
    {
      json_builder_add_string_value (b, "Point");
      json_builder_set_member_name (b, "coordinates");
      swatch_position (tx, ty, 0.5, 0.5, &lon, &lat);
      json_builder_begin_array (b);
      json_builder_add_double_value (b, lon);
      json_builder_add_double_value (b, lat);
      json_builder_end_array (b);
    }
  else
    {
      gboolean is_line = legend->is_line;

      json_builder_add_string_value (b, is_line ? "LineString" : "Polygon");
      json_builder_set_member_name (b, "coordinates");
      json_builder_begin_array (b);
      if (!is_line)
        json_builder_begin_array (b);
      for (guint i = 0; i < (is_line ? G_N_ELEMENTS (line) : G_N_ELEMENTS (ring)); i++)
        {
          const double *p = is_line ? line[i] : ring[i];

          swatch_position (tx, ty, p[0], p[1], &lon, &lat);
          json_builder_begin_array (b);
          json_builder_add_double_value (b, lon);
          json_builder_add_double_value (b, lat);
          json_builder_end_array (b);
        }
      if (!is_line)
        json_builder_end_array (b);
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* An overlay's swatch: the legend's style drawn by BdShapeSet into a
 * SWATCH_SIZE px tile, as the map's tiles are. */
static void
draw_overlay_swatch (GtkDrawingArea *area,
                     cairo_t        *cr,
                     int             width,
                     int             height,
                     gpointer        user_data)
{
  const BdLegendEntry *legend = user_data;
  g_autoptr(BdShapeSet) set = bd_shape_set_new ();
  g_autoptr(JsonNode) geometry = NULL;
  guint n = 1u << SWATCH_ZOOM;
  guint tx = (guint) (bd_geo_mercator_x (BD_CITY_CENTER_LON) * n);
  guint ty = (guint) (bd_geo_mercator_y (BD_CITY_CENTER_LAT) * n);
  g_autoptr(GError) error = NULL;

  geometry = swatch_geometry (legend, tx, ty);
  if (!bd_shape_set_add_geojson (set, "swatch", geometry, &legend->style, 0, &error))
    {
      g_warning ("Legend swatch: %s", error->message);
      return;
    }
  bd_shape_set_seal (set);
  cairo_translate (cr, (width - SWATCH_SIZE) / 2.0, (height - SWATCH_SIZE) / 2.0);
  bd_shape_set_draw_tile (set, cr, SWATCH_ZOOM, tx, ty, SWATCH_SIZE);
}

typedef struct
{
  GdkRGBA  fill;
  double   radius;
  gboolean cluster;
  double   opacity;
} ReportSwatch;

/* A report's dot or a cluster, drawn by the report layer's own code. */
static void
draw_report_swatch (GtkDrawingArea *area,
                    cairo_t        *cr,
                    int             width,
                    int             height,
                    gpointer        user_data)
{
  const ReportSwatch *swatch = user_data;

  cairo_translate (cr, width / 2.0, height / 2.0);
  cairo_push_group (cr);
  bd_report_layer_draw_mark (cr, &swatch->fill, swatch->radius, swatch->cluster, 1.0);
  if (swatch->cluster)
    {
      cairo_text_extents_t extents;

      cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
      cairo_set_font_size (cr, 10);
      cairo_text_extents (cr, "12", &extents);
      cairo_move_to (cr, -extents.width / 2 - extents.x_bearing, -extents.height / 2 - extents.y_bearing);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_show_text (cr, "12");
    }
  cairo_pop_group_to_source (cr);
  cairo_paint_with_alpha (cr, swatch->opacity);
}

static void
add_legend_heading (BdWindow   *self,
                    const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_margin_top (label, 6);
  gtk_box_append (self->overlays->legend_box, label);
}

static void
add_legend_line (BdWindow                *self,
                 const char              *text,
                 GtkDrawingAreaDrawFunc   draw,
                 gpointer                 data,
                 GDestroyNotify           destroy)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *swatch = gtk_drawing_area_new ();
  GtkWidget *label = gtk_label_new (text);

  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (swatch), SWATCH_SIZE + 4);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (swatch), SWATCH_SIZE);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (swatch), draw, data, destroy);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 30);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (row), swatch);
  gtk_box_append (GTK_BOX (row), label);
  gtk_box_append (self->overlays->legend_box, row);
}

static void
add_report_line (BdWindow      *self,
                 const char    *text,
                 const GdkRGBA *fill,
                 double         radius,
                 gboolean       cluster,
                 double         opacity)
{
  ReportSwatch *swatch = g_new0 (ReportSwatch, 1);

  swatch->fill = *fill;
  swatch->radius = radius;
  swatch->cluster = cluster;
  swatch->opacity = opacity;
  add_legend_line (self, text, draw_report_swatch, swatch, g_free);
}

static void
build_legend (BdWindow *self)
{
  static const GdkRGBA grey = { 0.5f, 0.5f, 0.5f, 1.0f };
  static const struct { const char *group; const char *heading; } groups[] = {
    { "shelters", N_("Shelters") },
    { "areas", N_("Areas") },
    { "closures", N_("Road Closures") },
    { "alerts", N_("Alerts") },
  };
  const BdCategory *categories;
  const BdLegendEntry *legend;
  guint n_categories = 0, n_legend = 0, n_severities = 0;
  const BdSeverity *severities;
  GdkRGBA first = grey;

  add_legend_heading (self, _("Reports: Kind of Damage"));
  categories = bd_catalog_get_categories (&n_categories);
  for (guint i = 0; i < n_categories; i++)
    {
      GdkRGBA colour = grey;

      if (categories[i].color != NULL)
        gdk_rgba_parse (&colour, categories[i].color);
      if (i == 0)
        first = colour;
      add_report_line (self, bd_catalog_label (categories[i].name_ja, categories[i].name_en),
                       &colour, 6.0, FALSE, 1.0);
    }

  add_legend_heading (self, _("Reports: Severity (Size)"));
  severities = bd_catalog_get_severities (&n_severities);
  for (guint i = 0; i < n_severities; i++)
    add_report_line (self, bd_catalog_label (severities[i].name_ja, severities[i].name_en),
                     &grey, bd_report_layer_dot_radius (severities[i].level), FALSE, 1.0);

  add_legend_heading (self, _("Reports: Other"));
  add_report_line (self, _("Resolved, duplicate or false report (faded)"), &grey, 6.0, FALSE,
                   BD_REPORT_LAYER_CLOSED_OPACITY);
  add_report_line (self, _("Cluster: the number of reports, in the commonest kind's colour; "
                           "click to zoom in"),
                   &first, bd_report_layer_cluster_radius () - 2, TRUE, 1.0);

  legend = bd_overlay_style_get_legend (&n_legend);
  for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
    {
      add_legend_heading (self, _(groups[g].heading));
      for (guint i = 0; i < n_legend; i++)
        if (g_strcmp0 (legend[i].group, groups[g].group) == 0)
          add_legend_line (self, _(legend[i].label), draw_overlay_swatch, (gpointer) &legend[i],
                           NULL);
    }
}

/* The Hazard Map Portal's scales, as its legends draw them (DOMAIN.md
 * B.3; the portal's legend images shinsui_legend3.png and
 * dosha_keikai.png): the depth classes of the flood, storm surge and
 * tsunami layers in the colours of the national guideline for flood
 * hazard maps (水害ハザードマップ作成の手引き), and the sediment-disaster
 * zones in yellow and red. Drawn at the overlays' opacity. */
#define HAZARD_SWATCH(label_, r_, g_, b_) \
  { "hazards", label_, FALSE, FALSE, \
    { .fill = { (r_) / 255.0f, (g_) / 255.0f, (b_) / 255.0f, 0.7f } } }

static const BdLegendEntry hazard_legend[] = {
  HAZARD_SWATCH (N_("Inundation under 0.5 m"), 0xf7, 0xf5, 0xa9),
  HAZARD_SWATCH (N_("Inundation 0.5 to 3 m"), 0xff, 0xd8, 0xc0),
  HAZARD_SWATCH (N_("Inundation 3 to 5 m"), 0xff, 0xb7, 0xb7),
  HAZARD_SWATCH (N_("Inundation 5 to 10 m"), 0xff, 0x91, 0x91),
  HAZARD_SWATCH (N_("Inundation 10 to 20 m"), 0xf2, 0x85, 0xc9),
  HAZARD_SWATCH (N_("Inundation 20 m or more"), 0xdc, 0x7a, 0xdc),
  HAZARD_SWATCH (N_("Sediment-disaster warning zone"), 0xff, 0xe1, 0x00),
  HAZARD_SWATCH (N_("Sediment-disaster special warning zone"), 0xe6, 0x00, 0x00),
};

static void
build_hazard_legend (BdWindow *self)
{
  add_legend_heading (self, _("Hazard Maps (when shown)"));
  for (guint i = 0; i < G_N_ELEMENTS (hazard_legend); i++)
    add_legend_line (self, _(hazard_legend[i].label), draw_overlay_swatch,
                     (gpointer) &hazard_legend[i], NULL);
}

void
_bd_window_build_legend (BdWindow *self)
{
  build_legend (self);
  build_hazard_legend (self);
}
