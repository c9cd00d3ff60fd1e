/* bd-central-tiles.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* MBTiles files the city's administrator loads (bosai-central tiles add):
 * checked, copied beside the database, and read one tile at a time. */

#define G_LOG_DOMAIN "bd-central"

#include "config.h"

#include "bd-central-tiles.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#define MAX_METADATA_VALUE 4096
#define MAX_READERS 32
#define WEB_MERCATOR_MAX_LAT 85.0511287798066

G_DEFINE_QUARK (bd-central-tiles-error-quark, bd_central_tiles_error)

gboolean
bd_central_tiles_name_is_valid (const char *name)
{
  gsize n;

  if (name == NULL)
    return FALSE;
  n = strlen (name);
  if (n == 0 || n > 64)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    {
      if (!g_ascii_isalnum (name[i]) && name[i] != '-' && name[i] != '_')
        return FALSE;
    }
  return TRUE;
}

const char *
bd_central_tiles_content_type (const char *format)
{
  if (g_strcmp0 (format, "png") == 0)
    return "image/png";
  if (g_strcmp0 (format, "jpg") == 0)
    return "image/jpeg";
  if (g_strcmp0 (format, "webp") == 0)
    return "image/webp";
  return "application/octet-stream";
}

static const char *
sniff_format (const guint8 *data,
              gsize         length)
{
  if (length >= 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0)
    return "png";
  if (length >= 3 && memcmp (data, "\xff\xd8\xff", 3) == 0)
    return "jpg";
  if (length >= 12 && memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "WEBP", 4) == 0)
    return "webp";
  return NULL;
}

