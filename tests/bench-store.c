/* bench-store.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A benchmark, not a test: it prints figures and never fails on them.
 *
 * 1. Inserts 100,000 demo reports with bd_store_insert_batch () into a fresh
 *    store, then has the sqlite3 shell import the same rows (the reports
 *    table, the R*Tree and the full-text columns, read back from the store's
 *    file) into equivalent tables with the same pragmas, and compares rates.
 *    The shell cannot load our tokenizer, so its FTS5 table uses the
 *    built-in trigram tokenizer.
 * 2. Times 1,000 seeded random boxes, half city-sized and half ward-sized,
 *    through bd_store_query_rowids (), through the R*Tree in plain SQL, and
 *    as a full scan of the reports table (NOT INDEXED, no R*Tree).
 *
 * Usage: bench-store [N-REPORTS] [N-BOXES]
 */

#define G_LOG_DOMAIN "bd-bench-store"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "bd-demo.h"
#include "bd-store.h"

#define DEFAULT_REPORTS 100000
#define DEFAULT_BOXES   1000
#define BOX_SEED        20261127
#define WARMUP_BOXES    20

typedef enum
{
  BOX_CITY,
  BOX_WARD,
} BoxKind;

typedef struct
{
  BoxKind kind;
  double  min_lon, min_lat, max_lon, max_lat;
} Box;

/* What the benchmark learns about the store's schema by reading its file. */
typedef struct
{
  char   *rtree;          /* name of the R*Tree table, or NULL */
  char   *rtree_cols[5];  /* id, min/max of the longitude, min/max of the latitude */
  double  rtree_scale;    /* R*Tree units per degree (1, or e.g. 1e7 for rtree_i32) */
  char   *fts;            /* name of the FTS5 table, or NULL */
  char   *fts_sql;        /* CREATE VIRTUAL TABLE for the shell (trigram) */
  char  **fts_cols;       /* its columns */
  char   *fts_source;     /* SELECT rowid, <cols> that reads the indexed text */
  char   *lon_col;
  char   *lat_col;
  gboolean has_deleted;
} Schema;

static void
schema_clear (Schema *schema)
{
  guint i;

  g_clear_pointer (&schema->rtree, g_free);
  for (i = 0; i < G_N_ELEMENTS (schema->rtree_cols); i++)
    g_clear_pointer (&schema->rtree_cols[i], g_free);
  g_clear_pointer (&schema->fts, g_free);
  g_clear_pointer (&schema->fts_sql, g_free);
  g_clear_pointer (&schema->fts_cols, g_strfreev);
  g_clear_pointer (&schema->fts_source, g_free);
  g_clear_pointer (&schema->lon_col, g_free);
  g_clear_pointer (&schema->lat_col, g_free);
}

static double
now_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* An SQL identifier in double quotes. */
static char *
quote_ident (const char *name)
{
  g_autoptr(GString) s = g_string_new ("\"");
  const char *p;

  for (p = name; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (s, '"');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '"');
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
die_sqlite (sqlite3    *db,
            const char *what)
{
  g_printerr ("bench-store: %s: %s\n", what, sqlite3_errmsg (db));
  exit (1);
}

static sqlite3_stmt *
prepare (sqlite3    *db,
         const char *sql)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    die_sqlite (db, sql);
  return stmt;
}

/* Column names of a table, in order (PRAGMA table_info). */
static GStrv
table_columns (sqlite3    *db,
               const char *table)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  sqlite3_stmt *stmt;

  stmt = prepare (db, "SELECT name FROM pragma_table_info(?1) ORDER BY cid");
  sqlite3_bind_text (stmt, 1, table, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return g_strv_builder_end (builder);
}

/* Name of the sole INTEGER PRIMARY KEY column (a rowid alias), or NULL. */
static char *
rowid_alias (sqlite3    *db,
             const char *table)
{
  sqlite3_stmt *stmt;
  char *name = NULL;
  int n_pk = 0;

  stmt = prepare (db, "SELECT name, upper(type), pk FROM pragma_table_info(?1)");
  sqlite3_bind_text (stmt, 1, table, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      if (sqlite3_column_int (stmt, 2) > 0)
        {
          n_pk++;
          if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 1), "INTEGER") == 0)
            {
              g_free (name);
              name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
            }
        }
    }
  sqlite3_finalize (stmt);
  if (n_pk != 1)
    g_clear_pointer (&name, g_free);
  return name;
}

static char *
first_matching_column (GStrv        cols,
                       const char  *const *names)
{
  guint i, j;

  for (j = 0; names[j] != NULL; j++)
    for (i = 0; cols[i] != NULL; i++)
      if (g_ascii_strcasecmp (cols[i], names[j]) == 0)
        return g_strdup (cols[i]);
  return NULL;
}

