/* bd-tally.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-tally"

#include "config.h"

#include "bd-tally.h"
#include "bd-tally-private.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "bd-catalog.h"
#include "bd-store-private.h"
#include "bd-time.h"

/* A reader of the store's tables (report_versions, tally_editions,
 * tally_edition_values: migration 8) on the store's own connection, so it
 * includes the store's private header. */

#define GROUP_HUMAN       NC_("tally group", "Casualties")
#define GROUP_HOUSING     NC_("tally group", "Housing damage")
#define GROUP_NONRES      NC_("tally group", "Non-residential")
#define GROUP_OTHER       NC_("tally group", "Other damage")
#define GROUP_AFFECTED    NC_("tally group", "Affected")
#define GROUP_FIRE        NC_("tally group", "Fires")

#define UNIT_PEOPLE       NC_("tally unit", "people")
#define UNIT_BUILDINGS    NC_("tally unit", "buildings")
#define UNIT_HOUSEHOLDS   NC_("tally unit", "households")
#define UNIT_SITES        NC_("tally unit", "sites")
#define UNIT_HOMES        NC_("tally unit", "homes")
#define UNIT_LINES        NC_("tally unit", "lines")
#define UNIT_VESSELS      NC_("tally unit", "vessels")
#define UNIT_CASES        NC_("tally unit", "cases")
#define UNIT_HA           NC_("tally unit", "ha")

#define HOUSING(what, name) \
  { "residential." what "_houses", GROUP_HOUSING, name, UNIT_BUILDINGS, \
    "residential", what "_houses", FALSE }, \
  { "residential." what "_households", GROUP_HOUSING, name, UNIT_HOUSEHOLDS, \
    "residential", what "_households", FALSE }, \
  { "residential." what "_people", GROUP_HOUSING, name, UNIT_PEOPLE, \
    "residential", what "_people", FALSE }

#define SITES(category, name) \
  { category ".sites", GROUP_OTHER, name, UNIT_SITES, category, "sites", FALSE }

/* The form's items in its order (DOMAIN.md B.1), each fed by one count
 * field of one category (DOMAIN.md A). */
