/* bd-window-io.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The window's import and export of reports (issue 12, part 5): "Import
 * Reports…" and "Export Reports…" in the main menu. A file chooser
 * (GtkFileChooserNative: GTK 4.8 has no GtkFileDialog), then the work on a
 * worker thread (GTask) through a connection of its own to the same
 * database (bd_import_file (), bd_export_reports ()), so the window never
 * waits for it; the window's store is then told the rows changed.
 * Export writes every live report, whatever the list's filters show: a
 * file for other systems is the whole picture. While one runs, both
 * actions are off. */

#define G_LOG_DOMAIN "bd-window"

#include "config.h"

#include "bd-window-private.h"

#include <glib/gi18n-lib.h>

#include "bd-app-util.h"
#include "bd-export.h"
#include "bd-import.h"

typedef struct
{
  GApplication   *application;  /* held while the work runs */
  char           *database;
  char           *path;
  char           *actor;
  BdFileFormat    format;
  BdImportResult *result;     /* import */
  guint           n_exported; /* export */
} IoJob;

static void
io_job_free (IoJob *job)
{
  if (job->application != NULL)
    g_application_release (job->application);
  g_clear_object (&job->application);
  g_free (job->database);
  g_free (job->path);
  g_free (job->actor);
  g_clear_pointer (&job->result, bd_import_result_free);
  g_free (job);
}

static void
set_busy (BdWindow *self,
          gboolean  busy)
{
  const char *names[] = { "import-reports", "export-reports" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), names[i]);

      g_simple_action_set_enabled (G_SIMPLE_ACTION (action), !busy);
    }
}

/* The process stays until the work is done, even when the window closes
 * meanwhile (an import is then committed all the same). */
static void
hold_application (BdWindow *self,
                  IoJob    *job)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));

  if (application == NULL)
    return;
  job->application = G_APPLICATION (g_object_ref (application));
  g_application_hold (job->application);
}

