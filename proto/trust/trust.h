/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * trust: the one rule for every file hafence runs, loads or believes as
 * root (SPEC.md section 9): a plugin, a fence script or agent, a config
 * file, a host map.  The file and every directory on the way to it (the
 * directories holding each symbolic link on the way too) must be owned by
 * root or the user hafence runs as, and writable by nobody else: no group
 * or other write bit.  A directory with the sticky bit (/tmp) may be
 * writable by others, as only an entry's owner may rename or remove it.
 * This is OpenSSH's StrictModes and sudo's rule.
 *
 * The path is walked one component at a time through directory file
 * descriptors, each checked after it is opened, and the file is opened
 * from its checked directory without following a link: what was checked
 * is what is read, loaded or executed (no check-then-use race).
 */
#ifndef HAFENCE_TRUST_H
#define HAFENCE_TRUST_H

#include <hafence/plugin.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

/* Open path (a regular file) for reading, O_CLOEXEC, by the rule above.
 * Returns the descriptor, or -1 with reply saying which path failed and
 * why ("/etc/ha-lizard/fence/X: writable by others (mode 0777)"). */
int trust_open(const char *path, hf_reply *reply);

/* The rule for one object already opened (fstat of fd): false with reply
 * saying why. */
bool trust_fd_ok(int fd, const char *path, hf_reply *reply);

/* Loading code by the rule (trust-load.c). */

/* The identity (fstat) of the file at path, checked by the rule, for
 * trust_mapped_from once it is loaded: nobody else can swap the file before
 * the loader opens it again, and a swap is seen on what was mapped.  False
 * with reply saying why (trust_open's message, or fstat's failure). */
bool trust_stat(const char *path, struct stat *st, hf_reply *reply);

/* True when the object holding addr was mapped from the file st describes
 * (device and inode of its mapping in /proc/self/maps): what was checked is
 * what was loaded, not a file swapped in between. */
bool trust_mapped_from(const void *addr, const struct stat *st);

/* The absolute path of the file the object holding addr was mapped from
 * (as /proc/self/maps names it), into out; false when it is not found. */
bool trust_object_path(const void *addr, char *out, size_t size);

/* Load the shared object at path by the rule (RTLD_NOW, local symbols,
 * never unloaded: its libraries register exit handlers) and return its
 * symbol `symbol`.  NULL with reply saying why: the path refused by the
 * rule, not loadable, no such symbol, or replaced while it was loaded.
 * For a plugin's own private modules; the core loads plugins through
 * libltdl (core/loader.c) with the same checks. */
void *trust_dlsym(const char *path, const char *symbol, hf_reply *reply);

#endif
