/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the screens read over SSH: the iRMC text menu and the
 * iLO CLP's answers (text from the device, NUL-terminated as the SSH
 * client hands it over). */
#include "plugins/ilo/clp.h"
#include "plugins/irmc/menu.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1), key;
    menu_screen m;
    clp_answer a;
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    menu_read(text, &m);
    (void)menu_item_key(text, "Power Management", &key);
    (void)menu_item_key(text, "Immediate Power Off", &key);
    (void)clp_parse(text, &a);
    free(text);
    return 0;
}
