/* test-window.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * UI tests: the real application and window under Xvfb, driven through
 * their actions and real widgets, with an offline tile folder made here so
 * that no network is needed.
 */

#define G_LOG_DOMAIN "test-window"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "bd-app-util.h"
#include "bd-application.h"
#include "bd-catalog.h"
#include "bd-report-editor-private.h"
#include "bd-report-layer.h"
#include "bd-report-list.h"
#include "bd-store.h"
#include "bd-toast-queue.h"
#include "bd-window-private.h"
#include "ui-util.h"

#define SCHEMA_ID "io.github.bosai_desk.BosaiDesk"
#define TIMEOUT_MS 60000

static char *tmp_dir;
static char *tiles_dir;

static void
iterate_for (guint ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)ms * 1000;

  while (g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

/* The size restored from GSettings (the default size is what GTK keeps in
 * step with the real size, and what the window saves). */
static gboolean
window_has_test_size (gpointer data)
{
  int width = 0, height = 0;

  gtk_window_get_default_size (GTK_WINDOW (data), &width, &height);

  return gtk_widget_get_width (GTK_WIDGET (data)) > 0 && width == 1000 && height == 700;
}

typedef struct
{
  GListModel *model;
  const char *id;
  gboolean    present;
} ListWait;

static gboolean
list_has_id (GListModel *model,
             const char *id)
{
  guint n_items = g_list_model_get_n_items (model);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(BdReport) report = g_list_model_get_item (model, i);

      if (report != NULL && g_strcmp0 (bd_report_get_id (report), id) == 0)
        return TRUE;
    }

  return FALSE;
}

static gboolean
list_state_reached (gpointer data)
{
  ListWait *wait = data;

  return list_has_id (wait->model, wait->id) == wait->present;
}

static gboolean
list_reaches (GListModel *model,
              const char *id,
              gboolean    present)
{
  ListWait wait = { model, id, present };

  if (iterate_until (list_state_reached, &wait, TIMEOUT_MS))
    return TRUE;

  g_test_message ("The list still %s %s: %u items, loading %d",
                  present ? "lacks" : "holds", id,
                  g_list_model_get_n_items (model),
                  bd_report_list_get_loading (BD_REPORT_LIST (model)));
  return FALSE;
}

/* A macro, so that a failure names the line that waited. */
#define wait_for_list(model, id, present) g_assert_true (list_reaches ((model), (id), (present)))

/* A small tile folder (z11–14, around the city centre) for the local base map. */
static void
write_tiles (const char *dir)
{
  for (int zoom = 11; zoom <= 14; zoom++)
    write_city_tiles (dir, zoom);
}

/* Runs the real application with @args (after argv[0]); @scenario runs
 * inside "activate" once the window is mapped and must close the window. */
typedef void (*Scenario) (BdWindow *window,
                          gpointer  data);

typedef struct
{
  Scenario  scenario;
  gpointer  data;
  gboolean  ran;
} RunData;

static void
on_activate_cb (GApplication *app,
                RunData      *run)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  g_assert_true (BD_IS_WINDOW (window));
  g_assert_true (iterate_until (widget_is_mapped, window, TIMEOUT_MS));

  run->scenario (BD_WINDOW (window), run->data);
  run->ran = TRUE;
}

static int
run_app (const char * const *args,
         Scenario            scenario,
         gpointer            data)
{
  BdApplication *app = bd_application_new ();
  RunData run = { scenario, data, FALSE };
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  int status;

  g_ptr_array_add (argv, (gpointer)"bosai-desk");
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer)args[i]);
  g_ptr_array_add (argv, NULL);

  if (scenario != NULL)
    g_signal_connect_after (app, "activate", G_CALLBACK (on_activate_cb), &run);

  status = g_application_run (G_APPLICATION (app), (int)argv->len - 1, (char **)argv->pdata);

  if (scenario != NULL)
    g_assert_true (run.ran);

  g_assert_finalize_object (app);

  return status;
}

static char *
make_db_path (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

static guint
ward_index (const char *code)
{
  guint n_wards = 0;
  const BdWard *wards = bd_catalog_get_wards (&n_wards);

  for (guint i = 0; i < n_wards; i++)
    if (g_strcmp0 (wards[i].code, code) == 0)
      return i;

  g_assert_not_reached ();
  return 0;
}

/* Closes like the user does (close-request saves the state), then waits
 * until the window is finalized. */
static void
close_window (BdWindow *window)
{
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *)&window);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (iterate_until (pointer_is_null, &window, TIMEOUT_MS));
}

/* Creates a report through the editor's real widgets and saves it. */
static char *
create_report_via_editor (BdWindow   *window,
                          double      latitude,
                          double      longitude,
                          const char *title,
                          double      sites)
{
  BdReportEditor *editor = _bd_window_get_editor (window);
  BdReport *working;
  GtkSpinButton *spin;
  char *id;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new-report-at", "(dd)", latitude, longitude);
  g_assert_true (bd_window_get_editing (window));
  working = bd_report_editor_get_report (editor);
  g_assert_nonnull (working);

  gtk_editable_set_text (GTK_EDITABLE (bd_report_editor_get_title_row (editor)), title);
  adw_combo_row_set_selected (_bd_report_editor_get_category_row (editor),
                              (guint)bd_catalog_category_index ("road"));
  spin = _bd_report_editor_get_count_spin (editor, "sites");
  g_assert_nonnull (spin);
  gtk_spin_button_set_value (spin, sites);

  g_assert_true (bd_report_editor_get_valid (editor));
  id = g_strdup (bd_report_get_id (working));
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL);
  g_assert_false (bd_window_get_editing (window));

  return id;
}

/* /bd/window/new-report */

typedef struct
{
  char *id;
} NewReportData;

