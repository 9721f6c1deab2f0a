#include "ir/ops/hash_join.h"

#include "common/error.h"
#include "ir/runtime/query_context.h"

namespace flern::ir {

//===-- Construction ------------------------------------------------------------------------===//

namespace {

std::vector<SqlType> outputTypesOf(const PhysicalOperator& probe, const PhysicalOperator& build,
                                   HashJoinKind kind) {
  auto types = probe.outputTypes();
  switch (kind) {
  case HashJoinKind::Semi:
  case HashJoinKind::Anti:
    break;
  case HashJoinKind::Mark:
    types.push_back(SqlType::boolean());
    break;
  case HashJoinKind::Single:
    types.insert(types.end(), build.outputTypes().begin(), build.outputTypes().end());
    types.push_back(SqlType::boolean());
    break;
  default:
    types.insert(types.end(), build.outputTypes().begin(), build.outputTypes().end());
  }
  return types;
}

const char* kindName(HashJoinKind kind) {
  switch (kind) {
  case HashJoinKind::Inner:
    return "Hash Join";
  case HashJoinKind::Left:
    return "Hash Left Join";
  case HashJoinKind::Full:
    return "Hash Full Join";
  case HashJoinKind::Semi:
    return "Hash Semi Join";
  case HashJoinKind::Anti:
    return "Hash Anti Join";
  case HashJoinKind::Mark:
    return "Hash Mark Join";
  case HashJoinKind::Single:
    return "Hash Single Join";
  }
  return "Hash Join";
}

} // namespace

HashJoin::HashJoin(PhysicalOperatorPtr probe, PhysicalOperatorPtr build, HashJoinSpec spec)
    : PhysicalOperator(outputTypesOf(*probe, *build, spec.kind)), probe_(std::move(probe)),
      build_(std::move(build)), spec_(std::move(spec)) {
  spec_.nullSafe.resize(spec_.probeKeys.size(), false);
}

HashJoin::HashJoin(PhysicalOperatorPtr probe, PhysicalOperatorPtr build,
                   std::vector<BoundExprPtr> probeKeys, std::vector<BoundExprPtr> buildKeys)
    : HashJoin(std::move(probe), std::move(build), [&] {
        HashJoinSpec spec;
        spec.probeKeys = std::move(probeKeys);
        spec.buildKeys = std::move(buildKeys);
        return spec;
      }()) {}

std::string HashJoin::explain() const {
  std::string text = std::string(kindName(spec_.kind)) + ": ";
  for (size_t i = 0; i < spec_.probeKeys.size(); ++i)
    text += (i ? " AND " : "") + spec_.probeKeys[i]->toString() +
            (spec_.nullSafe[i] ? " IS NOT DISTINCT FROM build." : " = build.") +
            spec_.buildKeys[i]->toString();
  if (spec_.probeKeys.empty()) text += "true";
  if (spec_.residual) text += " AND " + spec_.residual->toString();
  if (spec_.markComparison) text += " MARK " + spec_.markComparison->toString();
  return text;
}

//===-- Build: the hash table over the build input ------------------------------------------===//

struct HashJoin::BuildState {
  RowLayout layout{{}};
  size_t buildWidth = 0;
  Value table;
  /// Mark joins decided from build-wide flags: i64 rows seen, i64 a null key seen.
  Value flags;
};

void HashJoin::emitBuild(CodegenContext& ctx, BuildState& state) const {
  Builder& b = ctx.b();
  // Payload: the build row, its evaluated keys (so probes compare without re-evaluating), and
  // for full joins whether a probe row matched it.
  std::vector<SqlType> payloadTypes = build_->outputTypes();
  for (const auto& key : spec_.buildKeys)
    payloadTypes.push_back(key->type);
  if (spec_.kind == HashJoinKind::Full) payloadTypes.push_back(SqlType::boolean());
  state.layout = RowLayout(payloadTypes);
  state.buildWidth = build_->outputTypes().size();
  state.table = ctx.state(ctx.uniqueName("join_ht"),
                          [size = state.layout.size] { return std::make_shared<HashTable>(size); });
  if (spec_.markOnLastKey)
    state.flags = ctx.state(ctx.uniqueName("join_flags"), [] {
      return std::shared_ptr<void>(new int64_t[2](),
                                   [](void* p) { delete[] static_cast<int64_t*>(p); });
    });

  build_->produce(ctx, [&](const Row& row) {
    Row keys;
    Value anyNull = b.constI1(false);
    for (size_t k = 0; k < spec_.buildKeys.size(); ++k) {
      keys.push_back(ctx.eval(*spec_.buildKeys[k], row));
      if (!spec_.nullSafe[k]) anyNull = b.logicalOr(anyNull, keys.back().isNull);
    }
    if (spec_.markOnLastKey) {
      b.store(state.flags, b.add(b.load(Type::I64, state.flags), b.constI64(1)));
      b.ifThen(keys.back().isNull, [&] { b.store(b.offset(state.flags, 8), b.constI64(1)); });
    }
    // A null key never joins; full joins still keep the row, to emit it unmatched.
    Value keep = spec_.kind == HashJoinKind::Full ? b.constI1(true) : b.logicalNot(anyNull);
    b.ifThen(keep, [&] {
      Value entry = b.emit(OpCode::HashTableInsert, Type::Ptr, {state.table, ctx.hashValues(keys)});
      Row stored = row;
      stored.insert(stored.end(), keys.begin(), keys.end());
      if (spec_.kind == HashJoinKind::Full)
        stored.push_back({b.constI1(false), b.constI1(false), SqlType::boolean()});
      ctx.storeRow(entry, state.layout, stored);
    });
  });
  b.emit(OpCode::HashTableBuild, Type::Void, {state.table});
}

//===-- Probe: inside the probe pipeline ----------------------------------------------------===//

Row HashJoin::nullRow(CodegenContext& ctx, const std::vector<SqlType>& types) const {
  Row row;
  for (const auto& type : types)
    row.push_back(ctx.nullValue(type));
  return row;
}

void HashJoin::emitProbe(CodegenContext& ctx, const BuildState& state,
                         const ConsumeFn& consume) const {
  Builder& b = ctx.b();
  const HashJoinKind kind = spec_.kind;
  const bool decidesAfterLoop = kind != HashJoinKind::Inner;
  probe_->produce(ctx, [&](const Row& row) {
    Value matched = b.var(Type::I1);
    b.store(matched, b.constI1(false));
    Value markUnknown = b.var(Type::I1);
    b.store(markUnknown, b.constI1(false));
    Row keys;
    Value anyNull = b.constI1(false);
    for (size_t k = 0; k < spec_.probeKeys.size(); ++k) {
      keys.push_back(ctx.eval(*spec_.probeKeys[k], row));
      if (!spec_.nullSafe[k]) anyNull = b.logicalOr(anyNull, keys.back().isNull);
    }
    b.ifThen(b.logicalNot(anyNull), [&] {
      Value hash = ctx.hashValues(keys);
      Value cursor = b.var(Type::Ptr);
      b.store(cursor, b.emit(OpCode::HashTableFind, Type::Ptr, {state.table, hash}));
      b.whileLoop(
          [&] { return b.compare(OpCode::Ne, b.load(Type::Ptr, cursor), b.nullPtr()); },
          [&] {
            Value entry = b.load(Type::Ptr, cursor);
            b.store(cursor, b.emit(OpCode::HashTableNext, Type::Ptr, {entry}));
            Value equal =
                b.compare(OpCode::Eq, b.emit(OpCode::HashTableHashOf, Type::I64, {entry}), hash);
            b.ifThen(equal, [&] {
              b.ifThen(keysEqual(ctx, state, entry, keys), [&] {
                Row combined = row;
                for (size_t c = 0; c < state.buildWidth; ++c)
                  combined.push_back(ctx.loadField(entry, state.layout, c));
                Value pass = spec_.residual ? ctx.isTrue(ctx.eval(*spec_.residual, combined))
                                            : b.constI1(true);
                b.ifThen(pass, [&] {
                  onMatch(ctx, state, entry, combined, matched, markUnknown, cursor, consume);
                });
              });
            });
          });
    });
    if (decidesAfterLoop) afterProbe(ctx, state, row, keys, matched, markUnknown, consume);
  });
}

void HashJoin::onMatch(CodegenContext& ctx, const BuildState& state, Value entry,
                       const Row& combined, Value matched, Value markUnknown, Value cursor,
                       const ConsumeFn& consume) const {
  Builder& b = ctx.b();
  switch (spec_.kind) {
  case HashJoinKind::Inner:
    consume(combined);
    return;
  case HashJoinKind::Left:
  case HashJoinKind::Full:
  case HashJoinKind::Single:
    internalError("outer joins are probed by emitOuterProbe");
  case HashJoinKind::Semi:
  case HashJoinKind::Anti:
    b.store(matched, b.constI1(true));
    b.store(cursor, b.nullPtr());
    return;
  case HashJoinKind::Mark: {
    if (!spec_.markComparison) {
      b.store(matched, b.constI1(true));
      b.store(cursor, b.nullPtr());
      return;
    }
    SqlValue result = ctx.eval(*spec_.markComparison, combined);
    b.ifThen(
        ctx.isTrue(result),
        [&] {
          b.store(matched, b.constI1(true));
          b.store(cursor, b.nullPtr());
        },
        [&] { b.ifThen(result.isNull, [&] { b.store(markUnknown, b.constI1(true)); }); });
    return;
  }
  }
}

void HashJoin::afterProbe(CodegenContext& ctx, const BuildState& state, const Row& row,
                          const Row& keys, Value matched, Value markUnknown,
                          const ConsumeFn& consume) const {
  Builder& b = ctx.b();
  Value wasMatched = b.load(Type::I1, matched);
  switch (spec_.kind) {
  case HashJoinKind::Semi:
    b.ifThen(wasMatched, [&] { consume(row); });
    return;
  case HashJoinKind::Anti:
    b.ifThen(b.logicalNot(wasMatched), [&] { consume(row); });
    return;
  case HashJoinKind::Mark: {
    Value unknown = b.load(Type::I1, markUnknown);
    if (spec_.markOnLastKey) {
      Value rows = b.load(Type::I64, state.flags);
      Value buildHasNull =
          b.compare(OpCode::Ne, b.load(Type::I64, b.offset(state.flags, 8)), b.constI64(0));
      Value probeNull =
          b.logicalAnd(keys.back().isNull, b.compare(OpCode::Gt, rows, b.constI64(0)));
      unknown = b.logicalOr(buildHasNull, probeNull);
    }
    unknown = b.logicalAnd(b.logicalNot(wasMatched), unknown);
    Row out = row;
    out.push_back({wasMatched, unknown, SqlType::boolean()});
    consume(out);
    return;
  }
  default:
    return;
  }
}

//===-- Outer and single joins: one consumer for matched and padded rows ----------------===//

// A left, full or single join emits a probe row with each match, or once with nulls when
// nothing matched. Both cases go through one call of `consume`: calling it twice would
// generate the consumer's code twice per join, doubling the program with every outer join of a
// query.
void HashJoin::emitOuterProbe(CodegenContext& ctx, const BuildState& state,
                              const ConsumeFn& consume) const {
  Builder& b = ctx.b();
  const HashJoinKind kind = spec_.kind;
  Value zeroRow = ctx.state(ctx.uniqueName("join_null_row"), [size = state.layout.size] {
    return std::shared_ptr<void>(new char[size](), [](void* p) { delete[] static_cast<char*>(p); });
  });
  probe_->produce(ctx, [&](const Row& row) {
    Value matched = b.var(Type::I1);
    b.store(matched, b.constI1(false));
    Row keys;
    Value anyNull = b.constI1(false);
    for (size_t k = 0; k < spec_.probeKeys.size(); ++k) {
      keys.push_back(ctx.eval(*spec_.probeKeys[k], row));
      if (!spec_.nullSafe[k]) anyNull = b.logicalOr(anyNull, keys.back().isNull);
    }
    Value hash = ctx.hashValues(keys);
    Value cursor = b.var(Type::Ptr);
    b.store(cursor, b.nullPtr());
    b.ifThen(b.logicalNot(anyNull), [&] {
      b.store(cursor, b.emit(OpCode::HashTableFind, Type::Ptr, {state.table, hash}));
    });
    Value searching = b.var(Type::I1);
    b.store(searching, b.constI1(true));
    b.whileLoop(
        [&] { return b.load(Type::I1, searching); },
        [&] {
          // The next entry that matches the keys and the residual condition, or null.
          Value found = b.var(Type::Ptr);
          b.store(found, b.nullPtr());
          b.whileLoop(
              [&] {
                return b.logicalAnd(b.compare(OpCode::Ne, b.load(Type::Ptr, cursor), b.nullPtr()),
                                    b.compare(OpCode::Eq, b.load(Type::Ptr, found), b.nullPtr()));
              },
              [&] {
                Value entry = b.load(Type::Ptr, cursor);
                b.store(cursor, b.emit(OpCode::HashTableNext, Type::Ptr, {entry}));
                Value same = b.compare(OpCode::Eq,
                                       b.emit(OpCode::HashTableHashOf, Type::I64, {entry}), hash);
                b.ifThen(same, [&] {
                  Value equal = keysEqual(ctx, state, entry, keys);
                  b.ifThen(equal, [&] {
                    Row combined = row;
                    for (size_t c = 0; c < state.buildWidth; ++c)
                      combined.push_back(ctx.loadField(entry, state.layout, c));
                    Value pass = spec_.residual ? ctx.isTrue(ctx.eval(*spec_.residual, combined))
                                                : b.constI1(true);
                    b.ifThen(pass, [&] { b.store(found, entry); });
                  });
                });
              });
          Value entry = b.load(Type::Ptr, found);
          Value hit = b.compare(OpCode::Ne, entry, b.nullPtr());
          Value padded = b.logicalAnd(b.logicalNot(hit), b.logicalNot(b.load(Type::I1, matched)));
          b.store(searching, hit);
          b.ifThen(b.logicalOr(hit, padded), [&] {
            if (kind == HashJoinKind::Single)
              b.ifThen(b.logicalAnd(hit, b.load(Type::I1, matched)), [&] {
                b.raise("21000", "more than one row returned by a subquery used as an expression");
              });
            if (kind == HashJoinKind::Full)
              b.ifThen(hit, [&] {
                b.store(b.offset(entry, state.layout.valueOffsets.back()), b.constI8(1));
              });
            b.store(matched, b.constI1(true));
            Value source = b.select(hit, entry, zeroRow);
            Row out = row;
            for (size_t c = 0; c < state.buildWidth; ++c) {
              SqlValue field = ctx.loadField(source, state.layout, c);
              field.isNull = b.logicalOr(field.isNull, padded);
              out.push_back(field);
            }
            if (kind == HashJoinKind::Single)
              out.push_back({hit, b.constI1(false), SqlType::boolean()});
            consume(out);
          });
        });
  });
}

Value HashJoin::keysEqual(CodegenContext& ctx, const BuildState& state, Value entry,
                          const Row& keys) const {
  Builder& b = ctx.b();
  Value same = b.constI1(true);
  for (size_t k = 0; k < keys.size(); ++k) {
    SqlValue stored = ctx.loadField(entry, state.layout, state.buildWidth + k);
    Value values =
        b.logicalAnd(b.logicalNot(keys[k].isNull),
                     b.logicalAnd(b.logicalNot(stored.isNull), ctx.equalValues(keys[k], stored)));
    if (spec_.nullSafe[k])
      values = b.logicalOr(values, b.logicalAnd(keys[k].isNull, stored.isNull));
    same = b.logicalAnd(same, values);
  }
  return same;
}

//===-- Full joins: build rows no probe row matched -----------------------------------------===//

void HashJoin::emitUnmatchedBuildRows(CodegenContext& ctx, const BuildState& state,
                                      const ConsumeFn& consume) const {
  Builder& b = ctx.b();
  size_t flagField = state.layout.types.size() - 1;
  Value entries = b.emit(OpCode::HashTableSize, Type::I64, {state.table});
  b.forRange(b.constI64(0), entries, [&](Value i) {
    Value entry = b.emit(OpCode::HashTableEntryAt, Type::Ptr, {state.table, i});
    SqlValue wasMatched = ctx.loadField(entry, state.layout, flagField);
    b.ifThen(b.logicalNot(wasMatched.value), [&] {
      Row out = nullRow(ctx, probe_->outputTypes());
      for (size_t c = 0; c < state.buildWidth; ++c)
        out.push_back(ctx.loadField(entry, state.layout, c));
      consume(out);
    });
  });
}

void HashJoin::produce(CodegenContext& ctx, const ConsumeFn& consume) const {
  BuildState state;
  emitBuild(ctx, state);
  if (spec_.kind == HashJoinKind::Left || spec_.kind == HashJoinKind::Full ||
      spec_.kind == HashJoinKind::Single)
    emitOuterProbe(ctx, state, consume);
  else
    emitProbe(ctx, state, consume);
  if (spec_.kind == HashJoinKind::Full) emitUnmatchedBuildRows(ctx, state, consume);
}

} // namespace flern::ir
