/* bd-store-private.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

/* What the files of BdStore share (bd-store.c, bd-store-schema.c,
 * bd-store-rows.c, bd-store-sync.c, bd-store-attachments.c,
 * bd-store-reader.c): the struct, the statement table, transactions and
 * the helpers every write is made of. Not for use outside the store. */

#include <math.h>
#include <sqlite3.h>

#include "bd-sqlite.h"
#include "bd-store.h"
#include "bd-store-sync.h"

G_BEGIN_DECLS

/* PRAGMA application_id of a Bosai Desk database ("BdDs"). */
#define BD_STORE_APPLICATION_ID 0x42644473
/* The R*Tree and FTS tables are kept up to date by the store itself, not
 * by triggers: a trigger writing to a virtual table makes SQLite open a
 * savepoint around every statement, and FTS5 then flushes its pending terms
 * to disk on each one (measured: 4 times slower inserts).
 *
 * The R*Tree holds the live reports only, in integer coordinates (1e-7
 * degree, about 1 cm) with updated_at (seconds since 2020) as a third
 * dimension: a bounding-box query is answered, in list order, from the
 * R*Tree alone without reading a single row of the reports table. */
#define RTREE_SCALE 10000000.0
#define RTREE_EPOCH G_GINT64_CONSTANT (1577836800)   /* 2020-01-01T00:00:00Z */

typedef enum
{
  STMT_GET_BY_ID,
  STMT_GET_BY_ROWID,
  STMT_LOOKUP,
  STMT_INSERT,
  STMT_UPDATE,
  STMT_RTREE_INSERT,
  STMT_RTREE_UPDATE,
  STMT_RTREE_DELETE,
  STMT_FTS_INSERT,
  STMT_FTS_DELETE,
  STMT_OUTBOX_INSERT,
  STMT_OUTBOX_LIST,
  STMT_OUTBOX_REMOVE,
  STMT_OUTBOX_COUNT,
  STMT_HISTORY_INSERT,
  STMT_HISTORY_LIST,
  STMT_COUNT,
  STMT_SYNC_GET,
  STMT_SYNC_SET,
  STMT_BASE_KEEP,
  STMT_BASE_SET,
  STMT_BASE_GET,
  STMT_BASE_DELETE,
  STMT_OUTBOX_LIST_READY,
  STMT_OUTBOX_FOR_REPORT,
  STMT_OUTBOX_REPORT_OF,
  STMT_OUTBOX_REMOVE_REPORT,
  STMT_OUTBOX_REBASE,
  STMT_OUTBOX_SET_ERROR,
  STMT_OUTBOX_PENDING,
  STMT_SET_REV,
  STMT_CONFLICT_INSERT,
  STMT_CONFLICT_LIST,
  STMT_CONFLICT_DELETE,
  STMT_CONFLICT_COUNT,
  STMT_CONFLICT_COUNT_REPORT,
  STMT_ATTACHMENT_INSERT,
  STMT_ATTACHMENT_GET,
  STMT_ATTACHMENT_NEEDS_UPLOAD,
  STMT_ATTACHMENT_UPLOADED,
  STMT_ATTACHMENT_HELD,
  STMT_WANTED_INSERT,
  STMT_WANTED_LIST,
  STMT_WANTED_DELETE,
  STMT_WANTED_REPORT,
  STMT_REJECT_INSERT,
  STMT_REJECT_COUNT,
  STMT_OUTBOX_CANCEL_DELETE,
  STMT_OUTBOX_SENDING,
  STMT_HISTORY_QUEUED,
  STMT_UNSENT_TOMBSTONES,
  STMT_VERSION_CLOSE,
  STMT_VERSION_INSERT,
  N_STMTS
} StmtId;


/* The count fields of the categories (DOMAIN.md A) that report_versions
 * keeps as columns, in the order of its INSERT (migration 8); a report's
 * affected_households and affected_people come before them. */
#define BD_STORE_VERSION_COUNTS(X) \
  X (dead) X (missing) X (seriously_injured) X (slightly_injured) \
  X (complete_collapse_houses) X (complete_collapse_households) X (complete_collapse_people) \
  X (half_collapse_houses) X (half_collapse_households) X (half_collapse_people) \
  X (partial_damage_houses) X (partial_damage_households) X (partial_damage_people) \
  X (inundation_above_floor_houses) X (inundation_above_floor_households) \
  X (inundation_above_floor_people) \
  X (inundation_under_floor_houses) X (inundation_under_floor_households) \
  X (inundation_under_floor_people) \
  X (public_buildings) X (other_buildings) \
  X (building_fires) X (hazmat_fires) X (other_fires) \
  X (sites) X (vessels) X (households) X (lines) \
  X (paddy_washed_out_ha) X (paddy_submerged_ha) X (field_washed_out_ha) X (field_submerged_ha)

/* A statement that resets itself when it goes out of scope. */
typedef sqlite3_stmt StmtScope;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StmtScope, bd_sqlite_stmt_scope_reset)

static inline void
finalize_stmt (gpointer data)
{
  sqlite3_finalize (data);
}