static sqlite3 *
open_read_only (const char  *path,
                GError     **error)
{
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);

  if (rc != SQLITE_OK)
    {
      g_set_error (error, BD_CENTRAL_TILES_ERROR, BD_CENTRAL_TILES_ERROR_IO,
                   _("Cannot open “%s”: %s"), path,
                   db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_busy_timeout (db, 2000);
  return db;
}

static gboolean
damaged (sqlite3     *db,
         const char  *path,
         GError     **error)
{
  g_set_error (error, BD_CENTRAL_TILES_ERROR, BD_CENTRAL_TILES_ERROR_INVALID,
               _("“%s” is not an MBTiles file: it is not an SQLite database, or it is damaged (%s)."),
               path, sqlite3_errmsg (db));
  return FALSE;
}

/* One value of the metadata table, or NULL. */
static char *
metadata_get (sqlite3    *db,
              const char *name)
{
  sqlite3_stmt *s = NULL;
  char *value = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT value FROM metadata WHERE name = ?1", -1, &s, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_text (s, 1, name, -1, SQLITE_STATIC);
  if (sqlite3_step (s) == SQLITE_ROW && sqlite3_column_type (s, 0) == SQLITE_TEXT &&
      sqlite3_column_bytes (s, 0) <= MAX_METADATA_VALUE)
    {
      const char *text = (const char *) sqlite3_column_text (s, 0);

      if (g_utf8_validate (text, -1, NULL))
        value = g_strstrip (g_strdup (text));
    }
  sqlite3_finalize (s);
  return value;
}

static gboolean
parse_zoom (const char *text,
            int        *zoom)
{
  guint64 value;

  if (text == NULL ||
      !g_ascii_string_to_unsigned (text, 10, 0, BD_CENTRAL_TILE_MAX_ZOOM, &value, NULL))
    return FALSE;
  *zoom = (int) value;
  return TRUE;
}

static gboolean
parse_bounds (const char       *text,
              BdCentralTileSet *set)
{
  g_auto(GStrv) parts = NULL;
  double v[4];

  if (text == NULL)
    return FALSE;
  parts = g_strsplit (text, ",", 5);
  if (g_strv_length (parts) != 4)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    {
      char *end = NULL;
      const char *p = g_strstrip (parts[i]);

      v[i] = g_ascii_strtod (p, &end);
      if (end == p || *end != '\0' || !isfinite (v[i]))
        return FALSE;
    }
  if (v[0] < -180 || v[2] > 180 || v[0] >= v[2] || v[1] < -90 || v[3] > 90 || v[1] >= v[3])
    return FALSE;
  set->min_lon = v[0];
  set->min_lat = MAX (v[1], -WEB_MERCATOR_MAX_LAT);
  set->max_lon = v[2];
  set->max_lat = MIN (v[3], WEB_MERCATOR_MAX_LAT);
  return TRUE;
}

static double
tile_lat (double y,
          int    z)
{
  double n = G_PI - 2.0 * G_PI * y / (double) (1u << z);

  return 180.0 / G_PI * atan (sinh (n));
}

/* The bounds of the tiles at @zoom, from their columns and rows. */
static gboolean
bounds_from_tiles (sqlite3          *db,
                   int               zoom,
                   BdCentralTileSet *set)
{
  sqlite3_stmt *s = NULL;
  gboolean ok = FALSE;

  if (sqlite3_prepare_v2 (db, "SELECT MIN (tile_column), MAX (tile_column), MIN (tile_row),"
                          " MAX (tile_row) FROM tiles WHERE zoom_level = ?1",
                          -1, &s, NULL) != SQLITE_OK)
    return FALSE;
  sqlite3_bind_int (s, 1, zoom);
  if (sqlite3_step (s) == SQLITE_ROW && sqlite3_column_type (s, 0) == SQLITE_INTEGER)
    {
      gint64 n = (gint64) 1 << zoom;
      gint64 min_x = CLAMP (sqlite3_column_int64 (s, 0), 0, n - 1);
      gint64 max_x = CLAMP (sqlite3_column_int64 (s, 1), 0, n - 1);
      gint64 min_row = CLAMP (sqlite3_column_int64 (s, 2), 0, n - 1);
      gint64 max_row = CLAMP (sqlite3_column_int64 (s, 3), 0, n - 1);

      set->min_lon = (double) min_x / n * 360.0 - 180.0;
      set->max_lon = (double) (max_x + 1) / n * 360.0 - 180.0;
      /* TMS rows count from the south */
      set->max_lat = tile_lat ((double) (n - 1 - max_row), zoom);
      set->min_lat = tile_lat ((double) (n - min_row), zoom);
      ok = TRUE;
    }
  sqlite3_finalize (s);
  return ok;
}

BdCentralTileSet *
bd_central_tiles_inspect (const char  *path,
                          GError     **error)
{
  g_autoptr(BdCentralTileSet) set = g_new0 (BdCentralTileSet, 1);
  g_autofree char *format = NULL;
  g_autofree char *min_text = NULL;
  g_autofree char *max_text = NULL;
  g_autofree char *bounds = NULL;
  sqlite3_stmt *s = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, BD_CENTRAL_TILES_ERROR, BD_CENTRAL_TILES_ERROR_IO,
                   _("“%s” is not a file."), path);
      return NULL;
    }
  if ((db = open_read_only (path, error)) == NULL)
    return NULL;

  /* A damaged page anywhere would fail a client later: look at them all. */
  rc = sqlite3_prepare_v2 (db, "PRAGMA quick_check", -1, &s, NULL);
  if (rc != SQLITE_OK)
    goto damaged;
  rc = sqlite3_step (s);
  if (rc != SQLITE_ROW || g_strcmp0 ((const char *) sqlite3_column_text (s, 0), "ok") != 0)
    {
      sqlite3_finalize (s);
      s = NULL;
      if (rc == SQLITE_ROW)
        {
          g_set_error (error, BD_CENTRAL_TILES_ERROR, BD_CENTRAL_TILES_ERROR_INVALID,
                       _("“%s” is damaged: it fails SQLite’s integrity check."), path);
          goto fail;
        }
      goto damaged;
    }
  sqlite3_finalize (s);
  s = NULL;

  /* tiles and metadata, each a table or a view (as MBTiles allows) */
  rc = sqlite3_prepare_v2 (db, "SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles"
                           " LIMIT 1", -1, &s, NULL);
  if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
    goto damaged;
  if (rc != SQLITE_OK)
    {
      g_set_error (error, BD_CENTRAL_TILES_ERROR, BD_CENTRAL_TILES_ERROR_INVALID,
                   _("“%s” is not an MBTiles file: it has no table of tiles (%s)."),
                   path, sqlite3_errmsg (db));
      goto fail;
    }
  rc = sqlite3_step (s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    goto damaged;
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, BD_CENTRAL_TILES_ERROR, BD_CENTRAL_TILES_ERROR_INVALID,
                   _("“%s” holds no tiles."), path);
      goto fail;
    }
  if (sqlite3_column_type (s, 3) != SQLITE_BLOB)
    {
      g_set_error (error, BD_CENTRAL_TILES_ERROR, BD_CENTRAL_TILES_ERROR_INVALID,
                   _("“%s” is not an MBTiles file: its tiles are not images."), path);
      goto fail;
    }
  format = g_strdup (sniff_format (sqlite3_column_blob (s, 3), (gsize) sqlite3_column_bytes (s, 3)));
  sqlite3_finalize (s);
  s = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT name, value FROM metadata LIMIT 1", -1, &s, NULL) != SQLITE_OK)
    {
      g_set_error (error, BD_CENTRAL_TILES_ERROR, BD_CENTRAL_TILES_ERROR_INVALID,
                   _("“%s” is not an MBTiles file: it has no metadata table (%s)."),
                   path, sqlite3_errmsg (db));
      goto fail;
    }
  sqlite3_finalize (s);
  s = NULL;

  /* the format: metadata first, then the first tile's bytes */
  {
    g_autofree char *declared = metadata_get (db, "format");

    if (declared != NULL)
      {
        if (g_ascii_strcasecmp (declared, "jpeg") == 0)
          g_free (declared), declared = g_strdup ("jpg");
        if (g_strcmp0 (declared, "png") != 0 && g_strcmp0 (declared, "jpg") != 0 &&
            g_strcmp0 (declared, "webp") != 0)
          {
            g_set_error (error, BD_CENTRAL_TILES_ERROR, BD_CENTRAL_TILES_ERROR_INVALID,
                         _("“%s” holds tiles of the format “%s”; only PNG, JPEG and WebP "
                           "images are served."), path, declared);
            goto fail;
          }
        g_free (format);
        format = g_steal_pointer (&declared);
      }
    if (format == NULL)
      {
        g_set_error (error, BD_CENTRAL_TILES_ERROR, BD_CENTRAL_TILES_ERROR_INVALID,
                     _("“%s” names no format and its first tile is not a PNG, JPEG or WebP image."),
                     path);
        goto fail;
      }
  }
  set->format = g_steal_pointer (&format);

  /* the zooms: metadata, else the tiles' own */
  min_text = metadata_get (db, "minzoom");
  max_text = metadata_get (db, "maxzoom");
  if (!parse_zoom (min_text, &set->min_zoom) || !parse_zoom (max_text, &set->max_zoom) ||
      set->min_zoom > set->max_zoom)
    {
      rc = sqlite3_prepare_v2 (db, "SELECT MIN (zoom_level), MAX (zoom_level) FROM tiles",
                               -1, &s, NULL);
      if (rc != SQLITE_OK || sqlite3_step (s) != SQLITE_ROW)
        goto damaged;
      set->min_zoom = sqlite3_column_int (s, 0);
      set->max_zoom = sqlite3_column_int (s, 1);
      sqlite3_finalize (s);
      s = NULL;
      if (set->min_zoom < 0 || set->max_zoom > BD_CENTRAL_TILE_MAX_ZOOM)
        {
          g_set_error (error, BD_CENTRAL_TILES_ERROR, BD_CENTRAL_TILES_ERROR_INVALID,
                       _("“%s” holds tiles beyond zoom levels 0 to %d."), path,
                       BD_CENTRAL_TILE_MAX_ZOOM);
          goto fail;
        }
    }

  bounds = metadata_get (db, "bounds");
  if (!parse_bounds (bounds, set) && !bounds_from_tiles (db, set->max_zoom, set))
    {
      set->min_lon = -180;
      set->max_lon = 180;
      set->min_lat = -WEB_MERCATOR_MAX_LAT;
      set->max_lat = WEB_MERCATOR_MAX_LAT;
    }
  set->attribution = metadata_get (db, "attribution");
  if (set->attribution == NULL)
    set->attribution = g_strdup ("");

  sqlite3_close (db);
  return g_steal_pointer (&set);

