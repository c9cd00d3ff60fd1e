/* test-features.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The overlay collections: bd_feature_validate() on good features and on
 * every kind of bad one, and the store's table of them (migration 8). */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>

#include "bd-demo-overlays.h"
#include "bd-feature-validate.h"
#include "bd-store.h"
#include "bd-store-features.h"
#include "bd-store-sync.h"

/* A deep copy (json_node_copy () shares the objects). */
static JsonNode *
deep_copy (JsonNode *node)
{
  g_autofree char *text = json_to_string (node, FALSE);

  return json_from_string (text, NULL);
}

/* Demo feature @index of @collection, a copy of its own. */
static JsonNode *
demo (const char *collection,
      guint       index)
{
  g_autoptr(GPtrArray) features = bd_demo_overlays_generate (collection);

  g_assert_cmpuint (index, <, features->len);
  return deep_copy (g_ptr_array_index (features, index));
}

static JsonObject *
props_of (JsonNode *feature)
{
  return json_object_get_object_member (json_node_get_object (feature), "properties");
}

/* Sets property @name to the JSON @value (NULL: removes it). */
static void
set_prop (JsonNode   *feature,
          const char *name,
          const char *value)
{
  JsonObject *props = props_of (feature);

  if (value == NULL)
    json_object_remove_member (props, name);
  else
    {
      g_autoptr(GError) error = NULL;
      JsonNode *node = json_from_string (value, &error);

      g_assert_no_error (error);
      json_object_set_member (props, name, node);
    }
}

static void
set_geometry (JsonNode   *feature,
              const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (json, &error);

  g_assert_no_error (error);
  json_object_set_member (json_node_get_object (feature), "geometry", node);
}

static void
assert_valid (const char *collection,
              JsonNode   *feature)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (bd_feature_validate (collection, feature, NULL, &error));
  g_assert_no_error (error);
}

/* Refused, with a message that contains @words. */
static void
assert_refused (const char *collection,
                JsonNode   *feature,
                const char *words)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (bd_feature_validate (collection, feature, NULL, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == BD_FEATURE_ERROR);
  if (strstr (error->message, words) == NULL)
    g_error ("“%s” does not say “%s”", error->message, words);
}

static void
test_demo_valid (void)
{
  const char * const *collections = bd_feature_get_overlay_collections ();
  guint n_kinds = 0;

  for (guint c = 0; collections[c] != NULL; c++)
    {
      g_autoptr(GPtrArray) features = bd_demo_overlays_generate (collections[c]);
      g_autoptr(GHashTable) kinds = g_hash_table_new (g_str_hash, g_str_equal);

      g_assert_cmpuint (features->len, >, 0);
      for (guint i = 0; i < features->len; i++)
        {
          BdFeatureInfo info;
          g_autoptr(GError) error = NULL;

          g_assert_true (bd_feature_validate (collections[c], g_ptr_array_index (features, i),
                                              &info, &error));
          g_assert_no_error (error);
          g_assert_true (info.has_bbox);
          g_hash_table_add (kinds, (gpointer) info.kind);
          /* near the city */
          g_assert_cmpfloat (info.bbox[1], >, 34.5);
          g_assert_cmpfloat (info.bbox[3], <, 34.85);
        }
      if (g_str_equal (collections[c], "shelters") || g_str_equal (collections[c], "areas"))
        n_kinds += g_hash_table_size (kinds);
    }
  /* the three shelter kinds and the four area kinds */
  g_assert_cmpuint (n_kinds, ==, 7);
  g_assert_false (bd_feature_is_overlay_collection ("reports"));
  g_assert_true (bd_feature_is_overlay_collection ("alerts"));
}

