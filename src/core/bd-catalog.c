/* bd-catalog.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-catalog"

#include "config.h"

#include "bd-catalog.h"

#include <math.h>
#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "bd-core-resources.h"
#include "bd-json.h"

#define WARDS_PATH      "/io/github/bosai_desk/BosaiDesk/data/wards.json"
#define CATEGORIES_PATH "/io/github/bosai_desk/BosaiDesk/data/categories.json"

/* The tables: filled once, never freed (they live for the process). */
typedef struct
{
  BdWard       city;
  BdWard      *wards;
  guint        n_wards;
  BdCategory  *categories;
  guint        n_categories;
  BdCountField *extra_counts;
  guint        n_extra_counts;
  BdStatus    *statuses;
  guint        n_statuses;
  BdSeverity  *severities;
  guint        n_severities;
} Catalog;

static Catalog catalog;

static JsonNode *
load_resource (const char *path)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *root;
  const char *data;
  gsize size;

  /* Looking the resource up through bd_core_get_resource () both links
   * the generated resource object and works whether or not its
   * constructor has registered it yet. */
  bytes = g_resource_lookup_data (bd_core_get_resource (), path,
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes == NULL)
    g_error ("Cannot load resource %s: %s", path, error->message);

  data = g_bytes_get_data (bytes, &size);
  root = bd_json_parse (data, size, 0, &error);
  if (root == NULL)
    g_error ("Cannot parse resource %s: %s", path, error->message);

  if (!JSON_NODE_HOLDS_OBJECT (root))
    g_error ("Resource %s is not a JSON object", path);

  return root;
}

static const char *
get_string (JsonObject *object,
            const char *member,
            const char *what)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    g_error ("Catalog data: %s has no string “%s”", what, member);

  /* Interned: the strings live for the process, as the tables do. */
  return g_intern_string (json_node_get_string (node));
}

static double
get_double (JsonObject *object,
            const char *member,
            const char *what)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_DOUBLE &&
       json_node_get_value_type (node) != G_TYPE_INT64))
    g_error ("Catalog data: %s has no number “%s”", what, member);

  return json_node_get_double (node);
}

static JsonArray *
get_array (JsonObject *object,
           const char *member,
           const char *what)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    g_error ("Catalog data: %s has no array “%s”", what, member);

  return json_node_get_array (node);
}

static JsonObject *
get_element_object (JsonArray  *array,
                    guint       i,
                    const char *what)
{
  JsonNode *node = json_array_get_element (array, i);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    g_error ("Catalog data: element %u of %s is not an object", i, what);

  return json_node_get_object (node);
}

static void
parse_ward (JsonObject *object,
            BdWard     *ward)
{
  ward->code = get_string (object, "code", "a ward");
  ward->code5 = get_string (object, "code5", ward->code);
  ward->name_ja = get_string (object, "name_ja", ward->code);
  ward->reading = get_string (object, "reading", ward->code);
  ward->name_en = get_string (object, "name_en", ward->code);
  ward->latitude = get_double (object, "lat", ward->code);
  ward->longitude = get_double (object, "lon", ward->code);
}

static void
parse_count_fields (JsonArray     *array,
                    BdCountField **fields_out,
                    guint         *n_out)
{
  guint n = json_array_get_length (array);
  BdCountField *fields = g_new0 (BdCountField, n + 1);

  for (guint i = 0; i < n; i++)
    {
      JsonObject *object = get_element_object (array, i, "counts");
      JsonNode *decimal;
      BdCountField *field = &fields[i];

      field->key = get_string (object, "key", "a count");
      field->label_ja = get_string (object, "label_ja", field->key);
      field->label_en = get_string (object, "label_en", field->key);
      field->unit_ja = get_string (object, "unit_ja", field->key);
      field->unit_en = get_string (object, "unit_en", field->key);
      field->max = get_double (object, "max", field->key);

      decimal = json_object_get_member (object, "is_decimal");
      if (decimal == NULL || json_node_get_value_type (decimal) != G_TYPE_BOOLEAN)
        g_error ("Catalog data: count %s has no boolean “is_decimal”", field->key);
      field->is_decimal = json_node_get_boolean (decimal);
    }

  *fields_out = fields;
  *n_out = n;
}

