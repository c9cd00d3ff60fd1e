/* bd-import.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-import"

#include "config.h"

#include "bd-import-private.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "bd-csv.h"
#include "bd-json.h"

G_DEFINE_QUARK (bd-import-error-quark, bd_import_error)

/* An area in a CSV cell */
#define MAX_AREA_BYTES ((gsize) 1 << 20)
/* A file of one Feature is read whole */
#define MAX_FEATURE_BYTES ((gsize) 16 << 20)

typedef struct
{
  BdStoreImport  *import;      /* NULL: reading only (collected) */
  GPtrArray      *collected;
  GDateTime      *now;
  char           *now_text;
  GHashTable     *positions;   /* id -> position in the file (guint, from 1) */
  BdImportResult *result;
  GCancellable   *cancellable;
  GError         *fatal;       /* the database failed, or cancelled */
  char           *type;        /* GeoJSON: the root's "type" */
  guint           n_seen;      /* GeoJSON: features walked */
} Import;

void
bd_import_result_free (BdImportResult *result)
{
  if (result == NULL)
    return;

  g_ptr_array_unref (result->reasons);
  g_free (result);
}

static BdImportResult *
result_new (void)
{
  BdImportResult *result = g_new0 (BdImportResult, 1);

  result->reasons = g_ptr_array_new_with_free_func (g_free);
  return result;
}

char *
bd_import_result_summary (BdImportResult *result)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (result != NULL, NULL);

  /* Translators: the start of "3 imported, 2 skipped" */
  g_string_append_printf (text, ngettext ("%u imported", "%u imported", result->n_imported),
                          result->n_imported);
  g_string_append_printf (text, ngettext (", %u skipped", ", %u skipped", result->n_skipped),
                          result->n_skipped);
  if (result->n_unchanged > 0)
    g_string_append_printf (text, ngettext (", %u already stored as it is",
                                            ", %u already stored as they are",
                                            result->n_unchanged),
                            result->n_unchanged);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