/* Splits the arguments of "USING fts5(...)" at top-level commas. */
static GPtrArray *
split_module_args (const char *sql)
{
  GPtrArray *args = g_ptr_array_new_with_free_func (g_free);
  const char *open = strchr (sql, '(');
  const char *close = strrchr (sql, ')');
  const char *p, *start;
  char quote = 0;

  if (open == NULL || close == NULL || close < open)
    return args;
  start = open + 1;
  for (p = start; p < close; p++)
    {
      if (quote != 0)
        {
          if (*p == quote)
            quote = 0;
        }
      else if (*p == '\'' || *p == '"' || *p == '`' || *p == '[')
        quote = *p == '[' ? ']' : *p;
      else if (*p == ',')
        {
          g_ptr_array_add (args, g_strstrip (g_strndup (start, p - start)));
          start = p + 1;
        }
    }
  g_ptr_array_add (args, g_strstrip (g_strndup (start, close - start)));
  return args;
}

/* The key of an "option = value" module argument (lower case), or NULL for
 * a column. */
static char *
module_arg_key (const char *arg)
{
  const char *p;
  char quote = 0;

  for (p = arg; *p != '\0'; p++)
    {
      if (quote != 0)
        {
          if (*p == quote)
            quote = 0;
        }
      else if (*p == '\'' || *p == '"' || *p == '`')
        quote = *p;
      else if (*p == '=')
        {
          g_autofree char *key = g_strndup (arg, p - arg);
          return g_ascii_strdown (g_strstrip (key), -1);
        }
    }
  return NULL;
}

static char *
module_arg_value (const char *arg)
{
  const char *eq = strchr (arg, '=');
  g_autofree char *value = g_strstrip (g_strdup (eq + 1));
  gsize len = strlen (value);

  if (len >= 2 && (value[0] == '\'' || value[0] == '"') && value[len - 1] == value[0])
    return g_strndup (value + 1, len - 2);
  return g_steal_pointer (&value);
}

static char *
unquote_ident (const char *word)
{
  gsize len = strlen (word);

  if (len >= 2 && (word[0] == '"' || word[0] == '`' || word[0] == '\'') && word[len - 1] == word[0])
    return g_strndup (word + 1, len - 2);
  if (len >= 2 && word[0] == '[' && word[len - 1] == ']')
    return g_strndup (word + 1, len - 2);
  return g_strdup (word);
}

static gboolean
table_exists (sqlite3    *db,
              const char *name)
{
  sqlite3_stmt *stmt;
  gboolean found;

  stmt = prepare (db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);
  return found;
}

/* Learns the FTS5 table: its columns, a CREATE statement for the shell with
 * the trigram tokenizer, and where its text can be read back. */
static void
inspect_fts (sqlite3    *db,
             Schema     *schema,
             const char *name,
             const char *sql)
{
  g_autoptr(GPtrArray) args = split_module_args (sql);
  g_autoptr(GStrvBuilder) cols = g_strv_builder_new ();
  g_autoptr(GString) create = g_string_new (NULL);
  g_autoptr(GString) select = g_string_new ("SELECT ");
  g_autofree char *qname = quote_ident (name);
  g_autofree char *content = NULL;
  g_autofree char *content_rowid = NULL;
  gboolean has_content_option = FALSE;
  guint i, n_cols = 0;

  g_string_append_printf (create, "CREATE VIRTUAL TABLE %s USING fts5(", qname);
  for (i = 0; i < args->len; i++)
    {
      const char *arg = g_ptr_array_index (args, i);
      g_autofree char *key = module_arg_key (arg);

      if (key == NULL)
        {
          g_auto(GStrv) words = g_strsplit_set (arg, " \t\n", 2);
          g_autofree char *col = unquote_ident (words[0]);

          g_strv_builder_add (cols, col);
          n_cols++;
        }
      else if (strcmp (key, "tokenize") == 0)
        continue;
      else if (strcmp (key, "content") == 0)
        {
          has_content_option = TRUE;
          content = module_arg_value (arg);
        }
      else if (strcmp (key, "content_rowid") == 0)
        content_rowid = module_arg_value (arg);
      g_string_append_printf (create, "%s, ", arg);
    }
  g_string_append (create, "tokenize = 'trigram')");

  schema->fts = g_strdup (name);
  schema->fts_sql = g_string_free (g_steal_pointer (&create), FALSE);
  schema->fts_cols = g_strv_builder_end (cols);

  /* Where the indexed text lives: an external content table, the FTS5
   * table's own %_content shadow table, or (contentless) the reports table. */
  if (has_content_option && content != NULL && content[0] != '\0')
    {
      g_autofree char *qcontent = quote_ident (content);
      g_autofree char *qrowid = quote_ident (content_rowid ? content_rowid : "rowid");

      g_string_append (select, qrowid);
      for (i = 0; i < n_cols; i++)
        {
          g_autofree char *qcol = quote_ident (schema->fts_cols[i]);
          g_string_append_printf (select, ", %s", qcol);
        }
      g_string_append_printf (select, " FROM %s", qcontent);
    }
  else
    {
      g_autofree char *shadow = g_strdup_printf ("%s_content", name);

      if (!has_content_option && table_exists (db, shadow))
        {
          g_autofree char *qshadow = quote_ident (shadow);

          g_string_append (select, "id");
          for (i = 0; i < n_cols; i++)
            g_string_append_printf (select, ", c%u", i);
          g_string_append_printf (select, " FROM %s", qshadow);
        }
      else
        {
          g_string_append (select, "rowid");
          for (i = 0; i < n_cols; i++)
            {
              g_autofree char *qcol = quote_ident (schema->fts_cols[i]);
              g_string_append_printf (select, ", %s", qcol);
            }
          g_string_append (select, " FROM \"reports\"");
        }
    }
  schema->fts_source = g_string_free (g_steal_pointer (&select), FALSE);
}

