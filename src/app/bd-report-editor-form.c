/* bd-report-editor-form.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The editor's form: the catalog choices, filling the fields from the
 * working copy, reading what is typed back into it, the damage counts of
 * the report's category, and the inline errors. */

#define G_LOG_DOMAIN "bd-report-editor"

#include "config.h"

#include "bd-report-editor-private.h"

#include <math.h>
#include <stdio.h>
#include <glib/gi18n-lib.h>

#include "bd-app-util.h"
#include "bd-combo-search.h"
#include "bd-catalog.h"
#include "bd-presets.h"

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

char *
_bd_report_editor_format_local_time (GDateTime *when)
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

GtkLabel *
_bd_report_editor_error_label_for (BdReportEditor *self,
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

/* What the hint under the form calls each field. The same words as the
 * form's own titles. */
static const char *
field_name (BdReportField field)
{
  switch (field)
    {
    case BD_REPORT_FIELD_TITLE:        return _("Title");
    case BD_REPORT_FIELD_CATEGORY:     return _("Kind of Damage");
    case BD_REPORT_FIELD_SEVERITY:     return _("Severity");
    case BD_REPORT_FIELD_LOCATION:     return _("Location");
    case BD_REPORT_FIELD_WARD:         return _("Ward");
    case BD_REPORT_FIELD_STATUS:       return _("Status");
    case BD_REPORT_FIELD_DUPLICATE_OF: return _("Duplicate of (report ID)");
    case BD_REPORT_FIELD_DESCRIPTION:  return _("Description");
    case BD_REPORT_FIELD_COUNTS:       return _("Damage Counts");
    case BD_REPORT_FIELD_AFFECTED:     return _("People Affected");
    case BD_REPORT_FIELD_REPORTER:     return _("Reported by");
    case BD_REPORT_FIELD_OBSERVED_AT:  return _("Observed at (YYYY-MM-DD HH:MM)");
    case BD_REPORT_FIELD_ATTACHMENTS:
    case BD_REPORT_FIELD_TIMESTAMPS:
    case BD_REPORT_N_FIELDS:
    default:
      return "";
    }
}

static gboolean
field_revealed (BdReportEditor *self,
                BdReportField   field)
{
  return self->reveal_all || (self->revealed & (1u << field)) != 0;
}

void
_bd_report_editor_validate (BdReportEditor *self)
{
  g_autoptr(GString) missing = g_string_new (NULL);
  gboolean valid = TRUE;
  gboolean shown = FALSE;

  if (self->report == NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (checked_fields); i++)
        {
          GtkWidget *widget = widget_for_field (self, checked_fields[i]);

          show_error (_bd_report_editor_error_label_for (self, checked_fields[i]), NULL);
          if (widget != NULL)
            set_widget_error (widget, FALSE);
        }
      gtk_label_set_text (self->hint_label, "");
      _bd_report_editor_set_valid (self, FALSE);
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
        {
          valid = FALSE;
          if (missing->len > 0)
            /* Translators: between the names of the fields still to fill in */
            g_string_append (missing, C_("field list", ", "));
          g_string_append (missing, field_name (field));
        }

      /* Nothing is red before the user has been there (or tried to save). */
      if (!field_revealed (self, field))
        message = NULL;
      else if (message != NULL)
        shown = TRUE;

      show_error (_bd_report_editor_error_label_for (self, field), message);
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
  else if (shown)
    gtk_label_set_text (self->hint_label, _("Fix the fields marked in red to save."));
  else
    {
      /* Translators: %s is a list of fields, "Title, Kind of Damage" */
      g_autofree char *hint = g_strdup_printf (_("To save, fill in: %s"), missing->str);

      gtk_label_set_text (self->hint_label, hint);
    }

  _bd_report_editor_set_valid (self, valid);
}

void
_bd_report_editor_reveal_field (BdReportEditor *self,
                                BdReportField   field)
{
  self->revealed |= 1u << field;
  _bd_report_editor_validate (self);
}

/* The widget to focus to fix @field. */
static GtkWidget *
focus_widget_for_field (BdReportEditor *self,
                        BdReportField   field)
{
  switch (field)
    {
    case BD_REPORT_FIELD_SEVERITY:    return self->severity_box;
    case BD_REPORT_FIELD_DESCRIPTION: return GTK_WIDGET (self->description_view);
    case BD_REPORT_FIELD_COUNTS:      return GTK_WIDGET (self->counts_group);
    case BD_REPORT_FIELD_AFFECTED:    return self->affected_group;
    default:                          return widget_for_field (self, field);
    }
}

gboolean
_bd_report_editor_reveal_all (BdReportEditor *self)
{
  self->reveal_all = TRUE;
  _bd_report_editor_validate (self);

  if (self->valid || self->report == NULL)
    return self->valid;

  for (guint i = 0; i < G_N_ELEMENTS (checked_fields); i++)
    {
      GtkLabel *label = _bd_report_editor_error_label_for (self, checked_fields[i]);
      GtkWidget *widget;

      if (!gtk_widget_get_visible (GTK_WIDGET (label)))
        continue;

      widget = focus_widget_for_field (self, checked_fields[i]);
      if (widget != NULL && !gtk_widget_grab_focus (widget))
        gtk_widget_child_focus (widget, GTK_DIR_TAB_FORWARD);
      break;
    }

  return FALSE;
}

/* The widget that holds a field, focus-wise: focus anywhere inside it is
 * "in the field". */
static GtkWidget *
holder_for_field (BdReportEditor *self,
                  BdReportField   field)
{
  switch (field)
    {
    case BD_REPORT_FIELD_DESCRIPTION: return GTK_WIDGET (self->description_view);
    default:                          return focus_widget_for_field (self, field);
    }
}

static int
field_holding (BdReportEditor *self,
               GtkWidget      *focus)
{
  if (focus == NULL)
    return -1;

  /* The place has two rows: the location and its coordinates. */
  if (focus == GTK_WIDGET (self->coords_row) || gtk_widget_is_ancestor (focus, GTK_WIDGET (self->coords_row)))
    return BD_REPORT_FIELD_LOCATION;

  for (guint i = 0; i < G_N_ELEMENTS (checked_fields); i++)
    {
      GtkWidget *holder = holder_for_field (self, checked_fields[i]);

      if (holder != NULL && (focus == holder || gtk_widget_is_ancestor (focus, holder)))
        return (int)checked_fields[i];
    }

  return -1;
}

/* The focus moved in the window (whether or not the window is active, so
 * a window coming up over this one changes nothing): a field the focus
 * left may show its error from now on. */
static void
on_root_focus_changed_cb (GtkWindow      *window,
                          GParamSpec     *pspec,
                          BdReportEditor *self)
{
  int field = field_holding (self, gtk_window_get_focus (window));
  int left = self->focus_field;

  self->focus_field = field;
  if (self->report == NULL || left < 0 || left == field ||
      (self->revealed & (1u << left)) != 0)
    return;

  _bd_report_editor_reveal_field (self, (BdReportField)left);
}

void
_bd_report_editor_watch_root (BdReportEditor *self,
                              GtkRoot        *root)
{
  if (self->watched_root != NULL)
    g_signal_handlers_disconnect_by_func (self->watched_root, on_root_focus_changed_cb, self);
  self->watched_root = GTK_IS_WINDOW (root) ? GTK_WIDGET (root) : NULL;
  self->focus_field = -1;

  if (self->watched_root != NULL)
    {
      g_signal_connect (self->watched_root, "notify::focus-widget",
                        G_CALLBACK (on_root_focus_changed_cb), self);
      self->focus_field = field_holding (self, gtk_window_get_focus (GTK_WINDOW (root)));
    }
}

void
_bd_report_editor_update_location_row (BdReportEditor *self)
{
  g_autofree char *text = NULL;
  g_autofree char *subtitle = NULL;
  const BdWard *ward;
  gboolean was_loading = self->loading;

  if (self->report == NULL)
    {
      adw_action_row_set_subtitle (self->location_row, "");
      self->loading = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (self->coords_row), "");
      self->loading = was_loading;
      return;
    }

  text = g_strdup_printf ("%.5f, %.5f",
                          bd_report_get_latitude (self->report),
                          bd_report_get_longitude (self->report));

  /* The ward the pin is in, beside the numbers. */
  ward = _bd_report_editor_get_pin_ward (self);
  if (ward != NULL)
    {
      g_autofree char *name = bd_dup_catalog_label (ward->name_ja, ward->name_en);

      subtitle = g_strdup_printf ("%s · %s", name, text);
    }
  adw_action_row_set_subtitle (self->location_row, subtitle != NULL ? subtitle : text);

  self->loading = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->coords_row), text);
  self->loading = was_loading;
}

