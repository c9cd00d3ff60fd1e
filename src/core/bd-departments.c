/* bd-departments.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-catalog"

#include "config.h"

#include "bd-departments.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "bd-catalog.h"
#include "bd-core-resources.h"
#include "bd-json.h"
#include "bd-report.h"

#define DEPARTMENTS_PATH "/io/github/bosai_desk/BosaiDesk/data/departments.json"
/* The resource is ours, but read as any JSON is: bounded. */
#define MAX_RESOURCE_BYTES (256 * 1024)
#define MAX_DEPARTMENTS 500

BdDepartment *
bd_department_new (const char *code,
                   const char *name_ja,
                   const char *name_en,
                   gboolean    retired)
{
  BdDepartment *department = g_new0 (BdDepartment, 1);

  department->code = g_strdup (code);
  department->name_ja = g_strdup (name_ja);
  department->name_en = g_strdup (name_en);
  department->retired = retired;
  return department;
}

BdDepartment *
bd_department_copy (const BdDepartment *department)
{
  g_return_val_if_fail (department != NULL, NULL);

  return bd_department_new (department->code, department->name_ja, department->name_en,
                            department->retired);
}

void
bd_department_free (BdDepartment *department)
{
  if (department == NULL)
    return;
  g_free (department->code);
  g_free (department->name_ja);
  g_free (department->name_en);
  g_free (department);
}

const char *
bd_department_get_label (const BdDepartment *department)
{
  g_return_val_if_fail (department != NULL, NULL);

  return bd_catalog_label (department->name_ja, department->name_en);
}

gboolean
bd_departments_code_is_valid (const char *code)
{
  gsize n = 0;

  if (code == NULL || *code == '\0')
    return FALSE;
  for (const char *p = code; *p != '\0'; p++, n++)
    if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '_' || *p == '-'))
      return FALSE;

  return n <= BD_REPORT_MAX_DEPARTMENT;
}

static gboolean
check_name (const char  *name,
            const char  *missing,
            const char  *too_long,
            GError     **error)
{
  g_autofree char *stripped = NULL;

  if (name != NULL && g_utf8_validate (name, -1, NULL))
    stripped = g_strstrip (g_strdup (name));
  if (stripped == NULL || *stripped == '\0')
    {
      g_set_error_literal (error, BD_REPORT_ERROR, BD_REPORT_ERROR_DEPARTMENT, missing);
      return FALSE;
    }
  if (g_utf8_strlen (name, -1) > BD_DEPARTMENT_MAX_NAME)
    {
      g_set_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_DEPARTMENT, too_long,
                   BD_DEPARTMENT_MAX_NAME);
      return FALSE;
    }
  return TRUE;
}

gboolean
bd_departments_check (const BdDepartment  *department,
                      GError             **error)
{
  g_return_val_if_fail (department != NULL, FALSE);

  if (!bd_departments_code_is_valid (department->code))
    {
      g_set_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_DEPARTMENT,
                   _("A department code is 1 to %u lowercase letters, digits, “_” or “-”."),
                   BD_REPORT_MAX_DEPARTMENT);
      return FALSE;
    }

  return check_name (department->name_ja, _("Enter the department’s Japanese name."),
                     _("The Japanese name is too long (at most %u characters)."), error) &&
         check_name (department->name_en, _("Enter the department’s English name."),
                     _("The English name is too long (at most %u characters)."), error);
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

GPtrArray *
bd_departments_dup_defaults (void)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) list = NULL;
  JsonNode *member;
  JsonArray *array;
  const char *data;
  gsize size;

  list = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_department_free);

  bytes = g_resource_lookup_data (bd_core_get_resource (), DEPARTMENTS_PATH,
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes == NULL)
    g_error ("Cannot load resource %s: %s", DEPARTMENTS_PATH, error->message);
  data = g_bytes_get_data (bytes, &size);
  if (!(root = bd_json_parse (data, size, MAX_RESOURCE_BYTES, &error)))
    g_error ("Cannot parse resource %s: %s", DEPARTMENTS_PATH, error->message);

  if (!JSON_NODE_HOLDS_OBJECT (root) ||
      !(member = json_object_get_member (json_node_get_object (root), "departments")) ||
      !JSON_NODE_HOLDS_ARRAY (member))
    g_error ("Resource %s has no array “departments”", DEPARTMENTS_PATH);

  array = json_node_get_array (member);
  for (guint i = 0; i < json_array_get_length (array) && i < MAX_DEPARTMENTS; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autoptr(BdDepartment) department = NULL;
      JsonObject *object;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        g_error ("Resource %s: department %u is not an object", DEPARTMENTS_PATH, i + 1);
      object = json_node_get_object (element);
      department = bd_department_new (member_string (object, "code"),
                                      member_string (object, "name_ja"),
                                      member_string (object, "name_en"), FALSE);
      if (!bd_departments_check (department, &error))
        g_error ("Resource %s: department %u: %s", DEPARTMENTS_PATH, i + 1, error->message);
      g_ptr_array_add (list, g_steal_pointer (&department));
    }

  return g_steal_pointer (&list);
}

static GMutex current_lock;
static GPtrArray *current;

static GPtrArray *
copy_list (GPtrArray *departments)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_department_free);

  for (guint i = 0; departments != NULL && i < departments->len; i++)
    g_ptr_array_add (copy, bd_department_copy (g_ptr_array_index (departments, i)));
  return copy;
}

void
bd_departments_set_current (GPtrArray *departments)
{
  GPtrArray *copy = departments != NULL ? copy_list (departments) : NULL;
  GPtrArray *old;

  g_mutex_lock (&current_lock);
  old = current;
  current = copy;
  g_mutex_unlock (&current_lock);

  g_clear_pointer (&old, g_ptr_array_unref);
}

GPtrArray *
bd_departments_dup_current (void)
{
  GPtrArray *copy;

  g_mutex_lock (&current_lock);
  if (current == NULL)
    current = bd_departments_dup_defaults ();
  copy = copy_list (current);
  g_mutex_unlock (&current_lock);

  return copy;
}

char *
bd_departments_dup_label (const char *code)
{
  char *label = NULL;

  if (code == NULL)
    return g_strdup ("");

  g_mutex_lock (&current_lock);
  if (current == NULL)
    current = bd_departments_dup_defaults ();
  for (guint i = 0; i < current->len && label == NULL; i++)
    {
      BdDepartment *department = g_ptr_array_index (current, i);

      if (g_str_equal (department->code, code))
        label = g_strdup (bd_department_get_label (department));
    }
  g_mutex_unlock (&current_lock);

  return label != NULL ? label : g_strdup (code);
}
