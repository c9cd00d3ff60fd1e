/* bd-application.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-application"

#include "config.h"

#include "bd-application.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <glib/gstdio.h>

#include "bd-cli-io.h"
#include "bd-cli-sync.h"
#include "bd-cli-map.h"
#include "bd-cli-tally.h"
#include "bd-demo.h"
#include "bd-notifier.h"
#include "bd-preferences.h"
#include "bd-secret.h"
#include "bd-window.h"

#define SCHEMA_ID "io.github.bosai_desk.BosaiDesk"
/* How long shutdown waits for a cancelled sync run or keyring call to end. */
#define SHUTDOWN_WAIT_MS 3000

struct _BdApplication
{
  AdwApplication  parent_instance;

  char           *database_path;
  char           *offline_map;
  BdStore        *store;
  GSettings      *settings;

  /* sync: the settings in use, and the engine */
  BdSync         *sync;
  char           *server_url;
  char           *token;
  char           *ca_file;
  BdTokenStore    token_store;
  guint           config_serial;      /* bumped by every new configuration */
  gboolean        sync_set_up;        /* the first configuration was looked for */
  guint           n_keyring_calls;
  GCancellable   *cancellable;        /* keyring calls */
  /* from the command line, for this session only */
  char           *cli_server;
  char           *cli_token;
  char           *cli_ca_file;

  BdPreferencesWindow *preferences;   /* weak */

  /* desktop notifications of what the sync brings */
  BdNotifier     *notifier;
  BdSync         *watched_sync;
  gulong          sync_state_id;
};

