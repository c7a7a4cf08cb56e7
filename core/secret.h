/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Secrets (core/secret.c) */
#ifndef HFC_SECRET_H
#define HFC_SECRET_H

#include <hafence/plugin.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "core/error.h"

/* Read a secret from a file (first line, no newline); warns when the file
 * is readable by group or others.  Both readers return a copy the caller
 * must release with hfc_secret_free() (which wipes it), never free(). */
char *hfc_secret_from_file(const char *path, hfc_error *err);
/* Read one line from a file descriptor (stdin), without echo concerns. */
char *hfc_secret_from_fd(int fd, const char *what, hfc_error *err);
void hfc_secret_free(char *secret);

#endif
