/* bd-tally-view.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "bd-store.h"

G_BEGIN_DECLS

#define BD_TYPE_TALLY_VIEW (bd_tally_view_get_type ())

G_DECLARE_FINAL_TYPE (BdTallyView, bd_tally_view, BD, TALLY_VIEW, AdwWindow)

/* The damage tally window over @store; @actor names who issues editions. */
GtkWidget *bd_tally_view_new (BdStore    *store,
                              const char *actor);

G_END_DECLS
