/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ssh-conn: connect, authenticate, run commands (see ssh-conn.h).
 * libssh2 runs non-blocking; every wait is a poll() bounded by the step's
 * end and the call's deadline, in 200 ms slices to notice cancellation.
 */
#include "proto/ssh/ssh-internal.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <unistd.h>

/* How long a command may wait for a channel on a connection kept from an
 * earlier call before the connection is taken for dead and re-opened. */
#define REUSE_PROBE_MS    3000
#define KBDINT_ROUNDS_MAX 4

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_rc = -1;
static void init_libssh2(void)
{
    init_rc = libssh2_init(0);
}

static void copy_opt(char *dst, size_t size, const char *src, const char **field)
{
    snprintf(dst, size, "%s", src ? src : "");
    *field = src ? dst : NULL;
}

ssh_conn *ssh_conn_new(const ssh_conn_options *opt)
{
    ssh_conn *c;
    pthread_once(&init_once, init_libssh2);
    if (init_rc != 0 || !(c = calloc(1, sizeof *c)))
        return NULL;
    c->opt = *opt;
    c->fd = -1;
    copy_opt(c->address, sizeof c->address, opt->address, &c->opt.address);
    copy_opt(c->username, sizeof c->username, opt->username, &c->opt.username);
    copy_opt(c->password, sizeof c->password, opt->password, &c->opt.password);
    copy_opt(c->key_file, sizeof c->key_file, opt->key_file, &c->opt.key_file);
    copy_opt(c->key_passphrase, sizeof c->key_passphrase, opt->key_passphrase, &c->opt.key_passphrase);
    copy_opt(c->known_hosts, sizeof c->known_hosts, opt->known_hosts, &c->opt.known_hosts);
    if (c->opt.port <= 0)
        c->opt.port = 22;
    if (c->opt.connect_timeout_ms <= 0)
        c->opt.connect_timeout_ms = 10000;
    snprintf(c->name, sizeof c->name, "%s@%s:%d", c->username, c->address, c->opt.port);
    return c;
}

const char *ssh_conn_name(const ssh_conn *c)
{
    return c->name;
}

void ssh_default_known_hosts(char *out, size_t size)
{
    const char *home = getenv("HOME");
    struct passwd *pw = (!home || !*home) ? getpwuid(getuid()) : NULL;
    if (pw)
        home = pw->pw_dir;
    snprintf(out, size, "%s/.ssh/known_hosts", home && *home ? home : "/root");
}

/* Drop the connection without a goodbye (it may be dead or mid-command). */
static void drop(ssh_conn *c)
{
    c->shell = NULL; /* freed with the session */
    if (c->session)
        libssh2_session_free(c->session);
    if (c->fd >= 0)
        close(c->fd);
    c->session = NULL;
    c->fd = -1;
}

void ssh_conn_close(ssh_conn *c)
{
    ssh_shell_close(c, NULL);
    if (c->session && c->fd >= 0) {
        struct pollfd p = {.fd = c->fd, .events = POLLOUT};
        int64_t until = hf_now_ms() + 500;
        /* a goodbye, briefly: the connection is closed either way */
        while (libssh2_session_disconnect(c->session, "hafence: done") == LIBSSH2_ERROR_EAGAIN && hf_now_ms() < until)
            poll(&p, 1, 50);
    }
    drop(c);
}

void ssh_conn_free(ssh_conn *c)
{
    if (!c)
        return;
    ssh_conn_close(c);
    memset(c, 0, sizeof *c); /* secrets */
    free(c);
}

bool ssh_again(ssh_conn *c, int rc, bool *timed_out)
{
    struct pollfd p = {.fd = c->fd, .events = 0};
    int dir;
    int64_t end = c->until < c->ctx->deadline_ms ? c->until : c->ctx->deadline_ms, left;
    if (rc != LIBSSH2_ERROR_EAGAIN)
        return false;
    left = end - hf_now_ms();
    if (left <= 0 || c->ctx->cancelled(c->ctx)) {
        *timed_out = true;
        return false;
    }
    dir = libssh2_session_block_directions(c->session);
    if (dir & LIBSSH2_SESSION_BLOCK_INBOUND)
        p.events |= POLLIN;
    if (dir & LIBSSH2_SESSION_BLOCK_OUTBOUND)
        p.events |= POLLOUT;
    if (!p.events)
        p.events = POLLIN;
    poll(&p, 1, (int)(left > 200 ? 200 : left));
    return true;
}

