/* bd-report-editor.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-report-editor"

#include "config.h"

#include "bd-report-editor-private.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "bd-app-util.h"
#include "bd-catalog.h"
#include "bd-conflict-list-private.h"
#include "bd-location.h"
#include "bd-photo-strip-private.h"

#define SCHEMA_ID "io.github.bosai_desk.BosaiDesk"

/* How long "Use My Location" waits for GeoClue. */
#define LOCATE_TIMEOUT_SECONDS 20

G_DEFINE_FINAL_TYPE (BdReportEditor, bd_report_editor, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STORE,
  PROP_REPORT,
  PROP_VALID,
  N_PROPS
};

enum {
  SAVED,
  DELETED,
  CANCELLED,
  FAILED,
  LOCATION_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

void
_bd_report_editor_update_actions (BdReportEditor *self)
{
  gboolean editing = self->report != NULL;

  /* Saving an untouched report would only add a needless outbox row. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save",
                                 editing && self->valid &&
                                 (self->is_new || bd_report_editor_get_modified (self)));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.delete",
                                 editing && !self->is_new && self->store != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.cancel", editing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.try-save", editing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.use-my-location", editing && !self->locating);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.place-at-ward-centre", editing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.put-pin-back", editing && self->has_pin_undo);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.apply-preset", editing && self->is_new);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.observed-now", editing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.add-photo",
                                 editing && bd_photo_strip_get_can_add (self->photo_strip));
  gtk_widget_set_visible (self->delete_button, editing && !self->is_new);
  _bd_report_editor_update_workflow_actions (self);
}

void
_bd_report_editor_set_valid (BdReportEditor *self,
                             gboolean        valid)
{
  gboolean changed = self->valid != !!valid;

  self->valid = !!valid;
  _bd_report_editor_update_actions (self);

  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALID]);
}

/* actions */

static gboolean apply_typed_coordinates (BdReportEditor *self);

/* Save pressed while another writer holds the database: the button says
 * the report waits, and bd_report_editor_set_store_busy () saves it. */
static void
set_save_pending (BdReportEditor *self,
                  gboolean        pending)
{
  if (self->save_pending == pending)
    return;
  self->save_pending = pending;
  gtk_button_set_label (GTK_BUTTON (self->save_button),
                        pending ? _("Saving After the Import…") : _("_Save"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->save_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  pending ? _("Saving After the Import…")
                                          : C_("accessible name", "Save"),
                                  -1);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  BdReportEditor *self = BD_REPORT_EDITOR (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(BdReport) saved = NULL;
  g_autofree char *actor = NULL;
  const char *reporter;

  if (self->report == NULL || self->store == NULL)
    return;

  if (!apply_typed_coordinates (self))
    return;
  _bd_report_editor_validate (self);
  if (!self->valid)
    return;

  if (self->store_busy)
    {
      set_save_pending (self, TRUE);
      return;
    }

  actor = bd_dup_actor (self->settings);

  /* When a sync brought another office's edit while the form was open,
   * the store merges what was typed over its newer copy (in the same
   * transaction), so that edit is not reverted; @saved is what it wrote. */
  if (!bd_store_save_report_over (self->store, self->is_new ? NULL : self->original,
                                  self->report, actor, &saved, &error))
    {
      g_autofree char *message = g_strdup_printf (_("The report could not be saved: %s"),
                                                  error->message);

      g_signal_emit (self, signals[FAILED], 0, message);
      return;
    }

  /* Remember who reports, for the next new report: the one typed into a
   * new report, not the reporter of someone else's report. */
  reporter = bd_report_get_reporter (self->report);
  if (self->is_new && reporter != NULL && reporter[0] != '\0')
    g_settings_set_string (self->settings, "reporter-name", reporter);

  bd_report_editor_set_report (self, NULL, FALSE);
  g_signal_emit (self, signals[SAVED], 0, saved);
}

/* Ctrl+S, or a click on the Save button while it is disabled: shows what
 * is wrong, or saves. */
static void
try_save_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  BdReportEditor *self = BD_REPORT_EDITOR (widget);

  if (self->report == NULL)
    return;

  if (_bd_report_editor_reveal_all (self))
    gtk_widget_activate_action (widget, "editor.save", NULL);
}

static void
on_action_box_pressed_cb (GtkGestureClick *gesture,
                          int              n_press,
                          double           x,
                          double           y,
                          BdReportEditor  *self)
{
  GtkWidget *box = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  graphene_rect_t bounds;

  if (gtk_widget_is_sensitive (self->save_button) ||
      !gtk_widget_get_visible (self->save_button) ||
      !gtk_widget_compute_bounds (self->save_button, box, &bounds) ||
      !graphene_rect_contains_point (&bounds, &GRAPHENE_POINT_INIT (x, y)))
    return;

  gtk_widget_activate_action (GTK_WIDGET (self), "editor.try-save", NULL);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  BdReportEditor *self = BD_REPORT_EDITOR (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *actor = NULL;
  g_autofree char *id = NULL;

  if (self->report == NULL || self->store == NULL || self->is_new)
    return;

  actor = bd_dup_actor (self->settings);
  id = g_strdup (bd_report_get_id (self->report));
  if (!bd_store_delete_report (self->store, id, actor, &error))
    {
      g_autofree char *message = g_strdup_printf (_("The report could not be deleted: %s"),
                                                  error->message);

      g_signal_emit (self, signals[FAILED], 0, message);
      return;
    }

  bd_report_editor_set_report (self, NULL, FALSE);
  g_signal_emit (self, signals[DELETED], 0, id);
}

static void
on_discard_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        BdReportEditor   *self)
{
  if (g_strcmp0 (response, "discard") == 0)
    {
      bd_report_editor_set_report (self, NULL, FALSE);
      g_signal_emit (self, signals[CANCELLED], 0);
    }
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  BdReportEditor *self = BD_REPORT_EDITOR (widget);
  GtkRoot *root;
  GtkWidget *dialog;

  if (self->report == NULL)
    return;

  if (!bd_report_editor_get_modified (self))
    {
      bd_report_editor_set_report (self, NULL, FALSE);
      g_signal_emit (self, signals[CANCELLED], 0);
      return;
    }

  /* Nothing typed is lost without asking. */
  root = gtk_widget_get_root (widget);
  dialog = bd_discard_changes_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_discard_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
observed_now_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  BdReportEditor *self = BD_REPORT_EDITOR (widget);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *text = _bd_report_editor_format_local_time (now);

  if (self->report == NULL)
    return;

  /* Goes through the entry's "changed" like typing does. */
  gtk_editable_set_text (GTK_EDITABLE (self->observed_row), text);
}

static void
add_photo_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  BdReportEditor *self = BD_REPORT_EDITOR (widget);

  if (self->report == NULL || self->store == NULL)
    return;

  bd_photo_strip_choose_files (self->photo_strip);
}

/* The place: the pin and its ward */

const BdWard *
_bd_report_editor_get_pin_ward (BdReportEditor *self)
{
  if (self->report == NULL)
    return NULL;

  /* The one rule for the ward of a point, as the map uses it. */
  return bd_catalog_nearest_ward (bd_report_get_latitude (self->report),
                                  bd_report_get_longitude (self->report));
}

void
_bd_report_editor_follow_pin_ward (BdReportEditor *self)
{
  const BdWard *ward = _bd_report_editor_get_pin_ward (self);
  gboolean was_loading = self->loading;

  if (ward == NULL || g_strcmp0 (bd_report_get_ward (self->report), BD_CITY_CODE) == 0)
    return;

  bd_report_set_ward (self->report, ward->code);
  self->loading = TRUE;
  _bd_report_editor_select_ward (self, ward->code);
  self->loading = was_loading;
}

static void
show_location_status (BdReportEditor *self,
                      const char     *message,
                      gboolean        is_error)
{
  gboolean show = message != NULL && message[0] != '\0';

  gtk_label_set_text (self->location_status, show ? message : "");
  gtk_widget_set_visible (self->location_status_row, show);
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->location_status), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->location_status), "error");
}

