// Code generation of scalar builtin calls (bound by planner/function_binder.cpp): conditional
// functions inline, string functions as calls of ir/runtime/string_functions.cpp, math inline or
// through ir/runtime/math_functions.cpp, regular expressions through a per-call-site cache.
#include "common/error.h"
#include "ir/codegen.h"
#include "ir/codegen_util.h"
#include "ir/runtime/regex.h"

#include <map>

namespace flern::ir {

namespace {

/// A strict call: null when any argument is null, else `compute` (run only for non-null input,
/// so runtime functions never see the zero a null carries).
template <typename Fn>
SqlValue strict(CodegenContext& ctx, const std::vector<SqlValue>& args, const SqlType& type,
                Fn compute) {
  Builder& b = ctx.b();
  Value isNull = b.constI1(false);
  for (const auto& arg : args)
    isNull = b.logicalOr(isNull, arg.isNull);
  return {guarded(ctx, isNull, irType(type), ctx.zeroOf(type), compute), isNull, type};
}

/// Runtime string functions: SQL name -> (symbol, takes the query context for its memory).
struct StringCall {
  const char* symbol;
  bool needsContext;
};
const std::map<std::string, StringCall>& stringCalls() {
  static const std::map<std::string, StringCall> calls = {
      {"upper", {"flern_rt_str_upper", true}},
      {"lower", {"flern_rt_str_lower", true}},
      {"ascii_upper", {"flern_rt_str_ascii_upper", true}},
      {"ascii_lower", {"flern_rt_str_ascii_lower", true}},
      {"btrim", {"flern_rt_str_btrim", false}},
      {"ltrim", {"flern_rt_str_ltrim", false}},
      {"rtrim", {"flern_rt_str_rtrim", false}},
      {"replace", {"flern_rt_str_replace", true}},
      {"split_part", {"flern_rt_str_split_part", true}},
      {"left", {"flern_rt_str_left", false}},
      {"right", {"flern_rt_str_right", false}},
      {"lpad", {"flern_rt_str_lpad", true}},
      {"rpad", {"flern_rt_str_rpad", true}},
      {"reverse", {"flern_rt_str_reverse", true}},
      {"repeat", {"flern_rt_str_repeat", true}},
  };
  return calls;
}

/// Arguments as runtime calls take them: integers widened to i64.
std::vector<Value> callArguments(Builder& b, const std::vector<SqlValue>& args) {
  std::vector<Value> values;
  for (const auto& arg : args)
    values.push_back(arg.value.type == Type::I32 ? b.cast(arg.value, Type::I64) : arg.value);
  return values;
}

} // namespace

Value CodegenContext::regexCache(int flags) {
  return state(uniqueName("regex"), [flags] { return std::make_shared<RegexCache>(flags); });
}

SqlValue CodegenContext::function(const BoundExpr& expr, const Row& row) {
  Builder& b = this->b();
  const std::string& name = expr.name;
  if (name == "coalesce") return coalesce(expr, row);
  if (name == "collate") return eval(*expr.args[0], row); // a marker for upper/lower
  if (name == "greatest" || name == "least") return greatestLeast(expr, row);
  if (name == "concat" || name == "concat_ws") return concat(expr, row);
  if (auto datetime = datetimeFunction(expr, row)) return *datetime;
  std::vector<SqlValue> args;
  for (const auto& arg : expr.args)
    args.push_back(eval(*arg, row));
  const SqlValue& a = args[0];
  if (name == "nullif") {
    const SqlValue& c = args[1];
    Value equal = b.logicalAnd(b.logicalNot(b.logicalOr(a.isNull, c.isNull)), equalValues(a, c));
    return {b.select(equal, zeroOf(a.type), a.value), b.logicalOr(a.isNull, equal), expr.type};
  }
  if (name == "abs" && a.type.id == TypeId::Float32)
    return {b.call("llvm.fabs.f32", Type::F32, {a.value}), a.isNull, expr.type};
  if (a.type.isNumericLike()) return mathFunction(expr, args);
  if (name == "length" || name == "octet_length") {
    const char* symbol = name == "length" ? "flern_rt_str_length" : "flern_rt_str_octet_length";
    return {b.cast(b.call(symbol, Type::I64, {a.value}), Type::I32), a.isNull, expr.type};
  }
  auto call = stringCalls().find(name);
  if (call != stringCalls().end()) {
    return strict(*this, args, expr.type, [&] {
      std::vector<Value> values = callArguments(b, args);
      if (call->second.needsContext) values.insert(values.begin(), b.context());
      // Functions with an optional last argument get its default here.
      if ((name == "btrim" || name == "ltrim" || name == "rtrim") && args.size() == 1)
        values.push_back(b.constStr(" "));
      if ((name == "lpad" || name == "rpad") && args.size() == 2) values.push_back(b.constStr(" "));
      return b.call(call->second.symbol, irType(expr.type), values);
    });
  }
  if (name == "substring" && args[1].type.id == TypeId::Int32) {
    return strict(*this, args, expr.type, [&] {
      bool hasCount = args.size() == 3;
      return b.call("flern_rt_str_substring", Type::Str,
                    {b.context(), a.value, b.cast(args[1].value, Type::I64),
                     hasCount ? b.cast(args[2].value, Type::I64) : b.constI64(0),
                     b.constI32(hasCount)});
    });
  }
  if (name == "position" || name == "starts_with") {
    bool position = name == "position";
    return strict(*this, args, expr.type, [&] {
      Value v = b.call(position ? "flern_rt_str_position" : "flern_rt_str_starts_with",
                       position ? Type::I64 : Type::I32, {a.value, args[1].value});
      return position ? b.cast(v, Type::I32) : b.compare(OpCode::Ne, v, b.constI32(0));
    });
  }
  if (name == "~" || name == "~*" || name == "!~" || name == "!~*") {
    Value cache = regexCache(name.find('*') != std::string::npos ? kRegexCaseInsensitive : 0);
    SqlValue match = strict(*this, args, expr.type, [&] {
      return b.compare(
          OpCode::Ne,
          b.call("flern_rt_regex_match", Type::I32, {b.context(), cache, a.value, args[1].value}),
          b.constI32(0));
    });
    if (name[0] == '!')
      match.value = b.logicalAnd(b.logicalNot(match.value), b.logicalNot(match.isNull));
    return match;
  }
  if (name == "regexp_replace") {
    Value cache = regexCache(0);
    return strict(*this, args, expr.type, [&] {
      return b.call("flern_rt_regexp_replace", Type::Str,
                    {b.context(), cache, a.value, args[1].value, args[2].value,
                     args.size() == 4 ? args[3].value : b.constStr("")});
    });
  }
  if (name == "substring") { // substring(text from pattern): NULL when the pattern does not match
    Value cache = regexCache(0);
    Value out = b.var(Type::Str);
    b.store(out, b.constStr(""));
    SqlValue found = strict(*this, args, SqlType::boolean(), [&] {
      return b.compare(OpCode::Ne,
                       b.call("flern_rt_regex_substring", Type::I32,
                              {b.context(), cache, a.value, args[1].value, out}),
                       b.constI32(0));
    });
    return {b.load(Type::Str, out), b.logicalNot(found.value), expr.type};
  }
  internalError("unknown function " + name);
}

SqlValue CodegenContext::coalesce(const BoundExpr& expr, const Row& row) {
  Builder& b = this->b();
  Type type = irType(expr.type);
  Value valueSlot = b.var(type);
  Value nullSlot = b.var(Type::I1);
  // Later arguments are evaluated only when the earlier ones are null.
  std::function<void(size_t)> emitFrom = [&](size_t i) {
    SqlValue arg = coerce(eval(*expr.args[i], row), expr.type);
    b.store(valueSlot, arg.value);
    b.store(nullSlot, arg.isNull);
    if (i + 1 < expr.args.size()) b.ifThen(arg.isNull, [&] { emitFrom(i + 1); });
  };
  emitFrom(0);
  return {b.load(type, valueSlot), b.load(Type::I1, nullSlot), expr.type};
}

SqlValue CodegenContext::greatestLeast(const BoundExpr& expr, const Row& row) {
  // NULL arguments are ignored; the result is NULL only when all are.
  Builder& b = this->b();
  Type type = irType(expr.type);
  Value valueSlot = b.var(type);
  Value nullSlot = b.var(Type::I1);
  b.store(valueSlot, zeroOf(expr.type));
  b.store(nullSlot, b.constI1(true));
  bool greatest = expr.name == "greatest";
  for (const auto& argExpr : expr.args) {
    SqlValue arg = coerce(eval(*argExpr, row), expr.type);
    b.ifThen(b.logicalNot(arg.isNull), [&] {
      SqlValue current{b.load(type, valueSlot), b.constI1(false), expr.type};
      Value order = compareValues(arg, current);
      Value better = b.compare(greatest ? OpCode::Gt : OpCode::Lt, order, b.constI32(0));
      Value take = b.logicalOr(b.load(Type::I1, nullSlot), better);
      b.store(valueSlot, b.select(take, arg.value, current.value));
      b.store(nullSlot, b.constI1(false));
    });
  }
  return {b.load(type, valueSlot), b.load(Type::I1, nullSlot), expr.type};
}

SqlValue CodegenContext::concat(const BoundExpr& expr, const Row& row) {
  // Arguments are already text (the binder converted them); NULLs are skipped. concat_ws puts
  // its first argument between the non-null others and is NULL when that separator is.
  Builder& b = this->b();
  bool withSeparator = expr.name == "concat_ws";
  SqlValue separator;
  size_t first = 0;
  if (withSeparator) {
    separator = eval(*expr.args[0], row);
    first = 1;
  }
  Value acc = b.var(Type::Str);
  Value any = b.var(Type::I1);
  b.store(acc, b.constStr(""));
  b.store(any, b.constI1(false));
  auto append = [&](Value piece) {
    b.store(acc,
            b.call("flern_rt_str_concat", Type::Str, {b.context(), b.load(Type::Str, acc), piece}));
  };
  auto body = [&] {
    for (size_t i = first; i < expr.args.size(); ++i) {
      SqlValue arg = eval(*expr.args[i], row);
      b.ifThen(b.logicalNot(arg.isNull), [&] {
        if (withSeparator) b.ifThen(b.load(Type::I1, any), [&] { append(separator.value); });
        append(arg.value);
        b.store(any, b.constI1(true));
      });
    }
  };
  if (withSeparator)
    b.ifThen(b.logicalNot(separator.isNull), body);
  else
    body();
  Value isNull = withSeparator ? separator.isNull : b.constI1(false);
  return {b.load(Type::Str, acc), isNull, expr.type};
}

} // namespace flern::ir
