#include "neurons/sources.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>

#include <fmt/format.h>

#include "engine/base/rng.hpp"

namespace fluxon {
namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

// Steps between a source spike's stamp and the step that emits it. Under Brian2's convention a
// spike stamped t acts on the integration that starts at t + dt + delay (Brian2 delivers it
// after that step's update), which the engine does when it emits the spike one step later.
std::int64_t emission_delay(const block_context& ctx) {
    return ctx.convention == timing_convention::brian2 ? 1 : 0;
}

class poisson_block final : public neuron_block {
public:
    poisson_block(double lambda, std::uint64_t stream, std::uint32_t first_id, std::uint32_t n, std::int64_t lag)
        : keys_(n), lag_(lag) {
        for (std::uint32_t i = 0; i < n; ++i) keys_[i] = counter_key(stream, first_id + i);
        // The Poisson CDF at 0..max_count, summed term by term once here rather than per neuron
        // and step: the same operations in the same order, so the same values (and trains).
        double term = std::exp(-lambda), sum = term;
        cdf_[0] = sum;
        for (std::uint32_t k = 1; k <= max_count; ++k) {
            term *= lambda / k;
            sum += term;
            cdf_[k] = sum;
        }
    }

    void step(const step_input& in, std::vector<std::uint32_t>& spikes) override {
        // The draw is keyed by the step the spikes are stamped with, so both conventions give
        // the same trains, stamped alike.
        const std::int64_t stamp = in.step - lag_;
        if (stamp < 0) return;
        const double p0 = cdf_[0];
        const auto n = static_cast<std::uint32_t>(keys_.size());
        for (std::uint32_t i = 0; i < n; ++i) {
            const double u = counter_uniform_keyed(keys_[i], static_cast<std::uint64_t>(stamp));
            if (u < p0) continue;
            // Inversion of the Poisson CDF; beyond the first term this is rare at realistic rates.
            std::uint32_t k = 0;
            while (u >= cdf_[k] && k < max_count) {
                ++k;
                spikes.push_back(i);
            }
        }
    }
    std::span<double> state(std::size_t) override { return {}; }

private:
    static constexpr std::uint32_t max_count = 200;  // P(k > 200) is below 1e-100 for means up to 20
    std::array<double, max_count + 1> cdf_{};
    std::vector<std::uint64_t> keys_;  // per neuron, its draws' hash before the step's
    std::int64_t lag_;                 // emission_delay
};

class poisson_model final : public neuron_model {
public:
    std::string_view name() const override { return "poisson"; }
    std::string_view description() const override { return "Poisson spike source at a fixed rate"; }
    bool is_source() const override { return true; }
    const param_schema& schema() const override { return schema_; }
    std::span<const receptor_def> receptors() const override { return {}; }
    std::span<const state_var> state_vars() const override { return {}; }
    // The per-step count is drawn by inverting the Poisson distribution, which is exact and
    // cheap for the small means of spiking inputs; a mean of dozens of spikes per step means the
    // step or the rate is wrong for a spike source.
    void check(const validated_params& p, const block_context& ctx) const override {
        const double lambda = p.get("rate") * ctx.dt;
        if (lambda > max_mean_per_step) {
            throw config_error(fmt::format("rate x dt = {} spikes per step per neuron is above {}; use a smaller "
                                           "dt or rate",
                                           lambda, max_mean_per_step),
                               ctx.site);
        }
    }

    std::unique_ptr<neuron_block> make_block(const validated_params& p,
                                             const block_context& ctx) const override {
        return std::make_unique<poisson_block>(p.get("rate") * ctx.dt,
                                               derive_seed(ctx.seed, stream_kind::neuron_noise,
                                                           ctx.population_index),
                                               ctx.first_id, ctx.size, emission_delay(ctx));
    }
    double initial_value(std::size_t, const validated_params&) const override { return 0; }

private:
    static constexpr double max_mean_per_step = 20.0;
    param_schema schema_{{"rate", dimension::frequency, std::nullopt, 0, inf, false, "rate of each train"}};
};

class spike_times_block final : public neuron_block {
public:
    // (step, local id), sorted.
    explicit spike_times_block(std::vector<std::pair<std::int64_t, std::uint32_t>> events)
        : events_(std::move(events)) {}

