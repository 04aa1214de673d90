// Sweeps: the grid with linked keys, swept values as SI numbers, every point checked before
// any runs, each point's numbers equal to a single run's, and the directory an earlier sweep
// leaves.
#include <doctest/doctest.h>

#include "tests/unit/common/relative.hpp"

#include <unistd.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "devices/builtin_families.hpp"
#include "engine/base/errors.hpp"
#include "engine/base/quantity.hpp"
#include "engine/simulation.hpp"
#include "tests/unit/common/temp_file.hpp"
#include "io/config.hpp"
#include "io/sweep_grid.hpp"
#include "io/sweep_index.hpp"
#include "io/sweep_runner.hpp"
#include "io/sweep_table.hpp"
#include "io/sweep_values.hpp"

namespace fs = std::filesystem;
using namespace fluxon;
using namespace fluxon::io;

TEST_SUITE_BEGIN("io");

namespace {

// Poisson input onto a recurrent population: its rate depends on both weights.
const std::string network = R"([run]
dt = "0.1 ms"
duration = "200 ms"
seed = 3

[populations.noise]
size = 40
model = "poisson"
params = { rate = "40 Hz" }

[populations.exc]
size = 30
model = "lif"
params = { tau_m = "20 ms", v_rest = "-65 mV", v_th = "-50 mV", v_reset = "-65 mV", t_ref = "2 ms" }

[projections.drive]
pre = "noise"
post = "exc"
receptor = "exc"
connector = { type = "fixed_probability", p = 0.5 }
weight = "2 mV"
delay = "1 ms"

[projections.recurrent]
pre = "exc"
post = "exc"
receptor = "exc"
connector = { type = "fixed_probability", p = 0.2 }
weight = "1 mV"
delay = "1 ms"
)";

sweep_request request_for(std::vector<sweep_axis> axes, std::vector<std::vector<std::string>> links = {}) {
    sweep_request r;
    r.axes = std::move(axes);
    r.links = std::move(links);
    r.load = [](const std::vector<std::string>& overrides) { return parse_config_text(network, "net.toml", overrides); };
    return r;
}

double single_run_rate(const std::vector<std::string>& overrides, const std::string& population) {
    const model_registry models = builtin_models();
    const device_registry families = builtin_families();
    simulation sim(parse_config_text(network, "net.toml", overrides), models, families);
    const run_result r = sim.run();
    for (const auto& [name, count] : r.spikes_per_population) {
        if (name != population) continue;
        for (const population_summary& p : sim.populations()) {
            if (p.name == name) return static_cast<double>(count) / (static_cast<double>(p.size) * r.time_reached);
        }
    }
    FAIL("no population " << population);
    return 0;
}

const std::vector<double>& reals(const data_table& t, const std::string& column) {
    const data_column* c = t.find(column);
    REQUIRE(c != nullptr);
    return std::get<std::vector<double>>(c->values);
}

}  // namespace

TEST_CASE("linked keys step together: N points, not N^2") {
    const std::vector<sweep_axis> axes{parse_axis("a.x=1,2,3"), parse_axis("run.seed=7,8"), parse_axis("b.x=4,5,6")};
    const std::vector<grid_point> grid = make_grid(axes, {parse_link("a.x, b.x")});
    REQUIRE(grid.size() == 6);  // 3 linked positions x 2 seeds
    // The link takes the place of its first key (a.x), so it varies slowest.
    const std::vector<std::string> expected{"a.x=1 run.seed=7 b.x=4", "a.x=1 run.seed=8 b.x=4",
                                            "a.x=2 run.seed=7 b.x=5", "a.x=2 run.seed=8 b.x=5",
                                            "a.x=3 run.seed=7 b.x=6", "a.x=3 run.seed=8 b.x=6"};
    for (std::size_t i = 0; i < grid.size(); ++i) {
        REQUIRE(grid[i].overrides.size() == 3);
        CHECK(grid[i].overrides[0] + " " + grid[i].overrides[1] + " " + grid[i].overrides[2] == expected[i]);
    }
    CHECK(make_grid(axes).size() == 18);
}

TEST_CASE("links that cannot step together are refused by name") {
    const std::vector<sweep_axis> axes{parse_axis("a.x=1,2,3"), parse_axis("b.x=4,5")};
    CHECK_THROWS_WITH_AS(make_grid(axes, {{"a.x", "b.x"}}),
                         doctest::Contains("b.x has 2 values and a.x has 3"), user_error);
    CHECK_THROWS_WITH_AS(make_grid(axes, {{"a.x", "c.x"}}), doctest::Contains("c.x is not swept"), user_error);
    CHECK_THROWS_WITH_AS(make_grid({parse_axis("a.x=1,2"), parse_axis("b.x=1,2"), parse_axis("c.x=1,2")},
                                   {{"a.x", "b.x"}, {"b.x", "c.x"}}),
                         doctest::Contains("b.x is linked twice"), user_error);
    CHECK_THROWS_WITH_AS(parse_link("a.x"), doctest::Contains("two or more"), user_error);
}

