/* test-tally-view.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The tally window under Xvfb: the numbers it shows are the core's, as of
 * a chosen time and for an issued edition; Issue Edition, Export CSV and
 * Print to a PDF; every control named; the main menu's action opens it.
 * With BD_TEST_SCREENSHOT_DIR set, saves tally-WIDTH.png at 1280 and 768 px
 * (run it with LANGUAGE=ja LC_ALL=ja_JP.UTF-8 and BD_TEST_LOCALEDIR to see
 * it in Japanese). */

#include "config.h"

#include <locale.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "bd-catalog.h"
#include "bd-store.h"
#include "bd-tally.h"
#include "bd-tally-view.h"
#include "bd-tally-view-private.h"
#include "bd-time.h"
#include "ui-util.h"

#define KITA "271276"
#define CHUO "271284"

typedef struct
{
  char      *dir;
  BdStore   *store;
  GtkWidget *view;
} Fixture;

static GDateTime *
at (const char *hhmm)
{
  g_autofree char *text = g_strdup_printf ("2026-12-06T%s:00+09:00", hhmm);

  return bd_parse_timestamp (text);
}

static void
put (BdStore    *store,
     const char *id,
     const char *ward,
     const char *category,
     const char *key,
     double      value,
     const char *status,
     const char *updated)
{
  g_autoptr(BdReport) report = bd_report_new ();
  g_autoptr(GPtrArray) reports = g_ptr_array_new ();
  g_autoptr(GDateTime) when = at (updated);
  g_autoptr(GDateTime) created = at ("06:00");
  g_autoptr(GError) error = NULL;
  const BdWard *w = bd_catalog_lookup_ward (ward);

  bd_report_set_id (report, id);
  bd_report_set_location (report, w->latitude, w->longitude);
  bd_report_set_ward (report, ward);
  bd_report_set_category (report, category);
  bd_report_set_status (report, status);
  bd_report_set_title (report, "被害");
  bd_report_set_observed_at (report, when);
  bd_report_set_created_at (report, created);
  bd_report_set_updated_at (report, when);
  bd_report_set_count (report, key, value);
  if (g_str_equal (status, "duplicate"))
    bd_report_set_duplicate_of (report, "bbbbbbbb-0000-4000-8000-000000000002");
  g_ptr_array_add (reports, report);
  bd_store_insert_batch (store, reports, FALSE, NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("bd-test-tally-view-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "reports.db", NULL);
  f->store = bd_store_open (path, &error);
  g_assert_no_error (error);

  put (f->store, "bbbbbbbb-0000-4000-8000-000000000001", KITA, "human", "dead", 2, "confirmed", "09:00");
  put (f->store, "bbbbbbbb-0000-4000-8000-000000000002", CHUO, "road", "sites", 4, "new", "09:30");
  put (f->store, "bbbbbbbb-0000-4000-8000-000000000003", CHUO, "road", "sites", 9, "duplicate", "09:40");
  /* after 10:00 */
  put (f->store, "bbbbbbbb-0000-4000-8000-000000000001", KITA, "human", "dead", 3, "confirmed", "11:00");
  put (f->store, "bbbbbbbb-0000-4000-8000-000000000004", KITA, "farmland", "paddy_submerged_ha",
       1.5, "confirmed", "11:30");

  f->view = bd_tally_view_new (f->store, "本部");
  g_object_ref_sink (f->view);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->view));
  g_assert_finalize_object (f->view);
  g_assert_finalize_object (f->store);
  remove_tree (f->dir);
  g_free (f->dir);
}

static gboolean
waited (gpointer data)
{
  return g_get_monotonic_time () > *(gint64 *) data;
}

static void
wait_ms (guint ms)
{
  gint64 deadline = g_get_monotonic_time () + ms * 1000;

  iterate_until (waited, &deadline, ms + 1000);
}

/* Every cell shown is the core's number for the same time. */
static void
assert_cells_match (BdTallyView *view,
                    BdTally     *tally)
{
  guint n_items = 0;
  const BdTallyItem *items = bd_tally_get_items (&n_items);

  for (guint c = 0; c < bd_tally_get_n_columns (tally); c++)
    for (guint i = 0; i < n_items; i++)
      {
        g_autofree char *expected = bd_tally_format_value (bd_tally_get_value (tally, c, i),
                                                           items[i].is_decimal);

        g_assert_cmpstr (_bd_tally_view_get_cell_text (view, c, i), ==, expected);
      }
}

