// Optimizer rules one at a time: each test binds a query into a logical plan, runs one rule,
// and checks the shape of the plan that comes out.
#include "common/error.h"
#include "parser/parser.h"
#include "planner/binder.h"
#include "planner/logical/subquery_info.h"
#include "planner/optimizer/optimizer.h"
#include "planner/optimizer/rule_utilities.h"

#include <gtest/gtest.h>

using namespace flern;
using namespace flern::planner;

namespace {

struct Fixture {
  storage::Catalog tables;
  mlops::ModelCatalog models;
  std::unique_ptr<Binder> binder;
  OptimizerContext context{[this] { return binder->newColumnId(); }};

  Fixture() {
    // Sizes matter for join ordering: fact > orders > customer > nation.
    addTable("nation", {"n_nationkey", "n_name"}, 25);
    addTable("customer", {"c_custkey", "c_nationkey", "c_name"}, 1500);
    addTable("orders", {"o_orderkey", "o_custkey", "o_total"}, 15000);
    addTable("lineitem", {"l_orderkey", "l_suppkey", "l_quantity"}, 60000);
    addTable("supplier", {"s_suppkey", "s_nationkey"}, 100);
  }
  void addTable(const std::string& name, const std::vector<std::string>& columns, int64_t rows) {
    std::vector<storage::ColumnDef> defs;
    for (const auto& column : columns)
      defs.push_back({column, SqlType::int32(), false});
    auto table = std::make_shared<storage::Table>(name, defs);
    for (int64_t i = 0; i < rows; ++i) {
      int64_t row;
      table->data().reserveRow(row);
    }
    tables.add(table);
  }
  LogicalPtr bind(const std::string& sql) {
    auto statements = parser::parse(sql);
    binder = std::make_unique<Binder>(CatalogView{tables, models});
    return binder->bindQuery(*statements[0].select).plan;
  }
};

/// Every operator of the tree, preorder.
void collect(const LogicalPtr& op, std::vector<LogicalPtr>& out) {
  out.push_back(op);
  for (const auto& child : op->children)
    collect(child, out);
}

std::vector<LogicalPtr> all(const LogicalPtr& plan) {
  std::vector<LogicalPtr> out;
  collect(plan, out);
  return out;
}

std::vector<LogicalPtr> joins(const LogicalPtr& plan, std::optional<JoinKind> kind = {}) {
  std::vector<LogicalPtr> out;
  for (const auto& op : all(plan))
    if (op->kind == LogicalKind::Join && (!kind || op->joinKind == *kind)) out.push_back(op);
  return out;
}

bool containsSubquery(const LogicalPtr& plan) {
  bool found = false;
  forEachExpression(*plan, true, [&](const ir::BoundExprPtr& expr) {
    std::function<void(const ir::BoundExprPtr&)> walk = [&](const ir::BoundExprPtr& e) {
      found = found || e->kind == ir::BoundKind::Subquery;
      for (const auto& arg : e->args)
        walk(arg);
    };
    walk(expr);
  });
  return found;
}

/// The Get of `table` and the filter directly above it, if any.
LogicalPtr filterAbove(const LogicalPtr& plan, const std::string& table) {
  for (const auto& op : all(plan))
    if (op->kind == LogicalKind::Filter && op->children[0]->kind == LogicalKind::Get &&
        op->children[0]->table->name() == table)
      return op;
  return nullptr;
}

} // namespace

//===-- Constant folding --------------------------------------------------------------------===//

namespace {

/// The single Filter of a plan, or null.
LogicalPtr onlyFilter(const LogicalPtr& plan) {
  LogicalPtr found;
  for (const auto& op : all(plan))
    if (op->kind == LogicalKind::Filter) found = op;
  return found;
}

bool hasGet(const LogicalPtr& plan) {
  for (const auto& op : all(plan))
    if (op->kind == LogicalKind::Get) return true;
  return false;
}

} // namespace

