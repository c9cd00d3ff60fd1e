/* bd-notifier.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-notifier"

#include "config.h"

#include "bd-notifier.h"

#include <glib/gi18n-lib.h>

#include "bd-catalog.h"
#include "bd-json.h"
#include "bd-store-features.h"
#include "bd-app-util.h"

/* How many reports of the ward one pulled page is compared over: a page
 * holds at most 1,000 features (bd-sync-pull.c), so this covers it. */
#define DIFF_LIMIT 2000
/* How many report titles one notification lists. */
#define MAX_TITLES 3
/* How often waiting notifications are tried again while quiet. */
#define RETRY_SECONDS 3

typedef struct
{
  char *id;
  char *title;
  char *status;   /* for a status change: the new status */
} Event;

struct _BdNotifier
{
  GObject       parent_instance;

  GApplication *application;   /* weak: it owns us */
  BdStore      *store;
  GSettings    *settings;
  gulong        changed_id;
  gulong        ward_id;
  gulong        features_id;

  char         *ward;          /* the user's ward, or NULL */
  GHashTable   *known;         /* id → status of the ward's live reports */
  gboolean      watching;
  gboolean      fresh;         /* the database was empty: the first run fills it */
  BdNotifierQuietFunc quiet_func;
  gpointer      quiet_data;
  guint         retry_id;

  /* waiting while quiet, or until sent */
  GPtrArray    *arrivals;      /* Event* */
  GPtrArray    *changes;       /* Event* */
  GPtrArray    *alerts;        /* Event*: id, headline, area */
  GPtrArray    *full;          /* Event*: id, name, "lat,lon" */

  GHashTable   *known_alerts;  /* ids of the alerts in force */
  GHashTable   *known_full;    /* ids of the shelters that are full */
};

G_DEFINE_FINAL_TYPE (BdNotifier, bd_notifier, G_TYPE_OBJECT)

enum {
  SENT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
event_free (Event *event)
{
  g_free (event->id);
  g_free (event->title);
  g_free (event->status);
  g_free (event);
}

static Event *
event_new (BdReport *report)
{
  Event *event = g_new0 (Event, 1);

  event->id = g_strdup (bd_report_get_id (report));
  event->title = g_strdup (bd_report_get_title (report));
  event->status = g_strdup (bd_report_get_status (report));
  return event;
}

static char *
dup_ward_label (const char *code)
{
  const BdWard *ward = bd_catalog_lookup_ward (code);

  if (ward == NULL)
    return g_strdup (code);
  return bd_dup_catalog_label (ward->name_ja, ward->name_en);
}

static char *
dup_status_label (const char *code)
{
  const BdStatus *status = bd_catalog_lookup_status (code);

  if (status == NULL)
    return g_strdup (code != NULL ? code : "");
  return bd_dup_catalog_label (status->name_ja, status->name_en);
}

/* "title", "title, title and 3 more" */
static char *
dup_titles (GPtrArray *events)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint i;

