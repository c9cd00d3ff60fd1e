/* bd-central-server.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-central"

#include "config.h"

#include "bd-central-server.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <math.h>
#include <string.h>

#include "bd-catalog.h"
#include "bd-central-geo.h"
#include "bd-central-openapi.h"
#include "bd-report.h"

#define CRS84 "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
#define GEOJSON_TYPE "application/geo+json"
#define JSON_TYPE "application/json"

/* Data attached to each message (g_object_set_data). */
#define MSG_TOKEN "bd-token"
#define MSG_IN_FLIGHT "bd-in-flight"
#define MSG_TOO_LARGE "bd-too-large"
#define MSG_BODY_BYTES "bd-body-bytes"

struct _BdCentralServer
{
  SoupServer     *soup;
  BdCentralStore *store;
  guint           in_flight;
  gboolean        shutting_down;
};

typedef struct
{
  BdCentralServer   *server;
  SoupServerMessage *msg;
  BdCentralToken    *token;       /* owned by msg */
  const char        *collection;
  const char        *id;
  GHashTable        *query;
  char              *base;        /* "http://host:port", no trailing slash */
} Request;

/* What a write's check saw, for the response. */
typedef struct
{
  Request          *request;
  const char       *if_match;
  gboolean          if_none_match;
  gboolean          must_not_exist;  /* POST */
  gboolean          is_delete;       /* a replace of a tombstone restores it */
  BdCentralFeature *current;         /* copy of the current feature on a 412 */
  guint             status;
  const char       *code;
} WriteCheck;

static const char * const collection_titles[][2] = {
  { "reports", N_("Damage reports") },
  { "shelters", N_("Shelters") },
  { "areas", N_("Affected areas and road closures") },
  { "alerts", N_("Alerts") },
};

/* Errors */

static void
respond_json (SoupServerMessage *msg,
              guint              status,
              const char        *content_type,
              char              *text)  /* transfer full */
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_TAKE, text, strlen (text));
}

static void
respond_node (SoupServerMessage *msg,
              guint              status,
              const char        *content_type,
              JsonNode          *node)
{
  respond_json (msg, status, content_type, json_to_string (node, FALSE));
}

static void
respond_error (SoupServerMessage *msg,
               guint              status,
               const char        *code,
               const char        *description)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder, description);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  if (status == SOUP_STATUS_UNAUTHORIZED)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "WWW-Authenticate", "Bearer realm=\"bosai-central\"");
  respond_node (msg, status, JSON_TYPE, node);
}

/* Tokens */

char *
bd_central_hash_token (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

static gboolean
token_chars_valid (const char *token)
{
  gsize length = strlen (token);

  if (length == 0 || length > 256)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isalnum (token[i]) && token[i] != '-' && token[i] != '_' &&
          token[i] != '.' && token[i] != '~' && token[i] != '+' && token[i] != '/' &&
          token[i] != '=')
        return FALSE;
    }
  return TRUE;
}

/* NULL when the request carries no valid token. */
static BdCentralToken *
authenticate (BdCentralServer   *self,
              SoupServerMessage *msg)
{
  const char *header;
  g_autofree char *hash = NULL;
  g_autoptr(BdCentralToken) token = NULL;
  g_autoptr(GError) error = NULL;

  header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                         "Authorization");
  if (header == NULL || g_ascii_strncasecmp (header, "Bearer ", 7) != 0)
    return NULL;
  header += 7;
  while (*header == ' ')
    header++;
  if (!token_chars_valid (header))
    return NULL;

  hash = bd_central_hash_token (header);
  token = bd_central_store_lookup_token (self->store, hash, &error);
  if (error != NULL)
    g_warning ("%s", error->message);
  if (token == NULL || token->revoked)
    return NULL;
  return g_steal_pointer (&token);
}

static gboolean
path_is_public (const char *path)
{
  return g_strcmp0 (path, "/") == 0 || g_strcmp0 (path, "/api") == 0 ||
         g_strcmp0 (path, "/conformance") == 0;
}

static gsize
body_limit_for (const char *path)
{
  return g_str_has_prefix (path, "/attachments/") ? BD_CENTRAL_MAX_ATTACHMENT_BYTES
                                                  : BD_CENTRAL_MAX_FEATURE_BYTES;
}

/* Refuse a request early, before its body is read: the body is then read
 * and dropped (not kept), and the connection is closed after the answer. */
static void
refuse_early (SoupServerMessage *msg,
              guint              status,
              const char        *code,
              const char        *description)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  soup_message_body_set_accumulate (body, FALSE);
  soup_message_body_truncate (body);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Connection", "close");
  respond_error (msg, status, code, description);
}

