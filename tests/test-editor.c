/* test-editor.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * UI tests of the report editor's photos and conflict view, and of the
 * report row's conflict marker: the real widgets in a window under Xvfb,
 * over a real store in a temporary folder, driven through their buttons.
 *
 * BD_TEST_SCREENSHOT=FILE.png makes /bd/editor/render save what it drew;
 * BD_TEST_LOCALEDIR=DIR binds the translations there (for a Japanese shot).
 */

#define G_LOG_DOMAIN "test-editor"

#include "config.h"

#include <fcntl.h>
#include <locale.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "bd-catalog.h"
#include "bd-conflict-list-private.h"
#include "bd-conflict-row-private.h"
#include "bd-photo-loader.h"
#include "bd-photo-strip.h"
#include "bd-photo-thumbnail-private.h"
#include "bd-presets.h"
#include "bd-report-editor-private.h"
#include "bd-report-row.h"
#include "bd-store.h"
#include "bd-store-sync.h"
#include "editor-fixture.h"
#include "ui-util.h"

#define TIMEOUT_MS 60000
#define KITA       "271276"
#define KITA_LAT   34.704
#define KITA_LON   135.504

#define LOCAL_TITLE   "北区 梅田付近 道路冠水"
#define SERVER_TITLE  "北区 梅田一丁目 道路冠水（本部確認）"
#define LOCAL_DESC    "現地確認中。"

typedef EditorFixture Fixture;

static gboolean
photos_settled (gpointer data)
{
  return !_bd_report_editor_get_loading_photos (BD_REPORT_EDITOR (data));
}

static gboolean
widget_has_height (gpointer data)
{
  return gtk_widget_get_height (GTK_WIDGET (data)) > 0;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  editor_fixture_set_up (f, "editor");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  editor_fixture_tear_down (f);
}

static BdReport *
make_report (void)
{
  BdReport *report = bd_report_new ();

  bd_report_set_location (report, KITA_LAT, KITA_LON);
  bd_report_set_ward (report, KITA);
  bd_report_set_category (report, "road");
  bd_report_set_title (report, LOCAL_TITLE);
  bd_report_set_description (report, LOCAL_DESC);
  bd_report_set_reporter (report, "北区役所 防災担当");

  return report;
}

/* Saves a report and returns it as the store holds it. */
static BdReport *
save_report (BdStore  *store,
             BdReport *report)
{
  g_autoptr(GError) error = NULL;
  BdReport *stored;

  g_assert_true (bd_store_save_report (store, report, "tester", &error));
  g_assert_no_error (error);
  stored = bd_store_get_report (store, bd_report_get_id (report), &error);
  g_assert_no_error (error);

  return stored;
}

/* A report whose @fields changed both here and on the server (rev 5): the
 * server's title is SERVER_TITLE and its description @server_description. */
static BdReport *
make_conflict (BdStore            *store,
               const char * const *fields,
               const char         *server_description)
{
  g_autoptr(BdReport) report = make_report ();
  g_autoptr(BdReport) stored = save_report (store, report);
  g_autoptr(BdReport) server = bd_report_copy (stored);
  g_autoptr(BdReport) merged = bd_report_copy (stored);
  g_autoptr(GError) error = NULL;
  BdReport *result;

  bd_report_set_rev (server, 5);
  bd_report_set_title (server, SERVER_TITLE);
  if (server_description != NULL)
    bd_report_set_description (server, server_description);

  g_assert_true (bd_store_apply_merge (store, merged, server, fields, &error));
  g_assert_no_error (error);

  result = bd_store_get_report (store, bd_report_get_id (report), &error);
  g_assert_no_error (error);
  return result;
}

static GBytes *
make_image (const char *format,
            int         width,
            int         height,
            guint32     rgba)
{
  gboolean alpha = g_str_equal (format, "png");
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, alpha, 8, width, height);
  int n_channels = alpha ? 4 : 3;
  g_autoptr(GError) error = NULL;
  char *buffer = NULL;
  gsize size = 0;

  gdk_pixbuf_fill (pixbuf, rgba);
  /* A stripe, so that the thumbnail is not one flat colour. */
  for (int y = 0; y < height / 3; y++)
    {
      guchar *row = gdk_pixbuf_get_pixels (pixbuf) + y * gdk_pixbuf_get_rowstride (pixbuf);

      for (int x = 0; x < width; x++)
        {
          row[x * n_channels + 0] = 255;
          row[x * n_channels + 1] = 255;
          row[x * n_channels + 2] = 255;
        }
    }

  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, format, &error, NULL));
  g_assert_no_error (error);

  return g_bytes_new_take (buffer, size);
}

static GBytes *
make_png (int     width,
          int     height,
          guint32 rgba)
{
  return make_image ("png", width, height, rgba);
}

static GBytes *
make_image_bytes (const char *data,
                  gsize       size)
{
  return g_bytes_new (data, size);
}

static GFile *
write_file (Fixture    *f,
            const char *name,
            GBytes     *bytes)
{
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GError) error = NULL;
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  g_assert_true (g_file_set_contents (path, data, size, &error));
  g_assert_no_error (error);

  return g_file_new_for_path (path);
}

static guint
n_attachments (BdReport *report)
{
  g_autoptr(GVariant) attachments = bd_report_get_attachments (report);

  return (guint)g_variant_n_children (attachments);
}

static BdPhotoThumbnail *
nth_thumbnail (BdReportEditor *editor,
               guint           n)
{
  GtkFlowBoxChild *child = gtk_flow_box_get_child_at_index (_bd_report_editor_get_photo_box (editor), n);

  if (child == NULL)
    return NULL;

  return BD_PHOTO_THUMBNAIL (gtk_flow_box_child_get_child (child));
}

static void
wait_for_photos (BdReportEditor *editor)
{
  g_assert_true (iterate_until (photos_settled, editor, TIMEOUT_MS));
}

static void
on_saved_cb (BdReportEditor *editor,
             BdReport       *report,
             gpointer        data)
{
  (*(guint *)data)++;
}

static void
save (Fixture *f)
{
  guint saved = 0;
  gulong id = g_signal_connect (f->editor, "saved", G_CALLBACK (on_saved_cb), &saved);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->editor), "editor.save", NULL));
  g_signal_handler_disconnect (f->editor, id);
  g_assert_cmpuint (saved, ==, 1);
}

static void
click (GtkButton *button)
{
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (button)));
  g_signal_emit_by_name (button, "clicked");
}

/* Photos */

static void
test_photo_add (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(BdReport) report = make_report ();
  g_autoptr(BdReport) stored = save_report (f->store, report);
  g_autoptr(BdReport) saved = NULL;
  g_autoptr(GBytes) png = make_png (64, 48, 0xc01c28ff);
  g_autoptr(GFile) file = write_file (f, "photo.png", png);
  g_autoptr(GBytes) held = NULL;
  g_autoptr(GVariant) attachments = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected_sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, png);
  g_autofree char *media_type = NULL;
  const char *sha, *type, *name;
  BdPhotoThumbnail *thumbnail;

  bd_report_editor_set_report (f->editor, stored, FALSE);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (_bd_report_editor_get_photo_box (f->editor))));

  _bd_report_editor_add_photo_file (f->editor, file);
  g_assert_true (_bd_report_editor_get_loading_photos (f->editor));
  wait_for_photos (f->editor);

  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (_bd_report_editor_get_photo_error_label (f->editor))));
  g_assert_cmpuint (n_attachments (bd_report_editor_get_report (f->editor)), ==, 1);
  g_assert_true (bd_report_editor_get_modified (f->editor));

  /* The thumbnail is shown, with its remove button. */
  thumbnail = nth_thumbnail (f->editor, 0);
  g_assert_nonnull (thumbnail);
  g_assert_null (nth_thumbnail (f->editor, 1));
  g_assert_cmpint (bd_photo_thumbnail_get_state (thumbnail), ==, BD_PHOTO_STATE_READY);
  g_assert_cmpstr (bd_photo_thumbnail_get_name (thumbnail), ==, "photo.png");
  g_assert_true (gtk_widget_get_visible (_bd_photo_thumbnail_get_remove_button (thumbnail)));

  /* The bytes are in the store as soon as they were read. */
  held = bd_store_get_attachment (f->store, expected_sha, &media_type, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (held, png));
  g_assert_cmpstr (media_type, ==, "image/png");

  /* The report names the photo once saved. */
  save (f);
  saved = bd_store_get_report (f->store, bd_report_get_id (report), &error);
  g_assert_no_error (error);
  attachments = bd_report_get_attachments (saved);
  g_assert_cmpuint (g_variant_n_children (attachments), ==, 1);
  g_variant_get_child (attachments, 0, "(&s&s&s)", &sha, &type, &name);
  g_assert_cmpstr (sha, ==, expected_sha);
  g_assert_cmpstr (type, ==, "image/png");
  g_assert_cmpstr (name, ==, "photo.png");

  /* Opened again, the thumbnail comes from the store's bytes. */
  bd_report_editor_set_report (f->editor, saved, FALSE);
  thumbnail = nth_thumbnail (f->editor, 0);
  g_assert_nonnull (thumbnail);
  wait_for_photos (f->editor);
  g_assert_cmpint (bd_photo_thumbnail_get_state (thumbnail), ==, BD_PHOTO_STATE_READY);
  g_assert_false (bd_report_editor_get_modified (f->editor));

  /* The same photo twice is named once. */
  _bd_report_editor_add_photo_file (f->editor, file);
  wait_for_photos (f->editor);
  g_assert_cmpuint (n_attachments (bd_report_editor_get_report (f->editor)), ==, 1);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (_bd_report_editor_get_photo_error_label (f->editor))));
  g_assert_false (bd_report_editor_get_modified (f->editor));
}

/* The button opens a file chooser for several images (under Xvfb, with no
 * portal, GTK's own dialog); cancelling it changes nothing. */
static GtkWidget *
find_chooser (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (GTK_IS_FILE_CHOOSER (window) && gtk_widget_get_visible (window))
        return window;
    }

  return NULL;
}

static gboolean
chooser_shown (gpointer data)
{
  return find_chooser () != NULL;
}

static gboolean
chooser_gone (gpointer data)
{
  return find_chooser () == NULL;
}

