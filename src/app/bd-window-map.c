/* bd-window-map.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The window's map: its base map sources (the setting, the menu, the
 * label), the report layer and the marker of the report being edited, and
 * what a click on it does. */

#define G_LOG_DOMAIN "bd-window"

#include "config.h"

#include "bd-window-private.h"

#include <glib/gi18n-lib.h>

#include "bd-map-sources.h"

#define PICK_RADIUS 14.0

void
_bd_window_show_marker (BdWindow *self,
                        double    latitude,
                        double    longitude)
{
  shumate_location_set_location (SHUMATE_LOCATION (self->marker), latitude, longitude);
  gtk_widget_set_visible (GTK_WIDGET (self->marker), TRUE);
}

void
_bd_window_hide_marker (BdWindow *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->marker), FALSE);
}

/* Map sources */

static void
update_map_source_label (BdWindow         *self,
                         ShumateMapSource *source)
{
  const char *id = shumate_map_source_get_id (source);
  const char *name = bd_map_sources_get_display_name (id);

  if (name == NULL || name[0] == '\0')
    name = shumate_map_source_get_name (source);

  gtk_label_set_text (self->map_source_label, name != NULL ? name : id);
}

static void
apply_map_source (BdWindow *self)
{
  g_autofree char *id = g_settings_get_string (self->settings, "map-source");
  ShumateMapSource *source;

  source = shumate_map_source_registry_get_by_id (self->registry, id);
  if (source == NULL)
    source = shumate_map_source_registry_get_by_id (self->registry, BD_MAP_SOURCE_GSI_STD);
  if (source == NULL && g_list_model_get_n_items (G_LIST_MODEL (self->registry)) > 0)
    {
      g_autoptr(ShumateMapSource) first = g_list_model_get_item (G_LIST_MODEL (self->registry), 0);

      source = first;
    }

  if (source == NULL)
    return;

  if (shumate_simple_map_get_map_source (self->map) != source)
    shumate_simple_map_set_map_source (self->map, source);

  update_map_source_label (self, source);
}

static void
on_map_source_setting_changed_cb (GSettings  *settings,
                                  const char *key,
                                  BdWindow   *self)
{
  apply_map_source (self);
}

static void
build_map_source_menu (BdWindow *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) section = g_menu_new ();
  guint n_sources = g_list_model_get_n_items (G_LIST_MODEL (self->registry));

  for (guint i = 0; i < n_sources; i++)
    {
      g_autoptr(ShumateMapSource) source = g_list_model_get_item (G_LIST_MODEL (self->registry), i);
      g_autoptr(GMenuItem) item = NULL;
      const char *id = shumate_map_source_get_id (source);
      const char *name = bd_map_sources_get_display_name (id);

      if (name == NULL || name[0] == '\0')
        name = shumate_map_source_get_name (source);

      item = g_menu_item_new (name, NULL);
      g_menu_item_set_action_and_target_value (item, "win.map-source", g_variant_new_string (id));
      g_menu_append_item (section, item);
    }

  g_menu_append_section (menu, _("Base Map"), G_MENU_MODEL (section));
  gtk_menu_button_set_menu_model (self->map_source_button, G_MENU_MODEL (menu));

  /* Narrow, the main menu holds the base maps too. */
  g_menu_remove_all (self->narrow_menu);
  g_menu_append_section (self->narrow_menu, _("Base Map"), G_MENU_MODEL (section));
  for (int i = 0; i < g_menu_model_get_n_items (self->primary_menu); i++)
    {
      g_autoptr(GMenuModel) primary_section = NULL;

      primary_section = g_menu_model_get_item_link (self->primary_menu, i, G_MENU_LINK_SECTION);
      if (primary_section != NULL)
        g_menu_append_section (self->narrow_menu, NULL, primary_section);
    }
}

void
_bd_window_init_map_source (BdWindow *self)
{
  g_autoptr(GError) error = NULL;

  /* The map: its source first, then the layers. */
  self->registry = bd_map_sources_new_registry (self->offline_map, &error);
  if (error != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The offline map could not be opened: %s"),
                                                  error->message);

      g_message ("%s", message);
      _bd_window_add_toast (self, adw_toast_new (message));
    }
  else if (self->offline_map != NULL &&
           shumate_map_source_registry_get_by_id (self->registry, BD_MAP_SOURCE_LOCAL) != NULL)
    {
      /* An offline map given for this session is what the user wants to see. */
      g_settings_set_string (self->settings, "map-source", BD_MAP_SOURCE_LOCAL);
    }

  apply_map_source (self);
  build_map_source_menu (self);

  g_signal_connect_object (self->settings, "changed::map-source",
                           G_CALLBACK (on_map_source_setting_changed_cb), self, 0);
}

