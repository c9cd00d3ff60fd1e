/* bd-report.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "bd-time.h"

G_BEGIN_DECLS

#define BD_REPORT_ERROR (bd_report_error_quark ())

typedef enum
{
  BD_REPORT_ERROR_INVALID_ID,
  BD_REPORT_ERROR_LOCATION,        /* out of range or outside the city */
  BD_REPORT_ERROR_GEOMETRY,        /* a malformed polygon */
  BD_REPORT_ERROR_WARD,
  BD_REPORT_ERROR_CATEGORY,
  BD_REPORT_ERROR_SEVERITY,
  BD_REPORT_ERROR_STATUS,
  BD_REPORT_ERROR_TITLE,           /* empty or too long */
  BD_REPORT_ERROR_TEXT,            /* description, reporter or other text too long */
  BD_REPORT_ERROR_COUNTS,          /* unknown key, negative, non-integer or absurd */
  BD_REPORT_ERROR_TIMESTAMP,       /* missing, unparsable or impossible */
  BD_REPORT_ERROR_ATTACHMENT,
  BD_REPORT_ERROR_PARSE,           /* not a GeoJSON Feature we understand */
  BD_REPORT_ERROR_DEPARTMENT,      /* not a department code */
} BdReportError;

/* The checks of bd_report_check_field (), in the order bd_report_validate ()
 * runs them (the first error wins); the editor shows each one's message
 * under its row. Which check covers which field is in the table of fields
 * (BdReportFieldInfo.check, bd-report-fields.h). */
typedef enum
{
  BD_REPORT_FIELD_LOCATION,
  BD_REPORT_FIELD_WARD,
  BD_REPORT_FIELD_CATEGORY,
  BD_REPORT_FIELD_SEVERITY,
  BD_REPORT_FIELD_STATUS,
  BD_REPORT_FIELD_TITLE,
  BD_REPORT_FIELD_DESCRIPTION,
  BD_REPORT_FIELD_REPORTER,
  BD_REPORT_FIELD_OBSERVED_AT,
  BD_REPORT_FIELD_COUNTS,
  BD_REPORT_FIELD_AFFECTED,        /* affected_households / affected_people */
  BD_REPORT_FIELD_ATTACHMENTS,
  BD_REPORT_FIELD_DUPLICATE_OF,
  BD_REPORT_FIELD_TIMESTAMPS,      /* created_at / updated_at */
  BD_REPORT_FIELD_DEPARTMENT,
  BD_REPORT_N_FIELDS
} BdReportField;

#define BD_REPORT_MAX_TITLE        200   /* characters */
#define BD_REPORT_MAX_DESCRIPTION  10000 /* characters */
#define BD_REPORT_MAX_REPORTER     200   /* characters */
#define BD_REPORT_MAX_ATTACHMENTS  50
#define BD_REPORT_MAX_DEPARTMENT   64    /* bytes of a department code */

#define BD_TYPE_REPORT (bd_report_get_type ())

G_DECLARE_FINAL_TYPE (BdReport, bd_report, BD, REPORT, GObject)

GQuark       bd_report_error_quark          (void);

/* A new report with a fresh UUID, status "new", severity 2, created_at,
 * updated_at and observed_at set to now (local time, with offset). */
BdReport    *bd_report_new                  (void);
BdReport    *bd_report_copy                 (BdReport     *self);
gboolean     bd_report_equal                (BdReport     *a,
                                             BdReport     *b);
/* Names (GeoJSON property names, "geometry" for location) of the fields that
 * differ, NULL-terminated; free with g_strfreev. */
char       **bd_report_diff                 (BdReport     *a,
                                             BdReport     *b);

/* Getters return values owned by the report (transfer none), except the
 * GVariant getters (counts, attachments), which return a new reference.
 * Title, description and reporter are never NULL (""); id, polygon, ward,
 * category, status and duplicate_of are NULL when unset ("" also unsets). */
const char  *bd_report_get_id               (BdReport     *self);
void         bd_report_set_id               (BdReport     *self,
                                             const char   *id);
/* NaN until a place is chosen. */
double       bd_report_get_latitude         (BdReport     *self);
double       bd_report_get_longitude        (BdReport     *self);
void         bd_report_set_location         (BdReport     *self,
                                             double        latitude,
                                             double        longitude);
/* An optional Polygon: the GeoJSON geometry object as text, or NULL. */
const char  *bd_report_get_polygon          (BdReport     *self);
void         bd_report_set_polygon          (BdReport     *self,
                                             const char   *polygon_json);
const char  *bd_report_get_ward             (BdReport     *self);
void         bd_report_set_ward             (BdReport     *self,
                                             const char   *ward);
const char  *bd_report_get_category         (BdReport     *self);
void         bd_report_set_category         (BdReport     *self,
                                             const char   *category);
int          bd_report_get_severity         (BdReport     *self);
void         bd_report_set_severity         (BdReport     *self,
                                             int           severity);
const char  *bd_report_get_status           (BdReport     *self);
void         bd_report_set_status           (BdReport     *self,
                                             const char   *status);
const char  *bd_report_get_duplicate_of     (BdReport     *self);
void         bd_report_set_duplicate_of     (BdReport     *self,
                                             const char   *id);
const char  *bd_report_get_title            (BdReport     *self);
void         bd_report_set_title            (BdReport     *self,
                                             const char   *title);
const char  *bd_report_get_description      (BdReport     *self);
void         bd_report_set_description      (BdReport     *self,
                                             const char   *description);
const char  *bd_report_get_reporter         (BdReport     *self);
void         bd_report_set_reporter         (BdReport     *self,
                                             const char   *reporter);
