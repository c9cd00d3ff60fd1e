/* bd-app-util.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What several widgets of the application share: the display label of a
 * catalog entry, the name history rows record, and the one "Discard
 * Changes?" dialog. */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* The label of a catalog entry (ward, category, severity, status, count
 * field) in the UI language, with an English first letter in upper case
 * (the catalog's English names are lower case: "road"). Never NULL. */
char      *bd_dup_catalog_label          (const char *ja,
                                          const char *en);

/* Who is using the app, as the store's history records it: the
 * "reporter-name" setting of @settings, else the account's real name,
 * else its user name. */
char      *bd_dup_actor                  (GSettings  *settings);

/* "Discard Changes?" about the report being edited, with the responses
 * "keep" (the default and close response) and "discard" (destructive).
 * Connect to "response", then present it. */
GtkWidget *bd_discard_changes_dialog_new (GtkWindow  *parent);

/* Names the lists of @row for screen readers: its pop-up list and the
 * one AdwComboRow 1.2 shows its value with inside the row, by the row's
 * title (GTK 4.8 reads them as "GtkListView"), and each of their items by
 * the text it shows (GTK 4.8 names no list item from its content, and
 * gtk_list_item_set_accessible_label is 4.12), kept up to date as the
 * value and the model change. Call it after adw_combo_row_set_model(). */
void       bd_combo_row_name_list        (AdwComboRow *row);
/* Names @row's list items again, once its pop-up list shows other items
 * (a search filtered it). */
void       bd_combo_row_rename_items     (AdwComboRow *row);

/* The first widget of @type at or below @widget (depth first), or NULL:
 * for the parts GTK 4.8 and libadwaita 1.2 build inside their widgets
 * (a drop-down's pop-up and its list). */
GtkWidget *bd_widget_find_descendant     (GtkWidget  *widget,
                                          GType       type);

G_END_DECLS
