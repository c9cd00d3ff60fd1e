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

void
bd_combo_row_name_list (AdwComboRow *row)
{
  g_return_if_fail (ADW_IS_COMBO_ROW (row));

  if (!name_list_views (GTK_WIDGET (row), adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row))))
    g_warning ("%s: no list to name in the combo row", G_STRFUNC);
}
