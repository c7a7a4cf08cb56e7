/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the HA-Lizard config parser and the FENCE_* settings. */
#include "core/error.h"
#include "core/log.h"
#include "core/config.h"
#include "core/keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int quiet;
    hfc_config *cfg = hfc_config_new();
    hfc_error err;
    hfc_settings s;
    if (!quiet) {
        hfc_log_set_level(HF_LOG_ERROR);
        quiet = 1;
    }
    if (hfc_config_parse(cfg, "fuzz.conf", (const char *)data, size, &err)) {
        for (size_t i = 0; i < hfc_config_count(cfg); i++) {
            const char *key = hfc_config_key_at(cfg, i);
            /* a fuzzed config must not make us read files */
            if (strstr(key, "_FILE"))
                goto out;
            (void)hfc_config_get(cfg, key);
            (void)hfc_config_origin(cfg, key);
            (void)hfc_config_key_is_secret(key);
        }
        if (hfc_settings_load(cfg, &s, &err))
            hfc_settings_free(&s);
    }
out:
    hfc_config_free(cfg);
    hfc_secrets_forget();
    return 0;
}
