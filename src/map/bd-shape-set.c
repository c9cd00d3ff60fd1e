/* bd-shape-set.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-shape-set"

#include "config.h"

#include "bd-shape-set.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "bd-geo.h"

/* Hatching: one diagonal line every this many px. */
#define HATCH_SPACING 8.0
#define HATCH_WIDTH 1.5
/* Consecutive vertices closer than this (px) are drawn as one. */
#define MIN_STEP_PX 0.5

typedef enum
{
  KIND_POLYGON,     /* drawn first within an order */
  KIND_LINE,
  KIND_POINT,
} Kind;

typedef struct
{
  char         *id;
  Kind          kind;
  int           order;
  guint         index;        /* insertion order: ties keep it */
  BdShapeStyle  style;
  guint         n_parts;
  guint        *part_end;     /* vertex index just after each part */
  double       *xy;           /* x, y pairs in Web Mercator [0,1] */
  double        min_x, min_y, max_x, max_y;
  guint64       hash;         /* geometry and style, for bd_shape_set_diff () */
} Shape;

struct _BdShapeSet
{
  gatomicrefcount  ref_count;
  GPtrArray       *shapes;    /* Shape*, in drawing order once sealed */
  GHashTable      *by_id;     /* id → Shape* */
  gboolean         sealed;
  double           margin;
};

G_DEFINE_QUARK (bd-shape-error-quark, bd_shape_error)

static void
shape_free (Shape *shape)
{
  g_free (shape->id);
  g_free (shape->part_end);
  g_free (shape->xy);
  g_free (shape);
}

BdShapeSet *
bd_shape_set_new (void)
{
  BdShapeSet *self = g_new0 (BdShapeSet, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->shapes = g_ptr_array_new_with_free_func ((GDestroyNotify) shape_free);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  return self;
}

BdShapeSet *
bd_shape_set_ref (BdShapeSet *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
bd_shape_set_unref (BdShapeSet *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_hash_table_unref (self->by_id);
  g_ptr_array_unref (self->shapes);
  g_free (self);
}

/* ------------------------------------------------------------ reading */

typedef struct
{
  GArray *xy;          /* double */
  GArray *part_end;    /* guint */
} Builder;

static gboolean
set_invalid (GError    **error,
             const char *message)
{
  g_set_error_literal (error, BD_SHAPE_ERROR, BD_SHAPE_ERROR_INVALID, message);
  return FALSE;
}

static gboolean
read_position (Builder   *b,
               JsonNode  *node,
               GError   **error)
{
  JsonArray *array;
  JsonNode *lon_node, *lat_node;
  double lon, lat, x, y;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) ||
      json_array_get_length (array = json_node_get_array (node)) < 2)
    return set_invalid (error, _("A position is not a pair of numbers"));

  lon_node = json_array_get_element (array, 0);
  lat_node = json_array_get_element (array, 1);
  if (json_node_get_value_type (lon_node) != G_TYPE_DOUBLE &&
      json_node_get_value_type (lon_node) != G_TYPE_INT64)
    return set_invalid (error, _("A position is not a pair of numbers"));
  if (json_node_get_value_type (lat_node) != G_TYPE_DOUBLE &&
      json_node_get_value_type (lat_node) != G_TYPE_INT64)
    return set_invalid (error, _("A position is not a pair of numbers"));

  lon = json_node_get_double (lon_node);
  lat = json_node_get_double (lat_node);
  if (!isfinite (lon) || !isfinite (lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90)
    return set_invalid (error, _("A position is outside the range of longitude and latitude"));

  if (b->xy->len / 2 >= BD_SHAPE_MAX_VERTICES)
    {
      g_set_error (error, BD_SHAPE_ERROR, BD_SHAPE_ERROR_TOO_LARGE,
                   _("The shape has more than %d vertices"), BD_SHAPE_MAX_VERTICES);
      return FALSE;
    }

  x = bd_geo_mercator_x (lon);
  y = bd_geo_mercator_y (lat);
  g_array_append_val (b->xy, x);
  g_array_append_val (b->xy, y);
  return TRUE;
}

static gboolean
end_part (Builder  *b,
          GError  **error)
{
  guint end = b->xy->len / 2;

  if (b->part_end->len >= BD_SHAPE_MAX_PARTS)
    {
      g_set_error (error, BD_SHAPE_ERROR, BD_SHAPE_ERROR_TOO_LARGE,
                   _("The shape has more than %d parts"), BD_SHAPE_MAX_PARTS);
      return FALSE;
    }
  g_array_append_val (b->part_end, end);
  return TRUE;
}

/* An array of positions as one part: a line (at least 2) or a ring (at
 * least 4, the last equal to the first). */
static gboolean
read_positions (Builder   *b,
                JsonNode  *node,
                guint      min_positions,
                gboolean   ring,
                GError   **error)
{
  JsonArray *array;
  guint i, n, start = b->xy->len;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return set_invalid (error, _("The coordinates are not an array of positions"));
  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (n < min_positions)
    return set_invalid (error, ring ? _("A ring has fewer than four positions")
                                    : _("A line has fewer than two positions"));

  for (i = 0; i < n; i++)
    if (!read_position (b, json_array_get_element (array, i), error))
      return FALSE;

  if (ring)
    {
      double *xy = (double *) b->xy->data;

      if (xy[start] != xy[b->xy->len - 2] || xy[start + 1] != xy[b->xy->len - 1])
        return set_invalid (error, _("A ring does not end where it starts"));
    }
  return end_part (b, error);
}

static gboolean
read_polygon (Builder   *b,
              JsonNode  *node,
              GError   **error)
{
  JsonArray *rings;
  guint i;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) ||
      json_array_get_length (rings = json_node_get_array (node)) == 0)
    return set_invalid (error, _("A polygon has no rings"));
  for (i = 0; i < json_array_get_length (rings); i++)
    if (!read_positions (b, json_array_get_element (rings, i), 4, TRUE, error))
      return FALSE;
  return TRUE;
}

