/* bd-sync.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The sync engine: the object, a run's start and its one end, and the
 * background loop that schedules runs. The push, the pull and the HTTP
 * helpers live beside it (see bd-sync-private.h). */

#define G_LOG_DOMAIN "bd-sync"

#include "config.h"

#include "bd-sync.h"
#include "bd-sync-private.h"

#include <glib/gi18n-lib.h>

/* After a local edit, with the loop running, the push goes out this soon
 * rather than at the next interval. */
#define PUSH_DELAY_MS 1000

G_DEFINE_TYPE (BdSync, bd_sync, G_TYPE_OBJECT)

G_DEFINE_QUARK (bd-sync-error-quark, bd_sync_error)

enum
{
  PROP_0,
  PROP_SERVER_URL,
  PROP_TOKEN,
  PROP_STATE,
  PROP_PENDING,
  PROP_LAST_ERROR,
  PROP_CONFLICTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_state (BdSync      *self,
           BdSyncState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_last_error (BdSync     *self,
                const char *message)
{
  if (g_strcmp0 (self->last_error, message) == 0)
    return;
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

void
_bd_sync_notify_counts (BdSync *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONFLICTS]);
}

/* A run */

static void
cancel_pull (GCancellable *cancellable,
             gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static BdSyncRun *
run_new (GCancellable *cancellable)
{
  BdSyncRun *run = g_new0 (BdSyncRun, 1);

  run->skip = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  run->merges = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  run->uploads = g_ptr_array_new_with_free_func (g_free);
  _bd_sync_pull_init (&run->pull);
  if (cancellable != NULL)
    {
      run->cancellable = g_object_ref (cancellable);
      run->cancel_handler = g_cancellable_connect (cancellable, G_CALLBACK (cancel_pull),
                                                   g_object_ref (run->pull.cancel),
                                                   g_object_unref);
    }
  return run;
}

/* When the last reference to the run's task goes: on the run's context
 * (the pull thread gives its reference back there). */
static void
run_free (BdSyncRun *run)
{
  if (run->cancellable != NULL)
    g_cancellable_disconnect (run->cancellable, run->cancel_handler);
  g_clear_object (&run->cancellable);
  g_clear_pointer (&run->outbox, g_ptr_array_unref);
  g_clear_pointer (&run->skip, g_hash_table_unref);
  g_clear_pointer (&run->merges, g_hash_table_unref);
  g_clear_pointer (&run->uploads, g_ptr_array_unref);
  g_clear_pointer (&run->downloads, g_strfreev);
  g_free (run->refused_message);
  _bd_sync_pull_clear (&run->pull);
  g_free (run);
}

void
_bd_sync_run_end (GTask  *task,
                  GError *error)
{
  BdSync *self = g_task_get_source_object (task);
  BdSyncRun *run = g_task_get_task_data (task);

  g_assert (!run->ended);
  run->ended = TRUE;
  _bd_sync_pull_stop (&run->pull);

  if (error == NULL && run->refused > 0)
    error = g_error_new_literal (BD_SYNC_ERROR, BD_SYNC_ERROR_REFUSED, run->refused_message);

  if (error == NULL)
    {
      set_last_error (self, NULL);
      set_state (self, BD_SYNC_STATE_ONLINE);
      _bd_sync_notify_counts (self);
      g_task_return_boolean (task, TRUE);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* stopped: no verdict on the server, back to what was known before */
      set_state (self, run->state_before);
      g_task_return_error (task, error);
    }
  else
    {
      if (error->domain != BD_SYNC_ERROR)
        {
          /* the store's, say: the entries wait for the next run */
          GError *sync_error = g_error_new_literal (BD_SYNC_ERROR, BD_SYNC_ERROR_REFUSED,
                                                    error->message);

          g_error_free (error);
          error = sync_error;
        }
      set_last_error (self, error->message);
      set_state (self, error->code == BD_SYNC_ERROR_UNREACHABLE ? BD_SYNC_STATE_OFFLINE
                                                                : BD_SYNC_STATE_ONLINE);
      _bd_sync_notify_counts (self);
      g_task_return_error (task, error);
    }
  g_object_unref (task);
}

void
_bd_sync_run_fail (GTask       *task,
                   BdSyncError  code,
                   const char  *message)
{
  _bd_sync_run_end (task, g_error_new_literal (BD_SYNC_ERROR, code, message));
}

/* Where the pull starts: the stored cursor, 0 when the feed was never
 * pulled. A cursor that cannot be read ends the run, not start a full
 * re-pull. */
static gboolean
read_cursor (BdSync   *self,
             gint64   *cursor,
             GError  **error)
{
  g_autofree char *value = NULL;

  if (!bd_store_read_sync_state (self->store, "cursor", &value, error))
    return FALSE;
  *cursor = value != NULL ? g_ascii_strtoll (value, NULL, 10) : 0;
  return TRUE;
}

void
bd_sync_run_once_async (BdSync              *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task;
  BdSyncRun *run;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (BD_IS_SYNC (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bd_sync_run_once_async);
  run = run_new (cancellable);
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);
  run->state_before = self->state;

  if (self->server_url == NULL || *self->server_url == '\0')
    {
      _bd_sync_run_fail (task, BD_SYNC_ERROR_UNREACHABLE, _("no server address is set"));
      return;
    }

  run->outbox = bd_store_list_outbox_ready (self->store, &error);
  if (run->outbox == NULL)
    {
      _bd_sync_run_end (task, g_steal_pointer (&error));
      return;
    }
  if (!read_cursor (self, &run->pull.cursor, &error))
    {
      _bd_sync_run_end (task, g_steal_pointer (&error));
      return;
    }

  set_state (self, BD_SYNC_STATE_SYNCING);
  _bd_sync_push_next (task);
}

gboolean
bd_sync_run_once_finish (BdSync        *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

BdSync *
bd_sync_new (BdStore *store)
{
  BdSync *self;

  g_return_val_if_fail (BD_IS_STORE (store), NULL);

  self = g_object_new (BD_TYPE_SYNC, NULL);
  self->store = g_object_ref (store);
  return self;
}

void
bd_sync_set_server_url (BdSync     *self,
                        const char *url)
{
  g_return_if_fail (BD_IS_SYNC (self));
  if (g_strcmp0 (self->server_url, url) == 0)
    return;
  g_free (self->server_url);
  self->server_url = g_strdup (url);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_URL]);
}

void
bd_sync_set_token (BdSync     *self,
                   const char *token)
{
  g_return_if_fail (BD_IS_SYNC (self));
  if (g_strcmp0 (self->token, token) == 0)
    return;
  g_free (self->token);
  self->token = g_strdup (token);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN]);
}