static int
item_index (const char *code)
{
  guint n_items = 0;
  const BdTallyItem *items = bd_tally_get_items (&n_items);

  for (guint i = 0; i < n_items; i++)
    if (g_str_equal (items[i].code, code))
      return i;
  g_assert_not_reached ();
}

static void
test_numbers (Fixture       *f,
              gconstpointer  data)
{
  BdTallyView *view = BD_TALLY_VIEW (f->view);
  g_autoptr(GDateTime) t1 = at ("10:00");
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(BdTally) core_t1 = NULL;
  g_autoptr(BdTally) core_now = NULL;
  g_autoptr(GError) error = NULL;
  int dead = item_index ("human.dead");
  int road = item_index ("road.sites");
  int paddy = item_index ("farmland.paddy_submerged_ha");

  gtk_window_present (GTK_WINDOW (f->view));
  iterate_until (widget_is_mapped, f->view, 5000);

  /* now, by default */
  core_now = bd_tally_compute (f->store, now, &error);
  g_assert_no_error (error);
  assert_cells_match (view, core_now);
  g_assert_cmpstr (_bd_tally_view_get_cell_text (view, 0, dead), ==, "3");        /* 北区 */
  g_assert_cmpstr (_bd_tally_view_get_cell_text (view, 4, road), ==, "4");        /* 中央区 */
  g_assert_cmpstr (_bd_tally_view_get_cell_text (view, 24, paddy), ==, "1.5");    /* the city */

  /* a "now" tally follows the store */
  {
    g_autoptr(BdReport) report = bd_report_new ();
    const BdWard *kita = bd_catalog_lookup_ward (KITA);

    bd_report_set_location (report, kita->latitude, kita->longitude);
    bd_report_set_ward (report, KITA);
    bd_report_set_category (report, "human");
    bd_report_set_title (report, "負傷者");
    bd_report_set_count (report, "dead", 4);
    g_assert_true (bd_store_save_report (f->store, report, "北区", &error));
    g_assert_no_error (error);
    wait_ms (1500);
    g_assert_cmpstr (_bd_tally_view_get_cell_text (view, 0, dead), ==, "7");
  }

  /* as of 10:00 */
  _bd_tally_view_set_as_of (view, t1);
  core_t1 = bd_tally_compute (f->store, t1, &error);
  g_assert_no_error (error);
  assert_cells_match (view, core_t1);
  g_assert_cmpstr (_bd_tally_view_get_cell_text (view, 0, dead), ==, "2");
  g_assert_cmpstr (_bd_tally_view_get_cell_text (view, 24, paddy), ==, "0");
}

/* Whether @data (binary, with NULs) holds @text. */
static gboolean
contains (const char *data,
          gsize       length,
          const char *text)
{
  gsize n = strlen (text);

  for (gsize i = 0; i + n <= length; i++)
    if (memcmp (data + i, text, n) == 0)
      return TRUE;
  return FALSE;
}

