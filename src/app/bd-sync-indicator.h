/* bd-sync-indicator.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "bd-store.h"
#include "bd-sync.h"

G_BEGIN_DECLS

#define BD_TYPE_SYNC_INDICATOR (bd_sync_indicator_get_type ())

G_DECLARE_FINAL_TYPE (BdSyncIndicator, bd_sync_indicator, BD, SYNC_INDICATOR, GtkWidget)

/* The header bar's sync status: not set up / online / offline / syncing,
 * the changes waiting in @store's outbox and the conflicts waiting for the
 * user; a click opens a popover listing the waiting changes (title,
 * operation, why the server refused one), the last error, the server and
 * "Sync Now". */
GtkWidget   *bd_sync_indicator_new           (void);
/* NULL when sync is not set up (shown as "Not Set Up", not "Offline"). */
void         bd_sync_indicator_set_sync      (BdSyncIndicator *self,
                                              BdSync          *sync);
BdSync      *bd_sync_indicator_get_sync      (BdSyncIndicator *self);
void         bd_sync_indicator_set_store     (BdSyncIndicator *self,
                                              BdStore         *store);
BdStore     *bd_sync_indicator_get_store     (BdSyncIndicator *self);

/* What is shown (also the "state", "pending", "conflicts" and "summary"
 * properties, notified on change). The summary is the accessible name,
 * e.g. "Sync status: online, 3 changes waiting to be sent". */
BdSyncState  bd_sync_indicator_get_state     (BdSyncIndicator *self);
gint64       bd_sync_indicator_get_pending   (BdSyncIndicator *self);
gint64       bd_sync_indicator_get_conflicts (BdSyncIndicator *self);
const char  *bd_sync_indicator_get_summary   (BdSyncIndicator *self);

G_END_DECLS
