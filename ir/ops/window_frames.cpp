// Frames of the Window operator: frame bounds per row, first_value / last_value / nth_value,
// and the aggregates over frames.
//
// Aggregates run in O(n) per partition when the frame starts at UNBOUNDED PRECEDING (the frame
// only grows) and, for count and exact sums (integers, fixed-scale NUMERIC, INTERVAL), when it
// slides (rows leaving the frame are subtracted). Everything else (min/max, REAL/DOUBLE
// sums and averages, per-value-scale NUMERIC) is recomputed over each row's frame, O(n * frame
// width), which is also how PostgreSQL computes aggregates without an inverse transition: the
// results (float rounding, NUMERIC display scale) are then the same as PostgreSQL's.
#include "ir/ops/window_codegen.h"

#include <limits>

namespace flern::ir {

//===-- Frame bounds ------------------------------------------------------------------------===//

void WindowCodegen::checkFrameOffsets(size_t function) {
  Builder& b = ctx_.b();
  const WindowFrame& frame = functions_[function].frame;
  auto check = [&](const FrameBound& bound, const char* which) {
    if (bound.kind != FrameBoundKind::Preceding && bound.kind != FrameBoundKind::Following) return;
    if (!bound.offset)
      b.raise("22004", std::string("frame ") + which + " offset must not be null");
    else if (*bound.offset < 0)
      b.raise("22013", std::string("frame ") + which + " offset must not be negative");
  };
  check(frame.start, "starting");
  check(frame.end, "ending");
}

WindowCodegen::GroupCursors WindowCodegen::beginGroupCursors(Value ps) {
  Builder& b = ctx_.b();
  GroupCursors cursors{b.var(Type::I64), b.var(Type::I64), b.var(Type::I64), b.var(Type::I64)};
  for (Value row : {cursors.startRow, cursors.endRow})
    b.store(row, ps);
  for (Value group : {cursors.startGroup, cursors.endGroup})
    b.store(group, b.constI64(1));
  return cursors;
}

Value WindowCodegen::groupStart(Value row, Value group, Value target, Value pe) {
  Builder& b = ctx_.b();
  b.whileLoop(
      [&] {
        return b.logicalAnd(b.compare(OpCode::Lt, b.load(Type::I64, group), target),
                            b.compare(OpCode::Lt, b.load(Type::I64, row), pe));
      },
      [&] {
        b.store(row, runEnd(b.load(Type::I64, row), pe, orderField_,
                            functions_.front().orderKeys.size()));
        b.store(group, b.add(b.load(Type::I64, group), b.constI64(1)));
      });
  return b.load(Type::I64, row);
}

Value WindowCodegen::frameStart(size_t function, const RowPosition& at,
                                const GroupCursors& cursors) {
  Builder& b = ctx_.b();
  const WindowFrame& frame = functions_[function].frame;
  const FrameBound& bound = frame.start;
  Value offset = b.constI64(std::max<int64_t>(bound.offset.value_or(0), 0));
  Value rows = b.sub(at.pe, at.ps);
  switch (bound.kind) {
  case FrameBoundKind::UnboundedPreceding:
    return at.ps;
  case FrameBoundKind::Preceding: {
    if (frame.unit == FrameUnit::Groups) {
      Value target = b.sub(at.group, offset);
      target = b.select(b.compare(OpCode::Lt, target, b.constI64(1)), b.constI64(1), target);
      return groupStart(cursors.startRow, cursors.startGroup, target, at.pe);
    }
    Value t = b.sub(at.j, offset);
    return b.select(b.compare(OpCode::Lt, t, at.ps), at.ps, t);
  }
  case FrameBoundKind::CurrentRow:
    return frame.unit == FrameUnit::Rows ? at.j : at.gs;
  case FrameBoundKind::Following:
    if (frame.unit == FrameUnit::Groups) {
      // A group beyond the last one when the offset exceeds the rows (no overflow).
      Value target = b.select(b.compare(OpCode::Gt, offset, rows), b.add(rows, b.constI64(1)),
                              b.add(at.group, offset));
      return groupStart(cursors.startRow, cursors.startGroup, target, at.pe);
    }
    return b.select(b.compare(OpCode::Ge, offset, b.sub(at.pe, at.j)), at.pe, b.add(at.j, offset));
  case FrameBoundKind::UnboundedFollowing:
    return at.pe;
  }
  return at.ps;
}

Value WindowCodegen::frameEnd(size_t function, const RowPosition& at, const GroupCursors& cursors) {
  Builder& b = ctx_.b();
  const WindowFrame& frame = functions_[function].frame;
  const FrameBound& bound = frame.end;
  Value offset = b.constI64(std::max<int64_t>(bound.offset.value_or(0), 0));
  Value rows = b.sub(at.pe, at.ps);
  switch (bound.kind) {
  case FrameBoundKind::UnboundedPreceding:
    return at.ps;
  case FrameBoundKind::Preceding: {
    if (frame.unit == FrameUnit::Groups) { // the end of group g - n: the start of the next
      Value target = b.add(b.sub(at.group, offset), b.constI64(1));
      target = b.select(b.compare(OpCode::Lt, target, b.constI64(1)), b.constI64(1), target);
      return groupStart(cursors.endRow, cursors.endGroup, target, at.pe);
    }
    Value t = b.add(b.sub(at.j, offset), b.constI64(1));
    return b.select(b.compare(OpCode::Lt, t, at.ps), at.ps, t);
  }
  case FrameBoundKind::CurrentRow:
    return frame.unit == FrameUnit::Rows ? b.add(at.j, b.constI64(1)) : at.ge;
  case FrameBoundKind::Following: {
    if (frame.unit == FrameUnit::Groups) {
      Value target = b.select(b.compare(OpCode::Gt, offset, rows), b.add(rows, b.constI64(1)),
                              b.add(b.add(at.group, offset), b.constI64(1)));
      return groupStart(cursors.endRow, cursors.endGroup, target, at.pe);
    }
    Value last = b.sub(b.sub(at.pe, at.j), b.constI64(1)); // rows after j in the partition
    return b.select(b.compare(OpCode::Ge, offset, last), at.pe,
                    b.add(b.add(at.j, offset), b.constI64(1)));
  }
  case FrameBoundKind::UnboundedFollowing:
    return at.pe;
  }
  return at.pe;
}

//===-- first_value, last_value, nth_value --------------------------------------------------===//

void WindowCodegen::computeValueFunction(size_t function, Value ps, Value pe) {
  Builder& b = ctx_.b();
  const WindowExpr& expr = functions_[function];
  GroupCursors cursors = beginGroupCursors(ps);
  forEachRow(ps, pe, [&](Value j, Value gs, Value ge, Value group) {
    RowPosition at{j, ps, pe, gs, ge, group};
    Value fs = frameStart(function, at, cursors);
    Value fe = frameEnd(function, at, cursors);
    Value current = rowAt(j);
    Value target;
    Value valid;
    if (expr.kind == WindowFunctionKind::NthValue) {
      SqlValue n = arg(current, function, 1);
      b.ifThen(b.logicalAnd(b.logicalNot(n.isNull), b.compare(OpCode::Le, n.value, b.constI32(0))),
               [&] { b.raise("22016", "argument of nth_value must be greater than zero"); });
      target = b.sub(b.add(fs, b.cast(n.value, Type::I64)), b.constI64(1));
      valid = b.logicalAnd(b.logicalNot(n.isNull), b.compare(OpCode::Lt, target, fe));
    } else {
      target = expr.kind == WindowFunctionKind::FirstValue ? fs : b.sub(fe, b.constI64(1));
      valid = b.compare(OpCode::Lt, fs, fe);
    }
    Value out = b.var(irType(expr.type));
    Value outNull = b.var(Type::I1);
    b.store(out, ctx_.zeroOf(expr.type));
    b.store(outNull, b.constI1(true));
    b.ifThen(valid, [&] {
      SqlValue value = arg(rowAt(target), function, 0);
      b.store(out, value.value);
      b.store(outNull, value.isNull);
    });
    storeResult(current, function,
                {b.load(irType(expr.type), out), b.load(Type::I1, outNull), expr.type});
  });
}

//===-- Aggregates over frames --------------------------------------------------------------===//

namespace {

bool isFloat(const SqlType& type) {
  return type.id == TypeId::Float64 || type.id == TypeId::Float32;
}

/// The running state of one aggregate: a value and the count of non-null inputs in it.
class FrameAccumulator {
public:
  FrameAccumulator(CodegenContext& ctx, const WindowExpr& expr)
      : ctx_(ctx), expr_(expr), b_(ctx.b()), accType_(accumulatorType(expr)) {
    value_ = b_.var(irType(accType_));
    count_ = b_.var(Type::I64);
  }

