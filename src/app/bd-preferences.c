/* bd-preferences.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-preferences"

#include "config.h"

#include "bd-preferences-private.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "bd-app-util.h"
#include "bd-catalog.h"

struct _BdPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  BdApplication        *application;
  char                 *error;
  AdwToast             *last_toast;
  GtkFileChooserNative *chooser;

  /* template children */
  AdwEntryRow          *server_row;
  AdwEntryRow          *token_row;
  AdwEntryRow          *ca_row;
  GtkLabel             *error_label;
  AdwComboRow          *home_ward_row;
  GtkSwitch            *headquarters_switch;   /* issue 12: who edits the departments */
};

G_DEFINE_FINAL_TYPE (BdPreferencesWindow, bd_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_APPLICATION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void fill_home_ward_row (BdPreferencesWindow *self);

static char *
dup_row_text (AdwEntryRow *row)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));

  return g_strstrip (g_strdup (text != NULL ? text : ""));
}

static void
set_row_error (AdwEntryRow *row,
               gboolean     error)
{
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
}

static void
show_error (BdPreferencesWindow *self,
            AdwEntryRow         *row,
            const char          *message)
{
  set_row_error (self->server_row, row == self->server_row);
  set_row_error (self->token_row, row == self->token_row);
  set_row_error (self->ca_row, row == self->ca_row);

  g_free (self->error);
  self->error = g_strdup (message);
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);

  if (row != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (row));
}

static void
fill_rows (BdPreferencesWindow *self)
{
  const char *server_url = bd_application_get_server_url (self->application);
  const char *token = bd_application_get_token (self->application);
  const char *ca_file = bd_application_get_ca_file (self->application);

  gtk_editable_set_text (GTK_EDITABLE (self->server_row), server_url != NULL ? server_url : "");
  gtk_editable_set_text (GTK_EDITABLE (self->token_row), token != NULL ? token : "");
  gtk_editable_set_text (GTK_EDITABLE (self->ca_row), ca_file != NULL ? ca_file : "");
}

/* Callbacks */

static void
on_row_changed_cb (BdPreferencesWindow *self,
                   GtkEditable         *editable)
{
  /* The message stays until the next Apply; the red row follows typing. */
  set_row_error (ADW_ENTRY_ROW (editable), FALSE);
}

static void
on_row_activated_cb (BdPreferencesWindow *self,
                     AdwEntryRow         *row)
{
  bd_preferences_window_apply (self);
}

static void
on_apply_clicked_cb (BdPreferencesWindow *self,
                     GtkButton           *button)
{
  bd_preferences_window_apply (self);
}

static void
on_chooser_response_cb (GtkNativeDialog     *dialog,
                        int                  response,
                        BdPreferencesWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        gtk_editable_set_text (GTK_EDITABLE (self->ca_row), path);
    }

  g_clear_object (&self->chooser);
}

static void
on_choose_ca_clicked_cb (BdPreferencesWindow *self,
                         GtkButton           *button)
{
  g_autoptr(GtkFileFilter) pem = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  if (self->chooser != NULL)
    {
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
      return;
    }

  self->chooser = gtk_file_chooser_native_new (_("Choose a Certificate"),
                                               GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Choose"),
                                               _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);

  gtk_file_filter_set_name (pem, _("PEM certificates"));
  gtk_file_filter_add_pattern (pem, "*.pem");
  gtk_file_filter_add_pattern (pem, "*.crt");
  gtk_file_filter_add_mime_type (pem, "application/x-x509-ca-cert");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), pem);
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all);

  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
on_clear_ca_clicked_cb (BdPreferencesWindow *self,
                        GtkButton           *button)
{
  gtk_editable_set_text (GTK_EDITABLE (self->ca_row), "");
}

/* GObject */

static void
bd_preferences_window_constructed (GObject *object)
{
  BdPreferencesWindow *self = (BdPreferencesWindow *)object;

  G_OBJECT_CLASS (bd_preferences_window_parent_class)->constructed (object);

  g_assert (BD_IS_APPLICATION (self->application));
  fill_rows (self);
  fill_home_ward_row (self);
}

static void
bd_preferences_window_dispose (GObject *object)
{
  BdPreferencesWindow *self = (BdPreferencesWindow *)object;

  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), BD_TYPE_PREFERENCES_WINDOW);

  g_clear_object (&self->last_toast);
  g_clear_object (&self->application);

  G_OBJECT_CLASS (bd_preferences_window_parent_class)->dispose (object);
}

