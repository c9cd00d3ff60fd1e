/* bd-report-row.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "bd-report.h"
#include "bd-store.h"

G_BEGIN_DECLS

/* One report in the sidebar list: category colour dot, title, ward ·
 * category · observed time, severity badge and status, and (given a store)
 * a warning marker when the report has conflicts and a "Not sent" marker
 * when it has edits waiting in the outbox. */

#define BD_TYPE_REPORT_ROW (bd_report_row_get_type ())

G_DECLARE_FINAL_TYPE (BdReportRow, bd_report_row, BD, REPORT_ROW, GtkWidget)

GtkWidget *bd_report_row_new        (void);
BdReport  *bd_report_row_get_report (BdReportRow *self);
void       bd_report_row_set_report (BdReportRow *self,
                                     BdReport    *report);
/* With a store, the row marks a report that has conflicts (a field
 * changed here and on the server), looked up when the report is set. */
BdStore   *bd_report_row_get_store  (BdReportRow *self);
void       bd_report_row_set_store  (BdReportRow *self,
                                     BdStore     *store);
/* TRUE when the conflict marker is shown. */
gboolean   bd_report_row_get_has_conflicts (BdReportRow *self);
/* TRUE when the "Not sent" marker is shown: with a store, the report has
 * edits in the outbox (checked when the report is set and when the store
 * says the report changed, e.g. after a push). */
gboolean   bd_report_row_get_not_sent      (BdReportRow *self);

/* "09-01 14:05" in the year of @now, else "2026-09-01 14:05" (local time). */
char      *bd_format_observed_time  (GDateTime   *when,
                                     GDateTime   *now);

G_END_DECLS
