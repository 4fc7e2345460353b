#pragma once
// What a shared report may say about the people behind the records (docs/reports.md, "Privacy").
//
// Allocation exports hold personal data: a household's income, size and the applicant's age.
// Reports carry record ids only, never those values; with a pseudonym key the ids themselves
// become stable keyed hashes (HMAC-SHA256), so two reports made with the same key name a record
// the same way and only the key's holder can tell which record it is. A group of fewer records
// than the minimum group size is "indicative": its figures are shown, its evidence is not, and a
// measure that aggregates a personal column (avg, min, max, sum of incomes) is withheld too.
//
// Every report writer goes through Privacy; none reads evidence, group values, messages or
// rejections directly. Immutable after construction; safe to share between threads.

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "engine/data/dataset.hpp"
#include "engine/data/result.hpp"
#include "engine/base/sha256.hpp"  // hmac_sha256_hex, for the pseudonyms

namespace toets {

struct ReportOptions;

// Columns that describe a person or household (income, size, age): their values never appear in
// a report, a log line or a rejection message shown to anyone but the file's owner.
bool is_personal_column(std::string_view dataset, std::string_view column);

// Record-id columns (allocation_id, dwelling_id, mutation_id, project_id): pseudonymised on request.
bool is_id_column(std::string_view column);

// "p-" and the first 12 hex digits of HMAC-SHA256(key, id). Deterministic for a key.
std::string pseudonym(std::string_view id, std::string_view key);

// A rejection of a `dataset` row as a log line or a report may show it (Privacy::rejection
// without pseudonyms): the value only for a non-personal canonical column, never a whole record.
Rejection loggable_rejection(std::string_view dataset, const Rejection& rejection);


class Privacy {
 public:
  explicit Privacy(const ReportOptions& options);

  // 0 < records < min_group_size: figures are indicative, evidence withheld.
  bool indicative(const RuleResult& result) const;
  // The evidence may not be shown (an indicative group, or a group that is a personal value:
  // `per household_size` would tie each listed id to its household's size); the count may.
  bool evidence_withheld(const RuleResult& result) const;
  // Why, in words: "fewer than 5 records in the group" (English) or Dutch.
  std::string withheld_reason(const RuleResult& result, bool dutch) const;
  // The ids to show, the first `limit` of them: pseudonymised when a key is set; empty when
  // withheld. A report that lists a few of a group's ids asks for those only.
  std::vector<std::string> evidence(const RuleResult& result,
                                    std::size_t limit = std::numeric_limits<std::size_t>::max()) const;
  // The same ids one at a time, `emit(std::string_view)` each, without a string per id unless
  // pseudonymised: a report of many rules lists millions (the JSON report).
  // The first `limit` of them.
  template <typename Emit>
  void for_each_evidence(const RuleResult& result, Emit&& emit,
                         std::size_t limit = std::numeric_limits<std::size_t>::max()) const {
    if (result.evidence.empty() || evidence_withheld(result)) return;
    for (const std::string_view raw : result.evidence) {
      if (limit-- == 0) return;
      if (key_.empty()) {
        emit(raw);
      } else {
        const std::string shown = id(raw);
        emit(std::string_view(shown));
      }
    }
  }
  // The measure aggregates a personal column over an indicative group: show no value.
  bool measure_withheld(const RuleResult& result) const;
  // A record id as it may be shown.
  std::string id(std::string_view raw) const;
  // Group fields with record-id values (per project_id) pseudonymised.
  std::vector<GroupField> group(const std::vector<GroupField>& fields) const;
  // A result's note with the ids of the records it names pseudonymised.
  ResultNote note(const ResultNote& note) const;
  // A rejection as it may be shown: the value only for a non-personal canonical column (ids
  // pseudonymised), never the whole record; values withheld are also taken out of the reason.
  Rejection rejection(const LoadReport& load, const Rejection& rejection) const;

  bool pseudonymising() const { return !key_.empty(); }
  std::uint64_t min_group_size() const { return min_group_size_; }

 private:
  std::string key_;
  std::uint64_t min_group_size_;
};

// Shown instead of a withheld value: kWithheld (rejection_reason.hpp).

}  // namespace toets
