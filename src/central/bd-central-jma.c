/* bd-central-jma.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * National warnings into the `alerts` collection (ALERTS.md).
 *
 * A message is written in one transaction: its alerts (each replacing the
 * feature of its thread, unless that feature already holds a later
 * message), the threads it ends, and the record that it was taken in, so
 * that the same message (by key or by the file's hash) is never written
 * twice. A thread ends when a 取消 names its event (the Body of a 取消
 * names no area, so the threads are found by their info_kind, event_id and
 * status), or when a warning message gives the whole state of an area and
 * the thread's kind is no longer in it (大雨警報 → 大雨注意報, or
 * 発表警報・注意報はなし).
 *
 * The feed poller runs on the server's main loop with an asynchronous
 * SoupSession: requests to the server are never kept waiting by JMA. Each
 * round asks for the feed with If-Modified-Since, then fetches the new
 * entries of a relevant type one after another. An entry's URL is
 * remembered in the store once it has been answered (whatever the answer),
 * so it is never fetched again (JMA asks this of its users); a network
 * fault or a 5xx leaves it for the next round, which then asks for the
 * whole feed again.
 */

#define G_LOG_DOMAIN "bd-central-jma"

#include "config.h"

#include "bd-central-jma.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "bd-jma.h"
#include "bd-json.h"
#include "bd-sync-private.h"
#include "bd-time.h"

#define ALERTS "alerts"
#define MAX_THREADS_SCANNED 100000
#define MAX_FETCHES_PER_ROUND 100
#define HTTP_TIMEOUT_SECONDS 30

/* ---------------------------------------------------------------- ingest */

static JsonObject *
properties_of (JsonNode *feature)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (feature) ? json_node_get_object (feature) : NULL;
  JsonNode *props = object ? json_object_get_member (object, "properties") : NULL;

  return props && JSON_NODE_HOLDS_OBJECT (props) ? json_node_get_object (props) : NULL;
}

static const char *
prop_string (JsonObject *props,
             const char *name)
{
  JsonNode *member = props ? json_object_get_member (props, name) : NULL;

  return member && json_node_get_value_type (member) == G_TYPE_STRING
         ? json_node_get_string (member) : NULL;
}

/* TRUE when the stored copy of a thread holds a message issued after
 * @sent: a message that arrives late does not undo a newer one. */
static gboolean
holds_later (const BdCentralFeature *current,
             const char             *sent)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GDateTime) stored_time = NULL;
  g_autoptr(GDateTime) new_time = NULL;
  const char *stored;

  if (current == NULL || current->deleted)
    return FALSE;
  node = bd_json_parse (current->feature, strlen (current->feature), 0, NULL);
  stored = node ? prop_string (properties_of (node), "sent") : NULL;
  stored_time = stored ? bd_parse_timestamp (stored) : NULL;
  new_time = bd_parse_timestamp (sent);
  return stored_time != NULL && new_time != NULL && g_date_time_compare (stored_time, new_time) > 0;
}

/* Ends the live threads of @m that it cancels (a 取消 naming no area) or
 * lifts (a thread on one of @m's full areas that @m does not renew).
 * Inside the import transaction. */
static gboolean
end_threads (BdCentralStore      *store,
             const BdJmaMessage  *m,
             GHashTable          *renewed,
             const char          *now,
             guint               *n_ended,
             GError             **error)
{
  BdCentralQuery query = { .offset = 0, .limit = MAX_THREADS_SCANNED };
  g_autoptr(GPtrArray) features = NULL;
  gboolean cancel = bd_jma_message_is_cancel (m) && m->alerts->len == 0;
  gint64 n_matched = 0;

  if (!cancel && m->full_areas->len == 0)
    return TRUE;
  features = bd_central_store_list (store, ALERTS, &query, &n_matched, error);
  if (features == NULL)
    return FALSE;

  for (guint i = 0; i < features->len; i++)
    {
      BdCentralFeature *feature = g_ptr_array_index (features, i);
      g_autoptr(JsonNode) node = NULL;
      JsonObject *props;
      JsonNode *active;
      const char *area;

      /* Cheap before a parse: the stored text holds the info_kind as is. */
      if (!g_str_has_prefix (feature->id, "jma-") || g_hash_table_contains (renewed, feature->id) ||
          strstr (feature->feature, m->info_kind) == NULL)
        continue;
      node = bd_json_parse (feature->feature, strlen (feature->feature), 0, NULL);
      props = node ? properties_of (node) : NULL;
      if (props == NULL ||
          g_strcmp0 (prop_string (props, "source"), "jma") != 0 ||
          g_strcmp0 (prop_string (props, "info_kind"), m->info_kind) != 0 ||
          g_strcmp0 (prop_string (props, "status"), m->alert_status) != 0)
        continue;
      active = json_object_get_member (props, "active");

      if (cancel)
        {
          if (g_strcmp0 (prop_string (props, "event_id"), m->event_id) != 0)
            continue;
          json_object_set_boolean_member (props, "cancelled", TRUE);
          json_object_set_string_member (props, "msg_type", "cancel");
        }
      else
        {
          area = prop_string (props, "jma_area");
          if (area == NULL || !g_ptr_array_find_with_equal_func (m->full_areas, area, g_str_equal, NULL) ||
              active == NULL || !json_node_get_boolean (active))
            continue;
        }
      json_object_set_boolean_member (props, "active", FALSE);
      json_object_set_string_member (props, "ended", m->report_date_time);
      json_object_set_string_member (props, "updated_at", now);
      json_object_remove_member (props, "rev");
      json_object_remove_member (props, "seq");
      if (!bd_central_store_import_add (store, ALERTS, node, error))
        return FALSE;
      (*n_ended)++;
    }
  return TRUE;
}

