#include "storage/copy_format.h"

#include "common/error.h"
#include "common/value_input.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <cstring>
#include <exception>
#include <thread>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace flern::storage {

CopyOptions CopyOptions::from(const std::vector<std::pair<std::string, std::string>>& options) {
  CopyOptions result;
  bool nullGiven = false, delimiterGiven = false, escapeGiven = false;
  auto single = [](const std::string& name, const std::string& value) {
    if (value.size() != 1)
      throw Error(SqlState::FeatureNotSupported,
                  "COPY " + name + " must be a single one-byte character");
    return value[0];
  };
  for (const auto& [name, value] : options) {
    if (name == "format") {
      if (value == "csv")
        result.csv = true;
      else if (value == "binary")
        throw Error(SqlState::FeatureNotSupported, "COPY format \"binary\" is not supported yet");
      else if (value != "text")
        throw Error(SqlState::InvalidParameterValue,
                    "COPY format \"" + value + "\" not recognized");
    } else if (name == "delimiter") {
      result.delimiter = single("delimiter", value);
      delimiterGiven = true;
    } else if (name == "null") {
      result.null = value;
      nullGiven = true;
    } else if (name == "header") {
      result.header = value == "true" || value == "on" || value == "1";
    } else if (name == "quote") {
      result.quote = single("quote", value);
    } else if (name == "escape") {
      result.escape = single("escape", value);
      escapeGiven = true;
    } else if (name == "encoding") {
      if (value != "UTF8" && value != "utf8" && value != "UTF-8")
        throw Error(SqlState::FeatureNotSupported, "COPY encoding must be UTF8");
    } else {
      throw Error(SqlState::SyntaxError, "option \"" + name + "\" not recognized");
    }
  }
  if (result.csv) {
    if (!delimiterGiven) result.delimiter = ',';
    if (!nullGiven) result.null = "";
    if (!escapeGiven) result.escape = result.quote;
  } else if (result.header) {
    throw Error(SqlState::FeatureNotSupported, "COPY HEADER available only in CSV mode");
  }
  if (result.delimiter == '\n' || result.delimiter == '\r' || result.delimiter == '\\')
    throw Error(SqlState::InvalidParameterValue,
                "COPY delimiter cannot be newline, carriage return or backslash");
  return result;
}

namespace {

/// One field: its text (unescaped) and whether it is NULL. Text taken verbatim from the input
/// is a view into it; text that had to be rebuilt (escapes, quotes, padding) lives in `buffer`.
struct Field {
  std::string_view raw;
  std::string buffer;
  bool buffered = false;
  bool isNull = false;

  std::string_view text() const { return buffered ? std::string_view(buffer) : raw; }
  /// The text, made editable.
  std::string& edit() {
    if (!buffered) {
      buffer.assign(raw);
      buffered = true;
    }
    return buffer;
  }
};

/// The fields of one record; Field objects (and their buffers) are reused from record to record.
struct Record {
  std::vector<Field> fields;
  size_t count = 0;

  Field& add() {
    if (count == fields.size()) fields.emplace_back();
    Field& field = fields[count++];
    field.raw = {};
    field.buffer.clear();
    field.buffered = false;
    field.isNull = false;
    return field;
  }
  size_t size() const { return count; }
  Field& operator[](size_t i) { return fields[i]; }
  Field& back() { return fields[count - 1]; }
  void pop_back() { --count; }
};

class CopyReader {
public:
  CopyReader(std::string_view data, const CopyOptions& options, int64_t firstLine = 1)
      : data_(data), options_(options), line_(firstLine - 1) {
    for (char c : {options.delimiter, options.quote, '\n', '\r'})
      csvSpecial_[static_cast<unsigned char>(c)] = true;
  }

