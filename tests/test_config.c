/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Config parsing: valid HA-Lizard files, malformed lines, hostile input. */
#include "core/error.h"
#include "core/log.h"
#include "core/config.h"
#include "core/keys.h"
#include "tests/tap.h"

#include <sys/stat.h>
#include <unistd.h>

static char warnings[8192];

static void capture(hf_log_level level, const char *line, void *arg)
{
    (void)level;
    (void)arg;
    size_t used = strlen(warnings);
    snprintf(warnings + used, sizeof warnings - used, "%s\n", line);
}

static hfc_config *parse(const char *text, hfc_error *err)
{
    hfc_config *cfg = hfc_config_new();
    if (!hfc_config_parse(cfg, "test.conf", text, strlen(text), err)) {
        hfc_config_free(cfg);
        return NULL;
    }
    return cfg;
}

static void expect_error(const char *text, const char *needle, const char *what)
{
    hfc_error err = {0};
    hfc_config *cfg = parse(text, &err);
    ok(cfg == NULL, "refused: %s", what);
    ok_has(err.message, needle, "error for %s names '%s'", what, needle);
    hfc_config_free(cfg);
}

static void expect_settings_error(const char *text, const char *needle, const char *what)
{
    hfc_error err = {0};
    hfc_settings s;
    hfc_config *cfg = parse(text, &err);
    ok(cfg != NULL, "parses: %s", what);
    ok(cfg && !hfc_settings_load(cfg, &s, &err), "settings refused: %s", what);
    ok_has(err.message, needle, "error for %s names '%s'", what, needle);
    hfc_config_free(cfg);
}

TAP_CASE(method_required)
{
    hfc_error err = {0};
    hfc_settings s;
    hfc_config *cfg;
    /* no silent default method: a config that fences must name one */
    cfg = parse("", &err);
    ok(cfg && !hfc_settings_load(cfg, &s, &err), "an empty config is refused: FENCE_ENABLED=1 needs FENCE_METHOD");
    ok_has(err.message, "FENCE_METHOD is required", "  ... saying so");
    hfc_config_free(cfg);
    cfg = parse("FENCE_METOD=IPMI\n", &err);
    ok(cfg && !hfc_settings_load(cfg, &s, &err), "a misspelt FENCE_METOD=IPMI does not fence the default way");
    ok_has(err.message, "test.conf:1", "  ... the refusal names the line of the typo");
    hfc_config_free(cfg);
    memset(warnings, 0, sizeof warnings);
    cfg = parse("FENCE_ENABLED=0\nFENCE_METOD=IPMI\nMONITOR_TYPO=3\n", &err);
    ok(cfg && hfc_settings_load(cfg, &s, &err), "with FENCE_ENABLED=0 no method is needed");
    ok_has(warnings, "unknown key FENCE_METOD (ignored): did you mean FENCE_METHOD?",
           "  ... a typo gets a did-you-mean");
    ok_has(warnings, "unknown key MONITOR_TYPO", "  ... whatever its prefix (MONITOR_TYPO)");
    hfc_settings_free(&s);
    hfc_config_free(cfg);
}

TAP_CASE(safe_defaults)
{
    hfc_error err = {0};
    hfc_settings s;
    hfc_config *cfg;
    /* the defaults favour safety */
    cfg = parse("FENCE_METHOD=POOL\n", &err);
    ok(cfg && hfc_settings_load(cfg, &s, &err), "a config with only FENCE_METHOD gives defaults");
    ok(s.fence_enabled && s.fence_action == HFC_FENCE_STOP, "defaults: fencing on, action stop");
    ok(strcmp(s.fence_method, "POOL") == 0, "the method given");
    ok(strcmp(s.fence_file_loc, "/etc/ha-lizard/fence") == 0, "default FENCE_FILE_LOC");
    ok(s.fence_min_hosts == 3 && s.fence_quorum_required && s.fence_use_ip_heuristics,
       "defaults: min hosts 3, quorum required, heuristics on");
    ok(!s.fence_ha_onfail && !s.fence_host_forget && !s.fence_reboot_lone_host,
       "defaults: HA_ONFAIL, HOST_FORGET, REBOOT_LONE_HOST off");
    ok(s.xapi_count == 5 && s.xapi_delay == 15, "defaults: XAPI_COUNT 5, XAPI_DELAY 15");
    ok(*s.fence_heuristics_ips == '\0', "no heuristic address by default");
    hfc_settings_free(&s);
    hfc_config_free(cfg);
}

