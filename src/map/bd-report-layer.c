/* bd-report-layer.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-report-layer"

#include "config.h"

#include "bd-report-layer.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "bd-catalog.h"
#include "bd-geo.h"

/* How the layer works
 *
 * Points arrive pre-projected (Web Mercator in [0,1)). When they are set,
 * they are copied into an array sorted by the cell of a uniform grid laid
 * over their bounding box (a counting sort), with the start of each cell in
 * @cell_start. A frame walks only the cells under the visible box, so its
 * cost follows what is on screen, not the number of reports.
 *
 * Below CLUSTER_MAX_ZOOM, the visible points are binned into CLUSTER_CELL
 * pixel squares fixed to the map (so clusters do not jitter while panning);
 * a square holding CLUSTER_MIN points or more is drawn as one larger dot in
 * its commonest category with the count written on it.
 *
 * Dots are pre-rendered per (category, severity) into small textures at the
 * widget's scale factor and appended with gtk_snapshot_append_texture(): one
 * render node per dot. (tests/bench-layer measures the alternatives, kept
 * behind _bd_report_layer_set_draw_mode().) The count labels are cached as
 * render nodes per count. */

#define CLUSTER_CELL     40.0    /* px */
#define CLUSTER_MIN      8       /* points in a cell that make a cluster */
#define CLUSTER_MAX_ZOOM 16.0    /* at and past this zoom, every dot is drawn */
#define N_SEVERITIES     4
#define N_CLUSTER_SIZES  4
#define MAX_GRID_SIDE    512
#define RELOAD_DELAY_MS  200
#define N_GLYPHS         11      /* 0–9 and "k" */
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
static const GdkRGBA unknown_colour = { 0.5f, 0.5f, 0.5f, 1.0f };

typedef struct
{
  float   sx, sy;              /* widget coordinates */
  guint32 idx;                 /* in self->sorted */
  guint32 bin;                 /* cluster bin, when clustering */
} Visible;

typedef struct
{
  guint  count;
  float  sum_x, sum_y;
} Bin;

/* The glyphs of a count label ("0"–"9", "k") in the label font, laid out
 * once: a label is one text node put together from them, so no text is
 * laid out per frame. */
typedef struct
{
  PangoFont      *font;        /* NULL until laid out */
  PangoGlyphInfo  glyphs[N_GLYPHS];
  float           ascent;      /* baseline below the top of the line, px */
  float           height;      /* px */
  PangoGlyphString *scratch;
} LabelFont;

/* A cluster as drawn, for bd_report_layer_pick_cluster(). */
typedef struct
{
  double x, y;                 /* centre, Web Mercator [0,1) */
  float  radius;               /* px */
  guint  count;
} DrawnCluster;

/* Where the map is, for one frame or one pick. */
typedef struct
{
  double world;                /* the world's size in px at this zoom */
  double zoom;
  double cx, cy;               /* the centre, in world px */
  double width, height;        /* the widget */
  double cos_r, sin_r;
  gboolean rotated;
  double half_w, half_h;       /* half the box holding the rotated view, px */
} View;

struct _BdReportLayer
{
  ShumateLayer   parent_instance;

  BdStore       *store;
  gulong         changed_handler;
  GCancellable  *cancellable;
  GMainContext  *main_context;
  guint          reload_source;
  gboolean       loading;
  gboolean       reload_pending;

  /* Points, sorted by grid cell. */
  BdPoint       *sorted;
  guint          n_points;
  guint          grid_side;
  guint32       *cell_start;   /* grid_side² + 1 */
  double         min_x, min_y;
  double         inv_cell_w, inv_cell_h;

  gint64         selected;
  gint64         selected_idx; /* in sorted, or -1 */

  /* Per-frame scratch, kept between frames. */
  GArray        *visible;      /* Visible */
  GArray        *individual;   /* Visible */
  GArray        *bins;         /* Bin */
  GArray        *bin_cats;     /* guint32, bins × n_colours */
  guint          n_drawn;
  GArray        *clusters;     /* DrawnCluster, of the last frame */
  double         clusters_zoom;

  /* Colours and sprites. */
  GdkRGBA       *colours;      /* per category, then one for unknown */
  guint          n_colours;
  int            sprite_scale;
  GdkTexture   **dot_sprites;        /* n_colours × N_SEVERITIES */
  GdkTexture   **cluster_sprites;    /* n_colours × N_CLUSTER_SIZES */
  GdkTexture    *ring_sprites[N_SEVERITIES];
  LabelFont      label_font;