GDateTime   *bd_report_get_observed_at      (BdReport     *self);
void         bd_report_set_observed_at      (BdReport     *self,
                                             GDateTime    *when);
GDateTime   *bd_report_get_created_at       (BdReport     *self);
void         bd_report_set_created_at       (BdReport     *self,
                                             GDateTime    *when);
GDateTime   *bd_report_get_updated_at       (BdReport     *self);
void         bd_report_set_updated_at       (BdReport     *self,
                                             GDateTime    *when);

/* Counts of the category's fields (DOMAIN.md). A key not set reads as 0;
 * setting 0 removes the key. */
double       bd_report_get_count            (BdReport     *self,
                                             const char   *key);
void         bd_report_set_count            (BdReport     *self,
                                             const char   *key,
                                             double        value);
void         bd_report_clear_counts         (BdReport     *self);
/* The counts as a GVariant of type a{sd}, sorted by key, no zeros (the
 * "counts" property); get returns a new reference, set accepts a floating one. */
GVariant    *bd_report_get_counts           (BdReport     *self);
void         bd_report_set_counts           (BdReport     *self,
                                             GVariant     *counts);
/* -1 when unknown */
gint64       bd_report_get_affected_households (BdReport  *self);
void         bd_report_set_affected_households (BdReport  *self,
                                                gint64     value);
gint64       bd_report_get_affected_people  (BdReport     *self);
void         bd_report_set_affected_people  (BdReport     *self,
                                             gint64        value);

/* Attachments as a GVariant of type a(sss): sha256, media type, name. */
GVariant    *bd_report_get_attachments      (BdReport     *self);
void         bd_report_set_attachments      (BdReport     *self,
                                             GVariant     *attachments);

/* From the server; 0 until the report has been synced. */
gint64       bd_report_get_rev              (BdReport     *self);
void         bd_report_set_rev              (BdReport     *self,
                                             gint64        rev);
gint64       bd_report_get_seq              (BdReport     *self);
void         bd_report_set_seq              (BdReport     *self,
                                             gint64        seq);
gboolean     bd_report_get_deleted          (BdReport     *self);
void         bd_report_set_deleted          (BdReport     *self,
                                             gboolean      deleted);
/* The department the report is assigned to: a code of the department list
 * (lowercase ASCII letters, digits, "_" and "-", at most
 * BD_REPORT_MAX_DEPARTMENT), NULL when unassigned ("" also unassigns).
 * Validation checks the form only: a department retired from the list
 * stays valid on the reports that name it. */
const char  *bd_report_get_department       (BdReport     *self);
void         bd_report_set_department       (BdReport     *self,
                                             const char   *department);

/* Validation: a GError in BD_REPORT_ERROR whose message a ward officer
 * understands (translated). check_field checks one field, validate all. */
gboolean     bd_report_check_field          (BdReport      *self,
                                             BdReportField  field,
                                             GError       **error);
gboolean     bd_report_validate             (BdReport      *self,
                                             GError       **error);

/* Equal but for the stamps of the last write: rev and seq (which the
 * server sets) and updated_at (BD_REPORT_FIELD_FLAG_STAMP in
 * bd-report-fields.h). */
gboolean     bd_report_same_content         (BdReport     *a,
                                             BdReport     *b);
/* Field by field, for the three-way merge and the conflict view. @field is
 * a name from bd_report_diff() (the table in bd-report-fields.h). */
/* Copies one field's value from @source into @self. */
void         bd_report_copy_field           (BdReport     *self,
                                             BdReport     *source,
                                             const char   *field);
/* The value as the user reads it (labels, not codes); "" when unset. */
char        *bd_report_format_field         (BdReport     *self,
                                             const char   *field);
/* The label of a field name ("title" → "Title"), translated. */
const char  *bd_report_field_label          (const char   *field);
/* Merges @local and @server, both descended from @base (NULL: the report
 * was created on both sides). A field changed on one side only takes that
 * side's value; a field changed on both sides to different values keeps the
 * local value and is named in *@conflicts (NULL-terminated, may be empty).
 * The result carries the server's rev and seq. */
BdReport    *bd_report_merge3               (BdReport     *base,
                                             BdReport     *local,
                                             BdReport     *server,
                                             char       ***conflicts);

/* GeoJSON (RFC 7946). geometry is the Point, or the Polygon when one is set
 * (the point then goes in properties.point); a report with no place yet gets
 * "geometry": null, which new_from_json refuses. Text is read with
 * bd_json_parse () (strict RFC 8259: no \u0000, no comments). Parsing checks
 * JSON types and structure only (BD_REPORT_ERROR_PARSE), and that severity
 * is given and no text property is null (also BD_REPORT_ERROR_PARSE): call
 * bd_report_validate () for the values. A single feature may be at most
 * 16 MiB of text, a collection 64 MiB. */
JsonNode    *bd_report_to_json              (BdReport     *self);
char        *bd_report_to_geojson           (BdReport     *self);
BdReport    *bd_report_new_from_json        (JsonNode     *node,
                                             GError      **error);
BdReport    *bd_report_new_from_geojson     (const char   *text,
                                             gssize        length,
                                             GError      **error);
/* A FeatureCollection of @reports (BdReport*). */
char        *bd_reports_to_feature_collection   (GPtrArray  *reports);
/* Reads a FeatureCollection or a single Feature; returns BdReport*s. */
GPtrArray   *bd_reports_from_feature_collection (const char *text,
                                                 gssize      length,
                                                 GError    **error);

G_END_DECLS
