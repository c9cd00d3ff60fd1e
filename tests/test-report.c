/* test-report.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>

#include "bd-catalog.h"
#include "bd-report.h"
#include "bd-report-fields.h"

#define SHA_A "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define SHA_B "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"
#define OTHER_ID "0b5d3c9e-6f1a-4c2e-9a7b-3d4e5f6a7b8c"

/* Umeda, Kita ward */
#define UMEDA_LAT 34.7025
#define UMEDA_LON 135.4959

static const char *valid_polygon =
  "{\"type\":\"Polygon\",\"coordinates\":[[[135.49,34.70],[135.50,34.70],"
  "[135.50,34.71],[135.49,34.71],[135.49,34.70]]]}";

static GDateTime *
date_time (const char *text)
{
  GDateTime *when = bd_parse_timestamp (text);

  g_assert_nonnull (when);
  return when;
}

/* A report that passes validation. */
static BdReport *
make_valid_report (void)
{
  BdReport *report = bd_report_new ();

  bd_report_set_location (report, UMEDA_LAT, UMEDA_LON);
  bd_report_set_ward (report, "271276");
  bd_report_set_category (report, "human");
  bd_report_set_title (report, "梅田駅前で負傷者");
  bd_report_set_description (report, "看板が落下し、通行人が負傷。");
  bd_report_set_reporter (report, "北区役所 防災担当");
  bd_report_set_count (report, "seriously_injured", 1);
  bd_report_set_count (report, "slightly_injured", 3);

  return report;
}

/* A report with every field set, for round trips. */
static BdReport *
make_full_report (guint n)
{
  BdReport *report = make_valid_report ();
  g_autoptr(GDateTime) observed = date_time ("2025-09-01T05:45:00+09:00");
  g_autoptr(GDateTime) created = date_time ("2025-09-01T06:00:00+09:00");
  g_autoptr(GDateTime) updated = date_time ("2025-09-01T06:30:15.250000+09:00");
  g_autofree char *title = g_strdup_printf ("床上浸水 «%u» — 淀川沿い \"引用\" \\ / \t", n);
  GVariantBuilder builder;

  bd_report_set_category (report, "residential");
  bd_report_set_ward (report, "271233");
  bd_report_set_location (report, 34.729 + n * 1e-5, 135.483 - n * 1e-5);
  bd_report_set_title (report, title);
  bd_report_set_description (report, "一階が浸水。\n住民は二階に避難済み。\u3000絵文字 🌊");
  bd_report_set_reporter (report, "淀川区役所");
  bd_report_set_department (report, "construction");
  bd_report_set_severity (report, 3);
  bd_report_set_status (report, "confirmed");
  bd_report_set_observed_at (report, observed);
  bd_report_set_created_at (report, created);
  bd_report_set_updated_at (report, updated);
  bd_report_clear_counts (report);
  bd_report_set_count (report, "inundation_above_floor_houses", 12 + n);
  bd_report_set_count (report, "inundation_above_floor_households", 15);
  bd_report_set_count (report, "inundation_above_floor_people", 31);
  bd_report_set_affected_households (report, 15);
  bd_report_set_affected_people (report, 31);
  bd_report_set_rev (report, 7 + n);
  bd_report_set_seq (report, 1200 + n);

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sss)"));
  g_variant_builder_add (&builder, "(sss)", SHA_A, "image/jpeg", "浸水状況.jpg");
  g_variant_builder_add (&builder, "(sss)", SHA_B, "image/png", "map.png");
  bd_report_set_attachments (report, g_variant_builder_end (&builder));

  return report;
}

static void
assert_invalid (BdReport      *report,
                BdReportError  code)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (bd_report_validate (report, &error));
  g_assert_error (error, BD_REPORT_ERROR, (int) code);
  g_assert_nonnull (error->message);
  g_assert_cmpstr (error->message, !=, "");
  g_test_message ("refused: %s", error->message);
}

static void
assert_valid (BdReport *report)
{
  g_autoptr(GError) error = NULL;

  if (!bd_report_validate (report, &error))
    g_error ("expected valid, got: %s", error->message);
}

static char *
repeat_utf8 (const char *unit,
             guint       n)
{
  GString *string = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append (string, unit);

  return g_string_free (string, FALSE);
}

static void
test_new (void)
{
  g_autoptr(BdReport) report = bd_report_new ();
  g_autoptr(BdReport) other = bd_report_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GError) error = NULL;

  g_assert_true (g_uuid_string_is_valid (bd_report_get_id (report)));
  g_assert_cmpstr (bd_report_get_id (report), !=, bd_report_get_id (other));
  g_assert_cmpstr (bd_report_get_status (report), ==, "new");
  g_assert_cmpint (bd_report_get_severity (report), ==, 2);
  g_assert_true (isnan (bd_report_get_latitude (report)));
  g_assert_true (isnan (bd_report_get_longitude (report)));
  g_assert_null (bd_report_get_polygon (report));
  g_assert_null (bd_report_get_ward (report));
  g_assert_null (bd_report_get_category (report));
  g_assert_null (bd_report_get_duplicate_of (report));
  g_assert_cmpstr (bd_report_get_title (report), ==, "");
  g_assert_cmpstr (bd_report_get_description (report), ==, "");
  g_assert_cmpstr (bd_report_get_reporter (report), ==, "");
  g_assert_cmpint (bd_report_get_affected_households (report), ==, -1);
  g_assert_cmpint (bd_report_get_affected_people (report), ==, -1);
  g_assert_cmpint (bd_report_get_rev (report), ==, 0);
  g_assert_cmpint (bd_report_get_seq (report), ==, 0);
  g_assert_false (bd_report_get_deleted (report));
  g_assert_cmpfloat (bd_report_get_count (report, "dead"), ==, 0);

  g_assert_nonnull (bd_report_get_observed_at (report));
  g_assert_nonnull (bd_report_get_created_at (report));
  g_assert_nonnull (bd_report_get_updated_at (report));
  g_assert_cmpint (llabs (g_date_time_difference (now, bd_report_get_created_at (report))),
                   <, 5 * G_TIME_SPAN_SECOND);
  g_assert_cmpint (g_date_time_get_utc_offset (bd_report_get_created_at (report)), ==,
                   g_date_time_get_utc_offset (now));

  /* No place yet: the first thing validation asks for. */
  g_assert_false (bd_report_validate (report, &error));
  g_assert_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_LOCATION);
  g_assert_cmpstr (error->message, ==, "Choose a place on the map.");
}

static void
test_valid (void)
{
  g_autoptr(BdReport) report = make_valid_report ();
  g_autoptr(BdReport) full = make_full_report (0);
  g_autoptr(GDateTime) soon = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  assert_valid (report);
  assert_valid (full);

  for (guint field = 0; field < BD_REPORT_N_FIELDS; field++)
    g_assert_true (bd_report_check_field (full, field, NULL));

  /* the city code for city-wide items */
  bd_report_set_ward (report, BD_CITY_CODE);
  assert_valid (report);

  /* an area */
  bd_report_set_polygon (report, valid_polygon);
  assert_valid (report);

  /* decimal hectares */
  bd_report_set_category (report, "farmland");
  bd_report_clear_counts (report);
  bd_report_set_count (report, "paddy_submerged_ha", 12.345);
  assert_valid (report);

  /* 200 characters of title is fine */
  {
    g_autofree char *title = repeat_utf8 ("水", 200);

    bd_report_set_title (report, title);
    assert_valid (report);
  }

  /* five minutes ahead: clocks differ */
  soon = g_date_time_add_minutes (now, 5);
  bd_report_set_observed_at (report, soon);
  assert_valid (report);

  /* a duplicate naming its original */
  bd_report_set_status (report, "duplicate");
  bd_report_set_duplicate_of (report, OTHER_ID);
  assert_valid (report);
}

typedef void (*Mutation) (BdReport *report);

