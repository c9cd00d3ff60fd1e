/* bd-sync.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-sync"

#include "config.h"

#include "bd-sync.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#define PAGE_SIZE 500

struct _BdSync
{
  GObject      parent_instance;

  BdStore     *store;
  SoupSession *session;
  char        *server_url;
  char        *token;
  char        *last_error;
  BdSyncState  state;

  /* the background loop */
  gboolean      running;
  gboolean      in_flight;
  guint         interval_s;
  guint         backoff_s;
  guint         timeout_id;
  gulong        network_handler;
  GCancellable *cancellable;
};

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
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  GPtrArray   *outbox;        /* BdOutboxEntry* */
  guint        index;
  guint        refused;
  char        *refused_message;
  gint64       cursor;
  GHashTable  *acked;         /* report id → rev the server gave this run */
} RunData;

static void
run_data_free (RunData *data)
{
  g_clear_pointer (&data->outbox, g_ptr_array_unref);
  g_clear_pointer (&data->acked, g_hash_table_unref);
  g_free (data->refused_message);
  g_free (data);
}

static void push_next (GTask *task);
static void pull_page (GTask *task);

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

static char *
item_url (BdSync     *self,
          const char *id)
{
  g_autofree char *escaped = g_uri_escape_string (id, NULL, FALSE);
  const char *slash = g_str_has_suffix (self->server_url, "/") ? "" : "/";

  return g_strdup_printf ("%s%scollections/reports/items/%s", self->server_url, slash, escaped);
}

