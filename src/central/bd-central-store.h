/* bd-central-store.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The central server's SQLite store: features of every collection with their
 * revision and change number, bearer tokens (hashes only) and attachments.
 * It keeps no client concepts (outbox, history, sync cursor), so it is not
 * BdStore; it needs nothing from the server and could move into core. */

#define BD_CENTRAL_STORE_ERROR (bd_central_store_error_quark ())

typedef enum
{
  BD_CENTRAL_STORE_ERROR_DATABASE,
  BD_CENTRAL_STORE_ERROR_NOT_FOUND,
  BD_CENTRAL_STORE_ERROR_EXISTS,
  BD_CENTRAL_STORE_ERROR_INVALID,
} BdCentralStoreError;

#define BD_CENTRAL_SCHEMA_VERSION 3

typedef struct _BdCentralStore BdCentralStore;

typedef struct
{
  char    *collection;
  char    *id;
  char    *feature;      /* the GeoJSON Feature, properties.rev/seq included */
  gint64   rev;
  gint64   seq;
  gboolean deleted;
  gint64   updated_at;   /* server time of the write, unix microseconds */
} BdCentralFeature;

typedef enum
{
  BD_CENTRAL_ROLE_HQ,
  BD_CENTRAL_ROLE_WARD,
} BdCentralRole;

typedef struct
{
  gint64         id;
  char          *name;
  BdCentralRole  role;
  char          *ward;       /* NULL for hq */
  char          *created_at; /* RFC 3339 */
  gboolean       revoked;
} BdCentralToken;

/* The query of an items page. */
typedef struct
{
  gboolean has_bbox;
  double   min_lon, min_lat, max_lon, max_lat;
  gboolean has_start;
  gint64   start;            /* unix microseconds, inclusive */
  gboolean has_end;
  gint64   end;              /* inclusive */
  gint64   offset;
  gint64   limit;
} BdCentralQuery;

/* Called inside the write's transaction with the current copy (NULL when
 * there is none; a tombstone has deleted TRUE). Return FALSE with an error
 * to refuse the write; nothing is written then. */
typedef gboolean (*BdCentralCheckFunc) (const BdCentralFeature *current,
                                        gpointer                user_data,
                                        GError                **error);

GQuark            bd_central_store_error_quark    (void);

BdCentralStore   *bd_central_store_open           (const char        *path,
                                                   GError           **error);
/* Closes the database (checkpointing the WAL) and frees the store. */
void              bd_central_store_free           (BdCentralStore    *self);

gboolean          bd_central_store_is_collection  (const char        *collection);
/* The collections, NULL-terminated, in a fixed order. */
const char * const *bd_central_store_get_collections (void);

/* The current copy, tombstones included; NULL (no error) when unknown. */
BdCentralFeature *bd_central_store_get            (BdCentralStore    *self,
                                                   const char        *collection,
                                                   const char        *id,
                                                   GError           **error);

/* Writes @feature (a GeoJSON Feature object whose "id" is @id; its
 * properties.rev, seq and deleted are set here) or, when @feature is NULL,
 * turns the current copy into a tombstone. @check sees the current copy
 * first. One transaction: rev + 1, a new seq. Returns the written copy;
 * @created is TRUE when there was no copy before. */
BdCentralFeature *bd_central_store_write          (BdCentralStore    *self,
                                                   const char        *collection,
                                                   const char        *id,
                                                   JsonNode          *feature,
                                                   BdCentralCheckFunc check,
                                                   gpointer           user_data,
                                                   gboolean          *created,
                                                   GError           **error);

/* An import: features (JsonNode*, each with an "id") written as new
 * revisions in one transaction, all or nothing, as they arrive one at a
 * time (a file read feature by feature). import_begin opens the
 * transaction (BEGIN IMMEDIATE: other writers wait until it ends, or
 * give up after SQLite's busy timeout), import_add writes one feature at
 * once (nothing of it is kept; SQLite spills what its cache cannot hold
 * to the WAL), import_commit makes them all visible, import_rollback
 * (also after a failed add or commit, and when no import is open) drops
 * them all. Between begin and its end, use the store for nothing else. */
gboolean          bd_central_store_import_begin   (BdCentralStore    *self,
                                                   GError           **error);
gboolean          bd_central_store_import_add     (BdCentralStore    *self,
                                                   const char        *collection,
                                                   JsonNode          *feature,
                                                   GError           **error);
gboolean          bd_central_store_import_commit  (BdCentralStore    *self,
                                                   GError           **error);
void              bd_central_store_import_rollback (BdCentralStore   *self);

/* Live features matching @query, in insertion order; @n_matched gets the
 * number of all matches. Returns BdCentralFeature*s. */
GPtrArray        *bd_central_store_list           (BdCentralStore    *self,
                                                   const char        *collection,
                                                   const BdCentralQuery *query,
                                                   gint64            *n_matched,
                                                   GError           **error);
/* The change feed: features with seq > @since_seq, tombstones included, in
 * seq order, at most @limit. */
