/* bd-window-workflow.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-window"

#include "config.h"

#include "bd-window-private.h"

#include <glib/gi18n-lib.h>

#include "bd-departments.h"
#include "bd-departments-dialog.h"
#include "bd-report-editor-private.h"

/* The window's part of the workflow (issue 12): the department filter of
 * the sidebar (any, unassigned, one department) and the departments
 * dialog. */

#define UNASSIGNED "-"

static void
fill_department_filter (BdWindow *self)
{
  g_autoptr(GPtrArray) departments = bd_departments_dup_current ();
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
  const char *current = NULL;
  guint selected = 0;

  if (self->department_filter_codes != NULL)
    current = self->department_filter_codes[gtk_drop_down_get_selected (self->department_dropdown)
                                            < g_strv_length (self->department_filter_codes)
                                            ? gtk_drop_down_get_selected (self->department_dropdown)
                                            : 0];

  g_ptr_array_add (codes, g_strdup (""));
  g_ptr_array_add (labels, g_strdup (_("Any department")));
  g_ptr_array_add (codes, g_strdup (UNASSIGNED));
  g_ptr_array_add (labels, g_strdup (_("Unassigned")));
  /* retired ones too: their reports are still to be found */
  for (guint i = 0; i < departments->len; i++)
    {
      BdDepartment *department = g_ptr_array_index (departments, i);

      if (g_strcmp0 (current, department->code) == 0)
        selected = codes->len;
      g_ptr_array_add (codes, g_strdup (department->code));
      g_ptr_array_add (labels, g_strdup (bd_department_get_label (department)));
    }
  if (g_strcmp0 (current, UNASSIGNED) == 0)
    selected = 1;
  g_ptr_array_add (codes, NULL);
  g_ptr_array_add (labels, NULL);

  g_clear_pointer (&self->department_filter_codes, g_strfreev);
  self->department_filter_codes = (char **) g_ptr_array_steal (codes, NULL);
  if (self->department_filter_model == NULL)
    {
      self->department_filter_model = gtk_string_list_new (NULL);
      gtk_string_list_splice (self->department_filter_model, 0, 0,
                              (const char * const *) labels->pdata);
      gtk_drop_down_set_model (self->department_dropdown,
                               G_LIST_MODEL (self->department_filter_model));
    }
  else
    gtk_string_list_splice (self->department_filter_model, 0,
                            g_list_model_get_n_items (G_LIST_MODEL (self->department_filter_model)),
                            (const char * const *) labels->pdata);
  gtk_drop_down_set_selected (self->department_dropdown, selected);
}

static void
on_department_filter_changed_cb (BdWindow    *self,
                                 GParamSpec  *pspec,
                                 GtkDropDown *dropdown)
{
  guint selected = gtk_drop_down_get_selected (dropdown);
  const char *code = NULL;

  if (self->report_list == NULL || self->department_filter_codes == NULL)
    return;
  if (selected < g_strv_length (self->department_filter_codes))
    code = self->department_filter_codes[selected];

  if (code == NULL || *code == '\0')
    bd_report_list_set_department (self->report_list, NULL, FALSE);
  else if (g_str_equal (code, UNASSIGNED))
    bd_report_list_set_department (self->report_list, NULL, TRUE);
  else
    bd_report_list_set_department (self->report_list, code, FALSE);

  _bd_window_filters_changed (self);
}

gboolean
_bd_window_department_filter_active (BdWindow *self)
{
  return self->department_dropdown != NULL &&
         gtk_drop_down_get_selected (self->department_dropdown) > 0 &&
         gtk_drop_down_get_selected (self->department_dropdown) != GTK_INVALID_LIST_POSITION;
}

void
_bd_window_clear_department_filter (BdWindow *self)
{
  gtk_drop_down_set_selected (self->department_dropdown, 0);
}

void
_bd_window_refresh_departments (BdWindow *self)
{
  fill_department_filter (self);
  /* the editor shows the new labels when it next fills its form */
  if (self->editor != NULL && self->editor->report != NULL)
    _bd_report_editor_fill_workflow (self->editor);
}

void
_bd_window_init_workflow (BdWindow *self)
{
  g_autoptr(GPtrArray) departments = NULL;
  g_autoptr(GError) error = NULL;

  /* the store's list is the one every label comes from */
  if ((departments = bd_store_list_departments (self->store, &error)))
    bd_departments_set_current (departments);
  else
    g_warning ("Cannot read the departments: %s", error->message);

  fill_department_filter (self);
}

void
_bd_window_dispose_workflow (BdWindow *self)
{
  g_clear_pointer (&self->department_filter_codes, g_strfreev);
  g_clear_object (&self->department_filter_model);
}

void
_bd_window_show_departments (BdWindow *self)
{
  BdDepartmentsDialog *dialog = bd_departments_dialog_new (GTK_WINDOW (self), self->store);

  g_signal_connect_object (dialog, "changed", G_CALLBACK (_bd_window_refresh_departments),
                           self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
_bd_window_class_init_workflow (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, BdWindow, department_dropdown);
  gtk_widget_class_bind_template_callback (widget_class, on_department_filter_changed_cb);
}
