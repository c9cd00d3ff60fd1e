/* bd-photo-thumbnail.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-photo-thumbnail"

#include "config.h"

#include "bd-photo-thumbnail-private.h"

#include <glib/gi18n-lib.h>

/* Every thumbnail has this size, whatever the photo's: a GtkPicture alone
 * would ask for its picture's size. Large enough to tell photos apart and
 * to hit with a finger. */
#define THUMBNAIL_SIZE 116

struct _BdPhotoThumbnail
{
  GtkWidget     parent_instance;

  char         *sha256;
  char         *media_type;
  char         *name;
  BdPhotoState  state;

  GtkWidget    *overlay;
  GtkStack     *stack;
  GtkPicture   *picture;
  GtkSpinner   *spinner;
  GtkImage     *placeholder_icon;
  GtkLabel     *status_label;
  GtkWidget    *remove_button;
};

G_DEFINE_FINAL_TYPE (BdPhotoThumbnail, bd_photo_thumbnail, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SHA256,
  PROP_MEDIA_TYPE,
  PROP_NAME,
  N_PROPS
};

enum {
  REMOVE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
show_state (BdPhotoThumbnail *self)
{
  const char *icon = NULL;
  const char *text = NULL;
  g_autofree char *description = NULL;

  switch (self->state)
    {
    case BD_PHOTO_STATE_READY:
      gtk_spinner_stop (self->spinner);
      gtk_stack_set_visible_child_name (self->stack, "picture");
      /* Translators: the accessible description of a photo thumbnail; %s is its file name */
      description = g_strdup_printf (_("Photo %s"), self->name);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, description,
                                      -1);
      return;

    case BD_PHOTO_STATE_ON_SERVER:
      icon = "network-server-symbolic";
      /* Translators: a photo this device has not downloaded */
      text = _("On the server");
      break;

    case BD_PHOTO_STATE_BROKEN:
      icon = "image-missing-symbolic";
      text = _("Cannot show this photo");
      break;

    case BD_PHOTO_STATE_NO_PREVIEW:
      icon = "image-x-generic-symbolic";
      /* Translators: a photo kept and sent as it is, but that this device cannot draw (WebP, HEIC) */
      text = _("No preview");
      break;

    case BD_PHOTO_STATE_LOADING:
    default:
      text = _("Loading…");
      break;
    }

  gtk_spinner_set_spinning (self->spinner, icon == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), icon == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->placeholder_icon), icon != NULL);
  if (icon != NULL)
    gtk_image_set_from_icon_name (self->placeholder_icon, icon);
  gtk_label_set_text (self->status_label, text);
  gtk_stack_set_visible_child_name (self->stack, "placeholder");

  /* Translators: the accessible description of a photo: its file name, then a state such as "On the server" */
  description = g_strdup_printf (_("Photo %s: %s"), self->name, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description,
                                  -1);
}

static void
on_remove_clicked_cb (BdPhotoThumbnail *self,
                      GtkButton        *button)
{
  g_signal_emit (self, signals[REMOVE], 0);
}

static void
bd_photo_thumbnail_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  BdPhotoThumbnail *self = BD_PHOTO_THUMBNAIL (widget);
  int child_min = 0;

  /* Measured all the same (GTK wants every child measured before it is
   * allocated), but the answer is fixed. */
  gtk_widget_measure (self->overlay, orientation, -1, &child_min, NULL, NULL, NULL);
  *minimum = *natural = MAX (THUMBNAIL_SIZE, child_min);
}

static void
bd_photo_thumbnail_size_allocate (GtkWidget *widget,
                                  int        width,
                                  int        height,
                                  int        baseline)
{
  BdPhotoThumbnail *self = BD_PHOTO_THUMBNAIL (widget);

  gtk_widget_allocate (self->overlay, width, height, baseline, NULL);
}

static void
bd_photo_thumbnail_constructed (GObject *object)
{
  BdPhotoThumbnail *self = (BdPhotoThumbnail *)object;
  g_autofree char *remove_label = NULL;

  G_OBJECT_CLASS (bd_photo_thumbnail_parent_class)->constructed (object);

  if (self->name == NULL)
    self->name = g_strdup ("");

  gtk_widget_set_tooltip_text (GTK_WIDGET (self), self->name);
  gtk_picture_set_alternative_text (self->picture, self->name);
  /* Translators: the accessible name of the button that removes a photo; %s is its file name */
  remove_label = g_strdup_printf (_("Remove photo %s"), self->name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->remove_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label,
                                  -1);
  show_state (self);
}

static void
bd_photo_thumbnail_dispose (GObject *object)
{
  BdPhotoThumbnail *self = (BdPhotoThumbnail *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), BD_TYPE_PHOTO_THUMBNAIL);

  G_OBJECT_CLASS (bd_photo_thumbnail_parent_class)->dispose (object);
}