  /// Reads the next record's fields; false at the end of data.
  bool next(Record& fields, std::string_view& raw) {
    fields.count = 0;
    if (position_ >= data_.size()) return false;
    ++line_;
    size_t start = position_;
    bool more = options_.csv ? readCsv(fields) : readText(fields);
    raw = data_.substr(start, position_ - start);
    while (!raw.empty() && (raw.back() == '\n' || raw.back() == '\r'))
      raw.remove_suffix(1);
    return more;
  }
  int64_t line() const { return line_; }

private:
  bool readText(Record& fields) {
    size_t end = data_.find('\n', position_);
    if (end == std::string_view::npos) end = data_.size();
    std::string_view line = data_.substr(position_, end - position_);
    position_ = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line == "\\.") return false;
    // Split on unescaped delimiters; the NULL marker is matched before de-escaping, as in
    // PostgreSQL, so "\N" is null while "\\N" is the text \N.
    size_t start = 0;
    for (size_t i = 0; i <= line.size(); ++i) {
      if (i < line.size() && line[i] == '\\') {
        ++i;
        continue;
      }
      if (i < line.size() && line[i] != options_.delimiter) continue;
      std::string_view raw = line.substr(start, std::min(i, line.size()) - start);
      Field& field = fields.add();
      field.isNull = raw == options_.null;
      if (!field.isNull) {
        if (raw.find('\\') == std::string_view::npos)
          field.raw = raw; // nothing to unescape: a view of the input
        else
          unescape(raw, field.edit());
      }
      start = i + 1;
    }
    return true;
  }

  static void unescape(std::string_view raw, std::string& text) {
    for (size_t i = 0; i < raw.size(); ++i) {
      char c = raw[i];
      if (c != '\\' || i + 1 >= raw.size()) {
        text.push_back(c);
        continue;
      }
      char next = raw[++i];
      switch (next) {
      case 'b':
        text.push_back('\b');
        break;
      case 'f':
        text.push_back('\f');
        break;
      case 'n':
        text.push_back('\n');
        break;
      case 'r':
        text.push_back('\r');
        break;
      case 't':
        text.push_back('\t');
        break;
      case 'v':
        text.push_back('\v');
        break;
      case 'x': {
        int value = 0, digits = 0;
        while (digits < 2 && i + 1 < raw.size() &&
               std::isxdigit(static_cast<unsigned char>(raw[i + 1]))) {
          char h = static_cast<char>(std::tolower(static_cast<unsigned char>(raw[++i])));
          value = value * 16 + (h <= '9' ? h - '0' : h - 'a' + 10);
          ++digits;
        }
        text.push_back(digits ? static_cast<char>(value) : 'x');
        break;
      }
      default:
        if (next >= '0' && next <= '7') {
          int value = next - '0', digits = 1;
          while (digits < 3 && i + 1 < raw.size() && raw[i + 1] >= '0' && raw[i + 1] <= '7') {
            value = value * 8 + (raw[++i] - '0');
            ++digits;
          }
          text.push_back(static_cast<char>(value));
        } else {
          text.push_back(next);
        }
      }
    }
  }

  bool readCsv(Record& fields) {
    Field* field = &fields.add();
    bool quoted = false, wasQuoted = false;
    size_t viewStart = position_,
           viewEnd = position_; // while unbuffered: data_[viewStart, viewEnd)
    auto finish = [&] {
      if (!field->buffered) field->raw = data_.substr(viewStart, viewEnd - viewStart);
      field->isNull = !wasQuoted && field->text() == options_.null;
    };
    while (true) {
      if (position_ >= data_.size()) {
        if (quoted) throw Error(SqlState::BadCopyFileFormat, "unterminated CSV quoted field");
        finish();
        return true;
      }
      if (!quoted) {
        // Fast path: a run of ordinary characters, taken as a view when the field is one run.
        size_t end = skipOrdinary(position_);
        if (end > position_) {
          if (!field->buffered && viewEnd == position_)
            viewEnd = end;
          else
            field->edit().append(data_.substr(position_, end - position_));
        }
        position_ = end;
        if (position_ >= data_.size()) continue;
      }
      char c = data_[position_++];
      if (quoted) {
        std::string& text = field->buffered ? field->buffer : editFrom(*field, viewStart, viewEnd);
        if (c == options_.escape && position_ < data_.size() &&
            (data_[position_] == options_.quote || data_[position_] == options_.escape) &&
            !(options_.escape == options_.quote && data_[position_] != options_.quote)) {
          text.push_back(data_[position_++]);
        } else if (c == options_.quote) {
          quoted = false;
        } else {
          text.push_back(c);
        }
        continue;
      }
      if (c == options_.quote) {
        editFrom(*field, viewStart, viewEnd);
        quoted = true;
        wasQuoted = true;
      } else if (c == options_.delimiter) {
        finish();
        field = &fields.add();
        wasQuoted = false;
        viewStart = viewEnd = position_;
      } else {
        if (c == '\r' && position_ < data_.size() && data_[position_] == '\n') ++position_;
        finish();
        if (fields.size() == 1 && !wasQuoted && fields[0].text() == "\\.") return false;
        return true;
      }
    }
  }