static const BdTallyItem items[] = {
  { "human.dead", GROUP_HUMAN, NC_("tally", "Dead"), UNIT_PEOPLE, "human", "dead", FALSE },
  { "human.missing", GROUP_HUMAN, NC_("tally", "Missing"), UNIT_PEOPLE, "human", "missing", FALSE },
  { "human.seriously_injured", GROUP_HUMAN, NC_("tally", "Injured, seriously"), UNIT_PEOPLE,
    "human", "seriously_injured", FALSE },
  { "human.slightly_injured", GROUP_HUMAN, NC_("tally", "Injured, slightly"), UNIT_PEOPLE,
    "human", "slightly_injured", FALSE },
  HOUSING ("complete_collapse", NC_("tally", "Totally destroyed")),
  HOUSING ("half_collapse", NC_("tally", "Half destroyed")),
  HOUSING ("partial_damage", NC_("tally", "Partially damaged")),
  HOUSING ("inundation_above_floor", NC_("tally", "Inundated above floor level")),
  HOUSING ("inundation_under_floor", NC_("tally", "Inundated below floor level")),
  { "non_residential.public_buildings", GROUP_NONRES, NC_("tally", "Public buildings"),
    UNIT_BUILDINGS, "non_residential", "public_buildings", FALSE },
  { "non_residential.other_buildings", GROUP_NONRES, NC_("tally", "Other buildings"),
    UNIT_BUILDINGS, "non_residential", "other_buildings", FALSE },
  { "farmland.paddy_washed_out_ha", GROUP_OTHER, NC_("tally", "Paddy fields, washed out or buried"),
    UNIT_HA, "farmland", "paddy_washed_out_ha", TRUE },
  { "farmland.paddy_submerged_ha", GROUP_OTHER, NC_("tally", "Paddy fields, submerged"),
    UNIT_HA, "farmland", "paddy_submerged_ha", TRUE },
  { "farmland.field_washed_out_ha", GROUP_OTHER, NC_("tally", "Upland fields, washed out or buried"),
    UNIT_HA, "farmland", "field_washed_out_ha", TRUE },
  { "farmland.field_submerged_ha", GROUP_OTHER, NC_("tally", "Upland fields, submerged"),
    UNIT_HA, "farmland", "field_submerged_ha", TRUE },
  SITES ("school", NC_("tally", "Educational facilities")),
  SITES ("hospital", NC_("tally", "Hospitals")),
  SITES ("road", NC_("tally", "Roads")),
  SITES ("bridge", NC_("tally", "Bridges")),
  SITES ("river", NC_("tally", "Rivers")),
  SITES ("harbor", NC_("tally", "Ports")),
  SITES ("sediment_control", NC_("tally", "Sediment-control works")),
  SITES ("waste_facility", NC_("tally", "Waste-treatment facilities")),
  SITES ("slope_failure", NC_("tally", "Slope failures")),
  SITES ("railway", NC_("tally", "Rail lines interrupted")),
  { "vessel.vessels", GROUP_OTHER, NC_("tally", "Vessels damaged"), UNIT_VESSELS,
    "vessel", "vessels", FALSE },
  { "water.households", GROUP_OTHER, NC_("tally", "Water supply"), UNIT_HOMES,
    "water", "households", FALSE },
  { "telephone.lines", GROUP_OTHER, NC_("tally", "Telephone"), UNIT_LINES,
    "telephone", "lines", FALSE },
  { "electricity.households", GROUP_OTHER, NC_("tally", "Electricity"), UNIT_HOMES,
    "electricity", "households", FALSE },
  { "gas.households", GROUP_OTHER, NC_("tally", "Gas"), UNIT_HOMES, "gas", "households", FALSE },
  SITES ("block_wall", NC_("tally", "Block walls etc.")),
  { "affected.households", GROUP_AFFECTED, NC_("tally", "Affected households"), UNIT_HOUSEHOLDS,
    NULL, "affected_households", FALSE },
  { "affected.people", GROUP_AFFECTED, NC_("tally", "Affected people"), UNIT_PEOPLE,
    NULL, "affected_people", FALSE },
  { "fire.building_fires", GROUP_FIRE, NC_("tally", "Buildings"), UNIT_CASES,
    "fire", "building_fires", FALSE },
  { "fire.hazmat_fires", GROUP_FIRE, NC_("tally", "Hazardous materials"), UNIT_CASES,
    "fire", "hazmat_fires", FALSE },
  { "fire.other_fires", GROUP_FIRE, NC_("tally", "Other"), UNIT_CASES,
    "fire", "other_fires", FALSE },
};

/* The columns of the tally query after ward and category: the version
 * columns, in the order of BD_STORE_VERSION_COUNTS after the two affected
 * counts. */
#define SUM_COLUMN(key) ", " #key
#define KEY_NAME(key) #key,
static const char * const sum_keys[] = {
  "affected_households",
  "affected_people",
  BD_STORE_VERSION_COUNTS (KEY_NAME)
};

/* Reports observed by ?1, in their version valid at ?1, not deleted then,
 * neither a duplicate nor a false report then (bd-tally.h). Summed here,
 * not by a GROUP BY: SQLite groups by sorting, and sorting 100,000 wide
 * rows took 4 times as long as reading them (measured with bench-tally);
 * each row adds only its category's few columns. */
static const char tally_sql[] =
  "SELECT ward, category, affected_households, affected_people"
  BD_STORE_VERSION_COUNTS (SUM_COLUMN)
  " FROM report_versions"
  " WHERE valid_from <= ?1 AND (valid_to IS NULL OR valid_to > ?1)"
  "  AND deleted = 0 AND coalesce(observed_at, valid_from) <= ?1"
  "  AND status NOT IN ('duplicate', 'false_report')";

struct _BdTally
{
  GDateTime *as_of;
  gint64     edition;
  char      *issued_at;
  guint      n_columns;          /* the wards, then the city */
  double    *values;             /* [column * G_N_ELEMENTS (items) + item] */
};

