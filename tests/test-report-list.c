/* test-report-list.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "bd-demo.h"
#include "bd-report-list.h"

#define KITA "271276"

typedef struct
{
  char         *dir;
  char         *path;
  BdStore      *store;
  BdReportList *list;
  GMainLoop    *loop;

  /* a mirror of the list, kept only through items-changed */
  GPtrArray    *mirror;
  guint         n_signals;
  guint         n_loading_changes;
} Fixture;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Fixture    *f)
{
  guint i;

  f->n_signals++;
  g_assert_cmpuint (position + removed, <=, f->mirror->len);
  g_ptr_array_remove_range (f->mirror, position, removed);
  for (i = 0; i < added; i++)
    {
      g_autoptr(BdReport) report = g_list_model_get_item (model, position + i);

      g_assert_nonnull (report);
      g_ptr_array_insert (f->mirror, position + i, g_strdup (bd_report_get_id (report)));
    }
  g_assert_cmpuint (f->mirror->len, ==, g_list_model_get_n_items (model));
}

static void
on_loading_changed (BdReportList *list,
                    GParamSpec   *pspec,
                    Fixture      *f)
{
  f->n_loading_changes++;
  if (!bd_report_list_get_loading (list))
    g_main_loop_quit (f->loop);
}

static gboolean
timeout_cb (gpointer data)
{
  g_error ("timed out waiting for the list");
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until the list has finished loading. */
static void
wait_loaded (Fixture *f)
{
  guint id;

  if (!bd_report_list_get_loading (f->list))
    return;

  id = g_timeout_add_seconds (20, timeout_cb, NULL);
  g_main_loop_run (f->loop);
  g_source_remove (id);
  g_assert_false (bd_report_list_get_loading (f->list));
}

static void
assert_mirror (Fixture *f)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (f->list));
  guint i;

  g_assert_cmpuint (f->mirror->len, ==, n);
  for (i = 0; i < n; i++)
    {
      g_autoptr(BdReport) report = g_list_model_get_item (G_LIST_MODEL (f->list), i);

      g_assert_cmpstr (bd_report_get_id (report), ==, g_ptr_array_index (f->mirror, i));
    }
}

