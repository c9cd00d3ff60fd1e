/* test-workflow.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "bd-departments.h"
#include "bd-report.h"
#include "bd-report-fields.h"
#include "bd-store.h"
#include "bd-store-private.h"
#include "bd-store-sync.h"
#include "bd-workflow.h"

#define KITA "271276"

/* Every status of DOMAIN.md A, in the catalog's order, and NULL: a report
 * not saved yet. */
static const char * const statuses[] = {
  "new", "confirmed", "in_progress", "resolved", "duplicate", "false_report",
};

/* The expected rule, written out by hand: row = from, column = to, in the
 * order of statuses[]; the last row is from NULL (a new report). */
static const gboolean allowed[7][6] = {
  /*                new  conf  prog  res   dup   false */
  /* new */       { 1,   1,    0,    0,    1,    1 },
  /* confirmed */ { 1,   1,    1,    0,    1,    1 },
  /* in_progr. */ { 0,   1,    1,    1,    1,    1 },
  /* resolved */  { 0,   0,    1,    1,    0,    0 },
  /* duplicate */ { 1,   1,    0,    0,    1,    0 },
  /* false_r. */  { 1,   1,    0,    0,    0,    1 },
  /* (none) */    { 1,   1,    0,    0,    0,    0 },
};

static void
test_every_move (void)
{
  guint n_allowed = 0, n_refused = 0;

  for (guint i = 0; i < 7; i++)
    for (guint j = 0; j < G_N_ELEMENTS (statuses); j++)
      {
        const char *from = i < 6 ? statuses[i] : NULL;
        const char *to = statuses[j];
        g_autoptr(GError) error = NULL;
        gboolean ok = bd_workflow_check (from, to, &error);

        g_test_message ("%s → %s: %s", from ? from : "(new report)", to,
                        ok ? "allowed" : error->message);
        g_assert_cmpint (bd_workflow_allows (from, to), ==, allowed[i][j]);
        g_assert_cmpint (ok, ==, allowed[i][j]);
        if (ok)
          {
            g_assert_no_error (error);
            n_allowed++;
          }
        else
          {
            g_assert_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_STATUS);
            n_refused++;
          }
      }

  /* 42 moves: 24 allowed (6 of them staying), 18 refused */
  g_assert_cmpuint (n_allowed, ==, 24);
  g_assert_cmpuint (n_refused, ==, 18);
}

static void
test_next_statuses (void)
{
  for (guint i = 0; i < 7; i++)
    {
      const char *from = i < 6 ? statuses[i] : NULL;
      g_auto(GStrv) next = bd_workflow_next_statuses (from);
      guint expected = 0;

      for (guint j = 0; j < G_N_ELEMENTS (statuses); j++)
        {
          expected += allowed[i][j];
          g_assert_cmpint (g_strv_contains ((const char * const *) next, statuses[j]), ==,
                           allowed[i][j]);
        }
      g_assert_cmpuint (g_strv_length (next), ==, expected);
      /* the current status comes first */
      if (from != NULL)
        g_assert_cmpstr (next[0], ==, from);
    }

  /* the order otherwise follows the catalog */
  {
    g_auto(GStrv) next = bd_workflow_next_statuses ("confirmed");
    const char * const expected[] = { "confirmed", "new", "in_progress", "duplicate",
                                      "false_report", NULL };

    g_assert_true (g_strv_equal ((const char * const *) next, expected));
  }
}

static void
test_odd_values (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) next = NULL;

  /* nothing, or an empty status, is never a target */
  g_assert_false (bd_workflow_allows ("new", NULL));
  g_assert_false (bd_workflow_allows ("new", ""));
  /* "" as the origin is a new report */
  g_assert_true (bd_workflow_allows ("", "confirmed"));
  g_assert_false (bd_workflow_allows ("", "resolved"));
  /* a status this version does not know (a newer server's): stay, or back to new */
  g_assert_true (bd_workflow_allows ("escalated", "escalated"));
  g_assert_true (bd_workflow_allows ("escalated", "new"));
  g_assert_false (bd_workflow_allows ("escalated", "resolved"));
  next = bd_workflow_next_statuses ("escalated");
  g_assert_cmpuint (g_strv_length (next), ==, 2);
  /* an unknown target is refused with a message naming it */
  g_assert_false (bd_workflow_check ("new", "archived", &error));
  g_assert_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_STATUS);
  g_assert_nonnull (strstr (error->message, "archived"));

  g_assert_true (bd_workflow_is_closing ("duplicate"));
  g_assert_true (bd_workflow_is_closing ("false_report"));
  g_assert_false (bd_workflow_is_closing ("resolved"));
  g_assert_false (bd_workflow_is_closing (NULL));
}

