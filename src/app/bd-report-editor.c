/* bd-report-editor.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-report-editor"

#include "config.h"

#include "bd-report-editor.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "bd-app-util.h"
#include "bd-catalog.h"
#include "bd-conflict-row.h"
#include "bd-photo-loader.h"
#include "bd-photo-thumbnail.h"

#define SCHEMA_ID "io.github.bosai_desk.BosaiDesk"

struct _BdReportEditor
{
  AdwBin            parent_instance;

  BdStore          *store;
  BdReport         *report;      /* the working copy */
  BdReport         *original;    /* as loaded, to tell whether it was modified */
  GSettings        *settings;
  GHashTable       *count_spins; /* key → GtkSpinButton (borrowed) */
  GHashTable       *remembered;  /* key → double*: counts typed, kept across category changes */
  GPtrArray        *count_rows;  /* rows added to counts_group */
  GtkStringList    *ward_model;
  GtkStringList    *category_model;
  GtkStringList    *status_model;
  GtkSizeGroup     *unit_group;  /* the unit labels after the count spin buttons */

  guint             loading : 1;
  guint             is_new : 1;
  guint             ward_touched : 1;
  guint             valid : 1;
  guint             observed_ok : 1;
  guint             settling : 1;    /* our own bd_store_settle_conflict () is running */
  guint             decoding : 1;    /* a thumbnail is being decoded */

  /* Photos: loads and thumbnails run on worker threads with this
   * cancellable, replaced whenever another report is opened. */
  GCancellable     *photo_cancellable;
  GHashTable       *thumbnails;      /* sha256 → GdkTexture */
  GHashTable       *photo_states;    /* sha256 → BdPhotoState (ON_SERVER, BROKEN) */
  GQueue            decode_queue;    /* sha256s waiting for a thumbnail, one at a time */
  char             *decoding_sha;
  guint             n_photo_loads;   /* files being read */
  GtkFileChooserNative *chooser;

  /* template children */
  GtkLabel         *heading_label;
  GtkWidget        *conflict_box;
  GtkBox           *conflict_list;
  GtkWidget        *add_photo_button;
  GtkWidget        *photos_empty_label;
  GtkFlowBox       *photo_box;
  GtkWidget        *photo_progress;
  GtkSpinner       *photo_spinner;
  GtkLabel         *photo_error;
  GtkScrolledWindow *scroller;
  AdwEntryRow      *title_row;
  AdwComboRow      *category_row;
  GtkToggleButton  *severity1;
  GtkToggleButton  *severity2;
  GtkToggleButton  *severity3;
  GtkToggleButton  *severity4;
  AdwActionRow     *location_row;
  AdwComboRow      *ward_row;
  AdwComboRow      *status_row;
  AdwEntryRow      *duplicate_row;
  GtkTextView      *description_view;
  AdwPreferencesGroup *counts_group;
  AdwActionRow     *affected_households_row;
  AdwActionRow     *affected_people_row;
  GtkSpinButton    *affected_households_spin;
  GtkSpinButton    *affected_people_spin;
  AdwEntryRow      *reporter_row;
  AdwEntryRow      *observed_row;
  GtkWidget        *counts_error_row;
  GtkLabel         *hint_label;
  GtkWidget        *delete_button;
  GtkWidget        *save_button;

  GtkLabel         *location_error;
  GtkLabel         *ward_error;
  GtkLabel         *category_error;
  GtkLabel         *severity_error;
  GtkLabel         *status_error;
  GtkLabel         *title_error;
  GtkLabel         *description_error;
  GtkLabel         *reporter_error;
  GtkLabel         *observed_error;
  GtkLabel         *counts_error;
  GtkLabel         *affected_error;
  GtkLabel         *duplicate_error;
};

G_DEFINE_FINAL_TYPE (BdReportEditor, bd_report_editor, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STORE,
  PROP_REPORT,
  PROP_VALID,
  N_PROPS
};

enum {
  SAVED,
  DELETED,
  CANCELLED,
  FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* The fields the editor shows an error for, in form order. */
static const BdReportField checked_fields[] = {
  BD_REPORT_FIELD_TITLE,
  BD_REPORT_FIELD_CATEGORY,
  BD_REPORT_FIELD_SEVERITY,
  BD_REPORT_FIELD_LOCATION,
  BD_REPORT_FIELD_WARD,
  BD_REPORT_FIELD_STATUS,
  BD_REPORT_FIELD_DUPLICATE_OF,
  BD_REPORT_FIELD_DESCRIPTION,
  BD_REPORT_FIELD_COUNTS,
  BD_REPORT_FIELD_AFFECTED,
  BD_REPORT_FIELD_REPORTER,
  BD_REPORT_FIELD_OBSERVED_AT,
};

static void validate          (BdReportEditor *self);
static void rebuild_photos    (BdReportEditor *self);
static void refresh_conflicts (BdReportEditor *self);

static char *
format_local_time (GDateTime *when)
{
  g_autoptr(GDateTime) local = NULL;

  if (when == NULL)
    return g_strdup ("");

  local = g_date_time_to_local (when);
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

/* Accepts RFC 3339, or local "YYYY-MM-DD HH:MM" (also with 'T' or '/'). */
static GDateTime *
parse_local_time (const char *text)
{
  g_autofree char *stripped = NULL;
  GDateTime *when;
  int year, month, day, hour, minute;
  char tail;

  if (text == NULL)
    return NULL;

  stripped = g_strstrip (g_strdup (text));
  if (stripped[0] == '\0')
    return NULL;

  if ((when = bd_parse_timestamp (stripped)) != NULL)
    return when;

  if (sscanf (stripped, "%4d-%2d-%2d %2d:%2d%c", &year, &month, &day, &hour, &minute, &tail) == 5 ||
      sscanf (stripped, "%4d-%2d-%2dT%2d:%2d%c", &year, &month, &day, &hour, &minute, &tail) == 5 ||
      sscanf (stripped, "%4d/%2d/%2d %2d:%2d%c", &year, &month, &day, &hour, &minute, &tail) == 5)
    {
      if (year < 1900 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31 ||
          hour < 0 || hour > 23 || minute < 0 || minute > 59)
        return NULL;

      return g_date_time_new_local (year, month, day, hour, minute, 0);
    }

  return NULL;
}

static GtkLabel *
error_label_for (BdReportEditor *self,
                 BdReportField   field)
{
  switch (field)
    {
    case BD_REPORT_FIELD_LOCATION:     return self->location_error;
    case BD_REPORT_FIELD_WARD:         return self->ward_error;
    case BD_REPORT_FIELD_CATEGORY:     return self->category_error;
    case BD_REPORT_FIELD_SEVERITY:     return self->severity_error;
    case BD_REPORT_FIELD_STATUS:       return self->status_error;
    case BD_REPORT_FIELD_TITLE:        return self->title_error;
    case BD_REPORT_FIELD_DESCRIPTION:  return self->description_error;
    case BD_REPORT_FIELD_REPORTER:     return self->reporter_error;
    case BD_REPORT_FIELD_OBSERVED_AT:  return self->observed_error;
    case BD_REPORT_FIELD_COUNTS:       return self->counts_error;
    case BD_REPORT_FIELD_AFFECTED:     return self->affected_error;
    case BD_REPORT_FIELD_DUPLICATE_OF: return self->duplicate_error;
    case BD_REPORT_FIELD_ATTACHMENTS:
    case BD_REPORT_FIELD_TIMESTAMPS:
    case BD_REPORT_N_FIELDS:
    default:
      return NULL;
    }
}

static void
show_error (GtkLabel   *label,
            const char *message)
{
  GtkWidget *parent;
  gboolean show = message != NULL && message[0] != '\0';

  gtk_label_set_text (label, show ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), show);

  /* Errors inside a boxed list sit in a row of their own. */
  parent = gtk_widget_get_parent (GTK_WIDGET (label));
  if (ADW_IS_PREFERENCES_ROW (parent))
    gtk_widget_set_visible (parent, show);
}

static void
set_widget_error (GtkWidget *widget,
                  gboolean   error)
{
  if (error)
    gtk_widget_add_css_class (widget, "error");
  else
    gtk_widget_remove_css_class (widget, "error");
}

static GtkWidget *
widget_for_field (BdReportEditor *self,
                  BdReportField   field)
{
  switch (field)
    {
    case BD_REPORT_FIELD_TITLE:        return GTK_WIDGET (self->title_row);
    case BD_REPORT_FIELD_CATEGORY:     return GTK_WIDGET (self->category_row);
    case BD_REPORT_FIELD_LOCATION:     return GTK_WIDGET (self->location_row);
    case BD_REPORT_FIELD_WARD:         return GTK_WIDGET (self->ward_row);
    case BD_REPORT_FIELD_STATUS:       return GTK_WIDGET (self->status_row);
    case BD_REPORT_FIELD_DUPLICATE_OF: return GTK_WIDGET (self->duplicate_row);
    case BD_REPORT_FIELD_REPORTER:     return GTK_WIDGET (self->reporter_row);
    case BD_REPORT_FIELD_OBSERVED_AT:  return GTK_WIDGET (self->observed_row);
    case BD_REPORT_FIELD_DESCRIPTION:  return gtk_widget_get_parent (GTK_WIDGET (self->description_view));
    case BD_REPORT_FIELD_SEVERITY:
    case BD_REPORT_FIELD_COUNTS:
    case BD_REPORT_FIELD_AFFECTED:
    case BD_REPORT_FIELD_ATTACHMENTS:
    case BD_REPORT_FIELD_TIMESTAMPS:
    case BD_REPORT_N_FIELDS:
    default:
      return NULL;
    }
}

static guint
count_attachments (BdReportEditor *self)
{
  g_autoptr(GVariant) attachments = NULL;

  if (self->report == NULL)
    return 0;

  attachments = bd_report_get_attachments (self->report);
  return (guint)g_variant_n_children (attachments);
}

static void
update_actions (BdReportEditor *self)
{
  gboolean editing = self->report != NULL;

  /* Saving an untouched report would only add a needless outbox row. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save",
                                 editing && self->valid &&
                                 (self->is_new || bd_report_editor_get_modified (self)));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.delete",
                                 editing && !self->is_new && self->store != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.cancel", editing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.observed-now", editing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.add-photo",
                                 editing && self->store != NULL &&
                                 count_attachments (self) + self->n_photo_loads < BD_REPORT_MAX_ATTACHMENTS);
  gtk_widget_set_visible (self->delete_button, editing && !self->is_new);
}

static void
validate (BdReportEditor *self)
{
  gboolean valid = TRUE;
  gboolean was_valid = self->valid;

  if (self->report == NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (checked_fields); i++)
        {
          GtkWidget *widget = widget_for_field (self, checked_fields[i]);

          show_error (error_label_for (self, checked_fields[i]), NULL);
          if (widget != NULL)
            set_widget_error (widget, FALSE);
        }
      self->valid = FALSE;
      gtk_label_set_text (self->hint_label, "");
      update_actions (self);
      if (was_valid)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALID]);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (checked_fields); i++)
    {
      BdReportField field = checked_fields[i];
      g_autoptr(GError) error = NULL;
      const char *message = NULL;
      GtkWidget *widget;

      if (field == BD_REPORT_FIELD_OBSERVED_AT && !self->observed_ok)
        message = _("Enter the time as YYYY-MM-DD HH:MM, for example 2026-09-01 14:30.");
      else if (!bd_report_check_field (self->report, field, &error))
        message = error != NULL ? error->message : _("This value is not valid.");

      if (message != NULL)
        valid = FALSE;

      show_error (error_label_for (self, field), message);
      widget = widget_for_field (self, field);
      if (widget != NULL)
        set_widget_error (widget, message != NULL);
    }

  /* Fields without a widget of their own (attachments, timestamps). */
  if (valid)
    {
      g_autoptr(GError) error = NULL;

      if (!bd_report_validate (self->report, &error))
        {
          valid = FALSE;
          gtk_label_set_text (self->hint_label, error != NULL ? error->message : "");
        }
      else
        gtk_label_set_text (self->hint_label, "");
    }
  else
    gtk_label_set_text (self->hint_label, _("Fix the fields marked in red to save."));

  self->valid = valid;
  update_actions (self);

  if (was_valid != valid)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALID]);
}

