/* bd-cap.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* CAP 1.2: reading untrusted bytes safely (libxml2 with no network, no DTD,
 * no entities, bounded size, depth and element count) and the element
 * structure. The checks of values (bd_cap_alert_validate) are in
 * bd-cap-validate.c, the writer in bd-cap-write.c, the alerts features in
 * bd-cap-feature.c. */

#define G_LOG_DOMAIN "bd-cap"

#include "config.h"

#include "bd-cap.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <libxml/tree.h>

#include "bd-xml.h"


G_DEFINE_QUARK (bd-cap-error-quark, bd_cap_error)

/* Memory */

BdCapValue *
bd_cap_value_new (const char *name,
                  const char *value)
{
  BdCapValue *self = g_new0 (BdCapValue, 1);

  self->name = g_strdup (name);
  self->value = g_strdup (value);
  return self;
}

void
bd_cap_value_free (BdCapValue *value)
{
  if (value == NULL)
    return;
  g_free (value->name);
  g_free (value->value);
  g_free (value);
}

BdCapArea *
bd_cap_area_new (void)
{
  BdCapArea *self = g_new0 (BdCapArea, 1);

  self->polygons = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  self->circles = g_array_new (FALSE, TRUE, sizeof (BdCapCircle));
  self->geocodes = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_cap_value_free);
  return self;
}

void
bd_cap_area_free (BdCapArea *area)
{
  if (area == NULL)
    return;
  g_free (area->area_desc);
  g_ptr_array_unref (area->polygons);
  g_array_unref (area->circles);
  g_ptr_array_unref (area->geocodes);
  g_free (area);
}

BdCapInfo *
bd_cap_info_new (void)
{
  BdCapInfo *self = g_new0 (BdCapInfo, 1);

  self->event_codes = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_cap_value_free);
  self->parameters = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_cap_value_free);
  self->areas = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_cap_area_free);
  return self;
}

void
bd_cap_info_free (BdCapInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->language);
  g_strfreev (info->categories);
  g_free (info->event);
  g_strfreev (info->response_types);
  g_free (info->urgency);
  g_free (info->severity);
  g_free (info->certainty);
  g_ptr_array_unref (info->event_codes);
  g_free (info->effective);
  g_free (info->onset);
  g_free (info->expires);
  g_free (info->sender_name);
  g_free (info->headline);
  g_free (info->description);
  g_free (info->instruction);
  g_free (info->web);
  g_free (info->contact);
  g_ptr_array_unref (info->parameters);
  g_ptr_array_unref (info->areas);
  g_free (info);
}

BdCapAlert *
bd_cap_alert_new (void)
{
  BdCapAlert *self = g_new0 (BdCapAlert, 1);

  self->infos = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_cap_info_free);
  return self;
}

void
bd_cap_alert_free (BdCapAlert *alert)
{
  if (alert == NULL)
    return;
  g_free (alert->sender);
  g_free (alert->identifier);
  g_free (alert->sent);
  g_free (alert->status);
  g_free (alert->msg_type);
  g_free (alert->source);
  g_free (alert->scope);
  g_free (alert->restriction);
  g_free (alert->addresses);
  g_free (alert->note);
  g_free (alert->references);
  g_free (alert->incidents);
  g_ptr_array_unref (alert->infos);
  g_free (alert);
}

void
bd_cap_reference_free (BdCapReference *reference)
{
  if (reference == NULL)
    return;
  g_free (reference->sender);
  g_free (reference->identifier);
  g_free (reference->sent);
  g_free (reference);
}

/* The safe parse */

/* A well-formed document with no DOCTYPE or entity, read by the shared
 * untrusted-XML reader (bd-xml.c); NULL with an error in our domain. */
