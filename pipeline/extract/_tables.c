/* The tables of a page's marked text, read in one pass in C.
 *
 * pipeline/extract/pagetables.py reads a page's marked text (pipeline/extract/marked.py: the text
 * with a marker and a letter where each element starts and ends) into tables: where each marker
 * is, how much text of each kind comes before it, the lines with white space collapsed, each
 * element's markers, depth, parent and place among its siblings, and what text each block holds
 * itself.  Done with numpy it takes some forty array operations over the whole text, each a pass
 * of its own; this module does the same in one pass (pagetables.py keeps the numpy way for when
 * this module is not built, and tests/extract/test_pagetables.py checks that both give the same
 * tables on every bundled and development page).
 *
 * read(marked, mark, letter_bits, char_kinds, markers, elements) -> str (the collapsed text)
 *   marked:      the marked text (str);
 *   mark:        the marker's code point;
 *   letter_bits: 128 bytes, what each marker letter says (the bits below);
 *   char_kinds:  bytes, per code point: bit 0 not white space, bit 1 Han, bit 2 punctuation that
 *                votes; code points past its end are its last entry;
 *   markers:     a writable buffer of int64, MARKER_FIELDS rows of (markers + 1) columns;
 *   elements:    a writable buffer of int64, ELEMENT_FIELDS rows of (markers / 2) columns.
 * The rows are named, in order, by the module's MARKER_FIELDS and ELEMENT_FIELDS.  A text that is
 * not well marked (a marker with no letter, a closing marker with nothing open, more or fewer
 * markers than the buffers hold) raises ValueError.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

/* What a marker letter says (pagetables.py builds letter_bits from the same values). */
enum { OPENS = 1, LINE = 2, BLOCK = 4, LINK_OPENS = 32, LINK_CLOSES = 64 };
/* A stand-in for a line break in the collapsed text. */
#define BREAK 0

/* The rows of the markers table: at marker j, counts of what comes before it. */
enum {
    AT,              /* where marker j starts in the marked text */
    BITS,            /* its letter's bits */
    RANK,            /* elements opened up to and with it, minus one */
    TEXT_AT,         /* characters of text (not markers) before it; column `markers`: all */
    NONSPACE_AT,     /* ... of them not white space */
    HAN_AT,          /* ... Han */
    PUNCTUATION_AT,  /* ... punctuation that votes */
    LINK_AT,         /* ... inside a link */
    LINES_BEFORE,    /* line markers before it */
    COLLAPSED_OPEN,  /* characters of the collapsed text before it */
    COLLAPSED_CLOSE, /* ... and after its line break, if it makes one */
    MARKER_ROWS
};
static const char *marker_fields[MARKER_ROWS] = {
    "at", "bits", "rank", "text_at", "nonspace_at", "han_at", "punctuation_at", "link_at", "lines_before",
    "collapsed_open", "collapsed_close"};

/* The rows of the elements table, element k being the k-th opened. */
enum {
    OPEN, CLOSE,  /* its opening and closing marker */
    KIND, LETTER, /* its opening letter's bits, the letter */
    LEVEL,        /* elements around it */
    PARENT,       /* the element around it, -1 for none */
    CHILD,        /* its place among its parent's children (among the elements with none) */
    RAW, LINK, HAN, NONSPACE, PUNCTUATION, /* the text it holds itself, being the innermost block around it */
    CLEANED,      /* the length of that text, joined, once white space is collapsed and trimmed */
    FIRST_TEXT,   /* the number of the first run of that text among the runs with text; INT64_MAX: none */
    ELEMENT_ROWS
};
static const char *element_fields[ELEMENT_ROWS] = {
    "open", "close", "kinds", "letters", "level", "parent", "child", "raw", "link", "han", "nonspace",
    "punctuation", "cleaned", "first_text"};

static PyObject *fail(const char *why) {
    PyErr_Format(PyExc_ValueError, "pipeline.extract._tables.read: %s", why);
    return NULL;
}

