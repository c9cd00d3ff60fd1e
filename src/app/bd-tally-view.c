/* bd-tally-view.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-tally-view"

#include "config.h"

#include "bd-tally-view.h"
#include "bd-tally-view-private.h"

#include <glib/gi18n.h>

#include "bd-catalog.h"
#include "bd-tally.h"
#include "bd-time.h"

/* The damage tally (第4号様式 その2) in a window: the form's groups,
 * items and units down the side with the city's total beside them, a
 * column per ward in the city's order (scrolled sideways); as of a time (now by default, kept up to date), or an
 * issued edition as it was issued. Issue Edition keeps the shown numbers
 * as the next edition; Export CSV and Print (A4 landscape; "Print to File"
 * makes a PDF) work on what is shown. */

/* A change in the store brings a "now" tally up to date this long after
 * the last one (a sync writes many reports in a row). */
#define REFRESH_DELAY_MS 500

struct _BdTallyView
{
  AdwWindow             parent_instance;

  BdStore              *store;
  char                 *actor;
  BdTally              *tally;          /* what is shown */
  GDateTime            *as_of;          /* the current tally's time */
  gboolean              live;           /* as of now, followed */
  GPtrArray            *editions;       /* BdTallyEdition*, oldest first */
  GPtrArray            *value_labels;   /* GtkLabel*: [column * n_items + item] */
  guint                 updating;
  guint                 refresh_id;
  gulong                changed_id;
  GtkFileChooserNative *chooser;

  /* template children */
  AdwToastOverlay      *toast_overlay;
  GtkWidget            *issue_button;
  GtkWidget            *print_button;
  GtkWidget            *export_button;
  GtkMenuButton        *date_button;
  GtkCalendar          *calendar;
  GtkSpinButton        *hour_spin;
  GtkSpinButton        *minute_spin;
  GtkWidget            *now_button;
  GtkDropDown          *editions_dropdown;
  GtkStringList        *editions_model;
  GtkLabel             *heading_label;
  GtkGrid              *names_grid;
  GtkGrid              *values_grid;
};

G_DEFINE_FINAL_TYPE (BdTallyView, bd_tally_view, ADW_TYPE_WINDOW)

/* Helpers */

static void
show_error (BdTallyView *self,
            const char  *heading,
            GError      *error)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, error->message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWidget *
cell (const char *text,
      float       xalign,
      const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);

  return label;
}

/* The table's fixed parts: the names down the side, the wards across. */
static void
build_table (BdTallyView *self)
{
  const BdTallyItem *items;
  const BdWard *wards;
  guint n_items = 0;
  guint n_wards = 0;
  const char *last_group = NULL;
  const char *last_name = NULL;

  items = bd_tally_get_items (&n_items);
  wards = bd_catalog_get_wards (&n_wards);

  gtk_grid_attach (self->names_grid, cell (C_("tally", "Group"), 0, "heading"), 0, 0, 1, 1);
  gtk_grid_attach (self->names_grid, cell (C_("tally", "Item"), 0, "heading"), 1, 0, 1, 1);
  gtk_grid_attach (self->names_grid, cell (C_("tally", "Unit"), 0, "heading"), 2, 0, 1, 1);

  /* the city's total stays in sight beside the names; the wards scroll */
  for (guint c = 0; c <= n_wards; c++)
    {
      const BdWard *ward = c < n_wards ? &wards[c] : bd_catalog_get_city ();
      GtkWidget *label = cell (bd_catalog_label (ward->name_ja, ward->name_en), 1, "heading");

      if (c < n_wards)
        gtk_grid_attach (self->values_grid, label, c, 0, 1, 1);
      else
        gtk_grid_attach (self->names_grid, label, 3, 0, 1, 1);
    }

  self->value_labels = g_ptr_array_new ();
  g_ptr_array_set_size (self->value_labels, (n_wards + 1) * n_items);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(GtkSizeGroup) row = gtk_size_group_new (GTK_SIZE_GROUP_VERTICAL);
      const char *group = bd_tally_item_group (&items[i]);
      const char *name = bd_tally_item_name (&items[i]);
      GtkWidget *label;

      /* as on the form: a group's name on its first row, an item's on
       * the first of its units */
      label = cell (g_strcmp0 (group, last_group) != 0 ? group : "", 0, "heading");
      gtk_grid_attach (self->names_grid, label, 0, i + 1, 1, 1);
      gtk_size_group_add_widget (row, label);
      label = cell (g_strcmp0 (name, last_name) != 0 || g_strcmp0 (group, last_group) != 0
                    ? name : "", 0, NULL);
      gtk_grid_attach (self->names_grid, label, 1, i + 1, 1, 1);
      gtk_size_group_add_widget (row, label);
      label = cell (bd_tally_item_unit (&items[i]), 0, "dim-label");
      gtk_grid_attach (self->names_grid, label, 2, i + 1, 1, 1);
      gtk_size_group_add_widget (row, label);
      last_group = group;
      last_name = name;

      for (guint c = 0; c <= n_wards; c++)
        {
          label = cell ("0", 1, "numeric");
          if (c == n_wards)
            {
              gtk_widget_add_css_class (label, "heading");
              gtk_grid_attach (self->names_grid, label, 3, i + 1, 1, 1);
            }
          else
            gtk_grid_attach (self->values_grid, label, c, i + 1, 1, 1);
          gtk_size_group_add_widget (row, label);
          g_ptr_array_index (self->value_labels, c * n_items + i) = label;
        }
    }
}

