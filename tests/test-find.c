/* test-find.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Type-to-find in the long drop-downs (the editor's ward and kind of damage,
 * the sidebar's ward and kind filters), and the editor's Save button's
 * accessible name: the real widgets in a window under Xvfb.
 */

#define G_LOG_DOMAIN "test-find"

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "bd-app-util.h"
#include "bd-catalog.h"
#include "bd-combo-search.h"
#include "bd-report-editor-private.h"
#include "bd-store.h"
#include "editor-fixture.h"
#include "ui-util.h"

#define TIMEOUT_MS 60000

typedef EditorFixture Fixture;

static void
run_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64)ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  editor_fixture_set_up (f, "find");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  editor_fixture_tear_down (f);
}

static const BdWard *
ward_by_code (const char *code,
              guint      *index)
{
  guint n_wards = 0;
  const BdWard *wards = bd_catalog_get_wards (&n_wards);

  for (guint i = 0; i < n_wards; i++)
    if (g_strcmp0 (wards[i].code, code) == 0)
      {
        *index = i;
        return &wards[i];
      }

  g_assert_not_reached ();
  return NULL;
}

/* The labels of @model's items, joined by "|". */
static char *
labels_of (GListModel *model)
{
  g_autoptr(GString) labels = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      if (i > 0)
        g_string_append_c (labels, '|');
      g_string_append (labels, gtk_string_object_get_string (item));
    }

  return g_string_free (g_steal_pointer (&labels), FALSE);
}

typedef struct
{
  GListModel *model;
  guint       n;
} CountWait;

static gboolean
has_n_items (gpointer data)
{
  CountWait *wait = data;

  return g_list_model_get_n_items (wait->model) == wait->n;
}

/* Types @text (sets the entry's text as the keyboard or an input method
 * does) and waits for the list to show @n items. */
static void
type_and_wait (GtkEditable *entry,
               GListModel  *shown,
               const char  *text,
               guint        n)
{
  CountWait wait = { shown, n };

  gtk_editable_set_text (entry, text);
  if (!iterate_until (has_n_items, &wait, 5000))
    {
      g_autofree char *labels = labels_of (shown);

      g_error ("“%s” shows %u items, not %u: %s", text,
               g_list_model_get_n_items (shown), n, labels);
    }
}

static gboolean
widget_is_unmapped (gpointer data)
{
  return !gtk_widget_get_mapped (GTK_WIDGET (data));
}

/* A key press as the widget's key controllers see it (the first that
 * handles it). */
static gboolean
send_key (GtkWidget *widget,
          guint      keyval)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);
      gboolean handled = FALSE;

      if (!GTK_IS_EVENT_CONTROLLER_KEY (controller))
        continue;
      g_signal_emit_by_name (controller, "key-pressed", keyval, 0, (GdkModifierType)0, &handled);
      if (handled)
        return TRUE;
    }

  return FALSE;
}

/* Opens the row's pop-up as a click does, the row scrolled into view. */
static void
open_pop_up (AdwComboRow *row)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (GTK_WIDGET (row), GTK_TYPE_SCROLLED_WINDOW);
  graphene_rect_t bounds;

  /* in view (a pop-up whose row is out of view has no monitor to open on
   * under Xvfb) */
  run_for (200);
  if (scrolled != NULL &&
      gtk_widget_compute_bounds (GTK_WIDGET (row), scrolled, &bounds) &&
      (bounds.origin.y < 0 || bounds.origin.y + bounds.size.height > gtk_widget_get_height (scrolled)))
    {
      GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));

      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) + bounds.origin.y - 50);
    }
  gtk_widget_grab_focus (GTK_WIDGET (row));
  run_for (200);
  gtk_widget_activate (GTK_WIDGET (row));
  run_for (50);
}

/* /bd/find/keys: what an item is found by */
static void
test_keys (void)
{
  guint index;
  const BdWard *miyakojima = ward_by_code ("271021", &index);
  g_autofree char *label = bd_dup_catalog_label (miyakojima->name_ja, miyakojima->name_en);
  g_autofree char *road = bd_dup_catalog_label ("道路", "road");   /* as the UI shows it */

  g_assert_true (bd_combo_search_matches (label, ""));
  g_assert_true (bd_combo_search_matches (label, "   "));
  g_assert_true (bd_combo_search_matches (label, "都島"));
  g_assert_true (bd_combo_search_matches (label, "島"));        /* not only a prefix */
  g_assert_true (bd_combo_search_matches (label, "みやこじま")); /* its reading */
  g_assert_true (bd_combo_search_matches (label, "MIYAKO"));     /* English, any case */
  g_assert_true (bd_combo_search_matches (label, " jima "));
  g_assert_false (bd_combo_search_matches (label, "北"));
  g_assert_false (bd_combo_search_matches (label, "ふくしま"));
  g_assert_false (bd_combo_search_matches (label, "区都島"));     /* not across two names */
  g_assert_true (bd_combo_search_matches (road, "road"));
  g_assert_true (bd_combo_search_matches (road, "道路"));
  g_assert_false (bd_combo_search_matches (road, "河川"));
  /* not a catalog label: the label alone */
  g_assert_true (bd_combo_search_matches ("Any ward", "ward"));
  g_assert_false (bd_combo_search_matches (NULL, "x"));
}

