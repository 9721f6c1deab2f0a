// Window functions below the SQL level: the parser's frames and named windows, the binder's
// result types and unsupported forms, and the optimizer rules on a Window operator.
#include "common/error.h"
#include "parser/parser.h"
#include "planner/binder.h"
#include "planner/optimizer/optimizer.h"

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
    tables.add(std::make_shared<storage::Table>(
        "t", std::vector<storage::ColumnDef>{{"g", SqlType::int32(), false},
                                             {"k", SqlType::int32(), false},
                                             {"b", SqlType::int64(), false},
                                             {"d", SqlType::float64(), false},
                                             {"s", SqlType::text(), false}}));
  }
  LogicalPtr bind(const std::string& sql) {
    auto statements = parser::parse(sql);
    binder = std::make_unique<Binder>(CatalogView{tables, models});
    return binder->bindQuery(*statements[0].select).plan;
  }
  std::vector<SqlType> types(const std::string& sql) {
    auto statements = parser::parse(sql);
    binder = std::make_unique<Binder>(CatalogView{tables, models});
    return binder->bindQuery(*statements[0].select).types();
  }
  Error errorOf(const std::string& sql) {
    try {
      bind(sql);
    } catch (const Error& error) {
      return error;
    }
    return Error(SqlState::SuccessfulCompletion, "");
  }
};

LogicalPtr findKind(const LogicalPtr& op, LogicalKind kind) {
  if (op->kind == kind) return op;
  for (const auto& child : op->children)
    if (auto found = findKind(child, kind)) return found;
  return nullptr;
}

} // namespace

//===-- Parser ------------------------------------------------------------------------------===//

TEST(WindowParser, FramesAndNamedWindows) {
  auto statements =
      parser::parse("SELECT sum(k) OVER (w ORDER BY k ROWS BETWEEN 2 PRECEDING AND "
                    "1 FOLLOWING), rank() OVER w FROM t WINDOW w AS (PARTITION BY g)");
  const auto& select = *statements[0].select;
  ASSERT_EQ(select.windows.size(), 1u);
  EXPECT_EQ(select.windows[0]->name, "w");
  EXPECT_EQ(select.windows[0]->partitionBy.size(), 1u);
  const auto& over = *select.targets[0].expr->over;
  EXPECT_EQ(over.refName, "w");
  EXPECT_EQ(over.orderBy.size(), 1u);
  EXPECT_TRUE(over.frameOptions & 0x4); // ROWS
  ASSERT_TRUE(over.frameStart && over.frameEnd);
  EXPECT_EQ(over.frameStart->intValue, 2);
  EXPECT_EQ(over.frameEnd->intValue, 1);
  EXPECT_EQ(select.targets[1].expr->over->name, "w"); // OVER w
}

TEST(WindowParser, ExcludeIsUnsupportedWithTheCursorOnIt) {
  std::string sql = "SELECT sum(k) OVER (ORDER BY k ROWS 1 PRECEDING exclude ties) FROM t";
  try {
    parser::parse(sql);
    FAIL() << "EXCLUDE was accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.state(), SqlState::FeatureNotSupported);
    EXPECT_EQ(error.position(), static_cast<int>(sql.find("exclude")) + 1);
  }
}

//===-- Binder ------------------------------------------------------------------------------===//

TEST(WindowBinder, ResultTypesFollowPostgres) {
  Fixture f;
  auto types = f.types("SELECT row_number() OVER (), rank() OVER (), ntile(2) OVER (), "
                       "percent_rank() OVER (), count(*) OVER (), sum(k) OVER (), sum(b) OVER (), "
                       "lag(k, 1, 2.5) OVER (), first_value(s) OVER (), avg(d) OVER () FROM t");
  ASSERT_EQ(types.size(), 10u);
  EXPECT_EQ(types[0], SqlType::int64());
  EXPECT_EQ(types[1], SqlType::int64());
  EXPECT_EQ(types[2], SqlType::int32());
  EXPECT_EQ(types[3], SqlType::float64());
  EXPECT_EQ(types[4], SqlType::int64());
  EXPECT_EQ(types[5], SqlType::int64());
  EXPECT_EQ(types[6].id, TypeId::Numeric);
  EXPECT_EQ(types[7].id, TypeId::Numeric); // int and numeric default: numeric
  EXPECT_EQ(types[8], SqlType::text());
  EXPECT_EQ(types[9], SqlType::float64());
}

