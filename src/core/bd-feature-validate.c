/* bd-feature-validate.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The checks of the overlay collections' features: shelters and areas as
 * DOMAIN.md lists their properties, alerts as ALERTS.md does. Unknown
 * properties are kept and not checked (a newer server may add some); the
 * known ones must be what they say. */

#define G_LOG_DOMAIN "bd-feature"

#include "config.h"

#include "bd-feature-validate.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "bd-catalog.h"
#include "bd-time.h"

G_DEFINE_QUARK (bd-feature-error-quark, bd_feature_error)

#define MAX_NAME_CHARS 200
#define MAX_TEXT_CHARS 20000
#define MAX_COUNT      10000000
#define MAX_AREA_CODES 64

static const char * const overlay_collections[] = { "shelters", "areas", "alerts", NULL };

static const char * const shelter_kinds[] = { "emergency_site", "shelter", "welfare_shelter", NULL };
static const char * const shelter_states[] = { "not_open", "open", "closed", "permanent", "unknown", NULL };
static const char * const crowdings[] = { "vacant", "crowded", "full", "unknown", NULL };
static const char * const area_kinds[] = { "evacuation", "affected", "inundation", "road_closure", NULL };
static const char * const alert_sources[] = { "jma", "cap", "city", NULL };
static const char * const alert_statuses[] = { "actual", "exercise", "test", "system", "draft", NULL };
static const char * const alert_msg_types[] = { "alert", "update", "cancel", NULL };
static const char * const alert_categories[] = {
  "met", "flood", "landslide", "earthquake", "tsunami", "evacuation", "shelter", "other", NULL
};
static const char * const alert_severities[] = {
  "Extreme", "Severe", "Moderate", "Minor", "Unknown", NULL
};

const char * const *
bd_feature_get_overlay_collections (void)
{
  return overlay_collections;
}

gboolean
bd_feature_is_overlay_collection (const char *collection)
{
  return collection != NULL && g_strv_contains (overlay_collections, collection);
}

static gboolean
invalid (GError     **error,
         const char  *format,
         ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError     **error,
         const char  *format,
         ...)
{
  va_list args;

  va_start (args, format);
  if (error != NULL)
    *error = g_error_new_valist (BD_FEATURE_ERROR, BD_FEATURE_ERROR_INVALID, format, args);
  va_end (args);
  return FALSE;
}

/* Geometry */

static gboolean
read_number (JsonNode *node,
             double   *value)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  if (type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_double (node);
  return isfinite (*value);
}

static gboolean
check_position (JsonNode       *node,
                BdFeatureInfo  *info,
                double          position[2],
                GError        **error)
{
  JsonArray *array;
  guint length;
  double value[3];

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return invalid (error, "%s", _("A position must be an array of numbers."));
  array = json_node_get_array (node);
  length = json_array_get_length (array);
  if (length < 2 || length > 3)
    return invalid (error, "%s", _("A position must have two or three numbers."));
  for (guint i = 0; i < length; i++)
    if (!read_number (json_array_get_element (array, i), &value[i]))
      return invalid (error, "%s", _("A coordinate is not a finite number."));
  if (value[0] < -180.0 || value[0] > 180.0 || value[1] < -90.0 || value[1] > 90.0)
    return invalid (error, "%s",
                    _("A coordinate is out of range (longitude −180…180, latitude −90…90)."));
  if (++info->n_positions > BD_FEATURE_MAX_POSITIONS)
    {
      g_set_error (error, BD_FEATURE_ERROR, BD_FEATURE_ERROR_TOO_LARGE,
                   _("The geometry has more than %u positions; simplify it first."),
                   (guint) BD_FEATURE_MAX_POSITIONS);
      return FALSE;
    }
  info->bbox[0] = MIN (info->bbox[0], value[0]);
  info->bbox[1] = MIN (info->bbox[1], value[1]);
  info->bbox[2] = MAX (info->bbox[2], value[0]);
  info->bbox[3] = MAX (info->bbox[3], value[1]);
  if (position != NULL)
    {
      position[0] = value[0];
      position[1] = value[1];
    }
  return TRUE;
}