static void
test_shelters (void)
{
  static const struct { const char *name, *value, *words; } bad[] = {
    { "kind", "\"hotel\"", "“kind” must be one of" },
    { "kind", NULL, "“kind” is missing" },
    { "state", "\"opened\"", "“state” must be one of" },
    { "state", "3", "“state” must be one of" },
    { "crowding", "\"busy\"", "“crowding” must be one of" },
    { "hazards", "[0]", "hazards" },
    { "hazards", "[9]", "hazards" },
    { "hazards", "[1, 1]", "hazards" },
    { "hazards", "[\"1\"]", "hazards" },
    { "hazards", "1", "hazards" },
    { "evacuees", "-1", "“evacuees” must be a whole number" },
    { "capacity", "1.5", "“capacity” must be a whole number" },
    { "households", "\"12\"", "“households” must be a whole number" },
    { "name", NULL, "“name” is missing" },
    { "name", "\"  \"", "“name” must not be empty" },
    { "name", "42", "“name” must be a text" },
    { "ward", "\"999999\"", "“ward” must be the 6-digit code" },
    { "ward", NULL, "“ward” is missing" },
    { "checked_at", "\"yesterday\"", "“checked_at” must be an RFC 3339 time" },
    { "checked_at", "\"2026-09-01T06:00:00\"", "“checked_at” must be an RFC 3339 time" },
  };
  static const struct { const char *geometry, *words; } bad_geometry[] = {
    { "{\"type\":\"LineString\",\"coordinates\":[[135.5,34.7],[135.6,34.7]]}", "needs one of: Point" },
    { "{\"type\":\"Point\",\"coordinates\":[200,34.7]}", "out of range" },
    { "{\"type\":\"Point\",\"coordinates\":[135.5,-91]}", "out of range" },
    { "{\"type\":\"Point\",\"coordinates\":[135.5]}", "two or three numbers" },
    { "{\"type\":\"Point\",\"coordinates\":[135.5,\"34\"]}", "not a finite number" },
    { "{\"type\":\"Point\"}", "array of numbers" },
    { "{\"type\":\"Circle\",\"coordinates\":[135.5,34.7]}", "geometry type must be" },
    { "{\"coordinates\":[135.5,34.7]}", "no type" },
    { "null", "no geometry" },
  };
  g_autoptr(JsonNode) good = demo ("shelters", 0);

  assert_valid ("shelters", good);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) f = deep_copy (good);

      set_prop (f, bad[i].name, bad[i].value);
      assert_refused ("shelters", f, bad[i].words);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_geometry); i++)
    {
      g_autoptr(JsonNode) f = deep_copy (good);

      set_geometry (f, bad_geometry[i].geometry);
      assert_refused ("shelters", f, bad_geometry[i].words);
    }

  /* optional ones absent, an altitude, an unknown property: fine */
  {
    g_autoptr(JsonNode) f = deep_copy (good);

    set_prop (f, "crowding", NULL);
    set_prop (f, "hazards", NULL);
    set_prop (f, "evacuees", "null");
    set_prop (f, "note", "\"2F\"");
    set_geometry (f, "{\"type\":\"Point\",\"coordinates\":[135.5,34.7,3.5]}");
    assert_valid ("shelters", f);
  }

  /* a non-finite coordinate (made in memory: JSON text cannot hold one) */
  {
    g_autoptr(JsonNode) f = deep_copy (good);
    JsonObject *geometry = json_object_get_object_member (json_node_get_object (f), "geometry");
    JsonArray *coords = json_object_get_array_member (geometry, "coordinates");

    json_node_set_double (json_array_get_element (coords, 0), INFINITY);
    assert_refused ("shelters", f, "not a finite number");
  }

  /* not a Feature at all */
  {
    g_autoptr(JsonNode) f = json_from_string ("{\"type\":\"FeatureCollection\"}", NULL);
    g_autoptr(JsonNode) g = json_from_string ("[1]", NULL);
    g_autoptr(JsonNode) h = json_from_string ("{\"type\":\"Feature\",\"geometry\":null}", NULL);

    assert_refused ("shelters", f, "type must be “Feature”");
    assert_refused ("shelters", g, "not a GeoJSON Feature object");
    assert_refused ("shelters", h, "no properties");
  }
}