static guint64
hash_bytes (guint64       hash,
            gconstpointer data,
            gsize         length)
{
  const guint8 *p = data;
  gsize i;

  /* FNV-1a */
  for (i = 0; i < length; i++)
    {
      hash ^= p[i];
      hash *= G_GUINT64_CONSTANT (1099511628211);
    }
  return hash;
}

gboolean
bd_shape_set_add_geojson (BdShapeSet         *self,
                          const char         *id,
                          JsonNode           *geometry,
                          const BdShapeStyle *style,
                          int                 order,
                          GError            **error)
{
  g_autoptr(GArray) xy = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) part_end = g_array_new (FALSE, FALSE, sizeof (guint));
  Builder b = { xy, part_end };
  JsonObject *object;
  JsonNode *coordinates;
  const char *type;
  Kind kind;
  gboolean ok = FALSE;
  Shape *shape;
  guint i;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (!self->sealed, FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (style != NULL, FALSE);

  if (geometry == NULL || !JSON_NODE_HOLDS_OBJECT (geometry))
    return set_invalid (error, _("The geometry is not an object"));
  object = json_node_get_object (geometry);
  type = json_object_get_string_member_with_default (object, "type", "");
  coordinates = json_object_get_member (object, "coordinates");
  if (coordinates == NULL || !JSON_NODE_HOLDS_ARRAY (coordinates))
    {
      g_set_error (error, BD_SHAPE_ERROR, BD_SHAPE_ERROR_INVALID,
                   _("The geometry “%s” has no coordinates"), type);
      return FALSE;
    }

  if (strcmp (type, "Point") == 0)
    {
      kind = KIND_POINT;
      ok = read_position (&b, coordinates, error) && end_part (&b, error);
    }
  else if (strcmp (type, "MultiPoint") == 0)
    {
      JsonArray *array = json_node_get_array (coordinates);

      kind = KIND_POINT;
      ok = json_array_get_length (array) > 0 || set_invalid (error, _("The geometry is empty"));
      for (i = 0; ok && i < json_array_get_length (array); i++)
        ok = read_position (&b, json_array_get_element (array, i), error) && end_part (&b, error);
    }
  else if (strcmp (type, "LineString") == 0)
    {
      kind = KIND_LINE;
      ok = read_positions (&b, coordinates, 2, FALSE, error);
    }
  else if (strcmp (type, "MultiLineString") == 0)
    {
      JsonArray *array = json_node_get_array (coordinates);

      kind = KIND_LINE;
      ok = json_array_get_length (array) > 0 || set_invalid (error, _("The geometry is empty"));
      for (i = 0; ok && i < json_array_get_length (array); i++)
        ok = read_positions (&b, json_array_get_element (array, i), 2, FALSE, error);
    }
  else if (strcmp (type, "Polygon") == 0)
    {
      kind = KIND_POLYGON;
      ok = read_polygon (&b, coordinates, error);
    }
  else if (strcmp (type, "MultiPolygon") == 0)
    {
      JsonArray *array = json_node_get_array (coordinates);

      kind = KIND_POLYGON;
      ok = json_array_get_length (array) > 0 || set_invalid (error, _("The geometry is empty"));
      for (i = 0; ok && i < json_array_get_length (array); i++)
        ok = read_polygon (&b, json_array_get_element (array, i), error);
    }
  else
    {
      g_set_error (error, BD_SHAPE_ERROR, BD_SHAPE_ERROR_INVALID,
                   _("“%s” is not a geometry the map draws"), type);
      return FALSE;
    }
  if (!ok)
    return FALSE;

  shape = g_new0 (Shape, 1);
  shape->id = g_strdup (id);
  shape->kind = kind;
  shape->order = order;
  shape->index = self->shapes->len;
  shape->style = *style;
  shape->n_parts = part_end->len;
  shape->part_end = (guint *) g_array_free (g_steal_pointer (&part_end), FALSE);
  shape->min_x = shape->min_y = G_MAXDOUBLE;
  shape->max_x = shape->max_y = -G_MAXDOUBLE;
  for (i = 0; i < xy->len; i += 2)
    {
      double x = g_array_index (xy, double, i), y = g_array_index (xy, double, i + 1);

      shape->min_x = MIN (shape->min_x, x);
      shape->max_x = MAX (shape->max_x, x);
      shape->min_y = MIN (shape->min_y, y);
      shape->max_y = MAX (shape->max_y, y);
    }
  shape->hash = hash_bytes (G_GUINT64_CONSTANT (14695981039346656037), xy->data,
                            xy->len * sizeof (double));
  shape->hash = hash_bytes (shape->hash, shape->part_end, shape->n_parts * sizeof (guint));
  shape->hash = hash_bytes (shape->hash, &shape->style, sizeof shape->style);
  shape->hash = hash_bytes (shape->hash, &shape->order, sizeof shape->order);
  shape->xy = (double *) g_array_free (g_steal_pointer (&xy), FALSE);

  /* a second shape of the same id replaces the first in lookups */
  g_hash_table_insert (self->by_id, shape->id, shape);
  g_ptr_array_add (self->shapes, shape);
  return TRUE;
}

