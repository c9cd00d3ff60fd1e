/* bd-cap-feature.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* CAP alerts and the `alerts` collection's features (the convention of
 * ALERTS.md): whether an alert's areas are in Osaka City, an alert as a
 * feature, a Cancel applied to a feature, the messages of a thread. */

#define G_LOG_DOMAIN "bd-cap"

#include "config.h"

#include "bd-cap.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "bd-catalog.h"
#include "bd-time.h"

#define EARTH_RADIUS_KM     6371.0088
#define MIN_CIRCLE_KM       0.01
#define MAX_THREAD_MESSAGES 100

/* Areas in the city */

/* The 6-digit code of the city or ward @value names (271004, 27100, 271276,
 * 27127), or NULL. */
static const char *
city_code (const char *value)
{
  const BdWard *ward;
  const BdWard *wards;
  guint n;

  if (value == NULL)
    return NULL;
  ward = bd_catalog_lookup_ward (value);
  if (ward != NULL)
    return ward->code;
  if (strlen (value) != 5)
    return NULL;
  if (g_strcmp0 (bd_catalog_get_city ()->code5, value) == 0)
    return bd_catalog_get_city ()->code;
  wards = bd_catalog_get_wards (&n);
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (wards[i].code5, value) == 0)
      return wards[i].code;
  return NULL;
}

static gboolean
in_box (double lat,
        double lon)
{
  return bd_catalog_point_in_city (lat, lon);
}

