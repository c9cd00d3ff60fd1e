/* bd-alert-banner.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-alert-banner"

#include "config.h"

#include "bd-alert-banner-private.h"

#include <glib/gi18n-lib.h>

#include "bd-store-features.h"
#include "bd-time.h"

/* A timer further away than this is set again from there (a suspended
 * laptop's clock jumps). */
#define MAX_TIMER_S 3600
/* At most this many alerts are listed in the details. */
#define MAX_DETAILS 50

struct _BdAlertBanner
{
  GtkWidget      parent_instance;

  BdStore       *store;
  gulong         changed_handler;
  guint          timer_id;
  guint          timer_s;
  guint          n_alerts;
  char          *summary;

  /* template children */
  GtkRevealer   *revealer;
  GtkMenuButton *button;
  GtkLabel      *label;
  GtkWidget     *content_box;
  GtkPopover    *popover;
  GtkWidget     *details_box;
};

G_DEFINE_FINAL_TYPE (BdAlertBanner, bd_alert_banner, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_N_ALERTS,
  PROP_SUMMARY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* What the details show of one alert, read from its GeoJSON. */
typedef struct
{
  char *event;
  char *headline;
  char *area;
  char *description;
  char *sent;
  char *expires;
  gboolean extreme;
} AlertText;

static void
alert_text_clear (AlertText *text)
{
  g_free (text->event);
  g_free (text->headline);
  g_free (text->area);
  g_free (text->description);
  g_free (text->sent);
  g_free (text->expires);
}

static char *
dup_member (JsonObject *props,
            const char *name)
{
  JsonNode *member = json_object_get_member (props, name);

  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) ||
      json_node_get_value_type (member) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (member));
}

/* An RFC 3339 time as the user reads it, in local time. */
static char *
format_time (const char *text)
{
  g_autoptr(GDateTime) when = text != NULL ? bd_parse_timestamp (text) : NULL;
  g_autoptr(GDateTime) local = NULL;

  if (when == NULL)
    return NULL;
  local = g_date_time_to_local (when);
  /* Translators: a date and time in the alert details, see g_date_time_format () */
  return g_date_time_format (local, _("%Y-%m-%d %H:%M"));
}

static void
alert_text_read (AlertText       *text,
                 const BdFeature *feature)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *props = NULL;

  node = bd_feature_parse (feature, &error);
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonNode *member = json_object_get_member (json_node_get_object (node), "properties");

      if (member != NULL && JSON_NODE_HOLDS_OBJECT (member))
        props = json_node_get_object (member);
    }
  if (props == NULL)
    {
      /* the store checked it when it came: this is not expected */
      g_warning ("alert %s: %s", feature->id, error != NULL ? error->message : "no properties");
      text->event = g_strdup (feature->name);
      return;
    }
  text->event = dup_member (props, "event");
  text->headline = dup_member (props, "headline");
  text->area = dup_member (props, "area_desc");
  text->description = dup_member (props, "description");
  {
    g_autofree char *sent = dup_member (props, "sent");
    g_autofree char *expires = dup_member (props, "expires");
    g_autofree char *severity = dup_member (props, "severity");

    text->sent = format_time (sent);
    text->expires = format_time (expires);
    text->extreme = g_strcmp0 (severity, "Extreme") == 0 || feature->level >= 5;
  }
  if (text->event == NULL)
    text->event = g_strdup (feature->name);
}

static GtkWidget *
detail_label (const char *text,
              const char *style)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 48);
  if (style != NULL)
    gtk_widget_add_css_class (label, style);
  return label;
}

static GtkWidget *
detail_box (const AlertText *text)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  g_autofree char *area = NULL;
  g_autofree char *times = NULL;

  gtk_box_append (GTK_BOX (box), detail_label (text->event, "heading"));
  if (text->headline != NULL && text->headline[0] != '\0')
    gtk_box_append (GTK_BOX (box), detail_label (text->headline, NULL));
  if (text->area != NULL)
    {
      /* Translators: the area an alert is in force for, e.g. "Area: 大阪市" */
      area = g_strdup_printf (_("Area: %s"), text->area);
      gtk_box_append (GTK_BOX (box), detail_label (area, "dim-label"));
    }
  if (text->expires != NULL)
    /* Translators: when an alert was issued and when it expires */
    times = g_strdup_printf (_("Issued %s, until %s"), text->sent ? text->sent : "—", text->expires);
  else
    /* Translators: when an alert was issued; it has no expiry */
    times = g_strdup_printf (_("Issued %s, until cancelled"), text->sent ? text->sent : "—");
  gtk_box_append (GTK_BOX (box), detail_label (times, "dim-label"));
  if (text->description != NULL && text->description[0] != '\0')
    gtk_box_append (GTK_BOX (box), detail_label (text->description, NULL));
  return box;
}

