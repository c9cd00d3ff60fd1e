/* test-import.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The pieces of import and export (issue 12, part 5) without the command
 * line: the CSV reader (RFC 4180, line numbers, bounds, going on after a
 * bad record), the CSV writer, numbers and formats, the store's
 * bd_store_import_add_report () (a refused report does not end the import;
 * nothing newer is overwritten; a database fault leaves nothing) and
 * bd_import_data () on data in memory.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "bd-csv.h"
#include "bd-export.h"
#include "bd-import.h"
#include "bd-store.h"

/* Reads every record of @text: "a|b|c" per record, "!line N: …" per bad one. */
static char *
read_all (const char *text,
          gsize       length)
{
  g_autoptr(BdCsvReader) reader = bd_csv_reader_new (text, length);
  g_autoptr(GString) out = g_string_new (NULL);

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      BdCsvStatus status = bd_csv_reader_next (reader, &error);
      const char * const *fields;
      guint n;

      if (status == BD_CSV_END)
        break;
      if (out->len > 0)
        g_string_append_c (out, '\n');
      if (status == BD_CSV_BAD_RECORD)
        {
          g_assert_nonnull (error);
          g_string_append_printf (out, "!%s", error->message);
          continue;
        }
      g_assert_no_error (error);
      fields = bd_csv_reader_get_fields (reader, &n);
      g_string_append_printf (out, "%u:", bd_csv_reader_get_line (reader));
      for (guint i = 0; i < n; i++)
        g_string_append_printf (out, "%s%s", i > 0 ? "|" : "", fields[i]);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
test_csv_read (void)
{
  struct { const char *in; const char *out; } cases[] = {
    { "a,b,c\r\n1,2,3\r\n", "1:a|b|c\n2:1|2|3" },
    { "\xEF\xBB\xBF" "a,b\n1,2", "1:a|b\n2:1|2" },                 /* BOM, LF, no last break */
    { "a,\"x,y\",\"say \"\"hi\"\"\"\r\n", "1:a|x,y|say \"hi\"" },
    { "\"two\nlines\",b\r\nc,d\r\n", "1:two\nlines|b\n3:c|d" },     /* lines counted inside */
    { "a,b\r\n\r\n\nc,d\r\n", "1:a|b\n4:c|d" },                     /* empty lines skipped */
    { "a,,\r\n", "1:a||" },
    { ",\r\n", "1:|" },
    { "a,b\"c,d\r\ne,f\r\n", "!line 1: a quote inside a field that does not start with one\n2:e|f" },
    { "\"a\"b,c\r\nd\r\n", "!line 1: text after the closing quote of a field (a quote inside a field must be doubled)\n2:d" },
    { "a\r\n\"open,\r\nb\r\n", "1:a\n!line 2: a quoted field is never closed (the file ends inside it)" },
    { "a\r\nb\x82\xa0,c\r\nd\r\n", "1:a\n!line 2 is not UTF-8 text (saved as Shift_JIS?); save the file as UTF-8 and import it again\n3:d" },
    { "a\r\n\"x\ny\n\x82\xa0\"\r\nd\r\n", "1:a\n!line 4 is not UTF-8 text (saved as Shift_JIS?); save the file as UTF-8 and import it again\n5:d" },
    { "a,b,", "1:a|b|" },                                           /* a comma at the very end */
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = read_all (cases[i].in, strlen (cases[i].in));

      g_test_message ("case %u", i);
      g_assert_cmpstr (got, ==, cases[i].out);
    }

  /* a NUL byte */
  {
    static const char nul[] = "a\r\nb\0c\r\nd\r\n";
    g_autofree char *got = read_all (nul, sizeof nul - 1);

    g_assert_cmpstr (got, ==, "1:a\n!line 2: a NUL byte is not text\n3:d");
  }
}

static void
test_csv_bounds (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *got = NULL;
  g_autofree char *big = NULL;

  /* too many fields: said, and the next line is read */
  for (guint i = 0; i < BD_CSV_MAX_FIELDS + 1; i++)
    g_string_append (text, i > 0 ? ",x" : "x");
  g_string_append (text, "\r\nok\r\n");
  got = read_all (text->str, text->len);
  g_assert_cmpstr (got, ==, "!line 1: more than 256 fields\n2:ok");

  /* a field over 1 MiB, quoted or not */
  for (guint quoted = 0; quoted < 2; quoted++)
    {
      g_autofree char *expected = NULL;

      g_string_truncate (text, 0);
      g_string_append (text, quoted ? "\"" : "");
      g_string_append_len (text, (big = g_strnfill (BD_CSV_MAX_FIELD_BYTES + 1, 'a')),
                           BD_CSV_MAX_FIELD_BYTES + 1);
      g_clear_pointer (&big, g_free);
      g_string_append (text, quoted ? "\",b\r\nok\r\n" : ",b\r\nok\r\n");
      g_clear_pointer (&got, g_free);
      got = read_all (text->str, text->len);
      g_assert_cmpstr (got, ==, "!line 1: a field is larger than 1 MiB\n2:ok");
    }
}

static void
test_csv_write (void)
{
  const char *values[] = { "plain", "", "a,b", "say \"hi\"", "two\nlines", " lead", "trail ",
                           "北区 梅田", "\r" };
  g_autoptr(GString) line = g_string_new (NULL);
  g_autoptr(BdCsvReader) reader = NULL;
  const char * const *fields;
  guint n;

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    bd_csv_append_field (line, values[i], i == 0);
  g_string_append (line, "\r\n");
  g_assert_cmpstr (line->str, ==,
                   "plain,,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\" lead\",\"trail \","
                   "北区 梅田,\"\r\"\r\n");
  reader = bd_csv_reader_new (line->str, line->len);
  g_assert_cmpint (bd_csv_reader_next (reader, NULL), ==, BD_CSV_RECORD);
  fields = bd_csv_reader_get_fields (reader, &n);
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (values));
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (fields[i], ==, values[i]);
  g_assert_cmpint (bd_csv_reader_next (reader, NULL), ==, BD_CSV_END);
}

