/* bd-time-bar.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-time-bar"

#include "config.h"

#include "bd-time-bar.h"

#include <glib/gi18n.h>

/* Playback ticks, ms. */
#define TICK_MS 100

static const gint64 speeds[] = { 3600, 6 * 3600, 24 * 3600 };

struct _BdTimeBar
{
  GtkWidget      parent_instance;

  gint64         start;
  gint64         end;
  gint64         as_of;            /* G_MAXINT64: live */
  gboolean       playing;
  double         play_pos;         /* unix s, with the fraction of ticks */
  guint          tick_id;
  gboolean       setting;          /* the slider is moved by us */
  char          *text;

  /* template children */
  GtkWidget     *box;
  GtkButton     *play_button;
  GtkScale      *scale;
  GtkAdjustment *adjustment;
  GtkLabel      *label;
  GtkDropDown   *speed_dropdown;
  GtkButton     *now_button;
};

G_DEFINE_FINAL_TYPE (BdTimeBar, bd_time_bar, GTK_TYPE_WIDGET)

/* The bar's two rows (play and the slider; the time, the speed and Now)
 * side by side when they fit, else one above the other: on a phone-wide
 * map the bar would be cut off. */
#define ROW_SPACING 6

#define BD_TYPE_TWO_ROW_LAYOUT (bd_two_row_layout_get_type ())
G_DECLARE_FINAL_TYPE (BdTwoRowLayout, bd_two_row_layout, BD, TWO_ROW_LAYOUT, GtkLayoutManager)

struct _BdTwoRowLayout
{
  GtkLayoutManager parent_instance;
};

G_DEFINE_FINAL_TYPE (BdTwoRowLayout, bd_two_row_layout, GTK_TYPE_LAYOUT_MANAGER)

static void
measure_rows (GtkWidget      *widget,
              GtkOrientation  orientation,
              int             for_size,
              int             min[2],
              int             nat[2])
{
  GtkWidget *row = gtk_widget_get_first_child (widget);

  for (guint i = 0; i < 2; i++, row = row != NULL ? gtk_widget_get_next_sibling (row) : NULL)
    {
      min[i] = nat[i] = 0;
      if (row != NULL && gtk_widget_should_layout (row))
        gtk_widget_measure (row, orientation, for_size, &min[i], &nat[i], NULL, NULL);
    }
}

/* Whether both rows fit side by side in @width. */
static gboolean
fits_in_one_row (GtkWidget *widget,
                 int        width)
{
  int min[2], nat[2];

  measure_rows (widget, GTK_ORIENTATION_HORIZONTAL, -1, min, nat);
  return width < 0 || width >= min[0] + ROW_SPACING + nat[1];
}

static GtkSizeRequestMode
bd_two_row_layout_get_request_mode (GtkLayoutManager *manager,
                                    GtkWidget        *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
bd_two_row_layout_measure (GtkLayoutManager *manager,
                           GtkWidget        *widget,
                           GtkOrientation    orientation,
                           int               for_size,
                           int              *minimum,
                           int              *natural,
                           int              *minimum_baseline,
                           int              *natural_baseline)
{
  int min[2], nat[2];

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* the narrowest is stacked; the natural width is one row */
      measure_rows (widget, orientation, -1, min, nat);
      *minimum = MAX (min[0], min[1]);
      *natural = nat[0] + ROW_SPACING + nat[1];
    }
  else
    {
      measure_rows (widget, orientation, -1, min, nat);
      if (fits_in_one_row (widget, for_size))
        {
          *minimum = MAX (min[0], min[1]);
          *natural = MAX (nat[0], nat[1]);
        }
      else
        {
          *minimum = min[0] + ROW_SPACING + min[1];
          *natural = nat[0] + ROW_SPACING + nat[1];
        }
    }
}

