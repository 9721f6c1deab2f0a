#include "tpch/generator.h"

#include "common/types.h"
#include "tpch/distributions.h"
#include "tpch/text_pool.h"

#include <charconv>
#include <cstdio>
#include <vector>

namespace flern::tpch {

namespace {

// Stream numbers (dbgen's dss.h).
enum Stream {
  kPartMfgr = 0,
  kPartBrand = 1,
  kPartType = 2,
  kPartSize = 3,
  kPartContainer = 4,
  kPartComment = 6,
  kPsQuantity = 7,
  kPsCost = 8,
  kPsComment = 9,
  kOrderClerk = 11,
  kOrderComment = 12,
  kOrderDate = 13,
  kLineQuantity = 14,
  kLineDiscount = 15,
  kLineTax = 16,
  kLineInstruct = 17,
  kLineMode = 18,
  kLinePart = 19,
  kLineSuppNumber = 20,
  kLineShipDate = 21,
  kLineCommitDate = 22,
  kLineReceiptDate = 23,
  kLineReturnFlag = 24,
  kLineComment = 25,
  kCustAddress = 26,
  kCustNation = 27,
  kCustPhone = 28,
  kCustBalance = 29,
  kCustSegment = 30,
  kCustComment = 31,
  kSuppAddress = 32,
  kSuppNation = 33,
  kSuppPhone = 34,
  kSuppBalance = 35,
  kSuppComment = 36,
  kPartName = 37,
  kOrderPriority = 38,
  kOrderCustomer = 40,
  kNationComment = 41,
  kRegionComment = 42,
  kOrderLines = 43,
  kBbbJunk = 44,
  kBbbType = 45,
  kBbbComment = 46,
  kBbbOffset = 47,
};

// dbgen's day numbers: STARTDATE is 1992 day 1; dates are generated as days after it.
constexpr int64_t kStartDate = 92001;
constexpr int64_t kTotalDays = 2557;
constexpr int64_t kOrderDateMax = kStartDate + kTotalDays - (121 + 30) - 1;

// Average comment lengths (dbgen's dss.h), shared by the generators and the prefetcher.
constexpr int kPartCommentLength = 14, kPsCommentLength = 124, kSuppCommentLength = 63,
              kCustCommentLength = 73, kOrderCommentLength = 49, kLineCommentLength = 27;

/// Minimum and maximum text length for an average length, as dbgen's V_STR/TEXT compute them.
int lowLength(int average) {
  return static_cast<int>(average * 0.4);
}
int highLength(int average) {
  return static_cast<int>(average * 1.6);
}

/// dbgen's formatted keys ("Supplier#000000001").
std::string keyed(const char* tag, int width, int64_t value) {
  char buffer[48];
  int length =
      std::snprintf(buffer, sizeof buffer, "%s%0*lld", tag, width, static_cast<long long>(value));
  return std::string(buffer, length);
}

/// Random alphanumeric text of random length (dbgen's a_rnd): one draw for the length, then
/// one draw per five characters, six bits per character.
std::string randomAlphanumeric(RandomStreams& random, int stream, int min, int max) {
  static const char kAlphabet[] =
      "0123456789abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ,";
  int64_t length = random.uniform(stream, min, max);
  std::string result(static_cast<size_t>(length), ' ');
  int64_t bits = 0;
  for (int64_t i = 0; i < length; ++i) {
    if (i % 5 == 0) bits = random.uniform(stream, 0, 2147483647);
    result[i] = kAlphabet[bits & 077];
    bits >>= 6;
  }
  return result;
}

std::string phone(RandomStreams& random, int stream, int64_t nation) {
  int64_t area = random.uniform(stream, 100, 999);
  int64_t exchange = random.uniform(stream, 100, 999);
  int64_t number = random.uniform(stream, 1000, 9999);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%02d-%03d-%03d-%04d", static_cast<int>(10 + nation % 90),
                static_cast<int>(area), static_cast<int>(exchange), static_cast<int>(number));
  return buffer;
}

int64_t retailPrice(int64_t part) {
  return 90000 + (part / 10) % 20001 + (part % 1000) * 100;
}

int64_t partSupplier(const ScaleConfig& config, int64_t part, int64_t index) {
  int64_t suppliers = config.suppliers;
  return (part + index * (suppliers / 4 + (part - 1) / suppliers)) % suppliers + 1;
}

/// "YYYY-MM-DD" of dbgen day number `day`.
const std::string& dateText(int64_t day) {
  static const std::vector<std::string> dates = [] {
    std::vector<std::string> all;
    int32_t first = daysFromCivil(1992, 1, 1);
    for (int64_t i = 0; i < kTotalDays; ++i)
      all.push_back(formatDate(first + static_cast<int32_t>(i)));
    return all;
  }();
  return dates[static_cast<size_t>(day - kStartDate)];
}

/// dbgen's CURRENTDATE (1995-06-17) as a day number.
int64_t currentDate() {
  static const int64_t day = kStartDate + (daysFromCivil(1995, 6, 17) - daysFromCivil(1992, 1, 1));
  return day;
}

void part(const ScaleConfig& config, RandomStreams& random, int64_t key, RowSink* partSink,
          RowSink* supplierSink) {
  const Distributions& d = Distributions::get();
  const TextPool& pool = TextPool::get();
  std::vector<int> colors = d.colors.permutation(random, kPartName);
  std::string name;
  for (int i = 0; i < 5; ++i) {
    if (i) name += ' ';
    name += d.colors.members[colors[i]];
  }
  int64_t manufacturer = random.uniform(kPartMfgr, 1, 5);
  int64_t brand = random.uniform(kPartBrand, 1, 5);
  const std::string& type = d.types.members[d.types.pick(random, kPartType)];
  int64_t size = random.uniform(kPartSize, 1, 50);
  const std::string& container = d.containers.members[d.containers.pick(random, kPartContainer)];
  std::string_view comment = pool.text(random, kPartComment, lowLength(kPartCommentLength),
                                       highLength(kPartCommentLength));
  if (partSink) {
    RowSink& row = *partSink;
    row.integer(key);
    row.text(name);
    row.text(keyed("Manufacturer#", 1, manufacturer));
    row.text(keyed("Brand#", 2, manufacturer * 10 + brand));
    row.text(type);
    row.integer(size);
    row.text(container);
    row.money(retailPrice(key));
    row.text(comment);
    row.endRow();
  }
  for (int64_t i = 0; i < 4; ++i) {
    int64_t quantity = random.uniform(kPsQuantity, 1, 9999);
    int64_t cost = random.uniform(kPsCost, 100, 100000);
    std::string_view psComment =
        pool.text(random, kPsComment, lowLength(kPsCommentLength), highLength(kPsCommentLength));
    if (!supplierSink) continue;
    RowSink& row = *supplierSink;
    row.integer(key);
    row.integer(partSupplier(config, key, i));
    row.integer(quantity);
    row.money(cost);
    row.text(psComment);
    row.endRow();
  }
}

void supplier(RandomStreams& random, int64_t key, RowSink& row) {
  const TextPool& pool = TextPool::get();
  std::string address = randomAlphanumeric(random, kSuppAddress, lowLength(25), highLength(25));
  int64_t nation = random.uniform(kSuppNation, 0, 24);
  std::string phoneText = phone(random, kSuppPhone, nation);
  int64_t balance = random.uniform(kSuppBalance, -99999, 999999);
  std::string comment(pool.text(random, kSuppComment, lowLength(kSuppCommentLength),
                                highLength(kSuppCommentLength)));
  // Better Business Bureau remarks, drawn for every row so that parts can start anywhere.
  int64_t length = static_cast<int64_t>(comment.size());
  int64_t badPress = random.uniform(kBbbComment, 1, 10000);
  int64_t kind = random.uniform(kBbbType, 0, 100);
  int64_t noise = random.uniform(kBbbJunk, 0, length - 19);
  int64_t offset = random.uniform(kBbbOffset, 0, length - (19 + noise));
  if (badPress <= 10) {
    comment.replace(static_cast<size_t>(offset), 9, "Customer ");
    comment.replace(static_cast<size_t>(offset + 9 + noise), 10,
                    kind < 50 ? "Complaints" : "Recommends");
  }
  row.integer(key);
  row.text(keyed("Supplier#", 9, key));
  row.text(address);
  row.integer(nation);
  row.text(phoneText);
  row.money(balance);
  row.text(comment);
  row.endRow();
}

void customer(RandomStreams& random, int64_t key, RowSink& row) {
  const Distributions& d = Distributions::get();
  const TextPool& pool = TextPool::get();
  std::string address = randomAlphanumeric(random, kCustAddress, lowLength(25), highLength(25));
  int64_t nation = random.uniform(kCustNation, 0, 24);
  std::string phoneText = phone(random, kCustPhone, nation);
  int64_t balance = random.uniform(kCustBalance, -99999, 999999);
  const std::string& segment = d.segments.members[d.segments.pick(random, kCustSegment)];
  std::string_view comment = pool.text(random, kCustComment, lowLength(kCustCommentLength),
                                       highLength(kCustCommentLength));
  row.integer(key);
  row.text(keyed("Customer#", 9, key));
  row.text(address);
  row.integer(nation);
  row.text(phoneText);
  row.money(balance);
  row.text(segment);
  row.text(comment);
  row.endRow();
}

void order(const ScaleConfig& config, RandomStreams& random, int64_t index, RowSink* ordersOut,
           RowSink* linesOut) {
  const Distributions& d = Distributions::get();
  const TextPool& pool = TextPool::get();
  // Sparse keys: 8 of every 32 key values are used.
  int64_t key = (((index >> 3) << 2) << 3) + (index & 7);
  int64_t customerKey = random.uniform(kOrderCustomer, 1, config.customers);
  int64_t delta = 1;
  while (customerKey % 3 == 0) { // a third of the customers place no orders
    customerKey += delta;
    customerKey = std::min(customerKey, config.customers);
    delta *= -1;
  }
  int64_t orderDate = random.uniform(kOrderDate, kStartDate, kOrderDateMax);
  const std::string& priority = d.priorities.members[d.priorities.pick(random, kOrderPriority)];
  int64_t clerk = random.uniform(kOrderClerk, 1, std::max<int64_t>(config.scale * 1000, 1000));
  std::string_view comment = pool.text(random, kOrderComment, lowLength(kOrderCommentLength),
                                       highLength(kOrderCommentLength));
  int64_t lines = random.uniform(kOrderLines, 1, 7);
  int64_t totalPrice = 0;
  int64_t shipped = 0;
  for (int64_t number = 1; number <= lines; ++number) {
    int64_t quantity = random.uniform(kLineQuantity, 1, 50);
    int64_t discount = random.uniform(kLineDiscount, 0, 10);
    int64_t tax = random.uniform(kLineTax, 0, 8);
    const std::string& instruct =
        d.instructions.members[d.instructions.pick(random, kLineInstruct)];
    const std::string& mode = d.modes.members[d.modes.pick(random, kLineMode)];
    std::string_view lineComment = pool.text(random, kLineComment, lowLength(kLineCommentLength),
                                             highLength(kLineCommentLength));
    int64_t partKey = random.uniform(kLinePart, 1, config.parts);
    int64_t supplierNumber = random.uniform(kLineSuppNumber, 0, 3);
    int64_t price = retailPrice(partKey) * quantity;
    totalPrice += ((price * (100 - discount)) / 100) * (100 + tax) / 100;
    int64_t shipDate = orderDate + random.uniform(kLineShipDate, 1, 121);
    int64_t commitDate = orderDate + random.uniform(kLineCommitDate, 30, 90);
    int64_t receiptDate = shipDate + random.uniform(kLineReceiptDate, 1, 30);
    char returnFlag = 'N';
    if (receiptDate <= currentDate())
      returnFlag = d.returnFlags.members[d.returnFlags.pick(random, kLineReturnFlag)][0];
    char status = 'O';
    if (shipDate <= currentDate()) {
      status = 'F';
      ++shipped;
    }
    if (!linesOut) continue;
    RowSink& line = *linesOut;
    line.integer(key);
    line.integer(partKey);
    line.integer(partSupplier(config, partKey, supplierNumber));
    line.integer(number);
    line.integer(quantity);
    line.money(price);
    line.money(discount);
    line.money(tax);
    line.text(std::string_view(&returnFlag, 1));
    line.text(std::string_view(&status, 1));
    line.date(shipDate);
    line.date(commitDate);
    line.date(receiptDate);
    line.text(instruct);
    line.text(mode);
    line.text(lineComment);
    line.endRow();
  }
  if (!ordersOut) return;
  char orderStatus = shipped == lines ? 'F' : shipped > 0 ? 'P' : 'O';
  RowSink& row = *ordersOut;
  row.integer(key);
  row.integer(customerKey);
  row.text(std::string_view(&orderStatus, 1));
  row.money(totalPrice);
  row.date(orderDate);
  row.text(priority);
  row.text(keyed("Clerk#", 9, clerk));
  row.integer(0);
  row.text(comment);
  row.endRow();
}

/// Prefetches the text-pool slices of the comments of the unit kDistance units ahead of the one
/// being generated. Each comment stream moves a fixed number of draws per unit, so the state it
/// will have there is known now, and with it the slices.
class CommentPrefetcher {
public:
  CommentPrefetcher(Table master, int64_t firstUnit) : pool_(TextPool::get()) {
    auto add = [&](int stream, int comments, int average) {
      columns_.push_back({stream, comments, lowLength(average), highLength(average), 0,
                          skipAhead(1, RandomStreams::drawsPerRow(stream))});
    };
    if (master == Table::Part) {
      add(kPartComment, 1, kPartCommentLength);
      add(kPsComment, 4, kPsCommentLength);
    } else if (master == Table::Orders) {
      add(kOrderComment, 1, kOrderCommentLength);
      add(kLineComment, 7, kLineCommentLength);
    } else if (master == Table::Customer) {
      add(kCustComment, 1, kCustCommentLength);
    } else if (master == Table::Supplier) {
      add(kSuppComment, 1, kSuppCommentLength);
    }
    RandomStreams ahead;
    ahead.skipToRow(master, firstUnit + kDistance);
    for (Column& column : columns_)
      column.seed = ahead.seed(column.stream);
  }

