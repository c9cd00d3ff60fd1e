/* editor-fixture.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What the report editor's tests share: a store in a temporary folder and
 * the editor on it, shown in a window. */

#pragma once

#include <gtk/gtk.h>

#include "bd-report-editor.h"
#include "bd-store.h"

G_BEGIN_DECLS

#define EDITOR_FIXTURE_TIMEOUT_MS 60000

typedef struct
{
  char           *dir;
  BdStore        *store;
  GtkWidget      *window;
  BdReportEditor *editor;
} EditorFixture;

/* A fresh store in a folder named after @name, the editor on it, mapped. */
void editor_fixture_set_up    (EditorFixture *f,
                               const char    *name);
/* Closes the window, waits until every worker has let go of the editor,
 * finalises the store and removes the folder. */
void editor_fixture_tear_down (EditorFixture *f);

G_END_DECLS