static void
inspect_schema (sqlite3 *db,
                Schema  *schema)
{
  static const char *const lon_names[] = { "lon", "longitude", "lng", "x", NULL };
  static const char *const lat_names[] = { "lat", "latitude", "y", NULL };
  g_auto(GStrv) cols = table_columns (db, "reports");
  sqlite3_stmt *stmt;
  guint i;

  if (cols[0] == NULL)
    {
      g_printerr ("bench-store: the store has no table called reports\n");
      exit (1);
    }
  schema->lon_col = first_matching_column (cols, lon_names);
  schema->lat_col = first_matching_column (cols, lat_names);
  schema->has_deleted = g_strv_contains ((const char *const *) cols, "deleted");

  stmt = prepare (db, "SELECT name, sql FROM sqlite_master "
                      "WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%' "
                      "ORDER BY name");
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 0);
      const char *sql = (const char *) sqlite3_column_text (stmt, 1);
      g_autofree char *lower = g_ascii_strdown (sql, -1);

      if (schema->rtree == NULL && (strstr (lower, "using rtree(") || strstr (lower, "using rtree (") ||
                                    strstr (lower, "using rtree_i32")))
        {
          g_auto(GStrv) rcols = table_columns (db, name);

          if (g_strv_length (rcols) >= 5)
            {
              gboolean swapped;
              g_autofree char *second = g_ascii_strdown (rcols[1], -1);

              /* id, then (min, max) per dimension: longitude first unless
               * the names say latitude. */
              swapped = strstr (second, "lat") != NULL || strstr (second, "y") == second + strlen (second) - 1;
              schema->rtree = g_strdup (name);
              schema->rtree_cols[0] = g_strdup (rcols[0]);
              for (i = 0; i < 2; i++)
                {
                  schema->rtree_cols[1 + i] = g_strdup (rcols[(swapped ? 3 : 1) + i]);
                  schema->rtree_cols[3 + i] = g_strdup (rcols[(swapped ? 1 : 3) + i]);
                }
            }
        }
      else if (schema->fts == NULL && strstr (lower, "using fts5"))
        inspect_fts (db, schema, name, sql);
    }
  sqlite3_finalize (stmt);

  /* The R*Tree may keep scaled integers (rtree_i32): learn the scale from
   * one row, as a power of ten. */
  schema->rtree_scale = 1.0;
  if (schema->rtree != NULL && schema->lon_col != NULL)
    {
      g_autofree char *qrt = quote_ident (schema->rtree);
      g_autofree char *qid = quote_ident (schema->rtree_cols[0]);
      g_autofree char *qx0 = quote_ident (schema->rtree_cols[1]);
      g_autofree char *qlon = quote_ident (schema->lon_col);
      g_autofree char *sql = g_strdup_printf ("SELECT t.%s, r.%s FROM %s AS t CROSS JOIN reports AS r "
                                              "ON r.rowid = t.%s WHERE r.%s > 1 LIMIT 1",
                                              qx0, qlon, qrt, qid, qlon);

      stmt = prepare (db, sql);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          double ratio = sqlite3_column_double (stmt, 0) / sqlite3_column_double (stmt, 1);

          if (ratio > 0)
            schema->rtree_scale = pow (10, round (log10 (ratio)));
        }
      sqlite3_finalize (stmt);
    }
}

/* Writes every row of @select_sql (already producing one SQL statement per
 * row, built by SQLite's quote ()) to @out. */
static gint64
write_rows (sqlite3    *db,
            const char *select_sql,
            FILE       *out)
{
  sqlite3_stmt *stmt = prepare (db, select_sql);
  gint64 n = 0;
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      fputs ((const char *) sqlite3_column_text (stmt, 0), out);
      fputc ('\n', out);
      n++;
    }
  if (rc != SQLITE_DONE)
    die_sqlite (db, select_sql);
  sqlite3_finalize (stmt);
  return n;
}

/* SELECT 'INSERT INTO t(c...) VALUES(' || quote(c1) || ',' || ... || ');'
 * FROM source. Values are rendered by SQLite itself; only identifiers are
 * pasted into the statement. */
