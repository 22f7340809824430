/*
 * grammar._kernels.walk_blocks: the blocked random walk of grammar.walks.blocks,
 * draw for draw (see _kernels.c for the contract).
 */
#include "_kernels.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* numpy's bitgen_t (numpy/random/bitgen.h), the interface of its bit generators. */
typedef struct {
    void *state;
    uint64_t (*next_uint64)(void *st);
    uint32_t (*next_uint32)(void *st);
    double (*next_double)(void *st);
    uint64_t (*next_raw)(void *st);
} bitgen_t;

/* The alias tables of a Blocks object, as raw arrays. */
typedef struct {
    const int64_t *offsets, *sizes, *lengths, *ends, *alias;
    const double *cut;
    const uint8_t *cells;
    Py_ssize_t n_nodes, n_outcomes, cell_size, m;
} Tables;

/* A growing byte buffer: one walker's cells, or the output. */
typedef struct {
    uint8_t *data;
    Py_ssize_t used, capacity;
} Bytes;

static int
bytes_append(Bytes *b, const void *src, Py_ssize_t size)
{
    if (b->used + size > b->capacity) {
        Py_ssize_t capacity = b->capacity ? 2 * b->capacity : 64;
        while (capacity < b->used + size) {
            capacity *= 2;
        }
        uint8_t *grown = realloc(b->data, capacity);
        if (grown == NULL) {
            return -1;
        }
        b->data = grown;
        b->capacity = capacity;
    }
    memcpy(b->data + b->used, src, size);
    b->used += size;
    return 0;
}

/* One alias draw from node q: the outcome, or -1 when the tables lead out of range. */
static inline Py_ssize_t
draw_outcome(const Tables *t, bitgen_t *rng, int64_t q)
{
    if (q < 0 || q >= t->n_nodes) {
        return -1;
    }
    double u = rng->next_double(rng->state) * (double)t->sizes[q];
    int64_t j = (int64_t)u;
    int64_t pick = t->offsets[q] + j;
    if (pick < 0 || pick >= t->n_outcomes) {
        return -1;
    }
    int64_t outcome = (u - (double)j < t->cut[pick]) ? pick : t->alias[pick];
    return (outcome < 0 || outcome >= t->n_outcomes) ? -1 : outcome;
}

#define WALK_OK 0
#define WALK_TOO_LONG 1
#define WALK_BAD_TABLES 2
#define WALK_NO_MEMORY 3

/* Emit one finished walk: its id, its number of cells and its cells. */
static int
emit(Bytes *ids, Bytes *counts, Bytes *out, int64_t id, const uint8_t *cells,
     int64_t n_cells, Py_ssize_t cell_size)
{
    if (bytes_append(ids, &id, 8) < 0 || bytes_append(counts, &n_cells, 8) < 0
        || bytes_append(out, cells, n_cells * cell_size) < 0) {
        return -1;
    }
    return 0;
}

/*
 * The cells of the walkers still going, as rows of one slab of `capacity` cells each
 * (walker i writes row slot[i]): rows are copied only when the slab grows, or shrinks to
 * a quarter, so a step costs one cell per walker, as in numpy's WalkRows.
 */
typedef struct {
    uint8_t *data;
    Py_ssize_t rows, capacity, cell_size;
    int64_t *slot;
} Slab;

/* Copy the first `used` cells of the rows of the `active` walkers into a fresh slab of
 * `capacity` cells a row, walker i into row i; 0 on success. */
static int
slab_repack(Slab *slab, Py_ssize_t active, Py_ssize_t used, Py_ssize_t capacity)
{
    uint8_t *data = malloc((active ? active : 1) * capacity * slab->cell_size);
    if (data == NULL) {
        return -1;
    }
    for (Py_ssize_t i = 0; i < active; i++) {
        memcpy(data + i * capacity * slab->cell_size,
               slab->data + slab->slot[i] * slab->capacity * slab->cell_size,
               used * slab->cell_size);
        slab->slot[i] = i;
    }
    free(slab->data);
    slab->data = data;
    slab->rows = active;
    slab->capacity = capacity;
    return 0;
}

