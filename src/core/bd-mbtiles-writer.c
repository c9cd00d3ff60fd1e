/* bd-mbtiles-writer.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-mbtiles"

#include "config.h"

#include "bd-mbtiles-writer.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

G_DEFINE_QUARK (bd-mbtiles-writer-error-quark, bd_mbtiles_writer_error)

struct _BdMbtilesWriter
{
  sqlite3      *db;
  char         *path;
  sqlite3_stmt *has;
  sqlite3_stmt *put;
  sqlite3_stmt *meta;
  guint         pending;     /* tiles in the open transaction */
  gboolean      opened;
  int           lock_fd;     /* flock()ed "PATH-lock", or -1 */
  char         *lock_path;
};

static const char schema_sql[] =
  "CREATE TABLE IF NOT EXISTS metadata (name TEXT NOT NULL, value TEXT);"
  "CREATE UNIQUE INDEX IF NOT EXISTS metadata_name ON metadata (name);"
  "CREATE TABLE IF NOT EXISTS tiles (zoom_level INTEGER NOT NULL, tile_column INTEGER NOT NULL,"
  "  tile_row INTEGER NOT NULL, tile_data BLOB NOT NULL);"
  "CREATE UNIQUE INDEX IF NOT EXISTS tile_index ON tiles (zoom_level, tile_column, tile_row);";

static gboolean
db_error (BdMbtilesWriter  *self,
          int               code,
          GError          **error)
{
  g_set_error (error, BD_MBTILES_WRITER_ERROR, code, _("Cannot write the map file “%s”: %s"),
               self->path, sqlite3_errmsg (self->db));
  return FALSE;
}

/* The writers' lock: flock () on a file beside the map, not on the map
 * itself (closing another descriptor of the database would drop SQLite's
 * own POSIX locks in this process). Taken again if the file was replaced
 * between open and flock (a writer closing unlinks it). */
