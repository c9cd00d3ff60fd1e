/* test-sync.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The client's sync engine against a real bosai-central on a loopback
 * port with its own temporary database. */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <gio/gunixinputstream.h>
#include <glib/gstdio.h>

#include "bd-store.h"
#include "bd-sync.h"

#define KITA "271276"

typedef struct
{
  char   *dir;
  char   *db;
  char   *token;
  char   *base;
  GPid    pid;
} Server;

static const char *
central_exe (void)
{
  const char *exe = g_getenv ("BOSAI_CENTRAL");

  g_assert_nonnull (exe);
  return exe;
}

static void
child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static Server *
server_new (void)
{
  Server *server = g_new0 (Server, 1);
  const char *argv[] = { central_exe (), "token", "add", "--database", NULL,
                         "--role", "hq", "--name", "sync test", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) words = NULL;
  int status = -1;
  guint n;

  server->dir = g_dir_make_tmp ("bd-sync-XXXXXX", &error);
  g_assert_no_error (error);
  server->db = g_build_filename (server->dir, "central.sqlite", NULL);
  argv[4] = server->db;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  words = g_strsplit_set (g_strstrip (out), " \n\t", -1);
  n = g_strv_length (words);
  g_assert_cmpuint (n, >, 0);
  server->token = g_strdup (words[n - 1]);
  return server;
}

static void
server_start (Server *server)
{
  const char *argv[] = { central_exe (), "serve", "--database", server->db, "--port", "0", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GDataInputStream) data = NULL;
  g_autofree char *line = NULL;
  const char *prefix = "listening on ";
  int out_fd;

  g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, child_setup,
                            NULL, &server->pid, NULL, &out_fd, NULL, &error);
  g_assert_no_error (error);
  stream = g_unix_input_stream_new (out_fd, TRUE);
  data = g_data_input_stream_new (stream);
  line = g_data_input_stream_read_line (data, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, prefix));
  g_free (server->base);
  server->base = g_strdup (line + strlen (prefix));
}

static void
server_stop (Server *server)
{
  int status;

  if (server->pid == 0)
    return;
  kill (server->pid, SIGKILL);
  waitpid (server->pid, &status, 0);
  g_spawn_close_pid (server->pid);
  server->pid = 0;
}

static void
server_free (Server *server)
{
  g_autofree char *wal = g_strconcat (server->db, "-wal", NULL);
  g_autofree char *shm = g_strconcat (server->db, "-shm", NULL);

  server_stop (server);
  g_unlink (server->db);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (server->dir);
  g_free (server->dir);
  g_free (server->db);
  g_free (server->token);
  g_free (server->base);
  g_free (server);
}

typedef struct
{
  char    *dir;
  char    *path;
  BdStore *store;
  BdSync  *sync;
} Client;

static Client *
client_new (const char *name)
{
  Client *client = g_new0 (Client, 1);
  g_autoptr(GError) error = NULL;

  client->dir = g_dir_make_tmp ("bd-sync-client-XXXXXX", &error);
  g_assert_no_error (error);
  client->path = g_build_filename (client->dir, name, NULL);
  client->store = bd_store_open (client->path, &error);
  g_assert_no_error (error);
  client->sync = bd_sync_new (client->store);
  return client;
}

