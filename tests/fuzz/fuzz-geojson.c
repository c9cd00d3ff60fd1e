/* fuzz-geojson.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fuzz target: GeoJSON reports from untrusted bytes (an imported file, a
 * server response). Whatever the input, parsing must return a report or a
 * GError, never crash, and a parsed report must survive validation and a
 * write/read round trip.
 */

#include "config.h"

#include <stdint.h>

#include "bd-json.h"
#include "bd-report.h"
#include "fuzz-target.h"

/* What `bosai-central import` does with each feature it walks to. */
static gboolean
read_element (guint        index,
              JsonNode    *element,
              gpointer     user_data,
              GError     **error)
{
  g_autoptr(BdReport) report = NULL;
  g_autoptr(GError) local_error = NULL;
  guint *n = user_data;

  report = bd_report_new_from_json (element, &local_error);
  g_assert_true ((report == NULL) == (local_error != NULL));
  (*n)++;
  return TRUE;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(BdReport) report = NULL;
  g_autoptr(GPtrArray) reports = NULL;
  g_autoptr(GError) error = NULL;

  report = bd_report_new_from_geojson ((const char *) data, size, &error);
  if (report != NULL)
    {
      g_autofree char *text = NULL;
      g_autoptr(BdReport) again = NULL;
      g_autoptr(GError) validate_error = NULL;
      g_autoptr(GError) again_error = NULL;

      g_assert_no_error (error);
      /* Validation may refuse it, but must always answer. */
      if (!bd_report_validate (report, &validate_error))
        g_assert_nonnull (validate_error);

      text = bd_report_to_geojson (report);
      again = bd_report_new_from_geojson (text, -1, &again_error);
      g_assert_no_error (again_error);
      g_assert_nonnull (again);
    }
  else
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == BD_REPORT_ERROR);
      g_assert_nonnull (error->message);
    }

  g_clear_error (&error);
  reports = bd_reports_from_feature_collection ((const char *) data, size, &error);
  if (reports == NULL)
    g_assert_nonnull (error);

  /* The streaming walk agrees with a whole parse about what is JSON. */
  {
    g_autoptr(GError) walk_error = NULL;
    g_autoptr(GError) whole_error = NULL;
    guint n = 0;
    gboolean walked = bd_json_walk_array_member ((const char *) data, size, "features",
                                                 NULL, read_element, &n, &walk_error);
    gboolean valid = bd_json_validate ((const char *) data, size, BD_JSON_MAX_DEPTH,
                                       NULL, &whole_error);

    g_assert_true (walked == (walk_error == NULL));
    if (walked)
      g_assert_true (valid);
    else if (!g_error_matches (walk_error, BD_JSON_ERROR, BD_JSON_ERROR_STRUCTURE))
      g_assert_false (valid);
  }

  return 0;
}
