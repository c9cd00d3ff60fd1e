/* bd-report-geojson.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-report"

#include "config.h"

#include "bd-report.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "bd-json.h"
#include "bd-report-private.h"

/* A report as a GeoJSON Feature (RFC 7946) and back. The feature's own
 * members (id, geometry) are read and written here; its properties by the
 * table of fields (bd-report-fields.c). Every text is read through
 * bd_json_parse (). */

/* Helpers */

JsonNode *
_bd_report_parse_json (const char  *text,
                       gssize       length,
                       gsize        max_bytes,
                       GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  gsize len;

  if (text == NULL)
    {
      g_set_error_literal (error, BD_REPORT_ERROR, BD_REPORT_ERROR_PARSE,
                           _("There is no data to read."));
      return NULL;
    }

  len = length < 0 ? strnlen (text, max_bytes + 1) : (gsize) length;
  if (len > max_bytes)
    {
      g_set_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_PARSE,
                   _("The data is too large (more than %u MiB)."),
                   (guint) (max_bytes / (1024 * 1024)));
      return NULL;
    }

  root = bd_json_parse (text, len, max_bytes, &local_error);
  if (root == NULL)
    {
      g_set_error_literal (error, BD_REPORT_ERROR, BD_REPORT_ERROR_PARSE, local_error->message);
      return NULL;
    }

  return root;
}

gboolean
_bd_report_parse_error (GError     **error,
                        const char  *format,
                        ...)
{
  va_list args;

  va_start (args, format);
  if (error != NULL)
    *error = g_error_new_valist (BD_REPORT_ERROR, BD_REPORT_ERROR_PARSE, format, args);
  va_end (args);

  return FALSE;
}

gboolean
_bd_report_get_number (JsonNode *node,
                       double   *out)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    *out = (double) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    *out = json_node_get_double (node);
  else
    return FALSE;

  return isfinite (*out);
}

static gboolean
read_member_string (JsonObject  *object,
                    const char  *name,
                    const char **out,
                    GError     **error)
{
  return _bd_report_read_string (json_object_get_member (object, name), name, out, error);
}

/* Writing */

static JsonNode *
new_position (double longitude,
              double latitude)
{
  JsonArray *array = json_array_sized_new (2);
  JsonNode *node;

  json_array_add_double_element (array, longitude);
  json_array_add_double_element (array, latitude);

  node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, array);
  return node;
}

JsonNode *
bd_report_to_json (BdReport *self)
{
  g_autoptr(JsonObject) feature = NULL;
  g_autoptr(JsonNode) polygon = NULL;
  g_autoptr(JsonNode) parsed = NULL;
  JsonObject *props;
  gboolean located;
  double ignored_lon, ignored_lat;

  g_return_val_if_fail (BD_IS_REPORT (self), NULL);

  feature = json_object_new ();
  props = json_object_new ();

  json_object_set_string_member (feature, "type", "Feature");
  if (self->id != NULL)
    json_object_set_string_member (feature, "id", self->id);

  /* A report with no place yet has a null geometry (RFC 7946 3.2);
   * bd_report_new_from_json () refuses it. */
  located = (isfinite (self->latitude) && isfinite (self->longitude) &&
             fabs (self->latitude) <= BD_REPORT_MAX_JSON_NUMBER &&
             fabs (self->longitude) <= BD_REPORT_MAX_JSON_NUMBER);
  if (self->polygon != NULL)
    parsed = _bd_report_parse_json (self->polygon, -1, BD_REPORT_MAX_FEATURE_BYTES, NULL);
  if (parsed != NULL)
    polygon = _bd_report_read_polygon (parsed, &ignored_lon, &ignored_lat, NULL);
  if (polygon != NULL && located)
    {
      json_object_set_member (feature, "geometry", g_steal_pointer (&polygon));
      json_object_set_member (props, "point", new_position (self->longitude, self->latitude));
    }
  else if (located)
    {
      JsonObject *point = json_object_new ();

      json_object_set_string_member (point, "type", "Point");
      json_object_set_member (point, "coordinates",
                              new_position (self->longitude, self->latitude));
      json_object_set_object_member (feature, "geometry", point);
    }
  else
    {
      json_object_set_null_member (feature, "geometry");
    }

  _bd_report_fields_to_json (self, props);
  json_object_set_object_member (feature, "properties", props);

  return json_node_init_object (json_node_alloc (), feature);
}

char *
bd_report_to_geojson (BdReport *self)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (BD_IS_REPORT (self), NULL);

  node = bd_report_to_json (self);
  return json_to_string (node, FALSE);
}

