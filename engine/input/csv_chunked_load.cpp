// Reading a CSV file's rows: RowReader reads the records of one chunk into typed columns through a
// RecordBuilder; ChunkedLoad cuts the rows into chunks, reads them on every core and joins them in
// file order, checking the unique keys as it joins.

#include "engine/input/csv_chunked_load.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <iterator>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "engine/input/csv_record_scan.hpp"
#include "engine/input/key_order.hpp"

namespace toets::csv {

namespace {

using loading::printable;

// ---------------------------------------------------------------------------------------------
// Reading the rows of one chunk

// Where a chunk of rows was read and what it holds. Lines are counted from the chunk's start (0);
// whoever joins the chunks adds the line the chunk starts on.
struct ChunkResult {
  const char* begin = nullptr;   // where the first record was looked for
  const char* next = nullptr;    // where the record after the chunk's last starts
  std::uint64_t newlines = 0;    // line ends from begin to next
  bool conclusive = true;        // false: a record ran past the scanning window (read it again)
  // The chunk's last rejection is an unterminated quote opened on this line (from the chunk's
  // start): its reason names the line, known only when the chunk is joined.
  std::optional<std::uint64_t> unterminated_quote_line;
};

RejectionReason too_long(ReasonKind kind, std::size_t bytes) {
  return RejectionReason{kind, {}}
      .with("bytes", std::to_string(bytes))
      .with("max", std::to_string(kind == ReasonKind::RecordTooLong ? kMaxRecordBytes : kMaxFieldBytes));
}

RejectionReason unterminated_quote_reason(std::uint64_t opened_on_line) {
  return RejectionReason{ReasonKind::UnterminatedQuote, {}}.with("opened_line", std::to_string(opened_on_line));
}

constexpr std::size_t kPrefetchAhead = 4096;

// Reads records into one RecordBuilder (KeyCheck::Deferred: the keys are checked when chunks are
// joined). One per worker, reused from chunk to chunk; owns the scratch fields and the batch.
class RowReader {
 public:
  RowReader(const Layout& layout, RecordBuilder& builder)
      : layout_(layout), builder_(builder), batch_(layout.field_of_column.size()) {
    for (std::uint32_t c = 0; c < layout.column_names.size(); ++c) {
      builder_.describe_column(c, layout.column_names[c], layout.column_values[c]);
    }
    fields_.assign(layout.header_names.size(), Field{});
    // Where each field of a record goes in the batch: its column's cells (a field no column
    // reads goes to a spare column's cells, never read).
    batch_slot_of_field_.assign(fields_.size(), layout.field_of_column.size() * RecordBatch::kRows);
    for (std::size_t c = 0; c < layout.field_of_column.size(); ++c) {
      const std::int32_t field = layout.field_of_column[c];
      if (field >= 0) {
        batch_slot_of_field_[static_cast<std::size_t>(field)] = c * RecordBatch::kRows;
      } else {
        columns_not_in_file_.push_back(c);
      }
    }
  }

