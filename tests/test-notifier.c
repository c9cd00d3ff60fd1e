/* test-notifier.c: desktop notifications of what the sync brings (issue 12,
 * part 7): a new report in the user's ward, a status change there, quiet
 * while the user writes a report, nothing for the user's own edits, for
 * other wards, or for the run that fills an empty database.
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

#include "bd-notifier.h"
#include "bd-catalog.h"
#include "bd-store-sync.h"
#include "bd-store-features.h"
#include "bd-json.h"

#define KITA "271276"
#define MIYAKOJIMA "271021"

typedef struct
{
  char      *dir;
  BdStore   *store;
  GSettings *settings;
  BdNotifier *notifier;
  GPtrArray *sent;       /* "id|title|body|target" */
  gboolean   quiet;
  gint64     seq;
} Fixture;

static void
on_sent_cb (BdNotifier *notifier,
            const char *id,
            const char *title,
            const char *body,
            const char *action,
            const char *target,
            Fixture    *f)
{
  g_ptr_array_add (f->sent, g_strdup_printf ("%s|%s|%s|%s '%s'", id, title, body, action, target));
}

static gboolean
quiet_cb (gpointer data)
{
  return ((Fixture *) data)->quiet;
}

static BdReport *
make_report (const char *ward,
             const char *title,
             const char *status)
{
  BdReport *report = bd_report_new ();
  const BdWard *w = bd_catalog_lookup_ward (ward);

  bd_report_set_location (report, w->latitude, w->longitude);
  bd_report_set_ward (report, ward);
  bd_report_set_category (report, "road");
  bd_report_set_title (report, title);
  bd_report_set_status (report, status);
  bd_report_set_reporter (report, "区役所");
  return report;
}

