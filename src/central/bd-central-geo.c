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
#include "bd-feature-validate.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

G_DEFINE_QUARK (bd-central-geo-error-quark, bd_central_geo_error)

static gboolean
invalid (GError     **error,
         const char  *message)
{
  g_set_error_literal (error, BD_CENTRAL_GEO_ERROR, BD_CENTRAL_GEO_ERROR_INVALID, message);
  return FALSE;
}

/* The client's check (core's bd-feature-validate.c), so that the server
 * and the desks agree on what a geometry is; its error in our domain. */
gboolean
bd_central_geometry_check (JsonNode  *geometry,
                           double     bbox[4],
                           GError   **error)
{
  BdFeatureInfo info = { 0 };
  g_autoptr(GError) local_error = NULL;

  if (!bd_feature_check_geometry (geometry, 0, &info, &local_error))
    return invalid (error, local_error->message);

  if (bbox != NULL)
    memcpy (bbox, info.bbox, sizeof info.bbox);
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
