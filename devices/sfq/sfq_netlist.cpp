#include "devices/sfq/sfq_netlist.hpp"

#include <fmt/format.h>

namespace fluxon::sfq {
namespace {

error_site at_instance(const netlist& n, std::uint32_t i, const error_site& where = {}) {
    error_site site = where.file.empty() ? n.instances[i].site : where;
    site.node = n.instances[i].name;
    return site;
}

// Iterative DFS colouring; returns a cycle as instance indices (empty when none). Only
// edges between cells whose delay is zero count when `zero_delay_only`.
std::vector<std::uint32_t> find_cycle(const netlist& n, bool zero_delay_only) {
    const std::size_t count = n.instances.size();
    auto delay_of = [&](std::uint32_t i) {
        const instance& inst = n.instances[i];
        return inst.delay ? *inst.delay : inst.type->delay.value;
    };
    std::vector<std::vector<std::uint32_t>> next(count);
    for (const wire& w : n.wires) {
        if (zero_delay_only && (delay_of(w.from.instance) > 0 || delay_of(w.to.instance) > 0)) continue;
        next[w.from.instance].push_back(w.to.instance);
    }
    std::vector<std::uint8_t> colour(count, 0);  // 0 new, 1 on the stack, 2 done
    std::vector<std::uint32_t> parent(count, 0);
    for (std::uint32_t root = 0; root < count; ++root) {
        if (colour[root] != 0) continue;
        std::vector<std::pair<std::uint32_t, std::size_t>> stack{{root, 0}};
        colour[root] = 1;
        while (!stack.empty()) {
            auto& [node, child] = stack.back();
            if (child == next[node].size()) {
                colour[node] = 2;
                stack.pop_back();
                continue;
            }
            const std::uint32_t to = next[node][child++];
            if (colour[to] == 1) {
                std::vector<std::uint32_t> cycle{to};
                for (std::uint32_t at = node; at != to; at = parent[at]) cycle.push_back(at);
                return cycle;
            }
            if (colour[to] == 0) {
                colour[to] = 1;
                parent[to] = node;
                stack.emplace_back(to, 0);
            }
        }
    }
    return {};
}

}  // namespace

std::string input_name(const netlist& n, port_ref p) {
    const instance& i = n.instances[p.instance];
    return fmt::format("{}.{}", i.name, i.type->inputs[p.port]);
}

std::string output_name(const netlist& n, port_ref p) {
    const instance& i = n.instances[p.instance];
    return fmt::format("{}.{}", i.name, i.type->outputs[p.port]);
}

void validate(const netlist& n) {
    std::vector<std::size_t> in_base(n.instances.size() + 1, 0), out_base(n.instances.size() + 1, 0);
    for (std::size_t i = 0; i < n.instances.size(); ++i) {
        in_base[i + 1] = in_base[i] + n.instances[i].type->inputs.size();
        out_base[i + 1] = out_base[i] + n.instances[i].type->outputs.size();
    }
    // What uses each port (a wire, a circuit input or output, an 'open' declaration); empty:
    // nothing yet.
    std::vector<std::string> driver(in_base.back()), load(out_base.back());

    auto claim_input = [&](port_ref p, const std::string& what, const error_site& where) {
        std::string& prev = driver[in_base[p.instance] + p.port];
        if (!prev.empty()) {
            throw network_error(fmt::format("fan-in without a merger: input {} is driven by {} and by {}; "
                                            "join them with a merger",
                                            input_name(n, p), prev, what),
                                at_instance(n, p.instance, where));
        }
        prev = what;
    };
    auto claim_output = [&](port_ref p, const std::string& what, const error_site& where) {
        std::string& prev = load[out_base[p.instance] + p.port];
        if (!prev.empty()) {
            throw network_error(fmt::format("fan-out without a splitter: output {} drives {} and {}; "
                                            "split it with a splitter",
                                            output_name(n, p), prev, what),
                                at_instance(n, p.instance, where));
        }
        prev = what;
    };
    for (const wire& w : n.wires) {
        claim_input(w.to, output_name(n, w.from), w.site);
        claim_output(w.from, input_name(n, w.to), w.site);
    }
    for (const input_train& in : n.inputs) claim_input(in.to, fmt::format("circuit input '{}'", in.name), in.site);
    for (const probe& out : n.outputs) claim_output(out.from, fmt::format("circuit output '{}'", out.name), out.site);
    std::size_t o = 0;
    for (const port_ref& p : n.open_inputs) claim_input(p, "its 'open' declaration", n.open_sites[o++]);
    for (const port_ref& p : n.open_outputs) claim_output(p, "its 'open' declaration", n.open_sites[o++]);

    for (std::uint32_t i = 0; i < n.instances.size(); ++i) {
        const instance& inst = n.instances[i];
        for (std::uint8_t p = 0; p < inst.type->inputs.size(); ++p) {
            if (!driver[in_base[i] + p].empty()) continue;
            throw network_error(fmt::format("unconnected input {}: wire it, or list it in 'open' if it "
                                            "is meant to receive no pulses",
                                            input_name(n, {i, p})),
                                at_instance(n, i));
        }
        for (std::uint8_t p = 0; p < inst.type->outputs.size(); ++p) {
            if (!load[out_base[i] + p].empty()) continue;
            throw network_error(fmt::format("unconnected output {}: wire it, make it a circuit output, or "
                                            "list it in 'open'",
                                            output_name(n, {i, p})),
                                at_instance(n, i));
        }
    }
    const std::vector<std::uint32_t> loop = find_cycle(n, true);
    if (!loop.empty()) {
        std::string names;
        for (auto it = loop.rbegin(); it != loop.rend(); ++it) names += n.instances[*it].name + " -> ";
        names += n.instances[loop.back()].name;
        throw network_error(fmt::format("combinational loop without delay: {}; a pulse would circulate "
                                        "in zero time (give one of the cells a delay)",
                                        names),
                            at_instance(n, loop.back()));
    }
}

bool has_feedback(const netlist& n) { return !find_cycle(n, false).empty(); }

}  // namespace fluxon::sfq