char *
bd_import_result_reasons (BdImportResult *result)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (result != NULL, NULL);

  for (guint i = 0; i < result->reasons->len; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? "\n" : "",
                            (char *) g_ptr_array_index (result->reasons, i));
  if (result->n_reasons > result->reasons->len)
    {
      guint more = result->n_reasons - result->reasons->len;

      g_string_append_c (text, '\n');
      /* Translators: after the first 20 problems of a file, how many others */
      g_string_append_printf (text, ngettext ("… and %u more problem", "… and %u more problems",
                                              more), more);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

gboolean
bd_import_result_read_any (BdImportResult *result)
{
  g_return_val_if_fail (result != NULL, FALSE);

  return result->n_imported + result->n_unchanged > 0 ||
         (result->n_skipped == 0 && !result->broken);
}

static void
add_reason (Import     *imp,
            const char *where,
            const char *reason)
{
  BdImportResult *result = imp->result;

  if (result->n_reasons++ < BD_IMPORT_MAX_REASONS)
    /* Translators: "feature 3: The feature has no geometry.", "line 7: …" */
    g_ptr_array_add (result->reasons, g_strdup_printf (_("%s: %s"), where, reason));
}

static void
skip (Import     *imp,
      const char *where,
      const char *reason)
{
  imp->result->n_skipped++;
  add_reason (imp, where, reason);
}

static gboolean
is_missing (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node == NULL || JSON_NODE_HOLDS_NULL (node);
}

/* What other people's data may leave out: the id, the status, the stamps. */
static void
fill_defaults (Import   *imp,
               JsonNode *node)
{
  JsonObject *feature;
  JsonObject *props;
  JsonNode *member;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return;
  feature = json_node_get_object (node);
  member = json_object_get_member (feature, "id");
  if (member == NULL || JSON_NODE_HOLDS_NULL (member) ||
      (json_node_get_value_type (member) == G_TYPE_STRING &&
       json_node_get_string (member)[0] == '\0'))
    {
      g_autofree char *uuid = g_uuid_string_random ();

      json_object_set_string_member (feature, "id", uuid);
    }

  member = json_object_get_member (feature, "properties");
  if (member == NULL || JSON_NODE_HOLDS_NULL (member))
    json_object_set_object_member (feature, "properties", json_object_new ());
  member = json_object_get_member (feature, "properties");
  if (!JSON_NODE_HOLDS_OBJECT (member))
    return;
  props = json_node_get_object (member);

  if (is_missing (props, "status"))
    json_object_set_string_member (props, "status", "new");
  if (is_missing (props, "updated_at"))
    json_object_set_string_member (props, "updated_at", imp->now_text);
  if (is_missing (props, "created_at"))
    {
      const char *updated = json_object_get_string_member_with_default (props, "updated_at",
                                                                         NULL);
      g_autoptr(GDateTime) when = updated != NULL ? bd_parse_timestamp (updated) : NULL;

      if (when != NULL && g_date_time_compare (when, imp->now) < 0)
        json_object_set_string_member (props, "created_at", updated);
      else
        json_object_set_string_member (props, "created_at", imp->now_text);
    }
}

/* One feature (or a CSV row made one): FALSE only when the import must
 * end (imp->fatal). */
static gboolean
take_feature (Import     *imp,
              guint       position,
              const char *where,
              JsonNode   *node)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdReport) report = NULL;
  BdStoreImportOutcome outcome;
  const char *id;
  gpointer first;

  if (g_cancellable_set_error_if_cancelled (imp->cancellable, &imp->fatal))
    return FALSE;

  fill_defaults (imp, node);
  report = bd_report_new_from_json (node, &error);
  if (report == NULL)
    {
      skip (imp, where, error->message);
      return TRUE;
    }

  id = bd_report_get_id (report);
  if ((first = g_hash_table_lookup (imp->positions, id)) != NULL)
    {
      g_autofree char *reason = NULL;

      if (imp->result->format == BD_FILE_FORMAT_CSV)
        reason = g_strdup_printf (_("a duplicate of line %u (the same id “%s”)"),
                                  GPOINTER_TO_UINT (first), id);
      else
        reason = g_strdup_printf (_("a duplicate of feature %u (the same id “%s”)"),
                                  GPOINTER_TO_UINT (first), id);
      skip (imp, where, reason);
      return TRUE;
    }
  g_hash_table_insert (imp->positions, g_strdup (id), GUINT_TO_POINTER (position));

  if (imp->import == NULL)
    {
      if (!bd_report_validate (report, &error))
        skip (imp, where, error->message);
      else
        g_ptr_array_add (imp->collected, g_steal_pointer (&report));
      return TRUE;
    }

  if (!bd_store_import_add_report (imp->import, report, &outcome, &error))
    {
      if (g_error_matches (error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID))
        {
          skip (imp, where, error->message);
          return TRUE;
        }
      g_propagate_prefixed_error (&imp->fatal, g_steal_pointer (&error), "%s: ", where);
      return FALSE;
    }
  switch (outcome)
    {
    case BD_STORE_IMPORT_WRITTEN:
      imp->result->n_imported++;
      break;
    case BD_STORE_IMPORT_UNCHANGED:
      imp->result->n_unchanged++;
      break;
    case BD_STORE_IMPORT_OLDER:
    default:
      skip (imp, where, _("the database holds a newer copy of this report (its last change "
                          "is later); the newer copy is kept"));
      break;
    }
  return TRUE;
}

/* GeoJSON */

static gboolean
geojson_member (const char  *name,
                const char  *value,
                gsize        length,
                gpointer     user_data,
                GError     **error)
{
  Import *imp = user_data;

  if (strcmp (name, "type") == 0)
    {
      g_free (imp->type);
      imp->type = bd_json_dup_string (value, length);
    }
  return TRUE;
}

static gboolean
geojson_feature (guint        index,
                 JsonNode    *node,
                 gpointer     user_data,
                 GError     **error)
{
  Import *imp = user_data;
  /* Translators: where a problem is: the n-th feature of a file, from 1 */
  g_autofree char *where = g_strdup_printf (_("feature %u"), index + 1);

  imp->n_seen++;
  if (!take_feature (imp, index + 1, where, node))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "fatal");
      return FALSE;
    }
  return TRUE;
}

static gboolean
not_geojson (GError     **error,
             const char  *why)
{
  g_set_error (error, BD_IMPORT_ERROR, BD_IMPORT_ERROR_FORMAT,
               _("The file is not GeoJSON reports: %s"), why);
  return FALSE;
}

