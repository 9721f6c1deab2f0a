// Big, long-lived byte buffers (the TPC-H text pool, bulk-loaded chunks) taken straight from the
// kernel with transparent huge pages requested: on virtual machines a 4 KiB page fault costs
// microseconds, and touching 300 MiB page by page would take longer than filling it. Buffers
// given back are kept (up to an eighth of the RAM) for the next buffer of the same size.
#pragma once

#include <cstddef>

namespace flern {

class LargeBuffer {
public:
  LargeBuffer() = default;
  /// `size` bytes of unspecified contents (zeros when fresh from the kernel, old data when
  /// reused); throws std::bad_alloc when the kernel refuses.
  explicit LargeBuffer(size_t size);
  LargeBuffer(LargeBuffer&& other) noexcept;
  LargeBuffer& operator=(LargeBuffer&& other) noexcept;
  LargeBuffer(const LargeBuffer&) = delete;
  LargeBuffer& operator=(const LargeBuffer&) = delete;
  ~LargeBuffer();

  char* data() { return data_; }
  const char* data() const { return data_; }
  size_t size() const { return size_; }

private:
  char* data_ = nullptr;
  size_t size_ = 0;
};

} // namespace flern