void
_bd_report_editor_select_ward (BdReportEditor *self,
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
  /* the row offers the moves the workflow allows (bd-report-editor-workflow.c) */
  _bd_report_editor_select_status (self, code);
}

/* The four severity buttons are one Tab stop, like radio buttons: the
 * chosen one (or the first) takes the focus, the arrow keys choose. */
static void
update_severity_focus (BdReportEditor *self)
{
  GtkToggleButton *buttons[] = { self->severity1, self->severity2, self->severity3, self->severity4 };
  int active = 0;

  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    if (gtk_toggle_button_get_active (buttons[i]))
      active = (int)i;

  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    gtk_widget_set_focusable (GTK_WIDGET (buttons[i]), (int)i == active);
}

static gboolean
on_severity_key_pressed_cb (GtkEventControllerKey *controller,
                            guint                  keyval,
                            guint                  keycode,
                            GdkModifierType        state,
                            BdReportEditor        *self)
{
  GtkToggleButton *buttons[] = { self->severity1, self->severity2, self->severity3, self->severity4 };
  GtkRoot *root = gtk_widget_get_root (self->severity_box);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  int current = -1;
  int next;

  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    if (focus == GTK_WIDGET (buttons[i]))
      current = (int)i;

  if (current < 0 || (state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0)
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      next = MAX (current - 1, 0);
      break;

    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      next = MIN (current + 1, (int)G_N_ELEMENTS (buttons) - 1);
      break;

    default:
      return FALSE;
    }

  gtk_toggle_button_set_active (buttons[next], TRUE);
  update_severity_focus (self);
  gtk_widget_grab_focus (GTK_WIDGET (buttons[next]));
  return TRUE;
}

