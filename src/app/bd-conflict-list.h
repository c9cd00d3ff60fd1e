/* bd-conflict-list.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "bd-report.h"
#include "bd-store.h"

G_BEGIN_DECLS

/* The fields of a report changed both here and on the server, in the order
 * of the form, each a BdConflictRow with both values; hidden when there
 * are none.
 *
 * Properties:
 *   "store"   (BdStore)   where the conflicts and both copies are read
 *   "report"  (BdReport)  the report being edited (NULL: none, or a new one)
 *
 * Signals:
 *   "settle" (const char *field, int choice)  the user chose a side for
 *            @field (a BdConflictChoice); the listener settles it in the
 *            store, then calls bd_conflict_list_refresh () */

#define BD_TYPE_CONFLICT_LIST (bd_conflict_list_get_type ())

G_DECLARE_FINAL_TYPE (BdConflictList, bd_conflict_list, BD, CONFLICT_LIST, GtkBox)

GtkWidget *bd_conflict_list_new          (void);
BdStore   *bd_conflict_list_get_store    (BdConflictList *self);
void       bd_conflict_list_set_store    (BdConflictList *self,
                                          BdStore        *store);
BdReport  *bd_conflict_list_get_report   (BdConflictList *self);
void       bd_conflict_list_set_report   (BdConflictList *self,
                                          BdReport       *report);
/* Reads the conflicts again (the store changed). */
void       bd_conflict_list_refresh      (BdConflictList *self);
guint      bd_conflict_list_get_n_conflicts (BdConflictList *self);
/* Focuses the first choice; FALSE when there is none. */
gboolean   bd_conflict_list_focus_first  (BdConflictList *self);

G_END_DECLS
