#pragma once
// The one iterator, skipper and context every X3 rule of the grammar is instantiated with
// (grammar.cpp). Only grammar.cpp and parser.cpp include this.

#include <boost/spirit/home/x3.hpp>

namespace toets::parser {

namespace x3 = boost::spirit::x3;

using iterator_type = char const*;

// The start of the source, so that nodes can record their byte offsets; and how deep the
// brackets, `not` and `-` being parsed are nested (grammar_def.hpp's `nest`).
struct SourceBase {
  iterator_type begin = nullptr;
  int depth = 0;
};

// Thrown by the grammar where nesting passes kMaxNestingDepth (parser.hpp): the grammar, the
// checker and the evaluator all recurse on it, so 100000 '(' must stop here, not overflow the stack.
struct nesting_too_deep {
  iterator_type where;
};
struct source_base_tag;

struct skipper_class;
using skipper_type = x3::rule<skipper_class>;

using phrase_context_type = x3::phrase_parse_context<skipper_type>::type;
using context_type =
    x3::context<source_base_tag, std::reference_wrapper<SourceBase>, phrase_context_type>;

}  // namespace toets::parser
