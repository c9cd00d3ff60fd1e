/* bd-sync-pull.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The pull. A thread of its own fetches the change feed page after page,
 * on a libsoup session of its own, and parses each page into reports and
 * their GeoJSON; it never touches the store, nor any of the run but its
 * BdSyncPull. Parsed pages wait in a bounded queue, and the main thread
 * writes what is queued, up to BATCH_SIZE reports in one transaction with
 * the cursor, from an idle callback. So the server makes a page, the
 * thread parses the one before and the main thread writes those before
 * that, all at once; and the main thread never waits on the network.
 *
 * After the reports, the thread pulls the overlay collections (shelters,
 * areas, alerts) the same way, each from its own cursor; each of their
 * pages is written in one transaction with its cursor.
 *
 * After the last page, the main thread fetches a few photos other clients
 * took, and the run ends. */

#define G_LOG_DOMAIN "bd-sync"

#include "config.h"

#include "bd-sync-private.h"

#include <glib/gi18n-lib.h>

#include "bd-feature-validate.h"
#include "bd-json.h"
#include "bd-store-features.h"

#define PAGE_SIZE        1000   /* features a page: the server's largest */
#define BATCH_SIZE       5000   /* reports written in one transaction, at most */
#define MAX_QUEUED_PAGES 8      /* parsed pages waiting to be written, at most */

typedef struct
{
  const char *collection; /* NULL: reports; else an overlay collection (static) */
  GPtrArray *overlay;    /* BdFeature*: an overlay page's features */
  gboolean   done;       /* the last page of its collection */
  GPtrArray *reports;    /* BdReport* */
  GPtrArray *features;   /* char*: their GeoJSON */
  GPtrArray *rejected;   /* BdRejected*: features we cannot read */
  gint64     next;       /* the cursor after this page */
  gboolean   last;
  GError    *error;      /* instead of a page: why the pull stopped */
} Page;

static void
page_free (Page *page)
{
  g_clear_pointer (&page->reports, g_ptr_array_unref);
  g_clear_pointer (&page->overlay, g_ptr_array_unref);
  g_clear_pointer (&page->features, g_ptr_array_unref);
  g_clear_pointer (&page->rejected, g_ptr_array_unref);
  g_clear_error (&page->error);
  g_free (page);
}

/* A feature the client cannot take: kept aside as it came, and the rest
 * goes on. */
static BdRejected *
rejected_new (JsonNode   *node,
              const char *reason)
{
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
  rejected->reason = g_strdup (reason != NULL ? reason : "");
  rejected->feature = json_to_string (node, FALSE);
  return rejected;
}

static Page *
parse_page (GBytes     *body,
            const char *collection,
            gint64      cursor,
            GError    **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) reason = NULL;
  Page *page;
  JsonObject *root;
  JsonArray *features;
  guint n, i;

  /* bounded and strict: a hostile page cannot overflow this thread's stack */
  node = bd_json_parse (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                        BD_SYNC_MAX_PAGE_BYTES, &reason);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) ||
      !json_object_has_member ((root = json_node_get_object (node)), "features") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "features")))
    {
      _bd_sync_set_malformed (error, reason);
      return NULL;
    }

  features = json_object_get_array_member (root, "features");
  n = json_array_get_length (features);
  page = g_new0 (Page, 1);
  page->next = json_object_get_int_member_with_default (root, "next_since_seq", cursor);
  page->reports = g_ptr_array_new_full (n, g_object_unref);
  page->features = g_ptr_array_new_full (n, g_free);

  page->rejected = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_rejected_free);
  page->collection = collection;

  for (i = 0; collection != NULL && i < n; i++)
    {
      JsonNode *node = json_array_get_element (features, i);
      g_autoptr(GError) bad = NULL;
      BdFeature *feature = bd_feature_new_from_json (collection, node, &bad);

      if (feature == NULL)
        {
          BdRejected *rejected = rejected_new (node, bad != NULL ? bad->message : NULL);

          if (rejected->seq > page->next)
            page->next = rejected->seq;
          g_ptr_array_add (page->rejected, rejected);
          continue;
        }
      if (feature->seq > page->next)
        page->next = feature->seq;
      if (page->overlay == NULL)
        page->overlay = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_feature_free);
      g_ptr_array_add (page->overlay, feature);
    }

  for (i = 0; collection == NULL && i < n; i++)
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

  page->done = n < PAGE_SIZE || page->next <= cursor;
  page->last = page->done && (collection == NULL ? FALSE : g_strcmp0 (collection, "alerts") == 0);
  return page;
}

