/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the XML-RPC reply parser of the XAPI client. */
#include "proto/xapi/xmlrpc.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hf_reply reply;
    bool fault;
    xv *v;
    v = xmlrpc_parse_response((const char *)data, size, &fault, &reply);
    if (v) {
        (void)xv_str(xv_get(v, "Status"));
        (void)xv_get(v, "ErrorDescription");
    }
    xv_free(v);
    return 0;
}
