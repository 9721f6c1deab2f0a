#include "parser/parser.h"

#include "common/error.h"
#include "common/stack_depth.h"
#include "parser/model_front.h"

#include <cctype>
#include <nlohmann/json.hpp>
#include <pg_query.h>

#include <cctype>
#include <strings.h>

namespace flern::parser {

using nlohmann::json;
using namespace ast;

namespace {

/// The statement text being converted (for constants the JSON form loses).
thread_local const std::string* sourceText = nullptr;

/// libpg_query 15-4.0.0 writes a negative integer constant as an empty object ("ival": {}),
/// the same as zero; the literal is read back from the text at its location instead. The
/// grammar folds every unary minus applied to a constant into it and reports the first minus's
/// location, so the text there may be `-(48)` or `- - ( - 6 )`: the minus signs are counted
/// across blanks, comments and opening parentheses up to the digits.
int64_t integerAt(int location) {
  if (!sourceText || location < 0 || location >= static_cast<int>(sourceText->size())) return 0;
  const std::string& text = *sourceText;
  size_t i = static_cast<size_t>(location);
  bool negative = false;
  while (i < text.size() && !std::isdigit(static_cast<unsigned char>(text[i]))) {
    if (text[i] == '-' && i + 1 < text.size() && text[i + 1] == '-') {
      i = text.find('\n', i); // a -- comment
      if (i == std::string::npos) return 0;
    } else if (text[i] == '/' && i + 1 < text.size() && text[i + 1] == '*') {
      int depth = 0; // PostgreSQL's block comments nest
      do {
        if (text.compare(i, 2, "/*") == 0) {
          ++depth;
          i += 2;
        } else if (text.compare(i, 2, "*/") == 0) {
          --depth;
          i += 2;
        } else {
          ++i;
        }
      } while (depth > 0 && i < text.size());
    } else if (text[i] == '-') {
      negative = !negative;
      ++i;
    } else if (text[i] == '(' || std::isspace(static_cast<unsigned char>(text[i]))) {
      ++i;
    } else {
      return 0; // not a folded literal (cannot happen for an integer constant)
    }
  }
  int64_t value = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])))
    value = value * 10 + (text[i++] - '0');
  return negative ? -value : value;
}

/// The SQLSTATE of a grammar error: 42601, except the grammar's checks of window frames,
/// which PostgreSQL reports as windowing errors.
SqlState parseErrorState(const std::string& message) {
  bool frame = message.rfind("frame start", 0) == 0 || message.rfind("frame end", 0) == 0;
  return frame ? SqlState::WindowingError : SqlState::SyntaxError;
}

/// Runs libpg_query over `text` and returns the parse tree, or raises 42601.
json runPgQuery(const std::string& text) {
  PgQueryParseResult result = pg_query_parse(text.c_str());
  if (result.error) {
    Error error(parseErrorState(result.error->message), result.error->message,
                result.error->cursorpos);
    pg_query_free_parse_result(result);
    throw error;
  }
  json tree = json::parse(result.parse_tree);
  pg_query_free_parse_result(result);
  return tree;
}

[[noreturn]] void unsupported(const std::string& what, int location) {
  throw Error(SqlState::FeatureNotSupported, what + " is not supported", location + 1);
}

int locationOf(const json& node) {
  return node.value("location", -1);
}

std::string stringValue(const json& node) {
  // {"String": {"sval": "x"}}
  return node.at("String").value("sval", "");
}

std::vector<std::string> nameList(const json& list) {
  std::vector<std::string> names;
  for (const auto& item : list)
    names.push_back(stringValue(item));
  return names;
}

ExprPtr convertExpr(const json& node);
void convertSortClause(const json& clause, std::vector<OrderItem>& out);
ExprPtr convertSubLink(const json& link);
void convertSortClause(const json& clause, std::vector<OrderItem>& out);
std::unique_ptr<SelectStmt> convertSelect(const json& node);

ExprPtr makeExpr(ExprKind kind, int location) {
  auto expr = std::make_unique<Expr>();
  expr->kind = kind;
  expr->location = location;
  return expr;
}

TypeName convertTypeName(const json& node) {
  TypeName type;
  auto names = nameList(node.at("names"));
  type.name = names.back();
  type.location = locationOf(node);
  if (node.contains("typmods")) {
    for (const auto& mod : node.at("typmods")) {
      if (!mod.contains("A_Const") || !mod["A_Const"].contains("ival"))
        throw Error(SqlState::SyntaxError, "type modifiers must be simple constants",
                    type.location + 1);
      const json& ival = mod["A_Const"]["ival"];
      type.modifiers.push_back(ival.contains("ival")
                                   ? ival["ival"].get<int>()
                                   : static_cast<int>(integerAt(locationOf(mod["A_Const"]))));
    }
  }
  if (node.contains("arrayBounds")) unsupported("array type", type.location);
  return type;
}

ExprPtr convertConst(const json& node) {
  int location = locationOf(node);
  if (node.value("isnull", false)) return makeExpr(ExprKind::NullConst, location);
  if (node.contains("ival")) {
    auto expr = makeExpr(ExprKind::IntConst, location);
    expr->intValue =
        node["ival"].contains("ival") ? node["ival"]["ival"].get<int64_t>() : integerAt(location);
    return expr;
  }
  if (node.contains("fval")) {
    auto expr = makeExpr(ExprKind::NumConst, location);
    expr->text = node["fval"].value("fval", "0");
    return expr;
  }
  if (node.contains("sval")) {
    auto expr = makeExpr(ExprKind::StringConst, location);
    expr->text = node["sval"].value("sval", "");
    return expr;
  }
  if (node.contains("boolval")) {
    auto expr = makeExpr(ExprKind::BoolConst, location);
    expr->boolValue = node["boolval"].value("boolval", false);
    return expr;
  }
  unsupported("this constant", location);
}

