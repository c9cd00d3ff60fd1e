/* test-central.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* bosai-central over real HTTP (the harness is in central-harness.c). */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <gio/gio.h>
#include <gio/gunixinputstream.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "bd-central-store.h"
#include "central-harness.h"


static const char *
prop_string (JsonObject *feature,
             const char *name)
{
  return json_object_get_string_member (json_object_get_object_member (feature, "properties"), name);
}

static gint64
prop_int (JsonObject *feature,
          const char *name)
{
  return json_object_get_int_member (json_object_get_object_member (feature, "properties"), name);
}

static char *
shelter_json (const char *id,
              const char *name,
              const char *coordinates)
{
  g_autofree char *id_member = id ? g_strdup_printf ("\"id\":\"%s\",", id) : g_strdup ("");

  return g_strdup_printf ("{\"type\":\"Feature\",%s"
                          "\"geometry\":{\"type\":\"Point\",\"coordinates\":%s},"
                          "\"properties\":{\"name\":\"%s\",\"capacity\":300,"
                          "\"kind\":\"shelter\",\"ward\":\"271276\",\"state\":\"open\"}}",
                          id_member, coordinates, name);
}

static gboolean
has_link (JsonObject *o,
          const char *rel,
          const char *href_suffix)
{
  JsonArray *links = json_object_get_array_member (o, "links");

  for (guint i = 0; i < json_array_get_length (links); i++)
    {
      JsonObject *link = json_array_get_object_element (links, i);

      if (g_strcmp0 (json_object_get_string_member (link, "rel"), rel) == 0 &&
          g_str_has_suffix (json_object_get_string_member (link, "href"), href_suffix))
        return TRUE;
    }
  return FALSE;
}

static const char *
next_link (JsonObject *o)
{
  JsonArray *links = json_object_get_array_member (o, "links");

  for (guint i = 0; i < json_array_get_length (links); i++)
    {
      JsonObject *link = json_array_get_object_element (links, i);

      if (g_strcmp0 (json_object_get_string_member (link, "rel"), "next") == 0)
        return json_object_get_string_member (link, "href");
    }
  return NULL;
}

/* Tests */

static void
test_landing (void)
{
  g_autoptr(Server) server = server_start ();
  g_autoptr(Response) landing = request (server, "GET", "/", NULL, NULL, NULL, NULL);
  g_autoptr(Response) api = request (server, "GET", "/api", NULL, NULL, NULL, NULL);
  g_autoptr(Response) conformance = request (server, "GET", "/conformance", NULL, NULL, NULL, NULL);
  g_autoptr(Response) no_token = request (server, "GET", "/collections", NULL, NULL, NULL, NULL);
  g_autoptr(Response) collections = request (server, "GET", "/collections", server->ward, NULL, NULL, NULL);
  g_autoptr(Response) reports = request (server, "GET", "/collections/reports", server->ward, NULL, NULL, NULL);
  g_autoptr(Response) unknown = request (server, "GET", "/collections/nope", server->hq, NULL, NULL, NULL);
  g_autoptr(Response) nowhere = request (server, "GET", "/nowhere", server->hq, NULL, NULL, NULL);
  g_autoptr(Response) bad_method = request (server, "DELETE", "/collections", server->hq, NULL, NULL, NULL);
  g_autoptr(Response) forwarded = NULL;
  const char *fwd[] = { "X-Forwarded-Proto", "https", "X-Forwarded-Host", "desk.example.jp", NULL };
  JsonArray *array;
  JsonObject *o;
  g_autofree char *conformance_text = NULL;

  g_assert_cmpuint (landing->status, ==, 200);
  o = object (landing);
  g_assert_true (has_link (o, "self", "/"));
  g_assert_true (has_link (o, "conformance", "/conformance"));
  g_assert_true (has_link (o, "data", "/collections"));
  g_assert_true (has_link (o, "service-desc", "/api"));

  g_assert_cmpuint (api->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (object (api), "openapi"), ==, "3.0.3");
  g_assert_true (json_object_has_member (json_object_get_object_member (object (api), "paths"),
                                         "/collections/reports/items/{featureId}"));

  g_assert_cmpuint (conformance->status, ==, 200);
  conformance_text = json_to_string (conformance->json, FALSE);
  g_assert_nonnull (strstr (conformance_text, "conf/core"));
  g_assert_nonnull (strstr (conformance_text, "conf/geojson"));
  g_assert_nonnull (strstr (conformance_text, "conf/oas30"));
  g_assert_nonnull (strstr (conformance_text, "conf/create-replace-delete"));

  assert_error (no_token, 401, "unauthorized");
  g_assert_true (g_str_has_prefix (no_token->www_authenticate, "Bearer"));

  g_assert_cmpuint (collections->status, ==, 200);
  array = json_object_get_array_member (object (collections), "collections");
  g_assert_cmpuint (json_array_get_length (array), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      static const char * const ids[] = { "reports", "shelters", "areas", "alerts" };
      JsonObject *c = json_array_get_object_element (array, i);

      g_assert_cmpstr (json_object_get_string_member (c, "id"), ==, ids[i]);
      g_assert_cmpstr (json_object_get_string_member (c, "itemType"), ==, "feature");
      g_assert_true (has_link (c, "items", "/items"));
    }

  g_assert_cmpuint (reports->status, ==, 200);
  o = object (reports);
  g_assert_cmpstr (json_object_get_string_member (o, "id"), ==, "reports");
  array = json_array_get_array_element (
    json_object_get_array_member (json_object_get_object_member (
      json_object_get_object_member (o, "extent"), "spatial"), "bbox"), 0);
  g_assert_cmpfloat_with_epsilon (json_array_get_double_element (array, 0), 135.33, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_array_get_double_element (array, 3), 34.80, 1e-9);

  assert_error (unknown, 404, "not-found");
  assert_error (nowhere, 404, "not-found");
  assert_error (bad_method, 405, "method-not-allowed");

  /* Behind nginx the links name the address the client used. */
  forwarded = request_full (server, "GET", "/", NULL, NULL, NULL, fwd);
  g_assert_true (has_link (object (forwarded), "data", "https://desk.example.jp/collections"));
}

