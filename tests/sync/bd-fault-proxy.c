/* bd-fault-proxy.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A fault-injecting HTTP/1.1 proxy for the sync tests. It listens on
 * 127.0.0.1 only, takes one request per client connection, forwards it to
 * one upstream server with "Connection: close", reads the whole answer and
 * then, as a seeded random draw decides for each request, passes it on,
 * or drops the connection before forwarding, answers 500 itself, waits
 * before forwarding, cuts the answer's body short, or lets the server act
 * and then closes the connection without any answer (a lost response).
 *
 *   bd-fault-proxy --upstream http://127.0.0.1:8080/ --seed 7 \
 *                  --drop 10 --error 10 --delay 5 --truncate 10 --lose 10
 *
 * The first line on stdout is "listening on http://127.0.0.1:PORT/". On
 * SIGTERM or SIGINT a line of counts goes to stderr and the proxy exits 0:
 *
 *   stats: requests=N forwarded=N drop=N error=N delay=N truncate=N lose=N
 *          rejected=N upstream_errors=N
 *
 * (one line). --verbose logs one line per request to stderr as well. */

#define G_LOG_DOMAIN "bd-fault-proxy"

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>
#include <glib-unix.h>

#define MAX_HEAD           (64 * 1024)          /* request or response head */
#define MAX_REQUEST_BODY   (25 * 1024 * 1024)
#define MAX_RESPONSE_BODY  (32 * 1024 * 1024)
#define IO_TIMEOUT_S       30
#define MAX_THREADS        32

typedef enum
{
  FAULT_NONE,
  FAULT_DROP,
  FAULT_ERROR,
  FAULT_DELAY,
  FAULT_TRUNCATE,
  FAULT_LOSE,
  N_FAULTS
} Fault;

static const char * const fault_names[N_FAULTS] = {
  "none", "drop", "error", "delay", "truncate", "lose",
};

typedef struct
{
  char    *upstream_host;
  guint16  upstream_port;
  double   rates[N_FAULTS];     /* percent; FAULT_NONE unused */
  guint    delay_min_ms;
  guint    delay_max_ms;
  gboolean verbose;

  GMutex   lock;                /* guards rand */
  GRand   *rand;

  gint     requests;            /* heads read */
  gint     forwarded;           /* sent upstream and answered */
  gint     faults[N_FAULTS];
  gint     rejected;            /* malformed, too large, chunked */
  gint     upstream_errors;     /* upstream unreachable or bad answer */
  gint     serial;
  gint     active;              /* connections being served */
} Proxy;

static Proxy proxy;

/* What the draw decided for one connection. */
typedef struct
{
  Fault   fault;
  guint   delay_ms;
  double  cut;                  /* fraction of the body kept on truncate */
  int     serial;
} Plan;

/* HTTP heads */

typedef struct
{
  char      *start_line;
  GPtrArray *names;             /* char*, as sent */
  GPtrArray *values;            /* char*, trimmed */
} Head;

static void
head_free (Head *head)
{
  g_free (head->start_line);
  g_ptr_array_unref (head->names);
  g_ptr_array_unref (head->values);
  g_free (head);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Head, head_free)

/* The offset just past the "\r\n\r\n" ending a head in @data, or 0. */
static gsize
find_head_end (const guint8 *data,
               gsize         len,
               gsize         from)
{
  gsize i;

  for (i = from; i + 4 <= len; i++)
    if (data[i] == '\r' && data[i + 1] == '\n' && data[i + 2] == '\r' && data[i + 3] == '\n')
      return i + 4;
  return 0;
}

/* Reads from @in until a whole head is in @buf (which may then hold the
 * start of the body too). Returns the head's length; 0 on a clean EOF
 * before anything came, -1 on an error or a head larger than MAX_HEAD
 * (@too_large set). */
