/* bd-report-fields.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-report"

#include "config.h"

#include "bd-report-fields.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "bd-catalog.h"
#include "bd-departments.h"
#include "bd-report-private.h"
#include "bd-time.h"

/* How a field is kept, compared, copied and read from and written to
 * GeoJSON. A new field of an existing kind needs only its row below. */
typedef enum
{
  KIND_ID,            /* the feature's "id" (read and written with the feature) */
  KIND_GEOMETRY,      /* latitude, longitude and polygon: the feature's "geometry" */
  KIND_NULLABLE,      /* char *, NULL when unset; JSON null or absent reads as unset */
  KIND_TEXT,          /* char *, never NULL; absent reads as "", null is refused */
  KIND_INT,           /* int; always written */
  KIND_INT64,         /* gint64; written unless it holds the row's "unset" value */
  KIND_TIME,          /* GDateTime *, RFC 3339 */
  KIND_COUNTS,        /* GVariant a{sd} */
  KIND_ATTACHMENTS,   /* GVariant a(sss) */
  KIND_BOOLEAN,       /* gboolean; written only when TRUE */
} Kind;

static char *format_geometry    (BdReport *self);
static char *format_ward        (BdReport *self);
static char *format_category    (BdReport *self);
static char *format_severity    (BdReport *self);
static char *format_status      (BdReport *self);
static char *format_counts      (BdReport *self);
static char *format_attachments (BdReport *self);
static char *format_deleted     (BdReport *self);
static char *format_department  (BdReport *self);

#define AT(member) G_STRUCT_OFFSET (BdReport, member)
#define P(name) BD_REPORT_PROP_##name

#define CONTENT (BD_REPORT_FIELD_FLAG_CONTENT | BD_REPORT_FIELD_FLAG_MERGED)
#define SERVER_STAMP (BD_REPORT_FIELD_FLAG_STAMP | BD_REPORT_FIELD_FLAG_SERVER)

/* In the order of bd_report_diff () and of the GeoJSON properties. Each row:
 * name, label, position in the form, flags, validation check; then how it
 * is kept: kind, struct member, property, the "unset" value of an INT64
 * (not written), the error when it is missing (NULL: optional) and how it
 * is shown when the kind's plain text will not do. */
