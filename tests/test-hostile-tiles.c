/* test-hostile-tiles.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Hostile public tile servers (issue 10), in the real window under Xvfb,
 * against a SoupServer on loopback running in a thread of its own: one
 * answering garbage with 200 and image/png, one an HTML page, one a 50 MB
 * body, one never answering, one closing mid-body, one a PNG's header
 * followed by noise (for the base map). The hazard overlays and
 * the GSI standard base map are pointed at them (the map sources' test
 * hook). Checked: nothing crashes, the main loop never stalls (the longest
 * gap measured and printed), failures are counted and nothing is taken for
 * a tile, the 50 MB body is cut at the bound (the bytes read by the client
 * and the bytes the server got out), at most a few requests are in flight,
 * the notice over the map shows for the base map; then a good server loads
 * tiles, the counts go up and the notice hides.
 */

#define G_LOG_DOMAIN "test-hostile-tiles"

#include "config.h"

#include <string.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "bd-application.h"
#include "bd-catalog.h"
#include "bd-http-tile-source.h"
#include "bd-map-sources.h"
#include "bd-window-private.h"
#include "app-fixture.h"
#include "ui-util.h"

#define SCHEMA_ID "io.github.bosai_desk.BosaiDesk"
#define WAIT_MS 30000
#define TILE_TIMEOUT_MS 3000
#define BIG_BYTES (50 * 1024 * 1024)
#define BIG_CHUNK (64 * 1024)
#define MIDCLOSE_LENGTH 100000
#define MIDCLOSE_SENT 1000
/* The longest the main loop may go without running a 10 ms tick. */
#define MAX_STALL_MS 100

#define wait_until(condition, data) g_assert_true (iterate_until ((condition), (data), WAIT_MS))

typedef enum
{
  KIND_GOOD,
  KIND_GARBAGE,
  KIND_HTML,
  KIND_BIG,
  KIND_NEVER,
  KIND_MIDCLOSE,
  KIND_BADPNG,
} Kind;

static char *tmp_dir;
static char *tiles_dir;
static GBytes *good_png;

/* ------------------------------------------------ the server's thread */

static GMutex server_lock;
static GCond server_ready;
static guint server_port;
static gboolean server_quit;
static GMainContext *server_context;
static GThread *server_thread;
static int base_kind = KIND_GOOD;      /* g_atomic: what /base/ answers */
static int big_max_sent;               /* g_atomic: most bytes queued on one connection */
static GPtrArray *held;                /* never answered (server thread only) */

typedef struct
{
  gsize sent;
  Kind  kind;
} Stream;

static void
on_wrote_cb (SoupServerMessage *msg,
             Stream            *stream)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);

  if (stream->kind == KIND_MIDCLOSE)
    {
      /* part of the body out: close the writing side, the promised length
       * never comes */
      if (stream->sent > 0)
        g_socket_shutdown (soup_server_message_get_socket (msg), FALSE, TRUE, NULL);
      else
        {
          g_autoptr(GBytes) part = g_bytes_new_from_bytes (good_png, 0, MIDCLOSE_SENT);

          soup_message_body_append_bytes (body, part);
          stream->sent = MIDCLOSE_SENT;
        }
      return;
    }

  /* KIND_BIG: a PNG's start, then zeros, chunk after chunk, to 50 MB */
  if (stream->sent >= BIG_BYTES)
    {
      soup_message_body_complete (body);
      return;
    }
  if (stream->sent == 0)
    {
      g_autofree guint8 *chunk = g_malloc0 (BIG_CHUNK);

      memcpy (chunk, g_bytes_get_data (good_png, NULL), 33);   /* signature and IHDR */
      soup_message_body_append (body, SOUP_MEMORY_COPY, chunk, BIG_CHUNK);
    }
  else
    {
      static guint8 zeros[BIG_CHUNK];

      soup_message_body_append (body, SOUP_MEMORY_STATIC, zeros, BIG_CHUNK);
    }
  stream->sent += BIG_CHUNK;
  if ((int) stream->sent > g_atomic_int_get (&big_max_sent))
    g_atomic_int_set (&big_max_sent, (int) stream->sent);
}