static int
compare_shapes (gconstpointer a,
                gconstpointer b)
{
  const Shape *sa = *(Shape * const *) a;
  const Shape *sb = *(Shape * const *) b;

  if (sa->order != sb->order)
    return sa->order < sb->order ? -1 : 1;
  if (sa->kind != sb->kind)
    return sa->kind < sb->kind ? -1 : 1;
  return sa->index < sb->index ? -1 : sa->index > sb->index;
}

static double
shape_margin (const Shape *shape)
{
  const BdShapeStyle *s = &shape->style;

  if (shape->kind == KIND_POINT)
    return s->symbol_size / 2.0 + s->stroke_width + 1.0;
  return s->stroke_width / 2.0 + s->casing_width + 1.0;
}

void
bd_shape_set_seal (BdShapeSet *self)
{
  guint i;

  g_return_if_fail (self != NULL);

  if (self->sealed)
    return;
  g_ptr_array_sort (self->shapes, compare_shapes);
  self->margin = 0;
  for (i = 0; i < self->shapes->len; i++)
    self->margin = MAX (self->margin, shape_margin (g_ptr_array_index (self->shapes, i)));
  self->sealed = TRUE;
}

guint
bd_shape_set_get_n_shapes (BdShapeSet *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->shapes->len;
}

double
bd_shape_set_get_margin (BdShapeSet *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->margin;
}

