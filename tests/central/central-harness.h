/* central-harness.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The tests of bosai-central share this: each starts the built server on a
 * free loopback port with its own database (hq, Kita ward and revoked
 * tokens) and talks to it with SoupSession. */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#define KITA "271276"
#define CHUO "271284"

typedef struct
{
  char        *dir;
  char        *db;
  GPid         pid;
  guint        port;
  char        *base;
  char        *hq;
  char        *ward;       /* Kita */
  char        *revoked;
  SoupSession *session;
} Server;

typedef struct
{
  guint       status;
  char       *etag;
  char       *location;
  char       *www_authenticate;
  char       *content_type;
  SoupMessageHeaders *headers;   /* the response's */
  GBytes     *body;
  JsonNode   *json;
} Response;

/* The bosai-central executable ($BOSAI_CENTRAL). */
const char *central_exe     (void);
/* Runs bosai-central with @args; returns stdout, puts the exit status. */
char       *run_cli         (const char * const *args,
                             int                *exit_status,
                             char              **err);
/* A new token; the last word of token add's output. */
char       *add_token       (const char         *db,
                             const char         *role,
                             const char         *ward);
Server     *server_start    (void);
/* SIGTERM, then the exit status. */
int         server_terminate (Server            *server);
void        server_kill_and_restart (Server     *server);
void        server_free     (Server             *server);
void        remove_dir      (const char         *path);
void        response_free   (Response           *response);
/* One request. @headers: NULL-terminated name, value pairs. */
Response   *request_full    (Server             *server,
                             const char         *method,
                             const char         *path_or_url,
                             const char         *token,
                             const char         *content_type,
                             GBytes             *body,
                             const char * const *headers);
/* A request with a GeoJSON body (or none) and at most one header. */
Response   *request         (Server             *server,
                             const char         *method,
                             const char         *path,
                             const char         *token,
                             const char         *json_body,
                             const char         *header,
                             const char         *value);
JsonObject *object          (Response           *response);
/* @response is an error of the API (application/json, code, description). */
void        assert_error    (Response           *response,
                             guint               status,
                             const char         *code);
/* A report of @ward as a GeoJSON Feature (@id NULL: without one). */
char       *report_json     (const char         *id,
                             const char         *ward,
                             const char         *title,
                             double              lon,
                             double              lat,
                             int                 hour);
/* Creates a feature with PUT If-None-Match: * as hq; asserts 201. */
void        put_new         (Server             *server,
                             const char         *collection,
                             const char         *id,
                             const char         *json);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Server, server_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Response, response_free)
