/* bd-window-export.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Issue 10, part 9: "Export Map…" (PNG) and "Print Map…" in the main menu:
 * the map as it is shown (its layers, the time bar's time), with a title,
 * the time, a legend, a scale and the attribution (bd-map-export.c). */

#define G_LOG_DOMAIN "bd-window"

#include "config.h"

#include "bd-window-private.h"

#include <glib/gi18n.h>

#include "bd-map-export.h"
#include "bd-overlay-style.h"
#include "bd-shape-layer.h"
#include "bd-window-overlays.h"

/* The legends of the overlays shown (a layer visible, with shapes): every
 * style of that overlay, from the one table the map and the layer panel
 * use (bd_overlay_style_get_legend ()). */
static void
add_layer_legends (BdWindow    *self,
                   BdMapExport *export)
{
  static const struct { const char *layer; const char *group; const char *heading; } overlays[] = {
    { "shelters", "shelters", N_("Shelters") },
    { "areas", "areas", N_("Areas") },
    { "closures", "closures", N_("Road Closures") },
    { "alerts", "alerts", N_("Alerts") },
  };
  guint n_legend = 0;
  const BdLegendEntry *legend = bd_overlay_style_get_legend (&n_legend);

  if (self->overlays == NULL)
    return;
  for (guint k = 0; k < G_N_ELEMENTS (overlays); k++)
    {
      BdShapeLayer *layer = _bd_window_get_overlay_layer (self, overlays[k].layer);
      BdShapeSet *shapes = layer != NULL ? bd_shape_layer_get_shapes (layer) : NULL;

      if (layer == NULL || !gtk_widget_get_visible (GTK_WIDGET (layer)) ||
          shapes == NULL || bd_shape_set_get_n_shapes (shapes) == 0)
        continue;
      for (guint i = 0; i < n_legend; i++)
        {
          const BdShapeStyle *style = &legend[i].style;

          if (g_strcmp0 (legend[i].group, overlays[k].group) != 0)
            continue;
          bd_map_export_add_legend_item (export, _(overlays[k].heading),
                                         style->fill.alpha > 0 ? &style->fill : &style->stroke,
                                         _(legend[i].label));
        }
    }
}

BdMapExport *
_bd_window_new_map_export (BdWindow *self)
{
  BdMapExport *export = bd_map_export_new ();

  bd_map_export_set_as_of (export, _bd_window_get_as_of (self));
  add_layer_legends (self, export);
  return export;
}

gboolean
_bd_window_export_map_png (BdWindow    *self,
                           const char  *path,
                           GError     **error)
{
  g_autoptr(BdMapExport) export = _bd_window_new_map_export (self);

  return bd_map_export_write_png (export, _bd_window_get_map (self), path, error);
}

static void
on_export_chosen_cb (GtkNativeDialog *chooser,
                     int              response,
                     BdWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      g_autoptr(GError) error = NULL;

      if (path != NULL && !g_str_has_suffix (path, ".png"))
        {
          char *named = g_strconcat (path, ".png", NULL);

          g_free (path);
          path = named;
        }
      if (path == NULL)
        g_set_error (&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                     _("The map can only be saved as a local file"));
      if (error == NULL && _bd_window_export_map_png (self, path, &error))
        {
          g_autofree char *name = g_filename_display_basename (path);
          g_autofree char *title = g_strdup_printf (_("Map exported to “%s”"), name);

          _bd_window_add_toast (self, adw_toast_new (title));
        }
      else
        {
          g_autofree char *title = g_strdup_printf (_("The map could not be exported: %s"),
                                                    error->message);

          _bd_window_add_toast (self, adw_toast_new (title));
        }
    }
  g_object_unref (chooser);
}

static void
export_map_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  BdWindow *self = user_data;
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) png = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Export Map"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"),
                                         _("_Cancel"));
  gtk_file_filter_set_name (png, _("PNG Image"));
  gtk_file_filter_add_pattern (png, "*.png");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), png);
  /* Translators: the suggested name of an exported map */
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), _("map.png"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_export_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
print_map_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  BdWindow *self = user_data;
  g_autoptr(BdMapExport) export = _bd_window_new_map_export (self);

  bd_map_export_print (export, _bd_window_get_map (self), GTK_WINDOW (self));
}

static const GActionEntry export_entries[] = {
  { "export-map", export_map_activated },
  { "print-map", print_map_activated },
};

void
_bd_window_init_export_actions (BdWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), export_entries,
                                   G_N_ELEMENTS (export_entries), self);
}
