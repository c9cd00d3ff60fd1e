/* bd-report-row.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-report-row"

#include "config.h"

#include "bd-report-row.h"

#include <glib/gi18n-lib.h>

#include "bd-app-util.h"
#include "bd-catalog.h"

struct _BdReportRow
{
  GtkWidget       parent_instance;

  BdReport       *report;
  BdStore        *store;
  GdkRGBA         color;
  gboolean        has_conflicts;
  gboolean        not_sent;
  gulong          changed_handler;

  GtkWidget      *box;
  GtkDrawingArea *dot;
  GtkLabel       *title_label;
  GtkLabel       *subtitle_label;
  GtkLabel       *severity_label;
  GtkLabel       *status_label;
  GtkImage       *conflict_icon;
  GtkWidget      *not_sent_box;
};

G_DEFINE_FINAL_TYPE (BdReportRow, bd_report_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_REPORT,
  PROP_STORE,
  PROP_HAS_CONFLICTS,
  PROP_NOT_SENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *severity_classes[] = { "severity-1", "severity-2", "severity-3", "severity-4" };

static void
draw_dot (GtkDrawingArea *area,
          cairo_t        *cr,
          int             width,
          int             height,
          gpointer        user_data)
{
  BdReportRow *self = user_data;
  double radius = MIN (width, height) / 2.0 - 1;

  if (self->report == NULL)
    return;

  cairo_arc (cr, width / 2.0, height / 2.0, radius, 0, 2 * G_PI);
  gdk_cairo_set_source_rgba (cr, &self->color);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.35);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
}

/* Two indexed lookups (the conflicts and outbox tables are keyed by report
 * id): whether the report has conflicts, and edits not yet sent. */
static void
update_sync_marks (BdReportRow *self)
{
  g_autoptr(GPtrArray) conflicts = NULL;
  const char *id = self->report != NULL ? bd_report_get_id (self->report) : NULL;
  gboolean has_conflicts = FALSE;
  gboolean not_sent = FALSE;

  if (self->store != NULL && id != NULL)
    {
      conflicts = bd_store_list_conflicts (self->store, id, NULL);
      has_conflicts = conflicts != NULL && conflicts->len > 0;
      not_sent = bd_store_count_outbox_for_report (self->store, id) > 0;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->conflict_icon), has_conflicts);
  gtk_widget_set_visible (self->not_sent_box, not_sent);

  if (self->has_conflicts != has_conflicts)
    {
      self->has_conflicts = has_conflicts;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_CONFLICTS]);
    }
  if (self->not_sent != not_sent)
    {
      self->not_sent = not_sent;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOT_SENT]);
    }
}

/* The name a screen reader reads for the row, on the row and on the list's
 * item that holds it (GTK 4.8 names no list item from its content). */
static void
update_accessible_name (BdReportRow *self,
                        const char  *name)
{
  GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (self));

  if (name != NULL)
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                      -1);
      if (parent != NULL)
        gtk_accessible_update_property (GTK_ACCESSIBLE (parent),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                        -1);
    }
  else
    {
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL);
      if (parent != NULL)
        gtk_accessible_reset_property (GTK_ACCESSIBLE (parent), GTK_ACCESSIBLE_PROPERTY_LABEL);
    }
}