  for (i = 0; i < events->len && i < MAX_TITLES; i++)
    {
      Event *event = g_ptr_array_index (events, i);

      if (i > 0)
        g_string_append (text, "\n");
      g_string_append (text, event->title != NULL ? event->title : "");
    }
  if (events->len > MAX_TITLES)
    {
      g_string_append (text, "\n");
      g_string_append_printf (text,
                              g_dngettext (GETTEXT_PACKAGE, "and %u more", "and %u more",
                                           events->len - MAX_TITLES),
                              events->len - MAX_TITLES);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* @target: the id of what a click opens */
static void
send (BdNotifier *self,
      const char *id,
      const char *title,
      const char *body,
      const char *action,
      const char *target)
{
  g_autoptr(GNotification) notification = g_notification_new (title);

  g_notification_set_body (notification, body);
  g_notification_set_default_action_and_target (notification, action, "s", target);
  g_signal_emit (self, signals[SENT], 0, id, title, body, action, target);
  if (self->application != NULL)
    g_application_send_notification (self->application, id, notification);
}

static void
send_reports (BdNotifier *self,
              GPtrArray  *events,
              gboolean    arrivals)
{
  g_autofree char *ward = dup_ward_label (self->ward);
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  Event *newest;

  if (events->len == 0)
    return;
  newest = g_ptr_array_index (events, 0);

  if (arrivals)
    title = events->len == 1
      ? g_strdup_printf (_("New report in %s"), ward)
      : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u new report in %s",
                                      "%u new reports in %s", events->len),
                         events->len, ward);
  else if (events->len == 1)
    {
      g_autofree char *status = dup_status_label (newest->status);

      /* TRANSLATORS: %s is a status such as "In progress" */
      title = g_strdup_printf (_("Report now “%s”"), status);
    }
  else
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u report in %s changed status",
                                          "%u reports in %s changed status", events->len),
                             events->len, ward);

  if (!arrivals && events->len > 1)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      guint i;

      for (i = 0; i < events->len && i < MAX_TITLES; i++)
        {
          Event *event = g_ptr_array_index (events, i);
          g_autofree char *status = dup_status_label (event->status);

          if (i > 0)
            g_string_append (text, "\n");
          g_string_append_printf (text, "%s: %s", status, event->title);
        }
      if (events->len > MAX_TITLES)
        {
          g_string_append (text, "\n");
          g_string_append_printf (text,
                                  g_dngettext (GETTEXT_PACKAGE, "and %u more", "and %u more",
                                               events->len - MAX_TITLES),
                                  events->len - MAX_TITLES);
        }
      body = g_string_free (g_steal_pointer (&text), FALSE);
    }
  else
    body = dup_titles (events);

  send (self, arrivals ? "reports-arrived" : "reports-changed", title, body,
        "app.open-report", newest->id);
  g_ptr_array_set_size (events, 0);
}

/* One notification for @events (alerts, or full shelters): @title, and as
 * its body @single_body for one event or the events' titles for more; a
 * click activates @action with @target. */
static void
send_group (BdNotifier *self,
            GPtrArray  *events,
            const char *id,
            const char *title,
            const char *single_body,
            const char *action,
            const char *target)
{
  g_autofree char *titles = events->len > 1 ? dup_titles (events) : NULL;

  send (self, id, title, titles != NULL ? titles : single_body, action, target);
  g_ptr_array_set_size (events, 0);
}

/* An alert in force now that was not before: a click shows the alerts. */
static void
send_alerts (BdNotifier *self)
{
  g_autofree char *title = NULL;
  Event *first;

  if (self->alerts->len == 0)
    return;
  first = g_ptr_array_index (self->alerts, 0);
  title = self->alerts->len == 1
    ? g_strdup_printf (_("Alert: %s"), first->title)
    : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u new alert", "%u new alerts",
                                    self->alerts->len), self->alerts->len);
  send_group (self, self->alerts, "alerts", title, first->status != NULL ? first->status : "",
              "app.show-alerts", first->id);
}

/* A shelter that has filled up: a click shows it on the map. */
static void
send_full (BdNotifier *self)
{
  g_autofree char *title = NULL;
  g_autofree char *place = NULL;
  Event *first;

  if (self->full->len == 0)
    return;
  first = g_ptr_array_index (self->full, 0);
  place = g_strdup (first->status);
  title = self->full->len == 1
    ? g_strdup_printf (_("Shelter full: %s"), first->title)
    : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u shelter full", "%u shelters full",
                                    self->full->len), self->full->len);
  send_group (self, self->full, "shelters-full", title,
              _("It has no room left: send people to another shelter."), "app.show-place", place);
}

static gboolean
retry_cb (gpointer data)
{
  BdNotifier *self = data;

  self->retry_id = 0;
  bd_notifier_flush (self);
  return G_SOURCE_REMOVE;
}

