/* bd-window-layers.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The layer panel: the header's "Layers" button opens a popover where
 * every layer of the map (reports, shelters, closures, alerts, areas, the
 * base map, and what _bd_window_add_map_layer () adds: the hazard
 * overlays) is shown or hidden, faded and moved up or down. The choice is
 * kept in the settings ("layer-order", "layer-visible", "layer-opacity")
 * and restored at start. Below, the legend (bd-window-legend.c). */

#define G_LOG_DOMAIN "bd-window"

#include "config.h"

#include "bd-window-overlays.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bd-map-sources.h"

/* The rows of the city's overlay tile sets: this and the set's name. */
#define BD_CITY_OVERLAY_PREFIX "city-overlay:"
/* Overlay files remembered at most. */
#define MAX_OVERLAY_FILES 16

static void
entry_free (BdLayerEntry *entry)
{
  g_free (entry->id);
  g_free (entry->label);
  g_clear_object (&entry->layer);
  g_free (entry);
}

GPtrArray *
_bd_layers_get_entries (BdWindow *self)
{
  return self->overlays->entries;
}

static BdLayerEntry *
find_entry (BdWindow   *self,
            const char *id,
            guint      *index)
{
  GPtrArray *entries = self->overlays != NULL ? self->overlays->entries : NULL;

  if (entries == NULL)
    return NULL;
  for (guint i = 0; i < entries->len; i++)
    {
      BdLayerEntry *entry = g_ptr_array_index (entries, i);

      if (g_strcmp0 (entry->id, id) == 0)
        {
          if (index != NULL)
            *index = i;
          return entry;
        }
    }
  return NULL;
}

/* The base map's layer: the lowest ShumateMapLayer of the map (the
 * ShumateSimpleMap makes a new one whenever the base map changes). */
static GtkWidget *
get_base_layer (BdWindow *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (_bd_window_get_map (self)));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (SHUMATE_IS_MAP_LAYER (child))
      return child;
  return NULL;
}

static GtkWidget *
entry_widget (BdWindow     *self,
              BdLayerEntry *entry)
{
  if (entry->layer != NULL)
    return GTK_WIDGET (entry->layer);
  /* a tile overlay hidden has none (park_tile_layer) */
  return entry->movable ? NULL : get_base_layer (self);
}

/* ------------------------------------------------------- settings */

/* The city's overlays come with its tile list, after the window opens,
 * and go when the city withdraws one: a row not here now keeps what the
 * settings say of it (its place after the same row as before). */
static void
keep_absent_city_overlays (BdWindow        *self,
                           GPtrArray       *order,
                           GVariantBuilder *visible,
                           GVariantBuilder *opacity)
{
  g_auto(GStrv) old_order = g_settings_get_strv (self->settings, "layer-order");
  g_autoptr(GVariant) old_visible = g_settings_get_value (self->settings, "layer-visible");
  g_autoptr(GVariant) old_opacity = g_settings_get_value (self->settings, "layer-opacity");
  GVariantIter iter;
  const char *id;
  gboolean shown;
  double alpha;

  g_variant_iter_init (&iter, old_visible);
  while (g_variant_iter_next (&iter, "{&sb}", &id, &shown))
    if (g_str_has_prefix (id, BD_CITY_OVERLAY_PREFIX) && find_entry (self, id, NULL) == NULL)
      g_variant_builder_add (visible, "{sb}", id, shown);
  g_variant_iter_init (&iter, old_opacity);
  while (g_variant_iter_next (&iter, "{&sd}", &id, &alpha))
    if (g_str_has_prefix (id, BD_CITY_OVERLAY_PREFIX) && find_entry (self, id, NULL) == NULL)
      g_variant_builder_add (opacity, "{sd}", id, alpha);

  for (guint i = 0; old_order[i] != NULL; i++)
    {
      guint at = 0;

      if (!g_str_has_prefix (old_order[i], BD_CITY_OVERLAY_PREFIX) ||
          find_entry (self, old_order[i], NULL) != NULL)
        continue;
      /* after the row it followed, if that is still in the order */
      for (guint j = i; j > 0 && at == 0; j--)
        for (guint k = 0; k < order->len; k++)
          if (g_strcmp0 (g_ptr_array_index (order, k), old_order[j - 1]) == 0)
            {
              at = k + 1;
              break;
            }
      g_ptr_array_insert (order, (int) at, g_strdup (old_order[i]));
    }
}

