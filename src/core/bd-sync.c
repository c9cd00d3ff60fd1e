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

#define PAGE_SIZE 1000   /* the server's largest */
#define BATCH_SIZE 5000
#define PUSH_DELAY_MS 1000    /* after a local edit, a push this soon */       /* reports written in one transaction, at most */
#define MAX_QUEUED_PAGES 8    /* parsed pages waiting to be written, at most */

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
  gulong        store_handler;
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
  PROP_CONFLICTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct _Page Page;
static void page_free (Page *page);

typedef struct
{
  GPtrArray    *outbox;        /* BdOutboxEntry*: those not held by a conflict */
  guint         index;
  guint         refused;
  char         *refused_message;
  GHashTable   *skip;          /* report ids not pushed again this run */
  GHashTable   *merges;        /* report id → merges this run */
  GPtrArray    *uploads;       /* sha256s of the entry's photos to upload */
  char        **downloads;     /* sha256s of other clients' photos to fetch */
  guint         download_index;
  guint         upload_index;
  gint64        cursor;        /* where the pull starts: the stored cursor */
  /* the pull: shared with the pull thread, under lock */
  GMutex        lock;
  GCond         cond;
  GQueue       *queue;         /* Page*: parsed, not written yet */
  gboolean      stop;          /* the run is over: the thread stops */
  gboolean      wake_pending;  /* a write_queued() is scheduled */
  /* the pull thread's own inputs, set before it starts */
  char         *pull_url;
  char         *pull_token;
  GTlsDatabase *pull_tls;
  guint         pull_timeout;
  GMainContext *context;
  GCancellable *pull_cancel;   /* the page requests */
  GCancellable *cancellable;   /* the caller's, which cancels pull_cancel too */
  gulong        cancel_handler;
  gboolean      returned;
  BdSyncState   state_before;
} RunData;

/* A server that answers every push with another change would make the
 * merge go round for ever; after this many, the report waits for the next
 * run. */
#define MAX_MERGES_PER_RUN 3

static void
cancel_pull (GCancellable *cancellable,
             gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static void
run_data_free (RunData *data)
{
  if (data->cancellable != NULL)
    g_cancellable_disconnect (data->cancellable, data->cancel_handler);
  g_clear_object (&data->cancellable);
  g_clear_pointer (&data->outbox, g_ptr_array_unref);
  g_clear_pointer (&data->skip, g_hash_table_unref);
  g_clear_pointer (&data->merges, g_hash_table_unref);
  g_clear_pointer (&data->uploads, g_ptr_array_unref);
  g_clear_pointer (&data->downloads, g_strfreev);
  if (data->queue != NULL)
    g_queue_free_full (data->queue, (GDestroyNotify) page_free);
  g_mutex_clear (&data->lock);
  g_cond_clear (&data->cond);
  g_free (data->pull_url);
  g_free (data->pull_token);
  g_clear_object (&data->pull_tls);
  g_clear_pointer (&data->context, g_main_context_unref);
  g_clear_object (&data->pull_cancel);
  g_free (data->refused_message);
  g_free (data);
}

static void push_next (GTask *task);
static void stop_pull (RunData *data);
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
server_url (BdSync     *self,
            const char *path)
{
  const char *slash = g_str_has_suffix (self->server_url, "/") ? "" : "/";

  return g_strconcat (self->server_url, slash, path, NULL);
}

static char *
item_url (BdSync     *self,
          const char *id)
{
  g_autofree char *escaped = g_uri_escape_string (id, NULL, FALSE);
  g_autofree char *path = g_strconcat ("collections/reports/items/", escaped, NULL);

  return server_url (self, path);
}

/* A request carrying the bearer token (on any thread). */
static SoupMessage *
request_new (const char *method,
             const char *url,
             const char *token)
{
  SoupMessage *msg = soup_message_new (method, url);
  g_autofree char *auth = NULL;

  if (msg == NULL)
    return NULL;
  if (token != NULL)
    {
      auth = g_strdup_printf ("Bearer %s", token);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  return msg;
}

static SoupMessage *
new_message (BdSync     *self,
             const char *method,
             const char *url)
{
  return request_new (method, url, self->token);
}

static void
notify_counts (BdSync *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONFLICTS]);
}

/* Answers are read with a bound: a feature or an error is small, a page
 * of the feed at most PAGE_SIZE features; a server that sends more is
 * treated as a fault, not read into memory. */