G_DEFINE_FINAL_TYPE (BdApplication, bd_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_DATABASE_PATH,
  PROP_OFFLINE_MAP,
  PROP_STORE,
  PROP_SYNC,
  PROP_TOKEN_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const GOptionEntry option_entries[] = {
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Print the version and exit"), NULL },
  { "database", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Open the report database at PATH"), N_("PATH") },
  { "demo-data", 0, 0, G_OPTION_ARG_INT, NULL,
    N_("Fill the database with N demonstration reports"), N_("N") },
  { "offline-map", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Use the MBTiles file or tile folder at PATH as the offline base map"), N_("PATH") },
  { "quit-after-setup", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Open the database, add demonstration data, then exit without a window"), NULL },
  { NULL }
};

static gboolean
set_string (char       **dest,
            const char  *value)
{
  if (g_strcmp0 (*dest, value) == 0)
    return FALSE;

  g_free (*dest);
  *dest = g_strdup (value);
  return TRUE;
}

static GSettings *
get_settings (BdApplication *self)
{
  if (self->settings == NULL)
    self->settings = g_settings_new (SCHEMA_ID);

  return self->settings;
}

GSettings *
bd_application_get_settings (BdApplication *self)
{
  g_return_val_if_fail (BD_IS_APPLICATION (self), NULL);

  return get_settings (self);
}

static gboolean
is_set (const char *text)
{
  return text != NULL && text[0] != '\0';
}

static char *
dup_offline_map (BdApplication *self)
{
  g_autofree char *path = NULL;

  if (self->offline_map != NULL && self->offline_map[0] != '\0')
    return g_strdup (self->offline_map);

  path = g_settings_get_string (get_settings (self), "offline-map");
  if (path[0] == '\0')
    return NULL;

  return g_steal_pointer (&path);
}

static void
on_error_dialog_response_cb (AdwMessageDialog *dialog,
                             const char       *response,
                             gpointer          user_data)
{
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
show_store_error (BdApplication *self,
                  const GError  *error)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *dialog;
  g_autofree char *body = NULL;

  body = g_strdup_printf (_("The report database “%s” could not be opened: %s"),
                          bd_application_get_database_path (self),
                          error->message);
  dialog = adw_message_dialog_new (parent, _("Cannot Open Reports"), body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_set_application (GTK_WINDOW (dialog), GTK_APPLICATION (self));
  g_signal_connect (dialog, "response", G_CALLBACK (on_error_dialog_response_cb), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Sync */

static BdWindow *
find_main_window (BdApplication *self)
{
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (BD_IS_WINDOW (active))
    return BD_WINDOW (active);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (BD_IS_WINDOW (l->data))
      return BD_WINDOW (l->data);

  return NULL;
}

/* Shows @message in @preferred if it is an open preferences window, else
 * in the main window. Persistent toasts stay until dismissed. */
static void
show_toast (BdApplication *self,
            GtkWindow     *preferred,
            const char    *message,
            gboolean       persistent)
{
  BdWindow *window;

  if (BD_IS_PREFERENCES_WINDOW (preferred) && gtk_widget_get_visible (GTK_WIDGET (preferred)))
    {
      AdwToast *toast = adw_toast_new (message);

      if (persistent)
        adw_toast_set_timeout (toast, 0);
      bd_preferences_window_add_toast (BD_PREFERENCES_WINDOW (preferred), toast);
      return;
    }

  window = find_main_window (self);
  if (window != NULL)
    bd_window_add_toast (window, message, NULL, NULL, NULL);
  else
    g_message ("%s", message);
}

static void
set_token_store (BdApplication *self,
                 BdTokenStore   token_store)
{
  if (self->token_store == token_store)
    return;

  self->token_store = token_store;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN_STORE]);
}

static void
update_sync_action (BdApplication *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "sync-now");

  if (action != NULL)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (action), self->sync != NULL);
}

static gboolean
sync_is_busy (gpointer data)
{
  return bd_sync_get_state (BD_SYNC (data)) == BD_SYNC_STATE_SYNCING;
}

/* Runs the main context until @busy is FALSE or the time is up. */
static void
wait_while (gboolean (*busy) (gpointer data),
            gpointer  data)
{
  gint64 deadline = g_get_monotonic_time () + SHUTDOWN_WAIT_MS * 1000;

  while (busy (data) && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

static void
stop_sync (BdApplication *self,
           gboolean       wait)
{
  g_autoptr(BdSync) sync = g_steal_pointer (&self->sync);

  if (sync == NULL)
    return;

  /* A run in flight ends soon with a cancelled error. */
  bd_sync_stop (sync);
  if (wait)
    wait_while (sync_is_busy, sync);
}

/* The notifier counts what arrives while a run is on. */
static void
on_sync_state_cb (BdApplication *self)
{
  BdSyncState state = BD_SYNC_STATE_OFFLINE;

  if (self->notifier == NULL)
    return;
  if (self->watched_sync != NULL)
    g_object_get (self->watched_sync, "state", &state, NULL);
  bd_notifier_set_watching (self->notifier, state == BD_SYNC_STATE_SYNCING);
}

static void
watch_sync (BdApplication *self)
{
  if (self->watched_sync != NULL)
    g_clear_signal_handler (&self->sync_state_id, self->watched_sync);
  g_set_object (&self->watched_sync, self->sync);
  if (self->watched_sync != NULL)
    self->sync_state_id = g_signal_connect_object (self->watched_sync, "notify::state",
                                                   G_CALLBACK (on_sync_state_cb), self,
                                                   G_CONNECT_SWAPPED);
  on_sync_state_cb (self);
}

/* Notifications wait while the user is writing a report. */
static gboolean
notifier_quiet_cb (gpointer data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (data));

  return window != NULL && BD_IS_WINDOW (window) && bd_window_get_editing (BD_WINDOW (window));
}

static gboolean
restart_sync (BdApplication  *self,
              GError        **error)
{
  g_autoptr(BdSync) sync = NULL;
  gboolean had_sync = self->sync != NULL;
  gboolean ok = TRUE;

  stop_sync (self, FALSE);

  if (self->store != NULL && is_set (self->server_url) && is_set (self->token))
    {
      sync = bd_sync_new (self->store);
      bd_sync_set_server_url (sync, self->server_url);
      bd_sync_set_token (sync, self->token);
      if (is_set (self->ca_file) && !bd_sync_set_ca_file (sync, self->ca_file, error))
        {
          g_clear_object (&sync);
          ok = FALSE;
        }
      else
        bd_sync_start (sync, g_settings_get_uint (get_settings (self), "sync-interval"));
    }

  self->sync = g_steal_pointer (&sync);
  watch_sync (self);
  update_sync_action (self);
  if (had_sync || self->sync != NULL)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC]);

  return ok;
}

static void
set_sync_settings (BdApplication *self,
                   const char    *server_url,
                   const char    *token,
                   const char    *ca_file)
{
  self->config_serial++;
  set_string (&self->server_url, is_set (server_url) ? server_url : NULL);
  set_string (&self->token, is_set (token) ? token : NULL);
  set_string (&self->ca_file, is_set (ca_file) ? ca_file : NULL);
}

typedef struct
{
  BdApplication *self;
  guint          serial;
  GWeakRef       window;
  char          *server_url;
} KeyringCall;

static KeyringCall *
keyring_call_new (BdApplication *self,
                  GtkWindow     *window)
{
  KeyringCall *call = g_new0 (KeyringCall, 1);

  call->self = g_object_ref (self);
  call->serial = self->config_serial;
  g_weak_ref_init (&call->window, window);
  call->server_url = g_strdup (self->server_url);
  self->n_keyring_calls++;

  return call;
}

static void
keyring_call_free (KeyringCall *call)
{
  call->self->n_keyring_calls--;
  g_clear_object (&call->self);
  g_weak_ref_clear (&call->window);
  g_free (call->server_url);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KeyringCall, keyring_call_free)

static void
on_token_stored_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(KeyringCall) call = user_data;
  BdApplication *self = call->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkWindow) window = NULL;
  g_autofree char *message = NULL;
  gboolean current;

  bd_secret_store_token_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  current = call->serial == self->config_serial;
  window = g_weak_ref_get (&call->window);

  if (error != NULL)
    {
      g_debug ("Storing the token failed: %s", error->message);
      if (current)
        set_token_store (self, BD_TOKEN_STORE_SESSION);
      message = g_strdup_printf (_("The keyring is not available, so the access token is kept "
                                   "only until Bosai Desk quits: %s"), error->message);
      show_toast (self, window, message, TRUE);
      return;
    }

  if (current)
    set_token_store (self, BD_TOKEN_STORE_KEYRING);
  /* Translators: %s is the server's address */
  message = g_strdup_printf (_("Saved. Syncing with %s"), call->server_url);
  show_toast (self, window, message, FALSE);
}