static const BdReportFieldInfo fields[] = {
  { "id", NULL, 16, 0, BD_REPORT_N_FIELDS,
    KIND_ID, AT (id), P (ID), 0, NULL, NULL },
  { "geometry", N_("Location"), 3, CONTENT, BD_REPORT_FIELD_LOCATION,
    KIND_GEOMETRY, 0, 0, 0, NULL, format_geometry },
  { "ward", N_("Ward"), 4, CONTENT, BD_REPORT_FIELD_WARD,
    KIND_NULLABLE, AT (ward), P (WARD), 0, NULL, format_ward },
  { "category", N_("Kind of damage"), 1, CONTENT, BD_REPORT_FIELD_CATEGORY,
    KIND_NULLABLE, AT (category), P (CATEGORY), 0, NULL, format_category },
  { "severity", N_("Severity"), 2, CONTENT, BD_REPORT_FIELD_SEVERITY,
    KIND_INT, AT (severity), P (SEVERITY), 0,
    N_("The report has no severity. Give one from 1 (minor) to 4 (critical)."),
    format_severity },
  { "status", N_("Status"), 5, CONTENT, BD_REPORT_FIELD_STATUS,
    KIND_NULLABLE, AT (status), P (STATUS), 0, NULL, format_status },
  { "duplicate_of", N_("Duplicate of"), 6, CONTENT, BD_REPORT_FIELD_DUPLICATE_OF,
    KIND_NULLABLE, AT (duplicate_of), P (DUPLICATE_OF), 0, NULL, NULL },
  { "title", N_("Title"), 0, CONTENT, BD_REPORT_FIELD_TITLE,
    KIND_TEXT, AT (title), P (TITLE), 0, NULL, NULL },
  { "description", N_("Description"), 7, CONTENT, BD_REPORT_FIELD_DESCRIPTION,
    KIND_TEXT, AT (description), P (DESCRIPTION), 0, NULL, NULL },
  { "observed_at", N_("Observed at"), 13, CONTENT, BD_REPORT_FIELD_OBSERVED_AT,
    KIND_TIME, AT (observed_at), P (OBSERVED_AT), 0, NULL, NULL },
  /* Set once, by the store of the client that first saved the report. */
  { "created_at", N_("Created at"), 14, 0, BD_REPORT_FIELD_TIMESTAMPS,
    KIND_TIME, AT (created_at), P (CREATED_AT), 0, NULL, NULL },
  /* Set by the client's store on every edit; the merge keeps the later. */
  { "updated_at", N_("Updated at"), 17, BD_REPORT_FIELD_FLAG_STAMP, BD_REPORT_FIELD_TIMESTAMPS,
    KIND_TIME, AT (updated_at), P (UPDATED_AT), 0, NULL, NULL },
  { "reporter", N_("Reporter"), 12, CONTENT, BD_REPORT_FIELD_REPORTER,
    KIND_TEXT, AT (reporter), P (REPORTER), 0, NULL, NULL },
  { "counts", N_("Damage counts"), 9, CONTENT, BD_REPORT_FIELD_COUNTS,
    KIND_COUNTS, AT (counts), P (COUNTS), 0, NULL, format_counts },
  { "affected_households", N_("Affected households"), 10, CONTENT, BD_REPORT_FIELD_AFFECTED,
    KIND_INT64, AT (affected_households), P (AFFECTED_HOUSEHOLDS), -1, NULL, NULL },
  { "affected_people", N_("Affected people"), 11, CONTENT, BD_REPORT_FIELD_AFFECTED,
    KIND_INT64, AT (affected_people), P (AFFECTED_PEOPLE), -1, NULL, NULL },
  { "attachments", N_("Photos"), 8, CONTENT, BD_REPORT_FIELD_ATTACHMENTS,
    KIND_ATTACHMENTS, AT (attachments), P (ATTACHMENTS), 0, NULL, format_attachments },
  { "rev", NULL, 18, SERVER_STAMP, BD_REPORT_N_FIELDS,
    KIND_INT64, AT (rev), P (REV), 0, NULL, NULL },
  { "seq", NULL, 19, SERVER_STAMP, BD_REPORT_N_FIELDS,
    KIND_INT64, AT (seq), P (SEQ), 0, NULL, NULL },
  /* A tombstone: merged, and a change of it is history, but not content. */
  { "deleted", N_("Deleted"), 15, BD_REPORT_FIELD_FLAG_MERGED, BD_REPORT_N_FIELDS,
    KIND_BOOLEAN, AT (deleted), P (DELETED), 0, NULL, format_deleted },
  /* Who works on it (bd-departments.h); NULL: unassigned. */
  { "department", N_("Department"), 20, CONTENT, BD_REPORT_FIELD_DEPARTMENT,
    KIND_NULLABLE, AT (department), P (DEPARTMENT), 0, NULL, format_department },
};

#undef AT
#undef P
#undef CONTENT
#undef SERVER_STAMP

#define MEMBER(self, field, type) (*(type *) G_STRUCT_MEMBER_P ((self), (field)->offset))

const BdReportFieldInfo *
bd_report_fields (guint *n_fields)
{
  if (n_fields != NULL)
    *n_fields = G_N_ELEMENTS (fields);
  return fields;
}