static double
cross (double ax, double ay, double bx, double by, double cx, double cy)
{
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

static gboolean
segments_cross (double ax, double ay, double bx, double by,
                double cx, double cy, double dx, double dy)
{
  double d1 = cross (cx, cy, dx, dy, ax, ay);
  double d2 = cross (cx, cy, dx, dy, bx, by);
  double d3 = cross (ax, ay, bx, by, cx, cy);
  double d4 = cross (ax, ay, bx, by, dx, dy);

  return ((d1 > 0) != (d2 > 0)) && ((d3 > 0) != (d4 > 0));
}

static gboolean
ring_contains (GArray *ring,
               double  lat,
               double  lon)
{
  gboolean inside = FALSE;

  for (guint i = 0, j = ring->len - 1; i < ring->len; j = i++)
    {
      BdCapPoint a = g_array_index (ring, BdCapPoint, i);
      BdCapPoint b = g_array_index (ring, BdCapPoint, j);

      if (((a.lat > lat) != (b.lat > lat)) &&
          (lon < (b.lon - a.lon) * (lat - a.lat) / (b.lat - a.lat) + a.lon))
        inside = !inside;
    }
  return inside;
}

/* Does the ring (lat, lon) meet the city's bounding box? */
static gboolean
ring_meets_city (GArray *ring)
{
  const double box[4][2] = {
    { BD_CITY_MIN_LAT, BD_CITY_MIN_LON }, { BD_CITY_MIN_LAT, BD_CITY_MAX_LON },
    { BD_CITY_MAX_LAT, BD_CITY_MAX_LON }, { BD_CITY_MAX_LAT, BD_CITY_MIN_LON },
  };

  if (ring->len == 0)
    return FALSE;
  for (guint i = 0; i < ring->len; i++)
    {
      BdCapPoint p = g_array_index (ring, BdCapPoint, i);

      if (in_box (p.lat, p.lon))
        return TRUE;
    }
  for (guint k = 0; k < 4; k++)
    if (ring_contains (ring, box[k][0], box[k][1]))
      return TRUE;
  for (guint i = 0; i + 1 < ring->len; i++)
    {
      BdCapPoint a = g_array_index (ring, BdCapPoint, i);
      BdCapPoint b = g_array_index (ring, BdCapPoint, i + 1);

      for (guint k = 0; k < 4; k++)
        if (segments_cross (a.lon, a.lat, b.lon, b.lat,
                            box[k][1], box[k][0], box[(k + 1) % 4][1], box[(k + 1) % 4][0]))
          return TRUE;
    }
  return FALSE;
}

GArray *
bd_cap_circle_to_ring (const BdCapCircle *circle)
{
  GArray *ring = g_array_sized_new (FALSE, TRUE, sizeof (BdCapPoint), BD_CAP_CIRCLE_SIDES + 1);
  double radius = MAX (circle->radius_km, MIN_CIRCLE_KM) / EARTH_RADIUS_KM;
  double lat1 = circle->center.lat * G_PI / 180;
  double lon1 = circle->center.lon * G_PI / 180;

  /* destination points on a sphere, counter-clockwise from east */
  for (guint i = 0; i <= BD_CAP_CIRCLE_SIDES; i++)
    {
      double bearing = G_PI / 2 - 2 * G_PI * (i % BD_CAP_CIRCLE_SIDES) / BD_CAP_CIRCLE_SIDES;
      double lat2 = asin (sin (lat1) * cos (radius) + cos (lat1) * sin (radius) * cos (bearing));
      double lon2 = lon1 + atan2 (sin (bearing) * sin (radius) * cos (lat1),
                                  cos (radius) - sin (lat1) * sin (lat2));
      BdCapPoint p;

      p.lat = CLAMP (lat2 * 180 / G_PI, -90, 90);
      p.lon = fmod (lon2 * 180 / G_PI + 540, 360) - 180;
      g_array_append_val (ring, p);
    }
  return ring;
}

static gboolean
area_in_city (const BdCapArea *area)
{
  for (guint i = 0; i < area->geocodes->len; i++)
    {
      BdCapValue *code = area->geocodes->pdata[i];

      if (city_code (code->value) != NULL)
        return TRUE;
    }
  for (guint i = 0; i < area->polygons->len; i++)
    if (ring_meets_city (area->polygons->pdata[i]))
      return TRUE;
  for (guint i = 0; i < area->circles->len; i++)
    {
      g_autoptr(GArray) ring =
        bd_cap_circle_to_ring (&g_array_index (area->circles, BdCapCircle, i));
      const BdCapCircle *circle = &g_array_index (area->circles, BdCapCircle, i);

      if (in_box (circle->center.lat, circle->center.lon) || ring_meets_city (ring))
        return TRUE;
    }
  return FALSE;
}

static gboolean
info_in_city (const BdCapInfo *info)
{
  for (guint i = 0; i < info->areas->len; i++)
    if (area_in_city (info->areas->pdata[i]))
      return TRUE;
  return FALSE;
}

gboolean
bd_cap_alert_in_city (const BdCapAlert *alert)
{
  for (guint i = 0; i < alert->infos->len; i++)
    if (info_in_city (alert->infos->pdata[i]))
      return TRUE;
  return FALSE;
}

/* The alert as a feature */

/* The info to show: one with an area in the city, Japanese first. */
static const BdCapInfo *
pick_info (const BdCapAlert *alert)
{
  const BdCapInfo *first = NULL;

  for (guint i = 0; i < alert->infos->len; i++)
    {
      const BdCapInfo *info = alert->infos->pdata[i];

      if (!info_in_city (info))
        continue;
      if (info->language != NULL && g_ascii_strncasecmp (info->language, "ja", 2) == 0)
        return info;
      if (first == NULL)
        first = info;
    }
  return first;
}

static void
add_ring (JsonBuilder *builder,
          GArray      *ring)
{
  double area = 0;
  gboolean reverse;

  /* RFC 7946: exterior rings counter-clockwise */
  for (guint i = 0; i + 1 < ring->len; i++)
    {
      BdCapPoint a = g_array_index (ring, BdCapPoint, i);
      BdCapPoint b = g_array_index (ring, BdCapPoint, i + 1);

      area += a.lon * b.lat - b.lon * a.lat;
    }
  reverse = area < 0;

  json_builder_begin_array (builder);   /* the polygon */
  json_builder_begin_array (builder);   /* its one ring */
  for (guint k = 0; k < ring->len; k++)
    {
      BdCapPoint p = g_array_index (ring, BdCapPoint, reverse ? ring->len - 1 - k : k);

      json_builder_begin_array (builder);
      json_builder_add_double_value (builder, p.lon);
      json_builder_add_double_value (builder, p.lat);
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_array (builder);
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static char *
normal_time (const char *text)
{
  g_autoptr(GDateTime) when = text ? bd_parse_timestamp (text) : NULL;

  return when ? bd_format_timestamp (when) : NULL;
}

static const char *
category_of (const BdCapInfo *info)
{
  static const struct { const char *word; const char *category; } words[] = {
    { "津波", "tsunami" }, { "tsunami", "tsunami" },
    { "地震", "earthquake" }, { "震度", "earthquake" }, { "earthquake", "earthquake" },
    { "土砂", "landslide" }, { "landslide", "landslide" },
    { "洪水", "flood" }, { "氾濫", "flood" }, { "flood", "flood" },
    { "避難所", "shelter" }, { "shelter", "shelter" },
    { "避難", "evacuation" }, { "緊急安全確保", "evacuation" }, { "evacuat", "evacuation" },
  };
  g_autofree char *event = g_utf8_strdown (info->event, -1);

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    if (strstr (event, words[i].word) != NULL)
      return words[i].category;
  if (g_strv_contains ((const char * const *) info->categories, "Met"))
    return "met";
  return "other";
}

/* 警戒レベル from a parameter, or 0. */
static int
level_of (const BdCapInfo *info)
{
  static const char * const names[] = { "警戒レベル", "level", "AlertLevel", NULL };

  for (guint i = 0; i < info->parameters->len; i++)
    {
      BdCapValue *p = info->parameters->pdata[i];
      guint64 level;

      if (g_strv_contains (names, p->name) &&
          g_ascii_string_to_unsigned (p->value, 10, 1, 5, &level, NULL))
        return (int) level;
    }
  return 0;
}

static char *
message_key (const char *sender,
             const char *identifier,
             const char *sent)
{
  return g_strdup_printf ("%s,%s,%s", sender, identifier, sent);
}

JsonNode *
bd_cap_alert_to_feature (const BdCapAlert  *alert,
                         const char        *id,
                         GDateTime         *now,
                         GError           **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) rings = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  g_autoptr(GPtrArray) descs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) codes = g_ptr_array_new ();
  g_autofree char *area_desc = NULL;
  g_autofree char *sent = NULL;
  g_autofree char *effective = NULL;
  g_autofree char *expires = NULL;
  g_autofree char *updated = NULL;
  g_autofree char *status = NULL;
  g_autofree char *msg_type = NULL;
  g_autofree char *key = NULL;
  const BdCapInfo *info;
  int level;

  if (strcmp (alert->msg_type, "Cancel") == 0)
    {
      g_set_error_literal (error, BD_CAP_ERROR, BD_CAP_ERROR_UNSUPPORTED,
                           _("A CAP Cancel is not an alert of its own: it ends the alert it "
                             "references."));
      return NULL;
    }
  if (strcmp (alert->msg_type, "Alert") != 0 && strcmp (alert->msg_type, "Update") != 0)
    {
      g_set_error (error, BD_CAP_ERROR, BD_CAP_ERROR_UNSUPPORTED,
                   _("A CAP %s message is not taken here; only Alert, Update and Cancel are."),
                   alert->msg_type);
      return NULL;
    }
  info = pick_info (alert);
  if (info == NULL)
    {
      g_set_error_literal (error, BD_CAP_ERROR, BD_CAP_ERROR_OUTSIDE,
                           _("None of the alert’s areas is in Osaka City: no geocode names the "
                             "city or a ward (271004, 27100, 271276 …) and no polygon or circle "
                             "reaches the city."));
      return NULL;
    }

  for (guint i = 0; i < info->areas->len; i++)
    {
      const BdCapArea *area = info->areas->pdata[i];

      if (!area_in_city (area))
        continue;
      g_ptr_array_add (descs, g_strdup (area->area_desc));
      for (guint j = 0; j < area->polygons->len; j++)
        g_ptr_array_add (rings, g_array_ref (area->polygons->pdata[j]));
      for (guint j = 0; j < area->circles->len; j++)
        g_ptr_array_add (rings, bd_cap_circle_to_ring (&g_array_index (area->circles,
                                                                       BdCapCircle, j)));
      for (guint j = 0; j < area->geocodes->len; j++)
        {
          const char *code = city_code (((BdCapValue *) area->geocodes->pdata[j])->value);

          if (code != NULL && !g_ptr_array_find_with_equal_func (codes, code, g_str_equal, NULL))
            g_ptr_array_add (codes, (gpointer) code);
        }
    }
  g_ptr_array_add (descs, NULL);
  area_desc = g_strjoinv ("、", (GStrv) descs->pdata);

  sent = normal_time (alert->sent);
  effective = normal_time (info->effective ? info->effective : alert->sent);
  expires = normal_time (info->expires);
  updated = bd_format_timestamp (now);
  status = g_ascii_strdown (alert->status, -1);
  msg_type = g_ascii_strdown (alert->msg_type, -1);
  key = message_key (alert->sender, alert->identifier, alert->sent);
  level = level_of (info);

  json_builder_begin_object (builder);
  add_string (builder, "type", "Feature");
  add_string (builder, "id", id);
  json_builder_set_member_name (builder, "geometry");
  if (rings->len == 0)
    json_builder_add_null_value (builder);
  else
    {
      json_builder_begin_object (builder);
      add_string (builder, "type", rings->len == 1 ? "Polygon" : "MultiPolygon");
      json_builder_set_member_name (builder, "coordinates");
      if (rings->len == 1)
        add_ring (builder, rings->pdata[0]);   /* [[ring]]: a Polygon's coordinates */
      else
        {
          json_builder_begin_array (builder);
          for (guint i = 0; i < rings->len; i++)
            add_ring (builder, rings->pdata[i]);
          json_builder_end_array (builder);
        }
      json_builder_end_object (builder);
    }

  json_builder_set_member_name (builder, "properties");
  json_builder_begin_object (builder);
  add_string (builder, "source", "cap");
  add_string (builder, "status", status);
  add_string (builder, "msg_type", msg_type);
  add_string (builder, "event", info->event);
  json_builder_set_member_name (builder, "event_code");
  if (info->event_codes->len > 0)
    json_builder_add_string_value (builder,
                                   ((BdCapValue *) info->event_codes->pdata[0])->value);
  else
    json_builder_add_null_value (builder);
  add_string (builder, "info_type", "CAP");
  add_string (builder, "category", category_of (info));
  json_builder_set_member_name (builder, "cap_categories");
  json_builder_begin_array (builder);
  for (guint i = 0; info->categories[i] != NULL; i++)
    json_builder_add_string_value (builder, info->categories[i]);
  json_builder_end_array (builder);
  add_string (builder, "severity", info->severity);
  add_string (builder, "urgency", info->urgency);
  add_string (builder, "certainty", info->certainty);
  if (level > 0)
    {
      json_builder_set_member_name (builder, "level");
      json_builder_add_int_value (builder, level);
    }
  add_string (builder, "language", info->language ? info->language : "en-US");
  add_string (builder, "headline", info->headline);
  add_string (builder, "description", info->description);
  add_string (builder, "instruction", info->instruction);
  add_string (builder, "sender_name", info->sender_name);
  add_string (builder, "web", info->web);
  add_string (builder, "area_desc", area_desc);
  json_builder_set_member_name (builder, "area_codes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < codes->len; i++)
    json_builder_add_string_value (builder, codes->pdata[i]);
  json_builder_end_array (builder);
  add_string (builder, "sent", sent);
  add_string (builder, "effective", effective);
  add_string (builder, "expires", expires);
  add_string (builder, "updated_at", updated);
  json_builder_set_member_name (builder, "active");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "cancelled");
  json_builder_add_boolean_value (builder, FALSE);
  add_string (builder, "sender", alert->sender);
  add_string (builder, "identifier", alert->identifier);
  json_builder_set_member_name (builder, "references");
  if (alert->references != NULL)
    json_builder_add_string_value (builder, alert->references);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "cap_messages");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, key);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* Threads */

