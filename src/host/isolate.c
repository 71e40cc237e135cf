/* Isolation of a job in a forked child (see isolate.h for the protocol). */
#include "host/isolate.h"

#include "host/report.h"
#include "verifier/vf_internal.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <dlfcn.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <link.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

/* ---- the shared page ---------------------------------------------------------------------------- */

#define ISO_MAGIC 0x4e484953u /* "NHIS" */
#define ISO_MAX_MODULES 512
#define ISO_MAX_FRAMES 64
#define ISO_MAX_STACKS 64
#define ISO_PATH_MAX 256

typedef struct iso_module
{
    uintptr_t base;       /* load bias (dlpi_addr): offset = pc - base */
    uintptr_t start, end; /* union of the PT_LOAD segments */
    char path[ISO_PATH_MAX];
} iso_module;

/* One thread's state at a crash or a dump request. Written by a signal handler. */
typedef struct iso_stack
{
    int32_t valid; /* header fields written */
    int32_t tid;
    int32_t cb;
    int32_t sig;
    int32_t code;
    uint64_t addr; /* si_addr */
    uint64_t pc;   /* interrupted instruction */
    char owner[64];
    uint32_t nframes; /* return addresses after pc */
    uint64_t frames[ISO_MAX_FRAMES];
} iso_stack;

typedef struct iso_shared
{
    uint32_t magic;
    uint32_t nmodules;
    iso_module modules[ISO_MAX_MODULES];
    atomic_int crash_taken;
    iso_stack crash;
    atomic_uint nstacks, stacks_done;
    iso_stack stacks[ISO_MAX_STACKS];
    atomic_int dump_done;
} iso_shared;

/* ---- message framing on the data pipe ------------------------------------------------------------ */

#define MSG_MAX (64u << 20)     /* one message */
#define READ_MAX (256u << 20)   /* everything a child may send */
#define DUMP_GRACE_MS 3000      /* how long the parent waits for a dump before it kills */
#define CRASH_DUMP_WAIT_MS 2000 /* how long a crashed child waits for its reporter */

typedef struct msg_header
{
    char magic[2]; /* 'N' 'H' */
    char kind;     /* 'R' result, 'P' partial */
    char pad;
    uint32_t len;
} msg_header;

/* ---- child state ------------------------------------------------------------------------------------ */

static iso_shared *c_shm;
static int c_data_fd = -1, c_ctl_fd = -1, c_self_r = -1, c_self_w = -1;
static const isolate_job *c_job;
static pthread_mutex_t c_send_lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) && errno == EINTR)
        ;
}

