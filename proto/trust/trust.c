/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The trust rule for files run or believed as root (see trust.h). */
#include "proto/trust/trust.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LINKS_MAX 40 /* as the kernel's ELOOP limit */

static void owner_name(uid_t uid, char *out, size_t size)
{
    struct passwd pw, *found = NULL;
    char buf[1024];
    if (getpwuid_r(uid, &pw, buf, sizeof buf, &found) == 0 && found)
        snprintf(out, size, "%s", found->pw_name);
    else
        snprintf(out, size, "uid %u", (unsigned)uid);
}

static bool object_ok(const struct stat *st, const char *path, hf_reply *reply)
{
    mode_t m = st->st_mode;
    if (st->st_uid != 0 && st->st_uid != geteuid()) {
        char who[64];
        owner_name(st->st_uid, who, sizeof who);
        hf_reply_set(reply, HF_E_BAD_PARAMETER,
                     "%s: owned by %s, neither root nor the user hafence runs as: refused (it could "
                     "be replaced by someone else)",
                     path, who);
        return false;
    }
    if (S_ISDIR(m) && (m & S_ISVTX))
        return true; /* sticky: nobody else may rename or remove our entries */
    if (m & (S_IWGRP | S_IWOTH)) {
        hf_reply_set(reply, HF_E_BAD_PARAMETER,
                     "%s: writable by %s (mode %04o): refused (it could be replaced by someone "
                     "else; chmod go-w %s)",
                     path, (m & S_IWOTH) ? "others" : "its group", (unsigned)(m & 07777), path);
        return false;
    }
    return true;
}

bool trust_fd_ok(int fd, const char *path, hf_reply *reply)
{
    struct stat st;
    if (fstat(fd, &st) != 0) {
        hf_reply_set(reply, HF_E_BAD_PARAMETER, "%s: %s", path, strerror(errno));
        return false;
    }
    return object_ok(&st, path, reply);
}

/* The walk: `rest` holds the components still to go ('/'-separated);
 * `done` the path walked so far, for messages. */
typedef struct walk {
    int dir; /* the checked directory we stand in */
    char done[PATH_MAX];
    char rest[PATH_MAX];
    int links;
} walk;

static bool step_into(walk *w, int fd, const char *name, hf_reply *reply)
{
    size_t n = strlen(w->done);
    if (!(n == 1 && w->done[0] == '/'))
        snprintf(w->done + n, sizeof w->done - n, "/%s", name);
    else
        snprintf(w->done + n, sizeof w->done - n, "%s", name);
    if (!trust_fd_ok(fd, w->done, reply)) {
        close(fd);
        return false;
    }
    close(w->dir);
    w->dir = fd;
    return true;
}

static bool restart_at_root(walk *w, hf_reply *reply)
{
    int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        hf_reply_set(reply, HF_E_BAD_PARAMETER, "/: %s", strerror(errno));
        return false;
    }
    if (w->dir >= 0)
        close(w->dir);
    w->dir = fd;
    snprintf(w->done, sizeof w->done, "/");
    return trust_fd_ok(fd, "/", reply);
}

/* Replace the component just met (a symbolic link in a checked directory)
 * by its target, ahead of what remains. */
static bool follow(walk *w, const char *name, const char *rest, hf_reply *reply)
{
    char target[PATH_MAX], joined[PATH_MAX];
    ssize_t n = readlinkat(w->dir, name, target, sizeof target - 1);
    if (n < 0 || ++w->links > LINKS_MAX) {
        hf_reply_set(reply, HF_E_BAD_PARAMETER, "%s/%s: %s", w->done, name,
                     n < 0 ? strerror(errno) : "too many symbolic links");
        return false;
    }
    target[n] = '\0';
    if ((size_t)snprintf(joined, sizeof joined, "%s%s%s", target, *rest ? "/" : "", rest) >= sizeof joined) {
        hf_reply_set(reply, HF_E_BAD_PARAMETER, "%s/%s: path too long", w->done, name);
        return false;
    }
    snprintf(w->rest, sizeof w->rest, "%s", joined);
    return target[0] == '/' ? restart_at_root(w, reply) : true;
}

