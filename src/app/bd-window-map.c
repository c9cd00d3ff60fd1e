/* bd-window-map.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The window's map: its base map sources (the setting, the menu, the
 * label), the report layer (which follows the list's filters) and the
 * marker of the report being edited, what a click on it does, and framing
 * the ward chosen in the sidebar. */

#define G_LOG_DOMAIN "bd-window"

#include "config.h"

#include "bd-window-private.h"

#include <glib/gi18n-lib.h>

#include <math.h>

#include "bd-catalog.h"
#include "bd-geo.h"
#include "bd-map-sources.h"

#define PICK_RADIUS 14.0
/* Samples a side of the city's box when finding the wards' extents. */
#define WARD_SAMPLES 160
/* Room left around a ward framed on the map, px each side. */
#define FRAME_MARGIN 24.0

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
    source = _bd_window_offline_maps_resolve (self, id);
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
  _bd_window_update_offline_notice (self);
}

void
_bd_window_reapply_map_source (BdWindow *self)
{
  apply_map_source (self);
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

      /* city maps and map files: their own sections */
      if (bd_map_sources_id_is_city (id) || g_str_has_prefix (id, BD_MAP_SOURCE_FILE_PREFIX))
        continue;
      if (name == NULL || name[0] == '\0')
        name = shumate_map_source_get_name (source);

      item = g_menu_item_new (name, NULL);
      g_menu_item_set_action_and_target_value (item, "win.map-source", g_variant_new_string (id));
      g_menu_append_item (section, item);
    }

  g_menu_append_section (menu, _("Base Map"), G_MENU_MODEL (section));
  _bd_window_offline_maps_fill_menu (self, menu);
  gtk_menu_button_set_menu_model (self->map_source_button, G_MENU_MODEL (menu));

  /* Narrow, the main menu holds the base maps too. */
  g_menu_remove_all (self->narrow_menu);
  g_menu_append_section (self->narrow_menu, _("Base Map"), G_MENU_MODEL (section));
  _bd_window_offline_maps_fill_menu (self, self->narrow_menu);
  for (int i = 0; i < g_menu_model_get_n_items (self->primary_menu); i++)
    {
      g_autoptr(GMenuModel) primary_section = NULL;

      primary_section = g_menu_model_get_item_link (self->primary_menu, i, G_MENU_LINK_SECTION);
      if (primary_section != NULL)
        g_menu_append_section (self->narrow_menu, NULL, primary_section);
    }
}