static PyObject *read_tables(PyObject *self, PyObject *args) {
    PyObject *marked;
    unsigned int mark;
    Py_buffer bits_buf = {0}, kinds_buf = {0}, markers_buf = {0}, elements_buf = {0};
    if (!PyArg_ParseTuple(args, "UIy*y*w*w*", &marked, &mark, &bits_buf, &kinds_buf, &markers_buf, &elements_buf))
        return NULL;
    PyObject *result = NULL;
    Py_UCS4 *out = NULL;
    int64_t *stack = NULL, *blocks = NULL, *children = NULL;
    unsigned char *spaced = NULL; /* per block: 0 no text yet, 1 text, 2 text then white space */
    const unsigned char *letter_bits = bits_buf.buf, *char_kinds = kinds_buf.buf;
    Py_ssize_t kinds_len = kinds_buf.len;
    Py_ssize_t columns = markers_buf.len / (Py_ssize_t)(MARKER_ROWS * sizeof(int64_t));
    Py_ssize_t markers = columns - 1, n = markers / 2;
    if (bits_buf.len != 128 || kinds_len < 1 || columns < 1
        || markers_buf.len != (Py_ssize_t)(MARKER_ROWS * sizeof(int64_t)) * columns
        || elements_buf.len != (Py_ssize_t)(ELEMENT_ROWS * sizeof(int64_t)) * n) {
        fail("the tables given are not of the sizes the marked text needs");
        goto done;
    }
    int64_t *mk = markers_buf.buf, *el = elements_buf.buf;
#define MK(row, j) mk[(Py_ssize_t)(row) * columns + (j)]
#define EL(row, k) el[(Py_ssize_t)(row) * n + (k)]
/* Column j of the markers table: what comes before offset i (a marker, or the end of the text). */
#define COUNTS_BEFORE(j, i)                      \
    do {                                         \
        MK(AT, j) = (i);                         \
        MK(TEXT_AT, j) = text;                   \
        MK(NONSPACE_AT, j) = nonspace;           \
        MK(HAN_AT, j) = han;                     \
        MK(PUNCTUATION_AT, j) = punctuation;     \
        MK(LINK_AT, j) = link_chars;             \
        MK(LINES_BEFORE, j) = lines;             \
        MK(COLLAPSED_OPEN, j) = kept;            \
    } while (0)
    Py_ssize_t len = PyUnicode_GET_LENGTH(marked);
    int kind = PyUnicode_KIND(marked);
    const void *data = PyUnicode_DATA(marked);
    out = PyMem_Malloc(sizeof(Py_UCS4) * (size_t)(len > 0 ? len : 1));
    stack = PyMem_Malloc(sizeof(int64_t) * (size_t)(n + 1));
    blocks = PyMem_Malloc(sizeof(int64_t) * (size_t)(n + 1));
    children = PyMem_Calloc((size_t)(n + 1), sizeof(int64_t)); /* the last one counts the top-level elements */
    spaced = PyMem_Calloc((size_t)(n + 1), 1);
    if (out == NULL || stack == NULL || blocks == NULL || children == NULL || spaced == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (int row = RAW; row <= CLEANED; row++)
        memset(&EL(row, 0), 0, sizeof(int64_t) * (size_t)n);
    for (Py_ssize_t k = 0; k < n; k++)
        EL(FIRST_TEXT, k) = INT64_MAX;

    int64_t text = 0, nonspace = 0, han = 0, punctuation = 0, link_chars = 0, lines = 0, kept = 0;
    int64_t opened = 0, depth = 0, block_depth = 0, links = 0, run_text = 0, runs_with_text = 0;
    int64_t owner = -1; /* the innermost open block: it holds the text read now */
    int previous_space = 0;
    Py_ssize_t j = 0; /* the next marker's number */
    for (Py_ssize_t i = 0; i < len; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c == mark) {
            if (i + 1 >= len) {
                fail("a marker at the end of the text has no letter");
                goto done;
            }
            Py_UCS4 letter = PyUnicode_READ(kind, data, i + 1);
            if (letter >= 128) {
                fail("a marker is followed by no letter");
                goto done;
            }
            if (j >= markers) {
                fail("the text holds more markers than the tables given");
                goto done;
            }
            unsigned char b = letter_bits[letter];
            COUNTS_BEFORE(j, i);
            MK(BITS, j) = b;
            if (b & LINE) {
                out[kept++] = BREAK;
                previous_space = 0;
                lines++;
            }
            MK(COLLAPSED_CLOSE, j) = kept;
            if (b & BLOCK) { /* a run of text held by one block ends */
                if (run_text > 0) {
                    if (EL(FIRST_TEXT, owner) == INT64_MAX)
                        EL(FIRST_TEXT, owner) = runs_with_text;
                    runs_with_text++;
                }
                run_text = 0;
            }
            if (b & OPENS) {
                if (opened >= n) {
                    fail("the text opens more elements than the tables given");
                    goto done;
                }
                int64_t k = opened++;
                int64_t parent = depth > 0 ? stack[depth - 1] : -1;
                EL(OPEN, k) = j;
                EL(CLOSE, k) = -1;
                EL(KIND, k) = b;
                EL(LETTER, k) = letter;
                EL(LEVEL, k) = depth;
                EL(PARENT, k) = parent;
                EL(CHILD, k) = children[parent >= 0 ? parent : n]++;
                stack[depth++] = k;
                if (b & BLOCK)
                    blocks[block_depth++] = k;
                if (b & LINK_OPENS)
                    links++;
            } else {
                if (depth == 0) {
                    fail("a closing marker closes no element");
                    goto done;
                }
                EL(CLOSE, stack[--depth]) = j;
                if ((b & BLOCK) && block_depth > 0)
                    block_depth--;
                if (b & LINK_CLOSES)
                    links--;
            }
            MK(RANK, j) = opened - 1;
            owner = block_depth > 0 ? blocks[block_depth - 1] : -1;
            j++;
            i++; /* the letter */
            continue;
        }
        unsigned char kinds = char_kinds[(Py_ssize_t)c < kinds_len ? (Py_ssize_t)c : kinds_len - 1];
        int is_nonspace = kinds & 1, is_han = (kinds >> 1) & 1, is_punctuation = (kinds >> 2) & 1;
        text++;
        nonspace += is_nonspace;
        han += is_han;
        punctuation += is_punctuation;
        if (links > 0)
            link_chars++;
        if (owner >= 0) {
            run_text++;
            EL(RAW, owner)++;
            EL(LINK, owner) += links > 0;
            EL(HAN, owner) += is_han;
            EL(NONSPACE, owner) += is_nonspace;
            EL(PUNCTUATION, owner) += is_punctuation;
            if (is_nonspace) { /* a space between two pieces of text is kept, at either end it is not */
                EL(CLEANED, owner) += 1 + (spaced[owner] == 2);
                spaced[owner] = 1;
            } else if (spaced[owner] == 1) {
                spaced[owner] = 2;
            }
        }
        if (is_nonspace) {
            out[kept++] = c;
            previous_space = 0;
        } else if (!previous_space) { /* a run of white space is one space */
            out[kept++] = ' ';
            previous_space = 1;
        }
    }
    if (j != markers || opened != n || depth != 0) {
        fail("the text does not hold the markers of whole elements the tables were made for");
        goto done;
    }
    if (run_text > 0 && EL(FIRST_TEXT, owner) == INT64_MAX)
        EL(FIRST_TEXT, owner) = runs_with_text;
    COUNTS_BEFORE(markers, len);
    MK(BITS, markers) = 0;
    MK(RANK, markers) = opened - 1;
    MK(COLLAPSED_CLOSE, markers) = kept;
    result = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out, kept);