static void
test_crud (void)
{
  g_autoptr(Server) server = server_start ();
  g_autofree char *json = report_json (NULL, KITA, "Fire near the station", 135.50, 34.70, 9);
  g_autofree char *path = NULL;
  g_autofree char *changed = NULL;
  g_autofree char *changed2 = NULL;
  g_autoptr(Response) created = request (server, "POST", "/collections/reports/items", server->hq, json, NULL, NULL);
  g_autoptr(Response) got = NULL;
  g_autoptr(Response) replaced = NULL;
  g_autoptr(Response) stale = NULL;
  g_autoptr(Response) unconditional = NULL;
  g_autoptr(Response) stale_delete = NULL;
  g_autoptr(Response) deleted = NULL;
  g_autoptr(Response) gone = NULL;
  g_autoptr(Response) list = NULL;
  g_autoptr(Response) again = NULL;
  const char *id;

  g_assert_cmpuint (created->status, ==, 201);
  g_assert_cmpstr (created->etag, ==, "\"1\"");
  g_assert_cmpstr (created->content_type, ==, "application/geo+json");
  id = json_object_get_string_member (object (created), "id");
  g_assert_true (g_uuid_string_is_valid (id));
  path = g_strdup_printf ("/collections/reports/items/%s", id);
  g_assert_true (g_str_has_suffix (created->location, path));
  g_assert_true (g_str_has_prefix (created->location, server->base));
  g_assert_cmpint (prop_int (object (created), "rev"), ==, 1);
  g_assert_cmpint (prop_int (object (created), "seq"), >=, 1);

  got = request (server, "GET", path, server->ward, NULL, NULL, NULL);
  g_assert_cmpuint (got->status, ==, 200);
  g_assert_cmpstr (got->etag, ==, "\"1\"");
  g_assert_cmpstr (prop_string (object (got), "title"), ==, "Fire near the station");

  changed = report_json (id, KITA, "Fire spreading", 135.50, 34.70, 9);
  replaced = request (server, "PUT", path, server->hq, changed, "If-Match", "\"1\"");
  g_assert_cmpuint (replaced->status, ==, 200);
  g_assert_cmpstr (replaced->etag, ==, "\"2\"");
  g_assert_cmpint (prop_int (object (replaced), "rev"), ==, 2);
  g_assert_cmpint (prop_int (object (replaced), "seq"), >, prop_int (object (created), "seq"));

  /* A stale If-Match gets 412 and the current copy, to merge with. */
  changed2 = report_json (id, KITA, "Lost update", 135.50, 34.70, 9);
  stale = request (server, "PUT", path, server->hq, changed2, "If-Match", "\"1\"");
  g_assert_cmpuint (stale->status, ==, 412);
  g_assert_cmpstr (stale->etag, ==, "\"2\"");
  g_assert_cmpstr (prop_string (object (stale), "title"), ==, "Fire spreading");

  unconditional = request (server, "PUT", path, server->hq, changed2, NULL, NULL);
  assert_error (unconditional, 428, "precondition-required");

  /* The id in the body must be the one in the URL. */
  again = request (server, "PUT", "/collections/reports/items/other-id", server->hq, changed2,
                   "If-Match", "\"2\"");
  assert_error (again, 400, "invalid-id");

  stale_delete = request (server, "DELETE", path, server->hq, NULL, "If-Match", "\"1\"");
  g_assert_cmpuint (stale_delete->status, ==, 412);
  g_assert_cmpstr (stale_delete->etag, ==, "\"2\"");

  deleted = request (server, "DELETE", path, server->hq, NULL, "If-Match", "\"2\"");
  g_assert_cmpuint (deleted->status, ==, 200);
  g_assert_cmpstr (deleted->etag, ==, "\"3\"");
  g_assert_true (json_object_get_boolean_member (
    json_object_get_object_member (object (deleted), "properties"), "deleted"));

  gone = request (server, "GET", path, server->hq, NULL, NULL, NULL);
  assert_error (gone, 410, "deleted");

  list = request (server, "GET", "/collections/reports/items", server->hq, NULL, NULL, NULL);
  g_assert_cmpuint (list->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (object (list), "numberMatched"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (object (list), "numberReturned"), ==, 0);
  g_assert_true (json_object_has_member (object (list), "timeStamp"));
}

static void
test_if_none_match (void)
{
  g_autoptr(Server) server = server_start ();
  g_autofree char *json = report_json ("5b0e7e7c-1f6b-4d2b-9a63-0c3b1c0f7a10", KITA, "Flooded road", 135.51, 34.71, 8);
  g_autofree char *other = report_json ("5b0e7e7c-1f6b-4d2b-9a63-0c3b1c0f7a10", KITA, "Retry", 135.51, 34.71, 8);
  const char *path = "/collections/reports/items/5b0e7e7c-1f6b-4d2b-9a63-0c3b1c0f7a10";
  g_autoptr(Response) first = request (server, "PUT", path, server->ward, json, "If-None-Match", "*");
  g_autoptr(Response) second = request (server, "PUT", path, server->ward, other, "If-None-Match", "*");
  g_autoptr(Response) post_again = request (server, "POST", "/collections/reports/items", server->ward, other, NULL, NULL);

  g_assert_cmpuint (first->status, ==, 201);
  g_assert_cmpstr (first->etag, ==, "\"1\"");
  g_assert_nonnull (first->location);
  g_assert_cmpuint (second->status, ==, 412);
  g_assert_cmpstr (second->etag, ==, "\"1\"");
  g_assert_cmpstr (prop_string (object (second), "title"), ==, "Flooded road");
  assert_error (post_again, 409, "exists");
}

static void
test_feed (void)
{
  g_autoptr(Server) server = server_start ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint64 since = 0, last_seq = 0;
  guint pages = 0, tombstones = 0;
  char ids[5][40];

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *json = NULL;

      g_snprintf (ids[i], sizeof ids[i], "00000000-0000-4000-8000-00000000000%u", i);
      json = report_json (ids[i], KITA, "Report", 135.50, 34.70, 9);
      put_new (server, "reports", ids[i], json);
    }
  /* A shelter's change is not in the reports feed. */
  {
    g_autofree char *shelter = shelter_json ("s1", "School", "[135.5,34.7]");

    put_new (server, "shelters", "s1", shelter);
  }
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *json = report_json (ids[i], KITA, "Updated", 135.50, 34.70, 9);
      g_autofree char *path = g_strdup_printf ("/collections/reports/items/%s", ids[i]);
      g_autoptr(Response) r = request (server, "PUT", path, server->hq, json, "If-Match", "\"1\"");

      g_assert_cmpuint (r->status, ==, 200);
    }
  {
    g_autofree char *path = g_strdup_printf ("/collections/reports/items/%s", ids[4]);
    g_autoptr(Response) r = request (server, "DELETE", path, server->hq, NULL, "If-Match", "\"1\"");

    g_assert_cmpuint (r->status, ==, 200);
  }

  for (;;)
    {
      g_autofree char *path = g_strdup_printf ("/collections/reports/items?since_seq=%" G_GINT64_FORMAT "&limit=2", since);
      g_autoptr(Response) page = request (server, "GET", path, server->ward, NULL, NULL, NULL);
      JsonArray *features;
      guint n;

      g_assert_cmpuint (page->status, ==, 200);
      features = json_object_get_array_member (object (page), "features");
      n = json_array_get_length (features);
      g_assert_cmpuint (n, <=, 2);
      pages++;
      if (n == 0)
        {
          g_assert_cmpint (json_object_get_int_member (object (page), "next_since_seq"), ==, since);
          break;
        }
      for (guint i = 0; i < n; i++)
        {
          JsonObject *f = json_array_get_object_element (features, i);
          JsonObject *props = json_object_get_object_member (f, "properties");
          const char *id = json_object_get_string_member (f, "id");
          gint64 seq = json_object_get_int_member (props, "seq");

          g_assert_cmpint (seq, >, last_seq);
          last_seq = seq;
          g_assert_false (g_hash_table_contains (seen, id));
          g_hash_table_add (seen, g_strdup (id));
          g_assert_cmpint (json_object_get_int_member (props, "rev"), ==,
                           g_str_equal (id, ids[0]) || g_str_equal (id, ids[1]) || g_str_equal (id, ids[4]) ? 2 : 1);
          if (json_object_get_boolean_member_with_default (props, "deleted", FALSE))
            {
              g_assert_cmpstr (id, ==, ids[4]);
              tombstones++;
            }
        }
      g_assert_cmpint (json_object_get_int_member (object (page), "next_since_seq"), ==, last_seq);
      since = json_object_get_int_member (object (page), "next_since_seq");
    }

  g_assert_cmpuint (g_hash_table_size (seen), ==, 5);
  g_assert_cmpuint (tombstones, ==, 1);
  g_assert_cmpuint (pages, ==, 4);

  /* The shelter is in its own feed. */
  {
    g_autoptr(Response) r = request (server, "GET", "/collections/shelters/items?since_seq=0", server->ward, NULL, NULL, NULL);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object (r), "features")), ==, 1);
  }
}

