/* bd-window.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "bd-application.h"
#include "bd-store.h"

G_BEGIN_DECLS

#define BD_TYPE_WINDOW (bd_window_get_type ())

G_DECLARE_FINAL_TYPE (BdWindow, bd_window, BD, WINDOW, AdwApplicationWindow)

/* @offline_map: an MBTiles file or tile folder for the "local" base map, or NULL. */
BdWindow        *bd_window_new             (BdApplication *application,
                                            BdStore       *store,
                                            const char    *offline_map);
/* TRUE while the sidebar shows the editor. */
gboolean         bd_window_get_editing     (BdWindow      *self);
/* Shows a toast; @action_name (with @target) makes it a button labelled @button_label. */
void             bd_window_add_toast       (BdWindow      *self,
                                            const char    *title,
                                            const char    *button_label,
                                            const char    *action_name,
                                            GVariant      *target);

G_END_DECLS