static void mut_lat_91 (BdReport *r) { bd_report_set_location (r, 91, UMEDA_LON); }
static void mut_lat_minus_91 (BdReport *r) { bd_report_set_location (r, -91, UMEDA_LON); }
static void mut_lon_200 (BdReport *r) { bd_report_set_location (r, UMEDA_LAT, 200); }
static void mut_nan (BdReport *r) { bd_report_set_location (r, NAN, NAN); }
static void mut_nan_lat (BdReport *r) { bd_report_set_location (r, NAN, UMEDA_LON); }
static void mut_inf (BdReport *r) { bd_report_set_location (r, UMEDA_LAT, INFINITY); }
static void mut_tokyo (BdReport *r) { bd_report_set_location (r, 35.68, 139.76); }
static void mut_kobe (BdReport *r) { bd_report_set_location (r, 34.69, 135.19); }
static void mut_ward_unknown (BdReport *r) { bd_report_set_ward (r, "271012"); }
static void mut_ward_none (BdReport *r) { bd_report_set_ward (r, NULL); }
static void mut_ward_5digit (BdReport *r) { bd_report_set_ward (r, "27127"); }
static void mut_category_unknown (BdReport *r) { bd_report_set_category (r, "earthquake"); }
static void mut_category_none (BdReport *r) { bd_report_set_category (r, NULL); }
static void mut_count_negative (BdReport *r) { bd_report_set_count (r, "dead", -1); }
static void mut_count_fraction (BdReport *r) { bd_report_set_count (r, "dead", 1.5); }
static void mut_count_absurd (BdReport *r) { bd_report_set_count (r, "dead", 200000); }
static void mut_count_nan (BdReport *r) { bd_report_set_count (r, "dead", NAN); }
static void mut_count_foreign (BdReport *r) { bd_report_set_count (r, "sites", 2); }
static void mut_count_unknown (BdReport *r) { bd_report_set_count (r, "zombies", 2); }
static void mut_farm_negative (BdReport *r)
{
  bd_report_set_category (r, "farmland");
  bd_report_clear_counts (r);
  bd_report_set_count (r, "field_submerged_ha", -0.5);
}
static void mut_title_empty (BdReport *r) { bd_report_set_title (r, ""); }
static void mut_title_null (BdReport *r) { bd_report_set_title (r, NULL); }
static void mut_title_blank (BdReport *r) { bd_report_set_title (r, "  \t\u3000 "); }
static void mut_title_long (BdReport *r)
{
  g_autofree char *title = repeat_utf8 ("浸", 201);
  bd_report_set_title (r, title);
}
static void mut_description_long (BdReport *r)
{
  g_autofree char *text = repeat_utf8 ("a", 10001);
  bd_report_set_description (r, text);
}
static void mut_reporter_long (BdReport *r)
{
  g_autofree char *text = repeat_utf8 ("区", 201);
  bd_report_set_reporter (r, text);
}
static void mut_observed_future (BdReport *r)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) later = g_date_time_add_hours (now, 1);
  bd_report_set_observed_at (r, later);
}
static void mut_observed_1899 (BdReport *r)
{
  g_autoptr(GDateTime) old = date_time ("1899-12-31T23:00:00+09:00");
  bd_report_set_observed_at (r, old);
}
static void mut_observed_none (BdReport *r) { bd_report_set_observed_at (r, NULL); }
static void mut_updated_before_created (BdReport *r)
{
  g_autoptr(GDateTime) created = date_time ("2025-09-01T06:00:00+09:00");
  g_autoptr(GDateTime) updated = date_time ("2025-09-01T05:59:59+09:00");
  bd_report_set_created_at (r, created);
  bd_report_set_updated_at (r, updated);
}
static void mut_created_none (BdReport *r) { bd_report_set_created_at (r, NULL); }
static void mut_status_bad (BdReport *r) { bd_report_set_status (r, "closed"); }
static void mut_status_none (BdReport *r) { bd_report_set_status (r, NULL); }
static void mut_severity_0 (BdReport *r) { bd_report_set_severity (r, 0); }
static void mut_severity_5 (BdReport *r) { bd_report_set_severity (r, 5); }
static void mut_duplicate_alone (BdReport *r) { bd_report_set_status (r, "duplicate"); }
static void mut_duplicate_bad_id (BdReport *r)
{
  bd_report_set_status (r, "duplicate");
  bd_report_set_duplicate_of (r, "report-42");
}
static void mut_duplicate_self (BdReport *r)
{
  bd_report_set_status (r, "duplicate");
  bd_report_set_duplicate_of (r, bd_report_get_id (r));
}
static void mut_id_bad (BdReport *r) { bd_report_set_id (r, "not-a-uuid"); }
static void mut_id_none (BdReport *r) { bd_report_set_id (r, NULL); }
static void mut_affected_negative (BdReport *r) { bd_report_set_affected_people (r, -5); }
static void mut_affected_absurd (BdReport *r) { bd_report_set_affected_households (r, 100000000); }

static void
set_one_attachment (BdReport   *r,
                    const char *sha256,
                    const char *media_type,
                    const char *name)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sss)"));
  g_variant_builder_add (&builder, "(sss)", sha256, media_type, name);
  bd_report_set_attachments (r, g_variant_builder_end (&builder));
}

static void mut_sha_short (BdReport *r) { set_one_attachment (r, "abc", "image/jpeg", "a.jpg"); }
static void mut_sha_upper (BdReport *r)
{
  g_autofree char *upper = g_ascii_strup (SHA_A, -1);
  set_one_attachment (r, upper, "image/jpeg", "a.jpg");
}
static void mut_sha_long (BdReport *r) { set_one_attachment (r, SHA_A "0", "image/jpeg", "a.jpg"); }
static void mut_media_type (BdReport *r) { set_one_attachment (r, SHA_A, "jpeg", "a.jpg"); }
static void mut_media_type_2 (BdReport *r) { set_one_attachment (r, SHA_A, "image/jpeg; x=1", "a.jpg"); }
static void mut_name_long (BdReport *r)
{
  g_autofree char *name = repeat_utf8 ("写", 256);
  set_one_attachment (r, SHA_A, "image/jpeg", name);
}
static void mut_name_empty (BdReport *r) { set_one_attachment (r, SHA_A, "image/jpeg", ""); }
static void mut_name_slash (BdReport *r) { set_one_attachment (r, SHA_A, "image/jpeg", "../etc/passwd"); }
static void mut_many_attachments (BdReport *r)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sss)"));
  for (guint i = 0; i < BD_REPORT_MAX_ATTACHMENTS + 1; i++)
    g_variant_builder_add (&builder, "(sss)", SHA_A, "image/jpeg", "a.jpg");
  bd_report_set_attachments (r, g_variant_builder_end (&builder));
}
static void mut_polygon_open (BdReport *r)
{
  bd_report_set_polygon (r, "{\"type\":\"Polygon\",\"coordinates\":[[[135.49,34.70],[135.50,34.70],"
                            "[135.50,34.71],[135.49,34.71],[135.491,34.70]]]}");
}
static void mut_polygon_short (BdReport *r)
{
  bd_report_set_polygon (r, "{\"type\":\"Polygon\",\"coordinates\":[[[135.49,34.70],[135.50,34.70],"
                            "[135.49,34.70]]]}");
}
static void mut_polygon_outside (BdReport *r)
{
  bd_report_set_polygon (r, "{\"type\":\"Polygon\",\"coordinates\":[[[139.7,35.6],[139.8,35.6],"
                            "[139.8,35.7],[139.7,35.6]]]}");
}
static void mut_polygon_not_json (BdReport *r) { bd_report_set_polygon (r, "{\"type\":\"Polygon\","); }
static void mut_polygon_point (BdReport *r)
{
  bd_report_set_polygon (r, "{\"type\":\"Point\",\"coordinates\":[135.5,34.7]}");
}
static void mut_polygon_strings (BdReport *r)
{
  bd_report_set_polygon (r, "{\"type\":\"Polygon\",\"coordinates\":[[[\"a\",\"b\"],[135.50,34.70],"
                            "[135.50,34.71],[\"a\",\"b\"]]]}");
}
static void mut_polygon_huge (BdReport *r)
{
  GString *text = g_string_new ("{\"type\":\"Polygon\",\"coordinates\":[[");

  for (guint i = 0; i < 10001; i++)
    g_string_append_printf (text, "[135.5%04u,34.7],", i);
  g_string_append (text, "[135.50000,34.7]]]}");
  bd_report_set_polygon (r, text->str);
  g_string_free (text, TRUE);
}

static const struct
{
  const char    *name;
  Mutation       mutate;
  BdReportError  code;
} mutations[] = {
  { "lat 91", mut_lat_91, BD_REPORT_ERROR_LOCATION },
  { "lat -91", mut_lat_minus_91, BD_REPORT_ERROR_LOCATION },
  { "lon 200", mut_lon_200, BD_REPORT_ERROR_LOCATION },
  { "NaN", mut_nan, BD_REPORT_ERROR_LOCATION },
  { "NaN latitude", mut_nan_lat, BD_REPORT_ERROR_LOCATION },
  { "infinite longitude", mut_inf, BD_REPORT_ERROR_LOCATION },
  { "Tokyo", mut_tokyo, BD_REPORT_ERROR_LOCATION },
  { "Kobe", mut_kobe, BD_REPORT_ERROR_LOCATION },
  { "polygon not closed", mut_polygon_open, BD_REPORT_ERROR_GEOMETRY },
  { "polygon of 3", mut_polygon_short, BD_REPORT_ERROR_GEOMETRY },
  { "polygon outside", mut_polygon_outside, BD_REPORT_ERROR_GEOMETRY },
  { "polygon not JSON", mut_polygon_not_json, BD_REPORT_ERROR_GEOMETRY },
  { "polygon a point", mut_polygon_point, BD_REPORT_ERROR_GEOMETRY },
  { "polygon of strings", mut_polygon_strings, BD_REPORT_ERROR_GEOMETRY },
  { "polygon of 10002", mut_polygon_huge, BD_REPORT_ERROR_GEOMETRY },
  { "unknown ward", mut_ward_unknown, BD_REPORT_ERROR_WARD },
  { "no ward", mut_ward_none, BD_REPORT_ERROR_WARD },
  { "5-digit ward", mut_ward_5digit, BD_REPORT_ERROR_WARD },
  { "unknown category", mut_category_unknown, BD_REPORT_ERROR_CATEGORY },
  { "no category", mut_category_none, BD_REPORT_ERROR_CATEGORY },
  { "negative count", mut_count_negative, BD_REPORT_ERROR_COUNTS },
  { "fractional count", mut_count_fraction, BD_REPORT_ERROR_COUNTS },
  { "absurd count", mut_count_absurd, BD_REPORT_ERROR_COUNTS },
  { "NaN count", mut_count_nan, BD_REPORT_ERROR_COUNTS },
  { "count of another category", mut_count_foreign, BD_REPORT_ERROR_COUNTS },
  { "unknown count", mut_count_unknown, BD_REPORT_ERROR_COUNTS },
  { "negative hectares", mut_farm_negative, BD_REPORT_ERROR_COUNTS },
  { "empty title", mut_title_empty, BD_REPORT_ERROR_TITLE },
  { "NULL title", mut_title_null, BD_REPORT_ERROR_TITLE },
  { "blank title", mut_title_blank, BD_REPORT_ERROR_TITLE },
  { "201-character title", mut_title_long, BD_REPORT_ERROR_TITLE },
  { "10001-character description", mut_description_long, BD_REPORT_ERROR_TEXT },
  { "201-character reporter", mut_reporter_long, BD_REPORT_ERROR_TEXT },
  { "observed in the future", mut_observed_future, BD_REPORT_ERROR_TIMESTAMP },
  { "observed in 1899", mut_observed_1899, BD_REPORT_ERROR_TIMESTAMP },
  { "no observed time", mut_observed_none, BD_REPORT_ERROR_TIMESTAMP },
  { "updated before created", mut_updated_before_created, BD_REPORT_ERROR_TIMESTAMP },
  { "no created time", mut_created_none, BD_REPORT_ERROR_TIMESTAMP },
  { "bad status", mut_status_bad, BD_REPORT_ERROR_STATUS },
  { "no status", mut_status_none, BD_REPORT_ERROR_STATUS },
  { "severity 0", mut_severity_0, BD_REPORT_ERROR_SEVERITY },
  { "severity 5", mut_severity_5, BD_REPORT_ERROR_SEVERITY },
  { "duplicate without duplicate_of", mut_duplicate_alone, BD_REPORT_ERROR_STATUS },
  { "duplicate of a bad id", mut_duplicate_bad_id, BD_REPORT_ERROR_STATUS },
  { "duplicate of itself", mut_duplicate_self, BD_REPORT_ERROR_STATUS },
  { "bad id", mut_id_bad, BD_REPORT_ERROR_INVALID_ID },
  { "no id", mut_id_none, BD_REPORT_ERROR_INVALID_ID },
  { "negative affected", mut_affected_negative, BD_REPORT_ERROR_COUNTS },
  { "absurd affected", mut_affected_absurd, BD_REPORT_ERROR_COUNTS },
  { "short sha256", mut_sha_short, BD_REPORT_ERROR_ATTACHMENT },
  { "uppercase sha256", mut_sha_upper, BD_REPORT_ERROR_ATTACHMENT },
  { "long sha256", mut_sha_long, BD_REPORT_ERROR_ATTACHMENT },
  { "media type without slash", mut_media_type, BD_REPORT_ERROR_ATTACHMENT },
  { "media type with parameters", mut_media_type_2, BD_REPORT_ERROR_ATTACHMENT },
  { "256-character name", mut_name_long, BD_REPORT_ERROR_ATTACHMENT },
  { "empty name", mut_name_empty, BD_REPORT_ERROR_ATTACHMENT },
  { "name with a slash", mut_name_slash, BD_REPORT_ERROR_ATTACHMENT },
  { "too many attachments", mut_many_attachments, BD_REPORT_ERROR_ATTACHMENT },
};