GPtrArray        *bd_central_store_changes        (BdCentralStore    *self,
                                                   const char        *collection,
                                                   gint64             since_seq,
                                                   gint64             limit,
                                                   GError           **error);
gint64            bd_central_store_count          (BdCentralStore    *self,
                                                   const char        *collection,
                                                   GError           **error);

/* Tokens. add returns the new token's id; only @hash (hex SHA-256 of the
 * token) is stored. lookup returns NULL (no error) for an unknown hash. */
gint64            bd_central_store_add_token      (BdCentralStore    *self,
                                                   const char        *name,
                                                   BdCentralRole      role,
                                                   const char        *ward,
                                                   const char        *hash,
                                                   GError           **error);
BdCentralToken   *bd_central_store_lookup_token   (BdCentralStore    *self,
                                                   const char        *hash,
                                                   GError           **error);
/* BdCentralToken*s in id order. */
GPtrArray        *bd_central_store_list_tokens    (BdCentralStore    *self,
                                                   GError           **error);
gboolean          bd_central_store_revoke_token   (BdCentralStore    *self,
                                                   gint64             id,
                                                   GError           **error);

/* Attachments, content-addressed by the hex SHA-256 of @bytes. put returns
 * TRUE with @created FALSE when the same hash is already stored. get returns
 * NULL (no error) when unknown. */
gboolean          bd_central_store_put_attachment (BdCentralStore    *self,
                                                   const char        *sha256,
                                                   const char        *media_type,
                                                   GBytes            *bytes,
                                                   gboolean          *created,
                                                   GError           **error);
gboolean          bd_central_store_has_attachment (BdCentralStore    *self,
                                                   const char        *sha256);
GBytes           *bd_central_store_get_attachment (BdCentralStore    *self,
                                                   const char        *sha256,
                                                   char             **media_type,
                                                   GError           **error);

/* PRAGMA integrity_check; TRUE when "ok". */
gboolean          bd_central_store_check          (BdCentralStore    *self,
                                                   GError           **error);

/* JMA disaster XML. jma_seen: @seen is TRUE when a message with @key
 * (bd_jma_message_key ()) or a file with @sha256 was
 * taken in before; jma_record remembers one (inside the import transaction
 * that writes its alerts). jma_entry_known / jma_entry_add: the feed entries
 * (data URLs) already fetched, whatever came of them. */
gboolean          bd_central_store_jma_seen       (BdCentralStore    *self,
                                                   const char        *key,
                                                   const char        *sha256,
                                                   gboolean          *seen,
                                                   GError           **error);
gboolean          bd_central_store_jma_record     (BdCentralStore    *self,
                                                   const char        *key,
                                                   const char        *sha256,
                                                   const char        *type,
                                                   const char        *source,
                                                   guint              n_alerts,
                                                   GError           **error);
gboolean          bd_central_store_jma_entry_known (BdCentralStore   *self,
                                                   const char        *url,
                                                   gboolean          *known,
                                                   GError           **error);
gboolean          bd_central_store_jma_entry_add  (BdCentralStore    *self,
                                                   const char        *url,
                                                   const char        *outcome,
                                                   GError           **error);

const char       *bd_central_role_to_string       (BdCentralRole      role);
gboolean          bd_central_role_from_string     (const char        *text,
                                                   BdCentralRole     *role);

void              bd_central_feature_free         (BdCentralFeature  *feature);
void              bd_central_token_free           (BdCentralToken    *token);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdCentralStore, bd_central_store_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdCentralFeature, bd_central_feature_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdCentralToken, bd_central_token_free)

/* Map tiles (bosai-central tiles add|list|remove, GET /tiles): a tile set
 * is an MBTiles file kept beside the database. */
typedef struct
{
  char    *name;
  char    *path;          /* absolute */
  char    *format;        /* png, jpg or webp */
  int      min_zoom, max_zoom;
  double   min_lon, min_lat, max_lon, max_lat;
  char    *attribution;   /* "" when the file names none */
  gboolean overlay;
  char    *added_at;      /* RFC 3339; set by the store */
} BdCentralTileSet;

void              bd_central_tile_set_free          (BdCentralTileSet        *set);
/* Fails with BD_CENTRAL_STORE_ERROR_EXISTS when the name is taken. */
gboolean          bd_central_store_tile_set_add     (BdCentralStore          *self,
                                                     const BdCentralTileSet  *set,
                                                     GError                 **error);
/* BdCentralTileSet*, by name (at most 1000). */
GPtrArray        *bd_central_store_tile_sets_list   (BdCentralStore          *self,
                                                     GError                 **error);
/* NULL with no error when there is none. */
BdCentralTileSet *bd_central_store_tile_set_get     (BdCentralStore          *self,
                                                     const char              *name,
                                                     GError                 **error);
/* Fails with BD_CENTRAL_STORE_ERROR_NOT_FOUND when there is none. */
gboolean          bd_central_store_tile_set_remove  (BdCentralStore          *self,
                                                     const char              *name,
                                                     GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdCentralTileSet, bd_central_tile_set_free)

G_END_DECLS