static void
bd_two_row_layout_allocate (GtkLayoutManager *manager,
                            GtkWidget        *widget,
                            int               width,
                            int               height,
                            int               baseline)
{
  GtkWidget *first = gtk_widget_get_first_child (widget);
  GtkWidget *second = first != NULL ? gtk_widget_get_next_sibling (first) : NULL;
  int min[2], nat[2];

  if (first == NULL || second == NULL)
    return;

  measure_rows (widget, GTK_ORIENTATION_HORIZONTAL, -1, min, nat);
  if (fits_in_one_row (widget, width))
    {
      /* the second row at its natural width, the slider takes the rest */
      int second_width = MIN (nat[1], width - min[0] - ROW_SPACING);

      gtk_widget_size_allocate (first, &(GtkAllocation) { 0, 0, width - second_width - ROW_SPACING,
                                                          height }, -1);
      gtk_widget_size_allocate (second, &(GtkAllocation) { width - second_width, 0, second_width,
                                                           height }, -1);
    }
  else
    {
      int h_min, h_nat, first_height;

      gtk_widget_measure (first, GTK_ORIENTATION_VERTICAL, width, &h_min, &h_nat, NULL, NULL);
      first_height = MIN (h_nat, height);
      gtk_widget_size_allocate (first, &(GtkAllocation) { 0, 0, width, first_height }, -1);
      gtk_widget_size_allocate (second, &(GtkAllocation) {
                                  0, first_height + ROW_SPACING, width,
                                  MAX (height - first_height - ROW_SPACING, 0) }, -1);
    }
}

static void
bd_two_row_layout_class_init (BdTwoRowLayoutClass *klass)
{
  GtkLayoutManagerClass *layout_class = GTK_LAYOUT_MANAGER_CLASS (klass);

  layout_class->get_request_mode = bd_two_row_layout_get_request_mode;
  layout_class->measure = bd_two_row_layout_measure;
  layout_class->allocate = bd_two_row_layout_allocate;
}

static void
bd_two_row_layout_init (BdTwoRowLayout *self)
{
}

enum {
  PROP_0,
  PROP_AS_OF,
  PROP_PLAYING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_text (BdTimeBar *self)
{
  g_autofree char *text = NULL;

  if (self->as_of == G_MAXINT64)
    {
      text = g_strdup (_("Live"));
    }
  else
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (self->as_of);
      /* Translators: the time bar's time, a strftime format of
       * g_date_time_format () (ja: "%-m月%-d日 %H:%M") */
      g_autofree char *date = when != NULL
                              ? g_date_time_format (when, C_("time bar", "%b %-d, %H:%M"))
                              : NULL;

      /* Translators: %s is a date and time ("12月6日 14:00") */
      text = g_strdup_printf (_("As of %s"), date != NULL ? date : "");
    }

  gtk_label_set_text (self->label, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->scale),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, text, -1);
  gtk_widget_set_sensitive (GTK_WIDGET (self->now_button), self->as_of != G_MAXINT64);
  g_free (self->text);
  self->text = g_steal_pointer (&text);
}

