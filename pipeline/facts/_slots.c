/* Makers of frozen dataclass records with slots, in C.
 *
 * The fact reader makes a Fact every few dozen characters of text (about 60 on a page dense with
 * figures).  A frozen dataclass's __init__ sets each field through object.__setattr__ (its own
 * __setattr__ refuses), and even records.new_fact, which calls each slot's descriptor, spends
 * about 16,000 machine instructions on one Fact: a twentieth of all the reader does.  A Maker
 * knows where each field's slot lies in the object and fills them directly, as the slot
 * descriptors themselves do, in a few hundred.
 *
 * Maker(cls, names) -> maker
 *   cls:   a class whose instances keep their fields in slots (a dataclass with slots=True) and
 *          that has no __new__ of its own;
 *   names: every slot of the class, in the order of its fields.
 * maker(*values, **by_name) -> an instance of cls with those field values; every field must be
 *   given, by position or by name, once.  Nothing else runs: no __init__, no __post_init__, so
 *   only for records whose __init__ does nothing but set the fields.
 *
 * pipeline/facts/makers.py uses it when it was built with the compiled rules, else
 * records.new_fact; tests/facts/test_makers.py checks that both make what the class makes.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

#define MAX_FIELDS 32

typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    PyTypeObject *cls;
    PyObject *names; /* tuple of str, the fields in order */
    Py_ssize_t n;
    Py_ssize_t offsets[MAX_FIELDS]; /* where each field's slot lies in an instance */
} Maker;

static Py_ssize_t field_index(Maker *self, PyObject *key) {
    for (Py_ssize_t i = 0; i < self->n; i++) /* keyword names are usually the very same objects */
        if (PyTuple_GET_ITEM(self->names, i) == key)
            return i;
    for (Py_ssize_t i = 0; i < self->n; i++) {
        int same = PyObject_RichCompareBool(PyTuple_GET_ITEM(self->names, i), key, Py_EQ);
        if (same < 0)
            return -2;
        if (same)
            return i;
    }
    return -1;
}

static PyObject *maker_call(PyObject *callable, PyObject *const *args, size_t nargsf, PyObject *kwnames) {
    Maker *self = (Maker *)callable;
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    Py_ssize_t nkw = kwnames == NULL ? 0 : PyTuple_GET_SIZE(kwnames);
    PyObject *values[MAX_FIELDS] = {NULL};

    if (nargs > self->n) {
        PyErr_Format(PyExc_TypeError, "%s maker takes %zd arguments, %zd given", self->cls->tp_name, self->n, nargs);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < nargs; i++)
        values[i] = args[i];
    for (Py_ssize_t k = 0; k < nkw; k++) {
        PyObject *key = PyTuple_GET_ITEM(kwnames, k);
        Py_ssize_t at = field_index(self, key);
        if (at == -2)
            return NULL;
        if (at < 0) {
            PyErr_Format(PyExc_TypeError, "%s maker got an unexpected keyword argument %R", self->cls->tp_name, key);
            return NULL;
        }
        if (values[at] != NULL) {
            PyErr_Format(PyExc_TypeError, "%s maker got multiple values for %R", self->cls->tp_name, key);
            return NULL;
        }
        values[at] = args[nargs + k];
    }
    for (Py_ssize_t i = 0; i < self->n; i++) {
        if (values[i] == NULL) {
            PyErr_Format(PyExc_TypeError, "%s maker is missing the field %R", self->cls->tp_name,
                         PyTuple_GET_ITEM(self->names, i));
            return NULL;
        }
    }
    PyObject *obj = self->cls->tp_alloc(self->cls, 0); /* what object.__new__ does: zeroed slots */
    if (obj == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < self->n; i++) {
        Py_INCREF(values[i]);
        *(PyObject **)((char *)obj + self->offsets[i]) = values[i];
    }
    return obj;
}

/* The offset of the writable object slot ``name`` of ``cls`` (a member descriptor in the class's
 * own dict), or -1 with an exception set. */
