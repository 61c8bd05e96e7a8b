/* Counts of character classes over a page's text, in one pass in C.
 *
 * Every decoded page is checked for upstream mojibake (pipeline/extract/mojibake.py), which
 * counts a few classes of characters over the whole page (~100 KB of text, markup included).
 * With numpy that means encoding the text once more, finding its non-ASCII characters and looking
 * up their classes, about a tenth of the HTML stage; this module reads the text where Python
 * keeps it and counts in one pass.  mojibake.py keeps the numpy way for when this module is not
 * built; tests/extract/test_mojibake_counts.py checks that both count the same.
 *
 * counts(text, classes, sample) -> (marker_starts, latin_pairs, cjk, rare_cjk)
 *   text:    the page's text (str);
 *   classes: bytes, the class bits of each BMP code point, then one entry for every astral one;
 *   sample:  cjk and rare_cjk count only the characters before this offset.
 * marker_starts: characters with the MARKER_START bit; latin_pairs: characters with the LATIN
 * bit that follow one; cjk, rare_cjk: characters with the CJK, RARE_CJK bit.  The bits are those
 * of mojibake.py, passed in a tuple: (MARKER_START, LATIN, CJK, RARE_CJK).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

typedef struct {
    Py_ssize_t marker_starts, latin_pairs, cjk, rare;
} Counts;

/* The pass over a text of one character width (a loop per width: the width is not tested per
 * character). */
#define COUNT_LOOP(TYPE)                                                                        \
    static void count_##TYPE(const TYPE *chars, Py_ssize_t len, Py_ssize_t sample,              \
                             const unsigned char *table, const unsigned int bit[4], Counts *n) { \
        int previous_latin = 0;                                                                 \
        for (Py_ssize_t i = 0; i < len; i++) {                                                  \
            Py_UCS4 c = chars[i];                                                               \
            if (c < 0x80) {                                                                     \
                previous_latin = 0;                                                             \
                continue;                                                                       \
            }                                                                                   \
            unsigned char bits = table[c < 0x10000 ? c : 0x10000];                              \
            n->marker_starts += (bits & bit[0]) != 0;                                           \
            int latin = (bits & bit[1]) != 0;                                                   \
            n->latin_pairs += latin && previous_latin;                                          \
            previous_latin = latin;                                                             \
            if (i < sample) {                                                                   \
                n->cjk += (bits & bit[2]) != 0;                                                 \
                n->rare += (bits & bit[3]) != 0;                                                \
            }                                                                                   \
        }                                                                                       \
    }
COUNT_LOOP(Py_UCS1)
COUNT_LOOP(Py_UCS2)
COUNT_LOOP(Py_UCS4)

static PyObject *counts(PyObject *self, PyObject *args) {
    PyObject *text;
    Py_buffer classes = {0};
    Py_ssize_t sample;
    unsigned int bit[4]; /* MARKER_START, LATIN, CJK, RARE_CJK */
    if (!PyArg_ParseTuple(args, "Uy*n(IIII)", &text, &classes, &sample, &bit[0], &bit[1], &bit[2], &bit[3]))
        return NULL;
    if (classes.len != 0x10001) {
        PyBuffer_Release(&classes);
        PyErr_SetString(PyExc_ValueError, "pipeline.extract._chars.counts: classes must have 0x10001 entries");
        return NULL;
    }
    const unsigned char *table = classes.buf;
    Py_ssize_t len = PyUnicode_GET_LENGTH(text);
    const void *data = PyUnicode_DATA(text);
    Counts n = {0, 0, 0, 0};
    switch (PyUnicode_KIND(text)) {
    case PyUnicode_1BYTE_KIND:
        if (!PyUnicode_IS_ASCII(text)) /* no class bit is set for an ASCII character */
            count_Py_UCS1(data, len, sample, table, bit, &n);
        break;
    case PyUnicode_2BYTE_KIND:
        count_Py_UCS2(data, len, sample, table, bit, &n);
        break;
    default:
        count_Py_UCS4(data, len, sample, table, bit, &n);
    }
    PyBuffer_Release(&classes);
    return Py_BuildValue("(nnnn)", n.marker_starts, n.latin_pairs, n.cjk, n.rare);
}

static PyMethodDef methods[] = {
    {"counts", counts, METH_VARARGS,
     "counts(text, classes, sample, bits) -> (marker_starts, latin_pairs, cjk, rare_cjk): class counts over a "
     "page's text (see pipeline/extract/mojibake.py)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_chars", NULL, -1, methods};

PyMODINIT_FUNC PyInit__chars(void) { return PyModule_Create(&module); }