static int write_full(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len)
    {
        ssize_t w = write(fd, p, len);
        if (w < 0)
        {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

static void send_message(char kind, cJSON *obj)
{
    char *text = obj ? cJSON_PrintUnformatted(obj) : NULL;
    const char *body = text ? text : "{}";
    size_t len = strlen(body);
    if (len > MSG_MAX)
    {
        body = "{}";
        len = 2;
    }
    msg_header h = {{'N', 'H'}, kind, 0, (uint32_t)len};
    pthread_mutex_lock(&c_send_lock);
    if (write_full(c_data_fd, &h, sizeof h) == 0)
        write_full(c_data_fd, body, len);
    pthread_mutex_unlock(&c_send_lock);
    free(text);
}

static uintptr_t uc_pc(void *ucv)
{
    ucontext_t *uc = ucv;
    if (!uc)
        return 0;
#if defined(__x86_64__)
    return (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
    return (uintptr_t)uc->uc_mcontext.pc;
#elif defined(__i386__)
    return (uintptr_t)uc->uc_mcontext.gregs[REG_EIP];
#else
    return 0;
#endif
}

/* Async-signal-safe apart from backtrace(), which was primed before the job started (its first
 * call loads the unwinder). Everything goes to the shared page; nothing is allocated. */
static void fill_stack(iso_stack *s, int sig, siginfo_t *si, void *uc)
{
    s->tid = (int32_t)syscall(SYS_gettid);
    s->cb = (int32_t)vf_current_callback();
    s->sig = sig;
    s->code = si ? si->si_code : 0;
    s->addr = si ? (uint64_t)(uintptr_t)si->si_addr : 0;
    s->pc = uc_pc(uc);
    s->owner[0] = '\0';
    vf_owner *o = vf_current_owner();
    const char *name = o ? vf_owner_name(o) : NULL;
    if (name)
    {
        size_t i = 0;
        for (; i < sizeof s->owner - 1 && name[i]; i++)
            s->owner[i] = name[i];
        s->owner[i] = '\0';
    }
    s->nframes = 0;
    __atomic_store_n(&s->valid, 1, __ATOMIC_RELEASE);

    void *raw[ISO_MAX_FRAMES];
    int n = backtrace(raw, ISO_MAX_FRAMES);
    /* Drop the handler's own frames: everything up to the interrupted instruction. */
    int from = 0;
    for (int i = 0; i < n; i++)
        if ((uintptr_t)raw[i] == s->pc)
        {
            from = i + 1;
            break;
        }
    uint32_t k = 0;
    for (int i = from; i < n && k < ISO_MAX_FRAMES; i++)
        s->frames[k++] = (uint64_t)(uintptr_t)raw[i];
    __atomic_store_n(&s->nframes, k, __ATOMIC_RELEASE);
}

static void crash_handler(int sig, siginfo_t *si, void *uc)
{
    int expected = 0;
    if (!atomic_compare_exchange_strong(&c_shm->crash_taken, &expected, 1))
    {
        /* Another thread crashed first (or the reporter crashed on a heap the driver broke): the
         * first handler ends the process. */
        for (;;)
            pause();
    }
    fill_stack(&c_shm->crash, sig, si, uc);
    /* Ask the reporter for the findings so far, give it a moment, then go. */
    if (c_self_w >= 0)
    {
        char c = 'c';
        ssize_t w = write(c_self_w, &c, 1);
        (void)w;
        for (unsigned waited = 0; waited < CRASH_DUMP_WAIT_MS && !atomic_load(&c_shm->dump_done); waited += 10)
        {
            struct timespec ts = {0, 10 * 1000000L};
            nanosleep(&ts, NULL);
        }
    }
    _exit(128 + sig);
}

static void stack_handler(int sig, siginfo_t *si, void *uc)
{
    int saved = errno;
    unsigned slot = atomic_fetch_add(&c_shm->nstacks, 1);
    if (slot < ISO_MAX_STACKS)
        fill_stack(&c_shm->stacks[slot], sig, si, uc);
    atomic_fetch_add(&c_shm->stacks_done, 1);
    errno = saved;
}

/* On the reporter thread, after a dump request: every other thread records its stack. */
static void collect_stacks(void)
{
    pid_t self = (pid_t)syscall(SYS_gettid);
    pid_t pid = getpid();
    DIR *d = opendir("/proc/self/task");
    if (!d)
        return;
    unsigned sent = 0;
    struct dirent *e;
    while ((e = readdir(d)) && sent < ISO_MAX_STACKS)
    {
        char *end;
        long tid = strtol(e->d_name, &end, 10);
        if (*end || tid <= 0 || tid == self)
            continue;
        if (syscall(SYS_tgkill, pid, (pid_t)tid, SIGUSR2) == 0)
            sent++;
    }
    closedir(d);
    for (unsigned waited = 0; waited < 1000 && atomic_load(&c_shm->stacks_done) < sent; waited += 5)
        sleep_ms(5);
}

static void *reporter_main(void *arg)
{
    (void)arg;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    struct pollfd p[2] = {{c_ctl_fd, POLLIN, 0}, {c_self_r, POLLIN, 0}};
    for (;;)
    {
        if (poll(p, 2, -1) < 0)
        {
            if (errno == EINTR)
                continue;
            return NULL;
        }
        bool dump = false, hang = false;
        for (int i = 0; i < 2; i++)
        {
            if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            char c;
            ssize_t n = read(p[i].fd, &c, 1);
            if (n == 1)
            {
                dump = true;
                hang |= i == 0;
            }
            else if (n == 0 || (n < 0 && errno != EINTR))
                p[i].fd = -1; /* the parent went away: nothing more to ask for on it */
        }
        if (!dump)
        {
            if (p[0].fd < 0 && p[1].fd < 0)
                return NULL;
            continue;
        }
        if (hang)
            collect_stacks();
        cJSON *partial = c_job->dump ? c_job->dump(c_job->arg) : NULL;
        send_message('P', partial);
        cJSON_Delete(partial);
        atomic_store(&c_shm->dump_done, 1);
        return NULL;
    }
}

static int record_module(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void)size;
    (void)arg;
    if (c_shm->nmodules >= ISO_MAX_MODULES)
        return 1;
    uintptr_t lo = UINTPTR_MAX, hi = 0;
    for (int i = 0; i < info->dlpi_phnum; i++)
    {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD)
            continue;
        uintptr_t s = info->dlpi_addr + ph->p_vaddr, e = s + ph->p_memsz;
        lo = s < lo ? s : lo;
        hi = e > hi ? e : hi;
    }
    if (lo >= hi)
        return 0;
    iso_module *m = &c_shm->modules[c_shm->nmodules++];
    m->base = info->dlpi_addr;
    m->start = lo;
    m->end = hi;
    const char *name = info->dlpi_name;
    if (!name || !*name)
    {
        /* The main program: its path from /proc. */
        ssize_t n = readlink("/proc/self/exe", m->path, sizeof m->path - 1);
        m->path[n > 0 ? n : 0] = '\0';
    }
    else
        snprintf(m->path, sizeof m->path, "%s", name);
    return 0;
}

static void install(int sig, void (*fn)(int, siginfo_t *, void *), int extra_flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | extra_flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static void child_main(const isolate_options *o, const isolate_job *job, int data_fd, int ctl_fd)
{
    c_data_fd = data_fd;
    c_ctl_fd = ctl_fd;
    c_job = job;
    if (o->line_buffered)
    {
        fflush(stdout);
        setvbuf(stdout, NULL, _IOLBF, BUFSIZ);
    }
    /* Load the driver now so that the module table below includes it; the host's own dlopen
     * later gets the same mapping. A file that does not load is the host's to report. */
    if (o->driver_path)
    {
        void *dl = dlopen(o->driver_path, RTLD_NOW | RTLD_LOCAL);
        if (!dl)
            (void)dlerror();
    }
    c_shm->magic = ISO_MAGIC;
    dl_iterate_phdr(record_module, NULL);
    void *prime[4];
    backtrace(prime, 4);

    static char altstack[64 * 1024];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    sigaltstack(&ss, NULL);
    static const int fatal[] = {SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE};
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
        install(fatal[i], crash_handler, SA_ONSTACK);
    install(SIGUSR2, stack_handler, SA_ONSTACK | SA_RESTART);
    signal(SIGPIPE, SIG_DFL);

    int sp[2];
    if (pipe2(sp, O_CLOEXEC) == 0)
    {
        c_self_r = sp[0];
        c_self_w = sp[1];
    }
    pthread_t reporter;
    if (pthread_create(&reporter, NULL, reporter_main, NULL) == 0)
        pthread_detach(reporter);

    cJSON *res = job->run ? job->run(job->arg) : NULL;
    send_message('R', res);
    cJSON_Delete(res);
    fflush(stdout);
    fflush(stderr);
    _exit(0);
}

/* ---- parent: symbolization ---------------------------------------------------------------------- */

typedef struct sym_module
{
    char *path;
    Dwfl *dwfl;
    Dwfl_Module *mod;
    struct sym_module *next;
} sym_module;

static sym_module *sym_modules;
static pthread_mutex_t sym_lock = PTHREAD_MUTEX_INITIALIZER;

static const Dwfl_Callbacks offline_callbacks = {
    .find_elf = dwfl_build_id_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .section_address = dwfl_offline_section_address,
};

static Dwfl_Module *sym_module_get(const char *path)
{
    for (sym_module *m = sym_modules; m; m = m->next)
        if (!strcmp(m->path, path))
            return m->mod;
    sym_module *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->path = strdup(path);
    m->dwfl = dwfl_begin(&offline_callbacks);
    if (m->dwfl)
    {
        dwfl_report_begin(m->dwfl);
        m->mod = dwfl_report_offline(m->dwfl, vf_basename(path), path, -1);
        dwfl_report_end(m->dwfl, NULL, NULL);
    }
    /* Kept even when it failed, so that a module without an ELF file is not retried. */
    m->next = sym_modules;
    sym_modules = m;
    return m->mod;
}

void isolate_symbolize_module_offset(const char *module, uintptr_t offset, bool is_return, vf_site *out)
{
    memset(out, 0, sizeof *out);
    if (!module || !*module)
        return;
    out->module = vf_intern(module);
    out->offset = offset;
    pthread_mutex_lock(&sym_lock);
    Dwfl_Module *mod = sym_module_get(module);
    if (mod)
    {
        Dwarf_Addr bias = 0;
        dwfl_module_getelf(mod, &bias);
        Dwarf_Addr addr = bias + offset - (is_return && offset ? 1 : 0);
        const char *fn = dwfl_module_addrname(mod, addr);
        if (fn)
            out->function = vf_intern(fn);
        Dwfl_Line *line = dwfl_module_getsrc(mod, addr);
        if (line)
        {
            int lineno = 0;
            const char *file = dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL);
            if (file)
            {
                const char *dir = dwfl_line_comp_dir(line);
                if (file[0] != '/' && dir)
                {
                    char buf[1024];
                    snprintf(buf, sizeof buf, "%s/%s", dir, file);
                    out->file = vf_intern(buf);
                }
                else
                    out->file = vf_intern(file);
                out->line = lineno;
            }
        }
    }
    pthread_mutex_unlock(&sym_lock);
}

/* ---- parent: findings --------------------------------------------------------------------------- */

static const char *intern_or_null(const char *s)
{
    return s ? vf_intern(s) : NULL;
}

void isolate_findings_add(isolate_findings *l, const vf_finding *f, const char *prefix)
{
    if (l->count == l->cap)
    {
        size_t cap = l->cap ? l->cap * 2 : 16;
        vf_finding *n = realloc(l->items, cap * sizeof *n);
        if (!n)
            return;
        l->items = n;
        l->cap = cap;
    }
    vf_finding *d = &l->items[l->count++];
    *d = *f;
    d->rule = intern_or_null(f->rule ? f->rule : VF_RULE_HOST_ERROR);
    d->callback = intern_or_null(f->callback);
    d->owner = intern_or_null(f->owner);
    d->title = intern_or_null(f->title);
    const char *msg = f->message ? f->message : "";
    size_t n = strlen(msg) + (prefix ? strlen(prefix) : 0) + 1;
    d->message = malloc(n);
    if (d->message)
        snprintf(d->message, n, "%s%s", prefix ? prefix : "", msg);
    d->site.file = intern_or_null(f->site.file);
    d->site.function = intern_or_null(f->site.function);
    d->site.module = intern_or_null(f->site.module);
    d->acquired = d->site;
    if (!d->count)
        d->count = 1;
}

static const char *json_str(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double json_num(const cJSON *o, const char *name, double dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

size_t isolate_findings_add_json(isolate_findings *l, const cJSON *array, const char *prefix)
{
    if (!cJSON_IsArray(array))
        return 0;
    size_t added = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, array)
    {
        if (!cJSON_IsObject(it) || !json_str(it, "rule"))
            continue;
        vf_finding f;
        memset(&f, 0, sizeof f);
        f.rule = json_str(it, "rule");
        const char *sev = json_str(it, "severity");
        f.severity = sev && !strcmp(sev, "warning") ? VF_SEV_WARNING : VF_SEV_ERROR;
        f.title = json_str(it, "title");
        f.callback = json_str(it, "callback");
        f.owner = json_str(it, "owner");
        f.message = (char *)json_str(it, "message");
        double count = json_num(it, "count", 1);
        f.count = count >= 1 && count < 1e18 ? (uint64_t)count : 1;
        double seq = json_num(it, "seq", 0);
        f.seq = seq >= 0 && seq < 1e18 ? (uint64_t)seq : 0;
        f.leak = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "leak"));
        const cJSON *site = cJSON_GetObjectItemCaseSensitive(it, "site");
        if (cJSON_IsObject(site))
        {
            f.site.file = json_str(site, "file");
            f.site.function = json_str(site, "function");
            f.site.module = json_str(site, "module");
            double line = json_num(site, "line", 0);
            f.site.line = line > 0 && line < 1e9 ? (int)line : 0;
            double off = json_num(site, "offset", 0);
            f.site.offset = off > 0 && off < 1e18 ? (uintptr_t)off : 0;
        }
        isolate_findings_add(l, &f, prefix);
        added++;
    }
    return added;
}

