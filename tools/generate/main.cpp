// toets-generate: deterministic synthetic exports in the canonical data format
// (shared/design/data-format.md) for benchmarks and tests.
//
//   toets-generate [--seed S] [--allocations N] [--stock N] [--mutations N] [--projects N]
//                  [--out DIR] [--include-unknown-2024]
//
// Writes DIR/allocations.csv, stock.csv, mutations.csv and projects.csv (a file whose count is 0
// is not written), each from its own source file beside this one (docs/architecture.md). The
// same seed and sizes give the same bytes on every machine: the generator uses its own integer
// random numbers (splitmix64, random.hpp), never <random>'s distributions (whose output differs
// between standard libraries) and no floating point.
//
// What the data looks like (docs/performance.md has the full list):
// - the dwellings of nine corporations (Trivire, Woonbron, Clavis, Woongoed Zeeuws-Vlaanderen,
//   Portaal, Vecht en Omstreken, Vivare, Plavei, Woonzorg Nederland) in 14 municipalities, among
//   them Dordrecht, Terneuzen and Stichtse Vecht with their kernen, and Westervoort, weighted
//   roughly by their social stock;
// - stock: one row per dwelling per snapshot, 1 January 2021-2026, snapshot by snapshot, within a
//   snapshot sorted by dwelling id (so by corporation). Energy labels only improve: every year a
//   share of the E/F/G dwellings is renovated, fast at some corporations and slow at others, so
//   the E/F/G deadline rules find both on_track and at_risk. Monuments keep their labels. Some
//   dwellings are built, sold, demolished or liberalised over the period.
// - allocations: lets of those dwellings, 2021-2026 (the national parameter tables end at 2026),
//   sorted by contract date as a regional allocation system exports them, so the corporations are
//   interleaved. Per corporation and year the share of incomes above the DAEB limit follows a
//   pattern of 3.5%, 5%, 11% and 20%, so free-allocation rules find ok, signal and breach; incomes
//   have a tail far above the limits and sometimes sit exactly on a limit (inside it) or a cent
//   above it. Most lets are regular; Stichtse Vecht lets more to special groups (around 30%).
// - edge groups, a few hand-made rows written first, so that every rule also finds no_data groups
//   at any size: a small almshouse foundation in Dordrecht ("Stichting Dordtse Hofjes") whose
//   dwellings are all monuments and whose 2021 lets were middle rent to high incomes, and one
//   middle-rent let of Woonzorg Nederland in Stichtse Vecht in 2021.
//
// National rule BTIV-54a needs the passend-toewijzen limit for AOW-age households of 2+ persons,
// which national.toets marks `unknown` for 2024 (no official figure). A single such let makes the
// rule stop with an error, so by default the generator lets to AOW-age households of one person
// only in 2024; --include-unknown-2024 lifts that.

#include <CLI/CLI.hpp>

#include <charconv>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>

#include "tools/generate/datasets.hpp"
#include "tools/generate/output.hpp"

namespace {

constexpr std::uint64_t kMaxCount = 2000000000;

// A count as the command line gives it: digits, optionally ending in k (thousands) or m
// (millions), at most kMaxCount.
bool parse_count(std::string_view s, std::uint64_t& out) {
  std::uint64_t scale = 1;
  if (!s.empty() && (s.back() == 'k' || s.back() == 'K')) scale = 1000;
  if (!s.empty() && (s.back() == 'm' || s.back() == 'M')) scale = 1000000;
  if (scale != 1) s.remove_suffix(1);
  std::uint64_t v = 0;
  const auto res = std::from_chars(s.data(), s.data() + s.size(), v);
  if (res.ec != std::errc() || res.ptr != s.data() + s.size() || s.empty()) return false;
  out = v * scale;
  return out / scale == v && out <= kMaxCount;
}

// Turns "10k" into "10000" before CLI11 stores the number; anything else is refused.
const CLI::Validator kCount(
    [](std::string& text) {
      std::uint64_t value = 0;
      if (!parse_count(text, value)) {
        return "'" + text + "' is not a whole number (at most 2,000,000,000; it may end in k or m)";
      }
      text = std::to_string(value);
      return std::string();
    },
    "", "count");

constexpr const char* kNotes =
    "Writes canonical CSV files (allocations.csv, stock.csv, mutations.csv, projects.csv) into DIR\n"
    "(default: the current directory). N may end in k or m (1m = 1,000,000). A count of 0 skips\n"
    "that file. The same seed and counts give the same bytes.\n"
    "--stock N is the number of stock rows: dwellings x yearly snapshots (2021-2026).\n"
    "Programmes counted in absolute numbers (Wonen Eerst, planned new-build and sales in the\n"
    "agreement municipalities, ...) are fixed schedules: about 560 lets (for 20k lets or more)\n"
    "and 2,500 mutations (whenever N > 0, even if N is smaller) of the N rows.\n"
    "--include-unknown-2024 also lets to AOW-age households of 2+ persons in 2024, for which\n"
    "national.toets has no passend-toewijzen limit (rule BTIV-54a then stops with an error).";

struct Options {
  std::uint64_t seed = 1;
  std::uint64_t allocations = 10000;
  std::uint64_t stock = 30000;
  std::uint64_t mutations = 2000;
  std::uint64_t projects = 200;
  std::string out = ".";
  bool include_unknown_2024 = false;
};

void add_options(CLI::App& app, Options& o) {
  app.footer(kNotes);
  const auto count = [&app](const char* name, std::uint64_t& target, const char* help) {
    app.add_option(name, target, help)->transform(kCount)->type_name("N")->capture_default_str();
  };
  count("--seed", o.seed, "Random seed");
  count("--allocations", o.allocations, "Rows of allocations.csv");
  count("--stock", o.stock, "Rows of stock.csv");
  count("--mutations", o.mutations, "Rows of mutations.csv");
  count("--projects", o.projects, "Rows of projects.csv");
  app.add_option("--out", o.out, "Directory to write into (created if missing)")
      ->type_name("DIR")
      ->capture_default_str();
  app.add_flag("--include-unknown-2024", o.include_unknown_2024,
               "Also let to AOW-age households of 2+ persons in 2024 (see below)");
}

}  // namespace

int main(int argc, char** argv) {
  using namespace toets::generate;
  CLI::App app{"toets-generate: deterministic synthetic exports in the canonical data format"};
  app.name("toets-generate");
  Options o;
  add_options(app, o);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  if (o.out.empty()) {
    std::cerr << "toets-generate: --out needs a directory (an empty one was given)\n";
    return 2;
  }
  const std::filesystem::path dir = o.out;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    std::cerr << "toets-generate: cannot create " << dir << ": " << ec.message() << "\n";
    return 2;
  }
  const Universe universe = make_universe(o.seed, o.stock, o.allocations);
  (void)calendar();  // built once, before the threads share it

  // The two big files are independent: one thread each (the machine has two cores).
  std::thread stock_thread;
  if (o.stock > 0) stock_thread = std::thread([&] { write_stock(universe, o.stock, dir / "stock.csv"); });
  if (o.allocations > 0) write_allocations(universe, o.allocations, o.include_unknown_2024, dir / "allocations.csv");
  if (o.mutations > 0) write_mutations(universe, o.mutations, dir / "mutations.csv");
  if (o.projects > 0) write_projects(universe, o.projects, dir / "projects.csv");
  if (stock_thread.joinable()) stock_thread.join();
  return 0;
}
