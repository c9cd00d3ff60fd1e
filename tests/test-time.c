/* test-time.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 10, part 7 ("as of" a time), against a case computed by hand:
 * the report list's as-of query (counts, the status then, a filter on the
 * status then), then the real window under Xvfb: moving the time bar
 * changes what the report layer draws and what the list holds, playback
 * moves it, and Now returns to live.
 */

#define G_LOG_DOMAIN "test-time"

#include "config.h"

#include <glib/gstdio.h>

#include "bd-application.h"
#include "bd-catalog.h"
#include "bd-report-list.h"
#include "bd-store.h"
#include "bd-time-bar.h"
#include "bd-window-private.h"
#include "ui-util.h"

#define TIMEOUT_MS 60000

#define KITA      "271276"
#define CHUO      "271284"
#define NISHINARI "271225"

#define ID_A "bbbbbbbb-0000-4000-8000-000000000001"
#define ID_B "bbbbbbbb-0000-4000-8000-000000000002"
#define ID_C "bbbbbbbb-0000-4000-8000-000000000003"
#define ID_D "bbbbbbbb-0000-4000-8000-000000000004"
#define ID_E "bbbbbbbb-0000-4000-8000-000000000005"

static char *tmp_dir;

/* 2026-12-06 HH:MM +09:00, unix s */
static gint64
at (const char *hhmm)
{
  g_autofree char *text = g_strdup_printf ("2026-12-06T%s:00+09:00", hhmm);
  g_autoptr(GTimeZone) tz = g_time_zone_new_utc ();
  g_autoptr(GDateTime) when = g_date_time_new_from_iso8601 (text, tz);

  g_assert_nonnull (when);
  return g_date_time_to_unix (when);
}

static BdReport *
make (const char *id,
      const char *ward,
      const char *category,
      const char *status,
      const char *observed,
      const char *updated)
{
  BdReport *report = bd_report_new ();
  const BdWard *w = bd_catalog_lookup_ward (ward);
  g_autoptr(GDateTime) obs = g_date_time_new_from_unix_utc (at (observed));
  g_autoptr(GDateTime) upd = g_date_time_new_from_unix_utc (at (updated));

  g_assert_nonnull (w);
  bd_report_set_id (report, id);
  bd_report_set_location (report, w->latitude, w->longitude);
  bd_report_set_ward (report, ward);
  bd_report_set_category (report, category);
  bd_report_set_status (report, status);
  bd_report_set_severity (report, 2);
  bd_report_set_title (report, "被害");
  bd_report_set_observed_at (report, obs);
  bd_report_set_created_at (report, upd);
  bd_report_set_updated_at (report, upd);
  return report;
}

static void
put (BdStore  *store,
     BdReport *report)
{
  g_autoptr(GPtrArray) reports = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (reports, report);
  bd_store_insert_batch (store, reports, FALSE, NULL, &error);
  g_assert_no_error (error);
}

static void
set_updated (BdReport   *report,
             const char *hhmm)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (at (hhmm));

  bd_report_set_updated_at (report, when);
}

/* The case, by hand (+09:00):
 * A 北区 road, new, observed 09:00 (stored 09:10); confirmed at 11:00.
 * B 中央区 fire, new, observed 09:30 (09:30); deleted at 11:30.
 * C 西成区 human, new, observed 10:30 (10:35).
 * D 中央区 road, confirmed, observed 08:00 (08:05).
 * E 北区 water, new, observed 08:00 but stored only at 10:00.
 * So, as of: 07:00 none; 08:30 D; 09:20 D A; 10:10 D A B E; 10:40 D A B E
 * C; 11:10 the same, A confirmed; 11:40 D A E C; now D A E C. */
static void
fill_case (BdStore *store)
{
  g_autoptr(BdReport) a = make (ID_A, KITA, "road", "new", "09:00", "09:10");
  g_autoptr(BdReport) b = make (ID_B, CHUO, "fire", "new", "09:30", "09:30");
  g_autoptr(BdReport) c = make (ID_C, NISHINARI, "human", "new", "10:30", "10:35");
  g_autoptr(BdReport) d = make (ID_D, CHUO, "road", "confirmed", "08:00", "08:05");
  g_autoptr(BdReport) e = make (ID_E, KITA, "water", "new", "08:00", "10:00");

  put (store, a);
  put (store, b);
  put (store, c);
  put (store, d);
  put (store, e);
  bd_report_set_status (a, "confirmed");
  set_updated (a, "11:00");
  put (store, a);
  bd_report_set_deleted (b, TRUE);
  set_updated (b, "11:30");
  put (store, b);
}

