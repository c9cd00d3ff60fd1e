/* bd-cap-write.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* CAP 1.2 out: the city's own evacuation information (`areas` of kind
 * evacuation) and shelter openings (`shelters`) as CAP alerts, and any
 * BdCapAlert as XML with libxml2's xmlTextWriter. */

#define G_LOG_DOMAIN "bd-cap"

#include "config.h"

#include "bd-cap.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <libxml/xmlwriter.h>

#include "bd-catalog.h"
#include "bd-time.h"

/* The writer */

static void
write_text (xmlTextWriterPtr  w,
            const char       *name,
            const char       *value)
{
  if (value != NULL)
    xmlTextWriterWriteElement (w, BAD_CAST name, BAD_CAST value);
}

static void
write_values (xmlTextWriterPtr  w,
              const char       *element,
              GPtrArray        *values)
{
  for (guint i = 0; i < values->len; i++)
    {
      BdCapValue *v = values->pdata[i];

      xmlTextWriterStartElement (w, BAD_CAST element);
      write_text (w, "valueName", v->name);
      write_text (w, "value", v->value);
      xmlTextWriterEndElement (w);
    }
}

static void
append_point (GString    *text,
              BdCapPoint  p)
{
  char lat[G_ASCII_DTOSTR_BUF_SIZE], lon[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (text, "%s,%s",
                          g_ascii_formatd (lat, sizeof lat, "%.10g", p.lat),
                          g_ascii_formatd (lon, sizeof lon, "%.10g", p.lon));
}

static void
write_area (xmlTextWriterPtr  w,
            const BdCapArea  *area)
{
  xmlTextWriterStartElement (w, BAD_CAST "area");
  write_text (w, "areaDesc", area->area_desc);
  for (guint i = 0; i < area->polygons->len; i++)
    {
      GArray *ring = area->polygons->pdata[i];
      g_autoptr(GString) text = g_string_new (NULL);

      for (guint j = 0; j < ring->len; j++)
        {
          if (j > 0)
            g_string_append_c (text, ' ');
          append_point (text, g_array_index (ring, BdCapPoint, j));
        }
      write_text (w, "polygon", text->str);
    }
  for (guint i = 0; i < area->circles->len; i++)
    {
      BdCapCircle *c = &g_array_index (area->circles, BdCapCircle, i);
      g_autoptr(GString) text = g_string_new (NULL);
      char radius[G_ASCII_DTOSTR_BUF_SIZE];

      append_point (text, c->center);
      g_string_append_printf (text, " %s", g_ascii_formatd (radius, sizeof radius, "%.6g",
                                                            c->radius_km));
      write_text (w, "circle", text->str);
    }
  write_values (w, "geocode", area->geocodes);
  xmlTextWriterEndElement (w);
}

static void
write_info (xmlTextWriterPtr  w,
            const BdCapInfo  *info)
{
  xmlTextWriterStartElement (w, BAD_CAST "info");
  write_text (w, "language", info->language);
  for (guint i = 0; info->categories != NULL && info->categories[i] != NULL; i++)
    write_text (w, "category", info->categories[i]);
  write_text (w, "event", info->event);
  for (guint i = 0; info->response_types != NULL && info->response_types[i] != NULL; i++)
    write_text (w, "responseType", info->response_types[i]);
  write_text (w, "urgency", info->urgency);
  write_text (w, "severity", info->severity);
  write_text (w, "certainty", info->certainty);
  write_values (w, "eventCode", info->event_codes);
  write_text (w, "effective", info->effective);
  write_text (w, "onset", info->onset);
  write_text (w, "expires", info->expires);
  write_text (w, "senderName", info->sender_name);
  write_text (w, "headline", info->headline);
  write_text (w, "description", info->description);
  write_text (w, "instruction", info->instruction);
  write_text (w, "web", info->web);
  write_text (w, "contact", info->contact);
  write_values (w, "parameter", info->parameters);
  for (guint i = 0; i < info->areas->len; i++)
    write_area (w, info->areas->pdata[i]);
  xmlTextWriterEndElement (w);
}

char *
bd_cap_alert_write (const BdCapAlert *alert,
                    gsize            *length)
{
  xmlBufferPtr buffer = xmlBufferCreate ();
  xmlTextWriterPtr w = xmlNewTextWriterMemory (buffer, 0);
  char *result;

  xmlTextWriterSetIndent (w, 1);
  xmlTextWriterSetIndentString (w, BAD_CAST "  ");
  xmlTextWriterStartDocument (w, NULL, "UTF-8", NULL);
  xmlTextWriterStartElementNS (w, NULL, BAD_CAST "alert", BAD_CAST BD_CAP_NAMESPACE);
  write_text (w, "identifier", alert->identifier);
  write_text (w, "sender", alert->sender);
  write_text (w, "sent", alert->sent);
  write_text (w, "status", alert->status);
  write_text (w, "msgType", alert->msg_type);
  write_text (w, "source", alert->source);
  write_text (w, "scope", alert->scope);
  write_text (w, "restriction", alert->restriction);
  write_text (w, "addresses", alert->addresses);
  write_text (w, "note", alert->note);
  write_text (w, "references", alert->references);
  write_text (w, "incidents", alert->incidents);
  for (guint i = 0; i < alert->infos->len; i++)
    write_info (w, alert->infos->pdata[i]);
  xmlTextWriterEndElement (w);
  xmlTextWriterEndDocument (w);
  xmlFreeTextWriter (w);

  result = g_strndup ((const char *) xmlBufferContent (buffer), xmlBufferLength (buffer));
  if (length != NULL)
    *length = (gsize) xmlBufferLength (buffer);
  xmlBufferFree (buffer);
  return result;
}

/* The city's features as CAP */

static JsonObject *
properties_of (JsonNode *feature)
{
  JsonNode *props;

  if (feature == NULL || !JSON_NODE_HOLDS_OBJECT (feature))
    return NULL;
  props = json_object_get_member (json_node_get_object (feature), "properties");
  return props != NULL && JSON_NODE_HOLDS_OBJECT (props) ? json_node_get_object (props) : NULL;
}

/* Lenient readers: the shelters and areas are written by other tools. */
static const char *
get_string (JsonObject *props,
            const char *name)
{
  JsonNode *node = json_object_get_member (props, name);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node)[0] != '\0' ? json_node_get_string (node) : NULL;
}

