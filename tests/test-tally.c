/* test-tally.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The store's versions of reports (report_versions, migration 8), the
 * points as of a time, and the damage tally (bd-tally.c) against a case
 * computed by hand: several wards, two editions, a report changed after the
 * first edition's time, one deleted after it, a duplicate, a false report,
 * one observed later, a city-wide one and one that arrives late. */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "bd-catalog.h"
#include "bd-store.h"
#include "bd-store-private.h"
#include "bd-tally.h"
#include "bd-tally-private.h"
#include "bd-time.h"

#define KITA      "271276"
#define CHUO      "271284"
#define NISHINARI "271225"
#define CITY      "271004"

typedef struct
{
  char    *dir;
  char    *path;
  BdStore *store;
} Fixture;

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_cmpint (g_remove (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("bd-test-tally-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "reports.db", NULL);
  f->store = bd_store_open (f->path, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  for (guint i = 0; i < 5000 && f->store != NULL &&
       g_atomic_int_get ((int *) &G_OBJECT (f->store)->ref_count) > 1; i++)
    g_usleep (1000);
  if (f->store != NULL)
    g_assert_finalize_object (f->store);
  remove_dir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static GDateTime *
at (const char *hhmm)
{
  g_autofree char *text = g_strdup_printf ("2026-12-06T%s:00+09:00", hhmm);
  GDateTime *when = bd_parse_timestamp (text);

  g_assert_nonnull (when);
  return when;
}

static BdReport *
make (const char *id,
      const char *ward,
      const char *category,
      const char *status,
      const char *observed,
      const char *updated)
{
  BdReport *report = bd_report_new ();
  const BdWard *w = bd_catalog_lookup_ward (ward);
  g_autoptr(GDateTime) obs = at (observed);
  g_autoptr(GDateTime) upd = at (updated);
  g_autoptr(GDateTime) created = at ("06:00");

  g_assert_nonnull (w);
  bd_report_set_id (report, id);
  bd_report_set_location (report, w->latitude, w->longitude);
  bd_report_set_ward (report, ward);
  bd_report_set_category (report, category);
  bd_report_set_status (report, status);
  bd_report_set_title (report, "被害");
  bd_report_set_observed_at (report, obs);
  bd_report_set_created_at (report, created);
  bd_report_set_updated_at (report, upd);

  return report;
}

/* Writes @report as it is (its own updated_at), as a pulled page does. */
static void
put (BdStore  *store,
     BdReport *report)
{
  g_autoptr(GPtrArray) reports = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (reports, report);
  bd_store_insert_batch (store, reports, FALSE, NULL, &error);
  g_assert_no_error (error);
}

static void
set_updated (BdReport   *report,
             const char *hhmm)
{
  g_autoptr(GDateTime) when = at (hhmm);

  bd_report_set_updated_at (report, when);
}

static gint64
query_int (sqlite3    *db,
           const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

#define ID_A "aaaaaaaa-0000-4000-8000-000000000001"
#define ID_B "aaaaaaaa-0000-4000-8000-000000000002"
#define ID_C "aaaaaaaa-0000-4000-8000-000000000003"
#define ID_D "aaaaaaaa-0000-4000-8000-000000000004"
#define ID_E "aaaaaaaa-0000-4000-8000-000000000005"
#define ID_F "aaaaaaaa-0000-4000-8000-000000000006"
#define ID_G "aaaaaaaa-0000-4000-8000-000000000007"
#define ID_H "aaaaaaaa-0000-4000-8000-000000000008"
#define ID_I "aaaaaaaa-0000-4000-8000-000000000009"

/* The case, by hand. T1 = 10:00, T2 = 12:00 (+09:00).
 * A 北区 human: dead 2, slightly injured 3 (09:10); at 11:00 dead 3.
 * B 北区 residential: 全壊 1 棟 2 世帯 5 人, affected 2 households 5 people
 *   (09:30); deleted at 11:30.
 * C 中央区 road: 4 sites, new (08:05).
 * D 中央区 road: 10 sites, duplicate of C (09:00): never counts.
 * E 西成区 fire: 1 building fire, false report (09:00): never counts.
 * F 西成区 farmland: paddy submerged 1.25 ha, observed 10:30 (10:35).
 * G the city itself: water, 100 homes (09:00): the city column only.
 * H 北区 human: seriously injured 1, duplicate of A at 09:40, confirmed at
 *   11:00.
 * I 中央区 road: 7 sites, updated 09:45, arrives after edition 1 was issued. */
static void
fill_case (BdStore *store)
{
  g_autoptr(BdReport) a = make (ID_A, KITA, "human", "confirmed", "09:00", "09:10");
  g_autoptr(BdReport) b = make (ID_B, KITA, "residential", "confirmed", "09:30", "09:30");
  g_autoptr(BdReport) c = make (ID_C, CHUO, "road", "new", "08:00", "08:05");
  g_autoptr(BdReport) d = make (ID_D, CHUO, "road", "duplicate", "08:00", "09:00");
  g_autoptr(BdReport) e = make (ID_E, NISHINARI, "fire", "false_report", "08:30", "09:00");
  g_autoptr(BdReport) fr = make (ID_F, NISHINARI, "farmland", "confirmed", "10:30", "10:35");
  g_autoptr(BdReport) g = make (ID_G, CITY, "water", "confirmed", "09:00", "09:00");
  g_autoptr(BdReport) h = make (ID_H, KITA, "human", "duplicate", "09:20", "09:40");

  bd_report_set_count (a, "dead", 2);
  bd_report_set_count (a, "slightly_injured", 3);
  bd_report_set_count (b, "complete_collapse_houses", 1);
  bd_report_set_count (b, "complete_collapse_households", 2);
  bd_report_set_count (b, "complete_collapse_people", 5);
  bd_report_set_affected_households (b, 2);
  bd_report_set_affected_people (b, 5);
  bd_report_set_count (c, "sites", 4);
  bd_report_set_count (d, "sites", 10);
  bd_report_set_duplicate_of (d, ID_C);
  bd_report_set_count (e, "building_fires", 1);
  bd_report_set_count (fr, "paddy_submerged_ha", 1.25);
  bd_report_set_count (g, "households", 100);
  bd_report_set_count (h, "seriously_injured", 1);
  bd_report_set_duplicate_of (h, ID_A);

  put (store, a);
  put (store, b);
  put (store, c);
  put (store, d);
  put (store, e);
  put (store, fr);
  put (store, g);
  put (store, h);

  /* after T1 */
  bd_report_set_count (a, "dead", 3);
  set_updated (a, "11:00");
  put (store, a);
  bd_report_set_status (h, "confirmed");
  bd_report_set_duplicate_of (h, NULL);
  set_updated (h, "11:00");
  put (store, h);
  bd_report_set_deleted (b, TRUE);
  set_updated (b, "11:30");
  put (store, b);
}

static void
add_late_report (BdStore *store)
{
  g_autoptr(BdReport) i = make (ID_I, CHUO, "road", "confirmed", "09:45", "09:45");

  bd_report_set_count (i, "sites", 7);
  put (store, i);
}

static void
check_t1 (BdTally *tally,
          double   chuo_road)
{
  guint n_items = 0;
  const BdTallyItem *items = bd_tally_get_items (&n_items);
  double total = 0;

  g_assert_cmpfloat (bd_tally_lookup (tally, KITA, "human.dead"), ==, 2);
  g_assert_cmpfloat (bd_tally_lookup (tally, KITA, "human.slightly_injured"), ==, 3);
  g_assert_cmpfloat (bd_tally_lookup (tally, KITA, "human.seriously_injured"), ==, 0);
  g_assert_cmpfloat (bd_tally_lookup (tally, KITA, "residential.complete_collapse_houses"), ==, 1);
  g_assert_cmpfloat (bd_tally_lookup (tally, KITA, "residential.complete_collapse_households"), ==, 2);
  g_assert_cmpfloat (bd_tally_lookup (tally, KITA, "residential.complete_collapse_people"), ==, 5);
  g_assert_cmpfloat (bd_tally_lookup (tally, KITA, "affected.households"), ==, 2);
  g_assert_cmpfloat (bd_tally_lookup (tally, KITA, "affected.people"), ==, 5);
  g_assert_cmpfloat (bd_tally_lookup (tally, CHUO, "road.sites"), ==, chuo_road);
  g_assert_cmpfloat (bd_tally_lookup (tally, NISHINARI, "fire.building_fires"), ==, 0);
  g_assert_cmpfloat (bd_tally_lookup (tally, NISHINARI, "farmland.paddy_submerged_ha"), ==, 0);
  g_assert_cmpfloat (bd_tally_lookup (tally, CITY, "human.dead"), ==, 2);
  g_assert_cmpfloat (bd_tally_lookup (tally, CITY, "road.sites"), ==, chuo_road);
  g_assert_cmpfloat (bd_tally_lookup (tally, CITY, "water.households"), ==, 100);

  /* nothing else anywhere: the city column sums to the values above */
  for (guint i = 0; i < n_items; i++)
    total += bd_tally_get_value (tally, bd_tally_get_n_columns (tally) - 1, i);
  g_assert_cmpfloat (total, ==, 2 + 3 + 1 + 2 + 5 + 2 + 5 + chuo_road + 100);
  g_assert_nonnull (items);
}

static void
check_t2 (BdTally *tally,
          double   chuo_road)
{
  guint n_items = 0;
  double total = 0;

  bd_tally_get_items (&n_items);
  g_assert_cmpfloat (bd_tally_lookup (tally, KITA, "human.dead"), ==, 3);
  g_assert_cmpfloat (bd_tally_lookup (tally, KITA, "human.slightly_injured"), ==, 3);
  g_assert_cmpfloat (bd_tally_lookup (tally, KITA, "human.seriously_injured"), ==, 1);
  g_assert_cmpfloat (bd_tally_lookup (tally, KITA, "residential.complete_collapse_houses"), ==, 0);
  g_assert_cmpfloat (bd_tally_lookup (tally, KITA, "affected.people"), ==, 0);
  g_assert_cmpfloat (bd_tally_lookup (tally, CHUO, "road.sites"), ==, chuo_road);
  g_assert_cmpfloat (bd_tally_lookup (tally, NISHINARI, "farmland.paddy_submerged_ha"), ==, 1.25);
  g_assert_cmpfloat (bd_tally_lookup (tally, CITY, "farmland.paddy_submerged_ha"), ==, 1.25);
  g_assert_cmpfloat (bd_tally_lookup (tally, CITY, "human.seriously_injured"), ==, 1);
  for (guint i = 0; i < n_items; i++)
    total += bd_tally_get_value (tally, bd_tally_get_n_columns (tally) - 1, i);
  g_assert_cmpfloat (total, ==, 3 + 3 + 1 + chuo_road + 1.25 + 100);
}

static void
test_tally_case (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) t1 = at ("10:00");
  g_autoptr(GDateTime) t2 = at ("12:00");
  g_autoptr(BdTally) now1 = NULL;
  g_autoptr(BdTally) now2 = NULL;
  g_autoptr(BdTally) ed1 = NULL;
  g_autoptr(BdTally) ed2 = NULL;
  g_autoptr(BdTally) again1 = NULL;
  g_autoptr(BdTally) late1 = NULL;
  g_autoptr(GPtrArray) editions = NULL;
  g_autoptr(BdTally) missing = NULL;
  sqlite3 *db = _bd_store_get_connection (f->store);
  BdTallyEdition *edition;

  fill_case (f->store);

  now1 = bd_tally_compute (f->store, t1, &error);
  g_assert_no_error (error);
  check_t1 (now1, 4);
  now2 = bd_tally_compute (f->store, t2, &error);
  g_assert_no_error (error);
  check_t2 (now2, 4);

  /* columns: the wards in the city's order, then the city */
  g_assert_cmpuint (bd_tally_get_n_columns (now1), ==, 25);
  g_assert_cmpstr (bd_tally_get_column_code (now1, 0), ==, KITA);
  g_assert_cmpstr (bd_tally_get_column_code (now1, 24), ==, CITY);

  /* two editions */
  ed1 = bd_tally_issue_edition (f->store, t1, "本部", &error);
  g_assert_no_error (error);
  g_assert_cmpint (bd_tally_get_edition (ed1), ==, 1);
  check_t1 (ed1, 4);
  ed2 = bd_tally_issue_edition (f->store, t2, "本部", &error);
  g_assert_no_error (error);
  g_assert_cmpint (bd_tally_get_edition (ed2), ==, 2);
  check_t2 (ed2, 4);

  /* a tablet that was offline sends a report it took at 09:45: the tally
   * as of T1 now counts it, the issued edition 1 keeps what it said */
  add_late_report (f->store);
  late1 = bd_tally_compute (f->store, t1, &error);
  g_assert_no_error (error);
  check_t1 (late1, 11);
  again1 = bd_tally_load_edition (f->store, 1, &error);
  g_assert_no_error (error);
  check_t1 (again1, 4);
  g_assert_cmpint (g_date_time_compare (bd_tally_get_as_of (again1), t1), ==, 0);
  g_assert_nonnull (bd_tally_get_issued_at (again1));

  editions = bd_tally_list_editions (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (editions->len, ==, 2);
  edition = g_ptr_array_index (editions, 1);
  g_assert_cmpint (edition->number, ==, 2);
  g_assert_cmpstr (edition->as_of, ==, "2026-12-06T12:00:00+09:00");
  g_assert_cmpstr (edition->issued_by, ==, "本部");

  /* issued editions cannot be changed, even with SQL */
  g_assert_cmpint (sqlite3_exec (db, "UPDATE tally_edition_values SET value = 99",
                                 NULL, NULL, NULL) & 0xff, ==, SQLITE_CONSTRAINT);
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM tally_editions WHERE number = 1",
                                 NULL, NULL, NULL) & 0xff, ==, SQLITE_CONSTRAINT);
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO tally_edition_values VALUES"
                                 " (1, '271276', 'human.missing', 5)",
                                 NULL, NULL, NULL) & 0xff, ==, SQLITE_CONSTRAINT);

  missing = bd_tally_load_edition (f->store, 3, &error);
  g_assert_error (error, BD_STORE_ERROR, BD_STORE_ERROR_NOT_FOUND);
  g_assert_null (missing);
}

/* Every row write adds a version; the versions of a report chain. */
static void
test_versions (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdReport) report = make (ID_A, KITA, "road", "new", "09:00", "09:00");
  sqlite3 *db = _bd_store_get_connection (f->store);

  bd_report_set_count (report, "sites", 2);
  g_assert_true (bd_store_save_report (f->store, report, "北区", &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM report_versions"), ==, 1);
  g_assert_cmpint (query_int (db, "SELECT sites FROM report_versions WHERE valid_to IS NULL"),
                   ==, 2);

  bd_report_set_status (report, "confirmed");
  g_assert_true (bd_store_save_report (f->store, report, "北区", &error));
  g_assert_true (bd_store_delete_report (f->store, ID_A, "北区", &error));
  g_assert_true (bd_store_restore_report (f->store, ID_A, "北区", &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM report_versions"), ==, 4);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM report_versions WHERE valid_to IS NULL"),
                   ==, 1);
  g_assert_cmpint (query_int (db, "SELECT sum(deleted) FROM report_versions"), ==, 1);
  /* each version ends where the next begins */
  g_assert_cmpint (query_int (db,
                              "SELECT count(*) FROM report_versions v WHERE valid_to IS NOT NULL"
                              " AND valid_to <> (SELECT min(valid_from) FROM report_versions w"
                              "  WHERE w.report_rowid = v.report_rowid AND w.rowid > v.rowid)"),
                   ==, 0);
  g_assert_cmpint (query_int (db, "SELECT status = 'confirmed' AND deleted = 0 FROM report_versions"
                                  " WHERE valid_to IS NULL"), ==, 1);

  /* a copy older than the current version (another clock) starts when the
   * current one did, and becomes the current one */
  set_updated (report, "08:00");
  bd_report_set_count (report, "sites", 9);
  put (f->store, report);
  g_assert_cmpint (query_int (db, "SELECT sites FROM report_versions WHERE valid_to IS NULL"),
                   ==, 9);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM report_versions"
                                  " WHERE valid_to < valid_from"), ==, 0);
}

