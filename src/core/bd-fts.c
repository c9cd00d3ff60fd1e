/* bd-fts.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-fts"

#include "config.h"

#include "bd-fts-private.h"

#include <string.h>

/* Longest word (Latin letters and digits) we index, in bytes; longer words
 * are cut, in documents and queries alike. */
#define MAX_WORD 240

typedef int (*TokenFunc) (void       *ctx,
                          int         tflags,
                          const char *token,
                          int         n_token,
                          int         start,
                          int         end);

typedef struct
{
  int        flags;
  TokenFunc  func;
  void      *ctx;
  int        rc;

  /* the word being built */
  char       word[MAX_WORD + 8];
  int        word_len;
  int        word_start;
  int        word_end;

  /* the run of CJK characters being read */
  char       prev[8];
  int        prev_len;
  int        prev_start;
  int        prev_end;
  guint      run_len;
} Tokenizer;

static gboolean
is_cjk (gunichar c)
{
  return (c >= 0x3041 && c <= 0x30FA) ||   /* hiragana, katakana */
         (c >= 0x30FC && c <= 0x30FF) ||   /* ー ヽ ヾ ヿ */
         (c >= 0x3005 && c <= 0x3007) ||   /* 々 〆 〇 */
         (c >= 0x31F0 && c <= 0x31FF) ||   /* katakana phonetic extensions */
         (c >= 0x3400 && c <= 0x4DBF) ||   /* CJK extension A */
         (c >= 0x4E00 && c <= 0x9FFF) ||   /* CJK unified ideographs */
         (c >= 0xAC00 && c <= 0xD7AF) ||   /* hangul syllables */
         (c >= 0xF900 && c <= 0xFAFF) ||   /* compatibility ideographs */
         (c >= 0xFF66 && c <= 0xFF9D) ||   /* half-width katakana */
         (c >= 0x20000 && c <= 0x3FFFF);   /* CJK extensions B and later */
}

/* Characters that NFKC leaves alone, and that never combine with their
 * neighbours: most Japanese text is made of them only. */
static gboolean
is_nfkc_stable (gunichar c)
{
  if (c >= 0x4E00 && c <= 0x9FFF)
    return TRUE;
  if (c < 0x3001 || c > 0x30FE)
    return FALSE;

  return !((c >= 0x302A && c <= 0x302F) || c == 0x3036 ||
           (c >= 0x3038 && c <= 0x303A) ||
           (c >= 0x3099 && c <= 0x309C) || c == 0x309F);
}

static gboolean
is_combining (gunichar c)
{
  return g_unichar_combining_class (c) != 0 ||
         c == 0x3099 || c == 0x309A ||      /* combining (semi-)voiced marks */
         c == 0xFF9E || c == 0xFF9F;        /* half-width ﾞ ﾟ */
}

static void
emit (Tokenizer  *t,
      int         tflags,
      const char *token,
      int         n_token,
      int         start,
      int         end)
{
  if (t->rc != SQLITE_OK)
    return;
  t->rc = t->func (t->ctx, tflags, token, n_token, start, end);
}

static void
flush_word (Tokenizer *t)
{
  if (t->word_len > 0)
    emit (t, 0, t->word, t->word_len, t->word_start, t->word_end);
  t->word_len = 0;
}

static void
flush_cjk (Tokenizer *t)
{
  if (t->run_len == 1)
    emit (t, 0, t->prev, t->prev_len, t->prev_start, t->prev_end);
  else if (t->run_len > 1 && !(t->flags & FTS5_TOKENIZE_QUERY))
    emit (t, FTS5_TOKEN_COLOCATED, t->prev, t->prev_len, t->prev_start, t->prev_end);
  t->run_len = 0;
}

