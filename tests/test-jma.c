/* test-jma.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The JMA disaster XML parser (core, no display): each message type's
 * sample in tests/data/jma/ becomes the `alerts` features ALERTS.md
 * describes; hostile input is refused with the right error.
 */

#include "config.h"

#include <string.h>

#include <glib.h>

#include "bd-jma.h"

static char *
sample_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "jma", name, NULL);
}

static BdJmaMessage *
parse_sample (const char  *name,
              GError     **error)
{
  g_autofree char *path = sample_path (name);
  g_autofree char *data = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &data, &length, NULL));
  return bd_jma_parse (data, length, NULL, error);
}

static BdJmaMessage *
parse_ok (const char *name)
{
  g_autoptr(GError) error = NULL;
  BdJmaMessage *message = parse_sample (name, &error);

  g_assert_no_error (error);
  g_assert_nonnull (message);
  return message;
}

static JsonObject *
props (BdJmaMessage *message,
       guint         index)
{
  JsonNode *node;

  g_assert_cmpuint (index, <, message->alerts->len);
  node = g_ptr_array_index (message->alerts, index);
  return json_object_get_object_member (json_node_get_object (node), "properties");
}

static const char *
feature_id (BdJmaMessage *message,
            guint         index)
{
  JsonNode *node = g_ptr_array_index (message->alerts, index);

  return json_object_get_string_member (json_node_get_object (node), "id");
}

static const char *
str (JsonObject *object,
     const char *name)
{
  return json_object_get_string_member_with_default (object, name, NULL);
}

static const char *
first_area_code (JsonObject *object)
{
  JsonArray *codes = json_object_get_array_member (object, "area_codes");

  g_assert_cmpuint (json_array_get_length (codes), ==, 1);
  return json_array_get_string_element (codes, 0);
}

static void
test_control_head (void)
{
  g_autoptr(BdJmaMessage) m = parse_ok ("vpww54-issue.xml");
  g_autofree char *key = bd_jma_message_key (m);

  g_assert_cmpstr (m->title, ==, "気象警報・注意報（Ｈ２７）");
  g_assert_cmpstr (m->status, ==, "通常");
  g_assert_cmpstr (m->editorial_office, ==, "大阪管区気象台");
  g_assert_cmpstr (m->publishing_office, ==, "大阪管区気象台");
  g_assert_cmpstr (m->head_title, ==, "大阪府気象警報・注意報");
  g_assert_cmpstr (m->report_date_time, ==, "2026-07-03T10:00:00+09:00");
  g_assert_cmpstr (m->info_type, ==, "発表");
  g_assert_cmpstr (m->info_kind, ==, "気象警報・注意報");
  g_assert_cmpstr (m->event_id, ==, "");
  g_assert_true (g_str_has_prefix (m->headline, "大阪府では"));
  g_assert_cmpstr (m->type_code, ==, "VPWW54");
  g_assert_cmpstr (m->alert_status, ==, "actual");
  g_assert_cmpstr (m->msg_type, ==, "alert");
  g_assert_cmpstr (key, ==, "気象警報・注意報（Ｈ２７）||2026-07-03T10:00:00+09:00||発表");
}

