/* test-faults.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Hundreds of edits synced through bd-fault-proxy, which drops
 * connections, answers 500, waits, cuts answers short and loses answers
 * after the server has acted. Client A goes through the proxy, client B
 * straight to the server; A edits titles, severities and counts and
 * deletes, B edits its own reports and the descriptions of A's. In the
 * end A, B and a fresh client hold the very same reports, the server holds
 * each report once, no write went in twice, and every last edit is there. */

#include "config.h"

#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <gio/gunixinputstream.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "sync-harness.h"

/* BD_FAULTS_SEED and BD_FAULTS_PROXY_SEED override these (a soak run). */
#define SEED              3
#define PROXY_SEED        1003
#define A_EDITS           360
#define B_EDITS           90
#define MAX_FINAL_RUNS    400

/* The fault proxy as a child process. */

typedef struct
{
  GPid  pid;
  char *base;       /* http://127.0.0.1:PORT/ */
  char *log_path;   /* its stderr */
} FaultProxy;

static const char *
proxy_exe (void)
{
  const char *exe = g_getenv ("BD_FAULT_PROXY");

  g_assert_nonnull (exe);
  return exe;
}

static guint32
seed_from_env (const char *name,
               guint32     fallback)
{
  const char *text = g_getenv (name);
  guint64 value;

  if (text == NULL)
    return fallback;
  g_assert_true (g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT32, &value, NULL));
  return (guint32) value;
}

static void
child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* @faults: the rate options, e.g. { "--lose", "100", NULL }. */
static FaultProxy *
fault_proxy_start (const char         *upstream,
                   const char         *log_path,
                   const char * const *faults)
{
  FaultProxy *proxy = g_new0 (FaultProxy, 1);
  g_autofree char *seed = g_strdup_printf ("%u", seed_from_env ("BD_FAULTS_PROXY_SEED",
                                                                 PROXY_SEED));
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GDataInputStream) data = NULL;
  g_autofree char *line = NULL;
  const char *prefix = "listening on ";
  int log_fd, out_fd = -1;

  g_strv_builder_add_many (builder, proxy_exe (), "--port", "0", "--upstream", upstream,
                           "--seed", seed, "--verbose", NULL);
  g_strv_builder_addv (builder, (const char **) faults);
  argv = g_strv_builder_end (builder);

  proxy->log_path = g_strdup (log_path);
  log_fd = g_open (log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  g_assert_cmpint (log_fd, >=, 0);
  g_spawn_async_with_pipes_and_fds (NULL, (const char * const *) argv, NULL,
                                    G_SPAWN_DO_NOT_REAP_CHILD, child_setup, NULL,
                                    -1, -1, log_fd, NULL, NULL, 0, &proxy->pid, NULL,
                                    &out_fd, NULL, &error);
  g_assert_no_error (error);
  g_close (log_fd, NULL);
  stream = g_unix_input_stream_new (out_fd, TRUE);
  data = g_data_input_stream_new (stream);
  line = g_data_input_stream_read_line (data, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, prefix));
  proxy->base = g_strdup (line + strlen (prefix));
  g_assert_true (g_str_has_prefix (proxy->base, "http://127.0.0.1:"));
  return proxy;
}

/* SIGTERM: the proxy writes its counts and exits 0. Returns them. */
static GHashTable *
fault_proxy_stop (FaultProxy *proxy)
{
  GHashTable *stats = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *log = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) words = NULL;
  const char *last = NULL;
  int status = 0;
  guint i;

  kill (proxy->pid, SIGTERM);
  g_assert_cmpint (waitpid (proxy->pid, &status, 0), ==, proxy->pid);
  g_spawn_close_pid (proxy->pid);
  proxy->pid = 0;
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);

  g_file_get_contents (proxy->log_path, &log, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (log, "\n", -1);
  for (i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "stats: "))
      last = lines[i];
  g_assert_nonnull (last);
  g_test_message ("proxy %s", last);
  /* which requests lost their answer after the server acted */
  for (i = 0; lines[i] != NULL; i++)
    {
      const char *methods[] = { "PUT", "DELETE", "GET" };
      guint m;

      if (!g_str_has_suffix (lines[i], ")") || strstr (lines[i], ": lose (") == NULL)
        continue;
      for (m = 0; m < G_N_ELEMENTS (methods); m++)
        {
          g_autofree char *needle = g_strdup_printf (" %s /", methods[m]);
          g_autofree char *key = g_strdup_printf ("lose_%s", methods[m]);
          guint n = GPOINTER_TO_UINT (g_hash_table_lookup (stats, key));

          if (strstr (lines[i], needle) != NULL)
            g_hash_table_replace (stats, g_steal_pointer (&key), GUINT_TO_POINTER (n + 1));
        }
    }
  words = g_strsplit (last + strlen ("stats: "), " ", -1);
  for (i = 0; words[i] != NULL; i++)
    {
      g_auto(GStrv) kv = g_strsplit (words[i], "=", 2);
      guint64 value;

      g_assert_nonnull (kv[0]);
      g_assert_nonnull (kv[1]);
      g_assert_true (g_ascii_string_to_unsigned (kv[1], 10, 0, G_MAXUINT, &value, NULL));
      g_hash_table_insert (stats, g_strdup (kv[0]), GUINT_TO_POINTER ((guint) value));
    }
  return stats;
}

