/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Error values and the names of result codes, power states and votes. */
#include "core/error.h"
#include "core/log.h"

void hfc_error_set(hfc_error *err, hf_result code, const char *fmt, ...)
{
    va_list ap;
    if (!err)
        return;
    err->code = code;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    hfc_redact(err->message, sizeof err->message);
}

const char *hfc_vote_name(hf_vote vote)
{
    switch (vote) {
    case HF_VOTE_PASS: return "pass";
    case HF_VOTE_FAIL: return "fail";
    default: return "unknown";
    }
}
