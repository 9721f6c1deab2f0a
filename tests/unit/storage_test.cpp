// Storage: chunked columns with null masks and string heaps, and the zstd checkpoint format.
#include "common/error.h"
#include "storage/catalog.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>

using namespace flern;

namespace {

std::shared_ptr<storage::Table> makeTable(int64_t rows) {
  auto table = std::make_shared<storage::Table>(
      "t", std::vector<storage::ColumnDef>{{"id", SqlType::int64(), true},
                                           {"name", SqlType::text(), false},
                                           {"price", SqlType::numeric(10, 2), false}});
  for (int64_t i = 0; i < rows; ++i) {
    int64_t row;
    storage::Chunk& chunk = table->data().reserveRow(row);
    reinterpret_cast<int64_t*>(chunk.columns[0].data())[row] = i;
    chunk.columns[0].nulls()[row] = 0;
    std::string name =
        i % 3 ? "name number " + std::to_string(i) + " is long" : "n" + std::to_string(i);
    reinterpret_cast<StringRef*>(chunk.columns[1].data())[row] =
        chunk.columns[1].internString(name);
    chunk.columns[1].nulls()[row] = 0;
    reinterpret_cast<__int128*>(chunk.columns[2].data())[row] = i * 100 + 5;
    chunk.columns[2].nulls()[row] = i % 7 == 0;
  }
  return table;
}

} // namespace

TEST(Storage, HeapChunksGrowToFullSize) {
  // 1,024 rows, then four times more a chunk up to kChunkRows: small results stay small.
  const int64_t rows = 1024 + 4096 + 16384 + storage::kChunkRows + 10;
  auto table = makeTable(rows);
  const auto& chunks = table->data().chunks();
  ASSERT_EQ(chunks.size(), 5u);
  std::vector<int64_t> capacities, counts;
  for (const auto& chunk : chunks) {
    capacities.push_back(chunk->capacity);
    counts.push_back(chunk->rows);
  }
  EXPECT_EQ(capacities,
            (std::vector<int64_t>{1024, 4096, 16384, storage::kChunkRows, storage::kChunkRows}));
  EXPECT_EQ(counts, (std::vector<int64_t>{1024, 4096, 16384, storage::kChunkRows, 10}));
  EXPECT_EQ(table->data().rowCount(), rows);
  // Values land where the chunk's column arrays say, across the chunk boundaries.
  int64_t id = 0;
  for (const auto& chunk : chunks)
    for (int64_t row = 0; row < chunk->rows; ++row, ++id)
      ASSERT_EQ(reinterpret_cast<const int64_t*>(chunk->columns[0].data())[row], id);
}

TEST(Storage, BulkChunksAreFullSizeFromTheStart) {
  storage::ColumnarBuffer buffer({SqlType::int32()}, storage::ChunkMemory::Bulk);
  for (int i = 0; i < 10; ++i) {
    int64_t row;
    buffer.reserveRow(row);
  }
  ASSERT_EQ(buffer.chunks().size(), 1u);
  EXPECT_EQ(buffer.chunks()[0]->capacity, storage::kChunkRows);
  EXPECT_EQ(buffer.chunks()[0]->columns[0].nulls()[9], 0); // masks start out clear
}

TEST(Storage, CheckpointRoundTrip) {
  auto dir =
      std::filesystem::temp_directory_path() / ("flern-storage-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  storage::Catalog catalog;
  catalog.add(makeTable(100000));
  catalog.checkpoint(dir);

  storage::Catalog loaded;
  loaded.load(dir);
  auto table = loaded.find("t");
  ASSERT_TRUE(table);
  ASSERT_EQ(table->data().rowCount(), 100000);
  EXPECT_TRUE(table->columns()[0].notNull);
  EXPECT_EQ(table->columns()[2].type, SqlType::numeric(10, 2));
  int64_t index = 0;
  for (const auto& chunk : table->data().chunks()) {
    for (int64_t r = 0; r < chunk->rows; ++r, ++index) {
      ASSERT_EQ(reinterpret_cast<int64_t*>(chunk->columns[0].data())[r], index);
      std::string expected = index % 3 ? "name number " + std::to_string(index) + " is long"
                                       : "n" + std::to_string(index);
      ASSERT_EQ(reinterpret_cast<StringRef*>(chunk->columns[1].data())[r].view(), expected);
      ASSERT_EQ(chunk->columns[2].nulls()[r], index % 7 == 0);
      if (index % 7) {
        ASSERT_EQ(reinterpret_cast<__int128*>(chunk->columns[2].data())[r], index * 100 + 5);
      }
    }
  }
  std::filesystem::remove_all(dir);
}

TEST(Storage, DuplicateTableIsAnError) {
  storage::Catalog catalog;
  catalog.add(makeTable(1));
  EXPECT_THROW(catalog.add(makeTable(1)), Error);
}
