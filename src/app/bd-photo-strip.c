/* bd-photo-strip.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-photo-strip"

#include "config.h"

#include "bd-photo-strip-private.h"

#include <glib/gi18n-lib.h>

#include "bd-catalog.h"
#include "bd-exif.h"
#include "bd-photo-loader.h"
#include "bd-photo-thumbnail.h"
#include "bd-report.h"

struct _BdPhotoStrip
{
  GtkBox                parent_instance;

  BdStore              *store;
  GVariant             *attachments;     /* a(sss): sha256, media type, name; NULL: no report */
  gboolean              can_add;

  /* Loads and thumbnails run on worker threads with this cancellable,
   * replaced by bd_photo_strip_reset () (another report was opened). */
  GCancellable         *photo_cancellable;
  GHashTable           *thumbnails;      /* sha256 → GdkTexture */
  GHashTable           *photo_states;    /* sha256 → BdPhotoState (ON_SERVER, BROKEN) */
  GQueue                decode_queue;    /* sha256s waiting for a thumbnail, one at a time */
  char                 *decoding_sha;
  guint                 decoding : 1;    /* a thumbnail is being decoded */
  guint                 n_photo_loads;   /* files being read */
  GtkFileChooserNative *chooser;

  /* template children */
  GtkWidget            *add_photo_button;
  GtkWidget            *photos_empty_label;
  GtkFlowBox           *photo_box;
  GtkWidget            *photo_progress;
  GtkSpinner           *photo_spinner;
  GtkLabel             *photo_error;
  GtkWidget            *position_offer;
  GtkLabel             *position_label;
  GtkWidget            *use_position_button;
  GtkLabel             *use_position_label;

  /* where the last photo added was taken, offered as the report's place */
  double                offered_latitude;
  double                offered_longitude;
};

G_DEFINE_FINAL_TYPE (BdPhotoStrip, bd_photo_strip, GTK_TYPE_BOX)

enum {
  PROP_0,
  PROP_STORE,
  PROP_ATTACHMENTS,
  PROP_CAN_ADD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  USE_POSITION,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void rebuild_photos (BdPhotoStrip *self);

static void
show_error (GtkLabel   *label,
            const char *message)
{
  gboolean show = message != NULL && message[0] != '\0';

  gtk_label_set_text (label, show ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), show);
}

static guint
n_attachments (BdPhotoStrip *self)
{
  return self->attachments != NULL ? (guint)g_variant_n_children (self->attachments) : 0;
}

static void
update_can_add (BdPhotoStrip *self)
{
  gboolean can_add = self->attachments != NULL && self->store != NULL &&
                     n_attachments (self) + self->n_photo_loads < BD_REPORT_MAX_ATTACHMENTS;

  if (can_add == self->can_add)
    return;

  self->can_add = can_add;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_ADD]);
}

/* What the strip itself changed (a photo added or removed): tells the
 * editor. Takes @attachments if floating. */
static void
set_attachments (BdPhotoStrip *self,
                 GVariant     *attachments)
{
  g_autoptr(GVariant) old = g_steal_pointer (&self->attachments);

  self->attachments = attachments != NULL ? g_variant_ref_sink (attachments) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ATTACHMENTS]);
  update_can_add (self);
}

static void
update_photo_progress (BdPhotoStrip   *self)
{
  gboolean busy = self->n_photo_loads > 0;

  gtk_widget_set_visible (self->photo_progress, busy);
  gtk_spinner_set_spinning (self->photo_spinner, busy);
}

/* Several files may fail in one go: their messages are listed together
 * until the next batch starts. */
static void
add_photo_error (BdPhotoStrip   *self,
                 const char     *message)
{
  const char *shown = gtk_label_get_text (self->photo_error);

  if (gtk_widget_get_visible (GTK_WIDGET (self->photo_error)) && shown[0] != '\0')
    {
      g_autofree char *both = g_strconcat (shown, "\n", message, NULL);

      show_error (self->photo_error, both);
    }
  else
    show_error (self->photo_error, message);
}