static void
update (BdReportRow *self)
{
  const BdWard *ward = NULL;
  const BdCategory *category = NULL;
  const BdSeverity *severity = NULL;
  const BdStatus *status = NULL;
  g_autofree char *ward_name = NULL;
  g_autofree char *category_name = NULL;
  g_autofree char *severity_name = NULL;
  g_autofree char *status_name = NULL;
  g_autofree char *when = NULL;
  g_autofree char *subtitle = NULL;
  g_autoptr(GDateTime) now = NULL;
  const char *title;
  int level = 0;

  for (guint i = 0; i < G_N_ELEMENTS (severity_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->severity_label), severity_classes[i]);

  if (self->report == NULL)
    {
      gtk_label_set_text (self->title_label, "");
      gtk_label_set_text (self->subtitle_label, "");
      gtk_label_set_text (self->severity_label, "");
      gtk_label_set_text (self->status_label, "");
      gtk_widget_queue_draw (GTK_WIDGET (self->dot));
      update_sync_marks (self);
      update_accessible_name (self, NULL);
      return;
    }

  if (bd_report_get_ward (self->report) != NULL)
    ward = bd_catalog_lookup_ward (bd_report_get_ward (self->report));
  if (bd_report_get_category (self->report) != NULL)
    category = bd_catalog_lookup_category (bd_report_get_category (self->report));
  level = bd_report_get_severity (self->report);
  severity = bd_catalog_lookup_severity (level);
  if (bd_report_get_status (self->report) != NULL)
    status = bd_catalog_lookup_status (bd_report_get_status (self->report));

  ward_name = ward != NULL ? bd_dup_catalog_label (ward->name_ja, ward->name_en) : g_strdup ("—");
  category_name = category != NULL ? bd_dup_catalog_label (category->name_ja, category->name_en) : g_strdup ("—");
  severity_name = severity != NULL ? bd_dup_catalog_label (severity->name_ja, severity->name_en) : g_strdup ("");
  status_name = status != NULL ? bd_dup_catalog_label (status->name_ja, status->name_en) : g_strdup ("");

  now = g_date_time_new_now_local ();
  when = bd_format_observed_time (bd_report_get_observed_at (self->report), now);

  /* Translators: ward · kind of damage · time, in a report row */
  subtitle = g_strdup_printf (_("%s · %s · %s"), ward_name, category_name, when);

  title = bd_report_get_title (self->report);
  gtk_label_set_text (self->title_label, title != NULL && title[0] != '\0' ? title : _("Untitled report"));
  gtk_label_set_text (self->subtitle_label, subtitle);
  gtk_label_set_text (self->severity_label, severity_name);
  gtk_label_set_text (self->status_label, status_name);
  if (level >= 1 && level <= 4)
    gtk_widget_add_css_class (GTK_WIDGET (self->severity_label), severity_classes[level - 1]);

  if (category == NULL || category->color == NULL || !gdk_rgba_parse (&self->color, category->color))
    gdk_rgba_parse (&self->color, "#9e9e9e");

  update_sync_marks (self);
  {
    GString *name = g_string_new (gtk_label_get_text (self->title_label));
    /* Translators: joins the parts of a report row read by a screen reader */
    const char *joiner = _(", ");

    g_string_append (name, joiner);
    g_string_append (name, subtitle);
    if (severity_name[0] != '\0')
      {
        g_string_append (name, joiner);
        g_string_append (name, severity_name);
      }
    if (status_name[0] != '\0')
      {
        g_string_append (name, joiner);
        g_string_append (name, status_name);
      }
    if (self->not_sent)
      {
        g_string_append (name, joiner);
        /* Translators: read by a screen reader for a report whose edits are not on the server yet */
        g_string_append (name, _("not sent to the server yet"));
      }
    if (self->has_conflicts)
      {
        g_string_append (name, joiner);
        /* Translators: read by a screen reader for a report with conflicts */
        g_string_append (name, _("changed here and on the server"));
      }
    update_accessible_name (self, name->str);
    g_string_free (name, TRUE);
  }
  if (self->has_conflicts)
    {
      /* Translators: the tooltip of a report row whose report has conflicts; %s is "ward · kind · time" */
      g_autofree char *tooltip = g_strdup_printf (_("%s\nChanged here and on the server: open the report to choose which to keep"),
                                                  subtitle);

      gtk_widget_set_tooltip_text (GTK_WIDGET (self), tooltip);
    }
  else
    gtk_widget_set_tooltip_text (GTK_WIDGET (self), subtitle);
  gtk_widget_queue_draw (GTK_WIDGET (self->dot));
}

static void
on_store_changed_cb (BdReportRow   *self,
                     BdStoreChange  change,
                     const char    *report_id,
                     gint64         rowid,
                     BdStore       *store)
{
  /* A push or a pull changes what is waiting, not the report shown. */
  if (self->report != NULL &&
      (change == BD_STORE_CHANGE_RELOADED ||
       g_strcmp0 (report_id, bd_report_get_id (self->report)) == 0))
    update (self);
}

static void
on_parent_changed_cb (BdReportRow *self)
{
  if (self->report != NULL)
    update (self);
}

static void
bd_report_row_dispose (GObject *object)
{
  BdReportRow *self = (BdReportRow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), BD_TYPE_REPORT_ROW);
  g_clear_object (&self->report);
  if (self->store != NULL)
    g_clear_signal_handler (&self->changed_handler, self->store);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (bd_report_row_parent_class)->dispose (object);
}