static char *
build_dump_select (const char  *target,
                   const char  *const *target_cols,
                   const char  *const *source_exprs,
                   const char  *from)
{
  g_autoptr(GString) s = g_string_new ("SELECT 'INSERT INTO ");
  g_autofree char *qtarget = quote_ident (target);
  guint i;

  g_string_append (s, qtarget);
  g_string_append (s, "(");
  for (i = 0; target_cols[i] != NULL; i++)
    {
      g_autofree char *q = quote_ident (target_cols[i]);
      const char *p;

      /* inside a string literal: double the single quotes */
      if (i > 0)
        g_string_append_c (s, ',');
      for (p = q; *p != '\0'; p++)
        {
          if (*p == '\'')
            g_string_append_c (s, '\'');
          g_string_append_c (s, *p);
        }
    }
  g_string_append (s, ") VALUES(' || ");
  for (i = 0; source_exprs[i] != NULL; i++)
    g_string_append_printf (s, "%squote(%s)", i ? " || ',' || " : "", source_exprs[i]);
  g_string_append_printf (s, " || ');' FROM %s", from);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* Writes the SQL script for the shell: pragmas, the reports table and its
 * indexes as the store made them, the R*Tree, an FTS5 table with the
 * trigram tokenizer, and every row, in one transaction. Returns the number
 * of reports rows. */
static gint64
write_script (sqlite3      *db,
              const Schema *schema,
              const char   *path)
{
  g_auto(GStrv) cols = table_columns (db, "reports");
  g_autofree char *alias = rowid_alias (db, "reports");
  g_autoptr(GPtrArray) target = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) exprs = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *dump = NULL;
  sqlite3_stmt *stmt;
  gint64 n_rows;
  FILE *out;
  guint i;

  out = g_fopen (path, "w");
  if (out == NULL)
    {
      g_printerr ("bench-store: cannot write %s\n", path);
      exit (1);
    }
  fputs ("PRAGMA journal_mode = WAL;\n"
         "PRAGMA synchronous = FULL;\n"
         "PRAGMA foreign_keys = ON;\n"
         "BEGIN;\n", out);

  /* The reports table and its indexes, exactly as the store has them. */
  stmt = prepare (db, "SELECT sql FROM sqlite_master "
                      "WHERE tbl_name = 'reports' AND sql IS NOT NULL "
                      "AND type IN ('table', 'index') "
                      "ORDER BY type = 'index', name");
  while (sqlite3_step (stmt) == SQLITE_ROW)
    fprintf (out, "%s;\n", (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  if (schema->rtree != NULL)
    {
      stmt = prepare (db, "SELECT sql FROM sqlite_master WHERE name = ?1");
      sqlite3_bind_text (stmt, 1, schema->rtree, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        fprintf (out, "%s;\n", (const char *) sqlite3_column_text (stmt, 0));
      sqlite3_finalize (stmt);
    }
  if (schema->fts != NULL)
    fprintf (out, "%s;\n", schema->fts_sql);

  /* reports rows, with their rowids so the R*Tree and FTS ids match */
  if (alias == NULL)
    {
      g_ptr_array_add (target, g_strdup ("rowid"));
      g_ptr_array_add (exprs, g_strdup ("rowid"));
    }
  for (i = 0; cols[i] != NULL; i++)
    {
      g_ptr_array_add (target, g_strdup (cols[i]));
      g_ptr_array_add (exprs, quote_ident (cols[i]));
    }
  g_ptr_array_add (target, NULL);
  g_ptr_array_add (exprs, NULL);
  dump = build_dump_select ("reports", (const char *const *) target->pdata,
                            (const char *const *) exprs->pdata,
                            "\"reports\" ORDER BY rowid");
  n_rows = write_rows (db, dump, out);
  g_clear_pointer (&dump, g_free);

  if (schema->rtree != NULL)
    {
      g_auto(GStrv) rcols = table_columns (db, schema->rtree);
      g_autoptr(GPtrArray) rexprs = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *from = NULL;
      g_autofree char *qrtree = quote_ident (schema->rtree);

      for (i = 0; rcols[i] != NULL; i++)
        g_ptr_array_add (rexprs, quote_ident (rcols[i]));
      g_ptr_array_add (rexprs, NULL);
      from = g_strdup_printf ("%s ORDER BY 1", qrtree);
      dump = build_dump_select (schema->rtree, (const char *const *) rcols,
                                (const char *const *) rexprs->pdata, from);
      write_rows (db, dump, out);
      g_clear_pointer (&dump, g_free);
    }

  if (schema->fts != NULL)
    {
      g_autoptr(GPtrArray) ftarget = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) fexprs = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GString) names = g_string_new (NULL);
      g_autofree char *inner = NULL;
      guint n = g_strv_length (schema->fts_cols);

      g_ptr_array_add (ftarget, g_strdup ("rowid"));
      g_ptr_array_add (fexprs, g_strdup ("s.c_rowid"));
      for (i = 0; i < n; i++)
        {
          g_ptr_array_add (ftarget, g_strdup (schema->fts_cols[i]));
          g_ptr_array_add (fexprs, g_strdup_printf ("s.c%u", i));
        }
      g_ptr_array_add (ftarget, NULL);
      g_ptr_array_add (fexprs, NULL);
      /* Name the source's columns c_rowid, c0, c1, ... with a CTE. */
      g_string_append (names, "c_rowid");
      for (i = 0; i < n; i++)
        g_string_append_printf (names, ", c%u", i);
      inner = build_dump_select (schema->fts, (const char *const *) ftarget->pdata,
                                 (const char *const *) fexprs->pdata, "s ORDER BY s.c_rowid");
      dump = g_strdup_printf ("WITH s(%s) AS (%s) %s", names->str, schema->fts_source, inner);
      write_rows (db, dump, out);
      g_clear_pointer (&dump, g_free);
    }

  fputs ("COMMIT;\n", out);
  if (fclose (out) != 0)
    {
      g_printerr ("bench-store: cannot write %s\n", path);
      exit (1);
    }
  return n_rows;
}

/* Runs `sqlite3 -bail DB < SCRIPT` and returns the wall time in seconds. */
static double
run_shell_import (const char *db_path,
                  const char *script_path)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err_text = NULL;
  double t0, t1;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_stdin_file_path (launcher, script_path);
  t0 = now_seconds ();
  proc = g_subprocess_launcher_spawn (launcher, &error, "sqlite3", "-bail", db_path, NULL);
  if (proc == NULL)
    {
      g_printerr ("bench-store: cannot run sqlite3: %s\n", error->message);
      return -1;
    }
  if (!g_subprocess_communicate_utf8 (proc, NULL, NULL, NULL, &err_text, &error))
    {
      g_printerr ("bench-store: sqlite3: %s\n", error->message);
      return -1;
    }
  t1 = now_seconds ();
  if (!g_subprocess_get_if_exited (proc) || g_subprocess_get_exit_status (proc) != 0)
    {
      g_printerr ("bench-store: sqlite3 failed: %s\n", err_text ? err_text : "");
      return -1;
    }
  return t1 - t0;
}

