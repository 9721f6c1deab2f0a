// The run-time side of a compiled query: the context every generated function receives, and the
// data structures generated code manipulates through hashtable.* and sort.* ops.
//
// ABI (read by jit/ lowering): QueryContext starts with `void** slots`; a HashTable starts with
// its directory pointer then its mask; an entry's header (next payload pointer, then hash) sits
// in the 16 bytes before the payload pointer that generated code sees.
#pragma once

#include "common/error.h"

#include <csetjmp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace flern::ir {

/// Bump allocator for values a query creates (cast strings, upper(), ...).
class Arena {
public:
  Arena() = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  ~Arena();
  char* allocate(size_t bytes);

private:
  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t used_ = 0;
  size_t capacity_ = 0;
  int64_t charged_ = 0;
};

struct QueryContext {
  void** slots = nullptr; ///< must stay the first member (read by generated code)
  std::jmp_buf* errorJump = nullptr;
  std::optional<Error> error;
  Arena arena;
  int64_t memoryCharged = 0; ///< bytes charged by chargeQueryMemory, released on destruction
  int64_t chunksSkipped = 0; ///< table chunks that zone maps ruled out (EXPLAIN ANALYZE)
  /// Replaces the object behind a state slot with a fresh one (set by the executor; used
  /// between iterations of WITH RECURSIVE).
  std::function<void(int64_t slot)> recreateState;

  QueryContext() = default;
  QueryContext(const QueryContext&) = delete;
  QueryContext& operator=(const QueryContext&) = delete;
  ~QueryContext();
};

/// Memory accounting of running queries: the large allocations that generated code causes
/// (result chunks, arena blocks, hash-table directories) are charged to the query running on
/// the thread; when all queries together pass the limit, the charging query stops with 53200
/// (out of memory) instead of the server being killed by the kernel.
void setQueryMemoryLimit(int64_t bytes);
/// The query whose generated code runs on this thread (null outside generated code).
void setCurrentQuery(QueryContext* context);
/// Charges `bytes` to the current query; may leave generated code with 53200.
void chargeQueryMemory(int64_t bytes);
/// Gives back `bytes` charged to the current query, for memory freed while its generated code
/// runs (state recreated between iterations of WITH RECURSIVE). Outside generated code it does
/// nothing: the query's charges are released as a whole when its context goes.
void releaseQueryMemory(int64_t bytes);

/// Chained hash table with entries in a bump arena. Inserts link into the directory at once
/// (doubling it past load factor 1), so the same table serves joins and aggregation.
class HashTable {
public:
  explicit HashTable(int64_t payloadBytes);
  ~HashTable();
  HashTable(const HashTable&) = delete;
  HashTable& operator=(const HashTable&) = delete;

  /// Adds an entry with `hash`; returns its zeroed payload.
  char* insert(uint64_t hash);
  int64_t size() const { return static_cast<int64_t>(entries_.size()); }
  char* entryAt(int64_t index) const { return entries_[index]; }

  // Read by generated code at fixed offsets: keep first and in this order.
  char** directory = nullptr;
  uint64_t mask = 0;

private:
  void grow();

  int64_t payloadBytes_;
  int64_t directoryCharged_ = 0;
  Arena arena_;
  std::vector<char*> entries_;
};

/// Rows of fixed width appended, then sorted with a generated comparator.
class SortBuffer {
public:
  explicit SortBuffer(int64_t rowBytes) : rowBytes_(rowBytes) {}
  char* append();
  void sort(int32_t (*compare)(const char*, const char*));
  int64_t size() const { return static_cast<int64_t>(rows_.size()); }
  char* rowAt(int64_t index) const { return rows_[index]; }

private:
  int64_t rowBytes_;
  Arena arena_;
  std::vector<char*> rows_;
};

/// Addresses of every function generated code may call, by symbol name.
struct RuntimeSymbol {
  const char* name;
  void* address;
};
const std::vector<RuntimeSymbol>& runtimeSymbols();
/// The SMALLINT/REAL and date/time functions (datetime_runtime.cpp), part of runtimeSymbols().
const std::vector<RuntimeSymbol>& datetimeRuntimeSymbols();

} // namespace flern::ir
