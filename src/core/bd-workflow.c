/* bd-workflow.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-report"

#include "config.h"

#include "bd-workflow.h"

#include <glib/gi18n-lib.h>

#include "bd-catalog.h"
#include "bd-report.h"

/* The one table of moves: from each status, where a person may take it. */
typedef struct
{
  const char *from;
  const char *to[5];
} Move;

static const Move moves[] = {
  { "new",          { "confirmed", "duplicate", "false_report", NULL } },
  { "confirmed",    { "new", "in_progress", "duplicate", "false_report", NULL } },
  { "in_progress",  { "confirmed", "resolved", "duplicate", "false_report", NULL } },
  { "resolved",     { "in_progress", NULL } },
  { "duplicate",    { "new", "confirmed", NULL } },
  { "false_report", { "new", "confirmed", NULL } },
};

/* Where a report not saved yet may start. */
static const char * const starts[] = { "new", "confirmed", NULL };
/* From a status this version does not know. */
static const char * const from_unknown[] = { "new", NULL };

static const char * const *
targets (const char *from)
{
  if (from == NULL || *from == '\0')
    return starts;

  for (guint i = 0; i < G_N_ELEMENTS (moves); i++)
    if (g_str_equal (moves[i].from, from))
      return moves[i].to;

  return from_unknown;
}

gboolean
bd_workflow_allows (const char *from,
                    const char *to)
{
  if (from != NULL && *from == '\0')
    from = NULL;
  if (to == NULL || *to == '\0')
    return FALSE;
  if (g_strcmp0 (from, to) == 0)
    return TRUE;

  return g_strv_contains (targets (from), to);
}

char **
bd_workflow_next_statuses (const char *from)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const BdStatus *statuses;
  guint n = 0;

  if (from != NULL && *from != '\0')
    g_strv_builder_add (builder, from);

  statuses = bd_catalog_get_statuses (&n);
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (statuses[i].code, from) != 0 && bd_workflow_allows (from, statuses[i].code))
      g_strv_builder_add (builder, statuses[i].code);

  return g_strv_builder_end (builder);
}

static const char *
status_label (const char *code)
{
  const BdStatus *status = bd_catalog_lookup_status (code);

  if (status == NULL)
    return code != NULL ? code : "";
  return bd_catalog_label (status->name_ja, status->name_en);
}

gboolean
bd_workflow_check (const char  *from,
                   const char  *to,
                   GError     **error)
{
  if (bd_workflow_allows (from, to))
    return TRUE;

  if (from == NULL || *from == '\0')
    g_set_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_STATUS,
                 _("A new report starts as “%s” or “%s”, not “%s”."),
                 status_label ("new"), status_label ("confirmed"), status_label (to));
  else
    g_set_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_STATUS,
                 _("A report cannot go from “%s” to “%s”."),
                 status_label (from), status_label (to));
  return FALSE;
}

gboolean
bd_workflow_is_closing (const char *status)
{
  return g_strcmp0 (status, "duplicate") == 0 || g_strcmp0 (status, "false_report") == 0;
}