static gssize
read_head (GInputStream *in,
           GByteArray   *buf,
           gboolean     *too_large,
           GError      **error)
{
  guint8 chunk[4096];

  *too_large = FALSE;
  for (;;)
    {
      gsize from = buf->len >= 3 ? buf->len - 3 : 0;
      gsize room = MAX_HEAD - buf->len;
      gssize n;
      gsize end;

      if (room == 0)
        {
          *too_large = TRUE;
          return -1;
        }
      n = g_input_stream_read (in, chunk, MIN (room, sizeof chunk), NULL, error);
      if (n < 0)
        return -1;
      if (n == 0)
        {
          if (buf->len == 0)
            return 0;
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                               "the connection closed inside a head");
          return -1;
        }
      g_byte_array_append (buf, chunk, (guint) n);
      end = find_head_end (buf->data, buf->len, from);
      if (end > 0)
        return (gssize) end;
    }
}

static gboolean
is_token_char (char c)
{
  return g_ascii_isalnum (c) || strchr ("!#$%&'*+-.^_`|~", c) != NULL;
}

/* Parses the @len bytes of a head (ending in "\r\n\r\n"). NULL when it is
 * not HTTP. */
static Head *
parse_head (const guint8 *data,
            gsize         len)
{
  g_autoptr(Head) head = g_new0 (Head, 1);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint i;

  head->names = g_ptr_array_new_with_free_func (g_free);
  head->values = g_ptr_array_new_with_free_func (g_free);
  if (len < 4 || memchr (data, '\0', len) != NULL)
    return NULL;
  text = g_strndup ((const char *) data, len - 4);
  lines = g_strsplit (text, "\r\n", -1);
  if (lines[0] == NULL || *lines[0] == '\0')
    return NULL;
  head->start_line = g_strdup (lines[0]);
  for (i = 1; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      const char *colon = strchr (line, ':');
      const char *p;

      if (colon == NULL || colon == line)
        return NULL;   /* also refuses obsolete line folding */
      for (p = line; p < colon; p++)
        if (!is_token_char (*p))
          return NULL;
      g_ptr_array_add (head->names, g_strndup (line, colon - line));
      g_ptr_array_add (head->values, g_strstrip (g_strdup (colon + 1)));
    }
  return g_steal_pointer (&head);
}

static const char *
head_get (Head       *head,
          const char *name,
          guint      *n_found)
{
  const char *value = NULL;
  guint i;

  *n_found = 0;
  for (i = 0; i < head->names->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (head->names, i), name) == 0)
      {
        if (value == NULL)
          value = g_ptr_array_index (head->values, i);
        (*n_found)++;
      }
  return value;
}

/* Content-Length: FALSE when there are several different ones or it is
 * not a number; *length = -1 when there is none. */
static gboolean
head_content_length (Head   *head,
                     gint64 *length)
{
  guint i;

  *length = -1;
  for (i = 0; i < head->names->len; i++)
    {
      const char *value = g_ptr_array_index (head->values, i);
      guint64 parsed;

      if (g_ascii_strcasecmp (g_ptr_array_index (head->names, i), "Content-Length") != 0)
        continue;
      if (!g_ascii_string_to_unsigned (value, 10, 0, G_MAXINT64, &parsed, NULL))
        return FALSE;
      if (*length >= 0 && (guint64) *length != parsed)
        return FALSE;
      *length = (gint64) parsed;
    }
  return TRUE;
}

static gboolean
is_hop_by_hop (const char *name)
{
  static const char * const names[] = {
    "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Upgrade", "Expect",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (name, names[i]) == 0)
      return TRUE;
  return FALSE;
}

/* The head again, with hop-by-hop headers dropped and "Connection: close". */
static GString *
head_rewrite (Head *head)
{
  GString *out = g_string_new (head->start_line);
  guint i;

  g_string_append (out, "\r\n");
  for (i = 0; i < head->names->len; i++)
    {
      const char *name = g_ptr_array_index (head->names, i);

      if (is_hop_by_hop (name))
        continue;
      g_string_append_printf (out, "%s: %s\r\n", name,
                              (const char *) g_ptr_array_index (head->values, i));
    }
  g_string_append (out, "Connection: close\r\n\r\n");
  return out;
}