gboolean
bd_central_jma_ingest (BdCentralStore      *store,
                       const char          *data,
                       gsize                length,
                       const char          *source,
                       BdCentralJmaResult  *result,
                       GError             **error)
{
  g_autoptr(BdJmaMessage) m = NULL;
  g_autoptr(GHashTable) renewed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *type_hint = bd_jma_type_from_name (source);
  g_autofree char *sha256 = NULL;
  g_autofree char *key = NULL;
  g_autofree char *now = NULL;
  gboolean seen = FALSE;
  guint n_ended = 0;

  *result = (BdCentralJmaResult) { 0 };
  m = bd_jma_parse (data, length, type_hint, error);
  if (m == NULL)
    return FALSE;
  sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, length);
  key = bd_jma_message_key (m);
  now = bd_timestamp_now_utc ();

  if (!bd_central_store_import_begin (store, error))
    return FALSE;
  if (!bd_central_store_jma_seen (store, key, sha256, &seen, error))
    goto fail;
  if (seen)
    {
      bd_central_store_import_rollback (store);
      result->duplicate = TRUE;
      return TRUE;
    }

  for (guint i = 0; i < m->alerts->len; i++)
    {
      JsonNode *alert = g_ptr_array_index (m->alerts, i);
      JsonObject *object = json_node_get_object (alert);
      /* a copy: the store sets the member again while writing */
      char *id = g_strdup (json_object_get_string_member (object, "id"));
      g_autoptr(BdCentralFeature) current = NULL;
      g_autoptr(GError) local_error = NULL;

      g_hash_table_add (renewed, id);
      current = bd_central_store_get (store, ALERTS, id, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          goto fail;
        }
      if (holds_later (current, m->report_date_time))
        continue;
      json_object_set_string_member (properties_of (alert), "updated_at", now);
      if (!bd_central_store_import_add (store, ALERTS, alert, error))
        goto fail;
      result->n_written++;
    }

  if (!end_threads (store, m, renewed, now, &n_ended, error))
    goto fail;
  result->n_written += n_ended;

  if (bd_jma_message_is_cancel (m) && m->alerts->len == 0 && n_ended == 0)
    {
      g_set_error (error, BD_JMA_ERROR, BD_JMA_ERROR_NOT_IN_CITY,
                   _("The cancellation (%s, event %s) refers to no alert held for Osaka City."),
                   m->title, m->event_id);
      goto fail;
    }

  if (!bd_central_store_jma_record (store, key, sha256, m->type_code, source ? source : "",
                                    result->n_written, error))
    goto fail;
  if (!bd_central_store_import_commit (store, error))
    {
      result->n_written = 0;
      return FALSE;
    }
  return TRUE;

fail:
  bd_central_store_import_rollback (store);
  result->n_written = 0;
  return FALSE;
}

gboolean
bd_central_jma_read_file (const char  *path,
                          char       **data,
                          gsize       *length,
                          GError     **error)
{
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, error);
  gsize size;

  if (file == NULL)
    return FALSE;
  size = g_mapped_file_get_length (file);
  if (size > BD_JMA_MAX_BYTES)
    {
      g_set_error (error, BD_JMA_ERROR, BD_JMA_ERROR_TOO_LARGE,
                   _("The message is larger than %d MiB."), BD_JMA_MAX_BYTES >> 20);
      return FALSE;
    }
  *data = size > 0 ? g_memdup2 (g_mapped_file_get_contents (file), size) : g_strdup ("");
  *length = size;
  return TRUE;
}

/* ---------------------------------------------------------------- feed */

struct _BdCentralJmaFeed
{
  BdCentralStore *store;
  char           *url;
  guint           interval;
  SoupSession    *session;
  GCancellable   *cancellable;
  guint           timeout_id;
  char           *last_modified;   /* of the last whole feed read */
  GQueue          pending;         /* entry URLs (char *) to fetch this round */
  gboolean        retry_all;       /* an entry failed: ask for the whole feed next round */
  gatomicrefcount ref_count;
};

