/* test-photos.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Photos dropped on the editor, and the place a photo's EXIF gives,
 * offered and applied only when the user accepts it: the real widgets in
 * a window under Xvfb, over a real store in a temporary folder.
 */

#define G_LOG_DOMAIN "test-photos"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "bd-catalog.h"
#include "bd-photo-strip-private.h"
#include "bd-report-row-private.h"
#include "bd-report-editor-private.h"
#include "bd-store.h"
#include "editor-fixture.h"
#include "ui-util.h"

#define TIMEOUT_MS 60000
#define KITA_LAT   34.704
#define KITA_LON   135.504

typedef EditorFixture Fixture;

static gboolean
photos_settled (gpointer data)
{
  return !_bd_report_editor_get_loading_photos (BD_REPORT_EDITOR (data));
}

static void
wait_for_photos (Fixture *f)
{
  g_assert_true (iterate_until (photos_settled, f->editor, TIMEOUT_MS));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(BdReport) report = bd_report_new ();

  editor_fixture_set_up (f, "photos");

  bd_report_set_location (report, KITA_LAT, KITA_LON);
  bd_report_set_ward (report, "271276");
  bd_report_set_category (report, "road");
  bd_report_set_title (report, "北区 道路冠水");
  bd_report_editor_set_report (f->editor, report, TRUE);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  editor_fixture_tear_down (f);
}

/* Files */

static GBytes *
make_image (const char *type)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 64, 48);
  g_autoptr(GError) error = NULL;
  char *buffer = NULL;
  gsize size = 0;

  gdk_pixbuf_fill (pixbuf, 0x3584e4ff);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, type, &error, NULL));
  g_assert_no_error (error);

  return g_bytes_new_take (buffer, size);
}

static void
put16le (GByteArray *a, guint16 v)
{
  guint8 b[2] = { v & 0xff, v >> 8 };

  g_byte_array_append (a, b, 2);
}

static void
put32le (GByteArray *a, guint32 v)
{
  guint8 b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };

  g_byte_array_append (a, b, 4);
}

static void
put_entry (GByteArray *a, guint16 tag, guint16 type, guint32 count, guint32 value)
{
  put16le (a, tag);
  put16le (a, type);
  put32le (a, count);
  put32le (a, value);
}

/* A real JPEG (gdk-pixbuf's) with an APP1 EXIF segment after its SOI that
 * places it at @lat, @lon (north, east; whole seconds in hundredths). */
static GBytes *
make_jpeg_at (double lat,
              double lon)
{
  g_autoptr(GBytes) plain = make_image ("jpeg");
  g_autoptr(GByteArray) tiff = g_byte_array_new ();
  GByteArray *jpeg = g_byte_array_new ();
  const guint8 *data;
  gsize size;
  double parts[2] = { lat, lon };
  guint len;

  g_byte_array_append (tiff, (const guint8 *)"II", 2);
  put16le (tiff, 42);
  put32le (tiff, 8);
  put16le (tiff, 1);                                /* IFD0: the GPS pointer */
  put_entry (tiff, 0x8825, 4, 1, 26);
  put32le (tiff, 0);
  put16le (tiff, 4);                                /* GPS IFD at 26 */
  put_entry (tiff, 0x0001, 2, 2, 'N');
  put_entry (tiff, 0x0002, 5, 3, 26 + 2 + 4 * 12 + 4);
  put_entry (tiff, 0x0003, 2, 2, 'E');
  put_entry (tiff, 0x0004, 5, 3, 26 + 2 + 4 * 12 + 4 + 24);
  put32le (tiff, 0);
  for (guint i = 0; i < 2; i++)
    {
      double degrees = floor (parts[i]);
      double minutes = floor ((parts[i] - degrees) * 60);
      double hundredths = round (((parts[i] - degrees) * 60 - minutes) * 60 * 100);

      put32le (tiff, (guint32)degrees); put32le (tiff, 1);
      put32le (tiff, (guint32)minutes); put32le (tiff, 1);
      put32le (tiff, (guint32)hundredths); put32le (tiff, 100);
    }

  data = g_bytes_get_data (plain, &size);
  g_assert_cmpuint (size, >, 2);
  g_byte_array_append (jpeg, data, 2);              /* SOI */
  len = 2 + 6 + tiff->len;
  g_byte_array_append (jpeg, (const guint8 []) { 0xff, 0xe1, len >> 8, len & 0xff }, 4);
  g_byte_array_append (jpeg, (const guint8 *)"Exif\0\0", 6);
  g_byte_array_append (jpeg, tiff->data, tiff->len);
  g_byte_array_append (jpeg, data + 2, size - 2);

  return g_byte_array_free_to_bytes (jpeg);
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
n_attachments (Fixture *f)
{
  g_autoptr(GVariant) attachments = bd_report_get_attachments (bd_report_editor_get_report (f->editor));

  return (guint)g_variant_n_children (attachments);
}

static GtkDropTarget *
drop_target_of (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        return GTK_DROP_TARGET (controller);
    }

  return NULL;
}