/* Writing to the client */

static void
write_all (GOutputStream *out,
           const void    *data,
           gsize          len)
{
  g_autoptr(GError) error = NULL;

  if (len > 0 && !g_output_stream_write_all (out, data, len, NULL, NULL, &error) &&
      proxy.verbose)
    g_printerr ("bd-fault-proxy: write to client: %s\n", error->message);
}

static void
respond_status (GOutputStream *out,
                guint          status,
                const char    *reason,
                const char    *code,
                const char    *description)
{
  g_autofree char *body = g_strdup_printf ("{\"code\":\"%s\",\"description\":\"%s\"}\n",
                                           code, description);
  g_autofree char *head =
    g_strdup_printf ("HTTP/1.1 %u %s\r\n"
                     "Content-Type: application/json\r\n"
                     "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                     "Connection: close\r\n\r\n",
                     status, reason, strlen (body));

  write_all (out, head, strlen (head));
  write_all (out, body, strlen (body));
}

/* Upstream */

typedef struct
{
  GString *head;                /* the rewritten response head */
  guint8  *body;
  gsize    body_len;
  guint    status;
} Answer;

static void
answer_clear (Answer *answer)
{
  if (answer->head != NULL)
    g_string_free (answer->head, TRUE);
  g_free (answer->body);
  memset (answer, 0, sizeof *answer);
}

static gboolean
read_exactly (GInputStream *in,
              guint8       *dest,
              gsize         len,
              GError      **error)
{
  gsize done = 0;

  if (!g_input_stream_read_all (in, dest, len, &done, NULL, error))
    return FALSE;
  if (done < len)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                           "the connection closed inside a body");
      return FALSE;
    }
  return TRUE;
}

/* Sends @request (head and body) upstream and reads the whole answer. */
static gboolean
forward (const char   *method,
         GString      *request_head,
         const guint8 *body,
         gsize         body_len,
         Answer       *answer,
         GError      **error)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GByteArray) buf = g_byte_array_new ();
  g_autoptr(Head) head = NULL;
  GInputStream *in;
  GOutputStream *out;
  gboolean too_large;
  gssize head_len;
  gint64 length;
  gsize extra;
  guint64 status;
  g_auto(GStrv) words = NULL;

  g_socket_client_set_timeout (client, IO_TIMEOUT_S);
  /* straight to the upstream: no proxy from the environment or GSettings */
  g_socket_client_set_enable_proxy (client, FALSE);
  conn = g_socket_client_connect_to_host (client, proxy.upstream_host, proxy.upstream_port,
                                          NULL, error);
  if (conn == NULL)
    return FALSE;
  in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  if (!g_output_stream_write_all (out, request_head->str, request_head->len, NULL, NULL, error) ||
      (body_len > 0 && !g_output_stream_write_all (out, body, body_len, NULL, NULL, error)))
    return FALSE;

  head_len = read_head (in, buf, &too_large, error);
  if (head_len <= 0)
    {
      if (head_len == 0 || too_large)
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                             too_large ? "the answer's head is too large" : "no answer");
      return FALSE;
    }
  head = parse_head (buf->data, (gsize) head_len);
  if (head != NULL)
    words = g_strsplit (head->start_line, " ", 3);
  if (head == NULL || words[0] == NULL || words[1] == NULL ||
      !g_str_has_prefix (words[0], "HTTP/1.") ||
      !g_ascii_string_to_unsigned (words[1], 10, 100, 599, &status, NULL) ||
      !head_content_length (head, &length))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "a malformed answer");
      return FALSE;
    }
  answer->status = (guint) status;
  extra = buf->len - (gsize) head_len;

  if (g_ascii_strcasecmp (method, "HEAD") == 0 || status < 200 || status == 204 ||
      status == 304)
    length = 0;
  else
    {
      guint n_te;

      /* chunked (or no length): the body ends at EOF, passed on as it is */
      if (head_get (head, "Transfer-Encoding", &n_te) != NULL)
        length = -1;
    }

  if (length >= 0)
    {
      if (length > MAX_RESPONSE_BODY)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                               "the answer is too large");
          return FALSE;
        }
      answer->body_len = (gsize) length;
      answer->body = g_malloc (MAX (answer->body_len, 1));
      memcpy (answer->body, buf->data + head_len, MIN (extra, answer->body_len));
      if (extra < answer->body_len &&
          !read_exactly (in, answer->body + extra, answer->body_len - extra, error))
        return FALSE;
    }
  else
    {
      g_autoptr(GByteArray) rest = g_byte_array_new ();
      guint8 chunk[16384];
      gssize n;

      g_byte_array_append (rest, buf->data + head_len, (guint) extra);
      while ((n = g_input_stream_read (in, chunk, sizeof chunk, NULL, error)) > 0)
        {
          if (rest->len + (gsize) n > MAX_RESPONSE_BODY)
            {
              g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                                   "the answer is too large");
              return FALSE;
            }
          g_byte_array_append (rest, chunk, (guint) n);
        }
      if (n < 0)
        return FALSE;
      answer->body_len = rest->len;
      answer->body = g_byte_array_free (g_steal_pointer (&rest), FALSE);
    }

  answer->head = head_rewrite (head);
  g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
  return TRUE;
}

