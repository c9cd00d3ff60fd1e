/* test-tile-source.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "bd-tile-source.h"
#include "bd-map-sources.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

/* Every test makes its own tiles: each tile is a PNG filled with a colour
 * derived from its (z, x, y), so a tile read from the wrong row (a missing
 * TMS flip) is told apart. */

typedef struct
{
  char *tmpdir;
} Fixture;

static guint32
tile_colour (guint z,
             guint x,
             guint y)
{
  /* RGBA, opaque, distinct for the small coordinates used here. */
  return (((40u + z * 50u) & 0xffu) << 24)
         | (((20u + x * 30u) & 0xffu) << 16)
         | (((10u + y * 60u) & 0xffu) << 8)
         | 0xffu;
}

static GBytes *
encode_pixbuf (GdkPixbuf  *pixbuf,
               const char *format)
{
  g_autoptr(GError) error = NULL;
  char *buffer = NULL;
  gsize len = 0;

  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &len, format, &error, NULL));
  g_assert_no_error (error);

  return g_bytes_new_take (buffer, len);
}

static GBytes *
make_tile (guint       z,
           guint       x,
           guint       y,
           const char *format)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 256, 256);

  gdk_pixbuf_fill (pixbuf, tile_colour (z, x, y));

  return encode_pixbuf (pixbuf, format);
}

/* A tile of four coloured quadrants: NW red, NE green, SW blue, SE white. */
static GBytes *
make_quadrant_tile (void)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 256, 256);
  g_autoptr(GdkPixbuf) nw = gdk_pixbuf_new_subpixbuf (pixbuf, 0, 0, 128, 128);
  g_autoptr(GdkPixbuf) ne = gdk_pixbuf_new_subpixbuf (pixbuf, 128, 0, 128, 128);
  g_autoptr(GdkPixbuf) sw = gdk_pixbuf_new_subpixbuf (pixbuf, 0, 128, 128, 128);
  g_autoptr(GdkPixbuf) se = gdk_pixbuf_new_subpixbuf (pixbuf, 128, 128, 128, 128);

  gdk_pixbuf_fill (nw, 0xff0000ff);
  gdk_pixbuf_fill (ne, 0x00ff00ff);
  gdk_pixbuf_fill (sw, 0x0000ffff);
  gdk_pixbuf_fill (se, 0xffffffff);

  return encode_pixbuf (pixbuf, "png");
}

/* The colour at (px, py) of an encoded image, as 0xRRGGBB. */
static guint32
pixel_at (GBytes *bytes,
          int     px,
          int     py)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (bytes);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new_from_stream (stream, NULL, &error);
  const guint8 *p;

  g_assert_no_error (error);
  g_assert_nonnull (pixbuf);
  g_assert_cmpint (px, <, gdk_pixbuf_get_width (pixbuf));
  g_assert_cmpint (py, <, gdk_pixbuf_get_height (pixbuf));

  p = gdk_pixbuf_read_pixels (pixbuf)
      + py * gdk_pixbuf_get_rowstride (pixbuf)
      + px * gdk_pixbuf_get_n_channels (pixbuf);

  return ((guint32) p[0] << 16) | ((guint32) p[1] << 8) | p[2];
}

static void
exec_sql (sqlite3    *db,
          const char *sql)
{
  char *msg = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK)
    g_error ("%s: %s", sql, msg);
}

static void
put_metadata (sqlite3    *db,
              const char *name,
              const char *value)
{
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO metadata (name, value) VALUES (?1, ?2)",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
}