void isolate_findings_free(isolate_findings *l)
{
    for (size_t i = 0; i < l->count; i++)
        free(l->items[i].message);
    free(l->items);
    memset(l, 0, sizeof *l);
}

void isolate_finding_free(vf_finding *f)
{
    if (!f)
        return;
    free(f->message);
    free(f);
}

cJSON *isolate_findings_json(void)
{
    size_t n = vf_findings_count();
    const vf_finding **list = calloc(n ? n : 1, sizeof *list);
    if (!list)
        return cJSON_CreateArray();
    for (size_t i = 0; i < n; i++)
        list[i] = vf_findings_get(i);
    report_run_info info = {.command = "isolate"};
    char *text = report_json_render(&info, list, n);
    free(list);
    cJSON *doc = text ? cJSON_Parse(text) : NULL;
    free(text);
    cJSON *arr = doc ? cJSON_DetachItemFromObjectCaseSensitive(doc, "findings") : NULL;
    cJSON_Delete(doc);
    return arr ? arr : cJSON_CreateArray();
}

/* ---- parent: turning the shared page into a finding ------------------------------------------------ */

typedef struct frame_info
{
    uint64_t pc;
    bool is_return;
    int module; /* index into the copied module table, -1 when none */
    uintptr_t offset;
} frame_info;

