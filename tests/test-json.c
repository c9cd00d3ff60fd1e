/* test-json.c: the one bounded, strict JSON reader
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "bd-json.h"

static JsonNode *
parse (const char  *text,
       GError     **error)
{
  return bd_json_parse (text, strlen (text), 0, error);
}

static void
test_json_accepts (void)
{
  static const char * const good[] = {
    "{}", "[]", "0", "-0", "1.5e-3", "-12E+2", "true", "false", "null", "\"\"",
    " \n\t{ \"a\" : [1, 2.0, {\"b\": null}], \"c\": \"\\u00e9\\n\\\"\" } \r\n",
    "\"\\ud83d\\ude00 絵文字 😀\"",
    "\xEF\xBB\xBF{\"bom\": true}",
    "{\"type\":\"Feature\",\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":"
    "[[[[135.5,34.6],[135.6,34.6],[135.6,34.7],[135.5,34.6]]]]},\"properties\":{}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = parse (good[i], &error);

      g_test_message ("%s", good[i]);
      g_assert_no_error (error);
      g_assert_nonnull (node);
    }
}

static void
test_json_bom_is_skipped (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = parse ("\xEF\xBB\xBF{\"a\": 1}", &error);

  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "a"), ==, 1);
}

/* What json-glib 1.6 lets through or gets wrong, and what RFC 8259 refuses. */
static void
test_json_refuses (void)
{
  static const char * const bad[] = {
    "", "   ", "{", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a: 1}", "{'a': 1}", "['x']",
    "{}{}", "{\"a\":1} {\"b\":2}", "[1] x", "/* c */ {}", "{} // c", "# c\n{}",
    "\"\\x41\"", "\"\\u00\"", "\"\\q\"", "\"a\\u0000b\"", "\"\\ud83d\"", "\"\\ude00\"",
    "\"tab\there\"", "\"never closed", "01", "1.", ".5", "+1", "1e", "-", "NaN",
    "Infinity", "tru", "nul", "True", "[1 2]", "{\"a\":1 \"b\":2}",
    "\"\xC3\x28\"", "\"\xFF\"", "\"\xE3\x81\"",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = parse (bad[i], &error);

      g_autofree char *shown = g_strescape (bad[i], NULL);

      g_test_message ("%s", shown);
      g_assert_null (node);
      g_assert_error (error, BD_JSON_ERROR, BD_JSON_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, "JSON"));
    }
}

/* A NUL byte in the buffer (not the escape) is refused too, not cut short. */
static void
test_json_embedded_nul (void)
{
  static const char text[] = "{\"title\": \"a\0b\"}";
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = bd_json_parse (text, sizeof text - 1, 0, &error);

  g_assert_null (node);
  g_assert_error (error, BD_JSON_ERROR, BD_JSON_ERROR_INVALID);
}

/* 100,000 nested arrays (the body that crashed the feed parser) and the
 * same inside an object: refused quickly, no recursion. */
static void
test_json_deep_nesting (void)
{
  const gsize depth = 100000;
  g_autoptr(GString) text = g_string_new ("{\"features\": [{\"properties\": ");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  for (gsize i = 0; i < depth; i++)
    g_string_append_c (text, '[');
  for (gsize i = 0; i < depth; i++)
    g_string_append_c (text, ']');
  g_string_append (text, "}]}");

  node = bd_json_parse (text->str, text->len, 0, &error);
  g_assert_null (node);
  g_assert_error (error, BD_JSON_ERROR, BD_JSON_ERROR_TOO_DEEP);
  g_clear_error (&error);

  /* Exactly the limit is fine; one more is not. */
  g_string_truncate (text, 0);
  for (guint i = 0; i < BD_JSON_MAX_DEPTH; i++)
    g_string_append_c (text, '[');
  for (guint i = 0; i < BD_JSON_MAX_DEPTH; i++)
    g_string_append_c (text, ']');
  node = bd_json_parse (text->str, text->len, 0, &error);
  g_assert_no_error (error);
  g_clear_pointer (&node, json_node_unref);

  g_string_prepend_c (text, '[');
  g_string_append_c (text, ']');
  node = bd_json_parse (text->str, text->len, 0, &error);
  g_assert_error (error, BD_JSON_ERROR, BD_JSON_ERROR_TOO_DEEP);
  g_assert_null (node);
}

static void
test_json_size_bound (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = bd_json_parse ("[1, 2, 3]", 9, 8, &error);

  g_assert_null (node);
  g_assert_error (error, BD_JSON_ERROR, BD_JSON_ERROR_TOO_LARGE);
  g_clear_error (&error);

  node = bd_json_parse ("[1, 2, 3]", 9, 9, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
}

/* bd_json_value_end() walks a large array one element at a time. */
static void
test_json_value_end (void)
{
  const char *text = "  {\"a\": [1, {\"b\": \"]}\"}]} , [2], \"x\" ";
  g_autoptr(GError) error = NULL;
  gsize end;

  end = bd_json_value_end (text, strlen (text), BD_JSON_MAX_DEPTH, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text + end, ==, " , [2], \"x\" ");

  end = bd_json_value_end ("{\"a\": [1, 2}", 12, BD_JSON_MAX_DEPTH, &error);
  g_assert_cmpuint (end, ==, 0);
  g_assert_error (error, BD_JSON_ERROR, BD_JSON_ERROR_INVALID);
}

typedef struct
{
  GString *seen;
  guint    stop_at;     /* G_MAXUINT: never */
} Walk;

static gboolean
walk_member (const char  *name,
             const char  *value,
             gsize        length,
             gpointer     user_data,
             GError     **error)
{
  Walk *walk = user_data;

  g_string_append_printf (walk->seen, "%s=%.*s;", name, (int) length, value);
  return TRUE;
}

static gboolean
walk_element (guint        index,
              JsonNode    *element,
              gpointer     user_data,
              GError     **error)
{
  Walk *walk = user_data;
  g_autofree char *text = NULL;

  if (index == walk->stop_at)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "stopped");
      return FALSE;
    }
  text = json_to_string (element, FALSE);
  g_string_append_printf (walk->seen, "[%u]%s;", index, text);
  return TRUE;
}

