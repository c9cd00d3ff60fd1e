/* bd-store.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-store"

#include "config.h"

#include "bd-store-private.h"
#include "bd-workflow.h"

#include "bd-report-fields.h"

#include <glib/gi18n-lib.h>

/* The store's contract: nothing typed is ever lost.
 *
 * Every edit (a save, a delete, the restore that undoes it, a batch) is
 * ONE transaction that writes the report row together with its outbox row
 * (what the sync engine will push) and its history row (who changed what),
 * and the call returns only once that transaction is committed
 * (synchronous=FULL in WAL mode). A crash at any moment leaves either the
 * whole edit or none of it. An edit that changes nothing writes nothing.
 *
 * What the outbox holds is what the server must still learn: a change
 * undone before it was sent (deleting a report the server never had, or
 * restoring a report whose delete never started going out) is taken out
 * of the outbox instead of adding a row that would cancel it.
 *
 * The rest of the store lives in bd-store-schema.c (opening, migrations,
 * statements), bd-store-rows.c (the rows every write is made of),
 * bd-store-sync.c (what the sync engine calls), bd-store-attachments.c
 * (photos) and bd-store-reader.c (reading on other threads). */

G_DEFINE_FINAL_TYPE (BdStore, bd_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (bd-store-error-quark, bd_store_error)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
fields_to_json (const char * const *fields,
                gsize               n_fields)
{
  g_autoptr(JsonArray) array = json_array_sized_new (n_fields);
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
  gsize i;

  for (i = 0; i < n_fields; i++)
    json_array_add_string_element (array, fields[i]);
  json_node_set_array (node, array);

  return json_to_string (node, FALSE);
}

/* Before the first local edit of a report the server has: its row is the
 * server's copy, the base of a later three-way merge. A base kept by an
 * earlier edit still waiting in the outbox stays. */
static gboolean
keep_base (BdStore     *self,
           const char  *id,
           GError     **error)
{
  return _bd_store_run_with_id (self, STMT_BASE_KEEP, id, error);
}

/* The fields that changed between @stored and @report that an edit's
 * history row lists: those merged field by field (the content and
 * "deleted"), not the stamps (updated_at, rev, seq) nor created_at. */
static char *
changed_fields (BdReport  *stored,
                BdReport  *report,
                guint     *n_changed,
                char     **changes)
{
  g_auto(GStrv) diff = bd_report_diff (stored, report);
  g_autoptr(GPtrArray) fields = g_ptr_array_new ();
  guint i;

  for (i = 0; diff[i] != NULL; i++)
    if (bd_report_field_has_flags (diff[i], BD_REPORT_FIELD_FLAG_MERGED))
      g_ptr_array_add (fields, diff[i]);

  *n_changed = fields->len;
  *changes = _bd_store_changes_to_json (stored, report,
                                        (const char * const *) fields->pdata, fields->len);
  return fields_to_json ((const char * const *) fields->pdata, fields->len);
}

/* What the outbox must still tell the server after an edit of the report
 * @id (@stored: its copy before the edit, NULL for a new one). A change
 * undone before it was sent is not sent:
 * - deleting a report the server never had (rev 0: demo data, or a create
 *   not pushed yet) cancels what waits for it and queues nothing;
 * - restoring such a report queues its create again, if it was ever meant
 *   to reach the server;
 * - restoring a report whose delete still waits takes that delete back,
 *   unless the sync engine has started sending it (the server may have
 *   applied it, its answer lost: bd_store_mark_outbox_sending ()); then
 *   the restore is queued after it as an update. */
static gboolean
queue_edit (BdStore     *self,
            BdReport    *stored,
            const char  *id,
            const char  *op,
            gboolean     restore,
            const char  *feature,
            const char  *now_text,
            GError     **error)
{
  gint64 rev = stored != NULL ? bd_report_get_rev (stored) : 0;
  gint64 count;

  if (stored != NULL && rev == 0 && g_str_equal (op, "delete"))
    return _bd_store_run_with_id (self, STMT_OUTBOX_REMOVE_REPORT, id, error);

  if (restore && rev == 0)
    {
      if ((count = _bd_store_count_with_id (self, STMT_HISTORY_QUEUED, id, error)) < 0)
        return FALSE;
      return count == 0 ||
             _bd_store_write_outbox (self, id, "create", 0, feature, now_text, error);
    }

  if (restore)
    {
      if (!_bd_store_run_with_id (self, STMT_OUTBOX_CANCEL_DELETE, id, error))
        return FALSE;
      if (sqlite3_changes (self->db) > 0)
        {
          /* nothing else waits: the server's copy is the report again */
          if ((count = _bd_store_count_with_id (self, STMT_OUTBOX_FOR_REPORT, id, error)) < 0)
            return FALSE;
          return count > 0 || _bd_store_run_with_id (self, STMT_BASE_DELETE, id, error);
        }
    }

  return _bd_store_write_outbox (self, id, op, rev, feature, now_text, error);
}

/* Writes one edit inside an open transaction: the row with its R*Tree and
 * FTS rows (written by the store, not by triggers), then what the outbox
 * must send (queue_edit ()) and the history row.
 * @report is updated in place (timestamps). *@written is FALSE when the
 * edit changes nothing. */
gboolean
_bd_store_write_edit (BdStore        *self,
                      BdReport       *report,
                      const char     *actor,
                      GDateTime      *now,
                      const char     *now_text,
                      gboolean        touch,
                      BdStoreChange  *change,
                      gint64         *rowid,
                      gboolean       *written,
                      GError        **error)
{
  g_autoptr(BdReport) stored = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *feature = NULL;
  g_autofree char *fields = NULL;
  g_autofree char *changes = NULL;
  const char *id = bd_report_get_id (report);
  const char *op;
  const char *history_op;
  guint n_changed = 0;

  *written = FALSE;

  stored = _bd_store_load_stored (self, id, NULL, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (stored != NULL)
    {
      GDateTime *created = bd_report_get_created_at (stored);

      if (touch && created != NULL)
        bd_report_set_created_at (report, created);
      fields = changed_fields (stored, report, &n_changed, &changes);
      if (n_changed == 0)   /* "deleted" is one of the fields */
        return TRUE;
    }
  else
    {
      /* a create lists every field a person enters */
      const char * const *content = bd_report_field_names (BD_REPORT_FIELD_FLAG_CONTENT);

      if (touch && bd_report_get_created_at (report) == NULL)
        bd_report_set_created_at (report, now);
      fields = fields_to_json (content, g_strv_length ((char **) content));
      changes = _bd_store_changes_to_json (NULL, report, content,
                                           g_strv_length ((char **) content));
    }

  if (touch)
    bd_report_set_updated_at (report, now);

  if (stored == NULL)
    {
      op = "create";
      history_op = "create";
      *change = BD_STORE_CHANGE_ADDED;
    }
  else if (bd_report_get_deleted (report) && !bd_report_get_deleted (stored))
    {
      op = "delete";
      history_op = "delete";
      *change = BD_STORE_CHANGE_REMOVED;
    }
  else if (!bd_report_get_deleted (report) && bd_report_get_deleted (stored))
    {
      op = "update";
      history_op = "restore";
      *change = BD_STORE_CHANGE_ADDED;
    }
  else
    {
      op = "update";
      history_op = "update";
      *change = BD_STORE_CHANGE_UPDATED;
    }

  feature = bd_report_to_geojson (report);

  if (stored != NULL && bd_report_get_rev (stored) > 0 &&
      !keep_base (self, id, error))
    return FALSE;

  if (!_bd_store_write_row (self, report, feature, rowid, error) ||
      !queue_edit (self, stored, id, op, g_str_equal (history_op, "restore"),
                   feature, now_text, error) ||
      !_bd_store_write_history (self, id, actor, now_text, history_op, fields, changes, error))
    return FALSE;

  *written = TRUE;
  return TRUE;
}

void
_bd_store_emit_changed (BdStore       *self,
                        BdStoreChange  change,
                        const char    *id,
                        gint64         rowid)
{
  g_signal_emit (self, signals[CHANGED], 0, (int) change, id, rowid);
}

/* Saves @report (already validated) as one transaction. */
static gboolean
save_one (BdStore     *self,
          BdReport    *report,
          const char  *actor,
          GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *now_text = bd_format_timestamp (now);
  g_autofree char *id = g_strdup (bd_report_get_id (report));
  BdStoreChange change = BD_STORE_CHANGE_UPDATED;
  gint64 rowid = 0;
  gboolean written = FALSE;

  if (!_bd_store_begin (self, error))
    return FALSE;

  if (!_bd_store_write_edit (self, report, actor, now, now_text, TRUE,
                             &change, &rowid, &written, error))
    {
      _bd_store_rollback (self);
      return FALSE;
    }

  if (!written)
    {
      _bd_store_rollback (self);
      return TRUE;
    }

  if (!_bd_store_commit (self, error))
    return FALSE;

  _bd_store_emit_changed (self, change, id, rowid);
  return TRUE;
}

/* Sets the deleted flag of a stored report (delete and restore). */
static gboolean
set_deleted (BdStore     *self,
             const char  *id,
             gboolean     deleted,
             const char  *actor,
             GError     **error)
{
  g_autoptr(BdReport) report = NULL;
  g_autoptr(GError) local_error = NULL;

  report = _bd_store_load_stored (self, id, NULL, &local_error);
  if (report == NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_NOT_FOUND,
                     _("There is no report with the id “%s”"), id);
      return FALSE;
    }

  if (bd_report_get_deleted (report) == deleted)
    return TRUE;

  bd_report_set_deleted (report, deleted);
  return save_one (self, report, actor, error);
}

/* GObject */

static void
bd_store_finalize (GObject *object)
{
  BdStore *self = (BdStore *) object;
  guint i;

  for (i = 0; i < N_STMTS; i++)
    g_clear_pointer (&self->stmts[i], sqlite3_finalize);
  g_clear_pointer (&self->query_stmts, g_hash_table_unref);
  _bd_store_close_photo_connection (self);
  g_mutex_clear (&self->photo_lock);
  if (self->db != NULL)
    {
      if (sqlite3_close (self->db) != SQLITE_OK)
        g_warning ("Closing %s: %s", self->path, sqlite3_errmsg (self->db));
      self->db = NULL;
    }
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (bd_store_parent_class)->finalize (object);
}

static void
bd_store_class_init (BdStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = bd_store_finalize;

  /**
   * BdStore::changed:
   * @change: a #BdStoreChange
   * @report_id: (nullable): the report's id, NULL for a reload
   * @rowid: the report's rowid, 0 for a reload
   *
   * Emitted after a change has been committed.
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_INT, G_TYPE_STRING, G_TYPE_INT64);

  _bd_store_features_class_init (object_class);
}

static void
bd_store_init (BdStore *self)
{
  self->query_stmts = g_hash_table_new_full (NULL, NULL, NULL, finalize_stmt);
  g_mutex_init (&self->photo_lock);
}

gboolean
bd_store_save_report (BdStore     *self,
                      BdReport    *report,
                      const char  *actor,
                      GError     **error)
{
  g_return_val_if_fail (BD_IS_STORE (self), FALSE);
  g_return_val_if_fail (BD_IS_REPORT (report), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!bd_report_validate (report, error))
    return FALSE;

  return save_one (self, report, actor, error);
}

gboolean
bd_store_delete_report (BdStore     *self,
                        const char  *id,
                        const char  *actor,
                        GError     **error)
{
  g_return_val_if_fail (BD_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  return set_deleted (self, id, TRUE, actor, error);
}

gboolean
bd_store_restore_report (BdStore     *self,
                         const char  *id,
                         const char  *actor,
                         GError     **error)
{
  g_return_val_if_fail (BD_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  return set_deleted (self, id, FALSE, actor, error);
}

gboolean
bd_store_insert_batch (BdStore     *self,
                       GPtrArray   *reports,
                       gboolean     record_outbox,
                       const char  *actor,
                       GError     **error)
{
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *now_text = NULL;
  guint i;

  g_return_val_if_fail (BD_IS_STORE (self), FALSE);
  g_return_val_if_fail (reports != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (reports->len == 0)
    return TRUE;

  for (i = 0; i < reports->len; i++)
    if (!bd_report_validate (g_ptr_array_index (reports, i), error))
      return FALSE;

  now = g_date_time_new_now_local ();
  now_text = bd_format_timestamp (now);

  if (!_bd_store_begin (self, error))
    return FALSE;

  for (i = 0; i < reports->len; i++)
    {
      BdReport *report = g_ptr_array_index (reports, i);
      gint64 rowid;

      if (record_outbox)
        {
          BdStoreChange change;
          gboolean written;

          if (!_bd_store_write_edit (self, report, actor, now, now_text, FALSE,
                                     &change, &rowid, &written, error))
            {
              _bd_store_rollback (self);
              return FALSE;
            }
        }
      else
        {
          g_autofree char *feature = bd_report_to_geojson (report);

          if (!_bd_store_write_row (self, report, feature, &rowid, error))
            {
              _bd_store_rollback (self);
              return FALSE;
            }
        }
    }

  if (!_bd_store_commit (self, error))
    return FALSE;

  _bd_store_emit_changed (self, BD_STORE_CHANGE_RELOADED, NULL, 0);
  return TRUE;
}

struct _BdStoreImport
{
  BdStore    *store;
  char       *actor;
  GDateTime  *now;
  char       *now_text;
  GHashTable *positions;   /* id -> the position that named it first, from 1 */
  guint       n_added;
  guint       n_written;
  gboolean    open;        /* the transaction is ours and open */
  gboolean    refused;     /* a feature was refused: checking only */
  gboolean    ended;       /* committed, or the database failed */
};

BdStoreImport *
bd_store_import_begin (BdStore     *self,
                       const char  *actor,
                       GError     **error)
{
  BdStoreImport *import;

  g_return_val_if_fail (BD_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_bd_store_begin (self, error))
    return NULL;

  import = g_new0 (BdStoreImport, 1);
  import->store = g_object_ref (self);
  import->actor = g_strdup (actor);
  import->now = g_date_time_new_now_local ();
  import->now_text = bd_format_timestamp (import->now);
  import->positions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  import->open = TRUE;
  return import;
}

static void
import_rollback (BdStoreImport *import)
{
  if (import->open)
    _bd_store_rollback (import->store);
  import->open = FALSE;
}

/* Refuses the feature at @position for @reason: nothing of the file will
 * be written, the features after it are only checked. */
static gboolean
import_refuse (BdStoreImport  *import,
               guint           position,
               const char     *reason,
               GError        **error)
{
  import_rollback (import);
  import->refused = TRUE;
  /* Translators: "feature 3: The feature has no geometry." (counted from 1) */
  g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID, _("feature %u: %s"),
               position, reason);
  return FALSE;
}