static gint64
count_rows (const char *db_path,
            const char *table)
{
  g_autofree char *qtable = quote_ident (table);
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", qtable);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt;
  gint64 n = -1;

  if (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    {
      sqlite3_close (db);
      return -1;
    }
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK)
    {
      if (sqlite3_step (stmt) == SQLITE_ROW)
        n = sqlite3_column_int64 (stmt, 0);
      sqlite3_finalize (stmt);
    }
  sqlite3_close (db);
  return n;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The p-th percentile (0..100) of @values (sorted in place), nearest rank. */
static double
percentile (GArray *values,
            double  p)
{
  guint rank;

  if (values->len == 0)
    return NAN;
  g_array_sort (values, compare_doubles);
  rank = (guint) ceil (p / 100.0 * values->len);
  if (rank < 1)
    rank = 1;
  return g_array_index (values, double, rank - 1);
}

static void
make_boxes (GArray *boxes,
            guint   n,
            double  city_min_lon,
            double  city_min_lat,
            double  city_max_lon,
            double  city_max_lat)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (BOX_SEED);
  double cw = city_max_lon - city_min_lon;
  double ch = city_max_lat - city_min_lat;
  double cx = (city_min_lon + city_max_lon) / 2;
  double cy = (city_min_lat + city_max_lat) / 2;
  double km_lat = 1.0 / 111.32;
  double km_lon = 1.0 / (111.32 * cos (cy * G_PI / 180.0));
  guint i;

  for (i = 0; i < n; i++)
    {
      Box box;

      if (i % 2 == 0)
        {
          /* about the whole city: each side 80-120 %, centre moved by up to
           * a tenth of the city */
          double w = cw * g_rand_double_range (rand, 0.8, 1.2);
          double h = ch * g_rand_double_range (rand, 0.8, 1.2);
          double x = cx + cw * g_rand_double_range (rand, -0.1, 0.1);
          double y = cy + ch * g_rand_double_range (rand, -0.1, 0.1);

          box.kind = BOX_CITY;
          box.min_lon = x - w / 2;
          box.max_lon = x + w / 2;
          box.min_lat = y - h / 2;
          box.max_lat = y + h / 2;
        }
      else
        {
          /* a ward: a 2-3 km square inside the city */
          double side = g_rand_double_range (rand, 2.0, 3.0);
          double w = side * km_lon, h = side * km_lat;
          double x = g_rand_double_range (rand, city_min_lon, city_max_lon - w);
          double y = g_rand_double_range (rand, city_min_lat, city_max_lat - h);

          box.kind = BOX_WARD;
          box.min_lon = x;
          box.max_lon = x + w;
          box.min_lat = y;
          box.max_lat = y + h;
        }
      g_array_append_val (boxes, box);
    }
}

