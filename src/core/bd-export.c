/* bd-export.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-export"

#include "config.h"

#include "bd-export.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <libxml/xmlwriter.h>

#include "bd-catalog.h"
#include "bd-csv.h"
#include "bd-report-fields.h"

G_DEFINE_QUARK (bd-export-error-quark, bd_export_error)

#define COUNT_PREFIX "count_"

BdFileFormat
bd_file_format_from_path (const char *path)
{
  const char *dot;
  g_autofree char *ext = NULL;

  g_return_val_if_fail (path != NULL, BD_FILE_FORMAT_NONE);

  dot = strrchr (path, '.');
  if (dot == NULL || strchr (dot, G_DIR_SEPARATOR) != NULL)
    return BD_FILE_FORMAT_NONE;
  ext = g_ascii_strdown (dot + 1, -1);
  if (g_str_equal (ext, "geojson") || g_str_equal (ext, "json"))
    return BD_FILE_FORMAT_GEOJSON;
  if (g_str_equal (ext, "csv"))
    return BD_FILE_FORMAT_CSV;
  if (g_str_equal (ext, "kml"))
    return BD_FILE_FORMAT_KML;
  return BD_FILE_FORMAT_NONE;
}

static const char * const leading_columns[] = {
  "id", "ward", "category", "severity", "status", "duplicate_of", "title", "description",
  "observed_at", "created_at", "updated_at", "reporter", "lat", "lon", "area",
};
static const char * const trailing_columns[] = {
  "affected_households", "affected_people",
  "attachments", "attachment_sha256", "attachment_media_types",
};

const char * const *
bd_export_csv_columns (guint *n_columns)
{
  static GPtrArray *columns;

  if (g_once_init_enter (&columns))
    {
      GPtrArray *list = g_ptr_array_new ();
      g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
      const BdCategory *categories;
      guint n_categories;

      for (guint i = 0; i < G_N_ELEMENTS (leading_columns); i++)
        g_ptr_array_add (list, (gpointer) leading_columns[i]);
      categories = bd_catalog_get_categories (&n_categories);
      for (guint c = 0; c < n_categories; c++)
        for (guint k = 0; k < categories[c].n_counts; k++)
          {
            const char *key = categories[c].counts[k].key;

            if (g_hash_table_add (seen, (gpointer) key))
              g_ptr_array_add (list, g_strconcat (COUNT_PREFIX, key, NULL));
          }
      for (guint i = 0; i < G_N_ELEMENTS (trailing_columns); i++)
        g_ptr_array_add (list, (gpointer) trailing_columns[i]);
      g_ptr_array_add (list, NULL);
      g_once_init_leave (&columns, list);
    }

  if (n_columns != NULL)
    *n_columns = columns->len - 1;
  return (const char * const *) columns->pdata;
}

char *
bd_export_format_number (double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (buffer, sizeof buffer, "%.15g", value);
  if (g_ascii_strtod (buffer, NULL) != value)
    g_ascii_formatd (buffer, sizeof buffer, "%.17g", value);
  return g_strdup (buffer);
}

/* The value of @column for @report, as CSV and KML write it ("" when
 * unset). */