/* As the sync's pull writes a page: server revisions with a seq. */
static void
pull (Fixture  *f,
      BdReport *first,
      ...)
{
  g_autoptr(GPtrArray) reports = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  va_list args;
  BdReport *report;

  va_start (args, first);
  for (report = first; report != NULL; report = va_arg (args, BdReport *))
    {
      bd_report_set_rev (report, bd_report_get_rev (report) + 1);
      bd_report_set_seq (report, ++f->seq);
      g_ptr_array_add (reports, report);
    }
  va_end (args);

  g_assert_true (bd_store_apply_pulled (f->store, reports, NULL, NULL, "cursor:reports",
                                        f->seq, NULL, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("test-notifier-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "reports.sqlite", NULL);
  f->store = bd_store_open (path, &error);
  g_assert_no_error (error);
  f->settings = g_settings_new ("io.github.bosai_desk.BosaiDesk");  /* memory backend */
  g_settings_set_string (f->settings, "home-ward", KITA);
  f->sent = g_ptr_array_new_with_free_func (g_free);

  /* the database already holds the ward's reports: not fresh */
  if (GPOINTER_TO_INT (data))
    {
      g_autoptr(BdReport) old = make_report (KITA, "既存の報告", "new");

      pull (f, old, NULL);
    }

  f->notifier = bd_notifier_new (NULL, f->store, f->settings);
  bd_notifier_set_quiet_func (f->notifier, quiet_cb, f);
  g_signal_connect (f->notifier, "sent", G_CALLBACK (on_sent_cb), f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "reports.sqlite", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_clear_object (&f->notifier);
  g_clear_object (&f->store);
  g_clear_object (&f->settings);
  g_clear_pointer (&f->sent, g_ptr_array_unref);
  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (f->dir);
  g_free (f->dir);
}

static void
test_arrival_and_status (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(BdReport) flood = make_report (KITA, "梅田 道路冠水", "new");
  g_autoptr(BdReport) other = make_report (MIYAKOJIMA, "都島 倒木", "new");
  g_autofree char *target = NULL;
  const char *line;

  /* nothing while no sync run is on */
  pull (f, other, NULL);
  g_assert_cmpuint (f->sent->len, ==, 0);

  bd_notifier_set_watching (f->notifier, TRUE);
  pull (f, flood, other, NULL);
  g_assert_cmpuint (f->sent->len, ==, 1);
  line = g_ptr_array_index (f->sent, 0);
  target = g_strdup_printf ("app.open-report '%s'", bd_report_get_id (flood));
  g_assert_true (g_str_has_prefix (line, "reports-arrived|"));
  g_assert_nonnull (strstr (line, "梅田 道路冠水"));
  g_assert_null (strstr (line, "都島"));
  g_assert_true (g_str_has_suffix (line, target));

  /* the same report again, unchanged: nothing; then its status moves */
  pull (f, flood, NULL);
  g_assert_cmpuint (f->sent->len, ==, 1);
  bd_report_set_status (flood, "in_progress");
  pull (f, flood, NULL);
  g_assert_cmpuint (f->sent->len, ==, 2);
  line = g_ptr_array_index (f->sent, 1);
  g_assert_true (g_str_has_prefix (line, "reports-changed|"));
  g_assert_nonnull (strstr (line, "梅田 道路冠水"));
  g_assert_true (g_str_has_suffix (line, target));

  /* another ward's status change: nothing */
  bd_report_set_status (other, "resolved");
  pull (f, other, NULL);
  g_assert_cmpuint (f->sent->len, ==, 2);
}

static void
test_own_edits_silent (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(BdReport) mine = make_report (KITA, "自分の報告", "new");
  g_autoptr(GError) error = NULL;

  bd_notifier_set_watching (f->notifier, TRUE);
  g_assert_true (bd_store_save_report (f->store, mine, "me", &error));
  g_assert_no_error (error);
  bd_report_set_status (mine, "confirmed");
  g_assert_true (bd_store_save_report (f->store, mine, "me", &error));
  g_assert_cmpuint (f->sent->len, ==, 0);

  /* the server echoes it back: known, so nothing */
  pull (f, mine, NULL);
  g_assert_cmpuint (f->sent->len, ==, 0);
}

static void
test_quiet_while_writing (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(BdReport) a = make_report (KITA, "報告A", "new");
  g_autoptr(BdReport) b = make_report (KITA, "報告B", "new");
  g_autoptr(BdReport) c = make_report (KITA, "報告C", "new");
  g_autoptr(BdReport) d = make_report (KITA, "報告D", "new");
  const char *line;

  bd_notifier_set_watching (f->notifier, TRUE);
  f->quiet = TRUE;
  pull (f, a, NULL);
  pull (f, b, c, d, NULL);
  g_assert_cmpuint (f->sent->len, ==, 0);

  /* done writing: one notification for the four */
  f->quiet = FALSE;
  bd_notifier_flush (f->notifier);
  g_assert_cmpuint (f->sent->len, ==, 1);
  line = g_ptr_array_index (f->sent, 0);
  g_assert_true (g_str_has_prefix (line, "reports-arrived|"));
  g_assert_nonnull (strstr (line, "4"));
  g_assert_nonnull (strstr (line, "1"));   /* "and 1 more" */

  /* the retry timer sends what waited too */
  f->quiet = TRUE;
  bd_report_set_status (a, "confirmed");
  pull (f, a, NULL);
  g_assert_cmpuint (f->sent->len, ==, 1);
  f->quiet = FALSE;
  while (f->sent->len < 2)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (f->sent, 1), "reports-changed|"));
}

static void
test_fresh_database (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(BdReport) a = make_report (KITA, "最初の同期", "new");
  g_autoptr(BdReport) b = make_report (KITA, "次の同期", "new");

  /* the first run fills the empty database: nothing */
  bd_notifier_set_watching (f->notifier, TRUE);
  pull (f, a, NULL);
  g_assert_cmpuint (f->sent->len, ==, 0);
  bd_notifier_set_watching (f->notifier, FALSE);

  /* the next run notifies */
  bd_notifier_set_watching (f->notifier, TRUE);
  pull (f, b, NULL);
  g_assert_cmpuint (f->sent->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (f->sent, 0), "次の同期"));
}

static void
test_no_ward (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(BdReport) a = make_report (KITA, "北区の報告", "new");

  g_settings_set_string (f->settings, "home-ward", "");
  bd_notifier_set_watching (f->notifier, TRUE);
  pull (f, a, NULL);
  g_assert_cmpuint (f->sent->len, ==, 0);

  /* choosing the ward reads what is there without notifying it */
  g_settings_set_string (f->settings, "home-ward", KITA);
  pull (f, a, NULL);
  g_assert_cmpuint (f->sent->len, ==, 0);
}

/* As the sync writes a page of an overlay collection. */
static void
pull_feature (Fixture    *f,
              const char *collection,
              const char *json)
{
  g_autoptr(GPtrArray) features = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_feature_free);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strdup_printf (json, ++f->seq);
  BdFeature *feature;

  node = bd_json_parse (text, strlen (text), 1 << 20, &error);
  g_assert_no_error (error);
  feature = bd_feature_new_from_json (collection, node, &error);
  g_assert_no_error (error);
  g_ptr_array_add (features, feature);
  g_assert_true (bd_store_apply_pulled_features (f->store, collection, features, NULL, NULL, 0, &error));
  g_assert_no_error (error);
}

