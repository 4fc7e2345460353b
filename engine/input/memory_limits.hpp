#pragma once
// Running out of memory ends a command with a message and exit 2, never an abort
// (docs/robustness.md, "Memory"):
//
// - before a data file is read, its need is estimated from its size and compared with what the
//   process may still use; a file that cannot fit is refused at once, saying how much it needs;
// - when an allocation fails anyway, the handler installed by install_out_of_memory_handler()
//   gives back a reserve and throws std::bad_alloc, which the command line turns into
//   "out of memory while <what it was doing>"; if memory runs out again while unwinding, or the
//   exception meets a noexcept boundary (a worker thread, a destructor), the message is written
//   without allocating and the process exits 2 at once.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace toets {

// What the command is doing while the object lives, for the message when memory runs out:
// "reading allocations from big.csv". Nested stages restore the outer one when they end. Set
// from the command's thread; worker threads started meanwhile report the same stage.
class MemoryStage {
 public:
  explicit MemoryStage(const std::string& doing);
  ~MemoryStage();
  MemoryStage(const MemoryStage&) = delete;
  MemoryStage& operator=(const MemoryStage&) = delete;

 private:
  std::string outer_;  // the stage before this one, restored at the end
  int exceptions_;     // std::uncaught_exceptions() at the start: more at the end is unwinding
};

// Sets the new-handler and the terminate handler described above; call once, first thing.
void install_out_of_memory_handler();
// "out of memory while reading allocations from big.csv (the address space is limited to
// 300 MiB: ulimit -v)", the limit only when there is one. Allocates nothing.
std::string out_of_memory_message();

// Memory this process may still take: address space under its limit (RLIMIT_AS, `ulimit -v`),
// physical memory the system has available (MemAvailable and free swap, within the limit of the
// process's cgroup, v2 or v1, its page cache counted as free). nullopt where there is no limit or
// it cannot be read.
struct MemoryAvailable {
  std::optional<std::uint64_t> address_space;
  std::optional<std::uint64_t> physical;
};
MemoryAvailable memory_available();

// What reading a data file of `file_bytes` takes, about, when `kept_share` of its columns are
// kept (0 to 1; docs/robustness.md has the measurements): the file is mapped, which takes address
// space but no memory of its own (its pages are given back as they are read); its rows, with the
// chunks being read and joined and every record id checked for duplicates, half its size plus
// its size times the share kept.
struct MemoryNeed {
  std::uint64_t address_space = 0;
  std::uint64_t physical = 0;
};
MemoryNeed memory_needed_to_read(std::uint64_t file_bytes, double kept_share);

// nullopt when reading a data file fits in what is available; else why not, e.g. "reading it
// (2.0 GiB) needs about 4.1 GiB of address space; 2.5 GiB is left under this process's limit
// (ulimit -v)".
std::optional<std::string> memory_shortfall(const MemoryNeed& need, std::uint64_t file_bytes,
                                            const MemoryAvailable& available);
// Throws DataFileError ("PATH: too large for the memory toets may use: ...") when the regular
// file at `path` cannot fit in what is available now; nothing for other files, whose size is not
// known beforehand.
void refuse_data_file_beyond_memory(const std::string& path, double kept_share);

// 1536 -> "1.5 KiB", 3221225472 -> "3.0 GiB".
std::string byte_size_text(std::uint64_t bytes);

}  // namespace toets