/* Stops every photo load and thumbnail of the previous report. */
static void
reset_photo_work (BdPhotoStrip   *self)
{
  if (self->photo_cancellable != NULL)
    g_cancellable_cancel (self->photo_cancellable);
  g_clear_object (&self->photo_cancellable);
  self->photo_cancellable = g_cancellable_new ();

  g_queue_clear_full (&self->decode_queue, g_free);
  g_clear_pointer (&self->decoding_sha, g_free);
  self->decoding = FALSE;
  self->n_photo_loads = 0;

  g_hash_table_remove_all (self->thumbnails);
  g_hash_table_remove_all (self->photo_states);
  show_error (self->photo_error, NULL);
  gtk_widget_set_visible (self->position_offer, FALSE);
  update_photo_progress (self);
}

/* Calls @func on every thumbnail of @sha256 shown (NULL: every one). */
static void
foreach_thumbnail (BdPhotoStrip   *self,
                   const char     *sha256,
                   void          (*func) (BdPhotoThumbnail *thumbnail,
                                          gpointer          data),
                   gpointer        data)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->photo_box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *thumbnail;

      if (!GTK_IS_FLOW_BOX_CHILD (child))
        continue;
      thumbnail = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));
      if (BD_IS_PHOTO_THUMBNAIL (thumbnail) &&
          (sha256 == NULL ||
           g_strcmp0 (bd_photo_thumbnail_get_sha256 (BD_PHOTO_THUMBNAIL (thumbnail)), sha256) == 0))
        func (BD_PHOTO_THUMBNAIL (thumbnail), data);
    }
}

static void
set_texture_func (BdPhotoThumbnail *thumbnail,
                  gpointer          data)
{
  bd_photo_thumbnail_set_texture (thumbnail, data);
}

static void
set_state_func (BdPhotoThumbnail *thumbnail,
                gpointer          data)
{
  bd_photo_thumbnail_set_state (thumbnail, GPOINTER_TO_INT (data));
}

static void
count_func (BdPhotoThumbnail *thumbnail,
            gpointer          data)
{
  (*(guint *)data)++;
}

static void start_decoding (BdPhotoStrip   *self);

static void
on_thumbnail_decoded_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(BdPhotoStrip) self = user_data;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sha256 = NULL;

  texture = bd_photo_load_thumbnail_finish (result, &error);

  /* Another report was opened meanwhile, or the editor went away. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  sha256 = g_steal_pointer (&self->decoding_sha);
  self->decoding = FALSE;

  if (texture != NULL)
    {
      g_hash_table_insert (self->thumbnails, g_strdup (sha256), g_object_ref (texture));
      foreach_thumbnail (self, sha256, set_texture_func, texture);
    }
  else
    {
      BdPhotoState state = BD_PHOTO_STATE_BROKEN;

      if (g_error_matches (error, BD_STORE_ERROR, BD_STORE_ERROR_NOT_FOUND))
        state = BD_PHOTO_STATE_ON_SERVER;
      else if (g_error_matches (error, BD_PHOTO_ERROR, BD_PHOTO_ERROR_NO_PREVIEW))
        state = BD_PHOTO_STATE_NO_PREVIEW;
      else
        g_debug ("Photo %s cannot be shown: %s", sha256, error->message);
      g_hash_table_insert (self->photo_states, g_strdup (sha256), GINT_TO_POINTER (state));
      foreach_thumbnail (self, sha256, set_state_func, GINT_TO_POINTER (state));
    }

  start_decoding (self);
}

/* One thumbnail at a time (each photo may be 20 MB), read from the store
 * and decoded on a worker thread. */
