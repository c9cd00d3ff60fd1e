/* bd-sync-indicator.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-sync-indicator"

#include "config.h"

#include "bd-sync-indicator-private.h"

#include <glib/gi18n-lib.h>

struct _BdSyncIndicator
{
  GtkWidget      parent_instance;

  BdSync        *sync;
  BdStore       *store;
  GSignalGroup  *sync_signals;
  GSignalGroup  *store_signals;

  BdSyncState    state;
  gint64         pending;
  gint64         conflicts;
  char          *summary;

  /* template children */
  GtkMenuButton *button;
  GtkImage      *state_icon;
  GtkLabel      *state_label;
  GtkLabel      *pending_label;
  GtkLabel      *conflicts_label;
  GtkPopover    *popover;
  GtkLabel      *title_label;
  GtkLabel      *detail_label;
  GtkLabel      *conflicts_detail_label;
  GtkWidget     *waiting_box;
  GtkListBox    *waiting_list;
  GtkLabel      *waiting_more_label;
  GtkLabel      *error_label;
  GtkLabel      *server_label;
  GtkWidget     *preferences_button;
  GtkWidget     *sync_now_button;
};

G_DEFINE_FINAL_TYPE (BdSyncIndicator, bd_sync_indicator, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SYNC,
  PROP_STORE,
  PROP_STATE,
  PROP_PENDING,
  PROP_CONFLICTS,
  PROP_SUMMARY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* At most this many waiting changes are listed in the popover. */
#define MAX_WAITING_SHOWN 50

static const char *
state_label (BdSyncIndicator *self,
             BdSyncState      state)
{
  /* No server: not a network fault, so not "Offline". */
  if (self->sync == NULL)
    /* Translators: the sync status in the header bar when no server is set up */
    return C_("sync state", "Not Set Up");

  switch (state)
    {
    case BD_SYNC_STATE_ONLINE:
      /* Translators: the sync status in the header bar */
      return C_("sync state", "Online");
    case BD_SYNC_STATE_SYNCING:
      /* Translators: the sync status in the header bar */
      return C_("sync state", "Syncing…");
    case BD_SYNC_STATE_OFFLINE:
    default:
      /* Translators: the sync status in the header bar */
      return C_("sync state", "Offline");
    }
}

static const char *
state_icon_name (BdSyncIndicator *self,
                 BdSyncState      state)
{
  if (self->sync == NULL)
    return "emblem-system-symbolic";

  switch (state)
    {
    case BD_SYNC_STATE_ONLINE:
      return "network-transmit-receive-symbolic";
    case BD_SYNC_STATE_SYNCING:
      return "emblem-synchronizing-symbolic";
    case BD_SYNC_STATE_OFFLINE:
    default:
      return "network-offline-symbolic";
    }
}

static const char *
state_title (BdSyncIndicator *self)
{
  if (self->sync == NULL)
    return _("Sync Is Not Set Up");

  switch (self->state)
    {
    case BD_SYNC_STATE_ONLINE:
      return _("Connected to the Server");
    case BD_SYNC_STATE_SYNCING:
      return _("Sending and Receiving Changes…");
    case BD_SYNC_STATE_OFFLINE:
    default:
      return _("Cannot Reach the Server");
    }
}

static char *
dup_server_url (BdSyncIndicator *self)
{
  char *url = NULL;

  if (self->sync != NULL)
    g_object_get (self->sync, "server-url", &url, NULL);

  return url;
}

static char *
build_summary (BdSyncIndicator *self)
{
  GString *summary = g_string_new (NULL);
  /* Translators: joins the parts of the sync status read by a screen reader */
  const char *joiner = _(", ");

  /* Translators: %s is the sync state (Online, Offline, Syncing…, Not Set Up) */
  g_string_append_printf (summary, _("Sync status: %s"), state_label (self, self->state));
  g_string_append (summary, joiner);
  g_string_append_printf (summary,
                          ngettext ("%lld change waiting to be sent",
                                    "%lld changes waiting to be sent",
                                    (unsigned long) MIN (self->pending, G_MAXLONG)),
                          (long long) self->pending);
  if (self->conflicts > 0)
    {
      g_string_append (summary, joiner);
      g_string_append_printf (summary,
                              ngettext ("%lld conflict to settle",
                                        "%lld conflicts to settle",
                                        (unsigned long) MIN (self->conflicts, G_MAXLONG)),
                              (long long) self->conflicts);
    }

  return g_string_free (summary, FALSE);
}

static const char *
operation_label (const char *op)
{
  if (g_strcmp0 (op, "create") == 0)
    /* Translators: a change waiting to be sent: a report made here */
    return C_("outbox", "New report");
  if (g_strcmp0 (op, "delete") == 0)
    /* Translators: a change waiting to be sent: a report deleted here */
    return C_("outbox", "Deletion");
  /* Translators: a change waiting to be sent: a report edited here */
  return C_("outbox", "Edit");
}

static GtkWidget *
make_waiting_row (BdSyncIndicator     *self,
                  const BdOutboxEntry *entry)
{
  g_autoptr(BdReport) report = NULL;
  g_autofree char *refusal = NULL;
  g_autofree char *name = NULL;
  const char *title = NULL;
  const char *op = operation_label (entry->op);
  GtkWidget *row;
  GtkWidget *box;
  GtkWidget *label;

  report = bd_store_get_report (self->store, entry->report_id, NULL);
  if (report != NULL)
    title = bd_report_get_title (report);
  if (title == NULL || title[0] == '\0')
    title = _("Untitled report");

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 8);
  gtk_widget_set_margin_end (box, 8);

  label = gtk_label_new (title);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  gtk_box_append (GTK_BOX (box), label);

  label = gtk_label_new (op);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (box), label);

  if (entry->error != NULL && entry->error[0] != '\0')
    {
      /* Translators: %s is why the server refused a change waiting to be sent */
      refusal = g_strdup_printf (_("Refused by the server: %s"), entry->error);
      label = gtk_label_new (refusal);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
      gtk_widget_add_css_class (label, "caption");
      gtk_widget_add_css_class (label, "error");
      gtk_box_append (GTK_BOX (box), label);
    }

  /* Translators: a waiting change read by a screen reader: report title, then what was done */
  name = refusal != NULL ? g_strdup_printf (_("%s, %s, %s"), title, op, refusal)
                         : g_strdup_printf (_("%s, %s"), title, op);

  row = gtk_list_box_row_new ();
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                  -1);
  g_object_set_data_full (G_OBJECT (row), "bd-waiting-text", g_steal_pointer (&name), g_free);

  return row;
}

