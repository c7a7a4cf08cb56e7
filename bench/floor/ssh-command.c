/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The floor for an xvm status: the smallest client that does the same
 * work as `hafence status xvm` with the same library (libssh2): one TCP
 * connection, the SSH handshake, the host key checked against a known-hosts
 * file, password authentication, one command whose output is printed, the
 * session closed (TCP_NODELAY, as hafence and OpenSSH).  bench/xvm.sh runs it beside hafence; not installed.
 *   ssh-command HOST PORT USER PASSWORD-FILE KNOWN-HOSTS COMMAND
 */
#include <libssh2.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int fail(LIBSSH2_SESSION *s, const char *what)
{
    char *msg = NULL;
    if (s)
        libssh2_session_last_error(s, &msg, NULL, 0);
    fprintf(stderr, "ssh-command: %s%s%s\n", what, msg ? ": " : "", msg ? msg : "");
    return 1;
}

int main(int argc, char **argv)
{
    char password[128], out[4096];
    struct sockaddr_in sin = {.sin_family = AF_INET};
    LIBSSH2_SESSION *s;
    LIBSSH2_CHANNEL *ch;
    LIBSSH2_KNOWNHOSTS *kh;
    const char *key;
    size_t key_len;
    int type, fd;
    ssize_t n;
    FILE *f;
    if (argc != 7) {
        fprintf(stderr, "usage: ssh-command HOST PORT USER PASSWORD-FILE KNOWN-HOSTS COMMAND\n");
        return 64;
    }
    if (!(f = fopen(argv[4], "r")) || !fgets(password, sizeof password, f))
        return fail(NULL, argv[4]);
    fclose(f);
    password[strcspn(password, "\n")] = '\0';
    sin.sin_port = htons((unsigned short)atoi(argv[2]));
    if (inet_pton(AF_INET, argv[1], &sin.sin_addr) != 1 || (fd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
        connect(fd, (struct sockaddr *)&sin, sizeof sin) < 0)
        return fail(NULL, "connect");
    /* as every SSH client does: SSH's small packets must not wait for a
     * delayed ACK (Nagle) */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){1}, sizeof(int));
    if (libssh2_init(0) || !(s = libssh2_session_init()) || libssh2_session_handshake(s, fd))
        return fail(NULL, "handshake");
    key = libssh2_session_hostkey(s, &key_len, &type);
    kh = libssh2_knownhost_init(s);
    if (!key || !kh || libssh2_knownhost_readfile(kh, argv[5], LIBSSH2_KNOWNHOST_FILE_OPENSSH) < 0 ||
        libssh2_knownhost_checkp(kh, argv[1], atoi(argv[2]), key, key_len,
                                 LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW,
                                 NULL) != LIBSSH2_KNOWNHOST_CHECK_MATCH)
        return fail(s, "host key not known");
    libssh2_knownhost_free(kh);
    if (libssh2_userauth_password(s, argv[3], password))
        return fail(s, "password refused");
    if (!(ch = libssh2_channel_open_session(s)) || libssh2_channel_exec(ch, argv[6]))
        return fail(s, "exec");
    while ((n = libssh2_channel_read(ch, out, sizeof out)) > 0)
        fwrite(out, 1, (size_t)n, stdout);
    if (n < 0)
        return fail(s, "read");
    libssh2_channel_close(ch);
    libssh2_channel_free(ch);
    libssh2_session_disconnect(s, "done");
    libssh2_session_free(s);
    close(fd);
    libssh2_exit();
    return 0;
}
