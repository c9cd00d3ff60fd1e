/* bd-report-list.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "bd-store.h"

G_BEGIN_DECLS

/* A GListModel of BdReport over a BdStore, filtered by area, ward, category,
 * status and text, in the order of "sort". It holds only rowids; items are read from
 * the store when asked for (with a small cache). The query runs on a worker
 * thread, never on the UI thread, and runs again (debounced) when the store
 * emits "changed" or a filter property changes. "loading" is TRUE meanwhile. */

#define BD_TYPE_REPORT_LIST (bd_report_list_get_type ())

G_DECLARE_FINAL_TYPE (BdReportList, bd_report_list, BD, REPORT_LIST, GObject)

BdReportList *bd_report_list_new          (BdStore      *store);
BdStore      *bd_report_list_get_store    (BdReportList *self);

/* Properties: "ward", "category", "status", "text" (strings, NULL = any),
 * "sort" (a BdQuerySort, BD_QUERY_SORT_UPDATED unless set),
 * "has-bbox" and the bbox set by set_bbox, "loading" (read-only). */
void          bd_report_list_set_ward     (BdReportList *self,
                                           const char   *ward);
void          bd_report_list_set_category (BdReportList *self,
                                           const char   *category);
void          bd_report_list_set_status   (BdReportList *self,
                                           const char   *status);
void          bd_report_list_set_text     (BdReportList *self,
                                           const char   *text);
void          bd_report_list_set_sort     (BdReportList *self,
                                           BdQuerySort   sort);
BdQuerySort   bd_report_list_get_sort     (BdReportList *self);
/* The position of @rowid in the list as last queried, or G_MAXUINT. */
guint         bd_report_list_find_rowid   (BdReportList *self,
                                           gint64        rowid);
void          bd_report_list_set_bbox     (BdReportList *self,
                                           double        min_lon,
                                           double        min_lat,
                                           double        max_lon,
                                           double        max_lat);
void          bd_report_list_clear_bbox   (BdReportList *self);
gboolean      bd_report_list_get_loading  (BdReportList *self);
/* The department filter: reports of @department, or with @unassigned and
 * no @department, those of none; NULL and FALSE: any. */
void          bd_report_list_set_department (BdReportList *self,
                                             const char   *department,
                                             gboolean      unassigned);
const char   *bd_report_list_get_department (BdReportList *self,
                                             gboolean     *unassigned);
/* Issue 10: the list as of @as_of (unix s; G_MAXINT64: now, the
 * default): the reports observed by then, not deleted then, filtered and
 * sorted by their version valid then, and each item carries the ward,
 * category, severity, status and place it had then (the "as-of" property).
 * Done in the store's query (report_versions), not by filtering the model. */
void          bd_report_list_set_as_of    (BdReportList *self,
                                           gint64        as_of);
gint64        bd_report_list_get_as_of    (BdReportList *self);
/* Re-runs the query now (not debounced). */
void          bd_report_list_refresh      (BdReportList *self);

G_END_DECLS
