// The generator's writer and calendar (output.hpp).
#include "tools/generate/output.hpp"

#include <cerrno>
#include <cstdlib>
#include <iostream>

namespace toets::generate {

Writer::Writer(const std::filesystem::path& path) : path_(path) {
  file_ = std::fopen(path.c_str(), "wb");
  if (file_ == nullptr) {
    std::cerr << "toets-generate: cannot write " << path << ": " << std::strerror(errno) << "\n";
    std::exit(2);
  }
  buffer_.resize(1 << 20);
}

void Writer::fail() {
  std::cerr << "toets-generate: writing " << path_ << " failed: " << std::strerror(errno) << "\n";
  std::exit(2);
}

Calendar::Calendar() {
  constexpr std::array<int, 12> month_days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (int y = kFirstYear; y < kFirstYear + kYears; ++y) {
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    for (int m = 1; m <= 12; ++m) {
      const int days = month_days[static_cast<std::size_t>(m - 1)] + (m == 2 && leap ? 1 : 0);
      for (int d = 1; d <= days; ++d) {
        const std::array<char, 10> t = {static_cast<char>('0' + y / 1000),
                                        static_cast<char>('0' + y / 100 % 10),
                                        static_cast<char>('0' + y / 10 % 10),
                                        static_cast<char>('0' + y % 10),
                                        '-',
                                        static_cast<char>('0' + m / 10),
                                        static_cast<char>('0' + m % 10),
                                        '-',
                                        static_cast<char>('0' + d / 10),
                                        static_cast<char>('0' + d % 10)};
        text.push_back(t);
        year_index.push_back(static_cast<std::uint8_t>(y - kFirstYear));
      }
    }
  }
}

const Calendar& calendar() {
  static const Calendar c;
  return c;
}

}  // namespace toets::generate
