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

#include "bd-cli-sync.h"
#include "bd-demo.h"
#include "bd-window.h"

#define SCHEMA_ID "io.github.bosai_desk.BosaiDesk"

struct _BdApplication
{
  AdwApplication  parent_instance;

  char           *database_path;
  char           *offline_map;
  BdStore        *store;
  GSettings      *settings;
};

G_DEFINE_FINAL_TYPE (BdApplication, bd_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_DATABASE_PATH,
  PROP_OFFLINE_MAP,
  PROP_STORE,
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

static char *
dup_offline_map (BdApplication *self)
{
  g_autofree char *path = NULL;

  if (self->offline_map != NULL && self->offline_map[0] != '\0')
    return g_strdup (self->offline_map);

  if (self->settings == NULL)
    self->settings = g_settings_new (SCHEMA_ID);

  path = g_settings_get_string (self->settings, "offline-map");
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

static const GActionEntry app_entries[] = {
  { "quit", quit_activated },
  { "about", about_activated },
  { "shortcuts", shortcuts_activated },
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

  /* --sync-once and --import run without a window. */
  if (bd_cli_sync_handle_options (options, bd_application_get_database_path (self), &exit_status))
    return exit_status;

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

  G_APPLICATION_CLASS (bd_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_entries,
                                   G_N_ELEMENTS (app_entries), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.search", search_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.new-report", new_accels);

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
}

static void
bd_application_finalize (GObject *object)
{
  BdApplication *self = (BdApplication *)object;

  g_clear_pointer (&self->database_path, g_free);
  g_clear_pointer (&self->offline_map, g_free);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);

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

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bd_application_init (BdApplication *self)
{
  GOptionEntry entries[G_N_ELEMENTS (option_entries)];

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
