/* bd-combo-search.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-combo-search"

#include "config.h"

#include <string.h>

#include "bd-app-util.h"
#include "bd-catalog.h"
#include "bd-combo-search.h"

/* Keys */

char *
bd_combo_search_key (const char *label)
{
  const BdWard *wards;
  const BdCategory *categories;
  guint n_wards = 0, n_categories = 0;

  if (label == NULL)
    return g_strdup ("");

  wards = bd_catalog_get_wards (&n_wards);
  for (guint i = 0; i < n_wards; i++)
    {
      g_autofree char *shown = bd_dup_catalog_label (wards[i].name_ja, wards[i].name_en);

      if (strcmp (shown, label) == 0)
        return g_strjoin ("\n", label,
                          wards[i].name_ja ? wards[i].name_ja : "",
                          wards[i].reading ? wards[i].reading : "",
                          wards[i].name_en ? wards[i].name_en : "",
                          NULL);
    }

  categories = bd_catalog_get_categories (&n_categories);
  for (guint i = 0; i < n_categories; i++)
    {
      g_autofree char *shown = bd_dup_catalog_label (categories[i].name_ja, categories[i].name_en);

      if (strcmp (shown, label) == 0)
        return g_strjoin ("\n", label,
                          categories[i].name_ja ? categories[i].name_ja : "",
                          categories[i].name_en ? categories[i].name_en : "",
                          NULL);
    }

  return g_strdup (label);
}

static char *
fold (const char *text)
{
  g_autofree char *normal = g_utf8_normalize (text, -1, G_NORMALIZE_ALL);

  return normal != NULL ? g_utf8_casefold (normal, -1) : g_strdup ("");
}

gboolean
bd_combo_search_matches (const char *label,
                         const char *text)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text != NULL ? text : ""));
  g_autofree char *key = NULL;
  g_autofree char *folded_key = NULL;
  g_autofree char *folded_text = NULL;

  if (trimmed[0] == '\0')
    return TRUE;

  key = bd_combo_search_key (label);
  folded_key = fold (key);
  folded_text = fold (trimmed);

  return strstr (folded_key, folded_text) != NULL;
}

static char *
item_search_key (GObject  *item,
                 gpointer  user_data)
{
  if (!GTK_IS_STRING_OBJECT (item))
    return g_strdup ("");

  return bd_combo_search_key (gtk_string_object_get_string (GTK_STRING_OBJECT (item)));
}

static GtkExpression *
search_key_expression (void)
{
  return gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 0, NULL,
                                      G_CALLBACK (item_search_key), NULL, NULL);
}

/* GtkDropDown */

/* GTK 4.8's drop-down filters its pop-up with a GtkStringFilter of its
 * own, in prefix mode, remade when the model or the expression changes:
 * it is found through the pop-up list's model and set to find anywhere.
 * Should a later GTK build the pop-up otherwise, the search stays GTK's. */
static void
find_anywhere (GtkDropDown *dropdown)
{
  GtkWidget *popover = bd_widget_find_descendant (GTK_WIDGET (dropdown), GTK_TYPE_POPOVER);
  GtkWidget *list = popover != NULL ? bd_widget_find_descendant (popover, GTK_TYPE_LIST_VIEW) : NULL;
  GListModel *model = list != NULL ? G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (list))) : NULL;
  GtkFilter *filter = NULL;

  while (model != NULL && !GTK_IS_FILTER_LIST_MODEL (model))
    {
      if (GTK_IS_SINGLE_SELECTION (model))
        model = gtk_single_selection_get_model (GTK_SINGLE_SELECTION (model));
      else if (GTK_IS_NO_SELECTION (model))
        model = gtk_no_selection_get_model (GTK_NO_SELECTION (model));
      else
        model = NULL;
    }
  if (model != NULL)
    filter = gtk_filter_list_model_get_filter (GTK_FILTER_LIST_MODEL (model));

  if (!GTK_IS_STRING_FILTER (filter))
    {
      g_debug ("%s: no string filter in the drop-down: its search stays GTK's", G_STRFUNC);
      return;
    }

  gtk_string_filter_set_ignore_case (GTK_STRING_FILTER (filter), TRUE);
  gtk_string_filter_set_match_mode (GTK_STRING_FILTER (filter), GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
}

static void
on_drop_down_changed_cb (GtkDropDown *dropdown)
{
  find_anywhere (dropdown);
}