static void
save_settings (BdWindow *self)
{
  BdWindowOverlays *o = self->overlays;
  g_autoptr(GPtrArray) order = g_ptr_array_new_with_free_func (g_free);
  GVariantBuilder visible, opacity;

  if (o->loading)
    return;

  g_variant_builder_init (&visible, G_VARIANT_TYPE ("a{sb}"));
  g_variant_builder_init (&opacity, G_VARIANT_TYPE ("a{sd}"));
  for (guint i = 0; i < o->entries->len; i++)
    {
      BdLayerEntry *entry = g_ptr_array_index (o->entries, i);

      if (entry->movable)
        g_ptr_array_add (order, g_strdup (entry->id));
      g_variant_builder_add (&visible, "{sb}", entry->id,
                             gtk_switch_get_active (GTK_SWITCH (entry->toggle)));
      g_variant_builder_add (&opacity, "{sd}", entry->id,
                             gtk_range_get_value (GTK_RANGE (entry->scale)) / 100.0);
    }
  keep_absent_city_overlays (self, order, &visible, &opacity);
  g_ptr_array_add (order, NULL);

  /* Not g_settings_delay () on the window's settings: that would leave
   * them delayed for good, and every later write of the window (its size,
   * the map's place, the base map) would wait for an apply that never
   * comes. */
  g_settings_set_strv (self->settings, "layer-order", (const char * const *) order->pdata);
  g_settings_set_value (self->settings, "layer-visible", g_variant_builder_end (&visible));
  g_settings_set_value (self->settings, "layer-opacity", g_variant_builder_end (&opacity));
}

/* Stacks the map's layers as the entries are ordered: each under the
 * marker of the report being edited, bottom first; the base map stays at
 * the bottom. */
static void
apply_order (BdWindow *self)
{
  BdWindowOverlays *o = self->overlays;
  ShumateMap *map = _bd_window_get_map (self);
  GtkWidget *top = GTK_WIDGET (self->marker_layer);

  for (guint i = o->entries->len; i > 0; i--)
    {
      BdLayerEntry *entry = g_ptr_array_index (o->entries, i - 1);

      if (!entry->movable || entry->layer == NULL)
        continue;
      if (gtk_widget_get_parent (GTK_WIDGET (entry->layer)) != GTK_WIDGET (map))
        continue;
      /* moves a child of the same parent: no unrealizing */
      gtk_widget_insert_before (GTK_WIDGET (entry->layer), GTK_WIDGET (map), top);
    }

  /* The rows follow, top first. */
  {
    GtkWidget *previous = NULL;

    for (guint i = 0; i < o->entries->len; i++)
      {
        BdLayerEntry *entry = g_ptr_array_index (o->entries, i);
        guint n_movable = 0, position = 0;

        gtk_box_reorder_child_after (o->rows_box, entry->row, previous);
        previous = entry->row;

        for (guint j = 0; j < o->entries->len; j++)
          {
            BdLayerEntry *other = g_ptr_array_index (o->entries, j);

            if (other == entry)
              position = n_movable;
            if (other->movable)
              n_movable++;
          }
        if (entry->movable)
          {
            gtk_widget_set_sensitive (entry->up, position > 0);
            gtk_widget_set_sensitive (entry->down, position + 1 < n_movable);
          }
      }
  }
}

/* A tile overlay (the Hazard Map Portal's, the city's, a file) hidden is
 * taken off the map and dropped, its source kept on the row: a
 * ShumateMapLayer, hidden or off the map, still loads tiles as the map
 * moves, and a hidden layer must ask the server for nothing. Shown, a new
 * layer of the source goes back on the map, in its place. */
