/* fuzz-fts.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fuzz target: what a user types into the search box. The tokenizer must
 * accept any bytes, and the MATCH expression built from any text must be
 * valid FTS5 syntax (SQLite never answers with a syntax error).
 */

#include "config.h"

#include <stdint.h>
#include <sqlite3.h>

#include "bd-fts-private.h"
#include "fuzz-target.h"

static sqlite3 *db;

static void
ensure_db (void)
{
  g_autoptr(GError) error = NULL;

  if (db != NULL)
    return;

  g_assert_cmpint (sqlite3_open (":memory:", &db), ==, SQLITE_OK);
  g_assert_true (_bd_fts_register (db, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_exec (db,
                                 "CREATE VIRTUAL TABLE t USING fts5(body, tokenize='bd');"
                                 "INSERT INTO t(body) VALUES ('北区 梅田付近 道路冠水 road flooded');",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = NULL;
  g_autofree char *query = NULL;
  g_autoptr(GPtrArray) tokens = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  ensure_db ();

  /* Search text comes from a GtkEntry: valid UTF-8. Make it so. */
  text = g_utf8_make_valid ((const char *) data, size);

  tokens = _bd_fts_tokenize (text, FALSE);
  g_assert_nonnull (tokens);
  g_clear_pointer (&tokens, g_ptr_array_unref);
  tokens = _bd_fts_tokenize (text, TRUE);
  g_assert_nonnull (tokens);

  query = _bd_fts_build_query (text);
  if (query == NULL)
    return 0;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT rowid FROM t WHERE t MATCH ?1", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, query, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ;
  if (rc != SQLITE_DONE)
    g_error ("query %s built from %s failed: %s", query, text, sqlite3_errmsg (db));
  sqlite3_finalize (stmt);

  return 0;
}
