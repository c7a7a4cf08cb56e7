/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host key checking against a known-hosts file (OpenSSH's format, hashed
 * names included), with libssh2's knownhost API.  A key that differs from
 * the one on file is refused: that is what a man in the middle looks like.
 * An unknown key is refused too, unless trusting it on first use was asked
 * for; it is then added to the file (created 0600) and logged with its
 * fingerprint.
 */
#include "proto/ssh/ssh-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

typedef struct key_kind {
    int hostkey_type;   /* LIBSSH2_HOSTKEY_TYPE_* */
    int knownhost_type; /* LIBSSH2_KNOWNHOST_KEY_* */
    const char *method; /* the host key algorithm's name */
} key_kind;

/* ed25519 and ECDSA host keys need libssh2 1.9; before it (CentOS 7's
 * 1.4.3 and 1.8.0) a Dom0's RSA key is the one checked */
static const key_kind kinds[] = {
#ifdef LIBSSH2_HOSTKEY_TYPE_ED25519
    {LIBSSH2_HOSTKEY_TYPE_ED25519, LIBSSH2_KNOWNHOST_KEY_ED25519, "ssh-ed25519"},
#endif
#ifdef LIBSSH2_HOSTKEY_TYPE_ECDSA_256
    {LIBSSH2_HOSTKEY_TYPE_ECDSA_256, LIBSSH2_KNOWNHOST_KEY_ECDSA_256, "ecdsa-sha2-nistp256"},
    {LIBSSH2_HOSTKEY_TYPE_ECDSA_384, LIBSSH2_KNOWNHOST_KEY_ECDSA_384, "ecdsa-sha2-nistp384"},
    {LIBSSH2_HOSTKEY_TYPE_ECDSA_521, LIBSSH2_KNOWNHOST_KEY_ECDSA_521, "ecdsa-sha2-nistp521"},
#endif
    {LIBSSH2_HOSTKEY_TYPE_RSA, LIBSSH2_KNOWNHOST_KEY_SSHRSA, "ssh-rsa"},
    {LIBSSH2_HOSTKEY_TYPE_DSS, LIBSSH2_KNOWNHOST_KEY_SSHDSS, "ssh-dss"},
};
#define KIND_COUNT (sizeof kinds / sizeof kinds[0])

/* The name a known-hosts line gives this server: "host", or "[host]:port"
 * when the port is not 22. */
static void known_name(const ssh_conn *c, char *out, size_t size)
{
    if (c->opt.port == 22)
        snprintf(out, size, "%s", c->address);
    else
        snprintf(out, size, "[%s]:%d", c->address, c->opt.port);
}

static LIBSSH2_KNOWNHOSTS *read_known_hosts(ssh_conn *c, int *lines)
{
    LIBSSH2_KNOWNHOSTS *kh = libssh2_knownhost_init(c->session);
    *lines = -1;
    if (!kh)
        return NULL;
    if (access(c->known_hosts, F_OK) == 0)
        *lines = libssh2_knownhost_readfile(kh, c->known_hosts, LIBSSH2_KNOWNHOST_FILE_OPENSSH);
    else
        *lines = 0;
    return kh;
}

void ssh_hostkey_prefer_known(ssh_conn *c)
{
    char name[300], prefs[256] = "";
    bool known[KIND_COUNT] = {false};
    struct libssh2_knownhost *entry = NULL;
    int lines;
    LIBSSH2_KNOWNHOSTS *kh = read_known_hosts(c, &lines);
    if (!kh)
        return;
    known_name(c, name, sizeof name);
    /* hashed entries cannot be matched by name here: they still work,
     * libssh2's own preference order decides which key is offered */
    while (libssh2_knownhost_get(kh, &entry, entry) == 0)
        for (size_t i = 0; i < KIND_COUNT; i++)
            if (entry->name && strcmp(entry->name, name) == 0 &&
                (entry->typemask & LIBSSH2_KNOWNHOST_KEY_MASK) == kinds[i].knownhost_type)
                known[i] = true;
    libssh2_knownhost_free(kh);
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < KIND_COUNT; i++)
            if (known[i] == (pass == 0)) {
                if (*prefs)
                    strcat(prefs, ",");
                strcat(prefs, kinds[i].method);
            }
    libssh2_session_method_pref(c->session, LIBSSH2_METHOD_HOSTKEY, prefs);
}

/* "SHA256:<base64>", as ssh-keygen -l prints it: libcrypto's SHA-256 of
 * the key as the server sent it (libssh2 hashes with SHA-256 only from
 * 1.9 on). */
