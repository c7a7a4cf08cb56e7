/* SPDX-License-Identifier: GPL-2.0-or-later */
/* console: what a host's console showed before it was fenced, or its live
 * console (--follow, through a plugin that offers it). */
#include "core/error.h"
#include "core/util.h"
#include "core/engine.h"
#include "core/history.h"
#include "cli/cli.h"

#include <dirent.h>
#include <sys/stat.h>

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int show_captures(cli *c)
{
    char name[300], folder[4096], *dir, **files = NULL;
    size_t n = 0;
    DIR *d;
    struct dirent *de;
    if (c->arg_count != 1)
        return cli_usage_error("console takes one host UUID or target (or --follow to attach)");
    dir = hfc_console_dir(cli_history_path(c));
    hf_capture_folder_name(c->args[0], NULL, NULL, name, sizeof name);
    snprintf(folder, sizeof folder, "%s/%s", dir, name);
    free(dir);
    if (!(d = opendir(folder))) {
        fprintf(stderr, "hafence: no console captured for %s (%s)\n", c->args[0], folder);
        return EXIT_FAILED;
    }
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len > 4 && strcmp(de->d_name + len - 4, ".log") == 0) {
            files = hfc_realloc(files, (n + 1) * sizeof *files);
            files[n++] = hfc_strdup(de->d_name);
        }
    }
    closedir(d);
    if (!n) {
        fprintf(stderr, "hafence: no console captured for %s (%s)\n", c->args[0], folder);
        free(files);
        return EXIT_FAILED;
    }
    /* names are UTC time stamps: the last in order is the newest */
    qsort(files, n, sizeof *files, by_name);
    {
        char path[4400];
        size_t len;
        char *text;
        hfc_error err;
        snprintf(path, sizeof path, "%s/%s", folder, files[n - 1]);
        text = hfc_read_file(path, 16u << 20, &len, &err);
        if (!text) {
            fprintf(stderr, "hafence: %s\n", err.message);
        } else {
            printf("== console of %s captured before its fence: %s ==\n", c->args[0], path);
            fwrite(text, 1, len, stdout);
            if (len && text[len - 1] != '\n')
                putchar('\n');
            free(text);
        }
        if (n > 1) {
            printf("== earlier captures ==\n");
            for (size_t i = n - 1; i-- > 0;)
                printf("%s/%s\n", folder, files[i]);
        }
    }
    for (size_t i = 0; i < n; i++)
        free(files[i]);
    free(files);
    return EXIT_OK;
}

int cmd_console(cli *c)
{
    if (!c->follow)
        return show_captures(c);
    /* following a console lasts until Ctrl-C, or --timeout */
    if (!c->timeout_given)
        c->engine.timeout_ms = 3600 * 1000;
    return cmd_action(c, HFC_ACTION_CONSOLE, false);
}