static void
test_invalid (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (mutations); i++)
    {
      g_autoptr(BdReport) report = make_valid_report ();

      g_test_message ("case: %s", mutations[i].name);
      assert_valid (report);
      mutations[i].mutate (report);
      assert_invalid (report, mutations[i].code);
    }
}

static void
assert_message (BdReport      *report,
                BdReportField  field,
                BdReportError  code,
                const char    *expected)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (bd_report_check_field (report, field, &error));
  g_assert_error (error, BD_REPORT_ERROR, (int) code);
  g_assert_cmpstr (error->message, ==, expected);
}

static void
test_messages (void)
{
  g_autoptr(BdReport) report = make_valid_report ();
  g_autofree char *long_title = repeat_utf8 ("浸", 201);

  /* The test runs with LC_ALL=C.UTF-8: English labels. */
  g_unsetenv ("LANGUAGE");

  bd_report_set_location (report, 35.68, 139.76);
  assert_message (report, BD_REPORT_FIELD_LOCATION, BD_REPORT_ERROR_LOCATION,
                  "The place is outside Osaka City. Choose a place inside the city.");
  bd_report_set_location (report, 91, 135.5);
  assert_message (report, BD_REPORT_FIELD_LOCATION, BD_REPORT_ERROR_LOCATION,
                  "Latitude must be between -90 and 90 degrees.");
  bd_report_set_ward (report, "999999");
  assert_message (report, BD_REPORT_FIELD_WARD, BD_REPORT_ERROR_WARD,
                  "Unknown ward code “999999”.");
  bd_report_set_category (report, "quake");
  assert_message (report, BD_REPORT_FIELD_CATEGORY, BD_REPORT_ERROR_CATEGORY,
                  "Unknown damage category “quake”.");
  bd_report_set_category (report, "human");
  bd_report_set_count (report, "dead", -2);
  assert_message (report, BD_REPORT_FIELD_COUNTS, BD_REPORT_ERROR_COUNTS,
                  "“Dead” cannot be negative.");
  bd_report_set_count (report, "dead", 2.5);
  assert_message (report, BD_REPORT_FIELD_COUNTS, BD_REPORT_ERROR_COUNTS,
                  "“Dead” must be a whole number.");
  bd_report_set_count (report, "dead", 2000000);
  assert_message (report, BD_REPORT_FIELD_COUNTS, BD_REPORT_ERROR_COUNTS,
                  "Dead of 2000000 is not credible; check the number.");
  bd_report_set_count (report, "dead", 0);
  bd_report_set_count (report, "sites", 1);
  assert_message (report, BD_REPORT_FIELD_COUNTS, BD_REPORT_ERROR_COUNTS,
                  "Count “sites” does not belong to the category “casualties”.");
  bd_report_set_title (report, " ");
  assert_message (report, BD_REPORT_FIELD_TITLE, BD_REPORT_ERROR_TITLE, "Enter a title.");
  bd_report_set_title (report, long_title);
  assert_message (report, BD_REPORT_FIELD_TITLE, BD_REPORT_ERROR_TITLE,
                  "The title is too long (201 characters; at most 200).");
  {
    g_autofree char *long_text = repeat_utf8 ("説", 10001);

    bd_report_set_description (report, long_text);
    assert_message (report, BD_REPORT_FIELD_DESCRIPTION, BD_REPORT_ERROR_TEXT,
                    "The description is too long (10001 characters; at most 10000).");
  }
  bd_report_set_observed_at (report, NULL);
  assert_message (report, BD_REPORT_FIELD_OBSERVED_AT, BD_REPORT_ERROR_TIMESTAMP,
                  "The time observed is missing or not a valid date.");

  /* Japanese labels when the UI is Japanese */
  g_setenv ("LANGUAGE", "ja_JP.UTF-8", TRUE);
  assert_message (report, BD_REPORT_FIELD_COUNTS, BD_REPORT_ERROR_COUNTS,
                  "Count “sites” does not belong to the category “人的被害”.");
  bd_report_set_count (report, "sites", 0);
  bd_report_set_count (report, "missing", -1);
  assert_message (report, BD_REPORT_FIELD_COUNTS, BD_REPORT_ERROR_COUNTS,
                  "“行方不明者” cannot be negative.");
  g_unsetenv ("LANGUAGE");
}

static void
test_first_error_wins (void)
{
  g_autoptr(BdReport) report = make_valid_report ();
  g_autoptr(GError) error = NULL;

  bd_report_set_title (report, "");
  bd_report_set_severity (report, 9);
  bd_report_set_location (report, 35.68, 139.76);

  g_assert_false (bd_report_validate (report, &error));
  g_assert_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_LOCATION);
  g_clear_error (&error);

  bd_report_set_location (report, UMEDA_LAT, UMEDA_LON);
  g_assert_false (bd_report_validate (report, &error));
  g_assert_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_SEVERITY);
  g_clear_error (&error);

  g_assert_true (bd_report_check_field (report, BD_REPORT_FIELD_LOCATION, NULL));
  g_assert_false (bd_report_check_field (report, BD_REPORT_FIELD_TITLE, &error));
  g_assert_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_TITLE);
  g_clear_error (&error);

  /* an invalid id comes before all fields */
  bd_report_set_id (report, "x");
  g_assert_false (bd_report_validate (report, &error));
  g_assert_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_INVALID_ID);
}

static void
test_timestamps (void)
{
  static const char * const good[] = {
    "2025-09-01T06:00:00+09:00",
    "2025-09-01T06:00:00Z",
    "2025-08-31T21:00:00-03:30",
    "2025-09-01T06:00:00.123456+09:00",
  };
  static const char * const bad[] = {
    "2025-09-01T06:00:00",
    "2025-09-01",
    "2025-09-01 06:00:00+09:00",
    "2025-09-01T06:00+09:00",
    "2025-09-01T06:00:00+0900",
    "2025-09-01T06:00:00+09",
    "2025-13-01T06:00:00+09:00",
    "2025-09-31T06:00:00+09:00",
    "2025-09-01T25:00:00+09:00",
    "2025-09-01T06:00:00.+09:00",
    "2025-09-01T06:00:00Zjunk",
    "yesterday",
    "",
    "２０２６-09-01T06:00:00+09:00",
  };
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GDateTime) utc = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GDateTime) parsed = bd_parse_timestamp (good[i]);
      g_autofree char *text = NULL;

      g_assert_nonnull (parsed);
      text = bd_format_timestamp (parsed);
      g_assert_cmpstr (text, ==, good[i]);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GDateTime) parsed = bd_parse_timestamp (bad[i]);

      if (parsed != NULL)
        g_error ("accepted “%s”", bad[i]);
    }
  g_assert_null (bd_parse_timestamp (NULL));
  g_assert_null (bd_format_timestamp (NULL));

  /* the offset is kept */
  when = bd_parse_timestamp ("2025-09-01T06:00:00+09:00");
  g_assert_cmpint (g_date_time_get_utc_offset (when), ==, 9 * G_TIME_SPAN_HOUR);
  g_assert_cmpint (g_date_time_get_hour (when), ==, 6);
  utc = bd_parse_timestamp ("2025-08-31T21:00:00Z");
  g_assert_true (g_date_time_equal (when, utc));
}

static JsonObject *
get_object (JsonObject *object,
            const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_node_get_object (node);
}

