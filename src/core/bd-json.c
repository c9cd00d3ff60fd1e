/* bd-json.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-json"

#include "config.h"

#include "bd-json.h"

#include <string.h>

#include <glib/gi18n-lib.h>

/* A checker of RFC 8259's grammar, written here rather than taken from a
 * library: json-glib 1.6 (Debian 12) has no strict mode and no depth limit,
 * and the checker is what makes its parser safe to use on what others send.
 * It builds nothing and never recurses: the open containers are a stack of
 * at most max_depth bytes. */

G_DEFINE_QUARK (bd-json-error-quark, bd_json_error)

typedef enum
{
  WANT_VALUE,
  WANT_KEY,
  AFTER_VALUE,
} State;

static void
set_invalid (GError     **error,
             gsize        offset,
             const char  *what)
{
  g_set_error (error, BD_JSON_ERROR, BD_JSON_ERROR_INVALID,
               _("Not valid JSON: %s at byte %lu."), what, (unsigned long) offset);
}

static inline gboolean
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static inline gsize
skip_space (const char *data,
            gsize       length,
            gsize       pos)
{
  while (pos < length && is_space (data[pos]))
    pos++;
  return pos;
}

static gboolean
read_hex4 (const char *data,
           gsize       length,
           gsize       pos,
           guint      *out)
{
  guint value = 0;

  if (length - pos < 4)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value (data[pos + i]);

      if (digit < 0)
        return FALSE;
      value = value * 16 + (guint) digit;
    }
  *out = value;
  return TRUE;
}

/* @pos is at the opening quote; returns the offset after the closing one. */
static gboolean
scan_string (const char  *data,
             gsize        length,
             gsize       *pos,
             GError     **error)
{
  gsize p = *pos + 1;

  while (p < length)
    {
      guchar c = (guchar) data[p];

      if (c == '"')
        {
          *pos = p + 1;
          return TRUE;
        }
      if (c < 0x20)
        {
          set_invalid (error, p, _("a control character inside a string"));
          return FALSE;
        }
      if (c == '\\')
        {
          guint unit;

          if (++p >= length)
            break;
          switch (data[p])
            {
            case '"': case '\\': case '/': case 'b':
            case 'f': case 'n': case 'r': case 't':
              p++;
              continue;
            case 'u':
              break;
            default:
              set_invalid (error, p - 1, _("an unknown escape sequence"));
              return FALSE;
            }
          if (!read_hex4 (data, length, p + 1, &unit))
            {
              set_invalid (error, p - 1, _("an unknown escape sequence"));
              return FALSE;
            }
          if (unit == 0)
            {
              set_invalid (error, p - 1, _("a NUL character (\\u0000) in a string"));
              return FALSE;
            }
          p += 5;
          if (unit >= 0xDC00 && unit <= 0xDFFF)
            {
              set_invalid (error, p - 6, _("half of a surrogate pair"));
              return FALSE;
            }
          if (unit >= 0xD800 && unit <= 0xDBFF)
            {
              guint low;

              if (length - p < 6 || data[p] != '\\' || data[p + 1] != 'u' ||
                  !read_hex4 (data, length, p + 2, &low) ||
                  low < 0xDC00 || low > 0xDFFF)
                {
                  set_invalid (error, p - 6, _("half of a surrogate pair"));
                  return FALSE;
                }
              p += 6;
            }
          continue;
        }
      if (c >= 0x80)
        {
          gunichar ch = g_utf8_get_char_validated (data + p, (gssize) MIN (length - p, 4));

          if (ch == (gunichar) -1 || ch == (gunichar) -2)
            {
              set_invalid (error, p, _("text that is not UTF-8"));
              return FALSE;
            }
          p += (gsize) g_utf8_skip[c];
          continue;
        }
      p++;
    }

  set_invalid (error, *pos, _("a string that is never closed"));
  return FALSE;
}