/* What GTK hands the drop target once a drag of @files is dropped. */
static gboolean
drop_files (GtkDropTarget *target,
            GSList        *files)
{
  g_auto(GValue) value = G_VALUE_INIT;
  gboolean accepted = FALSE;

  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_list (files));
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &accepted);

  return accepted;
}

/* /bd/photos/drop: image files dropped on the editor are its photos, a
 * text file among them is refused by name, with why. */
static void
test_drop (Fixture       *f,
           gconstpointer  data)
{
  GtkDropTarget *target = drop_target_of (GTK_WIDGET (f->editor));
  g_autoptr(GBytes) png = make_image ("png");
  g_autoptr(GBytes) jpeg = make_image ("jpeg");
  g_autoptr(GBytes) text = g_bytes_new_static ("memo: water 30 cm on the road\n", 31);
  g_autoptr(GFile) png_file = write_file (f, "flood.png", png);
  g_autoptr(GFile) jpeg_file = write_file (f, "road.jpg", jpeg);
  g_autoptr(GFile) text_file = write_file (f, "notes.txt", text);
  g_autoptr(GSList) files = NULL;
  GtkLabel *error_label = _bd_report_editor_get_photo_error_label (f->editor);
  const GType *types;
  gsize n_types = 0;
  gboolean file_list = FALSE, file = FALSE;

  g_assert_nonnull (target);
  types = gtk_drop_target_get_gtypes (target, &n_types);
  for (gsize i = 0; i < n_types; i++)
    {
      file_list |= types[i] == GDK_TYPE_FILE_LIST;
      file |= types[i] == G_TYPE_FILE;
    }
  g_assert_true (file_list && file);
  g_assert_true (gtk_drop_target_get_actions (target) & GDK_ACTION_COPY);

  files = g_slist_append (files, png_file);
  files = g_slist_append (files, text_file);
  files = g_slist_append (files, jpeg_file);
  g_assert_true (drop_files (target, files));
  wait_for_photos (f);

  g_assert_cmpuint (n_attachments (f), ==, 2);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  g_assert_nonnull (strstr (gtk_label_get_text (error_label), "notes.txt"));
  g_assert_nonnull (strstr (gtk_label_get_text (error_label), "not a photo"));
  g_assert_true (bd_report_editor_get_modified (f->editor));

  /* One file (G_TYPE_FILE), the same photo again: named once. */
  {
    g_auto(GValue) value = G_VALUE_INIT;
    gboolean accepted = FALSE;

    g_value_init (&value, G_TYPE_FILE);
    g_value_set_object (&value, png_file);
    g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &accepted);
    g_assert_true (accepted);
    wait_for_photos (f);
    g_assert_cmpuint (n_attachments (f), ==, 2);
  }

  /* No report open: the drop is refused. */
  bd_report_editor_set_report (f->editor, NULL, FALSE);
  g_assert_false (drop_files (target, files));
}

/* /bd/photos/exif-offer: a photo that says where it was taken offers that
 * place; nothing moves until the user accepts. */
