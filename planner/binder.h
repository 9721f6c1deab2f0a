// The binder: resolves names against the catalog, types every expression (with PostgreSQL's
// rules for literals, promotion and aggregate result types) and produces the logical plan.
#pragma once

#include <optional>

#include "mlops/model_catalog.h"
#include "parser/ast.h"
#include "planner/logical_plan.h"
#include "storage/catalog.h"

namespace flern::planner {

/// What the binder may look up.
struct CatalogView {
  const storage::Catalog& tables;
  const mlops::ModelCatalog& models;
};

/// The name of the catalog relation listing models.
inline constexpr const char* kModelsRelation = "flern_models";

class Binder {
public:
  explicit Binder(CatalogView catalog) : catalog_(catalog) {}

  /// Binds a SELECT (or VALUES) into a logical query. For INSERT ... VALUES, `targets` gives the
  /// columns each VALUES item is stored into, so that items convert straight to their types.
  std::shared_ptr<LogicalQuery>
  bindSelect(const ast::SelectStmt& select,
             const std::vector<storage::ColumnDef>* targets = nullptr);
  /// Resolves a type name (int4, numeric(10,2), varchar(5) ...); raises 42704 when unknown.
  static SqlType bindTypeName(const ast::TypeName& type);
  /// Converts `expr` to `target` for storing into a column: literals are parsed, numbers and
  /// strings convert within their family; anything else raises 42804 naming `column`.
  static ir::BoundExprPtr assignmentCast(ir::BoundExprPtr expr, const SqlType& target,
                                         const std::string& column);
  /// Binds an expression with no columns in scope (VALUES rows, LIMIT).
  ir::BoundExprPtr bindConstantExpr(const ast::Expr& expr);
  /// A snapshot of the model catalog as a table (the flern_models relation).
  std::shared_ptr<storage::Table> modelsTable() const;

private:
  struct ScopeColumn {
    std::string relation;
    std::string name;
    SqlType type;
    int index;
  };
  struct Scope {
    std::vector<ScopeColumn> columns;
    std::vector<std::string> relations;
  };
  struct AggregateContext {
    std::vector<ir::AggregateSpec>* aggregates = nullptr;
    const char* forbiddenIn =
        nullptr; ///< clause where aggregates are not allowed; null inside an aggregate
  };

  void bindFromItem(const ast::FromItem& item, LogicalQuery& query, Scope& scope);
  void addRelation(LogicalRelation relation, LogicalQuery& query, Scope& scope);
  ir::BoundExprPtr bind(const ast::Expr& expr, const Scope& scope, AggregateContext& aggregates);
  ir::BoundExprPtr bindColumn(const ast::Expr& expr, const Scope& scope);
  ir::BoundExprPtr bindOperator(const ast::Expr& expr, const Scope& scope,
                                AggregateContext& aggregates);
  ir::BoundExprPtr bindFunction(const ast::Expr& expr, const Scope& scope,
                                AggregateContext& aggregates);
  ir::BoundExprPtr bindPredict(const ast::Expr& expr, const Scope& scope,
                               AggregateContext& aggregates);
  ir::BoundExprPtr bindCondition(const ast::Expr& expr, const Scope& scope,
                                 AggregateContext& aggregates, const char* clause);
  /// Replaces group-key subexpressions and aggregate references by columns of the aggregate output.
  ir::BoundExprPtr resolveGrouping(const ir::BoundExprPtr& expr, const LogicalQuery& query,
                                   const Scope& scope);

  /// now() for this statement: read once, so every use in the statement agrees.
  int64_t statementTime();

  CatalogView catalog_;
  std::optional<int64_t> statementTime_;
};

/// PostgreSQL's name for an unnamed output column (FigureColname).
std::string figureColumnName(const ast::Expr& expr);

} // namespace flern::planner
