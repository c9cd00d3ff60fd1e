/* bd-jma.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * JMA disaster XML (気象庁防災情報XML) → `alerts` features for Osaka City.
 *
 * What a message is made of (DOMAIN.md B.4.1): Report → Control {Title,
 * DateTime, Status, EditorialOffice, PublishingOffice} → Head {Title,
 * ReportDateTime, TargetDateTime, EventID, InfoType, Serial, InfoKind,
 * Headline} → Body. Which parts of the Body name the city:
 *
 *   VPWW53/54  Body/Warning[@type="気象警報・注意報（市町村等）"]/Item
 *              {Kind {Name, Code, Status}*, Area {Name, Code}}; 大阪市 is
 *              2710000 (the municipal code + "00"; a ward's would be its own)
 *   VXWW50     Body/Warning[@type="土砂災害警戒情報"]/Item {Kind {Name
 *              警戒/解除/なし, Code, Status}, Area {Name, Code}}
 *   VXKO50–89  Head/Headline/Information[@type="指定河川洪水予報（河川）"]/Item
 *              {Kind {Name, Code}, Areas/Area {Name, Code}}: the rivers that
 *              run through the city, by name (their 10-digit codes are not
 *              in DOMAIN.md)
 *   VXSE51/53  Body/Intensity/Observation/Pref/Area {Name, Code 520
 *              大阪府北部, MaxInt, City {Name, Code, MaxInt}*}
 *   VTSE41     Body/Tsunami/Forecast/Item {Area {Name, Code 510 大阪府},
 *              Category/Kind {Name, Code}}
 */

#define G_LOG_DOMAIN "bd-jma"

#include "config.h"

#include "bd-jma.h"
#include "bd-xml.h"

#include <glib/gi18n-lib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <math.h>
#include <string.h>

#include "bd-catalog.h"
#include "bd-time.h"

#define JMX_NS "http://xml.kishou.go.jp/jmaxml1/"

/* Seismic area 大阪府北部 (震度に関する地域) and the tsunami forecast area
 * 大阪府 (津波予報区). */
#define SEISMIC_AREA_OSAKA_NORTH "520"
#define TSUNAMI_AREA_OSAKA       "510"

G_DEFINE_QUARK (bd-jma-error-quark, bd_jma_error)

/* Control/Title → type code. */
static const struct
{
  const char *title;
  const char *code;
} types[] = {
  { "気象特別警報・警報・注意報", "VPWW53" },
  { "気象警報・注意報", "VPWW53" },
  { "気象警報・注意報（Ｈ２７）", "VPWW54" },
  { "土砂災害警戒情報", "VXWW50" },
  { "指定河川洪水予報", "VXKO" },
  { "震度速報", "VXSE51" },
  { "震源・震度に関する情報", "VXSE53" },
  { "津波警報・注意報・予報a", "VTSE41" },
};

/* Rivers that run through Osaka City, as 指定河川洪水予報 names them. */
static const char * const city_rivers[] = {
  "淀川", "新淀川", "大川", "神崎川", "大和川", "寝屋川", "第二寝屋川", "平野川",
  "平野川分水路", "城北川", "安治川", "尻無川", "木津川", "道頓堀川", "土佐堀川",
  "堂島川", NULL,
};

typedef struct
{
  BdJmaMessage *message;
  guint         n_areas;      /* areas of the relevant kind the Body names */
  gboolean      in_city;      /* one of them is in the city */
} Parse;

typedef struct
{
  const char *area_jma;       /* the JMA area code (thread key, jma_area) */
  const char *area_code;      /* 6-digit: the city or a ward */
  const char *area_desc;
  const char *event;
  const char *event_code;
  const char *kind_code;      /* part of the thread key (warnings), or NULL */
  const char *category;
  const char *severity;
  int         level;          /* 0: absent */
  gboolean    active;
  const char *max_intensity;
  double      magnitude;      /* NAN: absent */
  const char *description;
} Spec;

void
bd_jma_message_free (BdJmaMessage *message)
{
  if (message == NULL)
    return;
  g_free (message->title);
  g_free (message->date_time);
  g_free (message->status);
  g_free (message->editorial_office);
  g_free (message->publishing_office);
  g_free (message->head_title);
  g_free (message->report_date_time);
  g_free (message->target_date_time);
  g_free (message->event_id);
  g_free (message->info_type);
  g_free (message->serial);
  g_free (message->info_kind);
  g_free (message->headline);
  g_free (message->type_code);
  g_clear_pointer (&message->alerts, g_ptr_array_unref);
  g_clear_pointer (&message->full_areas, g_ptr_array_unref);
  g_free (message);
}