static void
update_location_row (BdReportEditor *self)
{
  g_autofree char *text = NULL;

  if (self->report == NULL)
    {
      adw_action_row_set_subtitle (self->location_row, "");
      return;
    }

  text = g_strdup_printf ("%.5f, %.5f",
                          bd_report_get_latitude (self->report),
                          bd_report_get_longitude (self->report));
  adw_action_row_set_subtitle (self->location_row, text);
}

static void
select_ward (BdReportEditor *self,
             const char     *code)
{
  const BdWard *wards;
  guint n_wards = 0;
  guint selected = GTK_INVALID_LIST_POSITION;

  wards = bd_catalog_get_wards (&n_wards);
  for (guint i = 0; code != NULL && i < n_wards; i++)
    if (g_strcmp0 (wards[i].code, code) == 0)
      selected = i;

  adw_combo_row_set_selected (self->ward_row, selected);
}

static void
select_category (BdReportEditor *self,
                 const char     *code)
{
  int index = code != NULL ? bd_catalog_category_index (code) : -1;

  adw_combo_row_set_selected (self->category_row,
                              index >= 0 ? (guint)index : GTK_INVALID_LIST_POSITION);
}

static void
select_status (BdReportEditor *self,
               const char     *code)
{
  const BdStatus *statuses;
  guint n_statuses = 0;
  guint selected = GTK_INVALID_LIST_POSITION;

  statuses = bd_catalog_get_statuses (&n_statuses);
  for (guint i = 0; code != NULL && i < n_statuses; i++)
    if (g_strcmp0 (statuses[i].code, code) == 0)
      selected = i;

  adw_combo_row_set_selected (self->status_row, selected);
}

static void
select_severity (BdReportEditor *self,
                 int             level)
{
  GtkToggleButton *buttons[] = { self->severity1, self->severity2, self->severity3, self->severity4 };

  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    gtk_toggle_button_set_active (buttons[i], (int)i + 1 == level);
}

static void
update_duplicate_row (BdReportEditor *self)
{
  gboolean duplicate = self->report != NULL &&
                       g_strcmp0 (bd_report_get_status (self->report), "duplicate") == 0;

  gtk_widget_set_visible (GTK_WIDGET (self->duplicate_row), duplicate);
}

static void
on_count_value_changed_cb (GtkSpinButton  *spin,
                           BdReportEditor *self)
{
  const char *key = g_object_get_data (G_OBJECT (spin), "bd-count-key");
  double value = gtk_spin_button_get_value (spin);
  double *remembered;

  if (self->loading || self->report == NULL || key == NULL)
    return;

  bd_report_set_count (self->report, key, value);

  remembered = g_new (double, 1);
  *remembered = value;
  g_hash_table_insert (self->remembered, g_strdup (key), remembered);

  validate (self);
}

static void
clear_count_rows (BdReportEditor *self)
{
  for (guint i = 0; i < self->count_rows->len; i++)
    adw_preferences_group_remove (self->counts_group, g_ptr_array_index (self->count_rows, i));
  g_ptr_array_set_size (self->count_rows, 0);
  g_hash_table_remove_all (self->count_spins);
}

static GtkWidget *
make_count_row (BdReportEditor     *self,
                const BdCountField *field,
                GtkSpinButton     **spin_out)
{
  GtkWidget *row;
  GtkWidget *spin;
  GtkWidget *unit;
  GtkAdjustment *adjustment;
  g_autofree char *title = NULL;
  double upper;

  title = bd_dup_catalog_label (field->label_ja, field->label_en);
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);

  /* Allow more than the credible maximum so that validation can say so. */
  upper = field->max > 0 ? field->max * 10 : 1e9;
  adjustment = gtk_adjustment_new (0, 0, upper,
                                   field->is_decimal ? 0.1 : 1,
                                   field->is_decimal ? 1 : 10,
                                   0);
  spin = gtk_spin_button_new (adjustment, 1, field->is_decimal ? 2 : 0);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  gtk_editable_set_width_chars (GTK_EDITABLE (spin), 6);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);
  g_object_set_data (G_OBJECT (spin), "bd-count-key", (gpointer)field->key);
  g_signal_connect (spin, "value-changed", G_CALLBACK (on_count_value_changed_cb), self);

  unit = gtk_label_new (bd_catalog_label (field->unit_ja, field->unit_en));
  gtk_widget_add_css_class (unit, "dim-label");
  gtk_label_set_width_chars (GTK_LABEL (unit), 3);
  gtk_label_set_xalign (GTK_LABEL (unit), 0);
  /* Units differ in width (人, 世帯, 箇所): one width keeps the spin buttons in a column. */
  gtk_size_group_add_widget (self->unit_group, unit);

  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), unit);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);

  *spin_out = GTK_SPIN_BUTTON (spin);
  return row;
}