/* Stores in a temporary folder */

typedef struct
{
  char    *dir;
  char    *path;
  BdStore *store;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("bd-test-workflow-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "reports.db", NULL);
  f->store = bd_store_open (f->path, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GDir) d = NULL;
  const char *name;

  g_assert_finalize_object (f->store);
  d = g_dir_open (f->dir, 0, NULL);
  while (d != NULL && (name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);

      g_assert_cmpint (g_remove (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (f->dir), ==, 0);
  g_free (f->path);
  g_free (f->dir);
}

static BdReport *
make_report (const char *title)
{
  BdReport *report = bd_report_new ();

  bd_report_set_location (report, 34.704, 135.504);
  bd_report_set_ward (report, KITA);
  bd_report_set_category (report, "road");
  bd_report_set_title (report, title);
  bd_report_set_reporter (report, "北区役所 防災担当");
  return report;
}

static BdHistoryChange *
find_change (BdHistoryEntry *entry,
             const char     *field)
{
  for (guint i = 0; i < entry->changes->len; i++)
    {
      BdHistoryChange *change = g_ptr_array_index (entry->changes, i);

      if (g_str_equal (change->field, field))
        return change;
    }
  return NULL;
}

/* The department: GeoJSON in and out, validation */
static void
test_department_geojson (void)
{
  g_autoptr(BdReport) report = make_report ("梅田 道路冠水");
  g_autoptr(BdReport) back = NULL;
  g_autoptr(BdReport) none = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *without = NULL;

  g_assert_null (bd_report_get_department (report));
  bd_report_set_department (report, "construction");
  text = bd_report_to_geojson (report);
  g_assert_nonnull (strstr (text, "\"department\":\"construction\""));
  back = bd_report_new_from_geojson (text, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bd_report_get_department (back), ==, "construction");
  g_assert_true (bd_report_equal (report, back));
  g_assert_true (bd_report_validate (back, &error));

  /* unassigned: not written, absent or null reads as unassigned */
  bd_report_set_department (report, "");
  g_assert_null (bd_report_get_department (report));
  without = bd_report_to_geojson (report);
  g_assert_null (strstr (without, "department"));
  none = bd_report_new_from_geojson (
    "{\"type\":\"Feature\",\"id\":\"0b6a5f0e-3c1d-4f5e-9a8b-7c6d5e4f3a2b\","
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5,34.7]},"
    "\"properties\":{\"severity\":2,\"department\":null}}", -1, &error);
  g_assert_no_error (error);
  g_assert_null (bd_report_get_department (none));

  /* not text: a parse error; not a code: refused by validation */
  g_assert_null (bd_report_new_from_geojson (
    "{\"type\":\"Feature\",\"id\":\"0b6a5f0e-3c1d-4f5e-9a8b-7c6d5e4f3a2b\","
    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5,34.7]},"
    "\"properties\":{\"severity\":2,\"department\":7}}", -1, &error));
  g_assert_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_PARSE);
  g_clear_error (&error);
  for (guint i = 0; i < 4; i++)
    {
      static const char * const bad[] = { "Fire Dept", "消防局", "fire;drop", NULL };
      g_autofree char *long_code = g_strnfill (BD_REPORT_MAX_DEPARTMENT + 1, 'a');

      bd_report_set_department (report, bad[i] != NULL ? bad[i] : long_code);
      g_assert_false (bd_report_validate (report, &error));
      g_assert_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_DEPARTMENT);
      g_clear_error (&error);
    }
  /* a code no list knows is valid (a retired department stays on its reports) */
  bd_report_set_department (report, "old_bureau-2");
  g_assert_true (bd_report_validate (report, &error));
  g_assert_no_error (error);
}

