/* test-city-overlays.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The city's overlay tile sets in the layer panel (issue 10), in the real
 * window under Xvfb, against a real bosai-central serving a base map and
 * an overlay MBTiles (`tiles add hazard FILE --overlay`), reached through
 * a small proxy in the test that counts the overlay's tile requests: the
 * row appears when the list arrives, off, named and credited; a hidden
 * layer asks the server for nothing; shown, its tiles are drawn over the
 * base map (pixels); hidden again, no more requests; the choice and the
 * opacity survive a new window; a set the city withdraws leaves the panel
 * and the settings keep what they said of it.
 *
 * And the offline copy into the map file the window is showing: it
 * finishes while the map reads the file, a second copy into it at the
 * same time is refused naming the file, and the map still draws it.
 */

#define G_LOG_DOMAIN "test-city-overlays"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <sqlite3.h>

#include "bd-application.h"
#include "bd-map-sources.h"
#include "bd-mbtiles-writer.h"
#include "bd-offline-copy.h"
#include "bd-offline-save-dialog.h"
#include "bd-window-overlays.h"
#include "sync-harness.h"
#include "app-fixture.h"
#include "ui-util.h"

#define SCHEMA_ID "io.github.bosai_desk.BosaiDesk"
#define TIMEOUT_MS 30000
#define CENTRE_LAT 34.6937
#define CENTRE_LON 135.5023
#define ROW_ID "city-overlay:hazard"
#define CREDIT "大阪市 危機管理室（試験用）"

#define wait_until(condition, data) g_assert_true (iterate_until ((condition), (data), TIMEOUT_MS))

static char *tmp_dir;
static char *tiles_dir;
static Server *server;

/* ------------------------------------------------ the counting proxy */

static SoupServer *proxy;
static gboolean base_fails;      /* the city base map's tiles answer 500 */
static SoupSession *proxy_session;
static char *proxy_base;        /* http://127.0.0.1:PORT/ */
static char *proxy_authority;   /* 127.0.0.1:PORT */
static guint overlay_requests;  /* GET /tiles/hazard/… */

typedef struct
{
  SoupServerMessage *msg;
  SoupMessage       *out;
} Forward;

static void
copy_header (const char *name,
             const char *value,
             gpointer    user_data)
{
  static const char *const skip[] = { "Host", "Connection", "Content-Length", "Transfer-Encoding",
                                      "Content-Encoding", "Accept-Encoding", "Keep-Alive" };

  for (guint i = 0; i < G_N_ELEMENTS (skip); i++)
    if (g_ascii_strcasecmp (name, skip[i]) == 0)
      return;
  soup_message_headers_append (user_data, name, value);
}

static void
on_forwarded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Forward *forward = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);

  if (body == NULL)
    soup_server_message_set_status (forward->msg, SOUP_STATUS_BAD_GATEWAY, NULL);
  else
    {
      soup_server_message_set_status (forward->msg, soup_message_get_status (forward->out), NULL);
      soup_message_headers_foreach (soup_message_get_response_headers (forward->out), copy_header,
                                    soup_server_message_get_response_headers (forward->msg));
      soup_message_body_append_bytes (soup_server_message_get_response_body (forward->msg), body);
    }
  soup_server_message_unpause (forward->msg);
  g_object_unref (forward->msg);
  g_object_unref (forward->out);
  g_free (forward);
}

static void
proxy_handler (SoupServer        *soup_server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  const char *q = g_uri_get_query (soup_server_message_get_uri (msg));
  g_autofree char *url = g_strconcat (server->base, path + 1, q ? "?" : "", q ? q : "", NULL);
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);
  Forward *forward = g_new0 (Forward, 1);

  if (g_str_has_prefix (path, "/tiles/hazard/"))
    overlay_requests++;
  if (base_fails && g_str_has_prefix (path, "/tiles/city/"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
      g_free (forward);
      return;
    }
  forward->msg = g_object_ref (msg);
  forward->out = soup_message_new (soup_server_message_get_method (msg), url);
  soup_message_headers_foreach (soup_server_message_get_request_headers (msg), copy_header,
                                soup_message_get_request_headers (forward->out));
  /* the server's URLs name the proxy: the app checks they are on its server */
  soup_message_headers_replace (soup_message_get_request_headers (forward->out), "X-Forwarded-Host",
                                proxy_authority);
  if (request_body->length > 0)
    {
      g_autoptr(GBytes) bytes = soup_message_body_flatten (request_body);

      soup_message_set_request_body_from_bytes (
        forward->out, soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg), NULL),
        bytes);
    }
  soup_server_message_pause (msg);
  soup_session_send_and_read_async (proxy_session, forward->out, G_PRIORITY_DEFAULT, NULL,
                                    on_forwarded_cb, forward);
}

