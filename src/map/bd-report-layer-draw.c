/* bd-report-layer-draw.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The report layer's drawing: dots and clusters pre-rendered into small
 * textures per category and severity (closed reports faded in their own),
 * count labels put together from glyphs laid out once, and snapshot(),
 * which asks the cluster index for what lies in view. */

#define G_LOG_DOMAIN "bd-report-layer"

#include "config.h"

#include "bd-report-layer-private.h"

#include <string.h>

#include "bd-catalog.h"
#include "bd-geo.h"

#define GLYPH_K          10

/* Dot radius (px) for severity 1..4. */
static const double dot_radius[N_SEVERITIES] = { 4.0, 5.0, 6.0, 8.0 };
/* Cluster radius (px) for < 10, < 100, < 1000 and more points. */
static const double cluster_radius[N_CLUSTER_SIZES] = { 12.0, 14.0, 17.0, 20.0 };

#define OUTLINE_WIDTH 1.0
#define RING_GAP      2.0
#define RING_WIDTH    2.5
/* The farthest any mark reaches from its point: culling margin. */
#define MAX_EXTENT    (22.0 + 2.0)

static const GdkRGBA outline_colour = { 0.0f, 0.0f, 0.0f, 0.6f };

static guint
severity_slot (guint8 severity)
{
  return CLAMP (severity, 1, N_SEVERITIES) - 1;
}

static guint
colour_slot (BdReportLayer *self,
             guint8         category)
{
  return category < self->n_colours - 1 ? category : self->n_colours - 1;
}

/* -------------------------------------------------------------- sprites */

static GdkTexture *
texture_from_surface (cairo_surface_t *surface)
{
  g_autoptr(GBytes) bytes = NULL;
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);

  cairo_surface_flush (surface);
  bytes = g_bytes_new (cairo_image_surface_get_data (surface), (gsize) stride * height);

  return gdk_memory_texture_new (width, height, GDK_MEMORY_DEFAULT, bytes, stride);
}

/* A square texture of @extent px (logical) each side of its centre,
 * drawn by @draw at @scale. */
static GdkTexture *
render_sprite (double   extent,
               int      scale,
               void   (*draw) (cairo_t *cr, gconstpointer data),
               gconstpointer data)
{
  int side = (int) ceil (2.0 * extent * scale);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, side, side);
  cairo_t *cr = cairo_create (surface);
  GdkTexture *texture;

  cairo_scale (cr, scale, scale);
  cairo_translate (cr, side / (2.0 * scale), side / (2.0 * scale));
  draw (cr, data);
  cairo_destroy (cr);

  texture = texture_from_surface (surface);
  cairo_surface_destroy (surface);

  return texture;
}

typedef struct
{
  const GdkRGBA *fill;
  double         radius;
  gboolean       cluster;
  double         opacity;      /* closed reports are faded in the sprite */
} DotStyle;

void
bd_report_layer_draw_mark (cairo_t       *cr,
                           const GdkRGBA *fill,
                           double         radius,
                           gboolean       cluster,
                           double         opacity)
{
  if (opacity < 1.0)
    cairo_push_group (cr);
  cairo_arc (cr, 0, 0, radius, 0, 2 * G_PI);
  if (cluster)
    {
      /* A white rim inside a thin dark edge, to lift it off the dots. */
      cairo_set_source_rgba (cr, fill->red, fill->green, fill->blue, 0.92);
      cairo_fill_preserve (cr);
      cairo_set_line_width (cr, 2.0);
      cairo_set_source_rgba (cr, 1, 1, 1, 0.95);
      cairo_stroke (cr);
      cairo_arc (cr, 0, 0, radius + 1.5, 0, 2 * G_PI);
      cairo_set_line_width (cr, 1.0);
    }
  else
    {
      gdk_cairo_set_source_rgba (cr, fill);
      cairo_fill_preserve (cr);
      cairo_set_line_width (cr, OUTLINE_WIDTH);
    }
  gdk_cairo_set_source_rgba (cr, &outline_colour);
  cairo_stroke (cr);
  if (opacity < 1.0)
    {
      cairo_pop_group_to_source (cr);
      cairo_paint_with_alpha (cr, opacity);
    }
}

static void
draw_dot (cairo_t       *cr,
          gconstpointer  data)
{
  const DotStyle *style = data;

  bd_report_layer_draw_mark (cr, style->fill, style->radius, style->cluster, style->opacity);
}

