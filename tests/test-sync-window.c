/* test-sync-window.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sync engine's face in the real application and window, under Xvfb,
 * against a real bosai-central on loopback (tests/sync/sync-harness.c): the
 * header bar's status, "sync now", the preferences and the token in the
 * keyring. Run by meson twice: under tests/with-keyring.sh (a private
 * gnome-keyring), and with BD_TEST_KEYRING=none and a session bus address
 * that leads nowhere (no Secret Service: the token stays in memory).
 */

#define G_LOG_DOMAIN "test-sync-window"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "bd-application.h"
#include "bd-catalog.h"
#include "bd-preferences-private.h"
#include "bd-report-editor-private.h"
#include "bd-report-row.h"
#include "bd-secret.h"
#include "bd-store.h"
#include "bd-store-sync.h"
#include "bd-sync-indicator-private.h"
#include "bd-window-private.h"
#include "sync-harness.h"
#include "ui-util.h"

#define SCHEMA_ID "io.github.bosai_desk.BosaiDesk"
#define TIMEOUT_MS 30000

static char *tmp_dir;
static char *tiles_dir;

/* A macro, so that a failure names the line that waited. */
#define wait_until(condition, data) g_assert_true (iterate_until ((condition), (data), TIMEOUT_MS))

/* The real application with @args; @scenario runs inside "activate" once
 * the window is mapped, and must close the window. */
typedef void (*Scenario) (BdApplication *app,
                          BdWindow      *window,
                          gpointer       data);

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
  wait_until (widget_is_mapped, window);

  run->scenario (BD_APPLICATION (app), BD_WINDOW (window), run->data);
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
  g_ptr_array_add (argv, (gpointer)"--offline-map");
  g_ptr_array_add (argv, tiles_dir);
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

static void
close_window (GtkWindow *window)
{
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *)&window);
  gtk_window_close (window);
  wait_until (pointer_is_null, &window);
}

/* Settings shared by every run in this process (the memory backend): a
 * long interval, so that only "sync now" syncs after the first run. */
static void
reset_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);

  g_settings_reset (settings, "server-url");
  g_settings_reset (settings, "ca-file");
  g_settings_set_uint (settings, "sync-interval", 3600);
}

/* A loopback port where nothing listens. */
static guint
closed_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  guint port;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, any, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);

  return port;
}

static char *
make_db_path (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

/* Conditions on the header bar's indicator */

typedef struct
{
  BdSyncIndicator *indicator;
  BdSyncState      state;
  gint64           pending;
} IndicatorWait;

static gboolean
indicator_shows (gpointer data)
{
  IndicatorWait *wait = data;

  return bd_sync_indicator_get_state (wait->indicator) == wait->state &&
         bd_sync_indicator_get_pending (wait->indicator) == wait->pending;
}

static gboolean
sync_has_error (gpointer data)
{
  BdSync *sync = bd_application_get_sync (data);

  return sync != NULL && bd_sync_get_state (sync) == BD_SYNC_STATE_OFFLINE &&
         bd_sync_get_last_error (sync) != NULL;
}

static gboolean
app_has_sync (gpointer data)
{
  return bd_application_get_sync (data) != NULL;
}

static gboolean
token_store_settled (gpointer data)
{
  BdTokenStore store = bd_application_get_token_store (data);

  return store == BD_TOKEN_STORE_KEYRING || store == BD_TOKEN_STORE_SESSION;
}

static void
assert_label (GtkLabel   *label,
              const char *text)
{
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (label)));
  g_assert_cmpstr (gtk_label_get_text (label), ==, text);
}

/* Opens the indicator's popover, then closes it. */
static void
open_popover (BdSyncIndicator *indicator)
{
  GtkPopover *popover = _bd_sync_indicator_get_popover (indicator);

  gtk_popover_popup (popover);
  wait_until (widget_is_mapped, popover);
}

/* /bd/sync-window/offline: the server's port is closed */