static void
start_proxy (void)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;
  GUri *uri;

  proxy = soup_server_new (NULL, NULL);
  proxy_session = soup_session_new_with_options ("max-conns-per-host", 16, NULL);
  soup_session_remove_feature_by_type (proxy_session, SOUP_TYPE_CONTENT_DECODER);
  soup_server_add_handler (proxy, NULL, proxy_handler, NULL, NULL);
  g_assert_true (soup_server_listen_local (proxy, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (proxy);
  uri = uris->data;
  proxy_authority = g_strdup_printf ("127.0.0.1:%d", g_uri_get_port (uri));
  proxy_base = g_strdup_printf ("http://%s/", proxy_authority);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
}

/* ------------------------------------------------ the server's tiles */

static GBytes *
png_tile (guint32 rgba)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, 256, 256);
  g_autofree char *buffer = NULL;
  gsize size = 0;

  gdk_pixbuf_fill (pixbuf, rgba);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", NULL, NULL));
  return g_bytes_new (buffer, size);
}

static void
tile_of (double  lat,
         double  lon,
         guint   z,
         guint  *x,
         guint  *y)
{
  double n = (double) (1u << z);

  *x = (guint) floor ((lon + 180.0) / 360.0 * n);
  *y = (guint) floor ((1.0 - asinh (tan (lat * G_PI / 180.0)) / G_PI) / 2.0 * n);
}

/* The city centre ±3 tiles at zooms 10–14, of one colour. */
static void
make_mbtiles (const char *path,
              const char *name,
              const char *attribution,
              guint32     rgba)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdMbtilesWriter) writer = bd_mbtiles_writer_open (path, &error);
  g_autoptr(GBytes) png = png_tile (rgba);

  g_assert_no_error (error);
  g_assert_true (bd_mbtiles_writer_set_metadata (writer, "name", name, &error));
  g_assert_true (bd_mbtiles_writer_set_metadata (writer, "format", "png", &error));
  g_assert_true (bd_mbtiles_writer_set_metadata (writer, "minzoom", "10", &error));
  g_assert_true (bd_mbtiles_writer_set_metadata (writer, "maxzoom", "14", &error));
  g_assert_true (bd_mbtiles_writer_set_metadata (writer, "attribution", attribution, &error));
  for (guint z = 10; z <= 14; z++)
    {
      guint cx, cy;

      tile_of (CENTRE_LAT, CENTRE_LON, z, &cx, &cy);
      for (guint x = cx - 3; x <= cx + 3; x++)
        for (guint y = cy - 3; y <= cy + 3; y++)
          g_assert_true (bd_mbtiles_writer_put_tile (writer, z, x, y, png, &error));
    }
  g_assert_true (bd_mbtiles_writer_flush (writer, &error));
}

static void
central (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_ptr_array_add (argv, (gpointer) central_exe ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("bosai-central %s: %s%s", args[0], out, err);
}

static void
start_server (void)
{
  g_autofree char *city = g_build_filename (tmp_dir, "city.mbtiles", NULL);
  g_autofree char *hazard = g_build_filename (tmp_dir, "hazard.mbtiles", NULL);

  make_mbtiles (city, "city", "大阪市", 0xd0d0d0ff);
  make_mbtiles (hazard, "hazard", CREDIT, 0xff0000ff);
  server = server_new ();
  central ((const char *[]) { "tiles", "add", "--database", server->db, "city", city, NULL });
  central ((const char *[]) { "tiles", "add", "--database", server->db, "hazard", hazard,
                              "--overlay", NULL });
  server_start (server);
}

/* ------------------------------------------------------- the window */

static void
run_app (AppScenario scenario)
{
  g_autofree char *db = g_build_filename (tmp_dir, "desk.sqlite", NULL);
  const char *argv[] = { "bosai-desk", "--offline-map", tiles_dir, "--database", db,
                         "--server", proxy_base, "--token", server->token, NULL };

  app_fixture_run (argv, scenario);
}

static gboolean
notice_shown (gpointer data)
{
  return _bd_window_offline_notice_visible (data);
}

static gboolean
notice_hidden (gpointer data)
{
  return !_bd_window_offline_notice_visible (data);
}

static gboolean
row_present (gpointer data)
{
  return _bd_window_get_layer_control (data, ROW_ID, "row") != NULL;
}

static gboolean
row_absent (gpointer data)
{
  return !row_present (data);
}

static gboolean
has_label (GtkWidget  *widget,
           const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_label (child, text))
      return TRUE;
  return FALSE;
}

