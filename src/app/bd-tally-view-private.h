/* bd-tally-view-private.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

/* What the tests reach in BdTallyView: the numbers shown, the time, and
 * Issue Edition, Export CSV and Print without their dialogs. */

#include "bd-tally.h"
#include "bd-tally-view.h"

G_BEGIN_DECLS

BdTally    *_bd_tally_view_get_tally       (BdTallyView  *self);
/* The text of a value cell: column (wards in the city's order, then the
 * city) and item (bd_tally_get_items ()). */
const char *_bd_tally_view_get_cell_text   (BdTallyView  *self,
                                            guint         column,
                                            guint         item);
const char *_bd_tally_view_get_heading     (BdTallyView  *self);
void        _bd_tally_view_set_as_of       (BdTallyView  *self,
                                            GDateTime    *as_of);
/* 0: the current tally; n: the n-th issued edition */
void        _bd_tally_view_select_edition  (BdTallyView  *self,
                                            guint         position);
gboolean    _bd_tally_view_issue           (BdTallyView  *self,
                                            GError      **error);
gboolean    _bd_tally_view_export_to       (BdTallyView  *self,
                                            const char   *path,
                                            GError      **error);
gboolean    _bd_tally_view_print_to_pdf    (BdTallyView  *self,
                                            const char   *path,
                                            GError      **error);

/* The printed page drawn into a PNG at @scale pixels a point (to look at
 * it where no PDF viewer is). */
gboolean    _bd_tally_view_render_page_png (BdTallyView  *self,
                                            const char   *path,
                                            double        scale);

G_END_DECLS