static void
show_ward_note (BdReportEditor *self,
                const char     *note)
{
  gboolean show = note != NULL && note[0] != '\0';

  /* In the title: it is the row's accessible name too. */
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->ward_note_row), show ? note : "");
  gtk_widget_set_visible (GTK_WIDGET (self->ward_note_row), show);
}

static void
forget_pin_undo (BdReportEditor *self)
{
  self->has_pin_undo = FALSE;
  g_clear_pointer (&self->undo_ward, g_free);
  show_ward_note (self, NULL);
  _bd_report_editor_update_actions (self);
}

/* Moves the pin; the ward follows. @tell_window: the editor moved it by
 * itself, so the map's marker must follow ("location-changed"). */
static void
move_pin (BdReportEditor *self,
          double          latitude,
          double          longitude,
          gboolean        tell_window)
{
  bd_report_set_location (self->report, latitude, longitude);
  _bd_report_editor_follow_pin_ward (self);
  forget_pin_undo (self);
  _bd_report_editor_update_location_row (self);

  self->revealed |= (1u << BD_REPORT_FIELD_LOCATION) | (1u << BD_REPORT_FIELD_WARD);
  _bd_report_editor_validate (self);

  if (tell_window)
    g_signal_emit (self, signals[LOCATION_CHANGED], 0, latitude, longitude);
}

