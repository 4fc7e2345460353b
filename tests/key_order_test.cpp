// Runs of ascending keys (engine/input/key_order.hpp), on datasets made by hand: which order a
// chunk's keys are followed in, where their runs break, and when runs are not worth following.
// The loads that rest on them are tested in csv_chunks_test.cpp (KeyRuns*).

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "engine/data/dataset.hpp"
#include "engine/input/key_order.hpp"

namespace toets {
namespace {

using loading::find_key_runs;
using loading::kColumnsReversed;
using loading::key_after;
using loading::KeyRuns;
using loading::kTextByLength;

const DatasetSchema& allocations() { return *find_dataset("allocations"); }
const DatasetSchema& stock() { return *find_dataset("stock"); }

// Allocations holding only their ids (the id column is always kept), one row per id, "" missing.
Dataset allocations_with_ids(const std::vector<std::string>& ids) {
  const DatasetSchema& schema = allocations();
  Dataset data(schema, std::vector<bool>(schema.columns.size(), false));
  ColumnData& column = data.column(schema.id_column);
  for (std::size_t row = 0; row < ids.size(); ++row) {
    column.raw += ids[row];
    column.raw_offsets.push_back(static_cast<std::uint32_t>(column.raw.size()));
    data.commit_row(row + 2);
  }
  return data;
}

// Stock holding only its key (dwelling_id, snapshot_date), the dates as day numbers.
Dataset stock_with_keys(const std::vector<std::pair<std::string, std::int32_t>>& keys) {
  const DatasetSchema& schema = stock();
  Dataset data(schema, std::vector<bool>(schema.columns.size(), false));
  ColumnData& dwelling = data.column(schema.unique_key[0]);
  ColumnData& snapshot = data.column(schema.unique_key[1]);
  for (std::size_t row = 0; row < keys.size(); ++row) {
    dwelling.raw += keys[row].first;
    dwelling.raw_offsets.push_back(static_cast<std::uint32_t>(dwelling.raw.size()));
    snapshot.push_value(keys[row].second);
    data.commit_row(row + 2);
  }
  return data;
}

std::vector<std::uint32_t> id_key() { return {allocations().id_column}; }

std::vector<std::string> numbered(const std::string& prefix, int from, int to) {
  std::vector<std::string> ids;
  for (int i = from; i <= to; ++i) ids.push_back(prefix + std::to_string(i));
  return ids;
}

TEST(KeyRuns, IdsNumberedWithoutLeadingZerosAreOneRunShorterFirst) {
  // L1 .. L3000: by bytes L10 comes before L9, so only shorter-first sees one run.
  const KeyRuns runs = find_key_runs(allocations_with_ids(numbered("L", 1, 3000)), id_key());
  EXPECT_TRUE(runs.ordered);
  EXPECT_EQ(runs.order, kTextByLength);
  EXPECT_TRUE(runs.breaks.empty());
}

TEST(KeyRuns, IdsSortedAsTextAreOneRunByBytes) {
  std::vector<std::string> ids = numbered("A", 1, 3000);
  std::sort(ids.begin(), ids.end());  // A1, A10, A100, A1000, A1001, ...
  const KeyRuns runs = find_key_runs(allocations_with_ids(ids), id_key());
  EXPECT_TRUE(runs.ordered);
  EXPECT_EQ(runs.order, 0);
  EXPECT_TRUE(runs.breaks.empty());
}

TEST(KeyRuns, LongIdsAscendByTheirFirstDifferingByte) {
  // Ids of 13 bytes, compared eight at a time: 00000019-2026 before 00000020-2026 because of
  // byte 6 ('1' < '2'), whatever byte 7 holds.
  std::vector<std::string> ids;
  for (int i = 1; i <= 3000; ++i) {
    const std::string number = std::to_string(i);
    ids.push_back(std::string(8 - number.size(), '0') + number + "-2026");
  }
  const Dataset data = allocations_with_ids(ids);
  EXPECT_TRUE(key_after(data, id_key(), 0, 18, 19));  // 00000019-2026, 00000020-2026
  EXPECT_FALSE(key_after(data, id_key(), 0, 19, 18));
  const KeyRuns runs = find_key_runs(data, id_key());
  EXPECT_TRUE(runs.ordered);
  EXPECT_TRUE(runs.breaks.empty());
}

TEST(KeyRuns, TheInlineIdCompareBreaksWhereTheGeneralOneDoes) {
  // 20,000 ids of 1-20 bytes of any value from 0x01 (bytes from 0x80 up order after ASCII),
  // sorted by bytes, with 12 of them swapped with their successor: runs found by the inline
  // compare of one id column must break exactly where key_after says a row is not after the one
  // before it.
  std::mt19937 random(5);
  std::vector<std::string> ids(20000);
  for (std::string& id : ids) {
    id.resize(1 + random() % 20);
    for (char& byte : id) byte = static_cast<char>(1 + random() % 255);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  for (int swap = 0; swap < 12; ++swap) {
    const std::size_t at = 1000 + static_cast<std::size_t>(swap) * 1500;
    std::swap(ids[at], ids[at + 1]);
  }
  const Dataset data = allocations_with_ids(ids);
  const KeyRuns runs = find_key_runs(data, id_key());
  ASSERT_TRUE(runs.ordered);
  EXPECT_EQ(runs.order, 0);  // shorter-first breaks nearly every row of ids of random lengths
  std::vector<std::uint32_t> expected;
  for (std::size_t row = 1; row < ids.size(); ++row) {
    if (!key_after(data, id_key(), runs.order, row - 1, row)) expected.push_back(static_cast<std::uint32_t>(row));
  }
  EXPECT_EQ(expected.size(), 12U);
  EXPECT_EQ(runs.breaks, expected);
}

TEST(KeyRuns, ExportsJoinedOneAfterTheOtherBreakWhereEachBegins) {
  // As the benchmark's generator writes: 8 ids X000001.., 564 ids S1.., then L1.. (rows 0-7,
  // 8-571, 572-). S1 is shorter than X000008 and L1 than S564: two breaks, at rows 8 and 572.
  std::vector<std::string> ids = numbered("X00000", 1, 8);
  for (const std::string& id : numbered("S", 1, 564)) ids.push_back(id);
  for (const std::string& id : numbered("L", 1, 5000)) ids.push_back(id);
  const KeyRuns runs = find_key_runs(allocations_with_ids(ids), id_key());
  EXPECT_TRUE(runs.ordered);
  EXPECT_EQ(runs.breaks, (std::vector<std::uint32_t>{8, 572}));
}

TEST(KeyRuns, ARepeatedIdBreaksTheRunWhereItRepeats) {
  std::vector<std::string> ids = numbered("A", 1, 3000);
  ids.insert(ids.begin() + 1500, ids[1499]);  // rows 1499 and 1500 are both A1500
  const Dataset data = allocations_with_ids(ids);
  EXPECT_FALSE(key_after(data, id_key(), kTextByLength, 1499, 1500));
  EXPECT_FALSE(key_after(data, id_key(), 0, 1499, 1500));
  EXPECT_TRUE(key_after(data, id_key(), kTextByLength, 1500, 1501));
  const KeyRuns runs = find_key_runs(data, id_key());
  EXPECT_TRUE(runs.ordered);
  EXPECT_EQ(runs.breaks, (std::vector<std::uint32_t>{1500}));
}

TEST(KeyRuns, ShuffledIdsAreNoRunsAndNeitherAreShortRuns) {
  std::vector<std::string> ids = numbered("A", 1, 3000);
  std::shuffle(ids.begin(), ids.end(), std::mt19937(7));
  EXPECT_FALSE(find_key_runs(allocations_with_ids(ids), id_key()).ordered);
  // Sorted in runs of 500: six runs of 3,000 rows, shorter than the thousand rows that pay.
  std::vector<std::string> runs_of_500;
  for (int run = 0; run < 6; ++run) {
    for (const std::string& id : numbered("B", 1, 500)) runs_of_500.push_back(id + "-" + std::to_string(run));
  }
  EXPECT_FALSE(find_key_runs(allocations_with_ids(runs_of_500), id_key()).ordered);
}

TEST(KeyRuns, AMissingIdOrdersAfterNothing) {
  const Dataset data = allocations_with_ids({"A1", "", "A3"});
  EXPECT_FALSE(key_after(data, id_key(), kTextByLength, 0, 1));
  EXPECT_FALSE(key_after(data, id_key(), kTextByLength, 1, 2));
  EXPECT_TRUE(key_after(data, id_key(), kTextByLength, 0, 2));
}

TEST(KeyRuns, StockBySnapshotThenDwellingIsOneRunLastColumnFirst) {
  // Five dwellings in each of 400 snapshots, snapshot by snapshot: (dwelling, snapshot) breaks
  // every five rows, (snapshot, dwelling) never.
  std::vector<std::pair<std::string, std::int32_t>> keys;
  for (std::int32_t day = 0; day < 400; ++day) {
    for (const std::string& dwelling : numbered("D", 1, 5)) keys.emplace_back(dwelling, 20000 + day);
  }
  const Dataset data = stock_with_keys(keys);
  const std::vector<std::uint32_t>& key = stock().unique_key;
  EXPECT_FALSE(key_after(data, key, kTextByLength, 4, 5));  // (D5, day 0) then (D1, day 1)
  EXPECT_TRUE(key_after(data, key, kTextByLength | kColumnsReversed, 4, 5));
  const KeyRuns runs = find_key_runs(data, key);
  EXPECT_TRUE(runs.ordered);
  EXPECT_NE(runs.order & kColumnsReversed, 0);
  EXPECT_TRUE(runs.breaks.empty());
}

}  // namespace
}  // namespace toets
