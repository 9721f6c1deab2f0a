// Binder: name resolution, PostgreSQL's typing rules and its errors.
#include "common/error.h"
#include "parser/parser.h"
#include "planner/binder.h"
#include "planner/logical/subquery_info.h"

#include <gtest/gtest.h>

using namespace flern;

namespace {

struct Fixture {
  storage::Catalog tables;
  mlops::ModelCatalog models;
  Fixture() {
    tables.add(std::make_shared<storage::Table>(
        "t", std::vector<storage::ColumnDef>{{"i", SqlType::int32(), false},
                                             {"b", SqlType::int64(), false},
                                             {"n", SqlType::numeric(10, 2), false},
                                             {"s", SqlType::text(), false},
                                             {"d", SqlType::date(), false}}));
  }
  planner::BoundQuery bind(const std::string& sql) {
    auto statements = parser::parse(sql);
    planner::Binder binder({tables, models});
    return binder.bindQuery(*statements[0].select);
  }
  SqlType typeOf(const std::string& expr) { return bind("SELECT " + expr + " FROM t").types()[0]; }
  /// The first operator of `kind` on the leftmost path below the root.
  static planner::LogicalPtr find(planner::LogicalPtr op, planner::LogicalKind kind) {
    while (op && op->kind != kind)
      op = op->children.empty() ? nullptr : op->children[0];
    return op;
  }
  SqlState errorOf(const std::string& sql) {
    try {
      bind(sql);
    } catch (const Error& error) {
      return error.state();
    }
    return SqlState::SuccessfulCompletion;
  }
};

} // namespace

TEST(Binder, ArithmeticTypes) {
  Fixture f;
  EXPECT_EQ(f.typeOf("i + i"), SqlType::int32());
  EXPECT_EQ(f.typeOf("i + b"), SqlType::int64());
  EXPECT_EQ(f.typeOf("n + 1"), SqlType::numeric(0, 2));
  EXPECT_EQ(f.typeOf("n * n"), SqlType::numeric(0, 4));
  EXPECT_EQ(f.typeOf("n / 2").scale, kDynamicScale);
  EXPECT_EQ(f.typeOf("i * 1.5::float8"), SqlType::float64());
  EXPECT_EQ(f.typeOf("d + 1"), SqlType::date());
  EXPECT_EQ(f.typeOf("d - d"), SqlType::int32());
}

TEST(Binder, AggregateTypesFollowPostgres) {
  Fixture f;
  EXPECT_EQ(f.typeOf("count(*)"), SqlType::int64());
  EXPECT_EQ(f.typeOf("sum(i)"), SqlType::int64());
  EXPECT_EQ(f.typeOf("sum(b)"), SqlType::numeric(0, 0));
  EXPECT_EQ(f.typeOf("sum(n)"), SqlType::numeric(0, 2));
  EXPECT_EQ(f.typeOf("avg(i)").scale, kDynamicScale);
  EXPECT_EQ(f.typeOf("max(s)"), SqlType::text());
}

TEST(Binder, LiteralsTakeTheOtherSidesType) {
  Fixture f;
  auto filter = f.find(f.bind("SELECT * FROM t WHERE d > '2020-01-01' AND i = '5'").plan,
                       planner::LogicalKind::Filter);
  ASSERT_TRUE(filter);
  // WHERE's conjuncts are separate filter predicates.
  ASSERT_EQ(filter->predicates.size(), 2u);
  EXPECT_EQ(filter->predicates[0]->args[1]->type, SqlType::date());
  EXPECT_EQ(filter->predicates[1]->args[1]->type, SqlType::int32());
}

TEST(Binder, Errors) {
  Fixture f;
  EXPECT_EQ(f.errorOf("SELECT x FROM t"), SqlState::UndefinedColumn);
  EXPECT_EQ(f.errorOf("SELECT * FROM nosuch"), SqlState::UndefinedTable);
  EXPECT_EQ(f.errorOf("SELECT i FROM t a, t b"), SqlState::AmbiguousColumn);
  EXPECT_EQ(f.errorOf("SELECT * FROM t WHERE i"), SqlState::DatatypeMismatch);
  EXPECT_EQ(f.errorOf("SELECT i + s FROM t"), SqlState::UndefinedFunction);
  EXPECT_EQ(f.errorOf("SELECT i, count(*) FROM t"), SqlState::GroupingError);
  EXPECT_EQ(f.errorOf("SELECT predict(nosuch, i) FROM t"), SqlState::UndefinedObject);
  EXPECT_EQ(f.errorOf("SELECT 'x'::integer"), SqlState::InvalidTextRepresentation);
}

TEST(Binder, ColumnsHaveStableIdentities) {
  Fixture f;
  auto query = f.bind("SELECT a.i FROM t a JOIN t b ON a.i = b.i WHERE a.s = 'x'");
  auto join = f.find(query.plan, planner::LogicalKind::Join);
  ASSERT_TRUE(join);
  ASSERT_EQ(join->children.size(), 2u);
  ASSERT_EQ(join->predicates.size(), 1u);
  // The two scans of t have distinct ids, and the condition compares one of each.
  const auto& left = join->children[0]->columns;
  const auto& right = join->children[1]->columns;
  EXPECT_NE(left[0].id, right[0].id);
  const auto& condition = *join->predicates[0];
  EXPECT_EQ(condition.args[0]->index, left[0].id);
  EXPECT_EQ(condition.args[1]->index, right[0].id);
}

TEST(Binder, CorrelatedReferencesAreRecorded) {
  Fixture f;
  auto query = f.bind("SELECT i FROM t o WHERE EXISTS (SELECT 1 FROM t x WHERE x.b = o.b)");
  auto filter = f.find(query.plan, planner::LogicalKind::Filter);
  ASSERT_TRUE(filter);
  const auto& exists = *filter->predicates[0];
  ASSERT_EQ(exists.kind, ir::BoundKind::Subquery);
  auto scan = f.find(query.plan, planner::LogicalKind::Get);
  ASSERT_EQ(exists.subquery->correlated.size(), 1u);
  EXPECT_EQ(exists.subquery->correlated[0], scan->columns[1].id); // o.b
}
