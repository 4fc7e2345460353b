#pragma once
// The sentence of a rejection reason (rejection_reason.hpp) in a report's language, from the one
// word table (words.hpp). The readers keep the English one with every rejection
// (Rejection::reason); the reports render the reason in their own language.

#include <span>
#include <string>
#include <string_view>

#include "engine/data/rejection_reason.hpp"
#include "engine/words/words.hpp"

namespace toets {

// The sentence of a reason in `lang`. A reason of kind Other has no sentence of its own: the
// `stored` text (the English one kept with it) is shown, with the few engine messages the
// reports translate.
std::string reason_text(const RejectionReason& why, Lang lang, std::string_view stored = {});

// reason_text in English, as Rejection::reason keeps it (kind Other: its `text` detail).
std::string english_reason(const RejectionReason& why);

// The words of the kinds, for the one word table (words.cpp).
struct ReasonWord {
  std::string_view key;
  std::string_view nl;
  std::string_view en;
};
std::span<const ReasonWord> rejection_reason_words();

}  // namespace toets