#undef COUNTS_BEFORE
#undef MK
#undef EL
done:
    PyMem_Free(out);
    PyMem_Free(stack);
    PyMem_Free(blocks);
    PyMem_Free(children);
    PyMem_Free(spaced);
    PyBuffer_Release(&bits_buf);
    PyBuffer_Release(&kinds_buf);
    PyBuffer_Release(&markers_buf);
    PyBuffer_Release(&elements_buf);
    return result;
}

static PyMethodDef methods[] = {
    {"read", read_tables, METH_VARARGS,
     "read(marked, mark, letter_bits, char_kinds, markers, elements) -> str: fill the tables of a marked "
     "text (see pipeline/extract/pagetables.py) and return its collapsed text."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_tables", NULL, -1, methods};

static PyObject *names(const char **fields, int count) {
    PyObject *tuple = PyTuple_New(count);
    for (int i = 0; tuple != NULL && i < count; i++) {
        PyObject *name = PyUnicode_FromString(fields[i]);
        if (name == NULL) {
            Py_CLEAR(tuple);
            break;
        }
        PyTuple_SET_ITEM(tuple, i, name);
    }
    return tuple;
}

PyMODINIT_FUNC PyInit__tables(void) {
    PyObject *m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    if (PyModule_AddObject(m, "MARKER_FIELDS", names(marker_fields, MARKER_ROWS)) < 0
        || PyModule_AddObject(m, "ELEMENT_FIELDS", names(element_fields, ELEMENT_ROWS)) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