static void
test_areas (void)
{
  static const struct { const char *name, *value, *words; } bad[] = {
    { "kind", "\"flood\"", "“kind” must be one of" },
    { "level", "2", "“level” must be a whole number from 3 to 5" },
    { "level", "6", "“level” must be a whole number from 3 to 5" },
    { "level", NULL, "“level” is missing" },
    { "issued_at", NULL, "“issued_at” is missing" },
    { "lifted_at", "\"2026-09-01T05:59:59+09:00\"", "lifted" },
    { "lifted_at", "\"soon\"", "“lifted_at” must be an RFC 3339 time" },
    { "name", NULL, "“name” is missing" },
    { "ward", "\"271\"", "“ward” must be the 6-digit code" },
  };
  static const struct { const char *geometry, *words; } bad_geometry[] = {
    { "{\"type\":\"Point\",\"coordinates\":[135.5,34.7]}", "needs one of: Polygon, MultiPolygon" },
    { "{\"type\":\"Polygon\",\"coordinates\":[[[135.5,34.7],[135.6,34.7],[135.6,34.8],[135.5,34.71]]]}", "not closed" },
    { "{\"type\":\"Polygon\",\"coordinates\":[[[135.5,34.7],[135.6,34.7],[135.5,34.7]]]}", "at least four" },
    { "{\"type\":\"Polygon\",\"coordinates\":[]}", "no positions" },
    { "{\"type\":\"Polygon\",\"coordinates\":[135.5,34.7]}", "nested arrays" },
    { "{\"type\":\"MultiPolygon\",\"coordinates\":[[]]}", "no positions" },
  };
  g_autoptr(JsonNode) evacuation = demo ("areas", 0);
  g_autoptr(JsonNode) closure = demo ("areas", 5);
  g_autoptr(GError) error = NULL;
  BdFeatureInfo info;

  g_assert_true (bd_feature_validate ("areas", evacuation, &info, &error));
  g_assert_cmpstr (info.kind, ==, "evacuation");
  g_assert_cmpint (info.level, ==, 3);
  g_assert_true (info.active);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) f = deep_copy (evacuation);

      set_prop (f, bad[i].name, bad[i].value);
      assert_refused ("areas", f, bad[i].words);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_geometry); i++)
    {
      g_autoptr(JsonNode) f = deep_copy (evacuation);

      set_geometry (f, bad_geometry[i].geometry);
      assert_refused ("areas", f, bad_geometry[i].words);
    }

  /* lifted: valid, no longer active; a MultiPolygon with a hole */
  {
    g_autoptr(JsonNode) f = deep_copy (evacuation);

    set_prop (f, "lifted_at", "\"2026-09-01T18:00:00+09:00\"");
    set_geometry (f, "{\"type\":\"MultiPolygon\",\"coordinates\":[[[[135.4,34.6],[135.6,34.6],"
                     "[135.6,34.8],[135.4,34.6]],[[135.5,34.65],[135.55,34.65],[135.55,34.7],"
                     "[135.5,34.65]]]]}");
    g_assert_true (bd_feature_validate ("areas", f, &info, &error));
    g_assert_false (info.active);
    g_assert_cmpfloat (info.bbox[0], ==, 135.4);
    g_assert_cmpfloat (info.bbox[3], ==, 34.8);
  }

  /* a road closure is a line, and only a line */
  g_assert_true (bd_feature_validate ("areas", closure, &info, &error));
  g_assert_cmpstr (info.kind, ==, "road_closure");
  {
    g_autoptr(JsonNode) f = deep_copy (closure);

    set_geometry (f, "{\"type\":\"MultiLineString\",\"coordinates\":[[[135.5,34.7],[135.51,34.7]],"
                     "[[135.52,34.7],[135.53,34.71]]]}");
    assert_valid ("areas", f);
    set_geometry (f, "{\"type\":\"LineString\",\"coordinates\":[[135.5,34.7]]}");
    assert_refused ("areas", f, "at least two positions");
    set_geometry (f, "{\"type\":\"Polygon\",\"coordinates\":[[[135.5,34.7],[135.6,34.7],"
                     "[135.6,34.8],[135.5,34.7]]]}");
    assert_refused ("areas", f, "needs one of: LineString, MultiLineString");
  }
}