static void
test_paging (void)
{
  g_autoptr(Server) server = server_start ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *url = NULL;
  guint in_box = 0, in_time = 0, pages = 0;

  for (guint i = 0; i < 25; i++)
    {
      g_autofree char *json = NULL;
      g_autoptr(Response) r = NULL;
      double lon = 135.40 + 0.008 * i;
      double lat = 34.60 + 0.005 * i;
      int hour = (int) (i % 12);

      json = report_json (NULL, i % 2 ? KITA : CHUO, "Paged", lon, lat, hour);
      r = request (server, "POST", "/collections/reports/items", server->hq, json, NULL, NULL);
      g_assert_cmpuint (r->status, ==, 201);
      if (lon >= 135.45 - 1e-9 && lon <= 135.55 + 1e-9 && lat >= 34.60 && lat <= 34.70)
        in_box++;
      if (hour >= 3 && hour <= 5)
        in_time++;
    }

  url = g_strdup ("/collections/reports/items?limit=10");
  while (url != NULL)
    {
      g_autoptr(Response) page = request (server, "GET", url, server->ward, NULL, NULL, NULL);
      JsonArray *features;
      const char *next;

      g_assert_cmpuint (page->status, ==, 200);
      g_assert_cmpint (json_object_get_int_member (object (page), "numberMatched"), ==, 25);
      features = json_object_get_array_member (object (page), "features");
      g_assert_cmpint (json_object_get_int_member (object (page), "numberReturned"), ==,
                       json_array_get_length (features));
      for (guint i = 0; i < json_array_get_length (features); i++)
        {
          const char *id = json_object_get_string_member (json_array_get_object_element (features, i), "id");

          g_assert_false (g_hash_table_contains (seen, id));
          g_hash_table_add (seen, g_strdup (id));
        }
      pages++;
      next = next_link (object (page));
      g_free (url);
      url = NULL;
      if (next != NULL)
        {
          g_assert_true (g_str_has_prefix (next, server->base));
          url = g_strdup (next);
        }
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, 25);
  g_assert_cmpuint (pages, ==, 3);

  {
    g_autoptr(Response) box = request (server, "GET", "/collections/reports/items?bbox=135.45,34.60,135.55,34.70&limit=1000",
                                       server->ward, NULL, NULL, NULL);
    g_autoptr(Response) when = request (server, "GET",
                                        "/collections/reports/items?datetime=2026-01-01T03:00:00%2B09:00/2026-01-01T05:00:00%2B09:00",
                                        server->ward, NULL, NULL, NULL);
    g_autoptr(Response) open_end = request (server, "GET",
                                            "/collections/reports/items?datetime=2026-01-01T03:00:00Z/..",
                                            server->ward, NULL, NULL, NULL);
    g_autoptr(Response) bad_box = request (server, "GET", "/collections/reports/items?bbox=1,2,3",
                                           server->ward, NULL, NULL, NULL);
    g_autoptr(Response) bad_limit = request (server, "GET", "/collections/reports/items?limit=0",
                                             server->ward, NULL, NULL, NULL);
    g_autoptr(Response) big_limit = request (server, "GET", "/collections/reports/items?limit=5000",
                                             server->ward, NULL, NULL, NULL);

    g_assert_cmpuint (in_box, >, 0);
    g_assert_cmpuint (in_box, <, 25);
    g_assert_cmpuint (box->status, ==, 200);
    g_assert_cmpint (json_object_get_int_member (object (box), "numberMatched"), ==, in_box);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object (box), "features")), ==, in_box);
    g_assert_cmpuint (when->status, ==, 200);
    g_assert_cmpint (json_object_get_int_member (object (when), "numberMatched"), ==, in_time);
    /* 03:00Z is 12:00+09:00: after every report's observed time */
    g_assert_cmpint (json_object_get_int_member (object (open_end), "numberMatched"), ==, 0);
    assert_error (bad_box, 400, "bad-parameter");
    assert_error (bad_limit, 400, "bad-parameter");
    g_assert_cmpint (json_object_get_int_member (object (big_limit), "numberReturned"), ==, 25);
  }

  /* datetime is RFC 3339 (DESIGN.md, OGC API – Features): an instant
   * with its offset, fractions allowed. GLib's ISO 8601 reader took the
   * basic, ordinal and week forms too, minutes without seconds, and an
   * offset of hours alone. */
  {
    const char *refused[] = {
      "2026-01-01T03:00:00",
      "2026-01-01T03:00:00/..",
      "20260101T030000Z",
      "2026-001T03:00:00Z",
      "2026-W01-4T03:00:00Z",
      "2026-01-01T03:00Z",
      "2026-01-01T03:00:00%2B09",
      "2026-01-01 03:00:00Z",
    };
    g_autoptr(Response) fraction = request (server, "GET",
                                            "/collections/reports/items?datetime=2026-01-01T02:59:59.5Z/..",
                                            server->ward, NULL, NULL, NULL);

    g_assert_cmpuint (fraction->status, ==, 200);
    g_assert_cmpint (json_object_get_int_member (object (fraction), "numberMatched"), ==, 0);
    for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
      {
        g_autofree char *path = g_strdup_printf ("/collections/reports/items?datetime=%s",
                                                 refused[i]);
        g_autoptr(Response) r = request (server, "GET", path, server->ward, NULL, NULL, NULL);

        g_test_message ("datetime=%s", refused[i]);
        assert_error (r, 400, "bad-parameter");
      }
  }
}