static void
feed (Tokenizer *t,
      gunichar   c,
      int        start,
      int        end)
{
  char buf[8];
  int n;

  if (c < 0x80)
    {
      if (g_ascii_isalnum (c))
        {
          flush_cjk (t);
          if (t->word_len == 0)
            t->word_start = start;
          if (t->word_len < MAX_WORD)
            t->word[t->word_len++] = g_ascii_tolower (c);
          t->word_end = end;
        }
      else
        {
          flush_word (t);
          flush_cjk (t);
        }
      return;
    }

  if (is_cjk (c))
    {
      flush_word (t);
      n = g_unichar_to_utf8 (c, buf);
      if (t->run_len > 0)
        {
          char bigram[16];

          memcpy (bigram, t->prev, t->prev_len);
          memcpy (bigram + t->prev_len, buf, n);
          emit (t, 0, bigram, t->prev_len + n, t->prev_start, end);
        }
      memcpy (t->prev, buf, n);
      t->prev_len = n;
      t->prev_start = start;
      t->prev_end = end;
      t->run_len++;
    }
  else if (g_unichar_isalnum (c) || (t->word_len > 0 && g_unichar_ismark (c)))
    {
      flush_cjk (t);
      n = g_unichar_to_utf8 (g_unichar_tolower (c), buf);
      if (t->word_len == 0)
        t->word_start = start;
      if (t->word_len + n <= MAX_WORD)
        {
          memcpy (t->word + t->word_len, buf, n);
          t->word_len += n;
        }
      t->word_end = end;
    }
  else
    {
      flush_word (t);
      flush_cjk (t);
    }
}

static void
tokenize_text (Tokenizer  *t,
               const char *text,
               int         len)
{
  gboolean ascii = TRUE;
  gboolean normalize = FALSE;
  int p;

  for (p = 0; p < len; p++)
    {
      if ((guchar) text[p] >= 0x80)
        {
          ascii = FALSE;
          break;
        }
    }

  if (ascii)
    {
      for (p = 0; p < len && t->rc == SQLITE_OK; p++)
        feed (t, (guchar) text[p], p, p + 1);
      flush_word (t);
      return;
    }

  /* The common case: no character that NFKC would change. */
  normalize = FALSE;
  for (p = 0; p < len; )
    {
      gunichar c;

      if ((guchar) text[p] < 0x80)
        {
          p++;
          continue;
        }
      c = g_utf8_get_char_validated (text + p, len - p);
      if (c == (gunichar) -1 || c == (gunichar) -2 || !is_nfkc_stable (c))
        {
          normalize = TRUE;
          break;
        }
      p += g_utf8_next_char (text + p) - (text + p);
    }

  /* Otherwise, does NFKC change it at all? (Not UTF-8: take it piece by piece.) */
  if (normalize && g_utf8_validate_len (text, len, NULL))
    {
      g_autofree char *norm = g_utf8_normalize (text, len, G_NORMALIZE_NFKC);

      normalize = norm == NULL || strlen (norm) != (gsize) len || memcmp (norm, text, len) != 0;
    }

  p = 0;
  while (p < len && t->rc == SQLITE_OK)
    {
      gunichar c = g_utf8_get_char_validated (text + p, len - p);
      int q;

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          /* not UTF-8: a separator */
          feed (t, ' ', p, p + 1);
          p++;
          continue;
        }
      if (c < 0x80)
        {
          feed (t, c, p, p + 1);
          p++;
          continue;
        }

      q = p + (g_utf8_next_char (text + p) - (text + p));
      if (!normalize)
        {
          feed (t, c, p, q);
          p = q;
          continue;
        }

      /* a base character with the marks that follow it */
      while (q < len)
        {
          gunichar m = g_utf8_get_char_validated (text + q, len - q);

          if (m == (gunichar) -1 || m == (gunichar) -2 || !is_combining (m))
            break;
          q += g_utf8_next_char (text + q) - (text + q);
        }

      if (is_nfkc_stable (c) && q == p + (int) (g_utf8_next_char (text + p) - (text + p)))
        feed (t, c, p, q);
      else
        {
          g_autofree char *norm = g_utf8_normalize (text + p, q - p, G_NORMALIZE_NFKC);
          const char *s;

          if (norm != NULL)
            for (s = norm; *s != '\0'; s = g_utf8_next_char (s))
              feed (t, g_utf8_get_char (s), p, q);
        }
      p = q;
    }

  flush_word (t);
  flush_cjk (t);
}

static void
tokenizer_init (Tokenizer *t,
                int        flags,
                TokenFunc  func,
                void      *ctx)
{
  memset (t, 0, sizeof *t);
  t->flags = flags;
  t->func = func;
  t->ctx = ctx;
  t->rc = SQLITE_OK;
}

/* FTS5 glue */

static int tokenizer_instance;

static int
bd_fts_create (void            *user_data,
               const char     **args,
               int              n_args,
               Fts5Tokenizer  **out)
{
  *out = (Fts5Tokenizer *) &tokenizer_instance;
  return SQLITE_OK;
}

static void
bd_fts_delete (Fts5Tokenizer *tokenizer)
{
}