/* Rebuilds the count rows for the report's category and fills them in. */
static void
rebuild_counts (BdReportEditor *self)
{
  const BdCategory *category = NULL;
  gboolean was_loading = self->loading;

  self->loading = TRUE;

  clear_count_rows (self);

  /* Keep the error row last. */
  g_object_ref (self->counts_error_row);
  adw_preferences_group_remove (self->counts_group, self->counts_error_row);

  if (self->report != NULL && bd_report_get_category (self->report) != NULL)
    category = bd_catalog_lookup_category (bd_report_get_category (self->report));

  for (guint i = 0; category != NULL && i < category->n_counts; i++)
    {
      const BdCountField *field = &category->counts[i];
      GtkSpinButton *spin = NULL;
      GtkWidget *row = make_count_row (self, field, &spin);

      gtk_spin_button_set_value (spin, bd_report_get_count (self->report, field->key));
      adw_preferences_group_add (self->counts_group, row);
      g_ptr_array_add (self->count_rows, row);
      g_hash_table_insert (self->count_spins, (gpointer)field->key, spin);
    }

  adw_preferences_group_add (self->counts_group, self->counts_error_row);
  g_object_unref (self->counts_error_row);

  gtk_widget_set_visible (GTK_WIDGET (self->counts_group),
                          category != NULL && category->n_counts > 0);

  self->loading = was_loading;
}

/* The category changed: keep only counts the new category has, bringing
 * back values typed earlier for it. */
static void
apply_category_counts (BdReportEditor *self)
{
  const BdCategory *category;

  bd_report_clear_counts (self->report);

  category = bd_catalog_lookup_category (bd_report_get_category (self->report));
  for (guint i = 0; category != NULL && i < category->n_counts; i++)
    {
      const double *value = g_hash_table_lookup (self->remembered, category->counts[i].key);

      if (value != NULL)
        bd_report_set_count (self->report, category->counts[i].key, *value);
    }
}

static void
fill_widgets (BdReportEditor *self)
{
  BdReport *report = self->report;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->description_view);
  g_autofree char *observed = NULL;
  gint64 households, people;

  self->loading = TRUE;

  if (report == NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->title_row), "");
      gtk_editable_set_text (GTK_EDITABLE (self->reporter_row), "");
      gtk_editable_set_text (GTK_EDITABLE (self->observed_row), "");
      gtk_editable_set_text (GTK_EDITABLE (self->duplicate_row), "");
      gtk_text_buffer_set_text (buffer, "", -1);
      update_location_row (self);
      rebuild_counts (self);
      rebuild_photos (self);
      self->loading = FALSE;
      return;
    }

  gtk_label_set_text (self->heading_label, self->is_new ? _("New Report") : _("Edit Report"));

  gtk_editable_set_text (GTK_EDITABLE (self->title_row), bd_report_get_title (report) ?: "");
  select_category (self, bd_report_get_category (report));
  select_severity (self, bd_report_get_severity (report));
  update_location_row (self);
  select_ward (self, bd_report_get_ward (report));
  select_status (self, bd_report_get_status (report));
  gtk_editable_set_text (GTK_EDITABLE (self->duplicate_row), bd_report_get_duplicate_of (report) ?: "");
  update_duplicate_row (self);
  gtk_text_buffer_set_text (buffer, bd_report_get_description (report) ?: "", -1);
  gtk_editable_set_text (GTK_EDITABLE (self->reporter_row), bd_report_get_reporter (report) ?: "");

  observed = format_local_time (bd_report_get_observed_at (report));
  gtk_editable_set_text (GTK_EDITABLE (self->observed_row), observed);
  self->observed_ok = TRUE;

  households = bd_report_get_affected_households (report);
  people = bd_report_get_affected_people (report);
  gtk_spin_button_set_value (self->affected_households_spin, households > 0 ? (double)households : 0);
  gtk_spin_button_set_value (self->affected_people_spin, people > 0 ? (double)people : 0);

  rebuild_counts (self);
  rebuild_photos (self);

  self->loading = FALSE;
}

/* callbacks */

static void
on_title_changed_cb (BdReportEditor *self,
                     GtkEditable    *editable)
{
  if (self->loading || self->report == NULL)
    return;

  bd_report_set_title (self->report, gtk_editable_get_text (editable));
  validate (self);
}

static void
on_reporter_changed_cb (BdReportEditor *self,
                        GtkEditable    *editable)
{
  if (self->loading || self->report == NULL)
    return;

  bd_report_set_reporter (self->report, gtk_editable_get_text (editable));
  validate (self);
}

static void
on_duplicate_changed_cb (BdReportEditor *self,
                         GtkEditable    *editable)
{
  g_autofree char *id = NULL;

  if (self->loading || self->report == NULL)
    return;

  id = g_strstrip (g_strdup (gtk_editable_get_text (editable)));
  bd_report_set_duplicate_of (self->report, id[0] != '\0' ? id : NULL);
  validate (self);
}

static void
on_observed_changed_cb (BdReportEditor *self,
                        GtkEditable    *editable)
{
  g_autoptr(GDateTime) when = NULL;

  if (self->loading || self->report == NULL)
    return;

  when = parse_local_time (gtk_editable_get_text (editable));
  self->observed_ok = when != NULL;
  if (when != NULL)
    bd_report_set_observed_at (self->report, when);

  validate (self);
}

static void
on_description_changed_cb (GtkTextBuffer  *buffer,
                           BdReportEditor *self)
{
  g_autofree char *text = NULL;
  GtkTextIter start, end;

  if (self->loading || self->report == NULL)
    return;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  bd_report_set_description (self->report, text[0] != '\0' ? text : NULL);
  validate (self);
}

static void
on_ward_selected_cb (BdReportEditor *self,
                     GParamSpec     *pspec,
                     AdwComboRow    *row)
{
  const BdWard *wards;
  guint n_wards = 0;
  guint selected;

  if (self->loading || self->report == NULL)
    return;

  wards = bd_catalog_get_wards (&n_wards);
  selected = adw_combo_row_get_selected (row);
  bd_report_set_ward (self->report, selected < n_wards ? wards[selected].code : NULL);
  self->ward_touched = TRUE;
  validate (self);
}

static void
on_category_selected_cb (BdReportEditor *self,
                         GParamSpec     *pspec,
                         AdwComboRow    *row)
{
  const BdCategory *categories;
  guint n_categories = 0;
  guint selected;
  const char *code;

  if (self->loading || self->report == NULL)
    return;

  categories = bd_catalog_get_categories (&n_categories);
  selected = adw_combo_row_get_selected (row);
  code = selected < n_categories ? categories[selected].code : NULL;

  if (g_strcmp0 (code, bd_report_get_category (self->report)) == 0)
    return;

  bd_report_set_category (self->report, code);
  apply_category_counts (self);
  rebuild_counts (self);
  validate (self);
}

static void
on_status_selected_cb (BdReportEditor *self,
                       GParamSpec     *pspec,
                       AdwComboRow    *row)
{
  const BdStatus *statuses;
  guint n_statuses = 0;
  guint selected;

  if (self->loading || self->report == NULL)
    return;

  statuses = bd_catalog_get_statuses (&n_statuses);
  selected = adw_combo_row_get_selected (row);
  bd_report_set_status (self->report, selected < n_statuses ? statuses[selected].code : NULL);
  if (g_strcmp0 (bd_report_get_status (self->report), "duplicate") != 0)
    {
      self->loading = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (self->duplicate_row), "");
      self->loading = FALSE;
      bd_report_set_duplicate_of (self->report, NULL);
    }
  update_duplicate_row (self);
  validate (self);
}

static void
on_severity_toggled_cb (BdReportEditor  *self,
                        GtkToggleButton *button)
{
  int level;

  if (self->loading || self->report == NULL || !gtk_toggle_button_get_active (button))
    return;

  if (button == self->severity1)
    level = 1;
  else if (button == self->severity2)
    level = 2;
  else if (button == self->severity3)
    level = 3;
  else
    level = 4;

  bd_report_set_severity (self->report, level);
  validate (self);
}

