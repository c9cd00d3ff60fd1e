/* test-cap.c: CAP 1.2 in and out (src/core/bd-cap*.c)
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>
#include <libxml/parser.h>

#include "bd-cap.h"
#include "bd-json.h"

#define HEAD \
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
  "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">\n" \
  "  <identifier>KSN-2026-0001</identifier>\n" \
  "  <sender>alerts@example.jp</sender>\n" \
  "  <sent>2026-12-06T10:00:00+09:00</sent>\n" \
  "  <status>Actual</status>\n" \
  "  <msgType>Alert</msgType>\n" \
  "  <scope>Public</scope>\n"
#define INFO_HEAD \
  "  <info>\n" \
  "    <language>ja-JP</language>\n" \
  "    <category>Met</category>\n" \
  "    <event>大雨警報</event>\n" \
  "    <urgency>Immediate</urgency>\n" \
  "    <severity>Severe</severity>\n" \
  "    <certainty>Likely</certainty>\n" \
  "    <expires>2026-12-07T10:00:00+09:00</expires>\n" \
  "    <headline>大雨警報（浸水害）</headline>\n" \
  "    <parameter><valueName>警戒レベル</valueName><value>3</value></parameter>\n"
#define TAIL "  </info>\n</alert>\n"

/* A polygon around 北区 (lat,lon, closed). */
#define KITA_POLYGON "34.69,135.49 34.69,135.52 34.72,135.52 34.72,135.49 34.69,135.49"

static BdCapAlert *
parse (const char  *text,
       GError     **error)
{
  return bd_cap_parse (text, strlen (text), error);
}

static char *
alert_with_area (const char *area)
{
  return g_strconcat (HEAD, INFO_HEAD, "    <area>\n", area, "    </area>\n", TAIL, NULL);
}

static JsonObject *
props_of (JsonNode *feature)
{
  return json_object_get_object_member (json_node_get_object (feature), "properties");
}

static void
test_cap_polygon (void)
{
  g_autofree char *text =
    alert_with_area ("      <areaDesc>北区</areaDesc>\n"
                     "      <polygon>" KITA_POLYGON "</polygon>\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(BdCapAlert) alert = parse (text, &error);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(JsonNode) feature = NULL;
  g_autofree char *id = NULL;
  JsonObject *geometry, *props;
  JsonArray *ring, *first;
  BdCapInfo *info;
  GArray *polygon;

  g_assert_no_error (error);
  g_assert_cmpstr (alert->identifier, ==, "KSN-2026-0001");
  g_assert_cmpstr (alert->msg_type, ==, "Alert");
  g_assert_cmpuint (alert->infos->len, ==, 1);
  info = alert->infos->pdata[0];
  g_assert_cmpstr (info->event, ==, "大雨警報");
  g_assert_cmpstr (info->categories[0], ==, "Met");
  polygon = ((BdCapArea *) info->areas->pdata[0])->polygons->pdata[0];
  g_assert_cmpuint (polygon->len, ==, 5);
  /* CAP's order: latitude first */
  g_assert_cmpfloat (g_array_index (polygon, BdCapPoint, 0).lat, ==, 34.69);
  g_assert_cmpfloat (g_array_index (polygon, BdCapPoint, 0).lon, ==, 135.49);
  g_assert_true (bd_cap_alert_in_city (alert));

  id = bd_cap_thread_id (alert->sender, alert->identifier);
  g_assert_true (g_str_has_prefix (id, "cap-"));
  g_assert_cmpuint (strlen (id), ==, 4 + 32);
  feature = bd_cap_alert_to_feature (alert, id, now, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (feature), "id"), ==, id);
  geometry = json_object_get_object_member (json_node_get_object (feature), "geometry");
  g_assert_cmpstr (json_object_get_string_member (geometry, "type"), ==, "Polygon");
  ring = json_array_get_array_element (json_object_get_array_member (geometry, "coordinates"), 0);
  g_assert_cmpuint (json_array_get_length (ring), ==, 5);
  first = json_array_get_array_element (ring, 0);
  /* GeoJSON's order: longitude first */
  g_assert_cmpfloat (json_array_get_double_element (first, 0), ==, 135.49);
  g_assert_cmpfloat (json_array_get_double_element (first, 1), ==, 34.69);

  props = props_of (feature);
  g_assert_cmpstr (json_object_get_string_member (props, "source"), ==, "cap");
  g_assert_cmpstr (json_object_get_string_member (props, "status"), ==, "actual");
  g_assert_cmpstr (json_object_get_string_member (props, "msg_type"), ==, "alert");
  g_assert_cmpstr (json_object_get_string_member (props, "category"), ==, "met");
  g_assert_cmpstr (json_object_get_string_member (props, "severity"), ==, "Severe");
  g_assert_cmpstr (json_object_get_string_member (props, "info_type"), ==, "CAP");
  g_assert_cmpstr (json_object_get_string_member (props, "area_desc"), ==, "北区");
  g_assert_cmpstr (json_object_get_string_member (props, "sent"), ==, "2026-12-06T10:00:00+09:00");
  g_assert_cmpstr (json_object_get_string_member (props, "expires"), ==, "2026-12-07T10:00:00+09:00");
  g_assert_cmpint (json_object_get_int_member (props, "level"), ==, 3);
  g_assert_true (json_object_get_boolean_member (props, "active"));
  g_assert_false (json_object_get_boolean_member (props, "cancelled"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (props, "area_codes")), ==, 0);
}

