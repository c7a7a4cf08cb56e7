/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The floor for the cost of isolation: the smallest program that does what
 * isolation adds to an operation, on the same machine.  With "fork", a
 * child process writes an outcome's worth of bytes (what hafence's child
 * sends back) into a pipe and exits; the parent waits for it with poll(),
 * reads it and reaps the child.  Without, the process writes and reads the
 * same bytes itself.  The difference of the two is what a fork, a child's
 * exit and its reaping cost here: bench/run.sh prints it beside hafence's
 * own cost of isolation (a virtual machine that traps page-table writes
 * makes forks several times dearer than bare metal).  Not installed.
 *   fork-child [fork]
 */
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define OUTCOME_BYTES 1080

int main(int argc, char **argv)
{
    static char msg[OUTCOME_BYTES], got[OUTCOME_BYTES];
    int fds[2];
    pid_t pid = 0;
    if (pipe(fds) != 0)
        return 1;
    memset(msg, 'x', sizeof msg);
    if (argc > 1 && strcmp(argv[1], "fork") == 0) {
        pid = fork();
        if (pid < 0)
            return 1;
        if (pid == 0) {
            close(fds[0]);
            _exit(write(fds[1], msg, sizeof msg) == (ssize_t)sizeof msg ? 0 : 1);
        }
        close(fds[1]);
    } else if (write(fds[1], msg, sizeof msg) != (ssize_t)sizeof msg) {
        return 1;
    }
    struct pollfd p = {fds[0], POLLIN, 0};
    if (poll(&p, 1, 10000) != 1 || read(fds[0], got, sizeof got) != (ssize_t)sizeof got)
        return 1;
    if (pid > 0) {
        int status;
        if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            return 1;
    }
    return 0;
}
