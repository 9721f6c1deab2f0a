// The TPC-H generator's building blocks: stream skip-ahead, dbgen's uniform draws, the
// distributions, the text pool, and each table's first row (expected values are the first lines
// of the official dbgen 2.14.0 files at scale 0.01).
#include "tpch/distributions.h"
#include "tpch/generator.h"
#include "tpch/random_streams.h"
#include "tpch/text_pool.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace flern::tpch;

TEST(RandomStreams, SkipAheadEqualsStepping) {
  int64_t seed = 933588178;
  int64_t stepped = seed;
  for (int i = 0; i < 12345; ++i)
    stepped = (stepped * 16807) % 2147483647;
  EXPECT_EQ(skipAhead(seed, 12345), stepped);
  EXPECT_EQ(skipAhead(seed, 0), seed);
}

TEST(RandomStreams, RowBoundariesMakeRowsIndependent) {
  // Generating rows 1..3 then row 4 equals jumping straight to row 4.
  ScaleConfig config(0.01);
  std::string sequential, direct;
  generateRows(config, Table::Customer, 1, 4, sequential);
  generateRows(config, Table::Customer, 4, 1, direct);
  EXPECT_EQ(sequential.substr(sequential.rfind('\n', sequential.size() - 2) + 1), direct);
}

TEST(RandomStreams, UniformStaysInRange) {
  RandomStreams random;
  for (int i = 0; i < 10000; ++i) {
    int64_t v = random.uniform(14, 1, 50);
    ASSERT_GE(v, 1);
    ASSERT_LE(v, 50);
  }
  // dbgen's full 31-bit range wraps to negative values (used for alphanumeric text).
  bool negative = false;
  for (int i = 0; i < 100; ++i)
    negative = negative || random.uniform(26, 0, 2147483647) < 0;
  EXPECT_TRUE(negative);
}

TEST(Distributions, ParsedFromDists) {
  const Distributions& d = Distributions::get();
  EXPECT_EQ(d.nations.members.size(), 25u);
  EXPECT_EQ(d.nations.members[0], "ALGERIA");
  EXPECT_EQ(d.nations.cumulativeWeights[1], 1); // ARGENTINA is in region 1
  EXPECT_EQ(d.colors.members.size(), 92u);
  EXPECT_EQ(d.types.members.size(), 150u);
  EXPECT_EQ(d.grammar.members[0], "N V T");
}

TEST(TextPool, SentencesFromTheGrammar) {
  std::string_view start = TextPool::get().prefix(200);
  EXPECT_EQ(start.size(), 200u);
  // Pseudo-English: lower-case words, sentences ending in a terminator.
  EXPECT_NE(start.find_first_of(".;:?!"), std::string_view::npos);
  for (char c : start)
    EXPECT_TRUE(std::islower(static_cast<unsigned char>(c)) || std::strchr(" ,.;:?!-", c)) << c;
}

TEST(TextPool, SameTextWhateverTheThreadCount) {
  // The pool is written in segments between checkpoints of one sizing walk; a segment that
  // started or ended off its sentence boundary would differ from one sequential walk.
  TextPool single(1, 1);
  const TextPool& shared = TextPool::get();
  TextPool three(3, 7);
  ASSERT_EQ(std::memcmp(single.prefix(TextPool::kSize).data(),
                        shared.prefix(TextPool::kSize).data(), TextPool::kSize),
            0);
  ASSERT_EQ(std::memcmp(single.prefix(TextPool::kSize).data(), three.prefix(TextPool::kSize).data(),
                        TextPool::kSize),
            0);
}

TEST(Generator, FirstRowOfEveryTable) {
  ScaleConfig config(0.01);
  auto first = [&](Table table) {
    std::string out;
    generateRows(config, table, 1, 1, out);
    return out.substr(0, out.find('\n'));
  };
  EXPECT_EQ(first(Table::Nation),
            "0|ALGERIA|0| haggle. carefully final deposits detect slyly agai|");
  EXPECT_EQ(first(Table::Region), "0|AFRICA|lar deposits. blithely final packages cajole. regular "
                                  "waters are final requests. regular accounts are according to |");
  EXPECT_EQ(first(Table::Supplier), "1|Supplier#000000001| N kD4on9OM Ipw3,gf0JBoQDd7tgrzrddZ|17|"
                                    "27-918-335-1736|5755.94|each slyly above the careful|");
  EXPECT_EQ(first(Table::Part),
            "1|goldenrod lavender spring chocolate lace|Manufacturer#1|Brand#13|"
            "PROMO BURNISHED COPPER|7|JUMBO PKG|901.00|ly. slyly ironi|");
  EXPECT_EQ(first(Table::Customer), "1|Customer#000000001|IVhzIApeRb ot,c,E|15|25-989-741-2988|"
                                    "711.56|BUILDING|to the even, regular platelets. regular, "
                                    "ironic epitaphs nag e|");
  EXPECT_EQ(first(Table::Orders), "1|370|O|172799.49|1996-01-02|5-LOW|Clerk#000000951|0|"
                                  "nstructions sleep furiously among |");
  EXPECT_EQ(first(Table::LineItem), "1|1552|93|1|17|24710.35|0.04|0.02|N|O|1996-03-13|1996-02-12|"
                                    "1996-03-22|DELIVER IN PERSON|TRUCK|egular courts above the|");
  EXPECT_EQ(first(Table::PartSupp), "1|2|3325|771.64|, even theodolites. regular, final "
                                    "theodolites eat after the carefully pending foxes. furiously "
                                    "regular deposits sleep slyly. carefully bold realms above the "
                                    "ironic dependencies haggle careful|");
}

TEST(Generator, ScaleDependentRowCounts) {
  ScaleConfig small(0.01), big(10);
  EXPECT_EQ(small.units(Table::Part), 2000);
  EXPECT_EQ(small.units(Table::Supplier), 100);
  EXPECT_EQ(small.units(Table::Orders), 15000);
  EXPECT_EQ(big.units(Table::Customer), 1500000);
  EXPECT_EQ(big.units(Table::Nation), 25);
}