TAP_CASE(halizard_file)
{
    hfc_error err = {0};
    hfc_settings s;
    hfc_config *cfg;
    /* a HA-Lizard file: comments, quotes, case-insensitive keys */
    warnings[0] = '\0';
    cfg = parse("# HA-Lizard\n"
                "fence_enabled=1\n"
                "FENCE_ACTION=reset\n"
                "  FENCE_METHOD=ILO   # trailing comment\n"
                "FENCE_FILE_LOC='/etc/ha-lizard/fence'\n"
                "FENCE_PASSWD=\"s3cr et\\\"x\"\n"
                "FENCE_HEURISTICS_IPS=192.168.20.254:10.0.0.1\n"
                "fence_min_hosts=2\n"
                "XC_FIELD_NAME='ha-lizard-enabled'\n"
                "MAIL_ON=1\n"
                "ILO_USERNAME=admin\n"
                "export XAPI_COUNT=2\r\n"
                "\n",
                &err);
    ok(cfg != NULL, "HA-Lizard style file parses");
    ok(cfg && hfc_settings_load(cfg, &s, &err), "settings load: %s", err.message);
    ok(s.fence_action == HFC_FENCE_RESET, "FENCE_ACTION=reset");
    ok(strcmp(s.fence_method, "ILO") == 0, "value ends before a trailing comment");
    ok(strcmp(s.fence_passwd, "s3cr et\"x") == 0, "double quotes and escapes");
    ok(s.fence_min_hosts == 2, "lower-case key read case-insensitively");
    ok(s.xapi_count == 2, "'export' prefix and CRLF accepted");
    ok(strcmp(hfc_config_get(cfg, "ilo_username"), "admin") == 0, "lookup is case-insensitive");
    ok_has(hfc_config_origin(cfg, "FENCE_METHOD"), "test.conf:4", "origin names file and line");
    ok(strstr(warnings, "unknown key") == NULL, "HA-Lizard's own keys and ILO_* raise no warning");
    hfc_settings_free(&s);
    hfc_config_free(cfg);
}

TAP_CASE(unknown_keys)
{
    hfc_error err = {0};
    hfc_settings s;
    hfc_config *cfg;
    /* unknown keys warn, naming file and line */
    warnings[0] = '\0';
    cfg = parse("FENCE_METHOD=IPMI\nFENCE_ENABLE=1\n", &err);
    ok(cfg && hfc_settings_load(cfg, &s, &err), "unknown key is not an error");
    ok_has(warnings, "test.conf:2: unknown key FENCE_ENABLE", "unknown key warns with file:line");
    hfc_settings_free(&s);
    hfc_config_free(cfg);
}

TAP_CASE(override_wins)
{
    hfc_error err = {0};
    hfc_config *cfg;
    /* the override wins */
    cfg = hfc_config_new();
    hfc_config_parse(cfg, "pool.conf", "FENCE_METHOD=POOL\nFENCE_MIN_HOSTS=3\n", 35, &err);
    hfc_config_parse(cfg, "host.conf", "fence_method=IPMI\n", 18, &err);
    ok(strcmp(hfc_config_get(cfg, "FENCE_METHOD"), "IPMI") == 0, "later file overrides");
    ok_has(hfc_config_origin(cfg, "FENCE_METHOD"), "host.conf:1", "origin follows the override");
    ok(strcmp(hfc_config_get(cfg, "FENCE_MIN_HOSTS"), "3") == 0, "keys not overridden stay");
    hfc_config_free(cfg);
}

TAP_CASE(malformed_lines)
{
    /* malformed lines */
    expect_error("FENCE_ENABLED 1\n", "test.conf:1", "a line without '='");
    expect_error("\n\nFENCE_ENABLED = 1\n", "test.conf:3", "spaces around '='");
    expect_error("FENCE_PASSWD='abc\n", "unterminated single quote", "unterminated quote");
    expect_error("FENCE_PASSWD=\"abc\n", "unterminated double quote", "unterminated double quote");
    expect_error("1FENCE=1\n", "expected KEY=VALUE", "key starting with a digit");
    expect_error("FENCE_METHOD=ILO IRMC\n", "unquoted space", "unquoted space");
}

TAP_CASE(hostile_input)
{
    hfc_error err = {0};
    hfc_config *cfg;
    /* hostile input: nothing is ever executed or expanded */
    expect_error("FENCE_PASSWD=$(reboot)\n", "shell expansion", "command substitution");
    expect_error("FENCE_PASSWD=`reboot`\n", "shell expansion", "backticks");
    expect_error("FENCE_PASSWD=\"$HOME\"\n", "shell expansion", "variable in double quotes");
    expect_error("FENCE_METHOD=ILO;reboot\n", "shell syntax", "command separator");
    {
        /* a literal $ in single quotes is a plain character */
        cfg = parse("FENCE_PASSWD='pa$$word`x`'\n", &err);
        ok(cfg && strcmp(hfc_config_get(cfg, "FENCE_PASSWD"), "pa$$word`x`") == 0,
           "single quotes keep $ and ` literally");
        hfc_config_free(cfg);
    }
    {
        char big[3000];
        memset(big, 'A', sizeof big - 1);
        big[sizeof big - 1] = '\0';
        expect_error(big, "expected KEY=VALUE", "a 3000-character line without '='");
        memcpy(big, "K", 1);
        big[200] = '=';
        expect_error(big, "key too long", "a 200-character key");
    }
    {
        static const char nul_line[] = "FENCE_METHOD=ILO\0\nX=1\n";
        hfc_config *c2 = hfc_config_new();
        ok(!hfc_config_parse(c2, "nul.conf", nul_line, sizeof nul_line - 1, &err), "NUL byte refused");
        ok_has(err.message, "nul.conf:1: NUL", "NUL byte error names the line");
        hfc_config_free(c2);
    }
}