const BdTallyItem *
bd_tally_get_items (guint *n_items)
{
  if (n_items != NULL)
    *n_items = G_N_ELEMENTS (items);

  return items;
}

const char *
bd_tally_item_group (const BdTallyItem *item)
{
  g_return_val_if_fail (item != NULL, NULL);

  return g_dpgettext2 (GETTEXT_PACKAGE, "tally group", item->group);
}

const char *
bd_tally_item_name (const BdTallyItem *item)
{
  g_return_val_if_fail (item != NULL, NULL);

  return g_dpgettext2 (GETTEXT_PACKAGE, "tally", item->name);
}

const char *
bd_tally_item_unit (const BdTallyItem *item)
{
  g_return_val_if_fail (item != NULL, NULL);

  return g_dpgettext2 (GETTEXT_PACKAGE, "tally unit", item->unit);
}

char *
bd_tally_item_full_name (const BdTallyItem *item)
{
  /* Translators: a tally item's group and name, as in "人的被害・死者" */
  return g_strdup_printf (C_("tally", "%s: %s"),
                          bd_tally_item_group (item), bd_tally_item_name (item));
}

static BdTally *
tally_new (GDateTime *as_of)
{
  BdTally *tally = g_new0 (BdTally, 1);
  guint n_wards = 0;

  bd_catalog_get_wards (&n_wards);
  /* to the second, as the store keeps times */
  tally->as_of = g_date_time_add (as_of, -(GTimeSpan) g_date_time_get_microsecond (as_of));
  tally->n_columns = n_wards + 1;
  tally->values = g_new0 (double, tally->n_columns * G_N_ELEMENTS (items));

  return tally;
}

void
bd_tally_free (BdTally *tally)
{
  if (tally == NULL)
    return;

  g_clear_pointer (&tally->as_of, g_date_time_unref);
  g_free (tally->issued_at);
  g_free (tally->values);
  g_free (tally);
}

/* The column of a ward code; -1 for the city or an unknown code. */
static int
ward_column (const char *code)
{
  const BdWard *wards;
  guint n = 0;

  wards = bd_catalog_get_wards (&n);
  for (guint i = 0; code != NULL && i < n; i++)
    if (strcmp (wards[i].code, code) == 0)
      return (int) i;

  return -1;
}

static int
item_index (const char *code)
{
  for (guint i = 0; code != NULL && i < G_N_ELEMENTS (items); i++)
    if (strcmp (items[i].code, code) == 0)
      return (int) i;

  return -1;
}

static int
sum_column (const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (sum_keys); i++)
    if (strcmp (sum_keys[i], key) == 0)
      return (int) i + 2;

  g_assert_not_reached ();
}

static void
add_value (BdTally *tally,
           int      column,
           guint    item,
           double   value)
{
  guint city = tally->n_columns - 1;

  if (column >= 0)
    tally->values[column * G_N_ELEMENTS (items) + item] += value;
  tally->values[city * G_N_ELEMENTS (items) + item] += value;
}

