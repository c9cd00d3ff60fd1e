/* bd-cli-map.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Adds --export-map FILE, --size WxH, --center LAT,LON and --zoom Z (the
 * time is --as-of, which bd-cli-tally.c adds and both read). */
void     bd_cli_map_add_options    (GApplication *application);

/* Call from handle-local-options before the tally's. Returns TRUE when
 * the command line was about the map (--export-map, or --size, --center or
 * --zoom without it): *exit_status is then 0 written, 1 the database, the
 * display, the offline map or the file failed, 2 a bad command line. */
gboolean bd_cli_map_handle_options (GVariantDict *options,
                                    const char   *database,
                                    const char   *offline_map,
                                    int          *exit_status);

G_END_DECLS