  BdReportLayerDrawMode draw_mode;
};

G_DEFINE_FINAL_TYPE (BdReportLayer, bd_report_layer, SHUMATE_TYPE_LAYER)

enum {
  PROP_0,
  PROP_STORE,
  PROP_SELECTED,
  PROP_N_POINTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void load_points (BdReportLayer *self);

/* ------------------------------------------------------------- geometry */

static gboolean
get_view (BdReportLayer *self,
          View          *view)
{
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  ShumateMapSource *source;
  double tile_size = 256.0;
  double rotation;

  view->width = gtk_widget_get_width (GTK_WIDGET (self));
  view->height = gtk_widget_get_height (GTK_WIDGET (self));
  if (viewport == NULL || view->width <= 0 || view->height <= 0)
    return FALSE;

  source = shumate_viewport_get_reference_map_source (viewport);
  if (source != NULL)
    tile_size = shumate_map_source_get_tile_size (source);

  view->zoom = shumate_viewport_get_zoom_level (viewport);
  view->world = tile_size * exp2 (view->zoom);
  view->cx = bd_geo_mercator_x (shumate_location_get_longitude (SHUMATE_LOCATION (viewport))) * view->world;
  view->cy = bd_geo_mercator_y (shumate_location_get_latitude (SHUMATE_LOCATION (viewport))) * view->world;

  rotation = shumate_viewport_get_rotation (viewport);
  view->cos_r = cos (rotation);
  view->sin_r = sin (rotation);
  view->rotated = fabs (rotation) > 1e-9;
  if (view->rotated)
    {
      view->half_w = (fabs (view->width * view->cos_r) + fabs (view->height * view->sin_r)) / 2.0;
      view->half_h = (fabs (view->width * view->sin_r) + fabs (view->height * view->cos_r)) / 2.0;
    }
  else
    {
      view->half_w = view->width / 2.0;
      view->half_h = view->height / 2.0;
    }

  return TRUE;
}

/* World px relative to the centre → widget coordinates. */
static inline void
view_to_widget (const View *view,
                double      dx,
                double      dy,
                double     *sx,
                double     *sy)
{
  if (view->rotated)
    {
      double rx = view->cos_r * dx - view->sin_r * dy;
      double ry = view->sin_r * dx + view->cos_r * dy;

      dx = rx;
      dy = ry;
    }

  *sx = dx + view->width / 2.0;
  *sy = dy + view->height / 2.0;
}

/* Widget coordinates → world px relative to the centre. */
static void
widget_to_view (const View *view,
                double      sx,
                double      sy,
                double     *dx,
                double     *dy)
{
  double x = sx - view->width / 2.0;
  double y = sy - view->height / 2.0;

  *dx = view->cos_r * x + view->sin_r * y;
  *dy = -view->sin_r * x + view->cos_r * y;
}

static inline guint
grid_col (BdReportLayer *self,
          double         x)
{
  double c = (x - self->min_x) * self->inv_cell_w;

  if (c <= 0.0)
    return 0;
  if (c >= self->grid_side - 1)
    return self->grid_side - 1;
  return (guint) c;
}

static inline guint
grid_row (BdReportLayer *self,
          double         y)
{
  double r = (y - self->min_y) * self->inv_cell_h;

  if (r <= 0.0)
    return 0;
  if (r >= self->grid_side - 1)
    return self->grid_side - 1;
  return (guint) r;
}

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
} DotStyle;

