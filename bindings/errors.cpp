// The C++ exception hierarchy as Python exceptions, translated in this one place:
//
//   fluxon.Error(Exception)
//   ├── fluxon.UserError
//   │   ├── fluxon.ConfigError (also a ValueError: a value the user gave is malformed)
//   │   ├── fluxon.NetworkError
//   │   ├── fluxon.IoError
//   │   └── fluxon.TimeError
//   └── fluxon.InternalError
//
// Every instance carries the error site as attributes file, line, key, node, resource (None
// when not applicable) and detail (the message without the site). The classes take the same
// fields as keywords, so Python code (fluxon.network) raises them exactly like C++ does.
#include <new>

#include <pybind11/pybind11.h>

#include "bindings/bindings.hpp"
#include "engine/base/errors.hpp"

namespace fluxon::py_bindings {
namespace {

struct error_classes {
    py::handle base, user, config, network, io, time, internal;
};

// Handles, deliberately never released: the classes live as long as the interpreter, and a
// static py::object would be destroyed after it.
error_classes& classes() {
    static error_classes c;
    return c;
}

std::string text_or_empty(const py::object& value) {
    return value.is_none() ? std::string() : py::str(value).cast<std::string>();
}

py::object none_if_empty(const std::string& text) { return text.empty() ? py::object(py::none()) : py::str(text); }

void init_error(py::object self, const std::string& detail, const py::object& file, const py::object& line,
                const py::object& key, const py::object& node, const py::object& resource) {
    error_site site;
    site.file = text_or_empty(file);
    site.line = line.is_none() ? 0 : line.cast<int>();
    site.key = text_or_empty(key);
    site.node = text_or_empty(node);
    site.resource = text_or_empty(resource);
    self.attr("file") = none_if_empty(site.file);
    self.attr("line") = site.line > 0 ? py::object(py::int_(site.line)) : py::object(py::none());
    self.attr("key") = none_if_empty(site.key);
    self.attr("node") = none_if_empty(site.node);
    self.attr("resource") = none_if_empty(site.resource);
    self.attr("detail") = py::str(detail);
    py::handle(PyExc_Exception).attr("__init__")(self, format_error(detail, site));
}

py::handle make_class(py::module_& m, const char* name, py::tuple bases, const char* doc) {
    py::dict attrs;
    attrs["__doc__"] = doc;
    const std::string qualified = std::string("fluxon.") + name;
    PyObject* cls = PyErr_NewException(qualified.c_str(), bases.ptr(), attrs.ptr());
    if (!cls) throw py::error_already_set();
    m.add_object(name, py::handle(cls));
    return cls;
}

void define_classes(py::module_& m) {
    auto& c = classes();
    c.base = make_class(m, "Error", py::make_tuple(py::handle(PyExc_Exception)),
                        "Base of every fluxon error; has file, line, key, node, resource and detail.");
    py::object base = py::reinterpret_borrow<py::object>(c.base);
    for (const char* field : {"file", "line", "key", "node", "resource", "detail"}) base.attr(field) = py::none();
    // Not named "__init__": pybind11 would treat it as the constructor of a pybind11 class.
    base.attr("__init__") = py::cpp_function(
        init_error, py::name("init_fields"), py::is_method(base), py::arg("detail") = "", py::kw_only(),
        py::arg("file") = py::none(), py::arg("line") = py::none(), py::arg("key") = py::none(),
        py::arg("node") = py::none(), py::arg("resource") = py::none());
    c.user = make_class(m, "UserError", py::make_tuple(c.base),
                        "Bad input from the user: the run is refused, naming the culprit.");
    c.config = make_class(m, "ConfigError", py::make_tuple(c.user, py::handle(PyExc_ValueError)),
                          "A config file or network description is malformed: unknown key, wrong type, "
                          "bad value.");
    c.network = make_class(m, "NetworkError", py::make_tuple(c.user),
                           "The network is inconsistent: unknown node, shape mismatch, impossible "
                           "connectivity.");
    c.io = make_class(m, "IoError", py::make_tuple(c.user),
                      "A file could not be read or written, or does not hold what was expected.");
    c.time = make_class(m, "TimeError", py::make_tuple(c.user),
                        "A time cannot be represented in the run's time base.");
    c.internal = make_class(m, "InternalError", py::make_tuple(c.base),
                            "A bug in fluxon: an invariant did not hold. Please report it.");
}

void raise_as(py::handle cls, const error& e) {
    const error_site& s = e.site();
    py::object instance = cls(e.detail(), py::arg("file") = none_if_empty(s.file),
                              py::arg("line") = s.line > 0 ? py::object(py::int_(s.line)) : py::object(py::none()),
                              py::arg("key") = none_if_empty(s.key), py::arg("node") = none_if_empty(s.node),
                              py::arg("resource") = none_if_empty(s.resource));
    PyErr_SetObject(cls.ptr(), instance.ptr());
}

void translate(std::exception_ptr p) {
    const auto& c = classes();
    try {
        if (p) std::rethrow_exception(p);
    } catch (const config_error& e) {
        raise_as(c.config, e);
    } catch (const network_error& e) {
        raise_as(c.network, e);
    } catch (const io_error& e) {
        raise_as(c.io, e);
    } catch (const time_error& e) {
        raise_as(c.time, e);
    } catch (const user_error& e) {
        raise_as(c.user, e);
    } catch (const internal_error& e) {
        raise_as(c.internal, e);
    } catch (const error& e) {
        raise_as(c.base, e);
    } catch (const std::bad_alloc&) {
        PyErr_SetString(PyExc_MemoryError,
                        "out of memory: the run needs more memory than this machine has available; make the "
                        "network or the recordings smaller");
    }
}

}  // namespace

void register_errors(py::module_& m) {
    define_classes(m);
    py::register_exception_translator(translate);
}

}  // namespace fluxon::py_bindings