static void
test_cap_circle (void)
{
  g_autofree char *text =
    alert_with_area ("      <areaDesc>中之島周辺</areaDesc>\n"
                     "      <circle>34.693,135.502 1.5</circle>\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(BdCapAlert) alert = parse (text, &error);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(JsonNode) feature = NULL;
  JsonObject *geometry;
  JsonArray *ring;
  double area = 0;
  BdCapCircle *circle;

  g_assert_no_error (error);
  circle = &g_array_index (((BdCapArea *) ((BdCapInfo *) alert->infos->pdata[0])->areas->pdata[0])->circles,
                           BdCapCircle, 0);
  g_assert_cmpfloat (circle->center.lat, ==, 34.693);
  g_assert_cmpfloat (circle->radius_km, ==, 1.5);

  feature = bd_cap_alert_to_feature (alert, "cap-x", now, &error);
  g_assert_no_error (error);
  geometry = json_object_get_object_member (json_node_get_object (feature), "geometry");
  g_assert_cmpstr (json_object_get_string_member (geometry, "type"), ==, "Polygon");
  ring = json_array_get_array_element (json_object_get_array_member (geometry, "coordinates"), 0);
  g_assert_cmpuint (json_array_get_length (ring), ==, BD_CAP_CIRCLE_SIDES + 1);
  for (guint i = 0; i < json_array_get_length (ring); i++)
    {
      JsonArray *p = json_array_get_array_element (ring, i);
      JsonArray *q = json_array_get_array_element (ring, (i + 1) % json_array_get_length (ring));
      double lon = json_array_get_double_element (p, 0), lat = json_array_get_double_element (p, 1);
      double dy = (lat - 34.693) * 111.2;
      double dx = (lon - 135.502) * 111.2 * cos (34.693 * G_PI / 180);

      /* every vertex 1.5 km from the centre (within 1 %) */
      g_assert_cmpfloat (fabs (sqrt (dx * dx + dy * dy) - 1.5), <, 0.015);
      area += json_array_get_double_element (p, 0) * json_array_get_double_element (q, 1) -
              json_array_get_double_element (q, 0) * json_array_get_double_element (p, 1);
    }
  /* counter-clockwise, as RFC 7946 asks */
  g_assert_cmpfloat (area, >, 0);
}

static void
test_cap_geocode (void)
{
  static const struct { const char *value; const char *code; } cases[] = {
    { "271276", "271276" },   /* 北区, 6 digits */
    { "27127", "271276" },    /* 北区, 5 digits */
    { "271004", "271004" },   /* the city */
    { "27100", "271004" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *area =
        g_strdup_printf ("      <areaDesc>大阪市</areaDesc>\n"
                         "      <geocode><valueName>LGCode</valueName><value>%s</value></geocode>\n"
                         "      <geocode><valueName>LGCode</valueName><value>131016</value></geocode>\n",
                         cases[i].value);
      g_autofree char *text = alert_with_area (area);
      g_autoptr(GError) error = NULL;
      g_autoptr(BdCapAlert) alert = parse (text, &error);
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autoptr(JsonNode) feature = NULL;
      JsonArray *codes;

      g_assert_no_error (error);
      feature = bd_cap_alert_to_feature (alert, "cap-y", now, &error);
      g_assert_no_error (error);
      g_assert_true (json_object_get_null_member (json_node_get_object (feature), "geometry"));
      codes = json_object_get_array_member (props_of (feature), "area_codes");
      /* only the city's codes, 6 digits */
      g_assert_cmpuint (json_array_get_length (codes), ==, 1);
      g_assert_cmpstr (json_array_get_string_element (codes, 0), ==, cases[i].code);
    }
}

/* Only the areas in the city are kept; a Japanese info is preferred. */
static void
test_cap_mixed_areas (void)
{
  const char *text =
    HEAD
    "  <info><category>Met</category><event>Heavy rain</event><urgency>Expected</urgency>"
    "<severity>Moderate</severity><certainty>Likely</certainty>"
    "<area><areaDesc>Osaka</areaDesc><geocode><valueName>x</valueName><value>271004</value></geocode></area>"
    "</info>\n"
    INFO_HEAD
    "    <area><areaDesc>東京都千代田区</areaDesc><polygon>35.68,139.75 35.69,139.75 35.69,139.76 35.68,139.75</polygon></area>\n"
    "    <area><areaDesc>北区</areaDesc><polygon>" KITA_POLYGON "</polygon></area>\n"
    TAIL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BdCapAlert) alert = parse (text, &error);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(JsonNode) feature = NULL;

  g_assert_no_error (error);
  feature = bd_cap_alert_to_feature (alert, "cap-z", now, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (props_of (feature), "event"), ==, "大雨警報");
  g_assert_cmpstr (json_object_get_string_member (props_of (feature), "area_desc"), ==, "北区");
}

/* A polygon that holds the whole city (no vertex in the city's box) and one
 * whose edge only crosses the box are in the city. */
static void
test_cap_polygon_around_city (void)
{
  static const char * const polygons[] = {
    "33.0,134.0 36.0,134.0 36.0,137.0 33.0,137.0 33.0,134.0",
    "34.60,135.00 34.62,135.00 34.62,136.00 34.60,136.00 34.60,135.00",
  };

  for (guint i = 0; i < G_N_ELEMENTS (polygons); i++)
    {
      g_autofree char *area = g_strdup_printf ("<areaDesc>近畿</areaDesc><polygon>%s</polygon>",
                                               polygons[i]);
      g_autofree char *text = alert_with_area (area);
      g_autoptr(GError) error = NULL;
      g_autoptr(BdCapAlert) alert = parse (text, &error);

      g_assert_no_error (error);
      g_assert_true (bd_cap_alert_in_city (alert));
    }
}

static void
expect_error (const char *text,
              gsize       length,
              int         code,
              const char *words)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdCapAlert) alert = bd_cap_parse (text, length, &error);

  g_assert_null (alert);
  g_assert_error (error, BD_CAP_ERROR, code);
  g_test_message ("%s", error->message);
  if (words != NULL && strstr (error->message, words) == NULL)
    g_error ("“%s” does not say “%s”", error->message, words);
}