static void
show_message (BdWindow   *self,
              const char *heading,
              const char *body)
{
  GtkWidget *dialog;

  /* closed meanwhile */
  if (!gtk_widget_get_visible (GTK_WIDGET (self)))
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_body_use_markup (ADW_MESSAGE_DIALOG (dialog), FALSE);
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Import */

static void
import_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  IoJob *job = task_data;
  g_autoptr(BdStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = bd_store_open (job->database, &error);
  if (store != NULL)
    job->result = bd_import_file (store, job->path, BD_FILE_FORMAT_NONE, job->actor,
                                  cancellable, &error);
  if (job->result == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_imported_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  BdWindow *self = BD_WINDOW (object);
  IoJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *reasons = NULL;
  g_autofree char *body = NULL;

  set_busy (self, FALSE);
  /* a report saved meanwhile is written now */
  if (self->editor != NULL)
    bd_report_editor_set_store_busy (self->editor, FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      show_message (self, _("Nothing Imported"), error->message);
      return;
    }

  if (job->result->n_imported > 0)
    bd_store_notify_reloaded (self->store);
  summary = bd_import_result_summary (job->result);
  reasons = bd_import_result_reasons (job->result);
  body = reasons[0] != '\0' ? g_strdup_printf ("%s\n\n%s", summary, reasons)
                            : g_strdup (summary);
  show_message (self,
                bd_import_result_read_any (job->result) ? _("Reports Imported")
                                                        : _("Nothing Imported"),
                body);
}

void
_bd_window_import_file (BdWindow *self,
                        GFile    *file)
{
  g_autoptr(GTask) task = NULL;
  IoJob *job;

  g_return_if_fail (BD_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  job = g_new0 (IoJob, 1);
  job->database = g_strdup (bd_store_get_path (self->store));
  job->path = g_file_get_path (file);
  job->actor = bd_dup_actor (self->settings);
  if (job->path == NULL)
    {
      io_job_free (job);
      show_message (self, _("Nothing Imported"), _("Only local files can be imported."));
      return;
    }

  set_busy (self, TRUE);
  /* the import holds the database's write lock until it commits */
  bd_report_editor_set_store_busy (self->editor, TRUE);
  hold_application (self, job);
  task = g_task_new (self, NULL, on_imported_cb, NULL);
  g_task_set_source_tag (task, _bd_window_import_file);
  g_task_set_task_data (task, job, (GDestroyNotify) io_job_free);
  g_task_run_in_thread (task, import_thread);
}

static void
on_import_chosen_cb (GtkNativeDialog *chooser,
                     int              response,
                     gpointer         user_data)
{
  BdWindow *self = user_data;
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    _bd_window_import_file (self, file);
  g_object_unref (chooser);
}

static GtkFileFilter *
new_filter (const char   *name,
            const char   *pattern,
            const char   *pattern_2,
            BdFileFormat  format)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  gtk_file_filter_add_pattern (filter, pattern);
  if (pattern_2 != NULL)
    gtk_file_filter_add_pattern (filter, pattern_2);
  g_object_set_data (G_OBJECT (filter), "bd-format", GINT_TO_POINTER (format));
  return filter;
}

static void
import_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  BdWindow *self = user_data;
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) all = NULL;

  chooser = gtk_file_chooser_native_new (_("Import Reports"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"),
                                         _("_Cancel"));
  all = new_filter (_("GeoJSON or CSV"), "*.geojson", "*.json", BD_FILE_FORMAT_NONE);
  gtk_file_filter_add_pattern (all, "*.csv");
  gtk_file_filter_add_pattern (all, "*.GEOJSON");
  gtk_file_filter_add_pattern (all, "*.JSON");
  gtk_file_filter_add_pattern (all, "*.CSV");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_import_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Export */

static void
export_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  IoJob *job = task_data;
  g_autoptr(BdStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = bd_store_open (job->database, &error);
  if (store != NULL &&
      bd_export_reports (store, job->path, job->format, &job->n_exported, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
on_exported_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  BdWindow *self = BD_WINDOW (object);
  IoJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *name = NULL;

  set_busy (self, FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      show_message (self, _("Nothing Exported"), error->message);
      return;
    }
  if (!gtk_widget_get_visible (GTK_WIDGET (self)))
    return;
  name = g_path_get_basename (job->path);
  message = g_strdup_printf (ngettext ("%u report exported to “%s”",
                                       "%u reports exported to “%s”", job->n_exported),
                             job->n_exported, name);
  _bd_window_add_toast (self, adw_toast_new (message));
}

static void
start_export (BdWindow     *self,
              const char   *path,
              BdFileFormat  format)
{
  g_autoptr(GTask) task = NULL;
  IoJob *job = g_new0 (IoJob, 1);

  job->database = g_strdup (bd_store_get_path (self->store));
  job->path = g_strdup (path);
  job->format = format;
  set_busy (self, TRUE);
  hold_application (self, job);
  task = g_task_new (self, NULL, on_exported_cb, NULL);
  g_task_set_source_tag (task, start_export);
  g_task_set_task_data (task, job, (GDestroyNotify) io_job_free);
  g_task_run_in_thread (task, export_thread);
}

void
_bd_window_export_file (BdWindow *self,
                        GFile    *file)
{
  g_autofree char *path = NULL;

  g_return_if_fail (BD_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  path = g_file_get_path (file);
  if (path == NULL || bd_file_format_from_path (path) == BD_FILE_FORMAT_NONE)
    {
      show_message (self, _("Nothing Exported"),
                    _("Name the file with the ending of its format: .geojson, .csv or .kml."));
      return;
    }
  start_export (self, path, BD_FILE_FORMAT_NONE);
}

static const char *
format_extension (BdFileFormat format)
{
  switch (format)
    {
    case BD_FILE_FORMAT_CSV:
      return ".csv";
    case BD_FILE_FORMAT_KML:
      return ".kml";
    case BD_FILE_FORMAT_GEOJSON:
    case BD_FILE_FORMAT_NONE:
    default:
      return ".geojson";
    }
}

static void
on_export_chosen_cb (GtkNativeDialog *chooser,
                     int              response,
                     gpointer         user_data)
{
  BdWindow *self = user_data;
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  GtkFileFilter *filter;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL && (path = g_file_get_path (file)) != NULL)
    {
      /* A name without the format's ending gets the chosen filter's. */
      if (bd_file_format_from_path (path) == BD_FILE_FORMAT_NONE)
        {
          BdFileFormat format = BD_FILE_FORMAT_GEOJSON;
          g_autofree char *named = NULL;

          filter = gtk_file_chooser_get_filter (GTK_FILE_CHOOSER (chooser));
          if (filter != NULL)
            format = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (filter), "bd-format"));
          named = g_strconcat (path, format_extension (format), NULL);
          g_free (path);
          path = g_steal_pointer (&named);
        }
      start_export (self, path, BD_FILE_FORMAT_NONE);
    }
  g_object_unref (chooser);
}

static void
export_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  BdWindow *self = user_data;
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) geojson = NULL;
  g_autoptr(GtkFileFilter) csv = NULL;
  g_autoptr(GtkFileFilter) kml = NULL;

  chooser = gtk_file_chooser_native_new (_("Export Reports"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"),
                                         _("_Cancel"));
  geojson = new_filter (_("GeoJSON"), "*.geojson", "*.json", BD_FILE_FORMAT_GEOJSON);
  csv = new_filter (_("CSV (UTF-8)"), "*.csv", NULL, BD_FILE_FORMAT_CSV);
  kml = new_filter (_("KML"), "*.kml", NULL, BD_FILE_FORMAT_KML);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), geojson);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), csv);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), kml);
  /* Translators: the suggested name of an exported file */
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), _("reports.geojson"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_export_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static const GActionEntry io_entries[] = {
  { "import-reports", import_activated },
  { "export-reports", export_activated },
};

void
_bd_window_init_io_actions (BdWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), io_entries,
                                   G_N_ELEMENTS (io_entries), self);
}
