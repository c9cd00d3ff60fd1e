/* bd-central-routes-cap.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* CAP 1.2 in and out (issue 12, part 4).
 *
 * In: POST /collections/alerts/items with Content-Type application/cap+xml
 * (an hq token). An Alert becomes a new feature (201, Location); an Update
 * replaces, a Cancel ends (active false, cancelled true) the feature of the
 * thread its <references> name (200, Location). Answers: 400 for a message
 * that is not well-formed, not valid CAP 1.2, has a DOCTYPE or entity, is
 * nested too deep or has too many parts, or has no area in the city; 413
 * over the body bound (1 MiB); 409 "exists" for an
 * alert received already, 409 "unknown-reference" for an Update or Cancel
 * that names no alert held here.
 *
 * Out: the city's evacuation information (`areas` of kind evacuation) and
 * shelter openings (`shelters` open or closed) as CAP 1.2:
 * GET /cap/feed.atom, an Atom feed with an entry per current item (lifted
 * and closed ones stay one day, as Cancel), and GET /cap/alerts/{key}.xml,
 * key "areas-{id}" or "shelters-{id}". Both need a token, as every route. */

#define G_LOG_DOMAIN "bd-central"

#include "config.h"

#include "bd-central-server-private.h"

#include <glib/gi18n-lib.h>
#include <libxml/xmlwriter.h>
#include <string.h>

#include "bd-cap.h"
#include "bd-central-geo.h"
#include "bd-json.h"
#include "bd-time.h"

#define ATOM_NAMESPACE  "http://www.w3.org/2005/Atom"
#define ATOM_TYPE       "application/atom+xml"
#define PAGE            500
#define MAX_SCANNED     20000            /* features read to find a thread */
#define MAX_PUBLISHED   10000            /* features of a collection in the feed */
#define ENDED_KEPT_USEC (G_GINT64_CONSTANT (24) * 3600 * G_USEC_PER_SEC)

static const char * const published[] = { "areas", "shelters", NULL };

gboolean
_bd_central_is_cap_post (Request *r)
{
  const char *type =
    soup_message_headers_get_content_type (soup_server_message_get_request_headers (r->msg), NULL);

  return g_strcmp0 (r->collection, "alerts") == 0 && type != NULL &&
         g_ascii_strcasecmp (type, BD_CAP_MEDIA_TYPE) == 0;
}

/* In */

static void
respond_cap_error (Request *r,
                   GError  *error)
{
  guint status = SOUP_STATUS_BAD_REQUEST;
  const char *code = "invalid-cap";

  if (error->domain == BD_CAP_ERROR)
    switch ((BdCapError) error->code)
      {
      case BD_CAP_ERROR_TOO_LARGE:
        /* the body's bytes are bounded before (413); here it is nesting,
         * or too many elements, positions or areas */
        code = "too-complex";
        break;
      case BD_CAP_ERROR_MALFORMED:
        code = "bad-xml";
        break;
      case BD_CAP_ERROR_FORBIDDEN:
        code = "forbidden-xml";
        break;
      case BD_CAP_ERROR_OUTSIDE:
        code = "outside-city";
        break;
      case BD_CAP_ERROR_UNSUPPORTED:
        code = "unsupported-cap";
        break;
      case BD_CAP_ERROR_INVALID:
      default:
        break;
      }
  _bd_central_respond_error (r->msg, status, code, error->message);
}

static JsonNode *
parse_stored (const BdCentralFeature *feature)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = bd_json_parse (feature->feature, strlen (feature->feature), 0, &error);

  if (node == NULL)
    g_warning ("%s/%s: %s", feature->collection, feature->id, error->message);
  return node;
}

/* The stored feature of the thread that one of @references names, or NULL
 * (no error) when none does. The thread of an alert's first message is
 * found by its id; a message later in a thread by reading the alerts. */