static void
new_report_scenario (BdWindow *window,
                     gpointer  user_data)
{
  NewReportData *data = user_data;
  BdReportEditor *editor = _bd_window_get_editor (window);
  BdStore *store = _bd_window_get_store (window);
  ShumateViewport *viewport = _bd_window_get_viewport (window);
  ShumateMapSource *source;
  AdwEntryRow *title_row;
  GtkLabel *title_error;
  GtkSpinButton *spin;
  BdReport *working;
  AdwToast *toast;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) expected = NULL;
  g_autoptr(BdReport) stored = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  gboolean in_outbox = FALSE;

  /* The offline map given on the command line is the base map. */
  source = shumate_viewport_get_reference_map_source (viewport);
  g_assert_nonnull (source);
  g_assert_cmpstr (shumate_map_source_get_id (source), ==, "local");

  g_assert_false (bd_window_get_editing (window));
  g_assert_cmpuint (g_list_model_get_n_items (_bd_window_get_report_list (window)), ==, 0);

  /* A new report at Kita ward's centre: the nearest ward is preselected. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.new-report-at", "(dd)", 34.7040, 135.5040);
  g_assert_true (bd_window_get_editing (window));
  working = bd_report_editor_get_report (editor);
  g_assert_nonnull (working);
  g_assert_true (_bd_report_editor_get_is_new (editor));
  g_assert_cmpstr (bd_report_get_ward (working), ==, "271276");
  g_assert_cmpuint (adw_combo_row_get_selected (_bd_report_editor_get_ward_row (editor)), ==,
                    ward_index ("271276"));
  g_assert_cmpfloat_with_epsilon (bd_report_get_latitude (working), 34.7040, 1e-9);
  g_assert_cmpfloat_with_epsilon (bd_report_get_longitude (working), 135.5040, 1e-9);

  /* Empty title: invalid, Save disabled; nothing is red before the user
   * left a field or tried to save. */
  title_row = bd_report_editor_get_title_row (editor);
  title_error = _bd_report_editor_get_error_label (editor, BD_REPORT_FIELD_TITLE);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (title_row)), ==, "");
  g_assert_false (bd_report_editor_get_valid (editor));
  g_assert_false (gtk_widget_get_sensitive (_bd_report_editor_get_save_button (editor)));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (title_error)));

  /* Trying to save (Ctrl+S) saves nothing; the inline error says why. */
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.try-save", NULL);
  g_assert_true (bd_window_get_editing (window));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (title_error)));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (title_row), "error"));
  g_assert_false (bd_report_check_field (working, BD_REPORT_FIELD_TITLE, &expected));
  g_assert_nonnull (expected);
  g_assert_cmpstr (gtk_label_get_text (title_error), ==, expected->message);
  g_assert_cmpstr (gtk_label_get_text (title_error), !=, "");

  /* Activating Save anyway does nothing. */
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL);
  g_assert_true (bd_window_get_editing (window));
  g_assert_cmpint (bd_store_count (store), ==, 0);

  /* Fill it in through the real widgets. */
  gtk_editable_set_text (GTK_EDITABLE (title_row), "梅田の地下道が冠水");
  g_assert_cmpstr (bd_report_get_title (working), ==, "梅田の地下道が冠水");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (title_error)));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (title_row), "error"));

  adw_combo_row_set_selected (_bd_report_editor_get_category_row (editor),
                              (guint)bd_catalog_category_index ("road"));
  g_assert_cmpstr (bd_report_get_category (working), ==, "road");
  spin = _bd_report_editor_get_count_spin (editor, "sites");
  g_assert_nonnull (spin);
  gtk_spin_button_set_value (spin, 3);
  g_assert_cmpfloat (bd_report_get_count (working, "sites"), ==, 3);
  gtk_toggle_button_set_active (_bd_report_editor_get_severity_button (editor, 3), TRUE);
  g_assert_cmpint (bd_report_get_severity (working), ==, 3);
  gtk_editable_set_text (GTK_EDITABLE (_bd_report_editor_get_reporter_row (editor)), "北区役所 山田");

  /* A bad time blocks saving until it is fixed. */
  gtk_editable_set_text (GTK_EDITABLE (_bd_report_editor_get_observed_row (editor)), "yesterday");
  g_assert_false (bd_report_editor_get_valid (editor));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (_bd_report_editor_get_error_label (editor, BD_REPORT_FIELD_OBSERVED_AT))));
  gtk_editable_set_text (GTK_EDITABLE (_bd_report_editor_get_observed_row (editor)), "2026-09-01 14:30");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (_bd_report_editor_get_error_label (editor, BD_REPORT_FIELD_OBSERVED_AT))));

  g_assert_true (bd_report_editor_get_valid (editor));
  g_assert_true (gtk_widget_get_sensitive (_bd_report_editor_get_save_button (editor)));

  data->id = g_strdup (bd_report_get_id (working));
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL);

  /* Back to the list, with a toast. */
  g_assert_false (bd_window_get_editing (window));
  toast = _bd_window_get_last_toast (window);
  g_assert_nonnull (toast);
  g_assert_cmpstr (adw_toast_get_title (toast), ==, "Report saved");

  /* In the store, with its outbox row. */
  stored = bd_store_get_report (store, data->id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (stored);
  g_assert_cmpstr (bd_report_get_title (stored), ==, "梅田の地下道が冠水");
  g_assert_cmpstr (bd_report_get_category (stored), ==, "road");
  g_assert_cmpstr (bd_report_get_ward (stored), ==, "271276");
  g_assert_cmpstr (bd_report_get_reporter (stored), ==, "北区役所 山田");
  g_assert_cmpint (bd_report_get_severity (stored), ==, 3);
  g_assert_cmpfloat (bd_report_get_count (stored, "sites"), ==, 3);
  g_assert_false (bd_report_get_deleted (stored));
  {
    g_autoptr(GDateTime) expected_time = g_date_time_new_local (2026, 9, 1, 14, 30, 0);

    g_assert_cmpint (g_date_time_compare (bd_report_get_observed_at (stored), expected_time), ==, 0);
  }

  outbox = bd_store_list_outbox (store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < outbox->len; i++)
    {
      BdOutboxEntry *entry = g_ptr_array_index (outbox, i);

      if (g_strcmp0 (entry->report_id, data->id) == 0 && g_strcmp0 (entry->op, "create") == 0)
        in_outbox = TRUE;
    }
  g_assert_true (in_outbox);

  /* The sidebar list shows it. */
  wait_for_list (_bd_window_get_report_list (window), data->id, TRUE);

  /* The size came from GSettings; the map position is saved on close. */
  g_assert_true (iterate_until (window_has_test_size, window, TIMEOUT_MS));
  shumate_viewport_set_zoom_level (viewport, 13);
  shumate_location_set_location (SHUMATE_LOCATION (viewport), 34.7001, 135.4999);
  iterate_for (300);

  close_window (window);
}

typedef struct
{
  const char *id;
} ReopenData;