static void
on_affected_changed_cb (BdReportEditor *self,
                        GtkSpinButton  *spin)
{
  gint64 value;

  if (self->loading || self->report == NULL)
    return;

  value = (gint64)gtk_spin_button_get_value (spin);
  if (spin == self->affected_households_spin)
    bd_report_set_affected_households (self->report, value);
  else
    bd_report_set_affected_people (self->report, value);

  validate (self);
}

/* actions */

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  BdReportEditor *self = BD_REPORT_EDITOR (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(BdReport) saved = NULL;
  g_autoptr(BdReport) stored = NULL;
  g_autofree char *actor = NULL;
  const char *reporter;

  if (self->report == NULL || self->store == NULL)
    return;

  validate (self);
  if (!self->valid)
    return;

  actor = bd_dup_actor (self->settings);

  /* The store's copy changed while the form was open (a sync brought
   * another office's edit): save what was typed over that copy, not over
   * the one loaded, so the other edit is not reverted. A field changed on
   * both sides takes what was typed here. */
  if (!self->is_new && self->original != NULL &&
      (stored = bd_store_get_report (self->store, bd_report_get_id (self->report), NULL)) != NULL &&
      !bd_report_equal (stored, self->original))
    {
      g_auto(GStrv) both = NULL;
      BdReport *merged = bd_report_merge3 (self->original, self->report, stored, &both);

      g_debug ("saving over a copy changed meanwhile; %u fields changed on both sides",
               g_strv_length (both));
      g_set_object (&self->report, merged);
      g_object_unref (merged);
    }

  if (!bd_store_save_report (self->store, self->report, actor, &error))
    {
      g_autofree char *message = g_strdup_printf (_("The report could not be saved: %s"),
                                                  error->message);

      g_signal_emit (self, signals[FAILED], 0, message);
      return;
    }

  /* Remember who reports, for the next new report: the one typed into a
   * new report, not the reporter of someone else's report. */
  reporter = bd_report_get_reporter (self->report);
  if (self->is_new && reporter != NULL && reporter[0] != '\0')
    g_settings_set_string (self->settings, "reporter-name", reporter);

  saved = g_object_ref (self->report);
  bd_report_editor_set_report (self, NULL, FALSE);
  g_signal_emit (self, signals[SAVED], 0, saved);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  BdReportEditor *self = BD_REPORT_EDITOR (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *actor = NULL;
  g_autofree char *id = NULL;

  if (self->report == NULL || self->store == NULL || self->is_new)
    return;

  actor = bd_dup_actor (self->settings);
  id = g_strdup (bd_report_get_id (self->report));
  if (!bd_store_delete_report (self->store, id, actor, &error))
    {
      g_autofree char *message = g_strdup_printf (_("The report could not be deleted: %s"),
                                                  error->message);

      g_signal_emit (self, signals[FAILED], 0, message);
      return;
    }

  bd_report_editor_set_report (self, NULL, FALSE);
  g_signal_emit (self, signals[DELETED], 0, id);
}

static void
on_discard_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        BdReportEditor   *self)
{
  if (g_strcmp0 (response, "discard") == 0)
    {
      bd_report_editor_set_report (self, NULL, FALSE);
      g_signal_emit (self, signals[CANCELLED], 0);
    }
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  BdReportEditor *self = BD_REPORT_EDITOR (widget);
  GtkRoot *root;
  GtkWidget *dialog;

  if (self->report == NULL)
    return;

  if (!bd_report_editor_get_modified (self))
    {
      bd_report_editor_set_report (self, NULL, FALSE);
      g_signal_emit (self, signals[CANCELLED], 0);
      return;
    }

  /* Nothing typed is lost without asking. */
  root = gtk_widget_get_root (widget);
  dialog = bd_discard_changes_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_discard_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
observed_now_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  BdReportEditor *self = BD_REPORT_EDITOR (widget);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *text = format_local_time (now);

  if (self->report == NULL)
    return;

  /* Goes through the entry's "changed" like typing does. */
  gtk_editable_set_text (GTK_EDITABLE (self->observed_row), text);
}

/* photos */

static void
update_photo_progress (BdReportEditor *self)
{
  gboolean busy = self->n_photo_loads > 0;

  gtk_widget_set_visible (self->photo_progress, busy);
  gtk_spinner_set_spinning (self->photo_spinner, busy);
}

/* Several files may fail in one go: their messages are listed together
 * until the next batch starts. */
static void
add_photo_error (BdReportEditor *self,
                 const char     *message)
{
  const char *shown = gtk_label_get_text (self->photo_error);

  if (gtk_widget_get_visible (GTK_WIDGET (self->photo_error)) && shown[0] != '\0')
    {
      g_autofree char *both = g_strconcat (shown, "\n", message, NULL);

      show_error (self->photo_error, both);
    }
  else
    show_error (self->photo_error, message);
}

/* Stops every photo load and thumbnail of the previous report. */
static void
reset_photo_work (BdReportEditor *self)
{
  if (self->photo_cancellable != NULL)
    g_cancellable_cancel (self->photo_cancellable);
  g_clear_object (&self->photo_cancellable);
  self->photo_cancellable = g_cancellable_new ();

  g_queue_clear_full (&self->decode_queue, g_free);
  g_clear_pointer (&self->decoding_sha, g_free);
  self->decoding = FALSE;
  self->n_photo_loads = 0;

  g_hash_table_remove_all (self->thumbnails);
  g_hash_table_remove_all (self->photo_states);
  show_error (self->photo_error, NULL);
  update_photo_progress (self);
}

/* Calls @func on every thumbnail of @sha256 shown (NULL: every one). */
static void
foreach_thumbnail (BdReportEditor *self,
                   const char     *sha256,
                   void          (*func) (BdPhotoThumbnail *thumbnail,
                                          gpointer          data),
                   gpointer        data)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->photo_box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *thumbnail;

      if (!GTK_IS_FLOW_BOX_CHILD (child))
        continue;
      thumbnail = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));
      if (BD_IS_PHOTO_THUMBNAIL (thumbnail) &&
          (sha256 == NULL ||
           g_strcmp0 (bd_photo_thumbnail_get_sha256 (BD_PHOTO_THUMBNAIL (thumbnail)), sha256) == 0))
        func (BD_PHOTO_THUMBNAIL (thumbnail), data);
    }
}

static void
set_texture_func (BdPhotoThumbnail *thumbnail,
                  gpointer          data)
{
  bd_photo_thumbnail_set_texture (thumbnail, data);
}

static void
set_state_func (BdPhotoThumbnail *thumbnail,
                gpointer          data)
{
  bd_photo_thumbnail_set_state (thumbnail, GPOINTER_TO_INT (data));
}

static void
count_func (BdPhotoThumbnail *thumbnail,
            gpointer          data)
{
  (*(guint *)data)++;
}

static void start_decoding (BdReportEditor *self);

static void
on_thumbnail_decoded_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(BdReportEditor) self = user_data;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sha256 = NULL;

  if (g_task_get_source_tag (G_TASK (result)) == bd_photo_load_thumbnail_async)
    texture = bd_photo_load_thumbnail_finish (result, &error);
  else
    texture = bd_photo_decode_thumbnail_finish (result, &error);

  /* Another report was opened meanwhile, or the editor went away. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  sha256 = g_steal_pointer (&self->decoding_sha);
  self->decoding = FALSE;

  if (texture != NULL)
    {
      g_hash_table_insert (self->thumbnails, g_strdup (sha256), g_object_ref (texture));
      foreach_thumbnail (self, sha256, set_texture_func, texture);
    }
  else
    {
      BdPhotoState state = BD_PHOTO_STATE_BROKEN;

      if (g_error_matches (error, BD_STORE_ERROR, BD_STORE_ERROR_NOT_FOUND))
        state = BD_PHOTO_STATE_ON_SERVER;
      else
        g_debug ("Photo %s cannot be shown: %s", sha256, error->message);
      g_hash_table_insert (self->photo_states, g_strdup (sha256), GINT_TO_POINTER (state));
      foreach_thumbnail (self, sha256, set_state_func, GINT_TO_POINTER (state));
    }

  start_decoding (self);
}

/* The store's file, when a worker thread can open it too. */
static const char *
shared_store_path (BdReportEditor *self)
{
  const char *path = self->store != NULL ? bd_store_get_path (self->store) : NULL;

  if (path == NULL || path[0] == '\0' || g_strcmp0 (path, ":memory:") == 0)
    return NULL;

  return path;
}