static void
client_free (Client *client)
{
  g_autofree char *wal = g_strconcat (client->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (client->path, "-shm", NULL);

  g_clear_object (&client->sync);
  g_clear_object (&client->store);
  g_unlink (client->path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (client->dir);
  g_free (client->dir);
  g_free (client->path);
  g_free (client);
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} Wait;

static void
on_synced (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Wait *wait = user_data;

  wait->ok = bd_sync_run_once_finish (BD_SYNC (source), result, &wait->error);
  wait->done = TRUE;
}

/* Runs one sync to its end; returns its error (NULL: success). */
static GError *
client_sync (Client *client)
{
  Wait wait = { FALSE, FALSE, NULL };

  bd_sync_run_once_async (client->sync, NULL, on_synced, &wait);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (wait.ok == (wait.error == NULL));
  return wait.error;
}

static BdReport *
make_report (const char *title,
             double      lat,
             double      lon)
{
  BdReport *report = bd_report_new ();

  bd_report_set_location (report, lat, lon);
  bd_report_set_ward (report, KITA);
  bd_report_set_category (report, "road");
  bd_report_set_title (report, title);
  bd_report_set_description (report, "現地確認中。");
  bd_report_set_reporter (report, "北区役所 防災担当");
  return report;
}

static GPtrArray *
all_reports (BdStore *store)
{
  BdQuery query = { 0 };
  g_autoptr(GError) error = NULL;
  GPtrArray *reports = bd_store_query (store, &query, &error);

  g_assert_no_error (error);
  return reports;
}

static void
assert_same_reports (BdStore *a,
                     BdStore *b)
{
  g_autoptr(GPtrArray) ra = all_reports (a);
  guint i;

  g_assert_cmpint (bd_store_count (a), ==, bd_store_count (b));
  for (i = 0; i < ra->len; i++)
    {
      BdReport *report = g_ptr_array_index (ra, i);
      g_autoptr(BdReport) other = NULL;
      g_autoptr(GError) error = NULL;

      other = bd_store_get_report (b, bd_report_get_id (report), &error);
      g_assert_no_error (error);
      g_assert_true (bd_report_equal (report, other));
      g_assert_cmpint (bd_report_get_rev (report), ==, bd_report_get_rev (other));
    }
}

/* No server: the client goes offline and keeps every local change. */
static void
test_offline (void)
{
  Client *client = client_new ("a.sqlite");
  g_autoptr(BdReport) report = make_report ("冠水", 34.70, 135.50);
  g_autoptr(GError) error = NULL;

  bd_store_save_report (client->store, report, "test", &error);
  g_assert_no_error (error);
  /* port 9 (discard) on loopback: nothing listens there */
  bd_sync_set_server_url (client->sync, "http://127.0.0.1:9");
  error = client_sync (client);
  g_assert_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_UNREACHABLE);
  g_assert_true (g_str_has_prefix (error->message, "cannot reach the server"));
  g_assert_cmpint (bd_sync_get_state (client->sync), ==, BD_SYNC_STATE_OFFLINE);
  g_assert_cmpint (bd_store_count_outbox (client->store), ==, 1);
  g_assert_cmpint (bd_sync_get_pending (client->sync), ==, 1);
  client_free (client);
}

/* Two clients edit offline; once the server is up, everyone converges. */
static void
test_two_clients (void)
{
  Server *server = server_new ();
  Client *a = client_new ("a.sqlite");
  Client *b = client_new ("b.sqlite");
  g_autoptr(GError) error = NULL;
  g_autoptr(BdReport) shared = NULL;
  g_autofree char *id = NULL;
  int i;

  for (i = 0; i < 20; i++)
    {
      g_autofree char *title = g_strdup_printf ("A の報告 %d", i);
      g_autoptr(BdReport) report = make_report (title, 34.70 + i * 0.001, 135.50);

      g_assert_true (bd_store_save_report (a->store, report, "a", &error));
      if (i == 0)
        id = g_strdup (bd_report_get_id (report));
    }
  for (i = 0; i < 15; i++)
    {
      g_autofree char *title = g_strdup_printf ("B の報告 %d", i);
      g_autoptr(BdReport) report = make_report (title, 34.65, 135.45 + i * 0.001);

      g_assert_true (bd_store_save_report (b->store, report, "b", &error));
    }
  /* an update and a delete of A's own reports, still offline */
  shared = bd_store_get_report (a->store, id, &error);
  g_assert_no_error (error);
  bd_report_set_title (shared, "A の報告 0（更新）");
  g_assert_true (bd_store_save_report (a->store, shared, "a", &error));
  g_assert_no_error (error);

  bd_sync_set_server_url (a->sync, "http://127.0.0.1:9");
  bd_sync_set_server_url (b->sync, "http://127.0.0.1:9");
  error = client_sync (a);
  g_assert_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_UNREACHABLE);
  g_clear_error (&error);
  g_assert_cmpint (bd_store_count_outbox (a->store), ==, 21);

  server_start (server);
  bd_sync_set_server_url (a->sync, server->base);
  bd_sync_set_server_url (b->sync, server->base);
  bd_sync_set_token (a->sync, server->token);
  bd_sync_set_token (b->sync, server->token);

  for (i = 0; i < 2; i++)
    {
      error = client_sync (a);
      g_assert_no_error (error);
      error = client_sync (b);
      g_assert_no_error (error);
    }
  g_assert_cmpint (bd_store_count_outbox (a->store), ==, 0);
  g_assert_cmpint (bd_store_count_outbox (b->store), ==, 0);
  g_assert_cmpint (bd_store_count (a->store), ==, 35);
  g_assert_cmpint (bd_sync_get_state (a->sync), ==, BD_SYNC_STATE_ONLINE);
  assert_same_reports (a->store, b->store);
  assert_same_reports (b->store, a->store);

  /* the update went through exactly once */
  g_clear_object (&shared);
  shared = bd_store_get_report (b->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bd_report_get_title (shared), ==, "A の報告 0（更新）");

  client_free (a);
  client_free (b);
  server_free (server);
}

