/* bd-import-private.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "bd-import.h"

G_BEGIN_DECLS

/* For the fuzz target and tests: reads our CSV without a store. Returns
 * the reports read (BdReport*, validated) and fills @result's counts and
 * reasons as an import would; NULL with an error when nothing could be
 * read (the header). */
GPtrArray *_bd_import_read_csv (const char      *data,
                                gsize            length,
                                BdImportResult **result,
                                GError         **error);

G_END_DECLS