static inline void
bind_text_or_null (sqlite3_stmt *stmt,
                   int           index,
                   const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static inline void
bind_time (sqlite3_stmt *stmt,
           int           index,
           GDateTime    *when)
{
  if (when != NULL)
    sqlite3_bind_int64 (stmt, index, g_date_time_to_unix (when));
  else
    sqlite3_bind_null (stmt, index);
}

static inline char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

/* A coordinate as the R*Tree stores it. Rounding is monotonic: a point
 * strictly inside the rounded box is inside the box, one outside it is
 * outside; only those on its rounded edges need a closer look. */
static inline gint64
rtree_degrees (double degrees)
{
  if (!(degrees > -200.0))
    degrees = -200.0;
  if (!(degrees < 200.0))
    degrees = 200.0;

  return (gint64) lround (degrees * RTREE_SCALE);
}

static inline gint64
rtree_time (gint64 unix_seconds)
{
  return CLAMP (unix_seconds - RTREE_EPOCH, G_MININT32, G_MAXINT32);
}

struct _BdStore
{
  GObject        parent_instance;

  /* the main connection: the thread that opened the store only */
  char          *path;
  sqlite3       *db;
  int            schema_version;
  sqlite3_stmt  *stmts[N_STMTS];
  GHashTable    *query_stmts;      /* query mask -> sqlite3_stmt */

  /* the photo connection (bd-store-attachments.c): opened on first use,
   * used by one worker at a time, under photo_lock */
  GMutex         photo_lock;
  sqlite3       *photo_db;
};

extern const BdSqliteSchema _bd_store_schema;

/* bd-store-schema.c */
/* The SQL of statement @id (to prepare it on another connection). */
const char   *_bd_store_get_sql        (StmtId          id);
void          _bd_store_set_sql_error  (sqlite3        *db,
                                        GError        **error,
                                        int             rc,
                                        const char     *what);
sqlite3_stmt *_bd_store_get_stmt       (BdStore        *self,
                                        StmtId          id,
                                        GError        **error);
gboolean      _bd_store_begin          (BdStore        *self,
                                        GError        **error);
gboolean      _bd_store_commit         (BdStore        *self,
                                        GError        **error);
void          _bd_store_rollback       (BdStore        *self);
/* Runs a cached statement whose parameters are bound, expecting no row. */
gboolean      _bd_store_step_done      (BdStore        *self,
                                        StmtScope      *stmt,
                                        GError        **error);
/* Runs a cached statement with one text parameter, expecting no row. */
gboolean      _bd_store_run_with_id    (BdStore        *self,
                                        StmtId          sid,
                                        const char     *id,
                                        GError        **error);
/* Counts the rows a statement with one text parameter finds (-1: error). */
gint64        _bd_store_count_with_id  (BdStore        *self,
                                        StmtId          sid,
                                        const char     *id,
                                        GError        **error);
gint64        _bd_store_count_rows     (BdStore        *self,
                                        StmtId          id);

/* bd-store-rows.c */
BdReport     *_bd_store_report_from_row (sqlite3_stmt  *stmt,
                                         int            first,
                                         GError       **error);
/* The stored copy of a report; NULL without error when there is none. */
BdReport     *_bd_store_load_stored    (BdStore        *self,
                                        const char     *id,
                                        gint64         *rowid,
                                        GError        **error);
/* Inserts or updates the row of @report (by id), with its R*Tree and FTS
 * rows; inside a transaction. */
gboolean      _bd_store_write_row      (BdStore        *self,
                                        BdReport       *report,
                                        const char     *feature,
                                        gint64         *rowid,
                                        GError        **error);
gboolean      _bd_store_write_outbox   (BdStore        *self,
                                        const char     *report_id,
                                        const char     *op,
                                        gint64          base_rev,
                                        const char     *payload,
                                        const char     *now,
                                        GError        **error);
gboolean      _bd_store_write_history  (BdStore        *self,
                                        const char     *report_id,
                                        const char     *actor,
                                        const char     *now,
                                        const char     *op,
                                        const char     *fields,
                                        const char     *changes,
                                        GError        **error);
/* The history's "changes" of @fields: a JSON array of {"field", "old",
 * "new"} with the values of bd_report_field_to_json () (@old NULL: a
 * create, every old value null). */
char         *_bd_store_changes_to_json (BdReport          *old,
                                         BdReport          *report,
                                         const char * const *fields,
                                         guint              n_fields);
/* Records the history row of a report that came from the server (a pulled
 * page, a merge): the fields that differ from @old (NULL: new here), with
 * their values; op "pull" or "merge"; the actor is the report's
 * "updated_by" when the server sent one, else its reporter, else "server".
 * Nothing when no field differs. Inside a transaction. */
gboolean      _bd_store_write_server_history (BdStore      *self,
                                              BdReport     *old,
                                              BdReport     *report,
                                              const char   *updated_by,
                                              const char   *op,
                                              const char   *now,
                                              GError      **error);
GPtrArray    *_bd_store_list_outbox    (BdStore        *self,
                                        StmtId          sid,
                                        GError        **error);

/* bd-store.c */
gboolean      _bd_store_write_edit     (BdStore        *self,
                                        BdReport       *report,
                                        const char     *actor,
                                        GDateTime      *now,
                                        const char     *now_text,
                                        gboolean        touch,
                                        BdStoreChange  *change,
                                        gint64         *rowid,
                                        gboolean       *written,
                                        GError        **error);
void          _bd_store_emit_changed   (BdStore        *self,
                                        BdStoreChange   change,
                                        const char     *id,
                                        gint64          rowid);

/* bd-store-attachments.c */
gboolean      _bd_store_want_attachments (BdStore      *self,
                                          BdReport     *report,
                                          GError      **error);
void          _bd_store_close_photo_connection (BdStore *self);

/* bd-store-reader.c */
gboolean      _bd_store_run_query      (sqlite3        *db,
                                        GHashTable     *cache,
                                        const BdQuery  *query,
                                        GArray         *rowids,
                                        GPtrArray      *reports,
                                        GError        **error);

/* bd-store-features.c: adds the "features-changed" signal. */
void          _bd_store_features_class_init (GObjectClass *object_class);

G_END_DECLS
