/* bd-history-view-private.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What the view shows, for tests. */

#pragma once

#include "bd-history-view.h"

G_BEGIN_DECLS

/* How many history entries (headings) and field rows are shown. */
guint       _bd_history_view_get_n_entries  (BdHistoryView *self);
guint       _bd_history_view_get_n_rows     (BdHistoryView *self);
/* Row @index (newest entry first, each entry's fields in table order):
 * its accessible text, "Field: old → new". */
const char *_bd_history_view_get_row_text   (BdHistoryView *self,
                                             guint          index);
/* The heading of entry @index: "when — who". */
const char *_bd_history_view_get_entry_text (BdHistoryView *self,
                                             guint          index);

G_END_DECLS