static void
test_weather_warnings (void)
{
  g_autoptr(BdJmaMessage) m = parse_ok ("vpww54-issue.xml");
  g_autoptr(BdJmaMessage) c = parse_ok ("vpww54-correct.xml");
  g_autoptr(BdJmaMessage) lift = parse_ok ("vpww54-lift.xml");
  g_autoptr(BdJmaMessage) special = parse_ok ("vpww53-emergency.xml");
  g_autofree char *expected_id = bd_jma_thread_id ("気象警報・注意報", "", "2710000", "03", "actual");
  JsonObject *p;

  /* 大阪市 only: 堺市 and the prefecture-level Warning are not the city's. */
  g_assert_cmpuint (m->alerts->len, ==, 2);
  p = props (m, 0);
  g_assert_cmpstr (feature_id (m, 0), ==, expected_id);
  g_assert_true (g_str_has_prefix (expected_id, "jma-"));
  g_assert_cmpuint (strlen (expected_id), ==, 4 + 32);
  g_assert_cmpstr (str (p, "source"), ==, "jma");
  g_assert_cmpstr (str (p, "status"), ==, "actual");
  g_assert_cmpstr (str (p, "msg_type"), ==, "alert");
  g_assert_cmpstr (str (p, "event"), ==, "大雨警報");
  g_assert_cmpstr (str (p, "event_code"), ==, "03");
  g_assert_cmpstr (str (p, "info_type"), ==, "VPWW54");
  g_assert_cmpstr (str (p, "category"), ==, "met");
  g_assert_cmpstr (str (p, "severity"), ==, "Severe");
  g_assert_cmpint (json_object_get_int_member (p, "level"), ==, 3);
  g_assert_cmpstr (str (p, "area_desc"), ==, "大阪市");
  g_assert_cmpstr (first_area_code (p), ==, "271004");
  g_assert_cmpstr (str (p, "sent"), ==, "2026-07-03T10:00:00+09:00");
  g_assert_true (json_object_get_boolean_member (p, "active"));
  g_assert_false (json_object_get_boolean_member (p, "cancelled"));
  g_assert_true (json_node_is_null (json_object_get_member (json_node_get_object (g_ptr_array_index (m->alerts, 0)), "geometry")));
  p = props (m, 1);
  g_assert_cmpstr (str (p, "event"), ==, "雷注意報");
  g_assert_cmpstr (str (p, "severity"), ==, "Moderate");
  g_assert_false (json_object_has_member (p, "level"));
  g_assert_cmpuint (m->full_areas->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (m->full_areas, 0), ==, "2710000");

  /* 訂正: the same thread for 大雨警報, marked as an update. */
  g_assert_cmpstr (c->msg_type, ==, "update");
  g_assert_cmpuint (c->alerts->len, ==, 2);
  g_assert_cmpstr (feature_id (c, 0), ==, expected_id);
  g_assert_cmpstr (str (props (c, 0), "msg_type"), ==, "update");
  g_assert_cmpstr (str (props (c, 1), "event"), ==, "洪水注意報");
  g_assert_cmpstr (str (props (c, 1), "category"), ==, "flood");

  /* 解除: the thread is inactive, not cancelled. */
  g_assert_cmpstr (feature_id (lift, 0), ==, expected_id);
  g_assert_false (json_object_get_boolean_member (props (lift, 0), "active"));
  g_assert_false (json_object_get_boolean_member (props (lift, 0), "cancelled"));

  /* 特別警報 */
  g_assert_cmpstr (special->type_code, ==, "VPWW53");
  g_assert_cmpstr (str (props (special, 0), "severity"), ==, "Extreme");
  g_assert_cmpint (json_object_get_int_member (props (special, 0), "level"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (props (special, 1), "level"), ==, 4);
}

static void
test_exercise_test (void)
{
  g_autoptr(BdJmaMessage) drill = parse_ok ("vpww54-exercise.xml");
  g_autoptr(BdJmaMessage) trial = parse_ok ("vpww54-test.xml");
  g_autofree char *real_id = bd_jma_thread_id ("気象警報・注意報", "", "2710000", "05", "actual");

  g_assert_cmpstr (drill->alert_status, ==, "exercise");
  g_assert_cmpstr (str (props (drill, 0), "status"), ==, "exercise");
  g_assert_cmpstr (trial->alert_status, ==, "test");
  g_assert_cmpstr (str (props (trial, 0), "status"), ==, "test");
  /* Kept apart: never the thread of a real 暴風警報. */
  g_assert_cmpstr (feature_id (drill, 0), !=, real_id);
  g_assert_cmpstr (feature_id (trial, 0), !=, real_id);
  g_assert_cmpstr (feature_id (trial, 0), !=, feature_id (drill, 0));
}

static void
test_landslide (void)
{
  g_autoptr(BdJmaMessage) m = parse_ok ("vxww50-issue.xml");
  JsonObject *p;

  g_assert_cmpstr (m->type_code, ==, "VXWW50");
  g_assert_cmpuint (m->alerts->len, ==, 1);
  p = props (m, 0);
  g_assert_cmpstr (str (p, "event"), ==, "土砂災害警戒情報");
  g_assert_cmpstr (str (p, "category"), ==, "landslide");
  g_assert_cmpstr (str (p, "severity"), ==, "Severe");
  g_assert_cmpint (json_object_get_int_member (p, "level"), ==, 4);
  g_assert_cmpstr (first_area_code (p), ==, "271004");
  g_assert_true (json_object_get_boolean_member (p, "active"));
}

static void
test_river_flood (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = sample_path ("vxko-yodogawa.xml");
  g_autofree char *data = NULL;
  gsize length;
  g_autoptr(BdJmaMessage) m = parse_ok ("vxko-yodogawa.xml");
  g_autoptr(BdJmaMessage) hinted = NULL;
  JsonObject *p;

  g_assert_cmpstr (m->type_code, ==, "VXKO");
  g_assert_cmpuint (m->alerts->len, ==, 1);
  p = props (m, 0);
  g_assert_cmpstr (str (p, "event"), ==, "氾濫警戒情報");
  g_assert_cmpstr (str (p, "area_desc"), ==, "淀川");
  g_assert_cmpstr (str (p, "category"), ==, "flood");
  g_assert_cmpstr (str (p, "severity"), ==, "Severe");
  g_assert_cmpint (json_object_get_int_member (p, "level"), ==, 3);
  g_assert_cmpstr (first_area_code (p), ==, "271004");
  g_assert_cmpstr (str (p, "event_id"), ==, "淀川-1");
  g_assert_cmpstr (str (p, "serial"), ==, "2");

  /* The type code from the file name when the message cannot tell. */
  g_assert_true (g_file_get_contents (path, &data, &length, NULL));
  hinted = bd_jma_parse (data, length, "VXKO61", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hinted->type_code, ==, "VXKO61");
}

static void
test_earthquake (void)
{
  g_autoptr(BdJmaMessage) quick = parse_ok ("vxse51-issue.xml");
  g_autoptr(BdJmaMessage) info = parse_ok ("vxse53-issue.xml");
  g_autoptr(BdJmaMessage) fixed = parse_ok ("vxse53-correct.xml");
  JsonObject *p;

  g_assert_cmpstr (quick->type_code, ==, "VXSE51");
  g_assert_cmpuint (quick->alerts->len, ==, 1);
  p = props (quick, 0);
  g_assert_cmpstr (str (p, "event"), ==, "震度速報");
  g_assert_cmpstr (str (p, "area_desc"), ==, "大阪府北部");
  g_assert_cmpstr (first_area_code (p), ==, "271004");
  g_assert_cmpstr (str (p, "max_intensity"), ==, "5弱");
  g_assert_cmpstr (str (p, "severity"), ==, "Severe");
  g_assert_cmpstr (str (p, "category"), ==, "earthquake");
  g_assert_cmpstr (str (p, "effective"), ==, "2026-06-18T16:58:00+09:00");
  g_assert_false (json_object_has_member (p, "magnitude"));

  g_assert_cmpstr (info->type_code, ==, "VXSE53");
  p = props (info, 0);
  /* The city's own intensity (北区 6-), not 高槻市's in the same area. */
  g_assert_cmpstr (str (p, "max_intensity"), ==, "6弱");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (p, "magnitude"), 6.1, 1e-9);
  g_assert_nonnull (strstr (str (p, "description"), "震源: 大阪府北部"));
  /* Different information kinds are different threads. */
  g_assert_cmpstr (feature_id (info, 0), !=, feature_id (quick, 0));

  g_assert_cmpstr (feature_id (fixed, 0), ==, feature_id (info, 0));
  g_assert_cmpstr (str (props (fixed, 0), "msg_type"), ==, "update");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (props (fixed, 0), "magnitude"), 6.0, 1e-9);
}

