/* bd-window-private.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What the files of BdWindow share (bd-window.c: construction, layout,
 * the list, the editor and the window's state; bd-window-map.c: the map,
 * its sources and clicks; bd-window-actions.c: the win.* actions), and the
 * accessors the tests use. */

#pragma once

#include "bd-window.h"

#include <shumate/shumate.h>

#include "bd-alert-banner.h"
#include "bd-city-tiles.h"
#include "bd-report-editor.h"
#include "bd-report-layer.h"
#include "bd-report-list.h"
#include "bd-sync-indicator.h"
#include "bd-toast-queue.h"

G_BEGIN_DECLS

typedef enum
{
  PENDING_NONE,
  PENDING_OPEN,        /* open pending_report */
  PENDING_NEW,         /* a new report at pending_lat, pending_lon */
  PENDING_SEARCH,      /* show the list and focus the search entry */
} PendingKind;

typedef struct _BdOfflineMaps BdOfflineMaps;
typedef struct _BdOfflineSaveDialog BdOfflineSaveDialog;

struct _BdWindow
{
  AdwApplicationWindow      parent_instance;

  BdStore                  *store;
  char                     *offline_map;
  BdReportList             *report_list;
  GtkSingleSelection       *selection;
  GSettings                *settings;
  ShumateMapSourceRegistry *registry;
  BdReportLayer            *report_layer;
  ShumateMarkerLayer       *marker_layer;
  ShumateMarker            *marker;
  BdToastQueue             *toasts;
  GtkStringList            *ward_filter_model;
  GtkStringList            *category_filter_model;
  GtkStringList            *status_filter_model;

  PendingKind               pending;
  BdReport                 *pending_report;
  gint64                    pending_rowid;
  double                    pending_lat;
  double                    pending_lon;

  gboolean                  force_close;

  /* Finding a saved report: the rowid the store last reported changed
   * (with its id), the report to select once the list is loaded, and the
   * one the filters hide (selected once they are cleared). */
  char                     *changed_id;
  gint64                    changed_rowid;
  gint64                    reveal_rowid;
  gint64                    hidden_rowid;

  /* Narrow (folded) mode: the map page was shown to place the report
   * being edited; back to the editor after the click. */
  gboolean                  placing;
  guint                     fold_idle_id;
  gboolean                  narrow;              /* the narrow layout is applied */
  int                       restored_width;
  GMenuModel               *primary_menu;
  GtkWidget                *new_report_content_kept;  /* while the button shows its icon alone */
  GMenu                    *narrow_menu;        /* the base maps, then primary_menu */
  GBinding                 *sync_binding;

  /* template children */
  AdwToastOverlay          *toast_overlay;
  AdwLeaflet               *leaflet;
  GtkWidget                *leaflet_separator;
  GtkButton                *back_button;
  GtkToggleButton          *flap_toggle;
  GtkButton                *map_button;
  GtkButton                *new_report_button;
  AdwButtonContent         *new_report_content;
  GtkMenuButton            *main_menu_button;
  GtkWidget                *place_bar;
  GtkWidget                *map_overlay;
  GtkDropDown              *sort_dropdown;
  AdwHeaderBar             *header_bar;
  GtkBox                   *narrow_status_box;
  GtkButton                *clear_filters_button;
  GtkToggleButton          *search_button;
  GtkSearchBar             *search_bar;
  GtkSearchEntry           *search_entry;
  GtkDropDown              *ward_dropdown;
  GtkDropDown              *category_dropdown;
  GtkDropDown              *status_dropdown;
  GtkLabel                 *count_label;
  GtkSpinner               *loading_spinner;
  GtkStack                 *list_stack;
  GtkListView              *list_view;
  AdwStatusPage            *empty_page;
  GtkStack                 *sidebar_stack;
  BdReportEditor           *editor;
  ShumateSimpleMap         *map;
  GtkMenuButton            *map_source_button;
  GtkLabel                 *map_source_label;
  AdwWindowTitle           *window_title;
  BdSyncIndicator          *sync_indicator;

  /* bd-window-workflow.c: the department filter */
  GtkDropDown              *department_dropdown;
  GtkStringList            *department_filter_model;
  char                    **department_filter_codes;  /* "" any, "-" unassigned */
  BdAlertBanner            *alert_banner;

  /* bd-window-time.c: the time bar (issue 10, part 7) */
  GtkWidget                *time_bar;
  guint                     time_range_id;
  /* bd-window-offline-maps.c: city maps, offline map files */
  BdOfflineMaps            *offline_maps;
  /* bd-window-overlays.c, bd-window-layers.c */
  struct _BdWindowOverlays *overlays;
};

/* bd-window-workflow.c */
void             _bd_window_class_init_workflow (GtkWidgetClass *widget_class);
/* Reads the store's departments (the labels everyone shows) and fills the
 * department filter. */