void
bd_drop_down_find_anywhere (GtkDropDown *dropdown)
{
  g_autoptr(GtkExpression) expression = search_key_expression ();

  g_return_if_fail (GTK_IS_DROP_DOWN (dropdown));

  gtk_drop_down_set_enable_search (dropdown, TRUE);
  gtk_drop_down_set_expression (dropdown, expression);
  find_anywhere (dropdown);

  if (g_object_get_data (G_OBJECT (dropdown), "bd-finds-anywhere") == NULL)
    {
      g_object_set_data (G_OBJECT (dropdown), "bd-finds-anywhere", GINT_TO_POINTER (TRUE));
      g_signal_connect_after (dropdown, "notify::model", G_CALLBACK (on_drop_down_changed_cb), NULL);
      g_signal_connect_after (dropdown, "notify::expression", G_CALLBACK (on_drop_down_changed_cb), NULL);
    }
}

/* AdwComboRow */

typedef struct
{
  AdwComboRow        *row;        /* unowned: this lives in its data */
  GtkWidget          *entry;
  GtkPopover         *popover;
  GtkListView        *list;
  GtkStringFilter    *filter;
  GtkFilterListModel *found;
  GtkSingleSelection *selection;
} ComboSearch;

#define COMBO_SEARCH_KEY "bd-combo-search"

static void
combo_search_free (gpointer data)
{
  ComboSearch *search = data;

  g_clear_object (&search->selection);
  g_clear_object (&search->found);
  g_clear_object (&search->filter);
  g_free (search);
}

static void
choose_found (ComboSearch *search,
              guint        position)
{
  g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (search->found), position);
  GListModel *model = adw_combo_row_get_model (search->row);

  if (item == NULL || model == NULL)
    return;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GObject) candidate = g_list_model_get_item (model, i);

      if (candidate == item)
        {
          gtk_popover_popdown (search->popover);
          adw_combo_row_set_selected (search->row, i);
          return;
        }
    }
}

static void
on_list_activate_cb (GtkListView *list,
                     guint        position,
                     ComboSearch *search)
{
  choose_found (search, position);
}

static void
on_entry_search_changed_cb (GtkSearchEntry *entry,
                            ComboSearch    *search)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));

  gtk_string_filter_set_search (search->filter, text[0] != '\0' ? text : NULL);
}

static void
on_entry_activate_cb (GtkSearchEntry *entry,
                      ComboSearch    *search)
{
  if (g_list_model_get_n_items (G_LIST_MODEL (search->found)) > 0)
    choose_found (search, 0);
}

static void
on_entry_stop_search_cb (GtkSearchEntry *entry,
                         ComboSearch    *search)
{
  if (gtk_editable_get_text (GTK_EDITABLE (entry))[0] != '\0')
    gtk_editable_set_text (GTK_EDITABLE (entry), "");
  else
    gtk_popover_popdown (search->popover);
}

static gboolean
on_entry_key_pressed_cb (GtkEventControllerKey *controller,
                         guint                  keyval,
                         guint                  keycode,
                         GdkModifierType        state,
                         ComboSearch           *search)
{
  if (keyval != GDK_KEY_Down && keyval != GDK_KEY_KP_Down)
    return FALSE;

  return gtk_widget_child_focus (GTK_WIDGET (search->list), GTK_DIR_TAB_FORWARD);
}

/* A letter typed while the list has the focus starts the search: the
 * focus goes to the entry (where an input method works from then on),
 * with the letter. Space, Enter and the arrows stay the list's. */
static gboolean
on_list_key_pressed_cb (GtkEventControllerKey *controller,
                        guint                  keyval,
                        guint                  keycode,
                        GdkModifierType        state,
                        ComboSearch           *search)
{
  gunichar c = gdk_keyval_to_unicode (keyval);
  char utf8[8] = { 0 };
  int position;

  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK)) != 0 ||
      c == 0 || !g_unichar_isgraph (c))
    return FALSE;

  g_unichar_to_utf8 (c, utf8);
  gtk_widget_set_can_focus (search->entry, TRUE);
  gtk_widget_grab_focus (search->entry);
  position = (int)g_utf8_strlen (gtk_editable_get_text (GTK_EDITABLE (search->entry)), -1);
  gtk_editable_insert_text (GTK_EDITABLE (search->entry), utf8, -1, &position);
  gtk_editable_set_position (GTK_EDITABLE (search->entry), position);

  return TRUE;
}