static void
offline_scenario (BdApplication *app,
                  BdWindow      *window,
                  gpointer       user_data)
{
  BdSyncIndicator *indicator = _bd_window_get_sync_indicator (window);
  GtkLabel *error_label = _bd_sync_indicator_get_error_label (indicator);
  GAction *sync_now;
  IndicatorWait offline = { indicator, BD_SYNC_STATE_OFFLINE, 0 };

  g_assert_nonnull (bd_application_get_sync (app));
  g_assert_cmpint (bd_application_get_token_store (app), ==, BD_TOKEN_STORE_SESSION);
  wait_until (sync_has_error, app);
  wait_until (indicator_shows, &offline);

  assert_label (_bd_sync_indicator_get_state_label (indicator), "Offline");
  assert_label (_bd_sync_indicator_get_pending_label (indicator), "0 waiting");
  g_assert_true (g_str_has_prefix (bd_sync_indicator_get_summary (indicator), "Sync status: Offline"));

  open_popover (indicator);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (error_label), "Last error: cannot reach the server"));
  g_assert_cmpstr (gtk_label_get_text (_bd_sync_indicator_get_server_label (indicator)), ==,
                   bd_application_get_server_url (app));
  gtk_popover_popdown (_bd_sync_indicator_get_popover (indicator));

  /* Sync now is there, and tries again (still offline). */
  sync_now = g_action_map_lookup_action (G_ACTION_MAP (app), "sync-now");
  g_assert_nonnull (sync_now);
  g_assert_true (g_action_get_enabled (sync_now));
  {
    g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                                   "app.sync-now");

    g_assert_true (g_strv_contains ((const char * const *)accels, "<Control>r"));
    g_assert_true (g_strv_contains ((const char * const *)accels, "F5"));
  }
  g_action_activate (sync_now, NULL);
  wait_until (sync_has_error, app);
  wait_until (indicator_shows, &offline);

  /* A change the server refused is listed with the reason, by title. */
  {
    BdStore *store = _bd_window_get_store (window);
    IndicatorWait refused = { indicator, BD_SYNC_STATE_OFFLINE, 1 };
    g_autoptr(BdReport) report = bd_report_new ();
    g_autoptr(GPtrArray) outbox = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *text = NULL;

    bd_report_set_title (report, "天満橋で倒木");
    bd_report_set_category (report, "road");
    bd_report_set_location (report, 34.6915, 135.5195);
    bd_report_set_ward (report, "271276");
    g_assert_true (bd_store_save_report (store, report, "test", &error));
    g_assert_no_error (error);
    outbox = bd_store_list_outbox_head (store, 10, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (outbox->len, ==, 1);
    g_assert_null (((BdOutboxEntry *) g_ptr_array_index (outbox, 0))->payload);
    g_assert_true (bd_store_set_outbox_error (store, ((BdOutboxEntry *) g_ptr_array_index (outbox, 0))->seq,
                                              "severity is required", &error));
    g_assert_no_error (error);
    wait_until (indicator_shows, &refused);

    open_popover (indicator);
    text = _bd_sync_indicator_dup_waiting_text (indicator, 0);
    g_assert_cmpstr (text, ==, "天満橋で倒木, New report, Refused by the server: severity is required");
    g_assert_null (_bd_sync_indicator_dup_waiting_text (indicator, 1));
    gtk_popover_popdown (_bd_sync_indicator_get_popover (indicator));
  }

  close_window (GTK_WINDOW (window));
}

static void
test_offline (void)
{
  g_autofree char *db = make_db_path ("offline.sqlite");
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", closed_port ());
  const char *args[] = { "--database", db, "--server", url, "--token", "no-such-token", NULL };

  reset_settings ();
  g_assert_cmpint (run_app (args, offline_scenario, NULL), ==, 0);
}

/* /bd/sync-window/push: online against a real server; a report saved in
 * the window waits (1 waiting), then reaches the server on "sync now". */

typedef struct
{
  Server *server;
  GArray *pending_seen;   /* gint64, every value the indicator showed */
  char   *id;
} PushData;

static void
on_pending_changed_cb (BdSyncIndicator *indicator,
                       GParamSpec      *pspec,
                       PushData        *data)
{
  gint64 pending = bd_sync_indicator_get_pending (indicator);

  g_array_append_val (data->pending_seen, pending);
}