static int
bd_fts_tokenize (Fts5Tokenizer *tokenizer,
                 void          *ctx,
                 int            flags,
                 const char    *text,
                 int            len,
                 TokenFunc      func)
{
  Tokenizer t;

  if (text == NULL || len <= 0)
    return SQLITE_OK;

  tokenizer_init (&t, flags, func, ctx);
  tokenize_text (&t, text, len);

  return t.rc == SQLITE_DONE ? SQLITE_OK : t.rc;
}

gboolean
_bd_fts_register (sqlite3  *db,
                  GError  **error)
{
  static fts5_tokenizer tokenizer = {
    bd_fts_create,
    bd_fts_delete,
    bd_fts_tokenize,
  };
  sqlite3_stmt *stmt = NULL;
  fts5_api *api = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, "SELECT fts5(?1)", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_pointer (stmt, 1, &api, "fts5_api_ptr", NULL);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);

  if (api == NULL || api->iVersion < 2)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "SQLite has no FTS5: %s", sqlite3_errmsg (db));
      return FALSE;
    }

  rc = api->xCreateTokenizer (api, BD_FTS_TOKENIZER_NAME, NULL, &tokenizer, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "Cannot register the full-text tokenizer: %s", sqlite3_errstr (rc));
      return FALSE;
    }

  return TRUE;
}

/* Helpers for tests and the query builder */

static int
collect_token (void       *ctx,
               int         tflags,
               const char *token,
               int         n_token,
               int         start,
               int         end)
{
  GPtrArray *tokens = ctx;

  if (tflags & FTS5_TOKEN_COLOCATED)
    g_ptr_array_add (tokens, g_strdup_printf ("+%.*s", n_token, token));
  else
    g_ptr_array_add (tokens, g_strndup (token, n_token));

  return SQLITE_OK;
}

GPtrArray *
_bd_fts_tokenize (const char *text,
                  gboolean    query)
{
  GPtrArray *tokens = g_ptr_array_new_with_free_func (g_free);
  Tokenizer t;

  g_return_val_if_fail (text != NULL, tokens);

  tokenizer_init (&t, query ? FTS5_TOKENIZE_QUERY : FTS5_TOKENIZE_DOCUMENT,
                  collect_token, tokens);
  tokenize_text (&t, text, strlen (text));

  return tokens;
}

typedef struct
{
  guint    n_tokens;
  gboolean last_is_lone_cjk;
} TermInfo;

static int
inspect_token (void       *ctx,
               int         tflags,
               const char *token,
               int         n_token,
               int         start,
               int         end)
{
  TermInfo *info = ctx;
  const char *next = g_utf8_next_char (token);

  info->n_tokens++;
  info->last_is_lone_cjk = (next - token) == n_token && is_cjk (g_utf8_get_char (token));

  return SQLITE_OK;
}

static void
append_term (GString    *query,
             const char *term,
             gsize       len)
{
  TermInfo info = { 0, FALSE };
  Tokenizer t;
  gsize i;

  tokenizer_init (&t, FTS5_TOKENIZE_QUERY, inspect_token, &info);
  tokenize_text (&t, term, len);
  if (info.n_tokens == 0)
    return;

  if (query->len > 0)
    g_string_append (query, " AND ");
  g_string_append_c (query, '"');
  for (i = 0; i < len; i++)
    {
      if (term[i] == '"')
        g_string_append_c (query, '"');
      g_string_append_c (query, term[i]);
    }
  g_string_append_c (query, '"');

  /* A single CJK character is never a token of its own inside a run: ask
   * for every token that starts with it (the bigrams and a run's last
   * character). */
  if (info.last_is_lone_cjk)
    g_string_append_c (query, '*');
}

char *
_bd_fts_build_query (const char *text)
{
  g_autofree char *valid = NULL;
  g_autofree char *norm = NULL;
  g_autoptr(GString) query = g_string_new (NULL);
  const char *p;
  const char *term = NULL;

  if (text == NULL)
    return NULL;

  valid = g_utf8_make_valid (text, -1);
  norm = g_utf8_normalize (valid, -1, G_NORMALIZE_NFKC);
  if (norm == NULL)
    return NULL;

  for (p = norm; ; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == 0 || g_unichar_isspace (c) || c == 0x3000)
        {
          if (term != NULL)
            append_term (query, term, p - term);
          term = NULL;
          if (c == 0)
            break;
        }
      else if (term == NULL)
        term = p;
    }

  if (query->len == 0)
    return NULL;

  return g_string_free (g_steal_pointer (&query), FALSE);
}
