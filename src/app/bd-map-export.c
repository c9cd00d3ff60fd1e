/* bd-map-export.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-map-export"

#include "config.h"

#include "bd-map-export.h"

#include <glib/gi18n.h>
#include <math.h>

#include "bd-catalog.h"

/* The earth's circumference at the equator, m (Web Mercator). */
#define EARTH_CIRCUMFERENCE 40075016.686
/* A picture this large at most, px a side (a print or a PNG). */
#define MAX_SIDE 10000

/* The report layer's dot radius (px) for severity 1..4 (bd-report-layer.c). */
static const double severity_radius[] = { 4.0, 5.0, 6.0, 8.0 };

typedef struct
{
  char    *section;
  GdkRGBA  colour;
  char    *label;
} LegendItem;

struct _BdMapExport
{
  char      *title;
  char      *attribution;
  gint64     as_of;
  GTimeZone *time_zone;        /* NULL: local */
  GPtrArray *items;            /* LegendItem* */
};

static void
legend_item_free (gpointer data)
{
  LegendItem *item = data;

  g_free (item->section);
  g_free (item->label);
  g_free (item);
}

BdMapExport *
bd_map_export_new (void)
{
  BdMapExport *self = g_new0 (BdMapExport, 1);

  self->as_of = G_MAXINT64;
  self->items = g_ptr_array_new_with_free_func (legend_item_free);
  return self;
}

void
bd_map_export_free (BdMapExport *self)
{
  if (self == NULL)
    return;

  g_free (self->title);
  g_free (self->attribution);
  g_clear_pointer (&self->time_zone, g_time_zone_unref);
  g_ptr_array_unref (self->items);
  g_free (self);
}

void
bd_map_export_set_title (BdMapExport *self,
                         const char  *title)
{
  g_return_if_fail (self != NULL);

  g_free (self->title);
  self->title = g_strdup (title);
}

void
bd_map_export_set_as_of (BdMapExport *self,
                         gint64       as_of)
{
  g_return_if_fail (self != NULL);

  self->as_of = as_of;
}

void
bd_map_export_set_time_zone (BdMapExport *self,
                             GTimeZone   *time_zone)
{
  g_return_if_fail (self != NULL);

  g_clear_pointer (&self->time_zone, g_time_zone_unref);
  if (time_zone != NULL)
    self->time_zone = g_time_zone_ref (time_zone);
}

void
bd_map_export_set_attribution (BdMapExport *self,
                               const char  *attribution)
{
  g_return_if_fail (self != NULL);

  g_free (self->attribution);
  self->attribution = g_strdup (attribution);
}

void
bd_map_export_add_legend_item (BdMapExport   *self,
                               const char    *section,
                               const GdkRGBA *colour,
                               const char    *label)
{
  LegendItem *item;

  g_return_if_fail (self != NULL);
  g_return_if_fail (colour != NULL);
  g_return_if_fail (label != NULL);

  item = g_new0 (LegendItem, 1);
  item->section = g_strdup (section != NULL ? section : "");
  item->colour = *colour;
  item->label = g_strdup (label);
  g_ptr_array_add (self->items, item);
}

guint
bd_map_export_get_n_legend_items (BdMapExport *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->items->len;
}

gboolean
bd_map_export_has_legend_item (BdMapExport *self,
                               const char  *label)
{
  g_return_val_if_fail (self != NULL, FALSE);

  for (guint i = 0; i < self->items->len; i++)
    if (g_strcmp0 (((LegendItem *) g_ptr_array_index (self->items, i))->label, label) == 0)
      return TRUE;
  return FALSE;
}

/* Drawing */

static PangoLayout *
make_layout (cairo_t    *cr,
             double      size,
             gboolean    bold,
             const char *text)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string ("Sans");

  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

static void
layout_size (PangoLayout *layout,
             double      *width,
             double      *height)
{
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  *width = w;
  *height = h;
}

static void
show_text (cairo_t     *cr,
           PangoLayout *layout,
           double       x,
           double       y)
{
  cairo_move_to (cr, x, y);
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  pango_cairo_show_layout (cr, layout);
}

static void
panel (cairo_t *cr,
       double   x,
       double   y,
       double   width,
       double   height)
{
  cairo_new_path (cr);
  cairo_rectangle (cr, x, y, width, height);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.9);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.35);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
}

