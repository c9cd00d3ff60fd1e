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

#include "bd-json.h"
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
  { "import", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Import GeoJSON reports from FILE as local edits, then exit"), N_("FILE") },
  { NULL }
};

void
bd_cli_sync_add_options (GApplication *application)
{
  g_application_add_main_option_entries (application, sync_entries);
}

/* bosai-desk --import FILE reads the file one feature at a time (it stays
 * mapped; no tree of the whole file is ever built, as in bosai-central
 * import) and hands each to the store's import as it comes: ONE
 * transaction for the whole file. The store checks every feature (it reads
 * as a report and validates, and no id comes twice); at the first refused
 * one it rolls back and only checks the rest, so that all the file's
 * problems are said at once and nothing of it is written. A fault of the
 * database part-way leaves nothing of the file either. Memory stays near
 * the file's size: one feature at a time, the ids seen, and SQLite's page
 * cache (what it cannot hold goes to the WAL until the commit). */
#define MAX_IMPORT_BYTES ((gsize) 512 << 20)
/* a file that is one Feature is read whole */
#define MAX_FEATURE_BYTES ((gsize) 16 << 20)
/* problems listed; the rest are counted */
#define MAX_REASONS 20

typedef struct
{
  BdStoreImport *import;
  GString       *reasons;     /* the first MAX_REASONS problems, a line each */
  guint          n_problems;
  char          *type;        /* the root's "type", when a string */
} Import;

static gboolean
import_member (const char  *name,
               const char  *value,
               gsize        length,
               gpointer     user_data,
               GError     **error)
{
  Import *import = user_data;

  if (strcmp (name, "type") == 0)
    {
      g_free (import->type);
      import->type = bd_json_dup_string (value, length);
    }
  return TRUE;
}

