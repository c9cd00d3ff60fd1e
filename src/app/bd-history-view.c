/* bd-history-view.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-history-view"

#include "config.h"

#include "bd-history-view-private.h"

#include <glib/gi18n-lib.h>

#include "bd-report-fields.h"
#include "bd-time.h"

struct _BdHistoryView
{
  AdwBin      parent_instance;

  GPtrArray  *entry_texts;   /* char*: each heading, as shown */
  GPtrArray  *row_texts;     /* char*: each field row's accessible text */

  /* template children */
  GtkStack   *stack;
  GtkBox     *entries_box;
};

G_DEFINE_FINAL_TYPE (BdHistoryView, bd_history_view, ADW_TYPE_BIN)

/* Where a change came from, in words. */
static const char *
op_label (const char *op)
{
  if (g_strcmp0 (op, "create") == 0)
    return _("Created");
  if (g_strcmp0 (op, "update") == 0)
    return _("Edited");
  if (g_strcmp0 (op, "delete") == 0)
    return _("Deleted");
  if (g_strcmp0 (op, "restore") == 0)
    return _("Restored");
  if (g_strcmp0 (op, "pull") == 0)
    return _("From the server");
  if (g_strcmp0 (op, "merge") == 0)
    return _("Merged with the server");
  return op != NULL ? op : "";
}

static char *
format_when (const char *at)
{
  g_autoptr(GDateTime) when = at != NULL ? bd_parse_timestamp (at) : NULL;
  g_autoptr(GDateTime) local = NULL;

  if (when == NULL)
    return g_strdup (at != NULL ? at : "");
  local = g_date_time_to_local (when);
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

static void
clear (BdHistoryView *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->entries_box))))
    gtk_box_remove (self->entries_box, child);
  g_ptr_array_set_size (self->entry_texts, 0);
  g_ptr_array_set_size (self->row_texts, 0);
}

static GtkWidget *
make_row (BdHistoryView *self,
          const char    *field,
          const char    *old_text,
          const char    *new_text)
{
  GtkWidget *row = adw_action_row_new ();
  /* Translators: a value that is not set, in "old → new" */
  const char *none = _("(none)");
  g_autofree char *change = NULL;
  g_autofree char *spoken = NULL;

  /* Translators: a field's old and new value */
  change = g_strdup_printf (_("%s → %s"), *old_text != '\0' ? old_text : none,
                            *new_text != '\0' ? new_text : none);
  /* Translators: a field's label, then its change "old → new" */
  spoken = g_strdup_printf (_("%s: %s"), bd_report_field_label (field), change);

  /* values are what people typed: never markup */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), bd_report_field_label (field));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), change);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 4);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_focusable (row, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, spoken,
                                  -1);
  g_ptr_array_add (self->row_texts, g_steal_pointer (&spoken));
  return row;
}

static void
add_entry (BdHistoryView  *self,
           BdHistoryEntry *entry)
{
  g_autofree char *when = format_when (entry->at);
  g_autofree char *heading = NULL;
  const char *actor = entry->actor != NULL && *entry->actor != '\0' ? entry->actor : _("unknown");
  GtkWidget *label;
  GtkWidget *list;
  guint n_rows = 0;
  const BdReportFieldInfo *fields;
  guint n_fields;

  /* Translators: a history entry's heading: when, who, what happened */
  heading = g_strdup_printf (_("%s — %s — %s"), when, actor, op_label (entry->op));
  label = gtk_label_new (heading);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_margin_top (label, self->entry_texts->len > 0 ? 12 : 0);
  gtk_box_append (self->entries_box, label);

  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, heading,
                                  -1);

  /* the fields in the table's order */
  fields = bd_report_fields (&n_fields);
  for (guint f = 0; f < n_fields; f++)
    {
      for (guint i = 0; entry->changes != NULL && i < entry->changes->len; i++)
        {
          BdHistoryChange *change = g_ptr_array_index (entry->changes, i);
          g_autofree char *old_text = NULL;
          g_autofree char *new_text = NULL;

          if (!g_str_equal (change->field, fields[f].name))
            continue;
          /* a create lists every field: leave out those still empty */
          if (JSON_NODE_HOLDS_NULL (change->old_value) &&
              ((JSON_NODE_HOLDS_ARRAY (change->new_value) &&
                json_array_get_length (json_node_get_array (change->new_value)) == 0) ||
               (JSON_NODE_HOLDS_OBJECT (change->new_value) &&
                json_object_get_size (json_node_get_object (change->new_value)) == 0)))
            continue;
          old_text = bd_report_field_format_json (change->field, change->old_value);
          new_text = bd_report_field_format_json (change->field, change->new_value);
          if (g_str_equal (old_text, new_text))
            continue;
          gtk_list_box_append (GTK_LIST_BOX (list), make_row (self, change->field,
                                                              old_text, new_text));
          n_rows++;
        }
    }

  /* rows written before values were kept: the names only */
  if ((entry->changes == NULL || entry->changes->len == 0) && entry->fields != NULL)
    for (guint i = 0; entry->fields[i] != NULL; i++)
      {
        GtkWidget *row = make_row (self, entry->fields[i], "", "");

        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Changed (values not recorded)"));
        gtk_list_box_append (GTK_LIST_BOX (list), row);
        n_rows++;
      }

  if (n_rows > 0)
    gtk_box_append (self->entries_box, list);
  else
    g_object_unref (g_object_ref_sink (list));

  g_ptr_array_add (self->entry_texts, g_steal_pointer (&heading));
}

