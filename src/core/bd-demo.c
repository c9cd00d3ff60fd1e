/* bd-demo.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-demo"

#include "config.h"

#include "bd-demo.h"

#include <math.h>
#include <string.h>

#include "bd-catalog.h"

/* The demo day: a typhoon's rain and a moderate earthquake over 48 hours,
 * so flooded roads, houses and cut utilities dominate. The data is made up:
 * the place names are real neighbourhoods of each ward, nothing else is. */

#define DEMO_HOURS 48
#define DEMO_CHUNK 10000

typedef struct
{
  const char *ward;            /* 6-digit code */
  const char *places[4];
  double      weight;          /* low-lying wards report more */
} WardPlaces;

static const WardPlaces ward_places[] = {
  { "271021", { "京橋", "都島本通", "毛馬町", "東野田町" }, 1.0 },
  { "271039", { "福島", "野田", "海老江", "鷺洲" }, 1.2 },
  { "271047", { "西九条", "梅香", "四貫島", "舞洲" }, 1.5 },
  { "271063", { "堀江", "九条", "靱本町", "江戸堀" }, 1.2 },
  { "271071", { "弁天町", "市岡", "築港", "天保山" }, 1.6 },
  { "271080", { "泉尾", "千島", "鶴町", "三軒家" }, 1.6 },
  { "271098", { "上本町", "玉造", "四天王寺", "生玉町" }, 0.7 },
  { "271110", { "難波中", "日本橋", "恵美須", "桜川" }, 1.0 },
  { "271136", { "御幣島", "姫島", "佃", "大和田" }, 1.6 },
  { "271144", { "上新庄", "淡路", "井高野", "豊里" }, 1.1 },
  { "271152", { "今里", "深江", "中本", "大今里" }, 0.9 },
  { "271161", { "鶴橋", "桃谷", "巽", "林寺" }, 1.0 },
  { "271179", { "千林", "森小路", "太子橋", "赤川" }, 1.0 },
  { "271187", { "蒲生", "関目", "鴫野", "今福" }, 1.1 },
  { "271195", { "阿倍野筋", "昭和町", "文の里", "帝塚山" }, 0.7 },
  { "271209", { "長居", "我孫子", "住吉", "遠里小野" }, 0.9 },
  { "271217", { "駒川", "田辺", "矢田", "今川" }, 1.0 },
  { "271225", { "岸里", "玉出", "天下茶屋", "津守" }, 1.1 },
  { "271233", { "十三", "西中島", "塚本", "加島" }, 1.3 },
  { "271241", { "横堤", "放出東", "今津", "緑" }, 1.2 },
  { "271250", { "北加賀屋", "南港", "粉浜", "新北島" }, 1.5 },
  { "271268", { "喜連", "加美", "長吉", "瓜破" }, 1.1 },
  { "271276", { "梅田", "天神橋", "中之島", "扇町" }, 1.2 },
  { "271284", { "船場", "心斎橋", "谷町", "森ノ宮" }, 1.0 },
};

static const char * const generic_places[] = { "駅前", "市営住宅", "商店街", "公園" };

/* What happened, per category: title phrases ({n} is a count) and the
 * first sentence of the description. */
typedef struct
{
  const char *category;
  double      weight;
  int         severity_bias;   /* added to the drawn severity */
  const char *titles[4];
  const char *details[3];
} CategoryText;