static void
fault_proxy_free (FaultProxy *proxy)
{
  if (proxy->pid != 0)
    {
      int status;

      kill (proxy->pid, SIGKILL);
      waitpid (proxy->pid, &status, 0);
      g_spawn_close_pid (proxy->pid);
    }
  g_unlink (proxy->log_path);
  g_free (proxy->log_path);
  g_free (proxy->base);
  g_free (proxy);
}

static guint
stat_of (GHashTable *stats,
         const char *key)
{
  g_assert_true (g_hash_table_contains (stats, key));
  return GPOINTER_TO_UINT (g_hash_table_lookup (stats, key));
}

/* What the test expects of each report. */

typedef struct
{
  char     *id;
  char      owner;         /* 'a' or 'b' */
  char     *title;
  int       severity;
  int       sites;
  char     *description;
  gboolean  deleted;
  gboolean  shared;        /* B edits its description: A never deletes it */
  guint     edits;         /* local edits of it: the most server writes it may take */
} Tracked;

static void
tracked_free (Tracked *t)
{
  g_free (t->id);
  g_free (t->title);
  g_free (t->description);
  g_free (t);
}

typedef struct
{
  GRand      *rand;
  GPtrArray  *tracked;      /* Tracked* */
  GHashTable *by_id;        /* id → Tracked* (borrowed) */
  guint       edits[2];     /* A, B */
  guint       creates, updates, deletes, descriptions;
  guint       runs, runs_ok;
  GHashTable *failures;     /* error message up to its first ':' → count */
} Run;

static void
count_failure (Run          *run,
               const GError *error)
{
  const char *colon = strchr (error->message, ':');
  g_autofree char *key = colon != NULL ? g_strndup (error->message, colon - error->message)
                                       : g_strdup (error->message);
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (run->failures, key));

  g_hash_table_replace (run->failures, g_steal_pointer (&key), GUINT_TO_POINTER (n + 1));
}

/* Nothing here edits the same field on both sides (A: title, severity,
 * count; B: description of A's reports), so a conflict is a wrong merge:
 * say what it was before failing. */
static void
assert_no_conflicts (Run        *run,
                     Client     *client,
                     const char *name)
{
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(GError) error = NULL;
  guint i;

  if (bd_store_count_conflicts (client->store) == 0)
    return;
  conflicts = bd_store_list_conflicts (client->store, NULL, &error);
  g_assert_no_error (error);
  for (i = 0; i < conflicts->len; i++)
    {
      BdConflict *conflict = g_ptr_array_index (conflicts, i);
      Tracked *t = g_hash_table_lookup (run->by_id, conflict->report_id);
      g_autoptr(BdReport) local = bd_store_get_report (client->store, conflict->report_id, NULL);
      g_autoptr(BdReport) server = bd_store_get_server_copy (client->store, conflict->report_id,
                                                             NULL);
      g_autofree char *ours = local != NULL ? bd_report_format_field (local, conflict->field)
                                            : NULL;
      g_autofree char *theirs = server != NULL ? bd_report_format_field (server, conflict->field)
                                               : NULL;

      g_test_message ("%s: conflict on “%s” of %s (%c's, %u edits; server rev %" G_GINT64_FORMAT
                      "): local “%s” (rev %" G_GINT64_FORMAT "), server “%s”",
                      name, conflict->field, conflict->report_id, t != NULL ? t->owner : '?',
                      t != NULL ? t->edits : 0, conflict->server_rev, ours,
                      local != NULL ? bd_report_get_rev (local) : -1, theirs);
    }
  g_assert_cmpuint (conflicts->len, ==, 0);
}

/* A sync of the client behind the proxy: it succeeds, or it finds the
 * server unreachable; it is never refused (nothing here is invalid). */
static gboolean
sync_faulty (Run    *run,
             Client *a)
{
  g_autoptr(GError) error = client_sync (a);

  assert_no_conflicts (run, a, "A");
  run->runs++;
  if (error == NULL)
    {
      run->runs_ok++;
      return TRUE;
    }
  count_failure (run, error);
  g_assert_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_UNREACHABLE);
  g_assert_cmpint (bd_sync_get_state (a->sync), ==, BD_SYNC_STATE_OFFLINE);
  return FALSE;
}