  /// The first position at or after `position` that holds a delimiter, quote or line end.
  size_t skipOrdinary(size_t position) const {
#ifdef __SSE2__
    // Sixteen bytes a step: most fields end within the first.
    const __m128i delimiter = _mm_set1_epi8(options_.delimiter);
    const __m128i quote = _mm_set1_epi8(options_.quote);
    const __m128i newline = _mm_set1_epi8('\n');
    const __m128i carriageReturn = _mm_set1_epi8('\r');
    while (position + 16 <= data_.size()) {
      __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data_.data() + position));
      __m128i hits = _mm_or_si128(
          _mm_or_si128(_mm_cmpeq_epi8(bytes, delimiter), _mm_cmpeq_epi8(bytes, quote)),
          _mm_or_si128(_mm_cmpeq_epi8(bytes, newline), _mm_cmpeq_epi8(bytes, carriageReturn)));
      if (int mask = _mm_movemask_epi8(hits)) return position + __builtin_ctz(mask);
      position += 16;
    }
#endif
    while (position < data_.size() && !csvSpecial_[static_cast<unsigned char>(data_[position])])
      ++position;
    return position;
  }

  /// Switches a field from a view of the input to its own buffer.
  std::string& editFrom(Field& field, size_t viewStart, size_t viewEnd) {
    if (!field.buffered) {
      field.buffer.assign(data_.substr(viewStart, viewEnd - viewStart));
      field.buffered = true;
    }
    return field.buffer;
  }

  std::string_view data_;
  const CopyOptions& options_;
  std::array<bool, 256> csvSpecial_{}; ///< bytes that end a run of ordinary CSV characters
  size_t position_ = 0;
  int64_t line_ = 0;
};

std::string contextLine(const std::string& table, int64_t line, std::string_view raw) {
  return "COPY " + table + ", line " + std::to_string(line) + ": \"" + std::string(raw) + "\"";
}

/// Stores one field's text into the column, raising PostgreSQL's input errors.
void storeValue(storage::ColumnVector& column, int64_t row, std::string_view text,
                const storage::ColumnDef& def, int byteWidth) {
  const SqlType& type = def.type;
  int size = static_cast<int>(text.size());
  // Strings that need no padding and cannot be too long go straight into the column.
  if (type.id == TypeId::Text ||
      (type.id == TypeId::Varchar && (type.length == 0 || size <= type.length)) ||
      (type.id == TypeId::Char && size == type.length)) {
    reinterpret_cast<StringRef*>(column.data())[row] = column.internString(text);
    return;
  }
  if (type.id == TypeId::Char && size < type.length) {
    // Shorter than CHAR(n): padded (characters, not bytes, are counted for the padding).
    int64_t characters = 0;
    for (unsigned char c : text)
      characters += (c & 0xC0) != 0x80;
    reinterpret_cast<StringRef*>(column.data())[row] =
        column.internPadded(text, static_cast<size_t>(type.length - characters));
    return;
  }
  if (parseCommonInput(text, type, column.data() + row * byteWidth)) return;
  column.store(row, parseInput(text, type));
}

} // namespace

namespace {

/// The fields of one line of input without quotes, escapes or carriage returns: views of it.
struct PlainRecord {
  struct Field {
    std::string_view raw;
    bool isNull;
    std::string_view text() const { return raw; }
  };
  std::vector<Field> fields; // reused from record to record: only `count` are this record's
  size_t count = 0;
  size_t size() const { return count; }
  Field& operator[](size_t i) { return fields[i]; }
  Field& back() { return fields[count - 1]; }
  void pop_back() { --count; }
  void add(std::string_view text, bool isNull) {
    if (count == fields.size()) fields.emplace_back();
    fields[count++] = {text, isNull};
  }
};

/// Reads input that has no quote (CSV) or backslash (text), and no carriage return: every line
/// is a record and every delimiter ends a field, so splitting is one scan and fields are views.
/// Gives the records CopyReader would give for such input.
class PlainReader {
public:
  PlainReader(std::string_view data, const CopyOptions& options, int64_t firstLine)
      : data_(data), options_(options), null_(options.null), line_(firstLine - 1) {}