TEST(FoldConstants, TrueConjunctsVanishAndArithmeticIsComputed) {
  Fixture f;
  auto plan = f.bind("SELECT c_name FROM customer WHERE 1 + 1 = 2 AND c_custkey > 2 * 3");
  auto folded = foldConstants(plan, f.context);
  auto filter = onlyFilter(folded);
  ASSERT_TRUE(filter);
  ASSERT_EQ(filter->predicates.size(), 1u);
  const auto& bound = filter->predicates[0]->args[1];
  EXPECT_EQ(bound->kind, ir::BoundKind::Constant);
  EXPECT_EQ(bound->intValue, 6);
  // Before the rule the filter had both conditions.
  EXPECT_EQ(onlyFilter(plan)->predicates.size(), 2u);
}

TEST(FoldConstants, FalseConditionEmptiesTheJoinAboveIt) {
  Fixture f;
  auto plan = f.bind("SELECT c_name FROM customer, orders WHERE c_custkey = o_custkey AND "
                     "(2 < 1 OR NULL::boolean)");
  auto folded = foldConstants(plan, f.context);
  EXPECT_FALSE(hasGet(folded)) << explainLogical(*folded)[0];
  EXPECT_EQ(folded->columns.size(), plan->columns.size());
  EXPECT_TRUE(hasGet(plan));
}

TEST(FoldConstants, UngroupedAggregateOfNothingStays) {
  Fixture f;
  auto plan = f.bind("SELECT count(*) FROM customer WHERE false");
  auto folded = foldConstants(plan, f.context);
  bool aggregate = false;
  for (const auto& op : all(folded))
    aggregate = aggregate || op->kind == LogicalKind::Aggregate;
  EXPECT_TRUE(aggregate); // count(*) of no rows is one row with 0
  EXPECT_FALSE(hasGet(folded));
}

TEST(FoldConstants, ShortCircuitsAsPostgresDoes) {
  Fixture f;
  // FALSE decides the AND before the overflowing operand is reached; a CASE arm whose
  // condition is FALSE is dropped unfolded. Both are accepted by PostgreSQL.
  EXPECT_NO_THROW(foldConstants(f.bind("SELECT 1 FROM customer WHERE false AND "
                                       "2147483647 + 1 > 0"),
                                f.context));
  EXPECT_NO_THROW(foldConstants(
      f.bind("SELECT CASE WHEN 1 > 2 THEN 1 / 0 ELSE c_custkey END FROM customer"), f.context));
  // Everything else that folds raises the error at plan time, on any data.
  try {
    foldConstants(f.bind("SELECT c_custkey FROM customer WHERE c_custkey > 2147483647 + 1"),
                  f.context);
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.state(), SqlState::NumericValueOutOfRange);
  }
  try {
    foldConstants(f.bind("SELECT CASE WHEN c_custkey > 0 THEN 7 % 0 END FROM customer"), f.context);
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.state(), SqlState::DivisionByZero);
  }
}

TEST(FoldConstants, CaseWithATrueArmBecomesThatArm) {
  Fixture f;
  auto plan = f.bind("SELECT CASE WHEN NULL THEN 1 WHEN 2 > 1 THEN c_custkey ELSE 0 END "
                     "FROM customer");
  auto folded = foldConstants(plan, f.context);
  ASSERT_EQ(folded->kind, LogicalKind::Project);
  EXPECT_EQ(folded->expressions[0]->kind, ir::BoundKind::Column);
}

//===-- Predicate pushdown ------------------------------------------------------------------===//

TEST(PredicatePushdown, OneSidedConjunctsReachTheirScans) {
  Fixture f;
  auto plan = f.bind("SELECT c_name FROM customer, orders WHERE c_custkey = o_custkey "
                     "AND o_total > 10 AND c_nationkey = 3");
  auto pushed = pushDownPredicates(plan, f.context);
  ASSERT_TRUE(filterAbove(pushed, "orders"));
  ASSERT_TRUE(filterAbove(pushed, "customer"));
  auto join = joins(pushed).at(0);
  ASSERT_EQ(join->predicates.size(), 1u); // the equality became the join condition
  EXPECT_EQ(join->predicates[0]->name, "=");
  // Before the rule, the conditions sat in one filter above the join.
  EXPECT_FALSE(filterAbove(plan, "orders"));
}