static void
on_msg_got_chunk_cb (SoupServerMessage *msg,
                     GBytes            *chunk,
                     BdCentralServer   *self)
{
  gsize total = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (msg), MSG_BODY_BYTES));
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));

  total += g_bytes_get_size (chunk);
  g_object_set_data (G_OBJECT (msg), MSG_BODY_BYTES, GSIZE_TO_POINTER (total));

  if (total > body_limit_for (path) &&
      g_object_get_data (G_OBJECT (msg), MSG_TOO_LARGE) == NULL)
    {
      SoupMessageBody *body = soup_server_message_get_request_body (msg);

      g_object_set_data (G_OBJECT (msg), MSG_TOO_LARGE, GINT_TO_POINTER (1));
      soup_message_body_set_accumulate (body, FALSE);
      soup_message_body_truncate (body);
    }
}

static void
on_msg_got_headers_cb (SoupServerMessage *msg,
                       BdCentralServer   *self)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));
  BdCentralToken *token;
  goffset length;

  self->in_flight++;
  g_object_set_data (G_OBJECT (msg), MSG_IN_FLIGHT, GINT_TO_POINTER (1));

  if (soup_server_message_get_status (msg) != 0)
    return;

  if (self->shutting_down)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", "5");
      refuse_early (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "shutting-down",
                    _("The server is shutting down; try again shortly."));
      return;
    }

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
    {
      length = soup_message_headers_get_content_length (headers);
      if (length < 0 || (guint64) length > body_limit_for (path))
        {
          g_autofree char *description =
            g_strdup_printf (_("The request body is larger than %zu bytes."),
                             body_limit_for (path));

          refuse_early (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "payload-too-large",
                        description);
          return;
        }
    }

  if (path_is_public (path))
    return;

  token = authenticate (self, msg);
  if (token == NULL)
    {
      refuse_early (msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                    _("A valid bearer token is required."));
      return;
    }
  g_object_set_data_full (G_OBJECT (msg), MSG_TOKEN, token,
                          (GDestroyNotify) bd_central_token_free);
}

static void
on_request_started_cb (SoupServer        *soup,
                       SoupServerMessage *msg,
                       BdCentralServer   *self)
{
  g_signal_connect (msg, "got-headers", G_CALLBACK (on_msg_got_headers_cb), self);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (on_msg_got_chunk_cb), self);
}

static void
on_request_done_cb (SoupServer        *soup,
                    SoupServerMessage *msg,
                    BdCentralServer   *self)
{
  if (g_object_get_data (G_OBJECT (msg), MSG_IN_FLIGHT) != NULL)
    {
      g_object_set_data (G_OBJECT (msg), MSG_IN_FLIGHT, NULL);
      g_assert (self->in_flight > 0);
      self->in_flight--;
    }
}

/* URLs */

static gboolean
host_is_valid (const char *host)
{
  gsize length;

  if (host == NULL)
    return FALSE;
  length = strlen (host);
  if (length == 0 || length > 255)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isalnum (host[i]) && strchr (".-:[]_", host[i]) == NULL)
        return FALSE;
    }
  return TRUE;
}

/* The scheme and authority the client used, honouring the headers a reverse
 * proxy (nginx) sets. */
static char *
request_base (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  GUri *uri = soup_server_message_get_uri (msg);
  const char *proto = soup_message_headers_get_one (headers, "X-Forwarded-Proto");
  const char *host = soup_message_headers_get_one (headers, "X-Forwarded-Host");
  g_autofree char *first_host = NULL;

  if (proto == NULL || (g_ascii_strcasecmp (proto, "http") != 0 &&
                        g_ascii_strcasecmp (proto, "https") != 0))
    proto = g_uri_get_scheme (uri);

  if (host != NULL)
    {
      /* "a, b" when proxies chain: the first is the client's */
      const char *comma = strchr (host, ',');

      first_host = g_strstrip (g_strndup (host, comma ? (gsize) (comma - host) : strlen (host)));
      host = first_host;
    }
  if (!host_is_valid (host))
    host = soup_message_headers_get_one (headers, "Host");

  if (host_is_valid (host))
    return g_strdup_printf ("%s://%s", proto, host);

  if (g_uri_get_port (uri) > 0)
    return g_strdup_printf ("%s://%s:%d", proto, g_uri_get_host (uri), g_uri_get_port (uri));
  return g_strdup_printf ("%s://%s", proto, g_uri_get_host (uri));
}

static void
add_link (JsonBuilder *builder,
          const char  *href,
          const char  *rel,
          const char  *type,
          const char  *title)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "href");
  json_builder_add_string_value (builder, href);
  json_builder_set_member_name (builder, "rel");
  json_builder_add_string_value (builder, rel);
  if (type != NULL)
    {
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, type);
    }
  if (title != NULL)
    {
      json_builder_set_member_name (builder, "title");
      json_builder_add_string_value (builder, title);
    }
  json_builder_end_object (builder);
}

static void
add_link_printf (JsonBuilder *builder,
                 const char  *rel,
                 const char  *type,
                 const char  *title,
                 const char  *format,
                 ...) G_GNUC_PRINTF (5, 6);

static void
add_link_printf (JsonBuilder *builder,
                 const char  *rel,
                 const char  *type,
                 const char  *title,
                 const char  *format,
                 ...)
{
  g_autofree char *href = NULL;
  va_list args;

  va_start (args, format);
  href = g_strdup_vprintf (format, args);
  va_end (args);
  add_link (builder, href, rel, type, title);
}