static gboolean
take_lock (BdMbtilesWriter  *self,
           GError          **error)
{
  self->lock_path = g_strconcat (self->path, "-lock", NULL);
  for (guint attempt = 0; attempt < 5; attempt++)
    {
      struct stat held, named;
      int fd = g_open (self->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

      if (fd < 0)
        {
          int saved = errno;
          g_autofree char *display = g_filename_display_name (self->path);

          g_set_error (error, BD_MBTILES_WRITER_ERROR, BD_MBTILES_WRITER_ERROR_OPEN,
                       _("Cannot open “%s” as a map file: %s"), display, g_strerror (saved));
          return FALSE;
        }
      if (flock (fd, LOCK_EX | LOCK_NB) != 0)
        {
          int saved = errno;
          g_autofree char *display = g_filename_display_name (self->path);

          close (fd);
          if (saved == EWOULDBLOCK)
            g_set_error (error, BD_MBTILES_WRITER_ERROR, BD_MBTILES_WRITER_ERROR_BUSY,
                         _("The map file “%s” is being written by another copy: wait for it "
                           "to finish, or choose another file."), display);
          else
            g_set_error (error, BD_MBTILES_WRITER_ERROR, BD_MBTILES_WRITER_ERROR_OPEN,
                         _("Cannot open “%s” as a map file: %s"), display, g_strerror (saved));
          return FALSE;
        }
      if (fstat (fd, &held) == 0 && g_stat (self->lock_path, &named) == 0 &&
          held.st_dev == named.st_dev && held.st_ino == named.st_ino)
        {
          self->lock_fd = fd;
          return TRUE;
        }
      close (fd);
    }
  g_set_error (error, BD_MBTILES_WRITER_ERROR, BD_MBTILES_WRITER_ERROR_BUSY,
               _("The map file “%s” is being written by another copy: wait for it to finish, "
                 "or choose another file."), self->path);
  return FALSE;
}

static void
writer_free (BdMbtilesWriter *self)
{
  sqlite3_finalize (self->has);
  sqlite3_finalize (self->put);
  sqlite3_finalize (self->meta);
  if (self->opened)
    {
      /* A whole file again for those who copy it: the WAL folded back
       * (not while a reader has it open; it stays in WAL mode then) */
      sqlite3_exec (self->db, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE",
                    NULL, NULL, NULL);
    }
  sqlite3_close (self->db);
  if (self->lock_fd >= 0)
    {
      g_unlink (self->lock_path);
      close (self->lock_fd);
    }
  g_free (self->lock_path);
  g_free (self->path);
  g_free (self);
}

BdMbtilesWriter *
bd_mbtiles_writer_open (const char  *path,
                        GError     **error)
{
  BdMbtilesWriter *self = g_new0 (BdMbtilesWriter, 1);
  int rc;

  self->path = g_strdup (path);
  self->lock_fd = -1;
  if (!take_lock (self, error))
    {
      writer_free (self);
      return NULL;
    }
  rc = sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc != SQLITE_OK)
    goto fail;
  sqlite3_busy_timeout (self->db, 2000);
  /* WAL: a commit costs no fsync (synchronous NORMAL), so a copy may
   * commit every tile, and survives the process being killed */
  if (sqlite3_exec (self->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
                    NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_exec (self->db, schema_sql, NULL, NULL, NULL) != SQLITE_OK)
    goto fail;
  if (sqlite3_prepare_v2 (self->db, "SELECT 1 FROM tiles WHERE zoom_level = ?1 AND"
                          " tile_column = ?2 AND tile_row = ?3", -1, &self->has, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (self->db, "INSERT OR REPLACE INTO tiles (zoom_level, tile_column,"
                          " tile_row, tile_data) VALUES (?1, ?2, ?3, ?4)", -1, &self->put,
                          NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (self->db, "INSERT OR REPLACE INTO metadata (name, value)"
                          " VALUES (?1, ?2)", -1, &self->meta, NULL) != SQLITE_OK)
    goto fail;
  self->opened = TRUE;
  return self;

fail:
  g_set_error (error, BD_MBTILES_WRITER_ERROR, BD_MBTILES_WRITER_ERROR_OPEN,
               _("Cannot open “%s” as a map file: %s"), path,
               self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
  writer_free (self);
  return NULL;
}

static gboolean
ensure_transaction (BdMbtilesWriter  *self,
                    GError          **error)
{
  if (sqlite3_get_autocommit (self->db) &&
      sqlite3_exec (self->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    return db_error (self, BD_MBTILES_WRITER_ERROR_WRITE, error);
  return TRUE;
}

gboolean
bd_mbtiles_writer_set_metadata (BdMbtilesWriter  *self,
                                const char       *name,
                                const char       *value,
                                GError          **error)
{
  int rc;

  sqlite3_reset (self->meta);
  sqlite3_bind_text (self->meta, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (self->meta, 2, value, -1, SQLITE_STATIC);
  rc = sqlite3_step (self->meta);
  sqlite3_reset (self->meta);
  sqlite3_clear_bindings (self->meta);
  if (rc != SQLITE_DONE)
    return db_error (self, BD_MBTILES_WRITER_ERROR_WRITE, error);
  return TRUE;
}

static gint64
tms_row (guint z,
         guint y)
{
  return (((gint64) 1 << z) - 1) - (gint64) y;
}

gboolean
bd_mbtiles_writer_has_tile (BdMbtilesWriter *self,
                            guint            z,
                            guint            x,
                            guint            y)
{
  gboolean found;

  g_return_val_if_fail (z <= 30, FALSE);
  sqlite3_reset (self->has);
  sqlite3_bind_int (self->has, 1, (int) z);
  sqlite3_bind_int64 (self->has, 2, x);
  sqlite3_bind_int64 (self->has, 3, tms_row (z, y));
  found = sqlite3_step (self->has) == SQLITE_ROW;
  sqlite3_reset (self->has);
  return found;
}

gboolean
bd_mbtiles_writer_put_tile (BdMbtilesWriter  *self,
                            guint             z,
                            guint             x,
                            guint             y,
                            GBytes           *data,
                            GError          **error)
{
  gsize size;
  const void *bytes = g_bytes_get_data (data, &size);
  int rc;

  g_return_val_if_fail (z <= 30, FALSE);
  if (!ensure_transaction (self, error))
    return FALSE;
  sqlite3_reset (self->put);
  sqlite3_bind_int (self->put, 1, (int) z);
  sqlite3_bind_int64 (self->put, 2, x);
  sqlite3_bind_int64 (self->put, 3, tms_row (z, y));
  sqlite3_bind_blob64 (self->put, 4, bytes != NULL ? bytes : "", size, SQLITE_STATIC);
  rc = sqlite3_step (self->put);
  sqlite3_reset (self->put);
  sqlite3_clear_bindings (self->put);
  if (rc != SQLITE_DONE)
    return db_error (self, BD_MBTILES_WRITER_ERROR_WRITE, error);
  if (++self->pending >= BD_MBTILES_WRITER_BATCH)
    return bd_mbtiles_writer_flush (self, error);
  return TRUE;
}

gboolean
bd_mbtiles_writer_flush (BdMbtilesWriter  *self,
                         GError          **error)
{
  self->pending = 0;
  if (!sqlite3_get_autocommit (self->db) &&
      sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    {
      db_error (self, BD_MBTILES_WRITER_ERROR_WRITE, error);
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  return TRUE;
}

guint64
bd_mbtiles_writer_count_tiles (BdMbtilesWriter *self)
{
  sqlite3_stmt *s = NULL;
  guint64 n = 0;

  if (sqlite3_prepare_v2 (self->db, "SELECT COUNT (*) FROM tiles", -1, &s, NULL) == SQLITE_OK &&
      sqlite3_step (s) == SQLITE_ROW)
    n = (guint64) sqlite3_column_int64 (s, 0);
  sqlite3_finalize (s);
  return n;
}

void
bd_mbtiles_writer_close (BdMbtilesWriter *self)
{
  g_autoptr(GError) error = NULL;

  if (self == NULL)
    return;
  if (!bd_mbtiles_writer_flush (self, &error))
    g_warning ("%s", error->message);
  writer_free (self);
}
