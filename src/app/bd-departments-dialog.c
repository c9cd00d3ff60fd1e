/* bd-departments-dialog.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-departments-dialog"

#include "config.h"

#include "bd-departments-dialog-private.h"

#include <glib/gi18n-lib.h>

#include "bd-departments.h"

#define SCHEMA_ID "io.github.bosai_desk.BosaiDesk"

struct _BdDepartmentsDialog
{
  AdwWindow   parent_instance;

  BdStore    *store;
  GSettings  *settings;
  guint       n_rows;

  /* template children */
  GtkLabel    *hq_label;
  GtkWidget   *form_group;
  AdwEntryRow *code_row;
  AdwEntryRow *name_ja_row;
  AdwEntryRow *name_en_row;
  GtkSwitch   *retired_switch;
  GtkLabel    *error_label;
  GtkWidget   *save_button;
  GtkListBox  *list_box;
};

G_DEFINE_FINAL_TYPE (BdDepartmentsDialog, bd_departments_dialog, ADW_TYPE_WINDOW)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
is_headquarters (BdDepartmentsDialog *self)
{
  return g_settings_get_boolean (self->settings, "headquarters");
}

static void
update_editable (BdDepartmentsDialog *self)
{
  gboolean hq = is_headquarters (self);
  GtkWidget *row;

  gtk_widget_set_visible (GTK_WIDGET (self->hq_label), !hq);
  gtk_widget_set_sensitive (self->form_group, hq);
  gtk_widget_set_sensitive (self->save_button, hq);
  for (row = gtk_widget_get_first_child (GTK_WIDGET (self->list_box)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *button = g_object_get_data (G_OBJECT (row), "bd-edit-button");

      if (button != NULL)
        gtk_widget_set_sensitive (button, hq);
    }
}

static void
show_error (BdDepartmentsDialog *self,
            const char          *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
on_edit_clicked_cb (GtkButton           *button,
                    BdDepartmentsDialog *self)
{
  BdDepartment *department = g_object_get_data (G_OBJECT (button), "bd-department");

  gtk_editable_set_text (GTK_EDITABLE (self->code_row), department->code);
  gtk_editable_set_text (GTK_EDITABLE (self->name_ja_row), department->name_ja);
  gtk_editable_set_text (GTK_EDITABLE (self->name_en_row), department->name_en);
  gtk_switch_set_active (self->retired_switch, department->retired);
  show_error (self, NULL);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_ja_row));
}

static GtkWidget *
make_row (BdDepartmentsDialog *self,
          BdDepartment        *department)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Change"));
  g_autofree char *subtitle = NULL;
  g_autofree char *edit_name = NULL;
  gboolean ja = g_strcmp0 (bd_department_get_label (department), department->name_ja) == 0;

  /* the other language's name and the code; "retired" when it is */
  if (department->retired)
    /* Translators: a retired department: its other name, its code */
    subtitle = g_strdup_printf (_("%s · %s · retired"), ja ? department->name_en : department->name_ja,
                                department->code);
  else
    subtitle = g_strdup_printf ("%s · %s", ja ? department->name_en : department->name_ja,
                                department->code);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), bd_department_get_label (department));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (department->retired)
    gtk_widget_add_css_class (row, "dim-label");

  /* Translators: the accessible name of a department's "Change" button */
  edit_name = g_strdup_printf (_("Change %s"), bd_department_get_label (department));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  edit_name, -1);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  g_object_set_data_full (G_OBJECT (button), "bd-department", bd_department_copy (department),
                          (GDestroyNotify) bd_department_free);
  g_signal_connect (button, "clicked", G_CALLBACK (on_edit_clicked_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  g_object_set_data (G_OBJECT (row), "bd-edit-button", button);

  return row;
}

static void
reload (BdDepartmentsDialog *self)
{
  g_autoptr(GPtrArray) departments = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))))
    gtk_list_box_remove (self->list_box, child);
  self->n_rows = 0;

  if (!(departments = bd_store_list_departments (self->store, &error)))
    {
      show_error (self, error->message);
      return;
    }
  for (guint i = 0; i < departments->len; i++)
    {
      gtk_list_box_append (self->list_box, make_row (self, g_ptr_array_index (departments, i)));
      self->n_rows++;
    }
  update_editable (self);
}

