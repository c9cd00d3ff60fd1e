/* test-workflow-ui.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Issue 12 in the real widgets, under Xvfb: the history view, the editor's
 * status choices, department row and History button, the departments
 * dialog, and the sidebar's department filter in the real application. */

#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "bd-application.h"
#include "bd-catalog.h"
#include "bd-departments.h"
#include "bd-departments-dialog-private.h"
#include "bd-history-view-private.h"
#include "bd-report-editor-private.h"
#include "bd-report-list.h"
#include "bd-store.h"
#include "bd-store-sync.h"
#include "bd-window-private.h"
#include "ui-util.h"

#define SCHEMA_ID "io.github.bosai_desk.BosaiDesk"
#define TIMEOUT_MS 60000
#define KITA "271276"

static char *tmp_dir;

static BdReport *
make_report (const char *title)
{
  BdReport *report = bd_report_new ();

  bd_report_set_location (report, 34.704, 135.504);
  bd_report_set_ward (report, KITA);
  bd_report_set_category (report, "road");
  bd_report_set_title (report, title);
  bd_report_set_reporter (report, "北区役所 防災担当");
  return report;
}

static BdStore *
open_store (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
  BdStore *store = bd_store_open (path, &error);

  g_assert_no_error (error);
  return store;
}

static gboolean
waited (gpointer data)
{
  return g_get_monotonic_time () > *(gint64 *) data;
}

static void
settle (guint ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;

  iterate_until (waited, &deadline, ms + 1000);
}

static void
save_png (GtkWidget  *window,
          const char *path)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (window);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GdkTexture) texture = NULL;
  int width = gtk_widget_get_width (window);
  int height = gtk_widget_get_height (window);
  GskRenderNode *node;

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  gsk_render_node_unref (node);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Saved %s (%d × %d)", path, width, height);
}

/* A report created here, confirmed and assigned here, then changed on the
 * server (pulled): three history rows. Returns its id. */
static char *
make_history (BdStore *store)
{
  g_autoptr(BdReport) report = make_report ("淀川区 十三駅前 道路冠水");
  g_autoptr(BdReport) original = NULL;
  g_autoptr(BdReport) edited = NULL;
  g_autoptr(BdReport) pulled = NULL;
  g_autoptr(GPtrArray) page = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  char *id = g_strdup (bd_report_get_id (report));

  g_assert_true (bd_store_save_report_over (store, NULL, report, "淀川区役所 防災担当", NULL, &error));
  g_assert_no_error (error);
  original = bd_store_get_report (store, id, &error);
  edited = bd_report_copy (original);
  bd_report_set_status (edited, "confirmed");
  bd_report_set_department (edited, "construction");
  bd_report_set_severity (edited, 3);
  g_assert_true (bd_store_save_report_over (store, original, edited, "危機管理室", NULL, &error));
  g_assert_no_error (error);

  /* the server took both edits (their rows leave the outbox) */
  {
    g_autoptr(GPtrArray) outbox = bd_store_list_outbox (store, &error);

    for (guint i = 0; i < outbox->len; i++)
      g_assert_true (bd_store_ack_outbox_entry (store, ((BdOutboxEntry *) g_ptr_array_index (outbox, i))->seq,
                                                NULL, &error));
    g_assert_no_error (error);
  }

  /* the server's copy: another desk set it in progress and retitled it */
  pulled = bd_store_get_report (store, id, &error);
  bd_report_set_status (pulled, "in_progress");
  bd_report_set_title (pulled, "淀川区 十三駅前 道路冠水（排水作業中）");
  bd_report_set_rev (pulled, 2);
  bd_report_set_seq (pulled, 7);
  g_ptr_array_add (page, pulled);
  g_assert_true (bd_store_apply_pulled (store, page, NULL, NULL, "cursor", 7, NULL, &error));
  g_assert_no_error (error);

  return id;
}

