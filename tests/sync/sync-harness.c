/* sync-harness.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <gio/gunixinputstream.h>
#include <sqlite3.h>
#include <glib/gstdio.h>

#include "sync-harness.h"

const char *
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

Server *
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

void
server_start (Server *server)
{
  g_autofree char *port = g_strdup_printf ("%u", server->port);
  const char *argv[] = { central_exe (), "serve", "--database", server->db, "--port", port, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = NULL;
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
  uri = g_uri_parse (server->base, G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  server->port = (guint) g_uri_get_port (uri);
}

void
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

void
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

Client *
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

void
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

void
client_use_server (Client *client,
                   Server *server)
{
  bd_sync_set_server_url (client->sync, server->base);
  bd_sync_set_token (client->sync, server->token);
}

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
GError *
client_sync (Client *client)
{
  Wait wait = { FALSE, FALSE, NULL };

  bd_sync_run_once_async (client->sync, NULL, on_synced, &wait);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (wait.ok == (wait.error == NULL));
  return wait.error;
}

BdReport *
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

GPtrArray *
all_reports (BdStore *store)
{
  BdQuery query = { 0 };
  g_autoptr(GError) error = NULL;
  GPtrArray *reports = bd_store_query (store, &query, &error);

  g_assert_no_error (error);
  return reports;
}

void
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

static gboolean
on_deadline (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

void
iterate_for (guint ms)
{
  gboolean expired = FALSE;

  g_timeout_add (ms, on_deadline, &expired);
  while (!expired)
    g_main_context_iteration (NULL, TRUE);
}

void
client_exec (Client     *client,
             const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (client->path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}