static char *
create_report_via_editor (BdWindow   *window,
                          double      latitude,
                          double      longitude,
                          const char *title)
{
  BdReportEditor *editor = _bd_window_get_editor (window);
  BdReport *working;
  char *id;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new-report-at", "(dd)", latitude, longitude);
  g_assert_true (bd_window_get_editing (window));
  working = bd_report_editor_get_report (editor);
  g_assert_nonnull (working);

  gtk_editable_set_text (GTK_EDITABLE (bd_report_editor_get_title_row (editor)), title);
  adw_combo_row_set_selected (_bd_report_editor_get_category_row (editor),
                              (guint)bd_catalog_category_index ("road"));
  g_assert_true (bd_report_editor_get_valid (editor));
  id = g_strdup (bd_report_get_id (working));
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL);
  g_assert_false (bd_window_get_editing (window));

  return id;
}

static gboolean
indicator_has_conflict (gpointer data)
{
  return bd_sync_indicator_get_conflicts (data) == 1 &&
         bd_sync_indicator_get_state (data) != BD_SYNC_STATE_SYNCING;
}

static void
push_scenario (BdApplication *app,
               BdWindow      *window,
               gpointer       user_data)
{
  PushData *data = user_data;
  BdStore *store = _bd_window_get_store (window);
  BdSyncIndicator *indicator = _bd_window_get_sync_indicator (window);
  IndicatorWait online = { indicator, BD_SYNC_STATE_ONLINE, 0 };
  IndicatorWait waiting = { indicator, BD_SYNC_STATE_ONLINE, 1 };
  Client *check;
  g_autoptr(GError) error = NULL;
  g_autoptr(BdReport) on_server = NULL;
  GtkWidget *row = NULL;
  gulong handler;

  wait_until (indicator_shows, &online);
  assert_label (_bd_sync_indicator_get_state_label (indicator), "Online");
  assert_label (_bd_sync_indicator_get_pending_label (indicator), "0 waiting");
  g_assert_null (bd_sync_get_last_error (bd_application_get_sync (app)));

  open_popover (indicator);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (_bd_sync_indicator_get_error_label (indicator))));
  gtk_popover_popdown (_bd_sync_indicator_get_popover (indicator));

  handler = g_signal_connect (indicator, "notify::pending", G_CALLBACK (on_pending_changed_cb), data);

  /* Nothing waits: the popover lists nothing. */
  open_popover (indicator);
  g_assert_null (gtk_widget_get_first_child (GTK_WIDGET (_bd_sync_indicator_get_waiting_list (indicator))));
  gtk_popover_popdown (_bd_sync_indicator_get_popover (indicator));

  data->id = create_report_via_editor (window, 34.7040, 135.5040, "扇町の交差点が冠水");
  wait_until (indicator_shows, &waiting);
  assert_label (_bd_sync_indicator_get_pending_label (indicator), "1 waiting");
  g_assert_cmpstr (bd_sync_indicator_get_summary (indicator), ==,
                   "Sync status: Online, 1 change waiting to be sent");

  /* The waiting change is listed in the popover: title and operation. */
  open_popover (indicator);
  {
    g_autofree char *text = _bd_sync_indicator_dup_waiting_text (indicator, 0);

    g_assert_cmpstr (text, ==, "扇町の交差点が冠水, New report");
    g_assert_null (_bd_sync_indicator_dup_waiting_text (indicator, 1));
  }
  gtk_popover_popdown (_bd_sync_indicator_get_popover (indicator));

  /* A list row of it says "Not sent" until it is sent. */
  row = g_object_ref_sink (bd_report_row_new ());
  bd_report_row_set_store (BD_REPORT_ROW (row), store);
  {
    g_autoptr(BdReport) saved = bd_store_get_report (store, data->id, &error);

    g_assert_no_error (error);
    bd_report_row_set_report (BD_REPORT_ROW (row), saved);
  }
  g_assert_true (bd_report_row_get_not_sent (BD_REPORT_ROW (row)));

  /* The interval is an hour: only "sync now" sends it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "app.sync-now", NULL));
  wait_until (indicator_shows, &online);
  assert_label (_bd_sync_indicator_get_pending_label (indicator), "0 waiting");
  g_signal_handler_disconnect (indicator, handler);
  /* Sent: the row's mark goes (the store says the report changed). */
  g_assert_false (bd_report_row_get_not_sent (BD_REPORT_ROW (row)));
  g_clear_object (&row);

  /* Deleted, then undone from the toast before it was sent: nothing waits
   * (the deletion is taken back, not followed by a restore). */
  {
    IndicatorWait deleted = { indicator, BD_SYNC_STATE_ONLINE, 1 };
    g_autofree char *text = NULL;

    g_assert_true (bd_store_delete_report (store, data->id, "test", &error));
    g_assert_no_error (error);
    wait_until (indicator_shows, &deleted);
    open_popover (indicator);
    text = _bd_sync_indicator_dup_waiting_text (indicator, 0);
    g_assert_cmpstr (text, ==, "扇町の交差点が冠水, Deletion");
    gtk_popover_popdown (_bd_sync_indicator_get_popover (indicator));

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo-delete", "s", data->id));
    wait_until (indicator_shows, &online);
    g_assert_cmpint (bd_store_count_outbox (store), ==, 0);
  }

  /* Up, then down. */
  g_assert_cmpuint (data->pending_seen->len, ==, 2);
  g_assert_cmpint (g_array_index (data->pending_seen, gint64, 0), ==, 1);
  g_assert_cmpint (g_array_index (data->pending_seen, gint64, 1), ==, 0);

  /* Another client finds it on the server. */
  check = client_new ("check.sqlite");
  bd_sync_set_server_url (check->sync, data->server->base);
  bd_sync_set_token (check->sync, data->server->token);
  g_assert_null (client_sync (check));
  on_server = bd_store_get_report (check->store, data->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bd_report_get_title (on_server), ==, "扇町の交差点が冠水");
  g_assert_cmpint (bd_report_get_rev (on_server), >, 0);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (_bd_sync_indicator_get_conflicts_label (indicator))));

  /* The same title changed on the server and here: a conflict to settle. */
  bd_report_set_title (on_server, "扇町の交差点が冠水（サーバー）");
  g_assert_true (bd_store_save_report (check->store, on_server, "test", &error));
  g_assert_no_error (error);
  g_assert_null (client_sync (check));
  {
    g_autoptr(BdReport) local = bd_store_get_report (store, data->id, &error);

    g_assert_no_error (error);
    bd_report_set_title (local, "扇町の交差点が冠水（ここ）");
    g_assert_true (bd_store_save_report (store, local, "test", &error));
    g_assert_no_error (error);
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "app.sync-now", NULL));
  wait_until (indicator_has_conflict, indicator);
  assert_label (_bd_sync_indicator_get_conflicts_label (indicator), "1 conflict");
  g_assert_nonnull (strstr (bd_sync_indicator_get_summary (indicator), "1 conflict to settle"));
  g_assert_cmpint (bd_sync_get_conflicts (bd_application_get_sync (app)), ==, 1);
  client_free (check);

  close_window (GTK_WINDOW (window));
}

