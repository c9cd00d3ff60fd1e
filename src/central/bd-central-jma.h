/* bd-central-jma.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "bd-central-store.h"

G_BEGIN_DECLS

/* National warnings (気象庁防災情報XML) into the `alerts` collection: from
 * files (`bosai-central ingest-jma`) and from JMA's Atom feeds (`serve
 * --jma-feed URL`). The parsing is core's bd-jma.c. */

typedef struct
{
  guint    n_written;    /* alert features written (new, replaced or ended) */
  gboolean duplicate;    /* the message was taken in before: nothing written */
} BdCentralJmaResult;

/* One message: parsed, then written in one transaction with the record
 * that it was taken in. @source names it (a path or URL; its file name
 * gives the type code where the message does not). FALSE with an error
 * (BD_JMA_ERROR, or BD_CENTRAL_STORE_ERROR) when refused: nothing is
 * written then. */
gboolean          bd_central_jma_ingest      (BdCentralStore      *store,
                                              const char          *data,
                                              gsize                length,
                                              const char          *source,
                                              BdCentralJmaResult  *result,
                                              GError             **error);

/* Reads a message file; one larger than BD_JMA_MAX_BYTES is refused before
 * anything of it is read. */
gboolean          bd_central_jma_read_file   (const char          *path,
                                              char               **data,
                                              gsize               *length,
                                              GError             **error);

typedef struct _BdCentralJmaFeed BdCentralJmaFeed;

#define BD_CENTRAL_JMA_DEFAULT_INTERVAL 60

/* Polls @url every @interval seconds (If-Modified-Since), on the main
 * loop, and fetches each new entry of a relevant type once. Starts at
 * once. */
BdCentralJmaFeed *bd_central_jma_feed_new    (BdCentralStore      *store,
                                              const char          *url,
                                              guint                interval);
void              bd_central_jma_feed_free   (BdCentralJmaFeed    *feed);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdCentralJmaFeed, bd_central_jma_feed_free)

G_END_DECLS