/* Both at once, as they were or as a ward's centre: they agree. */
static void
set_pin_and_ward (BdReportEditor *self,
                  double          latitude,
                  double          longitude,
                  const char     *ward)
{
  bd_report_set_location (self->report, latitude, longitude);
  bd_report_set_ward (self->report, ward);
  self->loading = TRUE;
  _bd_report_editor_select_ward (self, ward);
  self->loading = FALSE;
  _bd_report_editor_update_location_row (self);
}

/* Puts the pin at @ward's centre, keeping where it was for "Put Back". */
static void
move_pin_to_ward_centre (BdReportEditor *self,
                         const BdWard   *ward,
                         const char     *previous_ward)
{
  g_autofree char *note = NULL;
  g_autofree char *name = bd_dup_catalog_label (ward->name_ja, ward->name_en);
  double latitude = bd_report_get_latitude (self->report);
  double longitude = bd_report_get_longitude (self->report);

  g_free (self->undo_ward);
  self->undo_ward = g_strdup (previous_ward);
  self->undo_latitude = latitude;
  self->undo_longitude = longitude;

  set_pin_and_ward (self, ward->latitude, ward->longitude, ward->code);

  self->has_pin_undo = TRUE;
  /* Translators: %s is a ward, 都島区 */
  note = g_strdup_printf (_("The pin moved to the centre of %s. Click the map or type the "
                            "coordinates to place it exactly."), name);
  show_ward_note (self, note);

  self->revealed |= (1u << BD_REPORT_FIELD_LOCATION) | (1u << BD_REPORT_FIELD_WARD);
  _bd_report_editor_validate (self);
  g_signal_emit (self, signals[LOCATION_CHANGED], 0, ward->latitude, ward->longitude);
}

void
_bd_report_editor_ward_chosen (BdReportEditor *self)
{
  const BdWard *pin_ward = _bd_report_editor_get_pin_ward (self);
  const BdWard *chosen = bd_catalog_lookup_ward (bd_report_get_ward (self->report));
  g_autofree char *previous = NULL;

  /* Place and ward agree: the pin moves into the ward chosen. */
  if (chosen == NULL || pin_ward == NULL || g_strcmp0 (chosen->code, BD_CITY_CODE) == 0 ||
      g_strcmp0 (chosen->code, pin_ward->code) == 0)
    return;

  previous = g_strdup (pin_ward->code);
  move_pin_to_ward_centre (self, chosen, previous);
}

static void
place_at_ward_centre_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  BdReportEditor *self = BD_REPORT_EDITOR (widget);
  const BdWard *ward;
  g_autofree char *previous = NULL;

  if (self->report == NULL)
    return;

  ward = bd_catalog_lookup_ward (bd_report_get_ward (self->report));
  if (ward == NULL || g_strcmp0 (ward->code, BD_CITY_CODE) == 0)
    ward = _bd_report_editor_get_pin_ward (self);
  if (ward == NULL)
    return;

  previous = g_strdup (bd_report_get_ward (self->report));
  move_pin_to_ward_centre (self, ward, previous);
}

static void
put_pin_back_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  BdReportEditor *self = BD_REPORT_EDITOR (widget);
  g_autofree char *ward = NULL;
  double latitude = self->undo_latitude;
  double longitude = self->undo_longitude;

  if (self->report == NULL || !self->has_pin_undo)
    return;

  ward = g_steal_pointer (&self->undo_ward);
  set_pin_and_ward (self, latitude, longitude, ward);
  forget_pin_undo (self);
  _bd_report_editor_validate (self);
  g_signal_emit (self, signals[LOCATION_CHANGED], 0, latitude, longitude);
}

/* "34.6937, 135.5023": also with a space, "、" or full-width digits,
 * and longitude first (the numbers tell which is which). */
static gboolean
parse_coordinates (const char *text,
                   double     *latitude,
                   double     *longitude)
{
  g_autofree char *normal = NULL;
  g_auto(GStrv) parts = NULL;
  double values[2];
  guint n = 0;

  if (text == NULL)
    return FALSE;

  normal = g_utf8_normalize (text, -1, G_NORMALIZE_ALL_COMPOSE);
  if (normal == NULL)
    return FALSE;
  /* Separators become spaces ("、" byte by byte: nothing else in valid
   * coordinates is outside ASCII after NFKC). */
  g_strdelimit (normal, ",;、", ' ');
  parts = g_strsplit_set (normal, " \t", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *end = NULL;
      double value;

      if (parts[i][0] == '\0')
        continue;
      if (n == 2)
        return FALSE;

      value = g_ascii_strtod (parts[i], &end);
      if (end == parts[i] || *end != '\0' || !isfinite (value))
        return FALSE;
      values[n++] = value;
    }

  if (n != 2)
    return FALSE;

  if (fabs (values[0]) > 90 && fabs (values[1]) <= 90)
    {
      *latitude = values[1];
      *longitude = values[0];
    }
  else
    {
      *latitude = values[0];
      *longitude = values[1];
    }

  return TRUE;
}

