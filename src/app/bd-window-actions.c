/* bd-window-actions.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The window's actions: win.new-report, win.new-report-at, win.open-report,
 * win.search, win.undo-delete, win.map-source (the base map setting),
 * win.show-map, win.place-on-map and win.show-sidebar (the pages of the
 * narrow window), win.clear-filters and win.show-tally (the damage tally
 * window). */

#define G_LOG_DOMAIN "bd-window"

#include "config.h"

#include "bd-window-private.h"

#include <glib/gi18n-lib.h>

#include "bd-app-util.h"
#include "bd-catalog.h"
#include "bd-tally-view.h"

static void
new_report_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  BdWindow *self = user_data;
  ShumateViewport *viewport = _bd_window_get_viewport (self);

  _bd_window_request_new (self,
                          shumate_location_get_latitude (SHUMATE_LOCATION (viewport)),
                          shumate_location_get_longitude (SHUMATE_LOCATION (viewport)));
}

static void
new_report_at_activated (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  BdWindow *self = user_data;
  double latitude, longitude;

  g_variant_get (parameter, "(dd)", &latitude, &longitude);
  _bd_window_request_new (self, latitude, longitude);
}

static void
open_report_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  BdWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(BdReport) report = NULL;

  report = bd_store_get_report (self->store, g_variant_get_string (parameter, NULL), &error);
  if (report == NULL || bd_report_get_deleted (report))
    {
      _bd_window_add_toast (self, adw_toast_new (_("This report no longer exists")));
      return;
    }

  _bd_window_request_open (self, report, 0);
}

static void
search_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  BdWindow *self = user_data;

  _bd_window_request_search (self);
}

static void
undo_delete_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  BdWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *actor = bd_dup_actor (self->settings);

  if (!bd_store_restore_report (self->store, g_variant_get_string (parameter, NULL), actor, &error))
    {
      g_autofree char *message = g_strdup_printf (_("The report could not be restored: %s"),
                                                  error->message);
      AdwToast *toast = adw_toast_new (message);

      adw_toast_set_timeout (toast, 0);
      _bd_window_add_toast (self, toast);
      return;
    }

  _bd_window_add_toast (self, adw_toast_new (_("Report restored")));
}

static void
show_map_activated (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  BdWindow *self = user_data;

  /* While editing, the map is shown to place the report. */
  _bd_window_show_map_page (self, bd_window_get_editing (self));
}

static void
place_on_map_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  BdWindow *self = user_data;

  _bd_window_show_map_page (self, TRUE);
}

static void
show_sidebar_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  BdWindow *self = user_data;

  _bd_window_show_sidebar_page (self);
}

static void
clear_filters_activated (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  BdWindow *self = user_data;

  _bd_window_clear_filters (self);
}

static void
show_tally_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  BdWindow *self = user_data;
  g_autofree char *actor = bd_dup_actor (self->settings);
  GtkWidget *view = bd_tally_view_new (self->store, actor);

  gtk_window_set_transient_for (GTK_WINDOW (view), GTK_WINDOW (self));
  gtk_window_set_destroy_with_parent (GTK_WINDOW (view), TRUE);
  gtk_window_present (GTK_WINDOW (view));
}

static void
departments_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  _bd_window_show_departments (BD_WINDOW (user_data));
}

/* A notification was clicked: the alerts' details. */
static void
show_alerts_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  BdWindow *self = user_data;

  bd_alert_banner_show_details (self->alert_banner);
}

/* A notification was clicked: "lat,lon" on the map (a shelter). */
static void
show_place_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  BdWindow *self = user_data;
  g_auto(GStrv) parts = g_strsplit (g_variant_get_string (parameter, NULL), ",", 3);
  ShumateViewport *viewport = _bd_window_get_viewport (self);
  double latitude, longitude;
  char *end = NULL;

  if (g_strv_length (parts) != 2)
    return;
  latitude = g_ascii_strtod (parts[0], &end);
  if (end == parts[0] || *end != '\0')
    return;
  longitude = g_ascii_strtod (parts[1], &end);
  if (end == parts[1] || *end != '\0' || !bd_catalog_point_in_city (latitude, longitude))
    return;

  _bd_window_show_map_page (self, FALSE);
  shumate_map_center_on (_bd_window_get_map (self), latitude, longitude);
  if (shumate_viewport_get_zoom_level (viewport) < 15)
    shumate_viewport_set_zoom_level (viewport, 15);
}

static const GActionEntry win_entries[] = {
  { "show-alerts", show_alerts_activated },
  { "show-place", show_place_activated, "s" },
  { "show-tally", show_tally_activated },
  { "new-report", new_report_activated },
  { "new-report-at", new_report_at_activated, "(dd)" },
  { "open-report", open_report_activated, "s" },
  { "search", search_activated },
  { "undo-delete", undo_delete_activated, "s" },
  { "show-map", show_map_activated },
  { "place-on-map", place_on_map_activated },
  { "show-sidebar", show_sidebar_activated },
  { "clear-filters", clear_filters_activated },
  { "departments", departments_activated },
};

void
_bd_window_init_actions (BdWindow *self)
{
  g_autoptr(GAction) map_source_action = NULL;

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_entries,
                                   G_N_ELEMENTS (win_entries), self);

  _bd_window_init_io_actions (self);

  map_source_action = g_settings_create_action (self->settings, "map-source");
  g_action_map_add_action (G_ACTION_MAP (self), map_source_action);
}
