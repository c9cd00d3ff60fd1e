/* bd-csv.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-csv"

#include "config.h"

#include "bd-csv.h"

#include <string.h>

#include <glib/gi18n-lib.h>

/* A reader written here rather than taken from a library: GLib has no CSV
 * reader, libcsv and the like are not in Debian's GNOME stack (nor in the
 * Flatpak runtime), and RFC 4180 is a small grammar. Writing it by hand is
 * what lets it give every fault its line, go on after a bad record (a
 * stray quote spoils one line; only a quote never closed ends the file),
 * bound what it keeps (a field, the fields of a record) and never build
 * more than one record at a time out of a large mapped file. */

G_DEFINE_QUARK (bd-csv-error-quark, bd_csv_error)

struct _BdCsvReader
{
  const char *data;
  gsize       length;
  gsize       pos;
  guint       line;          /* the line at pos, from 1 */
  guint       record_line;
  GPtrArray  *fields;        /* char *, NULL-terminated */
};

BdCsvReader *
bd_csv_reader_new (const char *data,
                   gsize       length)
{
  BdCsvReader *reader;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  reader = g_new0 (BdCsvReader, 1);
  reader->data = data;
  reader->length = length;
  reader->line = 1;
  reader->fields = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (reader->fields, NULL);
  if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    reader->pos = 3;
  return reader;
}

void
bd_csv_reader_free (BdCsvReader *reader)
{
  if (reader == NULL)
    return;

  g_ptr_array_unref (reader->fields);
  g_free (reader);
}

static gboolean
at_line_end (BdCsvReader *reader)
{
  const char *d = reader->data;

  return reader->pos >= reader->length || d[reader->pos] == '\n' ||
         (d[reader->pos] == '\r' && reader->pos + 1 < reader->length &&
          d[reader->pos + 1] == '\n');
}

/* Moves past the line break at pos (if any). */
static void
skip_line_end (BdCsvReader *reader)
{
  if (reader->pos < reader->length && reader->data[reader->pos] == '\r')
    reader->pos++;
  if (reader->pos < reader->length && reader->data[reader->pos] == '\n')
    {
      reader->pos++;
      reader->line++;
    }
}

/* After a stray quote: the rest of this physical line is dropped. */
static void
skip_rest_of_line (BdCsvReader *reader)
{
  const char *end = memchr (reader->data + reader->pos, '\n', reader->length - reader->pos);

  reader->pos = end != NULL ? (gsize) (end - reader->data) : reader->length;
  skip_line_end (reader);
}

static void
set_error_once (GError     **error,
                BdCsvError   code,
                const char  *format,
                ...) G_GNUC_PRINTF (3, 4);

static void
set_error_once (GError     **error,
                BdCsvError   code,
                const char  *format,
                ...)
{
  va_list args;

  if (error == NULL || *error != NULL)
    return;
  va_start (args, format);
  *error = g_error_new_valist (BD_CSV_ERROR, code, format, args);
  va_end (args);
}

/* Checks the field just read for UTF-8 and NUL, naming the line of the
 * first bad byte (@start_line: the line the field starts on). */
static void
check_text (GString     *field,
            guint        start_line,
            GError     **error)
{
  const char *bad = NULL;
  guint line = start_line;

  if (g_utf8_validate (field->str, field->len, &bad))
    return;
  for (const char *p = field->str; p < bad; p++)
    if (*p == '\n')
      line++;
  if (bad < field->str + field->len && *bad == '\0')
    /* Translators: %u is a line number of a CSV file */
    set_error_once (error, BD_CSV_ERROR_ENCODING, _("line %u: a NUL byte is not text"), line);
  else
    set_error_once (error, BD_CSV_ERROR_ENCODING,
                    _("line %u is not UTF-8 text (saved as Shift_JIS?); save the file as "
                      "UTF-8 and import it again"), line);
}

