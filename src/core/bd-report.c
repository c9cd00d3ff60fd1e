/* bd-report.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-report"

#include "config.h"

#include "bd-report.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "bd-catalog.h"

#define MAX_FEATURE_BYTES     (16 * 1024 * 1024)
#define MAX_COLLECTION_BYTES  (64 * 1024 * 1024)
#define MAX_JSON_DEPTH        64
#define MAX_POLYGON_POSITIONS 10000
#define MAX_ATTACHMENT_NAME   255
#define MAX_MEDIA_TYPE        255
#define MAX_FUTURE_SECONDS    (10 * 60)
/* json-glib 1.6 writes 1e22 as "1e+22.0", which it cannot read back: keep
 * numbers well below where %.17g switches to an exponent without a point. */
#define MAX_JSON_NUMBER       1e15

struct _BdReport
{
  GObject    parent_instance;

  char      *id;
  double     latitude;
  double     longitude;
  char      *polygon;
  char      *ward;
  char      *category;
  int        severity;
  char      *status;
  char      *duplicate_of;
  char      *title;
  char      *description;
  char      *reporter;
  GDateTime *observed_at;
  GDateTime *created_at;
  GDateTime *updated_at;
  GVariant  *counts;        /* a{sd}, sorted by key, no zero values; never NULL */
  gint64     affected_households;
  gint64     affected_people;
  GVariant  *attachments;   /* a(sss); never NULL */
  gint64     rev;
  gint64     seq;
  gboolean   deleted;
};

G_DEFINE_FINAL_TYPE (BdReport, bd_report, G_TYPE_OBJECT)

G_DEFINE_QUARK (bd-report-error-quark, bd_report_error)

enum {
  PROP_0,
  PROP_ID,
  PROP_LATITUDE,
  PROP_LONGITUDE,
  PROP_POLYGON,
  PROP_WARD,
  PROP_CATEGORY,
  PROP_SEVERITY,
  PROP_STATUS,
  PROP_DUPLICATE_OF,
  PROP_TITLE,
  PROP_DESCRIPTION,
  PROP_REPORTER,
  PROP_OBSERVED_AT,
  PROP_CREATED_AT,
  PROP_UPDATED_AT,
  PROP_COUNTS,
  PROP_AFFECTED_HOUSEHOLDS,
  PROP_AFFECTED_PEOPLE,
  PROP_ATTACHMENTS,
  PROP_REV,
  PROP_SEQ,
  PROP_DELETED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define COUNTS_TYPE      G_VARIANT_TYPE ("a{sd}")
#define ATTACHMENTS_TYPE G_VARIANT_TYPE ("a(sss)")

/* Helpers */

static gboolean
doubles_same (double a,
              double b)
{
  if (isnan (a) || isnan (b))
    return isnan (a) && isnan (b);

  return a == b;
}

/* Exactly the same instant and offset (a change worth a notify). */
static gboolean
date_times_identical (GDateTime *a,
                      GDateTime *b)
{
  if (a == NULL || b == NULL)
    return a == b;

  return g_date_time_equal (a, b) &&
         g_date_time_get_utc_offset (a) == g_date_time_get_utc_offset (b);
}

/* The same to the second (what equal and diff compare). */
static gboolean
date_times_same_second (GDateTime *a,
                        GDateTime *b)
{
  if (a == NULL || b == NULL)
    return a == b;

  return g_date_time_to_unix (a) == g_date_time_to_unix (b);
}

/* Stores @value in @field (NULL for ""), TRUE if it changed. */
static gboolean
replace_nullable (char       **field,
                  const char  *value)
{
  if (value != NULL && value[0] == '\0')
    value = NULL;

  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

/* Stores @value in @field ("" for NULL), TRUE if it changed. */
static gboolean
replace_text (char       **field,
              const char  *value)
{
  if (value == NULL)
    value = "";

  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static gboolean
replace_date_time (GDateTime **field,
                   GDateTime  *value)
{
  if (date_times_identical (*field, value))
    return FALSE;

  if (value != NULL)
    g_date_time_ref (value);
  g_clear_pointer (field, g_date_time_unref);
  *field = value;
  return TRUE;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* a{sd} sorted by key, no zeros, last value of a repeated key wins. */
static GVariant *
normalize_counts (GVariant *counts)
{
  g_autoptr(GHashTable) table = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  GVariantBuilder builder;
  GVariantIter iter;
  const char *key;
  double value;

  if (counts != NULL)
    {
      g_variant_iter_init (&iter, counts);
      while (g_variant_iter_next (&iter, "{&sd}", &key, &value))
        {
          gpointer index;

          if (g_hash_table_lookup_extended (table, key, NULL, &index))
            {
              g_array_index (values, double, GPOINTER_TO_UINT (index)) = value;
              continue;
            }

          g_hash_table_insert (table, (gpointer) key, GUINT_TO_POINTER (values->len));
          g_array_append_val (values, value);
          g_ptr_array_add (keys, (gpointer) key);
        }
    }

  g_ptr_array_sort (keys, compare_strings);

  g_variant_builder_init (&builder, COUNTS_TYPE);
  for (guint i = 0; i < keys->len; i++)
    {
      guint index = GPOINTER_TO_UINT (g_hash_table_lookup (table, keys->pdata[i]));

      value = g_array_index (values, double, index);
      if (value != 0.0)
        g_variant_builder_add (&builder, "{sd}", (const char *) keys->pdata[i], value);
    }

  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

static gboolean
is_uuid (const char *text)
{
  return text != NULL && g_uuid_string_is_valid (text);
}

static gboolean
is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (!g_unichar_isspace (g_utf8_get_char (p)))
        return FALSE;
    }

  return TRUE;
}

static gboolean
is_lower_hex_sha256 (const char *text)
{
  guint i;

  if (text == NULL)
    return FALSE;

  for (i = 0; text[i] != '\0'; i++)
    {
      if (i >= 64 || !((text[i] >= '0' && text[i] <= '9') ||
                       (text[i] >= 'a' && text[i] <= 'f')))
        return FALSE;
    }

  return i == 64;
}

static gboolean
is_token_char (char c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr ("!#$&^_.+-", c) != NULL);
}

/* type "/" subtype, RFC 6838 restricted names, no parameters. */
static gboolean
is_media_type (const char *text)
{
  const char *slash;
  gsize len;

  if (text == NULL)
    return FALSE;

  len = strlen (text);
  if (len < 3 || len > MAX_MEDIA_TYPE)
    return FALSE;

  slash = strchr (text, '/');
  if (slash == NULL || slash == text || slash[1] == '\0' || strchr (slash + 1, '/') != NULL)
    return FALSE;

  if (!g_ascii_isalnum (text[0]) || !g_ascii_isalnum (slash[1]))
    return FALSE;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (p != slash && !is_token_char (*p))
        return FALSE;
    }

  return TRUE;
}

static const char *
category_label (const char *code)
{
  const BdCategory *category = bd_catalog_lookup_category (code);

  if (category == NULL)
    return code;

  return bd_catalog_label (category->name_ja, category->name_en);
}

/* Forward declarations */
static JsonNode *parse_bounded (const char  *text,
                                gssize       length,
                                gsize        max_bytes,
                                GError     **error);
static JsonNode *read_polygon  (JsonNode    *node,
                                double      *longitude,
                                double      *latitude,
                                GError     **error);

/* GObject */

static void
bd_report_finalize (GObject *object)
{
  BdReport *self = (BdReport *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->polygon, g_free);
  g_clear_pointer (&self->ward, g_free);
  g_clear_pointer (&self->category, g_free);
  g_clear_pointer (&self->status, g_free);
  g_clear_pointer (&self->duplicate_of, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->reporter, g_free);
  g_clear_pointer (&self->observed_at, g_date_time_unref);
  g_clear_pointer (&self->created_at, g_date_time_unref);
  g_clear_pointer (&self->updated_at, g_date_time_unref);
  g_clear_pointer (&self->counts, g_variant_unref);
  g_clear_pointer (&self->attachments, g_variant_unref);

  G_OBJECT_CLASS (bd_report_parent_class)->finalize (object);
}

static void
bd_report_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  BdReport *self = BD_REPORT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_LATITUDE:
      g_value_set_double (value, self->latitude);
      break;
    case PROP_LONGITUDE:
      g_value_set_double (value, self->longitude);
      break;
    case PROP_POLYGON:
      g_value_set_string (value, self->polygon);
      break;
    case PROP_WARD:
      g_value_set_string (value, self->ward);
      break;
    case PROP_CATEGORY:
      g_value_set_string (value, self->category);
      break;
    case PROP_SEVERITY:
      g_value_set_int (value, self->severity);
      break;
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    case PROP_DUPLICATE_OF:
      g_value_set_string (value, self->duplicate_of);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;
    case PROP_REPORTER:
      g_value_set_string (value, self->reporter);
      break;
    case PROP_OBSERVED_AT:
      g_value_set_boxed (value, self->observed_at);
      break;
    case PROP_CREATED_AT:
      g_value_set_boxed (value, self->created_at);
      break;
    case PROP_UPDATED_AT:
      g_value_set_boxed (value, self->updated_at);
      break;
    case PROP_COUNTS:
      g_value_set_variant (value, self->counts);
      break;
    case PROP_AFFECTED_HOUSEHOLDS:
      g_value_set_int64 (value, self->affected_households);
      break;
    case PROP_AFFECTED_PEOPLE:
      g_value_set_int64 (value, self->affected_people);
      break;
    case PROP_ATTACHMENTS:
      g_value_set_variant (value, self->attachments);
      break;
    case PROP_REV:
      g_value_set_int64 (value, self->rev);
      break;
    case PROP_SEQ:
      g_value_set_int64 (value, self->seq);
      break;
    case PROP_DELETED:
      g_value_set_boolean (value, self->deleted);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_report_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  BdReport *self = BD_REPORT (object);

