/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Plugins (core/loader.c) */
#ifndef HFC_LOADER_H
#define HFC_LOADER_H

#include <hafence/plugin.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "core/error.h"

typedef struct hfc_plugin hfc_plugin;
/* Load one file; refuses other majors, newer minors, non-plugins,
 * inconsistent descriptors and files writable by others.  The caller
 * unloads it with hfc_plugin_unload(); the descriptor, path and name the
 * getters below return belong to the plugin and die with it. */
hfc_plugin *hfc_plugin_load(const char *path, hfc_error *err);
void hfc_plugin_unload(hfc_plugin *plugin);
const hf_plugin_descriptor *hfc_plugin_descriptor_of(const hfc_plugin *plugin);
const char *hfc_plugin_path(const hfc_plugin *plugin);
const char *hfc_plugin_name(const hfc_plugin *plugin);
/* The function for id, or NULL when absent. */
hf_fn hfc_plugin_fn(const hfc_plugin *plugin, int id);
/* Typed: hfc_plugin_fence_off(plugin) is the plugin's hf_fence_power_fn for
 * HF_FN_FENCE_OFF, or NULL; one per row of the SDK's HF_FUNCTIONS. */
#define HFC_PLUGIN_GETTER_(NAME, name, id, type, kind, required, label) \
    static inline type *hfc_plugin_##name(const hfc_plugin *plugin)     \
    {                                                                   \
        return (type *)hfc_plugin_fn(plugin, id);                       \
    }
HF_FUNCTIONS(HFC_PLUGIN_GETTER_)
#undef HFC_PLUGIN_GETTER_
/* Does the plugin say it has capability (HF_CAP_*)? */
bool hfc_plugin_can(const hfc_plugin *plugin, unsigned long capability);
/* Check a descriptor without loading anything (used by load and check). */
bool hfc_descriptor_check(const hf_plugin_descriptor *d, const char *path, hfc_error *err);

/* Where plugins are looked for: the configured directory, then each
 * directory of HAFENCE_PLUGIN_PATH (':'-separated). */
typedef struct hfc_search_path {
    char **dirs;
    size_t count;
} hfc_search_path;
void hfc_search_path_init(hfc_search_path *path, const char *configured_dir);
/* The search path as one line for messages: "a:b", or how to set one. */
void hfc_search_path_text(const hfc_search_path *path, char *out, size_t size);
void hfc_search_path_free(hfc_search_path *path);
/* Load the plugin called name (file NAME.so in the first directory that
 * has it), or a path when name contains '/'.  Unload it with
 * hfc_plugin_unload(). */
hfc_plugin *hfc_plugin_find(const hfc_search_path *path, const char *name, hfc_error *err);
/* Load the one installed plugin that has capability (HF_CAP_*); what says
 * what it is, for the error when none or several have it.  How the core
 * and the daemon find the plugins they use themselves, by what they do,
 * never by name.  Unload it with hfc_plugin_unload(). */
hfc_plugin *hfc_plugin_find_capable(const hfc_search_path *path, unsigned long capability, const char *what,
                                    hfc_error *err);
/* Call fn for every plugin file found (loaded or failing to load). */
typedef void hfc_plugin_visit_fn(const char *file, hfc_plugin *plugin, const hfc_error *err, void *arg);
void hfc_plugin_discover(const hfc_search_path *path, hfc_plugin_visit_fn *fn, void *arg);

#endif