/* The authorisation matrix */

typedef enum { TOKEN_NONE, TOKEN_BAD, TOKEN_REVOKED, TOKEN_HQ, TOKEN_WARD } TokenKind;
typedef enum { OP_GET, OP_POST, OP_PUT, OP_DELETE } Op;

static const struct
{
  TokenKind   token;
  Op          op;
  const char *collection;
  const char *old_ward;     /* the stored report's ward */
  const char *new_ward;     /* the ward in the body */
  guint       status;
} matrix[] = {
  { TOKEN_NONE, OP_GET, "reports", KITA, NULL, 401 },
  { TOKEN_NONE, OP_POST, "reports", NULL, KITA, 401 },
  { TOKEN_NONE, OP_PUT, "reports", KITA, KITA, 401 },
  { TOKEN_NONE, OP_DELETE, "reports", KITA, NULL, 401 },
  { TOKEN_NONE, OP_GET, "shelters", NULL, NULL, 401 },
  { TOKEN_NONE, OP_POST, "shelters", NULL, NULL, 401 },
  { TOKEN_BAD, OP_GET, "reports", KITA, NULL, 401 },
  { TOKEN_BAD, OP_POST, "reports", NULL, KITA, 401 },
  { TOKEN_BAD, OP_PUT, "reports", KITA, KITA, 401 },
  { TOKEN_BAD, OP_DELETE, "shelters", NULL, NULL, 401 },
  { TOKEN_REVOKED, OP_GET, "reports", KITA, NULL, 401 },
  { TOKEN_REVOKED, OP_POST, "reports", NULL, KITA, 401 },
  { TOKEN_REVOKED, OP_PUT, "reports", KITA, KITA, 401 },
  { TOKEN_REVOKED, OP_DELETE, "reports", KITA, NULL, 401 },
  { TOKEN_HQ, OP_GET, "reports", CHUO, NULL, 200 },
  { TOKEN_HQ, OP_POST, "reports", NULL, CHUO, 201 },
  { TOKEN_HQ, OP_PUT, "reports", CHUO, KITA, 200 },
  { TOKEN_HQ, OP_DELETE, "reports", CHUO, NULL, 200 },
  { TOKEN_HQ, OP_GET, "shelters", NULL, NULL, 200 },
  { TOKEN_HQ, OP_POST, "shelters", NULL, NULL, 201 },
  { TOKEN_HQ, OP_PUT, "shelters", NULL, NULL, 200 },
  { TOKEN_HQ, OP_DELETE, "shelters", NULL, NULL, 200 },
  { TOKEN_WARD, OP_GET, "reports", KITA, NULL, 200 },
  { TOKEN_WARD, OP_GET, "reports", CHUO, NULL, 200 },
  { TOKEN_WARD, OP_POST, "reports", NULL, KITA, 201 },
  { TOKEN_WARD, OP_POST, "reports", NULL, CHUO, 403 },
  { TOKEN_WARD, OP_PUT, "reports", KITA, KITA, 200 },
  { TOKEN_WARD, OP_PUT, "reports", CHUO, CHUO, 403 },
  { TOKEN_WARD, OP_PUT, "reports", KITA, CHUO, 403 },   /* giving it away */
  { TOKEN_WARD, OP_PUT, "reports", CHUO, KITA, 403 },   /* taking it over */
  { TOKEN_WARD, OP_DELETE, "reports", KITA, NULL, 200 },
  { TOKEN_WARD, OP_DELETE, "reports", CHUO, NULL, 403 },
  { TOKEN_WARD, OP_GET, "shelters", NULL, NULL, 200 },
  { TOKEN_WARD, OP_POST, "shelters", NULL, NULL, 403 },
  { TOKEN_WARD, OP_PUT, "shelters", NULL, NULL, 403 },
  { TOKEN_WARD, OP_DELETE, "shelters", NULL, NULL, 403 },
};