TEST(PredicatePushdown, ThroughProjectionsOfDerivedTables) {
  Fixture f;
  auto plan = f.bind("SELECT * FROM (SELECT o_orderkey + 1 AS k FROM orders) d WHERE k > 5");
  auto pushed = pushDownPredicates(plan, f.context);
  auto filter = filterAbove(pushed, "orders");
  ASSERT_TRUE(filter);
  // The column of the projection was replaced by the expression it computes.
  EXPECT_EQ(filter->predicates[0]->args[0]->kind, ir::BoundKind::Arith);
}

TEST(PredicatePushdown, OnlyIntoThePreservedSideOfALeftJoin) {
  Fixture f;
  auto plan = f.bind("SELECT 1 FROM customer LEFT JOIN orders ON c_custkey = o_custkey "
                     "AND o_total > 10 WHERE c_nationkey = 1 AND o_orderkey IS NULL");
  auto pushed = pushDownPredicates(plan, f.context);
  EXPECT_TRUE(filterAbove(pushed, "customer"));              // WHERE on the left side
  EXPECT_TRUE(filterAbove(pushed, "orders"));                // ON condition on the right side
  ASSERT_EQ(pushed->children[0]->kind, LogicalKind::Filter); // IS NULL stays above the join
  EXPECT_EQ(pushed->children[0]->children[0]->kind, LogicalKind::Join);
}

TEST(PredicatePushdown, FactorsCommonConjunctsOutOfOr) {
  Fixture f;
  auto plan = f.bind("SELECT 1 FROM orders, lineitem WHERE (o_orderkey = l_orderkey AND "
                     "l_quantity < 5 AND o_total > 1) OR (o_orderkey = l_orderkey AND "
                     "l_quantity > 50 AND o_total < 0)");
  auto pushed = pushDownPredicates(plan, f.context);
  auto join = joins(pushed).at(0);
  bool equality = false;
  for (const auto& predicate : join->predicates)
    equality = equality || (predicate->kind == ir::BoundKind::Compare && predicate->name == "=");
  EXPECT_TRUE(equality) << "the join key common to both branches is a join condition";
  // Each side gets the OR of its own branch conditions.
  auto lineitem = filterAbove(pushed, "lineitem");
  ASSERT_TRUE(lineitem);
  EXPECT_EQ(lineitem->predicates[0]->kind, ir::BoundKind::Or);
  EXPECT_TRUE(filterAbove(pushed, "orders"));
}

//===-- Subquery unnesting ------------------------------------------------------------------===//

TEST(UnnestSubqueries, ExistsAndNotExistsBecomeSemiAndAntiJoins) {
  Fixture f;
  auto plan = f.bind("SELECT o_orderkey FROM orders WHERE EXISTS (SELECT 1 FROM lineitem "
                     "WHERE l_orderkey = o_orderkey) AND NOT EXISTS (SELECT 1 FROM lineitem "
                     "WHERE l_orderkey = o_orderkey AND l_quantity > 40)");
  ASSERT_TRUE(containsSubquery(plan));
  auto unnested = unnestSubqueries(plan, f.context);
  EXPECT_FALSE(containsSubquery(unnested));
  EXPECT_EQ(joins(unnested, JoinKind::Semi).size(), 1u);
  EXPECT_EQ(joins(unnested, JoinKind::Anti).size(), 1u);
  // The correlation became the join's equality; nothing is evaluated per outer row.
  for (const auto& join : joins(unnested))
    EXPECT_FALSE(join->predicates.empty());
}

TEST(UnnestSubqueries, InOutsideAConjunctIsAMarkJoin) {
  Fixture f;
  auto plan = f.bind("SELECT o_orderkey IN (SELECT l_orderkey FROM lineitem) FROM orders");
  auto unnested = unnestSubqueries(plan, f.context);
  EXPECT_FALSE(containsSubquery(unnested));
  auto marks = joins(unnested, JoinKind::Mark);
  ASSERT_EQ(marks.size(), 1u);
  ASSERT_TRUE(marks[0]->mark.comparison);
  EXPECT_EQ(marks[0]->mark.comparison->name, "=");
}

