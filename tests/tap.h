/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A minimal TAP producer for the unit tests (automake's tap-driver.sh),
 * with named cases that run alone:
 *
 *     TAP_CASE(sample_map) { ok(...); }
 *     int main(int argc, char **argv) { tap_init(argc, argv); TAP_RUN(sample_map); return tap_done(); }
 *
 *     tests/test_hostmap                 every case
 *     tests/test_hostmap sample_map      that case alone (several names: several cases)
 *     tests/test_hostmap --list          the names
 *
 * A table-driven test names its rows the same way: if (tap_case("row name")). */
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

static int tap_argc, tap_listing, tap_matched;
static char **tap_argv;

/* The case names asked for on the command line (none: every case). */
__attribute__((unused)) static void tap_init(int argc, char **argv)
{
    tap_argc = argc - 1;
    tap_argv = argv + 1;
    tap_listing = tap_argc == 1 && strcmp(tap_argv[0], "--list") == 0;
}

/* Whether the case called name runs now (and says so in the TAP stream). */
__attribute__((unused)) static int tap_case(const char *name)
{
    int run = tap_argc == 0;
    if (tap_listing) {
        printf("%s\n", name);
        return 0;
    }
    for (int i = 0; i < tap_argc && !run; i++)
        run = strcmp(tap_argv[i], name) == 0;
    if (run) {
        tap_matched++;
        diag("case %s", name);
    }
    return run;
}

#define TAP_CASE(name) static void name(void)
#define TAP_RUN(name)        \
    do {                     \
        if (tap_case(#name)) \
            name();          \
    } while (0)

__attribute__((unused)) static int tap_done(void)
{
    if (tap_listing)
        exit(0);
    if (tap_argc > 0 && tap_matched < tap_argc) /* a name that matched nothing is a mistake, not a pass */
        ok(0, "every case asked for exists (%d of %d matched; --list shows them)", tap_matched, tap_argc);
    printf("1..%d\n", tap_n);
    return 0; /* failures are counted by the TAP driver */
}

#endif