static BdCentralFeature *
find_thread (Request    *r,
             GPtrArray  *references,
             JsonNode  **node,
             GError    **error)
{
  BdCentralStore *store = r->server->store;
  BdCentralQuery query = { 0 };

  for (guint i = 0; i < references->len; i++)
    {
      BdCapReference *reference = references->pdata[i];
      g_autofree char *id = bd_cap_thread_id (reference->sender, reference->identifier);
      g_autoptr(BdCentralFeature) feature = bd_central_store_get (store, "alerts", id, error);
      g_autoptr(JsonNode) parsed = NULL;

      if (feature == NULL && error != NULL && *error != NULL)
        return NULL;
      if (feature == NULL || feature->deleted || (parsed = parse_stored (feature)) == NULL)
        continue;
      if (bd_cap_feature_has_message (parsed, reference))
        {
          *node = g_steal_pointer (&parsed);
          return g_steal_pointer (&feature);
        }
    }

  query.limit = PAGE;
  for (query.offset = 0; query.offset < MAX_SCANNED; query.offset += PAGE)
    {
      g_autoptr(GPtrArray) page = NULL;
      gint64 n_matched = 0;

      page = bd_central_store_list (store, "alerts", &query, &n_matched, error);
      if (page == NULL)
        return NULL;
      for (guint k = 0; k < page->len; k++)
        {
          BdCentralFeature *feature = page->pdata[k];
          g_autoptr(JsonNode) parsed = NULL;
          gboolean named = FALSE;

          /* read only those whose text names one of the identifiers (as
           * JSON writes it: one with characters JSON escapes is always read) */
          for (guint i = 0; i < references->len && !named; i++)
            {
              const char *identifier = ((BdCapReference *) references->pdata[i])->identifier;

              named = strpbrk (identifier, "\"\\") != NULL ||
                      strstr (feature->feature, identifier) != NULL;
            }
          if (!named || (parsed = parse_stored (feature)) == NULL)
            continue;
          for (guint i = 0; i < references->len; i++)
            if (bd_cap_feature_has_message (parsed, references->pdata[i]))
              {
                *node = g_steal_pointer (&parsed);
                return g_steal_pointer (&page->pdata[k]);
              }
        }
      if (page->len < PAGE)
        break;
    }
  return NULL;
}

/* The write's check: a new thread must not exist; a thread replaced must
 * still be the revision read. */
typedef struct
{
  gboolean new_thread;
  gint64   rev;
  guint    status;
  const char *code;
} CapCheck;

#define CAP_CHECK_ERROR (g_quark_from_static_string ("bd-central-cap-check"))

static gboolean
cap_check (const BdCentralFeature *current,
           gpointer                user_data,
           GError                **error)
{
  CapCheck *check = user_data;

  if (check->new_thread && current != NULL)
    {
      check->status = SOUP_STATUS_CONFLICT;
      check->code = "exists";
      g_set_error_literal (error, CAP_CHECK_ERROR, 0,
                           _("This CAP alert (the same sender and identifier) was received "
                             "already."));
      return FALSE;
    }
  if (!check->new_thread && (current == NULL || current->rev != check->rev))
    {
      check->status = SOUP_STATUS_CONFLICT;
      check->code = "conflict";
      g_set_error_literal (error, CAP_CHECK_ERROR, 0,
                           _("The alert changed while this message was applied; send it again."));
      return FALSE;
    }
  return TRUE;
}

static void
write_alert (Request    *r,
             const char *id,
             JsonNode   *feature,
             CapCheck   *check)
{
  g_autoptr(BdCentralFeature) written = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *location = NULL;
  gboolean created = FALSE;

  written = bd_central_store_write (r->server->store, "alerts", id, feature, cap_check, check,
                                    &created, &error);
  if (written == NULL)
    {
      if (g_error_matches (error, CAP_CHECK_ERROR, 0))
        _bd_central_respond_error (r->msg, check->status, check->code, error->message);
      else if (g_error_matches (error, BD_CENTRAL_STORE_ERROR, BD_CENTRAL_STORE_ERROR_INVALID))
        _bd_central_respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "invalid-cap",
                                   error->message);
      else
        {
          g_warning ("%s", error->message);
          _bd_central_respond_error (r->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                                     error->message);
        }
      return;
    }
  location = g_strdup_printf ("%s/collections/alerts/items/%s", r->base, id);
  soup_message_headers_replace (soup_server_message_get_response_headers (r->msg),
                                "Location", location);
  _bd_central_respond_feature (r, created ? SOUP_STATUS_CREATED : SOUP_STATUS_OK, written);
}