static const CategoryText category_texts[] = {
  { "road", 18, 0,
    { "道路冠水", "路面陥没", "倒木により通行止め", "アンダーパス冠水" },
    { "道路が冠水し、車両の通行が困難。", "路面の陥没を確認。", "倒木が車線をふさいでいる。" } },
  { "residential", 16, 0,
    { "住家 床上浸水 {n}棟", "住家 床下浸水 {n}棟", "住家 一部損壊 {n}棟", "住家 半壊 {n}棟" },
    { "住宅地に浸水被害。", "屋根瓦の落下、外壁の破損あり。", "住民から被害の通報あり。" } },
  { "water", 12, 0,
    { "断水 約{n}戸", "配水管破損 漏水", "濁り水の発生", "断水 約{n}戸" },
    { "配水管の破損により断水が発生。", "給水車の派遣を要請中。", "水道局が復旧作業中。" } },
  { "electricity", 12, 0,
    { "停電 約{n}戸", "電柱倒壊 停電", "電線垂れ下がり", "停電 約{n}戸" },
    { "広い範囲で停電が続いている。", "電力会社に連絡済み。", "信号機も消灯している。" } },
  { "river", 6, 1,
    { "河川 越水のおそれ", "護岸損壊", "水位上昇 氾濫注意", "堤防から漏水" },
    { "河川の水位が上昇している。", "護岸の一部崩落を確認。", "土のうを設置中。" } },
  { "fire", 5, 1,
    { "建物火災", "火災発生 延焼のおそれ", "車両火災", "ぼや" },
    { "消防隊が消火活動中。", "付近住民を避難誘導。", "鎮火を確認。" } },
  { "block_wall", 5, 0,
    { "ブロック塀倒壊", "ブロック塀 傾き", "擁壁にひび割れ", "ブロック塀倒壊" },
    { "通学路沿いのブロック塀が倒壊。", "歩行者の通行に危険あり。", "立入禁止の措置をとった。" } },
  { "non_residential", 5, 0,
    { "倉庫 浸水", "店舗 一部損壊", "公共施設 雨漏り", "工場 浸水" },
    { "建物内に浸水。", "外壁や窓ガラスが破損。", "利用者は避難済み。" } },
  { "human", 4, 1,
    { "負傷者 {n}名", "転倒による負傷者", "倒壊家屋に閉じ込め", "負傷者 {n}名" },
    { "救急搬送を要請。", "消防が救助活動中。", "負傷者は病院へ搬送済み。" } },
  { "gas", 3, 1,
    { "ガス供給停止 約{n}戸", "ガス漏れ", "ガス臭の通報", "ガス供給停止 約{n}戸" },
    { "ガス会社が安全確認中。", "付近を立入規制。", "供給再開の見込みは未定。" } },
  { "telephone", 3, 0,
    { "電話不通 約{n}回線", "通信障害", "固定電話不通", "電話不通 約{n}回線" },
    { "通信事業者に確認中。", "携帯電話はつながる。", "復旧作業中。" } },
  { "other", 3, 0,
    { "街路樹倒木", "看板落下", "マンホール浮上", "避難所 雨漏り" },
    { "現地で状況を確認中。", "通行人にけがはない。", "撤去作業を手配済み。" } },
  { "bridge", 2, 1,
    { "橋りょう 損傷", "橋脚洗掘のおそれ", "歩道橋 損傷", "橋りょう 通行止め" },
    { "橋の点検を実施中。", "通行止めの措置をとった。", "損傷の程度を調査中。" } },
  { "railway", 2, 0,
    { "鉄道 運転見合わせ", "線路冠水", "踏切故障", "鉄道 運転見合わせ" },
    { "鉄道会社からの情報。", "振替輸送を実施中。", "再開の見込みは未定。" } },
  { "slope_failure", 1, 1,
    { "崖くずれ", "法面崩落", "土砂流出", "崖くずれ" },
    { "斜面の一部が崩落。", "付近住民に避難を呼びかけ。", "二次災害に注意。" } },
  { "school", 1, 0,
    { "校舎 浸水", "体育館 天井材落下", "校庭 冠水", "校舎 窓ガラス破損" },
    { "学校は臨時休校。", "児童・生徒にけがはない。", "教育委員会に報告済み。" } },
  { "hospital", 1, 1,
    { "病院 非常用電源で運用", "病院 浸水", "診療所 停電", "病院 一部損壊" },
    { "入院患者への影響を確認中。", "医療機能は維持している。", "保健所に報告済み。" } },
  { "harbor", 1, 0,
    { "岸壁 損傷", "港湾施設 浸水", "係留施設 損傷", "岸壁 液状化" },
    { "港湾局が点検中。", "荷役作業を停止。", "岸壁の一部が沈下。" } },
  { "sediment_control", 1, 0,
    { "砂防施設 損傷", "排水路 土砂堆積", "砂防施設 点検要", "排水路 閉塞" },
    { "土砂が堆積している。", "排水機能が低下。", "撤去作業を手配中。" } },
  { "waste_facility", 1, 0,
    { "清掃工場 浸水", "ごみ収集 停止", "清掃施設 停電", "清掃工場 一部損壊" },
    { "環境局が対応中。", "収集は一時停止。", "再開時期を調整中。" } },
  { "vessel", 1, 0,
    { "船舶 座礁", "係留船舶 損傷", "船舶 流出", "小型船 転覆" },
    { "海上保安部に連絡済み。", "乗員は無事。", "油の流出はない。" } },
  { "farmland", 1, 0,
    { "農地 冠水", "田 冠水", "畑 土砂流入", "農地 冠水" },
    { "市民農園が冠水。", "排水作業を実施中。", "被害面積を調査中。" } },
};