void
bd_notifier_flush (BdNotifier *self)
{
  g_return_if_fail (BD_IS_NOTIFIER (self));

  if (self->arrivals->len == 0 && self->changes->len == 0 &&
      self->alerts->len == 0 && self->full->len == 0)
    return;
  if (self->quiet_func != NULL && self->quiet_func (self->quiet_data))
    {
      if (self->retry_id == 0)
        self->retry_id = g_timeout_add_seconds (RETRY_SECONDS, retry_cb, self);
      return;
    }
  send_reports (self, self->arrivals, TRUE);
  send_reports (self, self->changes, FALSE);
  send_alerts (self);
  send_full (self);
}

/* Replaces @known with the ward's live reports now. */
static void
load_known (BdNotifier *self)
{
  g_autoptr(GPtrArray) reports = NULL;
  g_autoptr(GError) error = NULL;
  BdQuery query = { 0 };
  guint i;

  g_hash_table_remove_all (self->known);
  if (self->ward == NULL)
    return;

  query.ward = self->ward;
  if (!(reports = bd_store_query (self->store, &query, &error)))
    {
      g_warning ("Cannot read the reports of ward %s: %s", self->ward, error->message);
      return;
    }
  for (i = 0; i < reports->len; i++)
    {
      BdReport *report = g_ptr_array_index (reports, i);

      g_hash_table_insert (self->known, g_strdup (bd_report_get_id (report)),
                           g_strdup (bd_report_get_status (report)));
    }
}

/* Compares the ward's most recently changed reports with @known. */
static void
diff_known (BdNotifier *self)
{
  g_autoptr(GPtrArray) reports = NULL;
  g_autoptr(GError) error = NULL;
  BdQuery query = { 0 };
  guint i;

  if (self->ward == NULL)
    return;

  query.ward = self->ward;
  query.sort = BD_QUERY_SORT_UPDATED;
  query.limit = DIFF_LIMIT;
  if (!(reports = bd_store_query (self->store, &query, &error)))
    {
      g_warning ("Cannot read the reports of ward %s: %s", self->ward, error->message);
      return;
    }

  for (i = 0; i < reports->len; i++)
    {
      BdReport *report = g_ptr_array_index (reports, i);
      const char *id = bd_report_get_id (report);
      const char *status = bd_report_get_status (report);
      const char *before = g_hash_table_lookup (self->known, id);

      if (!g_hash_table_contains (self->known, id))
        g_ptr_array_add (self->arrivals, event_new (report));
      else if (g_strcmp0 (before, status) != 0)
        g_ptr_array_add (self->changes, event_new (report));
      else
        continue;
      g_hash_table_insert (self->known, g_strdup (id), g_strdup (status));
    }
  bd_notifier_flush (self);
}

/* A change of one report made here: known, never notified. */
static void
update_one (BdNotifier *self,
            const char *id)
{
  g_autoptr(BdReport) report = bd_store_get_report (self->store, id, NULL);

  if (report != NULL && !bd_report_get_deleted (report) &&
      g_strcmp0 (bd_report_get_ward (report), self->ward) == 0)
    g_hash_table_insert (self->known, g_strdup (id), g_strdup (bd_report_get_status (report)));
  else
    g_hash_table_remove (self->known, id);
}

static void
on_store_changed_cb (BdNotifier    *self,
                     BdStoreChange  change,
                     const char    *id,
                     gint64         rowid,
                     BdStore       *store)
{
  if (self->ward == NULL)
    return;
  if (change == BD_STORE_CHANGE_RELOADED)
    {
      if (self->watching && !self->fresh)
        diff_known (self);
      else
        load_known (self);
    }
  else if (id != NULL)
    update_one (self, id);
}

/* The alerts in force now: @events gets those not in @known before
 * (when @events is not NULL); @known becomes the current set. */