/* The list of waiting changes: read only while the popover is open. */
static void
update_waiting_list (BdSyncIndicator *self,
                     gint64           pending)
{
  g_autoptr(GPtrArray) entries = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->waiting_list))) != NULL)
    gtk_list_box_remove (self->waiting_list, child);

  gtk_widget_set_visible (self->waiting_box, pending > 0 && self->store != NULL);
  if (pending <= 0 || self->store == NULL ||
      !gtk_widget_get_mapped (GTK_WIDGET (self->popover)))
    return;

  entries = bd_store_list_outbox_head (self->store, MAX_WAITING_SHOWN, NULL);
  for (guint i = 0; entries != NULL && i < entries->len; i++)
    gtk_list_box_append (self->waiting_list, make_waiting_row (self, g_ptr_array_index (entries, i)));

  if (entries != NULL && pending > (gint64) entries->len)
    {
      gint64 more = pending - entries->len;
      g_autofree char *text = NULL;

      text = g_strdup_printf (ngettext ("and %lld more change",
                                        "and %lld more changes",
                                        (unsigned long) MIN (more, G_MAXLONG)),
                              (long long) more);
      gtk_label_set_text (self->waiting_more_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->waiting_more_label), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->waiting_more_label), FALSE);
}

static void
update (BdSyncIndicator *self)
{
  BdSyncState state = BD_SYNC_STATE_OFFLINE;
  gint64 pending = 0;
  gint64 conflicts = 0;
  const char *last_error = NULL;
  g_autofree char *server_url = NULL;
  g_autofree char *text = NULL;
  g_autofree char *summary = NULL;

  if (self->sync != NULL)
    {
      state = bd_sync_get_state (self->sync);
      last_error = bd_sync_get_last_error (self->sync);
    }
  if (self->store != NULL)
    {
      pending = bd_store_count_outbox (self->store);
      conflicts = bd_store_count_conflicts (self->store);
    }
  server_url = dup_server_url (self);

  g_object_freeze_notify (G_OBJECT (self));

  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  if (self->pending != pending)
    {
      self->pending = pending;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
    }
  if (self->conflicts != conflicts)
    {
      self->conflicts = conflicts;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONFLICTS]);
    }

  /* The header bar */
  gtk_image_set_from_icon_name (self->state_icon, state_icon_name (self, state));
  gtk_label_set_text (self->state_label, state_label (self, state));

  /* Translators: changes waiting to be sent, in the header bar */
  text = g_strdup_printf (ngettext ("%lld waiting", "%lld waiting",
                                    (unsigned long) MIN (pending, G_MAXLONG)),
                          (long long) pending);
  gtk_label_set_text (self->pending_label, text);
  g_clear_pointer (&text, g_free);

  /* Translators: conflicts waiting for the user, in the header bar */
  text = g_strdup_printf (ngettext ("%lld conflict", "%lld conflicts",
                                    (unsigned long) MIN (conflicts, G_MAXLONG)),
                          (long long) conflicts);
  gtk_label_set_text (self->conflicts_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->conflicts_label), conflicts > 0);
  g_clear_pointer (&text, g_free);

  summary = build_summary (self);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), summary);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, summary,
                                  -1);
  if (g_strcmp0 (self->summary, summary) != 0)
    {
      g_free (self->summary);
      self->summary = g_steal_pointer (&summary);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUMMARY]);
    }

  /* The popover */
  gtk_label_set_text (self->title_label, state_title (self));

  if (self->sync == NULL)
    text = g_strdup (_("Set the server’s address and an access token in Preferences. "
                       "Until then, reports are kept on this computer only."));
  else if (pending == 0)
    text = g_strdup (_("Every change made here is on the server."));
  else
    text = g_strdup_printf (ngettext ("%lld change made here waits to be sent.",
                                      "%lld changes made here wait to be sent.",
                                      (unsigned long) MIN (pending, G_MAXLONG)),
                            (long long) pending);
  gtk_label_set_text (self->detail_label, text);
  g_clear_pointer (&text, g_free);

  text = g_strdup_printf (ngettext ("%lld change was also made on the server and waits for you to settle it.",
                                    "%lld changes were also made on the server and wait for you to settle them.",
                                    (unsigned long) MIN (conflicts, G_MAXLONG)),
                          (long long) conflicts);
  gtk_label_set_text (self->conflicts_detail_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->conflicts_detail_label), conflicts > 0);
  g_clear_pointer (&text, g_free);

  if (last_error != NULL && last_error[0] != '\0')
    {
      /* Translators: %s says why the last sync failed */
      text = g_strdup_printf (_("Last error: %s"), last_error);
      gtk_label_set_text (self->error_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      g_clear_pointer (&text, g_free);
    }
  else
    {
      gtk_label_set_text (self->error_label, "");
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
    }

  gtk_label_set_text (self->server_label,
                      server_url != NULL && server_url[0] != '\0' ? server_url : _("No server"));

  update_waiting_list (self, pending);

  g_object_thaw_notify (G_OBJECT (self));
}