static void
test_photo_chooser (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(BdReport) report = make_report ();
  g_autoptr(BdReport) stored = save_report (f->store, report);
  GtkWidget *button = _bd_report_editor_get_add_photo_button (f->editor);
  GtkWidget *chooser;
  g_autoptr(GListModel) filters = NULL;

  /* Nothing to add photos to yet. */
  g_assert_false (gtk_widget_is_sensitive (button));

  bd_report_editor_set_report (f->editor, stored, FALSE);
  g_assert_true (gtk_widget_is_sensitive (button));
  click (GTK_BUTTON (button));
  g_assert_true (iterate_until (chooser_shown, NULL, TIMEOUT_MS));

  chooser = find_chooser ();
  g_assert_true (gtk_file_chooser_get_select_multiple (GTK_FILE_CHOOSER (chooser)));
  filters = gtk_file_chooser_get_filters (GTK_FILE_CHOOSER (chooser));
  g_assert_cmpuint (g_list_model_get_n_items (filters), ==, 1);
  /* It lists the four types the server takes, and no other. */
  {
    g_autoptr(GtkFileFilter) filter = g_list_model_get_item (filters, 0);
    g_autoptr(GVariant) description = gtk_file_filter_to_gvariant (filter);
    g_autofree char *text = g_variant_print (description, FALSE);

    g_test_message ("filter: %s", text);
    g_assert_nonnull (strstr (text, "'image/jpeg'"));
    g_assert_nonnull (strstr (text, "'image/png'"));
    g_assert_nonnull (strstr (text, "'image/webp'"));
    /* image/heic: shared-mime-info's alias of image/heif */
    g_assert_nonnull (strstr (text, "'image/heif'"));
    g_assert_nonnull (strstr (text, "'*.[hH][eE][iI][cC]'"));
    g_assert_null (strstr (text, "image/gif"));
    g_assert_null (strstr (text, "image/svg"));
    g_assert_null (strstr (text, "image/bmp"));
  }

  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_CANCEL);
  g_assert_true (iterate_until (chooser_gone, NULL, TIMEOUT_MS));
  g_assert_false (_bd_report_editor_get_loading_photos (f->editor));
  g_assert_cmpuint (n_attachments (bd_report_editor_get_report (f->editor)), ==, 0);

  /* Left open, it goes with the editor (the tear-down destroys both). */
  click (GTK_BUTTON (button));
  g_assert_true (iterate_until (chooser_shown, NULL, TIMEOUT_MS));
}

static void
test_photo_remove (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(BdReport) report = make_report ();
  g_autoptr(BdReport) stored = NULL;
  g_autoptr(BdReport) saved = NULL;
  g_autoptr(GBytes) red = make_png (40, 30, 0xc01c28ff);
  g_autoptr(GBytes) blue = make_png (30, 40, 0x1c71d8ff);
  g_autoptr(GError) error = NULL;
  g_autofree char *red_sha = bd_store_add_attachment (f->store, red, "image/png", &error);
  g_autofree char *blue_sha = bd_store_add_attachment (f->store, blue, "image/png", &error);
  g_autoptr(GVariant) attachments = NULL;
  BdPhotoThumbnail *thumbnail;
  GVariantBuilder builder;
  const char *sha, *type, *name;

  g_assert_no_error (error);
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sss)"));
  g_variant_builder_add (&builder, "(sss)", red_sha, "image/png", "red.png");
  g_variant_builder_add (&builder, "(sss)", blue_sha, "image/png", "blue.png");
  bd_report_set_attachments (report, g_variant_builder_end (&builder));
  stored = save_report (f->store, report);

  bd_report_editor_set_report (f->editor, stored, FALSE);
  wait_for_photos (f->editor);
  g_assert_cmpint (bd_photo_thumbnail_get_state (nth_thumbnail (f->editor, 0)), ==, BD_PHOTO_STATE_READY);
  g_assert_cmpint (bd_photo_thumbnail_get_state (nth_thumbnail (f->editor, 1)), ==, BD_PHOTO_STATE_READY);

  /* The first one's remove button. */
  thumbnail = nth_thumbnail (f->editor, 0);
  g_assert_cmpstr (bd_photo_thumbnail_get_name (thumbnail), ==, "red.png");
  click (GTK_BUTTON (_bd_photo_thumbnail_get_remove_button (thumbnail)));

  g_assert_cmpuint (n_attachments (bd_report_editor_get_report (f->editor)), ==, 1);
  g_assert_cmpstr (bd_photo_thumbnail_get_name (nth_thumbnail (f->editor, 0)), ==, "blue.png");
  g_assert_null (nth_thumbnail (f->editor, 1));
  g_assert_true (bd_report_editor_get_modified (f->editor));

  save (f);
  saved = bd_store_get_report (f->store, bd_report_get_id (report), &error);
  g_assert_no_error (error);
  attachments = bd_report_get_attachments (saved);
  g_assert_cmpuint (g_variant_n_children (attachments), ==, 1);
  g_variant_get_child (attachments, 0, "(&s&s&s)", &sha, &type, &name);
  g_assert_cmpstr (sha, ==, blue_sha);
  g_assert_cmpstr (name, ==, "blue.png");
}

static void
test_photo_on_server (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(BdReport) report = make_report ();
  g_autoptr(BdReport) stored = NULL;
  static const char bad_jpeg[] = "\xff\xd8\xff\xe0 but no image after";
  g_autoptr(GBytes) bad = g_bytes_new_static (bad_jpeg, sizeof bad_jpeg - 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *bad_sha = NULL;
  GVariantBuilder builder;
  BdPhotoThumbnail *thumbnail;

  /* A JPEG's signature and nothing decodable after it: the store and the
   * server take it (they read the signature only); it must show as
   * broken, not crash. */
  bad_sha = bd_store_add_attachment (f->store, bad, "image/jpeg", &error);
  g_assert_no_error (error);

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sss)"));
  g_variant_builder_add (&builder, "(sss)",
                         "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                         "image/jpeg", "他の端末の写真.jpg");
  g_variant_builder_add (&builder, "(sss)", bad_sha, "image/jpeg", "broken.jpg");
  bd_report_set_attachments (report, g_variant_builder_end (&builder));
  stored = save_report (f->store, report);

  bd_report_editor_set_report (f->editor, stored, FALSE);
  wait_for_photos (f->editor);

  thumbnail = nth_thumbnail (f->editor, 0);
  g_assert_cmpint (bd_photo_thumbnail_get_state (thumbnail), ==, BD_PHOTO_STATE_ON_SERVER);
  g_assert_cmpstr (gtk_label_get_text (_bd_photo_thumbnail_get_status_label (thumbnail)), ==, "On the server");
  g_assert_true (gtk_widget_get_visible (_bd_photo_thumbnail_get_remove_button (thumbnail)));

  thumbnail = nth_thumbnail (f->editor, 1);
  g_assert_cmpint (bd_photo_thumbnail_get_state (thumbnail), ==, BD_PHOTO_STATE_BROKEN);

  g_assert_false (bd_report_editor_get_modified (f->editor));
}

/* A file that must be refused: the message names it, and nothing changes. */
static void
check_refused (Fixture    *f,
               GFile      *file,
               const char *name,
               GBytes     *bytes)
{
  GtkLabel *error_label = _bd_report_editor_get_photo_error_label (f->editor);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) held = NULL;

  _bd_report_editor_add_photo_file (f->editor, file);
  wait_for_photos (f->editor);

  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  g_test_message ("%s: %s", name, gtk_label_get_text (error_label));
  g_assert_nonnull (strstr (gtk_label_get_text (error_label), name));
  g_assert_cmpuint (n_attachments (bd_report_editor_get_report (f->editor)), ==, 0);
  g_assert_null (nth_thumbnail (f->editor, 0));
  g_assert_false (bd_report_editor_get_modified (f->editor));

  if (bytes != NULL)
    {
      g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);

      held = bd_store_get_attachment (f->store, sha, NULL, &error);
      g_assert_error (error, BD_STORE_ERROR, BD_STORE_ERROR_NOT_FOUND);
      g_assert_null (held);
    }
}

static void
test_photo_bad (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(BdReport) report = make_report ();
  g_autoptr(BdReport) stored = save_report (f->store, report);
  g_autoptr(BdReport) after = NULL;
  const char *notes = "水位 1.2 m、通行止め。\n";
  g_autoptr(GBytes) text = g_bytes_new_static (notes, strlen (notes));
  g_autoptr(GBytes) png = make_png (32, 32, 0x26a269ff);
  g_autoptr(GBytes) truncated = NULL;
  g_autoptr(GBytes) garbage = NULL;
  g_autoptr(GFile) text_file = write_file (f, "notes.txt", text);
  g_autoptr(GFile) truncated_file = NULL;
  g_autoptr(GFile) garbage_file = NULL;
  g_autoptr(GFile) big_file = NULL;
  g_autoptr(GFile) missing_file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *big_path = g_build_filename (f->dir, "huge.jpg", NULL);
  g_autofree char *missing_path = g_build_filename (f->dir, "gone.png", NULL);
  GtkLabel *error_label = _bd_report_editor_get_photo_error_label (f->editor);
  guint8 noise[4096];
  int fd;

  bd_report_editor_set_report (f->editor, stored, FALSE);

  /* Not an image. */
  check_refused (f, text_file, "notes.txt", text);

  /* A PNG and a JPEG cut short, and random bytes named .png. */
  truncated = g_bytes_new_from_bytes (png, 0, g_bytes_get_size (png) / 2);
  truncated_file = write_file (f, "cut.png", truncated);
  check_refused (f, truncated_file, "cut.png", truncated);
  {
    g_autoptr(GBytes) jpeg = make_image ("jpeg", 320, 240, 0x26a269ff);
    g_autoptr(GBytes) cut = g_bytes_new_from_bytes (jpeg, 0, g_bytes_get_size (jpeg) * 9 / 10);
    g_autoptr(GFile) cut_file = write_file (f, "cut.jpg", cut);

    check_refused (f, cut_file, "cut.jpg", cut);
  }

  for (guint i = 0; i < sizeof noise; i++)
    noise[i] = (guint8)g_random_int ();
  memcpy (noise, "\x89PNG\r\n\x1a\n", 8);
  garbage = g_bytes_new (noise, sizeof noise);
  garbage_file = write_file (f, "garbage.png", garbage);
  check_refused (f, garbage_file, "garbage.png", garbage);

  /* Images of types the server does not take (415): a GIF, and an SVG
   * named .png (the bytes decide, not the name). */
  {
    g_autoptr(GBytes) gif = make_image_bytes ("GIF89a\x01\x00\x01\x00\x80\x00\x00"
                                              "\x00\x00\x00\xff\xff\xff\x21\xf9\x04\x01\x00"
                                              "\x00\x00\x00\x2c\x00\x00\x00\x00\x01\x00\x01"
                                              "\x00\x00\x02\x02\x44\x01\x00\x3b", 43);
    const char *svg_text = "<?xml version=\"1.0\"?>\n"
                           "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"16\" height=\"16\">"
                           "<rect width=\"16\" height=\"16\" fill=\"red\"/></svg>\n";
    g_autoptr(GBytes) svg = g_bytes_new_static (svg_text, strlen (svg_text));
    g_autoptr(GFile) gif_file = write_file (f, "animation.gif", gif);
    g_autoptr(GFile) svg_file = write_file (f, "drawing.png", svg);

    check_refused (f, gif_file, "animation.gif", gif);
    g_assert_nonnull (strstr (gtk_label_get_text (error_label), "JPEG, PNG, WebP and HEIC"));
    check_refused (f, svg_file, "drawing.png", svg);
    g_assert_nonnull (strstr (gtk_label_get_text (error_label), "JPEG, PNG, WebP and HEIC"));
  }

  /* One byte over the limit (a sparse file: nothing is written). */
  fd = g_open (big_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t)BD_STORE_MAX_ATTACHMENT_BYTES + 1), ==, 0);
  g_assert_cmpint (close (fd), ==, 0);
  big_file = g_file_new_for_path (big_path);
  check_refused (f, big_file, "huge.jpg", NULL);
  g_assert_nonnull (strstr (gtk_label_get_text (error_label), "20 MB"));

  /* A file that went away. */
  missing_file = g_file_new_for_path (missing_path);
  check_refused (f, missing_file, "gone.png", NULL);

  /* Saving was never offered, and the store holds the report as it was. */
  g_assert_false (gtk_widget_is_sensitive (_bd_report_editor_get_save_button (f->editor)));
  after = bd_store_get_report (f->store, bd_report_get_id (report), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n_attachments (after), ==, 0);
  g_assert_true (bd_report_equal (after, stored));

  /* A good photo after the bad ones clears the message. */
  {
    g_autoptr(GFile) good = write_file (f, "good.png", png);

    _bd_report_editor_add_photo_file (f->editor, good);
    wait_for_photos (f->editor);
    g_assert_false (gtk_widget_get_visible (GTK_WIDGET (error_label)));
    g_assert_cmpuint (n_attachments (bd_report_editor_get_report (f->editor)), ==, 1);
  }
}