static void
on_coords_apply_cb (BdReportEditor *self,
                    AdwEntryRow    *row)
{
  double latitude, longitude;

  if (self->loading || self->report == NULL)
    return;

  if (!parse_coordinates (gtk_editable_get_text (GTK_EDITABLE (row)), &latitude, &longitude))
    {
      show_location_status (self, _("Type the coordinates as latitude, longitude, for example "
                                    "34.6937, 135.5023."), TRUE);
      return;
    }

  if (!bd_catalog_point_in_city (latitude, longitude))
    {
      show_location_status (self, _("This place is outside Osaka City: reports must be inside the city"),
                            TRUE);
      return;
    }

  show_location_status (self, NULL, FALSE);
  move_pin (self, latitude, longitude, TRUE);
}

/* The user accepted the place where a photo was taken (its EXIF, offered
 * by the photo strip, inside the city): the pin goes there. */
static void
on_photo_use_position_cb (BdReportEditor *self,
                          double          latitude,
                          double          longitude,
                          BdPhotoStrip   *strip)
{
  if (self->loading || self->report == NULL)
    return;

  if (!bd_catalog_point_in_city (latitude, longitude))
    {
      show_location_status (self, _("This place is outside Osaka City: reports must be inside the city"),
                            TRUE);
      return;
    }

  move_pin (self, latitude, longitude, TRUE);
  show_location_status (self, _("Placed where the photo was taken."), FALSE);
}

/* Coordinates typed into their row but not applied (no Enter) are applied
 * before a save: a report must not be saved somewhere else than the user
 * typed. FALSE, with the reason shown, when they make no sense. */
static gboolean
apply_typed_coordinates (BdReportEditor *self)
{
  const char *typed = gtk_editable_get_text (GTK_EDITABLE (self->coords_row));
  g_autofree char *current = g_strdup_printf ("%.5f, %.5f",
                                              bd_report_get_latitude (self->report),
                                              bd_report_get_longitude (self->report));
  double latitude, longitude;
  gboolean usable;

  if (typed[0] == '\0' || g_strcmp0 (typed, current) == 0)
    return TRUE;
  usable = parse_coordinates (typed, &latitude, &longitude) &&
           bd_catalog_point_in_city (latitude, longitude);
  /* Moves the pin there, or says why it cannot. */
  on_coords_apply_cb (self, self->coords_row);
  if (!usable)
    gtk_widget_grab_focus (GTK_WIDGET (self->coords_row));
  return usable;
}

/* Enter (or a click) on the location row: type the place. */
static void
on_location_row_activated_cb (BdReportEditor *self,
                              AdwActionRow   *row)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->coords_row));
}

static void
on_located_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(BdReportEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  double latitude, longitude, accuracy;
  gboolean ok;

  ok = bd_location_locate_finish (result, &latitude, &longitude, &accuracy, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* another report, or the editor went away */

  self->locating = FALSE;
  g_clear_object (&self->locate_cancellable);
  _bd_report_editor_update_actions (self);

  if (self->report == NULL)
    return;

  if (!ok)
    {
      const char *message;

      switch (error->domain == BD_LOCATION_ERROR ? error->code : BD_LOCATION_ERROR_FAILED)
        {
        case BD_LOCATION_ERROR_NO_SERVICE:
          message = _("No location service is available on this computer. Click the map or "
                      "type the coordinates instead.");
          break;

        case BD_LOCATION_ERROR_DENIED:
          message = _("This app may not use your location. Allow it in the system’s privacy "
                      "settings, or click the map or type the coordinates.");
          break;

        case BD_LOCATION_ERROR_TIMEOUT:
          message = _("Your location could not be found in time. Click the map or type the "
                      "coordinates instead.");
          break;

        case BD_LOCATION_ERROR_FAILED:
        default:
          message = _("Your location could not be found. Click the map or type the "
                      "coordinates instead.");
          g_message ("Location: %s", error->message);
          break;
        }

      show_location_status (self, message, TRUE);
      return;
    }

  if (!bd_catalog_point_in_city (latitude, longitude))
    {
      show_location_status (self, _("You are outside Osaka City: the report was not moved."), TRUE);
      return;
    }

  move_pin (self, latitude, longitude, TRUE);

  {
    g_autofree char *message = NULL;

    if (accuracy >= 1000)
      /* Translators: how close the place found is, in kilometres: "±1.5 km" */
      message = g_strdup_printf (_("Placed at your location (±%.1f km)."), accuracy / 1000.0);
    else
      /* Translators: how close the place found is, in metres: "±35 m" */
      message = g_strdup_printf (_("Placed at your location (±%.0f m)."), accuracy);
    show_location_status (self, message, FALSE);
  }
}

static void
use_my_location_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  BdReportEditor *self = BD_REPORT_EDITOR (widget);

  if (self->report == NULL || self->locating)
    return;

  self->locating = TRUE;
  self->locate_cancellable = g_cancellable_new ();
  _bd_report_editor_update_actions (self);
  show_location_status (self, _("Finding your location…"), FALSE);

  bd_location_locate_async (LOCATE_TIMEOUT_SECONDS, self->locate_cancellable,
                            on_located_cb, g_object_ref (self));
}

