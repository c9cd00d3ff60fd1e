/* bd-mbtiles-writer.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Writes an MBTiles 1.3 file (tiles in TMS rows, metadata), tiles in
 * batched transactions. Opening a file made before continues it: its
 * tiles are kept and bd_mbtiles_writer_has_tile() says which exist.
 *
 * One writer at a time: a second bd_mbtiles_writer_open () of the same
 * file, in this process or another, fails at once with
 * BD_MBTILES_WRITER_ERROR_BUSY naming the file (an advisory lock on
 * "FILE-lock", released by the kernel if the writer is killed). Readers
 * (the map showing the file) go on reading while it is written: the file
 * is in WAL mode while open, every commit whole even if the process is
 * killed, and back in rollback-journal mode when closed. */

#define BD_MBTILES_WRITER_ERROR (bd_mbtiles_writer_error_quark ())

typedef enum
{
  BD_MBTILES_WRITER_ERROR_OPEN,
  BD_MBTILES_WRITER_ERROR_WRITE,
  BD_MBTILES_WRITER_ERROR_BUSY,    /* another writer has the file */
} BdMbtilesWriterError;

/* Tiles written in one transaction. */
#define BD_MBTILES_WRITER_BATCH 200

typedef struct _BdMbtilesWriter BdMbtilesWriter;

GQuark           bd_mbtiles_writer_error_quark (void);
BdMbtilesWriter *bd_mbtiles_writer_open          (const char       *path,
                                                  GError          **error);
/* Sets one metadata value (name, format, bounds, minzoom, …). */
gboolean         bd_mbtiles_writer_set_metadata  (BdMbtilesWriter  *self,
                                                  const char       *name,
                                                  const char       *value,
                                                  GError          **error);
/* XYZ coordinates (y from the north); stored as TMS rows. */
gboolean         bd_mbtiles_writer_has_tile      (BdMbtilesWriter  *self,
                                                  guint             z,
                                                  guint             x,
                                                  guint             y);
gboolean         bd_mbtiles_writer_put_tile      (BdMbtilesWriter  *self,
                                                  guint             z,
                                                  guint             x,
                                                  guint             y,
                                                  GBytes           *data,
                                                  GError          **error);
/* Commits the tiles written so far. */
gboolean         bd_mbtiles_writer_flush         (BdMbtilesWriter  *self,
                                                  GError          **error);
guint64          bd_mbtiles_writer_count_tiles   (BdMbtilesWriter  *self);
/* Flushes (a failure is logged) and closes. */
void             bd_mbtiles_writer_close         (BdMbtilesWriter  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdMbtilesWriter, bd_mbtiles_writer_close)

G_END_DECLS