static void
park_tile_layer (BdWindow     *self,
                 BdLayerEntry *entry,
                 gboolean      shown)
{
  ShumateMap *map = _bd_window_get_map (self);
  ShumateMapSource *source;

  if (entry->layer != NULL && SHUMATE_IS_MAP_LAYER (entry->layer) && !shown)
    {
      g_object_get (entry->layer, "map-source", &source, NULL);
      g_object_set_data_full (G_OBJECT (entry->row), "bd-tile-source", source, g_object_unref);
      /* a public server's source pauses with its layer hidden */
      gtk_widget_set_visible (GTK_WIDGET (entry->layer), FALSE);
      if (gtk_widget_get_parent (GTK_WIDGET (entry->layer)) == GTK_WIDGET (map))
        shumate_map_remove_layer (map, entry->layer);
      g_clear_object (&entry->layer);
    }
  else if (entry->layer == NULL && shown &&
           (source = g_object_get_data (G_OBJECT (entry->row), "bd-tile-source")) != NULL)
    {
      /* hidden until apply_entry () shows it, which lets a public
       * server's source go on again */
      entry->layer = SHUMATE_LAYER (g_object_ref_sink (
        bd_map_sources_new_overlay_layer (_bd_window_get_viewport (self), source, 1.0)));
      shumate_map_insert_layer_behind (map, entry->layer, SHUMATE_LAYER (self->marker_layer));
      apply_order (self);
    }
}

static void
apply_entry (BdWindow     *self,
             BdLayerEntry *entry)
{
  GtkWidget *widget;

  park_tile_layer (self, entry, gtk_switch_get_active (GTK_SWITCH (entry->toggle)));
  widget = entry_widget (self, entry);

  if (widget == NULL)
    return;
  gtk_widget_set_visible (widget, gtk_switch_get_active (GTK_SWITCH (entry->toggle)));
  gtk_widget_set_opacity (widget, gtk_range_get_value (GTK_RANGE (entry->scale)) / 100.0);
}

/* Reads the settings into the entries and the map. */
static void
load_settings (BdWindow *self)
{
  BdWindowOverlays *o = self->overlays;
  g_auto(GStrv) order = g_settings_get_strv (self->settings, "layer-order");
  g_autoptr(GVariant) visible = g_settings_get_value (self->settings, "layer-visible");
  g_autoptr(GVariant) opacity = g_settings_get_value (self->settings, "layer-opacity");
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  BdLayerEntry *base = NULL;

  o->loading = TRUE;

  /* The saved order first; a layer it does not name (new in this
   * version) at its own place. */
  for (guint i = 0; order[i] != NULL; i++)
    {
      BdLayerEntry *entry = find_entry (self, order[i], NULL);

      if (entry != NULL && entry->movable && !g_ptr_array_find (sorted, entry, NULL))
        g_ptr_array_add (sorted, entry);
    }
  for (guint i = 0; i < o->entries->len; i++)
    {
      BdLayerEntry *entry = g_ptr_array_index (o->entries, i);

      if (!entry->movable)
        base = entry;
      else if (!g_ptr_array_find (sorted, entry, NULL))
        g_ptr_array_insert (sorted, (int) MIN (i, sorted->len), entry);
    }

  g_ptr_array_set_free_func (o->entries, NULL);
  g_ptr_array_set_size (o->entries, 0);
  g_ptr_array_extend (o->entries, sorted, NULL, NULL);
  if (base != NULL)
    g_ptr_array_add (o->entries, base);
  g_ptr_array_set_free_func (o->entries, (GDestroyNotify) entry_free);

  for (guint i = 0; i < o->entries->len; i++)
    {
      BdLayerEntry *entry = g_ptr_array_index (o->entries, i);
      gboolean shown = entry->visible_default;
      double alpha = 1.0;

      g_variant_lookup (visible, entry->id, "b", &shown);
      if (g_variant_lookup (opacity, entry->id, "d", &alpha))
        alpha = isfinite (alpha) ? CLAMP (alpha, 0.0, 1.0) : 1.0;
      gtk_switch_set_active (GTK_SWITCH (entry->toggle), shown);
      gtk_range_set_value (GTK_RANGE (entry->scale), alpha * 100.0);
      apply_entry (self, entry);
    }
  apply_order (self);

  o->loading = FALSE;
}

/* ------------------------------------------------------- the rows */

static void
on_toggle_active_cb (GtkSwitch  *toggle,
                     GParamSpec *pspec,
                     BdWindow   *self)
{
  BdLayerEntry *entry = find_entry (self, g_object_get_data (G_OBJECT (toggle), "bd-layer"), NULL);

  if (entry == NULL)
    return;
  apply_entry (self, entry);
  gtk_widget_set_sensitive (entry->scale, gtk_switch_get_active (toggle));
  save_settings (self);
}