static void
select_severity (BdReportEditor *self,
                 int             level)
{
  GtkToggleButton *buttons[] = { self->severity1, self->severity2, self->severity3, self->severity4 };

  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    gtk_toggle_button_set_active (buttons[i], (int)i + 1 == level);
  update_severity_focus (self);
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

  _bd_report_editor_validate (self);
}

/* The wheel scrolls the form, never a number: a scroll over a count's spin
 * button is caught before the spin button sees it (capture phase) and
 * moves the form's scrolled window instead, as if the spin button were
 * not there. Numbers change only by typing or by their + and − buttons. */
static gboolean
on_spin_scroll_cb (GtkEventControllerScroll *controller,
                   double                    dx,
                   double                    dy,
                   BdReportEditor           *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);
  double page = gtk_adjustment_get_page_size (adjustment);
  double step;

  /* GtkScrolledWindow's own step for a wheel notch. */
  step = page > 0 ? pow (page, 2.0 / 3.0) : 50;
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) + dy * step);

  return TRUE;
}

void
_bd_report_editor_keep_wheel_off (BdReportEditor *self,
                                  GtkSpinButton  *spin)
{
  GtkEventController *scroll;

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL |
                                            GTK_EVENT_CONTROLLER_SCROLL_DISCRETE);
  gtk_event_controller_set_propagation_phase (scroll, GTK_PHASE_CAPTURE);
  gtk_event_controller_set_name (scroll, "bd-wheel-scrolls-form");
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_spin_scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (spin), scroll);
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
  _bd_report_editor_keep_wheel_off (self, GTK_SPIN_BUTTON (spin));

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

/* The photo strip shows the working copy's photos. */
static void
show_photos (BdReportEditor *self)
{
  g_autoptr(GVariant) attachments = NULL;

  if (self->report != NULL)
    attachments = bd_report_get_attachments (self->report);
  bd_photo_strip_set_attachments (self->photo_strip, attachments);
}

void
_bd_report_editor_fill_widgets (BdReportEditor *self)
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
      gtk_widget_set_visible (self->presets_group, FALSE);
      _bd_report_editor_update_location_row (self);
      rebuild_counts (self);
      show_photos (self);
      self->loading = FALSE;
      return;
    }

  gtk_label_set_text (self->heading_label, self->is_new ? _("New Report") : _("Edit Report"));
  gtk_widget_set_visible (self->presets_group, self->is_new);

  gtk_editable_set_text (GTK_EDITABLE (self->title_row), bd_report_get_title (report) ?: "");
  select_category (self, bd_report_get_category (report));
  select_severity (self, bd_report_get_severity (report));
  _bd_report_editor_update_location_row (self);
  _bd_report_editor_select_ward (self, bd_report_get_ward (report));
  _bd_report_editor_fill_workflow (self);
  select_status (self, bd_report_get_status (report));
  gtk_editable_set_text (GTK_EDITABLE (self->duplicate_row), bd_report_get_duplicate_of (report) ?: "");
  update_duplicate_row (self);
  gtk_text_buffer_set_text (buffer, bd_report_get_description (report) ?: "", -1);
  gtk_editable_set_text (GTK_EDITABLE (self->reporter_row), bd_report_get_reporter (report) ?: "");

  observed = _bd_report_editor_format_local_time (bd_report_get_observed_at (report));
  gtk_editable_set_text (GTK_EDITABLE (self->observed_row), observed);
  self->observed_ok = TRUE;

  households = bd_report_get_affected_households (report);
  people = bd_report_get_affected_people (report);
  gtk_spin_button_set_value (self->affected_households_spin, households > 0 ? (double)households : 0);
  gtk_spin_button_set_value (self->affected_people_spin, people > 0 ? (double)people : 0);

  rebuild_counts (self);
  show_photos (self);

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
  _bd_report_editor_validate (self);
}

