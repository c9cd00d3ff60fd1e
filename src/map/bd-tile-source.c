/* bd-tile-source.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-tile-source"

#include "config.h"

#include "bd-tile-source.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <stdlib.h>

#include "bd-json.h"

/* The largest tile we accept, compressed. */
#define MAX_TILE_BYTES (4 * 1024 * 1024)
/* The largest zoom level a tile request may name. */
#define MAX_ZOOM 30
/* The largest metadata.json of a tile directory we read. */
#define MAX_METADATA_BYTES (256 * 1024)

struct _BdTileSource
{
  ShumateDataSource parent_instance;

  char         *path;
  char         *name;
  char         *attribution;
  guint         min_zoom;
  guint         max_zoom;
  gboolean      is_mbtiles;

  /* MBTiles: one read-only connection shared by the worker threads,
   * guarded by @db_lock; the tile query is prepared once. */
  GMutex        db_lock;
  sqlite3      *db;
  sqlite3_stmt *tile_stmt;
};

G_DEFINE_FINAL_TYPE (BdTileSource, bd_tile_source, SHUMATE_TYPE_DATA_SOURCE)

G_DEFINE_QUARK (bd-tile-source-error-quark, bd_tile_source_error)

typedef struct
{
  guint x;
  guint y;
  guint zoom;
} TileRequest;

/* ---------------------------------------------------------------- reading */

static gboolean
check_coords (guint    x,
              guint    y,
              guint    zoom,
              GError **error)
{
  guint64 n;

  if (zoom > MAX_ZOOM)
    {
      g_set_error (error, BD_TILE_SOURCE_ERROR, BD_TILE_SOURCE_ERROR_INVALID,
                   _("Zoom level %u is out of range"), zoom);
      return FALSE;
    }

  n = G_GUINT64_CONSTANT (1) << zoom;
  if (x >= n || y >= n)
    {
      g_set_error (error, BD_TILE_SOURCE_ERROR, BD_TILE_SOURCE_ERROR_INVALID,
                   _("Tile %u/%u/%u does not exist at this zoom level"),
                   zoom, x, y);
      return FALSE;
    }

  return TRUE;
}

static void
set_not_found (GError **error,
               guint    x,
               guint    y,
               guint    zoom)
{
  g_set_error (error, BD_TILE_SOURCE_ERROR, BD_TILE_SOURCE_ERROR_NOT_FOUND,
               _("No tile %u/%u/%u"), zoom, x, y);
}

static void
set_too_large (GError **error,
               guint    x,
               guint    y,
               guint    zoom)
{
  g_set_error (error, BD_TILE_SOURCE_ERROR, BD_TILE_SOURCE_ERROR_INVALID,
               _("Tile %u/%u/%u is larger than %d bytes"),
               zoom, x, y, MAX_TILE_BYTES);
}

static GBytes *
read_mbtiles_tile (BdTileSource  *self,
                   guint          x,
                   guint          y,
                   guint          zoom,
                   GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  GBytes *bytes = NULL;
  guint tms_y;
  int rc;

  /* MBTiles rows count from the south (TMS). */
  tms_y = (guint) ((G_GUINT64_CONSTANT (1) << zoom) - 1 - y);

  locker = g_mutex_locker_new (&self->db_lock);

  sqlite3_reset (self->tile_stmt);
  sqlite3_clear_bindings (self->tile_stmt);
  sqlite3_bind_int (self->tile_stmt, 1, (int) zoom);
  sqlite3_bind_int64 (self->tile_stmt, 2, x);
  sqlite3_bind_int64 (self->tile_stmt, 3, tms_y);

  rc = sqlite3_step (self->tile_stmt);
  if (rc == SQLITE_ROW)
    {
      int size = sqlite3_column_bytes (self->tile_stmt, 0);

      if (size > MAX_TILE_BYTES)
        set_too_large (error, x, y, zoom);
      else if (size <= 0)
        set_not_found (error, x, y, zoom);
      else
        bytes = g_bytes_new (sqlite3_column_blob (self->tile_stmt, 0), size);
    }
  else if (rc == SQLITE_DONE)
    set_not_found (error, x, y, zoom);
  else
    g_set_error (error, BD_TILE_SOURCE_ERROR, BD_TILE_SOURCE_ERROR_OPEN,
                 _("Cannot read tile %u/%u/%u: %s"),
                 zoom, x, y, sqlite3_errmsg (self->db));

  sqlite3_reset (self->tile_stmt);

  return bytes;
}