  // Reads every record that starts in [begin, stop); scanning a record may go up to `end`. When
  // a record reaches `end` before it is complete and `end` is not the end of the text
  // (`text_end`), the chunk is not conclusive: where it really ends is for a reader with the
  // whole text to say.
  template <char kDelimiter>
  ChunkResult read(const char* begin, const char* stop, const char* end, const char* text_end) {
    ChunkResult result;
    result.begin = begin;
    line_ = 0;
    const char* pos = begin;
    while (pos < stop) {
      // Blank lines are skipped up to the chunk's end only: the next chunk begins there.
      pos = skip_blank_lines(pos, stop, line_);
      if (pos == stop) break;
      const char* record = pos;
      // The file's pages come cold from memory, a new page every forty records or so: asking for
      // the bytes a few kB ahead hides that wait behind this record's work. (A prefetch past the
      // end of the text is harmless: it never faults.)
      __builtin_prefetch(pos + kPrefetchAhead);
      __builtin_prefetch(pos + kPrefetchAhead + 64);
      RecordScan scan;
      // A record without quoted fields is split straight into the batch's next row (one with
      // them into fields_, by scan_record); it joins the batch if it fits it (batchable), and is
      // split again into fields_ otherwise.
      std::string_view* const row_cells = batch_.texts.data() + batch_.rows;
      const std::size_t* const slot_of_field = batch_slot_of_field_.data();
      const std::size_t field_count = batch_slot_of_field_.size();
      const bool plain = scan_plain_record<kDelimiter>(
          pos, end,
          [=](std::size_t field, std::string_view text) {
            if (field < field_count) row_cells[slot_of_field[field]] = text;
          },
          scan);
      if (!plain) scan = scan_record<kDelimiter>(pos, end, fields_.data(), fields_.size());
      if (scan.next == end && end != text_end &&
          (scan.problem == RecordProblem::UnterminatedQuote || end[-1] != '\n')) {
        result.conclusive = false;
        break;
      }
      const std::string_view record_text(record, static_cast<std::size_t>(scan.next - record));
      // scan_record leaves it false: many systems quote every field of plain ASCII records.
      if (!plain) scan.plain_ascii = loading::is_plain_ascii(loading::without_line_end(record_text));
      // Records start after a line end, so UTF-8 record by record is UTF-8 for the whole file;
      // a plain ASCII record is UTF-8 already.
      if (layout_.check_utf8_as_read && !scan.plain_ascii && !loading::is_valid_utf8(record_text)) throw NotUtf8{};
      if (batchable(record, scan)) {
        // A record with quoted fields (many systems quote every field), none with a doubled
        // quote, has its fields as views into the text too: into the batch's row with them.
        if (!plain) {
          for (std::size_t field = 0; field < field_count; ++field)
            row_cells[slot_of_field[field]] = fields_[field].text;
        }
        add_to_batch(record_text, scan.plain_ascii);
      } else {
        if (plain) scan_plain_record<kDelimiter>(pos, end, FieldsPut{fields_}, scan);
        accept_record(record, scan);
      }
      if (scan.problem == RecordProblem::UnterminatedQuote) {
        result.unterminated_quote_line = line_ + scan.problem_line_offset;
      }
      line_ += scan.newlines;
      pos = scan.next;
    }
    if (batch_.rows > 0) builder_.finish_batch(batch_);
    result.next = pos;
    result.newlines = line_;
    return result;
  }

 private:
  // Puts a split field into fields_ (scan_plain_record's `put`).
  struct FieldsPut {
    std::vector<Field>& fields;
    void operator()(std::size_t field, std::string_view text) const {
      if (field < fields.size()) fields[field] = Field{text, false};
    }
  };

  // A well-formed record whose cells are views into the text (no collapsed quotes) joins the
  // batch, whether ASCII or not (the batch checks the text cells of a record that is not);
  // anything else goes on its own (accept_record), after the batch.
  bool batchable(const char* record, const RecordScan& scan) const {
    return scan.problem == RecordProblem::None && scan.field_count == fields_.size() && !scan.any_doubled_quotes &&
           static_cast<std::size_t>(scan.next - record) <= kMaxFieldBytes;
  }

