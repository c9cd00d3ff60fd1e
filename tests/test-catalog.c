/* test-catalog.c
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

/* DOMAIN.md B.5, in the city's own order (北区 and 中央区, the wards made by
 * the 1989 mergers, have the last codes but come first and fifth). */
static const struct
{
  const char *code5;
  const char *code;
  const char *name_ja;
  const char *reading;
  const char *name_en;
  double      lat;
  double      lon;
} expected_wards[] = {
  { "27127", "271276", "北区", "きたく", "Kita", 34.704, 135.504 },
  { "27102", "271021", "都島区", "みやこじまく", "Miyakojima", 34.710, 135.529 },
  { "27103", "271039", "福島区", "ふくしまく", "Fukushima", 34.694, 135.477 },
  { "27104", "271047", "此花区", "このはなく", "Konohana", 34.678, 135.442 },
  { "27128", "271284", "中央区", "ちゅうおうく", "Chuo", 34.681, 135.510 },
  { "27106", "271063", "西区", "にしく", "Nishi", 34.679, 135.484 },
  { "27107", "271071", "港区", "みなとく", "Minato", 34.662, 135.453 },
  { "27108", "271080", "大正区", "たいしょうく", "Taisho", 34.648, 135.470 },
  { "27109", "271098", "天王寺区", "てんのうじく", "Tennoji", 34.661, 135.521 },
  { "27111", "271110", "浪速区", "なにわく", "Naniwa", 34.660, 135.496 },
  { "27113", "271136", "西淀川区", "にしよどがわく", "Nishiyodogawa", 34.709, 135.449 },
  { "27123", "271233", "淀川区", "よどがわく", "Yodogawa", 34.729, 135.483 },
  { "27114", "271144", "東淀川区", "ひがしよどがわく", "Higashiyodogawa", 34.745, 135.531 },
  { "27115", "271152", "東成区", "ひがしなりく", "Higashinari", 34.673, 135.547 },
  { "27116", "271161", "生野区", "いくのく", "Ikuno", 34.653, 135.543 },
  { "27117", "271179", "旭区", "あさひく", "Asahi", 34.724, 135.548 },
  { "27118", "271187", "城東区", "じょうとうく", "Joto", 34.696, 135.549 },
  { "27124", "271241", "鶴見区", "つるみく", "Tsurumi", 34.703, 135.577 },
  { "27119", "271195", "阿倍野区", "あべのく", "Abeno", 34.634, 135.514 },
  { "27125", "271250", "住之江区", "すみのえく", "Suminoe", 34.615, 135.463 },
  { "27120", "271209", "住吉区", "すみよしく", "Sumiyoshi", 34.607, 135.504 },
  { "27121", "271217", "東住吉区", "ひがしすみよしく", "Higashisumiyoshi", 34.621, 135.533 },
  { "27126", "271268", "平野区", "ひらのく", "Hirano", 34.617, 135.559 },
  { "27122", "271225", "西成区", "にしなりく", "Nishinari", 34.641, 135.493 },
};

/* The mod-11 check digit of a 5-digit local government code. */
static char
check_digit (const char *code5)
{
  static const int weights[] = { 6, 5, 4, 3, 2 };
  int sum = 0;

  for (guint i = 0; i < 5; i++)
    sum += (code5[i] - '0') * weights[i];

  return (char) ('0' + (11 - sum % 11) % 10);
}

static void
test_check_digit_rule (void)
{
  /* The two examples DOMAIN.md gives. */
  g_assert_cmpint (check_digit ("27127"), ==, '6');
  g_assert_cmpint (check_digit ("27100"), ==, '4');
}

