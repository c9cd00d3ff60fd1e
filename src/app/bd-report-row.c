/* bd-report-row.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-report-row"

#include "config.h"

#include "bd-report-row-private.h"

#include <glib/gi18n-lib.h>

#include "bd-app-util.h"
#include "bd-catalog.h"
#include "bd-photo-loader.h"

struct _BdReportRow
{
  GtkWidget       parent_instance;

  BdReport       *report;
  BdStore        *store;
  GdkRGBA         color;
  gboolean        has_conflicts;
  gboolean        not_sent;
  gulong          changed_handler;

  GtkWidget      *box;
  GtkDrawingArea *dot;
  GtkLabel       *title_label;
  GtkLabel       *subtitle_label;
  GtkLabel       *severity_label;
  GtkLabel       *status_label;
  GtkImage       *conflict_icon;
  GtkWidget      *not_sent_box;
  GtkImage       *thumbnail;

  /* the thumbnail of the report's first photo (see "Thumbnails" below) */
  char           *thumb_sha;
  GCancellable   *thumb_cancellable;
  guint           thumb_timeout;
  gboolean        thumb_waiting;
};

G_DEFINE_FINAL_TYPE (BdReportRow, bd_report_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_REPORT,
  PROP_STORE,
  PROP_HAS_CONFLICTS,
  PROP_NOT_SENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *severity_classes[] = { "severity-1", "severity-2", "severity-3", "severity-4" };

static void
draw_dot (GtkDrawingArea *area,
          cairo_t        *cr,
          int             width,
          int             height,
          gpointer        user_data)
{
  BdReportRow *self = user_data;
  double radius = MIN (width, height) / 2.0 - 1;

  if (self->report == NULL)
    return;

  cairo_arc (cr, width / 2.0, height / 2.0, radius, 0, 2 * G_PI);
  gdk_cairo_set_source_rgba (cr, &self->color);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.35);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
}

/* Two indexed lookups (the conflicts and outbox tables are keyed by report
 * id): whether the report has conflicts, and edits not yet sent. */
static void
update_sync_marks (BdReportRow *self)
{
  g_autoptr(GPtrArray) conflicts = NULL;
  const char *id = self->report != NULL ? bd_report_get_id (self->report) : NULL;
  gboolean has_conflicts = FALSE;
  gboolean not_sent = FALSE;

  if (self->store != NULL && id != NULL)
    {
      conflicts = bd_store_list_conflicts (self->store, id, NULL);
      has_conflicts = conflicts != NULL && conflicts->len > 0;
      not_sent = bd_store_count_outbox_for_report (self->store, id) > 0;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->conflict_icon), has_conflicts);
  gtk_widget_set_visible (self->not_sent_box, not_sent);

  if (self->has_conflicts != has_conflicts)
    {
      self->has_conflicts = has_conflicts;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_CONFLICTS]);
    }
  if (self->not_sent != not_sent)
    {
      self->not_sent = not_sent;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOT_SENT]);
    }
}

/* The name a screen reader reads for the row, on the row and on the list's
 * item that holds it (GTK 4.8 names no list item from its content). */
static void
update_accessible_name (BdReportRow *self,
                        const char  *name)
{
  GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (self));

  if (name != NULL)
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                      -1);
      if (parent != NULL)
        gtk_accessible_update_property (GTK_ACCESSIBLE (parent),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                        -1);
    }
  else
    {
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL);
      if (parent != NULL)
        gtk_accessible_reset_property (GTK_ACCESSIBLE (parent), GTK_ACCESSIBLE_PROPERTY_LABEL);
    }
}

/* Thumbnails
 *
 * A row shows a small thumbnail of its report's first photo. GTK 4.8's
 * list view keeps some 200 rows bound around the ones in view, and maps
 * only those in view; so a thumbnail is asked for only once a row is
 * mapped and has kept its report for THUMB_DELAY_MS (a fast scroll loads
 * nothing), a row scrolled out of view stops its load,
 * at most THUMB_MAX_LOADS photos are read and decoded at a time (photos
 * may be 20 MB), a rebound row cancels its load, and the textures are
 * kept in one cache of at most BD_REPORT_ROW_THUMB_CACHE photos, the
 * least recently shown going first. All of it on the main thread, but
 * reading and decoding (worker threads). */

#define THUMB_DELAY_MS  120
#define THUMB_MAX_LOADS 2

