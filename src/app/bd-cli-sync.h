/* bd-cli-sync.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Adds --server, --token, --ca-file, and --sync-once (--import is in bd-cli-io.h). */
void     bd_cli_sync_add_options     (GApplication *application);

/* Call from handle-local-options with the database path. Returns TRUE
 * when --sync-once was given: the command line is then
 * handled and *exit_status is the process's exit status. */
gboolean bd_cli_sync_handle_options  (GVariantDict *options,
                                      const char   *database,
                                      int          *exit_status);

/* The same without a GVariantDict. */
int      bd_cli_sync_run             (const char   *database,
                                      const char   *server,
                                      const char   *token,
                                      const char   *ca_file,
                                      gboolean      sync_once);

G_END_DECLS