BdCsvStatus
bd_csv_reader_next (BdCsvReader  *reader,
                    GError      **error)
{
  const char *d;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GString) field = NULL;

  g_return_val_if_fail (reader != NULL, BD_CSV_END);
  g_return_val_if_fail (error == NULL || *error == NULL, BD_CSV_END);

  d = reader->data;
  g_ptr_array_set_size (reader->fields, 0);

  /* Empty lines are no records. */
  while (reader->pos < reader->length && at_line_end (reader))
    skip_line_end (reader);
  if (reader->pos >= reader->length)
    {
      g_ptr_array_add (reader->fields, NULL);
      return BD_CSV_END;
    }

  reader->record_line = reader->line;
  field = g_string_new (NULL);
  for (;;)
    {
      guint field_line = reader->line;
      gboolean stray = FALSE;

      g_string_truncate (field, 0);
      if (reader->pos < reader->length && d[reader->pos] == '"')
        {
          guint open_line = reader->line;
          gboolean closed = FALSE;

          reader->pos++;
          while (reader->pos < reader->length)
            {
              char c = d[reader->pos];

              if (c == '"')
                {
                  if (reader->pos + 1 < reader->length && d[reader->pos + 1] == '"')
                    {
                      reader->pos += 2;
                      if (field->len < BD_CSV_MAX_FIELD_BYTES)
                        g_string_append_c (field, '"');
                      continue;
                    }
                  reader->pos++;
                  closed = TRUE;
                  break;
                }
              if (c == '\n')
                reader->line++;
              if (field->len < BD_CSV_MAX_FIELD_BYTES)
                g_string_append_c (field, c);
              else
                set_error_once (&local_error, BD_CSV_ERROR_TOO_LARGE,
                                _("line %u: a field is larger than %u MiB"),
                                open_line, (guint) (BD_CSV_MAX_FIELD_BYTES >> 20));
              reader->pos++;
            }
          if (!closed)
            {
              g_clear_error (&local_error);
              g_set_error (error, BD_CSV_ERROR, BD_CSV_ERROR_QUOTING,
                           _("line %u: a quoted field is never closed (the file ends inside it)"),
                           open_line);
              g_ptr_array_add (reader->fields, NULL);
              return BD_CSV_BAD_RECORD;
            }
          if (!at_line_end (reader) && d[reader->pos] != ',')
            {
              g_clear_error (&local_error);
              g_set_error (error, BD_CSV_ERROR, BD_CSV_ERROR_QUOTING,
                           _("line %u: text after the closing quote of a field (a quote inside "
                             "a field must be doubled)"), reader->line);
              skip_rest_of_line (reader);
              g_ptr_array_add (reader->fields, NULL);
              return BD_CSV_BAD_RECORD;
            }
        }
      else
        {
          gsize start = reader->pos;

          while (reader->pos < reader->length && d[reader->pos] != ',' && !at_line_end (reader))
            {
              if (reader->pos < reader->length && d[reader->pos] == '"')
                stray = TRUE;
              reader->pos++;
            }
          if (stray)
            {
              g_clear_error (&local_error);
              g_set_error (error, BD_CSV_ERROR, BD_CSV_ERROR_QUOTING,
                           _("line %u: a quote inside a field that does not start with one"),
                           reader->line);
              skip_rest_of_line (reader);
              g_ptr_array_add (reader->fields, NULL);
              return BD_CSV_BAD_RECORD;
            }
          if (reader->pos - start > BD_CSV_MAX_FIELD_BYTES)
            set_error_once (&local_error, BD_CSV_ERROR_TOO_LARGE,
                            _("line %u: a field is larger than %u MiB"),
                            field_line, (guint) (BD_CSV_MAX_FIELD_BYTES >> 20));
          else
            g_string_append_len (field, d + start, reader->pos - start);
        }

      if (local_error == NULL)
        check_text (field, field_line, &local_error);
      if (reader->fields->len >= BD_CSV_MAX_FIELDS)
        set_error_once (&local_error, BD_CSV_ERROR_TOO_LARGE,
                        _("line %u: more than %u fields"), reader->record_line,
                        BD_CSV_MAX_FIELDS);
      if (local_error == NULL)
        g_ptr_array_add (reader->fields, g_strndup (field->str, field->len));

      if (reader->pos < reader->length && d[reader->pos] == ',')
        {
          reader->pos++;
          continue;
        }
      skip_line_end (reader);
      break;
    }

  if (local_error != NULL)
    {
      g_ptr_array_set_size (reader->fields, 0);
      g_ptr_array_add (reader->fields, NULL);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return BD_CSV_BAD_RECORD;
    }
  g_ptr_array_add (reader->fields, NULL);
  return BD_CSV_RECORD;
}

const char * const *
bd_csv_reader_get_fields (BdCsvReader *reader,
                          guint       *n_fields)
{
  g_return_val_if_fail (reader != NULL, NULL);

  if (n_fields != NULL)
    *n_fields = reader->fields->len - 1;
  return (const char * const *) reader->fields->pdata;
}

guint
bd_csv_reader_get_line (BdCsvReader *reader)
{
  g_return_val_if_fail (reader != NULL, 0);

  return reader->record_line;
}

gsize
bd_csv_reader_get_offset (BdCsvReader *reader)
{
  g_return_val_if_fail (reader != NULL, 0);

  return reader->pos;
}

void
bd_csv_append_field (GString    *line,
                     const char *value,
                     gboolean    first)
{
  gsize n;

  g_return_if_fail (line != NULL);

  if (!first)
    g_string_append_c (line, ',');
  if (value == NULL || value[0] == '\0')
    return;

  n = strlen (value);
  if (strpbrk (value, ",\"\r\n") == NULL && value[0] != ' ' && value[n - 1] != ' ' &&
      value[0] != '\t' && value[n - 1] != '\t')
    {
      g_string_append_len (line, value, n);
      return;
    }

  g_string_append_c (line, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (line, '"');
      g_string_append_c (line, *p);
    }
  g_string_append_c (line, '"');
}