char *
bd_reports_to_feature_collection (GPtrArray *reports)
{
  g_autoptr(JsonObject) collection = json_object_new ();
  g_autoptr(JsonNode) root = NULL;
  JsonArray *features;

  g_return_val_if_fail (reports != NULL, NULL);

  features = json_array_sized_new (reports->len);
  for (guint i = 0; i < reports->len; i++)
    json_array_add_element (features, bd_report_to_json (g_ptr_array_index (reports, i)));

  json_object_set_string_member (collection, "type", "FeatureCollection");
  json_object_set_array_member (collection, "features", features);

  root = json_node_init_object (json_node_alloc (), collection);
  return json_to_string (root, FALSE);
}

/* Reading */


static gboolean
read_position (JsonNode   *node,
               double     *longitude,
               double     *latitude,
               JsonArray  *out,
               GError    **error)
{
  JsonArray *array;
  JsonArray *position = NULL;
  guint n;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return _bd_report_parse_error (error, _("A position must be a list of numbers."));

  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (n < 2 || n > 3)
    return _bd_report_parse_error (error, _("A position must have 2 or 3 numbers."));

  for (guint i = 0; i < n; i++)
    {
      double value;

      if (!_bd_report_get_number (json_array_get_element (array, i), &value) ||
          fabs (value) > BD_REPORT_MAX_JSON_NUMBER)
        {
          g_clear_pointer (&position, json_array_unref);
          return _bd_report_parse_error (error, _("The coordinates of a position must be finite numbers."));
        }
      if (i == 0)
        *longitude = value;
      else if (i == 1)
        *latitude = value;

      if (out != NULL)
        {
          if (position == NULL)
            position = json_array_sized_new (n);
          json_array_add_double_element (position, value);
        }
    }

  if (position != NULL)
    json_array_add_array_element (out, position);

  return TRUE;
}

/* Checks the structure of a GeoJSON Polygon and returns a clean copy (type
 * and coordinates only), and the mean of the outer ring's positions. */
JsonNode *
_bd_report_read_polygon (JsonNode  *node,
                         double    *longitude,
                         double    *latitude,
                         GError   **error)
{
  g_autoptr(JsonArray) clean_rings = NULL;
  JsonObject *geometry;
  JsonObject *clean;
  JsonNode *result;
  JsonNode *coordinates;
  JsonNode *type;
  JsonArray *rings;
  double sum_lon = 0, sum_lat = 0;
  guint n_outer = 0;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      _bd_report_parse_error (error, _("The polygon is not an object."));
      return NULL;
    }

  geometry = json_node_get_object (node);
  type = json_object_get_member (geometry, "type");
  if (type == NULL || json_node_get_value_type (type) != G_TYPE_STRING ||
      g_strcmp0 (json_node_get_string (type), "Polygon") != 0)
    {
      _bd_report_parse_error (error, _("The geometry is not a Polygon."));
      return NULL;
    }

  coordinates = json_object_get_member (geometry, "coordinates");
  if (coordinates == NULL || !JSON_NODE_HOLDS_ARRAY (coordinates) ||
      json_array_get_length (json_node_get_array (coordinates)) == 0)
    {
      _bd_report_parse_error (error, _("The polygon has no coordinates."));
      return NULL;
    }

  rings = json_node_get_array (coordinates);
  clean_rings = json_array_sized_new (json_array_get_length (rings));
  for (guint r = 0; r < json_array_get_length (rings); r++)
    {
      JsonNode *ring_node = json_array_get_element (rings, r);
      JsonArray *ring;
      JsonArray *clean_ring;
      guint n;

      if (!JSON_NODE_HOLDS_ARRAY (ring_node))
        {
          _bd_report_parse_error (error, _("A ring of the polygon must be a list of positions."));
          return NULL;
        }

      ring = json_node_get_array (ring_node);
      n = json_array_get_length (ring);
      if (n == 0)
        {
          _bd_report_parse_error (error, _("A ring of the polygon is empty."));
          return NULL;
        }

      clean_ring = json_array_sized_new (n);
      json_array_add_array_element (clean_rings, clean_ring);

      for (guint i = 0; i < n; i++)
        {
          double lon = 0, lat = 0;

          if (!read_position (json_array_get_element (ring, i), &lon, &lat, clean_ring, error))
            return NULL;

          /* The outer ring, without its closing position */
          if (r == 0 && (i + 1 < n || n == 1))
            {
              sum_lon += lon;
              sum_lat += lat;
              n_outer++;
            }
        }
    }

  *longitude = sum_lon / n_outer;
  *latitude = sum_lat / n_outer;

  clean = json_object_new ();
  json_object_set_string_member (clean, "type", "Polygon");
  json_object_set_array_member (clean, "coordinates", g_steal_pointer (&clean_rings));

  result = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (result, clean);
  return result;
}