static JsonArray *
messages_of (JsonNode *feature)
{
  JsonObject *object;
  JsonNode *props;
  JsonNode *messages;

  if (feature == NULL || !JSON_NODE_HOLDS_OBJECT (feature))
    return NULL;
  object = json_node_get_object (feature);
  props = json_object_get_member (object, "properties");
  if (props == NULL || !JSON_NODE_HOLDS_OBJECT (props))
    return NULL;
  messages = json_object_get_member (json_node_get_object (props), "cap_messages");
  if (messages == NULL || !JSON_NODE_HOLDS_ARRAY (messages))
    return NULL;
  return json_node_get_array (messages);
}

gboolean
bd_cap_feature_has_message (JsonNode             *feature,
                            const BdCapReference *reference)
{
  JsonArray *messages = messages_of (feature);

  if (messages == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonNode *element = json_array_get_element (messages, i);
      g_auto(GStrv) parts = NULL;
      BdCapReference known;

      if (json_node_get_value_type (element) != G_TYPE_STRING)
        continue;
      parts = g_strsplit (json_node_get_string (element), ",", 4);
      if (g_strv_length (parts) != 3)
        continue;
      known.sender = parts[0];
      known.identifier = parts[1];
      known.sent = parts[2];
      if (bd_cap_reference_equal (&known, reference))
        return TRUE;
    }
  return FALSE;
}