#define ALERT(id, status, active) \
  "{\"type\":\"Feature\",\"id\":\"" id "\",\"geometry\":null,\"properties\":{" \
  "\"source\":\"jma\",\"status\":\"" status "\",\"msg_type\":\"alert\"," \
  "\"event\":\"大雨警報\",\"info_type\":\"VPWW54\",\"category\":\"met\"," \
  "\"severity\":\"Severe\",\"headline\":\"大雨警報が発表されました\"," \
  "\"area_desc\":\"大阪市\",\"area_codes\":[\"271004\"]," \
  "\"sent\":\"2026-12-06T09:00:00+09:00\",\"active\":" active "," \
  "\"cancelled\":false,\"rev\":1,\"seq\":%" G_GINT64_FORMAT "}}"

#define SHELTER(id, state, crowding) \
  "{\"type\":\"Feature\",\"id\":\"" id "\"," \
  "\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5,34.7]}," \
  "\"properties\":{\"name\":\"扇町小学校\",\"kind\":\"shelter\",\"ward\":\"271276\"," \
  "\"hazards\":[4],\"state\":\"" state "\",\"crowding\":\"" crowding "\"," \
  "\"evacuees\":10,\"households\":4,\"capacity\":100,\"rev\":1,\"seq\":%" G_GINT64_FORMAT "}}"

static void
test_alert_in_force (Fixture       *f,
                     gconstpointer  data)
{
  const char *line;

  /* an exercise is not an alert in force */
  pull_feature (f, "alerts", ALERT ("jma-drill", "exercise", "true"));
  g_assert_cmpuint (f->sent->len, ==, 0);

  pull_feature (f, "alerts", ALERT ("jma-1", "actual", "true"));
  g_assert_cmpuint (f->sent->len, ==, 1);
  line = g_ptr_array_index (f->sent, 0);
  g_assert_true (g_str_has_prefix (line, "alerts|"));
  g_assert_nonnull (strstr (line, "大雨警報が発表されました"));
  g_assert_nonnull (strstr (line, "大阪市"));
  g_assert_true (g_str_has_suffix (line, "app.show-alerts 'jma-1'"));

  /* the same alert again (a correction): already known */
  pull_feature (f, "alerts", ALERT ("jma-1", "actual", "true"));
  g_assert_cmpuint (f->sent->len, ==, 1);
  /* lifted, then issued again: a new notification */
  pull_feature (f, "alerts", ALERT ("jma-1", "actual", "false"));
  g_assert_cmpuint (f->sent->len, ==, 1);
  pull_feature (f, "alerts", ALERT ("jma-1", "actual", "true"));
  g_assert_cmpuint (f->sent->len, ==, 2);
}

static void
test_shelter_fills (Fixture       *f,
                    gconstpointer  data)
{
  const char *line;

  pull_feature (f, "shelters", SHELTER ("s1", "open", "crowded"));
  g_assert_cmpuint (f->sent->len, ==, 0);
  /* full but closed: not a shelter people go to */
  pull_feature (f, "shelters", SHELTER ("s2", "closed", "full"));
  g_assert_cmpuint (f->sent->len, ==, 0);

  /* quiet while writing, then sent */
  f->quiet = TRUE;
  pull_feature (f, "shelters", SHELTER ("s1", "open", "full"));
  g_assert_cmpuint (f->sent->len, ==, 0);
  f->quiet = FALSE;
  bd_notifier_flush (f->notifier);
  g_assert_cmpuint (f->sent->len, ==, 1);
  line = g_ptr_array_index (f->sent, 0);
  g_assert_true (g_str_has_prefix (line, "shelters-full|"));
  g_assert_nonnull (strstr (line, "扇町小学校"));
  g_assert_true (g_str_has_suffix (line, "app.show-place '34.7000000,135.5000000'"));

  /* still full: nothing more; room again, then full again: once more */
  pull_feature (f, "shelters", SHELTER ("s1", "open", "full"));
  g_assert_cmpuint (f->sent->len, ==, 1);
  pull_feature (f, "shelters", SHELTER ("s1", "open", "vacant"));
  pull_feature (f, "shelters", SHELTER ("s1", "open", "full"));
  g_assert_cmpuint (f->sent->len, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/notifier/arrival-and-status", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_arrival_and_status, fixture_tear_down);
  g_test_add ("/notifier/own-edits-silent", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_own_edits_silent, fixture_tear_down);
  g_test_add ("/notifier/quiet-while-writing", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_quiet_while_writing, fixture_tear_down);
  g_test_add ("/notifier/fresh-database", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_fresh_database, fixture_tear_down);
  g_test_add ("/notifier/no-ward", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_no_ward, fixture_tear_down);
  g_test_add ("/notifier/alert-in-force", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_alert_in_force, fixture_tear_down);
  g_test_add ("/notifier/shelter-fills", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_shelter_fills, fixture_tear_down);

  return g_test_run ();
}