BdReport *
bd_report_new_from_json (JsonNode  *node,
                         GError   **error)
{
  g_autoptr(BdReport) self = NULL;
  g_autofree char *polygon = NULL;
  JsonObject *feature;
  JsonObject *geometry;
  JsonObject *props = NULL;
  JsonNode *member;
  const char *type;
  const char *text;
  double latitude = NAN, longitude = NAN;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      _bd_report_parse_error (error, _("The data is not a GeoJSON Feature object."));
      return NULL;
    }

  feature = json_node_get_object (node);

  if (!read_member_string (feature, "type", &type, error))
    return NULL;
  if (g_strcmp0 (type, "Feature") != 0)
    {
      _bd_report_parse_error (error, _("The data is not a GeoJSON Feature."));
      return NULL;
    }

  if (!read_member_string (feature, "id", &text, error))
    return NULL;
  if (text == NULL)
    {
      _bd_report_parse_error (error, _("The feature has no id."));
      return NULL;
    }

  self = g_object_new (BD_TYPE_REPORT, NULL);
  self->id = g_strdup (text);

  /* geometry */
  member = json_object_get_member (feature, "geometry");
  if (member == NULL || !JSON_NODE_HOLDS_OBJECT (member))
    {
      _bd_report_parse_error (error, _("The feature has no geometry."));
      return NULL;
    }
  geometry = json_node_get_object (member);
  if (!read_member_string (geometry, "type", &type, error))
    return NULL;

  member = json_object_get_member (feature, "properties");
  if (member != NULL && JSON_NODE_HOLDS_OBJECT (member))
    props = json_node_get_object (member);
  else if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    {
      _bd_report_parse_error (error, _("The feature’s properties must be an object."));
      return NULL;
    }

  if (g_strcmp0 (type, "Point") == 0)
    {
      if (!read_position (json_object_get_member (geometry, "coordinates"),
                          &longitude, &latitude, NULL, error))
        return NULL;
    }
  else if (g_strcmp0 (type, "Polygon") == 0)
    {
      g_autoptr(JsonNode) clean = NULL;

      clean = _bd_report_read_polygon (json_object_get_member (feature, "geometry"),
                                       &longitude, &latitude, error);
      if (clean == NULL)
        return NULL;

      member = props ? json_object_get_member (props, "point") : NULL;
      if (member != NULL && !JSON_NODE_HOLDS_NULL (member) &&
          !read_position (member, &longitude, &latitude, NULL, error))
        return NULL;

      polygon = json_to_string (clean, FALSE);
    }
  else
    {
      _bd_report_parse_error (error, _("The geometry must be a Point or a Polygon."));
      return NULL;
    }

  self->latitude = latitude;
  self->longitude = longitude;
  self->polygon = g_steal_pointer (&polygon);

  if (props == NULL)
    return g_steal_pointer (&self);

  /* properties: see the table in bd-report-fields.c */
  if (!_bd_report_fields_from_json (self, props, error))
    return NULL;

  return g_steal_pointer (&self);
}

BdReport *
bd_report_new_from_geojson (const char  *text,
                            gssize       length,
                            GError     **error)
{
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  root = _bd_report_parse_json (text, length, BD_REPORT_MAX_FEATURE_BYTES, error);
  if (root == NULL)
    return NULL;

  return bd_report_new_from_json (root, error);
}

GPtrArray *
bd_reports_from_feature_collection (const char  *text,
                                    gssize       length,
                                    GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) reports = NULL;
  JsonObject *object;
  JsonNode *features;
  JsonArray *array;
  const char *type;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  root = _bd_report_parse_json (text, length, BD_REPORT_MAX_COLLECTION_BYTES, error);
  if (root == NULL)
    return NULL;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      _bd_report_parse_error (error, _("The data is not a GeoJSON FeatureCollection or Feature."));
      return NULL;
    }

  object = json_node_get_object (root);
  if (!read_member_string (object, "type", &type, error))
    return NULL;

  reports = g_ptr_array_new_with_free_func (g_object_unref);

  if (g_strcmp0 (type, "Feature") == 0)
    {
      BdReport *report = bd_report_new_from_json (root, error);

      if (report == NULL)
        return NULL;
      g_ptr_array_add (reports, report);
      return g_steal_pointer (&reports);
    }

  if (g_strcmp0 (type, "FeatureCollection") != 0)
    {
      _bd_report_parse_error (error, _("The data is not a GeoJSON FeatureCollection or Feature."));
      return NULL;
    }

  features = json_object_get_member (object, "features");
  if (features == NULL || !JSON_NODE_HOLDS_ARRAY (features))
    {
      _bd_report_parse_error (error, _("The FeatureCollection has no list of features."));
      return NULL;
    }

  array = json_node_get_array (features);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autoptr(GError) local_error = NULL;
      BdReport *report = bd_report_new_from_json (json_array_get_element (array, i), &local_error);

      if (report == NULL)
        {
          /* Translators: "Feature 3: The feature has no geometry." (counted from 1) */
          _bd_report_parse_error (error, _("Feature %u: %s"), i + 1, local_error->message);
          return NULL;
        }
      g_ptr_array_add (reports, report);
    }

  return g_steal_pointer (&reports);
}
