/* bd-xml.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

#define BD_XML_ERROR (bd_xml_error_quark ())

typedef enum
{
  BD_XML_ERROR_FORBIDDEN,   /* a DOCTYPE, an entity declaration or reference */
  BD_XML_ERROR_TOO_LARGE,   /* nested too deep or too many elements */
  BD_XML_ERROR_MALFORMED,   /* not well-formed */
} BdXmlError;

GQuark  bd_xml_error_quark (void);

/* Reads an XML document from a network or a file we do not trust (JMA's
 * messages, CAP alerts): no network, no DTD, no DOCTYPE, no entity but
 * the five predefined ones and character references (refused on the
 * bytes, before the parser sees them, and again by the parser), at most
 * @max_depth elements deep and @max_elements in all (counted while
 * parsing: a deep document is stopped where it passes the bound), and
 * nothing printed on stderr. The caller bounds @length. NULL with an
 * error in BD_XML_ERROR's domain. */
xmlDoc *bd_xml_read_untrusted (const char  *data,
                               gsize        length,
                               guint        max_depth,
                               guint        max_elements,
                               GError     **error);

G_END_DECLS
