/*
 * base — the few things every module needs and libc lacks.
 *
 * Owns: allocation that aborts on exhaustion (xmalloc and friends), the diagnostic record
 * and list used for every user-facing error, a growable string builder, a growable vector
 * macro, line/column lookup in source text, a seeded PRNG with independent streams, and
 * whole-file read / atomic write, the small-block pool jansson allocates from, and arenas
 * and slabs for big long-lived memory.
 *
 * Contract: out of memory is not a user error; it prints one line and aborts, so callers
 * never check allocation results. Everything else reports through `struct diag`.
 * Uses libc only (the JSON helpers that need jansson are in doc/doc.h).
 */
#ifndef STEPSCOPE_BASE_H
#define STEPSCOPE_BASE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* 1 when built with AddressSanitizer (gcc or clang), else 0. */
#if defined(__SANITIZE_ADDRESS__)
#define BASE_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BASE_UNDER_ASAN 1
#endif
#endif
#ifndef BASE_UNDER_ASAN
#define BASE_UNDER_ASAN 0
#endif

/* ---- allocation: abort on exhaustion; results owned by the caller ---- */
/* Prints the one out-of-memory line and aborts: what every allocator here does on failure. */
_Noreturn void out_of_memory(size_t size);
void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);
char *xvasprintf(const char *fmt, va_list ap);

/* ---- the small-block pool (pool.c), for jansson: json_set_alloc_funcs(pool_malloc, pool_free)
 * once, before the first JSON value, when pool_init() returns true. pool_init is false (the
 * pool stays off, pool_malloc is malloc) under ASan, valgrind (unless STEPSCOPE_POOL=1) or
 * STEPSCOPE_POOL=0. Blocks are 8-byte aligned; pool_free takes pool and malloc blocks
 * alike. ---- */
bool pool_init(void);
bool pool_enabled(void);
void *pool_malloc(size_t size);
void pool_free(void *p);
/* Bytes of the pool's stretch handed out as spans so far (never more than the stretch). */
size_t pool_reserved(void);
/* Hands the calling thread's free blocks and span tails to the other threads; a thread that
 * allocated from the pool calls it before it ends (else they are lost until exit). */
void pool_thread_exit(void);
/* The same hand-over by a thread that goes on: one that frees blocks another thread made
 * calls it now and then (the history importer, after each import), else those pile up on its
 * lists while the maker cuts new spans. */
void pool_share(void);

/* ---- big, long-lived memory in transparent huge pages (arena.c) ----
 * An arena hands out blocks cut one after the other from stretches mapped 2 MiB-aligned and
 * advised into huge pages (one page fault per 2 MiB instead of per 4 KiB: a third of a large
 * simulation's time); they all live until arena_fini. A slab hands out objects of one size
 * from an arena and reuses freed ones. Both are plain data: zero-initialise them (or
 * slab_init) and call *_fini once. Under ASan or valgrind (mem_checked) blocks and objects are
 * plain malloc blocks, so those tools see each one. */
struct arena {
	char *next, *end, *populated; /* the current stretch: free part, pages made present */
	struct arena_map *maps;	      /* every stretch, to unmap or free */
	struct arena_map *spare;      /* the next stretch, mapped early (see arena.c) */
	size_t mapped;		      /* size of the last mapping (they double) */
	size_t total;		      /* bytes of every stretch so far */
	size_t expect_left;	      /* of the last arena_expect: not cut yet */
};
/* `size` bytes, zero-filled, 64-byte aligned (a cache line); owned by the arena (freed by
 * arena_fini only). */
void *arena_alloc(struct arena *a, size_t size);
void arena_fini(struct arena *a);
/* Advice: about `size` more bytes will be cut from a soon (a Map about to start its many
 * iterations at once): their pages are asked for now (with the prefault thread), not a lead's
 * length at a time as the cursor gets there. */
void arena_expect(struct arena *a, size_t size);

