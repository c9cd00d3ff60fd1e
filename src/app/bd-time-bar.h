/* bd-time-bar.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Issue 10, part 7: the map's time bar. A slider over the disaster's hours
 * (from the first report observed to now), play / pause, a speed (1, 6 or
 * 24 hours a second), "As of 12月6日 14:00" and Now (back to live). Its
 * "as-of" property (unix s; G_MAXINT64: live, the default) is what the
 * window hands to the report layer and the list. Keys: the arrows move
 * the slider an hour (Page Up / Down six), Space plays or pauses. */

#define BD_TYPE_TIME_BAR (bd_time_bar_get_type ())

G_DECLARE_FINAL_TYPE (BdTimeBar, bd_time_bar, BD, TIME_BAR, GtkWidget)

GtkWidget *bd_time_bar_new          (void);
/* The slider's span, unix s (@start <= @end). While live the slider
 * stays at the end. */
void       bd_time_bar_set_range    (BdTimeBar *self,
                                     gint64     start,
                                     gint64     end);
void       bd_time_bar_get_range    (BdTimeBar *self,
                                     gint64    *start,
                                     gint64    *end);
/* G_MAXINT64 goes live; any other time is clamped to the range. */
void       bd_time_bar_set_as_of    (BdTimeBar *self,
                                     gint64     as_of);
gint64     bd_time_bar_get_as_of    (BdTimeBar *self);
gboolean   bd_time_bar_get_live     (BdTimeBar *self);
void       bd_time_bar_set_playing  (BdTimeBar *self,
                                     gboolean   playing);
gboolean   bd_time_bar_get_playing  (BdTimeBar *self);
/* Disaster seconds a second of playback (3600, 21600 or 86400). */
gint64     bd_time_bar_get_speed    (BdTimeBar *self);
/* What the label shows ("As of 12月6日 14:00", or "Live"). */
const char *bd_time_bar_get_text    (BdTimeBar *self);

/* For tests: one playback step of @seconds of real time. */
void       _bd_time_bar_step        (BdTimeBar *self,
                                     double     seconds);

G_END_DECLS