static Kind
kind_of_path (const char *path)
{
  static const struct { const char *prefix; Kind kind; } kinds[] = {
    { "/good/", KIND_GOOD }, { "/garbage/", KIND_GARBAGE }, { "/html/", KIND_HTML },
    { "/big/", KIND_BIG }, { "/never/", KIND_NEVER }, { "/midclose/", KIND_MIDCLOSE },
    { "/badpng/", KIND_BADPNG },
  };

  if (g_str_has_prefix (path, "/base/"))
    return g_atomic_int_get (&base_kind);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_str_has_prefix (path, kinds[i].prefix))
      return kinds[i].kind;
  return KIND_GOOD;
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  Kind kind = kind_of_path (path);
  Stream *stream;

  switch (kind)
    {
    case KIND_GOOD:
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "image/png", SOUP_MEMORY_COPY,
                                        g_bytes_get_data (good_png, NULL),
                                        g_bytes_get_size (good_png));
      return;
    case KIND_GARBAGE:
    case KIND_BADPNG:
      {
        guint8 garbage[2000];

        for (guint i = 0; i < sizeof garbage; i++)
          garbage[i] = (guint8) g_random_int ();
        if (kind == KIND_BADPNG)   /* a PNG's signature and header, then noise */
          memcpy (garbage, g_bytes_get_data (good_png, NULL), 33);
        else
          garbage[0] = 'G';
        soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
        soup_server_message_set_response (msg, "image/png", SOUP_MEMORY_COPY, (const char *) garbage,
                                          sizeof garbage);
      }
      return;
    case KIND_HTML:
      {
        static const char page[] = "<!DOCTYPE html><html><head><title>Error</title></head>"
                                   "<body><h1>Service temporarily unavailable</h1></body></html>";

        soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
        soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, page,
                                          strlen (page));
      }
      return;
    case KIND_NEVER:
      soup_server_message_pause (msg);
      g_ptr_array_add (held, g_object_ref (msg));
      return;
    case KIND_BIG:
    case KIND_MIDCLOSE:
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_message_headers_set_content_type (headers, "image/png", NULL);
      if (kind == KIND_BIG)
        soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
      else
        soup_message_headers_set_content_length (headers, MIDCLOSE_LENGTH);
      soup_message_body_set_accumulate (soup_server_message_get_response_body (msg), FALSE);
      stream = g_new0 (Stream, 1);
      stream->kind = kind;
      /* freed with the message, also when the connection is dropped */
      g_object_set_data_full (G_OBJECT (msg), "stream", stream, g_free);
      g_signal_connect (msg, "wrote-headers", G_CALLBACK (on_wrote_cb), stream);
      g_signal_connect (msg, "wrote-chunk", G_CALLBACK (on_wrote_cb), stream);
      return;
    }
}

