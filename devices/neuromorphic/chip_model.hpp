#pragma once
// The cost and timing of a network running on a digital neuromorphic chip, step by step, in
// the spirit of SANA-FE's core pipeline: each used core updates its neurons (active ones, that
// received input, cost more than idle ones), sends one message per destination core for
// every spike, the network-on-chip carries the messages (with link serialisation), and the
// destination core processes them first come first served (message in, then one synaptic op
// per synapse). A step ends when every core and every message is done, plus the barrier.
//
// Hardware time either runs as fast as the work allows (step_period = 0, "asap") or with a
// fixed period per step (real time when it equals dt). With a fixed period, a message still
// being processed when the next step starts is late; in timed fidelity its synaptic inputs
// reach their targets that many steps later (the caller applies it), in annotated fidelity
// it is only counted.
//
// With synaptic rows in DRAM (core_mapping::dram_rows), a message whose row is off chip
// fetches it first: one read per burst of the row, reaching the DRAM controller when the
// message reaches its core; the core starts that message's synaptic processing only once the
// last burst has arrived (first come, first served still: later messages wait behind it).
//
// Beside crossbar arrays (any projection delivered a whole step at a time, an engine
// step_projection), the arrays sit on the network-on-chip behind one array port per
// projection (chip_array_port): leg 1, every spike of a presynaptic neuron with a non-empty
// row in the arrays sends one message from its core to the port's tile (message_out at the
// core, routed and timed like any message, message_in charged at the port); leg 2, in a step
// in which the port received at least one leg-1 message, the port sends one message to each
// core holding the projection's post neurons (message_out at the port, message_in at the
// core, no synaptic op: the arrays did the sums). Leg-2 messages leave the port when its last
// leg-1 message of the step has arrived (the arrays' read time is the crossbar's, not modelled
// here; nor is any time of the port itself) and go through the network in a second batch
// after the step's other messages. The destination core takes them first come, first served
// with its other messages.
#include <cstdint>
#include <string>
#include <memory>
#include <span>
#include <vector>

#include "devices/dram/dram_controller.hpp"
#include "devices/neuromorphic/chip_params.hpp"
#include "devices/noc/noc_timing.hpp"
#include "engine/base/ledger.hpp"
#include "devices/neuromorphic/placement.hpp"

namespace fluxon {

struct chip_run_options {
    bool timed = false;
    double step_period = 0;  // s of hardware time per step; 0: as fast as the work allows
};

// Synaptic inputs that `neuron` of `population` sent to `core` at `step` arrive `extra_steps`
// later than their delays say.
struct late_message {
    std::int64_t step = 0;
    std::uint32_t population = 0, neuron = 0, core = 0;
    std::uint32_t extra_steps = 0;
};

// Where the messages of one projection computed in arrays enter and leave the chip's network.
struct chip_array_port {
    std::string projection;               // its name, for the ledger
    std::uint32_t pre_population = 0;
    std::uint32_t tile = 0;               // the port's topology tile
    std::vector<std::uint8_t> sends;      // per pre neuron: its row in the arrays is not empty
    std::vector<std::uint32_t> cores;     // cores holding the post population's neurons, increasing
};

struct chip_statistics {
    std::int64_t steps = 0;
    hw_time hardware_time = 0;   // the whole run
    hw_time max_step_time = 0;   // work + barrier of the slowest step
    std::int64_t overrun_steps = 0;  // fixed period: steps whose work + barrier exceeded it
    std::uint64_t messages = 0, hops = 0, synaptic_events = 0, late_messages = 0;
    std::uint32_t max_extra_steps = 0;
    hw_time queueing_delay = 0;  // waiting for busy links, summed over messages
    std::uint64_t dram_reads = 0;  // bursts read from DRAM for synaptic rows off chip
    hw_time dram_stall = 0;        // synaptic processing waiting for DRAM, summed over messages
    std::uint64_t array_messages = 0;  // to and from array ports (both legs; also in `messages`)
};

class chip_model {
public:
    // `dram`: the memory holding the rows of mapping.dram_rows (required when it is not empty;
    // it must outlive the model). `ports`: one per projection computed in arrays beside the
    // chip (none: the chip alone).
    chip_model(const chip_params& chip, const core_mapping& mapping, const noc_topology& topology,
               ledger& book, chip_run_options options, const dram_params* dram = nullptr,
               std::vector<chip_array_port> ports = {});
    ~chip_model();