/* /bd/history-view/rows: every change, newest first, old → new */
static void
test_history_view (void)
{
  g_autoptr(BdStore) store = open_store ("history.sqlite");
  g_autofree char *id = make_history (store);
  g_autoptr(GError) error = NULL;
  BdHistoryView *view;
  GtkWidget *window;
  const char *shot = g_getenv ("BD_TEST_SCREENSHOT");
  gboolean ja = bd_catalog_locale_is_japanese ();

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 520, 900);
  view = BD_HISTORY_VIEW (bd_history_view_new ());
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  g_assert_true (bd_history_view_load (view, store, id, &error));
  g_assert_no_error (error);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (iterate_until (widget_is_mapped, view, TIMEOUT_MS));

  g_assert_cmpuint (_bd_history_view_get_n_entries (view), ==, 3);
  for (guint i = 0; i < _bd_history_view_get_n_rows (view); i++)
    g_test_message ("row %u: %s", i, _bd_history_view_get_row_text (view, i));

  if (!ja)
    {
      /* newest first: the pulled change, then the edit here, then the create */
      g_assert_nonnull (strstr (_bd_history_view_get_entry_text (view, 0), "From the server"));
      g_assert_nonnull (strstr (_bd_history_view_get_entry_text (view, 0), "北区役所 防災担当"));
      g_assert_nonnull (strstr (_bd_history_view_get_entry_text (view, 1), "危機管理室 — Edited"));
      g_assert_nonnull (strstr (_bd_history_view_get_entry_text (view, 2), "Created"));
      /* the pulled change: status, title (in the table's order) */
      g_assert_cmpstr (_bd_history_view_get_row_text (view, 0), ==,
                       "Status: confirmed → in progress");
      g_assert_cmpstr (_bd_history_view_get_row_text (view, 1), ==,
                       "Title: 淀川区 十三駅前 道路冠水 → 淀川区 十三駅前 道路冠水（排水作業中）");
      /* the edit here: severity, status, department */
      g_assert_cmpstr (_bd_history_view_get_row_text (view, 2), ==, "Severity: moderate → severe");
      g_assert_cmpstr (_bd_history_view_get_row_text (view, 3), ==,
                       "Status: new (unconfirmed) → confirmed");
      g_assert_cmpstr (_bd_history_view_get_row_text (view, 4), ==,
                       "Department: Unassigned → Construction Bureau");
      /* the create: only the fields it set, from nothing */
      for (guint i = 5; i < _bd_history_view_get_n_rows (view); i++)
        g_assert_nonnull (strstr (_bd_history_view_get_row_text (view, i), "(none) → "));
    }
  else
    {
      g_assert_nonnull (strstr (_bd_history_view_get_entry_text (view, 0), "サーバー"));
      g_assert_cmpstr (_bd_history_view_get_row_text (view, 0), ==, "対応状況: 確認済 → 対応中");
      g_assert_cmpstr (_bd_history_view_get_row_text (view, 4), ==, "担当部署: 未割当 → 建設局");
    }

  settle (300);
  if (shot != NULL)
    save_png (window, shot);

  /* an empty history */
  bd_history_view_set_entries (view, NULL);
  g_assert_cmpuint (_bd_history_view_get_n_entries (view), ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  BdStore        *store;
  GtkWidget      *window;
  BdReportEditor *editor;
} Editor;

static void
editor_open (Editor     *e,
             const char *db)
{
  e->store = open_store (db);
  e->editor = bd_report_editor_new ();
  bd_report_editor_set_store (e->editor, e->store);
  e->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (e->window), 400, 760);
  gtk_window_set_child (GTK_WINDOW (e->window), GTK_WIDGET (e->editor));
  gtk_window_present (GTK_WINDOW (e->window));
  g_assert_true (iterate_until (widget_is_mapped, e->editor, TIMEOUT_MS));
}

static void
editor_close (Editor *e)
{
  gpointer editor = e->editor;

  g_object_add_weak_pointer (G_OBJECT (editor), &editor);
  gtk_window_destroy (GTK_WINDOW (e->window));
  g_assert_true (iterate_until (pointer_is_null, &editor, TIMEOUT_MS));
  g_assert_finalize_object (e->store);
}

static guint
n_items (AdwComboRow *row)
{
  return g_list_model_get_n_items (adw_combo_row_get_model (row));
}

