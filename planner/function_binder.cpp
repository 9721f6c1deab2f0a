// Scalar function binding: PostgreSQL's function resolution (candidates by argument count,
// implicit conversions, most exact matches, then preferred types) over Flern's builtins.
#include "planner/function_binder.h"

#include "common/error.h"
#include "planner/expr_typing.h"

#include <map>

namespace flern::planner {

using ir::BoundExprPtr;
using ir::BoundKind;

namespace {

/// One signature of a builtin. A Numeric result has a per-value scale unless `result` says.
struct Candidate {
  std::vector<TypeId> params;
  SqlType result;
};

const SqlType kText = SqlType::text();
const SqlType kInt4 = SqlType::int32();
const SqlType kFloat8 = SqlType::float64();
const SqlType kNumeric = SqlType::numeric(0, kDynamicScale);
constexpr TypeId T = TypeId::Text, I = TypeId::Int32, I8 = TypeId::Int64, F = TypeId::Float64,
                 N = TypeId::Numeric, S = TypeId::Int16, R = TypeId::Float32;

/// The builtins chosen by signature (the rest are bound by name in bindScalarFunction).
const std::map<std::string, std::vector<Candidate>>& catalog() {
  static const std::map<std::string, std::vector<Candidate>> functions = {
      {"length", {{{T}, kInt4}}},
      {"char_length", {{{T}, kInt4}}},
      {"character_length", {{{T}, kInt4}}},
      {"octet_length", {{{T}, kInt4}}},
      {"upper", {{{T}, kText}}},
      {"lower", {{{T}, kText}}},
      {"substring", {{{T, I}, kText}, {{T, I, I}, kText}, {{T, T}, kText}, {{T, T, T}, kText}}},
      {"substr", {{{T, I}, kText}, {{T, I, I}, kText}}},
      {"position", {{{T, T}, kInt4}}},
      {"strpos", {{{T, T}, kInt4}}},
      {"btrim", {{{T}, kText}, {{T, T}, kText}}},
      {"ltrim", {{{T}, kText}, {{T, T}, kText}}},
      {"rtrim", {{{T}, kText}, {{T, T}, kText}}},
      {"replace", {{{T, T, T}, kText}}},
      {"split_part", {{{T, T, I}, kText}}},
      {"left", {{{T, I}, kText}}},
      {"right", {{{T, I}, kText}}},
      {"lpad", {{{T, I}, kText}, {{T, I, T}, kText}}},
      {"rpad", {{{T, I}, kText}, {{T, I, T}, kText}}},
      {"starts_with", {{{T, T}, SqlType::boolean()}}},
      {"reverse", {{{T}, kText}}},
      {"repeat", {{{T, I}, kText}}},
      {"regexp_replace", {{{T, T, T}, kText}, {{T, T, T, T}, kText}}},
      {"abs",
       {{{S}, SqlType::int16()},
        {{I}, kInt4},
        {{I8}, SqlType::int64()},
        {{R}, SqlType::float32()},
        {{F}, kFloat8},
        {{N}, SqlType::numeric(0, 0)}}},
      {"round", {{{F}, kFloat8}, {{N}, kNumeric}, {{N, I}, kNumeric}}},
      {"trunc", {{{F}, kFloat8}, {{N}, kNumeric}, {{N, I}, kNumeric}}},
      {"floor", {{{F}, kFloat8}, {{N}, SqlType::numeric(0, 0)}}},
      {"ceil", {{{F}, kFloat8}, {{N}, SqlType::numeric(0, 0)}}},
      {"ceiling", {{{F}, kFloat8}, {{N}, SqlType::numeric(0, 0)}}},
      {"sign", {{{F}, kFloat8}, {{N}, SqlType::numeric(0, 0)}}},
      {"sqrt", {{{F}, kFloat8}, {{N}, kNumeric}}},
      {"exp", {{{F}, kFloat8}, {{N}, kNumeric}}},
      {"ln", {{{F}, kFloat8}, {{N}, kNumeric}}},
      {"log10", {{{F}, kFloat8}, {{N}, kNumeric}}},
      {"log", {{{F}, kFloat8}, {{N}, kNumeric}, {{N, N}, kNumeric}}},
      {"power", {{{F, F}, kFloat8}, {{N, N}, kNumeric}}},
      {"pow", {{{F, F}, kFloat8}, {{N, N}, kNumeric}}},
      {"mod", {{{I, I}, kInt4}, {{I8, I8}, SqlType::int64()}, {{N, N}, kNumeric}}},
  };
  return functions;
}

/// PostgreSQL's implicit casts among Flern's types (pg_cast entries marked 'i').
bool implicitlyConvertible(TypeId from, TypeId to) {
  if (from == to || from == TypeId::Unknown) return true;
  if (to == TypeId::Text) return from == TypeId::Varchar || from == TypeId::Char;
  int rankFrom = numericRank(from), rankTo = numericRank(to);
  return rankFrom && rankTo && rankFrom < rankTo;
}

/// The category's preferred type (text for strings, float8 for numbers).
bool isPreferred(TypeId id) {
  return id == TypeId::Text || id == TypeId::Float64;
}

/// func_select_candidate, reduced to Flern's types: the candidates whose parameters all accept
/// the arguments; among them the most exact matches, then the most preferred types where a
/// conversion is needed. Null when nothing accepts the arguments.
const Candidate* selectCandidate(const std::vector<Candidate>& candidates,
                                 const std::vector<BoundExprPtr>& args) {
  const Candidate* best = nullptr;
  std::pair<int, int> bestScore{-1, -1};
  for (const auto& candidate : candidates) {
    if (candidate.params.size() != args.size()) continue;
    std::pair<int, int> score{0, 0};
    bool accepted = true;
    for (size_t i = 0; i < args.size() && accepted; ++i) {
      TypeId from = args[i]->type.id, to = candidate.params[i];
      accepted = implicitlyConvertible(from, to);
      if (from == to)
        ++score.first;
      else if (isPreferred(to))
        ++score.second;
    }
    if (accepted && score > bestScore) {
      best = &candidate;
      bestScore = score;
    }
  }
  return best;
}

/// An argument converted to a parameter type. NUMERIC arguments keep their own scale (the
/// functions receive it), CHAR loses its trailing blanks as in PostgreSQL's cast to text.
BoundExprPtr convertArgument(const BoundExprPtr& arg, TypeId param) {
  if (isUnknownLiteral(arg)) {
    SqlType target = param == TypeId::Numeric ? kNumeric : SqlType{param};
    return coerceLiteral(arg, target);
  }
  if (arg->type.id == param) return arg;
  if (param == TypeId::Text) return arg->type.id == TypeId::Char ? ir::makeCast(arg, kText) : arg;
  if (param == TypeId::Numeric) return implicitCast(arg, SqlType::numeric(0, 0));
  return implicitCast(arg, SqlType{param});
}

/// The common type of GREATEST/LEAST/COALESCE arguments (select_common_type): untyped
/// arguments take the others' type, all untyped is text.
SqlType commonArgumentType(const std::string& construct, const std::vector<BoundExprPtr>& args) {
  SqlType type = SqlType::unknown();
  for (const auto& arg : args) {
    auto merged = unifyResultType(type, arg->type);
    if (!merged)
      throw Error(SqlState::DatatypeMismatch,
                  construct + " types " + type.name() + " and " + arg->type.name() +
                      " cannot be matched",
                  arg->location + 1);
    type = *merged;
  }
  return type.id == TypeId::Unknown ? kText : type;
}

/// True when an explicit COLLATE "C", "POSIX" or ucs_basic applies to `expr` (whose case
/// mapping is then ASCII-only in PostgreSQL).
bool hasAsciiCollation(const BoundExprPtr& expr) {
  if (expr->kind == BoundKind::Function && expr->name == "collate")
    return expr->stringValue == "C" || expr->stringValue == "POSIX" ||
           expr->stringValue == "ucs_basic";
  for (const auto& arg : expr->args)
    if (hasAsciiCollation(arg)) return true;
  return false;
}

std::shared_ptr<ir::BoundExpr> functionNode(const std::string& name, SqlType type, int location,
                                            std::vector<BoundExprPtr> args) {
  auto node = makeNode(BoundKind::Function, type, location);
  node->name = name;
  node->args = std::move(args);
  return node;
}

/// concat / concat_ws take any types: each argument goes to text as its output function prints
/// it (booleans as t/f, CHAR with its blanks), which is the cast except for those two.
BoundExprPtr bindConcat(const std::string& name, std::vector<BoundExprPtr> args, int location) {
  std::vector<BoundExprPtr> texts;
  for (size_t i = 0; i < args.size(); ++i) {
    const BoundExprPtr& arg = args[i];
    if (name == "concat_ws" && i == 0) {
      texts.push_back(convertArgument(arg, TypeId::Text));
    } else if (isUnknownLiteral(arg)) {
      texts.push_back(coerceLiteral(arg, kText));
    } else if (arg->type.id == TypeId::Bool) {
      auto choice = makeNode(BoundKind::Case, kText, arg->location);
      auto t = makeNode(BoundKind::Constant, kText);
      t->stringValue = "t";
      auto f = makeNode(BoundKind::Constant, kText);
      f->stringValue = "f";
      // CASE WHEN b THEN 't' WHEN NOT b THEN 'f' END keeps a NULL argument NULL.
      auto isFalse = makeNode(BoundKind::Not, SqlType::boolean());
      isFalse->args = {arg};
      choice->args = {arg, t, isFalse, f, makeNull(kText)};
      texts.push_back(choice);
    } else if (arg->type.isString()) {
      texts.push_back(arg); // CHAR keeps its padding, as its output function prints it
    } else {
      texts.push_back(ir::makeCast(arg, kText));
    }
  }
  return functionNode(name, kText, location, std::move(texts));
}

} // namespace

BoundExprPtr bindScalarFunction(const std::string& name, std::vector<BoundExprPtr> args,
                                int location) {
  auto unknownFunction = [&]() -> Error {
    return std::move(Error(SqlState::UndefinedFunction,
                           "function " + name + "(" + typeListText(args) + ") does not exist",
                           location + 1)
                         .withHint("No function matches the given name and argument types. You "
                                   "might need to add explicit type casts."));
  };
  if (name == "coalesce" || name == "greatest" || name == "least") {
    std::string construct = name == "coalesce"   ? "COALESCE"
                            : name == "greatest" ? "GREATEST"
                                                 : "LEAST";
    SqlType type = commonArgumentType(construct, args);
    for (auto& arg : args)
      arg = implicitCast(arg, type);
    return functionNode(name, type, location, std::move(args));
  }
  if (name == "nullif" && args.size() == 2) {
    // NULLIF(a, b): compared as a = b, the result has the compared type of a.
    auto type = unifyResultType(args[0]->type, args[1]->type);
    if (type && type->id == TypeId::Unknown) type = kText;
    if (!type)
      throw Error(SqlState::UndefinedFunction, operatorText("=", args[0], args[1]), location + 1)
          .withHint("No operator matches the given name and argument types. You might need to "
                    "add explicit type casts.");
    return functionNode(name, *type, location,
                        {implicitCast(args[0], *type), implicitCast(args[1], *type)});
  }
  if (name == "concat_ws" && !args.empty() && !isUnknownLiteral(args[0]) &&
      !args[0]->type.isString())
    throw unknownFunction(); // the separator is text; other types have no implicit cast to it
  if ((name == "concat" && !args.empty()) || (name == "concat_ws" && !args.empty()))
    return bindConcat(name, std::move(args), location);
  auto found = catalog().find(name);
  if (found == catalog().end()) throw unknownFunction();
  const Candidate* candidate = selectCandidate(found->second, args);
  if (!candidate) throw unknownFunction();
  std::vector<BoundExprPtr> converted;
  for (size_t i = 0; i < args.size(); ++i)
    converted.push_back(convertArgument(args[i], candidate->params[i]));
  if (name == "mod") {
    // mod(a, b) is a % b, with the same errors.
    auto node = makeNode(BoundKind::Arith, candidate->result, location);
    node->name = "%";
    node->args = std::move(converted);
    return node;
  }
  SqlType result = candidate->result;
  if (name == "abs") result = converted[0]->type;
  if ((name == "substring" && args.size() == 3 && candidate->params[1] == TypeId::Text))
    throw Error(SqlState::FeatureNotSupported, "SIMILAR TO regular expressions are not supported",
                location + 1);
  // Aliases share one implementation.
  static const std::map<std::string, std::string> aliases = {
      {"substr", "substring"}, {"strpos", "position"},    {"ceiling", "ceil"},
      {"pow", "power"},        {"char_length", "length"}, {"character_length", "length"}};
  auto alias = aliases.find(name);
  std::string internal = alias == aliases.end() ? name : alias->second;
  if ((name == "upper" || name == "lower") && hasAsciiCollation(converted[0]))
    internal = "ascii_" + name;
  return functionNode(internal, result, location, std::move(converted));
}

BoundExprPtr bindRegexMatch(const std::string& op, BoundExprPtr a, BoundExprPtr b, int location) {
  for (auto* side : {&a, &b}) {
    if (isUnknownLiteral(*side) || (*side)->type.isString()) {
      *side = convertArgument(*side, TypeId::Text);
      continue;
    }
    throw Error(SqlState::UndefinedFunction, operatorText(op, a, b), location + 1)
        .withHint("No operator matches the given name and argument types. You might need to add "
                  "explicit type casts.");
  }
  return functionNode(op, SqlType::boolean(), location, {a, b});
}

BoundExprPtr bindCollate(BoundExprPtr arg, const std::vector<std::string>& names, int location) {
  if (isUnknownLiteral(arg)) arg = coerceLiteral(arg, kText);
  if (!arg->type.isString())
    throw Error(SqlState::DatatypeMismatch,
                "collations are not supported by type " + arg->type.name(), location + 1);
  const std::string& name = names.back();
  bool schemaOk = names.size() == 1 || (names.size() == 2 && names[0] == "pg_catalog");
  bool byteOrder = name == "default" || name == "C" || name == "POSIX" || name == "ucs_basic" ||
                   name == "C.utf8";
  if (schemaOk && byteOrder) {
    // Ordering is the same under all of them; only upper/lower differ (ASCII-only under the
    // libc "C" collations), so a marker node stays for them to see.
    auto node = functionNode("collate", arg->type, location, {arg});
    node->stringValue = name;
    return node;
  }
  std::string qualified;
  for (const auto& part : names)
    qualified += (qualified.empty() ? "" : ".") + part;
  if (schemaOk && name.size() > 6 && name.ends_with("-x-icu"))
    throw Error(SqlState::FeatureNotSupported, "collation \"" + qualified + "\" is not supported",
                location + 1);
  throw Error(SqlState::UndefinedObject,
              "collation \"" + qualified + "\" for encoding \"UTF8\" does not exist", location + 1);
}

} // namespace flern::planner
