/* bd-cap.h
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* OASIS CAP 1.2 (DOMAIN.md B.4.3): read, checked and written with libxml2.
 *
 * The reader takes untrusted bytes: at most BD_CAP_MAX_BYTES (refused
 * before parsing), no network, no DTD loaded, a DOCTYPE or an entity
 * declaration refused, elements nested at most BD_CAP_MAX_DEPTH deep and at
 * most BD_CAP_MAX_ELEMENTS of them. Coordinates are CAP's "lat,lon" (the
 * reverse of GeoJSON's [lon, lat]). An alert is turned into a feature of
 * the `alerts` collection as /work/wt/ALERTS.md says (bd_cap_alert_to_feature).
 *
 * The writer (bd_cap_alert_write) writes the same structures with
 * xmlTextWriter; what it writes reads back with bd_cap_parse. */

#define BD_CAP_NAMESPACE    "urn:oasis:names:tc:emergency:cap:1.2"
#define BD_CAP_MEDIA_TYPE   "application/cap+xml"
#define BD_CAP_MAX_BYTES    (1 << 20)    /* 1 MiB, as bosai-central's bodies */
#define BD_CAP_MAX_DEPTH    16           /* alert/info/area/geocode/value is 5 */
#define BD_CAP_MAX_ELEMENTS 20000
#define BD_CAP_MAX_INFOS    16
#define BD_CAP_MAX_AREAS    64           /* per info */
#define BD_CAP_MAX_SHAPES   256          /* polygons and circles in one alert */
#define BD_CAP_MAX_POINTS   20000        /* positions in one alert */
#define BD_CAP_MAX_TEXT     (64 * 1024)  /* bytes of one element's text (not a polygon) */
#define BD_CAP_CIRCLE_SIDES 64
/* The city as a CAP sender, and the geocode name of the codes it writes
 * (全国地方公共団体コード, 6 digits; any name is read). */
#define BD_CAP_CITY_SENDER  "city.osaka.lg.jp"
#define BD_CAP_GEOCODE_NAME "LGCode"

#define BD_CAP_ERROR (bd_cap_error_quark ())

typedef enum
{
  BD_CAP_ERROR_TOO_LARGE,   /* more than BD_CAP_MAX_BYTES, or too deep / many */
  BD_CAP_ERROR_MALFORMED,   /* not well-formed XML (truncated, …) */
  BD_CAP_ERROR_FORBIDDEN,   /* a DOCTYPE, DTD or entity */
  BD_CAP_ERROR_INVALID,     /* well-formed, but not a valid CAP 1.2 alert */
  BD_CAP_ERROR_OUTSIDE,     /* valid, but no area in Osaka City */
  BD_CAP_ERROR_UNSUPPORTED, /* valid, but not taken (Ack, Error) */
} BdCapError;

typedef struct
{
  double lat;
  double lon;
} BdCapPoint;

typedef struct
{
  char *name;
  char *value;
} BdCapValue;

typedef struct
{
  char      *area_desc;
  GPtrArray *polygons;   /* GArray of BdCapPoint each: a closed ring */
  GArray    *circles;    /* BdCapCircle */
  GPtrArray *geocodes;   /* BdCapValue* */
} BdCapArea;

typedef struct
{
  BdCapPoint center;
  double     radius_km;
} BdCapCircle;

typedef struct
{
  char      *language;      /* "en-US" when absent, as CAP says */
  GStrv      categories;    /* one or more of Geo, Met, Safety, … */
  char      *event;
  GStrv      response_types;
  char      *urgency;
  char      *severity;
  char      *certainty;
  GPtrArray *event_codes;   /* BdCapValue* */
  char      *effective;     /* CAP dateTime as written; NULL when absent */
  char      *onset;
  char      *expires;
  char      *sender_name;
  char      *headline;
  char      *description;
  char      *instruction;
  char      *web;
  char      *contact;
  GPtrArray *parameters;    /* BdCapValue* */
  GPtrArray *areas;         /* BdCapArea* */
} BdCapInfo;

typedef struct
{
  char      *sender;
  char      *identifier;
  char      *sent;
  char      *status;       /* Actual, Exercise, System, Test, Draft */
  char      *msg_type;     /* Alert, Update, Cancel, Ack, Error */
  char      *source;
  char      *scope;        /* Public, Restricted, Private */
  char      *restriction;
  char      *addresses;
  char      *note;
  char      *references;   /* "sender,identifier,sent" triples, space-separated */
  char      *incidents;
  GPtrArray *infos;        /* BdCapInfo* */
} BdCapAlert;

/* One (sender, identifier, sent) of an alert's references. */
typedef struct
{
  char *sender;
  char *identifier;
  char *sent;
} BdCapReference;

GQuark      bd_cap_error_quark        (void);