static void
draw_ring (cairo_t       *cr,
           gconstpointer  data)
{
  const double *radius = data;
  double r = *radius + RING_GAP + RING_WIDTH / 2.0;

  cairo_arc (cr, 0, 0, r, 0, 2 * G_PI);
  cairo_set_line_width (cr, RING_WIDTH + 2.0);
  gdk_cairo_set_source_rgba (cr, &outline_colour);
  cairo_stroke_preserve (cr);
  cairo_set_line_width (cr, RING_WIDTH);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_stroke (cr);
}

static double
dot_extent (guint severity_slot)
{
  return dot_radius[severity_slot] + OUTLINE_WIDTH + 1.0;
}

static double
ring_extent (guint severity_slot)
{
  return dot_radius[severity_slot] + RING_GAP + RING_WIDTH + 2.0;
}

static double
cluster_extent (guint size_slot)
{
  return cluster_radius[size_slot] + 3.0;
}

void
_bd_report_layer_clear_glyphs (BdReportLayer *self)
{
  g_clear_object (&self->label_font.font);
}

void
_bd_report_layer_clear_sprites (BdReportLayer *self)
{
  if (self->dot_sprites != NULL)
    for (guint i = 0; i < 2 * self->n_colours * N_SEVERITIES; i++)
      g_clear_object (&self->dot_sprites[i]);
  if (self->cluster_sprites != NULL)
    for (guint i = 0; i < self->n_colours * N_CLUSTER_SIZES; i++)
      g_clear_object (&self->cluster_sprites[i]);
  for (guint i = 0; i < N_SEVERITIES; i++)
    g_clear_object (&self->ring_sprites[i]);
  _bd_report_layer_clear_glyphs (self);
}

static void
ensure_scale (BdReportLayer *self)
{
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));

  if (scale != self->sprite_scale)
    {
      _bd_report_layer_clear_sprites (self);
      self->sprite_scale = scale;
    }
}

/* A report's dot; a closed report's is faded in the sprite itself, as
 * an opacity node over them would have the renderer draw the whole layer
 * offscreen once more. */
static GdkTexture *
get_dot_sprite (BdReportLayer *self,
                guint          colour,
                guint          sev,
                gboolean       closed)
{
  GdkTexture **slot = &self->dot_sprites[((closed ? self->n_colours : 0) + colour)
                                         * N_SEVERITIES + sev];

  if (*slot == NULL)
    {
      DotStyle style = { &self->colours[colour], dot_radius[sev], FALSE,
                         closed ? BD_REPORT_LAYER_CLOSED_OPACITY : 1.0 };

      *slot = render_sprite (dot_extent (sev), self->sprite_scale, draw_dot, &style);
    }

  return *slot;
}

static GdkTexture *
get_cluster_sprite (BdReportLayer *self,
                    guint          colour,
                    guint          size)
{
  GdkTexture **slot = &self->cluster_sprites[colour * N_CLUSTER_SIZES + size];

  if (*slot == NULL)
    {
      DotStyle style = { &self->colours[colour], cluster_radius[size], TRUE, 1.0 };

      *slot = render_sprite (cluster_extent (size), self->sprite_scale, draw_dot, &style);
    }

  return *slot;
}

static GdkTexture *
get_ring_sprite (BdReportLayer *self,
                 guint          sev)
{
  if (self->ring_sprites[sev] == NULL)
    self->ring_sprites[sev] = render_sprite (ring_extent (sev), self->sprite_scale,
                                             draw_ring, &dot_radius[sev]);

  return self->ring_sprites[sev];
}

static gboolean
colour_is_light (const GdkRGBA *colour)
{
  return 0.2126 * colour->red + 0.7152 * colour->green + 0.0722 * colour->blue > 0.6;
}