/* A WebP or HEIC photo (the server takes both) is kept and sent even
 * where gdk-pixbuf has no loader for it: shown as "No preview", not
 * refused as unreadable. */
static gboolean
has_pixbuf_loader (const char *media_type)
{
  GSList *formats = gdk_pixbuf_get_formats ();
  gboolean found = FALSE;

  for (GSList *l = formats; l != NULL; l = l->next)
    {
      g_auto(GStrv) types = gdk_pixbuf_format_get_mime_types (l->data);

      if (types != NULL && g_strv_contains ((const char * const *)types, media_type))
        found = TRUE;
    }
  g_slist_free (formats);
  return found;
}

static void
test_photo_no_preview (Fixture       *f,
                       gconstpointer  data)
{
  /* the first 16 bytes of each (a shorter head is padded with zeros) */
  static const struct { const char *name; const char *type; const char *loader; char head[16]; } photos[] = {
    { "IMG_0001.HEIC", "image/heic", "image/heif", "\x00\x00\x00\x18" "ftypheic" },
    { "photo.webp", "image/webp", "image/webp", "RIFF\x00\x10\x00\x00" "WEBPVP8 " },
  };
  g_autoptr(BdReport) report = make_report ();
  g_autoptr(BdReport) stored = save_report (f->store, report);
  g_autoptr(BdReport) saved = NULL;
  g_autoptr(GError) error = NULL;
  guint n_expected = 0;

  bd_report_editor_set_report (f->editor, stored, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (photos); i++)
    {
      guint8 body[2048];
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GFile) file = NULL;
      g_autoptr(GBytes) held = NULL;
      g_autofree char *sha = NULL;
      g_autofree char *media_type = NULL;
      BdPhotoThumbnail *thumbnail;

      if (has_pixbuf_loader (photos[i].loader))
        {
          g_test_message ("%s: gdk-pixbuf decodes it here; not tested", photos[i].type);
          continue;
        }

      for (guint j = 0; j < sizeof body; j++)
        body[j] = (guint8)(j * 7);
      memcpy (body, photos[i].head, 16);
      bytes = g_bytes_new (body, sizeof body);
      sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
      file = write_file (f, photos[i].name, bytes);

      _bd_report_editor_add_photo_file (f->editor, file);
      wait_for_photos (f->editor);
      n_expected++;

      g_assert_false (gtk_widget_get_visible (GTK_WIDGET (_bd_report_editor_get_photo_error_label (f->editor))));
      g_assert_cmpuint (n_attachments (bd_report_editor_get_report (f->editor)), ==, n_expected);
      thumbnail = nth_thumbnail (f->editor, n_expected - 1);
      g_assert_cmpstr (bd_photo_thumbnail_get_name (thumbnail), ==, photos[i].name);
      g_assert_cmpint (bd_photo_thumbnail_get_state (thumbnail), ==, BD_PHOTO_STATE_NO_PREVIEW);
      g_assert_cmpstr (gtk_label_get_text (_bd_photo_thumbnail_get_status_label (thumbnail)), ==, "No preview");

      /* kept under the type its bytes are, as the server wants it */
      held = bd_store_get_attachment (f->store, sha, &media_type, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (media_type, ==, photos[i].type);
    }

  if (n_expected == 0)
    {
      g_test_skip ("gdk-pixbuf decodes WebP and HEIC here");
      return;
    }

  /* Opened again: the stored bytes get no preview either, and are not "broken". */
  save (f);
  saved = bd_store_get_report (f->store, bd_report_get_id (stored), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n_attachments (saved), ==, n_expected);
  bd_report_editor_set_report (f->editor, saved, FALSE);
  wait_for_photos (f->editor);
  for (guint i = 0; i < n_expected; i++)
    g_assert_cmpint (bd_photo_thumbnail_get_state (nth_thumbnail (f->editor, i)), ==, BD_PHOTO_STATE_NO_PREVIEW);
}

/* The loader on its own: limits, names, orientation-free decoding. */
static void
on_loaded_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
test_photo_loader (void)
{
  g_autofree char *dir = g_dir_make_tmp ("bd-test-photo-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "写真.png", NULL);
  g_autoptr(GBytes) png = make_png (1200, 600, 0x3584e4ff);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(BdPhotoFile) photo = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (png, NULL), g_bytes_get_size (png), NULL));

  bd_photo_load_file_async (file, BD_STORE_MAX_ATTACHMENT_BYTES, NULL, on_loaded_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  photo = bd_photo_load_file_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (photo->name, ==, "写真.png");
  g_assert_cmpstr (photo->media_type, ==, "image/png");
  g_assert_true (g_bytes_equal (photo->bytes, png));
  /* Decoded small: the shorter side at most BD_PHOTO_THUMBNAIL_PIXELS. */
  g_assert_cmpint (gdk_texture_get_height (photo->thumbnail), ==, BD_PHOTO_THUMBNAIL_PIXELS);
  g_assert_cmpint (gdk_texture_get_width (photo->thumbnail), ==, 2 * BD_PHOTO_THUMBNAIL_PIXELS);

  /* A JPEG, decoded at the smaller size straight away. */
  {
    g_autoptr(GBytes) jpeg = make_image ("jpeg", 480, 960, 0xe66100ff);
    g_autoptr(GdkTexture) thumbnail = bd_photo_decode_thumbnail (jpeg, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpint (gdk_texture_get_width (thumbnail), ==, BD_PHOTO_THUMBNAIL_PIXELS);
    g_assert_cmpint (gdk_texture_get_height (thumbnail), ==, 2 * BD_PHOTO_THUMBNAIL_PIXELS);
  }

  /* A limit below the file's size refuses it. */
  g_clear_object (&result);
  bd_photo_load_file_async (file, g_bytes_get_size (png) - 1, NULL, on_loaded_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (bd_photo_load_file_finish (result, &error));
  g_assert_error (error, BD_PHOTO_ERROR, BD_PHOTO_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* Only the types the server takes, told by their bytes. */
  /* A PNG named .jpg is sent as what it is. */
  {
    g_autofree char *jpg_path = g_build_filename (dir, "really-a-png.jpg", NULL);
    g_autoptr(GFile) jpg_file = g_file_new_for_path (jpg_path);
    g_autoptr(BdPhotoFile) misnamed = NULL;

    g_assert_true (g_file_set_contents (jpg_path, g_bytes_get_data (png, NULL), g_bytes_get_size (png), NULL));
    g_clear_object (&result);
    bd_photo_load_file_async (jpg_file, BD_STORE_MAX_ATTACHMENT_BYTES, NULL, on_loaded_cb, &result);
    while (result == NULL)
      g_main_context_iteration (NULL, TRUE);
    misnamed = bd_photo_load_file_finish (result, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (misnamed->media_type, ==, "image/png");
  }

  /* Names are made safe for an attachment. */
  name = bd_photo_sanitize_name ("a\\b\tc.png");
  g_assert_cmpstr (name, ==, "a_b_c.png");
  g_clear_pointer (&name, g_free);
  name = bd_photo_sanitize_name ("");
  g_assert_cmpuint (strlen (name), >, 0);

  g_assert_cmpint (remove_tree (dir), ==, 0);
}

/* Conflicts */

static void
test_conflict_show (Fixture       *f,
                    gconstpointer  data)
{
  const char *fields[] = { "title", "description", NULL };
  g_autoptr(GString) long_text = g_string_new (NULL);
  g_autoptr(BdReport) stored = NULL;
  BdConflictRow *row;
  GtkWidget *box = _bd_report_editor_get_conflict_box (f->editor);

  for (int i = 0; i < 40; i++)
    g_string_append (long_text, "梅田一丁目の交差点で冠水、深さ約30センチ。車両の通行は困難。");
  stored = make_conflict (f->store, fields, long_text->str);

  /* A new report never shows the box. */
  {
    g_autoptr(BdReport) fresh = make_report ();

    bd_report_editor_set_report (f->editor, fresh, TRUE);
    g_assert_false (gtk_widget_get_visible (box));
  }

  bd_report_editor_set_report (f->editor, stored, FALSE);
  g_assert_true (gtk_widget_get_visible (box));

  row = _bd_report_editor_get_conflict_row (f->editor, "title");
  g_assert_nonnull (row);
  g_assert_cmpstr (gtk_label_get_text (_bd_conflict_row_get_local_label (row)), ==, LOCAL_TITLE);
  g_assert_cmpstr (gtk_label_get_text (_bd_conflict_row_get_server_label (row)), ==, SERVER_TITLE);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (bd_conflict_row_get_keep_button (row))));
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (_bd_conflict_row_get_server_button (row))));

  row = _bd_report_editor_get_conflict_row (f->editor, "description");
  g_assert_nonnull (row);
  g_assert_cmpstr (gtk_label_get_text (_bd_conflict_row_get_local_label (row)), ==, LOCAL_DESC);
  g_assert_cmpstr (gtk_label_get_text (_bd_conflict_row_get_server_label (row)), ==, long_text->str);
  /* A long value is cut after a few lines, not a page of text. */
  g_assert_true (iterate_until (widget_has_height, _bd_conflict_row_get_server_label (row), TIMEOUT_MS));
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (_bd_conflict_row_get_server_label (row))), <, 200);

  g_assert_null (_bd_report_editor_get_conflict_row (f->editor, "severity"));

  /* In the order of the form: the title first. */
  row = BD_CONFLICT_ROW (gtk_widget_get_first_child (gtk_widget_get_parent (GTK_WIDGET (row))));
  g_assert_cmpstr (bd_conflict_row_get_field (row), ==, "title");

  /* Another report without conflicts hides it. */
  {
    g_autoptr(BdReport) other = make_report ();
    g_autoptr(BdReport) other_stored = save_report (f->store, other);

    bd_report_editor_set_report (f->editor, other_stored, FALSE);
    g_assert_false (gtk_widget_get_visible (box));
  }
}

