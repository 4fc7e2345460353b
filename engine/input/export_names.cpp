// Dutch export names of the canonical columns and values (data-format.md's columns, as housing
// systems such as those of the fixtures' corporations head them). Normalised: see normalized_name.

#include "engine/input/export_names.hpp"

namespace toets {

namespace {

constexpr ExportColumnName kColumnNames[] = {
    // allocations
    {"allocation_id", "toewijzingsnummer"}, {"allocation_id", "toewijzingnummer"}, {"allocation_id", "toewijzing id"},
    {"allocation_id", "toewijzingsid"}, {"allocation_id", "toewijzing nr"}, {"allocation_id", "id toewijzing"},
    {"allocation_id", "verhuringsnummer"}, {"allocation_id", "verhuring id"}, {"allocation_id", "contractnummer"},
    {"allocation_id", "huurcontractnummer"}, {"allocation_id", "allocation id"},
    {"corporation", "corporatie"}, {"corporation", "woningcorporatie"}, {"corporation", "verhuurder"},
    {"corporation", "toegelaten instelling"}, {"corporation", "organisatie"},
    {"municipality", "gemeente"}, {"municipality", "gemeentenaam"},
    {"kern", "woonkern"}, {"kern", "dorpskern"}, {"kern", "dorp"},
    {"neighbourhood", "buurt"}, {"neighbourhood", "cbs buurt"}, {"neighbourhood", "buurtnaam"},
    {"neighbourhood", "wijk"}, {"neighbourhood", "neighborhood"},
    {"contract_date", "ingangsdatum contract"}, {"contract_date", "ingangsdatum"},
    {"contract_date", "ingangsdatum huurcontract"}, {"contract_date", "ingangsdatum huur"},
    {"contract_date", "contractdatum"}, {"contract_date", "startdatum contract"}, {"contract_date", "begindatum contract"},
    {"contract_date", "datum ingang contract"}, {"contract_date", "contract date"},
    {"dwelling_id", "vhe nummer"}, {"dwelling_id", "vhe"}, {"dwelling_id", "vhe nr"}, {"dwelling_id", "vhe id"},
    {"dwelling_id", "vhe code"}, {"dwelling_id", "vhenummer"}, {"dwelling_id", "verhuureenheid"},
    {"dwelling_id", "eenheidnummer"}, {"dwelling_id", "eenheidsnummer"}, {"dwelling_id", "objectnummer"},
    {"dwelling_id", "woning id"}, {"dwelling_id", "dwelling id"},
    {"segment", "huursegment"}, {"segment", "prijssegment"},
    {"daeb", "daeb niet daeb"}, {"daeb", "daeb status"}, {"daeb", "daeb bezit"},
    {"new_build", "nieuwbouw"}, {"new_build", "eerste verhuring"}, {"new_build", "nieuwbouw eerste verhuring"},
    {"new_build", "new build"},
    {"rent", "kale huur"}, {"rent", "kalehuur"}, {"rent", "netto huur"}, {"rent", "nettohuur"},
    {"rent", "netto kale huur"}, {"rent", "kale huurprijs"}, {"rent", "huurprijs"}, {"rent", "huur"},
    {"household_size", "huishoudgrootte"}, {"household_size", "huishoudensgrootte"},
    {"household_size", "grootte huishouden"}, {"household_size", "aantal personen"},
    {"household_size", "aantal personen huishouden"}, {"household_size", "aantal bewoners"},
    {"household_size", "household size"},
    {"household_income", "toetsinkomen"}, {"household_income", "huishoudinkomen"},
    {"household_income", "verzamelinkomen"}, {"household_income", "jaarinkomen"}, {"household_income", "inkomen"},
    {"household_income", "household income"},
    {"applicant_age", "leeftijd"}, {"applicant_age", "leeftijd hoofdaanvrager"}, {"applicant_age", "leeftijd aanvrager"},
    {"applicant_age", "leeftijd hoofdhuurder"}, {"applicant_age", "applicant age"},
    {"channel", "toewijzingskanaal"}, {"channel", "kanaal"}, {"channel", "toewijzingsreden"},
    {"channel", "reden toewijzing"}, {"channel", "toewijzingsgrond"}, {"channel", "verhuurkanaal"},
    {"channel", "bemiddelingsvorm"},
    {"energy_label", "energielabel"}, {"energy_label", "energie label"}, {"energy_label", "label"},
    {"energy_label", "energieklasse"}, {"energy_label", "energy label"},
    // stock
    {"snapshot_date", "peildatum"}, {"snapshot_date", "standdatum"}, {"snapshot_date", "snapshot date"},
    {"monument", "rijksmonument"}, {"monument", "monumentstatus"}, {"monument", "gemeentelijk monument"},
    {"zero_step", "nultredenwoning"}, {"zero_step", "nultreden"}, {"zero_step", "0 treden"}, {"zero_step", "zero step"},
    {"flex", "flexwoning"}, {"flex", "tijdelijke woning"},
    // mutations
    {"mutation_id", "mutatienummer"}, {"mutation_id", "mutatie id"}, {"mutation_id", "mutatieid"},
    {"mutation_id", "mutation id"},
    {"date", "mutatiedatum"}, {"date", "datum mutatie"}, {"date", "datum"},
    {"kind", "soort mutatie"}, {"kind", "mutatiesoort"}, {"kind", "type mutatie"}, {"kind", "mutatietype"},
    {"kind", "mutatie"},
    // projects
    {"project_id", "projectnummer"}, {"project_id", "project id"}, {"project_id", "projectcode"},
    {"name", "projectnaam"}, {"name", "naam project"}, {"name", "naam"},
    {"developer", "ontwikkelaar"}, {"developer", "projectontwikkelaar"}, {"developer", "initiatiefnemer"},
    {"delivery_year", "opleverjaar"}, {"delivery_year", "jaar oplevering"}, {"delivery_year", "oplevering"},
    {"delivery_year", "delivery year"},
    {"total_dwellings", "aantal woningen"}, {"total_dwellings", "totaal woningen"},
    {"total_dwellings", "totaal aantal woningen"}, {"total_dwellings", "woningen totaal"},
    {"social_rent", "sociale huur"}, {"social_rent", "sociale huurwoningen"}, {"social_rent", "aantal sociale huur"},
    {"middle_rent", "middenhuur"}, {"middle_rent", "middeldure huur"}, {"middle_rent", "aantal middenhuur"},
};

constexpr ExportValueName kValueNames[] = {
    {"segment", "sociale huur", "sociaal"}, {"segment", "sociale huurwoning", "sociaal"},
    {"segment", "sociaal huur", "sociaal"}, {"segment", "middeldure huur", "middenhuur"},
    {"segment", "midden huur", "middenhuur"}, {"segment", "geliberaliseerd", "vrije_sector"},
    {"segment", "vrije sector huur", "vrije_sector"}, {"segment", "vrijesector", "vrije_sector"},
    {"channel", "vergunninghouder", "statushouder"}, {"channel", "vergunninghouders", "statushouder"},
    {"channel", "statushouders", "statushouder"}, {"channel", "urgent medisch", "urgent"},
    {"channel", "urgent sociaal", "urgent"}, {"channel", "medische urgentie", "urgent"},
    {"channel", "sociale urgentie", "urgent"}, {"channel", "urgentie", "urgent"},
    {"channel", "urgentieverklaring", "urgent"}, {"channel", "herstructureringsurgentie", "herstructurering"},
    {"channel", "herstructurering urgent", "herstructurering"}, {"channel", "sloopurgentie", "herstructurering"},
    {"channel", "uitstroom mo bw", "uitstroom_mobw"}, {"channel", "uitstroom mobw", "uitstroom_mobw"},
    {"channel", "uitstroom maatschappelijke opvang", "uitstroom_mobw"},
    {"channel", "uitstroom beschermd wonen", "uitstroom_mobw"}, {"channel", "housing first", "wonen_eerst"},
    {"channel", "vitale beroepen", "vitaal_beroep"}, {"channel", "vitaal beroepen", "vitaal_beroep"},
    {"channel", "starters", "starter"}, {"channel", "overige", "overig"},
    {"channel", "reguliere toewijzing", "regulier"}, {"channel", "regulier aanbod", "regulier"},
    {"kind", "verkocht", "verkoop"}, {"kind", "gesloopt", "sloop"}, {"kind", "geliberaliseerd", "liberalisatie"},
    {"kind", "optopping", "optoppen"}, {"kind", "gekocht", "aankoop"},
    {"energy_label", "geen label", ""}, {"energy_label", "onbekend", ""},
};

bool is_ascii_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

}  // namespace

std::span<const ExportColumnName> export_column_names() { return kColumnNames; }
std::span<const ExportValueName> export_value_names() { return kValueNames; }

std::string normalized_name(std::string_view text) {
  std::string out;
  bool gap = false;
  std::size_t at = 0;
  while (at < text.size()) {
    // The euro sign and a no-break space separate words as punctuation does.
    if (text.substr(at).starts_with("\xE2\x82\xAC")) {
      gap = true;
      at += 3;
      continue;
    }
    if (text.substr(at).starts_with("\xC2\xA0")) {
      gap = true;
      at += 2;
      continue;
    }
    const char c = text[at++];
    if (is_ascii_alnum(c) || static_cast<unsigned char>(c) >= 0x80) {
      if (gap && !out.empty()) out.push_back(' ');
      gap = false;
      out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    } else {
      gap = true;
    }
  }
  return out;
}

}  // namespace toets