static GBytes *
read_dir_tile (BdTileSource  *self,
               guint          x,
               guint          y,
               guint          zoom,
               GError       **error)
{
  static const char * const extensions[] = { "png", "jpg", "jpeg", "webp" };
  char zs[16], xs[16], ys[32];

  g_snprintf (zs, sizeof zs, "%u", zoom);
  g_snprintf (xs, sizeof xs, "%u", x);

  for (guint i = 0; i < G_N_ELEMENTS (extensions); i++)
    {
      g_autofree char *file = NULL;
      g_autofree char *contents = NULL;
      g_autoptr(GError) local_error = NULL;
      GStatBuf st;
      gsize len = 0;

      g_snprintf (ys, sizeof ys, "%u.%s", y, extensions[i]);
      file = g_build_filename (self->path, zs, xs, ys, NULL);

      if (g_stat (file, &st) != 0 || !S_ISREG (st.st_mode))
        continue;

      if (st.st_size > MAX_TILE_BYTES)
        {
          set_too_large (error, x, y, zoom);
          return NULL;
        }

      if (!g_file_get_contents (file, &contents, &len, &local_error))
        {
          g_set_error (error, BD_TILE_SOURCE_ERROR, BD_TILE_SOURCE_ERROR_OPEN,
                       _("Cannot read tile %u/%u/%u: %s"),
                       zoom, x, y, local_error->message);
          return NULL;
        }

      /* The file may have grown between stat and read. */
      if (len > MAX_TILE_BYTES)
        {
          set_too_large (error, x, y, zoom);
          return NULL;
        }

      if (len == 0)
        break;

      return g_bytes_new_take (g_steal_pointer (&contents), len);
    }

  set_not_found (error, x, y, zoom);
  return NULL;
}

static GBytes *
read_stored_tile (BdTileSource  *self,
                  guint          x,
                  guint          y,
                  guint          zoom,
                  GError       **error)
{
  if (self->is_mbtiles)
    return read_mbtiles_tile (self, x, y, zoom, error);
  else
    return read_dir_tile (self, x, y, zoom, error);
}

/* Past the data's highest zoom: cut the matching part out of the ancestor
 * tile at max_zoom and scale it up. */
static GBytes *
read_overzoomed_tile (BdTileSource  *self,
                      guint          x,
                      guint          y,
                      guint          zoom,
                      GError       **error)
{
  g_autoptr(GBytes) parent = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GdkPixbuf) src = NULL;
  g_autoptr(GdkPixbuf) dest = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *buffer = NULL;
  gsize buffer_len = 0;
  guint depth = zoom - self->max_zoom;
  guint mask = (1u << depth) - 1;
  double scale = (double) (1u << depth);
  int width, height;
  double sub_w, sub_h;

  parent = read_stored_tile (self, x >> depth, y >> depth, self->max_zoom, &local_error);
  if (parent == NULL)
    {
      if (g_error_matches (local_error, BD_TILE_SOURCE_ERROR, BD_TILE_SOURCE_ERROR_NOT_FOUND))
        set_not_found (error, x, y, zoom);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  stream = g_memory_input_stream_new_from_bytes (parent);
  src = gdk_pixbuf_new_from_stream (stream, NULL, &local_error);
  if (src == NULL)
    {
      g_set_error (error, BD_TILE_SOURCE_ERROR, BD_TILE_SOURCE_ERROR_INVALID,
                   _("Cannot decode tile %u/%u/%u: %s"),
                   self->max_zoom, x >> depth, y >> depth, local_error->message);
      return NULL;
    }

  width = gdk_pixbuf_get_width (src);
  height = gdk_pixbuf_get_height (src);
  sub_w = (double) width / scale;
  sub_h = (double) height / scale;

  dest = gdk_pixbuf_new (GDK_COLORSPACE_RGB, gdk_pixbuf_get_has_alpha (src), 8,
                         width, height);
  if (dest == NULL)
    {
      g_set_error (error, BD_TILE_SOURCE_ERROR, BD_TILE_SOURCE_ERROR_INVALID,
                   _("Cannot scale tile %u/%u/%u"), zoom, x, y);
      return NULL;
    }

  gdk_pixbuf_scale (src, dest, 0, 0, width, height,
                    -(double) (x & mask) * sub_w * scale,
                    -(double) (y & mask) * sub_h * scale,
                    scale, scale, GDK_INTERP_BILINEAR);

  if (!gdk_pixbuf_save_to_buffer (dest, &buffer, &buffer_len, "png", &local_error,
                                  "compression", "1", NULL))
    {
      g_set_error (error, BD_TILE_SOURCE_ERROR, BD_TILE_SOURCE_ERROR_INVALID,
                   _("Cannot encode tile %u/%u/%u: %s"),
                   zoom, x, y, local_error->message);
      return NULL;
    }

  return g_bytes_new_take (g_steal_pointer (&buffer), buffer_len);
}