/* @depth 1: an array of positions (a line or a ring); 2: of those; 3: … */
static gboolean
check_nested (JsonNode       *node,
              guint           depth,
              guint           min_length,
              gboolean        rings,
              BdFeatureInfo  *info,
              GError        **error)
{
  JsonArray *array;
  guint length;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return invalid (error, "%s", _("The coordinates are not nested arrays of the right depth."));
  array = json_node_get_array (node);
  length = json_array_get_length (array);

  if (depth == 1)
    {
      double first[2] = { 0, 0 }, last[2] = { 0, 0 };

      if (length < min_length)
        return invalid (error, "%s", rings ? _("A polygon ring needs at least four positions.")
                                           : _("A line needs at least two positions."));
      for (guint i = 0; i < length; i++)
        if (!check_position (json_array_get_element (array, i), info,
                             i == 0 ? first : last, error))
          return FALSE;
      if (rings && (first[0] != last[0] || first[1] != last[1]))
        return invalid (error, "%s", _("A polygon ring is not closed."));
      return TRUE;
    }

  if (length == 0)
    return invalid (error, "%s", _("The geometry has no positions."));
  for (guint i = 0; i < length; i++)
    if (!check_nested (json_array_get_element (array, i), depth - 1, min_length, rings, info,
                       error))
      return FALSE;
  return TRUE;
}

static const char * const geometry_types[] = {
  [BD_GEOMETRY_POINT] = "Point",
  [BD_GEOMETRY_MULTI_POINT] = "MultiPoint",
  [BD_GEOMETRY_LINE_STRING] = "LineString",
  [BD_GEOMETRY_MULTI_LINE_STRING] = "MultiLineString",
  [BD_GEOMETRY_POLYGON] = "Polygon",
  [BD_GEOMETRY_MULTI_POLYGON] = "MultiPolygon",
};

gboolean
bd_feature_check_geometry (JsonNode       *geometry,
                           guint           allowed,
                           BdFeatureInfo  *info,
                           GError        **error)
{
  BdFeatureInfo local = { 0 };
  JsonObject *object;
  JsonNode *member, *coordinates;
  const char *type;
  int kind = -1;
  gboolean ok = FALSE;

  if (info == NULL)
    info = &local;
  info->bbox[0] = info->bbox[1] = INFINITY;
  info->bbox[2] = info->bbox[3] = -INFINITY;
  info->n_positions = 0;
  info->has_bbox = FALSE;

  if (geometry == NULL || !JSON_NODE_HOLDS_OBJECT (geometry))
    return invalid (error, "%s", _("The feature has no geometry."));
  object = json_node_get_object (geometry);
  member = json_object_get_member (object, "type");
  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) ||
      json_node_get_value_type (member) != G_TYPE_STRING)
    return invalid (error, "%s", _("The geometry has no type."));
  type = json_node_get_string (member);
  for (guint i = 0; i < G_N_ELEMENTS (geometry_types); i++)
    if (strcmp (type, geometry_types[i]) == 0)
      kind = (int) i;
  if (kind < 0)
    return invalid (error, "%s", _("The geometry type must be Point, MultiPoint, LineString, "
                                   "MultiLineString, Polygon or MultiPolygon."));
  if (allowed != 0 && (allowed & BD_GEOMETRY_MASK (kind)) == 0)
    {
      g_autoptr(GString) names = g_string_new (NULL);

      for (guint i = 0; i < G_N_ELEMENTS (geometry_types); i++)
        if (allowed & BD_GEOMETRY_MASK (i))
          g_string_append_printf (names, "%s%s", names->len > 0 ? ", " : "", geometry_types[i]);
      /* Translators: the first %s is a GeoJSON type ("Point"), the second a list of them */
      return invalid (error, _("The geometry is a %s; this feature needs one of: %s."),
                      type, names->str);
    }

  coordinates = json_object_get_member (object, "coordinates");
  switch ((BdGeometryType) kind)
    {
    case BD_GEOMETRY_POINT:
      ok = check_position (coordinates, info, NULL, error);
      break;
    case BD_GEOMETRY_MULTI_POINT:
      ok = check_nested (coordinates, 1, 1, FALSE, info, error);
      break;
    case BD_GEOMETRY_LINE_STRING:
      ok = check_nested (coordinates, 1, 2, FALSE, info, error);
      break;
    case BD_GEOMETRY_MULTI_LINE_STRING:
      ok = check_nested (coordinates, 2, 2, FALSE, info, error);
      break;
    case BD_GEOMETRY_POLYGON:
      ok = check_nested (coordinates, 2, 4, TRUE, info, error);
      break;
    case BD_GEOMETRY_MULTI_POLYGON:
      ok = check_nested (coordinates, 3, 4, TRUE, info, error);
      break;
    }
  info->has_bbox = ok;
  return ok;
}

/* Properties */

static JsonNode *
member_or_null (JsonObject *props,
                const char *name)
{
  JsonNode *member = json_object_get_member (props, name);

  return member == NULL || JSON_NODE_HOLDS_NULL (member) ? NULL : member;
}

