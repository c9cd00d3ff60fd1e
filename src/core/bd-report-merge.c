/* bd-report-merge.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-report"

#include "config.h"

#include "bd-report.h"

#include "bd-report-fields.h"

/* The three-way merge of a report edited on both sides (DESIGN.md, "The
 * client's sync"). Which fields take part comes from the table of fields:
 * those flagged MERGED; stamps (rev, seq, updated_at), the id and
 * created_at never conflict. */

static gboolean
field_same (BdReport   *a,
            BdReport   *b,
            const char *field)
{
  g_auto(GStrv) diff = bd_report_diff (a, b);

  return !g_strv_contains ((const char * const *) diff, field);
}

/* Whether @report changed any content field (what a person enters). */
static gboolean
has_content_changes (BdReport *base,
                     BdReport *report)
{
  g_auto(GStrv) diff = bd_report_diff (base, report);

  for (guint i = 0; diff[i] != NULL; i++)
    if (bd_report_field_has_flags (diff[i], BD_REPORT_FIELD_FLAG_CONTENT))
      return TRUE;
  return FALSE;
}

BdReport *
bd_report_merge3 (BdReport   *base,
                  BdReport   *local,
                  BdReport   *server,
                  char     ***conflicts)
{
  g_autoptr(GPtrArray) clashes = g_ptr_array_new ();
  g_auto(GStrv) diff = NULL;
  BdReport *merged;
  guint i;

  g_return_val_if_fail (base == NULL || BD_IS_REPORT (base), NULL);
  g_return_val_if_fail (BD_IS_REPORT (local), NULL);
  g_return_val_if_fail (BD_IS_REPORT (server), NULL);

  /* Start from the server's copy and bring over what only we changed. What
   * is not merged keeps the server's value: rev and seq (the server's
   * stamps), the id, and created_at (set once, when the report was first
   * saved; the server's copy has the one every client sees). */
  merged = bd_report_copy (server);
  diff = bd_report_diff (local, server);
  for (i = 0; diff[i] != NULL; i++)
    {
      const char *field = diff[i];
      gboolean local_changed, server_changed;

      if (!bd_report_field_has_flags (field, BD_REPORT_FIELD_FLAG_MERGED))
        continue;
      local_changed = base == NULL || !field_same (base, local, field);
      server_changed = base == NULL || !field_same (base, server, field);
      if (local_changed && !server_changed)
        bd_report_copy_field (merged, local, field);
      else if (local_changed && server_changed)
        {
          /* both changed it differently: keep ours, the user settles it */
          bd_report_copy_field (merged, local, field);
          g_ptr_array_add (clashes, g_strdup (field));
        }
      /* only the server changed it: merged has the server's value */
    }

  /* Deleted on one side, edited on the other: merging would hide the edit
   * in a tombstone (or bring back what was deleted). The user decides. */
  if (base != NULL && bd_report_get_deleted (local) != bd_report_get_deleted (server) &&
      !g_ptr_array_find_with_equal_func (clashes, "deleted", g_str_equal, NULL))
    {
      BdReport *deleter = bd_report_get_deleted (local) != bd_report_get_deleted (base)
                          ? local : server;
      BdReport *editor = deleter == local ? server : local;

      if (has_content_changes (base, editor))
        {
          bd_report_set_deleted (merged, bd_report_get_deleted (local));
          g_ptr_array_add (clashes, g_strdup ("deleted"));
        }
    }

  /* updated_at, a stamp of the last write: the later of the two. */
  if (bd_report_get_updated_at (local) != NULL && bd_report_get_updated_at (server) != NULL &&
      g_date_time_compare (bd_report_get_updated_at (local), bd_report_get_updated_at (server)) > 0)
    bd_report_set_updated_at (merged, bd_report_get_updated_at (local));

  g_ptr_array_add (clashes, NULL);
  if (conflicts != NULL)
    *conflicts = (char **) g_ptr_array_free (g_steal_pointer (&clashes), FALSE);
  else
    g_strfreev ((char **) g_ptr_array_free (g_steal_pointer (&clashes), FALSE));
  return merged;
}
