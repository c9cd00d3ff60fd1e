/* bd-workflow.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The workflow of a report's status (DOMAIN.md A): new (未確認) → confirmed
 * (確認済) → in_progress (対応中) → resolved (対応済), one step back where it
 * makes sense (confirmed → new, in_progress → confirmed, resolved →
 * in_progress to reopen), and two closing states, duplicate (重複) and
 * false_report (誤報), reachable from new, confirmed and in_progress and
 * reopened to new or confirmed.
 *
 * The rule is for what a person edits (the editor offers only these, and
 * bd_store_save_report_over () refuses the others). What arrives from the
 * server (pulled pages, merges, acknowledgements) and imported files are
 * never refused by it: another desk may have made any move, and losing its
 * data would be worse than a skipped step. */

/* Whether a person may move a report from status @from (NULL: a report not
 * saved yet) to @to. Staying is always allowed. A new report starts as new
 * or confirmed. From a status this version does not know, the report may
 * stay or go back to new. */
gboolean      bd_workflow_allows          (const char  *from,
                                           const char  *to);
/* The statuses a person may choose from @from, @from itself first (when it
 * is set), then the catalog's order; NULL-terminated, free with
 * g_strfreev (). */
char        **bd_workflow_next_statuses   (const char  *from);
/* bd_workflow_allows () with a BD_REPORT_ERROR_STATUS error that names
 * both statuses in the user's language. */
gboolean      bd_workflow_check           (const char  *from,
                                           const char  *to,
                                           GError     **error);
/* duplicate and false_report: the report needs no more work. */
gboolean      bd_workflow_is_closing      (const char  *status);

G_END_DECLS