static Tracked *
pick (Run      *run,
      char      owner,
      gboolean  deletable)
{
  g_autoptr(GPtrArray) live = g_ptr_array_new ();
  guint i;

  for (i = 0; i < run->tracked->len; i++)
    {
      Tracked *t = g_ptr_array_index (run->tracked, i);

      if (t->owner == owner && !t->deleted && (!deletable || !t->shared))
        g_ptr_array_add (live, t);
    }
  if (live->len == 0)
    return NULL;
  return g_ptr_array_index (live, g_rand_int_range (run->rand, 0, (gint32) live->len));
}

static void
edit_create (Run    *run,
             Client *client,
             char    owner)
{
  Tracked *t = g_new0 (Tracked, 1);
  g_autoptr(BdReport) report = NULL;
  g_autoptr(GError) error = NULL;
  guint n = run->tracked->len;

  t->owner = owner;
  t->title = g_strdup_printf ("%c%03u 道路冠水 第1版", g_ascii_toupper (owner), n);
  t->severity = g_rand_int_range (run->rand, 1, 5);
  t->sites = g_rand_int_range (run->rand, 1, 20);
  t->description = g_strdup ("現地確認中。");
  report = make_report (t->title, 34.62 + (n % 50) * 0.002, 135.45 + (n / 50) * 0.004);
  bd_report_set_severity (report, t->severity);
  bd_report_set_count (report, "sites", t->sites);
  g_assert_true (bd_store_save_report (client->store, report, owner == 'a' ? "a" : "b", &error));
  g_assert_no_error (error);
  t->id = g_strdup (bd_report_get_id (report));
  t->edits = 1;
  g_ptr_array_add (run->tracked, t);
  g_hash_table_insert (run->by_id, t->id, t);
  run->creates++;
}

/* The owner changes one to three of title, severity and the count. */
static void
edit_update (Run     *run,
             Client  *client,
             Tracked *t)
{
  g_autoptr(BdReport) report = NULL;
  g_autoptr(GError) error = NULL;
  guint what = (guint) g_rand_int_range (run->rand, 1, 8);   /* a bit mask */

  report = bd_store_get_report (client->store, t->id, &error);
  g_assert_no_error (error);
  g_assert_false (bd_report_get_deleted (report));
  if (what & 1)
    {
      g_free (t->title);
      t->title = g_strdup_printf ("%c%s 第%u版", g_ascii_toupper (t->owner),
                                  t->id + 24, t->edits + 1);
      bd_report_set_title (report, t->title);
    }
  if (what & 2)
    {
      t->severity = t->severity % 4 + 1;
      bd_report_set_severity (report, t->severity);
    }
  if (what & 4)
    {
      t->sites += g_rand_int_range (run->rand, 1, 5);
      bd_report_set_count (report, "sites", t->sites);
    }
  g_assert_true (bd_store_save_report (client->store, report, t->owner == 'a' ? "a" : "b",
                                       &error));
  g_assert_no_error (error);
  t->edits++;
  run->updates++;
}

static void
edit_delete (Run     *run,
             Client  *client,
             Tracked *t)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (bd_store_delete_report (client->store, t->id,
                                         t->owner == 'a' ? "a" : "b", &error));
  g_assert_no_error (error);
  t->deleted = TRUE;
  t->edits++;
  run->deletes++;
}

/* B writes the description of one of A's reports it has pulled. */
static gboolean
edit_description (Run    *run,
                  Client *b)
{
  guint attempt;

  for (attempt = 0; attempt < 5; attempt++)
    {
      Tracked *t = pick (run, 'a', FALSE);
      g_autoptr(BdReport) report = NULL;
      g_autoptr(GError) error = NULL;

      if (t == NULL)
        return FALSE;
      report = bd_store_get_report (b->store, t->id, NULL);
      if (report == NULL || bd_report_get_deleted (report))
        continue;
      t->shared = TRUE;
      g_free (t->description);
      t->description = g_strdup_printf ("B の確認 %u: 通行止め継続。", run->descriptions);
      bd_report_set_description (report, t->description);
      g_assert_true (bd_store_save_report (b->store, report, "b", &error));
      g_assert_no_error (error);
      t->edits++;
      run->descriptions++;
      return TRUE;
    }
  return FALSE;
}

static void
edit_a (Run    *run,
        Client *a)
{
  guint r = (guint) g_rand_int_range (run->rand, 0, 100);
  Tracked *t;

  if (r < 30 || (t = pick (run, 'a', FALSE)) == NULL)
    edit_create (run, a, 'a');
  else if (r < 88 || (t = pick (run, 'a', TRUE)) == NULL)
    edit_update (run, a, t);
  else
    edit_delete (run, a, t);
  run->edits[0]++;
}