GBytes *
bd_tile_source_read_tile (BdTileSource  *self,
                          guint          x,
                          guint          y,
                          guint          zoom,
                          GError       **error)
{
  g_return_val_if_fail (BD_IS_TILE_SOURCE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_coords (x, y, zoom, error))
    return NULL;

  if (zoom < self->min_zoom)
    {
      set_not_found (error, x, y, zoom);
      return NULL;
    }

  if (zoom > self->max_zoom)
    {
      if (zoom - self->max_zoom > BD_TILE_SOURCE_MAX_OVERZOOM)
        {
          set_not_found (error, x, y, zoom);
          return NULL;
        }
      return read_overzoomed_tile (self, x, y, zoom, error);
    }

  return read_stored_tile (self, x, y, zoom, error);
}

/* ------------------------------------------------------------ async API */

static void
read_tile_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  BdTileSource *self = source_object;
  TileRequest *req = task_data;
  GError *error = NULL;
  GBytes *bytes;

  if (g_task_return_error_if_cancelled (task))
    return;

  bytes = bd_tile_source_read_tile (self, req->x, req->y, req->zoom, &error);
  if (bytes == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
}

/* Back on the main thread: hand the tile to the renderer through
 * "received-data" (libshumate 1.0 draws only what arrives there), then
 * complete the caller's task. */
static void
on_tile_read_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  BdTileSource *self = BD_TILE_SOURCE (object);
  g_autoptr(GTask) outer = user_data;
  TileRequest *req = g_task_get_task_data (outer);
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;

  bytes = g_task_propagate_pointer (G_TASK (result), &error);
  if (bytes == NULL)
    {
      g_task_return_error (outer, error);
      return;
    }

  if (g_task_return_error_if_cancelled (outer))
    return;

  g_signal_emit_by_name (self, "received-data",
                         (int) req->x, (int) req->y, (int) req->zoom, bytes);

  g_task_return_pointer (outer, g_steal_pointer (&bytes), (GDestroyNotify) g_bytes_unref);
}

static void
bd_tile_source_get_tile_data_async (ShumateDataSource   *source,
                                    int                  x,
                                    int                  y,
                                    int                  zoom_level,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  BdTileSource *self = BD_TILE_SOURCE (source);
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) inner = NULL;
  TileRequest *req;
  GError *error = NULL;

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, bd_tile_source_get_tile_data_async);
  g_task_set_name (outer, "[bd] read tile");

  if (x < 0 || y < 0 || zoom_level < 0
      || !check_coords ((guint) x, (guint) y, (guint) zoom_level, &error))
    {
      if (error == NULL)
        g_set_error (&error, BD_TILE_SOURCE_ERROR, BD_TILE_SOURCE_ERROR_INVALID,
                     _("Tile %d/%d/%d does not exist"), zoom_level, x, y);
      g_task_return_error (outer, error);
      return;
    }

  req = g_new (TileRequest, 1);
  req->x = (guint) x;
  req->y = (guint) y;
  req->zoom = (guint) zoom_level;
  g_task_set_task_data (outer, req, g_free);

  inner = g_task_new (self, cancellable, on_tile_read_cb, g_steal_pointer (&outer));
  g_task_set_source_tag (inner, read_tile_thread);
  g_task_set_name (inner, "[bd] read tile (worker)");
  g_task_set_task_data (inner, g_memdup2 (req, sizeof *req), g_free);
  g_task_run_in_thread (inner, read_tile_thread);
}