static void
on_token_found_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(KeyringCall) call = user_data;
  BdApplication *self = call->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *message = NULL;

  token = bd_secret_lookup_token_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* Settings applied meanwhile win. */
  if (call->serial != self->config_serial)
    return;

  if (error != NULL)
    {
      message = g_strdup_printf (_("The access token could not be read from the keyring, so "
                                   "sync is off: %s"), error->message);
      show_toast (self, NULL, message, TRUE);
      return;
    }

  if (token == NULL)
    {
      g_debug ("No token in the keyring for %s", call->server_url);
      return;
    }

  set_string (&self->token, token);
  set_token_store (self, BD_TOKEN_STORE_KEYRING);
  if (!restart_sync (self, &error))
    {
      message = g_strdup_printf (_("Sync is off: %s"), error->message);
      show_toast (self, NULL, message, TRUE);
    }
}

/* The first configuration: the command line, else GSettings and the keyring. */
static void
set_up_sync (BdApplication *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *saved_url = NULL;
  g_autofree char *saved_ca = NULL;
  g_autofree char *server_url = NULL;
  g_autofree char *message = NULL;
  const char *ca_file;

  if (self->sync_set_up)
    return;
  self->sync_set_up = TRUE;

  if (self->cli_server != NULL)
    {
      server_url = g_strdup (self->cli_server);
      ca_file = self->cli_ca_file;
    }
  else
    {
      saved_url = g_settings_get_string (get_settings (self), "server-url");
      saved_ca = g_settings_get_string (get_settings (self), "ca-file");
      if (!is_set (saved_url))
        return;
      server_url = bd_preferences_normalize_server_url (saved_url, &error);
      if (server_url == NULL)
        {
          message = g_strdup_printf (_("The saved server address is not valid, so sync is off: %s"),
                                     error->message);
          show_toast (self, NULL, message, TRUE);
          return;
        }
      ca_file = saved_ca;
    }

  set_sync_settings (self, server_url, self->cli_token, ca_file);

  if (self->cli_token != NULL)
    {
      set_token_store (self, BD_TOKEN_STORE_SESSION);
      if (!restart_sync (self, &error))
        {
          message = g_strdup_printf (_("Sync is off: %s"), error->message);
          show_toast (self, NULL, message, TRUE);
        }
      return;
    }

  bd_secret_lookup_token_async (server_url, self->cancellable, on_token_found_cb,
                                keyring_call_new (self, NULL));
}

/* --server, --token and --ca-file without --sync-once: this session's sync
 * settings. FALSE (with a message printed) when they are wrong. */
