/* bd-sync-push.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The push: outbox entries go out in order, each report's photos before
 * it, with If-Match (or If-None-Match: * for a report the server never
 * had). A 412 whose server copy equals what we pushed is a success (a lost
 * answer retried); one with real differences is merged three ways. A 4xx
 * (to the report, or to one of its photos: a 415 for bytes that are not a
 * photo type the server takes) refuses the entry: it stays in the outbox
 * with the server's reason, later edits of the same report wait behind it,
 * the run goes on with other reports, and the next run tries it again. */

#define G_LOG_DOMAIN "bd-sync"

#include "config.h"

#include "bd-sync-private.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "bd-json.h"

/* A server that answers every push with another change would make the
 * merge go round for ever; after this many, the report waits for the next
 * run. */
#define MAX_MERGES_PER_RUN 3

static void upload_next (GTask *task);

/* What an outbox row carries: the report's GeoJSON as this client wrote
 * it; read like every other JSON (NULL if it cannot be). */
static BdReport *
read_payload (BdOutboxEntry *entry)
{
  g_autoptr(JsonNode) root = NULL;

  if (entry->payload == NULL)
    return NULL;
  root = bd_json_parse (entry->payload, strlen (entry->payload), 0, NULL);
  return root != NULL ? bd_report_new_from_json (root, NULL) : NULL;
}

/* A delete of a report the server never had: no revision to name in
 * If-Match (demo data, or a create whose row older versions let go before
 * it was pushed). The server has nothing to delete, and would refuse the
 * request (428) at every run: the row is acknowledged without one. An
 * earlier row of the same report in this run, once acknowledged, gave
 * this one the server's revision (rebase_later()); one refused holds it
 * back. */
static gboolean
is_unknown_delete (BdOutboxEntry *entry)
{
  return g_strcmp0 (entry->op, "delete") == 0 && entry->base_rev <= 0;
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
      _bd_sync_run_end (task, g_error_copy (error));
      return FALSE;
    }
  if (body == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("cannot reach the server: %s"), error->message);

      _bd_sync_run_fail (task, BD_SYNC_ERROR_UNREACHABLE, message);
      return FALSE;
    }
  if (status == 401)
    {
      _bd_sync_run_fail (task, BD_SYNC_ERROR_UNAUTHORIZED, _("the server refused the token (401)"));
      return FALSE;
    }
  if (_bd_sync_status_unreachable (status))
    {
      g_autofree char *message = g_strdup_printf (_("the server failed (%u)"), status);
      _bd_sync_run_fail (task, BD_SYNC_ERROR_UNREACHABLE, message);
      return FALSE;
    }
  return TRUE;
}

/* Why the server refused a request, for people: the "description" of its
 * JSON error, else the answer's text; valid UTF-8, at most 200 characters. */
static char *
refusal_reason (GBytes *body)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *valid = NULL;
  const char *text = NULL;
  gsize size = 0;

  if (body != NULL)
    text = g_bytes_get_data (body, &size);
  if (size == 0)
    return g_strdup ("");

  root = bd_json_parse (text, size, BD_SYNC_MAX_ANSWER_BYTES, NULL);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonNode *node = json_object_get_member (json_node_get_object (root), "description");

      if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
          json_node_get_value_type (node) == G_TYPE_STRING)
        {
          text = json_node_get_string (node);
          size = strlen (text);
        }
    }

  valid = g_utf8_make_valid (text, MIN (size, 4096));
  if (g_utf8_strlen (valid, -1) <= 200)
    return g_steal_pointer (&valid);
  return g_utf8_substring (valid, 0, 200);
}

/* The entry cannot go now (4xx): it stays in the outbox with the reason,
 * and later edits of the same report wait behind it. Returns FALSE (and
 * ends the run) when the reason cannot be written. */
