/* bd-window-overlays.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The server's overlays on the window's map: one BdShapeLayer each for
 * areas (affected, inundation, evacuation), road closures, alerts and
 * shelters, fed from the store and drawn again when their collection
 * changes (and the alerts when one expires); and the details of the
 * features at a point, in a popover there: after a click on the map that
 * hit no report (reports win) but a shelter or a road closure, or from the
 * layer panel's "Features at the Map Centre" (the keyboard's way: the map
 * moves with the arrow keys), which also names the areas and alerts there.
 * A click inside an area or an alert starts a report as anywhere else: an
 * alert may cover the whole city, and a report must stay a tap away. */

#define G_LOG_DOMAIN "bd-window"

#include "config.h"

#include "bd-window-overlays.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "bd-catalog.h"
#include "bd-feature-validate.h"
#include "bd-geo.h"
#include "bd-overlay-style.h"
#include "bd-store-features.h"
#include "bd-time.h"

/* An alert given by a ward's code is drawn as a circle this wide around
 * the ward's centre. */
#define WARD_RADIUS_KM 1.5
#define CIRCLE_CORNERS 48
/* At most this many area codes of one alert are drawn. */
#define MAX_AREA_CODES 64

static const char * const overlay_ids[BD_N_OVERLAYS] = {
  "areas", "closures", "alerts", "shelters",
};

const char *
_bd_overlay_id (BdOverlayKind kind)
{
  g_return_val_if_fail (kind < BD_N_OVERLAYS, NULL);
  return overlay_ids[kind];
}

static BdWindowOverlays *
get_overlays (BdWindow *self)
{
  return self->overlays;
}

/* ------------------------------------------------ geometry for codes */

static void
add_position (JsonBuilder *b,
              double       lon,
              double       lat)
{
  json_builder_begin_array (b);
  json_builder_add_double_value (b, lon);
  json_builder_add_double_value (b, lat);
  json_builder_end_array (b);
}

/* The area of an alert given by codes (a null geometry): the city's box
 * for the city's code, a circle of WARD_RADIUS_KM around a ward's centre
 * for a ward's. This is an approximation until ward boundaries ship: the
 * catalog has the wards' centres, not their outlines. NULL when no code
 * is known. */
static JsonNode *
geometry_for_codes (JsonObject *props)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  JsonNode *codes = json_object_get_member (props, "area_codes");
  JsonArray *array;
  guint n_drawn = 0;

  if (codes == NULL || !JSON_NODE_HOLDS_ARRAY (codes))
    return NULL;
  array = json_node_get_array (codes);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "MultiPolygon");
  json_builder_set_member_name (b, "coordinates");
  json_builder_begin_array (b);
  for (guint i = 0; i < json_array_get_length (array) && i < MAX_AREA_CODES; i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      const char *code;
      const BdWard *ward;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        continue;
      code = json_node_get_string (node);
      ward = bd_catalog_lookup_ward (code);
      if (ward == NULL)
        continue;

      json_builder_begin_array (b);     /* polygon */
      json_builder_begin_array (b);     /* ring */
      if (strcmp (code, BD_CITY_CODE) == 0)
        {
          add_position (b, BD_CITY_MIN_LON, BD_CITY_MIN_LAT);
          add_position (b, BD_CITY_MAX_LON, BD_CITY_MIN_LAT);
          add_position (b, BD_CITY_MAX_LON, BD_CITY_MAX_LAT);
          add_position (b, BD_CITY_MIN_LON, BD_CITY_MAX_LAT);
          add_position (b, BD_CITY_MIN_LON, BD_CITY_MIN_LAT);
        }
      else
        {
          double dlat = WARD_RADIUS_KM / 111.32;
          double dlon = dlat / cos (ward->latitude * G_PI / 180.0);

          for (guint k = 0; k <= CIRCLE_CORNERS; k++)
            {
              double a = 2 * G_PI * (k % CIRCLE_CORNERS) / CIRCLE_CORNERS;

              add_position (b, ward->longitude + dlon * cos (a), ward->latitude + dlat * sin (a));
            }
        }
      json_builder_end_array (b);
      json_builder_end_array (b);
      n_drawn++;
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  if (n_drawn == 0)
    return NULL;
  return json_builder_get_root (b);
}