gboolean
bd_sync_set_ca_file (BdSync      *self,
                     const char  *path,
                     GError     **error)
{
  g_autoptr(GTlsDatabase) database = NULL;

  g_return_val_if_fail (BD_IS_SYNC (self), FALSE);

  if (path == NULL)
    {
      /* back to the system's certificates */
      soup_session_set_tls_database (self->session,
                                     g_tls_backend_get_default_database (g_tls_backend_get_default ()));
      return TRUE;
    }
  database = g_tls_file_database_new (path, error);
  if (database == NULL)
    return FALSE;
  soup_session_set_tls_database (self->session, database);
  return TRUE;
}

void
bd_sync_set_timeout (BdSync *self,
                     guint   seconds)
{
  g_return_if_fail (BD_IS_SYNC (self));
  soup_session_set_timeout (self->session, seconds);
}

BdSyncState
bd_sync_get_state (BdSync *self)
{
  g_return_val_if_fail (BD_IS_SYNC (self), BD_SYNC_STATE_OFFLINE);
  return self->state;
}

gint64
bd_sync_get_pending (BdSync *self)
{
  g_return_val_if_fail (BD_IS_SYNC (self), 0);
  return self->store != NULL ? bd_store_count_outbox (self->store) : 0;
}

gint64
bd_sync_get_conflicts (BdSync *self)
{
  g_return_val_if_fail (BD_IS_SYNC (self), 0);
  return self->store != NULL ? bd_store_count_conflicts (self->store) : 0;
}

const char *
bd_sync_get_last_error (BdSync *self)
{
  g_return_val_if_fail (BD_IS_SYNC (self), NULL);
  return self->last_error;
}

static void schedule (BdSync *self, guint delay_ms);

