// HyperLogLog accuracy and merging, table statistics, zone maps, zone filters and chunk skipping.
#include "ir/ops/scans.h"
#include "ir/ops/streaming.h"
#include "planner/executor.h"
#include "planner/zone_filters.h"
#include "storage/statistics.h"
#include "storage/table.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace flern;
using storage::HyperLogLog;

namespace {

double relativeError(double estimate, double truth) {
  return std::abs(estimate - truth) / truth;
}

/// A table of one INTEGER column, one TEXT column and one NUMERIC(10,2) column, filled with
/// `rows` rows in chunks of `chunkRows` (each appended like a load): i = start + row, every
/// `nullEvery`-th row null in all columns (0: none), text "s<i % 100>", numeric i / 100.
std::shared_ptr<storage::Table> makeTable(int64_t rows, int64_t chunkRows, int64_t start = 0,
                                          int64_t nullEvery = 0) {
  std::vector<storage::ColumnDef> columns = {
      {"i", SqlType::int32()}, {"s", SqlType::text()}, {"n", SqlType::numeric(10, 2)}};
  auto table = std::make_shared<storage::Table>("t", columns);
  for (int64_t done = 0; done < rows;) {
    storage::ColumnarBuffer buffer(table->columnTypes());
    auto chunk = std::make_unique<storage::Chunk>(table->columnTypes(), storage::ChunkMemory::Heap,
                                                  chunkRows);
    for (; chunk->rows < chunkRows && done < rows; ++done) {
      int64_t r = chunk->rows++;
      bool null = nullEvery > 0 && done % nullEvery == 0;
      int64_t value = start + done;
      for (auto& column : chunk->columns)
        column.nulls()[r] = null;
      if (null) continue;
      reinterpret_cast<int32_t*>(chunk->columns[0].data())[r] = static_cast<int32_t>(value);
      InputValue text;
      std::string owned = "s" + std::to_string(value % 100);
      text.text = owned;
      chunk->columns[1].store(r, text);
      reinterpret_cast<__int128*>(chunk->columns[2].data())[r] = value;
    }
    buffer.chunks().push_back(std::move(chunk));
    table->append(buffer);
  }
  return table;
}

} // namespace

TEST(HyperLogLog, EstimatesWithinFivePercent) {
  for (int64_t n : {1000, 10000, 30000, 100000, 1000000}) {
    HyperLogLog sketch;
    for (int64_t i = 0; i < n; ++i)
      sketch.add(storage::hashInteger(static_cast<uint64_t>(i)));
    EXPECT_LT(relativeError(sketch.estimate(), static_cast<double>(n)), 0.05) << n;
  }
}

TEST(HyperLogLog, StringsAndRepeatsCountOnce) {
  HyperLogLog sketch;
  for (int repeat = 0; repeat < 3; ++repeat)
    for (int i = 0; i < 50000; ++i) {
      std::string text = "customer#" + std::to_string(i);
      sketch.add(storage::hashBytes(text.data(), text.size()));
    }
  EXPECT_LT(relativeError(sketch.estimate(), 50000), 0.05);
  EXPECT_EQ(HyperLogLog().estimate(), 0);
}

TEST(HyperLogLog, NumericHashUsesBothHalves) {
  HyperLogLog sketch;
  for (int64_t i = 0; i < 20000; ++i)
    sketch.add(storage::hashInt128(static_cast<__int128>(i) << 64)); // low halves all zero
  EXPECT_LT(relativeError(sketch.estimate(), 20000), 0.05);
}

TEST(HyperLogLog, MergeCountsTheUnion) {
  HyperLogLog a, b;
  for (int64_t i = 0; i < 60000; ++i)
    a.add(storage::hashInteger(static_cast<uint64_t>(i)));
  for (int64_t i = 40000; i < 100000; ++i) // 20,000 in common
    b.add(storage::hashInteger(static_cast<uint64_t>(i)));
  a.merge(b);
  EXPECT_LT(relativeError(a.estimate(), 100000), 0.05);
}