static xmlDocPtr
read_document (const char  *data,
               gsize        length,
               GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  xmlDocPtr doc;

  if (length > BD_CAP_MAX_BYTES)
    {
      g_set_error (error, BD_CAP_ERROR, BD_CAP_ERROR_TOO_LARGE,
                   _("The CAP message is larger than %d bytes."), BD_CAP_MAX_BYTES);
      return NULL;
    }
  if (length == 0)
    {
      g_set_error_literal (error, BD_CAP_ERROR, BD_CAP_ERROR_MALFORMED,
                           _("The CAP message is empty."));
      return NULL;
    }

  doc = bd_xml_read_untrusted (data, length, BD_CAP_MAX_DEPTH, BD_CAP_MAX_ELEMENTS,
                               &local_error);
  if (doc == NULL)
    {
      int code = local_error->code == BD_XML_ERROR_FORBIDDEN ? BD_CAP_ERROR_FORBIDDEN
               : local_error->code == BD_XML_ERROR_TOO_LARGE ? BD_CAP_ERROR_TOO_LARGE
               : BD_CAP_ERROR_MALFORMED;

      g_set_error_literal (error, BD_CAP_ERROR, code, local_error->message);
    }
  return doc;
}

/* The element structure */

static gboolean
is_cap (xmlNodePtr node)
{
  return node->type == XML_ELEMENT_NODE && node->ns != NULL &&
         g_strcmp0 ((const char *) node->ns->href, BD_CAP_NAMESPACE) == 0;
}

static gboolean
is_named (xmlNodePtr  node,
          const char *name)
{
  return is_cap (node) && strcmp ((const char *) node->name, name) == 0;
}

/* The text of a simple element, trimmed; NULL with an error when it holds
 * elements or is longer than @max_bytes. */
static char *
element_text_max (xmlNodePtr   node,
                  gsize        max_bytes,
                  GError     **error)
{
  xmlChar *content;
  char *text;

  for (xmlNodePtr child = node->children; child != NULL; child = child->next)
    {
      if (child->type == XML_ELEMENT_NODE)
        {
          g_set_error (error, BD_CAP_ERROR, BD_CAP_ERROR_INVALID,
                       _("<%s> (line %ld) must hold text, not elements."),
                       (const char *) node->name, xmlGetLineNo (node));
          return NULL;
        }
    }
  content = xmlNodeGetContent (node);
  text = g_strdup (content ? (const char *) content : "");
  xmlFree (content);
  if (strlen (text) > max_bytes)
    {
      g_set_error (error, BD_CAP_ERROR, BD_CAP_ERROR_TOO_LARGE,
                   _("<%s> (line %ld) is longer than %d bytes."),
                   (const char *) node->name, xmlGetLineNo (node), (int) max_bytes);
      g_free (text);
      return NULL;
    }
  return g_strstrip (text);
}

static char *
element_text (xmlNodePtr   node,
              GError     **error)
{
  return element_text_max (node, BD_CAP_MAX_TEXT, error);
}

/* Sets a single-valued member: a second one is an error. */
static gboolean
set_once (char       **member,
          xmlNodePtr   node,
          GError     **error)
{
  char *text;

  if (*member != NULL)
    {
      g_set_error (error, BD_CAP_ERROR, BD_CAP_ERROR_INVALID,
                   _("<%s> appears more than once (line %ld)."),
                   (const char *) node->name, xmlGetLineNo (node));
      return FALSE;
    }
  text = element_text (node, error);
  if (text == NULL)
    return FALSE;
  *member = text;
  return TRUE;
}

static gboolean
add_text (GPtrArray  *list,
          xmlNodePtr  node,
          GError    **error)
{
  char *text = element_text (node, error);

  if (text == NULL)
    return FALSE;
  g_ptr_array_add (list, text);
  return TRUE;
}

static GStrv
steal_strv (GPtrArray *list)
{
  g_ptr_array_add (list, NULL);
  return (GStrv) g_ptr_array_free (list, FALSE);
}

static gboolean
unknown_element (xmlNodePtr   node,
                 const char  *parent,
                 GError     **error)
{
  g_set_error (error, BD_CAP_ERROR, BD_CAP_ERROR_INVALID,
               _("<%s> (line %ld) is not a CAP 1.2 element of <%s>."),
               (const char *) node->name, xmlGetLineNo (node), parent);
  return FALSE;
}