static void
on_reporter_changed_cb (BdReportEditor *self,
                        GtkEditable    *editable)
{
  if (self->loading || self->report == NULL)
    return;

  bd_report_set_reporter (self->report, gtk_editable_get_text (editable));
  _bd_report_editor_validate (self);
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
  _bd_report_editor_validate (self);
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

  _bd_report_editor_validate (self);
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
  _bd_report_editor_validate (self);
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
  self->revealed |= 1u << BD_REPORT_FIELD_WARD;
  _bd_report_editor_ward_chosen (self);
  _bd_report_editor_validate (self);
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
  _bd_report_editor_validate (self);
}

static void
on_status_selected_cb (BdReportEditor *self,
                       GParamSpec     *pspec,
                       AdwComboRow    *row)
{
  guint selected;

  if (self->loading || self->report == NULL)
    return;

  selected = adw_combo_row_get_selected (row);
  bd_report_set_status (self->report, _bd_report_editor_status_code_at (self, selected));
  if (g_strcmp0 (bd_report_get_status (self->report), "duplicate") != 0)
    {
      self->loading = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (self->duplicate_row), "");
      self->loading = FALSE;
      bd_report_set_duplicate_of (self->report, NULL);
    }
  update_duplicate_row (self);
  _bd_report_editor_validate (self);
}

static void
on_severity_toggled_cb (BdReportEditor  *self,
                        GtkToggleButton *button)
{
  int level;

  if (self->loading || self->report == NULL || !gtk_toggle_button_get_active (button))
    return;

  update_severity_focus (self);

  if (button == self->severity1)
    level = 1;
  else if (button == self->severity2)
    level = 2;
  else if (button == self->severity3)
    level = 3;
  else
    level = 4;

  bd_report_set_severity (self->report, level);
  _bd_report_editor_reveal_field (self, BD_REPORT_FIELD_SEVERITY);
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

  _bd_report_editor_validate (self);
}

/* Quick reports */

/* TRUE when @title is empty or a preset's own title: a preset may
 * replace it, but not what the user typed. */
static gboolean
title_is_replaceable (const char *title)
{
  const BdPreset *presets;
  guint n_presets = 0;

  if (title == NULL || title[0] == '\0')
    return TRUE;

  presets = bd_presets_get (&n_presets);
  for (guint i = 0; i < n_presets; i++)
    if (g_strcmp0 (title, presets[i].title_ja) == 0 || g_strcmp0 (title, presets[i].title_en) == 0)
      return TRUE;

  return FALSE;
}

static void
apply_preset_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  BdReportEditor *self = BD_REPORT_EDITOR (widget);
  const BdPreset *preset = bd_presets_lookup (g_variant_get_string (parameter, NULL));

  if (preset == NULL || self->report == NULL || !self->is_new)
    return;

  /* Through the widgets, as if chosen and typed: the counts follow the
   * category, and the title stays editable. */
  select_category (self, preset->category);
  if (title_is_replaceable (bd_report_get_title (self->report)))
    gtk_editable_set_text (GTK_EDITABLE (self->title_row),
                           bd_catalog_label (preset->title_ja, preset->title_en));
}

static void
build_presets (BdReportEditor *self)
{
  const BdPreset *presets;
  guint n_presets = 0;

  presets = bd_presets_get (&n_presets);
  for (guint i = 0; i < n_presets; i++)
    {
      GtkWidget *button = gtk_button_new_with_label (bd_catalog_label (presets[i].title_ja,
                                                                        presets[i].title_en));
      GtkWidget *child;

      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "editor.apply-preset");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", presets[i].id);
      gtk_widget_add_css_class (button, "bd-preset");
      gtk_flow_box_append (self->presets_box, button);

      /* The button is the Tab stop, not the flow box's child around it. */
      child = gtk_widget_get_parent (button);
      gtk_widget_set_focusable (child, FALSE);
    }
}

/* Enter in an empty drop-down */

/* AdwComboRow 1.2 opens its list with the focus on the first item but
 * nothing selected, and Enter then chooses nothing (it takes the list's
 * selection, which is empty). Just before Enter reaches the item, the
 * focused item is selected, so Enter chooses what is highlighted. */