#define MAX_ANSWER_BYTES (4 << 20)
#define MAX_PAGE_BYTES   (96 << 20)
#define READ_CHUNK       (64 << 10)

static gboolean
too_large (SoupMessage  *msg,
           gsize         size,
           gsize         max,
           GError      **error)
{
  goffset length = soup_message_headers_get_content_length (soup_message_get_response_headers (msg));

  if (size <= max && length <= (goffset) max)
    return FALSE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
               _("the server’s answer is larger than %u MB"), (guint) (max >> 20));
  return TRUE;
}

/* On the pull thread: blocking, bounded. */
static GBytes *
send_bounded (SoupSession   *session,
              SoupMessage   *msg,
              gsize          max,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(GInputStream) stream = soup_session_send (session, msg, cancellable, error);
  g_autoptr(GByteArray) buffer = NULL;

  if (stream == NULL || too_large (msg, 0, max, error))
    return NULL;
  buffer = g_byte_array_new ();
  for (;;)
    {
      g_autoptr(GBytes) chunk = g_input_stream_read_bytes (stream, READ_CHUNK, cancellable, error);

      if (chunk == NULL)
        return NULL;
      if (g_bytes_get_size (chunk) == 0)
        break;
      if (too_large (msg, buffer->len + g_bytes_get_size (chunk), max, error))
        return NULL;
      g_byte_array_append (buffer, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
    }
  g_input_stream_close (stream, NULL, NULL);
  return g_byte_array_free_to_bytes (g_steal_pointer (&buffer));
}

typedef struct
{
  SoupMessage  *msg;
  GInputStream *stream;
  GByteArray   *buffer;
  gsize         max;
} BoundedRead;

static void
bounded_read_free (BoundedRead *read)
{
  g_clear_object (&read->msg);
  g_clear_object (&read->stream);
  g_clear_pointer (&read->buffer, g_byte_array_unref);
  g_free (read);
}

static void
on_bounded_chunk (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BoundedRead *read = g_task_get_task_data (task);
  g_autoptr(GBytes) chunk = NULL;
  GCancellable *cancellable;
  GError *error = NULL;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (chunk == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (g_bytes_get_size (chunk) == 0)
    {
      g_input_stream_close_async (read->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
      g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&read->buffer)),
                             (GDestroyNotify) g_bytes_unref);
      return;
    }
  if (too_large (read->msg, read->buffer->len + g_bytes_get_size (chunk), read->max, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_byte_array_append (read->buffer, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  cancellable = g_task_get_cancellable (task);
  g_input_stream_read_bytes_async (read->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   cancellable, on_bounded_chunk, g_steal_pointer (&task));
}

static void
on_bounded_sent (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BoundedRead *read = g_task_get_task_data (task);
  GCancellable *cancellable;
  GError *error = NULL;

  read->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (read->stream == NULL || too_large (read->msg, 0, read->max, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  read->buffer = g_byte_array_new ();
  cancellable = g_task_get_cancellable (task);
  g_input_stream_read_bytes_async (read->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   cancellable, on_bounded_chunk, g_steal_pointer (&task));
}

/* soup_session_send_and_read_async(), with a bound on the answer. */
static void
send_bounded_async (SoupSession         *session,
                    SoupMessage         *msg,
                    gsize                max,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  GTask *task = g_task_new (session, cancellable, callback, user_data);
  BoundedRead *read = g_new0 (BoundedRead, 1);

  read->msg = g_object_ref (msg);
  read->max = max;
  g_task_set_source_tag (task, send_bounded_async);
  g_task_set_task_data (task, read, (GDestroyNotify) bounded_read_free);
  soup_session_send_async (session, msg, G_PRIORITY_DEFAULT, cancellable, on_bounded_sent, task);
}

static GBytes *
send_bounded_finish (GAsyncResult  *result,
                     SoupMessage  **msg,
                     GError       **error)
{
  BoundedRead *read = g_task_get_task_data (G_TASK (result));

  *msg = read->msg;
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Ends the run (the outbox keeps whatever was not acknowledged). */
static void
fail_task (GTask      *task,
           int         code,
           const char *message)
{
  BdSync *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);

  data->returned = TRUE;
  stop_pull (data);
  set_last_error (self, message);
  set_state (self, code == BD_SYNC_ERROR_UNREACHABLE ? BD_SYNC_STATE_OFFLINE : BD_SYNC_STATE_ONLINE);
  notify_counts (self);
  g_task_return_new_error (task, BD_SYNC_ERROR, code, "%s", message);
  g_object_unref (task);
}

/* Stopped: the run ends with no verdict on the server. */
static void
cancel_task (GTask  *task,
             GError *error)
{
  BdSync *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);

  data->returned = TRUE;
  stop_pull (data);
  /* no verdict: back to what was known before the run */
  set_state (self, data->state_before);
  g_task_return_error (task, g_error_copy (error));
  g_object_unref (task);
}

static gboolean
http_status_unreachable (guint status)
{
  return status >= 500 || status == 408 || status == 429 || status < 100;
}

/* Handles what every answer may be: no answer, 401, 5xx. Returns FALSE
 * (and ends the run) when the run cannot go on. */
static gboolean
check_answer (GTask        *task,
              GBytes       *body,
              GError       *error,
              guint         status)
{
  if (body == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      cancel_task (task, error);
      return FALSE;
    }
  if (body == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("cannot reach the server: %s"), error->message);
      fail_task (task, BD_SYNC_ERROR_UNREACHABLE, message);
      return FALSE;
    }
  if (status == 401)
    {
      fail_task (task, BD_SYNC_ERROR_UNAUTHORIZED, _("the server refused the token (401)"));
      return FALSE;
    }
  if (http_status_unreachable (status))
    {
      g_autofree char *message = g_strdup_printf (_("the server failed (%u)"), status);
      fail_task (task, BD_SYNC_ERROR_UNREACHABLE, message);
      return FALSE;
    }
  return TRUE;
}

/* The entry cannot go now (4xx): it stays in the outbox with the reason,
 * and later edits of the same report wait behind it. */
static void
refuse_entry (GTask         *task,
              BdOutboxEntry *entry,
              const char    *message)
{
  BdSync *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);

  g_debug ("refused %s: %s", entry->report_id, message);
  bd_store_set_outbox_error (self->store, entry->seq, message, NULL);
  g_hash_table_add (data->skip, g_strdup (entry->report_id));
  data->refused++;
  g_free (data->refused_message);
  data->refused_message = g_strdup (message);
}

/* After an acknowledgement: the run's later entries for the same report
 * build on the server's new revision (the store did the same). */
static void
rebase_later (RunData    *data,
              const char *report_id,
              BdReport   *server_copy)
{
  guint i;

  if (server_copy == NULL)
    return;
  for (i = data->index + 1; i < data->outbox->len; i++)
    {
      BdOutboxEntry *e = g_ptr_array_index (data->outbox, i);

      if (g_strcmp0 (e->report_id, report_id) == 0)
        e->base_rev = bd_report_get_rev (server_copy);
    }
}

/* A 412 with real differences: merge base, local and server three ways.
 * Returns FALSE (and ends the run) on a store failure. */
static gboolean
merge_entry (GTask         *task,
             BdOutboxEntry *entry,
             BdReport      *server_copy)
{
  BdSync *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  g_autoptr(BdReport) base = NULL;
  g_autoptr(BdReport) pushed = NULL;
  g_autoptr(BdReport) local = NULL;
  g_autoptr(BdReport) merged = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) conflicts = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  guint merges;

  merges = GPOINTER_TO_UINT (g_hash_table_lookup (data->merges, entry->report_id)) + 1;
  g_hash_table_insert (data->merges, g_strdup (entry->report_id), GUINT_TO_POINTER (merges));
  if (merges > MAX_MERGES_PER_RUN)
    {
      g_autofree char *message =
        g_strdup_printf (_("report %s keeps changing on the server; it will be tried again"),
                         entry->report_id);
      refuse_entry (task, entry, message);
      return TRUE;
    }

  local = bd_store_get_report (self->store, entry->report_id, &error);
  if (local == NULL)
    {
      fail_task (task, BD_SYNC_ERROR_REFUSED, error->message);
      return FALSE;
    }
  base = bd_store_get_server_copy (self->store, entry->report_id, NULL);
  pushed = bd_report_new_from_geojson (entry->payload, -1, NULL);
  /* A create whose answer was lost: what we pushed is what the server
   * started from. */
  if (base == NULL && pushed != NULL && entry->base_rev <= 0)
    base = bd_report_copy (pushed);
  /* An edit of ours that the server applied, but whose answer was lost,
   * is not the other side's change: where the server holds exactly what
   * we pushed, that is the common ground. */
  if (base != NULL && pushed != NULL)
    {
      g_auto(GStrv) moved = bd_report_diff (base, server_copy);
      g_auto(GStrv) unlike = bd_report_diff (pushed, server_copy);
      guint i;

      for (i = 0; moved[i] != NULL; i++)
        if (!g_strv_contains ((const char * const *) unlike, moved[i]))
          bd_report_copy_field (base, server_copy, moved[i]);
    }
  merged = bd_report_merge3 (base, local, server_copy, &conflicts);
  g_debug ("merged %s (rev %" G_GINT64_FORMAT "): %u conflicts", entry->report_id,
           bd_report_get_rev (server_copy), g_strv_length (conflicts));
  if (!bd_store_apply_merge (self->store, merged, server_copy,
                             (const char * const *) conflicts, &error))
    {
      fail_task (task, BD_SYNC_ERROR_REFUSED, error->message);
      return FALSE;
    }
  notify_counts (self);

  /* the report's outbox rows were replaced: start over on what is left */
  outbox = bd_store_list_outbox_ready (self->store, &error);
  if (outbox == NULL)
    {
      fail_task (task, BD_SYNC_ERROR_REFUSED, error->message);
      return FALSE;
    }
  g_ptr_array_unref (data->outbox);
  data->outbox = g_steal_pointer (&outbox);
  data->index = 0;
  return TRUE;
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
  SoupMessage *msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BdReport) server_copy = NULL;
  gboolean is_delete = g_strcmp0 (entry->op, "delete") == 0;
  guint status;
  gsize size = 0;
  const char *text;

  body = send_bounded_finish (result, &msg, &error);
  status = soup_message_get_status (msg);
  if (!check_answer (task, body, error, status))
    return;
  text = g_bytes_get_data (body, &size);

  if (size > 0 && (status == 412 || (status >= 200 && status < 300)))
    {
      server_copy = bd_report_new_from_geojson (text, size, NULL);
      if (server_copy == NULL ||
          g_strcmp0 (bd_report_get_id (server_copy), entry->report_id) != 0)
        {
          /* a cut or garbled answer: try again later, the retry is safe */
          fail_task (task, BD_SYNC_ERROR_UNREACHABLE, _("the server sent a malformed answer"));
          return;
        }
    }

  if (status >= 200 && status < 300 && (server_copy != NULL || is_delete))
    {
      if (!bd_store_ack_outbox_entry (self->store, entry->seq, server_copy, &error))
        {
          fail_task (task, BD_SYNC_ERROR_REFUSED, error->message);
          return;
        }
      rebase_later (data, entry->report_id, server_copy);
      notify_counts (self);
      data->index++;
    }
  else if (status >= 200 && status < 300)
    {
      fail_task (task, BD_SYNC_ERROR_UNREACHABLE, _("the server sent a malformed answer"));
      return;
    }
  else if (status == 412 && server_copy != NULL)
    {
      g_autoptr(BdReport) pushed = bd_report_new_from_geojson (entry->payload, -1, NULL);

      if (pushed != NULL && bd_report_same_content (pushed, server_copy))
        {
          /* a lost response retried: the server holds our copy already */
          if (!bd_store_ack_outbox_entry (self->store, entry->seq, server_copy, &error))
            {
              fail_task (task, BD_SYNC_ERROR_REFUSED, error->message);
              return;
            }
          rebase_later (data, entry->report_id, server_copy);
          notify_counts (self);
          data->index++;
        }
      else if (!merge_entry (task, entry, server_copy))
        return;
    }
  else
    {
      g_autofree char *message =
        g_strdup_printf (_("report %s: the server refused it (%u): %.*s"),
                         entry->report_id, status, (int) MIN (size, 200),
                         text != NULL ? text : "");
      refuse_entry (task, entry, message);
      data->index++;
    }

  push_next (task);
}