static void
update_play_button (BdTimeBar *self)
{
  const char *label = self->playing ? _("Pause") : _("Play");

  gtk_button_set_icon_name (self->play_button, self->playing
                            ? "media-playback-pause-symbolic"
                            : "media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->play_button),
                               self->playing ? _("Pause (Space)") : _("Play (Space)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->play_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/* Puts the slider at the time shown, without it counting as the user's. */
static void
place_slider (BdTimeBar *self)
{
  double value = self->as_of == G_MAXINT64 ? (double) self->end : (double) self->as_of;

  self->setting = TRUE;
  gtk_adjustment_configure (self->adjustment, value, (double) self->start, (double) self->end,
                            3600.0, 6 * 3600.0, 0.0);
  self->setting = FALSE;
}

static void
set_as_of_internal (BdTimeBar *self,
                    gint64     as_of)
{
  if (as_of != G_MAXINT64)
    as_of = CLAMP (as_of, self->start, self->end);
  if (self->as_of == as_of)
    return;

  self->as_of = as_of;
  update_text (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AS_OF]);
}

static void
on_value_changed_cb (BdTimeBar     *self,
                     GtkAdjustment *adjustment)
{
  if (self->setting)
    return;

  /* the user moved it: that time, not live */
  self->play_pos = gtk_adjustment_get_value (adjustment);
  set_as_of_internal (self, (gint64) self->play_pos);
}

static gboolean
tick_cb (gpointer user_data)
{
  _bd_time_bar_step (BD_TIME_BAR (user_data), TICK_MS / 1000.0);
  return G_SOURCE_CONTINUE;
}

void
_bd_time_bar_step (BdTimeBar *self,
                   double     seconds)
{
  g_return_if_fail (BD_IS_TIME_BAR (self));

  if (self->as_of == G_MAXINT64)
    return;

  self->play_pos += seconds * bd_time_bar_get_speed (self);
  if (self->play_pos >= (double) self->end)
    {
      /* played up to now: live again */
      bd_time_bar_set_playing (self, FALSE);
      bd_time_bar_set_as_of (self, G_MAXINT64);
      return;
    }

  set_as_of_internal (self, (gint64) self->play_pos);
  place_slider (self);
}

void
bd_time_bar_set_playing (BdTimeBar *self,
                         gboolean   playing)
{
  g_return_if_fail (BD_IS_TIME_BAR (self));

  playing = !!playing;
  if (self->playing == playing)
    return;

  self->playing = playing;
  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (playing)
    {
      /* from live (or the end), play from the start */
      if (self->as_of == G_MAXINT64 || self->as_of >= self->end)
        {
          self->play_pos = (double) self->start;
          set_as_of_internal (self, self->start);
          place_slider (self);
        }
      else
        {
          self->play_pos = (double) self->as_of;
        }
      self->tick_id = g_timeout_add (TICK_MS, tick_cb, self);
    }

  update_play_button (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
}

gboolean
bd_time_bar_get_playing (BdTimeBar *self)
{
  g_return_val_if_fail (BD_IS_TIME_BAR (self), FALSE);

  return self->playing;
}

static void
on_play_clicked_cb (BdTimeBar *self)
{
  bd_time_bar_set_playing (self, !self->playing);
}

static void
on_now_clicked_cb (BdTimeBar *self)
{
  bd_time_bar_set_playing (self, FALSE);
  bd_time_bar_set_as_of (self, G_MAXINT64);
}

static gboolean
on_space_cb (GtkWidget *widget,
             GVariant  *args,
             gpointer   user_data)
{
  BdTimeBar *self = BD_TIME_BAR (widget);

  bd_time_bar_set_playing (self, !self->playing);
  return TRUE;
}

GtkWidget *
bd_time_bar_new (void)
{
  return g_object_new (BD_TYPE_TIME_BAR, NULL);
}

void
bd_time_bar_set_range (BdTimeBar *self,
                       gint64     start,
                       gint64     end)
{
  g_return_if_fail (BD_IS_TIME_BAR (self));

  if (end < start)
    end = start;
  /* at least an hour, so that the slider can move */
  if (end - start < 3600)
    start = end - 3600;

  self->start = start;
  self->end = end;
  if (self->as_of != G_MAXINT64)
    set_as_of_internal (self, self->as_of);
  place_slider (self);
}

void
bd_time_bar_get_range (BdTimeBar *self,
                       gint64    *start,
                       gint64    *end)
{
  g_return_if_fail (BD_IS_TIME_BAR (self));

  if (start != NULL)
    *start = self->start;
  if (end != NULL)
    *end = self->end;
}

void
bd_time_bar_set_as_of (BdTimeBar *self,
                       gint64     as_of)
{
  g_return_if_fail (BD_IS_TIME_BAR (self));

  set_as_of_internal (self, as_of);
  if (self->as_of != G_MAXINT64)
    self->play_pos = (double) self->as_of;
  place_slider (self);
}

gint64
bd_time_bar_get_as_of (BdTimeBar *self)
{
  g_return_val_if_fail (BD_IS_TIME_BAR (self), G_MAXINT64);

  return self->as_of;
}

gboolean
bd_time_bar_get_live (BdTimeBar *self)
{
  g_return_val_if_fail (BD_IS_TIME_BAR (self), TRUE);

  return self->as_of == G_MAXINT64;
}

gint64
bd_time_bar_get_speed (BdTimeBar *self)
{
  guint selected;

  g_return_val_if_fail (BD_IS_TIME_BAR (self), speeds[0]);

  selected = gtk_drop_down_get_selected (self->speed_dropdown);
  return selected < G_N_ELEMENTS (speeds) ? speeds[selected] : speeds[0];
}

const char *
bd_time_bar_get_text (BdTimeBar *self)
{
  g_return_val_if_fail (BD_IS_TIME_BAR (self), NULL);

  return self->text;
}

static void
bd_time_bar_dispose (GObject *object)
{
  BdTimeBar *self = BD_TIME_BAR (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), BD_TYPE_TIME_BAR);

  G_OBJECT_CLASS (bd_time_bar_parent_class)->dispose (object);
}

static void
bd_time_bar_finalize (GObject *object)
{
  BdTimeBar *self = BD_TIME_BAR (object);

  g_free (self->text);

  G_OBJECT_CLASS (bd_time_bar_parent_class)->finalize (object);
}

static void
bd_time_bar_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  BdTimeBar *self = BD_TIME_BAR (object);

  switch (prop_id)
    {
    case PROP_AS_OF:
      g_value_set_int64 (value, self->as_of);
      break;
    case PROP_PLAYING:
      g_value_set_boolean (value, self->playing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_time_bar_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  BdTimeBar *self = BD_TIME_BAR (object);

  switch (prop_id)
    {
    case PROP_AS_OF:
      bd_time_bar_set_as_of (self, g_value_get_int64 (value));
      break;
    case PROP_PLAYING:
      bd_time_bar_set_playing (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_time_bar_class_init (BdTimeBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bd_time_bar_dispose;
  object_class->finalize = bd_time_bar_finalize;
  object_class->get_property = bd_time_bar_get_property;
  object_class->set_property = bd_time_bar_set_property;

  properties[PROP_AS_OF] =
    g_param_spec_int64 ("as-of", NULL, NULL, G_MININT64, G_MAXINT64, G_MAXINT64,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PLAYING] =
    g_param_spec_boolean ("playing", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/bd-time-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, BdTimeBar, box);
  gtk_widget_class_bind_template_child (widget_class, BdTimeBar, play_button);
  gtk_widget_class_bind_template_child (widget_class, BdTimeBar, scale);
  gtk_widget_class_bind_template_child (widget_class, BdTimeBar, adjustment);
  gtk_widget_class_bind_template_child (widget_class, BdTimeBar, label);
  gtk_widget_class_bind_template_child (widget_class, BdTimeBar, speed_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BdTimeBar, now_button);
  gtk_widget_class_bind_template_callback (widget_class, on_play_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_now_clicked_cb);

  /* Space plays or pauses (a focused button takes it first) */
  gtk_widget_class_add_binding (widget_class, GDK_KEY_space, 0, on_space_cb, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Space, 0, on_space_cb, NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "timebar");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_TOOLBAR);
}

static void
bd_time_bar_init (BdTimeBar *self)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  self->as_of = G_MAXINT64;
  self->end = now;
  self->start = now - 24 * 3600;

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_layout_manager (self->box, g_object_new (BD_TYPE_TWO_ROW_LAYOUT, NULL));
  g_signal_connect_object (self->adjustment, "value-changed",
                           G_CALLBACK (on_value_changed_cb), self, G_CONNECT_SWAPPED);
  place_slider (self);
  update_text (self);
  update_play_button (self);
}