/* The code for a step that ran out of time: the call's deadline, a
 * cancellation, or the step's own limit (the device is not answering). */
static hf_result out_of_time(const ssh_conn *c)
{
    if (hf_ctx_remaining_ms(c->ctx) == 0)
        return HF_E_TIMED_OUT;
    return c->ctx->cancelled(c->ctx) ? HF_E_CANCELLED : HF_E_UNREACHABLE;
}

static const char *last_error(ssh_conn *c)
{
    char *msg = NULL;
    libssh2_session_last_error(c->session, &msg, NULL, 0);
    return msg && *msg ? msg : "unknown error";
}

/* Keyboard-interactive: the password for every prompt that does not echo
 * (the password prompt), nothing for the others. */
static void kbdint_respond(const char *name, int name_len, const char *instruction, int instruction_len,
                           int num_prompts, const LIBSSH2_USERAUTH_KBDINT_PROMPT *prompts,
                           LIBSSH2_USERAUTH_KBDINT_RESPONSE *responses, void **abstract)
{
    ssh_conn *c = *abstract;
    (void)name, (void)name_len, (void)instruction, (void)instruction_len;
    for (int i = 0; i < num_prompts; i++) {
        const char *answer = prompts[i].echo ? "" : c->password;
        responses[i].text = strdup(answer);
        responses[i].length = responses[i].text ? (unsigned int)strlen(answer) : 0;
    }
}

/* One attempt with one method, to its end: 0 or libssh2's code; *late
 * when the time ran out first. */
typedef enum auth_method {
    AUTH_KEY,
    AUTH_PASSWORD,
    AUTH_KBDINT
} auth_method;

static int attempt(ssh_conn *c, auth_method m, bool *late)
{
    unsigned int ulen = (unsigned int)strlen(c->username);
    int rc;
    do
        rc = m == AUTH_KEY ? libssh2_userauth_publickey_fromfile_ex(c->session, c->username, ulen, NULL, c->key_file,
                                                                    c->opt.key_passphrase ? c->key_passphrase : NULL)
             : m == AUTH_PASSWORD
                 ? libssh2_userauth_password_ex(c->session, c->username, ulen, c->password,
                                                (unsigned int)strlen(c->password), NULL)
                 : libssh2_userauth_keyboard_interactive_ex(c->session, c->username, ulen, kbdint_respond);
    while (ssh_again(c, rc, late));
    return rc;
}

/* The configured method is tried first, without asking the server for its
 * list ("none"): that round trip is the most a status costs beyond the
 * smallest libssh2 client.  The list is asked only when the first try
 * fails: for the fallback (password after a key; keyboard-interactive when
 * the server does not take "password") and for the message. */
