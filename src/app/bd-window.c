/* bd-window.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-window"

#include "config.h"

#include "bd-window-private.h"

#include <math.h>
#include <glib/gi18n-lib.h>

#include "bd-app-util.h"
#include "bd-combo-search.h"
#include "bd-catalog.h"
#include "bd-report-layer.h"
#include "bd-report-list.h"
#include "bd-report-row.h"
#include "bd-sync-indicator.h"

#define SCHEMA_ID "io.github.bosai_desk.BosaiDesk"

G_DEFINE_FINAL_TYPE (BdWindow, bd_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_STORE,
  PROP_OFFLINE_MAP,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

ShumateViewport *
_bd_window_get_viewport (BdWindow *self)
{
  return shumate_simple_map_get_viewport (self->map);
}

ShumateMap *
_bd_window_get_map (BdWindow *self)
{
  return shumate_simple_map_get_map (self->map);
}

void
_bd_window_add_toast (BdWindow *self,
                      AdwToast *toast)
{
  bd_toast_queue_add (self->toasts, toast);
}

/* Sync: the indicator follows the application's BdSync. */

static void
on_application_changed_cb (BdWindow   *self,
                           GParamSpec *pspec,
                           gpointer    user_data)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));

  g_clear_pointer (&self->sync_binding, g_binding_unbind);
  if (BD_IS_APPLICATION (application))
    self->sync_binding = g_object_bind_property (application, "sync",
                                                 self->sync_indicator, "sync",
                                                 G_BINDING_SYNC_CREATE);
  else
    bd_sync_indicator_set_sync (self->sync_indicator, NULL);
}

/* The list */

static gboolean
filters_active (BdWindow *self);

gboolean
_bd_window_get_filters_active (BdWindow *self)
{
  return filters_active (self);
}

static gboolean
filters_active (BdWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  return gtk_drop_down_get_selected (self->ward_dropdown) > 0 ||
         gtk_drop_down_get_selected (self->category_dropdown) > 0 ||
         gtk_drop_down_get_selected (self->status_dropdown) > 0 ||
         _bd_window_department_filter_active (self) ||
         (text != NULL && text[0] != '\0');
}

static void
update_count (BdWindow *self)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->report_list));
  gboolean loading = bd_report_list_get_loading (self->report_list);
  g_autofree char *text = NULL;

  text = g_strdup_printf (ngettext ("%u report", "%u reports", n_items), n_items);
  gtk_label_set_text (self->count_label, text);

  gtk_widget_set_visible (GTK_WIDGET (self->clear_filters_button), filters_active (self));
  gtk_spinner_set_spinning (self->loading_spinner, loading);
  gtk_widget_set_visible (GTK_WIDGET (self->loading_spinner), loading);

  if (n_items > 0)
    {
      gtk_stack_set_visible_child_name (self->list_stack, "list");
      return;
    }

  if (filters_active (self))
    {
      adw_status_page_set_icon_name (self->empty_page, "system-search-symbolic");
      adw_status_page_set_title (self->empty_page, _("No Matching Reports"));
      adw_status_page_set_description (self->empty_page, _("Try another search or filter"));
    }
  else
    {
      adw_status_page_set_icon_name (self->empty_page, "mark-location-symbolic");
      adw_status_page_set_title (self->empty_page, _("No Reports"));
      adw_status_page_set_description (self->empty_page, _("Click the map to report damage there"));
    }

  gtk_stack_set_visible_child_name (self->list_stack, "empty");
}

/* Selects and shows the saved report once the list holds it, or says
 * that the filters hide it. */
static void
reveal_saved_report (BdWindow *self)
{
  guint position;

  if (self->reveal_rowid == 0 || bd_report_list_get_loading (self->report_list))
    return;

  position = bd_report_list_find_rowid (self->report_list, self->reveal_rowid);
  if (position != G_MAXUINT)
    {
      self->reveal_rowid = 0;
      self->hidden_rowid = 0;
      gtk_single_selection_set_selected (self->selection, position);
      gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
      return;
    }

  if (filters_active (self))
    {
      AdwToast *toast = adw_toast_new (_("The saved report is hidden by the filters"));

      adw_toast_set_button_label (toast, _("Clear _Filters"));
      adw_toast_set_action_name (toast, "win.clear-filters");
      adw_toast_set_timeout (toast, 10);
      _bd_window_add_toast (self, toast);
      self->hidden_rowid = self->reveal_rowid;
    }

  self->reveal_rowid = 0;
}

static void
on_store_changed_cb (BdStore    *store,
                     int         change,
                     const char *report_id,
                     gint64      rowid,
                     BdWindow   *self)
{
  if (report_id == NULL)
    return;

  g_free (self->changed_id);
  self->changed_id = g_strdup (report_id);
  self->changed_rowid = rowid;
}

