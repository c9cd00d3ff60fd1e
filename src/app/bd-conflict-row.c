/* bd-conflict-row.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-conflict-row"

#include "config.h"

#include "bd-conflict-row-private.h"

#include <glib/gi18n-lib.h>

/* A tooltip shows a long value in full, up to this many characters. */
#define MAX_TOOLTIP_CHARS 2000

struct _BdConflictRow
{
  GtkWidget  parent_instance;

  char      *field;

  GtkWidget *box;
  GtkLabel  *field_label;
  GtkLabel  *local_label;
  GtkLabel  *server_label;
  GtkButton *keep_button;
  GtkButton *server_button;
};

G_DEFINE_FINAL_TYPE (BdConflictRow, bd_conflict_row, GTK_TYPE_WIDGET)

enum {
  SETTLE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_value (GtkLabel   *label,
           const char *value)
{
  if (value == NULL)
    {
      /* Translators: in the conflict view, when the server's value is not known here */
      gtk_label_set_text (label, _("(not known)"));
      gtk_widget_add_css_class (GTK_WIDGET (label), "dim-label");
      gtk_widget_set_tooltip_text (GTK_WIDGET (label), NULL);
    }
  else if (value[0] == '\0')
    {
      /* Translators: in the conflict view, an empty value */
      gtk_label_set_text (label, _("(empty)"));
      gtk_widget_add_css_class (GTK_WIDGET (label), "dim-label");
      gtk_widget_set_tooltip_text (GTK_WIDGET (label), NULL);
    }
  else
    {
      g_autofree char *tooltip = NULL;

      gtk_label_set_text (label, value);
      gtk_widget_remove_css_class (GTK_WIDGET (label), "dim-label");

      /* Long values are cut after a few lines; the tooltip has the rest. */
      if (g_utf8_strlen (value, -1) > MAX_TOOLTIP_CHARS)
        {
          g_autofree char *head = g_utf8_substring (value, 0, MAX_TOOLTIP_CHARS);

          tooltip = g_strconcat (head, "…", NULL);
        }
      else
        tooltip = g_strdup (value);
      gtk_widget_set_tooltip_text (GTK_WIDGET (label), tooltip);
    }
}

static void
on_keep_clicked_cb (BdConflictRow *self,
                    GtkButton     *button)
{
  g_signal_emit (self, signals[SETTLE], 0, (int)BD_CONFLICT_KEEP_LOCAL);
}

static void
on_server_clicked_cb (BdConflictRow *self,
                      GtkButton     *button)
{
  g_signal_emit (self, signals[SETTLE], 0, (int)BD_CONFLICT_TAKE_SERVER);
}

static void
bd_conflict_row_dispose (GObject *object)
{
  BdConflictRow *self = (BdConflictRow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), BD_TYPE_CONFLICT_ROW);

  G_OBJECT_CLASS (bd_conflict_row_parent_class)->dispose (object);
}

static void
bd_conflict_row_finalize (GObject *object)
{
  BdConflictRow *self = (BdConflictRow *)object;

  g_clear_pointer (&self->field, g_free);

  G_OBJECT_CLASS (bd_conflict_row_parent_class)->finalize (object);
}

static void
bd_conflict_row_class_init (BdConflictRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bd_conflict_row_dispose;
  object_class->finalize = bd_conflict_row_finalize;

  signals[SETTLE] =
    g_signal_new ("settle",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/bd-conflict-row.ui");
  gtk_widget_class_bind_template_child (widget_class, BdConflictRow, box);
  gtk_widget_class_bind_template_child (widget_class, BdConflictRow, field_label);
  gtk_widget_class_bind_template_child (widget_class, BdConflictRow, local_label);
  gtk_widget_class_bind_template_child (widget_class, BdConflictRow, server_label);
  gtk_widget_class_bind_template_child (widget_class, BdConflictRow, keep_button);
  gtk_widget_class_bind_template_child (widget_class, BdConflictRow, server_button);
  gtk_widget_class_bind_template_callback (widget_class, on_keep_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_server_clicked_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "conflictrow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
bd_conflict_row_init (BdConflictRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* public API */

GtkWidget *
bd_conflict_row_new (const char *field,
                     const char *label,
                     const char *local_value,
                     const char *server_value)
{
  BdConflictRow *self;
  g_autofree char *keep_label = NULL;
  g_autofree char *server_label = NULL;

  g_return_val_if_fail (field != NULL, NULL);

  self = g_object_new (BD_TYPE_CONFLICT_ROW, NULL);
  self->field = g_strdup (field);

  gtk_label_set_text (self->field_label, label != NULL ? label : field);
  set_value (self->local_label, local_value != NULL ? local_value : "");
  set_value (self->server_label, server_value);
  gtk_widget_set_sensitive (GTK_WIDGET (self->server_button), server_value != NULL);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label != NULL ? label : field,
                                  -1);
  /* Translators: accessible name of a button in the conflict view; %s is a field such as "Title" */
  keep_label = g_strdup_printf (_("Keep my value of %s"), label != NULL ? label : field);
  /* Translators: accessible name of a button in the conflict view; %s is a field such as "Title" */
  server_label = g_strdup_printf (_("Use the server’s value of %s"), label != NULL ? label : field);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->keep_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, keep_label,
                                  -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->server_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, server_label,
                                  -1);

  return GTK_WIDGET (self);
}

const char *
bd_conflict_row_get_field (BdConflictRow *self)
{
  g_return_val_if_fail (BD_IS_CONFLICT_ROW (self), NULL);

  return self->field;
}

GtkLabel *
_bd_conflict_row_get_local_label (BdConflictRow *self)
{
  g_return_val_if_fail (BD_IS_CONFLICT_ROW (self), NULL);

  return self->local_label;
}

GtkLabel *
_bd_conflict_row_get_server_label (BdConflictRow *self)
{
  g_return_val_if_fail (BD_IS_CONFLICT_ROW (self), NULL);

  return self->server_label;
}

GtkButton *
bd_conflict_row_get_keep_button (BdConflictRow *self)
{
  g_return_val_if_fail (BD_IS_CONFLICT_ROW (self), NULL);

  return self->keep_button;
}

GtkButton *
_bd_conflict_row_get_server_button (BdConflictRow *self)
{
  g_return_val_if_fail (BD_IS_CONFLICT_ROW (self), NULL);

  return self->server_button;
}