static gboolean
missing (const char  *name,
         GError     **error)
{
  return invalid (error, _("The property “%s” is missing."), name);
}

static gboolean
get_string (JsonObject   *props,
            const char   *name,
            gboolean      required,
            guint         max_chars,
            const char  **value,
            GError      **error)
{
  JsonNode *member = member_or_null (props, name);
  const char *text;

  *value = NULL;
  if (member == NULL)
    return !required || missing (name, error);
  if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING)
    return invalid (error, _("The property “%s” must be a text."), name);
  text = json_node_get_string (member);
  if (g_utf8_strlen (text, -1) > max_chars)
    return invalid (error, _("The property “%s” is longer than %u characters."), name, max_chars);
  if (required)
    {
      g_autofree char *copy = g_strstrip (g_strdup (text));

      if (copy[0] == '\0')
        return invalid (error, _("The property “%s” must not be empty."), name);
    }
  *value = text;
  return TRUE;
}

static gboolean
get_enum (JsonObject          *props,
          const char          *name,
          const char * const  *values,
          gboolean             required,
          const char         **value,
          GError             **error)
{
  JsonNode *member = member_or_null (props, name);

  *value = NULL;
  if (member == NULL)
    return !required || missing (name, error);
  if (JSON_NODE_HOLDS_VALUE (member) && json_node_get_value_type (member) == G_TYPE_STRING &&
      g_strv_contains (values, json_node_get_string (member)))
    {
      *value = json_node_get_string (member);
      return TRUE;
    }
  {
    g_autofree char *list = g_strjoinv (", ", (char **) values);

    return invalid (error, _("The property “%s” must be one of: %s."), name, list);
  }
}

static gboolean
get_int (JsonObject  *props,
         const char  *name,
         gboolean     required,
         gint64       min,
         gint64       max,
         gint64      *value,
         GError     **error)
{
  JsonNode *member = member_or_null (props, name);

  *value = 0;
  if (member == NULL)
    return !required || missing (name, error);
  if (JSON_NODE_HOLDS_VALUE (member) && json_node_get_value_type (member) == G_TYPE_INT64 &&
      json_node_get_int (member) >= min && json_node_get_int (member) <= max)
    {
      *value = json_node_get_int (member);
      return TRUE;
    }
  return invalid (error, _("The property “%s” must be a whole number from %lld to %lld."),
                  name, (long long) min, (long long) max);
}

static gboolean
get_bool (JsonObject  *props,
          const char  *name,
          gboolean     required,
          gboolean    *value,
          GError     **error)
{
  JsonNode *member = member_or_null (props, name);

  if (member == NULL)
    return !required || missing (name, error);
  if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_BOOLEAN)
    return invalid (error, _("The property “%s” must be true or false."), name);
  *value = json_node_get_boolean (member);
  return TRUE;
}

/* An RFC 3339 time; @value gets unix seconds (0 when absent). */
static gboolean
get_time (JsonObject  *props,
          const char  *name,
          gboolean     required,
          gint64      *value,
          GError     **error)
{
  JsonNode *member = member_or_null (props, name);
  g_autoptr(GDateTime) when = NULL;

  *value = 0;
  if (member == NULL)
    return !required || missing (name, error);
  if (JSON_NODE_HOLDS_VALUE (member) && json_node_get_value_type (member) == G_TYPE_STRING)
    when = bd_parse_timestamp (json_node_get_string (member));
  if (when == NULL)
    return invalid (error, _("The property “%s” must be an RFC 3339 time with an offset "
                             "(2026-09-01T06:00:00+09:00)."), name);
  *value = g_date_time_to_unix (when);
  return TRUE;
}

static gboolean
get_ward (JsonObject  *props,
          const char **value,
          GError     **error)
{
  JsonNode *member = member_or_null (props, "ward");

  *value = NULL;
  if (member == NULL)
    return missing ("ward", error);
  if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING ||
      bd_catalog_lookup_ward (json_node_get_string (member)) == NULL)
    return invalid (error, "%s", _("The property “ward” must be the 6-digit code of a ward or "
                                   "of the city (271276 for 北区, 271004 for the city)."));
  *value = json_node_get_string (member);
  return TRUE;
}

