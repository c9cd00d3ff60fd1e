/* bd-store.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "bd-departments.h"
#include "bd-geo.h"
#include "bd-report.h"

G_BEGIN_DECLS

#define BD_STORE_ERROR (bd_store_error_quark ())

typedef enum
{
  BD_STORE_ERROR_OPEN,       /* cannot open or create the file */
  BD_STORE_ERROR_CORRUPT,    /* not a Bosai Desk database, or damaged */
  BD_STORE_ERROR_VERSION,    /* made by a newer version of the app */
  BD_STORE_ERROR_NOT_FOUND,
  BD_STORE_ERROR_INVALID,    /* the report did not validate */
  BD_STORE_ERROR_SQL,        /* any other SQLite failure (disk full, busy) */
} BdStoreError;

/* The latest schema version (PRAGMA user_version). */
#define BD_STORE_SCHEMA_VERSION 11

typedef enum
{
  BD_STORE_CHANGE_ADDED,
  BD_STORE_CHANGE_UPDATED,
  BD_STORE_CHANGE_REMOVED,     /* became a tombstone */
  BD_STORE_CHANGE_RELOADED,    /* many rows changed at once (batch insert) */
} BdStoreChange;

/* The order of a query's results, newest (or most severe) first; ties go
 * to the report added last. */
typedef enum
{
  BD_QUERY_SORT_UPDATED,       /* last change (updated_at) */
  BD_QUERY_SORT_OBSERVED,      /* when the damage was seen (observed_at, else created_at) */
  BD_QUERY_SORT_SEVERITY,      /* most severe first, then newest observed */
} BdQuerySort;

/* A query over the live (non-deleted) reports. Every member is optional:
 * NULL / 0 / FALSE means "no filter". */
typedef struct
{
  gboolean    has_bbox;
  double      min_lon, min_lat, max_lon, max_lat;
  const char *ward;
  const char *category;
  const char *status;
  const char *text;            /* full-text search over title and description */
  guint       limit;           /* 0: no limit */
  BdQuerySort sort;            /* 0 (BD_QUERY_SORT_UPDATED) by default */
  const char *department;      /* one department's code */
  gboolean    unassigned;      /* only reports with no department (when department is unset) */
  /* issue 10: "as of" a time (unix s): the reports observed by then, in
   * their version valid then (report_versions), not deleted then; ward,
   * category, status, severity and place filter and sort by that version. */
  gboolean    has_as_of;
  gint64      as_of;
} BdQuery;

/* An outbox row: one local edit waiting to be pushed. */
typedef struct
{
  gint64  seq;
  char   *report_id;
  char   *op;                  /* "create", "update", "delete" */
  gint64  base_rev;
  char   *payload;             /* the report's GeoJSON after the edit */
  char   *created_at;
  char   *error;               /* why the server refused it, or NULL */
} BdOutboxEntry;

/* One field of a history row: its value before and after, as
 * bd_report_field_to_json () gives it (JSON null when unset; the old value
 * of a create is null). Show it with bd_report_field_format_json (). */
typedef struct
{
  char     *field;
  JsonNode *old_value;
  JsonNode *new_value;
} BdHistoryChange;

/* A history row: who changed what, when. */
typedef struct
{
  gint64     id;
  char      *report_id;
  char      *actor;
  char      *at;               /* RFC 3339 */
  char      *op;               /* "create", "update", "delete", "restore" (edits here);
                                * "pull", "merge" (changes from the server) */
  char     **fields;           /* names of the changed fields */
  GPtrArray *changes;          /* BdHistoryChange*, in the order of fields; empty for
                                * rows written before schema 8 */
} BdHistoryEntry;

/* The most a history row's values are read back (bytes of JSON). */
#define BD_STORE_MAX_HISTORY_BYTES (32 * 1024 * 1024)

void bd_history_change_free (BdHistoryChange *change);

void bd_outbox_entry_free  (BdOutboxEntry  *entry);
void bd_history_entry_free (BdHistoryEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdOutboxEntry, bd_outbox_entry_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdHistoryEntry, bd_history_entry_free)

#define BD_TYPE_STORE (bd_store_get_type ())

G_DECLARE_FINAL_TYPE (BdStore, bd_store, BD, STORE, GObject)

GQuark      bd_store_error_quark      (void);

/* Opens (creating and migrating as needed) the database at @path. WAL mode,
 * synchronous=FULL, foreign keys on. */
BdStore    *bd_store_open             (const char     *path,
                                       GError        **error);
const char *bd_store_get_path         (BdStore        *self);
int         bd_store_get_schema_version (BdStore      *self);