/* /bd/editor/workflow: only allowed statuses, the department, History */
static void
test_editor_workflow (void)
{
  Editor e = { 0 };
  g_autoptr(BdReport) fresh = make_report ("新しい報告");
  g_autoptr(BdReport) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  AdwComboRow *status_row;
  AdwComboRow *department_row;
  GListModel *toplevels;
  guint n_windows;

  editor_open (&e, "editor.sqlite");
  id = make_history (e.store);
  status_row = _bd_report_editor_get_status_row (e.editor);
  department_row = e.editor->department_row;

  /* a new report starts new or confirmed; no history yet */
  bd_report_editor_set_report (e.editor, fresh, TRUE);
  g_assert_cmpuint (n_items (status_row), ==, 2);
  g_assert_cmpstr (_bd_report_editor_status_code_at (e.editor, 0), ==, "new");
  g_assert_cmpstr (_bd_report_editor_status_code_at (e.editor, 1), ==, "confirmed");
  g_assert_cmpuint (adw_combo_row_get_selected (status_row), ==, 0);
  g_assert_false (gtk_widget_get_visible (e.editor->history_button));

  /* in progress: stay, back to confirmed, resolved, or close */
  stored = bd_store_get_report (e.store, id, &error);
  g_assert_no_error (error);
  bd_report_editor_set_report (e.editor, stored, FALSE);
  g_assert_cmpuint (n_items (status_row), ==, 5);
  g_assert_cmpstr (_bd_report_editor_status_code_at (e.editor, 0), ==, "in_progress");
  g_assert_cmpuint (adw_combo_row_get_selected (status_row), ==, 0);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpstr (_bd_report_editor_status_code_at (e.editor, i), !=, "new");
  g_assert_true (gtk_widget_get_visible (e.editor->history_button));

  /* duplicate asks for the report it duplicates */
  for (guint i = 0; i < 5; i++)
    if (g_strcmp0 (_bd_report_editor_status_code_at (e.editor, i), "duplicate") == 0)
      adw_combo_row_set_selected (status_row, i);
  g_assert_cmpstr (bd_report_get_status (bd_report_editor_get_report (e.editor)), ==, "duplicate");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (e.editor->duplicate_row)));

  /* resolved, then saved: the choices follow the saved status */
  for (guint i = 0; i < 5; i++)
    if (g_strcmp0 (_bd_report_editor_status_code_at (e.editor, i), "resolved") == 0)
      adw_combo_row_set_selected (status_row, i);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (e.editor->duplicate_row)));

  /* the department: unassigned + the list; the report's is selected */
  g_assert_cmpuint (n_items (department_row), ==, 15);
  {
    g_autoptr(GtkStringObject) item = g_list_model_get_item (adw_combo_row_get_model (department_row),
                                                             adw_combo_row_get_selected (department_row));
    const char *label = gtk_string_object_get_string (item);

    g_assert_true (g_str_equal (label, "Construction Bureau") || g_str_equal (label, "建設局"));
  }
  adw_combo_row_set_selected (department_row, 0);
  g_assert_null (bd_report_get_department (bd_report_editor_get_report (e.editor)));
  adw_combo_row_set_selected (department_row, 2);   /* the second of the list: 消防局 */
  g_assert_cmpstr (bd_report_get_department (bd_report_editor_get_report (e.editor)), ==, "fire");

  gtk_widget_activate_action (GTK_WIDGET (e.editor), "editor.try-save", NULL);
  settle (200);
  g_clear_object (&stored);
  stored = bd_store_get_report (e.store, id, &error);
  g_assert_cmpstr (bd_report_get_status (stored), ==, "resolved");
  g_assert_cmpstr (bd_report_get_department (stored), ==, "fire");

  /* History opens a window with the view, the new save on top */
  toplevels = gtk_window_get_toplevels ();
  n_windows = g_list_model_get_n_items (toplevels);
  bd_report_editor_set_report (e.editor, stored, FALSE);
  g_assert_cmpuint (n_items (status_row), ==, 2);   /* resolved: stay or reopen */
  gtk_widget_activate_action (GTK_WIDGET (e.editor), "editor.history", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (toplevels), ==, n_windows + 1);
  {
    GtkWindow *history = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

        if (ADW_IS_WINDOW (w) && w != GTK_WINDOW (e.window))
          history = w;
      }
    g_assert_nonnull (history);
    g_assert_true (iterate_until (widget_is_mapped, history, TIMEOUT_MS));
    {
      GtkWidget *box = adw_window_get_content (ADW_WINDOW (history));
      GtkWidget *view = gtk_widget_get_last_child (box);

      g_assert_true (BD_IS_HISTORY_VIEW (view));
      g_assert_cmpuint (_bd_history_view_get_n_entries (BD_HISTORY_VIEW (view)), ==, 4);
      if (!bd_catalog_locale_is_japanese ())
        g_assert_nonnull (strstr (_bd_history_view_get_row_text (BD_HISTORY_VIEW (view), 0),
                                  "Status: in progress → resolved"));
    }
    gtk_window_destroy (history);
  }

  editor_close (&e);
}