/* ---------------------------------------------------- the shape sets */

static JsonObject *
feature_properties (JsonNode *node)
{
  JsonNode *member;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  member = json_object_get_member (json_node_get_object (node), "properties");
  if (member == NULL || !JSON_NODE_HOLDS_OBJECT (member))
    return NULL;
  return json_node_get_object (member);
}

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* Builds the shape sets @sets (one per BdOverlayKind; only those of the
 * collection are set) from @features (BdFeature*) of @collection. Any
 * thread: nothing here touches the store or a widget. */
static void
fill_sets (GPtrArray   *features,
           const char  *collection,
           gint64       now,
           BdShapeSet **sets)
{
  for (guint i = 0; i < features->len; i++)
    {
      BdFeature *feature = g_ptr_array_index (features, i);
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(JsonNode) made = NULL;
      g_autoptr(GError) local_error = NULL;
      JsonObject *props;
      JsonNode *geometry;
      BdShapeStyle style;
      BdOverlayKind kind;
      int order;

      node = bd_feature_parse (feature, &local_error);
      props = feature_properties (node);
      if (props == NULL)
        {
          g_debug ("%s %s not drawn: %s", collection, feature->id,
                   local_error != NULL ? local_error->message : "no properties");
          continue;
        }
      if (!bd_overlay_style_for (collection, props, now, &style, &order))
        continue;

      if (strcmp (collection, "shelters") == 0)
        kind = BD_OVERLAY_SHELTERS;
      else if (strcmp (collection, "alerts") == 0)
        kind = BD_OVERLAY_ALERTS;
      else if (g_strcmp0 (string_member (props, "kind"), "road_closure") == 0)
        kind = BD_OVERLAY_CLOSURES;
      else
        kind = BD_OVERLAY_AREAS;
      if (sets[kind] == NULL)
        continue;

      geometry = json_object_get_member (json_node_get_object (node), "geometry");
      if ((geometry == NULL || JSON_NODE_HOLDS_NULL (geometry)) && kind == BD_OVERLAY_ALERTS)
        geometry = made = geometry_for_codes (props);
      if (geometry == NULL || JSON_NODE_HOLDS_NULL (geometry))
        continue;

      if (!bd_shape_set_add_geojson (sets[kind], feature->id, geometry, &style, order,
                                     &local_error))
        g_debug ("%s %s not drawn: %s", collection, feature->id, local_error->message);
    }
}

static void schedule_alert_expiry (BdWindow *self);

/* A collection's shapes being built on a worker thread (1,000 polygons
 * of 100 vertices take about 140 ms: not on the main thread). */
typedef struct
{
  char       *collection;
  guint       slot;                    /* in BdWindowOverlays.generation */
  guint       generation;
  gint64      now;
  gint64      start;
  GPtrArray  *features;                /* BdFeature* */
  BdShapeSet *sets[BD_N_OVERLAYS];
} Build;

static void
build_free (Build *build)
{
  g_free (build->collection);
  g_clear_pointer (&build->features, g_ptr_array_unref);
  for (guint k = 0; k < BD_N_OVERLAYS; k++)
    g_clear_pointer (&build->sets[k], bd_shape_set_unref);
  g_free (build);
}

static void
build_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Build *build = task_data;

  fill_sets (build->features, build->collection, build->now, build->sets);
  for (guint k = 0; k < BD_N_OVERLAYS; k++)
    if (build->sets[k] != NULL)
      bd_shape_set_seal (build->sets[k]);
  g_task_return_boolean (task, TRUE);
}

static void
build_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  BdWindow *self = BD_WINDOW (source);
  BdWindowOverlays *o = self->overlays;
  Build *build = g_task_get_task_data (G_TASK (result));

  if (o == NULL || g_task_had_error (G_TASK (result)))
    return;     /* the window went */

  o->n_loading--;
  if (build->generation != o->generation[build->slot])
    return;     /* a newer build follows */

  for (guint k = 0; k < BD_N_OVERLAYS; k++)
    if (build->sets[k] != NULL)
      bd_shape_layer_set_shapes (o->shapes[k], build->sets[k]);
  g_debug ("The %s drawn from the store in %.1f ms", build->collection,
           (g_get_monotonic_time () - build->start) / 1000.0);
}

