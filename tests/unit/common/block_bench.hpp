#pragma once
// One block of a neuron model driven step by step with hand-made receptor arrays, as the
// engine drives it; every step checks that the block left its inputs zeroed.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "neurons/model.hpp"

namespace fluxon::test {

struct block_bench {
    model_registry registry = builtin_models();
    const neuron_model& model;
    validated_params params;
    std::map<std::string, std::vector<double>> arrays;
    std::unique_ptr<neuron_block> block;
    std::vector<std::vector<double>> receptors;  // [receptor][neuron]
    std::int64_t k = 0;

    block_bench(std::string_view name, const param_inputs& inputs, double dt, std::uint32_t n)
        : model(registry.get(name, {})),
          params(validate_params(model.schema(), inputs, {})),
          receptors(model.receptors().size(), std::vector<double>(n, 0.0)) {
        block_context ctx{dt, 1, 0, n, 0, n, &arrays, {}};
        model.check(params, ctx);
        block = model.make_block(params, ctx);
        for (std::size_t s = 0; s < model.state_vars().size(); ++s) {
            for (auto& x : block->state(s)) x = model.initial_value(s, params);
        }
    }

    std::vector<std::uint32_t> step(const double* i_ext = nullptr) {
        std::vector<double*> inputs;
        for (auto& r : receptors) inputs.push_back(r.data());
        std::vector<std::uint32_t> spikes;
        block->step(step_input{k++, inputs, i_ext}, spikes);
        for (const auto& r : receptors) {
            CHECK(std::all_of(r.begin(), r.end(), [](double x) { return x == 0.0; }));
        }
        return spikes;
    }

    std::span<double> state(std::size_t index) { return block->state(index); }
};

}  // namespace fluxon::test
