/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * menu: the Fujitsu iRMC's SSH text menu (the "Remote Manager"), HA-Lizard's
 * way of fencing with an iRMC: Main Menu -> Power Management, whose screen
 * reads "Power Status : On" and offers "(1) Immediate Power Off", "(2)
 * Immediate Reset", "(4) Power On"..., each confirmed with "yes".
 * Items are found by their label, never by a fixed number.
 */
#ifndef HAFENCE_IRMC_MENU_H
#define HAFENCE_IRMC_MENU_H

#include <hafence/plugin.h>
#include <stdbool.h>

#define MENU_PROMPT   "Enter selection"
#define MENU_CONFIRM  "(yes/no)"
#define MENU_CONTINUE "Press any key"

typedef struct menu_screen {
    bool has_power;
    hf_power power;
} menu_screen;

/* The key of the item whose label starts with label ("(2) Power
 * Management..." -> '2'); false when the screen has none. */
bool menu_item_key(const char *screen, const char *label, char *key);
/* What a screen says about the power ("Power Status : On|Off"). */
void menu_read(const char *screen, menu_screen *s);

#endif