/* Draws @collection again from the store: read here, turned into shapes
 * on a worker thread. */
static void
reload_collection (BdWindow   *self,
                   const char *collection)
{
  BdWindowOverlays *o = get_overlays (self);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  gboolean is_areas = strcmp (collection, "areas") == 0;
  Build *build;

  if (o == NULL || self->store == NULL)
    return;

  build = g_new0 (Build, 1);
  build->collection = g_strdup (collection);
  build->slot = is_areas ? 0 : strcmp (collection, "alerts") == 0 ? 1 : 2;
  build->generation = ++o->generation[build->slot];
  build->now = g_get_real_time () / G_USEC_PER_SEC;
  build->start = g_get_monotonic_time ();
  build->features = bd_store_list_features (self->store, collection, NULL, &error);
  if (build->features == NULL)
    {
      g_warning ("Cannot read the %s: %s", collection, error->message);
      build_free (build);
      return;
    }
  for (guint k = 0; k < BD_N_OVERLAYS; k++)
    {
      gboolean mine = is_areas ? (k == BD_OVERLAY_AREAS || k == BD_OVERLAY_CLOSURES)
                               : strcmp (collection, overlay_ids[k]) == 0;

      if (mine)
        build->sets[k] = bd_shape_set_new ();
    }

  o->n_loading++;
  task = g_task_new (self, o->cancellable, build_done_cb, NULL);
  g_task_set_source_tag (task, reload_collection);
  g_task_set_task_data (task, build, (GDestroyNotify) build_free);
  g_task_run_in_thread (task, build_thread);

  if (strcmp (collection, "alerts") == 0)
    schedule_alert_expiry (self);
}

static gboolean
on_alert_expiry_cb (gpointer user_data)
{
  BdWindow *self = user_data;

  self->overlays->expiry_id = 0;
  reload_collection (self, "alerts");
  return G_SOURCE_REMOVE;
}

/* The alerts are drawn again once the next one expires (as the banner
 * does): nothing in the store changes then. */
static void
schedule_alert_expiry (BdWindow *self)
{
  BdWindowOverlays *o = get_overlays (self);
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 next;

  g_clear_handle_id (&o->expiry_id, g_source_remove);
  next = bd_store_get_next_alert_expiry (self->store, now, &error);
  if (next < 0)
    {
      g_warning ("Cannot read the alerts' expiry: %s", error->message);
      return;
    }
  if (next == 0)
    return;
  /* one second past it: an alert expires when expires <= now */
  o->expiry_id = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT,
                                             (guint) CLAMP (next - now + 1, 1, G_MAXINT32),
                                             on_alert_expiry_cb, self, NULL);
  g_source_set_name_by_id (o->expiry_id, "[bd-window] alert expiry");
}

static void
on_features_changed_cb (BdStore    *store,
                        const char *collection,
                        BdWindow   *self)
{
  if (bd_feature_is_overlay_collection (collection))
    reload_collection (self, collection);
}

/* ------------------------------------------------------- the details */

typedef struct
{
  const char *code;
  const char *ja;
  const char *en;
} CodeName;

/* DOMAIN.md's codes and their official names (the catalog has none of
 * these). */
