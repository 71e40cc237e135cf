/* Symbolization of driver code addresses with elfutils' libdwfl: module, file, line, function.
 *
 * Drivers are dlopen'ed after the first lookup and may be unloaded and reloaded at another (or the
 * same) address, so the process's module list is re-read whenever an address falls in no known
 * module or in a module other than the one dladdr() reports for it; cached answers are tagged with
 * the module they came from and dropped when that changes. One mutex serializes everything:
 * libdwfl is not thread-safe. */
#include "verifier/vf_internal.h"

#include "kernel/exec/exec.h"

#include <dlfcn.h>
#include <dwarf.h>
#include <elfutils/libdwfl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static exec_mutex sym_lock = EXEC_MUTEX_INIT;

/* ---- interned strings (live until exit) ------------------------------------------------------ */

static exec_mutex intern_lock = EXEC_MUTEX_INIT;
static char **interned;
static size_t interned_size, interned_count; /* open addressing, power of two */

static uint64_t hash_str(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++)
    {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    return h;
}

const char *vf_intern(const char *s)
{
    if (!s)
        return NULL;
    exec_mutex_lock(&intern_lock);
    if ((interned_count + 1) * 2 > interned_size)
    {
        size_t n = interned_size ? interned_size * 2 : 256;
        char **t = calloc(n, sizeof *t);
        if (!t)
        {
            exec_mutex_unlock(&intern_lock);
            return "?";
        }
        for (size_t i = 0; i < interned_size; i++)
        {
            if (!interned[i])
                continue;
            size_t j = hash_str(interned[i]) & (n - 1);
            while (t[j])
                j = (j + 1) & (n - 1);
            t[j] = interned[i];
        }
        free(interned);
        interned = t;
        interned_size = n;
    }
    size_t j = hash_str(s) & (interned_size - 1);
    while (interned[j] && strcmp(interned[j], s) != 0)
        j = (j + 1) & (interned_size - 1);
    if (!interned[j])
    {
        char *copy = strdup(s);
        if (!copy)
        {
            exec_mutex_unlock(&intern_lock);
            return "?";
        }
        interned[j] = copy;
        interned_count++;
    }
    const char *out = interned[j];
    exec_mutex_unlock(&intern_lock);
    return out;
}

/* ---- libdwfl session -------------------------------------------------------------------------- */

static char *debuginfo_path;
static const Dwfl_Callbacks dwfl_callbacks = {
    .find_elf = dwfl_linux_proc_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .debuginfo_path = &debuginfo_path,
};
static Dwfl *dwfl;

/* Lock held. (Re)reads /proc/self/maps into the session. */
static void report_modules(void)
{
    if (!dwfl)
    {
        dwfl = dwfl_begin(&dwfl_callbacks);
        if (!dwfl)
            return;
    }
    dwfl_report_begin(dwfl);
    dwfl_linux_proc_report(dwfl, getpid());
    dwfl_report_end(dwfl, NULL, NULL);
}

/* ---- cache ------------------------------------------------------------------------------------- */

typedef struct cache_entry
{
    uintptr_t pc;
    const void *module_base; /* dladdr's dli_fbase when the entry was made */
    const char *module_key;  /* interned dladdr dli_fname */
    vf_site site;
    bool entry; /* pc is the first instruction of a function */
    struct cache_entry *next;
} cache_entry;

#define CACHE_BUCKETS 4096
static cache_entry *cache[CACHE_BUCKETS];

static size_t cache_slot(uintptr_t pc)
{
    return (size_t)((pc >> 2) ^ (pc >> 14)) & (CACHE_BUCKETS - 1);
}

static void set_file(vf_site *out, const char *file, const char *comp_dir)
{
    if (file && file[0] != '/' && comp_dir)
    {
        char *full = NULL;
        if (asprintf(&full, "%s/%s", comp_dir, file) >= 0)
        {
            out->file = vf_intern(full);
            free(full);
            return;
        }
    }
    out->file = vf_intern(file);
}

/* libdw before 0.191 finds a CU by address only through .debug_aranges, which Clang does not emit
 * by default; walk the CUs' own address ranges instead. Lock held. */