typedef struct
{
  const char *hhmm;           /* NULL: now */
  guint       n;
  const char *a_status;       /* A's status then, NULL: not there */
  guint       n_confirmed;
} Step;

static const Step steps[] = {
  { "07:00", 0, NULL, 0 },
  { "08:30", 1, NULL, 1 },
  { "09:20", 2, "new", 1 },
  { "10:10", 4, "new", 1 },
  { "10:40", 5, "new", 1 },
  { "11:10", 5, "confirmed", 2 },
  { "11:40", 4, "confirmed", 2 },
  { NULL, 4, "confirmed", 2 },
};

static gboolean
list_loaded (gpointer data)
{
  return !bd_report_list_get_loading (BD_REPORT_LIST (data));
}

static const char *
status_of (GListModel *list,
           const char *id)
{
  static char status[64];

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(BdReport) report = g_list_model_get_item (list, i);

      if (g_str_equal (bd_report_get_id (report), id))
        {
          g_strlcpy (status, bd_report_get_status (report), sizeof status);
          return status;
        }
    }
  return NULL;
}

static void
wait_list (BdReportList *list)
{
  g_assert_true (iterate_until (list_loaded, list, TIMEOUT_MS));
}

/* The list's as-of query, with no window. */
static void
test_list_as_of (void)
{
  g_autofree char *db = g_build_filename (tmp_dir, "list.sqlite", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BdStore) store = bd_store_open (db, &error);
  g_autoptr(BdReportList) list = NULL;
  gint64 first = 0;

  g_assert_no_error (error);
  fill_case (store);
  g_assert_true (bd_store_get_first_observed (store, &first, &error));
  g_assert_cmpint (first, ==, at ("08:00"));

  list = bd_report_list_new (store);
  bd_report_list_refresh (list);
  wait_list (list);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 4);
  g_assert_cmpint (bd_report_list_get_as_of (list), ==, G_MAXINT64);

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      gint64 t = steps[i].hhmm != NULL ? at (steps[i].hhmm) : G_MAXINT64;

      g_test_message ("as of %s", steps[i].hhmm ? steps[i].hhmm : "now");
      bd_report_list_set_status (list, NULL);
      bd_report_list_set_as_of (list, t);
      bd_report_list_refresh (list);
      wait_list (list);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, steps[i].n);
      g_assert_cmpstr (status_of (G_LIST_MODEL (list), ID_A), ==, steps[i].a_status);

      /* the status filter reads the status then */
      bd_report_list_set_status (list, "confirmed");
      bd_report_list_refresh (list);
      wait_list (list);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, steps[i].n_confirmed);
    }

  /* B is gone now, but it was there at 10:10, in the fire category */
  bd_report_list_set_status (list, NULL);
  bd_report_list_set_category (list, "fire");
  bd_report_list_set_as_of (list, at ("10:10"));
  bd_report_list_refresh (list);
  wait_list (list);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  bd_report_list_set_as_of (list, G_MAXINT64);
  bd_report_list_refresh (list);
  wait_list (list);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
}

/* The window */

typedef struct
{
  BdWindow *window;
  guint     expected;
} Wait;

static gboolean
layer_draws (gpointer data)
{
  Wait *wait = data;
  BdReportLayer *layer = _bd_window_get_report_layer (wait->window);

  gtk_widget_queue_draw (GTK_WIDGET (layer));
  return bd_report_layer_get_n_drawn_reports (layer) == wait->expected;
}

static void
iterate_for (guint ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

static void
expect (BdWindow *window,
        guint     n)
{
  Wait wait = { window, n };
  GListModel *list = _bd_window_get_report_list (window);

  g_assert_true (iterate_until (layer_draws, &wait, TIMEOUT_MS));
  /* settled: the points as of then are in, no load pending */
  iterate_for (600);
  g_assert_true (layer_draws (&wait));
  wait_list (BD_REPORT_LIST (list));
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, n);
}

/* Runs what the bar's Space binding does (its class shortcut). */
static gboolean
press_space (BdTimeBar *bar)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (bar));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);
          g_autofree char *text = gtk_shortcut_trigger_to_string (trigger);

          if (g_str_equal (text, "space"))
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0,
                                                 GTK_WIDGET (bar), gtk_shortcut_get_arguments (shortcut));
        }
    }
  return FALSE;
}