static void
clear_details (BdAlertBanner *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->details_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->details_box), child);
}

static gboolean on_timer (gpointer user_data);

static void
set_timer (BdAlertBanner *self,
           gint64         now)
{
  g_autoptr(GError) error = NULL;
  gint64 next;

  g_clear_handle_id (&self->timer_id, g_source_remove);
  self->timer_s = 0;
  if (self->store == NULL)
    return;
  next = bd_store_get_next_alert_expiry (self->store, now, &error);
  if (next < 0)
    g_warning ("%s", error->message);
  if (next <= 0)
    return;
  /* one second past the expiry: an alert expires when expires <= now */
  self->timer_s = (guint) MIN (next - now + 1, MAX_TIMER_S);
  self->timer_id = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, self->timer_s,
                                               on_timer, self, NULL);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->timer_id),
                            "[bd-alert-banner] next expiry");
}

static gboolean
on_timer (gpointer user_data)
{
  BdAlertBanner *self = user_data;

  self->timer_id = 0;
  bd_alert_banner_refresh (self);
  return G_SOURCE_REMOVE;
}

void
bd_alert_banner_refresh (BdAlertBanner *self)
{
  g_autoptr(GPtrArray) alerts = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) names = g_string_new (NULL);
  g_autofree char *summary = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gboolean extreme = FALSE;
  guint n = 0;

  g_return_if_fail (BD_IS_ALERT_BANNER (self));

  if (self->store != NULL)
    {
      alerts = bd_store_list_active_alerts (self->store, now, &error);
      if (alerts == NULL)
        g_warning ("Cannot read the alerts: %s", error->message);
    }
  clear_details (self);
  if (alerts != NULL)
    n = alerts->len;

  for (guint i = 0; i < n; i++)
    {
      AlertText text = { 0 };

      alert_text_read (&text, g_ptr_array_index (alerts, i));
      extreme |= text.extreme;
      if (i < MAX_DETAILS)
        gtk_box_append (GTK_BOX (self->details_box), detail_box (&text));
      if (i == 0 && n == 1)
        {
          if (text.headline != NULL && text.headline[0] != '\0')
            /* Translators: the banner with one alert: its event and headline */
            summary = g_strdup_printf (_("%s: %s"), text.event, text.headline);
          else
            summary = g_strdup (text.event);
        }
      else if (i < 8)
        g_string_append_printf (names, "%s%s", i > 0 ? _(", ") : "", text.event);
      alert_text_clear (&text);
    }
  if (n > 8)
    g_string_append (names, _(", …"));
  if (n > 1)
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u alert in force: %s",
                                            "%u alerts in force: %s", n), n, names->str);

  self->n_alerts = n;
  g_free (self->summary);
  self->summary = g_steal_pointer (&summary);
  gtk_label_set_label (self->label, self->summary != NULL ? self->summary : "");
  if (self->summary != NULL)
    {
      /* Translators: the accessible name of the alert banner */
      g_autofree char *name = g_strdup_printf (_("Alerts in force. %s"), self->summary);

      gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
    }
  if (extreme)
    gtk_widget_add_css_class (GTK_WIDGET (self->button), "bd-alert-extreme");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->button), "bd-alert-extreme");
  if (n == 0)
    gtk_popover_popdown (self->popover);
  gtk_revealer_set_reveal_child (self->revealer, n > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->button), n > 0);

  set_timer (self, now);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ALERTS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUMMARY]);
}

static void
on_features_changed (BdStore       *store,
                     const char    *collection,
                     BdAlertBanner *self)
{
  bd_alert_banner_refresh (self);
}