static void
test_cancel (void)
{
  g_autoptr(BdJmaMessage) m = parse_ok ("vxse53-cancel.xml");

  /* No area in the Body: the caller ends the threads of this event. */
  g_assert_true (bd_jma_message_is_cancel (m));
  g_assert_cmpstr (m->msg_type, ==, "cancel");
  g_assert_cmpstr (m->event_id, ==, "20260618165800");
  g_assert_cmpuint (m->alerts->len, ==, 0);
  g_assert_cmpuint (m->full_areas->len, ==, 0);
}

static void
test_tsunami (void)
{
  g_autoptr(BdJmaMessage) m = parse_ok ("vtse41-issue.xml");
  JsonObject *p;

  g_assert_cmpstr (m->type_code, ==, "VTSE41");
  g_assert_cmpuint (m->alerts->len, ==, 1);   /* 和歌山県 is not the city's coast */
  p = props (m, 0);
  g_assert_cmpstr (str (p, "event"), ==, "津波注意報");
  g_assert_cmpstr (str (p, "event_code"), ==, "62");
  g_assert_cmpstr (str (p, "area_desc"), ==, "大阪府");
  g_assert_cmpstr (str (p, "severity"), ==, "Moderate");
  g_assert_cmpstr (str (p, "category"), ==, "tsunami");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (p, "magnitude"), 7.2, 1e-9);
  g_assert_true (json_object_get_boolean_member (p, "active"));
}

