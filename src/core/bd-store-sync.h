/* bd-store-sync.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

/* The part of BdStore that only the sync engine (bd-sync.c) and tests
 * call: acknowledgements, merges, pulled pages, the outbox as it is pushed,
 * photos to upload and to download, and the sync state. */

#include "bd-store.h"

G_BEGIN_DECLS

/* Removes one outbox row, once the server has accepted it. */
gboolean    bd_store_remove_outbox_entry (BdStore     *self,
                                          gint64       seq,
                                          GError     **error);

/* TRUE when the store holds @sha256 and the server does not have it yet. */
gboolean    bd_store_attachment_needs_upload (BdStore *self,
                                              const char *sha256);
gboolean    bd_store_mark_attachment_uploaded (BdStore    *self,
                                               const char *sha256,
                                               GError    **error);

/* Photos other clients took: a pulled report naming a photo this store
 * does not hold puts it on a list, and the sync engine downloads it. */
/* Up to @limit sha256s (a NULL-terminated array), oldest wish first. */
char      **bd_store_list_wanted_attachments (BdStore    *self,
                                              guint       limit,
                                              GError    **error);
/* Keeps the photo the server sent for @sha256 (refused unless the bytes
 * hash to it), takes it off the list and emits "changed" for the report
 * that named it, so that views show it. */
gboolean    bd_store_add_downloaded_attachment (BdStore    *self,
                                                const char *sha256,
                                                GBytes     *bytes,
                                                const char *media_type,
                                                GError    **error);
/* Takes @sha256 off the list (the server does not have it either). */
gboolean    bd_store_forget_wanted_attachment (BdStore    *self,
                                               const char *sha256,
                                               GError    **error);

/* For the sync engine. Each is one transaction. */
/* The server accepted outbox row @seq and answered with @server_copy:
 * removes the row and takes the server's rev; the copy replaces the local
 * row unless later local edits of the report are waiting. */
gboolean    bd_store_ack_outbox_entry (BdStore        *self,
                                       gint64          seq,
                                       BdReport       *server_copy,
                                       GError        **error);
/* A 412 merged three ways: writes @merged (with @server_copy's rev) as the
 * local report, @server_copy as the new base, replaces the report's outbox
 * rows by one carrying @merged (none when it equals the server copy) and
 * records @conflicts (NULL-terminated field names, may be NULL). */
gboolean    bd_store_apply_merge      (BdStore        *self,
                                       BdReport       *merged,
                                       BdReport       *server_copy,
                                       const char * const *conflicts,
                                       GError        **error);
/* A feature of the change feed that this client cannot take (malformed,
 * or refused by its validation, say a newer server's category): kept
 * aside as the server sent it, never dropped, and never in the way of the
 * rest of the feed. */
typedef struct
{
  char   *id;                  /* NULL when the feature has none */
  gint64  seq;
  char   *reason;
  char   *feature;             /* the feature's JSON */
} BdRejected;

void bd_rejected_free (BdRejected *rejected);

/* Pages of the change feed: every report that has no local edit waiting
 * is written as the server sent it, @rejected (BdRejected*, may be NULL)
 * and reports that do not validate are kept aside, and @cursor_key is set
 * to @cursor, all in one transaction. @features, if not NULL, holds each
 * report's GeoJSON (bd_report_to_geojson(), made ahead on another thread).
 * Returns how many were skipped (local edits win until their push merges)
 * in @n_skipped. */
gboolean    bd_store_apply_pulled     (BdStore        *self,
                                       GPtrArray      *reports,
                                       GPtrArray      *features,
                                       GPtrArray      *rejected,
                                       const char     *cursor_key,
                                       gint64          cursor,
                                       guint          *n_skipped,
                                       GError        **error);
/* Outbox rows that are not held back by a conflict, in order. */
GPtrArray  *bd_store_list_outbox_ready (BdStore       *self,
                                        GError       **error);
/* The sync engine is about to send outbox row @seq (the engine does so
 * for deletes). From now on the server may have applied it even if its
 * answer never comes: a restore of the report no longer takes the delete
 * back, but queues the report again after it. An answer settles it: the
 * acknowledgement removes the row, a refusal (bd_store_set_outbox_error ())
 * clears the mark. */
gboolean    bd_store_mark_outbox_sending (BdStore     *self,
                                          gint64       seq,
                                          GError     **error);
/* Why the server refused an outbox row (NULL clears). A refusal also
 * clears the mark of bd_store_mark_outbox_sending (): the server answered
 * without applying it. */
gboolean    bd_store_set_outbox_error (BdStore        *self,
                                       gint64          seq,
                                       const char     *message,
                                       GError        **error);

/* Key/value state of the sync client (the change-feed cursor…).
 * bd_store_read_sync_state sets *@value to NULL when @key is unset and
 * fails (FALSE, @error set) when it cannot be read: a read error is not
 * an unset cursor. */
gboolean    bd_store_read_sync_state  (BdStore        *self,
                                       const char     *key,
                                       char          **value,
                                       GError        **error);
gboolean    bd_store_set_sync_state   (BdStore        *self,
                                       const char     *key,
                                       const char     *value,
                                       GError        **error);

G_END_DECLS
