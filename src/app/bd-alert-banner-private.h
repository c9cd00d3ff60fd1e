/* bd-alert-banner-private.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "bd-alert-banner.h"

G_BEGIN_DECLS

/* For tests: the button that opens the details, its popover, and the box
 * of the details (one child a shown alert). */
GtkMenuButton *_bd_alert_banner_get_button       (BdAlertBanner *self);
GtkPopover    *_bd_alert_banner_get_popover      (BdAlertBanner *self);
GtkWidget     *_bd_alert_banner_get_details_box  (BdAlertBanner *self);
/* Seconds until the expiry timer fires (0: no timer). */
guint          _bd_alert_banner_get_timer_s      (BdAlertBanner *self);

G_END_DECLS