static void
test_auth_matrix (void)
{
  g_autoptr(Server) server = server_start ();

  for (guint i = 0; i < G_N_ELEMENTS (matrix); i++)
    {
      static const char * const methods[] = { "GET", "POST", "PUT", "DELETE" };
      gboolean is_report = g_str_equal (matrix[i].collection, "reports");
      g_autofree char *id = g_uuid_string_random ();
      g_autofree char *path = NULL;
      g_autofree char *body = NULL;
      g_autoptr(Response) r = NULL;
      g_autoptr(Response) check = NULL;
      const char *token = NULL;

      g_test_message ("matrix row %u: token %d %s %s", i, matrix[i].token,
                      methods[matrix[i].op], matrix[i].collection);

      /* a fresh target, made by hq */
      if (matrix[i].op != OP_POST)
        {
          g_autofree char *existing = is_report
            ? report_json (id, matrix[i].old_ward, "Target", 135.50, 34.70, 9)
            : shelter_json (id, "Target", "[135.5,34.7]");

          put_new (server, matrix[i].collection, id, existing);
        }
      if (matrix[i].op == OP_POST || matrix[i].op == OP_PUT)
        body = is_report
          ? report_json (matrix[i].op == OP_PUT ? id : NULL, matrix[i].new_ward, "Written", 135.51, 34.71, 9)
          : shelter_json (matrix[i].op == OP_PUT ? id : NULL, "Written", "[135.51,34.71]");

      switch (matrix[i].token)
        {
        case TOKEN_NONE: token = NULL; break;
        case TOKEN_BAD: token = "not-a-token"; break;
        case TOKEN_REVOKED: token = server->revoked; break;
        case TOKEN_HQ: token = server->hq; break;
        case TOKEN_WARD: token = server->ward; break;
        default: g_assert_not_reached ();
        }

      path = matrix[i].op == OP_POST
        ? g_strdup_printf ("/collections/%s/items", matrix[i].collection)
        : g_strdup_printf ("/collections/%s/items/%s", matrix[i].collection, id);
      r = request (server, methods[matrix[i].op], path, token, body,
                   matrix[i].op == OP_PUT || matrix[i].op == OP_DELETE ? "If-Match" : NULL, "\"1\"");
      if (r->status != matrix[i].status)
        g_error ("matrix row %u: %s %s: expected %u, got %u", i, methods[matrix[i].op], path,
                 matrix[i].status, r->status);
      if (r->status >= 400)
        assert_error (r, matrix[i].status, NULL);
      if (r->status == 401)
        g_assert_true (g_str_has_prefix (r->www_authenticate, "Bearer"));

      /* a refused write leaves the target as it was */
      if (r->status >= 400 && matrix[i].op != OP_POST && matrix[i].op != OP_GET)
        {
          g_autofree char *target = g_strdup_printf ("/collections/%s/items/%s", matrix[i].collection, id);

          check = request (server, "GET", target, server->hq, NULL, NULL, NULL);
          g_assert_cmpuint (check->status, ==, 200);
          g_assert_cmpstr (check->etag, ==, "\"1\"");
        }
    }
}

