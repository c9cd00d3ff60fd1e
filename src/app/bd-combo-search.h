/* bd-combo-search.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Type-to-find in the long drop-downs (24 wards, 22 kinds of damage).
 * An item matches when what is typed is found anywhere in its label, or
 * in the catalog entry's other names: a ward's kana reading (みやこじまく)
 * and English name (Miyakojima), a category's Japanese and English names,
 * without regard to case. */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* The text an item labelled @label is found by: the label, and for a ward
 * or a category of the catalog its other names, one a line. */
char        *bd_combo_search_key           (const char  *label);

/* Whether @text (as typed: any case, trimmed) is found in @label's key. */
gboolean     bd_combo_search_matches       (const char  *label,
                                            const char  *text);

/* A GtkDropDown over GtkStringObjects with enable-search: its search finds
 * anywhere in the key above instead of GTK 4.8's label prefix. Call it
 * after gtk_drop_down_set_model(). */
void         bd_drop_down_find_anywhere    (GtkDropDown *dropdown);

/* AdwComboRow 1.2 has no search: a search entry above its pop-up list
 * (named @entry_name for screen readers) filters the list as the user
 * types; what is typed while the list has the focus goes to the entry;
 * Enter in the entry chooses the first item found. Call it after
 * adw_combo_row_set_model() and bd_combo_row_name_list(), with a model of
 * GtkStringObjects. */
void         bd_combo_row_add_search       (AdwComboRow *row,
                                            const char  *entry_name);

/* For tests: the entry bd_combo_row_add_search() added, and the list the
 * pop-up shows (the items found). */
GtkEditable *bd_combo_row_get_search_entry (AdwComboRow *row);
GListModel  *bd_combo_row_get_found        (AdwComboRow *row);

G_END_DECLS
