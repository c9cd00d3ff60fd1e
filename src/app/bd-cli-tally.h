/* bd-cli-tally.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "bd-store.h"

G_BEGIN_DECLS

/* Adds --export-tally FILE, --as-of TIME and --edition N. */
void     bd_cli_tally_add_options    (GApplication *application);

/* Call from handle-local-options with the open store. Returns TRUE when
 * the command line was about the tally (--export-tally, or --as-of or
 * --edition without it): *exit_status is then the process's exit status:
 * 0 written, 1 the database or the file failed, 2 a bad command line (a
 * time that is not RFC 3339, an unknown edition, --as-of with --edition). */
gboolean bd_cli_tally_handle_options (GVariantDict *options,
                                      BdStore      *store,
                                      int          *exit_status);

G_END_DECLS