  /// Whether `data` is plain input for `options`.
  static bool accepts(std::string_view data, const CopyOptions& options) {
    char escape = options.csv ? options.quote : '\\';
    return data.find(escape) == std::string_view::npos && data.find('\r') == std::string_view::npos;
  }

  bool next(PlainRecord& record, std::string_view& raw) {
    record.count = 0;
    if (position_ >= data_.size()) return false;
    ++line_;
    const char* start = data_.data() + position_;
    const void* newline = std::memchr(start, '\n', data_.size() - position_);
    size_t end = newline ? static_cast<size_t>(static_cast<const char*>(newline) - data_.data())
                         : data_.size();
    std::string_view line = data_.substr(position_, end - position_);
    position_ = end + 1;
    raw = line;
    if (line == "\\.") return false;
    // Every delimiter of the line, sixteen bytes a step, each ending a field.
    size_t fieldStart = 0;
    size_t block = 0;
#ifdef __SSE2__
    const __m128i delimiter = _mm_set1_epi8(options_.delimiter);
    const char* dataEnd = data_.data() + data_.size();
    for (; block < line.size() && line.data() + block + 16 <= dataEnd; block += 16) {
      __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(line.data() + block));
      unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, delimiter)));
      if (line.size() - block < 16) mask &= (1u << (line.size() - block)) - 1; // past the line
      for (; mask != 0; mask &= mask - 1) {
        size_t at = block + static_cast<size_t>(__builtin_ctz(mask));
        addField(record, line.substr(fieldStart, at - fieldStart));
        fieldStart = at + 1;
      }
    }
#endif
    for (size_t at = std::max(block, fieldStart); at < line.size(); ++at)
      if (line[at] == options_.delimiter) {
        addField(record, line.substr(fieldStart, at - fieldStart));
        fieldStart = at + 1;
      }
    addField(record, line.substr(std::min(fieldStart, line.size())));
    return true;
  }
  int64_t line() const {
    return line_;
  }

private:
  void addField(PlainRecord& record, std::string_view text) const {
    record.add(text, text == null_);
  }

  std::string_view data_;
  const CopyOptions& options_;
  std::string_view null_;
  size_t position_ = 0;
  int64_t line_;
};

/// Reads the records of one slice into `buffer`, converting and checking each row.
template <typename Reader, typename RecordType>
void parseRecords(Reader& reader, RecordType& fields, storage::ColumnarBuffer& buffer,
                  const CopyOptions& options, const storage::Table& table,
                  const std::vector<int>& columns, bool skipHeader) {
  const auto& defs = table.columns();
  std::vector<int> widths;
  for (const auto& def : defs)
    widths.push_back(def.type.byteWidth());
  std::vector<size_t> unprovided; // columns the COPY does not name: NULL in every row
  for (size_t c = 0; c < defs.size(); ++c)
    if (std::find(columns.begin(), columns.end(), static_cast<int>(c)) == columns.end())
      unprovided.push_back(c);
  std::string_view raw;
  while (reader.next(fields, raw)) {
    if (skipHeader) {
      skipHeader = false;
      continue;
    }
    if (fields.size() == 1 && fields[0].text().empty() && !fields[0].isNull && raw.empty() &&
        !options.csv)
      continue; // a final newline leaves no empty record behind
    if (fields.size() == columns.size() + 1 && !fields.back().isNull &&
        fields.back().text().empty())
      fields.pop_back(); // dbgen's trailing delimiter
    else if (fields.size() == columns.size() + 1 && options.csv && fields.back().isNull)
      fields.pop_back();
    auto context = [&] { return contextLine(table.name(), reader.line(), raw); };
    if (fields.size() > columns.size())
      throw Error(SqlState::BadCopyFileFormat, "extra data after last expected column")
          .withContext(context());
    if (fields.size() < columns.size())
      throw Error(SqlState::BadCopyFileFormat,
                  "missing data for column \"" + defs[columns[fields.size()]].name + "\"")
          .withContext(context());
    int64_t row;
    storage::Chunk& chunk = buffer.reserveRow(row);
    // Null masks start out all "not null": only nulls are marked. Every field is converted
    // before constraints are checked, as PostgreSQL does; the first column (in table order)
    // that breaks NOT NULL is the one reported.
    size_t nullViolation = defs.size();
    auto markNull = [&](size_t c) {
      chunk.columns[c].nulls()[row] = 1;
      if (defs[c].notNull) nullViolation = std::min(nullViolation, c);
    };
    for (size_t c : unprovided)
      markNull(c);
    for (size_t i = 0; i < columns.size(); ++i) {
      int c = columns[i];
      auto& field = fields[i];
      if (field.isNull) {
        markNull(static_cast<size_t>(c));
        continue;
      }
      try {
        storeValue(chunk.columns[c], row, field.text(), defs[c], widths[c]);
      } catch (Error& error) {
        error.withContext("COPY " + table.name() + ", line " + std::to_string(reader.line()) +
                          ", column " + defs[c].name + ": \"" + std::string(field.text()) + "\"");
        throw;
      }
    }
    if (nullViolation < defs.size())
      throw Error(SqlState::NotNullViolation, "null value in column \"" + defs[nullViolation].name +
                                                  "\" of relation \"" + table.name() +
                                                  "\" violates not-null constraint")
          .withDetail(failingRowDetail(chunk, row))
          .withContext(context());
  }
}