  switch (prop_id)
    {
    case PROP_ID:
      bd_report_set_id (self, g_value_get_string (value));
      break;
    case PROP_LATITUDE:
      bd_report_set_location (self, g_value_get_double (value), self->longitude);
      break;
    case PROP_LONGITUDE:
      bd_report_set_location (self, self->latitude, g_value_get_double (value));
      break;
    case PROP_POLYGON:
      bd_report_set_polygon (self, g_value_get_string (value));
      break;
    case PROP_WARD:
      bd_report_set_ward (self, g_value_get_string (value));
      break;
    case PROP_CATEGORY:
      bd_report_set_category (self, g_value_get_string (value));
      break;
    case PROP_SEVERITY:
      bd_report_set_severity (self, g_value_get_int (value));
      break;
    case PROP_STATUS:
      bd_report_set_status (self, g_value_get_string (value));
      break;
    case PROP_DUPLICATE_OF:
      bd_report_set_duplicate_of (self, g_value_get_string (value));
      break;
    case PROP_TITLE:
      bd_report_set_title (self, g_value_get_string (value));
      break;
    case PROP_DESCRIPTION:
      bd_report_set_description (self, g_value_get_string (value));
      break;
    case PROP_REPORTER:
      bd_report_set_reporter (self, g_value_get_string (value));
      break;
    case PROP_OBSERVED_AT:
      bd_report_set_observed_at (self, g_value_get_boxed (value));
      break;
    case PROP_CREATED_AT:
      bd_report_set_created_at (self, g_value_get_boxed (value));
      break;
    case PROP_UPDATED_AT:
      bd_report_set_updated_at (self, g_value_get_boxed (value));
      break;
    case PROP_COUNTS:
      bd_report_set_counts (self, g_value_get_variant (value));
      break;
    case PROP_AFFECTED_HOUSEHOLDS:
      bd_report_set_affected_households (self, g_value_get_int64 (value));
      break;
    case PROP_AFFECTED_PEOPLE:
      bd_report_set_affected_people (self, g_value_get_int64 (value));
      break;
    case PROP_ATTACHMENTS:
      bd_report_set_attachments (self, g_value_get_variant (value));
      break;
    case PROP_REV:
      bd_report_set_rev (self, g_value_get_int64 (value));
      break;
    case PROP_SEQ:
      bd_report_set_seq (self, g_value_get_int64 (value));
      break;
    case PROP_DELETED:
      bd_report_set_deleted (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_report_class_init (BdReportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = (G_PARAM_READWRITE |
                       G_PARAM_EXPLICIT_NOTIFY |
                       G_PARAM_STATIC_STRINGS);

  object_class->finalize = bd_report_finalize;
  object_class->get_property = bd_report_get_property;
  object_class->set_property = bd_report_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL, flags);
  /* NaN (the default, set in init) means "no place chosen yet". */
  properties[PROP_LATITUDE] =
    g_param_spec_double ("latitude", NULL, NULL,
                         -G_MAXDOUBLE, G_MAXDOUBLE, 0.0, flags);
  properties[PROP_LONGITUDE] =
    g_param_spec_double ("longitude", NULL, NULL,
                         -G_MAXDOUBLE, G_MAXDOUBLE, 0.0, flags);
  properties[PROP_POLYGON] =
    g_param_spec_string ("polygon", NULL, NULL, NULL, flags);
  properties[PROP_WARD] =
    g_param_spec_string ("ward", NULL, NULL, NULL, flags);
  properties[PROP_CATEGORY] =
    g_param_spec_string ("category", NULL, NULL, NULL, flags);
  properties[PROP_SEVERITY] =
    g_param_spec_int ("severity", NULL, NULL, G_MININT, G_MAXINT, 2, flags);
  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, "new", flags);
  properties[PROP_DUPLICATE_OF] =
    g_param_spec_string ("duplicate-of", NULL, NULL, NULL, flags);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, "", flags);
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, "", flags);
  properties[PROP_REPORTER] =
    g_param_spec_string ("reporter", NULL, NULL, "", flags);
  properties[PROP_OBSERVED_AT] =
    g_param_spec_boxed ("observed-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_CREATED_AT] =
    g_param_spec_boxed ("created-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_UPDATED_AT] =
    g_param_spec_boxed ("updated-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_COUNTS] =
    g_param_spec_variant ("counts", NULL, NULL, COUNTS_TYPE, NULL, flags);
  properties[PROP_AFFECTED_HOUSEHOLDS] =
    g_param_spec_int64 ("affected-households", NULL, NULL,
                        G_MININT64, G_MAXINT64, -1, flags);
  properties[PROP_AFFECTED_PEOPLE] =
    g_param_spec_int64 ("affected-people", NULL, NULL,
                        G_MININT64, G_MAXINT64, -1, flags);
  properties[PROP_ATTACHMENTS] =
    g_param_spec_variant ("attachments", NULL, NULL, ATTACHMENTS_TYPE, NULL, flags);
  properties[PROP_REV] =
    g_param_spec_int64 ("rev", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_SEQ] =
    g_param_spec_int64 ("seq", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_DELETED] =
    g_param_spec_boolean ("deleted", NULL, NULL, FALSE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bd_report_init (BdReport *self)
{
  self->latitude = NAN;
  self->longitude = NAN;
  self->severity = 2;
  self->status = g_strdup ("new");
  self->title = g_strdup ("");
  self->description = g_strdup ("");
  self->reporter = g_strdup ("");
  self->counts = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{sd}"), NULL, 0));
  self->attachments = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("(sss)"), NULL, 0));
  self->affected_households = -1;
  self->affected_people = -1;
}

/* Public API */

BdReport *
bd_report_new (void)
{
  g_autoptr(GDateTime) exact = g_date_time_new_now_local ();
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *id = g_uuid_string_random ();
  BdReport *self;

  /* Whole seconds: timestamps are shown and compared to the second. */
  now = g_date_time_add (exact, -(GTimeSpan) g_date_time_get_microsecond (exact));

  self = g_object_new (BD_TYPE_REPORT, NULL);
  self->id = g_steal_pointer (&id);
  self->observed_at = g_date_time_ref (now);
  self->created_at = g_date_time_ref (now);
  self->updated_at = g_date_time_ref (now);

  return self;
}

BdReport *
bd_report_copy (BdReport *self)
{
  BdReport *copy;

  g_return_val_if_fail (BD_IS_REPORT (self), NULL);

  copy = g_object_new (BD_TYPE_REPORT, NULL);
  copy->id = g_strdup (self->id);
  copy->latitude = self->latitude;
  copy->longitude = self->longitude;
  copy->polygon = g_strdup (self->polygon);
  copy->ward = g_strdup (self->ward);
  copy->category = g_strdup (self->category);
  copy->severity = self->severity;
  g_free (copy->status);
  copy->status = g_strdup (self->status);
  copy->duplicate_of = g_strdup (self->duplicate_of);
  g_free (copy->title);
  copy->title = g_strdup (self->title);
  g_free (copy->description);
  copy->description = g_strdup (self->description);
  g_free (copy->reporter);
  copy->reporter = g_strdup (self->reporter);
  copy->observed_at = self->observed_at ? g_date_time_ref (self->observed_at) : NULL;
  copy->created_at = self->created_at ? g_date_time_ref (self->created_at) : NULL;
  copy->updated_at = self->updated_at ? g_date_time_ref (self->updated_at) : NULL;
  /* GVariants are immutable: sharing them is a deep copy. */
  g_clear_pointer (&copy->counts, g_variant_unref);
  copy->counts = g_variant_ref (self->counts);
  g_clear_pointer (&copy->attachments, g_variant_unref);
  copy->attachments = g_variant_ref (self->attachments);
  copy->affected_households = self->affected_households;
  copy->affected_people = self->affected_people;
  copy->rev = self->rev;
  copy->seq = self->seq;
  copy->deleted = self->deleted;

  return copy;
}

/* Appends the names of the differing fields to @names (if not NULL);
 * returns how many differ. */
static guint
compare_reports (BdReport  *a,
                 BdReport  *b,
                 GPtrArray *names)
{
  guint n = 0;

#define DIFFERS(name) G_STMT_START {                         \
    n++;                                                     \
    if (names != NULL)                                       \
      g_ptr_array_add (names, g_strdup (name));              \
  } G_STMT_END

  if (g_strcmp0 (a->id, b->id) != 0)
    DIFFERS ("id");
  if (!doubles_same (a->latitude, b->latitude) ||
      !doubles_same (a->longitude, b->longitude) ||
      g_strcmp0 (a->polygon, b->polygon) != 0)
    DIFFERS ("geometry");
  if (g_strcmp0 (a->ward, b->ward) != 0)
    DIFFERS ("ward");
  if (g_strcmp0 (a->category, b->category) != 0)
    DIFFERS ("category");
  if (a->severity != b->severity)
    DIFFERS ("severity");
  if (g_strcmp0 (a->status, b->status) != 0)
    DIFFERS ("status");
  if (g_strcmp0 (a->duplicate_of, b->duplicate_of) != 0)
    DIFFERS ("duplicate_of");
  if (g_strcmp0 (a->title, b->title) != 0)
    DIFFERS ("title");
  if (g_strcmp0 (a->description, b->description) != 0)
    DIFFERS ("description");
  if (!date_times_same_second (a->observed_at, b->observed_at))
    DIFFERS ("observed_at");
  if (!date_times_same_second (a->created_at, b->created_at))
    DIFFERS ("created_at");
  if (!date_times_same_second (a->updated_at, b->updated_at))
    DIFFERS ("updated_at");
  if (g_strcmp0 (a->reporter, b->reporter) != 0)
    DIFFERS ("reporter");
  if (!g_variant_equal (a->counts, b->counts))
    DIFFERS ("counts");
  if (a->affected_households != b->affected_households)
    DIFFERS ("affected_households");
  if (a->affected_people != b->affected_people)
    DIFFERS ("affected_people");
  if (!g_variant_equal (a->attachments, b->attachments))
    DIFFERS ("attachments");
  if (a->rev != b->rev)
    DIFFERS ("rev");
  if (a->seq != b->seq)
    DIFFERS ("seq");
  if (a->deleted != b->deleted)
    DIFFERS ("deleted");

#undef DIFFERS

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

  return compare_reports (a, b, NULL) == 0;
}

char **
bd_report_diff (BdReport *a,
                BdReport *b)
{
  GPtrArray *names;

  g_return_val_if_fail (BD_IS_REPORT (a), NULL);
  g_return_val_if_fail (BD_IS_REPORT (b), NULL);

  names = g_ptr_array_new ();
  compare_reports (a, b, names);
  g_ptr_array_add (names, NULL);

  return (char **) g_ptr_array_free (names, FALSE);
}

const char *
bd_report_get_id (BdReport *self)
{
  g_return_val_if_fail (BD_IS_REPORT (self), NULL);

  return self->id;
}

void
bd_report_set_id (BdReport   *self,
                  const char *id)
{
  g_return_if_fail (BD_IS_REPORT (self));

  if (replace_nullable (&self->id, id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

double
bd_report_get_latitude (BdReport *self)
{
  g_return_val_if_fail (BD_IS_REPORT (self), NAN);

  return self->latitude;
}

double
bd_report_get_longitude (BdReport *self)
{
  g_return_val_if_fail (BD_IS_REPORT (self), NAN);

  return self->longitude;
}

void
bd_report_set_location (BdReport *self,
                        double    latitude,
                        double    longitude)
{
  gboolean lat_changed;
  gboolean lon_changed;

  g_return_if_fail (BD_IS_REPORT (self));

  lat_changed = !doubles_same (self->latitude, latitude);
  lon_changed = !doubles_same (self->longitude, longitude);
  self->latitude = latitude;
  self->longitude = longitude;

  if (lat_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LATITUDE]);
  if (lon_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LONGITUDE]);
}

const char *
bd_report_get_polygon (BdReport *self)
{
  g_return_val_if_fail (BD_IS_REPORT (self), NULL);

  return self->polygon;
}

void
bd_report_set_polygon (BdReport   *self,
                       const char *polygon_json)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) clean = NULL;
  g_autofree char *canonical = NULL;
  double lon, lat;

  g_return_if_fail (BD_IS_REPORT (self));

  /* Keep a canonical text, so that a polygon read back from GeoJSON compares
   * equal to the one written. Text that does not parse is kept as it is:
   * bd_report_validate () refuses it. */
  if (polygon_json != NULL && polygon_json[0] != '\0')
    {
      node = parse_bounded (polygon_json, -1, MAX_FEATURE_BYTES, NULL);
      if (node != NULL)
        clean = read_polygon (node, &lon, &lat, NULL);
      if (clean != NULL)
        canonical = json_to_string (clean, FALSE);
    }

  if (replace_nullable (&self->polygon, canonical ? canonical : polygon_json))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POLYGON]);
}

