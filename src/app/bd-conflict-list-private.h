/* bd-conflict-list-private.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The list's rows, for tests. */

#pragma once

#include "bd-conflict-list.h"
#include "bd-conflict-row.h"

G_BEGIN_DECLS

/* The row for @field (a name from bd_report_diff ()), or NULL. */
BdConflictRow *_bd_conflict_list_get_row (BdConflictList *self,
                                          const char     *field);

G_END_DECLS