static void
reopen_scenario (BdWindow *window,
                 gpointer  user_data)
{
  ReopenData *data = user_data;
  ShumateViewport *viewport = _bd_window_get_viewport (window);
  g_autoptr(GError) error = NULL;
  g_autoptr(BdReport) stored = NULL;
  int width = 0, height = 0;

  stored = bd_store_get_report (_bd_window_get_store (window), data->id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (stored);
  g_assert_cmpstr (bd_report_get_title (stored), ==, "梅田の地下道が冠水");

  wait_for_list (_bd_window_get_report_list (window), data->id, TRUE);

  /* State restored from GSettings. */
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 1000);
  g_assert_cmpint (height, ==, 700);
  g_assert_cmpfloat_with_epsilon (shumate_viewport_get_zoom_level (viewport), 13, 1e-6);
  g_assert_cmpfloat_with_epsilon (shumate_location_get_latitude (SHUMATE_LOCATION (viewport)), 34.7001, 1e-6);
  g_assert_cmpfloat_with_epsilon (shumate_location_get_longitude (SHUMATE_LOCATION (viewport)), 135.4999, 1e-6);

  /* Opening it from the list's model goes through the editor. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-report", "s", data->id);
  g_assert_true (bd_window_get_editing (window));
  g_assert_false (_bd_report_editor_get_is_new (_bd_window_get_editor (window)));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (bd_report_editor_get_title_row (_bd_window_get_editor (window)))),
                   ==, "梅田の地下道が冠水");
  gtk_widget_activate_action (GTK_WIDGET (_bd_window_get_editor (window)), "editor.cancel", NULL);
  g_assert_false (bd_window_get_editing (window));

  close_window (window);
}

static void
test_new_report (void)
{
  g_autofree char *db = make_db_path ("new-report.sqlite");
  const char *args[] = { "--database", db, "--offline-map", tiles_dir, NULL };
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  NewReportData data = { NULL };
  ReopenData reopen = { NULL };
  g_autofree char *reporter = NULL;

  /* Not the schema's default, so that restoring it is seen. */
  g_settings_set_int (settings, "window-width", 1000);
  g_settings_set_int (settings, "window-height", 700);
  g_settings_set_double (settings, "map-zoom", 12);

  g_assert_cmpint (run_app (args, new_report_scenario, &data), ==, 0);
  g_assert_nonnull (data.id);

  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1000);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 700);
  g_assert_cmpfloat_with_epsilon (g_settings_get_double (settings, "map-latitude"), 34.7001, 1e-6);
  g_assert_cmpfloat_with_epsilon (g_settings_get_double (settings, "map-longitude"), 135.4999, 1e-6);
  g_assert_cmpfloat_with_epsilon (g_settings_get_double (settings, "map-zoom"), 13, 1e-6);
  reporter = g_settings_get_string (settings, "reporter-name");
  g_assert_cmpstr (reporter, ==, "北区役所 山田");

  /* A second instance on the same database. */
  reopen.id = data.id;
  g_assert_cmpint (run_app (args, reopen_scenario, &reopen), ==, 0);

  g_free (data.id);
}

/* /bd/window/delete-undo */

static void
delete_undo_scenario (BdWindow *window,
                      gpointer  user_data)
{
  BdReportEditor *editor = _bd_window_get_editor (window);
  BdStore *store = _bd_window_get_store (window);
  g_autofree char *id = NULL;
  g_autoptr(BdReport) deleted = NULL;
  g_autoptr(BdReport) restored = NULL;
  g_autoptr(GError) error = NULL;
  AdwToast *toast;

  id = create_report_via_editor (window, 34.6650, 135.5010, "倒壊したブロック塀", 1);
  wait_for_list (_bd_window_get_report_list (window), id, TRUE);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-report", "s", id);
  g_assert_true (bd_window_get_editing (window));
  g_assert_cmpstr (bd_report_get_id (bd_report_editor_get_report (editor)), ==, id);

  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.delete", NULL);
  g_assert_false (bd_window_get_editing (window));

  deleted = bd_store_get_report (store, id, &error);
  g_assert_no_error (error);
  g_assert_true (bd_report_get_deleted (deleted));
  wait_for_list (_bd_window_get_report_list (window), id, FALSE);

  toast = _bd_window_get_last_toast (window);
  g_assert_nonnull (toast);
  g_assert_cmpstr (adw_toast_get_title (toast), ==, "Report deleted");
  g_assert_cmpstr (adw_toast_get_button_label (toast), ==, "_Undo");
  g_assert_cmpstr (adw_toast_get_action_name (toast), ==, "win.undo-delete");

  /* What the toast's button does. */
  gtk_widget_activate_action_variant (GTK_WIDGET (window),
                                      adw_toast_get_action_name (toast),
                                      adw_toast_get_action_target_value (toast));

  restored = bd_store_get_report (store, id, &error);
  g_assert_no_error (error);
  g_assert_false (bd_report_get_deleted (restored));
  g_assert_cmpstr (bd_report_get_title (restored), ==, "倒壊したブロック塀");
  wait_for_list (_bd_window_get_report_list (window), id, TRUE);

  close_window (window);
}

static void
test_delete_undo (void)
{
  g_autofree char *db = make_db_path ("delete-undo.sqlite");
  const char *args[] = { "--database", db, "--offline-map", tiles_dir, NULL };

  g_assert_cmpint (run_app (args, delete_undo_scenario, NULL), ==, 0);
}

/* /bd/window/map-click */

/* Clicks the map the way the click gesture reports it. */
static void
click_map (BdWindow *window,
           double    latitude,
           double    longitude)
{
  ShumateMap *map = _bd_window_get_map (window);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (map));
  GtkEventController *click = NULL;
  double x, y;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (g_strcmp0 (gtk_event_controller_get_name (controller), "bd-map-click") == 0)
        click = controller;
    }
  g_assert_nonnull (click);

  shumate_viewport_location_to_widget_coords (_bd_window_get_viewport (window), GTK_WIDGET (map),
                                              latitude, longitude, &x, &y);
  g_assert_cmpfloat (x, >=, 0);
  g_assert_cmpfloat (y, >=, 0);
  g_assert_cmpfloat (x, <, gtk_widget_get_width (GTK_WIDGET (map)));
  g_assert_cmpfloat (y, <, gtk_widget_get_height (GTK_WIDGET (map)));

  g_signal_emit_by_name (click, "released", 1, x, y);
}

/* Answers the message dialog that is open (there must be exactly one). */
static void
respond_to_dialog (const char *response)
{
  g_autolist(GtkWindow) toplevels = NULL;
  AdwMessageDialog *dialog = NULL;
  GListModel *windows = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (windows); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (windows, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        {
          g_assert_null (dialog);
          dialog = ADW_MESSAGE_DIALOG (window);
        }
    }
  g_assert_nonnull (dialog);

  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
  iterate_for (50);
}

static gboolean
layer_has_points (gpointer data)
{
  return bd_report_layer_get_n_points (BD_REPORT_LAYER (data)) == 1;
}

