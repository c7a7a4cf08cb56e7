/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fencing levels: FENCE_METHOD's syntax, and the walk through levels with
 * dummy devices (each device its own state directory): the first level
 * that fences ends it, a level counts only when every device in it was
 * done, a host no level reaches is never done. */
#include "core/error.h"
#include "core/log.h"
#include "core/params.h"
#include "core/loader.h"
#include "core/engine.h"
#include "core/hostmap.h"
#include "core/method.h"
#include "core/topology.h"
#include "tests/tap.h"
#include "tests/test_env.h"

#include <sys/stat.h>
#include <unistd.h>

#define HOST "2f4a4020-fe8c-4686-a65d-501a19a06716"

static char root[] = "/tmp/hafence-topology-XXXXXX";
static hfc_plugin *dummy;

/* ---- FENCE_METHOD ------------------------------------------------------- */
TAP_CASE(method_syntax)
{
    static const struct {
        const char *text;
        size_t count;    /* 0: refused */
        unsigned levels; /* of a good one */
        const char *what;
    } table[] = {
        {"IPMI", 1, 1, "one method: one level"},
        {"IPMI,SNMP-PDU", 2, 2, "two levels"},
        {"IPMI, PDU_A:SNMP-PDU + PDU_B:SNMP-PDU", 3, 2, "level 2 of two devices, blanks around"},
        {"ILO+IPMI", 2, 1, "one level of two devices"},
        {"", 0, 0, "empty"},
        {"IPMI,", 0, 0, "an empty last level"},
        {",IPMI", 0, 0, "an empty first level"},
        {"IPMI++SNMP-PDU", 0, 0, "an empty device"},
        {"IPMI,ipmi", 0, 0, "one name twice (case aside)"},
        {"PDU:SNMP-PDU,pdu:snmp_pdu", 0, 0, "one NAME twice"},
        {"A:B:C", 0, 0, "two colons"},
        {"../x", 0, 0, "a path"},
        {"IPMI SNMP", 0, 0, "a blank inside a name"},
        {"A,B,C,D,E,F,G,H,I,J,K,L,M,N,O,P,Q", 0, 0, "more than 16"},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        hfc_method_list list;
        hfc_error err = {0};
        bool good = hfc_method_list_parse(table[i].text, &list, &err);
        if (table[i].count)
            ok(good && list.count == table[i].count && list.levels == table[i].levels, "'%s': %s (%zu, %u levels)%s",
               table[i].text, table[i].what, good ? list.count : 0, good ? list.levels : 0, err.message);
        else
            ok(!good && *err.message, "'%s' refused: %s: %s", table[i].text, table[i].what, err.message);
    }
    {
        hfc_method_list list;
        hfc_error err = {0};
        ok(hfc_method_list_parse("IPMI, PDU_A:SNMP-PDU + PDU_B:SNMP-PDU", &list, &err) &&
               strcmp(list.entries[1].name, "PDU_A") == 0 && strcmp(list.entries[1].plugin, "SNMP-PDU") == 0 &&
               list.entries[1].level == 2 && list.entries[2].level == 2 && !*list.entries[0].plugin,
           "NAME:PLUGIN: the name for keys and folder, the plugin apart; levels numbered from 1");
    }
}

/* ---- the walk ------------------------------------------------------------- */
typedef struct device_spec {
    unsigned level;
    const char *name;
    const char *misbehave; /* NULL: a good device */
    bool no_line;          /* its host map lacks the host */
} device_spec;

static void set_state(const char *dir, const char *state)
{
    char path[700];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", dir, HOST);
    f = fopen(path, "w");
    fprintf(f, "%s\n", state);
    fclose(f);
}

static bool is_off(const char *dir)
{
    char path[700], word[16] = "";
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", dir, HOST);
    if ((f = fopen(path, "r"))) {
        if (fscanf(f, "%15s", word) != 1)
            word[0] = '\0';
        fclose(f);
    }
    return strcmp(word, "off") == 0;
}