//===-- Row values ------------------------------------------------------------------------===//
// Flern has no row type: a comparison of row values, an IN list of rows and ROW(...) IS [NOT]
// NULL are spelled out member by member with PostgreSQL's semantics. Each use of a member is
// converted again from the tree, as the AST has no shared nodes.

bool isRow(const json& node) {
  return node.contains("RowExpr");
}

ExprPtr makeBinary(ExprKind kind, const std::string& op, int location, ExprPtr a, ExprPtr b) {
  auto expr = makeExpr(kind, location);
  expr->text = op;
  expr->args.push_back(std::move(a));
  expr->args.push_back(std::move(b));
  return expr;
}

ExprPtr combine(ExprKind kind, std::vector<ExprPtr> parts, int location) {
  if (parts.size() == 1) return std::move(parts[0]);
  auto expr = makeExpr(kind, location);
  expr->args = std::move(parts);
  return expr;
}

ExprPtr compareValues(const std::string& op, const json& left, const json& right, int location);

/// `left op right` for two row values: = and IS NOT DISTINCT FROM hold when every member pair
/// does, <> and IS DISTINCT FROM when any does, and < <= > >= decide at the first pair that is
/// unequal or null (x1 < y1 OR (x1 = y1 AND (x2, ...) < (y2, ...))).
ExprPtr compareRows(const std::string& op, const json& left, const json& right, int location) {
  if (!isRow(left) || !isRow(right))
    unsupported("a comparison of a row value with a value that is not a row", location);
  const json& xs = left["RowExpr"].at("args");
  const json& ys = right["RowExpr"].at("args");
  if (xs.size() != ys.size())
    throw Error(SqlState::SyntaxError, "unequal number of entries in row expressions",
                location + 1);
  std::vector<ExprPtr> pairs;
  if (op == "=" || op == "<>" || op == "IS DISTINCT FROM" || op == "IS NOT DISTINCT FROM") {
    for (size_t i = 0; i < xs.size(); ++i)
      pairs.push_back(compareValues(op, xs[i], ys[i], location));
    bool all = op == "=" || op == "IS NOT DISTINCT FROM";
    return combine(all ? ExprKind::And : ExprKind::Or, std::move(pairs), location);
  }
  if (op != "<" && op != "<=" && op != ">" && op != ">=")
    unsupported("row comparison with operator " + op, location);
  const std::string strict = op.substr(0, 1);
  ExprPtr result = compareValues(op, xs[xs.size() - 1], ys[ys.size() - 1], location);
  for (size_t i = xs.size() - 1; i-- > 0;) {
    std::vector<ExprPtr> equalThenRest;
    equalThenRest.push_back(compareValues("=", xs[i], ys[i], location));
    equalThenRest.push_back(std::move(result));
    std::vector<ExprPtr> either;
    either.push_back(compareValues(strict, xs[i], ys[i], location));
    either.push_back(combine(ExprKind::And, std::move(equalThenRest), location));
    result = combine(ExprKind::Or, std::move(either), location);
  }
  return result;
}

ExprPtr compareValues(const std::string& op, const json& left, const json& right, int location) {
  if (isRow(left) || isRow(right)) unsupported("a row value inside a row value", location);
  return makeBinary(ExprKind::Operator, op, location, convertExpr(left), convertExpr(right));
}

/// ROW(...) IS NULL: every member is null; IS NOT NULL: no member is.
ExprPtr rowNullTest(const json& row, bool isNull, int location) {
  std::vector<ExprPtr> tests;
  for (const auto& member : row["RowExpr"].at("args")) {
    if (isRow(member)) unsupported("a row value inside a row value", location);
    auto test = makeExpr(isNull ? ExprKind::IsNull : ExprKind::IsNotNull, location);
    test->args.push_back(convertExpr(member));
    tests.push_back(std::move(test));
  }
  return combine(ExprKind::And, std::move(tests), location);
}

/// (a, b) [NOT] IN ((1, 2), (3, 4)): the rows' equalities ORed.
ExprPtr rowInList(const json& node, bool negated, int location) {
  std::vector<ExprPtr> alternatives;
  for (const auto& item : node["rexpr"].at("List").at("items"))
    alternatives.push_back(compareRows("=", node["lexpr"], item, location));
  ExprPtr any = combine(ExprKind::Or, std::move(alternatives), location);
  if (!negated) return any;
  auto negation = makeExpr(ExprKind::Not, location);
  negation->args.push_back(std::move(any));
  return negation;
}