void
_bd_central_handle_cap_post (Request *r)
{
  SoupMessageBody *body = soup_server_message_get_request_body (r->msg);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(BdCapAlert) alert = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(JsonNode) feature = NULL;
  g_autoptr(GPtrArray) references = NULL;
  g_autoptr(BdCentralFeature) current = NULL;
  g_autoptr(JsonNode) current_node = NULL;
  BdCapReference own;
  CapCheck check = { 0 };
  const char *data;
  gsize size;

  if (r->token->role != BD_CENTRAL_ROLE_HQ)
    {
      _bd_central_respond_error (r->msg, SOUP_STATUS_FORBIDDEN, "forbidden",
                                 _("Only an hq token may send CAP alerts."));
      return;
    }
  if (g_object_get_data (G_OBJECT (r->msg), MSG_TOO_LARGE) != NULL)
    {
      _bd_central_respond_error (r->msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "payload-too-large",
                                 _("The request body is too large."));
      return;
    }
  bytes = soup_message_body_flatten (body);
  data = g_bytes_get_data (bytes, &size);
  if (size == 0)
    {
      _bd_central_respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "bad-request",
                                 _("The request has no body."));
      return;
    }

  alert = bd_cap_parse (data, size, &error);
  if (alert == NULL)
    {
      respond_cap_error (r, error);
      return;
    }

  if (strcmp (alert->msg_type, "Alert") == 0)
    {
      g_autofree char *id = bd_cap_thread_id (alert->sender, alert->identifier);

      feature = bd_cap_alert_to_feature (alert, id, now, &error);
      if (feature == NULL)
        {
          respond_cap_error (r, error);
          return;
        }
      check.new_thread = TRUE;
      write_alert (r, id, feature, &check);
      return;
    }
  if (strcmp (alert->msg_type, "Update") != 0 && strcmp (alert->msg_type, "Cancel") != 0)
    {
      g_set_error (&error, BD_CAP_ERROR, BD_CAP_ERROR_UNSUPPORTED,
                   _("A CAP %s message is not taken here; only Alert, Update and Cancel are."),
                   alert->msg_type);
      respond_cap_error (r, error);
      return;
    }

  references = bd_cap_alert_get_references (alert, &error);
  g_assert (references != NULL);   /* bd_cap_parse checked them */
  current = find_thread (r, references, &current_node, &error);
  if (current == NULL && error != NULL)
    {
      g_warning ("%s", error->message);
      _bd_central_respond_error (r->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                                 error->message);
      return;
    }
  if (current == NULL)
    {
      g_autofree char *message =
        g_strdup_printf (_("The %s names no alert held here (references: %s)."),
                         alert->msg_type, alert->references);
      _bd_central_respond_error (r->msg, SOUP_STATUS_CONFLICT, "unknown-reference", message);
      return;
    }
  own.sender = alert->sender;
  own.identifier = alert->identifier;
  own.sent = alert->sent;
  if (bd_cap_feature_has_message (current_node, &own))
    {
      _bd_central_respond_error (r->msg, SOUP_STATUS_CONFLICT, "exists",
                                 _("This CAP alert (the same sender and identifier) was received "
                                   "already."));
      return;
    }

  if (strcmp (alert->msg_type, "Update") == 0)
    {
      feature = bd_cap_alert_to_feature (alert, current->id, now, &error);
      if (feature == NULL)
        {
          respond_cap_error (r, error);
          return;
        }
      bd_cap_feature_carry_thread (feature, current_node);
    }
  else
    feature = bd_cap_feature_cancel (current_node, alert, now);

  check.rev = current->rev;
  write_alert (r, current->id, feature, &check);
}

/* Out */

typedef struct
{
  const char *collection;
  char       *id;
  gint64      updated_at;
  BdCapAlert *alert;
} Item;

static void
item_clear (Item *item)
{
  g_free (item->id);
  bd_cap_alert_free (item->alert);
}

/* The published items of @collection: open or in force, or ended in the
 * last day. FALSE with an error on a store error. */