static void
start_decoding (BdPhotoStrip   *self)
{
  while (!self->decoding && !g_queue_is_empty (&self->decode_queue))
    {
      g_autofree char *sha256 = g_queue_pop_head (&self->decode_queue);
      guint shown = 0;

      foreach_thumbnail (self, sha256, count_func, &shown);
      if (shown == 0 || self->store == NULL)
        continue;

      self->decoding = TRUE;
      self->decoding_sha = g_steal_pointer (&sha256);
      bd_photo_load_thumbnail_async (self->store, self->decoding_sha, self->photo_cancellable,
                                     on_thumbnail_decoded_cb, g_object_ref (self));
    }
}

static gboolean
queue_has (GQueue     *queue,
           const char *sha256)
{
  return g_queue_find_custom (queue, sha256, (GCompareFunc)g_strcmp0) != NULL;
}

/* A copy of the report's attachments without the first one named @sha256. */
static GVariant *
attachments_without (GVariant   *attachments,
                     const char *sha256)
{
  GVariantBuilder builder;
  gboolean removed = FALSE;
  gsize n = g_variant_n_children (attachments);

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sss)"));
  for (gsize i = 0; i < n; i++)
    {
      const char *sha, *media_type, *name;

      g_variant_get_child (attachments, i, "(&s&s&s)", &sha, &media_type, &name);
      if (!removed && g_strcmp0 (sha, sha256) == 0)
        {
          removed = TRUE;
          continue;
        }
      g_variant_builder_add (&builder, "(sss)", sha, media_type, name);
    }

  return g_variant_builder_end (&builder);
}

static void
on_photo_remove_cb (BdPhotoThumbnail *thumbnail,
                    BdPhotoStrip     *self)
{
  g_autofree char *sha256 = NULL;

  if (self->attachments == NULL)
    return;

  sha256 = g_strdup (bd_photo_thumbnail_get_sha256 (thumbnail));
  /* The photo stays in the store: another report may name it, and the
   * user may still cancel this edit. */
  set_attachments (self, attachments_without (self->attachments, sha256));

  show_error (self->photo_error, NULL);
  rebuild_photos (self);
  gtk_widget_grab_focus (self->add_photo_button);
}

static gboolean
is_on_server_state (gpointer key,
                    gpointer value,
                    gpointer user_data)
{
  return GPOINTER_TO_INT (value) == BD_PHOTO_STATE_ON_SERVER;
}

static void
rebuild_photos (BdPhotoStrip   *self)
{
  GVariant *attachments = self->attachments;
  GtkWidget *child;
  gsize n = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->photo_box))) != NULL)
    gtk_flow_box_remove (self->photo_box, child);

  if (attachments != NULL)
    n = g_variant_n_children (attachments);

  for (gsize i = 0; i < n; i++)
    {
      const char *sha256, *media_type, *name;
      GtkWidget *thumbnail;
      GdkTexture *texture;
      gpointer state;

      g_variant_get_child (attachments, i, "(&s&s&s)", &sha256, &media_type, &name);
      thumbnail = bd_photo_thumbnail_new (sha256, media_type, name);
      g_signal_connect_object (thumbnail, "remove", G_CALLBACK (on_photo_remove_cb), self, 0);

      if ((texture = g_hash_table_lookup (self->thumbnails, sha256)) != NULL)
        bd_photo_thumbnail_set_texture (BD_PHOTO_THUMBNAIL (thumbnail), texture);
      else if (g_hash_table_lookup_extended (self->photo_states, sha256, NULL, &state))
        bd_photo_thumbnail_set_state (BD_PHOTO_THUMBNAIL (thumbnail), GPOINTER_TO_INT (state));
      else if (self->store == NULL)
        bd_photo_thumbnail_set_state (BD_PHOTO_THUMBNAIL (thumbnail), BD_PHOTO_STATE_ON_SERVER);
      else if (g_strcmp0 (self->decoding_sha, sha256) != 0 &&
               !queue_has (&self->decode_queue, sha256))
        g_queue_push_tail (&self->decode_queue, g_strdup (sha256));

      gtk_flow_box_append (self->photo_box, thumbnail);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->photo_box), n > 0);
  gtk_widget_set_visible (self->photos_empty_label, n == 0);

  start_decoding (self);
}

