/* bd-window.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>
#include <shumate/shumate.h>

#include "bd-application.h"
#include "bd-report-layer.h"
#include "bd-report-editor.h"
#include "bd-store.h"
#include "bd-sync-indicator.h"

G_BEGIN_DECLS

#define BD_TYPE_WINDOW (bd_window_get_type ())

G_DECLARE_FINAL_TYPE (BdWindow, bd_window, BD, WINDOW, AdwApplicationWindow)

/* @offline_map: an MBTiles file or tile folder for the "local" base map, or NULL. */
BdWindow        *bd_window_new             (BdApplication *application,
                                            BdStore       *store,
                                            const char    *offline_map);
BdStore         *bd_window_get_store       (BdWindow      *self);
BdReportEditor  *bd_window_get_editor      (BdWindow      *self);
/* The sidebar's list (a BdReportList: BdReport items). */
GListModel      *bd_window_get_report_list (BdWindow      *self);
ShumateViewport *bd_window_get_viewport    (BdWindow      *self);
/* The map widget; its GtkGestureClick named "bd-map-click" handles clicks. */
ShumateMap      *bd_window_get_map         (BdWindow      *self);
BdReportLayer   *bd_window_get_report_layer (BdWindow     *self);
/* TRUE while the sidebar shows the editor. */
gboolean         bd_window_get_editing     (BdWindow      *self);
/* Shows a toast; @action_name (with @target) makes it a button labelled @button_label. */
void             bd_window_add_toast       (BdWindow      *self,
                                            const char    *title,
                                            const char    *button_label,
                                            const char    *action_name,
                                            GVariant      *target);
/* The header bar's sync status. */
BdSyncIndicator *bd_window_get_sync_indicator (BdWindow     *self);
/* The last toast shown, for tests (NULL if none). */
AdwToast        *bd_window_get_last_toast  (BdWindow      *self);

G_END_DECLS