static hf_result authenticate(ssh_conn *c, hf_reply *reply)
{
    const char *methods = NULL;
    bool late = false, password_tried = false;
    int rc;
    char offered[256];
    if (c->opt.key_file) {
        if ((rc = attempt(c, AUTH_KEY, &late)) == 0)
            return HF_OK;
        if (late)
            return hf_reply_set(reply, out_of_time(c), "%s: no answer while authenticating", c->name);
        if (rc == LIBSSH2_ERROR_FILE)
            return hf_reply_set(reply, HF_E_BAD_PARAMETER,
                                "%s: cannot use private key %s (unreadable, wrong format or wrong passphrase)", c->name,
                                c->key_file);
        if (rc != LIBSSH2_ERROR_AUTHENTICATION_FAILED && rc != LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED)
            return hf_reply_set(reply, HF_E_UNREACHABLE, "%s: authentication failed: %s", c->name, last_error(c));
    } else if (c->opt.password) {
        password_tried = true;
        if ((rc = attempt(c, AUTH_PASSWORD, &late)) == 0)
            return HF_OK;
        if (late)
            return hf_reply_set(reply, out_of_time(c), "%s: no answer while authenticating", c->name);
        if (rc != LIBSSH2_ERROR_AUTHENTICATION_FAILED && rc != LIBSSH2_ERROR_PASSWORD_EXPIRED)
            return hf_reply_set(reply, HF_E_UNREACHABLE, "%s: authentication failed: %s", c->name, last_error(c));
    }
    do
        methods = libssh2_userauth_list(c->session, c->username, (unsigned int)strlen(c->username));
    while (!methods && ssh_again(c, libssh2_session_last_errno(c->session), &late));
    if (late)
        return hf_reply_set(reply, out_of_time(c), "%s: no answer while authenticating", c->name);
    if (!methods) {
        if (libssh2_userauth_authenticated(c->session))
            return HF_OK; /* "none" was accepted */
        return hf_reply_set(reply, HF_E_UNREACHABLE, "%s: authentication failed: %s", c->name, last_error(c));
    }
    snprintf(offered, sizeof offered, "%s", methods);
    if (c->opt.password && !password_tried && strstr(offered, "password")) {
        password_tried = true;
        if ((rc = attempt(c, AUTH_PASSWORD, &late)) == 0)
            return HF_OK;
        if (late)
            return hf_reply_set(reply, out_of_time(c), "%s: no answer while authenticating", c->name);
    } else if (c->opt.password && !strstr(offered, "password") && strstr(offered, "keyboard-interactive")) {
        password_tried = true;
        if ((rc = attempt(c, AUTH_KBDINT, &late)) == 0)
            return HF_OK;
        if (late)
            return hf_reply_set(reply, out_of_time(c), "%s: no answer while authenticating", c->name);
    }
    /* nothing given that the server takes: say what it offers */
    if (!(c->opt.key_file && strstr(offered, "publickey")) &&
        !(c->opt.password && (strstr(offered, "password") || strstr(offered, "keyboard-interactive"))))
        return hf_reply_set(reply, HF_E_AUTH_REFUSED, "%s: the server offers %s, and no %s was given for them", c->name,
                            offered, c->opt.key_file ? "password" : "password or private key");
    return hf_reply_set(reply, HF_E_AUTH_REFUSED, "%s: authentication refused (%s; the server offers %s)", c->name,
                        c->opt.key_file && c->opt.password ? "key and password"
                        : c->opt.key_file                  ? "key"
                                                           : "password",
                        offered);
}

hf_result ssh_conn_open(ssh_conn *c, const hf_context *ctx, hf_reply *reply)
{
    hf_result r;
    bool late = false;
    int rc;
    if (c->session)
        return HF_OK;
    c->ctx = ctx;
    c->until = hf_now_ms() + c->opt.connect_timeout_ms;
    c->fd = ssh_socket_connect(c->address, c->opt.port, ctx, c->until, &r, reply);
    if (c->fd < 0)
        return hf_reply_prefix(reply, r, "%s: ", c->name);
    c->session = libssh2_session_init_ex(NULL, NULL, NULL, c);
    if (!c->session) {
        drop(c);
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
    }
    libssh2_session_set_blocking(c->session, 0);
    ssh_hostkey_prefer_known(c);
    do
        rc = libssh2_session_handshake(c->session, c->fd);
    while (ssh_again(c, rc, &late));
    if (rc != 0) {
        r = late ? hf_reply_set(reply, out_of_time(c), "%s: no SSH handshake in time", c->name)
                 : hf_reply_set(reply, HF_E_UNREACHABLE, "%s: SSH handshake failed: %s", c->name, last_error(c));
        drop(c);
        return r;
    }
    if ((r = ssh_hostkey_verify(c, ctx, reply)) != HF_OK || (r = authenticate(c, reply)) != HF_OK) {
        drop(c);
        return r;
    }
    return HF_OK;
}

/* Read what is waiting on one stream of the channel into buf (the rest is
 * read and dropped).  Returns the libssh2 code of the last read. */
