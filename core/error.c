/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Error values and the names of result codes, power states and votes. */
#include "hafence-core.h"

void hf_error_set(hf_error *err, hf_result code, const char *fmt, ...)
{
    va_list ap;
    if (!err)
        return;
    err->code = code;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    hf_redact(err->message, sizeof err->message);
}

const char *hf_vote_name(hf_vote vote)
{
    switch (vote) {
    case HF_VOTE_PASS: return "pass";
    case HF_VOTE_FAIL: return "fail";
    default: return "unknown";
    }
}
