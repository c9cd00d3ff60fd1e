/* app-fixture.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "app-fixture.h"
#include "ui-util.h"

typedef struct
{
  AppScenario scenario;
  gboolean    ran;
} Run;

static void
on_activate_cb (GApplication *app,
                Run          *run)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  g_assert_true (BD_IS_WINDOW (window));
  g_assert_true (iterate_until (widget_is_mapped, window, APP_FIXTURE_TIMEOUT_MS));
  run->scenario (BD_APPLICATION (app), BD_WINDOW (window));
  run->ran = TRUE;
}

void
app_fixture_run (const char * const *argv,
                 AppScenario         scenario)
{
  BdApplication *app = bd_application_new ();
  Run run = { scenario, FALSE };

  g_signal_connect_after (app, "activate", G_CALLBACK (on_activate_cb), &run);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), (int) g_strv_length ((char **) argv),
                                      (char **) argv), ==, 0);
  g_assert_true (run.ran);
  g_assert_finalize_object (app);
}

void
app_fixture_close_window (GtkWindow *window)
{
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_close (window);
  g_assert_true (iterate_until (pointer_is_null, &window, APP_FIXTURE_TIMEOUT_MS));
}
