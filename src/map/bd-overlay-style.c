/* bd-overlay-style.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-overlay-style"

#include "config.h"

#include "bd-overlay-style.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "bd-feature-validate.h"
#include "bd-time.h"

#define RGBA(r, g, b, a) { (r) / 255.0f, (g) / 255.0f, (b) / 255.0f, (a) }
#define NONE RGBA (0, 0, 0, 0)
#define WHITE RGBA (255, 255, 255, 1)

/* Shelter colours: state and crowding */
#define C_VACANT    RGBA (46, 125, 50, 1)     /* open, room left: green */
#define C_CROWDED   RGBA (249, 168, 37, 1)    /* open, crowded: amber */
#define C_FULL      RGBA (198, 40, 40, 1)     /* open, full: red */
#define C_PERMANENT RGBA (21, 101, 192, 1)    /* permanent: blue */
#define C_NOT_OPEN  RGBA (255, 255, 255, 1)   /* not open yet: white, grey outline */
#define C_CLOSED    RGBA (97, 97, 97, 1)      /* closed: dark grey */
#define C_UNKNOWN   RGBA (189, 189, 189, 1)   /* unknown: light grey */
#define C_OUTLINE   RGBA (33, 33, 33, 1)

#define SHELTER_SIZE 14.0

/* The national colours of the warning levels (避難情報に関するガイドライン):
 * level 3 red, level 4 purple, level 5 black. */
#define C_LEVEL3 RGBA (255, 40, 0, 1)
#define C_LEVEL4 RGBA (170, 0, 170, 1)
#define C_LEVEL5 RGBA (12, 0, 12, 1)

#define C_AFFECTED   RGBA (141, 110, 99, 1)
#define C_INUNDATION RGBA (30, 136, 229, 1)
#define C_CLOSURE    RGBA (211, 47, 47, 1)

#define C_EXTREME  RGBA (106, 27, 154, 1)
#define C_SEVERE   RGBA (211, 47, 47, 1)
#define C_MODERATE RGBA (239, 108, 0, 1)
#define C_MINOR    RGBA (251, 192, 45, 1)

#define AREA_FILL_ALPHA 0.30f

static const BdShapeStyle shelter_base = {
  .stroke = C_OUTLINE, .stroke_width = 1.5, .symbol_size = SHELTER_SIZE,
};

static BdShapeStyle
with_fill (BdShapeStyle style,
           GdkRGBA      fill)
{
  style.fill = fill;
  return style;
}

static BdShapeStyle
area_style (GdkRGBA  colour,
            double   width)
{
  BdShapeStyle style = { 0 };

  style.fill = colour;
  style.fill.alpha = AREA_FILL_ALPHA;
  style.stroke = colour;
  style.stroke_width = width;
  return style;
}

static BdShapeStyle
alert_style (GdkRGBA colour)
{
  BdShapeStyle style = { 0 };

  style.stroke = colour;
  style.stroke_width = 3.0;
  style.hatch = TRUE;
  return style;
}

static const BdShapeStyle closure_style = {
  .stroke = C_CLOSURE, .stroke_width = 4.0, .casing = WHITE, .casing_width = 2.0,
};

static const char *
get_string (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gint64
get_int (JsonObject *object,
         const char *name,
         gint64      fallback)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return fallback;
  return json_node_get_int (node);
}

static gboolean
get_bool (JsonObject *object,
          const char *name,
          gboolean    fallback)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return fallback;
  return json_node_get_boolean (node);
}

static BdSymbol
shelter_symbol (const char *kind)
{
  if (g_strcmp0 (kind, "emergency_site") == 0)
    return BD_SYMBOL_TRIANGLE;
  if (g_strcmp0 (kind, "welfare_shelter") == 0)
    return BD_SYMBOL_DIAMOND;
  return BD_SYMBOL_SQUARE;     /* "shelter", and what is not known */
}

