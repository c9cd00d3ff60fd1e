/* bd-import.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "bd-export.h"
#include "bd-store.h"

G_BEGIN_DECLS

/* Reports in from other people's files: a GeoJSON FeatureCollection (or
 * one Feature) or our CSV (bd_export_csv_columns (); a header line is
 * required, the columns in any order, those missing read as empty).
 *
 * Each feature or row is read on its own: one without an id gets a new
 * UUID; one without status is "new"; one without updated_at is stamped
 * with the time of the import, and one without created_at with that time
 * too (or its updated_at, when earlier). What is still invalid is skipped
 * with its position ("feature 3", "line 7") and reason, as is an id given
 * twice in the file (the later one) and a report the store holds a newer
 * copy of (nothing newer is ever overwritten). The accepted ones are
 * written in ONE transaction (bd_store_import_begin ()), as local edits
 * (outbox and history rows): a fault of the database part-way leaves
 * nothing of the file. A file that breaks off part-way (truncated, bad
 * JSON or a quote never closed) keeps what was read before the break; the
 * break is said among the reasons. Only one record of the file is built
 * at a time (the file is mapped). */

#define BD_IMPORT_ERROR (bd_import_error_quark ())

typedef enum
{
  BD_IMPORT_ERROR_READ,      /* the file cannot be opened or is too large */
  BD_IMPORT_ERROR_FORMAT,    /* not GeoJSON reports nor our CSV */
} BdImportError;

/* The largest file read (larger ones are refused unread). */
#define BD_IMPORT_MAX_BYTES ((gsize) 512 << 20)
/* Reasons kept: the rest are counted. */
#define BD_IMPORT_MAX_REASONS 20

typedef struct
{
  BdFileFormat  format;      /* what the file was read as */
  guint         n_imported;  /* written */
  guint         n_unchanged; /* the store held them as they are */
  guint         n_skipped;   /* refused, duplicated, or older than the store's */
  gboolean      broken;      /* the file broke off; *reasons says where */
  guint         n_reasons;   /* reasons in all (reasons holds the first ones) */
  GPtrArray    *reasons;     /* char *, at most BD_IMPORT_MAX_REASONS */
} BdImportResult;

GQuark          bd_import_error_quark   (void);

void            bd_import_result_free   (BdImportResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdImportResult, bd_import_result_free)

/* "3 imported, 2 skipped" (and ", 1 unchanged" when some were), translated. */
char           *bd_import_result_summary (BdImportResult *result);
/* The reasons, a line each, with "… and N more" when some were left out;
 * "" when there are none. */
char           *bd_import_result_reasons (BdImportResult *result);
/* Whether anything of the file could be read: a report written or already
 * stored, or a file with no reports at all (and no break). */
gboolean        bd_import_result_read_any (BdImportResult *result);

/* Reads @path (@format BD_FILE_FORMAT_NONE: by its extension, else by its
 * first bytes) into @store as edits by @actor. NULL with an error only
 * when nothing could be read at all: the file cannot be opened, is over
 * BD_IMPORT_MAX_BYTES, is not GeoJSON reports nor our CSV, or the database
 * failed (then nothing of it was written). */
BdImportResult *bd_import_file          (BdStore        *store,
                                         const char     *path,
                                         BdFileFormat    format,
                                         const char     *actor,
                                         GCancellable   *cancellable,
                                         GError        **error);
/* The same from bytes in memory (@name for messages). */
BdImportResult *bd_import_data          (BdStore        *store,
                                         const char     *data,
                                         gsize           length,
                                         BdFileFormat    format,
                                         const char     *actor,
                                         GCancellable   *cancellable,
                                         GError        **error);

G_END_DECLS
