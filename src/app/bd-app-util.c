/* bd-app-util.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-app-util"

#include "config.h"

#include "bd-app-util.h"

#include <glib/gi18n-lib.h>

#include "bd-catalog.h"

char *
bd_dup_catalog_label (const char *ja,
                      const char *en)
{
  const char *label = bd_catalog_label (ja, en);
  char *copy = g_strdup (label != NULL ? label : "");

  if (g_ascii_islower (copy[0]))
    copy[0] = g_ascii_toupper (copy[0]);

  return copy;
}

char *
bd_dup_actor (GSettings *settings)
{
  g_autofree char *name = NULL;
  const char *real_name;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  name = g_settings_get_string (settings, "reporter-name");
  if (name[0] != '\0')
    return g_steal_pointer (&name);

  real_name = g_get_real_name ();
  if (real_name != NULL && real_name[0] != '\0' && g_strcmp0 (real_name, "Unknown") != 0)
    return g_strdup (real_name);

  return g_strdup (g_get_user_name ());
}

GtkWidget *
bd_discard_changes_dialog_new (GtkWindow *parent)
{
  GtkWidget *dialog;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);

  dialog = adw_message_dialog_new (parent,
                                   _("Discard Changes?"),
                                   _("The report being edited has changes that have not been saved."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("_Keep Editing"),
                                    "discard", _("_Discard"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");

  return dialog;
}

static gboolean
name_list_views (GtkWidget  *widget,
                 const char *name)
{
  gboolean found = FALSE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LIST_VIEW (child))
        {
          gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
          found = TRUE;
        }
      else
        {
          found |= name_list_views (child, name);
        }
    }
  return found;
}

static GtkWidget *
first_label (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *label = first_label (child);

      if (label != NULL)
        return label;
    }
  return NULL;
}

static void
on_item_label_notify_cb (GtkLabel   *label,
                         GParamSpec *pspec,
                         GtkWidget  *item)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (item),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, gtk_label_get_text (label),
                                  -1);
}

/* Names each item of the list views inside @widget by the text it shows,
 * and keeps it so when the item is bound to another entry. */
static void
name_list_items (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LIST_VIEW (widget))
        {
          GtkWidget *label = first_label (child);

          if (label == NULL)
            continue;
          on_item_label_notify_cb (GTK_LABEL (label), NULL, child);
          if (g_object_get_data (G_OBJECT (label), "bd-names-item") != child)
            {
              g_object_set_data (G_OBJECT (label), "bd-names-item", child);
              g_signal_connect_object (label, "notify::label",
                                       G_CALLBACK (on_item_label_notify_cb), child, 0);
            }
        }
      else
        {
          name_list_items (child);
        }
    }
}

static gboolean
name_list_items_idle_cb (gpointer data)
{
  g_object_set_data (data, "bd-name-items-source", NULL);
  name_list_items (GTK_WIDGET (data));
  return G_SOURCE_REMOVE;
}

/* The list views make and bind their item widgets as their model changes
 * (after the row's notify::selected-item): they are named once they are. */
static void
queue_name_list_items (AdwComboRow *row)
{
  if (g_object_get_data (G_OBJECT (row), "bd-name-items-source") != NULL)
    return;
  g_object_set_data (G_OBJECT (row), "bd-name-items-source",
                     GUINT_TO_POINTER (g_idle_add_full (G_PRIORITY_DEFAULT_IDLE,
                                                        name_list_items_idle_cb,
                                                        g_object_ref (row),
                                                        g_object_unref)));
}

static void
on_combo_row_changed_cb (AdwComboRow *row)
{
  queue_name_list_items (row);
}

/* The pop-up list may make more items as it opens or scrolls. */
static void
connect_pop_up (GtkWidget   *widget,
                AdwComboRow *row)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_POPOVER (child))
        g_signal_connect_object (child, "notify::visible",
                                 G_CALLBACK (on_combo_row_changed_cb), row, G_CONNECT_SWAPPED);
      if (GTK_IS_SCROLLED_WINDOW (child))
        g_signal_connect_object (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (child)),
                                 "value-changed",
                                 G_CALLBACK (on_combo_row_changed_cb), row, G_CONNECT_SWAPPED);
      connect_pop_up (child, row);
    }
}

void
bd_combo_row_name_list (AdwComboRow *row)
{
  g_return_if_fail (ADW_IS_COMBO_ROW (row));

  if (!name_list_views (GTK_WIDGET (row), adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row))))
    g_warning ("%s: no list to name in the combo row", G_STRFUNC);

  /* AdwComboRow 1.2 shows its value in the row through a GtkListView of
   * its own (its "factory", not its "list-factory"), and GTK 4.8 names
   * no list item from its content: its item, and those of the pop-up
   * list, are named by the text their label shows. */
  if (g_object_get_data (G_OBJECT (row), "bd-names-items") == NULL)
    {
      g_object_set_data (G_OBJECT (row), "bd-names-items", GINT_TO_POINTER (TRUE));
      g_signal_connect (row, "notify::selected-item", G_CALLBACK (on_combo_row_changed_cb), NULL);
      g_signal_connect (row, "notify::model", G_CALLBACK (on_combo_row_changed_cb), NULL);
      g_signal_connect (row, "map", G_CALLBACK (on_combo_row_changed_cb), NULL);
      connect_pop_up (GTK_WIDGET (row), row);
    }
  queue_name_list_items (row);
}

void
bd_combo_row_rename_items (AdwComboRow *row)
{
  g_return_if_fail (ADW_IS_COMBO_ROW (row));

  queue_name_list_items (row);
}

GtkWidget *
bd_widget_find_descendant (GtkWidget *widget,
                           GType      type)
{
  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);

  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = bd_widget_find_descendant (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}
