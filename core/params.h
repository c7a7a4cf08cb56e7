/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parameters (core/params.c) */
#ifndef HFC_PARAMS_H
#define HFC_PARAMS_H

#include <hafence/plugin.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "core/error.h"

/* An unvalidated name=value list as the operator gave it. */
typedef struct hfc_paramset hfc_paramset;
/* The caller frees a set with hfc_paramset_free(). */
hfc_paramset *hfc_paramset_new(void);
void hfc_paramset_free(hfc_paramset *set); /* wipes values */
/* Later values of a name replace earlier ones. */
void hfc_paramset_set(hfc_paramset *set, const char *name, const char *value);
/* The value belongs to the set: valid until the same name is set again or
 * the set is freed (copy it to keep it). */
const char *hfc_paramset_get(const hfc_paramset *set, const char *name);
size_t hfc_paramset_count(const hfc_paramset *set);
const char *hfc_paramset_name(const hfc_paramset *set, size_t i);

/* Validate against a parameter table: unknown name, missing required, wrong
 * type are refused naming the parameter.  Returns the validated array (every
 * parameter with a value, defaults filled, booleans as 1/0), or NULL.  The
 * array owns copies of every value: free it with hfc_params_free(), which
 * wipes them (they may be secrets). */
hf_param *hfc_params_validate(const hf_param_def *defs, const hfc_paramset *given, const char *plugin, hfc_error *err);
void hfc_params_free(hf_param *params); /* wipes values */
/* A row of the plugin's table (belongs to the plugin: valid while it is
 * loaded), or NULL. */
const hf_param_def *hfc_param_def_find(const hf_param_def *defs, const char *name);
/* Check a value against one definition; false with err set. */
bool hfc_param_value_valid(const hf_param_def *def, const char *value, hfc_error *err);
const char *hfc_param_type_name(hf_param_type type);

#endif