static struct
{
  GHashTable *textures;     /* sha256 → GdkTexture */
  GQueue      recent;       /* sha256s, least recently shown first (owned by textures' keys) */
  GQueue      waiting;      /* BdReportRow (unowned: a row leaves it when it is disposed) */
  guint       n_loading;
  guint       n_started;    /* for the tests */
} thumbs;

static GdkTexture *
thumb_cache_lookup (const char *sha256)
{
  GdkTexture *texture;
  GList *link;

  if (thumbs.textures == NULL)
    return NULL;

  texture = g_hash_table_lookup (thumbs.textures, sha256);
  if (texture != NULL && (link = g_queue_find_custom (&thumbs.recent, sha256, (GCompareFunc)g_strcmp0)) != NULL)
    {
      g_queue_unlink (&thumbs.recent, link);
      g_queue_push_tail_link (&thumbs.recent, link);
    }

  return texture;
}

static void
thumb_cache_insert (const char *sha256,
                    GdkTexture *texture)
{
  char *key;

  if (thumbs.textures == NULL)
    thumbs.textures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  if (g_hash_table_contains (thumbs.textures, sha256))
    return;

  key = g_strdup (sha256);
  g_hash_table_insert (thumbs.textures, key, g_object_ref (texture));
  g_queue_push_tail (&thumbs.recent, key);

  while (g_queue_get_length (&thumbs.recent) > BD_REPORT_ROW_THUMB_CACHE)
    {
      char *oldest = g_queue_pop_head (&thumbs.recent);

      g_hash_table_remove (thumbs.textures, oldest);   /* frees @oldest */
    }
}

static void
show_thumbnail (BdReportRow *self,
                GdkTexture  *texture)
{
  gtk_image_set_from_paintable (self->thumbnail, GDK_PAINTABLE (texture));
  gtk_widget_set_visible (GTK_WIDGET (self->thumbnail), texture != NULL);
}

static void thumb_pump (void);

typedef struct
{
  BdReportRow  *row;
  char         *sha256;
  GCancellable *cancellable;
} ThumbJob;

static void
on_thumb_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  ThumbJob *job = user_data;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  thumbs.n_loading--;
  texture = bd_photo_load_thumbnail_finish (result, &error);

  if (texture != NULL)
    thumb_cache_insert (job->sha256, texture);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    /* only on the server, not decodable here, broken: no thumbnail */
    g_debug ("No thumbnail for photo %s: %s", job->sha256, error->message);

  if (job->row->thumb_cancellable == job->cancellable)
    {
      g_clear_object (&job->row->thumb_cancellable);
      if (texture != NULL && g_strcmp0 (job->row->thumb_sha, job->sha256) == 0)
        show_thumbnail (job->row, texture);
    }

  g_object_unref (job->row);
  g_object_unref (job->cancellable);
  g_free (job->sha256);
  g_free (job);

  thumb_pump ();
}

static void
thumb_pump (void)
{
  while (thumbs.n_loading < THUMB_MAX_LOADS && !g_queue_is_empty (&thumbs.waiting))
    {
      BdReportRow *self = g_queue_pop_head (&thumbs.waiting);
      GdkTexture *texture;
      ThumbJob *job;

      self->thumb_waiting = FALSE;
      if (self->thumb_sha == NULL || self->store == NULL)
        continue;

      /* another row may have loaded it meanwhile */
      if ((texture = thumb_cache_lookup (self->thumb_sha)) != NULL)
        {
          show_thumbnail (self, texture);
          continue;
        }

      job = g_new0 (ThumbJob, 1);
      job->row = g_object_ref (self);
      job->sha256 = g_strdup (self->thumb_sha);
      self->thumb_cancellable = g_cancellable_new ();
      job->cancellable = g_object_ref (self->thumb_cancellable);
      thumbs.n_loading++;
      thumbs.n_started++;
      bd_photo_load_thumbnail_async (self->store, job->sha256, self->thumb_cancellable,
                                     on_thumb_loaded_cb, job);
    }
}

static gboolean
thumb_delay_cb (gpointer data)
{
  BdReportRow *self = data;

  self->thumb_timeout = 0;
  if (!self->thumb_waiting)
    {
      self->thumb_waiting = TRUE;
      g_queue_push_tail (&thumbs.waiting, self);
    }
  thumb_pump ();

  return G_SOURCE_REMOVE;
}

/* Stops whatever this row was loading, keeping which photo it wants. */
static void
thumb_pause (BdReportRow *self)
{
  g_clear_handle_id (&self->thumb_timeout, g_source_remove);
  if (self->thumb_waiting)
    {
      g_queue_remove (&thumbs.waiting, self);
      self->thumb_waiting = FALSE;
    }
  if (self->thumb_cancellable != NULL)
    g_cancellable_cancel (self->thumb_cancellable);
  g_clear_object (&self->thumb_cancellable);
}