    void step(const step_input& in, std::vector<std::uint32_t>& spikes) override {
        while (next_ < events_.size() && events_[next_].first < in.step) ++next_;  // before the start
        while (next_ < events_.size() && events_[next_].first == in.step) {
            spikes.push_back(events_[next_++].second);
        }
    }
    std::span<double> state(std::size_t) override { return {}; }

private:
    std::vector<std::pair<std::int64_t, std::uint32_t>> events_;
    std::size_t next_ = 0;
};

class spike_times_model final : public neuron_model {
public:
    std::string_view name() const override { return "spike_times"; }
    std::string_view description() const override {
        return "spikes at given times (arrays 'times' in s and 'ids')";
    }
    bool is_source() const override { return true; }
    const param_schema& schema() const override { return schema_; }
    std::span<const receptor_def> receptors() const override { return {}; }
    std::span<const state_var> state_vars() const override { return {}; }

    void check(const validated_params&, const block_context& ctx) const override {
        const auto& a = *ctx.arrays;
        const auto times = a.find("times");
        const auto ids = a.find("ids");
        if (times == a.end() || ids == a.end()) {
            throw config_error("a spike_times source needs arrays 'times' (s) and 'ids'", ctx.site);
        }
        if (times->second.size() != ids->second.size()) {
            throw config_error(fmt::format("'times' has {} entries but 'ids' has {}; they must match",
                                           times->second.size(), ids->second.size()),
                               ctx.site);
        }
        for (std::size_t k = 0; k < times->second.size(); ++k) {
            const double t = times->second[k], id = ids->second[k];
            if (!std::isfinite(t) || t < 0) {
                throw config_error(fmt::format("spike time #{} = {} s must be finite and >= 0", k, t),
                                   ctx.site);
            }
            if (!(id >= 0 && id < ctx.population_size && id == std::floor(id))) {
                throw config_error(fmt::format("spike id #{} = {} is not a neuron index in [0, {})", k,
                                               id, ctx.population_size),
                                   ctx.site);
            }
        }
    }

    std::unique_ptr<neuron_block> make_block(const validated_params&,
                                             const block_context& ctx) const override {
        const auto& times = ctx.arrays->at("times");
        const auto& ids = ctx.arrays->at("ids");
        std::vector<std::pair<std::int64_t, std::uint32_t>> events;
        for (std::size_t k = 0; k < times.size(); ++k) {
            const auto id = static_cast<std::uint32_t>(ids[k]);
            if (id < ctx.first_id || id >= ctx.first_id + ctx.size) continue;
            events.emplace_back(spike_step(times[k], ctx.dt) + emission_delay(ctx), id - ctx.first_id);
        }
        std::sort(events.begin(), events.end());
        return std::make_unique<spike_times_block>(std::move(events));
    }
    double initial_value(std::size_t, const validated_params&) const override { return 0; }

private:
    param_schema schema_{};
};

}  // namespace

std::int64_t spike_step(double t, double dt) {
    const double steps = t / dt;
    const double nearest = std::nearbyint(steps);
    const double step = std::fabs(steps - nearest) <= 1e-9 * std::max(1.0, nearest) ? nearest : std::ceil(steps);
    return static_cast<std::int64_t>(step);
}

std::unique_ptr<neuron_model> make_poisson_source_model() { return std::make_unique<poisson_model>(); }
std::unique_ptr<neuron_model> make_spike_times_source_model() {
    return std::make_unique<spike_times_model>();
}

}  // namespace fluxon
