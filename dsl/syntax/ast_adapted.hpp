#pragma once
// Fusion adaptation of the syntax tree, for the X3 grammar only.

#include <boost/fusion/include/adapt_struct.hpp>

#include "dsl/syntax/ast.hpp"

BOOST_FUSION_ADAPT_STRUCT(toets::ast::Name, text)
BOOST_FUSION_ADAPT_STRUCT(toets::ast::StringLit, value)
BOOST_FUSION_ADAPT_STRUCT(toets::ast::NumberLit, text)
BOOST_FUSION_ADAPT_STRUCT(toets::ast::MoneyLit, text)
BOOST_FUSION_ADAPT_STRUCT(toets::ast::PercentLit, text)
BOOST_FUSION_ADAPT_STRUCT(toets::ast::DateLit, text)
BOOST_FUSION_ADAPT_STRUCT(toets::ast::Call, qualifier, function, args)
BOOST_FUSION_ADAPT_STRUCT(toets::ast::SetLit, open, items)
BOOST_FUSION_ADAPT_STRUCT(toets::ast::Unary, op, operand)
BOOST_FUSION_ADAPT_STRUCT(toets::ast::Operation, op, operand)
BOOST_FUSION_ADAPT_STRUCT(toets::ast::Chain, first, rest)
BOOST_FUSION_ADAPT_STRUCT(toets::ast::TextClause, keyword, value)
BOOST_FUSION_ADAPT_STRUCT(toets::ast::ValidClause, form, first, second)
BOOST_FUSION_ADAPT_STRUCT(toets::ast::ListClause, keyword, values)
BOOST_FUSION_ADAPT_STRUCT(toets::ast::RulesetDecl, id, clauses)
BOOST_FUSION_ADAPT_STRUCT(toets::ast::Import, keyword, path)
BOOST_FUSION_ADAPT_STRUCT(toets::ast::Narrowing, key, values)
BOOST_FUSION_ADAPT_STRUCT(toets::ast::Param, modifier, name, value, narrowing)
BOOST_FUSION_ADAPT_STRUCT(toets::ast::TableRow, key, value, nested)
BOOST_FUSION_ADAPT_STRUCT(toets::ast::Table, name, keys, value_type, rows)
BOOST_FUSION_ADAPT_STRUCT(toets::ast::OverClause, dataset, filter)
BOOST_FUSION_ADAPT_STRUCT(toets::ast::ExprClause, keyword, expr)
BOOST_FUSION_ADAPT_STRUCT(toets::ast::PerClause, keyword, keys)
BOOST_FUSION_ADAPT_STRUCT(toets::ast::ThresholdClause, status, op, value)
BOOST_FUSION_ADAPT_STRUCT(toets::ast::TargetClause, op, value, deadline, missed)
BOOST_FUSION_ADAPT_STRUCT(toets::ast::BaselineClause, keyword, date)
BOOST_FUSION_ADAPT_STRUCT(toets::ast::ExpectClause, keyword, key, values)
BOOST_FUSION_ADAPT_STRUCT(toets::ast::Rule, id, title, clauses)
