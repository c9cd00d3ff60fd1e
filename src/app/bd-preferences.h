/* bd-preferences.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "bd-application.h"

G_BEGIN_DECLS

#define BD_TYPE_PREFERENCES_WINDOW (bd_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (BdPreferencesWindow, bd_preferences_window, BD, PREFERENCES_WINDOW, AdwPreferencesWindow)

/* The sync settings: the server's address (GSettings), its access token
 * (the keyring, through the application) and an optional CA file. */
BdPreferencesWindow *bd_preferences_window_new             (BdApplication       *application);
/* What the Apply button does: validates the rows, then hands the settings
 * to the application, which saves them and restarts sync. FALSE (and the
 * reason shown in the window) when something is invalid. */
gboolean             bd_preferences_window_apply           (BdPreferencesWindow *self);
/* The validation message shown, or NULL. */
const char          *bd_preferences_window_get_error       (BdPreferencesWindow *self);
/* Shows @toast (taking it) in the window. */
void                 bd_preferences_window_add_toast       (BdPreferencesWindow *self,
                                                            AdwToast            *toast);

/* "" or NULL gives "" (no server). Otherwise an absolute http:// or
 * https:// URL with a host, without user info, query or fragment; returns
 * it trimmed, without a trailing '/'. NULL with a G_IO_ERROR_INVALID_ARGUMENT
 * error saying why it is not. */
char                *bd_preferences_normalize_server_url   (const char          *text,
                                                            GError             **error);
/* TRUE when @path is a readable PEM file holding at least one certificate. */
gboolean             bd_preferences_check_ca_file          (const char          *path,
                                                            GError             **error);

G_END_DECLS
