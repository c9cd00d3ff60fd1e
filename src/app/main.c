/* main.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bosai-desk"

#include "config.h"

#include <locale.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "bd-application.h"

/* The build tree's po folder when this binary runs from a meson build tree
 * (build/src/app/bosai-desk next to build/meson-private and build/po, where
 * meson puts the catalogues: build/po/ja/LC_MESSAGES/bosai-desk.mo), so that
 * a run by hand from the build tree speaks the user's language like an
 * installed one; NULL otherwise (installed, or no /proc). */
static char *
find_build_tree_localedir (void)
{
  g_autofree char *exe = NULL;
  g_autofree char *app_dir = NULL;
  g_autofree char *build_dir = NULL;
  g_autofree char *marker = NULL;
  g_autofree char *podir = NULL;

  exe = g_file_read_link ("/proc/self/exe", NULL);
  if (exe == NULL || !g_path_is_absolute (exe))
    return NULL;

  app_dir = g_path_get_dirname (exe);
  if (!g_str_has_suffix (app_dir, G_DIR_SEPARATOR_S "src" G_DIR_SEPARATOR_S "app"))
    return NULL;

  build_dir = g_strndup (app_dir, strlen (app_dir) - strlen (G_DIR_SEPARATOR_S "src" G_DIR_SEPARATOR_S "app"));
  marker = g_build_filename (build_dir, "meson-private", NULL);
  podir = g_build_filename (build_dir, "po", NULL);
  if (!g_file_test (marker, G_FILE_TEST_IS_DIR) || !g_file_test (podir, G_FILE_TEST_IS_DIR))
    return NULL;

  return g_steal_pointer (&podir);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(BdApplication) app = NULL;
  g_autofree char *build_localedir = NULL;
  const char *localedir;

  setlocale (LC_ALL, "");

  /* BD_LOCALEDIR wins (tests point it at a build's po folder); then the
   * build tree's own catalogues when run from it; then the installed ones. */
  localedir = g_getenv ("BD_LOCALEDIR");
  if (localedir == NULL || localedir[0] == '\0')
    {
      build_localedir = find_build_tree_localedir ();
      localedir = build_localedir != NULL ? build_localedir : LOCALEDIR;
    }

  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Bosai Desk"));

  app = bd_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
