/* bd-report-editor.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "bd-conflict-row.h"
#include "bd-report.h"
#include "bd-store.h"

G_BEGIN_DECLS

/* Edits a working copy of a BdReport, with inline validation.
 *
 * Actions: "editor.save", "editor.delete", "editor.cancel" (Ctrl+S, Escape),
 *          "editor.add-photo" (a file chooser for photos).
 *
 * Photos are read and decoded on worker threads; each one goes into the
 * store (bd_store_add_attachment) as soon as it is read, and into the
 * working copy's attachments, saved with the report. When the report has
 * conflicts (a field changed here and on the server), a box at the top
 * shows both values of each field with "Keep Mine" / "Use Server's";
 * choosing settles it in the store at once.
 *
 * Signals:
 *   "saved"     (BdReport *report)  the copy was committed to the store
 *   "deleted"   (const char *id)    the report became a tombstone
 *   "cancelled" ()
 *   "failed"    (const char *message) saving or deleting failed; the editor
 *                                     keeps the working copy */

#define BD_TYPE_REPORT_EDITOR (bd_report_editor_get_type ())

G_DECLARE_FINAL_TYPE (BdReportEditor, bd_report_editor, BD, REPORT_EDITOR, AdwBin)

BdReportEditor *bd_report_editor_new              (void);
BdStore        *bd_report_editor_get_store        (BdReportEditor *self);
void            bd_report_editor_set_store        (BdReportEditor *self,
                                                   BdStore        *store);
/* Starts editing a copy of @report. @is_new: it is not in the store yet
 * (the ward then follows the place until the user picks one). */
void            bd_report_editor_set_report       (BdReportEditor *self,
                                                   BdReport       *report,
                                                   gboolean        is_new);
/* The working copy (NULL when nothing is being edited). */
BdReport       *bd_report_editor_get_report       (BdReportEditor *self);
gboolean        bd_report_editor_get_is_new       (BdReportEditor *self);
/* Moves the working copy to a new place (a click on the map). */
void            bd_report_editor_set_location     (BdReportEditor *self,
                                                   double          latitude,
                                                   double          longitude);
/* TRUE when every field is valid (the Save action is enabled). */
gboolean        bd_report_editor_get_valid        (BdReportEditor *self);
/* TRUE when the working copy differs from what was loaded. */
gboolean        bd_report_editor_get_modified     (BdReportEditor *self);

/* The real widgets, for tests: changing them updates the working copy
 * through the normal signal path. */
AdwEntryRow    *bd_report_editor_get_title_row    (BdReportEditor *self);
AdwComboRow    *bd_report_editor_get_ward_row     (BdReportEditor *self);
AdwComboRow    *bd_report_editor_get_category_row (BdReportEditor *self);
AdwComboRow    *bd_report_editor_get_status_row   (BdReportEditor *self);
AdwEntryRow    *bd_report_editor_get_reporter_row (BdReportEditor *self);
AdwEntryRow    *bd_report_editor_get_observed_row (BdReportEditor *self);
GtkTextView    *bd_report_editor_get_description_view (BdReportEditor *self);
GtkToggleButton *bd_report_editor_get_severity_button (BdReportEditor *self,
                                                      int             level);
/* The spin button of a count field of the current category, or of
 * "affected_households" / "affected_people"; NULL if not shown. */
GtkSpinButton  *bd_report_editor_get_count_spin   (BdReportEditor *self,
                                                   const char     *key);
/* The Save button (insensitive while the report is invalid). */
GtkWidget      *bd_report_editor_get_save_button  (BdReportEditor *self);
/* The inline error label under @field. */
GtkLabel       *bd_report_editor_get_error_label  (BdReportEditor *self,
                                                   BdReportField   field);

/* Reads @file on a worker thread and, if it is an image of at most
 * BD_STORE_MAX_ATTACHMENT_BYTES, adds it to the store and to the working
 * copy's attachments; otherwise shows why under the photos. What the file
 * chooser of "editor.add-photo" calls for each file picked. */
void            bd_report_editor_add_photo_file   (BdReportEditor *self,
                                                   GFile          *file);
/* TRUE while a photo file is being read or a thumbnail decoded. */
gboolean        bd_report_editor_get_loading_photos (BdReportEditor *self);
GtkWidget      *bd_report_editor_get_add_photo_button (BdReportEditor *self);
/* The thumbnails: each child's child is a BdPhotoThumbnail. */
GtkFlowBox     *bd_report_editor_get_photo_box    (BdReportEditor *self);
GtkLabel       *bd_report_editor_get_photo_error_label (BdReportEditor *self);
/* The conflict box (hidden when the report has none), and its row for
 * @field (a name from bd_report_diff ()), or NULL. */
GtkWidget      *bd_report_editor_get_conflict_box (BdReportEditor *self);
BdConflictRow  *bd_report_editor_get_conflict_row (BdReportEditor *self,
                                                   const char     *field);

G_END_DECLS