void
bd_cap_feature_carry_thread (JsonNode *feature,
                             JsonNode *previous)
{
  JsonArray *old = messages_of (previous);
  JsonArray *own = messages_of (feature);
  g_autoptr(JsonArray) joined = json_array_new ();
  guint n_old, n_own, skip;
  JsonObject *props;

  if (old == NULL || own == NULL)
    return;
  n_old = json_array_get_length (old);
  n_own = json_array_get_length (own);
  /* the newest MAX_THREAD_MESSAGES */
  skip = n_old + n_own > MAX_THREAD_MESSAGES ? n_old + n_own - MAX_THREAD_MESSAGES : 0;
  for (guint i = 0; i < n_old; i++)
    if (i >= skip)
      json_array_add_element (joined, json_node_copy (json_array_get_element (old, i)));
  for (guint i = 0; i < n_own; i++)
    if (n_old + i >= skip)
      json_array_add_element (joined, json_node_copy (json_array_get_element (own, i)));
  props = json_object_get_object_member (json_node_get_object (feature), "properties");
  json_object_set_array_member (props, "cap_messages", g_steal_pointer (&joined));
}

/* json_node_copy () shares objects and arrays: this copies them. */
static JsonNode *
deep_copy (JsonNode *node)
{
  JsonNode *copy;

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      JsonObject *new_object = json_object_new ();
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init (&iter, object);
      while (json_object_iter_next (&iter, &name, &member))
        json_object_set_member (new_object, name, deep_copy (member));
      copy = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (copy, new_object);
      return copy;
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      JsonArray *new_array = json_array_sized_new (json_array_get_length (array));

      for (guint i = 0; i < json_array_get_length (array); i++)
        json_array_add_element (new_array, deep_copy (json_array_get_element (array, i)));
      copy = json_node_new (JSON_NODE_ARRAY);
      json_node_take_array (copy, new_array);
      return copy;
    }
  return json_node_copy (node);
}