static SoupMessage *
new_message (BdSync     *self,
             const char *method,
             const char *url)
{
  SoupMessage *msg = soup_message_new (method, url);
  g_autofree char *auth = NULL;

  if (msg == NULL)
    return NULL;
  if (self->token != NULL)
    {
      auth = g_strdup_printf ("Bearer %s", self->token);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  return msg;
}

/* Ends the run as offline (the outbox is untouched). */
static void
fail_task (GTask      *task,
           int         code,
           const char *message)
{
  BdSync *self = g_task_get_source_object (task);

  set_last_error (self, message);
  set_state (self, code == BD_SYNC_ERROR_UNREACHABLE ? BD_SYNC_STATE_OFFLINE : BD_SYNC_STATE_ONLINE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
  g_task_return_new_error (task, BD_SYNC_ERROR, code, "%s", message);
  g_object_unref (task);
}

static gboolean
later_entry_for (RunData    *data,
                 const char *report_id)
{
  guint i;

  for (i = data->index + 1; i < data->outbox->len; i++)
    {
      BdOutboxEntry *e = g_ptr_array_index (data->outbox, i);
      if (g_strcmp0 (e->report_id, report_id) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Writes the server's copy (with its rev and seq) without an outbox row. */
static gboolean
apply_server_copy (BdSync      *self,
                   BdReport    *report,
                   GError     **error)
{
  g_autoptr(GPtrArray) one = g_ptr_array_new ();

  g_ptr_array_add (one, report);
  return bd_store_insert_batch (self->store, one, FALSE, "sync", error);
}

/* Equal but for what the server stamps: rev, seq, updated_at. */
static gboolean
same_content (BdReport *a,
              BdReport *b)
{
  static const char * const stamped[] = { "rev", "seq", "updated_at", NULL };
  g_auto(GStrv) diff = bd_report_diff (a, b);
  guint i;

  for (i = 0; diff != NULL && diff[i] != NULL; i++)
    if (!g_strv_contains (stamped, diff[i]))
      return FALSE;
  return TRUE;
}

static gboolean
http_status_unreachable (guint status)
{
  return status >= 500 || status == 408 || status == 429 || status < 100;
}

static void
on_push (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  BdSync *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  BdOutboxEntry *entry = g_ptr_array_index (data->outbox, data->index);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BdReport) server_copy = NULL;
  guint status;
  gsize size = 0;
  const char *text;
  gboolean ok = FALSE;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (body == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("cannot reach the server: %s"), error->message);
      fail_task (task, BD_SYNC_ERROR_UNREACHABLE, message);
      return;
    }

  status = soup_message_get_status (msg);
  text = g_bytes_get_data (body, &size);

  if (status == 401)
    {
      fail_task (task, BD_SYNC_ERROR_UNAUTHORIZED, _("the server refused the token (401)"));
      return;
    }
  if (http_status_unreachable (status))
    {
      g_autofree char *message = g_strdup_printf (_("the server failed (%u)"), status);
      fail_task (task, BD_SYNC_ERROR_UNREACHABLE, message);
      return;
    }

  if (size > 0 && (status == 412 || (status >= 200 && status < 300)))
    {
      server_copy = bd_report_new_from_geojson (text, size, NULL);
      if (server_copy == NULL && status != 412 && g_strcmp0 (entry->op, "delete") != 0)
        {
          fail_task (task, BD_SYNC_ERROR_UNREACHABLE, _("the server sent a malformed answer"));
          return;
        }
    }

  if (status >= 200 && status < 300)
    ok = TRUE;
  else if (status == 412 && server_copy != NULL)
    {
      g_autoptr(BdReport) local = bd_report_new_from_geojson (entry->payload, -1, NULL);

      /* A lost response retried: the server already holds our copy. */
      ok = (local != NULL && same_content (local, server_copy));
      if (!ok)
        {
          g_auto(GStrv) diff = local != NULL ? bd_report_diff (local, server_copy) : NULL;
          g_autofree char *fields = diff != NULL ? g_strjoinv (", ", diff) : NULL;

          g_debug ("412 on %s differs in: %s", entry->report_id, fields);
          data->refused++;
          g_free (data->refused_message);
          data->refused_message = g_strdup_printf (_("report %s: changed on the server too (412)"),
                                                   entry->report_id);
        }
    }
  else
    {
      data->refused++;
      g_free (data->refused_message);
      data->refused_message = g_strdup_printf (_("report %s: the server refused it (%u): %.*s"),
                                               entry->report_id, status,
                                               (int) MIN (size, 200), text != NULL ? text : "");
    }

  if (ok)
    {
      if (server_copy != NULL)
        g_hash_table_insert (data->acked, g_strdup (entry->report_id),
                             GINT_TO_POINTER ((int) bd_report_get_rev (server_copy)));
      if (server_copy != NULL && !later_entry_for (data, entry->report_id) &&
          !apply_server_copy (self, server_copy, &error))
        {
          fail_task (task, BD_SYNC_ERROR_REFUSED, error->message);
          return;
        }
      if (!bd_store_remove_outbox_entry (self->store, entry->seq, &error))
        {
          fail_task (task, BD_SYNC_ERROR_REFUSED, error->message);
          return;
        }
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
    }

  data->index++;
  push_next (task);
}

static void
push_next (GTask *task)
{
  BdSync *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  BdOutboxEntry *entry;
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *url = NULL;
  g_autofree char *etag = NULL;
  SoupMessageHeaders *headers;
  gboolean is_delete;
  gint64 base_rev;
  gpointer acked_rev;

  if (data->index >= data->outbox->len)
    {
      pull_page (task);
      return;
    }

  entry = g_ptr_array_index (data->outbox, data->index);
  is_delete = g_strcmp0 (entry->op, "delete") == 0;
  url = item_url (self, entry->report_id);
  msg = new_message (self, is_delete ? "DELETE" : "PUT", url);
  if (msg == NULL)
    {
      fail_task (task, BD_SYNC_ERROR_UNREACHABLE, _("the server address is not a valid URL"));
      return;
    }
  headers = soup_message_get_request_headers (msg);
  /* An earlier entry of this run made a newer revision on the server. */
  base_rev = entry->base_rev;
  if (g_hash_table_lookup_extended (data->acked, entry->report_id, NULL, &acked_rev))
    base_rev = MAX (base_rev, GPOINTER_TO_INT (acked_rev));
  if (base_rev <= 0)
    soup_message_headers_replace (headers, "If-None-Match", "*");
  else
    {
      etag = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", base_rev);
      soup_message_headers_replace (headers, "If-Match", etag);
    }
  if (!is_delete)
    {
      g_autoptr(GBytes) payload = g_bytes_new (entry->payload, strlen (entry->payload));
      soup_message_set_request_body_from_bytes (msg, "application/geo+json", payload);
    }
  /* Replaying a PUT or DELETE is safe: let libsoup retry on a dropped
   * keep-alive connection. */
  soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);

  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), on_push, task);
}

