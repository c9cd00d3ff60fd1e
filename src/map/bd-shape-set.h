/* bd-shape-set.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gdk/gdk.h>
#include <cairo.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Shapes drawn on the map as tiles (shelters, areas, road closures,
 * alerts): GeoJSON geometries projected once to Web Mercator, each with a
 * style, drawn with Cairo into one tile at a time, from any thread.
 *
 * A set is built on one thread (bd_shape_set_add_geojson ()), sealed, and
 * from then on only read: a BdShapeLayer renders its tiles in worker
 * threads from the sealed set it holds, and a new set replaces it. */

#define BD_SHAPE_ERROR (bd_shape_error_quark ())

typedef enum
{
  BD_SHAPE_ERROR_INVALID,     /* not a geometry we draw, bad coordinates */
  BD_SHAPE_ERROR_TOO_LARGE,   /* more vertices or parts than allowed */
} BdShapeError;

/* A geometry may hold at most this many vertices (a million-vertex
 * polygon is refused) and this many parts (rings, lines, points). */
#define BD_SHAPE_MAX_VERTICES 100000
#define BD_SHAPE_MAX_PARTS    10000

typedef enum
{
  BD_SYMBOL_CIRCLE,
  BD_SYMBOL_SQUARE,
  BD_SYMBOL_TRIANGLE,
  BD_SYMBOL_DIAMOND,
} BdSymbol;

typedef struct
{
  GdkRGBA  fill;           /* polygons and symbols; alpha 0: no fill */
  GdkRGBA  stroke;         /* outlines and lines; alpha 0: no stroke */
  double   stroke_width;   /* px */
  GdkRGBA  casing;         /* drawn under a line, wider by casing_width each side */
  double   casing_width;   /* px; 0: no casing */
  double   dash;           /* px; 0: solid */
  gboolean hatch;          /* polygons: diagonal hatching in the stroke colour */
  BdSymbol symbol;         /* points */
  double   symbol_size;    /* px, the symbol's width */
} BdShapeStyle;

typedef struct _BdShapeSet BdShapeSet;

GQuark      bd_shape_error_quark      (void);

BdShapeSet *bd_shape_set_new          (void);
BdShapeSet *bd_shape_set_ref          (BdShapeSet         *self);
void        bd_shape_set_unref        (BdShapeSet         *self);

/* Adds the GeoJSON @geometry (Point, LineString, Polygon and their Multi*
 * forms; RFC 7946 lon,lat order) as the shape @id, drawn with @style, in
 * drawing order @order (higher on top; within one order polygons, then
 * lines, then points). Refuses (nothing added) non-finite or out-of-range
 * coordinates, rings of fewer than 4 positions, and geometries over the
 * bounds above. Only before bd_shape_set_seal (). */
gboolean    bd_shape_set_add_geojson  (BdShapeSet         *self,
                                       const char         *id,
                                       JsonNode           *geometry,
                                       const BdShapeStyle *style,
                                       int                 order,
                                       GError            **error);
/* Sorts the shapes into drawing order; the set is read-only afterwards. */
void        bd_shape_set_seal         (BdShapeSet         *self);
guint       bd_shape_set_get_n_shapes (BdShapeSet         *self);

/* Draws tile @x,@y of zoom @zoom (@size px square) onto @cr, whose
 * origin is the tile's top-left corner. Returns FALSE when no shape
 * touches the tile (nothing drawn). Thread-safe on a sealed set. */
gboolean    bd_shape_set_draw_tile    (BdShapeSet         *self,
                                       cairo_t            *cr,
                                       guint               zoom,
                                       guint               x,
                                       guint               y,
                                       guint               size);

/* The id of the topmost shape under the Web Mercator point @mx,@my
 * ([0,1]), within @tolerance world units for points and lines (a
 * polygon must contain the point), or NULL. */
const char *bd_shape_set_pick         (BdShapeSet         *self,
                                       double              mx,
                                       double              my,
                                       double              tolerance);

/* Calls @func with the Web Mercator box of every shape that differs
 * between @old and @new (added, removed, or changed in geometry or
 * style): what must be drawn again. */
typedef void (*BdShapeBoxFunc) (double   min_x,
                                 double   min_y,
                                 double   max_x,
                                 double   max_y,
                                 gpointer user_data);
void        bd_shape_set_diff         (BdShapeSet         *old,
                                       BdShapeSet         *new,
                                       BdShapeBoxFunc      func,
                                       gpointer            user_data);

/* The largest distance, in px, that anything drawn reaches beyond its
 * geometry (half a stroke with its casing, half a symbol). */
double      bd_shape_set_get_margin   (BdShapeSet         *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdShapeSet, bd_shape_set_unref)

G_END_DECLS