/* The points as of a time: where, and with which status. */
static void
test_points_as_of (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdStoreReader) reader = NULL;
  g_autoptr(GArray) p0 = NULL;
  g_autoptr(GArray) p1 = NULL;
  g_autoptr(GArray) p2 = NULL;
  g_autoptr(GArray) now = NULL;
  g_autoptr(GArray) live = NULL;
  g_autoptr(GDateTime) t0 = at ("07:00");
  g_autoptr(GDateTime) t1 = at ("10:00");
  g_autoptr(GDateTime) t2 = at ("12:00");
  g_autoptr(GDateTime) later = g_date_time_new_now_utc ();
  const BdStatus *statuses;
  guint n_statuses = 0;
  guint duplicate = 0;
  guint confirmed = 0;
  gboolean found_h = FALSE;

  fill_case (f->store);
  statuses = bd_catalog_get_statuses (&n_statuses);
  for (guint i = 0; i < n_statuses; i++)
    {
      if (g_str_equal (statuses[i].code, "duplicate"))
        duplicate = i;
      if (g_str_equal (statuses[i].code, "confirmed"))
        confirmed = i;
    }

  reader = bd_store_reader_open (f->path, &error);
  g_assert_no_error (error);
  p0 = bd_store_reader_load_points_as_of (reader, t0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (p0->len, ==, 0);
  /* at T1 all eight are there (B not yet deleted) */
  p1 = bd_store_reader_load_points_as_of (reader, t1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (p1->len, ==, 7);      /* F was entered at 10:35 */
  /* at T2 B is gone, F is there */
  p2 = bd_store_reader_load_points_as_of (reader, t2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (p2->len, ==, 7);
  now = bd_store_reader_load_points_as_of (reader, later, &error);
  live = bd_store_reader_load_points (reader, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (now->len, ==, live->len);
  for (guint i = 0; i < now->len; i++)
    {
      g_assert_cmpint (g_array_index (now, BdPoint, i).rowid, ==,
                       g_array_index (live, BdPoint, i).rowid);
      g_assert_cmpint (g_array_index (now, BdPoint, i).status, ==,
                       g_array_index (live, BdPoint, i).status);
    }

  /* H: a duplicate at T1, confirmed at T2 (rowid order: H is the 8th) */
  for (guint i = 0; i < p1->len; i++)
    if (g_array_index (p1, BdPoint, i).rowid == 8)
      {
        found_h = TRUE;
        g_assert_cmpint (g_array_index (p1, BdPoint, i).status, ==, duplicate);
      }
  g_assert_true (found_h);
  g_assert_cmpint (g_array_index (p2, BdPoint, p2->len - 1).rowid, ==, 8);
  g_assert_cmpint (g_array_index (p2, BdPoint, p2->len - 1).status, ==, confirmed);
}

/* An older database gets one version per row, counts from its GeoJSON. */
static void
test_migration (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bd-test-tally-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "old.db", NULL);
  g_autoptr(BdReport) report = make (ID_B, KITA, "residential", "confirmed", "09:30", "09:30");
  g_autoptr(BdReport) flood = make (ID_F, NISHINARI, "farmland", "new", "09:30", "09:40");
  g_autoptr(BdStore) store = NULL;
  g_autoptr(GDateTime) t = at ("10:00");
  g_autoptr(BdTally) tally = NULL;
  sqlite3 *db = NULL;

  g_assert_true (_bd_store_create_at_version (path, 7, &error));
  g_assert_no_error (error);
  bd_report_set_count (report, "half_collapse_people", 4);
  bd_report_set_affected_people (report, 4);
  bd_report_set_count (flood, "field_submerged_ha", 0.5);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  {
    BdReport *rs[] = { report, flood };

    for (guint i = 0; i < G_N_ELEMENTS (rs); i++)
      {
        g_autofree char *feature = bd_report_to_geojson (rs[i]);
        sqlite3_stmt *stmt = NULL;

        g_assert_cmpint (sqlite3_prepare_v2 (db,
                           "INSERT INTO reports (id, ward, category, severity, status, lat, lon,"
                           " observed_at, updated_at, title, feature)"
                           " VALUES (?1, ?2, ?3, 2, ?4, 34.7, 135.5, ?5, ?6, 't', ?7)",
                           -1, &stmt, NULL), ==, SQLITE_OK);
        sqlite3_bind_text (stmt, 1, bd_report_get_id (rs[i]), -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, 2, bd_report_get_ward (rs[i]), -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, 3, bd_report_get_category (rs[i]), -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, 4, bd_report_get_status (rs[i]), -1, SQLITE_STATIC);
        sqlite3_bind_int64 (stmt, 5, g_date_time_to_unix (bd_report_get_observed_at (rs[i])));
        sqlite3_bind_int64 (stmt, 6, g_date_time_to_unix (bd_report_get_updated_at (rs[i])));
        sqlite3_bind_text (stmt, 7, feature, -1, SQLITE_STATIC);
        g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
        sqlite3_finalize (stmt);
      }
  }
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);

  store = bd_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_get_schema_version (store), ==, 8);
  db = _bd_store_get_connection (store);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM report_versions WHERE valid_to IS NULL"),
                   ==, 2);
  g_assert_cmpint (query_int (db, "SELECT half_collapse_people FROM report_versions"
                                  " WHERE category = 'residential'"), ==, 4);

  tally = bd_tally_compute (store, t, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (bd_tally_lookup (tally, KITA, "residential.half_collapse_people"), ==, 4);
  g_assert_cmpfloat (bd_tally_lookup (tally, KITA, "affected.people"), ==, 4);
  g_assert_cmpfloat (bd_tally_lookup (tally, NISHINARI, "farmland.field_submerged_ha"), ==, 0.5);

  g_clear_object (&store);
  g_remove (path);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_remove (wal);
    g_remove (shm);
  }
  g_rmdir (dir);
}