static gboolean
read_sync_options (BdApplication *self,
                   GVariantDict  *options)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *server_url = NULL;
  const char *server = NULL;
  const char *token = NULL;
  const char *ca_file = NULL;

  g_variant_dict_lookup (options, "server", "&s", &server);
  g_variant_dict_lookup (options, "token", "&s", &token);
  g_variant_dict_lookup (options, "ca-file", "^&ay", &ca_file);

  if (server == NULL)
    {
      if (token != NULL || ca_file != NULL)
        {
          g_printerr (_("bosai-desk: --token and --ca-file need --server URL\n"));
          return FALSE;
        }
      return TRUE;
    }

  server_url = bd_preferences_normalize_server_url (server, &error);
  if (server_url == NULL || server_url[0] == '\0')
    {
      g_printerr (_("bosai-desk: --server needs a server address: %s\n"),
                  error != NULL ? error->message : server);
      return FALSE;
    }

  if (ca_file != NULL && !bd_preferences_check_ca_file (ca_file, &error))
    {
      g_printerr (_("bosai-desk: cannot read the certificate “%s”: %s\n"),
                  ca_file, error->message);
      return FALSE;
    }

  /* Like --sync-once: the environment keeps the token out of `ps`. */
  if (token == NULL)
    token = g_getenv ("BOSAI_TOKEN");

  set_string (&self->cli_server, server_url);
  set_string (&self->cli_token, is_set (token) ? token : NULL);
  set_string (&self->cli_ca_file, ca_file);

  return TRUE;
}

static void
sync_now_activated (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  BdApplication *self = user_data;

  if (self->sync != NULL)
    bd_sync_sync_now (self->sync);
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  BdApplication *self = user_data;
  GtkWindow *parent = GTK_WINDOW (find_main_window (self));

  if (self->preferences == NULL)
    {
      self->preferences = bd_preferences_window_new (self);
      g_object_add_weak_pointer (G_OBJECT (self->preferences), (gpointer *)&self->preferences);
      if (parent != NULL)
        {
          gtk_window_set_transient_for (GTK_WINDOW (self->preferences), parent);
          gtk_window_set_destroy_with_parent (GTK_WINDOW (self->preferences), TRUE);
        }
    }

  gtk_window_present (GTK_WINDOW (self->preferences));
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  BdApplication *self = user_data;
  GList *windows;

  /* Close (not destroy) so that every window saves its state, and may ask
   * about unsaved changes; the application ends with its last window. */
  windows = g_list_copy_deep (gtk_application_get_windows (GTK_APPLICATION (self)),
                             (GCopyFunc)(void (*) (void))g_object_ref, NULL);
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
  g_list_free_full (windows, g_object_unref);
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  BdApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  AdwAboutWindow *about;
  const char *developers[] = { "The Bosai Desk Authors", NULL };
  const char *map_credits[] = {
    "地理院タイル https://maps.gsi.go.jp/development/ichiran.html",
    "© OpenStreetMap contributors https://www.openstreetmap.org/copyright",
    NULL
  };

  about = ADW_ABOUT_WINDOW (adw_about_window_new ());
  adw_about_window_set_application_name (about, _("Bosai Desk"));
  adw_about_window_set_application_icon (about, APP_ID);
  adw_about_window_set_version (about, PACKAGE_VERSION);
  adw_about_window_set_developer_name (about, _("The Bosai Desk Authors"));
  adw_about_window_set_developers (about, developers);
  adw_about_window_set_comments (about, _("Log and share disaster damage reports on a map, "
                                          "also when the network is down."));
  adw_about_window_set_copyright (about, "© 2026 The Bosai Desk Authors");
  adw_about_window_set_license_type (about, GTK_LICENSE_GPL_3_0);
  /* Translators: put your names here, one per line. */
  adw_about_window_set_translator_credits (about, _("translator-credits"));
  adw_about_window_add_credit_section (about, _("Map data"), map_credits);

  if (parent != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (about), parent);
  gtk_window_present (GTK_WINDOW (about));
}

static void
shortcuts_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  BdApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window != NULL)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
}

/* A notification was clicked: the window shows the report. */
static void
open_report_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  BdApplication *self = user_data;
  GtkWindow *window;

  g_application_activate (G_APPLICATION (self));
  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window != NULL && BD_IS_WINDOW (window))
    gtk_widget_activate_action_variant (GTK_WIDGET (window), "win.open-report", parameter);
}