static void
map_click_scenario (BdWindow *window,
                    gpointer  user_data)
{
  BdReportEditor *editor = _bd_window_get_editor (window);
  ShumateViewport *viewport = _bd_window_get_viewport (window);
  g_autofree char *id = NULL;
  BdReport *working;

  /* Whole city in view. */
  shumate_viewport_set_zoom_level (viewport, 12);
  shumate_location_set_location (SHUMATE_LOCATION (viewport), BD_CITY_CENTER_LAT, BD_CITY_CENTER_LON);
  iterate_for (200);

  /* A click on an empty place starts a new report there. */
  click_map (window, 34.6500, 135.4800);
  g_assert_true (bd_window_get_editing (window));
  working = bd_report_editor_get_report (editor);
  g_assert_true (_bd_report_editor_get_is_new (editor));
  /* within a pixel at zoom 12 (about 30 m) */
  g_assert_cmpfloat_with_epsilon (bd_report_get_latitude (working), 34.6500, 0.0005);
  g_assert_cmpfloat_with_epsilon (bd_report_get_longitude (working), 135.4800, 0.0005);

  /* While editing, a click moves it, and the ward follows. */
  click_map (window, 34.7040, 135.5040);
  g_assert_true (bd_report_editor_get_report (editor) == working);
  g_assert_cmpfloat_with_epsilon (bd_report_get_latitude (working), 34.7040, 0.0005);
  g_assert_cmpstr (bd_report_get_ward (working), ==, "271276");

  /* The report was changed: leaving asks first. "Keep Editing" keeps it. */
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.cancel", NULL);
  respond_to_dialog ("keep");
  g_assert_true (bd_window_get_editing (window));
  g_assert_true (bd_report_editor_get_report (editor) == working);
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.cancel", NULL);
  respond_to_dialog ("discard");
  g_assert_false (bd_window_get_editing (window));

  /* A click on a report opens it. */
  id = create_report_via_editor (window, 34.6650, 135.5010, "護岸の亀裂", 1);
  g_assert_true (iterate_until (layer_has_points, _bd_window_get_report_layer (window), TIMEOUT_MS));
  iterate_for (200);
  click_map (window, 34.6650, 135.5010);
  g_assert_true (bd_window_get_editing (window));
  g_assert_false (_bd_report_editor_get_is_new (editor));
  g_assert_cmpstr (bd_report_get_id (bd_report_editor_get_report (editor)), ==, id);
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.cancel", NULL);

  /* Outside the city: no report, a toast says why. */
  shumate_viewport_set_zoom_level (viewport, 11);
  iterate_for (200);
  g_assert_false (bd_catalog_point_in_city (34.8400, 135.5200));
  click_map (window, 34.8400, 135.5200);
  g_assert_false (bd_window_get_editing (window));
  g_assert_cmpstr (adw_toast_get_title (_bd_window_get_last_toast (window)), ==,
                   "This place is outside Osaka City: reports must be inside the city");

  close_window (window);
}

static void
test_map_click (void)
{
  g_autofree char *db = make_db_path ("map-click.sqlite");
  const char *args[] = { "--database", db, "--offline-map", tiles_dir, NULL };

  g_assert_cmpint (run_app (args, map_click_scenario, NULL), ==, 0);
}

/* /bd/window/filters */

static void
filter_scenario (BdWindow *window,
                 gpointer  user_data)
{
  GListModel *list = _bd_window_get_report_list (window);
  g_autofree char *kita = NULL;
  g_autofree char *chuo = NULL;

  kita = create_report_via_editor (window, 34.7040, 135.5040, "北区の冠水", 2);
  chuo = create_report_via_editor (window, 34.6810, 135.5100, "中央区の倒木", 1);
  wait_for_list (list, kita, TRUE);
  wait_for_list (list, chuo, TRUE);

  /* Full-text search with a two-character Japanese word. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.search", NULL);
  {
    GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (window));
    GtkWidget *focus = gtk_root_get_focus (root);

    g_assert_nonnull (focus);
    g_assert_true (GTK_IS_TEXT (focus));
    gtk_editable_set_text (GTK_EDITABLE (focus), "倒木");
  }
  wait_for_list (list, kita, FALSE);
  wait_for_list (list, chuo, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 1);

  close_window (window);
}

static void
test_filters (void)
{
  g_autofree char *db = make_db_path ("filters.sqlite");
  const char *args[] = { "--database", db, "--offline-map", tiles_dir, NULL };

  g_assert_cmpint (run_app (args, filter_scenario, NULL), ==, 0);
}

/* /bd/window/narrow */

static gboolean
window_is_folded (gpointer data)
{
  BdWindow *window = data;

  return gtk_widget_get_width (GTK_WIDGET (window)) > 0 &&
         adw_leaflet_get_folded (_bd_window_get_leaflet (window)) &&
         gtk_widget_has_css_class (GTK_WIDGET (window), "bd-narrow");
}

static gboolean
map_has_width (gpointer data)
{
  BdWindow *window = data;
  GtkWidget *map = GTK_WIDGET (_bd_window_get_map (window));

  return gtk_widget_get_mapped (map) && gtk_widget_get_width (map) > 300;
}

static const char *
visible_page (BdWindow *window)
{
  return adw_leaflet_get_visible_child_name (_bd_window_get_leaflet (window));
}

static void
narrow_scenario (BdWindow *window,
                 gpointer  user_data)
{
  BdReportEditor *editor = _bd_window_get_editor (window);
  ShumateViewport *viewport = _bd_window_get_viewport (window);
  GtkWidget *back_button = _bd_window_get_widget (window, "back_button");
  GtkWidget *map_button = _bd_window_get_widget (window, "map_button");
  GtkWidget *place_bar = _bd_window_get_widget (window, "place_bar");
  BdReport *working;

  /* No sliding pages: the map is where it will be at once. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  /* 360 px wide fits (the minimum size allows it), and the window folds. */
  if (!iterate_until (window_is_folded, window, 5000))
    {
      int min = 0, nat = 0;

      gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
      g_test_message ("Not folded: %d px wide, at least %d", gtk_widget_get_width (GTK_WIDGET (window)), min);
      g_assert_not_reached ();
    }
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 360);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window), "bd-narrow"));
  g_assert_cmpstr (visible_page (window), ==, "sidebar");
  g_assert_true (gtk_widget_get_visible (map_button));
  g_assert_false (gtk_widget_get_visible (back_button));
  g_assert_false (gtk_widget_get_visible (_bd_window_get_widget (window, "map_source_button")));
  g_assert_false (gtk_widget_get_visible (_bd_window_get_widget (window, "flap_toggle")));
  /* "New Report" as its icon alone. */
  g_assert_false (ADW_IS_BUTTON_CONTENT (gtk_button_get_child (GTK_BUTTON (_bd_window_get_widget (window, "new_report_button")))));
  /* The sync status left the header for the bottom of the list. */
  g_assert_true (gtk_widget_is_ancestor (GTK_WIDGET (_bd_window_get_sync_indicator (window)),
                                         _bd_window_get_widget (window, "narrow_status_box")));

  /* The map page, and back. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-map", NULL);
  g_assert_cmpstr (visible_page (window), ==, "map");
  g_assert_true (gtk_widget_get_visible (back_button));
  g_assert_false (gtk_widget_get_visible (map_button));
  g_assert_false (gtk_widget_get_visible (place_bar));
  g_assert_true (iterate_until (map_has_width, window, TIMEOUT_MS));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-sidebar", NULL);
  g_assert_cmpstr (visible_page (window), ==, "sidebar");

  /* A click on the map page starts a report: the editor page comes. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-map", NULL);
  g_assert_true (iterate_until (map_has_width, window, TIMEOUT_MS));
  shumate_viewport_set_zoom_level (viewport, 12);
  shumate_location_set_location (SHUMATE_LOCATION (viewport), BD_CITY_CENTER_LAT, BD_CITY_CENTER_LON);
  iterate_for (200);
  click_map (window, 34.6900, 135.5000);
  g_assert_true (bd_window_get_editing (window));
  g_assert_cmpstr (visible_page (window), ==, "sidebar");
  working = bd_report_editor_get_report (editor);

  /* Placing it: the map, a way back, and the editor again after the click. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.place-on-map", NULL);
  g_assert_cmpstr (visible_page (window), ==, "map");
  g_assert_true (gtk_widget_get_visible (place_bar));
  g_assert_true (gtk_widget_get_visible (back_button));
  g_assert_true (iterate_until (map_has_width, window, TIMEOUT_MS));
  iterate_for (100);
  click_map (window, 34.7040, 135.5040);
  g_assert_cmpstr (visible_page (window), ==, "sidebar");
  g_assert_true (bd_window_get_editing (window));
  g_assert_true (bd_report_editor_get_report (editor) == working);
  g_assert_cmpfloat_with_epsilon (bd_report_get_latitude (working), 34.7040, 0.0005);
  g_assert_cmpfloat_with_epsilon (bd_report_get_longitude (working), 135.5040, 0.0005);
  g_assert_false (gtk_widget_get_visible (place_bar));

  /* The map button while editing places too; "Done" goes back. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-map", NULL);
  g_assert_true (gtk_widget_get_visible (place_bar));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-sidebar", NULL);
  g_assert_cmpstr (visible_page (window), ==, "sidebar");
  g_assert_true (bd_window_get_editing (window));

  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.cancel", NULL);
  respond_to_dialog ("discard");
  g_assert_false (bd_window_get_editing (window));

  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", TRUE, NULL);
  close_window (window);
}

static void
test_narrow (void)
{
  g_autofree char *db = make_db_path ("narrow.sqlite");
  const char *args[] = { "--database", db, "--offline-map", tiles_dir, NULL };
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);

  g_settings_set_int (settings, "window-width", 360);
  g_settings_set_int (settings, "window-height", 640);
  g_settings_set_double (settings, "map-zoom", 12);

  g_assert_cmpint (run_app (args, narrow_scenario, NULL), ==, 0);

  /* The other tests run wide. */
  g_settings_set_int (settings, "window-width", 1000);
  g_settings_set_int (settings, "window-height", 700);
}

