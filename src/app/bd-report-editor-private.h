/* bd-report-editor-private.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What the files of BdReportEditor share (bd-report-editor.c: the object,
 * its actions, conflicts and the store; bd-report-editor-form.c: filling,
 * reading and checking the form's fields), and the accessors the tests
 * use. */

#pragma once

#include "bd-report-editor.h"

#include "bd-catalog.h"
#include "bd-conflict-list.h"
#include "bd-conflict-row.h"
#include "bd-photo-strip.h"

G_BEGIN_DECLS

struct _BdReportEditor
{
  AdwBin            parent_instance;

  BdStore          *store;
  BdReport         *report;      /* the working copy */
  BdReport         *original;    /* as loaded, to tell whether it was modified */
  GSettings        *settings;
  GHashTable       *count_spins; /* key → GtkSpinButton (borrowed) */
  GHashTable       *remembered;  /* key → double*: counts typed, kept across category changes */
  GPtrArray        *count_rows;  /* rows added to counts_group */
  GtkStringList    *ward_model;
  GtkStringList    *category_model;
  GtkStringList    *status_model;
  GtkSizeGroup     *unit_group;  /* the unit labels after the count spin buttons */

  guint             loading : 1;
  /* another writer (the window's import) holds the database: a save
   * waits for it instead of blocking the main loop on the lock */
  guint             store_busy : 1;
  guint             save_pending : 1;
  guint             is_new : 1;
  guint             valid : 1;
  guint             observed_ok : 1;
  guint             settling : 1;    /* our own bd_store_settle_conflict () is running */
  guint             reveal_all : 1;  /* the user tried to save: every error shows */
  guint             locating : 1;    /* "Use My Location" is waiting for GeoClue */
  guint             has_pin_undo : 1;/* the pin was moved to a ward's centre: it can go back */
  double            undo_latitude;
  double            undo_longitude;
  char             *undo_ward;
  GCancellable     *locate_cancellable;
  GtkWidget        *watched_root;    /* whose focus tells when a field is left */
  int               focus_field;     /* the BdReportField holding the focus, or -1 */
  guint32           revealed;        /* 1 << BdReportField: errors the user may see (the
                                      * field was left, or changed by a choice) */

  /* template children */
  GtkLabel         *heading_label;
  BdConflictList   *conflict_list;
  BdPhotoStrip     *photo_strip;
  GtkScrolledWindow *scroller;
  AdwEntryRow      *title_row;
  AdwComboRow      *category_row;
  GtkToggleButton  *severity1;
  GtkToggleButton  *severity2;
  GtkToggleButton  *severity3;
  GtkToggleButton  *severity4;
  GtkWidget        *severity_box;
  GtkWidget        *affected_group;
  AdwActionRow     *location_row;
  GtkWidget        *location_status_row;
  GtkLabel         *location_status;
  AdwEntryRow      *coords_row;
  AdwActionRow     *ward_note_row;
  GtkWidget        *presets_group;
  GtkFlowBox       *presets_box;
  AdwComboRow      *ward_row;
  AdwComboRow      *status_row;
  AdwEntryRow      *duplicate_row;
  GtkTextView      *description_view;
  AdwPreferencesGroup *counts_group;
  AdwActionRow     *affected_households_row;
  AdwActionRow     *affected_people_row;
  GtkSpinButton    *affected_households_spin;
  GtkSpinButton    *affected_people_spin;
  AdwEntryRow      *reporter_row;
  AdwEntryRow      *observed_row;
  GtkWidget        *counts_error_row;
  GtkLabel         *hint_label;
  GtkWidget        *delete_button;
  GtkWidget        *save_button;

  GtkLabel         *location_error;
  GtkLabel         *ward_error;
  GtkLabel         *category_error;
  GtkLabel         *severity_error;
  GtkLabel         *status_error;
  GtkLabel         *title_error;
  GtkLabel         *description_error;
  GtkLabel         *reporter_error;
  GtkLabel         *observed_error;
  GtkLabel         *counts_error;
  GtkLabel         *affected_error;
  GtkLabel         *duplicate_error;

  /* bd-report-editor-workflow.c */
  char            **status_codes;     /* the codes of status_model's items */
  GtkStringList    *department_model;
  char            **department_codes; /* of department_model's items; "" unassigned */
  AdwComboRow      *department_row;
  GtkWidget        *history_button;
};

/* bd-report-editor.c */
void             _bd_report_editor_update_actions      (BdReportEditor *self);
/* Sets self->valid, notifying "valid" when it changes. */
void             _bd_report_editor_set_valid           (BdReportEditor *self,
                                                        gboolean        valid);

/* bd-report-editor-workflow.c */
void             _bd_report_editor_class_init_workflow (GtkWidgetClass *widget_class);
void             _bd_report_editor_init_workflow       (BdReportEditor *self);
void             _bd_report_editor_dispose_workflow    (BdReportEditor *self);
/* Fills the status row with the moves the workflow allows from the saved
 * status, and the department row with the list; selects the report's. */
void             _bd_report_editor_fill_workflow       (BdReportEditor *self);
void             _bd_report_editor_select_status       (BdReportEditor *self,
                                                        const char     *code);
/* The status code of the status row's item @position, or NULL. */
const char      *_bd_report_editor_status_code_at      (BdReportEditor *self,
                                                        guint           position);
void             _bd_report_editor_update_workflow_actions (BdReportEditor *self);

