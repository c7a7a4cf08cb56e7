#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The serial port of a simulated host: ipmi_sim's `sol "tcp:127.0.0.1:PORT"`
connects to it, and what it writes is what the BMC's Serial-over-LAN shows.
Prints a kernel soft-lockup report, a line every 100 ms, as a hung host
would.  Listens on 127.0.0.1 (a free port, written to PORTFILE), serves
connections one after the other, and stops by itself after LIFETIME seconds.
    serial-host.py PORTFILE [LIFETIME]
"""
import socket
import sys
import time

portfile = sys.argv[1]
lifetime = float(sys.argv[2]) if len(sys.argv) > 2 else 120.0
end = time.time() + lifetime

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", 0))
server.listen(4)
with open(portfile + ".tmp", "w") as f:
    f.write("%d\n" % server.getsockname()[1])
import os
os.rename(portfile + ".tmp", portfile)

n = 0
while time.time() < end:
    server.settimeout(max(0.1, end - time.time()))
    try:
        conn, _ = server.accept()
    except OSError:
        break
    with conn:
        while time.time() < end:
            n += 1
            line = ("[%6d.%03d] watchdog: BUG: soft lockup - CPU#1 stuck for 23s! [kworker/1:2:%d]\r\n"
                    % (n // 10, (n % 10) * 100, 4000 + n))
            try:
                conn.sendall(line.encode())
            except OSError:
                break
            time.sleep(0.1)
