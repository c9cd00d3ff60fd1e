/* bd-conflict-row-private.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The row's labels and buttons, for tests. */

#pragma once

#include "bd-conflict-row.h"

G_BEGIN_DECLS

GtkLabel   *_bd_conflict_row_get_local_label   (BdConflictRow *self);
GtkLabel   *_bd_conflict_row_get_server_label  (BdConflictRow *self);
GtkButton  *_bd_conflict_row_get_server_button (BdConflictRow *self);

G_END_DECLS