/* A topology of dummy devices as the specs say, every host on. */
static void build(hfc_topology *t, const device_spec *spec, size_t n)
{
    memset(t, 0, sizeof *t);
    t->devices = calloc(n, sizeof *t->devices);
    t->count = n;
    for (size_t i = 0; i < n; i++) {
        hfc_fence_device *d = &t->devices[i];
        hfc_paramset *set = hfc_paramset_new();
        hfc_error err = {0};
        char dir[600], map[700];
        snprintf(dir, sizeof dir, "%s/%s", root, spec[i].name);
        mkdir(dir, 0700);
        set_state(dir, "on");
        snprintf(d->method.name, sizeof d->method.name, "%s", spec[i].name);
        d->method.level = spec[i].level;
        t->levels = spec[i].level > t->levels ? spec[i].level : t->levels;
        d->plugin = dummy;
        hfc_paramset_set(set, "state_dir", dir);
        if (spec[i].misbehave) {
            hfc_paramset_set(set, "misbehave", spec[i].misbehave);
            hfc_paramset_set(set, "fail_times", "100");
        }
        d->params = hfc_params_validate(hfc_plugin_descriptor_of(dummy)->params, set, "dummy", &err);
        hfc_paramset_free(set);
        if (spec[i].no_line) { /* a map that names another host */
            FILE *f;
            snprintf(map, sizeof map, "%s/%s.hosts", root, spec[i].name);
            f = fopen(map, "w");
            fprintf(f, "9b0c8a4e-3f0a-4c59-9d7e-4c0f8a1b2c3d:elsewhere\n");
            fclose(f);
            d->hostmap_path = strdup(map);
            d->hostmap = hfc_hostmap_load(map, 0, &err);
        }
    }
}

static void unbuild(hfc_topology *t)
{
    for (size_t i = 0; i < t->count; i++) {
        hfc_params_free(t->devices[i].params);
        hfc_hostmap_free(t->devices[i].hostmap);
        free(t->devices[i].hostmap_path);
    }
    free(t->devices);
}

static bool counts_nothing(void *arg, const hfc_outcome *out)
{
    (void)arg, (void)out;
    return false;
}

TAP_CASE(walk)
{
    static const struct {
        const char *what;
        device_spec devices[4];
        size_t n;
        unsigned done;      /* the level expected to fence; 0: none */
        size_t tried;       /* devices tried */
        const char *off[3]; /* devices whose host must be off */
        const char *on[3];  /* and those that must have left it on */
    } table[] = {
        {"level 1 works: level 2 is never tried",
         {{1, "ipmi", NULL, false}, {2, "pdu", NULL, false}},
         2,
         1,
         1,
         {"ipmi"},
         {"pdu"}},
        {"the BMC refuses: level 2 (the PDU) fences",
         {{1, "ipmi", "refuse", false}, {2, "pdu", NULL, false}},
         2,
         2,
         2,
         {"pdu"},
         {"ipmi"}},
        {"the BMC is unreachable: level 2 fences",
         {{1, "ipmi", "fail", false}, {2, "pdu", NULL, false}},
         2,
         2,
         2,
         {"pdu"},
         {"ipmi"}},
        {"the BMC never reads off (unverified): level 2 fences",
         {{1, "ipmi", "lie", false}, {2, "pdu", NULL, false}},
         2,
         2,
         2,
         {"pdu"},
         {"ipmi"}},
        {"two PDUs, both work: level 2 done",
         {{1, "ipmi", "refuse", false}, {2, "pdu_a", NULL, false}, {2, "pdu_b", NULL, false}},
         3,
         2,
         3,
         {"pdu_a", "pdu_b"},
         {"ipmi"}},
        {"two PDUs, one refuses: not done",
         {{1, "ipmi", "refuse", false}, {2, "pdu_a", NULL, false}, {2, "pdu_b", "refuse", false}},
         3,
         0,
         3,
         {"pdu_a"},
         {"ipmi", "pdu_b"}},
        {"every level dead: failed, never done",
         {{1, "ipmi", "fail", false}, {2, "pdu", "refuse", false}},
         2,
         0,
         2,
         {NULL},
         {"ipmi", "pdu"}},
        {"level 1 has no host-map line: level 2 fences",
         {{1, "ipmi", NULL, true}, {2, "pdu", NULL, false}},
         2,
         2,
         2,
         {"pdu"},
         {"ipmi"}},
        {"no level reaches the host: failed",
         {{1, "ipmi", NULL, true}, {2, "pdu", NULL, true}},
         2,
         0,
         2,
         {NULL},
         {"ipmi", "pdu"}},
        {"a level with a device that has no line is not half-tried",
         {{1, "pdu_a", NULL, false}, {1, "pdu_b", NULL, true}},
         2,
         0,
         2,
         {NULL},
         {"pdu_a"}},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        hfc_topology t;
        hfc_fence_walk w;
        hfc_engine_options o;
        bool offs = true;
        build(&t, table[i].devices, table[i].n);
        hfc_engine_options_init(&o);
        o.timeout_ms = 20000;
        o.power_timeout_ms = 1500;
        o.retries = 0;
        hfc_topology_fence(&o, &t, HOST, HFC_ACTION_OFF, NULL, NULL, &w);
        for (size_t k = 0; k < 3 && table[i].off[k]; k++) {
            char dir[600];
            snprintf(dir, sizeof dir, "%s/%s", root, table[i].off[k]);
            offs = offs && is_off(dir);
        }
        for (size_t k = 0; k < 3 && table[i].on[k]; k++) {
            char dir[600];
            snprintf(dir, sizeof dir, "%s/%s", root, table[i].on[k]);
            offs = offs && !is_off(dir);
        }
        ok(w.level_done == table[i].done && w.count == table[i].tried && offs, "%s: level %u, %zu tried: %s",
           table[i].what, w.level_done, w.count, w.summary);
        hfc_fence_walk_clear(&w);
        unbuild(&t);
    }
}