static void
stop_locating (BdReportEditor *self)
{
  if (self->locate_cancellable != NULL)
    g_cancellable_cancel (self->locate_cancellable);
  g_clear_object (&self->locate_cancellable);
  self->locating = FALSE;
}

/* photos */

/* A photo was added or removed in the strip. */
static void
on_photo_attachments_changed_cb (BdReportEditor *self,
                                 GParamSpec     *pspec,
                                 BdPhotoStrip   *strip)
{
  GVariant *attachments = bd_photo_strip_get_attachments (strip);

  if (self->loading || self->report == NULL || attachments == NULL)
    return;

  bd_report_set_attachments (self->report, attachments);
  _bd_report_editor_validate (self);
}

static void
on_photo_can_add_changed_cb (BdReportEditor *self,
                             GParamSpec     *pspec,
                             BdPhotoStrip   *strip)
{
  _bd_report_editor_update_actions (self);
}

/* conflicts */

/* The conflict list shows the conflicts of the report being edited (a new
 * one has none). */
static void
show_conflicts (BdReportEditor *self)
{
  bd_conflict_list_set_report (self->conflict_list,
                               self->report != NULL && !self->is_new ? self->report : NULL);
}

static void
on_conflict_settle_cb (BdReportEditor *self,
                       const char     *settled_field,
                       int             choice,
                       BdConflictList *list)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdReport) stored = NULL;
  g_autofree char *field = NULL;
  g_autofree char *id = NULL;
  g_autofree char *actor = NULL;
  gboolean modified;
  gboolean ok;

  if (self->report == NULL || self->store == NULL)
    return;

  field = g_strdup (settled_field);
  id = g_strdup (bd_report_get_id (self->report));
  modified = bd_report_editor_get_modified (self);
  actor = bd_dup_actor (self->settings);

  self->settling = TRUE;
  ok = bd_store_settle_conflict (self->store, id, field, (BdConflictChoice)choice, actor, &error);
  self->settling = FALSE;

  if (!ok)
    {
      g_autofree char *message = g_strdup_printf (_("The choice could not be saved: %s"),
                                                  error->message);

      show_conflicts (self);
      g_signal_emit (self, signals[FAILED], 0, message);
      return;
    }

  /* The settled value goes into the form; anything typed and not saved
   * yet stays as typed. */
  stored = bd_store_get_report (self->store, id, NULL);
  if (stored != NULL)
    {
      if (!modified)
        {
          g_clear_object (&self->report);
          g_clear_object (&self->original);
          self->report = bd_report_copy (stored);
          self->original = bd_report_copy (stored);
          self->observed_ok = TRUE;
        }
      else
        {
          bd_report_copy_field (self->report, stored, field);
          bd_report_copy_field (self->original, stored, field);
        }
      _bd_report_editor_fill_widgets (self);
    }

  show_conflicts (self);
  _bd_report_editor_validate (self);

  /* Focus goes on to the next choice, or back to the form. */
  if (!bd_conflict_list_focus_first (self->conflict_list))
    gtk_widget_grab_focus (GTK_WIDGET (self->title_row));
}

/* The store changed under the editor (sync, or another window). */
static void
on_store_changed_cb (BdStore        *store,
                     int             change,
                     const char     *report_id,
                     gint64          rowid,
                     BdReportEditor *self)
{
  g_autoptr(BdReport) stored = NULL;
  const char *id;

  if (self->settling || self->report == NULL || self->is_new)
    return;

  id = bd_report_get_id (self->report);
  if (change == BD_STORE_CHANGE_REMOVED ||
      (change != BD_STORE_CHANGE_RELOADED && g_strcmp0 (report_id, id) != 0))
    return;

  /* Nothing typed yet: show what the store now holds. */
  if (!bd_report_editor_get_modified (self) &&
      (stored = bd_store_get_report (store, id, NULL)) != NULL &&
      !bd_report_get_deleted (stored) &&
      !bd_report_equal (stored, self->original))
    {
      g_clear_object (&self->report);
      g_clear_object (&self->original);
      self->report = bd_report_copy (stored);
      self->original = bd_report_copy (stored);
      self->observed_ok = TRUE;
      _bd_report_editor_fill_widgets (self);
      _bd_report_editor_validate (self);
    }
  else if (change == BD_STORE_CHANGE_UPDATED && g_strcmp0 (report_id, id) == 0)
    {
      /* a photo of the report may have arrived from the server: look again
       * for those that were only on the server */
      bd_photo_strip_recheck_on_server (self->photo_strip);
    }

  show_conflicts (self);
}