static gboolean
refuse_entry (GTask         *task,
              BdOutboxEntry *entry,
              const char    *message)
{
  BdSync *self = g_task_get_source_object (task);
  BdSyncRun *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  g_debug ("refused %s: %s", entry->report_id, message);
  if (!bd_store_set_outbox_error (self->store, entry->seq, message, &error))
    {
      _bd_sync_run_end (task, g_steal_pointer (&error));
      return FALSE;
    }
  g_hash_table_add (run->skip, g_strdup (entry->report_id));
  run->refused++;
  g_free (run->refused_message);
  run->refused_message = g_strdup (message);
  return TRUE;
}

/* After an acknowledgement: the run's later entries for the same report
 * build on the server's new revision (the store did the same). */
static void
rebase_later (BdSyncRun  *run,
              const char *report_id,
              BdReport   *server_copy)
{
  guint i;

  if (server_copy == NULL)
    return;
  for (i = run->index + 1; i < run->outbox->len; i++)
    {
      BdOutboxEntry *e = g_ptr_array_index (run->outbox, i);

      if (g_strcmp0 (e->report_id, report_id) == 0)
        e->base_rev = bd_report_get_rev (server_copy);
    }
}

/* The server took the entry (@server_copy is its answer, NULL for a
 * delete): the store drops the row, and the run goes on to the next.
 * Returns FALSE (and ends the run) on a store failure. */
static gboolean
ack_entry (GTask         *task,
           BdOutboxEntry *entry,
           BdReport      *server_copy)
{
  BdSync *self = g_task_get_source_object (task);
  BdSyncRun *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!bd_store_ack_outbox_entry (self->store, entry->seq, server_copy, &error))
    {
      _bd_sync_run_end (task, g_steal_pointer (&error));
      return FALSE;
    }
  rebase_later (run, entry->report_id, server_copy);
  _bd_sync_notify_counts (self);
  run->index++;
  return TRUE;
}

/* A 412 with real differences: merge base, local and server three ways.
 * Returns FALSE (and ends the run) on a store failure. */
static gboolean
merge_entry (GTask         *task,
             BdOutboxEntry *entry,
             BdReport      *server_copy)
{
  BdSync *self = g_task_get_source_object (task);
  BdSyncRun *run = g_task_get_task_data (task);
  g_autoptr(BdReport) base = NULL;
  g_autoptr(BdReport) pushed = NULL;
  g_autoptr(BdReport) local = NULL;
  g_autoptr(BdReport) merged = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) conflicts = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  guint merges;

  merges = GPOINTER_TO_UINT (g_hash_table_lookup (run->merges, entry->report_id)) + 1;
  g_hash_table_insert (run->merges, g_strdup (entry->report_id), GUINT_TO_POINTER (merges));
  if (merges > MAX_MERGES_PER_RUN)
    {
      g_autofree char *message =
        g_strdup_printf (_("report %s keeps changing on the server; it will be tried again"),
                         entry->report_id);
      return refuse_entry (task, entry, message);
    }

  local = bd_store_get_report (self->store, entry->report_id, &error);
  if (local == NULL)
    {
      _bd_sync_run_end (task, g_steal_pointer (&error));
      return FALSE;
    }
  /* no copy: the server never had the report as far as we know; a copy
   * that cannot be read is an error, not "no copy" */
  base = bd_store_get_server_copy (self->store, entry->report_id, &error);
  if (base == NULL && !g_error_matches (error, BD_STORE_ERROR, BD_STORE_ERROR_NOT_FOUND))
    {
      _bd_sync_run_end (task, g_steal_pointer (&error));
      return FALSE;
    }
  g_clear_error (&error);
  pushed = read_payload (entry);
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
      _bd_sync_run_fail (task, BD_SYNC_ERROR_REFUSED, error->message);
      return FALSE;
    }
  _bd_sync_notify_counts (self);

  /* the report's outbox rows were replaced: start over on what is left */
  outbox = bd_store_list_outbox_ready (self->store, &error);
  if (outbox == NULL)
    {
      _bd_sync_run_fail (task, BD_SYNC_ERROR_REFUSED, error->message);
      return FALSE;
    }
  g_ptr_array_unref (run->outbox);
  run->outbox = g_steal_pointer (&outbox);
  run->index = 0;
  return TRUE;
}

