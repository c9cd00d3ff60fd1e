/* test-store.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "bd-catalog.h"
#include "bd-demo.h"
#include "bd-store.h"
#include "bd-store-private.h"

#define KITA "271276"
#define KITA_LAT 34.704
#define KITA_LON 135.504

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

  f->dir = g_dir_make_tmp ("bd-test-store-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "reports.db", NULL);
  f->store = bd_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->store);
}

/* A GTask's worker thread may drop its reference to the task (and so to
 * the store, its source object) just after the callback ran. */
static void
wait_for_tasks (GObject *object)
{
  guint i;

  for (i = 0; i < 5000 && g_atomic_int_get ((int *) &object->ref_count) > 1; i++)
    g_usleep (1000);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->store != NULL)
    wait_for_tasks (G_OBJECT (f->store));
  if (f->store != NULL)
    g_assert_finalize_object (f->store);
  remove_dir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static BdReport *
make_report (const char *title,
             const char *category,
             double      lat,
             double      lon)
{
  BdReport *report = bd_report_new ();

  bd_report_set_location (report, lat, lon);
  bd_report_set_ward (report, KITA);
  bd_report_set_category (report, category);
  bd_report_set_title (report, title);
  bd_report_set_description (report, "現地確認中。");
  bd_report_set_reporter (report, "北区役所 防災担当");

  return report;
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

static char *
query_text (sqlite3    *db,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  return value;
}

static guint
count_query (BdStore       *store,
             const BdQuery *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rowids = bd_store_query_rowids (store, query, &error);

  g_assert_no_error (error);
  return rowids->len;
}

static guint
count_text (BdStore    *store,
            const char *text)
{
  BdQuery query = { 0 };

  query.text = text;
  return count_query (store, &query);
}

static guint
count_box (BdStore *store,
           double   lat,
           double   lon)
{
  BdQuery query = { 0 };

  query.has_bbox = TRUE;
  query.min_lat = lat - 0.001;
  query.max_lat = lat + 0.001;
  query.min_lon = lon - 0.001;
  query.max_lon = lon + 0.001;
  return count_query (store, &query);
}

static void
test_pragmas (Fixture       *f,
              gconstpointer  data)
{
  sqlite3 *db = _bd_store_get_connection (f->store);
  g_autofree char *mode = query_text (db, "PRAGMA journal_mode");

  g_assert_cmpstr (mode, ==, "wal");
  g_assert_cmpint (query_int (db, "PRAGMA synchronous"), ==, 2);
  g_assert_cmpint (query_int (db, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpint (query_int (db, "PRAGMA user_version"), ==, BD_STORE_SCHEMA_VERSION);
  g_assert_cmpint (bd_store_get_schema_version (f->store), ==, BD_STORE_SCHEMA_VERSION);
  g_assert_cmpstr (bd_store_get_path (f->store), ==, f->path);
  g_assert_cmpint (bd_store_count (f->store), ==, 0);
}

static void
test_crud (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdReport) report = make_report ("北区 梅田付近 道路冠水", "road", KITA_LAT, KITA_LON);
  g_autoptr(BdReport) loaded = NULL;
  g_autoptr(BdReport) again = NULL;
  g_autoptr(GPtrArray) live = NULL;
  g_autoptr(GDateTime) created = NULL;
  g_autofree char *id = g_strdup (bd_report_get_id (report));

  g_assert_true (bd_store_save_report (f->store, report, "tester", &error));
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count (f->store), ==, 1);

  loaded = bd_store_get_report (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_true (bd_report_equal (loaded, report));
  g_assert_cmpstr (bd_report_get_title (loaded), ==, "北区 梅田付近 道路冠水");
  g_assert_false (bd_report_get_deleted (loaded));
  created = g_date_time_ref (bd_report_get_created_at (loaded));

  /* update */
  g_usleep (G_USEC_PER_SEC / 100);
  bd_report_set_title (loaded, "北区 梅田付近 道路冠水 解消");
  bd_report_set_status (loaded, "resolved");
  g_assert_true (bd_store_save_report (f->store, loaded, "tester", &error));
  g_assert_no_error (error);
  again = bd_store_get_report (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bd_report_get_title (again), ==, "北区 梅田付近 道路冠水 解消");
  g_assert_cmpstr (bd_report_get_status (again), ==, "resolved");
  g_assert_true (g_date_time_equal (bd_report_get_created_at (again), created));
  g_assert_cmpint (g_date_time_compare (bd_report_get_updated_at (again), created), >=, 0);
  g_assert_cmpint (bd_store_count (f->store), ==, 1);
  g_assert_cmpuint (count_box (f->store, KITA_LAT, KITA_LON), ==, 1);
  g_clear_object (&again);

  /* moved */
  bd_report_set_location (loaded, 34.69, 135.49);
  g_assert_true (bd_store_save_report (f->store, loaded, "tester", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_box (f->store, KITA_LAT, KITA_LON), ==, 0);
  g_assert_cmpuint (count_box (f->store, 34.69, 135.49), ==, 1);

  /* delete: a tombstone */
  g_assert_true (bd_store_delete_report (f->store, id, "tester", &error));
  g_assert_no_error (error);
  again = bd_store_get_report (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_true (bd_report_get_deleted (again));
  g_assert_cmpstr (bd_report_get_title (again), ==, "北区 梅田付近 道路冠水 解消");
  g_assert_cmpint (bd_store_count (f->store), ==, 0);
  live = bd_store_query (f->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (live->len, ==, 0);
  g_assert_cmpuint (count_text (f->store, "解消"), ==, 0);
  g_assert_cmpuint (count_box (f->store, 34.69, 135.49), ==, 0);
  g_clear_object (&again);
  g_clear_pointer (&live, g_ptr_array_unref);

  /* restore */
  g_assert_true (bd_store_restore_report (f->store, id, "tester", &error));
  g_assert_no_error (error);
  again = bd_store_get_report (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_false (bd_report_get_deleted (again));
  g_assert_cmpint (bd_store_count (f->store), ==, 1);
  live = bd_store_query (f->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (live->len, ==, 1);
  g_assert_cmpstr (bd_report_get_id (g_ptr_array_index (live, 0)), ==, id);
  g_assert_cmpuint (count_text (f->store, "解消"), ==, 1);
  g_assert_cmpuint (count_box (f->store, 34.69, 135.49), ==, 1);
}

static void
test_not_found (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdReport) report = NULL;

  report = bd_store_get_report (f->store, "00000000-0000-4000-8000-000000000000", &error);
  g_assert_error (error, BD_STORE_ERROR, BD_STORE_ERROR_NOT_FOUND);
  g_assert_null (report);
  g_clear_error (&error);

  report = bd_store_get_report_by_rowid (f->store, 42, &error);
  g_assert_error (error, BD_STORE_ERROR, BD_STORE_ERROR_NOT_FOUND);
  g_assert_null (report);
  g_clear_error (&error);

  g_assert_false (bd_store_delete_report (f->store, "00000000-0000-4000-8000-000000000000",
                                          "tester", &error));
  g_assert_error (error, BD_STORE_ERROR, BD_STORE_ERROR_NOT_FOUND);
}

static void
assert_empty (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) outbox = bd_store_list_outbox (f->store, &error);
  g_autoptr(GPtrArray) history = bd_store_list_history (f->store, NULL, &error);
  sqlite3 *db = _bd_store_get_connection (f->store);

  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, 0);
  g_assert_cmpuint (history->len, ==, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM reports"), ==, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM reports_rtree"), ==, 0);
  g_assert_cmpint (bd_store_count_outbox (f->store), ==, 0);
}

static void
test_validation (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdReport) report = make_report ("", "road", KITA_LAT, KITA_LON);
  g_autoptr(BdReport) far = make_report ("東京", "road", 35.68, 139.76);
  g_autoptr(BdReport) bad_category = make_report ("x", "volcano", KITA_LAT, KITA_LON);
  g_autoptr(GPtrArray) batch = g_ptr_array_new ();
  g_autoptr(BdReport) loaded = NULL;

  g_assert_false (bd_store_save_report (f->store, report, "tester", &error));
  g_assert_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_TITLE);
  g_clear_error (&error);
  assert_empty (f);

  g_assert_false (bd_store_save_report (f->store, far, "tester", &error));
  g_assert_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_LOCATION);
  g_clear_error (&error);
  assert_empty (f);

  g_assert_false (bd_store_save_report (f->store, bad_category, "tester", &error));
  g_assert_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_CATEGORY);
  g_clear_error (&error);
  assert_empty (f);

  loaded = bd_store_get_report (f->store, bd_report_get_id (report), &error);
  g_assert_error (error, BD_STORE_ERROR, BD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* a batch with one bad report writes nothing */
  g_ptr_array_add (batch, make_report ("ok", "road", KITA_LAT, KITA_LON));
  g_ptr_array_add (batch, g_object_ref (report));
  g_ptr_array_set_free_func (batch, g_object_unref);
  g_assert_false (bd_store_insert_batch (f->store, batch, TRUE, "tester", &error));
  g_assert_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_TITLE);
  assert_empty (f);
}