static GdkRGBA
shelter_colour (const char *state,
                const char *crowding)
{
  static const GdkRGBA vacant = C_VACANT, crowded = C_CROWDED, full = C_FULL,
                       permanent = C_PERMANENT, not_open = C_NOT_OPEN, closed = C_CLOSED,
                       unknown = C_UNKNOWN;

  if (g_strcmp0 (state, "open") == 0 || g_strcmp0 (state, "permanent") == 0)
    {
      if (g_strcmp0 (crowding, "full") == 0)
        return full;
      if (g_strcmp0 (crowding, "crowded") == 0)
        return crowded;
      if (g_strcmp0 (state, "permanent") == 0)
        return permanent;
      return vacant;
    }
  if (g_strcmp0 (state, "not_open") == 0)
    return not_open;
  if (g_strcmp0 (state, "closed") == 0)
    return closed;
  return unknown;
}

/* The rule is core's (bd_feature_alert_is_shown (), as the banner and the
 * store apply it); this only reads its inputs out of @properties. An
 * expiry that does not read as a time counts as past. */
gboolean
bd_overlay_alert_is_active (JsonObject *properties,
                            gint64      now)
{
  BdFeatureInfo info = { 0 };
  const char *expires;

  if (properties == NULL)
    return FALSE;
  info.status = get_string (properties, "status");
  info.active = get_bool (properties, "active", FALSE) && !get_bool (properties, "cancelled", FALSE);
  if ((expires = get_string (properties, "expires")) != NULL)
    {
      g_autoptr(GDateTime) when = bd_parse_timestamp (expires);

      info.expires = when != NULL ? MAX (g_date_time_to_unix (when), 1) : 1;
    }
  return bd_feature_alert_is_shown (&info, now);
}

gboolean
bd_overlay_style_for (const char   *collection,
                      JsonObject   *properties,
                      gint64        now,
                      BdShapeStyle *style,
                      int          *order)
{
  g_return_val_if_fail (style != NULL && order != NULL, FALSE);

  if (collection == NULL || properties == NULL)
    return FALSE;

  if (strcmp (collection, "shelters") == 0)
    {
      *style = with_fill (shelter_base, shelter_colour (get_string (properties, "state"),
                                                        get_string (properties, "crowding")));
      style->symbol = shelter_symbol (get_string (properties, "kind"));
      *order = BD_OVERLAY_ORDER_SHELTER;
      return TRUE;
    }

  if (strcmp (collection, "areas") == 0)
    {
      const char *kind = get_string (properties, "kind");

      if (g_strcmp0 (kind, "evacuation") == 0)
        {
          static const GdkRGBA l3 = C_LEVEL3, l4 = C_LEVEL4, l5 = C_LEVEL5;
          gint64 level = get_int (properties, "level", 0);

          if (get_string (properties, "lifted_at") != NULL)
            return FALSE;
          if (level < 3 || level > 5)
            return FALSE;
          *style = area_style (level == 3 ? l3 : level == 4 ? l4 : l5, 2.5);
          *order = BD_OVERLAY_ORDER_EVACUATION;
          return TRUE;
        }
      if (g_strcmp0 (kind, "affected") == 0 || g_strcmp0 (kind, "inundation") == 0)
        {
          static const GdkRGBA affected = C_AFFECTED, inundation = C_INUNDATION;

          *style = area_style (g_strcmp0 (kind, "affected") == 0 ? affected : inundation, 1.5);
          style->dash = g_strcmp0 (kind, "affected") == 0 ? 6.0 : 0.0;
          *order = BD_OVERLAY_ORDER_AREA;
          return TRUE;
        }
      if (g_strcmp0 (kind, "road_closure") == 0)
        {
          *style = closure_style;
          *order = BD_OVERLAY_ORDER_CLOSURE;
          return TRUE;
        }
      return FALSE;
    }

  if (strcmp (collection, "alerts") == 0)
    {
      static const GdkRGBA extreme = C_EXTREME, severe = C_SEVERE, moderate = C_MODERATE,
                           minor = C_MINOR;
      const char *severity = get_string (properties, "severity");

      if (!bd_overlay_alert_is_active (properties, now))
        return FALSE;
      *style = alert_style (g_strcmp0 (severity, "Extreme") == 0 ? extreme
                            : g_strcmp0 (severity, "Severe") == 0 ? severe
                            : g_strcmp0 (severity, "Moderate") == 0 ? moderate : minor);
      *order = BD_OVERLAY_ORDER_ALERT;
      return TRUE;
    }

  return FALSE;
}