static void
test_exif_offer (Fixture       *f,
                 gconstpointer  data)
{
  BdPhotoStrip *strip = f->editor->photo_strip;
  GtkWidget *offer = _bd_photo_strip_get_position_offer (strip);
  GtkWidget *button = _bd_photo_strip_get_use_position_button (strip);
  g_autoptr(GBytes) castle = make_jpeg_at (34.6937, 135.5262);
  g_autoptr(GBytes) tokyo = make_jpeg_at (35.6812, 139.7671);
  g_autoptr(GBytes) plain = make_image ("jpeg");
  g_autoptr(GFile) castle_file = write_file (f, "castle.jpg", castle);
  g_autoptr(GFile) tokyo_file = write_file (f, "tokyo.jpg", tokyo);
  g_autoptr(GFile) plain_file = write_file (f, "plain.jpg", plain);
  BdReport *report;

  /* No EXIF: no offer. */
  _bd_report_editor_add_photo_file (f->editor, plain_file);
  wait_for_photos (f);
  g_assert_cmpuint (n_attachments (f), ==, 1);
  g_assert_false (gtk_widget_get_visible (offer));

  /* Inside the city: offered, the report stays where it was. */
  _bd_report_editor_add_photo_file (f->editor, castle_file);
  wait_for_photos (f);
  g_assert_cmpuint (n_attachments (f), ==, 2);
  g_assert_true (gtk_widget_get_visible (offer));
  g_assert_true (gtk_widget_get_visible (button));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button)))),
                            "34.69370, 135.52620"));
  report = bd_report_editor_get_report (f->editor);
  g_assert_cmpfloat_with_epsilon (bd_report_get_latitude (report), KITA_LAT, 1e-9);
  g_assert_cmpfloat_with_epsilon (bd_report_get_longitude (report), KITA_LON, 1e-9);
  g_assert_cmpstr (bd_report_get_ward (report), ==, "271276");

  /* Accepted: the pin and the ward follow. */
  g_signal_emit_by_name (button, "clicked");
  report = bd_report_editor_get_report (f->editor);
  g_assert_cmpfloat_with_epsilon (bd_report_get_latitude (report), 34.6937, 1e-6);
  g_assert_cmpfloat_with_epsilon (bd_report_get_longitude (report), 135.5262, 1e-6);
  g_assert_cmpstr (bd_report_get_ward (report), ==, bd_catalog_nearest_ward (34.6937, 135.5262)->code);
  g_assert_false (gtk_widget_get_visible (offer));
  g_assert_nonnull (strstr (_bd_report_editor_get_location_status (f->editor), "photo"));

  /* Outside the city: said, with no button, and the place stays. */
  _bd_report_editor_add_photo_file (f->editor, tokyo_file);
  wait_for_photos (f);
  g_assert_true (gtk_widget_get_visible (offer));
  g_assert_false (gtk_widget_get_visible (button));
  g_assert_nonnull (strstr (gtk_label_get_text (_bd_photo_strip_get_position_label (strip)), "outside"));
  report = bd_report_editor_get_report (f->editor);
  g_assert_cmpfloat_with_epsilon (bd_report_get_latitude (report), 34.6937, 1e-6);

  /* Another report: the offer goes. */
  {
    g_autoptr(BdReport) other = bd_report_new ();

    bd_report_set_location (other, KITA_LAT, KITA_LON);
    bd_report_editor_set_report (f->editor, other, TRUE);
    g_assert_false (gtk_widget_get_visible (offer));
  }
}

/* /bd/photos/row-thumbnails: 5,000 reports in a list view; only the rows
 * bound load a thumbnail, a fast scroll loads almost nothing, at most two
 * load at a time, the cache keeps its bound, and the main loop never
 * stalls while they load. */

typedef struct
{
  GtkListView *list;
  gint64       last_tick;
  gint64       max_gap;
  gint64       max_loading_gap;   /* between two ticks with a load running */
  gboolean     was_loading;
  gint64       last_jump;         /* the list rebinds its rows after a jump */
  guint        max_loading;
} RowsRun;

static gboolean
tick_cb (gpointer data)
{
  RowsRun *run = data;
  gint64 now = g_get_monotonic_time ();

  guint loading = _bd_report_row_get_thumbnails_loading ();

  if (run->last_tick != 0)
    run->max_gap = MAX (run->max_gap, now - run->last_tick);
  if (run->last_tick != 0 && run->was_loading && loading > 0 &&
      run->last_tick - run->last_jump > 1000 * 1000)
    run->max_loading_gap = MAX (run->max_loading_gap, now - run->last_tick);
  run->last_tick = now;
  run->was_loading = loading > 0;
  run->max_loading = MAX (run->max_loading, loading);

  return G_SOURCE_CONTINUE;
}

static gboolean
no_thumbnail_loading (gpointer data)
{
  return _bd_report_row_get_thumbnails_loading () == 0;
}

static void
on_row_setup_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 BdStore                  *store)
{
  GtkWidget *row = bd_report_row_new ();

  bd_report_row_set_store (BD_REPORT_ROW (row), store);
  gtk_list_item_set_child (item, row);
}

static void
on_row_bind_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  data)
{
  bd_report_row_set_report (BD_REPORT_ROW (gtk_list_item_get_child (item)), gtk_list_item_get_item (item));
}

static void
on_row_unbind_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  data)
{
  bd_report_row_set_report (BD_REPORT_ROW (gtk_list_item_get_child (item)), NULL);
}