static void
on_scale_changed_cb (GtkRange *scale,
                     BdWindow *self)
{
  BdLayerEntry *entry = find_entry (self, g_object_get_data (G_OBJECT (scale), "bd-layer"), NULL);

  if (entry == NULL)
    return;
  apply_entry (self, entry);
  save_settings (self);
}

static void
move_entry (BdWindow   *self,
            const char *id,
            int         step)
{
  BdWindowOverlays *o = self->overlays;
  guint index, other;
  BdLayerEntry *entry = find_entry (self, id, &index);

  if (entry == NULL || !entry->movable)
    return;
  if (step < 0 && index == 0)
    return;
  other = step < 0 ? index - 1 : index + 1;
  if (other >= o->entries->len ||
      !((BdLayerEntry *) g_ptr_array_index (o->entries, other))->movable)
    return;

  o->entries->pdata[index] = o->entries->pdata[other];
  o->entries->pdata[other] = entry;
  apply_order (self);
  save_settings (self);
}

static void
on_up_clicked_cb (GtkButton *button,
                  BdWindow  *self)
{
  move_entry (self, g_object_get_data (G_OBJECT (button), "bd-layer"), -1);
}

static void
on_down_clicked_cb (GtkButton *button,
                    BdWindow  *self)
{
  move_entry (self, g_object_get_data (G_OBJECT (button), "bd-layer"), +1);
}

static GtkWidget *
row_button (BdWindow     *self,
            BdLayerEntry *entry,
            const char   *icon,
            const char   *label,
            GCallback     callback)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_object_set_data_full (G_OBJECT (button), "bd-layer", g_strdup (entry->id), g_free);
  g_signal_connect (button, "clicked", callback, self);
  return button;
}

static BdLayerEntry *
add_entry (BdWindow     *self,
           const char   *id,
           const char   *label,
           ShumateLayer *layer,
           gboolean      visible_default,
           int           position)
{
  BdWindowOverlays *o = self->overlays;
  BdLayerEntry *entry = g_new0 (BdLayerEntry, 1);
  g_autofree char *show = NULL;
  g_autofree char *fade = NULL;
  g_autofree char *up = NULL;
  g_autofree char *down = NULL;
  GtkWidget *name;

  entry->id = g_strdup (id);
  entry->label = g_strdup (label);
  entry->layer = layer != NULL ? g_object_ref (layer) : NULL;
  entry->movable = layer != NULL;
  entry->visible_default = visible_default;

  entry->row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_name (entry->row, id);
  name = gtk_label_new (label);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_label_set_width_chars (GTK_LABEL (name), 8);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_box_append (GTK_BOX (entry->row), name);

  /* Translators: the opacity slider of a map layer, e.g. "Opacity of Shelters" */
  fade = g_strdup_printf (_("Opacity of %s"), label);
  entry->scale = gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, 0, 100, 5);
  gtk_scale_set_draw_value (GTK_SCALE (entry->scale), FALSE);
  gtk_range_set_value (GTK_RANGE (entry->scale), 100);
  gtk_widget_set_size_request (entry->scale, 90, -1);
  gtk_widget_set_tooltip_text (entry->scale, fade);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry->scale), GTK_ACCESSIBLE_PROPERTY_LABEL, fade, -1);
  g_object_set_data_full (G_OBJECT (entry->scale), "bd-layer", g_strdup (id), g_free);
  g_signal_connect (entry->scale, "value-changed", G_CALLBACK (on_scale_changed_cb), self);
  gtk_box_append (GTK_BOX (entry->row), entry->scale);

  /* Translators: the switch that shows a map layer, e.g. "Show Shelters" */
  show = g_strdup_printf (_("Show %s"), label);
  entry->toggle = gtk_switch_new ();
  gtk_switch_set_active (GTK_SWITCH (entry->toggle), visible_default);
  gtk_widget_set_valign (entry->toggle, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (entry->toggle, show);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry->toggle), GTK_ACCESSIBLE_PROPERTY_LABEL, show, -1);
  g_object_set_data_full (G_OBJECT (entry->toggle), "bd-layer", g_strdup (id), g_free);
  g_signal_connect (entry->toggle, "notify::active", G_CALLBACK (on_toggle_active_cb), self);
  gtk_box_append (GTK_BOX (entry->row), entry->toggle);

  /* Translators: moves a map layer above the one over it, e.g. "Move Shelters Up" */
  up = g_strdup_printf (_("Move %s Up"), label);
  /* Translators: moves a map layer below the one under it */
  down = g_strdup_printf (_("Move %s Down"), label);
  entry->up = row_button (self, entry, "go-up-symbolic", up, G_CALLBACK (on_up_clicked_cb));
  entry->down = row_button (self, entry, "go-down-symbolic", down, G_CALLBACK (on_down_clicked_cb));
  gtk_box_append (GTK_BOX (entry->row), entry->up);
  gtk_box_append (GTK_BOX (entry->row), entry->down);
  if (!entry->movable)
    {
      /* the base map is always beneath: the buttons keep the columns */
      gtk_widget_set_opacity (entry->up, 0);
      gtk_widget_set_opacity (entry->down, 0);
      gtk_widget_set_can_target (entry->up, FALSE);
      gtk_widget_set_can_target (entry->down, FALSE);
      gtk_widget_set_can_focus (entry->up, FALSE);
      gtk_widget_set_can_focus (entry->down, FALSE);
      gtk_widget_set_sensitive (entry->up, FALSE);
      gtk_widget_set_sensitive (entry->down, FALSE);
    }

  gtk_box_append (o->rows_box, entry->row);
  if (position < 0 || (guint) position > o->entries->len)
    g_ptr_array_add (o->entries, entry);
  else
    g_ptr_array_insert (o->entries, position, entry);
  return entry;
}