static gboolean
strv_has (char       **strv,
          const char  *s)
{
  return strv != NULL && g_strv_contains ((const char * const *) strv, s);
}

static void
test_outbox_history (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdReport) report = make_report ("福島区 野田付近 停電", "electricity", 34.694, 135.477);
  g_autoptr(BdReport) copy = NULL;
  g_autoptr(BdReport) payload = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GPtrArray) batch = NULL;
  g_autofree char *id = g_strdup (bd_report_get_id (report));
  BdOutboxEntry *o;
  BdHistoryEntry *h;

  bd_report_set_ward (report, "271039");
  bd_report_set_count (report, "households", 120);

  /* create */
  g_assert_true (bd_store_save_report (f->store, report, "福島区役所", &error));
  g_assert_no_error (error);
  outbox = bd_store_list_outbox (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, 1);
  o = g_ptr_array_index (outbox, 0);
  g_assert_cmpstr (o->report_id, ==, id);
  g_assert_cmpstr (o->op, ==, "create");
  g_assert_cmpint (o->base_rev, ==, 0);
  g_assert_nonnull (o->created_at);
  payload = bd_report_new_from_geojson (o->payload, -1, &error);
  g_assert_no_error (error);
  g_assert_true (bd_report_equal (payload, report));
  g_clear_object (&payload);

  history = bd_store_list_history (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 1);
  h = g_ptr_array_index (history, 0);
  g_assert_cmpstr (h->op, ==, "create");
  g_assert_cmpstr (h->actor, ==, "福島区役所");
  g_assert_cmpstr (h->report_id, ==, id);
  g_assert_true (strv_has (h->fields, "title"));
  g_assert_true (strv_has (h->fields, "geometry"));
  g_assert_true (strv_has (h->fields, "counts"));
  g_assert_cmpuint (g_strv_length (h->fields), >=, 10);
  g_clear_pointer (&outbox, g_ptr_array_unref);
  g_clear_pointer (&history, g_ptr_array_unref);

  /* the server gives it rev 7 (a sync pull: no outbox row) */
  copy = bd_store_get_report (f->store, id, &error);
  g_assert_no_error (error);
  bd_report_set_rev (copy, 7);
  batch = g_ptr_array_new ();
  g_ptr_array_add (batch, copy);
  g_assert_true (bd_store_insert_batch (f->store, batch, FALSE, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count_outbox (f->store), ==, 1);
  g_clear_object (&copy);

  /* update two fields */
  copy = bd_store_get_report (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (bd_report_get_rev (copy), ==, 7);
  bd_report_set_status (copy, "confirmed");
  bd_report_set_count (copy, "households", 300);
  g_assert_true (bd_store_save_report (f->store, copy, "HQ", &error));
  g_assert_no_error (error);

  outbox = bd_store_list_outbox (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, 2);
  o = g_ptr_array_index (outbox, 1);
  g_assert_cmpstr (o->op, ==, "update");
  g_assert_cmpint (o->base_rev, ==, 7);
  g_assert_cmpint (o->seq, >, ((BdOutboxEntry *) g_ptr_array_index (outbox, 0))->seq);
  payload = bd_report_new_from_geojson (o->payload, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bd_report_get_status (payload), ==, "confirmed");
  g_assert_cmpfloat (bd_report_get_count (payload, "households"), ==, 300);
  g_clear_object (&payload);

  history = bd_store_list_history (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 2);
  h = g_ptr_array_index (history, 1);
  g_assert_cmpstr (h->op, ==, "update");
  g_assert_cmpstr (h->actor, ==, "HQ");
  g_assert_cmpuint (g_strv_length (h->fields), ==, 2);
  g_assert_true (strv_has (h->fields, "status"));
  g_assert_true (strv_has (h->fields, "counts"));
  g_clear_pointer (&outbox, g_ptr_array_unref);
  g_clear_pointer (&history, g_ptr_array_unref);

  /* saving without a change writes nothing */
  g_assert_true (bd_store_save_report (f->store, copy, "HQ", &error));
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count_outbox (f->store), ==, 2);

  /* delete, restore */
  g_assert_true (bd_store_delete_report (f->store, id, "HQ", &error));
  g_assert_no_error (error);
  g_assert_true (bd_store_restore_report (f->store, id, "HQ", &error));
  g_assert_no_error (error);
  /* deleting twice is harmless and writes nothing more */
  g_assert_true (bd_store_restore_report (f->store, id, "HQ", &error));
  g_assert_no_error (error);

  /* the delete was taken back before it was sent: nothing more to send */
  outbox = bd_store_list_outbox (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, 2);
  o = g_ptr_array_index (outbox, 1);
  g_assert_cmpstr (o->op, ==, "update");
  payload = bd_report_new_from_geojson (o->payload, -1, &error);
  g_assert_no_error (error);
  g_assert_false (bd_report_get_deleted (payload));

  history = bd_store_list_history (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 4);
  h = g_ptr_array_index (history, 2);
  g_assert_cmpstr (h->op, ==, "delete");
  g_assert_true (strv_has (h->fields, "deleted"));
  h = g_ptr_array_index (history, 3);
  g_assert_cmpstr (h->op, ==, "restore");
  g_assert_true (strv_has (h->fields, "deleted"));
  g_clear_pointer (&history, g_ptr_array_unref);

  /* the history of all reports, and the outbox once pushed */
  history = bd_store_list_history (f->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 4);
  g_assert_true (bd_store_remove_outbox_entry (f->store,
                                               ((BdOutboxEntry *) g_ptr_array_index (outbox, 0))->seq,
                                               &error));
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count_outbox (f->store), ==, 1);
}

static const char *
outbox_op (BdStore *store,
           guint    index)
{
  static char op[16];
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) outbox = bd_store_list_outbox (store, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (index, <, outbox->len);
  g_strlcpy (op, ((BdOutboxEntry *) g_ptr_array_index (outbox, index))->op, sizeof op);
  return op;
}

static guint
history_length (BdStore    *store,
                const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) history = bd_store_list_history (store, id, &error);

  g_assert_no_error (error);
  return history->len;
}

/* Issue 9, defect 3: deleting a report the server never had (rev 0) queues
 * no DELETE (the server answers 428 to it, at every run); deleting an
 * unpushed create cancels it, and the undo queues the create again. A
 * change undone before it was sent is not sent (issue 11, item 8). */
static void
test_delete_unsent (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdReport) created = make_report ("北区 梅田付近 道路冠水", "road", KITA_LAT, KITA_LON);
  g_autoptr(BdReport) demo = make_report ("北区 中津付近 停電", "electricity", 34.71, 135.49);
  g_autoptr(BdReport) synced = make_report ("北区 天満付近 断水", "water", 34.70, 135.51);
  g_autoptr(BdReport) copy = NULL;
  g_autoptr(GPtrArray) batch = g_ptr_array_new ();
  g_autofree char *created_id = g_strdup (bd_report_get_id (created));
  g_autofree char *demo_id = g_strdup (bd_report_get_id (demo));
  g_autofree char *synced_id = g_strdup (bd_report_get_id (synced));

  /* a create not pushed yet: the delete cancels it, the undo queues it again */
  g_assert_true (bd_store_save_report (f->store, created, "北区役所", &error));
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count_outbox (f->store), ==, 1);
  g_assert_true (bd_store_delete_report (f->store, created_id, "北区役所", &error));
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count_outbox (f->store), ==, 0);
  g_assert_cmpuint (history_length (f->store, created_id), ==, 2);
  g_assert_true (bd_store_restore_report (f->store, created_id, "北区役所", &error));
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count_outbox (f->store), ==, 1);
  g_assert_cmpstr (outbox_op (f->store, 0), ==, "create");
  g_assert_cmpuint (history_length (f->store, created_id), ==, 3);
  /* and again: still one create */
  g_assert_true (bd_store_delete_report (f->store, created_id, "北区役所", &error));
  g_assert_true (bd_store_restore_report (f->store, created_id, "北区役所", &error));
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count_outbox (f->store), ==, 1);

  /* demo data (never queued): neither the delete nor its undo sends anything */
  g_ptr_array_add (batch, demo);
  g_assert_true (bd_store_insert_batch (f->store, batch, FALSE, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (bd_store_delete_report (f->store, demo_id, "北区役所", &error));
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count_outbox (f->store), ==, 1);
  copy = bd_store_get_report (f->store, demo_id, &error);
  g_assert_true (bd_report_get_deleted (copy));
  g_clear_object (&copy);
  g_assert_true (bd_store_restore_report (f->store, demo_id, "北区役所", &error));
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count_outbox (f->store), ==, 1);
  g_assert_cmpuint (history_length (f->store, demo_id), ==, 2);

  /* a report the server has (rev 3): the delete is sent, unless undone first */
  bd_report_set_rev (synced, 3);
  g_ptr_array_set_size (batch, 0);
  g_ptr_array_add (batch, synced);
  g_assert_true (bd_store_insert_batch (f->store, batch, FALSE, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (bd_store_delete_report (f->store, synced_id, "北区役所", &error));
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count_outbox (f->store), ==, 2);
  g_assert_cmpstr (outbox_op (f->store, 1), ==, "delete");
  g_assert_true (bd_store_restore_report (f->store, synced_id, "北区役所", &error));
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count_outbox (f->store), ==, 1);
  copy = bd_store_get_server_copy (f->store, synced_id, &error);
  g_assert_no_error (error);
  g_assert_false (bd_report_get_deleted (copy));
  g_assert_cmpint (bd_report_get_rev (copy), ==, 3);
}