/* One thumbnail at a time (each photo may be 20 MB), read from the store
 * and decoded on a worker thread. */
static void
start_decoding (BdReportEditor *self)
{
  while (!self->decoding && !g_queue_is_empty (&self->decode_queue))
    {
      g_autofree char *sha256 = g_queue_pop_head (&self->decode_queue);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      const char *path;
      guint shown = 0;

      foreach_thumbnail (self, sha256, count_func, &shown);
      if (shown == 0 || self->store == NULL)
        continue;

      if ((path = shared_store_path (self)) != NULL)
        {
          self->decoding = TRUE;
          self->decoding_sha = g_steal_pointer (&sha256);
          bd_photo_load_thumbnail_async (path, self->decoding_sha, self->photo_cancellable,
                                         on_thumbnail_decoded_cb, g_object_ref (self));
          break;
        }

      /* A database only the main connection sees: read it here. */

      bytes = bd_store_get_attachment (self->store, sha256, NULL, &error);
      if (bytes == NULL)
        {
          BdPhotoState state = BD_PHOTO_STATE_ON_SERVER;

          if (!g_error_matches (error, BD_STORE_ERROR, BD_STORE_ERROR_NOT_FOUND))
            {
              g_debug ("Photo %s cannot be read: %s", sha256, error->message);
              state = BD_PHOTO_STATE_BROKEN;
            }
          g_hash_table_insert (self->photo_states, g_strdup (sha256), GINT_TO_POINTER (state));
          foreach_thumbnail (self, sha256, set_state_func, GINT_TO_POINTER (state));
          continue;
        }

      self->decoding = TRUE;
      self->decoding_sha = g_steal_pointer (&sha256);
      bd_photo_decode_thumbnail_async (bytes, self->photo_cancellable,
                                       on_thumbnail_decoded_cb, g_object_ref (self));
    }
}

static gboolean
queue_has (GQueue     *queue,
           const char *sha256)
{
  return g_queue_find_custom (queue, sha256, (GCompareFunc)g_strcmp0) != NULL;
}

/* A copy of the report's attachments without the first one named @sha256. */
static GVariant *
attachments_without (GVariant   *attachments,
                     const char *sha256)
{
  GVariantBuilder builder;
  gboolean removed = FALSE;
  gsize n = g_variant_n_children (attachments);

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sss)"));
  for (gsize i = 0; i < n; i++)
    {
      const char *sha, *media_type, *name;

      g_variant_get_child (attachments, i, "(&s&s&s)", &sha, &media_type, &name);
      if (!removed && g_strcmp0 (sha, sha256) == 0)
        {
          removed = TRUE;
          continue;
        }
      g_variant_builder_add (&builder, "(sss)", sha, media_type, name);
    }

  return g_variant_builder_end (&builder);
}

static void
on_photo_remove_cb (BdPhotoThumbnail *thumbnail,
                    BdReportEditor   *self)
{
  g_autoptr(GVariant) attachments = NULL;
  g_autofree char *sha256 = NULL;

  if (self->report == NULL)
    return;

  sha256 = g_strdup (bd_photo_thumbnail_get_sha256 (thumbnail));
  attachments = bd_report_get_attachments (self->report);
  /* The photo stays in the store: another report may name it, and the
   * user may still cancel this edit. */
  bd_report_set_attachments (self->report, attachments_without (attachments, sha256));

  show_error (self->photo_error, NULL);
  rebuild_photos (self);
  validate (self);
  gtk_widget_grab_focus (self->add_photo_button);
}

static gboolean
is_on_server_state (gpointer key,
                    gpointer value,
                    gpointer user_data)
{
  return GPOINTER_TO_INT (value) == BD_PHOTO_STATE_ON_SERVER;
}

static void
rebuild_photos (BdReportEditor *self)
{
  g_autoptr(GVariant) attachments = NULL;
  GtkWidget *child;
  gsize n = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->photo_box))) != NULL)
    gtk_flow_box_remove (self->photo_box, child);

  if (self->report != NULL)
    {
      attachments = bd_report_get_attachments (self->report);
      n = g_variant_n_children (attachments);
    }

  for (gsize i = 0; i < n; i++)
    {
      const char *sha256, *media_type, *name;
      GtkWidget *thumbnail;
      GdkTexture *texture;
      gpointer state;

      g_variant_get_child (attachments, i, "(&s&s&s)", &sha256, &media_type, &name);
      thumbnail = bd_photo_thumbnail_new (sha256, media_type, name);
      g_signal_connect_object (thumbnail, "remove", G_CALLBACK (on_photo_remove_cb), self, 0);

      if ((texture = g_hash_table_lookup (self->thumbnails, sha256)) != NULL)
        bd_photo_thumbnail_set_texture (BD_PHOTO_THUMBNAIL (thumbnail), texture);
      else if (g_hash_table_lookup_extended (self->photo_states, sha256, NULL, &state))
        bd_photo_thumbnail_set_state (BD_PHOTO_THUMBNAIL (thumbnail), GPOINTER_TO_INT (state));
      else if (self->store == NULL)
        bd_photo_thumbnail_set_state (BD_PHOTO_THUMBNAIL (thumbnail), BD_PHOTO_STATE_ON_SERVER);
      else if (g_strcmp0 (self->decoding_sha, sha256) != 0 &&
               !queue_has (&self->decode_queue, sha256))
        g_queue_push_tail (&self->decode_queue, g_strdup (sha256));

      gtk_flow_box_append (self->photo_box, thumbnail);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->photo_box), n > 0);
  gtk_widget_set_visible (self->photos_empty_label, n == 0);

  start_decoding (self);
}

/* Names the stored photo @sha256 in the working copy. */
static void
add_photo (BdReportEditor *self,
           BdPhotoFile    *photo,
           const char     *sha256)
{
  g_autoptr(GVariant) attachments = NULL;
  g_autofree char *message = NULL;
  GVariantBuilder builder;
  gsize n;

  attachments = bd_report_get_attachments (self->report);
  n = g_variant_n_children (attachments);
  if (n >= BD_REPORT_MAX_ATTACHMENTS)
    {
      message = g_strdup_printf (_("A report can have at most %u photos."),
                                 (guint)BD_REPORT_MAX_ATTACHMENTS);
      add_photo_error (self, message);
      return;
    }

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sss)"));
  for (gsize i = 0; i < n; i++)
    {
      const char *sha, *media_type, *name;

      g_variant_get_child (attachments, i, "(&s&s&s)", &sha, &media_type, &name);
      if (g_strcmp0 (sha, sha256) == 0)
        {
          g_variant_builder_clear (&builder);
          message = g_strdup_printf (_("“%s” is already attached."), photo->name);
          add_photo_error (self, message);
          return;
        }
      g_variant_builder_add (&builder, "(sss)", sha, media_type, name);
    }
  g_variant_builder_add (&builder, "(sss)", sha256, photo->media_type, photo->name);
  bd_report_set_attachments (self->report, g_variant_builder_end (&builder));

  g_hash_table_insert (self->thumbnails, g_strdup (sha256), g_object_ref (photo->thumbnail));
  g_hash_table_remove (self->photo_states, sha256);
  rebuild_photos (self);
  validate (self);
}

static void
finish_photo_load (BdReportEditor *self)
{
  g_assert (self->n_photo_loads > 0);
  self->n_photo_loads--;
  update_photo_progress (self);
  update_actions (self);
}

static void
show_store_error (BdReportEditor *self,
                  BdPhotoFile    *photo,
                  const GError   *error)
{
  /* Translators: a file name, then why */
  g_autofree char *message = g_strdup_printf (_("“%s” could not be kept: %s"),
                                              photo->name, error->message);

  add_photo_error (self, message);
}

typedef struct
{
  BdReportEditor *self;
  BdPhotoFile    *photo;
} PhotoJob;

static void
photo_job_free (PhotoJob *job)
{
  g_clear_object (&job->self);
  g_clear_pointer (&job->photo, bd_photo_file_free);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhotoJob, photo_job_free)