static void
finish_run (GTask *task)
{
  BdSync *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);

  if (data->refused > 0)
    {
      fail_task (task, BD_SYNC_ERROR_REFUSED, data->refused_message);
      return;
    }
  set_last_error (self, NULL);
  set_state (self, BD_SYNC_STATE_ONLINE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
on_pull (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  BdSync *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) reports = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) outbox = NULL;
  g_autofree char *cursor_text = NULL;
  JsonObject *root;
  JsonArray *features;
  guint status, n, i;
  gint64 next;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (body == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("cannot reach the server: %s"), error->message);
      fail_task (task, BD_SYNC_ERROR_UNREACHABLE, message);
      return;
    }
  status = soup_message_get_status (msg);
  if (status == 401)
    {
      fail_task (task, BD_SYNC_ERROR_UNAUTHORIZED, _("the server refused the token (401)"));
      return;
    }
  if (status != 200)
    {
      g_autofree char *message = g_strdup_printf (_("the server failed (%u)"), status);
      fail_task (task, BD_SYNC_ERROR_UNREACHABLE, message);
      return;
    }

  if (!json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                   g_bytes_get_size (body), NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)) ||
      !json_object_has_member ((root = json_node_get_object (json_parser_get_root (parser))), "features") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "features")))
    {
      fail_task (task, BD_SYNC_ERROR_UNREACHABLE, _("the server sent a malformed answer"));
      return;
    }

  features = json_object_get_array_member (root, "features");
  n = json_array_get_length (features);
  next = json_object_get_int_member_with_default (root, "next_since_seq", data->cursor);

  outbox = bd_store_list_outbox (self->store, NULL);
  for (i = 0; outbox != NULL && i < outbox->len; i++)
    {
      BdOutboxEntry *e = g_ptr_array_index (outbox, i);
      g_hash_table_add (pending, g_strdup (e->report_id));
    }

  for (i = 0; i < n; i++)
    {
      BdReport *report = bd_report_new_from_json (json_array_get_element (features, i), NULL);

      if (report == NULL)
        {
          fail_task (task, BD_SYNC_ERROR_UNREACHABLE, _("the server sent a malformed feature"));
          return;
        }
      if (bd_report_get_seq (report) > next)
        next = bd_report_get_seq (report);
      /* A pending local edit wins here; its push will merge. */
      if (g_hash_table_contains (pending, bd_report_get_id (report)))
        g_object_unref (report);
      else
        g_ptr_array_add (reports, report);
    }

  if (reports->len > 0 && !bd_store_insert_batch (self->store, reports, FALSE, "sync", &error))
    {
      fail_task (task, BD_SYNC_ERROR_REFUSED, error->message);
      return;
    }

  cursor_text = g_strdup_printf ("%" G_GINT64_FORMAT, next);
  if (!bd_store_set_sync_state (self->store, "cursor", cursor_text, &error))
    {
      fail_task (task, BD_SYNC_ERROR_REFUSED, error->message);
      return;
    }

  if (n >= PAGE_SIZE && next > data->cursor)
    {
      data->cursor = next;
      pull_page (task);
      return;
    }
  finish_run (task);
}

static void
pull_page (GTask *task)
{
  BdSync *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *url = NULL;
  const char *slash = g_str_has_suffix (self->server_url, "/") ? "" : "/";

  url = g_strdup_printf ("%s%scollections/reports/items?since_seq=%" G_GINT64_FORMAT "&limit=%d",
                         self->server_url, slash, data->cursor, PAGE_SIZE);
  msg = new_message (self, "GET", url);
  if (msg == NULL)
    {
      fail_task (task, BD_SYNC_ERROR_UNREACHABLE, _("the server address is not a valid URL"));
      return;
    }
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), on_pull, task);
}

void
bd_sync_run_once_async (BdSync              *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task;
  RunData *data;
  g_autofree char *cursor = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (BD_IS_SYNC (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bd_sync_run_once_async);
  data = g_new0 (RunData, 1);
  data->acked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_task_set_task_data (task, data, (GDestroyNotify) run_data_free);

  if (self->server_url == NULL || *self->server_url == '\0')
    {
      fail_task (task, BD_SYNC_ERROR_UNREACHABLE, _("no server address is set"));
      return;
    }

  data->outbox = bd_store_list_outbox (self->store, &error);
  if (data->outbox == NULL)
    {
      fail_task (task, BD_SYNC_ERROR_REFUSED, error->message);
      return;
    }
  cursor = bd_store_get_sync_state (self->store, "cursor");
  data->cursor = cursor != NULL ? g_ascii_strtoll (cursor, NULL, 10) : 0;

  set_state (self, BD_SYNC_STATE_SYNCING);
  push_next (task);
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

  database = g_tls_file_database_new (path, error);
  if (database == NULL)
    return FALSE;
  soup_session_set_tls_database (self->session, database);
  return TRUE;
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
  run_now (self);
}

void
bd_sync_stop (BdSync *self)
{
  g_return_if_fail (BD_IS_SYNC (self));

  self->running = FALSE;
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_signal_handler (&self->network_handler, g_network_monitor_get_default ());
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

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bd_sync_init (BdSync *self)
{
  self->state = BD_SYNC_STATE_OFFLINE;
  self->session = soup_session_new_with_options ("timeout", 15, "idle-timeout", 60, NULL);
}
