// Column mappings (parsing, every mistake with its line, applying them to CSV and JSON) and
// load_input (choosing the reader, settling the dialect, the rejects file).

#include "engine/input/mapping.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "dsl/program/schema.hpp"
#include "engine/input/csv_reader.hpp"
#include "engine/input/input.hpp"
#include "engine/input/json_reader.hpp"
#include "tests/support/scratch_folder.hpp"

namespace toets {
namespace {

const DatasetSchema& allocations() { return *find_dataset("allocations"); }

constexpr const char* kMapping = R"map(# Woonsysteem X, toewijzingen
[input]
dataset = allocations
delimiter = semicolon
encoding = cp1252

[columns]
Toewijzingsnummer = allocation_id
Corporatie = corporation
Gemeente = municipality
Ingangsdatum = contract_date
VHE = dwelling_id
Segment = segment
DAEB = daeb
"Kale huur (€)" = rent
Personen = household_size
Toetsinkomen = household_income
Leeftijd = applicant_age
Toewijzingsreden = channel
Opmerking = -

[values channel]
Urgent medisch = urgent
"Urgent ""sociaal""" = urgent
Vergunninghouder = statushouder

[values segment]
Sociale huur = sociaal

[values corporation]
Woonbron Dordrecht = Woonbron

[values kern]
Onbekend =
)map";

ColumnMapping parse(const std::string& text) {
  Diagnostics diagnostics;
  auto mapping = parse_mapping(text, "x.map", allocations(), diagnostics);
  EXPECT_FALSE(diagnostics.has_errors()) << diagnostics.error_count();
  return mapping ? std::move(*mapping) : ColumnMapping{};
}

TEST(Mapping, ParsesEverySection) {
  const ColumnMapping mapping = parse(kMapping);
  EXPECT_EQ(mapping.delimiter, Delimiter::Semicolon);
  EXPECT_EQ(mapping.encoding, Encoding::Windows1252);
  EXPECT_EQ(mapping.decimal, DecimalMark::Auto);
  EXPECT_EQ(mapping.columns.size(), 13u);
  EXPECT_EQ(mapping.columns.at("Kale huur (€)"), allocations().column_index("rent"));
  EXPECT_EQ(mapping.columns.at("opmerking"), std::nullopt);  // any case; '-' ignores
  const ValueMap* channel = mapping.values_of(*allocations().column_index("channel"));
  ASSERT_NE(channel, nullptr);
  EXPECT_EQ(channel->size(), 3u);
  EXPECT_EQ(channel->at("URGENT MEDISCH"), "urgent");
  EXPECT_EQ(channel->at("Urgent \"sociaal\""), "urgent");
  EXPECT_EQ(mapping.values_of(*allocations().column_index("kern"))->at("onbekend"), "");
  EXPECT_EQ(mapping.values_of(*allocations().column_index("rent")), nullptr);
}

TEST(Mapping, ResolvesNames) {
  const ColumnMapping mapping = parse(kMapping);
  EXPECT_EQ(resolve_name(allocations(), &mapping, "toewijzingsnummer").kind, MappedName::Kind::Column);
  EXPECT_EQ(resolve_name(allocations(), &mapping, "toewijzingsnummer").column, 0u);
  EXPECT_EQ(resolve_name(allocations(), &mapping, "OPMERKING").kind, MappedName::Kind::Ignored);
  EXPECT_EQ(resolve_name(allocations(), &mapping, "rent").column, 10u);  // canonical names still work
  EXPECT_EQ(resolve_name(allocations(), &mapping, "Rent").kind, MappedName::Kind::Unknown);
  EXPECT_EQ(resolve_name(allocations(), nullptr, "Huur").kind, MappedName::Kind::Unknown);
}

// ---------------------------------------------------------------------------------------------
// Mistakes in a mapping file: each one at its line and column, shown as `toets check` shows it

struct MistakeCase {
  std::string label;
  std::string text;
  std::string printed;  // every diagnostic, exactly as printed, in order
};

std::ostream& operator<<(std::ostream& out, const MistakeCase& c) { return out << c.label; }

class MappingMistakeTest : public testing::TestWithParam<MistakeCase> {};

TEST_P(MappingMistakeTest, ReportsEveryMistakeWithLineColumnAndCaret) {
  Diagnostics diagnostics;
  EXPECT_FALSE(parse_mapping(GetParam().text, "m.map", allocations(), diagnostics).has_value());
  std::ostringstream out;
  diagnostics.print(out);
  EXPECT_EQ(out.str(), GetParam().printed);
}

INSTANTIATE_TEST_SUITE_P(
    All, MappingMistakeTest,
    testing::Values(
        MistakeCase{"entry_before_section", "Huur = rent\n",
                    "m.map:1:1: error: an entry before any section; start with [input], [columns] or [values COLUMN]\n"
                    "  Huur = rent\n"
                    "  ^\n"},
        MistakeCase{"unknown_section", "\n[kolommen]\nHuur = rent\n",
                    "m.map:2:1: error: unknown section '[kolommen]'; expected [input], [columns] or [values COLUMN]\n"
                    "  [kolommen]\n"
                    "  ^\n"},
        MistakeCase{"section_not_closed", "[columns\n",
                    "m.map:1:9: error: a section header ends with ']'\n"
                    "  [columns\n"
                    "          ^\n"},
        MistakeCase{"values_without_column", "[values]\n",
                    "m.map:1:1: error: [values] needs the column whose values it translates, e.g. [values channel]\n"
                    "  [values]\n"
                    "  ^\n"},
        MistakeCase{"values_of_unknown_column", "[values chanel]\nx = urgent\n",
                    "m.map:1:9: error: 'chanel' is not a column of allocations (did you mean 'channel'?)\n"
                    "  [values chanel]\n"
                    "          ^\n"},
        MistakeCase{"columns_with_argument", "[columns rent]\n",
                    "m.map:1:10: error: [columns] takes no column name\n"
                    "  [columns rent]\n"
                    "           ^\n"},
        MistakeCase{"no_equals", "[columns]\nHuur rent\n",
                    "m.map:2:1: error: expected NAME = VALUE, found 'Huur rent'\n"
                    "  Huur rent\n"
                    "  ^\n"},
        MistakeCase{"empty_name", "[columns]\n = rent\n",
                    "m.map:2:2: error: the name before '=' is empty\n"
                    "   = rent\n"
                    "   ^\n"},
        MistakeCase{"unclosed_quote", "[columns]\n\"Huur = rent\n",
                    "m.map:2:1: error: the quoted name is never closed\n"
                    "  \"Huur = rent\n"
                    "  ^\n"},
        MistakeCase{"text_after_quote", "[columns]\n\"Huur\" x = rent\n",
                    "m.map:2:8: error: unexpected text after the quoted name\n"
                    "  \"Huur\" x = rent\n"
                    "         ^\n"},
        MistakeCase{"unknown_target", "[columns]\nHuur = rnt\nX = kolom\n",
                    "m.map:2:8: error: 'rnt' is not a column of allocations (did you mean 'rent'?); write '-' to leave a column out\n"
                    "  Huur = rnt\n"
                    "         ^\n"
                    "m.map:3:5: error: 'kolom' is not a column of allocations (its columns: allocation_id, corporation, municipality, kern, neighbourhood, contract_date, dwelling_id, segment, daeb, new_build, rent, household_size, household_income, applicant_age, channel, energy_label); write '-' to leave a column out\n"
                    "  X = kolom\n"
                    "      ^\n"},
        MistakeCase{"name_twice_any_case", "[columns]\nHuur = rent\n\n# again\nHUUR = rent\n",
                    "m.map:5:1: error: column 'HUUR' is mapped twice (first on line 2)\n"
                    "  HUUR = rent\n"
                    "  ^\n"},
        MistakeCase{"value_not_in_enum", "[values channel]\nSpoed = urgnt\n",
                    "m.map:2:9: error: 'urgnt' is not a value of channel: expected one of regulier, herstructurering, urgent, statushouder, uitstroom_mobw, wonen_eerst, vitaal_beroep, starter, directe_bemiddeling, overig\n"
                    "  Spoed = urgnt\n"
                    "          ^\n"},
        MistakeCase{"value_twice", "[values channel]\nSpoed = urgent\nspoed = urgent\n",
                    "m.map:3:1: error: value 'spoed' is mapped twice (first on line 2)\n"
                    "  spoed = urgent\n"
                    "  ^\n"},
        MistakeCase{"value_not_canonical_bool", "[values daeb]\nJa = ja\n",
                    "m.map:2:6: error: 'ja' is not a value of daeb: expected true or false\n"
                    "  Ja = ja\n"
                    "       ^\n"},
        MistakeCase{"value_not_canonical_money", "[values rent]\nonbekend = 0,00\n",
                    "m.map:2:12: error: '0,00' is not a value of rent: expected an amount in euros like 612.35\n"
                    "  onbekend = 0,00\n"
                    "             ^\n"},
        MistakeCase{"wrong_dataset", "[input]\ndataset = stock\n",
                    "m.map:2:11: error: this mapping is for 'stock', but it is given for allocations\n"
                    "  dataset = stock\n"
                    "            ^\n"},
        MistakeCase{"bad_settings", "[input]\ndelimiter = tab\ndecimal = komma\nencoding = utf-16\nsheet = 1\n",
                    "m.map:2:13: error: delimiter 'tab': expected comma, semicolon or auto\n"
                    "  delimiter = tab\n"
                    "              ^\n"
                    "m.map:3:11: error: decimal 'komma': expected point, comma or auto\n"
                    "  decimal = komma\n"
                    "            ^\n"
                    "m.map:4:12: error: encoding 'utf-16': expected utf-8 or cp1252\n"
                    "  encoding = utf-16\n"
                    "             ^\n"
                    "m.map:5:1: error: unknown setting 'sheet' in [input]; expected dataset, delimiter, decimal or encoding\n"
                    "  sheet = 1\n"
                    "  ^\n"},
        MistakeCase{"invalid_utf8", "[columns]\nHuur\xE9 = rent\n",
                    "m.map:2:5: error: not valid UTF-8 (a mapping file is UTF-8 text)\n"
                    "  Huur\\xE9 = rent\n"
                    "      ^\n"},
        MistakeCase{"nul_byte", std::string("[columns]\nHu\0ur = rent\n", 23),
                    "m.map:2:3: error: a NUL byte (a mapping file is text)\n"
                    "  Hu\\x00ur = rent\n"
                    "    ^\n"},
        MistakeCase{"broken_section_hides_its_entries_not_later_ones", "[kolommen]\na = b\n[columns]\nc = d\n",
                    "m.map:1:1: error: unknown section '[kolommen]'; expected [input], [columns] or [values COLUMN]\n"
                    "  [kolommen]\n"
                    "  ^\n"
                    "m.map:4:5: error: 'd' is not a column of allocations (its columns: allocation_id, corporation, municipality, kern, neighbourhood, contract_date, dwelling_id, segment, daeb, new_build, rent, household_size, household_income, applicant_age, channel, energy_label); write '-' to leave a column out\n"
                    "  c = d\n"
                    "      ^\n"}),
    [](const testing::TestParamInfo<MistakeCase>& param_info) { return param_info.param.label; });

// load_mapping's error (what `toets check` and `toets run` print after "error: "): a heading, then
// the mistakes as above.
TEST(Mapping, LoadingABrokenMappingNamesEveryMistake) {
  const std::string path = testing::TempDir() + "broken.map";
  std::ofstream(path, std::ios::binary) << "[columns]\nHuur = rnt\n";
  try {
    load_mapping(path, allocations());
    ADD_FAILURE() << "loaded";
  } catch (const DataFileError& error) {
    EXPECT_EQ(std::string(error.what()),
              path + ": a mistake in this column mapping:\n" + path +
                  ":2:8: error: 'rnt' is not a column of allocations (did you mean 'rent'?); write '-' to leave a "
                  "column out\n"
                  "  Huur = rnt\n"
                  "         ^");
  }
}

TEST(Mapping, TheExampleInTheDocsParses) {
  std::ifstream in(std::string(TOETS_SOURCE_DIR) + "/docs/data-input.md");
  std::stringstream docs;
  docs << in.rdbuf();
  const std::string text = docs.str();
  const std::size_t begin = text.find("# Exports of Woonsysteem");
  ASSERT_NE(begin, std::string::npos);
  const ColumnMapping mapping = parse(text.substr(begin, text.find("```", begin) - begin));
  EXPECT_EQ(mapping.delimiter, Delimiter::Semicolon);
  EXPECT_EQ(mapping.encoding, Encoding::Windows1252);
  EXPECT_EQ(mapping.columns.at("kale huur (€)"), 10u);
  EXPECT_EQ(mapping.columns.at("huur = kaal"), 10u);
  EXPECT_EQ(mapping.values_of(15)->at("geen label"), "");
}

TEST(Mapping, CommentsBlankLinesCrlfAndByteOrderMark) {
  const ColumnMapping mapping = parse("\xEF\xBB\xBF# a comment\r\n\r\n  # indented comment\r\n[Columns]\r\n Huur = rent \r\n");
  EXPECT_EQ(mapping.columns.at("huur"), allocations().column_index("rent"));
}

TEST(Mapping, ValuesMayEndInAComment) {
  const ColumnMapping mapping =
      parse("[input]\ndecimal = comma   # Dutch Excel\n[columns]\nNr#1 = allocation_id # the id\n"
            "Opmerking = -\t# left out\n\"Huur # kaal\" = \"rent\" # quoted\n[values kern]\nOnbekend = # missing\n");
  EXPECT_EQ(mapping.decimal, DecimalMark::Comma);
  EXPECT_EQ(mapping.columns.at("nr#1"), 0u);  // a '#' inside a name is part of it
  EXPECT_EQ(mapping.columns.at("opmerking"), std::nullopt);
  EXPECT_EQ(mapping.columns.at("huur # kaal"), 10u);
  EXPECT_EQ(mapping.values_of(3)->at("onbekend"), "");
}

TEST(Mapping, QuotedNamesKeepEqualsAndSpaces) {
  const ColumnMapping mapping = parse("[values channel]\n\" a = b \" = urgent\nx = \"overig\"\n");
  const ValueMap* channel = mapping.values_of(*allocations().column_index("channel"));
  EXPECT_EQ(channel->at(" A = B "), "urgent");
  EXPECT_EQ(channel->at("X"), "overig");
}

// ---------------------------------------------------------------------------------------------
// Applying a mapping

constexpr const char* kExport =
    "Toewijzingsnummer;Corporatie;Gemeente;Ingangsdatum;VHE;Segment;DAEB;Kale huur (\x80);Personen;Toetsinkomen;"
    "Leeftijd;Toewijzingsreden;Opmerking;Kern\r\n"
    "T1;Woonbron Dordrecht;Dordrecht;01-02-2026;V1;Sociale huur;ja;\x80 612,35;1;31.000;40;Urgent medisch;\"a; b\";"
    "Onbekend\r\n"
    "T2;Trivire;Dordrecht;2-2-2026;V2;sociaal;nee;\x80 6l2,35;1;31.000;40;regulier;;\r\n"
    "T3;Trivire;Dordrecht;3-2-2026;V3;sociaal;nee;\x80 612,35;1;31.000;40;Spoed;;\r\n";

CsvOptions mapped_options(const ColumnMapping& mapping) {
  CsvOptions options;
  options.delimiter = Delimiter::Auto;
  options.encoding = Encoding::Windows1252;
  options.export_forms = true;
  options.mapping = &mapping;
  return options;
}

TEST(Mapping, AppliesToCsvHeadersAndValues) {
  const ColumnMapping mapping = parse(kMapping);
  const LoadedDataset loaded = read_csv_text(allocations(), kExport, "export.csv", mapped_options(mapping));
  ASSERT_EQ(loaded.report.rows_accepted, 1u);
  EXPECT_EQ(loaded.data.cell_text(1, 0), "Woonbron");      // corporation, by [values corporation]
  EXPECT_EQ(loaded.data.cell_text(7, 0), "sociaal");       // segment, by [values segment]
  EXPECT_EQ(loaded.data.cell_text(14, 0), "urgent");       // channel, by [values channel]
  EXPECT_EQ(loaded.data.cell_text(3, 0), "");              // kern: Onbekend means missing
  EXPECT_EQ(loaded.data.cell_text(10, 0), "612.35");       // rent under "Kale huur (€)"
  EXPECT_EQ(loaded.data.cell_text(12, 0), "31000.00");
  EXPECT_TRUE(std::none_of(loaded.report.notes.begin(), loaded.report.notes.end(),
                           [](const std::string& note) { return note.find("Opmerking") != std::string::npos; }));

  ASSERT_EQ(loaded.report.rejections.size(), 2u);
  // The export's header is named beside the canonical column.
  EXPECT_EQ(loaded.report.rejections[0].line, 3u);
  EXPECT_EQ(loaded.report.rejections[0].column, "rent");
  EXPECT_EQ(loaded.report.rejections[0].value, "\xE2\x82\xAC 6l2,35");
  EXPECT_EQ(loaded.report.rejections[0].reason,
            "expected an amount in euros like 1.234,56 or € 612,35 (decimal comma) (column 'Kale huur (€)' in the "
            "file)");
  EXPECT_EQ(loaded.report.rejections[1].line, 4u);
  EXPECT_EQ(loaded.report.rejections[1].column, "channel");
  EXPECT_EQ(loaded.report.rejections[1].reason,
            "unknown channel 'Spoed' (expected one of regulier, herstructurering, urgent, statushouder, "
            "uitstroom_mobw, wonen_eerst, vitaal_beroep, starter, directe_bemiddeling, overig, or a value the "
            "mapping translates) (column 'Toewijzingsreden' in the file)");
}

TEST(Mapping, TwoColumnsGivingOneIsAnError) {
  const ColumnMapping mapping = parse("[columns]\nHuur = rent\n");
  const std::string text = std::string("allocation_id;rent;Huur\n");
  CsvOptions options;
  options.delimiter = Delimiter::Auto;
  options.export_forms = true;
  options.mapping = &mapping;
  try {
    read_csv_text(allocations(), text, "export.csv", options);
    FAIL() << "expected a DataFileError";
  } catch (const DataFileError& error) {
    EXPECT_EQ(std::string(error.what()),
              "export.csv:1: columns 'rent' (field 2) and 'Huur' (field 3) both give rent; keep one of them");
  }
}

TEST(Mapping, MissingRequiredColumnNamesTheUnmappedOnes) {
  const ColumnMapping mapping = parse("[columns]\nNummer = allocation_id\n");
  CsvOptions options;
  options.delimiter = Delimiter::Auto;
  options.export_forms = true;
  options.mapping = &mapping;
  try {
    read_csv_text(allocations(), "Nummer;Huurprijs;Corporatie\n", "export.csv", options);
    FAIL() << "expected a DataFileError";
  } catch (const DataFileError& error) {
    EXPECT_NE(std::string(error.what())
                  .find("; the mapping x.map does not map these columns of the file: 'Huurprijs', 'Corporatie'"),
              std::string::npos)
        << error.what();
  }
}

TEST(Mapping, AppliesToJsonKeys) {
  const ColumnMapping mapping = parse(kMapping);
  JsonOptions options;
  options.decimal = DecimalMark::Comma;
  options.mapping = &mapping;
  const std::string text =
      R"json({"Toewijzingsnummer": "T1", "Corporatie": "Woonbron Dordrecht", "Gemeente": "Dordrecht", )json"
      R"json("Ingangsdatum": "01-02-2026", "VHE": "V1", "Segment": "Sociale huur", "DAEB": true, )json"
      R"json("Kale huur (€)": "€ 612,35", "Personen": 1, "Toetsinkomen": 31000, "Leeftijd": 40, )json"
      R"json("Toewijzingsreden": "Vergunninghouder", "Opmerking": "x"})json"
      "\n"
      R"json({"Toewijzingsnummer": "T2", "allocation_id": "T2"})json";
  const LoadedDataset loaded = read_json_text(allocations(), text, "export.jsonl", options);
  ASSERT_EQ(loaded.report.rows_accepted, 1u);
  EXPECT_EQ(loaded.data.cell_text(14, 0), "statushouder");
  EXPECT_EQ(loaded.data.cell_text(10, 0), "612.35");
  EXPECT_TRUE(loaded.report.notes.empty());
  ASSERT_EQ(loaded.report.rejections.size(), 1u);
  EXPECT_EQ(loaded.report.rejections[0].line, 2u);
  EXPECT_EQ(loaded.report.rejections[0].reason,
            "the keys 'Toewijzingsnummer' and 'allocation_id' both give allocation_id");
}

// ---------------------------------------------------------------------------------------------
// load_input

// A fresh folder per test, removed at the end.
using TempDir = testing_support::TempFolder;

TEST(LoadInput, MappingSettingsApplyUnlessStated) {
  const TempDir dir;
  const std::string mapping = dir.write("x.map", kMapping);
  const std::string data = dir.write("export.csv", kExport);
  InputSpec spec;
  spec.path = data;
  spec.mapping_path = mapping;
  // The mapping says ';' and cp1252: read as such.
  const LoadedDataset loaded = load_input(allocations(), spec);
  EXPECT_EQ(loaded.report.rows_read, 3u);
  EXPECT_EQ(loaded.report.rows_accepted, 1u);
  EXPECT_EQ(loaded.report.notes[0],
            "read as CSV with ';' between fields and a decimal comma in amounts (1.234,56), converted from "
            "Windows-1252");
  // Stated on the command line, the decimal point wins: every amount with a comma is then wrong.
  spec.decimal = DecimalMark::Point;
  const LoadedDataset point = load_input(allocations(), spec);
  EXPECT_EQ(point.report.rows_accepted, 0u);
  EXPECT_EQ(point.report.rejections[0].column, "rent");
}

TEST(LoadInput, MappingErrorsAreFileErrorsWithEveryMistakeLocated) {
  const TempDir dir;
  InputSpec spec;
  spec.path = dir.write("export.csv", kExport);
  spec.mapping_path = dir.write("bad.map", "[columns]\nHuur = rnet\n[values x]\n");
  try {
    load_input(allocations(), spec);
    FAIL() << "expected a DataFileError";
  } catch (const DataFileError& error) {
    const std::string message = error.what();
    const std::string columns = "(its columns: allocation_id, corporation, municipality, kern, neighbourhood, "
                                "contract_date, dwelling_id, segment, daeb, new_build, rent, household_size, "
                                "household_income, applicant_age, channel, energy_label)";
    EXPECT_EQ(message, spec.mapping_path + ": mistakes in this column mapping:\n" +
                           spec.mapping_path + ":2:8: error: 'rnet' is not a column of allocations " + columns +
                           "; write '-' to leave a column out\n"
                           "  Huur = rnet\n"
                           "         ^\n" +
                           spec.mapping_path + ":3:9: error: 'x' is not a column of allocations " + columns + "\n"
                           "  [values x]\n"
                           "          ^");
  }
}

struct FormatCase {
  std::string label;
  std::string file_name;
  InputFormat stated;
  std::string contents;
  std::uint64_t accepted;  // of the one record
};

std::ostream& operator<<(std::ostream& out, const FormatCase& c) { return out << c.label; }

class FormatTest : public testing::TestWithParam<FormatCase> {};

constexpr const char* kCsv =
    "allocation_id,corporation,municipality,contract_date,dwelling_id,segment,daeb,rent,household_size,"
    "household_income,applicant_age,channel\nA1,T,D,2026-01-01,V,sociaal,true,1,1,1,40,regulier\n";
constexpr const char* kJson =
    R"([{"allocation_id": "A1", "corporation": "T", "municipality": "D", "contract_date": "2026-01-01",
"dwelling_id": "V", "segment": "sociaal", "daeb": true, "rent": 1, "household_size": 1, "household_income": 1,
"applicant_age": 40, "channel": "regulier"}])";

