/* bd-offline-save-dialog.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-offline-save"

#include "config.h"

#include "bd-offline-save-dialog.h"

#include <glib/gi18n-lib.h>

#include "bd-offline-copy.h"

/* The zooms offered above the one shown (a closer look takes 4x the tiles
 * a level). */
#define DEFAULT_EXTRA_ZOOMS 3

struct _BdOfflineSaveDialog
{
  AdwWindow       parent_instance;

  SoupSession    *session;
  BdCityTileSet  *set;
  char           *server_url;
  char           *token;
  double          min_lon, min_lat, max_lon, max_lat;

  GtkSpinButton  *min_zoom;
  GtkSpinButton  *max_zoom;
  GtkLabel       *summary;
  GtkLabel       *status;
  GtkProgressBar *progress;
  GtkButton      *save_button;
  GtkButton      *cancel_button;

  BdOfflineCopy  *copy;
  GCancellable   *cancellable;
  char           *path;
  GtkFileChooserNative *chooser;
  gboolean        disposed;     /* closed while the copy ran */
};

enum { SAVED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (BdOfflineSaveDialog, bd_offline_save_dialog, ADW_TYPE_WINDOW)

static void
update_summary (BdOfflineSaveDialog *self)
{
  guint zmin = (guint) gtk_spin_button_get_value_as_int (self->min_zoom);
  guint zmax = (guint) gtk_spin_button_get_value_as_int (self->max_zoom);
  guint64 n;
  g_autofree char *count = NULL;
  g_autofree char *size = NULL;
  g_autofree char *text = NULL;

  if (zmax < zmin)
    {
      gtk_label_set_text (self->summary, _("The highest zoom is below the lowest."));
      gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), FALSE);
      return;
    }
  n = bd_offline_copy_count_tiles (MAX (self->min_lon, self->set->min_lon),
                                   MAX (self->min_lat, self->set->min_lat),
                                   MIN (self->max_lon, self->set->max_lon),
                                   MIN (self->max_lat, self->set->max_lat), zmin, zmax);
  size = g_format_size (bd_offline_copy_estimate_bytes (n, self->set->format));
  count = g_strdup_printf ("%" G_GUINT64_FORMAT, n);
  /* the count, then the estimated size ("1.2 MB") */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s tile, about %s", "%s tiles, about %s",
                                       (gulong) MIN (n, G_MAXULONG)), count, size);
  if (n > BD_OFFLINE_COPY_MAX_TILES)
    {
      g_free (text);
      text = g_strdup_printf (_("%s tiles: too many (at most %d). Choose "
                                "fewer zoom levels or a smaller area."), count,
                              BD_OFFLINE_COPY_MAX_TILES);
    }
  gtk_label_set_text (self->summary, text);
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button),
                            self->copy == NULL && n > 0 && n <= BD_OFFLINE_COPY_MAX_TILES);
}

static void
on_zoom_changed_cb (GtkSpinButton       *button,
                    BdOfflineSaveDialog *self)
{
  update_summary (self);
}

static void
on_progress (const BdOfflineCopyStats *stats,
             gpointer                  user_data)
{
  BdOfflineSaveDialog *self = user_data;
  g_autofree char *text = NULL;
  g_autofree char *done = g_strdup_printf ("%" G_GUINT64_FORMAT, stats->done);
  g_autofree char *total = g_strdup_printf ("%" G_GUINT64_FORMAT, stats->total);

  if (self->disposed)
    return;
  gtk_progress_bar_set_fraction (self->progress,
                                 stats->total > 0 ? (double) stats->done / stats->total : 1.0);
  text = g_strdup_printf (_("%s of %s tiles"), done, total);
  gtk_progress_bar_set_text (self->progress, text);
}

static void
on_copied_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(BdOfflineSaveDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  const BdOfflineCopyStats *stats = bd_offline_copy_get_stats (self->copy);
  gboolean ok = bd_offline_copy_run_finish (self->copy, result, &error);

  g_clear_object (&self->cancellable);
  if (self->disposed)
    {
      /* closed meanwhile: the widgets are gone; what was copied stays */
      g_clear_pointer (&self->copy, bd_offline_copy_free);
      return;
    }
  if (ok && stats->failed == 0)
    {
      g_autofree char *path = g_strdup (self->path);

      g_clear_pointer (&self->copy, bd_offline_copy_free);
      g_signal_emit (self, signals[SAVED], 0, path);
      gtk_window_set_focus (GTK_WINDOW (self), NULL);
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }
  if (ok)
    {
      g_autofree char *failed = g_strdup_printf ("%" G_GUINT64_FORMAT, stats->failed);

      message = g_strdup_printf (_("%s tiles could not be copied. Save again "
                                   "to the same file to fetch them."), failed);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    message = g_strdup (_("Stopped. The tiles copied are kept: save again to the same file to go on."));
  else
    message = g_strdup_printf (_("The copy stopped: %s"), error->message);
  gtk_label_set_text (self->status, message);
  gtk_widget_set_visible (GTK_WIDGET (self->status), TRUE);
  g_clear_pointer (&self->copy, bd_offline_copy_free);
  gtk_button_set_label (self->cancel_button, _("_Close"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->min_zoom), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->max_zoom), TRUE);
  update_summary (self);
}