/* ------------------------------------------------------------ drawing */

static void
set_source (cairo_t       *cr,
            const GdkRGBA *rgba)
{
  cairo_set_source_rgba (cr, rgba->red, rgba->green, rgba->blue, rgba->alpha);
}

/* The parts of @shape as Cairo sub-paths, in tile px. */
static void
append_path (cairo_t     *cr,
             const Shape *shape,
             double       world,
             double       ox,
             double       oy,
             gboolean     close)
{
  guint part, v = 0;

  for (part = 0; part < shape->n_parts; part++)
    {
      guint end = shape->part_end[part];
      double lx = 0, ly = 0;
      gboolean first = TRUE;

      for (; v < end; v++)
        {
          double px = shape->xy[2 * v] * world - ox;
          double py = shape->xy[2 * v + 1] * world - oy;

          if (first)
            {
              cairo_move_to (cr, px, py);
              first = FALSE;
            }
          else if (v + 1 == end || fabs (px - lx) + fabs (py - ly) >= MIN_STEP_PX)
            cairo_line_to (cr, px, py);
          else
            continue;
          lx = px;
          ly = py;
        }
      if (close)
        cairo_close_path (cr);
    }
}

/* Diagonal lines continuous from tile to tile: x + y ≡ 0 (mod spacing) in
 * world px. */
static void
draw_hatch (cairo_t       *cr,
            const GdkRGBA *rgba,
            double         ox,
            double         oy,
            guint          size)
{
  double phase = fmod (ox + oy, HATCH_SPACING);
  double k;

  set_source (cr, rgba);
  cairo_set_line_width (cr, HATCH_WIDTH);
  /* lines x + y = c, for c from 0 to 2 * size, shifted by the phase */
  for (k = -phase; k <= 2.0 * size + HATCH_SPACING; k += HATCH_SPACING)
    {
      cairo_move_to (cr, k, 0);
      cairo_line_to (cr, k - size - HATCH_SPACING, size + HATCH_SPACING);
    }
  cairo_stroke (cr);
}

static void
draw_symbol (cairo_t            *cr,
             const BdShapeStyle *s,
             double              px,
             double              py)
{
  double r = s->symbol_size / 2.0;

  switch (s->symbol)
    {
    case BD_SYMBOL_SQUARE:
      cairo_rectangle (cr, px - r, py - r, 2 * r, 2 * r);
      break;
    case BD_SYMBOL_TRIANGLE:
      cairo_move_to (cr, px, py - r);
      cairo_line_to (cr, px + r, py + r * 0.8);
      cairo_line_to (cr, px - r, py + r * 0.8);
      cairo_close_path (cr);
      break;
    case BD_SYMBOL_DIAMOND:
      cairo_move_to (cr, px, py - r);
      cairo_line_to (cr, px + r, py);
      cairo_line_to (cr, px, py + r);
      cairo_line_to (cr, px - r, py);
      cairo_close_path (cr);
      break;
    case BD_SYMBOL_CIRCLE:
    default:
      cairo_new_sub_path (cr);
      cairo_arc (cr, px, py, r, 0, 2 * G_PI);
      break;
    }
  if (s->fill.alpha > 0)
    {
      set_source (cr, &s->fill);
      cairo_fill_preserve (cr);
    }
  if (s->stroke.alpha > 0 && s->stroke_width > 0)
    {
      set_source (cr, &s->stroke);
      cairo_set_line_width (cr, s->stroke_width);
      cairo_stroke_preserve (cr);
    }
  cairo_new_path (cr);
}