static void
draw_dot (cairo_t       *cr,
          gconstpointer  data)
{
  const DotStyle *style = data;

  cairo_arc (cr, 0, 0, style->radius, 0, 2 * G_PI);
  if (style->cluster)
    {
      /* A white rim inside a thin dark edge, to lift it off the dots. */
      cairo_set_source_rgba (cr, style->fill->red, style->fill->green, style->fill->blue, 0.92);
      cairo_fill_preserve (cr);
      cairo_set_line_width (cr, 2.0);
      cairo_set_source_rgba (cr, 1, 1, 1, 0.95);
      cairo_stroke (cr);
      cairo_arc (cr, 0, 0, style->radius + 1.5, 0, 2 * G_PI);
      cairo_set_line_width (cr, 1.0);
    }
  else
    {
      gdk_cairo_set_source_rgba (cr, style->fill);
      cairo_fill_preserve (cr);
      cairo_set_line_width (cr, OUTLINE_WIDTH);
    }
  gdk_cairo_set_source_rgba (cr, &outline_colour);
  cairo_stroke (cr);
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

static void
clear_glyphs (BdReportLayer *self)
{
  g_clear_object (&self->label_font.font);
}

static void
clear_sprites (BdReportLayer *self)
{
  if (self->dot_sprites != NULL)
    for (guint i = 0; i < self->n_colours * N_SEVERITIES; i++)
      g_clear_object (&self->dot_sprites[i]);
  if (self->cluster_sprites != NULL)
    for (guint i = 0; i < self->n_colours * N_CLUSTER_SIZES; i++)
      g_clear_object (&self->cluster_sprites[i]);
  for (guint i = 0; i < N_SEVERITIES; i++)
    g_clear_object (&self->ring_sprites[i]);
  clear_glyphs (self);
}

static void
ensure_scale (BdReportLayer *self)
{
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));

  if (scale != self->sprite_scale)
    {
      clear_sprites (self);
      self->sprite_scale = scale;
    }
}

