#include "ir/window_function.h"

namespace flern::ir {

namespace {

struct NamedKind {
  const char* name;
  WindowFunctionKind kind;
};

constexpr NamedKind kNames[] = {
    {"row_number", WindowFunctionKind::RowNumber},
    {"rank", WindowFunctionKind::Rank},
    {"dense_rank", WindowFunctionKind::DenseRank},
    {"percent_rank", WindowFunctionKind::PercentRank},
    {"cume_dist", WindowFunctionKind::CumeDist},
    {"ntile", WindowFunctionKind::Ntile},
    {"lag", WindowFunctionKind::Lag},
    {"lead", WindowFunctionKind::Lead},
    {"first_value", WindowFunctionKind::FirstValue},
    {"last_value", WindowFunctionKind::LastValue},
    {"nth_value", WindowFunctionKind::NthValue},
    {"count", WindowFunctionKind::Count},
    {"sum", WindowFunctionKind::Sum},
    {"avg", WindowFunctionKind::Avg},
    {"min", WindowFunctionKind::Min},
    {"max", WindowFunctionKind::Max},
};

std::string boundText(const FrameBound& bound) {
  std::string offset = bound.offset ? std::to_string(*bound.offset) : "NULL";
  switch (bound.kind) {
  case FrameBoundKind::UnboundedPreceding:
    return "UNBOUNDED PRECEDING";
  case FrameBoundKind::Preceding:
    return offset + " PRECEDING";
  case FrameBoundKind::CurrentRow:
    return "CURRENT ROW";
  case FrameBoundKind::Following:
    return offset + " FOLLOWING";
  case FrameBoundKind::UnboundedFollowing:
    return "UNBOUNDED FOLLOWING";
  }
  return "?";
}

} // namespace

std::optional<WindowFunctionKind> windowFunctionKind(const std::string& name) {
  for (const auto& entry : kNames)
    if (name == entry.name) return entry.kind;
  return std::nullopt;
}

const char* windowFunctionName(WindowFunctionKind kind) {
  if (kind == WindowFunctionKind::CountStar) return "count";
  for (const auto& entry : kNames)
    if (entry.kind == kind) return entry.name;
  return "?";
}

bool isWindowAggregate(WindowFunctionKind kind) {
  return kind >= WindowFunctionKind::CountStar;
}

std::string WindowFrame::toString() const {
  const char* name = unit == FrameUnit::Rows     ? "ROWS"
                     : unit == FrameUnit::Groups ? "GROUPS"
                                                 : "RANGE";
  return std::string(name) + " BETWEEN " + boundText(start) + " AND " + boundText(end);
}

std::string WindowExpr::windowText() const {
  std::string text;
  if (!partitionKeys.empty()) {
    text += "PARTITION BY";
    for (size_t i = 0; i < partitionKeys.size(); ++i)
      text += (i ? ", " : " ") + partitionKeys[i]->toString();
  }
  if (!orderKeys.empty()) {
    text += text.empty() ? "ORDER BY" : " ORDER BY";
    for (size_t i = 0; i < orderKeys.size(); ++i)
      text += (i ? ", " : " ") + orderKeys[i].expr->toString() +
              (orderKeys[i].descending ? " DESC" : "") +
              (orderKeys[i].nullsFirst != orderKeys[i].descending
                   ? (orderKeys[i].nullsFirst ? " NULLS FIRST" : " NULLS LAST")
                   : "");
  }
  return text;
}

std::string WindowExpr::toString() const {
  std::string text = std::string(windowFunctionName(kind)) + "(";
  if (kind == WindowFunctionKind::CountStar) text += "*";
  for (size_t i = 0; i < args.size(); ++i)
    text += (i ? ", " : "") + args[i]->toString();
  std::string window = windowText();
  // Only the value functions and the aggregates read a frame.
  bool framed = isWindowAggregate(kind) || kind == WindowFunctionKind::FirstValue ||
                kind == WindowFunctionKind::LastValue || kind == WindowFunctionKind::NthValue;
  if (framed) window += (window.empty() ? "" : " ") + frame.toString();
  return text + ") OVER (" + window + ")";
}

} // namespace flern::ir
