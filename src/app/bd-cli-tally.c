/* bd-cli-tally.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-cli-tally"

#include "config.h"

#include "bd-cli-tally.h"

#include <glib/gi18n.h>

#include "bd-tally.h"
#include "bd-time.h"

/* bosai-desk --database DB --export-tally FILE.csv [--as-of RFC3339 |
 * --edition N]: the damage tally (第4号様式 その2) as CSV, for scripts. */

static const GOptionEntry tally_entries[] = {
  { "export-tally", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Write the damage tally to FILE as CSV, then exit"), N_("FILE") },
  { "as-of", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("The tally as of TIME (RFC 3339; default: now)"), N_("TIME") },
  { "edition", 0, 0, G_OPTION_ARG_INT64, NULL,
    N_("Write issued edition N of the tally as it was issued"), N_("N") },
  { NULL }
};

void
bd_cli_tally_add_options (GApplication *application)
{
  GOptionEntry entries[G_N_ELEMENTS (tally_entries)];

  for (guint i = 0; i < G_N_ELEMENTS (tally_entries); i++)
    {
      entries[i] = tally_entries[i];
      if (entries[i].description != NULL)
        entries[i].description = _(entries[i].description);
      if (entries[i].arg_description != NULL)
        entries[i].arg_description = _(entries[i].arg_description);
    }
  g_application_add_main_option_entries (application, entries);
}

gboolean
bd_cli_tally_handle_options (GVariantDict *options,
                             BdStore      *store,
                             int          *exit_status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) as_of = NULL;
  g_autoptr(BdTally) tally = NULL;
  const char *path = NULL;
  const char *as_of_text = NULL;
  gint64 edition = 0;
  gboolean has_edition;

  g_return_val_if_fail (options != NULL, FALSE);
  g_return_val_if_fail (exit_status != NULL, FALSE);

  g_variant_dict_lookup (options, "export-tally", "^&ay", &path);
  g_variant_dict_lookup (options, "as-of", "&s", &as_of_text);
  has_edition = g_variant_dict_lookup (options, "edition", "x", &edition);
  if (path == NULL && as_of_text == NULL && !has_edition)
    return FALSE;

  *exit_status = 2;
  if (path == NULL || *path == '\0')
    {
      g_printerr (_("bosai-desk: --as-of and --edition need --export-tally FILE\n"));
      return TRUE;
    }
  if (as_of_text != NULL && has_edition)
    {
      g_printerr (_("bosai-desk: an edition has its own time: give --as-of or --edition, not both\n"));
      return TRUE;
    }
  if (has_edition && edition <= 0)
    {
      g_printerr (_("bosai-desk: --edition needs an edition number (1 or more)\n"));
      return TRUE;
    }
  if (as_of_text != NULL && !(as_of = bd_parse_timestamp (as_of_text)))
    {
      g_printerr (_("bosai-desk: --as-of “%s” is not an RFC 3339 time such as "
                    "2026-12-06T14:00:00+09:00\n"), as_of_text);
      return TRUE;
    }

  if (has_edition)
    {
      if (!(tally = bd_tally_load_edition (store, edition, &error)))
        {
          g_printerr (_("bosai-desk: cannot read edition %lld of the tally: %s\n"),
                      (long long) edition, error->message);
          *exit_status = g_error_matches (error, BD_STORE_ERROR, BD_STORE_ERROR_NOT_FOUND) ? 2 : 1;
          return TRUE;
        }
    }
  else
    {
      if (as_of == NULL)
        as_of = g_date_time_new_now_local ();
      if (!(tally = bd_tally_compute (store, as_of, &error)))
        {
          g_printerr (_("bosai-desk: cannot tally the reports: %s\n"), error->message);
          *exit_status = 1;
          return TRUE;
        }
    }

  if (!bd_tally_write_csv (tally, path, &error))
    {
      g_printerr (_("bosai-desk: cannot write the tally to “%s”: %s\n"), path, error->message);
      *exit_status = 1;
      return TRUE;
    }

  *exit_status = 0;
  return TRUE;
}
