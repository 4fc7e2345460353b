#include "engine/run/rejection_listing.hpp"

#include <iterator>
#include <sstream>

#include "dsl/source/visible_text.hpp"
#include "engine/input/input.hpp"
#include "engine/report/report.hpp"
#include "engine/report/report_common.hpp"

namespace toets {

std::optional<ListingFormat> parse_listing_format(std::string_view text) {
  if (text == "text") return ListingFormat::Text;
  if (text == "csv") return ListingFormat::Csv;
  return std::nullopt;
}

namespace {

// The rejections of an import as the reports show them: personal values withheld.
std::vector<RejectionGroup> groups_of(const ImportRejections& import) {
  LoadReport load;
  load.dataset = import.import.kind;
  load.file = import.import.source;
  load.rejections = import.rejections;
  const RejectionSource source{load.file,
                               import.import.id,
                               import.import.imported_at,
                               import.import.rows_read,
                               import.import.rows_accepted,
                               import.import.rows_rejected,
                               &load.rejections};
  return shown_groups(load, source, Privacy(ReportOptions{}));
}

void write_text(const std::vector<ImportRejections>& imports, std::ostream& out) {
  if (imports.empty()) {
    out << "no imports yet (toets import --db FILE --data KIND=FILE makes one)\n";
    return;
  }
  for (const ImportRejections& import : imports) {
    const ImportInfo& info = import.import;
    out << "import " << info.id << "  " << info.kind << "  " << visible(info.source) << "  " << info.imported_at << "  "
        << info.rows_read << " rows read, " << info.rows_accepted << " accepted, " << info.rows_rejected
        << " rejected\n";
    if (import.rejections.empty()) {
      out << "  no rows rejected\n";
      continue;
    }
    for (const RejectionGroup& group : groups_of(import)) {
      out << "  " << report::rejection_group_text(group, Lang::En) << "\n";
      if (const std::string fix = report::rejection_fix_text(group, Lang::En); !fix.empty()) {
        out << "    fix: " << fix << "\n";
      }
    }
  }
}

void write_csv(const std::vector<ImportRejections>& imports, std::ostream& out) {
  out << "import,dataset,file,imported_at,rows_read,rows_accepted,rows_rejected,rows,column,value,reason,lines,fix\n";
  std::string line;
  for (const ImportRejections& import : imports) {
    const ImportInfo& info = import.import;
    for (const RejectionGroup& group : groups_of(import)) {
      std::string lines;
      for (const std::uint64_t number : group.lines) lines += (lines.empty() ? "" : " ") + std::to_string(number);
      const std::string cells[] = {std::to_string(info.id),
                                   info.kind,
                                   info.source,
                                   info.imported_at,
                                   std::to_string(info.rows_read),
                                   std::to_string(info.rows_accepted),
                                   std::to_string(info.rows_rejected),
                                   std::to_string(group.rows()),
                                   group.column,
                                   group.value,
                                   group.reason,
                                   lines,
                                   report::rejection_fix_text(group, Lang::En)};
      line.clear();
      for (std::size_t c = 0; c < std::size(cells); ++c) {
        if (c > 0) line.push_back(',');
        append_csv_field(line, spreadsheet_safe(cells[c]));
      }
      out << line << "\n";
    }
  }
}

}  // namespace

void write_import_rejections(const std::vector<ImportRejections>& imports, ListingFormat format, std::ostream& out) {
  if (format == ListingFormat::Csv) {
    write_csv(imports, out);
    return;
  }
  // Values are escaped where they are written; the whole text once more, so that nothing in a
  // file name or a value can act on the terminal (dsl/source/visible_text.hpp).
  std::ostringstream text;
  write_text(imports, text);
  out << visible_lines(text.str());
}

}  // namespace toets