TEST_CASE("swept values are SI numbers with their unit, or text") {
    const swept_values weight = index_values(parse_axis("projections.p.weight=1.2 mV,1.62mV"));
    CHECK(weight.numeric);
    CHECK(weight.unit == "V");
    REQUIRE(weight.numbers.size() == 2);
    // Exactly the number the config reads, so the index holds what the run used.
    CHECK(weight.numbers[0] == parse_quantity("1.2 mV", dimension::voltage).value);
    CHECK(weight.numbers[1] == parse_quantity("1.62 mV", dimension::voltage).value);
    CHECK(weight.given == std::vector<std::string>{"1.2 mV", "1.62mV"});

    const swept_values seed = index_values(parse_axis("run.seed=1,2"));
    CHECK(seed.numeric);
    CHECK(seed.unit == "1");
    CHECK(seed.numbers == std::vector<double>{1, 2});

    CHECK_FALSE(index_values(parse_axis("hardware.topology=mesh,tree")).numeric);
    CHECK_FALSE(index_values(parse_axis("x.y=10 ms,20 mV")).numeric);  // no common unit
    const swept_values text = index_values(parse_axis("x.y=10 ms,fast"));
    CHECK_FALSE(text.numeric);
    CHECK(text.unit.empty());
}

TEST_CASE("a point that cannot run fails before any point runs, naming the point and key") {
    const model_registry models = builtin_models();
    const std::vector<sweep_axis> axes{parse_axis("projections.drive.weight=1 mV,2 mV"),
                                       parse_axis("populations.exc.params.tau_m=10 ms,20")};
    CHECK_THROWS_WITH_AS(prepare_sweep(request_for(axes), models, builtin_families()),
                         doctest::Contains("sweep point 1 (projections.drive.weight=1 mV, "
                                           "populations.exc.params.tau_m=20)"),
                         user_error);
    // A crossbar that does not fit its arrays fails when the network is built: still before
    // the first run.
    sweep_request r = request_for({parse_axis("crossbar.replicas=1,2")});
    r.load = [](const std::vector<std::string>& overrides) {
        return parse_config_text(network + "\n[crossbar]\npreset = \"sram_cim_yin2022\"\nprojections = [\"drive\"]\n",
                                 "net.toml", overrides);
    };
    CHECK_THROWS_WITH_AS(prepare_sweep(r, models, builtin_families()),
                         doctest::Contains("sweep point 1 (crossbar.replicas=2)"), user_error);
}

TEST_CASE("each point's rates equal those of a single run with its values, bit for bit") {
    const model_registry models = builtin_models();
    const std::vector<sweep_axis> axes{parse_axis("projections.drive.weight=3 mV,4 mV"),
                                       parse_axis("projections.recurrent.weight=0.5 mV,1.5 mV")};
    const sweep_request request = request_for(axes, {{"projections.drive.weight", "projections.recurrent.weight"}});
    const std::vector<sweep_point> points = prepare_sweep(request, models, builtin_families());
    REQUIRE(points.size() == 2);
    sweep_run_options options;
    options.jobs = 2;
    const std::vector<sweep_point_result> results = run_sweep(points, options, models);
    const sweep_table table = tabulate_sweep(axes, points, results);
    const std::vector<double>& rate = reals(table.metrics, "rate/exc");
    CHECK(rate[0] == single_run_rate({"projections.drive.weight=3 mV", "projections.recurrent.weight=0.5 mV"}, "exc"));
    CHECK(rate[1] == single_run_rate({"projections.drive.weight=4 mV", "projections.recurrent.weight=1.5 mV"}, "exc"));
    CHECK(rate[1] > rate[0]);
    CHECK(rate[0] > 0);
    CHECK(reals(table.metrics, "rate/noise")[0] == fluxon::test::approx(40).epsilon(0.15));
    CHECK(reals(table.parameters, "projections.drive.weight") == std::vector<double>{3e-3, 4e-3});
    CHECK(table.parameters.find("projections.drive.weight")->unit == "V");
    CHECK(std::get<std::vector<std::int64_t>>(table.metrics.find("synaptic_events")->values)[0] > 0);
    CHECK(table.metrics.find("energy") == nullptr);  // no device, no energy column
    // The same grid run again, one point at a time, gives the same numbers.
    options.jobs = 1;
    const sweep_table again = tabulate_sweep(axes, points, run_sweep(points, options, models));
    CHECK(reals(again.metrics, "rate/exc") == rate);
}

TEST_CASE("a sweep directory: refused when not empty, cleared of an earlier sweep's files") {
    const test::scratch_dir dir("sweep_test", false);
    const std::string d = dir.path.string();
    refuse_existing_sweep(d, false, "--force");  // absent: fine
    fs::create_directories(dir.path);
    refuse_existing_sweep(d, false, "--force");  // empty: fine
    for (const char* name : {"run_0000.h5", "run_0003.h5", "index.json", "index.h5", "notes.txt"}) {
        std::ofstream(dir.path / name) << "x";
    }
    fs::create_directories(dir.path / "report");
    std::ofstream(dir.path / "report" / "index.html") << "x";
    CHECK_THROWS_WITH_AS(refuse_existing_sweep(d, false, "--force"),
                         doctest::Contains("the directory is not empty (it holds index.h5, index.json, notes.txt "
                                           "and 3 more); pass --force"),
                         io_error);
    refuse_existing_sweep(d, true, "--force");
    prepare_sweep_directory(d);
    std::vector<std::string> left;
    for (const auto& entry : fs::directory_iterator(dir.path)) left.push_back(entry.path().filename().string());
    CHECK(left == std::vector<std::string>{"notes.txt"});
}

TEST_SUITE_END();
