/* bd-presets.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-presets"

#include "config.h"

#include "bd-presets.h"

#include <string.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "bd-catalog.h"
#include "bd-json.h"

#define PRESETS_PATH "/io/github/bosai_desk/BosaiDesk/data/presets.json"

static BdPreset *presets;
static guint n_presets_loaded;

static const char *
dup_member (JsonObject *object,
            const char *name,
            guint       index)
{
  const char *value = json_object_get_string_member_with_default (object, name, NULL);

  if (value == NULL || value[0] == '\0')
    g_error ("presets.json: preset %u has no “%s”", index, name);

  return g_intern_string (value);
}

static void
load_presets (void)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  JsonArray *array;
  gsize size;
  const char *data;

  /* The catalog loads first: it makes sure the core resource is there. */
  bd_catalog_get_categories (NULL);

  bytes = g_resources_lookup_data (PRESETS_PATH, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes == NULL)
    g_error ("Cannot load resource %s: %s", PRESETS_PATH, error->message);

  data = g_bytes_get_data (bytes, &size);
  root = bd_json_parse (data, size, 0, &error);
  if (root == NULL)
    g_error ("presets.json: %s", error->message);
  if (!JSON_NODE_HOLDS_OBJECT (root) ||
      !json_object_has_member ((object = json_node_get_object (root)), "presets") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "presets")))
    g_error ("presets.json: no “presets” array");

  array = json_object_get_array_member (object, "presets");
  n_presets_loaded = json_array_get_length (array);
  presets = g_new0 (BdPreset, n_presets_loaded + 1);
  for (guint i = 0; i < n_presets_loaded; i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *preset;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        g_error ("presets.json: preset %u is not an object", i);
      preset = json_node_get_object (node);

      presets[i].id = dup_member (preset, "id", i);
      presets[i].category = dup_member (preset, "category", i);
      presets[i].title_ja = dup_member (preset, "title_ja", i);
      presets[i].title_en = dup_member (preset, "title_en", i);

      if (bd_catalog_lookup_category (presets[i].category) == NULL)
        g_error ("presets.json: preset “%s” has an unknown category “%s”",
                 presets[i].id, presets[i].category);
    }
}

const BdPreset *
bd_presets_get (guint *n_presets)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      load_presets ();
      g_once_init_leave (&initialized, 1);
    }

  if (n_presets != NULL)
    *n_presets = n_presets_loaded;

  return presets;
}

const BdPreset *
bd_presets_lookup (const char *id)
{
  guint n = 0;
  const BdPreset *all = bd_presets_get (&n);

  g_return_val_if_fail (id != NULL, NULL);

  for (guint i = 0; i < n; i++)
    if (strcmp (all[i].id, id) == 0)
      return &all[i];

  return NULL;
}
