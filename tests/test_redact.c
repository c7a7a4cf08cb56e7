/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The redaction rule (hf_mask_secret in sdk/hafence/plugin.h, hfc_redact and
 * hfc_format_redacted in the core): secrets never survive, cut or whole,
 * and ordinary words are neither mangled nor made to point at a secret. */
#include "core/log.h"
#include "tests/tap.h"

static void masked(const char *secret, const char *text, const char *want, const char *what)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", text);
    hf_mask_secret(buf, sizeof buf, secret);
    ok(strcmp(buf, want) == 0, "%s: '%s' -> '%s'", what, text, buf);
    if (strcmp(buf, want) != 0)
        diag("wanted '%s'", want);
}

/* Does text hold any piece of secret of at least n characters? */
static bool holds_piece(const char *text, const char *secret, size_t n)
{
    size_t len = strlen(secret);
    char piece[1024];
    for (size_t at = 0; at + n <= len; at++) {
        memcpy(piece, secret + at, n);
        piece[n] = '\0';
        if (strstr(text, piece))
            return true;
    }
    return false;
}

/* A 496-character secret, as the case */
static char secret[497];
static void make_secret(void)
{
    for (size_t i = 0; i < sizeof secret - 1; i++)
        secret[i] = (char)('a' + (i * 7) % 26);
    secret[sizeof secret - 1] = '\0';
}

TAP_CASE(word_rule)
{
    /* short secrets: only as words of their own */
    masked("on", "session opened", "session opened", "a 2-letter password does not mangle words");
    masked("on", "power on", "power ***", "  ... and is masked where it stands alone");
    masked("x", "hex dump of x", "hex dump of ***", "a 1-letter password: 'hex' is left as it is");
    masked("x", "password=x;", "password=***;", "  ... masked between punctuation");
    masked("ab1", "ab1ab1 ab1", "ab1ab1 ***", "a short secret inside a longer word is left (it is not there)");
    /* long secrets: everywhere, and the mask never tells the length */
    masked("Hunter2Hunter2", "xHunter2Hunter2y and Hunter2Hunter2", "x***y and ***", "a long secret: every occurrence");
    masked("abcdefghijklmnop", "[abcdefghijklmnop]", "[***]", "  ... three stars whatever its length");
    masked("*", "a * b", "a *** b", "a secret of '*' is masked and the rule ends");
    masked("Secret-99", "no secret here", "no secret here", "text without the secret is untouched");
}

TAP_CASE(cut_secret)
{
    char buf[HF_MESSAGE_MAX];
    /* the cut: a message that filled its buffer ends with the start of a
     * secret (the case: 485 of 496 characters survived) */
    make_secret();
    memset(buf, 'A', sizeof buf);
    memcpy(buf + sizeof buf - 1 - 200, secret, 200); /* cut after 200 of its 496 */
    buf[sizeof buf - 1] = '\0';
    hfc_secret_register(secret);
    hfc_redact(buf, sizeof buf);
    ok(!holds_piece(buf, secret, 3), "a message cut in the middle of a secret: the piece is masked");
    ok(strlen(buf) > 800 && strcmp(buf + strlen(buf) - 3, "***") == 0, "  ... with stars at the cut, the rest kept");
    memset(buf, 'A', sizeof buf);
    memcpy(buf + sizeof buf - 3, "ab", 2);
    buf[sizeof buf - 1] = '\0';
    hfc_secrets_forget();
    hfc_secret_register("abXYZ123");
    hfc_redact(buf, sizeof buf);
    ok(buf[sizeof buf - 2] == 'b', "  ... but two letters inside a word at the cut are not a secret's start");
    hfc_secrets_forget();
}

TAP_CASE(redacted_before_cut)
{
    char buf[HF_MESSAGE_MAX], big[2048];
    /* formatting: redacted before the cut */
    make_secret();
    hfc_secret_register(secret);
    memset(big, 'B', 1000);
    big[1000] = '\0';
    hfc_format_redacted(buf, sizeof buf, "%s: %s and more", big, secret);
    ok(!holds_piece(buf, secret, 3), "hfc_format_redacted: a secret that would be cut is masked first");
    hfc_format_redacted(buf, sizeof buf, "id %s", "x");
    ok(strcmp(buf, "id x") == 0, "  ... other text is untouched");
    hfc_secrets_forget();
    hfc_secret_register("x");
    hfc_format_redacted(buf, sizeof buf, "%s %s", "hex", "x");
    ok(strcmp(buf, "hex ***") == 0, "  ... and room is made for the stars of a one-letter secret: '%s'", buf);
    hfc_secrets_forget();
}

int main(int argc, char **argv)
{
    tap_init(argc, argv);
    TAP_RUN(word_rule);
    TAP_RUN(cut_secret);
    TAP_RUN(redacted_before_cut);
    return tap_done();
}