static char *
column_value (BdReport   *report,
              const char *column)
{
  if (g_str_equal (column, "lat"))
    return bd_export_format_number (bd_report_get_latitude (report));
  if (g_str_equal (column, "lon"))
    return bd_export_format_number (bd_report_get_longitude (report));
  if (g_str_equal (column, "area"))
    return g_strdup (bd_report_get_polygon (report));
  if (g_str_equal (column, "severity"))
    return g_strdup_printf ("%d", bd_report_get_severity (report));
  if (g_str_has_prefix (column, COUNT_PREFIX))
    {
      g_autoptr(GVariant) counts = bd_report_get_counts (report);
      double value;

      if (g_variant_lookup (counts, column + strlen (COUNT_PREFIX), "d", &value))
        return bd_export_format_number (value);
      return g_strdup ("");
    }
  if (g_str_equal (column, "affected_households") || g_str_equal (column, "affected_people"))
    {
      gint64 value = g_str_equal (column, "affected_people")
                     ? bd_report_get_affected_people (report)
                     : bd_report_get_affected_households (report);

      return value < 0 ? g_strdup ("") : g_strdup_printf ("%" G_GINT64_FORMAT, value);
    }
  if (g_str_has_prefix (column, "attachment"))
    {
      g_autoptr(GVariant) attachments = bd_report_get_attachments (report);
      g_autoptr(GString) text = g_string_new (NULL);
      GVariantIter iter;
      const char *sha256, *media_type, *name;

      g_variant_iter_init (&iter, attachments);
      while (g_variant_iter_next (&iter, "(&s&s&s)", &sha256, &media_type, &name))
        {
          if (text->len > 0)
            g_string_append_c (text, '\n');
          g_string_append (text, g_str_equal (column, "attachments") ? name
                                 : g_str_equal (column, "attachment_sha256") ? sha256
                                 : media_type);
        }
      return g_string_free (g_steal_pointer (&text), FALSE);
    }
  if (g_str_equal (column, "observed_at") || g_str_equal (column, "created_at") ||
      g_str_equal (column, "updated_at"))
    {
      GDateTime *when = g_str_equal (column, "observed_at") ? bd_report_get_observed_at (report)
                        : g_str_equal (column, "created_at") ? bd_report_get_created_at (report)
                        : bd_report_get_updated_at (report);

      return when != NULL ? bd_format_timestamp (when) : g_strdup ("");
    }
  /* The strings: id, ward, category, status, duplicate_of, title,
   * description, reporter */
  {
    const char *value = NULL;

    if (g_str_equal (column, "id"))
      value = bd_report_get_id (report);
    else if (g_str_equal (column, "ward"))
      value = bd_report_get_ward (report);
    else if (g_str_equal (column, "category"))
      value = bd_report_get_category (report);
    else if (g_str_equal (column, "status"))
      value = bd_report_get_status (report);
    else if (g_str_equal (column, "duplicate_of"))
      value = bd_report_get_duplicate_of (report);
    else if (g_str_equal (column, "title"))
      value = bd_report_get_title (report);
    else if (g_str_equal (column, "description"))
      value = bd_report_get_description (report);
    else if (g_str_equal (column, "reporter"))
      value = bd_report_get_reporter (report);
    else
      g_assert_not_reached ();
    return g_strdup (value != NULL ? value : "");
  }
}

/* The writers: begin, one report, end. */

typedef struct
{
  GOutputStream    *out;
  GCancellable     *cancellable;
  GError           *error;      /* the first write error */
  xmlTextWriterPtr  xml;
  guint             n;
} Writer;

static gboolean
write_text (Writer     *w,
            const char *text,
            gsize       length)
{
  if (w->error != NULL)
    return FALSE;
  return g_output_stream_write_all (w->out, text, length, NULL, w->cancellable, &w->error);
}

static gboolean
geojson_begin (Writer *w)
{
  static const char head[] = "{\"type\":\"FeatureCollection\",\"features\":[\n";

  return write_text (w, head, strlen (head));
}

static gboolean
geojson_report (Writer   *w,
                BdReport *report)
{
  g_autofree char *feature = bd_report_to_geojson (report);

  return (w->n == 0 || write_text (w, ",\n", 2)) && write_text (w, feature, strlen (feature));
}

static gboolean
geojson_end (Writer *w)
{
  return write_text (w, "\n]}\n", 4);
}

static gboolean
csv_begin (Writer *w)
{
  g_autoptr(GString) line = g_string_new (NULL);
  const char * const *columns = bd_export_csv_columns (NULL);

  for (guint i = 0; columns[i] != NULL; i++)
    bd_csv_append_field (line, columns[i], i == 0);
  g_string_append (line, "\r\n");
  return write_text (w, line->str, line->len);
}