static void
on_sort_changed_cb (BdWindow    *self,
                    GParamSpec  *pspec,
                    GtkDropDown *dropdown)
{
  static const BdQuerySort sorts[] = {
    BD_QUERY_SORT_OBSERVED,
    BD_QUERY_SORT_UPDATED,
    BD_QUERY_SORT_SEVERITY,
  };
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (self->report_list == NULL || selected >= G_N_ELEMENTS (sorts))
    return;

  bd_report_list_set_sort (self->report_list, sorts[selected]);
}

/* A filter of another file changed (bd-window-workflow.c). */
void
_bd_window_filters_changed (BdWindow *self)
{
  update_count (self);
}

/* The order of the list is kept in the settings ("list-sort") by name,
 * so that a change of the drop-down's items cannot mix them up. */
static const char * const sort_names[] = { "observed", "updated", "severity" };

static gboolean
sort_from_setting (GValue   *value,
                   GVariant *variant,
                   gpointer  user_data)
{
  const char *name = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (sort_names); i++)
    if (g_strcmp0 (name, sort_names[i]) == 0)
      {
        g_value_set_uint (value, i);
        return TRUE;
      }

  return FALSE;
}

static GVariant *
sort_to_setting (const GValue       *value,
                 const GVariantType *expected_type,
                 gpointer            user_data)
{
  guint selected = g_value_get_uint (value);

  if (selected >= G_N_ELEMENTS (sort_names))
    return NULL;
  return g_variant_new_string (sort_names[selected]);
}

static void
bind_sort_setting (BdWindow *self)
{
  g_settings_bind_with_mapping (self->settings, "list-sort",
                                self->sort_dropdown, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                sort_from_setting, sort_to_setting, NULL, NULL);
}

void
_bd_window_clear_filters (BdWindow *self)
{
  if (self->hidden_rowid != 0)
    self->reveal_rowid = self->hidden_rowid;
  self->hidden_rowid = 0;

  gtk_drop_down_set_selected (self->ward_dropdown, 0);
  gtk_drop_down_set_selected (self->category_dropdown, 0);
  gtk_drop_down_set_selected (self->status_dropdown, 0);
  _bd_window_clear_department_filter (self);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  update_count (self);

  reveal_saved_report (self);
}

static void
on_list_items_changed_cb (GListModel *model,
                          guint       position,
                          guint       removed,
                          guint       added,
                          BdWindow   *self)
{
  update_count (self);
}

static void
on_list_loading_changed_cb (BdReportList *list,
                            GParamSpec   *pspec,
                            BdWindow     *self)
{
  update_count (self);
  reveal_saved_report (self);
}

static void
on_search_entry_changed_cb (BdWindow       *self,
                            GtkSearchEntry *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autofree char *stripped = g_strstrip (g_strdup (text != NULL ? text : ""));

  /* The list debounces filter changes itself. */
  bd_report_list_set_text (self->report_list, stripped[0] != '\0' ? stripped : NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->clear_filters_button), filters_active (self));
}

/* A click on the search icon goes on to the entry, so that what is typed
 * next is searched for. */
static void
on_search_button_clicked_cb (BdWindow  *self,
                             GtkButton *button)
{
  if (gtk_toggle_button_get_active (self->search_button))
    _bd_window_request_search (self);
}

static void
on_search_entry_stop_search_cb (BdWindow       *self,
                                GtkSearchEntry *entry)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
}

static void
on_filter_changed_cb (BdWindow    *self,
                      GParamSpec  *pspec,
                      GtkDropDown *dropdown)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (self->report_list == NULL)
    return;

  if (dropdown == self->ward_dropdown)
    {
      guint n_wards = 0;
      const BdWard *wards = bd_catalog_get_wards (&n_wards);

      bd_report_list_set_ward (self->report_list,
                               selected > 0 && selected <= n_wards ? wards[selected - 1].code : NULL);
    }
  else if (dropdown == self->category_dropdown)
    {
      guint n_categories = 0;
      const BdCategory *categories = bd_catalog_get_categories (&n_categories);

      bd_report_list_set_category (self->report_list,
                                   selected > 0 && selected <= n_categories ? categories[selected - 1].code : NULL);
    }
  else if (dropdown == self->status_dropdown)
    {
      guint n_statuses = 0;
      const BdStatus *statuses = bd_catalog_get_statuses (&n_statuses);

      bd_report_list_set_status (self->report_list,
                                 selected > 0 && selected <= n_statuses ? statuses[selected - 1].code : NULL);
    }

  update_count (self);
}

