/* bd-report-fields.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "bd-report.h"

G_BEGIN_DECLS

/* The one table of a report's fields. Every list of field names (diff,
 * copy, labels, formatting, GeoJSON properties, what the merge and
 * bd_report_same_content () leave out, the store's history rows, the
 * editor's order) is read from it: adding a field is one row in
 * bd-report-fields.c, plus its property in bd-report.c. */

typedef enum
{
  BD_REPORT_FIELD_FLAG_NONE    = 0,
  /* What a person enters in the form. The history row of a create lists
   * these; an edit that changes one changes the report's content. */
  BD_REPORT_FIELD_FLAG_CONTENT = 1 << 0,
  /* Merged three ways field by field, and may conflict: the content fields
   * and "deleted". An edit's history row lists each such field it changes. */
  BD_REPORT_FIELD_FLAG_MERGED  = 1 << 1,
  /* Says which write, or when, not what: rev, seq and updated_at. Never a
   * conflict; bd_report_same_content () leaves these out. */
  BD_REPORT_FIELD_FLAG_STAMP   = 1 << 2,
  /* Set by bosai-central on every write (rev, seq): what a client sends is
   * replaced. (The client's store sets updated_at and created_at; the
   * server keeps them as sent.) */
  BD_REPORT_FIELD_FLAG_SERVER  = 1 << 3,
} BdReportFieldFlags;

typedef struct _BdReportFieldInfo BdReportFieldInfo;

struct _BdReportFieldInfo
{
  /* The GeoJSON property name; "id" and "geometry" for the feature's own
   * members. The names bd_report_diff () returns. */
  const char         *name;
  /* Untranslated (N_()); NULL when people never see the field. Use
   * bd_report_field_label () for the translated text. */
  const char         *label;
  /* Where the editor shows it (conflicts are listed in this order). */
  guint               form_order;
  BdReportFieldFlags  flags;
  /* The validation (bd_report_check_field ()) that covers it;
   * BD_REPORT_N_FIELDS when none does. */
  BdReportField       check;

  /*< private >*/
  guint               kind;
  guint               offset;
  guint               prop;
  gint64              unset;
  const char         *missing;     /* required: the error when absent or null */
  char             *(*format) (BdReport *self);
};

/* The fields in the order of bd_report_diff () and of the GeoJSON
 * properties. */
const BdReportFieldInfo *bd_report_fields           (guint              *n_fields);
/* NULL for an unknown name. */
const BdReportFieldInfo *bd_report_field_lookup     (const char         *name);
/* Whether the field named @name has every flag of @flags (FALSE when
 * unknown). */
gboolean                 bd_report_field_has_flags  (const char         *name,
                                                     BdReportFieldFlags  flags);
/* The names of the fields with every flag of @flags, NULL-terminated, in
 * table order; owned by the table (never free). */
const char * const      *bd_report_field_names      (BdReportFieldFlags  flags);

/* The value of the field @name in @self as JSON, as the GeoJSON property
 * holds it (JSON null when unset); for "geometry" an object with "lat",
 * "lon" and, for an area report, "area": true (not the polygon). Unknown
 * names give null. What the store's history keeps as old and new values.
 * Free with json_node_unref (). */
JsonNode                *bd_report_field_to_json     (BdReport           *self,
                                                      const char         *name);
/* A value of bd_report_field_to_json () as bd_report_format_field () shows
 * the field (labels, not codes); "" when unset (the department: its word
 * for unassigned); the JSON text itself when it does not read as the field. */
char                    *bd_report_field_format_json (const char         *name,
                                                      JsonNode           *value);

G_END_DECLS