static gboolean
save (BdDepartmentsDialog *self)
{
  g_autoptr(BdDepartment) department = NULL;
  g_autoptr(GPtrArray) departments = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;

  if (!is_headquarters (self))
    {
      show_error (self, _("Only the headquarters desk changes the list of departments."));
      return FALSE;
    }

  code = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->code_row))));
  department = bd_department_new (code,
                                  gtk_editable_get_text (GTK_EDITABLE (self->name_ja_row)),
                                  gtk_editable_get_text (GTK_EDITABLE (self->name_en_row)),
                                  gtk_switch_get_active (self->retired_switch));
  g_strstrip (department->name_ja);
  g_strstrip (department->name_en);
  if (!bd_store_save_department (self->store, department, &error))
    {
      show_error (self, error->message);
      return FALSE;
    }

  show_error (self, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->code_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->name_ja_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->name_en_row), "");
  gtk_switch_set_active (self->retired_switch, FALSE);

  if ((departments = bd_store_list_departments (self->store, NULL)))
    bd_departments_set_current (departments);
  reload (self);
  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

static void
on_save_clicked_cb (BdDepartmentsDialog *self)
{
  save (self);
}

static void
bd_departments_dialog_dispose (GObject *object)
{
  BdDepartmentsDialog *self = BD_DEPARTMENTS_DIALOG (object);

  g_clear_object (&self->store);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (bd_departments_dialog_parent_class)->dispose (object);
}

static void
bd_departments_dialog_class_init (BdDepartmentsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bd_departments_dialog_dispose;

  /* The list was saved: labels and filters should follow. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/bosai_desk/BosaiDesk/ui/bd-departments-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, BdDepartmentsDialog, hq_label);
  gtk_widget_class_bind_template_child (widget_class, BdDepartmentsDialog, form_group);
  gtk_widget_class_bind_template_child (widget_class, BdDepartmentsDialog, code_row);
  gtk_widget_class_bind_template_child (widget_class, BdDepartmentsDialog, name_ja_row);
  gtk_widget_class_bind_template_child (widget_class, BdDepartmentsDialog, name_en_row);
  gtk_widget_class_bind_template_child (widget_class, BdDepartmentsDialog, retired_switch);
  gtk_widget_class_bind_template_child (widget_class, BdDepartmentsDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, BdDepartmentsDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, BdDepartmentsDialog, list_box);
  gtk_widget_class_bind_template_callback (widget_class, on_save_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
bd_departments_dialog_init (BdDepartmentsDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (SCHEMA_ID);
  g_signal_connect_object (self->settings, "changed::headquarters",
                           G_CALLBACK (update_editable), self, G_CONNECT_SWAPPED);
}

BdDepartmentsDialog *
bd_departments_dialog_new (GtkWindow *parent,
                           BdStore   *store)
{
  BdDepartmentsDialog *self;

  g_return_val_if_fail (BD_IS_STORE (store), NULL);

  self = g_object_new (BD_TYPE_DEPARTMENTS_DIALOG,
                       "transient-for", parent,
                       NULL);
  self->store = g_object_ref (store);
  reload (self);
  return self;
}

guint
_bd_departments_dialog_get_n_rows (BdDepartmentsDialog *self)
{
  return self->n_rows;
}

gboolean
_bd_departments_dialog_get_editable (BdDepartmentsDialog *self)
{
  return gtk_widget_get_sensitive (self->form_group) && gtk_widget_get_sensitive (self->save_button);
}

gboolean
_bd_departments_dialog_save (BdDepartmentsDialog *self,
                             const char          *code,
                             const char          *name_ja,
                             const char          *name_en,
                             gboolean             retired)
{
  gtk_editable_set_text (GTK_EDITABLE (self->code_row), code);
  gtk_editable_set_text (GTK_EDITABLE (self->name_ja_row), name_ja);
  gtk_editable_set_text (GTK_EDITABLE (self->name_en_row), name_en);
  gtk_switch_set_active (self->retired_switch, retired);
  return save (self);
}

const char *
_bd_departments_dialog_get_error (BdDepartmentsDialog *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->error_label)) ?
         gtk_label_get_text (self->error_label) : "";
}