/* The department is merged like any content field, and conflicts */
static void
test_department_merge (void)
{
  g_autoptr(BdReport) base = make_report ("此花区 倒木");
  g_autoptr(BdReport) local = bd_report_copy (base);
  g_autoptr(BdReport) server = bd_report_copy (base);
  g_autoptr(BdReport) merged = NULL;
  g_auto(GStrv) conflicts = NULL;

  /* one side only: taken */
  bd_report_set_department (server, "fire");
  merged = bd_report_merge3 (base, local, server, &conflicts);
  g_assert_cmpstr (bd_report_get_department (merged), ==, "fire");
  g_assert_cmpuint (g_strv_length (conflicts), ==, 0);
  g_clear_object (&merged);
  g_clear_pointer (&conflicts, g_strfreev);

  /* both sides, differently: the local value stays, named as a conflict */
  bd_report_set_department (local, "construction");
  merged = bd_report_merge3 (base, local, server, &conflicts);
  g_assert_cmpstr (bd_report_get_department (merged), ==, "construction");
  g_assert_cmpstrv (conflicts, ((const char * const[]) { "department", NULL }));
}

/* Store: the department column, the filters, a merge that conflicts and
 * its settling */
static void
test_department_store (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdReport) a = make_report ("A");
  g_autoptr(BdReport) b = make_report ("B");
  g_autoptr(BdReport) c = make_report ("C");
  g_autoptr(BdReport) loaded = NULL;
  g_autoptr(BdReport) server = NULL;
  g_autoptr(BdReport) merged = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;
  g_auto(GStrv) both = NULL;
  BdQuery query = { 0 };
  GArray *rowids;

  bd_report_set_department (a, "fire");
  bd_report_set_department (b, "construction");
  g_assert_true (bd_store_save_report (f->store, a, "t", &error));
  g_assert_true (bd_store_save_report (f->store, b, "t", &error));
  g_assert_true (bd_store_save_report (f->store, c, "t", &error));
  g_assert_no_error (error);

  loaded = bd_store_get_report (f->store, bd_report_get_id (a), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bd_report_get_department (loaded), ==, "fire");

  query.department = "fire";
  rowids = bd_store_query_rowids (f->store, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rowids->len, ==, 1);
  g_array_unref (rowids);
  query.department = NULL;
  query.unassigned = TRUE;
  rowids = bd_store_query_rowids (f->store, &query, &error);
  g_assert_cmpuint (rowids->len, ==, 1);
  g_array_unref (rowids);
  /* a department wins over "unassigned" */
  query.department = "construction";
  rowids = bd_store_query_rowids (f->store, &query, &error);
  g_assert_cmpuint (rowids->len, ==, 1);
  g_array_unref (rowids);
  /* with the area (the R*Tree's query) too */
  query.has_bbox = TRUE;
  query.min_lon = 135.4;
  query.max_lon = 135.6;
  query.min_lat = 34.6;
  query.max_lat = 34.8;
  rowids = bd_store_query_rowids (f->store, &query, &error);
  g_assert_cmpuint (rowids->len, ==, 1);
  g_array_unref (rowids);

  /* the server had A (rev 1) and moved it to the construction bureau while
   * this desk moved it to the water works: a conflict on department */
  g_clear_object (&loaded);
  loaded = bd_store_get_report (f->store, bd_report_get_id (a), &error);
  server = bd_report_copy (loaded);
  bd_report_set_rev (server, 1);
  bd_report_set_seq (server, 1);
  bd_report_set_department (server, "construction");
  bd_report_set_department (loaded, "waterworks");
  merged = bd_report_merge3 (a, loaded, server, &both);
  g_assert_cmpstrv (both, ((const char * const[]) { "department", NULL }));
  g_assert_true (bd_store_apply_merge (f->store, merged, server, (const char * const *) both,
                                       &error));
  g_assert_no_error (error);
  conflicts = bd_store_list_conflicts (f->store, bd_report_get_id (a), &error);
  g_assert_cmpuint (conflicts->len, ==, 1);
  g_assert_cmpstr (((BdConflict *) g_ptr_array_index (conflicts, 0))->field, ==, "department");
  g_assert_true (bd_store_settle_conflict (f->store, bd_report_get_id (a), "department",
                                           BD_CONFLICT_TAKE_SERVER, "t", &error));
  g_assert_no_error (error);
  g_clear_object (&loaded);
  loaded = bd_store_get_report (f->store, bd_report_get_id (a), &error);
  g_assert_cmpstr (bd_report_get_department (loaded), ==, "construction");
}