/// Parses one slice of COPY input whose first record is line `firstLine`.
std::unique_ptr<storage::ColumnarBuffer>
parseSlice(std::string_view data, const CopyOptions& options, const storage::Table& table,
           const std::vector<int>& columns, int64_t firstLine, bool skipHeader) {
  auto buffer =
      std::make_unique<storage::ColumnarBuffer>(table.columnTypes(), storage::ChunkMemory::Bulk);
  if (PlainReader::accepts(data, options)) {
    PlainReader reader(data, options, firstLine);
    PlainRecord record;
    parseRecords(reader, record, *buffer, options, table, columns, skipHeader);
  } else {
    CopyReader reader(data, options, firstLine);
    Record record;
    parseRecords(reader, record, *buffer, options, table, columns, skipHeader);
  }
  return buffer;
}

} // namespace

namespace {

constexpr size_t kSliceBytes = 8 << 20;

} // namespace

struct CopyInParser::Slice {
  std::string data;
  int64_t firstLine;
  bool skipHeader;
  std::unique_ptr<storage::ColumnarBuffer> rows;
  std::exception_ptr error;
  std::thread worker;
};

CopyInParser::CopyInParser(CopyOptions options, std::shared_ptr<const storage::Table> table,
                           std::vector<int> columns)
    : options_(std::move(options)), table_(std::move(table)), columns_(std::move(columns)) {}

CopyInParser::~CopyInParser() {
  for (auto& slice : slices_)
    if (slice->worker.joinable()) slice->worker.join();
}

void CopyInParser::dispatch(std::string data, int64_t lines) {
  // Bound the work in flight (and the memory it holds) to one slice per core.
  size_t cores = std::max(1u, std::thread::hardware_concurrency());
  size_t running = 0;
  for (auto& slice : slices_)
    running += slice->worker.joinable();
  if (running >= cores) {
    for (auto& slice : slices_)
      if (slice->worker.joinable()) {
        slice->worker.join();
        break;
      }
  }
  auto slice = std::make_unique<Slice>();
  slice->data = std::move(data);
  slice->firstLine = nextLine_;
  // Records do not span lines while streaming, so line numbers follow from counting newlines.
  nextLine_ += lines;
  slice->skipHeader = first_ && options_.header;
  first_ = false;
  Slice* raw = slice.get();
  raw->worker = std::thread([this, raw] {
    try {
      raw->rows =
          parseSlice(raw->data, options_, *table_, columns_, raw->firstLine, raw->skipHeader);
    } catch (...) {
      raw->error = std::current_exception();
    }
    // Its pages are already mapped: the next slice reuses the buffer.
    std::lock_guard guard(spareLock_);
    raw->data.clear();
    spare_.push_back(std::move(raw->data));
  });
  slices_.push_back(std::move(slice));
}