/* /bd/departments-dialog: everyone sees it, only hq changes it */
static void
test_departments_dialog (void)
{
  g_autoptr(BdStore) store = open_store ("departments.sqlite");
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  g_autoptr(GPtrArray) list = NULL;
  BdDepartmentsDialog *dialog;
  guint changed = 0;

  g_settings_set_boolean (settings, "headquarters", FALSE);
  dialog = bd_departments_dialog_new (NULL, store);
  g_signal_connect_swapped (dialog, "changed", G_CALLBACK (g_atomic_int_inc), &changed);
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_true (iterate_until (widget_is_mapped, dialog, TIMEOUT_MS));

  g_assert_cmpuint (_bd_departments_dialog_get_n_rows (dialog), ==, 14);
  g_assert_false (_bd_departments_dialog_get_editable (dialog));
  g_assert_false (_bd_departments_dialog_save (dialog, "debris", "災害廃棄物対策室", "Disaster Waste Office", FALSE));
  g_assert_cmpuint (changed, ==, 0);

  /* the headquarters desk */
  g_settings_set_boolean (settings, "headquarters", TRUE);
  g_assert_true (_bd_departments_dialog_get_editable (dialog));
  g_assert_true (_bd_departments_dialog_save (dialog, "debris", "災害廃棄物対策室", "Disaster Waste Office", FALSE));
  g_assert_cmpuint (_bd_departments_dialog_get_n_rows (dialog), ==, 15);
  g_assert_cmpuint (changed, ==, 1);
  /* labels everyone shows follow */
  {
    g_autofree char *label = bd_departments_dup_label ("debris");

    g_assert_true (g_str_equal (label, "Disaster Waste Office") || g_str_equal (label, "災害廃棄物対策室"));
  }
  /* rename and retire the fire department: kept, marked retired */
  g_assert_true (_bd_departments_dialog_save (dialog, "fire", "消防局", "Fire Bureau", TRUE));
  list = bd_store_list_departments (store, NULL);
  g_assert_cmpuint (list->len, ==, 15);
  g_assert_cmpstr (((BdDepartment *) g_ptr_array_index (list, 1))->name_en, ==, "Fire Bureau");
  g_assert_true (((BdDepartment *) g_ptr_array_index (list, 1))->retired);
  /* a bad code: the reason under the form, nothing saved */
  g_assert_false (_bd_departments_dialog_save (dialog, "Fire!", "消防", "Fire", FALSE));
  g_assert_cmpstr (_bd_departments_dialog_get_error (dialog), !=, "");
  g_assert_cmpuint (_bd_departments_dialog_get_n_rows (dialog), ==, 15);

  g_settings_set_boolean (settings, "headquarters", FALSE);
  g_assert_false (_bd_departments_dialog_get_editable (dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));
  bd_departments_set_current (NULL);
}

/* /bd/window/department-filter: the real application's sidebar */

typedef struct
{
  GListModel *list;
  guint       n;
} CountWait;

static gboolean
list_has_count (gpointer data)
{
  CountWait *wait = data;

  return !bd_report_list_get_loading (BD_REPORT_LIST (wait->list)) &&
         g_list_model_get_n_items (wait->list) == wait->n;
}

static void
assert_count (GListModel *list,
              guint       n)
{
  CountWait wait = { list, n };

  if (!iterate_until (list_has_count, &wait, TIMEOUT_MS))
    g_error ("the list shows %u reports, not %u", g_list_model_get_n_items (list), n);
}

static guint
dropdown_index (GtkDropDown *dropdown,
                const char  *label_en,
                const char  *label_ja)
{
  GListModel *model = gtk_drop_down_get_model (dropdown);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);
      const char *text = gtk_string_object_get_string (item);

      /* the labels are capitalized for display ("Confirmed") */
      if (g_ascii_strcasecmp (text, label_en) == 0 || g_str_equal (text, label_ja))
        return i;
    }
  g_error ("no “%s” in the drop-down", label_en);
  return 0;
}

