// The binder: resolves names against the catalog, types every expression (with PostgreSQL's
// rules for literals, promotion and aggregate result types) and produces the logical plan.
#pragma once

#include <map>
#include <optional>

#include "mlops/model_catalog.h"
#include "parser/ast.h"
#include "planner/logical/logical_operator.h"
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

  /// Binds a query (SELECT, VALUES, set operations, WITH) into a logical plan. For INSERT ...
  /// VALUES, `targets` gives the columns each VALUES item is stored into, so that items convert
  /// straight to their types. Untyped literals among the result columns become text unless
  /// `resolveUnknown` is false (INSERT converts them to the target columns' types).
  BoundQuery bindQuery(const ast::SelectStmt& select,
                       const std::vector<storage::ColumnDef>* targets = nullptr,
                       bool resolveUnknown = true);
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
  /// A fresh column id (unique within the statement).
  ColumnId newColumnId() { return nextColumnId_++; }
  /// The tables and views the bound statements named directly (not through views).
  const std::vector<std::string>& referencedRelations() const { return referencedRelations_; }

private:
  /// A name visible in a FROM scope.
  struct ScopeColumn {
    std::string relation; ///< alias of its FROM item ("" for a merged USING column)
    std::string name;
    LogicalColumn column;
    bool qualifiedOnly = false; ///< a USING/NATURAL input column: reachable as rel.name only
    bool inStar = true;         ///< listed by SELECT *
  };
  /// The names of one query block's FROM clause; `parent` is the enclosing block's scope, so a
  /// name found there is a correlated reference.
  struct Scope {
    std::vector<ScopeColumn> columns;
    std::vector<std::string> relations;
    const Scope* parent = nullptr;
    /// Columns of enclosing blocks that this block refers to (shared by the block's scopes).
    std::shared_ptr<std::vector<ColumnId>> outerReferences;
  };
  /// The window function calls of a SELECT list and ORDER BY, and its WINDOW clause.
  struct WindowContext {
    std::vector<ir::WindowExpr> calls;
    const std::vector<std::shared_ptr<ast::WindowSpec>>* named = nullptr;
  };
  struct AggregateContext {
    std::vector<ir::AggregateSpec>* aggregates = nullptr;
    const char* forbiddenIn =
        nullptr; ///< clause where aggregates are not allowed; null inside an aggregate
    WindowContext* windows = nullptr;         ///< where window calls may appear (null: not here)
    const char* windowsForbiddenIn = nullptr; ///< clause for the 42P20 error (else forbiddenIn)
  };
  /// A query block's result before the client sees it: plan and column names.
  struct BlockResult {
    LogicalPtr plan;
    std::vector<std::string> names;
    std::vector<ColumnId> outerReferences; ///< columns of enclosing blocks it refers to
  };
  /// A WITH entry in scope. With `cteIndex` >= 0 references read its buffer (CteScan) and
  /// the statement decides at the end whether to inline or compute it once; -1: every reference
  /// gets its own copy of the plan (correlated entries, NOT MATERIALIZED).
  struct CteBinding {
    std::string name;
    BlockResult result;
    int cteIndex = -1;
    bool workingTable = false; ///< the recursive reference inside a WITH RECURSIVE entry
    int references = 0;
    int subqueryDepth = 0; ///< subqueryDepth_ where a working table was declared
    int nullableDepth = 0; ///< nullableDepth_ where a working table was declared
  };
  /// A WITH entry that may be computed once: its plan and how often the statement reads it.
  struct CteProducer {
    int cteIndex;
    std::string name;
    LogicalPtr plan;
    int references = 0;
    bool materialized = false; ///< AS MATERIALIZED, or recursive: never inlined
  };

  // Query blocks (bind_select.cpp)
  BlockResult bindBlock(const ast::SelectStmt& select, const Scope* parent,
                        const std::vector<storage::ColumnDef>* insertTargets = nullptr);
  BlockResult bindSetOperation(const ast::SelectStmt& select, const Scope* parent);
  BlockResult bindValues(const ast::SelectStmt& select, const Scope* parent,
                         const std::vector<storage::ColumnDef>* insertTargets);
  BlockResult bindSelectCore(const ast::SelectStmt& select, const Scope* parent);
  // WITH (bind_cte.cpp)
  void bindWith(const ast::SelectStmt& select, const Scope* parent);
  /// A reference to a WITH entry in FROM.
  LogicalPtr bindCteRef(const ast::FromItem& item, CteBinding& cte, Scope& scope);
  /// A WITH RECURSIVE entry whose query names itself: a RecursiveUnion (bind_recursive.cpp).
  BlockResult bindRecursiveCte(const ast::CommonTableExpr& cte, const Scope* parent);
  /// The statement's plan with WITH entries read once inlined and the others computed once
  /// (CteMaterialize over the plan, in definition order).
  LogicalPtr placeCtes(LogicalPtr plan);
  LogicalPtr inlineCtes(const LogicalPtr& op, const std::map<int, LogicalPtr>& inlined);
  BlockResult orderAndLimit(const ast::SelectStmt& select, BlockResult block);
  /// The SELECT list with * expanded: bound targets and their names.
  void bindTargets(const ast::SelectStmt& select, const Scope& scope, AggregateContext& aggregates,
                   std::vector<ir::BoundExprPtr>& targets, std::vector<std::string>& names);
  /// GROUP BY (bind_grouping.cpp): its distinct keys and grouping sets (positions in `keys`;
  /// one set of all keys without GROUPING SETS, ROLLUP or CUBE).
  struct GroupBy {
    std::vector<ir::BoundExprPtr> keys;
    std::vector<std::vector<size_t>> sets;
    bool hasSets = false; ///< written with grouping-set syntax (even GROUP BY ())
  };
  GroupBy bindGroupBy(const ast::SelectStmt& select, const Scope& scope,
                      const std::vector<ir::BoundExprPtr>& targets,
                      const std::vector<std::string>& names);
  ir::BoundExprPtr bindGroupKey(const ast::Expr& group, const Scope& scope,
                                const std::vector<ir::BoundExprPtr>& targets,
                                const std::vector<std::string>& names);
  ir::BoundExprPtr bindGroupingFunc(const ast::Expr& expr, const Scope& scope,
                                    AggregateContext& aggregates);
  /// The Aggregate (or one per grouping set under UNION ALL) over `input` and HAVING above it;
  /// `targets` and `orderExprs` are rewritten over its columns. `input` itself for a block
  /// without grouping or aggregates.
  LogicalPtr bindAggregation(LogicalPtr input, const GroupBy& groupBy,
                             const std::vector<ir::AggregateSpec>& specs,
                             std::vector<ir::BoundExprPtr>& targets, ir::BoundExprPtr having,
                             std::vector<ir::BoundExprPtr>& orderExprs,
                             const std::vector<ColumnId>& localColumns,
                             std::shared_ptr<LogicalOperator>* grouping = nullptr,
                             const std::vector<ir::BoundExprPtr*>& windowInputs = {});
  void bindOrderBy(const ast::SelectStmt& select, const Scope& scope, AggregateContext& aggregates,
                   const std::vector<ir::BoundExprPtr>& targets,
                   const std::vector<std::string>& names, std::vector<int>& orderTargets,
                   std::vector<ir::BoundExprPtr>& orderExprs);
  LogicalPtr applyLimit(const ast::SelectStmt& select, LogicalPtr plan);
  /// The block with its columns converted to `types`.
  BlockResult castColumns(BlockResult block, const std::vector<SqlType>& types);
  /// The block with its untyped-literal columns converted to text.
  BlockResult resolveUnknownColumns(BlockResult block);
  static void mergeReferences(std::vector<ColumnId>& into, const std::vector<ColumnId>& from);
  /// Replaces group-key subexpressions and aggregates by columns of the Aggregate's output.
  ir::BoundExprPtr resolveGrouping(const ir::BoundExprPtr& expr, const LogicalOperator& aggregate,
                                   const std::vector<ColumnId>& localColumns);

  // FROM (bind_from.cpp)
  /// Binds one FROM item into `scope`; a LATERAL derived table also sees the names of
  /// `lateral` (the items to its left), and refers to them as a dependent join's right input.
  LogicalPtr bindFromItem(const ast::FromItem& item, Scope& scope, const Scope* lateral = nullptr);
  LogicalPtr bindJoin(const ast::FromItem& item, Scope& scope, const Scope* lateral);
  /// The `references` to enclosing queries that are not columns of the LATERAL items `lateral`.
  static std::vector<ColumnId> nonLocal(const std::vector<ColumnId>& references,
                                        const Scope* lateral);
  LogicalPtr bindDerivedTable(const ast::FromItem& item, Scope& scope, const Scope* lateral);
  LogicalPtr bindTableRef(const ast::FromItem& item, Scope& scope);
  /// A view used in FROM: its stored query bound as a derived table (bind_view.cpp).
  LogicalPtr bindViewRef(const ast::FromItem& item, const storage::ViewDef& view, Scope& scope);
  void addToScope(const std::string& alias, const LogicalOperator& plan,
                  const std::vector<std::string>& names, Scope& scope, int location);
  ir::BoundExprPtr bindColumn(const ast::Expr& expr, const Scope& scope);

  // Expressions (binder.cpp) and subqueries (bind_subquery.cpp)
  ir::BoundExprPtr bind(const ast::Expr& expr, const Scope& scope, AggregateContext& aggregates);
  ir::BoundExprPtr bindOperator(const ast::Expr& expr, const Scope& scope,
                                AggregateContext& aggregates);
  ir::BoundExprPtr bindLiteral(const ast::Expr& expr);
  ir::BoundExprPtr bindCast(const ast::Expr& expr, const Scope& scope,
                            AggregateContext& aggregates);
  ir::BoundExprPtr bindCase(const ast::Expr& expr, const Scope& scope,
                            AggregateContext& aggregates);
  ir::BoundExprPtr bindBetween(const ast::Expr& expr, const Scope& scope,
                               AggregateContext& aggregates);
  ir::BoundExprPtr bindInList(const ast::Expr& expr, const Scope& scope,
                              AggregateContext& aggregates);
  ir::BoundExprPtr bindFunction(const ast::Expr& expr, const Scope& scope,
                                AggregateContext& aggregates);
  // Window functions (bind_window.cpp)
  ir::BoundExprPtr bindWindowCall(const ast::Expr& expr, const Scope& scope,
                                  AggregateContext& aggregates);
  void bindWindowArgs(const ast::Expr& expr, const Scope& scope, AggregateContext& inner,
                      ir::WindowExpr& call);
  /// Raises the errors of the WINDOW clause: duplicate names, bad references.
  void checkWindowClause(const ast::SelectStmt& select);
  ir::WindowFrame bindFrame(const ast::WindowSpec& spec, int frameOptions, bool hasOrderBy,
                            const ast::Expr* startOffset, const ast::Expr* endOffset);
  /// A Window operator over `plan` computing `windows` (resolved like the targets when
  /// `aggregate` is given), with WindowRefs in `exprs` replaced by its columns.
  LogicalPtr applyWindows(LogicalPtr plan, WindowContext& windows, const LogicalOperator* aggregate,
                          const std::vector<ColumnId>& localColumns,
                          std::vector<ir::BoundExprPtr*> exprs);
  /// An aggregate call (bind_aggregate.cpp).
  ir::BoundExprPtr bindAggregate(const ast::Expr& expr, ir::AggregateKind kind, const Scope& scope,
                                 AggregateContext& aggregates);
  ir::BoundExprPtr bindPredict(const ast::Expr& expr, const Scope& scope,
                               AggregateContext& aggregates);
  ir::BoundExprPtr bindCondition(const ast::Expr& expr, const Scope& scope,
                                 AggregateContext& aggregates, const char* clause);
  ir::BoundExprPtr bindSubquery(const ast::Expr& expr, const Scope& scope,
                                AggregateContext& aggregates);
  /// The operands of IN / ANY / ALL (one value or a row's members) converted with the
  /// subquery's columns to common types; returns the subquery's plan with its columns converted.
  LogicalPtr bindQuantifiedOperands(const ast::Expr& expr, const std::string& op,
                                    const BlockResult& block, const Scope& scope,
                                    AggregateContext& aggregates, ir::BoundExpr& node);

  /// now() for this statement: read once, so every use in the statement agrees.
  int64_t statementTime();

  CatalogView catalog_;
  ColumnId nextColumnId_ = 0;
  std::vector<CteBinding> ctes_; ///< WITH entries in scope, innermost last
  std::optional<int64_t> statementTime_;
  std::vector<std::string> referencedRelations_;
  std::vector<CteProducer> cteProducers_; ///< in definition order (producers before readers)
  int nextCteIndex_ = 0;
  int subqueryDepth_ = 0;                   ///< subquery expressions being bound
  int nullableDepth_ = 0;                   ///< nullable sides of outer joins being bound
  std::vector<std::string> expandingViews_; ///< views being bound, outermost first
};

/// True when `select` names `relation` in a FROM clause anywhere (subqueries included) where no
/// inner WITH entry of that name hides it.
bool mentionsRelation(const ast::SelectStmt& select, const std::string& relation);

/// PostgreSQL's name for an unnamed output column (FigureColname).
std::string figureColumnName(const ast::Expr& expr);

} // namespace flern::planner