static void
test_conflict_take_server (Fixture       *f,
                           gconstpointer  data)
{
  const char *fields[] = { "title", "description", NULL };
  g_autoptr(BdReport) stored = make_conflict (f->store, fields, "本部: 冠水は解消。");
  g_autoptr(BdReport) after = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(GError) error = NULL;
  const char *id = bd_report_get_id (stored);
  GtkWidget *box = _bd_report_editor_get_conflict_box (f->editor);

  bd_report_editor_set_report (f->editor, stored, FALSE);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (bd_report_editor_get_title_row (f->editor))),
                   ==, LOCAL_TITLE);

  click (_bd_conflict_row_get_server_button (_bd_report_editor_get_conflict_row (f->editor, "title")));

  /* The store holds the server's title, and that conflict is gone. */
  after = bd_store_get_report (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bd_report_get_title (after), ==, SERVER_TITLE);
  g_assert_cmpstr (bd_report_get_description (after), ==, LOCAL_DESC);
  conflicts = bd_store_list_conflicts (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conflicts->len, ==, 1);
  g_assert_cmpstr (((BdConflict *)g_ptr_array_index (conflicts, 0))->field, ==, "description");

  /* The field shows it; the other conflict still waits. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (bd_report_editor_get_title_row (f->editor))),
                   ==, SERVER_TITLE);
  g_assert_true (gtk_widget_get_visible (box));
  g_assert_null (_bd_report_editor_get_conflict_row (f->editor, "title"));
  g_assert_nonnull (_bd_report_editor_get_conflict_row (f->editor, "description"));
  g_assert_false (bd_report_editor_get_modified (f->editor));

  /* Keeping the local description settles the last one. */
  click (bd_conflict_row_get_keep_button (_bd_report_editor_get_conflict_row (f->editor, "description")));
  g_assert_false (gtk_widget_get_visible (box));
  g_assert_cmpint (bd_store_count_conflicts (f->store), ==, 0);
  g_clear_object (&after);
  after = bd_store_get_report (f->store, id, &error);
  g_assert_cmpstr (bd_report_get_title (after), ==, SERVER_TITLE);
  g_assert_cmpstr (bd_report_get_description (after), ==, LOCAL_DESC);
  g_assert_true (bd_report_equal (bd_report_editor_get_report (f->editor), after));
}

static void
test_conflict_keep_mine (Fixture       *f,
                         gconstpointer  data)
{
  const char *fields[] = { "title", NULL };
  g_autoptr(BdReport) stored = make_conflict (f->store, fields, NULL);
  g_autoptr(BdReport) after = NULL;
  g_autoptr(GPtrArray) ready = NULL;
  g_autoptr(GError) error = NULL;
  const char *id = bd_report_get_id (stored);
  gboolean pushed = FALSE;

  /* While the conflict waits, the report's edit is held back. */
  ready = bd_store_list_outbox_ready (f->store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < ready->len; i++)
    g_assert_cmpstr (((BdOutboxEntry *)g_ptr_array_index (ready, i))->report_id, !=, id);
  g_clear_pointer (&ready, g_ptr_array_unref);

  bd_report_editor_set_report (f->editor, stored, FALSE);
  click (bd_conflict_row_get_keep_button (_bd_report_editor_get_conflict_row (f->editor, "title")));

  after = bd_store_get_report (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bd_report_get_title (after), ==, LOCAL_TITLE);
  g_assert_cmpint (bd_store_count_conflicts (f->store), ==, 0);
  g_assert_false (gtk_widget_get_visible (_bd_report_editor_get_conflict_box (f->editor)));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (bd_report_editor_get_title_row (f->editor))),
                   ==, LOCAL_TITLE);

  /* …and is ready to go to the server now. */
  ready = bd_store_list_outbox_ready (f->store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < ready->len; i++)
    if (g_strcmp0 (((BdOutboxEntry *)g_ptr_array_index (ready, i))->report_id, id) == 0)
      pushed = TRUE;
  g_assert_true (pushed);
}

/* Settling while something typed is not saved yet keeps what was typed. */
static void
test_conflict_unsaved_edits (Fixture       *f,
                             gconstpointer  data)
{
  const char *fields[] = { "title", NULL };
  g_autoptr(BdReport) stored = make_conflict (f->store, fields, NULL);
  g_autoptr(BdReport) after = NULL;
  g_autoptr(GError) error = NULL;
  const char *id = bd_report_get_id (stored);

  bd_report_editor_set_report (f->editor, stored, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (_bd_report_editor_get_reporter_row (f->editor)), "北区役所 土木担当");
  g_assert_true (bd_report_editor_get_modified (f->editor));

  click (_bd_conflict_row_get_server_button (_bd_report_editor_get_conflict_row (f->editor, "title")));

  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (bd_report_editor_get_title_row (f->editor))),
                   ==, SERVER_TITLE);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (_bd_report_editor_get_reporter_row (f->editor))),
                   ==, "北区役所 土木担当");
  g_assert_true (bd_report_editor_get_modified (f->editor));

  save (f);
  after = bd_store_get_report (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bd_report_get_title (after), ==, SERVER_TITLE);
  g_assert_cmpstr (bd_report_get_reporter (after), ==, "北区役所 土木担当");
}

/* The last history row of @id is @op by @actor. */
static void
assert_last_history (BdStore    *store,
                     const char *id,
                     const char *op,
                     const char *actor)
{
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GError) error = NULL;
  BdHistoryEntry *entry;

  history = bd_store_list_history (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, >, 0);
  entry = g_ptr_array_index (history, history->len - 1);
  g_assert_cmpstr (entry->op, ==, op);
  g_assert_cmpstr (entry->actor, ==, actor);
}

static guint
history_length (BdStore    *store,
                const char *id)
{
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GError) error = NULL;

  history = bd_store_list_history (store, id, &error);
  g_assert_no_error (error);
  return history->len;
}

static void
on_saved_report_cb (BdReportEditor *editor,
                    BdReport       *report,
                    gpointer        data)
{
  BdReport **out = data;

  g_assert_null (*out);
  *out = g_object_ref (report);
}

/* Another office's edit arrives (a sync) while the report is open and
 * being edited here: saving keeps both, not the stale copy of the rest. */
static void
test_save_over_newer (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(BdReport) report = make_report ();
  g_autoptr(BdReport) stored = save_report (f->store, report);
  g_autoptr(BdReport) theirs = NULL;
  g_autoptr(BdReport) after = NULL;
  g_autoptr(BdReport) emitted = NULL;
  g_autoptr(GPtrArray) pulled = g_ptr_array_new ();
  g_autoptr(GSettings) settings = g_settings_new ("io.github.bosai_desk.BosaiDesk");
  g_autoptr(GError) error = NULL;
  const char *id = bd_report_get_id (stored);
  guint n_history;
  gulong handler;

  g_settings_set_string (settings, "reporter-name", "tester-actor");
  bd_report_editor_set_report (f->editor, stored, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (bd_report_editor_get_title_row (f->editor)), "北区 梅田 冠水（確認済）");
  g_assert_true (bd_report_editor_get_modified (f->editor));

  /* what a pull writes: the server's copy, another description, and
   * another title too (changed on both sides) */
  theirs = bd_report_copy (stored);
  bd_report_set_description (theirs, "本部より: 排水ポンプ車 到着");
  bd_report_set_title (theirs, SERVER_TITLE);
  bd_report_set_rev (theirs, 7);
  g_ptr_array_add (pulled, theirs);
  g_assert_true (bd_store_insert_batch (f->store, pulled, FALSE, "sync", &error));
  g_assert_no_error (error);
  n_history = history_length (f->store, id);

  /* The form still shows what was typed, over the copy it loaded. */
  g_assert_cmpstr (bd_report_get_description (bd_report_editor_get_report (f->editor)), ==, LOCAL_DESC);

  handler = g_signal_connect (f->editor, "saved", G_CALLBACK (on_saved_report_cb), &emitted);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->editor), "editor.save", NULL));
  g_signal_handler_disconnect (f->editor, handler);
  g_assert_nonnull (emitted);

  after = bd_store_get_report (f->store, id, &error);
  g_assert_no_error (error);
  /* a field changed on both sides takes what was typed */
  g_assert_cmpstr (bd_report_get_title (after), ==, "北区 梅田 冠水（確認済）");
  g_assert_cmpstr (bd_report_get_description (after), ==, "本部より: 排水ポンプ車 到着");
  /* the edit goes out on top of the server's revision */
  g_assert_cmpint (bd_report_get_rev (after), ==, 7);
  /* "saved" carries what the store wrote (the merge), not the form's copy */
  g_assert_true (bd_report_equal (emitted, after));
  /* one edit, one history row, naming who saved it */
  g_assert_cmpuint (history_length (f->store, id), ==, n_history + 1);
  assert_last_history (f->store, id, "update", "tester-actor");
  g_assert_null (bd_report_editor_get_report (f->editor));

  g_settings_reset (settings, "reporter-name");
}