typedef struct page_view
{
    iso_module *modules; /* sanitized copy */
    uint32_t nmodules;
    int driver; /* index of the driver's module, -1 */
} page_view;

static int module_of(const page_view *v, uint64_t pc)
{
    for (uint32_t i = 0; i < v->nmodules; i++)
        if (pc >= v->modules[i].start && pc < v->modules[i].end)
            return (int)i;
    return -1;
}

static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return a && b && stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static void page_view_init(page_view *v, const iso_shared *shm, const char *driver_path)
{
    memset(v, 0, sizeof *v);
    v->driver = -1;
    if (shm->magic != ISO_MAGIC)
        return;
    uint32_t n = shm->nmodules <= ISO_MAX_MODULES ? shm->nmodules : ISO_MAX_MODULES;
    v->modules = calloc(n ? n : 1, sizeof *v->modules);
    if (!v->modules)
        return;
    for (uint32_t i = 0; i < n; i++)
    {
        iso_module m = shm->modules[i];
        m.path[sizeof m.path - 1] = '\0';
        if (m.start >= m.end)
            continue;
        v->modules[v->nmodules++] = m;
    }
    for (uint32_t i = 0; driver_path && i < v->nmodules; i++)
        if (same_file(v->modules[i].path, driver_path))
        {
            v->driver = (int)i;
            break;
        }
}