static gboolean
ensure_label_font (BdReportLayer *self)
{
  LabelFont *lf = &self->label_font;
  g_autoptr(PangoLayout) layout = NULL;
  PangoAttrList *attrs;
  PangoLayoutIter *iter;
  PangoLayoutRun *run;
  PangoRectangle logical;

  if (lf->font != NULL)
    return TRUE;

  layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), "0123456789k");
  attrs = pango_attr_list_new ();
  pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  pango_attr_list_insert (attrs, pango_attr_scale_new (0.8));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);

  iter = pango_layout_get_iter (layout);
  run = pango_layout_iter_get_run_readonly (iter);
  /* All eleven characters must come out as single glyphs of one font. */
  if (run == NULL || run->glyphs->num_glyphs != N_GLYPHS || run->item->num_chars != N_GLYPHS)
    {
      pango_layout_iter_free (iter);
      return FALSE;
    }

  lf->font = g_object_ref (run->item->analysis.font);
  for (guint i = 0; i < N_GLYPHS; i++)
    {
      lf->glyphs[i] = run->glyphs->glyphs[i];
      lf->glyphs[i].geometry.x_offset = 0;
    }
  pango_layout_iter_get_line_extents (iter, NULL, &logical);
  lf->ascent = (float) (pango_layout_iter_get_baseline (iter) - logical.y) / PANGO_SCALE;
  lf->height = (float) logical.height / PANGO_SCALE;
  pango_layout_iter_free (iter);

  return TRUE;
}

static void
draw_count (BdReportLayer *self,
            GtkSnapshot   *snapshot,
            guint          count,
            gboolean       dark_text,
            double         sx,
            double         sy)
{
  static const GdkRGBA white = { 1, 1, 1, 1 };
  static const GdkRGBA black = { 0, 0, 0, 0.87f };
  LabelFont *lf = &self->label_font;
  guint digits[12];
  guint n = 0;
  int width = 0;
  gboolean thousands = count >= 10000;
  GskRenderNode *node;

  if (!ensure_label_font (self))
    return;

  if (thousands)
    {
      count /= 1000;
      digits[n++] = GLYPH_K;
    }
  do
    {
      digits[n++] = count % 10;
      count /= 10;
    }
  while (count > 0 && n < G_N_ELEMENTS (digits));

  /* digits[] is backwards. */
  pango_glyph_string_set_size (lf->scratch, (int) n);
  for (guint i = 0; i < n; i++)
    {
      lf->scratch->glyphs[i] = lf->glyphs[digits[n - 1 - i]];
      width += lf->scratch->glyphs[i].geometry.width;
    }

  node = gsk_text_node_new (lf->font, lf->scratch, dark_text ? &black : &white,
                            &GRAPHENE_POINT_INIT ((float) round (sx - width / (2.0 * PANGO_SCALE)),
                                                  (float) round (sy - lf->height / 2.0
                                                                 + lf->ascent)));
  if (node != NULL)
    {
      gtk_snapshot_append_node (snapshot, node);
      gsk_render_node_unref (node);
    }
}

/* ------------------------------------------------------------- drawing */

static inline void
append_sprite (GtkSnapshot *snapshot,
               GdkTexture  *texture,
               int          scale,
               double       sx,
               double       sy)
{
  float size = (float) gdk_texture_get_width (texture) / scale;
  /* Snap to device pixels so the sprite is not resampled. */
  float x = (float) (round ((sx - size / 2.0) * scale) / scale);
  float y = (float) (round ((sy - size / 2.0) * scale) / scale);

  gtk_snapshot_append_texture (snapshot, texture, &GRAPHENE_RECT_INIT (x, y, size, size));
}

#define CLOSED_OPACITY ((float) BD_REPORT_LAYER_CLOSED_OPACITY)

/* In the catalogue's order the open statuses (new, confirmed, in progress)
 * come before the closed ones (resolved, duplicate, false report). */
static guint
first_closed_status (void)
{
  static gsize first = 0;

  if (g_once_init_enter (&first))
    {
      const BdStatus *statuses = bd_catalog_get_statuses (NULL);
      const BdStatus *resolved = bd_catalog_lookup_status ("resolved");

      g_once_init_leave (&first, resolved != NULL ? (gsize) (resolved - statuses) + 1 : G_MAXUINT8 + 1);
    }
  return (guint) first - 1;
}

static inline gboolean
is_closed (const BdPoint *p)
{
  return p->status >= first_closed_status ();
}

static void
draw_dots_sprites (BdReportLayer *self,
                   GtkSnapshot   *snapshot,
                   const Visible *dots,
                   guint          n_dots,
                   guint          sev,
                   gboolean       closed)
{
  for (guint i = 0; i < n_dots; i++)
    {
      const BdPoint *p = &self->shown[dots[i].idx];

      if (severity_slot (p->severity) != sev || is_closed (p) != closed)
        continue;

      append_sprite (snapshot, get_dot_sprite (self, colour_slot (self, p->category), sev, closed),
                     self->sprite_scale, dots[i].sx, dots[i].sy);
    }
}

