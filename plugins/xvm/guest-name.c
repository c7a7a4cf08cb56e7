/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * guest-name: what a guest, a virsh URI or an xl config directory may be
 * (see toolstack.h), checked before a byte is sent to the Dom0 by either
 * transport.  Pure, no I/O: the XAPI module links it too.
 */
#include "plugins/xvm/toolstack.h"

#include <ctype.h>
#include <string.h>

bool xvm_guest_valid(const char *guest, hf_reply *reply)
{
    size_t n = guest ? strlen(guest) : 0;
    if (n == 0) {
        hf_reply_set(reply, HF_E_BAD_PARAMETER, "no guest given (a host map line, or the target)");
        return false;
    }
    if (hf_is_uuid_text(guest))
        return true;
    if (n > 128) {
        hf_reply_set(reply, HF_E_BAD_PARAMETER, "guest name longer than 128 characters");
        return false;
    }
    if (guest[0] == '-' || guest[0] == ' ') {
        hf_reply_set(reply, HF_E_BAD_PARAMETER, "guest name '%.128s' starts with '%c'", guest, guest[0]);
        return false;
    }
    for (const char *p = guest; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("._-+@: ", *p)) {
            hf_reply_set(reply, HF_E_BAD_PARAMETER,
                         "guest '%.128s' holds '%c': only a UUID, or a name of letters, digits, "
                         "spaces and . _ - + @ :",
                         guest, isprint((unsigned char)*p) ? *p : '?');
            return false;
        }
    return true;
}

bool xvm_word_valid(const char *word)
{
    if (!word || !*word || *word == '-')
        return false;
    for (const char *p = word; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("._-+@:/", *p))
            return false;
    return true;
}
