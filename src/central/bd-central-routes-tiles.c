/* bd-central-routes-tiles.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* GET /tiles (the tile sets, as JSON) and GET /tiles/{name}/{z}/{x}/{y}
 * (one tile, XYZ: y counted from the north; the MBTiles row is flipped). */

#define G_LOG_DOMAIN "bd-central"

#include "config.h"

#include "bd-central-server-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bd-central-tiles.h"

static gboolean
is_get (const char *method)
{
  return method == SOUP_METHOD_GET || method == SOUP_METHOD_HEAD;
}

static void
handle_list (Request *r)
{
  g_autoptr(GPtrArray) sets = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  sets = bd_central_store_tile_sets_list (r->server->store, &error);
  if (sets == NULL)
    {
      _bd_central_respond_error (r->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                                 error->message);
      return;
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "tilesets");
  json_builder_begin_array (builder);
  for (guint i = 0; i < sets->len; i++)
    {
      const BdCentralTileSet *set = g_ptr_array_index (sets, i);
      g_autofree char *url = g_strdup_printf ("%s/tiles/%s/{z}/{x}/{y}", r->base, set->name);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, set->name);
      json_builder_set_member_name (builder, "bounds");
      json_builder_begin_array (builder);
      json_builder_add_double_value (builder, set->min_lon);
      json_builder_add_double_value (builder, set->min_lat);
      json_builder_add_double_value (builder, set->max_lon);
      json_builder_add_double_value (builder, set->max_lat);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "minzoom");
      json_builder_add_int_value (builder, set->min_zoom);
      json_builder_set_member_name (builder, "maxzoom");
      json_builder_add_int_value (builder, set->max_zoom);
      json_builder_set_member_name (builder, "attribution");
      json_builder_add_string_value (builder, set->attribution);
      json_builder_set_member_name (builder, "format");
      json_builder_add_string_value (builder, set->format);
      json_builder_set_member_name (builder, "overlay");
      json_builder_add_boolean_value (builder, set->overlay);
      json_builder_set_member_name (builder, "url");
      json_builder_add_string_value (builder, url);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  soup_message_headers_replace (soup_server_message_get_response_headers (r->msg),
                                "Cache-Control", "private, no-cache");
  _bd_central_respond_node (r->msg, SOUP_STATUS_OK, JSON_TYPE, json_builder_get_root (builder));
}

static gboolean
parse_coordinate (const char *text,
                  guint64     max,
                  guint      *value)
{
  guint64 v;

  if (text == NULL || strlen (text) > 10 ||
      !g_ascii_string_to_unsigned (text, 10, 0, max, &v, NULL))
    return FALSE;
  *value = (guint) v;
  return TRUE;
}

/* Does If-None-Match name @etag (or "*")? */
static gboolean
etag_matches (SoupServerMessage *msg,
              const char        *etag)
{
  const char *header = soup_message_headers_get_list (soup_server_message_get_request_headers (msg),
                                                      "If-None-Match");
  g_auto(GStrv) tags = NULL;

  if (header == NULL || strlen (header) > 8192)
    return FALSE;
  tags = g_strsplit (header, ",", 64);
  for (guint i = 0; tags[i] != NULL; i++)
    {
      const char *tag = g_strstrip (tags[i]);

      if (g_str_has_prefix (tag, "W/"))
        tag += 2;
      if (strcmp (tag, "*") == 0 || strcmp (tag, etag) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
handle_tile (Request            *r,
             const char * const *parts)
{
  g_autoptr(BdCentralTileSet) set = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *y_text = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *etag = NULL;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (r->msg);
  const char *dot;
  guint z, x, y;

  if (!bd_central_tiles_name_is_valid (parts[1]))
    goto not_found;
  set = bd_central_store_tile_set_get (r->server->store, parts[1], &error);
  if (error != NULL)
    {
      _bd_central_respond_error (r->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                                 error->message);
      return;
    }
  if (set == NULL)
    {
      _bd_central_respond_error (r->msg, SOUP_STATUS_NOT_FOUND, "not-found",
                                 _("There is no such tile set."));
      return;
    }
  /* y, or y.png / y.jpg / y.webp */
  dot = strchr (parts[4], '.');
  y_text = dot ? g_strndup (parts[4], (gsize) (dot - parts[4])) : g_strdup (parts[4]);
  if (!parse_coordinate (parts[2], BD_CENTRAL_TILE_MAX_ZOOM, &z) ||
      !parse_coordinate (parts[3], G_MAXUINT32, &x) ||
      !parse_coordinate (y_text, G_MAXUINT32, &y) ||
      (guint64) x >= ((guint64) 1 << z) || (guint64) y >= ((guint64) 1 << z))
    {
      _bd_central_respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "bad-tile",
                                 _("A tile is named by its zoom, column and row: /tiles/NAME/Z/X/Y."));
      return;
    }

  bytes = bd_central_tile_reader_get (r->server->tiles, set, z, x, y, &error);
  if (error != NULL)
    {
      g_warning ("%s", error->message);
      _bd_central_respond_error (r->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                                 error->message);
      return;
    }
  if (bytes == NULL)
    {
      soup_message_headers_replace (headers, "Cache-Control", "private, max-age=3600");
      _bd_central_respond_error (r->msg, SOUP_STATUS_NOT_FOUND, "not-found",
                                 _("The tile set holds no such tile."));
      return;
    }

  hash = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  etag = g_strdup_printf ("\"%.32s\"", hash);
  soup_message_headers_replace (headers, "ETag", etag);
  soup_message_headers_replace (headers, "Cache-Control", "private, max-age=86400");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  if (etag_matches (r->msg, etag))
    {
      soup_server_message_set_status (r->msg, SOUP_STATUS_NOT_MODIFIED, NULL);
      return;
    }
  soup_message_headers_set_content_type (headers, bd_central_tiles_content_type (set->format),
                                         NULL);
  soup_server_message_set_status (r->msg, SOUP_STATUS_OK, NULL);
  soup_message_body_append_bytes (soup_server_message_get_response_body (r->msg), bytes);
  return;

not_found:
  _bd_central_respond_error (r->msg, SOUP_STATUS_NOT_FOUND, "not-found",
                             _("There is no such tile set."));
}

void
_bd_central_route_tiles (Request            *r,
                         const char * const *parts,
                         guint               n)
{
  const char *method = soup_server_message_get_method (r->msg);

  if (n != 1 && n != 5)
    {
      _bd_central_respond_error (r->msg, SOUP_STATUS_NOT_FOUND, "not-found",
                                 _("There is no such resource."));
      return;
    }
  if (!is_get (method))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (r->msg),
                                    "Allow", "GET, HEAD");
      _bd_central_respond_error (r->msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method-not-allowed",
                                 _("This method is not allowed here."));
      return;
    }
  if (n == 1)
    handle_list (r);
  else
    handle_tile (r, parts);
}