static const CodeName shelter_kinds[] = {
  { "emergency_site", "指定緊急避難場所", "Designated emergency evacuation site" },
  { "shelter", "指定避難所", "Designated evacuation shelter" },
  { "welfare_shelter", "福祉避難所", "Welfare shelter" },
};
static const CodeName shelter_states[] = {
  { "not_open", "未開設", "Not open" },
  { "open", "開設", "Open" },
  { "closed", "閉鎖", "Closed" },
  { "permanent", "常設", "Permanent" },
  { "unknown", "不明", "Unknown" },
};
static const CodeName crowdings[] = {
  { "vacant", "空き", "Room left" },
  { "crowded", "混雑", "Crowded" },
  { "full", "定員一杯", "Full" },
  { "unknown", "不明", "Unknown" },
};
static const CodeName hazards[] = {
  { "1", "洪水", "Flood" },
  { "2", "崖崩れ、土石流及び地滑り", "Slope failure, debris flow and landslide" },
  { "3", "高潮", "Storm surge" },
  { "4", "地震", "Earthquake" },
  { "5", "津波", "Tsunami" },
  { "6", "大規模な火事", "Large fire" },
  { "7", "内水氾濫", "Inland flooding" },
  { "8", "火山現象", "Volcanic phenomena" },
};
static const CodeName area_kinds[] = {
  { "evacuation", "避難情報", "Evacuation information" },
  { "affected", "被災範囲", "Affected area" },
  { "road_closure", "通行止め", "Road closed" },
  { "inundation", "浸水範囲", "Inundated area" },
};
static const CodeName levels[] = {
  { "3", "高齢者等避難", "Evacuation of elderly etc." },
  { "4", "避難指示", "Evacuation instruction" },
  { "5", "緊急安全確保", "Emergency safety measures" },
};

static const char *
code_name (const CodeName *table,
           gsize           n,
           const char     *code)
{
  if (code == NULL)
    return NULL;
  for (gsize i = 0; i < n; i++)
    if (strcmp (table[i].code, code) == 0)
      return bd_catalog_label (table[i].ja, table[i].en);
  return code;
}

#define CODE_NAME(table, code) code_name ((table), G_N_ELEMENTS (table), (code))

static gboolean
int_member (JsonObject *object,
            const char *name,
            gint64     *value)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (node);
  return TRUE;
}

static char *
format_time (const char *text)
{
  g_autoptr(GDateTime) when = text != NULL ? bd_parse_timestamp (text) : NULL;
  g_autoptr(GDateTime) local = NULL;

  if (when == NULL)
    return g_strdup (text);
  local = g_date_time_to_local (when);
  /* Translators: a date and time in a feature's details, see g_date_time_format () */
  return g_date_time_format (local, _("%Y-%m-%d %H:%M"));
}

static GtkWidget *
value_label (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  gtk_widget_set_hexpand (label, TRUE);
  return label;
}

/* Adds "@name  @value" to @grid (nothing for a NULL @value). */
static void
add_field (GtkGrid    *grid,
           int        *row,
           const char *name,
           const char *value)
{
  GtkWidget *label;

  if (value == NULL || value[0] == '\0')
    return;
  label = gtk_label_new (name);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_yalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_grid_attach (grid, label, 0, *row, 1, 1);
  gtk_grid_attach (grid, value_label (value), 1, *row, 1, 1);
  (*row)++;
}

static void
add_time_field (GtkGrid    *grid,
                int        *row,
                const char *name,
                JsonObject *props,
                const char *member)
{
  g_autofree char *text = format_time (string_member (props, member));

  add_field (grid, row, name, text);
}

static void
shelter_fields (GtkGrid    *grid,
                int        *row,
                JsonObject *props)
{
  JsonNode *list = json_object_get_member (props, "hazards");
  gint64 evacuees = 0, capacity = 0, households = 0;
  gboolean has_evacuees, has_capacity;

  add_field (grid, row, _("Kind"), CODE_NAME (shelter_kinds, string_member (props, "kind")));
  add_field (grid, row, _("State"), CODE_NAME (shelter_states, string_member (props, "state")));
  add_field (grid, row, _("Crowding"), CODE_NAME (crowdings, string_member (props, "crowding")));

  has_evacuees = int_member (props, "evacuees", &evacuees);
  has_capacity = int_member (props, "capacity", &capacity);
  if (has_evacuees || has_capacity)
    {
      g_autofree char *people = NULL;
      g_autofree char *e = g_strdup_printf ("%" G_GINT64_FORMAT, evacuees);
      g_autofree char *c = g_strdup_printf ("%" G_GINT64_FORMAT, capacity);

      if (has_evacuees && has_capacity)
        /* Translators: people in a shelter and how many it holds, e.g. "310 / 400" */
        people = g_strdup_printf (_("%s / %s"), e, c);
      else if (has_evacuees)
        people = g_strdup (e);
      else
        /* Translators: a shelter's capacity when the number of evacuees is not known */
        people = g_strdup_printf (_("— / %s"), c);
      add_field (grid, row, _("Evacuees / Capacity"), people);
    }
  if (int_member (props, "households", &households))
    {
      g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, households);

      add_field (grid, row, _("Households"), text);
    }

  if (list != NULL && JSON_NODE_HOLDS_ARRAY (list))
    {
      JsonArray *array = json_node_get_array (list);
      g_autoptr(GString) names = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (array) && i < G_N_ELEMENTS (hazards); i++)
        {
          JsonNode *node = json_array_get_element (array, i);
          gint64 code;

          if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
            continue;
          code = json_node_get_int (node);
          if (code < 1 || code > (gint64) G_N_ELEMENTS (hazards))
            continue;
          if (names->len > 0)
            /* Translators: between the names of hazards in a list */
            g_string_append (names, _(", "));
          g_string_append_printf (names, "%" G_GINT64_FORMAT " %s", code,
                                  bd_catalog_label (hazards[code - 1].ja, hazards[code - 1].en));
        }
      add_field (grid, row, _("Hazards"), names->len > 0 ? names->str : NULL);
    }
  add_time_field (grid, row, _("Checked"), props, "checked_at");
}

