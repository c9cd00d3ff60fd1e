/* bd-application.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "bd-store.h"
#include "bd-sync.h"

G_BEGIN_DECLS

#define BD_TYPE_APPLICATION (bd_application_get_type ())

G_DECLARE_FINAL_TYPE (BdApplication, bd_application, BD, APPLICATION, AdwApplication)

BdApplication *bd_application_new                (void);

/* The database the application opens (before it is activated); NULL means
 * the default, g_get_user_data_dir()/bosai-desk/reports.sqlite. */
void           bd_application_set_database_path  (BdApplication  *self,
                                                  const char     *path);
const char    *bd_application_get_database_path  (BdApplication  *self);
/* An MBTiles file or tile folder; NULL means the GSettings key offline-map. */
void           bd_application_set_offline_map    (BdApplication  *self,
                                                  const char     *path);
const char    *bd_application_get_offline_map    (BdApplication  *self);

/* Opens the database if it is not open yet. */
gboolean       bd_application_ensure_store       (BdApplication  *self,
                                                  GError        **error);
/* The open store, or NULL before bd_application_ensure_store. */
BdStore       *bd_application_get_store          (BdApplication  *self);
/* The application's settings (io.github.bosai_desk.BosaiDesk). */
GSettings     *bd_application_get_settings       (BdApplication  *self);

/* The default database path (not created). */
char          *bd_application_dup_default_database_path (void);

/* Where the access token in use is kept. */
typedef enum
{
  BD_TOKEN_STORE_NONE,         /* no token */
  BD_TOKEN_STORE_SESSION,      /* in memory until the app quits (command line, or no keyring) */
  BD_TOKEN_STORE_SAVING,       /* in memory, being saved in the keyring */
  BD_TOKEN_STORE_KEYRING,      /* in the keyring */
} BdTokenStore;

/* Sync. The application owns one BdSync for its store, running while a
 * server address and a token are known ("sync" is NULL otherwise, and is
 * notified when it is replaced). Settings come from the command line
 * (--server, --token or $BOSAI_TOKEN, --ca-file: this session only) or
 * from GSettings (server-url, ca-file) and the keyring (the token). */
BdSync        *bd_application_get_sync           (BdApplication  *self);
/* The settings in use ("" or NULL when none). */
const char    *bd_application_get_server_url     (BdApplication  *self);
const char    *bd_application_get_token          (BdApplication  *self);
const char    *bd_application_get_ca_file        (BdApplication  *self);
BdTokenStore   bd_application_get_token_store    (BdApplication  *self);
/* Uses these settings for this session only and restarts sync. @server_url
 * must be normalized (bd_preferences_normalize_server_url()). FALSE when
 * @ca_file cannot be read (sync then stays off). */
gboolean       bd_application_configure_sync     (BdApplication  *self,
                                                  const char     *server_url,
                                                  const char     *token,
                                                  const char     *ca_file,
                                                  GError        **error);
/* The same, and saves them: the address and CA file in GSettings, the
 * token in the keyring (asynchronously). If the keyring cannot take it, a
 * toast says so (in @toast_window if it is still open, else in the main
 * window) and the token stays in memory for this session. */
gboolean       bd_application_save_sync_settings (BdApplication  *self,
                                                  const char     *server_url,
                                                  const char     *token,
                                                  const char     *ca_file,
                                                  GtkWindow      *toast_window,
                                                  GError        **error);

G_END_DECLS
