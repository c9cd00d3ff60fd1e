/* main.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bosai-desk"

#include "config.h"

#include <locale.h>
#include <glib/gi18n-lib.h>

#include "bd-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(BdApplication) app = NULL;
  const char *localedir;

  setlocale (LC_ALL, "");

  /* Uninstalled runs (make run, tests) point BD_LOCALEDIR at the build's po folder. */
  localedir = g_getenv ("BD_LOCALEDIR");
  if (localedir == NULL || localedir[0] == '\0')
    localedir = LOCALEDIR;

  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Bosai Desk"));

  app = bd_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
