// The four data sets of toets-generate, one file each (stock.cpp, allocations.cpp,
// mutations.cpp, projects.cpp). Each writes `rows` rows of canonical CSV to `path` (the
// allocations and mutations write their fixed schedules even when rows is smaller, see there).
#pragma once

#include <cstdint>
#include <filesystem>

#include "tools/generate/dwellings.hpp"

namespace toets::generate {

void write_stock(const Universe& u, std::uint64_t rows, const std::filesystem::path& path);
void write_allocations(const Universe& u, std::uint64_t rows, bool include_unknown_2024,
                       const std::filesystem::path& path);
void write_mutations(const Universe& u, std::uint64_t rows, const std::filesystem::path& path);
void write_projects(const Universe& u, std::uint64_t rows, const std::filesystem::path& path);

}  // namespace toets::generate
