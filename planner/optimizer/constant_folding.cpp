// Constant folding and simplification: computes what is known before any row is seen, and
// removes the operators whose output it proves empty.
//
// Expressions follow PostgreSQL's eval_const_expressions closely, because a fold can raise an
// error (an integer constant that overflows, a division by a zero constant) and PostgreSQL
// raises such errors at plan time, whatever the data: folding the same subexpressions in the
// same order gives the same answer on an empty table and inside a CASE arm no row reaches.
// - AND / OR take their arguments in order and stop at the first FALSE (AND) or TRUE (OR);
//   the arguments after it are dropped unfolded. TRUE (AND) / FALSE (OR) arguments are dropped.
// - CASE drops the WHEN arms whose condition folds to FALSE or NULL without folding their
//   results; an arm whose condition folds to TRUE becomes the ELSE and ends the CASE.
// - Strict operators (arithmetic, comparisons, casts, LIKE) with a NULL constant operand are
//   NULL; integer arithmetic, casts to integers and comparisons of constants are computed.
//
// Plans: a Filter or inner join condition that folds to FALSE or NULL makes the operator an
// empty Values, and emptiness travels up through the operators that keep no rows of nothing
// (filters, projections, sorts, limits, inner and semi joins, grouped aggregates).
#include "common/error.h"
#include "common/stack_depth.h"
#include "planner/optimizer/rule_utilities.h"

#include <limits>

namespace flern::planner {

using ir::BoundExpr;
using ir::BoundExprPtr;
using ir::BoundKind;

namespace {

bool isIntegerType(TypeId id) {
  return id == TypeId::Int16 || id == TypeId::Int32 || id == TypeId::Int64;
}

/// A non-null integer constant of exactly `type`.
bool isIntegerConstant(const BoundExprPtr& expr, const SqlType& type) {
  return expr->kind == BoundKind::Constant && !expr->isNull && expr->type == type &&
         isIntegerType(type.id);
}

[[noreturn]] void raiseOutOfRange(const SqlType& type) {
  throw Error(SqlState::NumericValueOutOfRange, type.id == TypeId::Int16   ? "smallint out of range"
                                                : type.id == TypeId::Int32 ? "integer out of range"
                                                                           : "bigint out of range");
}

BoundExprPtr integerConstant(const SqlType& type, int64_t value, int location) {
  int64_t low = type.id == TypeId::Int16   ? std::numeric_limits<int16_t>::min()
                : type.id == TypeId::Int32 ? std::numeric_limits<int32_t>::min()
                                           : std::numeric_limits<int64_t>::min();
  int64_t high = type.id == TypeId::Int16   ? std::numeric_limits<int16_t>::max()
                 : type.id == TypeId::Int32 ? std::numeric_limits<int32_t>::max()
                                            : std::numeric_limits<int64_t>::max();
  if (value < low || value > high) raiseOutOfRange(type);
  auto constant = std::make_shared<BoundExpr>();
  constant->kind = BoundKind::Constant;
  constant->type = type;
  constant->intValue = value;
  constant->location = location;
  return constant;
}

/// `a op b` for integer constants of the result's type, with PostgreSQL's errors; null when
/// the operator is not one this folds.
BoundExprPtr foldIntegerArith(const BoundExpr& expr) {
  const auto& a = expr.args[0];
  const auto& b = expr.args[1];
  if (!isIntegerConstant(a, expr.type) || !isIntegerConstant(b, expr.type)) return nullptr;
  int64_t x = a->intValue, y = b->intValue, result = 0;
  bool overflow = false;
  switch (expr.name[0]) {
  case '+':
    overflow = __builtin_add_overflow(x, y, &result);
    break;
  case '-':
    overflow = __builtin_sub_overflow(x, y, &result);
    break;
  case '*':
    overflow = __builtin_mul_overflow(x, y, &result);
    break;
  case '/':
  case '%':
    if (y == 0) throw Error(SqlState::DivisionByZero, "division by zero");
    if (y == -1) { // x / -1 overflows for the most negative x; x % -1 is always 0
      if (expr.name[0] == '%') return integerConstant(expr.type, 0, expr.location);
      overflow = __builtin_sub_overflow(int64_t{0}, x, &result);
      break;
    }
    result = expr.name[0] == '/' ? x / y : x % y;
    break;
  default:
    return nullptr;
  }
  if (overflow) raiseOutOfRange(expr.type);
  return integerConstant(expr.type, result, expr.location);
}

/// Comparison of two non-null constants of one integer, boolean or date type.
BoundExprPtr foldComparison(const BoundExpr& expr) {
  const auto& a = expr.args[0];
  const auto& b = expr.args[1];
  if (a->kind != BoundKind::Constant || b->kind != BoundKind::Constant || a->isNull || b->isNull)
    return nullptr;
  TypeId id = a->type.id;
  bool comparable = isIntegerType(id) || id == TypeId::Bool || id == TypeId::Date;
  if (!comparable || !(a->type == b->type)) return nullptr;
  int64_t x = a->intValue, y = b->intValue;
  const std::string& op = expr.name;
  bool result;
  if (op == "=" || op == "IS NOT DISTINCT FROM")
    result = x == y;
  else if (op == "<>" || op == "IS DISTINCT FROM")
    result = x != y;
  else if (op == "<")
    result = x < y;
  else if (op == "<=")
    result = x <= y;
  else if (op == ">")
    result = x > y;
  else if (op == ">=")
    result = x >= y;
  else
    return nullptr;
  return makeBoolConstant(result);
}

/// A cast of an integer constant (or a NUMERIC constant of scale 0) to an integer type, with
/// PostgreSQL's range error.
BoundExprPtr foldIntegerCast(const BoundExpr& expr) {
  const auto& arg = expr.args[0];
  if (arg->kind != BoundKind::Constant || arg->isNull || !isIntegerType(expr.type.id))
    return nullptr;
  if (isIntegerType(arg->type.id)) return integerConstant(expr.type, arg->intValue, expr.location);
  if (arg->type.id != TypeId::Numeric || arg->type.scale != 0) return nullptr;
  if (arg->numericValue < std::numeric_limits<int64_t>::min() ||
      arg->numericValue > std::numeric_limits<int64_t>::max())
    raiseOutOfRange(expr.type);
  return integerConstant(expr.type, static_cast<int64_t>(arg->numericValue), expr.location);
}

bool isStrict(const BoundExpr& expr) {
  switch (expr.kind) {
  case BoundKind::Arith:
  case BoundKind::Negate:
  case BoundKind::Cast:
  case BoundKind::Like:
    return true;
  case BoundKind::Compare:
    return expr.name.rfind("IS ", 0) != 0;
  default:
    return false;
  }
}

class ExpressionFolder {
public:
  BoundExprPtr fold(const BoundExprPtr& expr) {
    checkStackDepth();
    switch (expr->kind) {
    case BoundKind::And:
    case BoundKind::Or:
      return foldLogical(*expr);
    case BoundKind::Case:
      return foldCase(*expr);
    case BoundKind::Subquery: // planned when unnesting makes it a join
    case BoundKind::Column:
    case BoundKind::Constant:
      return expr;
    default:
      break;
    }
    auto copy = std::make_shared<BoundExpr>(*expr);
    bool anyNull = false;
    for (auto& arg : copy->args) {
      arg = fold(arg);
      anyNull = anyNull || isNullConstant(arg);
    }
    if (anyNull && isStrict(*copy)) return makeNullConstant(copy->type);
    switch (copy->kind) {
    case BoundKind::Arith:
      if (isIntegerType(copy->type.id))
        if (auto folded = foldIntegerArith(*copy)) return folded;
      break;
    case BoundKind::Compare:
      if (auto folded = foldComparison(*copy)) return folded;
      break;
    case BoundKind::Cast:
      if (auto folded = foldIntegerCast(*copy)) return folded;
      break;
    case BoundKind::Not: {
      const auto& arg = copy->args[0];
      if (arg->kind == BoundKind::Constant && !arg->isNull)
        return makeBoolConstant(arg->intValue == 0);
      if (arg->kind == BoundKind::Not) return arg->args[0]; // NOT NOT x is x in three values
      break;
    }
    case BoundKind::IsNull:
    case BoundKind::IsNotNull: {
      const auto& arg = copy->args[0];
      if (arg->kind == BoundKind::Constant)
        return makeBoolConstant(arg->isNull == (copy->kind == BoundKind::IsNull));
      break;
    }
    default:
      break;
    }
    return copy;
  }

