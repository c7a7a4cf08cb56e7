/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where the test plugins are, from the environment make check sets. */
#ifndef HAFENCE_TEST_ENV_H
#define HAFENCE_TEST_ENV_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Path of a built plugin: "dummy" -> $top_builddir/plugins/dummy/.libs/dummy.so,
 * test plugins in tests/plugins/.libs. */
static inline const char *plugin_file(const char *name, char *buf, size_t size)
{
    const char *top = getenv("top_builddir");
    const char *dirs[] = {"plugins/dummy/.libs", "plugins/script/.libs", "plugins/ping/.libs", "tests/plugins/.libs"};
    if (!top)
        top = ".";
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        FILE *f;
        snprintf(buf, size, "%s/%s/%s.so", top, dirs[i], name);
        if ((f = fopen(buf, "r")) != NULL) {
            fclose(f);
            return buf;
        }
    }
    snprintf(buf, size, "%s/missing/%s.so", top, name);
    return buf;
}

#endif