void             _bd_window_init_workflow       (BdWindow   *self);
void             _bd_window_dispose_workflow    (BdWindow   *self);
/* The list of departments changed: the filter and the editor follow. */
void             _bd_window_refresh_departments (BdWindow   *self);
gboolean         _bd_window_department_filter_active (BdWindow *self);
void             _bd_window_clear_department_filter  (BdWindow *self);
/* bd-window.c: a filter of another file changed (the count, "clear filters") */
void             _bd_window_filters_changed     (BdWindow   *self);
/* Opens the departments dialog (win.departments). */
void             _bd_window_show_departments    (BdWindow   *self);

/* bd-window.c */
ShumateViewport *_bd_window_get_viewport      (BdWindow   *self);
ShumateMap      *_bd_window_get_map           (BdWindow   *self);
/* Takes ownership of @toast. */
void             _bd_window_add_toast         (BdWindow   *self,
                                               AdwToast   *toast);
/* Each runs at once, or after asking whether to drop the changes of the
 * report being edited. */
void             _bd_window_request_open      (BdWindow   *self,
                                               BdReport   *report,
                                               gint64      rowid);
void             _bd_window_request_new       (BdWindow   *self,
                                               double      latitude,
                                               double      longitude);
void             _bd_window_request_search    (BdWindow   *self);
/* Narrow mode: which page the leaflet shows. @placing: the map is shown
 * to place the report being edited (the editor comes back after a click). */
void             _bd_window_show_map_page     (BdWindow   *self,
                                               gboolean    placing);
void             _bd_window_show_sidebar_page (BdWindow   *self);
/* After a click on the map placed the report being edited. */
void             _bd_window_placed            (BdWindow   *self);
/* Whether a filter or a search hides reports; clears them all. */
gboolean         _bd_window_get_filters_active (BdWindow  *self);
void             _bd_window_clear_filters     (BdWindow   *self);

/* bd-window-offline-maps.c: the city's maps (GET /tiles) and offline map
 * files (the "offline-maps" setting); win.open-map-file,
 * win.save-offline-area; the notice when no tile can load. */
void             _bd_window_init_offline_maps   (BdWindow   *self);
void             _bd_window_dispose_offline_maps (BdWindow  *self);
/* Appends the "City Maps" and "Offline Maps" sections to the base maps. */
void             _bd_window_offline_maps_fill_menu (BdWindow *self,
                                                    GMenu    *menu);
/* A "file:PATH" source not in the registry yet, opened and added (NULL,
 * with a toast, when it does not open). */
ShumateMapSource *_bd_window_offline_maps_resolve (BdWindow  *self,
                                                   const char *id);
/* Opens @path as the base map and remembers it. */
gboolean         _bd_window_open_map_file       (BdWindow    *self,
                                                 const char  *path,
                                                 GError     **error);
/* The dialog for the visible area of the city map shown (NULL, with a
 * toast, when the base map is not a city map). */
BdOfflineSaveDialog *_bd_window_save_offline_area (BdWindow  *self);
/* For the layer panel: the city's tile sets (BdCityTileSet*, copies) that
 * are overlays (or base maps), and a map source for one. */
GPtrArray       *_bd_window_get_city_tile_sets  (BdWindow   *self,
                                                 gboolean    overlays);
ShumateMapSource *_bd_window_new_city_overlay   (BdWindow            *self,
                                                 const BdCityTileSet *set);
void             _bd_window_update_offline_notice (BdWindow *self);
gboolean         _bd_window_offline_notice_visible (BdWindow *self);
/* Tests: -1 asks GNetworkMonitor, 0 offline, 1 online. */
void             _bd_window_set_network_available_for_test (BdWindow *self,
                                                            int       available);

/* bd-window-map.c */
/* The base-map menu built again, the setting applied again (a source was
 * added). */
void             _bd_window_rebuild_map_source_menu (BdWindow *self);
void             _bd_window_reapply_map_source  (BdWindow   *self);
/* Sets up the base map (before the saved place is restored)… */
void             _bd_window_init_map_source   (BdWindow   *self);
/* …then the layers and the click handler. */
void             _bd_window_init_map_layers   (BdWindow   *self);
/* The box framed when ward @code is chosen (the part of the city nearer
 * its centre than any other ward's); FALSE for an unknown code. */
gboolean         _bd_window_get_ward_extent   (const char *code,
                                               double     *min_lat,
                                               double     *min_lon,
                                               double     *max_lat,
                                               double     *max_lon);
/* The marker of the report being edited. */
void             _bd_window_show_marker       (BdWindow   *self,
                                               double      latitude,
                                               double      longitude);
void             _bd_window_hide_marker       (BdWindow   *self);

/* bd-window-overlays.c: the server's overlays (shapes drawn as tiles),
 * their details, and (bd-window-layers.c) the layer panel and legend.
 * _bd_window_init_overlays () runs once the report and marker layers are
 * on the map. */