static void
assert_refused (const char *name,
                BdJmaError  code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdJmaMessage) m = parse_sample (name, &error);

  g_test_message ("%s: %s", name, error ? error->message : "(parsed)");
  g_assert_null (m);
  g_assert_error (error, BD_JMA_ERROR, (int) code);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

static void
test_hostile (void)
{
  assert_refused ("hostile-entities.xml", BD_JMA_ERROR_FORBIDDEN);
  assert_refused ("hostile-external-dtd.xml", BD_JMA_ERROR_FORBIDDEN);
  assert_refused ("hostile-entity-ref.xml", BD_JMA_ERROR_FORBIDDEN);
  assert_refused ("hostile-truncated.xml", BD_JMA_ERROR_MALFORMED);
  assert_refused ("hostile-not-jma.xml", BD_JMA_ERROR_MALFORMED);
  assert_refused ("hostile-deep.xml", BD_JMA_ERROR_TOO_LARGE);
  assert_refused ("unknown-area.xml", BD_JMA_ERROR_NOT_IN_CITY);
  assert_refused ("unsupported-type.xml", BD_JMA_ERROR_UNSUPPORTED);
}

static void
test_bounds (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) deep = g_string_new ("<Report xmlns=\"http://xml.kishou.go.jp/jmaxml1/\">");
  gsize huge_length = (gsize) BD_JMA_MAX_BYTES + 1;
  g_autofree char *huge = g_malloc (huge_length);

  /* Refused by its size before any parsing: the bytes are not even XML. */
  memset (huge, 'x', huge_length);
  g_assert_null (bd_jma_parse (huge, huge_length, NULL, &error));
  g_assert_error (error, BD_JMA_ERROR, BD_JMA_ERROR_TOO_LARGE);
  g_clear_error (&error);

  for (int i = 0; i < BD_JMA_MAX_DEPTH + 5; i++)
    g_string_append (deep, "<Control>");
  for (int i = 0; i < BD_JMA_MAX_DEPTH + 5; i++)
    g_string_append (deep, "</Control>");
  g_string_append (deep, "</Report>");
  g_assert_null (bd_jma_parse (deep->str, deep->len, NULL, &error));
  g_assert_error (error, BD_JMA_ERROR, BD_JMA_ERROR_TOO_LARGE);
  g_clear_error (&error);

  g_assert_null (bd_jma_parse ("", 0, NULL, &error));
  g_assert_error (error, BD_JMA_ERROR, BD_JMA_ERROR_MALFORMED);
}

static void
test_names (void)
{
  g_autofree char *type = bd_jma_type_from_name ("https://www.data.jma.go.jp/developer/xml/data/20260703010000_0_VPWW54_270000.xml");
  g_autofree char *office = bd_jma_office_from_name ("20260703010000_0_VPWW54_270000.xml");
  g_autofree char *none = bd_jma_type_from_name ("feed.atom");
  g_autofree char *bad = bd_jma_type_from_name ("a_b_vpww54_270000.xml");

  g_assert_cmpstr (type, ==, "VPWW54");
  g_assert_cmpstr (office, ==, "270000");
  g_assert_null (none);
  g_assert_null (bad);
  g_assert_true (bd_jma_type_is_wanted ("VXKO61"));
  g_assert_true (bd_jma_type_is_wanted ("VTSE41"));
  g_assert_false (bd_jma_type_is_wanted ("VXKO90"));
  g_assert_false (bd_jma_type_is_wanted ("VPFD50"));
  g_assert_false (bd_jma_type_is_wanted (NULL));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bd/jma/control-head", test_control_head);
  g_test_add_func ("/bd/jma/weather-warnings", test_weather_warnings);
  g_test_add_func ("/bd/jma/exercise-test", test_exercise_test);
  g_test_add_func ("/bd/jma/landslide", test_landslide);
  g_test_add_func ("/bd/jma/river-flood", test_river_flood);
  g_test_add_func ("/bd/jma/earthquake", test_earthquake);
  g_test_add_func ("/bd/jma/cancel", test_cancel);
  g_test_add_func ("/bd/jma/tsunami", test_tsunami);
  g_test_add_func ("/bd/jma/hostile", test_hostile);
  g_test_add_func ("/bd/jma/bounds", test_bounds);
  g_test_add_func ("/bd/jma/names", test_names);

  return g_test_run ();
}