static void
fill_filter_models (BdWindow *self)
{
  const BdWard *wards;
  const BdCategory *categories;
  const BdStatus *statuses;
  guint n_wards = 0, n_categories = 0, n_statuses = 0;

  self->ward_filter_model = gtk_string_list_new (NULL);
  gtk_string_list_append (self->ward_filter_model, _("Any ward"));
  wards = bd_catalog_get_wards (&n_wards);
  for (guint i = 0; i < n_wards; i++)
    {
      g_autofree char *label = bd_dup_catalog_label (wards[i].name_ja, wards[i].name_en);

      gtk_string_list_append (self->ward_filter_model, label);
    }

  self->category_filter_model = gtk_string_list_new (NULL);
  gtk_string_list_append (self->category_filter_model, _("Any kind"));
  categories = bd_catalog_get_categories (&n_categories);
  for (guint i = 0; i < n_categories; i++)
    {
      g_autofree char *label = bd_dup_catalog_label (categories[i].name_ja, categories[i].name_en);

      gtk_string_list_append (self->category_filter_model, label);
    }

  self->status_filter_model = gtk_string_list_new (NULL);
  gtk_string_list_append (self->status_filter_model, _("Any status"));
  statuses = bd_catalog_get_statuses (&n_statuses);
  for (guint i = 0; i < n_statuses; i++)
    {
      g_autofree char *label = bd_dup_catalog_label (statuses[i].name_ja, statuses[i].name_en);

      gtk_string_list_append (self->status_filter_model, label);
    }

  gtk_drop_down_set_model (self->ward_dropdown, G_LIST_MODEL (self->ward_filter_model));
  gtk_drop_down_set_model (self->category_dropdown, G_LIST_MODEL (self->category_filter_model));
  gtk_drop_down_set_model (self->status_dropdown, G_LIST_MODEL (self->status_filter_model));
  bd_drop_down_find_anywhere (self->ward_dropdown);
  bd_drop_down_find_anywhere (self->category_dropdown);
}

static void
on_factory_setup_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *item,
                     gpointer                  user_data)
{
  BdWindow *self = user_data;
  GtkWidget *row = bd_report_row_new ();

  /* the row looks up its report's conflicts */
  bd_report_row_set_store (BD_REPORT_ROW (row), self->store);
  gtk_list_item_set_child (item, row);
}

static void
on_factory_bind_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *item,
                    gpointer                  user_data)
{
  bd_report_row_set_report (BD_REPORT_ROW (gtk_list_item_get_child (item)),
                            gtk_list_item_get_item (item));
}

static void
on_factory_unbind_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *item,
                      gpointer                  user_data)
{
  bd_report_row_set_report (BD_REPORT_ROW (gtk_list_item_get_child (item)), NULL);
}

/* Layout: wide, the sidebar (list or editor) beside the map; narrow
 * (the leaflet folded), each of them a page. */

/* Whether the window is laid out narrow: the leaflet's "folded", once
 * applied (or, before the first allocation, what the restored width will
 * give). */
static gboolean
is_folded (BdWindow *self)
{
  return self->narrow;
}

static gboolean
map_page_shown (BdWindow *self)
{
  return g_strcmp0 (adw_leaflet_get_visible_child_name (self->leaflet), "map") == 0;
}

static void
update_navigation (BdWindow *self)
{
  gboolean folded = is_folded (self);
  gboolean on_map = map_page_shown (self);

  if (!folded || !on_map)
    self->placing = FALSE;

  gtk_widget_set_visible (GTK_WIDGET (self->back_button), folded && on_map);
  gtk_widget_set_visible (GTK_WIDGET (self->map_button), folded && !on_map);
  gtk_widget_set_visible (GTK_WIDGET (self->flap_toggle), !folded);
  gtk_widget_set_visible (self->place_bar, folded && on_map && self->placing);

  gtk_widget_set_tooltip_text (GTK_WIDGET (self->back_button),
                               bd_window_get_editing (self) ? _("Back to the Report")
                                                            : _("Back to the Reports"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->back_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  gtk_widget_get_tooltip_text (GTK_WIDGET (self->back_button)),
                                  -1);
}

static void
show_sidebar (BdWindow *self)
{
  gtk_toggle_button_set_active (self->flap_toggle, TRUE);
  if (is_folded (self))
    adw_leaflet_set_visible_child_name (self->leaflet, "sidebar");
  update_navigation (self);
}

void
_bd_window_show_sidebar_page (BdWindow *self)
{
  show_sidebar (self);
}

void
_bd_window_show_map_page (BdWindow *self,
                          gboolean  placing)
{
  adw_leaflet_set_visible_child_name (self->leaflet, "map");
  self->placing = placing && is_folded (self) && bd_window_get_editing (self);
  update_navigation (self);
}

void
_bd_window_placed (BdWindow *self)
{
  if (self->placing)
    show_sidebar (self);
}

/* Whether the window is too narrow for the sidebar beside the map. Not
 * only the leaflet's own measure: the wide header (the whole of it in
 * English) needs about 820 px, and a window held that wide by its header
 * would never fold. So below WIDE_MIN_WIDTH the leaflet may not unfold,
 * and the header condenses with it. */
#define WIDE_MIN_WIDTH 860
/* Narrower than this, "New Report" shows only its icon. */
#define COMPACT_WIDTH 560

static gboolean
width_folds (BdWindow *self,
             int       width)
{
  return width > 0 && width < WIDE_MIN_WIDTH;
}

static int
current_width (BdWindow *self)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (self));
  int width = 0, height = 0;

  if (surface != NULL && gdk_surface_get_width (surface) > 0)
    return gdk_surface_get_width (surface);

  /* Both pointers: GTK 4.8 writes through each. */
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  return width;
}

