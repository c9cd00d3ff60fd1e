/* bd-conflict-row.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "bd-store.h"

G_BEGIN_DECLS

/* One field changed both here and on the server: its label, both values,
 * and a button for each choice.
 *
 * Signals:
 *   "settle" (int choice)  a BdConflictChoice: the user pressed "Keep Mine"
 *                          (BD_CONFLICT_KEEP_LOCAL) or "Use Server's"
 *                          (BD_CONFLICT_TAKE_SERVER) */

#define BD_TYPE_CONFLICT_ROW (bd_conflict_row_get_type ())

G_DECLARE_FINAL_TYPE (BdConflictRow, bd_conflict_row, BD, CONFLICT_ROW, GtkWidget)

/* @field: a name from bd_report_diff (); @label: what the user reads;
 * @server_value NULL: the server's copy is not known here (the server's
 * value cannot be chosen). */
GtkWidget  *bd_conflict_row_new               (const char    *field,
                                               const char    *label,
                                               const char    *local_value,
                                               const char    *server_value);
const char *bd_conflict_row_get_field         (BdConflictRow *self);
GtkButton  *bd_conflict_row_get_keep_button   (BdConflictRow *self);

G_END_DECLS