static void
thumb_stop (BdReportRow *self)
{
  thumb_pause (self);
  g_clear_pointer (&self->thumb_sha, g_free);
}

/* Asks for the photo wanted, unless it is shown or on its way. */
static void
thumb_schedule (BdReportRow *self)
{
  if (self->thumb_sha == NULL || self->thumb_timeout != 0 || self->thumb_waiting ||
      self->thumb_cancellable != NULL || gtk_widget_get_visible (GTK_WIDGET (self->thumbnail)))
    return;

  self->thumb_timeout = g_timeout_add (THUMB_DELAY_MS, thumb_delay_cb, self);
}

static void
on_map_cb (BdReportRow *self)
{
  thumb_schedule (self);
}

static void
on_unmap_cb (BdReportRow *self)
{
  thumb_pause (self);
}

/* The sha256 of the report's first photo, or NULL. */
static char *
first_photo_of (BdReport *report)
{
  g_autoptr(GVariant) attachments = NULL;
  const char *sha256 = NULL;

  if (report == NULL)
    return NULL;
  attachments = bd_report_get_attachments (report);
  if (attachments == NULL || g_variant_n_children (attachments) == 0)
    return NULL;
  g_variant_get_child (attachments, 0, "(&s&s&s)", &sha256, NULL, NULL);

  return g_strdup (sha256);
}

static void
update_thumbnail (BdReportRow *self)
{
  g_autofree char *sha256 = first_photo_of (self->report);
  GdkTexture *texture;

  if (sha256 != NULL && g_strcmp0 (sha256, self->thumb_sha) == 0 &&
      (self->thumb_timeout != 0 || self->thumb_waiting || self->thumb_cancellable != NULL ||
       gtk_widget_get_visible (GTK_WIDGET (self->thumbnail))))
    return;   /* the same photo, shown or on its way */

  thumb_stop (self);

  if (sha256 == NULL || self->store == NULL)
    {
      show_thumbnail (self, NULL);
      return;
    }

  if ((texture = thumb_cache_lookup (sha256)) != NULL)
    {
      show_thumbnail (self, texture);
      return;
    }

  show_thumbnail (self, NULL);
  self->thumb_sha = g_steal_pointer (&sha256);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    thumb_schedule (self);
}

guint
_bd_report_row_get_thumbnails_started (void)
{
  return thumbs.n_started;
}

guint
_bd_report_row_get_thumbnails_loading (void)
{
  return thumbs.n_loading;
}

guint
_bd_report_row_get_thumbnails_cached (void)
{
  return thumbs.textures != NULL ? g_hash_table_size (thumbs.textures) : 0;
}

GtkImage *
_bd_report_row_get_thumbnail (BdReportRow *self)
{
  return self->thumbnail;
}