/* The overlay's ShumateMapLayer: the layer under the row. */
static GtkWidget *
overlay_layer (BdWindow *window)
{
  GPtrArray *entries = _bd_layers_get_entries (window);

  for (guint i = 0; i < entries->len; i++)
    {
      BdLayerEntry *entry = g_ptr_array_index (entries, i);

      if (g_strcmp0 (entry->id, ROW_ID) == 0)
        return GTK_WIDGET (entry->layer);
    }
  return NULL;
}

/* The map's pixel at its centre, as drawn (0xAARRGGBB, premultiplied). */
static guint32
centre_pixel (BdWindow *window)
{
  GtkWidget *map = GTK_WIDGET (_bd_window_get_map (window));
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (map);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree guchar *data = NULL;
  int width = gtk_widget_get_width (map);
  int height = gtk_widget_get_height (map);
  /* a little off the centre: clear of a marker there */
  int x = width / 2 + 40, y = height / 2 + 40;

  g_assert_cmpint (width, >, 100);
  g_assert_cmpint (height, >, 100);
  data = g_malloc0 ((gsize) width * height * 4);
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    return 0;
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  gdk_texture_download (texture, data, (gsize) width * 4);
  return *(guint32 *) (data + (gsize) y * width * 4 + (gsize) x * 4);
}

#define RED(p)   (((p) >> 16) & 0xff)
#define GREEN(p) (((p) >> 8) & 0xff)
#define BLUE(p)  ((p) & 0xff)

static gboolean
centre_is_red (gpointer data)
{
  guint32 p = centre_pixel (data);

  iterate_for (50);
  return RED (p) > 230 && GREEN (p) < 30 && BLUE (p) < 30;
}

/* Shown at 60 %: red over the base map's light grey or beige. */
static gboolean
centre_is_faded_red (gpointer data)
{
  guint32 p = centre_pixel (data);

  iterate_for (50);
  return RED (p) > 230 && GREEN (p) > 60 && GREEN (p) < 130 && BLUE (p) > 60 && BLUE (p) < 130;
}

static gboolean
requested (gpointer data)
{
  return overlay_requests > 0;
}

/* The map on the city centre at zoom 12, until it stays there (the
 * window may still be moving it). */
static void
settle_on_city (BdWindow *window)
{
  ShumateViewport *viewport = _bd_window_get_viewport (window);

  for (guint i = 0, still = 0; i < 100 && still < 3; i++)
    {
      if (fabs (shumate_location_get_latitude (SHUMATE_LOCATION (viewport)) - CENTRE_LAT) < 1e-4 &&
          fabs (shumate_location_get_longitude (SHUMATE_LOCATION (viewport)) - CENTRE_LON) < 1e-4 &&
          shumate_viewport_get_zoom_level (viewport) == 12)
        still++;
      else
        {
          still = 0;
          shumate_map_center_on (_bd_window_get_map (window), CENTRE_LAT, CENTRE_LON);
          shumate_viewport_set_zoom_level (viewport, 12);
        }
      iterate_for (100);
    }
}

