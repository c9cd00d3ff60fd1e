/* bd-preferences-private.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* For tests: the last toast and the rows (the token row is an
 * AdwPasswordEntryRow). */

#pragma once

#include "bd-preferences.h"

G_BEGIN_DECLS

/* The last toast shown (NULL if none). */
AdwToast            *_bd_preferences_window_get_last_toast  (BdPreferencesWindow *self);
AdwEntryRow         *_bd_preferences_window_get_server_row  (BdPreferencesWindow *self);
AdwEntryRow         *_bd_preferences_window_get_token_row   (BdPreferencesWindow *self);
AdwEntryRow         *_bd_preferences_window_get_ca_row      (BdPreferencesWindow *self);

G_END_DECLS