/* Every version column is one of the categories' count fields, and every
 * item of the form is fed by a count field of its category. */
static void
test_items (void)
{
  guint n_items = 0;
  const BdTallyItem *items = bd_tally_get_items (&n_items);

  g_assert_cmpuint (n_items, ==, 46);
  for (guint i = 0; i < n_items; i++)
    {
      const BdCategory *category;

      if (items[i].category == NULL)
        {
          guint n_extra = 0;
          const BdCountField *extra = bd_catalog_get_extra_counts (&n_extra);
          gboolean found = FALSE;

          for (guint j = 0; j < n_extra; j++)
            found |= g_str_equal (extra[j].key, items[i].key);
          g_assert_true (found);
          continue;
        }
      category = bd_catalog_lookup_category (items[i].category);
      g_assert_nonnull (category);
      g_assert_nonnull (bd_category_lookup_count (category, items[i].key));
      g_assert_true (bd_category_lookup_count (category, items[i].key)->is_decimal ==
                     items[i].is_decimal);
    }
}

/* The CSV, byte for byte (UI language: English here). */
static void
test_csv (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) t1 = at ("10:00");
  g_autoptr(BdTally) tally = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *path = g_build_filename (f->dir, "tally.csv", NULL);
  g_autofree char *read_back = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) field = g_string_new (NULL);

  fill_case (f->store);
  tally = bd_tally_issue_edition (f->store, t1, NULL, &error);
  g_assert_no_error (error);
  csv = bd_tally_to_csv (tally);

  g_assert_true (g_str_has_suffix (csv, "\r\n"));
  lines = g_strsplit (csv, "\r\n", -1);
  /* a header, 25 columns x 46 items, and the empty string after the last CRLF */
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 25 * 46 + 1);
  g_assert_cmpstr (lines[0], ==, "edition,as_of,ward_code,ward_name,item,unit,value");
  g_assert_cmpstr (lines[1], ==, "1,2026-12-06T10:00:00+09:00,271276,Kita,Casualties: Dead,people,2");
  g_assert_cmpstr (lines[2], ==, "1,2026-12-06T10:00:00+09:00,271276,Kita,Casualties: Missing,people,0");
  g_assert_cmpstr (lines[3], ==,
                   "1,2026-12-06T10:00:00+09:00,271276,Kita,\"Casualties: Injured, seriously\",people,0");
  g_assert_cmpstr (lines[5], ==,
                   "1,2026-12-06T10:00:00+09:00,271276,Kita,Housing damage: Totally destroyed,buildings,1");
  g_assert_cmpstr (lines[6], ==,
                   "1,2026-12-06T10:00:00+09:00,271276,Kita,Housing damage: Totally destroyed,households,2");
  /* 中央区 is the fifth ward; roads are the 28th item */
  g_assert_cmpstr (lines[1 + 4 * 46 + 27], ==,
                   "1,2026-12-06T10:00:00+09:00,271284,Chuo,Other damage: Roads,sites,4");
  g_assert_cmpstr (lines[1 + 24 * 46 + 22], ==,
                   "1,2026-12-06T10:00:00+09:00,271004,Osaka City,"
                   "\"Other damage: Paddy fields, submerged\",ha,0");
  g_assert_cmpstr (lines[1 + 24 * 46 + 36], ==,
                   "1,2026-12-06T10:00:00+09:00,271004,Osaka City,Other damage: Water supply,homes,100");
  g_assert_cmpstr (lines[25 * 46], ==,
                   "1,2026-12-06T10:00:00+09:00,271004,Osaka City,Fires: Other,cases,0");

  g_assert_true (bd_tally_write_csv (tally, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &read_back, NULL, NULL));
  g_assert_cmpstr (read_back, ==, csv);
  g_remove (path);

  /* RFC 4180 quoting */
  _bd_tally_append_csv_field (field, "plain");
  g_string_append_c (field, ',');
  _bd_tally_append_csv_field (field, "a \"b\", c");
  g_string_append_c (field, ',');
  _bd_tally_append_csv_field (field, "two\r\nlines");
  g_string_append_c (field, ',');
  _bd_tally_append_csv_field (field, "北区");
  g_assert_cmpstr (field->str, ==, "plain,\"a \"\"b\"\", c\",\"two\r\nlines\",北区");

  /* a file that cannot be written: an error, no crash */
  g_assert_false (bd_tally_write_csv (tally, "/nonexistent-dir/tally.csv", &error));
  g_assert_nonnull (error);
}

static void
test_format (void)
{
  g_autofree char *a = bd_tally_format_value (12, FALSE);
  g_autofree char *b = bd_tally_format_value (1.25, TRUE);
  g_autofree char *c = bd_tally_format_value (0.1 + 0.2, TRUE);
  g_autofree char *d = bd_tally_format_value (3, TRUE);

  g_assert_cmpstr (a, ==, "12");
  g_assert_cmpstr (b, ==, "1.25");
  g_assert_cmpstr (c, ==, "0.3");
  g_assert_cmpstr (d, ==, "3");
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tally/items", test_items);
  g_test_add_func ("/tally/format", test_format);
  g_test_add_func ("/tally/migration", test_migration);
  g_test_add ("/tally/versions", Fixture, NULL, fixture_setup, test_versions, fixture_teardown);
  g_test_add ("/tally/points-as-of", Fixture, NULL, fixture_setup, test_points_as_of,
              fixture_teardown);
  g_test_add ("/tally/case", Fixture, NULL, fixture_setup, test_tally_case, fixture_teardown);
  g_test_add ("/tally/csv", Fixture, NULL, fixture_setup, test_csv, fixture_teardown);

  return g_test_run ();
}