static GBytes *
bd_tile_source_get_tile_data_finish (ShumateDataSource  *source,
                                     GAsyncResult       *result,
                                     GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --------------------------------------------------------------- opening */

static char *
dup_metadata (sqlite3    *db,
              const char *key)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT value FROM metadata WHERE name = ?1", -1,
                          &stmt, NULL) != SQLITE_OK)
    return NULL;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *text = (const char *) sqlite3_column_text (stmt, 0);

      if (text != NULL && g_utf8_validate (text, -1, NULL))
        value = g_strndup (text, 4096);
    }

  sqlite3_finalize (stmt);

  return value;
}

static gboolean
parse_zoom (const char *text,
            guint      *out)
{
  guint64 value;

  if (text == NULL)
    return FALSE;

  if (!g_ascii_string_to_unsigned (g_strstrip ((char *) text), 10, 0, MAX_ZOOM, &value, NULL))
    return FALSE;

  *out = (guint) value;
  return TRUE;
}

static gboolean
open_mbtiles (BdTileSource  *self,
              GError       **error)
{
  g_autofree char *min_text = NULL;
  g_autofree char *max_text = NULL;
  g_autofree char *display = g_filename_display_name (self->path);
  gboolean have_min, have_max;
  int rc;

  rc = sqlite3_open_v2 (self->path, &self->db,
                        SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, BD_TILE_SOURCE_ERROR, BD_TILE_SOURCE_ERROR_OPEN,
                   _("Cannot open the map file “%s”: %s"), display,
                   self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return FALSE;
    }

  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, 2000);

  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT tile_data FROM tiles"
                           " WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3",
                           -1, &self->tile_stmt, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, BD_TILE_SOURCE_ERROR, BD_TILE_SOURCE_ERROR_OPEN,
                   _("“%s” is not an MBTiles map file (%s)"), display,
                   sqlite3_errmsg (self->db));
      return FALSE;
    }

  self->name = dup_metadata (self->db, "name");
  self->attribution = dup_metadata (self->db, "attribution");
  min_text = dup_metadata (self->db, "minzoom");
  max_text = dup_metadata (self->db, "maxzoom");

  have_min = parse_zoom (min_text, &self->min_zoom);
  have_max = parse_zoom (max_text, &self->max_zoom);

  /* metadata is optional in practice: ask the tiles themselves. */
  if (!have_min || !have_max)
    {
      sqlite3_stmt *stmt = NULL;

      rc = sqlite3_prepare_v2 (self->db,
                               "SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles",
                               -1, &stmt, NULL);
      if (rc == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW
          && sqlite3_column_type (stmt, 0) == SQLITE_INTEGER)
        {
          sqlite3_int64 lo = sqlite3_column_int64 (stmt, 0);
          sqlite3_int64 hi = sqlite3_column_int64 (stmt, 1);

          if (!have_min)
            self->min_zoom = (guint) CLAMP (lo, 0, MAX_ZOOM);
          if (!have_max)
            self->max_zoom = (guint) CLAMP (hi, 0, MAX_ZOOM);
          have_min = have_max = TRUE;
        }
      sqlite3_finalize (stmt);
    }

  if (!have_min || !have_max)
    {
      g_set_error (error, BD_TILE_SOURCE_ERROR, BD_TILE_SOURCE_ERROR_OPEN,
                   _("The map file “%s” holds no tiles"), display);
      return FALSE;
    }

  return TRUE;
}