/* On the pull thread: one page, or the error that ends the pull. */
static Page *
fetch_page (BdSyncPull  *pull,
            SoupSession *session,
            const char  *collection,
            gint64       cursor)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  Page *page;
  guint status;

  url = g_strdup_printf ("%scollections/%s/items?since_seq=%" G_GINT64_FORMAT "&limit=%d",
                         pull->url, collection != NULL ? collection : "reports", cursor,
                         PAGE_SIZE);
  msg = _bd_sync_request_new ("GET", url, pull->token);
  if (msg == NULL)
    g_set_error (&error, BD_SYNC_ERROR, BD_SYNC_ERROR_UNREACHABLE, "%s",
                 _("the server address is not a valid URL"));
  else
    {
      body = _bd_sync_send_bounded (session, msg, BD_SYNC_MAX_PAGE_BYTES, pull->cancel, &error);
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
      else if (body != NULL && status == 404 && collection != NULL)
        {
          /* a server without this overlay collection: nothing to pull */
          page = g_new0 (Page, 1);
          page->collection = collection;
          page->next = cursor;
          page->done = TRUE;
          page->last = g_strcmp0 (collection, "alerts") == 0;
          return page;
        }
      else if (body != NULL && status != 200)
        g_set_error (&error, BD_SYNC_ERROR, BD_SYNC_ERROR_UNREACHABLE,
                     _("the server failed (%u)"), status);
    }

  if (error == NULL && (page = parse_page (body, collection, cursor, &error)) != NULL)
    return page;

  page = g_new0 (Page, 1);
  page->collection = collection;
  page->error = g_steal_pointer (&error);
  return page;
}

static gboolean write_queued (gpointer user_data);

/* Schedules write_queued() on the run's context (from any thread), under
 * the pull's lock. */
static void
wake_writer (GTask *task)
{
  BdSyncRun *run = g_task_get_task_data (task);
  BdSyncPull *pull = &run->pull;
  g_autoptr(GSource) source = NULL;

  if (pull->wake_pending)
    return;
  pull->wake_pending = TRUE;
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT_IDLE);
  g_source_set_callback (source, write_queued, g_object_ref (task), g_object_unref);
  g_source_set_static_name (source, "[bd-sync] write pulled pages");
  g_source_attach (source, pull->context);
}

static gboolean
unref_in_main (gpointer user_data)
{
  g_object_unref (user_data);
  return G_SOURCE_REMOVE;
}

/* The thread holds a reference to the run's task, only to keep its
 * BdSyncPull alive and to hand the task to write_queued(). */
static gpointer
pull_thread (gpointer user_data)
{
  GTask *task = user_data;
  BdSyncRun *run = g_task_get_task_data (task);
  BdSyncPull *pull = &run->pull;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(SoupSession) session = NULL;
  const char * const *overlays = bd_feature_get_overlay_collections ();
  const char *collection = NULL;   /* the reports first */
  guint next_overlay = 0;
  gint64 cursor = pull->cursor;

  /* a session bound to this thread's own context */
  g_main_context_push_thread_default (context);
  session = soup_session_new_with_options ("timeout", pull->timeout,
                                           "tls-database", pull->tls,
                                           NULL);
  for (;;)
    {
      Page *page = fetch_page (pull, session, collection, cursor);
      gboolean end = page->error != NULL || page->last;

      cursor = page->next;
      if (!end && page->done)
        {
          /* the next collection, from its own cursor */
          collection = overlays[next_overlay];
          cursor = pull->feature_cursors[next_overlay];
          next_overlay++;
        }
      g_mutex_lock (&pull->lock);
      while (pull->queue->length >= MAX_QUEUED_PAGES && !pull->stop)
        g_cond_wait (&pull->cond, &pull->lock);
      if (pull->stop)
        {
          g_mutex_unlock (&pull->lock);
          page_free (page);
          break;
        }
      g_queue_push_tail (pull->queue, page);
      wake_writer (task);
      g_mutex_unlock (&pull->lock);
      if (end)
        break;
    }

  g_clear_object (&session);
  g_main_context_pop_thread_default (context);
  /* the run (and the BdSync in it) must end on its own thread */
  g_main_context_invoke_full (pull->context, G_PRIORITY_DEFAULT, unref_in_main, task, NULL);
  return NULL;
}