static void
edit_b (Run    *run,
        Client *b)
{
  guint r = (guint) g_rand_int_range (run->rand, 0, 100);
  Tracked *t;

  run->edits[1]++;
  if (r < 50 && edit_description (run, b))
    return;
  if (r < 70 || (t = pick (run, 'b', TRUE)) == NULL)
    edit_create (run, b, 'b');
  else if (r < 92)
    edit_update (run, b, t);
  else
    edit_delete (run, b, t);
}

/* Every tracked report is in @store with its last values. */
static void
assert_tracked (Run     *run,
                BdStore *store)
{
  guint i, live = 0;

  for (i = 0; i < run->tracked->len; i++)
    {
      Tracked *t = g_ptr_array_index (run->tracked, i);
      g_autoptr(BdReport) report = NULL;
      g_autoptr(GError) error = NULL;

      report = bd_store_get_report (store, t->id, &error);
      /* deleted before its create was pushed: the server never had it */
      if (t->deleted && g_error_matches (error, BD_STORE_ERROR, BD_STORE_ERROR_NOT_FOUND))
        continue;
      g_assert_no_error (error);
      g_assert_cmpint (bd_report_get_deleted (report), ==, t->deleted);
      if (t->deleted)
        continue;
      live++;
      g_assert_cmpstr (bd_report_get_title (report), ==, t->title);
      g_assert_cmpint (bd_report_get_severity (report), ==, t->severity);
      g_assert_cmpfloat (bd_report_get_count (report, "sites"), ==, t->sites);
      g_assert_cmpstr (bd_report_get_description (report), ==, t->description);
    }
  g_assert_cmpint (bd_store_count (store), ==, live);
}

/* The server's whole change feed, tombstones too: each report once, each
 * with no more writes than it had edits. */
static void
assert_server_holds (Run    *run,
                     Server *server)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", server->token);
  gint64 since = 0;
  guint features = 0, tombstones = 0, writes = 0, max_writes = 0, pages = 0;
  guint never_sent = 0;
  guint i;

  for (;;)
    {
      g_autofree char *url =
        g_strdup_printf ("%scollections/reports/items?since_seq=%" G_GINT64_FORMAT "&limit=1000",
                         server->base, since);
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      g_autoptr(GBytes) body = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      JsonObject *root;
      JsonArray *array;
      guint n;

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
      body = soup_session_send_and_read (session, msg, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
      json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                  g_bytes_get_size (body), &error);
      g_assert_no_error (error);
      root = json_node_get_object (json_parser_get_root (parser));
      array = json_object_get_array_member (root, "features");
      n = json_array_get_length (array);
      g_assert_cmpuint (++pages, <, 100);
      for (i = 0; i < n; i++)
        {
          g_autoptr(BdReport) report = NULL;
          Tracked *t;

          report = bd_report_new_from_json (json_array_get_element (array, i), &error);
          g_assert_no_error (error);
          t = g_hash_table_lookup (run->by_id, bd_report_get_id (report));
          /* a report no client made, or the same one twice: doubled */
          g_assert_nonnull (t);
          g_assert_false (g_hash_table_contains (seen, t->id));
          g_hash_table_add (seen, t->id);
          g_assert_cmpint (bd_report_get_deleted (report), ==, t->deleted);
          /* a write that went in twice shows as a rev past the edits */
          g_assert_cmpint (bd_report_get_rev (report), >=, 1);
          g_assert_cmpint (bd_report_get_rev (report), <=, t->edits);
          writes += (guint) bd_report_get_rev (report);
          max_writes += t->edits;
          features++;
          if (t->deleted)
            tombstones++;
          since = MAX (since, bd_report_get_seq (report));
        }
      if (n < 1000)
        break;
    }
  /* a report deleted before its create was pushed never reached the
   * server (issue 9, defect 3): every other one is there */
  for (i = 0; i < run->tracked->len; i++)
    {
      Tracked *t = g_ptr_array_index (run->tracked, i);

      if (!g_hash_table_contains (seen, t->id))
        {
          g_assert_true (t->deleted);
          never_sent++;
        }
    }
  g_assert_cmpuint (features + never_sent, ==, run->tracked->len);
  g_assert_cmpuint (tombstones + never_sent, ==, run->deletes);
  g_test_message ("server: %u reports (%u tombstones), %u writes for %u edits; "
                  "%u deleted before they were sent",
                  features, tombstones, writes, max_writes, never_sent);
}