  /// Whether subtracting a row that leaves the frame gives exactly PostgreSQL's result.
  static bool invertible(const WindowExpr& expr) {
    switch (expr.kind) {
    case WindowFunctionKind::CountStar:
    case WindowFunctionKind::Count:
      return true;
    case WindowFunctionKind::Sum:
    case WindowFunctionKind::Avg: {
      SqlType acc = accumulatorType(expr);
      return !isFloat(acc) && !(acc.id == TypeId::Numeric && acc.scale == kDynamicScale);
    }
    default:
      return false;
    }
  }

  void reset() {
    b_.store(value_, ctx_.zeroOf(accType_));
    b_.store(count_, b_.constI64(0));
  }

  void add(const SqlValue& input) { update(input, true); }
  void remove(const SqlValue& input) { update(input, false); }

  SqlValue result() {
    Value count = b_.load(Type::I64, count_);
    if (expr_.kind == WindowFunctionKind::CountStar || expr_.kind == WindowFunctionKind::Count)
      return {count, b_.constI1(false), expr_.type};
    Value empty = b_.compare(OpCode::Eq, count, b_.constI64(0));
    SqlValue acc{b_.load(irType(accType_), value_), empty, accType_};
    if (expr_.kind != WindowFunctionKind::Avg) {
      SqlValue out = ctx_.coerce(acc, expr_.type);
      return {b_.select(empty, ctx_.zeroOf(expr_.type), out.value), empty, expr_.type};
    }
    Value divisor = b_.select(empty, b_.constI64(1), count);
    Value average;
    if (expr_.type.id == TypeId::Float64)
      average = b_.binary(OpCode::Div, acc.value, b_.cast(divisor, Type::F64));
    else if (expr_.type.id == TypeId::Interval)
      average = b_.call("flern_rt_interval_mul", Type::I128,
                        {b_.context(), acc.value, b_.cast(divisor, Type::F64), b_.constI32(1)});
    else
      average = b_.call("flern_rt_numeric_div", Type::I128,
                        {b_.context(), acc.value, b_.constI32(accType_.scale),
                         b_.cast(divisor, Type::I128), b_.constI32(0), b_.constI32(0)});
    return {b_.select(empty, ctx_.zeroOf(expr_.type), average), empty, expr_.type};
  }

private:
  static SqlType accumulatorType(const WindowExpr& expr) {
    switch (expr.kind) {
    case WindowFunctionKind::CountStar:
    case WindowFunctionKind::Count:
      return SqlType::int64();
    case WindowFunctionKind::Avg: {
      const SqlType& in = expr.args[0]->type;
      if (isFloat(in)) return SqlType::float64();
      if (in.id == TypeId::Interval) return SqlType::interval();
      return SqlType::numeric(0, in.id == TypeId::Numeric ? in.scale : 0);
    }
    default:
      return expr.type;
    }
  }

