// The areas of the generated data: municipalities and kernen, the corporations that own
// dwellings there (weighted roughly by their social stock) and CBS-buurt names.
#include <cstdlib>
#include <cstring>

#include "tools/generate/dwellings.hpp"

namespace toets::generate {

const std::vector<Area>& areas() {
  static const std::vector<Area> list = {
      {"Dordrecht",
       "",
       190,
       {{kTrivire, 52}, {kWoonbron, 48}},
       {"Binnenstad", "Crabbehof", "Wielwijk", "Oud-Krispijn", "Nieuw-Krispijn", "Sterrenburg", "Stadspolders",
        "Dubbeldam", "Reeland", "Staart", "Vogelbuurt", "Land van Valk"}},
      {"Papendrecht", "Papendrecht", 30, {{kTrivire, 100}}, {"Westpolder", "Molenvliet", "Kraaihoek", "Oostpolder"}},
      {"Rotterdam",
       "",
       400,
       {{kWoonbron, 93}, {kWoonzorg, 7}},
       {"Charlois", "Feijenoord", "IJsselmonde", "Delfshaven", "Prins Alexander", "Noord", "Kralingen", "Hoogvliet"}},
      {"Nissewaard", "Spijkenisse", 50, {{kWoonbron, 100}}, {"Groenewoud", "Maaswijk", "Waterland", "De Akkers"}},
      {"Terneuzen",
       "Terneuzen",
       36,
       {{kClavis, 85}, {kWzv, 15}},
       {"Terneuzen-Centrum", "Terneuzen-Noord", "Terneuzen-Zuid", "Othene", "Triniteit", "Zeldenrust"}},
      {"Terneuzen", "Axel", 8, {{kWzv, 80}, {kClavis, 20}}, {"Axel-Centrum", "Axel-Noord"}},
      {"Terneuzen", "Sas van Gent", 6, {{kWzv, 100}}, {"Sas van Gent"}},
      {"Terneuzen", "Sluiskil", 4, {{kWzv, 100}}, {"Sluiskil"}},
      {"Terneuzen", "Zaamslag", 4, {{kWzv, 100}}, {"Zaamslag"}},
      {"Terneuzen", "Hoek", 4, {{kWzv, 100}}, {"Hoek"}},
      {"Terneuzen", "Philippine", 2, {{kWzv, 100}}, {"Philippine"}},
      {"Terneuzen", "Westdorpe", 2, {{kWzv, 100}}, {"Westdorpe"}},
      {"Terneuzen", "Koewacht", 2, {{kWzv, 100}}, {"Koewacht"}},
      {"Terneuzen", "Biervliet", 1, {{kWzv, 100}}, {"Biervliet"}},
      {"Terneuzen", "Zuiddorpe", 1, {{kWzv, 100}}, {"Zuiddorpe"}},
      {"Hulst", "Hulst", 12, {{kWzv, 100}}, {"Hulst-Centrum", "Hulst-Zuid"}},
      {"Hulst", "Kloosterzande", 4, {{kWzv, 100}}, {"Kloosterzande"}},
      {"Hulst", "Clinge", 3, {{kWzv, 100}}, {"Clinge"}},
      {"Sluis", "Oostburg", 6, {{kWzv, 100}}, {"Oostburg"}},
      {"Sluis", "Breskens", 5, {{kWzv, 100}}, {"Breskens"}},
      {"Sluis", "Aardenburg", 3, {{kWzv, 100}}, {"Aardenburg"}},
      {"Stichtse Vecht",
       "Maarssen",
       28,
       {{kPortaal, 85}, {kVeo, 15}},
       {"Maarssenbroek", "Maarssen-dorp", "Op Buuren", "Antilopespoor", "Zogwetering"}},
      {"Stichtse Vecht",
       "Breukelen",
       12,
       {{kVeo, 60}, {kPortaal, 40}},
       {"Breukelen-Noord", "Breukelen-Zuid", "Oranjebuurt"}},
      {"Stichtse Vecht", "Loenen aan de Vecht", 5, {{kVeo, 100}}, {"Loenen aan de Vecht"}},
      {"Stichtse Vecht", "Kockengen", 3, {{kPortaal, 100}}, {"Kockengen"}},
      {"Stichtse Vecht", "Nigtevecht", 3, {{kVeo, 70}, {kPortaal, 30}}, {"Nigtevecht"}},
      {"Stichtse Vecht", "Nieuwer Ter Aa", 1, {{kVeo, 100}}, {"Nieuwer Ter Aa"}},
      {"Stichtse Vecht", "Vreeland", 1, {{kVeo, 100}}, {"Vreeland"}},
      {"Stichtse Vecht", "Nieuwersluis", 1, {{kVeo, 100}}, {"Nieuwersluis"}},
      {"Stichtse Vecht", "Tienhoven", 1, {{kPortaal, 100}}, {"Tienhoven"}},
      {"Stichtse Vecht", "Loenersloot", 1, {{kVeo, 100}}, {"Loenersloot"}},
      {"Stichtse Vecht", "Oud-Zuilen", 1, {{kPortaal, 100}}, {"Oud-Zuilen"}},
      {"Utrecht",
       "",
       320,
       {{kPortaal, 94}, {kWoonzorg, 6}},
       {"Overvecht", "Kanaleneiland", "Zuilen", "Lunetten", "Hoograven", "Leidsche Rijn", "Ondiep"}},
      {"Nijmegen", "", 140, {{kPortaal, 100}}, {"Dukenburg", "Lindenholt", "Hatert", "Oud-West", "Bottendaal"}},
      {"Arnhem",
       "",
       225,
       {{kVivare, 53}, {kPortaal, 40}, {kWoonzorg, 7}},
       {"Presikhaaf", "Malburgen", "Klarendal", "Geitenkamp", "Rijkerswoerd", "Elderveld"}},
      {"Westervoort",
       "Westervoort",
       25,
       {{kVivare, 70}, {kPlavei, 18}, {kWoonzorg, 12}},
       {"Westervoort-Noord", "Westervoort-Zuid", "Centrum"}},
      {"Duiven", "Duiven", 20, {{kVivare, 55}, {kPlavei, 45}}, {"Duiven-Oost", "Duiven-West", "Centrum"}},
      {"Duiven", "Groessen", 3, {{kPlavei, 100}}, {"Groessen"}},
  };
  return list;
}

const Area& area_named(const char* municipality, const char* kern) {
  for (const Area& area : areas()) {
    if (std::strcmp(area.municipality, municipality) == 0 && std::strcmp(area.kern, kern) == 0) return area;
  }
  std::abort();
}

}  // namespace toets::generate
