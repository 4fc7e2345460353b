#pragma once
// Numbers written the Dutch way in a rule file (7,5%, € 1.234,56, €700,50): the grammar reads them
// as a number and a comma, so the error it gives ("expected a rule clause ... found ','", or
// "share() takes one argument") does not say what is wrong. These find such a number where an
// error was found and give its spelling in the rule language.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace toets {

struct DutchNumber {
  std::size_t begin = 0;  // where it starts in the text (the euro sign, if any)
  std::size_t end = 0;    // just after it
  std::string written;    // "7,5%", "€ 1.234,56"
  std::string spelling;   // "7.5%", "€1234.56"
  bool thousands = false; // written with '.' between thousands
};

// The number written with a decimal comma (or with points between thousands) that covers `at`,
// or that ends just before it with only blanks between; nullopt when there is none.
std::optional<DutchNumber> dutch_number_near(std::string_view text, std::size_t at);

// A call given too many arguments because a number in it was split at its decimal comma
// (`share(rent > €700,50)`): the number, found from where each argument after the first starts.
std::optional<DutchNumber> dutch_number_between(std::string_view text, const std::vector<std::uint32_t>& later_arguments);

// "'7,5%' has a decimal comma: write 7.5%; rule files use a decimal point".
std::string dutch_number_message(const DutchNumber& number);

}  // namespace toets
