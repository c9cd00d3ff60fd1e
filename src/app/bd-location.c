/* bd-location.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-location"

#include "config.h"

#include "bd-location.h"

#include <geoclue.h>

G_DEFINE_QUARK (bd-location-error-quark, bd_location_error)

typedef struct
{
  GCancellable *cancellable;   /* ours: the time limit or the caller cancels it */
  gulong        cancelled_id;  /* on the caller's cancellable */
  GCancellable *caller;
  guint         timeout_id;
  gboolean      timed_out;
} Locate;

static void
locate_free (gpointer data)
{
  Locate *locate = data;

  g_clear_handle_id (&locate->timeout_id, g_source_remove);
  if (locate->caller != NULL)
    g_cancellable_disconnect (locate->caller, locate->cancelled_id);
  g_clear_object (&locate->caller);
  g_clear_object (&locate->cancellable);
  g_free (locate);
}

static gboolean
on_timeout_cb (gpointer data)
{
  Locate *locate = data;

  locate->timeout_id = 0;
  locate->timed_out = TRUE;
  g_cancellable_cancel (locate->cancellable);

  return G_SOURCE_REMOVE;
}

static void
on_caller_cancelled_cb (GCancellable *caller,
                        GCancellable *ours)
{
  g_cancellable_cancel (ours);
}

/* What the user can do about it: a missing service, a refusal, or else. */
static GError *
translate_error (const GError *error)
{
  BdLocationError code = BD_LOCATION_ERROR_FAILED;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_DBUS_ERROR) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_EXEC_FAILED) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_CHILD_EXITED) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NO_SERVER) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_FILE_NOT_FOUND))
    code = BD_LOCATION_ERROR_NO_SERVICE;
  else if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    code = BD_LOCATION_ERROR_DENIED;

  return g_error_new_literal (BD_LOCATION_ERROR, code, error->message);
}

static void
on_simple_ready_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Locate *locate = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GClueSimple) simple = NULL;
  GClueLocation *location;
  double *fix;

  simple = gclue_simple_new_finish (result, &error);

  if (simple == NULL)
    {
      if (locate->timed_out)
        g_task_return_new_error (task, BD_LOCATION_ERROR, BD_LOCATION_ERROR_TIMEOUT,
                                 "No location within the time limit");
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        {
          g_debug ("GeoClue: %s", error->message);
          g_task_return_error (task, translate_error (error));
        }
      return;
    }

  location = gclue_simple_get_location (simple);
  if (location == NULL)
    {
      g_task_return_new_error (task, BD_LOCATION_ERROR, BD_LOCATION_ERROR_FAILED,
                               "GeoClue gave no location");
      return;
    }

  fix = g_new (double, 3);
  fix[0] = gclue_location_get_latitude (location);
  fix[1] = gclue_location_get_longitude (location);
  fix[2] = gclue_location_get_accuracy (location);
  g_task_return_pointer (task, fix, g_free);
}

void
bd_location_locate_async (guint                timeout_seconds,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Locate *locate;

  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, bd_location_locate_async);
  g_task_set_check_cancellable (task, FALSE);

  locate = g_new0 (Locate, 1);
  locate->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      locate->caller = g_object_ref (cancellable);
      locate->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled_cb),
                                                    locate->cancellable, NULL);
    }
  if (timeout_seconds > 0)
    locate->timeout_id = g_timeout_add_seconds (timeout_seconds, on_timeout_cb, locate);
  g_task_set_task_data (task, locate, locate_free);

  gclue_simple_new (APP_ID, GCLUE_ACCURACY_LEVEL_EXACT, locate->cancellable,
                    on_simple_ready_cb, g_steal_pointer (&task));
}

gboolean
bd_location_locate_finish (GAsyncResult  *result,
                           double        *latitude,
                           double        *longitude,
                           double        *accuracy,
                           GError       **error)
{
  g_autofree double *fix = NULL;

  g_return_val_if_fail (G_IS_TASK (result), FALSE);

  fix = g_task_propagate_pointer (G_TASK (result), error);
  if (fix == NULL)
    return FALSE;

  if (latitude != NULL)
    *latitude = fix[0];
  if (longitude != NULL)
    *longitude = fix[1];
  if (accuracy != NULL)
    *accuracy = fix[2];

  return TRUE;
}