static void
test_geojson_point (void)
{
  g_autoptr(BdReport) report = make_valid_report ();
  g_autoptr(BdReport) back = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) created = NULL;
  g_autofree char *text = NULL;
  JsonObject *feature, *geometry, *props;
  JsonArray *coordinates;

  node = bd_report_to_json (report);
  feature = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (feature, "type"), ==, "Feature");
  g_assert_cmpstr (json_object_get_string_member (feature, "id"), ==, bd_report_get_id (report));

  geometry = get_object (feature, "geometry");
  g_assert_cmpstr (json_object_get_string_member (geometry, "type"), ==, "Point");
  coordinates = json_object_get_array_member (geometry, "coordinates");
  g_assert_cmpuint (json_array_get_length (coordinates), ==, 2);
  /* [longitude, latitude] */
  g_assert_cmpfloat (json_array_get_double_element (coordinates, 0), ==, UMEDA_LON);
  g_assert_cmpfloat (json_array_get_double_element (coordinates, 1), ==, UMEDA_LAT);

  props = get_object (feature, "properties");
  g_assert_cmpstr (json_object_get_string_member (props, "ward"), ==, "271276");
  g_assert_cmpstr (json_object_get_string_member (props, "category"), ==, "human");
  g_assert_cmpint (json_object_get_int_member (props, "severity"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (props, "status"), ==, "new");
  g_assert_false (json_object_has_member (props, "duplicate_of"));
  g_assert_false (json_object_has_member (props, "point"));
  g_assert_false (json_object_has_member (props, "affected_households"));
  g_assert_false (json_object_has_member (props, "affected_people"));
  g_assert_false (json_object_has_member (props, "seq"));
  g_assert_false (json_object_has_member (props, "deleted"));
  g_assert_cmpint (json_object_get_int_member (get_object (props, "counts"), "slightly_injured"), ==, 3);
  g_assert_cmpuint (json_object_get_size (get_object (props, "counts")), ==, 2);
  created = bd_parse_timestamp (json_object_get_string_member (props, "created_at"));
  g_assert_nonnull (created);
  g_assert_true (g_date_time_equal (created, bd_report_get_created_at (report)));

  back = bd_report_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_true (bd_report_equal (report, back));

  /* A report with no place yet has a null geometry, which is not read back. */
  bd_report_set_location (report, NAN, NAN);
  text = bd_report_to_geojson (report);
  g_assert_nonnull (strstr (text, "\"geometry\":null"));
  g_clear_object (&back);
  back = bd_report_new_from_geojson (text, -1, &error);
  g_assert_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_PARSE);
  g_assert_null (back);
}

static void
test_geojson_round_trip (void)
{
  g_autoptr(BdReport) report = make_full_report (3);
  g_autoptr(BdReport) back = NULL;
  g_autoptr(BdReport) again = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) attachments = NULL;
  g_auto(GStrv) diff = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text2 = NULL;
  JsonObject *feature, *props;
  JsonArray *point;

  bd_report_set_polygon (report, valid_polygon);
  bd_report_set_status (report, "duplicate");
  bd_report_set_duplicate_of (report, OTHER_ID);
  bd_report_set_deleted (report, TRUE);
  assert_valid (report);

  text = bd_report_to_geojson (report);
  g_test_message ("%s", text);

  /* the GeoJSON itself */
  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  feature = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (get_object (feature, "geometry"), "type"),
                   ==, "Polygon");
  props = get_object (feature, "properties");
  point = json_object_get_array_member (props, "point");
  g_assert_cmpfloat (json_array_get_double_element (point, 0), ==, bd_report_get_longitude (report));
  g_assert_cmpfloat (json_array_get_double_element (point, 1), ==, bd_report_get_latitude (report));
  g_assert_cmpstr (json_object_get_string_member (props, "observed_at"), ==, "2025-09-01T05:45:00+09:00");
  g_assert_cmpstr (json_object_get_string_member (props, "created_at"), ==, "2025-09-01T06:00:00+09:00");
  g_assert_cmpstr (json_object_get_string_member (props, "duplicate_of"), ==, OTHER_ID);
  g_assert_cmpint (json_object_get_int_member (props, "affected_people"), ==, 31);
  g_assert_cmpint (json_object_get_int_member (props, "seq"), ==, 1203);
  g_assert_true (json_object_get_boolean_member (props, "deleted"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (props, "attachments")), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (props, "attachments"), 0), "name"),
                   ==, "浸水状況.jpg");

  /* and back */
  back = bd_report_new_from_geojson (text, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  diff = bd_report_diff (report, back);
  g_assert_cmpuint (g_strv_length (diff), ==, 0);
  g_assert_true (bd_report_equal (report, back));
  g_assert_cmpstr (bd_report_get_title (back), ==, bd_report_get_title (report));
  g_assert_cmpstr (bd_report_get_description (back), ==, bd_report_get_description (report));
  g_assert_cmpstr (bd_report_get_polygon (back), ==, bd_report_get_polygon (report));
  g_assert_cmpfloat (bd_report_get_count (back, "inundation_above_floor_houses"), ==, 15);
  g_assert_cmpint (g_date_time_get_utc_offset (bd_report_get_observed_at (back)), ==, 9 * G_TIME_SPAN_HOUR);
  g_assert_cmpint (g_date_time_get_microsecond (bd_report_get_updated_at (back)), ==, 250000);
  attachments = bd_report_get_attachments (back);
  g_assert_cmpuint (g_variant_n_children (attachments), ==, 2);
  assert_valid (back);

  /* and the same text again */
  text2 = bd_report_to_geojson (back);
  g_assert_cmpstr (text, ==, text2);

  /* A polygon without "point": the point is the outline's mean. */
  json_object_remove_member (props, "point");
  again = bd_report_new_from_json (json_parser_get_root (parser), &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (bd_report_get_longitude (again), 135.495, 1e-9);
  g_assert_cmpfloat_with_epsilon (bd_report_get_latitude (again), 34.705, 1e-9);

  /* decimal hectares keep their value */
  g_clear_object (&again);
  g_clear_object (&back);
  g_clear_pointer (&text, g_free);
  bd_report_set_category (report, "farmland");
  bd_report_clear_counts (report);
  bd_report_set_count (report, "paddy_submerged_ha", 12.345);
  bd_report_set_count (report, "field_submerged_ha", 0.1);
  bd_report_set_count (report, "paddy_washed_out_ha", 3);
  text = bd_report_to_geojson (report);
  back = bd_report_new_from_geojson (text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (bd_report_equal (report, back));
  g_assert_cmpfloat (bd_report_get_count (back, "paddy_submerged_ha"), ==, 12.345);
  g_assert_cmpfloat (bd_report_get_count (back, "field_submerged_ha"), ==, 0.1);
}

static void
test_feature_collection (void)
{
  g_autoptr(GPtrArray) reports = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GPtrArray) single = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *one = NULL;
  g_autofree char *broken = NULL;
  g_autofree char *empty = NULL;
  char *spot;

  for (guint i = 0; i < 100; i++)
    {
      BdReport *report = make_full_report (i);

      if (i % 3 == 0)
        bd_report_set_polygon (report, valid_polygon);
      if (i % 7 == 0)
        bd_report_clear_counts (report);
      g_ptr_array_add (reports, report);
    }

  text = bd_reports_to_feature_collection (reports);
  back = bd_reports_from_feature_collection (text, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, 100);
  for (guint i = 0; i < 100; i++)
    {
      g_assert_true (bd_report_equal (g_ptr_array_index (reports, i), g_ptr_array_index (back, i)));
      assert_valid (g_ptr_array_index (back, i));
    }

  /* a single Feature is a collection of one */
  one = bd_report_to_geojson (g_ptr_array_index (reports, 5));
  single = bd_reports_from_feature_collection (one, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (single->len, ==, 1);
  g_assert_true (bd_report_equal (g_ptr_array_index (reports, 5), g_ptr_array_index (single, 0)));

  /* an empty collection */
  {
    g_autoptr(GPtrArray) none = g_ptr_array_new ();
    g_autoptr(GPtrArray) none_back = NULL;

    empty = bd_reports_to_feature_collection (none);
    none_back = bd_reports_from_feature_collection (empty, -1, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (none_back->len, ==, 0);
  }

  /* the 43rd feature broken: the error names it */
  bd_report_set_title (g_ptr_array_index (reports, 42), "BROKEN-HERE");
  g_clear_pointer (&text, g_free);
  text = bd_reports_to_feature_collection (reports);
  spot = strstr (text, "\"BROKEN-HERE\"");
  g_assert_nonnull (spot);
  broken = g_strdup (text);
  memcpy (broken + (spot - text), "12345678901234", 13);
  g_clear_pointer (&back, g_ptr_array_unref);
  back = bd_reports_from_feature_collection (broken, -1, &error);
  g_assert_null (back);
  g_assert_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_PARSE);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "Feature 43: "));
  g_assert_nonnull (strstr (error->message, "title"));
}

