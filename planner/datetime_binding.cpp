#include "planner/datetime_binding.h"

#include "common/datetime.h"
#include "common/error.h"
#include "planner/binder.h"

#include <chrono>
#include <cmath>

namespace flern::planner {

using ir::BoundExpr;
using ir::BoundExprPtr;
using ir::BoundKind;

namespace {

std::shared_ptr<BoundExpr> makeConstant(SqlType type, int location) {
  return makeNode(BoundKind::Constant, type, location);
}

bool isTimestamp(TypeId id) {
  return id == TypeId::Timestamp || id == TypeId::TimestampTz;
}

bool isConstant(const BoundExprPtr& expr) {
  return expr->kind == BoundKind::Constant && expr->type.id != TypeId::Unknown;
}

/// The unit written as the first argument of extract/date_part/date_trunc.
std::string unitText(const BoundExprPtr& arg, const std::string& function) {
  if (arg->kind != BoundKind::Constant || arg->isNull ||
      !(arg->type.isString() || arg->type.id == TypeId::Unknown))
    throw Error(SqlState::FeatureNotSupported,
                function + " with a unit that is not a constant string is not supported",
                arg->location + 1);
  return arg->stringValue;
}

BoundExprPtr fieldConstant(int field) {
  auto node = makeConstant(SqlType::int32(), -1);
  node->intValue = field;
  return node;
}

__int128 wideValue(const BoundExpr& constant) {
  return constant.type.id == TypeId::Interval ? constant.numericValue
                                              : static_cast<__int128>(constant.intValue);
}

bool isTruncUnit(int field) {
  auto f = static_cast<DateField>(field);
  return field >= 0 && f != DateField::Dow && f != DateField::IsoDow && f != DateField::Doy &&
         f != DateField::IsoYear && f != DateField::Epoch && f != DateField::Julian &&
         f != DateField::Timezone;
}

} // namespace

int64_t Binder::statementTime() {
  if (!statementTime_) {
    using namespace std::chrono;
    int64_t unixMicros =
        duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
    statementTime_ = unixMicros - static_cast<int64_t>(10957) * kUsecPerDay;
  }
  return *statementTime_;
}

std::optional<SqlType> bindExtendedTypeName(const ast::TypeName& type) {
  const std::string& name = type.name;
  if (name == "int2" || name == "smallint") return SqlType::int16();
  if (name == "float4" || name == "real") return SqlType::float32();
  bool timestamp = name == "timestamp", timestamptz = name == "timestamptz";
  if (timestamp || timestamptz) {
    if (!type.modifiers.empty())
      throw Error(SqlState::FeatureNotSupported, "timestamp precision modifiers are not supported",
                  type.location + 1);
    return timestamp ? SqlType::timestamp() : SqlType::timestamptz();
  }
  if (name == "interval") {
    constexpr int kFullRange = 0x7FFF, kFullPrecision = 0xFFFF;
    int fields = type.modifiers.empty() ? 0 : type.modifiers[0];
    if (type.modifiers.size() > 1 && type.modifiers[1] != kFullPrecision)
      throw Error(SqlState::FeatureNotSupported, "interval precision is not supported",
                  type.location + 1);
    return SqlType::interval(fields == kFullRange ? 0 : fields);
  }
  return std::nullopt;
}

std::optional<SqlType> datetimeCommonType(const SqlType& a, const SqlType& b) {
  if (!a.isDateTime() || !b.isDateTime()) return std::nullopt;
  if (a.id == TypeId::TimestampTz || b.id == TypeId::TimestampTz) return SqlType::timestamptz();
  return SqlType::timestamp();
}

BoundExprPtr negateInterval(const BoundExprPtr& arg, int location) {
  auto node = makeNode(BoundKind::Negate, SqlType::interval(), location);
  node->args.push_back(arg);
  return foldDatetime(node);
}

BoundExprPtr bindDatetimeArith(const std::string& op, BoundExprPtr a, BoundExprPtr b,
                               int location) {
  TypeId ta = a->type.id, tb = b->type.id;
  auto involved = [](TypeId id) { return isTimestamp(id) || id == TypeId::Interval; };
  if (!involved(ta) && !involved(tb)) return nullptr;
  // An untyped literal next to a timestamp is an interval for +, the same type for -.
  if (isUnknownLiteral(a) && !isUnknownLiteral(b))
    a = coerceLiteral(a, tb == TypeId::Interval || op != "-" ? SqlType::interval() : b->type);
  if (isUnknownLiteral(b) && !isUnknownLiteral(a))
    b = coerceLiteral(b, ta == TypeId::Interval || op != "-" ? SqlType::interval() : a->type);
  ta = a->type.id;
  tb = b->type.id;
  auto make = [&](SqlType type, BoundExprPtr left, BoundExprPtr right) {
    auto node = makeNode(BoundKind::Arith, type, location);
    node->name = op;
    node->args = {std::move(left), std::move(right)};
    return foldDatetime(node);
  };
  auto asTimestamp = [](const BoundExprPtr& e) {
    return e->type.id == TypeId::Date ? implicitCast(e, SqlType::timestamp()) : e;
  };
  bool additive = op == "+" || op == "-";
  if ((isTimestamp(ta) || ta == TypeId::Date) && tb == TypeId::Interval && additive) {
    BoundExprPtr left = asTimestamp(a);
    return make(left->type, left, b);
  }
  if (ta == TypeId::Interval && (isTimestamp(tb) || tb == TypeId::Date) && op == "+") {
    BoundExprPtr right = asTimestamp(b);
    return make(right->type, right, a);
  }
  if ((isTimestamp(ta) || ta == TypeId::Date) && (isTimestamp(tb) || tb == TypeId::Date) &&
      op == "-") {
    SqlType common = *datetimeCommonType(a->type, b->type);
    return make(SqlType::interval(), implicitCast(a, common), implicitCast(b, common));
  }
  if (ta == TypeId::Interval && tb == TypeId::Interval && additive)
    return make(SqlType::interval(), a, b);
  if (ta == TypeId::Interval && numericRank(tb) && (op == "*" || op == "/"))
    return make(SqlType::interval(), a, implicitCast(b, SqlType::float64()));
  if (numericRank(ta) && tb == TypeId::Interval && op == "*")
    return make(SqlType::interval(), b, implicitCast(a, SqlType::float64()));
  return nullptr;
}

BoundExprPtr compareDateWithMidnight(const std::string& op, const BoundExprPtr& a,
                                     const BoundExprPtr& b, int location) {
  auto midnight = [](const BoundExprPtr& e) {
    return isConstant(e) && !e->isNull && isTimestamp(e->type.id) && e->intValue % kUsecPerDay == 0;
  };
  BoundExprPtr date, constant;
  if (a->type.id == TypeId::Date && midnight(b)) {
    date = a;
    constant = b;
  } else if (b->type.id == TypeId::Date && midnight(a)) {
    date = b;
    constant = a;
  } else {
    return nullptr;
  }
  auto day = makeConstant(SqlType::date(), constant->location);
  day->intValue = timestampToDate(constant->intValue);
  auto node = makeNode(BoundKind::Compare, SqlType::boolean(), location);
  node->name = op;
  node->args =
      date == a ? std::vector<BoundExprPtr>{date, day} : std::vector<BoundExprPtr>{day, date};
  return node;
}

bool isDatetimeFunction(const std::string& name) {
  return name == "extract" || name == "date_part" || name == "date_trunc" || name == "now" ||
         name == "current_timestamp" || name == "current_date" || name == "localtimestamp" ||
         name == "transaction_timestamp" || name == "statement_timestamp" || name == "make_date" ||
         name == "to_char";
}

BoundExprPtr bindDatetimeFunction(const std::string& name, std::vector<BoundExprPtr>& args,
                                  int location, int64_t statementTime) {
  if (!isDatetimeFunction(name)) return nullptr;
  if (name == "now" || name == "current_timestamp" || name == "transaction_timestamp" ||
      name == "statement_timestamp" || name == "localtimestamp" || name == "current_date") {
    if (!args.empty()) return nullptr;
    SqlType type = name == "current_date"     ? SqlType::date()
                   : name == "localtimestamp" ? SqlType::timestamp()
                                              : SqlType::timestamptz();
    auto node = makeConstant(type, location);
    node->intValue = type.id == TypeId::Date ? timestampToDate(statementTime) : statementTime;
    return node;
  }
  auto make = [&](SqlType type, std::vector<BoundExprPtr> callArgs) {
    auto node = makeNode(BoundKind::Function, type, location);
    node->name = name;
    node->args = std::move(callArgs);
    return foldDatetime(node);
  };
  if (name == "make_date") {
    if (args.size() != 3) return nullptr;
    for (auto& arg : args) {
      if (isUnknownLiteral(arg)) arg = coerceLiteral(arg, SqlType::int32());
      if (arg->type.id != TypeId::Int32 && arg->type.id != TypeId::Int16) return nullptr;
      arg = implicitCast(arg, SqlType::int32());
    }
    return make(SqlType::date(), args);
  }
  if (name == "to_char") {
    if (args.size() != 2) return nullptr;
    if (numericRank(args[0]->type.id))
      throw Error(SqlState::FeatureNotSupported, "to_char for numbers is not supported",
                  location + 1);
    if (isUnknownLiteral(args[1])) args[1] = coerceLiteral(args[1], SqlType::text());
    if (!args[1]->type.isString()) return nullptr;
    BoundExprPtr value = args[0];
    if (value->type.id == TypeId::Date) value = implicitCast(value, SqlType::timestamptz());
    if (!isTimestamp(value->type.id)) return nullptr;
    return make(SqlType::text(), {value, implicitCast(args[1], SqlType::text())});
  }
  // extract(field from x), date_part('field', x), date_trunc('unit', x)
  if (args.size() != 2) return nullptr;
  BoundExprPtr value = args[1];
  TypeId id = value->type.id;
  if (!(value->type.isDateTime() || id == TypeId::Interval)) return nullptr;
  std::string unit = unitText(args[0], name);
  int field = dateFieldCode(unit);
  if (name == "date_trunc") {
    if (id == TypeId::Date) value = implicitCast(value, SqlType::timestamptz());
    if (!isTruncUnit(field))
      throw Error(SqlState::InvalidParameterValue,
                  "unit \"" + unit + "\" not recognized for type " + value->type.name());
    return make(value->type, {fieldConstant(field), value});
  }
  if (name == "date_part" && id == TypeId::Date) value = implicitCast(value, SqlType::timestamp());
  char kind = datetimeKindCode(value->type.id);
  checkExtractField(field, kind, unit, value->type.name());
  if (name == "date_part") return make(SqlType::float64(), {fieldConstant(field), value});
  return make(SqlType::numeric(0, extractScale(field, kind)), {fieldConstant(field), value});
}

//===-- Folding -------------------------------------------------------------------------------===//

namespace {

/// The folded value of a date/time node whose arguments are all non-null constants.
BoundExprPtr evaluate(const BoundExpr& node) {
  auto out = makeConstant(node.type, node.location);
  const auto& args = node.args;
  TypeId to = node.type.id;
  switch (node.kind) {
  case BoundKind::Cast: {
    TypeId from = args[0]->type.id;
    if (from == TypeId::Date && isTimestamp(to))
      out->intValue = dateToTimestamp(static_cast<int32_t>(args[0]->intValue));
    else if (isTimestamp(from) && to == TypeId::Date)
      out->intValue = timestampToDate(args[0]->intValue);
    else if (isTimestamp(from) && isTimestamp(to))
      out->intValue = args[0]->intValue;
    else
      return nullptr;
    return out;
  }
  case BoundKind::Negate:
    out->numericValue = packInterval(intervalNegate(unpackInterval(args[0]->numericValue)));
    return out;
  case BoundKind::Arith: {
    const BoundExpr& a = *args[0];
    const BoundExpr& b = *args[1];
    int sign = node.name == "-" ? -1 : 1;
    if (isTimestamp(a.type.id) && b.type.id == TypeId::Interval) {
      Interval span = unpackInterval(b.numericValue);
      out->intValue = timestampPlusInterval(a.intValue, sign < 0 ? intervalNegate(span) : span);
    } else if (isTimestamp(a.type.id) && isTimestamp(b.type.id)) {
      out->numericValue = packInterval(timestampDifference(a.intValue, b.intValue));
    } else if (a.type.id == TypeId::Interval && b.type.id == TypeId::Interval) {
      Interval right = unpackInterval(b.numericValue);
      out->numericValue = packInterval(
          intervalAdd(unpackInterval(a.numericValue), sign < 0 ? intervalNegate(right) : right));
    } else if (a.type.id == TypeId::Interval && b.type.id == TypeId::Float64) {
      Interval left = unpackInterval(a.numericValue);
      out->numericValue = packInterval(node.name == "/" ? intervalDivide(left, b.floatValue)
                                                        : intervalMultiply(left, b.floatValue));
    } else {
      return nullptr;
    }
    return out;
  }
  case BoundKind::Function: {
    const std::string& name = node.name;
    if (name == "make_date") {
      out->intValue =
          makeDate(static_cast<int>(args[0]->intValue), static_cast<int>(args[1]->intValue),
                   static_cast<int>(args[2]->intValue));
      return out;
    }
    if (name == "to_char") {
      out->stringValue = formatWithTemplate(args[0]->intValue, args[1]->stringValue,
                                            args[0]->type.id == TypeId::TimestampTz);
      return out;
    }
    int field = static_cast<int>(args[0]->intValue);
    const BoundExpr& value = *args[1];
    if (name == "date_trunc") {
      if (value.type.id == TypeId::Interval)
        out->numericValue =
            packInterval(truncateInterval(field, unpackInterval(value.numericValue)));
      else
        out->intValue = truncateTimestamp(field, value.intValue);
      return out;
    }
    int scale;
    __int128 scaled = extractField(field, datetimeKindCode(value.type.id), wideValue(value), scale);
    if (name == "extract")
      out->numericValue = scaled;
    else
      out->floatValue = static_cast<double>(scaled) / std::pow(10.0, scale);
    return out;
  }
  default:
    return nullptr;
  }
}

} // namespace

BoundExprPtr foldDatetime(BoundExprPtr node) {
  if (node->kind != BoundKind::Cast && node->kind != BoundKind::Arith &&
      node->kind != BoundKind::Negate && node->kind != BoundKind::Function)
    return node;
  bool datetime = node->type.isDateTime() || node->type.id == TypeId::Interval ||
                  (node->kind == BoundKind::Function && isDatetimeFunction(node->name));
  for (const auto& arg : node->args) {
    if (!isConstant(arg)) return node;
    datetime = datetime || arg->type.isDateTime() || arg->type.id == TypeId::Interval;
  }
  if (!datetime) return node;
  if (node->kind == BoundKind::Function && !isDatetimeFunction(node->name)) return node;
  for (const auto& arg : node->args)
    if (arg->isNull) {
      auto null = makeConstant(node->type, node->location);
      null->isNull = true;
      return null;
    }
  BoundExprPtr folded = evaluate(*node);
  return folded ? folded : node;
}

} // namespace flern::planner