static const char * const closing_sentences[] = {
  "現地確認中。",
  "引き続き状況を確認する。",
  "応急対応を実施中。",
  "関係機関に連絡済み。",
  "区役所職員が現地に向かっている。",
  "住民からの通報による。",
};

/* after the ward's name: 北区役所 防災担当 */
static const char * const reporter_roles[] = {
  "役所 防災担当",
  "役所 地域支援課",
  "役所 総務課",
};

typedef struct
{
  const char *code;
  double      weight;
} Weighted;

typedef struct
{
  GRand        *rand;
  guint32       seed;
  guint         index;
  const BdWard *wards;
  guint         n_wards;
  double        ward_total;
  double        category_total;
  GDateTime    *start;
} Generator;

static double
rand_gauss (GRand *rand)
{
  /* Box–Muller; u1 is never 0 */
  double u1 = 1.0 - g_rand_double (rand);
  double u2 = g_rand_double (rand);

  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

static guint
pick_weighted (GRand        *rand,
               const double *weights,
               guint         n,
               double        total)
{
  double r = g_rand_double (rand) * total;
  guint i;

  for (i = 0; i < n; i++)
    {
      if (r < weights[i])
        return i;
      r -= weights[i];
    }

  return n - 1;
}

/* A count between @lo and @hi, small values much more likely. */
static int
rand_skewed (GRand *rand,
             int    lo,
             int    hi)
{
  double u = g_rand_double (rand);

  return lo + (int) floor ((hi - lo + 1) * u * u * u);
}

static char *
make_id (guint32 seed,
         guint   index)
{
  g_autofree char *key = g_strdup_printf ("bosai-desk-demo:%u:%u", seed, index);
  g_autofree char *hex = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
  static const char variant[] = "89ab";

  hex[12] = '4';
  hex[16] = variant[g_ascii_xdigit_value (hex[16]) & 3];

  return g_strdup_printf ("%.8s-%.4s-%.4s-%.4s-%.12s",
                          hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

static const WardPlaces *
lookup_places (const char *code)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (ward_places); i++)
    if (g_strcmp0 (ward_places[i].ward, code) == 0)
      return &ward_places[i];

  return NULL;
}

static void
generator_init (Generator *gen,
                guint32    seed)
{
  g_autoptr(GTimeZone) jst = g_time_zone_new_identifier ("+09:00");
  guint i;

  memset (gen, 0, sizeof *gen);
  gen->rand = g_rand_new_with_seed (seed);
  gen->seed = seed;
  gen->wards = bd_catalog_get_wards (&gen->n_wards);
  gen->start = g_date_time_new (jst, 2026, 9, 1, 6, 0, 0);

  for (i = 0; i < gen->n_wards; i++)
    {
      const WardPlaces *places = lookup_places (gen->wards[i].code);

      gen->ward_total += places != NULL ? places->weight : 1.0;
    }
  for (i = 0; i < G_N_ELEMENTS (category_texts); i++)
    gen->category_total += category_texts[i].weight;
}

static void
generator_clear (Generator *gen)
{
  g_clear_pointer (&gen->rand, g_rand_free);
  g_clear_pointer (&gen->start, g_date_time_unref);
}

static const BdWard *
pick_ward (Generator *gen)
{
  double r = g_rand_double (gen->rand) * gen->ward_total;
  guint i;

  for (i = 0; i < gen->n_wards; i++)
    {
      const WardPlaces *places = lookup_places (gen->wards[i].code);
      double w = places != NULL ? places->weight : 1.0;

      if (r < w)
        return &gen->wards[i];
      r -= w;
    }

  return &gen->wards[gen->n_wards - 1];
}

static const CategoryText *
pick_category (Generator *gen)
{
  double weights[G_N_ELEMENTS (category_texts)];
  guint i;

  for (i = 0; i < G_N_ELEMENTS (category_texts); i++)
    weights[i] = category_texts[i].weight;

  return &category_texts[pick_weighted (gen->rand, weights, G_N_ELEMENTS (weights),
                                        gen->category_total)];
}

/* Fills the counts of @report's category; returns the main count, used in
 * the title. */
static int
fill_counts (Generator  *gen,
             BdReport   *report,
             const char *category,
             guint       title_index)
{
  GRand *rand = gen->rand;
  int n = 0;

  if (g_str_equal (category, "human"))
    {
      n = rand_skewed (rand, 1, 6);
      bd_report_set_count (report, "slightly_injured", n);
      if (g_rand_double (rand) < 0.25)
        bd_report_set_count (report, "seriously_injured", rand_skewed (rand, 1, 3));
      if (g_rand_double (rand) < 0.03)
        bd_report_set_count (report, "missing", 1);
      if (g_rand_double (rand) < 0.02)
        bd_report_set_count (report, "dead", 1);
    }
  else if (g_str_equal (category, "residential"))
    {
      static const char * const kinds[] = {
        "inundation_above_floor", "inundation_under_floor",
        "partial_damage", "half_collapse",
      };
      const char *kind = kinds[title_index % G_N_ELEMENTS (kinds)];
      g_autofree char *houses = g_strconcat (kind, "_houses", NULL);
      g_autofree char *households = g_strconcat (kind, "_households", NULL);
      g_autofree char *people = g_strconcat (kind, "_people", NULL);
      int n_households;
      int n_people;

      n = rand_skewed (rand, 1, 25);
      n_households = n + rand_skewed (rand, 0, n);
      n_people = n_households * 2 + g_rand_int_range (rand, 0, n_households + 1);
      bd_report_set_count (report, houses, n);
      bd_report_set_count (report, households, n_households);
      bd_report_set_count (report, people, n_people);
      if (g_rand_double (rand) < 0.5)
        {
          bd_report_set_affected_households (report, n_households);
          bd_report_set_affected_people (report, n_people);
        }
    }
  else if (g_str_equal (category, "non_residential"))
    {
      n = rand_skewed (rand, 1, 4);
      bd_report_set_count (report, title_index == 2 ? "public_buildings" : "other_buildings", n);
    }
  else if (g_str_equal (category, "fire"))
    {
      n = 1;
      bd_report_set_count (report, title_index == 2 ? "other_fires" : "building_fires", n);
      if (g_rand_double (rand) < 0.05)
        bd_report_set_count (report, "hazmat_fires", 1);
    }
  else if (g_str_equal (category, "water") || g_str_equal (category, "electricity") ||
           g_str_equal (category, "gas"))
    {
      n = 10 * rand_skewed (rand, 1, 300);
      bd_report_set_count (report, "households", n);
    }
  else if (g_str_equal (category, "telephone"))
    {
      n = 10 * rand_skewed (rand, 1, 150);
      bd_report_set_count (report, "lines", n);
    }
  else if (g_str_equal (category, "vessel"))
    {
      n = rand_skewed (rand, 1, 3);
      bd_report_set_count (report, "vessels", n);
    }
  else if (g_str_equal (category, "farmland"))
    {
      double ha = (1 + rand_skewed (rand, 0, 40)) / 10.0;

      bd_report_set_count (report, title_index == 2 ? "field_washed_out_ha" : "paddy_submerged_ha", ha);
    }
  else if (!g_str_equal (category, "other"))
    {
      n = rand_skewed (rand, 1, 3);
      bd_report_set_count (report, "sites", n);
    }

  return n;
}

static char *
expand (const char *pattern,
        int         n)
{
  g_autofree char *number = g_strdup_printf ("%d", n);
  g_auto(GStrv) parts = g_strsplit (pattern, "{n}", -1);

  return g_strjoinv (number, parts);
}

static BdReport *
generate_one (Generator *gen)
{
  static const double severity_weights[] = { 45, 33, 16, 6 };
  static const char * const statuses[] = {
    "new", "confirmed", "in_progress", "resolved", "duplicate", "false_report",
  };
  static const double status_weights[] = { 33, 30, 23, 10, 2, 2 };
  GRand *rand = gen->rand;
  g_autoptr(BdReport) report = bd_report_new ();
  g_autoptr(GDateTime) observed = NULL;
  g_autoptr(GDateTime) created = NULL;
  g_autoptr(GDateTime) updated = NULL;
  g_autofree char *id = make_id (gen->seed, gen->index);
  g_autofree char *phrase = NULL;
  g_autofree char *title = NULL;
  g_autofree char *description = NULL;
  g_autofree char *reporter = NULL;
  const BdWard *ward;
  const WardPlaces *places;
  const CategoryText *text;
  const char *place;
  const char *status;
  guint title_index;
  double lat, lon, hours;
  int severity, n;

  ward = pick_ward (gen);
  places = lookup_places (ward->code);
  place = places != NULL ? places->places[g_rand_int_range (rand, 0, 4)]
                         : generic_places[g_rand_int_range (rand, 0, 4)];
  text = pick_category (gen);
  title_index = g_rand_int_range (rand, 0, 4);

  /* about 1 km around the ward's centre, inside the city */
  lat = ward->latitude + 0.006 * rand_gauss (rand);
  lon = ward->longitude + 0.0075 * rand_gauss (rand);
  lat = CLAMP (lat, BD_CITY_MIN_LAT + 0.001, BD_CITY_MAX_LAT - 0.001);
  lon = CLAMP (lon, BD_CITY_MIN_LON + 0.001, BD_CITY_MAX_LON - 0.001);

  severity = 1 + pick_weighted (rand, severity_weights, 4, 100) + text->severity_bias;
  severity = CLAMP (severity, 1, 4);

  status = statuses[pick_weighted (rand, status_weights, G_N_ELEMENTS (statuses), 100)];
  if (g_str_equal (status, "duplicate") && gen->index == 0)
    status = "confirmed";

  bd_report_set_id (report, id);
  bd_report_set_location (report, lat, lon);
  bd_report_set_ward (report, ward->code);
  bd_report_set_category (report, text->category);
  bd_report_set_severity (report, severity);
  bd_report_set_status (report, status);
  if (g_str_equal (status, "duplicate"))
    {
      g_autofree char *original = make_id (gen->seed, g_rand_int_range (rand, 0, gen->index));

      bd_report_set_duplicate_of (report, original);
    }

  n = fill_counts (gen, report, text->category, title_index);

  phrase = expand (text->titles[title_index], n);
  title = g_strdup_printf ("%s %s付近 %s", ward->name_ja, place, phrase);
  description = g_strdup_printf ("%s%s付近で%s。%s%s",
                                 ward->name_ja, place, phrase,
                                 text->details[g_rand_int_range (rand, 0, 3)],
                                 closing_sentences[g_rand_int_range (rand, 0, G_N_ELEMENTS (closing_sentences))]);
  if (g_rand_double (rand) < 0.15)
    reporter = g_strdup_printf ("%s消防署", ward->name_ja);
  else
    reporter = g_strdup_printf ("%s%s", ward->name_ja,
                                reporter_roles[g_rand_int_range (rand, 0, G_N_ELEMENTS (reporter_roles))]);
  bd_report_set_title (report, title);
  bd_report_set_description (report, description);
  bd_report_set_reporter (report, reporter);

  /* more reports early on: the square of a uniform number */
  hours = g_rand_double (rand);
  hours = hours * hours * DEMO_HOURS;
  observed = g_date_time_add_seconds (gen->start, floor (hours * 3600.0));
  created = g_date_time_add_seconds (observed, g_rand_int_range (rand, 120, 3600));
  if (g_str_equal (status, "new"))
    updated = g_date_time_ref (created);
  else
    updated = g_date_time_add_seconds (created, g_rand_int_range (rand, 300, 6 * 3600));
  bd_report_set_observed_at (report, observed);
  bd_report_set_created_at (report, created);
  bd_report_set_updated_at (report, updated);

  gen->index++;

  return g_steal_pointer (&report);
}

GPtrArray *
bd_demo_generate (guint   n,
                  guint32 seed)
{
  g_autoptr(GPtrArray) reports = g_ptr_array_new_full (n, g_object_unref);
  Generator gen;
  guint i;

  generator_init (&gen, seed);
  for (i = 0; i < n; i++)
    g_ptr_array_add (reports, generate_one (&gen));
  generator_clear (&gen);

  return g_steal_pointer (&reports);
}

gboolean
bd_demo_fill_store (BdStore   *store,
                    guint      n,
                    guint32    seed,
                    GError   **error)
{
  Generator gen;
  guint done = 0;
  gboolean ret = TRUE;

  g_return_val_if_fail (BD_IS_STORE (store), FALSE);

  generator_init (&gen, seed);
  while (done < n && ret)
    {
      g_autoptr(GPtrArray) chunk = NULL;
      guint size = MIN (DEMO_CHUNK, n - done);
      guint i;

      chunk = g_ptr_array_new_full (size, g_object_unref);
      for (i = 0; i < size; i++)
        g_ptr_array_add (chunk, generate_one (&gen));
      ret = bd_store_insert_batch (store, chunk, FALSE, NULL, error);
      done += size;
    }
  generator_clear (&gen);

  return ret;
}