ExprPtr convertAExpr(const json& node) {
  std::string kind = node.value("kind", "");
  int location = locationOf(node);
  std::string op = node.contains("name") ? stringValue(node["name"].back()) : "";
  if (kind == "AEXPR_OP") {
    if (node.contains("lexpr") && (isRow(node["lexpr"]) || isRow(node["rexpr"])))
      return compareRows(op, node["lexpr"], node["rexpr"], location);
    auto expr = makeExpr(ExprKind::Operator, location);
    expr->text = op;
    if (node.contains("lexpr")) expr->args.push_back(convertExpr(node["lexpr"]));
    expr->args.push_back(convertExpr(node["rexpr"]));
    return expr;
  }
  if (kind == "AEXPR_NULLIF") {
    auto expr = makeExpr(ExprKind::Function, location);
    expr->text = "nullif";
    expr->args.push_back(convertExpr(node["lexpr"]));
    expr->args.push_back(convertExpr(node["rexpr"]));
    return expr;
  }
  if (kind == "AEXPR_DISTINCT" || kind == "AEXPR_NOT_DISTINCT") {
    if (isRow(node["lexpr"]) || isRow(node["rexpr"]))
      return compareRows(kind == "AEXPR_DISTINCT" ? "IS DISTINCT FROM" : "IS NOT DISTINCT FROM",
                         node["lexpr"], node["rexpr"], location);
    auto expr = makeExpr(ExprKind::Operator, location);
    expr->text = kind == "AEXPR_DISTINCT" ? "IS DISTINCT FROM" : "IS NOT DISTINCT FROM";
    expr->args.push_back(convertExpr(node["lexpr"]));
    expr->args.push_back(convertExpr(node["rexpr"]));
    return expr;
  }
  if (kind == "AEXPR_LIKE") {
    auto expr = makeExpr(ExprKind::Like, location);
    expr->text = op;
    expr->args.push_back(convertExpr(node["lexpr"]));
    expr->args.push_back(convertExpr(node["rexpr"]));
    return expr;
  }
  if (kind == "AEXPR_BETWEEN" || kind == "AEXPR_NOT_BETWEEN") {
    auto expr = makeExpr(ExprKind::Between, location);
    expr->negated = kind == "AEXPR_NOT_BETWEEN";
    expr->args.push_back(convertExpr(node["lexpr"]));
    for (const auto& bound : node["rexpr"].at("List").at("items"))
      expr->args.push_back(convertExpr(bound));
    return expr;
  }
  if (kind == "AEXPR_IN") {
    if (isRow(node["lexpr"])) return rowInList(node, op == "<>", location);
    auto expr = makeExpr(ExprKind::InList, location);
    expr->negated = op == "<>";
    expr->args.push_back(convertExpr(node["lexpr"]));
    for (const auto& item : node["rexpr"].at("List").at("items"))
      expr->args.push_back(convertExpr(item));
    return expr;
  }
  unsupported("operator kind " + kind, location);
}

/// The offset of the EXCLUDE keyword inside the window specification whose '(' is at `open`.
int excludeLocation(int open) {
  if (!sourceText || open < 0) return open;
  const std::string& text = *sourceText;
  int depth = 0, found = open;
  for (size_t i = static_cast<size_t>(open); i < text.size(); ++i) {
    char c = text[i];
    if (c == '\'' || c == '"') { // skip a quoted literal or identifier
      size_t close = text.find(c, i + 1);
      if (close == std::string::npos) break;
      i = close;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      if (--depth <= 0) break;
    } else if (depth == 1 && strncasecmp(text.c_str() + i, "exclude", 7) == 0 &&
               (i == 0 || !std::isalnum(static_cast<unsigned char>(text[i - 1])))) {
      found = static_cast<int>(i);
    }
  }
  return found;
}

/// A WindowDef (OVER clause or WINDOW clause entry).
std::shared_ptr<WindowSpec> convertWindowDef(const json& def) {
  // PostgreSQL's FRAMEOPTION_EXCLUDE_CURRENT_ROW | _GROUP | _TIES.
  constexpr int kExcludeOptions = 0x08000 | 0x10000 | 0x20000;
  auto spec = std::make_shared<WindowSpec>();
  spec->location = locationOf(def);
  spec->name = def.value("name", "");
  spec->refName = def.value("refname", "");
  spec->frameOptions = def.value("frameOptions", 0);
  if (spec->frameOptions & kExcludeOptions)
    unsupported("EXCLUDE in a window frame", excludeLocation(spec->location));
  if (def.contains("partitionClause"))
    for (const auto& key : def["partitionClause"])
      spec->partitionBy.push_back(convertExpr(key));
  if (def.contains("orderClause")) convertSortClause(def["orderClause"], spec->orderBy);
  if (def.contains("startOffset")) spec->frameStart = convertExpr(def["startOffset"]);
  if (def.contains("endOffset")) spec->frameEnd = convertExpr(def["endOffset"]);
  return spec;
}