static void
on_changed_cb (BdSyncIndicator *self)
{
  update (self);
}

static void
on_popover_map_cb (BdSyncIndicator *self,
                   GtkPopover      *popover)
{
  update_waiting_list (self, self->pending);

  /* Not the first selectable label, which would select its whole text. */
  if (gtk_widget_is_sensitive (self->sync_now_button))
    gtk_widget_grab_focus (self->sync_now_button);
  else
    gtk_widget_grab_focus (self->preferences_button);
}

/* GObject */

static void
bd_sync_indicator_dispose (GObject *object)
{
  BdSyncIndicator *self = (BdSyncIndicator *)object;

  if (self->sync_signals != NULL)
    g_signal_group_set_target (self->sync_signals, NULL);
  if (self->store_signals != NULL)
    g_signal_group_set_target (self->store_signals, NULL);
  g_clear_object (&self->sync_signals);
  g_clear_object (&self->store_signals);
  g_clear_object (&self->sync);
  g_clear_object (&self->store);

  gtk_widget_dispose_template (GTK_WIDGET (self), BD_TYPE_SYNC_INDICATOR);

  G_OBJECT_CLASS (bd_sync_indicator_parent_class)->dispose (object);
}

static void
bd_sync_indicator_finalize (GObject *object)
{
  BdSyncIndicator *self = (BdSyncIndicator *)object;

  g_clear_pointer (&self->summary, g_free);

  G_OBJECT_CLASS (bd_sync_indicator_parent_class)->finalize (object);
}

