// The only translation unit that compiles the X3 grammar.
#include "dsl/syntax/grammar_def.hpp"

namespace toets::parser {
BOOST_SPIRIT_INSTANTIATE(item_type, iterator_type, context_type)
BOOST_SPIRIT_INSTANTIATE(skipper_type, iterator_type, x3::unused_type)
}  // namespace toets::parser