char *
bd_jma_message_key (const BdJmaMessage *message)
{
  return g_strjoin ("|", message->title, message->event_id, message->report_date_time,
                    message->serial, message->info_type, NULL);
}

gboolean
bd_jma_message_is_cancel (const BdJmaMessage *message)
{
  return g_strcmp0 (message->info_type, "取消") == 0;
}

char *
bd_jma_thread_id (const char *info_kind,
                  const char *event_id,
                  const char *area_code,
                  const char *kind_code,
                  const char *alert_status)
{
  g_autoptr(GString) key = g_string_new (NULL);
  g_autofree char *hex = NULL;

  g_string_append_printf (key, "%s|%s|%s", info_kind ? info_kind : "", event_id ? event_id : "",
                          area_code ? area_code : "");
  if (kind_code != NULL)
    g_string_append_printf (key, "|%s", kind_code);
  if (alert_status != NULL && strcmp (alert_status, "actual") != 0)
    g_string_append_printf (key, "|%s", alert_status);
  hex = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key->str, (gssize) key->len);
  return g_strdup_printf ("jma-%.32s", hex);
}

/* The last path segment of @name, without a query. */
static char *
file_part (const char *name)
{
  const char *slash;
  const char *query;

  if (name == NULL)
    return NULL;
  query = strpbrk (name, "?#");
  slash = NULL;
  for (const char *p = name; *p != '\0' && (query == NULL || p < query); p++)
    if (*p == '/')
      slash = p;
  return g_strndup (slash ? slash + 1 : name,
                    (query ? (gsize) (query - (slash ? slash + 1 : name)) : strlen (slash ? slash + 1 : name)));
}

/* "…_0_VPWW54_270000.xml": the type is the second-last "_" field, the
 * office the last. */
static char *
name_field (const char *name,
            int         from_end)
{
  g_autofree char *file = file_part (name);
  g_auto(GStrv) fields = NULL;
  guint n;

  if (file == NULL || !g_str_has_suffix (file, ".xml"))
    return NULL;
  file[strlen (file) - 4] = '\0';
  fields = g_strsplit (file, "_", 8);
  n = g_strv_length (fields);
  if (n < 3)
    return NULL;
  return g_strdup (fields[n - 1 - from_end]);
}

char *
bd_jma_type_from_name (const char *name)
{
  g_autofree char *type = name_field (name, 1);

  if (type == NULL || strlen (type) != 6)
    return NULL;
  for (int i = 0; i < 6; i++)
    if (!(i < 4 ? g_ascii_isupper (type[i]) : g_ascii_isdigit (type[i])))
      return NULL;
  return g_steal_pointer (&type);
}

char *
bd_jma_office_from_name (const char *name)
{
  g_autofree char *office = name_field (name, 0);

  if (office == NULL || strlen (office) != 6)
    return NULL;
  for (int i = 0; i < 6; i++)
    if (!g_ascii_isdigit (office[i]))
      return NULL;
  return g_steal_pointer (&office);
}

gboolean
bd_jma_type_is_wanted (const char *type_code)
{
  static const char * const wanted[] = {
    "VPWW53", "VPWW54", "VXWW50", "VXSE51", "VXSE53", "VTSE41", NULL,
  };

  if (type_code == NULL)
    return FALSE;
  if (g_strv_contains (wanted, type_code))
    return TRUE;
  return strlen (type_code) == 6 && g_str_has_prefix (type_code, "VXKO") &&
         type_code[4] >= '5' && type_code[4] <= '8' && g_ascii_isdigit (type_code[5]);
}

/* ---------------------------------------------------------------- XML */

static gboolean
is_element (xmlNode    *node,
            const char *name)
{
  return node != NULL && node->type == XML_ELEMENT_NODE &&
         strcmp ((const char *) node->name, name) == 0;
}

static xmlNode *
child (xmlNode    *parent,
       const char *name)
{
  if (parent == NULL)
    return NULL;
  for (xmlNode *node = parent->children; node != NULL; node = node->next)
    if (is_element (node, name))
      return node;
  return NULL;
}

static xmlNode *
next_sibling (xmlNode    *node,
              const char *name)
{
  for (node = node ? node->next : NULL; node != NULL; node = node->next)
    if (is_element (node, name))
      return node;
  return NULL;
}

#define for_each_child(var, parent, name) \
  for (xmlNode *var = child ((parent), (name)); var != NULL; var = next_sibling (var, (name)))