static void
test_editions (Fixture       *f,
               gconstpointer  data)
{
  BdTallyView *view = BD_TALLY_VIEW (f->view);
  g_autoptr(GDateTime) t1 = at ("10:00");
  g_autoptr(GDateTime) t2 = at ("12:00");
  g_autoptr(GError) error = NULL;
  g_autoptr(BdTally) ed1 = NULL;
  g_autofree char *csv_path = g_build_filename (f->dir, "tally.csv", NULL);
  g_autofree char *pdf_path = g_build_filename (f->dir, "tally.pdf", NULL);
  g_autofree char *csv = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *pdf = NULL;
  gsize pdf_length = 0;
  int dead = item_index ("human.dead");

  gtk_window_present (GTK_WINDOW (f->view));
  iterate_until (widget_is_mapped, f->view, 5000);

  _bd_tally_view_set_as_of (view, t1);
  g_assert_true (_bd_tally_view_issue (view, &error));
  g_assert_no_error (error);
  g_assert_cmpint (bd_tally_get_edition (_bd_tally_view_get_tally (view)), ==, 1);
  g_assert_nonnull (strstr (_bd_tally_view_get_heading (view), "1"));

  _bd_tally_view_set_as_of (view, t2);
  g_assert_cmpstr (_bd_tally_view_get_cell_text (view, 0, dead), ==, "3");
  g_assert_true (_bd_tally_view_issue (view, &error));
  g_assert_cmpint (bd_tally_get_edition (_bd_tally_view_get_tally (view)), ==, 2);

  /* edition 1 again, from the list: as it was issued */
  _bd_tally_view_select_edition (view, 1);
  ed1 = bd_tally_load_edition (f->store, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (bd_tally_get_edition (_bd_tally_view_get_tally (view)), ==, 1);
  assert_cells_match (view, ed1);
  g_assert_cmpstr (_bd_tally_view_get_cell_text (view, 0, dead), ==, "2");

  /* Export CSV: what the core writes for that edition */
  g_assert_true (_bd_tally_view_export_to (view, csv_path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  expected = bd_tally_to_csv (ed1);
  g_assert_cmpstr (csv, ==, expected);
  g_assert_false (_bd_tally_view_export_to (view, "/nonexistent-dir/t.csv", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* Print to a PDF file: one A4 landscape page */
  g_assert_true (_bd_tally_view_print_to_pdf (view, pdf_path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (pdf_path, &pdf, &pdf_length, NULL));
  g_assert_cmpuint (pdf_length, >, 1000);
  g_assert_true (g_str_has_prefix (pdf, "%PDF-"));
  g_assert_true (contains (pdf, pdf_length, "/Count 1\n"));
  /* A4 landscape: 842 x 595 points */
  g_assert_true (contains (pdf, pdf_length, "/MediaBox [ 0 0 841.889764 595.275591 ]"));

  if (g_getenv ("BD_TEST_SCREENSHOT_DIR") != NULL)
    {
      g_autofree char *kept = g_build_filename (g_getenv ("BD_TEST_SCREENSHOT_DIR"),
                                                "tally-edition-1.pdf", NULL);

      g_autofree char *png = g_build_filename (g_getenv ("BD_TEST_SCREENSHOT_DIR"),
                                               "tally-edition-1-page.png", NULL);

      g_assert_true (_bd_tally_view_print_to_pdf (view, kept, &error));
      g_assert_true (_bd_tally_view_render_page_png (view, png, 2));
      g_test_message ("Saved %s and %s", kept, png);
    }

  /* back to the current tally */
  _bd_tally_view_select_edition (view, 0);
  g_assert_cmpint (bd_tally_get_edition (_bd_tally_view_get_tally (view)), ==, 0);
}

/* Every control of the window's template has an accessible name: a
 * GtkButton, GtkMenuButton, GtkSpinButton, GtkDropDown or GtkCalendar
 * without <accessibility><property name="label"> fails. (GTK 4.8 has no
 * getter for an accessible's label; test-a11y reads the main window's
 * names through AT-SPI.) */
typedef struct
{
  GPtrArray *classes;        /* the open <object>s' classes */
  GArray    *named;          /* gboolean per open <object> */
  gboolean   in_accessibility;
  guint      n_controls;
  GString   *unnamed;
} NameCheck;

static gboolean
is_control (const char *class_name)
{
  const char *controls[] = { "GtkButton", "GtkMenuButton", "GtkSpinButton", "GtkDropDown",
                             "GtkCalendar" };

  for (guint i = 0; i < G_N_ELEMENTS (controls); i++)
    if (g_strcmp0 (class_name, controls[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
name_start (GMarkupParseContext  *context,
            const char           *element,
            const char          **names,
            const char          **values,
            gpointer              user_data,
            GError              **error)
{
  NameCheck *check = user_data;

  if (g_str_equal (element, "object"))
    {
      gboolean named = FALSE;
      const char *class_name = NULL;

      for (guint i = 0; names[i] != NULL; i++)
        if (g_str_equal (names[i], "class"))
          class_name = values[i];
      g_ptr_array_add (check->classes, (gpointer) g_intern_string (class_name));
      g_array_append_val (check->named, named);
    }
  else if (g_str_equal (element, "accessibility"))
    check->in_accessibility = TRUE;
  else if (check->in_accessibility && g_str_equal (element, "property") && check->named->len > 0)
    for (guint i = 0; names[i] != NULL; i++)
      if (g_str_equal (names[i], "name") && g_str_equal (values[i], "label"))
        g_array_index (check->named, gboolean, check->named->len - 1) = TRUE;
}

static void
name_end (GMarkupParseContext  *context,
          const char           *element,
          gpointer              user_data,
          GError              **error)
{
  NameCheck *check = user_data;

  if (g_str_equal (element, "object"))
    {
      const char *class_name = g_ptr_array_index (check->classes, check->classes->len - 1);

      if (is_control (class_name))
        {
          check->n_controls++;
          if (!g_array_index (check->named, gboolean, check->named->len - 1))
            g_string_append_printf (check->unnamed, "%s ", class_name);
        }
      g_ptr_array_set_size (check->classes, check->classes->len - 1);
      g_array_set_size (check->named, check->named->len - 1);
    }
  else if (g_str_equal (element, "accessibility"))
    check->in_accessibility = FALSE;
}

static void
test_named (void)
{
  GMarkupParser parser = { name_start, name_end, NULL, NULL, NULL };
  g_autoptr(GBytes) ui = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMarkupParseContext) context = NULL;
  NameCheck check = { 0 };
  gsize length;
  const char *text;

  ui = g_resources_lookup_data ("/io/github/bosai_desk/BosaiDesk/ui/bd-tally-view.ui", 0, &error);
  g_assert_no_error (error);
  text = g_bytes_get_data (ui, &length);
  check.classes = g_ptr_array_new ();
  check.named = g_array_new (FALSE, FALSE, sizeof (gboolean));
  check.unnamed = g_string_new (NULL);
  context = g_markup_parse_context_new (&parser, 0, &check, NULL);
  g_assert_true (g_markup_parse_context_parse (context, text, length, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (check.n_controls, ==, 9);
  g_assert_cmpstr (check.unnamed->str, ==, "");
  g_ptr_array_unref (check.classes);
  g_array_unref (check.named);
  g_string_free (check.unnamed, TRUE);
}

static void
screenshot (GtkWidget  *window,
            const char *path)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (window);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderNode *node;
  int width = gtk_widget_get_width (window);
  int height = gtk_widget_get_height (window);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  gsk_render_node_unref (node);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Saved %s (%d × %d)", path, width, height);
}

/* At 1280 and 768 px wide: the window takes that width (nothing forces it
 * wider) and the toolbar fits. */
static void
test_widths (Fixture       *f,
             gconstpointer  data)
{
  const char *dir = g_getenv ("BD_TEST_SCREENSHOT_DIR");
  const int widths[] = { 1280, 768 };

  for (guint w = 0; w < G_N_ELEMENTS (widths); w++)
    {
      int min_width = 0;

      gtk_window_set_default_size (GTK_WINDOW (f->view), widths[w], 720);
      gtk_window_present (GTK_WINDOW (f->view));
      iterate_until (widget_is_mapped, f->view, 5000);
      wait_ms (400);
      gtk_widget_measure (f->view, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
      g_assert_cmpint (min_width, <=, widths[w]);
      /* the default size counts the window's shadow */
      g_assert_cmpint (gtk_widget_get_width (f->view), <=, widths[w]);
      g_assert_cmpint (gtk_widget_get_width (f->view), >=, widths[w] - 24);
      if (dir != NULL)
        {
          g_autofree char *name = g_strdup_printf ("tally-%d.png", widths[w]);
          g_autofree char *path = g_build_filename (dir, name, NULL);

          screenshot (f->view, path);
        }
      gtk_widget_set_visible (f->view, FALSE);
    }
}

/* The main menu has "Damage Tally", for win.show-tally. */
static void
test_action (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) ui = g_resources_lookup_data ("/io/github/bosai_desk/BosaiDesk/ui/bd-window.ui",
                                                  0, &error);

  g_assert_no_error (error);
  g_assert_nonnull (strstr (g_bytes_get_data (ui, NULL), "win.show-tally"));
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("BD_TEST_LOCALEDIR");

  if (localedir != NULL)
    {
      bindtextdomain (GETTEXT_PACKAGE, localedir);
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      textdomain (GETTEXT_PACKAGE);
    }

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  if (localedir != NULL)
    setlocale (LC_ALL, "");

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/bd/tally-view/numbers", test_numbers);
  ADD ("/bd/tally-view/editions", test_editions);
  g_test_add_func ("/bd/tally-view/named", test_named);
  ADD ("/bd/tally-view/widths", test_widths);
  g_test_add_func ("/bd/tally-view/action", test_action);

  return g_test_run ();
}