static void
first_scenario (BdApplication *app,
                BdWindow      *window)
{
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  GtkWidget *row, *toggle, *layer;
  guint32 before;
  guint n;

  /* the base map: the test's tile folder, nothing from the server */
  g_settings_set_string (settings, "map-source", BD_MAP_SOURCE_LOCAL);
  settle_on_city (window);

  /* the city's list arrives: a row for its overlay, off, named and credited */
  wait_until (row_present, window);
  row = _bd_window_get_layer_control (window, ROW_ID, "row");
  toggle = _bd_window_get_layer_control (window, ROW_ID, "visible");
  /* hidden, it has no layer on the map: only the source, on the row */
  g_assert_null (overlay_layer (window));
  g_assert_true (has_label (row, "hazard"));
  g_assert_true (has_label (row, CREDIT));
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (toggle)));
  /* the base map's row stays last, the overlay above it */
  {
    GPtrArray *entries = _bd_layers_get_entries (window);
    BdLayerEntry *last = g_ptr_array_index (entries, entries->len - 1);

    g_assert_cmpstr (last->id, ==, "base-map");
  }
  /* nor is it in the base-map menu */
  g_assert_null (shumate_map_source_registry_get_by_id (window->registry, "city:hazard"));
  g_assert_nonnull (shumate_map_source_registry_get_by_id (window->registry, "city:city"));

  /* hidden: the server is asked for nothing */
  iterate_for (1500);
  g_assert_cmpuint (overlay_requests, ==, 0);
  before = centre_pixel (window);
  g_assert_false (RED (before) > 230 && GREEN (before) < 30);

  /* shown: its tiles come from the server and are drawn over the base map */
  gtk_switch_set_active (GTK_SWITCH (toggle), TRUE);
  layer = overlay_layer (window);
  g_assert_true (gtk_widget_get_visible (layer));
  g_assert_true (gtk_widget_get_parent (layer) == GTK_WIDGET (_bd_window_get_map (window)));
  wait_until (requested, NULL);
  wait_until (centre_is_red, window);
  g_test_message ("%u overlay tiles requested", overlay_requests);

  /* faded */
  gtk_range_set_value (GTK_RANGE (_bd_window_get_layer_control (window, ROW_ID, "opacity")), 60);
  g_assert_cmpfloat_with_epsilon (gtk_widget_get_opacity (layer), 0.6, 0.01);
  wait_until (centre_is_faded_red, window);

  /* hidden again: moving the map asks for no more of its tiles */
  g_object_add_weak_pointer (G_OBJECT (layer), (gpointer *) &layer);
  gtk_switch_set_active (GTK_SWITCH (toggle), FALSE);
  g_assert_null (overlay_layer (window));
  wait_until (pointer_is_null, &layer);
  iterate_for (500);
  n = overlay_requests;
  shumate_map_center_on (_bd_window_get_map (window), CENTRE_LAT + 0.01, CENTRE_LON + 0.01);
  shumate_viewport_set_zoom_level (_bd_window_get_viewport (window), 13);
  iterate_for (1500);
  g_assert_cmpuint (overlay_requests, ==, n);
  g_assert_false (centre_is_red (window));

  /* the city's base map: its server failing, the notice says so at once
   * (its tile counts, no polling); when tiles come, it goes */
  base_fails = TRUE;
  g_settings_set_string (settings, "map-source", BD_MAP_SOURCE_CITY_PREFIX "city");
  wait_until (notice_shown, window);
  base_fails = FALSE;
  shumate_map_center_on (_bd_window_get_map (window), CENTRE_LAT - 0.01, CENTRE_LON - 0.01);
  wait_until (notice_hidden, window);
  g_settings_set_string (settings, "map-source", BD_MAP_SOURCE_LOCAL);

  /* shown once more, and moved to the top: kept for the next window */
  gtk_switch_set_active (GTK_SWITCH (toggle), TRUE);
  for (guint step = 0; step < 32; step++)
    g_signal_emit_by_name (_bd_window_get_layer_control (window, ROW_ID, "up"), "clicked");
  {
    g_auto(GStrv) order = g_settings_get_strv (settings, "layer-order");

    g_assert_cmpstr (order[0], ==, ROW_ID);
  }
  app_fixture_close_window (GTK_WINDOW (window));
}