TAP_CASE(bad_values)
{
    /* bad values name file, line and key */
    expect_settings_error("FENCE_ENABLED=maybe\n", "test.conf:1: FENCE_ENABLED=maybe", "boolean");
    expect_settings_error("\nFENCE_ACTION=kill\n", "test.conf:2: FENCE_ACTION=kill", "action");
    expect_settings_error("FENCE_MIN_HOSTS=-1\n", "FENCE_MIN_HOSTS", "negative min hosts");
    expect_settings_error("FENCE_MIN_HOSTS=99999999999999999999\n", "FENCE_MIN_HOSTS", "overflow");
    expect_settings_error("FENCE_METHOD=../../etc\n", "FENCE_METHOD", "path in method name");
    expect_settings_error("FENCE_FILE_LOC=relative\n", "FENCE_FILE_LOC", "relative file loc");
    expect_settings_error("FENCE_IPADDRESS='not an address'\n", "FENCE_IPADDRESS", "bad address");
    expect_settings_error("XAPI_DELAY=x\n", "XAPI_DELAY", "non-numeric delay");
}

TAP_CASE(secrets_redacted)
{
    hfc_error err = {0};
    hfc_settings s;
    hfc_config *cfg;
    /* secrets: registered for redaction */
    cfg = parse("FENCE_METHOD=IPMI\nFENCE_PASSWD=Hunter2Hunter2\n", &err);
    ok(cfg && hfc_settings_load(cfg, &s, &err), "password config loads");
    {
        char line[128] = "login with Hunter2Hunter2 failed";
        hfc_redact(line, sizeof line);
        ok(strstr(line, "Hunter2") == NULL, "FENCE_PASSWD is redacted from messages: %s", line);
    }
    hfc_settings_free(&s);
    hfc_config_free(cfg);
}

TAP_CASE(secret_file_mode)
{
    hfc_error err = {0};
    hfc_config *cfg;
    /* a file holding secrets readable by others warns */
    {
        char path[] = "/tmp/hafence-test-conf-XXXXXX";
        int fd = mkstemp(path);
        const char text[] = "FENCE_PASSWD=abcdefgh\n";
        ok(fd >= 0 && write(fd, text, sizeof text - 1) == (ssize_t)(sizeof text - 1), "temp config written");
        close(fd);
        chmod(path, 0644);
        warnings[0] = '\0';
        cfg = hfc_config_new();
        ok(hfc_config_load(cfg, path, &err), "config file loads");
        ok_has(warnings, "holds secrets and is readable", "mode 0644 with a secret warns");
        hfc_config_free(cfg);
        chmod(path, 0600);
        warnings[0] = '\0';
        cfg = hfc_config_new();
        hfc_config_load(cfg, path, &err);
        ok(strstr(warnings, "readable") == NULL, "mode 0600 does not warn");
        hfc_config_free(cfg);
        unlink(path);
        cfg = hfc_config_new();
        ok(!hfc_config_load(cfg, path, &err), "missing file refused");
        ok_has(err.message, path, "error names the missing file");
        hfc_config_free(cfg);
    }
    hfc_secrets_forget();
}

TAP_CASE(star_secret)
{
    {
        /* a password made of the mask's own '*': redacted, and no endless
         * loop (the config fuzzer found one: FENCE_PASSWD=* hung every
         * message that mentioned a '*') */
        char line[128] = "value '*x*' has ** in it";
        hfc_secret_register("*");
        hfc_secret_register("**");
        hfc_redact(line, sizeof line);
        ok(strstr(line, "value '*x*' has") == line, "a secret of '*': redaction ends (%s)", line);
        hfc_secrets_forget();
    }
}

int main(int argc, char **argv)
{
    tap_init(argc, argv);
    hfc_log_set_sink(capture, NULL);
    TAP_RUN(method_required);
    TAP_RUN(safe_defaults);
    TAP_RUN(halizard_file);
    TAP_RUN(unknown_keys);
    TAP_RUN(override_wins);
    TAP_RUN(malformed_lines);
    TAP_RUN(hostile_input);
    TAP_RUN(bad_values);
    TAP_RUN(secrets_redacted);
    TAP_RUN(secret_file_mode);
    TAP_RUN(star_secret);
    return tap_done();
}