static void
draw_dots_nodes (BdReportLayer *self,
                 GtkSnapshot   *snapshot,
                 const Visible *dots,
                 guint          n_dots,
                 guint          sev,
                 gboolean       closed)
{
  const float widths[4] = { OUTLINE_WIDTH, OUTLINE_WIDTH, OUTLINE_WIDTH, OUTLINE_WIDTH };
  const GdkRGBA colours[4] = { outline_colour, outline_colour, outline_colour, outline_colour };
  float r = (float) (dot_radius[sev] + OUTLINE_WIDTH / 2.0);

  for (guint i = 0; i < n_dots; i++)
    {
      const BdPoint *p = &self->shown[dots[i].idx];
      GskRoundedRect rect;

      if (severity_slot (p->severity) != sev || is_closed (p) != closed)
        continue;

      gsk_rounded_rect_init_from_rect (&rect,
                                       &GRAPHENE_RECT_INIT (dots[i].sx - r, dots[i].sy - r,
                                                            2 * r, 2 * r),
                                       r);
      gtk_snapshot_push_rounded_clip (snapshot, &rect);
      gtk_snapshot_append_color (snapshot, &self->colours[colour_slot (self, p->category)],
                                 &rect.bounds);
      gtk_snapshot_pop (snapshot);
      gtk_snapshot_append_border (snapshot, &rect, widths, colours);
    }
}

static void
draw_dots_cairo (BdReportLayer *self,
                 cairo_t       *cr,
                 const Visible *dots,
                 guint          n_dots,
                 guint          sev,
                 gboolean       closed)
{
  cairo_set_line_width (cr, OUTLINE_WIDTH);

  for (guint i = 0; i < n_dots; i++)
    {
      const BdPoint *p = &self->shown[dots[i].idx];

      if (severity_slot (p->severity) != sev || is_closed (p) != closed)
        continue;

      cairo_new_sub_path (cr);
      cairo_arc (cr, dots[i].sx, dots[i].sy, dot_radius[sev], 0, 2 * G_PI);
      gdk_cairo_set_source_rgba (cr, &self->colours[colour_slot (self, p->category)]);
      cairo_fill_preserve (cr);
      gdk_cairo_set_source_rgba (cr, &outline_colour);
      cairo_stroke (cr);
    }
}

static void
draw_dots (BdReportLayer *self,
           GtkSnapshot   *snapshot,
           const View    *view,
           const Visible *dots,
           guint          n_dots)
{
  cairo_t *cr = NULL;

  if (n_dots == 0)
    return;

  /* Closed reports (resolved, duplicate, false) faded and beneath; then
   * the open ones, the most severe on top. */
  for (int pass = 0; pass < 2; pass++)
    {
      gboolean closed = pass == 0;

      gboolean fade = closed && self->draw_mode != BD_REPORT_LAYER_DRAW_SPRITES;

      if (fade)
        gtk_snapshot_push_opacity (snapshot, CLOSED_OPACITY);
      if (self->draw_mode == BD_REPORT_LAYER_DRAW_CAIRO)
        cr = gtk_snapshot_append_cairo (snapshot,
                                        &GRAPHENE_RECT_INIT (0, 0, view->width, view->height));

      for (guint sev = 0; sev < N_SEVERITIES; sev++)
        {
          switch (self->draw_mode)
            {
            case BD_REPORT_LAYER_DRAW_CAIRO:
              draw_dots_cairo (self, cr, dots, n_dots, sev, closed);
              break;
            case BD_REPORT_LAYER_DRAW_NODES:
              draw_dots_nodes (self, snapshot, dots, n_dots, sev, closed);
              break;
            case BD_REPORT_LAYER_DRAW_SPRITES:
            default:
              draw_dots_sprites (self, snapshot, dots, n_dots, sev, closed);
              break;
            }
        }

      g_clear_pointer (&cr, cairo_destroy);
      if (fade)
        gtk_snapshot_pop (snapshot);
    }
}

static guint
cluster_size_slot (guint count)
{
  if (count < 10)
    return 0;
  if (count < 100)
    return 1;
  if (count < 1000)
    return 2;
  return 3;
}