static const char *malformed[] = {
  "",
  "   ",
  "{",
  "{\"type\":\"Feature\",\"id\":\"0b5d3c9e-6f1a-4c2e-9a7b-3d4e5f6a7b8c\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5,34.",
  "null",
  "42",
  "\"Feature\"",
  "[]",
  "[{\"type\":\"Feature\"}]",
  "{}",
  "{\"type\":\"FeatureCollection\",\"features\":[]}",
  "{\"type\":\"Feature\"}",
  "{\"type\":7,\"id\":\"x\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5,34.7]}}",
  "{\"type\":\"Feature\",\"id\":42,\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5,34.7]}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":null,\"properties\":{}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"properties\":{}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":[135.5,34.7]}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[\"a\",\"b\"]}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5]}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5,34.7,1,2]}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[1e400,34.7]}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[null,34.7]}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[[135.5],34.7]}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Point\",\"coordinates\":{\"lon\":135.5}}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Point\"}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"coordinates\":[135.5,34.7]}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[135.5,34.7],[135.6,34.7]]}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[]}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[]]}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[\"a\",\"b\"]]]}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[135.5,34.7]]}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[135.5,34.7]]]},\"properties\":{\"point\":\"here\"}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5,34.7]},\"properties\":\"x\"}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5,34.7]},\"properties\":[]}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5,34.7]},\"properties\":{\"title\":5}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5,34.7]},\"properties\":{\"title\":{\"ja\":\"x\"}}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5,34.7]},\"properties\":{\"ward\":271276}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5,34.7]},\"properties\":{\"severity\":\"high\"}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5,34.7]},\"properties\":{\"severity\":2.5}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5,34.7]},\"properties\":{\"severity\":99999999999}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5,34.7]},\"properties\":{\"counts\":{\"dead\":\"2\"}}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5,34.7]},\"properties\":{\"counts\":{\"dead\":[2]}}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5,34.7]},\"properties\":{\"counts\":[1,2]}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5,34.7]},\"properties\":{\"counts\":{\"dead\":-1e999}}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5,34.7]},\"properties\":{\"affected_people\":\"many\"}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5,34.7]},\"properties\":{\"attachments\":{}}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5,34.7]},\"properties\":{\"attachments\":[\"a.jpg\"]}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5,34.7]},\"properties\":{\"attachments\":[{\"sha256\":1,\"media_type\":\"image/jpeg\",\"name\":\"a\"}]}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5,34.7]},\"properties\":{\"attachments\":[{\"media_type\":\"image/jpeg\",\"name\":\"a\"}]}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5,34.7]},\"properties\":{\"observed_at\":\"2025-09-01 06:00\"}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5,34.7]},\"properties\":{\"created_at\":\"2025-09-01T06:00:00\"}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5,34.7]},\"properties\":{\"updated_at\":1756674000}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5,34.7]},\"properties\":{\"deleted\":\"yes\"}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5,34.7]},\"properties\":{\"rev\":true}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5,34.7]},\"properties\":{\"title\":\"\\ud800\"}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5,34.7]},\"properties\":{\"counts\":{\"\\udc00\":1}}}",
  "{\"type\":\"FeatureCollection\",\"features\":{}}",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5,34.7]}} trailing",
  "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5,34.7]},}",
};

static void
assert_parse_error (const char *text,
                    gssize      length)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdReport) report = NULL;
  g_autoptr(GPtrArray) reports = NULL;

  report = bd_report_new_from_geojson (text, length, &error);
  g_assert_null (report);
  g_assert_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_PARSE);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_clear_error (&error);

  /* A collection of [] is fine; other texts are refused there too. */
  reports = bd_reports_from_feature_collection (text, length, &error);
  if (reports != NULL)
    {
      g_assert_cmpuint (reports->len, ==, 0);
      return;
    }
  g_assert_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_PARSE);
}

static void
test_malformed (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdReport) report = NULL;
  g_autoptr(JsonNode) array_node = NULL;
  g_autofree char *deep = NULL;
  static const char invalid_utf8[] =
    "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5,34.7]},"
    "\"properties\":{\"title\":\"\xff\xfe\"}}";
  static const char with_nul[] =
    "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5,34.7]}}\0junk";

  for (guint i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      g_test_message ("malformed %u: %s", i, malformed[i]);
      assert_parse_error (malformed[i], -1);
    }

  assert_parse_error (invalid_utf8, -1);
  assert_parse_error (with_nul, sizeof with_nul - 1);
  assert_parse_error (NULL, -1);

  /* A deep nest would overflow json-glib's recursive parser. */
  deep = g_strnfill (200000, '[');
  assert_parse_error (deep, -1);
  g_clear_pointer (&deep, g_free);
  deep = g_strconcat ("{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5,34.7]},"
                      "\"properties\":{\"extra\":", NULL);
  {
    GString *nest = g_string_new (deep);

    for (guint i = 0; i < 100; i++)
      g_string_append (nest, "{\"a\":");
    g_string_append (nest, "1");
    for (guint i = 0; i < 100; i++)
      g_string_append (nest, "}");
    g_string_append (nest, "}}");
    assert_parse_error (nest->str, -1);
    g_string_free (nest, TRUE);
  }

  /* ...but a modest nest of unknown properties is read and ignored */
  report = bd_report_new_from_geojson ("{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Point\","
                                       "\"coordinates\":[135.5,34.7]},\"properties\":{\"extra\":[[[{\"a\":1}]]],"
                                       "\"title\":\"t\",\"severity\":2}}", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bd_report_get_title (report), ==, "t");
  g_clear_object (&report);

  /* a node that is not an object */
  array_node = json_from_string ("[1,2]", NULL);
  report = bd_report_new_from_json (array_node, &error);
  g_assert_null (report);
  g_assert_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_PARSE);
  g_clear_error (&error);
  report = bd_report_new_from_json (NULL, &error);
  g_assert_null (report);
  g_assert_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_PARSE);
}

static void
test_too_large (void)
{
  g_autoptr(BdReport) report = make_valid_report ();
  g_autoptr(BdReport) back = NULL;
  g_autoptr(GPtrArray) reports = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  g_autofree char *text = NULL;
  g_autofree char *huge = NULL;
  gsize size = 17 * 1024 * 1024;

  /* a 17 MiB title */
  title = g_malloc (size + 1);
  memset (title, 'a', size);
  title[size] = '\0';
  bd_report_set_title (report, title);
  text = bd_report_to_geojson (report);
  g_assert_cmpuint (strlen (text), >, size);

  back = bd_report_new_from_geojson (text, -1, &error);
  g_assert_null (back);
  g_assert_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "16 MiB"));
  g_clear_error (&error);

  back = bd_report_new_from_geojson (text, strlen (text), &error);
  g_assert_null (back);
  g_assert_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_PARSE);
  g_clear_error (&error);

  /* a collection may hold it ... */
  reports = bd_reports_from_feature_collection (text, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (reports->len, ==, 1);
  g_assert_cmpuint (strlen (bd_report_get_title (g_ptr_array_index (reports, 0))), ==, size);
  g_clear_pointer (&reports, g_ptr_array_unref);

  /* ... up to 64 MiB */
  huge = g_malloc (65 * 1024 * 1024 + 1);
  memset (huge, ' ', 65 * 1024 * 1024);
  huge[65 * 1024 * 1024] = '\0';
  memcpy (huge, "[]", 2);
  reports = bd_reports_from_feature_collection (huge, -1, &error);
  g_assert_null (reports);
  g_assert_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "64 MiB"));
}

/* Random mutations of valid GeoJSON must never crash, and what parses must
 * write and read back the same. */
static void
mutate (GString *text)
{
  static const char * const snippets[] = {
    "null", "[]", "{}", "\"\"", "-1", "1e400", "true", "0.5", "\"x\"", ",", ":", "[", "{",
    "]", "}", "\"", "\\", "\\u0000", "\\ud800", "99999999999999999999", "NaN", "\xe6\xb0\xb4",
  };
  guint kind = g_test_rand_int_range (0, 6);
  guint pos = text->len ? g_test_rand_int_range (0, text->len) : 0;
  guint len = g_test_rand_int_range (1, 16);

  switch (kind)
    {
    case 0: /* flip a byte to printable ASCII */
      if (text->len)
        text->str[pos] = (char) g_test_rand_int_range (32, 127);
      break;
    case 1: /* delete a run */
      g_string_erase (text, pos, MIN (len, text->len - pos));
      break;
    case 2: /* insert a snippet */
      g_string_insert (text, pos, snippets[g_test_rand_int_range (0, G_N_ELEMENTS (snippets))]);
      break;
    case 3: /* replace a value: find the next ':' */
      {
        const char *colon = strchr (text->str + pos, ':');

        if (colon != NULL)
          {
            gsize at = (gsize) (colon - text->str) + 1;
            g_string_insert (text, at, snippets[g_test_rand_int_range (0, G_N_ELEMENTS (snippets))]);
            g_string_insert (text, at, ",\"k\":");
          }
      }
      break;
    case 4: /* duplicate a run */
      {
        g_autofree char *run = g_strndup (text->str + pos, MIN (len * 4, text->len - pos));
        g_string_insert (text, pos, run);
      }
      break;
    case 5: /* truncate */
      g_string_truncate (text, pos);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
test_fuzz (void)
{
  g_autoptr(BdReport) full = make_full_report (1);
  g_autoptr(GPtrArray) two = g_ptr_array_new ();
  g_autofree char *seed_feature = NULL;
  g_autofree char *seed_collection = NULL;
  g_autoptr(BdReport) polygon_report = make_full_report (2);
  guint parsed = 0, refused = 0;

  bd_report_set_polygon (polygon_report, valid_polygon);
  g_ptr_array_add (two, full);
  g_ptr_array_add (two, polygon_report);
  seed_feature = bd_report_to_geojson (polygon_report);
  seed_collection = bd_reports_to_feature_collection (two);

  for (guint i = 0; i < 1000; i++)
    {
      g_autoptr(GString) text = g_string_new (i % 2 ? seed_feature : seed_collection);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) reports = NULL;
      guint n_mutations = g_test_rand_int_range (1, 5);

      for (guint m = 0; m < n_mutations; m++)
        mutate (text);

      reports = bd_reports_from_feature_collection (text->str, text->len, &error);
      if (reports == NULL)
        {
          g_assert_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_PARSE);
          refused++;
          continue;
        }

      parsed++;
      for (guint r = 0; r < reports->len; r++)
        {
          BdReport *report = g_ptr_array_index (reports, r);
          g_autoptr(BdReport) back = NULL;
          g_autoptr(GError) local_error = NULL;
          g_autofree char *again = NULL;

          bd_report_validate (report, NULL);
          for (guint f = 0; f < BD_REPORT_N_FIELDS; f++)
            bd_report_check_field (report, f, NULL);

          again = bd_report_to_geojson (report);
          back = bd_report_new_from_geojson (again, -1, &local_error);
          if (back == NULL)
            g_error ("could not read back %s\nfrom %s: %s", again, text->str, local_error->message);
          if (!bd_report_equal (report, back))
            {
              g_auto(GStrv) diff = bd_report_diff (report, back);
              g_autofree char *joined = g_strjoinv (", ", diff);

              g_error ("%s differ after reading back %s\nfrom %s", joined, again, text->str);
            }
        }
    }

  g_test_message ("fuzz: %u parsed, %u refused", parsed, refused);
  g_assert_cmpuint (parsed + refused, ==, 1000);
  g_assert_cmpuint (refused, >, 0);
}