static void
show_tally (BdTallyView *self)
{
  const BdTallyItem *items;
  guint n_items = 0;
  g_autofree char *title = NULL;

  items = bd_tally_get_items (&n_items);
  for (guint c = 0; c < bd_tally_get_n_columns (self->tally); c++)
    for (guint i = 0; i < n_items; i++)
      {
        double value = bd_tally_get_value (self->tally, c, i);
        g_autofree char *text = bd_tally_format_value (value, items[i].is_decimal);
        GtkWidget *label = g_ptr_array_index (self->value_labels, c * n_items + i);

        gtk_label_set_text (GTK_LABEL (label), text);
        /* the numbers that are not zero stand out */
        if (value == 0)
          gtk_widget_add_css_class (label, "dim-label");
        else
          gtk_widget_remove_css_class (label, "dim-label");
      }

  title = bd_tally_dup_title (self->tally);
  if (bd_tally_get_edition (self->tally) > 0 && bd_tally_get_issued_at (self->tally) != NULL)
    {
      g_autoptr(GDateTime) issued = bd_parse_timestamp (bd_tally_get_issued_at (self->tally));
      g_autoptr(GDateTime) local = issued != NULL ? g_date_time_to_local (issued) : NULL;
      g_autofree char *when = local != NULL ? g_date_time_format (local, "%Y-%m-%d %H:%M") : NULL;
      g_autofree char *full = NULL;

      /* Translators: the edition's title, then when it was issued */
      full = g_strdup_printf (_("%s (issued %s)"), title, when != NULL ? when : "");
      gtk_label_set_text (self->heading_label, full);
    }
  else
    gtk_label_set_text (self->heading_label, title);
}

/* Puts @as_of into the date and time controls. */
static void
show_time (BdTallyView *self)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (self->as_of);
  g_autofree char *date = g_date_time_format (local, "%Y-%m-%d");

  self->updating++;
  gtk_calendar_select_day (self->calendar, local);
  gtk_spin_button_set_value (self->hour_spin, g_date_time_get_hour (local));
  gtk_spin_button_set_value (self->minute_spin, g_date_time_get_minute (local));
  gtk_menu_button_set_label (self->date_button, date);
  self->updating--;
}

static void
compute (BdTallyView *self)
{
  g_autoptr(GError) error = NULL;
  BdTally *tally;

  if (!(tally = bd_tally_compute (self->store, self->as_of, &error)))
    {
      show_error (self, _("Cannot Tally the Reports"), error);
      return;
    }
  g_clear_pointer (&self->tally, bd_tally_free);
  self->tally = tally;
  show_tally (self);
}

