/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Loading code by the trust rule (see trust.h): what was checked is what
 * is mapped. */
#include "proto/trust/trust.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* The /proc/self/maps line of the mapping that holds the object's base
 * address: its device, inode and path. */
static bool find_mapping(const void *addr, unsigned *major_out, unsigned *minor_out, unsigned long *inode_out,
                         char *path, size_t size)
{
    Dl_info info;
    FILE *maps;
    char line[4096 + 128];
    bool found = false;
    if (!dladdr(addr, &info) || !info.dli_fbase || !(maps = fopen("/proc/self/maps", "re")))
        return false;
    while (!found && fgets(line, sizeof line, maps)) {
        unsigned long lo, hi, inode;
        unsigned major, minor;
        int at = 0;
        if (sscanf(line, "%lx-%lx %*s %*s %x:%x %lu %n", &lo, &hi, &major, &minor, &inode, &at) != 5)
            continue;
        if ((uintptr_t)info.dli_fbase < lo || (uintptr_t)info.dli_fbase >= hi)
            continue;
        found = true;
        *major_out = major, *minor_out = minor, *inode_out = inode;
        if (path) {
            line[strcspn(line, "\n")] = '\0';
            snprintf(path, size, "%s", at > 0 ? line + at : "");
        }
    }
    fclose(maps);
    return found;
}

bool trust_mapped_from(const void *addr, const struct stat *st)
{
    unsigned major, minor;
    unsigned long inode;
    return find_mapping(addr, &major, &minor, &inode, NULL, 0) && inode == (unsigned long)st->st_ino &&
           major == major(st->st_dev) && minor == minor(st->st_dev);
}

bool trust_object_path(const void *addr, char *out, size_t size)
{
    unsigned major, minor;
    unsigned long inode;
    return find_mapping(addr, &major, &minor, &inode, out, size) && out[0] == '/' && !strstr(out, " (deleted)");
}

bool trust_stat(const char *path, struct stat *st, hf_reply *reply)
{
    int fd = trust_open(path, reply);
    if (fd < 0)
        return false;
    if (fstat(fd, st) != 0) {
        hf_reply_set(reply, HF_E_PLUGIN_FAILED, "%s: %s", path, strerror(errno));
        close(fd);
        return false;
    }
    close(fd);
    return true;
}

void *trust_dlsym(const char *path, const char *symbol, hf_reply *reply)
{
    struct stat checked;
    void *handle, *sym;
    /* the rule on the file and every directory above it, so that nobody
     * else can swap it before dlopen() opens it again; that it did not
     * change is checked on what was mapped */
    if (!trust_stat(path, &checked, reply))
        return NULL;
    if (!(handle = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE))) {
        hf_reply_set(reply, HF_E_PLUGIN_FAILED, "%s: not loadable: %s", path, dlerror());
        return NULL;
    }
    if (!(sym = dlsym(handle, symbol))) {
        hf_reply_set(reply, HF_E_PLUGIN_FAILED, "%s: no symbol %s (not the module expected)", path, symbol);
        return NULL;
    }
    if (!trust_mapped_from(sym, &checked)) {
        hf_reply_set(reply, HF_E_PLUGIN_FAILED,
                     "%s: refused: the file loaded is not the file checked (replaced while it "
                     "was loaded)",
                     path);
        return NULL;
    }
    return sym;
}
