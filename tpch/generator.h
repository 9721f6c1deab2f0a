// Rows of the eight TPC-H tables as dbgen 2.14.0 writes them ('|'-separated .tbl text), for
// any scale factor and any range of rows, so that tables can be generated in parallel parts
// whose concatenation equals the whole file.
#pragma once

#include "tpch/random_streams.h"

#include <string>
#include <string_view>

namespace flern::tpch {

/// Row counts and key ranges that follow from a scale factor, as dbgen derives them (scale
/// factors below 1 scale each table's base row count by a thousandth-exact factor).
struct ScaleConfig {
  explicit ScaleConfig(double scaleFactor);
  int64_t scale = 1;
  int64_t parts, suppliers, customers, orders;
  /// Number of generation units of a table: rows, except that partsupp and lineitem are
  /// generated per part and per order.
  int64_t units(Table table) const;
};

const char* tableName(Table table);

/// Receives generated rows field by field, in column order.
class RowSink {
public:
  virtual ~RowSink() = default;
  virtual void integer(int64_t value) = 0;
  /// An amount in cents (DECIMAL(15,2)).
  virtual void money(int64_t cents) = 0;
  virtual void text(std::string_view value) = 0;
  /// dbgen's day number (92001 is 1992-01-01, counting days).
  virtual void date(int64_t day) = 0;
  virtual void endRow() = 0;
};

/// Writes rows as dbgen's .tbl text.
class TextSink final : public RowSink {
public:
  explicit TextSink(std::string& out) : out_(out) {}
  void integer(int64_t value) override;
  void money(int64_t cents) override;
  void text(std::string_view value) override;
  void date(int64_t day) override;
  void endRow() override { out_ += '\n'; }

private:
  std::string& out_;
};

/// Sends the rows of units [first, first + count) (1-based) of `table` to `sink`.
void generateRows(const ScaleConfig& config, Table table, int64_t first, int64_t count,
                  RowSink& sink);
/// Part with partsupp, or orders with lineitem, in one pass (as dbgen generates them): the
/// master table's rows go to `masterSink`, the detail rows to `detailSink` (either may be null).
void generateWithDetail(const ScaleConfig& config, Table master, int64_t first, int64_t count,
                        RowSink* masterSink, RowSink* detailSink);
/// Appends the .tbl text of units [first, first + count) of `table` to `out`.
void generateRows(const ScaleConfig& config, Table table, int64_t first, int64_t count,
                  std::string& out);
/// Days since 2000-01-01 of dbgen day number `day`.
int32_t dbgenDayToDate(int64_t day);

} // namespace flern::tpch