static void
test_faults (void)
{
  static const char * const faults[] = {
    "--drop", "10", "--error", "10", "--delay", "5", "--truncate", "10", "--lose", "10", NULL
  };
  Server *server = server_new ();
  Client *a = client_new ("a.sqlite");
  Client *b = client_new ("b.sqlite");
  Client *fresh = client_new ("fresh.sqlite");
  g_autoptr(GHashTable) stats = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *log_path = NULL;
  g_autofree char *log_dir = NULL;
  FaultProxy *proxy;
  Run run = { 0 };
  GHashTableIter iter;
  gpointer key, value;
  gint64 start = g_get_monotonic_time ();
  guint i, round = 0;
  gboolean synced = FALSE;

  run.rand = g_rand_new_with_seed (seed_from_env ("BD_FAULTS_SEED", SEED));
  run.tracked = g_ptr_array_new_with_free_func ((GDestroyNotify) tracked_free);
  run.by_id = g_hash_table_new (g_str_hash, g_str_equal);
  run.failures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  server_start (server);
  log_dir = g_dir_make_tmp ("bd-faults-XXXXXX", &error);
  g_assert_no_error (error);
  log_path = g_build_filename (log_dir, "proxy.log", NULL);
  proxy = fault_proxy_start (server->base, log_path, faults);
  g_test_message ("proxy %s → server %s, log %s", proxy->base, server->base, log_path);

  bd_sync_set_server_url (a->sync, proxy->base);
  bd_sync_set_token (a->sync, server->token);
  client_use_server (b, server);
  client_use_server (fresh, server);

  /* Rounds of a few edits each, one sync attempt of A after each (it may
   * fail: its outbox then grows), B's edits and syncs now and then. */
  while (run.edits[0] < A_EDITS || run.edits[1] < B_EDITS)
    {
      guint n_a = (guint) g_rand_int_range (run.rand, 1, 7);

      round++;
      for (i = 0; i < n_a && run.edits[0] < A_EDITS; i++)
        edit_a (&run, a);
      if (round % 3 == 0 && run.edits[1] < B_EDITS)
        {
          guint n_b = (guint) g_rand_int_range (run.rand, 1, 5);

          for (i = 0; i < n_b && run.edits[1] < B_EDITS; i++)
            edit_b (&run, b);
          error = client_sync (b);
          g_assert_no_error (error);
          assert_no_conflicts (&run, b, "B");
          g_assert_cmpint (bd_store_count_outbox (b->store), ==, 0);
        }
      sync_faulty (&run, a);
    }
  g_test_message ("edits: A %u, B %u (%u creates, %u updates, %u deletes, %u descriptions); "
                  "A's outbox after the last edit: %" G_GINT64_FORMAT,
                  run.edits[0], run.edits[1], run.creates, run.updates, run.deletes,
                  run.descriptions, bd_store_count_outbox (a->store));

  /* B once more, then A until one run goes through with nothing left,
   * then B again for A's last pushes. */
  error = client_sync (b);
  g_assert_no_error (error);
  for (i = 0; i < MAX_FINAL_RUNS && !synced; i++)
    synced = sync_faulty (&run, a) && bd_store_count_outbox (a->store) == 0;
  g_assert_true (synced);
  error = client_sync (b);
  g_assert_no_error (error);
  error = client_sync (fresh);
  g_assert_no_error (error);

  g_test_message ("A: %u sync runs, %u went through", run.runs, run.runs_ok);
  g_hash_table_iter_init (&iter, run.failures);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_test_message ("A failed %u times with “%s”", GPOINTER_TO_UINT (value), (char *) key);

  g_assert_cmpint (bd_store_count_outbox (a->store), ==, 0);
  g_assert_cmpint (bd_store_count_outbox (b->store), ==, 0);
  g_assert_cmpint (bd_store_count_conflicts (a->store), ==, 0);
  g_assert_cmpint (bd_store_count_conflicts (b->store), ==, 0);

  /* the same reports everywhere, and every last edit in them */
  assert_same_reports (fresh->store, a->store);
  assert_same_reports (a->store, fresh->store);
  assert_same_reports (fresh->store, b->store);
  assert_same_reports (b->store, fresh->store);
  assert_tracked (&run, fresh->store);
  assert_tracked (&run, a->store);
  assert_tracked (&run, b->store);
  assert_server_holds (&run, server);

  /* and the proxy did inject every kind of fault */
  stats = fault_proxy_stop (proxy);
  g_assert_cmpuint (stat_of (stats, "drop"), >, 0);
  g_assert_cmpuint (stat_of (stats, "error"), >, 0);
  g_assert_cmpuint (stat_of (stats, "delay"), >, 0);
  g_assert_cmpuint (stat_of (stats, "truncate"), >, 0);
  g_assert_cmpuint (stat_of (stats, "lose"), >, 0);
  g_assert_cmpuint (stat_of (stats, "rejected"), ==, 0);
  g_assert_cmpuint (stat_of (stats, "upstream_errors"), ==, 0);
  g_assert_cmpuint (stat_of (stats, "forwarded"), >=, run.runs_ok);
  /* the case that matters most: the server wrote it, the client never heard */
  g_assert_cmpuint (stat_of (stats, "lose_PUT"), >, 0);
  g_test_message ("answers lost after the server acted: %u PUT, %u DELETE, %u GET",
                  GPOINTER_TO_UINT (g_hash_table_lookup (stats, "lose_PUT")),
                  GPOINTER_TO_UINT (g_hash_table_lookup (stats, "lose_DELETE")),
                  GPOINTER_TO_UINT (g_hash_table_lookup (stats, "lose_GET")));
  g_test_message ("%.1f s", (g_get_monotonic_time () - start) / 1e6);

  fault_proxy_free (proxy);
  g_rmdir (log_dir);
  g_hash_table_unref (run.failures);
  g_hash_table_unref (run.by_id);
  g_ptr_array_unref (run.tracked);
  g_rand_free (run.rand);
  client_free (a);
  client_free (b);
  client_free (fresh);
  server_free (server);
}