static void
on_flap_toggle_active_cb (BdWindow        *self,
                          GParamSpec      *pspec,
                          GtkToggleButton *toggle)
{
  gboolean shown = gtk_toggle_button_get_active (toggle) || is_folded (self);

  gtk_widget_set_visible (GTK_WIDGET (self->sidebar_stack), shown);
  gtk_widget_set_visible (self->leaflet_separator, shown);
}

static void
set_narrow (BdWindow *self,
            gboolean  folded)
{
  self->narrow = folded;

  if (folded)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self), "bd-narrow");
      /* The sidebar is a page of its own: never hidden. */
      if (!gtk_toggle_button_get_active (self->flap_toggle))
        adw_leaflet_set_visible_child_name (self->leaflet, "map");
      gtk_widget_set_visible (GTK_WIDGET (self->sidebar_stack), TRUE);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self), "bd-narrow");
      gtk_toggle_button_set_active (self->flap_toggle, TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->sidebar_stack), TRUE);
      gtk_widget_set_visible (self->leaflet_separator, TRUE);
    }

  /* Only the icon where there is no room for the label. */
  /* Only the icon where there is no room for the label. With its label the
   * button is named by it (an accessible label as well would be read
   * twice); with the icon alone it needs one. */
  if (folded && current_width (self) < COMPACT_WIDTH)
    {
      gtk_button_set_icon_name (self->new_report_button, "document-new-symbolic");
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->new_report_button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("New Report"), -1);
    }
  else if (gtk_button_get_child (self->new_report_button) != self->new_report_content_kept)
    {
      gtk_button_set_child (self->new_report_button, self->new_report_content_kept);
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self->new_report_button),
                                     GTK_ACCESSIBLE_PROPERTY_LABEL);
    }

  /* The sync status moves below the list, the window keeps only its
   * close button. */
  if (folded != (gtk_widget_get_parent (GTK_WIDGET (self->sync_indicator)) ==
                 GTK_WIDGET (self->narrow_status_box)))
    {
      g_autoptr(GtkWidget) indicator = g_object_ref (GTK_WIDGET (self->sync_indicator));

      if (folded)
        {
          adw_header_bar_remove (self->header_bar, indicator);
          gtk_box_append (self->narrow_status_box, indicator);
        }
      else
        {
          gtk_box_remove (self->narrow_status_box, indicator);
          adw_header_bar_pack_start (self->header_bar, indicator);
        }
    }
  gtk_widget_set_visible (GTK_WIDGET (self->narrow_status_box), folded);
  adw_header_bar_set_decoration_layout (self->header_bar, folded ? ":close" : NULL);
  /* The title would push the buttons out (the header centres it). */
  gtk_widget_set_visible (GTK_WIDGET (self->window_title), !folded);

  /* The base map moves into the main menu. */
  gtk_widget_set_visible (GTK_WIDGET (self->map_source_button), !folded);
  gtk_menu_button_set_menu_model (self->main_menu_button,
                                  folded ? G_MENU_MODEL (self->narrow_menu) : self->primary_menu);

  update_navigation (self);
}

static gboolean
apply_folded_cb (gpointer user_data)
{
  BdWindow *self = user_data;
  gboolean narrow_width = width_folds (self, current_width (self));

  self->fold_idle_id = 0;
  adw_leaflet_set_can_unfold (self->leaflet, !narrow_width);
  set_narrow (self, narrow_width || adw_leaflet_get_folded (self->leaflet));

  return G_SOURCE_REMOVE;
}

/* "folded" changes while the leaflet is being allocated: the header is
 * changed after that, not in the middle of it. */
static void
on_leaflet_folded_cb (BdWindow   *self,
                      GParamSpec *pspec,
                      AdwLeaflet *leaflet)
{
  if (self->fold_idle_id == 0)
    self->fold_idle_id = g_idle_add (apply_folded_cb, self);
}

static void
on_surface_layout_cb (GdkSurface *surface,
                      int         width,
                      int         height,
                      BdWindow   *self)
{
  gboolean compact = gtk_button_get_child (GTK_BUTTON (self->new_report_button)) !=
                     self->new_report_content_kept;

  if (width_folds (self, width) != !adw_leaflet_get_can_unfold (self->leaflet) ||
      (self->narrow && compact != (width < COMPACT_WIDTH)))
    on_leaflet_folded_cb (self, NULL, self->leaflet);
}