/* The text of @node, trimmed; NULL for NULL. */
static char *
text_of (xmlNode *node)
{
  xmlChar *content;
  char *text;

  if (node == NULL)
    return NULL;
  content = xmlNodeGetContent (node);
  text = g_strdup (content ? (const char *) content : "");
  xmlFree (content);
  return g_strstrip (text);
}

static char *
child_text (xmlNode    *parent,
            const char *name)
{
  return text_of (child (parent, name));
}

static gboolean
attribute_is (xmlNode    *node,
              const char *name,
              const char *value)
{
  xmlChar *attr = xmlGetProp (node, (const xmlChar *) name);
  gboolean same = attr != NULL && strcmp ((const char *) attr, value) == 0;

  xmlFree (attr);
  return same;
}

/* The shared untrusted-XML reader (bd-xml.c), its error in our domain. */
static xmlDoc *
read_xml (const char  *data,
          gsize        length,
          GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  xmlDoc *doc = bd_xml_read_untrusted (data, length, BD_JMA_MAX_DEPTH, BD_JMA_MAX_ELEMENTS,
                                       &local_error);

  if (doc == NULL)
    {
      int code = local_error->code == BD_XML_ERROR_FORBIDDEN ? BD_JMA_ERROR_FORBIDDEN
               : local_error->code == BD_XML_ERROR_TOO_LARGE ? BD_JMA_ERROR_TOO_LARGE
               : BD_JMA_ERROR_MALFORMED;

      g_set_error_literal (error, BD_JMA_ERROR, code, local_error->message);
    }
  return doc;
}

/* ---------------------------------------------------------------- areas */

/* A 7-digit JMA municipal code (the 5-digit code + "00") of the city or one
 * of its wards → the 6-digit code; NULL when not in the city. */
static const char *
municipal_to_city (const char *code)
{
  const BdWard *wards;
  guint n_wards;

  if (code == NULL || strlen (code) != 7 || strcmp (code + 5, "00") != 0)
    return NULL;
  if (strncmp (code, "27100", 5) == 0)
    return BD_CITY_CODE;
  wards = bd_catalog_get_wards (&n_wards);
  for (guint i = 0; i < n_wards; i++)
    if (strncmp (code, wards[i].code5, 5) == 0)
      return wards[i].code;
  return NULL;
}

static gboolean
is_city_river (const char *name)
{
  return name != NULL && g_strv_contains (city_rivers, name);
}

/* ---------------------------------------------------------------- features */

static int
intensity_rank (const char *value)
{
  static const char * const ranks[] = { "1", "2", "3", "4", "5-", "5+", "6-", "6+", "7" };

  for (guint i = 0; value != NULL && i < G_N_ELEMENTS (ranks); i++)
    if (strcmp (value, ranks[i]) == 0)
      return (int) i + 1;
  return 0;
}

static const char *
intensity_label (int rank)
{
  static const char * const labels[] = { NULL, "1", "2", "3", "4", "5弱", "5強", "6弱", "6強", "7" };

  return rank >= 1 && rank <= 9 ? labels[rank] : NULL;
}

static const char *
warning_severity (const char *name)
{
  if (name == NULL)
    return "Unknown";
  if (strstr (name, "特別警報") != NULL)
    return "Extreme";
  if (strstr (name, "警報") != NULL)
    return "Severe";
  if (strstr (name, "注意報") != NULL)
    return "Moderate";
  return "Unknown";
}

/* 警戒レベル of a weather warning kind (相当): DOMAIN.md's kind codes. */
static int
warning_level (const char *code)
{
  static const struct { const char *code; int level; } levels[] = {
    { "03", 3 }, { "04", 3 }, { "08", 4 }, { "10", 2 }, { "18", 2 }, { "19", 2 }, { "33", 5 },
  };

  for (guint i = 0; code != NULL && i < G_N_ELEMENTS (levels); i++)
    if (strcmp (code, levels[i].code) == 0)
      return levels[i].level;
  return 0;
}

static void
set_string_or_null (JsonObject *object,
                    const char *name,
                    const char *value)
{
  if (value != NULL && value[0] != '\0')
    json_object_set_string_member (object, name, value);
  else
    json_object_set_null_member (object, name);
}