static void
set_controls_for_edition (BdTallyView *self,
                          gboolean     edition)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->date_button), !edition);
  gtk_widget_set_sensitive (GTK_WIDGET (self->hour_spin), !edition);
  gtk_widget_set_sensitive (GTK_WIDGET (self->minute_spin), !edition);
  gtk_widget_set_sensitive (self->issue_button, !edition);
}

static void
show_current (BdTallyView *self)
{
  self->updating++;
  gtk_drop_down_set_selected (self->editions_dropdown, 0);
  self->updating--;
  set_controls_for_edition (self, FALSE);
  show_time (self);
  compute (self);
}

static void
set_now (BdTallyView *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  g_clear_pointer (&self->as_of, g_date_time_unref);
  self->as_of = g_date_time_add (now, -(GTimeSpan) g_date_time_get_microsecond (now));
  self->live = TRUE;
}

static char *
edition_label (BdTallyEdition *edition)
{
  g_autoptr(GDateTime) as_of = bd_parse_timestamp (edition->as_of);
  g_autofree char *when = NULL;

  if (as_of == NULL)
    return g_strdup_printf (C_("tally", "Edition %lld"), (long long) edition->number);

  when = bd_tally_format_time (as_of);
  /* Translators: an issued edition in the list: "第3報（12月6日14時現在）" */
  return g_strdup_printf (C_("tally", "Edition %lld (%s)"), (long long) edition->number, when);
}

static void
load_editions (BdTallyView *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *editions;

  if (!(editions = bd_tally_list_editions (self->store, &error)))
    {
      show_error (self, _("Cannot Read the Editions"), error);
      return;
    }
  g_clear_pointer (&self->editions, g_ptr_array_unref);
  self->editions = editions;

  g_ptr_array_add (labels, g_strdup (C_("tally", "Current Tally")));
  for (guint i = 0; i < editions->len; i++)
    g_ptr_array_add (labels, edition_label (g_ptr_array_index (editions, i)));
  g_ptr_array_add (labels, NULL);

  self->updating++;
  gtk_string_list_splice (self->editions_model, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->editions_model)),
                          (const char * const *) labels->pdata);
  self->updating--;
}

static gboolean
show_edition (BdTallyView  *self,
              gint64        number,
              GError      **error)
{
  BdTally *tally;

  if (!(tally = bd_tally_load_edition (self->store, number, error)))
    return FALSE;
  g_clear_pointer (&self->tally, bd_tally_free);
  self->tally = tally;
  set_controls_for_edition (self, TRUE);
  show_tally (self);

  return TRUE;
}

/* Callbacks */

static void
on_time_changed_cb (BdTallyView *self)
{
  g_autoptr(GDateTime) day = NULL;
  g_autofree char *date = NULL;
  GDateTime *as_of;

  if (self->updating > 0)
    return;

  day = gtk_calendar_get_date (self->calendar);
  as_of = g_date_time_new_local (g_date_time_get_year (day), g_date_time_get_month (day),
                                 g_date_time_get_day_of_month (day),
                                 gtk_spin_button_get_value_as_int (self->hour_spin),
                                 gtk_spin_button_get_value_as_int (self->minute_spin), 0);
  if (as_of == NULL)
    return;
  g_clear_pointer (&self->as_of, g_date_time_unref);
  self->as_of = as_of;
  self->live = FALSE;
  date = g_date_time_format (as_of, "%Y-%m-%d");
  gtk_menu_button_set_label (self->date_button, date);
  show_current (self);
}

static void
on_now_clicked_cb (BdTallyView *self)
{
  set_now (self);
  show_current (self);
}

static void
on_edition_selected_cb (BdTallyView *self)
{
  g_autoptr(GError) error = NULL;
  guint selected = gtk_drop_down_get_selected (self->editions_dropdown);
  BdTallyEdition *edition;

  if (self->updating > 0 || selected == GTK_INVALID_LIST_POSITION)
    return;
  if (selected == 0 || self->editions == NULL || selected > self->editions->len)
    {
      show_current (self);
      return;
    }

  edition = g_ptr_array_index (self->editions, selected - 1);
  if (!show_edition (self, edition->number, &error))
    show_error (self, _("Cannot Read the Editions"), error);
}