/* The draw for one connection, under the lock so that a seed repeats. */
static Plan
draw_plan (void)
{
  Plan plan = { FAULT_NONE, 0, 1.0, 0 };
  double r, edge = 0;
  int i;

  g_mutex_lock (&proxy.lock);
  plan.serial = ++proxy.serial;
  r = g_rand_double_range (proxy.rand, 0, 100);
  for (i = FAULT_DROP; i < N_FAULTS; i++)
    {
      edge += proxy.rates[i];
      if (r < edge)
        {
          plan.fault = (Fault) i;
          break;
        }
    }
  /* both drawn always, so that one kind's numbers do not shift the rest */
  plan.delay_ms = (guint) g_rand_int_range (proxy.rand, (gint32) proxy.delay_min_ms,
                                            (gint32) proxy.delay_max_ms + 1);
  plan.cut = g_rand_double (proxy.rand);
  g_mutex_unlock (&proxy.lock);
  return plan;
}

static void
log_request (const Plan *plan,
             Head       *head,
             const char *outcome)
{
  if (proxy.verbose)
    g_printerr ("bd-fault-proxy: #%d %s: %s\n", plan->serial,
                head != NULL ? head->start_line : "(no head)", outcome);
}

static void
serve (GSocketConnection *conn)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  g_autoptr(GByteArray) buf = g_byte_array_new ();
  g_autoptr(Head) head = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) request_head = NULL;
  g_autofree guint8 *body = NULL;
  g_auto(GStrv) words = NULL;
  g_autofree char *outcome = NULL;
  Answer answer = { 0 };
  gboolean too_large;
  gssize head_len;
  gint64 length;
  gsize extra, kept;
  guint n_te, n_expect;
  Plan plan;

  head_len = read_head (in, buf, &too_large, &error);
  if (head_len == 0)
    return;   /* a connection opened and closed: nothing asked */
  g_atomic_int_inc (&proxy.requests);
  plan = draw_plan ();
  if (head_len < 0)
    {
      g_atomic_int_inc (&proxy.rejected);
      if (too_large)
        respond_status (out, 431, "Request Header Fields Too Large", "too-large",
                        "the request head is too large");
      log_request (&plan, NULL, too_large ? "rejected (head too large)" : "no head");
      return;
    }

  head = parse_head (buf->data, (gsize) head_len);
  if (head != NULL)
    words = g_strsplit (head->start_line, " ", -1);
  if (head == NULL || g_strv_length (words) != 3 || !g_str_has_prefix (words[2], "HTTP/1.") ||
      *words[0] == '\0' || words[1][0] != '/' || !head_content_length (head, &length))
    {
      g_atomic_int_inc (&proxy.rejected);
      respond_status (out, 400, "Bad Request", "bad-request", "a malformed request");
      log_request (&plan, head, "rejected (malformed)");
      return;
    }
  if (head_get (head, "Transfer-Encoding", &n_te) != NULL)
    {
      g_atomic_int_inc (&proxy.rejected);
      respond_status (out, 411, "Length Required", "length-required",
                      "chunked requests are not supported: send Content-Length");
      log_request (&plan, head, "rejected (chunked)");
      return;
    }
  if (length > MAX_REQUEST_BODY)
    {
      g_atomic_int_inc (&proxy.rejected);
      respond_status (out, 413, "Content Too Large", "too-large", "the request body is too large");
      log_request (&plan, head, "rejected (body too large)");
      return;
    }
  length = MAX (length, 0);

  /* the body: what came with the head, then the rest */
  if (length > 0)
    {
      const char *expect = head_get (head, "Expect", &n_expect);

      if (expect != NULL && g_ascii_strcasecmp (expect, "100-continue") == 0)
        write_all (out, "HTTP/1.1 100 Continue\r\n\r\n", 25);
    }
  extra = MIN (buf->len - (gsize) head_len, (gsize) length);
  body = g_malloc (MAX ((gsize) length, 1));
  memcpy (body, buf->data + head_len, extra);
  if (extra < (gsize) length && !read_exactly (in, body + extra, (gsize) length - extra, &error))
    {
      g_atomic_int_inc (&proxy.rejected);
      log_request (&plan, head, "rejected (short body)");
      return;
    }

  switch (plan.fault)
    {
    case FAULT_DROP:
      g_atomic_int_inc (&proxy.faults[FAULT_DROP]);
      log_request (&plan, head, "drop");
      return;

    case FAULT_ERROR:
      g_atomic_int_inc (&proxy.faults[FAULT_ERROR]);
      respond_status (out, 500, "Internal Server Error", "injected-fault",
                      "bd-fault-proxy: injected server error");
      log_request (&plan, head, "error 500");
      return;

    case FAULT_DELAY:
      g_atomic_int_inc (&proxy.faults[FAULT_DELAY]);
      g_usleep ((gulong) plan.delay_ms * 1000);
      break;

    case FAULT_NONE:
    case FAULT_TRUNCATE:
    case FAULT_LOSE:
    case N_FAULTS:
    default:
      break;
    }

  request_head = head_rewrite (head);
  if (!forward (words[0], request_head, body, (gsize) length, &answer, &error))
    {
      g_autofree char *description = g_strdup_printf ("bd-fault-proxy: upstream: %s",
                                                      error->message);
      g_autofree char *escaped = g_strescape (description, NULL);

      g_atomic_int_inc (&proxy.upstream_errors);
      respond_status (out, 502, "Bad Gateway", "bad-gateway", escaped);
      log_request (&plan, head, description);
      answer_clear (&answer);
      return;
    }
  g_atomic_int_inc (&proxy.forwarded);

  switch (plan.fault)
    {
    case FAULT_LOSE:
      g_atomic_int_inc (&proxy.faults[FAULT_LOSE]);
      outcome = g_strdup_printf ("lose (upstream answered %u)", answer.status);
      break;

    case FAULT_TRUNCATE:
      g_atomic_int_inc (&proxy.faults[FAULT_TRUNCATE]);
      if (answer.body_len > 0)
        {
          kept = MIN ((gsize) (plan.cut * answer.body_len), answer.body_len - 1);
          write_all (out, answer.head->str, answer.head->len);
          write_all (out, answer.body, kept);
        }
      else
        {
          /* nothing to cut in the body: cut the head instead */
          kept = MIN ((gsize) (plan.cut * answer.head->len), answer.head->len - 1);
          write_all (out, answer.head->str, kept);
        }
      outcome = g_strdup_printf ("truncate (upstream answered %u, %" G_GSIZE_FORMAT " of %"
                                 G_GSIZE_FORMAT " body bytes sent)",
                                 answer.status, answer.body_len > 0 ? kept : 0,
                                 answer.body_len);
      break;

    case FAULT_DELAY:
    case FAULT_NONE:
    case FAULT_DROP:
    case FAULT_ERROR:
    case N_FAULTS:
    default:
      write_all (out, answer.head->str, answer.head->len);
      write_all (out, answer.body, answer.body_len);
      outcome = g_strdup_printf ("%s%u", plan.fault == FAULT_DELAY ? "delay, then " : "",
                                 answer.status);
      if (plan.fault == FAULT_DELAY)
        {
          char *with_ms = g_strdup_printf ("%s (%u ms)", outcome, plan.delay_ms);

          g_free (outcome);
          outcome = with_ms;
        }
      break;
    }
  log_request (&plan, head, outcome);
  answer_clear (&answer);
}

