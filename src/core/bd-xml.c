/* bd-xml.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The one way untrusted XML is read (bd-jma.c, bd-cap.c): libxml2 with
 * its DTD and entity machinery shut out and the document's shape bounded
 * while it is parsed. */

#include "config.h"

#include "bd-xml.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

G_DEFINE_QUARK (bd-xml-error-quark, bd_xml_error)

typedef struct
{
  guint    max_depth;
  guint    max_elements;
  guint    depth;
  guint    n_elements;
  gboolean forbidden;
  gboolean too_large;
} ParseState;

/* No DOCTYPE, no entity other than the five predefined ones and character
 * references: checked on the bytes, before the parser sees them. */
static gboolean
check_bytes (const char  *data,
             gsize        length,
             GError     **error)
{
  static const char * const predefined[] = { "lt;", "gt;", "amp;", "quot;", "apos;" };

  for (gsize i = 0; i < length; i++)
    {
      if (data[i] == '<' && i + 2 < length && data[i + 1] == '!' &&
          (g_ascii_strncasecmp (data + i + 2, "DOCTYPE", MIN (7, length - i - 2)) == 0 ||
           g_ascii_strncasecmp (data + i + 2, "ENTITY", MIN (6, length - i - 2)) == 0))
        {
          g_set_error_literal (error, BD_XML_ERROR, BD_XML_ERROR_FORBIDDEN,
                               _("The XML has a document type declaration (DOCTYPE), "
                                 "which is not allowed."));
          return FALSE;
        }
      if (data[i] == '&')
        {
          gboolean known = i + 1 < length && data[i + 1] == '#';

          for (guint k = 0; !known && k < G_N_ELEMENTS (predefined); k++)
            known = length - i - 1 >= strlen (predefined[k]) &&
                    memcmp (data + i + 1, predefined[k], strlen (predefined[k])) == 0;
          if (!known)
            {
              g_set_error (error, BD_XML_ERROR, BD_XML_ERROR_FORBIDDEN,
                           _("The XML refers to an entity (at byte %u), which is not allowed."),
                           (guint) i);
              return FALSE;
            }
        }
    }
  return TRUE;
}

/* What the parser calls for a DOCTYPE or an entity: refused, and the
 * parse stopped (it is how entity expansion and external files come in). */
static void
forbid (void *ctx)
{
  xmlParserCtxtPtr ctxt = ctx;
  ParseState *state = ctxt->_private;

  state->forbidden = TRUE;
  xmlStopParser (ctxt);
}

static void
on_subset (void          *ctx,
           const xmlChar *name,
           const xmlChar *external_id,
           const xmlChar *system_id)
{
  forbid (ctx);
}

static void
on_entity_decl (void          *ctx,
                const xmlChar *name,
                int            type,
                const xmlChar *public_id,
                const xmlChar *system_id,
                xmlChar       *content)
{
  forbid (ctx);
}

static xmlParserInputPtr
on_resolve_entity (void          *ctx,
                   const xmlChar *public_id,
                   const xmlChar *system_id)
{
  forbid (ctx);
  return NULL;
}

static void
on_reference (void          *ctx,
              const xmlChar *name)
{
  forbid (ctx);
}

static void
on_start_element_ns (void           *ctx,
                     const xmlChar  *localname,
                     const xmlChar  *prefix,
                     const xmlChar  *uri,
                     int             nb_namespaces,
                     const xmlChar **namespaces,
                     int             nb_attributes,
                     int             nb_defaulted,
                     const xmlChar **attributes)
{
  xmlParserCtxtPtr ctxt = ctx;
  ParseState *state = ctxt->_private;

  state->depth++;
  state->n_elements++;
  if (state->depth > state->max_depth || state->n_elements > state->max_elements)
    {
      state->too_large = TRUE;
      xmlStopParser (ctxt);
      return;
    }
  xmlSAX2StartElementNs (ctx, localname, prefix, uri, nb_namespaces, namespaces,
                         nb_attributes, nb_defaulted, attributes);
}

static void
on_end_element_ns (void          *ctx,
                   const xmlChar *localname,
                   const xmlChar *prefix,
                   const xmlChar *uri)
{
  xmlParserCtxtPtr ctxt = ctx;
  ParseState *state = ctxt->_private;

  state->depth--;
  xmlSAX2EndElementNs (ctx, localname, prefix, uri);
}