static void
on_photo_stored_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(PhotoJob) job = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *sha256 = NULL;
  BdReportEditor *self = job->self;

  sha256 = bd_photo_store_finish (result, &error);

  /* Another report was opened meanwhile, or the editor went away. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  finish_photo_load (self);

  if (sha256 == NULL)
    show_store_error (self, job->photo, error);
  else if (self->report != NULL)
    add_photo (self, job->photo, sha256);
}

static void
on_photo_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(BdReportEditor) self = user_data;
  g_autoptr(BdPhotoFile) photo = NULL;
  g_autoptr(GError) error = NULL;
  const char *path;

  photo = bd_photo_load_file_finish (result, &error);

  /* Another report was opened meanwhile, or the editor went away. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (photo == NULL || self->report == NULL || self->store == NULL)
    {
      finish_photo_load (self);
      if (photo == NULL)
        add_photo_error (self, error->message);
      return;
    }

  if ((path = shared_store_path (self)) != NULL)
    {
      PhotoJob *job = g_new0 (PhotoJob, 1);

      /* Hashing and writing megabytes: on a worker thread too. */
      job->self = g_object_ref (self);
      job->photo = g_steal_pointer (&photo);
      bd_photo_store_async (path, job->photo->bytes, job->photo->media_type,
                            self->photo_cancellable, on_photo_stored_cb, job);
    }
  else
    {
      /* A database only this connection sees. */
      g_autofree char *sha256 = bd_store_add_attachment (self->store, photo->bytes,
                                                         photo->media_type, &error);

      finish_photo_load (self);
      if (sha256 == NULL)
        show_store_error (self, photo, error);
      else
        add_photo (self, photo, sha256);
    }
}

static void
on_chooser_response_cb (GtkNativeDialog *dialog,
                        int              response,
                        BdReportEditor  *self)
{
  g_autoptr(GtkFileChooserNative) chooser = g_steal_pointer (&self->chooser);

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
      guint n_files = g_list_model_get_n_items (files);

      for (guint i = 0; i < n_files; i++)
        {
          g_autoptr(GFile) file = g_list_model_get_item (files, i);

          bd_report_editor_add_photo_file (self, file);
        }
    }
}

/* What gdk-pixbuf can decode here (GTK 4.8's
 * gtk_file_filter_add_pixbuf_formats () leaks the lists it copies). */
static void
add_image_types (GtkFileFilter *filter)
{
  GSList *formats = gdk_pixbuf_get_formats ();

  for (GSList *l = formats; l != NULL; l = l->next)
    {
      g_auto(GStrv) types = gdk_pixbuf_format_get_mime_types (l->data);

      for (guint i = 0; types != NULL && types[i] != NULL; i++)
        if (g_str_has_prefix (types[i], "image/"))
          gtk_file_filter_add_mime_type (filter, types[i]);
    }

  g_slist_free (formats);
}

static void
add_photo_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  BdReportEditor *self = BD_REPORT_EDITOR (widget);
  g_autoptr(GtkFileFilter) filter = NULL;
  GtkRoot *root;

  if (self->report == NULL || self->store == NULL)
    return;

  if (self->chooser == NULL)
    {
      root = gtk_widget_get_root (widget);
      self->chooser = gtk_file_chooser_native_new (_("Add Photos"),
                                                   GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                   GTK_FILE_CHOOSER_ACTION_OPEN,
                                                   _("_Add"),
                                                   _("_Cancel"));
      gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
      gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (self->chooser), TRUE);

      filter = gtk_file_filter_new ();
      gtk_file_filter_set_name (filter, _("Photos"));
      add_image_types (filter);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);

      g_signal_connect_object (self->chooser, "response",
                               G_CALLBACK (on_chooser_response_cb), self, 0);
    }

  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* conflicts */

static void
on_conflict_settle_cb (BdConflictRow  *row,
                       int             choice,
                       BdReportEditor *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdReport) stored = NULL;
  g_autofree char *field = NULL;
  g_autofree char *id = NULL;
  g_autofree char *actor = NULL;
  gboolean modified;
  gboolean ok;

  if (self->report == NULL || self->store == NULL)
    return;

  field = g_strdup (bd_conflict_row_get_field (row));
  id = g_strdup (bd_report_get_id (self->report));
  modified = bd_report_editor_get_modified (self);
  actor = bd_dup_actor (self->settings);

  self->settling = TRUE;
  ok = bd_store_settle_conflict (self->store, id, field, (BdConflictChoice)choice, actor, &error);
  self->settling = FALSE;

  if (!ok)
    {
      g_autofree char *message = g_strdup_printf (_("The choice could not be saved: %s"),
                                                  error->message);

      refresh_conflicts (self);
      g_signal_emit (self, signals[FAILED], 0, message);
      return;
    }

  /* The settled value goes into the form; anything typed and not saved
   * yet stays as typed. */
  stored = bd_store_get_report (self->store, id, NULL);
  if (stored != NULL)
    {
      if (!modified)
        {
          g_clear_object (&self->report);
          g_clear_object (&self->original);
          self->report = bd_report_copy (stored);
          self->original = bd_report_copy (stored);
          self->observed_ok = TRUE;
        }
      else
        {
          bd_report_copy_field (self->report, stored, field);
          bd_report_copy_field (self->original, stored, field);
        }
      fill_widgets (self);
    }

  refresh_conflicts (self);
  validate (self);

  /* Focus goes on to the next choice, or back to the form. */
  if (gtk_widget_get_visible (self->conflict_box))
    {
      GtkWidget *next = gtk_widget_get_first_child (GTK_WIDGET (self->conflict_list));

      if (BD_IS_CONFLICT_ROW (next))
        gtk_widget_grab_focus (GTK_WIDGET (bd_conflict_row_get_keep_button (BD_CONFLICT_ROW (next))));
    }
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->title_row));
}

/* Conflicts are listed in the order of the form. */
static const char * const form_order[] = {
  "title", "category", "severity", "geometry", "ward", "status", "duplicate_of",
  "description", "attachments", "counts", "affected_households", "affected_people",
  "reporter", "observed_at", "created_at", "deleted",
};

static guint
form_position (const char *field)
{
  for (guint i = 0; i < G_N_ELEMENTS (form_order); i++)
    if (g_strcmp0 (form_order[i], field) == 0)
      return i;

  return G_N_ELEMENTS (form_order);
}

static int
compare_conflicts (gconstpointer a,
                   gconstpointer b)
{
  const BdConflict *x = *(BdConflict * const *)a;
  const BdConflict *y = *(BdConflict * const *)b;
  guint px = form_position (x->field);
  guint py = form_position (y->field);

  if (px != py)
    return px < py ? -1 : 1;

  return g_strcmp0 (x->field, y->field);
}

static void
refresh_conflicts (BdReportEditor *self)
{
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(BdReport) stored = NULL;
  g_autoptr(BdReport) server = NULL;
  g_autoptr(GError) error = NULL;
  const char *id = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->conflict_list))) != NULL)
    gtk_box_remove (self->conflict_list, child);

  if (self->report != NULL && !self->is_new && self->store != NULL)
    id = bd_report_get_id (self->report);

  if (id == NULL || (conflicts = bd_store_list_conflicts (self->store, id, &error)) == NULL ||
      conflicts->len == 0)
    {
      if (error != NULL)
        g_debug ("Cannot list the conflicts of %s: %s", id, error->message);
      gtk_widget_set_visible (self->conflict_box, FALSE);
      return;
    }

  g_ptr_array_sort (conflicts, compare_conflicts);

  /* "Yours" is what the store holds, which is what "Keep Mine" keeps. */
  stored = bd_store_get_report (self->store, id, NULL);
  server = bd_store_get_server_copy (self->store, id, NULL);

  for (guint i = 0; i < conflicts->len; i++)
    {
      BdConflict *conflict = g_ptr_array_index (conflicts, i);
      g_autofree char *mine = bd_report_format_field (stored != NULL ? stored : self->report,
                                                      conflict->field);
      g_autofree char *theirs = server != NULL ? bd_report_format_field (server, conflict->field) : NULL;
      GtkWidget *row = bd_conflict_row_new (conflict->field,
                                            bd_report_field_label (conflict->field),
                                            mine, theirs);

      g_signal_connect_object (row, "settle", G_CALLBACK (on_conflict_settle_cb), self, 0);
      gtk_box_append (self->conflict_list, row);
    }

  gtk_widget_set_visible (self->conflict_box, TRUE);
}

