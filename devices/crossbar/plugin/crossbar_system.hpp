#pragma once
// Weight matrices programmed onto crossbar arrays, with their ledger: the mapping
// (mappers/crossbar_mapper), one programmed array per tile, and the readers that drive rows
// and convert columns. Network runs (crossbar_binding) and stand-alone matrix-vector
// products (crossbar_mvm) both build on it.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "devices/crossbar/crossbar_array.hpp"
#include "devices/crossbar/crossbar_params.hpp"
#include "engine/base/ledger.hpp"
#include "mappers/crossbar_mapper.hpp"

namespace fluxon {

// What one array did (each count made by exactly one reader).
struct crossbar_counts {
    std::uint64_t reads = 0, row_drives = 0, cell_reads = 0, conversions = 0, shift_adds = 0, partial_sums = 0,
                  buffer_writes = 0;
    crossbar_counts& operator+=(const crossbar_counts& o);
};

// A weight matrix to program: rows (inputs) × columns (outputs), row-major, in SI.
struct crossbar_weights {
    std::string name;
    std::uint32_t rows = 0, columns = 0;
    std::vector<double> values;
    // Device-random weights: every non-zero entry's pair is programmed to one level and the
    // entries' (common) magnitude becomes the spread of the weights the devices produce.
    bool random = false;
    std::uint64_t seed = 0;  // the matrix's device stream (each tile derives its own)
    error_site site;
};

struct crossbar_matrix_state {
    std::string name;
    double scale = 1;  // weight (SI) of one full-scale unit
    bool random = false;
    std::vector<crossbar_array> arrays;  // per tile, row-major (row tile, column tile)
};

class crossbar_system;

// Reads one matrix for a range of its output columns. Each reader converts only its own
// columns, drawing noise by global coordinates, so splitting the outputs over readers (threads)
// does not change the results; the costs shared by all columns of a read (the read, its rows
// and cells, the reference columns) are counted by the reader holding the tile's first column.
class crossbar_reader {
public:
    crossbar_reader(const crossbar_system& system, std::uint32_t matrix, std::uint32_t first, std::uint32_t size);

    // Drives the rows `active` (ascending matrix rows) at `drive` (one value in [0, 1] each;
    // empty: all 1) and adds the converted outputs of columns [first, first + size) to out.
    // `key` names this input in the noise streams (a step, a sample and input bit, ...).
    // `weight` multiplies the result (bit-serial inputs weigh each bit's read).
    void read(std::uint64_t key, std::span<const std::uint32_t> active, std::span<const double> drive,
              double weight, double* out);
    const std::vector<crossbar_counts>& counts() const { return counts_; }
    std::uint32_t first_tile() const { return tiling_.first_tile; }

private:
    const crossbar_system& system_;
    const crossbar_matrix_state& matrix_;
    const crossbar_matrix_tiling& tiling_;
    std::uint32_t parallel_rows_;
    std::uint32_t first_, end_;
    std::vector<crossbar_counts> counts_;  // per tile of the matrix
    std::vector<std::uint32_t> rows_;
    std::vector<double> drive_;
    std::vector<std::uint64_t> column_reads_;
    crossbar_array::scratch work_;
};

class crossbar_system {
public:
    // Throws network_error (node = the matrix, resource = "arrays") when the matrices do not
    // fit, config_error when random weights are asked of a device without variation.
    crossbar_system(crossbar_params params, std::vector<crossbar_weights> matrices, std::uint32_t replicas,
                    double drift_age);

    // Adds up the readers' counts and charges the ledger; call once, after the last read.
    void finish(const std::vector<const crossbar_reader*>& readers);

    const crossbar_params& params() const { return params_; }
    const crossbar_mapping& mapping() const { return mapping_; }
    const std::vector<crossbar_matrix_state>& matrices() const { return matrices_; }
    const ledger& book() const { return ledger_; }
    const std::vector<crossbar_counts>& counts() const { return counts_; }  // per tile, after finish
    // J, after finish: what matrix m's arrays spent reading (every action but programming).
    double read_energy(std::uint32_t matrix) const;
    // s: the busiest array's reads × read cycle (arrays run in parallel; copies share reads).
    double hardware_time() const { return hardware_time_; }
    double drift_age() const { return drift_age_; }

private:
    crossbar_params params_;
    crossbar_mapping mapping_;
    double drift_age_ = 0;
    std::vector<crossbar_matrix_state> matrices_;
    std::vector<crossbar_counts> counts_;
    ledger ledger_;
    struct tile_counters {
        ledger::counter read, row_drive, cell_read, adc, shift_add, partial_sum, buffer, program;
    };
    std::vector<tile_counters> counters_;
    double hardware_time_ = 0;
};

}  // namespace fluxon