/* A person's edit: the store refuses a move the workflow does not allow,
 * and keeps old and new values in the history */
static void
test_history_local (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdReport) report = make_report ("城東区 停電");
  g_autoptr(BdReport) original = NULL;
  g_autoptr(BdReport) edited = NULL;
  g_autoptr(BdReport) bad = make_report ("resolved at once");
  g_autoptr(GPtrArray) history = NULL;
  g_autofree char *id = g_strdup (bd_report_get_id (report));
  BdHistoryEntry *entry;
  BdHistoryChange *change;
  g_autofree char *old_text = NULL;
  g_autofree char *new_text = NULL;

  g_assert_true (bd_store_save_report_over (f->store, NULL, report, "北区役所", NULL, &error));
  g_assert_no_error (error);

  /* a new report cannot start resolved */
  bd_report_set_status (bad, "resolved");
  g_assert_false (bd_store_save_report_over (f->store, NULL, bad, "北区役所", NULL, &error));
  g_assert_error (error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (bd_store_count (f->store), ==, 1);

  /* new → resolved skips steps: refused, nothing written */
  original = bd_store_get_report (f->store, id, &error);
  edited = bd_report_copy (original);
  bd_report_set_status (edited, "resolved");
  g_assert_false (bd_store_save_report_over (f->store, original, edited, "北区役所", NULL, &error));
  g_assert_error (error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "resolved"));
  g_clear_error (&error);

  /* new → confirmed, and assigned */
  bd_report_set_status (edited, "confirmed");
  bd_report_set_department (edited, "fire");
  bd_report_set_severity (edited, 3);
  g_assert_true (bd_store_save_report_over (f->store, original, edited, "危機管理室", NULL, &error));
  g_assert_no_error (error);

  history = bd_store_list_history (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 2);

  /* the create: every content field, old null */
  entry = g_ptr_array_index (history, 0);
  g_assert_cmpstr (entry->op, ==, "create");
  g_assert_cmpuint (entry->changes->len, ==, g_strv_length (entry->fields));
  change = find_change (entry, "title");
  g_assert_true (JSON_NODE_HOLDS_NULL (change->old_value));
  g_assert_cmpstr (json_node_get_string (change->new_value), ==, "城東区 停電");
  change = find_change (entry, "geometry");
  new_text = bd_report_field_format_json ("geometry", change->new_value);
  g_assert_cmpstr (new_text, ==, "34.70400, 135.50400");
  g_clear_pointer (&new_text, g_free);

  /* the edit: the three fields, old → new, shown with the table's labels */
  entry = g_ptr_array_index (history, 1);
  g_assert_cmpstr (entry->op, ==, "update");
  g_assert_cmpstr (entry->actor, ==, "危機管理室");
  g_assert_cmpuint (entry->changes->len, ==, 3);
  change = find_change (entry, "status");
  g_assert_cmpstr (json_node_get_string (change->old_value), ==, "new");
  g_assert_cmpstr (json_node_get_string (change->new_value), ==, "confirmed");
  old_text = bd_report_field_format_json ("status", change->old_value);
  new_text = bd_report_field_format_json ("status", change->new_value);
  g_assert_cmpstr (old_text, ==, "new (unconfirmed)");
  g_assert_cmpstr (new_text, ==, "confirmed");
  g_clear_pointer (&old_text, g_free);
  g_clear_pointer (&new_text, g_free);
  change = find_change (entry, "department");
  g_assert_true (JSON_NODE_HOLDS_NULL (change->old_value));
  old_text = bd_report_field_format_json ("department", change->old_value);
  new_text = bd_report_field_format_json ("department", change->new_value);
  g_assert_cmpstr (old_text, ==, "Unassigned");
  g_assert_cmpstr (new_text, ==, "Fire Department");
  g_clear_pointer (&old_text, g_free);
  g_clear_pointer (&new_text, g_free);
  change = find_change (entry, "severity");
  g_assert_cmpint (json_node_get_int (change->old_value), ==, 2);
  g_assert_cmpint (json_node_get_int (change->new_value), ==, 3);
  new_text = bd_report_field_format_json ("severity", change->new_value);
  g_assert_cmpstr (new_text, ==, "severe");
  g_clear_pointer (&new_text, g_free);
  /* what does not read as the field is shown as it is */
  {
    g_autoptr(JsonNode) odd = json_from_string ("[1,2]", NULL);

    new_text = bd_report_field_format_json ("severity", odd);
    g_assert_cmpstr (new_text, ==, "[1,2]");
    g_clear_pointer (&new_text, g_free);
  }
}

