#include "devices/crossbar/plugin/crossbar_system.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "engine/base/rng.hpp"

namespace fluxon {

crossbar_counts& crossbar_counts::operator+=(const crossbar_counts& o) {
    reads += o.reads;
    row_drives += o.row_drives;
    cell_reads += o.cell_reads;
    conversions += o.conversions;
    shift_adds += o.shift_adds;
    partial_sums += o.partial_sums;
    buffer_writes += o.buffer_writes;
    return *this;
}

namespace {

constexpr double equal_level = 0.5;  // where device-random pairs are programmed, in the range

// The spread of the difference of two cells programmed to the same target, as crossbar_array
// draws them: programming error, then device-to-device variation on top.
double pair_sigma(const crossbar_params& p, double level) {
    const double target = p.cell.g_min + level * (p.cell.g_max - p.cell.g_min);
    const double prog = programming_sigma(p, target);
    const double d = p.variation.d2d_sigma;
    return std::sqrt(2 * (prog * prog * (1 + d * d) + d * d * target * target));
}

}  // namespace

crossbar_system::crossbar_system(crossbar_params params, std::vector<crossbar_weights> weights,
                                 std::uint32_t replicas, double drift_age)
    : params_(std::move(params)), drift_age_(drift_age) {
    std::vector<crossbar_matrix> shapes;
    for (const crossbar_weights& w : weights) shapes.push_back({w.name, w.rows, w.columns, w.site});
    mapping_ = map_to_crossbars(shapes, params_, replicas);
    const crossbar_encoding& enc = mapping_.encoding;
    for (std::uint32_t m = 0; m < weights.size(); ++m) {
        const crossbar_weights& w = weights[m];
        crossbar_matrix_state state;
        state.name = w.name;
        state.random = w.random;
        double w_max = 0;
        for (double x : w.values) w_max = std::max(w_max, std::abs(x));
        error_site site = w.site;
        site.node = w.name;
        if (w.random && !enc.analog) {
            throw config_error(fmt::format("random_weights needs analog weights (weight_bits = 0; preset '{}' has {}): "
                                           "device-random pairs are not programmed to levels, their mismatch is the "
                                           "weight",
                                           params_.name, params_.periphery.weight_bits),
                               site);
        }
        if (w.random) {
            for (double x : w.values) {
                if (x != 0 && std::abs(std::abs(x) - w_max) > 1e-12 * w_max) {
                    throw config_error("random_weights needs one weight magnitude for the whole projection (the "
                                       "spread of the device-random weights)",
                                       site);
                }
            }
            const double sigma = pair_sigma(params_, equal_level);
            if (!(sigma > 0)) {
                throw config_error(fmt::format("random_weights draws weights from device variation, but preset '{}' "
                                               "has none (programming_sigma, d2d_sigma and pcm_programming are off)",
                                               params_.name),
                                   site);
            }
            // A pair's difference in digits times scale is a weight of spread w_max.
            const double level_g = (params_.cell.g_max - params_.cell.g_min) / enc.levels;
            state.scale = w_max * level_g / sigma / enc.unit;
        } else {
            state.scale = w_max > 0 ? w_max : 1.0;
        }
        const crossbar_matrix_tiling& tiling = mapping_.matrices[m];
        for (std::uint32_t t = 0; t < tiling.row_tiles * tiling.column_tiles; ++t) {
            const crossbar_tile& tile = mapping_.tiles[tiling.first_tile + t];
            crossbar_block block;
            block.rows = tile.rows;
            block.columns = tile.columns;
            block.weights.resize(std::size_t{tile.rows} * tile.columns);
            if (w.random) block.equal_pairs.resize(block.weights.size());
            block.equal_level = equal_level;
            for (std::uint32_t r = 0; r < tile.rows; ++r) {
                for (std::uint32_t c = 0; c < tile.columns; ++c) {
                    const double x = w.values[std::size_t{tile.first_row + r} * w.columns + tile.first_column + c];
                    const std::size_t i = std::size_t{r} * tile.columns + c;
                    if (w.random) {
                        block.equal_pairs[i] = x != 0;
                    } else {
                        block.weights[i] = x / state.scale;
                    }
                }
            }
            state.arrays.emplace_back(params_, enc, block, mix64(w.seed ^ mix64(t + 1)), drift_age_);
        }
        matrices_.push_back(std::move(state));
    }

    const crossbar_costs& c = params_.costs;
    for (std::uint32_t m = 0; m < matrices_.size(); ++m) {
        const crossbar_matrix_tiling& tiling = mapping_.matrices[m];
        for (std::uint32_t t = 0; t < matrices_[m].arrays.size(); ++t) {
            const crossbar_array& array = matrices_[m].arrays[t];
            const std::string component = fmt::format("crossbar/{}/array[{},{}]", matrices_[m].name,
                                                      t / tiling.column_tiles, t % tiling.column_tiles);
            tile_counters k;
            k.read = ledger_.add_action(component, "read", c.read);
            k.row_drive = ledger_.add_action(component, "row_drive", c.row_drive);
            k.cell_read = ledger_.add_action(component, "cell_read", {array.cell_read_energy(), 0, c.cell_read_source});
            k.adc = ledger_.add_action(component, "adc", c.adc_conversion);
            k.shift_add = ledger_.add_action(component, "shift_add", c.shift_add);
            k.partial_sum = ledger_.add_action(component, "partial_sum", c.partial_sum);
            k.buffer = ledger_.add_action(component, "buffer", c.buffer);
            k.program = ledger_.add_action(component, "program", c.program_pulse);
            // Every copy of the tile is programmed: each cell in use with program_pulses pulses.
            ledger_.charge(k.program, array.cells() * params_.program_pulses * mapping_.replicas);
            counters_.push_back(k);
        }
    }
}

void crossbar_system::finish(const std::vector<const crossbar_reader*>& readers) {
    counts_.assign(mapping_.tiles.size(), {});
    for (const crossbar_reader* reader : readers) {
        const auto& per_tile = reader->counts();
        for (std::size_t t = 0; t < per_tile.size(); ++t) counts_[reader->first_tile() + t] += per_tile[t];
    }
    double busiest = 0;
    for (std::size_t t = 0; t < counts_.size(); ++t) {
        const crossbar_counts& n = counts_[t];
        const tile_counters& k = counters_[t];
        ledger_.charge(k.read, n.reads);
        ledger_.charge(k.row_drive, n.row_drives);
        ledger_.charge(k.cell_read, n.cell_reads);
        ledger_.charge(k.adc, n.conversions);
        ledger_.charge(k.shift_add, n.shift_adds);
        ledger_.charge(k.partial_sum, n.partial_sums);
        ledger_.charge(k.buffer, n.buffer_writes);
        const double reads_per_copy = std::ceil(static_cast<double>(n.reads) / mapping_.replicas);
        busiest = std::max(busiest, reads_per_copy * params_.costs.read.latency);
    }
    hardware_time_ = busiest;
    ledger_.set_run_time(hardware_time_);
}

double crossbar_system::read_energy(std::uint32_t matrix) const {
    const crossbar_costs& c = params_.costs;
    const crossbar_matrix_tiling& tiling = mapping_.matrices[matrix];
    double energy = 0;
    for (std::uint32_t t = 0; t < matrices_[matrix].arrays.size() && tiling.first_tile + t < counts_.size(); ++t) {
        const crossbar_counts& n = counts_[tiling.first_tile + t];
        const auto times = [](std::uint64_t count, double each) { return static_cast<double>(count) * each; };
        energy += times(n.reads, c.read.energy) + times(n.row_drives, c.row_drive.energy) +
                  times(n.cell_reads, matrices_[matrix].arrays[t].cell_read_energy()) +
                  times(n.conversions, c.adc_conversion.energy) + times(n.shift_adds, c.shift_add.energy) +
                  times(n.partial_sums, c.partial_sum.energy) + times(n.buffer_writes, c.buffer.energy);
    }
    return energy;
}

crossbar_reader::crossbar_reader(const crossbar_system& system, std::uint32_t matrix, std::uint32_t first,
                                 std::uint32_t size)
    : system_(system),
      matrix_(system.matrices()[matrix]),
      tiling_(system.mapping().matrices[matrix]),
      parallel_rows_(std::min(system.params().geometry.parallel_rows, system.params().geometry.rows)),
      first_(first),
      end_(first + size) {
    counts_.resize(matrix_.arrays.size());
}

void crossbar_reader::read(std::uint64_t key, std::span<const std::uint32_t> active, std::span<const double> drive,
                           double weight, double* out) {
    const crossbar_mapping& mapping = system_.mapping();
    const crossbar_encoding& enc = mapping.encoding;
    column_reads_.assign(tiling_.column_tiles, 0);
    for (std::uint32_t rt = 0; rt < tiling_.row_tiles; ++rt) {
        const crossbar_tile& row_tile = mapping.tiles[tiling_.first_tile + rt * tiling_.column_tiles];
        const auto lo = std::lower_bound(active.begin(), active.end(), row_tile.first_row);
        const auto hi = std::lower_bound(lo, active.end(), row_tile.first_row + row_tile.rows);
        if (lo == hi) continue;  // nothing drives these rows: their arrays are not read
        rows_.assign(lo, hi);
        for (std::uint32_t& r : rows_) r -= row_tile.first_row;
        if (!drive.empty()) {
            const auto offset = lo - active.begin();
            drive_.assign(drive.begin() + offset, drive.begin() + offset + (hi - lo));
        }
        for (std::uint32_t ct = 0; ct < tiling_.column_tiles; ++ct) {
            const std::uint32_t index = rt * tiling_.column_tiles + ct;
            const crossbar_tile& tile = mapping.tiles[tiling_.first_tile + index];
            const std::uint32_t from = std::max(first_, tile.first_column);
            const std::uint32_t to = std::min(end_, tile.first_column + tile.columns);
            const bool owner = first_ <= tile.first_column && tile.first_column < end_;
            crossbar_counts& n = counts_[index];
            for (std::size_t g = 0; g < rows_.size(); g += parallel_rows_) {
                const std::size_t group = std::min<std::size_t>(parallel_rows_, rows_.size() - g);
                const std::span<const std::uint32_t> driven(rows_.data() + g, group);
                const std::span<const double> levels =
                    drive.empty() ? std::span<const double>{} : std::span<const double>(drive_.data() + g, group);
                // One noise coordinate per (input, group of rows) of this array.
                const std::uint64_t read_key = key * (std::uint64_t{tile.rows} + 1) + g / parallel_rows_;
                if (owner) {
                    ++n.reads;
                    n.row_drives += group;
                    n.cell_reads += group * tile.physical_columns;
                    n.conversions += enc.reference_columns;
                }
                ++column_reads_[ct];
                if (from >= to) continue;
                matrix_.arrays[index].read(driven, levels, read_key, from - tile.first_column, to - tile.first_column,
                                           weight * matrix_.scale, out + (from - first_), work_);
                const std::uint64_t columns = to - from;
                n.conversions += columns * enc.slices;
                n.shift_adds += columns * enc.slices;
                n.buffer_writes += columns;
            }
        }
    }
    // Reads of one column block beyond its first are accumulated digitally, output by output.
    for (std::uint32_t ct = 0; ct < tiling_.column_tiles; ++ct) {
        if (column_reads_[ct] <= 1) continue;
        const crossbar_tile& tile = mapping.tiles[tiling_.first_tile + ct];
        const std::uint32_t from = std::max(first_, tile.first_column);
        const std::uint32_t to = std::min(end_, tile.first_column + tile.columns);
        if (from < to) counts_[ct].partial_sums += (column_reads_[ct] - 1) * (to - from);
    }
}

}  // namespace fluxon
