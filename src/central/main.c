/* main.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bosai-central"

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include <glib/gi18n-lib.h>
#include <glib-unix.h>
#include <glib/gstdio.h>

#include "bd-catalog.h"
#include "bd-central-geo.h"
#include "bd-central-jma.h"
#include "bd-central-server.h"
#include "bd-central-store.h"
#include "bd-central-tiles.h"
#include "bd-feature-validate.h"
#include "bd-json.h"
#include "bd-report.h"

#define TOKEN_BYTES 32
#define SHUTDOWN_WAIT_MS 5000
#define MAX_IMPORT_BYTES (256 << 20)

typedef struct
{
  GMainLoop       *loop;
  BdCentralServer *server;
  gint64           deadline;
  guint            poll_id;
  guint            signal_ids[2];
} ServeState;

static int
usage (GOptionContext *context)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  g_printerr ("%s", help);
  return 2;
}

static gboolean
on_shutdown_poll_cb (gpointer user_data)
{
  ServeState *state = user_data;

  if (bd_central_server_get_in_flight (state->server) > 0 &&
      g_get_monotonic_time () < state->deadline)
    return G_SOURCE_CONTINUE;

  state->poll_id = 0;
  g_main_loop_quit (state->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
on_signal_cb (gpointer user_data)
{
  ServeState *state = user_data;

  if (state->poll_id != 0)
    return G_SOURCE_CONTINUE;

  g_print ("%s\n", _("Shutting down: finishing requests in flight"));
  bd_central_server_begin_shutdown (state->server);
  state->deadline = g_get_monotonic_time () + SHUTDOWN_WAIT_MS * 1000;
  state->poll_id = g_timeout_add (20, on_shutdown_poll_cb, state);
  return G_SOURCE_CONTINUE;
}

static BdCentralStore *
open_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  BdCentralStore *store;

  if (path == NULL)
    {
      g_printerr ("%s\n", _("--database PATH is required."));
      return NULL;
    }
  store = bd_central_store_open (path, &error);
  if (store == NULL)
    g_printerr (_("Cannot open %s: %s\n"), path, error->message);
  return store;
}

/* Makes the folder that uploads under way are written to, and removes what
 * a server stopped in the middle of an upload (killed, a power cut) left
 * there: only the files its uploads are named as, in its own folder. */
static gboolean
prepare_upload_dir (const char  *path,
                    GError     **error)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint n_removed = 0;

  if (g_mkdir_with_parents (path, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error_literal (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                           g_strerror (saved_errno));
      return FALSE;
    }
  if (!(dir = g_dir_open (path, 0, error)))
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = NULL;

      if (!g_str_has_prefix (name, "upload-") || strlen (name) != strlen ("upload-XXXXXX"))
        continue;
      file = g_build_filename (path, name, NULL);
      if (g_unlink (file) == 0)
        n_removed++;
    }
  if (n_removed > 0)
    g_printerr (g_dngettext (GETTEXT_PACKAGE,
                             "bosai-central: removed %u unfinished upload left by an earlier run\n",
                             "bosai-central: removed %u unfinished uploads left by an earlier run\n",
                             n_removed), n_removed);
  return TRUE;
}