/* A polygon of a million vertices is refused, quickly, with a clear
 * message; one of 100,000 passes. */
static void
test_huge_polygon (void)
{
  static const guint sizes[] = { BD_FEATURE_MAX_POSITIONS, 1000000 };

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      g_autoptr(JsonNode) f = demo ("areas", 1);
      g_autoptr(GError) error = NULL;
      JsonObject *geometry = json_object_new ();
      JsonArray *rings = json_array_new ();
      JsonArray *ring = json_array_new ();
      guint n = sizes[s];
      gint64 start;
      gboolean ok;

      for (guint i = 0; i < n; i++)
        {
          JsonArray *position = json_array_new ();
          double a = 2 * G_PI * (i % (n - 1)) / (n - 1);

          json_array_add_double_element (position, 135.5 + 0.01 * cos (a));
          json_array_add_double_element (position, 34.7 + 0.01 * sin (a));
          json_array_add_array_element (ring, position);
        }
      json_array_add_array_element (rings, ring);
      json_object_set_string_member (geometry, "type", "Polygon");
      json_object_set_array_member (geometry, "coordinates", rings);
      json_object_set_object_member (json_node_get_object (f), "geometry", geometry);

      start = g_get_monotonic_time ();
      ok = bd_feature_validate ("areas", f, NULL, &error);
      g_test_message ("%u positions checked in %.1f ms", n,
                      (g_get_monotonic_time () - start) / 1000.0);
      if (n <= BD_FEATURE_MAX_POSITIONS)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, BD_FEATURE_ERROR, BD_FEATURE_ERROR_TOO_LARGE);
          g_assert_nonnull (strstr (error->message, "more than 100000 positions"));
        }
    }
}

static void
test_alerts (void)
{
  static const struct { const char *name, *value, *words; } bad[] = {
    { "source", "\"twitter\"", "“source” must be one of" },
    { "source", NULL, "“source” is missing" },
    { "status", "\"Actual\"", "“status” must be one of" },
    { "msg_type", "\"Alert\"", "“msg_type” must be one of" },
    { "category", "\"weather\"", "“category” must be one of" },
    { "severity", "\"severe\"", "“severity” must be one of" },
    { "event", "\"\"", "“event” must not be empty" },
    { "level", "6", "“level” must be a whole number from 1 to 5" },
    { "sent", NULL, "“sent” is missing" },
    { "expires", "\"tomorrow\"", "“expires” must be an RFC 3339 time" },
    { "active", NULL, "“active” is missing" },
    { "active", "\"yes\"", "“active” must be true or false" },
    { "cancelled", "0", "“cancelled” must be true or false" },
    { "area_codes", "[\"27100\"]", "area_codes" },
    { "area_codes", "\"271004\"", "area_codes" },
    { "magnitude", "11", "magnitude" },
    { "headline", "[]", "“headline” must be a text" },
  };
  g_autoptr(JsonNode) good = demo ("alerts", 0);
  g_autoptr(GError) error = NULL;
  BdFeatureInfo info;

  g_assert_true (bd_feature_validate ("alerts", good, &info, &error));
  g_assert_cmpstr (info.status, ==, "actual");
  g_assert_cmpstr (info.kind, ==, "met");
  g_assert_true (bd_feature_alert_is_shown (&info, g_get_real_time () / G_USEC_PER_SEC));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) f = deep_copy (good);

      set_prop (f, bad[i].name, bad[i].value);
      assert_refused ("alerts", f, bad[i].words);
    }

  /* an area given by codes only; without codes it has no area at all */
  {
    g_autoptr(JsonNode) f = deep_copy (good);

    set_geometry (f, "null");
    g_assert_true (bd_feature_validate ("alerts", f, &info, &error));
    g_assert_false (info.has_bbox);
    set_prop (f, "area_codes", NULL);
    assert_refused ("alerts", f, "area_codes");
    set_geometry (f, "{\"type\":\"Point\",\"coordinates\":[135.5,34.7]}");
    assert_refused ("alerts", f, "needs one of: Polygon, MultiPolygon");
  }

  /* shown: actual, active, not expired */
  {
    g_autoptr(JsonNode) f = deep_copy (good);

    set_prop (f, "expires", "\"2026-09-01T12:00:00+09:00\"");
    g_assert_true (bd_feature_validate ("alerts", f, &info, &error));
    g_assert_cmpint (info.expires, ==, 1788231600);
    g_assert_true (bd_feature_alert_is_shown (&info, 1788231599));
    g_assert_false (bd_feature_alert_is_shown (&info, 1788231600));
    set_prop (f, "status", "\"exercise\"");
    g_assert_true (bd_feature_validate ("alerts", f, &info, &error));
    g_assert_false (bd_feature_alert_is_shown (&info, 0));
    set_prop (f, "status", "\"actual\"");
    set_prop (f, "active", "false");
    set_prop (f, "cancelled", "true");
    g_assert_true (bd_feature_validate ("alerts", f, &info, &error));
    g_assert_false (bd_feature_alert_is_shown (&info, 0));
  }
}