void
_bd_sync_pull_init (BdSyncPull *pull)
{
  g_mutex_init (&pull->lock);
  g_cond_init (&pull->cond);
  pull->queue = g_queue_new ();
  pull->cancel = g_cancellable_new ();
}

void
_bd_sync_pull_clear (BdSyncPull *pull)
{
  if (pull->queue != NULL)
    g_queue_free_full (pull->queue, (GDestroyNotify) page_free);
  pull->queue = NULL;
  g_mutex_clear (&pull->lock);
  g_cond_clear (&pull->cond);
  g_clear_pointer (&pull->url, g_free);
  g_clear_pointer (&pull->token, g_free);
  g_clear_object (&pull->tls);
  g_clear_pointer (&pull->context, g_main_context_unref);
  g_clear_object (&pull->cancel);
}

void
_bd_sync_pull_stop (BdSyncPull *pull)
{
  g_mutex_lock (&pull->lock);
  pull->stop = TRUE;
  g_cond_broadcast (&pull->cond);
  g_mutex_unlock (&pull->lock);
  g_cancellable_cancel (pull->cancel);
}

void
_bd_sync_pull_start (GTask *task)
{
  BdSync *self = g_task_get_source_object (task);
  BdSyncRun *run = g_task_get_task_data (task);
  BdSyncPull *pull = &run->pull;
  GTlsDatabase *tls = soup_session_get_tls_database (self->session);

  /* pull->cursor was set when the run started; the overlays' are read here */
  for (guint i = 0; i < G_N_ELEMENTS (pull->feature_cursors); i++)
    {
      const char *collection = bd_feature_get_overlay_collections ()[i];
      g_autofree char *key = bd_store_feature_cursor_key (collection);
      g_autofree char *value = NULL;
      g_autoptr(GError) error = NULL;

      if (!bd_store_read_sync_state (self->store, key, &value, &error))
        {
          _bd_sync_run_end (task, g_steal_pointer (&error));
          return;
        }
      pull->feature_cursors[i] = value != NULL ? g_ascii_strtoll (value, NULL, 10) : 0;
    }
  pull->url = _bd_sync_server_url (self, "");
  pull->token = g_strdup (self->token);
  pull->tls = tls != NULL ? g_object_ref (tls) : NULL;
  pull->timeout = soup_session_get_timeout (self->session);
  pull->context = g_main_context_ref (g_task_get_context (task));
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
  BdSyncRun *run = g_task_get_task_data (task);
  const char *sha256 = run->downloads[run->download_index];
  SoupMessage *msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  gboolean forget = TRUE;   /* the server does not have it, or it is not a photo */
  guint status;

  body = _bd_sync_send_bounded_finish (result, &msg, &error);
  if (body == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      _bd_sync_run_end (task, g_steal_pointer (&error));
      return;
    }
  status = soup_message_get_status (msg);
  if (body == NULL || status == 401 || _bd_sync_status_unreachable (status))
    {
      /* the reports are in; the photos wait for the next run */
      g_debug ("photo %s: %s (%u)", sha256, error != NULL ? error->message : "", status);
      _bd_sync_run_end (task, NULL);
      return;
    }

  if (status == 200)
    {
      SoupMessageHeaders *headers = soup_message_get_response_headers (msg);
      const char *type = soup_message_headers_get_content_type (headers, NULL);

      if (bd_store_add_downloaded_attachment (self->store, sha256, body, type, &error))
        forget = FALSE;
      else if (!g_error_matches (error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID))
        {
          /* the store failed, not the photo: it stays wanted */
          _bd_sync_run_end (task, g_steal_pointer (&error));
          return;
        }
      else
        g_debug ("photo %s refused: %s", sha256, error->message);
      g_clear_error (&error);
    }
  if (forget && !bd_store_forget_wanted_attachment (self->store, sha256, &error))
    {
      _bd_sync_run_end (task, g_steal_pointer (&error));
      return;
    }

  run->download_index++;
  download_next (task);
}