/* <eventCode>, <parameter>, <geocode>: valueName and value. */
static gboolean
read_value (GPtrArray   *list,
            xmlNodePtr   node,
            GError     **error)
{
  g_autofree char *name = NULL;
  g_autofree char *value = NULL;

  for (xmlNodePtr child = node->children; child != NULL; child = child->next)
    {
      if (!is_cap (child))
        continue;
      if (is_named (child, "valueName"))
        {
          if (!set_once (&name, child, error))
            return FALSE;
        }
      else if (is_named (child, "value"))
        {
          if (!set_once (&value, child, error))
            return FALSE;
        }
      else
        return unknown_element (child, (const char *) node->name, error);
    }
  if (name == NULL || value == NULL)
    {
      g_set_error (error, BD_CAP_ERROR, BD_CAP_ERROR_INVALID,
                   _("<%s> (line %ld) needs a <valueName> and a <value>."),
                   (const char *) node->name, xmlGetLineNo (node));
      return FALSE;
    }
  g_ptr_array_add (list, bd_cap_value_new (name, value));
  return TRUE;
}

static gboolean
parse_number (const char *text,
              gsize       length,
              double     *value)
{
  char buffer[64];
  char *end = NULL;

  if (length == 0 || length >= sizeof buffer)
    return FALSE;
  memcpy (buffer, text, length);
  buffer[length] = '\0';
  /* plain decimal numbers only: no "inf", "nan" or hex */
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isdigit (buffer[i]) && strchr ("+-.eE", buffer[i]) == NULL)
      return FALSE;
  *value = g_ascii_strtod (buffer, &end);
  return end == buffer + length && isfinite (*value);
}

/* "lat,lon"; the range is checked by bd_cap_alert_validate. */
static gboolean
parse_point (const char *text,
             gsize       length,
             BdCapPoint *point)
{
  const char *comma = memchr (text, ',', length);

  if (comma == NULL)
    return FALSE;
  return parse_number (text, (gsize) (comma - text), &point->lat) &&
         parse_number (comma + 1, length - (gsize) (comma - text) - 1, &point->lon);
}

static gboolean
read_polygon (BdCapArea   *area,
              xmlNodePtr   node,
              guint       *n_points,
              GError     **error)
{
  /* a polygon is bounded by the message's size and BD_CAP_MAX_POINTS */
  g_autofree char *text = element_text_max (node, BD_CAP_MAX_BYTES, error);
  g_autoptr(GArray) ring = g_array_new (FALSE, TRUE, sizeof (BdCapPoint));
  const char *p;

  if (text == NULL)
    return FALSE;
  p = text;
  while (*p != '\0')
    {
      const char *start;
      BdCapPoint point;

      while (g_ascii_isspace (*p))
        p++;
      if (*p == '\0')
        break;
      start = p;
      while (*p != '\0' && !g_ascii_isspace (*p))
        p++;
      if (!parse_point (start, (gsize) (p - start), &point))
        {
          g_set_error (error, BD_CAP_ERROR, BD_CAP_ERROR_INVALID,
                       _("<polygon> (line %ld): “%.*s” is not a “latitude,longitude” pair."),
                       xmlGetLineNo (node), (int) MIN (p - start, 40), start);
          return FALSE;
        }
      if (++(*n_points) > BD_CAP_MAX_POINTS)
        {
          g_set_error (error, BD_CAP_ERROR, BD_CAP_ERROR_TOO_LARGE,
                       _("The alert has more than %d positions."), BD_CAP_MAX_POINTS);
          return FALSE;
        }
      g_array_append_val (ring, point);
    }
  g_ptr_array_add (area->polygons, g_steal_pointer (&ring));
  return TRUE;
}

static gboolean
read_circle (BdCapArea   *area,
             xmlNodePtr   node,
             GError     **error)
{
  g_autofree char *text = element_text (node, error);
  g_auto(GStrv) parts = NULL;
  BdCapCircle circle;

  if (text == NULL)
    return FALSE;
  parts = g_strsplit_set (text, " \t\r\n", 0);
  {
    /* drop the empty strings runs of white space leave */
    guint j = 0;

    for (guint i = 0; parts[i] != NULL; i++)
      {
        if (parts[i][0] == '\0')
          g_free (parts[i]);
        else
          parts[j++] = parts[i];
      }
    parts[j] = NULL;
  }
  if (g_strv_length (parts) != 2 ||
      !parse_point (parts[0], strlen (parts[0]), &circle.center) ||
      !parse_number (parts[1], strlen (parts[1]), &circle.radius_km))
    {
      g_set_error (error, BD_CAP_ERROR, BD_CAP_ERROR_INVALID,
                   _("<circle> (line %ld) must be “latitude,longitude radius” (radius in km)."),
                   xmlGetLineNo (node));
      return FALSE;
    }
  g_array_append_val (area->circles, circle);
  return TRUE;
}