/* The list shows exactly what the store's own query returns. */
static void
assert_matches (Fixture       *f,
                const BdQuery *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rowids = bd_store_query_rowids (f->store, query, &error);
  guint i;

  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->list)), ==, rowids->len);
  for (i = 0; i < rowids->len; i++)
    {
      g_autoptr(BdReport) item = g_list_model_get_item (G_LIST_MODEL (f->list), i);
      g_autoptr(BdReport) expected = NULL;

      expected = bd_store_get_report_by_rowid (f->store, g_array_index (rowids, gint64, i), &error);
      g_assert_no_error (error);
      g_assert_cmpstr (bd_report_get_id (item), ==, bd_report_get_id (expected));
    }
  assert_mirror (f);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("bd-test-list-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "reports.db", NULL);
  f->store = bd_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (bd_demo_fill_store (f->store, 600, 4242, &error));
  g_assert_no_error (error);

  f->loop = g_main_loop_new (NULL, FALSE);
  f->mirror = g_ptr_array_new_with_free_func (g_free);
  f->list = bd_report_list_new (f->store);
  g_signal_connect (f->list, "items-changed", G_CALLBACK (on_items_changed), f);
  g_signal_connect (f->list, "notify::loading", G_CALLBACK (on_loading_changed), f);
  g_assert_true (bd_report_list_get_loading (f->list));
  wait_loaded (f);
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_cmpint (g_remove (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
wait_for_tasks (GObject *object)
{
  guint i;

  for (i = 0; i < 5000 && g_atomic_int_get ((int *) &object->ref_count) > 1; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_assert_finalize_object (g_steal_pointer (&f->list));
  wait_for_tasks (G_OBJECT (f->store));
  g_assert_finalize_object (g_steal_pointer (&f->store));
  g_main_loop_unref (f->loop);
  g_ptr_array_unref (f->mirror);
  remove_dir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static void
test_initial (Fixture       *f,
              gconstpointer  data)
{
  GListModel *model = G_LIST_MODEL (f->list);
  g_autoptr(BdReport) a = NULL;
  g_autoptr(BdReport) b = NULL;
  guint n_items = 0;

  g_assert_true (g_list_model_get_item_type (model) == BD_TYPE_REPORT);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 600);
  g_object_get (f->list, "n-items", &n_items, NULL);
  g_assert_cmpuint (n_items, ==, 600);
  g_assert_true (bd_report_list_get_store (f->list) == f->store);
  assert_matches (f, NULL);

  /* the same object while nothing changes; nothing past the end */
  a = g_list_model_get_item (model, 5);
  b = g_list_model_get_item (model, 5);
  g_assert_true (a == b);
  g_assert_null (g_list_model_get_item (model, 600));
}

static void
test_filters (Fixture       *f,
              gconstpointer  data)
{
  BdQuery query = { 0 };
  guint n_all = g_list_model_get_n_items (G_LIST_MODEL (f->list));
  guint n;
  char *ward = NULL;

  bd_report_list_set_ward (f->list, KITA);
  g_object_get (f->list, "ward", &ward, NULL);
  g_assert_cmpstr (ward, ==, KITA);
  g_free (ward);
  g_assert_true (bd_report_list_get_loading (f->list));
  wait_loaded (f);
  query.ward = KITA;
  assert_matches (f, &query);
  n = g_list_model_get_n_items (G_LIST_MODEL (f->list));
  g_assert_cmpuint (n, >, 0);
  g_assert_cmpuint (n, <, n_all);

  bd_report_list_set_category (f->list, "road");
  wait_loaded (f);
  query.category = "road";
  assert_matches (f, &query);

  bd_report_list_set_category (f->list, NULL);
  bd_report_list_set_ward (f->list, NULL);
  bd_report_list_set_status (f->list, "in_progress");
  wait_loaded (f);
  memset (&query, 0, sizeof query);
  query.status = "in_progress";
  assert_matches (f, &query);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->list)), >, 0);

  g_object_set (f->list, "status", NULL, "text", "冠水", NULL);
  wait_loaded (f);
  memset (&query, 0, sizeof query);
  query.text = "冠水";
  assert_matches (f, &query);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->list)), >, 0);

  bd_report_list_set_text (f->list, "存在しない言葉");
  wait_loaded (f);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->list)), ==, 0);
  assert_mirror (f);

  bd_report_list_set_text (f->list, NULL);
  bd_report_list_set_bbox (f->list, 135.49, 34.69, 135.52, 34.72);
  wait_loaded (f);
  memset (&query, 0, sizeof query);
  query.has_bbox = TRUE;
  query.min_lon = 135.49;
  query.min_lat = 34.69;
  query.max_lon = 135.52;
  query.max_lat = 34.72;
  assert_matches (f, &query);
  n = g_list_model_get_n_items (G_LIST_MODEL (f->list));
  g_assert_cmpuint (n, >, 0);
  g_assert_cmpuint (n, <, n_all);

  bd_report_list_clear_bbox (f->list);
  wait_loaded (f);
  assert_matches (f, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->list)), ==, n_all);
}

static void
test_debounce (Fixture       *f,
               gconstpointer  data)
{
  BdQuery query = { 0 };
  guint before = f->n_signals;

  /* typing: one query at the end */
  bd_report_list_set_text (f->list, "火");
  bd_report_list_set_text (f->list, "火災");
  bd_report_list_set_text (f->list, "火災 ");
  wait_loaded (f);
  g_assert_cmpuint (f->n_signals, ==, before + 1);
  query.text = "火災";
  assert_matches (f, &query);

  /* setting the same value again does nothing */
  f->n_loading_changes = 0;
  bd_report_list_set_text (f->list, "火災 ");
  g_assert_false (bd_report_list_get_loading (f->list));
  g_assert_cmpuint (f->n_loading_changes, ==, 0);

  /* the same result again: no signal, but loading toggles */
  before = f->n_signals;
  bd_report_list_refresh (f->list);
  g_assert_true (bd_report_list_get_loading (f->list));
  wait_loaded (f);
  g_assert_cmpuint (f->n_signals, ==, before);
  g_assert_cmpuint (f->n_loading_changes, ==, 2);
}