/* /bd/window/wide: the sidebar can be hidden and comes back. */

static void
wide_scenario (BdWindow *window,
               gpointer  user_data)
{
  GtkWidget *toggle = _bd_window_get_widget (window, "flap_toggle");
  GtkWidget *sidebar = _bd_window_get_widget (window, "sidebar_stack");

  g_assert_false (adw_leaflet_get_folded (_bd_window_get_leaflet (window)));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (window), "bd-narrow"));
  g_assert_true (gtk_widget_get_visible (toggle));
  g_assert_false (gtk_widget_get_visible (_bd_window_get_widget (window, "map_button")));
  g_assert_true (gtk_widget_get_visible (_bd_window_get_widget (window, "map_source_button")));
  g_assert_true (ADW_IS_BUTTON_CONTENT (gtk_button_get_child (GTK_BUTTON (_bd_window_get_widget (window, "new_report_button")))));

  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (toggle), FALSE);
  g_assert_false (gtk_widget_get_visible (sidebar));
  /* Searching shows it again. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.search", NULL);
  g_assert_true (gtk_widget_get_visible (sidebar));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (toggle)));

  close_window (window);
}

static void
test_wide (void)
{
  g_autofree char *db = make_db_path ("wide.sqlite");
  const char *args[] = { "--database", db, "--offline-map", tiles_dir, NULL };

  g_assert_cmpint (run_app (args, wide_scenario, NULL), ==, 0);
}

/* /bd/window/search-button */

static gboolean
search_entry_has_focus (gpointer data)
{
  BdWindow *window = data;
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));
  GtkWidget *entry = _bd_window_get_widget (window, "search_entry");

  return focus != NULL && (focus == entry || gtk_widget_is_ancestor (focus, entry));
}

static void
search_button_scenario (BdWindow *window,
                        gpointer  user_data)
{
  GtkWidget *button = _bd_window_get_widget (window, "search_button");
  GtkWidget *entry = _bd_window_get_widget (window, "search_entry");
  GtkWidget *focus;

  /* What a click does: the button toggles, the entry takes the focus. */
  gtk_widget_grab_focus (GTK_WIDGET (_bd_window_get_widget (window, "list_view")));
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)));
  g_assert_true (iterate_until (search_entry_has_focus, window, TIMEOUT_MS));

  /* What is typed next goes there. */
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_true (GTK_IS_EDITABLE (focus));
  gtk_editable_insert_text (GTK_EDITABLE (focus), "冠水", -1, &(int){ 0 });
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "冠水");
  g_assert_true (gtk_widget_get_visible (_bd_window_get_widget (window, "clear_filters_button")));

  /* From the editor too: the list comes back with the entry focused. */
  g_signal_emit_by_name (button, "clicked");
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.new-report-at", "(dd)", 34.6900, 135.5000);
  g_assert_true (bd_window_get_editing (window));
  g_signal_emit_by_name (button, "clicked");
  g_assert_false (bd_window_get_editing (window));
  g_assert_true (iterate_until (search_entry_has_focus, window, TIMEOUT_MS));

  close_window (window);
}

static void
test_search_button (void)
{
  g_autofree char *db = make_db_path ("search-button.sqlite");
  const char *args[] = { "--database", db, "--offline-map", tiles_dir, NULL };

  g_assert_cmpint (run_app (args, search_button_scenario, NULL), ==, 0);
}

/* /bd/window/marker-follows-editor: the editor moves the pin by itself
 * (a ward chosen here): the map's marker goes there too, and into view. */