static gboolean
refresh_cb (gpointer user_data)
{
  BdTallyView *self = user_data;

  self->refresh_id = 0;
  if (self->live && gtk_drop_down_get_selected (self->editions_dropdown) == 0)
    {
      set_now (self);
      show_time (self);
      compute (self);
    }

  return G_SOURCE_REMOVE;
}

static void
on_store_changed_cb (BdStore     *store,
                     int          change,
                     const char  *id,
                     gint64       rowid,
                     BdTallyView *self)
{
  if (self->live && self->refresh_id == 0)
    self->refresh_id = g_timeout_add (REFRESH_DELAY_MS, refresh_cb, self);
}

static void
on_issue_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      BdTallyView      *self)
{
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "issue") != 0)
    return;
  if (!_bd_tally_view_issue (self, &error))
    show_error (self, _("Cannot Issue the Edition"), error);
}

static void
on_issue_clicked_cb (BdTallyView *self)
{
  g_autofree char *when = NULL;
  g_autofree char *body = NULL;
  g_autofree char *heading = NULL;
  gint64 next = (self->editions != NULL ? self->editions->len : 0) + 1;
  GtkWidget *dialog;

  if (self->live)
    set_now (self);
  {
    g_autoptr(GDateTime) local = g_date_time_to_local (self->as_of);

    when = g_date_time_format (local, "%Y-%m-%d %H:%M");
  }
  heading = g_strdup_printf (_("Issue Edition %lld?"), (long long) next);
  body = g_strdup_printf (_("The numbers as of %s are kept as edition %lld exactly as they "
                            "are now. An issued edition cannot be changed."),
                          when, (long long) next);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "issue", _("_Issue"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "issue",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "issue");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_issue_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_chooser_response_cb (GtkNativeDialog *chooser,
                        int              response,
                        BdTallyView     *self)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    {
      path = g_file_get_path (file);
      if (path == NULL)
        g_set_error (&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                     _("The tally can only be saved to a local file"));
      if (path == NULL || !_bd_tally_view_export_to (self, path, &error))
        show_error (self, _("Cannot Save the Tally"), error);
    }
  g_clear_object (&self->chooser);
}