static gboolean
check_hazards (JsonObject  *props,
               GError     **error)
{
  JsonNode *member = member_or_null (props, "hazards");
  JsonArray *array;
  guint seen = 0;

  if (member == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (member))
    goto bad;
  array = json_node_get_array (member);
  if (json_array_get_length (array) > 8)
    goto bad;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      gint64 code;

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_INT64)
        goto bad;
      code = json_node_get_int (element);
      if (code < 1 || code > 8 || (seen & (1u << code)) != 0)
        goto bad;
      seen |= 1u << code;
    }
  return TRUE;

bad:
  return invalid (error, "%s", _("The property “hazards” must be a list of distinct hazard codes "
                                 "from 1 (洪水) to 8 (火山現象)."));
}

static gboolean
check_area_codes (JsonObject  *props,
                  guint       *n_codes,
                  GError     **error)
{
  JsonNode *member = member_or_null (props, "area_codes");
  JsonArray *array;

  *n_codes = 0;
  if (member == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (member))
    goto bad;
  array = json_node_get_array (member);
  if (json_array_get_length (array) > MAX_AREA_CODES)
    goto bad;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *code;

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        goto bad;
      code = json_node_get_string (element);
      if (strlen (code) != 6 || strspn (code, "0123456789") != 6)
        goto bad;
    }
  *n_codes = json_array_get_length (array);
  return TRUE;

bad:
  return invalid (error, "%s", _("The property “area_codes” must be a list of 6-digit area "
                                 "codes (271004 for the city)."));
}

static gboolean
validate_shelter (JsonObject     *props,
                  JsonNode       *geometry,
                  BdFeatureInfo  *info,
                  GError        **error)
{
  const char *crowding;
  gint64 count, when;

  if (!get_enum (props, "kind", shelter_kinds, TRUE, &info->kind, error) ||
      !get_string (props, "name", TRUE, MAX_NAME_CHARS, &info->name, error) ||
      !get_ward (props, &info->ward, error) ||
      !get_enum (props, "state", shelter_states, TRUE, &info->status, error) ||
      !get_enum (props, "crowding", crowdings, FALSE, &crowding, error) ||
      !check_hazards (props, error) ||
      !get_int (props, "evacuees", FALSE, 0, MAX_COUNT, &count, error) ||
      !get_int (props, "households", FALSE, 0, MAX_COUNT, &count, error) ||
      !get_int (props, "capacity", FALSE, 0, MAX_COUNT, &count, error) ||
      !get_time (props, "checked_at", FALSE, &when, error))
    return FALSE;
  info->active = TRUE;
  return bd_feature_check_geometry (geometry, BD_GEOMETRY_MASK (BD_GEOMETRY_POINT), info, error);
}

static gboolean
validate_area (JsonObject     *props,
               JsonNode       *geometry,
               BdFeatureInfo  *info,
               GError        **error)
{
  guint polygons = BD_GEOMETRY_MASK (BD_GEOMETRY_POLYGON) |
                   BD_GEOMETRY_MASK (BD_GEOMETRY_MULTI_POLYGON);
  guint lines = BD_GEOMETRY_MASK (BD_GEOMETRY_LINE_STRING) |
                BD_GEOMETRY_MASK (BD_GEOMETRY_MULTI_LINE_STRING);
  gint64 level = 0, issued = 0, lifted = 0;

  if (!get_enum (props, "kind", area_kinds, TRUE, &info->kind, error) ||
      !get_string (props, "name", TRUE, MAX_NAME_CHARS, &info->name, error) ||
      !get_ward (props, &info->ward, error))
    return FALSE;

  if (strcmp (info->kind, "evacuation") == 0)
    {
      if (!get_int (props, "level", TRUE, 3, 5, &level, error) ||
          !get_time (props, "issued_at", TRUE, &issued, error) ||
          !get_time (props, "lifted_at", FALSE, &lifted, error))
        return FALSE;
      if (lifted != 0 && lifted < issued)
        return invalid (error, "%s", _("The evacuation is lifted (“lifted_at”) before it was "
                                       "issued (“issued_at”)."));
    }
  else if (!get_time (props, "issued_at", FALSE, &issued, error) ||
           !get_time (props, "lifted_at", FALSE, &lifted, error))
    return FALSE;

  info->level = (int) level;
  info->active = lifted == 0;
  info->effective = issued;
  return bd_feature_check_geometry (geometry,
                                    strcmp (info->kind, "road_closure") == 0 ? lines : polygons,
                                    info, error);
}