static void
send_entry (GTask *task)
{
  BdSync *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  BdOutboxEntry *entry = g_ptr_array_index (data->outbox, data->index);
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *url = NULL;
  g_autofree char *etag = NULL;
  SoupMessageHeaders *headers;
  gboolean is_delete;

  is_delete = g_strcmp0 (entry->op, "delete") == 0;
  url = item_url (self, entry->report_id);
  msg = new_message (self, is_delete ? "DELETE" : "PUT", url);
  if (msg == NULL)
    {
      fail_task (task, BD_SYNC_ERROR_UNREACHABLE, _("the server address is not a valid URL"));
      return;
    }
  headers = soup_message_get_request_headers (msg);
  if (entry->base_rev <= 0)
    soup_message_headers_replace (headers, "If-None-Match", "*");
  else
    {
      etag = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", entry->base_rev);
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

  send_bounded_async (self->session, msg, MAX_ANSWER_BYTES,
                      g_task_get_cancellable (task), on_push, task);
}

static void upload_next (GTask *task);

static void
on_upload (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  BdSync *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  BdOutboxEntry *entry = g_ptr_array_index (data->outbox, data->index);
  const char *sha256 = g_ptr_array_index (data->uploads, data->upload_index);
  SoupMessage *msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  guint status;

  body = send_bounded_finish (result, &msg, &error);
  status = soup_message_get_status (msg);
  if (!check_answer (task, body, error, status))
    return;

  if (status >= 200 && status < 300)
    {
      if (!bd_store_mark_attachment_uploaded (self->store, sha256, &error))
        {
          fail_task (task, BD_SYNC_ERROR_REFUSED, error->message);
          return;
        }
      data->upload_index++;
      upload_next (task);
      return;
    }

  {
    gsize size = 0;
    const char *text = g_bytes_get_data (body, &size);
    g_autofree char *message =
      g_strdup_printf (_("report %s: the server refused its photo (%u): %.*s"),
                       entry->report_id, status, (int) MIN (size, 200), text != NULL ? text : "");

    refuse_entry (task, entry, message);
    data->index++;
    push_next (task);
  }
}

/* Photos go up before the report that names them. */
static void
upload_next (GTask *task)
{
  BdSync *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *media_type = NULL;
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  const char *sha256;

  if (data->upload_index >= data->uploads->len)
    {
      send_entry (task);
      return;
    }

  sha256 = g_ptr_array_index (data->uploads, data->upload_index);
  bytes = bd_store_get_attachment (self->store, sha256, &media_type, &error);
  if (bytes == NULL)
    {
      fail_task (task, BD_SYNC_ERROR_REFUSED, error->message);
      return;
    }
  path = g_strconcat ("attachments/", sha256, NULL);
  url = server_url (self, path);
  msg = new_message (self, "PUT", url);
  if (msg == NULL)
    {
      fail_task (task, BD_SYNC_ERROR_UNREACHABLE, _("the server address is not a valid URL"));
      return;
    }
  soup_message_set_request_body_from_bytes (msg, media_type, bytes);
  soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);
  send_bounded_async (self->session, msg, MAX_ANSWER_BYTES,
                      g_task_get_cancellable (task), on_upload, task);
}

