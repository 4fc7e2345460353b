#include "dsl/program/program.hpp"

#include <limits>

namespace toets {

int compare(const Ratio& a, const Ratio& b) {
  const Int128 left = static_cast<Int128>(a.numerator) * b.denominator;
  const Int128 right = static_cast<Int128>(b.numerator) * a.denominator;
  return left < right ? -1 : (left > right ? 1 : 0);
}

std::optional<Ratio> add(const Ratio& a, const Ratio& b, int sign) {
  Int128 numerator = static_cast<Int128>(a.numerator) * b.denominator +
                     static_cast<Int128>(sign) * b.numerator * a.denominator;
  Int128 denominator = static_cast<Int128>(a.denominator) * b.denominator;
  Int128 x = numerator < 0 ? -numerator : numerator, y = denominator;
  while (y != 0) {
    const Int128 r = x % y;
    x = y;
    y = r;
  }
  if (x > 1) {
    numerator /= x;
    denominator /= x;
  }
  constexpr Int128 kMax = std::numeric_limits<std::int64_t>::max();
  if (numerator > kMax || numerator < -kMax || denominator > kMax) return std::nullopt;
  return Ratio{static_cast<std::int64_t>(numerator), static_cast<std::int64_t>(denominator)};
}

double to_double(const Ratio& r) {
  return static_cast<double>(r.numerator) / static_cast<double>(r.denominator);
}

std::string_view compare_op_text(CompareOp op) {
  switch (op) {
    case CompareOp::Lt: return "<";
    case CompareOp::Le: return "<=";
    case CompareOp::Eq: return "=";
    case CompareOp::Ne: return "!=";
    case CompareOp::Ge: return ">=";
    case CompareOp::Gt: return ">";
  }
  return "?";
}

bool holds(int c, CompareOp op) {
  switch (op) {
    case CompareOp::Lt: return c < 0;
    case CompareOp::Le: return c <= 0;
    case CompareOp::Eq: return c == 0;
    case CompareOp::Ne: return c != 0;
    case CompareOp::Ge: return c >= 0;
    case CompareOp::Gt: return c > 0;
  }
  return false;
}

std::string_view status_name(Status status) {
  switch (status) {
    case Status::Ok: return "ok";
    case Status::Signal: return "signal";
    case Status::Breach: return "breach";
    case Status::OnTrack: return "on_track";
    case Status::AtRisk: return "at_risk";
    case Status::NoData: return "no_data";
    case Status::NotEvaluated: return "not_evaluated";
    case Status::Error: return "error";
  }
  return "?";
}

std::string_view measure_name(MeasureKind kind) {
  switch (kind) {
    case MeasureKind::Count: return "count";
    case MeasureKind::CountIf: return "count";
    case MeasureKind::Share: return "share";
    case MeasureKind::Ratio: return "ratio";
    case MeasureKind::Sum: return "sum";
    case MeasureKind::Average: return "avg";
    case MeasureKind::Min: return "min";
    case MeasureKind::Max: return "max";
    case MeasureKind::Net: return "net";
  }
  return "?";
}

}  // namespace toets