/* bd-report-editor-form.c */
void             _bd_report_editor_class_init_form     (GtkWidgetClass *widget_class);
void             _bd_report_editor_init_form           (BdReportEditor *self);
/* Shows the working copy (or an empty form) in every field. */
void             _bd_report_editor_fill_widgets        (BdReportEditor *self);
/* Checks every field, shows the errors of the fields the user has left
 * (all of them once saving was tried) and updates the actions. */
void             _bd_report_editor_validate            (BdReportEditor *self);
/* From now on, the error of @field shows (then validates). */
void             _bd_report_editor_reveal_field        (BdReportEditor *self,
                                                        BdReportField   field);
/* Follows @root's focus (NULL: none) to tell when the user leaves a field. */
void             _bd_report_editor_watch_root          (BdReportEditor *self,
                                                        GtkRoot        *root);
/* Saving was tried: every error shows; focuses the first wrong field.
 * Returns TRUE when the report is valid. */
gboolean         _bd_report_editor_reveal_all          (BdReportEditor *self);
void             _bd_report_editor_update_location_row (BdReportEditor *self);
/* The user chose @code in the ward row: a pin in another ward moves to
 * that ward's centre (with a note and a way back). */
void             _bd_report_editor_ward_chosen         (BdReportEditor *self);
/* The report's ward follows its pin (the ward whose centre is nearest);
 * a city-wide report stays city-wide. */
void             _bd_report_editor_follow_pin_ward     (BdReportEditor *self);
/* The ward the pin is in, by bd_catalog_nearest_ward (); NULL without a
 * report. */
const BdWard    *_bd_report_editor_get_pin_ward        (BdReportEditor *self);
void             _bd_report_editor_select_ward         (BdReportEditor *self,
                                                        const char     *code);
/* The mouse wheel over @spin scrolls the form instead of the number. */
void             _bd_report_editor_keep_wheel_off      (BdReportEditor *self,
                                                        GtkSpinButton  *spin);
GtkLabel        *_bd_report_editor_error_label_for     (BdReportEditor *self,
                                                        BdReportField   field);
char            *_bd_report_editor_format_local_time   (GDateTime      *when);

/* For tests: the real widgets; changing them updates the working copy
 * through the normal signal path. */
gboolean         _bd_report_editor_get_is_new          (BdReportEditor *self);
AdwComboRow     *_bd_report_editor_get_ward_row        (BdReportEditor *self);
AdwComboRow     *_bd_report_editor_get_category_row    (BdReportEditor *self);
AdwComboRow     *_bd_report_editor_get_status_row      (BdReportEditor *self);
AdwEntryRow     *_bd_report_editor_get_reporter_row    (BdReportEditor *self);
AdwEntryRow     *_bd_report_editor_get_observed_row    (BdReportEditor *self);
GtkTextView     *_bd_report_editor_get_description_view (BdReportEditor *self);
GtkToggleButton *_bd_report_editor_get_severity_button (BdReportEditor *self,
                                                        int             level);
/* The spin button of a count field of the current category, or of
 * "affected_households" / "affected_people"; NULL if not shown. */
GtkSpinButton   *_bd_report_editor_get_count_spin      (BdReportEditor *self,
                                                        const char     *key);
/* The Save button (insensitive while the report is invalid). */
GtkWidget       *_bd_report_editor_get_save_button     (BdReportEditor *self);
GtkLabel        *_bd_report_editor_get_hint_label      (BdReportEditor *self);
GtkScrolledWindow *_bd_report_editor_get_scroller      (BdReportEditor *self);
AdwActionRow    *_bd_report_editor_get_location_row    (BdReportEditor *self);
AdwEntryRow     *_bd_report_editor_get_coords_row      (BdReportEditor *self);
/* The line under the location: GeoClue's answer, or why typed
 * coordinates were refused; "" when hidden. */
const char      *_bd_report_editor_get_location_status (BdReportEditor *self);
/* The note under the ward after the pin moved to a ward's centre ("" when hidden). */
const char      *_bd_report_editor_get_ward_note       (BdReportEditor *self);
/* The quick report buttons (a new report only), in presets.json order. */
GtkFlowBox      *_bd_report_editor_get_presets_box     (BdReportEditor *self);
/* The inline error label under @field. */
GtkLabel        *_bd_report_editor_get_error_label     (BdReportEditor *self,
                                                        BdReportField   field);
/* What the file chooser of "editor.add-photo" calls for each file picked
 * (bd_photo_strip_add_file ()). */
void             _bd_report_editor_add_photo_file      (BdReportEditor *self,
                                                        GFile          *file);
/* TRUE while a photo file is being read or a thumbnail decoded. */
gboolean         _bd_report_editor_get_loading_photos  (BdReportEditor *self);
GtkWidget       *_bd_report_editor_get_add_photo_button (BdReportEditor *self);
/* The thumbnails: each child's child is a BdPhotoThumbnail. */
GtkFlowBox      *_bd_report_editor_get_photo_box       (BdReportEditor *self);
GtkLabel        *_bd_report_editor_get_photo_error_label (BdReportEditor *self);
/* The conflict list (hidden when the report has none), and its row for
 * @field (a name from bd_report_diff ()), or NULL. */
GtkWidget       *_bd_report_editor_get_conflict_box    (BdReportEditor *self);
BdConflictRow   *_bd_report_editor_get_conflict_row    (BdReportEditor *self,
                                                        const char     *field);

G_END_DECLS
