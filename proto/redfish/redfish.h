/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * redfish: a DMTF Redfish client for fencing (libcurl through
 * proto/http, json-c), shared by the ilo and irmc plugins.
 *  - A session is created (POST SessionService/Sessions, X-Auth-Token) and
 *    deleted when done; where the service offers no sessions, HTTP Basic.
 *  - The system is found from the service root (or named), its PowerState
 *    read: only "Off" is off ("PoweringOff" is not).
 *  - A reset uses a ResetType the system lists as allowed.
 *  - The headers the standard asks for are sent (Accept: application/json,
 *    OData-Version: 4.0); the HTTP status of every call is checked.
 */
#ifndef HAFENCE_PROTO_REDFISH_H
#define HAFENCE_PROTO_REDFISH_H

#include "proto/http/http-client.h"

typedef enum redfish_intent {
    REDFISH_FORCE_OFF,
    REDFISH_ON,
    REDFISH_FORCE_RESTART
} redfish_intent;

typedef struct redfish_options {
    const char *base_url; /* https://host[:port] */
    const char *username;
    const char *password; /* secret */
    const char *system;   /* a system's @odata.id or Id; NULL: the service's only (first) one */
    const char *device;   /* the caller's name for the device ("iLO 10.0.0.5"); NULL: "Redfish <url>" */
    bool basic_auth;      /* HTTP Basic on every request, no session (as fence_redfish); else a session
                           * when the service offers them */
    http_options http;
} redfish_options;

typedef struct redfish redfish;

redfish *redfish_new(const redfish_options *opt);
/* Deletes the session (briefly, best effort) and wipes the secrets. */
void redfish_free(redfish *r);

/* Is there a Redfish service (its root answers, no login needed)? */
hf_result redfish_probe(redfish *r, const hf_context *ctx, hf_reply *reply);
/* The system's power: *power, and the service's word in word. */
hf_result redfish_power(redfish *r, const hf_context *ctx, hf_power *power, char *word, size_t word_size,
                        hf_reply *reply);
hf_result redfish_reset(redfish *r, const hf_context *ctx, redfish_intent intent, hf_reply *reply);
hf_result redfish_logout(redfish *r, const hf_context *ctx, hf_reply *reply);

/* ---- the parsers (redfish-parse.c): untrusted input, no I/O ---------------- */
#define REDFISH_RESET_TYPES 12
typedef struct redfish_system {
    char power_state[32];   /* "" when absent */
    char reset_target[512]; /* the #ComputerSystem.Reset action's target */
    bool allowed_listed;    /* ResetType@Redfish.AllowableValues was given */
    unsigned allowed;       /* bit i: redfish_reset_type_names[i] allowed */
} redfish_system;
extern const char *const redfish_reset_type_names[REDFISH_RESET_TYPES + 1];

/* The service root: the Systems collection's and the Sessions' paths. */
bool redfish_parse_root(const char *json, size_t len, char *systems, size_t systems_size, char *sessions,
                        size_t sessions_size, hf_reply *reply);
/* A collection: its number of members and the first member's path. */
bool redfish_parse_collection(const char *json, size_t len, int *count, char *first, size_t first_size,
                              hf_reply *reply);
bool redfish_parse_system(const char *json, size_t len, redfish_system *s, hf_reply *reply);
/* The message of a Redfish error body ("error": {"message",
 * "@Message.ExtendedInfo": [...]}), or "" */
void redfish_parse_error(const char *json, size_t len, char *msg, size_t size);

#endif
