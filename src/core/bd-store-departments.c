/* bd-store-departments.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-store"

#include "config.h"

#include "bd-store-private.h"

#include <glib/gi18n-lib.h>

/* The store's own list of departments (bd-departments.h), seeded from the
 * resource data the first time it is read; the headquarters edits it.
 * Read and written rarely: the statements are prepared each time. */

static sqlite3_stmt *
prepare (BdStore     *self,
         const char  *sql,
         GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      _bd_store_set_sql_error (self->db, error, rc, _("Cannot read the departments"));
      sqlite3_finalize (stmt);
      return NULL;
    }
  return stmt;
}

/* Inserts or updates one department; inside a transaction. A new one goes
 * at the end of the list. */
static gboolean
write_department (BdStore             *self,
                  const BdDepartment  *department,
                  GError             **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = prepare (self,
                        "INSERT INTO departments (code, name_ja, name_en, position, retired)"
                        " VALUES (?1, ?2, ?3,"
                        "  (SELECT coalesce (max (position), 0) + 1 FROM departments), ?4)"
                        " ON CONFLICT (code) DO UPDATE SET name_ja = excluded.name_ja,"
                        "  name_en = excluded.name_en, retired = excluded.retired",
                        error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, department->code, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, department->name_ja, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, department->name_en, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 4, department->retired ? 1 : 0);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _bd_store_set_sql_error (self->db, error, rc, _("Cannot save the department"));
      return FALSE;
    }
  return TRUE;
}

static GPtrArray *
read_departments (BdStore  *self,
                  GError  **error)
{
  g_autoptr(GPtrArray) list = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = prepare (self,
                        "SELECT code, name_ja, name_en, retired FROM departments"
                        " ORDER BY position, code",
                        error)))
    return NULL;

  list = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_department_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, bd_department_new ((const char *) sqlite3_column_text (stmt, 0),
                                              (const char *) sqlite3_column_text (stmt, 1),
                                              (const char *) sqlite3_column_text (stmt, 2),
                                              sqlite3_column_int (stmt, 3) != 0));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _bd_store_set_sql_error (self->db, error, rc, _("Cannot read the departments"));
      return NULL;
    }

  return g_steal_pointer (&list);
}

GPtrArray *
bd_store_list_departments (BdStore  *self,
                           GError  **error)
{
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) defaults = NULL;

  g_return_val_if_fail (BD_IS_STORE (self), NULL);

  if (!(list = read_departments (self, error)))
    return NULL;
  if (list->len > 0)
    return g_steal_pointer (&list);

  /* first use: the resource's list (a department is never deleted, only
   * retired, so an empty table has never been seeded) */
  defaults = bd_departments_dup_defaults ();
  if (!_bd_store_begin (self, error))
    return NULL;
  for (guint i = 0; i < defaults->len; i++)
    if (!write_department (self, g_ptr_array_index (defaults, i), error))
      {
        _bd_store_rollback (self);
        return NULL;
      }
  if (!_bd_store_commit (self, error))
    return NULL;

  return read_departments (self, error);
}

gboolean
bd_store_save_department (BdStore             *self,
                          const BdDepartment  *department,
                          GError             **error)
{
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (BD_IS_STORE (self), FALSE);
  g_return_val_if_fail (department != NULL, FALSE);

  if (!bd_departments_check (department, &local_error))
    {
      g_set_error_literal (error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID, local_error->message);
      return FALSE;
    }

  /* seeded first, so that the first edit does not stand for the list */
  if (!(list = bd_store_list_departments (self, error)))
    return FALSE;

  if (!_bd_store_begin (self, error))
    return FALSE;
  if (!write_department (self, department, error))
    {
      _bd_store_rollback (self);
      return FALSE;
    }
  return _bd_store_commit (self, error);
}