static void
draw_cluster (BdReportLayer       *self,
              GtkSnapshot         *snapshot,
              const BdClusterItem *item,
              double               sx,
              double               sy)
{
  guint colour = colour_slot (self, item->category);
  guint size = cluster_size_slot (item->count);

  append_sprite (snapshot, get_cluster_sprite (self, colour, size), self->sprite_scale, sx, sy);
  draw_count (self, snapshot, item->count, colour_is_light (&self->colours[colour]), sx, sy);
}

/* The Web Mercator box of the view, with @margin px around it. */
static void
view_box (const View *view,
          double      margin,
          double     *box)
{
  box[0] = (view->cx - view->half_w - margin) / view->world;
  box[1] = (view->cy - view->half_h - margin) / view->world;
  box[2] = (view->cx + view->half_w + margin) / view->world;
  box[3] = (view->cy + view->half_h + margin) / view->world;
}

/* Where a Web Mercator point is on the widget; FALSE when it lies further
 * than @margin px off it. */
static inline gboolean
to_widget (const View *view,
           double      x,
           double      y,
           double      margin,
           double     *sx,
           double     *sy)
{
  _bd_report_layer_view_to_widget (view, x * view->world - view->cx, y * view->world - view->cy, sx, sy);

  return *sx >= -margin && *sx <= view->width + margin
         && *sy >= -margin && *sy <= view->height + margin;
}

void
_bd_report_layer_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  BdReportLayer *self = BD_REPORT_LAYER (widget);
  const BdClusterItem *items;
  View view;
  double box[4];

  self->n_drawn = 0;
  self->n_drawn_reports = 0;
  g_array_set_size (self->clusters, 0);
  g_array_set_size (self->items, 0);
  g_array_set_size (self->individual, 0);

  if (self->index == NULL || self->n_shown == 0 || !_bd_report_layer_get_view (self, &view))
    return;

  ensure_scale (self);

  view_box (&view, MAX_EXTENT, box);
  bd_cluster_index_query (self->index, view.zoom, box[0], box[1], box[2], box[3],
                          self->as_of, self->items);
  items = (const BdClusterItem *) (void *) self->items->data;

  /* Single reports first, beneath the clusters. */
  for (guint i = 0; i < self->items->len; i++)
    {
      Visible v;
      double sx, sy;

      if (items[i].is_cluster
          || !to_widget (&view, items[i].x, items[i].y, MAX_EXTENT, &sx, &sy))
        continue;
      v.sx = (float) sx;
      v.sy = (float) sy;
      v.idx = items[i].id;
      g_array_append_val (self->individual, v);
    }
  draw_dots (self, snapshot, &view,
             (const Visible *) (void *) self->individual->data, self->individual->len);
  self->n_drawn += self->individual->len;
  self->n_drawn_reports += self->individual->len;

  self->clusters_zoom = view.zoom;
  for (guint i = 0; i < self->items->len; i++)
    {
      DrawnCluster cluster;
      double sx, sy;

      if (!items[i].is_cluster
          || !to_widget (&view, items[i].x, items[i].y, MAX_EXTENT, &sx, &sy))
        continue;

      draw_cluster (self, snapshot, &items[i], sx, sy);
      self->n_drawn++;
      self->n_drawn_reports += items[i].count;

      cluster.x = items[i].x;
      cluster.y = items[i].y;
      cluster.radius = (float) cluster_radius[cluster_size_slot (items[i].count)];
      cluster.count = items[i].count;
      cluster.id = items[i].id;
      cluster.zoom = items[i].zoom;
      g_array_append_val (self->clusters, cluster);
    }

  /* The selected report, ringed, above everything. */
  if (self->selected_idx >= 0 && self->shown[self->selected_idx].observed_at <= self->as_of)
    {
      const BdPoint *p = &self->shown[self->selected_idx];
      guint sev = severity_slot (p->severity);
      double sx, sy;

      if (to_widget (&view, p->x, p->y, MAX_EXTENT, &sx, &sy))
        {
          append_sprite (snapshot, get_dot_sprite (self, colour_slot (self, p->category), sev,
                                                   FALSE),
                         self->sprite_scale, sx, sy);
          append_sprite (snapshot, get_ring_sprite (self, sev), self->sprite_scale, sx, sy);
        }
    }
}

double
bd_report_layer_dot_radius (int severity)
{
  return dot_radius[CLAMP (severity, 1, N_SEVERITIES) - 1];
}

double
bd_report_layer_cluster_radius (void)
{
  return cluster_radius[0];
}