void
_bd_window_add_map_layer (BdWindow     *self,
                          const char   *id,
                          const char   *label,
                          ShumateLayer *layer,
                          gboolean      visible_default)
{
  BdWindowOverlays *o = self->overlays;
  guint base_index = o->entries->len;

  g_return_if_fail (id != NULL && label != NULL && SHUMATE_IS_LAYER (layer));
  g_return_if_fail (find_entry (self, id, NULL) == NULL);

  if (gtk_widget_get_parent (GTK_WIDGET (layer)) == NULL)
    shumate_map_insert_layer_behind (_bd_window_get_map (self), layer,
                                     SHUMATE_LAYER (self->marker_layer));
  /* Above the base map, under the others, unless the settings say more. */
  if (find_entry (self, "base-map", &base_index))
    add_entry (self, id, label, layer, visible_default, (int) base_index);
  else
    add_entry (self, id, label, layer, visible_default, -1);
  load_settings (self);
}

/* Takes the row @id and its layer off the panel and the map. What the
 * settings say of it stays (a city overlay may come back). */
void
_bd_window_remove_map_layer (BdWindow   *self,
                             const char *id)
{
  BdWindowOverlays *o = self->overlays;
  BdLayerEntry *entry;
  guint index;

  if (o == NULL || (entry = find_entry (self, id, &index)) == NULL || !entry->movable)
    return;
  if (entry->layer != NULL &&
      gtk_widget_get_parent (GTK_WIDGET (entry->layer)) == GTK_WIDGET (_bd_window_get_map (self)))
    shumate_map_remove_layer (_bd_window_get_map (self), entry->layer);
  gtk_box_remove (o->rows_box, entry->row);
  g_ptr_array_remove_index (o->entries, index);
  apply_order (self);
}

/* Under the row's name, in small print: where the layer comes from. */
static void
set_row_credit (BdLayerEntry *entry,
                const char   *credit)
{
  GtkWidget *name = gtk_widget_get_first_child (entry->row);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *label = gtk_label_new (credit);

  g_object_ref (name);
  gtk_box_remove (GTK_BOX (entry->row), name);
  gtk_widget_set_hexpand (box, TRUE);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), name);
  g_object_unref (name);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_width_chars (GTK_LABEL (label), 8);
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_name (label, "credit");
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_prepend (GTK_BOX (entry->row), box);
  gtk_widget_set_tooltip_text (box, credit);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry->toggle),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, credit, -1);
}

static gboolean
city_overlay_listed (GPtrArray  *sets,
                     const char *id)
{
  for (guint i = 0; i < sets->len; i++)
    {
      const BdCityTileSet *set = g_ptr_array_index (sets, i);

      if (g_strcmp0 (id + strlen (BD_CITY_OVERLAY_PREFIX), set->name) == 0)
        return TRUE;
    }
  return FALSE;
}