/* Nothing changed meanwhile: what is saved is what was typed. */
static void
test_save_over_unchanged (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(BdReport) report = make_report ();
  g_autoptr(BdReport) stored = save_report (f->store, report);
  g_autoptr(BdReport) emitted = NULL;
  g_autoptr(BdReport) after = NULL;
  g_autoptr(GError) error = NULL;
  const char *id = bd_report_get_id (stored);
  gulong handler;

  bd_report_editor_set_report (f->editor, stored, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (bd_report_editor_get_title_row (f->editor)), "北区 梅田 冠水（解消）");

  handler = g_signal_connect (f->editor, "saved", G_CALLBACK (on_saved_report_cb), &emitted);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->editor), "editor.save", NULL));
  g_signal_handler_disconnect (f->editor, handler);

  after = bd_store_get_report (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bd_report_get_title (after), ==, "北区 梅田 冠水（解消）");
  g_assert_cmpstr (bd_report_get_description (after), ==, LOCAL_DESC);
  g_assert_nonnull (emitted);
  g_assert_true (bd_report_equal (emitted, after));
}

/* The history names the person using the app (the "reporter-name"
 * setting), not the report's reporter, for an edit, a settled conflict and
 * a delete made in the editor. */
static void
on_deleted_cb (BdReportEditor *editor,
               const char     *id,
               gpointer        data)
{
  (*(guint *)data)++;
}

static void
test_history_actor (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.bosai_desk.BosaiDesk");
  const char *fields[] = { "title", NULL };
  g_autoptr(BdReport) stored = NULL;
  g_autofree char *remembered = NULL;
  guint deleted = 0;
  g_autofree char *id = NULL;
  gulong handler;

  g_settings_set_string (settings, "reporter-name", "中央区役所 佐藤");

  /* Someone else's report, with a conflict on its title. */
  stored = make_conflict (f->store, fields, NULL);
  id = g_strdup (bd_report_get_id (stored));
  g_assert_cmpstr (bd_report_get_reporter (stored), ==, "北区役所 防災担当");
  bd_report_editor_set_report (f->editor, stored, FALSE);

  /* Settling the conflict */
  click (_bd_conflict_row_get_server_button (_bd_report_editor_get_conflict_row (f->editor, "title")));
  assert_last_history (f->store, id, "update", "中央区役所 佐藤");

  /* An edit */
  gtk_editable_set_text (GTK_EDITABLE (bd_report_editor_get_title_row (f->editor)), "北区 梅田 冠水（解消）");
  save (f);
  assert_last_history (f->store, id, "update", "中央区役所 佐藤");
  /* Saving someone else's report does not make them the one using the app. */
  remembered = g_settings_get_string (settings, "reporter-name");
  g_assert_cmpstr (remembered, ==, "中央区役所 佐藤");

  /* A delete */
  g_clear_object (&stored);
  stored = bd_store_get_report (f->store, id, NULL);
  bd_report_editor_set_report (f->editor, stored, FALSE);
  handler = g_signal_connect (f->editor, "deleted", G_CALLBACK (on_deleted_cb), &deleted);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->editor), "editor.delete", NULL));
  g_signal_handler_disconnect (f->editor, handler);
  g_assert_cmpuint (deleted, ==, 1);
  assert_last_history (f->store, id, "delete", "中央区役所 佐藤");

  g_settings_reset (settings, "reporter-name");
}

/* The editor's parts alone: the photo strip follows its attachments and
 * says when there is room for another photo; the conflict list hides
 * itself without conflicts and lists them with a report that has some. */
static void
test_parts (Fixture       *f,
            gconstpointer  data)
{
  const char *fields[] = { "title", NULL };
  g_autoptr(BdReport) stored = make_conflict (f->store, fields, NULL);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *strip = bd_photo_strip_new ();
  GtkWidget *list = bd_conflict_list_new ();
  g_autoptr(GVariant) attachments = NULL;
  gpointer window_ptr = window;

  g_object_ref_sink (strip);
  g_object_ref_sink (list);
  gtk_box_append (GTK_BOX (box), list);
  gtk_box_append (GTK_BOX (box), strip);
  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));

  /* No report: nothing shown, nothing to add to. */
  g_assert_null (bd_photo_strip_get_attachments (BD_PHOTO_STRIP (strip)));
  g_assert_false (bd_photo_strip_get_can_add (BD_PHOTO_STRIP (strip)));
  g_assert_false (gtk_widget_get_visible (list));

  bd_photo_strip_set_store (BD_PHOTO_STRIP (strip), f->store);
  bd_photo_strip_set_attachments (BD_PHOTO_STRIP (strip),
                                  g_variant_new_array (G_VARIANT_TYPE ("(sss)"), NULL, 0));
  g_assert_true (bd_photo_strip_get_can_add (BD_PHOTO_STRIP (strip)));
  g_object_get (strip, "attachments", &attachments, NULL);
  g_assert_cmpuint (g_variant_n_children (attachments), ==, 0);
  bd_photo_strip_reset (BD_PHOTO_STRIP (strip));
  g_assert_null (bd_photo_strip_get_attachments (BD_PHOTO_STRIP (strip)));
  g_assert_false (bd_photo_strip_get_can_add (BD_PHOTO_STRIP (strip)));

  bd_conflict_list_set_store (BD_CONFLICT_LIST (list), f->store);
  bd_conflict_list_set_report (BD_CONFLICT_LIST (list), stored);
  g_assert_true (gtk_widget_get_visible (list));
  g_assert_cmpuint (bd_conflict_list_get_n_conflicts (BD_CONFLICT_LIST (list)), ==, 1);
  g_assert_nonnull (_bd_conflict_list_get_row (BD_CONFLICT_LIST (list), "title"));
  bd_conflict_list_set_report (BD_CONFLICT_LIST (list), NULL);
  g_assert_false (gtk_widget_get_visible (list));
  g_assert_cmpuint (bd_conflict_list_get_n_conflicts (BD_CONFLICT_LIST (list)), ==, 0);

  g_object_add_weak_pointer (G_OBJECT (window), &window_ptr);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (iterate_until (pointer_is_null, &window_ptr, TIMEOUT_MS));
  g_assert_finalize_object (strip);
  g_assert_finalize_object (list);
}

/* A conflict made while the report is open (a sync) shows up. */
static void
test_conflict_arrives (Fixture       *f,
                       gconstpointer  data)
{
  const char *fields[] = { "title", NULL };
  g_autoptr(BdReport) report = make_report ();
  g_autoptr(BdReport) stored = save_report (f->store, report);
  g_autoptr(BdReport) server = bd_report_copy (stored);
  g_autoptr(BdReport) merged = bd_report_copy (stored);
  g_autoptr(GError) error = NULL;

  bd_report_editor_set_report (f->editor, stored, FALSE);
  g_assert_false (gtk_widget_get_visible (_bd_report_editor_get_conflict_box (f->editor)));

  bd_report_set_rev (server, 3);
  bd_report_set_title (server, SERVER_TITLE);
  g_assert_true (bd_store_apply_merge (f->store, merged, server, fields, &error));
  g_assert_no_error (error);

  g_assert_true (gtk_widget_get_visible (_bd_report_editor_get_conflict_box (f->editor)));
  g_assert_nonnull (_bd_report_editor_get_conflict_row (f->editor, "title"));
}

/* The sidebar row */

static void
test_row_conflict (Fixture       *f,
                   gconstpointer  data)
{
  const char *fields[] = { "title", NULL };
  g_autoptr(BdReport) stored = make_conflict (f->store, fields, NULL);
  g_autoptr(BdReport) plain_report = make_report ();
  g_autoptr(BdReport) plain = save_report (f->store, plain_report);
  g_autoptr(BdReport) settled = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *row = bd_report_row_new ();

  g_object_ref_sink (row);

  /* Without a store the row cannot know. */
  bd_report_row_set_report (BD_REPORT_ROW (row), stored);
  g_assert_false (bd_report_row_get_has_conflicts (BD_REPORT_ROW (row)));

  bd_report_row_set_store (BD_REPORT_ROW (row), f->store);
  g_assert_true (bd_report_row_get_has_conflicts (BD_REPORT_ROW (row)));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (row), "server"));

  bd_report_row_set_report (BD_REPORT_ROW (row), plain);
  g_assert_false (bd_report_row_get_has_conflicts (BD_REPORT_ROW (row)));

  g_assert_true (bd_store_settle_conflict (f->store, bd_report_get_id (stored), "title",
                                           BD_CONFLICT_KEEP_LOCAL, "tester", &error));
  g_assert_no_error (error);
  settled = bd_store_get_report (f->store, bd_report_get_id (stored), &error);
  bd_report_row_set_report (BD_REPORT_ROW (row), settled);
  g_assert_false (bd_report_row_get_has_conflicts (BD_REPORT_ROW (row)));

  bd_report_row_set_store (BD_REPORT_ROW (row), NULL);
  g_assert_finalize_object (row);
}

/* Everything at once, drawn: a photo, one only the server holds, and two
 * conflicts (one long). */
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

static gboolean
waited (gpointer data)
{
  return g_get_monotonic_time () > *(gint64 *)data;
}

