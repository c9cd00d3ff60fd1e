/* bd-central-server.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "bd-central-store.h"

G_BEGIN_DECLS

/* The HTTP API of DESIGN.md: OGC API – Features Part 1 Core and Part 4
 * (create, replace, delete), the since_seq change feed, attachments and
 * bearer-token authorisation, on a SoupServer in the thread-default main
 * context. */

#define BD_CENTRAL_MAX_FEATURE_BYTES    (1 << 20)          /* 1 MiB */
#define BD_CENTRAL_MAX_ATTACHMENT_BYTES (20 << 20)         /* 20 MiB */
/* Attachment uploads under way at once: per token, and in all. */
#define BD_CENTRAL_MAX_UPLOADS_PER_TOKEN 2
#define BD_CENTRAL_MAX_UPLOADS          8
#define BD_CENTRAL_DEFAULT_LIMIT        100
#define BD_CENTRAL_MAX_LIMIT            1000

typedef struct _BdCentralServer BdCentralServer;

/* The server uses @store until it is freed; it does not own it. */
BdCentralServer *bd_central_server_new            (BdCentralStore   *store);
/* Listens on @address (an IP literal) and @port (0: any free port); returns
 * the port, or 0 with @error set. */
guint            bd_central_server_listen         (BdCentralServer  *self,
                                                   const char       *address,
                                                   guint             port,
                                                   GError          **error);
/* Where attachment bodies are written while they arrive (best beside the
 * database, on the same disk); by default a new directory in the temporary
 * directory, made at the first upload. Call before listening. */
void             bd_central_server_set_upload_dir (BdCentralServer  *self,
                                                   const char       *dir);
/* From now on new requests get 503; requests already being read or
 * answered go on. */
void             bd_central_server_begin_shutdown (BdCentralServer  *self);
/* Requests whose headers have arrived and whose answer is not yet sent. */
guint            bd_central_server_get_in_flight  (BdCentralServer  *self);
/* Closes the listening sockets and every connection. */
void             bd_central_server_disconnect     (BdCentralServer  *self);
void             bd_central_server_free           (BdCentralServer  *self);

/* The hex SHA-256 of a token, as stored. */
char            *bd_central_hash_token            (const char       *token);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdCentralServer, bd_central_server_free)

G_END_DECLS