/* The store */

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

  f->dir = g_dir_make_tmp ("bd-test-features-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "client.sqlite", NULL);
  f->store = bd_store_open (f->path, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_clear_object (&f->store);
  dir = g_dir_open (f->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

/* The demo features of @collection as the feed would bring them, from
 * seq @first_seq on. */
static GPtrArray *
feed_features (const char *collection,
               gint64      first_seq)
{
  g_autoptr(GPtrArray) nodes = bd_demo_overlays_generate (collection);
  GPtrArray *features = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_feature_free);

  for (guint i = 0; i < nodes->len; i++)
    {
      JsonNode *node = g_ptr_array_index (nodes, i);
      g_autoptr(GError) error = NULL;
      BdFeature *feature;

      json_object_set_int_member (props_of (node), "rev", 1);
      json_object_set_int_member (props_of (node), "seq", first_seq + i);
      feature = bd_feature_new_from_json (collection, node, &error);
      g_assert_no_error (error);
      g_ptr_array_add (features, feature);
    }
  return features;
}

static void
on_features_changed (BdStore    *store,
                     const char *collection,
                     gpointer    user_data)
{
  GPtrArray *seen = user_data;

  g_ptr_array_add (seen, g_strdup (collection));
}

static void
test_store_features (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) shelters = feed_features ("shelters", 1);
  g_autoptr(GPtrArray) areas = feed_features ("areas", 100);
  g_autoptr(GPtrArray) alerts = feed_features ("alerts", 200);
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(BdFeature) one = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;
  BdFeatureQuery query = { 0 };
  g_autoptr(GPtrArray) seen_alerts = g_ptr_array_new_with_free_func (g_free);
  gulong all, only_alerts;

  all = g_signal_connect (f->store, "features-changed", G_CALLBACK (on_features_changed), seen);

  g_assert_true (bd_store_apply_pulled_features (f->store, "shelters", shelters, NULL,
                                                 "cursor:shelters", 12, &error));
  g_assert_no_error (error);
  g_assert_true (bd_store_apply_pulled_features (f->store, "areas", areas, NULL,
                                                 "cursor:areas", 105, &error));
  g_assert_true (bd_store_apply_pulled_features (f->store, "alerts", alerts, NULL,
                                                 "cursor:alerts", 201, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (seen->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (seen, 0), ==, "shelters");
  g_assert_cmpstr (g_ptr_array_index (seen, 2), ==, "alerts");
  g_assert_true (bd_store_read_sync_state (f->store, "cursor:areas", &cursor, &error));
  g_assert_cmpstr (cursor, ==, "105");

  g_assert_cmpint (bd_store_count_features (f->store, "shelters", NULL), ==, 12);
  g_assert_cmpint (bd_store_count_features (f->store, "areas", NULL), ==, 6);
  g_assert_cmpint (bd_store_count_features (f->store, "alerts", NULL), ==, 2);
  g_assert_cmpint (bd_store_count (f->store), ==, 0);

  /* by kind, and by box (北区's shelters, near 34.704, 135.504) */
  query.kind = "welfare_shelter";
  list = bd_store_list_features (f->store, "shelters", &query, &error);
  g_assert_cmpuint (list->len, ==, 2);
  g_clear_pointer (&list, g_ptr_array_unref);
  query = (BdFeatureQuery) { TRUE, 135.50, 34.70, 135.51, 34.71, NULL };
  list = bd_store_list_features (f->store, "shelters", &query, &error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (((BdFeature *) list->pdata[0])->ward, ==, "271276");
  g_clear_pointer (&list, g_ptr_array_unref);
  /* the level-5 area's box meets a box inside 大正区 */
  query = (BdFeatureQuery) { TRUE, 135.469, 34.647, 135.471, 34.649, "evacuation" };
  list = bd_store_list_features (f->store, "areas", &query, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpint (((BdFeature *) list->pdata[0])->level, ==, 5);
  g_clear_pointer (&list, g_ptr_array_unref);

  one = bd_store_get_feature (f->store, "areas", "demo-road-closure-1", &error);
  g_assert_nonnull (one);
  g_assert_cmpstr (one->kind, ==, "road_closure");
  g_assert_true (one->has_bbox);
  {
    g_autoptr(JsonNode) node = bd_feature_parse (one, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (json_object_get_string_member (
                       json_object_get_object_member (json_node_get_object (node), "geometry"),
                       "type"), ==, "LineString");
  }
  g_clear_pointer (&one, bd_feature_free);
  g_assert_null (bd_store_get_feature (f->store, "areas", "nothing", &error));
  g_assert_no_error (error);

  /* active alerts: the expired one is not among them */
  list = bd_store_list_active_alerts (f->store, g_get_real_time () / G_USEC_PER_SEC, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((BdFeature *) list->pdata[0])->id, ==, "demo-alert-1");
  g_assert_true (bd_feature_is_shown_alert (list->pdata[0], 0));
  g_clear_pointer (&list, g_ptr_array_unref);
  list = bd_store_list_active_alerts (f->store, 1788206400 - 1, &error);  /* 2026-09-01T04:59:59+09:00 */
  g_assert_cmpuint (list->len, ==, 2);
  g_clear_pointer (&list, g_ptr_array_unref);
  g_assert_cmpint (bd_store_get_next_alert_expiry (f->store, 0, NULL), ==, 1788206400);
  g_assert_cmpint (bd_store_get_next_alert_expiry (f->store, 1788206400, NULL), ==, 0);

  /* a change, then a tombstone; an older copy arriving late changes nothing */
  {
    g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_feature_free);
    g_autoptr(JsonNode) node = demo ("alerts", 0);
    BdFeature *feature;

    json_object_set_boolean_member (props_of (node), "active", FALSE);
    json_object_set_boolean_member (props_of (node), "cancelled", TRUE);
    json_object_set_int_member (props_of (node), "seq", 300);
    feature = bd_feature_new_from_json ("alerts", node, &error);
    g_assert_no_error (error);
    g_ptr_array_add (changes, feature);
    only_alerts = g_signal_connect (f->store, "features-changed::alerts",
                                    G_CALLBACK (on_features_changed), seen_alerts);
    g_assert_true (bd_store_apply_pulled_features (f->store, "alerts", changes, NULL,
                                                   "cursor:alerts", 300, &error));
    g_assert_cmpuint (seen_alerts->len, ==, 1);
    list = bd_store_list_active_alerts (f->store, 0, &error);
    g_assert_cmpuint (list->len, ==, 1);   /* only demo-alert-2, before it expired */
    g_clear_pointer (&list, g_ptr_array_unref);
  }
  {
    g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_feature_free);
    g_autoptr(JsonNode) tombstone = demo ("shelters", 0);
    g_autoptr(JsonNode) late = demo ("shelters", 0);

    json_object_set_boolean_member (props_of (tombstone), "deleted", TRUE);
    json_object_set_int_member (props_of (tombstone), "seq", 400);
    /* a tombstone is taken even when its content would not validate */
    json_object_remove_member (props_of (tombstone), "kind");
    g_ptr_array_add (changes, bd_feature_new_from_json ("shelters", tombstone, &error));
    g_assert_no_error (error);
    json_object_set_int_member (props_of (late), "seq", 5);
    json_object_set_string_member (props_of (late), "state", "closed");
    g_ptr_array_add (changes, bd_feature_new_from_json ("shelters", late, &error));
    g_assert_no_error (error);
    g_assert_true (bd_store_apply_pulled_features (f->store, "shelters", changes, NULL,
                                                   NULL, 0, &error));
    g_assert_no_error (error);
  }
  g_assert_cmpint (bd_store_count_features (f->store, "shelters", NULL), ==, 11);
  one = bd_store_get_feature (f->store, "shelters", "demo-shelter-01", &error);
  g_assert_true (one->deleted);
  g_assert_cmpint (one->seq, ==, 400);
  g_clear_pointer (&one, bd_feature_free);

  /* kept aside, per collection, not counted as reports' */
  {
    g_autoptr(GPtrArray) rejected = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_rejected_free);
    BdRejected *r = g_new0 (BdRejected, 1);

    r->id = g_strdup ("bad-1");
    r->seq = 500;
    r->reason = g_strdup ("The property “kind” is missing.");
    r->feature = g_strdup ("{}");
    g_ptr_array_add (rejected, r);
    g_assert_true (bd_store_apply_pulled_features (f->store, "areas", NULL, rejected,
                                                   "cursor:areas", 500, &error));
    g_assert_no_error (error);
  }
  g_assert_cmpint (bd_store_count_feature_rejects (f->store, "areas", NULL), ==, 1);
  g_assert_cmpint (bd_store_count_feature_rejects (f->store, "alerts", NULL), ==, 0);
  g_assert_cmpint (bd_store_count_rejected (f->store), ==, 0);
  /* the shelters' and areas' writes were not announced as alerts' */
  g_assert_cmpuint (seen_alerts->len, ==, 1);
  g_signal_handler_disconnect (f->store, all);
  g_signal_handler_disconnect (f->store, only_alerts);

  /* all of it there after a reopen */
  g_clear_object (&f->store);
  f->store = bd_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (bd_store_count_features (f->store, "shelters", NULL), ==, 11);
  g_assert_cmpint (bd_store_count_features (f->store, "areas", NULL), ==, 6);
  g_assert_cmpint (bd_store_count_features (f->store, "alerts", NULL), ==, 2);
}

/* A feature the feed brings that does not validate is refused with the
 * reason; one too large is refused before anything else. */
static void
test_feature_from_json (void)
{
  g_autoptr(JsonNode) node = demo ("shelters", 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(BdFeature) feature = NULL;

  json_object_set_string_member (props_of (node), "state", "sideways");
  feature = bd_feature_new_from_json ("shelters", node, &error);
  g_assert_null (feature);
  g_assert_error (error, BD_FEATURE_ERROR, BD_FEATURE_ERROR_INVALID);
  g_clear_error (&error);

  json_object_set_int_member (json_node_get_object (node), "id", 7);
  feature = bd_feature_new_from_json ("shelters", node, &error);
  g_assert_null (feature);
  g_assert_error (error, BD_FEATURE_ERROR, BD_FEATURE_ERROR_INVALID);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/features/demo-valid", test_demo_valid);
  g_test_add_func ("/features/shelters", test_shelters);
  g_test_add_func ("/features/areas", test_areas);
  g_test_add_func ("/features/huge-polygon", test_huge_polygon);
  g_test_add_func ("/features/alerts", test_alerts);
  g_test_add_func ("/features/from-json", test_feature_from_json);
  g_test_add ("/features/store", Fixture, NULL, fixture_setup, test_store_features,
              fixture_teardown);

  return g_test_run ();
}
