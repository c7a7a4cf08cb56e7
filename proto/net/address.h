/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Device addresses as operators write them: "host", "host:port",
 * "[v6]" or "[v6]:port" (a bare IPv6 address has no port). */
#ifndef HAFENCE_PROTO_NET_ADDRESS_H
#define HAFENCE_PROTO_NET_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>

/* host gets the host (brackets removed), *port the port when one is given
 * (else left as it was).  False when the text is not such an address. */
bool net_split_address(const char *text, char *host, size_t host_size, int *port);

#endif
