/* bd-departments-dialog.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "bd-store.h"

G_BEGIN_DECLS

/* The list of departments reports are assigned to (bd-departments.h), as
 * the store keeps it: shown to everyone, edited (add, rename, retire) only
 * on the headquarters desk (the "headquarters" setting, Preferences → This
 * Desk). Emits "changed" after each save, once the labels everyone shows
 * (bd_departments_set_current ()) follow. */

#define BD_TYPE_DEPARTMENTS_DIALOG (bd_departments_dialog_get_type ())

G_DECLARE_FINAL_TYPE (BdDepartmentsDialog, bd_departments_dialog, BD, DEPARTMENTS_DIALOG, AdwWindow)

BdDepartmentsDialog *bd_departments_dialog_new (GtkWindow *parent,
                                                BdStore   *store);

G_END_DECLS
