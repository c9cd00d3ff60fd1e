/* bd-report-row-private.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "bd-report-row.h"

G_BEGIN_DECLS

/* Thumbnails of the rows' first photos kept at most (one cache for all
 * the rows of the process). */
#define BD_REPORT_ROW_THUMB_CACHE 200

/* For tests: thumbnail loads started since the start, loads running now,
 * thumbnails in the cache, and a row's thumbnail. */
guint       _bd_report_row_get_thumbnails_started (void);
guint       _bd_report_row_get_thumbnails_loading (void);
guint       _bd_report_row_get_thumbnails_cached  (void);
GtkImage   *_bd_report_row_get_thumbnail          (BdReportRow *self);

G_END_DECLS