static void
push_next (GTask *task)
{
  BdSync *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  BdOutboxEntry *entry;

  while (data->index < data->outbox->len &&
         g_hash_table_contains (data->skip,
                                ((BdOutboxEntry *) g_ptr_array_index (data->outbox,
                                                                      data->index))->report_id))
    data->index++;

  if (data->index >= data->outbox->len)
    {
      pull_page (task);
      return;
    }

  entry = g_ptr_array_index (data->outbox, data->index);
  g_ptr_array_set_size (data->uploads, 0);
  data->upload_index = 0;
  if (g_strcmp0 (entry->op, "delete") != 0)
    {
      g_autoptr(BdReport) report = bd_report_new_from_geojson (entry->payload, -1, NULL);
      g_autoptr(GVariant) attachments = report != NULL ? bd_report_get_attachments (report) : NULL;
      GVariantIter iter;
      const char *sha256;

      if (attachments != NULL)
        {
          g_variant_iter_init (&iter, attachments);
          while (g_variant_iter_next (&iter, "(&s&s&s)", &sha256, NULL, NULL))
            if (bd_store_attachment_needs_upload (self->store, sha256))
              g_ptr_array_add (data->uploads, g_strdup (sha256));
        }
    }
  upload_next (task);
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
  data->returned = TRUE;
  set_last_error (self, NULL);
  set_state (self, BD_SYNC_STATE_ONLINE);
  notify_counts (self);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/* The pull. A thread of its own fetches the change feed page after page,
 * on a libsoup session of its own, and parses each page into reports and
 * their GeoJSON; it never touches the store. Parsed pages wait in a
 * bounded queue, and the main thread writes what is queued, up to
 * BATCH_SIZE reports in one transaction with the cursor, from an idle
 * callback. So the server makes a page, the thread parses the one before
 * and the main thread writes those before that, all at once; and the main
 * thread never waits on the network. */

struct _Page
{
  GPtrArray *reports;    /* BdReport* */
  GPtrArray *features;   /* char*: their GeoJSON */
  GPtrArray *rejected;   /* BdRejected*: features we cannot read */
  gint64     next;       /* the cursor after this page */
  gboolean   last;
  GError    *error;      /* instead of a page: why the pull stopped */
};

static void
page_free (Page *page)
{
  g_clear_pointer (&page->reports, g_ptr_array_unref);
  g_clear_pointer (&page->features, g_ptr_array_unref);
  g_clear_pointer (&page->rejected, g_ptr_array_unref);
  g_clear_error (&page->error);
  g_free (page);
}

static Page *
parse_page (GBytes  *body,
            gint64   cursor,
            GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  Page *page;
  JsonObject *root;
  JsonArray *features;
  guint n, i;

  if (!json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                   g_bytes_get_size (body), NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)) ||
      !json_object_has_member ((root = json_node_get_object (json_parser_get_root (parser))), "features") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "features")))
    {
      g_set_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_UNREACHABLE, "%s",
                   _("the server sent a malformed answer"));
      return NULL;
    }

  features = json_object_get_array_member (root, "features");
  n = json_array_get_length (features);
  page = g_new0 (Page, 1);
  page->next = json_object_get_int_member_with_default (root, "next_since_seq", cursor);
  page->reports = g_ptr_array_new_full (n, g_object_unref);
  page->features = g_ptr_array_new_full (n, g_free);

  page->rejected = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_rejected_free);

  for (i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (features, i);
      g_autoptr(GError) bad = NULL;
      BdReport *report = bd_report_new_from_json (node, &bad);

      if (report == NULL)
        {
          /* one feature we cannot read must not stop the feed: it is kept
           * aside as it came, and the rest goes on */
          BdRejected *rejected = g_new0 (BdRejected, 1);
          JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
          JsonNode *id = object != NULL ? json_object_get_member (object, "id") : NULL;
          JsonNode *props = object != NULL ? json_object_get_member (object, "properties") : NULL;

          if (id != NULL && JSON_NODE_HOLDS_VALUE (id) &&
              json_node_get_value_type (id) == G_TYPE_STRING)
            rejected->id = g_strdup (json_node_get_string (id));
          if (props != NULL && JSON_NODE_HOLDS_OBJECT (props))
            rejected->seq = json_object_get_int_member_with_default (json_node_get_object (props),
                                                                     "seq", 0);
          rejected->reason = g_strdup (bad != NULL ? bad->message : "");
          rejected->feature = json_to_string (node, FALSE);
          if (rejected->seq > page->next)
            page->next = rejected->seq;
          g_ptr_array_add (page->rejected, rejected);
          continue;
        }
      if (bd_report_get_seq (report) > page->next)
        page->next = bd_report_get_seq (report);
      g_ptr_array_add (page->reports, report);
      g_ptr_array_add (page->features, bd_report_to_geojson (report));
    }

  page->last = n < PAGE_SIZE || page->next <= cursor;
  return page;
}

