"""Analyses a saved run without re-running it: rates and ISI CV per population, a raster and a
population-rate histogram per population as PNGs.

Run:  python3 examples/python/analyze.py cuba_py.h5 figures/

Needs only numpy, h5py and matplotlib (not the C++ extension).
"""
import os
import sys

from fluxon import analysis, plot


def main(run_path, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    rows = []
    with analysis.open_run(run_path) as run:
        t_stop = run.time_reached
        for pop in run.spike_populations():
            times, ids = run.spikes(pop)
            n = run.n_neurons(pop)
            _, mean_cv = analysis.cv_isi(times, ids, n)
            rows.append({"population": pop, "neurons": n, "spikes": len(times),
                         "rate_hz": analysis.population_rate(times, len(run.recorded_ids(pop)), 0.0, t_stop),
                         "cv_isi": mean_cv})
            plot.raster(run, pop, os.path.join(out_dir, f"{pop}_raster.png"), max_neurons=200)
            plot.rate_histogram(run, pop, os.path.join(out_dir, f"{pop}_rate.png"), bin_size=0.01)
        print(f"{run_path}: {run.status}, {t_stop:g} s simulated")
    print(analysis.format_table(rows))
    print(f"figures in {out_dir}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: analyze.py RUN_FILE OUTPUT_DIR")
    main(sys.argv[1], sys.argv[2])
