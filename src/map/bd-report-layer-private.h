/* bd-report-layer-private.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What the report layer's two files share: bd-report-layer.c (the points,
 * the filter, the time, picking) and bd-report-layer-draw.c (the sprites,
 * the count labels, snapshot()). */

#pragma once

#include <math.h>

#include "bd-cluster.h"
#include "bd-report-layer.h"

G_BEGIN_DECLS

#define N_SEVERITIES     4
#define N_CLUSTER_SIZES  4
#define N_GLYPHS         11      /* 0–9 and "k" */

typedef struct
{
  float   sx, sy;              /* widget coordinates */
  guint32 idx;                 /* in self->shown */
} Visible;

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
  double  x, y;                /* centre, Web Mercator [0,1) */
  float   radius;              /* px */
  guint   count;
  guint32 id;                  /* in the index, at zoom */
  guint   zoom;
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

  /* Every report loaded; those the filter keeps, in rowid order; their
   * clusters. */
  GArray        *points;       /* BdPoint, rowid order */
  BdPoint       *shown;
  guint          n_shown;
  BdClusterIndex *index;
  gint64         as_of;
  /* issue 10: the time the points are loaded as of (report_versions),
   * G_MAXINT64: the live points (bd_report_layer_set_time) */
  gint64         points_as_of;

  /* The filter: a query the store runs (NULL members: any). */
  char          *ward;
  char          *category;
  char          *status;
  char          *text;
  GCancellable  *filter_cancellable;
  guint          filter_source;
  guint          filter_serial;
  gboolean       filtering;    /* a filter query or the clusters are on their way */
  gboolean       filter_pending; /* a filter query is on its way */
  gboolean       show_pending; /* points are clustered on a worker */
  guint          show_serial;
  guint          inline_max;   /* more points are clustered on a worker */

  gint64         selected;
  gint64         selected_idx; /* in shown, or -1 */

  /* Per-frame scratch, kept between frames. */
  GArray        *items;        /* BdClusterItem */
  GArray        *individual;   /* Visible */
  guint          n_drawn;
  guint          n_drawn_reports;
  GArray        *clusters;     /* DrawnCluster, of the last frame */
  double         clusters_zoom;

  /* Colours and sprites. */
  GdkRGBA       *colours;      /* per category, then one for unknown */
  guint          n_colours;
  int            sprite_scale;
  GdkTexture   **dot_sprites;        /* 2 (open, closed) × n_colours × N_SEVERITIES */
  GdkTexture   **cluster_sprites;    /* n_colours × N_CLUSTER_SIZES */
  GdkTexture    *ring_sprites[N_SEVERITIES];
  LabelFont      label_font;

  BdReportLayerDrawMode draw_mode;
};

/* bd-report-layer.c */
gboolean _bd_report_layer_get_view       (BdReportLayer *self,
                                          View          *view);
/* Widget coordinates → world px relative to the centre. */
void     _bd_report_layer_widget_to_view (const View    *view,
                                          double         sx,
                                          double         sy,
                                          double        *dx,
                                          double        *dy);

/* World px relative to the centre → widget coordinates. */
static inline void
_bd_report_layer_view_to_widget (const View *view,
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

/* bd-report-layer-draw.c */
void     _bd_report_layer_snapshot       (GtkWidget     *widget,
                                          GtkSnapshot   *snapshot);
void     _bd_report_layer_clear_sprites  (BdReportLayer *self);
void     _bd_report_layer_clear_glyphs   (BdReportLayer *self);

G_END_DECLS