static void
marker_follows_editor_scenario (BdWindow *window,
                                gpointer  data)
{
  BdReportEditor *editor = _bd_window_get_editor (window);
  ShumateViewport *viewport = shumate_simple_map_get_viewport (window->map);
  guint n_wards = 0;
  const BdWard *wards = bd_catalog_get_wards (&n_wards);
  const BdWard *ward = NULL;
  BdReport *report;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new-report-at", "(dd)", 34.7040, 135.5040);
  g_assert_true (bd_window_get_editing (window));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window->marker)));

  /* a ward far from the pin: 平野区 */
  for (guint i = 0; i < n_wards; i++)
    if (g_strcmp0 (wards[i].code, "271268") == 0)
      {
        ward = &wards[i];
        adw_combo_row_set_selected (_bd_report_editor_get_ward_row (editor), i);
      }
  g_assert_nonnull (ward);

  report = bd_report_editor_get_report (editor);
  g_assert_cmpfloat_with_epsilon (bd_report_get_latitude (report), ward->latitude, 1e-6);
  g_assert_cmpfloat_with_epsilon (shumate_location_get_latitude (SHUMATE_LOCATION (window->marker)),
                                  ward->latitude, 1e-6);
  g_assert_cmpfloat_with_epsilon (shumate_location_get_longitude (SHUMATE_LOCATION (window->marker)),
                                  ward->longitude, 1e-6);
  g_assert_cmpfloat_with_epsilon (shumate_location_get_latitude (SHUMATE_LOCATION (viewport)),
                                  ward->latitude, 1e-6);

  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.cancel", NULL);
  respond_to_dialog ("discard");
  g_assert_false (bd_window_get_editing (window));
  close_window (window);
}

static void
test_marker_follows_editor (void)
{
  g_autofree char *db = make_db_path ("marker-follows.sqlite");
  const char *args[] = { "--database", db, "--offline-map", tiles_dir, NULL };

  g_assert_cmpint (run_app (args, marker_follows_editor_scenario, NULL), ==, 0);
}

/* /bd/window/find-saved */

static gboolean
selected_is (gpointer data)
{
  gpointer *args = data;
  BdWindow *window = args[0];
  GtkListView *list_view = GTK_LIST_VIEW (_bd_window_get_widget (window, "list_view"));
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (gtk_list_view_get_model (list_view));
  BdReport *report = gtk_single_selection_get_selected_item (selection);

  return report != NULL && g_strcmp0 (bd_report_get_id (report), args[1]) == 0;
}

static gboolean
hidden_toast_shown (gpointer data)
{
  AdwToast *toast = _bd_window_get_last_toast (BD_WINDOW (data));

  return toast != NULL &&
         g_strcmp0 (adw_toast_get_title (toast), "The saved report is hidden by the filters") == 0;
}

static void
find_saved_scenario (BdWindow *window,
                     gpointer  user_data)
{
  GListModel *list = _bd_window_get_report_list (window);
  GtkDropDown *sort = GTK_DROP_DOWN (_bd_window_get_widget (window, "sort_dropdown"));
  GtkWidget *entry = _bd_window_get_widget (window, "search_entry");
  GtkWidget *clear_button = _bd_window_get_widget (window, "clear_filters_button");
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *hidden = NULL;
  gpointer args[2] = { window, NULL };
  AdwToast *toast;

  /* Newest observed first, by default. */
  g_assert_cmpuint (gtk_drop_down_get_selected (sort), ==, 0);
  g_assert_cmpint (bd_report_list_get_sort (BD_REPORT_LIST (list)), ==, BD_QUERY_SORT_OBSERVED);

  /* A saved report is selected in the list. */
  first = create_report_via_editor (window, 34.6900, 135.5000, "先の報告", 1);
  args[1] = first;
  g_assert_true (iterate_until (selected_is, args, TIMEOUT_MS));
  second = create_report_via_editor (window, 34.6950, 135.5050, "後の報告", 1);
  args[1] = second;
  g_assert_true (iterate_until (selected_is, args, TIMEOUT_MS));
  wait_for_list (list, first, TRUE);

  /* The other orders. */
  gtk_drop_down_set_selected (sort, 2);
  g_assert_cmpint (bd_report_list_get_sort (BD_REPORT_LIST (list)), ==, BD_QUERY_SORT_SEVERITY);
  gtk_drop_down_set_selected (sort, 1);
  g_assert_cmpint (bd_report_list_get_sort (BD_REPORT_LIST (list)), ==, BD_QUERY_SORT_UPDATED);
  gtk_drop_down_set_selected (sort, 0);

  /* Hidden by a search: a toast says so, and its button clears the filters. */
  g_assert_false (gtk_widget_get_visible (clear_button));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.search", NULL);
  gtk_editable_set_text (GTK_EDITABLE (entry), "先の");
  g_assert_true (gtk_widget_get_visible (clear_button));
  wait_for_list (list, second, FALSE);
  hidden = create_report_via_editor (window, 34.7000, 135.5100, "見えない報告", 1);
  wait_for_list (list, first, TRUE);
  /* the toast comes once the list's query has run: slower under load or
   * MALLOC_PERTURB_ (meson's default) than a fixed wait */
  g_assert_true (iterate_until (hidden_toast_shown, window, TIMEOUT_MS));
  g_assert_false (list_has_id (list, hidden));
  toast = _bd_window_get_last_toast (window);
  g_assert_nonnull (toast);
  g_assert_cmpstr (adw_toast_get_title (toast), ==, "The saved report is hidden by the filters");
  g_assert_cmpstr (adw_toast_get_button_label (toast), ==, "Clear _Filters");
  g_assert_cmpstr (adw_toast_get_action_name (toast), ==, "win.clear-filters");

  gtk_widget_activate_action (GTK_WIDGET (window), adw_toast_get_action_name (toast), NULL);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  g_assert_false (gtk_widget_get_visible (clear_button));
  args[1] = hidden;
  g_assert_true (iterate_until (selected_is, args, TIMEOUT_MS));

  close_window (window);
}

static void
test_find_saved (void)
{
  g_autofree char *db = make_db_path ("find-saved.sqlite");
  const char *args[] = { "--database", db, "--offline-map", tiles_dir, NULL };

  g_assert_cmpint (run_app (args, find_saved_scenario, NULL), ==, 0);
}

/* /bd/window/sort-remembered: the order of the list chosen in one run is
 * the order of the next (the "list-sort" setting). */

