/* bd-secret.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bd-secret"

#include "config.h"

#include "bd-secret.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

static const SecretSchema token_schema = {
  APP_ID ".Token", SECRET_SCHEMA_NONE,
  {
    { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  }
};

/* Each call wraps libsecret's in a GTask of ours, so that the _finish
 * functions check what they are given. */

static void
on_stored_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
bd_secret_store_token_async (const char          *server_url,
                             const char          *token,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *label = NULL;

  g_return_if_fail (server_url != NULL && server_url[0] != '\0');
  g_return_if_fail (token != NULL && token[0] != '\0');
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, bd_secret_store_token_async);

  /* Translators: the name of the token in the keyring; %s is the server's address. */
  label = g_strdup_printf (_("Bosai Desk access token for %s"), server_url);
  secret_password_store (&token_schema, SECRET_COLLECTION_DEFAULT, label, token,
                         cancellable, on_stored_cb, g_steal_pointer (&task),
                         "server", server_url,
                         NULL);
}

gboolean
bd_secret_store_token_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == bd_secret_store_token_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
free_token (gpointer token)
{
  secret_password_free (token);
}

static void
on_looked_up_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *token;

  token = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, token, free_token);
}

void
bd_secret_lookup_token_async (const char          *server_url,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (server_url != NULL && server_url[0] != '\0');
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, bd_secret_lookup_token_async);
  secret_password_lookup (&token_schema, cancellable, on_looked_up_cb, g_steal_pointer (&task),
                          "server", server_url,
                          NULL);
}

/**
 * bd_secret_lookup_token_finish:
 *
 * Returns: (transfer full) (nullable): the token (free it with g_free()),
 *   or %NULL (without an error) when none is stored
 */
char *
bd_secret_lookup_token_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  char *secret;
  char *token;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == bd_secret_lookup_token_async, NULL);

  secret = g_task_propagate_pointer (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  token = g_strdup (secret);
  if (secret != NULL)
    secret_password_free (secret);

  return token;
}

static void
on_cleared_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  /* FALSE without an error: there was nothing to clear. */
  secret_password_clear_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
bd_secret_clear_token_async (const char          *server_url,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (server_url != NULL && server_url[0] != '\0');
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, bd_secret_clear_token_async);
  secret_password_clear (&token_schema, cancellable, on_cleared_cb, g_steal_pointer (&task),
                         "server", server_url,
                         NULL);
}

gboolean
bd_secret_clear_token_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == bd_secret_clear_token_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
