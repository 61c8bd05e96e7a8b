/* The marked text of a parsed page, written by a walk of libxml2's tree in C.
 *
 * The HTML stage reads a page from its "marked text" (pipeline/extract/marked.py): the page's
 * text with a marker and a letter where each element starts and where it ends.  libxslt writes
 * it with a stylesheet (an apply-templates per element); this module writes the same string by
 * walking the tree under an lxml element directly: about 2.5 times faster (reading the scattered
 * nodes is most of what is left), and with no recursion, so any depth is safe.  It is built with
 * the compiled HTML stage (pipeline/compiled.py) against the headers of the installed lxml, whose
 * element object holds the libxml2 node (struct LxmlElement in lxml.etree.h); marked.py uses it
 * only when the lxml it runs with is the one it was built against, and falls back to the
 * stylesheet otherwise.
 *
 * marked_text(element, element_type, mark, letters) -> str or None
 *   element: an lxml element (the walk covers it and what is inside it, not its tail);
 *   element_type: lxml.etree._Element (element must be one: its struct is read);
 *   mark:    the marker, UTF-8 bytes;
 *   letters: a dict {tag (bytes): two-letter bytes (opening, closing)}; any other tag is "Ii".
 * Returns None when the tree holds a node the stylesheet would treat otherwise (an entity
 * reference, an XInclude node): the caller then uses the stylesheet.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>
#include "libxml/tree.h"
#include "lxml-version.h"
#include "lxml.etree.h"

typedef struct {
    char *data;
    size_t size, used;
} Buffer;

static int grow(Buffer *b, size_t more) {
    if (b->used + more <= b->size)
        return 0;
    size_t size = b->size ? b->size : 65536;
    while (size < b->used + more)
        size *= 2;
    char *data = PyMem_Realloc(b->data, size);
    if (data == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    b->data = data;
    b->size = size;
    return 0;
}

static int put(Buffer *b, const char *s, size_t n) {
    if (grow(b, n) < 0)
        return -1;
    memcpy(b->data + b->used, s, n);
    b->used += n;
    return 0;
}

/* The letters of the tags met in one walk: the letters dict, and a cache by name pointer (libxml2
 * keeps element names in the document's dictionary, so equal names are mostly one pointer, and a
 * page has a few dozen of them; the tree does not change during the walk). */
enum { CACHED = 256 };
typedef struct {
    PyObject *dict; /* {tag (bytes): two-letter bytes}, borrowed from the caller */
    const xmlChar *name[CACHED];
    const char *two[CACHED];
} Letters;

/* The two letters (opening, closing) of a tag, or "Ii" for a tag the dict does not hold; NULL with
 * an exception set on an error. */
static const char *letters_of(Letters *letters, const xmlChar *name) {
    size_t slot = (size_t)(((uint64_t)(uintptr_t)name * 0x9E3779B97F4A7C15ull) >> 56); /* Fibonacci hash */
    if (letters->name[slot] == name)
        return letters->two[slot];
    PyObject *key = PyBytes_FromString((const char *)name);
    if (key == NULL)
        return NULL;
    PyObject *value = PyDict_GetItemWithError(letters->dict, key);
    Py_DECREF(key);
    const char *two;
    if (value == NULL) {
        if (PyErr_Occurred())
            return NULL;
        two = "Ii";
    } else if (!PyBytes_Check(value) || PyBytes_GET_SIZE(value) != 2) {
        PyErr_SetString(PyExc_TypeError, "marked_text: each value of letters must be two bytes");
        return NULL;
    } else {
        two = PyBytes_AS_STRING(value); /* lives as long as the caller's dict */
    }
    letters->name[slot] = name;
    letters->two[slot] = two;
    return two;
}

static PyObject *marked_text(PyObject *self, PyObject *args) {
    PyObject *element, *element_type;
    const char *mark;
    Py_ssize_t mark_size;
    Letters letters = {0};
    if (!PyArg_ParseTuple(args, "OOy#O!", &element, &element_type, &mark, &mark_size, &PyDict_Type,
                          &letters.dict))
        return NULL;
    if (!PyType_Check(element_type) || !PyObject_TypeCheck(element, (PyTypeObject *)element_type)) {
        PyErr_SetString(PyExc_TypeError, "marked_text: not an lxml element");
        return NULL;
    }
    xmlNode *top = ((struct LxmlElement *)element)->_c_node;
    if (top == NULL || top->type != XML_ELEMENT_NODE) {
        PyErr_SetString(PyExc_ValueError, "marked_text: the element has no node");
        return NULL;
    }
    Buffer out = {NULL, 0, 0};
    xmlNode *node = top;
    for (;;) {
        const char *two = NULL;
        if (node->type == XML_ELEMENT_NODE) {
            if ((two = letters_of(&letters, node->name)) == NULL)
                goto fail;
            if (put(&out, mark, (size_t)mark_size) < 0 || put(&out, two, 1) < 0)
                goto fail;
            if (node->children != NULL) {
                node = node->children;
                continue;
            }
            if (put(&out, mark, (size_t)mark_size) < 0 || put(&out, two + 1, 1) < 0)
                goto fail;
        } else if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
            const char *content = (const char *)node->content;
            if (content != NULL && put(&out, content, strlen(content)) < 0)
                goto fail;
        } else if (node->type != XML_COMMENT_NODE && node->type != XML_PI_NODE) {
            PyMem_Free(out.data);
            Py_RETURN_NONE; /* a node the stylesheet may read otherwise */
        }
        /* the next node in document order: a next sibling, else close the parents on the way up */
        while (node != top && node->next == NULL) {
            node = node->parent;
            if ((two = letters_of(&letters, node->name)) == NULL)
                goto fail;
            if (put(&out, mark, (size_t)mark_size) < 0 || put(&out, two + 1, 1) < 0)
                goto fail;
        }
        if (node == top)
            break;
        node = node->next;
    }
    PyObject *result = PyUnicode_DecodeUTF8(out.data ? out.data : "", (Py_ssize_t)out.used, "strict");
    PyMem_Free(out.data);
    return result;
fail:
    PyMem_Free(out.data);
    return NULL;
}

static PyMethodDef methods[] = {
    {"marked_text", marked_text, METH_VARARGS,
     "marked_text(element, element_type, mark, letters) -> str or None: the marked text of the tree "
     "under an lxml element (see pipeline/extract/marked.py)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_marked", NULL, -1, methods};

PyMODINIT_FUNC PyInit__marked(void) {
    PyObject *m = PyModule_Create(&module);
    if (m != NULL && PyModule_AddStringConstant(m, "LXML_VERSION", LXML_VERSION_STRING) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