ExprPtr convertExpr(const json& node) {
  checkStackDepth();
  if (node.contains("ColumnRef")) {
    const json& ref = node["ColumnRef"];
    auto expr = makeExpr(ExprKind::ColumnRef, locationOf(ref));
    for (const auto& field : ref.at("fields")) {
      if (field.contains("A_Star")) {
        expr->kind = ExprKind::Star;
        continue;
      }
      expr->names.push_back(stringValue(field));
    }
    return expr;
  }
  if (node.contains("A_Const")) return convertConst(node["A_Const"]);
  if (node.contains("A_Expr")) return convertAExpr(node["A_Expr"]);
  if (node.contains("TypeCast")) {
    const json& cast = node["TypeCast"];
    auto expr = makeExpr(ExprKind::Cast, locationOf(cast));
    expr->typeName = convertTypeName(cast.at("typeName"));
    if (expr->location < 0) expr->location = expr->typeName.location;
    expr->args.push_back(convertExpr(cast.at("arg")));
    return expr;
  }
  if (node.contains("BoolExpr")) {
    const json& boolExpr = node["BoolExpr"];
    std::string op = boolExpr.value("boolop", "");
    ExprKind kind = op == "AND_EXPR"  ? ExprKind::And
                    : op == "OR_EXPR" ? ExprKind::Or
                                      : ExprKind::Not;
    auto expr = makeExpr(kind, locationOf(boolExpr));
    for (const auto& arg : boolExpr.at("args"))
      expr->args.push_back(convertExpr(arg));
    return expr;
  }
  if (node.contains("NullTest")) {
    const json& test = node["NullTest"];
    bool isNull = test.value("nulltesttype", "") == "IS_NULL";
    if (isRow(test.at("arg"))) return rowNullTest(test["arg"], isNull, locationOf(test));
    auto expr = makeExpr(isNull ? ExprKind::IsNull : ExprKind::IsNotNull, locationOf(test));
    expr->args.push_back(convertExpr(test.at("arg")));
    return expr;
  }
  if (node.contains("CaseExpr")) {
    const json& caseExpr = node["CaseExpr"];
    auto expr = makeExpr(ExprKind::Case, locationOf(caseExpr));
    if (caseExpr.contains("arg")) {
      expr->hasOperand = true;
      expr->args.push_back(convertExpr(caseExpr["arg"]));
    }
    for (const auto& when : caseExpr.at("args")) {
      expr->args.push_back(convertExpr(when.at("CaseWhen").at("expr")));
      expr->args.push_back(convertExpr(when.at("CaseWhen").at("result")));
    }
    if (caseExpr.contains("defresult")) {
      expr->hasElse = true;
      expr->args.push_back(convertExpr(caseExpr["defresult"]));
    }
    return expr;
  }
  if (node.contains("FuncCall")) {
    const json& call = node["FuncCall"];
    auto expr = makeExpr(ExprKind::Function, locationOf(call));
    expr->text = nameList(call.at("funcname")).back();
    expr->star = call.value("agg_star", false);
    expr->distinct = call.value("agg_distinct", false);
    if (call.contains("over")) expr->over = convertWindowDef(call["over"]);
    if (call.contains("agg_filter")) expr->filter = convertExpr(call["agg_filter"]);
    if (call.contains("agg_order")) convertSortClause(call["agg_order"], expr->aggregateOrder);
    if (call.value("agg_within_group", false)) unsupported("WITHIN GROUP", expr->location);
    if (call.contains("args"))
      for (const auto& arg : call["args"])
        expr->args.push_back(convertExpr(arg));
    return expr;
  }
  if (node.contains("GroupingFunc")) {
    const json& grouping = node["GroupingFunc"];
    auto expr = makeExpr(ExprKind::GroupingFunc, locationOf(grouping));
    if (grouping.contains("args"))
      for (const auto& arg : grouping["args"])
        expr->args.push_back(convertExpr(arg));
    return expr;
  }
  if (node.contains("CoalesceExpr")) {
    const json& coalesce = node["CoalesceExpr"];
    auto expr = makeExpr(ExprKind::Function, locationOf(coalesce));
    expr->text = "coalesce";
    for (const auto& arg : coalesce.at("args"))
      expr->args.push_back(convertExpr(arg));
    return expr;
  }
  if (node.contains("MinMaxExpr")) {
    const json& minMax = node["MinMaxExpr"];
    auto expr = makeExpr(ExprKind::Function, locationOf(minMax));
    expr->text = minMax.value("op", "") == "IS_GREATEST" ? "greatest" : "least";
    for (const auto& arg : minMax.at("args"))
      expr->args.push_back(convertExpr(arg));
    return expr;
  }
  if (node.contains("CollateClause")) {
    const json& collate = node["CollateClause"];
    auto expr = makeExpr(ExprKind::Collate, locationOf(collate));
    expr->names = nameList(collate.at("collname"));
    expr->args.push_back(convertExpr(collate.at("arg")));
    return expr;
  }
  if (node.contains("SQLValueFunction")) {
    // CURRENT_DATE, CURRENT_TIMESTAMP, LOCALTIMESTAMP: functions without arguments.
    const json& function = node["SQLValueFunction"];
    std::string op = function.value("op", "");
    auto expr = makeExpr(ExprKind::Function, locationOf(function));
    if (op == "SVFOP_CURRENT_DATE")
      expr->text = "current_date";
    else if (op == "SVFOP_CURRENT_TIMESTAMP")
      expr->text = "current_timestamp";
    else if (op == "SVFOP_LOCALTIMESTAMP")
      expr->text = "localtimestamp";
    else
      unsupported(op.empty() ? "this SQL value function" : op, expr->location);
    return expr;
  }
  if (node.contains("SubLink")) return convertSubLink(node["SubLink"]);
  std::string kind = node.is_object() && !node.empty() ? node.begin().key() : "expression";
  int location = node.is_object() && !node.empty() ? locationOf(node.begin().value()) : -1;
  unsupported(kind, location);
}

ExprPtr convertSubLink(const json& link) {
  auto expr = makeExpr(ExprKind::Subquery, locationOf(link));
  std::string type = link.value("subLinkType", "");
  if (type == "EXISTS_SUBLINK")
    expr->subLink = SubLinkKind::Exists;
  else if (type == "EXPR_SUBLINK")
    expr->subLink = SubLinkKind::Scalar;
  else if (type == "ANY_SUBLINK" || type == "ALL_SUBLINK")
    expr->subLink = type == "ANY_SUBLINK" ? SubLinkKind::Any : SubLinkKind::All;
  else if (type == "ROWCOMPARE_SUBLINK")
    unsupported("a row value compared with a subquery", expr->location);
  else
    unsupported("this kind of subquery", expr->location);
  if (link.contains("testexpr")) {
    // A row on the left is compared member by member with the subquery's columns.
    const json& test = link["testexpr"];
    if (isRow(test)) {
      for (const auto& member : test["RowExpr"].at("args")) {
        if (isRow(member)) unsupported("a row value inside a row value", locationOf(member));
        expr->args.push_back(convertExpr(member));
      }
    } else {
      expr->args.push_back(convertExpr(test));
    }
  }
  // IN (subquery) has no operator name: it is "= ANY".
  expr->text = link.contains("operName") ? stringValue(link["operName"].back()) : "=";
  expr->subquery = convertSelect(link.at("subselect"));
  return expr;
}

