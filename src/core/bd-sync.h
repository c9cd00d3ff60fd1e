/* bd-sync.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "bd-store.h"

G_BEGIN_DECLS

typedef enum
{
  BD_SYNC_STATE_ONLINE,
  BD_SYNC_STATE_OFFLINE,
  BD_SYNC_STATE_SYNCING,
} BdSyncState;

#define BD_SYNC_ERROR (bd_sync_error_quark ())

typedef enum
{
  BD_SYNC_ERROR_UNREACHABLE,   /* network, TLS, timeout, 5xx, bad body: offline */
  BD_SYNC_ERROR_UNAUTHORIZED,  /* 401 */
  BD_SYNC_ERROR_REFUSED,       /* some entries were refused (4xx) or conflict */
} BdSyncError;

#define BD_TYPE_SYNC (bd_sync_get_type ())

G_DECLARE_FINAL_TYPE (BdSync, bd_sync, BD, SYNC, GObject)

GQuark       bd_sync_error_quark       (void);

BdSync      *bd_sync_new               (BdStore              *store);
void         bd_sync_set_server_url    (BdSync               *self,
                                        const char           *url);
void         bd_sync_set_token         (BdSync               *self,
                                        const char           *token);
/* Trust this PEM certificate (a self-signed nginx). */
gboolean     bd_sync_set_ca_file       (BdSync               *self,
                                        const char           *path,
                                        GError              **error);
/* Seconds to wait for an answer before the server counts as unreachable
 * (15 by default). */
void         bd_sync_set_timeout       (BdSync               *self,
                                        guint                 seconds);
BdSyncState  bd_sync_get_state         (BdSync               *self);
gint64       bd_sync_get_pending       (BdSync               *self);
const char  *bd_sync_get_last_error    (BdSync               *self);
/* Conflicts waiting for the user (bd_store_count_conflicts()). The
 * "conflicts" property is notified after every run. */
gint64       bd_sync_get_conflicts     (BdSync               *self);

/* Pushes the outbox in order, then pulls the change feed until nothing is
 * left, then fetches a few photos other clients took. Never blocks: the
 * push uses libsoup's async API on the thread-default context, the pull
 * fetches and parses pages on a thread of its own, and the store is
 * written on the thread-default context. */
void         bd_sync_run_once_async    (BdSync               *self,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
gboolean     bd_sync_run_once_finish   (BdSync               *self,
                                        GAsyncResult         *result,
                                        GError              **error);

/* Background loop: syncs now, then every @interval_s seconds; after a
 * failure, offline with exponential backoff (1 s, 2 s, 4 s … 60 s, with
 * jitter). A network that becomes available wakes it early. */
void         bd_sync_start             (BdSync               *self,
                                        guint                 interval_s);
void         bd_sync_stop              (BdSync               *self);
/* Syncs now if the loop runs and no sync is in flight (a "sync now"). */
void         bd_sync_sync_now          (BdSync               *self);

G_END_DECLS