static inline uint8_t *
slab_row(const Slab *slab, Py_ssize_t i)
{
    return slab->data + slab->slot[i] * slab->capacity * slab->cell_size;
}

static int
walk_all(const Tables *t, bitgen_t *rng, Py_ssize_t n, int64_t lo, int64_t hi,
         int64_t max_walk, Py_ssize_t tail, Bytes *ids, Bytes *counts, Bytes *out,
         Py_ssize_t *tail_start)
{
    const Py_ssize_t cs = t->cell_size;
    int status = WALK_OK;
    Py_ssize_t size = n ? n : 1;
    int64_t *node = calloc(size, sizeof(int64_t));
    int64_t *walker = malloc(size * sizeof(int64_t));
    int64_t *length = malloc(size * sizeof(int64_t));
    Slab slab = {malloc(size * 4 * cs), n, 4, cs, malloc(size * sizeof(int64_t))};
    Bytes row = {0};
    Py_ssize_t active = n, i, step = 0;
    if (node == NULL || walker == NULL || length == NULL || slab.data == NULL
        || slab.slot == NULL) {
        status = WALK_NO_MEMORY;
        goto done;
    }
    for (i = 0; i < n; i++) {
        walker[i] = i;
        slab.slot[i] = i;
    }
    /* All walkers step together, one uniform each in walker order, until few are left. */
    while (active > tail) {
        if (step == slab.capacity && slab_repack(&slab, active, step, 2 * step) < 0) {
            status = WALK_NO_MEMORY;
            goto done;
        }
        for (i = 0; i < active; i++) {
            Py_ssize_t outcome = draw_outcome(t, rng, node[i]);
            if (outcome < 0) {
                status = WALK_BAD_TABLES;
                goto done;
            }
            memcpy(slab_row(&slab, i) + step * cs, t->cells + outcome * cs, cs);
            node[i] = t->ends[outcome];
            length[i] = step * t->m + t->lengths[outcome];
        }
        Py_ssize_t kept = 0;
        for (i = 0; i < active; i++) {
            int stopped = node[i] < 0;
            if (stopped && length[i] >= lo && (hi < 0 || length[i] <= hi)
                && emit(ids, counts, out, walker[i], slab_row(&slab, i), step + 1, cs) < 0) {
                status = WALK_NO_MEMORY;
                goto done;
            }
            if (!stopped && (hi < 0 || length[i] <= hi)) {
                node[kept] = node[i];
                walker[kept] = walker[i];
                slab.slot[kept] = slab.slot[i];
                kept++;
            }
        }
        if (hi < 0 && (step + 1) * t->m > max_walk && kept > 0) {
            status = WALK_TOO_LONG;
            goto done;
        }
        active = kept;
        step++;
        if (active * 4 < slab.rows && slab_repack(&slab, active, step, slab.capacity) < 0) {
            status = WALK_NO_MEMORY;
            goto done;
        }
    }
    /* The last few, one by one in walker order. */
    *tail_start = ids->used / 8;
    for (i = 0; i < active; i++) {
        int64_t q = node[i], at = step;
        row.used = 0;
        if (step > 0 && bytes_append(&row, slab_row(&slab, i), step * cs) < 0) {
            status = WALK_NO_MEMORY;
            goto done;
        }
        for (;;) {
            Py_ssize_t outcome = draw_outcome(t, rng, q);
            if (outcome < 0) {
                status = WALK_BAD_TABLES;
                goto done;
            }
            if (bytes_append(&row, t->cells + outcome * cs, cs) < 0) {
                status = WALK_NO_MEMORY;
                goto done;
            }
            q = t->ends[outcome];
            int64_t here = at * t->m + t->lengths[outcome];
            if (q < 0) {
                if (here >= lo && (hi < 0 || here <= hi)
                    && emit(ids, counts, out, walker[i], row.data, row.used / cs, cs) < 0) {
                    status = WALK_NO_MEMORY;
                    goto done;
                }
                break;
            }
            if (hi >= 0 && here > hi) {
                break;
            }
            if (hi < 0 && (at + 1) * t->m > max_walk) {
                status = WALK_TOO_LONG;
                goto done;
            }
            at++;
        }
    }
done:
    free(row.data);
    free(slab.data);
    free(slab.slot);
    free(node);
    free(walker);
    free(length);
    return status;
}

