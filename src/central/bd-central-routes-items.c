/* bd-central-routes-items.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Reading features: the items page (bbox, datetime, limit, offset; the
 * since_seq change feed is in bd-central-routes-feed.c) and one feature. */

#define G_LOG_DOMAIN "bd-central"

#include "config.h"

#include "bd-central-server-private.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "bd-time.h"

static gboolean
parse_int_param (GHashTable *query,
                 const char *name,
                 gint64      min,
                 gint64      max,
                 gint64     *value)
{
  const char *text = query ? g_hash_table_lookup (query, name) : NULL;
  guint64 parsed;

  if (text == NULL)
    return TRUE;
  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, &parsed, NULL) ||
      (gint64) parsed < min)
    return FALSE;
  *value = MIN ((gint64) parsed, max);
  return TRUE;
}

static gboolean
parse_bbox (const char     *text,
            BdCentralQuery *query)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", 7);
  guint n = g_strv_length (parts);
  double v[6];

  if (n != 4 && n != 6)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      char *end = NULL;

      v[i] = g_ascii_strtod (parts[i], &end);
      if (end == parts[i] || *end != '\0' || !isfinite (v[i]))
        return FALSE;
    }
  if (n == 6)
    {
      /* minlon, minlat, minh, maxlon, maxlat, maxh */
      v[2] = v[3];
      v[3] = v[4];
    }
  query->min_lon = v[0];
  query->min_lat = v[1];
  query->max_lon = v[2];
  query->max_lat = v[3];
  query->has_bbox = TRUE;
  return query->min_lon <= query->max_lon && query->min_lat <= query->max_lat &&
         query->min_lat >= -90 && query->max_lat <= 90;
}

/* One end of a datetime: an RFC 3339 date-time (bd_parse_timestamp ()),
 * or "" or ".." for an open end. */
static gboolean
parse_instant (const char *text,
               gboolean   *open,
               gint64     *value)
{
  g_autoptr(GDateTime) when = NULL;

  if (text[0] == '\0' || strcmp (text, "..") == 0)
    {
      *open = TRUE;
      return TRUE;
    }
  *open = FALSE;
  when = bd_parse_timestamp (text);
  if (when == NULL)
    return FALSE;
  *value = bd_date_time_to_usec (when);
  return TRUE;
}

static gboolean
parse_datetime (const char     *text,
                BdCentralQuery *query)
{
  const char *slash = strchr (text, '/');
  gboolean open;

  if (strlen (text) > 100)
    return FALSE;

  if (slash == NULL)
    {
      if (!parse_instant (text, &open, &query->start) || open)
        return FALSE;
      query->end = query->start;
      query->has_start = query->has_end = TRUE;
      return TRUE;
    }
  else
    {
      g_autofree char *start = g_strndup (text, (gsize) (slash - text));
      gboolean start_open, end_open;

      if (strchr (slash + 1, '/') != NULL ||
          !parse_instant (start, &start_open, &query->start) ||
          !parse_instant (slash + 1, &end_open, &query->end) ||
          (start_open && end_open))
        return FALSE;
      query->has_start = !start_open;
      query->has_end = !end_open;
      return !query->has_start || !query->has_end || query->start <= query->end;
    }
}

/* The URL of this request with some query parameters replaced. */
char *
_bd_central_page_url (Request    *r,
                      const char *name,
                      const char *value)
{
  g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *encoded = NULL;
  const char *path = _bd_central_request_path (r->msg);

  if (r->query != NULL)
    {
      GHashTableIter iter;
      gpointer key, val;

      g_hash_table_iter_init (&iter, r->query);
      while (g_hash_table_iter_next (&iter, &key, &val))
        g_hash_table_insert (params, key, val);
    }
  if (name != NULL)
    g_hash_table_insert (params, (gpointer) name, (gpointer) value);
  if (g_hash_table_size (params) == 0)
    return g_strconcat (r->base, path, NULL);
  encoded = soup_form_encode_hash (params);
  return g_strconcat (r->base, path, "?", encoded, NULL);
}

static void
append_features (GString   *out,
                 GPtrArray *features)
{
  g_string_append (out, "\"features\":[");
  for (guint i = 0; i < features->len; i++)
    {
      BdCentralFeature *feature = g_ptr_array_index (features, i);

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, feature->feature);
    }
  g_string_append (out, "]}");
}

/* A FeatureCollection page: @count_member ("numberMatched", or the feed's
 * "next_since_seq") set to @count, then numberReturned, timeStamp, the
 * self, collection and (when @next_url) next links, and @features. */