static void
on_export_clicked_cb (BdTallyView *self)
{
  g_autofree char *name = NULL;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    {
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
      return;
    }

  if (bd_tally_get_edition (self->tally) > 0)
    name = g_strdup_printf ("tally-edition-%lld.csv", (long long) bd_tally_get_edition (self->tally));
  else
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (bd_tally_get_as_of (self->tally));

      name = g_date_time_format (local, "tally-%Y%m%d-%H%M.csv");
    }

  self->chooser = gtk_file_chooser_native_new (_("Export the Tally as CSV"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Save"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("CSV files"));
  gtk_file_filter_add_suffix (filter, "csv");
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* Printing: the whole form on one A4 landscape page. */

static void
draw_text (cairo_t              *cr,
           PangoLayout          *layout,
           const char           *text,
           double                x,
           double                y,
           double                width,
           PangoAlignment        align)
{
  pango_layout_set_text (layout, text, -1);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_alignment (layout, align);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

static void
on_begin_print_cb (GtkPrintOperation *operation,
                   GtkPrintContext   *context,
                   BdTallyView       *self)
{
  gtk_print_operation_set_n_pages (operation, 1);
}

/* Draws the page on @cr, whose units are points, in a box of @width by
 * @height. */
static void
draw_tally (BdTallyView *self,
            cairo_t     *cr,
            double       width,
            double       height)
{
  g_autoptr(PangoLayout) layout = pango_cairo_create_layout (cr);
  g_autoptr(PangoFontDescription) title_font = pango_font_description_from_string ("Sans Bold 11");
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string ("Sans 6");
  g_autoptr(PangoFontDescription) bold = pango_font_description_from_string ("Sans Bold 6");
  g_autoptr(PangoFontDescription) small_bold = pango_font_description_from_string ("Sans Bold 5.5");
  g_autofree char *title = bd_tally_dup_title (self->tally);
  g_autofree char *heading = NULL;
  const BdTallyItem *items;
  guint n_items = 0;
  guint n_columns = bd_tally_get_n_columns (self->tally);
  double names_width = width * 0.2;
  double group_width = names_width * 0.26;
  double unit_width = names_width * 0.11;
  double item_width = names_width - group_width - unit_width;
  double column_width;
  double top = 26;
  double row_height;
  const char *last_group = NULL;
  const char *last_name = NULL;

  /* a point a unit, whatever the device */
  pango_cairo_context_set_resolution (pango_layout_get_context (layout), 72);
  pango_layout_context_changed (layout);
  items = bd_tally_get_items (&n_items);
  column_width = (width - names_width) / n_columns;
  row_height = MIN ((height - top) / (n_items + 1), 14);

  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_font_description (layout, title_font);
  /* Translators: the printed form's title, then the edition and time */
  heading = g_strdup_printf (_("Damage Status Report (Form 4, Part 2)  %s"), title);
  draw_text (cr, layout, heading, 0, 0, width, PANGO_ALIGN_LEFT);

  cairo_set_line_width (cr, 0.3);
  pango_layout_set_font_description (layout, bold);
  draw_text (cr, layout, C_("tally", "Group"), 0, top + 2, group_width, PANGO_ALIGN_LEFT);
  draw_text (cr, layout, C_("tally", "Item"), group_width, top + 2, item_width, PANGO_ALIGN_LEFT);
  draw_text (cr, layout, C_("tally", "Unit"), group_width + item_width, top + 2, unit_width,
             PANGO_ALIGN_LEFT);
  pango_layout_set_font_description (layout, small_bold);
  for (guint c = 0; c < n_columns; c++)
    draw_text (cr, layout, bd_tally_get_column_name (self->tally, c),
               names_width + c * column_width, top + 2, column_width - 2, PANGO_ALIGN_RIGHT);

  for (guint i = 0; i < n_items; i++)
    {
      double y = top + (i + 1) * row_height;
      const char *group = bd_tally_item_group (&items[i]);
      const char *name = bd_tally_item_name (&items[i]);

      cairo_move_to (cr, g_strcmp0 (group, last_group) != 0 ? 0 : group_width, y);
      cairo_line_to (cr, width, y);
      cairo_stroke (cr);

      pango_layout_set_font_description (layout, bold);
      if (g_strcmp0 (group, last_group) != 0)
        draw_text (cr, layout, group, 0, y + 2, group_width, PANGO_ALIGN_LEFT);
      pango_layout_set_font_description (layout, font);
      if (g_strcmp0 (name, last_name) != 0 || g_strcmp0 (group, last_group) != 0)
        draw_text (cr, layout, name, group_width, y + 2, item_width, PANGO_ALIGN_LEFT);
      draw_text (cr, layout, bd_tally_item_unit (&items[i]), group_width + item_width, y + 2,
                 unit_width, PANGO_ALIGN_LEFT);
      last_group = group;
      last_name = name;

      for (guint c = 0; c < n_columns; c++)
        {
          g_autofree char *text = bd_tally_format_value (bd_tally_get_value (self->tally, c, i),
                                                         items[i].is_decimal);

          pango_layout_set_font_description (layout, c + 1 == n_columns ? bold : font);
          draw_text (cr, layout, text, names_width + c * column_width, y + 2, column_width - 2,
                     PANGO_ALIGN_RIGHT);
        }
    }
  cairo_move_to (cr, 0, top + (n_items + 1) * row_height);
  cairo_line_to (cr, width, top + (n_items + 1) * row_height);
  cairo_stroke (cr);
}

static void
on_draw_page_cb (GtkPrintOperation *operation,
                 GtkPrintContext   *context,
                 int                page_nr,
                 BdTallyView       *self)
{
  draw_tally (self, gtk_print_context_get_cairo_context (context),
              gtk_print_context_get_width (context), gtk_print_context_get_height (context));
}

static GtkPrintOperation *
print_operation_new (BdTallyView *self)
{
  GtkPrintOperation *operation = gtk_print_operation_new ();
  g_autoptr(GtkPageSetup) setup = gtk_page_setup_new ();
  g_autoptr(GtkPaperSize) a4 = gtk_paper_size_new (GTK_PAPER_NAME_A4);
  g_autofree char *job = bd_tally_dup_title (self->tally);

  gtk_page_setup_set_paper_size_and_default_margins (setup, a4);
  gtk_page_setup_set_orientation (setup, GTK_PAGE_ORIENTATION_LANDSCAPE);
  gtk_print_operation_set_default_page_setup (operation, setup);
  gtk_print_operation_set_job_name (operation, job);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  g_signal_connect (operation, "begin-print", G_CALLBACK (on_begin_print_cb), self);
  g_signal_connect (operation, "draw-page", G_CALLBACK (on_draw_page_cb), self);

  return operation;
}

static void
on_print_clicked_cb (BdTallyView *self)
{
  g_autoptr(GtkPrintOperation) operation = print_operation_new (self);
  g_autoptr(GError) error = NULL;

  if (gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                               GTK_WINDOW (self), &error) == GTK_PRINT_OPERATION_RESULT_ERROR)
    show_error (self, _("Cannot Print the Tally"), error);
}

/* GObject */

static void
bd_tally_view_dispose (GObject *object)
{
  BdTallyView *self = (BdTallyView *) object;

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->store != NULL)
    g_clear_signal_handler (&self->changed_id, self->store);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), BD_TYPE_TALLY_VIEW);

  G_OBJECT_CLASS (bd_tally_view_parent_class)->dispose (object);
}