const char *
bd_report_get_ward (BdReport *self)
{
  g_return_val_if_fail (BD_IS_REPORT (self), NULL);

  return self->ward;
}

void
bd_report_set_ward (BdReport   *self,
                    const char *ward)
{
  g_return_if_fail (BD_IS_REPORT (self));

  if (replace_nullable (&self->ward, ward))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WARD]);
}

const char *
bd_report_get_category (BdReport *self)
{
  g_return_val_if_fail (BD_IS_REPORT (self), NULL);

  return self->category;
}

void
bd_report_set_category (BdReport   *self,
                        const char *category)
{
  g_return_if_fail (BD_IS_REPORT (self));

  if (replace_nullable (&self->category, category))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CATEGORY]);
}

int
bd_report_get_severity (BdReport *self)
{
  g_return_val_if_fail (BD_IS_REPORT (self), 0);

  return self->severity;
}

void
bd_report_set_severity (BdReport *self,
                        int       severity)
{
  g_return_if_fail (BD_IS_REPORT (self));

  if (self->severity == severity)
    return;

  self->severity = severity;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEVERITY]);
}

const char *
bd_report_get_status (BdReport *self)
{
  g_return_val_if_fail (BD_IS_REPORT (self), NULL);

  return self->status;
}

void
bd_report_set_status (BdReport   *self,
                      const char *status)
{
  g_return_if_fail (BD_IS_REPORT (self));

  if (replace_nullable (&self->status, status))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

const char *
bd_report_get_duplicate_of (BdReport *self)
{
  g_return_val_if_fail (BD_IS_REPORT (self), NULL);

  return self->duplicate_of;
}

void
bd_report_set_duplicate_of (BdReport   *self,
                            const char *id)
{
  g_return_if_fail (BD_IS_REPORT (self));

  if (replace_nullable (&self->duplicate_of, id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DUPLICATE_OF]);
}

const char *
bd_report_get_title (BdReport *self)
{
  g_return_val_if_fail (BD_IS_REPORT (self), NULL);

  return self->title;
}

void
bd_report_set_title (BdReport   *self,
                     const char *title)
{
  g_return_if_fail (BD_IS_REPORT (self));

  if (replace_text (&self->title, title))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

const char *
bd_report_get_description (BdReport *self)
{
  g_return_val_if_fail (BD_IS_REPORT (self), NULL);

  return self->description;
}

void
bd_report_set_description (BdReport   *self,
                           const char *description)
{
  g_return_if_fail (BD_IS_REPORT (self));

  if (replace_text (&self->description, description))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESCRIPTION]);
}

const char *
bd_report_get_reporter (BdReport *self)
{
  g_return_val_if_fail (BD_IS_REPORT (self), NULL);

  return self->reporter;
}

void
bd_report_set_reporter (BdReport   *self,
                        const char *reporter)
{
  g_return_if_fail (BD_IS_REPORT (self));

  if (replace_text (&self->reporter, reporter))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPORTER]);
}

GDateTime *
bd_report_get_observed_at (BdReport *self)
{
  g_return_val_if_fail (BD_IS_REPORT (self), NULL);

  return self->observed_at;
}

void
bd_report_set_observed_at (BdReport  *self,
                           GDateTime *when)
{
  g_return_if_fail (BD_IS_REPORT (self));

  if (replace_date_time (&self->observed_at, when))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OBSERVED_AT]);
}

GDateTime *
bd_report_get_created_at (BdReport *self)
{
  g_return_val_if_fail (BD_IS_REPORT (self), NULL);

  return self->created_at;
}

void
bd_report_set_created_at (BdReport  *self,
                          GDateTime *when)
{
  g_return_if_fail (BD_IS_REPORT (self));

  if (replace_date_time (&self->created_at, when))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED_AT]);
}

GDateTime *
bd_report_get_updated_at (BdReport *self)
{
  g_return_val_if_fail (BD_IS_REPORT (self), NULL);

  return self->updated_at;
}

void
bd_report_set_updated_at (BdReport  *self,
                          GDateTime *when)
{
  g_return_if_fail (BD_IS_REPORT (self));

  if (replace_date_time (&self->updated_at, when))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPDATED_AT]);
}

double
bd_report_get_count (BdReport   *self,
                     const char *key)
{
  double value;

  g_return_val_if_fail (BD_IS_REPORT (self), 0.0);
  g_return_val_if_fail (key != NULL, 0.0);

  if (g_variant_lookup (self->counts, key, "d", &value))
    return value;

  return 0.0;
}

/* Takes a floating or full reference to @counts. */
static void
replace_counts (BdReport *self,
                GVariant *counts)
{
  g_autoptr(GVariant) normalized = normalize_counts (counts);

  if (counts != NULL && g_variant_is_floating (counts))
    g_variant_unref (g_variant_ref_sink (counts));

  if (g_variant_equal (normalized, self->counts))
    return;

  g_clear_pointer (&self->counts, g_variant_unref);
  self->counts = g_steal_pointer (&normalized);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNTS]);
}

void
bd_report_set_count (BdReport   *self,
                     const char *key,
                     double      value)
{
  GVariantBuilder builder;
  GVariantIter iter;
  const char *k;
  double v;

  g_return_if_fail (BD_IS_REPORT (self));
  g_return_if_fail (key != NULL);

  /* Normalizing keeps the last value of a repeated key. */
  g_variant_builder_init (&builder, COUNTS_TYPE);
  g_variant_iter_init (&iter, self->counts);
  while (g_variant_iter_next (&iter, "{&sd}", &k, &v))
    g_variant_builder_add (&builder, "{sd}", k, v);
  g_variant_builder_add (&builder, "{sd}", key, value);

  replace_counts (self, g_variant_builder_end (&builder));
}

void
bd_report_clear_counts (BdReport *self)
{
  g_return_if_fail (BD_IS_REPORT (self));

  replace_counts (self, NULL);
}

GVariant *
bd_report_get_counts (BdReport *self)
{
  g_return_val_if_fail (BD_IS_REPORT (self), NULL);

  return g_variant_ref (self->counts);
}

void
bd_report_set_counts (BdReport *self,
                      GVariant *counts)
{
  g_return_if_fail (BD_IS_REPORT (self));
  g_return_if_fail (counts == NULL || g_variant_is_of_type (counts, COUNTS_TYPE));

  if (counts != NULL)
    g_variant_ref_sink (counts);
  replace_counts (self, counts);
  if (counts != NULL)
    g_variant_unref (counts);
}

gint64
bd_report_get_affected_households (BdReport *self)
{
  g_return_val_if_fail (BD_IS_REPORT (self), -1);

  return self->affected_households;
}

void
bd_report_set_affected_households (BdReport *self,
                                   gint64    value)
{
  g_return_if_fail (BD_IS_REPORT (self));

  if (self->affected_households == value)
    return;

  self->affected_households = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AFFECTED_HOUSEHOLDS]);
}

gint64
bd_report_get_affected_people (BdReport *self)
{
  g_return_val_if_fail (BD_IS_REPORT (self), -1);

  return self->affected_people;
}

void
bd_report_set_affected_people (BdReport *self,
                               gint64    value)
{
  g_return_if_fail (BD_IS_REPORT (self));

  if (self->affected_people == value)
    return;

  self->affected_people = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AFFECTED_PEOPLE]);
}

GVariant *
bd_report_get_attachments (BdReport *self)
{
  g_return_val_if_fail (BD_IS_REPORT (self), NULL);

  return g_variant_ref (self->attachments);
}

void
bd_report_set_attachments (BdReport *self,
                           GVariant *attachments)
{
  g_autoptr(GVariant) value = NULL;

  g_return_if_fail (BD_IS_REPORT (self));
  g_return_if_fail (attachments == NULL || g_variant_is_of_type (attachments, ATTACHMENTS_TYPE));

  if (attachments != NULL)
    value = g_variant_ref_sink (attachments);
  else
    value = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("(sss)"), NULL, 0));

  if (g_variant_equal (value, self->attachments))
    return;

  g_clear_pointer (&self->attachments, g_variant_unref);
  self->attachments = g_steal_pointer (&value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ATTACHMENTS]);
}

gint64
bd_report_get_rev (BdReport *self)
{
  g_return_val_if_fail (BD_IS_REPORT (self), 0);

  return self->rev;
}

void
bd_report_set_rev (BdReport *self,
                   gint64    rev)
{
  g_return_if_fail (BD_IS_REPORT (self));

  if (self->rev == rev)
    return;

  self->rev = rev;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REV]);
}

gint64
bd_report_get_seq (BdReport *self)
{
  g_return_val_if_fail (BD_IS_REPORT (self), 0);

  return self->seq;
}

void
bd_report_set_seq (BdReport *self,
                   gint64    seq)
{
  g_return_if_fail (BD_IS_REPORT (self));

  if (self->seq == seq)
    return;

  self->seq = seq;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEQ]);
}

gboolean
bd_report_get_deleted (BdReport *self)
{
  g_return_val_if_fail (BD_IS_REPORT (self), FALSE);

  return self->deleted;
}

void
bd_report_set_deleted (BdReport *self,
                       gboolean  deleted)
{
  g_return_if_fail (BD_IS_REPORT (self));

  deleted = !!deleted;
  if (self->deleted == deleted)
    return;

  self->deleted = deleted;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DELETED]);
}

/* Validation */

static gboolean
check_position (double    latitude,
                double    longitude,
                int       code,
                GError  **error)
{
  if (!isfinite (latitude) || !isfinite (longitude))
    {
      if (isnan (latitude) && isnan (longitude) && code == BD_REPORT_ERROR_LOCATION)
        g_set_error_literal (error, BD_REPORT_ERROR, code,
                             _("Choose a place on the map."));
      else
        g_set_error_literal (error, BD_REPORT_ERROR, code,
                             _("The place is not a valid position. Choose a place on the map."));
      return FALSE;
    }

  if (latitude < -90.0 || latitude > 90.0)
    {
      g_set_error_literal (error, BD_REPORT_ERROR, code,
                           _("Latitude must be between -90 and 90 degrees."));
      return FALSE;
    }

  if (longitude < -180.0 || longitude > 180.0)
    {
      g_set_error_literal (error, BD_REPORT_ERROR, code,
                           _("Longitude must be between -180 and 180 degrees."));
      return FALSE;
    }

  if (!bd_catalog_point_in_city (latitude, longitude))
    {
      if (code == BD_REPORT_ERROR_LOCATION)
        g_set_error_literal (error, BD_REPORT_ERROR, code,
                             _("The place is outside Osaka City. Choose a place inside the city."));
      else
        g_set_error_literal (error, BD_REPORT_ERROR, code,
                             _("The area reaches outside Osaka City. Draw it inside the city."));
      return FALSE;
    }

  return TRUE;
}