/* Names the stored photo @sha256 in the working copy; FALSE if it was not
 * (already there, or one too many). */
static gboolean
add_photo (BdPhotoStrip   *self,
           BdPhotoFile    *photo,
           const char     *sha256)
{
  GVariant *attachments = self->attachments;
  g_autofree char *message = NULL;
  GVariantBuilder builder;
  gsize n;

  n = g_variant_n_children (attachments);
  if (n >= BD_REPORT_MAX_ATTACHMENTS)
    {
      message = g_strdup_printf (_("A report can have at most %u photos."),
                                 (guint)BD_REPORT_MAX_ATTACHMENTS);
      add_photo_error (self, message);
      return FALSE;
    }

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sss)"));
  for (gsize i = 0; i < n; i++)
    {
      const char *sha, *media_type, *name;

      g_variant_get_child (attachments, i, "(&s&s&s)", &sha, &media_type, &name);
      if (g_strcmp0 (sha, sha256) == 0)
        {
          g_variant_builder_clear (&builder);
          message = g_strdup_printf (_("“%s” is already attached."), photo->name);
          add_photo_error (self, message);
          return FALSE;
        }
      g_variant_builder_add (&builder, "(sss)", sha, media_type, name);
    }
  g_variant_builder_add (&builder, "(sss)", sha256, photo->media_type, photo->name);
  /* The thumbnail first: the editor hears of the new attachments at once. */
  if (photo->thumbnail != NULL)
    {
      g_hash_table_insert (self->thumbnails, g_strdup (sha256), g_object_ref (photo->thumbnail));
      g_hash_table_remove (self->photo_states, sha256);
    }
  else
    g_hash_table_insert (self->photo_states, g_strdup (sha256),
                         GINT_TO_POINTER (BD_PHOTO_STATE_NO_PREVIEW));
  set_attachments (self, g_variant_builder_end (&builder));
  rebuild_photos (self);
  return TRUE;
}

static void
finish_photo_load (BdPhotoStrip   *self)
{
  g_assert (self->n_photo_loads > 0);
  self->n_photo_loads--;
  update_photo_progress (self);
  update_can_add (self);
}

static void
show_store_error (BdPhotoStrip   *self,
                  BdPhotoFile    *photo,
                  const GError   *error)
{
  /* Translators: a file name, then why */
  g_autofree char *message = g_strdup_printf (_("“%s” could not be kept: %s"),
                                              photo->name, error->message);

  add_photo_error (self, message);
}

/* Where the photo was taken (its EXIF GPS tags) is offered as the
 * report's place: shown with a button, never applied by itself. A photo
 * taken outside the city is only mentioned. Only JPEGs carry EXIF where
 * libexif reads it; the segment is small and bounded, so this runs here. */
static void
offer_position (BdPhotoStrip   *self,
                BdPhotoFile    *photo)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *button = NULL;
  double latitude, longitude;
  gsize size;
  const guint8 *data;

  if (g_strcmp0 (photo->media_type, "image/jpeg") != 0)
    return;

  data = g_bytes_get_data (photo->bytes, &size);
  if (!bd_exif_read_position (data, size, &latitude, &longitude, &error))
    {
      g_debug ("No place from “%s”: %s", photo->name, error->message);
      return;
    }

  self->offered_latitude = latitude;
  self->offered_longitude = longitude;

  if (bd_catalog_point_in_city (latitude, longitude))
    {
      /* Translators: a file name; the coordinates follow on the button */
      message = g_strdup_printf (_("“%s” says where it was taken."), photo->name);
      /* Translators: latitude, longitude */
      button = g_strdup_printf (_("Use the Photo’s Location (%.5f, %.5f)"), latitude, longitude);
      gtk_label_set_text (self->use_position_label, button);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->use_position_button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, button,
                                      -1);
      gtk_widget_set_visible (self->use_position_button, TRUE);
    }
  else
    {
      /* Translators: a file name, then latitude, longitude */
      message = g_strdup_printf (_("“%s” was taken outside Osaka City (%.5f, %.5f): the report’s "
                                   "place is not changed."), photo->name, latitude, longitude);
      gtk_widget_set_visible (self->use_position_button, FALSE);
    }

  gtk_label_set_text (self->position_label, message);
  gtk_widget_set_visible (self->position_offer, TRUE);
}