  void accept_record(const char* record, const RecordScan& scan) {
    const std::size_t expected = fields_.size();
    const std::string_view record_text(record, static_cast<std::size_t>(scan.next - record));
    if (batch_.rows > 0) builder_.finish_batch(batch_);
    if (scan.problem == RecordProblem::UnterminatedQuote) {
      // The line is the chunk's own; ChunkedLoad::join says the file's.
      builder_.reject_record(line_, field_name(scan.problem_field), field_value(scan.problem_field),
                             unterminated_quote_reason(line_ + scan.problem_line_offset), record_text);
      return;
    }
    if (scan.problem == RecordProblem::TextAfterQuote) {
      builder_.reject_record(line_, field_name(scan.problem_field), field_value(scan.problem_field),
                             RejectionReason{ReasonKind::TextAfterQuote, {}}, record_text);
      return;
    }
    // Limits against pathological input (docs/robustness.md): no value of any column comes near
    // these, so such a record is rejected, not stored.
    if (record_text.size() > kMaxRecordBytes) {
      builder_.reject_record(line_, "", record_text, too_long(ReasonKind::RecordTooLong, record_text.size()),
                             std::string_view());
      return;
    }
    for (std::size_t f = 0; record_text.size() > kMaxFieldBytes && f < std::min(scan.field_count, expected); ++f) {
      if (fields_[f].text.size() > kMaxFieldBytes) {
        builder_.reject_record(line_, field_name(f), fields_[f].text,
                               too_long(ReasonKind::FieldTooLong, fields_[f].text.size()), record_text);
        return;
      }
    }
    if (scan.field_count != expected) {
      builder_.reject_record(line_, "", loading::without_line_end(record_text),
                             field_count_reason(scan.field_count, expected), record_text);
      return;
    }
    if (scan.any_doubled_quotes) {
      collapse_doubled_quotes(fields_.data(), fields_.size(), record_text.size(), unescaped_);
    }
    builder_.set_record_plain(scan.plain_ascii);
    const std::vector<std::int32_t>& field_of_column = layout_.field_of_column;
    for (std::size_t c = 0; c < field_of_column.size(); ++c) {
      const std::int32_t field = field_of_column[c];
      builder_.set(static_cast<std::uint32_t>(c),
                   field >= 0 ? fields_[static_cast<std::size_t>(field)].text : std::string_view());
    }
    builder_.finish(line_, record_text);
  }

  // The record split into the batch's next row (its cells already there) joins the batch.
  void add_to_batch(std::string_view record_text, bool ascii) {
    const std::size_t row = batch_.rows++;
    for (const std::size_t column : columns_not_in_file_) batch_.text(column, row) = std::string_view();
    batch_.lines[row] = line_;
    batch_.records[row] = record_text;
    batch_.ascii[row] = ascii;
    if (batch_.full()) builder_.finish_batch(batch_);
  }

  // More fields than the header in an export: most often a delimiter inside an unquoted value.
  RejectionReason field_count_reason(std::size_t found, std::size_t expected) const {
    RejectionReason why{ReasonKind::WrongFieldCount, {}};
    why.with("expected", std::to_string(expected)).with("found", std::to_string(found));
    if (found > expected && layout_.forms.export_forms) why.with("delimiter", std::string(1, layout_.delimiter));
    return why;
  }

  // The column a field is read into, by its canonical name (the file's name when it maps to none).
  std::string field_name(std::size_t field) const {
    if (field >= layout_.header_names.size()) return std::string();
    for (std::size_t c = 0; c < layout_.field_of_column.size(); ++c) {
      if (layout_.field_of_column[c] == static_cast<std::int32_t>(field)) return layout_.schema->columns[c].name;
    }
    return layout_.header_names[field];
  }
  std::string_view field_value(std::size_t field) const {
    return field < fields_.size() ? fields_[field].text : std::string_view();
  }

  const Layout& layout_;
  RecordBuilder& builder_;
  std::uint64_t line_ = 0;  // of the record being read, from the chunk's start