TEST(Statistics, RowsNullsDistinctAndRange) {
  auto table = makeTable(100000, 65536, 0, 10); // every 10th row null
  storage::TableStatistics stats = table->statistics();
  EXPECT_EQ(stats.rows, 100000);
  ASSERT_EQ(stats.columns.size(), 3u);
  EXPECT_DOUBLE_EQ(stats.columns[0].nullFraction, 0.1);
  EXPECT_LT(relativeError(stats.columns[0].distinct, 90000), 0.05);
  // 100 texts, minus s0 (i % 10 == 0 rows are the null ones): 90.
  EXPECT_LT(relativeError(stats.columns[1].distinct, 90), 0.05);
  EXPECT_LE(stats.columns[1].distinct, 90000);
  ASSERT_TRUE(stats.columns[0].min && stats.columns[0].max);
  EXPECT_EQ(*stats.columns[0].min, 1);
  EXPECT_EQ(*stats.columns[0].max, 99999);
  EXPECT_DOUBLE_EQ(*stats.columns[2].max, 999.99); // NUMERIC(10,2) as a number
  EXPECT_FALSE(stats.columns[1].min);              // no numeric range for text
}

TEST(Statistics, DistinctIsClampedToNonNullRows) {
  auto table = makeTable(3, 3);
  storage::TableStatistics stats = table->statistics();
  EXPECT_LE(stats.columns[0].distinct, 3);
  EXPECT_GT(stats.columns[0].distinct, 2.5);
}

TEST(Statistics, AppendsMergeAndAnalyzeRecomputes) {
  auto table = makeTable(50000, 4096, 0);
  auto more = makeTable(50000, 4096, 25000); // half new values
  table->append(more->data());
  storage::TableStatistics merged = table->statistics();
  EXPECT_EQ(merged.rows, 100000);
  EXPECT_LT(relativeError(merged.columns[0].distinct, 75000), 0.05);
  EXPECT_EQ(*merged.columns[0].max, 74999);
  table->analyze(2);
  storage::TableStatistics analyzed = table->statistics();
  EXPECT_EQ(analyzed.rows, 100000);
  EXPECT_DOUBLE_EQ(analyzed.columns[0].distinct, merged.columns[0].distinct);
  EXPECT_EQ(*analyzed.columns[0].min, 0);
}

TEST(ZoneMaps, BoundsNullsAndStaleness) {
  auto table =
      makeTable(10, 8, 100, 4); // rows 0, 4, 8 null: chunk 1 = 100..107, chunk 2 = 108..109
  const auto& chunks = table->data().chunks();
  ASSERT_EQ(chunks.size(), 2u);
  const storage::ZoneMap& first = chunks[0]->zones[0];
  EXPECT_TRUE(chunks[0]->zonesCurrent());
  EXPECT_TRUE(first.ordered && first.hasNulls && !first.allNull);
  EXPECT_EQ(static_cast<int32_t>(first.min), 101);
  EXPECT_EQ(static_cast<int32_t>(first.max), 107);
  const storage::ZoneMap& text = chunks[0]->zones[1];
  StringRef low, high;
  std::memcpy(&low, &text.min, sizeof low);
  std::memcpy(&high, &text.max, sizeof high);
  EXPECT_EQ(low.view(), "s1");
  EXPECT_EQ(high.view(), "s7");
  // Chunk 2 holds 108 (null) and 109.
  EXPECT_EQ(static_cast<int32_t>(chunks[1]->zones[0].min), 109);
  // A chunk that grows after summarizing no longer has current zone maps.
  chunks[1]->rows = 1;
  EXPECT_FALSE(chunks[1]->zonesCurrent());
}

TEST(ZoneMaps, AllNullNaNAndCharBounds) {
  std::vector<SqlType> types = {SqlType::float64(), SqlType::character(4), SqlType::int64()};
  storage::Chunk chunk(types, storage::ChunkMemory::Heap, 4);
  chunk.rows = 2;
  auto* doubles = reinterpret_cast<double*>(chunk.columns[0].data());
  doubles[0] = 1.5;
  doubles[1] = std::numeric_limits<double>::quiet_NaN();
  InputValue text;
  text.text = "ab  ";
  chunk.columns[1].store(0, text);
  text.text = "a   ";
  chunk.columns[1].store(1, text);
  chunk.columns[2].nulls()[0] = chunk.columns[2].nulls()[1] = 1;
  storage::summarizeChunk(chunk);
  EXPECT_FALSE(chunk.zones[0].ordered); // NaN: no usable range
  EXPECT_FALSE(chunk.zones[0].allNull);
  StringRef low;
  std::memcpy(&low, &chunk.zones[1].min, sizeof low);
  EXPECT_EQ(low.view(), "a"); // CHAR bounds without their blanks
  EXPECT_TRUE(chunk.zones[2].allNull);
  EXPECT_EQ((*chunk.sketches)[2].nulls, 2);
}