static gboolean
read_area (BdCapInfo   *info,
           xmlNodePtr   node,
           guint       *n_points,
           GError     **error)
{
  g_autoptr(BdCapArea) area = bd_cap_area_new ();
  g_autofree char *altitude = NULL;
  g_autofree char *ceiling = NULL;

  if (info->areas->len >= BD_CAP_MAX_AREAS)
    {
      g_set_error (error, BD_CAP_ERROR, BD_CAP_ERROR_TOO_LARGE,
                   _("An <info> has more than %d areas."), BD_CAP_MAX_AREAS);
      return FALSE;
    }
  for (xmlNodePtr child = node->children; child != NULL; child = child->next)
    {
      gboolean ok;

      if (!is_cap (child))
        continue;
      if (is_named (child, "areaDesc"))
        ok = set_once (&area->area_desc, child, error);
      else if (is_named (child, "polygon"))
        ok = read_polygon (area, child, n_points, error);
      else if (is_named (child, "circle"))
        ok = read_circle (area, child, error);
      else if (is_named (child, "geocode"))
        ok = read_value (area->geocodes, child, error);
      else if (is_named (child, "altitude"))
        ok = set_once (&altitude, child, error);
      else if (is_named (child, "ceiling"))
        ok = set_once (&ceiling, child, error);
      else
        ok = unknown_element (child, "area", error);
      if (!ok)
        return FALSE;
    }
  if (ceiling != NULL && altitude == NULL)
    {
      g_set_error (error, BD_CAP_ERROR, BD_CAP_ERROR_INVALID,
                   _("<area> (line %ld) has a <ceiling> without an <altitude>."),
                   xmlGetLineNo (node));
      return FALSE;
    }
  g_ptr_array_add (info->areas, g_steal_pointer (&area));
  return TRUE;
}

/* The simple elements of <info>: name and member. */
typedef struct
{
  const char *name;
  gsize       offset;
} TextField;

static const TextField info_fields[] = {
  { "language", offsetof (BdCapInfo, language) },
  { "event", offsetof (BdCapInfo, event) },
  { "urgency", offsetof (BdCapInfo, urgency) },
  { "severity", offsetof (BdCapInfo, severity) },
  { "certainty", offsetof (BdCapInfo, certainty) },
  { "effective", offsetof (BdCapInfo, effective) },
  { "onset", offsetof (BdCapInfo, onset) },
  { "expires", offsetof (BdCapInfo, expires) },
  { "senderName", offsetof (BdCapInfo, sender_name) },
  { "headline", offsetof (BdCapInfo, headline) },
  { "description", offsetof (BdCapInfo, description) },
  { "instruction", offsetof (BdCapInfo, instruction) },
  { "web", offsetof (BdCapInfo, web) },
  { "contact", offsetof (BdCapInfo, contact) },
};

static const TextField alert_fields[] = {
  { "identifier", offsetof (BdCapAlert, identifier) },
  { "sender", offsetof (BdCapAlert, sender) },
  { "sent", offsetof (BdCapAlert, sent) },
  { "status", offsetof (BdCapAlert, status) },
  { "msgType", offsetof (BdCapAlert, msg_type) },
  { "source", offsetof (BdCapAlert, source) },
  { "scope", offsetof (BdCapAlert, scope) },
  { "restriction", offsetof (BdCapAlert, restriction) },
  { "addresses", offsetof (BdCapAlert, addresses) },
  { "note", offsetof (BdCapAlert, note) },
  { "references", offsetof (BdCapAlert, references) },
  { "incidents", offsetof (BdCapAlert, incidents) },
};