damaged:
  damaged (db, path, error);
fail:
  sqlite3_finalize (s);
  sqlite3_close (db);
  return NULL;
}

char *
bd_central_tiles_dir_for (const char *database)
{
  g_autofree char *absolute = g_canonicalize_filename (database, NULL);

  return g_strconcat (absolute, ".tiles", NULL);
}

BdCentralTileSet *
bd_central_tiles_add (BdCentralStore  *store,
                      const char      *database,
                      const char      *name,
                      const char      *file,
                      gboolean         overlay,
                      GError         **error)
{
  g_autoptr(BdCentralTileSet) set = NULL;
  g_autoptr(BdCentralTileSet) existing = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *target = NULL;
  g_autofree char *part = NULL;
  g_autoptr(GFile) source = NULL;
  g_autoptr(GFile) dest = NULL;

  if (!bd_central_tiles_name_is_valid (name))
    {
      g_set_error (error, BD_CENTRAL_TILES_ERROR, BD_CENTRAL_TILES_ERROR_NAME,
                   _("“%s” cannot name a tile set: use 1 to 64 letters, digits, “-” and “_”."),
                   name);
      return NULL;
    }
  existing = bd_central_store_tile_set_get (store, name, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (existing != NULL)
    {
      g_set_error (error, BD_CENTRAL_STORE_ERROR, BD_CENTRAL_STORE_ERROR_EXISTS,
                   _("A tile set named “%s” exists already."), name);
      return NULL;
    }
  if ((set = bd_central_tiles_inspect (file, error)) == NULL)
    return NULL;

  dir = bd_central_tiles_dir_for (database);
  if (g_mkdir_with_parents (dir, 0750) != 0)
    {
      int saved = errno;

      g_set_error (error, BD_CENTRAL_TILES_ERROR, BD_CENTRAL_TILES_ERROR_IO,
                   _("Cannot make the folder “%s”: %s"), dir, g_strerror (saved));
      return NULL;
    }
  base = g_strconcat (name, ".mbtiles", NULL);
  target = g_build_filename (dir, base, NULL);
  part = g_strconcat (target, ".part", NULL);
  source = g_file_new_for_path (file);
  dest = g_file_new_for_path (part);
  if (!g_file_copy (source, dest, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, error))
    {
      g_unlink (part);
      return NULL;
    }
  if (g_rename (part, target) != 0)
    {
      int saved = errno;

      g_unlink (part);
      g_set_error (error, BD_CENTRAL_TILES_ERROR, BD_CENTRAL_TILES_ERROR_IO,
                   _("Cannot write “%s”: %s"), target, g_strerror (saved));
      return NULL;
    }

  set->name = g_strdup (name);
  set->path = g_steal_pointer (&target);
  set->overlay = overlay;
  if (!bd_central_store_tile_set_add (store, set, error))
    {
      g_unlink (set->path);
      return NULL;
    }
  return g_steal_pointer (&set);
}

gboolean
bd_central_tiles_remove (BdCentralStore  *store,
                         const char      *name,
                         GError         **error)
{
  g_autoptr(BdCentralTileSet) set = NULL;
  g_autoptr(GError) local_error = NULL;

  set = bd_central_store_tile_set_get (store, name, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!bd_central_store_tile_set_remove (store, name, error))
    return FALSE;
  if (set != NULL && g_unlink (set->path) != 0 && errno != ENOENT)
    g_warning ("Cannot delete %s: %s", set->path, g_strerror (errno));
  return TRUE;
}

/* ------------------------------------------------------------ reading */

typedef struct
{
  sqlite3      *db;
  sqlite3_stmt *tile;
} Reader;

static void
reader_free (Reader *reader)
{
  sqlite3_finalize (reader->tile);
  sqlite3_close (reader->db);
  g_free (reader);
}

struct _BdCentralTileReader
{
  GHashTable *readers;   /* "path\nadded_at" → Reader* */
};

BdCentralTileReader *
bd_central_tile_reader_new (void)
{
  BdCentralTileReader *self = g_new0 (BdCentralTileReader, 1);

  self->readers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) reader_free);
  return self;
}