/* The city's overlay tile sets (`tiles add NAME FILE --overlay`), from its
 * tile list: a row each, off by default like the hazard layers (a hidden
 * layer asks the server for nothing), its name and its credit; a set no
 * longer listed goes. Called when the list arrives. */
void
_bd_window_sync_city_overlays (BdWindow *self)
{
  g_autoptr(GPtrArray) sets = _bd_window_get_city_tile_sets (self, TRUE);
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *entries = self->overlays != NULL ? self->overlays->entries : NULL;

  if (entries == NULL)
    return;
  for (guint i = 0; i < entries->len; i++)
    {
      BdLayerEntry *entry = g_ptr_array_index (entries, i);

      if (g_str_has_prefix (entry->id, BD_CITY_OVERLAY_PREFIX) &&
          !city_overlay_listed (sets, entry->id))
        g_ptr_array_add (gone, g_strdup (entry->id));
    }
  for (guint i = 0; i < gone->len; i++)
    _bd_window_remove_map_layer (self, g_ptr_array_index (gone, i));

  for (guint i = 0; i < sets->len; i++)
    {
      const BdCityTileSet *set = g_ptr_array_index (sets, i);
      g_autofree char *id = g_strconcat (BD_CITY_OVERLAY_PREFIX, set->name, NULL);
      g_autoptr(ShumateMapSource) source = NULL;
      ShumateMapLayer *layer;
      const char *credit;

      if (find_entry (self, id, NULL) != NULL)
        continue;
      source = _bd_window_new_city_overlay (self, set);
      if (source == NULL)
        continue;
      layer = bd_map_sources_new_overlay_layer (_bd_window_get_viewport (self), source, 1.0);
      _bd_window_add_map_layer (self, id, set->name, SHUMATE_LAYER (layer), FALSE);
      /* the attribution as text (the source's licence), else the city */
      credit = shumate_map_source_get_license (source);
      if (credit == NULL || credit[0] == '\0' || g_strcmp0 (credit, set->name) == 0)
        credit = _("From the city’s server");
      set_row_credit (find_entry (self, id, NULL), credit);
    }
}

/* An MBTiles file (or tile folder) as an overlay: a hazard set the city
 * prepared in advance. Remembered in "overlay-files" when @remember. */
gboolean
_bd_window_add_overlay_file (BdWindow    *self,
                             const char  *path,
                             gboolean     remember,
                             GError     **error)
{
  g_autoptr(ShumateMapSource) source = NULL;
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;
  ShumateMapLayer *layer;

  g_return_val_if_fail (path != NULL, FALSE);

  id = g_strconcat ("overlay-file:", path, NULL);
  if (find_entry (self, id, NULL) != NULL)
    return TRUE;
  if (!(source = bd_map_sources_new_file (path, error)))
    return FALSE;
  layer = bd_map_sources_new_overlay_layer (_bd_window_get_viewport (self), source, 1.0);
  name = g_path_get_basename (path);
  _bd_window_add_map_layer (self, id, name, SHUMATE_LAYER (layer), TRUE);

  if (remember)
    {
      g_auto(GStrv) files = g_settings_get_strv (self->settings, "overlay-files");
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) updated = NULL;

      g_strv_builder_add (builder, path);
      for (guint i = 0; files[i] != NULL && i < MAX_OVERLAY_FILES - 1; i++)
        if (g_strcmp0 (files[i], path) != 0)
          g_strv_builder_add (builder, files[i]);
      updated = g_strv_builder_end (builder);
      g_settings_set_strv (self->settings, "overlay-files", (const char * const *) updated);
    }
  return TRUE;
}

