/* bd-demo-overlays.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Demo overlays for `make run`: shelters of the three kinds in several
 * states near ward centres (DOMAIN.md B.5), evacuation areas at levels 3,
 * 4 and 5, an affected area, an inundation area, a road closure and one
 * active alert (and one expired). Every name says 【デモ】: none of it is
 * real. The same features every time. */

#define G_LOG_DOMAIN "bd-demo"

#include "config.h"

#include "bd-demo-overlays.h"

#include <math.h>
#include <string.h>

#include "bd-catalog.h"

#define DEMO_TIME "2026-09-01T06:00:00+09:00"

typedef struct
{
  const char *ward;
  const char *kind;
  const char *state;
  const char *crowding;
  int         hazards;     /* bit i: hazard code i + 1 */
  int         capacity;
  int         evacuees;
  double      dlat, dlon;  /* from the ward's centre */
} DemoShelter;

static const DemoShelter shelters[] = {
  { "271276", "emergency_site",  "permanent", "unknown", 0x2F, 5000, 0,    0.004,  0.003 },
  { "271276", "shelter",         "open",      "crowded", 0x09, 400,  310, -0.003,  0.002 },
  { "271021", "shelter",         "open",      "vacant",  0x09, 350,  40,   0.002, -0.004 },
  { "271039", "welfare_shelter", "open",      "vacant",  0x00, 60,   12,  -0.002,  0.003 },
  { "271047", "emergency_site",  "open",      "full",    0x15, 800,  800,  0.003,  0.002 },
  { "271284", "shelter",         "not_open",  "unknown", 0x09, 500,  0,    0.002,  0.004 },
  { "271063", "shelter",         "closed",    "unknown", 0x09, 300,  0,   -0.003, -0.002 },
  { "271080", "emergency_site",  "open",      "crowded", 0x11, 1200, 900,  0.002,  0.002 },
  { "271233", "shelter",         "open",      "full",    0x01, 450,  450, -0.002, -0.003 },
  { "271144", "welfare_shelter", "not_open",  "unknown", 0x00, 40,   0,    0.003, -0.002 },
  { "271098", "shelter",         "unknown",   "unknown", 0x08, 380,  0,    0.002,  0.002 },
  { "271250", "emergency_site",  "open",      "vacant",  0x14, 2000, 150, -0.004,  0.004 },
};

static const char *
kind_label (const char *kind)
{
  if (strcmp (kind, "emergency_site") == 0)
    return "指定緊急避難場所";
  if (strcmp (kind, "shelter") == 0)
    return "指定避難所";
  return "福祉避難所";
}

static JsonNode *
point (double lat,
       double lon)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "Point");
  json_builder_set_member_name (b, "coordinates");
  json_builder_begin_array (b);
  json_builder_add_double_value (b, round (lon * 1e6) / 1e6);
  json_builder_add_double_value (b, round (lat * 1e6) / 1e6);
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* A closed ring of @n corners around (@lat, @lon), @r degrees across. */
static JsonNode *
polygon (double lat,
         double lon,
         double r,
         guint  n)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "Polygon");
  json_builder_set_member_name (b, "coordinates");
  json_builder_begin_array (b);
  json_builder_begin_array (b);
  for (guint i = 0; i <= n; i++)
    {
      double a = 2 * G_PI * (i % n) / n;

      json_builder_begin_array (b);
      json_builder_add_double_value (b, round ((lon + r * 1.2 * cos (a)) * 1e6) / 1e6);
      json_builder_add_double_value (b, round ((lat + r * sin (a)) * 1e6) / 1e6);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static JsonNode *
line (const double *coords,
      guint         n)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "LineString");
  json_builder_set_member_name (b, "coordinates");
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    {
      json_builder_begin_array (b);
      json_builder_add_double_value (b, coords[2 * i + 1]);
      json_builder_add_double_value (b, coords[2 * i]);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* A Feature with @id, @geometry (taken) and @props (taken). */
static JsonNode *
feature (const char *id,
         JsonNode   *geometry,
         JsonObject *props)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (object, "type", "Feature");
  json_object_set_string_member (object, "id", id);
  json_object_set_member (object, "geometry", geometry);
  json_object_set_object_member (object, "properties", props);
  json_node_take_object (node, object);
  return node;
}