/* Reads and checks one CAP 1.2 alert. NULL with a BD_CAP_ERROR that says
 * what is wrong (and where: the line, the element). */
BdCapAlert *bd_cap_parse              (const char        *data,
                                       gsize              length,
                                       GError           **error);
/* Checks what bd_cap_parse checks (used by it and after building an alert
 * by hand, before writing it). */
gboolean    bd_cap_alert_validate     (const BdCapAlert  *alert,
                                       GError           **error);

/* The alert as CAP 1.2 XML (UTF-8), NULL-terminated. */
char       *bd_cap_alert_write        (const BdCapAlert  *alert,
                                       gsize             *length);

/* The references, parsed: BdCapReference*; NULL with an error when one is
 * not a "sender,identifier,sent" triple. An empty array for none. */
GPtrArray  *bd_cap_alert_get_references (const BdCapAlert *alert,
                                       GError           **error);
/* TRUE when @a and @b name the same message: same sender and identifier,
 * and the same instant (or the same text) for sent. */
gboolean    bd_cap_reference_equal    (const BdCapReference *a,
                                       const BdCapReference *b);

/* The id of the alerts feature of a thread whose first alert came from
 * @sender with @identifier: "cap-" + 32 hex of SHA-256 (sender|identifier). */
char       *bd_cap_thread_id          (const char        *sender,
                                       const char        *identifier);

/* TRUE when one of the alert's areas is in Osaka City: a geocode naming
 * the city or a ward (6-digit 271004, 271276 …, or 5-digit 27100 …), or a
 * polygon or circle reaching into the city's bounding box. */
gboolean    bd_cap_alert_in_city      (const BdCapAlert  *alert);

/* The alerts feature (a GeoJSON Feature object, ALERTS.md) of @alert, an
 * Alert or Update, with id @id; @now is "updated_at". Only the info and
 * areas in the city are kept (Japanese info preferred). NULL with
 * BD_CAP_ERROR_OUTSIDE when no area is in the city, BD_CAP_ERROR_UNSUPPORTED
 * for Ack and Error. */
JsonNode   *bd_cap_alert_to_feature   (const BdCapAlert  *alert,
                                       const char        *id,
                                       GDateTime         *now,
                                       GError           **error);
/* @current (a stored alerts feature) ended by the Cancel @alert: a copy
 * with active false, cancelled true, msg_type "cancel" and the Cancel's
 * sender, identifier, sent and references. */
JsonNode   *bd_cap_feature_cancel     (JsonNode          *current,
                                       const BdCapAlert  *alert,
                                       GDateTime         *now);
/* TRUE when @feature (an alerts feature from CAP) holds the message
 * @reference in its thread (its "cap_messages"). */
gboolean    bd_cap_feature_has_message (JsonNode         *feature,
                                       const BdCapReference *reference);
/* Adds the messages of @previous's thread ("cap_messages") before
 * @feature's own, so that later references to any of them find it. */
void        bd_cap_feature_carry_thread (JsonNode        *feature,
                                       JsonNode          *previous);

/* The city's own information as CAP: a feature of `areas` of kind
 * "evacuation" (level 3, 4, 5; issued_at, lifted_at) or of `shelters`
 * (state "open", or "closed"), at revision @rev written at @written_usec
 * (unix microseconds). identifier "urn:bosai-desk:{collection}:{id}:{rev}";
 * msgType Alert for revision 1, Update later, Cancel once lifted or
 * closed; the later ones name revision 1 in references, sent at the
 * feature's issued_at (areas) or opened_at (shelters). Without that time
 * every revision is an Alert. Properties are read leniently. NULL with
 * BD_CAP_ERROR_UNSUPPORTED for a feature that is not published. */
BdCapAlert *bd_cap_alert_from_city_feature (const char   *collection,
                                       JsonNode          *feature,
                                       gint64             rev,
                                       gint64             written_usec,
                                       GError           **error);

/* A polygon approximating a circle (BD_CAP_CIRCLE_SIDES sides, closed);
 * a radius of 0 is drawn as 10 m. */
GArray     *bd_cap_circle_to_ring     (const BdCapCircle *circle);

BdCapAlert *bd_cap_alert_new          (void);
BdCapInfo  *bd_cap_info_new           (void);
BdCapArea  *bd_cap_area_new           (void);
BdCapValue *bd_cap_value_new          (const char        *name,
                                       const char        *value);
void        bd_cap_alert_free         (BdCapAlert        *alert);
void        bd_cap_info_free          (BdCapInfo         *info);
void        bd_cap_area_free          (BdCapArea         *area);
void        bd_cap_value_free         (BdCapValue        *value);
void        bd_cap_reference_free     (BdCapReference    *reference);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdCapAlert, bd_cap_alert_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdCapInfo, bd_cap_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdCapArea, bd_cap_area_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdCapReference, bd_cap_reference_free)

G_END_DECLS