static void
swatch (cairo_t       *cr,
        double         cx,
        double         cy,
        double         radius,
        const GdkRGBA *colour)
{
  cairo_new_path (cr);
  cairo_arc (cr, cx, cy, radius, 0, 2 * G_PI);
  gdk_cairo_set_source_rgba (cr, colour);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.6);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
}

typedef struct
{
  GdkRGBA  colour;
  double   radius;
  char    *label;
  gboolean heading;
} Row;

static void
row_clear (gpointer data)
{
  g_free (((Row *) data)->label);
}

static void
add_row (GArray        *rows,
         const GdkRGBA *colour,
         double         radius,
         const char    *label,
         gboolean       heading)
{
  Row row = { { 0 }, radius, g_strdup (label), heading };

  if (colour != NULL)
    row.colour = *colour;
  g_array_append_val (rows, row);
}

static void
draw_legend (BdMapExport *self,
             cairo_t     *cr,
             double       x,
             double       y,
             double       max_height,
             double       font)
{
  g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (Row));
  const BdCategory *categories;
  const BdSeverity *severities;
  const GdkRGBA grey = { 0.55f, 0.55f, 0.55f, 1.0f };
  guint n_categories = 0, n_severities = 0;
  double line = font * 1.45, width = 0, height, cy, column_x;
  guint per_column, n_columns;
  const char *section = NULL;

  g_array_set_clear_func (rows, row_clear);

  add_row (rows, NULL, 0, _("Report Categories"), TRUE);
  categories = bd_catalog_get_categories (&n_categories);
  for (guint i = 0; i < n_categories; i++)
    {
      GdkRGBA colour;

      if (!gdk_rgba_parse (&colour, categories[i].color))
        colour = grey;
      add_row (rows, &colour, font * 0.4,
               bd_catalog_label (categories[i].name_ja, categories[i].name_en), FALSE);
    }
  add_row (rows, NULL, 0, _("Severity"), TRUE);
  severities = bd_catalog_get_severities (&n_severities);
  for (guint i = 0; i < n_severities && i < G_N_ELEMENTS (severity_radius); i++)
    add_row (rows, &grey, severity_radius[i] * font / 12.0,
             bd_catalog_label (severities[i].name_ja, severities[i].name_en), FALSE);

  /* what the other layers add */
  for (guint i = 0; i < self->items->len; i++)
    {
      LegendItem *item = g_ptr_array_index (self->items, i);

      if (g_strcmp0 (section, item->section) != 0)
        {
          section = item->section;
          if (section[0] != '\0')
            add_row (rows, NULL, 0, section, TRUE);
        }
      add_row (rows, &item->colour, font * 0.4, item->label, FALSE);
    }

  for (guint i = 0; i < rows->len; i++)
    {
      Row *row = &g_array_index (rows, Row, i);
      g_autoptr(PangoLayout) layout = make_layout (cr, font, row->heading, row->label);
      double w, h;

      layout_size (layout, &w, &h);
      width = MAX (width, w + (row->heading ? 0 : font * 1.6));
    }

  /* as many columns as it takes to fit the height */
  per_column = MAX (1, (guint) floor ((max_height - font) / line));
  n_columns = (rows->len + per_column - 1) / per_column;
  per_column = (rows->len + n_columns - 1) / n_columns;
  height = per_column * line + font;
  width += font * 1.5;

  panel (cr, x, y, width * n_columns, height);
  for (guint i = 0; i < rows->len; i++)
    {
      Row *row = &g_array_index (rows, Row, i);
      g_autoptr(PangoLayout) layout = make_layout (cr, font, row->heading, row->label);
      double w, h;

      column_x = x + (i / per_column) * width + font * 0.5;
      cy = y + font * 0.5 + (i % per_column) * line;
      layout_size (layout, &w, &h);
      if (row->heading)
        {
          show_text (cr, layout, column_x, cy + (line - h) / 2);
        }
      else
        {
          swatch (cr, column_x + font * 0.6, cy + line / 2, row->radius, &row->colour);
          show_text (cr, layout, column_x + font * 1.6, cy + (line - h) / 2);
        }
    }
}

