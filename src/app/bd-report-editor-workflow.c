/* bd-report-editor-workflow.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-report-editor"

#include "config.h"

#include "bd-report-editor-private.h"

#include <glib/gi18n-lib.h>

#include "bd-app-util.h"
#include "bd-departments.h"
#include "bd-history-view.h"
#include "bd-workflow.h"

/* The editor's part of the workflow (issue 12): the status row offers only
 * the moves bd-workflow.h allows from the status the report had when it
 * was opened, the department row the store's list (bd_departments_dup_current ()),
 * and "History" opens the report's history. */

/* The status the rule starts from: the saved one (NULL: a new report). */
static const char *
origin_status (BdReportEditor *self)
{
  if (self->is_new || self->original == NULL)
    return NULL;
  return bd_report_get_status (self->original);
}

static void
fill_status (BdReportEditor *self)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  const char *current = self->report != NULL ? bd_report_get_status (self->report) : NULL;
  guint selected = GTK_INVALID_LIST_POSITION;

  g_clear_pointer (&self->status_codes, g_strfreev);
  self->status_codes = bd_workflow_next_statuses (origin_status (self));
  for (guint i = 0; self->status_codes[i] != NULL; i++)
    {
      const BdStatus *status = bd_catalog_lookup_status (self->status_codes[i]);

      g_ptr_array_add (labels, status != NULL ? bd_dup_catalog_label (status->name_ja, status->name_en)
                                              : g_strdup (self->status_codes[i]));
      if (g_strcmp0 (self->status_codes[i], current) == 0)
        selected = i;
    }
  g_ptr_array_add (labels, NULL);

  gtk_string_list_splice (self->status_model, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->status_model)),
                          (const char * const *) labels->pdata);
  adw_combo_row_set_selected (self->status_row, selected);
}

static void
fill_department (BdReportEditor *self)
{
  g_autoptr(GPtrArray) departments = bd_departments_dup_current ();
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
  const char *current = self->report != NULL ? bd_report_get_department (self->report) : NULL;
  guint selected = 0;

  /* "Unassigned" first (code NULL: the empty string here) */
  g_ptr_array_add (codes, g_strdup (""));
  g_ptr_array_add (labels, g_strdup (_("Unassigned")));
  for (guint i = 0; i < departments->len; i++)
    {
      BdDepartment *department = g_ptr_array_index (departments, i);
      gboolean is_current = g_strcmp0 (department->code, current) == 0;

      /* a retired department stays on the reports that have it */
      if (department->retired && !is_current)
        continue;
      if (is_current)
        selected = codes->len;
      g_ptr_array_add (codes, g_strdup (department->code));
      g_ptr_array_add (labels, g_strdup (bd_department_get_label (department)));
    }
  if (current != NULL && selected == 0)
    {
      /* a code no list here knows (another desk's): kept, shown as it is */
      selected = codes->len;
      g_ptr_array_add (codes, g_strdup (current));
      g_ptr_array_add (labels, g_strdup (current));
    }
  g_ptr_array_add (codes, NULL);
  g_ptr_array_add (labels, NULL);

  g_clear_pointer (&self->department_codes, g_strfreev);
  self->department_codes = (char **) g_ptr_array_steal (codes, NULL);
  gtk_string_list_splice (self->department_model, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->department_model)),
                          (const char * const *) labels->pdata);
  adw_combo_row_set_selected (self->department_row, selected);
}

void
_bd_report_editor_fill_workflow (BdReportEditor *self)
{
  gboolean loading = self->loading;

  self->loading = TRUE;
  fill_status (self);
  fill_department (self);
  self->loading = loading;
}

void
_bd_report_editor_select_status (BdReportEditor *self,
                                 const char     *code)
{
  guint selected = GTK_INVALID_LIST_POSITION;

  for (guint i = 0; self->status_codes != NULL && self->status_codes[i] != NULL; i++)
    if (g_strcmp0 (self->status_codes[i], code) == 0)
      selected = i;
  adw_combo_row_set_selected (self->status_row, selected);
}

const char *
_bd_report_editor_status_code_at (BdReportEditor *self,
                                  guint           position)
{
  if (self->status_codes == NULL || position >= g_strv_length (self->status_codes))
    return NULL;
  return self->status_codes[position];
}

static void
on_department_selected_cb (BdReportEditor *self,
                           GParamSpec     *pspec,
                           AdwComboRow    *row)
{
  guint selected = adw_combo_row_get_selected (row);
  const char *code = NULL;

  if (self->loading || self->report == NULL || self->department_codes == NULL)
    return;
  if (selected < g_strv_length (self->department_codes))
    code = self->department_codes[selected];
  bd_report_set_department (self->report, code != NULL && *code != '\0' ? code : NULL);
  _bd_report_editor_validate (self);
}

static void
history_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  BdReportEditor *self = BD_REPORT_EDITOR (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->store == NULL || self->report == NULL || self->is_new)
    return;
  bd_history_view_present (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->store,
                           bd_report_get_id (self->report),
                           self->original != NULL ? bd_report_get_title (self->original)
                                                  : bd_report_get_title (self->report));
}

void
_bd_report_editor_update_workflow_actions (BdReportEditor *self)
{
  gboolean saved = self->report != NULL && !self->is_new && self->store != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.history", saved);
  gtk_widget_set_visible (self->history_button, saved);
}

void
_bd_report_editor_class_init_workflow (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, department_row);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, history_button);
  gtk_widget_class_bind_template_callback (widget_class, on_department_selected_cb);
  gtk_widget_class_install_action (widget_class, "editor.history", NULL, history_action);
}

void
_bd_report_editor_init_workflow (BdReportEditor *self)
{
  self->department_model = gtk_string_list_new (NULL);
  adw_combo_row_set_model (self->department_row, G_LIST_MODEL (self->department_model));
  bd_combo_row_name_list (self->department_row);
}

void
_bd_report_editor_dispose_workflow (BdReportEditor *self)
{
  g_clear_pointer (&self->status_codes, g_strfreev);
  g_clear_pointer (&self->department_codes, g_strfreev);
  g_clear_object (&self->department_model);
}