static gboolean
scan_digits (const char *data,
             gsize       length,
             gsize      *pos)
{
  gsize start = *pos;

  while (*pos < length && g_ascii_isdigit (data[*pos]))
    (*pos)++;
  return *pos > start;
}

static gboolean
scan_number (const char  *data,
             gsize        length,
             gsize       *pos,
             GError     **error)
{
  gsize p = *pos;

  if (data[p] == '-')
    p++;
  if (p < length && data[p] == '0')
    p++;
  else if (!scan_digits (data, length, &p))
    goto bad;
  if (p < length && data[p] == '.')
    {
      p++;
      if (!scan_digits (data, length, &p))
        goto bad;
    }
  if (p < length && (data[p] == 'e' || data[p] == 'E'))
    {
      p++;
      if (p < length && (data[p] == '+' || data[p] == '-'))
        p++;
      if (!scan_digits (data, length, &p))
        goto bad;
    }
  *pos = p;
  return TRUE;

bad:
  set_invalid (error, *pos, _("a malformed number"));
  return FALSE;
}

static gboolean
scan_literal (const char  *data,
              gsize        length,
              gsize       *pos,
              GError     **error)
{
  static const char * const literals[] = { "true", "false", "null" };

  for (guint i = 0; i < G_N_ELEMENTS (literals); i++)
    {
      gsize n = strlen (literals[i]);

      if (length - *pos >= n && memcmp (data + *pos, literals[i], n) == 0)
        {
          *pos += n;
          return TRUE;
        }
    }
  set_invalid (error, *pos, _("an unexpected character"));
  return FALSE;
}

/* The offset after the value that starts at or after @start (offsets in
 * errors count from @data); 0 on error. */
static gsize
scan_value (const char  *data,
            gsize        length,
            gsize        start,
            guint        max_depth,
            GError     **error)
{
  g_autofree char *stack = NULL;
  State state = WANT_VALUE;
  guint depth = 0;
  gsize pos = start;

  stack = g_malloc (max_depth);

  for (;;)
    {
      char c;

      if (state == AFTER_VALUE && depth == 0)
        return pos;

      pos = skip_space (data, length, pos);
      if (pos >= length)
        {
          if (length == 0)
            g_set_error_literal (error, BD_JSON_ERROR, BD_JSON_ERROR_INVALID,
                                 _("Not valid JSON: the text is empty."));
          else
            set_invalid (error, pos, _("the text ends too early"));
          return 0;
        }
      c = data[pos];

      switch (state)
        {
        case WANT_VALUE:
          if (c == '{' || c == '[')
            {
              if (depth >= max_depth)
                {
                  g_set_error (error, BD_JSON_ERROR, BD_JSON_ERROR_TOO_DEEP,
                               _("Not valid JSON: nested more than %u deep at byte %lu."),
                               max_depth, (unsigned long) pos);
                  return 0;
                }
              stack[depth++] = c;
              pos = skip_space (data, length, pos + 1);
              if (pos < length && data[pos] == (c == '{' ? '}' : ']'))
                {
                  depth--;
                  pos++;
                  state = AFTER_VALUE;
                }
              else
                {
                  state = c == '{' ? WANT_KEY : WANT_VALUE;
                }
              continue;
            }
          if (c == '"')
            {
              if (!scan_string (data, length, &pos, error))
                return 0;
            }
          else if (c == '-' || g_ascii_isdigit (c))
            {
              if (!scan_number (data, length, &pos, error))
                return 0;
            }
          else if (!scan_literal (data, length, &pos, error))
            {
              return 0;
            }
          state = AFTER_VALUE;
          break;

        case WANT_KEY:
          if (c != '"')
            {
              set_invalid (error, pos, _("a member name that is not a double-quoted string"));
              return 0;
            }
          if (!scan_string (data, length, &pos, error))
            return 0;
          pos = skip_space (data, length, pos);
          if (pos >= length || data[pos] != ':')
            {
              set_invalid (error, pos, _("a missing colon after a member name"));
              return 0;
            }
          pos++;
          state = WANT_VALUE;
          break;

        case AFTER_VALUE:
          if (c == ',')
            {
              pos++;
              state = stack[depth - 1] == '{' ? WANT_KEY : WANT_VALUE;
            }
          else if (c == (stack[depth - 1] == '{' ? '}' : ']'))
            {
              pos++;
              depth--;
            }
          else
            {
              set_invalid (error, pos, _("an unexpected character"));
              return 0;
            }
          break;

        default:
          g_assert_not_reached ();
        }
    }
}

