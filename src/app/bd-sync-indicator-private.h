/* bd-sync-indicator-private.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The labels shown in the header bar and the popover, for tests. */

#pragma once

#include "bd-sync-indicator.h"

G_BEGIN_DECLS

GtkLabel   *_bd_sync_indicator_get_state_label     (BdSyncIndicator *self);
GtkLabel   *_bd_sync_indicator_get_pending_label   (BdSyncIndicator *self);
GtkLabel   *_bd_sync_indicator_get_conflicts_label (BdSyncIndicator *self);
GtkLabel   *_bd_sync_indicator_get_error_label     (BdSyncIndicator *self);
GtkLabel   *_bd_sync_indicator_get_server_label    (BdSyncIndicator *self);
GtkPopover *_bd_sync_indicator_get_popover         (BdSyncIndicator *self);
/* The popover's list of waiting changes (filled while the popover is
 * open), and what row @index says: "title, operation[, refusal]". */
GtkListBox *_bd_sync_indicator_get_waiting_list    (BdSyncIndicator *self);
char       *_bd_sync_indicator_dup_waiting_text    (BdSyncIndicator *self,
                                                    guint            index);

G_END_DECLS