static gboolean
add_alert (Parse       *parse,
           const Spec  *spec,
           GError     **error)
{
  BdJmaMessage *m = parse->message;
  g_autofree char *id = NULL;
  JsonObject *feature, *props;
  JsonArray *codes;
  JsonNode *node;
  gboolean cancel = bd_jma_message_is_cancel (m);

  if (m->alerts->len >= BD_JMA_MAX_ALERTS)
    {
      g_set_error (error, BD_JMA_ERROR, BD_JMA_ERROR_TOO_LARGE,
                   _("The message names more than %d alerts for the city."), BD_JMA_MAX_ALERTS);
      return FALSE;
    }

  id = bd_jma_thread_id (m->info_kind, m->event_id, spec->area_jma, spec->kind_code,
                         m->alert_status);
  feature = json_object_new ();
  json_object_set_string_member (feature, "type", "Feature");
  json_object_set_string_member (feature, "id", id);
  json_object_set_null_member (feature, "geometry");

  props = json_object_new ();
  json_object_set_string_member (props, "source", "jma");
  json_object_set_string_member (props, "status", m->alert_status);
  json_object_set_string_member (props, "msg_type", m->msg_type);
  json_object_set_string_member (props, "event", spec->event);
  set_string_or_null (props, "event_code", spec->event_code);
  json_object_set_string_member (props, "info_type", m->type_code);
  json_object_set_string_member (props, "info_kind", m->info_kind);
  json_object_set_string_member (props, "category", spec->category);
  json_object_set_string_member (props, "severity", spec->severity);
  if (spec->level > 0)
    json_object_set_int_member (props, "level", spec->level);
  json_object_set_string_member (props, "headline",
                                 m->head_title[0] != '\0' ? m->head_title : m->title);
  json_object_set_string_member (props, "description",
                                 spec->description ? spec->description : m->headline);
  json_object_set_string_member (props, "area_desc", spec->area_desc);
  codes = json_array_new ();
  json_array_add_string_element (codes, spec->area_code);
  json_object_set_array_member (props, "area_codes", codes);
  json_object_set_string_member (props, "jma_area", spec->area_jma);
  json_object_set_string_member (props, "sent", m->report_date_time);
  json_object_set_string_member (props, "effective",
                                 m->target_date_time ? m->target_date_time : m->report_date_time);
  json_object_set_boolean_member (props, "active", spec->active && !cancel);
  json_object_set_boolean_member (props, "cancelled", cancel);
  json_object_set_string_member (props, "sender", m->publishing_office);
  json_object_set_string_member (props, "event_id", m->event_id);
  json_object_set_string_member (props, "serial", m->serial);
  if (spec->max_intensity != NULL)
    json_object_set_string_member (props, "max_intensity", spec->max_intensity);
  if (!isnan (spec->magnitude))
    json_object_set_double_member (props, "magnitude", spec->magnitude);
  json_object_set_object_member (feature, "properties", props);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, feature);
  g_ptr_array_add (m->alerts, node);
  return TRUE;
}

/* ---------------------------------------------------------------- bodies */

static gboolean
read_weather_warnings (Parse    *parse,
                       xmlNode  *body,
                       GError  **error)
{
  for_each_child (warning, body, "Warning")
    {
      if (!attribute_is (warning, "type", "気象警報・注意報（市町村等）"))
        continue;
      for_each_child (item, warning, "Item")
        {
          xmlNode *area = child (item, "Area");
          g_autofree char *code = child_text (area, "Code");
          g_autofree char *name = child_text (area, "Name");
          const char *city_code;

          parse->n_areas++;
          city_code = municipal_to_city (code);
          if (city_code == NULL)
            continue;
          parse->in_city = TRUE;
          g_ptr_array_add (parse->message->full_areas, g_strdup (code));
          for_each_child (kind, item, "Kind")
            {
              g_autofree char *kind_name = child_text (kind, "Name");
              g_autofree char *kind_code = child_text (kind, "Code");
              g_autofree char *kind_status = child_text (kind, "Status");
              Spec spec = { 0 };

              /* 発表警報・注意報はなし: nothing in force (full_areas lifts the rest) */
              if (kind_name == NULL || kind_name[0] == '\0' || kind_code == NULL ||
                  kind_code[0] == '\0')
                continue;
              spec.area_jma = code;
              spec.area_code = city_code;
              spec.area_desc = name && name[0] ? name : code;
              spec.event = kind_name;
              spec.event_code = kind_code;
              spec.kind_code = kind_code;
              spec.category = strcmp (kind_code, "04") == 0 || strcmp (kind_code, "18") == 0
                              ? "flood" : "met";
              spec.severity = warning_severity (kind_name);
              spec.level = warning_level (kind_code);
              spec.active = g_strcmp0 (kind_status, "解除") != 0;
              spec.magnitude = NAN;
              if (!add_alert (parse, &spec, error))
                return FALSE;
            }
        }
    }
  return TRUE;
}

