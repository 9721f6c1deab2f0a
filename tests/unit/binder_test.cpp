// Binder: name resolution, PostgreSQL's typing rules and its errors.
#include "common/error.h"
#include "parser/parser.h"
#include "planner/binder.h"

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
  std::shared_ptr<planner::LogicalQuery> bind(const std::string& sql) {
    auto statements = parser::parse(sql);
    planner::Binder binder({tables, models});
    return binder.bindSelect(*statements[0].select);
  }
  SqlType typeOf(const std::string& expr) {
    return bind("SELECT " + expr + " FROM t")->projections[0]->type;
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
  auto query = f.bind("SELECT * FROM t WHERE d > '2020-01-01' AND i = '5'");
  ASSERT_EQ(query->conjuncts.size(), 1u);
  const auto& conjunction = *query->conjuncts[0];
  EXPECT_EQ(conjunction.args[0]->args[1]->type, SqlType::date());
  EXPECT_EQ(conjunction.args[1]->args[1]->type, SqlType::int32());
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

TEST(Binder, JoinConditionsBecomeConjuncts) {
  Fixture f;
  auto query = f.bind("SELECT a.i FROM t a JOIN t b ON a.i = b.i WHERE a.s = 'x'");
  EXPECT_EQ(query->relations.size(), 2u);
  EXPECT_EQ(query->conjuncts.size(), 2u);
  EXPECT_EQ(query->relations[1].firstColumn, 5);
}