BdTally *
bd_tally_compute (BdStore    *store,
                  GDateTime  *as_of,
                  GError    **error)
{
  g_autoptr(BdTally) tally = NULL;
  g_autoptr(GHashTable) wards = NULL;
  g_autoptr(GHashTable) categories = NULL;
  sqlite3_stmt *stmt = NULL;
  int columns[G_N_ELEMENTS (items)];
  int all[G_N_ELEMENTS (items)];      /* the items of every category */
  guint n_all = 0;
  int rc;

  g_return_val_if_fail (BD_IS_STORE (store), NULL);
  g_return_val_if_fail (as_of != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    {
      columns[i] = sum_column (items[i].key);
      if (items[i].category == NULL)
        all[n_all++] = i;
    }
  wards = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  categories = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) g_array_unref);

  tally = tally_new (as_of);

  /* Not cached: a tally is asked for now and then. */
  rc = sqlite3_prepare_v2 (store->db, tally_sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _bd_store_set_sql_error (store->db, error, rc, _("Cannot tally the reports"));
      sqlite3_finalize (stmt);
      return NULL;
    }
  sqlite3_bind_int64 (stmt, 1, g_date_time_to_unix (as_of));

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *ward = (const char *) sqlite3_column_text (stmt, 0);
      const char *category = (const char *) sqlite3_column_text (stmt, 1);
      gpointer found;
      int column;
      int c;

      /* ward code -> column + 2 (1: the city or unknown) */
      if (!(found = g_hash_table_lookup (wards, ward != NULL ? ward : "")))
        {
          found = GINT_TO_POINTER (ward_column (ward) + 2);
          g_hash_table_insert (wards, g_strdup (ward != NULL ? ward : ""), found);
        }
      column = GPOINTER_TO_INT (found) - 2;

      /* category -> its items, then the items of every category */
      if (!(found = g_hash_table_lookup (categories, category != NULL ? category : "")))
        {
          g_autoptr(GArray) list = g_array_new (FALSE, FALSE, sizeof (int));

          for (guint i = 0; i < G_N_ELEMENTS (items); i++)
            if (items[i].category != NULL && g_strcmp0 (items[i].category, category) == 0)
              g_array_append_val (list, i);
          found = g_steal_pointer (&list);
          g_hash_table_insert (categories, g_strdup (category != NULL ? category : ""), found);
        }

      for (guint k = 0; k < ((GArray *) found)->len; k++)
        {
          int i = g_array_index ((GArray *) found, int, k);

          add_value (tally, column, i, sqlite3_column_double (stmt, columns[i]));
        }
      for (c = 0; c < (int) n_all; c++)
        add_value (tally, column, all[c], sqlite3_column_double (stmt, columns[all[c]]));
    }
  if (rc != SQLITE_DONE)
    {
      _bd_store_set_sql_error (store->db, error, rc, _("Cannot tally the reports"));
      sqlite3_finalize (stmt);
      return NULL;
    }
  sqlite3_finalize (stmt);

  return g_steal_pointer (&tally);
}

guint
bd_tally_get_n_columns (BdTally *tally)
{
  g_return_val_if_fail (tally != NULL, 0);

  return tally->n_columns;
}

static const BdWard *
column_ward (BdTally *tally,
             guint    column)
{
  const BdWard *wards = bd_catalog_get_wards (NULL);

  if (column + 1 == tally->n_columns)
    return bd_catalog_get_city ();

  return &wards[column];
}

const char *
bd_tally_get_column_code (BdTally *tally,
                          guint    column)
{
  g_return_val_if_fail (tally != NULL, NULL);
  g_return_val_if_fail (column < tally->n_columns, NULL);

  return column_ward (tally, column)->code;
}

const char *
bd_tally_get_column_name (BdTally *tally,
                          guint    column)
{
  const BdWard *ward;

  g_return_val_if_fail (tally != NULL, NULL);
  g_return_val_if_fail (column < tally->n_columns, NULL);

  ward = column_ward (tally, column);
  return bd_catalog_label (ward->name_ja, ward->name_en);
}

double
bd_tally_get_value (BdTally *tally,
                    guint    column,
                    guint    item)
{
  g_return_val_if_fail (tally != NULL, 0);
  g_return_val_if_fail (column < tally->n_columns, 0);
  g_return_val_if_fail (item < G_N_ELEMENTS (items), 0);

  return tally->values[column * G_N_ELEMENTS (items) + item];
}

double
bd_tally_lookup (BdTally    *tally,
                 const char *ward_code,
                 const char *item_code)
{
  int item = item_index (item_code);
  int column;

  g_return_val_if_fail (tally != NULL, 0);

  if (item < 0 || ward_code == NULL)
    return 0;
  column = g_strcmp0 (ward_code, BD_CITY_CODE) == 0 ? (int) tally->n_columns - 1
                                                     : ward_column (ward_code);
  if (column < 0)
    return 0;

  return tally->values[column * G_N_ELEMENTS (items) + item];
}

GDateTime *
bd_tally_get_as_of (BdTally *tally)
{
  g_return_val_if_fail (tally != NULL, NULL);

  return tally->as_of;
}

gint64
bd_tally_get_edition (BdTally *tally)
{
  g_return_val_if_fail (tally != NULL, 0);

  return tally->edition;
}