/* A notification was clicked: the window does what it names. */
static void
forward_to_window (BdApplication *self,
                   const char    *action,
                   GVariant      *parameter)
{
  GtkWindow *window;

  g_application_activate (G_APPLICATION (self));
  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window != NULL && BD_IS_WINDOW (window))
    gtk_widget_activate_action_variant (GTK_WIDGET (window), action, parameter);
}

static void
show_alerts_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  forward_to_window (user_data, "win.show-alerts", NULL);
}

static void
show_place_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  forward_to_window (user_data, "win.show-place", parameter);
}

static const GActionEntry app_entries[] = {
  { "quit", quit_activated },
  { "about", about_activated },
  { "shortcuts", shortcuts_activated },
  { "sync-now", sync_now_activated },
  { "preferences", preferences_activated },
  { "open-report", open_report_activated, "s" },
  { "show-alerts", show_alerts_activated, "s" },
  { "show-place", show_place_activated, "s" },
};

static int
bd_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  BdApplication *self = BD_APPLICATION (application);
  g_autoptr(GError) error = NULL;
  const char *path = NULL;
  gint32 demo_count = -1;
  gboolean has_demo;
  int exit_status = 0;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("bosai-desk %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (g_variant_dict_lookup (options, "database", "^&ay", &path))
    bd_application_set_database_path (self, path);
  if (g_variant_dict_lookup (options, "offline-map", "^&ay", &path))
    bd_application_set_offline_map (self, path);

  has_demo = g_variant_dict_lookup (options, "demo-data", "i", &demo_count);
  if (has_demo && demo_count < 0)
    {
      g_printerr (_("bosai-desk: --demo-data needs a number of reports (0 or more)\n"));
      return 1;
    }

  if (!bd_application_ensure_store (self, &error))
    {
      g_printerr (_("bosai-desk: cannot open the report database “%s”: %s\n"),
                  bd_application_get_database_path (self), error->message);
      return 1;
    }

  if (has_demo && demo_count > 0 &&
      !bd_demo_fill_store (self->store, (guint)demo_count, BD_DEMO_DEFAULT_SEED, &error))
    {
      g_printerr (_("bosai-desk: cannot add demonstration reports: %s\n"), error->message);
      return 1;
    }

  /* --export-map draws the map (issue 10), with no window of the app's. */
  if (bd_cli_map_handle_options (options, bd_application_get_database_path (self),
                                 self->offline_map, &exit_status))
    return exit_status;

  /* --export-tally runs without a window. */
  if (bd_cli_tally_handle_options (options, self->store, &exit_status))
    return exit_status;

  /* --import, --export and --sync-once run without a window. */
  if (bd_cli_io_handle_options (options, bd_application_get_database_path (self), &exit_status) &&
      (exit_status != 0 || !g_variant_dict_contains (options, "sync-once")))
    return exit_status;
  if (bd_cli_sync_handle_options (options, bd_application_get_database_path (self), &exit_status))
    return exit_status;

  /* Otherwise --server, --token and --ca-file set up the window's sync. */
  if (!read_sync_options (self, options))
    return 1;

  if (g_variant_dict_contains (options, "quit-after-setup"))
    return 0;

  return G_APPLICATION_CLASS (bd_application_parent_class)->handle_local_options (application, options);
}

static void
bd_application_startup (GApplication *application)
{
  BdApplication *self = BD_APPLICATION (application);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *search_accels[] = { "<Control>f", NULL };
  static const char *new_accels[] = { "<Control>n", NULL };
  static const char *sync_now_accels[] = { "<Control>r", "F5", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };

  G_APPLICATION_CLASS (bd_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_entries,
                                   G_N_ELEMENTS (app_entries), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.search", search_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.new-report", new_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.sync-now", sync_now_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         preferences_accels);
  update_sync_action (self);

  gtk_window_set_default_icon_name (APP_ID);
}

static void
bd_application_activate (GApplication *application)
{
  BdApplication *self = BD_APPLICATION (application);
  g_autoptr(GError) error = NULL;
  g_autofree char *offline_map = NULL;
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window != NULL && BD_IS_WINDOW (window))
    {
      gtk_window_present (window);
      return;
    }

  if (!bd_application_ensure_store (self, &error))
    {
      show_store_error (self, error);
      return;
    }

  offline_map = dup_offline_map (self);
  window = GTK_WINDOW (bd_window_new (self, self->store, offline_map));
  gtk_window_present (window);

  if (self->notifier == NULL)
    {
      self->notifier = bd_notifier_new (application, self->store, get_settings (self));
      bd_notifier_set_quiet_func (self->notifier, notifier_quiet_cb, self);
      watch_sync (self);
    }

  set_up_sync (self);
}

