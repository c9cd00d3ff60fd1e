/* test-demo.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "bd-catalog.h"
#include "bd-demo.h"

static void
test_deterministic (void)
{
  g_autoptr(GPtrArray) a = bd_demo_generate (500, 1234);
  g_autoptr(GPtrArray) b = bd_demo_generate (500, 1234);
  g_autoptr(GPtrArray) c = bd_demo_generate (500, 1235);
  g_autoptr(GPtrArray) prefix = bd_demo_generate (100, 1234);
  guint i, same_id = 0, same_title = 0;

  g_assert_cmpuint (a->len, ==, 500);
  for (i = 0; i < a->len; i++)
    {
      g_autofree char *ja = bd_report_to_geojson (g_ptr_array_index (a, i));
      g_autofree char *jb = bd_report_to_geojson (g_ptr_array_index (b, i));

      g_assert_true (bd_report_equal (g_ptr_array_index (a, i), g_ptr_array_index (b, i)));
      g_assert_cmpstr (ja, ==, jb);
      if (i < prefix->len)
        g_assert_true (bd_report_equal (g_ptr_array_index (a, i), g_ptr_array_index (prefix, i)));

      same_id += g_str_equal (bd_report_get_id (g_ptr_array_index (a, i)),
                              bd_report_get_id (g_ptr_array_index (c, i)));
      same_title += g_str_equal (bd_report_get_title (g_ptr_array_index (a, i)),
                                 bd_report_get_title (g_ptr_array_index (c, i)));
    }

  /* another seed, other reports */
  g_assert_cmpuint (same_id, ==, 0);
  g_assert_cmpuint (same_title, <, 50);
}

static void
test_ids (void)
{
  g_autoptr(GPtrArray) reports = bd_demo_generate (2000, BD_DEMO_DEFAULT_SEED);
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GRegex) uuid4 = NULL;
  guint i;

  uuid4 = g_regex_new ("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
                       0, 0, NULL);
  for (i = 0; i < reports->len; i++)
    {
      const char *id = bd_report_get_id (g_ptr_array_index (reports, i));

      g_assert_true (g_regex_match (uuid4, id, 0, NULL));
      g_assert_true (g_hash_table_add (ids, (gpointer) id));
    }
}

static void
test_valid (void)
{
  g_autoptr(GPtrArray) reports = bd_demo_generate (10000, BD_DEMO_DEFAULT_SEED);
  guint i;

  for (i = 0; i < reports->len; i++)
    {
      g_autoptr(GError) error = NULL;
      BdReport *report = g_ptr_array_index (reports, i);

      if (!bd_report_validate (report, &error))
        {
          g_autofree char *json = bd_report_to_geojson (report);

          g_error ("report %u does not validate: %s\n%s", i, error->message, json);
        }
    }
}