static void
scenario (BdWindow *window)
{
  BdTimeBar *bar = BD_TIME_BAR (_bd_window_get_time_bar (window));
  BdReportLayer *layer = _bd_window_get_report_layer (window);
  GListModel *list = _bd_window_get_report_list (window);
  ShumateMap *map = _bd_window_get_map (window);
  GtkWidget *scale = NULL;
  gint64 start, end;

  g_assert_nonnull (bar);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  if (!iterate_until (widget_is_mapped, bar, 3000))
    _bd_window_show_map_page (window, FALSE);
  g_assert_true (iterate_until (widget_is_mapped, bar, TIMEOUT_MS));
  shumate_viewport_set_zoom_level (shumate_map_get_viewport (map), 10);
  shumate_map_center_on (map, BD_CITY_CENTER_LAT, BD_CITY_CENTER_LON);

  /* live to begin with: every report of now */
  g_assert_true (bd_time_bar_get_live (bar));
  g_assert_cmpstr (bd_time_bar_get_text (bar), ==, "Live");
  expect (window, 4);

  /* the span: the first report observed (rounded to its hour) to now */
  bd_time_bar_get_range (bar, &start, &end);
  /* (the slider spans 60 days at most: a run long after the case's day
   * sees only its end) */
  if (g_get_real_time () / G_USEC_PER_SEC - 59 * 24 * 3600 < at ("08:00"))
    g_assert_cmpint (start, ==, at ("08:00"));
  g_assert_cmpint (end, >=, g_get_real_time () / G_USEC_PER_SEC - 60);

  for (guint i = 0; i + 1 < G_N_ELEMENTS (steps); i++)
    {
      if (steps[i].hhmm == NULL || at (steps[i].hhmm) < start)
        continue;
      g_test_message ("time bar at %s", steps[i].hhmm);
      bd_time_bar_set_as_of (bar, at (steps[i].hhmm));
      g_assert_false (bd_time_bar_get_live (bar));
      g_assert_cmpint (bd_report_layer_get_as_of (layer), ==, at (steps[i].hhmm));
      g_assert_cmpint (bd_report_list_get_as_of (BD_REPORT_LIST (list)), ==, at (steps[i].hhmm));
      expect (window, steps[i].n);
    }
  g_assert_true (g_str_has_prefix (bd_time_bar_get_text (bar), "As of "));

  /* the slider, as the user moves it (its adjustment): 10:10 */
  for (GtkWidget *w = gtk_widget_get_first_child (GTK_WIDGET (bar)); w != NULL && scale == NULL;
       w = gtk_widget_get_first_child (w))
    for (GtkWidget *c = w; c != NULL; c = gtk_widget_get_next_sibling (c))
      if (GTK_IS_SCALE (c))
        scale = c;
  g_assert_nonnull (scale);
  g_assert_true (gtk_widget_get_focusable (scale));
  g_assert_cmpfloat (gtk_adjustment_get_step_increment (gtk_range_get_adjustment (GTK_RANGE (scale))),
                     ==, 3600.0);
  gtk_range_set_value (GTK_RANGE (scale), (double) at ("10:10"));
  g_assert_cmpint (bd_time_bar_get_as_of (bar), ==, at ("10:10"));
  expect (window, 4);

  /* playback: half a second at 1 h/s is half an hour */
  g_assert_cmpint (bd_time_bar_get_speed (bar), ==, 3600);
  bd_time_bar_set_playing (bar, TRUE);
  g_assert_true (bd_time_bar_get_playing (bar));
  bd_time_bar_set_playing (bar, FALSE);
  bd_time_bar_set_as_of (bar, at ("10:10"));
  _bd_time_bar_step (bar, 0.5);
  g_assert_cmpint (bd_time_bar_get_as_of (bar), ==, at ("10:40"));
  expect (window, 5);

  /* the keys: an arrow moves the slider an hour (GtkRange's binding),
   * Space plays and pauses (the bar's binding) */
  g_signal_emit_by_name (scale, "move-slider", GTK_SCROLL_STEP_RIGHT);
  g_assert_cmpint (bd_time_bar_get_as_of (bar), ==, at ("11:40"));
  g_signal_emit_by_name (scale, "move-slider", GTK_SCROLL_STEP_LEFT);
  g_assert_cmpint (bd_time_bar_get_as_of (bar), ==, at ("10:40"));
  g_assert_true (press_space (bar));
  g_assert_true (bd_time_bar_get_playing (bar));
  g_assert_true (press_space (bar));
  g_assert_false (bd_time_bar_get_playing (bar));
  g_assert_cmpint (bd_time_bar_get_as_of (bar), >=, at ("10:40"));

  /* Now: live again */
  bd_time_bar_set_as_of (bar, G_MAXINT64);
  g_assert_true (bd_time_bar_get_live (bar));
  g_assert_cmpint (bd_report_layer_get_as_of (layer), ==, G_MAXINT64);
  expect (window, 4);

}

