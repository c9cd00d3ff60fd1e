/* bd-conflict-list.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-conflict-list"

#include "config.h"

#include "bd-conflict-list-private.h"

#include "bd-report-fields.h"

struct _BdConflictList
{
  GtkBox    parent_instance;

  BdStore  *store;
  BdReport *report;
  guint     n_conflicts;

  /* template children */
  GtkBox   *rows;
};

G_DEFINE_FINAL_TYPE (BdConflictList, bd_conflict_list, GTK_TYPE_BOX)

enum {
  PROP_0,
  PROP_STORE,
  PROP_REPORT,
  N_PROPS
};

enum {
  SETTLE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Conflicts are listed in the order of the form (the field table's). */
static guint
form_position (const char *field)
{
  const BdReportFieldInfo *f = bd_report_field_lookup (field);

  return f != NULL ? f->form_order : G_MAXUINT;
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
on_row_settle_cb (BdConflictRow  *row,
                  int             choice,
                  BdConflictList *self)
{
  g_autofree char *field = g_strdup (bd_conflict_row_get_field (row));

  /* The listener refreshes the list, which destroys @row. */
  g_signal_emit (self, signals[SETTLE], 0, field, choice);
}

static void
bd_conflict_list_dispose (GObject *object)
{
  BdConflictList *self = (BdConflictList *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), BD_TYPE_CONFLICT_LIST);
  g_clear_object (&self->store);
  g_clear_object (&self->report);

  G_OBJECT_CLASS (bd_conflict_list_parent_class)->dispose (object);
}

static void
bd_conflict_list_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  BdConflictList *self = BD_CONFLICT_LIST (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_REPORT:
      g_value_set_object (value, self->report);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_conflict_list_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  BdConflictList *self = BD_CONFLICT_LIST (object);

  switch (prop_id)
    {
    case PROP_STORE:
      bd_conflict_list_set_store (self, g_value_get_object (value));
      break;

    case PROP_REPORT:
      bd_conflict_list_set_report (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_conflict_list_class_init (BdConflictListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bd_conflict_list_dispose;
  object_class->get_property = bd_conflict_list_get_property;
  object_class->set_property = bd_conflict_list_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         BD_TYPE_STORE,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_REPORT] =
    g_param_spec_object ("report", NULL, NULL,
                         BD_TYPE_REPORT,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SETTLE] =
    g_signal_new ("settle",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_INT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/bd-conflict-list.ui");
  gtk_widget_class_bind_template_child (widget_class, BdConflictList, rows);

  gtk_widget_class_set_css_name (widget_class, "conflictlist");
}

static void
bd_conflict_list_init (BdConflictList *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* Public API */

GtkWidget *
bd_conflict_list_new (void)
{
  return g_object_new (BD_TYPE_CONFLICT_LIST, NULL);
}

BdStore *
bd_conflict_list_get_store (BdConflictList *self)
{
  g_return_val_if_fail (BD_IS_CONFLICT_LIST (self), NULL);

  return self->store;
}

void
bd_conflict_list_set_store (BdConflictList *self,
                            BdStore        *store)
{
  g_return_if_fail (BD_IS_CONFLICT_LIST (self));
  g_return_if_fail (!store || BD_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  bd_conflict_list_refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

BdReport *
bd_conflict_list_get_report (BdConflictList *self)
{
  g_return_val_if_fail (BD_IS_CONFLICT_LIST (self), NULL);

  return self->report;
}

/* Always reads the conflicts again, even for the same report. */
void
bd_conflict_list_set_report (BdConflictList *self,
                             BdReport       *report)
{
  gboolean changed;

  g_return_if_fail (BD_IS_CONFLICT_LIST (self));
  g_return_if_fail (!report || BD_IS_REPORT (report));

  changed = g_set_object (&self->report, report);
  bd_conflict_list_refresh (self);
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPORT]);
}

void
bd_conflict_list_refresh (BdConflictList *self)
{
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(BdReport) stored = NULL;
  g_autoptr(BdReport) server = NULL;
  g_autoptr(GError) error = NULL;
  const char *id = NULL;
  GtkWidget *child;

  g_return_if_fail (BD_IS_CONFLICT_LIST (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->rows))) != NULL)
    gtk_box_remove (self->rows, child);
  self->n_conflicts = 0;

  if (self->report != NULL && self->store != NULL)
    id = bd_report_get_id (self->report);

  if (id == NULL || (conflicts = bd_store_list_conflicts (self->store, id, &error)) == NULL ||
      conflicts->len == 0)
    {
      if (error != NULL)
        g_debug ("Cannot list the conflicts of %s: %s", id, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
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

      g_signal_connect_object (row, "settle", G_CALLBACK (on_row_settle_cb), self, 0);
      gtk_box_append (self->rows, row);
    }

  self->n_conflicts = conflicts->len;
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
}

guint
bd_conflict_list_get_n_conflicts (BdConflictList *self)
{
  g_return_val_if_fail (BD_IS_CONFLICT_LIST (self), 0);

  return self->n_conflicts;
}

gboolean
bd_conflict_list_focus_first (BdConflictList *self)
{
  GtkWidget *first;

  g_return_val_if_fail (BD_IS_CONFLICT_LIST (self), FALSE);

  first = gtk_widget_get_first_child (GTK_WIDGET (self->rows));
  if (!BD_IS_CONFLICT_ROW (first))
    return FALSE;

  return gtk_widget_grab_focus (GTK_WIDGET (bd_conflict_row_get_keep_button (BD_CONFLICT_ROW (first))));
}

/* For tests */

BdConflictRow *
_bd_conflict_list_get_row (BdConflictList *self,
                           const char     *field)
{
  g_return_val_if_fail (BD_IS_CONFLICT_LIST (self), NULL);
  g_return_val_if_fail (field != NULL, NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->rows));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (BD_IS_CONFLICT_ROW (child) &&
        g_strcmp0 (bd_conflict_row_get_field (BD_CONFLICT_ROW (child)), field) == 0)
      return BD_CONFLICT_ROW (child);

  return NULL;
}