static int
cmd_serve (int    argc,
           char **argv)
{
  g_autofree char *database = NULL;
  g_autofree char *address = NULL;
  g_autofree char *jma_feed = NULL;
  int jma_interval = BD_CENTRAL_JMA_DEFAULT_INTERVAL;
  int port = 8080;
  GOptionEntry entries[] = {
    { "jma-feed", 0, 0, G_OPTION_ARG_STRING, &jma_feed,
      N_("Poll this JMA Atom feed for national warnings"), N_("URL") },
    { "jma-interval", 0, 0, G_OPTION_ARG_INT, &jma_interval,
      N_("Seconds between two polls of the JMA feed (default 60)"), N_("SECONDS") },
    { "database", 'd', 0, G_OPTION_ARG_FILENAME, &database, N_("The SQLite database"), N_("PATH") },
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, N_("The TCP port (0: any free port)"), N_("N") },
    { "address", 'a', 0, G_OPTION_ARG_STRING, &address,
      N_("The IP address to listen on (default 127.0.0.1)"), N_("ADDRESS") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("— serve the HTTP API"));
  g_autoptr(GError) error = NULL;
  g_autoptr(BdCentralStore) store = NULL;
  g_autoptr(BdCentralServer) server = NULL;
  g_autoptr(BdCentralJmaFeed) feed = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *absolute = NULL;
  g_autofree char *upload_dir = NULL;
  ServeState state = { 0 };
  guint bound;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (argc != 1 || port < 0 || port > 65535 || jma_interval < 1 || jma_interval > 86400)
    return usage (context);

  store = open_store (database);
  if (store == NULL)
    return 1;

  /* Attachment bodies arrive in a folder beside the database, on its disk
   * (the temporary directory may be RAM), and are stored from there. */
  absolute = g_canonicalize_filename (database, NULL);
  upload_dir = g_strconcat (absolute, ".uploads", NULL);
  if (!prepare_upload_dir (upload_dir, &error))
    {
      g_printerr (_("bosai-central: cannot use the upload folder “%s”: %s\n"),
                  upload_dir, error->message);
      return 1;
    }
  server = bd_central_server_new (store);
  bd_central_server_set_upload_dir (server, upload_dir);
  bound = bd_central_server_listen (server, address ? address : "127.0.0.1", (guint) port, &error);
  if (bound == 0)
    {
      g_printerr (_("Cannot listen: %s\n"), error->message);
      return 1;
    }

  loop = g_main_loop_new (NULL, FALSE);
  state.loop = loop;
  state.server = server;
  state.signal_ids[0] = g_unix_signal_add (SIGTERM, on_signal_cb, &state);
  state.signal_ids[1] = g_unix_signal_add (SIGINT, on_signal_cb, &state);

  if (address != NULL && strchr (address, ':') != NULL)
    g_print ("listening on http://[%s]:%u/\n", address, bound);
  else
    g_print ("listening on http://%s:%u/\n", address ? address : "127.0.0.1", bound);
  fflush (stdout);
  if (jma_feed != NULL)
    feed = bd_central_jma_feed_new (store, jma_feed, (guint) jma_interval);

  g_main_loop_run (loop);

  g_source_remove (state.signal_ids[0]);
  g_source_remove (state.signal_ids[1]);
  if (state.poll_id != 0)
    g_source_remove (state.poll_id);

  g_clear_pointer (&feed, bd_central_jma_feed_free);
  bd_central_server_disconnect (server);
  g_clear_pointer (&server, bd_central_server_free);
  g_clear_pointer (&store, bd_central_store_free);
  g_print ("%s\n", _("Stopped"));
  return 0;
}

/* 32 bytes from the kernel's CSPRNG as unpadded base64url. */
static char *
new_token (GError **error)
{
  guint8 bytes[TOKEN_BYTES];
  gsize got = 0;
  g_autofree char *b64 = NULL;

  while (got < sizeof bytes)
    {
      ssize_t n = getrandom (bytes + got, sizeof bytes - got, 0);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                       _("No random bytes: %s"), g_strerror (errno));
          return NULL;
        }
      got += (gsize) n;
    }

  b64 = g_base64_encode (bytes, sizeof bytes);
  for (char *p = b64; *p != '\0'; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
      else if (*p == '=')
        {
          *p = '\0';
          break;
        }
    }
  memset (bytes, 0, sizeof bytes);
  return g_steal_pointer (&b64);
}