static void fingerprint(const char *key, size_t len, char *out, size_t size)
{
    unsigned char hash[EVP_MAX_MD_SIZE], b64[64];
    unsigned int hash_len = 0;
    int n;
    if (!EVP_Digest(key, len, hash, &hash_len, EVP_sha256(), NULL) || hash_len != 32) {
        snprintf(out, size, "(no fingerprint)");
        return;
    }
    n = EVP_EncodeBlock(b64, hash, 32);
    while (n > 0 && b64[n - 1] == '=') /* OpenSSH prints it unpadded */
        n--;
    snprintf(out, size, "SHA256:%.*s", n, (const char *)b64);
}

static const key_kind *kind_of(int hostkey_type)
{
    for (size_t i = 0; i < KIND_COUNT; i++)
        if (kinds[i].hostkey_type == hostkey_type)
            return &kinds[i];
    return NULL;
}

/* Append the key to the file (created 0600): one line, so that comments
 * and other entries stay as the operator wrote them. */
static hf_result trust_new_key(ssh_conn *c, LIBSSH2_KNOWNHOSTS *kh, const char *key, size_t len, const key_kind *kind,
                               const char *fp, const hf_context *ctx, hf_reply *reply)
{
    char name[300], line[4096];
    struct libssh2_knownhost *entry = NULL;
    size_t n = 0;
    int fd;
    ssize_t w;
    known_name(c, name, sizeof name);
    if (libssh2_knownhost_addc(kh, name, NULL, key, len, NULL, 0,
                               LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | kind->knownhost_type,
                               &entry) != 0 ||
        libssh2_knownhost_writeline(kh, entry, line, sizeof line, &n, LIBSSH2_KNOWNHOST_FILE_OPENSSH) != 0)
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "%s: cannot write its host key as a known-hosts line", c->name);
    fd = open(c->known_hosts, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "%s: cannot write known-hosts file %s: %s", c->name,
                            c->known_hosts, strerror(errno));
    w = write(fd, line, n);
    if (close(fd) != 0 || w != (ssize_t)n)
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "%s: cannot write known-hosts file %s", c->name, c->known_hosts);
    hf_logf(ctx, HF_LOG_WARNING,
            "%s: unknown host key %s %s trusted on first use (accept_new_host_key) and added to %s", c->name,
            kind->method, fp, c->known_hosts);
    return HF_OK;
}

hf_result ssh_hostkey_verify(ssh_conn *c, const hf_context *ctx, hf_reply *reply)
{
    size_t len = 0;
    int type = 0, lines, check;
    const char *key = libssh2_session_hostkey(c->session, &len, &type);
    const key_kind *kind = kind_of(type);
    char fp[80];
    LIBSSH2_KNOWNHOSTS *kh;
    hf_result r;
    if (!key || !kind)
        return hf_reply_set(reply, HF_E_DEVICE_REFUSED, "%s: no host key of a known type offered", c->name);
    fingerprint(key, len, fp, sizeof fp);
    if (!(kh = read_known_hosts(c, &lines)))
        return hf_reply_set(reply, HF_E_PLUGIN_FAILED, "out of memory");
    if (lines < 0) {
        libssh2_knownhost_free(kh);
        return hf_reply_set(reply, HF_E_BAD_PARAMETER, "%s: cannot read known-hosts file %s", c->name, c->known_hosts);
    }
    check = libssh2_knownhost_checkp(kh, c->address, c->opt.port, key, len,
                                     LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | kind->knownhost_type,
                                     NULL);
    switch (check) {
    case LIBSSH2_KNOWNHOST_CHECK_MATCH: r = HF_OK; break;
    case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
        r = hf_reply_set(reply, HF_E_AUTH_REFUSED,
                         "%s: HOST KEY CHANGED: its %s key %s is not the one in %s (a man in the middle, or a "
                         "reinstalled device): refused; if the change is expected, replace the line in that file",
                         c->name, kind->method, fp, c->known_hosts);
        break;
    case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND:
        if (c->opt.accept_new_host_key) {
            r = trust_new_key(c, kh, key, len, kind, fp, ctx, reply);
            break;
        }
        r = hf_reply_set(reply, HF_E_AUTH_REFUSED,
                         "%s: unknown host key %s %s (not in %s): refused; add it to that file (ssh-keyscan, "
                         "after checking the fingerprint) or set accept_new_host_key=1 to trust it on first use",
                         c->name, kind->method, fp, c->known_hosts);
        break;
    default:
        r = hf_reply_set(reply, HF_E_PLUGIN_FAILED, "%s: cannot check its host key against %s", c->name,
                         c->known_hosts);
    }
    libssh2_knownhost_free(kh);
    return r;
}
