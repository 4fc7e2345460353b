// toets mapping init (engine/input/mapping_init.cpp): the Dutch names it knows are the schema's columns and
// values; a draft for the messy export of fixtures/exports matches its headers as the hand-written
// mapping beside it does, lists the values to fill in with counts made independently (Python's csv
// module over the export), and loads as it is; the same from a workbook's header.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "dsl/program/schema.hpp"
#include "engine/input/export_names.hpp"
#include "engine/input/input.hpp"
#include "engine/input/mapping.hpp"
#include "engine/input/mapping_init.hpp"
#include "tests/support/scratch_folder.hpp"
#include "tests/support/toets_process.hpp"

namespace toets {
namespace {

const std::string kSource = TOETS_SOURCE_DIR;
const std::string kExport = kSource + "/fixtures/exports/allocations-export.csv";

const DatasetSchema& allocations() { return *find_dataset("allocations"); }

TEST(ExportNames, NameOnlyColumnsAndValuesOfTheSchema) {
  for (const ExportColumnName& entry : export_column_names()) {
    bool found = false;
    for (const DatasetSchema& schema : dataset_schemas()) found = found || schema.column_index(entry.column);
    EXPECT_TRUE(found) << entry.column;
    EXPECT_EQ(normalized_name(entry.name), entry.name) << "not normalised: " << entry.name;
  }
  for (const ExportValueName& entry : export_value_names()) {
    bool found = false;
    for (const DatasetSchema& schema : dataset_schemas()) {
      const auto c = schema.column_index(entry.column);
      if (!c) continue;
      found = found || entry.canonical.empty() || schema.columns[*c].enum_index(entry.canonical).has_value();
    }
    EXPECT_TRUE(found) << entry.column << " " << entry.canonical;
    EXPECT_EQ(normalized_name(entry.name), entry.name) << "not normalised: " << entry.name;
  }
}

TEST(ExportNames, Normalising) {
  EXPECT_EQ(normalized_name("Kale huur (\xE2\x82\xAC)"), "kale huur");
  EXPECT_EQ(normalized_name("VHE-nummer"), "vhe nummer");
  EXPECT_EQ(normalized_name("  Toetsinkomen\xC2\xA0(jaar) "), "toetsinkomen jaar");
  EXPECT_EQ(normalized_name("contract_date"), "contract date");
  EXPECT_EQ(normalized_name("Re\xC3\xABnbuurt"), "re\xC3\xABnbuurt");
}

TEST(MappingInit, TheMessyExportsHeadersAsTheHandWrittenMappingMapsThem) {
  const MappingDraft draft = draft_mapping(allocations(), kExport);
  EXPECT_EQ(draft.headers, 17u);
  EXPECT_EQ(draft.matched, 16u);
  EXPECT_EQ(draft.guessed, 0u);
  EXPECT_EQ(draft.unmatched, std::vector<std::string>{"Opmerking"});
  EXPECT_TRUE(draft.missing_required.empty());
  // Every [columns] line of fixtures/exports/allocations-export.map but the '-' is in the draft.
  for (const std::string line :
       {"Toewijzingsnummer = allocation_id", "Corporatie = corporation", "Gemeente = municipality", "Kern = kern",
        "Buurt = neighbourhood", "Ingangsdatum contract = contract_date", "VHE-nummer = dwelling_id",
        "Segment = segment", "DAEB = daeb", "Nieuwbouw = new_build", "Kale huur (\xE2\x82\xAC) = rent",
        "Aantal personen = household_size", "Toetsinkomen = household_income",
        "Leeftijd hoofdaanvrager = applicant_age", "Toewijzingsreden = channel", "Energielabel = energy_label"}) {
    EXPECT_NE(draft.text.find("\n" + line + "\n"), std::string::npos) << line << "\n" << draft.text;
  }
  EXPECT_NE(draft.text.find("\n# Opmerking = ?"), std::string::npos);
  // The dialect as found: ';' and Windows-1252.
  EXPECT_NE(draft.text.find("\ndelimiter = semicolon\nencoding = cp1252\n"), std::string::npos);
  // Values: 70 rows say 'Sociale huur' (Python's csv module over the rows of 17 fields); one each
  // 'Onbekend', 'Spoedzoeker' and 'Vergunninghouder'. 'Vrije sector' and 'Regulier' are read as
  // canonical values already and need no line.
  EXPECT_NE(draft.text.find("[values segment]\nSociale huur = sociaal   # 70 rows\n# Onbekend = "), std::string::npos)
      << draft.text;
  EXPECT_NE(draft.text.find("Vergunninghouder = statushouder   # 1 row\n"), std::string::npos);
  EXPECT_NE(draft.text.find("# Spoedzoeker = "), std::string::npos);
  EXPECT_EQ(draft.text.find("Vrije sector ="), std::string::npos);
  EXPECT_EQ(draft.text.find("Regulier ="), std::string::npos);
  EXPECT_EQ(draft.values_to_fill, 2u);

  // It loads as it is, and reads the export.
  Diagnostics diagnostics;
  const auto mapping = parse_mapping(draft.text, "draft.map", allocations(), diagnostics);
  ASSERT_TRUE(mapping) << diagnostics.error_count();
  const std::string path = (std::filesystem::temp_directory_path() / ("draft_" + std::to_string(getpid()) + ".map")).string();
  std::ofstream(path) << draft.text;
  InputSpec spec;
  spec.path = kExport;
  spec.mapping_path = path;
  const LoadedDataset with_draft = load_input(allocations(), spec);
  spec.mapping_path = kSource + "/fixtures/exports/allocations-export.map";
  const LoadedDataset with_hand = load_input(allocations(), spec);
  std::filesystem::remove(path);
  EXPECT_EQ(with_draft.report.rows_read, with_hand.report.rows_read);
  // The hand-written mapping translates values this export does not have but for those two, so
  // the draft accepts as many rows.
  EXPECT_EQ(with_draft.report.rows_accepted, with_hand.report.rows_accepted);
}

TEST(MappingInit, DutchHeadersGuessesAndGaps) {
  const std::string path = (std::filesystem::temp_directory_path() / ("export_" + std::to_string(getpid()) + ".csv")).string();
  std::ofstream(path) << "Toewijzing ID,Corporatie,Gemeentee,Ingangsdatum,VHE,Huursegment,DAEB,Kale huur per maand,"
                         "Huishoudgrootte,Toetsinkomen,Geboortedatum,Toewijzingskanaal,Datum akkoord,\"Code, intern\"\n"
                         "T1,Clavis,Terneuzen,2026-01-05,V1,sociaal,ja,600,2,30000,1980-01-01,Urgent medisch,2026-01-01,x\n";
  const MappingDraft draft = draft_mapping(allocations(), path);
  std::filesystem::remove(path);
  const std::string& text = draft.text;
  EXPECT_NE(text.find("\nToewijzing ID = allocation_id\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nIngangsdatum = contract_date\n"), std::string::npos);
  EXPECT_NE(text.find("\nVHE = dwelling_id\n"), std::string::npos);
  EXPECT_NE(text.find("\nHuursegment = segment\n"), std::string::npos);
  EXPECT_NE(text.find("\nHuishoudgrootte = household_size\n"), std::string::npos);
  EXPECT_NE(text.find("\nToewijzingskanaal = channel\n"), std::string::npos);
  // A known name inside the header.
  EXPECT_NE(text.find("\nKale huur per maand = rent   # 'kale huur' in the name\n"), std::string::npos);
  // A misspelling: offered, commented.
  EXPECT_NE(text.find("\n# Gemeentee = municipality   # did you mean 'gemeente'?\n"), std::string::npos);
  // A birth date is no age; the rest match nothing.
  EXPECT_NE(text.find("\n# Geboortedatum = ?   # a birth date; applicant_age is the age"), std::string::npos);
  EXPECT_NE(text.find("\n# Datum akkoord = ?"), std::string::npos);
  EXPECT_NE(text.find("\n# Code, intern = ?"), std::string::npos);
  EXPECT_NE(text.find("# Required columns no header gives (map a header to each): municipality, applicant_age"),
            std::string::npos);
  EXPECT_NE(text.find("[values channel]\nUrgent medisch = urgent   # 1 row\n"), std::string::npos);
  Diagnostics diagnostics;
  EXPECT_TRUE(parse_mapping(text, "draft.map", allocations(), diagnostics)) << diagnostics.error_count();
}

// From a workbook's header, through the command line: written with openpyxl from a CSV with the
// export's Dutch headers.
TEST(MappingInit, FromAWorkbookOnTheCommandLine) {
  const auto dir = testing_support::scratch_folder("init");
  std::ofstream(dir / "export.csv") << "Toewijzingsnummer,Ingangsdatum contract,Segment,Toewijzingsreden\n"
                                       "A1,2026-02-01,Sociale huur,Vergunninghouder\nA2,2026-02-02,Sociale huur,regulier\n";
  const std::string write = "/usr/bin/python3 '" + kSource + "/tests/xlsx/write_workbook.py' --sheet Toewijzingen '" +
                            (dir / "export.csv").string() + "' '" + (dir / "export.xlsx").string() + "'";
  ASSERT_EQ(std::system(write.c_str()), 0) << write;
  const std::string out = (dir / "draft.map").string();
  const std::string arguments =
      "mapping init '" + (dir / "export.xlsx").string() + "' --dataset allocations -o '" + out + "'";
  const auto first = testing_support::run_toets_shell(arguments);
  EXPECT_EQ(first.exit_code, 0);
  const std::string text = testing_support::read_whole(out);
  const std::string& err = first.err;
  // Again: -o refuses to overwrite without --force.
  const int again = testing_support::run_toets_shell(arguments).exit_code;
  std::filesystem::remove_all(dir);
  EXPECT_NE(text.find("(sheet 'Toewijzingen')"), std::string::npos) << text;
  EXPECT_NE(text.find("\nToewijzingsnummer = allocation_id\n"), std::string::npos);
  EXPECT_NE(text.find("[values segment]\nSociale huur = sociaal   # 2 rows\n"), std::string::npos);
  EXPECT_NE(text.find("[values channel]\nVergunninghouder = statushouder   # 1 row\n"), std::string::npos);
  EXPECT_EQ(text.find("delimiter ="), std::string::npos);  // a workbook has none
  EXPECT_NE(err.find("4 headers: 4 mapped, 0 to check (commented), 0 unmatched; required columns not found: "),
            std::string::npos)
      << err;
  EXPECT_EQ(again, 2);
}

}  // namespace
}  // namespace toets