static void
on_overlay_file_response_cb (GtkNativeDialog *dialog,
                             int              response,
                             BdWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      g_autoptr(GError) error = NULL;

      if (path != NULL && !_bd_window_add_overlay_file (self, path, TRUE, &error))
        {
          g_autofree char *message = g_strdup_printf (_("The overlay could not be opened: %s"),
                                                      error->message);

          _bd_window_add_toast (self, adw_toast_new (message));
        }
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
on_add_overlay_clicked_cb (GtkButton *button,
                           BdWindow  *self)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_popover_popdown (self->overlays->panel);
  chooser = gtk_file_chooser_native_new (_("Add an Overlay File"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Add"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("MBTiles Files"));
  gtk_file_filter_add_pattern (filter, "*.mbtiles");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (on_overlay_file_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* The overlay files added before, as they were; one gone is dropped. */
static void
load_overlay_files (BdWindow *self)
{
  g_auto(GStrv) files = g_settings_get_strv (self->settings, "overlay-files");

  for (guint i = 0; files[i] != NULL && i < MAX_OVERLAY_FILES; i++)
    {
      g_autoptr(GError) error = NULL;

      if (!_bd_window_add_overlay_file (self, files[i], FALSE, &error))
        g_message ("Overlay file %s not added: %s", files[i], error->message);
    }
}

static void
on_map_source_changed_cb (BdWindow *self)
{
  BdLayerEntry *entry = find_entry (self, "base-map", NULL);

  if (entry != NULL)
    apply_entry (self, entry);
}

/* ------------------------------------------------------- the panel */

static void
on_features_here_clicked_cb (GtkButton *button,
                             BdWindow  *self)
{
  ShumateMap *map = _bd_window_get_map (self);
  double x = gtk_widget_get_width (GTK_WIDGET (map)) / 2.0;
  double y = gtk_widget_get_height (GTK_WIDGET (map)) / 2.0;
  double lat, lon;

  gtk_popover_popdown (self->overlays->panel);
  shumate_viewport_widget_coords_to_location (_bd_window_get_viewport (self), GTK_WIDGET (map),
                                              x, y, &lat, &lon);
  if (!_bd_overlays_show_details_at (self, x, y, lat, lon, FALSE))
    _bd_window_add_toast (self, adw_toast_new (_("No shelter, area, road closure or alert at the "
                                                 "centre of the map")));
}

/* Narrow, the header has no room left: the button is on the map
 * instead (top left), and the panel goes with it. */
static void
on_window_classes_cb (BdWindow *self)
{
  BdWindowOverlays *o = self->overlays;
  gboolean narrow = gtk_widget_has_css_class (GTK_WIDGET (self), "bd-narrow");
  GtkMenuButton *from, *to;

  if (o == NULL || o->panel == NULL)
    return;
  from = narrow ? o->button : o->map_button;
  to = narrow ? o->map_button : o->button;
  if (gtk_menu_button_get_popover (to) == o->panel)
    return;

  g_object_ref (o->panel);
  gtk_popover_popdown (o->panel);
  gtk_menu_button_set_popover (from, NULL);
  gtk_menu_button_set_popover (to, GTK_WIDGET (o->panel));
  g_object_unref (o->panel);
  gtk_widget_set_visible (GTK_WIDGET (o->button), !narrow);
  gtk_widget_set_visible (GTK_WIDGET (o->map_button), narrow);
}

static GtkMenuButton *
layers_button_new (const char *name)
{
  GtkMenuButton *button = GTK_MENU_BUTTON (gtk_menu_button_new ());

  gtk_widget_set_name (GTK_WIDGET (button), name);
  gtk_menu_button_set_icon_name (button, "view-list-bullet-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (button), _("Layers and Legend"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Layers"), -1);
  return button;
}

void
_bd_layers_init (BdWindow *self)
{
  BdWindowOverlays *o = self->overlays;
  GtkWidget *box, *scrolled, *heading, *button;

  o->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);

  heading = gtk_label_new (_("Layers"));
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "heading");
  gtk_box_append (GTK_BOX (box), heading);

  o->rows_box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 2));
  gtk_widget_set_name (GTK_WIDGET (o->rows_box), "layer-rows");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (o->rows_box));

  button = gtk_button_new_with_mnemonic (_("_Features at the Map Centre"));
  gtk_widget_set_name (button, "features-here");
  gtk_widget_set_tooltip_text (button, _("Show the shelters, areas, road closures and alerts at "
                                         "the centre of the map (move the map with the arrow "
                                         "keys)"));
  g_signal_connect (button, "clicked", G_CALLBACK (on_features_here_clicked_cb), self);
  gtk_box_append (GTK_BOX (box), button);

  button = gtk_button_new_with_mnemonic (_("_Add Overlay File…"));
  gtk_widget_set_name (button, "add-overlay");
  gtk_widget_set_tooltip_text (button, _("Show an MBTiles file over the map (a hazard map "
                                         "prepared in advance)"));
  g_signal_connect (button, "clicked", G_CALLBACK (on_add_overlay_clicked_cb), self);
  gtk_box_append (GTK_BOX (box), button);

  o->legend_box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 2));
  gtk_widget_set_name (GTK_WIDGET (o->legend_box), "legend");
  heading = gtk_label_new (_("Legend"));
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "title-4");
  gtk_widget_set_margin_top (heading, 6);
  gtk_box_append (o->legend_box, heading);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (o->legend_box));

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 440);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), box);

  o->panel = GTK_POPOVER (gtk_popover_new ());
  gtk_widget_set_name (GTK_WIDGET (o->panel), "layer-panel");
  gtk_popover_set_child (o->panel, scrolled);

  o->button = layers_button_new ("layers-button");
  gtk_menu_button_set_popover (o->button, GTK_WIDGET (o->panel));
  adw_header_bar_pack_end (self->header_bar, GTK_WIDGET (o->button));
  o->map_button = layers_button_new ("map-layers-button");
  gtk_widget_set_halign (GTK_WIDGET (o->map_button), GTK_ALIGN_START);
  gtk_widget_set_valign (GTK_WIDGET (o->map_button), GTK_ALIGN_START);
  gtk_widget_set_margin_start (GTK_WIDGET (o->map_button), 6);
  gtk_widget_set_margin_top (GTK_WIDGET (o->map_button), 6);
  gtk_widget_set_visible (GTK_WIDGET (o->map_button), FALSE);
  gtk_overlay_add_overlay (GTK_OVERLAY (self->map_overlay), GTK_WIDGET (o->map_button));
  g_signal_connect_object (self, "notify::css-classes", G_CALLBACK (on_window_classes_cb), self,
                           G_CONNECT_SWAPPED);
  on_window_classes_cb (self);

  /* Top first, as drawn by default. */
  add_entry (self, "reports", _("Reports"), SHUMATE_LAYER (self->report_layer), TRUE, -1);
  add_entry (self, "shelters", _("Shelters"), SHUMATE_LAYER (o->shapes[BD_OVERLAY_SHELTERS]), TRUE, -1);
  add_entry (self, "closures", _("Road Closures"), SHUMATE_LAYER (o->shapes[BD_OVERLAY_CLOSURES]),
             TRUE, -1);
  add_entry (self, "alerts", _("Alerts"), SHUMATE_LAYER (o->shapes[BD_OVERLAY_ALERTS]), TRUE, -1);
  add_entry (self, "areas", _("Areas"), SHUMATE_LAYER (o->shapes[BD_OVERLAY_AREAS]), TRUE, -1);
  add_entry (self, "base-map", _("Base Map"), NULL, TRUE, -1);

  _bd_window_build_legend (self);
  load_settings (self);
  load_overlay_files (self);

  g_signal_connect_object (self->map, "notify::map-source",
                           G_CALLBACK (on_map_source_changed_cb), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
}

