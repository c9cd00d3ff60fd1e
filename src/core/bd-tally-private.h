/* bd-tally-private.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Appends @field to @csv as RFC 4180 wants it: quoted (quotes doubled)
 * when it holds a comma, a quote, CR or LF. For the tests. */
void _bd_tally_append_csv_field (GString    *csv,
                                 const char *field);

G_END_DECLS