static gboolean
keyring_is_busy (gpointer data)
{
  return BD_APPLICATION (data)->n_keyring_calls > 0;
}

static void
bd_application_shutdown (GApplication *application)
{
  BdApplication *self = BD_APPLICATION (application);

  g_cancellable_cancel (self->cancellable);
  stop_sync (self, TRUE);
  watch_sync (self);
  g_clear_object (&self->notifier);
  wait_while (keyring_is_busy, self);

  G_APPLICATION_CLASS (bd_application_parent_class)->shutdown (application);
}

static void
bd_application_finalize (GObject *object)
{
  BdApplication *self = (BdApplication *)object;

  g_clear_pointer (&self->database_path, g_free);
  g_clear_pointer (&self->offline_map, g_free);
  if (self->preferences != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->preferences), (gpointer *)&self->preferences);
  g_clear_object (&self->sync);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->server_url, g_free);
  g_clear_pointer (&self->token, g_free);
  g_clear_pointer (&self->ca_file, g_free);
  g_clear_pointer (&self->cli_server, g_free);
  g_clear_pointer (&self->cli_token, g_free);
  g_clear_pointer (&self->cli_ca_file, g_free);

  G_OBJECT_CLASS (bd_application_parent_class)->finalize (object);
}

static void
bd_application_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  BdApplication *self = BD_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_DATABASE_PATH:
      g_value_set_string (value, self->database_path);
      break;

    case PROP_OFFLINE_MAP:
      g_value_set_string (value, self->offline_map);
      break;

    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_SYNC:
      g_value_set_object (value, self->sync);
      break;

    case PROP_TOKEN_STORE:
      g_value_set_int (value, self->token_store);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_application_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  BdApplication *self = BD_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_DATABASE_PATH:
      bd_application_set_database_path (self, g_value_get_string (value));
      break;

    case PROP_OFFLINE_MAP:
      bd_application_set_offline_map (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_application_class_init (BdApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = bd_application_finalize;
  object_class->get_property = bd_application_get_property;
  object_class->set_property = bd_application_set_property;

  app_class->handle_local_options = bd_application_handle_local_options;
  app_class->startup = bd_application_startup;
  app_class->activate = bd_application_activate;
  app_class->shutdown = bd_application_shutdown;

  properties[PROP_DATABASE_PATH] =
    g_param_spec_string ("database-path", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_OFFLINE_MAP] =
    g_param_spec_string ("offline-map", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         BD_TYPE_STORE,
                         (G_PARAM_READABLE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_SYNC] =
    g_param_spec_object ("sync", NULL, NULL,
                         BD_TYPE_SYNC,
                         (G_PARAM_READABLE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_TOKEN_STORE] =
    g_param_spec_int ("token-store", NULL, NULL,
                      BD_TOKEN_STORE_NONE, BD_TOKEN_STORE_KEYRING, BD_TOKEN_STORE_NONE,
                      (G_PARAM_READABLE |
                       G_PARAM_EXPLICIT_NOTIFY |
                       G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bd_application_init (BdApplication *self)
{
  GOptionEntry entries[G_N_ELEMENTS (option_entries)];

  self->cancellable = g_cancellable_new ();

  /* GApplication needs the arg_data of every entry to be NULL; translate
   * the descriptions here (the option group has no domain of its own). */
  for (guint i = 0; i < G_N_ELEMENTS (option_entries); i++)
    {
      entries[i] = option_entries[i];
      if (entries[i].description != NULL)
        entries[i].description = _(entries[i].description);
      if (entries[i].arg_description != NULL)
        entries[i].arg_description = _(entries[i].arg_description);
    }

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  bd_cli_sync_add_options (G_APPLICATION (self));
  bd_cli_tally_add_options (G_APPLICATION (self));
  bd_cli_map_add_options (G_APPLICATION (self));
  bd_cli_io_add_options (G_APPLICATION (self));
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Log disaster damage reports on a map."));
}

BdApplication *
bd_application_new (void)
{
  return g_object_new (BD_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "resource-base-path", RESOURCE_PREFIX,
                       "flags", G_APPLICATION_NON_UNIQUE,
                       NULL);
}

char *
bd_application_dup_default_database_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "bosai-desk", "reports.sqlite", NULL);
}

void
bd_application_set_database_path (BdApplication *self,
                                  const char    *path)
{
  g_return_if_fail (BD_IS_APPLICATION (self));

  if (set_string (&self->database_path, path))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATABASE_PATH]);
}

/**
 * bd_application_get_database_path:
 *
 * Returns: the database path in use (the default one when none was set)
 */
const char *
bd_application_get_database_path (BdApplication *self)
{
  g_return_val_if_fail (BD_IS_APPLICATION (self), NULL);

  if (self->database_path == NULL)
    self->database_path = bd_application_dup_default_database_path ();

  return self->database_path;
}

void
bd_application_set_offline_map (BdApplication *self,
                                const char    *path)
{
  g_return_if_fail (BD_IS_APPLICATION (self));

  if (set_string (&self->offline_map, path))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFLINE_MAP]);
}