typedef BdCentralJmaFeed BdCentralJmaFeedRef;
static void feed_unref (BdCentralJmaFeed *feed);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdCentralJmaFeedRef, feed_unref)

static void poll_feed (BdCentralJmaFeed *feed);
static gboolean on_poll_timeout (gpointer user_data);

/* A request under way holds a reference: its callback may run after
 * bd_central_jma_feed_free () (cancelled), and then only lets it go. */
static BdCentralJmaFeed *
feed_ref (BdCentralJmaFeed *feed)
{
  g_atomic_ref_count_inc (&feed->ref_count);
  return feed;
}

static void
feed_unref (BdCentralJmaFeed *feed)
{
  if (feed == NULL)
    return;
  if (!g_atomic_ref_count_dec (&feed->ref_count))
    return;
  g_queue_clear_full (&feed->pending, g_free);
  g_clear_object (&feed->session);
  g_clear_object (&feed->cancellable);
  g_free (feed->last_modified);
  g_free (feed->url);
  g_free (feed);
}

static void
schedule_next (BdCentralJmaFeed *feed)
{
  g_queue_clear_full (&feed->pending, g_free);
  if (feed->timeout_id == 0 && !g_cancellable_is_cancelled (feed->cancellable))
    feed->timeout_id = g_timeout_add_seconds (feed->interval, on_poll_timeout, feed);
}

static gboolean
on_poll_timeout (gpointer user_data)
{
  BdCentralJmaFeed *feed = user_data;

  feed->timeout_id = 0;
  poll_feed (feed);
  return G_SOURCE_REMOVE;
}

static void
log_problem (const char *url,
             const char *reason)
{
  /* Translators: the first %s is a URL, the second why it failed */
  g_printerr (_("bosai-central: JMA feed: %s: %s\n"), url, reason);
}

/* An entry worth fetching: a type the city needs; the warnings only from
 * the Osaka office (270000, 大阪管区気象台), earthquake and tsunami
 * messages (issued nationally by 気象庁本庁) from any office: the parser
 * keeps only what names the city. */
static gboolean
entry_is_relevant (const BdJmaFeedEntry *entry)
{
  g_autofree char *type = bd_jma_type_from_name (entry->href);
  g_autofree char *office = bd_jma_office_from_name (entry->href);

  if (!bd_jma_type_is_wanted (type))
    return FALSE;
  if (g_str_has_prefix (type, "VXSE") || g_str_has_prefix (type, "VTSE"))
    return TRUE;
  return g_strcmp0 (office, "270000") == 0 ||
         (entry->author != NULL && strstr (entry->author, "大阪") != NULL);
}

static void fetch_next (BdCentralJmaFeed *feed);

static void
remember_entry (BdCentralJmaFeed *feed,
                const char       *url,
                const char       *outcome)
{
  g_autoptr(GError) error = NULL;

  if (!bd_central_store_jma_entry_add (feed->store, url, outcome, &error))
    {
      log_problem (url, error->message);
      feed->retry_all = TRUE;
    }
}

static void
on_entry_read (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  BdCentralJmaFeed *feed = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *url = NULL;
  g_autoptr(BdCentralJmaFeedRef) hold = feed;
  SoupMessage *msg = NULL;
  BdCentralJmaResult ingest = { 0 };
  guint status;

  body = _bd_sync_send_bounded_finish (result, &msg, &error);
  if (g_cancellable_is_cancelled (feed->cancellable))
    return;
  url = g_queue_pop_head (&feed->pending);
  status = soup_message_get_status (msg);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
    {
      log_problem (url, error->message);
      remember_entry (feed, url, "too large");
    }
  else if (body == NULL || _bd_sync_status_unreachable (status))
    {
      /* Tried again next round. */
      if (error != NULL)
        log_problem (url, error->message);
      else
        {
          g_autofree char *reason = g_strdup_printf ("HTTP %u", status);

          log_problem (url, reason);
        }
      feed->retry_all = TRUE;
    }
  else if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_autofree char *reason = g_strdup_printf ("HTTP %u", status);

      log_problem (url, reason);
      remember_entry (feed, url, reason);
    }
  else
    {
      gsize length;
      const char *data = g_bytes_get_data (body, &length);

      if (!bd_central_jma_ingest (feed->store, data ? data : "", length, url, &ingest, &error))
        {
          if (error->domain == BD_JMA_ERROR)
            {
              log_problem (url, error->message);
              remember_entry (feed, url, "refused");
            }
          else
            {
              /* the database: tried again next round */
              log_problem (url, error->message);
              feed->retry_all = TRUE;
            }
        }
      else
        remember_entry (feed, url, ingest.duplicate ? "duplicate" : "ingested");
    }
  fetch_next (feed);
}