static BdReport *
make_report (const char *title)
{
  BdReport *report = bd_report_new ();

  bd_report_set_location (report, 34.704, 135.504);
  bd_report_set_ward (report, KITA);
  bd_report_set_category (report, "road");
  bd_report_set_title (report, title);
  bd_report_set_description (report, "通行止め。");
  bd_report_set_reporter (report, "北区役所 防災担当");

  return report;
}

static void
test_edits (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdReport) report = make_report ("北区 梅田付近 道路冠水");
  g_autoptr(BdReport) first = NULL;
  g_autoptr(BdReport) moved = NULL;
  guint n;

  bd_report_list_set_ward (f->list, KITA);
  wait_loaded (f);
  n = g_list_model_get_n_items (G_LIST_MODEL (f->list));

  /* an edit of a report further down moves it to the top */
  moved = g_list_model_get_item (G_LIST_MODEL (f->list), 10);
  bd_report_set_severity (moved, bd_report_get_severity (moved) == 4 ? 3 : 4);
  g_assert_true (bd_store_save_report (f->store, moved, "tester", &error));
  g_assert_no_error (error);
  g_assert_true (bd_report_list_get_loading (f->list));
  wait_loaded (f);
  first = g_list_model_get_item (G_LIST_MODEL (f->list), 0);
  g_assert_cmpstr (bd_report_get_id (first), ==, bd_report_get_id (moved));
  g_assert_cmpint (bd_report_get_severity (first), ==, bd_report_get_severity (moved));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->list)), ==, n);
  assert_mirror (f);

  /* a save makes the list grow, newest first (in the same second, the
   * newer row) */
  g_assert_true (bd_store_save_report (f->store, report, "tester", &error));
  g_assert_no_error (error);
  wait_loaded (f);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->list)), ==, n + 1);
  g_clear_object (&first);
  first = g_list_model_get_item (G_LIST_MODEL (f->list), 0);
  g_assert_cmpstr (bd_report_get_id (first), ==, bd_report_get_id (report));
  assert_mirror (f);

  /* an edit that leaves the filter removes it; one elsewhere does not count */
  bd_report_set_ward (moved, "271039");
  g_assert_true (bd_store_save_report (f->store, moved, "tester", &error));
  wait_loaded (f);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->list)), ==, n);
  assert_mirror (f);

  /* a delete makes it shrink, a restore brings it back */
  g_assert_true (bd_store_delete_report (f->store, bd_report_get_id (report), "tester", &error));
  wait_loaded (f);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->list)), ==, n - 1);
  assert_mirror (f);
  g_assert_true (bd_store_restore_report (f->store, bd_report_get_id (report), "tester", &error));
  wait_loaded (f);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->list)), ==, n);
  assert_mirror (f);

  /* a batch reloads */
  g_assert_true (bd_demo_fill_store (f->store, 700, 4242, &error));
  g_assert_no_error (error);
  wait_loaded (f);
  {
    BdQuery query = { .ward = KITA };

    assert_matches (f, &query);
  }
}