FromItem convertFromItem(const json& node) {
  FromItem item;
  if (node.contains("RangeVar")) {
    const json& range = node["RangeVar"];
    item.kind = FromItem::Kind::Table;
    item.name = range.at("relname");
    item.location = locationOf(range);
    if (range.contains("alias")) {
      item.alias = range["alias"].value("aliasname", "");
      if (range["alias"].contains("colnames"))
        item.columnAliases = nameList(range["alias"]["colnames"]);
    }
    return item;
  }
  if (node.contains("JoinExpr")) {
    const json& join = node["JoinExpr"];
    item.kind = FromItem::Kind::Join;
    std::string type = join.value("jointype", "JOIN_INNER");
    item.left = std::make_unique<FromItem>(convertFromItem(join.at("larg")));
    item.right = std::make_unique<FromItem>(convertFromItem(join.at("rarg")));
    item.location = item.left->location;
    if (type == "JOIN_INNER")
      item.joinType = "inner";
    else if (type == "JOIN_LEFT")
      item.joinType = "left";
    else if (type == "JOIN_RIGHT")
      item.joinType = "right";
    else if (type == "JOIN_FULL")
      item.joinType = "full";
    else
      unsupported("join type " + type, item.location);
    if (join.contains("quals")) item.joinCondition = convertExpr(join["quals"]);
    if (join.contains("usingClause")) item.usingColumns = nameList(join["usingClause"]);
    item.natural = join.value("isNatural", false);
    if (join.contains("alias")) item.alias = join["alias"].value("aliasname", "");
    return item;
  }
  if (node.contains("RangeFunction")) {
    const json& range = node["RangeFunction"];
    item.kind = FromItem::Kind::Function;
    const json& call = range.at("functions").at(0).at("List").at("items").at(0).at("FuncCall");
    item.name = nameList(call.at("funcname")).back();
    item.location = locationOf(call);
    if (call.contains("args"))
      for (const auto& arg : call["args"])
        item.args.push_back(convertExpr(arg));
    if (range.contains("alias")) {
      item.alias = range["alias"].value("aliasname", "");
      if (range["alias"].contains("colnames"))
        item.columnAliases = nameList(range["alias"]["colnames"]);
    }
    return item;
  }
  if (node.contains("RangeSubselect")) {
    const json& range = node["RangeSubselect"];
    item.kind = FromItem::Kind::Subquery;
    item.subquery = convertSelect(range.at("subquery"));
    item.lateral = range.value("lateral", false);
    if (range.contains("alias")) {
      item.alias = range["alias"].value("aliasname", "");
      if (range["alias"].contains("colnames"))
        item.columnAliases = nameList(range["alias"]["colnames"]);
    }
    return item;
  }
  unsupported("this FROM item", -1);
}

std::unique_ptr<SelectStmt> convertSelectNode(const json& node);

std::unique_ptr<SelectStmt> convertSelect(const json& wrapper) {
  return convertSelectNode(wrapper.at("SelectStmt"));
}

void convertWith(const json& with, SelectStmt& select) {
  select.withRecursive = with.value("recursive", false);
  for (const auto& entry : with.at("ctes")) {
    const json& cte = entry.at("CommonTableExpr");
    CommonTableExpr out;
    out.name = cte.at("ctename");
    out.location = locationOf(cte);
    if (cte.contains("aliascolnames")) out.columnAliases = nameList(cte["aliascolnames"]);
    if (!cte.at("ctequery").contains("SelectStmt"))
      unsupported("data-modifying statement in WITH", out.location);
    std::string materialized = cte.value("ctematerialized", "CTEMaterializeDefault");
    if (materialized == "CTEMaterializeAlways")
      out.materialize = CommonTableExpr::Materialize::Always;
    else if (materialized == "CTEMaterializeNever")
      out.materialize = CommonTableExpr::Materialize::Never;
    if (cte.contains("search_clause")) unsupported("SEARCH clause", out.location);
    if (cte.contains("cycle_clause")) unsupported("CYCLE clause", out.location);
    out.query = convertSelect(cte["ctequery"]);
    select.with.push_back(std::move(out));
  }
}

/// A GROUP BY item: an expression or a grouping set, whose parenthesized lists become "simple"
/// sets (at the top level `(a, b)` is the same as `a, b`, which the binder flattens).
ExprPtr convertGroupItem(const json& node) {
  if (node.contains("GroupingSet")) {
    const json& set = node["GroupingSet"];
    auto expr = makeExpr(ExprKind::GroupingSet, locationOf(set));
    std::string kind = set.value("kind", "");
    const std::string prefix = "GROUPING_SET_";
    if (kind.rfind(prefix, 0) == 0) kind = kind.substr(prefix.size());
    for (auto& c : kind)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    expr->text = kind;
    if (set.contains("content"))
      for (const auto& item : set["content"])
        expr->args.push_back(convertGroupItem(item));
    return expr;
  }
  if (node.contains("RowExpr") &&
      node["RowExpr"].value("row_format", "") == "COERCE_IMPLICIT_CAST") {
    const json& row = node["RowExpr"];
    auto expr = makeExpr(ExprKind::GroupingSet, locationOf(row));
    expr->text = "simple";
    if (row.contains("args"))
      for (const auto& item : row["args"])
        expr->args.push_back(convertExpr(item));
    return expr;
  }
  return convertExpr(node);
}