static gboolean
csv_report (Writer   *w,
            BdReport *report)
{
  g_autoptr(GString) line = g_string_new (NULL);
  const char * const *columns = bd_export_csv_columns (NULL);

  for (guint i = 0; columns[i] != NULL; i++)
    {
      g_autofree char *value = column_value (report, columns[i]);

      bd_csv_append_field (line, value, i == 0);
    }
  g_string_append (line, "\r\n");
  return write_text (w, line->str, line->len);
}

static gboolean
csv_end (Writer *w)
{
  return TRUE;
}

/* libxml2 writes through these to the GOutputStream. */
static int
xml_write_cb (void       *context,
              const char *buffer,
              int         len)
{
  Writer *w = context;

  return write_text (w, buffer, len) ? len : -1;
}

static int
xml_close_cb (void *context)
{
  return 0;
}

static gboolean
xml_ok (Writer *w,
        int     rc)
{
  if (rc < 0 && w->error == NULL)
    g_set_error_literal (&w->error, G_IO_ERROR, G_IO_ERROR_FAILED,
                         _("The KML document could not be written."));
  return rc >= 0;
}

#define KML_NS "http://www.opengis.net/kml/2.2"

static gboolean
kml_begin (Writer *w)
{
  xmlOutputBufferPtr buffer = xmlOutputBufferCreateIO (xml_write_cb, xml_close_cb, w, NULL);

  w->xml = xmlNewTextWriter (buffer);
  if (w->xml == NULL)
    return xml_ok (w, -1);
  /* no indentation: a tenth of the size for 80,000 reports */
  xmlTextWriterSetIndent (w->xml, 0);
  return xml_ok (w, xmlTextWriterStartDocument (w->xml, "1.0", "UTF-8", NULL)) &&
         xml_ok (w, xmlTextWriterStartElementNS (w->xml, NULL, BAD_CAST "kml", BAD_CAST KML_NS)) &&
         xml_ok (w, xmlTextWriterStartElement (w->xml, BAD_CAST "Document")) &&
         xml_ok (w, xmlTextWriterWriteElement (w->xml, BAD_CAST "name",
                                               BAD_CAST _("Damage reports")));
}

static gboolean
kml_report (Writer   *w,
            BdReport *report)
{
  const char * const *columns = bd_export_csv_columns (NULL);
  g_autofree char *lon = bd_export_format_number (bd_report_get_longitude (report));
  g_autofree char *lat = bd_export_format_number (bd_report_get_latitude (report));
  g_autofree char *coordinates = g_strdup_printf ("%s,%s", lon, lat);

  if (!xml_ok (w, xmlTextWriterStartElement (w->xml, BAD_CAST "Placemark")) ||
      !xml_ok (w, xmlTextWriterWriteAttribute (w->xml, BAD_CAST "id",
                                               BAD_CAST bd_report_get_id (report))) ||
      !xml_ok (w, xmlTextWriterWriteElement (w->xml, BAD_CAST "name",
                                             BAD_CAST bd_report_get_title (report))) ||
      !xml_ok (w, xmlTextWriterWriteElement (w->xml, BAD_CAST "description",
                                             BAD_CAST bd_report_get_description (report))) ||
      !xml_ok (w, xmlTextWriterStartElement (w->xml, BAD_CAST "ExtendedData")))
    return FALSE;
  for (guint i = 0; columns[i] != NULL; i++)
    {
      g_autofree char *value = column_value (report, columns[i]);

      if (!xml_ok (w, xmlTextWriterStartElement (w->xml, BAD_CAST "Data")) ||
          !xml_ok (w, xmlTextWriterWriteAttribute (w->xml, BAD_CAST "name",
                                                   BAD_CAST columns[i])) ||
          !xml_ok (w, xmlTextWriterWriteElement (w->xml, BAD_CAST "value", BAD_CAST value)) ||
          !xml_ok (w, xmlTextWriterEndElement (w->xml)))
        return FALSE;
    }
  return xml_ok (w, xmlTextWriterEndElement (w->xml)) &&     /* ExtendedData */
         xml_ok (w, xmlTextWriterStartElement (w->xml, BAD_CAST "Point")) &&
         xml_ok (w, xmlTextWriterWriteElement (w->xml, BAD_CAST "coordinates",
                                               BAD_CAST coordinates)) &&
         xml_ok (w, xmlTextWriterEndElement (w->xml)) &&     /* Point */
         xml_ok (w, xmlTextWriterEndElement (w->xml));       /* Placemark */
}