  /// Called once per unit generated.
  void next() {
    for (Column& column : columns_) {
      pool_.prefetch(column.seed, column.comments, column.min, column.max);
      column.seed = column.seed * column.perUnitMultiplier % 2147483647;
    }
  }

private:
  // A unit takes about a microsecond to generate, several memory latencies.
  static constexpr int64_t kDistance = 4;
  struct Column {
    int stream, comments, min, max;
    int64_t seed;
    int64_t perUnitMultiplier; // 16807^(draws per unit) mod 2^31 - 1
  };
  const TextPool& pool_;
  std::vector<Column> columns_;
};

} // namespace

void TextSink::integer(int64_t value) {
  char buffer[24];
  auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
  out_.append(buffer, end);
  out_ += '|';
}

void TextSink::money(int64_t cents) {
  int value = static_cast<int>(cents); // dbgen prints through an int
  char buffer[24];
  char* end = buffer + sizeof buffer;
  char* p = end;
  bool negative = value < 0;
  unsigned magnitude = negative ? 0u - static_cast<unsigned>(value) : static_cast<unsigned>(value);
  *--p = static_cast<char>('0' + magnitude % 10);
  magnitude /= 10;
  *--p = static_cast<char>('0' + magnitude % 10);
  magnitude /= 10;
  *--p = '.';
  do {
    *--p = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude != 0);
  if (negative) *--p = '-';
  out_.append(p, static_cast<size_t>(end - p));
  out_ += '|';
}