/* On the pull thread: one page, or the error that ends the pull. */
static Page *
fetch_page (RunData     *data,
            SoupSession *session,
            gint64       cursor)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  Page *page;
  guint status;

  url = g_strdup_printf ("%scollections/reports/items?since_seq=%" G_GINT64_FORMAT "&limit=%d",
                         data->pull_url, cursor, PAGE_SIZE);
  msg = request_new ("GET", url, data->pull_token);
  if (msg == NULL)
    g_set_error (&error, BD_SYNC_ERROR, BD_SYNC_ERROR_UNREACHABLE, "%s",
                 _("the server address is not a valid URL"));
  else
    {
      body = send_bounded (session, msg, MAX_PAGE_BYTES, data->pull_cancel, &error);
      status = soup_message_get_status (msg);
      if (body == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = g_strdup_printf (_("cannot reach the server: %s"),
                                                      error->message);

          g_clear_error (&error);
          g_set_error (&error, BD_SYNC_ERROR, BD_SYNC_ERROR_UNREACHABLE, "%s", message);
        }
      else if (body != NULL && status == 401)
        g_set_error (&error, BD_SYNC_ERROR, BD_SYNC_ERROR_UNAUTHORIZED, "%s",
                     _("the server refused the token (401)"));
      else if (body != NULL && status != 200)
        g_set_error (&error, BD_SYNC_ERROR, BD_SYNC_ERROR_UNREACHABLE,
                     _("the server failed (%u)"), status);
    }

  if (error == NULL && (page = parse_page (body, cursor, &error)) != NULL)
    return page;

  page = g_new0 (Page, 1);
  page->error = g_steal_pointer (&error);
  return page;
}

