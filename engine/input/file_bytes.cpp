// Reading a data file whole: mapped where it can be, one open and one size, a file changed while
// it is read found out (the readers' FileBytes; engine/input/load_common.hpp declares it).

#include "dsl/source/text.hpp"
#include "engine/input/load_common.hpp"
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <system_error>
#include <utility>
#include "dsl/source/calendar.hpp"
#include "dsl/source/diagnostics.hpp"
#include "dsl/source/visible_text.hpp"
#include "engine/data/cell_values.hpp"
#include "engine/base/unicode_text.hpp"
#include "engine/data/value_rules.hpp"

namespace toets {
namespace loading {

namespace {
std::string system_reason() { return std::error_code(errno, std::generic_category()).message(); }
}  // namespace

// ---------------------------------------------------------------------------------------------
// Files

namespace {
void forget_mapped_file(int index);  // below, with the SIGBUS handler
}  // namespace

FileBytes::FileBytes(FileBytes&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      mapped_(std::exchange(other.mapped_, false)),
      mapped_slot_(std::exchange(other.mapped_slot_, -1)),
      buffer_(std::move(other.buffer_)),
      file_(std::exchange(other.file_, std::nullopt)) {}

FileBytes& FileBytes::operator=(FileBytes&& other) noexcept {
  if (this != &other) {
    FileBytes old(std::move(*this));
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    mapped_ = std::exchange(other.mapped_, false);
    mapped_slot_ = std::exchange(other.mapped_slot_, -1);
    buffer_ = std::move(other.buffer_);
    file_ = std::exchange(other.file_, std::nullopt);
  }
  return *this;
}

FileBytes::~FileBytes() {
  if (!mapped_) return;
  forget_mapped_file(mapped_slot_);
  ::munmap(const_cast<char*>(data_), size_);
}

bool FileBytes::changed_since_opened() const {
  if (!file_) return false;
  struct stat now {};
  if (::fstat(file_->fd(), &now) != 0) return true;
  const struct stat& then = file_->status();
  return now.st_size != then.st_size || now.st_mtim.tv_sec != then.st_mtim.tv_sec ||
         now.st_mtim.tv_nsec != then.st_mtim.tv_nsec;
}

void require_unchanged(const FileBytes& file, const std::string& path) {
  if (file.changed_since_opened()) {
    throw DataFileError(path + ": the file changed while it was read (is another program still writing it?); "
                               "nothing of it was used: read it again once it is complete");
  }
}

void FileBytes::release_before(const char* until) const {
  if (!mapped_) return;
  static const auto kPage = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto begin = reinterpret_cast<std::uintptr_t>(data_);
  const std::uintptr_t end = reinterpret_cast<std::uintptr_t>(until) & ~(kPage - 1);
  if (end > begin) ::madvise(const_cast<char*>(data_), end - begin, MADV_DONTNEED);
}

namespace {

// A mapped file that another process truncates makes the next read of a page beyond its new end
// raise SIGBUS. Not a crash for the user: the handler says which file and ends the process with
// status 2, as for any input that cannot be read. Several files may be mapped at once (toets check
// loads its files together), so each mapping claims a slot with its address range and path, and
// the handler names the one holding the faulting address. Only async-signal-safe work in the
// handler: it reads the slots through atomics. Installed once, only where nothing else handles
// SIGBUS.
struct MappedFileSlot {
  std::atomic<bool> claimed{false};
  std::atomic<const char*> begin{nullptr};  // set last, after end and path; null: not in use
  const char* end = nullptr;
  char path[1024] = {};
};
constexpr std::size_t kMappedFileSlots = 16;
MappedFileSlot g_mapped_files[kMappedFileSlots];

void write_text(const char* text, std::size_t length) { (void)!::write(STDERR_FILENO, text, length); }

extern "C" void on_mapped_file_truncated(int, siginfo_t* info, void*) {
  static constexpr char kStart[] = "toets: error: ";
  static constexpr char kUnknown[] = "a data file";
  static constexpr char kEnd[] =
      ": the file changed size while it was read (is another program still writing it? check a copy)\n";
  const char* address = info != nullptr ? static_cast<const char*>(info->si_addr) : nullptr;
  const char* path = kUnknown;
  for (MappedFileSlot& slot : g_mapped_files) {
    const char* begin = slot.begin.load(std::memory_order_acquire);
    if (begin != nullptr && address >= begin && address < slot.end) path = slot.path;
  }
  write_text(kStart, sizeof kStart - 1);
  write_text(path, ::strnlen(path, sizeof MappedFileSlot::path));
  write_text(kEnd, sizeof kEnd - 1);
  ::_exit(2);
}

// The slot now describing [begin, begin + size) as `path`, or -1 when all are taken (the handler
// then says "a data file").
int note_mapped_file(const std::string& path, const char* begin, std::size_t size) {
  static std::once_flag installed;
  std::call_once(installed, [] {
    struct sigaction current {};
    if (::sigaction(SIGBUS, nullptr, &current) != 0 || current.sa_handler != SIG_DFL) return;
    struct sigaction action {};
    action.sa_sigaction = on_mapped_file_truncated;
    action.sa_flags = SA_SIGINFO;
    ::sigemptyset(&action.sa_mask);
    ::sigaction(SIGBUS, &action, nullptr);
  });
  for (std::size_t i = 0; i < kMappedFileSlots; ++i) {
    MappedFileSlot& slot = g_mapped_files[i];
    if (slot.claimed.exchange(true, std::memory_order_acq_rel)) continue;
    const std::size_t length = std::min(path.size(), sizeof slot.path - 1);
    std::memcpy(slot.path, path.data(), length);
    slot.path[length] = '\0';
    slot.end = begin + size;
    slot.begin.store(begin, std::memory_order_release);
    return static_cast<int>(i);
  }
  return -1;
}

void forget_mapped_file(int index) {
  if (index < 0) return;
  MappedFileSlot& slot = g_mapped_files[static_cast<std::size_t>(index)];
  slot.begin.store(nullptr, std::memory_order_release);
  slot.claimed.store(false, std::memory_order_release);
}

}  // namespace

FileBytes read_whole_file(const std::string& path) {
  // Only a regular file, opened without blocking (a FIFO would hang the open, a device give bytes
  // forever), and its size asked once: what is read is the file as it was then.
  std::string problem;
  std::optional<OpenedFile> opened = open_regular_file(path, problem);
  if (!opened) throw DataFileError(path + ": " + problem);
  const struct stat status = opened->status();
  FileBytes contents;
  contents.file_ = std::move(opened);  // kept open: changed_since_opened() asks it
  const int fd = contents.file_->fd();
  if (status.st_size == 0) return contents;
  {
    const auto size = static_cast<std::size_t>(status.st_size);
    void* mapped = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (mapped != MAP_FAILED) {
      ::madvise(mapped, size, MADV_SEQUENTIAL);
      contents.data_ = static_cast<const char*>(mapped);
      contents.size_ = size;
      contents.mapped_ = true;
      contents.mapped_slot_ = note_mapped_file(path, contents.data_, size);
      return contents;
    }
  }

  // A file that cannot be mapped is read: the size it had when opened, no more.
  const auto size = static_cast<std::size_t>(status.st_size);
  std::unique_ptr<char[]> bytes(new char[size]);
  std::size_t got = 0;
  while (got < size) {
    const ::ssize_t n = ::read(fd, bytes.get() + got, size - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw DataFileError(path + ": cannot read: " + system_reason());
    }
    if (n == 0) break;  // it shrank since the open: changed_since_opened() says so
    got += static_cast<std::size_t>(n);
  }
  contents.buffer_ = std::move(bytes);
  contents.data_ = contents.buffer_.get();
  contents.size_ = got;
  return contents;
}

}  // namespace loading
}  // namespace toets