static void
test_dispose_in_flight (Fixture       *f,
                        gconstpointer  data)
{
  BdReportList *list = bd_report_list_new (f->store);
  guint i;

  /* a query and a debounced one pending when the list goes away */
  bd_report_list_set_text (list, "停電");
  bd_report_list_refresh (list);
  bd_report_list_set_ward (list, KITA);
  g_assert_finalize_object (list);

  for (i = 0; i < 50; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}

/* Each order: newest (or most severe) first, the same as the store's
 * query, also inside a box on the map and with a filter. */
static void
assert_sorted (Fixture     *f,
               BdQuerySort  sort)
{
  GListModel *model = G_LIST_MODEL (f->list);
  guint n = g_list_model_get_n_items (model);
  g_autoptr(BdReport) previous = NULL;

  g_assert_cmpuint (n, >, 1);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BdReport) report = g_list_model_get_item (model, i);

      if (previous != NULL)
        {
          GDateTime *before = bd_report_get_observed_at (previous);
          GDateTime *after = bd_report_get_observed_at (report);

          switch (sort)
            {
            case BD_QUERY_SORT_SEVERITY:
              g_assert_cmpint (bd_report_get_severity (previous), >=, bd_report_get_severity (report));
              if (bd_report_get_severity (previous) != bd_report_get_severity (report))
                break;
              G_GNUC_FALLTHROUGH;
            case BD_QUERY_SORT_OBSERVED:
              if (before != NULL && after != NULL)
                g_assert_cmpint (g_date_time_compare (before, after), >=, 0);
              break;
            case BD_QUERY_SORT_UPDATED:
            default:
              break;
            }
        }
      g_set_object (&previous, report);
    }
}

static void
test_sort (Fixture       *f,
           gconstpointer  data)
{
  static const BdQuerySort sorts[] = {
    BD_QUERY_SORT_OBSERVED, BD_QUERY_SORT_SEVERITY, BD_QUERY_SORT_UPDATED,
  };
  guint sort = 0;

  g_assert_cmpint (bd_report_list_get_sort (f->list), ==, BD_QUERY_SORT_UPDATED);

  for (guint i = 0; i < G_N_ELEMENTS (sorts); i++)
    {
      BdQuery query = { 0 };

      bd_report_list_set_sort (f->list, sorts[i]);
      g_object_get (f->list, "sort", &sort, NULL);
      g_assert_cmpuint (sort, ==, sorts[i]);
      wait_loaded (f);
      query.sort = sorts[i];
      assert_matches (f, &query);
      assert_sorted (f, sorts[i]);

      /* with a filter, and inside a box (the R*Tree's query) */
      bd_report_list_set_category (f->list, "road");
      bd_report_list_set_bbox (f->list, 135.40, 34.60, 135.60, 34.75);
      wait_loaded (f);
      query.category = "road";
      query.has_bbox = TRUE;
      query.min_lon = 135.40;
      query.min_lat = 34.60;
      query.max_lon = 135.60;
      query.max_lat = 34.75;
      assert_matches (f, &query);
      assert_sorted (f, sorts[i]);

      bd_report_list_set_category (f->list, NULL);
      wait_loaded (f);
      query.category = NULL;
      assert_matches (f, &query);
      assert_sorted (f, sorts[i]);

      bd_report_list_clear_bbox (f->list);
      wait_loaded (f);
    }
}

/* What the window finds a saved report with. */
static void
test_find_rowid (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rowids = bd_store_query_rowids (f->store, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (rowids->len, >, 10);
  g_assert_cmpuint (bd_report_list_find_rowid (f->list, g_array_index (rowids, gint64, 0)), ==, 0);
  g_assert_cmpuint (bd_report_list_find_rowid (f->list, g_array_index (rowids, gint64, 10)), ==, 10);
  g_assert_cmpuint (bd_report_list_find_rowid (f->list, -1), ==, G_MAXUINT);
}

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/bd/report-list/initial", test_initial);
  ADD ("/bd/report-list/filters", test_filters);
  ADD ("/bd/report-list/debounce", test_debounce);
  ADD ("/bd/report-list/edits", test_edits);
  ADD ("/bd/report-list/dispose-in-flight", test_dispose_in_flight);
  ADD ("/bd/report-list/sort", test_sort);
  ADD ("/bd/report-list/find-rowid", test_find_rowid);

  return g_test_run ();
}