static gboolean
get_number (JsonNode *node,
            double   *out)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    *out = (double) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    *out = json_node_get_double (node);
  else
    return FALSE;

  return isfinite (*out);
}

static gboolean
check_polygon (const char  *text,
               GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  JsonNode *type;
  JsonNode *coordinates;
  JsonArray *rings;
  guint total = 0;

  root = parse_bounded (text, -1, MAX_FEATURE_BYTES, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, BD_REPORT_ERROR, BD_REPORT_ERROR_GEOMETRY,
                           _("The area is not a valid GeoJSON polygon."));
      return FALSE;
    }

  object = json_node_get_object (root);
  type = json_object_get_member (object, "type");
  if (type == NULL || json_node_get_value_type (type) != G_TYPE_STRING ||
      g_strcmp0 (json_node_get_string (type), "Polygon") != 0)
    {
      g_set_error_literal (error, BD_REPORT_ERROR, BD_REPORT_ERROR_GEOMETRY,
                           _("The area must be a polygon."));
      return FALSE;
    }

  coordinates = json_object_get_member (object, "coordinates");
  if (coordinates == NULL || !JSON_NODE_HOLDS_ARRAY (coordinates) ||
      json_array_get_length (json_node_get_array (coordinates)) == 0)
    {
      g_set_error_literal (error, BD_REPORT_ERROR, BD_REPORT_ERROR_GEOMETRY,
                           _("The area has no outline."));
      return FALSE;
    }

  rings = json_node_get_array (coordinates);
  for (guint r = 0; r < json_array_get_length (rings); r++)
    {
      JsonNode *ring_node = json_array_get_element (rings, r);
      JsonArray *ring;
      guint n;
      double first[2] = { 0, 0 };
      double last[2] = { 0, 0 };

      if (!JSON_NODE_HOLDS_ARRAY (ring_node))
        {
          g_set_error_literal (error, BD_REPORT_ERROR, BD_REPORT_ERROR_GEOMETRY,
                               _("The area is not a valid GeoJSON polygon."));
          return FALSE;
        }

      ring = json_node_get_array (ring_node);
      n = json_array_get_length (ring);
      if (n < 4)
        {
          g_set_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_GEOMETRY,
                       _("An outline of the area has %u points; it needs at least 4 (the last repeating the first)."),
                       n);
          return FALSE;
        }

      total += n;
      if (total > MAX_POLYGON_POSITIONS)
        {
          g_set_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_GEOMETRY,
                       _("The area has too many points (at most %u)."),
                       (guint) MAX_POLYGON_POSITIONS);
          return FALSE;
        }

      for (guint i = 0; i < n; i++)
        {
          JsonNode *position_node = json_array_get_element (ring, i);
          JsonArray *position;
          double lon, lat;

          if (!JSON_NODE_HOLDS_ARRAY (position_node) ||
              json_array_get_length (json_node_get_array (position_node)) < 2 ||
              json_array_get_length (json_node_get_array (position_node)) > 3)
            {
              g_set_error_literal (error, BD_REPORT_ERROR, BD_REPORT_ERROR_GEOMETRY,
                                   _("A point of the area is not a valid position."));
              return FALSE;
            }

          position = json_node_get_array (position_node);
          if (!get_number (json_array_get_element (position, 0), &lon) ||
              !get_number (json_array_get_element (position, 1), &lat))
            {
              g_set_error_literal (error, BD_REPORT_ERROR, BD_REPORT_ERROR_GEOMETRY,
                                   _("A point of the area is not a valid position."));
              return FALSE;
            }

          if (!check_position (lat, lon, BD_REPORT_ERROR_GEOMETRY, error))
            return FALSE;

          if (i == 0)
            {
              first[0] = lon;
              first[1] = lat;
            }
          last[0] = lon;
          last[1] = lat;
        }

      if (first[0] != last[0] || first[1] != last[1])
        {
          g_set_error_literal (error, BD_REPORT_ERROR, BD_REPORT_ERROR_GEOMETRY,
                               _("An outline of the area is not closed: its last point must repeat the first."));
          return FALSE;
        }
    }

  return TRUE;
}

/* Returns the length in characters of @text, or -1 if it is not UTF-8. */
static glong
text_length (const char *text)
{
  if (!g_utf8_validate (text, -1, NULL))
    return -1;

  return g_utf8_strlen (text, -1);
}

static gboolean
check_count_value (const BdCountField  *field,
                   double               value,
                   GError             **error)
{
  const char *label = bd_catalog_label (field->label_ja, field->label_en);

  if (!isfinite (value))
    {
      g_set_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_COUNTS,
                   _("“%s” must be a number."), label);
      return FALSE;
    }

  if (value < 0)
    {
      g_set_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_COUNTS,
                   _("“%s” cannot be negative."), label);
      return FALSE;
    }

  if (!field->is_decimal && value != floor (value))
    {
      g_set_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_COUNTS,
                   _("“%s” must be a whole number."), label);
      return FALSE;
    }

  if (value > field->max)
    {
      g_set_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_COUNTS,
                   _("%s of %.15g is not credible; check the number."), label, value);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_date_time (GDateTime  *when,
                 const char *missing_message,
                 GError    **error)
{
  if (when == NULL)
    {
      g_set_error_literal (error, BD_REPORT_ERROR, BD_REPORT_ERROR_TIMESTAMP, missing_message);
      return FALSE;
    }

  if (g_date_time_get_year (when) < 1900)
    {
      g_set_error_literal (error, BD_REPORT_ERROR, BD_REPORT_ERROR_TIMESTAMP,
                           _("A time before 1900 cannot be right. Check the date."));
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_attachments (BdReport  *self,
                   GError   **error)
{
  gsize n = g_variant_n_children (self->attachments);

  if (n > BD_REPORT_MAX_ATTACHMENTS)
    {
      g_set_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_ATTACHMENT,
                   _("Too many attachments (%u; at most %u)."),
                   (guint) MIN (n, G_MAXUINT), (guint) BD_REPORT_MAX_ATTACHMENTS);
      return FALSE;
    }

  for (gsize i = 0; i < n; i++)
    {
      const char *sha256;
      const char *media_type;
      const char *name;

      g_variant_get_child (self->attachments, i, "(&s&s&s)", &sha256, &media_type, &name);

      if (!g_utf8_validate (name, -1, NULL) || name[0] == '\0' ||
          g_utf8_strlen (name, -1) > MAX_ATTACHMENT_NAME)
        {
          g_set_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_ATTACHMENT,
                       _("An attachment’s name is empty, too long or not valid text (at most %u characters)."),
                       (guint) MAX_ATTACHMENT_NAME);
          return FALSE;
        }

      if (strchr (name, '/') != NULL || strchr (name, '\\') != NULL)
        {
          g_set_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_ATTACHMENT,
                       _("The attachment name “%s” must not contain “/” or “\\”."), name);
          return FALSE;
        }

      for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
        {
          if (g_unichar_iscntrl (g_utf8_get_char (p)))
            {
              g_set_error_literal (error, BD_REPORT_ERROR, BD_REPORT_ERROR_ATTACHMENT,
                                   _("An attachment’s name contains control characters."));
              return FALSE;
            }
        }

      if (!is_lower_hex_sha256 (sha256))
        {
          g_set_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_ATTACHMENT,
                       _("The attachment “%s” has an invalid checksum (expected 64 lowercase hexadecimal digits)."),
                       name);
          return FALSE;
        }

      if (!is_media_type (media_type))
        {
          g_autofree char *shown = g_utf8_make_valid (media_type, MIN (strlen (media_type), 64));

          g_set_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_ATTACHMENT,
                       _("The attachment “%s” has an invalid file type “%s”."),
                       name, shown);
          return FALSE;
        }
    }

  return TRUE;
}