gboolean
bd_store_import_add (BdStoreImport  *import,
                     JsonNode       *feature,
                     GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(BdReport) report = NULL;
  BdStoreChange change;
  const char *id;
  gpointer first;
  guint position;
  gint64 rowid;
  gboolean written;

  g_return_val_if_fail (import != NULL, FALSE);
  g_return_val_if_fail (!import->ended, FALSE);
  g_return_val_if_fail (feature != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  position = ++import->n_added;
  report = bd_report_new_from_json (feature, &local_error);
  if (report == NULL || !bd_report_validate (report, &local_error))
    return import_refuse (import, position, local_error->message, error);

  id = bd_report_get_id (report);
  if ((first = g_hash_table_lookup (import->positions, id)) != NULL)
    {
      g_autofree char *reason = g_strdup_printf (_("a duplicate of feature %u (the same id “%s”)"),
                                                 GPOINTER_TO_UINT (first), id);

      return import_refuse (import, position, reason, error);
    }
  g_hash_table_insert (import->positions, g_strdup (id), GUINT_TO_POINTER (position));

  if (import->refused)
    return TRUE;
  if (!_bd_store_write_edit (import->store, report, import->actor, import->now,
                             import->now_text, TRUE, &change, &rowid, &written, &local_error))
    {
      if (g_error_matches (local_error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID))
        return import_refuse (import, position, local_error->message, error);
      import_rollback (import);
      import->ended = TRUE;
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  _("feature %u: "), position);
      return FALSE;
    }
  if (written)
    import->n_written++;
  return TRUE;
}