void convertSortClause(const json& clause, std::vector<OrderItem>& out) {
  for (const auto& sort : clause) {
    const json& sortBy = sort.at("SortBy");
    OrderItem item;
    item.expr = convertExpr(sortBy.at("node"));
    item.descending = sortBy.value("sortby_dir", "") == "SORTBY_DESC";
    if (sortBy.value("sortby_dir", "") == "SORTBY_USING")
      unsupported("ORDER BY ... USING", locationOf(sortBy));
    std::string nulls = sortBy.value("sortby_nulls", "SORTBY_NULLS_DEFAULT");
    if (nulls == "SORTBY_NULLS_FIRST")
      item.nullsFirst = true;
    else if (nulls == "SORTBY_NULLS_LAST")
      item.nullsFirst = false;
    out.push_back(std::move(item));
  }
}

std::unique_ptr<SelectStmt> convertSelectNode(const json& node) {
  auto select = std::make_unique<SelectStmt>();
  if (node.contains("withClause")) convertWith(node["withClause"], *select);
  std::string op = node.value("op", "SETOP_NONE");
  if (op != "SETOP_NONE") {
    select->setOperation = op == "SETOP_UNION"       ? SetOperation::Union
                           : op == "SETOP_INTERSECT" ? SetOperation::Intersect
                                                     : SetOperation::Except;
    select->setAll = node.value("all", false);
    select->left = convertSelectNode(node.at("larg"));
    select->right = convertSelectNode(node.at("rarg"));
  }
  if (node.contains("valuesLists")) {
    for (const auto& row : node["valuesLists"]) {
      std::vector<ExprPtr> values;
      for (const auto& value : row.at("List").at("items"))
        values.push_back(convertExpr(value));
      select->values.push_back(std::move(values));
    }
    return select;
  }
  if (node.contains("distinctClause")) select->distinct = true;
  if (node.contains("targetList")) {
    for (const auto& target : node["targetList"]) {
      const json& res = target.at("ResTarget");
      SelectTarget out;
      out.expr = convertExpr(res.at("val"));
      out.alias = res.value("name", "");
      out.location = locationOf(res);
      select->targets.push_back(std::move(out));
    }
  }
  if (node.contains("fromClause"))
    for (const auto& item : node["fromClause"])
      select->from.push_back(convertFromItem(item));
  if (node.contains("whereClause")) select->where = convertExpr(node["whereClause"]);
  if (node.contains("groupClause"))
    for (const auto& group : node["groupClause"])
      select->groupBy.push_back(convertGroupItem(group));
  if (node.contains("havingClause")) select->having = convertExpr(node["havingClause"]);
  if (node.contains("sortClause")) convertSortClause(node["sortClause"], select->orderBy);
  if (node.contains("limitCount")) select->limit = convertExpr(node["limitCount"]);
  if (node.contains("limitOffset")) select->offset = convertExpr(node["limitOffset"]);
  if (node.contains("lockingClause")) unsupported("FOR UPDATE/SHARE", -1);
  if (node.contains("windowClause"))
    for (const auto& window : node["windowClause"])
      select->windows.push_back(convertWindowDef(window.at("WindowDef")));
  return select;
}

Statement convertStatement(const json& node);

Statement convertCreate(const json& node) {
  Statement stmt{StmtKind::CreateTable};
  stmt.createTable = std::make_unique<CreateTableStmt>();
  auto& create = *stmt.createTable;
  create.name = node.at("relation").at("relname");
  create.ifNotExists = node.value("if_not_exists", false);
  if (node.contains("tableElts")) {
    for (const auto& element : node["tableElts"]) {
      if (!element.contains("ColumnDef")) unsupported("table constraint", -1);
      const json& def = element["ColumnDef"];
      ColumnDefinition column;
      column.name = def.at("colname");
      column.type = convertTypeName(def.at("typeName"));
      column.location = locationOf(def);
      if (def.contains("constraints")) {
        for (const auto& constraint : def["constraints"]) {
          std::string type = constraint.at("Constraint").value("contype", "");
          if (type == "CONSTR_NOTNULL")
            column.notNull = true;
          else if (type != "CONSTR_NULL")
            unsupported("column constraint " + type.substr(7),
                        locationOf(constraint["Constraint"]));
        }
      }
      create.columns.push_back(std::move(column));
    }
  }
  return stmt;
}

/// The target of CREATE TABLE AS and SELECT INTO (an IntoClause).
Statement convertInto(const json& into, std::unique_ptr<SelectStmt> query) {
  Statement stmt{StmtKind::CreateTableAs};
  stmt.createTableAs = std::make_unique<CreateTableAsStmt>();
  auto& create = *stmt.createTableAs;
  const json& rel = into.at("rel");
  create.name = rel.at("relname");
  create.location = locationOf(rel);
  if (rel.value("relpersistence", "p") == "t") unsupported("temporary table", create.location);
  if (into.contains("colNames")) create.columnNames = nameList(into["colNames"]);
  if (into.contains("options")) unsupported("storage options", create.location);
  create.withData = !into.value("skipData", false);
  create.query = std::move(query);
  return stmt;
}

Statement convertView(const json& view) {
  Statement stmt{StmtKind::CreateView};
  stmt.createView = std::make_unique<CreateViewStmt>();
  auto& create = *stmt.createView;
  create.name = view.at("view").at("relname");
  create.location = locationOf(view["view"]);
  if (view["view"].value("relpersistence", "p") == "t")
    unsupported("temporary view", create.location);
  if (view.value("withCheckOption", "NO_CHECK_OPTION") != "NO_CHECK_OPTION")
    unsupported("WITH CHECK OPTION", create.location);
  if (view.contains("options")) unsupported("view options", create.location);
  if (view.contains("aliases")) create.columnAliases = nameList(view["aliases"]);
  create.orReplace = view.value("replace", false);
  if (!view.at("query").contains("SelectStmt")) unsupported("this view query", create.location);
  create.query = convertSelect(view["query"]);
  return stmt;
}

