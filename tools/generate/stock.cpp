// stock.csv: one row per dwelling per snapshot (1 January 2021-2026), snapshot by snapshot,
// within a snapshot by dwelling id; the almshouse foundation's eight monuments first.
#include <array>

#include "tools/generate/datasets.hpp"
#include "tools/generate/output.hpp"
#include "tools/generate/random.hpp"

namespace toets::generate {
namespace {

void write_dwelling_id(Writer& out, Corp corp, std::uint64_t d) {
  out.put(kCorpInfo[corp].prefix);
  out.put_padded(d, 9);
}

}  // namespace

void write_stock(const Universe& u, std::uint64_t rows, const std::filesystem::path& path) {
  Writer out(path);
  out.put(
      "dwelling_id,snapshot_date,corporation,municipality,kern,neighbourhood,segment,daeb,rent,energy_label,"
      "monument,zero_step,flex\n");
  const Calendar& cal = calendar();
  std::uint64_t written = 0;
  // One pass per snapshot; dwellings are rebuilt from their hash each time (cheaper than keeping
  // them: a dwelling is ~100 bytes, ten million of them a gigabyte).
  for (int s = 0; s < kYears && written < rows; ++s) {
    const std::string_view date = cal.date(cal.new_year(s));
    for (int h = 0; h < kHofjesDwellings && written < rows; ++h, ++written) {
      static constexpr std::array<const char*, kHofjesDwellings> labels = {"E", "F", "G", "D", "E", "C", "F", "G"};
      out.put("HOF");
      out.put_padded(static_cast<std::uint64_t>(h), 9);
      out.put(',');
      out.put(date);
      out.put(",Stichting Dordtse Hofjes,Dordrecht,,Binnenstad,sociaal,true,");
      out.put_money((52000 + h * 1500) * kRentIndex[static_cast<std::size_t>(s)] / 1000);
      out.put(',');
      out.put(labels[static_cast<std::size_t>(h)]);
      out.put(",true,false,false\n");
    }
    for (std::uint64_t d = 0; d < u.dwellings && written < rows; ++d) {
      Dwelling lite;
      lifetime(u.seed, d, corp_of(u.layout, d), lite);
      if (s < lite.first_snapshot || s > lite.last_snapshot) continue;
      const Dwelling w = make_dwelling(u.seed, u.layout, d);
      const Area& area = areas()[w.area];
      write_dwelling_id(out, w.corp, d);
      out.put(',');
      out.put(date);
      out.put(',');
      out.put(kCorpInfo[w.corp].name);
      out.put(',');
      out.put(area.municipality);
      out.put(',');
      out.put(area.kern);
      out.put(',');
      if (w.neighbourhood != 255) out.put(area.neighbourhoods[w.neighbourhood]);
      out.put(',');
      const Segment segment = segment_at(w, s);
      out.put(kSegmentName[segment]);
      out.put(',');
      out.put_bool(segment == kSociaal ? w.daeb : 0);
      out.put(',');
      // Portaal raises its rents more in 2026 (Stichtse Vecht 3.2.1 then signals).
      const std::int64_t index = w.corp == kPortaal && s == 5 ? 1220 : kRentIndex[static_cast<std::size_t>(s)];
      out.put_money(w.rent_2021 * index / 1000);
      out.put(',');
      out.put(kLabelName[w.label[static_cast<std::size_t>(s)]]);
      out.put(',');
      out.put_bool(w.monument_cell);
      out.put(',');
      out.put_bool(w.zero_step);
      out.put(',');
      out.put_bool(w.flex);
      out.put('\n');
      ++written;
    }
  }
  out.close();
}

}  // namespace toets::generate
