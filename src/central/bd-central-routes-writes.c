/* bd-central-routes-writes.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Writing features (OGC API – Features Part 4): POST, PUT and DELETE with
 * optimistic locking (If-Match, If-None-Match: *) and ward permissions. */

#define G_LOG_DOMAIN "bd-central"

#include "config.h"

#include "bd-central-server-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bd-central-geo.h"
#include "bd-feature-validate.h"
#include "bd-json.h"
#include "bd-report.h"

/* What a write's check saw, for the response. */
typedef struct
{
  Request          *request;
  const char       *if_match;
  gboolean          if_none_match;
  gboolean          must_not_exist;  /* POST */
  gboolean          is_delete;       /* a replace of a tombstone restores it */
  BdCentralFeature *current;         /* copy of the current feature on a 412 */
  guint             status;
  const char       *code;
} WriteCheck;

#define CHECK_ERROR (g_quark_from_static_string ("bd-central-check"))

/* The feature's id, as text: NULL when it has none. FALSE when unusable. */
static gboolean
feature_id (JsonNode    *node,
            char       **id)
{
  JsonObject *object = json_node_get_object (node);
  JsonNode *member = json_object_get_member (object, "id");

  *id = NULL;
  if (member == NULL || JSON_NODE_HOLDS_NULL (member))
    return TRUE;
  if (json_node_get_value_type (member) == G_TYPE_STRING)
    *id = g_strdup (json_node_get_string (member));
  else if (json_node_get_value_type (member) == G_TYPE_INT64)
    *id = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (member));
  else
    return FALSE;
  return bd_central_id_is_valid (*id);
}

/* A report may name only photos the server holds: clients upload them
 * first. On failure responds 409 and returns FALSE. */
static gboolean
attachments_present (Request  *r,
                     BdReport *report)
{
  g_autoptr(GVariant) attachments = bd_report_get_attachments (report);
  GVariantIter iter;
  const char *sha256;

  g_variant_iter_init (&iter, attachments);
  while (g_variant_iter_next (&iter, "(&s&s&s)", &sha256, NULL, NULL))
    if (!bd_central_store_has_attachment (r->server->store, sha256))
      {
        g_autofree char *message =
          g_strdup_printf (_("The report names the photo %s, which has not been uploaded."), sha256);
        _bd_central_respond_error (r->msg, SOUP_STATUS_CONFLICT, "missing-attachment", message);
        return FALSE;
      }
  return TRUE;
}

/* Validates the new copy and brings it to the stored form; on failure
 * responds and returns NULL. */
static JsonNode *
prepare_feature (Request    *r,
                 JsonNode   *node,
                 const char *id)
{
  g_autoptr(GError) error = NULL;

  if (!bd_central_feature_check (node, NULL, &error))
    {
      _bd_central_respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "invalid-feature",
                                 error->message);
      return NULL;
    }
  json_object_set_string_member (json_node_get_object (node), "id", id);

  if (g_strcmp0 (r->collection, "reports") == 0)
    {
      g_autoptr(BdReport) report = bd_report_new_from_json (node, &error);

      if (report == NULL || !bd_report_validate (report, &error))
        {
          _bd_central_respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "invalid-report",
                                     error->message);
          return NULL;
        }
      if (r->token->role == BD_CENTRAL_ROLE_WARD &&
          g_strcmp0 (bd_report_get_ward (report), r->token->ward) != 0)
        {
          _bd_central_respond_error (r->msg, SOUP_STATUS_FORBIDDEN, "forbidden",
                                     _("A ward token may only write its own ward’s reports."));
          return NULL;
        }
      if (!attachments_present (r, report))
        return NULL;
      return bd_report_to_json (report);
    }

  if (bd_feature_is_overlay_collection (r->collection) &&
      !bd_feature_validate (r->collection, node, NULL, &error))
    {
      _bd_central_respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "invalid-feature",
                                 error->message);
      return NULL;
    }

  return json_node_ref (node);
}

static gboolean
may_write_collection (Request *r)
{
  if (r->token->role == BD_CENTRAL_ROLE_HQ || g_strcmp0 (r->collection, "reports") == 0)
    return TRUE;
  _bd_central_respond_error (r->msg, SOUP_STATUS_FORBIDDEN, "forbidden",
                             _("A ward token may only write reports."));
  return FALSE;
}

