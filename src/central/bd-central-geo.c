/* bd-central-geo.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-central"

#include "config.h"

#include "bd-central-geo.h"

#include "bd-catalog.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

G_DEFINE_QUARK (bd-central-geo-error-quark, bd_central_geo_error)

typedef struct
{
  double bbox[4];
  guint  n_positions;
} Walk;

static gboolean
invalid (GError     **error,
         const char  *message)
{
  g_set_error_literal (error, BD_CENTRAL_GEO_ERROR, BD_CENTRAL_GEO_ERROR_INVALID, message);
  return FALSE;
}

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
walk_position (JsonNode  *node,
               Walk      *walk,
               GError   **error)
{
  JsonArray *array;
  double lon, lat;
  guint length;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return invalid (error, _("A position must be an array of numbers."));
  array = json_node_get_array (node);
  length = json_array_get_length (array);
  if (length < 2 || length > 3)
    return invalid (error, _("A position must have two or three numbers."));
  for (guint i = 0; i < length; i++)
    {
      double ignored;

      if (!read_number (json_array_get_element (array, i), &ignored))
        return invalid (error, _("A coordinate is not a finite number."));
    }
  lon = json_array_get_double_element (array, 0);
  lat = json_array_get_double_element (array, 1);
  if (lon < -180.0 || lon > 180.0 || lat < -90.0 || lat > 90.0)
    return invalid (error, _("A coordinate is out of range (longitude −180…180, latitude −90…90)."));

  if (++walk->n_positions > BD_CENTRAL_MAX_POSITIONS)
    return invalid (error, _("The geometry has too many positions."));

  walk->bbox[0] = MIN (walk->bbox[0], lon);
  walk->bbox[1] = MIN (walk->bbox[1], lat);
  walk->bbox[2] = MAX (walk->bbox[2], lon);
  walk->bbox[3] = MAX (walk->bbox[3], lat);

  return TRUE;
}

/* depth 1: array of positions, 2: array of arrays of positions, … */
static gboolean
walk_array (JsonNode  *node,
            guint      depth,
            guint      min_length,
            gboolean   rings,
            Walk      *walk,
            GError   **error)
{
  JsonArray *array;
  guint length;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return invalid (error, _("The coordinates are not nested arrays of the right depth."));
  array = json_node_get_array (node);
  length = json_array_get_length (array);

  if (depth == 1)
    {
      if (length < min_length)
        return invalid (error, rings ? _("A polygon ring needs at least four positions.")
                                     : _("A line needs at least two positions."));
      for (guint i = 0; i < length; i++)
        {
          if (!walk_position (json_array_get_element (array, i), walk, error))
            return FALSE;
        }
      if (rings)
        {
          JsonArray *first = json_array_get_array_element (array, 0);
          JsonArray *last = json_array_get_array_element (array, length - 1);

          if (json_array_get_double_element (first, 0) != json_array_get_double_element (last, 0) ||
              json_array_get_double_element (first, 1) != json_array_get_double_element (last, 1))
            return invalid (error, _("A polygon ring is not closed."));
        }
      return TRUE;
    }

  if (length == 0)
    return invalid (error, _("The geometry has no positions."));
  for (guint i = 0; i < length; i++)
    {
      if (!walk_array (json_array_get_element (array, i), depth - 1, min_length, rings, walk, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
bd_central_geometry_check (JsonNode  *geometry,
                           double     bbox[4],
                           GError   **error)
{
  Walk walk = { { INFINITY, INFINITY, -INFINITY, -INFINITY }, 0 };
  JsonObject *object;
  JsonNode *coordinates;
  const char *type;
  gboolean ok;

  if (geometry == NULL || !JSON_NODE_HOLDS_OBJECT (geometry))
    return invalid (error, _("The feature has no geometry."));
  object = json_node_get_object (geometry);
  if (!json_object_has_member (object, "type") ||
      json_node_get_value_type (json_object_get_member (object, "type")) != G_TYPE_STRING)
    return invalid (error, _("The geometry has no type."));
  type = json_object_get_string_member (object, "type");
  coordinates = json_object_get_member (object, "coordinates");

  if (g_strcmp0 (type, "Point") == 0)
    ok = walk_position (coordinates, &walk, error);
  else if (g_strcmp0 (type, "MultiPoint") == 0)
    ok = walk_array (coordinates, 1, 1, FALSE, &walk, error);
  else if (g_strcmp0 (type, "LineString") == 0)
    ok = walk_array (coordinates, 1, 2, FALSE, &walk, error);
  else if (g_strcmp0 (type, "MultiLineString") == 0)
    ok = walk_array (coordinates, 2, 2, FALSE, &walk, error);
  else if (g_strcmp0 (type, "Polygon") == 0)
    ok = walk_array (coordinates, 2, 4, TRUE, &walk, error);
  else if (g_strcmp0 (type, "MultiPolygon") == 0)
    ok = walk_array (coordinates, 3, 4, TRUE, &walk, error);
  else
    return invalid (error, _("The geometry type must be Point, MultiPoint, LineString, "
                             "MultiLineString, Polygon or MultiPolygon."));

  if (!ok)
    return FALSE;

  if (bbox != NULL)
    memcpy (bbox, walk.bbox, sizeof walk.bbox);
  return TRUE;
}

gboolean
bd_central_feature_check (JsonNode  *feature,
                          double     bbox[4],
                          GError   **error)
{
  JsonObject *object;
  JsonNode *member;

  if (feature == NULL || !JSON_NODE_HOLDS_OBJECT (feature))
    return invalid (error, _("The body is not a GeoJSON Feature object."));
  object = json_node_get_object (feature);

  member = json_object_get_member (object, "type");
  if (member == NULL || json_node_get_value_type (member) != G_TYPE_STRING ||
      g_strcmp0 (json_node_get_string (member), "Feature") != 0)
    return invalid (error, _("The body is not a GeoJSON Feature (its type must be “Feature”)."));

  member = json_object_get_member (object, "properties");
  if (member != NULL && !JSON_NODE_HOLDS_OBJECT (member) && !JSON_NODE_HOLDS_NULL (member))
    return invalid (error, _("The feature’s properties must be an object or null."));

  member = json_object_get_member (object, "id");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member) &&
      (!JSON_NODE_HOLDS_VALUE (member) ||
       (json_node_get_value_type (member) != G_TYPE_STRING &&
        json_node_get_value_type (member) != G_TYPE_INT64)))
    return invalid (error, _("The feature’s id must be a string or an integer."));

  /* "geometry": null is a feature without a place: an alert whose area is
   * given by codes only (ALERTS.md; the collection's own checks say which
   * features may have none). It is filed under the city's envelope. */
  member = json_object_get_member (object, "geometry");
  if (member != NULL && JSON_NODE_HOLDS_NULL (member))
    {
      if (bbox != NULL)
        {
          bbox[0] = BD_CITY_MIN_LON;
          bbox[1] = BD_CITY_MIN_LAT;
          bbox[2] = BD_CITY_MAX_LON;
          bbox[3] = BD_CITY_MAX_LAT;
        }
      return TRUE;
    }

  return bd_central_geometry_check (member, bbox, error);
}

gboolean
bd_central_id_is_valid (const char *id)
{
  gsize length;

  if (id == NULL)
    return FALSE;
  length = strlen (id);
  if (length == 0 || length > 128)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      char c = id[i];

      if (!g_ascii_isalnum (c) && c != '.' && c != '_' && c != '~' && c != '-')
        return FALSE;
    }
  return TRUE;
}