static void
fetch_next (BdCentralJmaFeed *feed)
{
  g_autoptr(SoupMessage) msg = NULL;
  const char *url = g_queue_peek_head (&feed->pending);

  if (url == NULL)
    {
      schedule_next (feed);
      return;
    }
  msg = soup_message_new (SOUP_METHOD_GET, url);
  if (msg == NULL)
    {
      g_autofree char *bad = g_queue_pop_head (&feed->pending);

      log_problem (bad, _("not a valid URL"));
      remember_entry (feed, bad, "bad URL");
      fetch_next (feed);
      return;
    }
  _bd_sync_send_bounded_async (feed->session, msg, BD_JMA_MAX_BYTES, feed->cancellable,
                               on_entry_read, feed_ref (feed));
}

static void
on_feed_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  BdCentralJmaFeed *feed = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(BdCentralJmaFeedRef) hold = feed;
  SoupMessage *msg = NULL;
  const char *last_modified;
  gsize length;
  const char *data;
  guint status;

  body = _bd_sync_send_bounded_finish (result, &msg, &error);
  if (g_cancellable_is_cancelled (feed->cancellable))
    return;
  status = soup_message_get_status (msg);
  if (body == NULL)
    {
      log_problem (feed->url, error->message);
      schedule_next (feed);
      return;
    }
  if (status == SOUP_STATUS_NOT_MODIFIED)
    {
      schedule_next (feed);
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_autofree char *reason = g_strdup_printf ("HTTP %u", status);

      log_problem (feed->url, reason);
      schedule_next (feed);
      return;
    }

  data = g_bytes_get_data (body, &length);
  entries = bd_jma_parse_feed (data ? data : "", length, &error);
  if (entries == NULL)
    {
      log_problem (feed->url, error->message);
      schedule_next (feed);
      return;
    }

  feed->retry_all = FALSE;
  for (guint i = 0; i < entries->len; i++)
    {
      BdJmaFeedEntry *entry = g_ptr_array_index (entries, i);
      g_autoptr(GError) local_error = NULL;
      gboolean known = FALSE;

      if (!entry_is_relevant (entry) ||
          g_queue_find_custom (&feed->pending, entry->href, (GCompareFunc) g_strcmp0) != NULL)
        continue;
      if (!bd_central_store_jma_entry_known (feed->store, entry->href, &known, &local_error))
        {
          log_problem (entry->href, local_error->message);
          feed->retry_all = TRUE;
          continue;
        }
      if (known)
        continue;
      if (g_queue_get_length (&feed->pending) >= MAX_FETCHES_PER_ROUND)
        {
          feed->retry_all = TRUE;    /* the rest next round */
          break;
        }
      g_queue_push_tail (&feed->pending, g_strdup (entry->href));
    }

  last_modified = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                "Last-Modified");
  g_free (feed->last_modified);
  feed->last_modified = last_modified != NULL && strlen (last_modified) < 100
                        ? g_strdup (last_modified) : NULL;
  fetch_next (feed);
}

static void
poll_feed (BdCentralJmaFeed *feed)
{
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, feed->url);

  feed->timeout_id = 0;
  if (msg == NULL)
    {
      log_problem (feed->url, _("not a valid URL"));
      return;
    }
  if (feed->last_modified != NULL && !feed->retry_all)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "If-Modified-Since",
                                  feed->last_modified);
  _bd_sync_send_bounded_async (feed->session, msg, BD_JMA_MAX_FEED_BYTES, feed->cancellable,
                               on_feed_read, feed_ref (feed));
}

BdCentralJmaFeed *
bd_central_jma_feed_new (BdCentralStore *store,
                         const char     *url,
                         guint           interval)
{
  BdCentralJmaFeed *feed = g_new0 (BdCentralJmaFeed, 1);

  feed->store = store;
  feed->url = g_strdup (url);
  feed->interval = MAX (interval, 1);
  feed->cancellable = g_cancellable_new ();
  feed->session = soup_session_new_with_options ("timeout", HTTP_TIMEOUT_SECONDS,
                                                 "idle-timeout", HTTP_TIMEOUT_SECONDS,
                                                 "max-conns", 2,
                                                 "user-agent", "bosai-central/" PACKAGE_VERSION " ",
                                                 NULL);
  g_queue_init (&feed->pending);
  g_atomic_ref_count_init (&feed->ref_count);
  feed->timeout_id = g_idle_add (on_poll_timeout, feed);
  return feed;
}

void
bd_central_jma_feed_free (BdCentralJmaFeed *feed)
{
  if (feed == NULL)
    return;
  g_cancellable_cancel (feed->cancellable);
  g_clear_handle_id (&feed->timeout_id, g_source_remove);
  feed->store = NULL;
  feed_unref (feed);
}