struct slab {
	struct arena arena;
	size_t size;	       /* of each object */
	void *free;	       /* freed objects, linked through their first word */
	struct slab_obj *live; /* under a memory checker: the objects held */
};
void slab_init(struct slab *s, size_t size);
/* A zero-filled object of the slab's size, 8-byte aligned; owned by the slab: give it back
 * with slab_free (NULL: no-op) or let slab_fini free it with every other. */
void *slab_alloc(struct slab *s);
void slab_free(struct slab *s, void *p);
/* Advice: about n objects will be taken soon (arena_expect). */
void slab_expect(struct slab *s, size_t n);
void slab_fini(struct slab *s);

/*
 * A growing array of a few MB (the log's recipes, the queue's buckets) in huge pages too: a
 * block of new_size bytes holding the first bytes of p (taken; NULL with old_size 0). The
 * sizes must be exactly the block's sizes so far: from 1 MiB up it is mapped, not malloc'd.
 * Free it with big_free and its size (NULL: no-op).
 */
void *big_realloc(void *p, size_t old_size, size_t new_size);
void big_free(void *p, size_t size);

/* Makes the pages of [from, to) (page-aligned from; mapped, writable) present now, on this
 * thread (MADV_POPULATE_WRITE). Advice only; errno is kept. */
void mem_populate(void *from, void *to);
/* Makes the pages of [from, to) (page-aligned from; mapped, writable) present soon: on the
 * prefault thread when another CPU can run it (prefault.c), else now. Advice only. Memory
 * handed to it must go through mem_prefault_forget before it is unmapped, moved or freed. */
void mem_prefault(void *from, void *to);
/* Returns once no population of [from, to) runs or waits (borrowed range). */
void mem_prefault_forget(void *from, void *to);
/* Returns once every page asked for so far is present (tests and measurements). */
void mem_prefault_drain(void);
/* Whether mem_prefault works on its own thread (so asking for pages ahead costs the caller
 * nothing). */
bool mem_prefault_async(void);
/* True under AddressSanitizer, or valgrind unless STEPSCOPE_POOL=1 (callgrind then measures
 * the real thing): the pool, arenas and slabs then use plain malloc, so the tool sees every
 * block. */
bool mem_checked(void);
/* Whether arenas and the pool ask for transparent huge pages: yes, unless the system hands
 * free 2 MiB blocks back to a hypervisor (free page reporting), where a huge page costs more
 * than it saves; STEPSCOPE_HUGEPAGES=1 or 0 decides instead. */
bool mem_huge_pages(void);
/* True under AddressSanitizer or valgrind whatever STEPSCOPE_POOL says: commands then free
 * everything before they exit, so that leak checks stay exact. */
bool mem_tool(void);

/* ---- growable vector: struct { T *items; size_t len, cap; } ---- */
#define VEC(T)                                                                                     \
	struct {                                                                                   \
		T *items;                                                                          \
		size_t len, cap;                                                                   \
	}
#define VEC_PUSH(v, x)                                                                             \
	do {                                                                                       \
		if ((v).len == (v).cap) {                                                          \
			(v).cap = (v).cap ? (v).cap * 2 : 8;                                       \
			(v).items = xrealloc((v).items, (v).cap * sizeof(*(v).items));             \
		}                                                                                  \
		(v).items[(v).len++] = (x);                                                        \
	} while (0)
#define VEC_FREE(v)                                                                                \
	do {                                                                                       \
		free((v).items);                                                                   \
		(v).items = NULL;                                                                  \
		(v).len = (v).cap = 0;                                                             \
	} while (0)

/* ---- string builder ---- */
struct strbuf {
	char *data; /* always NUL-terminated once anything was added */
	size_t len, cap;
};
void sb_init(struct strbuf *sb);
void sb_fini(struct strbuf *sb);
void sb_add(struct strbuf *sb, const char *s);
void sb_addn(struct strbuf *sb, const char *s, size_t n);
void sb_addc(struct strbuf *sb, char c);
/* Appends code point cp (below 0x110000) as UTF-8 (utf8_encode). */
void sb_add_utf8(struct strbuf *sb, uint32_t cp);
void sb_addf(struct strbuf *sb, const char *fmt, ...) PRINTF_LIKE(2, 3);
void sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
void sb_clear(struct strbuf *sb);
/* Room for `extra` more bytes and the NUL without changing len: returns data + len (borrowed
 * until the next change), where a caller writing bytes itself puts them before raising len. */
