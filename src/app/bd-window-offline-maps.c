/* bd-window-offline-maps.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Maps from the city and offline map files (issue 10): the city's tile
 * sets (GET /tiles with the sync's server and token) as base maps under
 * "City Maps"; the map files the user opened or saved (the "offline-maps"
 * setting) under "Offline Maps", with Open Map File… and Save This Area for
 * Offline Use…; and a notice over the map when no tile can load. */

#define G_LOG_DOMAIN "bd-window"

#include "config.h"

#include "bd-window-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bd-application.h"
#include "bd-city-tile-source.h"
#include "bd-city-tiles.h"
#include "bd-http-tile-source.h"
#include "bd-map-sources.h"
#include "bd-offline-save-dialog.h"

/* Remembered map files. */
#define MAX_OFFLINE_MAPS 10

struct _BdOfflineMaps
{
  SoupSession     *session;
  GCancellable    *cancellable;
  GPtrArray       *city_sets;      /* BdCityTileSet*, base maps and overlays */
  char            *sets_server;    /* the server they came from */
  GtkWidget       *notice;
  GtkWidget       *notice_text;
  int              network_override;   /* -1: ask GNetworkMonitor */
  /* the base map's tiles, and their counts when it was chosen or the
   * network last came or went */
  ShumateDataSource *watched;
  guint            since_loaded;
  guint            since_failed;
  gboolean         network_was;
  gboolean         watching;           /* the application's sync */
};

static BdOfflineMaps *
get_maps (BdWindow *self)
{
  return self->offline_maps;
}

static BdApplication *
get_application (BdWindow *self)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));

  return BD_IS_APPLICATION (application) ? BD_APPLICATION (application) : NULL;
}

/* ------------------------------------------------------------ the menu */

void
_bd_window_offline_maps_fill_menu (BdWindow *self,
                                   GMenu    *menu)
{
  g_autoptr(GMenu) city = g_menu_new ();
  g_autoptr(GMenu) files = g_menu_new ();
  g_auto(GStrv) paths = g_settings_get_strv (self->settings, "offline-maps");
  guint n_sources = g_list_model_get_n_items (G_LIST_MODEL (self->registry));

  for (guint i = 0; i < n_sources; i++)
    {
      g_autoptr(ShumateMapSource) source = g_list_model_get_item (G_LIST_MODEL (self->registry), i);
      const char *id = shumate_map_source_get_id (source);
      g_autoptr(GMenuItem) item = NULL;

      if (!bd_map_sources_id_is_city (id))
        continue;
      item = g_menu_item_new (shumate_map_source_get_name (source), NULL);
      g_menu_item_set_action_and_target_value (item, "win.map-source", g_variant_new_string (id));
      g_menu_append_item (city, item);
    }
  if (g_menu_model_get_n_items (G_MENU_MODEL (city)) > 0)
    g_menu_append_section (menu, _("City Maps"), G_MENU_MODEL (city));

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autofree char *id = bd_map_sources_file_id (paths[i]);
      g_autofree char *name = g_path_get_basename (paths[i]);
      g_autoptr(GMenuItem) item = g_menu_item_new (name, NULL);

      g_menu_item_set_action_and_target_value (item, "win.map-source", g_variant_new_string (id));
      g_menu_append_item (files, item);
    }
  g_menu_append (files, _("Open Map File…"), "win.open-map-file");
  g_menu_append (files, _("Save This Area for Offline Use…"), "win.save-offline-area");
  g_menu_append_section (menu, _("Offline Maps"), G_MENU_MODEL (files));
}

/* ---------------------------------------------------- choosing a source */

ShumateMapSource *
_bd_window_offline_maps_resolve (BdWindow   *self,
                                 const char *id)
{
  g_autoptr(GError) error = NULL;
  ShumateMapSource *source;
  const char *path;

  if (id == NULL || !g_str_has_prefix (id, BD_MAP_SOURCE_FILE_PREFIX))
    return NULL;
  path = id + strlen (BD_MAP_SOURCE_FILE_PREFIX);
  source = bd_map_sources_new_file (path, &error);
  if (source == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The offline map could not be opened: %s"),
                                                  error->message);

      _bd_window_add_toast (self, adw_toast_new (message));
      return NULL;
    }
  /* the registry takes this reference */
  shumate_map_source_registry_add (self->registry, source);
  return source;
}

