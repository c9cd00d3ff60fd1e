/* fuzz-csv.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fuzz target: CSV from untrusted bytes (an imported file). Whatever the
 * input, the reader must end, return records of valid UTF-8 within its
 * bounds or an error naming a line, never crash; the import's reading of
 * our columns must give reports that validate and survive the CSV writer
 * and a second reading unchanged.
 */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "bd-csv.h"
#include "bd-import-private.h"
#include "fuzz-target.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(BdCsvReader) reader = bd_csv_reader_new ((const char *) data, size);
  g_autoptr(GPtrArray) reports = NULL;
  g_autoptr(BdImportResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint n_records = 0;
  gsize last = 0;

  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      BdCsvStatus status = bd_csv_reader_next (reader, &local_error);
      const char * const *fields;
      guint n_fields;

      /* always moves on */
      g_assert_true (status == BD_CSV_END || bd_csv_reader_get_offset (reader) > last ||
                     size == 0);
      last = bd_csv_reader_get_offset (reader);
      g_assert_cmpuint (last, <=, size);
      if (status == BD_CSV_END)
        {
          g_assert_no_error (local_error);
          break;
        }
      n_records++;
      if (status == BD_CSV_BAD_RECORD)
        {
          g_assert_nonnull (local_error);
          g_assert_true (g_str_has_prefix (local_error->message, "line "));
          continue;
        }
      g_assert_no_error (local_error);
      fields = bd_csv_reader_get_fields (reader, &n_fields);
      g_assert_cmpuint (n_fields, >=, 1);
      g_assert_cmpuint (n_fields, <=, BD_CSV_MAX_FIELDS);
      g_assert_null (fields[n_fields]);
      for (guint i = 0; i < n_fields; i++)
        {
          g_autoptr(GString) line = g_string_new (NULL);
          g_autoptr(BdCsvReader) again = NULL;
          guint n_again;

          g_assert_true (g_utf8_validate (fields[i], -1, NULL));
          g_assert_cmpuint (strlen (fields[i]), <=, BD_CSV_MAX_FIELD_BYTES);
          /* what the writer makes of a field reads back as it */
          /* (not first in the file, where a byte-order mark is skipped) */
          g_string_append (line, "x");
          bd_csv_append_field (line, fields[i], FALSE);
          g_string_append (line, "\r\n");
          again = bd_csv_reader_new (line->str, line->len);
          g_assert_cmpint (bd_csv_reader_next (again, NULL), ==, BD_CSV_RECORD);
          g_assert_cmpstr (bd_csv_reader_get_fields (again, &n_again)[1], ==, fields[i]);
          g_assert_cmpuint (n_again, ==, 2);
        }
    }

  reports = _bd_import_read_csv ((const char *) data, size, &result, &error);
  if (reports == NULL)
    g_assert_nonnull (error);
  else
    {
      g_assert_no_error (error);
      g_assert_cmpuint (result->n_imported, ==, 0);
      g_assert_cmpuint (reports->len + result->n_skipped, <=, n_records + 1);
      for (guint i = 0; i < reports->len; i++)
        g_assert_true (bd_report_validate (g_ptr_array_index (reports, i), NULL));
    }
  return 0;
}
