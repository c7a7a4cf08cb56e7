/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running a script or agent under the call's deadline. */
#include "proto/run/run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <stdbool.h>
#include <unistd.h>

static void collect(int fd, run_result *res, int *open_fd)
{
    char buf[4096];
    ssize_t r = read(fd, buf, sizeof buf);
    if (r < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (r <= 0) {
        *open_fd = 0;
        return;
    }
    if (res->output_len < RUN_OUTPUT_MAX) {
        size_t room = RUN_OUTPUT_MAX - res->output_len;
        size_t n = (size_t)r < room ? (size_t)r : room;
        memcpy(res->output + res->output_len, buf, n);
        res->output_len += n;
        res->output[res->output_len] = '\0';
    }
}

int run_program(const hf_context *ctx, int fd, char *const argv[], char *const envp[], const char *input,
                run_result *res)
{
    int in[2], out[2], status = 0, out_open = 1;
    pid_t caller;
    size_t in_len = input ? strlen(input) : 0, in_done = 0;
    pid_t pid;
    int64_t kill_at = 0;

    memset(res, 0, sizeof *res);
    if (pipe2(in, O_CLOEXEC) != 0)
        return errno;
    if (pipe2(out, O_CLOEXEC) != 0) {
        int e = errno;
        close(in[0]);
        close(in[1]);
        return e;
    }
    caller = getpid();
    pid = fork();
    if (pid < 0) {
        int e = errno;
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        return e;
    }
    if (pid == 0) {
        sigset_t none;
        int exec_fd;
        /* a group of its own, so that it and whatever it starts are
         * stopped together; and never outliving us */
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != caller)
            _exit(127);
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        signal(SIGPIPE, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(out[1], 2);
        /* without close-on-exec: an interpreter (#!) reads the script
         * through /dev/fd/N */
        exec_fd = dup(fd);
        fexecve(exec_fd, argv, envp);
        _exit(127);
    }
    setpgid(pid, pid); /* the child does it too: whichever runs first */
    close(in[0]);
    close(out[1]);
    fcntl(in[1], F_SETFL, O_NONBLOCK);
    fcntl(out[0], F_SETFL, O_NONBLOCK);
    signal(SIGPIPE, SIG_IGN);
    if (in_len == 0) {
        close(in[1]);
        in[1] = -1;
    }

    for (;;) {
        struct pollfd pfd[2];
        int n = 0;
        int64_t left = hf_ctx_remaining_ms(ctx);
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid)
            break;
        if (!kill_at && (left == 0 || ctx->cancelled(ctx))) {
            /* the deadline, or a stop request: ask, then make sure */
            kill(-pid, SIGTERM);
            if (left == 0)
                res->timed_out = 1;
            else
                res->cancelled = 1;
            kill_at = hf_now_ms() + 200;
        } else if (kill_at && hf_now_ms() >= kill_at) {
            kill(-pid, SIGKILL);
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
            break;
        }
        if (out_open) {
            pfd[n].fd = out[0];
            pfd[n++].events = POLLIN;
        }
        if (in[1] >= 0) {
            pfd[n].fd = in[1];
            pfd[n++].events = POLLOUT;
        }
        poll(pfd, (nfds_t)n, 20);
        if (out_open)
            collect(out[0], res, &out_open);
        if (in[1] >= 0) {
            ssize_t wr = write(in[1], input + in_done, in_len - in_done);
            if (wr > 0)
                in_done += (size_t)wr;
            if ((wr < 0 && errno != EAGAIN && errno != EINTR) || in_done == in_len) {
                close(in[1]);
                in[1] = -1;
            }
        }
    }
    while (out_open) {
        /* what was written before exit; descendants holding the pipe are
         * not waited for */
        char buf[4096];
        ssize_t r = read(out[0], buf, sizeof buf);
        if (r <= 0)
            break;
        if (res->output_len + (size_t)r <= RUN_OUTPUT_MAX) {
            memcpy(res->output + res->output_len, buf, (size_t)r);
            res->output_len += (size_t)r;
            res->output[res->output_len] = '\0';
        }
    }
    /* what it started and left running goes with it (the group's id is
     * still ours to use: it was reaped just now, its group may live on) */
    kill(-pid, SIGKILL);
    if (in[1] >= 0)
        close(in[1]);
    close(out[0]);
    if (WIFEXITED(status)) {
        res->exited = 1;
        res->exit_status = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        res->signal = WTERMSIG(status);
    }
    return 0;
}

void run_last_line(const run_result *res, const char *secret, char *out, size_t size)
{
    const char *end = res->output + res->output_len, *start;
    size_t n, room;
    char *line;
    bool cut = res->output_len >= RUN_OUTPUT_MAX; /* the output itself was cut here */
    while (end > res->output && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
        end--;
    start = end;
    while (start > res->output && start[-1] != '\n')
        start--;
    /* the program's own secret masked in the whole line, before the line is
     * cut to fit a message (a cut first could leave part of it) */
    n = (size_t)(end - start);
    room = cut ? n + 1 : 3 * n + 4;
    if (!(line = malloc(room))) {
        snprintf(out, size, "(out of memory)");
        return;
    }
    memcpy(line, start, n);
    line[n] = '\0';
    hf_mask_secret(line, room, secret);
    snprintf(out, size, "%s", line);
    memset(line, 0, room);
    free(line);
    for (char *c = out; *c; c++)
        if ((unsigned char)*c < 0x20)
            *c = ' ';
}