static void
update (BdReportRow *self)
{
  const BdWard *ward = NULL;
  const BdCategory *category = NULL;
  const BdSeverity *severity = NULL;
  const BdStatus *status = NULL;
  g_autofree char *ward_name = NULL;
  g_autofree char *category_name = NULL;
  g_autofree char *severity_name = NULL;
  g_autofree char *status_name = NULL;
  g_autofree char *when = NULL;
  g_autofree char *subtitle = NULL;
  g_autoptr(GDateTime) now = NULL;
  const char *title;
  int level = 0;

  for (guint i = 0; i < G_N_ELEMENTS (severity_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->severity_label), severity_classes[i]);

  if (self->report == NULL)
    {
      gtk_label_set_text (self->title_label, "");
      gtk_label_set_text (self->subtitle_label, "");
      gtk_label_set_text (self->severity_label, "");
      gtk_label_set_text (self->status_label, "");
      gtk_widget_queue_draw (GTK_WIDGET (self->dot));
      update_sync_marks (self);
      update_accessible_name (self, NULL);
      update_thumbnail (self);
      return;
    }

  if (bd_report_get_ward (self->report) != NULL)
    ward = bd_catalog_lookup_ward (bd_report_get_ward (self->report));
  if (bd_report_get_category (self->report) != NULL)
    category = bd_catalog_lookup_category (bd_report_get_category (self->report));
  level = bd_report_get_severity (self->report);
  severity = bd_catalog_lookup_severity (level);
  if (bd_report_get_status (self->report) != NULL)
    status = bd_catalog_lookup_status (bd_report_get_status (self->report));

  ward_name = ward != NULL ? bd_dup_catalog_label (ward->name_ja, ward->name_en) : g_strdup ("—");
  category_name = category != NULL ? bd_dup_catalog_label (category->name_ja, category->name_en) : g_strdup ("—");
  severity_name = severity != NULL ? bd_dup_catalog_label (severity->name_ja, severity->name_en) : g_strdup ("");
  status_name = status != NULL ? bd_dup_catalog_label (status->name_ja, status->name_en) : g_strdup ("");

  now = g_date_time_new_now_local ();
  when = bd_format_observed_time (bd_report_get_observed_at (self->report), now);

  /* Translators: ward · kind of damage · time, in a report row */
  subtitle = g_strdup_printf (_("%s · %s · %s"), ward_name, category_name, when);

  title = bd_report_get_title (self->report);
  gtk_label_set_text (self->title_label, title != NULL && title[0] != '\0' ? title : _("Untitled report"));
  gtk_label_set_text (self->subtitle_label, subtitle);
  gtk_label_set_text (self->severity_label, severity_name);
  gtk_label_set_text (self->status_label, status_name);
  if (level >= 1 && level <= 4)
    gtk_widget_add_css_class (GTK_WIDGET (self->severity_label), severity_classes[level - 1]);

  if (category == NULL || category->color == NULL || !gdk_rgba_parse (&self->color, category->color))
    gdk_rgba_parse (&self->color, "#9e9e9e");

  update_sync_marks (self);
  {
    GString *name = g_string_new (gtk_label_get_text (self->title_label));
    /* Translators: joins the parts of a report row read by a screen reader */
    const char *joiner = _(", ");

    g_string_append (name, joiner);
    g_string_append (name, subtitle);
    if (severity_name[0] != '\0')
      {
        g_string_append (name, joiner);
        g_string_append (name, severity_name);
      }
    if (status_name[0] != '\0')
      {
        g_string_append (name, joiner);
        g_string_append (name, status_name);
      }
    if (self->not_sent)
      {
        g_string_append (name, joiner);
        /* Translators: read by a screen reader for a report whose edits are not on the server yet */
        g_string_append (name, _("not sent to the server yet"));
      }
    if (self->has_conflicts)
      {
        g_string_append (name, joiner);
        /* Translators: read by a screen reader for a report with conflicts */
        g_string_append (name, _("changed here and on the server"));
      }
    update_accessible_name (self, name->str);
    g_string_free (name, TRUE);
  }
  if (self->has_conflicts)
    {
      /* Translators: the tooltip of a report row whose report has conflicts; %s is "ward · kind · time" */
      g_autofree char *tooltip = g_strdup_printf (_("%s\nChanged here and on the server: open the report to choose which to keep"),
                                                  subtitle);

      gtk_widget_set_tooltip_text (GTK_WIDGET (self), tooltip);
    }
  else
    gtk_widget_set_tooltip_text (GTK_WIDGET (self), subtitle);
  gtk_widget_queue_draw (GTK_WIDGET (self->dot));
  update_thumbnail (self);
}

static void
on_store_changed_cb (BdReportRow   *self,
                     BdStoreChange  change,
                     const char    *report_id,
                     gint64         rowid,
                     BdStore       *store)
{
  /* A push or a pull changes what is waiting, not the report shown. */
  if (self->report != NULL &&
      (change == BD_STORE_CHANGE_RELOADED ||
       g_strcmp0 (report_id, bd_report_get_id (self->report)) == 0))
    update (self);
}

static void
on_parent_changed_cb (BdReportRow *self)
{
  if (self->report != NULL)
    update (self);
}

static void
bd_report_row_dispose (GObject *object)
{
  BdReportRow *self = (BdReportRow *)object;

  thumb_stop (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), BD_TYPE_REPORT_ROW);
  g_clear_object (&self->report);
  if (self->store != NULL)
    g_clear_signal_handler (&self->changed_handler, self->store);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (bd_report_row_parent_class)->dispose (object);
}

