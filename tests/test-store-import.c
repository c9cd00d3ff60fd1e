/* test-store-import.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* bosai-desk --database X --import FILE, the real binary: it says what was
 * imported (issue 9, defects 5 and 6), and skips an id given twice in the
 * file (issue 12, part 5). */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "bd-store.h"

typedef struct
{
  char *dir;
  char *database;
  char *file;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("bd-test-import-XXXXXX", &error);
  g_assert_no_error (error);
  f->database = g_build_filename (f->dir, "reports.db", NULL);
  f->file = g_build_filename (f->dir, "reports.geojson", NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GDir) d = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);

      g_assert_cmpint (g_remove (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (f->dir), ==, 0);
  g_free (f->file);
  g_free (f->database);
  g_free (f->dir);
}

static char *
feature (const char *id,
         const char *title,
         double      lat)
{
  return g_strdup_printf ("{\"type\": \"Feature\", \"id\": \"%s\","
                          " \"geometry\": {\"type\": \"Point\", \"coordinates\": [135.504, %.4f]},"
                          " \"properties\": {\"ward\": \"271276\", \"category\": \"road\","
                          " \"severity\": 3, \"status\": \"new\", \"title\": \"%s\","
                          " \"reporter\": \"北区役所\","
                          " \"observed_at\": \"2026-12-06T09:00:00+09:00\","
                          " \"created_at\": \"2026-12-06T09:05:00+09:00\","
                          " \"updated_at\": \"2026-12-06T09:05:00+09:00\"}}",
                          id, lat, title);
}

static void
write_file (Fixture    *f,
            const char *id_1,
            const char *id_2,
            const char *id_3)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = feature (id_1, "北区 梅田付近 道路冠水", 34.704);
  g_autofree char *b = feature (id_2, "北区 中津付近 倒木", 34.710);
  g_autofree char *c = feature (id_3, "北区 天満付近 断水", 34.700);
  g_autofree char *text = g_strdup_printf ("{\"type\": \"FeatureCollection\", \"features\": "
                                           "[%s, %s, %s]}", a, b, c);

  g_file_set_contents (f->file, text, -1, &error);
  g_assert_no_error (error);
}

static void
run_import (Fixture   *f,
            char     **out,
            char     **err,
            gboolean   expect_success)
{
  g_autoptr(GError) error = NULL;
  const char *desk = g_getenv ("BOSAI_DESK");
  const char *argv[] = { desk, "--database", f->database, "--import", f->file, NULL };
  int status = 0;

  g_assert_nonnull (desk);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               out, err, &status, &error));
  g_assert_no_error (error);
  g_test_message ("out: %s\nerr: %s", *out, *err);
  if (expect_success)
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  else
    g_assert_false (g_spawn_check_wait_status (status, NULL));
}

static void
counts (Fixture *f,
        gint64  *reports,
        gint64  *outbox)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdStore) store = bd_store_open (f->database, &error);

  g_assert_no_error (error);
  *reports = bd_store_count (store);
  *outbox = bd_store_count_outbox (store);
}

#define ID_A "2f1c0c3e-8d43-4b0a-9a55-0d5f1a0c0001"
#define ID_B "2f1c0c3e-8d43-4b0a-9a55-0d5f1a0c0002"
#define ID_C "2f1c0c3e-8d43-4b0a-9a55-0d5f1a0c0003"

/* The same id twice: "Imported 3 reports" with two rows and three outbox
 * entries before; now the second is skipped, naming both features. */
static void
test_duplicate (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  gint64 n_reports, n_outbox;

  write_file (f, ID_A, ID_B, ID_A);
  run_import (f, &out, &err, TRUE);
  g_assert_nonnull (strstr (out, "2 imported, 1 skipped"));
  g_assert_nonnull (strstr (err, "feature 3: a duplicate of feature 1"));
  g_assert_nonnull (strstr (err, ID_A));
  counts (f, &n_reports, &n_outbox);
  g_assert_cmpint (n_reports, ==, 2);
  g_assert_cmpint (n_outbox, ==, 2);
}

/* What was imported, and what a second run skips. */
static void
test_report (Fixture       *f,
             gconstpointer  data)
{
  gint64 n_reports, n_outbox;

  write_file (f, ID_A, ID_B, ID_C);
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    run_import (f, &out, &err, TRUE);
    g_assert_nonnull (strstr (out, "3 imported, 0 skipped"));
  }
  counts (f, &n_reports, &n_outbox);
  g_assert_cmpint (n_reports, ==, 3);
  g_assert_cmpint (n_outbox, ==, 3);
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    run_import (f, &out, &err, TRUE);
    g_assert_nonnull (strstr (out, "0 imported, 0 skipped, 3 already stored as they are"));
  }
  counts (f, &n_reports, &n_outbox);
  g_assert_cmpint (n_outbox, ==, 3);
}

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/bd/store-import/duplicate", test_duplicate);
  ADD ("/bd/store-import/report", test_report);

  return g_test_run ();
}