void
bd_history_view_set_entries (BdHistoryView *self,
                             GPtrArray     *entries)
{
  g_return_if_fail (BD_IS_HISTORY_VIEW (self));

  clear (self);
  /* newest first */
  for (guint i = entries != NULL ? entries->len : 0; i > 0; i--)
    add_entry (self, g_ptr_array_index (entries, i - 1));

  gtk_stack_set_visible_child_name (self->stack,
                                    self->entry_texts->len > 0 ? "history" : "empty");
}

gboolean
bd_history_view_load (BdHistoryView  *self,
                      BdStore        *store,
                      const char     *report_id,
                      GError        **error)
{
  g_autoptr(GPtrArray) entries = NULL;

  g_return_val_if_fail (BD_IS_HISTORY_VIEW (self), FALSE);
  g_return_val_if_fail (BD_IS_STORE (store), FALSE);
  g_return_val_if_fail (report_id != NULL, FALSE);

  if (!(entries = bd_store_list_history (store, report_id, error)))
    {
      bd_history_view_set_entries (self, NULL);
      return FALSE;
    }
  bd_history_view_set_entries (self, entries);
  return TRUE;
}

GtkWindow *
bd_history_view_present (GtkWindow  *parent,
                         BdStore    *store,
                         const char *report_id,
                         const char *title)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *window_title = NULL;
  GtkWidget *window;
  GtkWidget *box;
  GtkWidget *header;
  GtkWidget *view;

  g_return_val_if_fail (BD_IS_STORE (store), NULL);
  g_return_val_if_fail (report_id != NULL, NULL);

  /* Translators: the title of the history window; %s is the report's title */
  window_title = g_strdup_printf (_("History of “%s”"), title != NULL ? title : "");
  window = adw_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), window_title);
  gtk_window_set_default_size (GTK_WINDOW (window), 520, 620);
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (window), TRUE);
  if (parent != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (window), parent);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header),
                                   adw_window_title_new (_("History"), title != NULL ? title : ""));
  gtk_box_append (GTK_BOX (box), header);
  view = bd_history_view_new ();
  gtk_widget_set_vexpand (view, TRUE);
  gtk_box_append (GTK_BOX (box), view);
  adw_window_set_content (ADW_WINDOW (window), box);

  if (!bd_history_view_load (BD_HISTORY_VIEW (view), store, report_id, &error))
    g_warning ("Cannot read the history of %s: %s", report_id, error->message);

  gtk_window_present (GTK_WINDOW (window));
  return GTK_WINDOW (window);
}

static void
bd_history_view_finalize (GObject *object)
{
  BdHistoryView *self = BD_HISTORY_VIEW (object);

  g_clear_pointer (&self->entry_texts, g_ptr_array_unref);
  g_clear_pointer (&self->row_texts, g_ptr_array_unref);

  G_OBJECT_CLASS (bd_history_view_parent_class)->finalize (object);
}

static void
bd_history_view_class_init (BdHistoryViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = bd_history_view_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/bosai_desk/BosaiDesk/ui/bd-history-view.ui");
  gtk_widget_class_bind_template_child (widget_class, BdHistoryView, stack);
  gtk_widget_class_bind_template_child (widget_class, BdHistoryView, entries_box);
  gtk_widget_class_set_css_name (widget_class, "historyview");
}

static void
bd_history_view_init (BdHistoryView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->entry_texts = g_ptr_array_new_with_free_func (g_free);
  self->row_texts = g_ptr_array_new_with_free_func (g_free);
}

GtkWidget *
bd_history_view_new (void)
{
  return g_object_new (BD_TYPE_HISTORY_VIEW, NULL);
}

guint
_bd_history_view_get_n_entries (BdHistoryView *self)
{
  g_return_val_if_fail (BD_IS_HISTORY_VIEW (self), 0);
  return self->entry_texts->len;
}

guint
_bd_history_view_get_n_rows (BdHistoryView *self)
{
  g_return_val_if_fail (BD_IS_HISTORY_VIEW (self), 0);
  return self->row_texts->len;
}

const char *
_bd_history_view_get_row_text (BdHistoryView *self,
                               guint          index)
{
  g_return_val_if_fail (BD_IS_HISTORY_VIEW (self), NULL);
  g_return_val_if_fail (index < self->row_texts->len, NULL);
  return g_ptr_array_index (self->row_texts, index);
}

const char *
_bd_history_view_get_entry_text (BdHistoryView *self,
                                 guint          index)
{
  g_return_val_if_fail (BD_IS_HISTORY_VIEW (self), NULL);
  g_return_val_if_fail (index < self->entry_texts->len, NULL);
  return g_ptr_array_index (self->entry_texts, index);
}