static void
test_bad_input (void)
{
  g_autoptr(Server) server = server_start ();
  g_autofree char *no_geometry = g_strdup ("{\"type\":\"Feature\",\"properties\":{\"name\":\"x\"}}");
  g_autofree char *out_of_range = shelter_json (NULL, "Far", "[200.0,34.7]");
  g_autofree char *nan_like = shelter_json (NULL, "Bad", "[\"a\",34.7]");
  g_autofree char *outside_city = report_json (NULL, KITA, "Tokyo", 139.7, 35.7, 9);
  g_autofree char *no_title = report_json (NULL, KITA, "", 135.5, 34.7, 9);
  g_autofree char *good = shelter_json (NULL, "Good", "[135.5,34.7]");
  g_autofree char *huge = NULL;
  gsize huge_size = 2 * 1024 * 1024;
  const struct
  {
    const char *collection;
    const char *content_type;
    const char *body;
    guint       status;
    const char *code;
  } cases[] = {
    { "shelters", "application/geo+json", "{\"type\":\"Feature\",", 400, "bad-json" },
    { "shelters", "application/geo+json", "[1,2,3]", 400, "invalid-feature" },
    { "shelters", "text/plain", good, 415, "unsupported-media-type" },
    { "shelters", "application/geo+json", no_geometry, 400, "invalid-feature" },
    { "shelters", "application/json", out_of_range, 400, "invalid-feature" },
    { "shelters", "application/json", nan_like, 400, "invalid-feature" },
    { "reports", "application/geo+json", outside_city, 400, "invalid-report" },
    { "reports", "application/geo+json", no_title, 400, "invalid-report" },
    { "reports", "application/geo+json", "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.5,34.7]},\"properties\":{\"severity\":\"high\"}}", 400, "invalid-report" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/collections/%s/items", cases[i].collection);
      g_autoptr(GBytes) body = g_bytes_new (cases[i].body, strlen (cases[i].body));
      g_autoptr(Response) r = request_full (server, "POST", path, server->hq, cases[i].content_type, body, NULL);
      g_autoptr(Response) alive = request (server, "GET", "/", NULL, NULL, NULL, NULL);

      g_test_message ("bad input %u", i);
      assert_error (r, cases[i].status, cases[i].code);
      g_assert_cmpuint (alive->status, ==, 200);
    }

  /* json-glib recurses: deep nesting must not overflow the server's stack */
  {
    g_autofree char *deep = g_strnfill (100000, '[');
    g_autoptr(Response) r = request (server, "POST", "/collections/shelters/items", server->hq, deep, NULL, NULL);
    g_autoptr(Response) alive = request (server, "GET", "/", NULL, NULL, NULL, NULL);

    assert_error (r, 400, "bad-json");
    g_assert_cmpuint (alive->status, ==, 200);
  }

  /* 2 MiB: refused from its Content-Length */
  huge = g_malloc (huge_size + 1);
  memset (huge, ' ', huge_size);
  huge[huge_size] = '\0';
  {
    g_autoptr(GBytes) body = g_bytes_new_take (g_steal_pointer (&huge), huge_size);
    g_autoptr(Response) r = request_full (server, "POST", "/collections/shelters/items", server->hq,
                                          "application/geo+json", body, NULL);
    g_autoptr(Response) alive = request (server, "GET", "/collections/shelters/items", server->hq, NULL, NULL, NULL);

    assert_error (r, 413, "payload-too-large");
    g_assert_cmpuint (alive->status, ==, 200);
    g_assert_cmpint (json_object_get_int_member (object (alive), "numberMatched"), ==, 0);
  }

  /* 2 MiB without a Content-Length (chunked): counted as it arrives */
  {
    g_autofree char *chunked = g_malloc (huge_size);
    g_autoptr(GInputStream) stream = NULL;
    g_autoptr(SoupMessage) msg = NULL;
    g_autoptr(GBytes) answer = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *url = g_strconcat (server->base, "/collections/shelters/items", NULL);
    g_autofree char *auth = g_strdup_printf ("Bearer %s", server->hq);
    g_autoptr(Response) alive = NULL;

    memset (chunked, ' ', huge_size);
    stream = g_memory_input_stream_new_from_data (g_steal_pointer (&chunked), huge_size, g_free);
    msg = soup_message_new ("POST", url);
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    soup_message_set_request_body (msg, "application/geo+json", stream, -1);
    answer = soup_session_send_and_read (server->session, msg, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (soup_message_get_status (msg), ==, 413);
    g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_request_headers (msg),
                                                   "Content-Length"), ==, NULL);

    alive = request (server, "GET", "/", NULL, NULL, NULL, NULL);
    g_assert_cmpuint (alive->status, ==, 200);
  }

  /* and the good one still goes in */
  {
    g_autoptr(Response) r = request (server, "POST", "/collections/shelters/items", server->hq, good, NULL, NULL);

    g_assert_cmpuint (r->status, ==, 201);
  }
}

