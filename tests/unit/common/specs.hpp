#pragma once
// Small builders for experiment descriptions in tests.
#include <string>
#include <utility>
#include <vector>

#include "networks/spec.hpp"

namespace fluxon::test {

inline quantity_input q(const std::string& text) { return {text, {}}; }
inline quantity_input q(double si) { return {si, {}}; }

inline net::population_spec population(std::string name, std::uint32_t size, std::string model,
                                       param_inputs params = {}) {
    net::population_spec p;
    p.name = std::move(name);
    p.size = size;
    p.model = std::move(model);
    p.params = std::move(params);
    return p;
}

// A LIF neuron whose answers the LIF tests compute by hand (both precisions): tau_m 10 ms, rest
// and reset -70 mV, threshold -50 mV, t_ref 2 ms, r_m 100 MOhm.
inline param_inputs lif_params() {
    return {{"tau_m", q("10 ms")}, {"v_rest", q("-70 mV")}, {"v_th", q("-50 mV")}, {"v_reset", q("-70 mV")},
            {"t_ref", q("2 ms")},  {"tau_syn_exc", q("5 ms")}, {"tau_syn_inh", q("10 ms")}, {"r_m", q("100 MOhm")}};
}

inline net::value_spec constant(const std::string& text) {
    net::value_spec v;
    v.a = q(text);
    return v;
}

inline net::projection_spec projection(std::string name, std::string pre, std::string post, std::string receptor,
                                       net::connector_spec::kind kind, const std::string& weight) {
    net::projection_spec p;
    p.name = std::move(name);
    p.pre = std::move(pre);
    p.post = std::move(post);
    p.receptor = std::move(receptor);
    p.connector.k = kind;
    p.weight = constant(weight);
    return p;
}

inline net::population_spec spike_source(std::string name, std::uint32_t size, std::vector<double> times,
                                         std::vector<double> ids) {
    auto p = population(std::move(name), size, "spike_times");
    p.arrays["times"] = std::move(times);
    p.arrays["ids"] = std::move(ids);
    return p;
}

// A current `amplitude` ("0.25 nA") into every neuron of `target` from t = 0 on.
inline net::current_spec step_current(std::string target, const std::string& amplitude) {
    net::current_spec c;
    c.name = "drive";
    c.target = std::move(target);
    c.times = {q("0 ms")};
    c.amplitudes = {q(amplitude)};
    return c;
}

inline net::experiment_spec experiment(const std::string& dt, const std::string& duration) {
    net::experiment_spec e;
    e.run.dt = q(dt);
    e.run.duration = q(duration);
    return e;
}

inline net::probe_spec probe(std::string population, std::string variable, std::vector<std::int64_t> ids = {}) {
    net::probe_spec p;
    p.population = std::move(population);
    p.variable = std::move(variable);
    p.ids = std::move(ids);
    return p;
}

inline net::spike_record_spec record_all(std::string population) {
    net::spike_record_spec r;
    r.population = std::move(population);
    return r;
}

// The Vogels-Abbott CUBA network of Brian2's example, split into E and I populations. Slices
// may be small, so that runs on more threads cut even these small populations.
inline net::experiment_spec cuba(std::uint32_t n, const std::string& duration, int threads, std::uint64_t seed) {
    auto e = experiment("0.1 ms", duration);
    e.run.threads = threads;
    e.run.min_slice = 64;
    e.run.seed = seed;
    const param_inputs params{{"tau_m", q("20 ms")},      {"v_rest", q("-49 mV")},       {"v_th", q("-50 mV")},
                              {"v_reset", q("-60 mV")},   {"t_ref", q("5 ms")},          {"tau_syn_exc", q("5 ms")},
                              {"tau_syn_inh", q("10 ms")}};
    const std::uint32_t ne = n * 4 / 5;
    for (auto [name, size] : {std::pair{"exc", ne}, std::pair{"inh", n - ne}}) {
        auto p = population(name, size, "lif", params);
        net::init_spec init;
        init.variable = "v";
        init.value.k = net::value_spec::kind::uniform;
        init.value.a = q("-60 mV");
        init.value.b = q("-50 mV");
        p.initial.push_back(init);
        e.network.populations.push_back(p);
        e.spikes.push_back(record_all(name));
    }
    const double p_conn = 80.0 / n;
    for (auto [pre, receptor, w] : {std::tuple{"exc", "exc", "1.62 mV"}, std::tuple{"inh", "inh", "-9 mV"}}) {
        for (const char* post : {"exc", "inh"}) {
            auto pr = projection(std::string(pre) + "_" + post, pre, post, receptor,
                                 net::connector_spec::kind::fixed_probability, w);
            pr.connector.p = p_conn;
            e.network.projections.push_back(pr);
        }
    }
    return e;
}

}  // namespace fluxon::test