  /// The conjuncts of a filter or join condition, folded as one AND.
  std::vector<BoundExprPtr> foldConjuncts(const std::vector<BoundExprPtr>& conjuncts) {
    auto conjunction = std::make_shared<BoundExpr>();
    conjunction->kind = BoundKind::And;
    conjunction->type = SqlType::boolean();
    conjunction->args = conjuncts;
    BoundExprPtr folded = foldLogical(*conjunction);
    std::vector<BoundExprPtr> out;
    if (!isBoolConstant(folded, true)) splitConjuncts(folded, out);
    // A condition rejects the rows where it is NULL as those where it is FALSE.
    for (const auto& conjunct : out)
      if (isNullConstant(conjunct)) return {makeBoolConstant(false)};
    return out;
  }

private:
  BoundExprPtr foldLogical(const BoundExpr& expr) {
    const bool isAnd = expr.kind == BoundKind::And;
    std::vector<BoundExprPtr> kept;
    bool sawNull = false;
    std::vector<BoundExprPtr> pending(expr.args.rbegin(), expr.args.rend());
    while (!pending.empty()) {
      BoundExprPtr arg = pending.back();
      pending.pop_back();
      if (arg->kind == expr.kind) { // flatten nested ANDs (ORs), keeping their order
        pending.insert(pending.end(), arg->args.rbegin(), arg->args.rend());
        continue;
      }
      arg = fold(arg);
      if (arg->kind == BoundKind::Constant) {
        if (arg->isNull) {
          sawNull = true;
          continue;
        }
        if ((arg->intValue != 0) != isAnd) return makeBoolConstant(!isAnd); // decides it
        continue;                                                           // neutral
      }
      kept.push_back(arg);
    }
    if (sawNull) kept.push_back(makeNullConstant(SqlType::boolean()));
    if (kept.empty()) return makeBoolConstant(isAnd);
    return isAnd ? makeAnd(std::move(kept)) : makeOr(std::move(kept));
  }