static void
on_push (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  BdSyncRun *run = g_task_get_task_data (task);
  BdOutboxEntry *entry = g_ptr_array_index (run->outbox, run->index);
  SoupMessage *msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BdReport) server_copy = NULL;
  gboolean is_delete = g_strcmp0 (entry->op, "delete") == 0;
  guint status;
  gsize size = 0;
  const char *text;

  body = _bd_sync_send_bounded_finish (result, &msg, &error);
  status = soup_message_get_status (msg);
  if (!check_answer (task, body, error, status))
    return;
  text = g_bytes_get_data (body, &size);

  if (size > 0 && (status == 412 || (status >= 200 && status < 300)))
    {
      server_copy = _bd_sync_parse_feature (text, size, &error);
      if (server_copy == NULL)
        {
          /* a cut or garbled answer: try again later, the retry is safe */
          _bd_sync_run_end (task, g_steal_pointer (&error));
          return;
        }
      if (g_strcmp0 (bd_report_get_id (server_copy), entry->report_id) != 0)
        {
          _bd_sync_run_fail (task, BD_SYNC_ERROR_UNREACHABLE,
                             _("the server sent a malformed answer"));
          return;
        }
    }

  if (status >= 200 && status < 300 && (server_copy != NULL || is_delete))
    {
      if (!ack_entry (task, entry, server_copy))
        return;
    }
  else if (status >= 200 && status < 300)
    {
      _bd_sync_run_fail (task, BD_SYNC_ERROR_UNREACHABLE,
                         _("the server sent a malformed answer"));
      return;
    }
  else if (status == 412 && server_copy != NULL)
    {
      g_autoptr(BdReport) pushed = read_payload (entry);

      if (pushed != NULL && bd_report_same_content (pushed, server_copy))
        {
          /* a lost response retried: the server holds our copy already */
          if (!ack_entry (task, entry, server_copy))
            return;
        }
      else if (!merge_entry (task, entry, server_copy))
        return;
    }
  else
    {
      g_autofree char *reason = refusal_reason (body);
      g_autofree char *message =
        g_strdup_printf (_("report %s: the server refused it (%u): %.*s"),
                         entry->report_id, status, (int) strlen (reason), reason);
      if (!refuse_entry (task, entry, message))
        return;
      run->index++;
    }

  _bd_sync_push_next (task);
}