static void
on_loop_synced (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  BdSync *self = BD_SYNC (source);
  g_autoptr(GError) error = NULL;
  guint delay_ms;

  self->in_flight = FALSE;
  if (bd_sync_run_once_finish (self, result, &error))
    {
      self->backoff_s = 0;
      delay_ms = self->interval_s * 1000;
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  else if (g_error_matches (error, BD_SYNC_ERROR, BD_SYNC_ERROR_UNREACHABLE))
    {
      self->backoff_s = self->backoff_s == 0 ? 1 : MIN (self->backoff_s * 2, 60);
      /* ±25 % jitter, so that many clients do not knock at once */
      delay_ms = (guint) (self->backoff_s * 1000 * g_random_double_range (0.75, 1.25));
    }
  else
    {
      /* refused entries or a bad token: retrying soon changes nothing */
      self->backoff_s = 0;
      delay_ms = self->interval_s * 1000;
    }
  if (self->running)
    schedule (self, delay_ms);
}

static void
run_now (BdSync *self)
{
  if (self->in_flight)
    return;
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->in_flight = TRUE;
  bd_sync_run_once_async (self, self->cancellable, on_loop_synced, NULL);
}

static gboolean
on_timeout (gpointer user_data)
{
  BdSync *self = user_data;

  self->timeout_id = 0;
  run_now (self);
  return G_SOURCE_REMOVE;
}

static void
schedule (BdSync *self,
          guint   delay_ms)
{
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->timeout_id = g_timeout_add (delay_ms, on_timeout, self);
}

static void
on_network_changed (GNetworkMonitor *monitor,
                    gboolean         available,
                    gpointer         user_data)
{
  BdSync *self = user_data;

  if (available && self->running && self->state == BD_SYNC_STATE_OFFLINE)
    {
      self->backoff_s = 0;
      run_now (self);
    }
}

/* A local edit goes out soon, not at the next interval. The run's own
 * writes come while it is in flight and are left alone. */
static void
on_store_changed (BdStore       *store,
                  BdStoreChange  change,
                  const char    *id,
                  gint64         rowid,
                  gpointer       user_data)
{
  BdSync *self = user_data;

  if (!self->running || self->in_flight || change == BD_STORE_CHANGE_RELOADED)
    return;
  if (self->state == BD_SYNC_STATE_OFFLINE && self->backoff_s > 0)
    return;   /* the backoff decides when to knock again */
  schedule (self, PUSH_DELAY_MS);
}

void
bd_sync_start (BdSync *self,
               guint   interval_s)
{
  g_return_if_fail (BD_IS_SYNC (self));

  self->interval_s = MAX (interval_s, 1);
  if (self->running)
    return;
  self->running = TRUE;
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  if (self->network_handler == 0)
    self->network_handler = g_signal_connect (g_network_monitor_get_default (), "network-changed",
                                              G_CALLBACK (on_network_changed), self);
  if (self->store_handler == 0)
    self->store_handler = g_signal_connect (self->store, "changed",
                                            G_CALLBACK (on_store_changed), self);
  run_now (self);
}

void
bd_sync_stop (BdSync *self)
{
  g_return_if_fail (BD_IS_SYNC (self));

  self->running = FALSE;
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_signal_handler (&self->network_handler, g_network_monitor_get_default ());
  g_clear_signal_handler (&self->store_handler, self->store);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  self->in_flight = FALSE;
}

void
bd_sync_sync_now (BdSync *self)
{
  g_return_if_fail (BD_IS_SYNC (self));

  if (!self->running)
    return;
  self->backoff_s = 0;
  run_now (self);
}

static void
bd_sync_dispose (GObject *object)
{
  bd_sync_stop (BD_SYNC (object));
  G_OBJECT_CLASS (bd_sync_parent_class)->dispose (object);
}

static void
bd_sync_finalize (GObject *object)
{
  BdSync *self = (BdSync *) object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  g_clear_object (&self->store);
  g_clear_pointer (&self->server_url, g_free);
  g_clear_pointer (&self->token, g_free);
  g_clear_pointer (&self->last_error, g_free);

  G_OBJECT_CLASS (bd_sync_parent_class)->finalize (object);
}

static void
bd_sync_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  BdSync *self = BD_SYNC (object);

  switch (prop_id)
    {
    case PROP_SERVER_URL:
      g_value_set_string (value, self->server_url);
      break;
    case PROP_TOKEN:
      g_value_set_string (value, self->token);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_PENDING:
      g_value_set_int64 (value, bd_sync_get_pending (self));
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    case PROP_CONFLICTS:
      g_value_set_int64 (value, bd_sync_get_conflicts (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_sync_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  BdSync *self = BD_SYNC (object);

  switch (prop_id)
    {
    case PROP_SERVER_URL:
      bd_sync_set_server_url (self, g_value_get_string (value));
      break;
    case PROP_TOKEN:
      bd_sync_set_token (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_sync_class_init (BdSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bd_sync_dispose;
  object_class->finalize = bd_sync_finalize;
  object_class->get_property = bd_sync_get_property;
  object_class->set_property = bd_sync_set_property;

  properties[PROP_SERVER_URL] =
    g_param_spec_string ("server-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TOKEN] =
    g_param_spec_string ("token", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL,
                      BD_SYNC_STATE_ONLINE, BD_SYNC_STATE_SYNCING, BD_SYNC_STATE_OFFLINE,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PENDING] =
    g_param_spec_int64 ("pending", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_CONFLICTS] =
    g_param_spec_int64 ("conflicts", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bd_sync_init (BdSync *self)
{
  self->state = BD_SYNC_STATE_OFFLINE;
  self->session = soup_session_new_with_options ("timeout", 15, "idle-timeout", 60, NULL);
}