static void
test_diff (void)
{
  g_autoptr(BdReport) a = make_full_report (0);
  g_autoptr(BdReport) b = NULL;
  g_autoptr(GDateTime) later = NULL;
  g_autoptr(GDateTime) tiny = NULL;
  g_auto(GStrv) diff = NULL;

  b = bd_report_copy (a);
  g_assert_true (bd_report_equal (a, b));
  diff = bd_report_diff (a, b);
  g_assert_nonnull (diff);
  g_assert_cmpuint (g_strv_length (diff), ==, 0);
  g_clear_pointer (&diff, g_strfreev);

  bd_report_set_title (b, "別の題名");
  bd_report_set_count (b, "inundation_above_floor_people", 40);
  diff = bd_report_diff (a, b);
  g_assert_cmpstrv (diff, ((const char * const[]) { "title", "counts", NULL }));
  g_assert_false (bd_report_equal (a, b));
  g_clear_pointer (&diff, g_strfreev);
  g_clear_object (&b);

  b = bd_report_copy (a);
  bd_report_set_location (b, 34.70, 135.50);
  bd_report_set_status (b, "resolved");
  bd_report_set_affected_people (b, -1);
  bd_report_set_rev (b, 99);
  diff = bd_report_diff (a, b);
  g_assert_cmpstrv (diff, ((const char * const[]) { "geometry", "status", "affected_people", "rev", NULL }));
  g_clear_pointer (&diff, g_strfreev);
  g_clear_object (&b);

  b = bd_report_copy (a);
  bd_report_set_polygon (b, valid_polygon);
  bd_report_set_attachments (b, NULL);
  bd_report_set_deleted (b, TRUE);
  bd_report_set_id (b, OTHER_ID);
  diff = bd_report_diff (a, b);
  g_assert_cmpstrv (diff, ((const char * const[]) { "id", "geometry", "attachments", "deleted", NULL }));
  g_clear_pointer (&diff, g_strfreev);
  g_clear_object (&b);

  /* timestamps compare to the second */
  b = bd_report_copy (a);
  tiny = g_date_time_add (bd_report_get_updated_at (a), -200000);
  bd_report_set_updated_at (b, tiny);
  g_assert_true (bd_report_equal (a, b));
  later = g_date_time_add_seconds (bd_report_get_updated_at (a), 1);
  bd_report_set_updated_at (b, later);
  bd_report_set_ward (b, "271284");
  bd_report_set_category (b, "fire");
  bd_report_set_severity (b, 4);
  bd_report_set_duplicate_of (b, OTHER_ID);
  bd_report_set_description (b, "");
  bd_report_set_reporter (b, "HQ");
  bd_report_set_observed_at (b, later);
  bd_report_set_created_at (b, later);
  bd_report_set_affected_households (b, 1);
  bd_report_set_seq (b, 1);
  diff = bd_report_diff (a, b);
  g_assert_cmpstrv (diff, ((const char * const[]) { "ward", "category", "severity", "duplicate_of",
                                                    "description", "observed_at", "created_at",
                                                    "updated_at", "reporter", "affected_households",
                                                    "seq", NULL }));
}

static void
test_copy (void)
{
  g_autoptr(BdReport) a = make_full_report (0);
  g_autoptr(BdReport) b = NULL;
  g_autoptr(GVariant) counts = NULL;

  bd_report_set_polygon (a, valid_polygon);
  bd_report_set_duplicate_of (a, OTHER_ID);
  b = bd_report_copy (a);
  g_assert_true (b != a);
  g_assert_true (bd_report_equal (a, b));
  g_assert_cmpstr (bd_report_get_polygon (a), ==, bd_report_get_polygon (b));
  g_assert_true (bd_report_get_title (a) != bd_report_get_title (b));

  bd_report_set_count (b, "inundation_above_floor_houses", 1);
  bd_report_set_title (b, "x");
  g_assert_cmpfloat (bd_report_get_count (a, "inundation_above_floor_houses"), ==, 12);
  g_assert_cmpstr (bd_report_get_title (a), !=, "x");

  counts = bd_report_get_counts (a);
  g_assert_true (g_variant_is_of_type (counts, G_VARIANT_TYPE ("a{sd}")));
  g_assert_cmpuint (g_variant_n_children (counts), ==, 3);
}

static void
test_counts (void)
{
  g_autoptr(BdReport) report = bd_report_new ();
  g_autoptr(GVariant) counts = NULL;
  g_autoptr(GVariant) empty = NULL;
  g_autofree char *printed = NULL;
  GVariantBuilder builder;

  bd_report_set_count (report, "missing", 2);
  bd_report_set_count (report, "dead", 1);
  bd_report_set_count (report, "slightly_injured", 0);
  counts = bd_report_get_counts (report);
  printed = g_variant_print (counts, FALSE);
  g_assert_cmpstr (printed, ==, "{'dead': 1.0, 'missing': 2.0}");
  g_assert_cmpfloat (bd_report_get_count (report, "dead"), ==, 1);
  g_assert_cmpfloat (bd_report_get_count (report, "seriously_injured"), ==, 0);

  /* setting 0 removes the key */
  bd_report_set_count (report, "dead", 0);
  g_assert_cmpfloat (bd_report_get_count (report, "dead"), ==, 0);
  g_clear_pointer (&counts, g_variant_unref);
  counts = bd_report_get_counts (report);
  g_assert_cmpuint (g_variant_n_children (counts), ==, 1);

  /* set_counts sorts and drops zeros */
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{sd}"));
  g_variant_builder_add (&builder, "{sd}", "z", 1.0);
  g_variant_builder_add (&builder, "{sd}", "a", 0.0);
  g_variant_builder_add (&builder, "{sd}", "m", 3.0);
  bd_report_set_counts (report, g_variant_builder_end (&builder));
  g_clear_pointer (&counts, g_variant_unref);
  g_clear_pointer (&printed, g_free);
  counts = bd_report_get_counts (report);
  printed = g_variant_print (counts, FALSE);
  g_assert_cmpstr (printed, ==, "{'m': 3.0, 'z': 1.0}");

  bd_report_clear_counts (report);
  empty = bd_report_get_counts (report);
  g_assert_cmpuint (g_variant_n_children (empty), ==, 0);
}

typedef struct
{
  GHashTable *counts;
} NotifyLog;

static void
on_notify_cb (GObject    *object,
              GParamSpec *pspec,
              NotifyLog  *log)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (log->counts, pspec->name));

  g_hash_table_insert (log->counts, (gpointer) pspec->name, GUINT_TO_POINTER (n + 1));
}

static guint
take_notifies (NotifyLog  *log,
               const char *name)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (log->counts, name));
  guint total = 0;
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, log->counts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    total += GPOINTER_TO_UINT (value);
  /* nothing else was notified */
  g_assert_cmpuint (total, ==, n);

  g_hash_table_remove_all (log->counts);
  return n;
}

static void
test_notify (void)
{
  g_autoptr(BdReport) report = make_full_report (0);
  g_autoptr(GDateTime) when = date_time ("2025-09-01T07:00:00+09:00");
  g_autoptr(GDateTime) same_when = date_time ("2025-09-01T07:00:00+09:00");
  g_autoptr(GDateTime) same_instant_utc = date_time ("2025-08-31T22:00:00Z");
  g_autoptr(GVariant) attachments = NULL;
  g_autoptr(GVariant) counts = NULL;
  NotifyLog log = { g_hash_table_new (g_str_hash, g_str_equal) };
  static const char * const names[] = {
    "id", "latitude", "longitude", "polygon", "ward", "category", "severity", "status",
    "duplicate-of", "title", "description", "reporter", "observed-at", "created-at",
    "updated-at", "counts", "affected-households", "affected-people", "attachments",
    "rev", "seq", "deleted",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (report), names[i]);

      g_assert_nonnull (pspec);
      g_assert_true (pspec->flags & G_PARAM_EXPLICIT_NOTIFY);
    }

  g_signal_connect (report, "notify", G_CALLBACK (on_notify_cb), &log);