/* Clicks */

static void
on_map_click_released_cb (GtkGestureClick *gesture,
                          int              n_press,
                          double           x,
                          double           y,
                          BdWindow        *self)
{
  ShumateViewport *viewport = _bd_window_get_viewport (self);
  GtkWidget *widget = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  double latitude, longitude;
  double cluster_lat, cluster_lon;
  guint n_reports = 0;
  gint64 rowid;

  if (n_press != 1)
    return;

  shumate_viewport_widget_coords_to_location (viewport, widget, x, y, &latitude, &longitude);

  /* While editing, a click moves the report. */
  if (bd_window_get_editing (self))
    {
      bd_report_editor_set_location (self->editor, latitude, longitude);
      _bd_window_show_marker (self, latitude, longitude);
      /* Narrow: back to the editor, which shows the new place. */
      _bd_window_placed (self);
      return;
    }

  /* A click on a cluster zooms in on it. */
  if (bd_report_layer_pick_cluster (self->report_layer, x, y, &n_reports, &cluster_lat, &cluster_lon))
    {
      double zoom = shumate_viewport_get_zoom_level (viewport) + 2;

      zoom = MIN (zoom, (double)shumate_viewport_get_max_zoom_level (viewport));
      shumate_map_go_to_full (_bd_window_get_map (self), cluster_lat, cluster_lon, zoom);
      return;
    }

  rowid = bd_report_layer_pick (self->report_layer, x, y, PICK_RADIUS);
  if (rowid > 0)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(BdReport) report = bd_store_get_report_by_rowid (self->store, rowid, &error);

      if (report != NULL)
        {
          _bd_window_request_open (self, report, rowid);
          return;
        }
      g_debug ("Picked report %" G_GINT64_FORMAT " is gone: %s",
               rowid, error != NULL ? error->message : "");
    }

  _bd_window_request_new (self, latitude, longitude);
}

/* libshumate's zoom buttons are named only by English tooltips ("Zoom
 * In"): a screen reader hears "GtkButton". They are found by their icons. */
static void
name_zoom_buttons (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *image = GTK_IS_BUTTON (child) ? gtk_button_get_child (GTK_BUTTON (child)) : NULL;
      const char *icon = GTK_IS_IMAGE (image) ? gtk_image_get_icon_name (GTK_IMAGE (image)) : NULL;
      const char *label = NULL;

      if (g_strcmp0 (icon, "zoom-in-symbolic") == 0)
        label = _("Zoom In");
      else if (g_strcmp0 (icon, "zoom-out-symbolic") == 0)
        label = _("Zoom Out");

      if (label != NULL)
        {
          gtk_widget_set_tooltip_text (child, label);
          gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
        }
      else
        {
          name_zoom_buttons (child);
        }
    }
}

void
_bd_window_init_map_layers (BdWindow *self)
{
  ShumateMap *map;

  self->report_layer = bd_report_layer_new (_bd_window_get_viewport (self), self->store);
  shumate_simple_map_add_overlay_layer (self->map, SHUMATE_LAYER (self->report_layer));

  self->marker_layer = shumate_marker_layer_new (_bd_window_get_viewport (self));
  self->marker = shumate_marker_new ();
  {
    GtkWidget *dot = gtk_image_new_from_icon_name ("mark-location-symbolic");

    gtk_widget_add_css_class (dot, "bd-edit-marker");
    gtk_image_set_pixel_size (GTK_IMAGE (dot), 36);
    /* The pin's tip, not its middle, marks the place. */
    gtk_widget_set_margin_bottom (dot, 36);
    shumate_marker_set_child (self->marker, dot);
  }
  gtk_widget_set_visible (GTK_WIDGET (self->marker), FALSE);
  shumate_marker_layer_add_marker (self->marker_layer, self->marker);
  shumate_simple_map_add_overlay_layer (self->map, SHUMATE_LAYER (self->marker_layer));

  name_zoom_buttons (GTK_WIDGET (self->map));
  map = _bd_window_get_map (self);
  shumate_map_set_zoom_on_double_click (map, FALSE);
  {
    GtkGesture *click = gtk_gesture_click_new ();

    gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
    gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (click), FALSE);
    gtk_event_controller_set_name (GTK_EVENT_CONTROLLER (click), "bd-map-click");
    g_signal_connect (click, "released", G_CALLBACK (on_map_click_released_cb), self);
    gtk_widget_add_controller (GTK_WIDGET (map), GTK_EVENT_CONTROLLER (click));
  }
}