static void
add_shelters (GPtrArray *features)
{
  for (guint i = 0; i < G_N_ELEMENTS (shelters); i++)
    {
      const DemoShelter *s = &shelters[i];
      const BdWard *ward = bd_catalog_lookup_ward (s->ward);
      JsonObject *props = json_object_new ();
      JsonArray *hazards = json_array_new ();
      g_autofree char *id = g_strdup_printf ("demo-shelter-%02u", i + 1);
      g_autofree char *name = g_strdup_printf ("【デモ】%s %s %u", ward->name_ja,
                                               kind_label (s->kind), i + 1);

      for (int h = 0; h < 8; h++)
        if (s->hazards & (1 << h))
          json_array_add_int_element (hazards, h + 1);
      json_object_set_string_member (props, "kind", s->kind);
      json_object_set_string_member (props, "name", name);
      json_object_set_string_member (props, "ward", s->ward);
      json_object_set_array_member (props, "hazards", hazards);
      json_object_set_string_member (props, "state", s->state);
      json_object_set_string_member (props, "crowding", s->crowding);
      json_object_set_int_member (props, "capacity", s->capacity);
      json_object_set_int_member (props, "evacuees", s->evacuees);
      json_object_set_int_member (props, "households", s->evacuees / 2);
      json_object_set_string_member (props, "checked_at", "2026-09-01T09:30:00+09:00");
      g_ptr_array_add (features, feature (id, point (ward->latitude + s->dlat,
                                                     ward->longitude + s->dlon), props));
    }
}

static JsonObject *
area_props (const char *kind,
            const char *ward_code,
            const char *what)
{
  JsonObject *props = json_object_new ();
  const BdWard *ward = bd_catalog_lookup_ward (ward_code);
  g_autofree char *name = g_strdup_printf ("【デモ】%s %s", ward->name_ja, what);

  json_object_set_string_member (props, "kind", kind);
  json_object_set_string_member (props, "name", name);
  json_object_set_string_member (props, "ward", ward_code);
  return props;
}

static void
add_areas (GPtrArray *features)
{
  static const struct { const char *ward; int level; const char *what; } evacuations[] = {
    { "271233", 3, "高齢者等避難" },
    { "271047", 4, "避難指示" },
    { "271080", 5, "緊急安全確保" },
  };
  const BdWard *ward;
  JsonObject *props;

  for (guint i = 0; i < G_N_ELEMENTS (evacuations); i++)
    {
      g_autofree char *id = g_strdup_printf ("demo-evacuation-%u", evacuations[i].level);

      ward = bd_catalog_lookup_ward (evacuations[i].ward);
      props = area_props ("evacuation", evacuations[i].ward, evacuations[i].what);
      json_object_set_int_member (props, "level", evacuations[i].level);
      json_object_set_string_member (props, "issued_at", DEMO_TIME);
      g_ptr_array_add (features, feature (id, polygon (ward->latitude, ward->longitude,
                                                       0.012, 12), props));
    }

  ward = bd_catalog_lookup_ward ("271063");
  props = area_props ("affected", "271063", "被災範囲(建物倒壊)");
  json_object_set_string_member (props, "issued_at", DEMO_TIME);
  g_ptr_array_add (features, feature ("demo-affected-1",
                                      polygon (ward->latitude, ward->longitude, 0.005, 7),
                                      props));

  ward = bd_catalog_lookup_ward ("271110");
  props = area_props ("inundation", "271110", "浸水範囲");
  json_object_set_string_member (props, "issued_at", DEMO_TIME);
  g_ptr_array_add (features, feature ("demo-inundation-1",
                                      polygon (ward->latitude, ward->longitude, 0.004, 9),
                                      props));

  {
    /* along 中央区's centre, north to south */
    static const double coords[] = {
      34.6900, 135.5010, 34.6860, 135.5015, 34.6810, 135.5012, 34.6760, 135.5020,
    };

    props = area_props ("road_closure", "271284", "通行止め(冠水)");
    json_object_set_string_member (props, "issued_at", DEMO_TIME);
    g_ptr_array_add (features, feature ("demo-road-closure-1",
                                        line (coords, G_N_ELEMENTS (coords) / 2), props));
  }
}