/* Stores @bytes as XYZ tile (z, x, y), i.e. TMS row 2^z - 1 - y. */
static void
put_tile (sqlite3 *db,
          guint    z,
          guint    x,
          guint    y,
          GBytes  *bytes)
{
  sqlite3_stmt *stmt = NULL;
  gsize len;
  const void *data = g_bytes_get_data (bytes, &len);

  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "INSERT INTO tiles (zoom_level, tile_column, tile_row, tile_data)"
                                       " VALUES (?1, ?2, ?3, ?4)",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int (stmt, 1, (int) z);
  sqlite3_bind_int (stmt, 2, (int) x);
  sqlite3_bind_int (stmt, 3, (int) ((1u << z) - 1 - y));
  sqlite3_bind_blob (stmt, 4, data, (int) len, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
}

/* An MBTiles file with every tile of zooms 1 and 2, plus the quadrant tile
 * replacing 2/1/1. With @with_zoom_metadata FALSE, minzoom and maxzoom are
 * left out of the metadata. */
static char *
make_mbtiles (Fixture  *fixture,
              gboolean  with_zoom_metadata)
{
  char *path = g_build_filename (fixture->tmpdir,
                                 with_zoom_metadata ? "city.mbtiles" : "bare.mbtiles",
                                 NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  exec_sql (db, "CREATE TABLE metadata (name TEXT, value TEXT);"
                "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER,"
                " tile_row INTEGER, tile_data BLOB);"
                "CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);"
                "BEGIN");
  put_metadata (db, "name", "Test City");
  put_metadata (db, "attribution", "© Test contributors");
  put_metadata (db, "format", "png");
  if (with_zoom_metadata)
    {
      put_metadata (db, "minzoom", "1");
      put_metadata (db, "maxzoom", "2");
    }

  for (guint z = 1; z <= 2; z++)
    for (guint x = 0; x < (1u << z); x++)
      for (guint y = 0; y < (1u << z); y++)
        {
          g_autoptr(GBytes) tile = NULL;

          if (z == 2 && x == 1 && y == 1)
            tile = make_quadrant_tile ();
          else
            tile = make_tile (z, x, y, "png");
          put_tile (db, z, x, y, tile);
        }

  exec_sql (db, "COMMIT");
  sqlite3_close (db);

  return path;
}

static void
write_file (const char *path,
            GBytes     *bytes)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, data, (gssize) len, &error);
  g_assert_no_error (error);
}

/* A tile folder with zooms 3 and 5 (none at 4): 3/6/3.png, 3/7/3.jpg and
 * 5/27/12.png; plus a stray file and a non-numeric folder. */
static char *
make_tile_dir (Fixture *fixture)
{
  char *root = g_build_filename (fixture->tmpdir, "tiles", NULL);
  g_autofree char *p1 = g_build_filename (root, "3", "6", "3.png", NULL);
  g_autofree char *p2 = g_build_filename (root, "3", "7", "3.jpg", NULL);
  g_autofree char *p3 = g_build_filename (root, "5", "27", "12.png", NULL);
  g_autofree char *p4 = g_build_filename (root, "README", NULL);
  g_autofree char *p5 = g_build_filename (root, "extra", "1.png", NULL);
  g_autoptr(GBytes) t1 = make_tile (3, 6, 3, "png");
  g_autoptr(GBytes) t2 = make_tile (3, 7, 3, "jpeg");
  g_autoptr(GBytes) t3 = make_tile (5, 27, 12, "png");
  g_autoptr(GBytes) text = g_bytes_new_static ("hello", 5);

  write_file (p1, t1);
  write_file (p2, t2);
  write_file (p3, t3);
  write_file (p4, text);
  write_file (p5, t1);

  return root;
}

/* ------------------------------------------------------------ async helper */

typedef struct
{
  GMainLoop *loop;
  int        n_signals;
  int        sig_x, sig_y, sig_z;
  GBytes    *sig_bytes;
  gboolean   signal_before_done;
  gboolean   done;
  GBytes    *result;
  GError    *error;
} AsyncRead;

static void
on_received_data_cb (ShumateDataSource *source,
                     int                x,
                     int                y,
                     int                z,
                     GBytes            *bytes,
                     AsyncRead         *state)
{
  state->n_signals++;
  state->sig_x = x;
  state->sig_y = y;
  state->sig_z = z;
  g_clear_pointer (&state->sig_bytes, g_bytes_unref);
  state->sig_bytes = g_bytes_ref (bytes);
  state->signal_before_done = !state->done;
}

static void
on_tile_data_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  AsyncRead *state = user_data;

  state->result = shumate_data_source_get_tile_data_finish (SHUMATE_DATA_SOURCE (object),
                                                            result, &state->error);
  state->done = TRUE;
  g_main_loop_quit (state->loop);
}

