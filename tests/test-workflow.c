/* test-workflow.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib.h>

#include "bd-report.h"
#include "bd-workflow.h"

/* Every status of DOMAIN.md A, in the catalog's order, and NULL: a report
 * not saved yet. */
static const char * const statuses[] = {
  "new", "confirmed", "in_progress", "resolved", "duplicate", "false_report",
};

/* The expected rule, written out by hand: row = from, column = to, in the
 * order of statuses[]; the last row is from NULL (a new report). */
static const gboolean allowed[7][6] = {
  /*                new  conf  prog  res   dup   false */
  /* new */       { 1,   1,    0,    0,    1,    1 },
  /* confirmed */ { 1,   1,    1,    0,    1,    1 },
  /* in_progr. */ { 0,   1,    1,    1,    1,    1 },
  /* resolved */  { 0,   0,    1,    1,    0,    0 },
  /* duplicate */ { 1,   1,    0,    0,    1,    0 },
  /* false_r. */  { 1,   1,    0,    0,    0,    1 },
  /* (none) */    { 1,   1,    0,    0,    0,    0 },
};

static void
test_every_move (void)
{
  guint n_allowed = 0, n_refused = 0;

  for (guint i = 0; i < 7; i++)
    for (guint j = 0; j < G_N_ELEMENTS (statuses); j++)
      {
        const char *from = i < 6 ? statuses[i] : NULL;
        const char *to = statuses[j];
        g_autoptr(GError) error = NULL;
        gboolean ok = bd_workflow_check (from, to, &error);

        g_test_message ("%s → %s: %s", from ? from : "(new report)", to,
                        ok ? "allowed" : error->message);
        g_assert_cmpint (bd_workflow_allows (from, to), ==, allowed[i][j]);
        g_assert_cmpint (ok, ==, allowed[i][j]);
        if (ok)
          {
            g_assert_no_error (error);
            n_allowed++;
          }
        else
          {
            g_assert_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_STATUS);
            n_refused++;
          }
      }

  /* 42 moves: 24 allowed (6 of them staying), 18 refused */
  g_assert_cmpuint (n_allowed, ==, 24);
  g_assert_cmpuint (n_refused, ==, 18);
}

static void
test_next_statuses (void)
{
  for (guint i = 0; i < 7; i++)
    {
      const char *from = i < 6 ? statuses[i] : NULL;
      g_auto(GStrv) next = bd_workflow_next_statuses (from);
      guint expected = 0;

      for (guint j = 0; j < G_N_ELEMENTS (statuses); j++)
        {
          expected += allowed[i][j];
          g_assert_cmpint (g_strv_contains ((const char * const *) next, statuses[j]), ==,
                           allowed[i][j]);
        }
      g_assert_cmpuint (g_strv_length (next), ==, expected);
      /* the current status comes first */
      if (from != NULL)
        g_assert_cmpstr (next[0], ==, from);
    }

  /* the order otherwise follows the catalog */
  {
    g_auto(GStrv) next = bd_workflow_next_statuses ("confirmed");
    const char * const expected[] = { "confirmed", "new", "in_progress", "duplicate",
                                      "false_report", NULL };

    g_assert_true (g_strv_equal ((const char * const *) next, expected));
  }
}

static void
test_odd_values (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) next = NULL;

  /* nothing, or an empty status, is never a target */
  g_assert_false (bd_workflow_allows ("new", NULL));
  g_assert_false (bd_workflow_allows ("new", ""));
  /* "" as the origin is a new report */
  g_assert_true (bd_workflow_allows ("", "confirmed"));
  g_assert_false (bd_workflow_allows ("", "resolved"));
  /* a status this version does not know (a newer server's): stay, or back to new */
  g_assert_true (bd_workflow_allows ("escalated", "escalated"));
  g_assert_true (bd_workflow_allows ("escalated", "new"));
  g_assert_false (bd_workflow_allows ("escalated", "resolved"));
  next = bd_workflow_next_statuses ("escalated");
  g_assert_cmpuint (g_strv_length (next), ==, 2);
  /* an unknown target is refused with a message naming it */
  g_assert_false (bd_workflow_check ("new", "archived", &error));
  g_assert_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_STATUS);
  g_assert_nonnull (strstr (error->message, "archived"));

  g_assert_true (bd_workflow_is_closing ("duplicate"));
  g_assert_true (bd_workflow_is_closing ("false_report"));
  g_assert_false (bd_workflow_is_closing ("resolved"));
  g_assert_false (bd_workflow_is_closing (NULL));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bd/workflow/every-move", test_every_move);
  g_test_add_func ("/bd/workflow/next-statuses", test_next_statuses);
  g_test_add_func ("/bd/workflow/odd-values", test_odd_values);

  return g_test_run ();
}