static gboolean
read_geojson (Import      *imp,
              const char  *data,
              gsize        length,
              GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (bd_json_walk_array_member (data, length, "features", geojson_member, geojson_feature,
                                 imp, &local_error))
    {
      if (g_strcmp0 (imp->type, "FeatureCollection") == 0)
        return TRUE;
      return not_geojson (error, _("The data is not a GeoJSON FeatureCollection or Feature."));
    }
  if (imp->fatal != NULL)
    return FALSE;

  if (imp->n_seen > 0)
    {
      /* Broken off part-way: what was read before stays. */
      g_autofree char *reason = NULL;

      reason = g_strdup_printf (_("the file breaks off after feature %u, and nothing after "
                                  "it was read: %s"), imp->n_seen, local_error->message);
      imp->result->broken = TRUE;
      add_reason (imp, _("file"), reason);
      return TRUE;
    }

  if (g_error_matches (local_error, BD_JSON_ERROR, BD_JSON_ERROR_STRUCTURE) &&
      g_strcmp0 (imp->type, "Feature") == 0)
    {
      /* A file of one report, read whole. */
      g_autoptr(JsonNode) root = NULL;

      g_clear_error (&local_error);
      root = bd_json_parse (data, length, MAX_FEATURE_BYTES, &local_error);
      if (root != NULL)
        {
          g_autofree char *where = g_strdup_printf (_("feature %u"), 1);

          return take_feature (imp, 1, where, root);
        }
    }

  if (g_error_matches (local_error, BD_JSON_ERROR, BD_JSON_ERROR_STRUCTURE))
    return not_geojson (error, g_strcmp0 (imp->type, "FeatureCollection") == 0
                               ? _("The FeatureCollection has no list of features.")
                               : _("The data is not a GeoJSON FeatureCollection or Feature."));
  return not_geojson (error, local_error->message);
}

/* CSV */

static gboolean
parse_double (const char *text,
              double     *value)
{
  char *end = NULL;

  if (text[0] == '\0' || g_ascii_isspace (text[0]))
    return FALSE;
  *value = g_ascii_strtod (text, &end);
  return end != NULL && *end == '\0' && isfinite (*value);
}

typedef struct
{
  int          index[BD_CSV_MAX_FIELDS];   /* our column -> field, -1 when absent */
  guint        n_columns;
  const char * const *columns;
  guint        n_fields;                  /* fields of the header */
} Header;

static const char *
cell (const Header        *header,
      const char * const  *fields,
      const char          *column)
{
  for (guint i = 0; i < header->n_columns; i++)
    if (strcmp (header->columns[i], column) == 0)
      return header->index[i] >= 0 ? fields[header->index[i]] : "";
  g_assert_not_reached ();
}

static gboolean
bad_cell (GError     **error,
          const char  *column,
          const char  *value,
          const char  *what)
{
  /* Translators: column “severity”: “high” is not a whole number */
  g_set_error (error, BD_IMPORT_ERROR, BD_IMPORT_ERROR_FORMAT,
               _("column “%s”: “%s” is not %s"), column, value, what);
  return FALSE;
}

static void
split_lines (const char  *text,
             GStrv       *out,
             guint       *n)
{
  *out = text[0] != '\0' ? g_strsplit (text, "\n", -1) : g_new0 (char *, 1);
  *n = g_strv_length (*out);
}

