/* bd-catalog.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The fixed codes of DOMAIN.md part A: wards, damage categories with their
 * count fields, severities and statuses. Loaded once from the core GResource
 * (resources/data/wards.json, resources/data/categories.json); the tables
 * live for the life of the process. Labels are picked for the current locale
 * by bd_catalog_label(). */

typedef struct
{
  const char *code;        /* 6-digit local government code, "271021" */
  const char *name_ja;     /* 都島区 */
  const char *reading;     /* みやこじまく */
  const char *name_en;     /* Miyakojima */
  double      latitude;    /* approximate centre */
  double      longitude;
  const char *code5;       /* 5-digit code without the check digit, "27102" */
} BdWard;

typedef struct
{
  const char *key;         /* "dead", "complete_collapse_houses" */
  const char *label_ja;
  const char *label_en;
  const char *unit_ja;     /* 人, 棟, 世帯, 箇所, ha */
  const char *unit_en;
  gboolean    is_decimal;  /* hectares: a non-negative number, otherwise an integer */
  double      max;         /* the largest credible value: more is "absurd" */
} BdCountField;

typedef struct
{
  const char         *code;       /* "human", "residential", … */
  const char         *name_ja;
  const char         *name_en;
  const char         *color;      /* "#rrggbb", used by the map layer and list rows */
  guint               n_counts;
  const BdCountField *counts;
} BdCategory;

typedef struct
{
  const char *code;        /* "new", "confirmed", … */
  const char *name_ja;
  const char *name_en;
} BdStatus;

typedef struct
{
  int         level;       /* 1..4 */
  const char *name_ja;
  const char *name_en;
} BdSeverity;

#define BD_CITY_CODE "271004"

/* The city's bounding box: a report outside it is refused. */
#define BD_CITY_MIN_LAT 34.55
#define BD_CITY_MAX_LAT 34.80
#define BD_CITY_MIN_LON 135.33
#define BD_CITY_MAX_LON 135.63
#define BD_CITY_CENTER_LAT 34.6863
#define BD_CITY_CENTER_LON 135.5200

/* The 24 wards in the city's own order (北区, 都島区, 福島区, 此花区, 中央区,
 * …, 西成区: the order of wards.json, not code order), so that every list
 * built from it follows; the city is not among them. */
const BdWard       *bd_catalog_get_wards          (guint       *n_wards);
/* Osaka City itself (BD_CITY_CODE), for city-wide items and HQ. */
const BdWard       *bd_catalog_get_city           (void);
/* One of the 24 wards, or the city for BD_CITY_CODE; NULL when unknown. */
const BdWard       *bd_catalog_lookup_ward        (const char  *code);
/* The ward whose centre is nearest; NULL for a non-finite position. */
const BdWard       *bd_catalog_nearest_ward       (double       latitude,
                                                   double       longitude);
const BdCategory   *bd_catalog_get_categories     (guint       *n_categories);
const BdCategory   *bd_catalog_lookup_category    (const char  *code);
int                 bd_catalog_category_index     (const char  *code);
const BdCountField *bd_category_lookup_count      (const BdCategory *category,
                                                   const char       *key);
const BdCountField *bd_catalog_get_extra_counts   (guint       *n_fields);
const BdStatus     *bd_catalog_get_statuses       (guint       *n_statuses);
const BdStatus     *bd_catalog_lookup_status      (const char  *code);
const BdSeverity   *bd_catalog_get_severities     (guint       *n_severities);
const BdSeverity   *bd_catalog_lookup_severity    (int          level);
gboolean            bd_catalog_point_in_city      (double       latitude,
                                                   double       longitude);

/* TRUE when the user's UI language is Japanese (from g_get_language_names). */
gboolean            bd_catalog_locale_is_japanese (void);
/* Returns @ja when the UI language is Japanese, otherwise @en. */
const char         *bd_catalog_label              (const char  *ja,
                                                   const char  *en);

G_END_DECLS