/* A bar of a round length (1, 2 or 5 × 10^n m) about a fifth of @width. */
static void
draw_scale (cairo_t *cr,
            double   x,
            double   y,
            double   width,
            double   metres_per_px,
            double   font)
{
  double target = width / 5 * metres_per_px;
  double unit = pow (10, floor (log10 (target)));
  double length = unit;
  g_autofree char *text = NULL;
  g_autoptr(PangoLayout) layout = NULL;
  double px, w, h;

  if (!isfinite (target) || target <= 0)
    return;
  if (5 * unit <= target)
    length = 5 * unit;
  else if (2 * unit <= target)
    length = 2 * unit;
  px = length / metres_per_px;

  if (length >= 1000)
    text = g_strdup_printf (_("%g km"), length / 1000);
  else
    text = g_strdup_printf (_("%g m"), length);
  layout = make_layout (cr, font, FALSE, text);
  layout_size (layout, &w, &h);

  panel (cr, x, y - h - font * 1.2, MAX (px, w) + font, h + font * 1.2);
  show_text (cr, layout, x + font * 0.5, y - h - font * 1.0);
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  cairo_set_line_width (cr, MAX (2, font / 6));
  cairo_new_path (cr);
  cairo_move_to (cr, x + font * 0.5, y - font * 0.7);
  cairo_rel_line_to (cr, 0, font * 0.4);
  cairo_rel_line_to (cr, px, 0);
  cairo_rel_line_to (cr, 0, -font * 0.4);
  cairo_stroke (cr);
}

static void
draw_decorations (BdMapExport *self,
                  cairo_t     *cr,
                  double       width,
                  double       height,
                  double       latitude,
                  double       zoom,
                  const char  *attribution)
{
  double font = CLAMP (MIN (width, height) / 48.0, 9.0, 40.0);
  double margin = font * 0.6;
  double band, w, h, tw, th;
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *date = NULL;
  g_autofree char *as_of = NULL;
  g_autoptr(PangoLayout) title = NULL;
  g_autoptr(PangoLayout) time = NULL;
  double metres_per_px;

  /* the title and the time, across the top */
  when = self->as_of == G_MAXINT64 ? g_date_time_new_now_local ()
                                   : g_date_time_new_from_unix_local (self->as_of);
  if (when != NULL && self->time_zone != NULL)
    {
      GDateTime *there = g_date_time_to_timezone (when, self->time_zone);

      g_date_time_unref (when);
      when = there;
    }
  /* Translators: the exported map's time, a g_date_time_format () format
   * (ja: "%Y年%-m月%-d日 %H:%M") */
  date = when != NULL ? g_date_time_format (when, C_("map export", "%Y-%m-%d %H:%M")) : g_strdup ("");
  /* Translators: %s is a date and time ("12月6日 14:00") */
  as_of = g_strdup_printf (_("As of %s"), date);
  title = make_layout (cr, font * 1.5, TRUE, self->title != NULL ? self->title : _("Damage Reports"));
  time = make_layout (cr, font * 1.2, FALSE, as_of);
  layout_size (title, &w, &h);
  layout_size (time, &tw, &th);
  band = MAX (h, th) + 2 * margin;
  cairo_rectangle (cr, 0, 0, width, band);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.92);
  cairo_fill (cr);
  pango_layout_set_width (title, MAX (1, (int) (width - tw - 4 * margin)) * PANGO_SCALE);
  pango_layout_set_ellipsize (title, PANGO_ELLIPSIZE_END);
  show_text (cr, title, margin, (band - h) / 2);
  show_text (cr, time, width - tw - margin, (band - th) / 2);

  draw_legend (self, cr, margin, band + margin, height - band - 6 * font, font * 0.8);

  metres_per_px = EARTH_CIRCUMFERENCE * cos (latitude * G_PI / 180.0) / (256.0 * exp2 (zoom));
  draw_scale (cr, margin, height - margin, width, metres_per_px, font * 0.8);

  if (attribution != NULL && attribution[0] != '\0')
    {
      g_autoptr(PangoLayout) layout = make_layout (cr, font * 0.7, FALSE, attribution);

      pango_layout_set_width (layout, (int) (width * 0.6) * PANGO_SCALE);
      pango_layout_set_alignment (layout, PANGO_ALIGN_RIGHT);
      layout_size (layout, &w, &h);
      cairo_rectangle (cr, width - w - 2 * margin, height - h - margin, w + 2 * margin, h + margin);
      cairo_set_source_rgba (cr, 1, 1, 1, 0.8);
      cairo_fill (cr);
      show_text (cr, layout, width - w - margin - (width * 0.6 - w), height - h - margin / 2);
    }
}

