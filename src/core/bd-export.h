/* bd-export.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "bd-store.h"

G_BEGIN_DECLS

/* Reports out to other systems: GeoJSON (RFC 7946 FeatureCollection),
 * CSV (RFC 4180, UTF-8, one row a report) and KML 2.2. Each file is
 * written one report at a time (never the whole set in memory) to a
 * temporary file beside the target, which replaces it only once complete. */

#define BD_EXPORT_ERROR (bd_export_error_quark ())

typedef enum
{
  BD_EXPORT_ERROR_FORMAT,    /* no format for this file name */
} BdExportError;

typedef enum
{
  BD_FILE_FORMAT_NONE,
  BD_FILE_FORMAT_GEOJSON,
  BD_FILE_FORMAT_CSV,
  BD_FILE_FORMAT_KML,
} BdFileFormat;

GQuark        bd_export_error_quark     (void);

/* By the name's extension (any case): .geojson and .json, .csv, .kml;
 * BD_FILE_FORMAT_NONE for anything else. */
BdFileFormat  bd_file_format_from_path  (const char    *path);

/* The columns of our CSV, in order (NULL-terminated, owned by the module):
 * id, ward, category, severity, status, duplicate_of, title, description,
 * observed_at, created_at, updated_at, reporter, lat, lon, area (a
 * Polygon's GeoJSON, when the report has one), count_<key> for every
 * damage count of every category, affected_households, affected_people,
 * attachments (the photos' names, one a line), attachment_sha256 and
 * attachment_media_types (the same, one a line). The import reads them. */
const char * const *bd_export_csv_columns (guint        *n_columns);

/* A number as our files write it: the shortest of %.15g and %.17g that
 * reads back as the same double. */
char         *bd_export_format_number   (double         value);

/* Writes every live report of @store (BD_FILE_FORMAT_NONE: the format of
 * @path's extension, BD_EXPORT_ERROR_FORMAT when it has none we write).
 * @n_exported (may be NULL): how many were written. */
gboolean      bd_export_reports         (BdStore       *store,
                                         const char    *path,
                                         BdFileFormat   format,
                                         guint         *n_exported,
                                         GCancellable  *cancellable,
                                         GError       **error);

G_END_DECLS
