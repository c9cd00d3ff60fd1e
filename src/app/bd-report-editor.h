/* bd-report-editor.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "bd-report.h"
#include "bd-store.h"

G_BEGIN_DECLS

/* Edits a working copy of a BdReport, with inline validation.
 *
 * Actions: "editor.save", "editor.delete", "editor.cancel" (Ctrl+S, Escape),
 *          "editor.add-photo" (a file chooser for photos).
 *
 * Its photos are a BdPhotoStrip: each photo goes into the store as soon as
 * it is read, and into the working copy's attachments, saved with the
 * report. When the report has conflicts (a field changed here and on the
 * server), a BdConflictList at the top shows both values of each field
 * with "Keep Mine" / "Use Server's"; choosing settles it in the store at
 * once, with the person using the app as the history's actor.
 *
 * Signals:
 *   "saved"     (BdReport *report)  the copy was committed to the store
 *   "deleted"   (const char *id)    the report became a tombstone
 *   "cancelled" ()
 *   "failed"    (const char *message) saving or deleting failed; the editor
 *                                     keeps the working copy
 *   "location-changed" (double latitude, double longitude)
 *               the editor moved the pin by itself (a ward chosen, typed
 *               coordinates, "Use My Location", "Put Back"): show the
 *               marker there. Not emitted for bd_report_editor_set_location ().
 *
 * The place and the ward agree: the ward follows the pin (the ward whose
 * centre is nearest, bd_catalog_nearest_ward ()), and choosing another
 * ward moves the pin to that ward's centre, with a note and "Put Back". */

#define BD_TYPE_REPORT_EDITOR (bd_report_editor_get_type ())

G_DECLARE_FINAL_TYPE (BdReportEditor, bd_report_editor, BD, REPORT_EDITOR, AdwBin)

BdReportEditor *bd_report_editor_new              (void);
BdStore        *bd_report_editor_get_store        (BdReportEditor *self);
void            bd_report_editor_set_store        (BdReportEditor *self,
                                                   BdStore        *store);
/* While @busy (the window writes an import into the same database), Save
 * does not wait for the database's lock on the main thread: the report is
 * saved as soon as the editor is told the database is free again. */
void            bd_report_editor_set_store_busy   (BdReportEditor *self,
                                                   gboolean        busy);
gboolean        bd_report_editor_get_save_pending (BdReportEditor *self);
/* Starts editing a copy of @report. @is_new: it is not in the store yet
 * (it gets the pin's ward when it has none, and the quick reports). */
void            bd_report_editor_set_report       (BdReportEditor *self,
                                                   BdReport       *report,
                                                   gboolean        is_new);
/* The working copy (NULL when nothing is being edited). */
BdReport       *bd_report_editor_get_report       (BdReportEditor *self);
/* Moves the working copy to a new place (a click on the map); its ward
 * follows. */
void            bd_report_editor_set_location     (BdReportEditor *self,
                                                   double          latitude,
                                                   double          longitude);
/* TRUE when every field is valid (the Save action is enabled). */
gboolean        bd_report_editor_get_valid        (BdReportEditor *self);
/* TRUE when the working copy differs from what was loaded. */
gboolean        bd_report_editor_get_modified     (BdReportEditor *self);

/* The title field (the window focuses it on a new report). */
AdwEntryRow    *bd_report_editor_get_title_row    (BdReportEditor *self);

G_END_DECLS
