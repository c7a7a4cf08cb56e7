/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the Redfish reply parsers shared by ilo and irmc (the
 * service root, a collection, a system, an error). */
#include "proto/redfish/redfish.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char a[400], b[400], msg[300];
    hf_reply reply;
    redfish_system s;
    int count;
    const char *json = (const char *)data;
    (void)redfish_parse_root(json, size, a, sizeof a, b, sizeof b, &reply);
    (void)redfish_parse_collection(json, size, &count, a, sizeof a, &reply);
    (void)redfish_parse_system(json, size, &s, &reply);
    redfish_parse_error(json, size, msg, sizeof msg);
    return 0;
}