static void
set_dash (cairo_t *cr,
          double   dash)
{
  if (dash > 0)
    {
      double dashes[2] = { dash, dash * 0.6 };

      cairo_set_dash (cr, dashes, 2, 0);
    }
  else
    cairo_set_dash (cr, NULL, 0, 0);
}

static void
draw_shape (cairo_t     *cr,
            const Shape *shape,
            double       world,
            double       ox,
            double       oy,
            guint        size)
{
  const BdShapeStyle *s = &shape->style;

  switch (shape->kind)
    {
    case KIND_POLYGON:
      append_path (cr, shape, world, ox, oy, TRUE);
      cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
      if (s->fill.alpha > 0)
        {
          set_source (cr, &s->fill);
          cairo_fill_preserve (cr);
        }
      if (s->hatch && s->stroke.alpha > 0)
        {
          cairo_save (cr);
          cairo_clip (cr);
          set_dash (cr, 0);
          draw_hatch (cr, &s->stroke, ox, oy, size);
          cairo_restore (cr);
          /* the clip and the hatching used the path up: again, for the outline */
          append_path (cr, shape, world, ox, oy, TRUE);
        }
      if (s->stroke.alpha > 0 && s->stroke_width > 0)
        {
          set_dash (cr, s->dash);
          set_source (cr, &s->stroke);
          cairo_set_line_width (cr, s->stroke_width);
          cairo_stroke_preserve (cr);
        }
      cairo_new_path (cr);
      break;

    case KIND_LINE:
      append_path (cr, shape, world, ox, oy, FALSE);
      cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      if (s->casing_width > 0 && s->casing.alpha > 0)
        {
          set_dash (cr, 0);
          set_source (cr, &s->casing);
          cairo_set_line_width (cr, s->stroke_width + 2 * s->casing_width);
          cairo_stroke_preserve (cr);
        }
      if (s->stroke.alpha > 0 && s->stroke_width > 0)
        {
          set_dash (cr, s->dash);
          set_source (cr, &s->stroke);
          cairo_set_line_width (cr, s->stroke_width);
          cairo_stroke_preserve (cr);
        }
      cairo_new_path (cr);
      break;

    case KIND_POINT:
    default:
      {
        guint v;

        set_dash (cr, 0);
        for (v = 0; v < shape->part_end[shape->n_parts - 1]; v++)
          draw_symbol (cr, s, shape->xy[2 * v] * world - ox, shape->xy[2 * v + 1] * world - oy);
      }
      break;
    }
}

gboolean
bd_shape_set_draw_tile (BdShapeSet *self,
                        cairo_t    *cr,
                        guint       zoom,
                        guint       x,
                        guint       y,
                        guint       size)
{
  double world, ox, oy, pad, x0, y0, x1, y1;
  gboolean drawn = FALSE;
  guint i;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->sealed, FALSE);
  g_return_val_if_fail (zoom <= 30 && size > 0, FALSE);

  world = (double) size * exp2 (zoom);
  ox = (double) x * size;
  oy = (double) y * size;
  pad = self->margin / world;
  x0 = ox / world - pad;
  y0 = oy / world - pad;
  x1 = (ox + size) / world + pad;
  y1 = (oy + size) / world + pad;

  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, size, size);
  cairo_clip (cr);
  for (i = 0; i < self->shapes->len; i++)
    {
      const Shape *shape = g_ptr_array_index (self->shapes, i);
      double m = shape_margin (shape) / world;

      if (shape->max_x + m < x0 || shape->min_x - m > x1 ||
          shape->max_y + m < y0 || shape->min_y - m > y1)
        continue;
      draw_shape (cr, shape, world, ox, oy, size);
      drawn = TRUE;
    }
  cairo_restore (cr);
  return drawn;
}

