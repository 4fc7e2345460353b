#pragma once
// Writes a ZIP archive in memory with libzip, for tests and the xlsx fuzz target: workbooks built
// part by part (hostile ones included) without files or another program.

#include <zip.h>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace toets::testing_support {

struct ZipPart {
  std::string name;
  std::string data;
  bool stored = false;  // without compression (default: deflate, level 9)
};

inline std::string write_zip(const std::vector<ZipPart>& parts) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  if (buffer == nullptr) throw std::runtime_error("zip_source_buffer_create");
  zip_t* archive = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  if (archive == nullptr) {
    zip_source_free(buffer);
    throw std::runtime_error("zip_open_from_source");
  }
  zip_source_keep(buffer);
  for (const ZipPart& part : parts) {
    zip_source_t* data = zip_source_buffer(archive, part.data.data(), part.data.size(), 0);
    const zip_int64_t index = zip_file_add(archive, part.name.c_str(), data, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
      zip_source_free(data);
      zip_discard(archive);
      zip_source_free(buffer);
      throw std::runtime_error("zip_file_add " + part.name);
    }
    zip_set_file_compression(archive, static_cast<zip_uint64_t>(index), part.stored ? ZIP_CM_STORE : ZIP_CM_DEFLATE,
                             part.stored ? 0 : 9);
  }
  if (zip_close(archive) != 0) {
    zip_discard(archive);
    zip_source_free(buffer);
    throw std::runtime_error("zip_close");
  }
  std::string bytes;
  zip_stat_t stat;
  if (zip_source_stat(buffer, &stat) == 0 && zip_source_open(buffer) == 0) {
    bytes.resize(static_cast<std::size_t>(stat.size));
    const zip_int64_t got = zip_source_read(buffer, bytes.data(), bytes.size());
    bytes.resize(got < 0 ? 0 : static_cast<std::size_t>(got));
    zip_source_close(buffer);
  }
  zip_source_free(buffer);
  return bytes;
}

// The parts of a one-sheet workbook around `sheet_data` (the rows, inside <sheetData>) and
// `shared_strings` (the <si> items; none: no shared-string part), in the 1904 date system if asked.
inline std::vector<ZipPart> workbook_parts(const std::string& sheet_data, const std::string& shared_strings = "",
                                           bool date1904 = false, const std::string& sheet_name = "Blad1") {
  const std::string ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
  const std::string rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
  std::vector<ZipPart> parts = {
      {"[Content_Types].xml",
       "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types "
       "xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" "
       "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" "
       "ContentType=\"application/xml\"/></Types>"},
      {"_rels/.rels",
       "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships "
       "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"" +
           rel + "/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"},
      {"xl/workbook.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"" + ns + "\" xmlns:r=\"" + rel +
                              "\">" + (date1904 ? "<workbookPr date1904=\"1\"/>" : "") + "<sheets><sheet name=\"" +
                              sheet_name + "\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"},
      {"xl/_rels/workbook.xml.rels",
       "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships "
       "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"" +
           rel + "/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"" + rel +
           "/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>"},
      {"xl/worksheets/sheet1.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"" + ns +
                                       "\"><sheetData>" + sheet_data + "</sheetData></worksheet>"},
  };
  if (!shared_strings.empty()) {
    parts.push_back({"xl/sharedStrings.xml",
                     "<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst xmlns=\"" + ns + "\">" + shared_strings + "</sst>"});
  }
  return parts;
}

}  // namespace toets::testing_support
