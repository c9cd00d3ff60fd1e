/* ui-util.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What the widget tests share: waiting on the main loop, and clean-up. */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef gboolean (*Condition) (gpointer data);

/* Runs the default main context until @condition holds (TRUE) or
 * @timeout_ms pass (FALSE). */
gboolean iterate_until    (Condition   condition,
                           gpointer    data,
                           guint       timeout_ms);
/* Conditions */
gboolean widget_is_mapped (gpointer    data);   /* a GtkWidget */
gboolean pointer_is_null  (gpointer    data);   /* a gpointer * */
/* Plain PNG tiles around the city centre at @zoom, in @dir/z/x/y.png. */
void     write_city_tiles (const char *dir,
                           int         zoom);
/* Removes a file or a folder with everything in it. */
int      remove_tree      (const char *path);

G_END_DECLS