gsize
bd_json_value_end (const char  *data,
                   gsize        length,
                   guint        max_depth,
                   GError     **error)
{
  g_return_val_if_fail (data != NULL || length == 0, 0);
  g_return_val_if_fail (max_depth > 0, 0);

  return scan_value (data, length, 0, max_depth, error);
}

/* The member name whose quoted text is @data[start, end). */
static char *
read_name (const char  *data,
           gsize        start,
           gsize        end)
{
  g_autoptr(JsonNode) node = bd_json_parse (data + start, end - start, 0, NULL);

  g_assert (node != NULL);
  return g_strdup (json_node_get_string (node));
}

/* json-glib on text the checker has passed. */
static JsonNode *
parse_checked (JsonParser  *parser,
               const char  *data,
               gsize        length,
               GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!json_parser_load_from_data (parser, data, (gssize) length, &local_error) ||
      json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, BD_JSON_ERROR, BD_JSON_ERROR_INVALID,
                   _("Not valid JSON: %s"),
                   local_error != NULL ? local_error->message : _("the text is empty."));
      return NULL;
    }

  return json_parser_steal_root (parser);
}

typedef enum
{
  NEXT_ITEM,
  NEXT_CLOSED,
  NEXT_ERROR,
} Next;

/* After a member or an element: a comma (then *@pos is after it) or
 * @close (then *@pos is after that). */
static Next
after_item (const char  *data,
            gsize        length,
            gsize       *pos,
            char         close,
            GError     **error)
{
  *pos = skip_space (data, length, *pos);
  if (*pos < length && (data[*pos] == ',' || data[*pos] == close))
    return data[(*pos)++] == ',' ? NEXT_ITEM : NEXT_CLOSED;

  if (*pos >= length)
    set_invalid (error, *pos, _("the text ends too early"));
  else
    set_invalid (error, *pos, _("an unexpected character"));
  return NEXT_ERROR;
}