static void
test_wards (void)
{
  const BdWard *wards;
  guint n_wards = 0;

  wards = bd_catalog_get_wards (&n_wards);
  g_assert_nonnull (wards);
  g_assert_cmpuint (n_wards, ==, 24);
  g_assert_cmpuint (n_wards, ==, G_N_ELEMENTS (expected_wards));

  for (guint i = 0; i < n_wards; i++)
    {
      const BdWard *ward = &wards[i];

      g_assert_cmpstr (ward->code, ==, expected_wards[i].code);
      g_assert_cmpstr (ward->code5, ==, expected_wards[i].code5);
      g_assert_cmpstr (ward->name_ja, ==, expected_wards[i].name_ja);
      g_assert_cmpstr (ward->reading, ==, expected_wards[i].reading);
      g_assert_cmpstr (ward->name_en, ==, expected_wards[i].name_en);
      g_assert_cmpfloat_with_epsilon (ward->latitude, expected_wards[i].lat, 1e-9);
      g_assert_cmpfloat_with_epsilon (ward->longitude, expected_wards[i].lon, 1e-9);

      /* 6-digit code = 5-digit code + check digit */
      g_assert_cmpuint (strlen (ward->code), ==, 6);
      g_assert_true (strncmp (ward->code, ward->code5, 5) == 0);
      g_assert_cmpint (ward->code[5], ==, check_digit (ward->code5));

      g_assert_true (bd_catalog_point_in_city (ward->latitude, ward->longitude));
      g_assert_true (strcmp (ward->code, BD_CITY_CODE) != 0);
    }
}

static void
test_ward_order (void)
{
  /* The city's own order (issue 11, item 7), as ward offices list them: not
   * code order, where 北区 and 中央区 (codes 27127, 27128 since 1989) come
   * last. Every drop-down built from bd_catalog_get_wards () follows it. */
  static const char * const city_order[] = {
    "北区", "都島区", "福島区", "此花区", "中央区", "西区", "港区", "大正区",
    "天王寺区", "浪速区", "西淀川区", "淀川区", "東淀川区", "東成区", "生野区",
    "旭区", "城東区", "鶴見区", "阿倍野区", "住之江区", "住吉区", "東住吉区",
    "平野区", "西成区",
  };
  const BdWard *wards;
  guint n_wards = 0;

  wards = bd_catalog_get_wards (&n_wards);
  g_assert_cmpuint (n_wards, ==, G_N_ELEMENTS (city_order));
  for (guint i = 0; i < n_wards; i++)
    g_assert_cmpstr (wards[i].name_ja, ==, city_order[i]);

  /* Lookups by code do not depend on the order. */
  g_assert_true (bd_catalog_lookup_ward ("271276") == &wards[0]);
  g_assert_true (bd_catalog_lookup_ward ("271284") == &wards[4]);
  g_assert_true (bd_catalog_lookup_ward ("271225") == &wards[23]);
}

static void
test_city (void)
{
  const BdWard *city = bd_catalog_get_city ();
  guint n_wards;
  const BdWard *wards = bd_catalog_get_wards (&n_wards);

  g_assert_nonnull (city);
  g_assert_cmpstr (city->code, ==, BD_CITY_CODE);
  g_assert_cmpstr (city->code5, ==, "27100");
  g_assert_cmpint (city->code[5], ==, check_digit (city->code5));
  g_assert_cmpstr (city->name_ja, ==, "大阪市");
  g_assert_cmpstr (city->reading, ==, "おおさかし");
  g_assert_cmpstr (city->name_en, ==, "Osaka City");
  g_assert_true (bd_catalog_lookup_ward (BD_CITY_CODE) == city);

  /* not one of the 24 */
  for (guint i = 0; i < n_wards; i++)
    g_assert_true (&wards[i] != city);
}

static void
test_lookup_ward (void)
{
  const BdWard *ward;

  ward = bd_catalog_lookup_ward ("271276");
  g_assert_nonnull (ward);
  g_assert_cmpstr (ward->name_ja, ==, "北区");
  g_assert_cmpstr (ward->name_en, ==, "Kita");

  ward = bd_catalog_lookup_ward ("271284");
  g_assert_nonnull (ward);
  g_assert_cmpstr (ward->name_ja, ==, "中央区");

  g_assert_null (bd_catalog_lookup_ward ("27127"));
  g_assert_null (bd_catalog_lookup_ward ("271275"));
  g_assert_null (bd_catalog_lookup_ward ("271012"));
  g_assert_null (bd_catalog_lookup_ward (""));
  g_assert_null (bd_catalog_lookup_ward (NULL));
}