static JsonNode *
city_polygon (void)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const double ring[][2] = {
    { BD_CITY_MIN_LON, BD_CITY_MIN_LAT }, { BD_CITY_MAX_LON, BD_CITY_MIN_LAT },
    { BD_CITY_MAX_LON, BD_CITY_MAX_LAT }, { BD_CITY_MIN_LON, BD_CITY_MAX_LAT },
    { BD_CITY_MIN_LON, BD_CITY_MIN_LAT },
  };

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "Polygon");
  json_builder_set_member_name (b, "coordinates");
  json_builder_begin_array (b);
  json_builder_begin_array (b);
  for (guint i = 0; i < G_N_ELEMENTS (ring); i++)
    {
      json_builder_begin_array (b);
      json_builder_add_double_value (b, ring[i][0]);
      json_builder_add_double_value (b, ring[i][1]);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static JsonObject *
alert_props (const char *event,
             const char *headline,
             const char *severity,
             const char *sent)
{
  JsonObject *props = json_object_new ();
  JsonArray *codes = json_array_new ();

  json_array_add_string_element (codes, BD_CITY_CODE);
  json_object_set_string_member (props, "source", "city");
  json_object_set_string_member (props, "status", "actual");
  json_object_set_string_member (props, "msg_type", "alert");
  json_object_set_string_member (props, "event", event);
  json_object_set_string_member (props, "category", "met");
  json_object_set_string_member (props, "severity", severity);
  json_object_set_string_member (props, "headline", headline);
  json_object_set_string_member (props, "area_desc", "大阪市");
  json_object_set_array_member (props, "area_codes", codes);
  json_object_set_string_member (props, "sent", sent);
  json_object_set_string_member (props, "effective", sent);
  json_object_set_boolean_member (props, "active", TRUE);
  json_object_set_boolean_member (props, "cancelled", FALSE);
  return props;
}

static void
add_alerts (GPtrArray *features)
{
  JsonObject *props;

  /* active until cancelled: no expiry, so it stays active in a reused
   * `make run` folder */
  props = alert_props ("大雨警報", "【デモ】大阪市に大雨警報が発表されています", "Severe",
                       DEMO_TIME);
  json_object_set_string_member (props, "description",
                                 "【デモ】これは練習用のデモデータです。土砂災害、低い土地の"
                                 "浸水、河川の増水に警戒してください。");
  json_object_set_int_member (props, "level", 3);
  g_ptr_array_add (features, feature ("demo-alert-1", city_polygon (), props));

  /* expired long ago: never shown */
  props = alert_props ("雷注意報", "【デモ】大阪市の雷注意報(期限切れ)", "Moderate",
                       "2026-09-01T03:00:00+09:00");
  json_object_set_string_member (props, "expires", "2026-09-01T05:00:00+09:00");
  g_ptr_array_add (features, feature ("demo-alert-2", city_polygon (), props));
}

GPtrArray *
bd_demo_overlays_generate (const char *collection)
{
  GPtrArray *features = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

  if (g_strcmp0 (collection, "shelters") == 0)
    add_shelters (features);
  else if (g_strcmp0 (collection, "areas") == 0)
    add_areas (features);
  else if (g_strcmp0 (collection, "alerts") == 0)
    add_alerts (features);
  return features;
}

char *
bd_demo_overlays_to_geojson (const char *collection)
{
  g_autoptr(GPtrArray) features = bd_demo_overlays_generate (collection);
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < features->len; i++)
    json_array_add_element (array, json_node_ref (g_ptr_array_index (features, i)));
  json_object_set_string_member (object, "type", "FeatureCollection");
  json_object_set_array_member (object, "features", array);
  json_node_take_object (root, object);
  return json_to_string (root, TRUE);
}
