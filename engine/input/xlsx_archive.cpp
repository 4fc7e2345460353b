// A workbook's ZIP container (libzip, from memory) and its XML parts (expat, streamed), within limits.

#include "engine/input/xlsx_archive.hpp"

#include <expat.h>
#include <zip.h>

#include <cstring>
#include <exception>
#include <memory>
#include <vector>

namespace toets::xlsx {

namespace {

// expat's separator between a namespace and a local name: a byte no XML name holds.
constexpr char kNamespaceSeparator = '\x01';

std::string_view local_name(const char* name, bool* namespaced = nullptr) {
  const std::string_view full(name);
  const std::size_t separator = full.rfind(kNamespaceSeparator);
  if (namespaced != nullptr) *namespaced = separator != std::string_view::npos;
  return separator == std::string_view::npos ? full : full.substr(separator + 1);
}

std::string zip_message(zip_error_t* error) {
  std::string message = zip_error_strerror(error);
  zip_error_fini(error);
  return message;
}

// What expat's callbacks need; handler exceptions are kept here, never thrown through expat's C frames.
struct ParseState {
  XML_Parser parser = nullptr;
  XmlHandler* handler = nullptr;
  std::size_t depth = 0;
  std::size_t max_depth = 0;
  std::string problem;            // a limit reached or a DOCTYPE: why the parse stopped
  std::exception_ptr exception;   // what the handler threw
  bool stopped() const { return !problem.empty() || exception; }
  void stop() { XML_StopParser(parser, XML_FALSE); }
};

template <typename Call>
void guarded(ParseState& state, Call&& call) {
  if (state.stopped()) return;
  try {
    call();
  } catch (...) {
    state.exception = std::current_exception();
    state.stop();
  }
}

extern "C" void on_start(void* data, const XML_Char* name, const XML_Char** attributes) {
  auto& state = *static_cast<ParseState*>(data);
  if (state.stopped()) return;
  if (++state.depth > state.max_depth) {
    state.problem = "XML nested more than " + std::to_string(state.max_depth) + " elements deep";
    state.stop();
    return;
  }
  guarded(state, [&] { state.handler->start(local_name(name), Attributes(attributes)); });
}

extern "C" void on_end(void* data, const XML_Char* name) {
  auto& state = *static_cast<ParseState*>(data);
  if (state.stopped()) return;
  --state.depth;
  guarded(state, [&] { state.handler->end(local_name(name)); });
}

extern "C" void on_text(void* data, const XML_Char* text, int length) {
  auto& state = *static_cast<ParseState*>(data);
  guarded(state, [&] { state.handler->text(std::string_view(text, static_cast<std::size_t>(length))); });
}

// A workbook part never declares a document type; one that does could define entities that expand
// (billion laughs) or point outside the file. Refused before any of it is read.
extern "C" void on_doctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
  auto& state = *static_cast<ParseState*>(data);
  if (state.stopped()) return;
  state.problem = "a DOCTYPE declaration, which no workbook part has";
  state.stop();
}

struct ParserFree {
  void operator()(XML_Parser parser) const { XML_ParserFree(parser); }
};
struct FileClose {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};

}  // namespace

std::optional<std::string_view> Attributes::plain(std::string_view local) const {
  for (const char** at = list_; at != nullptr && *at != nullptr; at += 2) {
    bool namespaced = false;
    if (local_name(at[0], &namespaced) == local && !namespaced) return std::string_view(at[1]);
  }
  return std::nullopt;
}

std::optional<std::string_view> Attributes::namespaced(std::string_view local) const {
  for (const char** at = list_; at != nullptr && *at != nullptr; at += 2) {
    bool namespaced = false;
    if (local_name(at[0], &namespaced) == local && namespaced) return std::string_view(at[1]);
  }
  return std::nullopt;
}

Archive::Archive(std::string_view bytes, std::string file, const Limits& limits)
    : file_(std::move(file)), limits_(limits) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (source == nullptr) throw DataFileError(file_ + ": cannot read the workbook: " + zip_message(&error));
  zip_ = zip_open_from_source(source, ZIP_RDONLY, &error);
  if (zip_ == nullptr) {
    zip_source_free(source);
    throw DataFileError(file_ + ": not a readable workbook (an .xlsx file is a ZIP archive): " + zip_message(&error));
  }
  zip_error_fini(&error);
  try {
    const zip_int64_t entries = zip_get_num_entries(zip_, 0);
    if (entries < 0 || static_cast<std::uint64_t>(entries) > limits_.max_entries) {
      throw DataFileError(file_ + ": the workbook archive holds " + std::to_string(entries) + " files; at most " +
                          std::to_string(limits_.max_entries) + " are allowed");
    }
    std::uint64_t declared = 0;
    for (zip_int64_t i = 0; i < entries; ++i) {
      zip_stat_t stat;
      zip_stat_init(&stat);
      if (zip_stat_index(zip_, static_cast<zip_uint64_t>(i), 0, &stat) != 0) continue;
      if ((stat.valid & ZIP_STAT_ENCRYPTION_METHOD) != 0 && stat.encryption_method != ZIP_EM_NONE) {
        throw DataFileError(file_ + ": the workbook's parts are encrypted; save it without a password and load that");
      }
      if ((stat.valid & ZIP_STAT_SIZE) != 0) declared += std::min<std::uint64_t>(stat.size, limits_.max_total_bytes + 1);
    }
    if (declared > limits_.max_total_bytes) {
      throw DataFileError(file_ + ": the workbook unpacks to more than " + std::to_string(limits_.max_total_bytes) +
                          " bytes, the most a workbook may hold");
    }
  } catch (...) {
    zip_discard(zip_);
    zip_ = nullptr;
    throw;
  }
}

