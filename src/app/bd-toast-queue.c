/* bd-toast-queue.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-toast-queue"

#include "config.h"

#include "bd-toast-queue.h"

struct _BdToastQueue
{
  GObject          parent_instance;

  AdwToastOverlay *overlay;
  AdwToast        *last_toast;
  GQueue           pending;
  AdwToast        *shown;
  gint64           shown_frame_start;  /* µs, frame clock; -1 before the first frame */
  gboolean         shown_settled;
  guint            tick_id;
  gint64           hidden_at;          /* µs, monotonic; 0 before the first hide */
  guint            timeout_id;
};

G_DEFINE_FINAL_TYPE (BdToastQueue, bd_toast_queue, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_OVERLAY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void pump (BdToastQueue *self);

static gboolean
pump_cb (gpointer user_data)
{
  BdToastQueue *self = user_data;

  self->timeout_id = 0;
  pump (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_pump (BdToastQueue *self,
               gint64        delay_us)
{
  if (self->timeout_id != 0)
    return;

  self->timeout_id = g_timeout_add ((guint)MAX (delay_us / 1000, 1), pump_cb, self);
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *frame_clock,
         gpointer       user_data)
{
  BdToastQueue *self = user_data;
  gint64 frame_time = gdk_frame_clock_get_frame_time (frame_clock);

  if (self->shown == NULL)
    {
      self->tick_id = 0;
      return G_SOURCE_REMOVE;
    }

  if (self->shown_frame_start < 0)
    self->shown_frame_start = frame_time;

  if (frame_time - self->shown_frame_start < BD_TOAST_QUEUE_MIN_SHOWN_MS * 1000)
    return G_SOURCE_CONTINUE;

  self->shown_settled = TRUE;
  self->tick_id = 0;
  if (!g_queue_is_empty (&self->pending))
    schedule_pump (self, 0);

  return G_SOURCE_REMOVE;
}

static void
on_shown_dismissed_cb (AdwToast     *toast,
                       BdToastQueue *self)
{
  g_signal_handlers_disconnect_by_func (toast, on_shown_dismissed_cb, self);
  if (self->shown == toast)
    {
      g_clear_object (&self->shown);
      self->hidden_at = g_get_monotonic_time ();
    }

  if (!g_queue_is_empty (&self->pending))
    schedule_pump (self, BD_TOAST_QUEUE_HIDE_MS * 1000);
}

static void
pump (BdToastQueue *self)
{
  gint64 now = g_get_monotonic_time ();
  AdwToast *toast;

  if (g_queue_is_empty (&self->pending) || self->overlay == NULL)
    return;

  if (self->shown != NULL)
    {
      /* The tick callback pumps again once the toast has settled. */
      if (!self->shown_settled)
        return;

      /* The "dismissed" handler schedules the next one. */
      adw_toast_dismiss (self->shown);
      return;
    }

  if (self->hidden_at != 0 && now - self->hidden_at < BD_TOAST_QUEUE_HIDE_MS * 1000)
    {
      schedule_pump (self, BD_TOAST_QUEUE_HIDE_MS * 1000 - (now - self->hidden_at));
      return;
    }

  toast = g_queue_pop_head (&self->pending);
  self->shown = toast;   /* the queue's reference */
  self->shown_settled = FALSE;
  self->shown_frame_start = -1;
  g_signal_connect (toast, "dismissed", G_CALLBACK (on_shown_dismissed_cb), self);
  adw_toast_overlay_add_toast (self->overlay, g_object_ref (toast));

  /* Added after the toast's show animation, so it runs after it in a frame. */
  if (self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self->overlay), tick_cb, self, NULL);
}

static void
bd_toast_queue_dispose (GObject *object)
{
  BdToastQueue *self = (BdToastQueue *)object;

  bd_toast_queue_clear (self);
  g_clear_object (&self->last_toast);

  G_OBJECT_CLASS (bd_toast_queue_parent_class)->dispose (object);
}

static void
bd_toast_queue_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  BdToastQueue *self = BD_TOAST_QUEUE (object);

  switch (prop_id)
    {
    case PROP_OVERLAY:
      g_value_set_object (value, self->overlay);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_toast_queue_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  BdToastQueue *self = BD_TOAST_QUEUE (object);

  switch (prop_id)
    {
    case PROP_OVERLAY:
      self->overlay = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_toast_queue_class_init (BdToastQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bd_toast_queue_dispose;
  object_class->get_property = bd_toast_queue_get_property;
  object_class->set_property = bd_toast_queue_set_property;

  properties[PROP_OVERLAY] =
    g_param_spec_object ("overlay", NULL, NULL,
                         ADW_TYPE_TOAST_OVERLAY,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bd_toast_queue_init (BdToastQueue *self)
{
  g_queue_init (&self->pending);
  self->shown_frame_start = -1;
}

BdToastQueue *
bd_toast_queue_new (AdwToastOverlay *overlay)
{
  g_return_val_if_fail (ADW_IS_TOAST_OVERLAY (overlay), NULL);

  return g_object_new (BD_TYPE_TOAST_QUEUE, "overlay", overlay, NULL);
}

AdwToastOverlay *
bd_toast_queue_get_overlay (BdToastQueue *self)
{
  g_return_val_if_fail (BD_IS_TOAST_QUEUE (self), NULL);

  return self->overlay;
}

void
bd_toast_queue_add (BdToastQueue *self,
                    AdwToast     *toast)
{
  g_return_if_fail (BD_IS_TOAST_QUEUE (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  g_set_object (&self->last_toast, toast);
  g_queue_push_tail (&self->pending, toast);
  pump (self);
}

AdwToast *
bd_toast_queue_get_shown (BdToastQueue *self)
{
  g_return_val_if_fail (BD_IS_TOAST_QUEUE (self), NULL);

  return self->shown;
}

AdwToast *
bd_toast_queue_get_last (BdToastQueue *self)
{
  g_return_val_if_fail (BD_IS_TOAST_QUEUE (self), NULL);

  return self->last_toast;
}

guint
bd_toast_queue_get_n_waiting (BdToastQueue *self)
{
  g_return_val_if_fail (BD_IS_TOAST_QUEUE (self), 0);

  return g_queue_get_length (&self->pending);
}

void
bd_toast_queue_clear (BdToastQueue *self)
{
  g_return_if_fail (BD_IS_TOAST_QUEUE (self));

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->tick_id != 0 && self->overlay != NULL)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->overlay), self->tick_id);
  self->tick_id = 0;
  g_queue_clear_full (&self->pending, g_object_unref);
  if (self->shown != NULL)
    g_signal_handlers_disconnect_by_func (self->shown, on_shown_dismissed_cb, self);
  g_clear_object (&self->shown);
  g_clear_object (&self->overlay);
}
