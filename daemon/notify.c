/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * systemd: READY=1 once the configuration is loaded, WATCHDOG=1 from the
 * main loop (so a daemon stuck anywhere is restarted by systemd, and with
 * a hardware watchdog configured, the host is reset), STATUS= lines for
 * 'systemctl status'.  Without libsystemd, or outside systemd, no-ops.
 */
#include "daemon/hafenced.h"

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <stdarg.h>
#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

static int64_t last_alive_ms;

int64_t notify_watchdog_ms(void)
{
#ifdef HAVE_LIBSYSTEMD
    uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) > 0)
        return (int64_t)(usec / 1000);
#endif
    return 0;
}

void notify_ready(void)
{
#ifdef HAVE_LIBSYSTEMD
    sd_notify(0, "READY=1");
#endif
}

void notify_alive(void)
{
    int64_t every = notify_watchdog_ms() / 4, now = hf_now_ms();
    if (every <= 0 || now - last_alive_ms < every)
        return;
    last_alive_ms = now;
#ifdef HAVE_LIBSYSTEMD
    sd_notify(0, "WATCHDOG=1");
#endif
}

void notify_status(const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
#ifdef HAVE_LIBSYSTEMD
    sd_notifyf(0, "STATUS=%s", text);
#endif
}

void notify_stopping(void)
{
#ifdef HAVE_LIBSYSTEMD
    sd_notify(0, "STOPPING=1");
#endif
}
