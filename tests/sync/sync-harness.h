/* sync-harness.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A real bosai-central on a loopback port with its own temporary
 * database, and clients with their own stores, for the sync tests. */

#pragma once

#include "bd-store.h"
#include "bd-store-sync.h"
#include "bd-sync.h"

G_BEGIN_DECLS

#define KITA "271276"

typedef struct
{
  char   *dir;
  char   *db;
  char   *token;
  char   *base;     /* http://127.0.0.1:PORT/ once started */
  guint   port;
  GPid    pid;
} Server;

typedef struct
{
  char    *dir;
  char    *path;
  BdStore *store;
  BdSync  *sync;
} Client;

const char *central_exe         (void);
/* A new database with an hq token; not started. */
Server     *server_new          (void);
/* Starts `bosai-central serve` on @port (0: any free port, remembered so
 * that a restart after server_stop gets the same one). */
void        server_start        (Server     *server);
/* SIGKILL, then reap. */
void        server_stop         (Server     *server);
void        server_free         (Server     *server);

Client     *client_new          (const char *name);
void        client_free         (Client     *client);
/* Points the client's sync at @server, with its hq token. */
void        client_use_server   (Client     *client,
                                 Server     *server);
/* Runs @sql on the client's database through a connection of the test's
 * own, as damage from outside would. */
void        client_exec         (Client     *client,
                                 const char *sql);
/* Runs one sync to its end; returns its error (NULL: success). */
GError     *client_sync         (Client     *client);

BdReport   *make_report         (const char *title,
                                 double      lat,
                                 double      lon);
GPtrArray  *all_reports         (BdStore    *store);
/* Every live report of @a is in @b, field for field, same rev. */
void        assert_same_reports (BdStore    *a,
                                 BdStore    *b);
/* Runs the default main context for @ms milliseconds. */
void        iterate_for         (guint       ms);

G_END_DECLS
