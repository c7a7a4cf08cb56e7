/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Secrets from files and file descriptors: never from argv. */
#include "core/error.h"
#include "core/log.h"
#include "core/util.h"
#include "core/secret.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#define SECRET_MAX 4096

/* The first line, without its newline. */
static char *first_line(char *text)
{
    text[strcspn(text, "\r\n")] = '\0';
    return text;
}

char *hfc_secret_from_file(const char *path, hfc_error *err)
{
    struct stat st;
    size_t len;
    char *text = hfc_read_file(path, SECRET_MAX, &len, err);
    if (!text)
        return NULL;
    if (stat(path, &st) == 0 && (st.st_mode & 077))
        hfc_log(HF_LOG_WARNING, "secret file %s is readable by %s (mode %04o): chmod 600 %s", path,
                (st.st_mode & 007) ? "others" : "its group", (unsigned)(st.st_mode & 07777), path);
    first_line(text);
    if (!*text) {
        hfc_error_set(err, HF_E_BAD_PARAMETER, "secret file %s is empty", path);
        free(text);
        return NULL;
    }
    hfc_secret_register(text);
    return text;
}

char *hfc_secret_from_fd(int fd, const char *what, hfc_error *err)
{
    char *buf = hfc_calloc(1, SECRET_MAX + 1);
    size_t have = 0;
    while (have < SECRET_MAX) {
        ssize_t r = read(fd, buf + have, 1); /* byte by byte: leave the rest for others */
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0 || buf[have] == '\n')
            break;
        have++;
    }
    buf[have] = '\0';
    first_line(buf);
    if (!*buf) {
        hfc_error_set(err, HF_E_BAD_PARAMETER, "no %s on standard input", what);
        free(buf);
        return NULL;
    }
    hfc_secret_register(buf);
    return buf;
}

void hfc_secret_free(char *secret)
{
    if (!secret)
        return;
    hfc_wipe(secret, strlen(secret));
    free(secret);
}
