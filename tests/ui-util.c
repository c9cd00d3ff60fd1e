/* ui-util.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include <math.h>

#include "bd-catalog.h"
#include "ui-util.h"

gboolean
iterate_until (Condition condition,
               gpointer  data,
               guint     timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)timeout_ms * 1000;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }

  return TRUE;
}

gboolean
widget_is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (data));
}

gboolean
pointer_is_null (gpointer data)
{
  return *(gpointer *)data == NULL;
}

int
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    return g_remove (path);

  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      remove_tree (child);
    }

  return g_rmdir (path);
}

/* Plain tiles (7 × 7 around the city centre) at @zoom, so that the map
 * needs no network. */
void
write_city_tiles (const char *dir,
                  int         zoom)
{
  double n = 1 << zoom;
  double lat = BD_CITY_CENTER_LAT * G_PI / 180.0;
  int cx = (int)floor ((BD_CITY_CENTER_LON + 180.0) / 360.0 * n);
  int cy = (int)floor ((1.0 - log (tan (lat) + 1.0 / cos (lat)) / G_PI) / 2.0 * n);

  for (int x = cx - 3; x <= cx + 3; x++)
    {
      g_autofree char *column = g_strdup_printf ("%s/%d/%d", dir, zoom, x);

      g_assert_cmpint (g_mkdir_with_parents (column, 0700), ==, 0);

      for (int y = cy - 3; y <= cy + 3; y++)
        {
          g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 256, 256);
          g_autofree char *path = g_strdup_printf ("%s/%d.png", column, y);
          g_autoptr(GError) error = NULL;
          guint32 shade = ((x + y) % 2) ? 0xe8eef0ff : 0xf4f1eaff;

          gdk_pixbuf_fill (pixbuf, shade);
          gdk_pixbuf_save (pixbuf, path, "png", &error, NULL);
          g_assert_no_error (error);
        }
    }
}
