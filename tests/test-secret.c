/* test-secret.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The access token in the Secret Service, and the checks of the sync
 * preferences. Run twice by meson: under tests/with-keyring.sh (a private
 * gnome-keyring), and with BD_TEST_KEYRING=none and a session bus address
 * that leads nowhere (no Secret Service: every call fails, quickly).
 */

#define G_LOG_DOMAIN "test-secret"

#include "config.h"

#include <glib/gstdio.h>

#include "bd-preferences.h"
#include "bd-secret.h"

#define SERVER_A "http://127.0.0.1:8080"
#define SERVER_B "https://bosai.example.jp/central"

typedef struct
{
  gboolean  done;
  gboolean  ok;
  char     *token;
  GError   *error;
} Wait;

static void
wait_done (Wait *wait)
{
  while (!wait->done)
    g_main_context_iteration (NULL, TRUE);
}

static void
on_stored (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Wait *wait = user_data;

  wait->ok = bd_secret_store_token_finish (result, &wait->error);
  wait->done = TRUE;
}

static void
on_looked_up (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Wait *wait = user_data;

  wait->token = bd_secret_lookup_token_finish (result, &wait->error);
  wait->ok = wait->error == NULL;
  wait->done = TRUE;
}

static void
on_cleared (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Wait *wait = user_data;

  wait->ok = bd_secret_clear_token_finish (result, &wait->error);
  wait->done = TRUE;
}

static void
store (const char *server,
       const char *token)
{
  Wait wait = { 0 };

  bd_secret_store_token_async (server, token, NULL, on_stored, &wait);
  wait_done (&wait);
  g_assert_no_error (wait.error);
  g_assert_true (wait.ok);
}

static char *
lookup (const char *server)
{
  Wait wait = { 0 };

  bd_secret_lookup_token_async (server, NULL, on_looked_up, &wait);
  wait_done (&wait);
  g_assert_no_error (wait.error);
  g_assert_true (wait.ok);

  return wait.token;
}

static void
clear (const char *server)
{
  Wait wait = { 0 };

  bd_secret_clear_token_async (server, NULL, on_cleared, &wait);
  wait_done (&wait);
  g_assert_no_error (wait.error);
  g_assert_true (wait.ok);
}

/* /bd/secret/store-lookup: one token per server, replaced and cleared */
static void
test_store_lookup (void)
{
  g_autofree char *none = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *a2 = NULL;
  g_autofree char *gone = NULL;
  g_autofree char *b2 = NULL;

  none = lookup (SERVER_A);
  g_assert_null (none);

  store (SERVER_A, "token-for-a-0123456789");
  store (SERVER_B, "token-for-b-トークン");
  a = lookup (SERVER_A);
  b = lookup (SERVER_B);
  g_assert_cmpstr (a, ==, "token-for-a-0123456789");
  g_assert_cmpstr (b, ==, "token-for-b-トークン");

  /* A new token replaces the old one. */
  store (SERVER_A, "token-for-a-new");
  a2 = lookup (SERVER_A);
  g_assert_cmpstr (a2, ==, "token-for-a-new");

  clear (SERVER_A);
  gone = lookup (SERVER_A);
  g_assert_null (gone);
  b2 = lookup (SERVER_B);
  g_assert_cmpstr (b2, ==, "token-for-b-トークン");
  clear (SERVER_B);
  /* Clearing what is not there is no error. */
  clear (SERVER_B);
}

/* /bd/secret/no-service: every call fails with an error, none hangs */
static void
test_no_service (void)
{
  Wait stored = { 0 };
  Wait looked_up = { 0 };
  gint64 start = g_get_monotonic_time ();

  bd_secret_store_token_async (SERVER_A, "x", NULL, on_stored, &stored);
  wait_done (&stored);
  g_assert_false (stored.ok);
  g_assert_nonnull (stored.error);
  g_test_message ("store: %s", stored.error->message);
  g_clear_error (&stored.error);

  bd_secret_lookup_token_async (SERVER_A, NULL, on_looked_up, &looked_up);
  wait_done (&looked_up);
  g_assert_false (looked_up.ok);
  g_assert_null (looked_up.token);
  g_assert_nonnull (looked_up.error);
  g_clear_error (&looked_up.error);

  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
}

/* /bd/preferences/server-url */
static void
test_server_url (void)
{
  static const struct {
    const char *text;
    const char *normalized;   /* NULL: refused */
  } cases[] = {
    { "", "" },
    { "   ", "" },
    { "http://127.0.0.1:8080", "http://127.0.0.1:8080" },
    { " https://bosai.example.jp/ ", "https://bosai.example.jp" },
    { "HTTPS://bosai.example.jp/central//", "https://bosai.example.jp/central" },
    { "http://[::1]:8080/", "http://[::1]:8080" },
    { "ftp://bosai.example.jp/", NULL },
    { "bosai.example.jp", NULL },
    { "localhost:8080", NULL },
    { "http://", NULL },
    { "http:///path", NULL },
    { "https://user:secret@bosai.example.jp/", NULL },
    { "https://bosai.example.jp/?token=x", NULL },
    { "https://bosai.example.jp/#top", NULL },
    { "https://bosai example.jp/", NULL },
    { "https://bosai.example.jp/\n", "https://bosai.example.jp" },
    { "https://bosai.example.jp/a\tb", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *normalized = bd_preferences_normalize_server_url (cases[i].text, &error);

      g_test_message ("“%s” → %s", cases[i].text,
                      normalized != NULL ? normalized : error->message);
      if (cases[i].normalized != NULL)
        {
          g_assert_no_error (error);
          g_assert_cmpstr (normalized, ==, cases[i].normalized);
        }
      else
        {
          g_assert_null (normalized);
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
        }
    }
}

/* /bd/preferences/ca-file */
static void
test_ca_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bd-test-secret-XXXXXX", &error);
  g_autofree char *missing = NULL;
  g_autofree char *empty = NULL;
  g_autofree char *not_pem = NULL;
  const char *pem;
  g_autofree char *source = NULL;

  g_assert_no_error (error);
  missing = g_build_filename (dir, "missing.pem", NULL);
  empty = g_build_filename (dir, "empty.pem", NULL);
  not_pem = g_build_filename (dir, "text.pem", NULL);

  g_assert_false (bd_preferences_check_ca_file (missing, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  g_assert_false (bd_preferences_check_ca_file (empty, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (not_pem, "not a certificate\n", -1, NULL));
  g_assert_false (bd_preferences_check_ca_file (not_pem, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  g_assert_false (bd_preferences_check_ca_file (dir, &error));
  g_clear_error (&error);

  /* A real certificate (the test's own, next to this file). */
  pem = g_test_get_filename (G_TEST_DIST, "data", "test-ca.pem", NULL);
  g_assert_true (bd_preferences_check_ca_file (pem, &error));
  g_assert_no_error (error);

  g_assert_cmpint (g_unlink (empty), ==, 0);
  g_assert_cmpint (g_unlink (not_pem), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (g_strcmp0 (g_getenv ("BD_TEST_KEYRING"), "none") == 0)
    {
      g_test_add_func ("/bd/secret/no-service", test_no_service);
    }
  else
    {
      g_test_add_func ("/bd/secret/store-lookup", test_store_lookup);
      g_test_add_func ("/bd/preferences/server-url", test_server_url);
      g_test_add_func ("/bd/preferences/ca-file", test_ca_file);
    }

  return g_test_run ();
}