void
bd_alert_banner_set_store (BdAlertBanner *self,
                           BdStore       *store)
{
  g_return_if_fail (BD_IS_ALERT_BANNER (self));
  g_return_if_fail (store == NULL || BD_IS_STORE (store));

  if (self->store == store)
    return;
  if (self->store != NULL)
    g_clear_signal_handler (&self->changed_handler, self->store);
  g_set_object (&self->store, store);
  if (store != NULL)
    self->changed_handler = g_signal_connect_object (store, "features-changed::alerts",
                                                     G_CALLBACK (on_features_changed), self, 0);
  bd_alert_banner_refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

BdStore *
bd_alert_banner_get_store (BdAlertBanner *self)
{
  g_return_val_if_fail (BD_IS_ALERT_BANNER (self), NULL);
  return self->store;
}

guint
bd_alert_banner_get_n_alerts (BdAlertBanner *self)
{
  g_return_val_if_fail (BD_IS_ALERT_BANNER (self), 0);
  return self->n_alerts;
}

const char *
bd_alert_banner_get_summary (BdAlertBanner *self)
{
  g_return_val_if_fail (BD_IS_ALERT_BANNER (self), NULL);
  return self->summary;
}

GtkMenuButton *
_bd_alert_banner_get_button (BdAlertBanner *self)
{
  return self->button;
}

GtkPopover *
_bd_alert_banner_get_popover (BdAlertBanner *self)
{
  return self->popover;
}

GtkWidget *
_bd_alert_banner_get_details_box (BdAlertBanner *self)
{
  return self->details_box;
}

guint
_bd_alert_banner_get_timer_s (BdAlertBanner *self)
{
  return self->timer_s;
}

GtkWidget *
bd_alert_banner_new (void)
{
  return g_object_new (BD_TYPE_ALERT_BANNER, NULL);
}

static void
bd_alert_banner_dispose (GObject *object)
{
  BdAlertBanner *self = BD_ALERT_BANNER (object);

  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (self->store != NULL)
    g_clear_signal_handler (&self->changed_handler, self->store);
  g_clear_object (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), BD_TYPE_ALERT_BANNER);

  G_OBJECT_CLASS (bd_alert_banner_parent_class)->dispose (object);
}

static void
bd_alert_banner_finalize (GObject *object)
{
  BdAlertBanner *self = BD_ALERT_BANNER (object);

  g_clear_pointer (&self->summary, g_free);

  G_OBJECT_CLASS (bd_alert_banner_parent_class)->finalize (object);
}

static void
bd_alert_banner_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  BdAlertBanner *self = BD_ALERT_BANNER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_N_ALERTS:
      g_value_set_uint (value, self->n_alerts);
      break;
    case PROP_SUMMARY:
      g_value_set_string (value, self->summary);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_alert_banner_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  BdAlertBanner *self = BD_ALERT_BANNER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      bd_alert_banner_set_store (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_alert_banner_class_init (BdAlertBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bd_alert_banner_dispose;
  object_class->finalize = bd_alert_banner_finalize;
  object_class->get_property = bd_alert_banner_get_property;
  object_class->set_property = bd_alert_banner_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, BD_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ALERTS] =
    g_param_spec_uint ("n-alerts", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SUMMARY] =
    g_param_spec_string ("summary", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/bd-alert-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, BdAlertBanner, revealer);
  gtk_widget_class_bind_template_child (widget_class, BdAlertBanner, button);
  gtk_widget_class_bind_template_child (widget_class, BdAlertBanner, label);
  gtk_widget_class_bind_template_child (widget_class, BdAlertBanner, content_box);
  gtk_widget_class_bind_template_child (widget_class, BdAlertBanner, popover);
  gtk_widget_class_bind_template_child (widget_class, BdAlertBanner, details_box);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "alertbanner");
}

static void
bd_alert_banner_init (BdAlertBanner *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* GtkMenuButton puts its child in a box of its own, centred: the text
   * starts at the left, "Details" at the right */
  for (GtkWidget *w = gtk_widget_get_parent (self->content_box);
       w != NULL && w != GTK_WIDGET (self->button); w = gtk_widget_get_parent (w))
    {
      gtk_widget_set_halign (w, GTK_ALIGN_FILL);
      gtk_widget_set_hexpand (w, TRUE);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->button), FALSE);
}

void
bd_alert_banner_show_details (BdAlertBanner *self)
{
  g_return_if_fail (BD_IS_ALERT_BANNER (self));

  if (bd_alert_banner_get_n_alerts (self) > 0)
    gtk_menu_button_popup (self->button);
}
