/* bd-cap-validate.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* CAP 1.2: the checks of an alert's values (required elements, the
 * schema's enumerations, times, identifiers, coordinates and their ranges,
 * references) and the references themselves. The reader is bd-cap.c. */

#define G_LOG_DOMAIN "bd-cap"

#include "config.h"

#include "bd-cap.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "bd-time.h"

/* Enumerations of the CAP 1.2 schema. */
static const char * const statuses[] = { "Actual", "Exercise", "System", "Test", "Draft", NULL };
static const char * const msg_types[] = { "Alert", "Update", "Cancel", "Ack", "Error", NULL };
static const char * const scopes[] = { "Public", "Restricted", "Private", NULL };
static const char * const categories[] = {
  "Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env", "Transport",
  "Infra", "CBRNE", "Other", NULL
};
static const char * const response_types[] = {
  "Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor", "Assess", "AllClear",
  "None", NULL
};
static const char * const urgencies[] = {
  "Immediate", "Expected", "Future", "Past", "Unknown", NULL
};
static const char * const severities[] = {
  "Extreme", "Severe", "Moderate", "Minor", "Unknown", NULL
};
static const char * const certainties[] = {
  "Observed", "Likely", "Possible", "Unlikely", "Unknown", NULL
};

/* Checking values */

static gboolean
require (const char  *value,
         const char  *element,
         const char  *parent,
         GError     **error)
{
  if (value != NULL && value[0] != '\0')
    return TRUE;
  g_set_error (error, BD_CAP_ERROR, BD_CAP_ERROR_INVALID,
               _("<%s> lacks <%s>, which CAP 1.2 requires."), parent, element);
  return FALSE;
}

static gboolean
check_enum (const char          *value,
            const char * const  *allowed,
            const char          *element,
            GError             **error)
{
  g_autofree char *list = NULL;

  if (value == NULL || g_strv_contains (allowed, value))
    return TRUE;
  list = g_strjoinv (", ", (GStrv) allowed);
  g_set_error (error, BD_CAP_ERROR, BD_CAP_ERROR_INVALID,
               _("<%s> is “%s”; CAP 1.2 allows %s."), element, value, list);
  return FALSE;
}

static gboolean
check_time (const char  *value,
            const char  *element,
            GError     **error)
{
  g_autoptr(GDateTime) when = NULL;

  if (value == NULL)
    return TRUE;
  when = bd_parse_timestamp (value);
  if (when != NULL)
    return TRUE;
  g_set_error (error, BD_CAP_ERROR, BD_CAP_ERROR_INVALID,
               _("<%s> is “%s”, not a date and time with an offset "
                 "(2026-12-06T10:00:00+09:00)."), element, value);
  return FALSE;
}

/* identifier and sender: no spaces, commas, “<” or “&” (CAP 1.2, 3.2.1). */
static gboolean
check_token (const char  *value,
             const char  *element,
             GError     **error)
{
  if (value == NULL || strpbrk (value, " \t\r\n,<&") == NULL)
    return TRUE;
  g_set_error (error, BD_CAP_ERROR, BD_CAP_ERROR_INVALID,
               _("<%s> must not contain spaces, commas, “<” or “&”."), element);
  return FALSE;
}