/* The interrupted instruction, then the return addresses, each mapped to a module. */
static size_t stack_frames(const page_view *v, const iso_stack *s, frame_info *out, size_t max)
{
    size_t n = 0;
    uint32_t nf = s->nframes <= ISO_MAX_FRAMES ? s->nframes : ISO_MAX_FRAMES;
    if (s->pc && n < max)
        out[n++] = (frame_info){s->pc, false, -1, 0};
    for (uint32_t i = 0; i < nf && n < max; i++)
        if (s->frames[i])
            out[n++] = (frame_info){s->frames[i], true, -1, 0};
    for (size_t i = 0; i < n; i++)
    {
        out[i].module = module_of(v, out[i].pc);
        if (out[i].module >= 0)
            out[i].offset = (uintptr_t)(out[i].pc - v->modules[out[i].module].base);
    }
    return n;
}

static void frame_site(const page_view *v, const frame_info *f, vf_site *out)
{
    if (f->module < 0)
    {
        memset(out, 0, sizeof *out);
        return;
    }
    isolate_symbolize_module_offset(v->modules[f->module].path, f->offset, f->is_return, out);
}

/* Appends "; backtrace: #0 fn (file:line) ..." (at most 12 frames). */
static void append_backtrace(char *buf, size_t len, const page_view *v, const frame_info *fr, size_t n)
{
    size_t used = strlen(buf);
    if (n == 0 || used + 16 >= len)
        return;
    used += (size_t)snprintf(buf + used, len - used, "; backtrace:");
    for (size_t i = 0; i < n && i < 12 && used < len; i++)
    {
        vf_site s;
        frame_site(v, &fr[i], &s);
        const char *mod = s.module ? vf_basename(s.module) : NULL;
        if (s.file)
            used += (size_t)snprintf(buf + used, len - used, " #%zu %s (%s:%d)", i, s.function ? s.function : "?",
                                     vf_basename(s.file), s.line);
        else if (mod)
            used += (size_t)snprintf(buf + used, len - used, " #%zu %s (%s+0x%lx)", i, s.function ? s.function : "?",
                                     mod, (unsigned long)s.offset);
        else
            used += (size_t)snprintf(buf + used, len - used, " #%zu 0x%llx", i, (unsigned long long)fr[i].pc);
    }
}

/* The driver frame to name: the first one inside the driver's module, else the first one in any
 * module other than the host library (a driver helper library), else frame 0. */
static const frame_info *pick_site(const page_view *v, const frame_info *fr, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (v->driver >= 0 && fr[i].module == v->driver)
            return &fr[i];
    return n ? &fr[0] : NULL;
}