void TextSink::text(std::string_view value) {
  out_ += value;
  out_ += '|';
}

void TextSink::date(int64_t day) {
  text(dateText(day));
}

int32_t dbgenDayToDate(int64_t day) {
  return daysFromCivil(1992, 1, 1) + static_cast<int32_t>(day - kStartDate);
}

ScaleConfig::ScaleConfig(double scaleFactor) {
  int64_t partBase = 200000, supplierBase = 10000, customerBase = 150000, orderBase = 1500000;
  if (scaleFactor < 1) {
    int64_t thousandths = static_cast<int>(1000 * scaleFactor);
    auto scaled = [&](int64_t base) { return std::max<int64_t>(thousandths * base / 1000, 1); };
    partBase = scaled(partBase);
    supplierBase = scaled(supplierBase);
    customerBase = scaled(customerBase);
    orderBase = scaled(orderBase);
    scale = 1;
  } else {
    scale = static_cast<int64_t>(scaleFactor);
  }
  parts = partBase * scale;
  suppliers = supplierBase * scale;
  customers = customerBase * scale;
  orders = orderBase * scale;
}

int64_t ScaleConfig::units(Table table) const {
  switch (table) {
  case Table::Part:
  case Table::PartSupp:
    return parts;
  case Table::Supplier:
    return suppliers;
  case Table::Customer:
    return customers;
  case Table::Orders:
  case Table::LineItem:
    return orders;
  case Table::Nation:
    return 25;
  case Table::Region:
    return 5;
  }
  return 0;
}

