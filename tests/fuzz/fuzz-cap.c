/* fuzz-cap.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fuzz target: CAP 1.2 from untrusted bytes (a POST to bosai-central's
 * alerts). Whatever the input, the reader returns an alert or a GError,
 * never crashes; an alert it accepts passes its own checks, is written and
 * read back the same, and is either turned into an alerts feature or
 * refused with a CAP error.
 */

#include "config.h"

#include <stdint.h>

#include "bd-cap.h"
#include "fuzz-target.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(BdCapAlert) alert = NULL;
  g_autoptr(BdCapAlert) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_utc (1796522400);
  g_autoptr(JsonNode) feature = NULL;
  g_autoptr(GPtrArray) references = NULL;
  g_autofree char *written = NULL;
  g_autofree char *rewritten = NULL;
  gsize length;

  alert = bd_cap_parse ((const char *) data, size, &error);
  if (alert == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == BD_CAP_ERROR);
      g_assert_nonnull (error->message);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  g_assert_no_error (error);
  g_assert_true (bd_cap_alert_validate (alert, NULL));

  /* the writer's output reads back, and is written the same again */
  written = bd_cap_alert_write (alert, &length);
  again = bd_cap_parse (written, length, &error);
  g_assert_no_error (error);
  rewritten = bd_cap_alert_write (again, NULL);
  g_assert_cmpstr (written, ==, rewritten);
  g_assert_true (bd_cap_alert_in_city (alert) == bd_cap_alert_in_city (again));

  references = bd_cap_alert_get_references (alert, &error);
  g_assert_no_error (error);
  g_assert_nonnull (references);

  feature = bd_cap_alert_to_feature (alert, "cap-fuzz", now, &error);
  if (feature == NULL)
    {
      g_assert_true (error->domain == BD_CAP_ERROR);
      g_assert_true (error->code == BD_CAP_ERROR_OUTSIDE ||
                     error->code == BD_CAP_ERROR_UNSUPPORTED);
    }
  else
    {
      g_autoptr(JsonNode) cancelled = bd_cap_feature_cancel (feature, alert, now);
      BdCapReference own = { alert->sender, alert->identifier, alert->sent };

      g_assert_true (bd_cap_alert_in_city (alert));
      g_assert_true (bd_cap_feature_has_message (feature, &own));
      g_assert_true (bd_cap_feature_has_message (cancelled, &own));
      bd_cap_feature_carry_thread (feature, cancelled);
    }
  return 0;
}
