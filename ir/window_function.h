// A window function call as the planner and the Window operator see it: the function, its
// arguments, its window (partition keys, order keys) and its frame.
#pragma once

#include "ir/ops/sort.h"

#include <optional>
#include <string>
#include <vector>

namespace flern::ir {

enum class WindowFunctionKind {
  RowNumber,
  Rank,
  DenseRank,
  PercentRank,
  CumeDist,
  Ntile,
  Lag,
  Lead,
  FirstValue,
  LastValue,
  NthValue,
  CountStar, ///< the aggregates, computed over the frame
  Count,
  Sum,
  Avg,
  Min,
  Max,
};

/// The function named `name` as a window function, if there is one.
std::optional<WindowFunctionKind> windowFunctionKind(const std::string& name);
const char* windowFunctionName(WindowFunctionKind kind);
bool isWindowAggregate(WindowFunctionKind kind);

enum class FrameUnit { Rows, Range, Groups };

enum class FrameBoundKind {
  UnboundedPreceding,
  Preceding,
  CurrentRow,
  Following,
  UnboundedFollowing
};

struct FrameBound {
  FrameBoundKind kind = FrameBoundKind::UnboundedPreceding;
  /// n of "n PRECEDING/FOLLOWING" (ROWS, GROUPS): a bigint constant, null when the SQL value is
  /// NULL; negative values are kept for the 22013 error the query raises when it has rows.
  std::optional<int64_t> offset;
};

/// The default frame (RANGE UNBOUNDED PRECEDING .. CURRENT ROW): with ORDER BY the rows up to the
/// current row's last peer, without it the whole partition.
struct WindowFrame {
  FrameUnit unit = FrameUnit::Range;
  FrameBound start{FrameBoundKind::UnboundedPreceding, std::nullopt};
  FrameBound end{FrameBoundKind::CurrentRow, std::nullopt};
  std::string toString() const;
};

struct WindowExpr {
  WindowFunctionKind kind = WindowFunctionKind::RowNumber;
  std::vector<BoundExprPtr> args;
  SqlType type; ///< result type
  std::vector<BoundExprPtr> partitionKeys;
  std::vector<SortKey> orderKeys;
  WindowFrame frame;

  /// The window (partition and order keys) as text: calls with the same text share one sort.
  std::string windowText() const;
  std::string toString() const;
};

} // namespace flern::ir
