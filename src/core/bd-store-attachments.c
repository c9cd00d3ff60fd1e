/* bd-store-attachments.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-store"

#include "config.h"

#include "bd-store-private.h"

#include "bd-media.h"

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

static gboolean
check_attachment (GBytes      *bytes,
                  const char  *media_type,
                  GError     **error)
{
  gsize size = g_bytes_get_size (bytes);

  /* What bosai-central takes (bd-media.h): a photo it would refuse with
   * 415 is refused here, before it is kept and queued. */
  if (!bd_media_matches (media_type,
                         bd_media_sniff (g_bytes_get_data (bytes, NULL), size)))
    {
      g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID,
                   _("A photo must be a JPEG, PNG, WebP or HEIC image of its stated type"));
      return FALSE;
    }
  if (size == 0 || size > BD_STORE_MAX_ATTACHMENT_BYTES)
    {
      g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID,
                   _("A photo must be between 1 byte and %d MB"),
                   BD_STORE_MAX_ATTACHMENT_BYTES >> 20);
      return FALSE;
    }

  return TRUE;
}

/* Checks, hashes and writes @bytes through @stmt (STMT_ATTACHMENT_INSERT
 * prepared on @db); returns the sha256. */
static char *
put_attachment (sqlite3       *db,
                sqlite3_stmt  *stmt,
                GBytes        *bytes,
                const char    *media_type,
                GError       **error)
{
  g_autoptr(StmtScope) scope = stmt;
  g_autofree char *sha256 = NULL;
  int rc;

  if (!check_attachment (bytes, media_type, error))
    return NULL;

  sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, media_type, -1, SQLITE_TRANSIENT);
  sqlite3_bind_blob64 (stmt, 3, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                       SQLITE_STATIC);
  if ((rc = sqlite3_step (stmt)) != SQLITE_DONE)
    {
      _bd_store_set_sql_error (db, error, rc, _("Cannot keep the photo"));
      return NULL;
    }

  return g_steal_pointer (&sha256);
}

/* Reads the photo @sha256 through @stmt (STMT_ATTACHMENT_GET prepared on
 * @db). */
static GBytes *
read_attachment (sqlite3       *db,
                 sqlite3_stmt  *stmt,
                 const char    *sha256,
                 char         **media_type,
                 GError       **error)
{
  g_autoptr(StmtScope) scope = stmt;
  int rc;

  sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      if (media_type != NULL)
        *media_type = column_dup (stmt, 0);
      return g_bytes_new (sqlite3_column_blob (stmt, 1), sqlite3_column_bytes (stmt, 1));
    }
  if (rc != SQLITE_DONE)
    _bd_store_set_sql_error (db, error, rc, _("Cannot read a photo"));
  else
    g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_NOT_FOUND,
                 _("This device does not hold the photo %s"), sha256);
  return NULL;
}

char *
bd_store_add_attachment (BdStore     *self,
                         GBytes      *bytes,
                         const char  *media_type,
                         GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (BD_IS_STORE (self), NULL);
  g_return_val_if_fail (bytes != NULL, NULL);

  if (!(stmt = _bd_store_get_stmt (self, STMT_ATTACHMENT_INSERT, error)))
    return NULL;
  return put_attachment (self->db, stmt, bytes, media_type, error);
}

GBytes *
bd_store_get_attachment (BdStore     *self,
                         const char  *sha256,
                         char       **media_type,
                         GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (BD_IS_STORE (self), NULL);
  g_return_val_if_fail (sha256 != NULL, NULL);

  if (!(stmt = _bd_store_get_stmt (self, STMT_ATTACHMENT_GET, error)))
    return NULL;
  return read_attachment (self->db, stmt, sha256, media_type, error);
}

/* Off the main thread. Hashing and writing up to 20 MB with
 * synchronous=FULL takes a few hundred milliseconds: the asynchronous
 * functions run on a worker, through a connection of the store's own for
 * photos. It is opened on first use (no checks, migrations or tokenizer:
 * the main connection did all that) and used by one worker at a time,
 * under photo_lock. WAL lets it write while the main connection reads; a
 * write of either waits for the other (busy timeout). (A store is always
 * a file in WAL mode, never one only its main connection sees.) */

/* Locks photo_lock and returns the photo connection, opening it first;
 * NULL (unlocked) when it cannot be opened. */
