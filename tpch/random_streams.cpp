#include "tpch/random_streams.h"

namespace flern::tpch {

namespace {

constexpr int64_t kModulus = 2147483647;
constexpr int64_t kMultiplier = 16807;

/// Stream table: owning table, initial seed and draws per row (dbgen's seed table, by stream
/// number). Stream 5 belongs to no table: it builds the shared text pool.
struct StreamSpec {
  int table; // Table as int, -1 for none
  int64_t seed;
  int64_t perRow;
};

constexpr int kPart = static_cast<int>(Table::Part), kPartSupp = static_cast<int>(Table::PartSupp),
              kSupplier = static_cast<int>(Table::Supplier),
              kCustomer = static_cast<int>(Table::Customer),
              kOrders = static_cast<int>(Table::Orders), kLine = static_cast<int>(Table::LineItem),
              kNation = static_cast<int>(Table::Nation), kRegion = static_cast<int>(Table::Region);

constexpr StreamSpec kStreams[kStreamCount] = {
    {kPart, 1, 1},
    {kPart, 46831694, 1},
    {kPart, 1841581359, 1},
    {kPart, 1193163244, 1},
    {kPart, 727633698, 1},
    {-1, 933588178, 1},
    {kPart, 804159733, 2},
    {kPartSupp, 1671059989, 4},
    {kPartSupp, 1051288424, 4},
    {kPartSupp, 1961692154, 8},
    {kOrders, 1227283347, 1},
    {kOrders, 1171034773, 1},
    {kOrders, 276090261, 2},
    {kOrders, 1066728069, 1},
    {kLine, 209208115, 7},
    {kLine, 554590007, 7},
    {kLine, 721958466, 7},
    {kLine, 1371272478, 7},
    {kLine, 675466456, 7},
    {kLine, 1808217256, 7},
    {kLine, 2095021727, 7},
    {kLine, 1769349045, 7},
    {kLine, 904914315, 7},
    {kLine, 373135028, 7},
    {kLine, 717419739, 7},
    {kLine, 1095462486, 14},
    {kCustomer, 881155353, 9},
    {kCustomer, 1489529863, 1},
    {kCustomer, 1521138112, 3},
    {kCustomer, 298370230, 1},
    {kCustomer, 1140279430, 1},
    {kCustomer, 1335826707, 2},
    {kSupplier, 706178559, 9},
    {kSupplier, 110356601, 1},
    {kSupplier, 884434366, 3},
    {kSupplier, 962338209, 1},
    {kSupplier, 1341315363, 2},
    {kPart, 709314158, 92},
    {kOrders, 591449447, 1},
    {kLine, 431918286, 1},
    {kOrders, 851767375, 1},
    {kNation, 606179079, 2},
    {kRegion, 1500869201, 2},
    {kOrders, 1434868289, 1},
    {kSupplier, 263032577, 1},
    {kSupplier, 753643799, 1},
    {kSupplier, 202794285, 1},
    {kSupplier, 715851524, 1},
};

/// Part rows carry their partsupp rows, order rows their lineitems.
bool belongsTo(int streamTable, Table table) {
  int t = static_cast<int>(table);
  if (streamTable == t) return true;
  if (table == Table::Part) return streamTable == kPartSupp;
  if (table == Table::Orders) return streamTable == kLine;
  return false;
}

} // namespace

int64_t skipAhead(int64_t seed, int64_t draws) {
  int64_t multiplier = kMultiplier;
  while (draws > 0) {
    if (draws % 2 != 0) seed = (multiplier * seed) % kModulus;
    draws /= 2;
    multiplier = (multiplier * multiplier) % kModulus;
  }
  return seed;
}

RandomStreams::RandomStreams() {
  for (int i = 0; i < kStreamCount; ++i) {
    seeds_[i] = kStreams[i].seed;
    used_[i] = 0;
  }
}

void RandomStreams::finishRow(Table table) {
  for (int i = 0; i < kStreamCount; ++i) {
    if (belongsTo(kStreams[i].table, table))
      seeds_[i] = skipAhead(seeds_[i], kStreams[i].perRow - used_[i]);
    used_[i] = 0;
  }
}

void RandomStreams::skipToRow(Table table, int64_t row) {
  for (int i = 0; i < kStreamCount; ++i)
    if (belongsTo(kStreams[i].table, table))
      seeds_[i] = skipAhead(seeds_[i], kStreams[i].perRow * (row - 1));
}

int64_t RandomStreams::drawsPerRow(int stream) {
  return kStreams[stream].perRow;
}

void RandomStreams::advance(int stream, int64_t draws) {
  seeds_[stream] = skipAhead(seeds_[stream], draws);
}

} // namespace flern::tpch