int trust_open(const char *path, hf_reply *reply)
{
    walk w = {.dir = -1};
    char name[NAME_MAX + 1];
    if (!path || !*path) {
        hf_reply_set(reply, HF_E_BAD_PARAMETER, "no path given");
        return -1;
    }
    if (path[0] == '/') {
        snprintf(w.rest, sizeof w.rest, "%s", path);
    } else {
        char cwd[PATH_MAX];
        if (!getcwd(cwd, sizeof cwd) || (size_t)snprintf(w.rest, sizeof w.rest, "%s/%s", cwd, path) >= sizeof w.rest) {
            hf_reply_set(reply, HF_E_BAD_PARAMETER, "%s: cannot make it absolute", path);
            return -1;
        }
    }
    if (strlen(path) >= PATH_MAX || !restart_at_root(&w, reply))
        goto fail;
    for (;;) {
        char *p = w.rest, *slash;
        struct stat st;
        size_t len;
        while (*p == '/')
            p++;
        if (!*p) {
            hf_reply_set(reply, HF_E_BAD_PARAMETER, "%s: a directory, not a file", path);
            goto fail;
        }
        slash = strchr(p, '/');
        len = slash ? (size_t)(slash - p) : strlen(p);
        if (len > NAME_MAX) {
            hf_reply_set(reply, HF_E_BAD_PARAMETER, "%s: a name too long", path);
            goto fail;
        }
        memcpy(name, p, len);
        name[len] = '\0';
        while (slash && *slash == '/')
            slash++;
        memmove(w.rest, slash ? slash : "", strlen(slash ? slash : "") + 1);
        if (strcmp(name, ".") == 0)
            continue;
        if (fstatat(w.dir, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            hf_reply_set(reply, HF_E_BAD_PARAMETER, "%s: %s", path, strerror(errno));
            goto fail;
        }
        if (S_ISLNK(st.st_mode)) {
            char rest[PATH_MAX];
            snprintf(rest, sizeof rest, "%s", w.rest);
            if (!follow(&w, name, rest, reply))
                goto fail;
            continue;
        }
        if (S_ISDIR(st.st_mode) || strcmp(name, "..") == 0) {
            int fd = openat(w.dir, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (fd < 0) {
                hf_reply_set(reply, HF_E_BAD_PARAMETER, "%s/%s: %s", w.done, name, strerror(errno));
                goto fail;
            }
            if (!step_into(&w, fd, name, reply))
                goto fail;
            if (!*w.rest) {
                hf_reply_set(reply, HF_E_BAD_PARAMETER, "%s: a directory, not a file", path);
                goto fail;
            }
            continue;
        }
        if (*w.rest) {
            hf_reply_set(reply, HF_E_BAD_PARAMETER, "%s/%s: not a directory", w.done, name);
            goto fail;
        }
        if (!S_ISREG(st.st_mode)) {
            hf_reply_set(reply, HF_E_BAD_PARAMETER, "%s: not a regular file", path);
            goto fail;
        }
        {
            /* the file itself, opened from its checked directory, checked
             * through the descriptor that will be read or executed */
            int fd = openat(w.dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
            struct stat fst;
            if (fd < 0) {
                hf_reply_set(reply, HF_E_BAD_PARAMETER, "%s: %s", path, strerror(errno));
                goto fail;
            }
            if (fstat(fd, &fst) != 0 || !S_ISREG(fst.st_mode) || !object_ok(&fst, path, reply)) {
                if (!S_ISREG(fst.st_mode))
                    hf_reply_set(reply, HF_E_BAD_PARAMETER, "%s: not a regular file", path);
                close(fd);
                goto fail;
            }
            fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
            close(w.dir);
            return fd;
        }
    }
fail:
    if (w.dir >= 0)
        close(w.dir);
    return -1;
}
