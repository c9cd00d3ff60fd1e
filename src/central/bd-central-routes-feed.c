/* bd-central-routes-feed.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The sync extension's change feed: GET /collections/{c}/items?since_seq=N
 * gives every feature changed after change number N, tombstones included,
 * in seq order, and "next_since_seq" to ask from next. */

#define G_LOG_DOMAIN "bd-central"

#include "config.h"

#include "bd-central-server-private.h"

void
_bd_central_respond_feed (Request *r,
                          gint64   since_seq,
                          gint64   limit)
{
  g_autoptr(GPtrArray) features = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *next = NULL;
  gint64 next_since = since_seq;

  features = bd_central_store_changes (r->server->store, r->collection, since_seq, limit, &error);
  if (features == NULL)
    {
      g_warning ("%s", error->message);
      _bd_central_respond_error (r->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                                 error->message);
      return;
    }

  if (features->len > 0)
    next_since = ((BdCentralFeature *) g_ptr_array_index (features, features->len - 1))->seq;
  /* a full page: there may be more */
  if (features->len > 0 && (gint64) features->len == limit)
    {
      g_autofree char *seq = g_strdup_printf ("%" G_GINT64_FORMAT, next_since);

      next = _bd_central_page_url (r, "since_seq", seq);
    }
  _bd_central_respond_page (r, features, "next_since_seq", next_since, next);
}
