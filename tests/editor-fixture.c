/* editor-fixture.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "editor-fixture.h"
#include "ui-util.h"

void
editor_fixture_set_up (EditorFixture *f,
                       const char    *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *template = g_strdup_printf ("bd-test-%s-XXXXXX", name);
  g_autofree char *db = NULL;

  f->dir = g_dir_make_tmp (template, &error);
  g_assert_no_error (error);
  db = g_build_filename (f->dir, "bosai.db", NULL);
  f->store = bd_store_open (db, &error);
  g_assert_no_error (error);

  f->editor = bd_report_editor_new ();
  bd_report_editor_set_store (f->editor, f->store);

  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 400, 760);
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (f->editor));
  gtk_window_present (GTK_WINDOW (f->window));
  g_assert_true (iterate_until (widget_is_mapped, f->editor, EDITOR_FIXTURE_TIMEOUT_MS));
}

void
editor_fixture_tear_down (EditorFixture *f)
{
  gpointer editor = f->editor;

  /* Every worker thread's callback has run and let go of the editor. */
  g_object_add_weak_pointer (G_OBJECT (editor), &editor);
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_assert_true (iterate_until (pointer_is_null, &editor, EDITOR_FIXTURE_TIMEOUT_MS));

  g_assert_finalize_object (f->store);
  g_assert_cmpint (remove_tree (f->dir), ==, 0);
  g_free (f->dir);
}
