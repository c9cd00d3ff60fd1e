/* test-fts.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>
#include <sqlite3.h>

#include "bd-fts-private.h"

static const char *documents[] = {
  /* 1 */ "北区 梅田付近で火災が発生、延焼のおそれ",
  /* 2 */ "国道2号線 福島区海老江付近 道路冠水 通行困難",
  /* 3 */ "木造住宅が倒壊、住民2名救出済み",
  /* 4 */ "地域一帯で停電が続いている",
  /* 5 */ "配水管破損のため断水",
  /* 6 */ "北区で火災 building fire by the station",
  /* 7 */ "Road FLOODED at Umeda underpass",
  /* 8 */ "ＡＢＣビル 浸水被害",
  /* 9 */ "土砂崩れにより市道が通行止め",
  /* 10 */ "火事と災害の区別",
  /* 11 */ "He said \"NEAR(fire\" - AND * OR bridge",
  /* 12 */ "放火の疑い",
  /* 13 */ "火",
  /* 14 */ "ｶﾞｽ漏れ 半角カナ",
};

typedef struct
{
  sqlite3 *db;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = NULL;
  guint i;
  int rc;

  rc = sqlite3_open (":memory:", &f->db);
  g_assert_cmpint (rc, ==, SQLITE_OK);
  g_assert_true (_bd_fts_register (f->db, &error));
  g_assert_no_error (error);

  rc = sqlite3_exec (f->db,
                     "CREATE VIRTUAL TABLE t USING fts5(body, tokenize='bd')",
                     NULL, NULL, NULL);
  g_assert_cmpint (rc, ==, SQLITE_OK);

  rc = sqlite3_prepare_v2 (f->db, "INSERT INTO t (rowid, body) VALUES (?1, ?2)",
                           -1, &stmt, NULL);
  g_assert_cmpint (rc, ==, SQLITE_OK);
  for (i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      sqlite3_bind_int64 (stmt, 1, i + 1);
      sqlite3_bind_text (stmt, 2, documents[i], -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_assert_cmpint (sqlite3_close (f->db), ==, SQLITE_OK);
}

/* Runs the user's text through the query builder and returns the matching
 * rowids as "1,6" (sorted), or "" for none. */
static char *
search (Fixture    *f,
        const char *text)
{
  g_autofree char *match = _bd_fts_build_query (text);
  g_autoptr(GString) out = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (match == NULL)
    return g_strdup ("");

  rc = sqlite3_prepare_v2 (f->db, "SELECT rowid FROM t WHERE t MATCH ?1 ORDER BY rowid",
                           -1, &stmt, NULL);
  g_assert_cmpint (rc, ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, match, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (out->len > 0)
        g_string_append_c (out, ',');
      g_string_append_printf (out, "%lld", (long long) sqlite3_column_int64 (stmt, 0));
    }
  if (rc != SQLITE_DONE)
    g_error ("query %s (%s) failed: %s", text, match, sqlite3_errmsg (f->db));
  sqlite3_finalize (stmt);

  return g_string_free (g_steal_pointer (&out), FALSE);
}

#define assert_search(f, text, expected) \
  G_STMT_START { \
    g_autofree char *got_ = search ((f), (text)); \
    if (g_strcmp0 (got_, (expected)) != 0) \
      g_error ("search «%s»: expected [%s], got [%s]", (text), (expected), got_); \
  } G_STMT_END

static char *
join_tokens (const char *text,
             gboolean    query)
{
  g_autoptr(GPtrArray) tokens = _bd_fts_tokenize (text, query);

  g_ptr_array_add (tokens, NULL);
  return g_strjoinv ("|", (char **) tokens->pdata);
}

static void
test_tokenizer (void)
{
  static const struct { const char *text; gboolean query; const char *tokens; } cases[] = {
    { "火災", FALSE, "火災|+災" },
    { "火災", TRUE, "火災" },
    { "火", FALSE, "火" },
    { "火", TRUE, "火" },
    { "道路冠水", FALSE, "道路|路冠|冠水|+水" },
    { "道路冠水", TRUE, "道路|路冠|冠水" },
    { "北区で火災 building Fire", FALSE, "北区|区で|で火|火災|+災|building|fire" },
    { "ＡＢＣビル", FALSE, "abc|ビル|+ル" },
    { "ｶﾞｽ", FALSE, "ガス|+ス" },
    { "3棟", FALSE, "3|棟" },
    { "３棟", FALSE, "3|棟" },
    { "Straße ÉCOLE", FALSE, "straße|école" },
    { "\"NEAR(x\" - AND *", FALSE, "near|x|and" },
    { "", FALSE, "" },
    { "。、！", FALSE, "" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = join_tokens (cases[i].text, cases[i].query);

      g_assert_cmpstr (got, ==, cases[i].tokens);
    }
}

static void
test_tokenizer_invalid_utf8 (void)
{
  /* Invalid bytes are separators, never a crash. */
  g_autofree char *got = join_tokens ("ab\xff\xfe" "cd\xe7\x81" "火災", FALSE);

  g_assert_cmpstr (got, ==, "ab|cd|火災|+災");
}

static void
test_build_query (void)
{
  g_autofree char *q1 = _bd_fts_build_query ("火災");
  g_autofree char *q2 = _bd_fts_build_query ("北区  火災\u3000fire");
  g_autofree char *q3 = _bd_fts_build_query ("say \"hi\"");
  g_autofree char *q4 = _bd_fts_build_query ("火");
  g_autofree char *q5 = _bd_fts_build_query ("  - * ( ");
  g_autofree char *q6 = _bd_fts_build_query ("");

  g_assert_cmpstr (q1, ==, "\"火災\"");
  g_assert_cmpstr (q2, ==, "\"北区\" AND \"火災\" AND \"fire\"");
  g_assert_cmpstr (q3, ==, "\"say\" AND \"\"\"hi\"\"\"");
  g_assert_cmpstr (q4, ==, "\"火\"*");
  g_assert_null (q5);
  g_assert_null (q6);
  g_assert_null (_bd_fts_build_query (NULL));
}

static void
test_two_char_words (Fixture       *f,
                     gconstpointer  data)
{
  assert_search (f, "火災", "1,6");
  assert_search (f, "冠水", "2");
  assert_search (f, "倒壊", "3");
  assert_search (f, "停電", "4");
  assert_search (f, "断水", "5");
  /* the last two characters of a longer text */
  assert_search (f, "疑い", "12");
  assert_search (f, "救出", "3");
}

static void
test_longer_words (Fixture       *f,
                   gconstpointer  data)
{
  assert_search (f, "道路冠水", "2");
  assert_search (f, "土砂崩れ", "9");
  assert_search (f, "通行止め", "9");
  assert_search (f, "梅田付近", "1");
  assert_search (f, "海老江付近", "2");
  /* order matters inside a word */
  assert_search (f, "冠水道路", "");
}

static void
test_single_char (Fixture       *f,
                  gconstpointer  data)
{
  /* alone, at the start of a run, at the end of a run */
  assert_search (f, "火", "1,6,10,12,13");
  assert_search (f, "災", "1,6,10");
  assert_search (f, "漏", "14");
}

static void
test_mixed (Fixture       *f,
            gconstpointer  data)
{
  assert_search (f, "北区で火災 building fire", "6");
  assert_search (f, "北区 fire", "6");
  assert_search (f, "火災 building", "6");
  assert_search (f, "北区で火災fire", "");
  assert_search (f, "火災 bridge", "");
}

static void
test_case_and_width (Fixture       *f,
                     gconstpointer  data)
{
  assert_search (f, "flooded", "7");
  assert_search (f, "FLOODED", "7");
  assert_search (f, "Flooded umeda", "7");
  assert_search (f, "ＦＬＯＯＤＥＤ", "7");
  assert_search (f, "abc", "8");
  assert_search (f, "ABCビル", "8");
  assert_search (f, "ＡＢＣ", "8");
  assert_search (f, "ガス", "14");
  assert_search (f, "ｶﾞｽ漏れ", "14");
  assert_search (f, "半角ｶﾅ", "14");
}

static void
test_syntax_characters (Fixture       *f,
                        gconstpointer  data)
{
  assert_search (f, "\"", "");
  assert_search (f, "*", "");
  assert_search (f, "NEAR(", "11");
  assert_search (f, "\"NEAR(fire\"", "11");
  assert_search (f, "AND", "11");
  assert_search (f, "OR", "11");
  assert_search (f, "- bridge", "11");
  assert_search (f, "bridge -fire", "11");
  assert_search (f, "NOT bridge", "");
  assert_search (f, "fire*", "6,11");
  assert_search (f, "title:fire", "");
  assert_search (f, "body:fire", "");
  assert_search (f, "^fire", "6,11");
  assert_search (f, "(火災", "1,6");
  assert_search (f, "火災)", "1,6");
  assert_search (f, "{body}", "");
  assert_search (f, "'; DROP TABLE t; --", "");
  /* the table is still there */
  assert_search (f, "火災", "1,6");
}

static void
test_no_false_positive (Fixture       *f,
                        gconstpointer  data)
{
  /* 火 and 災 both occur in document 10, but not next to each other */
  assert_search (f, "火災", "1,6");
  assert_search (f, "事災", "");
  assert_search (f, "浸水", "8");
  assert_search (f, "地震", "");
  assert_search (f, "fir", "");
  assert_search (f, "firex", "");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bd/fts/tokenizer", test_tokenizer);
  g_test_add_func ("/bd/fts/tokenizer-invalid-utf8", test_tokenizer_invalid_utf8);
  g_test_add_func ("/bd/fts/build-query", test_build_query);
  g_test_add ("/bd/fts/two-char-words", Fixture, NULL,
              fixture_setup, test_two_char_words, fixture_teardown);
  g_test_add ("/bd/fts/longer-words", Fixture, NULL,
              fixture_setup, test_longer_words, fixture_teardown);
  g_test_add ("/bd/fts/single-char", Fixture, NULL,
              fixture_setup, test_single_char, fixture_teardown);
  g_test_add ("/bd/fts/mixed", Fixture, NULL,
              fixture_setup, test_mixed, fixture_teardown);
  g_test_add ("/bd/fts/case-and-width", Fixture, NULL,
              fixture_setup, test_case_and_width, fixture_teardown);
  g_test_add ("/bd/fts/syntax-characters", Fixture, NULL,
              fixture_setup, test_syntax_characters, fixture_teardown);
  g_test_add ("/bd/fts/no-false-positive", Fixture, NULL,
              fixture_setup, test_no_false_positive, fixture_teardown);

  return g_test_run ();
}
