/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The history file: JSON lines, appended atomically, filtered on read. */
#include "core/error.h"
#include "core/log.h"
#include "core/history.h"
#include "tests/tap.h"

#include <json-c/json.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int seen;
static char last[4096];

static bool count(const char *line, void *arg)
{
    (void)arg;
    seen++;
    snprintf(last, sizeof last, "%s", line);
    return true;
}

/* the history file every case writes to (made by main) and a record */
static char path[] = "/tmp/hafence-history-XXXXXX";
static hfc_history_record rec = {1700000000000LL,
                                 "2f4a4020-fe8c-4686-a65d-501a19a06716",
                                 "10.0.0.5",
                                 "ipmi",
                                 "off",
                                 "ok",
                                 true,
                                 "power off verified",
                                 1234,
                                 "test",
                                 NULL,
                                 NULL,
                                 0,
                                 "10.0.0.5"};

TAP_CASE(append_and_read)
{
    hfc_error err = {0};
    struct stat st;
    ok(hfc_history_append(path, &rec, &err), "first record appended: %s", err.message);
    ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "history file created mode 0600");
    rec.time_ms = 1700000100000LL;
    rec.host = "33e68e2c-5b7b-4d5e-ae9c-7baef5b1566b";
    rec.result = "unverified";
    rec.verified = false;
    hfc_secret_register("TopSecret99");
    rec.message = "device said \"no\" to TopSecret99\nnewline";
    ok(hfc_history_append(path, &rec, &err), "second record appended");

    seen = 0;
    ok(hfc_history_read(path, NULL, 0, 0, count, NULL, &err) && seen == 2, "two records read");
    {
        json_object *o = json_tokener_parse(last), *v = NULL;
        ok(o != NULL, "each line is JSON");
        ok(json_object_object_get_ex(o, "message", &v) && strstr(json_object_get_string(v), "\"no\"") &&
               !strstr(json_object_get_string(v), "TopSecret99"),
           "quotes survive, secrets are redacted: %s", v ? json_object_get_string(v) : "");
        ok(json_object_object_get_ex(o, "time", &v) &&
               strcmp(json_object_get_string(v), "2023-11-14T22:15:00.000Z") == 0,
           "ISO time in UTC");
        ok(json_object_object_get_ex(o, "requested_by", &v) && strcmp(json_object_get_string(v), "test") == 0,
           "who asked is recorded");
        json_object_put(o);
    }
    seen = 0;
    hfc_history_read(path, "2f4a4020-fe8c-4686-a65d-501a19a06716", 0, 0, count, NULL, &err);
    ok(seen == 1, "filter by host");
    seen = 0;
    hfc_history_read(path, NULL, 1700000050000LL, 0, count, NULL, &err);
    ok(seen == 1, "filter by since");
    seen = 0;
    hfc_history_read(path, NULL, 0, 1700000050000LL, count, NULL, &err);
    ok(seen == 1, "filter by until");
}

TAP_CASE(levels)
{
    static const hfc_history_try tries[] = {
        {1, "IPMI", "ipmi", "10.0.0.5", "unreachable", false, false, false, 1700000000000LL, 10000, "no answer", NULL},
        {2, "PDU_A", "snmp-pdu", "10.0.9.2:3", "ok", true, true, true, 1700000010000LL, 800, "outlet 3 off",
         "10.0.9.2"},
    };
    hfc_history_record r = rec;
    hfc_error err = {0};
    json_object *o, *levels = NULL, *l2;
    const char *text;
    r.tries = tries;
    r.try_count = 2;
    seen = 0;
    ok(hfc_history_append(path, &r, &err), "a fence through levels is recorded: %s", err.message);
    ok(hfc_history_read(path, NULL, 0, 0, count, NULL, &err), "read back");
    o = json_tokener_parse(last);
    ok(o && json_object_object_get_ex(o, "levels", &levels) && json_object_array_length(levels) == 2,
       "the record holds every level and device tried");
    l2 = levels ? json_object_array_get_idx(levels, 1) : NULL;
    text = l2 ? json_object_to_json_string_ext(l2, JSON_C_TO_STRING_PLAIN) : "(none)";
    ok(strstr(text, "\"address\":\"10.0.9.2\"") != NULL, "  ... with the device's address: %s", text);
    ok(strstr(text, "\"level\":2") && strstr(text, "\"method\":\"PDU_A\"") && strstr(text, "\"counted\":true") &&
           strstr(text, "\"time\":\"2023-11-14T22:13:30.000Z\""),
       "  ... each with its level, method, whether it counted and its time: %s", text);
    ok(strstr(text, "\"already\":true") != NULL,
       "  ... and whether the device found the host in that state already (nothing switched): %s", text);
    l2 = levels ? json_object_array_get_idx(levels, 0) : NULL;
    text = l2 ? json_object_to_json_string_ext(l2, JSON_C_TO_STRING_PLAIN) : "(none)";
    ok(strstr(text, "\"already\":false") != NULL, "  ... false for a device that failed: %s", text);
    json_object_put(o);
}

TAP_CASE(concurrent_writers)
{
    hfc_error err = {0};
    int before;
    /* concurrent writers never interleave */
    seen = 0;
    hfc_history_read(path, NULL, 0, 0, count, NULL, &err);
    before = seen;
    for (int w = 0; w < 4; w++) {
        if (fork() == 0) {
            for (int i = 0; i < 50; i++)
                hfc_history_append(path, &rec, NULL);
            _exit(0);
        }
    }
    for (int w = 0; w < 4; w++)
        wait(NULL);
    {
        FILE *f = fopen(path, "a");
        fputs("this is not json\n", f);
        fclose(f);
    }
    seen = 0;
    hfc_log_set_level(HF_LOG_ERROR);
    ok(hfc_history_read(path, NULL, 0, 0, count, NULL, &err) && seen == before + 200,
       "4 concurrent writers x 50: every line whole, a corrupt line skipped (%d)", seen);
}

TAP_CASE(unwritable_and_missing)
{
    hfc_error err = {0};
    ok(!hfc_history_append("/nonexistent-dir/history.jsonl", &rec, &err) &&
           strstr(err.message, "/nonexistent-dir/history.jsonl"),
       "unwritable history names the file: %s", err.message);
    seen = 0;
    ok(hfc_history_read("/nonexistent-dir/none.jsonl", NULL, 0, 0, count, NULL, &err) && seen == 0,
       "missing history reads as empty");
}

int main(int argc, char **argv)
{
    tap_init(argc, argv);
    int fd = mkstemp(path);
    if (fd < 0)
        return 1;
    close(fd);
    unlink(path);
    TAP_RUN(append_and_read);
    TAP_RUN(levels);
    TAP_RUN(concurrent_writers);
    TAP_RUN(unwritable_and_missing);
    unlink(path);
    hfc_secrets_forget();
    return tap_done();
}