Statement convertStatement(const json& node) {
  if (node.contains("SelectStmt")) {
    if (node["SelectStmt"].contains("intoClause")) {
      Statement stmt = convertInto(node["SelectStmt"]["intoClause"], convertSelect(node));
      stmt.createTableAs->selectInto = true;
      return stmt;
    }
    Statement stmt{StmtKind::Select};
    stmt.select = convertSelect(node);
    return stmt;
  }
  if (node.contains("CreateStmt")) return convertCreate(node["CreateStmt"]);
  if (node.contains("ViewStmt")) return convertView(node["ViewStmt"]);
  if (node.contains("CreateTableAsStmt")) {
    const json& create = node["CreateTableAsStmt"];
    if (create.value("objtype", "") != "OBJECT_TABLE") unsupported("CREATE MATERIALIZED VIEW", -1);
    if (!create.at("query").contains("SelectStmt")) unsupported("CREATE TABLE AS EXECUTE", -1);
    Statement stmt = convertInto(create.at("into"), convertSelect(create["query"]));
    stmt.createTableAs->ifNotExists = create.value("if_not_exists", false);
    return stmt;
  }
  if (node.contains("DropStmt")) {
    const json& drop = node["DropStmt"];
    std::string type = drop.value("removeType", "");
    if (type != "OBJECT_TABLE" && type != "OBJECT_VIEW") unsupported("DROP " + type.substr(7), -1);
    Statement stmt{type == "OBJECT_VIEW" ? StmtKind::DropView : StmtKind::DropTable};
    stmt.drop = std::make_unique<DropStmt>();
    stmt.drop->ifExists = drop.value("missing_ok", false);
    stmt.drop->cascade = drop.value("behavior", "") == "DROP_CASCADE";
    for (const auto& object : drop.at("objects")) {
      stmt.drop->names.push_back(nameList(object.at("List").at("items")).back());
      stmt.drop->locations.push_back(-1);
    }
    return stmt;
  }
  if (node.contains("InsertStmt")) {
    const json& insert = node["InsertStmt"];
    Statement stmt{StmtKind::Insert};
    stmt.insert = std::make_unique<InsertStmt>();
    stmt.insert->table = insert.at("relation").at("relname");
    stmt.insert->tableLocation = locationOf(insert.at("relation"));
    if (insert.contains("cols"))
      for (const auto& col : insert["cols"])
        stmt.insert->columns.push_back(col.at("ResTarget").at("name"));
    if (!insert.contains("selectStmt")) unsupported("INSERT DEFAULT VALUES", -1);
    if (insert.contains("returningList")) unsupported("RETURNING", -1);
    if (insert.contains("onConflictClause")) unsupported("ON CONFLICT", -1);
    stmt.insert->source = convertSelect(insert["selectStmt"]);
    return stmt;
  }
  if (node.contains("ExplainStmt")) {
    const json& explain = node["ExplainStmt"];
    Statement stmt{StmtKind::Explain};
    stmt.explained = std::make_unique<Statement>(convertStatement(explain.at("query")));
    if (explain.contains("options")) {
      for (const auto& option : explain["options"]) {
        std::string name = option.at("DefElem").value("defname", "");
        if (name == "ir")
          stmt.explainIr = true;
        else if (name == "llvm")
          stmt.explainLlvm = true;
        else if (name == "analyze")
          stmt.explainAnalyze = true;
        else if (name == "verbose")
          stmt.explainVerbose = true;
        else if (name != "costs")
          throw Error(SqlState::SyntaxError, "unrecognized EXPLAIN option \"" + name + "\"",
                      locationOf(option["DefElem"]) + 1);
      }
    }
    return stmt;
  }
  if (node.contains("CallStmt")) {
    Statement stmt(StmtKind::Call);
    stmt.call = convertExpr(json{{"FuncCall", node["CallStmt"].at("funccall")}});
    return stmt;
  }
  if (node.contains("CopyStmt")) {
    const json& copy = node["CopyStmt"];
    Statement stmt(StmtKind::Copy);
    stmt.copy = std::make_unique<CopyStmt>();
    auto& out = *stmt.copy;
    if (copy.contains("relation")) {
      out.table = copy["relation"].at("relname");
      out.tableLocation = locationOf(copy["relation"]);
    }
    if (copy.contains("attlist")) out.columns = nameList(copy["attlist"]);
    if (copy.contains("query")) {
      if (!copy["query"].contains("SelectStmt")) unsupported("COPY of this statement", -1);
      out.query = convertSelect(copy["query"]);
    }
    out.isFrom = copy.value("is_from", false);
    out.filename = copy.value("filename", "");
    if (copy.value("is_program", false)) unsupported("COPY PROGRAM", -1);
    if (copy.contains("whereClause")) unsupported("COPY FROM ... WHERE", -1);
    if (copy.contains("options")) {
      for (const auto& option : copy["options"]) {
        const json& def = option.at("DefElem");
        std::string value;
        if (def.contains("arg")) {
          const json& arg = def["arg"];
          if (arg.contains("String"))
            value = arg["String"].value("sval", "");
          else if (arg.contains("Boolean"))
            value = arg["Boolean"].value("boolval", false) ? "true" : "false";
          else if (arg.contains("Integer"))
            value = std::to_string(arg["Integer"].value("ival", 0));
          else
            value = "true";
        } else {
          value = "true";
        }
        out.options.emplace_back(def.value("defname", ""), value);
      }
    }
    return stmt;
  }
  if (node.contains("CheckPointStmt")) return Statement{StmtKind::Checkpoint};
  if (node.contains("VacuumStmt")) {
    const json& vacuum = node["VacuumStmt"];
    if (vacuum.value("is_vacuumcmd", false)) unsupported("VACUUM", -1);
    if (vacuum.contains("options"))
      for (const auto& option : vacuum["options"]) {
        std::string name = option.at("DefElem").value("defname", "");
        if (name != "verbose" && name != "skip_locked")
          throw Error(SqlState::SyntaxError, "unrecognized ANALYZE option \"" + name + "\"",
                      locationOf(option["DefElem"]) + 1);
      }
    Statement stmt{StmtKind::Analyze};
    stmt.analyze = std::make_unique<AnalyzeStmt>();
    if (vacuum.contains("rels"))
      for (const auto& rel : vacuum["rels"]) {
        const json& target = rel.at("VacuumRelation");
        AnalyzeStmt::Target out;
        out.table = target.at("relation").at("relname");
        out.location = locationOf(target["relation"]);
        if (target.contains("va_cols")) out.columns = nameList(target["va_cols"]);
        stmt.analyze->targets.push_back(std::move(out));
      }
    return stmt;
  }
  if (node.contains("VariableSetStmt")) {
    Statement stmt{StmtKind::Utility};
    stmt.utility.tag = node["VariableSetStmt"].value("kind", "") == "VAR_RESET" ? "RESET" : "SET";
    return stmt;
  }
  if (node.contains("TransactionStmt")) {
    std::string kind = node["TransactionStmt"].value("kind", "");
    Statement stmt{StmtKind::Utility};
    if (kind == "TRANS_STMT_BEGIN" || kind == "TRANS_STMT_START")
      stmt.utility.tag = "BEGIN";
    else if (kind == "TRANS_STMT_COMMIT")
      stmt.utility.tag = "COMMIT";
    else if (kind == "TRANS_STMT_ROLLBACK")
      stmt.utility.tag = "ROLLBACK";
    else
      unsupported("this transaction statement", -1);
    return stmt;
  }
  std::string kind = node.is_object() && !node.empty() ? node.begin().key() : "statement";
  unsupported(kind, -1);
}

} // namespace