/* -------------------------------------------------------------- picking */

static double
segment_distance (double px, double py,
                  double ax, double ay,
                  double bx, double by)
{
  double dx = bx - ax, dy = by - ay;
  double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;

  t = CLAMP (t, 0.0, 1.0);
  return hypot (px - (ax + t * dx), py - (ay + t * dy));
}

static gboolean
shape_hit (const Shape *shape,
           double       mx,
           double       my,
           double       tolerance)
{
  guint part, v = 0;

  if (mx < shape->min_x - tolerance || mx > shape->max_x + tolerance ||
      my < shape->min_y - tolerance || my > shape->max_y + tolerance)
    return FALSE;

  if (shape->kind == KIND_POINT)
    {
      for (v = 0; v < shape->part_end[shape->n_parts - 1]; v++)
        if (hypot (mx - shape->xy[2 * v], my - shape->xy[2 * v + 1]) <= tolerance)
          return TRUE;
      return FALSE;
    }

  if (shape->kind == KIND_LINE)
    {
      for (part = 0; part < shape->n_parts; part++)
        {
          for (v = v + 1; v < shape->part_end[part]; v++)
            if (segment_distance (mx, my, shape->xy[2 * (v - 1)], shape->xy[2 * (v - 1) + 1],
                                  shape->xy[2 * v], shape->xy[2 * v + 1]) <= tolerance)
              return TRUE;
        }
      return FALSE;
    }

  /* polygon: even-odd over every ring */
  {
    gboolean inside = FALSE;
    guint start = 0;

    for (part = 0; part < shape->n_parts; part++)
      {
        guint end = shape->part_end[part], i, j;

        for (i = start, j = end - 1; i < end; j = i++)
          {
            double xi = shape->xy[2 * i], yi = shape->xy[2 * i + 1];
            double xj = shape->xy[2 * j], yj = shape->xy[2 * j + 1];

            if (((yi > my) != (yj > my)) && (mx < (xj - xi) * (my - yi) / (yj - yi) + xi))
              inside = !inside;
          }
        start = end;
      }
    return inside;
  }
}

const char *
bd_shape_set_pick (BdShapeSet *self,
                   double      mx,
                   double      my,
                   double      tolerance)
{
  guint i;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->sealed, NULL);

  for (i = self->shapes->len; i > 0; i--)
    {
      const Shape *shape = g_ptr_array_index (self->shapes, i - 1);

      if (shape_hit (shape, mx, my, tolerance))
        return shape->id;
    }
  return NULL;
}

void
bd_shape_set_diff (BdShapeSet     *old,
                   BdShapeSet     *new,
                   BdShapeBoxFunc  func,
                   gpointer        user_data)
{
  guint i;

  g_return_if_fail (func != NULL);

  for (i = 0; new != NULL && i < new->shapes->len; i++)
    {
      const Shape *shape = g_ptr_array_index (new->shapes, i);
      const Shape *before = old != NULL ? g_hash_table_lookup (old->by_id, shape->id) : NULL;

      if (before != NULL && before->hash == shape->hash)
        continue;
      func (shape->min_x, shape->min_y, shape->max_x, shape->max_y, user_data);
      if (before != NULL)
        func (before->min_x, before->min_y, before->max_x, before->max_y, user_data);
    }
  for (i = 0; old != NULL && i < old->shapes->len; i++)
    {
      const Shape *shape = g_ptr_array_index (old->shapes, i);

      if (new == NULL || !g_hash_table_contains (new->by_id, shape->id))
        func (shape->min_x, shape->min_y, shape->max_x, shape->max_y, user_data);
    }
}
