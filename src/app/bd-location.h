/* bd-location.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Where the computer is, once, through GeoClue (libgeoclue's GClueSimple,
 * exact accuracy), with a time limit. */

#define BD_LOCATION_ERROR (bd_location_error_quark ())

typedef enum
{
  BD_LOCATION_ERROR_NO_SERVICE,   /* no GeoClue (or no system bus) on this computer */
  BD_LOCATION_ERROR_DENIED,       /* GeoClue refused this app */
  BD_LOCATION_ERROR_TIMEOUT,      /* no fix within the time limit */
  BD_LOCATION_ERROR_FAILED,
} BdLocationError;

GQuark   bd_location_error_quark   (void);

void     bd_location_locate_async  (guint                timeout_seconds,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
/* @accuracy: the radius in metres within which the place lies. */
gboolean bd_location_locate_finish (GAsyncResult        *result,
                                    double              *latitude,
                                    double              *longitude,
                                    double              *accuracy,
                                    GError             **error);

G_END_DECLS
