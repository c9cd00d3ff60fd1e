/* bd-notifier.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "bd-store.h"

G_BEGIN_DECLS

#define BD_TYPE_NOTIFIER (bd_notifier_get_type ())

G_DECLARE_FINAL_TYPE (BdNotifier, bd_notifier, BD, NOTIFIER, GObject)

/* Desktop notifications (GNotification) about what arrives from the
 * server: a new report in the user's own ward ("home-ward" setting), a
 * status change of one of that ward's reports, an alert that comes into
 * force, a shelter that fills. Reports count only when they arrive while
 * watching (the application sets it while a sync run is on), so the
 * user's own edits and imports never notify them; nor does the first run
 * into an empty database; alerts and shelters in force at start are known
 * (the banner and the map show them). While the user is writing a report
 * (the quiet function) notifications wait, and go out, one a kind, once
 * they are done. Clicking one activates app.open-report (the report's id),
 * app.show-alerts (an alert's id) or app.show-place (a full shelter's
 * "lat,lon"). */
BdNotifier *bd_notifier_new          (GApplication *application,
                                      BdStore      *store,
                                      GSettings    *settings);

void        bd_notifier_set_watching (BdNotifier   *self,
                                      gboolean      watching);
/* Asked before notifications go out; while it returns TRUE they wait,
 * and are tried again every few seconds. */
typedef gboolean (*BdNotifierQuietFunc) (gpointer user_data);
void        bd_notifier_set_quiet_func (BdNotifier        *self,
                                        BdNotifierQuietFunc func,
                                        gpointer            user_data);
/* Sends what waits, unless it must stay quiet. */
void        bd_notifier_flush        (BdNotifier   *self);
/* Re-reads the user's ward and the current state, notifying nothing. */
void        bd_notifier_reset        (BdNotifier   *self);

G_END_DECLS