static void
test_attachments (void)
{
  g_autoptr(Server) server = server_start ();
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0, 1, 2, 3 };
  g_autoptr(GBytes) bytes = g_bytes_new_static (png, sizeof png);
  g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  g_autofree char *path = g_strdup_printf ("/attachments/%s", sha);
  g_autofree char *wrong = g_strdup_printf ("/attachments/%064d", 0);
  g_autoptr(Response) put = request_full (server, "PUT", path, server->ward, "image/png", bytes, NULL);
  g_autoptr(Response) repeat = request_full (server, "PUT", path, server->hq, "image/png", bytes, NULL);
  g_autoptr(Response) get = request_full (server, "GET", path, server->ward, NULL, NULL, NULL);
  g_autoptr(Response) mismatch = request_full (server, "PUT", wrong, server->hq, "image/png", bytes, NULL);
  g_autoptr(Response) not_image = request_full (server, "PUT", path, server->hq, "text/plain", bytes, NULL);
  g_autoptr(Response) missing = request_full (server, "GET", wrong, server->hq, NULL, NULL, NULL);
  g_autoptr(Response) bad_name = request_full (server, "GET", "/attachments/xyz", server->hq, NULL, NULL, NULL);
  g_autoptr(Response) no_token = request_full (server, "GET", path, NULL, NULL, NULL, NULL);

  g_assert_cmpuint (put->status, ==, 201);
  g_assert_cmpuint (repeat->status, ==, 200);
  g_assert_cmpuint (get->status, ==, 200);
  g_assert_cmpstr (get->content_type, ==, "image/png");
  g_assert_true (g_bytes_equal (get->body, bytes));
  assert_error (mismatch, 400, "hash-mismatch");
  assert_error (not_image, 415, "unsupported-media-type");
  assert_error (missing, 404, "not-found");
  assert_error (bad_name, 400, "bad-hash");
  assert_error (no_token, 401, "unauthorized");
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  for (gsize i = 0; i + strlen (needle) <= length; i++)
    {
      if (memcmp (contents + i, needle, strlen (needle)) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
test_token_cli (void)
{
  g_autoptr(Server) server = server_start ();
  const char *list_args[] = { "token", "list", "--database", server->db, NULL };
  const char *bad_ward[] = { "token", "add", "--database", server->db, "--role", "ward",
                             "--ward", "999999", "--name", "x", NULL };
  const char *city_ward[] = { "token", "add", "--database", server->db, "--role", "ward",
                              "--ward", "271004", "--name", "x", NULL };
  const char *revoke_args[] = { "token", "revoke", "--database", server->db, "4", NULL };
  g_autofree char *token = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *list = NULL;
  g_autofree char *out = NULL;
  g_autofree char *out2 = NULL;
  g_autofree char *out3 = NULL;
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;
  g_autofree char *wal = NULL;
  int status;

  token = add_token (server->db, "ward", CHUO);   /* id 4 */
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);

  list = run_cli (list_args, &status, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_null (strstr (list, token));
  g_assert_null (strstr (list, server->hq));
  g_assert_null (strstr (list, hash));
  g_assert_nonnull (strstr (list, CHUO));
  g_assert_nonnull (strstr (list, "revoked"));

  out = run_cli (bad_ward, &status, &err);
  g_assert_cmpint (status, !=, 0);
  out2 = run_cli (city_ward, &status, &err2);
  g_assert_cmpint (status, !=, 0);

  /* the new token works at once */
  {
    g_autoptr(Response) r = request (server, "GET", "/collections", token, NULL, NULL, NULL);

    g_assert_cmpuint (r->status, ==, 200);
  }

  out3 = run_cli (revoke_args, &status, NULL);
  g_assert_cmpint (status, ==, 0);
  {
    g_autoptr(Response) r = request (server, "GET", "/collections", token, NULL, NULL, NULL);

    g_assert_cmpuint (r->status, ==, 401);
  }

  /* The database (and its WAL) hold the hash, never the token. */
  g_assert_cmpint (server_terminate (server), ==, 0);
  wal = g_strconcat (server->db, "-wal", NULL);
  g_assert_false (file_contains (server->db, token));
  g_assert_false (file_contains (wal, token));
  g_assert_false (file_contains (server->db, server->hq));
  g_assert_true (file_contains (server->db, hash));
}

static void
test_import (void)
{
  g_autoptr(Server) server = server_start ();
  g_autofree char *good_path = g_build_filename (server->dir, "shelters.geojson", NULL);
  g_autofree char *bad_path = g_build_filename (server->dir, "bad.geojson", NULL);
  g_autofree char *reports_path = g_build_filename (server->dir, "reports.geojson", NULL);
  g_autofree char *r1 = report_json ("11111111-1111-4111-8111-111111111111", KITA, "Imported", 135.5, 34.7, 9);
  g_autofree char *reports = g_strdup_printf ("{\"type\":\"FeatureCollection\",\"features\":[%s]}", r1);
  const char *good =
    "{\"type\":\"FeatureCollection\",\"features\":["
    "{\"type\":\"Feature\",\"id\":\"sh-1\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.50,34.69]},\"properties\":{\"kind\":\"shelter\",\"ward\":\"271276\",\"state\":\"open\",\"name\":\"A school\"}},"
    "{\"type\":\"Feature\",\"id\":2,\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.52,34.70]},\"properties\":{\"kind\":\"shelter\",\"ward\":\"271276\",\"state\":\"open\",\"name\":\"A hall\"}},"
    "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.55,34.65]},\"properties\":{\"kind\":\"emergency_site\",\"ward\":\"271276\",\"state\":\"open\",\"name\":\"A park\"}}]}";
  const char *bad =
    "{\"type\":\"FeatureCollection\",\"features\":["
    "{\"type\":\"Feature\",\"id\":\"sh-9\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[135.50,34.69]},\"properties\":{\"kind\":\"shelter\",\"ward\":\"271276\",\"state\":\"open\",\"name\":\"Good\"}},"
    "{\"type\":\"Feature\",\"id\":\"sh-10\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[500,34.69]},\"properties\":{\"kind\":\"shelter\",\"ward\":\"271276\",\"state\":\"open\",\"name\":\"Far\"}}]}";
  const char *args[] = { "import", "--database", server->db, "--collection", "shelters", good_path, NULL };
  const char *bad_args[] = { "import", "--database", server->db, "--collection", "shelters", bad_path, NULL };
  const char *report_args[] = { "import", "--database", server->db, "--collection", "reports", reports_path, NULL };
  g_autofree char *out = NULL;
  g_autofree char *out2 = NULL;
  g_autofree char *out3 = NULL;
  g_autofree char *err = NULL;
  int status;

  g_assert_true (g_file_set_contents (good_path, good, -1, NULL));
  g_assert_true (g_file_set_contents (bad_path, bad, -1, NULL));
  g_assert_true (g_file_set_contents (reports_path, reports, -1, NULL));

  out = run_cli (args, &status, NULL);
  g_assert_cmpint (status, ==, 0);
  out2 = run_cli (bad_args, &status, &err);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (err, "Feature 2:"));
  out3 = run_cli (report_args, &status, NULL);
  g_assert_cmpint (status, ==, 0);

  {
    g_autoptr(Response) list = request (server, "GET", "/collections/shelters/items", server->ward, NULL, NULL, NULL);
    g_autoptr(Response) two = request (server, "GET", "/collections/shelters/items/2", server->ward, NULL, NULL, NULL);
    g_autoptr(Response) nine = request (server, "GET", "/collections/shelters/items/sh-9", server->ward, NULL, NULL, NULL);
    g_autoptr(Response) report = request (server, "GET", "/collections/reports/items/11111111-1111-4111-8111-111111111111",
                                          server->ward, NULL, NULL, NULL);

    g_assert_cmpint (json_object_get_int_member (object (list), "numberMatched"), ==, 3);
    g_assert_cmpuint (two->status, ==, 200);
    g_assert_cmpstr (prop_string (object (two), "name"), ==, "A hall");
    /* all or nothing: the good first feature of the bad file is not there */
    g_assert_cmpuint (nine->status, ==, 404);
    g_assert_cmpuint (report->status, ==, 200);
    g_assert_cmpstr (prop_string (object (report), "title"), ==, "Imported");
  }
}

static void
test_sigterm (void)
{
  g_autoptr(Server) server = server_start ();
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = report_json ("22222222-2222-4222-8222-222222222222", KITA, "In flight", 135.5, 34.7, 9);
  g_autofree char *head = NULL;
  g_autoptr(GString) answer = g_string_new (NULL);
  g_autoptr(BdCentralStore) store = NULL;
  g_autoptr(BdCentralFeature) feature = NULL;
  GOutputStream *out;
  GInputStream *in;
  gsize half = strlen (json) / 2;
  int wait_status = 0;
  char buffer[4096];
  gssize n;

  g_socket_client_set_enable_proxy (client, FALSE);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", (guint16) server->port, NULL, &error);
  g_assert_no_error (error);
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  in = g_io_stream_get_input_stream (G_IO_STREAM (connection));

  head = g_strdup_printf ("PUT /collections/reports/items/22222222-2222-4222-8222-222222222222 HTTP/1.1\r\n"
                          "Host: 127.0.0.1:%u\r\n"
                          "Authorization: Bearer %s\r\n"
                          "Content-Type: application/geo+json\r\n"
                          "If-None-Match: *\r\n"
                          "Connection: close\r\n"
                          "Content-Length: %zu\r\n\r\n", server->port, server->hq, strlen (json));
  g_assert_true (g_output_stream_write_all (out, head, strlen (head), NULL, NULL, &error));
  g_assert_true (g_output_stream_write_all (out, json, half, NULL, NULL, &error));
  g_assert_no_error (error);
  g_usleep (300 * 1000);

  /* The request is in flight: headers read, body half there. */
  kill (server->pid, SIGTERM);
  g_usleep (300 * 1000);
  g_assert_cmpint (waitpid (server->pid, &wait_status, WNOHANG), ==, 0);

  g_assert_true (g_output_stream_write_all (out, json + half, strlen (json) - half, NULL, NULL, &error));
  g_assert_no_error (error);
  while ((n = g_input_stream_read (in, buffer, sizeof buffer, NULL, &error)) > 0)
    g_string_append_len (answer, buffer, n);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (answer->str, "HTTP/1.1 201"));

  g_assert_cmpint (waitpid (server->pid, &wait_status, 0), ==, server->pid);
  g_spawn_close_pid (server->pid);
  server->pid = 0;
  g_assert_true (WIFEXITED (wait_status));
  g_assert_cmpint (WEXITSTATUS (wait_status), ==, 0);

  store = bd_central_store_open (server->db, &error);
  g_assert_no_error (error);
  g_assert_true (bd_central_store_check (store, &error));
  g_assert_no_error (error);
  feature = bd_central_store_get (store, "reports", "22222222-2222-4222-8222-222222222222", &error);
  g_assert_no_error (error);
  g_assert_nonnull (feature);
  g_assert_cmpint (feature->rev, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bd/central/landing", test_landing);
  g_test_add_func ("/bd/central/crud", test_crud);
  g_test_add_func ("/bd/central/if-none-match", test_if_none_match);
  g_test_add_func ("/bd/central/feed", test_feed);
  g_test_add_func ("/bd/central/paging", test_paging);
  g_test_add_func ("/bd/central/auth-matrix", test_auth_matrix);
  g_test_add_func ("/bd/central/bad-input", test_bad_input);
  g_test_add_func ("/bd/central/attachments", test_attachments);
  g_test_add_func ("/bd/central/token-cli", test_token_cli);
  g_test_add_func ("/bd/central/import", test_import);
  g_test_add_func ("/bd/central/sigterm", test_sigterm);

  return g_test_run ();
}