namespace {

ir::BoundExprPtr compare(const std::string& op, ir::BoundExprPtr a, ir::BoundExprPtr b) {
  auto node = std::make_shared<ir::BoundExpr>();
  node->kind = ir::BoundKind::Compare;
  node->type = SqlType::boolean();
  node->name = op;
  node->args = {std::move(a), std::move(b)};
  return node;
}

ir::BoundExprPtr numericConstant(__int128 digits, int scale) {
  auto node = std::make_shared<ir::BoundExpr>();
  node->kind = ir::BoundKind::Constant;
  node->type = SqlType::numeric(0, scale);
  node->numericValue = digits;
  return node;
}

ir::BoundExprPtr intConstant(int64_t value) {
  auto node = std::make_shared<ir::BoundExpr>();
  node->kind = ir::BoundKind::Constant;
  node->type = SqlType::int32();
  node->intValue = value;
  return node;
}

} // namespace

TEST(ZoneFilters, FromConjuncts) {
  std::vector<SqlType> types = {SqlType::int32(), SqlType::numeric(10, 2), SqlType::float64()};
  auto i = ir::makeColumn(0, types[0]);
  auto n = ir::makeColumn(1, types[1]);
  auto nan = std::make_shared<ir::BoundExpr>();
  nan->kind = ir::BoundKind::Constant;
  nan->type = SqlType::float64();
  nan->floatValue = std::numeric_limits<double>::quiet_NaN();
  auto filters = planner::zoneFilters(
      types, {compare("<", i, intConstant(5)), compare("<", intConstant(7), i), // i > 7
              compare(">", ir::makeCast(n, SqlType::numeric(0, 3)), numericConstant(5123, 3)),
              compare("<>", i, intConstant(3)), // none
              compare("=", ir::makeCast(n, SqlType::numeric(0, 3)), numericConstant(5123, 3)),
              compare("<", ir::makeColumn(2, types[2]), nan), // none
              compare("<", i, i)});                           // none
  ASSERT_EQ(filters.size(), 3u);
  EXPECT_EQ(filters[0].op, "<");
  EXPECT_EQ(filters[0].constant->intValue, 5);
  EXPECT_EQ(filters[1].op, ">");
  EXPECT_EQ(filters[1].column, 0);
  // n > 5.123 over NUMERIC(10,2) values is n >= 5.13.
  EXPECT_EQ(filters[2].column, 1);
  EXPECT_EQ(filters[2].op, ">=");
  EXPECT_TRUE(filters[2].constant->type == types[1]);
  EXPECT_EQ(static_cast<int64_t>(filters[2].constant->numericValue), 513);
}

TEST(ChunkSkipping, ScanSkipsChunksTheZoneMapsRuleOut) {
  auto table = makeTable(10 * 1024, 1024); // ten chunks, i = 0 .. 10239
  std::vector<SqlType> types = table->columnTypes();
  auto predicate = compare(">=", ir::makeColumn(0, types[0]), intConstant(9000));
  // Declared before the executions: their compiled code must go before the engine does.
  auto engine = jit::JitEngine::create();
  auto run = [&](bool withZoneFilters) {
    auto scan = std::make_unique<ir::TableScan>("t", types, std::vector<bool>(3, false));
    if (withZoneFilters) scan->setZoneFilters(planner::zoneFilters(types, {predicate}));
    ir::Filter filter(std::move(scan), predicate);
    planner::TableBindings bindings = {{ir::TableScan::slotName("t"), table}};
    planner::Executor executor(*engine);
    return executor.run(filter, bindings, planner::SinkKind::Result);
  };
  planner::Execution skipping = run(true);
  planner::Execution plain = run(false);
  EXPECT_EQ(skipping.chunksSkipped, 8); // 9000 is in the ninth chunk
  EXPECT_EQ(plain.chunksSkipped, 0);
  EXPECT_EQ(skipping.rows->rowCount(), 10240 - 9000);
  EXPECT_EQ(plain.rows->rowCount(), skipping.rows->rowCount());
}
