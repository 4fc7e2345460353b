#include "engine/input/memory_limits.hpp"

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <iterator>
#include <new>
#include <sstream>
#include <string_view>
#include <thread>

#include "dsl/source/visible_text.hpp"
#include "engine/input/load_common.hpp"

namespace toets {

namespace {

constexpr std::size_t kStageBytes = 240;
// Given back when memory first runs out, so that unwinding and the message have room.
constexpr std::size_t kReserveBytes = 32u << 20;

// The stage of each thread as text (copied: the handler may run in any thread and must not
// follow a pointer another thread is freeing); the main thread's is also the fallback of threads
// without one (a reader's worker threads).
thread_local char t_stage[kStageBytes] = {};
char g_main_stage[kStageBytes] = {};
char g_failed_stage[kStageBytes] = {};  // the stage when memory first ran out
// The innermost stage an exception left: where a std::bad_alloc or a thread that could not be
// started came from, once the stages have been unwound to the command's catch.
char g_unwound_stage[kStageBytes] = {};
std::atomic<bool> g_out_of_memory{false};
std::atomic<void*> g_reserve{nullptr};
std::thread::id g_main_thread;
std::terminate_handler g_previous_terminate = nullptr;

void copy_stage(char* to, const char* from) {
  std::strncpy(to, from, kStageBytes - 1);
  to[kStageBytes - 1] = '\0';
}

const char* current_stage() {
  if (t_stage[0] != '\0') return t_stage;
  return g_main_stage[0] != '\0' ? g_main_stage : "starting";
}

// The message without allocating: snprintf into the caller's buffer.
int format_out_of_memory(char* buffer, std::size_t size, const char* prefix) {
  const char* stage = g_failed_stage[0] != '\0'    ? g_failed_stage
                      : g_unwound_stage[0] != '\0' ? g_unwound_stage
                                                   : current_stage();
  rlimit limit{};
  if (::getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    return std::snprintf(buffer, size, "%sout of memory while %s (the address space is limited to %llu MiB: ulimit -v)",
                         prefix, stage, static_cast<unsigned long long>(limit.rlim_cur >> 20));
  }
  return std::snprintf(buffer, size, "%sout of memory while %s", prefix, stage);
}

[[noreturn]] void exit_out_of_memory() {
  char buffer[512];
  int length = format_out_of_memory(buffer, sizeof buffer - 1, "toets: error: ");
  if (length < 0) length = 0;
  if (static_cast<std::size_t>(length) > sizeof buffer - 2) length = sizeof buffer - 2;
  buffer[length++] = '\n';
  [[maybe_unused]] const auto written = ::write(STDERR_FILENO, buffer, static_cast<std::size_t>(length));
  std::_Exit(2);
}

void note_out_of_memory() {
  if (!g_out_of_memory.exchange(true)) copy_stage(g_failed_stage, current_stage());
}

void on_allocation_failure() {
  note_out_of_memory();
  if (void* reserve = g_reserve.exchange(nullptr)) {
    std::free(reserve);
    throw std::bad_alloc();
  }
  exit_out_of_memory();  // out again, with the reserve spent: no room left to unwind in
}

void on_terminate() {
  bool memory = g_out_of_memory.load();
  if (const std::exception_ptr failure = std::current_exception()) {
    try {
      std::rethrow_exception(failure);
    } catch (const std::bad_alloc&) {
      memory = true;
    } catch (...) {
    }
  }
  if (memory) {
    note_out_of_memory();
    exit_out_of_memory();
  }
  if (g_previous_terminate != nullptr) g_previous_terminate();
  std::abort();
}

std::optional<std::uint64_t> meminfo_kib(const std::string& text, std::string_view key) {
  const std::size_t at = text.find(std::string(key) + ":");
  if (at == std::string::npos) return std::nullopt;
  return std::strtoull(text.c_str() + at + key.size() + 1, nullptr, 10);
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::string text;
  std::getline(in, text, '\0');
  return text;
}

// A cgroup's memory file as a number; nullopt when absent, "max" or beyond 2^60 (v1's "no limit").
std::optional<std::uint64_t> cgroup_number(const std::string& path) {
  const std::string text = read_text(path);
  if (text.empty() || text.rfind("max", 0) == 0) return std::nullopt;
  const std::uint64_t value = std::strtoull(text.c_str(), nullptr, 10);
  return value >= (1ull << 60) ? std::nullopt : std::optional<std::uint64_t>(value);
}

// What this process's cgroup may still take: its limit less its use, its page cache (which the
// kernel gives back under pressure) counted as free. cgroup v2 (memory.max) or v1
// (memory.limit_in_bytes); nullopt without a limit.
std::optional<std::uint64_t> cgroup_memory_left() {
  // /proc/self/cgroup: "0::/path" (v2), "4:memory:/path" (v1); "" for the root.
  std::string v2_group;
  std::string v1_group;
  std::istringstream self(read_text("/proc/self/cgroup"));
  for (std::string line; std::getline(self, line);) {
    const std::size_t first = line.find(':');
    const std::size_t second = first == std::string::npos ? first : line.find(':', first + 1);
    if (second == std::string::npos) continue;
    const std::string controllers = line.substr(first + 1, second - first - 1);
    const std::string group = line.substr(second + 1) == "/" ? "" : line.substr(second + 1);
    if (line.rfind("0::", 0) == 0) v2_group = group;
    if (controllers == "memory") v1_group = group;
  }
  struct Layout {
    std::string folder, limit, usage, active_file, inactive_file;
  };
  const std::string v2 = "/sys/fs/cgroup" + v2_group;
  const std::string v1 = "/sys/fs/cgroup/memory";
  const Layout layouts[] = {
      {v2, "memory.max", "memory.current", "active_file", "inactive_file"},
      {v1 + v1_group, "memory.limit_in_bytes", "memory.usage_in_bytes", "total_active_file", "total_inactive_file"},
      {v1, "memory.limit_in_bytes", "memory.usage_in_bytes", "total_active_file", "total_inactive_file"},
  };
  for (const Layout& layout : layouts) {
    const auto limit = cgroup_number(layout.folder + "/" + layout.limit);
    if (!limit) continue;
    const std::uint64_t used = cgroup_number(layout.folder + "/" + layout.usage).value_or(0);
    const std::string stat = "\n" + read_text(layout.folder + "/memory.stat");
    const auto stat_value = [&](const std::string& key) -> std::uint64_t {
      const std::size_t at = stat.find("\n" + key + " ");
      return at == std::string::npos ? 0 : std::strtoull(stat.c_str() + at + key.size() + 2, nullptr, 10);
    };
    const std::uint64_t cache = stat_value(layout.active_file) + stat_value(layout.inactive_file);
    const std::uint64_t held = used > cache ? used - cache : 0;
    return *limit > held ? *limit - held : 0;
  }
  return std::nullopt;
}

}  // namespace

MemoryStage::MemoryStage(const std::string& doing) : outer_(t_stage), exceptions_(std::uncaught_exceptions()) {
  g_unwound_stage[0] = '\0';  // on to something new: an earlier exception is not this one's
  // Shown escaped: the message may be written without the output guard, straight to stderr.
  copy_stage(t_stage, visible(doing).c_str());
  if (std::this_thread::get_id() == g_main_thread) copy_stage(g_main_stage, t_stage);
}

MemoryStage::~MemoryStage() {
  if (std::uncaught_exceptions() > exceptions_ && g_unwound_stage[0] == '\0') copy_stage(g_unwound_stage, t_stage);
  copy_stage(t_stage, outer_.c_str());
  if (std::this_thread::get_id() == g_main_thread) copy_stage(g_main_stage, t_stage);
}

void install_out_of_memory_handler() {
  g_main_thread = std::this_thread::get_id();
  g_reserve.store(std::malloc(kReserveBytes));
  std::set_new_handler(on_allocation_failure);
  g_previous_terminate = std::set_terminate(on_terminate);
}

std::string out_of_memory_message() {
  char buffer[512];
  const int length = format_out_of_memory(buffer, sizeof buffer, "");
  return std::string(buffer,
                     length < 0 ? 0 : std::min<std::size_t>(static_cast<std::size_t>(length), sizeof buffer - 1));
}

MemoryAvailable memory_available() {
  MemoryAvailable available;
  rlimit limit{};
  if (::getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    // Pages of address space this process holds now: the first field of /proc/self/statm.
    const std::uint64_t pages = std::strtoull(read_text("/proc/self/statm").c_str(), nullptr, 10);
    const std::uint64_t used = pages * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    available.address_space = limit.rlim_cur > used ? limit.rlim_cur - used : 0;
  }
  const std::string meminfo = read_text("/proc/meminfo");
  if (const auto kib = meminfo_kib(meminfo, "MemAvailable")) {
    available.physical = (*kib + meminfo_kib(meminfo, "SwapFree").value_or(0)) * 1024;
  } else if (const long pages = ::sysconf(_SC_AVPHYS_PAGES); pages > 0) {
    available.physical = static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  }
  if (const auto left = cgroup_memory_left()) {
    available.physical = available.physical ? std::min(*available.physical, *left) : *left;
  }
  return available;
}

MemoryNeed memory_needed_to_read(std::uint64_t file_bytes, double kept_share) {
  const double share = std::clamp(kept_share, 0.0, 1.0);
  const auto rows = static_cast<std::uint64_t>(static_cast<double>(file_bytes) * (0.5 + share));
  return MemoryNeed{file_bytes + rows, rows};
}

std::optional<std::string> memory_shortfall(const MemoryNeed& need, std::uint64_t file_bytes,
                                            const MemoryAvailable& available) {
  const std::string reading = "reading it (" + byte_size_text(file_bytes) + ") needs about ";
  if (available.address_space && need.address_space > *available.address_space) {
    return reading + byte_size_text(need.address_space) + " of address space; " +
           byte_size_text(*available.address_space) + " is left under this process's limit (ulimit -v)";
  }
  if (available.physical && need.physical > *available.physical) {
    return reading + byte_size_text(need.physical) + " of memory; the system has " +
           byte_size_text(*available.physical) + " available";
  }
  return std::nullopt;
}

void refuse_data_file_beyond_memory(const std::string& path, double kept_share) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0 || !S_ISREG(status.st_mode)) return;
  const auto bytes = static_cast<std::uint64_t>(status.st_size);
  if (const auto reason = memory_shortfall(memory_needed_to_read(bytes, kept_share), bytes, memory_available())) {
    throw DataFileError(path + ": too large for the memory toets may use: " + *reason);
  }
}

std::string byte_size_text(std::uint64_t bytes) {
  static constexpr const char* kUnits[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024) return std::to_string(bytes) + " bytes";
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f %s", value, kUnits[unit]);
  return buffer;
}

}  // namespace toets
