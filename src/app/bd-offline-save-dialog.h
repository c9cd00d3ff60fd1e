/* bd-offline-save-dialog.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "bd-city-tiles.h"

G_BEGIN_DECLS

/* "Save This Area for Offline Use": the zooms to copy, the tile count and
 * size shown before starting, the file (GtkFileChooserNative), a progress
 * bar and Cancel. Runs a BdOfflineCopy; "saved" (path) when it completed. */

#define BD_TYPE_OFFLINE_SAVE_DIALOG (bd_offline_save_dialog_get_type ())

G_DECLARE_FINAL_TYPE (BdOfflineSaveDialog, bd_offline_save_dialog, BD, OFFLINE_SAVE_DIALOG, AdwWindow)

BdOfflineSaveDialog *bd_offline_save_dialog_new (GtkWindow           *parent,
                                                 SoupSession         *session,
                                                 const BdCityTileSet *set,
                                                 const char          *server_url,
                                                 const char          *token,
                                                 double               min_lon,
                                                 double               min_lat,
                                                 double               max_lon,
                                                 double               max_lat,
                                                 guint                zoom);
/* Starts the copy into @path without asking for a file (tests). */
void                 bd_offline_save_dialog_start (BdOfflineSaveDialog *self,
                                                   const char          *path);
/* The line "N tiles, about X MB" shown now (tests). */
const char          *bd_offline_save_dialog_get_summary (BdOfflineSaveDialog *self);

G_END_DECLS