typedef struct
{
  const char *name;
  GArray     *ms[2];       /* per BoxKind: durations in ms */
  double      rows[2];     /* per BoxKind: total rows returned */
} Timing;

static void
timing_init (Timing     *t,
             const char *name)
{
  t->name = name;
  t->ms[BOX_CITY] = g_array_new (FALSE, FALSE, sizeof (double));
  t->ms[BOX_WARD] = g_array_new (FALSE, FALSE, sizeof (double));
  t->rows[0] = t->rows[1] = 0;
}

static void
timing_clear (Timing *t)
{
  g_clear_pointer (&t->ms[BOX_CITY], g_array_unref);
  g_clear_pointer (&t->ms[BOX_WARD], g_array_unref);
}

static guint
query_store (BdStore   *store,
             const Box *box)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rowids = NULL;
  BdQuery query = { 0 };

  query.has_bbox = TRUE;
  query.min_lon = box->min_lon;
  query.min_lat = box->min_lat;
  query.max_lon = box->max_lon;
  query.max_lat = box->max_lat;
  rowids = bd_store_query_rowids (store, &query, &error);
  if (rowids == NULL)
    {
      g_printerr ("bench-store: bd_store_query_rowids: %s\n", error->message);
      exit (1);
    }
  return rowids->len;
}

/* Binds the box in degrees to ?1-?4 and, for an R*Tree statement, in
 * R*Tree units to ?5-?8. */
static guint
query_sql (sqlite3_stmt *stmt,
           const Box    *box,
           double        scale)
{
  guint n = 0;

  sqlite3_reset (stmt);
  sqlite3_bind_double (stmt, 1, box->min_lon);
  sqlite3_bind_double (stmt, 2, box->max_lon);
  sqlite3_bind_double (stmt, 3, box->min_lat);
  sqlite3_bind_double (stmt, 4, box->max_lat);
  if (sqlite3_bind_parameter_count (stmt) >= 8)
    {
      sqlite3_bind_double (stmt, 5, floor (box->min_lon * scale));
      sqlite3_bind_double (stmt, 6, ceil (box->max_lon * scale));
      sqlite3_bind_double (stmt, 7, floor (box->min_lat * scale));
      sqlite3_bind_double (stmt, 8, ceil (box->max_lat * scale));
    }
  while (sqlite3_step (stmt) == SQLITE_ROW)
    n++;
  return n;
}

static void
print_timing_row (const Timing *t,
                  BoxKind       kind,
                  guint         n_boxes)
{
  g_autoptr(GArray) copy = g_array_copy (t->ms[kind]);
  double p50 = percentile (copy, 50);
  double p95 = percentile (copy, 95);

  g_print ("  %-34s %10.0f %10.3f %10.3f\n", t->name,
           n_boxes ? t->rows[kind] / n_boxes : 0, p50, p95);
}