static void
async_read_clear (AsyncRead *state)
{
  g_clear_pointer (&state->loop, g_main_loop_unref);
  g_clear_pointer (&state->sig_bytes, g_bytes_unref);
  g_clear_pointer (&state->result, g_bytes_unref);
  g_clear_error (&state->error);
}

static void
read_async (BdTileSource *source,
            int           x,
            int           y,
            int           z,
            AsyncRead    *state)
{
  gulong handler;

  memset (state, 0, sizeof *state);
  state->loop = g_main_loop_new (NULL, FALSE);
  handler = g_signal_connect (source, "received-data", G_CALLBACK (on_received_data_cb), state);

  shumate_data_source_get_tile_data_async (SHUMATE_DATA_SOURCE (source), x, y, z, NULL,
                                           on_tile_data_cb, state);
  /* The callback must never run before we return to the loop. */
  g_assert_false (state->done);
  g_main_loop_run (state->loop);

  g_signal_handler_disconnect (source, handler);
}

/* Reads (z, x, y) asynchronously and checks the signal and the result both
 * carry @expected. */
static void
assert_async_tile (BdTileSource *source,
                   int           x,
                   int           y,
                   int           z,
                   GBytes       *expected)
{
  AsyncRead state;

  read_async (source, x, y, z, &state);

  g_assert_no_error (state.error);
  g_assert_nonnull (state.result);
  g_assert_true (g_bytes_equal (state.result, expected));

  g_assert_cmpint (state.n_signals, ==, 1);
  g_assert_true (state.signal_before_done);
  g_assert_cmpint (state.sig_x, ==, x);
  g_assert_cmpint (state.sig_y, ==, y);
  g_assert_cmpint (state.sig_z, ==, z);
  g_assert_true (g_bytes_equal (state.sig_bytes, expected));

  async_read_clear (&state);
}

static void
assert_async_error (BdTileSource *source,
                    int           x,
                    int           y,
                    int           z,
                    int           code)
{
  AsyncRead state;

  read_async (source, x, y, z, &state);

  g_assert_error (state.error, BD_TILE_SOURCE_ERROR, code);
  g_assert_null (state.result);
  g_assert_cmpint (state.n_signals, ==, 0);

  async_read_clear (&state);
}