void
_bd_central_respond_page (Request    *r,
                          GPtrArray  *features,
                          const char *count_member,
                          gint64      count,
                          const char *next_url)
{
  g_autoptr(JsonBuilder) links = json_builder_new ();
  g_autoptr(JsonNode) links_node = NULL;
  g_autofree char *links_text = NULL;
  g_autofree char *self_url = NULL;
  g_autofree char *stamp = bd_timestamp_now_utc ();
  GString *out;

  self_url = _bd_central_page_url (r, NULL, NULL);
  json_builder_begin_array (links);
  _bd_central_add_link (links, self_url, "self", GEOJSON_TYPE, NULL);
  _bd_central_add_link_printf (links, "collection", JSON_TYPE, NULL, "%s/collections/%s", r->base,
                               r->collection);
  if (next_url != NULL)
    _bd_central_add_link (links, next_url, "next", GEOJSON_TYPE, NULL);
  json_builder_end_array (links);
  links_node = json_builder_get_root (links);
  links_text = json_to_string (links_node, FALSE);

  out = g_string_sized_new (4096);
  g_string_append (out, "{\"type\":\"FeatureCollection\"");
  g_string_append_printf (out, ",\"%s\":%" G_GINT64_FORMAT, count_member, count);
  g_string_append_printf (out, ",\"numberReturned\":%u,\"timeStamp\":\"%s\",\"links\":%s,",
                          features->len, stamp, links_text);
  append_features (out, features);

  soup_server_message_set_status (r->msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (r->msg, GEOJSON_TYPE, SOUP_MEMORY_TAKE,
                                    out->str, out->len);
  g_string_free (out, FALSE);
}

void
_bd_central_handle_items (Request *r)
{
  BdCentralQuery query = { 0 };
  g_autoptr(GPtrArray) features = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *next = NULL;
  gint64 since_seq = -1, n_matched = 0;
  const char *text;

  query.limit = BD_CENTRAL_DEFAULT_LIMIT;
  if (!parse_int_param (r->query, "limit", 1, BD_CENTRAL_MAX_LIMIT, &query.limit))
    {
      _bd_central_respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "bad-parameter",
                                 _("The parameter “limit” must be a whole number from 1 up."));
      return;
    }
  if (!parse_int_param (r->query, "offset", 0, G_MAXINT64, &query.offset))
    {
      _bd_central_respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "bad-parameter",
                                 _("The parameter “offset” must be a whole number from 0 up."));
      return;
    }
  if (!parse_int_param (r->query, "since_seq", 0, G_MAXINT64, &since_seq))
    {
      _bd_central_respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "bad-parameter",
                                 _("The parameter “since_seq” must be a whole number from 0 up."));
      return;
    }
  text = r->query ? g_hash_table_lookup (r->query, "bbox") : NULL;
  if (text != NULL && !parse_bbox (text, &query))
    {
      _bd_central_respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "bad-parameter",
                                 _("The parameter “bbox” must be minlon,minlat,maxlon,maxlat."));
      return;
    }
  text = r->query ? g_hash_table_lookup (r->query, "datetime") : NULL;
  if (text != NULL && !parse_datetime (text, &query))
    {
      _bd_central_respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "bad-parameter",
                                 _("The parameter “datetime” must be an RFC 3339 instant or an "
                                   "interval start/end (either end may be “..”)."));
      return;
    }
  if (since_seq >= 0 && (query.has_bbox || query.has_start || query.has_end || query.offset > 0))
    {
      _bd_central_respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "bad-parameter",
                                 _("The parameter “since_seq” cannot be combined with bbox, "
                                   "datetime or offset."));
      return;
    }

  if (since_seq >= 0)
    {
      _bd_central_respond_feed (r, since_seq, query.limit);
      return;
    }

  features = bd_central_store_list (r->server->store, r->collection, &query,
                                    &n_matched, &error);
  if (features == NULL)
    {
      g_warning ("%s", error->message);
      _bd_central_respond_error (r->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                                 error->message);
      return;
    }
  if (query.offset + (gint64) features->len < n_matched)
    {
      g_autofree char *offset = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                 query.offset + (gint64) features->len);

      next = _bd_central_page_url (r, "offset", offset);
    }
  _bd_central_respond_page (r, features, "numberMatched", n_matched, next);
}

void
_bd_central_respond_feature (Request                *r,
                             guint                   status,
                             const BdCentralFeature *feature)
{
  _bd_central_set_etag (r->msg, feature->rev);
  _bd_central_respond_json (r->msg, status, GEOJSON_TYPE, g_strdup (feature->feature));
}

void
_bd_central_handle_item_get (Request *r)
{
  g_autoptr(BdCentralFeature) feature = NULL;
  g_autoptr(GError) error = NULL;

  feature = bd_central_store_get (r->server->store, r->collection, r->id, &error);
  if (error != NULL)
    {
      _bd_central_respond_error (r->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                                 error->message);
      return;
    }
  if (feature == NULL)
    {
      _bd_central_respond_error (r->msg, SOUP_STATUS_NOT_FOUND, "not-found",
                                 _("There is no such feature."));
      return;
    }
  if (feature->deleted)
    {
      _bd_central_respond_error (r->msg, SOUP_STATUS_GONE, "deleted",
                                 _("The feature has been deleted."));
      return;
    }
  _bd_central_respond_feature (r, SOUP_STATUS_OK, feature);
}