static void
remember_file (BdWindow   *self,
               const char *path)
{
  g_auto(GStrv) old = g_settings_get_strv (self->settings, "offline-maps");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) paths = NULL;
  guint n = 1;

  g_strv_builder_add (builder, path);
  for (guint i = 0; old[i] != NULL && n < MAX_OFFLINE_MAPS; i++)
    {
      if (g_strcmp0 (old[i], path) == 0)
        continue;
      g_strv_builder_add (builder, old[i]);
      n++;
    }
  paths = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "offline-maps", (const char * const *) paths);
}

/* Opens @path as an offline base map, remembers it and shows it. */
gboolean
_bd_window_open_map_file (BdWindow    *self,
                          const char  *path,
                          GError     **error)
{
  g_autofree char *id = bd_map_sources_file_id (path);
  ShumateMapSource *source = shumate_map_source_registry_get_by_id (self->registry, id);

  if (source == NULL)
    {
      source = bd_map_sources_new_file (path, error);
      if (source == NULL)
        return FALSE;
      shumate_map_source_registry_add (self->registry, source);
    }
  remember_file (self, path);
  _bd_window_rebuild_map_source_menu (self);
  g_settings_set_string (self->settings, "map-source", id);
  return TRUE;
}

static void
on_open_chooser_response_cb (GtkNativeDialog *chooser,
                             int              response,
                             BdWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;
      g_autoptr(GError) error = NULL;

      if (path != NULL && !_bd_window_open_map_file (self, path, &error))
        {
          g_autofree char *message = g_strdup_printf (_("The offline map could not be opened: %s"),
                                                      error->message);

          _bd_window_add_toast (self, adw_toast_new (message));
        }
    }
  g_object_unref (chooser);
}