char *sb_reserve(struct strbuf *sb, size_t extra);
/* Returns the buffer (owned by the caller, never NULL) and leaves sb empty. */
char *sb_take(struct strbuf *sb);
/* The contents, "" when empty; borrowed until the next change. */
const char *sb_str(const struct strbuf *sb);

/* ---- JSON pointers (RFC 6901) ---- */
/* Appends "/" + token to sb, escaping ~ as ~0 and / as ~1. */
void sb_add_pointer_token(struct strbuf *sb, const char *token);
/* `base` (NULL = "") + "/" + escaped token; owned by the caller. */
char *pointer_join(const char *base, const char *token);

/* ---- diagnostics ---- */
enum diag_severity { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE };

/*
 * One user-facing problem. All strings are owned by the diag. line and column are 1-based;
 * 0 means unknown (then the JSON pointer, if any, locates the problem).
 */
struct diag {
	enum diag_severity severity;
	char *code;    /* short stable id, e.g. "unknown-next"; may be NULL */
	char *message; /* one line, no trailing period needed */
	char *file;    /* may be NULL */
	int line, column;
	char *pointer; /* RFC 6901 JSON pointer into the document; may be NULL */
};

struct diags {
	VEC(struct diag) list;
	size_t errors, warnings;
};

void diags_init(struct diags *d);
void diags_fini(struct diags *d);
/* Appends a diag; every string argument is copied (file, code, pointer may be NULL). */
struct diag *diags_add(struct diags *d, enum diag_severity sev, const char *code, const char *file,
		       int line, int column, const char *pointer, const char *fmt, ...)
    PRINTF_LIKE(8, 9);
struct diag *diags_vadd(struct diags *d, enum diag_severity sev, const char *code, const char *file,
			int line, int column, const char *pointer, const char *fmt, va_list ap);
/* Moves every diag of src to the end of dst; src is left empty. */
void diags_move(struct diags *dst, struct diags *src);
/* Sorts by (file, line, column) keeping insertion order for ties: stable output. */
void diags_sort(struct diags *d);

/*
 * Prints `file:line:col: error: message [code]`; when source text is given (borrowed) and the
 * line is known, also the source line and a caret under the column. Tabs are kept so the
 * caret lines up.
 */
void diag_print(FILE *out, const struct diag *dg, const char *source, size_t source_len);
void diags_print(FILE *out, const struct diags *d, const char *source, size_t source_len);
/* The same, reading the source line of each diag from the file it names (once per file). */
void diags_print_files(FILE *out, const struct diags *d);

/* ---- positions in text ---- */
/* 1-based line and column (in bytes) of byte offset `off` within text. */
void text_position(const char *text, size_t len, size_t off, int *line, int *column);
/* Start of 1-based line `line` and its length without the newline; false if out of range. */
bool text_line(const char *text, size_t len, int line, const char **start, size_t *line_len);

/* ---- files ---- */
/*
 * Reads a whole file (path "-" = stdin) into a NUL-terminated buffer owned by the caller.
 * On failure returns NULL, fills *err with a message owned by the caller.
 */
char *file_read_all(const char *path, size_t *len, char **err);
/* The same, a failure an error in d (code "read", located at path). */
char *file_read_diag(const char *path, size_t *len, struct diags *d);
/*
 * Writes data to path atomically: a temporary file in the same folder, fsync, rename. On any
 * failure the previous file is untouched and *err (owned by the caller) says why.
 */