/* The member named by @node among @fields; NULL when none. */
static char **
text_member (gpointer          object,
             const TextField  *fields,
             gsize             n_fields,
             xmlNodePtr        node)
{
  for (gsize i = 0; i < n_fields; i++)
    if (is_named (node, fields[i].name))
      return (char **) ((guint8 *) object + fields[i].offset);
  return NULL;
}

static gboolean
read_info (BdCapAlert  *alert,
           xmlNodePtr   node,
           guint       *n_points,
           GError     **error)
{
  g_autoptr(BdCapInfo) info = bd_cap_info_new ();
  g_autoptr(GPtrArray) cats = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) responses = g_ptr_array_new_with_free_func (g_free);

  if (alert->infos->len >= BD_CAP_MAX_INFOS)
    {
      g_set_error (error, BD_CAP_ERROR, BD_CAP_ERROR_TOO_LARGE,
                   _("The alert has more than %d <info> blocks."), BD_CAP_MAX_INFOS);
      return FALSE;
    }
  for (xmlNodePtr child = node->children; child != NULL; child = child->next)
    {
      char **member;
      gboolean ok = TRUE;

      if (!is_cap (child))
        continue;
      member = text_member (info, info_fields, G_N_ELEMENTS (info_fields), child);
      if (member != NULL)
        ok = set_once (member, child, error);
      else if (is_named (child, "category"))
        ok = cats->len < 32 && add_text (cats, child, error);
      else if (is_named (child, "responseType"))
        ok = responses->len < 32 && add_text (responses, child, error);
      else if (is_named (child, "eventCode"))
        ok = info->event_codes->len < 64 && read_value (info->event_codes, child, error);
      else if (is_named (child, "parameter"))
        ok = info->parameters->len < 64 && read_value (info->parameters, child, error);
      else if (is_named (child, "area"))
        ok = read_area (info, child, n_points, error);
      else if (is_named (child, "audience") || is_named (child, "resource"))
        ok = TRUE;   /* allowed, not used */
      else
        ok = unknown_element (child, "info", error);
      if (!ok)
        {
          if (error != NULL && *error == NULL)
            g_set_error (error, BD_CAP_ERROR, BD_CAP_ERROR_TOO_LARGE,
                         _("<%s> is repeated too often (line %ld)."),
                         (const char *) child->name, xmlGetLineNo (child));
          return FALSE;
        }
    }
  info->categories = steal_strv (g_steal_pointer (&cats));
  info->response_types = steal_strv (g_steal_pointer (&responses));
  g_ptr_array_add (alert->infos, g_steal_pointer (&info));
  return TRUE;
}

static BdCapAlert *
read_alert (xmlNodePtr   root,
            GError     **error)
{
  g_autoptr(BdCapAlert) alert = bd_cap_alert_new ();
  guint n_points = 0;

  if (root == NULL || !is_named (root, "alert"))
    {
      g_set_error (error, BD_CAP_ERROR, BD_CAP_ERROR_INVALID,
                   _("The document is not a CAP 1.2 alert: its root must be <alert> in the "
                     "namespace %s."), BD_CAP_NAMESPACE);
      return NULL;
    }
  for (xmlNodePtr child = root->children; child != NULL; child = child->next)
    {
      char **member;
      gboolean ok;

      if (!is_cap (child))
        continue;
      member = text_member (alert, alert_fields, G_N_ELEMENTS (alert_fields), child);
      if (member != NULL)
        ok = set_once (member, child, error);
      else if (is_named (child, "info"))
        ok = read_info (alert, child, &n_points, error);
      else if (is_named (child, "code"))
        ok = TRUE;   /* allowed, not used */
      else
        ok = unknown_element (child, "alert", error);
      if (!ok)
        return NULL;
    }
  return g_steal_pointer (&alert);
}

BdCapAlert *
bd_cap_parse (const char  *data,
              gsize        length,
              GError     **error)
{
  g_autoptr(BdCapAlert) alert = NULL;
  xmlDocPtr doc;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  doc = read_document (data, length, error);
  if (doc == NULL)
    return NULL;
  alert = read_alert (xmlDocGetRootElement (doc), error);
  xmlFreeDoc (doc);
  if (alert == NULL || !bd_cap_alert_validate (alert, error))
    return NULL;
  return g_steal_pointer (&alert);
}
