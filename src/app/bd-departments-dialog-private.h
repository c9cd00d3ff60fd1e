/* bd-departments-dialog-private.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* For tests. */

#pragma once

#include "bd-departments-dialog.h"

G_BEGIN_DECLS

/* How many departments the list shows (retired ones included). */
guint       _bd_departments_dialog_get_n_rows      (BdDepartmentsDialog *self);
/* Whether the form (add, rename, retire) can be used: headquarters only. */
gboolean    _bd_departments_dialog_get_editable    (BdDepartmentsDialog *self);
/* Fills the form as a person would, then presses Save; returns whether it
 * was saved; the error shown under the form otherwise. */
gboolean    _bd_departments_dialog_save            (BdDepartmentsDialog *self,
                                                    const char          *code,
                                                    const char          *name_ja,
                                                    const char          *name_en,
                                                    gboolean             retired);
const char *_bd_departments_dialog_get_error       (BdDepartmentsDialog *self);

G_END_DECLS
