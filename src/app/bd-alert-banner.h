/* bd-alert-banner.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "bd-store.h"

G_BEGIN_DECLS

#define BD_TYPE_ALERT_BANNER (bd_alert_banner_get_type ())

G_DECLARE_FINAL_TYPE (BdAlertBanner, bd_alert_banner, BD, ALERT_BANNER, GtkWidget)

/* A bar under the header naming the alerts in force (the store's alerts
 * collection: status "actual", active, not expired; see
 * bd_store_list_active_alerts ()). Hidden when there are none. It follows
 * the store's features-changed::alerts and drops an alert when it expires
 * (a timer to the next expiry). A click opens the alerts' details:
 * event, headline, area, issue time, expiry, description.
 * (libadwaita 1.2 has no AdwBanner: a GtkRevealer with a menu button.) */
GtkWidget   *bd_alert_banner_new          (void);
void         bd_alert_banner_set_store    (BdAlertBanner *self,
                                           BdStore       *store);
BdStore     *bd_alert_banner_get_store    (BdAlertBanner *self);
/* Reads the alerts again (the store's signal and the expiry timer call it). */
void         bd_alert_banner_refresh      (BdAlertBanner *self);
/* The alerts shown ("n-alerts"), and the banner's text ("summary", also
 * its accessible name); NULL when none is shown. */
guint        bd_alert_banner_get_n_alerts (BdAlertBanner *self);
/* Opens the details of the alerts shown (a notification was clicked). */
void         bd_alert_banner_show_details (BdAlertBanner *self);
const char  *bd_alert_banner_get_summary  (BdAlertBanner *self);

G_END_DECLS