/* A create whose push reached the server but whose answer was lost, then
 * deleted here (nothing queued: it looked unsent): when the server's copy
 * comes back with a pull, the tombstone stays and its delete is queued. */
static void
test_delete_unsent_lost_answer (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdReport) report = make_report ("北区 梅田付近 道路冠水", "road", KITA_LAT, KITA_LON);
  g_autoptr(BdReport) server = NULL;
  g_autoptr(BdReport) local = NULL;
  g_autoptr(GPtrArray) pulled = g_ptr_array_new ();
  g_autoptr(GPtrArray) outbox = NULL;
  g_autofree char *id = g_strdup (bd_report_get_id (report));
  BdOutboxEntry *o;
  guint skipped = 0;

  g_assert_true (bd_store_save_report (f->store, report, "北区役所", &error));
  server = bd_report_copy (report);
  bd_report_set_rev (server, 1);
  bd_report_set_seq (server, 10);
  g_assert_true (bd_store_delete_report (f->store, id, "北区役所", &error));
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count_outbox (f->store), ==, 0);

  g_ptr_array_add (pulled, server);
  g_assert_true (bd_store_apply_pulled (f->store, pulled, NULL, NULL, "cursor:reports", 10,
                                        &skipped, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (skipped, ==, 1);
  local = bd_store_get_report (f->store, id, &error);
  g_assert_true (bd_report_get_deleted (local));
  g_assert_cmpint (bd_report_get_rev (local), ==, 1);
  outbox = bd_store_list_outbox (f->store, &error);
  g_assert_cmpuint (outbox->len, ==, 1);
  o = g_ptr_array_index (outbox, 0);
  g_assert_cmpstr (o->op, ==, "delete");
  g_assert_cmpint (o->base_rev, ==, 1);
  g_clear_object (&local);
  local = bd_store_get_server_copy (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_false (bd_report_get_deleted (local));
}

/* A delete or a restore here takes back an outbox row whose push is under
 * way (a delete only while not marked by bd_store_mark_outbox_sending (),
 * as the sync engine does before sending one: see restore-after-sending);
 * when the server's answer then comes, what the report says here is
 * queued on top of the server's copy. */
static void
test_taken_back_in_flight (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdReport) created = make_report ("北区 梅田付近 道路冠水", "road", KITA_LAT, KITA_LON);
  g_autoptr(BdReport) synced = make_report ("北区 天満付近 断水", "water", 34.70, 135.51);
  g_autoptr(BdReport) server = NULL;
  g_autoptr(BdReport) local = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GPtrArray) batch = g_ptr_array_new ();
  g_autofree char *created_id = g_strdup (bd_report_get_id (created));
  g_autofree char *synced_id = g_strdup (bd_report_get_id (synced));
  BdOutboxEntry *o;
  gint64 seq;

  /* a create being pushed, deleted here: the server's answer queues the delete */
  g_assert_true (bd_store_save_report (f->store, created, "北区役所", &error));
  outbox = bd_store_list_outbox (f->store, &error);
  seq = ((BdOutboxEntry *) g_ptr_array_index (outbox, 0))->seq;
  g_clear_pointer (&outbox, g_ptr_array_unref);
  g_assert_true (bd_store_delete_report (f->store, created_id, "北区役所", &error));
  g_assert_cmpint (bd_store_count_outbox (f->store), ==, 0);
  server = bd_report_copy (created);
  bd_report_set_rev (server, 1);
  g_assert_true (bd_store_ack_outbox_entry (f->store, seq, server, &error));
  g_assert_no_error (error);
  local = bd_store_get_report (f->store, created_id, &error);
  g_assert_true (bd_report_get_deleted (local));
  outbox = bd_store_list_outbox (f->store, &error);
  g_assert_cmpuint (outbox->len, ==, 1);
  o = g_ptr_array_index (outbox, 0);
  g_assert_cmpstr (o->op, ==, "delete");
  g_assert_cmpint (o->base_rev, ==, 1);
  /* the same answer again (a retry after a crash) adds nothing */
  g_assert_true (bd_store_ack_outbox_entry (f->store, seq, server, &error));
  g_assert_cmpint (bd_store_count_outbox (f->store), ==, 1);
  g_assert_true (bd_store_remove_outbox_entry (f->store, o->seq, &error));
  g_clear_pointer (&outbox, g_ptr_array_unref);
  g_clear_object (&server);
  g_clear_object (&local);

  /* a delete being pushed, restored here: the answer queues the restore */
  bd_report_set_rev (synced, 3);
  g_ptr_array_add (batch, synced);
  g_assert_true (bd_store_insert_batch (f->store, batch, FALSE, NULL, &error));
  g_assert_true (bd_store_delete_report (f->store, synced_id, "北区役所", &error));
  outbox = bd_store_list_outbox (f->store, &error);
  g_assert_cmpuint (outbox->len, ==, 1);
  seq = ((BdOutboxEntry *) g_ptr_array_index (outbox, 0))->seq;
  g_clear_pointer (&outbox, g_ptr_array_unref);
  g_assert_true (bd_store_restore_report (f->store, synced_id, "北区役所", &error));
  g_assert_cmpint (bd_store_count_outbox (f->store), ==, 0);
  server = bd_report_copy (synced);
  bd_report_set_deleted (server, TRUE);
  bd_report_set_rev (server, 4);
  g_assert_true (bd_store_ack_outbox_entry (f->store, seq, server, &error));
  g_assert_no_error (error);
  local = bd_store_get_report (f->store, synced_id, &error);
  g_assert_false (bd_report_get_deleted (local));
  g_assert_cmpint (bd_report_get_rev (local), ==, 4);
  outbox = bd_store_list_outbox (f->store, &error);
  g_assert_cmpuint (outbox->len, ==, 1);
  o = g_ptr_array_index (outbox, 0);
  g_assert_cmpstr (o->op, ==, "update");
  g_assert_cmpint (o->base_rev, ==, 4);
}

/* A history row's field list is read like every other JSON (bounded
 * nesting, strict RFC 8259): a damaged row lists no fields, and a deeply
 * nested one does not overflow the stack. */