TAP_CASE(walk_rules)
{
    static const device_spec one[] = {{1, "solo", NULL, false}};
    static const device_spec hang[] = {{1, "hung", "hang", false}, {2, "spare", NULL, false}};
    hfc_topology t;
    hfc_fence_walk w;
    hfc_engine_options o;
    hfc_history_try tries[2];

    /* the caller's rule decides what counts: nothing counts, nothing is done */
    build(&t, one, 1);
    hfc_engine_options_init(&o);
    o.timeout_ms = 10000;
    hfc_topology_fence(&o, &t, HOST, HFC_ACTION_OFF, counts_nothing, NULL, &w);
    ok(w.level_done == 0 && w.count == 1 && w.tries[0].outcome.code == HF_OK && !w.tries[0].counted,
       "a done the caller does not take is not a fence: %s", w.summary);
    hfc_fence_walk_clear(&w);
    unbuild(&t);

    /* a hung first level gets its share, not the whole deadline */
    build(&t, hang, 2);
    hfc_engine_options_init(&o);
    o.timeout_ms = 6000;
    o.power_timeout_ms = 1000;
    hfc_topology_fence(&o, &t, HOST, HFC_ACTION_OFF, NULL, NULL, &w);
    ok(w.level_done == 2 && w.tries[0].outcome.code == HF_E_TIMED_OUT,
       "a hung level 1 is cut at its share and level 2 fences within the one deadline: %s (level 1: %s)", w.summary,
       w.count ? w.tries[0].outcome.message : "");
    hfc_fence_walk_history(&w, tries);
    ok(w.count == 2 && tries[0].level == 1 && strcmp(tries[0].method, "hung") == 0 && !tries[0].counted &&
           tries[1].level == 2 && tries[1].counted && tries[1].verified && tries[1].time_ms >= tries[0].time_ms,
       "the history holds each level and device with its result and time");
    hfc_fence_walk_clear(&w);
    unbuild(&t);
}

int main(int argc, char **argv)
{
    char file[4096], cmd[256];
    hfc_error err = {0};
    tap_init(argc, argv);
    ok(mkdtemp(root) != NULL, "state dir %s", root);
    dummy = hfc_plugin_load(plugin_file("dummy", file, sizeof file), &err);
    ok(dummy != NULL, "dummy plugin loads: %s", err.message);
    if (!dummy)
        return tap_done();
    hfc_log_set_level(HF_LOG_ERROR);
    TAP_RUN(method_syntax);
    TAP_RUN(walk);
    TAP_RUN(walk_rules);
    hfc_plugin_unload(dummy);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    ok(system(cmd) == 0, "cleaned up");
    return tap_done();
}
