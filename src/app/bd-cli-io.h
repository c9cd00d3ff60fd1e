/* bd-cli-io.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Adds --import FILE and --export FILE. */
void     bd_cli_io_add_options     (GApplication *application);

/* Call from handle-local-options with the database path. Returns TRUE
 * when --import and/or --export were given (the import first): the command
 * line is then handled and *exit_status is the process's exit status. */
gboolean bd_cli_io_handle_options  (GVariantDict *options,
                                    const char   *database,
                                    int          *exit_status);

G_END_DECLS