Archive::~Archive() {
  if (zip_ != nullptr) zip_discard(zip_);
}

void Archive::fail(const std::string& part, const std::string& message) const {
  throw DataFileError(file_ + ": " + part + ": " + message);
}

bool Archive::has(const std::string& part) const { return zip_name_locate(zip_, part.c_str(), ZIP_FL_NOCASE) >= 0; }

void Archive::parse(const std::string& part, XmlHandler& handler) {
  const zip_int64_t index = zip_name_locate(zip_, part.c_str(), ZIP_FL_NOCASE);
  if (index < 0) fail(part, "missing from the workbook");
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_stat_index(zip_, static_cast<zip_uint64_t>(index), 0, &stat) != 0) fail(part, "cannot be read");
  if ((stat.valid & ZIP_STAT_SIZE) != 0 && stat.size > limits_.max_part_bytes) {
    fail(part, "unpacks to " + std::to_string(stat.size) + " bytes; a part may hold at most " +
                   std::to_string(limits_.max_part_bytes));
  }
  const std::uint64_t compressed = (stat.valid & ZIP_STAT_COMP_SIZE) != 0 ? stat.comp_size : 0;
  const std::unique_ptr<zip_file_t, FileClose> entry(zip_fopen_index(zip_, static_cast<zip_uint64_t>(index), 0));
  if (!entry) fail(part, std::string("cannot be read: ") + zip_strerror(zip_));

  const std::unique_ptr<XML_ParserStruct, ParserFree> parser(XML_ParserCreateNS(nullptr, kNamespaceSeparator));
  if (!parser) throw std::bad_alloc();
  ParseState state;
  state.parser = parser.get();
  state.handler = &handler;
  state.max_depth = limits_.max_depth;
  XML_SetUserData(parser.get(), &state);
  XML_SetElementHandler(parser.get(), on_start, on_end);
  XML_SetCharacterDataHandler(parser.get(), on_text);
  XML_SetStartDoctypeDeclHandler(parser.get(), on_doctype);

  std::vector<char> buffer(1 << 16);
  std::uint64_t produced = 0;
  for (;;) {
    const zip_int64_t got = zip_fread(entry.get(), buffer.data(), buffer.size());
    if (got < 0) fail(part, std::string("cannot be unpacked: ") + zip_file_strerror(entry.get()));
    produced += static_cast<std::uint64_t>(got);
    total_read_ += static_cast<std::uint64_t>(got);
    if (produced > limits_.max_part_bytes) {
      fail(part, "unpacks to more than " + std::to_string(limits_.max_part_bytes) + " bytes, the most a part may hold");
    }
    if (total_read_ > limits_.max_total_bytes) {
      fail(part, "the workbook unpacks to more than " + std::to_string(limits_.max_total_bytes) +
                     " bytes, the most a workbook may hold");
    }
    if (produced > limits_.ratio_exempt_bytes && produced > compressed * limits_.max_ratio) {
      fail(part, "unpacks to more than " + std::to_string(limits_.max_ratio) + " times its packed size (" +
                     std::to_string(compressed) + " bytes): a ZIP bomb, not a workbook");
    }
    const bool last = got == 0;
    if (XML_Parse(parser.get(), buffer.data(), static_cast<int>(got), last ? XML_TRUE : XML_FALSE) != XML_STATUS_OK) {
      if (state.exception) std::rethrow_exception(state.exception);
      const std::string line = std::to_string(XML_GetCurrentLineNumber(parser.get()));
      if (!state.problem.empty()) fail(part + ":" + line, state.problem);
      fail(part + ":" + line, std::string("not well-formed XML: ") + XML_ErrorString(XML_GetErrorCode(parser.get())));
    }
    if (state.exception) std::rethrow_exception(state.exception);
    if (last) break;
  }
}

}  // namespace toets::xlsx