static void
open_map_file_action (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  BdWindow *self = user_data;
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Open Map File"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("MBTiles map files"));
  gtk_file_filter_add_pattern (filter, "*.mbtiles");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_open_chooser_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ------------------------------------------------ saving for offline use */

static BdCityTileSource *
current_city_source (BdWindow *self)
{
  ShumateMapSource *source = shumate_simple_map_get_map_source (self->map);
  ShumateDataSource *data = NULL;

  if (source == NULL || !bd_map_sources_id_is_city (shumate_map_source_get_id (source)) ||
      !SHUMATE_IS_RASTER_RENDERER (source))
    return NULL;
  g_object_get (source, "data-source", &data, NULL);
  if (data == NULL)
    return NULL;
  g_object_unref (data);   /* the renderer keeps it */
  return BD_IS_CITY_TILE_SOURCE (data) ? BD_CITY_TILE_SOURCE (data) : NULL;
}

static void
on_saved_cb (BdOfflineSaveDialog *dialog,
             const char          *path,
             BdWindow            *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (!_bd_window_open_map_file (self, path, &error))
    message = g_strdup_printf (_("The offline map could not be opened: %s"), error->message);
  else
    message = g_strdup (_("Saved for offline use"));
  _bd_window_add_toast (self, adw_toast_new (message));
}

BdOfflineSaveDialog *
_bd_window_save_offline_area (BdWindow *self)
{
  BdCityTileSource *tiles = current_city_source (self);
  BdApplication *application = get_application (self);
  ShumateViewport *viewport = _bd_window_get_viewport (self);
  GtkWidget *widget = GTK_WIDGET (_bd_window_get_map (self));
  double lat[2], lon[2];
  BdOfflineSaveDialog *dialog;

  if (tiles == NULL || application == NULL)
    {
      _bd_window_add_toast (self, adw_toast_new (_("Choose a city map first: only the city’s "
                                                   "maps are saved for offline use")));
      return NULL;
    }
  shumate_viewport_widget_coords_to_location (viewport, widget, 0, 0, &lat[0], &lon[0]);
  shumate_viewport_widget_coords_to_location (viewport, widget, gtk_widget_get_width (widget),
                                              gtk_widget_get_height (widget), &lat[1], &lon[1]);
  dialog = bd_offline_save_dialog_new (GTK_WINDOW (self), get_maps (self)->session,
                                       bd_city_tile_source_get_set (tiles),
                                       bd_application_get_server_url (application),
                                       bd_application_get_token (application),
                                       MIN (lon[0], lon[1]), MIN (lat[0], lat[1]),
                                       MAX (lon[0], lon[1]), MAX (lat[0], lat[1]),
                                       (guint) shumate_viewport_get_zoom_level (viewport));
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_saved_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
save_offline_area_action (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  _bd_window_save_offline_area (BD_WINDOW (user_data));
}

/* -------------------------------------------------- the city's tile sets */

static void
on_city_sets_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(BdWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sets = bd_city_tiles_fetch_finish (result, &error);
  BdOfflineMaps *maps = get_maps (self);
  BdApplication *application = get_application (self);

  if (maps == NULL || application == NULL)
    return;
  if (sets == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No city maps: %s", error->message);
      return;
    }
  g_clear_pointer (&maps->city_sets, g_ptr_array_unref);
  maps->city_sets = g_ptr_array_ref (sets);
  for (guint i = 0; i < sets->len; i++)
    {
      const BdCityTileSet *set = g_ptr_array_index (sets, i);
      g_autofree char *id = NULL;

      if (set->overlay)
        continue;
      id = bd_map_sources_city_id (set);
      if (shumate_map_source_registry_get_by_id (self->registry, id) != NULL)
        continue;
      shumate_map_source_registry_add (self->registry,
                                       bd_map_sources_new_city (maps->session, set,
                                                                bd_application_get_token (application)));
    }
  _bd_window_rebuild_map_source_menu (self);
  _bd_window_reapply_map_source (self);
  /* the overlays among them: rows of the layer panel */
  _bd_window_sync_city_overlays (self);
}

static void
fetch_city_sets (BdWindow *self)
{
  BdOfflineMaps *maps = get_maps (self);
  BdApplication *application = get_application (self);
  const char *server;
  const char *token;

  if (maps == NULL || application == NULL)
    return;
  server = bd_application_get_server_url (application);
  token = bd_application_get_token (application);
  g_debug ("City maps from %s (%s token)", server ? server : "no server", token ? "a" : "no");
  if (server == NULL || token == NULL)
    return;

  g_cancellable_cancel (maps->cancellable);
  g_clear_object (&maps->cancellable);
  maps->cancellable = g_cancellable_new ();
  g_free (maps->sets_server);
  maps->sets_server = g_strdup (server);
  bd_city_tiles_fetch_async (maps->session, server, token, maps->cancellable, on_city_sets_cb,
                             g_object_ref (self));
}

static void
on_sync_changed_cb (GObject    *application,
                    GParamSpec *pspec,
                    BdWindow   *self)
{
  BdOfflineMaps *maps = get_maps (self);
  const char *ca_file;

  if (maps == NULL)
    return;
  ca_file = bd_application_get_ca_file (BD_APPLICATION (application));
  if (ca_file != NULL && ca_file[0] != '\0')
    {
      g_autoptr(GTlsDatabase) database = g_tls_file_database_new (ca_file, NULL);

      if (database != NULL)
        soup_session_set_tls_database (maps->session, database);
    }
  fetch_city_sets (self);
}

GPtrArray *
_bd_window_get_city_tile_sets (BdWindow *self,
                               gboolean  overlays)
{
  BdOfflineMaps *maps = get_maps (self);
  GPtrArray *sets = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_city_tile_set_free);

  if (maps == NULL || maps->city_sets == NULL)
    return sets;
  for (guint i = 0; i < maps->city_sets->len; i++)
    {
      const BdCityTileSet *set = g_ptr_array_index (maps->city_sets, i);

      if (set->overlay == overlays)
        g_ptr_array_add (sets, bd_city_tile_set_copy (set));
    }
  return sets;
}

ShumateMapSource *
_bd_window_new_city_overlay (BdWindow            *self,
                             const BdCityTileSet *set)
{
  BdApplication *application = get_application (self);

  if (get_maps (self) == NULL || application == NULL)
    return NULL;
  return bd_map_sources_new_city (get_maps (self)->session, set,
                                  bd_application_get_token (application));
}

/* ------------------------------------------------ "no tile can load" */

static gboolean
network_available (BdOfflineMaps *maps)
{
  if (maps->network_override >= 0)
    return maps->network_override != 0;
  return g_network_monitor_get_network_available (g_network_monitor_get_default ());
}

gboolean
_bd_window_offline_notice_visible (BdWindow *self)
{
  BdOfflineMaps *maps = get_maps (self);

  return maps != NULL && gtk_widget_get_visible (maps->notice);
}

/* The counts of @data, a city's or a public server's tiles; FALSE for a
 * source that counts nothing (a file). */
static gboolean
tile_counts (ShumateDataSource *data,
             guint             *loaded,
             guint             *failed)
{
  if (BD_IS_HTTP_TILE_SOURCE (data))
    {
      *loaded = bd_http_tile_source_get_n_loaded (BD_HTTP_TILE_SOURCE (data));
      *failed = bd_http_tile_source_get_n_failed (BD_HTTP_TILE_SOURCE (data));
      return TRUE;
    }
  if (BD_IS_CITY_TILE_SOURCE (data))
    {
      *loaded = bd_city_tile_source_get_n_loaded (BD_CITY_TILE_SOURCE (data));
      *failed = bd_city_tile_source_get_n_failed (BD_CITY_TILE_SOURCE (data));
      return TRUE;
    }
  *loaded = *failed = 0;
  return FALSE;
}

static void
on_counts_changed_cb (ShumateDataSource *data,
                      BdWindow          *self)
{
  _bd_window_update_offline_notice (self);
}

/* Starts counting the base map's tiles afresh. */
static void
count_from_now (BdOfflineMaps *maps)
{
  tile_counts (maps->watched, &maps->since_loaded, &maps->since_failed);
}

static void
watch_source (BdWindow          *self,
              ShumateDataSource *data)
{
  BdOfflineMaps *maps = get_maps (self);

  if (maps->watched == data)
    return;
  if (maps->watched != NULL)
    g_signal_handlers_disconnect_by_func (maps->watched, on_counts_changed_cb, self);
  g_set_object (&maps->watched, data);
  if (BD_IS_HTTP_TILE_SOURCE (data) || BD_IS_CITY_TILE_SOURCE (data))
    g_signal_connect_object (data, "counts-changed", G_CALLBACK (on_counts_changed_cb), self, 0);
  count_from_now (maps);
}

/* The notice: shown when the base map (not a file) has had tiles fail and
 * none load since it was chosen or the network last came or went; or,
 * as a hint, when the system says it is offline and no tile has loaded
 * since. Hidden as soon as a tile loads. */
void
_bd_window_update_offline_notice (BdWindow *self)
{
  BdOfflineMaps *maps = get_maps (self);
  ShumateMapSource *source;
  g_autoptr(ShumateDataSource) data = NULL;
  guint loaded = 0, failed = 0;
  gboolean counted = FALSE;
  gboolean network;
  gboolean blank = FALSE;

  if (maps == NULL)
    return;
  source = shumate_simple_map_get_map_source (self->map);
  if (source != NULL && SHUMATE_IS_RASTER_RENDERER (source))
    g_object_get (source, "data-source", &data, NULL);
  watch_source (self, data);
  network = network_available (maps);
  if (network != maps->network_was)
    {
      maps->network_was = network;
      count_from_now (maps);
    }
  if (tile_counts (data, &loaded, &failed))
    {
      counted = TRUE;
      loaded -= MIN (loaded, maps->since_loaded);
      failed -= MIN (failed, maps->since_failed);
    }

  if (source == NULL || bd_map_sources_id_is_file (shumate_map_source_get_id (source)))
    blank = FALSE;
  else if (counted && loaded > 0)
    blank = FALSE;
  else if (!network)
    {
      blank = TRUE;
      gtk_label_set_text (GTK_LABEL (maps->notice_text),
                          _("The map tiles cannot be loaded: this computer is offline "
                            "and no offline map is open. Open a map file the city "
                            "distributed, or one saved before."));
    }
  else if (counted && failed > 0)
    {
      blank = TRUE;
      gtk_label_set_text (GTK_LABEL (maps->notice_text),
                          _("The map tiles cannot be loaded: the map’s server does not "
                            "send them. Choose another base map, or open a map file the "
                            "city distributed, or one saved before."));
    }
  gtk_widget_set_visible (maps->notice, blank);
}

void
_bd_window_set_network_available_for_test (BdWindow *self,
                                           int       available)
{
  if (get_maps (self) != NULL)
    get_maps (self)->network_override = available;
  _bd_window_update_offline_notice (self);
}

static void
on_network_changed_cb (GNetworkMonitor *monitor,
                       gboolean         available,
                       BdWindow        *self)
{
  _bd_window_update_offline_notice (self);
}

static GtkWidget *
make_notice (GtkWidget **text_out)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *title = gtk_label_new (_("No map can be shown"));
  GtkWidget *text = gtk_label_new (_("The map tiles cannot be loaded: this computer is offline "
                                     "and no offline map is open. Open a map file the city "
                                     "distributed, or one saved before."));
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Open Map File…"));

  gtk_widget_set_halign (box, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_start (box, 24);
  gtk_widget_set_margin_end (box, 24);
  gtk_widget_add_css_class (box, "app-notification");
  gtk_widget_add_css_class (title, "title-4");
  gtk_label_set_wrap (GTK_LABEL (text), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (text), 40);
  gtk_label_set_justify (GTK_LABEL (text), GTK_JUSTIFY_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.open-map-file");
  gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), text);
  gtk_box_append (GTK_BOX (box), button);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                  title, NULL, GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, text, NULL, -1);
  gtk_widget_set_visible (box, FALSE);
  *text_out = text;
  return box;
}

