// Output of the data generator: a buffered CSV writer with hand-made number formatting, and the
// calendar of 2021-2026 that every data set takes its dates from.
#pragma once

#include <array>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <vector>

#include "tools/generate/national.hpp"

namespace toets::generate {

class Writer {
 public:
  // Exits with status 2 and a message naming the file if it cannot be opened.
  explicit Writer(const std::filesystem::path& path);
  ~Writer() { close(); }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void put(std::string_view text) {
    if (used_ + text.size() > buffer_.size()) flush();
    if (text.size() > buffer_.size()) {
      write(text.data(), text.size());
      return;
    }
    std::memcpy(buffer_.data() + used_, text.data(), text.size());
    used_ += text.size();
  }
  void put(char c) {
    if (used_ == buffer_.size()) flush();
    buffer_[used_++] = c;
  }
  void put_int(std::int64_t v) {
    char tmp[24];
    const auto res = std::to_chars(tmp, tmp + sizeof tmp, v);
    put(std::string_view(tmp, static_cast<std::size_t>(res.ptr - tmp)));
  }
  // A fixed-width zero-padded number, e.g. ids.
  void put_padded(std::uint64_t v, int width) {
    char tmp[24];
    for (int i = width - 1; i >= 0; --i) {
      tmp[i] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    put(std::string_view(tmp, static_cast<std::size_t>(width)));
  }
  // Cents as euros with two decimals: 61235 -> 612.35.
  void put_money(std::int64_t cents) {
    put_int(cents / 100);
    const auto rest = static_cast<int>(cents % 100);
    char tmp[3] = {'.', static_cast<char>('0' + rest / 10), static_cast<char>('0' + rest % 10)};
    put(std::string_view(tmp, 3));
  }
  void put_bool(int v) {  // -1: empty
    if (v > 0)
      put("true");
    else if (v == 0)
      put("false");
  }
  void close() {
    if (file_ == nullptr) return;
    flush();
    if (std::fclose(file_) != 0) fail();
    file_ = nullptr;
  }

 private:
  void flush() {
    write(buffer_.data(), used_);
    used_ = 0;
  }
  void write(const char* data, std::size_t size) {
    if (size > 0 && std::fwrite(data, 1, size, file_) != size) fail();
  }
  [[noreturn]] void fail();

  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
  std::vector<char> buffer_;
  std::size_t used_ = 0;
};
// Dates: days from 2021-01-01, formatted from a table.
struct Calendar {
  static constexpr int kDays = 2191;  // 2021-01-01 .. 2026-12-31
  std::vector<std::array<char, 10>> text;
  std::vector<std::uint8_t> year_index;
  Calendar();
  std::string_view date(int day) const { return {text[static_cast<std::size_t>(day)].data(), 10}; }
  // Day offset of 1 January of year index y.
  int new_year(int y) const {
    int day = 0;
    while (year_index[static_cast<std::size_t>(day)] < y) ++day;
    return day;
  }
};

// The one calendar; build it (call this once) before threads share it.
const Calendar& calendar();

}  // namespace toets::generate