static ssize_t read_stream(LIBSSH2_CHANNEL *ch, int stream, char *buf, size_t size, size_t *used)
{
    char chunk[4096];
    ssize_t n;
    while ((n = libssh2_channel_read_ex(ch, stream, chunk, sizeof chunk)) > 0) {
        size_t room = size - 1 - *used;
        size_t take = (size_t)n < room ? (size_t)n : room;
        memcpy(buf + *used, chunk, take);
        *used += take;
        buf[*used] = '\0';
    }
    return n;
}

static bool socket_gone(int rc)
{
    return rc == LIBSSH2_ERROR_SOCKET_SEND || rc == LIBSSH2_ERROR_SOCKET_RECV ||
           rc == LIBSSH2_ERROR_SOCKET_DISCONNECT || rc == LIBSSH2_ERROR_SOCKET_TIMEOUT ||
           rc == LIBSSH2_ERROR_CHANNEL_CLOSED || rc == LIBSSH2_ERROR_BAD_USE || rc == LIBSSH2_ERROR_TIMEOUT;
}

/* A channel to run a command on: on a kept connection that does not give
 * one within REUSE_PROBE_MS, or says it is gone, a new connection. */
static LIBSSH2_CHANNEL *open_channel(ssh_conn *c, const hf_context *ctx, hf_reply *reply, hf_result *r)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        LIBSSH2_CHANNEL *ch;
        bool kept = c->session != NULL, late = false;
        if ((*r = ssh_conn_open(c, ctx, reply)) != HF_OK)
            return NULL;
        c->ctx = ctx;
        c->until = kept ? hf_now_ms() + REUSE_PROBE_MS : ctx->deadline_ms;
        do
            ch = libssh2_channel_open_session(c->session);
        while (!ch && ssh_again(c, libssh2_session_last_errno(c->session), &late));
        if (ch)
            return ch;
        if (kept && (late ? hf_ctx_remaining_ms(ctx) > 0 && !ctx->cancelled(ctx)
                          : socket_gone(libssh2_session_last_errno(c->session)))) {
            hf_logf(ctx, HF_LOG_INFO, "%s: the connection kept from an earlier call is gone: connecting again",
                    c->name);
            drop(c);
            continue;
        }
        *r = late ? hf_reply_set(reply, out_of_time(c), "%s: no channel opened in time", c->name)
                  : hf_reply_set(reply, HF_E_UNREACHABLE, "%s: cannot open a channel: %s", c->name, last_error(c));
        drop(c);
        return NULL;
    }
    return NULL;
}

