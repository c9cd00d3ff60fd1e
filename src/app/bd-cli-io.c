/* bd-cli-io.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-cli-io"

#include "config.h"

#include "bd-cli-io.h"

#include <glib/gi18n-lib.h>

#include "bd-export.h"
#include "bd-import.h"
#include "bd-store.h"

/* bosai-desk --database DB --import FILE: reports from GeoJSON or CSV
 * (bd-import.h: bad features skipped with their reasons, the rest written
 * in one transaction). It prints "N imported, M skipped" and the reasons,
 * and exits 1 only when nothing of the file could be read.
 *
 * bosai-desk --database DB --export FILE: every live report to GeoJSON,
 * CSV or KML, by FILE's extension. */

static const GOptionEntry io_entries[] = {
  { "import", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Import reports from a GeoJSON or CSV file as local edits, then exit"), N_("FILE") },
  { "export", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Export every report to FILE (.geojson, .json, .csv or .kml), then exit"), N_("FILE") },
  { NULL }
};

void
bd_cli_io_add_options (GApplication *application)
{
  g_application_add_main_option_entries (application, io_entries);
}

static int
run_import (BdStore    *store,
            const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdImportResult) result = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *reasons = NULL;

  result = bd_import_file (store, path, BD_FILE_FORMAT_NONE, "import", NULL, &error);
  if (result == NULL)
    {
      g_printerr (_("bosai-desk: nothing was imported from “%s”: %s\n"), path, error->message);
      return 1;
    }
  summary = bd_import_result_summary (result);
  reasons = bd_import_result_reasons (result);
  g_print ("%s\n", summary);
  if (reasons[0] != '\0')
    g_printerr ("%s\n", reasons);
  if (!bd_import_result_read_any (result))
    {
      g_printerr (_("bosai-desk: nothing could be read from “%s”\n"), path);
      return 1;
    }
  return 0;
}

static int
run_export (BdStore    *store,
            const char *path)
{
  g_autoptr(GError) error = NULL;
  guint n = 0;

  if (!bd_export_reports (store, path, BD_FILE_FORMAT_NONE, &n, NULL, &error))
    {
      g_printerr (_("bosai-desk: cannot export to “%s”: %s\n"), path, error->message);
      return 1;
    }
  g_print (ngettext ("%u report exported to “%s”\n", "%u reports exported to “%s”\n", n),
           n, path);
  return 0;
}

gboolean
bd_cli_io_handle_options (GVariantDict *options,
                          const char   *database,
                          int          *exit_status)
{
  g_autoptr(BdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  const char *import_path = NULL;
  const char *export_path = NULL;

  g_return_val_if_fail (options != NULL, FALSE);
  g_return_val_if_fail (exit_status != NULL, FALSE);

  g_variant_dict_lookup (options, "import", "^&ay", &import_path);
  g_variant_dict_lookup (options, "export", "^&ay", &export_path);
  if (import_path == NULL && export_path == NULL)
    return FALSE;

  /* An unknown extension is said before anything is done. */
  if (export_path != NULL && bd_file_format_from_path (export_path) == BD_FILE_FORMAT_NONE)
    {
      g_printerr (_("bosai-desk: cannot tell the format of “%s” from its name: use .geojson, "
                    ".json, .csv or .kml\n"), export_path);
      *exit_status = 1;
      return TRUE;
    }

  store = bd_store_open (database, &error);
  if (store == NULL)
    {
      g_printerr (_("bosai-desk: cannot open the report database “%s”: %s\n"),
                  database, error->message);
      *exit_status = 1;
      return TRUE;
    }

  *exit_status = 0;
  if (import_path != NULL)
    *exit_status = run_import (store, import_path);
  if (export_path != NULL && *exit_status == 0)
    *exit_status = run_export (store, export_path);
  return TRUE;
}