static void
test_push (void)
{
  g_autofree char *db = make_db_path ("push.sqlite");
  PushData data = { NULL, g_array_new (FALSE, FALSE, sizeof (gint64)), NULL };
  const char *args[] = { "--database", db, "--server", NULL, NULL };

  reset_settings ();
  data.server = server_new ();
  server_start (data.server);
  args[3] = data.server->base;
  /* The token from the environment, as `make run` passes it. */
  g_setenv ("BOSAI_TOKEN", data.server->token, TRUE);

  g_assert_cmpint (run_app (args, push_scenario, &data), ==, 0);

  g_unsetenv ("BOSAI_TOKEN");
  server_free (data.server);
  g_array_unref (data.pending_seen);
  g_free (data.id);
}

/* /bd/sync-window/preferences: set up sync in the preferences window; the
 * token goes to the keyring (or, with no keyring, stays in memory with a
 * toast saying so), the address to GSettings. */

typedef struct
{
  Server   *server;
  gboolean  keyring;
} PrefsData;

static BdPreferencesWindow *
find_preferences (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint n_items = g_list_model_get_n_items (toplevels);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (BD_IS_PREFERENCES_WINDOW (window))
        return BD_PREFERENCES_WINDOW (window);
    }

  return NULL;
}

static gboolean
preferences_has_toast (gpointer data)
{
  return _bd_preferences_window_get_last_toast (data) != NULL;
}