  // The scratch record, reused: fields as split, with doubled quotes collapsed into unescaped_.
  std::vector<Field> fields_;
  std::string unescaped_;
  RecordBatch batch_;                             // records waiting to be finished together
  std::vector<std::size_t> batch_slot_of_field_;  // per field: its column's first cell in batch_.texts
  std::vector<std::size_t> columns_not_in_file_;
};

// ---------------------------------------------------------------------------------------------
// Reading a file in chunks, on every core, and joining them in order

// Why chunks: splitting and typing cells is nearly all of a load's time, and the rows of a CSV file
// are independent but for the unique keys. So the rows are cut into chunks of about kChunkBytes,
// each read on a thread of its own into a dataset of its own (with its own dictionaries), and the
// chunks are joined into the result strictly in file order, where the keys are checked. The result
// is the one reading the file front to back would give: same rows, same rejections, same lines.
//
// A chunk is cut at a line end, which may be inside a quoted field. A chunk is therefore read
// speculatively: it counts only if the chunk before it, read for real, ended exactly where it began;
// otherwise it is read again, from the right place, when its turn to be joined comes. On a normal
// export this never happens; on a file full of multi-line fields it costs time, never correctness.
class ChunkedLoad {
 public:
  // `release` is told each position before which the text is no longer needed (may be null).
  ChunkedLoad(const Layout& layout, LoadedDataset& out, const char* rows_begin, const char* text_end,
              std::uint64_t first_line, const CsvOptions& options, std::function<void(const char*)> release)
      : layout_(layout),
        out_(out),
        rows_begin_(rows_begin),
        text_end_(text_end),
        release_(std::move(release)),
        kept_columns_(options.kept_columns),
        joined_until_(rows_begin),
        next_line_(first_line) {
    const std::size_t bytes = static_cast<std::size_t>(text_end - rows_begin);
    const std::size_t chunk_bytes = std::max<std::size_t>(options.chunk_bytes, 1);
    const std::size_t wanted_chunks = std::max<std::size_t>(1, (bytes + chunk_bytes - 1) / chunk_bytes);
    // A chunk starts just after the first line end at or beyond its even share of the bytes.
    starts_.push_back(rows_begin);
    for (std::size_t i = 1; i < wanted_chunks; ++i) {
      const char* at = rows_begin + i * chunk_bytes;
      if (at <= starts_.back()) continue;
      const void* newline = std::memchr(at, '\n', static_cast<std::size_t>(text_end - at));
      if (newline == nullptr) break;
      const char* start = static_cast<const char*>(newline) + 1;
      if (start >= text_end) break;
      if (start > starts_.back()) starts_.push_back(start);
    }
    starts_.push_back(text_end);
    build_key_columns();
    const unsigned threads = options.threads != 0 ? options.threads : std::max(1U, std::thread::hardware_concurrency());
    threads_ = std::min<std::size_t>(threads, chunk_count());
  }

  template <char kDelimiter>
  void run() {
    if (threads_ <= 1) {
      work<kDelimiter>();
    } else {
      std::vector<std::jthread> workers;
      for (std::size_t t = 0; t < threads_; ++t) workers.emplace_back([this] { work<kDelimiter>(); });
    }
    if (failure_) std::rethrow_exception(failure_);
  }

 private:
  std::size_t chunk_count() const { return starts_.size() - 1; }

  // One worker: takes the next chunk, reads it into its own piece, waits for its turn, joins it.
  template <char kDelimiter>
  void work() {
    LoadedDataset piece{Dataset(*layout_.schema, kept_columns_), LoadReport{}};
    try {
      // One piece, builder and reader for every chunk this worker reads: their buffers are reused.
      RecordBuilder builder(*layout_.schema, layout_.forms, piece, KeyCheck::Deferred);
      RowReader reader(layout_, builder);
      for (;;) {
        const std::size_t chunk = next_chunk_.fetch_add(1);
        if (chunk >= chunk_count() || stopped_.load()) return;
        piece.data.clear();
        piece.report = LoadReport{};
        builder.restart();
        const char* begin = starts_[chunk];
        const char* stop = starts_[chunk + 1];
        // The first chunk is read for real: it starts where the rows start. The others may see a
        // record run past their end by at most a record's length before it is known to be wrong.
        const char* window = chunk == 0 ? text_end_
                                         : stop + std::min<std::size_t>(kMaxRecordBytes + 1,
                                                                        static_cast<std::size_t>(text_end_ - stop));
        ChunkResult result = reader.read<kDelimiter>(begin, stop, window, text_end_);
        // Looked for here, on every core, rather than at the join, one chunk at a time.
        std::vector<loading::KeyRuns> runs = key_runs(piece.data);

        std::unique_lock lock(join_mutex_);
        turn_.wait(lock, [&] { return joined_chunks_ == chunk || stopped_.load(); });
        if (stopped_.load()) return;
        if (result.begin != joined_until_ || !result.conclusive) {
          // Read again from where the chunk before really ended, with the whole text in view.
          piece.data.clear();
          piece.report = LoadReport{};
          RecordBuilder again(*layout_.schema, layout_.forms, piece, KeyCheck::Deferred);
          RowReader reread(layout_, again);
          result = reread.read<kDelimiter>(joined_until_, std::max(stop, joined_until_), text_end_, text_end_);
          join(piece, again.deferred_keys(), result, key_runs(piece.data));
        } else {
          join(piece, builder.deferred_keys(), result, runs);
        }
        ++joined_chunks_;
        turn_.notify_all();
      }
    } catch (...) {
      std::lock_guard lock(join_mutex_);
      if (!failure_) failure_ = std::current_exception();
      stopped_.store(true);
      turn_.notify_all();
    }
  }