static void
on_realize_cb (BdWindow *self,
               gpointer  user_data)
{
  g_signal_connect_object (gtk_native_get_surface (GTK_NATIVE (self)), "layout",
                           G_CALLBACK (on_surface_layout_cb), self, 0);
}

static void
on_leaflet_visible_child_cb (BdWindow   *self,
                             GParamSpec *pspec,
                             AdwLeaflet *leaflet)
{
  update_navigation (self);
}

/* The editor and the map */

static void
show_list (BdWindow *self)
{
  gtk_stack_set_visible_child_name (self->sidebar_stack, "list");
  _bd_window_hide_marker (self);
  if (self->report_layer != NULL)
    bd_report_layer_set_selected (self->report_layer, 0);
}

static void
open_in_editor (BdWindow *self,
                BdReport *report,
                gboolean  is_new,
                gint64    rowid)
{
  double latitude = bd_report_get_latitude (report);
  double longitude = bd_report_get_longitude (report);

  bd_report_editor_set_report (self->editor, report, is_new);
  gtk_stack_set_visible_child_name (self->sidebar_stack, "editor");
  show_sidebar (self);
  _bd_window_show_marker (self, latitude, longitude);

  if (self->report_layer != NULL)
    bd_report_layer_set_selected (self->report_layer, rowid);

  if (!is_new)
    shumate_map_center_on (_bd_window_get_map (self), latitude, longitude);
  else
    gtk_widget_grab_focus (GTK_WIDGET (bd_report_editor_get_title_row (self->editor)));
}

static void
new_report_at (BdWindow *self,
               double    latitude,
               double    longitude)
{
  g_autoptr(BdReport) report = NULL;

  if (!bd_catalog_point_in_city (latitude, longitude))
    {
      _bd_window_add_toast (self, adw_toast_new (_("This place is outside Osaka City: reports must be inside the city")));
      return;
    }

  report = bd_report_new ();
  bd_report_set_location (report, latitude, longitude);
  open_in_editor (self, report, TRUE, 0);
}

