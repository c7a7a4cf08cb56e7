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

/* Open path (a regular file) for reading, O_CLOEXEC, by the rule above.
 * Returns the descriptor, or -1 with reply saying which path failed and
 * why ("/etc/ha-lizard/fence/X: writable by others (mode 0777)"). */
int trust_open(const char *path, hf_reply *reply);

/* The rule for one object already opened (fstat of fd): false with reply
 * saying why. */
bool trust_fd_ok(int fd, const char *path, hf_reply *reply);

#endif