#define ONCE_THEN_NEVER(name, call) G_STMT_START { \
    call; \
    g_assert_cmpuint (take_notifies (&log, name), ==, 1); \
    call; \
    g_assert_cmpuint (take_notifies (&log, name), ==, 0); \
  } G_STMT_END

  ONCE_THEN_NEVER ("id", bd_report_set_id (report, OTHER_ID));
  ONCE_THEN_NEVER ("latitude", bd_report_set_location (report, 34.6, bd_report_get_longitude (report)));
  ONCE_THEN_NEVER ("longitude", bd_report_set_location (report, 34.6, 135.45));
  ONCE_THEN_NEVER ("polygon", bd_report_set_polygon (report, valid_polygon));
  ONCE_THEN_NEVER ("ward", bd_report_set_ward (report, "271021"));
  ONCE_THEN_NEVER ("category", bd_report_set_category (report, "fire"));
  ONCE_THEN_NEVER ("severity", bd_report_set_severity (report, 4));
  ONCE_THEN_NEVER ("status", bd_report_set_status (report, "resolved"));
  ONCE_THEN_NEVER ("duplicate-of", bd_report_set_duplicate_of (report, OTHER_ID));
  ONCE_THEN_NEVER ("title", bd_report_set_title (report, "新しい題名"));
  ONCE_THEN_NEVER ("description", bd_report_set_description (report, "説明"));
  ONCE_THEN_NEVER ("reporter", bd_report_set_reporter (report, "本部"));
  ONCE_THEN_NEVER ("observed-at", bd_report_set_observed_at (report, when));
  ONCE_THEN_NEVER ("created-at", bd_report_set_created_at (report, when));
  ONCE_THEN_NEVER ("updated-at", bd_report_set_updated_at (report, when));
  ONCE_THEN_NEVER ("counts", bd_report_set_count (report, "building_fires", 2));
  ONCE_THEN_NEVER ("affected-households", bd_report_set_affected_households (report, 3));
  ONCE_THEN_NEVER ("affected-people", bd_report_set_affected_people (report, 5));
  ONCE_THEN_NEVER ("attachments", bd_report_set_attachments (report, NULL));
  ONCE_THEN_NEVER ("rev", bd_report_set_rev (report, 42));
  ONCE_THEN_NEVER ("seq", bd_report_set_seq (report, 43));
  ONCE_THEN_NEVER ("deleted", bd_report_set_deleted (report, TRUE));

  /* through GObject properties too */
  ONCE_THEN_NEVER ("title", g_object_set (report, "title", "プロパティ", NULL));
  ONCE_THEN_NEVER ("latitude", g_object_set (report, "latitude", 34.65, NULL));
  ONCE_THEN_NEVER ("severity", g_object_set (report, "severity", 1, NULL));
  ONCE_THEN_NEVER ("affected-people", g_object_set (report, "affected-people", (gint64) 9, NULL));

  /* moving both coordinates: one notify each */
  bd_report_set_location (report, 34.66, 135.46);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (log.counts, "latitude")), ==, 1);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (log.counts, "longitude")), ==, 1);
  g_hash_table_remove_all (log.counts);

  /* NaN to NaN is no change */
  ONCE_THEN_NEVER ("latitude", bd_report_set_location (report, NAN, 135.46));

  /* unchanged values: no notify */
  bd_report_set_observed_at (report, same_when);
  bd_report_set_count (report, "building_fires", 2);
  bd_report_set_count (report, "other_fires", 0);
  bd_report_set_title (report, "プロパティ");
  bd_report_set_ward (report, "271021");
  bd_report_set_polygon (report, valid_polygon);
  counts = bd_report_get_counts (report);
  bd_report_set_counts (report, counts);
  attachments = bd_report_get_attachments (report);
  bd_report_set_attachments (report, attachments);
  g_assert_cmpuint (g_hash_table_size (log.counts), ==, 0);

  /* "" and NULL are the same for the optional text fields */
  bd_report_set_duplicate_of (report, NULL);
  g_hash_table_remove_all (log.counts);
  bd_report_set_duplicate_of (report, "");
  bd_report_set_description (report, "");
  bd_report_set_description (report, NULL);
  g_assert_cmpuint (take_notifies (&log, "description"), ==, 1);

  /* the same instant in another offset is a change (it is written differently) */
  ONCE_THEN_NEVER ("observed-at", bd_report_set_observed_at (report, same_instant_utc));

  /* clearing counts notifies once, and not when already empty */
  ONCE_THEN_NEVER ("counts", bd_report_clear_counts (report));

#undef ONCE_THEN_NEVER

  g_signal_handlers_disconnect_by_func (report, on_notify_cb, &log);
  g_hash_table_unref (log.counts);
}

static void
test_properties (void)
{
  g_autoptr(BdReport) report = make_full_report (0);
  g_autoptr(GDateTime) created = NULL;
  g_autoptr(GVariant) counts = NULL;
  g_autoptr(GVariant) attachments = NULL;
  g_autofree char *title = NULL;
  double latitude = 0;
  gint64 people = 0;
  int severity = 0;
  gboolean deleted = TRUE;

  g_object_get (report,
                "title", &title,
                "latitude", &latitude,
                "created-at", &created,
                "counts", &counts,
                "attachments", &attachments,
                "affected-people", &people,
                "severity", &severity,
                "deleted", &deleted,
                NULL);
  g_assert_cmpstr (title, ==, bd_report_get_title (report));
  g_assert_cmpfloat (latitude, ==, bd_report_get_latitude (report));
  g_assert_true (g_date_time_equal (created, bd_report_get_created_at (report)));
  g_assert_cmpuint (g_variant_n_children (counts), ==, 3);
  g_assert_cmpuint (g_variant_n_children (attachments), ==, 2);
  g_assert_cmpint (people, ==, 31);
  g_assert_cmpint (severity, ==, 3);
  g_assert_false (deleted);

  g_object_set (report, "counts", g_variant_new_parsed ("{'dead': 4.0}"), NULL);
  g_assert_cmpfloat (bd_report_get_count (report, "dead"), ==, 4);
  g_object_set (report, "polygon", valid_polygon, "ward", "271284", NULL);
  g_assert_nonnull (bd_report_get_polygon (report));
  g_assert_cmpstr (bd_report_get_ward (report), ==, "271284");
}

/* The three-way merge: one-sided changes merge, two-sided ones conflict
 * (keeping the local value), a delete against an edit conflicts. */
static void
test_merge3 (void)
{
  g_autoptr(BdReport) base = make_valid_report ();
  g_autoptr(BdReport) local = NULL;
  g_autoptr(BdReport) server = NULL;
  g_autoptr(BdReport) merged = NULL;
  g_auto(GStrv) conflicts = NULL;
  g_autofree char *text = NULL;

  bd_report_set_rev (base, 3);
  local = bd_report_copy (base);
  server = bd_report_copy (base);
  bd_report_set_severity (local, 4);
  bd_report_set_title (server, "サーバー側の件名");
  bd_report_set_rev (server, 4);
  merged = bd_report_merge3 (base, local, server, &conflicts);
  g_assert_cmpuint (g_strv_length (conflicts), ==, 0);
  g_assert_cmpint (bd_report_get_severity (merged), ==, 4);
  g_assert_cmpstr (bd_report_get_title (merged), ==, "サーバー側の件名");
  g_assert_cmpint (bd_report_get_rev (merged), ==, 4);
  g_clear_object (&merged);
  g_clear_pointer (&conflicts, g_strfreev);

  /* both changed the title and the place; only we changed the status */
  bd_report_set_title (local, "こちらの件名");
  bd_report_set_location (local, 34.701, 135.501);
  bd_report_set_location (server, 34.702, 135.502);
  bd_report_set_status (local, "confirmed");
  merged = bd_report_merge3 (base, local, server, &conflicts);
  g_assert_cmpuint (g_strv_length (conflicts), ==, 2);
  g_assert_true (g_strv_contains ((const char * const *) conflicts, "title"));
  g_assert_true (g_strv_contains ((const char * const *) conflicts, "geometry"));
  g_assert_cmpstr (bd_report_get_title (merged), ==, "こちらの件名");
  g_assert_cmpfloat (bd_report_get_latitude (merged), ==, 34.701);
  g_assert_cmpstr (bd_report_get_status (merged), ==, "confirmed");
  g_clear_object (&merged);
  g_clear_pointer (&conflicts, g_strfreev);

  /* the same value on both sides is no conflict */
  bd_report_set_title (server, "こちらの件名");
  bd_report_set_location (server, 34.701, 135.501);
  merged = bd_report_merge3 (base, local, server, &conflicts);
  g_assert_cmpuint (g_strv_length (conflicts), ==, 0);
  g_clear_object (&merged);
  g_clear_pointer (&conflicts, g_strfreev);

  /* deleted on the server, edited here */
  g_clear_object (&server);
  server = bd_report_copy (base);
  bd_report_set_deleted (server, TRUE);
  merged = bd_report_merge3 (base, local, server, &conflicts);
  g_assert_true (g_strv_contains ((const char * const *) conflicts, "deleted"));
  g_assert_false (bd_report_get_deleted (merged));
  g_clear_object (&merged);
  g_clear_pointer (&conflicts, g_strfreev);

  /* no base (made on both sides): every difference is a conflict */
  merged = bd_report_merge3 (NULL, local, server, &conflicts);
  g_assert_true (g_strv_contains ((const char * const *) conflicts, "title"));
  g_assert_true (g_strv_contains ((const char * const *) conflicts, "deleted"));
  g_clear_object (&merged);

  /* the values as the conflict view shows them */
  text = bd_report_format_field (local, "severity");
  g_assert_cmpstr (text, !=, "");
  g_clear_pointer (&text, g_free);
  text = bd_report_format_field (local, "title");
  g_assert_cmpstr (text, ==, "こちらの件名");
  g_clear_pointer (&text, g_free);
  text = bd_report_format_field (local, "geometry");
  g_assert_cmpstr (text, ==, "34.70100, 135.50100");
  g_assert_cmpstr (bd_report_field_label ("title"), ==, "Title");

  /* copy_field carries exactly one field */
  bd_report_copy_field (server, local, "title");
  g_assert_cmpstr (bd_report_get_title (server), ==, "こちらの件名");
  g_assert_cmpint (bd_report_get_severity (server), !=, 4);
}

/* Issue 9, defect 8: what the server read with this code must be refused,
 * not changed: no invented severity, no "" for a null description, no
 * title cut at a NUL, none of json-glib's lenient extensions. */
static char *
feature_with (const char *properties)
{
  return g_strdup_printf ("{\"type\":\"Feature\",\"id\":\"%s\",\"geometry\":{\"type\":\"Point\","
                          "\"coordinates\":[%.4f,%.4f]},\"properties\":{\"ward\":\"271276\","
                          "\"category\":\"human\",\"status\":\"new\",\"title\":\"t\","
                          "\"observed_at\":\"2025-09-01T05:45:00+09:00\","
                          "\"created_at\":\"2025-09-01T06:00:00+09:00\","
                          "\"updated_at\":\"2025-09-01T06:00:00+09:00\"%s%s}}",
                          OTHER_ID, UMEDA_LON, UMEDA_LAT,
                          properties[0] != '\0' ? "," : "", properties);
}