  // Appends a chunk's rows in file order and checks their keys against every row before them.
  // Called with join_mutex_ held, chunk after chunk.
  // `runs`: per key, where the chunk's keys stop ascending (key_runs).
  void join(LoadedDataset& piece, const DeferredKeys& keys, const ChunkResult& result,
            const std::vector<loading::KeyRuns>& runs) {
    Dataset& data = out_.data;
    const std::size_t first_row = data.row_count();
    if (first_row + piece.data.row_count() > kMaxRowsPerFile) {
      const std::uint64_t line = piece.data.source_line(kMaxRowsPerFile - first_row) + next_line_;
      throw DataFileError(*layout_.name + ":" + std::to_string(line) + ": too many rows: at most " +
                          std::to_string(kMaxRowsPerFile) + " per file");
    }
    if (next_line_ + result.newlines > kMaxLine) {
      throw DataFileError(*layout_.name + ": more than " + std::to_string(kMaxLine) + " lines");
    }
    if (const auto column = data.raw_text_overflow(piece.data)) {
      throw DataFileError(raw_text_too_long(*layout_.name, layout_.schema->columns[*column].name));
    }
    reserve_for(piece.data, result.next);
    data.append(piece.data, next_line_);
    // From here the chunk's rows are in `data`; the text they came from is needed only for the
    // records of rejected duplicates, found next.

    std::vector<Rejection> duplicates = check_keys(first_row, keys, runs);
    LoadReport& report = out_.report;
    report.rows_read += piece.report.rows_read;
    report.rows_accepted += piece.report.rows_accepted - duplicates.size();
    report.rows_rejected += piece.report.rows_rejected + duplicates.size();
    for (Rejection& rejection : piece.report.rejections) rejection.line += next_line_;
    if (result.unterminated_quote_line) {
      // Everything from the quote to the end of the file would be one value: the rows there are
      // lost, not rejected. An error for the whole file, where the quote opens.
      const Rejection& swallowing = piece.report.rejections.back();
      const std::uint64_t opened = *result.unterminated_quote_line + next_line_;
      throw DataFileError(*layout_.name + ":" + std::to_string(opened) + ": unterminated quote: the quoted " +
                          (swallowing.column.empty() ? std::string("field") : "field of column '" + swallowing.column + "'") +
                          " opened on line " + std::to_string(opened) +
                          " never closes, so the rest of the file would be one value; close the quote, or double a "
                          "quote inside a value (\"\")");
    }
    if (duplicates.empty()) {
      report.rejections.insert(report.rejections.end(), std::make_move_iterator(piece.report.rejections.begin()),
                               std::make_move_iterator(piece.report.rejections.end()));
    } else {
      std::vector<Rejection> merged;
      merged.reserve(piece.report.rejections.size() + duplicates.size());
      std::merge(std::make_move_iterator(piece.report.rejections.begin()),
                 std::make_move_iterator(piece.report.rejections.end()), std::make_move_iterator(duplicates.begin()),
                 std::make_move_iterator(duplicates.end()), std::back_inserter(merged),
                 [](const Rejection& a, const Rejection& b) { return a.line < b.line; });
      report.rejections.insert(report.rejections.end(), std::make_move_iterator(merged.begin()),
                               std::make_move_iterator(merged.end()));
    }
    report.notes.insert(report.notes.end(), piece.report.notes.begin(), piece.report.notes.end());
    next_line_ += result.newlines;
    joined_until_ = result.next;
    if (release_) release_(result.next);
  }