static vf_finding *new_host_finding(vf_callback cb, const char *owner, const vf_site *site, const char *msg)
{
    vf_finding *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    const vf_rule *rule = vf_rule_find(VF_RULE_HOST_ERROR);
    f->rule = VF_RULE_HOST_ERROR;
    f->severity = VF_SEV_ERROR;
    f->title = rule ? rule->title : NULL;
    f->callback = cb != VF_CB_NONE ? vf_callback_name(cb) : "host";
    f->owner = owner && *owner ? vf_intern(owner) : NULL;
    f->message = strdup(msg);
    if (site)
        f->site = *site;
    f->acquired = f->site;
    f->count = 1;
    return f;
}

static vf_callback sane_cb(int32_t cb)
{
    return cb > VF_CB_NONE && cb < VF_CB_COUNT ? (vf_callback)cb : VF_CB_NONE;
}

static const char *signal_name(int sig)
{
    switch (sig)
    {
    case SIGSEGV:
        return "SIGSEGV";
    case SIGBUS:
        return "SIGBUS";
    case SIGABRT:
        return "SIGABRT";
    case SIGILL:
        return "SIGILL";
    case SIGFPE:
        return "SIGFPE";
    case SIGKILL:
        return "SIGKILL";
    case SIGTERM:
        return "SIGTERM";
    default:
        return "a signal";
    }
}

static void crash_finding(isolate_result *r, const iso_shared *shm, const char *driver_path, int wsig)
{
    page_view v;
    page_view_init(&v, shm, driver_path);
    iso_stack s = shm->crash;
    s.owner[sizeof s.owner - 1] = '\0';
    bool have = s.valid == 1;
    r->signal = have && s.sig > 0 && s.sig < 65 ? s.sig : wsig;
    r->callback = have ? sane_cb(s.cb) : VF_CB_NONE;
    snprintf(r->owner, sizeof r->owner, "%s", have ? s.owner : "");
    frame_info fr[ISO_MAX_FRAMES + 1];
    size_t n = have ? stack_frames(&v, &s, fr, sizeof fr / sizeof fr[0]) : 0;
    const frame_info *at = pick_site(&v, fr, n);
    vf_site site;
    memset(&site, 0, sizeof site);
    if (at)
        frame_site(&v, at, &site);

    char msg[4096];
    size_t used = (size_t)snprintf(msg, sizeof msg, "the driver crashed with %s", signal_name(r->signal));
    if (have && (r->signal == SIGSEGV || r->signal == SIGBUS))
        used += (size_t)snprintf(msg + used, sizeof msg - used, " at 0x%llx", (unsigned long long)s.addr);
    used += (size_t)snprintf(msg + used, sizeof msg - used, " in %s",
                             r->callback != VF_CB_NONE ? vf_callback_name(r->callback) : "host code");
    if (r->owner[0])
        used += (size_t)snprintf(msg + used, sizeof msg - used, " (%s)", r->owner);
    if (site.file)
        used += (size_t)snprintf(msg + used, sizeof msg - used, " at %s:%d", vf_basename(site.file), site.line);
    if (!have)
        snprintf(msg + used, sizeof msg - used, " (no details: the crash handler did not run)");
    append_backtrace(msg, sizeof msg, &v, fr, n);
    r->host = new_host_finding(r->callback, r->owner, &site, msg);
    free(v.modules);
}

