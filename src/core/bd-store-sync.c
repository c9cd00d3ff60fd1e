/* bd-store-sync.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-store"

#include "config.h"

#include "bd-store-private.h"

#include <glib/gi18n-lib.h>

/* What the sync engine calls: acknowledgements, merges, pulled pages,
 * conflicts, the outbox as it is pushed and the sync state. */

static gboolean
set_base (BdStore     *self,
          BdReport    *server_copy,
          GError     **error)
{
  g_autofree char *feature = bd_report_to_geojson (server_copy);
  sqlite3_stmt *stmt;

  if (!(stmt = _bd_store_get_stmt (self, STMT_BASE_SET, error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, bd_report_get_id (server_copy), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, bd_report_get_rev (server_copy));
  sqlite3_bind_text (stmt, 3, feature, -1, SQLITE_TRANSIENT);
  return _bd_store_step_done (self, stmt, error);
}

GPtrArray *
bd_store_list_outbox_ready (BdStore  *self,
                            GError  **error)
{
  g_return_val_if_fail (BD_IS_STORE (self), NULL);

  return _bd_store_list_outbox (self, STMT_OUTBOX_LIST_READY, error);
}

gboolean
bd_store_set_outbox_error (BdStore     *self,
                           gint64       seq,
                           const char  *message,
                           GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (BD_IS_STORE (self), FALSE);

  if (!(stmt = _bd_store_get_stmt (self, STMT_OUTBOX_SET_ERROR, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, seq);
  bind_text_or_null (stmt, 2, message);
  return _bd_store_step_done (self, stmt, error);
}

gboolean
bd_store_remove_outbox_entry (BdStore  *self,
                              gint64    seq,
                              GError  **error)
{
  sqlite3_stmt *stmt;
  g_autoptr(StmtScope) scope = NULL;
  int rc;

  g_return_val_if_fail (BD_IS_STORE (self), FALSE);

  if (!(stmt = _bd_store_get_stmt (self, STMT_OUTBOX_REMOVE, error)))
    return FALSE;
  scope = stmt;

  sqlite3_bind_int64 (stmt, 1, seq);
  if ((rc = sqlite3_step (stmt)) != SQLITE_DONE)
    {
      _bd_store_set_sql_error (self->db, error, rc, _("Cannot update the outbox"));
      return FALSE;
    }

  return TRUE;
}

gboolean
bd_store_read_sync_state (BdStore     *self,
                          const char  *key,
                          char       **value,
                          GError     **error)
{
  sqlite3_stmt *stmt;
  g_autoptr(StmtScope) scope = NULL;
  int rc;

  g_return_val_if_fail (BD_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  *value = NULL;
  if (!(stmt = _bd_store_get_stmt (self, STMT_SYNC_GET, error)))
    return FALSE;
  scope = stmt;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *value = column_dup (stmt, 0);
  else if (rc != SQLITE_DONE)
    {
      _bd_store_set_sql_error (self->db, error, rc, _("Cannot read the sync state"));
      return FALSE;
    }

  return TRUE;
}

gboolean
bd_store_set_sync_state (BdStore     *self,
                         const char  *key,
                         const char  *value,
                         GError     **error)
{
  sqlite3_stmt *stmt;
  g_autoptr(StmtScope) scope = NULL;
  int rc;

  g_return_val_if_fail (BD_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  if (!(stmt = _bd_store_get_stmt (self, STMT_SYNC_SET, error)))
    return FALSE;
  scope = stmt;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  if ((rc = sqlite3_step (stmt)) != SQLITE_DONE)
    {
      _bd_store_set_sql_error (self->db, error, rc, _("Cannot save the sync state"));
      return FALSE;
    }

  return TRUE;
}

gboolean
bd_store_mark_outbox_sending (BdStore     *self,
                              gint64       seq,
                              GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (BD_IS_STORE (self), FALSE);

  if (!(stmt = _bd_store_get_stmt (self, STMT_OUTBOX_SENDING, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, seq);
  return _bd_store_step_done (self, stmt, error);
}

/* Sync */

/* The server copy of a report: its base row while local edits wait, else
 * the report row itself once the server has it. NULL without error when
 * there is none. */
static BdReport *
_bd_store_load_server_copy (BdStore     *self,
                            const char  *id,
                            GError     **error)
{
  g_autoptr(BdReport) stored = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = _bd_store_get_stmt (self, STMT_BASE_GET, error)))
    return NULL;

  {
    g_autoptr(StmtScope) scope = stmt;

    sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step (stmt);
    if (rc == SQLITE_ROW)
      {
        const char *feature = (const char *) sqlite3_column_text (stmt, 1);
        g_autoptr(GError) local_error = NULL;
        BdReport *base;

        base = bd_report_new_from_geojson (feature, sqlite3_column_bytes (stmt, 1), &local_error);
        if (base == NULL)
          g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_CORRUPT,
                       _("A stored report cannot be read: %s"), local_error->message);
        else
          bd_report_set_rev (base, sqlite3_column_int64 (stmt, 2));
        return base;
      }
    if (rc != SQLITE_DONE)
      {
        _bd_store_set_sql_error (self->db, error, rc, _("Cannot read a report"));
        return NULL;
      }
  }

  stored = _bd_store_load_stored (self, id, NULL, error);
  if (stored == NULL || bd_report_get_rev (stored) <= 0)
    return NULL;
  /* with edits waiting but no base row the row is not the server's copy */
  if (_bd_store_count_with_id (self, STMT_OUTBOX_FOR_REPORT, id, NULL) != 0)
    return NULL;
  return g_steal_pointer (&stored);
}

BdReport *
bd_store_get_server_copy (BdStore     *self,
                          const char  *id,
                          GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  BdReport *copy;

  g_return_val_if_fail (BD_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  copy = _bd_store_load_server_copy (self, id, &local_error);
  if (copy == NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_NOT_FOUND,
                     _("The server has no copy of the report “%s”"), id);
    }
  return copy;
}

/* The local report @id (and the edits waiting for it) now build on
 * @server_copy: it becomes the base, its rev the report's. */
static gboolean
rebase_on (BdStore     *self,
           const char  *id,
           BdReport    *server_copy,
           GError     **error)
{
  sqlite3_stmt *stmt;

  if (!set_base (self, server_copy, error) ||
      !(stmt = _bd_store_get_stmt (self, STMT_SET_REV, error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, bd_report_get_rev (server_copy));
  sqlite3_bind_int64 (stmt, 3, bd_report_get_seq (server_copy));
  if (!_bd_store_step_done (self, stmt, error) ||
      !(stmt = _bd_store_get_stmt (self, STMT_OUTBOX_REBASE, error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, bd_report_get_rev (server_copy));
  return _bd_store_step_done (self, stmt, error);
}

/* The server has @server_copy, but a delete or restore here took back the
 * outbox row that made it (a create deleted before the answer came:
 * bd-store.c cancels a change not sent yet; a delete is taken back only
 * while not marked by bd_store_mark_outbox_sending (), which the sync
 * engine does before sending one). When the local report still says
 * otherwise (deleted or not) and is behind the server, what it says is
 * queued on top of the server's copy. */
static gboolean
send_taken_back (BdStore     *self,
                 BdReport    *server_copy,
                 GError     **error)
{
  const char *id = bd_report_get_id (server_copy);
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *now_text = NULL;
  g_autofree char *feature = NULL;
  g_autoptr(BdReport) local = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean deleted;
  gint64 waiting;

  if (!(local = _bd_store_load_stored (self, id, NULL, &local_error)))
    {
      if (local_error == NULL)
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  deleted = bd_report_get_deleted (local);
  if (bd_report_get_rev (local) >= bd_report_get_rev (server_copy) ||
      deleted == bd_report_get_deleted (server_copy))
    return TRUE;

  if ((waiting = _bd_store_count_with_id (self, STMT_OUTBOX_FOR_REPORT, id, error)) < 0 ||
      !rebase_on (self, id, server_copy, error))
    return FALSE;
  if (waiting > 0)
    return TRUE;

  now = g_date_time_new_now_local ();
  now_text = bd_format_timestamp (now);
  bd_report_set_rev (local, bd_report_get_rev (server_copy));
  bd_report_set_seq (local, bd_report_get_seq (server_copy));
  feature = bd_report_to_geojson (local);
  return _bd_store_write_outbox (self, id, deleted ? "delete" : "update",
                                 bd_report_get_rev (server_copy), feature, now_text, error);
}

gboolean
bd_store_ack_outbox_entry (BdStore     *self,
                           gint64       seq,
                           BdReport    *server_copy,
                           GError     **error)
{
  g_autofree char *id = NULL;
  sqlite3_stmt *stmt;
  gint64 waiting;
  gint64 rowid = 0;
  int rc;

  g_return_val_if_fail (BD_IS_STORE (self), FALSE);
  g_return_val_if_fail (server_copy == NULL || BD_IS_REPORT (server_copy), FALSE);

  if (!_bd_store_begin (self, error))
    return FALSE;

  /* the report id of row @seq */
  if (!(stmt = _bd_store_get_stmt (self, STMT_OUTBOX_REPORT_OF, error)))
    goto fail;
  {
    g_autoptr(StmtScope) scope = stmt;

    sqlite3_bind_int64 (stmt, 1, seq);
    rc = sqlite3_step (stmt);
    if (rc == SQLITE_ROW)
      id = column_dup (stmt, 0);
    else if (rc != SQLITE_DONE)
      {
        /* a row that cannot be read is not one already acknowledged */
        _bd_store_set_sql_error (self->db, error, rc, _("Cannot read the outbox"));
        goto fail;
      }
  }
  if (id == NULL)
    {
      /* acknowledged already (a retry after a crash), or taken back here
       * while its push was under way */
      if (server_copy != NULL && !send_taken_back (self, server_copy, error))
        goto fail;
      return _bd_store_commit (self, error);
    }

  if (!(stmt = _bd_store_get_stmt (self, STMT_OUTBOX_REMOVE, error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, seq);
  if (!_bd_store_step_done (self, stmt, error))
    goto fail;

  if ((waiting = _bd_store_count_with_id (self, STMT_OUTBOX_FOR_REPORT, id, error)) < 0)
    goto fail;

  if (server_copy != NULL && waiting == 0)
    {
      g_autofree char *feature = bd_report_to_geojson (server_copy);

      /* nothing else waits: the server's copy is the report */
      if (!_bd_store_write_row (self, server_copy, feature, &rowid, error) ||
          !_bd_store_run_with_id (self, STMT_BASE_DELETE, id, error))
        goto fail;
    }
  else if (server_copy != NULL)
    {
      /* later edits wait: they now build on the server's new revision */
      if (!rebase_on (self, id, server_copy, error))
        goto fail;
    }
  else if (waiting == 0 && !_bd_store_run_with_id (self, STMT_BASE_DELETE, id, error))
    goto fail;

  if (!_bd_store_commit (self, error))
    return FALSE;
  if (rowid != 0)
    _bd_store_emit_changed (self, BD_STORE_CHANGE_UPDATED, id, rowid);
  return TRUE;

fail:
  _bd_store_rollback (self);
  return FALSE;
}

static gboolean
insert_conflict (BdStore     *self,
                 const char  *id,
                 const char  *field,
                 gint64       server_rev,
                 const char  *now,
                 GError     **error)
{
  sqlite3_stmt *stmt;

  if (!(stmt = _bd_store_get_stmt (self, STMT_CONFLICT_INSERT, error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, field, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, server_rev);
  sqlite3_bind_text (stmt, 4, now, -1, SQLITE_TRANSIENT);
  return _bd_store_step_done (self, stmt, error);
}

gboolean
bd_store_apply_merge (BdStore             *self,
                      BdReport            *merged,
                      BdReport            *server_copy,
                      const char * const  *conflicts,
                      GError             **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *now_text = bd_format_timestamp (now);
  g_autofree char *feature = NULL;
  g_autofree char *id = NULL;
  g_autoptr(BdReport) old = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 rowid = 0;
  guint i;

  g_return_val_if_fail (BD_IS_STORE (self), FALSE);
  g_return_val_if_fail (BD_IS_REPORT (merged), FALSE);
  g_return_val_if_fail (BD_IS_REPORT (server_copy), FALSE);
  g_return_val_if_fail (g_strcmp0 (bd_report_get_id (merged),
                                   bd_report_get_id (server_copy)) == 0, FALSE);

  id = g_strdup (bd_report_get_id (merged));
  bd_report_set_rev (merged, bd_report_get_rev (server_copy));
  bd_report_set_seq (merged, bd_report_get_seq (server_copy));
  feature = bd_report_to_geojson (merged);

  if (!_bd_store_begin (self, error))
    return FALSE;

  /* what the merge brought from the server goes in the history */
  old = _bd_store_load_stored (self, id, NULL, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      goto fail;
    }

  if (!_bd_store_write_row (self, merged, feature, &rowid, error) ||
      !_bd_store_write_server_history (self, old, merged, NULL, "merge", now_text, error) ||
      !_bd_store_run_with_id (self, STMT_OUTBOX_REMOVE_REPORT, id, error))
    goto fail;

  if (bd_report_same_content (merged, server_copy))
    {
      if (!_bd_store_run_with_id (self, STMT_BASE_DELETE, id, error))
        goto fail;
    }
  else
    {
      const char *op = bd_report_get_deleted (merged) && !bd_report_get_deleted (server_copy)
                       ? "delete" : "update";

      if (!set_base (self, server_copy, error) ||
          !_bd_store_write_outbox (self, id, op, bd_report_get_rev (server_copy), feature,
                                   now_text, error))
        goto fail;
    }

  for (i = 0; conflicts != NULL && conflicts[i] != NULL; i++)
    if (!insert_conflict (self, id, conflicts[i], bd_report_get_rev (server_copy),
                          now_text, error))
      goto fail;

  if (!_bd_store_commit (self, error))
    return FALSE;
  _bd_store_emit_changed (self, BD_STORE_CHANGE_UPDATED, id, rowid);
  return TRUE;

fail:
  _bd_store_rollback (self);
  return FALSE;
}

void
bd_rejected_free (BdRejected *rejected)
{
  if (rejected == NULL)
    return;
  g_free (rejected->id);
  g_free (rejected->reason);
  g_free (rejected->feature);
  g_free (rejected);
}

gint64
bd_store_count_rejected (BdStore *self)
{
  g_return_val_if_fail (BD_IS_STORE (self), 0);

  return _bd_store_count_rows (self, STMT_REJECT_COUNT);
}

static void
free_error (gpointer error)
{
  if (error != NULL)
    g_error_free (error);
}

static gboolean
keep_rejected (BdStore     *self,
               const char  *id,
               gint64       seq,
               const char  *reason,
               const char  *feature,
               const char  *now,
               GError     **error)
{
  sqlite3_stmt *stmt;

  g_message ("A feature of the change feed was kept aside (%s, seq %" G_GINT64_FORMAT "): %s",
             id != NULL ? id : "no id", seq, reason);
  if (!(stmt = _bd_store_get_stmt (self, STMT_REJECT_INSERT, error)))
    return FALSE;
  bind_text_or_null (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, seq);
  sqlite3_bind_text (stmt, 3, reason, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, feature, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, now, -1, SQLITE_TRANSIENT);
  return _bd_store_step_done (self, stmt, error);
}

/* Adds the ids statement @sid finds to @ids. */
static gboolean
collect_ids (BdStore     *self,
             StmtId       sid,
             GHashTable  *ids,
             GError     **error)
{
  g_autoptr(StmtScope) scope = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = _bd_store_get_stmt (self, sid, error)))
    return FALSE;
  scope = stmt;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_add (ids, column_dup (stmt, 0));
  if (rc != SQLITE_DONE)
    {
      _bd_store_set_sql_error (self->db, error, rc, _("Database error"));
      return FALSE;
    }

  return TRUE;
}

gboolean
bd_store_apply_pulled (BdStore     *self,
                       GPtrArray   *reports,
                       GPtrArray   *features,
                       GPtrArray   *rejected,
                       const char  *cursor_key,
                       gint64       cursor,
                       guint       *n_skipped,
                       GError     **error)
{
  g_autoptr(GHashTable) pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) unsent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *now_text = bd_format_timestamp (now);
  g_autofree char *cursor_text = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(BdReport) old = NULL;
  g_autoptr(GError) local_error = NULL;
  sqlite3_stmt *stmt;
  guint written = 0, skipped = 0;
  guint i;

  g_return_val_if_fail (BD_IS_STORE (self), FALSE);
  g_return_val_if_fail (reports != NULL, FALSE);
  g_return_val_if_fail (features == NULL || features->len == reports->len, FALSE);
  g_return_val_if_fail (cursor_key != NULL, FALSE);

  /* why each report does not validate, or NULL */
  problems = g_ptr_array_new_full (reports->len, (GDestroyNotify) free_error);
  for (i = 0; i < reports->len; i++)
    {
      GError *problem = NULL;

      bd_report_validate (g_ptr_array_index (reports, i), &problem);
      g_ptr_array_add (problems, problem);
    }

  if (!_bd_store_begin (self, error))
    return FALSE;

  if (!collect_ids (self, STMT_OUTBOX_PENDING, pending, error) ||
      !collect_ids (self, STMT_UNSENT_TOMBSTONES, unsent, error))
    goto fail;

  for (i = 0; i < reports->len; i++)
    {
      BdReport *report = g_ptr_array_index (reports, i);
      GError *problem = g_ptr_array_index (problems, i);
      g_autofree char *feature = NULL;
      gint64 rowid;

      if (features == NULL || problem != NULL)
        feature = bd_report_to_geojson (report);
      if (problem != NULL)
        {
          if (!keep_rejected (self, bd_report_get_id (report), bd_report_get_seq (report),
                              problem->message,
                              features != NULL ? g_ptr_array_index (features, i) : feature,
                              now_text, error))
            goto fail;
          continue;
        }
      /* a local edit waits: it wins here, and its push merges */
      if (g_hash_table_contains (pending, bd_report_get_id (report)))
        {
          skipped++;
          continue;
        }
      /* deleted here before the server acknowledged its create: it has it
       * after all (the answer was lost), so the delete is sent now
       * (the report stays deleted here) */
      if (g_hash_table_contains (unsent, bd_report_get_id (report)) &&
          !bd_report_get_deleted (report))
        {
          if (!send_taken_back (self, report, error))
            goto fail;
          skipped++;
          continue;
        }
      /* what the server changed goes in the history: against the copy
       * held here (written after the row, which it refers to) */
      g_clear_object (&old);
      old = _bd_store_load_stored (self, bd_report_get_id (report), NULL, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          goto fail;
        }
      if (!_bd_store_write_row (self, report,
                                features != NULL ? g_ptr_array_index (features, i) : feature,
                                &rowid, error) ||
          !_bd_store_write_server_history (self, old, report, NULL, "pull", now_text, error) ||
          !_bd_store_want_attachments (self, report, error))
        goto fail;
      written++;
    }

  for (i = 0; rejected != NULL && i < rejected->len; i++)
    {
      BdRejected *r = g_ptr_array_index (rejected, i);

      if (!keep_rejected (self, r->id, r->seq, r->reason, r->feature, now_text, error))
        goto fail;
    }

  cursor_text = g_strdup_printf ("%" G_GINT64_FORMAT, cursor);
  if (!(stmt = _bd_store_get_stmt (self, STMT_SYNC_SET, error)))
    goto fail;
  sqlite3_bind_text (stmt, 1, cursor_key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, cursor_text, -1, SQLITE_TRANSIENT);
  if (!_bd_store_step_done (self, stmt, error))
    goto fail;

  if (!_bd_store_commit (self, error))
    return FALSE;
  if (n_skipped != NULL)
    *n_skipped = skipped;
  if (written > 0)
    _bd_store_emit_changed (self, BD_STORE_CHANGE_RELOADED, NULL, 0);
  return TRUE;

fail:
  _bd_store_rollback (self);
  return FALSE;
}

void
bd_conflict_free (BdConflict *conflict)
{
  if (conflict == NULL)
    return;
  g_free (conflict->report_id);
  g_free (conflict->field);
  g_free (conflict->created_at);
  g_free (conflict);
}

GPtrArray *
bd_store_list_conflicts (BdStore     *self,
                         const char  *report_id,
                         GError     **error)
{
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(StmtScope) scope = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BD_IS_STORE (self), NULL);

  if (!(stmt = _bd_store_get_stmt (self, STMT_CONFLICT_LIST, error)))
    return NULL;
  scope = stmt;
  bind_text_or_null (stmt, 1, report_id);

  conflicts = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_conflict_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BdConflict *conflict = g_new0 (BdConflict, 1);

      conflict->report_id = column_dup (stmt, 0);
      conflict->field = column_dup (stmt, 1);
      conflict->server_rev = sqlite3_column_int64 (stmt, 2);
      conflict->created_at = column_dup (stmt, 3);
      g_ptr_array_add (conflicts, conflict);
    }
  if (rc != SQLITE_DONE)
    {
      _bd_store_set_sql_error (self->db, error, rc, _("Cannot read the conflicts"));
      return NULL;
    }
  return g_steal_pointer (&conflicts);
}

gint64
bd_store_count_conflicts (BdStore *self)
{
  g_return_val_if_fail (BD_IS_STORE (self), 0);

  return _bd_store_count_rows (self, STMT_CONFLICT_COUNT);
}

gboolean
bd_store_settle_conflict (BdStore           *self,
                          const char        *report_id,
                          const char        *field,
                          BdConflictChoice   choice,
                          const char        *actor,
                          GError           **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *now_text = bd_format_timestamp (now);
  g_autoptr(BdReport) local = NULL;
  g_autoptr(BdReport) server = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *id = NULL;
  BdStoreChange change = BD_STORE_CHANGE_UPDATED;
  sqlite3_stmt *stmt;
  gint64 rowid = 0;
  gint64 left;
  gboolean written = FALSE;

  g_return_val_if_fail (BD_IS_STORE (self), FALSE);
  g_return_val_if_fail (report_id != NULL && field != NULL, FALSE);

  id = g_strdup (report_id);
  if (!_bd_store_begin (self, error))
    return FALSE;

  if (!(stmt = _bd_store_get_stmt (self, STMT_CONFLICT_DELETE, error)))
    goto fail;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, field, -1, SQLITE_TRANSIENT);
  if (!_bd_store_step_done (self, stmt, error))
    goto fail;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_NOT_FOUND,
                   _("There is no conflict on “%s” of the report “%s”"), field, id);
      goto fail;
    }

  local = _bd_store_load_stored (self, id, &rowid, &local_error);
  if (local == NULL || !(server = _bd_store_load_server_copy (self, id, &local_error)))
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_NOT_FOUND,
                     _("The server has no copy of the report “%s”"), id);
      goto fail;
    }

  if (choice == BD_CONFLICT_TAKE_SERVER)
    {
      bd_report_copy_field (local, server, field);
      if (!bd_report_validate (local, &local_error))
        {
          g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID, "%s", local_error->message);
          goto fail;
        }
      if (!_bd_store_write_edit (self, local, actor, now, now_text, TRUE,
                                 &change, &rowid, &written, error))
        goto fail;
    }

  if ((left = _bd_store_count_with_id (self, STMT_CONFLICT_COUNT_REPORT, id, error)) < 0 ||
      !_bd_store_run_with_id (self, STMT_OUTBOX_REMOVE_REPORT, id, error))
    goto fail;
  if (left == 0 && bd_report_same_content (local, server))
    {
      /* every field settled the server's way: nothing left to push */
      if (!_bd_store_run_with_id (self, STMT_BASE_DELETE, id, error))
        goto fail;
    }
  else
    {
      /* one outbox row with the report as settled so far: the server never
       * sees a value the user has just turned down */
      g_autofree char *feature = bd_report_to_geojson (local);
      const char *op = bd_report_get_deleted (local) && !bd_report_get_deleted (server)
                       ? "delete" : "update";

      if (!_bd_store_write_outbox (self, id, op, bd_report_get_rev (server), feature, now_text, error))
        goto fail;
    }

  if (!_bd_store_commit (self, error))
    return FALSE;
  _bd_store_emit_changed (self, change, id, rowid);
  return TRUE;

fail:
  _bd_store_rollback (self);
  return FALSE;
}