static int
cmd_token (int    argc,
           char **argv)
{
  g_autofree char *database = NULL;
  g_autofree char *role_text = NULL;
  g_autofree char *ward = NULL;
  g_autofree char *name = NULL;
  GOptionEntry entries[] = {
    { "database", 'd', 0, G_OPTION_ARG_FILENAME, &database, N_("The SQLite database"), N_("PATH") },
    { "role", 'r', 0, G_OPTION_ARG_STRING, &role_text, N_("hq or ward (token add)"), N_("ROLE") },
    { "ward", 'w', 0, G_OPTION_ARG_STRING, &ward, N_("The ward code of a ward token"), N_("CODE") },
    { "name", 'n', 0, G_OPTION_ARG_STRING, &name, N_("Who holds the token"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("add|list|revoke [ID] — manage bearer tokens"));
  g_autoptr(GError) error = NULL;
  g_autoptr(BdCentralStore) store = NULL;
  const char *verb;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (argc < 2)
    return usage (context);
  verb = argv[1];

  if (strcmp (verb, "add") == 0)
    {
      BdCentralRole role;
      g_autofree char *token = NULL;
      g_autofree char *hash = NULL;
      const BdWard *known;
      gint64 id;

      if (argc != 2 || !bd_central_role_from_string (role_text, &role))
        {
          g_printerr ("%s\n", _("token add needs --role hq or --role ward."));
          return 2;
        }
      if (name == NULL || name[0] == '\0' || strlen (name) > 200 ||
          !g_utf8_validate (name, -1, NULL))
        {
          g_printerr ("%s\n", _("token add needs --name TEXT (at most 200 characters)."));
          return 2;
        }
      if (role == BD_CENTRAL_ROLE_WARD)
        {
          known = ward ? bd_catalog_lookup_ward (ward) : NULL;
          if (known == NULL || strcmp (ward, BD_CITY_CODE) == 0)
            {
              g_printerr (_("A ward token needs --ward with a known ward code (not “%s”).\n"),
                          ward ? ward : "");
              return 2;
            }
        }
      else if (ward != NULL)
        {
          g_printerr ("%s\n", _("An hq token has no ward."));
          return 2;
        }

      if ((store = open_store (database)) == NULL)
        return 1;
      token = new_token (&error);
      if (token == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      hash = bd_central_hash_token (token);
      id = bd_central_store_add_token (store, name, role, ward, hash, &error);
      if (id < 0)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      g_print (_("Token %lld (%s) for “%s”. It is shown only now; keep it safe:\n"),
               (long long) id, bd_central_role_to_string (role), name);
      g_print ("%s\n", token);
      memset (token, 0, strlen (token));
      return 0;
    }
  else if (strcmp (verb, "list") == 0)
    {
      g_autoptr(GPtrArray) tokens = NULL;

      if (argc != 2)
        return usage (context);
      if ((store = open_store (database)) == NULL)
        return 1;
      tokens = bd_central_store_list_tokens (store, &error);
      if (tokens == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      g_print ("%-4s %-5s %-7s %-25s %-8s %s\n", "id", "role", "ward", "created", "revoked", "name");
      for (guint i = 0; i < tokens->len; i++)
        {
          BdCentralToken *token = g_ptr_array_index (tokens, i);

          g_print ("%-4" G_GINT64_FORMAT " %-5s %-7s %-25s %-8s %s\n", token->id,
                   bd_central_role_to_string (token->role), token->ward ? token->ward : "-",
                   token->created_at, token->revoked ? "yes" : "no", token->name);
        }
      return 0;
    }
  else if (strcmp (verb, "revoke") == 0)
    {
      guint64 id;

      if (argc != 3 || !g_ascii_string_to_unsigned (argv[2], 10, 1, G_MAXINT64, &id, NULL))
        {
          g_printerr ("%s\n", _("token revoke needs the token’s id."));
          return 2;
        }
      if ((store = open_store (database)) == NULL)
        return 1;
      if (!bd_central_store_revoke_token (store, (gint64) id, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      g_print (_("Token %llu revoked.\n"), (unsigned long long) id);
      return 0;
    }

  return usage (context);
}

/* Validates one feature of an import and brings it to its stored form
 * (when @convert; otherwise returns a reference to the checked feature). */
static JsonNode *
prepare_import_feature (const char  *collection,
                        JsonNode    *node,
                        guint        position,
                        gboolean     convert,
                        GError     **error)
{
  g_autoptr(JsonNode) copy = json_node_copy (node);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *id = NULL;
  JsonObject *object;
  JsonNode *member;

  if (!bd_central_feature_check (copy, NULL, &local_error))
    {
      g_set_error (error, local_error->domain, local_error->code,
                   _("Feature %u: %s"), position, local_error->message);
      return NULL;
    }
  object = json_node_get_object (copy);
  member = json_object_get_member (object, "id");
  if (member != NULL && json_node_get_value_type (member) == G_TYPE_STRING)
    id = g_strdup (json_node_get_string (member));
  else if (member != NULL && json_node_get_value_type (member) == G_TYPE_INT64)
    id = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (member));
  else
    id = g_uuid_string_random ();
  if (!bd_central_id_is_valid (id))
    {
      g_set_error (error, BD_CENTRAL_STORE_ERROR, BD_CENTRAL_STORE_ERROR_INVALID,
                   _("Feature %u: the id must be 1 to 128 letters, digits or “._~-”."), position);
      return NULL;
    }
  json_object_set_string_member (object, "id", id);

  if (strcmp (collection, "reports") == 0)
    {
      g_autoptr(BdReport) report = bd_report_new_from_json (copy, &local_error);

      if (report == NULL || !bd_report_validate (report, &local_error))
        {
          g_set_error (error, local_error->domain, local_error->code,
                       _("Feature %u: %s"), position, local_error->message);
          return NULL;
        }
      if (convert)
        return bd_report_to_json (report);
    }
  else if (bd_feature_is_overlay_collection (collection) &&
           !bd_feature_validate (collection, copy, NULL, &local_error))
    {
      g_set_error (error, local_error->domain, local_error->code,
                   _("Feature %u: %s"), position, local_error->message);
      return NULL;
    }

  return g_steal_pointer (&copy);
}

/* An import reads the FeatureCollection twice, one feature at a time (the
 * file stays mapped, and no tree of the whole file is ever built): the
 * first pass checks every feature, so that a bad one refuses the file
 * before the database is opened; the second converts them again and hands
 * each to the store as it comes, all in one transaction, so that a fault
 * of the database part-way leaves nothing of the file either. Memory stays
 * near the file's size: one feature's tree at a time, and SQLite's page
 * cache (what it cannot hold goes to the WAL until the commit). */
typedef struct
{
  const char     *collection;
  BdCentralStore *store;          /* NULL in the checking pass */
  guint           n_features;
  gboolean        is_collection;  /* "type": "FeatureCollection" */
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
      g_autofree char *type = bd_json_dup_string (value, length);

      import->is_collection = g_strcmp0 (type, "FeatureCollection") == 0;
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
  g_autoptr(JsonNode) prepared = NULL;
  guint position = index + 1;   /* messages count features from 1, as bosai-desk does */

  prepared = prepare_import_feature (import->collection, node, position, import->store != NULL,
                                     error);
  if (prepared == NULL)
    return FALSE;

  if (import->store != NULL)
    {
      g_autoptr(GError) local_error = NULL;

      if (!bd_central_store_import_add (import->store, import->collection, prepared,
                                        &local_error))
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                      _("Feature %u: "), position);
          return FALSE;
        }
    }
  import->n_features++;
  return TRUE;
}

/* One pass over the features of @data (in the writing pass, inside the
 * store's import transaction, which the caller ends); FALSE with a message
 * printed. */
static gboolean
import_pass (Import     *import,
             const char *path,
             const char *data,
             gsize       length)
{
  g_autoptr(GError) error = NULL;

  import->n_features = 0;
  import->is_collection = FALSE;
  if (!bd_json_walk_array_member (data, length, "features", import_member, import_feature,
                                  import, &error))
    {
      g_autoptr(GError) json_error = NULL;

      /* Bad JSON further on is said as such, before a feature's faults. */
      if (error->domain != BD_JSON_ERROR &&
          !bd_json_validate (data, length, BD_JSON_MAX_DEPTH, NULL, &json_error))
        {
          g_clear_error (&error);
          error = g_steal_pointer (&json_error);
        }
      if (g_error_matches (error, BD_JSON_ERROR, BD_JSON_ERROR_STRUCTURE))
        g_printerr (_("%s is not a GeoJSON FeatureCollection.\n"), path);
      else if (error->domain == BD_JSON_ERROR)
        /* Translators: the second %s says why, e.g. "Not valid JSON: … at byte 12." */
        g_printerr (_("%s is not valid JSON. %s\n"), path, error->message);
      else
        g_printerr (_("%s: nothing imported. %s\n"), path, error->message);
      return FALSE;
    }
  if (!import->is_collection)
    {
      g_printerr (_("%s is not a GeoJSON FeatureCollection.\n"), path);
      return FALSE;
    }
  return TRUE;
}

static int
cmd_import (int    argc,
            char **argv)
{
  g_autofree char *database = NULL;
  g_autofree char *collection = NULL;
  GOptionEntry entries[] = {
    { "database", 'd', 0, G_OPTION_ARG_FILENAME, &database, N_("The SQLite database"), N_("PATH") },
    { "collection", 'c', 0, G_OPTION_ARG_STRING, &collection,
      N_("reports, shelters, areas or alerts"), N_("NAME") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE.geojson — load a layer"));
  g_autoptr(GError) error = NULL;
  g_autoptr(BdCentralStore) store = NULL;
  g_autoptr(GMappedFile) file = NULL;
  Import import = { 0 };
  const char *data;
  gsize length;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (argc != 2)
    return usage (context);
  if (!bd_central_store_is_collection (collection))
    {
      g_printerr ("%s\n", _("--collection must be reports, shelters, areas or alerts."));
      return 2;
    }

  file = g_mapped_file_new (argv[1], FALSE, &error);
  if (file == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  length = g_mapped_file_get_length (file);
  if (length > MAX_IMPORT_BYTES)
    {
      g_printerr (_("%s is larger than %d MiB.\n"), argv[1], MAX_IMPORT_BYTES >> 20);
      return 1;
    }
  /* An empty file maps to no memory at all. */
  data = length > 0 ? g_mapped_file_get_contents (file) : "";

  import.collection = collection;
  if (!import_pass (&import, argv[1], data, length))
    return 1;

  if ((store = open_store (database)) == NULL)
    return 1;
  if (!bd_central_store_import_begin (store, &error))
    {
      g_printerr (_("%s: nothing imported. %s\n"), argv[1], error->message);
      return 1;
    }
  import.store = store;
  if (!import_pass (&import, argv[1], data, length))
    {
      bd_central_store_import_rollback (store);
      return 1;
    }
  if (!bd_central_store_import_commit (store, &error))
    {
      g_printerr (_("%s: nothing imported. %s\n"), argv[1], error->message);
      return 1;
    }

  g_print (_("Imported %u features into %s.\n"), import.n_features, collection);
  return 0;
}

/* `ingest-jma FILE…`: each file is one message, taken in on its own (one
 * transaction each); a refused one is said and the others still go in. */
static int
cmd_ingest_jma (int    argc,
                char **argv)
{
  g_autofree char *database = NULL;
  GOptionEntry entries[] = {
    { "database", 'd', 0, G_OPTION_ARG_FILENAME, &database, N_("The SQLite database"), N_("PATH") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE… — take in JMA disaster XML messages"));
  g_autoptr(GError) error = NULL;
  g_autoptr(BdCentralStore) store = NULL;
  guint n_refused = 0;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (argc < 2)
    return usage (context);
  if ((store = open_store (database)) == NULL)
    return 1;

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) file_error = NULL;
      g_autofree char *data = NULL;
      BdCentralJmaResult result;
      gsize length = 0;

      if (!bd_central_jma_read_file (argv[i], &data, &length, &file_error) ||
          !bd_central_jma_ingest (store, data, length, argv[i], &result, &file_error))
        {
          g_printerr (_("%s: nothing taken in. %s\n"), argv[i], file_error->message);
          n_refused++;
        }
      else if (result.duplicate)
        g_print (_("%s: already taken in.\n"), argv[i]);
      else
        g_print (g_dngettext (GETTEXT_PACKAGE, "%s: %u alert written.\n",
                              "%s: %u alerts written.\n", result.n_written),
                 argv[i], result.n_written);
    }
  return n_refused > 0 ? 1 : 0;
}

/* `tiles add NAME FILE [--overlay]`, `tiles list`, `tiles remove NAME`: the
 * MBTiles files served at /tiles, each copied into DATABASE.tiles/. */
static int
cmd_tiles (int    argc,
           char **argv)
{
  g_autofree char *database = NULL;
  gboolean overlay = FALSE;
  GOptionEntry entries[] = {
    { "database", 'd', 0, G_OPTION_ARG_FILENAME, &database, N_("The SQLite database"), N_("PATH") },
    { "overlay", 0, 0, G_OPTION_ARG_NONE, &overlay,
      N_("The tiles are an overlay (hazards), not a base map (tiles add)"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new (_("add NAME FILE.mbtiles|list|remove NAME — manage the map tiles served"));
  g_autoptr(GError) error = NULL;
  g_autoptr(BdCentralStore) store = NULL;
  const char *verb;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (argc < 2)
    return usage (context);
  verb = argv[1];

  if (strcmp (verb, "add") == 0 && argc == 4)
    {
      g_autoptr(BdCentralTileSet) set = NULL;

      if ((store = open_store (database)) == NULL)
        return 1;
      set = bd_central_tiles_add (store, database, argv[2], argv[3], overlay, &error);
      if (set == NULL)
        {
          g_printerr (_("%s: not added. %s\n"), argv[3], error->message);
          return 1;
        }
      g_print (_("Added the tile set %s (%s, zoom %d–%d), kept in %s.\n"), set->name,
               set->format, set->min_zoom, set->max_zoom, set->path);
      return 0;
    }
  else if (strcmp (verb, "list") == 0 && argc == 2)
    {
      g_autoptr(GPtrArray) sets = NULL;

      if ((store = open_store (database)) == NULL)
        return 1;
      if ((sets = bd_central_store_tile_sets_list (store, &error)) == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      for (guint i = 0; i < sets->len; i++)
        {
          const BdCentralTileSet *set = g_ptr_array_index (sets, i);

          g_print ("%s\t%s\t%s\t%d-%d\t%.6f,%.6f,%.6f,%.6f\t%s\t%s\n", set->name,
                   set->overlay ? "overlay" : "base", set->format, set->min_zoom,
                   set->max_zoom, set->min_lon, set->min_lat, set->max_lon, set->max_lat,
                   set->path, set->attribution);
        }
      return 0;
    }
  else if (strcmp (verb, "remove") == 0 && argc == 3)
    {
      if ((store = open_store (database)) == NULL)
        return 1;
      if (!bd_central_tiles_remove (store, argv[2], &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      g_print (_("Removed the tile set %s.\n"), argv[2]);
      return 0;
    }
  return usage (context);
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir;
  const char *command;

  setlocale (LC_ALL, "");
  localedir = g_getenv ("BD_LOCALEDIR");
  if (localedir == NULL || localedir[0] == '\0')
    localedir = LOCALEDIR;
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("bosai-central");

  command = argc > 1 ? argv[1] : NULL;
  if (g_strcmp0 (command, "serve") == 0)
    return cmd_serve (argc - 1, argv + 1);
  if (g_strcmp0 (command, "token") == 0)
    return cmd_token (argc - 1, argv + 1);
  if (g_strcmp0 (command, "import") == 0)
    return cmd_import (argc - 1, argv + 1);
  if (g_strcmp0 (command, "ingest-jma") == 0)
    return cmd_ingest_jma (argc - 1, argv + 1);
  if (g_strcmp0 (command, "tiles") == 0)
    return cmd_tiles (argc - 1, argv + 1);

  g_printerr ("%s\n", _("Usage: bosai-central serve|token|import|ingest-jma|tiles --help"));
  return 2;
}
