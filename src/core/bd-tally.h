/* bd-tally.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "bd-store.h"

G_BEGIN_DECLS

/* The damage tally of the national damage status report (第4号様式 その2,
 * DOMAIN.md B.1): the form's items summed over the reports per ward and for
 * the city, as of a chosen time, and the numbered editions (第○報,
 * ○月○日○時現在) the headquarters issues, each kept as it was issued.
 *
 * What counts as of T (bd_tally_compute ()): each report's version valid
 * at T (the store's report_versions: a later edit or delete does not
 * change an earlier tally), when that version is not deleted, was observed
 * by T (observed_at, or when it was entered if it has none), and its status
 * then is neither duplicate (重複: the report it duplicates already counts)
 * nor false_report (誤報: nothing happened). new (未確認) reports count: the
 * form allows unconfirmed figures, and a first report goes out within 30
 * minutes with whatever is known. The city's column is every such report,
 * including city-wide ones (ward 271004) that belong to no ward. */

typedef struct
{
  const char *code;        /* stable: "human.dead", "residential.complete_collapse_houses" */
  const char *group;       /* untranslated msgid, context "tally group" */
  const char *name;        /* untranslated msgid, context "tally" */
  const char *unit;        /* untranslated msgid, context "tally unit" */
  const char *category;    /* the report category that feeds it; NULL: every category */
  const char *key;         /* its count field (or affected_households / affected_people) */
  gboolean    is_decimal;  /* hectares */
} BdTallyItem;

/* The form's items in the form's order. */
const BdTallyItem *bd_tally_get_items       (guint             *n_items);
/* Translated labels of an item: "人的被害", "死者", "人". */
const char        *bd_tally_item_group      (const BdTallyItem *item);
const char        *bd_tally_item_name       (const BdTallyItem *item);
const char        *bd_tally_item_unit       (const BdTallyItem *item);
/* "人的被害・死者": the group and the item, as the CSV names it. */
char              *bd_tally_item_full_name  (const BdTallyItem *item);

/* One tally: a value per column and item. Columns are the 24 wards in the
 * city's order (bd_catalog_get_wards ()), then the city. */
typedef struct _BdTally BdTally;

void         bd_tally_free           (BdTally      *tally);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdTally, bd_tally_free)

/* The tally as of @as_of, computed by SQL over the store. */
BdTally     *bd_tally_compute        (BdStore      *store,
                                      GDateTime    *as_of,
                                      GError      **error);
guint        bd_tally_get_n_columns  (BdTally      *tally);
/* The ward code of column @column (the city's for the last). */
const char  *bd_tally_get_column_code (BdTally     *tally,
                                       guint        column);
/* The ward's (or city's) name in the UI language. */
const char  *bd_tally_get_column_name (BdTally     *tally,
                                       guint        column);
double       bd_tally_get_value      (BdTally      *tally,
                                      guint         column,
                                      guint         item);
/* The value by ward code and item code; 0 for an unknown one. */
double       bd_tally_lookup         (BdTally      *tally,
                                      const char   *ward_code,
                                      const char   *item_code);
GDateTime   *bd_tally_get_as_of      (BdTally      *tally);
/* 0 when not an edition */
gint64       bd_tally_get_edition    (BdTally      *tally);
/* When the edition was issued (RFC 3339), or NULL. */
const char  *bd_tally_get_issued_at  (BdTally      *tally);
/* A value as the form shows it: "12", "3.5" (hectares). */
char        *bd_tally_format_value   (double        value,
                                      gboolean      is_decimal);
/* "12月6日14時現在", "12月6日14時30分現在" (translated), in local time. */
char        *bd_tally_format_time    (GDateTime    *as_of);
/* "第3報　12月6日14時現在" (translated); "12月6日14時現在" when not an
 * edition. */
char        *bd_tally_dup_title      (BdTally      *tally);

/* Editions */
typedef struct
{
  gint64  number;
  char   *as_of;               /* RFC 3339 */
  char   *issued_at;           /* RFC 3339 */
  char   *issued_by;           /* may be NULL */
} BdTallyEdition;

void         bd_tally_edition_free   (BdTallyEdition *edition);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdTallyEdition, bd_tally_edition_free)

/* Computes the tally as of @as_of and stores it as the next edition (one
 * more than the last issued), in one transaction; returns it. */
BdTally     *bd_tally_issue_edition  (BdStore      *store,
                                      GDateTime    *as_of,
                                      const char   *actor,
                                      GError      **error);
/* The issued editions, oldest first (BdTallyEdition*s). */
GPtrArray   *bd_tally_list_editions  (BdStore      *store,
                                      GError      **error);
/* An issued edition's numbers as they were issued;
 * BD_STORE_ERROR_NOT_FOUND when there is no such edition. */
BdTally     *bd_tally_load_edition   (BdStore      *store,
                                      gint64        number,
                                      GError      **error);

/* CSV in long format (UTF-8, RFC 4180: CRLF line ends, fields quoted when
 * they hold a comma, a quote or a line break), a header row
 * "edition,as_of,ward_code,ward_name,item,unit,value" and a row per column
 * and item, wards in the city's order then the city; names in the UI
 * language; edition is empty when the tally is not an edition. */
char        *bd_tally_to_csv         (BdTally      *tally);
/* Writes the CSV to @path (replacing it whole, or not at all). */
gboolean     bd_tally_write_csv      (BdTally      *tally,
                                      const char   *path,
                                      GError      **error);

G_END_DECLS