static void
bd_sync_indicator_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  BdSyncIndicator *self = BD_SYNC_INDICATOR (object);

  switch (prop_id)
    {
    case PROP_SYNC:
      g_value_set_object (value, self->sync);
      break;

    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;

    case PROP_PENDING:
      g_value_set_int64 (value, self->pending);
      break;

    case PROP_CONFLICTS:
      g_value_set_int64 (value, self->conflicts);
      break;

    case PROP_SUMMARY:
      g_value_set_string (value, self->summary);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_sync_indicator_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  BdSyncIndicator *self = BD_SYNC_INDICATOR (object);

  switch (prop_id)
    {
    case PROP_SYNC:
      bd_sync_indicator_set_sync (self, g_value_get_object (value));
      break;

    case PROP_STORE:
      bd_sync_indicator_set_store (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_sync_indicator_class_init (BdSyncIndicatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bd_sync_indicator_dispose;
  object_class->finalize = bd_sync_indicator_finalize;
  object_class->get_property = bd_sync_indicator_get_property;
  object_class->set_property = bd_sync_indicator_set_property;

  properties[PROP_SYNC] =
    g_param_spec_object ("sync", NULL, NULL,
                         BD_TYPE_SYNC,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         BD_TYPE_STORE,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL,
                      BD_SYNC_STATE_ONLINE, BD_SYNC_STATE_SYNCING, BD_SYNC_STATE_OFFLINE,
                      (G_PARAM_READABLE |
                       G_PARAM_EXPLICIT_NOTIFY |
                       G_PARAM_STATIC_STRINGS));

  properties[PROP_PENDING] =
    g_param_spec_int64 ("pending", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READABLE |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  properties[PROP_CONFLICTS] =
    g_param_spec_int64 ("conflicts", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READABLE |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  properties[PROP_SUMMARY] =
    g_param_spec_string ("summary", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/bd-sync-indicator.ui");
  gtk_widget_class_bind_template_child (widget_class, BdSyncIndicator, button);
  gtk_widget_class_bind_template_child (widget_class, BdSyncIndicator, state_icon);
  gtk_widget_class_bind_template_child (widget_class, BdSyncIndicator, state_label);
  gtk_widget_class_bind_template_child (widget_class, BdSyncIndicator, pending_label);
  gtk_widget_class_bind_template_child (widget_class, BdSyncIndicator, conflicts_label);
  gtk_widget_class_bind_template_child (widget_class, BdSyncIndicator, popover);
  gtk_widget_class_bind_template_child (widget_class, BdSyncIndicator, title_label);
  gtk_widget_class_bind_template_child (widget_class, BdSyncIndicator, detail_label);
  gtk_widget_class_bind_template_child (widget_class, BdSyncIndicator, conflicts_detail_label);
  gtk_widget_class_bind_template_child (widget_class, BdSyncIndicator, waiting_box);
  gtk_widget_class_bind_template_child (widget_class, BdSyncIndicator, waiting_list);
  gtk_widget_class_bind_template_child (widget_class, BdSyncIndicator, waiting_more_label);
  gtk_widget_class_bind_template_child (widget_class, BdSyncIndicator, error_label);
  gtk_widget_class_bind_template_child (widget_class, BdSyncIndicator, server_label);
  gtk_widget_class_bind_template_child (widget_class, BdSyncIndicator, preferences_button);
  gtk_widget_class_bind_template_child (widget_class, BdSyncIndicator, sync_now_button);
  gtk_widget_class_bind_template_callback (widget_class, on_popover_map_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "syncindicator");
}

static void
bd_sync_indicator_init (BdSyncIndicator *self)
{
  self->state = BD_SYNC_STATE_OFFLINE;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->sync_signals = g_signal_group_new (BD_TYPE_SYNC);
  g_signal_group_connect_swapped (self->sync_signals, "notify::state",
                                  G_CALLBACK (on_changed_cb), self);
  g_signal_group_connect_swapped (self->sync_signals, "notify::pending",
                                  G_CALLBACK (on_changed_cb), self);
  g_signal_group_connect_swapped (self->sync_signals, "notify::conflicts",
                                  G_CALLBACK (on_changed_cb), self);
  g_signal_group_connect_swapped (self->sync_signals, "notify::last-error",
                                  G_CALLBACK (on_changed_cb), self);
  g_signal_group_connect_swapped (self->sync_signals, "notify::server-url",
                                  G_CALLBACK (on_changed_cb), self);

  self->store_signals = g_signal_group_new (BD_TYPE_STORE);
  g_signal_group_connect_swapped (self->store_signals, "changed",
                                  G_CALLBACK (on_changed_cb), self);

  update (self);
}

/* Public API */

GtkWidget *
bd_sync_indicator_new (void)
{
  return g_object_new (BD_TYPE_SYNC_INDICATOR, NULL);
}

void
bd_sync_indicator_set_sync (BdSyncIndicator *self,
                            BdSync          *sync)
{
  g_return_if_fail (BD_IS_SYNC_INDICATOR (self));
  g_return_if_fail (!sync || BD_IS_SYNC (sync));

  if (!g_set_object (&self->sync, sync))
    return;

  g_signal_group_set_target (self->sync_signals, sync);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC]);
}

BdSync *
bd_sync_indicator_get_sync (BdSyncIndicator *self)
{
  g_return_val_if_fail (BD_IS_SYNC_INDICATOR (self), NULL);

  return self->sync;
}

void
bd_sync_indicator_set_store (BdSyncIndicator *self,
                             BdStore         *store)
{
  g_return_if_fail (BD_IS_SYNC_INDICATOR (self));
  g_return_if_fail (!store || BD_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  g_signal_group_set_target (self->store_signals, store);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

BdStore *
bd_sync_indicator_get_store (BdSyncIndicator *self)
{
  g_return_val_if_fail (BD_IS_SYNC_INDICATOR (self), NULL);

  return self->store;
}

BdSyncState
bd_sync_indicator_get_state (BdSyncIndicator *self)
{
  g_return_val_if_fail (BD_IS_SYNC_INDICATOR (self), BD_SYNC_STATE_OFFLINE);

  return self->state;
}

gint64
bd_sync_indicator_get_pending (BdSyncIndicator *self)
{
  g_return_val_if_fail (BD_IS_SYNC_INDICATOR (self), 0);

  return self->pending;
}

gint64
bd_sync_indicator_get_conflicts (BdSyncIndicator *self)
{
  g_return_val_if_fail (BD_IS_SYNC_INDICATOR (self), 0);

  return self->conflicts;
}

const char *
bd_sync_indicator_get_summary (BdSyncIndicator *self)
{
  g_return_val_if_fail (BD_IS_SYNC_INDICATOR (self), NULL);

  return self->summary;
}

GtkLabel *
_bd_sync_indicator_get_state_label (BdSyncIndicator *self)
{
  g_return_val_if_fail (BD_IS_SYNC_INDICATOR (self), NULL);

  return self->state_label;
}

GtkLabel *
_bd_sync_indicator_get_pending_label (BdSyncIndicator *self)
{
  g_return_val_if_fail (BD_IS_SYNC_INDICATOR (self), NULL);

  return self->pending_label;
}

GtkLabel *
_bd_sync_indicator_get_conflicts_label (BdSyncIndicator *self)
{
  g_return_val_if_fail (BD_IS_SYNC_INDICATOR (self), NULL);

  return self->conflicts_label;
}

GtkLabel *
_bd_sync_indicator_get_error_label (BdSyncIndicator *self)
{
  g_return_val_if_fail (BD_IS_SYNC_INDICATOR (self), NULL);

  return self->error_label;
}

GtkLabel *
_bd_sync_indicator_get_server_label (BdSyncIndicator *self)
{
  g_return_val_if_fail (BD_IS_SYNC_INDICATOR (self), NULL);

  return self->server_label;
}

GtkPopover *
_bd_sync_indicator_get_popover (BdSyncIndicator *self)
{
  g_return_val_if_fail (BD_IS_SYNC_INDICATOR (self), NULL);

  return self->popover;
}

GtkListBox *
_bd_sync_indicator_get_waiting_list (BdSyncIndicator *self)
{
  g_return_val_if_fail (BD_IS_SYNC_INDICATOR (self), NULL);

  return self->waiting_list;
}

char *
_bd_sync_indicator_dup_waiting_text (BdSyncIndicator *self,
                                     guint            index)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (BD_IS_SYNC_INDICATOR (self), NULL);

  row = gtk_list_box_get_row_at_index (self->waiting_list, index);
  if (row == NULL)
    return NULL;

  return g_strdup (g_object_get_data (G_OBJECT (row), "bd-waiting-text"));
}