cairo_surface_t *
bd_map_export_render (BdMapExport  *self,
                      ShumateMap   *map,
                      GError      **error)
{
  GtkWidget *widget = GTK_WIDGET (map);
  ShumateViewport *viewport = shumate_map_get_viewport (map);
  ShumateMapSource *source = shumate_viewport_get_reference_map_source (viewport);
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot;
  GtkNative *native;
  GskRenderer *renderer;
  cairo_surface_t *surface;
  cairo_t *cr;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  const char *attribution = self->attribution;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (SHUMATE_IS_MAP (map), NULL);

  native = gtk_widget_get_native (widget);
  renderer = native != NULL ? gtk_native_get_renderer (native) : NULL;
  if (renderer == NULL || width <= 0 || height <= 0 || width > MAX_SIDE || height > MAX_SIDE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("The map is not shown, so it cannot be drawn"));
      return NULL;
    }

  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                   _("Not enough memory to draw the map"));
      cairo_surface_destroy (surface);
      return NULL;
    }

  /* the map itself, on white (where no tile came) */
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  if (node != NULL)
    {
      texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
      cairo_surface_flush (surface);
      {
        cairo_surface_t *map_surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);

        gdk_texture_download (texture, cairo_image_surface_get_data (map_surface),
                              cairo_image_surface_get_stride (map_surface));
        cairo_surface_mark_dirty (map_surface);
        cairo_set_source_surface (cr, map_surface, 0, 0);
        cairo_paint (cr);
        cairo_surface_destroy (map_surface);
      }
    }

  if (attribution == NULL && source != NULL)
    attribution = shumate_map_source_get_license (source);
  draw_decorations (self, cr, width, height,
                    shumate_location_get_latitude (SHUMATE_LOCATION (viewport)),
                    shumate_viewport_get_zoom_level (viewport), attribution);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  return surface;
}

gboolean
bd_map_export_write_png (BdMapExport  *self,
                         ShumateMap   *map,
                         const char   *path,
                         GError      **error)
{
  cairo_surface_t *surface;
  cairo_status_t status;

  g_return_val_if_fail (path != NULL, FALSE);

  if (!(surface = bd_map_export_render (self, map, error)))
    return FALSE;

  status = cairo_surface_write_to_png (surface, path);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_autofree char *name = g_filename_display_name (path);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Cannot write “%s”: %s"), name, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

/* Printing */

static void
on_draw_page_cb (GtkPrintOperation *operation,
                 GtkPrintContext   *context,
                 int                page,
                 cairo_surface_t   *surface)
{
  cairo_t *cr = gtk_print_context_get_cairo_context (context);
  double page_w = gtk_print_context_get_width (context);
  double page_h = gtk_print_context_get_height (context);
  double w = cairo_image_surface_get_width (surface);
  double h = cairo_image_surface_get_height (surface);
  double scale = MIN (page_w / w, page_h / h);

  cairo_save (cr);
  cairo_translate (cr, (page_w - w * scale) / 2, (page_h - h * scale) / 2);
  cairo_scale (cr, scale, scale);
  cairo_set_source_surface (cr, surface, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_BEST);
  cairo_paint (cr);
  cairo_restore (cr);
}

static void
surface_free (gpointer  data,
              GClosure *closure)
{
  cairo_surface_destroy (data);
}

void
bd_map_export_print (BdMapExport *self,
                     ShumateMap  *map,
                     GtkWindow   *parent)
{
  g_autoptr(GtkPrintOperation) operation = NULL;
  g_autoptr(GtkPageSetup) setup = gtk_page_setup_new ();
  g_autoptr(GtkPaperSize) a4 = gtk_paper_size_new (GTK_PAPER_NAME_A4);
  g_autoptr(GError) error = NULL;
  cairo_surface_t *surface;

  g_return_if_fail (self != NULL);

  if (!(surface = bd_map_export_render (self, map, &error)))
    {
      g_warning ("Cannot print the map: %s", error->message);
      return;
    }

  /* A4 landscape; the dialog's page setup offers A3 */
  gtk_page_setup_set_paper_size (setup, a4);
  gtk_page_setup_set_orientation (setup, GTK_PAGE_ORIENTATION_LANDSCAPE);
  operation = gtk_print_operation_new ();
  gtk_print_operation_set_default_page_setup (operation, setup);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  gtk_print_operation_set_n_pages (operation, 1);
  gtk_print_operation_set_job_name (operation, _("Damage Reports"));
  g_signal_connect_data (operation, "draw-page", G_CALLBACK (on_draw_page_cb), surface,
                         surface_free, 0);
  if (gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, parent,
                               &error) == GTK_PRINT_OPERATION_RESULT_ERROR)
    g_warning ("Cannot print the map: %s", error->message);
}
