// The code generation of the Window operator, shared by window.cpp (sorting, partitions, the
// ranking and offset functions) and window_frames.cpp (frames, value functions, aggregates).
// Internal to ir/ops.
#pragma once

#include "ir/codegen.h"
#include "ir/window_function.h"

namespace flern::ir {

/// The sorted rows of one Window operator and the fields of each: the input row, the partition
/// keys, the order keys, every function's arguments, then every function's result.
class WindowCodegen {
public:
  WindowCodegen(CodegenContext& ctx, const std::vector<SqlType>& inputTypes,
                const std::vector<WindowExpr>& functions);

  const RowLayout& layout() const { return layout_; }
  size_t inputWidth() const { return inputWidth_; }
  /// The row storage values for an input row: the row, keys, arguments and null results.
  Row storedRow(const Row& input);
  /// Emits the sort comparator (partition keys, then order keys) and returns its name.
  std::string emitComparator();
  /// Computes every function's results for the sorted rows [0, count) of `buffer`.
  void computeAll(Value buffer, Value count);
  SqlValue result(Value row, size_t function);

private:
  // Row access
  Value rowAt(Value index);
  SqlValue arg(Value row, size_t function, size_t index);
  void storeResult(Value row, size_t function, const SqlValue& value);
  /// Whether rows `a` and `b` agree on the key fields [first, first + count).
  Value sameKeys(Value a, Value b, size_t first, size_t count);
  /// The end of the run of rows from `start` that agree with it on the keys, before `limit`.
  Value runEnd(Value start, Value limit, size_t first, size_t count);
  /// Calls `body(row index, peer group start, peer group end, peer group number)` for every row
  /// of the partition [ps, pe) in order.
  void forEachRow(Value ps, Value pe, const std::function<void(Value, Value, Value, Value)>& body);

  // One function over one partition
  void computeFunction(size_t function, Value ps, Value pe);
  void computeNtile(size_t function, Value ps, Value pe);
  void computeOffset(size_t function, Value ps, Value pe, Value j);
  // Frames (window_frames.cpp)
  /// Raises the errors of a NULL or negative frame offset.
  void checkFrameOffsets(size_t function);
  /// Where a GROUPS frame's offset bounds are in a partition: the first row of a peer group and
  /// that group's number, one pair per bound. They only move forwards, as the bounds do.
  struct GroupCursors {
    Value startRow, startGroup, endRow, endGroup;
  };
  /// The current row j, its partition [ps, pe) and its peer group [gs, ge) numbered `group`.
  struct RowPosition {
    Value j, ps, pe, gs, ge, group;
  };
  GroupCursors beginGroupCursors(Value ps);
  /// The first row of peer group `target` (or pe), moving the cursor there.
  Value groupStart(Value row, Value group, Value target, Value pe);
  Value frameStart(size_t function, const RowPosition& at, const GroupCursors& cursors);
  Value frameEnd(size_t function, const RowPosition& at, const GroupCursors& cursors);
  void computeValueFunction(size_t function, Value ps, Value pe);
  void computeAggregate(size_t function, Value ps, Value pe);

  CodegenContext& ctx_;
  Value buffer_;
  size_t inputWidth_;
  const std::vector<WindowExpr>& functions_;
  std::vector<SqlType> types_;
  size_t partitionField_, orderField_;
  std::vector<size_t> argField_;
  size_t resultField_;
  RowLayout layout_;
};

} // namespace flern::ir