static void
search (BdWindow *self)
{
  show_list (self);
  show_sidebar (self);
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
run_pending (BdWindow *self)
{
  PendingKind kind = self->pending;
  g_autoptr(BdReport) report = g_steal_pointer (&self->pending_report);

  self->pending = PENDING_NONE;

  switch (kind)
    {
    case PENDING_OPEN:
      if (report != NULL)
        open_in_editor (self, report, FALSE, self->pending_rowid);
      break;

    case PENDING_NEW:
      new_report_at (self, self->pending_lat, self->pending_lon);
      break;

    case PENDING_SEARCH:
      search (self);
      break;

    case PENDING_NONE:
    default:
      break;
    }
}

static void
on_leave_editor_response_cb (AdwMessageDialog *dialog,
                             const char       *response,
                             BdWindow         *self)
{
  if (g_strcmp0 (response, "discard") == 0)
    {
      bd_report_editor_set_report (self->editor, NULL, FALSE);
      show_list (self);
      run_pending (self);
    }
  else
    {
      self->pending = PENDING_NONE;
      g_clear_object (&self->pending_report);
    }
}

/* Runs the pending operation now, or after asking whether to drop the
 * changes of the report being edited. */
static void
leave_editor_then_run_pending (BdWindow *self)
{
  GtkWidget *dialog;

  if (!bd_window_get_editing (self) || !bd_report_editor_get_modified (self->editor))
    {
      run_pending (self);
      return;
    }

  dialog = bd_discard_changes_dialog_new (GTK_WINDOW (self));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_leave_editor_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
_bd_window_request_open (BdWindow *self,
                         BdReport *report,
                         gint64    rowid)
{
  g_clear_object (&self->pending_report);
  self->pending = PENDING_OPEN;
  self->pending_report = g_object_ref (report);
  self->pending_rowid = rowid;
  leave_editor_then_run_pending (self);
}

void
_bd_window_request_new (BdWindow *self,
                        double    latitude,
                        double    longitude)
{
  g_clear_object (&self->pending_report);
  self->pending = PENDING_NEW;
  self->pending_lat = latitude;
  self->pending_lon = longitude;
  leave_editor_then_run_pending (self);
}

void
_bd_window_request_search (BdWindow *self)
{
  g_clear_object (&self->pending_report);
  self->pending = PENDING_SEARCH;
  leave_editor_then_run_pending (self);
}

static void
on_list_view_activate_cb (BdWindow    *self,
                          guint        position,
                          GtkListView *list_view)
{
  g_autoptr(BdReport) report = NULL;

  report = g_list_model_get_item (G_LIST_MODEL (self->report_list), position);
  if (report != NULL)
    _bd_window_request_open (self, report, 0);
}

/* The editor moved the pin itself (a ward chosen, coordinates typed, the
 * user's location): the marker follows and comes into view. */
static void
on_editor_location_changed_cb (BdWindow       *self,
                               double          latitude,
                               double          longitude,
                               BdReportEditor *editor)
{
  _bd_window_show_marker (self, latitude, longitude);
  shumate_map_center_on (_bd_window_get_map (self), latitude, longitude);
}

static void
on_editor_saved_cb (BdWindow       *self,
                    BdReport       *report,
                    BdReportEditor *editor)
{
  show_list (self);
  _bd_window_add_toast (self, adw_toast_new (_("Report saved")));

  /* Select it in the list once the list has it. */
  if (report != NULL && g_strcmp0 (self->changed_id, bd_report_get_id (report)) == 0)
    {
      self->reveal_rowid = self->changed_rowid;
      self->hidden_rowid = 0;
      reveal_saved_report (self);
    }
}

static void
on_editor_deleted_cb (BdWindow       *self,
                      const char     *id,
                      BdReportEditor *editor)
{
  AdwToast *toast;

  show_list (self);

  toast = adw_toast_new (_("Report deleted"));
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "win.undo-delete");
  adw_toast_set_action_target_value (toast, g_variant_new_string (id));
  adw_toast_set_timeout (toast, 10);
  _bd_window_add_toast (self, toast);
}

static void
on_editor_cancelled_cb (BdWindow       *self,
                        BdReportEditor *editor)
{
  show_list (self);
}

static void
on_editor_failed_cb (BdWindow       *self,
                     const char     *message,
                     BdReportEditor *editor)
{
  AdwToast *toast = adw_toast_new (message);

  /* Stays until dismissed: the editor keeps everything typed. */
  adw_toast_set_timeout (toast, 0);
  _bd_window_add_toast (self, toast);
}

/* Window state */

static void
save_state (BdWindow *self)
{
  ShumateViewport *viewport = _bd_window_get_viewport (self);
  int width = 0, height = 0;
  gboolean maximized;

  maximized = gtk_window_is_maximized (GTK_WINDOW (self));
  g_settings_set_boolean (self->settings, "window-maximized", maximized);
  if (!maximized)
    {
      gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
      if (width > 0 && height > 0)
        {
          g_settings_set_int (self->settings, "window-width", width);
          g_settings_set_int (self->settings, "window-height", height);
        }
    }

  g_settings_set_double (self->settings, "map-latitude",
                         shumate_location_get_latitude (SHUMATE_LOCATION (viewport)));
  g_settings_set_double (self->settings, "map-longitude",
                         shumate_location_get_longitude (SHUMATE_LOCATION (viewport)));
  g_settings_set_double (self->settings, "map-zoom",
                         shumate_viewport_get_zoom_level (viewport));
}

static void
restore_state (BdWindow *self)
{
  ShumateViewport *viewport = _bd_window_get_viewport (self);
  double latitude = g_settings_get_double (self->settings, "map-latitude");
  double longitude = g_settings_get_double (self->settings, "map-longitude");
  double zoom = g_settings_get_double (self->settings, "map-zoom");
  int width = g_settings_get_int (self->settings, "window-width");
  int height = g_settings_get_int (self->settings, "window-height");

  self->restored_width = MAX (width, 360);
  gtk_window_set_default_size (GTK_WINDOW (self), self->restored_width, MAX (height, 480));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  if (!isfinite (latitude) || !isfinite (longitude) || fabs (latitude) > 85 || fabs (longitude) > 180)
    {
      latitude = BD_CITY_CENTER_LAT;
      longitude = BD_CITY_CENTER_LON;
    }
  if (!isfinite (zoom) || zoom < 1 || zoom > 20)
    zoom = 12;

  shumate_viewport_set_zoom_level (viewport, zoom);
  shumate_location_set_location (SHUMATE_LOCATION (viewport), latitude, longitude);
}

static void
on_close_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      BdWindow         *self)
{
  if (g_strcmp0 (response, "save") == 0)
    {
      gtk_widget_activate_action (GTK_WIDGET (self->editor), "editor.save", NULL);
      if (bd_window_get_editing (self))
        return;   /* saving failed: the toast says why, nothing is lost */
    }
  else if (g_strcmp0 (response, "discard") != 0)
    return;

  self->force_close = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

static gboolean
bd_window_close_request (GtkWindow *window)
{
  BdWindow *self = BD_WINDOW (window);

  if (!self->force_close &&
      bd_window_get_editing (self) &&
      bd_report_editor_get_modified (self->editor))
    {
      GtkWidget *dialog;

      dialog = adw_message_dialog_new (window,
                                       _("Save Changes?"),
                                       _("The report being edited has changes that have not been saved."));
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                        "cancel", _("_Cancel"),
                                        "discard", _("_Discard"),
                                        "save", _("_Save"),
                                        NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                                  ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                                  ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "save",
                                               bd_report_editor_get_valid (self->editor));
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
      adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
      g_signal_connect_object (dialog, "response", G_CALLBACK (on_close_response_cb), self, 0);
      gtk_window_present (GTK_WINDOW (dialog));
      return TRUE;
    }

  save_state (self);

  return GTK_WINDOW_CLASS (bd_window_parent_class)->close_request (window);
}

