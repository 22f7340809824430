/*
 * grammar._kernels: the functions its source files share (see _kernels.c).
 */
#ifndef GRAMMAR_KERNELS_H
#define GRAMMAR_KERNELS_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

PyObject *run_codes(PyObject *self, PyObject *args);
PyObject *walk_blocks(PyObject *self, PyObject *args);
extern const char run_codes_doc[];
extern const char walk_blocks_doc[];

#endif