static void
bd_report_row_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  BdReportRow *self = BD_REPORT_ROW (object);

  switch (prop_id)
    {
    case PROP_REPORT:
      g_value_set_object (value, self->report);
      break;

    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_HAS_CONFLICTS:
      g_value_set_boolean (value, self->has_conflicts);
      break;

    case PROP_NOT_SENT:
      g_value_set_boolean (value, self->not_sent);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_report_row_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  BdReportRow *self = BD_REPORT_ROW (object);

  switch (prop_id)
    {
    case PROP_REPORT:
      bd_report_row_set_report (self, g_value_get_object (value));
      break;

    case PROP_STORE:
      bd_report_row_set_store (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_report_row_class_init (BdReportRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bd_report_row_dispose;
  object_class->get_property = bd_report_row_get_property;
  object_class->set_property = bd_report_row_set_property;

  properties[PROP_REPORT] =
    g_param_spec_object ("report", NULL, NULL,
                         BD_TYPE_REPORT,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         BD_TYPE_STORE,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_HAS_CONFLICTS] =
    g_param_spec_boolean ("has-conflicts", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE |
                           G_PARAM_EXPLICIT_NOTIFY |
                           G_PARAM_STATIC_STRINGS));

  properties[PROP_NOT_SENT] =
    g_param_spec_boolean ("not-sent", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE |
                           G_PARAM_EXPLICIT_NOTIFY |
                           G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/bd-report-row.ui");
  gtk_widget_class_bind_template_child (widget_class, BdReportRow, box);
  gtk_widget_class_bind_template_child (widget_class, BdReportRow, dot);
  gtk_widget_class_bind_template_child (widget_class, BdReportRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, BdReportRow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, BdReportRow, severity_label);
  gtk_widget_class_bind_template_child (widget_class, BdReportRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, BdReportRow, conflict_icon);
  gtk_widget_class_bind_template_child (widget_class, BdReportRow, not_sent_box);
  gtk_widget_class_bind_template_child (widget_class, BdReportRow, thumbnail);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "reportrow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
bd_report_row_init (BdReportRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_drawing_area_set_draw_func (self->dot, draw_dot, self, NULL);
  /* The list item that holds the row gets its name too. */
  g_signal_connect (self, "notify::parent", G_CALLBACK (on_parent_changed_cb), NULL);
  /* thumbnails only for the rows in view */
  g_signal_connect (self, "map", G_CALLBACK (on_map_cb), NULL);
  g_signal_connect (self, "unmap", G_CALLBACK (on_unmap_cb), NULL);
}

GtkWidget *
bd_report_row_new (void)
{
  return g_object_new (BD_TYPE_REPORT_ROW, NULL);
}

BdReport *
bd_report_row_get_report (BdReportRow *self)
{
  g_return_val_if_fail (BD_IS_REPORT_ROW (self), NULL);

  return self->report;
}

void
bd_report_row_set_report (BdReportRow *self,
                          BdReport    *report)
{
  g_return_if_fail (BD_IS_REPORT_ROW (self));
  g_return_if_fail (!report || BD_IS_REPORT (report));

  if (!g_set_object (&self->report, report))
    return;

  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPORT]);
}

BdStore *
bd_report_row_get_store (BdReportRow *self)
{
  g_return_val_if_fail (BD_IS_REPORT_ROW (self), NULL);

  return self->store;
}

void
bd_report_row_set_store (BdReportRow *self,
                         BdStore     *store)
{
  g_return_if_fail (BD_IS_REPORT_ROW (self));
  g_return_if_fail (!store || BD_IS_STORE (store));

  if (self->store != NULL)
    g_clear_signal_handler (&self->changed_handler, self->store);
  if (!g_set_object (&self->store, store))
    return;
  if (store != NULL)
    self->changed_handler = g_signal_connect_object (store, "changed",
                                                     G_CALLBACK (on_store_changed_cb), self,
                                                     G_CONNECT_SWAPPED);

  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

gboolean
bd_report_row_get_has_conflicts (BdReportRow *self)
{
  g_return_val_if_fail (BD_IS_REPORT_ROW (self), FALSE);

  return self->has_conflicts;
}

gboolean
bd_report_row_get_not_sent (BdReportRow *self)
{
  g_return_val_if_fail (BD_IS_REPORT_ROW (self), FALSE);

  return self->not_sent;
}

char *
bd_format_observed_time (GDateTime *when,
                         GDateTime *now)
{
  g_autoptr(GDateTime) local = NULL;

  if (when == NULL)
    return g_strdup ("—");

  /* Absolute times: a list left open for hours never shows a stale "5 min ago". */
  local = g_date_time_to_local (when);
  if (now != NULL && g_date_time_get_year (local) == g_date_time_get_year (now))
    /* Translators: a date and time in this year, see g_date_time_format() */
    return g_date_time_format (local, _("%m-%d %H:%M"));

  /* Translators: a date and time, see g_date_time_format() */
  return g_date_time_format (local, _("%Y-%m-%d %H:%M"));
}