/* Read-only endpoints */

static void
handle_landing (Request *r)
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
  add_link_printf (builder, "self", JSON_TYPE, _("This document"), "%s/", r->base);
  add_link_printf (builder, "service-desc", "application/vnd.oai.openapi+json;version=3.0",
                   _("The API definition"), "%s/api", r->base);
  add_link_printf (builder, "conformance", JSON_TYPE, _("Conformance classes"),
                   "%s/conformance", r->base);
  add_link_printf (builder, "data", JSON_TYPE, _("Collections"), "%s/collections", r->base);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  node = json_builder_get_root (builder);
  respond_node (r->msg, SOUP_STATUS_OK, JSON_TYPE, node);
}

static void
handle_api (Request *r)
{
  respond_json (r->msg, SOUP_STATUS_OK, "application/vnd.oai.openapi+json;version=3.0",
                g_strdup (bd_central_openapi_json));
}

static void
handle_conformance (Request *r)
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
  respond_node (r->msg, SOUP_STATUS_OK, JSON_TYPE, node);
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
  add_link_printf (builder, "self", JSON_TYPE, NULL, "%s/collections/%s", r->base, id);
  add_link_printf (builder, "items", GEOJSON_TYPE, NULL, "%s/collections/%s/items", r->base, id);
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

static void
handle_collections (Request *r)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "links");
  json_builder_begin_array (builder);
  add_link_printf (builder, "self", JSON_TYPE, NULL, "%s/collections", r->base);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "collections");
  json_builder_begin_array (builder);
  for (guint i = 0; i < G_N_ELEMENTS (collection_titles); i++)
    build_collection (r, builder, i);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  node = json_builder_get_root (builder);
  respond_node (r->msg, SOUP_STATUS_OK, JSON_TYPE, node);
}

static void
handle_collection (Request *r)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  build_collection (r, builder, (guint) collection_index (r->collection));
  node = json_builder_get_root (builder);
  respond_node (r->msg, SOUP_STATUS_OK, JSON_TYPE, node);
}

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
  when = g_date_time_new_from_iso8601 (text, NULL);
  if (when == NULL)
    return FALSE;
  *value = g_date_time_to_unix (when) * G_USEC_PER_SEC + g_date_time_get_microsecond (when);
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

static char *
rfc3339_now (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
}

/* The URL of this request with some query parameters replaced. */
static char *
page_url (Request    *r,
          const char *name,
          const char *value)
{
  g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *encoded = NULL;
  const char *path = g_uri_get_path (soup_server_message_get_uri (r->msg));

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

static void
handle_items (Request *r)
{
  BdCentralQuery query = { 0 };
  g_autoptr(GPtrArray) features = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) links = json_builder_new ();
  g_autoptr(JsonNode) links_node = NULL;
  g_autofree char *links_text = NULL;
  g_autofree char *self_url = NULL;
  g_autofree char *stamp = rfc3339_now ();
  GString *out;
  gint64 since_seq = -1, n_matched = 0;
  const char *text;

  query.limit = BD_CENTRAL_DEFAULT_LIMIT;
  if (!parse_int_param (r->query, "limit", 1, BD_CENTRAL_MAX_LIMIT, &query.limit))
    {
      respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "bad-parameter",
                     _("The parameter “limit” must be a whole number from 1 up."));
      return;
    }
  if (!parse_int_param (r->query, "offset", 0, G_MAXINT64, &query.offset))
    {
      respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "bad-parameter",
                     _("The parameter “offset” must be a whole number from 0 up."));
      return;
    }
  if (!parse_int_param (r->query, "since_seq", 0, G_MAXINT64, &since_seq))
    {
      respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "bad-parameter",
                     _("The parameter “since_seq” must be a whole number from 0 up."));
      return;
    }
  text = r->query ? g_hash_table_lookup (r->query, "bbox") : NULL;
  if (text != NULL && !parse_bbox (text, &query))
    {
      respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "bad-parameter",
                     _("The parameter “bbox” must be minlon,minlat,maxlon,maxlat."));
      return;
    }
  text = r->query ? g_hash_table_lookup (r->query, "datetime") : NULL;
  if (text != NULL && !parse_datetime (text, &query))
    {
      respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "bad-parameter",
                     _("The parameter “datetime” must be an RFC 3339 instant or an interval "
                       "start/end (either end may be “..”)."));
      return;
    }
  if (since_seq >= 0 && (query.has_bbox || query.has_start || query.has_end || query.offset > 0))
    {
      respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "bad-parameter",
                     _("The parameter “since_seq” cannot be combined with bbox, datetime "
                       "or offset."));
      return;
    }

  if (since_seq >= 0)
    features = bd_central_store_changes (r->server->store, r->collection, since_seq,
                                         query.limit, &error);
  else
    features = bd_central_store_list (r->server->store, r->collection, &query,
                                      &n_matched, &error);
  if (features == NULL)
    {
      g_warning ("%s", error->message);
      respond_error (r->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal", error->message);
      return;
    }

  self_url = page_url (r, NULL, NULL);
  json_builder_begin_array (links);
  add_link (links, self_url, "self", GEOJSON_TYPE, NULL);
  add_link_printf (links, "collection", JSON_TYPE, NULL, "%s/collections/%s", r->base,
                   r->collection);
  if (since_seq >= 0 && features->len > 0 && (gint64) features->len == query.limit)
    {
      BdCentralFeature *last = g_ptr_array_index (features, features->len - 1);
      g_autofree char *seq = g_strdup_printf ("%" G_GINT64_FORMAT, last->seq);
      g_autofree char *next = page_url (r, "since_seq", seq);

      add_link (links, next, "next", GEOJSON_TYPE, NULL);
    }
  else if (since_seq < 0 && query.offset + (gint64) features->len < n_matched)
    {
      g_autofree char *offset = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                 query.offset + (gint64) features->len);
      g_autofree char *next = page_url (r, "offset", offset);

      add_link (links, next, "next", GEOJSON_TYPE, NULL);
    }
  json_builder_end_array (links);
  links_node = json_builder_get_root (links);
  links_text = json_to_string (links_node, FALSE);

  out = g_string_sized_new (4096);
  g_string_append (out, "{\"type\":\"FeatureCollection\"");
  if (since_seq >= 0)
    {
      gint64 next_since = since_seq;

      if (features->len > 0)
        next_since = ((BdCentralFeature *) g_ptr_array_index (features, features->len - 1))->seq;
      g_string_append_printf (out, ",\"next_since_seq\":%" G_GINT64_FORMAT, next_since);
    }
  else
    g_string_append_printf (out, ",\"numberMatched\":%" G_GINT64_FORMAT, n_matched);
  g_string_append_printf (out, ",\"numberReturned\":%u,\"timeStamp\":\"%s\",\"links\":%s,",
                          features->len, stamp, links_text);
  append_features (out, features);

  soup_server_message_set_status (r->msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (r->msg, GEOJSON_TYPE, SOUP_MEMORY_TAKE,
                                    out->str, out->len);
  g_string_free (out, FALSE);
}