static void
bd_tally_view_finalize (GObject *object)
{
  BdTallyView *self = (BdTallyView *) object;

  g_clear_object (&self->store);
  g_clear_pointer (&self->actor, g_free);
  g_clear_pointer (&self->tally, bd_tally_free);
  g_clear_pointer (&self->as_of, g_date_time_unref);
  g_clear_pointer (&self->editions, g_ptr_array_unref);
  g_clear_pointer (&self->value_labels, g_ptr_array_unref);

  G_OBJECT_CLASS (bd_tally_view_parent_class)->finalize (object);
}

static void
bd_tally_view_class_init (BdTallyViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bd_tally_view_dispose;
  object_class->finalize = bd_tally_view_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/bosai_desk/BosaiDesk/ui/bd-tally-view.ui");
  gtk_widget_class_bind_template_child (widget_class, BdTallyView, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, BdTallyView, issue_button);
  gtk_widget_class_bind_template_child (widget_class, BdTallyView, print_button);
  gtk_widget_class_bind_template_child (widget_class, BdTallyView, export_button);
  gtk_widget_class_bind_template_child (widget_class, BdTallyView, date_button);
  gtk_widget_class_bind_template_child (widget_class, BdTallyView, calendar);
  gtk_widget_class_bind_template_child (widget_class, BdTallyView, hour_spin);
  gtk_widget_class_bind_template_child (widget_class, BdTallyView, minute_spin);
  gtk_widget_class_bind_template_child (widget_class, BdTallyView, now_button);
  gtk_widget_class_bind_template_child (widget_class, BdTallyView, editions_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BdTallyView, editions_model);
  gtk_widget_class_bind_template_child (widget_class, BdTallyView, heading_label);
  gtk_widget_class_bind_template_child (widget_class, BdTallyView, names_grid);
  gtk_widget_class_bind_template_child (widget_class, BdTallyView, values_grid);
  gtk_widget_class_bind_template_callback (widget_class, on_issue_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_print_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_export_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_time_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_now_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
bd_tally_view_init (BdTallyView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  build_table (self);
}

/* Public API */

GtkWidget *
bd_tally_view_new (BdStore    *store,
                   const char *actor)
{
  BdTallyView *self;

  g_return_val_if_fail (BD_IS_STORE (store), NULL);

  self = g_object_new (BD_TYPE_TALLY_VIEW, NULL);
  self->store = g_object_ref (store);
  self->actor = g_strdup (actor);
  self->changed_id = g_signal_connect (store, "changed", G_CALLBACK (on_store_changed_cb), self);

  load_editions (self);
  set_now (self);
  show_current (self);
  g_signal_connect_swapped (self->editions_dropdown, "notify::selected",
                            G_CALLBACK (on_edition_selected_cb), self);

  return GTK_WIDGET (self);
}

/* For tests and the callbacks above */

BdTally *
_bd_tally_view_get_tally (BdTallyView *self)
{
  g_return_val_if_fail (BD_IS_TALLY_VIEW (self), NULL);

  return self->tally;
}

const char *
_bd_tally_view_get_cell_text (BdTallyView *self,
                              guint        column,
                              guint        item)
{
  guint n_items = 0;

  g_return_val_if_fail (BD_IS_TALLY_VIEW (self), NULL);

  bd_tally_get_items (&n_items);
  g_return_val_if_fail (item < n_items, NULL);
  g_return_val_if_fail (column * n_items + item < self->value_labels->len, NULL);

  return gtk_label_get_text (g_ptr_array_index (self->value_labels, column * n_items + item));
}

const char *
_bd_tally_view_get_heading (BdTallyView *self)
{
  g_return_val_if_fail (BD_IS_TALLY_VIEW (self), NULL);

  return gtk_label_get_text (self->heading_label);
}

void
_bd_tally_view_set_as_of (BdTallyView *self,
                          GDateTime   *as_of)
{
  g_return_if_fail (BD_IS_TALLY_VIEW (self));
  g_return_if_fail (as_of != NULL);

  g_clear_pointer (&self->as_of, g_date_time_unref);
  self->as_of = g_date_time_ref (as_of);
  self->live = FALSE;
  show_current (self);
}

gboolean
_bd_tally_view_issue (BdTallyView  *self,
                      GError      **error)
{
  g_autofree char *message = NULL;
  BdTally *tally;

  g_return_val_if_fail (BD_IS_TALLY_VIEW (self), FALSE);

  if (self->live)
    set_now (self);
  if (!(tally = bd_tally_issue_edition (self->store, self->as_of, self->actor, error)))
    return FALSE;
  g_clear_pointer (&self->tally, bd_tally_free);
  self->tally = tally;

  load_editions (self);
  self->updating++;
  gtk_drop_down_set_selected (self->editions_dropdown, self->editions->len);
  self->updating--;
  set_controls_for_edition (self, TRUE);
  show_tally (self);

  message = g_strdup_printf (_("Edition %lld issued"), (long long) bd_tally_get_edition (tally));
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));

  return TRUE;
}