static void
area_fields (GtkGrid    *grid,
             int        *row,
             JsonObject *props)
{
  gint64 level;

  add_field (grid, row, _("Kind"), CODE_NAME (area_kinds, string_member (props, "kind")));
  if (int_member (props, "level", &level))
    {
      g_autofree char *code = g_strdup_printf ("%" G_GINT64_FORMAT, level);
      /* Translators: an evacuation level and its name, e.g. "Level 4: 避難指示" */
      g_autofree char *text = g_strdup_printf (_("Level %s: %s"), code, CODE_NAME (levels, code));

      add_field (grid, row, _("Level"), text);
    }
  add_time_field (grid, row, _("Issued"), props, "issued_at");
  add_time_field (grid, row, _("Lifted"), props, "lifted_at");
}

static void
alert_fields (GtkGrid    *grid,
              int        *row,
              JsonObject *props)
{
  add_field (grid, row, _("Event"), string_member (props, "event"));
  add_field (grid, row, _("Headline"), string_member (props, "headline"));
  add_field (grid, row, _("Area"), string_member (props, "area_desc"));
  add_time_field (grid, row, _("Sent"), props, "sent");
  add_time_field (grid, row, _("Effective"), props, "effective");
  {
    g_autofree char *expires = format_time (string_member (props, "expires"));

    add_field (grid, row, _("Expires"), expires != NULL ? expires : _("Until cancelled"));
  }
  add_field (grid, row, _("Description"), string_member (props, "description"));
}

/* A section for one feature; NULL when the store no longer has it. */
static GtkWidget *
feature_section (BdWindow      *self,
                 BdOverlayKind  kind,
                 const char    *id)
{
  const char *collection = kind == BD_OVERLAY_SHELTERS ? "shelters"
                           : kind == BD_OVERLAY_ALERTS ? "alerts" : "areas";
  g_autoptr(GError) error = NULL;
  g_autoptr(BdFeature) feature = bd_store_get_feature (self->store, collection, id, &error);
  g_autoptr(JsonNode) node = NULL;
  GtkWidget *box, *title, *grid;
  JsonObject *props;
  const char *heading;
  int row = 0;

  if (feature == NULL || feature->deleted)
    return NULL;
  node = bd_feature_parse (feature, &error);
  props = feature_properties (node);
  if (props == NULL)
    return NULL;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_name (box, id);
  switch (kind)
    {
    case BD_OVERLAY_SHELTERS:
      heading = _("Shelter");
      break;
    case BD_OVERLAY_ALERTS:
      heading = _("Alert");
      break;
    case BD_OVERLAY_CLOSURES:
      heading = _("Road Closure");
      break;
    case BD_OVERLAY_AREAS:
    case BD_N_OVERLAYS:
    default:
      heading = _("Area");
      break;
    }
  {
    GtkWidget *caption = gtk_label_new (heading);

    gtk_label_set_xalign (GTK_LABEL (caption), 0);
    gtk_widget_add_css_class (caption, "caption-heading");
    gtk_widget_add_css_class (caption, "dim-label");
    gtk_box_append (GTK_BOX (box), caption);
  }
  title = value_label (feature->name != NULL ? feature->name : id);
  gtk_widget_add_css_class (title, "heading");
  gtk_box_append (GTK_BOX (box), title);

  grid = gtk_grid_new ();
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 2);
  if (kind == BD_OVERLAY_SHELTERS)
    add_field (GTK_GRID (grid), &row, _("Name"), string_member (props, "name"));
  if (kind == BD_OVERLAY_SHELTERS)
    shelter_fields (GTK_GRID (grid), &row, props);
  else if (kind == BD_OVERLAY_ALERTS)
    alert_fields (GTK_GRID (grid), &row, props);
  else
    area_fields (GTK_GRID (grid), &row, props);
  if (feature->ward != NULL)
    {
      const BdWard *ward = bd_catalog_lookup_ward (feature->ward);

      if (ward != NULL)
        add_field (GTK_GRID (grid), &row, _("Ward"), bd_catalog_label (ward->name_ja, ward->name_en));
    }
  gtk_box_append (GTK_BOX (box), grid);
  return box;
}

