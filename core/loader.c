/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Plugin loading with libltdl: ABI version check, descriptor consistency,
 * file permission check, and discovery along the plugin path. */
#include "core/error.h"
#include "core/util.h"
#include "core/params.h"
#include "core/loader.h"
#include "core/engine.h"
#include "proto/trust/trust.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <ltdl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

struct hfc_plugin {
    lt_dlhandle handle;
    /* the plugin's descriptor in this core's layout (normalise()), and its
     * parameter table copied with the plugin's stride */
    hf_plugin_descriptor desc;
    hf_param_def *params;
    char *path;
    /* the dispatch table, indexed by id, for ids this core knows */
    hf_fn fns[HF_FN_HEUR_PROBE + 1];
};

static pthread_once_t ltdl_once = PTHREAD_ONCE_INIT;
static int ltdl_status;

static void ltdl_init(void)
{
    ltdl_status = lt_dlinit();
}

/* Every entry point this core knows (sdk: HF_FUNCTIONS): its id, the kind
 * of plugin it belongs to, whether that kind must provide it, its label. */
static const struct {
    int id;
    hf_kind kind;
    bool required;
    const char *label;
} functions[] = {
#define FUNCTION_ROW_(NAME, name, id, type, kind, required, label) {id, kind, required, label},
    HF_FUNCTIONS(FUNCTION_ROW_)
#undef FUNCTION_ROW_
};
#define FUNCTION_COUNT (sizeof functions / sizeof functions[0])

static const char *fn_name(int id)
{
    for (size_t i = 0; i < FUNCTION_COUNT; i++)
        if (functions[i].id == id)
            return functions[i].label;
    return "unknown";
}

/* The 1.x layout of a parameter table's element (ABI 1.0 and 1.1 plugins
 * say no size): frozen, whatever hf_param_def becomes. */
typedef struct param_def_1x {
    const char *name;
    hf_param_type type;
    unsigned flags;
    const char *default_value;
    const char *const *enum_values;
    long long int_min, int_max;
    const char *help;
} param_def_1x;

#define PARAMS_MAX 1000 /* a table without its end is a broken plugin */

static bool valid_name(const char *s, const char *extra)
{
    if (!s || !islower((unsigned char)*s))
        return false;
    for (; *s; s++)
        if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && !strchr(extra, *s))
            return false;
    return true;
}

static bool params_check(const hf_param_def *defs, const char *path, hfc_error *err)
{
    for (const hf_param_def *d = defs; d && d->name; d++) {
        hfc_error verr;
        if (!valid_name(d->name, "_")) {
            hfc_error_set(err, HF_E_PLUGIN_FAILED, "%s: parameter name '%s' is not of the form [a-z][a-z0-9_]*", path,
                          d->name);
            return false;
        }
        for (const hf_param_def *e = defs; e != d; e++) {
            if (strcmp(e->name, d->name) == 0) {
                hfc_error_set(err, HF_E_PLUGIN_FAILED, "%s: duplicate parameter '%s'", path, d->name);
                return false;
            }
        }
        if (d->type < HF_PARAM_STRING || d->type > HF_PARAM_PATH) {
            hfc_error_set(err, HF_E_PLUGIN_FAILED, "%s: parameter '%s' has unknown type %d", path, d->name,
                          (int)d->type);
            return false;
        }
        if (d->type == HF_PARAM_ENUM && (!d->enum_values || !d->enum_values[0])) {
            hfc_error_set(err, HF_E_PLUGIN_FAILED, "%s: enum parameter '%s' lists no values", path, d->name);
            return false;
        }
        if (d->flags & ~(HF_PARAM_REQUIRED | HF_PARAM_SECRET)) {
            hfc_error_set(err, HF_E_PLUGIN_FAILED, "%s: parameter '%s' has unknown flags 0x%x", path, d->name,
                          d->flags);
            return false;
        }
        if ((d->flags & HF_PARAM_SECRET) && d->default_value && *d->default_value) {
            hfc_error_set(err, HF_E_PLUGIN_FAILED, "%s: secret parameter '%s' has a default", path, d->name);
            return false;
        }
        if (d->default_value && *d->default_value && !hfc_param_value_valid(d, d->default_value, &verr)) {
            hfc_error_set(err, HF_E_PLUGIN_FAILED, "%s: default of %s", path, verr.message);
            return false;
        }
        if (!d->help || !*d->help) {
            hfc_error_set(err, HF_E_PLUGIN_FAILED, "%s: parameter '%s' has no help text", path, d->name);
            return false;
        }
    }
    return true;
}

