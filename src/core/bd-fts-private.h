/* bd-fts-private.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* The name under which the tokenizer is registered: tokenize='bd'. */
#define BD_FTS_TOKENIZER_NAME "bd"

/* Our FTS5 tokenizer for mixed Japanese and Latin text. The text is first
 * NFKC-normalised (full-width ＡＢＣ becomes abc, half-width ｶﾅ becomes カナ).
 * Latin letters and digits form lower-cased words; a run of CJK characters
 * (kanji, kana, hangul) gives overlapping bigrams, and in documents its last
 * character is also emitted, at the position of the last bigram, so that a
 * one-character prefix query finds every occurrence of that character. A
 * run of one character gives a unigram. */

/* Registers the tokenizer on @db (every connection that touches the FTS
 * table needs it). */
gboolean   _bd_fts_register       (sqlite3     *db,
                                   GError     **error);

/* Tokenizes @text as a document (or, with @query, as a query) and returns
 * the tokens as strings; colocated tokens are prefixed with '+'. For tests. */
GPtrArray *_bd_fts_tokenize       (const char  *text,
                                   gboolean     query);

/* Turns what a user typed into a safe FTS5 MATCH expression: each
 * whitespace-separated term is quoted as an FTS5 string and the terms are
 * ANDed; a term ending in a lone CJK character becomes a prefix query.
 * Terms that hold nothing searchable (punctuation only) are dropped. Returns
 * NULL when nothing searchable remains. */
char      *_bd_fts_build_query    (const char  *text);

G_END_DECLS