gboolean
bd_report_check_field (BdReport       *self,
                       BdReportField   field,
                       GError        **error)
{
  g_return_val_if_fail (BD_IS_REPORT (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  switch (field)
    {
    case BD_REPORT_FIELD_LOCATION:
      if (!check_position (self->latitude, self->longitude, BD_REPORT_ERROR_LOCATION, error))
        return FALSE;
      if (self->polygon != NULL && !check_polygon (self->polygon, error))
        return FALSE;
      return TRUE;

    case BD_REPORT_FIELD_WARD:
      if (self->ward == NULL)
        {
          g_set_error_literal (error, BD_REPORT_ERROR, BD_REPORT_ERROR_WARD,
                               _("Choose a ward."));
          return FALSE;
        }
      if (bd_catalog_lookup_ward (self->ward) == NULL)
        {
          g_autofree char *shown = g_utf8_make_valid (self->ward, MIN (strlen (self->ward), 64));

          g_set_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_WARD,
                       _("Unknown ward code “%s”."), shown);
          return FALSE;
        }
      return TRUE;

    case BD_REPORT_FIELD_CATEGORY:
      if (self->category == NULL)
        {
          g_set_error_literal (error, BD_REPORT_ERROR, BD_REPORT_ERROR_CATEGORY,
                               _("Choose a damage category."));
          return FALSE;
        }
      if (bd_catalog_lookup_category (self->category) == NULL)
        {
          g_autofree char *shown = g_utf8_make_valid (self->category,
                                                      MIN (strlen (self->category), 64));

          g_set_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_CATEGORY,
                       _("Unknown damage category “%s”."), shown);
          return FALSE;
        }
      return TRUE;

    case BD_REPORT_FIELD_SEVERITY:
      if (bd_catalog_lookup_severity (self->severity) == NULL)
        {
          g_set_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_SEVERITY,
                       _("Unknown severity %d. Choose one from 1 (minor) to 4 (critical)."),
                       self->severity);
          return FALSE;
        }
      return TRUE;

    case BD_REPORT_FIELD_STATUS:
      if (self->status == NULL)
        {
          g_set_error_literal (error, BD_REPORT_ERROR, BD_REPORT_ERROR_STATUS,
                               _("Choose a status."));
          return FALSE;
        }
      if (bd_catalog_lookup_status (self->status) == NULL)
        {
          g_autofree char *shown = g_utf8_make_valid (self->status, MIN (strlen (self->status), 64));

          g_set_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_STATUS,
                       _("Unknown status “%s”."), shown);
          return FALSE;
        }
      return TRUE;

    case BD_REPORT_FIELD_TITLE:
      if (!g_utf8_validate (self->title, -1, NULL))
        {
          g_set_error_literal (error, BD_REPORT_ERROR, BD_REPORT_ERROR_TITLE,
                               _("The title is not valid text."));
          return FALSE;
        }
      if (is_blank (self->title))
        {
          g_set_error_literal (error, BD_REPORT_ERROR, BD_REPORT_ERROR_TITLE,
                               _("Enter a title."));
          return FALSE;
        }
      if (g_utf8_strlen (self->title, -1) > BD_REPORT_MAX_TITLE)
        {
          g_set_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_TITLE,
                       _("The title is too long (%u characters; at most %u)."),
                       (guint) MIN (g_utf8_strlen (self->title, -1), G_MAXUINT),
                       (guint) BD_REPORT_MAX_TITLE);
          return FALSE;
        }
      return TRUE;

    case BD_REPORT_FIELD_DESCRIPTION:
      {
        glong length = text_length (self->description);

        if (length < 0)
          {
            g_set_error_literal (error, BD_REPORT_ERROR, BD_REPORT_ERROR_TEXT,
                                 _("The description is not valid text."));
            return FALSE;
          }
        if (length > BD_REPORT_MAX_DESCRIPTION)
          {
            g_set_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_TEXT,
                         _("The description is too long (%u characters; at most %u)."),
                         (guint) MIN (length, (glong) G_MAXUINT),
                         (guint) BD_REPORT_MAX_DESCRIPTION);
            return FALSE;
          }
        return TRUE;
      }

    case BD_REPORT_FIELD_REPORTER:
      {
        glong length = text_length (self->reporter);

        if (length < 0)
          {
            g_set_error_literal (error, BD_REPORT_ERROR, BD_REPORT_ERROR_TEXT,
                                 _("The reporter’s name is not valid text."));
            return FALSE;
          }
        if (length > BD_REPORT_MAX_REPORTER)
          {
            g_set_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_TEXT,
                         _("The reporter’s name is too long (%u characters; at most %u)."),
                         (guint) MIN (length, (glong) G_MAXUINT),
                         (guint) BD_REPORT_MAX_REPORTER);
            return FALSE;
          }
        return TRUE;
      }

    case BD_REPORT_FIELD_OBSERVED_AT:
      {
        g_autoptr(GDateTime) now = NULL;

        if (!check_date_time (self->observed_at,
                              _("The time observed is missing or not a valid date."),
                              error))
          return FALSE;

        now = g_date_time_new_now_utc ();
        if (g_date_time_difference (self->observed_at, now) > MAX_FUTURE_SECONDS * G_TIME_SPAN_SECOND)
          {
            g_set_error_literal (error, BD_REPORT_ERROR, BD_REPORT_ERROR_TIMESTAMP,
                                 _("The time observed is in the future. Check the date and time."));
            return FALSE;
          }
        return TRUE;
      }

    case BD_REPORT_FIELD_COUNTS:
      {
        const BdCategory *category = bd_catalog_lookup_category (self->category);
        GVariantIter iter;
        const char *key;
        double value;

        g_variant_iter_init (&iter, self->counts);
        while (g_variant_iter_next (&iter, "{&sd}", &key, &value))
          {
            const BdCountField *count = bd_category_lookup_count (category, key);

            if (category == NULL)
              {
                g_set_error_literal (error, BD_REPORT_ERROR, BD_REPORT_ERROR_COUNTS,
                                     _("Choose a damage category before entering counts."));
                return FALSE;
              }

            if (count == NULL)
              {
                g_autofree char *shown = g_utf8_make_valid (key, MIN (strlen (key), 64));

                g_set_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_COUNTS,
                             _("Count “%s” does not belong to the category “%s”."),
                             shown, category_label (self->category));
                return FALSE;
              }

            if (!check_count_value (count, value, error))
              return FALSE;
          }
        return TRUE;
      }

    case BD_REPORT_FIELD_AFFECTED:
      {
        const BdCountField *extra;
        guint n_extra = 0;
        gint64 values[2];

        extra = bd_catalog_get_extra_counts (&n_extra);
        values[0] = self->affected_households;
        values[1] = self->affected_people;
        g_assert (n_extra == 2);

        for (guint i = 0; i < 2; i++)
          {
            /* -1 is "unknown" */
            if (values[i] == -1)
              continue;
            if (!check_count_value (&extra[i], (double) values[i], error))
              return FALSE;
          }
        return TRUE;
      }

    case BD_REPORT_FIELD_ATTACHMENTS:
      return check_attachments (self, error);

    case BD_REPORT_FIELD_DUPLICATE_OF:
      if (self->duplicate_of != NULL && !is_uuid (self->duplicate_of))
        {
          g_autofree char *shown = g_utf8_make_valid (self->duplicate_of,
                                                      MIN (strlen (self->duplicate_of), 64));

          g_set_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_STATUS,
                       _("“%s” is not a valid report ID."), shown);
          return FALSE;
        }
      if (g_strcmp0 (self->status, "duplicate") == 0 && self->duplicate_of == NULL)
        {
          g_set_error_literal (error, BD_REPORT_ERROR, BD_REPORT_ERROR_STATUS,
                               _("A duplicate must name the report it duplicates."));
          return FALSE;
        }
      if (self->duplicate_of != NULL && g_ascii_strcasecmp (self->duplicate_of, self->id ? self->id : "") == 0)
        {
          g_set_error_literal (error, BD_REPORT_ERROR, BD_REPORT_ERROR_STATUS,
                               _("A report cannot be a duplicate of itself."));
          return FALSE;
        }
      return TRUE;

    case BD_REPORT_FIELD_TIMESTAMPS:
      if (!check_date_time (self->created_at,
                            _("The time created is missing or not a valid date."),
                            error) ||
          !check_date_time (self->updated_at,
                            _("The time updated is missing or not a valid date."),
                            error))
        return FALSE;
      if (g_date_time_to_unix (self->updated_at) < g_date_time_to_unix (self->created_at))
        {
          g_set_error_literal (error, BD_REPORT_ERROR, BD_REPORT_ERROR_TIMESTAMP,
                               _("The time updated is earlier than the time created."));
          return FALSE;
        }
      return TRUE;

    case BD_REPORT_N_FIELDS:
    default:
      g_return_val_if_reached (FALSE);
    }
}

gboolean
bd_report_validate (BdReport  *self,
                    GError   **error)
{
  g_return_val_if_fail (BD_IS_REPORT (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!is_uuid (self->id))
    {
      g_set_error_literal (error, BD_REPORT_ERROR, BD_REPORT_ERROR_INVALID_ID,
                           _("The report has no valid ID."));
      return FALSE;
    }

  for (guint field = 0; field < BD_REPORT_N_FIELDS; field++)
    {
      if (!bd_report_check_field (self, (BdReportField) field, error))
        return FALSE;
    }

  return TRUE;
}

/* Timestamps */

char *
bd_format_timestamp (GDateTime *when)
{
  GString *text;
  GTimeSpan offset;
  int minutes;

  if (when == NULL)
    return NULL;

  /* Not g_date_time_format_iso8601 (): GLib 2.74 writes "+09" for +09:00,
   * which RFC 3339 does not allow. */
  text = g_string_new (NULL);
  g_string_append_printf (text, "%04d-%02d-%02dT%02d:%02d:%02d",
                          g_date_time_get_year (when),
                          g_date_time_get_month (when),
                          g_date_time_get_day_of_month (when),
                          g_date_time_get_hour (when),
                          g_date_time_get_minute (when),
                          g_date_time_get_second (when));
  if (g_date_time_get_microsecond (when) != 0)
    g_string_append_printf (text, ".%06d", g_date_time_get_microsecond (when));

  offset = g_date_time_get_utc_offset (when);
  if (offset == 0)
    {
      g_string_append_c (text, 'Z');
    }
  else
    {
      minutes = (int) (ABS (offset) / G_TIME_SPAN_MINUTE);
      g_string_append_printf (text, "%c%02d:%02d", offset < 0 ? '-' : '+',
                              minutes / 60, minutes % 60);
    }

  return g_string_free (text, FALSE);
}

static gboolean
has_digits (const char *p,
            guint       n)
{
  for (guint i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (p[i]))
        return FALSE;
    }

  return TRUE;
}

GDateTime *
bd_parse_timestamp (const char *text)
{
  const char *p;
  gsize len;

  if (text == NULL)
    return NULL;

  /* RFC 3339 date-time: YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM) */
  len = strnlen (text, 64);
  if (len < 20 || len >= 64)
    return NULL;

  if (!has_digits (text, 4) || text[4] != '-' || !has_digits (text + 5, 2) ||
      text[7] != '-' || !has_digits (text + 8, 2) || text[10] != 'T' ||
      !has_digits (text + 11, 2) || text[13] != ':' || !has_digits (text + 14, 2) ||
      text[16] != ':' || !has_digits (text + 17, 2))
    return NULL;

  p = text + 19;
  if (*p == '.')
    {
      guint digits = 0;

      for (p++; g_ascii_isdigit (*p); p++)
        digits++;
      if (digits == 0 || digits > 9)
        return NULL;
    }

  if (*p == 'Z')
    {
      if (p[1] != '\0')
        return NULL;
    }
  else if (*p == '+' || *p == '-')
    {
      if (!has_digits (p + 1, 2) || p[3] != ':' || !has_digits (p + 4, 2) || p[6] != '\0')
        return NULL;
    }
  else
    {
      return NULL;
    }

  return g_date_time_new_from_iso8601 (text, NULL);
}

/* GeoJSON: writing */

static JsonNode *
new_position (double longitude,
              double latitude)
{
  JsonArray *array = json_array_sized_new (2);
  JsonNode *node;

  json_array_add_double_element (array, longitude);
  json_array_add_double_element (array, latitude);

  node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, array);
  return node;
}

static void
add_timestamp (JsonObject *object,
               const char *name,
               GDateTime  *when)
{
  g_autofree char *text = bd_format_timestamp (when);

  if (text != NULL)
    json_object_set_string_member (object, name, text);
}

