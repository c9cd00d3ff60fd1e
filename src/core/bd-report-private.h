/* bd-report-private.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "bd-report.h"
#include "bd-report-fields.h"

G_BEGIN_DECLS

/* What the files of BdReport share: the object itself (bd-report.c), its
 * table of fields (bd-report-fields.c), validation (bd-report-validate.c),
 * GeoJSON (bd-report-geojson.c) and the three-way merge (bd-report-merge.c). */

#define BD_REPORT_MAX_FEATURE_BYTES     (16 * 1024 * 1024)
#define BD_REPORT_MAX_COLLECTION_BYTES  (64 * 1024 * 1024)
/* json-glib 1.6 writes 1e22 as "1e+22.0", which it cannot read back: keep
 * numbers well below where %.17g switches to an exponent without a point. */
#define BD_REPORT_MAX_JSON_NUMBER       1e15

#define BD_REPORT_COUNTS_TYPE      G_VARIANT_TYPE ("a{sd}")
#define BD_REPORT_ATTACHMENTS_TYPE G_VARIANT_TYPE ("a(sss)")

struct _BdReport
{
  GObject    parent_instance;

  char      *id;
  double     latitude;
  double     longitude;
  char      *polygon;
  char      *ward;
  char      *category;
  int        severity;
  char      *status;
  char      *duplicate_of;
  char      *title;
  char      *description;
  char      *reporter;
  GDateTime *observed_at;
  GDateTime *created_at;
  GDateTime *updated_at;
  GVariant  *counts;        /* a{sd}, sorted by key, no zero values; never NULL */
  gint64     affected_households;
  gint64     affected_people;
  GVariant  *attachments;   /* a(sss); never NULL */
  gint64     rev;
  gint64     seq;
  gboolean   deleted;
  char      *department;    /* a code of the department list, NULL: unassigned */
};

enum {
  BD_REPORT_PROP_0,
  BD_REPORT_PROP_ID,
  BD_REPORT_PROP_LATITUDE,
  BD_REPORT_PROP_LONGITUDE,
  BD_REPORT_PROP_POLYGON,
  BD_REPORT_PROP_WARD,
  BD_REPORT_PROP_CATEGORY,
  BD_REPORT_PROP_SEVERITY,
  BD_REPORT_PROP_STATUS,
  BD_REPORT_PROP_DUPLICATE_OF,
  BD_REPORT_PROP_TITLE,
  BD_REPORT_PROP_DESCRIPTION,
  BD_REPORT_PROP_REPORTER,
  BD_REPORT_PROP_OBSERVED_AT,
  BD_REPORT_PROP_CREATED_AT,
  BD_REPORT_PROP_UPDATED_AT,
  BD_REPORT_PROP_COUNTS,
  BD_REPORT_PROP_AFFECTED_HOUSEHOLDS,
  BD_REPORT_PROP_AFFECTED_PEOPLE,
  BD_REPORT_PROP_ATTACHMENTS,
  BD_REPORT_PROP_REV,
  BD_REPORT_PROP_SEQ,
  BD_REPORT_PROP_DELETED,
  BD_REPORT_PROP_DEPARTMENT,
  BD_REPORT_N_PROPS
};

/* bd-report.c */
void       _bd_report_notify              (BdReport    *self,
                                           guint        prop);
gboolean   _bd_report_replace_nullable    (char       **field,
                                           const char  *value);
gboolean   _bd_report_replace_text        (char       **field,
                                           const char  *value);
gboolean   _bd_report_replace_date_time   (GDateTime  **field,
                                           GDateTime   *value);
/* Takes a floating or full reference to @counts; notifies on change. */
void       _bd_report_replace_counts      (BdReport    *self,
                                           GVariant    *counts);
GVariant  *_bd_report_normalize_counts    (GVariant    *counts);
gboolean   _bd_report_doubles_same        (double       a,
                                           double       b);
gboolean   _bd_report_date_times_same_second (GDateTime *a,
                                              GDateTime *b);

/* bd-report-fields.c: the names of the fields that differ between @a and
 * @b, appended to @names when not NULL; returns how many differ. */
guint      _bd_report_compare             (BdReport    *a,
                                           BdReport    *b,
                                           GPtrArray   *names);
/* Writes every property the table knows into @props, in table order. */
void       _bd_report_fields_to_json      (BdReport    *self,
                                           JsonObject  *props);
/* A string member (NULL when absent or null), checked to be UTF-8. */
gboolean   _bd_report_read_string         (JsonNode    *node,
                                           const char  *name,
                                           const char **out,
                                           GError     **error);
/* Reads every property the table knows from @props. */
gboolean   _bd_report_fields_from_json    (BdReport    *self,
                                           JsonObject  *props,
                                           GError     **error);

/* bd-report-geojson.c */
/* bd_json_parse () with a BD_REPORT_ERROR_PARSE error. @length -1: NUL-terminated. */
JsonNode  *_bd_report_parse_json          (const char  *text,
                                           gssize       length,
                                           gsize        max_bytes,
                                           GError     **error);
/* A clean copy of a GeoJSON Polygon (type and coordinates only) and the
 * mean of its outer ring. */
JsonNode  *_bd_report_read_polygon        (JsonNode    *node,
                                           double      *longitude,
                                           double      *latitude,
                                           GError     **error);
/* A finite JSON number. */
gboolean   _bd_report_get_number          (JsonNode    *node,
                                           double      *out);
gboolean   _bd_report_parse_error         (GError     **error,
                                           const char  *format,
                                           ...) G_GNUC_PRINTF (2, 3);

G_END_DECLS
