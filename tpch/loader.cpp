#include "tpch/loader.h"

#include "tpch/generator.h"
#include "tpch/text_pool.h"

#include <atomic>
#include <mutex>
#include <thread>

namespace flern::tpch {

namespace {

storage::ColumnDef column(const char* name, SqlType type) {
  return {name, type, true};
}

SqlType money() {
  return SqlType::numeric(15, 2);
}

/// Appends generated fields straight into a columnar buffer of the table's types.
class ColumnSink final : public RowSink {
public:
  explicit ColumnSink(storage::ColumnarBuffer& buffer) : buffer_(buffer) {}

  void integer(int64_t value) override {
    storage::ColumnVector& column = next();
    switch (column.type().id) {
    case TypeId::Int32:
      reinterpret_cast<int32_t*>(column.data())[row_] = static_cast<int32_t>(value);
      break;
    case TypeId::Int64:
      reinterpret_cast<int64_t*>(column.data())[row_] = value;
      break;
    default: // DECIMAL(15,2) quantities
      reinterpret_cast<__int128*>(column.data())[row_] = static_cast<__int128>(value) * 100;
    }
  }
  void money(int64_t cents) override { reinterpret_cast<__int128*>(next().data())[row_] = cents; }
  void text(std::string_view value) override {
    storage::ColumnVector& column = next();
    StringRef ref;
    if (column.type().id == TypeId::Char && static_cast<int>(value.size()) < column.type().length) {
      padded_.assign(value);
      padded_.append(static_cast<size_t>(column.type().length) - value.size(), ' ');
      ref = column.internString(padded_);
    } else {
      ref = column.internString(value);
    }
    reinterpret_cast<StringRef*>(column.data())[row_] = ref;
  }
  void date(int64_t day) override {
    reinterpret_cast<int32_t*>(next().data())[row_] = dbgenDayToDate(day);
  }
  void endRow() override {
    field_ = 0;
    started_ = false;
  }

private:
  storage::ColumnVector& next() {
    if (!started_) {
      chunk_ = &buffer_.reserveRow(row_);
      started_ = true;
    }
    storage::ColumnVector& column = chunk_->columns[field_++];
    column.nulls()[row_] = 0;
    return column;
  }