static void
set_row (AdwEntryRow *row,
         const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static void
preferences_scenario (BdApplication *app,
                      BdWindow      *window,
                      gpointer       user_data)
{
  PrefsData *data = user_data;
  BdSyncIndicator *indicator = _bd_window_get_sync_indicator (window);
  IndicatorWait online = { indicator, BD_SYNC_STATE_ONLINE, 0 };
  BdPreferencesWindow *prefs;
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  g_autoptr(GSettingsSchema) schema = NULL;
  /* The harness's base URL ends in '/'; the saved one does not. */
  g_autofree char *with_slash = g_strdup (data->server->base);
  g_autofree char *expected_url = g_strndup (with_slash, strlen (with_slash) - 1);
  g_autofree char *saved_url = NULL;
  g_auto(GStrv) keys = NULL;
  AdwToast *toast;

  g_assert_true (g_str_has_suffix (with_slash, "/"));

  /* No server yet: "not set up" (not "offline", which reads as a network
   * fault), sync now disabled, the popover says why. */
  g_assert_null (bd_application_get_sync (app));
  g_assert_null (bd_sync_indicator_get_sync (indicator));
  assert_label (_bd_sync_indicator_get_state_label (indicator), "Not Set Up");
  g_assert_true (g_str_has_prefix (bd_sync_indicator_get_summary (indicator),
                                   "Sync status: Not Set Up, "));
  g_assert_false (g_action_get_enabled (g_action_map_lookup_action (G_ACTION_MAP (app), "sync-now")));
  {
    g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                                   "app.preferences");

    g_assert_true (g_strv_contains ((const char * const *)accels, "<Control>comma"));
  }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "app.preferences", NULL));
  prefs = find_preferences ();
  g_assert_nonnull (prefs);
  wait_until (widget_is_mapped, prefs);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (_bd_preferences_window_get_server_row (prefs))), ==, "");
  g_assert_true (ADW_IS_PASSWORD_ENTRY_ROW (_bd_preferences_window_get_token_row (prefs)));

  /* Refused: not http(s); no token; a CA file that is not there. */
  set_row (_bd_preferences_window_get_server_row (prefs), "ftp://127.0.0.1/");
  g_assert_false (bd_preferences_window_apply (prefs));
  g_assert_nonnull (bd_preferences_window_get_error (prefs));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (_bd_preferences_window_get_server_row (prefs)), "error"));
  g_assert_null (bd_application_get_sync (app));

  set_row (_bd_preferences_window_get_server_row (prefs), with_slash);
  g_assert_false (bd_preferences_window_apply (prefs));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (_bd_preferences_window_get_token_row (prefs)), "error"));

  set_row (_bd_preferences_window_get_token_row (prefs), data->server->token);
  set_row (_bd_preferences_window_get_ca_row (prefs), "/nonexistent/ca.pem");
  g_assert_false (bd_preferences_window_apply (prefs));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (_bd_preferences_window_get_ca_row (prefs)), "error"));
  g_assert_null (bd_application_get_sync (app));

  /* Accepted. */
  set_row (_bd_preferences_window_get_ca_row (prefs), "");
  g_assert_true (bd_preferences_window_apply (prefs));
  g_assert_null (bd_preferences_window_get_error (prefs));
  g_assert_nonnull (bd_application_get_sync (app));
  g_assert_cmpstr (bd_application_get_server_url (app), ==, expected_url);
  g_assert_cmpstr (bd_application_get_token (app), ==, data->server->token);
  wait_until (indicator_shows, &online);
  assert_label (_bd_sync_indicator_get_state_label (indicator), "Online");
  g_assert_true (g_action_get_enabled (g_action_map_lookup_action (G_ACTION_MAP (app), "sync-now")));

  wait_until (token_store_settled, app);
  wait_until (preferences_has_toast, prefs);
  toast = _bd_preferences_window_get_last_toast (prefs);
  g_test_message ("toast: %s", adw_toast_get_title (toast));
  if (data->keyring)
    {
      g_assert_cmpint (bd_application_get_token_store (app), ==, BD_TOKEN_STORE_KEYRING);
      g_assert_true (g_str_has_prefix (adw_toast_get_title (toast), "Saved."));
    }
  else
    {
      g_assert_cmpint (bd_application_get_token_store (app), ==, BD_TOKEN_STORE_SESSION);
      g_assert_true (g_str_has_prefix (adw_toast_get_title (toast), "The keyring is not available"));
      g_assert_cmpint (adw_toast_get_timeout (toast), ==, 0);
    }

  /* The address (normalized) is in GSettings; the token in no key. */
  saved_url = g_settings_get_string (settings, "server-url");
  g_assert_cmpstr (saved_url, ==, expected_url);
  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr(GVariant) value = g_settings_get_value (settings, keys[i]);
      g_autofree char *printed = g_variant_print (value, FALSE);

      g_assert_null (strstr (printed, data->server->token));
    }

  gtk_window_close (GTK_WINDOW (prefs));
  close_window (GTK_WINDOW (window));
}