/* A CSV row as a GeoJSON Feature, so that it takes the same way in. */
static JsonNode *
row_to_feature (const Header        *header,
                const char * const  *fields,
                GError             **error)
{
  static const char * const strings[] = {
    "ward", "category", "status", "duplicate_of", "observed_at", "created_at", "updated_at",
  };
  static const char * const texts[] = { "title", "description", "reporter" };
  g_autoptr(JsonObject) feature = json_object_new ();
  g_autoptr(JsonObject) props = json_object_new ();
  g_autoptr(JsonObject) counts = json_object_new ();
  g_autoptr(JsonNode) geometry = NULL;
  g_auto(GStrv) names = NULL;
  g_auto(GStrv) sums = NULL;
  g_auto(GStrv) types = NULL;
  const char *lat_text = cell (header, fields, "lat");
  const char *lon_text = cell (header, fields, "lon");
  const char *area = cell (header, fields, "area");
  const char *value;
  guint n_names, n_sums, n_types;
  double lat = NAN, lon = NAN;

  json_object_set_string_member (feature, "type", "Feature");
  value = cell (header, fields, "id");
  if (value[0] != '\0')
    json_object_set_string_member (feature, "id", value);

  if (lat_text[0] != '\0' || lon_text[0] != '\0')
    {
      g_autoptr(JsonArray) position = json_array_new ();

      if (!parse_double (lat_text, &lat))
        return bad_cell (error, "lat", lat_text, _("a number")), NULL;
      if (!parse_double (lon_text, &lon))
        return bad_cell (error, "lon", lon_text, _("a number")), NULL;
      json_array_add_double_element (position, lon);
      json_array_add_double_element (position, lat);
      if (area[0] == '\0')
        {
          JsonObject *point = json_object_new ();

          json_object_set_string_member (point, "type", "Point");
          json_object_set_array_member (point, "coordinates", g_steal_pointer (&position));
          geometry = json_node_init_object (json_node_alloc (), point);
          json_object_unref (point);
        }
      else
        json_object_set_array_member (props, "point", g_steal_pointer (&position));
    }
  if (area[0] != '\0')
    {
      g_autoptr(GError) local_error = NULL;

      geometry = bd_json_parse (area, strlen (area), MAX_AREA_BYTES, &local_error);
      if (geometry == NULL)
        return bad_cell (error, "area", local_error->message, _("a GeoJSON polygon")), NULL;
    }
  if (geometry != NULL)
    json_object_set_member (feature, "geometry", g_steal_pointer (&geometry));
  else
    json_object_set_null_member (feature, "geometry");

  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    if ((value = cell (header, fields, strings[i]))[0] != '\0')
      json_object_set_string_member (props, strings[i], value);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    json_object_set_string_member (props, texts[i], cell (header, fields, texts[i]));

  if ((value = cell (header, fields, "severity"))[0] != '\0')
    {
      gint64 severity;

      if (!g_ascii_string_to_signed (value, 10, G_MININT32, G_MAXINT32, &severity, NULL))
        return bad_cell (error, "severity", value, _("a whole number")), NULL;
      json_object_set_int_member (props, "severity", severity);
    }
  for (guint i = 0; i < header->n_columns; i++)
    {
      const char *column = header->columns[i];
      double count;

      if (!g_str_has_prefix (column, "count_") || header->index[i] < 0)
        continue;
      value = fields[header->index[i]];
      if (value[0] == '\0')
        continue;
      if (!parse_double (value, &count))
        return bad_cell (error, column, value, _("a number")), NULL;
      if (count != 0)
        json_object_set_double_member (counts, column + strlen ("count_"), count);
    }
  if (json_object_get_size (counts) > 0)
    json_object_set_object_member (props, "counts", g_steal_pointer (&counts));
  for (guint i = 0; i < 2; i++)
    {
      const char *column = i == 0 ? "affected_households" : "affected_people";
      gint64 number;

      if ((value = cell (header, fields, column))[0] == '\0')
        continue;
      if (!g_ascii_string_to_signed (value, 10, 0, G_MAXINT64, &number, NULL))
        return bad_cell (error, column, value, _("a whole number")), NULL;
      json_object_set_int_member (props, column, number);
    }

  split_lines (cell (header, fields, "attachments"), &names, &n_names);
  split_lines (cell (header, fields, "attachment_sha256"), &sums, &n_sums);
  split_lines (cell (header, fields, "attachment_media_types"), &types, &n_types);
  if (n_names != n_sums || n_names != n_types)
    {
      g_set_error_literal (error, BD_IMPORT_ERROR, BD_IMPORT_ERROR_FORMAT,
                           _("the columns “attachments”, “attachment_sha256” and "
                             "“attachment_media_types” must name as many photos, a line each"));
      return NULL;
    }
  if (n_names > 0)
    {
      JsonArray *attachments = json_array_new ();

      for (guint i = 0; i < n_names; i++)
        {
          JsonObject *attachment = json_object_new ();

          json_object_set_string_member (attachment, "sha256", sums[i]);
          json_object_set_string_member (attachment, "media_type", types[i]);
          json_object_set_string_member (attachment, "name", names[i]);
          json_array_add_object_element (attachments, attachment);
        }
      json_object_set_array_member (props, "attachments", attachments);
    }

  json_object_set_object_member (feature, "properties", g_steal_pointer (&props));
  return json_node_init_object (json_node_alloc (), feature);
}

