#include "common/large_buffer.h"

#include <sys/mman.h>
#include <unistd.h>

#include <mutex>
#include <new>
#include <unordered_map>
#include <utility>

namespace flern {

namespace {

/// Mappings given back, kept for reuse instead of unmapped. Memory a process hands back to the
/// kernel is zeroed (and, on virtual machines that report free pages to the host, faulted in at
/// the host) again when it is taken anew: in measurements on a 2-core VM that cost a bulk load
/// about a third of its time. Bounded to an eighth of the RAM; beyond that, mappings are unmapped.
class MappingPool {
public:
  static MappingPool& get() {
    static MappingPool* pool = new MappingPool; // never destroyed: static buffers outlive it
    return *pool;
  }

  void* take(size_t size) {
    std::lock_guard guard(lock_);
    auto found = free_.find(size);
    if (found == free_.end()) return nullptr;
    void* mapping = found->second;
    free_.erase(found);
    pooledBytes_ -= size;
    return mapping;
  }

  /// Keeps `mapping` for reuse; false when the pool is full (the caller unmaps it).
  bool give(void* mapping, size_t size) {
    std::lock_guard guard(lock_);
    if (pooledBytes_ + size > limit_) return false;
    free_.emplace(size, mapping);
    pooledBytes_ += size;
    return true;
  }

private:
  MappingPool() {
    long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGESIZE);
    limit_ = pages > 0 && pageSize > 0 ? static_cast<size_t>(pages) * pageSize / 8 : 0;
  }

  std::mutex lock_;
  std::unordered_multimap<size_t, void*> free_;
  size_t pooledBytes_ = 0;
  size_t limit_ = 0;
};

void release(char* data, size_t size) {
  if (data && !MappingPool::get().give(data, size)) munmap(data, size);
}

} // namespace

LargeBuffer::LargeBuffer(size_t size) : size_(size) {
  if (size == 0) return;
  if (void* reused = MappingPool::get().take(size)) {
    data_ = static_cast<char*>(reused);
    return;
  }
  void* mapping = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapping == MAP_FAILED) throw std::bad_alloc();
  // Advice only: without huge pages the buffer still works, just with more page faults.
  madvise(mapping, size, MADV_HUGEPAGE);
  data_ = static_cast<char*>(mapping);
}

LargeBuffer::LargeBuffer(LargeBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

LargeBuffer& LargeBuffer::operator=(LargeBuffer&& other) noexcept {
  if (this != &other) {
    release(data_, size_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

LargeBuffer::~LargeBuffer() {
  release(data_, size_);
}

} // namespace flern