/* The ward of the stored copy of a report: NULL when it names none.
 * FALSE with @error when the stored text cannot be read. */
static gboolean
stored_ward (const BdCentralFeature  *feature,
             char                   **ward,
             GError                 **error)
{
  g_autoptr(JsonNode) node = NULL;
  JsonNode *props;

  *ward = NULL;
  node = bd_json_parse (feature->feature, strlen (feature->feature), 0, error);
  if (node == NULL)
    {
      g_prefix_error (error, _("The stored copy of %s cannot be read: "), feature->id);
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return TRUE;
  props = json_object_get_member (json_node_get_object (node), "properties");
  if (props == NULL || !JSON_NODE_HOLDS_OBJECT (props))
    return TRUE;
  *ward = g_strdup (json_object_get_string_member_with_default (json_node_get_object (props),
                                                                "ward", NULL));
  return TRUE;
}

/* Does @if_match ("\"3\"", "\"3\", \"4\"", "*") match @rev? */
static gboolean
etag_matches (const char *if_match,
              gint64      rev)
{
  g_auto(GStrv) tags = g_strsplit (if_match, ",", 16);
  g_autofree char *etag = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", rev);

  for (guint i = 0; tags[i] != NULL; i++)
    {
      const char *tag = g_strstrip (tags[i]);

      if (strcmp (tag, "*") == 0 || strcmp (tag, etag) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
write_check (const BdCentralFeature *current,
             gpointer                user_data,
             GError                **error)
{
  WriteCheck *check = user_data;
  Request *r = check->request;
  g_autofree char *ward = NULL;

  if (current != NULL && r->token->role == BD_CENTRAL_ROLE_WARD &&
      g_strcmp0 (r->collection, "reports") == 0 &&
      !stored_ward (current, &ward, error))
    return FALSE;
  if (current != NULL && r->token->role == BD_CENTRAL_ROLE_WARD &&
      g_strcmp0 (r->collection, "reports") == 0 &&
      g_strcmp0 (ward, r->token->ward) != 0)
    {
      check->status = SOUP_STATUS_FORBIDDEN;
      check->code = "forbidden";
      g_set_error_literal (error, CHECK_ERROR, 0,
                           _("A ward token may only write its own ward’s reports."));
      return FALSE;
    }

  if (check->must_not_exist && current != NULL)
    {
      check->status = SOUP_STATUS_CONFLICT;
      check->code = "exists";
      g_set_error_literal (error, CHECK_ERROR, 0, _("A feature with this id exists already."));
      return FALSE;
    }

  if ((check->if_none_match && current != NULL) ||
      (check->if_match != NULL &&
       (current == NULL || (current->deleted && check->is_delete) ||
        !etag_matches (check->if_match, current->rev))))
    {
      check->status = SOUP_STATUS_PRECONDITION_FAILED;
      check->code = "precondition-failed";
      if (current != NULL)
        {
          check->current = g_new0 (BdCentralFeature, 1);
          check->current->collection = g_strdup (current->collection);
          check->current->id = g_strdup (current->id);
          check->current->feature = g_strdup (current->feature);
          check->current->rev = current->rev;
          check->current->seq = current->seq;
          check->current->deleted = current->deleted;
        }
      g_set_error_literal (error, CHECK_ERROR, 0,
                           current == NULL ? _("There is no such feature.")
                                           : _("The feature has changed (or was deleted) since "
                                               "that version."));
      return FALSE;
    }

  return TRUE;
}

static void
do_write (Request    *r,
          JsonNode   *feature,
          WriteCheck *check,
          gboolean    is_post)
{
  g_autoptr(BdCentralFeature) written = NULL;
  g_autoptr(BdCentralFeature) current = NULL;
  g_autoptr(GError) error = NULL;
  gboolean created = FALSE;

  written = bd_central_store_write (r->server->store, r->collection, r->id, feature,
                                    write_check, check, &created, &error);
  current = g_steal_pointer (&check->current);

  if (written == NULL)
    {
      if (g_error_matches (error, CHECK_ERROR, 0))
        {
          if (current != NULL)
            _bd_central_respond_feature (r, check->status, current);
          else
            _bd_central_respond_error (r->msg, check->status, check->code, error->message);
        }
      else if (g_error_matches (error, BD_CENTRAL_STORE_ERROR, BD_CENTRAL_STORE_ERROR_NOT_FOUND))
        _bd_central_respond_error (r->msg, SOUP_STATUS_NOT_FOUND, "not-found", error->message);
      else if (g_error_matches (error, BD_CENTRAL_STORE_ERROR, BD_CENTRAL_STORE_ERROR_INVALID))
        _bd_central_respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "invalid-feature",
                                   error->message);
      else
        {
          g_warning ("%s", error->message);
          _bd_central_respond_error (r->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                                     error->message);
        }
      return;
    }

  if (created)
    {
      g_autofree char *location = g_strdup_printf ("%s/collections/%s/items/%s",
                                                   r->base, r->collection, r->id);

      soup_message_headers_replace (soup_server_message_get_response_headers (r->msg),
                                    "Location", location);
    }
  _bd_central_respond_feature (r, created ? SOUP_STATUS_CREATED : SOUP_STATUS_OK, written);
}

void
_bd_central_handle_items_post (Request *r)
{
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) feature = NULL;
  g_autofree char *id = NULL;
  WriteCheck check = { r, NULL, FALSE, TRUE, FALSE, NULL, 0, NULL };

  if (!may_write_collection (r) || (body = _bd_central_read_json_body (r)) == NULL)
    return;
  if (!JSON_NODE_HOLDS_OBJECT (body))
    {
      _bd_central_respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "invalid-feature",
                                 _("The body is not a GeoJSON Feature object."));
      return;
    }
  if (!feature_id (body, &id))
    {
      _bd_central_respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "invalid-id",
                                 _("The feature’s id must be 1 to 128 letters, digits or “._~-”."));
      return;
    }
  if (id == NULL)
    id = g_uuid_string_random ();
  r->id = id;

  feature = prepare_feature (r, body, id);
  if (feature != NULL)
    do_write (r, feature, &check, TRUE);
}