/* GObject */

static void
bd_window_constructed (GObject *object)
{
  BdWindow *self = (BdWindow *)object;
  g_autoptr(GtkListItemFactory) factory = NULL;

  G_OBJECT_CLASS (bd_window_parent_class)->constructed (object);

  g_assert (BD_IS_STORE (self->store));

  /* The list */
  self->report_list = bd_report_list_new (self->store);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->report_list)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (on_factory_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (on_factory_bind_cb), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (on_factory_unbind_cb), NULL);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect_object (self->report_list, "items-changed",
                           G_CALLBACK (on_list_items_changed_cb), self, 0);
  g_signal_connect_object (self->report_list, "notify::loading",
                           G_CALLBACK (on_list_loading_changed_cb), self, 0);
  g_signal_connect_object (self->store, "changed",
                           G_CALLBACK (on_store_changed_cb), self, 0);
  bind_sort_setting (self);
  on_sort_changed_cb (self, NULL, self->sort_dropdown);

  fill_filter_models (self);
  _bd_window_init_workflow (self);
  update_count (self);

  bd_report_editor_set_store (self->editor, self->store);
  bd_sync_indicator_set_store (self->sync_indicator, self->store);
  bd_alert_banner_set_store (self->alert_banner, self->store);

  _bd_window_init_map_source (self);
  restore_state (self);

  _bd_window_init_map_layers (self);
  _bd_window_init_time (self);

  adw_leaflet_set_can_unfold (self->leaflet, !width_folds (self, self->restored_width));
  set_narrow (self, width_folds (self, self->restored_width));
}

static void
bd_window_dispose (GObject *object)
{
  BdWindow *self = (BdWindow *)object;

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);

  if (self->toasts != NULL)
    bd_toast_queue_clear (self->toasts);
  g_clear_object (&self->toasts);

  g_clear_handle_id (&self->fold_idle_id, g_source_remove);
  _bd_window_dispose_offline_maps (self);
  g_signal_handlers_disconnect_by_func (self, on_application_changed_cb, NULL);
  g_clear_pointer (&self->sync_binding, g_binding_unbind);
  _bd_window_dispose_overlays (self);

  gtk_widget_dispose_template (GTK_WIDGET (self), BD_TYPE_WINDOW);

  /* Owned by the map (widgets): only forget them. */
  self->report_layer = NULL;
  self->marker_layer = NULL;
  self->marker = NULL;
  g_clear_object (&self->selection);
  g_clear_object (&self->report_list);
  g_clear_object (&self->registry);
  g_clear_object (&self->pending_report);
  g_clear_object (&self->ward_filter_model);
  g_clear_object (&self->category_filter_model);
  g_clear_object (&self->status_filter_model);
  _bd_window_dispose_workflow (self);
  _bd_window_dispose_time (self);
  g_clear_object (&self->narrow_menu);
  g_clear_object (&self->primary_menu);
  g_clear_object (&self->new_report_content_kept);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (bd_window_parent_class)->dispose (object);
}

static void
bd_window_finalize (GObject *object)
{
  BdWindow *self = (BdWindow *)object;

  g_clear_pointer (&self->offline_map, g_free);
  g_clear_pointer (&self->changed_id, g_free);

  G_OBJECT_CLASS (bd_window_parent_class)->finalize (object);
}

static void
bd_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  BdWindow *self = BD_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_OFFLINE_MAP:
      g_value_set_string (value, self->offline_map);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  BdWindow *self = BD_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    case PROP_OFFLINE_MAP:
      self->offline_map = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_window_class_init (BdWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = bd_window_constructed;
  object_class->dispose = bd_window_dispose;
  object_class->finalize = bd_window_finalize;
  object_class->get_property = bd_window_get_property;
  object_class->set_property = bd_window_set_property;

  window_class->close_request = bd_window_close_request;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         BD_TYPE_STORE,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_OFFLINE_MAP] =
    g_param_spec_string ("offline-map", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SHUMATE_TYPE_SIMPLE_MAP);
  g_type_ensure (BD_TYPE_REPORT_EDITOR);
  g_type_ensure (BD_TYPE_SYNC_INDICATOR);
  g_type_ensure (BD_TYPE_ALERT_BANNER);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/bd-window.ui");
  gtk_widget_class_bind_template_child (widget_class, BdWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, leaflet_separator);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, flap_toggle);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, map_button);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, new_report_button);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, new_report_content);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, main_menu_button);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, place_bar);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, map_overlay);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, sort_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, narrow_status_box);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, clear_filters_button);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, ward_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, category_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, count_label);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, list_stack);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, list_view);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, sidebar_stack);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, editor);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, map);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, map_source_button);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, map_source_label);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, sync_indicator);
  gtk_widget_class_bind_template_child (widget_class, BdWindow, alert_banner);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_sort_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_flap_toggle_active_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_leaflet_folded_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_leaflet_visible_child_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed_cb);
  _bd_window_class_init_workflow (widget_class);
  gtk_widget_class_bind_template_callback (widget_class, on_list_view_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_editor_saved_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_editor_deleted_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_editor_cancelled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_editor_failed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_editor_location_changed_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_L, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.clear-filters", NULL);
}