static gboolean
validate_alert (JsonObject     *props,
                JsonNode       *geometry,
                BdFeatureInfo  *info,
                GError        **error)
{
  const char *source, *msg_type, *severity, *event, *headline, *text;
  gint64 level = 0, sent = 0, effective = 0, when;
  gboolean cancelled = FALSE;
  guint n_codes = 0;
  JsonNode *magnitude;
  double value;

  if (!get_enum (props, "source", alert_sources, TRUE, &source, error) ||
      !get_enum (props, "status", alert_statuses, TRUE, &info->status, error) ||
      !get_enum (props, "msg_type", alert_msg_types, TRUE, &msg_type, error) ||
      !get_string (props, "event", TRUE, MAX_NAME_CHARS, &event, error) ||
      !get_enum (props, "category", alert_categories, TRUE, &info->kind, error) ||
      !get_enum (props, "severity", alert_severities, TRUE, &severity, error) ||
      !get_int (props, "level", FALSE, 1, 5, &level, error) ||
      !get_string (props, "headline", FALSE, MAX_TEXT_CHARS, &headline, error) ||
      !get_string (props, "description", FALSE, MAX_TEXT_CHARS, &text, error) ||
      !get_string (props, "area_desc", FALSE, MAX_TEXT_CHARS, &text, error) ||
      !get_string (props, "event_code", FALSE, MAX_NAME_CHARS, &text, error) ||
      !get_string (props, "info_type", FALSE, MAX_NAME_CHARS, &text, error) ||
      !check_area_codes (props, &n_codes, error) ||
      !get_time (props, "sent", TRUE, &sent, error) ||
      !get_time (props, "effective", FALSE, &effective, error) ||
      !get_time (props, "expires", FALSE, &info->expires, error) ||
      !get_time (props, "updated_at", FALSE, &when, error) ||
      !get_bool (props, "active", TRUE, &info->active, error) ||
      !get_bool (props, "cancelled", FALSE, &cancelled, error))
    return FALSE;
  /* a cancelled alert is over, whatever "active" says */
  info->active = info->active && !cancelled;

  magnitude = member_or_null (props, "magnitude");
  if (magnitude != NULL && (!read_number (magnitude, &value) || value < -2 || value > 10))
    return invalid (error, "%s", _("The property “magnitude” must be a number from −2 to 10."));

  info->level = (int) level;
  info->name = headline != NULL && headline[0] != '\0' ? headline : event;
  info->effective = effective != 0 ? effective : sent;

  if (geometry == NULL || JSON_NODE_HOLDS_NULL (geometry))
    {
      if (n_codes == 0)
        return invalid (error, "%s", _("An alert without a geometry needs its area in "
                                       "“area_codes”."));
      info->has_bbox = FALSE;
      return TRUE;
    }
  return bd_feature_check_geometry (geometry,
                                    BD_GEOMETRY_MASK (BD_GEOMETRY_POLYGON) |
                                    BD_GEOMETRY_MASK (BD_GEOMETRY_MULTI_POLYGON),
                                    info, error);
}

gboolean
bd_feature_validate (const char     *collection,
                     JsonNode       *feature,
                     BdFeatureInfo  *info,
                     GError        **error)
{
  BdFeatureInfo local;
  JsonObject *object;
  JsonNode *member, *geometry;
  JsonObject *props;

  g_return_val_if_fail (bd_feature_is_overlay_collection (collection), FALSE);

  if (info == NULL)
    info = &local;
  memset (info, 0, sizeof *info);

  if (feature == NULL || !JSON_NODE_HOLDS_OBJECT (feature))
    return invalid (error, "%s", _("The feature is not a GeoJSON Feature object."));
  object = json_node_get_object (feature);
  member = json_object_get_member (object, "type");
  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) ||
      json_node_get_value_type (member) != G_TYPE_STRING ||
      strcmp (json_node_get_string (member), "Feature") != 0)
    return invalid (error, "%s", _("The feature is not a GeoJSON Feature (its type must be "
                                   "“Feature”)."));
  member = json_object_get_member (object, "properties");
  if (member == NULL || !JSON_NODE_HOLDS_OBJECT (member))
    return invalid (error, "%s", _("The feature has no properties."));
  props = json_node_get_object (member);
  geometry = json_object_get_member (object, "geometry");

  if (strcmp (collection, "shelters") == 0)
    return validate_shelter (props, geometry, info, error);
  if (strcmp (collection, "areas") == 0)
    return validate_area (props, geometry, info, error);
  return validate_alert (props, geometry, info, error);
}

gboolean
bd_feature_alert_is_shown (const BdFeatureInfo *info,
                           gint64               now)
{
  g_return_val_if_fail (info != NULL, FALSE);

  return g_strcmp0 (info->status, "actual") == 0 && info->active &&
         (info->expires == 0 || info->expires > now);
}