static void
on_use_position_clicked_cb (BdPhotoStrip *self,
                            GtkButton    *button)
{
  gtk_widget_set_visible (self->position_offer, FALSE);
  g_signal_emit (self, signals[USE_POSITION], 0, self->offered_latitude, self->offered_longitude);
}

static void
on_dismiss_position_clicked_cb (BdPhotoStrip *self,
                                GtkButton    *button)
{
  gtk_widget_set_visible (self->position_offer, FALSE);
}

typedef struct
{
  BdPhotoStrip   *self;
  BdPhotoFile    *photo;
} PhotoJob;

static void
photo_job_free (PhotoJob *job)
{
  g_clear_object (&job->self);
  g_clear_pointer (&job->photo, bd_photo_file_free);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhotoJob, photo_job_free)

static void
on_photo_stored_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(PhotoJob) job = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *sha256 = NULL;
  BdPhotoStrip   *self = job->self;

  sha256 = bd_store_add_attachment_finish (BD_STORE (object), result, &error);

  /* Another report was opened meanwhile, or the editor went away. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  finish_photo_load (self);

  if (sha256 == NULL)
    show_store_error (self, job->photo, error);
  else if (self->attachments != NULL && add_photo (self, job->photo, sha256))
    offer_position (self, job->photo);
}

static void
on_photo_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(BdPhotoStrip) self = user_data;
  g_autoptr(BdPhotoFile) photo = NULL;
  g_autoptr(GError) error = NULL;
  PhotoJob *job;

  photo = bd_photo_load_file_finish (result, &error);

  /* Another report was opened meanwhile, or the editor went away. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (photo == NULL || self->attachments == NULL || self->store == NULL)
    {
      finish_photo_load (self);
      if (photo == NULL)
        add_photo_error (self, error->message);
      return;
    }

  /* Hashing and writing megabytes: on a worker thread, through the
   * store's own connection for photos. */
  job = g_new0 (PhotoJob, 1);
  job->self = g_object_ref (self);
  job->photo = g_steal_pointer (&photo);
  bd_store_add_attachment_async (self->store, job->photo->bytes, job->photo->media_type,
                                 self->photo_cancellable, on_photo_stored_cb, job);
}

static void
on_chooser_response_cb (GtkNativeDialog *dialog,
                        int              response,
                        BdPhotoStrip    *self)
{
  g_autoptr(GtkFileChooserNative) chooser = g_steal_pointer (&self->chooser);

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
      guint n_files = g_list_model_get_n_items (files);

      for (guint i = 0; i < n_files; i++)
        {
          g_autoptr(GFile) file = g_list_model_get_item (files, i);

          bd_photo_strip_add_file (self, file);
        }
    }
}

/* Only what the server accepts (bd_media_sniff ()), by media type
 * and, for choosers that only see names, by suffix. */
static void
add_image_types (GtkFileFilter *filter)
{
  static const char * const types[] = {
    "image/jpeg", "image/png", "image/webp", "image/heic", "image/heif",
  };
  static const char * const suffixes[] = {
    "jpg", "jpeg", "png", "webp", "heic", "heif",
  };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    gtk_file_filter_add_mime_type (filter, types[i]);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    gtk_file_filter_add_suffix (filter, suffixes[i]);
}