    // Accounts one step. spikes[p]: the neurons of population p that spiked (increasing ids);
    // active[c]: neurons on core c that received synaptic input. Late messages are appended to
    // `late` in the order the messages were sent.
    void step(std::int64_t step, std::span<const std::span<const std::uint32_t>> spikes,
              std::span<const std::uint32_t> active, std::vector<late_message>& late);
    // Charges the links and the DRAM and sets the ledger's run time; call once after the last
    // step.
    void finish();

    const chip_statistics& statistics() const { return stats_; }
    const noc_timing& noc() const { return noc_; }
    const std::vector<chip_array_port>& ports() const { return ports_; }
    std::uint32_t active_tiles() const { return active_tiles_; }
    hw_time barrier() const { return barrier_; }

private:
    struct core_counters {
        ledger::counter synapse_op, update_active, update_inactive, message_out, message_in;
    };
    struct port_counters {
        ledger::counter message_in, message_out;
    };
    // What a message of the step is: between cores, leg 1 (a core to an array port) or leg 2
    // (an array port to a core).
    enum class leg : std::uint8_t { core, to_port, from_port };
    struct pending_message {
        std::uint32_t population, neuron, core, synapses;  // to_port: `core` is the port index
        dram_row row;  // bursts == 0: on chip
        leg kind = leg::core;
    };

    void fetch_rows();
    void send_from_ports(hw_time& end);
    hw_time dram_time(dram_clock clock) const { return clock * t_dram_clock_; }

    const chip_params& chip_;
    const core_mapping& mapping_;
    const noc_topology& topology_;
    ledger& ledger_;
    chip_run_options options_;
    noc_timing noc_;
    hw_time period_ = 0;  // 0: asap
    hw_time t_active_, t_inactive_, t_message_out_, t_message_in_, t_synapse_op_;
    hw_time barrier_ = 0;
    std::uint32_t active_tiles_ = 0;
    std::vector<core_counters> counters_;
    std::vector<ledger::counter> link_counters_;
    hw_time next_start_ = 0;  // asap: when the next step starts
    std::vector<hw_time> core_ready_;     // per core: its update phase ends (this step)
    std::vector<hw_time> synapse_free_;   // per core: its synapse unit is free (persists)
    std::vector<noc_send> sends_;
    std::vector<pending_message> messages_;
    std::vector<hw_time> arrivals_;
    std::vector<std::uint32_t> order_;
    chip_statistics stats_;
    // Synaptic rows in DRAM.
    const dram_params* dram_params_ = nullptr;
    std::unique_ptr<dram_system> dram_;
    hw_time t_dram_clock_ = 0;     // tCK rounded to whole femtoseconds
    dram_clock last_request_ = 0;  // the latest arrival handed to the DRAM so far
    std::vector<dram_request> requests_;
    std::vector<hw_time> row_ready_;  // per message of the step: its row is on chip
    std::vector<std::uint64_t> last_burst_of_;  // per message: index past its bursts in requests_
    // Array ports.
    std::vector<chip_array_port> ports_;
    std::vector<port_counters> port_counters_;
    std::vector<std::vector<std::uint32_t>> ports_of_;  // per population: the ports of its projections
    std::vector<hw_time> port_last_;    // per port: its last leg-1 arrival of the step
    std::vector<std::uint8_t> port_hit_;  // per port: it received a leg-1 message this step
    std::vector<noc_send> port_sends_;  // the step's leg-2 messages
    std::vector<hw_time> port_arrivals_;
};

// The barrier time for `tiles` active tiles from the chip's table (piecewise linear, flat
// beyond its ends; 0 without a table).
double barrier_sync_time(const chip_params& chip, std::uint32_t tiles);

}  // namespace fluxon