static void
test_history_damaged (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdReport) report = make_report ("北区 梅田付近 道路冠水", "road", KITA_LAT, KITA_LON);
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GString) nested = g_string_new ("UPDATE history SET fields = '");
  sqlite3 *db = _bd_store_get_connection (f->store);
  guint i;

  g_assert_true (bd_store_save_report (f->store, report, "北区役所", &error));
  g_assert_no_error (error);
  for (i = 0; i < 1000000; i++)
    g_string_append_c (nested, '[');
  for (i = 0; i < 1000000; i++)
    g_string_append_c (nested, ']');
  g_string_append (nested, "'");
  g_assert_cmpint (sqlite3_exec (db, nested->str, NULL, NULL, NULL), ==, SQLITE_OK);
  history = bd_store_list_history (f->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 1);
  g_assert_cmpuint (g_strv_length (((BdHistoryEntry *) g_ptr_array_index (history, 0))->fields),
                    ==, 0);
  g_clear_pointer (&history, g_ptr_array_unref);

  /* json-glib alone would take single quotes */
  g_assert_cmpint (sqlite3_exec (db, "UPDATE history SET fields = '[''title'']'",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  history = bd_store_list_history (f->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (((BdHistoryEntry *) g_ptr_array_index (history, 0))->fields),
                    ==, 0);
}

/* A delete the sync engine has started sending may have reached the
 * server though its answer never comes: a restore then queues an update
 * after it instead of taking it back (which let the next pull delete the
 * report again). Once the delete is acknowledged, the update builds on the
 * server's tombstone. */
static void
test_restore_after_sending (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdReport) synced = make_report ("北区 天満付近 断水", "water", 34.70, 135.51);
  g_autoptr(BdReport) waiting = make_report ("北区 梅田付近 道路冠水", "road", KITA_LAT, KITA_LON);
  g_autoptr(BdReport) server = NULL;
  g_autoptr(BdReport) local = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GPtrArray) batch = g_ptr_array_new ();
  g_autofree char *id = g_strdup (bd_report_get_id (synced));
  g_autofree char *waiting_id = g_strdup (bd_report_get_id (waiting));
  BdOutboxEntry *o;
  gint64 seq;

  bd_report_set_rev (synced, 3);
  bd_report_set_rev (waiting, 5);
  g_ptr_array_add (batch, synced);
  g_ptr_array_add (batch, waiting);
  g_assert_true (bd_store_insert_batch (f->store, batch, FALSE, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (bd_store_delete_report (f->store, id, "北区役所", &error));
  outbox = bd_store_list_outbox (f->store, &error);
  g_assert_cmpuint (outbox->len, ==, 1);
  seq = ((BdOutboxEntry *) g_ptr_array_index (outbox, 0))->seq;
  g_clear_pointer (&outbox, g_ptr_array_unref);

  /* a later delete, not started yet, is still taken back */
  g_assert_true (bd_store_delete_report (f->store, waiting_id, "北区役所", &error));
  g_assert_true (bd_store_mark_outbox_sending (f->store, seq, &error));
  g_assert_no_error (error);
  g_assert_true (bd_store_restore_report (f->store, waiting_id, "北区役所", &error));
  g_assert_no_error (error);

  g_assert_true (bd_store_restore_report (f->store, id, "北区役所", &error));
  g_assert_no_error (error);
  outbox = bd_store_list_outbox (f->store, &error);
  g_assert_cmpuint (outbox->len, ==, 2);
  o = g_ptr_array_index (outbox, 0);
  g_assert_cmpint (o->seq, ==, seq);
  g_assert_cmpstr (o->op, ==, "delete");
  o = g_ptr_array_index (outbox, 1);
  g_assert_cmpstr (o->report_id, ==, id);
  g_assert_cmpstr (o->op, ==, "update");
  g_assert_cmpint (o->base_rev, ==, 3);
  g_clear_pointer (&outbox, g_ptr_array_unref);

  /* the delete's answer: the restore now builds on the tombstone */
  server = bd_report_copy (synced);
  bd_report_set_deleted (server, TRUE);
  bd_report_set_rev (server, 4);
  g_assert_true (bd_store_ack_outbox_entry (f->store, seq, server, &error));
  g_assert_no_error (error);
  local = bd_store_get_report (f->store, id, &error);
  g_assert_false (bd_report_get_deleted (local));
  g_assert_cmpint (bd_report_get_rev (local), ==, 4);
  outbox = bd_store_list_outbox (f->store, &error);
  g_assert_cmpuint (outbox->len, ==, 1);
  o = g_ptr_array_index (outbox, 0);
  g_assert_cmpstr (o->op, ==, "update");
  g_assert_cmpint (o->base_rev, ==, 4);
  g_assert_true (bd_store_remove_outbox_entry (f->store, o->seq, &error));
  g_clear_pointer (&outbox, g_ptr_array_unref);

  /* a delete the server refused (an answer: not applied) is taken back */
  g_assert_true (bd_store_delete_report (f->store, waiting_id, "北区役所", &error));
  outbox = bd_store_list_outbox (f->store, &error);
  g_assert_cmpuint (outbox->len, ==, 1);
  seq = ((BdOutboxEntry *) g_ptr_array_index (outbox, 0))->seq;
  g_assert_true (bd_store_mark_outbox_sending (f->store, seq, &error));
  g_assert_true (bd_store_set_outbox_error (f->store, seq, "403", &error));
  g_assert_no_error (error);
  g_assert_true (bd_store_restore_report (f->store, waiting_id, "北区役所", &error));
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count_outbox (f->store), ==, 0);
}

/* Issue 9, defect 7: a sync state that cannot be read is an error, not an
 * unset cursor (which would mean a full pull). */