static void
sort_choose_scenario (BdWindow *window,
                      gpointer  user_data)
{
  GtkDropDown *sort = GTK_DROP_DOWN (_bd_window_get_widget (window, "sort_dropdown"));
  g_autoptr(GSettings) settings = g_settings_new ("io.github.bosai_desk.BosaiDesk");

  g_autofree char *kept = NULL;

  g_assert_cmpuint (gtk_drop_down_get_selected (sort), ==, 0);
  gtk_drop_down_set_selected (sort, GPOINTER_TO_UINT (user_data));
  kept = g_settings_get_string (settings, "list-sort");
  g_assert_cmpstr (kept, ==, GPOINTER_TO_UINT (user_data) == 2 ? "severity" : "updated");
  close_window (window);
}

static void
sort_restored_scenario (BdWindow *window,
                        gpointer  user_data)
{
  GtkDropDown *sort = GTK_DROP_DOWN (_bd_window_get_widget (window, "sort_dropdown"));
  GListModel *list = _bd_window_get_report_list (window);

  g_assert_cmpuint (gtk_drop_down_get_selected (sort), ==, 2);
  g_assert_cmpint (bd_report_list_get_sort (BD_REPORT_LIST (list)), ==, BD_QUERY_SORT_SEVERITY);
  gtk_drop_down_set_selected (sort, 0);
  close_window (window);
}

static void
test_sort_remembered (void)
{
  g_autofree char *db = make_db_path ("sort-remembered.sqlite");
  const char *args[] = { "--database", db, "--offline-map", tiles_dir, NULL };
  g_autoptr(GSettings) settings = g_settings_new ("io.github.bosai_desk.BosaiDesk");
  g_autofree char *after_first = NULL;
  g_autofree char *after_second = NULL;

  g_assert_cmpint (run_app (args, sort_choose_scenario, GUINT_TO_POINTER (2)), ==, 0);
  after_first = g_settings_get_string (settings, "list-sort");
  g_assert_cmpstr (after_first, ==, "severity");
  g_assert_cmpint (run_app (args, sort_restored_scenario, NULL), ==, 0);
  after_second = g_settings_get_string (settings, "list-sort");
  g_assert_cmpstr (after_second, ==, "observed");
}

/* /bd/window/filter-dropdowns */

static void
filter_dropdowns_scenario (BdWindow *window,
                           gpointer  user_data)
{
  const char *names[] = { "ward_dropdown", "category_dropdown" };
  GtkWidget *clear_button = _bd_window_get_widget (window, "clear_filters_button");
  GtkDropDown *ward = GTK_DROP_DOWN (_bd_window_get_widget (window, "ward_dropdown"));
  GtkDropDown *category = GTK_DROP_DOWN (_bd_window_get_widget (window, "category_dropdown"));
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
  GtkShortcutAction *shortcut_action = NULL;

  /* Type-to-find: the long drop-downs search their items' text. */
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GtkDropDown *dropdown = GTK_DROP_DOWN (_bd_window_get_widget (window, names[i]));
      GListModel *model = gtk_drop_down_get_model (dropdown);
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, 3);
      g_autoptr(GtkStringFilter) filter = NULL;
      g_autoptr(GtkFilterListModel) found = NULL;

      g_assert_true (gtk_drop_down_get_enable_search (dropdown));
      g_assert_nonnull (gtk_drop_down_get_expression (dropdown));

      /* What the popover's entry does with the item's text. */
      filter = gtk_string_filter_new (gtk_expression_ref (gtk_drop_down_get_expression (dropdown)));
      gtk_string_filter_set_match_mode (filter, GTK_STRING_FILTER_MATCH_MODE_PREFIX);
      gtk_string_filter_set_search (filter, gtk_string_object_get_string (item));
      found = gtk_filter_list_model_new (g_object_ref (model), GTK_FILTER (g_steal_pointer (&filter)));
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (found)), >=, 1);
    }

  /* One action clears them all; its button shows only when needed. */
  g_assert_false (gtk_widget_get_visible (clear_button));
  gtk_drop_down_set_selected (ward, ward_index ("271276") + 1);
  gtk_drop_down_set_selected (category, 1);
  g_assert_true (gtk_widget_get_visible (clear_button));
  g_assert_true (_bd_window_get_filters_active (window));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (clear_button)), ==, "win.clear-filters");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.clear-filters", NULL);
  g_assert_cmpuint (gtk_drop_down_get_selected (ward), ==, 0);
  g_assert_cmpuint (gtk_drop_down_get_selected (category), ==, 0);
  g_assert_false (_bd_window_get_filters_active (window));
  g_assert_false (gtk_widget_get_visible (clear_button));

  /* The shortcut: Ctrl+Shift+L. */
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);
          g_autofree char *trigger = gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));

          if (GTK_IS_NAMED_ACTION (action) &&
              g_strcmp0 (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)), "win.clear-filters") == 0)
            {
              g_assert_cmpstr (trigger, ==, "<Shift><Control>l");
              shortcut_action = action;
            }
        }
    }
  g_assert_nonnull (shortcut_action);
  gtk_drop_down_set_selected (category, 2);
  g_assert_true (_bd_window_get_filters_active (window));
  g_assert_true (gtk_shortcut_action_activate (shortcut_action, 0, GTK_WIDGET (window), NULL));
  g_assert_false (_bd_window_get_filters_active (window));

  close_window (window);
}

static void
test_filter_dropdowns (void)
{
  g_autofree char *db = make_db_path ("filter-dropdowns.sqlite");
  const char *args[] = { "--database", db, "--offline-map", tiles_dir, NULL };

  g_assert_cmpint (run_app (args, filter_dropdowns_scenario, NULL), ==, 0);
}

/* /bd/app/command-line */

static G_NORETURN void
exit_subprocess (int status)
{
  remove_tree (tmp_dir);
  exit (status);
}

static void
test_version (void)
{
  if (g_test_subprocess ())
    {
      const char *args[] = { "--version", NULL };

      exit_subprocess (run_app (args, NULL, NULL));
    }

  g_test_trap_subprocess (NULL, 0, 0);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("bosai-desk 0.1.0\n");
}

static void
test_bad_database (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *bad = g_build_filename (tmp_dir, "not-a-database.sqlite", NULL);
      const char *args[] = { "--database", bad, "--quit-after-setup", NULL };

      g_assert_true (g_file_set_contents (bad, "this is not SQLite at all, just some text that is "
                                          "long enough to look like a header........", -1, NULL));
      exit_subprocess (run_app (args, NULL, NULL));
    }

  g_test_trap_subprocess (NULL, 0, 0);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*bosai-desk: *not-a-database.sqlite*");
  g_test_trap_assert_stdout ("");
}

/* --demo-data with --quit-after-setup builds a database without a window,
 * and running it twice gives the same reports. */
