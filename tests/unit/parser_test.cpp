// Parser: libpg_query trees become Flern AST; the model front keeps error positions exact.
#include "common/error.h"
#include "parser/parser.h"

#include <gtest/gtest.h>

using namespace flern;

TEST(Parser, SelectShape) {
  auto statements = parser::parse("SELECT a + 1 AS x, count(*) FROM t JOIN u ON t.id = u.id "
                                  "WHERE b LIKE 'x%' GROUP BY a ORDER BY 1 DESC LIMIT 3");
  ASSERT_EQ(statements.size(), 1u);
  const auto& select = *statements[0].select;
  ASSERT_EQ(select.targets.size(), 2u);
  EXPECT_EQ(select.targets[0].alias, "x");
  EXPECT_EQ(select.targets[0].expr->kind, ast::ExprKind::Operator);
  EXPECT_TRUE(select.targets[1].expr->star);
  ASSERT_EQ(select.from.size(), 1u);
  EXPECT_EQ(select.from[0].kind, ast::FromItem::Kind::Join);
  EXPECT_EQ(select.where->kind, ast::ExprKind::Like);
  ASSERT_EQ(select.orderBy.size(), 1u);
  EXPECT_TRUE(select.orderBy[0].descending);
  EXPECT_EQ(select.limit->intValue, 3);
}

TEST(Parser, NegativeIntegerLiterals) {
  // libpg_query's JSON loses negative integers; the parser reads them back from the text.
  auto statements = parser::parse("SELECT -5, - 7, 0, 12");
  const auto& targets = statements[0].select->targets;
  EXPECT_EQ(targets[0].expr->intValue, -5);
  EXPECT_EQ(targets[1].expr->intValue, -7);
  EXPECT_EQ(targets[2].expr->intValue, 0);
  EXPECT_EQ(targets[3].expr->intValue, 12);
}

TEST(Parser, SeveralStatements) {
  auto statements = parser::parse("CREATE TABLE t (a int); INSERT INTO t VALUES (1); DROP TABLE t");
  ASSERT_EQ(statements.size(), 3u);
  EXPECT_EQ(statements[0].kind, ast::StmtKind::CreateTable);
  EXPECT_EQ(statements[1].kind, ast::StmtKind::Insert);
  EXPECT_EQ(statements[2].kind, ast::StmtKind::DropTable);
}

TEST(Parser, SyntaxErrorHasPosition) {
  try {
    parser::parse("SELECT 1; SELEC 2");
    FAIL() << "expected a syntax error";
  } catch (const Error& error) {
    EXPECT_EQ(error.state(), SqlState::SyntaxError);
    EXPECT_EQ(error.position(), 11);
  }
}

TEST(ModelFront, CreateModel) {
  auto statements = parser::parse("CREATE MODEL price_model PREDICT price TRAIN linear_regression "
                                  "AS SELECT sqft, price FROM h;");
  ASSERT_EQ(statements.size(), 1u);
  ASSERT_EQ(statements[0].kind, ast::StmtKind::CreateModel);
  const auto& model = *statements[0].createModel;
  EXPECT_EQ(model.name, "price_model");
  EXPECT_EQ(model.target, "price");
  EXPECT_EQ(model.algorithm, "linear_regression");
  EXPECT_EQ(model.query->targets.size(), 2u);
  EXPECT_EQ(model.queryText, "SELECT sqft, price FROM h");
}

TEST(ModelFront, ErrorInsideEmbeddedQueryKeepsItsPosition) {
  std::string sql =
      "SELECT 1; CREATE MODEL m PREDICT y TRAIN linear_regression AS SELECT x y z FROM t";
  try {
    parser::parse(sql);
    FAIL() << "expected a syntax error";
  } catch (const Error& error) {
    EXPECT_EQ(error.state(), SqlState::SyntaxError);
    EXPECT_EQ(error.position(), static_cast<int>(sql.find("z FROM")) + 1);
  }
}

TEST(ModelFront, GrammarErrors) {
  for (const char* sql : {"CREATE MODEL m PREDICT TRAIN linear_regression AS SELECT 1",
                          "CREATE MODEL m PREDICT y linear_regression AS SELECT 1",
                          "CREATE MODEL m PREDICT y TRAIN linear_regression SELECT 1",
                          "CREATE MODEL m PREDICT y TRAIN linear_regression AS"}) {
    try {
      parser::parse(sql);
      ADD_FAILURE() << "accepted: " << sql;
    } catch (const Error& error) {
      EXPECT_EQ(error.state(), SqlState::SyntaxError) << sql;
      EXPECT_GT(error.position(), 0) << sql;
    }
  }
}

TEST(ModelFront, DropModel) {
  auto statements = parser::parse("DROP MODEL IF EXISTS a, b");
  ASSERT_EQ(statements[0].kind, ast::StmtKind::DropModel);
  EXPECT_TRUE(statements[0].drop->ifExists);
  EXPECT_EQ(statements[0].drop->names, (std::vector<std::string>{"a", "b"}));
}