static gpointer
server_main (gpointer data)
{
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (server_context);
  server = soup_server_new (NULL, NULL);
  held = g_ptr_array_new_with_free_func (g_object_unref);
  soup_server_add_handler (server, NULL, server_cb, NULL, NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  g_mutex_lock (&server_lock);
  server_port = g_uri_get_port (uris->data);
  g_cond_signal (&server_ready);
  g_mutex_unlock (&server_lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  while (!g_atomic_int_get (&server_quit))
    g_main_context_iteration (server_context, TRUE);

  soup_server_disconnect (server);
  g_clear_pointer (&held, g_ptr_array_unref);
  while (g_main_context_iteration (server_context, FALSE))
    ;
  g_main_context_pop_thread_default (server_context);
  return NULL;
}

static void
start_server (void)
{
  server_context = g_main_context_new ();
  g_mutex_lock (&server_lock);
  server_thread = g_thread_new ("hostile-server", server_main, NULL);
  while (server_port == 0)
    g_cond_wait (&server_ready, &server_lock);
  g_mutex_unlock (&server_lock);
}

static void
stop_server (void)
{
  g_atomic_int_set (&server_quit, TRUE);
  g_main_context_wakeup (server_context);
  g_thread_join (server_thread);
  g_main_context_unref (server_context);
}

/* ------------------------------------------------------- the stalls */

static gint64 last_tick;
static gint64 longest_gap;

static gboolean
on_tick_cb (gpointer data)
{
  gint64 now = g_get_monotonic_time ();

  if (last_tick > 0)
    longest_gap = MAX (longest_gap, now - last_tick);
  last_tick = now;
  return G_SOURCE_CONTINUE;
}

/* ------------------------------------------------------- the window */

static BdHttpTileSource *
tiles_of (ShumateMapSource *source)
{
  ShumateDataSource *data = NULL;

  g_object_get (source, "data-source", &data, NULL);
  g_assert_true (BD_IS_HTTP_TILE_SOURCE (data));
  g_object_unref (data);   /* the renderer keeps it */
  return BD_HTTP_TILE_SOURCE (data);
}

typedef struct
{
  const char       *id;
  Kind              kind;
  ShumateMapLayer  *layer;
  BdHttpTileSource *tiles;
} Hazard;

static Hazard hazards[] = {
  { BD_MAP_SOURCE_HAZARD_PREFIX "flood-l2", KIND_GARBAGE },
  { BD_MAP_SOURCE_HAZARD_PREFIX "tsunami", KIND_HTML },
  { BD_MAP_SOURCE_HAZARD_PREFIX "storm-surge", KIND_BIG },
  { BD_MAP_SOURCE_HAZARD_PREFIX "landslide", KIND_NEVER },
  { BD_MAP_SOURCE_HAZARD_PREFIX "debris-flow", KIND_MIDCLOSE },
  { BD_MAP_SOURCE_HAZARD_PREFIX "steep-slope", KIND_GOOD },
};

static const char *kind_names[] = { "good", "garbage", "html", "big", "never", "midclose", "badpng" };

/* A hidden tile overlay has no layer on the map (the panel drops it, so
 * that it asks for nothing); its row keeps the source. */
static void
find_hazard_sources (BdWindow *window)
{
  for (guint i = 0; i < G_N_ELEMENTS (hazards); i++)
    {
      GtkWidget *row = _bd_window_get_layer_control (window, hazards[i].id, "row");
      ShumateMapSource *source;

      g_assert_nonnull (row);
      source = g_object_get_data (G_OBJECT (row), "bd-tile-source");
      g_assert_nonnull (source);
      hazards[i].tiles = tiles_of (source);
      g_assert_nonnull (hazards[i].tiles);
    }
}

static void
show_hazard (BdWindow *window,
             guint     i,
             gboolean  shown)
{
  GtkWidget *toggle = _bd_window_get_layer_control (window, hazards[i].id, "visible");

  gtk_switch_set_active (GTK_SWITCH (toggle), shown);
}

/* Shown, each hazard has its layer on the map, of its source. */
static void
find_hazard_layers (BdWindow *window)
{
  GtkWidget *map = GTK_WIDGET (_bd_window_get_map (window));

  for (guint i = 0; i < G_N_ELEMENTS (hazards); i++)
    hazards[i].layer = NULL;
  for (GtkWidget *child = gtk_widget_get_first_child (map); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      g_autoptr(ShumateMapSource) source = NULL;

      if (!SHUMATE_IS_MAP_LAYER (child))
        continue;
      g_object_get (child, "map-source", &source, NULL);
      for (guint i = 0; i < G_N_ELEMENTS (hazards); i++)
        if (source != NULL && g_strcmp0 (shumate_map_source_get_id (source), hazards[i].id) == 0)
          {
            hazards[i].layer = SHUMATE_MAP_LAYER (child);
            g_assert_true (tiles_of (source) == hazards[i].tiles);
            g_assert_true (gtk_widget_get_visible (child));
          }
    }
  for (guint i = 0; i < G_N_ELEMENTS (hazards); i++)
    g_assert_nonnull (hazards[i].layer);
}

static gboolean
hazards_settled (gpointer data)
{
  for (guint i = 0; i < G_N_ELEMENTS (hazards); i++)
    {
      BdHttpTileSource *tiles = hazards[i].tiles;

      if (hazards[i].kind == KIND_GOOD ? bd_http_tile_source_get_n_loaded (tiles) < 4
                                       : bd_http_tile_source_get_n_failed (tiles) < 4)
        return FALSE;
    }
  return TRUE;
}

static BdHttpTileSource *
base_tiles (BdWindow *window)
{
  return tiles_of (shumate_map_source_registry_get_by_id (window->registry,
                                                          BD_MAP_SOURCE_GSI_STD));
}

static guint base_failed_from;
static guint base_loaded_from;

static gboolean
base_failed (gpointer data)
{
  return bd_http_tile_source_get_n_failed (base_tiles (data)) > base_failed_from;
}

static gboolean
base_loaded (gpointer data)
{
  return bd_http_tile_source_get_n_loaded (base_tiles (data)) > base_loaded_from;
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

static void
settle (guint ms)
{
  iterate_until (never, NULL, ms);
}

static gboolean
notice_hidden (gpointer data)
{
  return !_bd_window_offline_notice_visible (data);
}

static gboolean
notice_shown (gpointer data)
{
  return _bd_window_offline_notice_visible (data);
}

static void
scenario (BdApplication *app,
          BdWindow      *window)
{
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  ShumateViewport *viewport = _bd_window_get_viewport (window);
  static const Kind base_kinds[] = { KIND_GARBAGE, KIND_HTML, KIND_BIG, KIND_MIDCLOSE, KIND_BADPNG,
                                     KIND_NEVER };
  guint tick_id;
  gint64 started;

  /* the system says it is online: the notice is the counts' alone */
  _bd_window_set_network_available_for_test (window, 1);
  g_settings_set_string (settings, "map-source", BD_MAP_SOURCE_LOCAL);
  shumate_map_center_on (_bd_window_get_map (window), BD_CITY_CENTER_LAT, BD_CITY_CENTER_LON);
  shumate_viewport_set_zoom_level (viewport, 12);
  settle (500);
  g_assert_false (_bd_window_offline_notice_visible (window));

  tick_id = g_timeout_add_full (G_PRIORITY_HIGH, 10, on_tick_cb, NULL, NULL);

  /* the hazard overlays, each on a server of its own kind, all at once */
  find_hazard_sources (window);
  /* hidden, they asked their servers for nothing */
  for (guint i = 0; i < G_N_ELEMENTS (hazards); i++)
    {
      g_assert_true (bd_http_tile_source_get_paused (hazards[i].tiles));
      g_assert_cmpuint (bd_http_tile_source_get_peak_in_flight (hazards[i].tiles), ==, 0);
      g_assert_cmpuint (bd_http_tile_source_get_n_loaded (hazards[i].tiles), ==, 0);
      g_assert_cmpuint (bd_http_tile_source_get_n_failed (hazards[i].tiles), ==, 0);
    }
  started = g_get_monotonic_time ();
  for (guint i = 0; i < G_N_ELEMENTS (hazards); i++)
    show_hazard (window, i, TRUE);
  find_hazard_layers (window);
  wait_until (hazards_settled, NULL);
  g_test_message ("hazard overlays settled in %" G_GINT64_FORMAT " ms",
                  (g_get_monotonic_time () - started) / 1000);
  for (guint i = 0; i < G_N_ELEMENTS (hazards); i++)
    {
      BdHttpTileSource *tiles = hazards[i].tiles;

      g_test_message ("%s (%s): %u loaded, %u failed, %" G_GUINT64_FORMAT " bytes read, "
                      "at most %u in flight", hazards[i].id, kind_names[hazards[i].kind],
                      bd_http_tile_source_get_n_loaded (tiles),
                      bd_http_tile_source_get_n_failed (tiles),
                      bd_http_tile_source_get_n_bytes_read (tiles),
                      bd_http_tile_source_get_peak_in_flight (tiles));
      g_assert_cmpuint (bd_http_tile_source_get_peak_in_flight (tiles), <=,
                        BD_HTTP_TILE_MAX_IN_FLIGHT);
      if (hazards[i].kind == KIND_GOOD)
        g_assert_cmpuint (bd_http_tile_source_get_n_failed (tiles), ==, 0);
      else
        g_assert_cmpuint (bd_http_tile_source_get_n_loaded (tiles), ==, 0);
      if (hazards[i].kind == KIND_BIG)
        {
          guint64 read = bd_http_tile_source_get_n_bytes_read (tiles);
          guint n = bd_http_tile_source_get_n_failed (tiles);

          /* each body read to the bound and no further (a chunk over) */
          g_assert_cmpuint (read, >=, (guint64) n * BD_HTTP_TILE_MAX_BYTES);
          g_assert_cmpuint (read, <=, (guint64) (n + BD_HTTP_TILE_MAX_IN_FLIGHT) *
                                      (BD_HTTP_TILE_MAX_BYTES + 64 * 1024));
        }
      if (hazards[i].kind == KIND_NEVER || hazards[i].kind == KIND_MIDCLOSE)
        g_assert_cmpuint (bd_http_tile_source_get_n_bytes_read (tiles), <=,
                          (guint64) bd_http_tile_source_get_n_failed (tiles) * MIDCLOSE_SENT +
                          BD_HTTP_TILE_MAX_IN_FLIGHT * MIDCLOSE_SENT);
      show_hazard (window, i, FALSE);
      g_assert_true (bd_http_tile_source_get_paused (tiles));
    }
  /* the server stopped sending once the client went: far from 50 MB */
  g_test_message ("the 50 MB server queued at most %d bytes on a connection",
                  g_atomic_int_get (&big_max_sent));
  g_assert_cmpint (g_atomic_int_get (&big_max_sent), <, 24 * 1024 * 1024);

  /* the base map on each hostile server in turn: failures counted, no
   * tile taken, the notice shown */
  for (guint i = 0; i < G_N_ELEMENTS (base_kinds); i++)
    {
      BdHttpTileSource *tiles = base_tiles (window);
      guint loaded = bd_http_tile_source_get_n_loaded (tiles);

      g_atomic_int_set (&base_kind, base_kinds[i]);
      g_settings_set_string (settings, "map-source", BD_MAP_SOURCE_LOCAL);
      g_assert_false (_bd_window_offline_notice_visible (window));
      base_failed_from = bd_http_tile_source_get_n_failed (tiles);
      g_settings_set_string (settings, "map-source", BD_MAP_SOURCE_GSI_STD);
      wait_until (base_failed, window);
      wait_until (notice_shown, window);
      g_assert_cmpuint (bd_http_tile_source_get_n_loaded (tiles), ==, loaded);
      g_test_message ("base map on the %s server: %u failed, notice shown", kind_names[base_kinds[i]],
                      bd_http_tile_source_get_n_failed (tiles) - base_failed_from);
    }

  /* the server mends: new tiles (another zoom) load, the notice hides
   * with the first */
  g_atomic_int_set (&base_kind, KIND_GOOD);
  base_loaded_from = bd_http_tile_source_get_n_loaded (base_tiles (window));
  shumate_viewport_set_zoom_level (viewport, 13);
  wait_until (base_loaded, window);
  wait_until (notice_hidden, window);
  g_assert_cmpuint (bd_http_tile_source_get_peak_in_flight (base_tiles (window)), <=,
                    BD_HTTP_TILE_MAX_IN_FLIGHT);

  /* the system says it went offline: a hint, shown until a tile loads
   * again (counted from then), hidden with the first */
  _bd_window_set_network_available_for_test (window, 0);
  g_assert_true (_bd_window_offline_notice_visible (window));
  base_loaded_from = bd_http_tile_source_get_n_loaded (base_tiles (window));
  shumate_viewport_set_zoom_level (viewport, 14);
  wait_until (base_loaded, window);
  wait_until (notice_hidden, window);
  _bd_window_set_network_available_for_test (window, 1);
  g_assert_false (_bd_window_offline_notice_visible (window));

  /* failures before the base map was chosen do not count: the server
   * fails again, the local map, then the GSI map again on a good server */
  g_atomic_int_set (&base_kind, KIND_HTML);
  base_failed_from = bd_http_tile_source_get_n_failed (base_tiles (window));
  shumate_viewport_set_zoom_level (viewport, 15);
  wait_until (base_failed, window);
  g_settings_set_string (settings, "map-source", BD_MAP_SOURCE_LOCAL);
  g_assert_false (_bd_window_offline_notice_visible (window));
  g_atomic_int_set (&base_kind, KIND_GOOD);
  g_settings_set_string (settings, "map-source", BD_MAP_SOURCE_GSI_STD);
  g_assert_false (_bd_window_offline_notice_visible (window));

  g_source_remove (tick_id);
  g_test_message ("longest main-loop gap: %" G_GINT64_FORMAT " ms (ticks every 10 ms)",
                  longest_gap / 1000);
  g_print ("# longest main-loop gap with hostile tile servers: %" G_GINT64_FORMAT " ms\n",
           longest_gap / 1000);
  g_assert_cmpint (longest_gap / 1000, <, 10 + MAX_STALL_MS);

  /* back to the local map: no request to the servers left */
  g_settings_set_string (settings, "map-source", BD_MAP_SOURCE_LOCAL);
  {
    g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
    gtk_window_close (GTK_WINDOW (window));
    wait_until (pointer_is_null, &window);
  }
}

static void
test_hostile_servers (void)
{
  g_autofree char *db = g_build_filename (tmp_dir, "desk.sqlite", NULL);
  const char *argv[] = { "bosai-desk", "--offline-map", tiles_dir, "--database", db, NULL };

  app_fixture_run (argv, scenario);
}

/* The image check alone: what reaches the renderer. */
static void
test_image_check (void)
{
  static const guint8 png_huge[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
                                     'I', 'H', 'D', 'R', 0, 1, 0, 0, 0, 1, 0, 0 };
  static const guint8 jpeg_small[] = { 0xff, 0xd8, 0xff, 0xe0, 0, 4, 'J', 'F', 0xff, 0xc0, 0, 11,
                                       8, 1, 0, 1, 0, 3 };
  static const guint8 jpeg_no_frame[] = { 0xff, 0xd8, 0xff, 0xda, 0, 4, 1, 2 };
  static const guint8 webp_small[] = { 'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'E', 'B', 'P',
                                       'V', 'P', '8', 'X', 10, 0, 0, 0, 0, 0, 0, 0,
                                       0xff, 0, 0, 0xff, 0, 0, 0, 0 };
  const char *html = "<!DOCTYPE html><html></html>";

  g_assert_true (bd_http_tile_data_is_image (g_bytes_get_data (good_png, NULL),
                                             g_bytes_get_size (good_png)));
  /* a header without the body is still an image's start; the renderer
   * is only given whole bodies */
  g_assert_true (bd_http_tile_data_is_image (g_bytes_get_data (good_png, NULL), 33));
  g_assert_false (bd_http_tile_data_is_image (g_bytes_get_data (good_png, NULL), 20));
  g_assert_false (bd_http_tile_data_is_image (png_huge, sizeof png_huge));   /* 65536 px */
  g_assert_true (bd_http_tile_data_is_image (jpeg_small, sizeof jpeg_small));
  g_assert_false (bd_http_tile_data_is_image (jpeg_no_frame, sizeof jpeg_no_frame));
  g_assert_true (bd_http_tile_data_is_image (webp_small, sizeof webp_small));
  g_assert_false (bd_http_tile_data_is_image ((const guint8 *) html, strlen (html)));
  g_assert_false (bd_http_tile_data_is_image (NULL, 0));
  g_assert_false (bd_http_tile_data_is_image ((const guint8 *) "", 0));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *cache = NULL;
  g_autofree char *config = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autofree char *buffer = NULL;
  gsize size = 0;
  int status;

  tmp_dir = g_dir_make_tmp ("bd-test-hostile-tiles-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);
  cache = g_build_filename (tmp_dir, "cache", NULL);
  config = g_build_filename (tmp_dir, "config", NULL);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  g_unsetenv ("BOSAI_TOKEN");

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 256, 256);
  /* noise, so the PNG is larger than what the mid-body close sends */
  {
    guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
    gsize n = (gsize) gdk_pixbuf_get_rowstride (pixbuf) * 255 + 256 * 3;

    for (gsize i = 0; i < n; i++)
      pixels[i] = (guint8) g_random_int ();
  }
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", NULL, NULL));
  /* the mid-body close sends this much of it */
  g_assert_cmpuint (size, >, MIDCLOSE_SENT);
  good_png = g_bytes_new (buffer, size);

  tiles_dir = g_build_filename (tmp_dir, "tiles", NULL);
  write_city_tiles (tiles_dir, 12);
  start_server ();
  {
    g_autofree char *base = g_strdup_printf ("http://127.0.0.1:%u/base/{z}/{x}/{y}.png",
                                             server_port);

    _bd_map_sources_set_url_override (BD_MAP_SOURCE_GSI_STD, base);
    for (guint i = 0; i < G_N_ELEMENTS (hazards); i++)
      {
        g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/%s/{z}/{x}/{y}.png",
                                                server_port, kind_names[hazards[i].kind]);

        _bd_map_sources_set_url_override (hazards[i].id, url);
      }
    _bd_map_sources_set_timeout_override (TILE_TIMEOUT_MS);
  }

  g_test_add_func ("/bd/hostile-tiles/image-check", test_image_check);
  g_test_add_func ("/bd/hostile-tiles/servers", test_hostile_servers);
  status = g_test_run ();

  stop_server ();
  g_bytes_unref (good_png);
  remove_tree (tmp_dir);
  g_free (tiles_dir);
  g_free (tmp_dir);
  return status;
}