void
bd_central_tile_reader_free (BdCentralTileReader *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->readers);
  g_free (self);
}

GBytes *
bd_central_tile_reader_get (BdCentralTileReader     *self,
                            const BdCentralTileSet  *set,
                            guint                    z,
                            guint                    x,
                            guint                    y,
                            GError                 **error)
{
  /* a set removed and added again under its name is another file */
  g_autofree char *key = g_strconcat (set->path, "\n", set->added_at, NULL);
  Reader *reader = g_hash_table_lookup (self->readers, key);
  GBytes *bytes = NULL;
  guint64 n;
  int rc;

  if (z > BD_CENTRAL_TILE_MAX_ZOOM)
    return NULL;
  n = (guint64) 1 << z;
  if (x >= n || y >= n)
    return NULL;

  if (reader == NULL)
    {
      sqlite3 *db = open_read_only (set->path, error);

      if (db == NULL)
        return NULL;
      reader = g_new0 (Reader, 1);
      reader->db = db;
      if (sqlite3_prepare_v3 (db, "SELECT tile_data FROM tiles WHERE zoom_level = ?1"
                              " AND tile_column = ?2 AND tile_row = ?3", -1,
                              SQLITE_PREPARE_PERSISTENT, &reader->tile, NULL) != SQLITE_OK)
        {
          g_set_error (error, BD_CENTRAL_TILES_ERROR, BD_CENTRAL_TILES_ERROR_INVALID,
                       _("Cannot read the tiles of “%s”: %s"), set->name, sqlite3_errmsg (db));
          reader_free (reader);
          return NULL;
        }
      if (g_hash_table_size (self->readers) >= MAX_READERS)
        g_hash_table_remove_all (self->readers);
      g_hash_table_insert (self->readers, g_steal_pointer (&key), reader);
    }

  sqlite3_reset (reader->tile);
  sqlite3_bind_int (reader->tile, 1, (int) z);
  sqlite3_bind_int64 (reader->tile, 2, x);
  sqlite3_bind_int64 (reader->tile, 3, (gint64) (n - 1 - y));   /* TMS */
  rc = sqlite3_step (reader->tile);
  if (rc == SQLITE_ROW)
    {
      int length = sqlite3_column_bytes (reader->tile, 0);

      if (length > BD_CENTRAL_TILE_MAX_BYTES)
        g_set_error (error, BD_CENTRAL_TILES_ERROR, BD_CENTRAL_TILES_ERROR_TOO_LARGE,
                     _("A tile of “%s” is larger than %d bytes."), set->name,
                     BD_CENTRAL_TILE_MAX_BYTES);
      else if (length > 0)
        bytes = g_bytes_new (sqlite3_column_blob (reader->tile, 0), (gsize) length);
    }
  else if (rc != SQLITE_DONE)
    g_set_error (error, BD_CENTRAL_TILES_ERROR, BD_CENTRAL_TILES_ERROR_INVALID,
                 _("Cannot read the tiles of “%s”: %s"), set->name, sqlite3_errmsg (reader->db));
  sqlite3_reset (reader->tile);
  return bytes;
}
