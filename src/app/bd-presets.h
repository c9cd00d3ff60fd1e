/* bd-presets.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Quick reports: the commonest reports as one-tap presets that fill the
 * category and the title of a new report. Read once from the core
 * GResource (resources/data/presets.json); the table lives for the
 * process. */

typedef struct
{
  const char *id;          /* "road-flooding" */
  const char *category;    /* a category code of categories.json: "road" */
  const char *title_ja;    /* 道路冠水 */
  const char *title_en;    /* Flooded road */
} BdPreset;

const BdPreset *bd_presets_get    (guint      *n_presets);
const BdPreset *bd_presets_lookup (const char *id);

G_END_DECLS
