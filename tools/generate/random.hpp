// Random numbers of the data generator (toets-generate): splitmix64, seeded per row, and integer
// weighted picks. Never <random>'s distributions (their output differs between standard libraries)
// and no floating point, so the same seed gives the same bytes everywhere.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace toets::generate {

// Random numbers: splitmix64, seeded per row from (seed, stream, row), so any row can be made
// on its own, in any order, by any thread, with the same result.

constexpr std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
constexpr std::uint64_t hash3(std::uint64_t a, std::uint64_t b, std::uint64_t c) {
  return mix64(mix64(mix64(a + 0x9E3779B97F4A7C15ull) ^ (b + 0x632BE59BD9B4E019ull)) ^ (c + 0x85157AF5ull));
}

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() { return mix64(state_ += 0x9E3779B97F4A7C15ull); }
  // Uniform in [0, n).
  std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(((next() >> 32) * n) >> 32); }
  // Uniform in [lo, hi], both included.
  std::int64_t range(std::int64_t lo, std::int64_t hi) {
    const auto span = static_cast<std::uint64_t>(hi - lo) + 1;
    return lo + static_cast<std::int64_t>(next() % span);
  }
  bool permille(std::uint32_t p) { return below(1000) < p; }

 private:
  std::uint64_t state_;
};

// Streams: one per kind of record, so the files do not depend on one another's sizes.
enum Stream : std::uint64_t { kDwelling = 1, kLabel = 2, kAllocation = 3, kMutation = 4, kProject = 5, kProfile = 6 };

// Picks an index by integer weights.
template <std::size_t N>
std::size_t pick(Rng& rng, const std::array<std::uint32_t, N>& weights) {
  std::uint32_t total = 0;
  for (auto w : weights) total += w;
  std::uint32_t x = rng.below(total);
  for (std::size_t i = 0; i < N; ++i) {
    if (x < weights[i]) return i;
    x -= weights[i];
  }
  return N - 1;
}

}  // namespace toets::generate
