/* bd-time.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-time"

#include "config.h"

#include "bd-time.h"

#include <string.h>

char *
bd_format_timestamp (GDateTime *when)
{
  GString *text;
  GTimeSpan offset;
  int minutes;

  if (when == NULL)
    return NULL;

  text = g_string_new (NULL);
  g_string_append_printf (text, "%04d-%02d-%02dT%02d:%02d:%02d",
                          g_date_time_get_year (when),
                          g_date_time_get_month (when),
                          g_date_time_get_day_of_month (when),
                          g_date_time_get_hour (when),
                          g_date_time_get_minute (when),
                          g_date_time_get_second (when));
  if (g_date_time_get_microsecond (when) != 0)
    g_string_append_printf (text, ".%06d", g_date_time_get_microsecond (when));

  offset = g_date_time_get_utc_offset (when);
  if (offset == 0)
    {
      g_string_append_c (text, 'Z');
    }
  else
    {
      minutes = (int) (ABS (offset) / G_TIME_SPAN_MINUTE);
      g_string_append_printf (text, "%c%02d:%02d", offset < 0 ? '-' : '+',
                              minutes / 60, minutes % 60);
    }

  return g_string_free (text, FALSE);
}

static gboolean
has_digits (const char *p,
            guint       n)
{
  for (guint i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (p[i]))
        return FALSE;
    }

  return TRUE;
}

GDateTime *
bd_parse_timestamp (const char *text)
{
  const char *p;
  gsize len;

  if (text == NULL)
    return NULL;

  /* RFC 3339 date-time: YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM) */
  len = strnlen (text, 64);
  if (len < 20 || len >= 64)
    return NULL;

  if (!has_digits (text, 4) || text[4] != '-' || !has_digits (text + 5, 2) ||
      text[7] != '-' || !has_digits (text + 8, 2) || text[10] != 'T' ||
      !has_digits (text + 11, 2) || text[13] != ':' || !has_digits (text + 14, 2) ||
      text[16] != ':' || !has_digits (text + 17, 2))
    return NULL;

  p = text + 19;
  if (*p == '.')
    {
      guint digits = 0;

      for (p++; g_ascii_isdigit (*p); p++)
        digits++;
      if (digits == 0 || digits > 9)
        return NULL;
    }

  if (*p == 'Z')
    {
      if (p[1] != '\0')
        return NULL;
    }
  else if (*p == '+' || *p == '-')
    {
      if (!has_digits (p + 1, 2) || p[3] != ':' || !has_digits (p + 4, 2) || p[6] != '\0')
        return NULL;
    }
  else
    {
      return NULL;
    }

  return g_date_time_new_from_iso8601 (text, NULL);
}

char *
bd_timestamp_now_utc (void)
{
  g_autoptr(GDateTime) exact = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) now = NULL;

  now = g_date_time_add (exact, -(GTimeSpan) g_date_time_get_microsecond (exact));
  return bd_format_timestamp (now);
}

gint64
bd_date_time_to_usec (GDateTime *when)
{
  g_return_val_if_fail (when != NULL, 0);

  return g_date_time_to_unix (when) * G_USEC_PER_SEC + g_date_time_get_microsecond (when);
}
