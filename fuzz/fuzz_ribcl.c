/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the RIBCL reply parser of the ilo plugin (several XML
 * documents back to back, each with RESPONSE statuses). */
#include "proto/ribcl/ribcl.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hf_reply reply;
    ribcl_result r;
    if (ribcl_parse((const char *)data, size, &r, &reply) == HF_OK && r.has_power)
        (void)r.power;
    return 0;
}