static void
filter_scenario (BdWindow *window,
                 gpointer  data)
{
  GListModel *list = _bd_window_get_report_list (window);
  GtkDropDown *department = GTK_DROP_DOWN (_bd_window_get_widget (window, "department_dropdown"));
  GtkDropDown *status = GTK_DROP_DOWN (_bd_window_get_widget (window, "status_dropdown"));
  GtkWidget *clear = _bd_window_get_widget (window, "clear_filters_button");

  assert_count (list, 6);
  g_assert_false (gtk_widget_get_visible (clear));

  gtk_drop_down_set_selected (department, dropdown_index (department, "Fire Department", "消防局"));
  assert_count (list, 2);
  g_assert_true (gtk_widget_get_visible (clear));
  gtk_drop_down_set_selected (department, dropdown_index (department, "Unassigned", "未割当"));
  assert_count (list, 3);
  gtk_drop_down_set_selected (department, dropdown_index (department, "Construction Bureau", "建設局"));
  assert_count (list, 1);

  /* with the status filter: fire and confirmed */
  gtk_drop_down_set_selected (department, dropdown_index (department, "Fire Department", "消防局"));
  gtk_drop_down_set_selected (status, dropdown_index (status, "confirmed", "確認済"));
  assert_count (list, 1);
  gtk_drop_down_set_selected (department, dropdown_index (department, "Unassigned", "未割当"));
  assert_count (list, 1);
  gtk_drop_down_set_selected (department, dropdown_index (department, "Construction Bureau", "建設局"));
  assert_count (list, 0);

  /* clear filters clears them all */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.clear-filters", NULL);
  assert_count (list, 6);
  g_assert_cmpuint (gtk_drop_down_get_selected (department), ==, 0);
  g_assert_cmpuint (gtk_drop_down_get_selected (status), ==, 0);
  g_assert_false (gtk_widget_get_visible (clear));

  gtk_window_close (GTK_WINDOW (window));
}

static void
on_activate_cb (GApplication *app,
                gboolean     *ran)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  g_assert_true (BD_IS_WINDOW (window));
  g_assert_true (iterate_until (widget_is_mapped, window, TIMEOUT_MS));
  filter_scenario (BD_WINDOW (window), NULL);
  *ran = TRUE;
}

static void
test_window_filter (void)
{
  g_autofree char *db = g_build_filename (tmp_dir, "filters.sqlite", NULL);
  const char *departments[] = { "fire", "fire", "construction", NULL, NULL, NULL };
  const char *statuses[] = { "confirmed", "new", "new", "confirmed", "new", "new" };
  BdApplication *app;
  gboolean ran = FALSE;
  char *argv[] = { (char *) "bosai-desk", (char *) "--database", db, NULL };

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(BdStore) store = bd_store_open (db, &error);

    g_assert_no_error (error);
    for (guint i = 0; i < G_N_ELEMENTS (departments); i++)
      {
        g_autofree char *title = g_strdup_printf ("報告 %u", i);
        g_autoptr(BdReport) report = make_report (title);

        bd_report_set_department (report, departments[i]);
        bd_report_set_status (report, statuses[i]);
        g_assert_true (bd_store_save_report (store, report, "t", &error));
        g_assert_no_error (error);
      }
  }

  app = bd_application_new ();
  g_signal_connect_after (app, "activate", G_CALLBACK (on_activate_cb), &ran);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 3, argv), ==, 0);
  g_assert_true (ran);
  g_assert_finalize_object (app);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *cache = NULL;
  g_autofree char *config = NULL;
  const char *localedir = g_getenv ("BD_TEST_LOCALEDIR");
  int status;

  tmp_dir = g_dir_make_tmp ("bd-test-workflow-ui-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);
  cache = g_build_filename (tmp_dir, "cache", NULL);
  config = g_build_filename (tmp_dir, "config", NULL);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/bosai-desk-test", TRUE);

  if (localedir != NULL)
    {
      bindtextdomain (GETTEXT_PACKAGE, localedir);
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      textdomain (GETTEXT_PACKAGE);
    }

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  if (localedir != NULL)
    setlocale (LC_ALL, "");

  g_test_add_func ("/bd/history-view/rows", test_history_view);
  g_test_add_func ("/bd/editor/workflow", test_editor_workflow);
  g_test_add_func ("/bd/departments-dialog/hq-only", test_departments_dialog);
  g_test_add_func ("/bd/window/department-filter", test_window_filter);

  status = g_test_run ();
  remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
