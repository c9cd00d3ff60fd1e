/* bd-store-attachments.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-store"

#include "config.h"

#include "bd-store-private.h"

#include <glib/gi18n-lib.h>

#include <string.h>

/* Photos: kept by the SHA-256 of their bytes until the server has them,
 * and the list of those other clients took that this one wants. */

/* A pulled report's photos that this store does not hold go on the list. */
gboolean
_bd_store_want_attachments (BdStore     *self,
                            BdReport    *report,
                            GError     **error)
{
  g_autoptr(GVariant) attachments = bd_report_get_attachments (report);
  GVariantIter iter;
  const char *sha256, *media_type;

  if (g_variant_n_children (attachments) == 0 || bd_report_get_deleted (report))
    return TRUE;

  g_variant_iter_init (&iter, attachments);
  while (g_variant_iter_next (&iter, "(&s&s&s)", &sha256, &media_type, NULL))
    {
      sqlite3_stmt *stmt;
      gboolean held;

      if (!(stmt = _bd_store_get_stmt (self, STMT_ATTACHMENT_HELD, error)))
        return FALSE;
      sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_TRANSIENT);
      held = sqlite3_step (stmt) == SQLITE_ROW;
      sqlite3_reset (stmt);
      if (held)
        continue;

      if (!(stmt = _bd_store_get_stmt (self, STMT_WANTED_INSERT, error)))
        return FALSE;
      sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, bd_report_get_id (report), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, media_type, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 4, g_get_real_time ());
      if (!_bd_store_step_done (self, stmt, error))
        return FALSE;
    }
  return TRUE;
}

/* Photos */

char *
bd_store_add_attachment (BdStore     *self,
                         GBytes      *bytes,
                         const char  *media_type,
                         GError     **error)
{
  g_autofree char *sha256 = NULL;
  sqlite3_stmt *stmt;
  gsize size;

  g_return_val_if_fail (BD_IS_STORE (self), NULL);
  g_return_val_if_fail (bytes != NULL, NULL);

  size = g_bytes_get_size (bytes);
  if (media_type == NULL || !g_str_has_prefix (media_type, "image/") ||
      strlen (media_type) > 100)
    {
      g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID,
                   _("A photo must be an image"));
      return NULL;
    }
  if (size == 0 || size > BD_STORE_MAX_ATTACHMENT_BYTES)
    {
      g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID,
                   _("A photo must be between 1 byte and %d MB"),
                   BD_STORE_MAX_ATTACHMENT_BYTES >> 20);
      return NULL;
    }

  sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  if (!(stmt = _bd_store_get_stmt (self, STMT_ATTACHMENT_INSERT, error)))
    return NULL;
  sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, media_type, -1, SQLITE_TRANSIENT);
  sqlite3_bind_blob64 (stmt, 3, g_bytes_get_data (bytes, NULL), size, SQLITE_STATIC);
  if (!_bd_store_step_done (self, stmt, error))
    return NULL;
  return g_steal_pointer (&sha256);
}

GBytes *
bd_store_get_attachment (BdStore     *self,
                         const char  *sha256,
                         char       **media_type,
                         GError     **error)
{
  g_autoptr(StmtScope) scope = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BD_IS_STORE (self), NULL);
  g_return_val_if_fail (sha256 != NULL, NULL);

  if (!(stmt = _bd_store_get_stmt (self, STMT_ATTACHMENT_GET, error)))
    return NULL;
  scope = stmt;
  sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      if (media_type != NULL)
        *media_type = column_dup (stmt, 0);
      return g_bytes_new (sqlite3_column_blob (stmt, 1), sqlite3_column_bytes (stmt, 1));
    }
  if (rc != SQLITE_DONE)
    _bd_store_set_sql_error (self->db, error, rc, _("Cannot read a photo"));
  else
    g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_NOT_FOUND,
                 _("This device does not hold the photo %s"), sha256);
  return NULL;
}

gboolean
bd_store_attachment_needs_upload (BdStore    *self,
                                  const char *sha256)
{
  g_autoptr(StmtScope) scope = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (BD_IS_STORE (self), FALSE);

  if (sha256 == NULL || !(stmt = _bd_store_get_stmt (self, STMT_ATTACHMENT_NEEDS_UPLOAD, NULL)))
    return FALSE;
  scope = stmt;
  sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_TRANSIENT);
  return sqlite3_step (stmt) == SQLITE_ROW;
}

gboolean
bd_store_mark_attachment_uploaded (BdStore     *self,
                                   const char  *sha256,
                                   GError     **error)
{
  g_return_val_if_fail (BD_IS_STORE (self), FALSE);
  g_return_val_if_fail (sha256 != NULL, FALSE);

  return _bd_store_run_with_id (self, STMT_ATTACHMENT_UPLOADED, sha256, error);
}


char **
bd_store_list_wanted_attachments (BdStore  *self,
                                  guint     limit,
                                  GError  **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(StmtScope) scope = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BD_IS_STORE (self), NULL);

  if (!(stmt = _bd_store_get_stmt (self, STMT_WANTED_LIST, error)))
    return NULL;
  scope = stmt;
  sqlite3_bind_int64 (stmt, 1, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, column_dup (stmt, 0));
  if (rc != SQLITE_DONE)
    {
      _bd_store_set_sql_error (self->db, error, rc, _("Cannot read a photo"));
      return NULL;
    }
  g_ptr_array_add (list, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&list), FALSE);
}

gboolean
bd_store_forget_wanted_attachment (BdStore     *self,
                                   const char  *sha256,
                                   GError     **error)
{
  g_return_val_if_fail (BD_IS_STORE (self), FALSE);
  g_return_val_if_fail (sha256 != NULL, FALSE);

  return _bd_store_run_with_id (self, STMT_WANTED_DELETE, sha256, error);
}

gboolean
bd_store_add_downloaded_attachment (BdStore     *self,
                                    const char  *sha256,
                                    GBytes      *bytes,
                                    const char  *media_type,
                                    GError     **error)
{
  g_autofree char *sum = NULL;
  g_autofree char *added = NULL;
  g_autofree char *report_id = NULL;
  sqlite3_stmt *stmt;
  gint64 rowid = 0;

  g_return_val_if_fail (BD_IS_STORE (self), FALSE);
  g_return_val_if_fail (sha256 != NULL && bytes != NULL, FALSE);

  sum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  if (g_strcmp0 (sum, sha256) != 0)
    {
      g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID,
                   _("The photo %s from the server does not match its name"), sha256);
      return FALSE;
    }

  if (!(stmt = _bd_store_get_stmt (self, STMT_WANTED_REPORT, error)))
    return FALSE;
  {
    g_autoptr(StmtScope) scope = stmt;

    sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_TRANSIENT);
    if (sqlite3_step (stmt) == SQLITE_ROW)
      {
        report_id = column_dup (stmt, 0);
        rowid = sqlite3_column_int64 (stmt, 1);
      }
  }

  if (!_bd_store_begin (self, error))
    return FALSE;
  if (!(added = bd_store_add_attachment (self, bytes, media_type, error)) ||
      !_bd_store_run_with_id (self, STMT_ATTACHMENT_UPLOADED, sha256, error) ||
      !_bd_store_run_with_id (self, STMT_WANTED_DELETE, sha256, error))
    {
      _bd_store_rollback (self);
      return FALSE;
    }
  if (!_bd_store_commit (self, error))
    return FALSE;

  if (report_id != NULL)
    _bd_store_emit_changed (self, BD_STORE_CHANGE_UPDATED, report_id, rowid);
  return TRUE;
}
