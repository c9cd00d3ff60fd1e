/* bd-jma.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* JMA disaster XML (気象庁防災情報XML, DOMAIN.md B.4.1) for Osaka City: the
 * message types a city needs, turned into features of the `alerts`
 * collection (/work/wt/ALERTS.md). Untrusted input: bounded in size, depth
 * and element count; a DOCTYPE or an entity refuses the message before
 * libxml2 sees it; no network, no DTD, no entity substitution. */

#define BD_JMA_ERROR (bd_jma_error_quark ())

typedef enum
{
  BD_JMA_ERROR_TOO_LARGE,    /* over BD_JMA_MAX_BYTES, too deep, too many elements */
  BD_JMA_ERROR_FORBIDDEN,    /* a DOCTYPE, an entity declaration or reference */
  BD_JMA_ERROR_MALFORMED,    /* not well-formed, or not a JMA Report */
  BD_JMA_ERROR_UNSUPPORTED,  /* a JMA message of a type we do not take */
  BD_JMA_ERROR_NOT_IN_CITY,  /* names no area in Osaka City */
} BdJmaError;

#define BD_JMA_MAX_BYTES    (2 * 1024 * 1024)
#define BD_JMA_MAX_DEPTH    32
#define BD_JMA_MAX_ELEMENTS 200000
#define BD_JMA_MAX_ALERTS   256

typedef struct
{
  /* Control */
  char      *title;             /* Control/Title, 気象警報・注意報（Ｈ２７） */
  char      *date_time;
  char      *status;            /* 通常 / 訓練 / 試験 */
  char      *editorial_office;
  char      *publishing_office;
  /* Head */
  char      *head_title;
  char      *report_date_time;  /* RFC 3339 */
  char      *target_date_time;  /* may be NULL */
  char      *event_id;          /* "" when empty */
  char      *info_type;         /* 発表 / 訂正 / 取消 */
  char      *serial;            /* "" when empty */
  char      *info_kind;
  char      *headline;          /* Head/Headline/Text, "" when empty */

  char       *type_code;        /* VPWW54, VXSE53, … */
  const char *alert_status;     /* actual / exercise / test */
  const char *msg_type;         /* alert / update / cancel */

  /* The features (JsonNode* Feature objects with id and properties; no
   * rev, seq or updated_at). Empty for a 取消 whose Body names no area:
   * then every thread of (info_kind, event_id, alert_status) ends. */
  GPtrArray *alerts;
  /* JMA area codes whose whole state this message gives (warnings): a
   * thread of the same info_kind and status on one of these areas that is
   * not among @alerts is lifted. */
  GPtrArray *full_areas;
} BdJmaMessage;

GQuark        bd_jma_error_quark       (void);

/* @type_hint: the type code from the file name or feed (may be NULL); used
 * only where the message itself does not tell (VXKO50–89). */
BdJmaMessage *bd_jma_parse             (const char          *data,
                                        gsize                length,
                                        const char          *type_hint,
                                        GError             **error);
void          bd_jma_message_free      (BdJmaMessage        *message);

/* Control/Title | EventID | ReportDateTime | Serial | InfoType: the same
 * message (re-sent, or fetched again) has the same key. InfoType is part
 * of it because a 訂正 or 取消 may repeat the corrected message's
 * ReportDateTime and Serial. */
char         *bd_jma_message_key       (const BdJmaMessage  *message);
gboolean      bd_jma_message_is_cancel (const BdJmaMessage  *message);

/* "VPWW54" from "…_VPWW54_270000.xml" (a path or URL); NULL if none. */
char         *bd_jma_type_from_name    (const char          *name);
/* "270000" from the same; NULL if none. */
char         *bd_jma_office_from_name  (const char          *name);
/* TRUE for the type codes bd_jma_parse () takes. */
gboolean      bd_jma_type_is_wanted    (const char          *type_code);

/* "jma-" + the first 32 hex digits of SHA-256 (info_kind | event_id |
 * area_code [| @kind_code] [| status when not "actual"]). */
char         *bd_jma_thread_id         (const char          *info_kind,
                                        const char          *event_id,
                                        const char          *area_code,
                                        const char          *kind_code,
                                        const char          *alert_status);

/* An Atom feed of JMA (DOMAIN.md B.4.1): its entries, in feed order. The
 * same bounds and refusals as a message, with BD_JMA_MAX_FEED_BYTES. */
#define BD_JMA_MAX_FEED_BYTES   (8 * 1024 * 1024)
#define BD_JMA_MAX_FEED_ENTRIES 5000

typedef struct
{
  char *title;    /* the message type's name, 気象警報・注意報（Ｈ２７） */
  char *id;
  char *updated;
  char *author;   /* the issuing office, 大阪管区気象台 */
  char *href;     /* the message's URL (link type="application/xml") */
} BdJmaFeedEntry;

/* BdJmaFeedEntry*s; entries without a link are left out. */
GPtrArray    *bd_jma_parse_feed        (const char          *data,
                                        gsize                length,
                                        GError             **error);
void          bd_jma_feed_entry_free   (BdJmaFeedEntry      *entry);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdJmaMessage, bd_jma_message_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdJmaFeedEntry, bd_jma_feed_entry_free)

G_END_DECLS