void
bd_offline_save_dialog_start (BdOfflineSaveDialog *self,
                              const char          *path)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (BD_IS_OFFLINE_SAVE_DIALOG (self));
  g_return_if_fail (self->copy == NULL);

  g_free (self->path);
  self->path = g_strdup (path);
  self->copy = bd_offline_copy_new (self->session, self->set, self->server_url, self->token, path,
                                    self->min_lon, self->min_lat, self->max_lon, self->max_lat,
                                    (guint) gtk_spin_button_get_value_as_int (self->min_zoom),
                                    (guint) gtk_spin_button_get_value_as_int (self->max_zoom),
                                    &error);
  if (self->copy == NULL)
    {
      gtk_label_set_text (self->status, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->status), TRUE);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->status), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->min_zoom), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->max_zoom), FALSE);
  gtk_button_set_label (self->cancel_button, _("_Cancel"));
  gtk_widget_set_visible (GTK_WIDGET (self->progress), TRUE);
  self->cancellable = g_cancellable_new ();
  bd_offline_copy_set_progress (self->copy, on_progress, self);
  bd_offline_copy_run_async (self->copy, self->cancellable, on_copied_cb, g_object_ref (self));
}

static void
on_chooser_response_cb (GtkNativeDialog     *chooser,
                        int                  response,
                        BdOfflineSaveDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path != NULL)
        {
          if (!g_str_has_suffix (path, ".mbtiles"))
            {
              char *with = g_strconcat (path, ".mbtiles", NULL);

              g_free (path);
              path = with;
            }
          bd_offline_save_dialog_start (self, path);
        }
    }
  g_clear_object (&self->chooser);
}

static void
on_save_clicked_cb (GtkButton           *button,
                    BdOfflineSaveDialog *self)
{
  g_autofree char *name = g_strconcat (self->set->name, ".mbtiles", NULL);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  self->chooser = gtk_file_chooser_native_new (_("Save Map File"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"),
                                               _("_Cancel"));
  gtk_file_filter_set_name (filter, _("MBTiles map files"));
  gtk_file_filter_add_pattern (filter, "*.mbtiles");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
on_cancel_clicked_cb (GtkButton           *button,
                      BdOfflineSaveDialog *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  else
    {
      gtk_window_set_focus (GTK_WINDOW (self), NULL);
      gtk_window_destroy (GTK_WINDOW (self));
    }
}

static gboolean
on_close_request_cb (GtkWindow           *window,
                     BdOfflineSaveDialog *self)
{
  /* closing stops the copy; what it copied stays in the file */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  return FALSE;
}

const char *
bd_offline_save_dialog_get_summary (BdOfflineSaveDialog *self)
{
  return gtk_label_get_text (self->summary);
}

static void
bd_offline_save_dialog_dispose (GObject *object)
{
  BdOfflineSaveDialog *self = BD_OFFLINE_SAVE_DIALOG (object);

  self->disposed = TRUE;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  G_OBJECT_CLASS (bd_offline_save_dialog_parent_class)->dispose (object);
}

static void
bd_offline_save_dialog_finalize (GObject *object)
{
  BdOfflineSaveDialog *self = BD_OFFLINE_SAVE_DIALOG (object);

  /* the copy's callback holds a reference: none is running now */
  g_clear_pointer (&self->copy, bd_offline_copy_free);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  g_clear_pointer (&self->set, bd_city_tile_set_free);
  g_free (self->server_url);
  g_free (self->token);
  g_free (self->path);
  G_OBJECT_CLASS (bd_offline_save_dialog_parent_class)->finalize (object);
}

static void
bd_offline_save_dialog_class_init (BdOfflineSaveDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bd_offline_save_dialog_dispose;
  object_class->finalize = bd_offline_save_dialog_finalize;

  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static GtkSpinButton *
zoom_row (GtkGrid    *grid,
          int         row,
          const char *label_text,
          guint       min,
          guint       max,
          guint       value)
{
  GtkWidget *label = gtk_label_new_with_mnemonic (label_text);
  GtkWidget *spin = gtk_spin_button_new_with_range (min, max, 1);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), spin);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                  label, NULL, -1);
  gtk_grid_attach (grid, label, 0, row, 1, 1);
  gtk_grid_attach (grid, spin, 1, row, 1, 1);
  return GTK_SPIN_BUTTON (spin);
}