/* /bd/find/editor-ward: the ward row of the editor filters as the user
 * types, Enter takes the first found, a click one of the others. */
static void
test_editor_ward (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(BdReport) report = bd_report_new ();
  AdwComboRow *row = _bd_report_editor_get_ward_row (f->editor);
  GtkEditable *entry = bd_combo_row_get_search_entry (row);
  GListModel *found = bd_combo_row_get_found (row);
  GtkWidget *popover = entry ? gtk_widget_get_ancestor (GTK_WIDGET (entry), GTK_TYPE_POPOVER) : NULL;
  guint miyakojima, fukushima, n_wards = 0;
  g_autofree char *labels = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *miyakojima_label = NULL;
  g_autofree char *fukushima_label = NULL;
  const BdWard *wards;

  wards = bd_catalog_get_wards (&n_wards);
  ward_by_code ("271021", &miyakojima);
  ward_by_code ("271039", &fukushima);
  miyakojima_label = bd_dup_catalog_label (wards[miyakojima].name_ja, wards[miyakojima].name_en);
  fukushima_label = bd_dup_catalog_label (wards[fukushima].name_ja, wards[fukushima].name_en);
  g_assert_nonnull (entry);
  g_assert_nonnull (found);
  g_assert_nonnull (popover);

  bd_report_set_location (report, 34.70, 135.50);
  bd_report_editor_set_report (f->editor, report, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (found), ==, n_wards);

  /* The pop-up opens with its entry, the whole list shown. */
  open_pop_up (row);
  g_assert_true (iterate_until (widget_is_mapped, entry, TIMEOUT_MS));
  g_assert_nonnull (bd_widget_find_descendant (popover, GTK_TYPE_LIST_VIEW));

  /* Anywhere in the label: 都島区 and 福島区, in the city's order. */
  type_and_wait (entry, found, "島", 2);
  labels = labels_of (found);
  expected = g_strdup_printf ("%s|%s", miyakojima_label, fukushima_label);
  g_assert_cmpstr (labels, ==, expected);

  /* The kana reading; Enter takes the first found. */
  type_and_wait (entry, found, "みやこじま", 1);
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, miyakojima);
  g_assert_cmpstr (bd_report_get_ward (bd_report_editor_get_report (f->editor)), ==, "271021");
  g_assert_false (gtk_widget_get_visible (popover));

  g_assert_true (iterate_until (widget_is_unmapped, entry, TIMEOUT_MS));

  /* Closing emptied the search: the next opening shows all. */
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "");
  type_and_wait (entry, found, "", n_wards);

  /* English, then an item picked from the found ones (position 0 of what
   * the list shows is 福島区, not the model's first ward). */
  open_pop_up (row);
  g_assert_true (iterate_until (widget_is_mapped, entry, TIMEOUT_MS));
  type_and_wait (entry, found, "fukushima", 1);
  g_signal_emit_by_name (bd_widget_find_descendant (popover, GTK_TYPE_LIST_VIEW), "activate", 0);
  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, fukushima);
  g_assert_cmpstr (bd_report_get_ward (bd_report_editor_get_report (f->editor)), ==, "271039");
  g_assert_true (iterate_until (widget_is_unmapped, entry, TIMEOUT_MS));

  /* Nothing found: Enter chooses nothing. */
  open_pop_up (row);
  type_and_wait (entry, found, "存在しない区", 0);
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, fukushima);

  /* Escape empties the search, a second closes the pop-up. */
  g_signal_emit_by_name (entry, "stop-search");
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "");
  g_assert_true (gtk_widget_get_visible (popover));
  g_signal_emit_by_name (entry, "stop-search");
  g_assert_true (iterate_until (widget_is_unmapped, entry, TIMEOUT_MS));
  /* GTK 4.8's tooltip timeout of a closed pop-up runs on (under Xvfb's
   * pointer) and would find its surface gone once the window is */
  run_for (700);
}

/* /bd/find/editor-category: the kind of damage, by its English name while
 * the UI is in English, by its Japanese name too. */
static void
test_editor_category (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(BdReport) report = bd_report_new ();
  AdwComboRow *row = _bd_report_editor_get_category_row (f->editor);
  GtkEditable *entry = bd_combo_row_get_search_entry (row);
  GListModel *found = bd_combo_row_get_found (row);
  g_autofree char *labels = NULL;

  g_assert_nonnull (entry);
  bd_report_set_location (report, 34.70, 135.50);
  bd_report_editor_set_report (f->editor, report, TRUE);

  open_pop_up (row);
  g_assert_true (iterate_until (widget_is_mapped, entry, TIMEOUT_MS));
  type_and_wait (entry, found, "火災", 1);
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpstr (bd_report_get_category (bd_report_editor_get_report (f->editor)), ==, "fire");
  g_assert_true (iterate_until (widget_is_unmapped, entry, TIMEOUT_MS));

  open_pop_up (row);
  g_assert_true (iterate_until (widget_is_mapped, entry, TIMEOUT_MS));
  /* A letter typed in the list goes to the entry, and the focus with it
   * (an input method works there). */
  g_assert_true (send_key (bd_widget_find_descendant (gtk_widget_get_ancestor (GTK_WIDGET (entry), GTK_TYPE_POPOVER),
                                            GTK_TYPE_LIST_VIEW), GDK_KEY_r));
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "r");
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (f->window)), GTK_WIDGET (entry)));
  type_and_wait (entry, found, "river", 1);
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpstr (bd_report_get_category (bd_report_editor_get_report (f->editor)), ==, "river");

  /* The status list is short: no search there. */
  g_assert_null (bd_combo_row_get_search_entry (_bd_report_editor_get_status_row (f->editor)));
}

