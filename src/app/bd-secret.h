/* bd-secret.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The server's access token, kept by the Secret Service (GNOME Keyring,
 * KWallet…) under the schema "io.github.bosai_desk.BosaiDesk.Token" with one
 * attribute, "server" (the server's URL). Never in GSettings or a file.
 * Every call is asynchronous (D-Bus); errors mean no Secret Service. */

void      bd_secret_store_token_async   (const char           *server_url,
                                         const char           *token,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean  bd_secret_store_token_finish  (GAsyncResult         *result,
                                         GError              **error);

/* Finishes with NULL and no error when no token is stored for the server. */
void      bd_secret_lookup_token_async  (const char           *server_url,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
char     *bd_secret_lookup_token_finish (GAsyncResult         *result,
                                         GError              **error);

/* Forgets the server's token; TRUE also when none was stored. */
void      bd_secret_clear_token_async   (const char           *server_url,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean  bd_secret_clear_token_finish  (GAsyncResult         *result,
                                         GError              **error);

G_END_DECLS
