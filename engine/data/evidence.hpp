#pragma once
// The records behind a result, kept small. A national check can list millions of record ids in
// its evidence, and the same record is evidence of many rules (1,000 rules over 1M lets once held
// 16.5M ids as std::string, 528 MB). So ids are not copied per result: an EvidenceIds points into one
// shared, immutable copy of the ids of its dataset's records that are evidence (RecordIdPool, made
// once per evaluation, after the evidence is known: the evaluator gathers rows, then copies the
// ids of those rows and renumbers) and keeps 4 bytes per record. The pool is shared, not borrowed,
// so results outlive the dataset they came from. Ids written by hand (tests, results rebuilt
// elsewhere) are kept as owned strings.

#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace toets {

// A copy of a dataset's record ids: all ids back to back in `bytes`, row r at
// [offsets[r], offsets[r + 1]). 32-bit offsets, as the id column's own (engine/data/dataset.hpp):
// a pool holds ids of one dataset, at most all of them.
struct RecordIdPool {
  std::string bytes;
  std::vector<std::uint32_t> offsets{0};

  void append(std::string_view id) {  // the next row's id
    if (bytes.size() + id.size() > UINT32_MAX) throw std::length_error("record id pool over 4 GiB");
    bytes.append(id);
    offsets.push_back(static_cast<std::uint32_t>(bytes.size()));
  }
  std::string_view id(std::uint32_t row) const {
    return std::string_view(bytes).substr(offsets[row], offsets[row + 1] - offsets[row]);
  }
};

class EvidenceIds {
 public:
  EvidenceIds() = default;
  EvidenceIds(std::initializer_list<std::string> ids) : owned_(ids) {}

  // How many records are evidence; their ids are listed (begin() to end(), operator[]) unless the
  // evaluator was asked to list only the first few (list_at_most): then `listed()` of them, in
  // row order, and `complete()` is false.
  std::size_t size() const { return listed() + unlisted_; }
  bool empty() const { return size() == 0; }
  std::size_t listed() const { return pool_ ? rows_.size() : owned_.size(); }
  bool complete() const { return unlisted_ == 0; }
  // For a writer that keeps every id (the JSON report, a recorded run): a list in part is the
  // caller's mistake, said as `std::logic_error` naming the rule and the writer (`needs`).
  void require_complete(std::string_view rule, std::string_view needs) const {
    if (complete()) return;
    throw std::logic_error("rule " + std::string(rule) + ": " + std::string(needs) + " every record id, but " +
                           std::to_string(listed()) + " of " + std::to_string(size()) + " were gathered");
  }
  std::string_view operator[](std::size_t i) const { return pool_ ? pool_->id(rows_[i]) : std::string_view(owned_[i]); }

  // EvidenceIds from a pool: every id added after this is a row of that pool.
  void use_pool(std::shared_ptr<const RecordIdPool> pool) {
    pool_ = std::move(pool);
    owned_.clear();
  }
  void reserve(std::size_t n) { pool_ ? rows_.reserve(n) : owned_.reserve(n); }
  // Rows added after the first `n` are counted, not listed: a report that shows a few ids of a
  // group (the text report twelve) need not have millions gathered.
  void list_at_most(std::size_t n) { list_limit_ = n; }
  void add_row(std::uint32_t row) {  // only after use_pool
    if (rows_.size() < list_limit_) {
      rows_.push_back(row);
    } else {
      ++unlisted_;
    }
  }
  // For the evaluator, which fills the pool after the rows are known: the pool and the rows in it.
  const RecordIdPool* pool() const { return pool_.get(); }
  std::vector<std::uint32_t>& pool_rows() { return rows_; }
  const std::vector<std::uint32_t>& pool_rows() const { return rows_; }
  // An id by value; evidence from a pool becomes owned strings first (rare: tests, hostile ids).
  void push_back(std::string id) {
    materialise();
    owned_.push_back(std::move(id));
  }

  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = std::string_view;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = std::string_view;
    iterator(const EvidenceIds* evidence, std::size_t i) : evidence_(evidence), i_(i) {}
    std::string_view operator*() const { return (*evidence_)[i_]; }
    iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator==(const iterator& other) const { return i_ == other.i_; }

   private:
    const EvidenceIds* evidence_;
    std::size_t i_;
  };
  iterator begin() const { return iterator(this, 0); }
  iterator end() const { return iterator(this, listed()); }

  friend bool operator==(const EvidenceIds& a, const std::vector<std::string>& b) {
    if (a.size() != b.size() || !a.complete()) return false;
    for (std::size_t i = 0; i < b.size(); ++i) {
      if (a[i] != b[i]) return false;
    }
    return true;
  }

 private:
  void materialise() {
    if (!pool_) return;
    std::vector<std::string> ids;
    ids.reserve(rows_.size() + 1);
    for (std::uint32_t row : rows_) ids.emplace_back(pool_->id(row));
    owned_ = std::move(ids);
    rows_.clear();
    rows_.shrink_to_fit();
    pool_.reset();
  }

  std::shared_ptr<const RecordIdPool> pool_;
  std::vector<std::uint32_t> rows_;
  std::vector<std::string> owned_;
  std::size_t list_limit_ = static_cast<std::size_t>(-1);
  std::uint64_t unlisted_ = 0;  // records that are evidence beyond the ids listed
};

}  // namespace toets
