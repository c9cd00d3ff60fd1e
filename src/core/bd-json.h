/* bd-json.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The one way Bosai Desk reads JSON, in the client and in bosai-central.
 *
 * json-glib 1.6's parser is lenient (comments, single quotes, \x escapes,
 * two concatenated values, a string cut at \u0000) and recursive (deep
 * nesting overflows the stack). bd_json_parse() first checks the text
 * against RFC 8259's grammar with a bound on size and nesting, without
 * recursion, and only then hands it to json-glib. */

#define BD_JSON_ERROR (bd_json_error_quark ())

typedef enum
{
  BD_JSON_ERROR_INVALID,     /* not RFC 8259 JSON */
  BD_JSON_ERROR_TOO_DEEP,    /* nested deeper than allowed */
  BD_JSON_ERROR_TOO_LARGE,   /* more bytes than allowed */
  BD_JSON_ERROR_STRUCTURE,   /* valid JSON, but not the shape asked for */
} BdJsonError;

/* Nesting that no document of ours needs more than (a MultiPolygon in a
 * feature in a collection is 7 deep). */
#define BD_JSON_MAX_DEPTH 64

GQuark    bd_json_error_quark (void);

/* Checks @length bytes of @data (a UTF-8 byte-order mark at the start is
 * allowed and skipped) without building anything. On success returns TRUE
 * and, if @out_start is not NULL, the offset after the BOM. Errors name the
 * byte offset. */
gboolean  bd_json_validate    (const char  *data,
                               gsize        length,
                               guint        max_depth,
                               gsize       *out_start,
                               GError     **error);

/* bd_json_validate() with BD_JSON_MAX_DEPTH and @max_bytes (0: no limit of
 * its own), then json-glib. Returns the root of a mutable tree (never NULL
 * on success); free with json_node_unref(). */
JsonNode *bd_json_parse       (const char  *data,
                               gsize        length,
                               gsize        max_bytes,
                               GError     **error);

/* Like bd_json_parse(), for a value of which only the end is unknown: the
 * offset just after the first complete JSON value starting at @data (after
 * leading white space), or 0 with an error. Used to read a large array one
 * element at a time. */
gsize     bd_json_value_end   (const char  *data,
                               gsize        length,
                               guint        max_depth,
                               GError     **error);

/* The string that a JSON value given as text holds (as a BdJsonMemberFunc
 * receives it), or NULL when it is not a string. */
char     *bd_json_dup_string  (const char  *value,
                               gsize        length);

/* Called for each member of the root object but the walked array, with its
 * value as text (checked, not parsed). */
typedef gboolean (*BdJsonMemberFunc)  (const char  *name,
                                       const char  *value,
                                       gsize        length,
                                       gpointer     user_data,
                                       GError     **error);
/* Called for each element of the walked array, in order, parsed (checked
 * against the grammar and the depth bound first, as bd_json_parse () does):
 * a mutable tree the callback may keep a reference to. */
typedef gboolean (*BdJsonElementFunc) (guint        index,
                                       JsonNode    *element,
                                       gpointer     user_data,
                                       GError     **error);

/* Reads a large object, such as a GeoJSON FeatureCollection, without
 * building it: walks the root object of @data (a byte-order mark is
 * allowed) member by member, handing the elements of the member
 * @array_name one at a time to @element_func (only one element's tree is
 * built at a time), and every other member, as text, to @member_func (may
 * be NULL). The whole text is checked as
 * bd_json_validate () does, nesting counted from the root, even where no
 * callback is called. BD_JSON_ERROR_STRUCTURE when the root is not an
 * object, or @array_name is missing, repeated or not an array. A callback
 * returning FALSE stops the walk with its error. */
gboolean  bd_json_walk_array_member (const char         *data,
                                     gsize               length,
                                     const char         *array_name,
                                     BdJsonMemberFunc    member_func,
                                     BdJsonElementFunc   element_func,
                                     gpointer            user_data,
                                     GError            **error);

G_END_DECLS