static gboolean
on_run (GThreadedSocketService *service,
        GSocketConnection      *conn,
        GObject                *source_object,
        gpointer                user_data)
{
  GSocket *socket = g_socket_connection_get_socket (conn);

  g_atomic_int_inc (&proxy.active);
  g_socket_set_timeout (socket, IO_TIMEOUT_S);
  serve (conn);
  g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
  g_atomic_int_dec_and_test (&proxy.active);
  return TRUE;
}

static void
print_stats (void)
{
  g_printerr ("stats: requests=%d forwarded=%d drop=%d error=%d delay=%d truncate=%d lose=%d "
              "rejected=%d upstream_errors=%d\n",
              g_atomic_int_get (&proxy.requests),
              g_atomic_int_get (&proxy.forwarded),
              g_atomic_int_get (&proxy.faults[FAULT_DROP]),
              g_atomic_int_get (&proxy.faults[FAULT_ERROR]),
              g_atomic_int_get (&proxy.faults[FAULT_DELAY]),
              g_atomic_int_get (&proxy.faults[FAULT_TRUNCATE]),
              g_atomic_int_get (&proxy.faults[FAULT_LOSE]),
              g_atomic_int_get (&proxy.rejected),
              g_atomic_int_get (&proxy.upstream_errors));
}