static void hang_finding(isolate_result *r, const iso_shared *shm, const char *driver_path, uint64_t timeout_ms,
                         pid_t pid)
{
    page_view v;
    page_view_init(&v, shm, driver_path);
    unsigned n = atomic_load(&shm->nstacks);
    n = n <= ISO_MAX_STACKS ? n : ISO_MAX_STACKS;
    /* The thread to name: the main thread when it is in a driver callback, else any thread in
     * one, else the main thread. */
    const iso_stack *best = NULL;
    int best_score = -1;
    for (unsigned i = 0; i < n; i++)
    {
        const iso_stack *s = &shm->stacks[i];
        if (s->valid != 1)
            continue;
        int score = (sane_cb(s->cb) != VF_CB_NONE ? 2 : 0) + (s->tid == pid ? 1 : 0);
        if (score > best_score)
        {
            best = s;
            best_score = score;
        }
    }
    char msg[4096];
    size_t used = (size_t)snprintf(msg, sizeof msg, "the run did not finish within %llu ms (isolation watchdog)",
                                   (unsigned long long)timeout_ms);
    vf_site site;
    memset(&site, 0, sizeof site);
    if (best)
    {
        iso_stack s = *best;
        s.owner[sizeof s.owner - 1] = '\0';
        r->callback = sane_cb(s.cb);
        snprintf(r->owner, sizeof r->owner, "%s", s.owner);
        frame_info fr[ISO_MAX_FRAMES + 1];
        size_t nf = stack_frames(&v, &s, fr, sizeof fr / sizeof fr[0]);
        const frame_info *at = pick_site(&v, fr, nf);
        if (at)
            frame_site(&v, at, &site);
        used += (size_t)snprintf(msg + used, sizeof msg - used, ": hung in %s",
                                 r->callback != VF_CB_NONE ? vf_callback_name(r->callback) : "host code");
        if (r->owner[0])
            used += (size_t)snprintf(msg + used, sizeof msg - used, " (%s)", r->owner);
        if (site.file)
            used += (size_t)snprintf(msg + used, sizeof msg - used, ", waiting at %s:%d", vf_basename(site.file),
                                     site.line);
        if (s.tid != pid)
            used += (size_t)snprintf(msg + used, sizeof msg - used, " (thread %d)", (int)s.tid);
        append_backtrace(msg, sizeof msg, &v, fr, nf);
    }
    else
        snprintf(msg + used, sizeof msg - used, "; the child did not say where it waits");
    r->host = new_host_finding(r->callback, r->owner, &site, msg);
    free(v.modules);
}

/* ---- parent: the run ------------------------------------------------------------------------------ */

typedef struct rbuf
{
    char *data;
    size_t len, cap;
    bool overflow;
} rbuf;