void
_bd_layers_dispose (BdWindow *self)
{
  BdWindowOverlays *o = self->overlays;

  g_clear_pointer (&o->entries, g_ptr_array_unref);
}

GtkPopover *
_bd_window_get_layer_panel (BdWindow *self)
{
  g_return_val_if_fail (self->overlays != NULL, NULL);
  return self->overlays->panel;
}

GtkWidget *
_bd_window_get_layer_control (BdWindow   *self,
                              const char *id,
                              const char *what)
{
  BdLayerEntry *entry;

  g_return_val_if_fail (self->overlays != NULL, NULL);
  if (g_strcmp0 (what, "legend") == 0)
    return GTK_WIDGET (self->overlays->legend_box);
  if (g_strcmp0 (what, "features-here") == 0)
    return gtk_widget_get_next_sibling (GTK_WIDGET (self->overlays->rows_box));
  entry = find_entry (self, id, NULL);
  if (entry == NULL)
    return NULL;
  if (g_strcmp0 (what, "visible") == 0)
    return entry->toggle;
  if (g_strcmp0 (what, "opacity") == 0)
    return entry->scale;
  if (g_strcmp0 (what, "up") == 0)
    return entry->up;
  if (g_strcmp0 (what, "down") == 0)
    return entry->down;
  if (g_strcmp0 (what, "row") == 0)
    return entry->row;
  return NULL;
}