/* The store changed under the editor (sync, or another window). */
static void
on_store_changed_cb (BdStore        *store,
                     int             change,
                     const char     *report_id,
                     gint64          rowid,
                     BdReportEditor *self)
{
  g_autoptr(BdReport) stored = NULL;
  const char *id;

  if (self->settling || self->report == NULL || self->is_new)
    return;

  id = bd_report_get_id (self->report);
  if (change == BD_STORE_CHANGE_REMOVED ||
      (change != BD_STORE_CHANGE_RELOADED && g_strcmp0 (report_id, id) != 0))
    return;

  /* Nothing typed yet: show what the store now holds. */
  if (!bd_report_editor_get_modified (self) &&
      (stored = bd_store_get_report (store, id, NULL)) != NULL &&
      !bd_report_get_deleted (stored) &&
      !bd_report_equal (stored, self->original))
    {
      g_clear_object (&self->report);
      g_clear_object (&self->original);
      self->report = bd_report_copy (stored);
      self->original = bd_report_copy (stored);
      self->observed_ok = TRUE;
      fill_widgets (self);
      validate (self);
    }
  else if (change == BD_STORE_CHANGE_UPDATED && g_strcmp0 (report_id, id) == 0)
    {
      /* a photo of the report may have arrived from the server: look again
       * for those that were only on the server */
      g_hash_table_foreach_remove (self->photo_states, is_on_server_state, NULL);
      rebuild_photos (self);
    }

  refresh_conflicts (self);
}

/* GObject */

static void
bd_report_editor_dispose (GObject *object)
{
  BdReportEditor *self = (BdReportEditor *)object;

  if (self->photo_cancellable != NULL)
    g_cancellable_cancel (self->photo_cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  gtk_widget_dispose_template (GTK_WIDGET (self), BD_TYPE_REPORT_EDITOR);

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_func (self->store, on_store_changed_cb, self);
  g_clear_object (&self->store);
  g_clear_object (&self->report);
  g_clear_object (&self->original);
  g_clear_object (&self->settings);
  g_clear_object (&self->ward_model);
  g_clear_object (&self->category_model);
  g_clear_object (&self->status_model);
  g_clear_object (&self->unit_group);
  g_clear_pointer (&self->count_spins, g_hash_table_unref);
  g_clear_pointer (&self->remembered, g_hash_table_unref);
  g_clear_pointer (&self->count_rows, g_ptr_array_unref);
  g_clear_object (&self->photo_cancellable);
  g_clear_pointer (&self->thumbnails, g_hash_table_unref);
  g_clear_pointer (&self->photo_states, g_hash_table_unref);
  g_queue_clear_full (&self->decode_queue, g_free);
  g_clear_pointer (&self->decoding_sha, g_free);

  G_OBJECT_CLASS (bd_report_editor_parent_class)->dispose (object);
}

static void
bd_report_editor_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  BdReportEditor *self = BD_REPORT_EDITOR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_REPORT:
      g_value_set_object (value, self->report);
      break;

    case PROP_VALID:
      g_value_set_boolean (value, self->valid);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_report_editor_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  BdReportEditor *self = BD_REPORT_EDITOR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      bd_report_editor_set_store (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_report_editor_class_init (BdReportEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bd_report_editor_dispose;
  object_class->get_property = bd_report_editor_get_property;
  object_class->set_property = bd_report_editor_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         BD_TYPE_STORE,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_REPORT] =
    g_param_spec_object ("report", NULL, NULL,
                         BD_TYPE_REPORT,
                         (G_PARAM_READABLE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_VALID] =
    g_param_spec_boolean ("valid", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE |
                           G_PARAM_EXPLICIT_NOTIFY |
                           G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SAVED] =
    g_signal_new ("saved",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, BD_TYPE_REPORT);

  signals[DELETED] =
    g_signal_new ("deleted",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  signals[CANCELLED] =
    g_signal_new ("cancelled",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  signals[FAILED] =
    g_signal_new ("failed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/bd-report-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, heading_label);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, conflict_box);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, conflict_list);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, add_photo_button);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, photos_empty_label);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, photo_box);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, photo_progress);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, photo_spinner);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, photo_error);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, scroller);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, title_row);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, category_row);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, severity1);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, severity2);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, severity3);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, severity4);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, location_row);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, ward_row);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, status_row);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, duplicate_row);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, description_view);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, counts_group);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, affected_households_row);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, affected_people_row);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, affected_households_spin);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, affected_people_spin);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, reporter_row);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, observed_row);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, counts_error_row);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, hint_label);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, delete_button);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, save_button);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, location_error);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, ward_error);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, category_error);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, severity_error);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, status_error);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, title_error);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, description_error);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, reporter_error);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, observed_error);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, counts_error);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, affected_error);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, duplicate_error);
  gtk_widget_class_bind_template_callback (widget_class, on_title_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_reporter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_duplicate_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_observed_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_ward_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_category_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_status_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_severity_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_affected_changed_cb);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "editor.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "editor.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "editor.observed-now", NULL, observed_now_action);
  gtk_widget_class_install_action (widget_class, "editor.add-photo", NULL, add_photo_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "editor.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "editor.cancel", NULL);

  gtk_widget_class_set_css_name (widget_class, "reporteditor");
}

static void
bd_report_editor_init (BdReportEditor *self)
{
  const BdWard *wards;
  const BdCategory *categories;
  const BdStatus *statuses;
  const BdSeverity *severities;
  const BdCountField *extra;
  GtkToggleButton *severity_buttons[4];
  guint n_wards = 0, n_categories = 0, n_statuses = 0, n_severities = 0, n_extra = 0;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (SCHEMA_ID);
  self->count_spins = g_hash_table_new (g_str_hash, g_str_equal);
  self->remembered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->count_rows = g_ptr_array_new ();
  self->unit_group = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
  self->photo_cancellable = g_cancellable_new ();
  self->thumbnails = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->photo_states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&self->decode_queue);

  self->loading = TRUE;

  self->ward_model = gtk_string_list_new (NULL);
  wards = bd_catalog_get_wards (&n_wards);
  for (guint i = 0; i < n_wards; i++)
    {
      g_autofree char *label = bd_dup_catalog_label (wards[i].name_ja, wards[i].name_en);

      gtk_string_list_append (self->ward_model, label);
    }
  adw_combo_row_set_model (self->ward_row, G_LIST_MODEL (self->ward_model));

  self->category_model = gtk_string_list_new (NULL);
  categories = bd_catalog_get_categories (&n_categories);
  for (guint i = 0; i < n_categories; i++)
    {
      g_autofree char *label = bd_dup_catalog_label (categories[i].name_ja, categories[i].name_en);

      gtk_string_list_append (self->category_model, label);
    }
  adw_combo_row_set_model (self->category_row, G_LIST_MODEL (self->category_model));

  self->status_model = gtk_string_list_new (NULL);
  statuses = bd_catalog_get_statuses (&n_statuses);
  for (guint i = 0; i < n_statuses; i++)
    {
      g_autofree char *label = bd_dup_catalog_label (statuses[i].name_ja, statuses[i].name_en);

      gtk_string_list_append (self->status_model, label);
    }
  adw_combo_row_set_model (self->status_row, G_LIST_MODEL (self->status_model));

  severity_buttons[0] = self->severity1;
  severity_buttons[1] = self->severity2;
  severity_buttons[2] = self->severity3;
  severity_buttons[3] = self->severity4;
  severities = bd_catalog_get_severities (&n_severities);
  for (guint i = 0; i < G_N_ELEMENTS (severity_buttons); i++)
    {
      const BdSeverity *severity = bd_catalog_lookup_severity ((int)i + 1);
      g_autofree char *label = NULL;

      if (severity != NULL)
        label = bd_dup_catalog_label (severity->name_ja, severity->name_en);
      else
        label = g_strdup_printf ("%u", i + 1);
      gtk_button_set_label (GTK_BUTTON (severity_buttons[i]), label);
    }
  (void)severities;
  (void)n_severities;

  extra = bd_catalog_get_extra_counts (&n_extra);
  for (guint i = 0; i < n_extra; i++)
    {
      g_autofree char *title = bd_dup_catalog_label (extra[i].label_ja, extra[i].label_en);
      AdwActionRow *row = NULL;
      GtkSpinButton *spin = NULL;

      if (g_strcmp0 (extra[i].key, "affected_households") == 0)
        {
          row = self->affected_households_row;
          spin = self->affected_households_spin;
        }
      else if (g_strcmp0 (extra[i].key, "affected_people") == 0)
        {
          row = self->affected_people_row;
          spin = self->affected_people_spin;
        }

      if (row != NULL)
        {
          GtkWidget *unit = gtk_label_new (bd_catalog_label (extra[i].unit_ja, extra[i].unit_en));

          gtk_widget_add_css_class (unit, "dim-label");
          gtk_label_set_width_chars (GTK_LABEL (unit), 3);
          gtk_label_set_xalign (GTK_LABEL (unit), 0);
          gtk_size_group_add_widget (self->unit_group, unit);
          adw_action_row_add_suffix (row, unit);
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
          gtk_accessible_update_property (GTK_ACCESSIBLE (spin),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                          -1);
        }
    }
  if (n_extra == 0)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->affected_households_row),
                                     _("Affected households"));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->affected_people_row),
                                     _("Affected people"));
    }

  g_signal_connect (gtk_text_view_get_buffer (self->description_view), "changed",
                    G_CALLBACK (on_description_changed_cb), self);

  self->loading = FALSE;

  gtk_widget_set_visible (GTK_WIDGET (self->counts_group), FALSE);
  validate (self);
}