static gboolean
read_landslide (Parse    *parse,
                xmlNode  *body,
                GError  **error)
{
  for_each_child (warning, body, "Warning")
    {
      if (!attribute_is (warning, "type", "土砂災害警戒情報"))
        continue;
      for_each_child (item, warning, "Item")
        {
          xmlNode *area = child (item, "Area");
          xmlNode *kind = child (item, "Kind");
          g_autofree char *code = child_text (area, "Code");
          g_autofree char *name = child_text (area, "Name");
          g_autofree char *kind_name = child_text (kind, "Name");
          g_autofree char *kind_code = child_text (kind, "Code");
          g_autofree char *kind_status = child_text (kind, "Status");
          const char *city_code;
          Spec spec = { 0 };

          parse->n_areas++;
          city_code = municipal_to_city (code);
          if (city_code == NULL)
            continue;
          parse->in_city = TRUE;
          g_ptr_array_add (parse->message->full_areas, g_strdup (code));
          if (g_strcmp0 (kind_name, "なし") == 0)
            continue;
          spec.area_jma = code;
          spec.area_code = city_code;
          spec.area_desc = name && name[0] ? name : code;
          spec.event = "土砂災害警戒情報";
          spec.event_code = kind_code;
          spec.category = "landslide";
          spec.severity = "Severe";
          spec.level = 4;
          spec.active = g_strcmp0 (kind_name, "解除") != 0 && g_strcmp0 (kind_status, "解除") != 0;
          spec.magnitude = NAN;
          if (!add_alert (parse, &spec, error))
            return FALSE;
        }
    }
  return TRUE;
}

static int
river_level (const char *name)
{
  if (strstr (name, "氾濫発生") != NULL)
    return 5;
  if (strstr (name, "氾濫危険") != NULL)
    return 4;
  if (strstr (name, "氾濫警戒") != NULL)
    return 3;
  if (strstr (name, "氾濫注意") != NULL)
    return 2;
  return 0;
}

static gboolean
read_river_flood (Parse    *parse,
                  xmlNode  *head,
                  GError  **error)
{
  for_each_child (information, child (head, "Headline"), "Information")
    {
      if (!attribute_is (information, "type", "指定河川洪水予報（河川）"))
        continue;
      for_each_child (item, information, "Item")
        {
          xmlNode *kind = child (item, "Kind");
          g_autofree char *kind_name = child_text (kind, "Name");
          g_autofree char *kind_code = child_text (kind, "Code");

          for_each_child (areas, item, "Areas")
            for_each_child (area, areas, "Area")
              {
                g_autofree char *code = child_text (area, "Code");
                g_autofree char *name = child_text (area, "Name");
                Spec spec = { 0 };
                int level;

                parse->n_areas++;
                if (!is_city_river (name) || kind_name == NULL || kind_name[0] == '\0')
                  continue;
                parse->in_city = TRUE;
                level = river_level (kind_name);
                spec.area_jma = code && code[0] ? code : name;
                spec.area_code = BD_CITY_CODE;
                spec.area_desc = name;
                spec.event = kind_name;
                spec.event_code = kind_code;
                spec.category = "flood";
                spec.severity = level >= 5 ? "Extreme" : level >= 3 ? "Severe"
                              : level == 2 ? "Moderate" : "Unknown";
                spec.level = strstr (kind_name, "解除") ? 0 : level;
                spec.active = strstr (kind_name, "解除") == NULL;
                spec.magnitude = NAN;
                if (!add_alert (parse, &spec, error))
                  return FALSE;
              }
        }
    }
  return TRUE;
}

static double
read_magnitude (xmlNode *body)
{
  g_autofree char *text = child_text (child (body, "Earthquake"), "Magnitude");
  char *end = NULL;
  double value;

  if (text == NULL || text[0] == '\0')
    return NAN;
  value = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !isfinite (value) || value < -2 || value > 10)
    return NAN;
  return value;
}