static void
test_cap_malformed (void)
{
  g_autofree char *good = alert_with_area ("<areaDesc>北区</areaDesc><polygon>" KITA_POLYGON "</polygon>");

  expect_error ("", 0, BD_CAP_ERROR_MALFORMED, NULL);
  expect_error ("<alert", 6, BD_CAP_ERROR_MALFORMED, "well-formed");
  expect_error ("not xml at all", 14, BD_CAP_ERROR_MALFORMED, "line 1");
  expect_error ("<a><b></a>", 10, BD_CAP_ERROR_MALFORMED, NULL);
  /* truncated anywhere: never accepted */
  for (gsize cut = 1; cut < strlen (good); cut += 7)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(BdCapAlert) alert = bd_cap_parse (good, cut, &error);

      g_assert_null (alert);
      g_assert_nonnull (error);
      g_assert_true (error->domain == BD_CAP_ERROR);
    }
  /* bytes that are not UTF-8: the error is still UTF-8 */
  {
    const char *latin = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><alert>\xff\xfe\xc3</alert>";
    g_autoptr(GError) error = NULL;
    g_autoptr(BdCapAlert) alert = parse (latin, &error);

    g_assert_null (alert);
    g_assert_error (error, BD_CAP_ERROR, BD_CAP_ERROR_MALFORMED);
    g_assert_true (g_utf8_validate (error->message, -1, NULL));
  }
  /* two root elements */
  {
    g_autofree char *two = g_strconcat (good, "<alert/>", NULL);

    expect_error (two, strlen (two), BD_CAP_ERROR_MALFORMED, NULL);
  }
}

