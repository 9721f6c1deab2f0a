// The binder's window functions: OVER clauses and the WINDOW clause (named windows), the
// functions' arguments and result types (PostgreSQL's), frames, and the Window operator that
// computes them after grouping.
#include "common/error.h"
#include "planner/binder.h"
#include "planner/type_rules.h"

#include <cmath>

namespace flern::planner {

using ir::BoundExpr;
using ir::BoundExprPtr;
using ir::BoundKind;
using ir::WindowFunctionKind;
using namespace typing;

namespace {

/// PostgreSQL's FRAMEOPTION_* bits as libpg_query reports them.
enum FrameOption : int {
  kNonDefault = 0x1,
  kRange = 0x2,
  kRows = 0x4,
  kGroups = 0x8,
  kStartUnboundedPreceding = 0x20,
  kEndUnboundedFollowing = 0x100,
  kStartCurrentRow = 0x200,
  kEndCurrentRow = 0x400,
  kStartPreceding = 0x800,
  kEndPreceding = 0x1000,
  kStartFollowing = 0x2000,
  kEndFollowing = 0x4000,
};

/// Marks a window function's arguments: a window call there is nested.
const char* const kInsideWindow = "window function arguments";

/// A window specification with its named-window references followed.
struct ResolvedWindow {
  const std::vector<ast::ExprPtr>* partitionBy;
  const std::vector<ast::OrderItem>* orderBy;
  const ast::WindowSpec* frame; ///< the specification whose frame applies
};

ResolvedWindow resolveWindow(const ast::WindowSpec& spec,
                             const std::vector<std::shared_ptr<ast::WindowSpec>>* named,
                             size_t visible) {
  if (spec.refName.empty()) return {&spec.partitionBy, &spec.orderBy, &spec};
  const ast::WindowSpec* base = nullptr;
  for (size_t i = 0; named && i < visible && i < named->size(); ++i)
    if ((*named)[i]->name == spec.refName) base = (*named)[i].get();
  const std::string quoted = "\"" + spec.refName + "\"";
  if (!base)
    throw Error(SqlState::UndefinedObject, "window " + quoted + " does not exist",
                spec.location + 1);
  size_t baseIndex = 0;
  while ((*named)[baseIndex].get() != base)
    ++baseIndex;
  ResolvedWindow resolved = resolveWindow(*base, named, baseIndex);
  if (!spec.partitionBy.empty())
    throw Error(SqlState::WindowingError, "cannot override PARTITION BY clause of window " + quoted,
                spec.location + 1);
  if (!spec.orderBy.empty() && !resolved.orderBy->empty())
    throw Error(SqlState::WindowingError, "cannot override ORDER BY clause of window " + quoted,
                spec.location + 1);
  if (base->frameOptions & kNonDefault)
    throw Error(SqlState::WindowingError,
                "cannot copy window " + quoted + " because it has a frame clause",
                spec.location + 1)
        .withHint("Omit the parentheses in this OVER clause.");
  if (!spec.orderBy.empty()) resolved.orderBy = &spec.orderBy;
  resolved.frame = &spec;
  return resolved;
}

bool containsColumnRef(const ast::Expr& expr) {
  if (expr.kind == ast::ExprKind::ColumnRef) return true;
  for (const auto& arg : expr.args)
    if (containsColumnRef(*arg)) return true;
  return false;
}

/// A NUMERIC or DOUBLE PRECISION constant frame offset converted to bigint as PostgreSQL's
/// coercion does: rounded half away from zero (1.5 PRECEDING is 2 PRECEDING).
BoundExprPtr roundedToBigint(const BoundExprPtr& constant) {
  if (constant->type.id != TypeId::Numeric && constant->type.id != TypeId::Float64) return constant;
  double value = constant->floatValue;
  if (constant->type.id == TypeId::Numeric) {
    bool dynamic = constant->type.scale == kDynamicScale;
    __int128 digits = dynamic ? packedDigits(constant->numericValue) : constant->numericValue;
    int scale = dynamic ? packedScale(constant->numericValue) : constant->type.scale;
    value = static_cast<double>(digits);
    for (int i = 0; i < scale; ++i)
      value /= 10;
  }
  if (!(std::fabs(value) < 9.2e18))
    throw Error(SqlState::NumericValueOutOfRange, "bigint out of range", constant->location + 1);
  auto node = makeNode(BoundKind::Constant, SqlType::int64(), constant->location);
  node->intValue = std::llround(value);
  return node;
}

[[noreturn]] void noSuchFunction(const std::string& name, const std::vector<BoundExprPtr>& args,
                                 int location) {
  throw Error(SqlState::UndefinedFunction,
              "function " + name + "(" + typeListText(args) + ") does not exist", location + 1)
      .withHint("No function matches the given name and argument types. You might need to add "
                "explicit type casts.");
}

/// An integer argument of ntile, lag, lead or nth_value: int4 (smallints and literals convert).
BoundExprPtr integerArg(const BoundExprPtr& arg, const std::string& name,
                        const std::vector<BoundExprPtr>& args, int location) {
  if (isUnknownLiteral(arg)) return coerceLiteral(arg, SqlType::int32());
  if (arg->type.id == TypeId::Int32) return arg;
  if (arg->type.id == TypeId::Int16) return implicitCast(arg, SqlType::int32());
  noSuchFunction(name, args, location);
}

} // namespace

BoundExprPtr Binder::bindWindowCall(const ast::Expr& expr, const Scope& scope,
                                    AggregateContext& aggregates) {
  if (!aggregates.windows) {
    if (aggregates.windowsForbiddenIn == kInsideWindow)
      throw Error(SqlState::WindowingError, "window function calls cannot be nested",
                  expr.location + 1);
    const char* clause =
        aggregates.windowsForbiddenIn ? aggregates.windowsForbiddenIn : aggregates.forbiddenIn;
    if (!clause)
      throw Error(SqlState::GroupingError,
                  "aggregate function calls cannot contain window function calls",
                  expr.location + 1);
    throw Error(SqlState::WindowingError,
                std::string("window functions are not allowed in ") + clause, expr.location + 1);
  }
  WindowContext& windows = *aggregates.windows;
  const ast::WindowSpec& over = *expr.over;
  const ast::WindowSpec* spec = &over;
  if (!over.name.empty()) { // OVER name: that window, frame included
    spec = nullptr;
    if (windows.named)
      for (const auto& entry : *windows.named)
        if (entry->name == over.name) spec = entry.get();
    if (!spec)
      throw Error(SqlState::UndefinedObject, "window \"" + over.name + "\" does not exist",
                  over.location + 1);
  }
  ResolvedWindow window =
      resolveWindow(*spec, windows.named, windows.named ? windows.named->size() : 0);

  ir::WindowExpr call;
  AggregateContext inner{aggregates.aggregates, aggregates.forbiddenIn, nullptr, kInsideWindow};
  bindWindowArgs(expr, scope, inner, call);
  AggregateContext definition{aggregates.aggregates, aggregates.forbiddenIn, nullptr,
                              "window definitions"};
  for (const auto& key : *window.partitionBy) {
    BoundExprPtr bound = bind(*key, scope, definition);
    if (bound->type.id == TypeId::Unknown) bound = implicitCast(bound, SqlType::text());
    call.partitionKeys.push_back(bound);
  }
  for (const auto& item : *window.orderBy) {
    ir::SortKey key;
    key.expr = bind(*item.expr, scope, definition);
    if (key.expr->type.id == TypeId::Unknown) key.expr = implicitCast(key.expr, SqlType::text());
    key.descending = item.descending;
    key.nullsFirst = item.nullsFirst.value_or(item.descending);
    call.orderKeys.push_back(key);
  }
  const ast::WindowSpec& frameSpec = *window.frame;
  call.frame = bindFrame(frameSpec, frameSpec.frameOptions, !call.orderKeys.empty(),
                         frameSpec.frameStart.get(), frameSpec.frameEnd.get());

  // The same call twice is computed once.
  std::string text = call.toString();
  size_t index = windows.calls.size();
  for (size_t i = 0; i < windows.calls.size(); ++i)
    if (windows.calls[i].toString() == text && windows.calls[i].type == call.type) index = i;
  if (index == windows.calls.size()) windows.calls.push_back(call);
  auto node = makeNode(BoundKind::WindowRef, call.type, expr.location);
  node->index = static_cast<int>(index);
  return node;
}

void Binder::bindWindowArgs(const ast::Expr& expr, const Scope& scope, AggregateContext& inner,
                            ir::WindowExpr& call) {
  const std::string& name = expr.text;
  auto kind = ir::windowFunctionKind(name);
  if (!kind)
    throw Error(SqlState::WrongObjectType,
                "OVER specified, but " + name +
                    " is not a window function nor an aggregate function",
                expr.location + 1);
  if (expr.distinct)
    throw Error(SqlState::FeatureNotSupported, "DISTINCT is not implemented for window functions",
                expr.location + 1);
  if (expr.filter)
    throw Error(SqlState::FeatureNotSupported,
                ir::isWindowAggregate(*kind)
                    ? "FILTER in a window aggregate is not supported"
                    : "FILTER is not implemented for non-aggregate window functions",
                expr.location + 1);
  if (expr.star) {
    if (*kind != WindowFunctionKind::Count)
      throw Error(SqlState::SyntaxError,
                  name + "(*) must be used to call a parameterless aggregate function",
                  expr.location + 1);
    call.kind = WindowFunctionKind::CountStar;
    call.type = SqlType::int64();
    return;
  }
  std::vector<BoundExprPtr> args;
  for (const auto& arg : expr.args)
    args.push_back(bind(*arg, scope, inner));
  call.kind = *kind;
  auto arity = [&](size_t least, size_t most) {
    if (args.size() < least || args.size() > most) noSuchFunction(name, args, expr.location);
  };
  switch (*kind) {
  case WindowFunctionKind::RowNumber:
    arity(0, 0);
    call.type = SqlType::int64();
    return;
  case WindowFunctionKind::Rank:
  case WindowFunctionKind::DenseRank:
  case WindowFunctionKind::PercentRank:
  case WindowFunctionKind::CumeDist:
    // With arguments these names are the hypothetical-set aggregates.
    if (!args.empty())
      throw Error(SqlState::WrongObjectType,
                  "WITHIN GROUP is required for ordered-set aggregate " + name, expr.location + 1);
    call.type = *kind == WindowFunctionKind::Rank || *kind == WindowFunctionKind::DenseRank
                    ? SqlType::int64()
                    : SqlType::float64();
    return;
  case WindowFunctionKind::Ntile:
    arity(1, 1);
    call.args = {integerArg(args[0], name, args, expr.location)};
    call.type = SqlType::int32();
    return;
  case WindowFunctionKind::Lag:
  case WindowFunctionKind::Lead: {
    arity(1, 3);
    // lag(anycompatible, integer, anycompatible): value and default share a type.
    SqlType type = args[0]->type;
    if (args.size() == 3) {
      auto merged = unifyResultType(type, args[2]->type);
      if (!merged) noSuchFunction(name, args, expr.location);
      type = *merged;
    }
    if (type.id == TypeId::Unknown) type = SqlType::text();
    call.args = {implicitCast(args[0], type)};
    if (args.size() > 1) call.args.push_back(integerArg(args[1], name, args, expr.location));
    if (args.size() > 2) call.args.push_back(implicitCast(args[2], type));
    call.type = type;
    return;
  }
  case WindowFunctionKind::FirstValue:
  case WindowFunctionKind::LastValue:
  case WindowFunctionKind::NthValue: {
    arity(*kind == WindowFunctionKind::NthValue ? 2 : 1,
          *kind == WindowFunctionKind::NthValue ? 2 : 1);
    BoundExprPtr value = args[0];
    if (value->type.id == TypeId::Unknown)
      throw Error(SqlState::DatatypeMismatch,
                  "could not determine polymorphic type because input has type unknown",
                  expr.location + 1);
    call.args = {value};
    if (args.size() > 1) call.args.push_back(integerArg(args[1], name, args, expr.location));
    call.type = value->type;
    return;
  }
  default:
    break;
  }
  // The aggregates, typed as the grouped ones.
  arity(1, 1);
  BoundExprPtr arg = args[0];
  // An untyped literal is text for count, min and max (PostgreSQL's anyelement resolution).
  bool summed = *kind == WindowFunctionKind::Sum || *kind == WindowFunctionKind::Avg;
  if (isUnknownLiteral(arg))
    arg = coerceLiteral(arg, summed ? SqlType::numeric(0, kDynamicScale) : SqlType::text());
  bool numeric = numericRank(arg->type.id) != 0 || arg->type.id == TypeId::Interval;
  if ((*kind == WindowFunctionKind::Sum || *kind == WindowFunctionKind::Avg) && !numeric)
    noSuchFunction(name, {arg}, expr.location);
  ir::AggregateKind aggregate = *kind == WindowFunctionKind::Count ? ir::AggregateKind::Count
                                : *kind == WindowFunctionKind::Sum ? ir::AggregateKind::Sum
                                : *kind == WindowFunctionKind::Avg ? ir::AggregateKind::Avg
                                : *kind == WindowFunctionKind::Min ? ir::AggregateKind::Min
                                                                   : ir::AggregateKind::Max;
  call.args = {arg};
  call.type = ir::aggregateResultType(aggregate, arg->type);
}

ir::WindowFrame Binder::bindFrame(const ast::WindowSpec& spec, int options, bool hasOrderBy,
                                  const ast::Expr* startOffset, const ast::Expr* endOffset) {
  using ir::FrameBoundKind;
  ir::WindowFrame frame;
  frame.unit = options & kRows     ? ir::FrameUnit::Rows
               : options & kGroups ? ir::FrameUnit::Groups
                                   : ir::FrameUnit::Range;
  if (frame.unit == ir::FrameUnit::Groups && !hasOrderBy)
    throw Error(SqlState::WindowingError, "GROUPS mode requires an ORDER BY clause",
                spec.location + 1);
  bool offsets = options & (kStartPreceding | kEndPreceding | kStartFollowing | kEndFollowing);
  if (offsets && frame.unit == ir::FrameUnit::Range)
    throw Error(SqlState::FeatureNotSupported,
                "RANGE with offset PRECEDING/FOLLOWING is not supported", spec.location + 1);
  auto offsetOf = [&](const ast::Expr* expr) -> std::optional<int64_t> {
    if (containsColumnRef(*expr))
      throw Error(SqlState::InvalidColumnReference,
                  std::string("argument of ") +
                      (frame.unit == ir::FrameUnit::Rows ? "ROWS" : "GROUPS") +
                      " must not contain variables",
                  expr->location + 1);
    BoundExprPtr bound = bindConstantExpr(*expr);
    if (isUnknownLiteral(bound)) bound = coerceLiteral(bound, SqlType::int64());
    if (bound->kind == BoundKind::Constant && !bound->isNull) bound = roundedToBigint(bound);
    if (bound->kind == BoundKind::Constant && bound->isNull) return std::nullopt;
    return constantInteger(bound, frame.unit == ir::FrameUnit::Rows ? "ROWS" : "GROUPS");
  };
  auto boundOf = [&](bool start, const ast::Expr* offset) {
    int unbounded = start ? kStartUnboundedPreceding : kEndUnboundedFollowing;
    ir::FrameBound bound;
    if (options & unbounded)
      bound.kind = start ? FrameBoundKind::UnboundedPreceding : FrameBoundKind::UnboundedFollowing;
    else if (options & (start ? kStartCurrentRow : kEndCurrentRow))
      bound.kind = FrameBoundKind::CurrentRow;
    else if (options & (start ? kStartPreceding : kEndPreceding))
      bound.kind = FrameBoundKind::Preceding;
    else if (options & (start ? kStartFollowing : kEndFollowing))
      bound.kind = FrameBoundKind::Following;
    else
      bound.kind = start ? FrameBoundKind::UnboundedPreceding : FrameBoundKind::CurrentRow;
    if ((bound.kind == FrameBoundKind::Preceding || bound.kind == FrameBoundKind::Following) &&
        offset)
      bound.offset = offsetOf(offset);
    return bound;
  };
  frame.start = boundOf(true, startOffset);
  frame.end = boundOf(false, endOffset);
  return frame;
}

namespace {

BoundExprPtr replaceWindowRefs(const BoundExprPtr& expr,
                               const std::vector<LogicalColumn>& columns) {
  if (expr->kind == BoundKind::WindowRef) return columnRef(columns[expr->index]);
  std::shared_ptr<BoundExpr> copy;
  for (size_t i = 0; i < expr->args.size(); ++i) {
    BoundExprPtr arg = replaceWindowRefs(expr->args[i], columns);
    if (arg == expr->args[i]) continue;
    if (!copy) copy = std::make_shared<BoundExpr>(*expr);
    copy->args[i] = arg;
  }
  return copy ? copy : expr;
}

} // namespace

void Binder::checkWindowClause(const ast::SelectStmt& select) {
  const auto& named = select.windows;
  for (size_t i = 0; i < named.size(); ++i) {
    for (size_t k = 0; k < i; ++k)
      if (named[k]->name == named[i]->name)
        throw Error(SqlState::WindowingError,
                    "window \"" + named[i]->name + "\" is already defined", named[i]->location + 1);
    resolveWindow(*named[i], &named, i);
  }
}

LogicalPtr Binder::applyWindows(LogicalPtr plan, WindowContext& windows,
                                const LogicalOperator* aggregate,
                                const std::vector<ColumnId>& localColumns,
                                std::vector<BoundExprPtr*> exprs) {
  if (windows.calls.empty()) return plan;
  auto window = std::make_shared<LogicalOperator>();
  window->kind = LogicalKind::Window;
  window->children = {plan};
  window->columns = plan->columns;
  std::vector<LogicalColumn> added;
  for (auto call : windows.calls) {
    if (aggregate) {
      // Window functions run after grouping: their inputs are group keys and aggregates.
      for (auto& arg : call.args)
        arg = resolveGrouping(arg, *aggregate, localColumns);
      for (auto& key : call.partitionKeys)
        key = resolveGrouping(key, *aggregate, localColumns);
      for (auto& key : call.orderKeys)
        key.expr = resolveGrouping(key.expr, *aggregate, localColumns);
    }
    LogicalColumn column{newColumnId(), call.type, ir::windowFunctionName(call.kind),
                         call.kind == WindowFunctionKind::RowNumber};
    window->windows.push_back(std::move(call));
    window->columns.push_back(column);
    added.push_back(column);
  }
  for (BoundExprPtr* expr : exprs)
    if (*expr) *expr = replaceWindowRefs(*expr, added);
  return window;
}

} // namespace flern::planner