/* GObject */

static void
bd_report_editor_root (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (bd_report_editor_parent_class)->root (widget);

  _bd_report_editor_watch_root (BD_REPORT_EDITOR (widget), gtk_widget_get_root (widget));
}

static void
bd_report_editor_unroot (GtkWidget *widget)
{
  _bd_report_editor_watch_root (BD_REPORT_EDITOR (widget), NULL);

  GTK_WIDGET_CLASS (bd_report_editor_parent_class)->unroot (widget);
}

static void
bd_report_editor_dispose (GObject *object)
{
  BdReportEditor *self = (BdReportEditor *)object;

  _bd_report_editor_watch_root (self, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), BD_TYPE_REPORT_EDITOR);

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_func (self->store, on_store_changed_cb, self);
  stop_locating (self);
  g_clear_pointer (&self->undo_ward, g_free);
  g_clear_object (&self->store);
  g_clear_object (&self->report);
  g_clear_object (&self->original);
  g_clear_object (&self->settings);
  g_clear_object (&self->ward_model);
  g_clear_object (&self->category_model);
  g_clear_object (&self->status_model);
  _bd_report_editor_dispose_workflow (self);
  g_clear_object (&self->unit_group);
  g_clear_pointer (&self->count_spins, g_hash_table_unref);
  g_clear_pointer (&self->remembered, g_hash_table_unref);
  g_clear_pointer (&self->count_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (bd_report_editor_parent_class)->dispose (object);
}