static gboolean
import_feature (guint        index,
                JsonNode    *node,
                gpointer     user_data,
                GError     **error)
{
  Import *import = user_data;
  g_autoptr(GError) local_error = NULL;

  if (bd_store_import_add (import->import, node, &local_error))
    return TRUE;
  if (!g_error_matches (local_error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  /* a refused feature: the next ones are only checked */
  if (import->n_problems++ < MAX_REASONS)
    g_string_append_printf (import->reasons, "%s\n", local_error->message);
  return TRUE;
}

/* Reads the features of @data into the import: FALSE with @error when the
 * file is not GeoJSON reports (BD_JSON_ERROR) or the database failed. */
static gboolean
import_features (Import      *import,
                 const char  *data,
                 gsize        length,
                 GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) root = NULL;

  if (bd_json_walk_array_member (data, length, "features", import_member, import_feature,
                                 import, &local_error))
    {
      if (g_strcmp0 (import->type, "FeatureCollection") == 0)
        return TRUE;
      g_set_error_literal (error, BD_JSON_ERROR, BD_JSON_ERROR_STRUCTURE,
                           _("The data is not a GeoJSON FeatureCollection or Feature."));
      return FALSE;
    }
  if (g_error_matches (local_error, BD_JSON_ERROR, BD_JSON_ERROR_STRUCTURE) &&
      g_strcmp0 (import->type, "Feature") == 0)
    {
      /* A file of one report, read whole. */
      g_clear_error (&local_error);
      if ((root = bd_json_parse (data, length, MAX_FEATURE_BYTES, &local_error)) != NULL &&
          import_feature (0, root, import, &local_error))
        return TRUE;
    }

  /* Bad JSON further on is said as such, before the database's fault. */
  if (local_error->domain != BD_JSON_ERROR)
    bd_json_validate (data, length, BD_JSON_MAX_DEPTH, NULL, error);
  if (error != NULL && *error != NULL)
    return FALSE;
  if (g_error_matches (local_error, BD_JSON_ERROR, BD_JSON_ERROR_STRUCTURE))
    g_set_error_literal (error, BD_JSON_ERROR, BD_JSON_ERROR_STRUCTURE,
                         g_strcmp0 (import->type, "FeatureCollection") == 0
                         ? _("The FeatureCollection has no list of features.")
                         : _("The data is not a GeoJSON FeatureCollection or Feature."));
  else
    g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

static gboolean
import_file (BdStore    *store,
             const char *path)
{
  g_autoptr(GMappedFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BdStoreImport) import = NULL;
  g_autoptr(GString) reasons = NULL;
  g_autofree char *type = NULL;
  Import state = { 0 };
  const char *data;
  gsize length;
  guint n_imported = 0;
  guint n_unchanged = 0;
  gboolean read;

  file = g_mapped_file_new (path, FALSE, &error);
  if (file == NULL)
    {
      g_printerr (_("bosai-desk: cannot read “%s”: %s\n"), path, error->message);
      return FALSE;
    }
  length = g_mapped_file_get_length (file);
  if (length > MAX_IMPORT_BYTES)
    {
      g_printerr (_("bosai-desk: nothing was imported from “%s”: it is larger than %u MiB\n"),
                  path, (guint) (MAX_IMPORT_BYTES >> 20));
      return FALSE;
    }
  /* An empty file maps to no memory at all. */
  data = length > 0 ? g_mapped_file_get_contents (file) : "";

  import = bd_store_import_begin (store, "import", &error);
  if (import == NULL)
    {
      g_printerr (_("bosai-desk: nothing was imported from “%s”:\n%s\n"), path, error->message);
      return FALSE;
    }
  state.import = import;
  state.reasons = reasons = g_string_new (NULL);
  read = import_features (&state, data, length, &error);
  type = g_steal_pointer (&state.type);
  if (!read && error->domain == BD_JSON_ERROR)
    {
      g_printerr (_("bosai-desk: “%s” is not GeoJSON reports: %s\n"), path, error->message);
      return FALSE;
    }
  if (read && state.n_problems > 0)
    {
      if (state.n_problems > MAX_REASONS)
        /* Translators: after the first 20 problems of a file, how many others */
        g_string_append_printf (reasons,
                                ngettext ("… and %u more problem\n",
                                          "… and %u more problems\n",
                                          state.n_problems - MAX_REASONS),
                                state.n_problems - MAX_REASONS);
      g_string_truncate (reasons, reasons->len - 1);
      g_printerr (_("bosai-desk: nothing was imported from “%s”:\n%s\n"), path, reasons->str);
      return FALSE;
    }
  if (!read || !bd_store_import_commit (import, &n_imported, &n_unchanged, &error))
    {
      g_printerr (_("bosai-desk: nothing was imported from “%s”:\n%s\n"), path, error->message);
      return FALSE;
    }
  g_print (ngettext ("%u report imported", "%u reports imported", n_imported), n_imported);
  if (n_unchanged > 0)
    g_print (ngettext (", %u skipped (already stored as it is)",
                       ", %u skipped (already stored as they are)", n_unchanged),
             n_unchanged);
  g_print ("\n");
  return TRUE;
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
                 gboolean    sync_once,
                 const char *import_path)
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

  if (import_path != NULL && !import_file (store, import_path))
    return 1;

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
  const char *import_path = NULL;
  gboolean sync_once = FALSE;

  g_return_val_if_fail (options != NULL, FALSE);
  g_return_val_if_fail (exit_status != NULL, FALSE);

  g_variant_dict_lookup (options, "sync-once", "b", &sync_once);
  g_variant_dict_lookup (options, "import", "^&ay", &import_path);
  if (!sync_once && import_path == NULL)
    return FALSE;

  g_variant_dict_lookup (options, "server", "&s", &server);
  g_variant_dict_lookup (options, "token", "&s", &token);
  g_variant_dict_lookup (options, "ca-file", "^&ay", &ca_file);

  *exit_status = bd_cli_sync_run (database, server, token, ca_file, sync_once, import_path);
  return TRUE;
}
