/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The floor for a pool status: the smallest client that makes the same
 * XAPI calls as `hafence status pool` with the same library (libcurl), on
 * one kept-alive connection: session.login_with_password, host.get_by_uuid,
 * host.get_record (its metrics), VM.get_all_records_where (the VMs resident
 * on it), host_metrics.get_live, session.logout.  The XML-RPC bodies are
 * written with printf and the answers read with strstr: no XML parser, no
 * plugin, no configuration, no isolation, no history.  bench/xapi.sh runs
 * it beside hafence; it is not installed.
 *   xapi-status URL USER PASSWORD-FILE HOST-UUID
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct buf {
    char *data;
    size_t len;
} buf;

static size_t take(char *p, size_t size, size_t n, void *arg)
{
    buf *b = arg;
    char *grown = realloc(b->data, b->len + size * n + 1);
    if (!grown)
        return 0;
    b->data = grown;
    memcpy(b->data + b->len, p, size * n);
    b->len += size * n;
    b->data[b->len] = '\0';
    return size * n;
}

/* One call with string arguments; the answer in b (NULL: it failed). */
static const char *call(CURL *c, buf *b, const char *method, const char *a1, const char *a2, const char *a3)
{
    const char *args[3] = {a1, a2, a3};
    char body[2048];
    int n =
        snprintf(body, sizeof body, "<?xml version=\"1.0\"?><methodCall><methodName>%s</methodName><params>", method);
    for (int i = 0; i < 3 && args[i]; i++)
        n += snprintf(body + n, sizeof body - (size_t)n, "<param><value><string>%s</string></value></param>", args[i]);
    snprintf(body + n, sizeof body - (size_t)n, "</params></methodCall>");
    b->len = 0;
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    if (curl_easy_perform(c) != CURLE_OK || !b->data || !strstr(b->data, "Success")) {
        fprintf(stderr, "%s failed: %s\n", method, b->data ? b->data : "no answer");
        return NULL;
    }
    return b->data;
}

/* The string after <name>key</name> in an answer, into out. */
static const char *string_of(const char *answer, const char *key, char *out, size_t size)
{
    char name[128];
    const char *p, *end;
    snprintf(name, sizeof name, "<name>%s</name>", key);
    if (!answer || !(p = strstr(answer, name)) || !(p = strstr(p, "<value>")))
        return NULL;
    p += strlen("<value>");
    if (strncmp(p, "<string>", 8) == 0)
        p += 8;
    if (!(end = strchr(p, '<')) || (size_t)(end - p) >= size)
        return NULL;
    memcpy(out, p, (size_t)(end - p));
    out[end - p] = '\0';
    return out;
}

int main(int argc, char **argv)
{
    char password[128], session[128], host[128], metrics[128], query[256], live[16];
    struct curl_slist *headers = NULL;
    buf b = {0};
    FILE *f;
    CURL *c;
    int ok;
    if (argc != 5) {
        fprintf(stderr, "usage: xapi-status URL USER PASSWORD-FILE HOST-UUID\n");
        return 64;
    }
    if (!(f = fopen(argv[3], "r")) || !fgets(password, sizeof password, f)) {
        perror(argv[3]);
        return 1;
    }
    fclose(f);
    password[strcspn(password, "\n")] = '\0';
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (!(c = curl_easy_init()))
        return 1;
    headers = curl_slist_append(headers, "Content-Type: text/xml");
    curl_easy_setopt(c, CURLOPT_URL, argv[1]);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, take);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
    ok = string_of(call(c, &b, "session.login_with_password", argv[2], password, NULL), "Value", session,
                   sizeof session) &&
         string_of(call(c, &b, "host.get_by_uuid", session, argv[4], NULL), "Value", host, sizeof host) &&
         string_of(call(c, &b, "host.get_record", session, host, NULL), "metrics", metrics, sizeof metrics) &&
         snprintf(query, sizeof query, "field \"resident_on\" = \"%s\"", host) > 0 &&
         call(c, &b, "VM.get_all_records_where", session, query, NULL) &&
         call(c, &b, "host_metrics.get_live", session, metrics, NULL) &&
         (strstr(b.data, "<boolean>1</boolean>") ? strcpy(live, "live") : strcpy(live, "not live")) &&
         call(c, &b, "session.logout", session, NULL, NULL);
    if (ok)
        printf("%s: %s\n", argv[4], live);
    curl_slist_free_all(headers);
    curl_easy_cleanup(c);
    curl_global_cleanup();
    free(b.data);
    return ok ? 0 : 1;
}