JsonNode *
bd_report_to_json (BdReport *self)
{
  g_autoptr(JsonObject) feature = NULL;
  g_autoptr(JsonNode) polygon = NULL;
  g_autoptr(JsonNode) parsed = NULL;
  JsonObject *props;
  JsonObject *counts;
  JsonArray *attachments;
  GVariantIter iter;
  gboolean located;
  double ignored_lon, ignored_lat;
  const char *key;
  double value;
  const char *sha256, *media_type, *name;

  g_return_val_if_fail (BD_IS_REPORT (self), NULL);

  feature = json_object_new ();
  props = json_object_new ();

  json_object_set_string_member (feature, "type", "Feature");
  if (self->id != NULL)
    json_object_set_string_member (feature, "id", self->id);

  /* A report with no place yet has a null geometry (RFC 7946 3.2);
   * bd_report_new_from_json () refuses it. */
  located = (isfinite (self->latitude) && isfinite (self->longitude) &&
             fabs (self->latitude) <= MAX_JSON_NUMBER &&
             fabs (self->longitude) <= MAX_JSON_NUMBER);
  if (self->polygon != NULL)
    parsed = parse_bounded (self->polygon, -1, MAX_FEATURE_BYTES, NULL);
  if (parsed != NULL)
    polygon = read_polygon (parsed, &ignored_lon, &ignored_lat, NULL);
  if (polygon != NULL && located)
    {
      json_object_set_member (feature, "geometry", g_steal_pointer (&polygon));
      json_object_set_member (props, "point", new_position (self->longitude, self->latitude));
    }
  else if (located)
    {
      JsonObject *point = json_object_new ();

      json_object_set_string_member (point, "type", "Point");
      json_object_set_member (point, "coordinates",
                              new_position (self->longitude, self->latitude));
      json_object_set_object_member (feature, "geometry", point);
    }
  else
    {
      json_object_set_null_member (feature, "geometry");
    }

  if (self->ward != NULL)
    json_object_set_string_member (props, "ward", self->ward);
  if (self->category != NULL)
    json_object_set_string_member (props, "category", self->category);
  json_object_set_int_member (props, "severity", self->severity);
  if (self->status != NULL)
    json_object_set_string_member (props, "status", self->status);
  if (self->duplicate_of != NULL)
    json_object_set_string_member (props, "duplicate_of", self->duplicate_of);
  json_object_set_string_member (props, "title", self->title);
  json_object_set_string_member (props, "description", self->description);
  add_timestamp (props, "observed_at", self->observed_at);
  add_timestamp (props, "created_at", self->created_at);
  add_timestamp (props, "updated_at", self->updated_at);
  json_object_set_string_member (props, "reporter", self->reporter);

  counts = json_object_new ();
  g_variant_iter_init (&iter, self->counts);
  while (g_variant_iter_next (&iter, "{&sd}", &key, &value))
    {
      /* Not representable: bd_report_validate () refuses these anyway. */
      if (!isfinite (value) || fabs (value) > MAX_JSON_NUMBER)
        continue;
      /* Whole numbers as JSON integers: "3", not "3.0". */
      if (value == floor (value) && fabs (value) < 9007199254740992.0)
        json_object_set_int_member (counts, key, (gint64) value);
      else
        json_object_set_double_member (counts, key, value);
    }
  json_object_set_object_member (props, "counts", counts);

  /* -1 (unknown) is left out; any other value is written, even an invalid
   * one, so that reading back gives the same report. */
  if (self->affected_households != -1)
    json_object_set_int_member (props, "affected_households", self->affected_households);
  if (self->affected_people != -1)
    json_object_set_int_member (props, "affected_people", self->affected_people);

  attachments = json_array_new ();
  g_variant_iter_init (&iter, self->attachments);
  while (g_variant_iter_next (&iter, "(&s&s&s)", &sha256, &media_type, &name))
    {
      JsonObject *attachment = json_object_new ();

      json_object_set_string_member (attachment, "sha256", sha256);
      json_object_set_string_member (attachment, "media_type", media_type);
      json_object_set_string_member (attachment, "name", name);
      json_array_add_object_element (attachments, attachment);
    }
  json_object_set_array_member (props, "attachments", attachments);

  if (self->rev != 0)
    json_object_set_int_member (props, "rev", self->rev);
  if (self->seq != 0)
    json_object_set_int_member (props, "seq", self->seq);
  if (self->deleted)
    json_object_set_boolean_member (props, "deleted", TRUE);

  json_object_set_object_member (feature, "properties", props);

  return json_node_init_object (json_node_alloc (), feature);
}

char *
bd_report_to_geojson (BdReport *self)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (BD_IS_REPORT (self), NULL);

  node = bd_report_to_json (self);
  return json_to_string (node, FALSE);
}

char *
bd_reports_to_feature_collection (GPtrArray *reports)
{
  g_autoptr(JsonObject) collection = json_object_new ();
  g_autoptr(JsonNode) root = NULL;
  JsonArray *features;

  g_return_val_if_fail (reports != NULL, NULL);

  features = json_array_sized_new (reports->len);
  for (guint i = 0; i < reports->len; i++)
    json_array_add_element (features, bd_report_to_json (g_ptr_array_index (reports, i)));

  json_object_set_string_member (collection, "type", "FeatureCollection");
  json_object_set_array_member (collection, "features", features);

  root = json_node_init_object (json_node_alloc (), collection);
  return json_to_string (root, FALSE);
}

/* GeoJSON: reading */

/* Parses @text after bounding its size and nesting (json-glib's parser is
 * recursive) and checking it is UTF-8. */
static JsonNode *
parse_bounded (const char  *text,
               gssize       length,
               gsize        max_bytes,
               GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean in_string = FALSE;
  guint depth = 0;
  gsize len;

  if (text == NULL)
    {
      g_set_error_literal (error, BD_REPORT_ERROR, BD_REPORT_ERROR_PARSE,
                           _("There is no data to read."));
      return NULL;
    }

  len = length < 0 ? strnlen (text, max_bytes + 1) : (gsize) length;
  if (len > max_bytes)
    {
      g_set_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_PARSE,
                   _("The data is too large (more than %u MiB)."),
                   (guint) (max_bytes / (1024 * 1024)));
      return NULL;
    }

  if (!g_utf8_validate_len (text, len, NULL))
    {
      g_set_error_literal (error, BD_REPORT_ERROR, BD_REPORT_ERROR_PARSE,
                           _("The data is not valid UTF-8 text."));
      return NULL;
    }

  for (gsize i = 0; i < len; i++)
    {
      char c = text[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        {
          in_string = TRUE;
        }
      else if (c == '[' || c == '{')
        {
          if (++depth > MAX_JSON_DEPTH)
            {
              g_set_error_literal (error, BD_REPORT_ERROR, BD_REPORT_ERROR_PARSE,
                                   _("The data is nested too deeply."));
              return NULL;
            }
        }
      else if ((c == ']' || c == '}') && depth > 0)
        {
          depth--;
        }
    }

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, text, (gssize) len, &local_error))
    {
      g_set_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_PARSE,
                   _("The data is not valid JSON: %s"), local_error->message);
      return NULL;
    }

  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error_literal (error, BD_REPORT_ERROR, BD_REPORT_ERROR_PARSE,
                           _("There is no data to read."));
      return NULL;
    }

  return json_parser_steal_root (parser);
}

static gboolean
parse_error (GError     **error,
             const char  *format,
             ...) G_GNUC_PRINTF (2, 3);

static gboolean
parse_error (GError     **error,
             const char  *format,
             ...)
{
  va_list args;

  va_start (args, format);
  if (error != NULL)
    *error = g_error_new_valist (BD_REPORT_ERROR, BD_REPORT_ERROR_PARSE, format, args);
  va_end (args);

  return FALSE;
}

static gboolean
read_position (JsonNode   *node,
               double     *longitude,
               double     *latitude,
               JsonArray  *out,
               GError    **error)
{
  JsonArray *array;
  JsonArray *position = NULL;
  guint n;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return parse_error (error, _("A position must be a list of numbers."));

  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (n < 2 || n > 3)
    return parse_error (error, _("A position must have 2 or 3 numbers."));

  for (guint i = 0; i < n; i++)
    {
      double value;

      if (!get_number (json_array_get_element (array, i), &value) ||
          fabs (value) > MAX_JSON_NUMBER)
        {
          g_clear_pointer (&position, json_array_unref);
          return parse_error (error, _("The coordinates of a position must be finite numbers."));
        }
      if (i == 0)
        *longitude = value;
      else if (i == 1)
        *latitude = value;

      if (out != NULL)
        {
          if (position == NULL)
            position = json_array_sized_new (n);
          json_array_add_double_element (position, value);
        }
    }

  if (position != NULL)
    json_array_add_array_element (out, position);

  return TRUE;
}

/* Checks the structure of a GeoJSON Polygon and returns a clean copy (type
 * and coordinates only), and the mean of the outer ring's positions. */
static JsonNode *
read_polygon (JsonNode  *node,
              double    *longitude,
              double    *latitude,
              GError   **error)
{
  g_autoptr(JsonArray) clean_rings = NULL;
  JsonObject *geometry;
  JsonObject *clean;
  JsonNode *result;
  JsonNode *coordinates;
  JsonNode *type;
  JsonArray *rings;
  double sum_lon = 0, sum_lat = 0;
  guint n_outer = 0;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      parse_error (error, _("The polygon is not an object."));
      return NULL;
    }

  geometry = json_node_get_object (node);
  type = json_object_get_member (geometry, "type");
  if (type == NULL || json_node_get_value_type (type) != G_TYPE_STRING ||
      g_strcmp0 (json_node_get_string (type), "Polygon") != 0)
    {
      parse_error (error, _("The geometry is not a Polygon."));
      return NULL;
    }

  coordinates = json_object_get_member (geometry, "coordinates");
  if (coordinates == NULL || !JSON_NODE_HOLDS_ARRAY (coordinates) ||
      json_array_get_length (json_node_get_array (coordinates)) == 0)
    {
      parse_error (error, _("The polygon has no coordinates."));
      return NULL;
    }

  rings = json_node_get_array (coordinates);
  clean_rings = json_array_sized_new (json_array_get_length (rings));
  for (guint r = 0; r < json_array_get_length (rings); r++)
    {
      JsonNode *ring_node = json_array_get_element (rings, r);
      JsonArray *ring;
      JsonArray *clean_ring;
      guint n;

      if (!JSON_NODE_HOLDS_ARRAY (ring_node))
        {
          parse_error (error, _("A ring of the polygon must be a list of positions."));
          return NULL;
        }

      ring = json_node_get_array (ring_node);
      n = json_array_get_length (ring);
      if (n == 0)
        {
          parse_error (error, _("A ring of the polygon is empty."));
          return NULL;
        }

      clean_ring = json_array_sized_new (n);
      json_array_add_array_element (clean_rings, clean_ring);

      for (guint i = 0; i < n; i++)
        {
          double lon = 0, lat = 0;

          if (!read_position (json_array_get_element (ring, i), &lon, &lat, clean_ring, error))
            return NULL;

          /* The outer ring, without its closing position */
          if (r == 0 && (i + 1 < n || n == 1))
            {
              sum_lon += lon;
              sum_lat += lat;
              n_outer++;
            }
        }
    }

  *longitude = sum_lon / n_outer;
  *latitude = sum_lat / n_outer;

  clean = json_object_new ();
  json_object_set_string_member (clean, "type", "Polygon");
  json_object_set_array_member (clean, "coordinates", g_steal_pointer (&clean_rings));

  result = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (result, clean);
  return result;
}

static gboolean
read_string (JsonObject  *object,
             const char  *name,
             const char **out,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return parse_error (error, _("The property “%s” must be text."), name);

  /* json-glib lets escapes such as a lone "\ud800" through */
  *out = json_node_get_string (node);
  if (!g_utf8_validate (*out, -1, NULL))
    {
      *out = NULL;
      return parse_error (error, _("The property “%s” is not valid text."), name);
    }

  return TRUE;
}