/* Validates @report, then writes it with its outbox row and history row in
 * one transaction; returns only when committed. Sets updated_at to now and,
 * on a new report, created_at if unset. @actor names who made the edit. */
gboolean    bd_store_save_report      (BdStore        *self,
                                       BdReport       *report,
                                       const char     *actor,
                                       GError        **error);
/* Makes the report a tombstone (deleted=true), with outbox and history rows. */
gboolean    bd_store_delete_report    (BdStore        *self,
                                       const char     *id,
                                       const char     *actor,
                                       GError        **error);
/* Brings a tombstone back (the undo of a delete). */
gboolean    bd_store_restore_report   (BdStore        *self,
                                       const char     *id,
                                       const char     *actor,
                                       GError        **error);
/* Many reports in one transaction (demo data, imports, the benchmark).
 * With @record_outbox, each gets an outbox row (and a history row). */
gboolean    bd_store_insert_batch     (BdStore        *self,
                                       GPtrArray      *reports,
                                       gboolean        record_outbox,
                                       const char     *actor,
                                       GError        **error);

/* A file of reports (bosai-desk --import), all or nothing, read one
 * feature at a time (nothing of the file is kept):
 * bd_store_import_begin () opens ONE transaction (BEGIN IMMEDIATE: other
 * writers wait until it ends). bd_store_import_add () reads @feature (a
 * GeoJSON Feature) as a report, validates it, refuses an id already added
 * (naming both by their positions: the n-th feature added is feature n,
 * counted from 1) and writes it with its outbox and history rows as a
 * save would (updated_at: the time of the begin), or skips it when the
 * store already holds it as it is. A refused feature (BD_STORE_ERROR_INVALID,
 * "feature N: why") rolls everything back; the features added after it
 * are only checked, each refused one with its error, so that a file's
 * problems are all found in one reading. Any other error (the database's,
 * naming the feature) ends the import: only bd_store_import_free () may
 * follow. bd_store_import_commit () makes them all visible, unless one was
 * refused; @n_imported: how many were written; @n_unchanged: how many
 * were skipped. bd_store_import_free () rolls back an import not committed.
 * Between the begin and the free, use the store for nothing else. */
typedef struct _BdStoreImport BdStoreImport;

BdStoreImport *bd_store_import_begin  (BdStore        *self,
                                       const char     *actor,
                                       GError        **error);
gboolean    bd_store_import_add       (BdStoreImport  *import,
                                       JsonNode       *feature,
                                       GError        **error);
gboolean    bd_store_import_commit    (BdStoreImport  *import,
                                       guint          *n_imported,
                                       guint          *n_unchanged,
                                       GError        **error);
void        bd_store_import_free      (BdStoreImport  *import);
/* For imports of other people's data (bd-import.c), where a bad feature
 * is skipped rather than refusing the file. @report (already read and
 * checked by the caller) is validated again; an invalid one, or an id
 * given before in this import, is refused with BD_STORE_ERROR_INVALID
 * WITHOUT ending the import (nothing of it was written, the features added
 * before stay): the caller skips it and goes on. It is written with its
 * own created_at and updated_at (as they are: fill them in before), its
 * rev and seq those of the stored copy (0 for a new report). When the
 * store holds a copy with a later updated_at, nothing is written and
 * *@outcome says so (the newer edit is never lost); the same content is
 * BD_STORE_IMPORT_UNCHANGED. Any other error ends the import, as for
 * bd_store_import_add (). */
typedef enum
{
  BD_STORE_IMPORT_WRITTEN,
  BD_STORE_IMPORT_UNCHANGED,
  BD_STORE_IMPORT_OLDER,       /* the store holds a newer copy */
} BdStoreImportOutcome;

gboolean    bd_store_import_add_report (BdStoreImport        *import,
                                        BdReport             *report,
                                        BdStoreImportOutcome *outcome,
                                        GError              **error);
/* Says "changed" (BD_STORE_CHANGE_RELOADED) on @self, after another
 * connection to the same database (a worker thread's) wrote many rows. */
void        bd_store_notify_reloaded  (BdStore        *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdStoreImport, bd_store_import_free)

/* Saves @edited, which was made from @original (NULL: a new report), in
 * one transaction: when the stored copy is no longer @original (a sync
 * brought another edit meanwhile), what was typed is merged three ways
 * over the stored copy (bd_report_merge3 (); a field changed on both sides
 * takes the typed value) and the merge is saved. @edited is not changed;
 * @out_saved (may be NULL) receives what was saved. This is a person's
 * edit: a change of status the workflow does not allow from @original's
 * (bd_workflow_check ()) is refused with BD_STORE_ERROR_INVALID and nothing
 * is written. (What the server sends, and the other writes, are never
 * checked against the workflow.) */