static gboolean
collect_items (Request     *r,
               const char  *collection,
               GArray      *items,
               GError     **error)
{
  BdCentralQuery query = { 0 };
  gint64 now = g_get_real_time ();

  query.limit = PAGE;
  for (query.offset = 0; query.offset < MAX_PUBLISHED; query.offset += PAGE)
    {
      g_autoptr(GPtrArray) page = NULL;
      gint64 n_matched = 0;

      page = bd_central_store_list (r->server->store, collection, &query, &n_matched, error);
      if (page == NULL)
        return FALSE;
      for (guint k = 0; k < page->len; k++)
        {
          BdCentralFeature *feature = page->pdata[k];
          g_autoptr(JsonNode) node = NULL;
          BdCapAlert *alert;
          Item item;

          /* cheap test first: most areas are not evacuation areas */
          if (strcmp (collection, "areas") == 0 && strstr (feature->feature, "evacuation") == NULL)
            continue;
          if ((node = parse_stored (feature)) == NULL)
            continue;
          alert = bd_cap_alert_from_city_feature (collection, node, feature->rev,
                                                  feature->updated_at, NULL);
          if (alert == NULL)
            continue;
          if (strcmp (alert->msg_type, "Cancel") == 0 ||
              (alert->infos->len > 0 &&
               ((BdCapInfo *) alert->infos->pdata[0])->response_types != NULL &&
               g_strv_contains ((const char * const *)
                                ((BdCapInfo *) alert->infos->pdata[0])->response_types,
                                "AllClear")))
            {
              if (now - feature->updated_at > ENDED_KEPT_USEC)
                {
                  bd_cap_alert_free (alert);
                  continue;
                }
            }
          item.collection = collection;
          item.id = g_strdup (feature->id);
          item.updated_at = feature->updated_at;
          item.alert = alert;
          g_array_append_val (items, item);
        }
      if (page->len < PAGE)
        break;
    }
  return TRUE;
}

static char *
format_usec (gint64 usec)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  return bd_format_timestamp (when);
}

static void
write_element (xmlTextWriterPtr  w,
               const char       *name,
               const char       *text)
{
  if (text != NULL)
    xmlTextWriterWriteElement (w, BAD_CAST name, BAD_CAST text);
}

static void
write_link (xmlTextWriterPtr  w,
            const char       *rel,
            const char       *type,
            const char       *href)
{
  xmlTextWriterStartElement (w, BAD_CAST "link");
  xmlTextWriterWriteAttribute (w, BAD_CAST "rel", BAD_CAST rel);
  xmlTextWriterWriteAttribute (w, BAD_CAST "type", BAD_CAST type);
  xmlTextWriterWriteAttribute (w, BAD_CAST "href", BAD_CAST href);
  xmlTextWriterEndElement (w);
}

static void
handle_feed (Request *r)
{
  g_autoptr(GArray) items = g_array_new (FALSE, TRUE, sizeof (Item));
  g_autoptr(GError) error = NULL;
  g_autofree char *self_url = g_strdup_printf ("%s/cap/feed.atom", r->base);
  g_autofree char *updated = NULL;
  gint64 newest = 0;
  xmlBufferPtr buffer;
  xmlTextWriterPtr w;
  char *text;

  g_array_set_clear_func (items, (GDestroyNotify) item_clear);
  for (guint i = 0; published[i] != NULL; i++)
    if (!collect_items (r, published[i], items, &error))
      {
        g_warning ("%s", error->message);
        _bd_central_respond_error (r->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                                   error->message);
        return;
      }
  for (guint i = 0; i < items->len; i++)
    newest = MAX (newest, g_array_index (items, Item, i).updated_at);
  updated = format_usec (newest > 0 ? newest : g_get_real_time ());

  buffer = xmlBufferCreate ();
  w = xmlNewTextWriterMemory (buffer, 0);
  xmlTextWriterSetIndent (w, 1);
  xmlTextWriterSetIndentString (w, BAD_CAST "  ");
  xmlTextWriterStartDocument (w, NULL, "UTF-8", NULL);
  xmlTextWriterStartElementNS (w, NULL, BAD_CAST "feed", BAD_CAST ATOM_NAMESPACE);
  write_element (w, "id", "urn:bosai-desk:cap:feed");
  write_element (w, "title", _("Osaka City: evacuation information and shelters (CAP 1.2)"));
  write_element (w, "updated", updated);
  xmlTextWriterStartElement (w, BAD_CAST "author");
  write_element (w, "name", "大阪市");
  xmlTextWriterEndElement (w);
  write_link (w, "self", ATOM_TYPE, self_url);

  for (guint i = 0; i < items->len; i++)
    {
      Item *item = &g_array_index (items, Item, i);
      BdCapInfo *info = item->alert->infos->pdata[0];
      g_autofree char *entry_id = g_strdup_printf ("urn:bosai-desk:%s:%s", item->collection,
                                                   item->id);
      g_autofree char *url = g_strdup_printf ("%s/cap/alerts/%s-%s.xml", r->base,
                                              item->collection, item->id);
      g_autofree char *entry_updated = format_usec (item->updated_at);

      xmlTextWriterStartElement (w, BAD_CAST "entry");
      write_element (w, "id", entry_id);
      write_element (w, "title", info->headline);
      write_element (w, "updated", entry_updated);
      write_element (w, "summary", info->instruction ? info->instruction : info->headline);
      xmlTextWriterStartElement (w, BAD_CAST "category");
      xmlTextWriterWriteAttribute (w, BAD_CAST "term", BAD_CAST item->alert->msg_type);
      xmlTextWriterEndElement (w);
      write_link (w, "alternate", BD_CAP_MEDIA_TYPE, url);
      xmlTextWriterEndElement (w);
    }

  xmlTextWriterEndElement (w);
  xmlTextWriterEndDocument (w);
  xmlFreeTextWriter (w);
  text = g_strndup ((const char *) xmlBufferContent (buffer), xmlBufferLength (buffer));
  xmlBufferFree (buffer);
  _bd_central_respond_json (r->msg, SOUP_STATUS_OK, ATOM_TYPE, text);
}