static gboolean
get_int (JsonObject *props,
         const char *name,
         gint64     *value)
{
  JsonNode *node = json_object_get_member (props, name);
  guint64 parsed;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      *value = json_node_get_int (node);
      return TRUE;
    case G_TYPE_DOUBLE:
      {
        double d = json_node_get_double (node);

        if (!isfinite (d) || d != floor (d) || fabs (d) > 1e15)
          return FALSE;
        *value = (gint64) d;
        return TRUE;
      }
    case G_TYPE_STRING:
      if (!g_ascii_string_to_unsigned (json_node_get_string (node), 10, 0, G_MAXINT32,
                                       &parsed, NULL))
        return FALSE;
      *value = (gint64) parsed;
      return TRUE;
    default:
      return FALSE;
    }
}

/* A CAP time: the instant in Japan time, to the second, with "+09:00"
 * (CAP 1.2 does not allow "Z"). */
static char *
cap_time (GDateTime *when)
{
  g_autoptr(GTimeZone) jst = g_time_zone_new_offset (9 * 3600);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (when, jst);

  return g_date_time_format (local, "%Y-%m-%dT%H:%M:%S+09:00");
}

static char *
cap_time_of (const char *rfc3339)
{
  g_autoptr(GDateTime) when = rfc3339 ? bd_parse_timestamp (rfc3339) : NULL;

  return when ? cap_time (when) : NULL;
}

static char *
cap_time_usec (gint64 usec)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  return when ? cap_time (when) : NULL;
}

/* The ward (or city) code of the feature: "ward" when it names one. */
static const char *
ward_code (JsonObject *props)
{
  const BdWard *ward = bd_catalog_lookup_ward (get_string (props, "ward"));

  return ward != NULL ? ward->code : BD_CITY_CODE;
}

static const char *
feature_name (JsonObject *props)
{
  static const char * const names[] = { "name", "title", "area_name", "name_ja", NULL };
  const BdWard *ward;

  for (guint i = 0; names[i] != NULL; i++)
    if (get_string (props, names[i]) != NULL)
      return get_string (props, names[i]);
  ward = bd_catalog_lookup_ward (get_string (props, "ward"));
  return ward != NULL ? ward->name_ja : bd_catalog_get_city ()->name_ja;
}