static void
update_alerts (BdNotifier *self,
               GPtrArray  *events)
{
  g_autoptr(GPtrArray) alerts = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) now_in_force = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint i;

  alerts = bd_store_list_active_alerts (self->store, g_get_real_time () / G_USEC_PER_SEC, &error);
  if (alerts == NULL)
    {
      g_warning ("Cannot read the alerts: %s", error->message);
      return;
    }
  for (i = 0; i < alerts->len; i++)
    {
      BdFeature *alert = g_ptr_array_index (alerts, i);

      g_hash_table_add (now_in_force, g_strdup (alert->id));
      if (events != NULL && !g_hash_table_contains (self->known_alerts, alert->id))
        {
          g_autoptr(JsonNode) node = bd_feature_parse (alert, NULL);
          JsonObject *props = NULL;
          Event *event = g_new0 (Event, 1);

          if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
            props = json_object_get_object_member (json_node_get_object (node), "properties");
          event->id = g_strdup (alert->id);
          event->title = g_strdup (alert->name != NULL ? alert->name : "");
          /* the body: the area it covers */
          if (props != NULL && json_object_has_member (props, "area_desc") &&
              JSON_NODE_HOLDS_VALUE (json_object_get_member (props, "area_desc")))
            event->status = g_strdup (json_object_get_string_member (props, "area_desc"));
          g_ptr_array_add (events, event);
        }
    }
  g_hash_table_unref (self->known_alerts);
  self->known_alerts = g_steal_pointer (&now_in_force);
}

/* The shelters that are full now (open or permanent, crowding "full"). */
static void
update_full (BdNotifier *self,
             GPtrArray  *events)
{
  g_autoptr(GPtrArray) shelters = NULL;
  g_autoptr(GError) error = NULL;
  guint i;

  shelters = bd_store_list_features (self->store, "shelters", NULL, &error);
  if (shelters == NULL)
    {
      g_warning ("Cannot read the shelters: %s", error->message);
      return;
    }
  for (i = 0; i < shelters->len; i++)
    {
      BdFeature *shelter = g_ptr_array_index (shelters, i);
      g_autoptr(JsonNode) node = bd_feature_parse (shelter, NULL);
      JsonObject *props = NULL;
      const char *crowding = NULL;
      gboolean full;

      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node) &&
          json_object_has_member (json_node_get_object (node), "properties") &&
          JSON_NODE_HOLDS_OBJECT (json_object_get_member (json_node_get_object (node), "properties")))
        props = json_object_get_object_member (json_node_get_object (node), "properties");
      if (props != NULL && json_object_has_member (props, "crowding") &&
          JSON_NODE_HOLDS_VALUE (json_object_get_member (props, "crowding")))
        crowding = json_object_get_string_member (props, "crowding");
      full = g_strcmp0 (crowding, "full") == 0 &&
             (g_strcmp0 (shelter->status, "open") == 0 || g_strcmp0 (shelter->status, "permanent") == 0);

      if (!full)
        {
          g_hash_table_remove (self->known_full, shelter->id);
          continue;
        }
      if (g_hash_table_contains (self->known_full, shelter->id))
        continue;
      g_hash_table_add (self->known_full, g_strdup (shelter->id));
      if (events != NULL)
        {
          Event *event = g_new0 (Event, 1);

          event->id = g_strdup (shelter->id);
          event->title = g_strdup (shelter->name != NULL ? shelter->name : "");
          /* where a click takes the map: the centre of its box */
          event->status = shelter->has_bbox
            ? g_strdup_printf ("%.7f,%.7f", (shelter->min_lat + shelter->max_lat) / 2,
                               (shelter->min_lon + shelter->max_lon) / 2)
            : g_strdup ("");
          g_ptr_array_add (events, event);
        }
    }
}

static void
on_features_changed_cb (BdNotifier *self,
                        const char *collection,
                        BdStore    *store)
{
  if (g_strcmp0 (collection, "alerts") == 0)
    update_alerts (self, self->alerts);
  else if (g_strcmp0 (collection, "shelters") == 0)
    update_full (self, self->full);
  else
    return;
  bd_notifier_flush (self);
}

static void
on_ward_changed_cb (BdNotifier *self)
{
  bd_notifier_reset (self);
}