/* Pulled pages write history rows of what the server changed */
static void
test_history_pulled (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdReport) report = make_report ("港区 岸壁 損傷");
  g_autoptr(BdReport) changed = NULL;
  g_autoptr(GPtrArray) page = g_ptr_array_new ();
  g_autoptr(GPtrArray) history = NULL;
  BdHistoryEntry *entry;
  BdHistoryChange *change;

  bd_report_set_rev (report, 1);
  bd_report_set_seq (report, 1);
  g_ptr_array_add (page, report);
  g_assert_true (bd_store_apply_pulled (f->store, page, NULL, NULL, "cursor", 1, NULL, &error));
  g_assert_no_error (error);

  /* the same copy again (an echo): no row */
  g_assert_true (bd_store_apply_pulled (f->store, page, NULL, NULL, "cursor", 1, NULL, &error));

  changed = bd_report_copy (report);
  bd_report_set_rev (changed, 2);
  bd_report_set_seq (changed, 2);
  bd_report_set_department (changed, "port");
  bd_report_set_status (changed, "resolved");   /* skipped steps: the server's, taken */
  g_ptr_array_index (page, 0) = changed;
  g_assert_true (bd_store_apply_pulled (f->store, page, NULL, NULL, "cursor", 2, NULL, &error));
  g_assert_no_error (error);

  history = bd_store_list_history (f->store, bd_report_get_id (report), &error);
  g_assert_cmpuint (history->len, ==, 2);
  entry = g_ptr_array_index (history, 0);
  g_assert_cmpstr (entry->op, ==, "pull");
  g_assert_cmpstr (entry->actor, ==, "北区役所 防災担当");
  entry = g_ptr_array_index (history, 1);
  g_assert_cmpstr (entry->op, ==, "pull");
  g_assert_cmpuint (entry->changes->len, ==, 2);
  change = find_change (entry, "status");
  g_assert_cmpstr (json_node_get_string (change->old_value), ==, "new");
  g_assert_cmpstr (json_node_get_string (change->new_value), ==, "resolved");
  change = find_change (entry, "department");
  g_assert_true (JSON_NODE_HOLDS_NULL (change->old_value));
  g_assert_cmpstr (json_node_get_string (change->new_value), ==, "port");

  /* with no reporter, the actor is the server */
  {
    g_autoptr(BdReport) anonymous = make_report ("匿名");
    g_autoptr(GPtrArray) one = g_ptr_array_new ();

    bd_report_set_reporter (anonymous, "");
    bd_report_set_rev (anonymous, 1);
    bd_report_set_seq (anonymous, 3);
    g_ptr_array_add (one, anonymous);
    g_assert_true (bd_store_apply_pulled (f->store, one, NULL, NULL, "cursor", 3, NULL, &error));
    g_clear_pointer (&history, g_ptr_array_unref);
    history = bd_store_list_history (f->store, bd_report_get_id (anonymous), &error);
    g_assert_cmpstr (((BdHistoryEntry *) g_ptr_array_index (history, 0))->actor, ==, "server");
  }
}

/* Rows written before schema 8 have no values: read with none */
static void
test_history_old_rows (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdReport) report = make_report ("旧");
  g_autoptr(GPtrArray) history = NULL;
  sqlite3 *db = NULL;

  g_assert_true (bd_store_save_report (f->store, report, "t", &error));
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE history SET changes = NULL", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO history (report_id, at, op, fields, changes)"
                                 " SELECT report_id, at, 'update', '[\"title\"]', '[{\"field\": 3}'"
                                 " FROM history", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  history = bd_store_list_history (f->store, bd_report_get_id (report), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      BdHistoryEntry *entry = g_ptr_array_index (history, i);

      g_assert_nonnull (entry->changes);
      g_assert_cmpuint (entry->changes->len, ==, 0);
      g_assert_cmpuint (g_strv_length (entry->fields), >, 0);
    }
}

