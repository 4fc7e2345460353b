// projects.csv: new-build projects of corporations and market parties, delivered 2021-2030.
#include <array>

#include "tools/generate/datasets.hpp"
#include "tools/generate/output.hpp"
#include "tools/generate/random.hpp"

namespace toets::generate {

void write_projects(const Universe& u, std::uint64_t rows, const std::filesystem::path& path) {
  Writer out(path);
  out.put("project_id,municipality,name,developer,delivery_year,total_dwellings,social_rent,middle_rent\n");
  static constexpr std::array<const char*, 16> names = {
      "Havenkwartier", "Stationsgebied",  "Kloosterhof", "Vechtoever",     "De Schakel",   "Parkzicht",
      "Molenwerf",     "Spoorzone",       "Het Hofje",   "Rivierzicht",    "Oude Veiling", "Kerkplein",
      "Dijkzone",      "Scheldekwartier", "Zuidrand",    "Tuinen van West"};
  static constexpr std::array<const char*, 7> market = {"BPD",        "Heijmans", "Dura Vermeer", "VORM",
                                                        "Van Wijnen", "AM",       "Synchroon"};
  for (std::uint64_t i = 0; i < rows; ++i) {
    Rng rng(hash3(u.seed, kProject, i));
    const Dwelling w = make_dwelling(u.seed, u.layout, rng.next() % u.dwellings);
    const Area& area = areas()[w.area];
    const std::int64_t delivery_year = 2021 + rng.below(10);
    // Corporations deliver in waves: in one year of three most projects are the market's.
    const bool by_corporation = rng.permille(delivery_year % 3 == 0 ? 100 : 600);
    const std::uint32_t size_class = rng.below(100);
    std::int64_t total =
        size_class < 25 ? rng.range(4, 15) : (size_class < 75 ? rng.range(16, 80) : rng.range(81, 320));
    if (rng.permille(40)) total = 16;  // the Stichtse Vecht 3.1.1 boundary: 16 homes or more
    std::int64_t social = 0;
    std::int64_t middle = 0;
    if (by_corporation) {
      social = total * rng.range(50, 100) / 100;
      middle = (total - social) * rng.range(0, 100) / 100;
    } else {
      static constexpr std::array<std::int64_t, 8> shares = {0, 10, 20, 25, 30, 30, 35, 40};
      const std::int64_t pct = shares[rng.below(8)];
      social = rng.permille(300) ? total * pct / 100 : (total * pct + 99) / 100;  // sometimes just below
      middle = (total - social) * rng.range(0, 40) / 100;
    }
    out.put('P');
    out.put_padded(i + 1, 6);
    out.put(',');
    out.put(area.municipality);
    out.put(',');
    out.put(names[rng.below(names.size())]);
    out.put(" fase ");
    out.put_int(1 + rng.below(4));
    out.put(',');
    out.put(by_corporation ? kCorpInfo[w.corp].name : market[rng.below(market.size())]);
    out.put(',');
    out.put_int(delivery_year);
    out.put(',');
    out.put_int(total);
    out.put(',');
    out.put_int(social);
    out.put(',');
    if (!rng.permille(150)) out.put_int(middle);
    out.put('\n');
  }
  out.close();
}

}  // namespace toets::generate
