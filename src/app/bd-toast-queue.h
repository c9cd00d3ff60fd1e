/* bd-toast-queue.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Shows toasts on an AdwToastOverlay one at a time.
 *
 * libadwaita 1.2's AdwToastOverlay frees a toast's bookkeeping when its
 * hide animation ends, while its show animation may still be playing and
 * call back into it (a use-after-free seen under valgrind, where frames are
 * slow). So a newer toast dismisses the older one only once the overlay's
 * frame clock has advanced BD_TOAST_QUEUE_MIN_SHOWN_MS since the older one
 * appeared (the show animation, at most 500 ms on that clock, is then
 * over); the newer one appears once the older one has finished hiding
 * (BD_TOAST_QUEUE_HIDE_MS). */

#define BD_TOAST_QUEUE_MIN_SHOWN_MS 700
#define BD_TOAST_QUEUE_HIDE_MS      400

#define BD_TYPE_TOAST_QUEUE (bd_toast_queue_get_type ())

G_DECLARE_FINAL_TYPE (BdToastQueue, bd_toast_queue, BD, TOAST_QUEUE, GObject)

BdToastQueue    *bd_toast_queue_new          (AdwToastOverlay *overlay);
AdwToastOverlay *bd_toast_queue_get_overlay  (BdToastQueue    *self);
/* Queues @toast (taking ownership of it). */
void             bd_toast_queue_add          (BdToastQueue    *self,
                                              AdwToast        *toast);
/* The toast shown now, or NULL. */
AdwToast        *bd_toast_queue_get_shown    (BdToastQueue    *self);
/* The last toast added (NULL if none). */
AdwToast        *bd_toast_queue_get_last     (BdToastQueue    *self);
/* Toasts waiting for the one shown to go. */
guint            bd_toast_queue_get_n_waiting (BdToastQueue   *self);
/* Drops the waiting toasts and stops watching the overlay; what a window
 * calls when it goes away. */
void             bd_toast_queue_clear        (BdToastQueue    *self);

G_END_DECLS
