#pragma once
// Random streams that do not depend on how work is split across threads: every consumer
// derives its own seed from (run seed, what it is, which one), and per-neuron per-step draws
// come from a counter-based hash of those coordinates, never from a shared generator.
#include <cmath>
#include <cstdint>

#include <boost/random/mersenne_twister.hpp>

namespace fluxon {

// What a random stream is for; part of the derived seed so that streams never collide.
enum class stream_kind : std::uint64_t { connectivity = 1, weights = 2, delays = 3, initial_state = 4,
                                         neuron_noise = 5, device = 6, drive = 7 };

// A 64-bit finaliser with full avalanche (the splitmix64 mixing constants).
constexpr std::uint64_t mix64(std::uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

constexpr std::uint64_t derive_seed(std::uint64_t seed, stream_kind kind, std::uint64_t index,
                                    std::uint64_t sub = 0) {
    std::uint64_t h = mix64(seed + 0x9e3779b97f4a7c15ULL);
    h = mix64(h ^ (static_cast<std::uint64_t>(kind) * 0x9e3779b97f4a7c15ULL));
    h = mix64(h ^ (index + 0x632be59bd9b4e019ULL));
    return mix64(h ^ (sub + 0x85ebca77c2b2ae63ULL));
}

// The part of a draw's hash that depends on its first coordinate only: a caller drawing for the
// same `a` at many `b` (a neuron at every step) computes it once.
constexpr std::uint64_t counter_key(std::uint64_t stream_seed, std::uint64_t a) {
    return mix64(stream_seed ^ mix64(a + 0x9e3779b97f4a7c15ULL));
}

constexpr double counter_uniform_keyed(std::uint64_t key, std::uint64_t b) {
    return static_cast<double>(mix64(key ^ b) >> 11) * 0x1.0p-53;
}

// Uniform in [0, 1) with 53 random bits, from the coordinates of one draw.
constexpr double counter_uniform(std::uint64_t stream_seed, std::uint64_t a, std::uint64_t b) {
    return counter_uniform_keyed(counter_key(stream_seed, a), b);
}

// Standard normal from the coordinates of one draw (Box-Muller on two counter draws).
inline double counter_normal(std::uint64_t stream_seed, std::uint64_t a, std::uint64_t b) {
    const double u1 = counter_uniform(stream_seed, a, 2 * b);
    const double u2 = counter_uniform(stream_seed, a, 2 * b + 1);
    return std::sqrt(-2.0 * std::log1p(-u1)) * std::cos(6.283185307179586 * u2);
}

// A sequential generator for bulk work done by one thread (connectivity, initial values).
using sequential_rng = boost::random::mt19937_64;

}  // namespace fluxon
