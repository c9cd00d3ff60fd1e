/* bd-store-features.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "bd-store.h"

G_BEGIN_DECLS

/* The overlay collections the server keeps besides reports: "shelters",
 * "areas" and "alerts" (bd-feature-validate.h says what each holds). The
 * store keeps them as the change feed brings them, so that the map and
 * the alert banner have them after a restart with no network.
 *
 * BdStore::features-changed (detailed by the collection's name, e.g.
 * "features-changed::alerts"), with the collection as its argument, is
 * emitted on the store's thread after a commit that changed any feature
 * of that collection (added, changed or deleted). */

/* One feature, a copy: nothing in it is the store's. */
typedef struct
{
  char     *collection;
  char     *id;
  gint64    rev;
  gint64    seq;
  gboolean  deleted;       /* a tombstone: only bd_store_get_feature() returns those */
  char     *kind;          /* shelters, areas: kind; alerts: category */
  char     *name;          /* shelters, areas: name; alerts: headline (else event) */
  char     *ward;          /* shelters, areas: ward code; alerts: NULL */
  char     *status;        /* shelters: state; alerts: status; areas: NULL */
  int       level;         /* areas (evacuation): 3–5; alerts: 1–5; else 0 */
  gboolean  active;        /* alerts: "active"; areas: not lifted; shelters: TRUE */
  gint64    effective;     /* unix seconds: alerts' effective (else sent), areas' issued_at; 0 */
  gint64    expires;       /* alerts: unix seconds; 0 when it has none */
  gboolean  has_bbox;      /* FALSE: no geometry (an alert given by area codes) */
  double    min_lon, min_lat, max_lon, max_lat;
  char     *feature;       /* the GeoJSON Feature as the server sent it */
} BdFeature;

/* Which features of a collection to list. Every member is optional. */
typedef struct
{
  gboolean    has_bbox;    /* features whose envelope meets this box */
  double      min_lon, min_lat, max_lon, max_lat;
  const char *kind;        /* NULL: any */
} BdFeatureQuery;

void        bd_feature_free               (BdFeature       *feature);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdFeature, bd_feature_free)

/* Reads @node (a GeoJSON Feature of the change feed) as a feature of
 * @collection: a tombstone (properties.deleted true) needs only its id;
 * any other must pass bd_feature_validate(). NULL with a BD_FEATURE_ERROR
 * saying why. Any thread. */
BdFeature  *bd_feature_new_from_json      (const char      *collection,
                                           JsonNode        *node,
                                           GError         **error);
/* The feature's GeoJSON, parsed (bounded); NULL with @error. */
JsonNode   *bd_feature_parse              (const BdFeature *feature,
                                           GError         **error);
/* Shown in the banner and on the map at @now (unix seconds): an alert
 * whose status is "actual", active and not expired. */
gboolean    bd_feature_is_shown_alert     (const BdFeature *feature,
                                           gint64           now);

/* The live features of @collection matching @query (NULL: all), in the
 * order the server changed them (seq). BdFeature*s. */
GPtrArray  *bd_store_list_features        (BdStore         *self,
                                           const char      *collection,
                                           const BdFeatureQuery *query,
                                           GError         **error);
/* One feature, tombstones included; NULL without an error when unknown. */
BdFeature  *bd_store_get_feature          (BdStore         *self,
                                           const char      *collection,
                                           const char      *id,
                                           GError         **error);
/* The alerts shown at @now (unix seconds; see bd_feature_is_shown_alert()),
 * highest level first, then the newest. BdFeature*s. */
GPtrArray  *bd_store_list_active_alerts   (BdStore         *self,
                                           gint64           now,
                                           GError         **error);
/* When the next of those alerts expires (unix seconds), 0 when none
 * will; -1 on error. */
gint64      bd_store_get_next_alert_expiry (BdStore        *self,
                                            gint64          now,
                                            GError        **error);
/* Live features of @collection; -1 on error. */
gint64      bd_store_count_features       (BdStore         *self,
                                           const char      *collection,
                                           GError         **error);
/* Features of @collection the change feed brought that were kept aside
 * (malformed, or refused by bd_feature_validate()); -1 on error. */
gint64      bd_store_count_feature_rejects (BdStore        *self,
                                            const char     *collection,
                                            GError        **error);

/* For the sync engine (and demo data and tests): @features (BdFeature*)
 * are written as they are, each replacing the stored copy unless that is
 * newer (a higher seq); @rejected (BdRejected*, may be NULL) are kept
 * aside under @collection; and, when @cursor_key is not NULL, the sync
 * state @cursor_key is set to @cursor; one transaction. Emits
 * features-changed when a feature was written. */
gboolean    bd_store_apply_pulled_features (BdStore        *self,
                                            const char     *collection,
                                            GPtrArray      *features,
                                            GPtrArray      *rejected,
                                            const char     *cursor_key,
                                            gint64          cursor,
                                            GError        **error);

/* The sync state key of a collection's change-feed cursor
 * ("cursor:shelters"…). */
char       *bd_store_feature_cursor_key   (const char      *collection);

G_END_DECLS