static void
restored_scenario (BdApplication *app,
                   BdWindow      *window)
{
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  g_autofree char *db = g_strdup (server->db);
  GtkWidget *toggle, *layer;
  gboolean shown = FALSE;
  double alpha = 0;

  /* the choice came back with the list: shown, at 60 %, on top */
  wait_until (row_present, window);
  toggle = _bd_window_get_layer_control (window, ROW_ID, "visible");
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (toggle)));
  g_assert_true (gtk_widget_get_visible (overlay_layer (window)));
  g_assert_cmpfloat_with_epsilon (gtk_widget_get_opacity (overlay_layer (window)), 0.6, 0.01);
  {
    GPtrArray *entries = _bd_layers_get_entries (window);

    g_assert_cmpstr (((BdLayerEntry *) g_ptr_array_index (entries, 0))->id, ==, ROW_ID);
  }

  /* the city withdraws it: the row and the layer go at the next list */
  layer = g_object_ref (overlay_layer (window));
  central ((const char *[]) { "tiles", "remove", "--database", db, "hazard", NULL });
  g_object_notify (G_OBJECT (app), "sync");
  wait_until (row_absent, window);
  g_assert_null (gtk_widget_get_parent (layer));
  g_object_add_weak_pointer (G_OBJECT (layer), (gpointer *) &layer);
  g_object_unref (layer);
  g_assert_null (layer);
  /* a later change of the panel keeps what the settings said of it */
  gtk_switch_set_active (GTK_SWITCH (_bd_window_get_layer_control (window, "areas", "visible")),
                         FALSE);
  {
    g_autoptr(GVariant) visible = g_settings_get_value (settings, "layer-visible");
    g_autoptr(GVariant) opacity = g_settings_get_value (settings, "layer-opacity");
    g_auto(GStrv) order = g_settings_get_strv (settings, "layer-order");

    g_assert_true (g_variant_lookup (visible, ROW_ID, "b", &shown));
    g_assert_true (shown);
    g_assert_true (g_variant_lookup (opacity, ROW_ID, "d", &alpha));
    g_assert_cmpfloat_with_epsilon (alpha, 0.6, 0.01);
    g_assert_cmpstr (order[0], ==, ROW_ID);
  }
  gtk_switch_set_active (GTK_SWITCH (_bd_window_get_layer_control (window, "areas", "visible")),
                         TRUE);
  /* the base map stays */
  g_assert_nonnull (shumate_map_source_registry_get_by_id (window->registry, "city:city"));
  app_fixture_close_window (GTK_WINDOW (window));
}

static gboolean
city_source_known (gpointer data)
{
  BdWindow *window = data;

  return shumate_map_source_registry_get_by_id (window->registry, "city:city") != NULL;
}

static gboolean
source_is_file (gpointer data)
{
  BdWindow *window = data;
  ShumateMapSource *source = shumate_simple_map_get_map_source (window->map);

  return source != NULL && g_str_has_prefix (shumate_map_source_get_id (source), "file:");
}

static gint64
sql_number (const char *path,
            const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *s = NULL;
  gint64 n = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 2000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &s, NULL), ==, SQLITE_OK);
  if (sqlite3_step (s) == SQLITE_ROW)
    n = sqlite3_column_int64 (s, 0);
  sqlite3_finalize (s);
  sqlite3_close (db);
  return n;
}

static gboolean
centre_is_city_grey (gpointer data)
{
  guint32 p = centre_pixel (data);

  iterate_for (50);
  return RED (p) == 0xd0 && GREEN (p) == 0xd0 && BLUE (p) == 0xd0;
}

typedef struct
{
  BdOfflineCopy *copy;
  gboolean       done;
  gboolean       ok;
  GError        *error;
} CopyResult;

static void
on_copied_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  CopyResult *copied = user_data;

  copied->ok = bd_offline_copy_run_finish (copied->copy, result, &copied->error);
  copied->done = TRUE;
}

/* What the dialog says, when it does not end. */
static void
dump_labels (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget))
    g_test_message ("%s", gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    dump_labels (child);
}

static gboolean
copy_done (gpointer data)
{
  return ((CopyResult *) data)->done;
}