static gboolean
not_csv (GError     **error,
         const char  *why)
{
  g_set_error (error, BD_IMPORT_ERROR, BD_IMPORT_ERROR_FORMAT,
               _("The file is not a CSV of reports: %s"), why);
  return FALSE;
}

static gboolean
read_header (Import       *imp,
             BdCsvReader  *reader,
             Header       *header,
             GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  const char * const *fields;
  guint n_known = 0;

  header->columns = bd_export_csv_columns (&header->n_columns);
  g_assert (header->n_columns <= BD_CSV_MAX_FIELDS);
  for (guint i = 0; i < header->n_columns; i++)
    header->index[i] = -1;

  switch (bd_csv_reader_next (reader, &local_error))
    {
    case BD_CSV_END:
      return not_csv (error, _("it is empty; the first line must name the columns"));
    case BD_CSV_BAD_RECORD:
      return not_csv (error, local_error->message);
    case BD_CSV_RECORD:
    default:
      break;
    }

  fields = bd_csv_reader_get_fields (reader, &header->n_fields);
  for (guint f = 0; f < header->n_fields; f++)
    {
      gboolean known = FALSE;

      for (guint i = 0; i < header->n_columns; i++)
        if (strcmp (fields[f], header->columns[i]) == 0)
          {
            if (header->index[i] >= 0)
              {
                g_autofree char *why = g_strdup_printf (_("the column “%s” is named twice"),
                                                        fields[f]);

                return not_csv (error, why);
              }
            header->index[i] = f;
            known = TRUE;
            n_known++;
          }
      if (!known)
        {
          g_autofree char *reason = g_strdup_printf (_("the column “%s” is not one of ours "
                                                       "and was left out"), fields[f]);

          add_reason (imp, _("line 1"), reason);
        }
    }
  if (n_known == 0)
    return not_csv (error, _("its first line names none of the columns of reports (id, ward, "
                             "category, severity, title, lat, lon, …)"));
  return TRUE;
}

static gboolean
read_csv (Import      *imp,
          const char  *data,
          gsize        length,
          GError     **error)
{
  g_autoptr(BdCsvReader) reader = bd_csv_reader_new (data, length);
  Header header;

  if (!read_header (imp, reader, &header, error))
    return FALSE;

  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(JsonNode) feature = NULL;
      g_autofree char *where = NULL;
      const char * const *fields;
      BdCsvStatus status;
      guint n_fields;
      guint line;

      status = bd_csv_reader_next (reader, &local_error);
      if (status == BD_CSV_END)
        break;
      if (status == BD_CSV_BAD_RECORD)
        {
          /* The message names its line. */
          imp->result->n_skipped++;
          if (g_error_matches (local_error, BD_CSV_ERROR, BD_CSV_ERROR_QUOTING) &&
              bd_csv_reader_get_offset (reader) >= length)
            imp->result->broken = TRUE;
          if (imp->result->n_reasons++ < BD_IMPORT_MAX_REASONS)
            g_ptr_array_add (imp->result->reasons, g_strdup (local_error->message));
          continue;
        }

      line = bd_csv_reader_get_line (reader);
      /* Translators: where a problem is: a line of a CSV file */
      where = g_strdup_printf (_("line %u"), line);
      fields = bd_csv_reader_get_fields (reader, &n_fields);
      if (n_fields != header.n_fields)
        {
          g_autofree char *reason = NULL;

          reason = g_strdup_printf (ngettext ("%u field where the first line names %u columns",
                                              "%u fields where the first line names %u columns",
                                              n_fields), n_fields, header.n_fields);
          skip (imp, where, reason);
          continue;
        }
      feature = row_to_feature (&header, fields, &local_error);
      if (feature == NULL)
        {
          skip (imp, where, local_error->message);
          continue;
        }
      if (!take_feature (imp, line, where, feature))
        return FALSE;
    }
  return TRUE;
}

