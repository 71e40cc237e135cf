/* Runs the ndishost CLI as a child process for the end-to-end tests: arguments in, exit status,
 * stdout and stderr out, with a time limit so that a hang fails the test instead of blocking
 * ctest. */
#ifndef NDISHOST_TESTS_E2E_RUN_H
#define NDISHOST_TESTS_E2E_RUN_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define E2E_RUN_TIMEOUT_S 90
#define E2E_MAX_ARGS 32

typedef struct e2e_result
{
    int status; /* exit status; -1 when it did not exit normally (signal, time-out) */
    bool timed_out;
    int signal; /* terminating signal, 0 when it exited */
    char *out;  /* stdout, NUL-terminated */
    char *err;  /* stderr, NUL-terminated */
} e2e_result;

static char e2e_tmpdir[256];

/* A private scratch directory, removed with its files at exit. */
static const char *e2e_scratch(void)
{
    if (!e2e_tmpdir[0])
    {
        const char *base = getenv("TMPDIR");
        snprintf(e2e_tmpdir, sizeof e2e_tmpdir, "%s/ndishost-e2e-XXXXXX", base && *base ? base : "/tmp");
        if (!mkdtemp(e2e_tmpdir))
        {
            perror("mkdtemp");
            abort();
        }
    }
    return e2e_tmpdir;
}

static void e2e_scratch_path(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/%s", e2e_scratch(), name);
}

static char *e2e_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return strdup("");
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len - 1, f)) > 0)
    {
        len += got;
        if (cap - len < 2)
        {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    fclose(f);
    if (!buf)
        abort();
    buf[len] = '\0';
    return buf;
}

static void e2e_result_free(e2e_result *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

/* Runs NDISHOST_CLI with argv (NULL-terminated, without argv[0]). */
static void e2e_run_argv(const char *const *args, e2e_result *r)
{
    memset(r, 0, sizeof *r);
    r->status = -1;
    char out_path[300], err_path[300];
    e2e_scratch_path(out_path, sizeof out_path, "stdout");
    e2e_scratch_path(err_path, sizeof err_path, "stderr");

    const char *argv[E2E_MAX_ARGS + 2];
    size_t n = 0;
    argv[n++] = NDISHOST_CLI;
    for (size_t i = 0; args[i] && n < E2E_MAX_ARGS + 1; i++)
        argv[n++] = args[i];
    argv[n] = NULL;

    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
    {
        perror("fork");
        abort();
    }
    if (pid == 0)
    {
        int o = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        int e = open(err_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (o < 0 || e < 0 || in < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0 || dup2(in, 0) < 0)
            _exit(127);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }

    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    int wstatus = 0;
    for (;;)
    {
        pid_t w = waitpid(pid, &wstatus, WNOHANG);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR)
        {
            perror("waitpid");
            abort();
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - start.tv_sec >= E2E_RUN_TIMEOUT_S)
        {
            kill(pid, SIGKILL);
            waitpid(pid, &wstatus, 0);
            r->timed_out = true;
            break;
        }
        struct timespec tick = {0, 5 * 1000 * 1000};
        nanosleep(&tick, NULL);
    }
    if (!r->timed_out && WIFEXITED(wstatus))
        r->status = WEXITSTATUS(wstatus);
    else if (WIFSIGNALED(wstatus))
        r->signal = WTERMSIG(wstatus);
    r->out = e2e_slurp(out_path);
    r->err = e2e_slurp(err_path);
}

/* Prints what a failed run said, for the test log. */
static __attribute__((unused)) void e2e_dump(const char *what, const e2e_result *r)
{
    fprintf(stderr, "---- %s: status %d%s signal %d\n---- stdout:\n%s---- stderr:\n%s----\n", what, r->status,
            r->timed_out ? " (timed out)" : "", r->signal, r->out ? r->out : "", r->err ? r->err : "");
}

static size_t e2e_count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (*s == '\n')
            n++;
    return n;
}

static __attribute__((unused)) void e2e_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
    {
        perror(path);
        abort();
    }
    fputs(text, f);
    fclose(f);
}

static void e2e_cleanup(void)
{
    if (!e2e_tmpdir[0])
        return;
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", e2e_tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", e2e_tmpdir);
}

#endif