gboolean
bd_store_import_commit (BdStoreImport  *import,
                        guint          *n_imported,
                        guint          *n_unchanged,
                        GError        **error)
{
  g_return_val_if_fail (import != NULL, FALSE);
  g_return_val_if_fail (!import->ended, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (import->refused)
    {
      g_set_error_literal (error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID,
                           _("A feature was refused; nothing was imported."));
      return FALSE;
    }
  g_return_val_if_fail (import->open, FALSE);

  /* a failed commit has rolled back */
  import->open = FALSE;
  import->ended = TRUE;
  if (!_bd_store_commit (import->store, error))
    return FALSE;

  if (n_imported != NULL)
    *n_imported = import->n_written;
  if (n_unchanged != NULL)
    *n_unchanged = import->n_added - import->n_written;
  if (import->n_written > 0)
    _bd_store_emit_changed (import->store, BD_STORE_CHANGE_RELOADED, NULL, 0);
  return TRUE;
}

gboolean
bd_store_import_add_report (BdStoreImport        *import,
                            BdReport             *report,
                            BdStoreImportOutcome *outcome,
                            GError              **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(BdReport) stored = NULL;
  BdStoreChange change;
  const char *id;
  GDateTime *stored_updated;
  GDateTime *updated;
  gint64 rowid;
  gboolean written;

  g_return_val_if_fail (import != NULL, FALSE);
  g_return_val_if_fail (!import->ended && import->open, FALSE);
  g_return_val_if_fail (BD_IS_REPORT (report), FALSE);
  g_return_val_if_fail (outcome != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  import->n_added++;
  if (!bd_report_validate (report, &local_error))
    {
      g_set_error_literal (error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID, local_error->message);
      return FALSE;
    }
  id = bd_report_get_id (report);
  if (g_hash_table_contains (import->positions, id))
    {
      g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID,
                   _("the id “%s” was given before"), id);
      return FALSE;
    }
  g_hash_table_insert (import->positions, g_strdup (id), GUINT_TO_POINTER (import->n_added));

  stored = _bd_store_load_stored (import->store, id, NULL, &local_error);
  if (local_error != NULL)
    {
      import_rollback (import);
      import->ended = TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  bd_report_set_rev (report, stored != NULL ? bd_report_get_rev (stored) : 0);
  bd_report_set_seq (report, stored != NULL ? bd_report_get_seq (stored) : 0);
  if (stored != NULL)
    {
      stored_updated = bd_report_get_updated_at (stored);
      updated = bd_report_get_updated_at (report);
      if (stored_updated != NULL && updated != NULL &&
          g_date_time_compare (stored_updated, updated) > 0)
        {
          *outcome = BD_STORE_IMPORT_OLDER;
          return TRUE;
        }
    }

  if (!_bd_store_write_edit (import->store, report, import->actor, import->now,
                             import->now_text, FALSE, &change, &rowid, &written, &local_error))
    {
      import_rollback (import);
      import->ended = TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (written)
    import->n_written++;
  *outcome = written ? BD_STORE_IMPORT_WRITTEN : BD_STORE_IMPORT_UNCHANGED;
  return TRUE;
}

void
bd_store_notify_reloaded (BdStore *self)
{
  g_return_if_fail (BD_IS_STORE (self));

  _bd_store_emit_changed (self, BD_STORE_CHANGE_RELOADED, NULL, 0);
}

void
bd_store_import_free (BdStoreImport *import)
{
  if (import == NULL)
    return;

  import_rollback (import);
  g_hash_table_unref (import->positions);
  g_free (import->now_text);
  g_date_time_unref (import->now);
  g_free (import->actor);
  g_object_unref (import->store);
  g_free (import);
}

gboolean
bd_store_save_report_over (BdStore     *self,
                           BdReport    *original,
                           BdReport    *edited,
                           const char  *actor,
                           BdReport   **out_saved,
                           GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *now_text = bd_format_timestamp (now);
  g_autofree char *id = NULL;
  g_autoptr(BdReport) stored = NULL;
  g_autoptr(BdReport) saved = NULL;
  g_autoptr(GError) local_error = NULL;
  BdStoreChange change = BD_STORE_CHANGE_UPDATED;
  gint64 rowid = 0;
  gboolean written = FALSE;

  g_return_val_if_fail (BD_IS_STORE (self), FALSE);
  g_return_val_if_fail (original == NULL || BD_IS_REPORT (original), FALSE);
  g_return_val_if_fail (BD_IS_REPORT (edited), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  id = g_strdup (bd_report_get_id (edited));

  /* a person's move of the status follows the workflow (bd-workflow.h);
   * what the server sends is never checked */
  if (g_strcmp0 (original != NULL ? bd_report_get_status (original) : NULL,
                 bd_report_get_status (edited)) != 0 &&
      !bd_workflow_check (original != NULL ? bd_report_get_status (original) : NULL,
                          bd_report_get_status (edited), &local_error))
    {
      g_set_error (error, BD_STORE_ERROR, BD_STORE_ERROR_INVALID, "%s", local_error->message);
      return FALSE;
    }

  if (!_bd_store_begin (self, error))
    return FALSE;

  stored = _bd_store_load_stored (self, id, NULL, &local_error);
  if (local_error != NULL)
    goto fail;

  if (original != NULL && stored != NULL && !bd_report_equal (stored, original))
    {
      g_auto(GStrv) both = NULL;

      /* the stored copy changed while @edited was being typed (a sync
       * brought another office's edit): save what was typed over that
       * copy, not over @original, so the other edit is not reverted; a
       * field changed on both sides takes what was typed */
      saved = bd_report_merge3 (original, edited, stored, &both);
      g_debug ("saving over a copy changed meanwhile; %u fields changed on both sides",
               both != NULL ? g_strv_length (both) : 0);
    }
  else
    saved = bd_report_copy (edited);

  if (!bd_report_validate (saved, &local_error) ||
      !_bd_store_write_edit (self, saved, actor, now, now_text, TRUE,
                             &change, &rowid, &written, &local_error))
    goto fail;

  if (!written)
    _bd_store_rollback (self);
  else if (!_bd_store_commit (self, error))
    return FALSE;
  else
    _bd_store_emit_changed (self, change, id, rowid);

  if (out_saved != NULL)
    *out_saved = g_steal_pointer (&saved);
  return TRUE;

fail:
  _bd_store_rollback (self);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}