static BdFileFormat
sniff (const char *data,
       gsize       length)
{
  gsize pos = 0;

  if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    pos = 3;
  while (pos < length && g_ascii_isspace (data[pos]))
    pos++;
  if (pos < length && (data[pos] == '{' || data[pos] == '['))
    return BD_FILE_FORMAT_GEOJSON;
  return BD_FILE_FORMAT_CSV;
}

static void
import_clear (Import *imp)
{
  g_clear_pointer (&imp->positions, g_hash_table_unref);
  g_clear_pointer (&imp->now, g_date_time_unref);
  g_clear_pointer (&imp->now_text, g_free);
  g_clear_pointer (&imp->type, g_free);
  g_clear_error (&imp->fatal);
}

static void
import_init (Import         *imp,
             BdFileFormat    format,
             GCancellable   *cancellable)
{
  imp->result = result_new ();
  imp->result->format = format;
  imp->cancellable = cancellable;
  imp->now = g_date_time_new_now_local ();
  imp->now_text = bd_format_timestamp (imp->now);
  imp->positions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

BdImportResult *
bd_import_data (BdStore       *store,
                const char    *data,
                gsize          length,
                BdFileFormat   format,
                const char    *actor,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(BdStoreImport) import = NULL;
  g_autoptr(BdImportResult) result = NULL;
  Import imp = { 0 };
  gboolean ok;

  g_return_val_if_fail (BD_IS_STORE (store), NULL);
  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (format == BD_FILE_FORMAT_NONE)
    format = sniff (data, length);
  if (format == BD_FILE_FORMAT_KML)
    {
      g_set_error_literal (error, BD_IMPORT_ERROR, BD_IMPORT_ERROR_FORMAT,
                           _("KML files cannot be imported; import GeoJSON or CSV."));
      return NULL;
    }

  import = bd_store_import_begin (store, actor, error);
  if (import == NULL)
    return NULL;

  import_init (&imp, format, cancellable);
  result = imp.result;
  imp.import = import;
  ok = format == BD_FILE_FORMAT_CSV ? read_csv (&imp, data, length, error)
                                    : read_geojson (&imp, data, length, error);
  if (ok && imp.fatal == NULL)
    {
      guint n_written, n_unchanged;

      ok = bd_store_import_commit (import, &n_written, &n_unchanged, error);
    }
  else if (imp.fatal != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&imp.fatal));
      ok = FALSE;
    }
  import_clear (&imp);
  if (!ok)
    return NULL;
  return g_steal_pointer (&result);
}

BdImportResult *
bd_import_file (BdStore       *store,
                const char    *path,
                BdFileFormat   format,
                const char    *actor,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(GMappedFile) file = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length;

  g_return_val_if_fail (BD_IS_STORE (store), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  file = g_mapped_file_new (path, FALSE, &local_error);
  if (file == NULL)
    {
      g_set_error (error, BD_IMPORT_ERROR, BD_IMPORT_ERROR_READ, _("Cannot read “%s”: %s"),
                   path, local_error->message);
      return NULL;
    }
  length = g_mapped_file_get_length (file);
  if (length > BD_IMPORT_MAX_BYTES)
    {
      g_set_error (error, BD_IMPORT_ERROR, BD_IMPORT_ERROR_READ,
                   _("“%s” is larger than %u MiB; nothing was read."),
                   path, (guint) (BD_IMPORT_MAX_BYTES >> 20));
      return NULL;
    }
  if (format == BD_FILE_FORMAT_NONE)
    format = bd_file_format_from_path (path);
  /* An empty file maps to no memory at all. */
  return bd_import_data (store, length > 0 ? g_mapped_file_get_contents (file) : "", length,
                         format, actor, cancellable, error);
}

GPtrArray *
_bd_import_read_csv (const char      *data,
                     gsize            length,
                     BdImportResult **result,
                     GError         **error)
{
  g_autoptr(GPtrArray) reports = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(BdImportResult) owned = NULL;
  Import imp = { 0 };
  gboolean ok;

  import_init (&imp, BD_FILE_FORMAT_CSV, NULL);
  owned = imp.result;
  imp.collected = reports;
  ok = read_csv (&imp, data, length, error);
  import_clear (&imp);
  if (!ok)
    return NULL;
  if (result != NULL)
    *result = g_steal_pointer (&owned);
  return g_steal_pointer (&reports);
}