void
_bd_central_handle_item_put (Request *r)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (r->msg);
  const char *if_match = soup_message_headers_get_one (headers, "If-Match");
  const char *if_none_match = soup_message_headers_get_one (headers, "If-None-Match");
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) feature = NULL;
  g_autofree char *id = NULL;
  WriteCheck check = { r, if_match, FALSE, FALSE, FALSE, NULL, 0, NULL };

  if (!may_write_collection (r))
    return;
  if (if_none_match != NULL)
    {
      while (*if_none_match == ' ')
        if_none_match++;
      check.if_none_match = g_str_has_prefix (if_none_match, "*");
    }
  if (if_match == NULL && !check.if_none_match)
    {
      _bd_central_respond_error (r->msg, 428, "precondition-required",
                                 _("A replace needs If-Match: \"<rev>\" (or If-None-Match: * to create)."));
      return;
    }
  if ((body = _bd_central_read_json_body (r)) == NULL)
    return;
  if (!JSON_NODE_HOLDS_OBJECT (body))
    {
      _bd_central_respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "invalid-feature",
                                 _("The body is not a GeoJSON Feature object."));
      return;
    }
  if (!feature_id (body, &id) || (id != NULL && strcmp (id, r->id) != 0))
    {
      _bd_central_respond_error (r->msg, SOUP_STATUS_BAD_REQUEST, "invalid-id",
                                 _("The feature’s id differs from the one in the URL."));
      return;
    }

  feature = prepare_feature (r, body, r->id);
  if (feature != NULL)
    do_write (r, feature, &check, FALSE);
}

void
_bd_central_handle_item_delete (Request *r)
{
  const char *if_match =
    soup_message_headers_get_one (soup_server_message_get_request_headers (r->msg), "If-Match");
  WriteCheck check = { r, if_match, FALSE, FALSE, TRUE, NULL, 0, NULL };

  if (!may_write_collection (r))
    return;
  if (if_match == NULL)
    {
      _bd_central_respond_error (r->msg, 428, "precondition-required",
                                 _("A delete needs If-Match: \"<rev>\"."));
      return;
    }
  do_write (r, NULL, &check, FALSE);
}