static void
download_next (GTask *task)
{
  BdSync *self = g_task_get_source_object (task);
  BdSyncRun *run = g_task_get_task_data (task);
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;

  if (run->downloads == NULL)
    {
      g_autoptr(GError) error = NULL;

      run->downloads = bd_store_list_wanted_attachments (self->store, DOWNLOADS_PER_RUN, &error);
      if (error != NULL)
        {
          _bd_sync_run_end (task, g_steal_pointer (&error));
          return;
        }
      if (run->downloads == NULL)
        run->downloads = g_new0 (char *, 1);
      run->download_index = 0;
    }
  if (run->downloads[run->download_index] == NULL)
    {
      _bd_sync_run_end (task, NULL);
      return;
    }

  path = g_strconcat ("attachments/", run->downloads[run->download_index], NULL);
  url = _bd_sync_server_url (self, path);
  msg = _bd_sync_message_new (self, "GET", url);
  if (msg == NULL)
    {
      _bd_sync_run_end (task, NULL);
      return;
    }
  _bd_sync_send_bounded_async (self->session, msg, BD_STORE_MAX_ATTACHMENT_BYTES,
                               g_task_get_cancellable (task), on_download, task);
}

static gboolean
write_queued (gpointer user_data)
{
  GTask *task = user_data;
  BdSync *self = g_task_get_source_object (task);
  BdSyncRun *run = g_task_get_task_data (task);
  BdSyncPull *pull = &run->pull;
  g_autoptr(GPtrArray) reports = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) features = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) rejected = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_rejected_free);
  g_autoptr(GPtrArray) overlay_pages = g_ptr_array_new_with_free_func ((GDestroyNotify) page_free);
  g_autoptr(GError) error = NULL;
  gboolean last = FALSE;
  gint64 cursor = -1;
  Page *page;

  g_mutex_lock (&pull->lock);
  pull->wake_pending = FALSE;
  while (reports->len < BATCH_SIZE && error == NULL && !last &&
         (page = g_queue_pop_head (pull->queue)) != NULL)
    {
      if (page->error != NULL && page->collection != NULL &&
          g_error_matches (page->error, BD_SYNC_ERROR, BD_SYNC_ERROR_UNREACHABLE))
        {
          /* the reports are in; the overlays go on from their cursors
           * next run, as the photos do */
          g_debug ("pulling %s: %s", page->collection, page->error->message);
          last = TRUE;
        }
      else if (page->error != NULL)
        error = g_steal_pointer (&page->error);
      else if (page->collection != NULL)
        {
          /* written after the reports, one page a transaction */
          last = page->last;
          g_ptr_array_add (overlay_pages, page);
          continue;
        }
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
  g_cond_signal (&pull->cond);
  if (pull->queue->length > 0)
    wake_writer (task);
  g_mutex_unlock (&pull->lock);

  if (run->ended)
    return G_SOURCE_REMOVE;

  /* pages before an error were fetched whole: keep them */
  if (cursor >= 0)
    {
      g_autoptr(GError) write_error = NULL;

      if (!bd_store_apply_pulled (self->store, reports, features, rejected, "cursor", cursor, NULL,
                                  &write_error))
        {
          _bd_sync_run_fail (task, BD_SYNC_ERROR_REFUSED, write_error->message);
          return G_SOURCE_REMOVE;
        }
    }

  for (guint i = 0; i < overlay_pages->len; i++)
    {
      Page *overlay = g_ptr_array_index (overlay_pages, i);
      g_autofree char *key = bd_store_feature_cursor_key (overlay->collection);
      g_autoptr(GError) write_error = NULL;

      if (!bd_store_apply_pulled_features (self->store, overlay->collection, overlay->overlay,
                                           overlay->rejected, key, overlay->next, &write_error))
        {
          _bd_sync_run_fail (task, BD_SYNC_ERROR_REFUSED, write_error->message);
          return G_SOURCE_REMOVE;
        }
    }

  if (error != NULL)
    _bd_sync_run_end (task, g_steal_pointer (&error));
  else if (last)
    download_next (task);
  return G_SOURCE_REMOVE;
}