static void
test_sync_state_error (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;
  sqlite3 *db = _bd_store_get_connection (f->store);

  g_assert_true (bd_store_set_sync_state (f->store, "cursor:reports", "42", &error));
  g_assert_true (bd_store_read_sync_state (f->store, "cursor:reports", &value, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "42");
  g_clear_pointer (&value, g_free);
  g_assert_true (bd_store_read_sync_state (f->store, "no-such-key", &value, &error));
  g_assert_no_error (error);
  g_assert_null (value);

  g_assert_cmpint (sqlite3_exec (db, "ALTER TABLE sync_state RENAME TO sync_state_gone",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_false (bd_store_read_sync_state (f->store, "cursor:reports", &value, &error));
  g_assert_error (error, BD_STORE_ERROR, BD_STORE_ERROR_SQL);
  g_assert_null (value);
}

static GPtrArray *
make_reports (guint n)
{
  GPtrArray *reports = g_ptr_array_new_with_free_func (g_object_unref);
  guint i;

  for (i = 0; i < n; i++)
    {
      g_autofree char *title = g_strdup_printf ("北区 梅田付近 道路冠水 %u", i);

      g_ptr_array_add (reports, make_report (title, "road", KITA_LAT + i * 0.001, KITA_LON));
    }
  return reports;
}

/* bd_store_import_*() over @reports as bosai-desk --import hands them:
 * one feature at a time. FALSE with the first error; later refusals (the
 * features after a refused one are still checked) are counted in
 * @n_refused (may be NULL). */
static gboolean
import_reports (BdStore    *store,
                GPtrArray  *reports,
                guint      *n_imported,
                guint      *n_unchanged,
                guint      *n_refused,
                GError    **error)
{
  g_autoptr(BdStoreImport) import = bd_store_import_begin (store, "import", error);
  guint refused = 0;

  if (import == NULL)
    return FALSE;
  for (guint i = 0; i < reports->len; i++)
    {
      g_autoptr(JsonNode) feature = bd_report_to_json (g_ptr_array_index (reports, i));
      g_autoptr(GError) local_error = NULL;

      if (bd_store_import_add (import, feature, &local_error))
        continue;
      if (!g_error_matches (local_error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (refused++ == 0)
        g_propagate_error (error, g_steal_pointer (&local_error));
    }
  if (n_refused != NULL)
    *n_refused = refused;
  if (refused > 0)
    {
      g_autoptr(GError) commit_error = NULL;

      /* a refused feature: the commit refuses too */
      g_assert_false (bd_store_import_commit (import, NULL, NULL, &commit_error));
      g_assert_error (commit_error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID);
      return FALSE;
    }
  return bd_store_import_commit (import, n_imported, n_unchanged, error);
}

/* Issue 9, defects 5 and 6: an import is all or nothing, each report with
 * its outbox and history rows, and an id named twice is refused. */
static void
test_import (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) reports = make_reports (3);
  g_autoptr(GPtrArray) twice = make_reports (2);
  g_autoptr(GPtrArray) history = NULL;
  sqlite3 *db = _bd_store_get_connection (f->store);
  guint imported = 99, unchanged = 99, refused = 0;

  /* the same id twice: refused, naming both features */
  g_ptr_array_add (twice, bd_report_copy (g_ptr_array_index (twice, 0)));
  g_assert_false (import_reports (f->store, twice, &imported, &unchanged, &refused, &error));
  g_assert_error (error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "feature 3"));
  g_assert_nonnull (strstr (error->message, "feature 1"));
  g_assert_nonnull (strstr (error->message,
                            bd_report_get_id (g_ptr_array_index (twice, 0))));
  g_assert_cmpuint (refused, ==, 1);
  g_clear_error (&error);
  g_assert_cmpint (bd_store_count (f->store), ==, 0);
  g_assert_cmpint (bd_store_count_outbox (f->store), ==, 0);

  g_assert_true (import_reports (f->store, reports, &imported, &unchanged, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (imported, ==, 3);
  g_assert_cmpuint (unchanged, ==, 0);
  g_assert_cmpint (bd_store_count (f->store), ==, 3);
  g_assert_cmpint (bd_store_count_outbox (f->store), ==, 3);
  history = bd_store_list_history (f->store, NULL, &error);
  g_assert_cmpuint (history->len, ==, 3);
  g_assert_cmpstr (((BdHistoryEntry *) g_ptr_array_index (history, 0))->actor, ==, "import");

  /* the same file again: nothing to write */
  g_assert_true (import_reports (f->store, reports, &imported, &unchanged, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (imported, ==, 0);
  g_assert_cmpuint (unchanged, ==, 3);
  g_assert_cmpint (bd_store_count_outbox (f->store), ==, 3);

  /* a write failing midway (the third new row) leaves nothing of the file */
  g_clear_pointer (&reports, g_ptr_array_unref);
  reports = make_reports (5);
  g_assert_cmpint (sqlite3_exec (db,
                                 "CREATE TEMP TRIGGER fail_third AFTER INSERT ON main.reports"
                                 " WHEN (SELECT count(*) FROM main.reports) > 5"
                                 " BEGIN SELECT RAISE (ABORT, 'disk full'); END",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_false (import_reports (f->store, reports, NULL, NULL, NULL, &error));
  g_assert_nonnull (error);
  g_assert_false (g_error_matches (error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID));
  g_assert_nonnull (strstr (error->message, "feature 3"));
  g_assert_nonnull (strstr (error->message, "disk full"));
  g_clear_error (&error);
  g_assert_cmpint (sqlite3_exec (db, "DROP TRIGGER fail_third", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (bd_store_count (f->store), ==, 3);
  g_assert_cmpint (bd_store_count_outbox (f->store), ==, 3);
  g_clear_pointer (&history, g_ptr_array_unref);
  history = bd_store_list_history (f->store, NULL, &error);
  g_assert_cmpuint (history->len, ==, 3);

  /* the store is usable again after a failed import */
  g_assert_true (import_reports (f->store, reports, &imported, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (imported, ==, 5);
}

/* A refused feature rolls back what came before it, and the features
 * after it are still checked: every problem of the file in one reading. */
static void
test_import_refused (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdStoreImport) import = NULL;
  g_autoptr(GPtrArray) reports = make_reports (4);
  g_autoptr(JsonNode) bad = NULL;
  guint i;

  import = bd_store_import_begin (f->store, "import", &error);
  g_assert_no_error (error);
  for (i = 0; i < 2; i++)
    {
      g_autoptr(JsonNode) feature = bd_report_to_json (g_ptr_array_index (reports, i));

      g_assert_true (bd_store_import_add (import, feature, &error));
      g_assert_no_error (error);
    }

  /* feature 3: no geometry */
  bad = bd_report_to_json (g_ptr_array_index (reports, 2));
  json_object_remove_member (json_node_get_object (bad), "geometry");
  g_assert_false (bd_store_import_add (import, bad, &error));
  g_assert_error (error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "feature 3: "));
  g_clear_error (&error);

  /* feature 4: fine, only checked; feature 5: a duplicate of feature 1 */
  for (i = 0; i < 2; i++)
    {
      g_autoptr(JsonNode) feature = bd_report_to_json (g_ptr_array_index (reports, i == 0 ? 3 : 0));

      if (i == 0)
        g_assert_true (bd_store_import_add (import, feature, &error));
      else
        g_assert_false (bd_store_import_add (import, feature, &error));
    }
  g_assert_error (error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "feature 5: "));
  g_assert_nonnull (strstr (error->message, "feature 1 "));
  g_clear_error (&error);

  g_assert_false (bd_store_import_commit (import, NULL, NULL, &error));
  g_assert_error (error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&import, bd_store_import_free);
  g_assert_cmpint (bd_store_count (f->store), ==, 0);
  g_assert_cmpint (bd_store_count_outbox (f->store), ==, 0);

  /* an import dropped without a commit leaves nothing either */
  import = bd_store_import_begin (f->store, "import", &error);
  g_assert_no_error (error);
  {
    g_autoptr(JsonNode) feature = bd_report_to_json (g_ptr_array_index (reports, 0));

    g_assert_true (bd_store_import_add (import, feature, &error));
  }
  g_clear_pointer (&import, bd_store_import_free);
  g_assert_cmpint (bd_store_count (f->store), ==, 0);
  g_assert_cmpint (bd_store_count_outbox (f->store), ==, 0);
}

/* Saving over a copy that changed while the form was open: the merge and
 * the save are one transaction of the store. */
static void
test_save_over (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdReport) original = make_report ("北区 梅田付近 道路冠水", "road", KITA_LAT, KITA_LON);
  g_autoptr(BdReport) edited = NULL;
  g_autoptr(BdReport) other = NULL;
  g_autoptr(BdReport) saved = NULL;
  g_autoptr(BdReport) stored = NULL;
  g_autofree char *id = g_strdup (bd_report_get_id (original));

  g_assert_true (bd_store_save_report (f->store, original, "北区役所", &error));
  g_assert_no_error (error);
  g_clear_object (&original);
  original = bd_store_get_report (f->store, id, &error);

  /* the form changes the title; meanwhile another edit changes the status */
  edited = bd_report_copy (original);
  bd_report_set_title (edited, "北区 梅田付近 道路冠水（通行止め）");
  other = bd_report_copy (original);
  bd_report_set_status (other, "confirmed");
  g_assert_true (bd_store_save_report (f->store, other, "HQ", &error));
  g_assert_no_error (error);

  g_assert_true (bd_store_save_report_over (f->store, original, edited, "北区役所", &saved,
                                            &error));
  g_assert_no_error (error);
  g_assert_cmpstr (bd_report_get_title (saved), ==, "北区 梅田付近 道路冠水（通行止め）");
  g_assert_cmpstr (bd_report_get_status (saved), ==, "confirmed");
  stored = bd_store_get_report (f->store, id, &error);
  g_assert_cmpstr (bd_report_get_title (stored), ==, "北区 梅田付近 道路冠水（通行止め）");
  g_assert_cmpstr (bd_report_get_status (stored), ==, "confirmed");
  g_assert_cmpint (bd_store_count_outbox (f->store), ==, 3);
  g_clear_object (&saved);
  g_clear_object (&stored);

  /* nothing changed meanwhile: the edit as typed */
  g_clear_object (&original);
  original = bd_store_get_report (f->store, id, &error);
  g_clear_object (&edited);
  edited = bd_report_copy (original);
  bd_report_set_severity (edited, 4);
  g_assert_true (bd_store_save_report_over (f->store, original, edited, "北区役所", &saved,
                                            &error));
  g_assert_no_error (error);
  g_assert_cmpint (bd_report_get_severity (saved), ==, 4);
  g_assert_cmpstr (bd_report_get_status (saved), ==, "confirmed");
  g_assert_cmpint (bd_store_count_outbox (f->store), ==, 4);
}

typedef struct
{
  guint         n;
  BdStoreChange last_change;
  char         *last_id;
  gint64        last_rowid;
} ChangeLog;

static void
on_changed (BdStore    *store,
            int         change,
            const char *id,
            gint64      rowid,
            ChangeLog  *log)
{
  log->n++;
  log->last_change = change;
  g_free (log->last_id);
  log->last_id = g_strdup (id);
  log->last_rowid = rowid;
}

static void
test_changed_signal (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdReport) report = make_report ("北区 天神橋付近 断水", "water", KITA_LAT, KITA_LON);
  g_autoptr(BdReport) bad = make_report ("", "water", KITA_LAT, KITA_LON);
  g_autoptr(GPtrArray) batch = NULL;
  g_autofree char *id = g_strdup (bd_report_get_id (report));
  ChangeLog log = { 0 };
  gint64 rowid;

  g_signal_connect (f->store, "changed", G_CALLBACK (on_changed), &log);

  g_assert_true (bd_store_save_report (f->store, report, "tester", &error));
  g_assert_cmpuint (log.n, ==, 1);
  g_assert_cmpint (log.last_change, ==, BD_STORE_CHANGE_ADDED);
  g_assert_cmpstr (log.last_id, ==, id);
  g_assert_cmpint (log.last_rowid, >, 0);
  rowid = log.last_rowid;

  bd_report_set_severity (report, 4);
  g_assert_true (bd_store_save_report (f->store, report, "tester", &error));
  g_assert_cmpuint (log.n, ==, 2);
  g_assert_cmpint (log.last_change, ==, BD_STORE_CHANGE_UPDATED);
  g_assert_cmpint (log.last_rowid, ==, rowid);

  /* no change, no signal; a failed save, no signal */
  g_assert_true (bd_store_save_report (f->store, report, "tester", &error));
  g_assert_cmpuint (log.n, ==, 2);
  g_assert_false (bd_store_save_report (f->store, bad, "tester", &error));
  g_clear_error (&error);
  g_assert_cmpuint (log.n, ==, 2);

  g_assert_true (bd_store_delete_report (f->store, id, "tester", &error));
  g_assert_cmpuint (log.n, ==, 3);
  g_assert_cmpint (log.last_change, ==, BD_STORE_CHANGE_REMOVED);
  g_assert_cmpint (log.last_rowid, ==, rowid);

  g_assert_true (bd_store_restore_report (f->store, id, "tester", &error));
  g_assert_cmpuint (log.n, ==, 4);
  g_assert_cmpint (log.last_change, ==, BD_STORE_CHANGE_ADDED);

  batch = bd_demo_generate (50, 1);
  g_assert_true (bd_store_insert_batch (f->store, batch, FALSE, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (log.n, ==, 5);
  g_assert_cmpint (log.last_change, ==, BD_STORE_CHANGE_RELOADED);
  g_assert_null (log.last_id);
  g_assert_cmpint (log.last_rowid, ==, 0);

  g_signal_handlers_disconnect_by_data (f->store, &log);
  g_free (log.last_id);
}

static void
test_batch_upsert (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) batch = bd_demo_generate (300, 5);
  guint i;

  g_assert_true (bd_store_insert_batch (f->store, batch, FALSE, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count (f->store), ==, 300);
  g_assert_cmpint (bd_store_count_outbox (f->store), ==, 0);
  g_assert_cmpuint (count_text (f->store, "特別な見出し"), ==, 0);

  for (i = 0; i < 10; i++)
    bd_report_set_title (g_ptr_array_index (batch, i), "特別な見出し");
  bd_report_set_location (g_ptr_array_index (batch, 0), 34.61, 135.40);
  g_assert_true (bd_store_insert_batch (f->store, batch, TRUE, "importer", &error));
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count (f->store), ==, 300);
  g_assert_cmpuint (count_text (f->store, "特別な見出し"), ==, 10);
  /* only the changed ones get outbox rows */
  g_assert_cmpint (bd_store_count_outbox (f->store), ==, 10);

  {
    BdQuery query = { .has_bbox = TRUE, .min_lon = 135.399, .max_lon = 135.401,
                      .min_lat = 34.609, .max_lat = 34.611 };
    g_autoptr(GArray) rowids = bd_store_query_rowids (f->store, &query, &error);
    g_autoptr(BdReport) moved = NULL;

    g_assert_no_error (error);
    g_assert_cmpuint (rowids->len, ==, 1);
    moved = bd_store_get_report_by_rowid (f->store, g_array_index (rowids, gint64, 0), &error);
    g_assert_no_error (error);
    g_assert_cmpstr (bd_report_get_id (moved), ==, bd_report_get_id (g_ptr_array_index (batch, 0)));
  }
}

static void
test_migration (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bd-test-store-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "old.db", NULL);
  g_autoptr(BdReport) report = make_report ("北区 中之島付近 河川 越水のおそれ", "river", 34.693, 135.494);
  g_autofree char *feature = NULL;
  g_autoptr(BdStore) store = NULL;
  g_autoptr(BdReport) loaded = NULL;
  g_autoptr(GArray) rowids = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  BdQuery query = { 0 };
  gint64 rowid;

  g_assert_no_error (error);
  g_assert_true (_bd_store_create_at_version (path, 1, &error));
  g_assert_no_error (error);

  /* a row written by version 1 of the app, with plain SQLite */
  bd_report_set_status (report, "confirmed");
  feature = bd_report_to_geojson (report);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (query_int (db, "PRAGMA user_version"), ==, 1);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                     "INSERT INTO reports (id, ward, category, severity, status, lat, lon,"
                     " title, description, feature) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                     -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, bd_report_get_id (report), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, KITA, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, "river", -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 4, 2);
  sqlite3_bind_text (stmt, 5, "confirmed", -1, SQLITE_STATIC);
  sqlite3_bind_double (stmt, 6, 34.693);
  sqlite3_bind_double (stmt, 7, 135.494);
  sqlite3_bind_text (stmt, 8, bd_report_get_title (report), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, bd_report_get_description (report), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 10, feature, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  rowid = sqlite3_last_insert_rowid (db);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);

  /* the current store migrates it */
  store = bd_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_get_schema_version (store), ==, BD_STORE_SCHEMA_VERSION);
  g_assert_cmpint (query_int (_bd_store_get_connection (store), "PRAGMA user_version"), ==, BD_STORE_SCHEMA_VERSION);
  g_assert_cmpint (bd_store_count (store), ==, 1);

  query.has_bbox = TRUE;
  query.min_lon = 135.49;
  query.max_lon = 135.50;
  query.min_lat = 34.69;
  query.max_lat = 34.70;
  rowids = bd_store_query_rowids (store, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rowids->len, ==, 1);
  g_assert_cmpint (g_array_index (rowids, gint64, 0), ==, rowid);
  g_clear_pointer (&rowids, g_array_unref);

  g_assert_cmpuint (count_text (store, "越水"), ==, 1);
  g_assert_cmpuint (count_text (store, "中之島"), ==, 1);
  g_assert_cmpuint (count_text (store, "火災"), ==, 0);

  loaded = bd_store_get_report (store, bd_report_get_id (report), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bd_report_get_title (loaded), ==, bd_report_get_title (report));

  /* and goes on working: an edit of the migrated row */
  bd_report_set_title (loaded, "北区 中之島付近 河川 水位低下");
  g_assert_true (bd_store_save_report (store, loaded, "tester", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_text (store, "越水"), ==, 0);
  g_assert_cmpuint (count_text (store, "水位低下"), ==, 1);

  g_assert_finalize_object (g_steal_pointer (&store));
  remove_dir (dir);
}

static void
test_newer_version (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bd-test-store-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "new.db", NULL);
  BdStore *store;
  sqlite3 *db = NULL;

  store = bd_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_finalize_object (store);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  {
    g_autofree char *sql = g_strdup_printf ("PRAGMA user_version = %d", BD_STORE_SCHEMA_VERSION + 1);
    g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  }
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);

  store = bd_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, BD_STORE_ERROR, BD_STORE_ERROR_VERSION);
  g_assert_nonnull (strstr (error->message, "newer"));
  g_clear_error (&error);

  g_assert_null (bd_store_reader_open (path, &error));
  g_assert_error (error, BD_STORE_ERROR, BD_STORE_ERROR_VERSION);
  g_clear_error (&error);

  /* the file was left alone */
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (query_int (db, "PRAGMA user_version"), ==, BD_STORE_SCHEMA_VERSION + 1);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);

  remove_dir (dir);
}

static void
test_not_a_database (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bd-test-store-XXXXXX", &error);
  g_autofree char *text = g_build_filename (dir, "notes.txt", NULL);
  g_autofree char *other = g_build_filename (dir, "other.db", NULL);
  g_autofree char *missing = g_build_filename (dir, "no", "such", "dir.db", NULL);
  g_autofree char *contents = NULL;
  BdStore *store;
  sqlite3 *db = NULL;
  guint i;
  GString *s = g_string_new (NULL);

  for (i = 0; i < 100; i++)
    g_string_append (s, "This is a text file, not a database.\n");
  g_assert_true (g_file_set_contents (text, s->str, s->len, &error));
  g_string_free (s, TRUE);

  store = bd_store_open (text, &error);
  g_assert_null (store);
  g_assert_error (error, BD_STORE_ERROR, BD_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, text));
  g_assert_nonnull (strstr (error->message, "not a Bosai Desk database"));
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* the file is unchanged */
  g_assert_true (g_file_get_contents (text, &contents, NULL, &error));
  g_assert_true (g_str_has_prefix (contents, "This is a text file"));

  /* another application's database */
  g_assert_cmpint (sqlite3_open (other, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE t (x)", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
  store = bd_store_open (other, &error);
  g_assert_null (store);
  g_assert_error (error, BD_STORE_ERROR, BD_STORE_ERROR_CORRUPT);
  g_clear_error (&error);

  store = bd_store_open (missing, &error);
  g_assert_null (store);
  g_assert_error (error, BD_STORE_ERROR, BD_STORE_ERROR_OPEN);
  g_clear_error (&error);

  remove_dir (dir);
}

static gboolean
in_box (BdReport *report,
        double    min_lon,
        double    min_lat,
        double    max_lon,
        double    max_lat)
{
  double lat = bd_report_get_latitude (report);
  double lon = bd_report_get_longitude (report);

  return lon >= min_lon && lon <= max_lon && lat >= min_lat && lat <= max_lat;
}

static void
test_bbox (Fixture       *f,
           gconstpointer  data)
{
  static const double boxes[][4] = {
    { 135.49, 34.69, 135.52, 34.72 },
    { 135.33, 34.55, 135.63, 34.80 },
    { 135.40, 34.60, 135.45, 34.65 },
    { 135.5, 34.7, 135.5001, 34.7001 },
    { 135.0, 34.0, 135.1, 34.1 },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = NULL;
  guint b, i;

  g_assert_true (bd_demo_fill_store (f->store, 2000, BD_DEMO_DEFAULT_SEED, &error));
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count (f->store), ==, 2000);

  all = bd_store_query (f->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 2000);

  for (b = 0; b < G_N_ELEMENTS (boxes); b++)
    {
      BdQuery query = { 0 };
      g_autoptr(GPtrArray) found = NULL;
      g_autoptr(GPtrArray) expected = g_ptr_array_new ();

      query.has_bbox = TRUE;
      query.min_lon = boxes[b][0];
      query.min_lat = boxes[b][1];
      query.max_lon = boxes[b][2];
      query.max_lat = boxes[b][3];

      for (i = 0; i < all->len; i++)
        if (in_box (g_ptr_array_index (all, i), boxes[b][0], boxes[b][1], boxes[b][2], boxes[b][3]))
          g_ptr_array_add (expected, g_ptr_array_index (all, i));

      found = bd_store_query (f->store, &query, &error);
      g_assert_no_error (error);
      g_test_message ("box %u: %u reports", b, expected->len);
      g_assert_cmpuint (found->len, ==, expected->len);
      /* same order too: both newest first */
      for (i = 0; i < found->len; i++)
        g_assert_cmpstr (bd_report_get_id (g_ptr_array_index (found, i)), ==,
                         bd_report_get_id (g_ptr_array_index (expected, i)));
    }
}

static void
test_filters (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = NULL;
  BdQuery query = { 0 };
  guint n_ward = 0, n_cat = 0, n_status = 0, n_combo = 0, n_text = 0;
  guint i;
  GDateTime *prev = NULL;

  g_assert_true (bd_demo_fill_store (f->store, 2000, 99, &error));
  g_assert_no_error (error);
  all = bd_store_query (f->store, NULL, &error);
  g_assert_no_error (error);

  for (i = 0; i < all->len; i++)
    {
      BdReport *r = g_ptr_array_index (all, i);
      gboolean ward = g_str_equal (bd_report_get_ward (r), KITA);
      gboolean cat = g_str_equal (bd_report_get_category (r), "road");
      gboolean status = g_str_equal (bd_report_get_status (r), "confirmed");

      n_ward += ward;
      n_cat += cat;
      n_status += status;
      n_combo += ward && cat && status;
      n_text += strstr (bd_report_get_title (r), "冠水") != NULL ||
                strstr (bd_report_get_description (r), "冠水") != NULL;

      /* newest first */
      if (prev != NULL)
        g_assert_cmpint (g_date_time_compare (prev, bd_report_get_updated_at (r)), >=, 0);
      prev = bd_report_get_updated_at (r);
    }
  g_assert_cmpuint (n_ward, >, 0);
  g_assert_cmpuint (n_text, >, 0);

  query.ward = KITA;
  g_assert_cmpuint (count_query (f->store, &query), ==, n_ward);
  query.ward = NULL;
  query.category = "road";
  g_assert_cmpuint (count_query (f->store, &query), ==, n_cat);
  query.category = NULL;
  query.status = "confirmed";
  g_assert_cmpuint (count_query (f->store, &query), ==, n_status);
  query.ward = KITA;
  query.category = "road";
  g_assert_cmpuint (count_query (f->store, &query), ==, n_combo);
  memset (&query, 0, sizeof query);
  query.text = "冠水";
  g_assert_cmpuint (count_query (f->store, &query), ==, n_text);
  query.text = "  ";
  g_assert_cmpuint (count_query (f->store, &query), ==, 2000);
  query.text = "\"*";
  g_assert_cmpuint (count_query (f->store, &query), ==, 0);
  query.text = NULL;
  query.limit = 25;
  g_assert_cmpuint (count_query (f->store, &query), ==, 25);
  query.ward = "";
  g_assert_cmpuint (count_query (f->store, &query), ==, 25);
}

static void
test_readers (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdStoreReader) reader = NULL;
  g_autoptr(GArray) a = NULL;
  g_autoptr(GArray) b = NULL;
  g_autoptr(GArray) points = NULL;
  g_autoptr(BdReport) report = make_report ("北区 扇町付近 火災", "fire", KITA_LAT, KITA_LON);
  BdQuery query = { 0 };
  guint i;

  g_assert_true (bd_demo_fill_store (f->store, 500, 3, &error));
  g_assert_no_error (error);

  reader = bd_store_reader_open (f->path, &error);
  g_assert_no_error (error);

  query.category = "water";
  query.text = "断水";
  a = bd_store_query_rowids (f->store, &query, &error);
  g_assert_no_error (error);
  b = bd_store_reader_query_rowids (reader, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (a->len, >, 0);
  g_assert_cmpuint (a->len, ==, b->len);
  g_assert_cmpmem (a->data, a->len * sizeof (gint64), b->data, b->len * sizeof (gint64));

  points = bd_store_reader_load_points (reader, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (points->len, ==, 500);
  for (i = 0; i < points->len; i++)
    {
      BdPoint *p = &g_array_index (points, BdPoint, i);
      g_autoptr(BdReport) r = bd_store_get_report_by_rowid (f->store, p->rowid, &error);
      double x, y;
      guint n_statuses;

      g_assert_no_error (error);
      g_assert_cmpfloat (p->x, >=, 0.0);
      g_assert_cmpfloat (p->x, <, 1.0);
      g_assert_cmpfloat (p->y, >=, 0.0);
      g_assert_cmpfloat (p->y, <, 1.0);
      bd_project_mercator (bd_report_get_latitude (r), bd_report_get_longitude (r), &x, &y);
      g_assert_cmpfloat (p->x, ==, x);
      g_assert_cmpfloat (p->y, ==, y);
      g_assert_cmpint (p->category, ==, bd_catalog_category_index (bd_report_get_category (r)));
      g_assert_cmpint (p->severity, ==, bd_report_get_severity (r));
      g_assert_cmpstr (bd_catalog_get_statuses (&n_statuses)[p->status].code, ==,
                       bd_report_get_status (r));
      if (i > 0)
        g_assert_cmpint (p->rowid, >, g_array_index (points, BdPoint, i - 1).rowid);
    }
  g_clear_pointer (&points, g_array_unref);

  /* a reader sees what the store commits after it opened */
  g_assert_true (bd_store_save_report (f->store, report, "tester", &error));
  g_assert_no_error (error);
  points = bd_store_reader_load_points (reader, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (points->len, ==, 501);
  g_assert_true (bd_store_delete_report (f->store, bd_report_get_id (report), "tester", &error));
  g_clear_pointer (&points, g_array_unref);
  points = bd_store_reader_load_points (reader, &error);
  g_assert_cmpuint (points->len, ==, 500);
}

typedef struct
{
  GMainLoop *loop;
  GArray    *result;
  GError    *error;
} AsyncData;

static void
rowids_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  AsyncData *data = user_data;

  data->result = bd_store_query_rowids_finish (BD_STORE (object), result, &data->error);
  g_main_loop_quit (data->loop);
}

static void
points_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  AsyncData *data = user_data;

  data->result = bd_store_load_points_finish (BD_STORE (object), result, &data->error);
  g_main_loop_quit (data->loop);
}

static void
test_async (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GArray) expected = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  AsyncData async = { loop, NULL, NULL };
  BdQuery query = { 0 };
  char ward[] = KITA;

  g_assert_true (bd_demo_fill_store (f->store, 1000, 11, &error));
  g_assert_no_error (error);

  query.ward = ward;
  expected = bd_store_query_rowids (f->store, &query, &error);
  g_assert_no_error (error);

  /* the query's strings are copied: clobber ours before the thread runs */
  bd_store_query_rowids_async (f->store, &query, NULL, rowids_cb, &async);
  ward[0] = 'X';
  g_main_loop_run (loop);
  g_assert_no_error (async.error);
  g_assert_cmpuint (async.result->len, ==, expected->len);
  g_assert_cmpmem (async.result->data, async.result->len * sizeof (gint64),
                   expected->data, expected->len * sizeof (gint64));
  g_clear_pointer (&async.result, g_array_unref);

  bd_store_load_points_async (f->store, NULL, points_cb, &async);
  g_main_loop_run (loop);
  g_assert_no_error (async.error);
  g_assert_cmpuint (async.result->len, ==, 1000);
  g_clear_pointer (&async.result, g_array_unref);

  g_cancellable_cancel (cancellable);
  bd_store_load_points_async (f->store, cancellable, points_cb, &async);
  g_main_loop_run (loop);
  g_assert_error (async.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (async.result);
  g_clear_error (&async.error);
}

static void
test_points_many (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdStoreReader) reader = NULL;
  g_autoptr(GArray) points = NULL;
  guint n_categories;
  gint64 last_rowid = 0;
  guint i;

  /* How fast points load is measured by tests/bench-store, not here. */
  bd_catalog_get_categories (&n_categories);
  g_assert_true (bd_demo_fill_store (f->store, 20000, 7, &error));
  g_assert_no_error (error);

  reader = bd_store_reader_open (f->path, &error);
  g_assert_no_error (error);
  points = bd_store_reader_load_points (reader, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (points->len, ==, 20000);
  g_assert_cmpint (bd_store_count (f->store), ==, 20000);
  for (i = 0; i < points->len; i++)
    {
      const BdPoint *p = &g_array_index (points, BdPoint, i);

      g_assert_cmpint (p->rowid, >, last_rowid);
      last_rowid = p->rowid;
      g_assert_cmpuint (p->category, <, n_categories);
      g_assert_cmpuint (p->severity, >=, 1);
      g_assert_cmpuint (p->severity, <=, 4);
    }
}

static void
test_sync_state (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *v1 = NULL;
  g_autofree char *v2 = NULL;
  g_autofree char *v3 = NULL;
  g_autofree char *v0 = NULL;

  g_assert_true (bd_store_read_sync_state (f->store, "cursor", &v0, &error));
  g_assert_null (v0);
  g_assert_true (bd_store_set_sync_state (f->store, "cursor", "17", &error));
  g_assert_no_error (error);
  g_assert_true (bd_store_read_sync_state (f->store, "cursor", &v1, &error));
  g_assert_cmpstr (v1, ==, "17");
  g_assert_true (bd_store_set_sync_state (f->store, "cursor", "1024", &error));
  g_assert_true (bd_store_read_sync_state (f->store, "cursor", &v2, &error));
  g_assert_cmpstr (v2, ==, "1024");
  g_assert_true (bd_store_set_sync_state (f->store, "server", "http://127.0.0.1:8080", &error));
  g_assert_true (bd_store_read_sync_state (f->store, "cursor", &v3, &error));
  g_assert_cmpstr (v3, ==, "1024");
}

static void
test_mercator (void)
{
  double x, y;

  bd_project_mercator (0, 0, &x, &y);
  g_assert_cmpfloat_with_epsilon (x, 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (y, 0.5, 1e-12);
  bd_project_mercator (85.05112878, 180, &x, &y);
  g_assert_cmpfloat (x, <, 1.0);
  g_assert_cmpfloat_with_epsilon (y, 0.0, 1e-9);
  bd_project_mercator (-89, -180, &x, &y);
  g_assert_cmpfloat (x, ==, 0.0);
  g_assert_cmpfloat (y, <, 1.0);
  /* Osaka: tile 14/14358/6506 holds 34.7, 135.5 */
  bd_project_mercator (34.7, 135.5, &x, &y);
  g_assert_cmpint ((int) (x * (1 << 14)), ==, 14358);
  g_assert_cmpint ((int) (y * (1 << 14)), ==, 6506);
}

/* Photos: only images, bounded, content-addressed, kept until uploaded. */
static void
test_attachments (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static ("\x89PNG\r\n\x1a\n....", 12);
  g_autoptr(GBytes) again = NULL;
  g_autoptr(GBytes) huge = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *twice = NULL;
  g_autofree char *type = NULL;
  char *none;

  sha256 = bd_store_add_attachment (f->store, bytes, "image/png", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (sha256), ==, 64);
  twice = bd_store_add_attachment (f->store, bytes, "image/png", &error);
  g_assert_cmpstr (twice, ==, sha256);
  g_assert_cmpint (query_int (_bd_store_get_connection (f->store),
                              "SELECT count(*) FROM attachments"), ==, 1);
  again = bd_store_get_attachment (f->store, sha256, &type, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (again, bytes));
  g_assert_cmpstr (type, ==, "image/png");
  g_assert_true (bd_store_attachment_needs_upload (f->store, sha256));
  g_assert_true (bd_store_mark_attachment_uploaded (f->store, sha256, &error));
  g_assert_false (bd_store_attachment_needs_upload (f->store, sha256));

  none = bd_store_add_attachment (f->store, bytes, "text/html", &error);
  g_assert_null (none);
  g_assert_error (error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  huge = g_bytes_new_take (g_malloc0 (BD_STORE_MAX_ATTACHMENT_BYTES + 1),
                           BD_STORE_MAX_ATTACHMENT_BYTES + 1);
  none = bd_store_add_attachment (f->store, huge, "image/jpeg", &error);
  g_assert_null (none);
  g_assert_error (error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (bd_store_get_attachment (f->store, "00", NULL, &error));
  g_assert_error (error, BD_STORE_ERROR, BD_STORE_ERROR_NOT_FOUND);
}

/* A merge writes the merged report, keeps the server copy as the base,
 * holds the outbox row back while a conflict waits, and settling it lets
 * the row go. */
static void
test_merge_settle (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(BdReport) report = make_report ("橋梁損傷", "road", 34.70, 135.50);
  g_autoptr(BdReport) server = NULL;
  g_autoptr(BdReport) local = NULL;
  g_autoptr(BdReport) merged = NULL;
  g_autoptr(BdReport) base = NULL;
  g_autoptr(GPtrArray) ready = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GError) error = NULL;
  const char *conflicts[] = { "title", NULL };
  const char *id;

  g_assert_true (bd_store_save_report (f->store, report, "test", &error));
  id = bd_report_get_id (report);
  /* the server took it as rev 1 */
  server = bd_report_copy (report);
  bd_report_set_rev (server, 1);
  outbox = bd_store_list_outbox (f->store, &error);
  g_assert_true (bd_store_ack_outbox_entry (f->store,
                                            ((BdOutboxEntry *) g_ptr_array_index (outbox, 0))->seq,
                                            server, &error));
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count_outbox (f->store), ==, 0);
  g_clear_pointer (&outbox, g_ptr_array_unref);

  /* a local edit keeps the server's copy as its base */
  local = bd_store_get_report (f->store, id, &error);
  g_assert_cmpint (bd_report_get_rev (local), ==, 1);
  bd_report_set_title (local, "橋梁損傷（通行止め）");
  g_assert_true (bd_store_save_report (f->store, local, "test", &error));
  base = bd_store_get_server_copy (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bd_report_get_title (base), ==, "橋梁損傷");
  g_assert_cmpint (bd_report_get_rev (base), ==, 1);

  /* the server changed the title too (rev 2): a conflict */
  g_clear_object (&server);
  server = bd_report_copy (base);
  bd_report_set_title (server, "橋梁損傷（片側通行）");
  bd_report_set_rev (server, 2);
  merged = bd_report_copy (local);
  g_assert_true (bd_store_apply_merge (f->store, merged, server, conflicts, &error));
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count_conflicts (f->store), ==, 1);
  g_assert_cmpint (bd_store_count_outbox (f->store), ==, 1);
  ready = bd_store_list_outbox_ready (f->store, &error);
  g_assert_cmpuint (ready->len, ==, 0);
  g_clear_pointer (&ready, g_ptr_array_unref);
  g_clear_object (&base);
  base = bd_store_get_server_copy (f->store, id, &error);
  g_assert_cmpstr (bd_report_get_title (base), ==, "橋梁損傷（片側通行）");

  /* settling a field that has no conflict is an error, and changes nothing */
  g_assert_false (bd_store_settle_conflict (f->store, id, "severity", BD_CONFLICT_KEEP_LOCAL,
                                            "test", &error));
  g_assert_error (error, BD_STORE_ERROR, BD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (bd_store_count_conflicts (f->store), ==, 1);

  g_assert_true (bd_store_settle_conflict (f->store, id, "title", BD_CONFLICT_KEEP_LOCAL,
                                           "test", &error));
  g_assert_no_error (error);
  ready = bd_store_list_outbox_ready (f->store, &error);
  g_assert_cmpuint (ready->len, ==, 1);
  g_assert_cmpint (((BdOutboxEntry *) g_ptr_array_index (ready, 0))->base_rev, ==, 2);
  g_assert_nonnull (strstr (((BdOutboxEntry *) g_ptr_array_index (ready, 0))->payload,
                            "橋梁損傷（通行止め）"));
}

static void
on_async_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/* Photos off the main thread: hashed, written and read by the store on a
 * worker, through one connection of its own opened once. */
static void
test_attachments_async (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static ("\x89PNG\r\n\x1a\n....", 12);
  g_autoptr(GBytes) other = g_bytes_new_static ("\xff\xd8\xff\xe0 jpeg", 10);
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *sha256_2 = NULL;
  g_autofree char *type = NULL;
  g_autoptr(GBytes) read = NULL;
  gpointer photo_db;

  bd_store_add_attachment_async (f->store, bytes, "image/png", NULL, on_async_done_cb, &result);
  sha256 = bd_store_add_attachment_finish (f->store, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (sha256), ==, 64);
  g_clear_object (&result);
  /* the main connection sees it at once */
  read = bd_store_get_attachment (f->store, sha256, &type, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (read, bytes));
  g_assert_true (bd_store_attachment_needs_upload (f->store, sha256));
  g_clear_pointer (&read, g_bytes_unref);
  g_clear_pointer (&type, g_free);

  /* the same connection serves every photo */
  photo_db = f->store->photo_db;
  g_assert_nonnull (photo_db);
  bd_store_add_attachment_async (f->store, other, "image/jpeg", NULL, on_async_done_cb, &result);
  sha256_2 = bd_store_add_attachment_finish (f->store, wait_result (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_true (f->store->photo_db == photo_db);

  bd_store_read_attachment_async (f->store, sha256, NULL, on_async_done_cb, &result);
  read = bd_store_read_attachment_finish (f->store, wait_result (&result), &type, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (read, bytes));
  g_assert_cmpstr (type, ==, "image/png");
  g_clear_object (&result);
  g_clear_pointer (&read, g_bytes_unref);

  /* refused and missing photos */
  bd_store_add_attachment_async (f->store, bytes, "text/html", NULL, on_async_done_cb, &result);
  g_assert_null (bd_store_add_attachment_finish (f->store, wait_result (&result), &error));
  g_assert_error (error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_object (&result);
  bd_store_read_attachment_async (f->store, "00", NULL, on_async_done_cb, &result);
  g_assert_null (bd_store_read_attachment_finish (f->store, wait_result (&result), NULL, &error));
  g_assert_error (error, BD_STORE_ERROR, BD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_object (&result);

}

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/bd/store/pragmas", test_pragmas);
  ADD ("/bd/store/crud", test_crud);
  ADD ("/bd/store/not-found", test_not_found);
  ADD ("/bd/store/validation", test_validation);
  ADD ("/bd/store/outbox-history", test_outbox_history);
  ADD ("/bd/store/changed-signal", test_changed_signal);
  ADD ("/bd/store/batch-upsert", test_batch_upsert);
  g_test_add_func ("/bd/store/migration", test_migration);
  g_test_add_func ("/bd/store/newer-version", test_newer_version);
  g_test_add_func ("/bd/store/not-a-database", test_not_a_database);
  ADD ("/bd/store/bbox", test_bbox);
  ADD ("/bd/store/filters", test_filters);
  ADD ("/bd/store/readers", test_readers);
  ADD ("/bd/store/async", test_async);
  ADD ("/bd/store/sync-state", test_sync_state);
  g_test_add_func ("/bd/store/mercator", test_mercator);
  ADD ("/bd/store/points-many", test_points_many);
  ADD ("/bd/store/attachments", test_attachments);
  ADD ("/bd/store/merge-settle", test_merge_settle);
  ADD ("/bd/store/delete-unsent", test_delete_unsent);
  ADD ("/bd/store/delete-unsent-lost-answer", test_delete_unsent_lost_answer);
  ADD ("/bd/store/taken-back-in-flight", test_taken_back_in_flight);
  ADD ("/bd/store/sync-state-error", test_sync_state_error);
  ADD ("/bd/store/history-damaged", test_history_damaged);
  ADD ("/bd/store/restore-after-sending", test_restore_after_sending);
  ADD ("/bd/store/import", test_import);
  ADD ("/bd/store/import-refused", test_import_refused);
  ADD ("/bd/store/save-over", test_save_over);
  ADD ("/bd/store/attachments-async", test_attachments_async);

  return g_test_run ();
}