const char *
bd_tally_get_issued_at (BdTally *tally)
{
  g_return_val_if_fail (tally != NULL, NULL);

  return tally->issued_at;
}

char *
bd_tally_format_value (double   value,
                       gboolean is_decimal)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  char *end;

  if (!is_decimal || !isfinite (value))
    return g_strdup_printf ("%.0f", isfinite (value) ? value : 0.0);

  /* hectares to two places, without trailing zeros: "3.5", "12" */
  g_ascii_formatd (buffer, sizeof buffer, "%.2f", value);
  end = buffer + strlen (buffer);
  while (end > buffer && end[-1] == '0')
    *--end = '\0';
  if (end > buffer && end[-1] == '.')
    *--end = '\0';

  return g_strdup (buffer);
}

char *
bd_tally_format_time (GDateTime *as_of)
{
  g_autoptr(GDateTime) local = NULL;

  g_return_val_if_fail (as_of != NULL, NULL);

  local = g_date_time_to_local (as_of);
  if (g_date_time_get_minute (local) == 0)
    /* Translators: the time a tally stands at, as on the form: "12月6日14時現在" */
    return g_strdup_printf (C_("tally", "as of %d/%d %02d:00"),
                            g_date_time_get_month (local), g_date_time_get_day_of_month (local),
                            g_date_time_get_hour (local));

  /* Translators: the time a tally stands at: "12月6日14時30分現在" */
  return g_strdup_printf (C_("tally", "as of %d/%d %02d:%02d"),
                          g_date_time_get_month (local), g_date_time_get_day_of_month (local),
                          g_date_time_get_hour (local), g_date_time_get_minute (local));
}

char *
bd_tally_dup_title (BdTally *tally)
{
  g_autofree char *when = NULL;

  g_return_val_if_fail (tally != NULL, NULL);

  when = bd_tally_format_time (tally->as_of);
  if (tally->edition <= 0)
    return g_steal_pointer (&when);

  /* Translators: "第3報　12月6日14時現在": the edition number, then the time */
  return g_strdup_printf (C_("tally", "Edition %lld, %s"), (long long) tally->edition, when);
}

/* Editions */

void
bd_tally_edition_free (BdTallyEdition *edition)
{
  if (edition == NULL)
    return;

  g_free (edition->as_of);
  g_free (edition->issued_at);
  g_free (edition->issued_by);
  g_free (edition);
}

