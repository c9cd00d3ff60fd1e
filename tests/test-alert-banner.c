/* test-alert-banner.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The alert banner under Xvfb: it names the alerts in force from the
 * store, leaves out the expired, exercise and cancelled ones, drops an
 * alert when it expires (its timer), shows the details on a click, and is
 * drawn in the warning colour. BD_TEST_SCREENSHOT=FILE.png saves what it
 * drew. */

#define G_LOG_DOMAIN "test-alert-banner"

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "bd-alert-banner-private.h"
#include "bd-demo-overlays.h"
#include "bd-store-features.h"
#include "ui-util.h"

#define TIMEOUT_MS 10000

typedef struct
{
  char      *dir;
  BdStore   *store;
  GtkWidget *window;
  BdAlertBanner *banner;
  gint64     seq;
} Fixture;

static void
load_style (void)
{
  static gboolean loaded = FALSE;
  g_autoptr(GtkCssProvider) provider = NULL;

  if (loaded)
    return;
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, RESOURCE_PREFIX "/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  loaded = TRUE;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  GtkWidget *box, *content;

  load_style ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  f->dir = g_dir_make_tmp ("bd-test-banner-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "client.sqlite", NULL);
  f->store = bd_store_open (path, &error);
  g_assert_no_error (error);

  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 640, 240);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  f->banner = BD_ALERT_BANNER (bd_alert_banner_new ());
  content = gtk_label_new ("地図");
  gtk_widget_set_vexpand (content, TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (f->banner));
  gtk_box_append (GTK_BOX (box), content);
  gtk_window_set_child (GTK_WINDOW (f->window), box);
  gtk_window_present (GTK_WINDOW (f->window));
  g_assert_true (iterate_until (widget_is_mapped, f->window, TIMEOUT_MS));
  f->seq = 1;
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->store);
  remove_tree (f->dir);
  g_free (f->dir);
}

/* Writes @node into the store as the change feed would. */
static void
put_alert (Fixture  *f,
           JsonNode *node)
{
  g_autoptr(GPtrArray) features = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_feature_free);
  g_autoptr(GError) error = NULL;
  JsonObject *props = json_object_get_object_member (json_node_get_object (node), "properties");
  BdFeature *feature;

  json_object_set_int_member (props, "seq", f->seq++);
  feature = bd_feature_new_from_json ("alerts", node, &error);
  g_assert_no_error (error);
  g_ptr_array_add (features, feature);
  g_assert_true (bd_store_apply_pulled_features (f->store, "alerts", features, NULL, NULL, 0,
                                                 &error));
  g_assert_no_error (error);
}

static JsonNode *
demo_alert (guint index)
{
  g_autoptr(GPtrArray) alerts = bd_demo_overlays_generate ("alerts");
  g_autofree char *text = json_to_string (g_ptr_array_index (alerts, index), FALSE);

  return json_from_string (text, NULL);
}

static JsonObject *
props_of (JsonNode *node)
{
  return json_object_get_object_member (json_node_get_object (node), "properties");
}

static gboolean
n_alerts_is (gpointer data)
{
  gpointer *pair = data;

  return bd_alert_banner_get_n_alerts (pair[0]) == GPOINTER_TO_UINT (pair[1]);
}

static gboolean
waited (gpointer data)
{
  return g_get_monotonic_time () >= *(gint64 *) data;
}

static void
settle (guint ms)
{
  gint64 deadline = g_get_monotonic_time () + ms * 1000;

  iterate_until (waited, &deadline, ms + 1000);
}

/* The window as drawn. */
static GdkTexture *
draw (Fixture *f)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (f->window);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  GskRenderNode *node;
  GdkTexture *texture;
  int width, height;

  settle (500);
  width = gtk_widget_get_width (f->window);
  height = gtk_widget_get_height (f->window);
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (f->window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  gsk_render_node_unref (node);
  return texture;
}

static guint32
pixel_at (GdkTexture *texture,
          int         x,
          int         y)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  g_autofree guchar *data = g_malloc ((gsize) width * height * 4);
  const guchar *p;

  gdk_texture_download (texture, data, (gsize) width * 4);   /* B, G, R, A (premultiplied) */
  p = data + ((gsize) y * width + x) * 4;
  return (guint32) p[2] << 16 | (guint32) p[1] << 8 | p[0];
}