  BoundExprPtr foldCase(const BoundExpr& expr) {
    auto copy = std::make_shared<BoundExpr>(expr);
    copy->args.clear();
    const size_t arms = (expr.args.size() - 1) / 2;
    BoundExprPtr otherwise;
    for (size_t i = 0; i < arms && !otherwise; ++i) {
      BoundExprPtr condition = fold(expr.args[2 * i]);
      if (condition->kind == BoundKind::Constant) {
        if (condition->isNull || condition->intValue == 0) continue; // never taken
        otherwise = fold(expr.args[2 * i + 1]);                      // always taken
        break;
      }
      copy->args.push_back(condition);
      copy->args.push_back(fold(expr.args[2 * i + 1]));
    }
    if (!otherwise) otherwise = fold(expr.args.back());
    if (copy->args.empty()) {
      if (otherwise->type == expr.type) return otherwise;
      return ir::makeCast(otherwise, expr.type);
    }
    copy->args.push_back(otherwise);
    return copy;
  }
};

LogicalPtr emptyLike(const LogicalOperator& op) {
  auto empty = std::make_shared<LogicalOperator>();
  empty->kind = LogicalKind::Values;
  empty->columns = op.columns;
  return empty;
}

bool isEmpty(const LogicalPtr& op) {
  return op->kind == LogicalKind::Values && op->rows.empty();
}

/// Whether a condition list folded to FALSE or NULL: no row passes.
bool rejectsAll(const std::vector<BoundExprPtr>& conjuncts) {
  return conjuncts.size() == 1 && conjuncts[0]->kind == BoundKind::Constant;
}

class PlanFolder {
public:
  LogicalPtr fold(const LogicalPtr& op) {
    checkStackDepth();
    auto copy = std::make_shared<LogicalOperator>(*op);
    for (auto& child : copy->children)
      child = fold(child);
    // Conditions fold as one AND (in order, stopping at FALSE); the other expressions each alone.
    std::vector<BoundExprPtr> conditions = std::move(copy->predicates);
    copy->predicates.clear();
    auto folded = std::make_shared<LogicalOperator>(*mapExpressions(
        copy, [this](const BoundExprPtr& expr) { return expressions_.fold(expr); },
        /*recurse=*/false));
    if (!conditions.empty()) folded->predicates = expressions_.foldConjuncts(conditions);
    return simplify(folded);
  }

private:
  LogicalPtr simplify(const LogicalPtr& op) {
    switch (op->kind) {
    case LogicalKind::Filter:
      if (op->predicates.empty()) return op->children[0];
      if (rejectsAll(op->predicates) || isEmpty(op->children[0])) return emptyLike(*op);
      return op;
    case LogicalKind::Project:
    case LogicalKind::Sort:
    case LogicalKind::Limit:
      return isEmpty(op->children[0]) ? emptyLike(*op) : op;
    case LogicalKind::Aggregate:
      // Without GROUP BY an aggregate of nothing is still one row.
      return !op->groupKeys.empty() && isEmpty(op->children[0]) ? emptyLike(*op) : op;
    case LogicalKind::Join:
      return simplifyJoin(op);
    default:
      return op;
    }
  }

  LogicalPtr simplifyJoin(const LogicalPtr& op) {
    const bool leftEmpty = isEmpty(op->children[0]);
    const bool rightEmpty = isEmpty(op->children[1]);
    const bool neverMatches = rejectsAll(op->predicates) || rightEmpty;
    switch (op->joinKind) {
    case JoinKind::Inner:
    case JoinKind::Semi:
      return leftEmpty || neverMatches ? emptyLike(*op) : op;
    case JoinKind::Anti:
      if (leftEmpty) return emptyLike(*op);
      return neverMatches ? op->children[0] : op;
    case JoinKind::Left:
    case JoinKind::Mark:
    case JoinKind::Single:
      return leftEmpty ? emptyLike(*op) : op;
    case JoinKind::Right:
      return rightEmpty ? emptyLike(*op) : op;
    case JoinKind::Full:
      return leftEmpty && rightEmpty ? emptyLike(*op) : op;
    }
    return op;
  }

  ExpressionFolder expressions_;
};

} // namespace

BoundExprPtr foldConstants(const BoundExprPtr& expr) {
  return ExpressionFolder().fold(expr);
}

LogicalPtr foldConstants(const LogicalPtr& plan, OptimizerContext&) {
  return PlanFolder().fold(plan);
}

} // namespace flern::planner
