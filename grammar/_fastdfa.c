/*
 * grammar._fastdfa: run a byte-level DFA over many words at once.
 *
 * This optional extension is the compiled inner loop of grammar.bulk; the
 * package falls back to numpy when it is not built. It uses only the buffer
 * protocol (no numpy C API), so any bytes-like object works as text, table
 * or output.
 *
 * The automaton is given as
 *   table      C-contiguous int32 buffer of n_rows * 256 entries: the next state
 *              for every state and every byte value. Its last row must be a
 *              rejecting sink, and bytes outside the grammar's alphabet must lead
 *              there (grammar.bulk.byte_table builds such a table).
 *   start      the start state.
 *   accepting  a buffer of n_rows one-byte flags (nonzero = accepting).
 * Every entry of the table is checked to lie in [0, n_rows), and the last row
 * to be a rejecting sink, before the run, so a malformed table raises
 * ValueError instead of reading out of bounds.
 *
 * run_lines and count_lines read newline-separated words from a bytes-like
 * buffer; run_words reads a list of str directly, with no join or encoding.
 *
 * Line rules of run_lines and count_lines:
 *   - each '\n' ends a word, and the state is reset to `start`;
 *   - a final line without '\n' is a word; a trailing '\n' does not open an
 *     extra empty word: b"a\nb\n" and b"a\nb" are both two words, b"" is none,
 *     b"\n" is one empty word;
 *   - when strip_cr is true, a '\r' immediately before a '\n' or at the very
 *     end of the text belongs to the line ending (CRLF files) and is not read
 *     as a symbol; any other '\r' is an ordinary byte.
 *
 * run_lines and count_lines release the GIL, so callers may scan several
 * buffers in threads. run_words holds it, since it reads Python objects.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define N_BYTES 256

/* The buffers of one automaton, acquired together and released together. */
typedef struct {
    Py_buffer table;
    Py_buffer accepting;
    Py_ssize_t n_rows;
    int32_t start;
} Automaton;

static void
automaton_release(Automaton *dfa)
{
    if (dfa->table.obj != NULL) {
        PyBuffer_Release(&dfa->table);
    }
    if (dfa->accepting.obj != NULL) {
        PyBuffer_Release(&dfa->accepting);
    }
}

/* True when a buffer format string describes a native 4-byte signed int. */
static int
is_int32_format(const char *format, Py_ssize_t itemsize)
{
    if (format == NULL || itemsize != 4) {
        return 0;
    }
    if (*format == '@' || *format == '=' || *format == '<') {
        format++;
    }
    return (strcmp(format, "i") == 0 || strcmp(format, "l") == 0);
}

