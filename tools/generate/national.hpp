// The national parameters the data generator places incomes and rents around
// (shared/design/domain.md), in cents, per year 2021-2026. It does not read rules/.
#pragma once

#include <array>
#include <cstdint>

namespace toets::generate {

constexpr int kFirstYear = 2021;
constexpr int kYears = 6;  // 2021-2026
constexpr std::array<std::int64_t, kYears> kDaeb1 = {4002400, 4076500, 4403500, 4769900, 4966900, 5153700};
constexpr std::array<std::int64_t, kYears> kDaeb2 = {4002400, 4501400, 4862500, 5267100, 5484700, 5691000};
constexpr std::array<std::int64_t, kYears> kPassend1 = {2372500, 2407500, 2547500, 2772500, 2837500, 2940000};
constexpr std::array<std::int64_t, kYears> kPassend2 = {3220000, 3267500, 3457500, 3762500, 3850000, 3992500};
constexpr std::array<std::int64_t, kYears> kPassendAow1 = {2365000, 2397500, 2507500, 2722500, 2777500, 2877500};
// 2024: no official figure (national.toets says `unknown`); 2023's is used only to place incomes.
constexpr std::array<std::int64_t, kYears> kPassendAow2 = {3207500, 3255000, 3380000, 3380000, 3735000, 3865000};
constexpr std::array<std::int64_t, kYears> kAftopLaag = {63325, 63325, 64719, 65043, 68296, 71302};
constexpr std::array<std::int64_t, kYears> kAftopHoog = {67866, 67866, 69360, 69707, 73193, 76414};
constexpr std::array<std::int64_t, kYears> kKwaliteit = {44246, 44246, 45220, 45447, 47720, 49820};
constexpr std::array<std::int64_t, kYears> kLiberalisatie = {75233, 76347, 80806, 87966, 90007, 93293};
// Rent level of the stock per snapshot relative to 2021, per mille (huursom increases).
constexpr std::array<std::int64_t, kYears> kRentIndex = {1000, 1000, 1023, 1054, 1110, 1160};
constexpr int kAowAge = 67;

}  // namespace toets::generate