bool hfc_descriptor_check(const hf_plugin_descriptor *d, const char *path, hfc_error *err)
{
    if (!d) {
        hfc_error_set(err, HF_E_PLUGIN_FAILED, "%s: hafence_plugin_entry() returned no descriptor", path);
        return false;
    }
    if (d->abi_major != HAFENCE_ABI_MAJOR || d->abi_minor > HAFENCE_ABI_MINOR) {
        hfc_error_set(err, HF_E_PLUGIN_FAILED, "%s: plugin built for ABI %u.%u, this hafence supports %d.0 to %d.%d",
                      path, d->abi_major, d->abi_minor, HAFENCE_ABI_MAJOR, HAFENCE_ABI_MAJOR, HAFENCE_ABI_MINOR);
        return false;
    }
    /* ABI 1.0's descriptor ends with dispatch: every 1.x descriptor has it */
    if (d->size < offsetof(hf_plugin_descriptor, dispatch) + sizeof d->dispatch) {
        hfc_error_set(err, HF_E_PLUGIN_FAILED, "%s: descriptor size %zu is too small for ABI %u.%u", path, d->size,
                      d->abi_major, d->abi_minor);
        return false;
    }
    if (d->kind != HF_KIND_FENCE && d->kind != HF_KIND_HEURISTIC) {
        hfc_error_set(err, HF_E_PLUGIN_FAILED, "%s: unknown plugin kind %d", path, (int)d->kind);
        return false;
    }
    if (!valid_name(d->name, "-")) {
        hfc_error_set(err, HF_E_PLUGIN_FAILED, "%s: plugin name '%s' is not of the form [a-z][a-z0-9-]*", path,
                      d->name ? d->name : "(null)");
        return false;
    }
    if (!d->version || !*d->version || !d->description || !*d->description) {
        hfc_error_set(err, HF_E_PLUGIN_FAILED, "%s: plugin '%s' lacks a version or description", path, d->name);
        return false;
    }
    if (!d->dispatch) {
        hfc_error_set(err, HF_E_PLUGIN_FAILED, "%s: plugin '%s' has no dispatch table", path, d->name);
        return false;
    }
    for (const hf_dispatch *a = d->dispatch; a->id; a++) {
        if (!a->fn) {
            hfc_error_set(err, HF_E_PLUGIN_FAILED, "%s: entry point %d (%s) is NULL", path, a->id, fn_name(a->id));
            return false;
        }
        for (const hf_dispatch *b = d->dispatch; b != a; b++) {
            if (b->id == a->id) {
                hfc_error_set(err, HF_E_PLUGIN_FAILED, "%s: entry point %d (%s) appears twice", path, a->id,
                              fn_name(a->id));
                return false;
            }
        }
    }
    for (size_t i = 0; i < FUNCTION_COUNT; i++) {
        const hf_dispatch *a = d->dispatch;
        if (functions[i].kind != d->kind || !functions[i].required)
            continue;
        while (a->id && a->id != functions[i].id)
            a++;
        if (!a->id) {
            hfc_error_set(err, HF_E_PLUGIN_FAILED, "%s: plugin '%s' lacks the required entry point '%s' (id %d)", path,
                          d->name, functions[i].label, functions[i].id);
            return false;
        }
    }
    return params_check(d->params, path, err);
}

/* The descriptor d in this core's layout: what a plugin of an older minor
 * did not write is zero; its parameter table copied element by element with
 * the plugin's own stride (param_def_size since ABI 1.2, the 1.x layout
 * before), so that hf_param_def may grow without breaking any plugin. */
