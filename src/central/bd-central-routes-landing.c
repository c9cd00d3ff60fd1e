/* bd-central-routes-landing.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The read-only documents of OGC API – Features Part 1 Core: the landing
 * page, the API definition, conformance and the collections. */

#define G_LOG_DOMAIN "bd-central"

#include "config.h"

#include "bd-central-server-private.h"

#include <glib/gi18n-lib.h>

#include "bd-catalog.h"
#include "bd-central-openapi.h"

static const char * const collection_titles[][2] = {
  { "reports", N_("Damage reports") },
  { "shelters", N_("Shelters") },
  { "areas", N_("Affected areas and road closures") },
  { "alerts", N_("Alerts") },
};

void
_bd_central_handle_landing (Request *r)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, _("Bosai Desk central disaster information system"));
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder,
                                 _("Damage reports, shelters, affected areas and alerts of "
                                   "Osaka City, as OGC API – Features."));
  json_builder_set_member_name (builder, "links");
  json_builder_begin_array (builder);
  _bd_central_add_link_printf (builder, "self", JSON_TYPE, _("This document"), "%s/", r->base);
  _bd_central_add_link_printf (builder, "service-desc",
                               "application/vnd.oai.openapi+json;version=3.0",
                               _("The API definition"), "%s/api", r->base);
  _bd_central_add_link_printf (builder, "conformance", JSON_TYPE, _("Conformance classes"),
                               "%s/conformance", r->base);
  _bd_central_add_link_printf (builder, "data", JSON_TYPE, _("Collections"), "%s/collections",
                               r->base);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  node = json_builder_get_root (builder);
  _bd_central_respond_node (r->msg, SOUP_STATUS_OK, JSON_TYPE, node);
}

void
_bd_central_handle_api (Request *r)
{
  _bd_central_respond_json (r->msg, SOUP_STATUS_OK, "application/vnd.oai.openapi+json;version=3.0",
                            g_strdup (bd_central_openapi_json));
}

void
_bd_central_handle_conformance (Request *r)
{
  static const char * const classes[] = {
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
  };
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "conformsTo");
  json_builder_begin_array (builder);
  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    json_builder_add_string_value (builder, classes[i]);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  node = json_builder_get_root (builder);
  _bd_central_respond_node (r->msg, SOUP_STATUS_OK, JSON_TYPE, node);
}

static void
build_collection (Request     *r,
                  JsonBuilder *builder,
                  guint        index)
{
  const char *id = collection_titles[index][0];

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, _(collection_titles[index][1]));
  json_builder_set_member_name (builder, "itemType");
  json_builder_add_string_value (builder, "feature");
  json_builder_set_member_name (builder, "crs");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, CRS84);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "extent");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "spatial");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "bbox");
  json_builder_begin_array (builder);
  json_builder_begin_array (builder);
  json_builder_add_double_value (builder, BD_CITY_MIN_LON);
  json_builder_add_double_value (builder, BD_CITY_MIN_LAT);
  json_builder_add_double_value (builder, BD_CITY_MAX_LON);
  json_builder_add_double_value (builder, BD_CITY_MAX_LAT);
  json_builder_end_array (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "crs");
  json_builder_add_string_value (builder, CRS84);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "links");
  json_builder_begin_array (builder);
  _bd_central_add_link_printf (builder, "self", JSON_TYPE, NULL, "%s/collections/%s", r->base, id);
  _bd_central_add_link_printf (builder, "items", GEOJSON_TYPE, NULL, "%s/collections/%s/items",
                               r->base, id);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

static int
collection_index (const char *collection)
{
  for (guint i = 0; i < G_N_ELEMENTS (collection_titles); i++)
    {
      if (g_strcmp0 (collection_titles[i][0], collection) == 0)
        return (int) i;
    }
  return -1;
}

void
_bd_central_handle_collections (Request *r)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "links");
  json_builder_begin_array (builder);
  _bd_central_add_link_printf (builder, "self", JSON_TYPE, NULL, "%s/collections", r->base);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "collections");
  json_builder_begin_array (builder);
  for (guint i = 0; i < G_N_ELEMENTS (collection_titles); i++)
    build_collection (r, builder, i);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  node = json_builder_get_root (builder);
  _bd_central_respond_node (r->msg, SOUP_STATUS_OK, JSON_TYPE, node);
}

void
_bd_central_handle_collection (Request *r)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  build_collection (r, builder, (guint) collection_index (r->collection));
  node = json_builder_get_root (builder);
  _bd_central_respond_node (r->msg, SOUP_STATUS_OK, JSON_TYPE, node);
}