static void
test_nearest_ward (void)
{
  const BdWard *wards;
  guint n_wards;

  wards = bd_catalog_get_wards (&n_wards);
  for (guint i = 0; i < n_wards; i++)
    {
      const BdWard *nearest = bd_catalog_nearest_ward (wards[i].latitude, wards[i].longitude);

      g_assert_true (nearest == &wards[i]);
      /* a few metres off still finds the same ward */
      nearest = bd_catalog_nearest_ward (wards[i].latitude + 0.0005,
                                         wards[i].longitude - 0.0005);
      g_assert_true (nearest == &wards[i]);
    }

  /* Osaka Castle is in Chuo ward; Osaka Station in Kita ward. */
  g_assert_cmpstr (bd_catalog_nearest_ward (34.6873, 135.5262)->code, ==, "271284");
  g_assert_cmpstr (bd_catalog_nearest_ward (34.7025, 135.4959)->code, ==, "271276");

  g_assert_null (bd_catalog_nearest_ward (NAN, 135.5));
  g_assert_null (bd_catalog_nearest_ward (34.6, INFINITY));
}

static void
test_point_in_city (void)
{
  g_assert_true (bd_catalog_point_in_city (BD_CITY_CENTER_LAT, BD_CITY_CENTER_LON));
  g_assert_false (bd_catalog_point_in_city (35.68, 139.76)); /* Tokyo */
  g_assert_false (bd_catalog_point_in_city (34.69, 135.19)); /* Kobe */
  g_assert_false (bd_catalog_point_in_city (NAN, 135.5));
  g_assert_false (bd_catalog_point_in_city (34.69, NAN));
}

static void
assert_count_keys (const char         *code,
                   const char * const *keys)
{
  const BdCategory *category = bd_catalog_lookup_category (code);
  guint n = g_strv_length ((char **) keys);

  g_assert_nonnull (category);
  g_assert_cmpuint (category->n_counts, ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpstr (category->counts[i].key, ==, keys[i]);
      g_assert_true (bd_category_lookup_count (category, keys[i]) == &category->counts[i]);
    }
}