/* /bd/find/drop-down: the sidebar's filter drop-downs (GtkDropDown with
 * its own search) find anywhere in the label and by the reading. */
static void
test_drop_down (void)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *dropdown;
  GtkWidget *popover, *entry, *list;
  GListModel *shown;
  const BdWard *wards;
  guint n_wards = 0, fukushima;
  gpointer weak = window;

  gtk_string_list_append (model, "Any ward");
  wards = bd_catalog_get_wards (&n_wards);
  for (guint i = 0; i < n_wards; i++)
    {
      g_autofree char *label = bd_dup_catalog_label (wards[i].name_ja, wards[i].name_en);

      gtk_string_list_append (model, label);
    }
  ward_by_code ("271039", &fukushima);

  dropdown = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (model)), NULL);
  bd_drop_down_find_anywhere (GTK_DROP_DOWN (dropdown));
  g_assert_true (gtk_drop_down_get_enable_search (GTK_DROP_DOWN (dropdown)));
  gtk_window_set_child (GTK_WINDOW (window), dropdown);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (iterate_until (widget_is_mapped, dropdown, TIMEOUT_MS));

  popover = bd_widget_find_descendant (dropdown, GTK_TYPE_POPOVER);
  g_assert_nonnull (popover);
  entry = bd_widget_find_descendant (popover, GTK_TYPE_SEARCH_ENTRY);
  list = bd_widget_find_descendant (popover, GTK_TYPE_LIST_VIEW);
  g_assert_nonnull (entry);
  g_assert_nonnull (list);
  shown = G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (list)));

  g_signal_emit_by_name (dropdown, "activate");
  g_assert_true (iterate_until (widget_is_mapped, entry, TIMEOUT_MS));
  type_and_wait (GTK_EDITABLE (entry), shown, "島", 2);          /* GTK 4.8 alone: 0 */
  type_and_wait (GTK_EDITABLE (entry), shown, "ふくしま", 1);
  type_and_wait (GTK_EDITABLE (entry), shown, "Fukushima", 1);

  /* A new model keeps the search finding anywhere. */
  gtk_drop_down_set_model (GTK_DROP_DOWN (dropdown), G_LIST_MODEL (model));
  shown = G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (list)));
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  run_for (50);
  type_and_wait (GTK_EDITABLE (entry), shown, "島", 2);

  /* A found item is chosen at its place in the whole list. */
  type_and_wait (GTK_EDITABLE (entry), shown, "ふくしま", 1);
  g_signal_emit_by_name (list, "activate", 0);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (dropdown)), ==, fukushima + 1);

  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (iterate_until (pointer_is_null, &weak, TIMEOUT_MS));
}

/* /bd/find/save-name: screen readers read the Save button as "Save" (保存),
 * not its mnemonic label twice ("保存(_S) 保存(S)", GTK 4.8). */
static void
test_save_name (Fixture       *f,
                gconstpointer  data)
{
  GtkWidget *save = _bd_report_editor_get_save_button (f->editor);
  g_autofree char *problem = NULL;

  problem = gtk_test_accessible_check_property (GTK_ACCESSIBLE (save),
                                                GTK_ACCESSIBLE_PROPERTY_LABEL, "Save");
  g_assert_cmpstr (problem, ==, NULL);
  g_assert_true (gtk_button_get_use_underline (GTK_BUTTON (save)));   /* Alt+S still works */
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *tmp_dir = NULL;
  g_autofree char *cache = NULL;
  g_autofree char *config = NULL;
  int status;

  tmp_dir = g_dir_make_tmp ("bd-test-find-home-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);
  cache = g_build_filename (tmp_dir, "cache", NULL);
  config = g_build_filename (tmp_dir, "config", NULL);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/bosai-desk-test", TRUE);
  /* GTK's test accessibility backend, which keeps what screen readers
   * would read (the suite runs with GTK_A11Y=none) */
  g_setenv ("GTK_A11Y", "test", TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  g_test_add_func ("/bd/find/keys", test_keys);
  g_test_add_func ("/bd/find/drop-down", test_drop_down);
  ADD ("/bd/find/editor-ward", test_editor_ward);
  ADD ("/bd/find/editor-category", test_editor_category);
  ADD ("/bd/find/save-name", test_save_name);

#undef ADD

  status = g_test_run ();

  remove_tree (tmp_dir);

  return status;
}
