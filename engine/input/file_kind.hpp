#pragma once
// What a data file is, told from its first bytes before any reader sees it. An export saved as
// UTF-16 ("Unicode text"), a gzip or zip archive (an .xlsx workbook is one), an SQLite database or
// plain binary data would otherwise reach the CSV reader and be told "missing required columns",
// which sends the user looking for a column that is not the problem.
//
//   refuse_unreadable_kind(bytes, path);  // throws DataFileError "path: this is a gzip-compressed file, ..."

#include <optional>
#include <string>
#include <string_view>

namespace toets {

// Why `bytes` (a file's content, or at least its first few kilobytes) is not text a data reader
// reads, without the path: "this is UTF-16 text (little-endian, with a byte-order mark), not
// UTF-8: ...". nullopt for UTF-8, Windows-1252 and anything else that may be CSV or JSON.
std::optional<std::string> unreadable_kind(std::string_view bytes);

// Throws DataFileError "path: " + unreadable_kind(bytes) when there is one.
void refuse_unreadable_kind(std::string_view bytes, const std::string& path);

}  // namespace toets