static gboolean
on_signal (gpointer user_data)
{
  GMainLoop *loop = user_data;

  print_stats ();
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static gboolean
parse_upstream (const char  *text,
                GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, error);
  const char *path;

  if (uri == NULL)
    return FALSE;
  path = g_uri_get_path (uri);
  if (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 || g_uri_get_host (uri) == NULL ||
      (path[0] != '\0' && strcmp (path, "/") != 0))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--upstream must be http://HOST:PORT/ (no path): %s", text);
      return FALSE;
    }
  proxy.upstream_host = g_strdup (g_uri_get_host (uri));
  proxy.upstream_port = g_uri_get_port (uri) > 0 ? (guint16) g_uri_get_port (uri) : 80;
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  int port = 0;
  gint64 seed = 1;
  int delay_min_ms = 200, delay_max_ms = 1500;
  g_autofree char *upstream = NULL;
  double sum = 0;
  gboolean verbose = FALSE;
  GOptionEntry entries[] = {
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "Port on 127.0.0.1 (0: any free one)", "N" },
    { "upstream", 0, 0, G_OPTION_ARG_STRING, &upstream, "The server", "http://127.0.0.1:PORT/" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed of the fault draws", "N" },
    { "drop", 0, 0, G_OPTION_ARG_DOUBLE, &proxy.rates[FAULT_DROP],
      "Percent of requests whose connection is closed before forwarding", "PCT" },
    { "error", 0, 0, G_OPTION_ARG_DOUBLE, &proxy.rates[FAULT_ERROR],
      "Percent answered 500 without forwarding", "PCT" },
    { "delay", 0, 0, G_OPTION_ARG_DOUBLE, &proxy.rates[FAULT_DELAY],
      "Percent forwarded after a pause", "PCT" },
    { "truncate", 0, 0, G_OPTION_ARG_DOUBLE, &proxy.rates[FAULT_TRUNCATE],
      "Percent whose answer is cut short", "PCT" },
    { "lose", 0, 0, G_OPTION_ARG_DOUBLE, &proxy.rates[FAULT_LOSE],
      "Percent forwarded, then closed without an answer", "PCT" },
    { "delay-min-ms", 0, 0, G_OPTION_ARG_INT, &delay_min_ms, "Shortest pause (200)", "MS" },
    { "delay-max-ms", 0, 0, G_OPTION_ARG_INT, &delay_max_ms, "Longest pause (1500)", "MS" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "One line per request on stderr", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- fault-injecting HTTP proxy");
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketService) service = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  int i;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bd-fault-proxy: %s\n", error->message);
      return 2;
    }
  if (upstream == NULL)
    {
      g_printerr ("bd-fault-proxy: --upstream is required\n");
      return 2;
    }
  if (!parse_upstream (upstream, &error))
    {
      g_printerr ("bd-fault-proxy: %s\n", error->message);
      return 2;
    }
  for (i = FAULT_DROP; i < N_FAULTS; i++)
    {
      if (proxy.rates[i] < 0 || proxy.rates[i] > 100)
        {
          g_printerr ("bd-fault-proxy: --%s must be 0 to 100\n", fault_names[i]);
          return 2;
        }
      sum += proxy.rates[i];
    }
  if (sum > 100)
    {
      g_printerr ("bd-fault-proxy: the fault rates add up to more than 100\n");
      return 2;
    }
  if (port < 0 || port > 65535 || delay_min_ms < 0 || delay_max_ms < delay_min_ms ||
      delay_max_ms > 60000)
    {
      g_printerr ("bd-fault-proxy: bad --port or --delay-min-ms/--delay-max-ms\n");
      return 2;
    }
  proxy.delay_min_ms = (guint) delay_min_ms;
  proxy.delay_max_ms = (guint) delay_max_ms;
  proxy.verbose = verbose;
  g_mutex_init (&proxy.lock);
  proxy.rand = g_rand_new_with_seed ((guint32) seed);

  service = g_threaded_socket_service_new (MAX_THREADS);
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, (guint16) port);
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (service), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                      &effective, &error))
    {
      g_printerr ("bd-fault-proxy: cannot listen on 127.0.0.1:%d: %s\n", port, error->message);
      return 1;
    }
  g_signal_connect (service, "run", G_CALLBACK (on_run), NULL);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, on_signal, loop);
  g_unix_signal_add (SIGINT, on_signal, loop);
  g_socket_service_start (service);

  printf ("listening on http://127.0.0.1:%u/\n",
          g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective)));
  fflush (stdout);

  g_main_loop_run (loop);

  g_socket_service_stop (service);
  g_socket_listener_close (G_SOCKET_LISTENER (service));
  /* let connections in flight finish (a little while) before freeing what
   * they use; past that the process ends under them */
  for (i = 0; i < 300 && g_atomic_int_get (&proxy.active) > 0; i++)
    g_usleep (10 * 1000);
  if (g_atomic_int_get (&proxy.active) == 0)
    {
      g_rand_free (proxy.rand);
      g_free (proxy.upstream_host);
    }
  return 0;
}