std::string jsonl_of(std::string json) {
  json = json.substr(1, json.size() - 2);
  std::replace(json.begin(), json.end(), '\n', ' ');
  return json + "\n";
}

TEST_P(FormatTest, PicksTheReader) {
  const TempDir dir;
  InputSpec spec;
  spec.path = dir.write(GetParam().file_name, GetParam().contents);
  spec.format = GetParam().stated;
  const LoadedDataset loaded = load_input(allocations(), spec);
  EXPECT_EQ(loaded.report.rows_accepted, GetParam().accepted);
}

INSTANTIATE_TEST_SUITE_P(
    All, FormatTest,
    testing::Values(FormatCase{"csv_by_extension", "a.csv", InputFormat::Auto, kCsv, 1},
                    FormatCase{"csv_upper_extension", "a.CSV", InputFormat::Auto, kCsv, 1},
                    FormatCase{"json_by_extension", "a.json", InputFormat::Auto, kJson, 1},
                    FormatCase{"json_by_content", "export", InputFormat::Auto, kJson, 1},
                    FormatCase{"csv_by_content", "export.dat", InputFormat::Auto, kCsv, 1},
                    FormatCase{"json_stated", "a.txt", InputFormat::Json, kJson, 1},
                    // One object on one line (an object spread over lines is refused as a whole).
                    FormatCase{"jsonl_by_extension", "a.jsonl", InputFormat::Auto, jsonl_of(kJson), 1}),
    [](const testing::TestParamInfo<FormatCase>& param_info) { return param_info.param.label; });