static gboolean
exec_bound (BdStore       *store,
            sqlite3_stmt  *stmt,
            GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _bd_store_set_sql_error (store->db, error, rc, _("Cannot issue the edition"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
write_edition (BdStore     *store,
               BdTally     *tally,
               const char  *as_of_text,
               const char  *actor,
               GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  gint64 number = 1;
  int rc;

  rc = sqlite3_prepare_v2 (store->db, "SELECT coalesce(max(number), 0) + 1 FROM tally_editions",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK || (rc = sqlite3_step (stmt)) != SQLITE_ROW)
    {
      _bd_store_set_sql_error (store->db, error, rc, _("Cannot issue the edition"));
      sqlite3_finalize (stmt);
      return FALSE;
    }
  number = sqlite3_column_int64 (stmt, 0);
  g_clear_pointer (&stmt, sqlite3_finalize);

  tally->edition = number;
  tally->issued_at = bd_timestamp_now_utc ();

  rc = sqlite3_prepare_v2 (store->db,
                           "INSERT INTO tally_editions (number, as_of, as_of_unix, issued_at,"
                           " issued_by) VALUES (?1, ?2, ?3, ?4, ?5)",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _bd_store_set_sql_error (store->db, error, rc, _("Cannot issue the edition"));
      sqlite3_finalize (stmt);
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, number);
  sqlite3_bind_text (stmt, 2, as_of_text, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, g_date_time_to_unix (tally->as_of));
  sqlite3_bind_text (stmt, 4, tally->issued_at, -1, SQLITE_STATIC);
  bind_text_or_null (stmt, 5, actor);
  if (!exec_bound (store, stmt, error))
    {
      sqlite3_finalize (stmt);
      return FALSE;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  rc = sqlite3_prepare_v2 (store->db,
                           "INSERT INTO tally_edition_values (edition, ward, item, value)"
                           " VALUES (?1, ?2, ?3, ?4)",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _bd_store_set_sql_error (store->db, error, rc, _("Cannot issue the edition"));
      sqlite3_finalize (stmt);
      return FALSE;
    }
  for (guint c = 0; c < tally->n_columns; c++)
    for (guint i = 0; i < G_N_ELEMENTS (items); i++)
      {
        double value = tally->values[c * G_N_ELEMENTS (items) + i];

        sqlite3_bind_int64 (stmt, 1, number);
        sqlite3_bind_text (stmt, 2, bd_tally_get_column_code (tally, c), -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, 3, items[i].code, -1, SQLITE_STATIC);
        if (items[i].is_decimal)
          sqlite3_bind_double (stmt, 4, value);
        else
          sqlite3_bind_int64 (stmt, 4, (gint64) llround (value));
        if (!exec_bound (store, stmt, error))
          {
            sqlite3_finalize (stmt);
            return FALSE;
          }
      }
  sqlite3_finalize (stmt);

  return TRUE;
}

BdTally *
bd_tally_issue_edition (BdStore     *store,
                        GDateTime   *as_of,
                        const char  *actor,
                        GError     **error)
{
  g_autoptr(BdTally) tally = NULL;
  g_autofree char *as_of_text = NULL;

  g_return_val_if_fail (BD_IS_STORE (store), NULL);
  g_return_val_if_fail (as_of != NULL, NULL);

  as_of_text = bd_format_timestamp (as_of);

  /* the numbers and the edition from one reading of the store */
  if (!_bd_store_begin (store, error))
    return NULL;
  if (!(tally = bd_tally_compute (store, as_of, error)) ||
      !write_edition (store, tally, as_of_text, actor, error) ||
      !_bd_store_commit (store, error))
    {
      _bd_store_rollback (store);
      return NULL;
    }

  return g_steal_pointer (&tally);
}

GPtrArray *
bd_tally_list_editions (BdStore  *store,
                        GError  **error)
{
  g_autoptr(GPtrArray) editions = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (BD_IS_STORE (store), NULL);

  rc = sqlite3_prepare_v2 (store->db,
                           "SELECT number, as_of, issued_at, issued_by FROM tally_editions"
                           " ORDER BY number",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _bd_store_set_sql_error (store->db, error, rc, _("Cannot read the editions"));
      sqlite3_finalize (stmt);
      return NULL;
    }

  editions = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_tally_edition_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BdTallyEdition *edition = g_new0 (BdTallyEdition, 1);

      edition->number = sqlite3_column_int64 (stmt, 0);
      edition->as_of = column_dup (stmt, 1);
      edition->issued_at = column_dup (stmt, 2);
      edition->issued_by = column_dup (stmt, 3);
      g_ptr_array_add (editions, edition);
    }
  if (rc != SQLITE_DONE)
    {
      _bd_store_set_sql_error (store->db, error, rc, _("Cannot read the editions"));
      sqlite3_finalize (stmt);
      return NULL;
    }
  sqlite3_finalize (stmt);

  return g_steal_pointer (&editions);
}

BdTally *
bd_tally_load_edition (BdStore     *store,
                       gint64       number,
                       GError     **error)
{
  g_autoptr(BdTally) tally = NULL;
  g_autoptr(GDateTime) as_of = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (BD_IS_STORE (store), NULL);

  rc = sqlite3_prepare_v2 (store->db,
                           "SELECT as_of, issued_at FROM tally_editions WHERE number = ?1",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, number);
      rc = sqlite3_step (stmt);
    }
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_NOT_FOUND,
                   _("There is no edition %lld"), (long long) number);
      sqlite3_finalize (stmt);
      return NULL;
    }
  if (rc != SQLITE_ROW ||
      !(as_of = bd_parse_timestamp ((const char *) sqlite3_column_text (stmt, 0))))
    {
      if (rc == SQLITE_ROW)
        g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_CORRUPT,
                     _("Edition %lld cannot be read"), (long long) number);
      else
        _bd_store_set_sql_error (store->db, error, rc, _("Cannot read the editions"));
      sqlite3_finalize (stmt);
      return NULL;
    }

  tally = tally_new (as_of);
  tally->edition = number;
  tally->issued_at = column_dup (stmt, 1);
  g_clear_pointer (&stmt, sqlite3_finalize);

  rc = sqlite3_prepare_v2 (store->db,
                           "SELECT ward, item, value FROM tally_edition_values WHERE edition = ?1",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, number);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          const char *ward = (const char *) sqlite3_column_text (stmt, 0);
          int item = item_index ((const char *) sqlite3_column_text (stmt, 1));
          int column = g_strcmp0 (ward, BD_CITY_CODE) == 0 ? (int) tally->n_columns - 1
                                                            : ward_column (ward);

          /* an item or ward this version does not know is left out */
          if (item >= 0 && column >= 0)
            tally->values[column * G_N_ELEMENTS (items) + item] = sqlite3_column_double (stmt, 2);
        }
    }
  if (rc != SQLITE_DONE)
    {
      _bd_store_set_sql_error (store->db, error, rc, _("Cannot read the editions"));
      sqlite3_finalize (stmt);
      return NULL;
    }
  sqlite3_finalize (stmt);

  return g_steal_pointer (&tally);
}