/* Made and deleted between two syncs: the delete cancels the create,
 * nothing is pushed and the server never has the report (issue 9,
 * defect 3); no fault needed. */
static void
test_create_delete_one_run (void)
{
  Server *server = server_new ();
  Client *a = client_new ("a.sqlite");
  Client *fresh = client_new ("fresh.sqlite");
  g_autoptr(BdReport) report = make_report ("倒木", 34.70, 135.50);
  g_autoptr(BdReport) pulled = NULL;
  g_autoptr(GError) error = NULL;

  server_start (server);
  client_use_server (a, server);
  client_use_server (fresh, server);

  g_assert_true (bd_store_save_report (a->store, report, "a", &error));
  g_assert_true (bd_store_delete_report (a->store, bd_report_get_id (report), "a", &error));
  g_assert_no_error (error);
  error = client_sync (a);
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count_outbox (a->store), ==, 0);

  error = client_sync (fresh);
  g_assert_no_error (error);
  pulled = bd_store_get_report (fresh->store, bd_report_get_id (report), &error);
  g_assert_error (error, BD_STORE_ERROR, BD_STORE_ERROR_NOT_FOUND);
  g_assert_null (pulled);

  client_free (a);
  client_free (fresh);
  server_free (server);
}

/* Two queued edits of one field; the first is written but its answer is
 * lost; another client edits another field; the retry's 412 then carries
 * our own first edit plus theirs. That is not a conflict: the first edit
 * was ours. Found by /bd/sync/faults. */
static void
test_lost_then_edited_elsewhere (void)
{
  static const char * const lose_all[] = { "--lose", "100", NULL };
  Server *server = server_new ();
  Client *a = client_new ("a.sqlite");
  Client *b = client_new ("b.sqlite");
  g_autoptr(BdReport) report = make_report ("道路冠水", 34.70, 135.50);
  g_autoptr(BdReport) ra = NULL;
  g_autoptr(BdReport) rb = NULL;
  g_autoptr(GHashTable) stats = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *log_path = NULL;
  g_autofree char *id = NULL;
  FaultProxy *proxy;

  server_start (server);
  dir = g_dir_make_tmp ("bd-faults-XXXXXX", &error);
  g_assert_no_error (error);
  log_path = g_build_filename (dir, "proxy.log", NULL);
  proxy = fault_proxy_start (server->base, log_path, lose_all);
  client_use_server (a, server);
  client_use_server (b, server);

  bd_report_set_severity (report, 1);
  g_assert_true (bd_store_save_report (a->store, report, "a", &error));
  id = g_strdup (bd_report_get_id (report));
  error = client_sync (a);
  g_assert_no_error (error);
  error = client_sync (b);
  g_assert_no_error (error);

  /* A: severity 2, then 3; the first PUT is written, its answer lost */
  ra = bd_store_get_report (a->store, id, &error);
  bd_report_set_severity (ra, 2);
  g_assert_true (bd_store_save_report (a->store, ra, "a", &error));
  bd_report_set_severity (ra, 3);
  g_assert_true (bd_store_save_report (a->store, ra, "a", &error));
  g_assert_no_error (error);
  bd_sync_set_server_url (a->sync, proxy->base);
  error = client_sync (a);
  g_assert_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_UNREACHABLE);
  g_clear_error (&error);
  stats = fault_proxy_stop (proxy);
  g_assert_cmpuint (stat_of (stats, "lose_PUT"), ==, 1);

  /* B: the description */
  rb = bd_store_get_report (b->store, id, &error);
  g_assert_no_error (error);
  bd_report_set_description (rb, "腰の高さまで冠水。");
  g_assert_true (bd_store_save_report (b->store, rb, "b", &error));
  error = client_sync (b);
  g_assert_no_error (error);

  /* A retries: both its edits and B's, no conflict */
  bd_sync_set_server_url (a->sync, server->base);
  error = client_sync (a);
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count_conflicts (a->store), ==, 0);
  g_assert_cmpint (bd_store_count_outbox (a->store), ==, 0);
  error = client_sync (b);
  g_assert_no_error (error);
  g_clear_object (&ra);
  ra = bd_store_get_report (b->store, id, &error);
  g_assert_cmpint (bd_report_get_severity (ra), ==, 3);
  g_assert_cmpstr (bd_report_get_description (ra), ==, "腰の高さまで冠水。");
  assert_same_reports (a->store, b->store);

  fault_proxy_free (proxy);
  g_rmdir (dir);
  client_free (a);
  client_free (b);
  server_free (server);
}