static gboolean write_queued (gpointer user_data);

/* Schedules write_queued() on the run's main context (from any thread). */
static void
wake_writer (GTask *task)
{
  RunData *data = g_task_get_task_data (task);
  g_autoptr(GSource) source = NULL;

  if (data->wake_pending)
    return;
  data->wake_pending = TRUE;
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT_IDLE);
  g_source_set_callback (source, write_queued, g_object_ref (task), g_object_unref);
  g_source_set_static_name (source, "[bd-sync] write pulled pages");
  g_source_attach (source, data->context);
}

static gboolean
unref_in_main (gpointer user_data)
{
  g_object_unref (user_data);
  return G_SOURCE_REMOVE;
}

static gpointer
pull_thread (gpointer user_data)
{
  GTask *task = user_data;
  RunData *data = g_task_get_task_data (task);
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(SoupSession) session = NULL;
  gint64 cursor = data->cursor;   /* main no longer writes it */

  /* a session bound to this thread's own context */
  g_main_context_push_thread_default (context);
  session = soup_session_new_with_options ("timeout", data->pull_timeout,
                                           "tls-database", data->pull_tls,
                                           NULL);
  for (;;)
    {
      Page *page = fetch_page (data, session, cursor);
      gboolean end = page->error != NULL || page->last;

      cursor = page->next;
      g_mutex_lock (&data->lock);
      while (data->queue->length >= MAX_QUEUED_PAGES && !data->stop)
        g_cond_wait (&data->cond, &data->lock);
      if (data->stop)
        {
          g_mutex_unlock (&data->lock);
          page_free (page);
          break;
        }
      g_queue_push_tail (data->queue, page);
      wake_writer (task);
      g_mutex_unlock (&data->lock);
      if (end)
        break;
    }

  g_clear_object (&session);
  g_main_context_pop_thread_default (context);
  /* the run (and the BdSync in it) must end on its own thread */
  g_main_context_invoke_full (data->context, G_PRIORITY_DEFAULT, unref_in_main, task, NULL);
  return NULL;
}

