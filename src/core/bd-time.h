/* bd-time.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* RFC 3339 timestamps, as reports, the store and bosai-central write and
 * read them. One implementation for the client and the server. */

/* YYYY-MM-DDTHH:MM:SS[.ffffff](Z|±HH:MM): fractions only when not zero, "Z"
 * for UTC. NULL for NULL. (Not g_date_time_format_iso8601 (): GLib 2.74
 * writes "+09" for +09:00, which RFC 3339 does not allow.) */
char       *bd_format_timestamp  (GDateTime   *when);
/* A strict RFC 3339 date-time with an offset (at most 9 fraction digits);
 * NULL for anything else. */
GDateTime  *bd_parse_timestamp   (const char  *text);
/* Now, in UTC, to the second: "2026-12-06T01:02:03Z". */
char       *bd_timestamp_now_utc (void);
/* Microseconds since the Unix epoch, the unit of bosai-central's columns. */
gint64      bd_date_time_to_usec (GDateTime   *when);

G_END_DECLS