static void
bd_report_row_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  BdReportRow *self = BD_REPORT_ROW (object);

  switch (prop_id)
    {
    case PROP_REPORT:
      g_value_set_object (value, self->report);
      break;

    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_HAS_CONFLICTS:
      g_value_set_boolean (value, self->has_conflicts);
      break;

    case PROP_NOT_SENT:
      g_value_set_boolean (value, self->not_sent);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_report_row_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  BdReportRow *self = BD_REPORT_ROW (object);

  switch (prop_id)
    {
    case PROP_REPORT:
      bd_report_row_set_report (self, g_value_get_object (value));
      break;

    case PROP_STORE:
      bd_report_row_set_store (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_report_row_class_init (BdReportRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bd_report_row_dispose;
  object_class->get_property = bd_report_row_get_property;
  object_class->set_property = bd_report_row_set_property;

  properties[PROP_REPORT] =
    g_param_spec_object ("report", NULL, NULL,
                         BD_TYPE_REPORT,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         BD_TYPE_STORE,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_HAS_CONFLICTS] =
    g_param_spec_boolean ("has-conflicts", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE |
                           G_PARAM_EXPLICIT_NOTIFY |
                           G_PARAM_STATIC_STRINGS));

  properties[PROP_NOT_SENT] =
    g_param_spec_boolean ("not-sent", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE |
                           G_PARAM_EXPLICIT_NOTIFY |
                           G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/bd-report-row.ui");
  gtk_widget_class_bind_template_child (widget_class, BdReportRow, box);
  gtk_widget_class_bind_template_child (widget_class, BdReportRow, dot);
  gtk_widget_class_bind_template_child (widget_class, BdReportRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, BdReportRow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, BdReportRow, severity_label);
  gtk_widget_class_bind_template_child (widget_class, BdReportRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, BdReportRow, conflict_icon);
  gtk_widget_class_bind_template_child (widget_class, BdReportRow, not_sent_box);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "reportrow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
bd_report_row_init (BdReportRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_drawing_area_set_draw_func (self->dot, draw_dot, self, NULL);
  /* The list item that holds the row gets its name too. */
  g_signal_connect (self, "notify::parent", G_CALLBACK (on_parent_changed_cb), NULL);
}

GtkWidget *
bd_report_row_new (void)
{
  return g_object_new (BD_TYPE_REPORT_ROW, NULL);
}

BdReport *
bd_report_row_get_report (BdReportRow *self)
{
  g_return_val_if_fail (BD_IS_REPORT_ROW (self), NULL);

  return self->report;
}

void
bd_report_row_set_report (BdReportRow *self,
                          BdReport    *report)
{
  g_return_if_fail (BD_IS_REPORT_ROW (self));
  g_return_if_fail (!report || BD_IS_REPORT (report));

  if (!g_set_object (&self->report, report))
    return;

  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPORT]);
}

BdStore *
bd_report_row_get_store (BdReportRow *self)
{
  g_return_val_if_fail (BD_IS_REPORT_ROW (self), NULL);

  return self->store;
}

void
bd_report_row_set_store (BdReportRow *self,
                         BdStore     *store)
{
  g_return_if_fail (BD_IS_REPORT_ROW (self));
  g_return_if_fail (!store || BD_IS_STORE (store));

  if (self->store != NULL)
    g_clear_signal_handler (&self->changed_handler, self->store);
  if (!g_set_object (&self->store, store))
    return;
  if (store != NULL)
    self->changed_handler = g_signal_connect_object (store, "changed",
                                                     G_CALLBACK (on_store_changed_cb), self,
                                                     G_CONNECT_SWAPPED);

  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

gboolean
bd_report_row_get_has_conflicts (BdReportRow *self)
{
  g_return_val_if_fail (BD_IS_REPORT_ROW (self), FALSE);

  return self->has_conflicts;
}

gboolean
bd_report_row_get_not_sent (BdReportRow *self)
{
  g_return_val_if_fail (BD_IS_REPORT_ROW (self), FALSE);

  return self->not_sent;
}

char *
bd_format_observed_time (GDateTime *when,
                         GDateTime *now)
{
  g_autoptr(GDateTime) local = NULL;

  if (when == NULL)
    return g_strdup ("—");

  /* Absolute times: a list left open for hours never shows a stale "5 min ago". */
  local = g_date_time_to_local (when);
  if (now != NULL && g_date_time_get_year (local) == g_date_time_get_year (now))
    /* Translators: a date and time in this year, see g_date_time_format() */
    return g_date_time_format (local, _("%m-%d %H:%M"));

  /* Translators: a date and time, see g_date_time_format() */
  return g_date_time_format (local, _("%Y-%m-%d %H:%M"));
}