static void
set_etag (SoupServerMessage *msg,
          gint64             rev)
{
  g_autofree char *etag = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", rev);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "ETag", etag);
}

static void
respond_feature (Request                *r,
                 guint                   status,
                 const BdCentralFeature *feature)
{
  set_etag (r->msg, feature->rev);
  respond_json (r->msg, status, GEOJSON_TYPE, g_strdup (feature->feature));
}

static void
handle_item_get (Request *r)
{
  g_autoptr(BdCentralFeature) feature = NULL;
  g_autoptr(GError) error = NULL;

  feature = bd_central_store_get (r->server->store, r->collection, r->id, &error);
  if (error != NULL)
    {
      respond_error (r->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal", error->message);
      return;
    }
  if (feature == NULL)
    {
      respond_error (r->msg, SOUP_STATUS_NOT_FOUND, "not-found", _("There is no such feature."));
      return;
    }
  if (feature->deleted)
    {
      respond_error (r->msg, SOUP_STATUS_GONE, "deleted", _("The feature has been deleted."));
      return;
    }
  respond_feature (r, SOUP_STATUS_OK, feature);
}

/* Writes */

static gboolean
content_type_is_json (SoupServerMessage *msg)
{
  const char *type =
    soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg), NULL);

  return type != NULL && (g_ascii_strcasecmp (type, GEOJSON_TYPE) == 0 ||
                          g_ascii_strcasecmp (type, JSON_TYPE) == 0);
}

/* Checks size and type, parses the body; on failure responds and returns
 * NULL. */
static JsonNode *
read_json_body (Request *r)
{
  SoupMessageBody *body = soup_server_message_get_request_body (r->msg);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  gsize size;
  const char *data;

  if (g_object_get_data (G_OBJECT (r->msg), MSG_TOO_LARGE) != NULL)
    {
      respond_error (r->msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "payload-too-large",
                     _("The request body is too large."));
      return NULL;
    }
  if (!content_type_is_json (r->msg))
    {
      respond_error (r->msg, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
                     _("The body must be application/geo+json or application/json."));
      return NULL;
    }

  bytes = soup_message_body_flatten (body);
  data = g_bytes_get_data (bytes, &size);
  if (size == 0 || size > BD_CENTRAL_MAX_FEATURE_BYTES)
    {
      respond_error (r->msg, size == 0 ? SOUP_STATUS_BAD_REQUEST
                                       : SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                     size == 0 ? "bad-request" : "payload-too-large",
                     size == 0 ? _("The request has no body.") : _("The request body is too large."));
      return NULL;
    }
  if (!g_utf8_validate (data, (gssize) size, NULL))
    {
      respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "bad-request",
                     _("The body is not valid UTF-8."));
      return NULL;
    }

  if (!bd_central_json_depth_ok (data, size, BD_CENTRAL_MAX_JSON_DEPTH))
    {
      respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "bad-json",
                     _("The body nests arrays or objects too deeply."));
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) size, &error))
    {
      g_autofree char *description = g_strdup_printf (_("The body is not valid JSON: %s"),
                                                      error->message);

      respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "bad-json", description);
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL)
    {
      respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "bad-json", _("The body is empty."));
      return NULL;
    }
  /* json_parser_steal_root () is 1.4+; copy to get a mutable tree. */
  return json_node_copy (json_parser_get_root (parser));
}