static gboolean
read_int64 (JsonObject  *object,
            const char  *name,
            gint64       min,
            gint64       max,
            gint64      *out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);
  double value;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    {
      *out = json_node_get_int (node);
    }
  else if (get_number (node, &value) && value == floor (value) &&
           value >= -9007199254740992.0 && value <= 9007199254740992.0)
    {
      *out = (gint64) value;
    }
  else
    {
      return parse_error (error, _("The property “%s” must be a whole number."), name);
    }

  if (*out < min || *out > max)
    return parse_error (error, _("The property “%s” is out of range."), name);

  return TRUE;
}

static gboolean
read_timestamp (JsonObject  *object,
                const char  *name,
                GDateTime  **out,
                GError     **error)
{
  const char *text;

  *out = NULL;
  if (!read_string (object, name, &text, error))
    return FALSE;

  if (text == NULL)
    return TRUE;

  *out = bd_parse_timestamp (text);
  if (*out == NULL)
    return parse_error (error,
                        _("The property “%s” is not a date and time with an offset (RFC 3339)."),
                        name);

  return TRUE;
}

static gboolean
read_counts (JsonObject  *props,
             GVariant   **out,
             GError     **error)
{
  JsonNode *node = json_object_get_member (props, "counts");
  g_autoptr(GList) members = NULL;
  GVariantBuilder builder;
  JsonObject *object;

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return parse_error (error, _("The property “%s” must be an object."), "counts");

  object = json_node_get_object (node);
  members = json_object_get_members (object);
  g_variant_builder_init (&builder, COUNTS_TYPE);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      double value;

      if (!g_utf8_validate (l->data, -1, NULL))
        {
          g_variant_builder_clear (&builder);
          return parse_error (error, _("A count’s name is not valid text."));
        }

      if (!get_number (json_object_get_member (object, l->data), &value) ||
          fabs (value) > MAX_JSON_NUMBER)
        {
          g_variant_builder_clear (&builder);
          return parse_error (error, _("The count “%s” must be a number."), (const char *) l->data);
        }
      g_variant_builder_add (&builder, "{sd}", (const char *) l->data, value);
    }

  *out = g_variant_ref_sink (g_variant_builder_end (&builder));
  return TRUE;
}

static gboolean
read_attachments (JsonObject  *props,
                  GVariant   **out,
                  GError     **error)
{
  JsonNode *node = json_object_get_member (props, "attachments");
  GVariantBuilder builder;
  JsonArray *array;

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return parse_error (error, _("The property “%s” must be a list."), "attachments");

  array = json_node_get_array (node);
  g_variant_builder_init (&builder, ATTACHMENTS_TYPE);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *values[3] = { NULL, NULL, NULL };
      static const char * const names[3] = { "sha256", "media_type", "name" };

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_variant_builder_clear (&builder);
          return parse_error (error, _("Attachment %u is not an object."), i + 1);
        }

      for (guint j = 0; j < 3; j++)
        {
          if (!read_string (json_node_get_object (element), names[j], &values[j], error))
            {
              g_variant_builder_clear (&builder);
              return FALSE;
            }
          if (values[j] == NULL)
            {
              g_variant_builder_clear (&builder);
              return parse_error (error, _("Attachment %u has no “%s”."), i + 1, names[j]);
            }
        }

      g_variant_builder_add (&builder, "(sss)", values[0], values[1], values[2]);
    }

  *out = g_variant_ref_sink (g_variant_builder_end (&builder));
  return TRUE;
}

BdReport *
bd_report_new_from_json (JsonNode  *node,
                         GError   **error)
{
  g_autoptr(BdReport) self = NULL;
  g_autoptr(GVariant) counts = NULL;
  g_autoptr(GVariant) attachments = NULL;
  g_autoptr(GDateTime) observed_at = NULL;
  g_autoptr(GDateTime) created_at = NULL;
  g_autoptr(GDateTime) updated_at = NULL;
  g_autofree char *polygon = NULL;
  JsonObject *feature;
  JsonObject *geometry;
  JsonObject *props = NULL;
  JsonNode *member;
  const char *type;
  const char *text;
  double latitude = NAN, longitude = NAN;
  gint64 severity = 2;
  gint64 households = -1, people = -1, rev = 0, seq = 0;
  gboolean deleted = FALSE;
  static const char * const string_props[] = {
    "ward", "category", "status", "duplicate_of", "title", "description", "reporter",
  };
  const char *strings[G_N_ELEMENTS (string_props)];

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      parse_error (error, _("The data is not a GeoJSON Feature object."));
      return NULL;
    }

  feature = json_node_get_object (node);

  if (!read_string (feature, "type", &type, error))
    return NULL;
  if (g_strcmp0 (type, "Feature") != 0)
    {
      parse_error (error, _("The data is not a GeoJSON Feature."));
      return NULL;
    }

  if (!read_string (feature, "id", &text, error))
    return NULL;
  if (text == NULL)
    {
      parse_error (error, _("The feature has no id."));
      return NULL;
    }

  self = g_object_new (BD_TYPE_REPORT, NULL);
  self->id = g_strdup (text);

  /* geometry */
  member = json_object_get_member (feature, "geometry");
  if (member == NULL || !JSON_NODE_HOLDS_OBJECT (member))
    {
      parse_error (error, _("The feature has no geometry."));
      return NULL;
    }
  geometry = json_node_get_object (member);
  if (!read_string (geometry, "type", &type, error))
    return NULL;

  member = json_object_get_member (feature, "properties");
  if (member != NULL && JSON_NODE_HOLDS_OBJECT (member))
    props = json_node_get_object (member);
  else if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    {
      parse_error (error, _("The feature’s properties must be an object."));
      return NULL;
    }

  if (g_strcmp0 (type, "Point") == 0)
    {
      if (!read_position (json_object_get_member (geometry, "coordinates"),
                          &longitude, &latitude, NULL, error))
        return NULL;
    }
  else if (g_strcmp0 (type, "Polygon") == 0)
    {
      g_autoptr(JsonNode) clean = NULL;

      clean = read_polygon (json_object_get_member (feature, "geometry"),
                            &longitude, &latitude, error);
      if (clean == NULL)
        return NULL;

      member = props ? json_object_get_member (props, "point") : NULL;
      if (member != NULL && !JSON_NODE_HOLDS_NULL (member) &&
          !read_position (member, &longitude, &latitude, NULL, error))
        return NULL;

      polygon = json_to_string (clean, FALSE);
    }
  else
    {
      parse_error (error, _("The geometry must be a Point or a Polygon."));
      return NULL;
    }

  self->latitude = latitude;
  self->longitude = longitude;
  self->polygon = g_steal_pointer (&polygon);

  if (props == NULL)
    return g_steal_pointer (&self);

  /* properties */
  for (guint i = 0; i < G_N_ELEMENTS (string_props); i++)
    {
      if (!read_string (props, string_props[i], &strings[i], error))
        return NULL;
    }

  if (!read_int64 (props, "severity", G_MININT, G_MAXINT, &severity, error) ||
      !read_int64 (props, "affected_households", G_MININT64, G_MAXINT64, &households, error) ||
      !read_int64 (props, "affected_people", G_MININT64, G_MAXINT64, &people, error) ||
      !read_int64 (props, "rev", G_MININT64, G_MAXINT64, &rev, error) ||
      !read_int64 (props, "seq", G_MININT64, G_MAXINT64, &seq, error) ||
      !read_timestamp (props, "observed_at", &observed_at, error) ||
      !read_timestamp (props, "created_at", &created_at, error) ||
      !read_timestamp (props, "updated_at", &updated_at, error) ||
      !read_counts (props, &counts, error) ||
      !read_attachments (props, &attachments, error))
    return NULL;

  member = json_object_get_member (props, "deleted");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    {
      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_BOOLEAN)
        {
          parse_error (error, _("The property “%s” must be true or false."), "deleted");
          return NULL;
        }
      deleted = json_node_get_boolean (member);
    }

  replace_nullable (&self->ward, strings[0]);
  replace_nullable (&self->category, strings[1]);
  replace_nullable (&self->status, strings[2]);
  replace_nullable (&self->duplicate_of, strings[3]);
  replace_text (&self->title, strings[4]);
  replace_text (&self->description, strings[5]);
  replace_text (&self->reporter, strings[6]);
  self->severity = (int) severity;
  self->observed_at = g_steal_pointer (&observed_at);
  self->created_at = g_steal_pointer (&created_at);
  self->updated_at = g_steal_pointer (&updated_at);
  if (counts != NULL)
    {
      g_clear_pointer (&self->counts, g_variant_unref);
      self->counts = normalize_counts (counts);
    }
  if (attachments != NULL)
    {
      g_clear_pointer (&self->attachments, g_variant_unref);
      self->attachments = g_steal_pointer (&attachments);
    }
  self->affected_households = households;
  self->affected_people = people;
  self->rev = rev;
  self->seq = seq;
  self->deleted = deleted;

  return g_steal_pointer (&self);
}

BdReport *
bd_report_new_from_geojson (const char  *text,
                            gssize       length,
                            GError     **error)
{
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  root = parse_bounded (text, length, MAX_FEATURE_BYTES, error);
  if (root == NULL)
    return NULL;

  return bd_report_new_from_json (root, error);
}

GPtrArray *
bd_reports_from_feature_collection (const char  *text,
                                    gssize       length,
                                    GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) reports = NULL;
  JsonObject *object;
  JsonNode *features;
  JsonArray *array;
  const char *type;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  root = parse_bounded (text, length, MAX_COLLECTION_BYTES, error);
  if (root == NULL)
    return NULL;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      parse_error (error, _("The data is not a GeoJSON FeatureCollection or Feature."));
      return NULL;
    }

  object = json_node_get_object (root);
  if (!read_string (object, "type", &type, error))
    return NULL;

  reports = g_ptr_array_new_with_free_func (g_object_unref);

  if (g_strcmp0 (type, "Feature") == 0)
    {
      BdReport *report = bd_report_new_from_json (root, error);

      if (report == NULL)
        return NULL;
      g_ptr_array_add (reports, report);
      return g_steal_pointer (&reports);
    }

  if (g_strcmp0 (type, "FeatureCollection") != 0)
    {
      parse_error (error, _("The data is not a GeoJSON FeatureCollection or Feature."));
      return NULL;
    }

  features = json_object_get_member (object, "features");
  if (features == NULL || !JSON_NODE_HOLDS_ARRAY (features))
    {
      parse_error (error, _("The FeatureCollection has no list of features."));
      return NULL;
    }

  array = json_node_get_array (features);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autoptr(GError) local_error = NULL;
      BdReport *report = bd_report_new_from_json (json_array_get_element (array, i), &local_error);

      if (report == NULL)
        {
          /* Translators: "Feature 3: The feature has no geometry." (counted from 1) */
          parse_error (error, _("Feature %u: %s"), i + 1, local_error->message);
          return NULL;
        }
      g_ptr_array_add (reports, report);
    }

  return g_steal_pointer (&reports);
}