void
_bd_tally_view_select_edition (BdTallyView *self,
                               guint        position)
{
  g_return_if_fail (BD_IS_TALLY_VIEW (self));

  gtk_drop_down_set_selected (self->editions_dropdown, position);
}

gboolean
_bd_tally_view_export_to (BdTallyView  *self,
                          const char   *path,
                          GError      **error)
{
  g_autofree char *message = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (BD_IS_TALLY_VIEW (self), FALSE);

  if (!bd_tally_write_csv (self->tally, path, error))
    return FALSE;

  name = g_filename_display_basename (path);
  message = g_strdup_printf (_("Saved “%s”"), name);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));

  return TRUE;
}

gboolean
_bd_tally_view_print_to_pdf (BdTallyView  *self,
                             const char   *path,
                             GError      **error)
{
  g_autoptr(GtkPrintOperation) operation = NULL;

  g_return_val_if_fail (BD_IS_TALLY_VIEW (self), FALSE);

  operation = print_operation_new (self);
  gtk_print_operation_set_export_filename (operation, path);

  return gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_EXPORT,
                                  GTK_WINDOW (self), error) != GTK_PRINT_OPERATION_RESULT_ERROR;
}

gboolean
_bd_tally_view_render_page_png (BdTallyView  *self,
                                const char   *path,
                                double        scale)
{
  /* A4 landscape less GTK's default margins (about 6.35 mm) */
  double width = 841.89 - 2 * 18;
  double height = 595.28 - 2 * 18;
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;

  g_return_val_if_fail (BD_IS_TALLY_VIEW (self), FALSE);

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) (width * scale),
                                        (int) (height * scale));
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_scale (cr, scale, scale);
  draw_tally (self, cr, width, height);
  cairo_destroy (cr);
  status = cairo_surface_write_to_png (surface, path);
  cairo_surface_destroy (surface);

  return status == CAIRO_STATUS_SUCCESS;
}