/* public API */

BdReportEditor *
bd_report_editor_new (void)
{
  return g_object_new (BD_TYPE_REPORT_EDITOR, NULL);
}

BdStore *
bd_report_editor_get_store (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  return self->store;
}

void
bd_report_editor_set_store (BdReportEditor *self,
                            BdStore        *store)
{
  g_return_if_fail (BD_IS_REPORT_EDITOR (self));
  g_return_if_fail (!store || BD_IS_STORE (store));

  if (self->store == store)
    return;

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_func (self->store, on_store_changed_cb, self);

  if (g_set_object (&self->store, store))
    {
      if (store != NULL)
        g_signal_connect_object (store, "changed", G_CALLBACK (on_store_changed_cb), self, 0);
      refresh_conflicts (self);
      rebuild_photos (self);
      update_actions (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
    }
}

void
bd_report_editor_set_report (BdReportEditor *self,
                             BdReport       *report,
                             gboolean        is_new)
{
  g_return_if_fail (BD_IS_REPORT_EDITOR (self));
  g_return_if_fail (!report || BD_IS_REPORT (report));

  g_clear_object (&self->report);
  g_clear_object (&self->original);
  g_hash_table_remove_all (self->remembered);
  reset_photo_work (self);

  self->is_new = report != NULL && is_new;
  self->ward_touched = FALSE;
  self->observed_ok = TRUE;

  if (report != NULL)
    {
      self->report = bd_report_copy (report);

      if (self->is_new)
        {
          const char *reporter = bd_report_get_reporter (self->report);

          if (bd_report_get_ward (self->report) == NULL)
            {
              const BdWard *ward = bd_catalog_nearest_ward (bd_report_get_latitude (self->report),
                                                            bd_report_get_longitude (self->report));

              if (ward != NULL)
                bd_report_set_ward (self->report, ward->code);
            }

          if (reporter == NULL || reporter[0] == '\0')
            {
              g_autofree char *name = g_settings_get_string (self->settings, "reporter-name");

              if (name[0] != '\0')
                bd_report_set_reporter (self->report, name);
            }
        }

      self->original = bd_report_copy (self->report);
    }

  fill_widgets (self);
  refresh_conflicts (self);
  validate (self);

  if (report != NULL)
    {
      GtkAdjustment *vadjustment = gtk_scrolled_window_get_vadjustment (self->scroller);

      gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_lower (vadjustment));
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPORT]);
}

BdReport *
bd_report_editor_get_report (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  return self->report;
}

gboolean
bd_report_editor_get_is_new (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), FALSE);

  return self->is_new;
}

void
bd_report_editor_set_location (BdReportEditor *self,
                               double          latitude,
                               double          longitude)
{
  g_return_if_fail (BD_IS_REPORT_EDITOR (self));

  if (self->report == NULL)
    return;

  bd_report_set_location (self->report, latitude, longitude);

  /* A new report's ward follows its place until the user picks one. */
  if (self->is_new && !self->ward_touched)
    {
      const BdWard *ward = bd_catalog_nearest_ward (latitude, longitude);

      if (ward != NULL)
        {
          bd_report_set_ward (self->report, ward->code);
          self->loading = TRUE;
          select_ward (self, ward->code);
          self->loading = FALSE;
        }
    }

  update_location_row (self);
  validate (self);
}

gboolean
bd_report_editor_get_valid (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), FALSE);

  return self->valid;
}

gboolean
bd_report_editor_get_modified (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), FALSE);

  if (self->report == NULL || self->original == NULL)
    return FALSE;

  return !self->observed_ok || !bd_report_equal (self->report, self->original);
}

AdwEntryRow *
bd_report_editor_get_title_row (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  return self->title_row;
}

AdwComboRow *
bd_report_editor_get_ward_row (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  return self->ward_row;
}

AdwComboRow *
bd_report_editor_get_category_row (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  return self->category_row;
}

AdwComboRow *
bd_report_editor_get_status_row (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  return self->status_row;
}

AdwEntryRow *
bd_report_editor_get_reporter_row (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  return self->reporter_row;
}

AdwEntryRow *
bd_report_editor_get_observed_row (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  return self->observed_row;
}

GtkTextView *
bd_report_editor_get_description_view (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  return self->description_view;
}

GtkToggleButton *
bd_report_editor_get_severity_button (BdReportEditor *self,
                                      int             level)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  switch (level)
    {
    case 1: return self->severity1;
    case 2: return self->severity2;
    case 3: return self->severity3;
    case 4: return self->severity4;
    default: return NULL;
    }
}

GtkSpinButton *
bd_report_editor_get_count_spin (BdReportEditor *self,
                                 const char     *key)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  if (strcmp (key, "affected_households") == 0)
    return self->affected_households_spin;
  if (strcmp (key, "affected_people") == 0)
    return self->affected_people_spin;

  return g_hash_table_lookup (self->count_spins, key);
}

GtkWidget *
bd_report_editor_get_save_button (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  return self->save_button;
}

GtkLabel *
bd_report_editor_get_error_label (BdReportEditor *self,
                                  BdReportField   field)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  return error_label_for (self, field);
}

void
bd_report_editor_add_photo_file (BdReportEditor *self,
                                 GFile          *file)
{
  g_return_if_fail (BD_IS_REPORT_EDITOR (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->report == NULL || self->store == NULL)
    return;

  /* A new batch: the messages of the last one go. */
  if (self->n_photo_loads == 0)
    show_error (self->photo_error, NULL);

  if (count_attachments (self) + self->n_photo_loads >= BD_REPORT_MAX_ATTACHMENTS)
    {
      g_autofree char *message = g_strdup_printf (_("A report can have at most %u photos."),
                                                  (guint)BD_REPORT_MAX_ATTACHMENTS);

      add_photo_error (self, message);
      return;
    }

  self->n_photo_loads++;
  update_photo_progress (self);
  update_actions (self);

  bd_photo_load_file_async (file, BD_STORE_MAX_ATTACHMENT_BYTES, self->photo_cancellable,
                            on_photo_loaded_cb, g_object_ref (self));
}

gboolean
bd_report_editor_get_loading_photos (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), FALSE);

  return self->n_photo_loads > 0 || self->decoding || !g_queue_is_empty (&self->decode_queue);
}

GtkWidget *
bd_report_editor_get_add_photo_button (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  return self->add_photo_button;
}

GtkFlowBox *
bd_report_editor_get_photo_box (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  return self->photo_box;
}

GtkLabel *
bd_report_editor_get_photo_error_label (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  return self->photo_error;
}

GtkWidget *
bd_report_editor_get_conflict_box (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  return self->conflict_box;
}

BdConflictRow *
bd_report_editor_get_conflict_row (BdReportEditor *self,
                                   const char     *field)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);
  g_return_val_if_fail (field != NULL, NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->conflict_list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (BD_IS_CONFLICT_ROW (child) &&
        g_strcmp0 (bd_conflict_row_get_field (BD_CONFLICT_ROW (child)), field) == 0)
      return BD_CONFLICT_ROW (child);

  return NULL;
}