static gboolean
read_position (JsonNode   *node,
               BdCapPoint *point)
{
  JsonArray *array;
  JsonNode *x, *y;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  array = json_node_get_array (node);
  if (json_array_get_length (array) < 2)
    return FALSE;
  x = json_array_get_element (array, 0);
  y = json_array_get_element (array, 1);
  if (!JSON_NODE_HOLDS_VALUE (x) || !JSON_NODE_HOLDS_VALUE (y) ||
      (json_node_get_value_type (x) != G_TYPE_DOUBLE &&
       json_node_get_value_type (x) != G_TYPE_INT64) ||
      (json_node_get_value_type (y) != G_TYPE_DOUBLE &&
       json_node_get_value_type (y) != G_TYPE_INT64))
    return FALSE;
  /* GeoJSON [lon, lat] → CAP lat,lon */
  point->lon = json_node_get_double (x);
  point->lat = json_node_get_double (y);
  return isfinite (point->lat) && isfinite (point->lon) &&
         fabs (point->lat) <= 90 && fabs (point->lon) <= 180;
}

/* The exterior ring of a GeoJSON polygon (an array of rings), closed. */
static GArray *
read_exterior_ring (JsonNode *polygon)
{
  g_autoptr(GArray) ring = g_array_new (FALSE, TRUE, sizeof (BdCapPoint));
  JsonArray *rings, *positions;
  BdCapPoint first, last;

  if (polygon == NULL || !JSON_NODE_HOLDS_ARRAY (polygon))
    return NULL;
  rings = json_node_get_array (polygon);
  if (json_array_get_length (rings) < 1 ||
      !JSON_NODE_HOLDS_ARRAY (json_array_get_element (rings, 0)))
    return NULL;
  positions = json_node_get_array (json_array_get_element (rings, 0));
  if (json_array_get_length (positions) >= BD_CAP_MAX_POINTS)
    return NULL;
  for (guint i = 0; i < json_array_get_length (positions); i++)
    {
      BdCapPoint p;

      if (!read_position (json_array_get_element (positions, i), &p))
        return NULL;
      g_array_append_val (ring, p);
    }
  if (ring->len < 3)
    return NULL;
  first = g_array_index (ring, BdCapPoint, 0);
  last = g_array_index (ring, BdCapPoint, ring->len - 1);
  if (first.lat != last.lat || first.lon != last.lon)
    g_array_append_val (ring, first);
  if (ring->len < 4)
    return NULL;
  return g_steal_pointer (&ring);
}

/* The feature's geometry into @area: polygons (exterior rings) or a point
 * (a circle of radius 0). */
static void
add_geometry (BdCapArea *area,
              JsonNode  *feature)
{
  JsonNode *geometry = json_object_get_member (json_node_get_object (feature), "geometry");
  JsonObject *object;
  const char *type;
  JsonNode *coordinates;

  if (geometry == NULL || !JSON_NODE_HOLDS_OBJECT (geometry))
    return;
  object = json_node_get_object (geometry);
  type = json_object_get_string_member_with_default (object, "type", "");
  coordinates = json_object_get_member (object, "coordinates");
  if (g_strcmp0 (type, "Point") == 0)
    {
      BdCapCircle circle = { { 0, 0 }, 0 };

      if (read_position (coordinates, &circle.center))
        g_array_append_val (area->circles, circle);
    }
  else if (g_strcmp0 (type, "Polygon") == 0)
    {
      GArray *ring = read_exterior_ring (coordinates);

      if (ring != NULL)
        g_ptr_array_add (area->polygons, ring);
    }
  else if (g_strcmp0 (type, "MultiPolygon") == 0 && coordinates != NULL &&
           JSON_NODE_HOLDS_ARRAY (coordinates))
    {
      JsonArray *polygons = json_node_get_array (coordinates);

      guint n_points = 0;

      /* within what bd_cap_parse reads back */
      for (guint i = 0; i < json_array_get_length (polygons) && i < BD_CAP_MAX_SHAPES; i++)
        {
          GArray *ring = read_exterior_ring (json_array_get_element (polygons, i));

          if (ring == NULL)
            continue;
          if (n_points + ring->len > BD_CAP_MAX_POINTS)
            {
              g_array_unref (ring);
              break;
            }
          n_points += ring->len;
          g_ptr_array_add (area->polygons, ring);
        }
    }
}