static void
bd_window_init (BdWindow *self)
{
  self->settings = g_settings_new (SCHEMA_ID);

  gtk_widget_init_template (GTK_WIDGET (self));

  /* Kept while the header shows the icon alone. */
  self->new_report_content_kept = g_object_ref (GTK_WIDGET (self->new_report_content));
  self->primary_menu = g_object_ref (gtk_menu_button_get_menu_model (self->main_menu_button));
  self->narrow_menu = g_menu_new ();

  /* Japan measures in metres: no miles on the scale. */
  shumate_scale_set_unit (shumate_simple_map_get_scale (self->map), SHUMATE_UNIT_METRIC);

  self->toasts = bd_toast_queue_new (self->toast_overlay);
  _bd_window_init_actions (self);

  g_signal_connect (self, "notify::application", G_CALLBACK (on_application_changed_cb), NULL);
  g_signal_connect_after (self, "realize", G_CALLBACK (on_realize_cb), NULL);

  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self->list_view));
}

/* Public API */

BdWindow *
bd_window_new (BdApplication *application,
               BdStore       *store,
               const char    *offline_map)
{
  g_return_val_if_fail (BD_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (BD_IS_STORE (store), NULL);

  return g_object_new (BD_TYPE_WINDOW,
                       "application", application,
                       "store", store,
                       "offline-map", offline_map,
                       NULL);
}

BdStore *
_bd_window_get_store (BdWindow *self)
{
  g_return_val_if_fail (BD_IS_WINDOW (self), NULL);

  return self->store;
}

BdReportEditor *
_bd_window_get_editor (BdWindow *self)
{
  g_return_val_if_fail (BD_IS_WINDOW (self), NULL);

  return self->editor;
}

GListModel *
_bd_window_get_report_list (BdWindow *self)
{
  g_return_val_if_fail (BD_IS_WINDOW (self), NULL);

  return G_LIST_MODEL (self->report_list);
}

BdReportLayer *
_bd_window_get_report_layer (BdWindow *self)
{
  g_return_val_if_fail (BD_IS_WINDOW (self), NULL);

  return self->report_layer;
}

gboolean
bd_window_get_editing (BdWindow *self)
{
  g_return_val_if_fail (BD_IS_WINDOW (self), FALSE);

  return bd_report_editor_get_report (self->editor) != NULL &&
         g_strcmp0 (gtk_stack_get_visible_child_name (self->sidebar_stack), "editor") == 0;
}

void
bd_window_add_toast (BdWindow   *self,
                     const char *title,
                     const char *button_label,
                     const char *action_name,
                     GVariant   *target)
{
  AdwToast *toast;

  g_return_if_fail (BD_IS_WINDOW (self));
  g_return_if_fail (title != NULL);

  toast = adw_toast_new (title);
  if (button_label != NULL && action_name != NULL)
    {
      adw_toast_set_button_label (toast, button_label);
      adw_toast_set_action_name (toast, action_name);
      if (target != NULL)
        adw_toast_set_action_target_value (toast, target);
    }
  else if (target != NULL)
    g_variant_unref (g_variant_ref_sink (target));

  _bd_window_add_toast (self, toast);
}

BdSyncIndicator *
_bd_window_get_sync_indicator (BdWindow *self)
{
  g_return_val_if_fail (BD_IS_WINDOW (self), NULL);

  return self->sync_indicator;
}

AdwLeaflet *
_bd_window_get_leaflet (BdWindow *self)
{
  g_return_val_if_fail (BD_IS_WINDOW (self), NULL);

  return self->leaflet;
}

/* A template child by its id, for tests. */
GtkWidget *
_bd_window_get_widget (BdWindow   *self,
                       const char *name)
{
  g_return_val_if_fail (BD_IS_WINDOW (self), NULL);

  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (self), BD_TYPE_WINDOW, name));
}

AdwToast *
_bd_window_get_last_toast (BdWindow *self)
{
  g_return_val_if_fail (BD_IS_WINDOW (self), NULL);

  return bd_toast_queue_get_last (self->toasts);
}