static bool normalise(hfc_plugin *p, const hf_plugin_descriptor *d, const char *path, hfc_error *err)
{
    size_t stride, count = 0, have = sizeof p->desc;
    const char *table;
    if (!d || d->size < offsetof(hf_plugin_descriptor, dispatch) + sizeof d->dispatch)
        return hfc_descriptor_check(d, path, err); /* says what is wrong */
    memcpy(&p->desc, d, d->size < have ? d->size : have);
    if (d->size < have)
        memset((char *)&p->desc + d->size, 0, have - d->size);
    stride = p->desc.param_def_size ? p->desc.param_def_size : sizeof(param_def_1x);
    if (stride < sizeof(param_def_1x) || stride % sizeof(void *)) {
        hfc_error_set(err, HF_E_PLUGIN_FAILED, "%s: parameter table element size %zu is not of ABI 1.x", path, stride);
        return false;
    }
    table = (const char *)d->params;
    while (table && count < PARAMS_MAX && *(const char *const *)(table + count * stride))
        count++;
    if (count == PARAMS_MAX) {
        hfc_error_set(err, HF_E_PLUGIN_FAILED, "%s: parameter table has no end (%d entries)", path, PARAMS_MAX);
        return false;
    }
    p->params = hfc_calloc(count + 1, sizeof *p->params);
    for (size_t i = 0; i < count; i++)
        memcpy(&p->params[i], table + i * stride, stride < sizeof *p->params ? stride : sizeof *p->params);
    p->desc.params = p->params;
    p->desc.param_def_size = sizeof *p->params;
    return true;
}

hfc_plugin *hfc_plugin_load(const char *path, hfc_error *err)
{
    hf_reply why;
    struct stat checked;
    lt_dladvise advise;
    hafence_plugin_entry_fn *entry;
    hfc_plugin *p;

    pthread_once(&ltdl_once, ltdl_init);
    if (ltdl_status) {
        hfc_error_set(err, HF_E_PLUGIN_FAILED, "libltdl failed to initialise: %s", lt_dlerror());
        return NULL;
    }
    /* the trust rule (proto/trust): the file and every directory above it
     * owned by root or us and writable by nobody else, so nobody else can
     * swap it before dlopen() opens it again; that it did not change is
     * checked below, on what was mapped */
    if (!trust_stat(path, &checked, &why)) {
        hfc_error_set(err, errno == ENOENT && !strstr(why.message, "refused") ? HF_E_BAD_PARAMETER : HF_E_PLUGIN_FAILED,
                      "plugin %s", why.message);
        return NULL;
    }
    /* local symbols: two plugins exporting the same entry name must not
     * resolve to each other */
    lt_dladvise_init(&advise);
    lt_dladvise_local(&advise);
    p = hfc_calloc(1, sizeof *p);
    p->handle = lt_dlopenadvise(path, advise);
    lt_dladvise_destroy(&advise);
    if (!p->handle) {
        hfc_error_set(err, HF_E_PLUGIN_FAILED, "%s: not a loadable plugin: %s", path, lt_dlerror());
        free(p);
        return NULL;
    }
    /* a plugin stays mapped until exit even after it is "unloaded": the
     * libraries it pulls in (OpenSSL under libcurl, ...) register exit
     * handlers and thread-local destructors that must not outlive their
     * code */
    lt_dlmakeresident(p->handle);
    entry = (hafence_plugin_entry_fn *)lt_dlsym(p->handle, HAFENCE_PLUGIN_ENTRY_SYMBOL);
    if (!entry) {
        hfc_error_set(err, HF_E_PLUGIN_FAILED, "%s: not a hafence plugin: no symbol %s", path,
                      HAFENCE_PLUGIN_ENTRY_SYMBOL);
        goto fail;
    }
    if (!trust_mapped_from((const void *)entry, &checked)) {
        hfc_error_set(err, HF_E_PLUGIN_FAILED,
                      "%s: refused: the file loaded is not the file checked (replaced "
                      "while it was loaded)",
                      path);
        goto fail;
    }
    if (!normalise(p, entry(), path, err) || !hfc_descriptor_check(&p->desc, path, err))
        goto fail;
    for (const hf_dispatch *a = p->desc.dispatch; a->id; a++)
        if (a->id > 0 && (size_t)a->id < sizeof p->fns / sizeof p->fns[0])
            p->fns[a->id] = a->fn; /* ids this core does not know are ignored */
    p->path = hfc_strdup(path);
    return p;
fail:
    lt_dlclose(p->handle);
    free(p->params);
    free(p);
    return NULL;
}

void hfc_plugin_unload(hfc_plugin *plugin)
{
    if (!plugin)
        return;
    lt_dlclose(plugin->handle);
    free(plugin->params);
    free(plugin->path);
    free(plugin);
}

const hf_plugin_descriptor *hfc_plugin_descriptor_of(const hfc_plugin *plugin)
{
    return &plugin->desc;
}
const char *hfc_plugin_path(const hfc_plugin *plugin)
{
    return plugin->path;
}
const char *hfc_plugin_name(const hfc_plugin *plugin)
{
    return plugin->desc.name;
}

bool hfc_plugin_can(const hfc_plugin *plugin, unsigned long capability)
{
    return (plugin->desc.capabilities & capability) == capability;
}

