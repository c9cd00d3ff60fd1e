/* bd-cli-sync.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-cli-sync"

#include "config.h"

#include "bd-cli-sync.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "bd-store.h"
#include "bd-sync.h"

static const GOptionEntry sync_entries[] = {
  { "server", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Sync with the bosai-central server at URL"), N_("URL") },
  { "token", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Bearer token for the server (default: $BOSAI_TOKEN)"), N_("TOKEN") },
  { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Trust the certificate in this PEM file"), N_("PEM") },
  { "sync-once", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Push and pull until nothing is left, then exit without a window"), NULL },
  { NULL }
};

void
bd_cli_sync_add_options (GApplication *application)
{
  g_application_add_main_option_entries (application, sync_entries);
}

typedef struct
{
  GMainLoop *loop;
  GError    *error;
  gboolean   ok;
} SyncWait;

static void
on_synced (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  SyncWait *wait = user_data;

  wait->ok = bd_sync_run_once_finish (BD_SYNC (source), result, &wait->error);
  g_main_loop_quit (wait->loop);
}

int
bd_cli_sync_run (const char *database,
                 const char *server,
                 const char *token,
                 const char *ca_file,
                 gboolean    sync_once)
{
  g_autoptr(BdStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = bd_store_open (database, &error);
  if (store == NULL)
    {
      g_printerr (_("bosai-desk: cannot open the report database “%s”: %s\n"),
                  database, error->message);
      return 1;
    }

  if (sync_once)
    {
      g_autoptr(BdSync) sync = NULL;
      g_autoptr(GMainContext) context = g_main_context_new ();
      g_autoptr(GMainLoop) loop = NULL;
      SyncWait wait = { NULL, NULL, FALSE };

      if (token == NULL)
        token = g_getenv ("BOSAI_TOKEN");
      if (server == NULL)
        {
          g_printerr (_("bosai-desk: --sync-once needs --server URL\n"));
          return 1;
        }

      g_main_context_push_thread_default (context);
      loop = g_main_loop_new (context, FALSE);
      /* libsoup binds a session to the context it was made in. */
      sync = bd_sync_new (store);
      bd_sync_set_server_url (sync, server);
      bd_sync_set_token (sync, token);
      if (ca_file != NULL && !bd_sync_set_ca_file (sync, ca_file, &error))
        {
          g_printerr (_("bosai-desk: cannot read the certificate “%s”: %s\n"),
                      ca_file, error->message);
          g_main_context_pop_thread_default (context);
          return 1;
        }
      wait.loop = loop;
      bd_sync_run_once_async (sync, NULL, on_synced, &wait);
      g_main_loop_run (loop);
      g_clear_object (&sync);
      g_main_context_pop_thread_default (context);

      if (!wait.ok)
        {
          g_printerr (_("bosai-desk: sync failed: %s (%lld changes kept)\n"),
                      wait.error->message, (long long) bd_store_count_outbox (store));
          g_clear_error (&wait.error);
          return 1;
        }
      if (bd_store_count_rejected (store) > 0)
        g_printerr (_("bosai-desk: %lld features from the server could not be read and are kept "
                      "aside in the database (table pulled_rejects)\n"),
                    (long long) bd_store_count_rejected (store));
      if (bd_store_count_conflicts (store) > 0)
        {
          g_printerr (_("bosai-desk: %lld fields changed both here and on the server wait to be "
                        "settled in the app (%lld changes kept)\n"),
                      (long long) bd_store_count_conflicts (store),
                      (long long) bd_store_count_outbox (store));
          return 1;
        }
      if (bd_store_count_outbox (store) > 0)
        {
          g_printerr (_("bosai-desk: %lld changes are still waiting\n"),
                      (long long) bd_store_count_outbox (store));
          return 1;
        }
    }
  return 0;
}

gboolean
bd_cli_sync_handle_options (GVariantDict *options,
                            const char   *database,
                            int          *exit_status)
{
  const char *server = NULL;
  const char *token = NULL;
  const char *ca_file = NULL;
  gboolean sync_once = FALSE;

  g_return_val_if_fail (options != NULL, FALSE);
  g_return_val_if_fail (exit_status != NULL, FALSE);

  g_variant_dict_lookup (options, "sync-once", "b", &sync_once);
  if (!sync_once)
    return FALSE;

  g_variant_dict_lookup (options, "server", "&s", &server);
  g_variant_dict_lookup (options, "token", "&s", &token);
  g_variant_dict_lookup (options, "ca-file", "^&ay", &ca_file);

  *exit_status = bd_cli_sync_run (database, server, token, ca_file, sync_once);
  return TRUE;
}
