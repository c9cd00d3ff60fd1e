/* bd-store-as-of.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Issue 10, part 7: a report as it was at a time, from its version valid
 * then (report_versions, migration 8), for the list "as of" the time bar. */

#define G_LOG_DOMAIN "bd-store"

#include "config.h"

#include "bd-store-private.h"

#include <glib/gi18n-lib.h>

static const char version_sql[] =
  "SELECT ward, category, severity, status, observed_at, lat, lon"
  " FROM report_versions"
  " WHERE report_rowid = ?1 AND valid_from <= ?2 AND (valid_to IS NULL OR valid_to > ?2)"
  "  AND deleted = 0"
  " ORDER BY valid_from DESC LIMIT 1";

BdReport *
bd_store_get_report_as_of (BdStore  *self,
                           gint64    rowid,
                           gint64    as_of,
                           GError  **error)
{
  g_autoptr(BdReport) report = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (BD_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(report = bd_store_get_report_by_rowid (self, rowid, error)))
    return NULL;

  rc = sqlite3_prepare_v3 (self->db, version_sql, -1, 0, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _bd_store_set_sql_error (self->db, error, rc, _("Cannot read the reports"));
      return NULL;
    }
  sqlite3_bind_int64 (stmt, 1, rowid);
  sqlite3_bind_int64 (stmt, 2, as_of);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      bd_report_set_ward (report, (const char *) sqlite3_column_text (stmt, 0));
      bd_report_set_category (report, (const char *) sqlite3_column_text (stmt, 1));
      bd_report_set_severity (report, sqlite3_column_int (stmt, 2));
      bd_report_set_status (report, (const char *) sqlite3_column_text (stmt, 3));
      if (sqlite3_column_type (stmt, 4) == SQLITE_INTEGER)
        {
          g_autoptr(GDateTime) observed = g_date_time_new_from_unix_utc (sqlite3_column_int64 (stmt, 4));

          if (observed != NULL)
            bd_report_set_observed_at (report, observed);
        }
      bd_report_set_location (report, sqlite3_column_double (stmt, 5),
                              sqlite3_column_double (stmt, 6));
      bd_report_set_deleted (report, FALSE);
      sqlite3_finalize (stmt);
      return g_steal_pointer (&report);
    }

  if (rc == SQLITE_DONE)
    g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_NOT_FOUND,
                 _("There is no report number %lld"), (long long) rowid);
  else
    _bd_store_set_sql_error (self->db, error, rc, _("Cannot read the reports"));
  sqlite3_finalize (stmt);
  return NULL;
}

static gboolean
first_observed_on (sqlite3  *db,
                   gint64   *first,
                   GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean found = FALSE;
  int rc;

  rc = sqlite3_prepare_v3 (db,
                           "SELECT min(coalesce(observed_at, valid_from)) FROM report_versions"
                           " WHERE deleted = 0", -1, 0, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _bd_store_set_sql_error (db, error, rc, _("Cannot read the reports"));
      return FALSE;
    }

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_type (stmt, 0) == SQLITE_INTEGER)
    {
      *first = sqlite3_column_int64 (stmt, 0);
      found = TRUE;
    }
  else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    _bd_store_set_sql_error (db, error, rc, _("Cannot read the reports"));
  sqlite3_finalize (stmt);

  return found;
}

gboolean
bd_store_get_first_observed (BdStore  *self,
                             gint64   *first,
                             GError  **error)
{
  g_return_val_if_fail (BD_IS_STORE (self), FALSE);
  g_return_val_if_fail (first != NULL, FALSE);

  return first_observed_on (self->db, first, error);
}

/* On a worker thread, over a read-only connection of its own (WAL). */
static void
first_observed_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  const char *path = task_data;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  gint64 *first = g_new (gint64, 1);
  int rc;

  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      _bd_store_set_sql_error (db, &error, rc, _("Cannot read the reports"));
      sqlite3_close (db);
      g_free (first);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  sqlite3_busy_timeout (db, 5000);

  if (first_observed_on (db, first, &error))
    g_task_return_pointer (task, first, g_free);
  else
    {
      g_free (first);
      if (error != NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_pointer (task, NULL, NULL);
    }
  sqlite3_close (db);
}

void
bd_store_get_first_observed_async (BdStore             *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (BD_IS_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bd_store_get_first_observed_async);
  g_task_set_task_data (task, g_strdup (self->path), g_free);
  g_task_run_in_thread (task, first_observed_thread);
}

gboolean
bd_store_get_first_observed_finish (BdStore       *self,
                                    GAsyncResult  *result,
                                    gint64        *first,
                                    GError       **error)
{
  g_autofree gint64 *value = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  value = g_task_propagate_pointer (G_TASK (result), error);
  if (value == NULL)
    return FALSE;
  if (first != NULL)
    *first = *value;
  return TRUE;
}