static void
test_demo_data (void)
{
  g_autofree char *db = make_db_path ("demo.sqlite");
  const char *args[] = { "--database", db, "--demo-data", "25", "--quit-after-setup", NULL };
  g_autoptr(BdStore) store = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (run_app (args, NULL, NULL), ==, 0);
  g_assert_cmpint (run_app (args, NULL, NULL), ==, 0);

  store = bd_store_open (db, &error);
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count (store), ==, 25);
}

/* /bd/app-util: the helpers the window, the editor and the rows share. */

static void
test_app_util (void)
{
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  g_autofree char *label = NULL;
  g_autofree char *empty = NULL;
  g_autofree char *actor = NULL;
  g_autofree char *fallback = NULL;
  GtkWidget *dialog;

  /* In English (the tests' locale), its first letter in upper case. */
  label = bd_dup_catalog_label ("道路", "road");
  g_assert_cmpstr (label, ==, "Road");
  empty = bd_dup_catalog_label (NULL, NULL);
  g_assert_cmpstr (empty, ==, "");

  /* The actor is the person using the app: the setting, else the account. */
  g_settings_set_string (settings, "reporter-name", "中央区役所 佐藤");
  actor = bd_dup_actor (settings);
  g_assert_cmpstr (actor, ==, "中央区役所 佐藤");
  g_settings_reset (settings, "reporter-name");
  fallback = bd_dup_actor (settings);
  g_assert_nonnull (fallback);
  g_assert_cmpstr (fallback, !=, "");

  dialog = bd_discard_changes_dialog_new (NULL);
  g_assert_true (ADW_IS_MESSAGE_DIALOG (dialog));
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "Discard Changes?");
  g_assert_true (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), "keep"));
  g_assert_true (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), "discard"));
  g_assert_cmpint (adw_message_dialog_get_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard"),
                   ==, ADW_RESPONSE_DESTRUCTIVE);
  g_assert_cmpstr (adw_message_dialog_get_default_response (ADW_MESSAGE_DIALOG (dialog)), ==, "keep");
  g_assert_cmpstr (adw_message_dialog_get_close_response (ADW_MESSAGE_DIALOG (dialog)), ==, "keep");
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* /bd/toast-queue/one-at-a-time: a newer toast waits until the older one
 * has been shown long enough for its show animation to end (libadwaita 1.2). */

static gboolean
toast_is_shown (gpointer data)
{
  AdwToast **toasts = data;

  return bd_toast_queue_get_shown (BD_TOAST_QUEUE (toasts[0])) == toasts[1];
}

static void
test_toast_queue (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *overlay = adw_toast_overlay_new ();
  g_autoptr(BdToastQueue) queue = NULL;
  AdwToast *first = adw_toast_new ("first");
  AdwToast *second = adw_toast_new ("second");
  gpointer wait_second[2];
  gpointer window_ptr = window;
  gint64 start;

  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), gtk_label_new ("map"));
  gtk_window_set_child (GTK_WINDOW (window), overlay);
  gtk_window_set_default_size (GTK_WINDOW (window), 400, 300);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (iterate_until (widget_is_mapped, overlay, TIMEOUT_MS));

  queue = bd_toast_queue_new (ADW_TOAST_OVERLAY (overlay));
  g_assert_true (bd_toast_queue_get_overlay (queue) == ADW_TOAST_OVERLAY (overlay));
  g_assert_null (bd_toast_queue_get_last (queue));

  start = g_get_monotonic_time ();
  bd_toast_queue_add (queue, first);
  g_assert_true (bd_toast_queue_get_shown (queue) == first);
  g_assert_true (bd_toast_queue_get_last (queue) == first);

  bd_toast_queue_add (queue, second);
  g_assert_true (bd_toast_queue_get_last (queue) == second);
  g_assert_true (bd_toast_queue_get_shown (queue) == first);
  g_assert_cmpuint (bd_toast_queue_get_n_waiting (queue), ==, 1);

  /* The second replaces the first only after the first's minimum time and
   * its hide animation. */
  wait_second[0] = queue;
  wait_second[1] = second;
  g_assert_true (iterate_until (toast_is_shown, wait_second, TIMEOUT_MS));
  g_assert_cmpint (g_get_monotonic_time () - start, >=,
                   (BD_TOAST_QUEUE_MIN_SHOWN_MS + BD_TOAST_QUEUE_HIDE_MS) * 1000);
  g_assert_cmpuint (bd_toast_queue_get_n_waiting (queue), ==, 0);

  /* clear () lets go of the toast and the overlay (a window going away). */
  bd_toast_queue_clear (queue);
  g_assert_null (bd_toast_queue_get_shown (queue));
  g_assert_null (bd_toast_queue_get_overlay (queue));

  g_object_add_weak_pointer (G_OBJECT (window), &window_ptr);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (iterate_until (pointer_is_null, &window_ptr, TIMEOUT_MS));
  g_assert_finalize_object (g_steal_pointer (&queue));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *cache = NULL;
  g_autofree char *data = NULL;
  g_autofree char *config = NULL;
  int status;

  tmp_dir = g_dir_make_tmp ("bd-test-window-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);
  cache = g_build_filename (tmp_dir, "cache", NULL);
  data = g_build_filename (tmp_dir, "data", NULL);
  config = g_build_filename (tmp_dir, "config", NULL);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  tiles_dir = g_build_filename (tmp_dir, "tiles", NULL);

  if (!g_test_subprocess ())
    write_tiles (tiles_dir);

  g_test_add_func ("/bd/app/version", test_version);
  g_test_add_func ("/bd/app/bad-database", test_bad_database);
  g_test_add_func ("/bd/app/demo-data", test_demo_data);
  g_test_add_func ("/bd/window/new-report", test_new_report);
  g_test_add_func ("/bd/window/delete-undo", test_delete_undo);
  g_test_add_func ("/bd/window/map-click", test_map_click);
  g_test_add_func ("/bd/window/filters", test_filters);
  g_test_add_func ("/bd/window/wide", test_wide);
  g_test_add_func ("/bd/window/search-button", test_search_button);
  g_test_add_func ("/bd/window/find-saved", test_find_saved);
  g_test_add_func ("/bd/window/filter-dropdowns", test_filter_dropdowns);
  g_test_add_func ("/bd/window/sort-remembered", test_sort_remembered);
  g_test_add_func ("/bd/window/narrow", test_narrow);
  g_test_add_func ("/bd/window/marker-follows-editor", test_marker_follows_editor);
  g_test_add_func ("/bd/toast-queue/one-at-a-time", test_toast_queue);
  g_test_add_func ("/bd/app-util/helpers", test_app_util);

  status = g_test_run ();

  remove_tree (tmp_dir);
  g_free (tiles_dir);
  g_free (tmp_dir);

  return status;
}