static gboolean
read_intensity (Parse    *parse,
                xmlNode  *body,
                GError  **error)
{
  xmlNode *observation = child (child (body, "Intensity"), "Observation");
  g_autofree char *area_max = NULL;
  g_autofree char *area_name = NULL;
  g_autofree char *description = NULL;
  g_autofree char *hypocenter = NULL;
  int city_rank = 0;
  gboolean found = FALSE;
  Spec spec = { 0 };
  int rank;

  for_each_child (pref, observation, "Pref")
    for_each_child (area, pref, "Area")
      {
        g_autofree char *code = child_text (area, "Code");

        parse->n_areas++;
        if (g_strcmp0 (code, SEISMIC_AREA_OSAKA_NORTH) == 0)
          {
            found = TRUE;
            g_free (area_max);
            area_max = child_text (area, "MaxInt");
            g_free (area_name);
            area_name = child_text (area, "Name");
          }
        for_each_child (city, area, "City")
          {
            g_autofree char *city_code = child_text (city, "Code");
            g_autofree char *city_max = child_text (city, "MaxInt");

            if (municipal_to_city (city_code) != NULL)
              {
                found = TRUE;
                city_rank = MAX (city_rank, intensity_rank (city_max));
              }
          }
      }
  if (!found)
    return TRUE;
  parse->in_city = TRUE;

  /* The city's own intensity when the message gives it, else its area's. */
  rank = city_rank > 0 ? city_rank : intensity_rank (area_max);
  hypocenter = child_text (child (child (child (body, "Earthquake"), "Hypocenter"), "Area"), "Name");
  spec.magnitude = read_magnitude (body);
  if (hypocenter != NULL && hypocenter[0] != '\0')
    description = g_strconcat (parse->message->headline, parse->message->headline[0] ? "\n" : "",
                               "震源: ", hypocenter, NULL);
  spec.area_jma = SEISMIC_AREA_OSAKA_NORTH;
  spec.area_code = BD_CITY_CODE;
  spec.area_desc = area_name && area_name[0] ? area_name : "大阪府北部";
  spec.event = parse->message->title;
  spec.category = "earthquake";
  spec.severity = rank >= 5 ? "Severe" : rank == 4 ? "Moderate" : "Minor";
  spec.active = TRUE;
  spec.max_intensity = intensity_label (rank);
  spec.description = description;
  return add_alert (parse, &spec, error);
}

static gboolean
read_tsunami (Parse    *parse,
              xmlNode  *body,
              GError  **error)
{
  for_each_child (item, child (child (body, "Tsunami"), "Forecast"), "Item")
    {
      xmlNode *area = child (item, "Area");
      xmlNode *kind = child (child (item, "Category"), "Kind");
      g_autofree char *code = child_text (area, "Code");
      g_autofree char *name = child_text (area, "Name");
      g_autofree char *kind_name = child_text (kind, "Name");
      g_autofree char *kind_code = child_text (kind, "Code");
      Spec spec = { 0 };

      parse->n_areas++;
      if (g_strcmp0 (code, TSUNAMI_AREA_OSAKA) != 0 || kind_name == NULL || kind_name[0] == '\0')
        continue;
      parse->in_city = TRUE;
      spec.area_jma = code;
      spec.area_code = BD_CITY_CODE;
      spec.area_desc = name && name[0] ? name : "大阪府";
      spec.event = kind_name;
      spec.event_code = kind_code;
      spec.category = "tsunami";
      spec.active = strstr (kind_name, "解除") == NULL && strcmp (kind_name, "津波なし") != 0;
      spec.severity = strstr (kind_name, "大津波警報") ? "Extreme"
                    : strstr (kind_name, "津波警報") ? "Severe"
                    : strstr (kind_name, "津波注意報") ? "Moderate" : "Minor";
      spec.magnitude = read_magnitude (body);
      if (!add_alert (parse, &spec, error))
        return FALSE;
    }
  return TRUE;
}

/* ---------------------------------------------------------------- message */

static gboolean
missing (GError     **error,
         const char  *what)
{
  g_set_error (error, BD_JMA_ERROR, BD_JMA_ERROR_MALFORMED,
               _("The message has no %s."), what);
  return FALSE;
}

