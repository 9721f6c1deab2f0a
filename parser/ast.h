// Flern's own typed syntax tree, produced from libpg_query's parse tree (and the model front).
// Locations are 0-based byte offsets into the full query string, -1 when unknown.
#pragma once

#include "common/types.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace flern::ast {

struct Expr;
struct SelectStmt;
using ExprPtr = std::unique_ptr<Expr>;

/// A type name with modifiers as written (int4, numeric(10,2), varchar(5) ...).
struct TypeName {
  std::string name; ///< last component, lower case (e.g. "int4", "numeric")
  std::vector<int> modifiers;
  int location = -1;
};

enum class ExprKind {
  ColumnRef, ///< names: [table.]column
  Star,      ///< names: [table.]*
  IntConst,  ///< intValue
  NumConst,  ///< text: decimal literal that is not an int4
  StringConst,
  BoolConst,
  NullConst,
  Cast,     ///< args[0]::typeName
  Operator, ///< op with args (1 or 2)
  And,
  Or,
  Not,
  IsNull, ///< args[0] IS NULL
  IsNotNull,
  Like,     ///< args[0] LIKE args[1] (op "~~" or "!~~")
  Case,     ///< args: [operand?] then when/then pairs, then else (see hasOperand/hasElse)
  Function, ///< name(args); star for count(*)
  Between,  ///< args[0] BETWEEN args[1] AND args[2] (negated for NOT BETWEEN)
  InList,   ///< args[0] IN (args[1..]) (negated for NOT IN)
  Subquery, ///< a subquery used as an expression; see subLink
  Collate,  ///< args[0] COLLATE names (qualified collation name)
  /// A GROUP BY item that is a grouping set: text "rollup", "cube", "sets", "empty" or
  /// "simple" (a parenthesized list inside one), args its elements.
  GroupingSet,
  GroupingFunc, ///< GROUPING(args)
};

/// How a subquery is used as an expression (PostgreSQL's SubLink types).
enum class SubLinkKind {
  Exists, ///< EXISTS (subquery)
  Scalar, ///< (subquery): one column, at most one row
  Any,    ///< args[0] op ANY (subquery); IN is "= ANY"
  All,    ///< args[0] op ALL (subquery); NOT IN arrives as NOT (= ANY)
};

struct WindowSpec;
struct OrderItem;

struct Expr {
  ExprKind kind;
  int location = -1;
  std::vector<std::string> names;
  std::string text; ///< NumConst digits, StringConst value, Operator/Like name, Function name
  int64_t intValue = 0;
  bool boolValue = false;
  bool star = false;       ///< count(*)
  bool distinct = false;   ///< agg(DISTINCT ...)
  bool negated = false;    ///< NOT BETWEEN / NOT IN
  bool hasOperand = false; ///< CASE x WHEN ...
  bool hasElse = false;
  TypeName typeName;
  std::vector<ExprPtr> args;
  SubLinkKind subLink = SubLinkKind::Scalar;
  std::shared_ptr<SelectStmt> subquery;  ///< Subquery
  std::shared_ptr<Expr> filter;          ///< aggregate FILTER (WHERE ...)
  std::vector<OrderItem> aggregateOrder; ///< agg(x ORDER BY ...)
  std::shared_ptr<WindowSpec> over;      ///< window function OVER (...)
};

/// One FROM item.
struct FromItem {
  enum class Kind { Table, Join, Function, Subquery } kind;
  std::string name; ///< table name or function name
  std::string alias;
  std::vector<std::string> columnAliases;
  std::vector<ExprPtr> args;      ///< function arguments
  std::unique_ptr<FromItem> left; ///< join inputs
  std::unique_ptr<FromItem> right;
  ExprPtr joinCondition;
  std::string joinType;                  ///< "inner", "left", "right" or "full"
  std::vector<std::string> usingColumns; ///< JOIN ... USING (columns)
  bool natural = false;                  ///< NATURAL JOIN
  std::unique_ptr<SelectStmt> subquery;
  bool lateral = false; ///< LATERAL (subquery): sees the FROM items to its left
  int location = -1;
};

struct SelectTarget {
  ExprPtr expr;
  std::string alias;
  int location = -1;
};

struct OrderItem {
  ExprPtr expr;
  bool descending = false;
  std::optional<bool> nullsFirst;
};

/// A window specification (OVER clause or WINDOW clause entry) as written.
struct WindowSpec {
  std::string name;    ///< WINDOW name AS (...), or OVER name (then nothing else is set)
  std::string refName; ///< OVER (name ...): the named window this one extends
  std::vector<ExprPtr> partitionBy;
  std::vector<OrderItem> orderBy;
  int frameOptions = 0; ///< PostgreSQL's FRAMEOPTION_* bits
  ExprPtr frameStart;   ///< offset of "n PRECEDING/FOLLOWING" starts
  ExprPtr frameEnd;
  int location = -1;
};

/// WITH name [(columns)] AS [[NOT] MATERIALIZED] (query)
struct CommonTableExpr {
  enum class Materialize { Default, Always, Never };
  std::string name;
  std::vector<std::string> columnAliases;
  std::shared_ptr<SelectStmt> query;
  Materialize materialize = Materialize::Default;
  int location = -1;
};