static void
test_cap_entities (void)
{
  static const char * const texts[] = {
    /* billion laughs */
    "<?xml version=\"1.0\"?><!DOCTYPE alert [<!ENTITY a \"aaaaaaaaaa\">"
    "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>"
    "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>&c;</identifier></alert>",
    /* an external entity */
    "<?xml version=\"1.0\"?><!DOCTYPE alert [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
    "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><note>&x;</note></alert>",
    /* an external DTD */
    "<?xml version=\"1.0\"?><!DOCTYPE alert SYSTEM \"http://example.com/cap.dtd\">"
    "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"/>",
    /* a parameter entity */
    "<?xml version=\"1.0\"?><!DOCTYPE alert [<!ENTITY % p SYSTEM \"http://example.com/p\"> %p;]>"
    "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"/>",
    /* a DOCTYPE alone */
    "<!DOCTYPE alert><alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"/>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    expect_error (texts[i], strlen (texts[i]), BD_CAP_ERROR_FORBIDDEN, "DOCTYPE");

  /* an undeclared entity is not well-formed (or refused): never read */
  {
    const char *text = "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><note>&x;</note></alert>";
    g_autoptr(GError) error = NULL;
    g_autoptr(BdCapAlert) alert = parse (text, &error);

    g_assert_null (alert);
    g_assert_true (g_error_matches (error, BD_CAP_ERROR, BD_CAP_ERROR_MALFORMED) ||
                   g_error_matches (error, BD_CAP_ERROR, BD_CAP_ERROR_FORBIDDEN));
  }
  /* the five predefined entities and character references are text */
  {
    g_autofree char *text = g_strconcat (HEAD, "  <note>a &amp; b &lt;c&gt; &#x5927;</note>\n",
                                         INFO_HEAD, "<area><areaDesc>北区</areaDesc>"
                                         "<geocode><valueName>x</valueName><value>271276</value>"
                                         "</geocode></area>", TAIL, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(BdCapAlert) alert = parse (text, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (alert->note, ==, "a & b <c> 大");
  }
}

static void
test_cap_too_large (void)
{
  gsize size = 50 * 1024 * 1024;
  char *big = g_malloc (size);
  g_autoptr(GString) deep = g_string_new ("<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">");
  g_autoptr(GString) many = g_string_new ("<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">");
  gint64 start;

  /* 50 MB: refused at once, before any parsing */
  memset (big, ' ', size);
  memcpy (big, "<alert>", 7);
  start = g_get_monotonic_time ();
  expect_error (big, size, BD_CAP_ERROR_TOO_LARGE, NULL);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC / 10);
  g_free (big);

  for (guint i = 0; i < 200; i++)
    g_string_append (deep, "<note>");
  for (guint i = 0; i < 200; i++)
    g_string_append (deep, "</note>");
  g_string_append (deep, "</alert>");
  expect_error (deep->str, deep->len, BD_CAP_ERROR_TOO_LARGE, "deeper");

  for (guint i = 0; i < BD_CAP_MAX_ELEMENTS + 1; i++)
    g_string_append (many, "<x:a xmlns:x=\"u\"/>");
  g_string_append (many, "</alert>");
  expect_error (many->str, many->len, BD_CAP_ERROR_TOO_LARGE, NULL);

  /* more positions than BD_CAP_MAX_POINTS, a text over BD_CAP_MAX_TEXT */
  {
    g_autoptr(GString) points = g_string_new ("<areaDesc>北区</areaDesc><polygon>34.7,135.5");
    g_autofree char *long_text = g_strnfill (BD_CAP_MAX_TEXT + 1, 'a');
    g_autofree char *description = g_strdup_printf ("<areaDesc>%s</areaDesc>", long_text);
    g_autofree char *text1 = NULL;
    g_autofree char *text2 = NULL;

    for (guint i = 0; i < BD_CAP_MAX_POINTS; i++)
      g_string_append (points, " 34.7,135.5");
    g_string_append (points, "</polygon>");
    text1 = alert_with_area (points->str);
    text2 = alert_with_area (description);
    expect_error (text1, strlen (text1), BD_CAP_ERROR_TOO_LARGE, "positions");
    expect_error (text2, strlen (text2), BD_CAP_ERROR_TOO_LARGE, "longer");
  }
}

static void
test_cap_invalid (void)
{
  static const struct { const char *area; const char *words; } areas[] = {
    /* lat,lon swapped (GeoJSON's order): latitude 135.49 is out of range */
    { "<areaDesc>北区</areaDesc><polygon>135.49,34.69 135.52,34.69 135.52,34.72 135.49,34.69</polygon>",
      "latitude 135.49" },
    { "<areaDesc>北区</areaDesc><circle>135.5,34.7 1</circle>", "latitude" },
    { "<areaDesc>北区</areaDesc><polygon>34.69,135.49 34.69,135.52 34.72,135.52 34.72,135.49</polygon>",
      "not closed" },
    { "<areaDesc>北区</areaDesc><polygon>34.69,135.49 34.69,135.52 34.69,135.49</polygon>", "at least 4" },
    { "<areaDesc>北区</areaDesc><polygon>34.69;135.49 34.69,135.52 34.72,135.52 34.69;135.49</polygon>",
      "34.69;135.49" },
    { "<areaDesc>北区</areaDesc><polygon>34.69,nan 34.69,135.52 34.72,135.52 34.69,nan</polygon>", NULL },
    { "<areaDesc>北区</areaDesc><polygon>34.69,200 34.69,135.52 34.72,135.52 34.69,200</polygon>",
      "longitude 200" },
    { "<areaDesc>北区</areaDesc><circle>34.7,135.5</circle>", "radius" },
    { "<areaDesc>北区</areaDesc><circle>34.7,135.5 -1</circle>", "radius" },
    { "<polygon>" KITA_POLYGON "</polygon>", "areaDesc" },
    { "<areaDesc>北区</areaDesc><geocode><value>271276</value></geocode>", "valueName" },
    { "<areaDesc>北区</areaDesc><ceiling>10</ceiling>", "altitude" },
    { "<areaDesc>北区</areaDesc><shape>x</shape>", "shape" },
    { "<areaDesc>北区</areaDesc><areaDesc>again</areaDesc>", "more than once" },
    { "<areaDesc>北区<b/></areaDesc>", "text" },
  };
  static const struct { const char *from; const char *to; const char *words; } edits[] = {
    { "<status>Actual</status>", "<status>Real</status>", "Real" },
    { "<status>Actual</status>", "", "status" },
    { "<identifier>KSN-2026-0001</identifier>", "", "identifier" },
    { "<identifier>KSN-2026-0001</identifier>", "<identifier>a b</identifier>", "spaces" },
    { "<sender>alerts@example.jp</sender>", "<sender>a,b</sender>", "commas" },
    { "<sent>2026-12-06T10:00:00+09:00</sent>", "<sent>2026-12-06 10:00</sent>", "offset" },
    { "<scope>Public</scope>", "<scope>Restricted</scope>", "restriction" },
    { "<scope>Public</scope>", "<scope>Private</scope>", "addresses" },
    { "<msgType>Alert</msgType>", "<msgType>Update</msgType>", "references" },
    { "<msgType>Alert</msgType>", "<msgType>Alert</msgType><references>a,b</references>", "sender,identifier,sent" },
    { "<urgency>Immediate</urgency>", "<urgency>Now</urgency>", "Now" },
    { "<severity>Severe</severity>", "", "severity" },
    { "<certainty>Likely</certainty>", "<certainty>Very Likely</certainty>", "Very Likely" },
    { "<category>Met</category>", "<category>Weather</category>", "Weather" },
    { "<category>Met</category>", "", "category" },
    { "<event>大雨警報</event>", "", "event" },
    { "<expires>2026-12-07T10:00:00+09:00</expires>", "<expires>tomorrow</expires>", "tomorrow" },
    { "urn:oasis:names:tc:emergency:cap:1.2", "urn:oasis:names:tc:emergency:cap:1.1", "namespace" },
    { "<scope>Public</scope>", "<scope>Public</scope><colour>red</colour>", "colour" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (areas); i++)
    {
      g_autofree char *text = alert_with_area (areas[i].area);

      g_test_message ("area %u", i);
      expect_error (text, strlen (text), BD_CAP_ERROR_INVALID, areas[i].words);
    }
  for (guint i = 0; i < G_N_ELEMENTS (edits); i++)
    {
      g_autofree char *good = alert_with_area ("<areaDesc>北区</areaDesc><polygon>" KITA_POLYGON "</polygon>");
      g_autoptr(GString) text = g_string_new (good);

      g_assert_nonnull (strstr (good, edits[i].from));
      g_string_replace (text, edits[i].from, edits[i].to, 1);
      g_test_message ("edit %u", i);
      expect_error (text->str, text->len, BD_CAP_ERROR_INVALID, edits[i].words);
    }
}

/* Valid CAP, but nowhere in Osaka City: refused with a clear error. */
static void
test_cap_outside_city (void)
{
  static const char * const areas[] = {
    "<areaDesc>千代田区</areaDesc><geocode><valueName>LGCode</valueName><value>131016</value></geocode>",
    "<areaDesc>東京</areaDesc><polygon>35.68,139.75 35.69,139.75 35.69,139.76 35.68,139.75</polygon>",
    "<areaDesc>泉佐野市</areaDesc><circle>34.41,135.31 2</circle>",
    "<areaDesc>どこか</areaDesc>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (areas); i++)
    {
      g_autofree char *text = alert_with_area (areas[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(BdCapAlert) alert = parse (text, &error);
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autoptr(JsonNode) feature = NULL;

      g_assert_no_error (error);
      g_assert_false (bd_cap_alert_in_city (alert));
      feature = bd_cap_alert_to_feature (alert, "cap-o", now, &error);
      g_assert_null (feature);
      g_assert_error (error, BD_CAP_ERROR, BD_CAP_ERROR_OUTSIDE);
      g_assert_nonnull (strstr (error->message, "Osaka City"));
    }
}

static void
test_cap_threads (void)
{
  g_autofree char *text =
    alert_with_area ("<areaDesc>北区</areaDesc><polygon>" KITA_POLYGON "</polygon>");
  g_autoptr(GString) update_text = g_string_new (text);
  g_autoptr(GError) error = NULL;
  g_autoptr(BdCapAlert) alert = parse (text, &error);
  g_autoptr(BdCapAlert) update = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(JsonNode) first = NULL;
  g_autoptr(JsonNode) second = NULL;
  g_autoptr(JsonNode) cancelled = NULL;
  g_autoptr(GPtrArray) references = NULL;
  BdCapReference *reference;
  JsonObject *props;

  g_string_replace (update_text, "<identifier>KSN-2026-0001</identifier>",
                    "<identifier>KSN-2026-0002</identifier>", 1);
  g_string_replace (update_text, "<msgType>Alert</msgType>",
                    "<msgType>Update</msgType><references>alerts@example.jp,KSN-2026-0001,"
                    "2026-12-06T01:00:00Z</references>", 1);
  update = parse (update_text->str, &error);
  g_assert_no_error (error);
  references = bd_cap_alert_get_references (update, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (references->len, ==, 1);
  reference = references->pdata[0];
  g_assert_cmpstr (reference->identifier, ==, "KSN-2026-0001");

  first = bd_cap_alert_to_feature (alert, "cap-t", now, &error);
  g_assert_no_error (error);
  /* the same instant written another way is the same message */
  g_assert_true (bd_cap_feature_has_message (first, reference));

  second = bd_cap_alert_to_feature (update, "cap-t", now, &error);
  g_assert_no_error (error);
  bd_cap_feature_carry_thread (second, first);
  g_assert_true (bd_cap_feature_has_message (second, reference));
  g_assert_cmpstr (json_object_get_string_member (props_of (second), "msg_type"), ==, "update");

  cancelled = bd_cap_feature_cancel (second, update, now);
  props = props_of (cancelled);
  g_assert_false (json_object_get_boolean_member (props, "active"));
  g_assert_true (json_object_get_boolean_member (props, "cancelled"));
  g_assert_cmpstr (json_object_get_string_member (props, "msg_type"), ==, "cancel");
  g_assert_cmpstr (json_object_get_string_member (props, "event"), ==, "大雨警報");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (props, "cap_messages")), ==, 3);
  /* the original is untouched */
  g_assert_true (json_object_get_boolean_member (props_of (second), "active"));
}

static void
test_cap_unsupported (void)
{
  g_autofree char *text = alert_with_area ("<areaDesc>北区</areaDesc><polygon>" KITA_POLYGON "</polygon>");
  g_autoptr(GString) ack = g_string_new (text);
  g_autoptr(GError) error = NULL;
  g_autoptr(BdCapAlert) alert = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(JsonNode) feature = NULL;

  g_string_replace (ack, "<msgType>Alert</msgType>", "<msgType>Ack</msgType>", 1);
  alert = parse (ack->str, &error);
  g_assert_no_error (error);
  feature = bd_cap_alert_to_feature (alert, "cap-a", now, &error);
  g_assert_null (feature);
  g_assert_error (error, BD_CAP_ERROR, BD_CAP_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "Ack"));

  /* a Cancel ends another alert; it is no feature of its own */
  {
    g_autoptr(GString) cancel = g_string_new (text);
    g_autoptr(BdCapAlert) cancel_alert = NULL;
    g_autoptr(GError) cancel_error = NULL;
    g_autoptr(JsonNode) none = NULL;

    g_string_replace (cancel, "<msgType>Alert</msgType>",
                      "<msgType>Cancel</msgType><references>a,b,2026-12-06T10:00:00+09:00</references>", 1);
    cancel_alert = parse (cancel->str, &cancel_error);
    g_assert_no_error (cancel_error);
    none = bd_cap_alert_to_feature (cancel_alert, "cap-c", now, &cancel_error);
    g_assert_null (none);
    g_assert_error (cancel_error, BD_CAP_ERROR, BD_CAP_ERROR_UNSUPPORTED);
    g_assert_nonnull (strstr (cancel_error->message, "ends"));
  }
}

/* What the writer writes, the reader reads back the same. */
static void
test_cap_round_trip (void)
{
  g_autofree char *text =
    alert_with_area ("<areaDesc>北区 &amp; 中央区</areaDesc><polygon>" KITA_POLYGON "</polygon>"
                     "<circle>34.681,135.51 0.25</circle>"
                     "<geocode><valueName>LGCode</valueName><value>271276</value></geocode>");
  g_autoptr(GError) error = NULL;
  g_autoptr(BdCapAlert) alert = parse (text, &error);
  g_autoptr(BdCapAlert) again = NULL;
  g_autofree char *written = NULL;
  g_autofree char *rewritten = NULL;
  gsize length;

  g_assert_no_error (error);
  written = bd_cap_alert_write (alert, &length);
  g_assert_cmpuint (length, ==, strlen (written));
  g_test_message ("%s", written);
  again = bd_cap_parse (written, length, &error);
  g_assert_no_error (error);
  rewritten = bd_cap_alert_write (again, NULL);
  g_assert_cmpstr (written, ==, rewritten);
  g_assert_cmpstr (((BdCapArea *) ((BdCapInfo *) again->infos->pdata[0])->areas->pdata[0])->area_desc,
                   ==, "北区 & 中央区");
}

static JsonNode *
json (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = bd_json_parse (text, strlen (text), 0, &error);

  g_assert_no_error (error);
  return node;
}

static BdCapAlert *
city_alert (const char *collection,
            const char *feature_text,
            gint64      rev,
            char      **xml)
{
  g_autoptr(JsonNode) feature = json (feature_text);
  g_autoptr(GError) error = NULL;
  g_autoptr(BdCapAlert) alert = NULL;
  BdCapAlert *again;
  gsize length;

  alert = bd_cap_alert_from_city_feature (collection, feature, rev,
                                          G_GINT64_CONSTANT (1796522400) * G_USEC_PER_SEC,
                                          &error);
  g_assert_no_error (error);
  *xml = bd_cap_alert_write (alert, &length);
  again = bd_cap_parse (*xml, length, &error);
  g_assert_no_error (error);
  g_assert_true (bd_cap_alert_in_city (again));
  return again;
}

static void
test_cap_city_evacuation (void)
{
  const char *area =
    "{\"type\":\"Feature\",\"id\":\"ev-1\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
    "[[[135.49,34.69],[135.52,34.69],[135.52,34.72],[135.49,34.72],[135.49,34.69]]]},"
    "\"properties\":{\"kind\":\"evacuation\",\"level\":4,\"name\":\"北区 大淀地区\","
    "\"ward\":\"271276\",\"issued_at\":\"2026-12-06T01:30:00Z\"}}";
  g_autofree char *xml = NULL;
  g_autoptr(BdCapAlert) alert = city_alert ("areas", area, 1, &xml);
  BdCapInfo *info = alert->infos->pdata[0];
  BdCapArea *cap_area = info->areas->pdata[0];
  GArray *ring = cap_area->polygons->pdata[0];
  BdCapValue *geocode = cap_area->geocodes->pdata[0];

  g_test_message ("%s", xml);
  g_assert_cmpstr (alert->sender, ==, BD_CAP_CITY_SENDER);
  g_assert_cmpstr (alert->identifier, ==, "urn:bosai-desk:areas:ev-1:1");
  g_assert_cmpstr (alert->msg_type, ==, "Alert");
  g_assert_cmpstr (alert->status, ==, "Actual");
  g_assert_cmpstr (alert->scope, ==, "Public");
  /* the first message is sent when it was issued, in Japan time */
  g_assert_cmpstr (alert->sent, ==, "2026-12-06T10:30:00+09:00");
  g_assert_cmpstr (info->language, ==, "ja-JP");
  g_assert_cmpstr (info->categories[0], ==, "Safety");
  g_assert_cmpstr (info->event, ==, "避難指示");
  g_assert_cmpstr (info->urgency, ==, "Immediate");
  g_assert_cmpstr (info->severity, ==, "Severe");
  g_assert_cmpstr (info->headline, ==, "北区 大淀地区に避難指示（警戒レベル4）");
  g_assert_cmpstr (cap_area->area_desc, ==, "北区 大淀地区");
  /* GeoJSON [lon, lat] became CAP lat,lon */
  g_assert_cmpfloat (g_array_index (ring, BdCapPoint, 0).lat, ==, 34.69);
  g_assert_cmpfloat (g_array_index (ring, BdCapPoint, 0).lon, ==, 135.49);
  g_assert_cmpstr (geocode->value, ==, "271276");
  g_assert_nonnull (strstr (xml, "<polygon>34.69,135.49 34.69,135.52"));

  /* a later revision updates, and names the first */
  {
    g_autofree char *xml2 = NULL;
    g_autoptr(BdCapAlert) update = city_alert ("areas", area, 3, &xml2);

    g_assert_cmpstr (update->msg_type, ==, "Update");
    g_assert_cmpstr (update->identifier, ==, "urn:bosai-desk:areas:ev-1:3");
    g_assert_cmpstr (update->references, ==,
                     BD_CAP_CITY_SENDER ",urn:bosai-desk:areas:ev-1:1,2026-12-06T10:30:00+09:00");
    g_assert_cmpstr (update->sent, ==, "2026-12-06T11:00:00+09:00");
  }
  /* lifted: a Cancel */
  {
    g_autoptr(GString) lifted = g_string_new (area);
    g_autofree char *xml3 = NULL;
    g_autoptr(BdCapAlert) cancel = NULL;

    g_string_replace (lifted, "\"level\":4", "\"level\":\"5\",\"lifted_at\":\"2026-12-06T05:00:00Z\"", 1);
    cancel = city_alert ("areas", lifted->str, 4, &xml3);
    g_assert_cmpstr (cancel->msg_type, ==, "Cancel");
    g_assert_cmpstr (((BdCapInfo *) cancel->infos->pdata[0])->event, ==, "緊急安全確保");
    g_assert_cmpstr (((BdCapInfo *) cancel->infos->pdata[0])->response_types[0], ==, "AllClear");
  }
  /* not published: another kind, no level */
  {
    g_autoptr(JsonNode) other = json ("{\"type\":\"Feature\",\"id\":\"r\",\"geometry\":null,"
                                      "\"properties\":{\"kind\":\"road_closure\"}}");
    g_autoptr(JsonNode) no_level = json ("{\"type\":\"Feature\",\"id\":\"r\",\"geometry\":null,"
                                         "\"properties\":{\"kind\":\"evacuation\",\"level\":\"high\"}}");
    g_autoptr(GError) error = NULL;
    g_autoptr(BdCapAlert) a = bd_cap_alert_from_city_feature ("areas", other, 1, 0, &error);

    g_assert_null (a);
    g_assert_error (error, BD_CAP_ERROR, BD_CAP_ERROR_UNSUPPORTED);
    g_clear_error (&error);
    a = bd_cap_alert_from_city_feature ("areas", no_level, 1, 0, &error);
    g_assert_null (a);
    g_assert_error (error, BD_CAP_ERROR, BD_CAP_ERROR_UNSUPPORTED);
  }
}

static void
test_cap_city_shelter (void)
{
  const char *shelter =
    "{\"type\":\"Feature\",\"id\":\"sh-7\",\"geometry\":{\"type\":\"Point\",\"coordinates\":"
    "[135.5043,34.7015]},\"properties\":{\"kind\":\"shelter\",\"name\":\"扇町小学校\","
    "\"ward\":\"271276\",\"state\":\"open\",\"crowding\":\"crowded\",\"evacuees\":120,"
    "\"capacity\":\"400\"}}";
  g_autofree char *xml = NULL;
  g_autoptr(BdCapAlert) alert = city_alert ("shelters", shelter, 2, &xml);
  BdCapInfo *info = alert->infos->pdata[0];
  BdCapArea *area = info->areas->pdata[0];
  BdCapCircle *circle = &g_array_index (area->circles, BdCapCircle, 0);

  g_test_message ("%s", xml);
  /* no opened_at: no earlier message to name, so an Alert of its own */
  g_assert_cmpstr (alert->msg_type, ==, "Alert");
  g_assert_null (alert->references);
  g_assert_cmpstr (info->event, ==, "避難所開設");
  g_assert_cmpstr (info->headline, ==, "扇町小学校を開設");
  g_assert_nonnull (strstr (info->description, "避難者数：120人"));
  g_assert_nonnull (strstr (info->description, "収容人数：400人"));
  g_assert_nonnull (strstr (info->description, "混雑"));
  g_assert_cmpfloat (circle->center.lat, ==, 34.7015);
  g_assert_cmpfloat (circle->center.lon, ==, 135.5043);
  g_assert_cmpfloat (circle->radius_km, ==, 0);
  g_assert_nonnull (strstr (xml, "<circle>34.7015,135.5043 0</circle>"));

  /* with opened_at: an Update, then a Cancel once closed, naming the first */
  {
    g_autoptr(GString) opened = g_string_new (shelter);
    g_autofree char *xml2 = NULL;
    g_autofree char *xml3 = NULL;
    g_autoptr(BdCapAlert) update = NULL;
    g_autoptr(BdCapAlert) cancel = NULL;

    g_string_replace (opened, "\"state\":\"open\"",
                      "\"state\":\"open\",\"opened_at\":\"2026-12-06T09:00:00+09:00\"", 1);
    update = city_alert ("shelters", opened->str, 2, &xml2);
    g_assert_cmpstr (update->msg_type, ==, "Update");
    g_assert_cmpstr (update->references, ==,
                     BD_CAP_CITY_SENDER ",urn:bosai-desk:shelters:sh-7:1,2026-12-06T09:00:00+09:00");
    g_string_replace (opened, "\"state\":\"open\"", "\"state\":\"closed\"", 1);
    cancel = city_alert ("shelters", opened->str, 3, &xml3);
    g_assert_cmpstr (cancel->msg_type, ==, "Cancel");
    g_assert_cmpstr (((BdCapInfo *) cancel->infos->pdata[0])->headline, ==, "扇町小学校を閉鎖");
  }
  /* neither open nor closed: not published */
  {
    g_autoptr(JsonNode) not_open = json ("{\"type\":\"Feature\",\"id\":\"s\",\"geometry\":null,"
                                         "\"properties\":{\"state\":\"not_open\"}}");
    g_autoptr(GError) error = NULL;
    g_autoptr(BdCapAlert) a = bd_cap_alert_from_city_feature ("shelters", not_open, 1, 0, &error);

    g_assert_null (a);
    g_assert_error (error, BD_CAP_ERROR, BD_CAP_ERROR_UNSUPPORTED);
  }
}

/* A MultiPolygon larger than the reader takes is cut to what it takes:
 * the city's output always reads back. */
static void
test_cap_city_large (void)
{
  g_autoptr(GString) text = g_string_new ("{\"type\":\"Feature\",\"id\":\"big\",\"geometry\":"
                                          "{\"type\":\"MultiPolygon\",\"coordinates\":[");
  g_autofree char *xml = NULL;
  g_autoptr(BdCapAlert) alert = NULL;
  BdCapArea *area;

  for (guint p = 0; p < 3; p++)
    {
      g_string_append (text, p > 0 ? ",[[" : "[[");
      for (guint i = 0; i < 8000; i++)
        {
          double t = 2 * G_PI * i / 8000;
          char lon[G_ASCII_DTOSTR_BUF_SIZE], lat[G_ASCII_DTOSTR_BUF_SIZE];

          g_string_append_printf (text, "%s[%s,%s]", i > 0 ? "," : "",
                                  g_ascii_dtostr (lon, sizeof lon, 135.5 + 0.01 * p + 0.005 * cos (t)),
                                  g_ascii_dtostr (lat, sizeof lat, 34.69 + 0.005 * sin (t)));
        }
      g_string_append (text, "]]");
    }
  g_string_append (text, "]},\"properties\":{\"kind\":\"evacuation\",\"level\":3,"
                         "\"issued_at\":\"2026-12-06T01:30:00Z\"}}");
  alert = city_alert ("areas", text->str, 1, &xml);
  area = ((BdCapInfo *) alert->infos->pdata[0])->areas->pdata[0];
  /* 2 × 8,001 positions (closed) fit in BD_CAP_MAX_POINTS, a third does not */
  g_assert_cmpuint (area->polygons->len, ==, 2);
  g_assert_cmpuint (((GArray *) area->polygons->pdata[0])->len, ==, 8001);
  g_assert_cmpstr (area->area_desc, ==, "大阪市");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cap/polygon", test_cap_polygon);
  g_test_add_func ("/cap/circle", test_cap_circle);
  g_test_add_func ("/cap/geocode", test_cap_geocode);
  g_test_add_func ("/cap/mixed-areas", test_cap_mixed_areas);
  g_test_add_func ("/cap/polygon-around-city", test_cap_polygon_around_city);
  g_test_add_func ("/cap/malformed", test_cap_malformed);
  g_test_add_func ("/cap/entities", test_cap_entities);
  g_test_add_func ("/cap/too-large", test_cap_too_large);
  g_test_add_func ("/cap/invalid", test_cap_invalid);
  g_test_add_func ("/cap/outside-city", test_cap_outside_city);
  g_test_add_func ("/cap/threads", test_cap_threads);
  g_test_add_func ("/cap/unsupported", test_cap_unsupported);
  g_test_add_func ("/cap/round-trip", test_cap_round_trip);
  g_test_add_func ("/cap/city-evacuation", test_cap_city_evacuation);
  g_test_add_func ("/cap/city-shelter", test_cap_city_shelter);
  g_test_add_func ("/cap/city-large", test_cap_city_large);

  return g_test_run ();
}
