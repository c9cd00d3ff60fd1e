/* bd-csv.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* CSV as RFC 4180 has it (fields separated by commas, records by CRLF or
 * LF, a field in double quotes may hold commas, line breaks and doubled
 * quotes), UTF-8 only (a byte-order mark at the start is skipped), read
 * from text in memory (a mapped file) one record at a time, with bounds. */

#define BD_CSV_ERROR (bd_csv_error_quark ())

typedef enum
{
  BD_CSV_ERROR_QUOTING,      /* a quote where none may be, or never closed */
  BD_CSV_ERROR_ENCODING,     /* not UTF-8 (Shift_JIS, say), or a NUL byte */
  BD_CSV_ERROR_TOO_LARGE,    /* a field or record over the bounds */
} BdCsvError;

#define BD_CSV_MAX_FIELDS       256
#define BD_CSV_MAX_FIELD_BYTES  ((gsize) 1 << 20)

typedef enum
{
  BD_CSV_RECORD,       /* a record was read: bd_csv_reader_get_fields () */
  BD_CSV_BAD_RECORD,   /* a record could not be read (error set); reading
                        * goes on at the next line, or the end */
  BD_CSV_END,          /* nothing more */
} BdCsvStatus;

typedef struct _BdCsvReader BdCsvReader;

GQuark       bd_csv_error_quark         (void);

/* @data must stay valid while the reader is used. */
BdCsvReader *bd_csv_reader_new          (const char   *data,
                                         gsize         length);
void         bd_csv_reader_free         (BdCsvReader  *reader);
/* Reads the next record. Empty lines are skipped. Errors name the line
 * (counted from 1) where the record starts, or where the fault is. */
BdCsvStatus  bd_csv_reader_next         (BdCsvReader  *reader,
                                         GError      **error);
/* The fields of the record just read (valid UTF-8 strings), until the next
 * call; owned by the reader. */
const char * const *bd_csv_reader_get_fields (BdCsvReader *reader,
                                              guint       *n_fields);
/* The line (from 1) on which the record just read starts. */
guint        bd_csv_reader_get_line     (BdCsvReader  *reader);
/* How far the reader has gone, in bytes. */
gsize        bd_csv_reader_get_offset   (BdCsvReader  *reader);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdCsvReader, bd_csv_reader_free)

/* Writing: appends @value to @line as one field (quoted when it holds a
 * comma, a quote, a line break or leading or trailing space), preceded by
 * a comma unless @first. End a record with "\r\n". */
void         bd_csv_append_field        (GString      *line,
                                         const char   *value,
                                         gboolean      first);

G_END_DECLS