const char walk_blocks_doc[] =
"walk_blocks(capsule, offsets, sizes, cells, lengths, ends, cut, alias, m, n, lo, hi,\n"
"            max_walk, tail) -> (status, ids, counts, cells, tail_start)\n\n"
"Run `n` blocked random walks drawing from the numpy bit generator in `capsule`.";

PyObject *
walk_blocks(PyObject *self, PyObject *args)
{
    PyObject *capsule, *objects[7];
    Py_ssize_t m, n, lo, hi, max_walk, tail;
    if (!PyArg_ParseTuple(args, "OOOOOOOOnnnnnn:walk_blocks", &capsule, &objects[0],
                          &objects[1], &objects[2], &objects[3], &objects[4], &objects[5],
                          &objects[6], &m, &n, &lo, &hi, &max_walk, &tail)) {
        return NULL;
    }
    bitgen_t *rng = PyCapsule_GetPointer(capsule, "BitGenerator");
    if (rng == NULL) {
        return NULL;
    }
    Py_buffer views[7];
    int held = 0;
    PyObject *result = NULL;
    for (; held < 7; held++) {
        if (PyObject_GetBuffer(objects[held], &views[held], PyBUF_C_CONTIGUOUS) < 0) {
            goto release;
        }
    }
    /* offsets, sizes, cells, lengths, ends, cut, alias */
    Tables t;
    t.offsets = views[0].buf;
    t.sizes = views[1].buf;
    t.cells = views[2].buf;
    t.lengths = views[3].buf;
    t.ends = views[4].buf;
    t.cut = views[5].buf;
    t.alias = views[6].buf;
    t.n_nodes = views[1].len / 8;
    t.n_outcomes = views[3].len / 8;
    t.cell_size = views[2].itemsize;
    t.m = m;
    if (views[0].len != (t.n_nodes + 1) * 8 || views[4].len != t.n_outcomes * 8
        || views[5].len != t.n_outcomes * 8 || views[6].len != t.n_outcomes * 8
        || views[2].len != t.n_outcomes * t.cell_size || (m != 1 && m != 2 && m != 4 && m != 8)
        || n < 0 || tail < 0) {
        PyErr_SetString(PyExc_ValueError, "walk_blocks: the tables do not fit together");
        goto release;
    }
    Bytes ids = {0}, counts = {0}, out = {0};
    Py_ssize_t tail_start = 0;
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = walk_all(&t, rng, n, lo, hi, max_walk, tail, &ids, &counts, &out, &tail_start);
    Py_END_ALLOW_THREADS
    if (status == WALK_NO_MEMORY) {
        PyErr_NoMemory();
    }
    else if (status == WALK_BAD_TABLES) {
        PyErr_SetString(PyExc_ValueError, "walk_blocks: the tables lead out of range");
    }
    else {
        result = Py_BuildValue("(iy#y#y#n)", status, (const char *)ids.data, ids.used,
                               (const char *)counts.data, counts.used,
                               (const char *)out.data, out.used, tail_start);
    }
    free(ids.data);
    free(counts.data);
    free(out.data);
release:
    for (int i = 0; i < held; i++) {
        PyBuffer_Release(&views[i]);
    }
    return result;
}