/* The rows the list view has bound now. */
static GPtrArray *
bound_rows (GtkListView *list)
{
  GPtrArray *rows = g_ptr_array_new ();

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *row = gtk_widget_get_first_child (child);

      if (BD_IS_REPORT_ROW (row) && bd_report_row_get_report (BD_REPORT_ROW (row)) != NULL)
        g_ptr_array_add (rows, row);
    }

  return rows;
}

#define MISSING_SHA "0000000000000000000000000000000000000000000000000000000000000000"

/* Every bound row whose report has a photo shows it; the others none. */
static gboolean
bound_rows_shown (gpointer data)
{
  RowsRun *run = data;
  g_autoptr(GPtrArray) rows = bound_rows (run->list);

  if (rows->len == 0)
    return FALSE;

  for (guint i = 0; i < rows->len; i++)
    {
      BdReportRow *row = rows->pdata[i];
      g_autoptr(GVariant) attachments = bd_report_get_attachments (bd_report_row_get_report (row));
      gboolean has_photo = g_variant_n_children (attachments) > 0;
      GtkImage *picture = _bd_report_row_get_thumbnail (row);
      const char *sha = NULL;

      /* rows bound out of view load nothing */
      if (!gtk_widget_get_mapped (GTK_WIDGET (row)))
        continue;
      if (has_photo)
        g_variant_get_child (attachments, 0, "(&s&s&s)", &sha, NULL, NULL);
      /* a photo not in this store: none shown */
      if (g_strcmp0 (sha, MISSING_SHA) == 0)
        has_photo = FALSE;

      if (has_photo != gtk_widget_get_visible (GTK_WIDGET (picture)) ||
          (has_photo && gtk_image_get_paintable (picture) == NULL))
        return FALSE;
    }

  return TRUE;
}

#define N_ROW_REPORTS 5000
#define N_ROW_PHOTOS  1000