static void
on_new_here_clicked_cb (GtkButton *button,
                        BdWindow  *self)
{
  BdWindowOverlays *o = get_overlays (self);

  gtk_popover_popdown (o->details);
  _bd_window_request_new (self, o->details_lat, o->details_lon);
}

static void
ensure_details (BdWindow *self)
{
  BdWindowOverlays *o = get_overlays (self);
  GtkWidget *scrolled;

  if (o->details != NULL)
    return;

  o->details = GTK_POPOVER (gtk_popover_new ());
  gtk_widget_set_name (GTK_WIDGET (o->details), "feature-details");
  gtk_accessible_update_property (GTK_ACCESSIBLE (o->details), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Features Here"), -1);
  o->details_box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 12));
  gtk_widget_set_margin_top (GTK_WIDGET (o->details_box), 6);
  gtk_widget_set_margin_bottom (GTK_WIDGET (o->details_box), 6);
  gtk_widget_set_margin_start (GTK_WIDGET (o->details_box), 6);
  gtk_widget_set_margin_end (GTK_WIDGET (o->details_box), 6);
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 420);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (o->details_box));
  gtk_popover_set_child (o->details, scrolled);
  gtk_widget_set_parent (GTK_WIDGET (o->details), o->anchor);
}

gboolean
_bd_overlays_show_details_at (BdWindow *self,
                              double    x,
                              double    y,
                              double    latitude,
                              double    longitude,
                              gboolean  offer_new)
{
  BdWindowOverlays *o = get_overlays (self);
  g_autoptr(GPtrArray) entries = NULL;
  GtkWidget *child;
  guint n_found = 0;
  graphene_point_t point;

  if (o == NULL)
    return FALSE;

  ensure_details (self);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (o->details_box))) != NULL)
    gtk_box_remove (o->details_box, child);

  /* Top first, as the layers are stacked; hidden layers are not asked. */
  entries = g_ptr_array_ref (_bd_layers_get_entries (self));
  for (guint i = 0; i < entries->len; i++)
    {
      BdLayerEntry *entry = g_ptr_array_index (entries, i);

      for (guint k = 0; k < BD_N_OVERLAYS; k++)
        {
          const char *id;
          GtkWidget *section;

          if (entry->layer != SHUMATE_LAYER (o->shapes[k]) ||
              !gtk_widget_get_visible (GTK_WIDGET (entry->layer)))
            continue;
          /* a click: only the small features (see the top of the file) */
          if (offer_new && k != BD_OVERLAY_SHELTERS && k != BD_OVERLAY_CLOSURES)
            continue;
          id = bd_shape_layer_pick (o->shapes[k], x, y);
          if (id == NULL)
            continue;
          section = feature_section (self, k, id);
          if (section == NULL)
            continue;
          if (n_found > 0)
            gtk_box_append (o->details_box, gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));
          gtk_box_append (o->details_box, section);
          n_found++;
        }
    }

  if (n_found == 0)
    return FALSE;

  if (offer_new)
    {
      GtkWidget *button = gtk_button_new_with_label (_("New Report Here"));

      gtk_widget_set_name (button, "new-report-here");
      gtk_widget_add_css_class (button, "suggested-action");
      g_signal_connect (button, "clicked", G_CALLBACK (on_new_here_clicked_cb), self);
      gtk_box_append (o->details_box, button);
    }

  o->details_lat = latitude;
  o->details_lon = longitude;
  if (!gtk_widget_compute_point (GTK_WIDGET (_bd_window_get_map (self)), o->anchor,
                                 &GRAPHENE_POINT_INIT (x, y), &point))
    point = GRAPHENE_POINT_INIT (x, y);
  gtk_popover_set_pointing_to (o->details,
                               &(GdkRectangle) { (int) point.x - 1, (int) point.y - 1, 2, 2 });
  gtk_popover_popup (o->details);
  return TRUE;
}