static gboolean
check_point (BdCapPoint   point,
             const char  *element,
             GError     **error)
{
  if (point.lat < -90 || point.lat > 90)
    {
      g_set_error (error, BD_CAP_ERROR, BD_CAP_ERROR_INVALID,
                   _("<%s>: the latitude %g is outside −90 to 90. CAP writes “latitude,longitude” "
                     "(GeoJSON’s order is the reverse)."), element, point.lat);
      return FALSE;
    }
  if (point.lon < -180 || point.lon > 180)
    {
      g_set_error (error, BD_CAP_ERROR, BD_CAP_ERROR_INVALID,
                   _("<%s>: the longitude %g is outside −180 to 180."), element, point.lon);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_area (const BdCapArea  *area,
            guint            *n_shapes,
            GError          **error)
{
  if (!require (area->area_desc, "areaDesc", "area", error))
    return FALSE;
  *n_shapes += area->polygons->len + area->circles->len;
  if (*n_shapes > BD_CAP_MAX_SHAPES)
    {
      g_set_error (error, BD_CAP_ERROR, BD_CAP_ERROR_TOO_LARGE,
                   _("The alert has more than %d polygons and circles."), BD_CAP_MAX_SHAPES);
      return FALSE;
    }
  for (guint i = 0; i < area->polygons->len; i++)
    {
      GArray *ring = area->polygons->pdata[i];
      BdCapPoint first, last;

      if (ring->len < 4)
        {
          g_set_error (error, BD_CAP_ERROR, BD_CAP_ERROR_INVALID,
                       _("A <polygon> of “%s” has %u positions; it needs at least 4, the first "
                         "repeated at the end."), area->area_desc, ring->len);
          return FALSE;
        }
      for (guint j = 0; j < ring->len; j++)
        if (!check_point (g_array_index (ring, BdCapPoint, j), "polygon", error))
          return FALSE;
      first = g_array_index (ring, BdCapPoint, 0);
      last = g_array_index (ring, BdCapPoint, ring->len - 1);
      if (first.lat != last.lat || first.lon != last.lon)
        {
          g_set_error (error, BD_CAP_ERROR, BD_CAP_ERROR_INVALID,
                       _("A <polygon> of “%s” is not closed: its last position must repeat its "
                         "first."), area->area_desc);
          return FALSE;
        }
    }
  for (guint i = 0; i < area->circles->len; i++)
    {
      BdCapCircle *circle = &g_array_index (area->circles, BdCapCircle, i);

      if (!check_point (circle->center, "circle", error))
        return FALSE;
      if (circle->radius_km < 0 || circle->radius_km > 20000)
        {
          g_set_error (error, BD_CAP_ERROR, BD_CAP_ERROR_INVALID,
                       _("A <circle> of “%s” has the radius %g km; it must be 0 to 20,000."),
                       area->area_desc, circle->radius_km);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
check_info (const BdCapInfo  *info,
            guint            *n_shapes,
            GError          **error)
{
  if (info->categories == NULL || info->categories[0] == NULL)
    {
      g_set_error (error, BD_CAP_ERROR, BD_CAP_ERROR_INVALID,
                   _("<%s> lacks <%s>, which CAP 1.2 requires."), "info", "category");
      return FALSE;
    }
  for (guint i = 0; info->categories[i] != NULL; i++)
    if (!check_enum (info->categories[i], categories, "category", error))
      return FALSE;
  for (guint i = 0; info->response_types != NULL && info->response_types[i] != NULL; i++)
    if (!check_enum (info->response_types[i], response_types, "responseType", error))
      return FALSE;
  if (!require (info->event, "event", "info", error) ||
      !require (info->urgency, "urgency", "info", error) ||
      !require (info->severity, "severity", "info", error) ||
      !require (info->certainty, "certainty", "info", error) ||
      !check_enum (info->urgency, urgencies, "urgency", error) ||
      !check_enum (info->severity, severities, "severity", error) ||
      !check_enum (info->certainty, certainties, "certainty", error) ||
      !check_time (info->effective, "effective", error) ||
      !check_time (info->onset, "onset", error) ||
      !check_time (info->expires, "expires", error))
    return FALSE;
  for (guint i = 0; i < info->areas->len; i++)
    if (!check_area (info->areas->pdata[i], n_shapes, error))
      return FALSE;
  return TRUE;
}

gboolean
bd_cap_alert_validate (const BdCapAlert  *alert,
                       GError           **error)
{
  g_autoptr(GPtrArray) references = NULL;
  guint n_shapes = 0;

  g_return_val_if_fail (alert != NULL, FALSE);

  if (!require (alert->identifier, "identifier", "alert", error) ||
      !require (alert->sender, "sender", "alert", error) ||
      !require (alert->sent, "sent", "alert", error) ||
      !require (alert->status, "status", "alert", error) ||
      !require (alert->msg_type, "msgType", "alert", error) ||
      !require (alert->scope, "scope", "alert", error) ||
      !check_token (alert->identifier, "identifier", error) ||
      !check_token (alert->sender, "sender", error) ||
      !check_time (alert->sent, "sent", error) ||
      !check_enum (alert->status, statuses, "status", error) ||
      !check_enum (alert->msg_type, msg_types, "msgType", error) ||
      !check_enum (alert->scope, scopes, "scope", error))
    return FALSE;
  if (strcmp (alert->scope, "Restricted") == 0 &&
      !require (alert->restriction, "restriction", "alert", error))
    return FALSE;
  if (strcmp (alert->scope, "Private") == 0 &&
      !require (alert->addresses, "addresses", "alert", error))
    return FALSE;

  references = bd_cap_alert_get_references (alert, error);
  if (references == NULL)
    return FALSE;
  if ((strcmp (alert->msg_type, "Update") == 0 || strcmp (alert->msg_type, "Cancel") == 0) &&
      references->len == 0)
    {
      g_set_error (error, BD_CAP_ERROR, BD_CAP_ERROR_INVALID,
                   _("A CAP %s must name the alert it replaces in <references>."), alert->msg_type);
      return FALSE;
    }

  for (guint i = 0; i < alert->infos->len; i++)
    if (!check_info (alert->infos->pdata[i], &n_shapes, error))
      return FALSE;
  return TRUE;
}

/* References and threads */

GPtrArray *
bd_cap_alert_get_references (const BdCapAlert  *alert,
                             GError           **error)
{
  g_autoptr(GPtrArray) result =
    g_ptr_array_new_with_free_func ((GDestroyNotify) bd_cap_reference_free);
  g_auto(GStrv) words = NULL;

  if (alert->references == NULL)
    return g_steal_pointer (&result);
  words = g_strsplit_set (alert->references, " \t\r\n", 0);
  for (guint i = 0; words[i] != NULL; i++)
    {
      g_auto(GStrv) parts = NULL;
      g_autoptr(GDateTime) sent = NULL;
      BdCapReference *reference;

      if (words[i][0] == '\0')
        continue;
      parts = g_strsplit (words[i], ",", 4);
      if (g_strv_length (parts) != 3 || parts[0][0] == '\0' || parts[1][0] == '\0' ||
          (sent = bd_parse_timestamp (parts[2])) == NULL)
        {
          g_set_error (error, BD_CAP_ERROR, BD_CAP_ERROR_INVALID,
                       _("<references>: “%.80s” is not “sender,identifier,sent”."), words[i]);
          return NULL;
        }
      if (result->len >= 256)
        {
          g_set_error_literal (error, BD_CAP_ERROR, BD_CAP_ERROR_TOO_LARGE,
                               _("<references> names more than 256 alerts."));
          return NULL;
        }
      reference = g_new0 (BdCapReference, 1);
      reference->sender = g_strdup (parts[0]);
      reference->identifier = g_strdup (parts[1]);
      reference->sent = g_strdup (parts[2]);
      g_ptr_array_add (result, reference);
    }
  return g_steal_pointer (&result);
}

gboolean
bd_cap_reference_equal (const BdCapReference *a,
                        const BdCapReference *b)
{
  g_autoptr(GDateTime) ta = NULL;
  g_autoptr(GDateTime) tb = NULL;

  if (g_strcmp0 (a->sender, b->sender) != 0 || g_strcmp0 (a->identifier, b->identifier) != 0)
    return FALSE;
  if (g_strcmp0 (a->sent, b->sent) == 0)
    return TRUE;
  ta = a->sent ? bd_parse_timestamp (a->sent) : NULL;
  tb = b->sent ? bd_parse_timestamp (b->sent) : NULL;
  return ta != NULL && tb != NULL && g_date_time_equal (ta, tb);
}

char *
bd_cap_thread_id (const char *sender,
                  const char *identifier)
{
  g_autofree char *key = g_strconcat (sender, "|", identifier, NULL);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);

  return g_strdup_printf ("cap-%.32s", hash);
}
