/* bd-window-time.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Issue 10, part 7: the time bar over the map. Its time goes to the report
 * layer (bd_report_layer_set_time: the "as of" filter at once, the points
 * in their version then loaded off the main thread, debounced) and to the
 * list (bd_report_list_set_as_of: the store's query as of then, debounced).
 * Its span runs from the first report observed to now, read on a worker
 * thread at the start and every RANGE_REFRESH_S. */

#define G_LOG_DOMAIN "bd-window"

#include "config.h"

#include "bd-window-private.h"

#include "bd-time-bar.h"

#define RANGE_REFRESH_S 30
/* The slider spans this much at most (a report observed long ago). */
#define MAX_SPAN_S (60 * 24 * 3600)

static void
apply_range (BdWindow *self,
             gint64    first)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  /* rounded down to the hour, so the hours fall on the slider's steps */
  first = MAX (first, now - MAX_SPAN_S);
  first -= first % 3600;
  bd_time_bar_set_range (BD_TIME_BAR (self->time_bar), first, now);
}

static void
on_first_observed_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gint64 first = g_get_real_time () / G_USEC_PER_SEC - 24 * 3600;
  BdWindow *self;

  if (!bd_store_get_first_observed_finish (BD_STORE (object), result, &first, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    g_debug ("Cannot find the first report's time: %s", error->message);

  self = BD_WINDOW (user_data);
  if (self->time_bar != NULL)
    apply_range (self, first);
}

/* The span, read on a worker thread (a scan of report_versions: tens of ms
 * at 100,000 reports). */
static void
refresh_range (BdWindow *self)
{
  GCancellable *cancellable = g_object_get_data (G_OBJECT (self), "bd-time-cancellable");

  bd_store_get_first_observed_async (self->store, cancellable, on_first_observed_cb, self);
}

static gboolean
refresh_range_cb (gpointer user_data)
{
  refresh_range (BD_WINDOW (user_data));
  return G_SOURCE_CONTINUE;
}

static void
on_as_of_changed_cb (BdWindow *self)
{
  gint64 as_of = bd_time_bar_get_as_of (BD_TIME_BAR (self->time_bar));

  if (self->report_layer != NULL)
    bd_report_layer_set_time (self->report_layer, as_of);
  if (self->report_list != NULL)
    bd_report_list_set_as_of (self->report_list, as_of);
}

void
_bd_window_init_time (BdWindow *self)
{
  self->time_bar = bd_time_bar_new ();
  gtk_widget_set_name (self->time_bar, "time_bar");
  /* At the foot of the map, above the scale and the credits: the top
   * holds the zoom buttons (right) and, narrow, the layers button (left). */
  gtk_widget_set_valign (self->time_bar, GTK_ALIGN_END);
  gtk_widget_set_halign (self->time_bar, GTK_ALIGN_FILL);
  gtk_widget_set_margin_bottom (self->time_bar, 32);
  gtk_widget_set_margin_start (self->time_bar, 6);
  gtk_widget_set_margin_end (self->time_bar, 6);
  gtk_overlay_add_overlay (GTK_OVERLAY (self->map_overlay), self->time_bar);

  /* the last day until the first report's time is in */
  apply_range (self, g_get_real_time () / G_USEC_PER_SEC - 24 * 3600);
  g_object_set_data_full (G_OBJECT (self), "bd-time-cancellable", g_cancellable_new (),
                          g_object_unref);
  refresh_range (self);
  self->time_range_id = g_timeout_add_seconds (RANGE_REFRESH_S, refresh_range_cb, self);
  g_signal_connect_object (self->time_bar, "notify::as-of",
                           G_CALLBACK (on_as_of_changed_cb), self, G_CONNECT_SWAPPED);

  _bd_window_init_export_actions (self);
}

void
_bd_window_dispose_time (BdWindow *self)
{
  g_clear_handle_id (&self->time_range_id, g_source_remove);
  g_cancellable_cancel (g_object_get_data (G_OBJECT (self), "bd-time-cancellable"));
  /* a widget of the overlay: only forget it */
  self->time_bar = NULL;
}

gint64
_bd_window_get_as_of (BdWindow *self)
{
  return self->time_bar != NULL ? bd_time_bar_get_as_of (BD_TIME_BAR (self->time_bar))
                                : G_MAXINT64;
}

GtkWidget *
_bd_window_get_time_bar (BdWindow *self)
{
  return self->time_bar;
}