/* --------------------------------------------------------- set up */

void
_bd_window_init_overlays (BdWindow *self)
{
  BdWindowOverlays *o;
  ShumateViewport *viewport = _bd_window_get_viewport (self);

  g_return_if_fail (self->overlays == NULL);

  o = self->overlays = g_new0 (BdWindowOverlays, 1);
  o->window = self;
  o->cancellable = g_cancellable_new ();

  /* Over the map, the same size, letting every click through: what the
   * details popover points from. */
  o->anchor = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_can_target (o->anchor, FALSE);
  gtk_widget_set_halign (o->anchor, GTK_ALIGN_FILL);
  gtk_widget_set_valign (o->anchor, GTK_ALIGN_FILL);
  gtk_overlay_add_overlay (GTK_OVERLAY (self->map_overlay), o->anchor);

  /* Under the reports, in drawing order (areas lowest, shelters highest);
   * the layer panel then stacks them as the user chose. */
  for (guint k = 0; k < BD_N_OVERLAYS; k++)
    {
      o->shapes[k] = bd_shape_layer_new (viewport);
      gtk_widget_set_name (GTK_WIDGET (o->shapes[k]), overlay_ids[k]);
      shumate_map_insert_layer_behind (_bd_window_get_map (self), SHUMATE_LAYER (o->shapes[k]),
                                       SHUMATE_LAYER (self->report_layer));
    }

  if (self->store != NULL)
    {
      g_signal_connect_object (self->store, "features-changed",
                               G_CALLBACK (on_features_changed_cb), self, 0);
      reload_collection (self, "areas");
      reload_collection (self, "alerts");
      reload_collection (self, "shelters");
    }

  _bd_layers_init (self);
}

void
_bd_window_dispose_overlays (BdWindow *self)
{
  BdWindowOverlays *o = self->overlays;

  if (o == NULL)
    return;

  g_clear_handle_id (&o->expiry_id, g_source_remove);
  g_cancellable_cancel (o->cancellable);
  g_clear_object (&o->cancellable);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_func (self->store, on_features_changed_cb, self);
  _bd_layers_dispose (self);
  if (o->details != NULL)
    gtk_widget_unparent (GTK_WIDGET (o->details));
  o->details = NULL;
  g_clear_pointer (&self->overlays, g_free);
}

gboolean
_bd_window_overlays_click (BdWindow *self,
                           double    x,
                           double    y,
                           double    latitude,
                           double    longitude)
{
  return _bd_overlays_show_details_at (self, x, y, latitude, longitude, TRUE);
}

BdShapeLayer *
_bd_window_get_overlay_layer (BdWindow   *self,
                              const char *id)
{
  g_return_val_if_fail (self->overlays != NULL, NULL);

  for (guint k = 0; k < BD_N_OVERLAYS; k++)
    if (g_strcmp0 (id, overlay_ids[k]) == 0)
      return self->overlays->shapes[k];
  return NULL;
}

guint
_bd_window_get_overlays_loading (BdWindow *self)
{
  g_return_val_if_fail (self->overlays != NULL, 0);
  return self->overlays->n_loading;
}

GtkPopover *
_bd_window_get_feature_details (BdWindow *self)
{
  g_return_val_if_fail (self->overlays != NULL, NULL);
  return self->overlays->details;
}