enum class SetOperation { None, Union, Intersect, Except };

struct SelectStmt {
  std::vector<CommonTableExpr> with;
  bool withRecursive = false;
  /// A set operation of `left` and `right`; ORDER BY / LIMIT below apply to its result.
  SetOperation setOperation = SetOperation::None;
  bool setAll = false;
  std::unique_ptr<SelectStmt> left, right;
  std::vector<SelectTarget> targets;
  std::vector<FromItem> from;
  ExprPtr where;
  std::vector<ExprPtr> groupBy;
  ExprPtr having;
  std::vector<OrderItem> orderBy;
  std::vector<std::shared_ptr<WindowSpec>> windows; ///< WINDOW clause
  ExprPtr limit;
  ExprPtr offset;
  bool distinct = false;
  std::vector<std::vector<ExprPtr>> values; ///< VALUES (...), (...)
};

struct ColumnDefinition {
  std::string name;
  TypeName type;
  bool notNull = false;
  int location = -1;
};

struct CreateTableStmt {
  std::string name;
  std::vector<ColumnDefinition> columns;
  bool ifNotExists = false;
};

struct DropStmt {
  std::vector<std::string> names;
  std::vector<int> locations;
  bool ifExists = false;
  bool cascade = false; ///< DROP ... CASCADE (RESTRICT is the default)
};

/// CREATE [OR REPLACE] VIEW name [(columns)] AS query. The statement's text is what the catalog
/// keeps: a view is bound again from it wherever it is used.
struct CreateViewStmt {
  std::string name;
  int location = -1;
  std::vector<std::string> columnAliases;
  std::unique_ptr<SelectStmt> query;
  bool orReplace = false;
};

/// CREATE TABLE name [(columns)] AS query [WITH [NO] DATA], and SELECT ... INTO name.
struct CreateTableAsStmt {
  std::string name;
  int location = -1;
  std::vector<std::string> columnNames;
  std::unique_ptr<SelectStmt> query;
  bool withData = true;
  bool ifNotExists = false;
  bool selectInto = false;
};

struct InsertStmt {
  std::string table;
  int tableLocation = -1;
  std::vector<std::string> columns;
  std::unique_ptr<SelectStmt> source;
};

struct ExplainStmt;

/// CREATE MODEL name PREDICT column TRAIN algorithm [WITH (key = value, ...)] AS query
struct CreateModelStmt {
  std::string name;
  std::string target;
  int targetLocation = -1;
  std::string algorithm;
  int algorithmLocation = -1;
  std::vector<std::pair<std::string, std::string>> options;
  std::unique_ptr<SelectStmt> query;
  std::string queryText;
};

/// COPY table [(columns)] FROM/TO STDIN/STDOUT/'file', or COPY (query) TO ...
struct CopyStmt {
  std::string table;
  int tableLocation = -1;
  std::vector<std::string> columns;
  std::unique_ptr<SelectStmt> query; ///< COPY (query) TO
  bool isFrom = false;
  std::string filename; ///< empty for STDIN / STDOUT
  /// Options as written: format, delimiter, null, header, quote, escape.
  std::vector<std::pair<std::string, std::string>> options;
};

/// ANALYZE [table [(columns)], ...]: no tables means all of them.
struct AnalyzeStmt {
  struct Target {
    std::string table;
    int location = -1;
    std::vector<std::string> columns;
  };
  std::vector<Target> targets;
};

/// A statement accepted for compatibility that changes nothing (SET, BEGIN, COMMIT ...).
struct UtilityStmt {
  std::string tag; ///< command tag to answer with
};

enum class StmtKind {
  Select,
  CreateTable,
  DropTable,
  Insert,
  Explain,
  CreateModel,
  DropModel,
  Checkpoint,
  Copy,
  Call,
  Analyze,
  CreateView,
  DropView,
  CreateTableAs,
  Utility
};

struct Statement {
  Statement() = default;
  explicit Statement(StmtKind statementKind) : kind(statementKind) {}

  StmtKind kind = StmtKind::Utility;
  std::unique_ptr<SelectStmt> select;
  std::unique_ptr<CreateTableStmt> createTable;
  std::unique_ptr<DropStmt> drop;
  std::unique_ptr<InsertStmt> insert;
  std::unique_ptr<CreateModelStmt> createModel;
  std::unique_ptr<CopyStmt> copy;
  std::unique_ptr<AnalyzeStmt> analyze;
  std::unique_ptr<CreateViewStmt> createView;
  std::unique_ptr<CreateTableAsStmt> createTableAs;
  ExprPtr call;                         ///< CALL procedure(args): a Function expression
  std::unique_ptr<Statement> explained; ///< EXPLAIN's statement
  bool explainIr = false;               ///< EXPLAIN (IR): show the generated Flern IR
  bool explainLlvm = false;             ///< EXPLAIN (LLVM): show the optimized LLVM IR
  bool explainAnalyze = false;          ///< EXPLAIN ANALYZE: run it and report times
  bool explainVerbose = false;          ///< EXPLAIN VERBOSE: also the optimized logical plan
  UtilityStmt utility;
  std::string text; ///< the statement's own text
};

} // namespace flern::ast
