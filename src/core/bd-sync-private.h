/* bd-sync-private.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What the files of BdSync share and callers must not see.
 *
 *   bd-sync.c       the object, its properties, a run's start and its one
 *                   end (_bd_sync_run_end), the background loop
 *   bd-sync-push.c  the outbox going out: photos, PUT/DELETE, 412 merges
 *   bd-sync-pull.c  the change feed: the pull thread, page parsing, the
 *                   queue of parsed pages, the writer; then other clients'
 *                   photos
 *   bd-sync-http.c  requests, and answers read with a bound
 *
 * A run is one GTask whose task data is a BdSyncRun. It goes push → pull →
 * downloads and ends exactly once, through _bd_sync_run_end(). */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "bd-sync.h"
#include "bd-store-sync.h"

G_BEGIN_DECLS

struct _BdSync
{
  GObject      parent_instance;

  BdStore     *store;
  SoupSession *session;        /* the main thread's; the pull has its own */
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

/* Answers are read with a bound: a feature or an error is small, a page
 * of the feed at most PAGE_SIZE features; a server that sends more is
 * treated as a fault, not read into memory. */
#define BD_SYNC_MAX_ANSWER_BYTES (4 << 20)
#define BD_SYNC_MAX_PAGE_BYTES   (96 << 20)

/* The pull's state. The main thread fills in the first part before the
 * thread starts and changes none of it afterwards; the thread reads it.
 * The second part is shared, under @lock. Nothing else of the run is the
 * thread's to touch. */
typedef struct
{
  /* read-only once the thread runs */
  char         *url;           /* the server's address, ending in '/' */
  char         *token;
  GTlsDatabase *tls;
  guint         timeout;
  gint64        cursor;        /* where the pull starts: the stored cursor */
  GMainContext *context;       /* the run's: where pulled pages are written */
  GCancellable *cancel;        /* the page requests (thread-safe) */
  gint64        feature_cursors[3]; /* the overlay collections' (shelters, areas, alerts) */

  /* shared, under lock */
  GMutex        lock;
  GCond         cond;
  GQueue       *queue;         /* parsed pages, not written yet */
  gboolean      stop;          /* the run is over: the thread stops */
  gboolean      wake_pending;  /* a write of the queue is scheduled */
} BdSyncPull;

/* One run. Everything but @pull belongs to the main thread (the run's
 * context). */
typedef struct
{
  /* the push */
  GPtrArray    *outbox;        /* BdOutboxEntry*: those not held by a conflict */
  guint         index;
  guint         refused;
  char         *refused_message;
  GHashTable   *skip;          /* report ids not pushed again this run */
  GHashTable   *merges;        /* report id → merges this run */
  GPtrArray    *uploads;       /* sha256s of the entry's photos to upload */
  guint         upload_index;

  /* the photos of other clients, after the pull */
  char        **downloads;
  guint         download_index;

  /* the run itself */
  GCancellable *cancellable;   /* the caller's, which cancels the pull too */
  gulong        cancel_handler;
  gboolean      ended;         /* _bd_sync_run_end() was called */
  BdSyncState   state_before;

  BdSyncPull    pull;
} BdSyncRun;

/* bd-sync.c */
void         _bd_sync_notify_counts      (BdSync               *self);
/* Ends the run, whatever happened, once: @error (taken) is NULL on
 * success, G_IO_ERROR_CANCELLED when stopped (no verdict on the server),
 * else why it failed. Entries refused along the way make a successful run
 * end with BD_SYNC_ERROR_REFUSED. The outbox keeps whatever was not
 * acknowledged. Drops the caller's reference to @task. */
void         _bd_sync_run_end            (GTask                *task,
                                          GError               *error);
/* _bd_sync_run_end() with a BD_SYNC_ERROR. */
void         _bd_sync_run_fail           (GTask                *task,
                                          BdSyncError           code,
                                          const char           *message);

/* bd-sync-push.c: pushes from data->index on, then starts the pull. */
void         _bd_sync_push_next          (GTask                *task);

/* bd-sync-pull.c */
void         _bd_sync_pull_init          (BdSyncPull           *pull);
void         _bd_sync_pull_clear         (BdSyncPull           *pull);
/* Starts the pull thread; the run goes on (writes, then downloads, then
 * its end) on the run's context. */
void         _bd_sync_pull_start         (GTask                *task);
/* The run is over: the thread stops at its next step (any thread). */
void         _bd_sync_pull_stop          (BdSyncPull           *pull);

/* bd-sync-http.c */
char        *_bd_sync_server_url         (BdSync               *self,
                                          const char           *path);
char        *_bd_sync_item_url           (BdSync               *self,
                                          const char           *id);
/* A request carrying the bearer token (on any thread); NULL for a bad URL. */
SoupMessage *_bd_sync_request_new        (const char           *method,
                                          const char           *url,
                                          const char           *token);
SoupMessage *_bd_sync_message_new        (BdSync               *self,
                                          const char           *method,
                                          const char           *url);
/* 5xx, 408, 429 or no status: the server cannot take it now (offline). */
gboolean     _bd_sync_status_unreachable (guint                 status);
/* Sends @msg and reads the answer, at most @max bytes (blocking: for the
 * pull thread). */
GBytes      *_bd_sync_send_bounded       (SoupSession          *session,
                                          SoupMessage          *msg,
                                          gsize                 max,
                                          GCancellable         *cancellable,
                                          GError              **error);
/* soup_session_send_and_read_async(), with a bound on the answer. */
void         _bd_sync_send_bounded_async (SoupSession          *session,
                                          SoupMessage          *msg,
                                          gsize                 max,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
/* Every JSON answer the engine reads goes through bd_json_parse() (bounded
 * size and nesting, strict RFC 8259). A feature answer (a push's 2xx or
 * 412), or NULL with a BD_SYNC_ERROR_UNREACHABLE error saying why. */
BdReport    *_bd_sync_parse_feature      (const char           *text,
                                          gsize                 length,
                                          GError              **error);
/* A malformed answer: BD_SYNC_ERROR_UNREACHABLE (the server is at fault;
 * what was sent stays in the outbox), naming @reason if not NULL. */
void         _bd_sync_set_malformed      (GError              **error,
                                          const GError         *reason);
/* @msg is the message sent (not a new reference). */
GBytes      *_bd_sync_send_bounded_finish (GAsyncResult        *result,
                                           SoupMessage        **msg,
                                           GError             **error);

G_END_DECLS
