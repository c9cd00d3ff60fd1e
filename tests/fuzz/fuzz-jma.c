/* fuzz-jma.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fuzz target: JMA disaster XML and JMA Atom feeds from untrusted bytes
 * (a file given to `bosai-central ingest-jma`, a feed or message fetched
 * from the network). Whatever the input, the parsers return a result or a
 * BD_JMA_ERROR, never crash; every alert they make is a Feature with a
 * "jma-" id and the properties the client reads, and a message's key and
 * a feed entry's type and office can always be taken.
 */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "bd-jma.h"
#include "fuzz-target.h"

static void
check_alert (JsonNode *node)
{
  JsonObject *feature, *props;
  const char *status;

  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  feature = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (feature, "type"), ==, "Feature");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (feature, "id"), "jma-"));
  props = json_object_get_object_member (feature, "properties");
  g_assert_nonnull (props);
  status = json_object_get_string_member (props, "status");
  g_assert_true (g_strcmp0 (status, "actual") == 0 || g_strcmp0 (status, "exercise") == 0 ||
                 g_strcmp0 (status, "test") == 0);
  g_assert_true (json_object_has_member (props, "active"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (props, "area_codes")), ==, 1);
  g_assert_true (g_utf8_validate (json_object_get_string_member (props, "event"), -1, NULL));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdJmaMessage) message = NULL;
  g_autoptr(GPtrArray) entries = NULL;

  message = bd_jma_parse ((const char *) data, size, "VXKO61", &error);
  if (message != NULL)
    {
      g_autofree char *key = bd_jma_message_key (message);

      g_assert_no_error (error);
      g_assert_nonnull (key);
      g_assert_true (message->alerts->len <= BD_JMA_MAX_ALERTS);
      for (guint i = 0; i < message->alerts->len; i++)
        check_alert (g_ptr_array_index (message->alerts, i));
    }
  else
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == BD_JMA_ERROR);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }

  g_clear_error (&error);
  entries = bd_jma_parse_feed ((const char *) data, size, &error);
  if (entries != NULL)
    {
      g_assert_true (entries->len <= BD_JMA_MAX_FEED_ENTRIES);
      for (guint i = 0; i < entries->len; i++)
        {
          BdJmaFeedEntry *entry = g_ptr_array_index (entries, i);
          g_autofree char *type = bd_jma_type_from_name (entry->href);
          g_autofree char *office = bd_jma_office_from_name (entry->href);

          g_assert_nonnull (entry->href);
          g_assert_true (type == NULL || strlen (type) == 6);
          g_assert_true (office == NULL || strlen (office) == 6);
        }
    }
  else
    g_assert_true (error != NULL && error->domain == BD_JMA_ERROR);

  return 0;
}
