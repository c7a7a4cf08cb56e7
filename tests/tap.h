/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A minimal TAP producer for the unit tests (automake's tap-driver.sh). */
#ifndef HAFENCE_TAP_H
#define HAFENCE_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed;

static void tap_result(int ok, const char *fmt, va_list ap)
{
    printf("%s %d - ", ok ? "ok" : "not ok", ++tap_n);
    vprintf(fmt, ap);
    printf("\n");
    fflush(stdout);
    if (!ok)
        tap_failed++;
}

__attribute__((format(printf, 2, 3), unused)) static int ok(int cond, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tap_result(cond, fmt, ap);
    va_end(ap);
    return cond;
}

__attribute__((unused)) static void diag(const char *fmt, ...)
{
    va_list ap;
    printf("# ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

/* ok(), when hay contains needle; shows both when it does not */
__attribute__((format(printf, 3, 4), unused)) static int ok_has(const char *hay, const char *needle, const char *fmt,
                                                                ...)
{
    int cond = hay != NULL && strstr(hay, needle) != NULL;
    va_list ap;
    va_start(ap, fmt);
    tap_result(cond, fmt, ap);
    va_end(ap);
    if (!cond) {
        diag("    got: %s", hay ? hay : "(null)");
        diag("    wanted: %s", needle);
    }
    return cond;
}

__attribute__((unused)) static int tap_done(void)
{
    printf("1..%d\n", tap_n);
    return 0; /* failures are counted by the TAP driver */
}

#endif