/* Field by field: the three-way merge and the conflict view */

void
bd_report_copy_field (BdReport   *self,
                      BdReport   *source,
                      const char *field)
{
  g_return_if_fail (BD_IS_REPORT (self));
  g_return_if_fail (BD_IS_REPORT (source));
  g_return_if_fail (field != NULL);

  if (g_str_equal (field, "geometry"))
    {
      bd_report_set_location (self, source->latitude, source->longitude);
      bd_report_set_polygon (self, source->polygon);
    }
  else if (g_str_equal (field, "ward"))
    bd_report_set_ward (self, source->ward);
  else if (g_str_equal (field, "category"))
    bd_report_set_category (self, source->category);
  else if (g_str_equal (field, "severity"))
    bd_report_set_severity (self, source->severity);
  else if (g_str_equal (field, "status"))
    bd_report_set_status (self, source->status);
  else if (g_str_equal (field, "duplicate_of"))
    bd_report_set_duplicate_of (self, source->duplicate_of);
  else if (g_str_equal (field, "title"))
    bd_report_set_title (self, source->title);
  else if (g_str_equal (field, "description"))
    bd_report_set_description (self, source->description);
  else if (g_str_equal (field, "reporter"))
    bd_report_set_reporter (self, source->reporter);
  else if (g_str_equal (field, "observed_at"))
    bd_report_set_observed_at (self, source->observed_at);
  else if (g_str_equal (field, "created_at"))
    bd_report_set_created_at (self, source->created_at);
  else if (g_str_equal (field, "updated_at"))
    bd_report_set_updated_at (self, source->updated_at);
  else if (g_str_equal (field, "counts"))
    bd_report_set_counts (self, source->counts);
  else if (g_str_equal (field, "affected_households"))
    bd_report_set_affected_households (self, source->affected_households);
  else if (g_str_equal (field, "affected_people"))
    bd_report_set_affected_people (self, source->affected_people);
  else if (g_str_equal (field, "attachments"))
    bd_report_set_attachments (self, source->attachments);
  else if (g_str_equal (field, "rev"))
    bd_report_set_rev (self, source->rev);
  else if (g_str_equal (field, "seq"))
    bd_report_set_seq (self, source->seq);
  else if (g_str_equal (field, "deleted"))
    bd_report_set_deleted (self, source->deleted);
  else if (g_str_equal (field, "id"))
    bd_report_set_id (self, source->id);
  else
    g_critical ("%s: no field named “%s”", G_STRFUNC, field);
}

static const struct
{
  const char *field;
  const char *label;
} field_labels[] = {
  { "geometry", N_("Location") },
  { "ward", N_("Ward") },
  { "category", N_("Kind of damage") },
  { "severity", N_("Severity") },
  { "status", N_("Status") },
  { "duplicate_of", N_("Duplicate of") },
  { "title", N_("Title") },
  { "description", N_("Description") },
  { "reporter", N_("Reporter") },
  { "observed_at", N_("Observed at") },
  { "created_at", N_("Created at") },
  { "updated_at", N_("Updated at") },
  { "counts", N_("Damage counts") },
  { "affected_households", N_("Affected households") },
  { "affected_people", N_("Affected people") },
  { "attachments", N_("Photos") },
  { "deleted", N_("Deleted") },
};

const char *
bd_report_field_label (const char *field)
{
  gsize i;

  for (i = 0; field != NULL && i < G_N_ELEMENTS (field_labels); i++)
    if (g_str_equal (field_labels[i].field, field))
      return _(field_labels[i].label);
  return field;
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

char *
bd_report_format_field (BdReport   *self,
                        const char *field)
{
  g_return_val_if_fail (BD_IS_REPORT (self), NULL);
  g_return_val_if_fail (field != NULL, NULL);

  if (g_str_equal (field, "geometry"))
    {
      if (isnan (self->latitude) || isnan (self->longitude))
        return g_strdup ("");
      if (self->polygon != NULL)
        /* Translators: latitude, longitude of an area report */
        return g_strdup_printf (_("area around %.5f, %.5f"), self->latitude, self->longitude);
      return g_strdup_printf ("%.5f, %.5f", self->latitude, self->longitude);
    }
  if (g_str_equal (field, "ward"))
    {
      const BdWard *ward = bd_catalog_lookup_ward (self->ward);
      return g_strdup (ward != NULL ? bd_catalog_label (ward->name_ja, ward->name_en)
                                    : (self->ward != NULL ? self->ward : ""));
    }
  if (g_str_equal (field, "category"))
    {
      const BdCategory *category = bd_catalog_lookup_category (self->category);
      return g_strdup (category != NULL ? bd_catalog_label (category->name_ja, category->name_en)
                                        : (self->category != NULL ? self->category : ""));
    }
  if (g_str_equal (field, "severity"))
    {
      const BdSeverity *severity = bd_catalog_lookup_severity (self->severity);
      return severity != NULL ? g_strdup (bd_catalog_label (severity->name_ja, severity->name_en))
                              : g_strdup_printf ("%d", self->severity);
    }
  if (g_str_equal (field, "status"))
    {
      const BdStatus *status = bd_catalog_lookup_status (self->status);
      return g_strdup (status != NULL ? bd_catalog_label (status->name_ja, status->name_en)
                                      : (self->status != NULL ? self->status : ""));
    }
  if (g_str_equal (field, "duplicate_of"))
    return g_strdup (self->duplicate_of != NULL ? self->duplicate_of : "");
  if (g_str_equal (field, "title"))
    return g_strdup (self->title);
  if (g_str_equal (field, "description"))
    return g_strdup (self->description);
  if (g_str_equal (field, "reporter"))
    return g_strdup (self->reporter);
  if (g_str_equal (field, "observed_at"))
    return format_time (self->observed_at);
  if (g_str_equal (field, "created_at"))
    return format_time (self->created_at);
  if (g_str_equal (field, "updated_at"))
    return format_time (self->updated_at);
  if (g_str_equal (field, "counts"))
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
  if (g_str_equal (field, "affected_households"))
    return g_strdup_printf ("%lld", (long long) self->affected_households);
  if (g_str_equal (field, "affected_people"))
    return g_strdup_printf ("%lld", (long long) self->affected_people);
  if (g_str_equal (field, "attachments"))
    {
      gsize n = g_variant_n_children (self->attachments);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u photo", "%u photos", n), (guint) n);
    }
  if (g_str_equal (field, "deleted"))
    return g_strdup (self->deleted ? _("deleted") : _("kept"));
  if (g_str_equal (field, "rev"))
    return g_strdup_printf ("%lld", (long long) self->rev);
  if (g_str_equal (field, "seq"))
    return g_strdup_printf ("%lld", (long long) self->seq);
  if (g_str_equal (field, "id"))
    return g_strdup (self->id != NULL ? self->id : "");
  return g_strdup ("");
}

gboolean
bd_report_same_content (BdReport *a,
                        BdReport *b)
{
  static const char * const stamped[] = { "rev", "seq", "updated_at", NULL };
  g_auto(GStrv) diff = NULL;
  guint i;

  g_return_val_if_fail (BD_IS_REPORT (a), FALSE);
  g_return_val_if_fail (BD_IS_REPORT (b), FALSE);

  diff = bd_report_diff (a, b);
  for (i = 0; diff[i] != NULL; i++)
    if (!g_strv_contains (stamped, diff[i]))
      return FALSE;
  return TRUE;
}

/* The server stamps these; they never conflict. */
static gboolean
is_stamped (const char *field)
{
  return g_str_equal (field, "rev") || g_str_equal (field, "seq") ||
         g_str_equal (field, "updated_at") || g_str_equal (field, "id");
}

static gboolean
field_same (BdReport   *a,
            BdReport   *b,
            const char *field)
{
  g_auto(GStrv) diff = bd_report_diff (a, b);

  return !g_strv_contains ((const char * const *) diff, field);
}

/* Whether @report changed anything but the stamps and the deleted flag. */
static gboolean
has_content_changes (BdReport *base,
                     BdReport *report)
{
  g_auto(GStrv) diff = bd_report_diff (base, report);
  guint i;

  for (i = 0; diff[i] != NULL; i++)
    if (!is_stamped (diff[i]) && !g_str_equal (diff[i], "deleted") &&
        !g_str_equal (diff[i], "created_at"))
      return TRUE;
  return FALSE;
}

BdReport *
bd_report_merge3 (BdReport   *base,
                  BdReport   *local,
                  BdReport   *server,
                  char     ***conflicts)
{
  g_autoptr(GPtrArray) clashes = g_ptr_array_new ();
  g_auto(GStrv) diff = NULL;
  BdReport *merged;
  guint i;

  g_return_val_if_fail (base == NULL || BD_IS_REPORT (base), NULL);
  g_return_val_if_fail (BD_IS_REPORT (local), NULL);
  g_return_val_if_fail (BD_IS_REPORT (server), NULL);

  /* start from the server's copy and bring over what only we changed */
  merged = bd_report_copy (server);
  diff = bd_report_diff (local, server);
  for (i = 0; diff[i] != NULL; i++)
    {
      const char *field = diff[i];
      gboolean local_changed, server_changed;

      if (is_stamped (field))
        continue;
      /* created_at is set once; the earlier of the two is the truth */
      if (g_str_equal (field, "created_at"))
        continue;
      local_changed = base == NULL || !field_same (base, local, field);
      server_changed = base == NULL || !field_same (base, server, field);
      if (local_changed && !server_changed)
        bd_report_copy_field (merged, local, field);
      else if (local_changed && server_changed)
        {
          /* both changed it differently: keep ours, the user settles it */
          bd_report_copy_field (merged, local, field);
          g_ptr_array_add (clashes, g_strdup (field));
        }
      /* only the server changed it: merged has the server's value */
    }

  /* Deleted on one side, edited on the other: merging would hide the edit
   * in a tombstone (or bring back what was deleted). The user decides. */
  if (base != NULL && local->deleted != server->deleted &&
      !g_ptr_array_find_with_equal_func (clashes, "deleted", g_str_equal, NULL))
    {
      BdReport *deleter = local->deleted != base->deleted ? local : server;
      BdReport *editor = deleter == local ? server : local;

      if (has_content_changes (base, editor))
        {
          bd_report_set_deleted (merged, local->deleted);
          g_ptr_array_add (clashes, g_strdup ("deleted"));
        }
    }

  if (bd_report_get_updated_at (local) != NULL && bd_report_get_updated_at (server) != NULL &&
      g_date_time_compare (bd_report_get_updated_at (local), bd_report_get_updated_at (server)) > 0)
    bd_report_set_updated_at (merged, bd_report_get_updated_at (local));

  g_ptr_array_add (clashes, NULL);
  if (conflicts != NULL)
    *conflicts = (char **) g_ptr_array_free (g_steal_pointer (&clashes), FALSE);
  else
    g_strfreev ((char **) g_ptr_array_free (g_steal_pointer (&clashes), FALSE));
  return merged;
}