gboolean    bd_store_save_report_over (BdStore        *self,
                                       BdReport       *original,
                                       BdReport       *edited,
                                       const char     *actor,
                                       BdReport      **out_saved,
                                       GError        **error);

/* NULL with BD_STORE_ERROR_NOT_FOUND when there is no such report.
 * Tombstones are returned too (deleted=true). */
BdReport   *bd_store_get_report       (BdStore        *self,
                                       const char     *id,
                                       GError        **error);
BdReport   *bd_store_get_report_by_rowid (BdStore     *self,
                                          gint64       rowid,
                                          GError     **error);
/* Live reports matching @query in @query->sort's order: BdReport*s. */
GPtrArray  *bd_store_query            (BdStore        *self,
                                       const BdQuery  *query,
                                       GError        **error);
/* The same, as rowids only (a GArray of gint64): what list models hold. */
GArray     *bd_store_query_rowids     (BdStore        *self,
                                       const BdQuery  *query,
                                       GError        **error);
/* Number of live reports. */
gint64      bd_store_count            (BdStore        *self);

/* Outbox and history */
GPtrArray  *bd_store_list_outbox      (BdStore        *self,
                                       GError        **error);
GPtrArray  *bd_store_list_history     (BdStore        *self,
                                       const char     *report_id,
                                       GError        **error);

/* Number of outbox rows (local edits waiting to be pushed). */
gint64      bd_store_count_outbox     (BdStore        *self);
/* Number of outbox rows of one report: 0 when every edit of it is on the
 * server, -1 on error. One indexed lookup (the list rows' "not sent"). */
gint64      bd_store_count_outbox_for_report (BdStore    *self,
                                              const char *report_id);
/* The oldest @limit outbox rows, in the order they are sent, without their
 * payloads (payload is NULL): what the sync status shows as waiting. */
GPtrArray  *bd_store_list_outbox_head (BdStore        *self,
                                       guint           limit,
                                       GError        **error);
/* Number of features of the change feed kept aside (bd-store-sync.h). */
gint64      bd_store_count_rejected   (BdStore        *self);

/* Photos. The store keeps each photo's bytes, named by the lowercase hex
 * SHA-256 of its bytes, until the server has it. Only images (media type
 * image/…) up to BD_STORE_MAX_ATTACHMENT_BYTES. Adding the same bytes twice
 * is harmless. Returns the sha256 (free it). */
#define BD_STORE_MAX_ATTACHMENT_BYTES (20 << 20)
char       *bd_store_add_attachment   (BdStore        *self,
                                       GBytes         *bytes,
                                       const char     *media_type,
                                       GError        **error);
/* NULL with BD_STORE_ERROR_NOT_FOUND when the store does not hold it (a
 * photo another client took, not downloaded yet). */
GBytes     *bd_store_get_attachment   (BdStore        *self,
                                       const char     *sha256,
                                       char          **media_type,
                                       GError        **error);

/* The same off the calling thread: hashed and written (or read) on a
 * worker through a connection the store opens once for photos. */