const BdReportFieldInfo *
bd_report_field_lookup (const char *name)
{
  if (name == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (strcmp (fields[i].name, name) == 0)
      return &fields[i];

  return NULL;
}

gboolean
bd_report_field_has_flags (const char         *name,
                           BdReportFieldFlags  flags)
{
  const BdReportFieldInfo *field = bd_report_field_lookup (name);

  return field != NULL && (field->flags & flags) == flags;
}

const char * const *
bd_report_field_names (BdReportFieldFlags flags)
{
  /* One list per combination of the four flags, made once. */
  static const char **lists[16];
  guint key = flags & 15;

  g_return_val_if_fail (flags == key, NULL);

  if (g_once_init_enter (&lists[key]))
    {
      const char **names = g_new0 (const char *, G_N_ELEMENTS (fields) + 1);
      guint n = 0;

      for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
        if ((fields[i].flags & flags) == flags)
          names[n++] = fields[i].name;
      g_once_init_leave (&lists[key], names);
    }

  return lists[key];
}

/* Equal, copy */

static gboolean
field_equal (const BdReportFieldInfo *field,
             BdReport                *a,
             BdReport                *b)
{
  switch ((Kind) field->kind)
    {
    case KIND_GEOMETRY:
      return _bd_report_doubles_same (a->latitude, b->latitude) &&
             _bd_report_doubles_same (a->longitude, b->longitude) &&
             g_strcmp0 (a->polygon, b->polygon) == 0;
    case KIND_ID:
    case KIND_NULLABLE:
    case KIND_TEXT:
      return g_strcmp0 (MEMBER (a, field, char *), MEMBER (b, field, char *)) == 0;
    case KIND_INT:
      return MEMBER (a, field, int) == MEMBER (b, field, int);
    case KIND_INT64:
      return MEMBER (a, field, gint64) == MEMBER (b, field, gint64);
    case KIND_TIME:
      return _bd_report_date_times_same_second (MEMBER (a, field, GDateTime *),
                                                MEMBER (b, field, GDateTime *));
    case KIND_COUNTS:
    case KIND_ATTACHMENTS:
      return g_variant_equal (MEMBER (a, field, GVariant *), MEMBER (b, field, GVariant *));
    case KIND_BOOLEAN:
      return MEMBER (a, field, gboolean) == MEMBER (b, field, gboolean);
    default:
      g_assert_not_reached ();
    }
}

guint
_bd_report_compare (BdReport  *a,
                    BdReport  *b,
                    GPtrArray *names)
{
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      if (field_equal (&fields[i], a, b))
        continue;
      n++;
      if (names != NULL)
        g_ptr_array_add (names, g_strdup (fields[i].name));
    }

  return n;
}

gboolean
bd_report_equal (BdReport *a,
                 BdReport *b)
{
  g_return_val_if_fail (BD_IS_REPORT (a), FALSE);
  g_return_val_if_fail (BD_IS_REPORT (b), FALSE);

  if (a == b)
    return TRUE;

  return _bd_report_compare (a, b, NULL) == 0;
}

char **
bd_report_diff (BdReport *a,
                BdReport *b)
{
  GPtrArray *names;

  g_return_val_if_fail (BD_IS_REPORT (a), NULL);
  g_return_val_if_fail (BD_IS_REPORT (b), NULL);

  names = g_ptr_array_new ();
  _bd_report_compare (a, b, names);
  g_ptr_array_add (names, NULL);

  return (char **) g_ptr_array_free (names, FALSE);
}