/* The feature's id, as text: NULL when it has none. FALSE when unusable. */
static gboolean
feature_id (JsonNode    *node,
            char       **id)
{
  JsonObject *object = json_node_get_object (node);
  JsonNode *member = json_object_get_member (object, "id");

  *id = NULL;
  if (member == NULL || JSON_NODE_HOLDS_NULL (member))
    return TRUE;
  if (json_node_get_value_type (member) == G_TYPE_STRING)
    *id = g_strdup (json_node_get_string (member));
  else if (json_node_get_value_type (member) == G_TYPE_INT64)
    *id = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (member));
  else
    return FALSE;
  return bd_central_id_is_valid (*id);
}

/* Validates the new copy and brings it to the stored form; on failure
 * responds and returns NULL. */
/* A report may name only photos the server holds: clients upload them first. */
static gboolean
attachments_present (Request  *r,
                     BdReport *report)
{
  g_autoptr(GVariant) attachments = bd_report_get_attachments (report);
  GVariantIter iter;
  const char *sha256;

  g_variant_iter_init (&iter, attachments);
  while (g_variant_iter_next (&iter, "(&s&s&s)", &sha256, NULL, NULL))
    if (!bd_central_store_has_attachment (r->server->store, sha256))
      {
        g_autofree char *message =
          g_strdup_printf (_("The report names the photo %s, which has not been uploaded."), sha256);
        respond_error (r->msg, SOUP_STATUS_CONFLICT, "missing-attachment", message);
        return FALSE;
      }
  return TRUE;
}

static JsonNode *
prepare_feature (Request    *r,
                 JsonNode   *node,
                 const char *id)
{
  g_autoptr(GError) error = NULL;

  if (!bd_central_feature_check (node, NULL, &error))
    {
      respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "invalid-feature", error->message);
      return NULL;
    }
  json_object_set_string_member (json_node_get_object (node), "id", id);

  if (g_strcmp0 (r->collection, "reports") == 0)
    {
      g_autoptr(BdReport) report = bd_report_new_from_json (node, &error);

      if (report == NULL || !bd_report_validate (report, &error))
        {
          respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "invalid-report", error->message);
          return NULL;
        }
      if (r->token->role == BD_CENTRAL_ROLE_WARD &&
          g_strcmp0 (bd_report_get_ward (report), r->token->ward) != 0)
        {
          respond_error (r->msg, SOUP_STATUS_FORBIDDEN, "forbidden",
                         _("A ward token may only write its own ward’s reports."));
          return NULL;
        }
      if (!attachments_present (r, report))
        return NULL;
      return bd_report_to_json (report);
    }

  return json_node_ref (node);
}

static gboolean
may_write_collection (Request *r)
{
  if (r->token->role == BD_CENTRAL_ROLE_HQ || g_strcmp0 (r->collection, "reports") == 0)
    return TRUE;
  respond_error (r->msg, SOUP_STATUS_FORBIDDEN, "forbidden",
                 _("A ward token may only write reports."));
  return FALSE;
}

static char *
stored_ward (const BdCentralFeature *feature)
{
  g_autoptr(JsonNode) node = json_from_string (feature->feature, NULL);
  JsonObject *props;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  props = json_object_get_object_member (json_node_get_object (node), "properties");
  if (props == NULL)
    return NULL;
  return g_strdup (json_object_get_string_member_with_default (props, "ward", NULL));
}

/* Does @if_match ("\"3\"", "\"3\", \"4\"", "*") match @rev? */
static gboolean
etag_matches (const char *if_match,
              gint64      rev)
{
  g_auto(GStrv) tags = g_strsplit (if_match, ",", 16);
  g_autofree char *etag = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", rev);

  for (guint i = 0; tags[i] != NULL; i++)
    {
      const char *tag = g_strstrip (tags[i]);

      if (strcmp (tag, "*") == 0 || strcmp (tag, etag) == 0)
        return TRUE;
    }
  return FALSE;
}

#define CHECK_ERROR (g_quark_from_static_string ("bd-central-check"))