static void
bd_offline_save_dialog_init (BdOfflineSaveDialog *self)
{
}

BdOfflineSaveDialog *
bd_offline_save_dialog_new (GtkWindow           *parent,
                            SoupSession         *session,
                            const BdCityTileSet *set,
                            const char          *server_url,
                            const char          *token,
                            double               min_lon,
                            double               min_lat,
                            double               max_lon,
                            double               max_lat,
                            guint                zoom)
{
  BdOfflineSaveDialog *self = g_object_new (BD_TYPE_OFFLINE_SAVE_DIALOG,
                                            "title", _("Save This Area for Offline Use"),
                                            "modal", TRUE,
                                            "transient-for", parent,
                                            "default-width", 420,
                                            NULL);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *intro;
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  g_autofree char *intro_text = NULL;
  guint zmin, zmax;

  self->session = g_object_ref (session);
  self->set = bd_city_tile_set_copy (set);
  self->server_url = g_strdup (server_url);
  self->token = g_strdup (token);
  self->min_lon = min_lon;
  self->min_lat = min_lat;
  self->max_lon = max_lon;
  self->max_lat = max_lat;

  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  gtk_box_append (GTK_BOX (box), header);
  gtk_widget_set_margin_start (content, 18);
  gtk_widget_set_margin_end (content, 18);
  gtk_widget_set_margin_top (content, 12);
  gtk_widget_set_margin_bottom (content, 18);
  gtk_box_append (GTK_BOX (box), content);

  intro_text = g_strdup_printf (_("The area shown of the city map “%s” is copied into a map "
                                  "file on this computer, for use without a connection."),
                                set->name);
  intro = gtk_label_new (intro_text);
  gtk_label_set_wrap (GTK_LABEL (intro), TRUE);
  gtk_label_set_xalign (GTK_LABEL (intro), 0);
  gtk_box_append (GTK_BOX (content), intro);

  zmin = CLAMP (zoom, set->min_zoom, set->max_zoom);
  zmax = MIN (zmin + DEFAULT_EXTRA_ZOOMS, set->max_zoom);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  self->min_zoom = zoom_row (GTK_GRID (grid), 0, _("_Lowest zoom"), set->min_zoom, set->max_zoom, zmin);
  self->max_zoom = zoom_row (GTK_GRID (grid), 1, _("_Highest zoom"), set->min_zoom, set->max_zoom, zmax);
  gtk_box_append (GTK_BOX (content), grid);

  self->summary = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->summary, 0);
  gtk_label_set_wrap (self->summary, TRUE);
  gtk_box_append (GTK_BOX (content), GTK_WIDGET (self->summary));

  self->progress = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_progress_bar_set_show_text (self->progress, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->progress), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->progress), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Tiles copied"), -1);
  gtk_box_append (GTK_BOX (content), GTK_WIDGET (self->progress));

  self->status = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->status, TRUE);
  gtk_label_set_xalign (self->status, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->status), FALSE);
  gtk_box_append (GTK_BOX (content), GTK_WIDGET (self->status));

  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  self->cancel_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Cancel")));
  self->save_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Save…")));
  gtk_widget_add_css_class (GTK_WIDGET (self->save_button), "suggested-action");
  gtk_box_append (GTK_BOX (buttons), GTK_WIDGET (self->cancel_button));
  gtk_box_append (GTK_BOX (buttons), GTK_WIDGET (self->save_button));
  gtk_box_append (GTK_BOX (content), buttons);

  adw_window_set_content (ADW_WINDOW (self), box);

  g_signal_connect (self->min_zoom, "value-changed", G_CALLBACK (on_zoom_changed_cb), self);
  g_signal_connect (self->max_zoom, "value-changed", G_CALLBACK (on_zoom_changed_cb), self);
  g_signal_connect (self->save_button, "clicked", G_CALLBACK (on_save_clicked_cb), self);
  g_signal_connect (self->cancel_button, "clicked", G_CALLBACK (on_cancel_clicked_cb), self);
  g_signal_connect (self, "close-request", G_CALLBACK (on_close_request_cb), self);
  update_summary (self);
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->save_button));
  return self;
}