static void
test_formats (void)
{
  double values[] = { 34.704, 135.5040001, 0.1 + 0.2, 1e-7, 3, -0.0, 12345.678 };

  g_assert_cmpint (bd_file_format_from_path ("/a/b.GeoJSON"), ==, BD_FILE_FORMAT_GEOJSON);
  g_assert_cmpint (bd_file_format_from_path ("b.json"), ==, BD_FILE_FORMAT_GEOJSON);
  g_assert_cmpint (bd_file_format_from_path ("b.csv"), ==, BD_FILE_FORMAT_CSV);
  g_assert_cmpint (bd_file_format_from_path ("報告.kml"), ==, BD_FILE_FORMAT_KML);
  g_assert_cmpint (bd_file_format_from_path ("b.txt"), ==, BD_FILE_FORMAT_NONE);
  g_assert_cmpint (bd_file_format_from_path ("a.csv/b"), ==, BD_FILE_FORMAT_NONE);
  g_assert_cmpint (bd_file_format_from_path ("noext"), ==, BD_FILE_FORMAT_NONE);

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autofree char *text = bd_export_format_number (values[i]);

      g_assert_true (g_ascii_strtod (text, NULL) == values[i]);
    }
  {
    g_autofree char *short_text = bd_export_format_number (34.704);

    g_assert_cmpstr (short_text, ==, "34.704");
  }
}

/* The store's side */

typedef struct
{
  char    *dir;
  char    *path;
  BdStore *store;
} Fixture;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("bd-test-import-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "reports.sqlite", NULL);
  f->store = bd_store_open (f->path, &error);
  g_assert_no_error (error);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_clear_object (&f->store);
  dir = g_dir_open (f->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);

      g_remove (path);
    }
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static BdReport *
make_report (const char *id,
             const char *title,
             const char *updated)
{
  BdReport *report = bd_report_new ();
  g_autoptr(GDateTime) created = bd_parse_timestamp ("2026-12-06T09:00:00+09:00");
  g_autoptr(GDateTime) when = bd_parse_timestamp (updated);

  bd_report_set_id (report, id);
  bd_report_set_location (report, 34.704, 135.504);
  bd_report_set_ward (report, "271276");
  bd_report_set_category (report, "road");
  bd_report_set_severity (report, 3);
  bd_report_set_status (report, "new");
  bd_report_set_title (report, title);
  bd_report_set_observed_at (report, created);
  bd_report_set_created_at (report, created);
  bd_report_set_updated_at (report, when);
  return report;
}

#define ID_A "2f1c0c3e-8d43-4b0a-9a55-0d5f1a0c00a1"
#define ID_B "2f1c0c3e-8d43-4b0a-9a55-0d5f1a0c00b2"