static void lookup_cu_scan(Dwfl_Module *mod, uintptr_t pc, vf_site *out)
{
    Dwarf_Addr bias = 0;
    for (Dwarf_Die *cu = dwfl_module_nextcu(mod, NULL, &bias); cu; cu = dwfl_module_nextcu(mod, cu, &bias))
    {
        if (dwarf_haspc(cu, pc - bias) <= 0)
            continue;
        Dwarf_Line *line = dwarf_getsrc_die(cu, pc - bias);
        if (!line)
            continue;
        int lineno = 0;
        dwarf_lineno(line, &lineno);
        Dwarf_Attribute attr;
        const char *comp_dir = dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir, &attr));
        set_file(out, dwarf_linesrc(line, NULL, NULL), comp_dir);
        out->line = lineno;
        return;
    }
}

/* Lock held. */
static void lookup_dwfl(uintptr_t pc, const char *dl_name, const void *dl_base, vf_site *out, bool *entry)
{
    memset(out, 0, sizeof *out);
    if (!dwfl)
        report_modules();
    if (!dwfl)
    {
        out->module = dl_name;
        if (dl_base)
            out->offset = pc - (uintptr_t)dl_base;
        return;
    }
    Dwfl_Module *mod = dwfl_addrmodule(dwfl, pc);
    const char *mainfile = NULL;
    if (mod)
        dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, &mainfile, NULL);
    /* Unknown address, or the module here is not the one the dynamic linker has at this address
     * now: the mappings changed since the last report (dlopen, dlclose, reload). */
    if (!mod || (dl_name && mainfile && strcmp(vf_basename(mainfile), vf_basename(dl_name)) != 0))
    {
        report_modules();
        mod = dwfl_addrmodule(dwfl, pc);
        mainfile = NULL;
        if (mod)
            dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, &mainfile, NULL);
    }
    if (!mod)
    {
        out->module = dl_name;
        if (dl_base)
            out->offset = pc - (uintptr_t)dl_base;
        return;
    }
    const char *modname = dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    out->module = vf_intern(mainfile ? mainfile : (modname ? modname : dl_name));

    GElf_Addr bias = 0;
    if (dwfl_module_getelf(mod, &bias))
        out->offset = pc - (uintptr_t)bias;

    GElf_Off sym_off = 1;
    GElf_Sym sym;
    const char *fn = dwfl_module_addrinfo(mod, pc, &sym_off, &sym, NULL, NULL, NULL);
    *entry = fn && sym_off == 0 && GELF_ST_TYPE(sym.st_info) == STT_FUNC;
    out->function = vf_intern(fn);

    Dwfl_Line *line = dwfl_module_getsrc(mod, pc);
    if (!line)
    {
        lookup_cu_scan(mod, pc, out);
        return;
    }
    {
        int lineno = 0;
        const char *file = dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL);
        set_file(out, file, dwfl_line_comp_dir(line));
        out->line = lineno;
    }
}

static void lookup(const void *pc, vf_site *out, bool *entry)
{
    memset(out, 0, sizeof *out);
    *entry = false;
    if (!pc)
        return;
    uintptr_t addr = (uintptr_t)pc;
    Dl_info info;
    const void *base = NULL;
    const char *dl_name = NULL;
    if (dladdr(pc, &info) && info.dli_fname)
    {
        base = info.dli_fbase;
        dl_name = vf_intern(info.dli_fname);
    }

    exec_mutex_lock(&sym_lock);
    size_t slot = cache_slot(addr);
    cache_entry **pp = &cache[slot];
    while (*pp)
    {
        cache_entry *e = *pp;
        if (e->pc == addr)
        {
            if (e->module_base == base && e->module_key == dl_name)
            {
                *out = e->site;
                *entry = e->entry;
                exec_mutex_unlock(&sym_lock);
                return;
            }
            *pp = e->next; /* stale: another module lives here now */
            free(e);
            continue;
        }
        pp = &e->next;
    }
    lookup_dwfl(addr, dl_name, base, out, entry);
    cache_entry *e = malloc(sizeof *e);
    if (e)
    {
        e->pc = addr;
        e->module_base = base;
        e->module_key = dl_name;
        e->site = *out;
        e->entry = *entry;
        e->next = cache[slot];
        cache[slot] = e;
    }
    exec_mutex_unlock(&sym_lock);
}

void vf_symbolize(const void *pc, vf_site *out)
{
    bool entry;
    lookup(pc, out, &entry);
}

void vf_symbolize_return(const void *ret, vf_site *out)
{
    bool entry;
    lookup(ret, out, &entry);
    /* Callers sometimes name a driver function itself (the callback that misbehaved): a function's
     * first instruction is never a return address, so it is resolved as it is. */
    if (!ret || entry)
        return;
    lookup((const char *)ret - 1, out, &entry);
    if (out->offset)
        out->offset += 1;
}