static void
test_realistic (void)
{
  g_autoptr(GPtrArray) reports = bd_demo_generate (5000, BD_DEMO_DEFAULT_SEED);
  g_autoptr(GHashTable) wards = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) categories = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GDateTime) start = g_date_time_new_from_iso8601 ("2026-09-01T06:00:00+09:00", NULL);
  g_autoptr(GDateTime) end = g_date_time_add_hours (start, 48);
  g_autoptr(GDateTime) first_day = g_date_time_add_hours (start, 24);
  guint severity[5] = { 0 };
  guint n_road = 0, n_human = 0, n_early = 0, n_new_confirmed_progress = 0;
  guint n_wards = 0;
  guint i;

  bd_catalog_get_wards (&n_wards);
  g_assert_cmpuint (n_wards, ==, 24);

  for (i = 0; i < reports->len; i++)
    {
      BdReport *r = g_ptr_array_index (reports, i);
      const BdWard *ward = bd_catalog_lookup_ward (bd_report_get_ward (r));
      const char *category = bd_report_get_category (r);
      const char *status = bd_report_get_status (r);
      GDateTime *observed = bd_report_get_observed_at (r);

      g_assert_nonnull (ward);
      g_hash_table_add (wards, (gpointer) bd_report_get_ward (r));
      g_hash_table_add (categories, (gpointer) category);
      severity[bd_report_get_severity (r)]++;
      n_road += g_str_equal (category, "road");
      n_human += g_str_equal (category, "human");
      n_new_confirmed_progress += g_str_equal (status, "new") ||
                                  g_str_equal (status, "confirmed") ||
                                  g_str_equal (status, "in_progress");

      /* within about 1 km of the ward's centre, mostly */
      g_assert_cmpfloat (fabs (bd_report_get_latitude (r) - ward->latitude), <, 0.05);
      g_assert_cmpfloat (fabs (bd_report_get_longitude (r) - ward->longitude), <, 0.05);
      g_assert_true (bd_catalog_point_in_city (bd_report_get_latitude (r),
                                               bd_report_get_longitude (r)));

      /* over the 48 hours, more early on */
      g_assert_cmpint (g_date_time_compare (observed, start), >=, 0);
      g_assert_cmpint (g_date_time_compare (observed, end), <, 0);
      n_early += g_date_time_compare (observed, first_day) < 0;
      g_assert_cmpint (g_date_time_compare (bd_report_get_created_at (r), observed), >=, 0);
      g_assert_cmpint (g_date_time_compare (bd_report_get_updated_at (r),
                                            bd_report_get_created_at (r)), >=, 0);

      /* Japanese text that says where and what */
      g_assert_true (g_str_has_prefix (bd_report_get_title (r), ward->name_ja));
      g_assert_nonnull (strstr (bd_report_get_reporter (r), ward->name_ja));
      g_assert_cmpuint (strlen (bd_report_get_description (r)), >, 20);

      if (g_str_equal (status, "duplicate"))
        g_assert_nonnull (bd_report_get_duplicate_of (r));
    }

  g_assert_cmpuint (g_hash_table_size (wards), ==, 24);
  g_assert_cmpuint (g_hash_table_size (categories), >=, 18);
  g_assert_cmpuint (n_road, >, n_human * 2);
  g_assert_cmpuint (severity[1], >, severity[3]);
  g_assert_cmpuint (severity[2], >, severity[4]);
  g_assert_cmpuint (severity[4], >, 0);
  g_assert_cmpuint (n_new_confirmed_progress, >, reports->len * 7 / 10);
  g_assert_cmpuint (n_early, >, reports->len * 6 / 10);
}

static void
test_fill_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bd-test-demo-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "reports.db", NULL);
  g_autoptr(BdStore) store = bd_store_open (path, &error);
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GPtrArray) expected = bd_demo_generate (1200, 77);
  g_autoptr(GDir) d = NULL;
  const char *name;
  guint i;

  g_assert_no_error (error);
  g_assert_true (bd_demo_fill_store (store, 1200, 77, &error));
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count (store), ==, 1200);
  outbox = bd_store_list_outbox (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, 0);

  for (i = 0; i < expected->len; i += 97)
    {
      BdReport *e = g_ptr_array_index (expected, i);
      g_autoptr(BdReport) stored = bd_store_get_report (store, bd_report_get_id (e), &error);

      g_assert_no_error (error);
      g_assert_true (bd_report_equal (stored, e));
    }

  /* again: the same ids are replaced, not added */
  g_assert_true (bd_demo_fill_store (store, 1200, 77, &error));
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count (store), ==, 1200);

  g_assert_finalize_object (g_steal_pointer (&store));
  d = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (d)))
    {
      g_autofree char *file = g_build_filename (dir, name, NULL);

      g_assert_cmpint (g_remove (file), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bd/demo/deterministic", test_deterministic);
  g_test_add_func ("/bd/demo/ids", test_ids);
  g_test_add_func ("/bd/demo/valid", test_valid);
  g_test_add_func ("/bd/demo/realistic", test_realistic);
  g_test_add_func ("/bd/demo/fill-store", test_fill_store);

  return g_test_run ();
}