static void
shown_file_scenario (BdApplication *app,
                     BdWindow      *window)
{
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  g_autofree char *path = g_build_filename (tmp_dir, "shown.mbtiles", NULL);
  g_autofree char *lock = g_strconcat (path, "-lock", NULL);
  g_autoptr(GPtrArray) sets = NULL;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("max-conns-per-host", 6, NULL);
  BdOfflineCopy *copy = NULL;
  BdOfflineCopy *second = NULL;
  g_autoptr(GError) error = NULL;
  const BdCityTileSet *city = NULL;
  BdOfflineSaveDialog *dialog;
  CopyResult copied = { 0 };
  gint64 whole, removed;
  double lat[2], lon[2];
  GtkWidget *map = GTK_WIDGET (_bd_window_get_map (window));

  /* the city's map saved for offline use: the map file is then shown */
  wait_until (city_source_known, window);
  g_settings_set_string (settings, "map-source", "city:city");
  settle_on_city (window);
  dialog = _bd_window_save_offline_area (window);
  g_assert_nonnull (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  bd_offline_save_dialog_start (dialog, path);
  if (!iterate_until (pointer_is_null, &dialog, TIMEOUT_MS))
    {
      dump_labels (GTK_WIDGET (dialog));
      g_error ("the copy did not end");
    }
  wait_until (source_is_file, window);
  wait_until (centre_is_city_grey, window);
  whole = sql_number (path, "SELECT COUNT (*) FROM tiles");
  g_assert_cmpint (whole, >, 10);

  /* some of it lost, then copied again while the window shows the file */
  g_assert_cmpint (sql_number (path, "SELECT COUNT (*) FROM tiles WHERE zoom_level = 13"), >, 0);
  sql_number (path, "DELETE FROM tiles WHERE zoom_level = 13");
  removed = whole - sql_number (path, "SELECT COUNT (*) FROM tiles");
  g_assert_cmpint (removed, >, 0);

  sets = _bd_window_get_city_tile_sets (window, FALSE);
  for (guint i = 0; i < sets->len; i++)
    if (g_strcmp0 (((BdCityTileSet *) g_ptr_array_index (sets, i))->name, "city") == 0)
      city = g_ptr_array_index (sets, i);
  g_assert_nonnull (city);
  shumate_viewport_widget_coords_to_location (_bd_window_get_viewport (window), map, 0, 0,
                                              &lat[0], &lon[0]);
  shumate_viewport_widget_coords_to_location (_bd_window_get_viewport (window), map,
                                              gtk_widget_get_width (map),
                                              gtk_widget_get_height (map), &lat[1], &lon[1]);
  copy = bd_offline_copy_new (session, city, proxy_base, server->token, path,
                              MIN (lon[0], lon[1]), MIN (lat[0], lat[1]),
                              MAX (lon[0], lon[1]), MAX (lat[0], lat[1]), 12, 14, &error);
  g_assert_no_error (error);
  copied.copy = copy;
  bd_offline_copy_run_async (copy, NULL, on_copied_cb, &copied);

  /* a second copy into it meanwhile: refused at once, naming the file */
  second = bd_offline_copy_new (session, city, proxy_base, server->token, path,
                                MIN (lon[0], lon[1]), MIN (lat[0], lat[1]),
                                MAX (lon[0], lon[1]), MAX (lat[0], lat[1]), 12, 14, &error);
  g_assert_null (second);
  g_assert_error (error, BD_MBTILES_WRITER_ERROR, BD_MBTILES_WRITER_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);

  /* the map reads the file all the while */
  shumate_viewport_set_zoom_level (_bd_window_get_viewport (window), 13);
  wait_until (copy_done, &copied);
  g_assert_no_error (copied.error);
  g_assert_true (copied.ok);
  g_assert_cmpuint (bd_offline_copy_get_stats (copy)->fetched, ==, (guint64) removed);
  g_assert_cmpuint (bd_offline_copy_get_stats (copy)->failed, ==, 0);
  bd_offline_copy_free (copy);
  g_assert_false (g_file_test (lock, G_FILE_TEST_EXISTS));
  g_assert_cmpint (sql_number (path, "SELECT COUNT (*) FROM tiles"), ==, whole);
  g_assert_cmpint (sql_number (path, "SELECT COUNT (*) FROM pragma_integrity_check WHERE "
                                     "integrity_check = 'ok'"), ==, 1);
  g_assert_true (source_is_file (window));
  wait_until (centre_is_city_grey, window);

  g_settings_set_string (settings, "map-source", BD_MAP_SOURCE_LOCAL);
  app_fixture_close_window (GTK_WINDOW (window));
}

static void
test_shown_file (void)
{
  run_app (shown_file_scenario);
}

static void
test_city_overlays (void)
{
  run_app (first_scenario);
  run_app (restored_scenario);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *cache = NULL;
  g_autofree char *config = NULL;
  int status;

  tmp_dir = g_dir_make_tmp ("bd-test-city-overlays-XXXXXX", NULL);
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

  tiles_dir = g_build_filename (tmp_dir, "tiles", NULL);
  write_city_tiles (tiles_dir, 12);
  write_city_tiles (tiles_dir, 13);
  start_server ();
  start_proxy ();

  g_test_add_func ("/bd/city-overlays/panel", test_city_overlays);
  g_test_add_func ("/bd/city-overlays/copy-into-shown-file", test_shown_file);
  status = g_test_run ();

  soup_server_disconnect (proxy);
  g_clear_object (&proxy);
  g_clear_object (&proxy_session);
  server_free (server);
  remove_tree (tmp_dir);
  g_free (proxy_base);
  g_free (proxy_authority);
  g_free (tiles_dir);
  g_free (tmp_dir);
  return status;
}
