/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Methods: HA-Lizard names to plugins and parameters (core/method.c) */
#ifndef HFC_METHOD_H
#define HFC_METHOD_H

#include <hafence/plugin.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "core/error.h"
#include "core/params.h"
#include "core/loader.h"
#include "core/config.h"
#include "core/keys.h"

/* FENCE_METHOD as levels: "IPMI" (one level, one device), "IPMI,SNMP-PDU"
 * (level 1 ipmi, else level 2 the PDU), "IPMI,PDU_A:SNMP-PDU+PDU_B:SNMP-PDU"
 * (level 2 is two PDUs that must both succeed).  An entry is NAME or
 * NAME:PLUGIN: NAME gives its keys (NAME_<PARAM>) and its folder
 * (FENCE_FILE_LOC/NAME/: NAME.hosts, a custom script NAME.sh); PLUGIN, the
 * plugin that serves it, is NAME itself when not written. */
#define HFC_METHODS_MAX     16
#define HFC_METHOD_NAME_MAX 65
typedef struct hfc_method_entry {
    char name[HFC_METHOD_NAME_MAX];
    char plugin[HFC_METHOD_NAME_MAX]; /* "" : the plugin (or script) NAME names */
    unsigned level;                   /* 1-based */
} hfc_method_entry;
typedef struct hfc_method_list {
    hfc_method_entry entries[HFC_METHODS_MAX]; /* in level order */
    size_t count;
    unsigned levels;
} hfc_method_list;
/* Parse a FENCE_METHOD value; an error says what is wrong with it (an
 * empty level, a bad name, a name used twice, too many).  (method-list.c) */
bool hfc_method_list_parse(const char *text, hfc_method_list *out, hfc_error *err);
/* A method and a plugin name are the same name when they match with case
 * and '-'/'_' ignored: SNMP-PDU, snmp_pdu, snmp-pdu. */
bool hfc_method_same_name(const char *a, const char *b);

/* The plugin an entry names: an installed fence plugin of that name (its
 * own, case and '-'/'_' aside: ILO -> ilo, SNMP-PDU -> snmp-pdu, a vendor's
 * ACMERELAY -> acmerelay), or the script plugin for a custom script
 * FENCE_FILE_LOC/NAME/NAME.sh; both is ambiguous, neither is an error
 * naming the key's file and line (with the nearest plugin name).  Unload
 * it with hfc_plugin_unload(). */
hfc_plugin *hfc_method_resolve(const hfc_search_path *path, const hfc_config *cfg, const hfc_settings *s,
                               const hfc_method_entry *m, hfc_error *err);
/* Fill a paramset for the plugin serving m from the config: NAME_<PARAM>
 * keys; FENCE_FILE_LOC -> file_loc, the name -> method, FENCE_HOST_FORGET
 * -> host_forget; for the first method alone (HA-Lizard's keys describe
 * one device) FENCE_IPADDRESS -> address, FENCE_PASSWD -> password;
 * secrets also from <KEY>_FILE. */
bool hfc_method_params(const hfc_config *cfg, const hfc_settings *s, const hfc_method_entry *m, bool first,
                       const hfc_plugin *plugin, hfc_paramset *out, hfc_error *err);
/* A plugin's parameters from NAME_<PARAM> keys (and NAME_<PARAM>_FILE for
 * secrets): HAFENCE_XAPI_ADDRESS -> the pool plugin's address.  A NAME_ key
 * that names no parameter is warned about. */
bool hfc_params_from_keys(const hfc_config *cfg, const char *name, const hfc_plugin *plugin, hfc_paramset *out,
                          hfc_error *err);
/* Parameters filled in when the operator did not: console_dir (captures
 * kept beside the history). */
void hfc_method_param_defaults(const hfc_plugin *plugin, hfc_paramset *set, const char *history_path);
/* FENCE_FILE_LOC/NAME/NAME.hosts (a copy: free() it) */
char *hfc_method_hostmap_path(const hfc_settings *s, const hfc_method_entry *m);
/* How the host map of the method plugin serves is read: several lines
 * per host where it says HF_CAP_HOSTMAP_LINES. */
unsigned hfc_method_hostmap_flags(const hfc_plugin *plugin);

#endif