gboolean
bd_json_walk_array_member (const char         *data,
                           gsize               length,
                           const char         *array_name,
                           BdJsonMemberFunc    member_func,
                           BdJsonElementFunc   element_func,
                           gpointer            user_data,
                           GError            **error)
{
  g_autoptr(JsonParser) parser = NULL;
  gboolean seen = FALSE;
  gsize pos = 0;
  Next next;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (array_name != NULL, FALSE);
  g_return_val_if_fail (element_func != NULL, FALSE);

  parser = json_parser_new ();

  if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    pos = 3;
  pos = skip_space (data, length, pos);
  if (pos >= length || data[pos] != '{')
    {
      if (!bd_json_validate (data, length, BD_JSON_MAX_DEPTH, NULL, error))
        return FALSE;
      g_set_error_literal (error, BD_JSON_ERROR, BD_JSON_ERROR_STRUCTURE,
                           _("The JSON text is not an object."));
      return FALSE;
    }

  pos = skip_space (data, length, pos + 1);
  if (pos < length && data[pos] == '}')
    pos++;
  else
    for (;;)
      {
        g_autofree char *name = NULL;
        gsize name_start = pos;
        gsize end;

        if (pos >= length || data[pos] != '"')
          {
            set_invalid (error, pos, _("a member name that is not a double-quoted string"));
            return FALSE;
          }
        if (!scan_string (data, length, &pos, error))
          return FALSE;
        name = read_name (data, name_start, pos);
        pos = skip_space (data, length, pos);
        if (pos >= length || data[pos] != ':')
          {
            set_invalid (error, pos, _("a missing colon after a member name"));
            return FALSE;
          }
        pos = skip_space (data, length, pos + 1);

        if (strcmp (name, array_name) == 0)
          {
            guint index = 0;

            if (seen || pos >= length || data[pos] != '[')
              {
                /* Report bad JSON as such before the shape. */
                if (!bd_json_validate (data, length, BD_JSON_MAX_DEPTH, NULL, error))
                  return FALSE;
                g_set_error (error, BD_JSON_ERROR, BD_JSON_ERROR_STRUCTURE,
                             seen ? _("The member “%s” appears twice.")
                                  : _("The member “%s” is not a list."),
                             array_name);
                return FALSE;
              }
            seen = TRUE;
            pos = skip_space (data, length, pos + 1);
            if (pos < length && data[pos] == ']')
              pos++;
            else
              for (;;)
                {
                  g_autoptr(JsonNode) element = NULL;

                  /* root object, array: two levels used */
                  if (!(end = scan_value (data, length, pos, BD_JSON_MAX_DEPTH - 2, error)))
                    return FALSE;
                  pos = skip_space (data, length, pos);
                  if (!(element = parse_checked (parser, data + pos, end - pos, error)) ||
                      !element_func (index++, element, user_data, error))
                    return FALSE;
                  pos = end;
                  if ((next = after_item (data, length, &pos, ']', error)) == NEXT_ERROR)
                    return FALSE;
                  if (next == NEXT_CLOSED)
                    break;
                }
          }
        else
          {
            if (!(end = scan_value (data, length, pos, BD_JSON_MAX_DEPTH - 1, error)))
              return FALSE;
            pos = skip_space (data, length, pos);
            if (member_func != NULL &&
                !member_func (name, data + pos, end - pos, user_data, error))
              return FALSE;
            pos = end;
          }

        if ((next = after_item (data, length, &pos, '}', error)) == NEXT_ERROR)
          return FALSE;
        if (next == NEXT_CLOSED)
          break;
        pos = skip_space (data, length, pos);
      }

  pos = skip_space (data, length, pos);
  if (pos != length)
    {
      set_invalid (error, pos, _("more data after the end of the value"));
      return FALSE;
    }
  if (!seen)
    {
      g_set_error (error, BD_JSON_ERROR, BD_JSON_ERROR_STRUCTURE,
                   _("The object has no member “%s”."), array_name);
      return FALSE;
    }

  return TRUE;
}

gboolean
bd_json_validate (const char  *data,
                  gsize        length,
                  guint        max_depth,
                  gsize       *out_start,
                  GError     **error)
{
  gsize start = 0;
  gsize end;

  if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    start = 3;

  if (!(end = bd_json_value_end (data + start, length - start, max_depth, error)))
    return FALSE;
  end = skip_space (data, length, start + end);
  if (end != length)
    {
      set_invalid (error, end, _("more data after the end of the value"));
      return FALSE;
    }

  if (out_start != NULL)
    *out_start = start;
  return TRUE;
}

JsonNode *
bd_json_parse (const char  *data,
               gsize        length,
               gsize        max_bytes,
               GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  gsize start;

  if (max_bytes > 0 && length > max_bytes)
    {
      g_set_error (error, BD_JSON_ERROR, BD_JSON_ERROR_TOO_LARGE,
                   _("The data is too large (%lu bytes; at most %lu)."),
                   (unsigned long) length, (unsigned long) max_bytes);
      return NULL;
    }

  if (!bd_json_validate (data, length, BD_JSON_MAX_DEPTH, &start, error))
    return NULL;

  /* Mutable: bosai-central stamps rev and seq into what it read. */
  parser = json_parser_new ();
  return parse_checked (parser, data + start, length - start, error);
}

char *
bd_json_dup_string (const char *value,
                    gsize       length)
{
  g_autoptr(JsonNode) node = NULL;

  if (length == 0 || value[0] != '"' || !(node = bd_json_parse (value, length, 0, NULL)))
    return NULL;
  return g_strdup (json_node_get_string (node));
}