static void
bd_preferences_window_finalize (GObject *object)
{
  BdPreferencesWindow *self = (BdPreferencesWindow *)object;

  g_clear_pointer (&self->error, g_free);

  G_OBJECT_CLASS (bd_preferences_window_parent_class)->finalize (object);
}

static void
bd_preferences_window_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  BdPreferencesWindow *self = BD_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_APPLICATION:
      g_value_set_object (value, self->application);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_preferences_window_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  BdPreferencesWindow *self = BD_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_APPLICATION:
      self->application = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* The home ward: item 0 is "None", then the wards in the city's order. */
static void
on_home_ward_selected_cb (BdPreferencesWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->home_ward_row);
  const BdWard *wards;
  guint n_wards;
  GSettings *settings;

  if (self->application == NULL || selected == GTK_INVALID_LIST_POSITION)
    return;
  settings = bd_application_get_settings (self->application);
  wards = bd_catalog_get_wards (&n_wards);
  g_settings_set_string (settings, "home-ward",
                         selected >= 1 && selected <= n_wards ? wards[selected - 1].code : "");
}

static void
fill_home_ward_row (BdPreferencesWindow *self)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  g_autofree char *current = NULL;
  const BdWard *wards;
  guint n_wards, selected = 0;

  wards = bd_catalog_get_wards (&n_wards);
  current = g_settings_get_string (bd_application_get_settings (self->application), "home-ward");
  gtk_string_list_append (model, _("None"));
  for (guint i = 0; i < n_wards; i++)
    {
      g_autofree char *label = bd_dup_catalog_label (wards[i].name_ja, wards[i].name_en);

      gtk_string_list_append (model, label);
      if (g_strcmp0 (current, wards[i].code) == 0)
        selected = i + 1;
    }
  /* no handler writes the setting back while the row is filled */
  g_signal_handlers_block_by_func (self->home_ward_row, on_home_ward_selected_cb, self);
  adw_combo_row_set_model (self->home_ward_row, G_LIST_MODEL (model));
  adw_combo_row_set_selected (self->home_ward_row, selected);
  g_signal_handlers_unblock_by_func (self->home_ward_row, on_home_ward_selected_cb, self);
  bd_combo_row_name_list (self->home_ward_row);
}