static void
bd_report_editor_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  BdReportEditor *self = BD_REPORT_EDITOR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_REPORT:
      g_value_set_object (value, self->report);
      break;

    case PROP_VALID:
      g_value_set_boolean (value, self->valid);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_report_editor_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  BdReportEditor *self = BD_REPORT_EDITOR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      bd_report_editor_set_store (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_report_editor_class_init (BdReportEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bd_report_editor_dispose;
  object_class->get_property = bd_report_editor_get_property;
  object_class->set_property = bd_report_editor_set_property;

  widget_class->root = bd_report_editor_root;
  widget_class->unroot = bd_report_editor_unroot;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         BD_TYPE_STORE,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_REPORT] =
    g_param_spec_object ("report", NULL, NULL,
                         BD_TYPE_REPORT,
                         (G_PARAM_READABLE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_VALID] =
    g_param_spec_boolean ("valid", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE |
                           G_PARAM_EXPLICIT_NOTIFY |
                           G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SAVED] =
    g_signal_new ("saved",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, BD_TYPE_REPORT);

  signals[DELETED] =
    g_signal_new ("deleted",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  signals[CANCELLED] =
    g_signal_new ("cancelled",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  signals[FAILED] =
    g_signal_new ("failed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  /* The editor moved the pin by itself (a ward chosen, coordinates typed,
   * the user's location, "Put Back"): the map's marker goes there. Not
   * emitted for bd_report_editor_set_location (). */
  signals[LOCATION_CHANGED] =
    g_signal_new ("location-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_DOUBLE, G_TYPE_DOUBLE);

  g_type_ensure (BD_TYPE_CONFLICT_LIST);
  g_type_ensure (BD_TYPE_PHOTO_STRIP);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/bd-report-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, heading_label);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, conflict_list);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, photo_strip);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, scroller);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, title_row);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, category_row);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, severity1);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, severity2);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, severity3);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, severity4);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, severity_box);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, affected_group);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, location_row);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, location_status_row);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, location_status);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, coords_row);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, ward_note_row);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, presets_group);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, presets_box);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, ward_row);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, status_row);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, duplicate_row);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, description_view);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, counts_group);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, affected_households_row);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, affected_people_row);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, affected_households_spin);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, affected_people_spin);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, reporter_row);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, observed_row);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, counts_error_row);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, hint_label);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, delete_button);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, save_button);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, location_error);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, ward_error);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, category_error);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, severity_error);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, status_error);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, title_error);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, description_error);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, reporter_error);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, observed_error);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, counts_error);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, affected_error);
  gtk_widget_class_bind_template_child (widget_class, BdReportEditor, duplicate_error);
  gtk_widget_class_bind_template_callback (widget_class, on_conflict_settle_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_photo_attachments_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_photo_can_add_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_action_box_pressed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_coords_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_photo_use_position_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_location_row_activated_cb);
  _bd_report_editor_class_init_form (widget_class);
  _bd_report_editor_class_init_workflow (widget_class);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "editor.try-save", NULL, try_save_action);
  gtk_widget_class_install_action (widget_class, "editor.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "editor.use-my-location", NULL, use_my_location_action);
  gtk_widget_class_install_action (widget_class, "editor.place-at-ward-centre", NULL,
                                   place_at_ward_centre_action);
  gtk_widget_class_install_action (widget_class, "editor.put-pin-back", NULL, put_pin_back_action);
  gtk_widget_class_install_action (widget_class, "editor.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "editor.observed-now", NULL, observed_now_action);
  gtk_widget_class_install_action (widget_class, "editor.add-photo", NULL, add_photo_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "editor.try-save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "editor.cancel", NULL);

  gtk_widget_class_set_css_name (widget_class, "reporteditor");
}

static void
bd_report_editor_init (BdReportEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* image files dropped anywhere on the editor become photos */
  bd_photo_strip_accept_drops (self->photo_strip, GTK_WIDGET (self));

  self->settings = g_settings_new (SCHEMA_ID);
  self->count_spins = g_hash_table_new (g_str_hash, g_str_equal);
  self->remembered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->count_rows = g_ptr_array_new ();
  self->unit_group = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
  self->focus_field = -1;

  _bd_report_editor_init_form (self);
  _bd_report_editor_validate (self);
}

/* public API */

BdReportEditor *
bd_report_editor_new (void)
{
  return g_object_new (BD_TYPE_REPORT_EDITOR, NULL);
}

BdStore *
bd_report_editor_get_store (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  return self->store;
}

void
bd_report_editor_set_store (BdReportEditor *self,
                            BdStore        *store)
{
  g_return_if_fail (BD_IS_REPORT_EDITOR (self));
  g_return_if_fail (!store || BD_IS_STORE (store));

  if (self->store == store)
    return;

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_func (self->store, on_store_changed_cb, self);

  if (g_set_object (&self->store, store))
    {
      if (store != NULL)
        g_signal_connect_object (store, "changed", G_CALLBACK (on_store_changed_cb), self, 0);
      bd_conflict_list_set_store (self->conflict_list, store);
      bd_photo_strip_set_store (self->photo_strip, store);
      _bd_report_editor_update_actions (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
    }
}

void
bd_report_editor_set_store_busy (BdReportEditor *self,
                                 gboolean        busy)
{
  g_return_if_fail (BD_IS_REPORT_EDITOR (self));

  self->store_busy = busy;
  if (!busy && self->save_pending)
    {
      set_save_pending (self, FALSE);
      gtk_widget_activate_action (GTK_WIDGET (self), "editor.save", NULL);
    }
}

gboolean
bd_report_editor_get_save_pending (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), FALSE);

  return self->save_pending;
}

void
bd_report_editor_set_report (BdReportEditor *self,
                             BdReport       *report,
                             gboolean        is_new)
{
  g_return_if_fail (BD_IS_REPORT_EDITOR (self));
  g_return_if_fail (!report || BD_IS_REPORT (report));

  set_save_pending (self, FALSE);
  g_clear_object (&self->report);
  g_clear_object (&self->original);
  g_hash_table_remove_all (self->remembered);
  bd_photo_strip_reset (self->photo_strip);

  self->is_new = report != NULL && is_new;
  self->reveal_all = FALSE;
  self->revealed = 0;
  stop_locating (self);
  forget_pin_undo (self);
  show_location_status (self, NULL, FALSE);
  self->observed_ok = TRUE;

  if (report != NULL)
    {
      self->report = bd_report_copy (report);

      if (self->is_new)
        {
          const char *reporter = bd_report_get_reporter (self->report);

          /* A new report's ward is the pin's. */
          if (bd_report_get_ward (self->report) == NULL)
            {
              const BdWard *ward = _bd_report_editor_get_pin_ward (self);

              if (ward != NULL)
                bd_report_set_ward (self->report, ward->code);
            }

          if (reporter == NULL || reporter[0] == '\0')
            {
              g_autofree char *name = g_settings_get_string (self->settings, "reporter-name");

              if (name[0] != '\0')
                bd_report_set_reporter (self->report, name);
            }
        }

      self->original = bd_report_copy (self->report);
    }

  _bd_report_editor_fill_widgets (self);
  show_conflicts (self);
  _bd_report_editor_validate (self);

  if (report != NULL)
    {
      GtkAdjustment *vadjustment = gtk_scrolled_window_get_vadjustment (self->scroller);

      gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_lower (vadjustment));
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPORT]);
}