gboolean
bd_report_same_content (BdReport *a,
                        BdReport *b)
{
  g_return_val_if_fail (BD_IS_REPORT (a), FALSE);
  g_return_val_if_fail (BD_IS_REPORT (b), FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (!(fields[i].flags & BD_REPORT_FIELD_FLAG_STAMP) && !field_equal (&fields[i], a, b))
      return FALSE;

  return TRUE;
}

void
bd_report_copy_field (BdReport   *self,
                      BdReport   *source,
                      const char *name)
{
  const BdReportFieldInfo *field;
  gboolean changed = FALSE;

  g_return_if_fail (BD_IS_REPORT (self));
  g_return_if_fail (BD_IS_REPORT (source));
  g_return_if_fail (name != NULL);

  if ((field = bd_report_field_lookup (name)) == NULL)
    {
      g_critical ("%s: no field named “%s”", G_STRFUNC, name);
      return;
    }

  switch ((Kind) field->kind)
    {
    case KIND_GEOMETRY:
      bd_report_set_location (self, source->latitude, source->longitude);
      bd_report_set_polygon (self, source->polygon);
      return;
    case KIND_ID:
    case KIND_NULLABLE:
      changed = _bd_report_replace_nullable (&MEMBER (self, field, char *),
                                             MEMBER (source, field, char *));
      break;
    case KIND_TEXT:
      changed = _bd_report_replace_text (&MEMBER (self, field, char *),
                                         MEMBER (source, field, char *));
      break;
    case KIND_INT:
      changed = MEMBER (self, field, int) != MEMBER (source, field, int);
      MEMBER (self, field, int) = MEMBER (source, field, int);
      break;
    case KIND_INT64:
      changed = MEMBER (self, field, gint64) != MEMBER (source, field, gint64);
      MEMBER (self, field, gint64) = MEMBER (source, field, gint64);
      break;
    case KIND_TIME:
      changed = _bd_report_replace_date_time (&MEMBER (self, field, GDateTime *),
                                              MEMBER (source, field, GDateTime *));
      break;
    case KIND_COUNTS:
    case KIND_ATTACHMENTS:
      /* Immutable, and normalized in @source already: sharing is a copy. */
      if (!g_variant_equal (MEMBER (self, field, GVariant *), MEMBER (source, field, GVariant *)))
        {
          g_variant_unref (MEMBER (self, field, GVariant *));
          MEMBER (self, field, GVariant *) = g_variant_ref (MEMBER (source, field, GVariant *));
          changed = TRUE;
        }
      break;
    case KIND_BOOLEAN:
      changed = MEMBER (self, field, gboolean) != MEMBER (source, field, gboolean);
      MEMBER (self, field, gboolean) = MEMBER (source, field, gboolean);
      break;
    default:
      g_assert_not_reached ();
    }

  if (changed)
    _bd_report_notify (self, field->prop);
}

/* Labels and formatting: the conflict view */

const char *
bd_report_field_label (const char *name)
{
  const BdReportFieldInfo *field = bd_report_field_lookup (name);

  if (field == NULL || field->label == NULL)
    return name;

  return _(field->label);
}

static const BdCountField *
lookup_count_field (const char *key)
{
  const BdCategory *categories;
  const BdCountField *extra;
  guint n, m, i, j;

  categories = bd_catalog_get_categories (&n);
  for (i = 0; i < n; i++)
    for (j = 0; j < categories[i].n_counts; j++)
      if (g_str_equal (categories[i].counts[j].key, key))
        return &categories[i].counts[j];
  extra = bd_catalog_get_extra_counts (&m);
  for (i = 0; i < m; i++)
    if (g_str_equal (extra[i].key, key))
      return &extra[i];
  return NULL;
}

static char *
format_time (GDateTime *when)
{
  g_autoptr(GDateTime) local = NULL;

  if (when == NULL)
    return g_strdup ("");
  local = g_date_time_to_local (when);
  /* Translators: a date and time in the conflict view, g_date_time_format() */
  return g_date_time_format (local, _("%Y-%m-%d %H:%M"));
}

static char *
format_geometry (BdReport *self)
{
  if (isnan (self->latitude) || isnan (self->longitude))
    return g_strdup ("");
  if (self->polygon != NULL)
    /* Translators: latitude, longitude of an area report */
    return g_strdup_printf (_("area around %.5f, %.5f"), self->latitude, self->longitude);
  return g_strdup_printf ("%.5f, %.5f", self->latitude, self->longitude);
}

static char *
format_ward (BdReport *self)
{
  const BdWard *ward = bd_catalog_lookup_ward (self->ward);

  return g_strdup (ward != NULL ? bd_catalog_label (ward->name_ja, ward->name_en)
                                : (self->ward != NULL ? self->ward : ""));
}

static char *
format_category (BdReport *self)
{
  const BdCategory *category = bd_catalog_lookup_category (self->category);

  return g_strdup (category != NULL ? bd_catalog_label (category->name_ja, category->name_en)
                                    : (self->category != NULL ? self->category : ""));
}

static char *
format_severity (BdReport *self)
{
  const BdSeverity *severity = bd_catalog_lookup_severity (self->severity);

  return severity != NULL ? g_strdup (bd_catalog_label (severity->name_ja, severity->name_en))
                          : g_strdup_printf ("%d", self->severity);
}

static char *
format_status (BdReport *self)
{
  const BdStatus *status = bd_catalog_lookup_status (self->status);

  return g_strdup (status != NULL ? bd_catalog_label (status->name_ja, status->name_en)
                                  : (self->status != NULL ? self->status : ""));
}

static char *
format_counts (BdReport *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  GVariantIter iter;
  const char *key;
  double value;

  g_variant_iter_init (&iter, self->counts);
  while (g_variant_iter_next (&iter, "{&sd}", &key, &value))
    {
      const BdCountField *count = lookup_count_field (key);

      if (text->len > 0)
        /* Translators: separates damage counts in a list */
        g_string_append (text, _(", "));
      if (count != NULL)
        g_string_append_printf (text, "%s %g%s",
                                bd_catalog_label (count->label_ja, count->label_en), value,
                                bd_catalog_label (count->unit_ja, count->unit_en));
      else
        g_string_append_printf (text, "%s %g", key, value);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
format_attachments (BdReport *self)
{
  gsize n = g_variant_n_children (self->attachments);

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u photo", "%u photos", n), (guint) n);
}

static char *
format_deleted (BdReport *self)
{
  return g_strdup (self->deleted ? _("deleted") : _("kept"));
}

static char *
format_department (BdReport *self)
{
  if (self->department == NULL)
    return g_strdup (_("Unassigned"));
  return bd_departments_dup_label (self->department);
}

char *
bd_report_format_field (BdReport   *self,
                        const char *name)
{
  const BdReportFieldInfo *field;

  g_return_val_if_fail (BD_IS_REPORT (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if ((field = bd_report_field_lookup (name)) == NULL)
    return g_strdup ("");
  if (field->format != NULL)
    return field->format (self);

  switch ((Kind) field->kind)
    {
    case KIND_ID:
    case KIND_NULLABLE:
    case KIND_TEXT:
      return g_strdup (MEMBER (self, field, char *) != NULL ? MEMBER (self, field, char *) : "");
    case KIND_INT:
      return g_strdup_printf ("%d", MEMBER (self, field, int));
    case KIND_INT64:
      return g_strdup_printf ("%lld", (long long) MEMBER (self, field, gint64));
    case KIND_TIME:
      return format_time (MEMBER (self, field, GDateTime *));
    case KIND_GEOMETRY:
    case KIND_COUNTS:
    case KIND_ATTACHMENTS:
    case KIND_BOOLEAN:
    default:
      g_assert_not_reached ();
    }
}

/* GeoJSON properties */

static void
add_number (JsonObject *object,
            const char *name,
            double      value)
{
  /* Whole numbers as JSON integers: "3", not "3.0". */
  if (value == floor (value) && fabs (value) < 9007199254740992.0)
    json_object_set_int_member (object, name, (gint64) value);
  else
    json_object_set_double_member (object, name, value);
}

/* Writes one field's property into @props (nothing for an unset value). */
static void
field_to_json (BdReport                *self,
               const BdReportFieldInfo *field,
               JsonObject              *props)
{
  switch ((Kind) field->kind)
    {
    case KIND_ID:
    case KIND_GEOMETRY:
      break;   /* members of the feature, not properties */
    case KIND_NULLABLE:
      if (MEMBER (self, field, char *) != NULL)
        json_object_set_string_member (props, field->name, MEMBER (self, field, char *));
      break;
    case KIND_TEXT:
      json_object_set_string_member (props, field->name, MEMBER (self, field, char *));
      break;
    case KIND_INT:
      json_object_set_int_member (props, field->name, MEMBER (self, field, int));
      break;
    case KIND_INT64:
      /* The unset value is left out; any other value is written, even an
       * invalid one, so that reading back gives the same report. */
      if (MEMBER (self, field, gint64) != field->unset)
        json_object_set_int_member (props, field->name, MEMBER (self, field, gint64));
      break;
    case KIND_TIME:
      {
        g_autofree char *text = bd_format_timestamp (MEMBER (self, field, GDateTime *));

        if (text != NULL)
          json_object_set_string_member (props, field->name, text);
      }
      break;
    case KIND_COUNTS:
      {
        JsonObject *counts = json_object_new ();
        GVariantIter iter;
        const char *key;
        double value;

        g_variant_iter_init (&iter, MEMBER (self, field, GVariant *));
        while (g_variant_iter_next (&iter, "{&sd}", &key, &value))
          {
            /* Not representable: bd_report_validate () refuses these anyway. */
            if (!isfinite (value) || fabs (value) > BD_REPORT_MAX_JSON_NUMBER)
              continue;
            add_number (counts, key, value);
          }
        json_object_set_object_member (props, field->name, counts);
      }
      break;
    case KIND_ATTACHMENTS:
      {
        JsonArray *attachments = json_array_new ();
        GVariantIter iter;
        const char *sha256, *media_type, *name;

        g_variant_iter_init (&iter, MEMBER (self, field, GVariant *));
        while (g_variant_iter_next (&iter, "(&s&s&s)", &sha256, &media_type, &name))
          {
            JsonObject *attachment = json_object_new ();

            json_object_set_string_member (attachment, "sha256", sha256);
            json_object_set_string_member (attachment, "media_type", media_type);
            json_object_set_string_member (attachment, "name", name);
            json_array_add_object_element (attachments, attachment);
          }
        json_object_set_array_member (props, field->name, attachments);
      }
      break;
    case KIND_BOOLEAN:
      if (MEMBER (self, field, gboolean))
        json_object_set_boolean_member (props, field->name, TRUE);
      break;
    default:
      g_assert_not_reached ();
    }
}

void
_bd_report_fields_to_json (BdReport   *self,
                           JsonObject *props)
{
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    field_to_json (self, &fields[i], props);
}

/* One field's value on its own: the store's history keeps these. */

JsonNode *
bd_report_field_to_json (BdReport   *self,
                         const char *name)
{
  const BdReportFieldInfo *field;
  g_autoptr(JsonObject) props = NULL;
  JsonNode *node;

  g_return_val_if_fail (BD_IS_REPORT (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if ((field = bd_report_field_lookup (name)) == NULL)
    return json_node_new (JSON_NODE_NULL);

  switch ((Kind) field->kind)
    {
    case KIND_ID:
      node = json_node_new (JSON_NODE_NULL);
      if (self->id != NULL)
        json_node_init_string (node, self->id);
      return node;

    case KIND_GEOMETRY:
      {
        JsonObject *object;

        if (isnan (self->latitude) || isnan (self->longitude))
          return json_node_new (JSON_NODE_NULL);
        /* the place, not the polygon (which may be large): "area" says
         * there is one */
        object = json_object_new ();
        json_object_set_double_member (object, "lat", self->latitude);
        json_object_set_double_member (object, "lon", self->longitude);
        if (self->polygon != NULL)
          json_object_set_boolean_member (object, "area", TRUE);
        node = json_node_new (JSON_NODE_OBJECT);
        json_node_take_object (node, object);
        return node;
      }

    case KIND_NULLABLE:
    case KIND_TEXT:
    case KIND_INT:
    case KIND_INT64:
    case KIND_TIME:
    case KIND_COUNTS:
    case KIND_ATTACHMENTS:
    case KIND_BOOLEAN:
    default:
      props = json_object_new ();
      field_to_json (self, field, props);
      node = json_object_dup_member (props, field->name);
      return node != NULL ? node : json_node_new (JSON_NODE_NULL);
    }
}

static gboolean read_field (BdReport *self, const BdReportFieldInfo *field,
                            JsonNode *node, GError **error);

char *
bd_report_field_format_json (const char *name,
                             JsonNode   *value)
{
  const BdReportFieldInfo *field = bd_report_field_lookup (name);
  g_autoptr(BdReport) scratch = NULL;
  g_autoptr(GError) error = NULL;
  gboolean unset = value == NULL || JSON_NODE_HOLDS_NULL (value);

  g_return_val_if_fail (name != NULL, NULL);

  if (field == NULL)
    return unset ? g_strdup ("") : json_to_string (value, FALSE);

  /* the value put into an otherwise empty report, shown as the table
   * shows the field */
  scratch = g_object_new (BD_TYPE_REPORT, NULL);
  switch ((Kind) field->kind)
    {
    case KIND_ID:
      if (unset || !JSON_NODE_HOLDS_VALUE (value) ||
          json_node_get_value_type (value) != G_TYPE_STRING)
        return g_strdup ("");
      return g_strdup (json_node_get_string (value));

    case KIND_GEOMETRY:
      {
        JsonObject *object;
        double lat, lon;

        if (unset || !JSON_NODE_HOLDS_OBJECT (value))
          return g_strdup ("");
        object = json_node_get_object (value);
        if (!_bd_report_get_number (json_object_get_member (object, "lat"), &lat) ||
            !_bd_report_get_number (json_object_get_member (object, "lon"), &lon))
          return g_strdup ("");
        scratch->latitude = lat;
        scratch->longitude = lon;
        if (json_object_has_member (object, "area"))
          scratch->polygon = g_strdup ("{}");
        return bd_report_format_field (scratch, name);
      }

    case KIND_NULLABLE:
      /* unset has a meaning of its own (the department: unassigned) */
      _bd_report_replace_nullable (&MEMBER (scratch, field, char *), NULL);
      if (!unset && !read_field (scratch, field, value, &error))
        return json_to_string (value, FALSE);
      return bd_report_format_field (scratch, name);

    case KIND_TEXT:
    case KIND_INT:
    case KIND_INT64:
    case KIND_TIME:
    case KIND_COUNTS:
    case KIND_ATTACHMENTS:
    case KIND_BOOLEAN:
    default:
      if (unset)
        return g_strdup ("");
      if (!read_field (scratch, field, value, &error))
        return json_to_string (value, FALSE);
      return bd_report_format_field (scratch, name);
    }
}

gboolean
_bd_report_read_string (JsonNode    *node,
                        const char  *name,
                        const char **out,
                        GError     **error)
{
  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return _bd_report_parse_error (error, _("The property “%s” must be text."), name);

  /* json-glib lets escapes such as a lone "\ud800" through */
  *out = json_node_get_string (node);
  if (!g_utf8_validate (*out, -1, NULL))
    {
      *out = NULL;
      return _bd_report_parse_error (error, _("The property “%s” is not valid text."), name);
    }

  return TRUE;
}

static gboolean
read_int64 (JsonNode    *node,
            const char  *name,
            gint64       min,
            gint64       max,
            gint64      *out,
            GError     **error)
{
  double value;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    {
      *out = json_node_get_int (node);
    }
  else if (_bd_report_get_number (node, &value) && value == floor (value) &&
           value >= -9007199254740992.0 && value <= 9007199254740992.0)
    {
      *out = (gint64) value;
    }
  else
    {
      return _bd_report_parse_error (error, _("The property “%s” must be a whole number."), name);
    }

  if (*out < min || *out > max)
    return _bd_report_parse_error (error, _("The property “%s” is out of range."), name);

  return TRUE;
}

static gboolean
read_counts (JsonNode   *node,
             GVariant  **out,
             GError    **error)
{
  g_autoptr(GList) members = NULL;
  GVariantBuilder builder;
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return _bd_report_parse_error (error, _("The property “%s” must be an object."), "counts");

  object = json_node_get_object (node);
  members = json_object_get_members (object);
  g_variant_builder_init (&builder, BD_REPORT_COUNTS_TYPE);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      double value;

      if (!g_utf8_validate (l->data, -1, NULL))
        {
          g_variant_builder_clear (&builder);
          return _bd_report_parse_error (error, _("A count’s name is not valid text."));
        }

      if (!_bd_report_get_number (json_object_get_member (object, l->data), &value) ||
          fabs (value) > BD_REPORT_MAX_JSON_NUMBER)
        {
          g_variant_builder_clear (&builder);
          return _bd_report_parse_error (error, _("The count “%s” must be a number."),
                                         (const char *) l->data);
        }
      g_variant_builder_add (&builder, "{sd}", (const char *) l->data, value);
    }

  *out = g_variant_ref_sink (g_variant_builder_end (&builder));
  return TRUE;
}

static gboolean
read_attachments (JsonNode   *node,
                  GVariant  **out,
                  GError    **error)
{
  GVariantBuilder builder;
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return _bd_report_parse_error (error, _("The property “%s” must be a list."), "attachments");

  array = json_node_get_array (node);
  g_variant_builder_init (&builder, BD_REPORT_ATTACHMENTS_TYPE);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *values[3] = { NULL, NULL, NULL };
      static const char * const names[3] = { "sha256", "media_type", "name" };

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_variant_builder_clear (&builder);
          return _bd_report_parse_error (error, _("Attachment %u is not an object."), i + 1);
        }

      for (guint j = 0; j < 3; j++)
        {
          if (!_bd_report_read_string (json_object_get_member (json_node_get_object (element), names[j]),
                            names[j], &values[j], error))
            {
              g_variant_builder_clear (&builder);
              return FALSE;
            }
          if (values[j] == NULL)
            {
              g_variant_builder_clear (&builder);
              return _bd_report_parse_error (error, _("Attachment %u has no “%s”."), i + 1, names[j]);
            }
        }

      g_variant_builder_add (&builder, "(sss)", values[0], values[1], values[2]);
    }

  *out = g_variant_ref_sink (g_variant_builder_end (&builder));
  return TRUE;
}

/* Reads one property into @self (a report being built: no notifications). */
static gboolean
read_field (BdReport                 *self,
            const BdReportFieldInfo  *field,
            JsonNode                 *node,
            GError                  **error)
{
  const char *text;
  gint64 number;

  switch ((Kind) field->kind)
    {
    case KIND_NULLABLE:
      if (!_bd_report_read_string (node, field->name, &text, error))
        return FALSE;
      _bd_report_replace_nullable (&MEMBER (self, field, char *), text);
      return TRUE;

    case KIND_TEXT:
      if (node != NULL && JSON_NODE_HOLDS_NULL (node))
        return _bd_report_parse_error (error,
                                       _("The property “%s” is null; it must be text (\"\" when there is none)."),
                                       field->name);
      if (!_bd_report_read_string (node, field->name, &text, error))
        return FALSE;
      _bd_report_replace_text (&MEMBER (self, field, char *), text);
      return TRUE;

    case KIND_INT:
      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        return TRUE;
      if (!read_int64 (node, field->name, G_MININT, G_MAXINT, &number, error))
        return FALSE;
      MEMBER (self, field, int) = (int) number;
      return TRUE;

    case KIND_INT64:
      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        return TRUE;
      if (!read_int64 (node, field->name, G_MININT64, G_MAXINT64, &number, error))
        return FALSE;
      MEMBER (self, field, gint64) = number;
      return TRUE;

    case KIND_TIME:
      {
        GDateTime **member = &MEMBER (self, field, GDateTime *);

        if (!_bd_report_read_string (node, field->name, &text, error))
          return FALSE;
        g_clear_pointer (member, g_date_time_unref);
        if (text == NULL)
          return TRUE;
        if ((*member = bd_parse_timestamp (text)) == NULL)
          return _bd_report_parse_error (error,
                                         _("The property “%s” is not a date and time with an offset (RFC 3339)."),
                                         field->name);
        return TRUE;
      }

    case KIND_COUNTS:
      {
        g_autoptr(GVariant) counts = NULL;

        if (node == NULL || JSON_NODE_HOLDS_NULL (node))
          return TRUE;
        if (!read_counts (node, &counts, error))
          return FALSE;
        g_clear_pointer (&MEMBER (self, field, GVariant *), g_variant_unref);
        MEMBER (self, field, GVariant *) = _bd_report_normalize_counts (counts);
        return TRUE;
      }

    case KIND_ATTACHMENTS:
      {
        GVariant *attachments = NULL;

        if (node == NULL || JSON_NODE_HOLDS_NULL (node))
          return TRUE;
        if (!read_attachments (node, &attachments, error))
          return FALSE;
        g_clear_pointer (&MEMBER (self, field, GVariant *), g_variant_unref);
        MEMBER (self, field, GVariant *) = attachments;
        return TRUE;
      }

    case KIND_BOOLEAN:
      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        return TRUE;
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        return _bd_report_parse_error (error, _("The property “%s” must be true or false."),
                                       field->name);
      MEMBER (self, field, gboolean) = json_node_get_boolean (node);
      return TRUE;

    case KIND_ID:
    case KIND_GEOMETRY:
    default:
      g_assert_not_reached ();
    }
}

gboolean
_bd_report_fields_from_json (BdReport    *self,
                             JsonObject  *props,
                             GError     **error)
{
  /* Types first, then what is required: a property of the wrong type is
   * a malformed feature, a missing one an incomplete report. */
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      const BdReportFieldInfo *field = &fields[i];

      if (field->kind == KIND_ID || field->kind == KIND_GEOMETRY)
        continue;
      if (!read_field (self, field, json_object_get_member (props, field->name), error))
        return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      const BdReportFieldInfo *field = &fields[i];
      JsonNode *node;

      if (field->missing == NULL)
        continue;
      node = json_object_get_member (props, field->name);
      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        {
          g_set_error_literal (error, BD_REPORT_ERROR, BD_REPORT_ERROR_PARSE, _(field->missing));
          return FALSE;
        }
    }

  return TRUE;
}