static void
test_active_and_expired (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(JsonNode) active = demo_alert (0);
  g_autoptr(JsonNode) expired = demo_alert (1);
  g_autoptr(JsonNode) exercise = demo_alert (0);
  g_autoptr(JsonNode) soon = demo_alert (0);
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) in_3s = NULL;
  g_autofree char *expires = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkWidget *revealer;
  const char *shot = g_getenv ("BD_TEST_SCREENSHOT");
  gpointer want[2];
  guint32 colour;
  int y;

  /* nothing yet: hidden */
  bd_alert_banner_set_store (f->banner, f->store);
  g_assert_cmpuint (bd_alert_banner_get_n_alerts (f->banner), ==, 0);
  g_assert_null (bd_alert_banner_get_summary (f->banner));
  revealer = gtk_widget_get_first_child (GTK_WIDGET (f->banner));
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));

  /* an active alert, an expired one and an exercise: only the first */
  json_object_set_string_member (json_node_get_object (exercise), "id", "exercise-1");
  json_object_set_string_member (props_of (exercise), "status", "exercise");
  json_object_set_string_member (props_of (exercise), "event", "訓練警報");
  put_alert (f, active);
  put_alert (f, expired);
  put_alert (f, exercise);
  g_assert_cmpuint (bd_alert_banner_get_n_alerts (f->banner), ==, 1);
  g_assert_nonnull (strstr (bd_alert_banner_get_summary (f->banner), "大雨警報"));
  g_assert_null (strstr (bd_alert_banner_get_summary (f->banner), "雷注意報"));
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
  g_assert_cmpuint (_bd_alert_banner_get_timer_s (f->banner), ==, 0);   /* it never expires */

  /* one more, an extreme one */
  json_object_set_string_member (json_node_get_object (soon), "id", "soon-1");
  json_object_set_string_member (props_of (soon), "event", "洪水警報");
  json_object_set_string_member (props_of (soon), "headline", "淀川に洪水警報");
  json_object_set_string_member (props_of (soon), "severity", "Extreme");
  put_alert (f, soon);
  g_assert_cmpuint (bd_alert_banner_get_n_alerts (f->banner), ==, 2);
  g_assert_nonnull (strstr (bd_alert_banner_get_summary (f->banner), "洪水警報"));

  /* the details: one block an alert, with the headline and the area */
  gtk_menu_button_popup (_bd_alert_banner_get_button (f->banner));
  g_assert_true (iterate_until (widget_is_mapped, _bd_alert_banner_get_popover (f->banner),
                                TIMEOUT_MS));
  settle (300);
  if (g_getenv ("BD_TEST_SCREENSHOT_DETAILS") != NULL)
    {
      GtkWidget *popover = GTK_WIDGET (_bd_alert_banner_get_popover (f->banner));
      g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (popover);
      g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
      int w = gtk_widget_get_width (popover), h = gtk_widget_get_height (popover);
      GskRenderNode *node;
      g_autoptr(GdkTexture) details = NULL;

      gdk_paintable_snapshot (paintable, snapshot, w, h);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
      details = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (popover)), node,
                                             &GRAPHENE_RECT_INIT (0, 0, w, h));
      gsk_render_node_unref (node);
      gdk_texture_save_to_png (details, g_getenv ("BD_TEST_SCREENSHOT_DETAILS"));
    }
  {
    GtkWidget *box = _bd_alert_banner_get_details_box (f->banner);
    guint n = 0;

    for (GtkWidget *child = gtk_widget_get_first_child (box); child != NULL;
         child = gtk_widget_get_next_sibling (child))
      n++;
    g_assert_cmpuint (n, ==, 2);
  }
  gtk_menu_button_popdown (_bd_alert_banner_get_button (f->banner));
  settle (200);

  /* drawn in the alarm colour (an Extreme one is among them): red, under
   * the banner's text row */
  texture = draw (f);
  y = gtk_widget_get_height (GTK_WIDGET (f->banner)) / 2;
  g_assert_cmpint (y, >, 10);
  colour = pixel_at (texture, 4, y);
  g_test_message ("banner colour at (4, %d): #%06x", y, colour);
  g_assert_cmpuint (colour >> 16, >, 0x99);                  /* red */
  g_assert_cmpuint ((colour >> 8) & 0xff, <, 0x80);
  if (shot != NULL)
    {
      g_assert_true (gdk_texture_save_to_png (texture, shot));
      g_test_message ("Saved %s", shot);
    }
  g_clear_object (&texture);

  /* updated to expire in three seconds: a timer to then */
  now = g_date_time_new_now_utc ();
  in_3s = g_date_time_add_seconds (now, 3);
  expires = g_date_time_format (in_3s, "%Y-%m-%dT%H:%M:%SZ");
  json_object_set_string_member (props_of (soon), "expires", expires);
  json_object_set_string_member (props_of (soon), "msg_type", "update");
  put_alert (f, soon);
  g_assert_cmpuint (bd_alert_banner_get_n_alerts (f->banner), ==, 2);
  g_assert_cmpuint (_bd_alert_banner_get_timer_s (f->banner), <=, 4);
  g_assert_cmpuint (_bd_alert_banner_get_timer_s (f->banner), >=, 1);

  /* it expires: dropped by the timer, with no store change */
  want[0] = f->banner;
  want[1] = GUINT_TO_POINTER (1);
  g_assert_true (iterate_until (n_alerts_is, want, TIMEOUT_MS));
  g_assert_null (strstr (bd_alert_banner_get_summary (f->banner), "洪水警報"));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (_bd_alert_banner_get_button (f->banner)),
                                            "bd-alert-extreme"));
  texture = draw (f);
  colour = pixel_at (texture, 4, y);
  g_test_message ("banner colour after the expiry: #%06x", colour);
  g_assert_cmpuint (colour >> 16, >, 0xc0);                  /* amber: red and green, little blue */
  g_assert_cmpuint ((colour >> 8) & 0xff, >, 0x80);
  g_assert_cmpuint (colour & 0xff, <, 0x60);
  g_clear_object (&texture);

  /* cancelled: the banner goes */
  json_object_set_boolean_member (props_of (active), "active", FALSE);
  json_object_set_boolean_member (props_of (active), "cancelled", TRUE);
  json_object_set_string_member (props_of (active), "msg_type", "cancel");
  put_alert (f, active);
  g_assert_cmpuint (bd_alert_banner_get_n_alerts (f->banner), ==, 0);
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
  g_assert_null (bd_alert_banner_get_summary (f->banner));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/bd/alert-banner/active-and-expired", Fixture, NULL, fixture_set_up,
              test_active_and_expired, fixture_tear_down);

  return g_test_run ();
}