/* A create is written but its answer lost; another client pulls it and
 * edits its description; the retry's 412 carries our own create plus
 * their edit. Not a conflict: we made it, they changed one field. Found
 * by /bd/sync/faults. */
static void
test_lost_create_then_edited_elsewhere (void)
{
  static const char * const lose_all[] = { "--lose", "100", NULL };
  Server *server = server_new ();
  Client *a = client_new ("a.sqlite");
  Client *b = client_new ("b.sqlite");
  g_autoptr(BdReport) report = make_report ("道路冠水", 34.70, 135.50);
  g_autoptr(BdReport) ra = NULL;
  g_autoptr(BdReport) rb = NULL;
  g_autoptr(GHashTable) stats = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *log_path = NULL;
  g_autofree char *id = NULL;
  FaultProxy *proxy;

  server_start (server);
  dir = g_dir_make_tmp ("bd-faults-XXXXXX", &error);
  g_assert_no_error (error);
  log_path = g_build_filename (dir, "proxy.log", NULL);
  proxy = fault_proxy_start (server->base, log_path, lose_all);
  bd_sync_set_server_url (a->sync, proxy->base);
  bd_sync_set_token (a->sync, server->token);
  client_use_server (b, server);

  g_assert_true (bd_store_save_report (a->store, report, "a", &error));
  id = g_strdup (bd_report_get_id (report));
  error = client_sync (a);
  g_assert_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_UNREACHABLE);
  g_clear_error (&error);
  stats = fault_proxy_stop (proxy);
  g_assert_cmpuint (stat_of (stats, "lose_PUT"), ==, 1);

  error = client_sync (b);
  g_assert_no_error (error);
  rb = bd_store_get_report (b->store, id, &error);
  g_assert_no_error (error);
  bd_report_set_description (rb, "腰の高さまで冠水。");
  g_assert_true (bd_store_save_report (b->store, rb, "b", &error));
  error = client_sync (b);
  g_assert_no_error (error);

  bd_sync_set_server_url (a->sync, server->base);
  error = client_sync (a);
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count_conflicts (a->store), ==, 0);
  g_assert_cmpint (bd_store_count_outbox (a->store), ==, 0);
  ra = bd_store_get_report (a->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bd_report_get_description (ra), ==, "腰の高さまで冠水。");
  assert_same_reports (a->store, b->store);

  fault_proxy_free (proxy);
  g_rmdir (dir);
  client_free (a);
  client_free (b);
  server_free (server);
}

/* A delete is written but its answer lost; the report is restored here
 * before the next run. The restore must reach the server: the next run
 * neither leaves the server's tombstone nor pulls it back over the
 * restored report. */
static void
test_lost_delete_then_restored (void)
{
  static const char * const lose_all[] = { "--lose", "100", NULL };
  Server *server = server_new ();
  Client *a = client_new ("a.sqlite");
  Client *b = client_new ("b.sqlite");
  g_autoptr(BdReport) report = make_report ("道路冠水", 34.70, 135.50);
  g_autoptr(BdReport) ra = NULL;
  g_autoptr(BdReport) rb = NULL;
  g_autoptr(GHashTable) stats = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *log_path = NULL;
  g_autofree char *id = NULL;
  FaultProxy *proxy;

  server_start (server);
  dir = g_dir_make_tmp ("bd-faults-XXXXXX", &error);
  g_assert_no_error (error);
  log_path = g_build_filename (dir, "proxy.log", NULL);
  proxy = fault_proxy_start (server->base, log_path, lose_all);
  client_use_server (a, server);
  client_use_server (b, server);

  g_assert_true (bd_store_save_report (a->store, report, "a", &error));
  id = g_strdup (bd_report_get_id (report));
  error = client_sync (a);
  g_assert_no_error (error);

  /* the DELETE is written on the server, its answer lost */
  g_assert_true (bd_store_delete_report (a->store, id, "a", &error));
  g_assert_no_error (error);
  bd_sync_set_server_url (a->sync, proxy->base);
  error = client_sync (a);
  g_assert_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_UNREACHABLE);
  g_clear_error (&error);
  stats = fault_proxy_stop (proxy);
  g_assert_cmpuint (stat_of (stats, "lose_DELETE"), ==, 1);

  /* restored before the next run */
  g_assert_true (bd_store_restore_report (a->store, id, "a", &error));
  g_assert_no_error (error);
  bd_sync_set_server_url (a->sync, server->base);
  error = client_sync (a);
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count_outbox (a->store), ==, 0);
  ra = bd_store_get_report (a->store, id, &error);
  g_assert_no_error (error);
  g_assert_false (bd_report_get_deleted (ra));

  /* and the server has it back */
  error = client_sync (b);
  g_assert_no_error (error);
  rb = bd_store_get_report (b->store, id, &error);
  g_assert_no_error (error);
  g_assert_false (bd_report_get_deleted (rb));
  g_assert_cmpint (bd_report_get_rev (rb), ==, bd_report_get_rev (ra));
  assert_same_reports (a->store, b->store);

  fault_proxy_free (proxy);
  g_rmdir (dir);
  client_free (a);
  client_free (b);
  server_free (server);
}