/* The store's list of departments: seeded from the resource, edited by hq */
static void
test_departments_list (Fixture       *f,
                       gconstpointer  data)
{
  static const char * const seeded[] = {
    "crisis_management", "fire", "construction", "waterworks", "environment", "health",
    "welfare", "urban_development", "city_planning", "port", "children", "education",
    "civic_affairs", "ward_office",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = bd_store_list_departments (f->store, &error);
  g_autoptr(BdDepartment) added = bd_department_new ("debris", "災害廃棄物対策室",
                                                     "Disaster Waste Office", FALSE);
  g_autoptr(BdDepartment) bad = NULL;
  g_autofree char *label = NULL;
  BdDepartment *first;

  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, G_N_ELEMENTS (seeded));
  for (guint i = 0; i < list->len; i++)
    {
      BdDepartment *department = g_ptr_array_index (list, i);

      g_assert_cmpstr (department->code, ==, seeded[i]);
      g_assert_false (department->retired);
      g_assert_true (bd_departments_check (department, NULL));
    }
  first = g_ptr_array_index (list, 0);
  g_assert_cmpstr (first->name_ja, ==, "危機管理室");
  g_clear_pointer (&list, g_ptr_array_unref);

  /* add, rename, retire */
  g_assert_true (bd_store_save_department (f->store, added, &error));
  g_assert_no_error (error);
  g_free (added->name_en);
  added->name_en = g_strdup ("Disaster Waste Management Office");
  added->retired = TRUE;
  g_assert_true (bd_store_save_department (f->store, added, &error));
  list = bd_store_list_departments (f->store, &error);
  g_assert_cmpuint (list->len, ==, G_N_ELEMENTS (seeded) + 1);
  first = g_ptr_array_index (list, list->len - 1);
  g_assert_cmpstr (first->code, ==, "debris");
  g_assert_cmpstr (first->name_en, ==, "Disaster Waste Management Office");
  g_assert_true (first->retired);

  /* labels come from the list the application sets */
  bd_departments_set_current (list);
  label = bd_departments_dup_label ("debris");
  g_assert_cmpstr (label, ==, "Disaster Waste Management Office");
  g_clear_pointer (&label, g_free);
  label = bd_departments_dup_label ("nobody_knows");
  g_assert_cmpstr (label, ==, "nobody_knows");
  bd_departments_set_current (NULL);

  /* refused: a bad code, a missing or too long name */
  bad = bd_department_new ("Debris Office", "災害廃棄物", "Debris", FALSE);
  g_assert_false (bd_store_save_department (f->store, bad, &error));
  g_assert_error (error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_free (bad->code);
  bad->code = g_strdup ("debris2");
  g_free (bad->name_ja);
  bad->name_ja = g_strdup ("  ");
  g_assert_false (bd_store_save_department (f->store, bad, &error));
  g_assert_error (error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_free (bad->name_ja);
  bad->name_ja = g_strnfill (BD_DEPARTMENT_MAX_NAME + 1, 'x');
  g_assert_false (bd_store_save_department (f->store, bad, &error));
  g_clear_error (&error);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = bd_store_list_departments (f->store, &error);
  g_assert_cmpuint (list->len, ==, G_N_ELEMENTS (seeded) + 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bd/workflow/every-move", test_every_move);
  g_test_add_func ("/bd/workflow/next-statuses", test_next_statuses);
  g_test_add_func ("/bd/workflow/odd-values", test_odd_values);
  g_test_add_func ("/bd/workflow/department-geojson", test_department_geojson);
  g_test_add_func ("/bd/workflow/department-merge", test_department_merge);
#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/bd/workflow/department-store", test_department_store);
  ADD ("/bd/workflow/history-local", test_history_local);
  ADD ("/bd/workflow/history-pulled", test_history_pulled);
  ADD ("/bd/workflow/history-old-rows", test_history_old_rows);
  ADD ("/bd/workflow/departments-list", test_departments_list);
#undef ADD

  return g_test_run ();
}