static void
test_categories (void)
{
  static const char * const codes[] = {
    "human", "residential", "non_residential", "fire", "road", "bridge", "river",
    "harbor", "sediment_control", "slope_failure", "school", "hospital",
    "waste_facility", "block_wall", "railway", "vessel", "water", "electricity",
    "gas", "telephone", "farmland", "other",
  };
  static const char * const human[] = {
    "dead", "missing", "seriously_injured", "slightly_injured", NULL
  };
  static const char * const residential[] = {
    "complete_collapse_houses", "complete_collapse_households", "complete_collapse_people",
    "half_collapse_houses", "half_collapse_households", "half_collapse_people",
    "partial_damage_houses", "partial_damage_households", "partial_damage_people",
    "inundation_above_floor_houses", "inundation_above_floor_households",
    "inundation_above_floor_people",
    "inundation_under_floor_houses", "inundation_under_floor_households",
    "inundation_under_floor_people",
    NULL
  };
  static const char * const farmland[] = {
    "paddy_washed_out_ha", "paddy_submerged_ha", "field_washed_out_ha",
    "field_submerged_ha", NULL
  };
  static const char * const non_residential[] = { "public_buildings", "other_buildings", NULL };
  static const char * const fire[] = { "building_fires", "hazmat_fires", "other_fires", NULL };
  static const char * const sites[] = { "sites", NULL };
  static const char * const vessel[] = { "vessels", NULL };
  static const char * const households[] = { "households", NULL };
  static const char * const telephone[] = { "lines", NULL };
  static const char * const none[] = { NULL };
  g_autoptr(GHashTable) colors = g_hash_table_new (g_str_hash, g_str_equal);
  const BdCategory *categories;
  const BdCategory *category;
  guint n = 0;

  categories = bd_catalog_get_categories (&n);
  g_assert_cmpuint (n, ==, 22);
  g_assert_cmpuint (G_N_ELEMENTS (codes), ==, 22);

  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpstr (categories[i].code, ==, codes[i]);
      g_assert_cmpint (bd_catalog_category_index (codes[i]), ==, (int) i);
      g_assert_true (bd_catalog_lookup_category (codes[i]) == &categories[i]);
      g_assert_cmpstr (categories[i].name_ja, !=, "");
      g_assert_cmpstr (categories[i].name_en, !=, "");

      /* #rrggbb, lowercase, and distinct */
      g_assert_cmpuint (strlen (categories[i].color), ==, 7);
      g_assert_cmpint (categories[i].color[0], ==, '#');
      for (guint j = 1; j < 7; j++)
        g_assert_true (g_ascii_isxdigit (categories[i].color[j]));
      g_assert_false (g_hash_table_contains (colors, categories[i].color));
      g_hash_table_add (colors, (gpointer) categories[i].color);

      for (guint j = 0; j < categories[i].n_counts; j++)
        {
          const BdCountField *field = &categories[i].counts[j];

          g_assert_cmpstr (field->label_ja, !=, "");
          g_assert_cmpstr (field->label_en, !=, "");
          g_assert_cmpstr (field->unit_ja, !=, "");
          g_assert_cmpstr (field->unit_en, !=, "");
          g_assert_cmpfloat (field->max, >=, 1000);
          g_assert_cmpfloat (field->max, <=, 1e8);
          g_assert_true (field->is_decimal == g_str_has_suffix (field->key, "_ha"));
        }
    }

  category = bd_catalog_lookup_category ("human");
  g_assert_cmpstr (category->name_ja, ==, "人的被害");
  g_assert_cmpstr (category->color, ==, "#d50000");
  g_assert_cmpfloat (bd_category_lookup_count (category, "dead")->max, ==, 100000);
  g_assert_cmpstr (bd_category_lookup_count (category, "dead")->unit_ja, ==, "人");
  g_assert_null (bd_category_lookup_count (category, "sites"));
  g_assert_null (bd_category_lookup_count (category, NULL));
  g_assert_null (bd_category_lookup_count (NULL, "dead"));

  assert_count_keys ("human", human);
  assert_count_keys ("residential", residential);
  assert_count_keys ("farmland", farmland);
  assert_count_keys ("non_residential", non_residential);
  assert_count_keys ("fire", fire);
  assert_count_keys ("other", none);
  assert_count_keys ("vessel", vessel);
  assert_count_keys ("telephone", telephone);
  for (guint i = 0; i < n; i++)
    {
      if (g_strv_contains ((const char * const[]) { "road", "bridge", "river", "harbor",
                                                     "sediment_control", "slope_failure",
                                                     "school", "hospital", "waste_facility",
                                                     "block_wall", "railway", NULL },
                           codes[i]))
        assert_count_keys (codes[i], sites);
      else if (g_strv_contains ((const char * const[]) { "water", "electricity", "gas", NULL },
                                codes[i]))
        assert_count_keys (codes[i], households);
    }

  g_assert_cmpstr (bd_category_lookup_count (bd_catalog_lookup_category ("residential"),
                                             "half_collapse_households")->unit_ja, ==, "世帯");
  g_assert_true (bd_category_lookup_count (bd_catalog_lookup_category ("farmland"),
                                           "paddy_submerged_ha")->is_decimal);
  g_assert_cmpstr (bd_category_lookup_count (bd_catalog_lookup_category ("farmland"),
                                             "paddy_submerged_ha")->unit_en, ==, "ha");

  g_assert_null (bd_catalog_lookup_category ("earthquake"));
  g_assert_null (bd_catalog_lookup_category (NULL));
  g_assert_cmpint (bd_catalog_category_index ("earthquake"), ==, -1);
  g_assert_cmpint (bd_catalog_category_index (NULL), ==, -1);
}