static gboolean
on_combo_list_key_pressed_cb (GtkEventControllerKey *controller,
                              guint                  keyval,
                              guint                  keycode,
                              GdkModifierType        state,
                              AdwComboRow           *row)
{
  GtkWidget *list = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  GtkRoot *root = gtk_widget_get_root (list);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (keyval != GDK_KEY_Return && keyval != GDK_KEY_KP_Enter && keyval != GDK_KEY_ISO_Enter &&
      keyval != GDK_KEY_space)
    return FALSE;

  if (adw_combo_row_get_selected (row) != GTK_INVALID_LIST_POSITION || focus == NULL)
    return FALSE;

  while (focus != NULL && gtk_widget_get_parent (focus) != list)
    focus = gtk_widget_get_parent (focus);
  if (focus != NULL)
    gtk_widget_activate_action (focus, "listitem.select", "(bb)", FALSE, FALSE);

  return FALSE;
}

static void
let_enter_choose (AdwComboRow *row)
{
  GtkWidget *popover = bd_widget_find_descendant (GTK_WIDGET (row), GTK_TYPE_POPOVER);
  GtkWidget *list = popover != NULL ? bd_widget_find_descendant (popover, GTK_TYPE_LIST_VIEW) : NULL;
  GtkEventController *keys;

  if (list == NULL)
    {
      g_debug ("No list in the drop-down: Enter stays as libadwaita has it");
      return;
    }

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_combo_list_key_pressed_cb), row);
  gtk_widget_add_controller (list, keys);
}

/* set-up */

void
_bd_report_editor_class_init_form (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, on_title_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_reporter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_duplicate_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_observed_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_ward_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_category_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_status_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_severity_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_affected_changed_cb);

  gtk_widget_class_install_action (widget_class, "editor.apply-preset", "s", apply_preset_action);
}

void
_bd_report_editor_init_form (BdReportEditor *self)
{
  const BdWard *wards;
  const BdCategory *categories;
  const BdSeverity *severities;
  const BdCountField *extra;
  GtkToggleButton *severity_buttons[4];
  guint n_wards = 0, n_categories = 0, n_severities = 0, n_extra = 0;

  self->loading = TRUE;

  self->ward_model = gtk_string_list_new (NULL);
  wards = bd_catalog_get_wards (&n_wards);
  for (guint i = 0; i < n_wards; i++)
    {
      g_autofree char *label = bd_dup_catalog_label (wards[i].name_ja, wards[i].name_en);

      gtk_string_list_append (self->ward_model, label);
    }
  adw_combo_row_set_model (self->ward_row, G_LIST_MODEL (self->ward_model));
  bd_combo_row_name_list (self->ward_row);

  self->category_model = gtk_string_list_new (NULL);
  categories = bd_catalog_get_categories (&n_categories);
  for (guint i = 0; i < n_categories; i++)
    {
      g_autofree char *label = bd_dup_catalog_label (categories[i].name_ja, categories[i].name_en);

      gtk_string_list_append (self->category_model, label);
    }
  adw_combo_row_set_model (self->category_row, G_LIST_MODEL (self->category_model));
  bd_combo_row_name_list (self->category_row);

  /* filled per report with the moves the workflow allows */
  self->status_model = gtk_string_list_new (NULL);
  adw_combo_row_set_model (self->status_row, G_LIST_MODEL (self->status_model));
  bd_combo_row_name_list (self->status_row);
  _bd_report_editor_init_workflow (self);

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

  _bd_report_editor_keep_wheel_off (self, self->affected_households_spin);
  _bd_report_editor_keep_wheel_off (self, self->affected_people_spin);

  g_signal_connect (gtk_text_view_get_buffer (self->description_view), "changed",
                    G_CALLBACK (on_description_changed_cb), self);

  self->loading = FALSE;

  gtk_widget_set_visible (GTK_WIDGET (self->counts_group), FALSE);

  {
    GtkEventController *keys = gtk_event_controller_key_new ();

    gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
    g_signal_connect (keys, "key-pressed", G_CALLBACK (on_severity_key_pressed_cb), self);
    gtk_widget_add_controller (self->severity_box, keys);
    update_severity_focus (self);
  }

  build_presets (self);

  let_enter_choose (self->category_row);
  let_enter_choose (self->ward_row);
  let_enter_choose (self->status_row);
  let_enter_choose (self->department_row);

  /* type-to-find in the long lists */
  bd_combo_row_add_search (self->ward_row, _("Find a ward"));
  bd_combo_row_add_search (self->category_row, _("Find a kind of damage"));

}
