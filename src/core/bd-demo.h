/* bd-demo.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "bd-store.h"

G_BEGIN_DECLS

/* A deterministic generator of realistic reports over the 24 wards: the same
 * @seed and @n give the same reports (ids included) every time. Times spread
 * over a 48-hour disaster starting at 2026-09-01T06:00:00+09:00. */
GPtrArray *bd_demo_generate      (guint      n,
                                  guint32    seed);
/* Generates @n reports and inserts them in batches (no outbox rows: demo data
 * is not a local edit). Reports already present (same id) are replaced. */
gboolean   bd_demo_fill_store    (BdStore   *store,
                                  guint      n,
                                  guint32    seed,
                                  GError   **error);

#define BD_DEMO_DEFAULT_SEED 20260901

G_END_DECLS