static void
bd_photo_thumbnail_finalize (GObject *object)
{
  BdPhotoThumbnail *self = (BdPhotoThumbnail *)object;

  g_clear_pointer (&self->sha256, g_free);
  g_clear_pointer (&self->media_type, g_free);
  g_clear_pointer (&self->name, g_free);

  G_OBJECT_CLASS (bd_photo_thumbnail_parent_class)->finalize (object);
}

static void
bd_photo_thumbnail_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  BdPhotoThumbnail *self = BD_PHOTO_THUMBNAIL (object);

  switch (prop_id)
    {
    case PROP_SHA256:
      g_value_set_string (value, self->sha256);
      break;

    case PROP_MEDIA_TYPE:
      g_value_set_string (value, self->media_type);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_photo_thumbnail_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  BdPhotoThumbnail *self = BD_PHOTO_THUMBNAIL (object);

  switch (prop_id)
    {
    case PROP_SHA256:
      self->sha256 = g_value_dup_string (value);
      break;

    case PROP_MEDIA_TYPE:
      self->media_type = g_value_dup_string (value);
      break;

    case PROP_NAME:
      self->name = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_photo_thumbnail_class_init (BdPhotoThumbnailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = bd_photo_thumbnail_constructed;
  object_class->dispose = bd_photo_thumbnail_dispose;
  object_class->finalize = bd_photo_thumbnail_finalize;
  object_class->get_property = bd_photo_thumbnail_get_property;
  object_class->set_property = bd_photo_thumbnail_set_property;

  properties[PROP_SHA256] =
    g_param_spec_string ("sha256", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_MEDIA_TYPE] =
    g_param_spec_string ("media-type", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[REMOVE] =
    g_signal_new ("remove",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/bd-photo-thumbnail.ui");
  gtk_widget_class_bind_template_child (widget_class, BdPhotoThumbnail, overlay);
  gtk_widget_class_bind_template_child (widget_class, BdPhotoThumbnail, stack);
  gtk_widget_class_bind_template_child (widget_class, BdPhotoThumbnail, picture);
  gtk_widget_class_bind_template_child (widget_class, BdPhotoThumbnail, spinner);
  gtk_widget_class_bind_template_child (widget_class, BdPhotoThumbnail, placeholder_icon);
  gtk_widget_class_bind_template_child (widget_class, BdPhotoThumbnail, status_label);
  gtk_widget_class_bind_template_child (widget_class, BdPhotoThumbnail, remove_button);
  gtk_widget_class_bind_template_callback (widget_class, on_remove_clicked_cb);

  widget_class->measure = bd_photo_thumbnail_measure;
  widget_class->size_allocate = bd_photo_thumbnail_size_allocate;

  gtk_widget_class_set_css_name (widget_class, "photothumbnail");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
bd_photo_thumbnail_init (BdPhotoThumbnail *self)
{
  self->state = BD_PHOTO_STATE_LOADING;
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* public API */

GtkWidget *
bd_photo_thumbnail_new (const char *sha256,
                        const char *media_type,
                        const char *name)
{
  return g_object_new (BD_TYPE_PHOTO_THUMBNAIL,
                       "sha256", sha256,
                       "media-type", media_type,
                       "name", name,
                       NULL);
}

const char *
bd_photo_thumbnail_get_sha256 (BdPhotoThumbnail *self)
{
  g_return_val_if_fail (BD_IS_PHOTO_THUMBNAIL (self), NULL);

  return self->sha256;
}

const char *
bd_photo_thumbnail_get_name (BdPhotoThumbnail *self)
{
  g_return_val_if_fail (BD_IS_PHOTO_THUMBNAIL (self), NULL);

  return self->name;
}

BdPhotoState
bd_photo_thumbnail_get_state (BdPhotoThumbnail *self)
{
  g_return_val_if_fail (BD_IS_PHOTO_THUMBNAIL (self), BD_PHOTO_STATE_LOADING);

  return self->state;
}

void
bd_photo_thumbnail_set_texture (BdPhotoThumbnail *self,
                                GdkTexture       *texture)
{
  g_return_if_fail (BD_IS_PHOTO_THUMBNAIL (self));
  g_return_if_fail (GDK_IS_TEXTURE (texture));

  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));
  self->state = BD_PHOTO_STATE_READY;
  show_state (self);
}

void
bd_photo_thumbnail_set_state (BdPhotoThumbnail *self,
                              BdPhotoState      state)
{
  g_return_if_fail (BD_IS_PHOTO_THUMBNAIL (self));
  g_return_if_fail (state != BD_PHOTO_STATE_READY);

  if (self->state == state)
    return;

  gtk_picture_set_paintable (self->picture, NULL);
  self->state = state;
  show_state (self);
}

GtkWidget *
_bd_photo_thumbnail_get_remove_button (BdPhotoThumbnail *self)
{
  g_return_val_if_fail (BD_IS_PHOTO_THUMBNAIL (self), NULL);

  return self->remove_button;
}

GtkLabel *
_bd_photo_thumbnail_get_status_label (BdPhotoThumbnail *self)
{
  g_return_val_if_fail (BD_IS_PHOTO_THUMBNAIL (self), NULL);

  return self->status_label;
}