/* Acquire and validate the table and accepting buffers; 0 on success. */
static int
automaton_acquire(Automaton *dfa, PyObject *table, Py_ssize_t start, PyObject *accepting)
{
    memset(dfa, 0, sizeof(*dfa));
    if (PyObject_GetBuffer(table, &dfa->table, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) {
        return -1;
    }
    if (!is_int32_format(dfa->table.format, dfa->table.itemsize)) {
        PyErr_SetString(PyExc_ValueError, "table must be a C-contiguous int32 buffer");
        goto fail;
    }
    if (dfa->table.len == 0 || dfa->table.len % (N_BYTES * 4) != 0) {
        PyErr_SetString(PyExc_ValueError, "table must hold n_rows * 256 int32 entries");
        goto fail;
    }
    dfa->n_rows = dfa->table.len / (N_BYTES * 4);
    if (PyObject_GetBuffer(accepting, &dfa->accepting, PyBUF_C_CONTIGUOUS) < 0) {
        goto fail;
    }
    if (dfa->accepting.len != dfa->n_rows) {
        PyErr_Format(PyExc_ValueError, "accepting has %zd flags for %zd table rows",
                     dfa->accepting.len, dfa->n_rows);
        goto fail;
    }
    if (start < 0 || start >= dfa->n_rows) {
        PyErr_Format(PyExc_ValueError, "start %zd is not a state of a %zd-row table",
                     start, dfa->n_rows);
        goto fail;
    }
    dfa->start = (int32_t)start;
    const int32_t *entries = (const int32_t *)dfa->table.buf;
    Py_ssize_t n_entries = dfa->n_rows * N_BYTES;
    for (Py_ssize_t i = 0; i < n_entries; i++) {
        if (entries[i] < 0 || entries[i] >= dfa->n_rows) {
            PyErr_Format(PyExc_ValueError,
                         "table[%zd, %zd] = %d is not a state of a %zd-row table",
                         i / N_BYTES, i % N_BYTES, (int)entries[i], dfa->n_rows);
            goto fail;
        }
    }
    const int32_t *sink_row = entries + (dfa->n_rows - 1) * N_BYTES;
    for (int c = 0; c < N_BYTES; c++) {
        if (sink_row[c] != dfa->n_rows - 1) {
            PyErr_SetString(PyExc_ValueError, "the last row of table must be a sink");
            goto fail;
        }
    }
    if (((const uint8_t *)dfa->accepting.buf)[dfa->n_rows - 1]) {
        PyErr_SetString(PyExc_ValueError, "the sink (last row of table) must not accept");
        goto fail;
    }
    return 0;
fail:
    automaton_release(dfa);
    return -1;
}

/*
 * The shared loop. It returns the number of words in the text and stores in
 * *accepted how many of them the DFA accepts. When out is not NULL, the flags
 * of the first `capacity` words are written there (1 = accepted).
 */
static Py_ssize_t
scan_lines(const uint8_t *text, Py_ssize_t len, const Automaton *dfa, int strip_cr,
           uint8_t *out, Py_ssize_t capacity, Py_ssize_t *accepted)
{
    const int32_t *table = (const int32_t *)dfa->table.buf;
    const uint8_t *accept = (const uint8_t *)dfa->accepting.buf;
    const uint8_t *p = text;
    const uint8_t *end = text + len;
    const int32_t start = dfa->start;
    int32_t state = start;
    Py_ssize_t words = 0;
    Py_ssize_t n_accepted = 0;

    if (out == NULL) {
        capacity = 0;
    }
    while (p < end) {
        unsigned int c = *p++;
        /* One predictable test keeps line endings off the hot path. */
        if (c <= '\r') {
            if (c == '\n') {
                uint8_t flag = accept[state] != 0;
                if (words < capacity) {
                    out[words] = flag;
                }
                n_accepted += flag;
                words++;
                state = start;
                continue;
            }
            if (c == '\r' && strip_cr && (p == end || *p == '\n')) {
                continue;
            }
        }
        state = table[(size_t)state * N_BYTES + c];
    }
    if (len > 0 && text[len - 1] != '\n') {
        uint8_t flag = accept[state] != 0;
        if (words < capacity) {
            out[words] = flag;
        }
        n_accepted += flag;
        words++;
    }
    *accepted = n_accepted;
    return words;
}

PyDoc_STRVAR(run_lines_doc,
"run_lines(text, table, start, accepting, out, strip_cr=True) -> int\n\n"
"Run the byte DFA over each newline-separated word of `text` and return the\n"
"number of words. The flags of the first len(out) words, 1 for accepted and\n"
"0 for rejected, are written into the writable one-byte buffer `out`.");

static PyObject *
run_lines(PyObject *self, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"text", "table", "start", "accepting", "out", "strip_cr", NULL};
    PyObject *text_obj, *table_obj, *accepting_obj, *out_obj;
    Py_ssize_t start;
    int strip_cr = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOnOO|p:run_lines", keywords, &text_obj,
                                     &table_obj, &start, &accepting_obj, &out_obj, &strip_cr)) {
        return NULL;
    }
    Automaton dfa;
    if (automaton_acquire(&dfa, table_obj, start, accepting_obj) < 0) {
        return NULL;
    }
    Py_buffer text, out;
    if (PyObject_GetBuffer(text_obj, &text, PyBUF_C_CONTIGUOUS) < 0) {
        automaton_release(&dfa);
        return NULL;
    }
    if (PyObject_GetBuffer(out_obj, &out, PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE) < 0) {
        PyBuffer_Release(&text);
        automaton_release(&dfa);
        return NULL;
    }
    Py_ssize_t words, accepted;
    Py_BEGIN_ALLOW_THREADS
    words = scan_lines((const uint8_t *)text.buf, text.len, &dfa, strip_cr, (uint8_t *)out.buf,
                       out.len, &accepted);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&out);
    PyBuffer_Release(&text);
    automaton_release(&dfa);
    return PyLong_FromSsize_t(words);
}

PyDoc_STRVAR(count_lines_doc,
"count_lines(text, table, start, accepting, strip_cr=True) -> (accepted, total)\n\n"
"Count the newline-separated words of `text` and those the byte DFA accepts,\n"
"without per-word output.");

static PyObject *
count_lines(PyObject *self, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"text", "table", "start", "accepting", "strip_cr", NULL};
    PyObject *text_obj, *table_obj, *accepting_obj;
    Py_ssize_t start;
    int strip_cr = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOnO|p:count_lines", keywords, &text_obj,
                                     &table_obj, &start, &accepting_obj, &strip_cr)) {
        return NULL;
    }
    Automaton dfa;
    if (automaton_acquire(&dfa, table_obj, start, accepting_obj) < 0) {
        return NULL;
    }
    Py_buffer text;
    if (PyObject_GetBuffer(text_obj, &text, PyBUF_C_CONTIGUOUS) < 0) {
        automaton_release(&dfa);
        return NULL;
    }
    Py_ssize_t words, accepted;
    Py_BEGIN_ALLOW_THREADS
    words = scan_lines((const uint8_t *)text.buf, text.len, &dfa, strip_cr, NULL, 0, &accepted);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&text);
    automaton_release(&dfa);
    return Py_BuildValue("nn", accepted, words);
}