/* ------------------------------------------------------------------ tests */

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->tmpdir = g_dir_make_tmp ("bd-tile-source-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  GDir *dir;
  const char *name;

  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      dir = g_dir_open (path, 0, NULL);
      if (dir != NULL)
        {
          while ((name = g_dir_read_name (dir)) != NULL)
            {
              g_autofree char *child = g_build_filename (path, name, NULL);

              remove_tree (child);
            }
          g_dir_close (dir);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  remove_tree (fixture->tmpdir);
  g_free (fixture->tmpdir);
}

static void
test_mbtiles_metadata (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *path = make_mbtiles (fixture, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(BdTileSource) source = bd_tile_source_new (path, &error);

  g_assert_no_error (error);
  g_assert_true (SHUMATE_IS_DATA_SOURCE (source));
  g_assert_cmpuint (bd_tile_source_get_min_zoom (source), ==, 1);
  g_assert_cmpuint (bd_tile_source_get_max_zoom (source), ==, 2);
  g_assert_cmpstr (bd_tile_source_get_name (source), ==, "Test City");
  g_assert_cmpstr (bd_tile_source_get_attribution (source), ==, "© Test contributors");
}

static void
test_mbtiles_zoom_from_tiles (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autofree char *path = make_mbtiles (fixture, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(BdTileSource) source = bd_tile_source_new (path, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (bd_tile_source_get_min_zoom (source), ==, 1);
  g_assert_cmpuint (bd_tile_source_get_max_zoom (source), ==, 2);
}

static void
test_mbtiles_sync_tms (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *path = make_mbtiles (fixture, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(BdTileSource) source = bd_tile_source_new (path, &error);

  g_assert_no_error (error);

  for (guint x = 0; x < 2; x++)
    for (guint y = 0; y < 2; y++)
      {
        g_autoptr(GBytes) bytes = bd_tile_source_read_tile (source, x, y, 1, &error);

        g_assert_no_error (error);
        /* XYZ row y, not TMS row y: the colours differ by row. */
        g_assert_cmphex (pixel_at (bytes, 10, 10), ==, tile_colour (1, x, y) >> 8);
      }
}

static void
test_mbtiles_async (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *path = make_mbtiles (fixture, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(BdTileSource) source = bd_tile_source_new (path, &error);

  g_assert_no_error (error);

  for (guint z = 1; z <= 2; z++)
    for (guint x = 0; x < (1u << z); x++)
      for (guint y = 0; y < (1u << z); y++)
        {
          g_autoptr(GBytes) expected = NULL;

          if (z == 2 && x == 1 && y == 1)
            continue;
          expected = make_tile (z, x, y, "png");
          assert_async_tile (source, (int) x, (int) y, (int) z, expected);
        }
}

static void
test_mbtiles_errors (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *path = make_mbtiles (fixture, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(BdTileSource) source = bd_tile_source_new (path, &error);
  GBytes *bytes;

  g_assert_no_error (error);

  /* Below the data's zoom range: no such tile. */
  assert_async_error (source, 0, 0, 0, BD_TILE_SOURCE_ERROR_NOT_FOUND);
  /* Impossible coordinates. */
  assert_async_error (source, 2, 0, 1, BD_TILE_SOURCE_ERROR_INVALID);
  assert_async_error (source, 0, 4, 2, BD_TILE_SOURCE_ERROR_INVALID);
  assert_async_error (source, -1, 0, 1, BD_TILE_SOURCE_ERROR_INVALID);
  assert_async_error (source, 0, 0, 31, BD_TILE_SOURCE_ERROR_INVALID);
  assert_async_error (source, 0, 0, -1, BD_TILE_SOURCE_ERROR_INVALID);

  bytes = bd_tile_source_read_tile (source, 1, 2, 1, &error);
  g_assert_error (error, BD_TILE_SOURCE_ERROR, BD_TILE_SOURCE_ERROR_INVALID);
  g_assert_null (bytes);
  g_clear_error (&error);

  /* Far past the highest zoom, beyond what is scaled up. */
  bytes = bd_tile_source_read_tile (source, 0, 0, 2 + BD_TILE_SOURCE_MAX_OVERZOOM + 1, &error);
  g_assert_error (error, BD_TILE_SOURCE_ERROR, BD_TILE_SOURCE_ERROR_NOT_FOUND);
  g_assert_null (bytes);
  g_clear_error (&error);
}

static void
test_mbtiles_missing_tile (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *path = make_mbtiles (fixture, TRUE);
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  g_autoptr(BdTileSource) source = NULL;

  /* Remove one tile (XYZ 2/3/0 = TMS row 3). */
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  exec_sql (db, "DELETE FROM tiles WHERE zoom_level = 2 AND tile_column = 3 AND tile_row = 3");
  sqlite3_close (db);

  source = bd_tile_source_new (path, &error);
  g_assert_no_error (error);

  assert_async_error (source, 3, 0, 2, BD_TILE_SOURCE_ERROR_NOT_FOUND);

  /* Its TMS twin (XYZ 2/3/3) is still there. */
  {
    g_autoptr(GBytes) expected = make_tile (2, 3, 3, "png");

    assert_async_tile (source, 3, 3, 2, expected);
  }
}

static void
test_mbtiles_oversized (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *path = make_mbtiles (fixture, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(BdTileSource) source = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  /* XYZ 1/0/0 (TMS row 1) becomes 4 MiB + 1 byte. */
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "UPDATE tiles SET tile_data = zeroblob (?1)"
                                           " WHERE zoom_level = 1 AND tile_column = 0"
                                           " AND tile_row = 1",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int (stmt, 1, 4 * 1024 * 1024 + 1);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  source = bd_tile_source_new (path, &error);
  g_assert_no_error (error);

  assert_async_error (source, 0, 0, 1, BD_TILE_SOURCE_ERROR_INVALID);
}

static void
test_mbtiles_overzoom (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *path = make_mbtiles (fixture, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(BdTileSource) source = bd_tile_source_new (path, &error);
  /* The quadrant tile is XYZ 2/1/1; its children at zoom 3 are x 2..3,
   * y 2..3; its grandchildren at zoom 4 are x 4..7, y 4..7. */
  struct { guint x, y, z; guint32 colour; } cases[] = {
    { 2, 2, 3, 0xff0000 },     /* NW */
    { 3, 2, 3, 0x00ff00 },     /* NE */
    { 2, 3, 3, 0x0000ff },     /* SW */
    { 3, 3, 3, 0xffffff },     /* SE */
    { 7, 4, 4, 0x00ff00 },     /* NE corner of NE */
    { 4, 7, 4, 0x0000ff },     /* SW corner of SW */
    { 5, 5, 4, 0xff0000 },     /* SE corner of NW */
  };

  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) bytes = bd_tile_source_read_tile (source, cases[i].x, cases[i].y,
                                                          cases[i].z, &error);

      g_assert_no_error (error);
      /* The whole child tile is one colour (away from the seams). */
      g_assert_cmphex (pixel_at (bytes, 128, 128), ==, cases[i].colour);
      g_assert_cmphex (pixel_at (bytes, 20, 20), ==, cases[i].colour);
      g_assert_cmphex (pixel_at (bytes, 235, 235), ==, cases[i].colour);
    }

  /* A plain tile scaled up keeps its colour, and arrives through the signal. */
  {
    AsyncRead state;

    read_async (source, 0, 1, 3, &state);
    g_assert_no_error (state.error);
    g_assert_cmpint (state.n_signals, ==, 1);
    g_assert_cmpint (state.sig_z, ==, 3);
    g_assert_true (g_bytes_equal (state.sig_bytes, state.result));
    g_assert_cmphex (pixel_at (state.result, 100, 100), ==, tile_colour (2, 0, 0) >> 8);
    async_read_clear (&state);
  }
}

typedef struct
{
  GMainLoop *loop;
  int        pending;
  int        ok;
} Burst;

static void
on_burst_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Burst *burst = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = shumate_data_source_get_tile_data_finish (SHUMATE_DATA_SOURCE (object),
                                                                      result, &error);

  g_assert_no_error (error);
  if (bytes != NULL)
    burst->ok++;
  if (--burst->pending == 0)
    g_main_loop_quit (burst->loop);
}

/* Many requests in flight at once on the worker threads. */
static void
test_mbtiles_concurrent (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *path = make_mbtiles (fixture, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(BdTileSource) source = bd_tile_source_new (path, &error);
  Burst burst = { 0 };

  g_assert_no_error (error);

  burst.loop = g_main_loop_new (NULL, FALSE);
  for (guint round = 0; round < 10; round++)
    for (guint x = 0; x < 4; x++)
      for (guint y = 0; y < 4; y++)
        {
          burst.pending++;
          shumate_data_source_get_tile_data_async (SHUMATE_DATA_SOURCE (source), (int) x,
                                                   (int) y, 2, NULL, on_burst_done_cb, &burst);
        }
  g_main_loop_run (burst.loop);
  g_main_loop_unref (burst.loop);

  g_assert_cmpint (burst.ok, ==, 160);
}

static void
on_cancelled_done_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  AsyncRead *state = user_data;

  state->result = shumate_data_source_get_tile_data_finish (SHUMATE_DATA_SOURCE (object),
                                                            result, &state->error);
  g_main_loop_quit (state->loop);
}

static void
test_mbtiles_cancelled (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *path = make_mbtiles (fixture, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(BdTileSource) source = bd_tile_source_new (path, &error);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  AsyncRead state = { 0 };

  g_assert_no_error (error);

  state.loop = g_main_loop_new (NULL, FALSE);
  g_signal_connect (source, "received-data", G_CALLBACK (on_received_data_cb), &state);
  shumate_data_source_get_tile_data_async (SHUMATE_DATA_SOURCE (source), 0, 0, 1, cancellable,
                                           on_cancelled_done_cb, &state);
  g_cancellable_cancel (cancellable);
  g_main_loop_run (state.loop);

  g_assert_error (state.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (state.n_signals, ==, 0);
  g_signal_handlers_disconnect_by_data (source, &state);
  async_read_clear (&state);
}

static void
test_open_errors (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *text_path = g_build_filename (fixture->tmpdir, "notes.mbtiles", NULL);
  g_autofree char *sqlite_path = g_build_filename (fixture->tmpdir, "other.mbtiles", NULL);
  g_autofree char *missing_path = g_build_filename (fixture->tmpdir, "missing.mbtiles", NULL);
  g_autofree char *empty_dir = g_build_filename (fixture->tmpdir, "empty", NULL);
  g_autoptr(GError) error = NULL;
  BdTileSource *source;
  sqlite3 *db = NULL;

  /* A text file. */
  g_file_set_contents (text_path, "This is not a map, just some words about maps.\n", -1, &error);
  g_assert_no_error (error);
  source = bd_tile_source_new (text_path, &error);
  g_assert_null (source);
  g_assert_error (error, BD_TILE_SOURCE_ERROR, BD_TILE_SOURCE_ERROR_OPEN);
  g_assert_nonnull (strstr (error->message, "notes.mbtiles"));
  g_assert_nonnull (strstr (error->message, "not an MBTiles"));
  g_test_message ("text file: %s", error->message);
  g_clear_error (&error);

  /* A SQLite database of something else. */
  g_assert_cmpint (sqlite3_open (sqlite_path, &db), ==, SQLITE_OK);
  exec_sql (db, "CREATE TABLE reports (id TEXT)");
  sqlite3_close (db);
  source = bd_tile_source_new (sqlite_path, &error);
  g_assert_null (source);
  g_assert_error (error, BD_TILE_SOURCE_ERROR, BD_TILE_SOURCE_ERROR_OPEN);
  g_assert_nonnull (strstr (error->message, "not an MBTiles"));
  g_test_message ("other database: %s", error->message);
  g_clear_error (&error);

  /* Nothing there. */
  source = bd_tile_source_new (missing_path, &error);
  g_assert_null (source);
  g_assert_error (error, BD_TILE_SOURCE_ERROR, BD_TILE_SOURCE_ERROR_OPEN);
  g_assert_nonnull (strstr (error->message, "missing.mbtiles"));
  g_clear_error (&error);
  g_assert_false (g_file_test (missing_path, G_FILE_TEST_EXISTS));

  /* A folder without zoom folders. */
  g_assert_cmpint (g_mkdir (empty_dir, 0700), ==, 0);
  source = bd_tile_source_new (empty_dir, &error);
  g_assert_null (source);
  g_assert_error (error, BD_TILE_SOURCE_ERROR, BD_TILE_SOURCE_ERROR_OPEN);
  g_clear_error (&error);
}

static void
test_directory (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *root = make_tile_dir (fixture);
  g_autoptr(GError) error = NULL;
  g_autoptr(BdTileSource) source = bd_tile_source_new (root, &error);
  g_autoptr(GBytes) t1 = make_tile (3, 6, 3, "png");
  g_autoptr(GBytes) t2 = make_tile (3, 7, 3, "jpeg");
  g_autoptr(GBytes) t3 = make_tile (5, 27, 12, "png");

  g_assert_no_error (error);
  g_assert_cmpuint (bd_tile_source_get_min_zoom (source), ==, 3);
  g_assert_cmpuint (bd_tile_source_get_max_zoom (source), ==, 5);
  g_assert_cmpstr (bd_tile_source_get_name (source), ==, "tiles");

  assert_async_tile (source, 6, 3, 3, t1);
  assert_async_tile (source, 7, 3, 3, t2);
  assert_async_tile (source, 27, 12, 5, t3);

  assert_async_error (source, 6, 4, 3, BD_TILE_SOURCE_ERROR_NOT_FOUND);
  assert_async_error (source, 0, 0, 4, BD_TILE_SOURCE_ERROR_NOT_FOUND);
  assert_async_error (source, 8, 0, 3, BD_TILE_SOURCE_ERROR_INVALID);

  /* Overzoom from a folder: a child of 5/27/12. */
  {
    g_autoptr(GBytes) child = bd_tile_source_read_tile (source, 55, 25, 6, &error);

    g_assert_no_error (error);
    g_assert_cmphex (pixel_at (child, 128, 128), ==, tile_colour (5, 27, 12) >> 8);
  }
}

static void
test_directory_metadata (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *root = make_tile_dir (fixture);
  g_autofree char *meta = g_build_filename (root, "metadata.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BdTileSource) source = NULL;

  g_file_set_contents (meta, "{\"name\": \"Osaka offline\", \"attribution\": \"© OSM\"}",
                       -1, &error);
  g_assert_no_error (error);

  source = bd_tile_source_new (root, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bd_tile_source_get_name (source), ==, "Osaka offline");
  g_assert_cmpstr (bd_tile_source_get_attribution (source), ==, "© OSM");
}

static void
test_directory_oversized (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *root = make_tile_dir (fixture);
  g_autofree char *big = g_build_filename (root, "3", "1", "1.png", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BdTileSource) source = NULL;
  g_autofree char *zeros = g_malloc0 (4 * 1024 * 1024 + 1);
  g_autoptr(GBytes) bytes = g_bytes_new_static (zeros, 4 * 1024 * 1024 + 1);
  GBytes *result;

  write_file (big, bytes);

  source = bd_tile_source_new (root, &error);
  g_assert_no_error (error);

  assert_async_error (source, 1, 1, 3, BD_TILE_SOURCE_ERROR_INVALID);
  result = bd_tile_source_read_tile (source, 1, 1, 3, &error);
  g_assert_null (result);
  g_assert_error (error, BD_TILE_SOURCE_ERROR, BD_TILE_SOURCE_ERROR_INVALID);
}

static void
assert_source (ShumateMapSourceRegistry *registry,
               const char               *id,
               guint                     min_zoom,
               guint                     max_zoom,
               const char               *license_part,
               const char               *license_uri)
{
  ShumateMapSource *source = shumate_map_source_registry_get_by_id (registry, id);

  g_assert_nonnull (source);
  g_assert_true (SHUMATE_IS_RASTER_RENDERER (source));
  g_assert_cmpstr (shumate_map_source_get_id (source), ==, id);
  g_assert_cmpstr (shumate_map_source_get_name (source), ==, bd_map_sources_get_display_name (id));
  g_assert_cmpuint (shumate_map_source_get_min_zoom_level (source), ==, min_zoom);
  g_assert_cmpuint (shumate_map_source_get_max_zoom_level (source), ==, max_zoom);
  g_assert_cmpuint (shumate_map_source_get_tile_size (source), ==, 256);
  g_assert_nonnull (strstr (shumate_map_source_get_license (source), license_part));
  g_assert_cmpstr (shumate_map_source_get_license_uri (source), ==, license_uri);
}

static void
test_registry (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ShumateMapSourceRegistry) registry = bd_map_sources_new_registry (NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (registry)), ==, 4);

  assert_source (registry, BD_MAP_SOURCE_GSI_STD, 2, 18, "地理院タイル",
                 "https://maps.gsi.go.jp/development/ichiran.html");
  assert_source (registry, BD_MAP_SOURCE_GSI_PALE, 2, 18, "地理院タイル",
                 "https://maps.gsi.go.jp/development/ichiran.html");
  assert_source (registry, BD_MAP_SOURCE_GSI_PHOTO, 2, 18, "地理院タイル",
                 "https://maps.gsi.go.jp/development/ichiran.html");
  assert_source (registry, BD_MAP_SOURCE_OSM, 0, 19, "OpenStreetMap contributors",
                 "https://www.openstreetmap.org/copyright");
  g_assert_null (shumate_map_source_registry_get_by_id (registry, BD_MAP_SOURCE_LOCAL));

  g_assert_cmpstr (bd_map_sources_get_display_name (BD_MAP_SOURCE_GSI_STD), ==, "GSI Standard Map");
  g_assert_cmpstr (bd_map_sources_get_display_name (BD_MAP_SOURCE_LOCAL), ==, "Offline Map");
  g_assert_cmpstr (bd_map_sources_get_display_name ("nonsense"), ==, "nonsense");
}

static void
test_registry_local (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *path = make_mbtiles (fixture, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(ShumateMapSourceRegistry) registry = bd_map_sources_new_registry (path, &error);
  ShumateMapSource *local;
  GObject *data_source = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (registry)), ==, 5);

  /* Zoom 1..2 in the data, scaled up BD_TILE_SOURCE_MAX_OVERZOOM further. */
  assert_source (registry, BD_MAP_SOURCE_LOCAL, 1, 2 + BD_TILE_SOURCE_MAX_OVERZOOM,
                 "© Test contributors", NULL);

  local = shumate_map_source_registry_get_by_id (registry, BD_MAP_SOURCE_LOCAL);
  g_object_get (local, "data-source", &data_source, NULL);
  g_assert_true (BD_IS_TILE_SOURCE (data_source));
  g_object_unref (data_source);
}

static void
test_registry_local_html (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *path = make_mbtiles (fixture, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(ShumateMapSource) local = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  exec_sql (db, "UPDATE metadata SET value = '<a href=\"https://www.openstreetmap.org/copyright\">"
                "&copy; OpenStreetMap contributors</a> &amp; <b>Test</b>'"
                " WHERE name = 'attribution'");
  sqlite3_close (db);

  local = bd_map_sources_new_local (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (shumate_map_source_get_license (local), ==, "© OpenStreetMap contributors & Test");
  g_assert_cmpstr (shumate_map_source_get_license_uri (local), ==,
                   "https://www.openstreetmap.org/copyright");
}

static void
test_registry_local_broken (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->tmpdir, "broken.mbtiles", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(ShumateMapSourceRegistry) registry = NULL;

  g_file_set_contents (path, "garbage", -1, &error);
  g_assert_no_error (error);

  /* The network maps are still there; the error says why the local one is not. */
  registry = bd_map_sources_new_registry (path, &error);
  g_assert_nonnull (registry);
  g_assert_error (error, BD_TILE_SOURCE_ERROR, BD_TILE_SOURCE_ERROR_OPEN);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (registry)), ==, 4);
  g_assert_null (shumate_map_source_registry_get_by_id (registry, BD_MAP_SOURCE_LOCAL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/bd/tile-source/mbtiles/metadata", test_mbtiles_metadata);
  ADD ("/bd/tile-source/mbtiles/zoom-from-tiles", test_mbtiles_zoom_from_tiles);
  ADD ("/bd/tile-source/mbtiles/sync-tms", test_mbtiles_sync_tms);
  ADD ("/bd/tile-source/mbtiles/async", test_mbtiles_async);
  ADD ("/bd/tile-source/mbtiles/errors", test_mbtiles_errors);
  ADD ("/bd/tile-source/mbtiles/missing-tile", test_mbtiles_missing_tile);
  ADD ("/bd/tile-source/mbtiles/oversized", test_mbtiles_oversized);
  ADD ("/bd/tile-source/mbtiles/overzoom", test_mbtiles_overzoom);
  ADD ("/bd/tile-source/mbtiles/concurrent", test_mbtiles_concurrent);
  ADD ("/bd/tile-source/mbtiles/cancelled", test_mbtiles_cancelled);
  ADD ("/bd/tile-source/open-errors", test_open_errors);
  ADD ("/bd/tile-source/directory/read", test_directory);
  ADD ("/bd/tile-source/directory/metadata", test_directory_metadata);
  ADD ("/bd/tile-source/directory/oversized", test_directory_oversized);

  ADD ("/bd/map-sources/registry", test_registry);
  ADD ("/bd/map-sources/local", test_registry_local);
  ADD ("/bd/map-sources/local-html", test_registry_local_html);
  ADD ("/bd/map-sources/local-broken", test_registry_local_broken);

#undef ADD

  return g_test_run ();
}