static gboolean
read_control_and_head (BdJmaMessage  *m,
                       xmlNode       *root,
                       const char    *type_hint,
                       GError       **error)
{
  xmlNode *control = child (root, "Control");
  xmlNode *head = child (root, "Head");
  g_autoptr(GDateTime) when = NULL;

  if (control == NULL)
    return missing (error, "Control");
  if (head == NULL)
    return missing (error, "Head");

  m->title = child_text (control, "Title");
  m->date_time = child_text (control, "DateTime");
  m->status = child_text (control, "Status");
  m->editorial_office = child_text (control, "EditorialOffice");
  m->publishing_office = child_text (control, "PublishingOffice");
  m->head_title = child_text (head, "Title");
  m->report_date_time = child_text (head, "ReportDateTime");
  m->target_date_time = child_text (head, "TargetDateTime");
  m->event_id = child_text (head, "EventID");
  m->info_type = child_text (head, "InfoType");
  m->serial = child_text (head, "Serial");
  m->info_kind = child_text (head, "InfoKind");
  m->headline = child_text (child (head, "Headline"), "Text");

  if (m->title == NULL || m->title[0] == '\0')
    return missing (error, "Control/Title");
  if (m->report_date_time == NULL)
    return missing (error, "Head/ReportDateTime");
  if (m->info_type == NULL)
    return missing (error, "Head/InfoType");
  if (m->info_kind == NULL || m->info_kind[0] == '\0')
    return missing (error, "Head/InfoKind");
  if (m->event_id == NULL)
    m->event_id = g_strdup ("");
  if (m->serial == NULL)
    m->serial = g_strdup ("");
  if (m->headline == NULL)
    m->headline = g_strdup ("");
  if (m->head_title == NULL)
    m->head_title = g_strdup ("");
  if (m->publishing_office == NULL)
    m->publishing_office = g_strdup ("");
  if (m->target_date_time != NULL && m->target_date_time[0] == '\0')
    g_clear_pointer (&m->target_date_time, g_free);

  if (g_strcmp0 (m->status, "通常") == 0)
    m->alert_status = "actual";
  else if (g_strcmp0 (m->status, "訓練") == 0)
    m->alert_status = "exercise";
  else if (g_strcmp0 (m->status, "試験") == 0)
    m->alert_status = "test";
  else
    {
      g_set_error (error, BD_JMA_ERROR, BD_JMA_ERROR_MALFORMED,
                   _("Control/Status “%s” is not 通常, 訓練 or 試験."), m->status ? m->status : "");
      return FALSE;
    }

  if (strcmp (m->info_type, "発表") == 0)
    m->msg_type = "alert";
  else if (strcmp (m->info_type, "訂正") == 0)
    m->msg_type = "update";
  else if (strcmp (m->info_type, "取消") == 0)
    m->msg_type = "cancel";
  else
    {
      g_set_error (error, BD_JMA_ERROR, BD_JMA_ERROR_MALFORMED,
                   _("Head/InfoType “%s” is not 発表, 訂正 or 取消."), m->info_type);
      return FALSE;
    }

  when = bd_parse_timestamp (m->report_date_time);
  if (when == NULL)
    {
      g_set_error (error, BD_JMA_ERROR, BD_JMA_ERROR_MALFORMED,
                   _("Head/ReportDateTime “%s” is not an RFC 3339 time."), m->report_date_time);
      return FALSE;
    }
  if (m->target_date_time != NULL)
    {
      g_autoptr(GDateTime) target = bd_parse_timestamp (m->target_date_time);

      if (target == NULL)
        g_clear_pointer (&m->target_date_time, g_free);
    }

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (strcmp (m->title, types[i].title) == 0)
      m->type_code = g_strdup (types[i].code);
  if (m->type_code == NULL)
    {
      g_set_error (error, BD_JMA_ERROR, BD_JMA_ERROR_UNSUPPORTED,
                   _("“%s” messages are not taken (only weather warnings, landslide alerts, "
                     "river flood forecasts, seismic intensity and tsunami warnings)."), m->title);
      return FALSE;
    }
  if (strcmp (m->type_code, "VXKO") == 0)
    {
      g_free (m->type_code);
      m->type_code = g_strdup (type_hint != NULL && g_str_has_prefix (type_hint, "VXKO") &&
                               bd_jma_type_is_wanted (type_hint) ? type_hint : "VXKO");
    }
  return TRUE;
}