BdReport *
bd_report_editor_get_report (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  return self->report;
}


void
bd_report_editor_set_location (BdReportEditor *self,
                               double          latitude,
                               double          longitude)
{
  g_return_if_fail (BD_IS_REPORT_EDITOR (self));

  if (self->report == NULL)
    return;

  /* The ward follows the pin. */
  show_location_status (self, NULL, FALSE);
  move_pin (self, latitude, longitude, FALSE);
}

gboolean
bd_report_editor_get_valid (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), FALSE);

  return self->valid;
}

gboolean
bd_report_editor_get_modified (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), FALSE);

  if (self->report == NULL || self->original == NULL)
    return FALSE;

  return !self->observed_ok || !bd_report_equal (self->report, self->original);
}

AdwEntryRow *
bd_report_editor_get_title_row (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  return self->title_row;
}

/* For tests */

gboolean
_bd_report_editor_get_is_new (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), FALSE);

  return self->is_new;
}

AdwComboRow *
_bd_report_editor_get_ward_row (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  return self->ward_row;
}

AdwComboRow *
_bd_report_editor_get_category_row (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  return self->category_row;
}

AdwComboRow *
_bd_report_editor_get_status_row (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  return self->status_row;
}

AdwEntryRow *
_bd_report_editor_get_reporter_row (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  return self->reporter_row;
}

AdwEntryRow *
_bd_report_editor_get_observed_row (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  return self->observed_row;
}

GtkTextView *
_bd_report_editor_get_description_view (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  return self->description_view;
}

GtkToggleButton *
_bd_report_editor_get_severity_button (BdReportEditor *self,
                                       int             level)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  switch (level)
    {
    case 1: return self->severity1;
    case 2: return self->severity2;
    case 3: return self->severity3;
    case 4: return self->severity4;
    default: return NULL;
    }
}

GtkSpinButton *
_bd_report_editor_get_count_spin (BdReportEditor *self,
                                  const char     *key)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  if (strcmp (key, "affected_households") == 0)
    return self->affected_households_spin;
  if (strcmp (key, "affected_people") == 0)
    return self->affected_people_spin;

  return g_hash_table_lookup (self->count_spins, key);
}

GtkWidget *
_bd_report_editor_get_save_button (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  return self->save_button;
}

AdwActionRow *
_bd_report_editor_get_location_row (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  return self->location_row;
}

AdwEntryRow *
_bd_report_editor_get_coords_row (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  return self->coords_row;
}

const char *
_bd_report_editor_get_location_status (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  return gtk_widget_get_visible (self->location_status_row) ?
         gtk_label_get_text (self->location_status) : "";
}

const char *
_bd_report_editor_get_ward_note (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->ward_note_row)) ?
         adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self->ward_note_row)) : "";
}

GtkFlowBox *
_bd_report_editor_get_presets_box (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  return self->presets_box;
}

GtkLabel *
_bd_report_editor_get_hint_label (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  return self->hint_label;
}

GtkScrolledWindow *
_bd_report_editor_get_scroller (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  return self->scroller;
}

GtkLabel *
_bd_report_editor_get_error_label (BdReportEditor *self,
                                   BdReportField   field)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  return _bd_report_editor_error_label_for (self, field);
}

void
_bd_report_editor_add_photo_file (BdReportEditor *self,
                                  GFile          *file)
{
  g_return_if_fail (BD_IS_REPORT_EDITOR (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->report == NULL || self->store == NULL)
    return;

  bd_photo_strip_add_file (self->photo_strip, file);
}

gboolean
_bd_report_editor_get_loading_photos (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), FALSE);

  return bd_photo_strip_get_loading (self->photo_strip);
}

GtkWidget *
_bd_report_editor_get_add_photo_button (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  return _bd_photo_strip_get_add_button (self->photo_strip);
}

GtkFlowBox *
_bd_report_editor_get_photo_box (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  return _bd_photo_strip_get_flow_box (self->photo_strip);
}

GtkLabel *
_bd_report_editor_get_photo_error_label (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  return _bd_photo_strip_get_error_label (self->photo_strip);
}

GtkWidget *
_bd_report_editor_get_conflict_box (BdReportEditor *self)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);

  return GTK_WIDGET (self->conflict_list);
}

BdConflictRow *
_bd_report_editor_get_conflict_row (BdReportEditor *self,
                                    const char     *field)
{
  g_return_val_if_fail (BD_IS_REPORT_EDITOR (self), NULL);
  g_return_val_if_fail (field != NULL, NULL);

  return _bd_conflict_list_get_row (self->conflict_list, field);
}