static void
on_activate_cb (GApplication *app,
                gpointer      user_data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  gpointer pointer = window;

  g_assert_true (BD_IS_WINDOW (window));
  g_assert_true (iterate_until (widget_is_mapped, window, TIMEOUT_MS));
  scenario (BD_WINDOW (window));
  *(gboolean *) user_data = TRUE;

  g_object_add_weak_pointer (G_OBJECT (window), &pointer);
  gtk_window_destroy (window);
  g_assert_true (iterate_until (pointer_is_null, &pointer, TIMEOUT_MS));
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        return child;
      if ((found = find_descendant (child, type)) != NULL)
        return found;
    }
  return NULL;
}

static gboolean
bar_is_width (gpointer data)
{
  GtkWidget *bar = data;

  return gtk_widget_get_width (bar) == GPOINTER_TO_INT (g_object_get_data (G_OBJECT (bar),
                                                                          "want-width"));
}

/* On a phone-wide map the bar's controls go on two rows instead of being
 * cut off; wide, they share one. */
static void
test_narrow_bar (void)
{
  const int widths[] = { 340, 900 };

  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    {
      GtkWindow *window = GTK_WINDOW (gtk_window_new ());
      GtkWidget *bar = GTK_WIDGET (bd_time_bar_new ());
      GtkWidget *scale, *speed;
      graphene_rect_t scale_bounds, speed_bounds;
      gpointer pointer = window;

      gtk_window_set_default_size (window, widths[i], 200);
      gtk_widget_set_valign (bar, GTK_ALIGN_END);
      gtk_window_set_child (window, bar);
      g_object_set_data (G_OBJECT (bar), "want-width", GINT_TO_POINTER (widths[i]));
      gtk_window_present (window);
      g_assert_true (iterate_until (widget_is_mapped, bar, TIMEOUT_MS));
      g_assert_true (iterate_until (bar_is_width, bar, TIMEOUT_MS));

      scale = find_descendant (bar, GTK_TYPE_SCALE);
      speed = find_descendant (bar, GTK_TYPE_DROP_DOWN);
      g_assert_nonnull (scale);
      g_assert_nonnull (speed);
      g_assert_true (gtk_widget_compute_bounds (scale, bar, &scale_bounds));
      g_assert_true (gtk_widget_compute_bounds (speed, bar, &speed_bounds));
      /* nothing past the bar's right edge */
      g_assert_cmpfloat (speed_bounds.origin.x + speed_bounds.size.width, <=, widths[i]);
      g_assert_cmpfloat (scale_bounds.size.width, >=, 100);
      if (widths[i] < 400)
        g_assert_cmpfloat (speed_bounds.origin.y, >=,
                           scale_bounds.origin.y + scale_bounds.size.height);
      else
        g_assert_cmpfloat (speed_bounds.origin.x, >=,
                           scale_bounds.origin.x + scale_bounds.size.width);

      g_object_add_weak_pointer (G_OBJECT (window), &pointer);
      gtk_window_destroy (window);
      g_assert_true (iterate_until (pointer_is_null, &pointer, TIMEOUT_MS));
    }
}

static void
test_window_time_bar (void)
{
  g_autofree char *db = g_build_filename (tmp_dir, "window.sqlite", NULL);
  const char *args[] = { "bosai-desk", "--database", db, NULL };
  gboolean ran = FALSE;
  BdApplication *app;

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(BdStore) store = bd_store_open (db, &error);

    g_assert_no_error (error);
    fill_case (store);
  }

  app = bd_application_new ();
  g_signal_connect_after (app, "activate", G_CALLBACK (on_activate_cb), &ran);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), G_N_ELEMENTS (args) - 1,
                                      (char **) args), ==, 0);
  g_assert_true (ran);
  g_assert_finalize_object (app);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *cache = NULL;
  g_autofree char *config = NULL;
  int status;

  tmp_dir = g_dir_make_tmp ("bd-test-time-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);
  cache = g_build_filename (tmp_dir, "cache", NULL);
  config = g_build_filename (tmp_dir, "config", NULL);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/bd/time/list-as-of", test_list_as_of);
  g_test_add_func ("/bd/time/window-time-bar", test_window_time_bar);
  g_test_add_func ("/bd/time/narrow-bar", test_narrow_bar);
  status = g_test_run ();

  remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
