/* bd-departments.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The departments a report may be assigned to (the report's "department"
 * property). The list ships as resource data (resources/data/departments.json:
 * Osaka City's bureaus that act in a disaster), seeds each store's own
 * list, and the headquarters edits that list (bd_store_save_department ()):
 * add, rename, retire. A code never changes and is never deleted: a retired
 * department stays on the reports that name it. */

#define BD_DEPARTMENT_MAX_NAME 100   /* characters of a label */

typedef struct
{
  char     *code;          /* ASCII: a-z, 0-9, "_" and "-", at most BD_REPORT_MAX_DEPARTMENT bytes */
  char     *name_ja;       /* 危機管理室 */
  char     *name_en;       /* Crisis Management Office */
  gboolean  retired;       /* kept for the reports that name it, offered no more */
} BdDepartment;

BdDepartment *bd_department_new       (const char          *code,
                                       const char          *name_ja,
                                       const char          *name_en,
                                       gboolean             retired);
BdDepartment *bd_department_copy      (const BdDepartment  *department);
void          bd_department_free      (BdDepartment        *department);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdDepartment, bd_department_free)
/* The label in the UI language (bd_catalog_label ()). */
const char   *bd_department_get_label (const BdDepartment  *department);

/* Whether @code has the form of a department code. */
gboolean      bd_departments_code_is_valid (const char     *code);
/* Checks a department before it is stored: the code's form, and both
 * labels present and at most BD_DEPARTMENT_MAX_NAME characters. */
gboolean      bd_departments_check    (const BdDepartment  *department,
                                       GError             **error);

/* The list of the resource data, in its order: BdDepartment*s. */
GPtrArray    *bd_departments_dup_defaults (void);

/* The list labels are taken from (bd_departments_dup_label () and the
 * formatting of the "department" field): the resource's list until the
 * application sets its store's. Thread-safe; takes copies. */
void          bd_departments_set_current (GPtrArray        *departments);
GPtrArray    *bd_departments_dup_current (void);
/* The label of @code in the UI language; the code itself when no list
 * knows it. */
char         *bd_departments_dup_label   (const char       *code);

G_END_DECLS