static void
bd_preferences_window_class_init (BdPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = bd_preferences_window_constructed;
  object_class->dispose = bd_preferences_window_dispose;
  object_class->finalize = bd_preferences_window_finalize;
  object_class->get_property = bd_preferences_window_get_property;
  object_class->set_property = bd_preferences_window_set_property;

  /* Not GtkWindow:application: the window joins the application only when
   * shown, while it needs the settings as soon as it is built. */
  properties[PROP_APPLICATION] =
    g_param_spec_object ("bd-application", NULL, NULL,
                         BD_TYPE_APPLICATION,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/bd-preferences.ui");
  gtk_widget_class_bind_template_child (widget_class, BdPreferencesWindow, server_row);
  gtk_widget_class_bind_template_child (widget_class, BdPreferencesWindow, token_row);
  gtk_widget_class_bind_template_child (widget_class, BdPreferencesWindow, ca_row);
  gtk_widget_class_bind_template_child (widget_class, BdPreferencesWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, BdPreferencesWindow, home_ward_row);
  gtk_widget_class_bind_template_callback (widget_class, on_home_ward_selected_cb);
  gtk_widget_class_bind_template_child (widget_class, BdPreferencesWindow, headquarters_switch);
  gtk_widget_class_bind_template_callback (widget_class, on_row_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_apply_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_ca_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_clear_ca_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
bd_preferences_window_init (BdPreferencesWindow *self)
{
  g_autoptr(GSettings) settings = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* the binding keeps the settings */
  settings = g_settings_new ("io.github.bosai_desk.BosaiDesk");
  g_settings_bind (settings, "headquarters", self->headquarters_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
}

/* Public API */

BdPreferencesWindow *
bd_preferences_window_new (BdApplication *application)
{
  g_return_val_if_fail (BD_IS_APPLICATION (application), NULL);

  return g_object_new (BD_TYPE_PREFERENCES_WINDOW,
                       "bd-application", application,
                       NULL);
}

gboolean
bd_preferences_window_apply (BdPreferencesWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *server_url = NULL;
  g_autofree char *token = NULL;
  g_autofree char *ca_file = NULL;

  g_return_val_if_fail (BD_IS_PREFERENCES_WINDOW (self), FALSE);

  text = dup_row_text (self->server_row);
  server_url = bd_preferences_normalize_server_url (text, &error);
  if (server_url == NULL)
    {
      show_error (self, self->server_row, error->message);
      return FALSE;
    }

  token = dup_row_text (self->token_row);
  if (server_url[0] != '\0' && token[0] == '\0')
    {
      show_error (self, self->token_row,
                  _("Enter the access token that the server’s administrator gave you."));
      return FALSE;
    }
  if (strpbrk (token, " \t\r\n") != NULL)
    {
      show_error (self, self->token_row, _("An access token has no spaces or line breaks."));
      return FALSE;
    }

  ca_file = dup_row_text (self->ca_row);
  if (ca_file[0] != '\0' && !bd_preferences_check_ca_file (ca_file, &error))
    {
      show_error (self, self->ca_row, error->message);
      return FALSE;
    }

  if (!bd_application_save_sync_settings (self->application,
                                          server_url,
                                          server_url[0] != '\0' ? token : NULL,
                                          ca_file[0] != '\0' ? ca_file : NULL,
                                          GTK_WINDOW (self),
                                          &error))
    {
      show_error (self, NULL, error->message);
      return FALSE;
    }

  show_error (self, NULL, NULL);
  /* The address as saved (normalized). */
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), server_url);

  return TRUE;
}

const char *
bd_preferences_window_get_error (BdPreferencesWindow *self)
{
  g_return_val_if_fail (BD_IS_PREFERENCES_WINDOW (self), NULL);

  return self->error;
}

void
bd_preferences_window_add_toast (BdPreferencesWindow *self,
                                 AdwToast            *toast)
{
  g_return_if_fail (BD_IS_PREFERENCES_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  g_set_object (&self->last_toast, toast);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), toast);
}

AdwToast *
_bd_preferences_window_get_last_toast (BdPreferencesWindow *self)
{
  g_return_val_if_fail (BD_IS_PREFERENCES_WINDOW (self), NULL);

  return self->last_toast;
}

AdwEntryRow *
_bd_preferences_window_get_server_row (BdPreferencesWindow *self)
{
  g_return_val_if_fail (BD_IS_PREFERENCES_WINDOW (self), NULL);

  return self->server_row;
}

AdwEntryRow *
_bd_preferences_window_get_token_row (BdPreferencesWindow *self)
{
  g_return_val_if_fail (BD_IS_PREFERENCES_WINDOW (self), NULL);

  return self->token_row;
}

AdwEntryRow *
_bd_preferences_window_get_ca_row (BdPreferencesWindow *self)
{
  g_return_val_if_fail (BD_IS_PREFERENCES_WINDOW (self), NULL);

  return self->ca_row;
}

char *
bd_preferences_normalize_server_url (const char  *text,
                                     GError     **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text != NULL ? text : ""));
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *host;
  gsize length;

  if (trimmed[0] == '\0')
    return g_steal_pointer (&trimmed);

  for (const char *p = trimmed; *p != '\0'; p++)
    if (g_ascii_isspace (*p) || g_ascii_iscntrl (*p))
      {
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                             _("The server address cannot contain spaces."));
        return NULL;
      }

  uri = g_uri_parse (trimmed, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a web address. Write it like https://bosai.example.jp/"),
                   trimmed);
      return NULL;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The server address must start with https:// or http://."));
      return NULL;
    }

  host = g_uri_get_host (uri);
  if (host == NULL || host[0] == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The server address has no server name."));
      return NULL;
    }

  if (g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Put the access token in its own field, not in the address."));
      return NULL;
    }

  if (g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The server address cannot have a “?” or “#” part."));
      return NULL;
    }

  /* The scheme in lower case; no trailing '/' (the keyring's key). */
  for (char *p = trimmed; *p != ':'; p++)
    *p = g_ascii_tolower (*p);
  length = strlen (trimmed);
  while (length > 0 && trimmed[length - 1] == '/')
    trimmed[--length] = '\0';

  return g_steal_pointer (&trimmed);
}

gboolean
bd_preferences_check_ca_file (const char  *path,
                              GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  GList *certificates;

  g_return_val_if_fail (path != NULL, FALSE);

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("There is no certificate file “%s”."), path);
      return FALSE;
    }

  certificates = g_tls_certificate_list_new_from_file (path, &local_error);
  if (certificates == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("“%s” holds no PEM certificate: %s"), path,
                   local_error != NULL ? local_error->message : _("the file is empty"));
      return FALSE;
    }
  g_list_free_full (certificates, g_object_unref);

  return TRUE;
}