static void rbuf_read(rbuf *b, int fd, bool *open)
{
    char tmp[65536];
    ssize_t n = read(fd, tmp, sizeof tmp);
    if (n < 0)
    {
        if (errno != EINTR && errno != EAGAIN)
            *open = false;
        return;
    }
    if (n == 0)
    {
        *open = false;
        return;
    }
    if (b->overflow || b->len + (size_t)n > READ_MAX)
    {
        b->overflow = true;
        return;
    }
    if (b->len + (size_t)n > b->cap)
    {
        size_t cap = b->cap ? b->cap : 65536;
        while (cap < b->len + (size_t)n)
            cap *= 2;
        char *d = realloc(b->data, cap);
        if (!d)
        {
            b->overflow = true;
            return;
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, tmp, (size_t)n);
    b->len += (size_t)n;
}

/* Walks the messages; keeps the last 'R' and the last 'P'. Returns false when the stream is
 * malformed (bad header, truncated message, unparseable JSON). */
static bool parse_messages(const rbuf *b, cJSON **result, cJSON **partial)
{
    size_t pos = 0;
    bool ok = !b->overflow;
    while (ok && pos < b->len)
    {
        msg_header h;
        if (b->len - pos < sizeof h)
            return false;
        memcpy(&h, b->data + pos, sizeof h);
        pos += sizeof h;
        if (h.magic[0] != 'N' || h.magic[1] != 'H' || h.len > MSG_MAX || h.len > b->len - pos)
            return false;
        cJSON *obj = cJSON_ParseWithLength(b->data + pos, h.len);
        pos += h.len;
        if (!cJSON_IsObject(obj))
        {
            cJSON_Delete(obj);
            return false;
        }
        cJSON **slot = h.kind == 'R' ? result : h.kind == 'P' ? partial : NULL;
        if (!slot)
        {
            cJSON_Delete(obj);
            return false;
        }
        cJSON_Delete(*slot);
        *slot = obj;
    }
    return ok;
}

int isolate_run(const isolate_options *o, const isolate_job *job, isolate_result *r)
{
    memset(r, 0, sizeof *r);
    uint64_t t0 = now_ns();
    iso_shared *shm = mmap(NULL, sizeof *shm, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shm == MAP_FAILED)
        return -1;
    int data[2], ctl[2];
    if (pipe2(data, O_CLOEXEC) != 0)
    {
        munmap(shm, sizeof *shm);
        return -1;
    }
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ctl) != 0)
    {
        close(data[0]);
        close(data[1]);
        munmap(shm, sizeof *shm);
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
    {
        int e = errno;
        close(data[0]);
        close(data[1]);
        close(ctl[0]);
        close(ctl[1]);
        munmap(shm, sizeof *shm);
        errno = e;
        return -1;
    }
    if (pid == 0)
    {
        close(data[0]);
        close(ctl[0]);
        c_shm = shm;
        child_main(o, job, data[1], ctl[1]);
        _exit(0);
    }
    close(data[1]);
    close(ctl[1]);

    rbuf buf = {0};
    bool data_open = true, exited = false, dump_asked = false, hung = false;
    int wstatus = 0;
    uint64_t deadline = o->timeout_ms ? t0 + o->timeout_ms * 1000000ULL : UINT64_MAX;
    for (;;)
    {
        if (!data_open)
        {
            pid_t w = waitpid(pid, &wstatus, WNOHANG);
            if (w == pid || (w < 0 && errno == ECHILD))
            {
                exited = w == pid;
                break;
            }
        }
        uint64_t now = now_ns();
        if (now >= deadline)
        {
            if (!dump_asked && !atomic_load(&shm->crash_taken))
            {
                hung = true;
                dump_asked = true;
                char c = 'd';
                (void)send(ctl[0], &c, 1, MSG_NOSIGNAL);
                deadline = now + DUMP_GRACE_MS * 1000000ULL;
                continue;
            }
            if (!dump_asked)
            {
                /* A crash handler is at work: give it its own grace. */
                dump_asked = true;
                deadline = now + DUMP_GRACE_MS * 1000000ULL;
                continue;
            }
            kill(pid, SIGKILL);
            while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
                ;
            exited = true;
            break;
        }
        uint64_t left_ms = deadline == UINT64_MAX ? 1000 : (deadline - now + 999999) / 1000000;
        int timeout = data_open ? (int)(left_ms < 1000 ? left_ms : 1000) : (int)(left_ms < 5 ? left_ms : 5);
        if (data_open)
        {
            struct pollfd p = {data[0], POLLIN, 0};
            int pr = poll(&p, 1, timeout);
            if (pr > 0)
                rbuf_read(&buf, data[0], &data_open);
        }
        else
            sleep_ms((unsigned)timeout);
        /* A dump finished: the grace period can end early. */
        if (hung && atomic_load(&shm->dump_done) && deadline != UINT64_MAX)
        {
            uint64_t soon = now_ns() + 50 * 1000000ULL;
            if (soon < deadline)
                deadline = soon;
        }
    }
    /* Whatever is still in the pipe. */
    int fl = fcntl(data[0], F_GETFL);
    fcntl(data[0], F_SETFL, fl | O_NONBLOCK);
    while (data_open)
    {
        size_t before = buf.len;
        rbuf_read(&buf, data[0], &data_open);
        if (buf.len == before && data_open)
            break;
    }
    close(data[0]);
    close(ctl[0]);

    cJSON *result = NULL, *partial = NULL;
    bool readable = parse_messages(&buf, &result, &partial);
    free(buf.data);
    r->duration_ns = now_ns() - t0;

    int wsig = exited && WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0;
    if (atomic_load(&shm->crash_taken) ||
        (!hung && (wsig == SIGSEGV || wsig == SIGBUS || wsig == SIGABRT || wsig == SIGILL || wsig == SIGFPE)))
    {
        r->outcome = ISOLATE_CRASHED;
        crash_finding(r, shm, o->driver_path, wsig);
        cJSON_Delete(result);
        r->result = partial;
    }
    else if (hung)
    {
        r->outcome = ISOLATE_HUNG;
        hang_finding(r, shm, o->driver_path, o->timeout_ms, pid);
        cJSON_Delete(result);
        r->result = partial;
    }
    else if (result && readable && exited && WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0)
    {
        r->outcome = ISOLATE_DONE;
        r->result = result;
        cJSON_Delete(partial);
    }
    else
    {
        r->outcome = ISOLATE_LOST;
        char msg[256];
        if (!readable && buf.len)
            snprintf(msg, sizeof msg, "the child's report was unreadable");
        else if (exited && WIFEXITED(wstatus))
            snprintf(msg, sizeof msg, "the run ended (exit status %d) without a report: the driver ended the process",
                     WEXITSTATUS(wstatus));
        else if (wsig)
            snprintf(msg, sizeof msg, "the run was ended by %s (signal %d) without a report", signal_name(wsig), wsig);
        else
            snprintf(msg, sizeof msg, "the run ended without a report");
        r->host = new_host_finding(VF_CB_NONE, NULL, NULL, msg);
        cJSON_Delete(result);
        r->result = readable ? partial : NULL;
        if (!readable)
            cJSON_Delete(partial);
    }
    munmap(shm, sizeof *shm);
    return 0;
}

void isolate_result_free(isolate_result *r)
{
    cJSON_Delete(r->result);
    isolate_finding_free(r->host);
    memset(r, 0, sizeof *r);
}