/* A wrong token: 401, the outbox is kept. */
static void
test_bad_token (void)
{
  Server *server = server_new ();
  Client *client = client_new ("a.sqlite");
  g_autoptr(BdReport) report = make_report ("倒木", 34.70, 135.50);
  g_autoptr(GError) error = NULL;

  server_start (server);
  g_assert_true (bd_store_save_report (client->store, report, "test", &error));
  bd_sync_set_server_url (client->sync, server->base);
  bd_sync_set_token (client->sync, "not-a-token");
  error = client_sync (client);
  g_assert_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_UNAUTHORIZED);
  g_assert_cmpint (bd_store_count_outbox (client->store), ==, 1);
  client_free (client);
  server_free (server);
}

/* A lost response retried: the server already holds the very same copy,
 * so its 412 counts as success and nothing is doubled. */
static void
test_lost_response (void)
{
  Server *server = server_new ();
  Client *a = client_new ("a.sqlite");
  Client *b = client_new ("b.sqlite");
  g_autoptr(BdReport) report = make_report ("停電", 34.70, 135.50);
  g_autoptr(BdReport) twin = bd_report_copy (report);
  g_autoptr(GError) error = NULL;

  server_start (server);
  bd_store_save_report (a->store, report, "a", &error);
  g_assert_no_error (error);
  bd_store_save_report (b->store, twin, "b", &error);
  g_assert_no_error (error);
  bd_sync_set_server_url (a->sync, server->base);
  bd_sync_set_server_url (b->sync, server->base);
  bd_sync_set_token (a->sync, server->token);
  bd_sync_set_token (b->sync, server->token);

  error = client_sync (a);
  g_assert_no_error (error);
  error = client_sync (b);
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count_outbox (b->store), ==, 0);
  g_assert_cmpint (bd_store_count (b->store), ==, 1);
  assert_same_reports (a->store, b->store);

  client_free (a);
  client_free (b);
  server_free (server);
}

static void
on_state (GObject    *object,
          GParamSpec *pspec,
          gpointer    user_data)
{
  guint *attempts = user_data;

  if (bd_sync_get_state (BD_SYNC (object)) == BD_SYNC_STATE_SYNCING)
    (*attempts)++;
}

static gboolean
on_deadline (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

static void
iterate_for (guint ms)
{
  gboolean expired = FALSE;

  g_timeout_add (ms, on_deadline, &expired);
  while (!expired)
    g_main_context_iteration (NULL, TRUE);
}

/* The background loop: backs off while the server is unreachable (1 s,
 * 2 s …), then catches up once it is there. */
static void
test_loop (void)
{
  Server *server = server_new ();
  Client *client = client_new ("a.sqlite");
  g_autoptr(BdReport) report = make_report ("土砂崩れ", 34.70, 135.50);
  g_autoptr(GError) error = NULL;
  guint attempts = 0;
  int i;

  bd_store_save_report (client->store, report, "test", &error);
  g_assert_no_error (error);
  g_signal_connect (client->sync, "notify::state", G_CALLBACK (on_state), &attempts);
  bd_sync_set_server_url (client->sync, "http://127.0.0.1:9");
  bd_sync_start (client->sync, 1);
  iterate_for (3300);
  /* at 0 s, about 1 s, about 3 s: never a busy loop, never silent */
  g_assert_cmpuint (attempts, >=, 2);
  g_assert_cmpuint (attempts, <=, 4);
  g_assert_cmpint (bd_sync_get_state (client->sync), ==, BD_SYNC_STATE_OFFLINE);
  g_assert_nonnull (bd_sync_get_last_error (client->sync));
  g_assert_cmpint (bd_store_count_outbox (client->store), ==, 1);
  bd_sync_stop (client->sync);

  server_start (server);
  bd_sync_set_server_url (client->sync, server->base);
  bd_sync_set_token (client->sync, server->token);
  bd_sync_start (client->sync, 1);
  for (i = 0; i < 50 && bd_store_count_outbox (client->store) > 0; i++)
    iterate_for (100);
  g_assert_cmpint (bd_store_count_outbox (client->store), ==, 0);
  bd_sync_stop (client->sync);

  client_free (client);
  server_free (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bd/sync/offline", test_offline);
  g_test_add_func ("/bd/sync/two-clients", test_two_clients);
  g_test_add_func ("/bd/sync/bad-token", test_bad_token);
  g_test_add_func ("/bd/sync/lost-response", test_lost_response);
  g_test_add_func ("/bd/sync/loop", test_loop);

  return g_test_run ();
}