/* ------------------------------------------------------------ life */

static const GActionEntry offline_entries[] = {
  { "open-map-file", open_map_file_action },
  { "save-offline-area", save_offline_area_action },
};

/* The application is set after the window is constructed. */
static void
on_application_set_cb (BdWindow   *self,
                       GParamSpec *pspec,
                       gpointer    user_data)
{
  BdApplication *application = get_application (self);
  BdOfflineMaps *maps = get_maps (self);

  if (application == NULL || maps == NULL || maps->watching)
    return;
  maps->watching = TRUE;
  g_signal_connect_object (application, "notify::sync", G_CALLBACK (on_sync_changed_cb), self, 0);
  on_sync_changed_cb (G_OBJECT (application), NULL, self);
}

void
_bd_window_init_offline_maps (BdWindow *self)
{
  BdOfflineMaps *maps = g_new0 (BdOfflineMaps, 1);

  self->offline_maps = maps;
  maps->network_override = -1;
  maps->session = soup_session_new_with_options ("max-conns-per-host", 6, "timeout", 30, NULL);
  maps->cancellable = g_cancellable_new ();
  maps->notice = make_notice (&maps->notice_text);
  maps->network_was = network_available (maps);
  gtk_overlay_add_overlay (GTK_OVERLAY (self->map_overlay), maps->notice);
  g_action_map_add_action_entries (G_ACTION_MAP (self), offline_entries,
                                   G_N_ELEMENTS (offline_entries), self);

  g_signal_connect_object (g_network_monitor_get_default (), "network-changed",
                           G_CALLBACK (on_network_changed_cb), self, 0);
  g_signal_connect (self, "notify::application", G_CALLBACK (on_application_set_cb), NULL);
  on_application_set_cb (self, NULL, NULL);
  _bd_window_update_offline_notice (self);
}

void
_bd_window_dispose_offline_maps (BdWindow *self)
{
  BdOfflineMaps *maps = g_steal_pointer (&self->offline_maps);

  if (maps == NULL)
    return;
  g_signal_handlers_disconnect_by_func (self, on_application_set_cb, NULL);
  g_cancellable_cancel (maps->cancellable);
  g_clear_object (&maps->cancellable);
  if (maps->watched != NULL)
    g_signal_handlers_disconnect_by_func (maps->watched, on_counts_changed_cb, self);
  g_clear_object (&maps->watched);
  g_clear_pointer (&maps->city_sets, g_ptr_array_unref);
  g_clear_object (&maps->session);
  g_free (maps->sets_server);
  g_free (maps);
}