hf_fn hfc_plugin_fn(const hfc_plugin *plugin, int id)
{
    if (id <= 0 || (size_t)id >= sizeof plugin->fns / sizeof plugin->fns[0])
        return NULL;
    return plugin->fns[id];
}

void hfc_search_path_init(hfc_search_path *path, const char *configured_dir)
{
    const char *env = getenv("HAFENCE_PLUGIN_PATH");
    memset(path, 0, sizeof *path);
    path->dirs = hfc_calloc(1, sizeof(char *));
    if (configured_dir && *configured_dir) {
        path->dirs[path->count++] = hfc_strdup(configured_dir);
    }
    if (env) {
        char *copy = hfc_strdup(env), *save = NULL;
        for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
            path->dirs = hfc_realloc(path->dirs, (path->count + 1) * sizeof(char *));
            path->dirs[path->count++] = hfc_strdup(dir);
        }
        free(copy);
    }
}

void hfc_search_path_free(hfc_search_path *path)
{
    for (size_t i = 0; i < path->count; i++)
        free(path->dirs[i]);
    free(path->dirs);
    memset(path, 0, sizeof *path);
}

void hfc_search_path_text(const hfc_search_path *path, char *out, size_t size)
{
    *out = '\0';
    for (size_t i = 0; i < path->count; i++) {
        size_t used = strlen(out);
        snprintf(out + used, size - used, "%s%s", used ? ":" : "", path->dirs[i]);
    }
    if (!*out)
        snprintf(out, size, "no directory: set HAFENCE_PLUGIN_PATH");
}

/* The installed plugin name nearest to name (a typo, IPMI for ipmi), into
 * out ("" when none is close): the file names in the path, nothing loaded. */
static void nearest_plugin(const hfc_search_path *path, const char *name, char *out, size_t size)
{
    char *names[256] = {NULL};
    size_t n = 0;
    const char *near;
    *out = '\0';
    for (size_t i = 0; i < path->count && n < sizeof names / sizeof names[0]; i++) {
        DIR *d = opendir(path->dirs[i]);
        struct dirent *de;
        while (d && (de = readdir(d)) != NULL && n < sizeof names / sizeof names[0]) {
            size_t len = strlen(de->d_name);
            if (len > 3 && strcmp(de->d_name + len - 3, ".so") == 0)
                names[n++] = hfc_strndup(de->d_name, len - 3);
        }
        if (d)
            closedir(d);
    }
    if ((near = hfc_nearest(name, (const char *const *)names, n)) != NULL)
        snprintf(out, size, " (did you mean '%s'?)", near);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
}

hfc_plugin *hfc_plugin_find(const hfc_search_path *path, const char *name, hfc_error *err)
{
    char file[4096], near[160];
    if (strchr(name, '/'))
        return hfc_plugin_load(name, err);
    if (!valid_name(name, "-")) {
        nearest_plugin(path, name, near, sizeof near);
        hfc_error_set(err, HF_E_BAD_PARAMETER, "'%s' is not a plugin name%s", name,
                      *near ? near : " (plugin names are lower case: ipmi, snmp-pdu...)");
        return NULL;
    }
    for (size_t i = 0; i < path->count; i++) {
        snprintf(file, sizeof file, "%s/%s.so", path->dirs[i], name);
        if (access(file, F_OK) == 0)
            return hfc_plugin_load(file, err);
    }
    {
        char dirs[2048];
        hfc_search_path_text(path, dirs, sizeof dirs);
        nearest_plugin(path, name, near, sizeof near);
        hfc_error_set(err, HF_E_BAD_PARAMETER, "plugin '%s' not found%s (looked in %s)", name, near, dirs);
    }
    return NULL;
}

typedef struct capable_walk {
    const hfc_search_path *path;
    unsigned long capability;
    hfc_outcome *out; /* items: (file, name) of each plugin that has it */
} capable_walk;

static void visit_capable(const char *file, hfc_plugin *plugin, const hfc_error *err, void *arg)
{
    capable_walk *w = arg;
    (void)err;
    if (plugin && hfc_plugin_can(plugin, w->capability)) {
        w->out->items = hfc_realloc(w->out->items, (w->out->item_count + 1) * sizeof *w->out->items);
        w->out->items[w->out->item_count].target = hfc_strdup(file);
        w->out->items[w->out->item_count++].name = hfc_strdup(hfc_plugin_name(plugin));
    }
    hfc_plugin_unload(plugin);
}

