/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the HA-Lizard config parser and the FENCE_* settings. */
#include "hafence-core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int quiet;
    hf_config *cfg = hf_config_new();
    hf_error err;
    hf_settings s;
    if (!quiet) {
        hf_log_set_level(HF_LOG_ERROR);
        quiet = 1;
    }
    if (hf_config_parse(cfg, "fuzz.conf", (const char *)data, size, &err)) {
        for (size_t i = 0; i < hf_config_count(cfg); i++) {
            const char *key = hf_config_key_at(cfg, i);
            /* a fuzzed config must not make us read files */
            if (strstr(key, "_FILE"))
                goto out;
            (void)hf_config_get(cfg, key);
            (void)hf_config_origin(cfg, key);
            (void)hf_config_key_is_secret(key);
        }
        if (hf_settings_load(cfg, &s, &err))
            hf_settings_free(&s);
    }
out:
    hf_config_free(cfg);
    hf_secrets_forget();
    return 0;
}