TEST(UnnestSubqueries, CorrelatedAggregateIsGroupedByTheCorrelation) {
  Fixture f;
  auto plan = f.bind("SELECT o_orderkey, (SELECT sum(l_quantity) FROM lineitem WHERE "
                     "l_orderkey = o_orderkey) FROM orders");
  auto unnested = unnestSubqueries(plan, f.context);
  EXPECT_FALSE(containsSubquery(unnested));
  auto singles = joins(unnested, JoinKind::Single);
  ASSERT_EQ(singles.size(), 1u);
  ASSERT_EQ(singles[0]->predicates.size(), 1u);
  // The aggregate now groups by l_orderkey (substituted for the outer column): no D needed.
  bool grouped = false;
  for (const auto& op : all(singles[0]->children[1]))
    grouped = grouped || (op->kind == LogicalKind::Aggregate && op->groupKeys.size() == 1);
  EXPECT_TRUE(grouped);
  EXPECT_EQ(joins(singles[0]->children[1]).size(), 0u) << "no join with the outer values";
}

TEST(UnnestSubqueries, CountOfNoRowsIsZeroNotNull) {
  Fixture f;
  auto plan = f.bind("SELECT (SELECT count(*) FROM lineitem WHERE l_orderkey = o_orderkey) "
                     "FROM orders");
  auto unnested = unnestSubqueries(plan, f.context);
  // The value is CASE WHEN matched THEN count ELSE 0 END.
  ASSERT_EQ(unnested->kind, LogicalKind::Project);
  EXPECT_EQ(unnested->expressions[0]->kind, ir::BoundKind::Case);
}

TEST(UnnestSubqueries, NestedAggregateWithoutGroupByKeepsARowPerOuterValue) {
  Fixture f;
  auto plan = f.bind("SELECT (SELECT sum(c) FROM (SELECT count(*) AS c FROM lineitem WHERE "
                     "l_orderkey = o_orderkey) d) FROM orders");
  auto unnested = unnestSubqueries(plan, f.context);
  EXPECT_FALSE(containsSubquery(unnested));
  auto single = joins(unnested, JoinKind::Single).at(0);
  // The inner count is left-joined to the distinct outer values, so an order without lines
  // still has its count 0 for the sum above it.
  auto lefts = joins(single->children[1], JoinKind::Left);
  ASSERT_EQ(lefts.size(), 1u);
  bool filled = false;
  for (const auto& op : all(single->children[1]))
    if (op->kind == LogicalKind::Project)
      for (const auto& expr : op->expressions)
        filled = filled || expr->kind == ir::BoundKind::Case;
  EXPECT_TRUE(filled) << "a missing group gets count's value over no rows";
}

TEST(UnnestSubqueries, HavingAboveACorrelatedCountFiltersTheFilledGroups) {
  Fixture f;
  auto plan = f.bind("SELECT (SELECT count(*) FROM lineitem WHERE l_orderkey = o_orderkey "
                     "HAVING count(*) < 2) FROM orders");
  auto unnested = unnestSubqueries(plan, f.context);
  auto single = joins(unnested, JoinKind::Single).at(0);
  // HAVING decides over the filled groups (a count of 0 passes it), below the single join.
  LogicalPtr having;
  for (const auto& op : all(single->children[1]))
    if (op->kind == LogicalKind::Filter && !having) having = op;
  ASSERT_TRUE(having);
  EXPECT_EQ(joins(having, JoinKind::Left).size(), 1u);
}

TEST(UnnestSubqueries, FullJoinInsideACorrelatedSubqueryCarriesTheOuterValueOnBothSides) {
  Fixture f;
  auto plan = f.bind("SELECT (SELECT count(*) FROM lineitem FULL JOIN supplier ON "
                     "l_suppkey = s_suppkey AND l_quantity > o_total) FROM orders");
  auto unnested = unnestSubqueries(plan, f.context);
  EXPECT_FALSE(containsSubquery(unnested));
  auto full = joins(unnested, JoinKind::Full).at(0);
  int nullSafe = 0;
  for (const auto& predicate : full->predicates)
    nullSafe += predicate->name == "IS NOT DISTINCT FROM";
  EXPECT_EQ(nullSafe, 1) << "both sides' outer values compared";
  EXPECT_FALSE(joins(full->children[0], JoinKind::Inner).empty());
  EXPECT_FALSE(joins(full->children[1], JoinKind::Inner).empty());
}

