// GROUP BY: its keys (expressions, output positions, output names) and its grouping sets
// (ROLLUP, CUBE, GROUPING SETS, () and their combinations, expanded to a list of sets).
#include "planner/binder.h"

#include "common/error.h"
#include "planner/expr_typing.h"
#include "planner/type_rules.h"

#include <functional>

namespace flern::planner {

using ir::BoundExprPtr;
using namespace typing;

namespace {

using Sets = std::vector<std::vector<size_t>>;

constexpr size_t kMaxGroupingSets = 4096; // PostgreSQL's limit
constexpr size_t kMaxCubeElements = 12;

} // namespace

BoundExprPtr Binder::bindGroupKey(const ast::Expr& group, const Scope& scope,
                                  const std::vector<BoundExprPtr>& targets,
                                  const std::vector<std::string>& names) {
  BoundExprPtr key;
  if (group.kind == ast::ExprKind::NumConst || group.kind == ast::ExprKind::StringConst ||
      group.kind == ast::ExprKind::BoolConst)
    throw Error(SqlState::SyntaxError, "non-integer constant in GROUP BY", group.location + 1);
  if (group.kind == ast::ExprKind::IntConst) {
    int64_t position = group.intValue;
    if (position < 1 || position > static_cast<int64_t>(targets.size()))
      throw Error(SqlState::InvalidColumnReference,
                  "GROUP BY position " + std::to_string(position) + " is not in select list",
                  group.location + 1);
    key = targets[position - 1];
    if (containsAggregate(key))
      throw Error(SqlState::GroupingError, "aggregate functions are not allowed in GROUP BY",
                  group.location + 1);
  } else {
    AggregateContext none{nullptr, "GROUP BY"};
    try {
      key = bind(group, scope, none);
    } catch (const Error& error) {
      // An output column name is accepted where no input column has that name.
      bool matched = false;
      if (error.state() == SqlState::UndefinedColumn && group.kind == ast::ExprKind::ColumnRef &&
          group.names.size() == 1)
        for (size_t i = 0; i < targets.size(); ++i)
          if (names[i] == group.names[0] && !containsAggregate(targets[i])) {
            key = targets[i];
            matched = true;
            break;
          }
      if (!matched) throw;
    }
  }
  if (key->type.id == TypeId::Unknown) key = implicitCast(key, SqlType::text());
  return key;
}

Binder::GroupBy Binder::bindGroupBy(const ast::SelectStmt& select, const Scope& scope,
                                    const std::vector<BoundExprPtr>& targets,
                                    const std::vector<std::string>& names) {
  GroupBy result;
  auto keyIndex = [&](const ast::Expr& item) {
    BoundExprPtr key = bindGroupKey(item, scope, targets, names);
    for (size_t k = 0; k < result.keys.size(); ++k)
      if (result.keys[k]->toString() == key->toString()) return k;
    result.keys.push_back(key);
    return result.keys.size() - 1;
  };
  // An element of ROLLUP or CUBE: one expression or a parenthesized list, kept together.
  auto unit = [&](const ast::Expr& item) {
    std::vector<size_t> keys;
    if (item.kind == ast::ExprKind::GroupingSet && item.text == "simple") {
      for (const auto& arg : item.args)
        keys.push_back(keyIndex(*arg));
    } else if (item.kind == ast::ExprKind::GroupingSet) {
      throw Error(SqlState::SyntaxError, "syntax error in grouping set", item.location + 1);
    } else {
      keys.push_back(keyIndex(item));
    }
    return keys;
  };
  std::function<Sets(const ast::Expr&)> expand = [&](const ast::Expr& item) -> Sets {
    if (item.kind != ast::ExprKind::GroupingSet || item.text == "simple") return {unit(item)};
    if (item.text == "empty") return {{}};
    Sets sets;
    if (item.text == "sets") {
      for (const auto& arg : item.args)
        for (auto& set : expand(*arg))
          sets.push_back(std::move(set));
      return sets;
    }
    std::vector<std::vector<size_t>> units;
    for (const auto& arg : item.args)
      units.push_back(unit(*arg));
    if (item.text == "rollup") {
      for (size_t n = units.size() + 1; n-- > 0;) {
        std::vector<size_t> set;
        for (size_t i = 0; i < n; ++i)
          set.insert(set.end(), units[i].begin(), units[i].end());
        sets.push_back(set);
      }
      return sets;
    }
    if (item.text != "cube")
      throw Error(SqlState::FeatureNotSupported, "grouping set kind " + item.text,
                  item.location + 1);
    if (units.size() > kMaxCubeElements)
      throw Error(SqlState::TooManyColumns, "CUBE is limited to 12 elements", item.location + 1);
    for (size_t mask = (size_t(1) << units.size()); mask-- > 0;) {
      std::vector<size_t> set;
      for (size_t i = 0; i < units.size(); ++i)
        if (mask & (size_t(1) << (units.size() - 1 - i)))
          set.insert(set.end(), units[i].begin(), units[i].end());
      sets.push_back(set);
    }
    return sets;
  };
  // The items of GROUP BY combine as a cross product of their sets.
  Sets sets = {{}};
  for (const auto& item : select.groupBy) {
    if (item->kind == ast::ExprKind::GroupingSet && item->text != "simple") result.hasSets = true;
    Sets part = expand(*item);
    Sets product;
    for (const auto& left : sets)
      for (const auto& right : part) {
        if (product.size() >= kMaxGroupingSets)
          throw Error(SqlState::StatementTooComplex,
                      "too many grouping sets present (maximum 4096)", item->location + 1);
        std::vector<size_t> set = left;
        for (size_t key : right)
          if (std::find(set.begin(), set.end(), key) == set.end()) set.push_back(key);
        product.push_back(std::move(set));
      }
    sets = std::move(product);
  }
  result.sets = std::move(sets);
  return result;
}

} // namespace flern::planner
