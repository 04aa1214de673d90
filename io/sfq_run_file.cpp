#include "io/sfq_run_file.hpp"

#include <algorithm>

#include "fluxon_version.hpp"
#include "io/run_writer.hpp"

namespace fluxon::io {
namespace {

// HDF5 names cannot hold '/', which separates flattened subcircuit instances ("fa0/x1.q").
std::string dataset_name(std::string wire) {
    std::replace(wire.begin(), wire.end(), '/', '|');
    return wire;
}

void write_traces(const h5::group& g, const std::vector<sfq_trace>& traces) {
    for (const sfq_trace& t : traces) {
        const h5::dataset d = g.write_vector<std::int64_t>(dataset_name(t.name), t.times);
        d.write_attr("wire", t.name);
        d.write_attr("units", "fs");
    }
}

}  // namespace

void write_sfq_run_file(const std::string& path, const fluxon::sfq_circuit& circuit, const sfq_run_result& r) {
    run_layout layout;
    layout.meta = run_metadata{fluxon::version, r.seed, 1'000'000'000'000'000, 0, static_cast<double>(r.end) * 1e-15,
                               1, circuit.text, circuit.origin, "toml"};
    run_writer writer(path, layout);
    writer.progress(static_cast<double>(r.end) * 1e-15);
    writer.write_ledger(r.ledger, r.bias_energy, r.dynamic_energy);
    const h5::group g = writer.create_group("sfq");
    g.write_attr("library", r.library);
    g.write_attr("library_origin", r.library_origin);
    g.write_attr("technology", r.technology);
    g.write_attr("policy", r.policy);
    g.write_attr("jitter", std::int32_t{r.jitter});
    g.write_attr("time_units", "fs");
    g.write_string("library_text", circuit.library.text);
    g.write_scalar("cells", r.cells);
    g.write_scalar("junctions", r.junctions);
    g.write_scalar("events", r.events);
    g.write_scalar("firings", r.firings);
    g.write_scalar<std::int64_t>("end_time", r.end);
    g.write_scalar("energy_dynamic", r.dynamic_energy);
    g.write_scalar("energy_bias", r.bias_energy);
    g.write_scalar("energy_4k", r.chip_energy);
    g.write_scalar("energy_cooling", r.cooling_energy);
    g.write_scalar("energy_wall_plug", r.wall_plug_energy);
    g.write_scalar("cryo_factor", r.cryo_factor);
    write_traces(g.create_group("outputs"), r.outputs);
    write_traces(g.create_group("recorded"), r.recorded);
    const h5::group v = g.create_group("violations");
    const sfq_violation_columns c = columns_of(r.violations);
    v.write_strings("instance", c.instance);
    v.write_strings("cell", c.cell);
    v.write_strings("kind", c.kind);
    v.write_strings("port", c.port);
    v.write_vector<std::int64_t>("time", c.time);
    v.write_strings("other_port", c.other_port);
    v.write_vector<std::int64_t>("other_time", c.other_time);
    const bool failed = r.policy == "error" && !r.violations.empty();
    writer.finish(run_counters{0, 0, 0, static_cast<std::int64_t>(r.events), r.wall_time, 0, {}},
                  failed ? "failed" : "complete", failed ? "timing violation under policy \"error\"" : "");
}

}  // namespace fluxon::io
