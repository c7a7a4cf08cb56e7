/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the host map parser. */
#include "core/error.h"
#include "core/hostmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hfc_error err;
    hfc_hostmap *map =
        hfc_hostmap_parse("fuzz.hosts", (const char *)data, size, size % 2 ? HFC_HOSTMAP_JOIN_LINES : 0, &err);
    if (map) {
        (void)hfc_hostmap_lookup(map, "2f4a4020-fe8c-4686-a65d-501a19a06716");
        (void)hfc_hostmap_count(map);
    }
    hfc_hostmap_free(map);
    return 0;
}