/* The second run finds the address in GSettings and the token in the keyring. */
static void
restart_scenario (BdApplication *app,
                  BdWindow      *window,
                  gpointer       user_data)
{
  PrefsData *data = user_data;
  BdSyncIndicator *indicator = _bd_window_get_sync_indicator (window);
  IndicatorWait online = { indicator, BD_SYNC_STATE_ONLINE, 0 };

  wait_until (app_has_sync, app);
  g_assert_cmpint (bd_application_get_token_store (app), ==, BD_TOKEN_STORE_KEYRING);
  g_assert_cmpstr (bd_application_get_token (app), ==, data->server->token);
  wait_until (indicator_shows, &online);

  close_window (GTK_WINDOW (window));
}

static void
test_preferences (void)
{
  g_autofree char *db = make_db_path ("prefs.sqlite");
  const char *args[] = { "--database", db, NULL };
  PrefsData data = { NULL, g_strcmp0 (g_getenv ("BD_TEST_KEYRING"), "none") != 0 };

  reset_settings ();
  data.server = server_new ();
  server_start (data.server);

  g_assert_cmpint (run_app (args, preferences_scenario, &data), ==, 0);
  if (data.keyring)
    g_assert_cmpint (run_app (args, restart_scenario, &data), ==, 0);

  reset_settings ();
  server_free (data.server);
}

/* /bd/sync-window/bad-options */

static G_NORETURN void
exit_subprocess (int status)
{
  remove_tree (tmp_dir);
  exit (status);
}

static void
test_bad_options (void)
{
  if (g_test_subprocess ())
    {
      const char *variant = g_getenv ("BD_TEST_VARIANT");
      g_autofree char *db = make_db_path ("bad.sqlite");
      const char *no_server[] = { "--database", db, "--token", "x", NULL };
      const char *bad_url[] = { "--database", db, "--server", "ftp://127.0.0.1/", NULL };
      const char *bad_ca[] = { "--database", db, "--server", "http://127.0.0.1:9",
                               "--token", "x", "--ca-file", "/nonexistent/ca.pem", NULL };
      const char * const *args = g_str_equal (variant, "no-server") ? no_server
                                 : g_str_equal (variant, "bad-url") ? bad_url
                                 : bad_ca;

      exit_subprocess (run_app (args, NULL, NULL));
    }

  g_setenv ("BD_TEST_VARIANT", "no-server", TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDIN);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*--token and --ca-file need --server URL*");

  g_setenv ("BD_TEST_VARIANT", "bad-url", TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDIN);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*--server needs a server address: *https:// or http://*");

  g_setenv ("BD_TEST_VARIANT", "bad-ca", TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDIN);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*cannot read the certificate *nonexistent/ca.pem*");
  g_unsetenv ("BD_TEST_VARIANT");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *cache = NULL;
  g_autofree char *data = NULL;
  g_autofree char *config = NULL;
  int status;

  tmp_dir = g_dir_make_tmp ("bd-test-sync-window-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);
  cache = g_build_filename (tmp_dir, "cache", NULL);
  data = g_build_filename (tmp_dir, "data", NULL);
  config = g_build_filename (tmp_dir, "config", NULL);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_unsetenv ("BOSAI_TOKEN");

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  tiles_dir = g_build_filename (tmp_dir, "tiles", NULL);
  if (!g_test_subprocess ())
    write_city_tiles (tiles_dir, 12);

  if (g_strcmp0 (g_getenv ("BD_TEST_KEYRING"), "none") == 0)
    {
      g_test_add_func ("/bd/sync-window/preferences-no-keyring", test_preferences);
    }
  else
    {
      g_test_add_func ("/bd/sync-window/offline", test_offline);
      g_test_add_func ("/bd/sync-window/push", test_push);
      g_test_add_func ("/bd/sync-window/preferences", test_preferences);
      g_test_add_func ("/bd/sync-window/bad-options", test_bad_options);
    }

  status = g_test_run ();

  remove_tree (tmp_dir);
  g_free (tiles_dir);
  g_free (tmp_dir);

  return status;
}