static gboolean
write_check (const BdCentralFeature *current,
             gpointer                user_data,
             GError                **error)
{
  WriteCheck *check = user_data;
  Request *r = check->request;
  g_autofree char *ward = NULL;

  if (current != NULL && r->token->role == BD_CENTRAL_ROLE_WARD &&
      g_strcmp0 (r->collection, "reports") == 0)
    ward = stored_ward (current);
  if (current != NULL && r->token->role == BD_CENTRAL_ROLE_WARD &&
      g_strcmp0 (r->collection, "reports") == 0 &&
      g_strcmp0 (ward, r->token->ward) != 0)
    {
      check->status = SOUP_STATUS_FORBIDDEN;
      check->code = "forbidden";
      g_set_error_literal (error, CHECK_ERROR, 0,
                           _("A ward token may only write its own ward’s reports."));
      return FALSE;
    }

  if (check->must_not_exist && current != NULL)
    {
      check->status = SOUP_STATUS_CONFLICT;
      check->code = "exists";
      g_set_error_literal (error, CHECK_ERROR, 0, _("A feature with this id exists already."));
      return FALSE;
    }

  if ((check->if_none_match && current != NULL) ||
      (check->if_match != NULL &&
       (current == NULL || (current->deleted && check->is_delete) ||
        !etag_matches (check->if_match, current->rev))))
    {
      check->status = SOUP_STATUS_PRECONDITION_FAILED;
      check->code = "precondition-failed";
      if (current != NULL)
        {
          check->current = g_new0 (BdCentralFeature, 1);
          check->current->collection = g_strdup (current->collection);
          check->current->id = g_strdup (current->id);
          check->current->feature = g_strdup (current->feature);
          check->current->rev = current->rev;
          check->current->seq = current->seq;
          check->current->deleted = current->deleted;
        }
      g_set_error_literal (error, CHECK_ERROR, 0,
                           current == NULL ? _("There is no such feature.")
                                           : _("The feature has changed (or was deleted) since "
                                               "that version."));
      return FALSE;
    }

  return TRUE;
}

static void
do_write (Request    *r,
          JsonNode   *feature,
          WriteCheck *check,
          gboolean    is_post)
{
  g_autoptr(BdCentralFeature) written = NULL;
  g_autoptr(BdCentralFeature) current = NULL;
  g_autoptr(GError) error = NULL;
  gboolean created = FALSE;

  written = bd_central_store_write (r->server->store, r->collection, r->id, feature,
                                    write_check, check, &created, &error);
  current = g_steal_pointer (&check->current);

  if (written == NULL)
    {
      if (g_error_matches (error, CHECK_ERROR, 0))
        {
          if (current != NULL)
            respond_feature (r, check->status, current);
          else
            respond_error (r->msg, check->status, check->code, error->message);
        }
      else if (g_error_matches (error, BD_CENTRAL_STORE_ERROR, BD_CENTRAL_STORE_ERROR_NOT_FOUND))
        respond_error (r->msg, SOUP_STATUS_NOT_FOUND, "not-found", error->message);
      else if (g_error_matches (error, BD_CENTRAL_STORE_ERROR, BD_CENTRAL_STORE_ERROR_INVALID))
        respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "invalid-feature", error->message);
      else
        {
          g_warning ("%s", error->message);
          respond_error (r->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal", error->message);
        }
      return;
    }

  if (created)
    {
      g_autofree char *location = g_strdup_printf ("%s/collections/%s/items/%s",
                                                   r->base, r->collection, r->id);

      soup_message_headers_replace (soup_server_message_get_response_headers (r->msg),
                                    "Location", location);
    }
  respond_feature (r, created ? SOUP_STATUS_CREATED : SOUP_STATUS_OK, written);
}

static void
handle_items_post (Request *r)
{
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) feature = NULL;
  g_autofree char *id = NULL;
  WriteCheck check = { r, NULL, FALSE, TRUE, FALSE, NULL, 0, NULL };

  if (!may_write_collection (r) || (body = read_json_body (r)) == NULL)
    return;
  if (!JSON_NODE_HOLDS_OBJECT (body))
    {
      respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "invalid-feature",
                     _("The body is not a GeoJSON Feature object."));
      return;
    }
  if (!feature_id (body, &id))
    {
      respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "invalid-id",
                     _("The feature’s id must be 1 to 128 letters, digits or “._~-”."));
      return;
    }
  if (id == NULL)
    id = g_uuid_string_random ();
  r->id = id;

  feature = prepare_feature (r, body, id);
  if (feature != NULL)
    do_write (r, feature, &check, TRUE);
}

static void
handle_item_put (Request *r)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (r->msg);
  const char *if_match = soup_message_headers_get_one (headers, "If-Match");
  const char *if_none_match = soup_message_headers_get_one (headers, "If-None-Match");
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) feature = NULL;
  g_autofree char *id = NULL;
  WriteCheck check = { r, if_match, FALSE, FALSE, FALSE, NULL, 0, NULL };

  if (!may_write_collection (r))
    return;
  if (if_none_match != NULL)
    {
      while (*if_none_match == ' ')
        if_none_match++;
      check.if_none_match = g_str_has_prefix (if_none_match, "*");
    }
  if (if_match == NULL && !check.if_none_match)
    {
      respond_error (r->msg, 428, "precondition-required",
                     _("A replace needs If-Match: \"<rev>\" (or If-None-Match: * to create)."));
      return;
    }
  if ((body = read_json_body (r)) == NULL)
    return;
  if (!JSON_NODE_HOLDS_OBJECT (body))
    {
      respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "invalid-feature",
                     _("The body is not a GeoJSON Feature object."));
      return;
    }
  if (!feature_id (body, &id) || (id != NULL && strcmp (id, r->id) != 0))
    {
      respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "invalid-id",
                     _("The feature’s id differs from the one in the URL."));
      return;
    }

  feature = prepare_feature (r, body, r->id);
  if (feature != NULL)
    do_write (r, feature, &check, FALSE);
}