static void
test_render (Fixture       *f,
             gconstpointer  data)
{
  const char *fields[] = { "title", "description", NULL };
  g_autoptr(BdReport) stored = make_conflict (f->store, fields,
                                              "梅田一丁目の交差点で冠水、深さ約30センチ。車両の通行は困難で、"
                                              "北区役所の職員が現地で誘導中。排水ポンプ車を要請済み。"
                                              "午後3時ごろ水位が下がり始めたとの報告あり。");
  g_autoptr(GBytes) png = make_png (640, 480, 0x2ec27eff);
  g_autoptr(GFile) file = write_file (f, "IMG_0142.png", png);
  g_autoptr(GVariant) attachments = NULL;
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  GskRenderNode *node;
  GVariantBuilder builder;
  const char *shot = g_getenv ("BD_TEST_SCREENSHOT");
  gint64 deadline;
  int width, height;

  load_style ();
  /* Drawn at rest, not halfway through a transition. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 400, 1900);

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sss)"));
  g_variant_builder_add (&builder, "(sss)",
                         "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                         "image/jpeg", "現場写真.jpg");
  bd_report_set_attachments (stored, g_variant_builder_end (&builder));

  bd_report_editor_set_report (f->editor, stored, FALSE);
  _bd_report_editor_add_photo_file (f->editor, file);
  wait_for_photos (f->editor);
  attachments = bd_report_get_attachments (bd_report_editor_get_report (f->editor));
  g_assert_cmpuint (g_variant_n_children (attachments), ==, 2);

  /* Let the window take its size and draw. */
  deadline = g_get_monotonic_time () + 500 * 1000;
  iterate_until (waited, &deadline, 1000);

  /* The form shows the report (the default severity, 2). */
  g_assert_cmpint (bd_report_get_severity (stored), ==, 2);
  g_assert_true (gtk_toggle_button_get_active (_bd_report_editor_get_severity_button (f->editor, 2)));

  width = gtk_widget_get_width (f->window);
  height = gtk_widget_get_height (f->window);
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  paintable = gtk_widget_paintable_new (f->window);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (f->window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  gsk_render_node_unref (node);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, width);

  if (shot != NULL)
    {
      g_assert_true (gdk_texture_save_to_png (texture, shot));
      g_test_message ("Saved %s (%d × %d)", shot, width, height);
    }
}

/* A key press as the focused widget's key controllers see it: each key
 * controller on @widget and its ancestors, innermost first, until one
 * handles it. */
static gboolean
send_key (GtkWidget *widget,
          guint      keyval)
{
  for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent (w))
    {
      g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (w);

      for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
        {
          g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);
          gboolean handled = FALSE;

          if (!GTK_IS_EVENT_CONTROLLER_KEY (controller))
            continue;

          g_signal_emit_by_name (controller, "key-pressed", keyval, 0, (GdkModifierType)0, &handled);
          if (handled)
            return TRUE;
        }
    }

  return FALSE;
}

/* Runs the main loop for about @ms milliseconds. */
static void
run_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64)ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static gboolean
pointer_over (gpointer data)
{
  return gtk_event_controller_motion_contains_pointer (GTK_EVENT_CONTROLLER_MOTION (data));
}

static gboolean
adjustment_moved (gpointer data)
{
  return gtk_adjustment_get_value (GTK_ADJUSTMENT (data)) >
         GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (data), "bd-start")) + 0.5;
}

/* The mouse wheel over a count scrolls the form and leaves the number
 * alone: a real wheel notch (xdotool "click 5") over the spin button. */
static void
test_wheel (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(BdReport) report = make_report ();
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");
  g_autofree char *search = NULL;
  g_autofree char *window_id = NULL;
  g_autofree char *command = NULL;
  g_autoptr(GError) error = NULL;
  GtkSpinButton *spin;
  GtkAdjustment *adjustment;
  GtkEventController *motion;
  graphene_point_t in_form, in_window;
  double sx, sy, start;
  int status;

  if (xdotool == NULL || g_getenv ("DISPLAY") == NULL ||
      g_strcmp0 (G_OBJECT_TYPE_NAME (gtk_widget_get_display (f->window)), "GdkX11Display") != 0)
    {
      g_test_skip ("needs xdotool and an X11 display");
      return;
    }

  gtk_window_set_title (GTK_WINDOW (f->window), "bd-test-wheel");
  bd_report_set_category (report, "residential");
  bd_report_editor_set_report (f->editor, report, FALSE);
  spin = _bd_report_editor_get_count_spin (f->editor, "complete_collapse_people");
  g_assert_nonnull (spin);
  g_assert_cmpfloat (gtk_spin_button_get_value (spin), ==, 0);
  run_for (300);

  /* Bring the spin button to the upper part of the view, with room to
   * scroll further down. */
  adjustment = gtk_scrolled_window_get_vadjustment (_bd_report_editor_get_scroller (f->editor));
  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (spin),
                                           gtk_scrolled_window_get_child (_bd_report_editor_get_scroller (f->editor)),
                                           &GRAPHENE_POINT_INIT (0, 0), &in_form));
  gtk_adjustment_set_value (adjustment, MAX (0, in_form.y - 150));
  run_for (300);
  start = gtk_adjustment_get_value (adjustment);
  g_assert_cmpfloat (start + gtk_adjustment_get_page_size (adjustment), <,
                     gtk_adjustment_get_upper (adjustment) - 10);
  g_object_set_data (G_OBJECT (adjustment), "bd-start", GUINT_TO_POINTER ((guint)start));

  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (spin), f->window,
                                           &GRAPHENE_POINT_INIT (gtk_widget_get_width (GTK_WIDGET (spin)) / 2.0,
                                                                 gtk_widget_get_height (GTK_WIDGET (spin)) / 2.0),
                                           &in_window));
  gtk_native_get_surface_transform (GTK_NATIVE (f->window), &sx, &sy);

  search = g_strdup_printf ("%s search --name bd-test-wheel", xdotool);
  g_assert_true (g_spawn_command_line_sync (search, &window_id, NULL, &status, &error));
  g_assert_no_error (error);
  g_strstrip (window_id);
  g_assert_cmpstr (window_id, !=, "");
  if (strchr (window_id, '\n') != NULL)
    *strchr (window_id, '\n') = '\0';

  /* Other tests share the X server and their windows may lie over this
   * one: raise it, and click only when the pointer is seen over the spin
   * button (X sends no crossing event to a covered window). */
  motion = gtk_event_controller_motion_new ();
  gtk_widget_add_controller (GTK_WIDGET (spin), motion);
  for (int attempt = 0; attempt < 40 && !adjustment_moved (adjustment); attempt++)
    {
      command = g_strdup_printf ("%s windowraise %s mousemove --window %s %d %d",
                                 xdotool, window_id, window_id,
                                 (int)(in_window.x + sx) + attempt % 3, (int)(in_window.y + sy));
      g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, &status, &error));
      g_assert_no_error (error);
      g_clear_pointer (&command, g_free);

      if (!iterate_until (pointer_over, motion, 500))
        continue;

      command = g_strdup_printf ("%s click 5", xdotool);
      g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, &status, &error));
      g_assert_no_error (error);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      g_clear_pointer (&command, g_free);
      iterate_until (adjustment_moved, adjustment, 1000);
    }

  /* The form scrolled down; the number did not change. */
  g_assert_true (adjustment_moved (adjustment));
  run_for (200);
  g_assert_cmpfloat (gtk_spin_button_get_value (spin), ==, 0);
  g_assert_cmpfloat (bd_report_get_count (bd_report_editor_get_report (f->editor),
                                          "complete_collapse_people"), ==, 0);
  g_assert_false (bd_report_editor_get_modified (f->editor));
}

/* A new report opens without red: errors show once the user leaves a
 * field, or all of them when saving is tried; Save stays disabled with a
 * hint that names what is missing. */
static void
test_errors_late (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(BdReport) report = bd_report_new ();
  AdwEntryRow *title_row;
  GtkLabel *title_error;
  GtkLabel *category_error;
  GtkWidget *save;
  const char *hint;

  bd_report_set_location (report, KITA_LAT, KITA_LON);
  bd_report_editor_set_report (f->editor, report, TRUE);
  run_for (100);

  title_row = bd_report_editor_get_title_row (f->editor);
  title_error = _bd_report_editor_get_error_label (f->editor, BD_REPORT_FIELD_TITLE);
  category_error = _bd_report_editor_get_error_label (f->editor, BD_REPORT_FIELD_CATEGORY);
  save = _bd_report_editor_get_save_button (f->editor);

  g_assert_false (bd_report_editor_get_valid (f->editor));
  g_assert_false (gtk_widget_get_sensitive (save));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (title_error)));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (category_error)));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (title_row), "error"));
  hint = gtk_label_get_text (_bd_report_editor_get_hint_label (f->editor));
  g_assert_nonnull (strstr (hint, "Title"));
  g_assert_nonnull (strstr (hint, "Kind of Damage"));

  /* Into the title and out again, without typing: now it is red. */
  gtk_widget_grab_focus (GTK_WIDGET (title_row));
  run_for (50);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (title_error)));
  gtk_widget_grab_focus (GTK_WIDGET (_bd_report_editor_get_reporter_row (f->editor)));
  run_for (50);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (title_error)));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (title_row), "error"));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (category_error)));

  /* Typing fixes it at once. */
  gtk_editable_set_text (GTK_EDITABLE (title_row), "道路冠水");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (title_error)));

  /* Trying to save shows the rest, saves nothing, and goes to the field. */
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "editor.try-save", NULL);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (category_error)));
  g_assert_cmpint (bd_store_count (f->store), ==, 0);
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (f->window)),
                                         GTK_WIDGET (_bd_report_editor_get_category_row (f->editor))) ||
                 gtk_root_get_focus (GTK_ROOT (f->window)) ==
                 GTK_WIDGET (_bd_report_editor_get_category_row (f->editor)));
  g_assert_false (gtk_widget_get_sensitive (save));

  /* Once valid, Ctrl+S's action saves. */
  adw_combo_row_set_selected (_bd_report_editor_get_category_row (f->editor),
                              (guint)bd_catalog_category_index ("road"));
  g_assert_true (bd_report_editor_get_valid (f->editor));
  g_assert_true (gtk_widget_get_sensitive (save));
  g_assert_cmpstr (gtk_label_get_text (_bd_report_editor_get_hint_label (f->editor)), ==, "");
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "editor.try-save", NULL);
  g_assert_cmpint (bd_store_count (f->store), ==, 1);
  g_assert_null (bd_report_editor_get_report (f->editor));

  /* The next report starts clean again. */
  bd_report_editor_set_report (f->editor, report, TRUE);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (title_error)));
}

/* The severity buttons are one Tab stop; the arrow keys choose. */
static void
test_severity_keys (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(BdReport) report = make_report ();
  GtkToggleButton *buttons[4];
  int focusable = 0;

  bd_report_set_severity (report, 2);
  bd_report_editor_set_report (f->editor, report, FALSE);
  for (int i = 0; i < 4; i++)
    {
      buttons[i] = _bd_report_editor_get_severity_button (f->editor, i + 1);
      focusable += gtk_widget_get_focusable (GTK_WIDGET (buttons[i]));
    }
  g_assert_cmpint (focusable, ==, 1);
  g_assert_true (gtk_widget_get_focusable (GTK_WIDGET (buttons[1])));

  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (buttons[1])));
  run_for (50);
  send_key (GTK_WIDGET (buttons[1]), GDK_KEY_Right);
  g_assert_cmpint (bd_report_get_severity (bd_report_editor_get_report (f->editor)), ==, 3);
  g_assert_true (gtk_root_get_focus (GTK_ROOT (f->window)) == GTK_WIDGET (buttons[2]));
  g_assert_false (gtk_widget_get_focusable (GTK_WIDGET (buttons[1])));
  send_key (GTK_WIDGET (buttons[2]), GDK_KEY_Left);
  send_key (GTK_WIDGET (buttons[1]), GDK_KEY_Left);
  g_assert_cmpint (bd_report_get_severity (bd_report_editor_get_report (f->editor)), ==, 1);
  g_assert_true (gtk_root_get_focus (GTK_ROOT (f->window)) == GTK_WIDGET (buttons[0]));
}

