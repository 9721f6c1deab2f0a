// Generation-time context shared by the physical operators: the builder, typed SQL values with
// their null flags, run-time state registration, and the helpers every operator needs (expression
// evaluation, hashing, row materialization).
#pragma once

#include "ir/builder.h"
#include "ir/expr.h"

#include <functional>
#include <map>
#include <memory>
#include <optional>

namespace flern::ir {

/// A SQL value during generation: the IR value (zero when null) and its null flag (i1).
struct SqlValue {
  Value value;
  Value isNull;
  SqlType type;
};
using Row = std::vector<SqlValue>;
/// What an operator hands each produced row to.
using ConsumeFn = std::function<void(const Row&)>;

/// The IR type that carries a SQL type in generated code.
Type irType(const SqlType& type);

/// Creates the run-time object behind a state slot when the query starts.
using StateFactory = std::function<std::shared_ptr<void>()>;

/// Fixed layout of a materialized row (hash-table payloads, sort rows).
struct RowLayout {
  std::vector<SqlType> types;
  std::vector<int64_t> valueOffsets;
  std::vector<int64_t> nullOffsets;
  int64_t size = 0;

  explicit RowLayout(std::vector<SqlType> types, int64_t headerBytes = 0);
};

class CodegenContext {
public:
  CodegenContext(Module& module, Function& function);

  Builder& b() { return *builders_.back(); }
  Module& module() { return module_; }

  /// Registers run-time state (created by `factory` at execution) and returns its slot pointer.
  Value state(const std::string& name, StateFactory factory);
  /// Registers state whose object the executor provides under `name` (tables, result sinks).
  Value externalState(const std::string& name);
  const std::map<std::string, StateFactory>& stateFactories() const { return factories_; }
  /// While set, state registered is recorded in `names` and its slot reloaded at each use: the
  /// code generated meanwhile runs repeatedly, with its state recreated in between.
  void setRecreatedStates(std::vector<std::string>* names) { recreated_ = names; }
  std::string uniqueName(const std::string& prefix);

  /// Emits a comparator function `i32 name(ptr left, ptr right)`; body gets both row pointers.
  void emitComparator(const std::string& name, const std::function<void(Value, Value)>& body);

  // Expression evaluation
  SqlValue eval(const BoundExpr& expr, const Row& row);
  SqlValue constant(const BoundExpr& expr);
  SqlValue cast(const SqlValue& value, const SqlType& to, bool explicitCast);
  std::optional<SqlValue> castFromText(const SqlValue& in, const SqlType& to);
  SqlValue castToText(const SqlValue& in, const SqlType& to, bool explicitCast);
  /// Three-way comparison of two non-null values of the same type (i32 -1/0/1).
  Value compareValues(const SqlValue& a, const SqlValue& b);
  /// Equality of two non-null values of the same type.
  Value equalValues(const SqlValue& a, const SqlValue& b);
  /// Hash of the given values (nulls hash as a constant).
  Value hashValues(const Row& values);
  /// The entry of hash table `table` whose first `keys.size()` fields equal `keys`, nulls equal
  /// to nulls (GROUP BY and UNION semantics), or null: a Ptr variable to load.
  Value findNullSafeEntry(Value table, Value hash, const RowLayout& layout, const Row& keys);
  /// True when the predicate value is true and not null.
  Value isTrue(const SqlValue& predicate);
  /// Converts a value to the representation of a (wider) same-family type: scale, width.
  SqlValue coerce(const SqlValue& value, const SqlType& to);
  /// The value that orders and equals like `value`: itself, or an interval's 30-day-month span.
  Value orderKey(const SqlValue& value);

  void storeRow(Value base, const RowLayout& layout, const Row& row);
  Row loadRow(Value base, const RowLayout& layout);
  SqlValue loadField(Value base, const RowLayout& layout, size_t index);
  /// The zero value of a type (what a null carries).
  Value zeroOf(const SqlType& type);
  /// `value` with its payload replaced by zero when `isNull`: a null's payload is whatever its
  /// producer left (an outer join's missing row, an expression over a null), and checked
  /// arithmetic or a range-checked cast must not raise on it.
  Value payloadUnlessNull(Value value, Value isNull, const SqlType& type);
  SqlValue nullValue(const SqlType& type);

private:
  SqlValue arith(const BoundExpr& expr, const Row& row);
  /// -a for a non-float value raises 22003 on overflow; a packed NUMERIC keeps its scale.
  Value negate(const SqlValue& a);
  SqlValue compare(const BoundExpr& expr, const Row& row);
  SqlValue logical(const BoundExpr& expr, const Row& row);
  SqlValue caseWhen(const BoundExpr& expr, const Row& row, size_t index);
  // Scalar builtins (codegen_functions.cpp, codegen_math.cpp)
  SqlValue function(const BoundExpr& expr, const Row& row);
  SqlValue coalesce(const BoundExpr& expr, const Row& row);
  SqlValue greatestLeast(const BoundExpr& expr, const Row& row);
  SqlValue concat(const BoundExpr& expr, const Row& row);
  SqlValue mathFunction(const BoundExpr& expr, const std::vector<SqlValue>& args);
  /// A compiled-pattern cache for one regular-expression call site (RegexCache state).
  Value regexCache(int flags);
  SqlValue predict(const BoundExpr& expr, const Row& row);
  Value rescale(Value value, int from, int to);
  // SMALLINT, REAL, TIMESTAMP[TZ] and INTERVAL (codegen_datetime.cpp).
  std::optional<SqlValue> castExtended(const SqlValue& in, const SqlType& to, bool explicitCast);
  SqlValue datetimeArith(const BoundExpr& expr, const SqlValue& a, const SqlValue& c, Value isNull);
  SqlValue float32Arith(char op, const SqlValue& a, const SqlValue& c, Value isNull);
  std::optional<SqlValue> datetimeFunction(const BoundExpr& expr, const Row& row);

  Module& module_;
  std::vector<std::unique_ptr<Builder>> builders_;
  std::map<std::string, StateFactory> factories_;
  std::vector<std::string>* recreated_ = nullptr;
  int nameCounter_ = 0;
};

} // namespace flern::ir