#define SHELTER(label_, symbol_, colour_) \
  { "shelters", label_, TRUE, FALSE, \
    { .fill = colour_, .stroke = C_OUTLINE, .stroke_width = 1.5, \
      .symbol = symbol_, .symbol_size = SHELTER_SIZE } }
#define ALERT(label_, colour_) \
  { "alerts", label_, FALSE, FALSE, { .stroke = colour_, .stroke_width = 3.0, .hatch = TRUE } }

static const BdLegendEntry legend[] = {
  SHELTER (N_("Designated emergency evacuation site"), BD_SYMBOL_TRIANGLE, C_VACANT),
  SHELTER (N_("Designated evacuation shelter"), BD_SYMBOL_SQUARE, C_VACANT),
  SHELTER (N_("Welfare shelter"), BD_SYMBOL_DIAMOND, C_VACANT),
  SHELTER (N_("Open, room left"), BD_SYMBOL_CIRCLE, C_VACANT),
  SHELTER (N_("Open, crowded"), BD_SYMBOL_CIRCLE, C_CROWDED),
  SHELTER (N_("Open, full"), BD_SYMBOL_CIRCLE, C_FULL),
  SHELTER (N_("Permanently open"), BD_SYMBOL_CIRCLE, C_PERMANENT),
  SHELTER (N_("Not open"), BD_SYMBOL_CIRCLE, C_NOT_OPEN),
  SHELTER (N_("Closed"), BD_SYMBOL_CIRCLE, C_CLOSED),
  SHELTER (N_("State unknown"), BD_SYMBOL_CIRCLE, C_UNKNOWN),
  { "areas", N_("Level 3: Evacuation of elderly etc."), FALSE, FALSE,
    { .fill = { 1.0f, 40 / 255.0f, 0, AREA_FILL_ALPHA }, .stroke = C_LEVEL3, .stroke_width = 2.0 } },
  { "areas", N_("Level 4: Evacuation instruction"), FALSE, FALSE,
    { .fill = { 170 / 255.0f, 0, 170 / 255.0f, AREA_FILL_ALPHA }, .stroke = C_LEVEL4, .stroke_width = 2.0 } },
  { "areas", N_("Level 5: Emergency safety measures"), FALSE, FALSE,
    { .fill = { 12 / 255.0f, 0, 12 / 255.0f, AREA_FILL_ALPHA }, .stroke = C_LEVEL5, .stroke_width = 2.0 } },
  { "areas", N_("Affected area"), FALSE, FALSE,
    { .fill = { 141 / 255.0f, 110 / 255.0f, 99 / 255.0f, AREA_FILL_ALPHA }, .stroke = C_AFFECTED,
      .stroke_width = 2.0, .dash = 6.0 } },
  { "areas", N_("Inundated area"), FALSE, FALSE,
    { .fill = { 30 / 255.0f, 136 / 255.0f, 229 / 255.0f, AREA_FILL_ALPHA }, .stroke = C_INUNDATION,
      .stroke_width = 2.0 } },
  { "closures", N_("Road closed"), FALSE, TRUE,
    { .stroke = C_CLOSURE, .stroke_width = 4.0, .casing = WHITE, .casing_width = 2.0 } },
  ALERT (N_("Alert: extreme (special warning)"), C_EXTREME),
  ALERT (N_("Alert: severe (warning)"), C_SEVERE),
  ALERT (N_("Alert: moderate (advisory)"), C_MODERATE),
  ALERT (N_("Alert: minor"), C_MINOR),
};

const BdLegendEntry *
bd_overlay_style_get_legend (guint *n_entries)
{
  if (n_entries != NULL)
    *n_entries = G_N_ELEMENTS (legend);
  return legend;
}