  // The rows from `first_row` on whose key repeats an earlier row's are taken out again, each
  // becoming a rejection that names the line of the first.
  //
  // A key's rows in runs (key_order.hpp) are looked for only in its index, which holds the rows of
  // the runs before: the rows of the run going on ascend, so none of them can be the one repeated.
  // Their hashes wait in unindexed_ until the run ends, then go into the index. Rows in no order
  // are looked for in the index and go into it at once.
  std::vector<Rejection> check_keys(std::size_t first_row, const DeferredKeys& keys,
                                    const std::vector<loading::KeyRuns>& runs) {
    std::vector<Rejection> duplicates;
    const std::size_t key_count = keys.key_count;
    if (key_count == 0) return duplicates;
    const std::size_t rows = out_.data.row_count() - first_row;
    // Rows are indexed under the numbers they have once the duplicates are out; kept_ maps the
    // chunk's kept rows back to where they are until then.
    kept_.clear();
    std::vector<bool> keep;
    const auto now_at = [&](std::size_t row) { return row < first_row ? row : first_row + kept_[row - first_row]; };
    const auto next_number = [&] { return first_row + kept_.size(); };
    for (std::size_t k = 0; k < key_count; ++k) start_chunk(k, first_row, rows, runs[k]);
    std::vector<std::size_t> next_break(key_count, 0);  // per key, its next break in runs[k].breaks
    // The index is far bigger than the caches: each probe would wait for memory, and this runs
    // on one thread while the others read on. So the slots of the rows a little ahead are
    // fetched while this row is probed.
    constexpr std::size_t kAhead = 16;
    for (std::size_t i = 0; i < rows; ++i) {
      const std::size_t row = first_row + i;
      if (i + kAhead < rows) {
        const std::uint64_t* ahead = &keys.hashes[(i + kAhead) * key_count];
        for (std::size_t k = 0; k < key_count; ++k) indexes_[k].prefetch(ahead[k]);
      }
      // A run ending here ends whether or not this row is kept: the next row is ordered after it.
      for (std::size_t k = 0; k < key_count; ++k) {
        const std::vector<std::uint32_t>& breaks = runs[k].breaks;
        if (in_runs_[k] && next_break[k] < breaks.size() && breaks[next_break[k]] == i) {
          ++next_break[k];
          index_unindexed(k, next_number());
        }
      }
      const std::uint64_t* hashes = &keys.hashes[i * key_count];
      // The last key, when its rows are in no order, is probed with find_or_insert: one probe finds
      // an earlier row or makes this row's slot (before it, no key was found repeated, so nothing
      // is inserted in vain).
      const std::size_t number = next_number();
      const std::size_t last = key_count - 1;
      bool duplicate = false;
      for (std::size_t k = 0; k < key_count && !duplicate; ++k) {
        if (hashes[k] == DeferredKeys::kNoKeyValue) continue;
        const std::vector<std::uint32_t>& columns = key_columns_[k];
        const auto matches = [&](std::size_t other) { return same_key(columns, now_at(other), row); };
        const auto earlier = k == last && !in_runs_[k] ? indexes_[k].find_or_insert(hashes[k], number, matches)
                                                       : indexes_[k].find(hashes[k], matches);
        if (!earlier) continue;
        duplicate = true;
        if (keep.empty()) keep.assign(rows, true);
        keep[i] = false;
        duplicates.push_back(duplicate_rejection(columns, row, now_at(*earlier), keys.records[i]));
      }
      if (duplicate) continue;
      kept_.push_back(static_cast<std::uint32_t>(i));
      for (std::size_t k = 0; k < key_count; ++k) {
        if (in_runs_[k]) {
          unindexed_[k].push_back(hashes[k]);  // kNoKeyValue too: the waiting are every kept row
        } else if (k < last && hashes[k] != DeferredKeys::kNoKeyValue) {
          indexes_[k].insert(hashes[k], number);
        }
      }
    }
    if (!duplicates.empty()) out_.data.keep_rows(first_row, keep);
    return duplicates;
  }