BdJmaMessage *
bd_jma_parse (const char  *data,
              gsize        length,
              const char  *type_hint,
              GError     **error)
{
  g_autoptr(BdJmaMessage) m = NULL;
  xmlDoc *doc;
  xmlNode *root, *body;
  Parse parse = { 0 };
  gboolean ok = FALSE;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (length > BD_JMA_MAX_BYTES)
    {
      g_set_error (error, BD_JMA_ERROR, BD_JMA_ERROR_TOO_LARGE,
                   _("The message is larger than %d MiB."), BD_JMA_MAX_BYTES >> 20);
      return NULL;
    }
  if (length == 0)
    {
      g_set_error_literal (error, BD_JMA_ERROR, BD_JMA_ERROR_MALFORMED, _("The message is empty."));
      return NULL;
    }
  doc = read_xml (data, length, error);
  if (doc == NULL)
    return NULL;

  root = xmlDocGetRootElement (doc);
  if (!is_element (root, "Report") || root->ns == NULL ||
      strcmp ((const char *) root->ns->href, JMX_NS) != 0)
    {
      g_set_error_literal (error, BD_JMA_ERROR, BD_JMA_ERROR_MALFORMED,
                           _("This is not a JMA disaster message (no Report element of "
                             "http://xml.kishou.go.jp/jmaxml1/)."));
      goto out;
    }

  m = g_new0 (BdJmaMessage, 1);
  m->alerts = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  m->full_areas = g_ptr_array_new_with_free_func (g_free);
  if (!read_control_and_head (m, root, type_hint, error))
    goto out;

  parse.message = m;
  body = child (root, "Body");
  if (g_str_has_prefix (m->type_code, "VPWW"))
    ok = read_weather_warnings (&parse, body, error);
  else if (strcmp (m->type_code, "VXWW50") == 0)
    ok = read_landslide (&parse, body, error);
  else if (g_str_has_prefix (m->type_code, "VXKO"))
    ok = read_river_flood (&parse, child (root, "Head"), error);
  else if (g_str_has_prefix (m->type_code, "VXSE"))
    ok = read_intensity (&parse, body, error);
  else
    ok = read_tsunami (&parse, body, error);
  if (!ok)
    goto out;

  if (bd_jma_message_is_cancel (m))
    {
      /* A cancel ends threads; it states nothing in force. */
      g_ptr_array_set_size (m->full_areas, 0);
      if (parse.n_areas == 0)
        goto out;           /* ok: the threads are found by the caller */
    }
  if (!parse.in_city)
    {
      g_set_error (error, BD_JMA_ERROR, BD_JMA_ERROR_NOT_IN_CITY,
                   _("The message (%s, %s) names no area in Osaka City."), m->title,
                   m->report_date_time);
      ok = FALSE;
    }

out:
  xmlFreeDoc (doc);
  if (!ok)
    return NULL;
  return g_steal_pointer (&m);
}

/* ---------------------------------------------------------------- feeds */

#define ATOM_NS "http://www.w3.org/2005/Atom"

void
bd_jma_feed_entry_free (BdJmaFeedEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->title);
  g_free (entry->id);
  g_free (entry->updated);
  g_free (entry->author);
  g_free (entry->href);
  g_free (entry);
}

GPtrArray *
bd_jma_parse_feed (const char  *data,
                   gsize        length,
                   GError     **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  xmlDoc *doc;
  xmlNode *root;

  if (length > BD_JMA_MAX_FEED_BYTES)
    {
      g_set_error (error, BD_JMA_ERROR, BD_JMA_ERROR_TOO_LARGE,
                   _("The feed is larger than %d MiB."), BD_JMA_MAX_FEED_BYTES >> 20);
      return NULL;
    }
  if (length == 0)
    {
      g_set_error_literal (error, BD_JMA_ERROR, BD_JMA_ERROR_MALFORMED, _("The feed is empty."));
      return NULL;
    }
  doc = read_xml (data, length, error);
  if (doc == NULL)
    return NULL;
  root = xmlDocGetRootElement (doc);
  if (!is_element (root, "feed") || root->ns == NULL ||
      strcmp ((const char *) root->ns->href, ATOM_NS) != 0)
    {
      g_set_error_literal (error, BD_JMA_ERROR, BD_JMA_ERROR_MALFORMED,
                           _("This is not an Atom feed."));
      xmlFreeDoc (doc);
      return NULL;
    }

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_jma_feed_entry_free);
  for_each_child (node, root, "entry")
    {
      g_autoptr(BdJmaFeedEntry) entry = NULL;
      xmlChar *href = NULL;

      for_each_child (link, node, "link")
        {
          xmlChar *type = xmlGetProp (link, (const xmlChar *) "type");

          if (href == NULL && (type == NULL || strcmp ((const char *) type, "application/xml") == 0))
            href = xmlGetProp (link, (const xmlChar *) "href");
          xmlFree (type);
        }
      if (href == NULL)
        continue;
      if (entries->len >= BD_JMA_MAX_FEED_ENTRIES)
        {
          xmlFree (href);
          break;
        }
      entry = g_new0 (BdJmaFeedEntry, 1);
      entry->href = g_strstrip (g_strdup ((const char *) href));
      xmlFree (href);
      entry->title = child_text (node, "title");
      entry->id = child_text (node, "id");
      entry->updated = child_text (node, "updated");
      entry->author = child_text (child (node, "author"), "name");
      g_ptr_array_add (entries, g_steal_pointer (&entry));
    }
  xmlFreeDoc (doc);
  return g_steal_pointer (&entries);
}
