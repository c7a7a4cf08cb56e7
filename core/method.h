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

/* The plugin FENCE_METHOD names: an installed fence plugin of that name
 * (its own, case and '-'/'_' aside: ILO -> ilo, SNMP-PDU -> snmp-pdu, a
 * vendor's ACMERELAY -> acmerelay), or the script plugin for a custom
 * script FENCE_FILE_LOC/NAME/NAME.sh; both is ambiguous, neither is an
 * error naming the key's file and line (with the nearest plugin name).
 * Unload it with hfc_plugin_unload(). */
hfc_plugin *hfc_method_resolve(const hfc_search_path *path, const hfc_config *cfg, const hfc_settings *s,
                               hfc_error *err);
/* Fill a paramset for plugin from the config: <METHOD>_<PARAM> keys,
 * FENCE_IPADDRESS -> address, FENCE_PASSWD -> password, FENCE_FILE_LOC ->
 * file_loc, the method name -> method, FENCE_HOST_FORGET -> host_forget;
 * secrets also from <KEY>_FILE. */
bool hfc_method_params(const hfc_config *cfg, const hfc_settings *s, const hfc_plugin *plugin, hfc_paramset *out,
                       hfc_error *err);
/* A plugin's parameters from NAME_<PARAM> keys (and NAME_<PARAM>_FILE for
 * secrets): HAFENCE_XAPI_ADDRESS -> the pool plugin's address.  A NAME_ key
 * that names no parameter is warned about. */
bool hfc_params_from_keys(const hfc_config *cfg, const char *name, const hfc_plugin *plugin, hfc_paramset *out,
                          hfc_error *err);
/* Parameters filled in when the operator did not: console_dir (captures
 * kept beside the history). */
void hfc_method_param_defaults(const hfc_plugin *plugin, hfc_paramset *set, const char *history_path);
/* FENCE_FILE_LOC/<METHOD>/<METHOD>.hosts (a copy: free() it; NULL when no
 * method is set) */
char *hfc_method_hostmap_path(const hfc_settings *s);
/* How the host map of the method plugin serves is read: several lines
 * per host where it says HF_CAP_HOSTMAP_LINES. */
unsigned hfc_method_hostmap_flags(const hfc_plugin *plugin);

#endif