PyDoc_STRVAR(run_words_doc,
"run_words(words, table, start, accepting, out) -> int\n\n"
"Run the byte DFA over each str of the list or tuple `words`, reading its\n"
"characters as bytes (any character above 255 leads to the sink), and write\n"
"1 (accepted) or 0 per word into the writable one-byte buffer `out`. Stops at\n"
"the first item that is not a str and returns its index; returns len(words)\n"
"when every item is a str. A newline is an ordinary character here.");

static PyObject *
run_words(PyObject *self, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"words", "table", "start", "accepting", "out", NULL};
    PyObject *words_obj, *table_obj, *accepting_obj, *out_obj;
    Py_ssize_t start;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOnOO:run_words", keywords, &words_obj,
                                     &table_obj, &start, &accepting_obj, &out_obj)) {
        return NULL;
    }
    if (!PyList_Check(words_obj) && !PyTuple_Check(words_obj)) {
        PyErr_Format(PyExc_TypeError, "words must be a list or tuple, not %.100s",
                     Py_TYPE(words_obj)->tp_name);
        return NULL;
    }
    Automaton dfa;
    if (automaton_acquire(&dfa, table_obj, start, accepting_obj) < 0) {
        return NULL;
    }
    Py_buffer out;
    if (PyObject_GetBuffer(out_obj, &out, PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE) < 0) {
        automaton_release(&dfa);
        return NULL;
    }
    /* PySequence_Fast returns the list or tuple itself, so nothing is copied. */
    PyObject *sequence = PySequence_Fast(words_obj, "words must be a list or tuple");
    Py_ssize_t n = sequence == NULL ? 0 : PySequence_Fast_GET_SIZE(sequence);
    if (sequence != NULL && out.len < n) {
        PyErr_Format(PyExc_ValueError, "out has room for %zd words, not %zd", out.len, n);
        Py_CLEAR(sequence);
    }
    if (sequence == NULL) {
        PyBuffer_Release(&out);
        automaton_release(&dfa);
        return NULL;
    }
    PyObject **items = PySequence_Fast_ITEMS(sequence);
    const int32_t *table = (const int32_t *)dfa.table.buf;
    const uint8_t *accept = (const uint8_t *)dfa.accepting.buf;
    const int32_t sink = (int32_t)(dfa.n_rows - 1);
    uint8_t *flags = (uint8_t *)out.buf;
    Py_ssize_t i;
    for (i = 0; i < n; i++) {
        PyObject *word = items[i];
        if (!PyUnicode_Check(word)) {
            break;
        }
#if PY_VERSION_HEX < 0x030C0000
        /* Only strings built by the legacy API are not ready; none are in 3.12+. */
        if (PyUnicode_READY(word) < 0) {
            i = -1;
            break;
        }
#endif
        Py_ssize_t length = PyUnicode_GET_LENGTH(word);
        const void *data = PyUnicode_DATA(word);
        int kind = PyUnicode_KIND(word);
        int32_t state = dfa.start;
        if (kind == PyUnicode_1BYTE_KIND) {
            /* Latin-1 storage: the characters are the bytes, the hot path. */
            const uint8_t *p = (const uint8_t *)data;
            for (Py_ssize_t j = 0; j < length; j++) {
                state = table[(size_t)state * N_BYTES + p[j]];
            }
        }
        else {
            for (Py_ssize_t j = 0; j < length && state != sink; j++) {
                Py_UCS4 c = PyUnicode_READ(kind, data, j);
                state = c < N_BYTES ? table[(size_t)state * N_BYTES + c] : sink;
            }
        }
        flags[i] = accept[state] != 0;
    }
    Py_DECREF(sequence);
    PyBuffer_Release(&out);
    automaton_release(&dfa);
    return i < 0 ? NULL : PyLong_FromSsize_t(i);
}

static PyMethodDef fastdfa_methods[] = {
    {"run_lines", (PyCFunction)(void (*)(void))run_lines, METH_VARARGS | METH_KEYWORDS,
     run_lines_doc},
    {"count_lines", (PyCFunction)(void (*)(void))count_lines, METH_VARARGS | METH_KEYWORDS,
     count_lines_doc},
    {"run_words", (PyCFunction)(void (*)(void))run_words, METH_VARARGS | METH_KEYWORDS,
     run_words_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef fastdfa_module = {
    PyModuleDef_HEAD_INIT,
    "grammar._fastdfa",
    "Compiled byte-DFA loops over newline-separated words (see grammar.bulk).",
    -1,
    fastdfa_methods,
};

PyMODINIT_FUNC
PyInit__fastdfa(void)
{
    return PyModule_Create(&fastdfa_module);
}