static void
send_entry (GTask *task)
{
  BdSync *self = g_task_get_source_object (task);
  BdSyncRun *run = g_task_get_task_data (task);
  BdOutboxEntry *entry = g_ptr_array_index (run->outbox, run->index);
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *url = NULL;
  g_autofree char *etag = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;
  gboolean is_delete;

  is_delete = g_strcmp0 (entry->op, "delete") == 0;
  url = _bd_sync_item_url (self, entry->report_id);
  msg = _bd_sync_message_new (self, is_delete ? "DELETE" : "PUT", url);
  if (msg == NULL)
    {
      _bd_sync_run_fail (task, BD_SYNC_ERROR_UNREACHABLE,
                         _("the server address is not a valid URL"));
      return;
    }
  /* Once a DELETE leaves, the server may apply it though its answer is
   * lost: from then on a restore queues the report again instead of taking
   * the delete back (which would let the next pull delete it again). */
  if (is_delete && !bd_store_mark_outbox_sending (self->store, entry->seq, &error))
    {
      _bd_sync_run_fail (task, BD_SYNC_ERROR_REFUSED, error->message);
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

  _bd_sync_send_bounded_async (self->session, msg, BD_SYNC_MAX_ANSWER_BYTES,
                               g_task_get_cancellable (task), on_push, task);
}

static void
on_upload (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  BdSync *self = g_task_get_source_object (task);
  BdSyncRun *run = g_task_get_task_data (task);
  BdOutboxEntry *entry = g_ptr_array_index (run->outbox, run->index);
  const char *sha256 = g_ptr_array_index (run->uploads, run->upload_index);
  SoupMessage *msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  guint status;

  body = _bd_sync_send_bounded_finish (result, &msg, &error);
  status = soup_message_get_status (msg);
  if (!check_answer (task, body, error, status))
    return;

  if (status >= 200 && status < 300)
    {
      if (!bd_store_mark_attachment_uploaded (self->store, sha256, &error))
        {
          _bd_sync_run_fail (task, BD_SYNC_ERROR_REFUSED, error->message);
          return;
        }
      run->upload_index++;
      upload_next (task);
      return;
    }

  /* 4xx, a 415 (not a photo type the server takes) among them: the photo
   * will not go as it is, and the report naming it waits in the outbox
   * with the reason; the run goes on with the other reports. */
  {
    g_autofree char *reason = refusal_reason (body);
    g_autofree char *message =
      g_strdup_printf (_("report %s: the server refused its photo (%u): %.*s"),
                       entry->report_id, status, (int) strlen (reason), reason);

    if (!refuse_entry (task, entry, message))
      return;
    run->index++;
    _bd_sync_push_next (task);
  }
}

/* Photos go up before the report that names them. */
static void
upload_next (GTask *task)
{
  BdSync *self = g_task_get_source_object (task);
  BdSyncRun *run = g_task_get_task_data (task);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *media_type = NULL;
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  const char *sha256;

  if (run->upload_index >= run->uploads->len)
    {
      send_entry (task);
      return;
    }

  sha256 = g_ptr_array_index (run->uploads, run->upload_index);
  bytes = bd_store_get_attachment (self->store, sha256, &media_type, &error);
  if (bytes == NULL)
    {
      _bd_sync_run_fail (task, BD_SYNC_ERROR_REFUSED, error->message);
      return;
    }
  path = g_strconcat ("attachments/", sha256, NULL);
  url = _bd_sync_server_url (self, path);
  msg = _bd_sync_message_new (self, "PUT", url);
  if (msg == NULL)
    {
      _bd_sync_run_fail (task, BD_SYNC_ERROR_UNREACHABLE,
                         _("the server address is not a valid URL"));
      return;
    }
  soup_message_set_request_body_from_bytes (msg, media_type, bytes);
  soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);
  _bd_sync_send_bounded_async (self->session, msg, BD_SYNC_MAX_ANSWER_BYTES,
                               g_task_get_cancellable (task), on_upload, task);
}

void
_bd_sync_push_next (GTask *task)
{
  BdSync *self = g_task_get_source_object (task);
  BdSyncRun *run = g_task_get_task_data (task);
  BdOutboxEntry *entry = NULL;

  while (run->index < run->outbox->len)
    {
      entry = g_ptr_array_index (run->outbox, run->index);
      if (g_hash_table_contains (run->skip, entry->report_id))
        run->index++;
      else if (is_unknown_delete (entry))
        {
          g_debug ("delete of %s acknowledged here: the server never had it", entry->report_id);
          if (!ack_entry (task, entry, NULL))
            return;
        }
      else
        break;
    }

  if (run->index >= run->outbox->len)
    {
      _bd_sync_pull_start (task);
      return;
    }

  g_ptr_array_set_size (run->uploads, 0);
  run->upload_index = 0;
  if (g_strcmp0 (entry->op, "delete") != 0)
    {
      g_autoptr(BdReport) report = read_payload (entry);
      g_autoptr(GVariant) attachments = report != NULL ? bd_report_get_attachments (report) : NULL;
      GVariantIter iter;
      const char *sha256;

      if (attachments != NULL)
        {
          g_variant_iter_init (&iter, attachments);
          while (g_variant_iter_next (&iter, "(&s&s&s)", &sha256, NULL, NULL))
            if (bd_store_attachment_needs_upload (self->store, sha256))
              g_ptr_array_add (run->uploads, g_strdup (sha256));
        }
    }
  upload_next (task);
}

