/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running a program with a deadline, input on stdin and bounded output. */
#ifndef HAFENCE_PROTO_RUN_H
#define HAFENCE_PROTO_RUN_H

#include <hafence/plugin.h>

#define RUN_OUTPUT_MAX (64 * 1024)

typedef struct run_result {
    int exited; /* 1: exit_status is valid */
    int exit_status;
    int signal;                      /* killed by this signal */
    int timed_out;                   /* killed at the deadline */
    int cancelled;                   /* killed because the call was cancelled */
    char output[RUN_OUTPUT_MAX + 1]; /* stdout and stderr, truncated */
    size_t output_len;
} run_result;

/* Run the program open on fd (fexecve: what was checked is what runs) with
 * argv (argv[0] its path, for messages) and exactly envp, writing input
 * (may be NULL) to its stdin.  It runs in a process group of its own,
 * which is killed (TERM, then KILL) at the context's deadline or when the
 * call is cancelled, and again after it exits (what it left running goes
 * with it); it dies with its caller.  Returns 0, or an errno when it could
 * not be started. */
int run_program(const hf_context *ctx, int fd, char *const argv[], char *const envp[], const char *input,
                run_result *res);

/* The last non-empty line of the output, for messages, with secret (may be
 * NULL) masked before the line is cut to size. */
void run_last_line(const run_result *res, const char *secret, char *out, size_t size);

#endif