static sqlite3 *
lock_photo_connection (BdStore  *self,
                       GError  **error)
{
  g_mutex_lock (&self->photo_lock);

  if (self->photo_db == NULL)
    {
      sqlite3 *db = bd_sqlite_open (&_bd_store_schema, self->path, FALSE, error);

      if (db == NULL ||
          !bd_sqlite_exec (&_bd_store_schema, db,
                           "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;", error))
        {
          sqlite3_close (db);
          g_mutex_unlock (&self->photo_lock);
          return NULL;
        }
      self->photo_db = db;
    }

  return self->photo_db;
}

void
_bd_store_close_photo_connection (BdStore *self)
{
  g_mutex_lock (&self->photo_lock);
  if (self->photo_db != NULL && sqlite3_close (self->photo_db) != SQLITE_OK)
    g_warning ("Closing %s: %s", self->path, sqlite3_errmsg (self->photo_db));
  self->photo_db = NULL;
  g_mutex_unlock (&self->photo_lock);
}

typedef struct
{
  GBytes *bytes;
  char   *media_type;
  char   *sha256;
} PhotoData;

static void
photo_data_free (PhotoData *data)
{
  g_clear_pointer (&data->bytes, g_bytes_unref);
  g_free (data->media_type);
  g_free (data->sha256);
  g_free (data);
}

static void
add_attachment_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  BdStore *self = source_object;
  PhotoData *data = task_data;
  GError *error = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  char *sha256 = NULL;
  int rc;

  if (g_task_return_error_if_cancelled (task))
    return;

  if ((db = lock_photo_connection (self, &error)) != NULL)
    {
      rc = sqlite3_prepare_v2 (db, _bd_store_get_sql (STMT_ATTACHMENT_INSERT), -1, &stmt, NULL);
      if (rc != SQLITE_OK)
        _bd_store_set_sql_error (db, &error, rc, _("Cannot keep the photo"));
      else
        sha256 = put_attachment (db, stmt, data->bytes, data->media_type, &error);
      sqlite3_finalize (stmt);
      g_mutex_unlock (&self->photo_lock);
    }

  if (sha256 == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, sha256, g_free);
}

static void
read_attachment_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  BdStore *self = source_object;
  PhotoData *data = task_data;
  GError *error = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  GBytes *bytes = NULL;
  int rc;

  if (g_task_return_error_if_cancelled (task))
    return;

  if ((db = lock_photo_connection (self, &error)) != NULL)
    {
      rc = sqlite3_prepare_v2 (db, _bd_store_get_sql (STMT_ATTACHMENT_GET), -1, &stmt, NULL);
      if (rc != SQLITE_OK)
        _bd_store_set_sql_error (db, &error, rc, _("Cannot read a photo"));
      else
        bytes = read_attachment (db, stmt, data->sha256, &data->media_type, &error);
      sqlite3_finalize (stmt);
      g_mutex_unlock (&self->photo_lock);
    }

  if (bytes == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
}

void
bd_store_add_attachment_async (BdStore             *self,
                               GBytes              *bytes,
                               const char          *media_type,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  PhotoData *data;

  g_return_if_fail (BD_IS_STORE (self));
  g_return_if_fail (bytes != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (PhotoData, 1);
  data->bytes = g_bytes_ref (bytes);
  data->media_type = g_strdup (media_type);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bd_store_add_attachment_async);
  g_task_set_task_data (task, data, (GDestroyNotify) photo_data_free);
  g_task_run_in_thread (task, add_attachment_thread);
}

char *
bd_store_add_attachment_finish (BdStore       *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (BD_IS_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        bd_store_add_attachment_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
bd_store_read_attachment_async (BdStore             *self,
                                const char          *sha256,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  PhotoData *data;

  g_return_if_fail (BD_IS_STORE (self));
  g_return_if_fail (sha256 != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (PhotoData, 1);
  data->sha256 = g_strdup (sha256);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bd_store_read_attachment_async);
  g_task_set_task_data (task, data, (GDestroyNotify) photo_data_free);
  g_task_run_in_thread (task, read_attachment_thread);
}

GBytes *
bd_store_read_attachment_finish (BdStore       *self,
                                 GAsyncResult  *result,
                                 char         **media_type,
                                 GError       **error)
{
  GBytes *bytes;

  g_return_val_if_fail (BD_IS_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        bd_store_read_attachment_async, NULL);

  bytes = g_task_propagate_pointer (G_TASK (result), error);
  if (bytes != NULL && media_type != NULL)
    {
      PhotoData *data = g_task_get_task_data (G_TASK (result));

      *media_type = g_strdup (data->media_type);
    }
  return bytes;
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
