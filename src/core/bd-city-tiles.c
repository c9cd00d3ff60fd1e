/* bd-city-tiles.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-city-tiles"

#include "config.h"

#include "bd-city-tiles.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "bd-json.h"

G_DEFINE_QUARK (bd-city-tiles-error-quark, bd_city_tiles_error)
G_DEFINE_BOXED_TYPE (BdCityTileSet, bd_city_tile_set, bd_city_tile_set_copy, bd_city_tile_set_free)

BdCityTileSet *
bd_city_tile_set_copy (const BdCityTileSet *set)
{
  BdCityTileSet *copy = g_new0 (BdCityTileSet, 1);

  *copy = *set;
  copy->name = g_strdup (set->name);
  copy->attribution = g_strdup (set->attribution);
  copy->format = g_strdup (set->format);
  copy->url_template = g_strdup (set->url_template);
  return copy;
}

void
bd_city_tile_set_free (BdCityTileSet *set)
{
  if (set == NULL)
    return;
  g_free (set->name);
  g_free (set->attribution);
  g_free (set->format);
  g_free (set->url_template);
  g_free (set);
}

char *
bd_city_tile_set_tile_url (const BdCityTileSet *set,
                           guint                z,
                           guint                x,
                           guint                y)
{
  g_autoptr(GString) url = g_string_new (set->url_template);
  char number[16];

  g_snprintf (number, sizeof number, "%u", z);
  g_string_replace (url, "{z}", number, 1);
  g_snprintf (number, sizeof number, "%u", x);
  g_string_replace (url, "{x}", number, 1);
  g_snprintf (number, sizeof number, "%u", y);
  g_string_replace (url, "{y}", number, 1);
  return g_string_free (g_steal_pointer (&url), FALSE);
}

gboolean
bd_city_tiles_url_on_server (const char *url,
                             const char *server_url)
{
  g_autoptr(GUri) a = NULL;
  g_autoptr(GUri) b = NULL;

  if (url == NULL || server_url == NULL)
    return FALSE;
  a = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  b = g_uri_parse (server_url, G_URI_FLAGS_ENCODED, NULL);
  if (a == NULL || b == NULL || g_uri_get_host (a) == NULL || g_uri_get_host (b) == NULL)
    return FALSE;
  return g_ascii_strcasecmp (g_uri_get_scheme (a), g_uri_get_scheme (b)) == 0 &&
         g_ascii_strcasecmp (g_uri_get_host (a), g_uri_get_host (b)) == 0 &&
         g_uri_get_port (a) == g_uri_get_port (b) &&
         g_uri_get_userinfo (a) == NULL;
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
member_number (JsonObject *object,
               const char *name,
               double     *value)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    *value = (double) json_node_get_int (node);
  else if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    *value = json_node_get_double (node);
  else
    return FALSE;
  return isfinite (*value);
}

static BdCityTileSet *
set_from_object (JsonObject *object,
                 const char *server_url)
{
  g_autoptr(BdCityTileSet) set = g_new0 (BdCityTileSet, 1);
  JsonArray *bounds;
  JsonNode *node;
  const char *name = member_string (object, "name");
  const char *url = member_string (object, "url");
  const char *format = member_string (object, "format");
  const char *attribution = member_string (object, "attribution");
  double min_zoom, max_zoom;
  double b[4];

  if (name == NULL || name[0] == '\0' || strlen (name) > 64 || url == NULL ||
      strlen (url) > 2048 || strstr (url, "{z}") == NULL || strstr (url, "{x}") == NULL ||
      strstr (url, "{y}") == NULL || !bd_city_tiles_url_on_server (url, server_url))
    return NULL;
  if (!member_number (object, "minzoom", &min_zoom) || !member_number (object, "maxzoom", &max_zoom) ||
      min_zoom < 0 || max_zoom > 24 || min_zoom > max_zoom)
    return NULL;
  node = json_object_get_member (object, "bounds");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  bounds = json_node_get_array (node);
  if (json_array_get_length (bounds) != 4)
    return NULL;
  for (guint i = 0; i < 4; i++)
    {
      JsonNode *v = json_array_get_element (bounds, i);

      if (!JSON_NODE_HOLDS_VALUE (v) || (json_node_get_value_type (v) != G_TYPE_DOUBLE &&
                                         json_node_get_value_type (v) != G_TYPE_INT64))
        return NULL;
      b[i] = json_node_get_double (v);
      if (!isfinite (b[i]))
        return NULL;
    }
  if (b[0] < -180 || b[2] > 180 || b[0] >= b[2] || b[1] < -90 || b[3] > 90 || b[1] >= b[3])
    return NULL;

  set->name = g_strdup (name);
  set->url_template = g_strdup (url);
  set->format = g_strdup (format != NULL ? format : "png");
  set->attribution = g_strdup (attribution != NULL ? attribution : "");
  set->min_zoom = (guint) min_zoom;
  set->max_zoom = (guint) max_zoom;
  set->min_lon = b[0];
  set->min_lat = b[1];
  set->max_lon = b[2];
  set->max_lat = b[3];
  node = json_object_get_member (object, "overlay");
  set->overlay = node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
                 json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
  return g_steal_pointer (&set);
}

GPtrArray *
bd_city_tiles_parse (const char  *data,
                     gsize        length,
                     const char  *server_url,
                     GError     **error)
{
  g_autoptr(JsonNode) root = bd_json_parse (data, length, BD_CITY_TILES_MAX_LIST_BYTES, error);
  g_autoptr(GPtrArray) sets = NULL;
  JsonNode *list;
  JsonArray *array;

  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root) ||
      (list = json_object_get_member (json_node_get_object (root), "tilesets")) == NULL ||
      !JSON_NODE_HOLDS_ARRAY (list))
    {
      g_set_error_literal (error, BD_CITY_TILES_ERROR, BD_CITY_TILES_ERROR_INVALID,
                           _("The server’s list of map tiles is not an object with “tilesets”."));
      return NULL;
    }
  array = json_node_get_array (list);
  sets = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_city_tile_set_free);
  for (guint i = 0; i < json_array_get_length (array) && sets->len < BD_CITY_TILES_MAX_SETS; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      BdCityTileSet *set;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      set = set_from_object (json_node_get_object (element), server_url);
      if (set != NULL)
        g_ptr_array_add (sets, set);
      else
        g_debug ("Tile set %u of the server's list left out", i);
    }
  return g_steal_pointer (&sets);
}

SoupMessage *
bd_city_tiles_request_new (const char *url,
                           const char *token)
{
  SoupMessage *msg = soup_message_new (SOUP_METHOD_GET, url);

  if (msg == NULL)
    return NULL;
  if (token != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  return msg;
}

/* ------------------------------------------------------------ fetch */

