/* bd-map-export.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <shumate/shumate.h>

G_BEGIN_DECLS

/* Issue 10, part 9: the map as a picture for the headquarters' meetings.
 * The map widget's snapshot is rendered to a texture offscreen (its own
 * size), then a title with the "as of" time, a legend (report categories
 * and severities, and what other layers add through
 * bd_map_export_add_legend_item), a scale bar and the attribution are
 * drawn over it with Cairo and Pango. The same picture is written as PNG
 * or printed (GtkPrintOperation, A4 / A3 landscape). */

typedef struct _BdMapExport BdMapExport;

BdMapExport *bd_map_export_new            (void);
void         bd_map_export_free           (BdMapExport   *self);
/* NULL: "Damage Reports". */
void         bd_map_export_set_title      (BdMapExport   *self,
                                           const char    *title);
/* Unix s; G_MAXINT64 (the default): now, when drawn. */
void         bd_map_export_set_as_of      (BdMapExport   *self,
                                           gint64         as_of);
/* The time is shown in @time_zone (NULL, the default: the local one). */
void         bd_map_export_set_time_zone  (BdMapExport   *self,
                                           GTimeZone     *time_zone);
/* The base map's attribution (shumate_map_source_get_license ()). */
void         bd_map_export_set_attribution (BdMapExport  *self,
                                            const char   *attribution);
/* A hook for the other layers' legends (shelters, areas, alerts…): a
 * swatch of @colour and @label, under the heading @section (in the order
 * first added). The report categories and severities are always there. */
void         bd_map_export_add_legend_item (BdMapExport  *self,
                                            const char   *section,
                                            const GdkRGBA *colour,
                                            const char   *label);
/* The legend items added, and whether one has @label. */
guint        bd_map_export_get_n_legend_items (BdMapExport *self);
gboolean     bd_map_export_has_legend_item (BdMapExport  *self,
                                            const char   *label);

/* The map (a ShumateMap, realized and laid out) with everything drawn
 * over it: an image surface of the map's size; NULL with an error when
 * the map cannot be rendered. */
cairo_surface_t *bd_map_export_render     (BdMapExport   *self,
                                           ShumateMap    *map,
                                           GError       **error);
gboolean     bd_map_export_write_png      (BdMapExport   *self,
                                           ShumateMap    *map,
                                           const char    *path,
                                           GError       **error);
/* Prints the picture, landscape, on A4 unless the user picks A3. */
void         bd_map_export_print          (BdMapExport   *self,
                                           ShumateMap    *map,
                                           GtkWindow     *parent);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdMapExport, bd_map_export_free)

G_END_DECLS