void CopyInParser::feed(std::string_view bytes) {
  if (streaming_ && options_.csv && bytes.find(options_.quote) != std::string_view::npos)
    streaming_ = false; // a quoted field may hold a newline from here on
  pending_.append(bytes);
  if (!streaming_) return;
  // Slices are cut after a multiple of kChunkRows lines, so that each one fills whole chunks: a
  // slice ending in a nearly empty chunk would cost that chunk's memory for a few rows.
  for (size_t at = pending_.find('\n', scanned_); at != std::string::npos;
       at = pending_.find('\n', at + 1))
    if (++pendingLines_ % storage::kChunkRows == 0) chunkBoundary_ = at + 1;
  scanned_ = pending_.size();
  if (pending_.size() < kSliceBytes) return;
  size_t cut = chunkBoundary_;
  int64_t lines = pendingLines_ - pendingLines_ % storage::kChunkRows;
  if (cut == 0 && pending_.size() >= 4 * kSliceBytes) {
    // Lines so long that kChunkRows of them do not come soon: cut after the last one.
    cut = pending_.rfind('\n') + 1;
    lines = pendingLines_;
  }
  if (cut == 0) return;
  std::string next;
  {
    std::lock_guard guard(spareLock_);
    if (!spare_.empty()) {
      next = std::move(spare_.back());
      spare_.pop_back();
    }
  }
  next.reserve(kSliceBytes + (64 << 10));
  next.assign(pending_, cut);
  pending_.resize(cut);
  dispatch(std::move(pending_), lines);
  pending_ = std::move(next);
  pendingLines_ -= lines;
  scanned_ = pending_.size();
  chunkBoundary_ = 0;
}

std::unique_ptr<storage::ColumnarBuffer> CopyInParser::finish() {
  if (!pending_.empty() || slices_.empty()) {
    auto slice = std::make_unique<Slice>();
    slice->data = std::move(pending_);
    slice->firstLine = nextLine_;
    slice->skipHeader = first_ && options_.header;
    try {
      slice->rows =
          parseSlice(slice->data, options_, *table_, columns_, slice->firstLine, slice->skipHeader);
    } catch (...) {
      slice->error = std::current_exception();
    }
    slices_.push_back(std::move(slice));
  }
  for (auto& slice : slices_)
    if (slice->worker.joinable()) slice->worker.join();
  // The first bad line in the input is the one reported.
  for (auto& slice : slices_)
    if (slice->error) std::rethrow_exception(slice->error);
  auto result = std::make_unique<storage::ColumnarBuffer>(table_->columnTypes());
  for (auto& slice : slices_)
    result->absorb(*slice->rows);
  return result;
}

std::string failingRowDetail(const storage::Chunk& chunk, int64_t row) {
  std::string detail = "Failing row contains (";
  for (size_t c = 0; c < chunk.columns.size(); ++c) {
    if (c > 0) detail += ", ";
    const auto& column = chunk.columns[c];
    if (column.nulls()[row])
      detail += "null";
    else
      appendValueText(detail, column.type(), column.data(), row);
  }
  return detail + ").";
}

void appendCopyHeader(std::string& out, const std::vector<std::string>& names,
                      const CopyOptions& options) {
  if (!options.csv || !options.header) return;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out.push_back(options.delimiter);
    out += names[i];
  }
  out.push_back('\n');
}

void appendCopyRow(std::string& out, const storage::Chunk& chunk, int64_t row,
                   const CopyOptions& options) {
  std::string value;
  for (size_t c = 0; c < chunk.columns.size(); ++c) {
    if (c > 0) out.push_back(options.delimiter);
    const auto& column = chunk.columns[c];
    if (column.nulls()[row]) {
      out += options.null;
      continue;
    }
    value.clear();
    appendValueText(value, column.type(), column.data(), row);
    if (options.csv) {
      bool needsQuotes = value.empty() ? options.null.empty() : value == options.null;
      for (char ch : value)
        if (ch == options.delimiter || ch == options.quote || ch == '\n' || ch == '\r')
          needsQuotes = true;
      if (!needsQuotes) {
        out += value;
        continue;
      }
      out.push_back(options.quote);
      for (char ch : value) {
        if (ch == options.quote || ch == options.escape) out.push_back(options.escape);
        out.push_back(ch);
      }
      out.push_back(options.quote);
      continue;
    }
    for (char ch : value) {
      switch (ch) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\v':
        out += "\\v";
        break;
      default:
        if (ch == options.delimiter) out.push_back('\\');
        out.push_back(ch);
      }
    }
  }
  out.push_back('\n');
}

} // namespace flern::storage