static void
parse_wards (void)
{
  g_autoptr(JsonNode) root = load_resource (WARDS_PATH);
  JsonObject *object = json_node_get_object (root);
  JsonNode *city;
  JsonArray *wards;

  city = json_object_get_member (object, "city");
  if (city == NULL || !JSON_NODE_HOLDS_OBJECT (city))
    g_error ("Catalog data: wards.json has no “city”");
  parse_ward (json_node_get_object (city), &catalog.city);

  wards = get_array (object, "wards", "wards.json");
  catalog.n_wards = json_array_get_length (wards);
  catalog.wards = g_new0 (BdWard, catalog.n_wards + 1);
  for (guint i = 0; i < catalog.n_wards; i++)
    parse_ward (get_element_object (wards, i, "wards"), &catalog.wards[i]);
}

static void
parse_categories (void)
{
  g_autoptr(JsonNode) root = load_resource (CATEGORIES_PATH);
  JsonObject *object = json_node_get_object (root);
  JsonArray *array;

  array = get_array (object, "categories", "categories.json");
  catalog.n_categories = json_array_get_length (array);
  catalog.categories = g_new0 (BdCategory, catalog.n_categories + 1);
  for (guint i = 0; i < catalog.n_categories; i++)
    {
      JsonObject *cat = get_element_object (array, i, "categories");
      BdCategory *category = &catalog.categories[i];
      BdCountField *fields;

      category->code = get_string (cat, "code", "a category");
      category->name_ja = get_string (cat, "name_ja", category->code);
      category->name_en = get_string (cat, "name_en", category->code);
      category->color = get_string (cat, "color", category->code);
      parse_count_fields (get_array (cat, "counts", category->code),
                          &fields, &category->n_counts);
      category->counts = fields;
    }

  parse_count_fields (get_array (object, "extra_counts", "categories.json"),
                      &catalog.extra_counts, &catalog.n_extra_counts);

  array = get_array (object, "statuses", "categories.json");
  catalog.n_statuses = json_array_get_length (array);
  catalog.statuses = g_new0 (BdStatus, catalog.n_statuses + 1);
  for (guint i = 0; i < catalog.n_statuses; i++)
    {
      JsonObject *st = get_element_object (array, i, "statuses");
      BdStatus *status = &catalog.statuses[i];

      status->code = get_string (st, "code", "a status");
      status->name_ja = get_string (st, "name_ja", status->code);
      status->name_en = get_string (st, "name_en", status->code);
    }

  array = get_array (object, "severities", "categories.json");
  catalog.n_severities = json_array_get_length (array);
  catalog.severities = g_new0 (BdSeverity, catalog.n_severities + 1);
  for (guint i = 0; i < catalog.n_severities; i++)
    {
      JsonObject *sev = get_element_object (array, i, "severities");
      BdSeverity *severity = &catalog.severities[i];

      severity->level = (int) get_double (sev, "level", "a severity");
      severity->name_ja = get_string (sev, "name_ja", "a severity");
      severity->name_en = get_string (sev, "name_en", "a severity");
    }
}

static const Catalog *
get_catalog (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      parse_wards ();
      parse_categories ();
      g_once_init_leave (&initialized, 1);
    }

  return &catalog;
}

const BdWard *
bd_catalog_get_wards (guint *n_wards)
{
  const Catalog *c = get_catalog ();

  if (n_wards != NULL)
    *n_wards = c->n_wards;

  return c->wards;
}

const BdWard *
bd_catalog_get_city (void)
{
  return &get_catalog ()->city;
}

const BdWard *
bd_catalog_lookup_ward (const char *code)
{
  const Catalog *c = get_catalog ();

  if (code == NULL)
    return NULL;

  for (guint i = 0; i < c->n_wards; i++)
    {
      if (strcmp (c->wards[i].code, code) == 0)
        return &c->wards[i];
    }

  if (strcmp (c->city.code, code) == 0)
    return &c->city;

  return NULL;
}

