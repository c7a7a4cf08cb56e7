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

static const char *const result_names[HF_RESULT_COUNT] = {
    [HF_OK] = "ok",
    [HF_E_BAD_PARAMETER] = "bad-parameter",
    [HF_E_AUTH_REFUSED] = "auth-refused",
    [HF_E_UNREACHABLE] = "unreachable",
    [HF_E_TIMED_OUT] = "timed-out",
    [HF_E_DEVICE_REFUSED] = "device-refused",
    [HF_E_UNVERIFIED] = "unverified",
    [HF_E_UNSUPPORTED] = "unsupported",
    [HF_E_CANCELLED] = "cancelled",
    [HF_E_PLUGIN_FAILED] = "plugin-failed",
};

const char *hf_result_name(hf_result code)
{
    if ((unsigned)code < HF_RESULT_COUNT)
        return result_names[code];
    return "plugin-failed";
}

const char *hf_power_name(hf_power power)
{
    switch (power) {
    case HF_POWER_ON: return "on";
    case HF_POWER_OFF: return "off";
    default: return "unknown";
    }
}

const char *hf_vote_name(hf_vote vote)
{
    switch (vote) {
    case HF_VOTE_PASS: return "pass";
    case HF_VOTE_FAIL: return "fail";
    default: return "unknown";
    }
}