static void
read_dir_metadata (BdTileSource *self)
{
  g_autofree char *file = g_build_filename (self->path, "metadata.json", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(JsonNode) root = NULL;
  GStatBuf st;
  gsize len = 0;
  JsonObject *object;

  if (g_stat (file, &st) != 0 || st.st_size > MAX_METADATA_BYTES)
    return;

  if (!g_file_get_contents (file, &contents, &len, NULL) || len > MAX_METADATA_BYTES)
    return;

  root = bd_json_parse (contents, len, MAX_METADATA_BYTES, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;

  object = json_node_get_object (root);
  if (json_object_has_member (object, "name"))
    {
      const char *name = json_object_get_string_member_with_default (object, "name", NULL);

      if (name != NULL)
        {
          g_free (self->name);
          self->name = g_strndup (name, 4096);
        }
    }
  if (json_object_has_member (object, "attribution"))
    {
      const char *attribution = json_object_get_string_member_with_default (object,
                                                                            "attribution",
                                                                            NULL);
      if (attribution != NULL)
        self->attribution = g_strndup (attribution, 4096);
    }
}

static gboolean
open_directory (BdTileSource  *self,
                GError       **error)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *display = g_filename_display_name (self->path);
  const char *entry;
  gboolean found = FALSE;

  dir = g_dir_open (self->path, 0, &local_error);
  if (dir == NULL)
    {
      g_set_error (error, BD_TILE_SOURCE_ERROR, BD_TILE_SOURCE_ERROR_OPEN,
                   _("Cannot open the tile folder “%s”: %s"), display,
                   local_error->message);
      return FALSE;
    }

  self->min_zoom = MAX_ZOOM;
  self->max_zoom = 0;

  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *sub = NULL;
      guint64 z;

      if (!g_ascii_string_to_unsigned (entry, 10, 0, MAX_ZOOM, &z, NULL))
        continue;

      sub = g_build_filename (self->path, entry, NULL);
      if (!g_file_test (sub, G_FILE_TEST_IS_DIR))
        continue;

      self->min_zoom = MIN (self->min_zoom, (guint) z);
      self->max_zoom = MAX (self->max_zoom, (guint) z);
      found = TRUE;
    }

  if (!found)
    {
      g_set_error (error, BD_TILE_SOURCE_ERROR, BD_TILE_SOURCE_ERROR_OPEN,
                   _("The folder “%s” holds no {z}/{x}/{y} map tiles"), display);
      return FALSE;
    }

  self->name = g_path_get_basename (self->path);
  read_dir_metadata (self);

  return TRUE;
}

BdTileSource *
bd_tile_source_new (const char  *path,
                    GError     **error)
{
  g_autoptr(BdTileSource) self = NULL;
  gboolean ok;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (BD_TYPE_TILE_SOURCE, NULL);
  self->path = g_strdup (path);

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      self->is_mbtiles = FALSE;
      ok = open_directory (self, error);
    }
  else if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      self->is_mbtiles = TRUE;
      ok = open_mbtiles (self, error);
    }
  else
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, BD_TILE_SOURCE_ERROR, BD_TILE_SOURCE_ERROR_OPEN,
                   _("The map file “%s” does not exist"), display);
      ok = FALSE;
    }

  if (!ok)
    return NULL;

  if (self->min_zoom > self->max_zoom)
    {
      guint t = self->min_zoom;

      self->min_zoom = self->max_zoom;
      self->max_zoom = t;
    }

  if (self->name == NULL || *self->name == '\0')
    {
      g_free (self->name);
      self->name = g_path_get_basename (path);
    }

  g_debug ("Opened %s (%s), zoom %u–%u", path,
           self->is_mbtiles ? "MBTiles" : "tile folder",
           self->min_zoom, self->max_zoom);

  return g_steal_pointer (&self);
}

guint
bd_tile_source_get_min_zoom (BdTileSource *self)
{
  g_return_val_if_fail (BD_IS_TILE_SOURCE (self), 0);

  return self->min_zoom;
}

guint
bd_tile_source_get_max_zoom (BdTileSource *self)
{
  g_return_val_if_fail (BD_IS_TILE_SOURCE (self), 0);

  return self->max_zoom;
}

const char *
bd_tile_source_get_name (BdTileSource *self)
{
  g_return_val_if_fail (BD_IS_TILE_SOURCE (self), NULL);

  return self->name;
}

const char *
bd_tile_source_get_attribution (BdTileSource *self)
{
  g_return_val_if_fail (BD_IS_TILE_SOURCE (self), NULL);

  return self->attribution;
}

/* ---------------------------------------------------------------- GObject */

static void
bd_tile_source_finalize (GObject *object)
{
  BdTileSource *self = BD_TILE_SOURCE (object);

  g_clear_pointer (&self->tile_stmt, sqlite3_finalize);
  g_clear_pointer (&self->db, sqlite3_close);
  g_mutex_clear (&self->db_lock);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->attribution, g_free);

  G_OBJECT_CLASS (bd_tile_source_parent_class)->finalize (object);
}

static void
bd_tile_source_class_init (BdTileSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ShumateDataSourceClass *source_class = SHUMATE_DATA_SOURCE_CLASS (klass);

  object_class->finalize = bd_tile_source_finalize;

  source_class->get_tile_data_async = bd_tile_source_get_tile_data_async;
  source_class->get_tile_data_finish = bd_tile_source_get_tile_data_finish;
}

static void
bd_tile_source_init (BdTileSource *self)
{
  g_mutex_init (&self->db_lock);
}