static void
stop_pull (RunData *data)
{
  g_mutex_lock (&data->lock);
  data->stop = TRUE;
  g_cond_broadcast (&data->cond);
  g_mutex_unlock (&data->lock);
  g_cancellable_cancel (data->pull_cancel);
}

static void
pull_page (GTask *task)
{
  BdSync *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  const char *slash = g_str_has_suffix (self->server_url, "/") ? "" : "/";
  GTlsDatabase *tls = soup_session_get_tls_database (self->session);

  data->pull_url = g_strconcat (self->server_url, slash, NULL);
  data->pull_token = g_strdup (self->token);
  data->pull_tls = tls != NULL ? g_object_ref (tls) : NULL;
  data->pull_timeout = soup_session_get_timeout (self->session);
  data->context = g_main_context_ref (g_task_get_context (task));
  g_thread_unref (g_thread_new ("bd-sync-pull", pull_thread, g_object_ref (task)));
}

/* Photos other clients took, after the pull: a few each run, so that a
 * first sync is not held up by them. A photo that cannot be had now is
 * tried again next run; one the server does not have is forgotten. */
#define DOWNLOADS_PER_RUN 20

static void download_next (GTask *task);

static void
on_download (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  BdSync *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  const char *sha256 = data->downloads[data->download_index];
  SoupMessage *msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  guint status;

  body = send_bounded_finish (result, &msg, &error);
  if (body == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      cancel_task (task, error);
      return;
    }
  status = soup_message_get_status (msg);
  if (body == NULL || status == 401 || http_status_unreachable (status))
    {
      /* the reports are in; the photos wait for the next run */
      g_debug ("photo %s: %s (%u)", sha256, error != NULL ? error->message : "", status);
      finish_run (task);
      return;
    }

  if (status == 200)
    {
      const char *type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg),
                                                                NULL);

      if (!bd_store_add_downloaded_attachment (self->store, sha256, body, type, &error))
        {
          g_debug ("photo %s refused: %s", sha256, error->message);
          bd_store_forget_wanted_attachment (self->store, sha256, NULL);
        }
    }
  else
    bd_store_forget_wanted_attachment (self->store, sha256, NULL);

  data->download_index++;
  download_next (task);
}