static void
handle_item_delete (Request *r)
{
  const char *if_match =
    soup_message_headers_get_one (soup_server_message_get_request_headers (r->msg), "If-Match");
  WriteCheck check = { r, if_match, FALSE, FALSE, TRUE, NULL, 0, NULL };

  if (!may_write_collection (r))
    return;
  if (if_match == NULL)
    {
      respond_error (r->msg, 428, "precondition-required",
                     _("A delete needs If-Match: \"<rev>\"."));
      return;
    }
  do_write (r, NULL, &check, FALSE);
}

/* Attachments */

static gboolean
sha256_is_valid (const char *text)
{
  if (text == NULL || strlen (text) != 64)
    return FALSE;
  for (guint i = 0; i < 64; i++)
    {
      if (!g_ascii_isxdigit (text[i]) || g_ascii_isupper (text[i]))
        return FALSE;
    }
  return TRUE;
}

static void
handle_attachment_put (Request *r)
{
  SoupMessageBody *body = soup_server_message_get_request_body (r->msg);
  const char *type =
    soup_message_headers_get_content_type (soup_server_message_get_request_headers (r->msg), NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *etag = NULL;
  gboolean created = FALSE;

  if (g_object_get_data (G_OBJECT (r->msg), MSG_TOO_LARGE) != NULL)
    {
      respond_error (r->msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "payload-too-large",
                     _("The attachment is too large."));
      return;
    }
  if (type == NULL || !g_str_has_prefix (type, "image/") || strlen (type) > 100)
    {
      respond_error (r->msg, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
                     _("An attachment must be an image (Content-Type image/…)."));
      return;
    }

  bytes = soup_message_body_flatten (body);
  if (g_bytes_get_size (bytes) > BD_CENTRAL_MAX_ATTACHMENT_BYTES)
    {
      respond_error (r->msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "payload-too-large",
                     _("The attachment is too large."));
      return;
    }
  sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  if (strcmp (sha256, r->id) != 0)
    {
      respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "hash-mismatch",
                     _("The SHA-256 of the body differs from the one in the URL."));
      return;
    }

  if (!bd_central_store_put_attachment (r->server->store, r->id, type, bytes, &created, &error))
    {
      g_warning ("%s", error->message);
      respond_error (r->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal", error->message);
      return;
    }
  etag = g_strdup_printf ("\"%s\"", sha256);
  soup_message_headers_replace (soup_server_message_get_response_headers (r->msg), "ETag", etag);
  respond_json (r->msg, created ? SOUP_STATUS_CREATED : SOUP_STATUS_OK, JSON_TYPE,
                g_strdup_printf ("{\"sha256\":\"%s\",\"size\":%zu,\"created\":%s}", sha256,
                                 g_bytes_get_size (bytes), created ? "true" : "false"));
}

static void
handle_attachment_get (Request *r)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *media_type = NULL;
  g_autofree char *etag = NULL;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (r->msg);

  bytes = bd_central_store_get_attachment (r->server->store, r->id, &media_type, &error);
  if (error != NULL)
    {
      respond_error (r->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal", error->message);
      return;
    }
  if (bytes == NULL)
    {
      respond_error (r->msg, SOUP_STATUS_NOT_FOUND, "not-found", _("There is no such attachment."));
      return;
    }
  etag = g_strdup_printf ("\"%s\"", r->id);
  soup_message_headers_replace (headers, "ETag", etag);
  soup_message_headers_replace (headers, "Cache-Control", "private, max-age=31536000, immutable");
  soup_server_message_set_status (r->msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (r->msg, media_type, SOUP_MEMORY_COPY,
                                    g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

/* Routing */

static void
method_not_allowed (Request    *r,
                    const char *allow)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (r->msg), "Allow", allow);
  respond_error (r->msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method-not-allowed",
                 _("This method is not allowed here."));
}

static gboolean
is_get (const char *method)
{
  return method == SOUP_METHOD_GET || method == SOUP_METHOD_HEAD;
}

static void
route (Request    *r,
       const char *path)
{
  const char *method = soup_server_message_get_method (r->msg);
  g_auto(GStrv) parts = NULL;
  guint n;

  if (strcmp (path, "/") == 0)
    {
      if (is_get (method))
        handle_landing (r);
      else
        method_not_allowed (r, "GET, HEAD");
      return;
    }

  if (strlen (path) > 1024)
    goto not_found;
  parts = g_strsplit (path + 1, "/", 6);
  n = g_strv_length (parts);
  for (guint i = 0; i < n; i++)
    {
      if (parts[i][0] == '\0')
        goto not_found;
    }

  if (n == 1 && strcmp (parts[0], "api") == 0)
    {
      if (is_get (method))
        handle_api (r);
      else
        method_not_allowed (r, "GET, HEAD");
      return;
    }
  if (n == 1 && strcmp (parts[0], "conformance") == 0)
    {
      if (is_get (method))
        handle_conformance (r);
      else
        method_not_allowed (r, "GET, HEAD");
      return;
    }
  if (n == 2 && strcmp (parts[0], "attachments") == 0)
    {
      if (!sha256_is_valid (parts[1]))
        {
          respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "bad-hash",
                         _("An attachment is named by the lowercase hex SHA-256 of its bytes."));
          return;
        }
      r->id = parts[1];
      if (is_get (method))
        handle_attachment_get (r);
      else if (method == SOUP_METHOD_PUT)
        handle_attachment_put (r);
      else
        method_not_allowed (r, "GET, HEAD, PUT");
      return;
    }
  if (n >= 1 && strcmp (parts[0], "collections") == 0)
    {
      if (n == 1)
        {
          if (is_get (method))
            handle_collections (r);
          else
            method_not_allowed (r, "GET, HEAD");
          return;
        }
      if (!bd_central_store_is_collection (parts[1]))
        {
          respond_error (r->msg, SOUP_STATUS_NOT_FOUND, "not-found", _("There is no such collection."));
          return;
        }
      r->collection = parts[1];
      if (n == 2)
        {
          if (is_get (method))
            handle_collection (r);
          else
            method_not_allowed (r, "GET, HEAD");
          return;
        }
      if (strcmp (parts[2], "items") != 0)
        goto not_found;
      if (n == 3)
        {
          if (is_get (method))
            handle_items (r);
          else if (method == SOUP_METHOD_POST)
            handle_items_post (r);
          else
            method_not_allowed (r, "GET, HEAD, POST");
          return;
        }
      if (n == 4)
        {
          if (!bd_central_id_is_valid (parts[3]))
            goto not_found;
          r->id = parts[3];
          if (is_get (method))
            handle_item_get (r);
          else if (method == SOUP_METHOD_PUT)
            handle_item_put (r);
          else if (method == SOUP_METHOD_DELETE)
            handle_item_delete (r);
          else
            method_not_allowed (r, "GET, HEAD, PUT, DELETE");
          return;
        }
    }

not_found:
  respond_error (r->msg, SOUP_STATUS_NOT_FOUND, "not-found", _("There is no such resource."));
}

static void
server_callback (SoupServer        *soup,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  BdCentralServer *self = user_data;
  g_autofree char *base = request_base (msg);
  Request r = { 0 };

  r.server = self;
  r.msg = msg;
  r.token = g_object_get_data (G_OBJECT (msg), MSG_TOKEN);
  r.query = query;
  r.base = base;

  if (r.token == NULL && !path_is_public (path))
    {
      /* got-headers refuses these; kept as a second line */
      respond_error (msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                     _("A valid bearer token is required."));
      return;
    }

  route (&r, path);
}

/* Public API */

BdCentralServer *
bd_central_server_new (BdCentralStore *store)
{
  BdCentralServer *self = g_new0 (BdCentralServer, 1);

  self->store = store;
  self->soup = soup_server_new ("server-header", "bosai-central/" PACKAGE_VERSION, NULL);
  soup_server_add_handler (self->soup, NULL, server_callback, self, NULL);
  g_signal_connect (self->soup, "request-started", G_CALLBACK (on_request_started_cb), self);
  g_signal_connect (self->soup, "request-finished", G_CALLBACK (on_request_done_cb), self);
  g_signal_connect (self->soup, "request-aborted", G_CALLBACK (on_request_done_cb), self);
  return self;
}

guint
bd_central_server_listen (BdCentralServer  *self,
                          const char       *address,
                          guint             port,
                          GError          **error)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
  g_autoptr(GSocketAddress) socket_address = NULL;
  GSList *listeners;
  guint bound = 0;

  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an IP address."), address);
      return 0;
    }
  socket_address = g_inet_socket_address_new (inet, (guint16) port);
  if (!soup_server_listen (self->soup, socket_address, 0, error))
    return 0;

  /* From the sockets: soup_server_get_uris () leaks an address in 3.2. */
  listeners = soup_server_get_listeners (self->soup);
  for (GSList *l = listeners; l != NULL; l = l->next)
    {
      g_autoptr(GSocketAddress) local = g_socket_get_local_address (l->data, NULL);

      if (G_IS_INET_SOCKET_ADDRESS (local))
        bound = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
    }
  g_slist_free (listeners);
  return bound;
}

void
bd_central_server_begin_shutdown (BdCentralServer *self)
{
  self->shutting_down = TRUE;
}

guint
bd_central_server_get_in_flight (BdCentralServer *self)
{
  return self->in_flight;
}

void
bd_central_server_disconnect (BdCentralServer *self)
{
  soup_server_disconnect (self->soup);
}

void
bd_central_server_free (BdCentralServer *self)
{
  if (self == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->soup, self);
  soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  g_free (self);
}