static void
on_found_changed_cb (GListModel  *found,
                     guint        position,
                     guint        removed,
                     guint        added,
                     ComboSearch *search)
{
  bd_combo_row_rename_items (search->row);
}

/* Each opening starts from the whole list. */
static void
on_popover_visible_cb (GtkPopover  *popover,
                       GParamSpec  *pspec,
                       ComboSearch *search)
{
  if (!gtk_widget_get_visible (GTK_WIDGET (popover)))
    gtk_editable_set_text (GTK_EDITABLE (search->entry), "");
}

/* The pop-up opens with the focus in the list, as it did before the entry
 * was there (arrows, Enter and a screen reader work as they did, and the
 * entry is one Shift+Tab or a click away); what is typed goes to the
 * entry all the same (its key capture). GtkPopover gives the focus to its
 * first focusable child when it opens (and again as its surface gets the
 * focus), so the entry takes no focus until the list has it. */
static void
on_list_focus_enter_cb (GtkEventControllerFocus *controller,
                        ComboSearch             *search)
{
  gtk_widget_set_can_focus (search->entry, TRUE);
}

static void
on_entry_pressed_cb (GtkGestureClick *gesture,
                     int              n_press,
                     double           x,
                     double           y,
                     ComboSearch     *search)
{
  gtk_widget_set_can_focus (search->entry, TRUE);
}

/* Should GtkPopover find nothing to focus as it opens (the list has not
 * made its items yet), the list gets the focus once it has: a keyboard
 * user always lands in the list. */
static gboolean
focus_list_idle_cb (gpointer data)
{
  AdwComboRow *row = data;
  ComboSearch *search = g_object_get_data (G_OBJECT (row), COMBO_SEARCH_KEY);
  GtkRoot *root;
  GtkWidget *focus;
  guint n_found, position;

  if (search == NULL || !gtk_widget_get_mapped (GTK_WIDGET (search->popover)))
    return G_SOURCE_REMOVE;

  root = gtk_widget_get_root (GTK_WIDGET (search->popover));
  focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (search->popover)))
    return G_SOURCE_REMOVE;

  n_found = g_list_model_get_n_items (G_LIST_MODEL (search->found));
  if (n_found == 0)
    return G_SOURCE_REMOVE;

  if (!gtk_widget_grab_focus (GTK_WIDGET (search->list)))
    {
      position = adw_combo_row_get_selected (search->row);
      if (position == GTK_INVALID_LIST_POSITION || position >= n_found)
        position = 0;
      /* GTK 4.8's list focuses the item it scrolls to */
      gtk_widget_activate_action (GTK_WIDGET (search->list), "list.scroll-to-item", "u", position);
    }

  return G_SOURCE_REMOVE;
}

static void
on_popover_map_cb (GtkPopover  *popover,
                   ComboSearch *search)
{
  g_timeout_add_full (G_PRIORITY_DEFAULT, 100, focus_list_idle_cb,
                      g_object_ref (search->row), g_object_unref);
}

static void
on_popover_unmap_cb (GtkPopover  *popover,
                     ComboSearch *search)
{
  gtk_widget_set_can_focus (search->entry, FALSE);
}

