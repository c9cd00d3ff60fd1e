/* bd-application.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "bd-store.h"

G_BEGIN_DECLS

#define BD_TYPE_APPLICATION (bd_application_get_type ())

G_DECLARE_FINAL_TYPE (BdApplication, bd_application, BD, APPLICATION, AdwApplication)

BdApplication *bd_application_new                (void);

/* The database the application opens (before it is activated); NULL means
 * the default, g_get_user_data_dir()/bosai-desk/reports.sqlite. */
void           bd_application_set_database_path  (BdApplication  *self,
                                                  const char     *path);
const char    *bd_application_get_database_path  (BdApplication  *self);
/* An MBTiles file or tile folder; NULL means the GSettings key offline-map. */
void           bd_application_set_offline_map    (BdApplication  *self,
                                                  const char     *path);
const char    *bd_application_get_offline_map    (BdApplication  *self);

/* Opens the database if it is not open yet. */
gboolean       bd_application_ensure_store       (BdApplication  *self,
                                                  GError        **error);
/* The open store, or NULL before bd_application_ensure_store. */
BdStore       *bd_application_get_store          (BdApplication  *self);

/* The default database path (not created). */
char          *bd_application_dup_default_database_path (void);

G_END_DECLS