void             _bd_window_init_overlays     (BdWindow   *self);
void             _bd_window_dispose_overlays  (BdWindow   *self);
/* A click on the map at widget point @x,@y that hit no report: shows the
 * details of the features there (with "New Report Here"); FALSE when none
 * is there. */
gboolean         _bd_window_overlays_click    (BdWindow   *self,
                                               double      x,
                                               double      y,
                                               double      latitude,
                                               double      longitude);
/* Adds @layer (e.g. a hazard overlay; put on the map under the edit
 * marker if it has no parent yet) to the layer panel as @id (kept in the
 * settings) with @label (translated): shown or hidden, faded and moved
 * like the others; it starts above the base map. */
void             _bd_window_add_map_layer     (BdWindow     *self,
                                               const char   *id,
                                               const char   *label,
                                               ShumateLayer *layer,
                                               gboolean      visible_default);
/* An MBTiles file or tile folder as an overlay (id "overlay-file:PATH",
 * shown), remembered in the "overlay-files" setting when @remember. */
gboolean         _bd_window_add_overlay_file  (BdWindow     *self,
                                               const char   *path,
                                               gboolean      remember,
                                               GError      **error);
/* Takes the row @id (a layer added as above) off the panel and the map;
 * the settings keep what they say of it. */
void             _bd_window_remove_map_layer  (BdWindow     *self,
                                               const char   *id);
/* The city's overlay tile sets as rows "city-overlay:NAME" (off by
 * default, with their credit); those no longer listed removed. */
void             _bd_window_sync_city_overlays (BdWindow    *self);

/* bd-window-actions.c */
void             _bd_window_init_actions      (BdWindow   *self);

/* bd-window-io.c: win.import-reports and win.export-reports (a file
 * chooser, then the work on a thread of its own) */
void             _bd_window_init_io_actions   (BdWindow   *self);
/* What the file choosers call; for tests too. The result is a dialog
 * (import, a failed export) or a toast (export). */
void             _bd_window_import_file       (BdWindow   *self,
                                               GFile      *file);
void             _bd_window_export_file       (BdWindow   *self,
                                               GFile      *file);

/* bd-window-time.c: the time bar over the map; the report layer and the
 * list follow its time. */
void             _bd_window_init_time         (BdWindow   *self);
void             _bd_window_dispose_time      (BdWindow   *self);
/* The time shown (unix s; G_MAXINT64: live). */
gint64           _bd_window_get_as_of         (BdWindow   *self);
GtkWidget       *_bd_window_get_time_bar      (BdWindow   *self);
/* bd-window-export.c: win.export-map and win.print-map (issue 10, part 9) */
void             _bd_window_init_export_actions (BdWindow *self);
/* The map as shown, decorated, as PNG at @path (what Export Map… does). */
/* What Export Map and Print Map draw: the title, time and the legends of
 * the layers shown (free with bd_map_export_free ()). */
struct _BdMapExport *_bd_window_new_map_export (BdWindow *self);
gboolean         _bd_window_export_map_png    (BdWindow   *self,
                                               const char *path,
                                               GError    **error);

/* For tests */
BdStore         *_bd_window_get_store         (BdWindow   *self);
BdReportEditor  *_bd_window_get_editor        (BdWindow   *self);
/* The sidebar's list (a BdReportList: BdReport items). */
GListModel      *_bd_window_get_report_list   (BdWindow   *self);
BdReportLayer   *_bd_window_get_report_layer  (BdWindow   *self);
/* The header bar's sync status. */
BdSyncIndicator *_bd_window_get_sync_indicator (BdWindow  *self);
AdwLeaflet      *_bd_window_get_leaflet       (BdWindow   *self);
GtkWidget       *_bd_window_get_widget        (BdWindow   *self,
                                               const char *name);
/* The overlay layer "areas", "closures", "alerts" or "shelters". */
struct _BdShapeLayer *_bd_window_get_overlay_layer (BdWindow *self,
                                               const char *id);
GtkPopover      *_bd_window_get_layer_panel   (BdWindow   *self);
/* Shape builds of the overlays not finished yet (worker threads). */
guint            _bd_window_get_overlays_loading (BdWindow *self);
/* The popover of a feature's details (NULL until first shown). */
GtkPopover      *_bd_window_get_feature_details (BdWindow *self);
/* A control of layer @id's row: @what is "visible" (GtkSwitch), "opacity"
 * (GtkScale), "up", "down", "row"; or "legend" / "features-here" (any @id). */
GtkWidget       *_bd_window_get_layer_control (BdWindow   *self,
                                               const char *id,
                                               const char *what);
/* The last toast shown (NULL if none). */
AdwToast        *_bd_window_get_last_toast    (BdWindow   *self);

G_END_DECLS