static void
test_extra_counts (void)
{
  const BdCountField *extra;
  guint n = 0;

  extra = bd_catalog_get_extra_counts (&n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpstr (extra[0].key, ==, "affected_households");
  g_assert_cmpstr (extra[0].label_ja, ==, "り災世帯数");
  g_assert_cmpstr (extra[1].key, ==, "affected_people");
  g_assert_cmpstr (extra[1].label_ja, ==, "り災者数");
  g_assert_false (extra[0].is_decimal);
  g_assert_false (extra[1].is_decimal);
}

static void
test_statuses_severities (void)
{
  static const char * const statuses[] = {
    "new", "confirmed", "in_progress", "resolved", "duplicate", "false_report"
  };
  static const char * const severities_ja[] = { "軽微", "中程度", "重大", "緊急" };
  const BdStatus *status;
  const BdSeverity *severity;
  guint n = 0;

  status = bd_catalog_get_statuses (&n);
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (statuses));
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpstr (status[i].code, ==, statuses[i]);
      g_assert_true (bd_catalog_lookup_status (statuses[i]) == &status[i]);
    }
  g_assert_cmpstr (bd_catalog_lookup_status ("new")->name_ja, ==, "未確認");
  g_assert_null (bd_catalog_lookup_status ("closed"));
  g_assert_null (bd_catalog_lookup_status (NULL));

  severity = bd_catalog_get_severities (&n);
  g_assert_cmpuint (n, ==, 4);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpint (severity[i].level, ==, (int) i + 1);
      g_assert_cmpstr (severity[i].name_ja, ==, severities_ja[i]);
      g_assert_true (bd_catalog_lookup_severity ((int) i + 1) == &severity[i]);
    }
  g_assert_null (bd_catalog_lookup_severity (0));
  g_assert_null (bd_catalog_lookup_severity (5));
}

static void
test_label (void)
{
  g_autofree char *saved = g_strdup (g_getenv ("LANGUAGE"));

  g_setenv ("LANGUAGE", "ja_JP.UTF-8", TRUE);
  g_assert_true (bd_catalog_locale_is_japanese ());
  g_assert_cmpstr (bd_catalog_label ("死者", "Dead"), ==, "死者");

  g_setenv ("LANGUAGE", "en_GB.UTF-8", TRUE);
  g_assert_false (bd_catalog_locale_is_japanese ());
  g_assert_cmpstr (bd_catalog_label ("死者", "Dead"), ==, "Dead");

  g_setenv ("LANGUAGE", "ja", TRUE);
  g_assert_true (bd_catalog_locale_is_japanese ());

  if (saved != NULL)
    g_setenv ("LANGUAGE", saved, TRUE);
  else
    g_unsetenv ("LANGUAGE");
}

static gpointer
load_in_thread (gpointer data)
{
  guint n = 0;

  bd_catalog_get_categories (&n);
  return GUINT_TO_POINTER (n);
}

static void
test_threads (void)
{
  GThread *threads[8];

  /* Run in a subprocess so that the catalog is not loaded yet. */
  if (g_test_subprocess ())
    {
      for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
        threads[i] = g_thread_new ("catalog", load_in_thread, NULL);
      for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
        g_assert_cmpuint (GPOINTER_TO_UINT (g_thread_join (threads[i])), ==, 22);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bd/catalog/check-digit-rule", test_check_digit_rule);
  g_test_add_func ("/bd/catalog/threads", test_threads);
  g_test_add_func ("/bd/catalog/wards", test_wards);
  g_test_add_func ("/bd/catalog/ward-order", test_ward_order);
  g_test_add_func ("/bd/catalog/city", test_city);
  g_test_add_func ("/bd/catalog/lookup-ward", test_lookup_ward);
  g_test_add_func ("/bd/catalog/nearest-ward", test_nearest_ward);
  g_test_add_func ("/bd/catalog/point-in-city", test_point_in_city);
  g_test_add_func ("/bd/catalog/categories", test_categories);
  g_test_add_func ("/bd/catalog/extra-counts", test_extra_counts);
  g_test_add_func ("/bd/catalog/statuses-severities", test_statuses_severities);
  g_test_add_func ("/bd/catalog/label", test_label);

  return g_test_run ();
}