const char* tableName(Table table) {
  static const char* const kNames[] = {"part",   "partsupp", "supplier", "customer",
                                       "orders", "lineitem", "nation",   "region"};
  return kNames[static_cast<int>(table)];
}

void generateRows(const ScaleConfig& config, Table table, int64_t first, int64_t count,
                  std::string& out) {
  TextSink sink(out);
  generateRows(config, table, first, count, sink);
}

void generateWithDetail(const ScaleConfig& config, Table master, int64_t first, int64_t count,
                        RowSink* masterSink, RowSink* detailSink) {
  RandomStreams random;
  random.skipToRow(master, first);
  CommentPrefetcher prefetcher(master, first);
  for (int64_t unit = first; unit < first + count; ++unit) {
    prefetcher.next();
    if (master == Table::Part)
      part(config, random, unit, masterSink, detailSink);
    else
      order(config, random, unit, masterSink, detailSink);
    random.finishRow(master);
  }
}

void generateRows(const ScaleConfig& config, Table table, int64_t first, int64_t count,
                  RowSink& sink) {
  // partsupp and lineitem rows come from their part and order rows' random streams.
  Table master = table == Table::PartSupp   ? Table::Part
                 : table == Table::LineItem ? Table::Orders
                                            : table;
  RandomStreams random;
  random.skipToRow(master, first);
  CommentPrefetcher prefetcher(master, first);
  const Distributions& d = Distributions::get();
  for (int64_t unit = first; unit < first + count; ++unit) {
    prefetcher.next();
    switch (table) {
    case Table::Part:
      part(config, random, unit, &sink, nullptr);
      break;
    case Table::PartSupp:
      part(config, random, unit, nullptr, &sink);
      break;
    case Table::Supplier:
      supplier(random, unit, sink);
      break;
    case Table::Customer:
      customer(random, unit, sink);
      break;
    case Table::Orders:
      order(config, random, unit, &sink, nullptr);
      break;
    case Table::LineItem:
      order(config, random, unit, nullptr, &sink);
      break;
    case Table::Nation:
    case Table::Region: {
      const Distribution& names = table == Table::Nation ? d.nations : d.regions;
      size_t index = static_cast<size_t>(unit - 1);
      int stream = table == Table::Nation ? kNationComment : kRegionComment;
      std::string_view comment =
          TextPool::get().text(random, stream, lowLength(72), highLength(72));
      sink.integer(unit - 1);
      sink.text(names.members[index]);
      if (table == Table::Nation) sink.integer(names.cumulativeWeights[index]);
      sink.text(comment);
      sink.endRow();
      break;
    }
    }
    random.finishRow(master);
  }
}

} // namespace flern::tpch
