// fluxon._core.read_events: the C++ event-file readers (io/event_file.hpp) for
// python/fluxon/events.py, which builds the structured array and does the rest in numpy.
#include <algorithm>

#include <fmt/format.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings/bindings.hpp"
#include "engine/base/errors.hpp"
#include "io/event_file.hpp"

namespace fluxon::py_bindings {
namespace {

// Columns rather than a structured array: each is a plain numpy array the caller stacks.
py::dict read_events(const std::string& path, const std::optional<std::string>& format,
                     const std::optional<std::string>& sensor,
                     const std::optional<std::vector<std::uint32_t>>& size) {
    io::event_read_options options;
    if (format && *format != "raw") {
        options.format = io::parse_format_name(*format);
        if (!options.format)
            throw config_error(fmt::format("unknown event format \"{}\"; expected one of {} or \"raw\"", *format,
                                           io::known_format_names()),
                               {});
    }
    if (sensor) {
        options.sensor = io::parse_sensor_name(*sensor);
        if (!options.sensor)
            throw config_error(fmt::format("unknown sensor \"{}\"; expected \"dvs128\" or \"davis346\"", *sensor), {});
    }
    if (size) {
        if ((size->size() != 2 && size->size() != 3) || std::find(size->begin(), size->end(), 0u) != size->end())
            throw config_error("sensor_size must be (width, height) or (width, height, polarities), each >= 1", {});
        options.size = io::sensor_size{(*size)[0], (*size)[1], size->size() == 3 ? (*size)[2] : 2};
    }
    io::event_recording rec;
    {
        py::gil_scoped_release release;
        rec = io::read_event_file(path, options);
    }
    const auto n = static_cast<py::ssize_t>(rec.events.size());
    py::array_t<std::int64_t> t(n);
    py::array_t<std::uint16_t> x(n), y(n);
    py::array_t<std::uint8_t> p(n);
    auto tv = t.mutable_unchecked<1>();
    auto xv = x.mutable_unchecked<1>();
    auto yv = y.mutable_unchecked<1>();
    auto pv = p.mutable_unchecked<1>();
    for (py::ssize_t i = 0; i < n; ++i) {
        const io::camera_event& e = rec.events[static_cast<std::size_t>(i)];
        tv(i) = e.t;
        xv(i) = e.x;
        yv(i) = e.y;
        pv(i) = e.p;
    }
    py::dict out;
    out["t"] = t;
    out["x"] = x;
    out["y"] = y;
    out["p"] = p;
    out["sensor_size"] = rec.sensor.known()
                             ? py::object(py::make_tuple(rec.sensor.width, rec.sensor.height, rec.sensor.polarities))
                             : py::object(py::none());
    out["format"] = std::string(io::format_name(rec.format));
    out["skipped"] = rec.skipped;
    out["origin"] = rec.origin;
    return out;
}

}  // namespace

void register_events(py::module_& m) {
    m.def("read_events", &read_events, py::arg("path"), py::arg("format") = py::none(), py::arg("sensor") = py::none(),
          py::arg("sensor_size") = py::none(),
          "Reads an event-camera recording (docs/events.md): a dict of columns t (int64 us), x, y (uint16), "
          "p (uint8), sensor_size (W, H, P) or None, format, skipped and origin (us). fluxon.events.read wraps it.");
}

}  // namespace fluxon::py_bindings