void
_bd_window_rebuild_map_source_menu (BdWindow *self)
{
  build_map_source_menu (self);
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
  _bd_window_init_offline_maps (self);
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
  double cluster_lat, cluster_lon, cluster_zoom;
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

  /* A click on a cluster zooms in on it, to where it splits. */
  if (bd_report_layer_pick_cluster (self->report_layer, x, y, &n_reports, &cluster_lat,
                                    &cluster_lon, &cluster_zoom))
    {
      double zoom = MIN (cluster_zoom, (double)shumate_viewport_get_max_zoom_level (viewport));

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

  /* A shelter, closure, area or alert there: its details (reports won). */
  if (_bd_window_overlays_click (self, x, y, latitude, longitude))
    return;

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

/* The filters: the map draws what the list shows */

/* The wards' extents. A report's ward follows its place: the nearest ward
 * centre (bd_catalog_nearest_ward ()). So a ward's extent here is the box
 * of the part of the city nearer its centre than any other's, found by
 * sampling the city's box (the catalog has centres, not boundaries), and
 * no further from its centre than WARD_REACH times the distance to the
 * nearest other centre: without that, the outer wards' parts would run to
 * the corners of the city's box, out over the sea and the next towns. */
typedef struct
{
  double min_lat, min_lon, max_lat, max_lon;
  gboolean set;
} WardBox;

#define WARD_REACH 1.25

/* The catalog's own measure (equirectangular), in degrees of latitude. */
static double
ward_distance (const BdWard *ward,
               double        latitude,
               double        longitude)
{
  double dx = (longitude - ward->longitude) * cos (latitude * G_PI / 180.0);
  double dy = latitude - ward->latitude;

  return sqrt (dx * dx + dy * dy);
}

static const WardBox *
get_ward_boxes (guint *n_boxes)
{
  static WardBox *boxes = NULL;
  static guint n = 0;

  if (boxes == NULL)
    {
      const BdWard *wards = bd_catalog_get_wards (&n);
      double step_lat = (BD_CITY_MAX_LAT - BD_CITY_MIN_LAT) / WARD_SAMPLES;
      double step_lon = (BD_CITY_MAX_LON - BD_CITY_MIN_LON) / WARD_SAMPLES;
      g_autofree double *reach = g_new (double, MAX (n, 1));

      for (guint w = 0; w < n; w++)
        {
          reach[w] = G_MAXDOUBLE;
          for (guint o = 0; o < n; o++)
            if (o != w)
              reach[w] = MIN (reach[w], WARD_REACH * ward_distance (&wards[o], wards[w].latitude,
                                                                    wards[w].longitude));
        }

      boxes = g_new0 (WardBox, MAX (n, 1));
      for (guint i = 0; i <= WARD_SAMPLES; i++)
        for (guint j = 0; j <= WARD_SAMPLES; j++)
          {
            double lat = BD_CITY_MIN_LAT + i * step_lat;
            double lon = BD_CITY_MIN_LON + j * step_lon;
            const BdWard *ward = bd_catalog_nearest_ward (lat, lon);
            WardBox *box;

            if (ward == NULL || ward_distance (ward, lat, lon) > reach[ward - wards])
              continue;
            box = &boxes[ward - wards];
            if (!box->set)
              {
                box->min_lat = box->max_lat = lat;
                box->min_lon = box->max_lon = lon;
                box->set = TRUE;
              }
            box->min_lat = MIN (box->min_lat, lat - step_lat / 2);
            box->max_lat = MAX (box->max_lat, lat + step_lat / 2);
            box->min_lon = MIN (box->min_lon, lon - step_lon / 2);
            box->max_lon = MAX (box->max_lon, lon + step_lon / 2);
          }
    }

  *n_boxes = n;
  return boxes;
}

gboolean
_bd_window_get_ward_extent (const char *code,
                            double     *min_lat,
                            double     *min_lon,
                            double     *max_lat,
                            double     *max_lon)
{
  const BdWard *ward = code != NULL ? bd_catalog_lookup_ward (code) : NULL;
  const BdWard *wards;
  const WardBox *boxes;
  guint n = 0;

  if (ward == NULL)
    return FALSE;

  wards = bd_catalog_get_wards (NULL);
  boxes = get_ward_boxes (&n);
  if ((guint) (ward - wards) >= n || !boxes[ward - wards].set)
    return FALSE;

  *min_lat = boxes[ward - wards].min_lat;
  *min_lon = boxes[ward - wards].min_lon;
  *max_lat = boxes[ward - wards].max_lat;
  *max_lon = boxes[ward - wards].max_lon;
  return TRUE;
}

static gboolean frame_ward_tick_cb (GtkWidget     *map,
                                    GdkFrameClock *clock,
                                    gpointer       user_data);

/* Shows the whole of ward @code on the map, as large as it fits. A map
 * not laid out yet (the window opening) or folded away (narrow) is framed
 * once it is shown. */
static void
frame_ward (BdWindow   *self,
            const char *code)
{
  ShumateViewport *viewport = _bd_window_get_viewport (self);
  GtkWidget *map = GTK_WIDGET (self->map);
  double min_lat, min_lon, max_lat, max_lon;
  double x0, y0, x1, y1, width, height, zoom, lat, lon;
  guint tick;

  if (!_bd_window_get_ward_extent (code, &min_lat, &min_lon, &max_lat, &max_lon))
    return;

  width = gtk_widget_get_width (map);
  height = gtk_widget_get_height (map);
  if (!gtk_widget_get_mapped (map) || width <= 2 * FRAME_MARGIN || height <= 2 * FRAME_MARGIN)
    {
      g_object_set_data_full (G_OBJECT (map), "bd-frame-ward", g_strdup (code), g_free);
      if (g_object_get_data (G_OBJECT (map), "bd-frame-ward-tick") == NULL)
        {
          tick = gtk_widget_add_tick_callback (map, frame_ward_tick_cb, self, NULL);
          g_object_set_data (G_OBJECT (map), "bd-frame-ward-tick", GUINT_TO_POINTER (tick));
        }
      return;
    }
  g_object_set_data (G_OBJECT (map), "bd-frame-ward", NULL);

  x0 = bd_geo_mercator_x (min_lon);
  x1 = bd_geo_mercator_x (max_lon);
  y0 = bd_geo_mercator_y (max_lat);   /* y grows south */
  y1 = bd_geo_mercator_y (min_lat);

  zoom = log2 (MIN ((width - 2 * FRAME_MARGIN) / ((x1 - x0) * 256.0),
                    (height - 2 * FRAME_MARGIN) / ((y1 - y0) * 256.0)));
  zoom = CLAMP (zoom, (double) shumate_viewport_get_min_zoom_level (viewport),
                (double) shumate_viewport_get_max_zoom_level (viewport));

  lon = (x0 + x1) / 2.0 * 360.0 - 180.0;
  lat = atan (sinh (G_PI * (1.0 - (y0 + y1)))) * 180.0 / G_PI;
  shumate_map_go_to_full (_bd_window_get_map (self), lat, lon, zoom);
}

/* Runs while the map is shown: frames the ward waiting for it. */
static gboolean
frame_ward_tick_cb (GtkWidget     *map,
                    GdkFrameClock *clock,
                    gpointer       user_data)
{
  BdWindow *self = user_data;
  g_autofree char *code = NULL;

  if (gtk_widget_get_width (map) <= 2 * FRAME_MARGIN || gtk_widget_get_height (map) <= 2 * FRAME_MARGIN)
    return G_SOURCE_CONTINUE;

  g_object_set_data (G_OBJECT (map), "bd-frame-ward-tick", NULL);
  code = g_strdup (g_object_get_data (G_OBJECT (map), "bd-frame-ward"));
  if (code != NULL)
    frame_ward (self, code);

  return G_SOURCE_REMOVE;
}

static void
sync_layer_filter (BdWindow *self)
{
  g_autofree char *ward = NULL;
  g_autofree char *category = NULL;
  g_autofree char *status = NULL;
  g_autofree char *text = NULL;

  g_object_get (self->report_list,
                "ward", &ward,
                "category", &category,
                "status", &status,
                "text", &text,
                NULL);
  bd_report_layer_set_filter (self->report_layer, ward, category, status, text);
}

static void
on_list_filter_changed_cb (BdWindow   *self,
                           GParamSpec *pspec,
                           GObject    *list)
{
  sync_layer_filter (self);

  /* A ward chosen in the sidebar: show it. */
  if (g_str_equal (g_param_spec_get_name (pspec), "ward"))
    {
      g_autofree char *ward = NULL;

      g_object_get (list, "ward", &ward, NULL);
      if (ward != NULL)
        frame_ward (self, ward);
      else
        g_object_set_data (G_OBJECT (self->map), "bd-frame-ward", NULL);
    }
}

void
_bd_window_init_map_layers (BdWindow *self)
{
  ShumateMap *map;

  self->report_layer = bd_report_layer_new (_bd_window_get_viewport (self), self->store);
  shumate_simple_map_add_overlay_layer (self->map, SHUMATE_LAYER (self->report_layer));

  /* The layer draws what the list shows, and reloads with the store. */
  sync_layer_filter (self);
  for (guint i = 0; i < 4; i++)
    {
      const char *signals[] = { "notify::ward", "notify::category", "notify::status",
                                "notify::text" };

      g_signal_connect_object (self->report_list, signals[i],
                               G_CALLBACK (on_list_filter_changed_cb), self, G_CONNECT_SWAPPED);
    }

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

  /* The server's overlays under the reports, and the layer panel. */
  _bd_window_init_overlays (self);

  /* The Hazard Map Portal's layers in the panel, off until the user turns
   * one on: a hidden layer asks the portal for nothing. */
  {
    guint n_hazards = 0;
    const BdHazardOverlay *hazards = bd_map_sources_get_hazards (&n_hazards);

    for (guint i = 0; i < n_hazards; i++)
      {
        g_autoptr(ShumateMapSource) source = bd_map_sources_new_hazard (hazards[i].id);
        ShumateMapLayer *layer;

        if (source == NULL)
          continue;
        layer = bd_map_sources_new_overlay_layer (_bd_window_get_viewport (self), source, 0.7);
        _bd_window_add_map_layer (self, hazards[i].id, _(hazards[i].name),
                                  SHUMATE_LAYER (layer), FALSE);
      }
  }
}