static void scan_capable(void *arg, int64_t deadline_ms, volatile sig_atomic_t *cancel, hfc_outcome *out)
{
    capable_walk *w = arg;
    (void)deadline_ms, (void)cancel;
    w->out = out;
    hfc_plugin_discover(w->path, visit_capable, w);
    out->code = HF_OK;
}

/* The scan loads every plugin in the path, and a loaded plugin stays
 * mapped with all its libraries until exit (see hfc_plugin_load): a daemon
 * looking for its pool client would carry every installed plugin's
 * libraries for its whole life (5 MiB with all of hafence's).  So the scan
 * runs in a child process, which says which files have the capability;
 * only the one chosen is loaded here.  A plugin that crashes or hangs as it
 * loads harms the child alone. */
enum {
    SCAN_TIMEOUT_MS = 30000
};

hfc_plugin *hfc_plugin_find_capable(const hfc_search_path *path, unsigned long capability, const char *what,
                                    hfc_error *err)
{
    capable_walk w = {.path = path, .capability = capability};
    hfc_outcome out = {0};
    hfc_child *child = hfc_child_start(scan_capable, NULL, &w, hf_now_ms() + SCAN_TIMEOUT_MS, &out);
    hfc_plugin *found = NULL;
    char dirs[2048];
    hfc_search_path_text(path, dirs, sizeof dirs);
    hfc_children_wait(&child, 1);
    if (out.code != HF_OK) {
        hfc_error_set(err, HF_E_PLUGIN_FAILED,
                      "looking for %s in %s: the scan failed (%s): `hafence plugins` shows "
                      "which plugin does not load",
                      what, dirs, out.message);
    } else if (out.item_count > 1) {
        char others[512] = "";
        for (size_t i = 1; i < out.item_count; i++) {
            size_t used = strlen(others);
            snprintf(others + used, sizeof others - used, "%s%s", used ? ", " : "", out.items[i].name);
        }
        hfc_error_set(err, HF_E_BAD_PARAMETER, "several plugins are %s: %s, %s (in %s): remove all but one", what,
                      out.items[0].name, others, dirs);
    } else if (out.item_count == 0) {
        hfc_error_set(err, HF_E_BAD_PARAMETER, "no installed plugin is %s (looked in %s)", what, dirs);
    } else if ((found = hfc_plugin_load(out.items[0].target, err)) != NULL && !hfc_plugin_can(found, capability)) {
        hfc_error_set(err, HF_E_PLUGIN_FAILED, "%s: no longer %s (replaced since the scan)", out.items[0].target, what);
        hfc_plugin_unload(found);
        found = NULL;
    }
    hfc_outcome_clear(&out);
    return found;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void hfc_plugin_discover(const hfc_search_path *path, hfc_plugin_visit_fn *fn, void *arg)
{
    /* a name found in an earlier directory hides the same name later,
     * as hfc_plugin_find() would */
    char **seen = NULL;
    size_t nseen = 0;
    for (size_t i = 0; i < path->count; i++) {
        DIR *dir = opendir(path->dirs[i]);
        struct dirent *de;
        char **files = NULL;
        size_t nfiles = 0;
        if (!dir)
            continue;
        while ((de = readdir(dir)) != NULL) {
            size_t len = strlen(de->d_name);
            if (len < 4 || strcmp(de->d_name + len - 3, ".so") != 0)
                continue;
            files = hfc_realloc(files, (nfiles + 1) * sizeof(char *));
            files[nfiles++] = hfc_strdup(de->d_name);
        }
        closedir(dir);
        qsort(files, nfiles, sizeof(char *), compare_names);
        for (size_t f = 0; f < nfiles; f++) {
            char full[4096];
            bool dup = false;
            hfc_error err = {0};
            hfc_plugin *p;
            for (size_t s = 0; s < nseen; s++)
                dup = dup || strcmp(seen[s], files[f]) == 0;
            if (!dup) {
                snprintf(full, sizeof full, "%s/%s", path->dirs[i], files[f]);
                p = hfc_plugin_load(full, &err);
                fn(full, p, &err, arg);
                seen = hfc_realloc(seen, (nseen + 1) * sizeof(char *));
                seen[nseen++] = files[f];
            } else {
                free(files[f]);
            }
        }
        free(files);
    }
    for (size_t s = 0; s < nseen; s++)
        free(seen[s]);
    free(seen);
}