static guint
ward_position (const char *code)
{
  guint n_wards = 0;
  const BdWard *wards = bd_catalog_get_wards (&n_wards);

  for (guint i = 0; i < n_wards; i++)
    if (g_strcmp0 (wards[i].code, code) == 0)
      return i;

  g_assert_not_reached ();
  return 0;
}

typedef struct
{
  guint  n;
  double latitude;
  double longitude;
} Moved;

static void
on_location_changed_cb (BdReportEditor *editor,
                        double          latitude,
                        double          longitude,
                        Moved          *moved)
{
  moved->n++;
  moved->latitude = latitude;
  moved->longitude = longitude;
}

#define YODOGAWA        "271233"
#define MIYAKOJIMA      "271021"

/* The place and the ward agree: the ward follows the pin; choosing
 * another ward moves the pin to its centre, with a note and Put Back. */
static void
test_ward_follows_pin (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(BdReport) report = bd_report_new ();
  const BdWard *yodogawa = bd_catalog_lookup_ward (YODOGAWA);
  const BdWard *miyakojima = bd_catalog_lookup_ward (MIYAKOJIMA);
  AdwComboRow *ward_row = _bd_report_editor_get_ward_row (f->editor);
  Moved moved = { 0 };
  BdReport *working;
  guint n_wards = 0;
  const BdWard *wards = bd_catalog_get_wards (&n_wards);

  g_signal_connect (f->editor, "location-changed", G_CALLBACK (on_location_changed_cb), &moved);

  bd_report_set_location (report, KITA_LAT, KITA_LON);
  bd_report_editor_set_report (f->editor, report, TRUE);
  working = bd_report_editor_get_report (f->editor);
  g_assert_cmpstr (bd_report_get_ward (working), ==, KITA);

  /* A click on the map in Yodogawa: the ward follows, the row says so. */
  bd_report_editor_set_location (f->editor, yodogawa->latitude + 0.002, yodogawa->longitude);
  g_assert_cmpstr (bd_report_get_ward (working), ==, YODOGAWA);
  g_assert_cmpuint (adw_combo_row_get_selected (ward_row), ==, ward_position (YODOGAWA));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (_bd_report_editor_get_location_row (f->editor)),
                            "Yodogawa"));
  g_assert_cmpuint (moved.n, ==, 0);   /* the window moved it: nothing to tell */

  /* Choosing Miyakojima moves the pin there (the bug: 都島区 saved at a
   * point in 淀川区). */
  adw_combo_row_set_selected (ward_row, ward_position (MIYAKOJIMA));
  g_assert_cmpstr (bd_report_get_ward (working), ==, MIYAKOJIMA);
  g_assert_cmpfloat_with_epsilon (bd_report_get_latitude (working), miyakojima->latitude, 1e-9);
  g_assert_cmpfloat_with_epsilon (bd_report_get_longitude (working), miyakojima->longitude, 1e-9);
  g_assert_cmpstr (bd_catalog_nearest_ward (bd_report_get_latitude (working),
                                            bd_report_get_longitude (working))->code, ==, MIYAKOJIMA);
  g_assert_cmpuint (moved.n, ==, 1);
  g_assert_cmpfloat_with_epsilon (moved.latitude, miyakojima->latitude, 1e-9);
  g_assert_nonnull (strstr (_bd_report_editor_get_ward_note (f->editor), "Miyakojima"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (_bd_report_editor_get_location_row (f->editor)),
                            "Miyakojima"));

  /* Put Back: where it was, in Yodogawa again. */
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "editor.put-pin-back", NULL);
  g_assert_cmpstr (bd_report_get_ward (working), ==, YODOGAWA);
  g_assert_cmpuint (adw_combo_row_get_selected (ward_row), ==, ward_position (YODOGAWA));
  g_assert_cmpfloat_with_epsilon (bd_report_get_latitude (working), yodogawa->latitude + 0.002, 1e-9);
  g_assert_cmpuint (moved.n, ==, 2);
  g_assert_cmpstr (_bd_report_editor_get_ward_note (f->editor), ==, "");

  /* Whichever ward is chosen, the pin is in it afterwards. */
  for (guint i = 0; i < n_wards; i++)
    {
      adw_combo_row_set_selected (ward_row, i);
      g_assert_cmpstr (bd_report_get_ward (working), ==, wards[i].code);
      g_assert_cmpstr (bd_catalog_nearest_ward (bd_report_get_latitude (working),
                                                bd_report_get_longitude (working))->code,
                       ==, wards[i].code);
    }

  /* A saved report too: its ward follows a new place. */
  {
    g_autoptr(BdReport) stored = save_report (f->store, make_report ());

    bd_report_editor_set_report (f->editor, stored, FALSE);
    working = bd_report_editor_get_report (f->editor);
    bd_report_editor_set_location (f->editor, yodogawa->latitude, yodogawa->longitude);
    g_assert_cmpstr (bd_report_get_ward (working), ==, YODOGAWA);
  }

  g_signal_handlers_disconnect_by_func (f->editor, on_location_changed_cb, &moved);
}

/* Enter in an entry row: its GtkText's "activate" (the Enter binding). */
static void
press_enter (GtkWidget *row)
{
  GtkEditable *delegate = gtk_editable_get_delegate (GTK_EDITABLE (row));

  g_assert_true (GTK_IS_TEXT (delegate));
  g_signal_emit_by_name (delegate, "activate");
}

static gboolean
focus_within (GtkWidget *root,
              GtkWidget *widget)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (root));

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

/* By keyboard: Enter on the location row goes to the coordinates; typed
 * coordinates and Enter move the pin; the ward's centre by its button. */
static void
test_location_keyboard (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(BdReport) report = bd_report_new ();
  AdwEntryRow *coords = _bd_report_editor_get_coords_row (f->editor);
  const BdWard *chuo = bd_catalog_lookup_ward ("271284");
  Moved moved = { 0 };
  BdReport *working;

  g_signal_connect (f->editor, "location-changed", G_CALLBACK (on_location_changed_cb), &moved);
  bd_report_set_location (report, KITA_LAT, KITA_LON);
  bd_report_editor_set_report (f->editor, report, TRUE);
  working = bd_report_editor_get_report (f->editor);
  run_for (50);

  /* Enter on the location row. */
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (_bd_report_editor_get_location_row (f->editor))));
  gtk_widget_activate (GTK_WIDGET (_bd_report_editor_get_location_row (f->editor)));
  run_for (50);
  g_assert_true (focus_within (f->window, GTK_WIDGET (coords)));

  /* Typed coordinates (with a Japanese comma) and Enter. */
  gtk_editable_set_text (GTK_EDITABLE (coords), "34.6937、135.5023");
  press_enter (GTK_WIDGET (coords));
  g_assert_cmpfloat_with_epsilon (bd_report_get_latitude (working), 34.6937, 1e-9);
  g_assert_cmpfloat_with_epsilon (bd_report_get_longitude (working), 135.5023, 1e-9);
  g_assert_cmpstr (bd_report_get_ward (working), ==,
                   bd_catalog_nearest_ward (34.6937, 135.5023)->code);
  g_assert_cmpuint (moved.n, ==, 1);
  g_assert_cmpstr (_bd_report_editor_get_location_status (f->editor), ==, "");

  /* Longitude first is understood; nonsense and places outside the city
   * are refused with a word, and the pin stays. */
  gtk_editable_set_text (GTK_EDITABLE (coords), "135.51 34.68");
  press_enter (GTK_WIDGET (coords));
  g_assert_cmpfloat_with_epsilon (bd_report_get_latitude (working), 34.68, 1e-9);
  gtk_editable_set_text (GTK_EDITABLE (coords), "Umeda");
  press_enter (GTK_WIDGET (coords));
  g_assert_nonnull (strstr (_bd_report_editor_get_location_status (f->editor), "latitude, longitude"));
  gtk_editable_set_text (GTK_EDITABLE (coords), "35.0, 135.5");
  press_enter (GTK_WIDGET (coords));
  g_assert_nonnull (strstr (_bd_report_editor_get_location_status (f->editor), "outside Osaka City"));
  g_assert_cmpfloat_with_epsilon (bd_report_get_latitude (working), 34.68, 1e-9);

  /* Place at the ward's centre. */
  adw_combo_row_set_selected (_bd_report_editor_get_ward_row (f->editor), ward_position ("271284"));
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "editor.place-at-ward-centre", NULL);
  g_assert_cmpfloat_with_epsilon (bd_report_get_latitude (working), chuo->latitude, 1e-9);
  g_assert_cmpfloat_with_epsilon (bd_report_get_longitude (working), chuo->longitude, 1e-9);
  g_assert_cmpstr (bd_report_get_ward (working), ==, "271284");

  g_signal_handlers_disconnect_by_func (f->editor, on_location_changed_cb, &moved);
}

static gboolean
located (gpointer data)
{
  const char *status = _bd_report_editor_get_location_status (BD_REPORT_EDITOR (data));

  return status[0] != '\0' && strstr (status, "Finding") == NULL;
}

/* Use My Location without a location service (as on the test machines:
 * no GeoClue, no system bus): a clear message, the pin stays, nothing
 * hangs, and it can be tried again. */
