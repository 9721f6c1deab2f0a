#include "common/large_buffer.h"

#include <sys/mman.h>

#include <new>
#include <utility>

namespace flern {

LargeBuffer::LargeBuffer(size_t size) : size_(size) {
  if (size == 0) return;
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
    if (data_) munmap(data_, size_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

LargeBuffer::~LargeBuffer() {
  if (data_) munmap(data_, size_);
}

} // namespace flern
