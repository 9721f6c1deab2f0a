#include "ir/ops/hash_join.h"

#include "ir/runtime/query_context.h"

namespace flern::ir {

//===-- Construction ------------------------------------------------------------------------===//

static std::vector<SqlType> concatTypes(const PhysicalOperator& left,
                                        const PhysicalOperator& right) {
  auto types = left.outputTypes();
  types.insert(types.end(), right.outputTypes().begin(), right.outputTypes().end());
  return types;
}

HashJoin::HashJoin(PhysicalOperatorPtr probe, PhysicalOperatorPtr build,
                   std::vector<BoundExprPtr> probeKeys, std::vector<BoundExprPtr> buildKeys)
    : PhysicalOperator(concatTypes(*probe, *build)), probe_(std::move(probe)),
      build_(std::move(build)), probeKeys_(std::move(probeKeys)), buildKeys_(std::move(buildKeys)) {
}

std::string HashJoin::explain() const {
  std::string text = "Hash Join: ";
  for (size_t i = 0; i < probeKeys_.size(); ++i)
    text +=
        (i ? " AND " : "") + probeKeys_[i]->toString() + " = build." + buildKeys_[i]->toString();
  return text;
}

//===-- Produce: build the hash table, then probe it from the left pipeline -----------------===//

void HashJoin::produce(CodegenContext& ctx, const ConsumeFn& consume) const {
  Builder& b = ctx.b();
  // Payload: the build row, then its evaluated keys (so probes compare without re-evaluating).
  std::vector<SqlType> payloadTypes = build_->outputTypes();
  for (const auto& key : buildKeys_)
    payloadTypes.push_back(key->type);
  RowLayout layout(payloadTypes);
  const size_t buildWidth = build_->outputTypes().size();
  Value table = ctx.state(ctx.uniqueName("join_ht"),
                          [size = layout.size] { return std::make_shared<HashTable>(size); });

  build_->produce(ctx, [&](const Row& row) {
    Row keys;
    Value anyNull = b.constI1(false);
    for (const auto& key : buildKeys_) {
      keys.push_back(ctx.eval(*key, row));
      anyNull = b.logicalOr(anyNull, keys.back().isNull);
    }
    // A null key never joins: leave the row out of the table.
    b.ifThen(b.logicalNot(anyNull), [&] {
      Value entry = b.emit(OpCode::HashTableInsert, Type::Ptr, {table, ctx.hashValues(keys)});
      Row stored = row;
      stored.insert(stored.end(), keys.begin(), keys.end());
      ctx.storeRow(entry, layout, stored);
    });
  });
  b.emit(OpCode::HashTableBuild, Type::Void, {table});

  probe_->produce(ctx, [&](const Row& row) {
    Row keys;
    Value anyNull = b.constI1(false);
    for (const auto& key : probeKeys_) {
      keys.push_back(ctx.eval(*key, row));
      anyNull = b.logicalOr(anyNull, keys.back().isNull);
    }
    b.ifThen(b.logicalNot(anyNull), [&] {
      Value hash = ctx.hashValues(keys);
      Value cursor = b.var(Type::Ptr);
      b.store(cursor, b.emit(OpCode::HashTableFind, Type::Ptr, {table, hash}));
      b.whileLoop(
          [&] { return b.compare(OpCode::Ne, b.load(Type::Ptr, cursor), b.nullPtr()); },
          [&] {
            Value entry = b.load(Type::Ptr, cursor);
            Value sameHash =
                b.compare(OpCode::Eq, b.emit(OpCode::HashTableHashOf, Type::I64, {entry}), hash);
            b.ifThen(sameHash, [&] {
              Value equal = b.constI1(true);
              for (size_t k = 0; k < keys.size(); ++k)
                equal = b.logicalAnd(
                    equal, ctx.equalValues(keys[k], ctx.loadField(entry, layout, buildWidth + k)));
              b.ifThen(equal, [&] {
                Row out = row;
                for (size_t c = 0; c < buildWidth; ++c)
                  out.push_back(ctx.loadField(entry, layout, c));
                consume(out);
              });
            });
            b.store(cursor, b.emit(OpCode::HashTableNext, Type::Ptr, {entry}));
          });
    });
  });
}

} // namespace flern::ir