static gboolean
kml_end (Writer *w)
{
  return xml_ok (w, xmlTextWriterEndDocument (w->xml)) &&
         xml_ok (w, xmlTextWriterFlush (w->xml));
}

typedef struct
{
  gboolean (*begin)  (Writer *w);
  gboolean (*report) (Writer *w, BdReport *report);
  gboolean (*end)    (Writer *w);
} Format;

static const Format formats[] = {
  [BD_FILE_FORMAT_GEOJSON] = { geojson_begin, geojson_report, geojson_end },
  [BD_FILE_FORMAT_CSV] = { csv_begin, csv_report, csv_end },
  [BD_FILE_FORMAT_KML] = { kml_begin, kml_report, kml_end },
};

gboolean
bd_export_reports (BdStore       *store,
                   const char    *path,
                   BdFileFormat   format,
                   guint         *n_exported,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(GOutputStream) buffered = NULL;
  g_autoptr(GArray) rowids = NULL;
  BdQuery query = { 0 };
  Writer w = { 0 };
  gboolean ok;

  g_return_val_if_fail (BD_IS_STORE (store), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (format == BD_FILE_FORMAT_NONE)
    format = bd_file_format_from_path (path);
  if (format == BD_FILE_FORMAT_NONE || format >= G_N_ELEMENTS (formats))
    {
      g_set_error (error, BD_EXPORT_ERROR, BD_EXPORT_ERROR_FORMAT,
                   _("Cannot tell the format of “%s” from its name: use .geojson, .json, "
                     ".csv or .kml."), path);
      return FALSE;
    }

  query.sort = BD_QUERY_SORT_OBSERVED;
  rowids = bd_store_query_rowids (store, &query, error);
  if (rowids == NULL)
    return FALSE;

  /* A temporary file beside it, renamed over it once closed. */
  file = g_file_new_for_path (path);
  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                           cancellable, error);
  if (stream == NULL)
    return FALSE;
  buffered = g_buffered_output_stream_new_sized (G_OUTPUT_STREAM (stream), 1 << 16);

  w.out = buffered;
  w.cancellable = cancellable;
  ok = formats[format].begin (&w);
  for (guint i = 0; ok && i < rowids->len; i++)
    {
      g_autoptr(BdReport) report = NULL;

      report = bd_store_get_report_by_rowid (store, g_array_index (rowids, gint64, i), &w.error);
      if (report == NULL)
        {
          /* deleted meanwhile */
          if (g_error_matches (w.error, BD_STORE_ERROR, BD_STORE_ERROR_NOT_FOUND))
            {
              g_clear_error (&w.error);
              continue;
            }
          ok = FALSE;
          break;
        }
      if (bd_report_get_deleted (report))
        continue;
      ok = formats[format].report (&w, report);
      if (ok)
        w.n++;
    }
  ok = ok && formats[format].end (&w);
  g_clear_pointer (&w.xml, xmlFreeTextWriter);
  ok = ok && w.error == NULL;

  if (!ok)
    {
      /* Closing after a cancel leaves the old file as it was. */
      g_autoptr(GCancellable) cancel = g_cancellable_new ();

      g_cancellable_cancel (cancel);
      g_output_stream_close (buffered, cancel, NULL);
      if (w.error != NULL)
        g_propagate_error (error, w.error);
      else
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                             _("The file could not be written."));
      return FALSE;
    }
  if (!g_output_stream_close (buffered, cancellable, error))
    return FALSE;
  if (n_exported != NULL)
    *n_exported = w.n;
  return TRUE;
}