  void update(const SqlValue& input, bool adding) {
    Value step = b_.constI64(adding ? 1 : -1);
    if (expr_.kind == WindowFunctionKind::CountStar) {
      b_.store(count_, b_.add(b_.load(Type::I64, count_), step));
      return;
    }
    b_.ifThen(b_.logicalNot(input.isNull), [&] {
      Value count = b_.load(Type::I64, count_);
      SqlValue current{b_.load(irType(accType_), value_), b_.constI1(false), accType_};
      Value updated;
      switch (expr_.kind) {
      case WindowFunctionKind::Sum:
      case WindowFunctionKind::Avg:
        updated = sum(current.value, ctx_.coerce(input, accType_).value, adding);
        break;
      case WindowFunctionKind::Min:
      case WindowFunctionKind::Max: {
        Value order = ctx_.compareValues(input, current);
        // Intervals that compare equal can differ ('1 mon', '30 days'): PostgreSQL's
        // interval_smaller/larger then keep the later input.
        bool tiesReplace = input.type.id == TypeId::Interval;
        OpCode code = expr_.kind == WindowFunctionKind::Min
                          ? (tiesReplace ? OpCode::Le : OpCode::Lt)
                          : (tiesReplace ? OpCode::Ge : OpCode::Gt);
        Value better = b_.compare(code, order, b_.constI32(0));
        Value first = b_.compare(OpCode::Eq, count, b_.constI64(0));
        updated = b_.select(b_.logicalOr(first, better), input.value, current.value);
        break;
      }
      default:
        break;
      }
      if (updated.valid()) b_.store(value_, updated);
      b_.store(count_, b_.add(count, step));
    });
  }