static void
assert_refused (const char *text,
                gssize      length,
                const char *word)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) collection_error = NULL;
  g_autoptr(BdReport) report = NULL;
  g_autoptr(GPtrArray) reports = NULL;

  g_test_message ("%s", text);
  report = bd_report_new_from_geojson (text, length, &error);
  g_assert_null (report);
  g_assert_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_PARSE);
  g_test_message ("refused: %s", error->message);
  if (word != NULL)
    g_assert_nonnull (strstr (error->message, word));

  reports = bd_reports_from_feature_collection (text, length, &collection_error);
  g_assert_null (reports);
  g_assert_error (collection_error, BD_REPORT_ERROR, BD_REPORT_ERROR_PARSE);
}

static void
test_refuses_invented_values (void)
{
  static const struct
  {
    const char *properties;
    const char *word;
  } refused[] = {
    { "\"description\":\"d\"", "severity" },
    { "\"severity\":null", "severity" },
    { "\"severity\":2,\"description\":null", "description" },
    { "\"severity\":2,\"reporter\":null", "reporter" },
    { "\"severity\":2,\"title\":null", "title" },
    { "\"severity\":2,\"description\":\"a\\u0000b\"", "NUL" },
    { "\"severity\":2,\"description\":'d'", NULL },
    { "\"severity\":2,\"description\":\"\\x41\"", NULL },
    { "\"severity\":2 /* comment */", NULL },
  };
  g_autofree char *good = feature_with ("\"severity\":2");
  g_autofree char *nul_title = NULL;
  g_autofree char *twice = NULL;
  g_autofree char *bom = NULL;
  g_autoptr(BdReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) raw = NULL;

  /* what the client writes has a severity, and reads back */
  report = bd_report_new_from_geojson (good, -1, &error);
  g_assert_no_error (error);
  assert_valid (report);
  g_assert_cmpstr (bd_report_get_description (report), ==, "");
  g_clear_object (&report);
  {
    g_autoptr(BdReport) written = make_valid_report ();
    g_autofree char *text = bd_report_to_geojson (written);

    g_assert_nonnull (strstr (text, "\"severity\":2"));
  }

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *text = feature_with (refused[i].properties);

      assert_refused (text, -1, refused[i].word);
    }

  /* a title holding \u0000 was stored cut short */
  nul_title = feature_with ("\"severity\":2");
  {
    g_autoptr(GString) text = g_string_new (nul_title);

    g_string_replace (text, "\"title\":\"t\"", "\"title\":\"t\\u0000 (cut here)\"", 1);
    assert_refused (text->str, (gssize) text->len, "NUL");
  }

  /* a raw NUL byte inside the text, given its length */
  raw = g_string_new (good);
  g_string_replace (raw, "\"title\":\"t\"", "\"title\":\"t#x\"", 1);
  raw->str[strstr (raw->str, "t#x") - raw->str + 1] = '\0';
  assert_refused (raw->str, (gssize) raw->len, NULL);

  /* two concatenated features */
  twice = g_strconcat (good, good, NULL);
  assert_refused (twice, -1, NULL);

  /* a byte-order mark is allowed */
  bom = g_strconcat ("\xEF\xBB\xBF", good, NULL);
  report = bd_report_new_from_geojson (bom, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
}

/* The one table of fields: every list of names comes from it. */
static void
test_fields_table (void)
{
  static const char * const form_order[] = {
    "title", "category", "severity", "geometry", "ward", "status", "duplicate_of",
    "description", "attachments", "counts", "affected_households", "affected_people",
    "reporter", "observed_at", "created_at", "deleted",
  };
  static const char * const content[] = {
    "geometry", "ward", "category", "severity", "status", "duplicate_of", "title",
    "description", "observed_at", "reporter", "counts", "affected_households",
    "affected_people", "attachments", "department", NULL,
  };
  g_autoptr(BdReport) a = bd_report_new ();
  g_autoptr(BdReport) b = make_full_report (1);
  g_auto(GStrv) diff = NULL;
  const BdReportFieldInfo *fields;
  guint n_fields;

  fields = bd_report_fields (&n_fields);
  g_assert_cmpuint (n_fields, ==, 21);

  /* a new report and a full one differ in every field, in table order */
  bd_report_set_deleted (b, TRUE);
  bd_report_set_duplicate_of (b, OTHER_ID);
  diff = bd_report_diff (a, b);
  g_assert_cmpuint (g_strv_length (diff), ==, n_fields);
  for (guint i = 0; i < n_fields; i++)
    {
      g_autofree char *shown = bd_report_format_field (b, fields[i].name);

      g_assert_cmpstr (diff[i], ==, fields[i].name);
      g_assert_true (bd_report_field_lookup (fields[i].name) == &fields[i]);
      g_assert_nonnull (shown);
      if (fields[i].label != NULL)
        g_assert_cmpstr (bd_report_field_label (fields[i].name), !=, fields[i].name);
      else
        g_assert_cmpstr (bd_report_field_label (fields[i].name), ==, fields[i].name);
      /* the server's stamps are stamps; content is merged */
      if (fields[i].flags & BD_REPORT_FIELD_FLAG_SERVER)
        g_assert_true (fields[i].flags & BD_REPORT_FIELD_FLAG_STAMP);
      if (fields[i].flags & BD_REPORT_FIELD_FLAG_CONTENT)
        g_assert_true (fields[i].flags & BD_REPORT_FIELD_FLAG_MERGED);
    }
  g_assert_null (bd_report_field_lookup ("no-such-field"));

  /* copying each field makes the two agree on it */
  for (guint i = 0; i < n_fields; i++)
    bd_report_copy_field (a, b, fields[i].name);
  g_assert_true (bd_report_equal (a, b));

  /* what the server stamps (src/central: rev and seq), and the stamps
   * same_content leaves out (updated_at as well) */
  g_assert_cmpstrv (bd_report_field_names (BD_REPORT_FIELD_FLAG_SERVER),
                    ((const char * const[]) { "rev", "seq", NULL }));
  g_assert_cmpstrv (bd_report_field_names (BD_REPORT_FIELD_FLAG_STAMP),
                    ((const char * const[]) { "updated_at", "rev", "seq", NULL }));
  g_assert_cmpstrv (bd_report_field_names (BD_REPORT_FIELD_FLAG_CONTENT), content);
  g_assert_true (bd_report_field_has_flags ("deleted", BD_REPORT_FIELD_FLAG_MERGED));
  g_assert_false (bd_report_field_has_flags ("deleted", BD_REPORT_FIELD_FLAG_CONTENT));
  g_assert_false (bd_report_field_has_flags ("created_at", BD_REPORT_FIELD_FLAG_MERGED));

  /* the editor's order, unique positions */
  for (guint i = 0; i < G_N_ELEMENTS (form_order); i++)
    g_assert_cmpuint (bd_report_field_lookup (form_order[i])->form_order, ==, i);
  for (guint i = 0; i < n_fields; i++)
    for (guint j = i + 1; j < n_fields; j++)
      g_assert_cmpuint (fields[i].form_order, !=, fields[j].form_order);

  /* same content but for the stamps */
  bd_report_set_rev (a, 99);
  bd_report_set_seq (a, 99);
  g_assert_true (bd_report_same_content (a, b));
  bd_report_set_created_at (a, NULL);
  g_assert_false (bd_report_same_content (a, b));
}

/* bd-time: the RFC 3339 helpers of client and server. */
static void
test_time (void)
{
  g_autoptr(GDateTime) when = bd_parse_timestamp ("2025-09-01T06:30:15.25+09:00");
  g_autofree char *text = bd_format_timestamp (when);
  g_autofree char *now = bd_timestamp_now_utc ();
  g_autoptr(GDateTime) back = bd_parse_timestamp (now);

  g_assert_cmpstr (text, ==, "2025-09-01T06:30:15.250000+09:00");
  g_assert_cmpint (bd_date_time_to_usec (when), ==, G_GINT64_CONSTANT (1756675815250000));
  g_assert_nonnull (back);
  g_assert_true (g_str_has_suffix (now, "Z"));
  g_assert_cmpuint (strlen (now), ==, 20);
  g_assert_null (bd_parse_timestamp ("2025-09-01T06:30:15+09"));
  g_assert_null (bd_parse_timestamp ("2025-09-01 06:30:15Z"));
  g_assert_null (bd_format_timestamp (NULL));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bd/report/new", test_new);
  g_test_add_func ("/bd/report/valid", test_valid);
  g_test_add_func ("/bd/report/invalid", test_invalid);
  g_test_add_func ("/bd/report/messages", test_messages);
  g_test_add_func ("/bd/report/first-error-wins", test_first_error_wins);
  g_test_add_func ("/bd/report/timestamps", test_timestamps);
  g_test_add_func ("/bd/report/geojson/point", test_geojson_point);
  g_test_add_func ("/bd/report/geojson/round-trip", test_geojson_round_trip);
  g_test_add_func ("/bd/report/geojson/feature-collection", test_feature_collection);
  g_test_add_func ("/bd/report/geojson/malformed", test_malformed);
  g_test_add_func ("/bd/report/geojson/too-large", test_too_large);
  g_test_add_func ("/bd/report/geojson/fuzz", test_fuzz);
  g_test_add_func ("/bd/report/diff", test_diff);
  g_test_add_func ("/bd/report/copy", test_copy);
  g_test_add_func ("/bd/report/counts", test_counts);
  g_test_add_func ("/bd/report/notify", test_notify);
  g_test_add_func ("/bd/report/properties", test_properties);
  g_test_add_func ("/bd/report/merge3", test_merge3);
  g_test_add_func ("/bd/report/refuses-invented-values", test_refuses_invented_values);
  g_test_add_func ("/bd/report/fields-table", test_fields_table);
  g_test_add_func ("/bd/report/time", test_time);

  return g_test_run ();
}