static void
test_row_thumbnails (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bd-test-rows-XXXXXX", &error);
  g_autofree char *db = NULL;
  g_autoptr(BdStore) store = NULL;
  g_autoptr(GListStore) reports = g_list_store_new (BD_TYPE_REPORT);
  g_autoptr(GPtrArray) shas = g_ptr_array_new_with_free_func (g_free);
  GtkListItemFactory *factory;
  GtkWidget *window, *scrolled;
  GtkAdjustment *adjustment;
  RowsRun run = { 0 };
  guint tick, started_at_rest, started_after_scroll;
  gpointer weak;

  g_assert_no_error (error);
  db = g_build_filename (dir, "bosai.db", NULL);
  store = bd_store_open (db, &error);
  g_assert_no_error (error);

  /* N_ROW_PHOTOS different small photos */
  for (guint i = 0; i < N_ROW_PHOTOS; i++)
    {
      g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 32, 24);
      g_autoptr(GBytes) bytes = NULL;
      char *buffer = NULL;
      gsize size = 0;

      gdk_pixbuf_fill (pixbuf, 0x10000000u * (i % 16) + 0x100u * i + 0xff);
      g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", &error, NULL));
      bytes = g_bytes_new_take (buffer, size);
      g_ptr_array_add (shas, bd_store_add_attachment (store, bytes, "image/png", &error));
      g_assert_no_error (error);
    }

  /* every 7th report has no photo; report 3's photo is not in the store */
  for (guint i = 0; i < N_ROW_REPORTS; i++)
    {
      g_autoptr(BdReport) report = bd_report_new ();
      g_autofree char *title = g_strdup_printf ("報告 %u", i);

      bd_report_set_location (report, KITA_LAT, KITA_LON);
      bd_report_set_ward (report, "271276");
      bd_report_set_category (report, "road");
      bd_report_set_title (report, title);
      if (i % 7 != 0)
        {
          const char *sha = i == 3 ? MISSING_SHA : shas->pdata[i % N_ROW_PHOTOS];

          bd_report_set_attachments (report, g_variant_new_parsed ("[(%s, 'image/png', 'photo.png')]", sha));
        }
      g_list_store_append (reports, report);
    }

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (on_row_setup_cb), store);
  g_signal_connect (factory, "bind", G_CALLBACK (on_row_bind_cb), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (on_row_unbind_cb), NULL);
  run.list = GTK_LIST_VIEW (gtk_list_view_new (GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (g_object_ref (reports)))),
                                               factory));
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (run.list));
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 400, 600);
  gtk_window_set_child (GTK_WINDOW (window), scrolled);
  gtk_window_present (GTK_WINDOW (window));
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));

  tick = g_timeout_add (5, tick_cb, &run);
  started_at_rest = _bd_report_row_get_thumbnails_started ();

  /* At rest: the rows in view get their thumbnails, and only those. */
  g_assert_true (iterate_until (bound_rows_shown, &run, TIMEOUT_MS));
  {
    g_autoptr(GPtrArray) rows = bound_rows (run.list);
    guint loads = _bd_report_row_get_thumbnails_started () - started_at_rest;

    guint mapped = 0;

    for (guint i = 0; i < rows->len; i++)
      mapped += gtk_widget_get_mapped (rows->pdata[i]);
    g_test_message ("%u rows bound of %u, %u in view, %u thumbnails loaded",
                    rows->len, N_ROW_REPORTS, mapped, loads);
    g_assert_cmpuint (rows->len, <, 400);
    g_assert_cmpuint (loads, <=, mapped);
  }

  /* The gaps from here on: scrolling and loading, not the first layout. */
  run.max_gap = 0;

  /* A fast scroll through all 5,000: little is loaded on the way. */
  started_after_scroll = _bd_report_row_get_thumbnails_started ();
  for (guint step = 1; step <= 100; step++)
    {
      gtk_adjustment_set_value (adjustment,
                                (gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment)) * step / 100);
      run.last_jump = g_get_monotonic_time ();
      {
        gint64 end = g_get_monotonic_time () + 30 * 1000;

        while (g_get_monotonic_time () < end)
          g_main_context_iteration (NULL, FALSE);
      }
    }
  g_test_message ("%u thumbnails loaded while scrolling through %u rows",
                  _bd_report_row_get_thumbnails_started () - started_after_scroll, N_ROW_REPORTS);
  g_assert_cmpuint (_bd_report_row_get_thumbnails_started () - started_after_scroll, <, 400);
  g_assert_true (iterate_until (bound_rows_shown, &run, TIMEOUT_MS));

  /* Resting in 30 places: more photos than the cache keeps. */
  for (guint place = 0; place < 30; place++)
    {
      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) * (place * 37 % 100) / 100.0);
      run.last_jump = g_get_monotonic_time ();
      g_assert_true (iterate_until (bound_rows_shown, &run, TIMEOUT_MS));
      g_assert_cmpuint (_bd_report_row_get_thumbnails_cached (), <=, BD_REPORT_ROW_THUMB_CACHE);
    }
  g_test_message ("%u thumbnails loaded in all, %u cached, at most %u at once, longest main loop "
                  "gap %.0f ms overall, %.0f ms between two ticks with a thumbnail loading (1 s after a jump on)",
                  _bd_report_row_get_thumbnails_started (), _bd_report_row_get_thumbnails_cached (),
                  run.max_loading, run.max_gap / 1000.0, run.max_loading_gap / 1000.0);
  g_assert_cmpuint (run.max_loading, <=, 2);
  g_assert_cmpuint (_bd_report_row_get_thumbnails_started (), <, N_ROW_REPORTS / 5);
  /* more were loaded than kept: the cache let the oldest go */
  g_assert_cmpuint (_bd_report_row_get_thumbnails_started (), >, BD_REPORT_ROW_THUMB_CACHE);
  g_assert_cmpuint (_bd_report_row_get_thumbnails_cached (), ==, BD_REPORT_ROW_THUMB_CACHE);
  g_assert_cmpint (run.max_loading_gap, <, 500 * 1000);

  /* The report whose photo is not here shows none, and nothing broke. */
  gtk_adjustment_set_value (adjustment, 0);
  g_assert_true (iterate_until (bound_rows_shown, &run, TIMEOUT_MS));

  g_source_remove (tick);
  weak = window;
  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (iterate_until (pointer_is_null, &weak, TIMEOUT_MS));
  /* loads cancelled by the unbinds have finished */
  g_assert_true (iterate_until (no_thumbnail_loading, NULL, TIMEOUT_MS));
  g_clear_object (&store);
  g_assert_cmpint (remove_tree (dir), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *tmp_dir = NULL;
  g_autofree char *cache = NULL;
  g_autofree char *config = NULL;
  int status;

  tmp_dir = g_dir_make_tmp ("bd-test-photos-home-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);
  cache = g_build_filename (tmp_dir, "cache", NULL);
  config = g_build_filename (tmp_dir, "config", NULL);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/bosai-desk-test", TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/bd/photos/drop", test_drop);
  ADD ("/bd/photos/exif-offer", test_exif_offer);
  g_test_add_func ("/bd/photos/row-thumbnails", test_row_thumbnails);

#undef ADD

  status = g_test_run ();

  remove_tree (tmp_dir);

  return status;
}