/* CSV */

void
_bd_tally_append_csv_field (GString    *csv,
                            const char *field)
{
  if (strpbrk (field, ",\"\r\n") == NULL)
    {
      g_string_append (csv, field);
      return;
    }

  g_string_append_c (csv, '"');
  for (const char *p = field; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (csv, '"');
      g_string_append_c (csv, *p);
    }
  g_string_append_c (csv, '"');
}

char *
bd_tally_to_csv (BdTally *tally)
{
  g_autoptr(GString) csv = g_string_new ("edition,as_of,ward_code,ward_name,item,unit,value\r\n");
  g_autofree char *edition = NULL;
  g_autofree char *as_of = NULL;

  g_return_val_if_fail (tally != NULL, NULL);

  edition = tally->edition > 0 ? g_strdup_printf ("%lld", (long long) tally->edition)
                               : g_strdup ("");
  as_of = bd_format_timestamp (tally->as_of);

  for (guint c = 0; c < tally->n_columns; c++)
    for (guint i = 0; i < G_N_ELEMENTS (items); i++)
      {
        g_autofree char *name = bd_tally_item_full_name (&items[i]);
        g_autofree char *value = bd_tally_format_value (bd_tally_get_value (tally, c, i),
                                                        items[i].is_decimal);

        _bd_tally_append_csv_field (csv, edition);
        g_string_append_c (csv, ',');
        _bd_tally_append_csv_field (csv, as_of);
        g_string_append_c (csv, ',');
        _bd_tally_append_csv_field (csv, bd_tally_get_column_code (tally, c));
        g_string_append_c (csv, ',');
        _bd_tally_append_csv_field (csv, bd_tally_get_column_name (tally, c));
        g_string_append_c (csv, ',');
        _bd_tally_append_csv_field (csv, name);
        g_string_append_c (csv, ',');
        _bd_tally_append_csv_field (csv, bd_tally_item_unit (&items[i]));
        g_string_append_c (csv, ',');
        _bd_tally_append_csv_field (csv, value);
        g_string_append (csv, "\r\n");
      }

  return g_string_free (g_steal_pointer (&csv), FALSE);
}

gboolean
bd_tally_write_csv (BdTally     *tally,
                    const char  *path,
                    GError     **error)
{
  g_autofree char *csv = NULL;
  g_autoptr(GFile) file = NULL;

  g_return_val_if_fail (tally != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  csv = bd_tally_to_csv (tally);
  file = g_file_new_for_path (path);

  /* written beside and renamed over: a failure leaves the old file */
  return g_file_replace_contents (file, csv, strlen (csv), NULL, FALSE,
                                  G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, error);
}