typedef struct
{
  char        *server_url;
  SoupMessage *msg;
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  g_free (fetch->server_url);
  g_clear_object (&fetch->msg);
  g_free (fetch);
}

static void
on_list_read_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  GPtrArray *sets;
  guint status;

  g_signal_handlers_disconnect_by_data (fetch->msg, task);
  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  status = soup_message_get_status (fetch->msg);
  if (status != SOUP_STATUS_OK)
    {
      g_task_return_new_error (task, BD_CITY_TILES_ERROR, BD_CITY_TILES_ERROR_HTTP,
                               _("The server answered %u for its list of map tiles."), status);
      return;
    }
  if (g_bytes_get_size (body) > BD_CITY_TILES_MAX_LIST_BYTES)
    {
      g_task_return_new_error (task, BD_CITY_TILES_ERROR, BD_CITY_TILES_ERROR_INVALID,
                               _("The server’s list of map tiles is too large."));
      return;
    }
  sets = bd_city_tiles_parse (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                              fetch->server_url, &error);
  if (sets == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, sets, (GDestroyNotify) g_ptr_array_unref);
}

/* Reads a body only of a known length within the bound (libsoup then
 * reads exactly that many bytes). */
static void
on_got_headers_cb (SoupMessage *msg,
                   gpointer     user_data)
{
  GTask *task = user_data;
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);

  if (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH ||
      soup_message_headers_get_content_length (headers) > BD_CITY_TILES_MAX_LIST_BYTES)
    g_cancellable_cancel (g_task_get_cancellable (task));
}

void
bd_city_tiles_fetch_async (SoupSession         *session,
                           const char          *server_url,
                           const char          *token,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GCancellable) own = cancellable ? g_object_ref (cancellable) : g_cancellable_new ();
  GTask *task = g_task_new (NULL, own, callback, user_data);
  Fetch *fetch = g_new0 (Fetch, 1);
  const char *slash;
  g_autofree char *url = NULL;

  g_task_set_source_tag (task, bd_city_tiles_fetch_async);
  g_task_set_task_data (task, fetch, (GDestroyNotify) fetch_free);
  if (server_url == NULL)
    {
      g_task_return_new_error (task, BD_CITY_TILES_ERROR, BD_CITY_TILES_ERROR_HTTP,
                               _("No server is set."));
      g_object_unref (task);
      return;
    }
  slash = g_str_has_suffix (server_url, "/") ? "" : "/";
  url = g_strconcat (server_url, slash, "tiles", NULL);
  fetch->server_url = g_strdup (server_url);
  fetch->msg = bd_city_tiles_request_new (url, token);
  if (fetch->msg == NULL)
    {
      g_task_return_new_error (task, BD_CITY_TILES_ERROR, BD_CITY_TILES_ERROR_HTTP,
                               _("“%s” is not a server’s address."), server_url);
      g_object_unref (task);
      return;
    }
  g_signal_connect (fetch->msg, "got-headers", G_CALLBACK (on_got_headers_cb), task);
  soup_session_send_and_read_async (session, fetch->msg, G_PRIORITY_DEFAULT, own,
                                    on_list_read_cb, task);
}

GPtrArray *
bd_city_tiles_fetch_finish (GAsyncResult  *result,
                            GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