static GdkTexture *
get_dot_sprite (BdReportLayer *self,
                guint          colour,
                guint          sev)
{
  GdkTexture **slot = &self->dot_sprites[colour * N_SEVERITIES + sev];

  if (*slot == NULL)
    {
      DotStyle style = { &self->colours[colour], dot_radius[sev], FALSE };

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
      DotStyle style = { &self->colours[colour], cluster_radius[size], TRUE };

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

#define CLOSED_OPACITY 0.4f

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
      const BdPoint *p = &self->sorted[dots[i].idx];

      if (severity_slot (p->severity) != sev || is_closed (p) != closed)
        continue;

      append_sprite (snapshot, get_dot_sprite (self, colour_slot (self, p->category), sev),
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
      const BdPoint *p = &self->sorted[dots[i].idx];
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
      const BdPoint *p = &self->sorted[dots[i].idx];

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

      if (closed)
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
      if (closed)
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
draw_cluster (BdReportLayer *self,
              GtkSnapshot   *snapshot,
              const Bin     *bin,
              const guint32 *cats,
              double         sx,
              double         sy)
{
  guint best = 0;
  guint size = cluster_size_slot (bin->count);

  for (guint c = 1; c < self->n_colours; c++)
    if (cats[c] > cats[best])
      best = c;

  append_sprite (snapshot, get_cluster_sprite (self, best, size), self->sprite_scale, sx, sy);
  draw_count (self, snapshot, bin->count, colour_is_light (&self->colours[best]), sx, sy);
}

/* Fills self->visible with every point inside the view (with a margin for
 * the marks' size); with @clustering, also counts them into the
 * CLUSTER_CELL squares of self->bins (bin_cols × bin_rows, the first at
 * (bin_x0, bin_y0) in cells). */
static void
collect_visible (BdReportLayer *self,
                 const View    *view,
                 gboolean       clustering,
                 double         bin_x0,
                 double         bin_y0,
                 guint          bin_cols,
                 guint          bin_rows)
{
  double margin = MAX_EXTENT;
  double half_w = view->half_w + margin;
  double half_h = view->half_h + margin;
  double qx0 = (view->cx - half_w) / view->world;
  double qx1 = (view->cx + half_w) / view->world;
  double qy0 = (view->cy - half_h) / view->world;
  double qy1 = (view->cy + half_h) / view->world;
  guint c0, c1, r0, r1;
  double inv_cell = 1.0 / CLUSTER_CELL;
  Bin *bins = clustering ? (Bin *) (void *) self->bins->data : NULL;
  guint32 *cats = clustering ? (guint32 *) (void *) self->bin_cats->data : NULL;

  Visible *out;
  guint n_out = 0;
  double world = view->world;
  double cx = view->cx, cy = view->cy;
  double half_width = view->width / 2.0, half_height = view->height / 2.0;
  gint64 max_bx = (gint64) bin_cols - 1, max_by = (gint64) bin_rows - 1;

  g_array_set_size (self->visible, 0);

  if (self->n_points == 0)
    return;

  /* Room for every point; the length is set at the end. */
  g_array_set_size (self->visible, self->n_points);
  out = (Visible *) (void *) self->visible->data;

  c0 = grid_col (self, qx0);
  c1 = grid_col (self, qx1);
  r0 = grid_row (self, qy0);
  r1 = grid_row (self, qy1);

  for (guint r = r0; r <= r1; r++)
    {
      /* Cells of one grid row are contiguous in the sorted array. */
      guint32 start = self->cell_start[r * self->grid_side + c0];
      guint32 end = self->cell_start[r * self->grid_side + c1 + 1];

      for (guint32 i = start; i < end; i++)
        {
          const BdPoint *p = &self->sorted[i];
          double wx, wy, sx, sy;
          Visible *v;

          if (p->x < qx0 || p->x > qx1 || p->y < qy0 || p->y > qy1)
            continue;

          wx = p->x * world;
          wy = p->y * world;

          if (G_LIKELY (!view->rotated))
            {
              sx = wx - cx + half_width;
              sy = wy - cy + half_height;
            }
          else
            {
              view_to_widget (view, wx - cx, wy - cy, &sx, &sy);
              if (sx < -margin || sx > view->width + margin
                  || sy < -margin || sy > view->height + margin)
                continue;
            }

          v = &out[n_out++];
          v->sx = (float) sx;
          v->sy = (float) sy;
          v->idx = i;
          v->bin = 0;

          if (clustering)
            {
              /* Never negative but for rounding: truncation is floor. */
              gint64 bx = (gint64) (wx * inv_cell - bin_x0);
              gint64 by = (gint64) (wy * inv_cell - bin_y0);
              Bin *bin;

              bx = CLAMP (bx, 0, max_bx);
              by = CLAMP (by, 0, max_by);
              v->bin = (guint32) (by * bin_cols + bx);

              bin = &bins[v->bin];
              bin->count++;
              bin->sum_x += v->sx;
              bin->sum_y += v->sy;
              cats[(gsize) v->bin * self->n_colours + colour_slot (self, p->category)]++;
            }
        }
    }

  g_array_set_size (self->visible, n_out);
}

static void
bd_report_layer_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  BdReportLayer *self = BD_REPORT_LAYER (widget);
  View view;
  gboolean clustering;
  double bin_x0 = 0, bin_y0 = 0;
  guint bin_cols = 0, bin_rows = 0, n_bins = 0;
  const Visible *visible;
  guint n_visible;

  self->n_drawn = 0;
  g_array_set_size (self->clusters, 0);

  if (self->n_points == 0 || !get_view (self, &view))
    return;

  ensure_scale (self);

  clustering = view.zoom < CLUSTER_MAX_ZOOM;
  if (clustering)
    {
      double margin = MAX_EXTENT;

      bin_x0 = floor ((view.cx - view.half_w - margin) / CLUSTER_CELL);
      bin_y0 = floor ((view.cy - view.half_h - margin) / CLUSTER_CELL);
      bin_cols = (guint) ceil ((view.cx + view.half_w + margin) / CLUSTER_CELL - bin_x0) + 1;
      bin_rows = (guint) ceil ((view.cy + view.half_h + margin) / CLUSTER_CELL - bin_y0) + 1;
      n_bins = bin_cols * bin_rows;

      g_array_set_size (self->bins, n_bins);
      memset (self->bins->data, 0, sizeof (Bin) * n_bins);
      g_array_set_size (self->bin_cats, (gsize) n_bins * self->n_colours);
      memset (self->bin_cats->data, 0, sizeof (guint32) * n_bins * self->n_colours);
    }

  collect_visible (self, &view, clustering, bin_x0, bin_y0, bin_cols, bin_rows);
  visible = (const Visible *) (void *) self->visible->data;
  n_visible = self->visible->len;

  if (clustering)
    {
      const Bin *bins = (const Bin *) (void *) self->bins->data;
      const guint32 *cats = (const guint32 *) (void *) self->bin_cats->data;
      guint n_clusters = 0;

      /* Points of small bins are drawn one by one. */
      g_array_set_size (self->individual, 0);
      for (guint i = 0; i < n_visible; i++)
        if (bins[visible[i].bin].count < CLUSTER_MIN)
          g_array_append_val (self->individual, visible[i]);

      draw_dots (self, snapshot, &view,
                 (const Visible *) (void *) self->individual->data, self->individual->len);
      self->n_drawn += self->individual->len;

      self->clusters_zoom = view.zoom;
      for (guint b = 0; b < n_bins; b++)
        {
          DrawnCluster cluster;
          double sx, sy, dx, dy;

          if (bins[b].count < CLUSTER_MIN)
            continue;

          sx = bins[b].sum_x / bins[b].count;
          sy = bins[b].sum_y / bins[b].count;
          draw_cluster (self, snapshot, &bins[b], &cats[(gsize) b * self->n_colours], sx, sy);
          n_clusters++;

          widget_to_view (&view, sx, sy, &dx, &dy);
          cluster.x = (view.cx + dx) / view.world;
          cluster.y = (view.cy + dy) / view.world;
          cluster.radius = (float) cluster_radius[cluster_size_slot (bins[b].count)];
          cluster.count = bins[b].count;
          g_array_append_val (self->clusters, cluster);
        }
      self->n_drawn += n_clusters;
    }
  else
    {
      draw_dots (self, snapshot, &view, visible, n_visible);
      self->n_drawn += n_visible;
    }

  /* The selected report, ringed, above everything. */
  if (self->selected_idx >= 0)
    {
      const BdPoint *p = &self->sorted[self->selected_idx];
      guint sev = severity_slot (p->severity);
      double sx, sy;

      view_to_widget (&view, p->x * view.world - view.cx, p->y * view.world - view.cy, &sx, &sy);
      if (sx > -MAX_EXTENT && sx < view.width + MAX_EXTENT
          && sy > -MAX_EXTENT && sy < view.height + MAX_EXTENT)
        {
          append_sprite (snapshot, get_dot_sprite (self, colour_slot (self, p->category), sev),
                         self->sprite_scale, sx, sy);
          append_sprite (snapshot, get_ring_sprite (self, sev), self->sprite_scale, sx, sy);
        }
    }
}

/* ------------------------------------------------------------- points */

static gint64
find_rowid (BdReportLayer *self,
            gint64         rowid)
{
  if (rowid == 0)
    return -1;

  for (guint i = 0; i < self->n_points; i++)
    if (self->sorted[i].rowid == rowid)
      return i;

  return -1;
}

void
bd_report_layer_set_points (BdReportLayer *self,
                            GArray        *points)
{
  const BdPoint *src;
  guint n, side, n_cells;
  double max_x, max_y;
  guint32 *fill;
  guint old_n;

  g_return_if_fail (BD_IS_REPORT_LAYER (self));
  g_return_if_fail (points == NULL || g_array_get_element_size (points) == sizeof (BdPoint));

  old_n = self->n_points;

  g_clear_pointer (&self->sorted, g_free);
  g_clear_pointer (&self->cell_start, g_free);
  self->n_points = 0;
  self->grid_side = 0;

  n = points != NULL ? points->len : 0;
  if (n == 0)
    goto done;

  src = (const BdPoint *) (void *) points->data;

  self->min_x = self->min_y = G_MAXDOUBLE;
  max_x = max_y = -G_MAXDOUBLE;
  for (guint i = 0; i < n; i++)
    {
      self->min_x = MIN (self->min_x, src[i].x);
      self->min_y = MIN (self->min_y, src[i].y);
      max_x = MAX (max_x, src[i].x);
      max_y = MAX (max_y, src[i].y);
    }

  /* About eight points a cell. */
  side = (guint) CLAMP (sqrt (n / 8.0), 1.0, (double) MAX_GRID_SIDE);
  n_cells = side * side;
  self->grid_side = side;
  self->inv_cell_w = side / MAX (max_x - self->min_x, 1e-12);
  self->inv_cell_h = side / MAX (max_y - self->min_y, 1e-12);

  /* Counting sort by cell, row-major, so a grid row's cells are adjacent. */
  self->cell_start = g_new0 (guint32, n_cells + 1);
  for (guint i = 0; i < n; i++)
    self->cell_start[grid_row (self, src[i].y) * side + grid_col (self, src[i].x) + 1]++;
  for (guint c = 0; c < n_cells; c++)
    self->cell_start[c + 1] += self->cell_start[c];

  fill = g_memdup2 (self->cell_start, sizeof (guint32) * n_cells);
  self->sorted = g_new (BdPoint, n);
  for (guint i = 0; i < n; i++)
    {
      guint cell = grid_row (self, src[i].y) * side + grid_col (self, src[i].x);

      self->sorted[fill[cell]++] = src[i];
    }
  g_free (fill);

  self->n_points = n;

done:
  self->selected_idx = find_rowid (self, self->selected);

  if (old_n != self->n_points)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_POINTS]);

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
bd_report_layer_get_n_points (BdReportLayer *self)
{
  g_return_val_if_fail (BD_IS_REPORT_LAYER (self), 0);

  return self->n_points;
}

guint
bd_report_layer_get_n_drawn (BdReportLayer *self)
{
  g_return_val_if_fail (BD_IS_REPORT_LAYER (self), 0);

  return self->n_drawn;
}

gint64
bd_report_layer_pick (BdReportLayer *self,
                      double         x,
                      double         y,
                      double         radius)
{
  View view;
  double dx, dy, wx, wy, r, best_d2;
  guint c0, c1, r0, r1;
  gint64 best = -1;

  g_return_val_if_fail (BD_IS_REPORT_LAYER (self), 0);

  if (self->n_points == 0 || radius < 0 || !get_view (self, &view))
    return 0;

  widget_to_view (&view, x, y, &dx, &dy);
  wx = (view.cx + dx) / view.world;
  wy = (view.cy + dy) / view.world;
  r = radius / view.world;
  best_d2 = radius * radius;

  c0 = grid_col (self, wx - r);
  c1 = grid_col (self, wx + r);
  r0 = grid_row (self, wy - r);
  r1 = grid_row (self, wy + r);

  for (guint row = r0; row <= r1; row++)
    {
      guint32 start = self->cell_start[row * self->grid_side + c0];
      guint32 end = self->cell_start[row * self->grid_side + c1 + 1];

      for (guint32 i = start; i < end; i++)
        {
          const BdPoint *p = &self->sorted[i];
          double px = (p->x - wx) * view.world;
          double py = (p->y - wy) * view.world;
          double d2 = px * px + py * py;

          /* Ties go to the more severe report, drawn on top. */
          if (d2 < best_d2
              || (d2 <= best_d2 && best >= 0 && p->severity > self->sorted[best].severity)
              || (d2 <= best_d2 && best < 0))
            {
              best_d2 = d2;
              best = i;
            }
        }
    }

  return best >= 0 ? self->sorted[best].rowid : 0;
}

gboolean
bd_report_layer_pick_cluster (BdReportLayer *self,
                              double         x,
                              double         y,
                              guint         *n_reports,
                              double        *latitude,
                              double        *longitude)
{
  View view;
  const DrawnCluster *best = NULL;
  double best_d2 = G_MAXDOUBLE;

  g_return_val_if_fail (BD_IS_REPORT_LAYER (self), FALSE);

  if (self->clusters->len == 0 || !get_view (self, &view)
      || fabs (view.zoom - self->clusters_zoom) > 1e-9)
    return FALSE;

  for (guint i = 0; i < self->clusters->len; i++)
    {
      const DrawnCluster *c = &g_array_index (self->clusters, DrawnCluster, i);
      double sx, sy, d2;

      view_to_widget (&view, c->x * view.world - view.cx, c->y * view.world - view.cy, &sx, &sy);
      d2 = (sx - x) * (sx - x) + (sy - y) * (sy - y);
      if (d2 <= (c->radius + 2.0) * (c->radius + 2.0) && d2 < best_d2)
        {
          best = c;
          best_d2 = d2;
        }
    }

  if (best == NULL)
    return FALSE;

  if (n_reports != NULL)
    *n_reports = best->count;
  if (longitude != NULL)
    *longitude = best->x * 360.0 - 180.0;
  if (latitude != NULL)
    *latitude = atan (sinh (G_PI * (1.0 - 2.0 * best->y))) * 180.0 / G_PI;

  return TRUE;
}

void
bd_report_layer_set_selected (BdReportLayer *self,
                              gint64         rowid)
{
  g_return_if_fail (BD_IS_REPORT_LAYER (self));

  if (self->selected == rowid)
    return;

  self->selected = rowid;
  self->selected_idx = find_rowid (self, rowid);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

gint64
bd_report_layer_get_selected (BdReportLayer *self)
{
  g_return_val_if_fail (BD_IS_REPORT_LAYER (self), 0);

  return self->selected;
}

void
_bd_report_layer_set_draw_mode (BdReportLayer         *self,
                                BdReportLayerDrawMode  mode)
{
  g_return_if_fail (BD_IS_REPORT_LAYER (self));

  self->draw_mode = mode;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* -------------------------------------------------------------- store */

static void
on_points_loaded_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(BdReportLayer) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) points = NULL;

  points = bd_store_load_points_finish (BD_STORE (object), result, &error);
  self->loading = FALSE;

  /* Disposed meanwhile. */
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  if (points == NULL)
    g_warning ("Cannot load the reports for the map: %s", error->message);
  else
    bd_report_layer_set_points (self, points);

  if (self->reload_pending)
    {
      self->reload_pending = FALSE;
      load_points (self);
    }
}

static void
load_points (BdReportLayer *self)
{
  if (self->store == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;

  /* One load at a time; changes during a load cause one more. */
  if (self->loading)
    {
      self->reload_pending = TRUE;
      return;
    }

  self->loading = TRUE;
  bd_store_load_points_async (self->store, self->cancellable, on_points_loaded_cb,
                              g_object_ref (self));
}

static gboolean
reload_timeout_cb (gpointer user_data)
{
  BdReportLayer *self = user_data;

  self->reload_source = 0;
  load_points (self);

  return G_SOURCE_REMOVE;
}

/* On the main thread. */
static gboolean
schedule_reload_cb (gpointer user_data)
{
  BdReportLayer *self = user_data;

  if (self->store != NULL && self->reload_source == 0
      && !g_cancellable_is_cancelled (self->cancellable))
    self->reload_source = g_timeout_add (RELOAD_DELAY_MS, reload_timeout_cb, self);

  return G_SOURCE_REMOVE;
}

/* "changed" comes on the thread that made the change: hop to ours. */
static void
on_store_changed_cb (BdStore       *store,
                     BdStoreChange  change,
                     const char    *report_id,
                     gint64         rowid,
                     gpointer       user_data)
{
  BdReportLayer *self = user_data;

  g_main_context_invoke_full (self->main_context, G_PRIORITY_DEFAULT, schedule_reload_cb,
                              g_object_ref (self), g_object_unref);
}

/* ------------------------------------------------------------ GObject */

static void
on_viewport_notify_cb (BdReportLayer *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

BdReportLayer *
bd_report_layer_new (ShumateViewport *viewport,
                     BdStore         *store)
{
  g_return_val_if_fail (SHUMATE_IS_VIEWPORT (viewport), NULL);
  g_return_val_if_fail (store == NULL || BD_IS_STORE (store), NULL);

  return g_object_new (BD_TYPE_REPORT_LAYER,
                       "viewport", viewport,
                       "store", store,
                       NULL);
}

static void
bd_report_layer_constructed (GObject *object)
{
  BdReportLayer *self = BD_REPORT_LAYER (object);
  ShumateViewport *viewport;

  G_OBJECT_CLASS (bd_report_layer_parent_class)->constructed (object);

  viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  g_signal_connect_object (viewport, "notify", G_CALLBACK (on_viewport_notify_cb), self,
                           G_CONNECT_SWAPPED);

  if (self->store != NULL)
    {
      self->changed_handler = g_signal_connect (self->store, "changed",
                                                G_CALLBACK (on_store_changed_cb), self);
      load_points (self);
    }
}

static void
bd_report_layer_dispose (GObject *object)
{
  BdReportLayer *self = BD_REPORT_LAYER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  if (self->store != NULL)
    g_clear_signal_handler (&self->changed_handler, self->store);
  g_clear_object (&self->store);
  clear_sprites (self);

  G_OBJECT_CLASS (bd_report_layer_parent_class)->dispose (object);
}

static void
bd_report_layer_finalize (GObject *object)
{
  BdReportLayer *self = BD_REPORT_LAYER (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->main_context, g_main_context_unref);
  g_clear_pointer (&self->sorted, g_free);
  g_clear_pointer (&self->cell_start, g_free);
  g_clear_pointer (&self->visible, g_array_unref);
  g_clear_pointer (&self->individual, g_array_unref);
  g_clear_pointer (&self->bins, g_array_unref);
  g_clear_pointer (&self->clusters, g_array_unref);
  g_clear_pointer (&self->bin_cats, g_array_unref);
  g_clear_pointer (&self->colours, g_free);
  g_clear_pointer (&self->dot_sprites, g_free);
  g_clear_pointer (&self->label_font.scratch, pango_glyph_string_free);
  g_clear_pointer (&self->cluster_sprites, g_free);

  G_OBJECT_CLASS (bd_report_layer_parent_class)->finalize (object);
}

static void
bd_report_layer_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  BdReportLayer *self = BD_REPORT_LAYER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_SELECTED:
      g_value_set_int64 (value, self->selected);
      break;
    case PROP_N_POINTS:
      g_value_set_uint (value, self->n_points);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_report_layer_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  BdReportLayer *self = BD_REPORT_LAYER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_SELECTED:
      bd_report_layer_set_selected (self, g_value_get_int64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_report_layer_css_changed (GtkWidget         *widget,
                             GtkCssStyleChange *change)
{
  BdReportLayer *self = BD_REPORT_LAYER (widget);

  GTK_WIDGET_CLASS (bd_report_layer_parent_class)->css_changed (widget, change);

  /* The font may have changed. */
  clear_glyphs (self);
}

static void
bd_report_layer_system_setting_changed (GtkWidget        *widget,
                                        GtkSystemSetting  setting)
{
  BdReportLayer *self = BD_REPORT_LAYER (widget);

  GTK_WIDGET_CLASS (bd_report_layer_parent_class)->system_setting_changed (widget, setting);

  clear_glyphs (self);
  gtk_widget_queue_draw (widget);
}

static void
bd_report_layer_class_init (BdReportLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = bd_report_layer_constructed;
  object_class->dispose = bd_report_layer_dispose;
  object_class->finalize = bd_report_layer_finalize;
  object_class->get_property = bd_report_layer_get_property;
  object_class->set_property = bd_report_layer_set_property;

  widget_class->snapshot = bd_report_layer_snapshot;
  widget_class->css_changed = bd_report_layer_css_changed;
  widget_class->system_setting_changed = bd_report_layer_system_setting_changed;

  /**
   * BdReportLayer:store:
   *
   * The store the points load from (on a worker thread), or %NULL when they
   * are set by hand.
   */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         BD_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * BdReportLayer:selected:
   *
   * The rowid of the highlighted report, 0 for none.
   */
  properties[PROP_SELECTED] =
    g_param_spec_int64 ("selected", NULL, NULL,
                        0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BdReportLayer:n-points:
   *
   * How many reports the layer holds (notified when points are loaded).
   */
  properties[PROP_N_POINTS] =
    g_param_spec_uint ("n-points", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "report-layer");
}

static void
bd_report_layer_init (BdReportLayer *self)
{
  const BdCategory *categories;
  guint n_categories = 0;

  self->cancellable = g_cancellable_new ();
  self->main_context = g_main_context_ref_thread_default ();
  self->selected_idx = -1;
  self->draw_mode = BD_REPORT_LAYER_DRAW_SPRITES;

  self->visible = g_array_new (FALSE, FALSE, sizeof (Visible));
  self->individual = g_array_new (FALSE, FALSE, sizeof (Visible));
  self->bins = g_array_new (FALSE, FALSE, sizeof (Bin));
  self->clusters = g_array_new (FALSE, FALSE, sizeof (DrawnCluster));
  self->bin_cats = g_array_new (FALSE, FALSE, sizeof (guint32));

  /* The catalogue's colours, parsed once; the last slot is for an unknown
   * category index. */
  categories = bd_catalog_get_categories (&n_categories);
  self->n_colours = n_categories + 1;
  self->colours = g_new (GdkRGBA, self->n_colours);
  for (guint i = 0; i < n_categories; i++)
    if (categories[i].color == NULL || !gdk_rgba_parse (&self->colours[i], categories[i].color))
      self->colours[i] = unknown_colour;
  self->colours[n_categories] = unknown_colour;

  self->dot_sprites = g_new0 (GdkTexture *, self->n_colours * N_SEVERITIES);
  self->label_font.scratch = pango_glyph_string_new ();
  self->cluster_sprites = g_new0 (GdkTexture *, self->n_colours * N_CLUSTER_SIZES);
}