  Value sum(Value a, Value c, bool adding) {
    if (accType_.id == TypeId::Numeric && accType_.scale == kDynamicScale)
      return b_.call("flern_rt_numeric_arith", Type::I128,
                     {b_.context(), a, c, b_.constI32('+'), b_.constI32(kDynamicScale),
                      b_.constI32(kDynamicScale)});
    if (isFloat(accType_)) return floatSum(a, c);
    if (accType_.id == TypeId::Interval)
      return b_.call("flern_rt_interval_pl", Type::I128,
                     {b_.context(), a, c, b_.constI32(adding ? 1 : -1)});
    return b_.emitWith(
        adding ? OpCode::AddChecked : OpCode::SubChecked, c.type, {a, c}, [&](Op& op) {
          op.text = accType_.id == TypeId::Int64 ? "bigint out of range" : "numeric field overflow";
        });
  }

  /// An infinite sum of finite values is an overflow (22003), as float4pl/float8pl check.
  Value floatSum(Value a, Value c) {
    Value total = b_.add(a, c);
    auto isInf = [&](Value v) {
      double inf = std::numeric_limits<double>::infinity();
      Value pos = v.type == Type::F32 ? b_.constF32(static_cast<float>(inf)) : b_.constF64(inf);
      Value neg = v.type == Type::F32 ? b_.constF32(static_cast<float>(-inf)) : b_.constF64(-inf);
      return b_.logicalOr(b_.compare(OpCode::Eq, v, pos), b_.compare(OpCode::Eq, v, neg));
    };
    Value overflow = b_.logicalAnd(isInf(total), b_.logicalNot(b_.logicalOr(isInf(a), isInf(c))));
    b_.ifThen(overflow, [&] { b_.raise("22003", "value out of range: overflow"); });
    return total;
  }

  CodegenContext& ctx_;
  const WindowExpr& expr_;
  Builder& b_;
  SqlType accType_;
  Value value_, count_;
};

} // namespace

void WindowCodegen::computeAggregate(size_t function, Value ps, Value pe) {
  Builder& b = ctx_.b();
  const WindowExpr& expr = functions_[function];
  FrameAccumulator acc(ctx_, expr);
  auto input = [&](Value index) {
    return expr.args.empty() ? SqlValue{b.constI1(false), b.constI1(false), SqlType::boolean()}
                             : arg(rowAt(index), function, 0);
  };
  bool running = expr.frame.start.kind == FrameBoundKind::UnboundedPreceding;
  bool sliding = !running && FrameAccumulator::invertible(expr);
  // Rows [removed, added) are in the accumulator; frame bounds never move backwards.
  Value added = b.var(Type::I64), removed = b.var(Type::I64);
  b.store(added, ps);
  b.store(removed, ps);
  acc.reset();
  GroupCursors cursors = beginGroupCursors(ps);
  forEachRow(ps, pe, [&](Value j, Value gs, Value ge, Value group) {
    RowPosition at{j, ps, pe, gs, ge, group};
    Value fs = frameStart(function, at, cursors);
    Value fe = frameEnd(function, at, cursors);
    if (running || sliding) {
      b.whileLoop([&] { return b.compare(OpCode::Lt, b.load(Type::I64, added), fe); },
                  [&] {
                    Value at = b.load(Type::I64, added);
                    acc.add(input(at));
                    b.store(added, b.add(at, b.constI64(1)));
                  });
      if (sliding) {
        // An empty frame (start past end) leaves nothing in the accumulator.
        Value start = b.select(b.compare(OpCode::Gt, fs, fe), fe, fs);
        b.whileLoop([&] { return b.compare(OpCode::Lt, b.load(Type::I64, removed), start); },
                    [&] {
                      Value at = b.load(Type::I64, removed);
                      acc.remove(input(at));
                      b.store(removed, b.add(at, b.constI64(1)));
                    });
      }
    } else {
      acc.reset();
      b.forRange(fs, b.select(b.compare(OpCode::Gt, fs, fe), fs, fe),
                 [&](Value at) { acc.add(input(at)); });
    }
    storeResult(rowAt(j), function, acc.result());
  });
}

} // namespace flern::ir
