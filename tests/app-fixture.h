/* app-fixture.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Running the real application in a test: its window, once mapped, handed
 * to a scenario. */

#pragma once

#include <gtk/gtk.h>

#include "bd-application.h"
#include "bd-window.h"

G_BEGIN_DECLS

#define APP_FIXTURE_TIMEOUT_MS 60000

typedef void (*AppScenario) (BdApplication *app,
                             BdWindow      *window);

/* Runs a new BdApplication with @argv (NULL-terminated, the program's
 * name first); when its window is mapped, runs @scenario, which closes it.
 * Asserts that the scenario ran, the exit status is 0 and the application
 * is finalised. */
void app_fixture_run          (const char * const *argv,
                               AppScenario         scenario);
/* Closes @window and waits until it is finalised. */
void app_fixture_close_window (GtkWindow          *window);

G_END_DECLS
