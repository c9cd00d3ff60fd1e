/* bd-central-server-private.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "bd-central-server.h"

G_BEGIN_DECLS

/* What the files of the server share: the server's struct, the request a
 * handler works on, and the helpers every handler uses.
 *
 *   bd-central-server.c        life cycle; the request gate (got-headers:
 *                              shutdown, size, token; got-chunk)
 *   bd-central-auth.c          bearer tokens
 *   bd-central-body.c          bounded bodies; the one JSON parse
 *   bd-central-uploads.c       attachment bodies streamed to disk, bounded
 *   bd-central-urls.c          a request's base URL, path and query
 *   bd-central-responses.c     JSON answers, errors, ETags, links
 *   bd-central-routes.c        method and path to a handler:
 *   bd-central-routes-landing.c, -items.c, -feed.c, -writes.c,
 *   -attachments.c, -cap.c (CAP 1.2 in and out) */

#define CRS84 "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
#define GEOJSON_TYPE "application/geo+json"
#define JSON_TYPE "application/json"

/* Data attached to each message (g_object_set_data). */
#define MSG_TOKEN "bd-token"
#define MSG_IN_FLIGHT "bd-in-flight"
#define MSG_TOO_LARGE "bd-too-large"
#define MSG_BODY_BYTES "bd-body-bytes"
#define MSG_PATH "bd-path"
#define MSG_QUERY "bd-query"
#define MSG_UPLOAD "bd-upload"

typedef struct _BdCentralUpload BdCentralUpload;
typedef struct _BdCentralTileReader BdCentralTileReader;

struct _BdCentralServer
{
  SoupServer     *soup;
  BdCentralStore *store;
  guint           in_flight;
  gboolean        shutting_down;
  GPtrArray      *uploads;         /* BdCentralUpload*, those under way */
  char           *upload_dir;      /* NULL until the first upload */
  gboolean        own_upload_dir;  /* made here: removed on free */
  BdCentralTileReader *tiles;      /* open MBTiles files (bd-central-tiles.c) */
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

/* bd-central-responses.c */
void      _bd_central_respond_json        (SoupServerMessage *msg,
                                           guint              status,
                                           const char        *content_type,
                                           char              *text);
void      _bd_central_respond_node        (SoupServerMessage *msg,
                                           guint              status,
                                           const char        *content_type,
                                           JsonNode          *node);
/* {"code": …, "description": …}; a 401 gets WWW-Authenticate. */
void      _bd_central_respond_error       (SoupServerMessage *msg,
                                           guint              status,
                                           const char        *code,
                                           const char        *description);
void      _bd_central_set_etag            (SoupServerMessage *msg,
                                           gint64             rev);
void      _bd_central_add_link            (JsonBuilder       *builder,
                                           const char        *href,
                                           const char        *rel,
                                           const char        *type,
                                           const char        *title);
void      _bd_central_add_link_printf     (JsonBuilder       *builder,
                                           const char        *rel,
                                           const char        *type,
                                           const char        *title,
                                           const char        *format,
                                           ...) G_GNUC_PRINTF (5, 6);

/* bd-central-auth.c */
BdCentralToken *_bd_central_authenticate  (BdCentralServer   *self,
                                           SoupServerMessage *msg);
gboolean  _bd_central_path_is_public      (const char        *path);

/* bd-central-body.c */
gsize     _bd_central_body_limit_for      (const char        *path);
void      _bd_central_refuse_early        (SoupServerMessage *msg,
                                           guint              status,
                                           const char        *code,
                                           const char        *description);
void      _bd_central_body_count_chunk    (SoupServerMessage *msg,
                                           GBytes            *chunk);
JsonNode *_bd_central_read_json_body      (Request           *r);

/* bd-central-uploads.c: attachment bodies streamed to a file */
void      _bd_central_uploads_init        (BdCentralServer   *self);
void      _bd_central_uploads_clear       (BdCentralServer   *self);
/* At got-headers of an authorised PUT /attachments/…: refuses (429, 503)
 * beyond the bounds and returns FALSE, or attaches a BdCentralUpload to
 * @msg (MSG_UPLOAD) that the body's chunks are written to. */
gboolean  _bd_central_upload_begin        (BdCentralServer   *self,
                                           SoupServerMessage *msg,
                                           BdCentralToken    *token);
void      _bd_central_upload_write        (BdCentralUpload   *upload,
                                           GBytes            *chunk);
void      _bd_central_upload_abandon      (BdCentralUpload   *upload);
/* The body, mapped from its file, and its hex SHA-256. */
GBytes   *_bd_central_upload_finish       (BdCentralUpload   *upload,
                                           char             **sha256,
                                           GError           **error);
const guint8 *_bd_central_upload_get_head (BdCentralUpload   *upload,
                                           gsize             *length);
gsize     _bd_central_upload_get_size     (BdCentralUpload   *upload);

/* bd-central-urls.c */
char     *_bd_central_request_base        (SoupServerMessage *msg);
/* The path the request names, without its query; the handler's query
 * parameters are _bd_central_request_query (msg, the ones libsoup gave). */
const char *_bd_central_request_path      (SoupServerMessage *msg);
GHashTable *_bd_central_request_query     (SoupServerMessage *msg,
                                           GHashTable        *soup_query);

/* bd-central-routes.c */
void      _bd_central_route               (Request           *r,
                                           const char        *path);

/* bd-central-routes-landing.c */
void      _bd_central_handle_landing      (Request           *r);
void      _bd_central_handle_api          (Request           *r);
void      _bd_central_handle_conformance  (Request           *r);
void      _bd_central_handle_collections  (Request           *r);
void      _bd_central_handle_collection   (Request           *r);

/* bd-central-routes-items.c */
void      _bd_central_handle_items        (Request           *r);
/* The URL of this request with the parameter @name (unless NULL) set. */
char     *_bd_central_page_url            (Request           *r,
                                           const char        *name,
                                           const char        *value);
void      _bd_central_respond_page        (Request           *r,
                                           GPtrArray         *features,
                                           const char        *count_member,
                                           gint64             count,
                                           const char        *next_url);
void      _bd_central_handle_item_get     (Request           *r);
void      _bd_central_respond_feature     (Request                *r,
                                           guint                   status,
                                           const BdCentralFeature *feature);

/* bd-central-routes-feed.c: the items page when since_seq is given */
void      _bd_central_respond_feed        (Request           *r,
                                           gint64             since_seq,
                                           gint64             limit);

/* bd-central-routes-writes.c */
void      _bd_central_handle_items_post   (Request           *r);
void      _bd_central_handle_item_put     (Request           *r);
void      _bd_central_handle_item_delete  (Request           *r);

/* bd-central-routes-attachments.c */
gboolean  _bd_central_sha256_is_valid     (const char        *text);
void      _bd_central_handle_attachment_put (Request         *r);
void      _bd_central_handle_attachment_get (Request         *r);

/* bd-central-routes-cap.c: CAP 1.2 in (POST of application/cap+xml to
 * the alerts) and out (/cap/feed.atom, /cap/alerts/{key}.xml) */
gboolean  _bd_central_is_cap_post         (Request           *r);
void      _bd_central_handle_cap_post     (Request           *r);
void      _bd_central_route_cap           (Request            *r,
                                           const char * const *parts,
                                           guint               n);

/* bd-central-routes-tiles.c: GET /tiles, GET /tiles/{name}/{z}/{x}/{y} */
void      _bd_central_route_tiles         (Request            *r,
                                           const char * const *parts,
                                           guint               n);

G_END_DECLS