static void
test_add_report (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdStoreImport) import = NULL;
  g_autoptr(BdReport) a = make_report (ID_A, "北区 冠水", "2026-12-06T10:00:00+09:00");
  g_autoptr(BdReport) bad = make_report (ID_B, "", "2026-12-06T10:00:00+09:00");
  g_autoptr(BdReport) again = NULL;
  g_autoptr(BdReport) stored = NULL;
  BdStoreImportOutcome outcome;
  guint n_written, n_unchanged;

  import = bd_store_import_begin (f->store, "test", &error);
  g_assert_no_error (error);
  g_assert_true (bd_store_import_add_report (import, a, &outcome, &error));
  g_assert_cmpint (outcome, ==, BD_STORE_IMPORT_WRITTEN);
  /* refused: no title; the import goes on */
  g_assert_false (bd_store_import_add_report (import, bad, &outcome, &error));
  g_assert_error (error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  /* the same id again: refused, goes on */
  again = bd_report_copy (a);
  g_assert_false (bd_store_import_add_report (import, again, &outcome, &error));
  g_assert_error (error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (bd_store_import_commit (import, &n_written, &n_unchanged, &error));
  g_assert_no_error (error);
  g_clear_pointer (&import, bd_store_import_free);
  g_assert_cmpint (bd_store_count (f->store), ==, 1);
  g_assert_cmpint (bd_store_count_outbox (f->store), ==, 1);

  /* Its own stamps are kept. */
  stored = bd_store_get_report (f->store, ID_A, &error);
  g_assert_no_error (error);
  g_assert_true (g_date_time_equal (bd_report_get_updated_at (stored),
                                    bd_report_get_updated_at (a)));

  /* An older copy: nothing written, the newer kept. Same content: unchanged. */
  {
    g_autoptr(BdReport) older = make_report (ID_A, "古い", "2026-12-06T09:30:00+09:00");
    g_autoptr(BdReport) same = make_report (ID_A, "北区 冠水", "2026-12-06T10:00:00+09:00");
    g_autoptr(BdReport) now = NULL;

    import = bd_store_import_begin (f->store, "test", &error);
    g_assert_true (bd_store_import_add_report (import, older, &outcome, &error));
    g_assert_cmpint (outcome, ==, BD_STORE_IMPORT_OLDER);
    g_assert_true (bd_store_import_commit (import, NULL, NULL, &error));
    g_clear_pointer (&import, bd_store_import_free);
    import = bd_store_import_begin (f->store, "test", &error);
    g_assert_true (bd_store_import_add_report (import, same, &outcome, &error));
    g_assert_cmpint (outcome, ==, BD_STORE_IMPORT_UNCHANGED);
    g_assert_true (bd_store_import_commit (import, NULL, NULL, &error));
    g_clear_pointer (&import, bd_store_import_free);
    now = bd_store_get_report (f->store, ID_A, &error);
    g_assert_cmpstr (bd_report_get_title (now), ==, "北区 冠水");
    g_assert_cmpint (bd_store_count_outbox (f->store), ==, 1);
  }
}

/* A database fault part-way: bd_import_data () fails, nothing written. */
static void
test_fault (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdImportResult) result = NULL;
  g_autoptr(GString) csv = g_string_new ("id,title,lat,lon,ward,category,severity,observed_at\r\n");
  sqlite3 *db = _bd_store_get_connection (f->store);

  for (guint i = 0; i < 50; i++)
    g_string_append_printf (csv, "2f1c0c3e-8d43-4b0a-9a55-0d5f1a0c%04u,報告 %u,34.70,135.50,"
                            "271276,road,2,2026-12-06T09:00:00+09:00\r\n", i, i);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TRIGGER fault BEFORE INSERT ON reports WHEN "
                                 "NEW.id LIKE '%0040' BEGIN SELECT RAISE (ABORT, 'injected'); "
                                 "END", NULL, NULL, NULL), ==, SQLITE_OK);
  result = bd_import_data (f->store, csv->str, csv->len, BD_FILE_FORMAT_NONE, "test", NULL,
                           &error);
  g_assert_null (result);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "line 42: "));
  g_assert_nonnull (strstr (error->message, "injected"));
  g_assert_cmpint (bd_store_count (f->store), ==, 0);
  g_assert_cmpint (bd_store_count_outbox (f->store), ==, 0);

  /* Without the fault, all 50 (sniffed as CSV). */
  g_clear_error (&error);
  g_assert_cmpint (sqlite3_exec (db, "DROP TRIGGER fault", NULL, NULL, NULL), ==, SQLITE_OK);
  result = bd_import_data (f->store, csv->str, csv->len, BD_FILE_FORMAT_NONE, "test", NULL,
                           &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->format, ==, BD_FILE_FORMAT_CSV);
  g_assert_cmpuint (result->n_imported, ==, 50);
  g_assert_cmpint (bd_store_count (f->store), ==, 50);
}

/* A cancelled import writes nothing. */
static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(BdImportResult) result = NULL;
  const char *text = "{\"type\": \"FeatureCollection\", \"features\": [{\"type\": \"Feature\", "
                     "\"geometry\": {\"type\": \"Point\", \"coordinates\": [135.5, 34.7]}, "
                     "\"properties\": {\"title\": \"a\", \"ward\": \"271276\", \"category\": "
                     "\"road\", \"severity\": 1, \"observed_at\": \"2026-12-06T09:00:00+09:00\"}}]}";

  g_cancellable_cancel (cancellable);
  result = bd_import_data (f->store, text, strlen (text), BD_FILE_FORMAT_NONE, "test",
                           cancellable, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (bd_store_count (f->store), ==, 0);
  g_clear_error (&error);
  result = bd_import_data (f->store, text, strlen (text), BD_FILE_FORMAT_NONE, "test", NULL,
                           &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->n_imported, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bd/csv/read", test_csv_read);
  g_test_add_func ("/bd/csv/bounds", test_csv_bounds);
  g_test_add_func ("/bd/csv/write", test_csv_write);
  g_test_add_func ("/bd/export/formats", test_formats);
  g_test_add ("/bd/import/add-report", Fixture, NULL, setup, test_add_report, teardown);
  g_test_add ("/bd/import/fault", Fixture, NULL, setup, test_fault, teardown);
  g_test_add ("/bd/import/cancel", Fixture, NULL, setup, test_cancel, teardown);

  return g_test_run ();
}
