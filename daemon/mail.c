/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Alert mail over SMTP with libcurl: HA-Lizard's MAIL_FROM, MAIL_TO,
 * SMTP_SERVER, SMTP_PORT, SMTP_USER, SMTP_PASS.  Port 465 is SMTPS
 * (TLS from the first byte, as HA-Lizard's email_alert.py does); any other
 * port starts in the clear and takes STARTTLS when the relay offers it
 * (HAFENCE_SMTP_TLS=auto), always (required: a relay without it is an
 * error) or never (off).  A login (SMTP_USER) is never sent in the clear:
 * it makes TLS required unless HAFENCE_SMTP_TLS=off.  Certificates are
 * verified (HAFENCE_SMTP_CA_FILE for a private CA).
 */
#include "core/util.h"
#include "core/log.h"
#include "daemon/hafenced.h"
#include "proto/http/http-client.h"

#include <curl/curl.h>
#include <time.h>
#include <unistd.h>

#define MAIL_CONNECT_TIMEOUT_S 10
#define MAIL_TIMEOUT_S         30

typedef struct upload {
    const char *text;
    size_t left;
} upload;

static size_t read_part(char *buf, size_t size, size_t n, void *arg)
{
    upload *u = arg;
    size_t k = size * n < u->left ? size * n : u->left;
    memcpy(buf, u->text, k);
    u->text += k;
    u->left -= k;
    return k;
}

/* The message as RFC 5322 wants it: CRLF lines, a Date and a Message-ID;
 * a body line that starts with '.' is doubled by libcurl itself. */
static char *compose(const alert_settings *s, const char *subject, const char *body)
{
    char date[64], host[256] = "localhost", *text, *p;
    time_t now = time(NULL);
    struct tm tm;
    size_t n = strlen(subject) + 2 * strlen(body) + strlen(s->mail_from) + strlen(s->mail_to) + 512;
    gethostname(host, sizeof host - 1);
    localtime_r(&now, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S %z", &tm);
    text = hfc_calloc(1, n);
    p = text + snprintf(text, n,
                        "Date: %s\r\nFrom: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <hafenced.%lld.%ld@%s>\r\n"
                        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                        "Auto-Submitted: auto-generated\r\n\r\n",
                        date, s->mail_from, s->mail_to, subject, (long long)hf_now_ms(), (long)getpid(), host);
    for (const char *b = body; *b; b++) {
        if (*b == '\n' && (b == body || b[-1] != '\r'))
            *p++ = '\r';
        *p++ = *b;
    }
    memcpy(p, "\r\n", 3);
    return text;
}

/* "a@x, b@y" -> the recipients' list; NULL when there is none. */
static struct curl_slist *recipients(const char *to)
{
    struct curl_slist *list = NULL;
    char *copy = hfc_strdup(to), *save = NULL;
    for (char *r = strtok_r(copy, ", ;", &save); r; r = strtok_r(NULL, ", ;", &save)) {
        char addr[512];
        snprintf(addr, sizeof addr, "<%s>", r);
        list = curl_slist_append(list, addr);
    }
    free(copy);
    return list;
}

bool mail_send(const alert_settings *s, const char *subject, const char *body, char *why, size_t why_size)
{
    char url[600], from[512], errbuf[CURL_ERROR_SIZE] = "";
    struct curl_slist *rcpt = recipients(s->mail_to);
    char *text = compose(s, subject, body);
    upload u = {text, strlen(text)};
    CURL *c = curl_easy_init();
    bool tls_required = s->smtp_tls == SMTP_TLS_REQUIRED || (*s->smtp_user && s->smtp_tls != SMTP_TLS_OFF);
    CURLcode rc;
    if (!c || !rcpt) {
        snprintf(why, why_size, "%s", !rcpt ? "MAIL_TO names no recipient" : "out of memory");
        curl_slist_free_all(rcpt);
        curl_easy_cleanup(c);
        free(text);
        return false;
    }
    snprintf(url, sizeof url, "%s://%s:%lld", s->smtp_port == 465 ? "smtps" : "smtp", s->smtp_server, s->smtp_port);
    snprintf(from, sizeof from, "<%s>", s->mail_from);
    curl_easy_setopt(c, CURLOPT_URL, url);
    http_allow_protocols(c, "smtp,smtps", (long)(CURLPROTO_SMTP | CURLPROTO_SMTPS));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L); /* a thread of its own: no SIGALRM */
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)MAIL_CONNECT_TIMEOUT_S);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)MAIL_TIMEOUT_S);
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_part);
    curl_easy_setopt(c, CURLOPT_READDATA, &u);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    if (s->smtp_port != 465)
        curl_easy_setopt(c, CURLOPT_USE_SSL,
                         tls_required                  ? (long)CURLUSESSL_ALL
                         : s->smtp_tls == SMTP_TLS_OFF ? (long)CURLUSESSL_NONE
                                                       : (long)CURLUSESSL_TRY);
    if (*s->smtp_ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, s->smtp_ca_file);
    if (*s->smtp_user) {
        curl_easy_setopt(c, CURLOPT_USERNAME, s->smtp_user);
        curl_easy_setopt(c, CURLOPT_PASSWORD, s->smtp_pass);
    }
    rc = curl_easy_perform(c);
    if (rc != CURLE_OK)
        snprintf(why, why_size, "mail to %s via %s: %s%s%s", s->mail_to, url, curl_easy_strerror(rc),
                 *errbuf ? ": " : "", errbuf);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(c);
    hfc_wipe(text, strlen(text));
    free(text);
    return rc == CURLE_OK;
}
