/*
 * grammar._kernels: compiled inner loops over code arrays (see grammar.codes).
 *
 * This optional extension speeds up loops whose numpy form pays a Python-level
 * step per symbol; the package computes the same results with numpy when it is
 * not built. It uses only the buffer protocol (no numpy C API).
 *
 * run_codes(table, n_columns, codes, width, start, out)
 *   table      C-contiguous int64 buffer of n_states * n_columns entries: the
 *              code table of a DFA (column 0, the padding code, keeps the state).
 *   codes      C-contiguous buffer of rows * width unsigned codes of 1, 2 or 4
 *              bytes each (0 pads a row after its word).
 *   out        writable int64 buffer of `rows` entries: the state each row ends in.
 * Every code is checked to be below n_columns and every state read from the
 * table to lie in [0, n_states), so a malformed input raises ValueError
 * instead of reading out of bounds. The GIL is released during the loop.
 *
 * walk_blocks(capsule, offsets, sizes, cells, lengths, ends, cut, alias, m, n, lo, hi,
 *             max_walk, tail)
 *   The blocked random walk of grammar.walks.blocks.walk_batch, draw for draw:
 *   the uniforms come from the numpy bit generator in `capsule`
 *   (Generator.bit_generator.capsule, whose lock the caller holds) through its
 *   next_double, in the order numpy's loop draws them, so both give the same
 *   walks. Returns (status, ids, counts, cells, tail_start): the walkers that
 *   finished within [lo, hi] (hi < 0: no bound) in finishing order, the number
 *   of cells of each, their cells end to end, and the index of the first walk
 *   finished one by one (the last `tail` walkers). status 1: a walk passed
 *   max_walk symbols without a bound; 2: the tables lead out of range.
 */
#include "_kernels.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Run every row; 0 on success, -1 (bad code) or -2 (bad state) on failure. */
#define RUN_ROWS(TYPE)                                                                    \
    for (Py_ssize_t r = 0; r < rows; r++) {                                               \
        const TYPE *row = (const TYPE *)codes + r * width;                                \
        int64_t state = start;                                                            \
        for (Py_ssize_t j = 0; j < width; j++) {                                          \
            uint64_t c = row[j];                                                          \
            if (c >= (uint64_t)n_columns) {                                               \
                status = -1;                                                              \
                goto done;                                                                \
            }                                                                             \
            state = table[state * n_columns + (Py_ssize_t)c];                             \
            if (state < 0 || state >= n_states) {                                         \
                status = -2;                                                              \
                goto done;                                                                \
            }                                                                             \
        }                                                                                 \
        out[r] = state;                                                                   \
    }

static int
run_rows(const int64_t *table, Py_ssize_t n_states, Py_ssize_t n_columns, const void *codes,
         Py_ssize_t itemsize, Py_ssize_t rows, Py_ssize_t width, int64_t start, int64_t *out)
{
    int status = 0;
    if (itemsize == 1) {
        RUN_ROWS(uint8_t)
    }
    else if (itemsize == 2) {
        RUN_ROWS(uint16_t)
    }
    else {
        RUN_ROWS(uint32_t)
    }
done:
    return status;
}

const char run_codes_doc[] =
"run_codes(table, n_columns, codes, width, start, out) -> None\n\n"
"Run each row of a code array on a DFA's code table from `start`, writing the\n"
"state each row ends in to the int64 buffer `out` (one entry per row).";

PyObject *
run_codes(PyObject *self, PyObject *args)
{
    PyObject *table_obj, *codes_obj, *out_obj;
    Py_ssize_t n_columns, width, start;
    if (!PyArg_ParseTuple(args, "OnOnnO:run_codes", &table_obj, &n_columns, &codes_obj, &width,
                          &start, &out_obj)) {
        return NULL;
    }
    Py_buffer table = {0}, codes = {0}, out = {0};
    PyObject *result = NULL;
    if (PyObject_GetBuffer(table_obj, &table, PyBUF_C_CONTIGUOUS) < 0) {
        return NULL;
    }
    if (PyObject_GetBuffer(codes_obj, &codes, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) {
        goto release;
    }
    if (PyObject_GetBuffer(out_obj, &out, PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE) < 0) {
        goto release;
    }
    /* Divisions only: no product of the caller's sizes can overflow. */
    if (n_columns <= 0 || table.itemsize != 8 || table.len % 8 != 0
        || (table.len / 8) % n_columns != 0) {
        PyErr_SetString(PyExc_ValueError, "table must hold n_states * n_columns int64 entries");
        goto release;
    }
    Py_ssize_t n_states = table.len / 8 / n_columns;
    Py_ssize_t itemsize = codes.itemsize;
    if (itemsize != 1 && itemsize != 2 && itemsize != 4) {
        PyErr_SetString(PyExc_ValueError, "codes must have 1, 2 or 4 bytes an entry");
        goto release;
    }
    Py_ssize_t entries = codes.len / itemsize;
    if (width < 0 || codes.len % itemsize != 0 || (width == 0 ? entries : entries % width) != 0) {
        PyErr_SetString(PyExc_ValueError, "codes must hold rows * width entries");
        goto release;
    }
    Py_ssize_t rows = width == 0 ? out.len / 8 : entries / width;
    if (out.itemsize != 8 || out.len != rows * 8) {
        PyErr_Format(PyExc_ValueError, "out must hold %zd int64 entries", rows);
        goto release;
    }
    if (start < 0 || start >= n_states) {
        PyErr_Format(PyExc_ValueError, "start %zd is not a state of a %zd-state table", start,
                     n_states);
        goto release;
    }
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = run_rows((const int64_t *)table.buf, n_states, n_columns, codes.buf, itemsize,
                      rows, width, (int64_t)start, (int64_t *)out.buf);
    Py_END_ALLOW_THREADS
    if (status == -1) {
        PyErr_Format(PyExc_ValueError, "a code is not below the table's %zd columns",
                     n_columns);
        goto release;
    }
    if (status == -2) {
        PyErr_Format(PyExc_ValueError, "the table leads outside its %zd states", n_states);
        goto release;
    }
    result = Py_None;
    Py_INCREF(result);
release:
    if (table.obj != NULL) {
        PyBuffer_Release(&table);
    }
    if (codes.obj != NULL) {
        PyBuffer_Release(&codes);
    }
    if (out.obj != NULL) {
        PyBuffer_Release(&out);
    }
    return result;
}

static PyMethodDef kernels_methods[] = {
    {"run_codes", run_codes, METH_VARARGS, run_codes_doc},
    {"walk_blocks", walk_blocks, METH_VARARGS, walk_blocks_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef kernels_module = {
    PyModuleDef_HEAD_INIT, "_kernels",
    "Compiled inner loops over code arrays (optional; numpy computes the same).", -1,
    kernels_methods,
};

PyMODINIT_FUNC
PyInit__kernels(void)
{
    return PyModule_Create(&kernels_module);
}