static double
median_of (const Timing *t,
           BoxKind       kind,
           double        p)
{
  g_autoptr(GArray) copy = g_array_copy (t->ms[kind]);

  return percentile (copy, p);
}

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) reports = NULL;
  g_autoptr(BdStore) store = NULL;
  g_autoptr(GArray) boxes = NULL;
  g_autofree char *tmpdir = NULL;
  g_autofree char *store_path = NULL;
  g_autofree char *shell_path = NULL;
  g_autofree char *script_path = NULL;
  g_autofree char *scan_sql = NULL;
  g_autofree char *rtree_sql = NULL;
  Schema schema = { 0 };
  sqlite3 *db = NULL;
  sqlite3_stmt *scan = NULL, *rtree = NULL;
  Timing t_store, t_rtree, t_scan;
  guint n_reports = DEFAULT_REPORTS, n_boxes = DEFAULT_BOXES;
  double min_lon = G_MAXDOUBLE, min_lat = G_MAXDOUBLE;
  double max_lon = -G_MAXDOUBLE, max_lat = -G_MAXDOUBLE;
  double t0, t_generate, t_ours, t_shell, ours_rate, shell_rate;
  guint mismatches = 0;
  gint64 mismatch_rows = 0;
  gint64 n_dumped;
  goffset script_size = 0;
  guint i, k;

  if (argc > 1)
    n_reports = (guint) g_ascii_strtoull (argv[1], NULL, 10);
  if (argc > 2)
    n_boxes = (guint) g_ascii_strtoull (argv[2], NULL, 10);
  if (n_reports == 0 || n_boxes == 0)
    {
      g_printerr ("Usage: bench-store [N-REPORTS] [N-BOXES]\n");
      return 2;
    }

  tmpdir = g_dir_make_tmp ("bench-store-XXXXXX", &error);
  if (tmpdir == NULL)
    {
      g_printerr ("bench-store: %s\n", error->message);
      return 1;
    }
  store_path = g_build_filename (tmpdir, "store.sqlite", NULL);
  shell_path = g_build_filename (tmpdir, "shell.sqlite", NULL);
  script_path = g_build_filename (tmpdir, "import.sql", NULL);

  g_print ("Bosai Desk store benchmark: %u demo reports (seed %u), SQLite %s\n\n",
           n_reports, BD_DEMO_DEFAULT_SEED, sqlite3_libversion ());

  /* 1. Inserts */
  t0 = now_seconds ();
  reports = bd_demo_generate (n_reports, BD_DEMO_DEFAULT_SEED);
  t_generate = now_seconds () - t0;
  for (i = 0; i < reports->len; i++)
    {
      BdReport *report = g_ptr_array_index (reports, i);
      double lon = bd_report_get_longitude (report);
      double lat = bd_report_get_latitude (report);

      min_lon = MIN (min_lon, lon);
      max_lon = MAX (max_lon, lon);
      min_lat = MIN (min_lat, lat);
      max_lat = MAX (max_lat, lat);
    }

  store = bd_store_open (store_path, &error);
  if (store == NULL)
    {
      g_printerr ("bench-store: bd_store_open: %s\n", error->message);
      return 1;
    }
  t0 = now_seconds ();
  if (!bd_store_insert_batch (store, reports, FALSE, "bench", &error))
    {
      g_printerr ("bench-store: bd_store_insert_batch: %s\n", error->message);
      return 1;
    }
  t_ours = now_seconds () - t0;
  ours_rate = n_reports / t_ours;
  g_clear_pointer (&reports, g_ptr_array_unref);

  if (sqlite3_open_v2 (store_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    die_sqlite (db, store_path);
  inspect_schema (db, &schema);
  n_dumped = write_script (db, &schema, script_path);
  {
    GStatBuf st;

    if (g_stat (script_path, &st) == 0)
      script_size = st.st_size;
  }
  t_shell = run_shell_import (shell_path, script_path);
  shell_rate = t_shell > 0 ? n_dumped / t_shell : NAN;

  g_print ("Insert into a fresh database (WAL, synchronous=FULL, one transaction)\n");
  g_print ("  %-46s %12s %10s\n", "", "reports/s", "seconds");
  g_print ("  %-46s %12.0f %10.3f\n", "bd_store_insert_batch ()", ours_rate, t_ours);
  g_print ("  %-46s %12.0f %10.3f\n", "sqlite3 shell, SQL script of the same rows", shell_rate, t_shell);
  g_print ("  tables: reports + indexes as the store has them, R*Tree %s (x%g), FTS5 %s\n",
           schema.rtree ? schema.rtree : "(none found)", schema.rtree_scale,
           schema.fts ? schema.fts : "(none found)");
  g_print ("  (the shell's FTS5 uses the built-in trigram tokenizer; script %.1f MB,\n"
           "   %" G_GINT64_FORMAT " rows; shell database has %" G_GINT64_FORMAT " reports)\n",
           script_size / 1e6, n_dumped, count_rows (shell_path, "reports"));
  g_print ("  ratio shell/ours: %.2f  (target: at most 2.00, i.e. ours within 2x of the shell)\n",
           shell_rate / ours_rate);
  g_print ("  (generating the reports took %.3f s, not counted)\n\n", t_generate);

  /* 2. Queries */
  boxes = g_array_new (FALSE, FALSE, sizeof (Box));
  make_boxes (boxes, n_boxes, min_lon, min_lat, max_lon, max_lat);

  if (schema.lon_col != NULL && schema.lat_col != NULL)
    {
      g_autofree char *qlon = quote_ident (schema.lon_col);
      g_autofree char *qlat = quote_ident (schema.lat_col);

      scan_sql = g_strdup_printf ("SELECT rowid FROM reports NOT INDEXED "
                                  "WHERE %s BETWEEN ?1 AND ?2 AND %s BETWEEN ?3 AND ?4%s",
                                  qlon, qlat, schema.has_deleted ? " AND deleted = 0" : "");
      scan = prepare (db, scan_sql);
    }
  if (schema.rtree != NULL && schema.lon_col != NULL)
    {
      g_autofree char *qrt = quote_ident (schema.rtree);
      g_autofree char *qid = quote_ident (schema.rtree_cols[0]);
      g_autofree char *qx0 = quote_ident (schema.rtree_cols[1]);
      g_autofree char *qx1 = quote_ident (schema.rtree_cols[2]);
      g_autofree char *qy0 = quote_ident (schema.rtree_cols[3]);
      g_autofree char *qy1 = quote_ident (schema.rtree_cols[4]);
      g_autofree char *qlon = quote_ident (schema.lon_col);
      g_autofree char *qlat = quote_ident (schema.lat_col);

      rtree_sql = g_strdup_printf ("SELECT r.rowid FROM %s AS t CROSS JOIN reports AS r ON r.rowid = t.%s "
                                   "WHERE t.%s <= ?6 AND t.%s >= ?5 AND t.%s <= ?8 AND t.%s >= ?7 "
                                   "AND r.%s BETWEEN ?1 AND ?2 AND r.%s BETWEEN ?3 AND ?4%s",
                                   qrt, qid, qx0, qx1, qy0, qy1, qlon, qlat,
                                   schema.has_deleted ? " AND r.deleted = 0" : "");
      rtree = prepare (db, rtree_sql);
    }

  timing_init (&t_store, "bd_store_query_rowids ()");
  timing_init (&t_rtree, "R*Tree + rows, plain SQL");
  timing_init (&t_scan, "full scan (NOT INDEXED)");

  /* warm the page cache */
  for (i = 0; i < MIN (WARMUP_BOXES, boxes->len); i++)
    {
      const Box *box = &g_array_index (boxes, Box, i);

      query_store (store, box);
      if (rtree && box->kind == BOX_WARD)
        query_sql (rtree, box, schema.rtree_scale);
      if (scan)
        query_sql (scan, box, 1);
    }

  for (i = 0; i < boxes->len; i++)
    {
      const Box *box = &g_array_index (boxes, Box, i);
      guint n_store, n_scan;
      double ms;

      t0 = now_seconds ();
      n_store = query_store (store, box);
      ms = (now_seconds () - t0) * 1000;
      g_array_append_val (t_store.ms[box->kind], ms);
      t_store.rows[box->kind] += n_store;

      /* (city-sized: the join reads every row; too slow to be worth it) */
      if (rtree && box->kind == BOX_WARD)
        {
          guint n;

          t0 = now_seconds ();
          n = query_sql (rtree, box, schema.rtree_scale);
          ms = (now_seconds () - t0) * 1000;
          g_array_append_val (t_rtree.ms[box->kind], ms);
          t_rtree.rows[box->kind] += n;
        }
      if (scan)
        {
          t0 = now_seconds ();
          n_scan = query_sql (scan, box, 1);
          ms = (now_seconds () - t0) * 1000;
          g_array_append_val (t_scan.ms[box->kind], ms);
          t_scan.rows[box->kind] += n_scan;
          if (n_scan != n_store)
            {
              mismatches++;
              mismatch_rows += (gint64) n_store - (gint64) n_scan;
            }
        }
    }

  g_print ("Bounding-box queries: %u boxes (seed %u), city bbox %.4f,%.4f - %.4f,%.4f\n",
           boxes->len, BOX_SEED, min_lon, min_lat, max_lon, max_lat);
  for (k = 0; k < 2; k++)
    {
      BoxKind kind = k == 0 ? BOX_WARD : BOX_CITY;
      guint n_kind = t_store.ms[kind]->len;

      g_print ("\n  %s boxes (%u)%*s %10s %10s %10s\n",
               kind == BOX_WARD ? "Ward-sized, 2-3 km square," : "City-sized, whole city +-20%,",
               n_kind, kind == BOX_WARD ? 3 : 0, "", "rows avg", "p50 ms", "p95 ms");
      print_timing_row (&t_store, kind, n_kind);
      if (rtree && kind == BOX_WARD)
        print_timing_row (&t_rtree, kind, n_kind);
      if (scan)
        {
          print_timing_row (&t_scan, kind, n_kind);
          g_print ("  ratio scan / bd_store_query_rowids: p50 %.1fx, p95 %.1fx",
                   median_of (&t_scan, kind, 50) / median_of (&t_store, kind, 50),
                   median_of (&t_scan, kind, 95) / median_of (&t_store, kind, 95));
          if (rtree && kind == BOX_WARD)
            g_print ("; scan / plain R*Tree: p50 %.1fx",
                     median_of (&t_scan, kind, 50) / median_of (&t_rtree, kind, 50));
          g_print ("\n");
          if (kind == BOX_WARD)
            g_print ("  (target: the R*Tree at least 50x faster than the scan)\n");
          else
            g_print ("  (a city-sized box returns nearly every row, so the index cannot\n"
                     "   skip much and the ratio is near 1; no target)\n");
        }
    }
  if (scan == NULL)
    g_print ("\n  (no lon/lat columns found in the reports table: scan not timed)\n");
  if (mismatches > 0)
    g_print ("\n  Note: the store and the exact scan returned different row counts on %u boxes\n"
             "  (%+" G_GINT64_FORMAT " rows in all: points within the R*Tree's rounding of a box's edge)\n",
             mismatches, mismatch_rows);

  timing_clear (&t_store);
  timing_clear (&t_rtree);
  timing_clear (&t_scan);
  sqlite3_finalize (scan);
  sqlite3_finalize (rtree);
  sqlite3_close (db);
  schema_clear (&schema);
  g_clear_object (&store);
  remove_dir (tmpdir);
  return 0;
}