const char *
bd_application_get_offline_map (BdApplication *self)
{
  g_return_val_if_fail (BD_IS_APPLICATION (self), NULL);

  return self->offline_map;
}

gboolean
bd_application_ensure_store (BdApplication  *self,
                             GError        **error)
{
  g_autofree char *dir = NULL;
  const char *path;
  BdStore *store;

  g_return_val_if_fail (BD_IS_APPLICATION (self), FALSE);

  if (self->store != NULL)
    return TRUE;

  path = bd_application_get_database_path (self);
  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot create the folder “%s”: %s"),
                   dir, g_strerror (saved_errno));
      return FALSE;
    }

  store = bd_store_open (path, error);
  if (store == NULL)
    return FALSE;

  self->store = store;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);

  return TRUE;
}

BdStore *
bd_application_get_store (BdApplication *self)
{
  g_return_val_if_fail (BD_IS_APPLICATION (self), NULL);

  return self->store;
}

BdSync *
bd_application_get_sync (BdApplication *self)
{
  g_return_val_if_fail (BD_IS_APPLICATION (self), NULL);

  return self->sync;
}

const char *
bd_application_get_server_url (BdApplication *self)
{
  g_return_val_if_fail (BD_IS_APPLICATION (self), NULL);

  return self->server_url;
}

const char *
bd_application_get_token (BdApplication *self)
{
  g_return_val_if_fail (BD_IS_APPLICATION (self), NULL);

  return self->token;
}

const char *
bd_application_get_ca_file (BdApplication *self)
{
  g_return_val_if_fail (BD_IS_APPLICATION (self), NULL);

  return self->ca_file;
}

BdTokenStore
bd_application_get_token_store (BdApplication *self)
{
  g_return_val_if_fail (BD_IS_APPLICATION (self), BD_TOKEN_STORE_NONE);

  return self->token_store;
}

gboolean
bd_application_configure_sync (BdApplication  *self,
                               const char     *server_url,
                               const char     *token,
                               const char     *ca_file,
                               GError        **error)
{
  g_return_val_if_fail (BD_IS_APPLICATION (self), FALSE);

  /* Applied settings replace any still looked up at start-up. */
  self->sync_set_up = TRUE;
  set_sync_settings (self, server_url, token, ca_file);
  set_token_store (self, is_set (self->token) ? BD_TOKEN_STORE_SESSION : BD_TOKEN_STORE_NONE);

  return restart_sync (self, error);
}

gboolean
bd_application_save_sync_settings (BdApplication  *self,
                                   const char     *server_url,
                                   const char     *token,
                                   const char     *ca_file,
                                   GtkWindow      *toast_window,
                                   GError        **error)
{
  g_return_val_if_fail (BD_IS_APPLICATION (self), FALSE);
  g_return_val_if_fail (!toast_window || GTK_IS_WINDOW (toast_window), FALSE);

  if (!bd_application_configure_sync (self, server_url, token, ca_file, error))
    return FALSE;

  g_settings_set_string (get_settings (self), "server-url", server_url != NULL ? server_url : "");
  g_settings_set_string (get_settings (self), "ca-file", ca_file != NULL ? ca_file : "");

  if (!is_set (self->server_url))
    {
      show_toast (self, toast_window, _("Sync is off. Reports are kept on this computer only."),
                  FALSE);
      return TRUE;
    }

  if (is_set (self->token))
    {
      set_token_store (self, BD_TOKEN_STORE_SAVING);
      bd_secret_store_token_async (self->server_url, self->token, self->cancellable,
                                   on_token_stored_cb, keyring_call_new (self, toast_window));
    }

  return TRUE;
}