hf_result ssh_conn_exec(ssh_conn *c, const hf_context *ctx, const char *command, ssh_output *out, hf_reply *reply)
{
    LIBSSH2_CHANNEL *ch;
    hf_result r;
    bool late = false;
    size_t out_used = 0, err_used = 0;
    int rc;
    memset(out, 0, sizeof *out);
    out->exit_status = -1;
    if (!(ch = open_channel(c, ctx, reply, &r)))
        return r;
    c->until = ctx->deadline_ms;
    do
        rc = libssh2_channel_exec(ch, command);
    while (ssh_again(c, rc, &late));
    if (rc != 0) {
        r = late ? hf_reply_set(reply, out_of_time(c), "%s: command not started in time", c->name)
                 : hf_reply_set(reply, HF_E_UNREACHABLE, "%s: cannot run a command: %s", c->name, last_error(c));
        libssh2_channel_free(ch);
        drop(c);
        return r;
    }
    /* read both streams until the command has ended and said all */
    for (;;) {
        ssize_t a = read_stream(ch, 0, out->out, sizeof out->out, &out_used);
        ssize_t b = read_stream(ch, SSH_EXTENDED_DATA_STDERR, out->err, sizeof out->err, &err_used);
        if (a == 0 && b == 0 && libssh2_channel_eof(ch))
            break;
        if ((a < 0 && a != LIBSSH2_ERROR_EAGAIN) || (b < 0 && b != LIBSSH2_ERROR_EAGAIN)) {
            r = hf_reply_set(reply, HF_E_UNREACHABLE, "%s: connection lost while the command ran: %s", c->name,
                             last_error(c));
            libssh2_channel_free(ch);
            drop(c);
            return r;
        }
        if (!ssh_again(c, LIBSSH2_ERROR_EAGAIN, &late)) {
            r = hf_reply_set(reply, out_of_time(c), "%s: the command did not end in time", c->name);
            libssh2_channel_free(ch);
            drop(c); /* the session's state is unknown: a new one next time */
            return r;
        }
    }
    do
        rc = libssh2_channel_close(ch);
    while (ssh_again(c, rc, &late));
    if (rc == 0)
        do
            rc = libssh2_channel_wait_closed(ch);
        while (ssh_again(c, rc, &late));
    if (rc == 0) {
        char *signal = NULL;
        size_t len = 0;
        out->exit_status = libssh2_channel_get_exit_status(ch);
        if (libssh2_channel_get_exit_signal(ch, &signal, &len, NULL, NULL, NULL, NULL) == 0 && signal) {
            snprintf(out->exit_signal, sizeof out->exit_signal, "%.*s", (int)len, signal);
            out->exit_status = -1;
            libssh2_free(c->session, signal);
        }
    }
    while (libssh2_channel_free(ch) == LIBSSH2_ERROR_EAGAIN && ssh_again(c, LIBSSH2_ERROR_EAGAIN, &late))
        ;
    if (late)
        drop(c); /* the channel could not be let go of: a new connection next time */
    if (rc != 0) {
        r = late ? hf_reply_set(reply, out_of_time(c), "%s: the command's channel did not close in time", c->name)
                 : hf_reply_set(reply, HF_E_UNREACHABLE, "%s: connection lost at the end of the command: %s", c->name,
                                last_error(c));
        drop(c);
        return r;
    }
    return HF_OK;
}

bool ssh_shell_quote(const char *s, char *out, size_t size)
{
    size_t n = 0;
    if (size < 3)
        return false;
    out[n++] = '\'';
    for (; *s; s++) {
        const char *piece = *s == '\'' ? "'\\''" : NULL;
        size_t len = piece ? 4 : 1;
        if (n + len + 2 > size)
            return false;
        if (piece)
            memcpy(out + n, piece, len);
        else
            out[n] = *s;
        n += len;
    }
    out[n++] = '\'';
    out[n] = '\0';
    return true;
}

/* ---- the interactive shell ---------------------------------------------------- */
hf_result ssh_shell_open(ssh_conn *c, const hf_context *ctx, hf_reply *reply)
{
    LIBSSH2_CHANNEL *ch;
    hf_result r;
    bool late = false;
    int rc;
    if (c->shell)
        return HF_OK;
    if (!(ch = open_channel(c, ctx, reply, &r)))
        return r;
    c->until = ctx->deadline_ms;
    do
        rc = libssh2_channel_request_pty_ex(ch, "vt100", 5, NULL, 0, 132, 50, 0, 0);
    while (ssh_again(c, rc, &late));
    if (rc == 0)
        do
            rc = libssh2_channel_shell(ch);
        while (ssh_again(c, rc, &late));
    if (rc != 0) {
        r = late ? hf_reply_set(reply, out_of_time(c), "%s: no shell in time", c->name)
                 : hf_reply_set(reply, HF_E_DEVICE_REFUSED, "%s: no shell: %s", c->name, last_error(c));
        libssh2_channel_free(ch);
        drop(c);
        return r;
    }
    c->shell = ch;
    return HF_OK;
}

hf_result ssh_shell_send(ssh_conn *c, const hf_context *ctx, const char *text, hf_reply *reply)
{
    size_t len = strlen(text);
    bool late = false;
    c->ctx = ctx;
    c->until = ctx->deadline_ms;
    if (!c->shell)
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "%s: no shell open", c->name);
    while (len > 0) {
        ssize_t n = libssh2_channel_write(c->shell, text, len);
        if (n == LIBSSH2_ERROR_EAGAIN) {
            if (!ssh_again(c, (int)n, &late))
                return hf_reply_set(reply, out_of_time(c), "%s: could not send in time", c->name);
            continue;
        }
        if (n < 0) {
            hf_result r = hf_reply_set(reply, HF_E_UNREACHABLE, "%s: connection lost: %s", c->name, last_error(c));
            drop(c);
            return r;
        }
        text += n;
        len -= (size_t)n;
    }
    return HF_OK;
}