static void
test_my_location_none (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(BdReport) report = bd_report_new ();
  BdReport *working;

  bd_report_set_location (report, KITA_LAT, KITA_LON);
  bd_report_editor_set_report (f->editor, report, TRUE);
  working = bd_report_editor_get_report (f->editor);

  gtk_widget_activate_action (GTK_WIDGET (f->editor), "editor.use-my-location", NULL);
  g_assert_nonnull (strstr (_bd_report_editor_get_location_status (f->editor), "Finding your location"));
  g_assert_true (iterate_until (located, f->editor, TIMEOUT_MS));
  g_assert_nonnull (strstr (_bd_report_editor_get_location_status (f->editor),
                            "No location service is available"));
  g_assert_cmpfloat_with_epsilon (bd_report_get_latitude (working), KITA_LAT, 1e-9);
  g_assert_cmpstr (bd_report_get_ward (working), ==, KITA);

  /* Again, and then away to another report while it runs. */
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "editor.use-my-location", NULL);
  g_assert_nonnull (strstr (_bd_report_editor_get_location_status (f->editor), "Finding your location"));
  bd_report_editor_set_report (f->editor, report, TRUE);
  g_assert_cmpstr (_bd_report_editor_get_location_status (f->editor), ==, "");
  run_for (300);
  g_assert_cmpstr (_bd_report_editor_get_location_status (f->editor), ==, "");
}

/* Quick reports: a new report's preset fills the category and the title;
 * the title stays editable, and typed text is not replaced. */
static void
test_presets (Fixture       *f,
              gconstpointer  data)
{
  const char *expected[] = { "道路冠水", "倒木", "建物倒壊", "火災", "停電", "断水", "負傷者",
                             "床上浸水", "床下浸水", "土砂崩れ" };
  g_autoptr(BdReport) report = bd_report_new ();
  GtkFlowBox *box = _bd_report_editor_get_presets_box (f->editor);
  GtkFlowBoxChild *child;
  GtkWidget *button;
  const BdPreset *presets;
  guint n_presets = 0;
  BdReport *working;

  presets = bd_presets_get (&n_presets);
  g_assert_cmpuint (n_presets, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < n_presets; i++)
    {
      g_assert_cmpstr (presets[i].title_ja, ==, expected[i]);
      g_assert_nonnull (bd_catalog_lookup_category (presets[i].category));
      g_assert_cmpstr (presets[i].title_en, !=, "");
    }
  g_assert_cmpstr (bd_presets_lookup ("road-flooding")->category, ==, "road");
  g_assert_cmpstr (bd_presets_lookup ("above-floor")->category, ==, "residential");
  g_assert_cmpstr (bd_presets_lookup ("landslide")->category, ==, "slope_failure");

  bd_report_set_location (report, KITA_LAT, KITA_LON);
  bd_report_editor_set_report (f->editor, report, TRUE);
  working = bd_report_editor_get_report (f->editor);
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_parent (gtk_widget_get_parent (GTK_WIDGET (box)))) ||
                 gtk_widget_is_visible (GTK_WIDGET (box)));

  /* One tap on 道路冠水 (the first button). */
  child = gtk_flow_box_get_child_at_index (box, 0);
  g_assert_nonnull (child);
  g_assert_false (gtk_widget_get_focusable (GTK_WIDGET (child)));
  button = gtk_flow_box_child_get_child (child);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "Flooded road");
  g_signal_emit_by_name (button, "clicked");
  g_assert_cmpstr (bd_report_get_category (working), ==, "road");
  g_assert_cmpstr (bd_report_get_title (working), ==, "Flooded road");
  g_assert_cmpuint (adw_combo_row_get_selected (_bd_report_editor_get_category_row (f->editor)), ==,
                    (guint)bd_catalog_category_index ("road"));
  g_assert_nonnull (_bd_report_editor_get_count_spin (f->editor, "sites"));
  g_assert_true (bd_report_editor_get_valid (f->editor));

  /* Another preset replaces a preset's title ... */
  g_signal_emit_by_name (gtk_flow_box_child_get_child (gtk_flow_box_get_child_at_index (box, 3)), "clicked");
  g_assert_cmpstr (bd_report_get_category (working), ==, "fire");
  g_assert_cmpstr (bd_report_get_title (working), ==, "Fire");

  /* ... but not a title typed by the user, which stays editable. */
  gtk_editable_set_text (GTK_EDITABLE (bd_report_editor_get_title_row (f->editor)), "梅田 地下道 冠水");
  g_signal_emit_by_name (gtk_flow_box_child_get_child (gtk_flow_box_get_child_at_index (box, 0)), "clicked");
  g_assert_cmpstr (bd_report_get_category (working), ==, "road");
  g_assert_cmpstr (bd_report_get_title (working), ==, "梅田 地下道 冠水");

  /* Preset, place, save. */
  bd_report_editor_set_location (f->editor, 34.7001, 135.4999);
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "editor.save", NULL);
  g_assert_cmpint (bd_store_count (f->store), ==, 1);

  /* An existing report has no quick reports. */
  {
    g_autoptr(BdReport) stored = save_report (f->store, make_report ());

    bd_report_editor_set_report (f->editor, stored, FALSE);
    g_assert_false (gtk_widget_is_visible (GTK_WIDGET (box)));
  }
}

static gboolean
focus_in_popover (gpointer data)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (data));

  return focus != NULL && gtk_widget_get_ancestor (focus, GTK_TYPE_POPOVER) != NULL;
}

/* Enter on the highlighted first item of the empty category list chooses
 * it. */
static void
test_category_enter (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(BdReport) report = bd_report_new ();
  AdwComboRow *row = _bd_report_editor_get_category_row (f->editor);
  GtkWidget *item;
  guint n_categories = 0;
  const BdCategory *categories = bd_catalog_get_categories (&n_categories);

  bd_report_set_location (report, KITA_LAT, KITA_LON);
  bd_report_editor_set_report (f->editor, report, TRUE);
  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, GTK_INVALID_LIST_POSITION);

  gtk_widget_grab_focus (GTK_WIDGET (row));
  gtk_widget_activate (GTK_WIDGET (row));
  g_assert_true (iterate_until (focus_in_popover, f->window, TIMEOUT_MS));
  run_for (100);
  item = gtk_root_get_focus (GTK_ROOT (f->window));

  /* Enter: the key controllers, then the item's own Enter binding. */
  send_key (item, GDK_KEY_Return);
  gtk_widget_activate (item);
  run_for (100);
  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, 0);
  g_assert_cmpstr (bd_report_get_category (bd_report_editor_get_report (f->editor)), ==,
                   categories[0].code);
}

/* Coordinates typed into their row and saved without Enter (Ctrl+S at
 * once, as test-task-steps found): the report is saved where they say, not
 * at the old place; coordinates that make no sense stop the save with a
 * word. */
static void
test_coords_typed_then_save (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(BdReport) report = make_report ();
  g_autoptr(BdReport) stored = NULL;
  g_autoptr(GError) error = NULL;
  AdwEntryRow *coords = _bd_report_editor_get_coords_row (f->editor);
  g_autofree char *id = g_strdup (bd_report_get_id (report));

  bd_report_editor_set_report (f->editor, report, TRUE);
  run_for (50);

  /* nonsense: nothing is saved, the user is told */
  gtk_editable_set_text (GTK_EDITABLE (coords), "Umeda");
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "editor.try-save", NULL);
  g_assert_nonnull (bd_report_editor_get_report (f->editor));
  g_assert_nonnull (strstr (_bd_report_editor_get_location_status (f->editor), "latitude, longitude"));
  g_assert_cmpint (bd_store_count (f->store), ==, 0);

  /* typed, no Enter, saved at once */
  gtk_editable_set_text (GTK_EDITABLE (coords), "34.6873, 135.5262");
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "editor.try-save", NULL);
  g_assert_null (bd_report_editor_get_report (f->editor));
  stored = bd_store_get_report (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (bd_report_get_latitude (stored), 34.6873, 1e-9);
  g_assert_cmpfloat_with_epsilon (bd_report_get_longitude (stored), 135.5262, 1e-9);
  g_assert_cmpstr (bd_report_get_ward (stored), ==, bd_catalog_nearest_ward (34.6873, 135.5262)->code);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *tmp_dir = NULL;
  g_autofree char *cache = NULL;
  g_autofree char *config = NULL;
  const char *localedir = g_getenv ("BD_TEST_LOCALEDIR");
  int status;

  tmp_dir = g_dir_make_tmp ("bd-test-editor-home-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);
  cache = g_build_filename (tmp_dir, "cache", NULL);
  config = g_build_filename (tmp_dir, "config", NULL);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  /* No location service, whatever this machine has: "Use My Location"
   * must say so (GeoClue lives on the system bus). */
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/bosai-desk-test", TRUE);

  if (localedir != NULL)
    {
      bindtextdomain (GETTEXT_PACKAGE, localedir);
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      textdomain (GETTEXT_PACKAGE);
    }

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  /* gtk_test_init () sets a locale of its own. */
  if (localedir != NULL)
    setlocale (LC_ALL, "");

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  g_test_add_func ("/bd/photo-loader/load", test_photo_loader);
  ADD ("/bd/editor/photo/add", test_photo_add);
  ADD ("/bd/editor/photo/chooser", test_photo_chooser);
  ADD ("/bd/editor/photo/remove", test_photo_remove);
  ADD ("/bd/editor/photo/on-server", test_photo_on_server);
  ADD ("/bd/editor/photo/bad", test_photo_bad);
  ADD ("/bd/editor/photo/no-preview", test_photo_no_preview);
  ADD ("/bd/editor/conflict/show", test_conflict_show);
  ADD ("/bd/editor/conflict/take-server", test_conflict_take_server);
  ADD ("/bd/editor/conflict/keep-mine", test_conflict_keep_mine);
  ADD ("/bd/editor/conflict/unsaved-edits", test_conflict_unsaved_edits);
  ADD ("/bd/editor/conflict/arrives", test_conflict_arrives);
  ADD ("/bd/editor/save-over-newer", test_save_over_newer);
  ADD ("/bd/editor/save-over-unchanged", test_save_over_unchanged);
  ADD ("/bd/editor/history-actor", test_history_actor);
  ADD ("/bd/editor/parts", test_parts);
  ADD ("/bd/report-row/conflict", test_row_conflict);
  ADD ("/bd/editor/render", test_render);
  ADD ("/bd/editor/wheel", test_wheel);
  ADD ("/bd/editor/errors-late", test_errors_late);
  ADD ("/bd/editor/severity-keys", test_severity_keys);
  ADD ("/bd/editor/ward-follows-pin", test_ward_follows_pin);
  ADD ("/bd/editor/location-keyboard", test_location_keyboard);
  ADD ("/bd/editor/coords-typed-then-save", test_coords_typed_then_save);
  ADD ("/bd/editor/my-location-none", test_my_location_none);
  ADD ("/bd/editor/presets", test_presets);
  ADD ("/bd/editor/category-enter", test_category_enter);

#undef ADD

  status = g_test_run ();

  remove_tree (tmp_dir);

  return status;
}