static gboolean
walk (const char  *text,
      char       **seen,
      guint        stop_at,
      GError     **error)
{
  Walk state = { g_string_new (NULL), stop_at };
  gboolean ok;

  ok = bd_json_walk_array_member (text, strlen (text), "features", walk_member,
                                  walk_element, &state, error);
  *seen = g_string_free (state.seen, FALSE);
  return ok;
}

static void
test_json_walk (void)
{
  static const struct
  {
    const char *text;
    const char *seen;
  } good[] = {
    { "{\"type\":\"FeatureCollection\",\"features\":[{\"a\":1}, [2] ,\"x\"]}",
      "type=\"FeatureCollection\";[0]{\"a\":1};[1][2];[2]\"x\";" },
    { "\xEF\xBB\xBF { \"features\" : [ ] , \"n\" : null } ", "n=null;" },
    /* an escaped member name is the same name */
    { "{\"\\u0066eatures\":[1]}", "[0]1;" },
  };
  static const struct
  {
    const char *text;
    int code;
  } bad[] = {
    { "", BD_JSON_ERROR_INVALID },
    { "[1]", BD_JSON_ERROR_STRUCTURE },
    { "{\"type\":\"FeatureCollection\"}", BD_JSON_ERROR_STRUCTURE },
    { "{\"features\":{}}", BD_JSON_ERROR_STRUCTURE },
    { "{\"features\":[],\"features\":[]}", BD_JSON_ERROR_STRUCTURE },
    { "{\"features\":[1,]}", BD_JSON_ERROR_INVALID },
    { "{\"features\":[1 2]}", BD_JSON_ERROR_INVALID },
    { "{\"features\":[1]", BD_JSON_ERROR_INVALID },
    { "{\"features\":[1]} {}", BD_JSON_ERROR_INVALID },
    { "{\"features\":[1], /* c */ \"x\":1}", BD_JSON_ERROR_INVALID },
    { "{'features':[1]}", BD_JSON_ERROR_INVALID },
    { "{\"features\":[\"\\u0000\"]}", BD_JSON_ERROR_INVALID },
    { "{\"features\":[1],\"x\":\"\\x41\"}", BD_JSON_ERROR_INVALID },
  };
  g_autoptr(GString) deep = g_string_new ("{\"features\":[");

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *seen = NULL;

      g_test_message ("%s", good[i].text);
      g_assert_true (walk (good[i].text, &seen, G_MAXUINT, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (seen, ==, good[i].seen);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *seen = NULL;

      g_test_message ("%s", bad[i].text);
      g_assert_false (walk (bad[i].text, &seen, G_MAXUINT, &error));
      g_assert_error (error, BD_JSON_ERROR, bad[i].code);
    }

  /* a callback stops the walk with its own error */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *seen = NULL;

    g_assert_false (walk ("{\"features\":[1,2,3]}", &seen, 1, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_cmpstr (seen, ==, "[0]1;");
  }

  /* nesting counts from the root: an element may be 62 deep, not 63 */
  for (guint depth = 62; depth <= 63; depth++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *seen = NULL;

      g_string_truncate (deep, strlen ("{\"features\":["));
      for (guint i = 0; i < depth; i++)
        g_string_append_c (deep, '[');
      for (guint i = 0; i < depth; i++)
        g_string_append_c (deep, ']');
      g_string_append (deep, "]}");
      if (depth == 62)
        {
          g_assert_true (walk (deep->str, &seen, G_MAXUINT, &error));
          g_assert_no_error (error);
        }
      else
        {
          g_assert_false (walk (deep->str, &seen, G_MAXUINT, &error));
          g_assert_error (error, BD_JSON_ERROR, BD_JSON_ERROR_TOO_DEEP);
        }
    }
}

static void
test_json_dup_string (void)
{
  g_autofree char *plain = bd_json_dup_string ("\"FeatureCollection\"", 19);
  g_autofree char *escaped = bd_json_dup_string ("\"\\u6771\\n\"", 10);

  g_assert_cmpstr (plain, ==, "FeatureCollection");
  g_assert_cmpstr (escaped, ==, "東\n");
  g_assert_null (bd_json_dup_string ("42", 2));
  g_assert_null (bd_json_dup_string ("null", 4));
  g_assert_null (bd_json_dup_string ("\"cut", 4));
  g_assert_null (bd_json_dup_string ("", 0));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json/accepts", test_json_accepts);
  g_test_add_func ("/json/bom-is-skipped", test_json_bom_is_skipped);
  g_test_add_func ("/json/refuses", test_json_refuses);
  g_test_add_func ("/json/embedded-nul", test_json_embedded_nul);
  g_test_add_func ("/json/deep-nesting", test_json_deep_nesting);
  g_test_add_func ("/json/size-bound", test_json_size_bound);
  g_test_add_func ("/json/value-end", test_json_value_end);
  g_test_add_func ("/json/dup-string", test_json_dup_string);
  g_test_add_func ("/json/walk", test_json_walk);

  return g_test_run ();
}