TEST(WindowBinder, UnsupportedFramesAreCleanErrors) {
  Fixture f;
  EXPECT_EQ(f.errorOf("SELECT sum(k) OVER (ORDER BY k GROUPS 1 PRECEDING) FROM t").state(),
            SqlState::SuccessfulCompletion);
  EXPECT_EQ(f.errorOf("SELECT sum(k) OVER (GROUPS 1 PRECEDING) FROM t").state(),
            SqlState::WindowingError);
  EXPECT_EQ(f.errorOf("SELECT sum(k) OVER (ORDER BY k RANGE 1 PRECEDING) FROM t").state(),
            SqlState::FeatureNotSupported);
  EXPECT_EQ(f.errorOf("SELECT count(*) FILTER (WHERE k > 1) OVER () FROM t").state(),
            SqlState::FeatureNotSupported);
  Error distinct = f.errorOf("SELECT count(DISTINCT k) OVER () FROM t");
  EXPECT_EQ(distinct.state(), SqlState::FeatureNotSupported);
  EXPECT_EQ(distinct.position(), 8);
  EXPECT_EQ(f.errorOf("SELECT k FROM t WHERE rank() OVER () = 1").state(),
            SqlState::WindowingError);
}

//===-- Optimizer rules ---------------------------------------------------------------------===//

TEST(WindowRules, OnlyPartitionKeyConditionsGoBelowTheWindow) {
  Fixture f;
  auto plan = f.bind("SELECT * FROM (SELECT g, k, row_number() OVER (PARTITION BY g ORDER BY k) "
                     "AS rn FROM t) x WHERE g = 1 AND k = 2 AND rn = 1");
  auto pushed = pushDownPredicates(plan, f.context);
  auto window = findKind(pushed, LogicalKind::Window);
  ASSERT_TRUE(window);
  // g = 1 filters whole partitions: below; k = 2 and rn = 1 would change row numbers: above.
  auto below = findKind(window->children[0], LogicalKind::Filter);
  ASSERT_TRUE(below);
  ASSERT_EQ(below->predicates.size(), 1u);
  EXPECT_EQ(below->predicates[0]->args[0]->name, "t.g");
  auto above = findKind(pushed, LogicalKind::Filter);
  ASSERT_NE(above, below);
  EXPECT_EQ(above->predicates.size(), 2u);
}

TEST(WindowRules, ConditionsOnAColumnNotEveryWindowPartitionsByStayAbove) {
  Fixture f;
  auto plan = f.bind("SELECT * FROM (SELECT g, sum(k) OVER (PARTITION BY g) AS a, "
                     "sum(k) OVER () AS b FROM t) x WHERE g = 1");
  auto pushed = pushDownPredicates(plan, f.context);
  auto window = findKind(pushed, LogicalKind::Window);
  ASSERT_TRUE(window);
  EXPECT_FALSE(findKind(window->children[0], LogicalKind::Filter));
}

TEST(WindowRules, PruningDropsUnusedWindowValuesAndTheirInputs) {
  Fixture f;
  auto plan = f.bind("SELECT g FROM (SELECT g, sum(b) OVER (PARTITION BY s) AS x, "
                     "rank() OVER (ORDER BY k) AS r FROM t) y WHERE r < 3");
  auto pruned = pruneProjections(plan, f.context);
  auto window = findKind(pruned, LogicalKind::Window);
  ASSERT_TRUE(window);
  ASSERT_EQ(window->windows.size(), 1u); // sum(b) is not used
  EXPECT_EQ(window->windows[0].kind, ir::WindowFunctionKind::Rank);
  // The input carries g and k, not b or s.
  EXPECT_EQ(window->children[0]->columns.size(), 2u);
  EXPECT_EQ(pruned->columnIds(), plan->columnIds());

  auto none = pruneProjections(f.bind("SELECT g FROM (SELECT g, rank() OVER (ORDER BY k) AS r "
                                      "FROM t) y"),
                               f.context);
  EXPECT_FALSE(findKind(none, LogicalKind::Window));
}

TEST(WindowRules, EstimateIsTheInputsRows) {
  Fixture f;
  auto plan = optimize(f.bind("SELECT rank() OVER (ORDER BY k) FROM t WHERE g = 1"), f.context);
  auto window = findKind(plan, LogicalKind::Window);
  ASSERT_TRUE(window);
  EXPECT_GE(window->estimatedRows, 0);
  EXPECT_EQ(window->estimatedRows, window->children[0]->estimatedRows);
}
