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

#include "bd-report-private.h"

G_DEFINE_FINAL_TYPE (BdReport, bd_report, G_TYPE_OBJECT)

G_DEFINE_QUARK (bd-report-error-quark, bd_report_error)

static GParamSpec *properties[BD_REPORT_N_PROPS];

void
_bd_report_notify (BdReport *self,
                   guint     prop)
{
  g_assert (prop > BD_REPORT_PROP_0 && prop < BD_REPORT_N_PROPS);

  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

/* Helpers */

gboolean
_bd_report_doubles_same (double a,
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
gboolean
_bd_report_date_times_same_second (GDateTime *a,
                                   GDateTime *b)
{
  if (a == NULL || b == NULL)
    return a == b;

  return g_date_time_to_unix (a) == g_date_time_to_unix (b);
}

/* Stores @value in @field (NULL for ""), TRUE if it changed. */
gboolean
_bd_report_replace_nullable (char       **field,
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
gboolean
_bd_report_replace_text (char       **field,
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

gboolean
_bd_report_replace_date_time (GDateTime **field,
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
GVariant *
_bd_report_normalize_counts (GVariant *counts)
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

  g_variant_builder_init (&builder, BD_REPORT_COUNTS_TYPE);
  for (guint i = 0; i < keys->len; i++)
    {
      guint index = GPOINTER_TO_UINT (g_hash_table_lookup (table, keys->pdata[i]));

      value = g_array_index (values, double, index);
      if (value != 0.0)
        g_variant_builder_add (&builder, "{sd}", (const char *) keys->pdata[i], value);
    }

  return g_variant_ref_sink (g_variant_builder_end (&builder));
}
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
  g_clear_pointer (&self->department, g_free);
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
    case BD_REPORT_PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case BD_REPORT_PROP_LATITUDE:
      g_value_set_double (value, self->latitude);
      break;
    case BD_REPORT_PROP_LONGITUDE:
      g_value_set_double (value, self->longitude);
      break;
    case BD_REPORT_PROP_POLYGON:
      g_value_set_string (value, self->polygon);
      break;
    case BD_REPORT_PROP_WARD:
      g_value_set_string (value, self->ward);
      break;
    case BD_REPORT_PROP_CATEGORY:
      g_value_set_string (value, self->category);
      break;
    case BD_REPORT_PROP_SEVERITY:
      g_value_set_int (value, self->severity);
      break;
    case BD_REPORT_PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    case BD_REPORT_PROP_DUPLICATE_OF:
      g_value_set_string (value, self->duplicate_of);
      break;
    case BD_REPORT_PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case BD_REPORT_PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;
    case BD_REPORT_PROP_REPORTER:
      g_value_set_string (value, self->reporter);
      break;
    case BD_REPORT_PROP_OBSERVED_AT:
      g_value_set_boxed (value, self->observed_at);
      break;
    case BD_REPORT_PROP_CREATED_AT:
      g_value_set_boxed (value, self->created_at);
      break;
    case BD_REPORT_PROP_UPDATED_AT:
      g_value_set_boxed (value, self->updated_at);
      break;
    case BD_REPORT_PROP_COUNTS:
      g_value_set_variant (value, self->counts);
      break;
    case BD_REPORT_PROP_AFFECTED_HOUSEHOLDS:
      g_value_set_int64 (value, self->affected_households);
      break;
    case BD_REPORT_PROP_AFFECTED_PEOPLE:
      g_value_set_int64 (value, self->affected_people);
      break;
    case BD_REPORT_PROP_ATTACHMENTS:
      g_value_set_variant (value, self->attachments);
      break;
    case BD_REPORT_PROP_REV:
      g_value_set_int64 (value, self->rev);
      break;
    case BD_REPORT_PROP_SEQ:
      g_value_set_int64 (value, self->seq);
      break;
    case BD_REPORT_PROP_DELETED:
      g_value_set_boolean (value, self->deleted);
      break;
    case BD_REPORT_PROP_DEPARTMENT:
      g_value_set_string (value, self->department);
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
    case BD_REPORT_PROP_ID:
      bd_report_set_id (self, g_value_get_string (value));
      break;
    case BD_REPORT_PROP_LATITUDE:
      bd_report_set_location (self, g_value_get_double (value), self->longitude);
      break;
    case BD_REPORT_PROP_LONGITUDE:
      bd_report_set_location (self, self->latitude, g_value_get_double (value));
      break;
    case BD_REPORT_PROP_POLYGON:
      bd_report_set_polygon (self, g_value_get_string (value));
      break;
    case BD_REPORT_PROP_WARD:
      bd_report_set_ward (self, g_value_get_string (value));
      break;
    case BD_REPORT_PROP_CATEGORY:
      bd_report_set_category (self, g_value_get_string (value));
      break;
    case BD_REPORT_PROP_SEVERITY:
      bd_report_set_severity (self, g_value_get_int (value));
      break;
    case BD_REPORT_PROP_STATUS:
      bd_report_set_status (self, g_value_get_string (value));
      break;
    case BD_REPORT_PROP_DUPLICATE_OF:
      bd_report_set_duplicate_of (self, g_value_get_string (value));
      break;
    case BD_REPORT_PROP_TITLE:
      bd_report_set_title (self, g_value_get_string (value));
      break;
    case BD_REPORT_PROP_DESCRIPTION:
      bd_report_set_description (self, g_value_get_string (value));
      break;
    case BD_REPORT_PROP_REPORTER:
      bd_report_set_reporter (self, g_value_get_string (value));
      break;
    case BD_REPORT_PROP_OBSERVED_AT:
      bd_report_set_observed_at (self, g_value_get_boxed (value));
      break;
    case BD_REPORT_PROP_CREATED_AT:
      bd_report_set_created_at (self, g_value_get_boxed (value));
      break;
    case BD_REPORT_PROP_UPDATED_AT:
      bd_report_set_updated_at (self, g_value_get_boxed (value));
      break;
    case BD_REPORT_PROP_COUNTS:
      bd_report_set_counts (self, g_value_get_variant (value));
      break;
    case BD_REPORT_PROP_AFFECTED_HOUSEHOLDS:
      bd_report_set_affected_households (self, g_value_get_int64 (value));
      break;
    case BD_REPORT_PROP_AFFECTED_PEOPLE:
      bd_report_set_affected_people (self, g_value_get_int64 (value));
      break;
    case BD_REPORT_PROP_ATTACHMENTS:
      bd_report_set_attachments (self, g_value_get_variant (value));
      break;
    case BD_REPORT_PROP_REV:
      bd_report_set_rev (self, g_value_get_int64 (value));
      break;
    case BD_REPORT_PROP_SEQ:
      bd_report_set_seq (self, g_value_get_int64 (value));
      break;
    case BD_REPORT_PROP_DELETED:
      bd_report_set_deleted (self, g_value_get_boolean (value));
      break;
    case BD_REPORT_PROP_DEPARTMENT:
      bd_report_set_department (self, g_value_get_string (value));
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

  properties[BD_REPORT_PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL, flags);
  /* NaN (the default, set in init) means "no place chosen yet". */
  properties[BD_REPORT_PROP_LATITUDE] =
    g_param_spec_double ("latitude", NULL, NULL,
                         -G_MAXDOUBLE, G_MAXDOUBLE, 0.0, flags);
  properties[BD_REPORT_PROP_LONGITUDE] =
    g_param_spec_double ("longitude", NULL, NULL,
                         -G_MAXDOUBLE, G_MAXDOUBLE, 0.0, flags);
  properties[BD_REPORT_PROP_POLYGON] =
    g_param_spec_string ("polygon", NULL, NULL, NULL, flags);
  properties[BD_REPORT_PROP_WARD] =
    g_param_spec_string ("ward", NULL, NULL, NULL, flags);
  properties[BD_REPORT_PROP_CATEGORY] =
    g_param_spec_string ("category", NULL, NULL, NULL, flags);
  properties[BD_REPORT_PROP_SEVERITY] =
    g_param_spec_int ("severity", NULL, NULL, G_MININT, G_MAXINT, 2, flags);
  properties[BD_REPORT_PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, "new", flags);
  properties[BD_REPORT_PROP_DUPLICATE_OF] =
    g_param_spec_string ("duplicate-of", NULL, NULL, NULL, flags);
  properties[BD_REPORT_PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, "", flags);
  properties[BD_REPORT_PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, "", flags);
  properties[BD_REPORT_PROP_REPORTER] =
    g_param_spec_string ("reporter", NULL, NULL, "", flags);
  properties[BD_REPORT_PROP_OBSERVED_AT] =
    g_param_spec_boxed ("observed-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[BD_REPORT_PROP_CREATED_AT] =
    g_param_spec_boxed ("created-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[BD_REPORT_PROP_UPDATED_AT] =
    g_param_spec_boxed ("updated-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[BD_REPORT_PROP_COUNTS] =
    g_param_spec_variant ("counts", NULL, NULL, BD_REPORT_COUNTS_TYPE, NULL, flags);
  properties[BD_REPORT_PROP_AFFECTED_HOUSEHOLDS] =
    g_param_spec_int64 ("affected-households", NULL, NULL,
                        G_MININT64, G_MAXINT64, -1, flags);
  properties[BD_REPORT_PROP_AFFECTED_PEOPLE] =
    g_param_spec_int64 ("affected-people", NULL, NULL,
                        G_MININT64, G_MAXINT64, -1, flags);
  properties[BD_REPORT_PROP_ATTACHMENTS] =
    g_param_spec_variant ("attachments", NULL, NULL, BD_REPORT_ATTACHMENTS_TYPE, NULL, flags);
  properties[BD_REPORT_PROP_REV] =
    g_param_spec_int64 ("rev", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[BD_REPORT_PROP_SEQ] =
    g_param_spec_int64 ("seq", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[BD_REPORT_PROP_DELETED] =
    g_param_spec_boolean ("deleted", NULL, NULL, FALSE, flags);
  properties[BD_REPORT_PROP_DEPARTMENT] =
    g_param_spec_string ("department", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, BD_REPORT_N_PROPS, properties);
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
  copy->department = g_strdup (self->department);

  return copy;
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

  if (_bd_report_replace_nullable (&self->id, id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[BD_REPORT_PROP_ID]);
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

  lat_changed = !_bd_report_doubles_same (self->latitude, latitude);
  lon_changed = !_bd_report_doubles_same (self->longitude, longitude);
  self->latitude = latitude;
  self->longitude = longitude;

  if (lat_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[BD_REPORT_PROP_LATITUDE]);
  if (lon_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[BD_REPORT_PROP_LONGITUDE]);
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
      node = _bd_report_parse_json (polygon_json, -1, BD_REPORT_MAX_FEATURE_BYTES, NULL);
      if (node != NULL)
        clean = _bd_report_read_polygon (node, &lon, &lat, NULL);
      if (clean != NULL)
        canonical = json_to_string (clean, FALSE);
    }

  if (_bd_report_replace_nullable (&self->polygon, canonical ? canonical : polygon_json))
    g_object_notify_by_pspec (G_OBJECT (self), properties[BD_REPORT_PROP_POLYGON]);
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

  if (_bd_report_replace_nullable (&self->ward, ward))
    g_object_notify_by_pspec (G_OBJECT (self), properties[BD_REPORT_PROP_WARD]);
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

  if (_bd_report_replace_nullable (&self->category, category))
    g_object_notify_by_pspec (G_OBJECT (self), properties[BD_REPORT_PROP_CATEGORY]);
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
  g_object_notify_by_pspec (G_OBJECT (self), properties[BD_REPORT_PROP_SEVERITY]);
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

  if (_bd_report_replace_nullable (&self->status, status))
    g_object_notify_by_pspec (G_OBJECT (self), properties[BD_REPORT_PROP_STATUS]);
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

  if (_bd_report_replace_nullable (&self->duplicate_of, id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[BD_REPORT_PROP_DUPLICATE_OF]);
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

  if (_bd_report_replace_text (&self->title, title))
    g_object_notify_by_pspec (G_OBJECT (self), properties[BD_REPORT_PROP_TITLE]);
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

  if (_bd_report_replace_text (&self->description, description))
    g_object_notify_by_pspec (G_OBJECT (self), properties[BD_REPORT_PROP_DESCRIPTION]);
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

  if (_bd_report_replace_text (&self->reporter, reporter))
    g_object_notify_by_pspec (G_OBJECT (self), properties[BD_REPORT_PROP_REPORTER]);
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

  if (_bd_report_replace_date_time (&self->observed_at, when))
    g_object_notify_by_pspec (G_OBJECT (self), properties[BD_REPORT_PROP_OBSERVED_AT]);
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

  if (_bd_report_replace_date_time (&self->created_at, when))
    g_object_notify_by_pspec (G_OBJECT (self), properties[BD_REPORT_PROP_CREATED_AT]);
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

  if (_bd_report_replace_date_time (&self->updated_at, when))
    g_object_notify_by_pspec (G_OBJECT (self), properties[BD_REPORT_PROP_UPDATED_AT]);
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
void
_bd_report_replace_counts (BdReport *self,
                           GVariant *counts)
{
  g_autoptr(GVariant) normalized = _bd_report_normalize_counts (counts);

  if (counts != NULL && g_variant_is_floating (counts))
    g_variant_unref (g_variant_ref_sink (counts));

  if (g_variant_equal (normalized, self->counts))
    return;

  g_clear_pointer (&self->counts, g_variant_unref);
  self->counts = g_steal_pointer (&normalized);
  g_object_notify_by_pspec (G_OBJECT (self), properties[BD_REPORT_PROP_COUNTS]);
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
  g_variant_builder_init (&builder, BD_REPORT_COUNTS_TYPE);
  g_variant_iter_init (&iter, self->counts);
  while (g_variant_iter_next (&iter, "{&sd}", &k, &v))
    g_variant_builder_add (&builder, "{sd}", k, v);
  g_variant_builder_add (&builder, "{sd}", key, value);

  _bd_report_replace_counts (self, g_variant_builder_end (&builder));
}

void
bd_report_clear_counts (BdReport *self)
{
  g_return_if_fail (BD_IS_REPORT (self));

  _bd_report_replace_counts (self, NULL);
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
  g_return_if_fail (counts == NULL || g_variant_is_of_type (counts, BD_REPORT_COUNTS_TYPE));

  if (counts != NULL)
    g_variant_ref_sink (counts);
  _bd_report_replace_counts (self, counts);
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
  g_object_notify_by_pspec (G_OBJECT (self), properties[BD_REPORT_PROP_AFFECTED_HOUSEHOLDS]);
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
  g_object_notify_by_pspec (G_OBJECT (self), properties[BD_REPORT_PROP_AFFECTED_PEOPLE]);
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
  g_return_if_fail (attachments == NULL || g_variant_is_of_type (attachments, BD_REPORT_ATTACHMENTS_TYPE));

  if (attachments != NULL)
    value = g_variant_ref_sink (attachments);
  else
    value = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("(sss)"), NULL, 0));

  if (g_variant_equal (value, self->attachments))
    return;

  g_clear_pointer (&self->attachments, g_variant_unref);
  self->attachments = g_steal_pointer (&value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[BD_REPORT_PROP_ATTACHMENTS]);
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
  g_object_notify_by_pspec (G_OBJECT (self), properties[BD_REPORT_PROP_REV]);
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
  g_object_notify_by_pspec (G_OBJECT (self), properties[BD_REPORT_PROP_SEQ]);
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
  g_object_notify_by_pspec (G_OBJECT (self), properties[BD_REPORT_PROP_DELETED]);
}


const char *
bd_report_get_department (BdReport *self)
{
  g_return_val_if_fail (BD_IS_REPORT (self), NULL);

  return self->department;
}

void
bd_report_set_department (BdReport   *self,
                          const char *department)
{
  g_return_if_fail (BD_IS_REPORT (self));

  if (_bd_report_replace_nullable (&self->department, department))
    g_object_notify_by_pspec (G_OBJECT (self), properties[BD_REPORT_PROP_DEPARTMENT]);
}