const BdWard *
bd_catalog_nearest_ward (double latitude,
                         double longitude)
{
  const Catalog *c = get_catalog ();
  const BdWard *best = NULL;
  double best_distance = INFINITY;
  double scale;

  if (!isfinite (latitude) || !isfinite (longitude))
    return NULL;

  /* Equirectangular: good enough across a city. */
  scale = cos (latitude * G_PI / 180.0);

  for (guint i = 0; i < c->n_wards; i++)
    {
      double dx = (longitude - c->wards[i].longitude) * scale;
      double dy = latitude - c->wards[i].latitude;
      double distance = dx * dx + dy * dy;

      if (distance < best_distance)
        {
          best_distance = distance;
          best = &c->wards[i];
        }
    }

  return best;
}

const BdCategory *
bd_catalog_get_categories (guint *n_categories)
{
  const Catalog *c = get_catalog ();

  if (n_categories != NULL)
    *n_categories = c->n_categories;

  return c->categories;
}

int
bd_catalog_category_index (const char *code)
{
  const Catalog *c = get_catalog ();

  if (code == NULL)
    return -1;

  for (guint i = 0; i < c->n_categories; i++)
    {
      if (strcmp (c->categories[i].code, code) == 0)
        return (int) i;
    }

  return -1;
}

const BdCategory *
bd_catalog_lookup_category (const char *code)
{
  int index = bd_catalog_category_index (code);

  if (index < 0)
    return NULL;

  return &get_catalog ()->categories[index];
}

const BdCountField *
bd_category_lookup_count (const BdCategory *category,
                          const char       *key)
{
  if (category == NULL || key == NULL)
    return NULL;

  for (guint i = 0; i < category->n_counts; i++)
    {
      if (strcmp (category->counts[i].key, key) == 0)
        return &category->counts[i];
    }

  return NULL;
}

const BdCountField *
bd_catalog_get_extra_counts (guint *n_fields)
{
  const Catalog *c = get_catalog ();

  if (n_fields != NULL)
    *n_fields = c->n_extra_counts;

  return c->extra_counts;
}

const BdStatus *
bd_catalog_get_statuses (guint *n_statuses)
{
  const Catalog *c = get_catalog ();

  if (n_statuses != NULL)
    *n_statuses = c->n_statuses;

  return c->statuses;
}

const BdStatus *
bd_catalog_lookup_status (const char *code)
{
  const Catalog *c = get_catalog ();

  if (code == NULL)
    return NULL;

  for (guint i = 0; i < c->n_statuses; i++)
    {
      if (strcmp (c->statuses[i].code, code) == 0)
        return &c->statuses[i];
    }

  return NULL;
}

const BdSeverity *
bd_catalog_get_severities (guint *n_severities)
{
  const Catalog *c = get_catalog ();

  if (n_severities != NULL)
    *n_severities = c->n_severities;

  return c->severities;
}

const BdSeverity *
bd_catalog_lookup_severity (int level)
{
  const Catalog *c = get_catalog ();

  for (guint i = 0; i < c->n_severities; i++)
    {
      if (c->severities[i].level == level)
        return &c->severities[i];
    }

  return NULL;
}

gboolean
bd_catalog_point_in_city (double latitude,
                          double longitude)
{
  if (!isfinite (latitude) || !isfinite (longitude))
    return FALSE;

  return latitude >= BD_CITY_MIN_LAT && latitude <= BD_CITY_MAX_LAT &&
         longitude >= BD_CITY_MIN_LON && longitude <= BD_CITY_MAX_LON;
}

gboolean
bd_catalog_locale_is_japanese (void)
{
  const char * const *names = g_get_language_names ();

  return names != NULL && names[0] != NULL && g_str_has_prefix (names[0], "ja");
}

const char *
bd_catalog_label (const char *ja,
                  const char *en)
{
  return bd_catalog_locale_is_japanese () ? ja : en;
}