  storage::ColumnarBuffer& buffer_;
  storage::Chunk* chunk_ = nullptr;
  int64_t row_ = 0;
  size_t field_ = 0;
  bool started_ = false;
  std::string padded_;
};

} // namespace

std::vector<storage::ColumnDef> tpchSchema(Table table) {
  const SqlType integer = SqlType::int32(), bigint = SqlType::int64(), date = SqlType::date();
  auto chr = [](int n) { return SqlType::character(n); };
  auto varchar = [](int n) { return SqlType::varchar(n); };
  switch (table) {
  case Table::Part:
    return {column("p_partkey", integer),    column("p_name", varchar(55)),
            column("p_mfgr", chr(25)),       column("p_brand", chr(10)),
            column("p_type", varchar(25)),   column("p_size", integer),
            column("p_container", chr(10)),  column("p_retailprice", money()),
            column("p_comment", varchar(23))};
  case Table::PartSupp:
    return {column("ps_partkey", integer), column("ps_suppkey", integer),
            column("ps_availqty", integer), column("ps_supplycost", money()),
            column("ps_comment", varchar(199))};
  case Table::Supplier:
    return {column("s_suppkey", integer),     column("s_name", chr(25)),
            column("s_address", varchar(40)), column("s_nationkey", integer),
            column("s_phone", chr(15)),       column("s_acctbal", money()),
            column("s_comment", varchar(101))};
  case Table::Customer:
    return {column("c_custkey", integer),     column("c_name", varchar(25)),
            column("c_address", varchar(40)), column("c_nationkey", integer),
            column("c_phone", chr(15)),       column("c_acctbal", money()),
            column("c_mktsegment", chr(10)),  column("c_comment", varchar(117))};
  case Table::Orders:
    return {column("o_orderkey", bigint),    column("o_custkey", integer),
            column("o_orderstatus", chr(1)), column("o_totalprice", money()),
            column("o_orderdate", date),     column("o_orderpriority", chr(15)),
            column("o_clerk", chr(15)),      column("o_shippriority", integer),
            column("o_comment", varchar(79))};
  case Table::LineItem:
    return {column("l_orderkey", bigint),   column("l_partkey", integer),
            column("l_suppkey", integer),   column("l_linenumber", integer),
            column("l_quantity", money()),  column("l_extendedprice", money()),
            column("l_discount", money()),  column("l_tax", money()),
            column("l_returnflag", chr(1)), column("l_linestatus", chr(1)),
            column("l_shipdate", date),     column("l_commitdate", date),
            column("l_receiptdate", date),  column("l_shipinstruct", chr(25)),
            column("l_shipmode", chr(10)),  column("l_comment", varchar(44))};
  case Table::Nation:
    return {column("n_nationkey", integer), column("n_name", chr(25)),
            column("n_regionkey", integer), column("n_comment", varchar(152))};
  case Table::Region:
    return {column("r_regionkey", integer), column("r_name", chr(25)),
            column("r_comment", varchar(152))};
  }
  return {};
}

std::vector<std::shared_ptr<storage::Table>> generateTables(Table master, double scaleFactor,
                                                            int threads) {
  ScaleConfig config(scaleFactor);
  // Part comes with partsupp and orders with lineitem, generated in the same pass.
  std::vector<Table> tables = {master};
  if (master == Table::Part) tables.push_back(Table::PartSupp);
  if (master == Table::Orders) tables.push_back(Table::LineItem);
  std::vector<std::shared_ptr<storage::Table>> results;
  for (Table table : tables)
    results.push_back(std::make_shared<storage::Table>(tableName(table), tpchSchema(table)));
  TextPool::get();
  // Work in slices of units; each slice fills its own buffers, absorbed in order at the end. A
  // slice is one chunk of master rows (partsupp: four), so that only the last chunk of a table
  // is partly empty (lineitem, with 1-7 rows an order, ends each slice with a partial chunk).
  const int64_t units = config.units(master);
  const int64_t sliceUnits = storage::kChunkRows;
  const int64_t slices = (units + sliceUnits - 1) / sliceUnits;
  std::vector<std::vector<std::unique_ptr<storage::ColumnarBuffer>>> buffers(slices);
  std::atomic<int64_t> next{0};
  auto worker = [&] {
    while (true) {
      int64_t slice = next++;
      if (slice >= slices) return;
      std::vector<std::unique_ptr<storage::ColumnarBuffer>> own;
      std::vector<std::unique_ptr<ColumnSink>> sinks;
      for (const auto& result : results) {
        own.push_back(std::make_unique<storage::ColumnarBuffer>(result->columnTypes(),
                                                                storage::ChunkMemory::Bulk));
        sinks.push_back(std::make_unique<ColumnSink>(*own.back()));
      }
      int64_t first = slice * sliceUnits + 1;
      int64_t count = std::min(sliceUnits, units - first + 1);
      if (sinks.size() == 2)
        generateWithDetail(config, master, first, count, sinks[0].get(), sinks[1].get());
      else
        generateRows(config, master, first, count, *sinks[0]);
      // Zone maps and sketches on this worker, while the slice is hot in the cache.
      for (auto& buffer : own)
        storage::summarizeChunks(*buffer, 1);
      buffers[slice] = std::move(own);
    }
  };
  std::vector<std::thread> workers;
  for (int i = 0; i < std::max(1, threads); ++i)
    workers.emplace_back(worker);
  for (auto& w : workers)
    w.join();
  for (auto& slice : buffers)
    for (size_t t = 0; t < results.size(); ++t)
      results[t]->append(*slice[t]);
  return results;
}

} // namespace flern::tpch