hf_result ssh_shell_expect(ssh_conn *c, const hf_context *ctx, const char *const *patterns, int *which, char *screen,
                           size_t size, hf_reply *reply)
{
    size_t used = 0;
    bool late = false;
    c->ctx = ctx;
    c->until = ctx->deadline_ms;
    *which = -1;
    screen[0] = '\0';
    if (!c->shell)
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "%s: no shell open", c->name);
    for (;;) {
        char chunk[2048];
        ssize_t n = libssh2_channel_read(c->shell, chunk, sizeof chunk);
        if (n > 0) {
            if (used + (size_t)n >= size) { /* keep the end: prompts are there */
                size_t keep = size / 2 < used ? size / 2 : used;
                memmove(screen, screen + used - keep, keep);
                used = keep;
            }
            if ((size_t)n >= size - used)
                n = (ssize_t)(size - used - 1);
            memcpy(screen + used, chunk, (size_t)n);
            used += (size_t)n;
            screen[used] = '\0';
            for (int i = 0; patterns[i]; i++)
                if (strstr(screen, patterns[i])) {
                    *which = i;
                    return HF_OK;
                }
            continue;
        }
        if (n == 0 && libssh2_channel_eof(c->shell)) {
            hf_result r = hf_reply_set(reply, HF_E_DEVICE_REFUSED, "%s: the device closed the session", c->name);
            ssh_shell_close(c, ctx);
            return r;
        }
        if (n < 0 && n != LIBSSH2_ERROR_EAGAIN) {
            hf_result r = hf_reply_set(reply, HF_E_UNREACHABLE, "%s: connection lost: %s", c->name, last_error(c));
            drop(c);
            return r;
        }
        if (!ssh_again(c, LIBSSH2_ERROR_EAGAIN, &late)) {
            hf_result r =
                hf_reply_set(reply, out_of_time(c), "%s: the device did not answer as expected in time", c->name);
            drop(c); /* mid-dialogue: start afresh next time */
            return r;
        }
    }
}

void ssh_shell_drain(ssh_conn *c, const hf_context *ctx)
{
    c->ctx = ctx;
    if (!c->shell)
        return;
    for (int i = 0; i < 64; i++) { /* bounded: a board that never stops talking is not drained */
        char chunk[2048];
        ssize_t n = libssh2_channel_read(c->shell, chunk, sizeof chunk);
        if (n > 0)
            continue;
        if (n == LIBSSH2_ERROR_EAGAIN || (n == 0 && !libssh2_channel_eof(c->shell)))
            return;
        if (n == 0) { /* the board ended the session (an idle timeout) */
            ssh_shell_close(c, ctx);
            return;
        }
        drop(c);
        return;
    }
    ssh_shell_close(c, ctx);
}

bool ssh_shell_is_open(const ssh_conn *c)
{
    return c->shell != NULL;
}

void ssh_shell_close(ssh_conn *c, const hf_context *ctx)
{
    if (!c->shell)
        return;
    /* a shell is not kept between calls; the connection is, when the shell
     * could be closed properly */
    if (ctx && hf_ctx_remaining_ms(ctx) > 0) {
        c->ctx = ctx;
        bool late = false;
        int rc;
        c->until = hf_now_ms() + 500;
        do
            rc = libssh2_channel_close(c->shell);
        while (ssh_again(c, rc, &late));
        while (libssh2_channel_free(c->shell) == LIBSSH2_ERROR_EAGAIN && ssh_again(c, LIBSSH2_ERROR_EAGAIN, &late))
            ;
        c->shell = NULL;
        if (late)
            drop(c);
        return;
    }
    drop(c);
}