static void
download_next (GTask *task)
{
  BdSync *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;

  if (data->downloads == NULL)
    {
      data->downloads = bd_store_list_wanted_attachments (self->store, DOWNLOADS_PER_RUN, NULL);
      data->download_index = 0;
    }
  if (data->downloads == NULL || data->downloads[data->download_index] == NULL)
    {
      finish_run (task);
      return;
    }

  path = g_strconcat ("attachments/", data->downloads[data->download_index], NULL);
  url = server_url (self, path);
  msg = new_message (self, "GET", url);
  if (msg == NULL)
    {
      finish_run (task);
      return;
    }
  send_bounded_async (self->session, msg, BD_STORE_MAX_ATTACHMENT_BYTES,
                      g_task_get_cancellable (task), on_download, task);
}

static gboolean
write_queued (gpointer user_data)
{
  GTask *task = user_data;
  BdSync *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  g_autoptr(GPtrArray) reports = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) features = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) rejected = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_rejected_free);
  g_autoptr(GError) error = NULL;
  gboolean last = FALSE;
  gint64 cursor = -1;
  Page *page;

  g_mutex_lock (&data->lock);
  data->wake_pending = FALSE;
  while (reports->len < BATCH_SIZE && error == NULL && !last &&
         (page = g_queue_pop_head (data->queue)) != NULL)
    {
      if (page->error != NULL)
        error = g_steal_pointer (&page->error);
      else
        {
          g_ptr_array_extend_and_steal (reports, g_steal_pointer (&page->reports));
          g_ptr_array_extend_and_steal (features, g_steal_pointer (&page->features));
          g_ptr_array_extend_and_steal (rejected, g_steal_pointer (&page->rejected));
          cursor = page->next;
          last = page->last;
        }
      page_free (page);
    }
  /* room in the queue: the thread pulls on while we write */
  g_cond_signal (&data->cond);
  if (data->queue->length > 0)
    wake_writer (task);
  g_mutex_unlock (&data->lock);

  if (data->returned)
    return G_SOURCE_REMOVE;

  /* pages before an error were fetched whole: keep them */
  if (cursor >= 0)
    {
      g_autoptr(GError) write_error = NULL;

      if (!bd_store_apply_pulled (self->store, reports, features, rejected, "cursor", cursor, NULL,
                                  &write_error))
        {
          stop_pull (data);
          fail_task (task, BD_SYNC_ERROR_REFUSED, write_error->message);
          return G_SOURCE_REMOVE;
        }
    }

  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    cancel_task (task, error);
  else if (error != NULL)
    fail_task (task, error->code, error->message);
  else if (last)
    download_next (task);
  return G_SOURCE_REMOVE;
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
  data->skip = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  data->merges = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  data->uploads = g_ptr_array_new_with_free_func (g_free);
  data->queue = g_queue_new ();
  g_mutex_init (&data->lock);
  g_cond_init (&data->cond);
  data->pull_cancel = g_cancellable_new ();
  if (cancellable != NULL)
    {
      data->cancellable = g_object_ref (cancellable);
      data->cancel_handler = g_cancellable_connect (cancellable, G_CALLBACK (cancel_pull),
                                                    g_object_ref (data->pull_cancel),
                                                    g_object_unref);
    }
  g_task_set_task_data (task, data, (GDestroyNotify) run_data_free);

  if (self->server_url == NULL || *self->server_url == '\0')
    {
      fail_task (task, BD_SYNC_ERROR_UNREACHABLE, _("no server address is set"));
      return;
    }

  data->outbox = bd_store_list_outbox_ready (self->store, &error);
  if (data->outbox == NULL)
    {
      fail_task (task, BD_SYNC_ERROR_REFUSED, error->message);
      return;
    }
  cursor = bd_store_get_sync_state (self->store, "cursor");
  data->cursor = cursor != NULL ? g_ascii_strtoll (cursor, NULL, 10) : 0;

  data->state_before = self->state;
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
