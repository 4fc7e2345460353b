#pragma once
// The X3 grammar of rule files, declared here and defined in grammar_def.hpp; only grammar.cpp
// compiles it. parser.cpp drives it one top-level item at a time.

#include <boost/spirit/home/x3.hpp>

#include "dsl/syntax/ast.hpp"
#include "dsl/syntax/config.hpp"

namespace toets::parser {

struct item_class;
using item_type = x3::rule<item_class, ast::Item>;
BOOST_SPIRIT_DECLARE(item_type, skipper_type)

// One top-level item: ruleset header, import, param, table or rule.
item_type const& item();
// White space and comments (// to end of line, /* ... */).
skipper_type const& skipper();

}  // namespace toets::parser