static void
handle_alert (Request    *r,
              const char *name)
{
  g_autofree char *key = NULL;
  g_autoptr(BdCentralFeature) feature = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(BdCapAlert) alert = NULL;
  g_autoptr(GError) error = NULL;
  const char *collection = NULL;
  const char *id = NULL;

  if (!g_str_has_suffix (name, ".xml"))
    goto not_found;
  key = g_strndup (name, strlen (name) - 4);
  for (guint i = 0; published[i] != NULL; i++)
    if (g_str_has_prefix (key, published[i]) && key[strlen (published[i])] == '-')
      {
        collection = published[i];
        id = key + strlen (published[i]) + 1;
      }
  if (collection == NULL || !bd_central_id_is_valid (id))
    goto not_found;

  feature = bd_central_store_get (r->server->store, collection, id, &error);
  if (error != NULL)
    {
      _bd_central_respond_error (r->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                                 error->message);
      return;
    }
  if (feature == NULL || feature->deleted || (node = parse_stored (feature)) == NULL)
    goto not_found;
  alert = bd_cap_alert_from_city_feature (collection, node, feature->rev, feature->updated_at,
                                          &error);
  if (alert == NULL)
    {
      _bd_central_respond_error (r->msg, SOUP_STATUS_NOT_FOUND, "not-published", error->message);
      return;
    }
  _bd_central_respond_json (r->msg, SOUP_STATUS_OK, BD_CAP_MEDIA_TYPE,
                            bd_cap_alert_write (alert, NULL));
  return;

not_found:
  _bd_central_respond_error (r->msg, SOUP_STATUS_NOT_FOUND, "not-found",
                             _("There is no such CAP alert."));
}

void
_bd_central_route_cap (Request            *r,
                       const char * const *parts,
                       guint               n)
{
  const char *method = soup_server_message_get_method (r->msg);

  if ((n == 2 && strcmp (parts[1], "feed.atom") == 0) ||
      (n == 3 && strcmp (parts[1], "alerts") == 0))
    {
      if (method != SOUP_METHOD_GET && method != SOUP_METHOD_HEAD)
        {
          soup_message_headers_replace (soup_server_message_get_response_headers (r->msg),
                                        "Allow", "GET, HEAD");
          _bd_central_respond_error (r->msg, SOUP_STATUS_METHOD_NOT_ALLOWED,
                                     "method-not-allowed", _("This method is not allowed here."));
        }
      else if (n == 2)
        handle_feed (r);
      else
        handle_alert (r, parts[2]);
      return;
    }
  _bd_central_respond_error (r->msg, SOUP_STATUS_NOT_FOUND, "not-found",
                             _("There is no such resource."));
}