/* Loads @n reports into the server's database with `bosai-central import`
 * (before it starts). */
static void
import_reports (Server *server,
                guint   n)
{
  g_autoptr(GPtrArray) reports = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *path = g_build_filename (server->dir, "import.geojson", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { central_exe (), "import", "--database", server->db,
                         "--collection", "reports", path, NULL };
  int status = -1;
  guint i;

  for (i = 0; i < n; i++)
    {
      g_autofree char *title = g_strdup_printf ("停電 %u", i);

      g_ptr_array_add (reports, make_report (title, 34.60 + (i % 100) * 0.002,
                                             135.42 + (i / 100) * 0.004));
    }
  text = bd_reports_to_feature_collection (reports);
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_unlink (path);
}

/* A first sync of thousands of reports, pages of the change feed dropped,
 * failed, cut short and lost: each run goes on from the last page
 * committed, and in the end nothing is missing. */
static void
test_pull_pages (void)
{
  static const char * const faults[] = {
    "--drop", "15", "--error", "15", "--truncate", "30", "--lose", "15", NULL
  };
  Server *server = server_new ();
  Client *c = client_new ("c.sqlite");
  Client *fresh = client_new ("fresh.sqlite");
  g_autoptr(GHashTable) stats = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *log_path = NULL;
  FaultProxy *proxy;
  guint runs, failed = 0;
  gboolean synced = FALSE;

  import_reports (server, 3500);
  server_start (server);
  dir = g_dir_make_tmp ("bd-faults-XXXXXX", &error);
  g_assert_no_error (error);
  log_path = g_build_filename (dir, "proxy.log", NULL);
  proxy = fault_proxy_start (server->base, log_path, faults);
  bd_sync_set_server_url (c->sync, proxy->base);
  bd_sync_set_token (c->sync, server->token);
  client_use_server (fresh, server);

  for (runs = 0; runs < 100 && !synced; runs++)
    {
      g_clear_error (&error);
      error = client_sync (c);
      if (error != NULL)
        {
          g_assert_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_UNREACHABLE);
          failed++;
        }
      synced = error == NULL;
    }
  g_assert_true (synced);
  g_test_message ("%u runs, %u failed", runs, failed);
  stats = fault_proxy_stop (proxy);
  /* pages were lost on the way and a run stopped for them */
  g_assert_cmpuint (stat_of (stats, "drop") + stat_of (stats, "error") +
                    stat_of (stats, "truncate") + stat_of (stats, "lose"), >, 0);
  g_assert_cmpuint (failed, >, 0);

  error = client_sync (fresh);
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count (c->store), ==, 3500);
  g_assert_cmpint (bd_store_count (fresh->store), ==, 3500);
  assert_same_reports (c->store, fresh->store);
  assert_same_reports (fresh->store, c->store);

  fault_proxy_free (proxy);
  g_rmdir (dir);
  client_free (c);
  client_free (fresh);
  server_free (server);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bd/sync/faults/create-delete-one-run", test_create_delete_one_run);
  g_test_add_func ("/bd/sync/faults/lost-then-edited-elsewhere",
                   test_lost_then_edited_elsewhere);
  g_test_add_func ("/bd/sync/faults/lost-create-then-edited-elsewhere",
                   test_lost_create_then_edited_elsewhere);
  g_test_add_func ("/bd/sync/faults/lost-delete-then-restored",
                   test_lost_delete_then_restored);
  g_test_add_func ("/bd/sync/faults/pull-pages", test_pull_pages);

  g_test_add_func ("/bd/sync/faults/many-edits", test_faults);

  return g_test_run ();
}