JsonNode *
bd_cap_feature_cancel (JsonNode         *current,
                       const BdCapAlert *alert,
                       GDateTime        *now)
{
  JsonNode *copy = deep_copy (current);
  JsonObject *object = json_node_get_object (copy);
  JsonObject *props;
  JsonArray *messages;
  g_autofree char *updated = bd_format_timestamp (now);
  g_autofree char *sent = normal_time (alert->sent);
  g_autofree char *key = message_key (alert->sender, alert->identifier, alert->sent);

  if (!json_object_has_member (object, "properties") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "properties")))
    json_object_set_object_member (object, "properties", json_object_new ());
  props = json_object_get_object_member (object, "properties");
  json_object_set_boolean_member (props, "active", FALSE);
  json_object_set_boolean_member (props, "cancelled", TRUE);
  json_object_set_string_member (props, "msg_type", "cancel");
  json_object_set_string_member (props, "sender", alert->sender);
  json_object_set_string_member (props, "identifier", alert->identifier);
  json_object_set_string_member (props, "sent", sent);
  json_object_set_string_member (props, "updated_at", updated);
  if (alert->references != NULL)
    json_object_set_string_member (props, "references", alert->references);
  if (alert->note != NULL)
    json_object_set_string_member (props, "note", alert->note);
  messages = messages_of (copy);
  if (messages == NULL)
    {
      json_object_set_array_member (props, "cap_messages", json_array_new ());
      messages = messages_of (copy);
    }
  if (json_array_get_length (messages) < MAX_THREAD_MESSAGES)
    json_array_add_string_element (messages, key);
  return copy;
}