static GStrv
strv_of (const char *first,
         ...)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const char *item;
  va_list args;

  va_start (args, first);
  for (item = first; item != NULL; item = va_arg (args, const char *))
    g_strv_builder_add (builder, item);
  va_end (args);
  return g_strv_builder_end (builder);
}

static const struct
{
  int         level;
  const char *event;
  const char *action;     /* the guideline's words for the level */
  const char *urgency;
  const char *severity;
  const char *certainty;
  const char *response;
} evacuation_levels[] = {
  { 3, "高齢者等避難", "危険な場所から高齢者等は避難", "Expected", "Moderate", "Likely", "Evacuate" },
  { 4, "避難指示", "危険な場所から全員避難", "Immediate", "Severe", "Likely", "Evacuate" },
  { 5, "緊急安全確保", "命の危険 直ちに安全確保", "Immediate", "Extreme", "Observed", "Shelter" },
};

static const char *
crowding_label (const char *crowding)
{
  static const char * const labels[][2] = {
    { "vacant", "空き" }, { "crowded", "混雑" }, { "full", "定員一杯" }, { "unknown", "不明" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (crowding, labels[i][0]) == 0)
      return labels[i][1];
  return NULL;
}

BdCapAlert *
bd_cap_alert_from_city_feature (const char  *collection,
                                JsonNode    *feature,
                                gint64       rev,
                                gint64       written_usec,
                                GError     **error)
{
  g_autoptr(BdCapAlert) alert = bd_cap_alert_new ();
  g_autoptr(BdCapInfo) info = bd_cap_info_new ();
  g_autoptr(BdCapArea) area = bd_cap_area_new ();
  JsonObject *props = properties_of (feature);
  const char *id;
  const char *name;
  g_autofree char *start = NULL;       /* the thread's first message's sent */
  g_autofree char *written = cap_time_usec (written_usec);
  gboolean ended;
  char level_text[16];

  if (props == NULL || !JSON_NODE_HOLDS_OBJECT (feature) ||
      (id = json_object_get_string_member_with_default (json_node_get_object (feature),
                                                        "id", NULL)) == NULL)
    {
      g_set_error_literal (error, BD_CAP_ERROR, BD_CAP_ERROR_UNSUPPORTED,
                           _("The feature has no id or properties."));
      return NULL;
    }
  name = feature_name (props);

  if (g_strcmp0 (collection, "areas") == 0)
    {
      gint64 level = 0;
      guint k;

      if (g_strcmp0 (get_string (props, "kind"), "evacuation") != 0)
        {
          g_set_error_literal (error, BD_CAP_ERROR, BD_CAP_ERROR_UNSUPPORTED,
                               _("Only areas of kind “evacuation” are published as CAP."));
          return NULL;
        }
      get_int (props, "level", &level);
      for (k = 0; k < G_N_ELEMENTS (evacuation_levels); k++)
        if (evacuation_levels[k].level == level)
          break;
      if (k == G_N_ELEMENTS (evacuation_levels))
        {
          g_set_error (error, BD_CAP_ERROR, BD_CAP_ERROR_UNSUPPORTED,
                       _("The evacuation area %s has no level 3, 4 or 5."), id);
          return NULL;
        }
      ended = get_string (props, "lifted_at") != NULL;
      start = cap_time_of (get_string (props, "issued_at"));

      info->event = g_strdup (evacuation_levels[k].event);
      g_snprintf (level_text, sizeof level_text, "%d", (int) level);
      if (ended)
        {
          info->headline = g_strdup_printf ("%sの%s（警戒レベル%d）を解除", name,
                                            evacuation_levels[k].event, (int) level);
          info->response_types = strv_of ("AllClear", NULL);
          info->urgency = g_strdup ("Past");
          info->severity = g_strdup ("Minor");
          info->certainty = g_strdup ("Observed");
          info->effective = cap_time_of (get_string (props, "lifted_at"));
        }
      else
        {
          info->headline = g_strdup_printf ("%sに%s（警戒レベル%d）", name,
                                            evacuation_levels[k].event, (int) level);
          info->instruction = g_strdup_printf ("警戒レベル%d %s：%s。", (int) level,
                                               evacuation_levels[k].event,
                                               evacuation_levels[k].action);
          info->response_types = strv_of (evacuation_levels[k].response, NULL);
          info->urgency = g_strdup (evacuation_levels[k].urgency);
          info->severity = g_strdup (evacuation_levels[k].severity);
          info->certainty = g_strdup (evacuation_levels[k].certainty);
          info->effective = g_strdup (start);
        }
      g_ptr_array_add (info->parameters, bd_cap_value_new ("警戒レベル", level_text));
    }
  else if (g_strcmp0 (collection, "shelters") == 0)
    {
      const char *state = get_string (props, "state");
      const char *crowding = crowding_label (get_string (props, "crowding"));
      g_autoptr(GString) description = g_string_new (NULL);
      gint64 count;

      if (g_strcmp0 (state, "open") != 0 && g_strcmp0 (state, "closed") != 0)
        {
          g_set_error (error, BD_CAP_ERROR, BD_CAP_ERROR_UNSUPPORTED,
                       _("The shelter %s is neither open nor closed."), id);
          return NULL;
        }
      ended = g_strcmp0 (state, "closed") == 0;
      start = cap_time_of (get_string (props, "opened_at"));
      info->event = g_strdup ("避難所開設");
      info->headline = g_strdup_printf (ended ? "%sを閉鎖" : "%sを開設", name);
      info->urgency = g_strdup (ended ? "Past" : "Expected");
      info->severity = g_strdup ("Minor");
      info->certainty = g_strdup ("Observed");
      if (ended)
        info->response_types = strv_of ("AllClear", NULL);
      if (get_string (props, "address") != NULL)
        g_string_append_printf (description, "所在地：%s\n", get_string (props, "address"));
      if (get_int (props, "evacuees", &count))
        g_string_append_printf (description, "避難者数：%" G_GINT64_FORMAT "人\n", count);
      if (get_int (props, "capacity", &count))
        g_string_append_printf (description, "収容人数：%" G_GINT64_FORMAT "人\n", count);
      if (crowding != NULL)
        g_string_append_printf (description, "混雑状況：%s\n", crowding);
      if (description->len > 0)
        {
          g_string_truncate (description, description->len - 1);
          info->description = g_string_free (g_steal_pointer (&description), FALSE);
        }
    }
  else
    {
      g_set_error (error, BD_CAP_ERROR, BD_CAP_ERROR_UNSUPPORTED,
                   _("The collection %s is not published as CAP."), collection);
      return NULL;
    }

  alert->identifier = g_strdup_printf ("urn:bosai-desk:%s:%s:%" G_GINT64_FORMAT,
                                       collection, id, rev);
  alert->sender = g_strdup (BD_CAP_CITY_SENDER);
  alert->status = g_strdup ("Actual");
  alert->scope = g_strdup ("Public");
  /* The thread's first message (revision 1) is sent at the start (issued_at,
   * opened_at) when the feature names one; a later one refers to it. With
   * no start, no earlier message can be named: each revision is an Alert
   * of its own (a lifted or closed one says AllClear). */
  if (start == NULL || (rev <= 1 && !ended))
    alert->msg_type = g_strdup ("Alert");
  else
    alert->msg_type = g_strdup (ended ? "Cancel" : "Update");
  alert->sent = g_strdup (rev <= 1 && start != NULL ? start : written);
  if (strcmp (alert->msg_type, "Alert") != 0)
    alert->references = g_strdup_printf ("%s,urn:bosai-desk:%s:%s:1,%s", BD_CAP_CITY_SENDER,
                                         collection, id, start);

  info->language = g_strdup ("ja-JP");
  info->categories = strv_of ("Safety", NULL);
  info->sender_name = g_strdup (bd_catalog_get_city ()->name_ja);
  if (info->description == NULL && get_string (props, "description") != NULL)
    info->description = g_strdup (get_string (props, "description"));

  area->area_desc = g_strdup (name);
  add_geometry (area, feature);
  g_ptr_array_add (area->geocodes, bd_cap_value_new (BD_CAP_GEOCODE_NAME, ward_code (props)));
  g_ptr_array_add (info->areas, g_steal_pointer (&area));
  g_ptr_array_add (alert->infos, g_steal_pointer (&info));

  if (!bd_cap_alert_validate (alert, error))
    return NULL;
  return g_steal_pointer (&alert);
}