void
bd_combo_row_add_search (AdwComboRow *row,
                         const char  *entry_name)
{
  ComboSearch *search;
  GtkWidget *popover, *list, *scrolled, *box;
  GtkEventController *keys, *focus;
  GtkGesture *click;
  guint activate_id;

  g_return_if_fail (ADW_IS_COMBO_ROW (row));
  g_return_if_fail (adw_combo_row_get_model (row) != NULL);

  if (g_object_get_data (G_OBJECT (row), COMBO_SEARCH_KEY) != NULL)
    return;

  popover = bd_widget_find_descendant (GTK_WIDGET (row), GTK_TYPE_POPOVER);
  list = popover != NULL ? bd_widget_find_descendant (popover, GTK_TYPE_LIST_VIEW) : NULL;
  scrolled = popover != NULL ? gtk_popover_get_child (GTK_POPOVER (popover)) : NULL;
  if (list == NULL || scrolled == NULL)
    {
      g_warning ("%s: no pop-up list in the combo row: no search", G_STRFUNC);
      return;
    }

  /* The row chooses the item at the activated position of its own model;
   * the list now shows the items found, so the choice is made here. */
  activate_id = g_signal_lookup ("activate", GTK_TYPE_LIST_VIEW);
  if (g_signal_handlers_block_matched (list, G_SIGNAL_MATCH_ID | G_SIGNAL_MATCH_DATA,
                                       activate_id, 0, NULL, NULL, row) == 0)
    {
      g_warning ("%s: the combo row's list is not as libadwaita 1.2 has it: no search", G_STRFUNC);
      return;
    }

  search = g_new0 (ComboSearch, 1);
  search->row = row;
  search->popover = GTK_POPOVER (popover);
  search->list = GTK_LIST_VIEW (list);
  search->filter = gtk_string_filter_new (search_key_expression ());
  gtk_string_filter_set_ignore_case (search->filter, TRUE);
  gtk_string_filter_set_match_mode (search->filter, GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
  search->found = gtk_filter_list_model_new (g_object_ref (adw_combo_row_get_model (row)),
                                             g_object_ref (GTK_FILTER (search->filter)));
  search->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (search->found)));
  gtk_single_selection_set_autoselect (search->selection, FALSE);
  gtk_single_selection_set_can_unselect (search->selection, TRUE);
  gtk_single_selection_set_selected (search->selection, GTK_INVALID_LIST_POSITION);
  g_object_set_data_full (G_OBJECT (row), COMBO_SEARCH_KEY, search, combo_search_free);

  gtk_list_view_set_model (search->list, GTK_SELECTION_MODEL (search->selection));
  g_signal_connect (list, "activate", G_CALLBACK (on_list_activate_cb), search);
  g_signal_connect (search->found, "items-changed", G_CALLBACK (on_found_changed_cb), search);

  search->entry = gtk_search_entry_new ();
  gtk_widget_set_margin_start (search->entry, 6);
  gtk_widget_set_margin_end (search->entry, 6);
  gtk_widget_set_margin_top (search->entry, 6);
  gtk_widget_set_margin_bottom (search->entry, 3);
  g_object_set (search->entry, "placeholder-text", entry_name, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (search->entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, entry_name,
                                  -1);
  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_list_key_pressed_cb), search);
  gtk_widget_add_controller (list, keys);
  g_signal_connect (search->entry, "search-changed", G_CALLBACK (on_entry_search_changed_cb), search);
  g_signal_connect (search->entry, "activate", G_CALLBACK (on_entry_activate_cb), search);
  g_signal_connect (search->entry, "stop-search", G_CALLBACK (on_entry_stop_search_cb), search);
  keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_entry_key_pressed_cb), search);
  gtk_widget_add_controller (search->entry, keys);

  /* The entry above the list, in the pop-up. */
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  g_object_ref (scrolled);
  gtk_popover_set_child (GTK_POPOVER (popover), NULL);
  gtk_box_append (GTK_BOX (box), search->entry);
  gtk_box_append (GTK_BOX (box), scrolled);
  g_object_unref (scrolled);
  gtk_popover_set_child (GTK_POPOVER (popover), box);

  g_signal_connect (popover, "notify::visible", G_CALLBACK (on_popover_visible_cb), search);
  g_signal_connect (popover, "unmap", G_CALLBACK (on_popover_unmap_cb), search);
  g_signal_connect_after (popover, "map", G_CALLBACK (on_popover_map_cb), search);
  gtk_widget_set_can_focus (search->entry, FALSE);
  focus = gtk_event_controller_focus_new ();
  g_signal_connect (focus, "enter", G_CALLBACK (on_list_focus_enter_cb), search);
  gtk_widget_add_controller (list, focus);
  click = gtk_gesture_click_new ();
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect (click, "pressed", G_CALLBACK (on_entry_pressed_cb), search);
  gtk_widget_add_controller (search->entry, GTK_EVENT_CONTROLLER (click));
}

GtkEditable *
bd_combo_row_get_search_entry (AdwComboRow *row)
{
  ComboSearch *search = g_object_get_data (G_OBJECT (row), COMBO_SEARCH_KEY);

  return search != NULL ? GTK_EDITABLE (search->entry) : NULL;
}

GListModel *
bd_combo_row_get_found (AdwComboRow *row)
{
  ComboSearch *search = g_object_get_data (G_OBJECT (row), COMBO_SEARCH_KEY);

  return search != NULL ? G_LIST_MODEL (search->found) : NULL;
}
