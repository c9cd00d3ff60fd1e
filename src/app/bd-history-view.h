/* bd-history-view.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "bd-store.h"

G_BEGIN_DECLS

/* Every change of one report, newest first: when, who, where it came from
 * (edited here, from the server, merged), and each field with its old and
 * new value, shown with the field table's labels and formatting
 * (bd_report_field_label (), bd_report_field_format_json ()). Read from
 * the store's history (bd_store_list_history ()), synced changes included. */

#define BD_TYPE_HISTORY_VIEW (bd_history_view_get_type ())

G_DECLARE_FINAL_TYPE (BdHistoryView, bd_history_view, BD, HISTORY_VIEW, AdwBin)

GtkWidget *bd_history_view_new         (void);
/* Shows @entries (BdHistoryEntry*, oldest first, as the store lists them). */
void       bd_history_view_set_entries (BdHistoryView  *self,
                                        GPtrArray      *entries);
/* Reads the history of @report_id from @store and shows it. */
gboolean   bd_history_view_load        (BdHistoryView  *self,
                                        BdStore        *store,
                                        const char     *report_id,
                                        GError        **error);
/* A window over @parent showing the history of @report_id, titled with
 * @title (the report's). */
GtkWindow *bd_history_view_present     (GtkWindow      *parent,
                                        BdStore        *store,
                                        const char     *report_id,
                                        const char     *title);

G_END_DECLS
