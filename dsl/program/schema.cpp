#include "dsl/program/schema.hpp"

#include <algorithm>

#include "dsl/source/calendar.hpp"

namespace toets {

std::string_view type_name(ValueType type) {
  switch (type) {
    case ValueType::Int: return "int";
    case ValueType::Money: return "money";
    case ValueType::Date: return "date";
    case ValueType::Bool: return "bool";
    case ValueType::Enum: return "enum";
    case ValueType::Text: return "text";
    case ValueType::Fraction: return "percentage";
  }
  return "?";
}

std::optional<std::uint32_t> ColumnSchema::enum_index(std::string_view value) const {
  for (std::uint32_t i = 0; i < enum_values.size(); ++i) {
    if (enum_values[i] == value) return i;
  }
  return std::nullopt;
}

std::optional<std::uint32_t> DatasetSchema::column_index(std::string_view wanted) const {
  for (std::uint32_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == wanted) return i;
  }
  return std::nullopt;
}

namespace {

// Builders that keep the tables below readable.
ColumnSchema text(std::string name, bool required, std::string meaning) {
  return ColumnSchema{std::move(name), ValueType::Text, required, false, TextStorage::Dictionary, {}, {}, {},
                      std::move(meaning)};
}
ColumnSchema id(std::string name, bool required, bool unique, std::string meaning) {
  return ColumnSchema{std::move(name), ValueType::Text, required, unique, TextStorage::Raw, {}, {}, {}, std::move(meaning)};
}
ColumnSchema typed(std::string name, ValueType type, bool required, std::string meaning) {
  return ColumnSchema{std::move(name), type, required, false, TextStorage::Dictionary, {}, {}, {}, std::move(meaning)};
}
ColumnSchema enumeration(std::string name, bool required, std::vector<std::string> values, std::string meaning) {
  return ColumnSchema{std::move(name), ValueType::Enum, required, false, TextStorage::Dictionary,
                      std::move(values), {}, {}, std::move(meaning)};
}

// What a value can plausibly be (docs/data-input.md, "Plausible values"): wider than any real
// record, narrow enough to catch a value in the wrong unit (cents for euros, a yearly rent for a
// monthly one), a typo (a household of 44) or a placeholder (9999-12-31, 0). Dates are fixed, not
// relative to today or the as-of date, so a file reads the same whatever the day of the check.
constexpr std::int64_t kEarliestDate = days_from_civil(1900, 1, 1);
constexpr std::int64_t kLatestDate = days_from_civil(2099, 12, 31);
constexpr std::int64_t kCentsPerEuro = 100;

void plausible(DatasetSchema& schema, std::string_view column, std::int64_t min, std::int64_t max) {
  for (ColumnSchema& c : schema.columns) {
    if (c.name == column) {
      c.min_value = min;
      c.max_value = max;
    }
  }
}

std::vector<std::string> segments() { return {"sociaal", "middenhuur", "vrije_sector"}; }

// Best first, as on the label itself.
std::vector<std::string> energy_labels() {
  return {"A++++", "A+++", "A++", "A+", "A", "B", "C", "D", "E", "F", "G"};
}

std::vector<DatasetSchema> build_schemas() {
  std::vector<DatasetSchema> all;

  DatasetSchema allocations{DatasetKind::Allocations, "allocations", {}, 0, std::nullopt};
  allocations.meaning = "one row per let (toewijzing) of a rental dwelling";
  allocations.columns = {
      id("allocation_id", true, true, "the corporation's id of the let"),
      text("corporation", true, "e.g. `Trivire`, `Woonbron`, `Clavis`, `Portaal`"),
      text("municipality", true, "gemeente, e.g. `Dordrecht`"),
      text("kern", false, "village or town core inside the municipality (Terneuzen counts per kern)"),
      text("neighbourhood", false, "CBS-buurt"),
      typed("contract_date", ValueType::Date, true,
            "start of the tenancy (ingangsdatum huurcontract); decides the year and half-year"),
      id("dwelling_id", true, false, "verhuureenheid (VHE)"),
      enumeration("segment", true, segments(), "rent segment at contract start"),
      typed("daeb", ValueType::Bool, true, "the dwelling is DAEB (social service) property"),
      typed("new_build", ValueType::Bool, false, "first let of a newly built dwelling"),
      typed("rent", ValueType::Money, true, "net rent (kale huur) per month at contract start"),
      typed("household_size", ValueType::Int, true, "persons in the household"),
      typed("household_income", ValueType::Money, true, "the income tested at allocation (toetsinkomen), per year"),
      typed("applicant_age", ValueType::Int, true, "age of the main applicant at contract start"),
      enumeration("channel", true,
                  {"regulier", "herstructurering", "urgent", "statushouder", "uitstroom_mobw",
                   "wonen_eerst", "vitaal_beroep", "starter", "directe_bemiddeling", "overig"},
                  "how the home was let (toewijzingskanaal)"),
      enumeration("energy_label", false, energy_labels(), "label of the dwelling at contract start"),
  };
  plausible(allocations, "contract_date", kEarliestDate, kLatestDate);
  plausible(allocations, "rent", 1, 10'000 * kCentsPerEuro);  // a month's net rent: more than nothing
  plausible(allocations, "household_size", 1, 20);
  plausible(allocations, "household_income", 0, 1'000'000 * kCentsPerEuro);  // a year's
  plausible(allocations, "applicant_age", 16, 120);  // a tenancy from 16 (youth contracts)
  all.push_back(std::move(allocations));

  DatasetSchema stock{DatasetKind::Stock, "stock", {}, 0, 1};
  stock.meaning = "one row per dwelling per snapshot date (woningvoorraad)";
  stock.unique_key = {0, 1};  // (dwelling_id, snapshot_date)
  stock.columns = {
      id("dwelling_id", true, false, "verhuureenheid (VHE)"),
      typed("snapshot_date", ValueType::Date, true, "peildatum"),
      text("corporation", true, ""),
      text("municipality", true, ""),
      text("kern", false, ""),
      text("neighbourhood", false, ""),
      enumeration("segment", true, segments(), ""),
      typed("daeb", ValueType::Bool, true, ""),
      typed("rent", ValueType::Money, true, "net rent (kale huur) per month"),
      enumeration("energy_label", true, energy_labels(), ""),
      typed("monument", ValueType::Bool, false, "listed building (labels may legitimately stay E/F/G)"),
      typed("zero_step", ValueType::Bool, false, "nultredenwoning"),
      typed("flex", ValueType::Bool, false, "temporary (flex) dwelling"),
  };
  plausible(stock, "snapshot_date", kEarliestDate, kLatestDate);
  plausible(stock, "rent", 0, 10'000 * kCentsPerEuro);  // an empty dwelling may be listed at 0
  all.push_back(std::move(stock));

  DatasetSchema mutations{DatasetKind::Mutations, "mutations", {}, 0, std::nullopt};
  mutations.meaning = "one row per change to the stock (voorraadmutatie)";
  mutations.columns = {
      id("mutation_id", true, true, ""),
      id("dwelling_id", false, false, ""),
      text("corporation", true, ""),
      text("municipality", true, ""),
      text("kern", false, ""),
      typed("date", ValueType::Date, true, ""),
      enumeration("kind", true,
                  {"nieuwbouw", "aankoop", "verkoop", "sloop", "liberalisatie", "transformatie",
                   "optoppen"},
                  ""),
      enumeration("segment", true, segments(), "segment of the dwelling concerned"),
  };
  plausible(mutations, "date", kEarliestDate, kLatestDate);
  all.push_back(std::move(mutations));

  DatasetSchema projects{DatasetKind::Projects, "projects", {}, 0, std::nullopt};
  projects.meaning = "one row per new-build project (nieuwbouwproject)";
  projects.columns = {
      id("project_id", true, true, ""),
      text("municipality", true, ""),
      text("name", true, ""),
      text("developer", true, "corporation or market party"),
      typed("delivery_year", ValueType::Int, true, "year of completion (oplevering)"),
      typed("total_dwellings", ValueType::Int, true, ""),
      typed("social_rent", ValueType::Int, true, "dwellings in social rent"),
      typed("middle_rent", ValueType::Int, false, "dwellings in middle rent"),
  };
  plausible(projects, "delivery_year", 1900, 2099);
  for (const std::string_view column : {"total_dwellings", "social_rent", "middle_rent"}) {
    plausible(projects, column, 0, 100'000);
  }
  all.push_back(std::move(projects));
  return all;
}

}  // namespace

std::span<const DatasetSchema> dataset_schemas() {
  static const std::vector<DatasetSchema> schemas = build_schemas();
  return schemas;
}

const DatasetSchema* find_dataset(std::string_view name) {
  for (const auto& schema : dataset_schemas()) {
    if (schema.name == name) return &schema;
  }
  return nullptr;
}

}  // namespace toets