  // Whether key k's rows are taken in runs in this chunk: its rows are in runs, and the rows of
  // the runs before them are few. (Among many, a row looked for costs what a row in no order costs,
  // and indexing it when its run ends costs as much again.) A run going on goes on when the chunk
  // continues it: the same order, and its first row after the last row kept before it.
  void start_chunk(std::size_t k, std::size_t first_row, std::size_t rows, const loading::KeyRuns& chunk) {
    if (rows == 0) return;
    const auto few_before = [&] { return indexes_[k].size() <= KeyRowIndex::kFilteredRows; };
    const bool goes_on =
        in_runs_[k] && chunk.ordered && chunk.order == run_order_[k] && few_before() &&
        (first_row == 0 || loading::key_after(out_.data, key_columns_[k], chunk.order, first_row - 1, first_row));
    if (goes_on) return;
    index_unindexed(k, first_row);
    in_runs_[k] = chunk.ordered && few_before();
    run_order_[k] = chunk.order;
    if (!in_runs_[k]) {
      indexes_[k].reserve(out_.data.capacity());
      // The waiting hashes' room (8 bytes a row of the file, reserved) is of no use while the
      // rows are probed: given back, not kept beside the index at its largest.
      unindexed_[k] = std::vector<std::uint64_t>();
    }
    // The index never shrinks: once the rows before are many, the workers need not look for runs.
    if (!few_before() && k < 64) keys_past_runs_.fetch_or(std::uint64_t{1} << k, std::memory_order_relaxed);
  }

  // Key k's rows waiting since its run began go into its index. `next` is the number the next
  // row kept will have: the waiting rows are the kept rows just before it.
  void index_unindexed(std::size_t k, std::size_t next) {
    std::vector<std::uint64_t>& waiting = unindexed_[k];
    const std::size_t first = next - waiting.size();
    // Every row of the runs after is looked for here, and most are not found. While the rows
    // here are few, at a third full: a look at one or two slots. Once many, room for the whole
    // file at once, as for rows in no order: growing with every run would place them all again.
    const std::size_t indexed = indexes_[k].size() + waiting.size();
    indexes_[k].reserve(indexed <= KeyRowIndex::kFilteredRows ? 2 * indexed : out_.data.capacity());
    constexpr std::size_t kAhead = 16;  // as check_keys: the slots a little ahead are fetched early
    for (std::size_t j = 0; j < waiting.size(); ++j) {
      if (j + kAhead < waiting.size()) indexes_[k].prefetch(waiting[j + kAhead]);
      if (waiting[j] != DeferredKeys::kNoKeyValue) indexes_[k].insert(waiting[j], first + j);
    }
    waiting.clear();
  }

  // Per key, where a chunk's keys stop ascending; not looked for once a key's runs no longer pay.
  std::vector<loading::KeyRuns> key_runs(const Dataset& piece) const {
    std::vector<loading::KeyRuns> runs(key_columns_.size());
    const std::uint64_t past_runs = keys_past_runs_.load(std::memory_order_relaxed);
    for (std::size_t k = 0; k < key_columns_.size(); ++k) {
      if (k < 64 && (past_runs >> k & 1) != 0) continue;  // not ordered: probed row by row
      runs[k] = loading::find_key_runs(piece, key_columns_[k]);
    }
    return runs;
  }

  // The keys in the order RecordBuilder numbers them: each unique column, then the schema's key.
  void build_key_columns() {
    const DatasetSchema& schema = *layout_.schema;
    for (std::uint32_t c = 0; c < schema.columns.size(); ++c) {
      if (schema.columns[c].unique) key_columns_.push_back({c});
    }
    if (!schema.unique_key.empty()) key_columns_.push_back(schema.unique_key);
    const std::size_t keys = key_columns_.size();
    indexes_.resize(keys);
    in_runs_.assign(keys, true);
    run_order_.assign(keys, 0);
    unindexed_.resize(keys);
  }

