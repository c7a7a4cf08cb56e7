/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Management boards and their protocol clients (board.h). */
#include "proto/board/board.h"
#include <hafence/net.h>

const char *const board_redfish_auths[] = {"session", "basic", NULL};

bool board_settings_read(board_settings *s, const char *kind, const hf_param *p, const hf_context *ctx, hf_reply *reply)
{
    const char *fp = hf_param_str(p, "fingerprint", "");
    memset(s, 0, sizeof *s);
    s->kind = kind;
    snprintf(s->username, sizeof s->username, "%s", hf_param_str(p, "username", ""));
    snprintf(s->password, sizeof s->password, "%s", hf_param_str(p, "password", ""));
    snprintf(s->ca_file, sizeof s->ca_file, "%s", hf_param_str(p, "ca_file", ""));
    s->insecure = hf_param_bool(p, "insecure", 0);
    s->accept_new_host_key = hf_param_bool(p, "accept_new_host_key", 0);
    s->https_port = (int)hf_param_int(p, "https_port", 443);
    s->ssh_port = (int)hf_param_int(p, "ssh_port", 22);
    s->call_timeout_ms = (long)hf_param_int(p, "call_timeout_ms", 10000);
    s->connect_timeout_ms = (long)hf_param_int(p, "connect_timeout_ms", 10000);
    s->redfish_basic = strcmp(hf_param_str(p, "redfish_auth", "session"), "basic") == 0;
    if (*fp) {
        /* sha256//<base64 of the SHA-256 of the public key>, as curl takes it */
        const char *b64 = strncmp(fp, "sha256//", 8) == 0 ? fp + 8 : fp;
        size_t n = strlen(b64);
        if (n != 44 || b64[43] != '=' ||
            strspn(b64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") != n) {
            hf_reply_set(reply, HF_E_BAD_PARAMETER,
                         "%s: fingerprint must be sha256// and the 44-character base64 SHA-256 of the board's public "
                         "key (openssl x509 -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 "
                         "-binary | base64)",
                         kind);
            return false;
        }
        snprintf(s->pin, sizeof s->pin, "sha256//%s", b64);
    }
    if (hf_param_get(p, "known_hosts")) {
        if (!hf_copy(s->known_hosts, sizeof s->known_hosts, hf_param_get(p, "known_hosts"))) {
            hf_reply_set(reply, HF_E_BAD_PARAMETER, "%s: known_hosts: a path longer than %zu characters", kind,
                         sizeof s->known_hosts - 1);
            return false;
        }
    } else {
        ssh_default_known_hosts(s->known_hosts, sizeof s->known_hosts);
    }
    if (s->insecure)
        hf_logf(ctx, HF_LOG_WARNING, "%s: TLS verification is OFF (insecure=1)", kind);
    return true;
}

void board_settings_wipe(board_settings *s)
{
    memset(s, 0, sizeof *s);
}

bool board_open(board *b, const board_settings *s, const char *target, hf_reply *reply)
{
    int port = s->https_port;
    bool v6;
    memset(b, 0, sizeof *b);
    if (!hf_copy(b->address, sizeof b->address, target)) {
        hf_reply_set(reply, HF_E_BAD_PARAMETER, "%s: board address '%.60s...' is longer than %zu characters", s->kind,
                     target, sizeof b->address - 1);
        return false;
    }
    if (!*b->address) {
        hf_reply_set(reply, HF_E_BAD_PARAMETER, "%s: no board address (a host map line, the target or address)",
                     s->kind);
        return false;
    }
    if (!hf_net_split_address(b->address, b->host, sizeof b->host, &port)) {
        hf_reply_set(reply, HF_E_BAD_PARAMETER, "%s: '%s' is not host, host:port or [v6]:port", s->kind, b->address);
        return false;
    }
    b->https_port = port;
    v6 = strchr(b->host, ':') != NULL;
    snprintf(b->url, sizeof b->url, "https://%s%s%s:%d", v6 ? "[" : "", b->host, v6 ? "]" : "", port);
    snprintf(b->name, sizeof b->name, "%s %s", s->kind, b->address);
    b->open = true;
    return true;
}

hf_result board_select(board *b, const board_settings *s, const char *address, bool *changed, hf_reply *reply)
{
    *changed = false;
    if (b->open && strcmp(b->address, address) == 0)
        return HF_OK;
    if (b->open)
        board_close(b);
    *changed = true;
    return board_open(b, s, address, reply) ? HF_OK : HF_E_BAD_PARAMETER;
}

bool board_failure_is_final(hf_result r)
{
    return r == HF_E_AUTH_REFUSED || r == HF_E_TIMED_OUT || r == HF_E_CANCELLED;
}

void board_note_attempt(board *b, const char *protocol, const hf_reply *reply)
{
    size_t n = strlen(b->tried);
    snprintf(b->tried + n, sizeof b->tried - n, "%s%s: %s", n ? "; " : "", protocol, reply->message);
}

hf_result board_explain(const board *b, hf_result r, hf_reply *reply)
{
    char last[HF_MESSAGE_MAX];
    if (r == HF_OK || !*b->tried)
        return r;
    snprintf(last, sizeof last, "%s", reply->message);
    return hf_reply_set(reply, r, "%s (protocol=auto tried before it: %s)", last, b->tried);
}

void board_close(board *b)
{
    redfish_free(b->redfish);
    ribcl_free(b->ribcl);
    ssh_conn_free(b->ssh);
    memset(b, 0, sizeof *b);
}

static http_options http_of(const board *b, const board_settings *s)
{
    http_options h = {0};
    h.device = b->name;
    h.ca_file = *s->ca_file ? s->ca_file : NULL;
    h.pin_sha256 = *s->pin ? s->pin : NULL;
    h.insecure = s->insecure;
    h.call_timeout_ms = s->call_timeout_ms;
    return h;
}

redfish *board_redfish(board *b, const board_settings *s, const char *system)
{
    if (!b->redfish) {
        redfish_options o = {0};
        o.base_url = b->url;
        o.username = s->username;
        o.password = s->password;
        o.system = system && *system ? system : NULL;
        o.basic_auth = s->redfish_basic;
        o.device = b->name;
        o.http = http_of(b, s);
        b->redfish = redfish_new(&o);
    }
    return b->redfish;
}

ribcl *board_ribcl(board *b, const board_settings *s, ribcl_transport transport)
{
    if (!b->ribcl) {
        ribcl_options o = {0};
        o.base_url = b->url;
        o.username = s->username;
        o.password = s->password;
        o.transport = transport;
        o.device = b->name;
        o.http = http_of(b, s);
        b->ribcl = ribcl_new(&o);
    }
    return b->ribcl;
}

ssh_conn *board_ssh(board *b, const board_settings *s)
{
    if (!b->ssh) {
        ssh_conn_options o = {0};
        o.address = b->host;
        o.port = s->ssh_port;
        o.username = s->username;
        o.password = s->password;
        o.known_hosts = s->known_hosts;
        o.accept_new_host_key = s->accept_new_host_key;
        o.connect_timeout_ms = s->connect_timeout_ms;
        b->ssh = ssh_conn_new(&o);
    }
    return b->ssh;
}