static void
ignore_generic_error (void       *ctx,
                      const char *format,
                      ...)
{
}

static void
ignore_structured_error (void        *ctx,
                         xmlErrorPtr  error)
{
}

xmlDoc *
bd_xml_read_untrusted (const char  *data,
                       gsize        length,
                       guint        max_depth,
                       guint        max_elements,
                       GError     **error)
{
  static gsize initialised = 0;
  ParseState state = { max_depth, max_elements, 0, 0, FALSE, FALSE };
  xmlParserCtxtPtr ctxt;
  xmlDocPtr doc = NULL;
  xmlGenericErrorFunc old_generic;
  xmlStructuredErrorFunc old_structured;
  void *old_generic_context, *old_structured_context;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (length <= G_MAXINT, NULL);

  if (!check_bytes (data, length, error))
    return NULL;

  if (g_once_init_enter (&initialised))
    {
      xmlInitParser ();
      g_once_init_leave (&initialised, 1);
    }
  ctxt = xmlCreateMemoryParserCtxt (data, (int) length);
  if (ctxt == NULL)
    {
      g_set_error_literal (error, BD_XML_ERROR, BD_XML_ERROR_MALFORMED,
                           _("The XML cannot be read."));
      return NULL;
    }
  /* No network, no DTD, no entity substitution (those are libxml2's
   * defaults; said here so that nobody turns them on), no messages on
   * stderr. */
  xmlCtxtUseOptions (ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                           XML_PARSE_NOCDATA);
  ctxt->loadsubset = 0;
  ctxt->replaceEntities = 0;
  ctxt->validate = 0;
  ctxt->_private = &state;
  ctxt->sax->internalSubset = on_subset;
  ctxt->sax->externalSubset = on_subset;
  ctxt->sax->entityDecl = on_entity_decl;
  ctxt->sax->resolveEntity = on_resolve_entity;
  ctxt->sax->reference = on_reference;
  ctxt->sax->startElementNs = on_start_element_ns;
  ctxt->sax->endElementNs = on_end_element_ns;

  /* Errors without a parser context (an input that cannot be decoded)
   * would go to stderr: the caller gets them from the context instead.
   * (libxml2's handlers are per thread.) */
  old_generic = xmlGenericError;
  old_generic_context = xmlGenericErrorContext;
  old_structured = xmlStructuredError;
  old_structured_context = xmlStructuredErrorContext;
  xmlSetGenericErrorFunc (NULL, ignore_generic_error);
  xmlSetStructuredErrorFunc (NULL, ignore_structured_error);
  xmlParseDocument (ctxt);
  xmlSetGenericErrorFunc (old_generic_context, old_generic);
  xmlSetStructuredErrorFunc (old_structured_context, old_structured);

  if (state.forbidden)
    g_set_error_literal (error, BD_XML_ERROR, BD_XML_ERROR_FORBIDDEN,
                         _("The XML has a DOCTYPE or an entity, which are not allowed."));
  else if (state.too_large)
    g_set_error (error, BD_XML_ERROR, BD_XML_ERROR_TOO_LARGE,
                 _("The XML nests elements deeper than %u or has more than %u elements."),
                 max_depth, max_elements);
  else if (!ctxt->wellFormed || ctxt->myDoc == NULL)
    {
      const xmlError *last = xmlCtxtGetLastError (ctxt);
      /* libxml2 may quote the input's bytes: not always UTF-8 */
      g_autofree char *message = g_utf8_make_valid (last && last->message ? last->message : "?",
                                                    -1);

      g_strstrip (message);
      g_set_error (error, BD_XML_ERROR, BD_XML_ERROR_MALFORMED,
                   _("The XML is not well-formed (line %d: %s)."), last ? last->line : 0,
                   message);
    }
  else if (ctxt->myDoc->intSubset != NULL || ctxt->myDoc->extSubset != NULL)
    g_set_error_literal (error, BD_XML_ERROR, BD_XML_ERROR_FORBIDDEN,
                         _("The XML has a DOCTYPE or an entity, which are not allowed."));
  else
    doc = g_steal_pointer (&ctxt->myDoc);

  if (ctxt->myDoc != NULL)
    xmlFreeDoc (ctxt->myDoc);
  ctxt->myDoc = NULL;
  ctxt->_private = NULL;
  xmlFreeParserCtxt (ctxt);
  return doc;
}