  bool same_key(const std::vector<std::uint32_t>& columns, std::size_t a, std::size_t b) const {
    const Dataset& data = out_.data;
    for (const std::uint32_t c : columns) {
      const ColumnData& column = data.column(c);
      bool same = false;
      if (column.type == ValueType::Money) {
        same = column.cents[a] == column.cents[b];
      } else if (column.type == ValueType::Text && column.text_storage == TextStorage::Raw) {
        same = column.raw_text(a) == column.raw_text(b);
      } else {
        same = column.value(a) == column.value(b);
      }
      if (!same) return false;
    }
    return true;
  }

  Rejection duplicate_rejection(const std::vector<std::uint32_t>& columns, std::size_t row, std::size_t earlier,
                                std::string_view record) const {
    const Dataset& data = out_.data;
    std::vector<std::string> names;
    std::vector<std::string> values;
    for (const std::uint32_t c : columns) {
      names.push_back(layout_.schema->columns[c].name);
      values.push_back(data.cell_text(c, row));
    }
    loading::DuplicateKey duplicate = loading::describe_duplicate_key(names, values, data.source_line(earlier));
    return Rejection{data.source_line(row), std::move(duplicate.columns), printable(duplicate.values),
                     std::move(duplicate.reason), std::string(loading::without_line_end(record)),
                     std::move(duplicate.why)};
  }

  // Sizes the result from the rows per byte read so far, so its columns grow a few times at most
  // instead of doubling past the file's size.
  void reserve_for(const Dataset& incoming, const char* read_until) {
    Dataset& data = out_.data;
    const std::size_t needed = data.row_count() + incoming.row_count();
    if (needed <= data.capacity()) return;
    const double read = static_cast<double>(read_until - rows_begin_);
    const double total = static_cast<double>(text_end_ - rows_begin_);
    const double expected = read > 0 ? static_cast<double>(needed) * total / read : 0;
    const std::size_t rows = std::max(needed, static_cast<std::size_t>(expected * 1.02) + 1024);
    data.reserve(rows, &incoming);
    for (std::size_t k = 0; k < indexes_.size(); ++k) {
      if (in_runs_[k]) {
        unindexed_[k].reserve(rows);
      } else {
        indexes_[k].reserve(rows);
      }
    }
  }

 private:
  const Layout& layout_;
  LoadedDataset& out_;
  const char* rows_begin_;
  const char* text_end_;
  std::function<void(const char*)> release_;
  const std::vector<bool>& kept_columns_;
  std::vector<const char*> starts_;  // chunk i is [starts_[i], starts_[i + 1])
  std::size_t threads_ = 1;

  std::atomic<std::size_t> next_chunk_{0};
  std::atomic<bool> stopped_{false};
  std::exception_ptr failure_;

  // Joining, under join_mutex_:
  std::mutex join_mutex_;
  std::condition_variable turn_;
  std::size_t joined_chunks_ = 0;
  const char* joined_until_ = nullptr;  // where the next chunk must begin
  std::uint64_t next_line_ = 1;         // the line the next chunk begins on
  std::vector<std::vector<std::uint32_t>> key_columns_;
  std::vector<KeyRowIndex> indexes_;
  // Per key (check_keys): whether its rows are in a run, in which order; the hashes of the run's
  // kept rows, the last rows kept so far, not yet in its index.
  std::vector<bool> in_runs_;
  std::vector<loading::KeyOrder> run_order_;
  std::vector<std::vector<std::uint64_t>> unindexed_;
  std::atomic<std::uint64_t> keys_past_runs_{0};  // bit k: key k's runs no longer pay (start_chunk)
  std::vector<std::uint32_t> kept_;     // check_keys' scratch
};

}  // namespace

void load_rows_in_chunks(const Layout& layout, LoadedDataset& out, const char* rows_begin, const char* text_end,
                         std::uint64_t first_line, const CsvOptions& options,
                         std::function<void(const char*)> release) {
  ChunkedLoad load(layout, out, rows_begin, text_end, first_line, options, std::move(release));
  if (layout.delimiter == ';') {
    load.run<';'>();
  } else {
    load.run<','>();
  }
}

}  // namespace toets::csv
