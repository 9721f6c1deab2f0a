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

TEST(Parser, ViewsAndDrop) {
  auto statements = parser::parse("CREATE OR REPLACE VIEW v (x, y) AS SELECT a, b FROM t; "
                                  "DROP VIEW IF EXISTS v, w CASCADE; DROP TABLE t");
  ASSERT_EQ(statements.size(), 3u);
  ASSERT_EQ(statements[0].kind, ast::StmtKind::CreateView);
  const auto& view = *statements[0].createView;
  EXPECT_EQ(view.name, "v");
  EXPECT_TRUE(view.orReplace);
  EXPECT_EQ(view.columnAliases, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(view.query->targets.size(), 2u);
  // The catalog keeps the statement's own text, which must parse back to the same view.
  EXPECT_EQ(statements[0].text, "CREATE OR REPLACE VIEW v (x, y) AS SELECT a, b FROM t");
  ASSERT_EQ(statements[1].kind, ast::StmtKind::DropView);
  EXPECT_TRUE(statements[1].drop->ifExists);
  EXPECT_TRUE(statements[1].drop->cascade);
  EXPECT_EQ(statements[1].drop->names.size(), 2u);
  EXPECT_FALSE(statements[2].drop->cascade);
  EXPECT_THROW(parser::parse("CREATE VIEW v AS SELECT 1 WITH CHECK OPTION"), Error);
  EXPECT_THROW(parser::parse("CREATE MATERIALIZED VIEW m AS SELECT 1"), Error);
}

TEST(Parser, CreateTableAsAndSelectInto) {
  auto statements =
      parser::parse("CREATE TABLE IF NOT EXISTS c (p, q) AS SELECT 1, 2 WITH NO DATA; "
                    "SELECT a INTO s FROM t; CREATE TABLE d AS SELECT 1");
  ASSERT_EQ(statements.size(), 3u);
  ASSERT_EQ(statements[0].kind, ast::StmtKind::CreateTableAs);
  const auto& create = *statements[0].createTableAs;
  EXPECT_EQ(create.name, "c");
  EXPECT_TRUE(create.ifNotExists);
  EXPECT_FALSE(create.withData);
  EXPECT_FALSE(create.selectInto);
  EXPECT_EQ(create.columnNames, (std::vector<std::string>{"p", "q"}));
  ASSERT_EQ(statements[1].kind, ast::StmtKind::CreateTableAs);
  EXPECT_TRUE(statements[1].createTableAs->selectInto);
  EXPECT_EQ(statements[1].createTableAs->name, "s");
  EXPECT_TRUE(statements[2].createTableAs->withData);
}

TEST(Parser, WithMaterializedAndRecursive) {
  auto statements = parser::parse("WITH RECURSIVE a AS MATERIALIZED (SELECT 1), "
                                  "b AS NOT MATERIALIZED (SELECT 2), c AS (SELECT 3) SELECT 1");
  const auto& select = *statements[0].select;
  EXPECT_TRUE(select.withRecursive);
  ASSERT_EQ(select.with.size(), 3u);
  EXPECT_EQ(select.with[0].materialize, ast::CommonTableExpr::Materialize::Always);
  EXPECT_EQ(select.with[1].materialize, ast::CommonTableExpr::Materialize::Never);
  EXPECT_EQ(select.with[2].materialize, ast::CommonTableExpr::Materialize::Default);
  // Column aliases of a table reference.
  auto aliased = parser::parse("SELECT * FROM t AS x (p, q)");
  EXPECT_EQ(aliased[0].select->from[0].columnAliases, (std::vector<std::string>{"p", "q"}));
}