static Py_ssize_t slot_offset(PyTypeObject *cls, PyObject *name) {
    PyObject *descr = PyUnicode_Check(name) ? PyDict_GetItemWithError(cls->tp_dict, name) : NULL;
    if (descr == NULL || !PyObject_TypeCheck(descr, &PyMemberDescr_Type)) {
        if (!PyErr_Occurred())
            PyErr_Format(PyExc_TypeError, "%R is not a slot of %s", name, cls->tp_name);
        return -1;
    }
    PyMemberDef *member = ((PyMemberDescrObject *)descr)->d_member;
    if (member->type != T_OBJECT_EX || (member->flags & READONLY) || member->offset < (Py_ssize_t)sizeof(PyObject) ||
        member->offset + (Py_ssize_t)sizeof(PyObject *) > cls->tp_basicsize) {
        PyErr_Format(PyExc_TypeError, "slot %R of %s is not a writable object slot", name, cls->tp_name);
        return -1;
    }
    return member->offset;
}

static PyObject *maker_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    PyTypeObject *cls;
    PyObject *names;
    if (kwds != NULL && PyDict_GET_SIZE(kwds) != 0) {
        PyErr_SetString(PyExc_TypeError, "Maker(cls, names) takes no keyword arguments");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "O!O!:Maker", &PyType_Type, &cls, &PyTuple_Type, &names))
        return NULL;
    Py_ssize_t n = PyTuple_GET_SIZE(names);
    if (n > MAX_FIELDS) {
        PyErr_Format(PyExc_ValueError, "a Maker takes at most %d fields, %s has %zd", MAX_FIELDS, cls->tp_name, n);
        return NULL;
    }
    if (cls->tp_new != PyBaseObject_Type.tp_new || cls->tp_alloc == NULL) {
        PyErr_Format(PyExc_TypeError, "%s has a __new__ of its own: a Maker would skip it", cls->tp_name);
        return NULL;
    }
    /* every slot of the class must be set, or an instance would miss a field */
    Py_ssize_t slots = 0, pos = 0;
    PyObject *key, *value;
    while (PyDict_Next(cls->tp_dict, &pos, &key, &value))
        slots += PyObject_TypeCheck(value, &PyMemberDescr_Type);
    Maker *self = (Maker *)type->tp_alloc(type, 0);
    if (self == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t offset = slot_offset(cls, PyTuple_GET_ITEM(names, i));
        if (offset < 0) {
            Py_DECREF(self);
            return NULL;
        }
        for (Py_ssize_t j = 0; j < i; j++) {
            if (self->offsets[j] == offset) {
                Py_DECREF(self);
                PyErr_Format(PyExc_ValueError, "field %R is named twice", PyTuple_GET_ITEM(names, i));
                return NULL;
            }
        }
        self->offsets[i] = offset;
    }
    if (slots != n) {
        Py_DECREF(self);
        PyErr_Format(PyExc_ValueError, "%s has %zd slots, %zd are named", cls->tp_name, slots, n);
        return NULL;
    }
    Py_INCREF(cls);
    Py_INCREF(names);
    self->cls = cls;
    self->names = names;
    self->n = n;
    self->vectorcall = maker_call;
    return (PyObject *)self;
}

static void maker_dealloc(Maker *self) {
    Py_XDECREF(self->cls);
    Py_XDECREF(self->names);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *maker_repr(Maker *self) {
    if (self->cls == NULL)
        return PyUnicode_FromString("Maker()");
    return PyUnicode_FromFormat("Maker(%s, %R)", self->cls->tp_name, self->names);
}

static PyTypeObject MakerType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "pipeline.facts._slots.Maker",
    .tp_basicsize = sizeof(Maker),
    .tp_dealloc = (destructor)maker_dealloc,
    .tp_vectorcall_offset = offsetof(Maker, vectorcall),
    .tp_repr = (reprfunc)maker_repr,
    .tp_call = PyVectorcall_Call,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_doc = "Maker(cls, names): makes instances of a slotted record class from its field values.",
    .tp_new = maker_new,
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_slots", "Makers of slotted records (see _slots.c).", -1,
                                     NULL};

PyMODINIT_FUNC PyInit__slots(void) {
    if (PyType_Ready(&MakerType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    Py_INCREF(&MakerType);
    if (PyModule_AddObject(m, "Maker", (PyObject *)&MakerType) < 0) {
        Py_DECREF(&MakerType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