bool file_write_atomic(const char *path, const void *data, size_t len, char **err);
/*
 * The same, streamed: file_atomic_open starts the file (an unnamed one in path's folder where
 * the file system allows, so that a killed process leaves nothing), file_atomic_write appends,
 * file_atomic_ready syncs it and gives it a temporary name beside path, file_atomic_commit
 * (ready if not yet) renames it over path. Commit and abort free f (taken); abort removes the
 * temporary file (NULL: no-op). Failures return NULL/false with *err (owned by the caller);
 * after a failed write the caller still commits or aborts. Descriptors are close-on-exec.
 */
struct file_atomic;
struct file_atomic *file_atomic_open(const char *path, char **err);
bool file_atomic_write(struct file_atomic *f, const void *data, size_t len, char **err);
bool file_atomic_ready(struct file_atomic *f, char **err);
bool file_atomic_commit(struct file_atomic *f, char **err);
void file_atomic_abort(struct file_atomic *f);
/* True when both paths name the same existing file (same device and inode). */
bool file_same(const char *a, const char *b);
/* The installed data folder (assets, lessons): $STEPSCOPE_DATADIR when set and not empty, else
 * where `make install` put it; NULL when neither. Borrowed. */
const char *file_data_dir(void);

/* ---- deterministic randomness ---- */
/*
 * xoshiro256** seeded through splitmix64. Streams derived with rng_split(parent, "purpose")
 * are independent of each other, so a new consumer does not reshuffle existing ones.
 */
struct rng {
	uint64_t s[4];
};
void rng_seed(struct rng *r, uint64_t seed);
void rng_split(struct rng *child, const struct rng *parent, const char *purpose);
uint64_t rng_next(struct rng *r);
/* Uniform in [0, 1). */
double rng_double(struct rng *r);
/* Uniform in [0, bound); bound > 0. */
uint64_t rng_below(struct rng *r, uint64_t bound);

/* ---- time ---- */
/* An instant: whole seconds since 1970-01-01T00:00:00Z and nanoseconds (0..999,999,999). */
struct instant {
	int64_t sec;
	int32_t nsec;
};
enum time_parse_flags {
	/* RFC 3339 as AWS checks it (Wait Timestamp, Choice Timestamp*): YYYY-MM-DDTHH:MM:SS,
	 * an optional fraction of 1+ digits (nanoseconds kept), then Z or +HH:MM / -HH:MM.
	 * Uppercase T and Z only. This is the default (0). */
	TIME_STRICT = 0,
	TIME_LOWERCASE = 1, /* also t and z, which RFC 3339 section 5.6 allows */
	/* What exported histories contain: also a space for T, a comma for the point, leap
	 * second 60, offsets +HHMM / +HH, and no zone at all (taken as UTC). */
	TIME_LENIENT = 2,
};
/* Parses the whole string; false when it is not a valid date-time of that syntax. */
bool time_parse(const char *s, unsigned flags, struct instant *out);
/* Milliseconds since the epoch, rounded down. */
int64_t instant_ms(struct instant t);
/* The monotonic clock in milliseconds, fractions kept: for measuring real time, never dates. */
double mono_ms(void);
/* Days since 1970-01-01 of a proleptic Gregorian date, and back (H. Hinnant's algorithms). */
int64_t time_days_from_civil(int64_t y, int m, int d);
void time_civil_from_days(int64_t days, int64_t *y, int *m, int *d);

/* ---- small helpers ---- */
/* Writes code point cp (below 0x110000) as UTF-8 to out; returns the bytes written (1 to 4).
 * Surrogates are encoded like any other code point (the caller decides whether to allow them). */
size_t utf8_encode(uint32_t cp, char out[4]);
bool str_ends_with(const char *s, const char *suffix);
/* Levenshtein distance capped at `cap` (returns cap+1 beyond), for "did you mean". */
size_t str_distance(const char *a, const char *b, size_t cap);
/* Best match for `word` among `count` candidates within a sane distance, or NULL. */
const char *str_suggest(const char *word, const char *const *candidates, size_t count);

#endif
