#include "engine/base/output_guard.hpp"

#include <spdlog/sinks/sink.h>

#include <algorithm>
#include <string_view>
#include <utility>

#include "dsl/source/visible_text.hpp"

namespace toets {

namespace {

// The length of `text` without a UTF-8 sequence cut off at its end (held until the rest comes).
std::size_t complete_prefix(std::string_view text) {
  const std::size_t size = text.size();
  for (std::size_t back = 1; back <= std::min<std::size_t>(3, size); ++back) {
    const auto byte = static_cast<unsigned char>(text[size - back]);
    if ((byte & 0xC0) == 0x80) continue;  // a continuation byte: look further back
    const std::size_t expected = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC2 ? 2 : 1;
    return expected > back ? size - back : size;
  }
  return size;
}

class EscapingSink final : public spdlog::sinks::sink {
 public:
  explicit EscapingSink(std::shared_ptr<spdlog::sinks::sink> inner) : inner_(std::move(inner)) {}

  void log(const spdlog::details::log_msg& message) override {
    const std::string_view payload(message.payload.data(), message.payload.size());
    if (!needs_escaping(payload)) {
      inner_->log(message);
      return;
    }
    const std::string shown = visible(payload);  // a log message is one line
    spdlog::details::log_msg copy = message;
    copy.payload = spdlog::string_view_t(shown.data(), shown.size());
    inner_->log(copy);
  }
  void flush() override { inner_->flush(); }
  void set_pattern(const std::string& pattern) override { inner_->set_pattern(pattern); }
  void set_formatter(std::unique_ptr<spdlog::formatter> formatter) override {
    inner_->set_formatter(std::move(formatter));
  }

 private:
  std::shared_ptr<spdlog::sinks::sink> inner_;
};

}  // namespace

// Collects what is written in a small buffer and passes it on through visible_lines(); a UTF-8
// sequence cut between two writes is held until its rest comes. Errors of the stream it passes
// to are its own: a failed write fails the stream written to.
class OutputGuard::Buffer : public std::streambuf {
 public:
  explicit Buffer(std::streambuf* target) : target_(target) { setp(space_, space_ + sizeof space_); }

  // Everything held, a cut sequence too (as the bytes it is).
  bool finish() { return drain(true) && target_->pubsync() == 0; }

 protected:
  int_type overflow(int_type c) override {
    if (!drain(false)) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }

  std::streamsize xsputn(const char* text, std::streamsize count) override {
    if (count <= epptr() - pptr()) return std::streambuf::xsputn(text, count);
    held_.append(pbase(), pptr());
    setp(space_, space_ + sizeof space_);
    held_.append(text, static_cast<std::size_t>(count));
    return drain(false) ? count : 0;
  }

  int sync() override { return drain(false) && target_->pubsync() == 0 ? 0 : -1; }

 private:
  bool drain(bool all) {
    held_.append(pbase(), pptr());
    setp(space_, space_ + sizeof space_);
    const std::size_t end = all ? held_.size() : complete_prefix(held_);
    bool written = true;
    if (end > 0) {
      const std::string shown = visible_lines(std::string_view(held_).substr(0, end));
      written = target_->sputn(shown.data(), static_cast<std::streamsize>(shown.size())) ==
                static_cast<std::streamsize>(shown.size());
    }
    held_.erase(0, end);
    return written;
  }

  std::streambuf* target_;
  char space_[4096];
  std::string held_;
};

OutputGuard::OutputGuard(std::ostream& stream)
    : stream_(stream), original_(stream.rdbuf()), buffer_(std::make_unique<Buffer>(original_)) {
  stream_.rdbuf(buffer_.get());
}

OutputGuard::~OutputGuard() {
  if (!buffer_->finish()) stream_.setstate(std::ios::badbit);
  stream_.rdbuf(original_);
}

std::shared_ptr<spdlog::sinks::sink> escaping_sink(std::shared_ptr<spdlog::sinks::sink> inner) {
  return std::make_shared<EscapingSink>(std::move(inner));
}

std::string escape_json_controls(std::string dumped) {
  const bool plain =
      std::all_of(dumped.begin(), dumped.end(), [](char c) { return static_cast<unsigned char>(c) < 0x7F; });
  if (plain) return dumped;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(dumped.size() + 16);
  for (std::size_t at = 0; at < dumped.size();) {
    const CodePoint code = decode_utf8(dumped, at);
    const std::size_t length = code.length == 0 ? 1 : code.length;
    if (code.length != 0 && (code.value == 0x7F || is_escaped_code_point(code.value))) {
      out += "\\u";
      for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(code.value >> shift) & 0xF];
    } else {
      out.append(dumped, at, length);
    }
    at += length;
  }
  return out;
}

}  // namespace toets