void        bd_store_add_attachment_async   (BdStore             *self,
                                             GBytes              *bytes,
                                             const char          *media_type,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
char       *bd_store_add_attachment_finish  (BdStore             *self,
                                             GAsyncResult        *result,
                                             GError             **error);
void        bd_store_read_attachment_async  (BdStore             *self,
                                             const char          *sha256,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
GBytes     *bd_store_read_attachment_finish (BdStore             *self,
                                             GAsyncResult        *result,
                                             char               **media_type,
                                             GError             **error);

/* Conflicts: a field changed both here and on the server since the last
 * copy both sides shared. The report holds the local value; the server's
 * value is in bd_store_get_server_copy(). Until every conflict of a report
 * is settled, its outbox rows are held back (not pushed). */
typedef struct
{
  char   *report_id;
  char   *field;               /* a name from bd_report_diff() */
  gint64  server_rev;
  char   *created_at;
} BdConflict;

void bd_conflict_free (BdConflict *conflict);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdConflict, bd_conflict_free)

typedef enum
{
  BD_CONFLICT_KEEP_LOCAL,
  BD_CONFLICT_TAKE_SERVER,
} BdConflictChoice;

/* The conflicts of one report (@report_id) or of all (NULL), oldest first. */
GPtrArray  *bd_store_list_conflicts   (BdStore        *self,
                                       const char     *report_id,
                                       GError        **error);
gint64      bd_store_count_conflicts  (BdStore        *self);
/* Settles one field; the edit (if any) is written with its outbox and
 * history rows in one transaction. When the last conflict of a report is
 * settled, its outbox rows are pushed again. */
gboolean    bd_store_settle_conflict  (BdStore        *self,
                                       const char     *report_id,
                                       const char     *field,
                                       BdConflictChoice choice,
                                       const char     *actor,
                                       GError        **error);
/* The last copy of the report this client had from the server (the base
 * of a three-way merge); NULL with BD_STORE_ERROR_NOT_FOUND when the
 * server never had it. */
BdReport   *bd_store_get_server_copy  (BdStore        *self,
                                       const char     *id,
                                       GError        **error);

/* The departments reports are assigned to (bd-departments.h): the store's
 * own list, in its order, retired ones included (BdDepartment*s). The
 * first read seeds it from the resource data. */
GPtrArray  *bd_store_list_departments (BdStore            *self,
                                       GError            **error);
/* Adds a department (a new code, at the end of the list) or renames or
 * retires one (a known code); checked by bd_departments_check ()
 * (BD_STORE_ERROR_INVALID). Who may do so (the headquarters) is the
 * application's rule. */
gboolean    bd_store_save_department  (BdStore            *self,
                                       const BdDepartment *department,
                                       GError            **error);

/* Reading on another thread. bd_store_reader_open opens a read-only
 * connection of its own (WAL lets it read while the app writes); use it on
 * one thread only and close it with bd_store_reader_free. */
typedef struct _BdStoreReader BdStoreReader;

BdStoreReader *bd_store_reader_open   (const char     *path,
                                       GError        **error);
void        bd_store_reader_free      (BdStoreReader  *reader);
GArray     *bd_store_reader_query_rowids (BdStoreReader *reader,
                                          const BdQuery *query,
                                          GError       **error);
/* Every live report as a BdPoint (a GArray of BdPoint), rowid order. */
GArray     *bd_store_reader_load_points  (BdStoreReader *reader,
                                          GError       **error);
/* The reports as they were at @as_of (a time slider): each report whose
 * version valid then (report_versions) was not deleted, at the place and
 * with the category, severity and status it had then; rowid order.
 * Versions start at a report's updated_at; what a report was before the
 * store kept versions (schema 8) is not known: its first version is the
 * row as it was then. */
GArray     *bd_store_reader_load_points_as_of (BdStoreReader *reader,
                                               GDateTime     *as_of,
                                               GError       **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdStoreReader, bd_store_reader_free)

/* Async helpers over a reader on a worker thread. */
void        bd_store_query_rowids_async  (BdStore             *self,
                                          const BdQuery       *query,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
GArray     *bd_store_query_rowids_finish (BdStore             *self,
                                          GAsyncResult        *result,
                                          GError             **error);
void        bd_store_load_points_async   (BdStore             *self,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
GArray     *bd_store_load_points_finish  (BdStore             *self,
                                          GAsyncResult        *result,
                                          GError             **error);

void        bd_store_load_points_as_of_async  (BdStore             *self,
                                               GDateTime           *as_of,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
GArray     *bd_store_load_points_as_of_finish (BdStore             *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* issue 10: report @rowid as it was at @as_of (unix s): the store's copy
 * with the ward, category, severity, status, place and observed time of
 * its version valid then (report_versions). BD_STORE_ERROR_NOT_FOUND when
 * it had no version then. */
BdReport   *bd_store_get_report_as_of (BdStore        *self,
                                       gint64          rowid,
                                       gint64          as_of,
                                       GError        **error);
/* Issue 10: when the first report still kept was observed (unix s; its
 * first version's time when it has no observed time). FALSE with no error
 * when there is none. */
gboolean    bd_store_get_first_observed (BdStore      *self,
                                         gint64       *first,
                                         GError      **error);
/* The same on a worker thread (a read-only connection of its own). */
void        bd_store_get_first_observed_async  (BdStore             *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean    bd_store_get_first_observed_finish (BdStore             *self,
                                                GAsyncResult        *result,
                                                gint64              *first,
                                                GError             **error);

/* Signals:
 *   "changed" (BdStoreChange change, const char *report_id, gint64 rowid)
 *   emitted on the thread that made the change, after the commit. For
 *   BD_STORE_CHANGE_RELOADED the id is NULL and the rowid 0. */

/* For tests: the main connection (a sqlite3 *). */
gpointer    _bd_store_get_connection  (BdStore        *self);

/* For the migration test: create a database at an older schema version. */
gboolean    _bd_store_create_at_version (const char   *path,
                                         int           version,
                                         GError      **error);

G_END_DECLS