std::unique_ptr<SelectStmt> parseEmbeddedSelect(const std::string& sql, int begin, int end) {
  // Blank everything outside the query so libpg_query's locations are offsets into `sql`.
  std::string padded(begin, ' ');
  padded.append(sql, begin, end - begin);
  sourceText = &sql;
  json tree = runPgQuery(padded);
  const json& stmts = tree.at("stmts");
  if (stmts.size() != 1 || !stmts[0].at("stmt").contains("SelectStmt"))
    throw Error(SqlState::SyntaxError, "a model's query must be one SELECT", begin + 1);
  return convertSelect(stmts[0]["stmt"]);
}

std::vector<Statement> parse(const std::string& sql) {
  sourceText = &sql;
  std::vector<Statement> statements;
  // The common case: plain PostgreSQL SQL, parsed in one go with exact error positions.
  PgQueryParseResult whole = pg_query_parse(sql.c_str());
  if (!whole.error) {
    json tree = json::parse(whole.parse_tree);
    pg_query_free_parse_result(whole);
    for (const auto& raw : tree.at("stmts")) {
      int begin = raw.value("stmt_location", 0);
      int length = raw.value("stmt_len", 0);
      std::string own = length > 0 ? sql.substr(begin, length) : sql.substr(begin);
      Statement stmt = convertStatement(raw.at("stmt"));
      stmt.text = own;
      statements.push_back(std::move(stmt));
    }
    return statements;
  }
  Error wholeError(parseErrorState(whole.error->message), whole.error->message,
                   whole.error->cursorpos);
  pg_query_free_parse_result(whole);

  // The text may hold model statements, which the PostgreSQL grammar lacks: split it with the
  // scanner and parse statement by statement. Without a model statement, the error stands.
  PgQuerySplitResult split = pg_query_split_with_scanner(sql.c_str());
  std::vector<std::pair<int, int>> ranges;
  if (!split.error)
    for (int i = 0; i < split.n_stmts; ++i)
      ranges.emplace_back(split.stmts[i]->stmt_location,
                          split.stmts[i]->stmt_location + split.stmts[i]->stmt_len);
  pg_query_free_split_result(split);
  bool anyModel = false;
  for (auto [begin, end] : ranges)
    anyModel = anyModel ||
               parseModelStatement(sql, begin, end <= begin ? int(sql.size()) : end).has_value();
  if (!anyModel) throw wholeError;
  for (auto [begin, end] : ranges) {
    if (end <= begin) end = static_cast<int>(sql.size());
    std::string own = sql.substr(begin, end - begin);
    if (own.find_first_not_of(" \t\r\n;") == std::string::npos) continue;
    if (auto model = parseModelStatement(sql, begin, end)) {
      model->text = own;
      statements.push_back(std::move(*model));
      continue;
    }
    // Blank the other statements so that locations stay offsets into `sql`.
    std::string padded(begin, ' ');
    padded += own;
    json tree = runPgQuery(padded);
    for (const auto& raw : tree.at("stmts")) {
      Statement stmt = convertStatement(raw.at("stmt"));
      stmt.text = own;
      statements.push_back(std::move(stmt));
    }
  }
  return statements;
}

} // namespace flern::parser