TEST(UnnestSubqueries, NonEqualityCorrelationJoinsTheOuterValues) {
  Fixture f;
  auto plan = f.bind("SELECT (SELECT count(*) FROM lineitem WHERE l_quantity > o_total) "
                     "FROM orders");
  auto unnested = unnestSubqueries(plan, f.context);
  EXPECT_FALSE(containsSubquery(unnested));
  auto single = joins(unnested, JoinKind::Single).at(0);
  // Joined null-safely with D, the distinct outer values inside the subquery.
  EXPECT_EQ(single->predicates.at(0)->name, "IS NOT DISTINCT FROM");
  EXPECT_FALSE(joins(single->children[1], JoinKind::Inner).empty());
}

//===-- Outer-join simplification -----------------------------------------------------------===//

TEST(SimplifyOuterJoins, NullRejectingFilterMakesLeftJoinInner) {
  Fixture f;
  auto plan =
      pushDownPredicates(f.bind("SELECT 1 FROM customer LEFT JOIN orders ON c_custkey = o_custkey "
                                "WHERE o_total > 100"),
                         f.context);
  ASSERT_EQ(joins(plan, JoinKind::Left).size(), 1u);
  auto simplified = simplifyOuterJoins(plan, f.context);
  EXPECT_EQ(joins(simplified, JoinKind::Left).size(), 0u);
  EXPECT_EQ(joins(simplified, JoinKind::Inner).size(), 1u);
}

TEST(SimplifyOuterJoins, IsNullKeepsTheLeftJoin) {
  Fixture f;
  auto plan =
      pushDownPredicates(f.bind("SELECT 1 FROM customer LEFT JOIN orders ON c_custkey = o_custkey "
                                "WHERE o_total IS NULL OR o_total > 100"),
                         f.context);
  auto simplified = simplifyOuterJoins(plan, f.context);
  EXPECT_EQ(joins(simplified, JoinKind::Left).size(), 1u);
}

//===-- Join ordering -----------------------------------------------------------------------===//

TEST(OrderJoins, NoCrossProductWhereEqualitiesConnect) {
  Fixture f;
  // Written so that a left-deep order of the FROM list would start with a cross product.
  auto plan = f.bind("SELECT 1 FROM customer, supplier, lineitem, orders, nation WHERE "
                     "c_custkey = o_custkey AND l_orderkey = o_orderkey AND l_suppkey = "
                     "s_suppkey AND c_nationkey = s_nationkey AND s_nationkey = n_nationkey");
  auto ordered = orderJoins(pushDownPredicates(plan, f.context), f.context);
  auto inner = joins(ordered, JoinKind::Inner);
  ASSERT_EQ(inner.size(), 4u);
  for (const auto& join : inner) {
    ASSERT_FALSE(join->predicates.empty()) << explainLogical(*ordered)[0];
    // The build (right) side is the smaller input.
    estimateCardinalities(*join);
    EXPECT_LE(join->children[1]->estimatedRows, join->children[0]->estimatedRows);
  }
}

TEST(OrderJoins, DisconnectedInputsAreCrossJoinedLast) {
  Fixture f;
  auto plan = f.bind("SELECT 1 FROM nation, customer, orders WHERE c_custkey = o_custkey");
  auto ordered = orderJoins(pushDownPredicates(plan, f.context), f.context);
  auto inner = joins(ordered, JoinKind::Inner);
  ASSERT_EQ(inner.size(), 2u);
  // The top join is the cross product, its lower join the connected pair.
  EXPECT_TRUE(inner[0]->predicates.empty());
  EXPECT_FALSE(inner[1]->predicates.empty());
}

//===-- Projection pruning ------------------------------------------------------------------===//

TEST(PruneProjections, JoinInputsCarryOnlyTheColumnsUsedAbove) {
  Fixture f;
  auto plan = f.bind("SELECT c_name FROM customer JOIN orders ON c_custkey = o_custkey");
  auto pruned = pruneProjections(plan, f.context);
  auto join = joins(pruned).at(0);
  // customer: key and name; orders: key only (o_orderkey and o_total are not read).
  EXPECT_EQ(join->children[0]->columns.size(), 2u);
  EXPECT_EQ(join->children[1]->columns.size(), 1u);
  EXPECT_EQ(pruned->columnIds(), plan->columnIds());
}
