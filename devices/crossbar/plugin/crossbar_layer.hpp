#pragma once
// A linear or conv layer computed in crossbar arrays: its weight matrix programmed onto the
// arrays (inputs x outputs; for a conv, PyTorch's unfolded [in_channels * taps, out_channels],
// one read per output position whose window holds events: im2col), and each step's input
// events driving their rows. The events are graded
// (int8 activations, +-1, membrane values): the step's largest magnitude s is the full scale
// (as aihwkit's abs-max input management), each event drives its row at |x| / s through the
// preset's input encoding (bit-serial or DAC levels), positive and negative events in two reads
// whose results are subtracted, and s scales the result back; the bias is added digitally. A
// step whose events all have magnitude s (spikes, +-1) drives its rows fully, one read per
// sign, as a spiking projection does. The layer's own operation still runs beside, for
// NeuroBench's counts (which do not depend on the hardware) and for the error of the arrays
// against the exact result.
#include <cstdint>
#include <memory>
#include <vector>

#include "devices/crossbar/plugin/crossbar_input.hpp"
#include "devices/crossbar/plugin/crossbar_system.hpp"
#include "neurons/layers/layer.hpp"

namespace fluxon {

// What the arrays did to a layer's outputs against the exact ones, over the run.
struct crossbar_layer_error {
    std::uint64_t outputs = 0;  // output entries compared (non-zero in either result)
    double sum_squared = 0, sum_squared_exact = 0;  // of the differences; of the exact values
};

class crossbar_layer_op final : public layer_op {
public:
    // `exact`: the layer's own op; `channels` output channels (a linear layer's outputs) at
    // `positions` positions each (1 for a linear layer), output entry channel * positions +
    // position; `bias`: per channel (empty: none).
    crossbar_layer_op(std::unique_ptr<layer_op> exact, const crossbar_system& system, std::uint32_t matrix,
                      std::uint32_t channels, std::uint32_t positions, std::vector<double> bias);

    void step(const layer_step& s) override;
    bool fan_out(std::uint32_t input, std::vector<std::uint32_t>& outputs) const override {
        return exact_->fan_out(input, outputs);
    }

    const crossbar_reader& reader() const { return reader_; }
    const crossbar_layer_error& error() const { return error_; }

private:
    std::unique_ptr<layer_op> exact_;
    crossbar_reader reader_;
    crossbar_input_driver driver_;
    std::uint32_t channels_, positions_;
    std::vector<double> bias_, acc_, column_sums_;
    event_batch exact_out_;
    // The step's unfolded events: (position, row, value), sorted, then one position's rows.
    struct unfolded {
        std::uint32_t position, row;
        double value;
    };
    std::vector<unfolded> entries_;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> position_row_;
    std::vector<std::uint32_t> rows_;
    std::vector<double> values_;
    crossbar_layer_error error_;
};

}  // namespace fluxon