static void
bd_notifier_finalize (GObject *object)
{
  BdNotifier *self = BD_NOTIFIER (object);

  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_signal_handler (&self->changed_id, self->store);
  g_clear_signal_handler (&self->features_id, self->store);
  g_clear_signal_handler (&self->ward_id, self->settings);
  g_clear_weak_pointer (&self->application);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->ward, g_free);
  g_clear_pointer (&self->known, g_hash_table_unref);
  g_clear_pointer (&self->arrivals, g_ptr_array_unref);
  g_clear_pointer (&self->changes, g_ptr_array_unref);
  g_clear_pointer (&self->alerts, g_ptr_array_unref);
  g_clear_pointer (&self->full, g_ptr_array_unref);
  g_clear_pointer (&self->known_alerts, g_hash_table_unref);
  g_clear_pointer (&self->known_full, g_hash_table_unref);

  G_OBJECT_CLASS (bd_notifier_parent_class)->finalize (object);
}

static void
bd_notifier_class_init (BdNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = bd_notifier_finalize;

  /* Emitted as each notification is handed to the application: its id
   * (one per kind: a newer one replaces the older), title, body, the
   * action a click activates and that action's string target. */
  signals[SENT] =
    g_signal_new ("sent", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 5,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING,
                  G_TYPE_STRING, G_TYPE_STRING);
}

static void
bd_notifier_init (BdNotifier *self)
{
  self->known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->arrivals = g_ptr_array_new_with_free_func ((GDestroyNotify) event_free);
  self->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) event_free);
  self->alerts = g_ptr_array_new_with_free_func ((GDestroyNotify) event_free);
  self->full = g_ptr_array_new_with_free_func ((GDestroyNotify) event_free);
  self->known_alerts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->known_full = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

BdNotifier *
bd_notifier_new (GApplication *application,
                 BdStore      *store,
                 GSettings    *settings)
{
  BdNotifier *self;

  g_return_val_if_fail (application == NULL || G_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (BD_IS_STORE (store), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (BD_TYPE_NOTIFIER, NULL);
  g_set_weak_pointer (&self->application, application);
  self->store = g_object_ref (store);
  self->settings = g_object_ref (settings);
  self->changed_id = g_signal_connect_swapped (store, "changed",
                                               G_CALLBACK (on_store_changed_cb), self);
  self->ward_id = g_signal_connect_swapped (settings, "changed::home-ward",
                                            G_CALLBACK (on_ward_changed_cb), self);
  self->features_id = g_signal_connect_swapped (store, "features-changed",
                                                G_CALLBACK (on_features_changed_cb), self);
  /* what is in force at start is known: the banner shows it */
  update_alerts (self, NULL);
  update_full (self, NULL);
  bd_notifier_reset (self);
  return self;
}

void
bd_notifier_reset (BdNotifier *self)
{
  g_autofree char *ward = NULL;

  g_return_if_fail (BD_IS_NOTIFIER (self));

  ward = g_settings_get_string (self->settings, "home-ward");
  g_free (self->ward);
  self->ward = bd_catalog_lookup_ward (ward) != NULL ? g_steal_pointer (&ward) : NULL;
  g_ptr_array_set_size (self->arrivals, 0);
  g_ptr_array_set_size (self->changes, 0);
  self->fresh = bd_store_count (self->store) == 0;
  load_known (self);
}

void
bd_notifier_set_watching (BdNotifier *self,
                          gboolean    watching)
{
  g_return_if_fail (BD_IS_NOTIFIER (self));

  /* the end of the run that filled an empty database */
  if (self->watching && !watching && self->fresh)
    {
      self->fresh = bd_store_count (self->store) == 0;
      load_known (self);
    }
  self->watching = !!watching;
}

void
bd_notifier_set_quiet_func (BdNotifier         *self,
                            BdNotifierQuietFunc func,
                            gpointer            user_data)
{
  g_return_if_fail (BD_IS_NOTIFIER (self));

  self->quiet_func = func;
  self->quiet_data = user_data;
}