static void
bd_photo_strip_dispose (GObject *object)
{
  BdPhotoStrip *self = (BdPhotoStrip *)object;

  if (self->photo_cancellable != NULL)
    g_cancellable_cancel (self->photo_cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  gtk_widget_dispose_template (GTK_WIDGET (self), BD_TYPE_PHOTO_STRIP);

  g_clear_object (&self->store);
  g_clear_pointer (&self->attachments, g_variant_unref);
  g_clear_object (&self->photo_cancellable);
  g_clear_pointer (&self->thumbnails, g_hash_table_unref);
  g_clear_pointer (&self->photo_states, g_hash_table_unref);
  g_queue_clear_full (&self->decode_queue, g_free);
  g_clear_pointer (&self->decoding_sha, g_free);

  G_OBJECT_CLASS (bd_photo_strip_parent_class)->dispose (object);
}

static void
bd_photo_strip_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  BdPhotoStrip *self = BD_PHOTO_STRIP (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_ATTACHMENTS:
      g_value_set_variant (value, self->attachments);
      break;

    case PROP_CAN_ADD:
      g_value_set_boolean (value, self->can_add);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_photo_strip_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  BdPhotoStrip *self = BD_PHOTO_STRIP (object);

  switch (prop_id)
    {
    case PROP_STORE:
      bd_photo_strip_set_store (self, g_value_get_object (value));
      break;

    case PROP_ATTACHMENTS:
      bd_photo_strip_set_attachments (self, g_value_get_variant (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_photo_strip_class_init (BdPhotoStripClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bd_photo_strip_dispose;
  object_class->get_property = bd_photo_strip_get_property;
  object_class->set_property = bd_photo_strip_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         BD_TYPE_STORE,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_ATTACHMENTS] =
    g_param_spec_variant ("attachments", NULL, NULL,
                          G_VARIANT_TYPE ("a(sss)"),
                          NULL,
                          (G_PARAM_READWRITE |
                           G_PARAM_EXPLICIT_NOTIFY |
                           G_PARAM_STATIC_STRINGS));

  properties[PROP_CAN_ADD] =
    g_param_spec_boolean ("can-add", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE |
                           G_PARAM_EXPLICIT_NOTIFY |
                           G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/bd-photo-strip.ui");
  gtk_widget_class_bind_template_child (widget_class, BdPhotoStrip, add_photo_button);
  gtk_widget_class_bind_template_child (widget_class, BdPhotoStrip, photos_empty_label);
  gtk_widget_class_bind_template_child (widget_class, BdPhotoStrip, photo_box);
  gtk_widget_class_bind_template_child (widget_class, BdPhotoStrip, photo_progress);
  gtk_widget_class_bind_template_child (widget_class, BdPhotoStrip, photo_spinner);
  gtk_widget_class_bind_template_child (widget_class, BdPhotoStrip, photo_error);
  gtk_widget_class_bind_template_child (widget_class, BdPhotoStrip, position_offer);
  gtk_widget_class_bind_template_child (widget_class, BdPhotoStrip, position_label);
  gtk_widget_class_bind_template_child (widget_class, BdPhotoStrip, use_position_button);
  gtk_widget_class_bind_template_child (widget_class, BdPhotoStrip, use_position_label);
  gtk_widget_class_bind_template_callback (widget_class, on_use_position_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_dismiss_position_clicked_cb);

  /**
   * BdPhotoStrip::use-position:
   * @latitude: where the photo was taken
   * @longitude:
   *
   * The user accepted the place a photo's EXIF gives (inside the city).
   */
  signals[USE_POSITION] =
    g_signal_new ("use-position",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_DOUBLE, G_TYPE_DOUBLE);

  gtk_widget_class_set_css_name (widget_class, "photostrip");
}

static void
bd_photo_strip_init (BdPhotoStrip *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->photo_cancellable = g_cancellable_new ();
  self->thumbnails = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->photo_states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&self->decode_queue);
}

/* Drag and drop */

static gboolean
on_drop_cb (GtkDropTarget *target,
            const GValue  *value,
            double         x,
            double         y,
            BdPhotoStrip  *self)
{
  g_autoptr(GSList) files = NULL;

  if (self->attachments == NULL || self->store == NULL)
    return FALSE;

  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    files = gdk_file_list_get_files (g_value_get_boxed (value));
  else if (G_VALUE_HOLDS (value, G_TYPE_FILE) && g_value_get_object (value) != NULL)
    files = g_slist_prepend (NULL, g_value_get_object (value));

  if (files == NULL)
    return FALSE;

  /* The same path as "Add Photo…": each file read, sniffed (anything but
   * a JPEG, PNG, WebP or HEIC photo is refused with its name and why) and
   * stored. */
  for (GSList *l = files; l != NULL; l = l->next)
    bd_photo_strip_add_file (self, G_FILE (l->data));

  return TRUE;
}

/* Files only, and only while a report is open. */
static GdkDragAction
on_drop_enter_cb (GtkDropTarget *target,
                  double         x,
                  double         y,
                  BdPhotoStrip  *self)
{
  return self->attachments != NULL && self->store != NULL ? GDK_ACTION_COPY : 0;
}

/* Public API */

void
bd_photo_strip_accept_drops (BdPhotoStrip *self,
                             GtkWidget    *widget)
{
  GtkDropTarget *target;
  GType types[] = { GDK_TYPE_FILE_LIST, G_TYPE_FILE };

  g_return_if_fail (BD_IS_PHOTO_STRIP (self));
  g_return_if_fail (GTK_IS_WIDGET (widget));

  target = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (target, types, G_N_ELEMENTS (types));
  g_signal_connect_object (target, "enter", G_CALLBACK (on_drop_enter_cb), self, 0);
  g_signal_connect_object (target, "motion", G_CALLBACK (on_drop_enter_cb), self, 0);
  g_signal_connect_object (target, "drop", G_CALLBACK (on_drop_cb), self, 0);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (target));
}

GtkWidget *
_bd_photo_strip_get_position_offer (BdPhotoStrip *self)
{
  return self->position_offer;
}

GtkLabel *
_bd_photo_strip_get_position_label (BdPhotoStrip *self)
{
  return self->position_label;
}

GtkWidget *
_bd_photo_strip_get_use_position_button (BdPhotoStrip *self)
{
  return self->use_position_button;
}


GtkWidget *
bd_photo_strip_new (void)
{
  return g_object_new (BD_TYPE_PHOTO_STRIP, NULL);
}

BdStore *
bd_photo_strip_get_store (BdPhotoStrip *self)
{
  g_return_val_if_fail (BD_IS_PHOTO_STRIP (self), NULL);

  return self->store;
}

void
bd_photo_strip_set_store (BdPhotoStrip *self,
                          BdStore      *store)
{
  g_return_if_fail (BD_IS_PHOTO_STRIP (self));
  g_return_if_fail (!store || BD_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  rebuild_photos (self);
  update_can_add (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

GVariant *
bd_photo_strip_get_attachments (BdPhotoStrip *self)
{
  g_return_val_if_fail (BD_IS_PHOTO_STRIP (self), NULL);

  return self->attachments;
}

void
bd_photo_strip_set_attachments (BdPhotoStrip *self,
                                GVariant     *attachments)
{
  g_return_if_fail (BD_IS_PHOTO_STRIP (self));
  g_return_if_fail (!attachments || g_variant_is_of_type (attachments, G_VARIANT_TYPE ("a(sss)")));

  if (attachments == NULL && self->attachments == NULL)
    return;
  if (attachments != NULL && self->attachments != NULL &&
      g_variant_equal (attachments, self->attachments))
    {
      /* Equal: only sink a floating reference passed in. */
      g_variant_unref (g_variant_ref_sink (attachments));
      return;
    }

  set_attachments (self, attachments);
  rebuild_photos (self);
}

gboolean
bd_photo_strip_get_can_add (BdPhotoStrip *self)
{
  g_return_val_if_fail (BD_IS_PHOTO_STRIP (self), FALSE);

  return self->can_add;
}

void
bd_photo_strip_reset (BdPhotoStrip *self)
{
  g_return_if_fail (BD_IS_PHOTO_STRIP (self));

  reset_photo_work (self);
  if (self->attachments != NULL)
    set_attachments (self, NULL);
  rebuild_photos (self);
}

void
bd_photo_strip_recheck_on_server (BdPhotoStrip *self)
{
  g_return_if_fail (BD_IS_PHOTO_STRIP (self));

  g_hash_table_foreach_remove (self->photo_states, is_on_server_state, NULL);
  rebuild_photos (self);
}

void
bd_photo_strip_choose_files (BdPhotoStrip *self)
{
  g_autoptr(GtkFileFilter) filter = NULL;
  GtkRoot *root;

  g_return_if_fail (BD_IS_PHOTO_STRIP (self));

  if (self->attachments == NULL || self->store == NULL)
    return;

  if (self->chooser == NULL)
    {
      root = gtk_widget_get_root (GTK_WIDGET (self));
      self->chooser = gtk_file_chooser_native_new (_("Add Photos"),
                                                   GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                   GTK_FILE_CHOOSER_ACTION_OPEN,
                                                   _("_Add"),
                                                   _("_Cancel"));
      gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
      gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (self->chooser), TRUE);

      filter = gtk_file_filter_new ();
      /* Translators: the file chooser's filter; the server takes only these */
      gtk_file_filter_set_name (filter, _("Photos (JPEG, PNG, WebP, HEIC)"));
      add_image_types (filter);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);

      g_signal_connect_object (self->chooser, "response",
                               G_CALLBACK (on_chooser_response_cb), self, 0);
    }

  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

void
bd_photo_strip_add_file (BdPhotoStrip *self,
                         GFile        *file)
{
  g_return_if_fail (BD_IS_PHOTO_STRIP (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->attachments == NULL || self->store == NULL)
    return;

  /* A new batch: the messages of the last one go. */
  if (self->n_photo_loads == 0)
    show_error (self->photo_error, NULL);

  if (n_attachments (self) + self->n_photo_loads >= BD_REPORT_MAX_ATTACHMENTS)
    {
      g_autofree char *message = g_strdup_printf (_("A report can have at most %u photos."),
                                                  (guint)BD_REPORT_MAX_ATTACHMENTS);

      add_photo_error (self, message);
      return;
    }

  self->n_photo_loads++;
  update_photo_progress (self);
  update_can_add (self);

  bd_photo_load_file_async (file, BD_STORE_MAX_ATTACHMENT_BYTES, self->photo_cancellable,
                            on_photo_loaded_cb, g_object_ref (self));
}

gboolean
bd_photo_strip_get_loading (BdPhotoStrip *self)
{
  g_return_val_if_fail (BD_IS_PHOTO_STRIP (self), FALSE);

  return self->n_photo_loads > 0 || self->decoding || !g_queue_is_empty (&self->decode_queue);
}

/* For tests */

GtkWidget *
_bd_photo_strip_get_add_button (BdPhotoStrip *self)
{
  g_return_val_if_fail (BD_IS_PHOTO_STRIP (self), NULL);

  return self->add_photo_button;
}

GtkFlowBox *
_bd_photo_strip_get_flow_box (BdPhotoStrip *self)
{
  g_return_val_if_fail (BD_IS_PHOTO_STRIP (self), NULL);

  return self->photo_box;
}

GtkLabel *
_bd_photo_strip_get_error_label (BdPhotoStrip *self)
{
  g_return_val_if_fail (BD_IS_PHOTO_STRIP (self), NULL);

  return self->photo_error;
}