// An .xlsx workbook is read (tests/xlsx_*_test.cpp); other spreadsheets are refused, and a file
// named .xlsx that is no workbook says so.
TEST(LoadInput, OtherSpreadsheetsAreRefused) {
  const TempDir dir;
  InputSpec spec;
  spec.path = dir.write("export.ods", std::string("PK\x03\x04", 4) + "rest");
  try {
    load_input(allocations(), spec);
    FAIL() << "expected a DataFileError";
  } catch (const DataFileError& error) {
    EXPECT_NE(std::string(error.what()).find("spreadsheet workbook"), std::string::npos) << error.what();
  }
  spec.path = dir.write("export.xlsx", std::string("PK\x03\x04", 4) + "rest");
  try {
    load_input(allocations(), spec);
    FAIL() << "expected a DataFileError";
  } catch (const DataFileError& error) {
    EXPECT_NE(std::string(error.what()).find("export.xlsx: not a readable workbook"), std::string::npos) << error.what();
  }
}

TEST(LoadInput, ParsesOptionNames) {
  EXPECT_EQ(parse_input_format("JSONL"), InputFormat::JsonLines);
  EXPECT_EQ(parse_input_format("ndjson"), InputFormat::JsonLines);
  EXPECT_EQ(parse_input_format("XLSX"), InputFormat::Xlsx);
  EXPECT_EQ(parse_input_format("xls"), std::nullopt);
  EXPECT_EQ(parse_delimiter(";"), Delimiter::Semicolon);
  EXPECT_EQ(parse_delimiter("Comma"), Delimiter::Comma);
  EXPECT_EQ(parse_delimiter("tab"), std::nullopt);
  EXPECT_EQ(parse_decimal_mark(","), DecimalMark::Comma);
  EXPECT_EQ(parse_decimal_mark("punt"), std::nullopt);
  EXPECT_EQ(parse_encoding("Windows-1252"), Encoding::Windows1252);
  EXPECT_EQ(parse_encoding("latin1"), Encoding::Windows1252);
  EXPECT_EQ(parse_encoding("UTF8"), Encoding::Utf8);
  EXPECT_EQ(parse_encoding("utf-16"), std::nullopt);
}

TEST(LoadInput, RejectionsAsCsv) {
  LoadReport report;
  report.dataset = "allocations";
  report.file = "a,b.csv";
  report.rejections.push_back(Rejection{3, "rent", "6l2", "expected an amount", "A1;x;\"q\""});
  report.rejections.push_back(Rejection{7, "", "", "expected 16 fields, found 2", "A2\nB"});
  LoadReport empty;
  std::ostringstream out;
  write_rejections_csv({&report, &empty}, out);
  EXPECT_EQ(out.str(),
            "dataset,file,line,column,value,reason,record\n"
            "allocations,\"a,b.csv\",3,rent,6l2,expected an amount,\"A1;x;\"\"q\"\"\"\n"
            "allocations,\"a,b.csv\",7,,,\"expected 16 fields, found 2\",\"A2\nB\"\n");
}

}  // namespace
}  // namespace toets
