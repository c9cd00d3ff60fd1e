/* bd-report-validate.c
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
#include "bd-departments.h"
#include "bd-report-private.h"

/* Whether a report may be saved and sent: what a ward officer is told when
 * it may not (translated). The GeoJSON reader checks types and structure
 * only; everything about values is here. */

#define MAX_POLYGON_POSITIONS 10000
#define MAX_ATTACHMENT_NAME   255
#define MAX_MEDIA_TYPE        255
#define MAX_FUTURE_SECONDS    (10 * 60)


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
check_polygon (const char  *text,
               GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  JsonNode *type;
  JsonNode *coordinates;
  JsonArray *rings;
  guint total = 0;

  root = _bd_report_parse_json (text, -1, BD_REPORT_MAX_FEATURE_BYTES, NULL);
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
          if (!_bd_report_get_number (json_array_get_element (position, 0), &lon) ||
              !_bd_report_get_number (json_array_get_element (position, 1), &lat))
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

    case BD_REPORT_FIELD_DEPARTMENT:
      if (self->department != NULL && !bd_departments_code_is_valid (self->department))
        {
          g_autofree char *shown = g_utf8_make_valid (self->department,
                                                      MIN (strlen (self->department), 64));

          g_set_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_DEPARTMENT,
                       _("“%s” is not a department code."), shown);
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
