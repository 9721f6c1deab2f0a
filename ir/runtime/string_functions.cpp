// String builtins with PostgreSQL 15's semantics (varlena.c, oracle_compat.c): character
// positions over UTF-8, the same errors and edge cases.
#include "ir/runtime/string_functions.h"

#include <algorithm>
#include <clocale>
#include <csetjmp>
#include <cstring>
#include <cwctype>
#include <locale.h>
#include <optional>
#include <string>
#include <vector>

namespace flern::ir {

namespace {

/// PostgreSQL's limit on one value (MaxAllocSize): longer results raise 54000.
constexpr int64_t kMaxStringBytes = 0x3fffffff;

/// Bytes of the UTF-8 character starting with `lead`.
int charBytes(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 1;
}

/// Byte offset of character `n` (0-based) in `text`, or its size when it has fewer characters.
size_t offsetOfChar(std::string_view text, int64_t n) {
  size_t offset = 0;
  for (int64_t i = 0; i < n && offset < text.size(); ++i)
    offset += charBytes(static_cast<unsigned char>(text[offset]));
  return std::min(offset, text.size());
}

int64_t charCount(std::string_view text) {
  int64_t count = 0;
  for (unsigned char c : text)
    count += (c & 0xC0) != 0x80;
  return count;
}

/// The UTF-8 characters of `text`, each as its byte sequence.
std::vector<std::string_view> characters(std::string_view text) {
  std::vector<std::string_view> result;
  for (size_t i = 0; i < text.size();) {
    size_t length =
        std::min<size_t>(charBytes(static_cast<unsigned char>(text[i])), text.size() - i);
    result.push_back(text.substr(i, length));
    i += length;
  }
  return result;
}

/// A piece of `s`: short pieces are copied inline, long ones point into s's own bytes (which
/// are not inline, since inline strings have no long pieces).
StringRef piece(std::string_view of) {
  return makeStringRef(of);
}

void checkLength(QueryContext* context, int64_t bytes) {
  if (bytes > kMaxStringBytes)
    raiseFromRuntime(context, SqlState::ProgramLimitExceeded, "requested length too large");
}

/// Trims the characters in `set` from the start and/or end of `s` (btrim/ltrim/rtrim).
StringRef trim(StringRef s, StringRef set, bool leading, bool trailing) {
  std::string_view text = s.view();
  std::vector<std::string_view> chars = characters(set.view());
  auto inSet = [&](std::string_view c) {
    return std::find(chars.begin(), chars.end(), c) != chars.end();
  };
  size_t begin = 0, end = text.size();
  if (leading) {
    while (begin < end) {
      size_t length = charBytes(static_cast<unsigned char>(text[begin]));
      if (!inSet(text.substr(begin, length))) break;
      begin += length;
    }
  }
  if (trailing) {
    while (end > begin) {
      size_t start = end - 1;
      while (start > begin && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80)
        --start;
      if (!inSet(text.substr(start, end - start))) break;
      end = start;
    }
  }
  return piece(text.substr(begin, end - begin));
}

/// lpad / rpad: `s` cut or filled with repetitions of `fill` to `length` characters.
StringRef pad(QueryContext* context, StringRef s, int64_t length, StringRef fill, bool left) {
  length = std::max<int64_t>(length, 0);
  std::string_view text = s.view(), filler = fill.view();
  int64_t textChars = charCount(text);
  if (textChars >= length || filler.empty()) // cut to length (nothing to pad with otherwise)
    return piece(text.substr(0, offsetOfChar(text, std::min(textChars, length))));
  // The padding is whole repetitions of `fill` and then its first characters.
  int64_t padChars = length - textChars, fillChars = charCount(filler);
  int64_t padBytes = padChars / fillChars * static_cast<int64_t>(filler.size());
  if (padBytes > kMaxStringBytes) checkLength(context, padBytes);
  size_t tail = offsetOfChar(filler, padChars % fillChars);
  padBytes += static_cast<int64_t>(tail);
  checkLength(context, padBytes + static_cast<int64_t>(text.size()));
  char* out = context->arena.allocate(static_cast<size_t>(padBytes) + text.size());
  char* cursor = out;
  if (!left) cursor = std::copy(text.begin(), text.end(), cursor);
  for (int64_t i = 0; i < padChars / fillChars; ++i)
    cursor = std::copy(filler.begin(), filler.end(), cursor);
  cursor = std::copy(filler.begin(), filler.begin() + static_cast<ptrdiff_t>(tail), cursor);
  if (left) cursor = std::copy(text.begin(), text.end(), cursor);
  return makeStringRef(std::string_view(out, static_cast<size_t>(cursor - out)));
}

/// The C.UTF-8 locale for case mapping, created once.
locale_t utf8Locale() {
  static locale_t locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
  return locale;
}

/// Decodes the UTF-8 character at `text[i]`; nullopt for an invalid sequence.
std::optional<char32_t> decode(std::string_view text, size_t i, int length) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  if (length == 1) return byte(i);
  if (i + length > text.size()) return std::nullopt;
  char32_t code = byte(i) & (0x7F >> length);
  for (int k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return std::nullopt;
    code = (code << 6) | (byte(i + k) & 0x3F);
  }
  return code;
}

size_t encode(char32_t code, char* out) {
  if (code < 0x80) {
    out[0] = static_cast<char>(code);
    return 1;
  }
  if (code < 0x800) {
    out[0] = static_cast<char>(0xC0 | (code >> 6));
    out[1] = static_cast<char>(0x80 | (code & 0x3F));
    return 2;
  }
  if (code < 0x10000) {
    out[0] = static_cast<char>(0xE0 | (code >> 12));
    out[1] = static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out[2] = static_cast<char>(0x80 | (code & 0x3F));
    return 3;
  }
  out[0] = static_cast<char>(0xF0 | (code >> 18));
  out[1] = static_cast<char>(0x80 | ((code >> 12) & 0x3F));
  out[2] = static_cast<char>(0x80 | ((code >> 6) & 0x3F));
  out[3] = static_cast<char>(0x80 | (code & 0x3F));
  return 4;
}

/// Maps every character of `s` with towupper/towlower in C.UTF-8 into arena memory.
StringRef mapCase(QueryContext* context, StringRef s, bool upper, bool asciiOnly) {
  std::string_view text = s.view();
  // A mapped character takes at most one byte more than the original (2 -> 3 bytes).
  char* out = context->arena.allocate(text.size() * 2 + 1);
  size_t written = 0;
  locale_t locale = utf8Locale();
  if (locale == static_cast<locale_t>(0)) asciiOnly = true; // no C.UTF-8 on this system
  for (size_t i = 0; i < text.size();) {
    int length = charBytes(static_cast<unsigned char>(text[i]));
    auto code = decode(text, i, length);
    if (!code || (asciiOnly && *code >= 0x80)) { // copied as it is
      out[written++] = text[i++];
      continue;
    }
    char32_t mapped = *code;
    if (asciiOnly) {
      if (upper && mapped >= 'a' && mapped <= 'z') mapped -= 'a' - 'A';
      if (!upper && mapped >= 'A' && mapped <= 'Z') mapped += 'a' - 'A';
    } else {
      mapped = static_cast<char32_t>(upper ? towupper_l(static_cast<wint_t>(mapped), locale)
                                           : towlower_l(static_cast<wint_t>(mapped), locale));
    }
    written += encode(static_cast<char32_t>(mapped), out + written);
    i += static_cast<size_t>(length);
  }
  return makeStringRef(std::string_view(out, written));
}

} // namespace

void raiseFromRuntime(QueryContext* context, SqlState state, const char* message) {
  context->error.emplace(state, std::string(message));
  std::longjmp(*context->errorJump, 1);
}

StringRef arenaStringRef(QueryContext* context, std::string_view text) {
  if (text.size() <= StringRef::kInlineLimit) return makeStringRef(text);
  char* copy = context->arena.allocate(text.size());
  std::memcpy(copy, text.data(), text.size());
  return makeStringRef(std::string_view(copy, text.size()));
}

} // namespace flern::ir

using flern::ir::charCount;
using flern::ir::offsetOfChar;
using flern::ir::piece;

extern "C" {

int64_t flern_rt_str_octet_length(StringRef s) {
  return s.length;
}

StringRef flern_rt_str_upper(QueryContext* context, StringRef s) {
  return flern::ir::mapCase(context, s, true, false);
}
StringRef flern_rt_str_lower(QueryContext* context, StringRef s) {
  return flern::ir::mapCase(context, s, false, false);
}
StringRef flern_rt_str_ascii_upper(QueryContext* context, StringRef s) {
  return flern::ir::mapCase(context, s, true, true);
}
StringRef flern_rt_str_ascii_lower(QueryContext* context, StringRef s) {
  return flern::ir::mapCase(context, s, false, true);
}

/// substring(s from start [for count]): characters [start, start + count), 1-based, clipped.
StringRef flern_rt_str_substring(QueryContext* context, StringRef s, int64_t start, int64_t count,
                                 int32_t hasCount) {
  if (hasCount && count < 0)
    flern::ir::raiseFromRuntime(context, flern::SqlState::SubstringError,
                                "negative substring length not allowed");
  std::string_view text = s.view();
  int64_t first = std::max<int64_t>(start, 1);
  if (hasCount) {
    int64_t end = start + count; // both are int4, so no overflow in 64 bits
    if (end <= first) return piece({});
    size_t from = offsetOfChar(text, first - 1);
    size_t to = from + offsetOfChar(text.substr(from), end - first);
    return piece(text.substr(from, to - from));
  }
  return piece(text.substr(offsetOfChar(text, first - 1)));
}

int64_t flern_rt_str_position(StringRef s, StringRef needle) {
  std::string_view text = s.view();
  size_t at = text.find(needle.view());
  if (at == std::string_view::npos) return 0;
  return charCount(text.substr(0, at)) + 1;
}

int32_t flern_rt_str_starts_with(StringRef s, StringRef prefix) {
  return s.view().starts_with(prefix.view());
}

StringRef flern_rt_str_btrim(StringRef s, StringRef characters) {
  return flern::ir::trim(s, characters, true, true);
}
StringRef flern_rt_str_ltrim(StringRef s, StringRef characters) {
  return flern::ir::trim(s, characters, true, false);
}
StringRef flern_rt_str_rtrim(StringRef s, StringRef characters) {
  return flern::ir::trim(s, characters, false, true);
}

StringRef flern_rt_str_replace(QueryContext* context, StringRef s, StringRef from, StringRef to) {
  std::string_view text = s.view(), pattern = from.view(), replacement = to.view();
  if (pattern.empty()) return s;
  int64_t matches = 0;
  for (size_t at = text.find(pattern); at != std::string_view::npos;
       at = text.find(pattern, at + pattern.size()))
    ++matches;
  if (matches == 0) return s;
  // Sized first: nothing that owns memory is alive when a too-long result raises.
  int64_t bytes =
      static_cast<int64_t>(text.size()) +
      matches * (static_cast<int64_t>(replacement.size()) - static_cast<int64_t>(pattern.size()));
  flern::ir::checkLength(context, bytes);
  char* out = context->arena.allocate(static_cast<size_t>(bytes) + 1);
  char* cursor = out;
  size_t position = 0;
  for (size_t at; (at = text.find(pattern, position)) != std::string_view::npos;
       position = at + pattern.size()) {
    cursor = std::copy(text.begin() + position, text.begin() + at, cursor);
    cursor = std::copy(replacement.begin(), replacement.end(), cursor);
  }
  cursor = std::copy(text.begin() + position, text.end(), cursor);
  return flern::makeStringRef(std::string_view(out, static_cast<size_t>(cursor - out)));
}

/// split_part: field `field` (1-based; negative counts from the end) of `s` split at
/// `delimiter`; empty when there is no such field.
StringRef flern_rt_str_split_part(QueryContext* context, StringRef s, StringRef delimiter,
                                  int64_t field) {
  if (field == 0)
    flern::ir::raiseFromRuntime(context, flern::SqlState::InvalidParameterValue,
                                "field position must not be zero");
  std::string_view text = s.view(), separator = delimiter.view();
  if (text.empty()) return piece({});
  if (separator.empty()) return field == 1 || field == -1 ? s : piece({});
  std::vector<std::string_view> fields;
  size_t position = 0;
  for (size_t at; (at = text.find(separator, position)) != std::string_view::npos;
       position = at + separator.size())
    fields.push_back(text.substr(position, at - position));
  fields.push_back(text.substr(position));
  int64_t count = static_cast<int64_t>(fields.size());
  int64_t index = field > 0 ? field - 1 : count + field;
  if (index < 0 || index >= count) return piece({});
  return piece(fields[static_cast<size_t>(index)]);
}

/// left(s, n): the first n characters; with n < 0 all but the last -n.
StringRef flern_rt_str_left(StringRef s, int64_t n) {
  std::string_view text = s.view();
  int64_t keep = n >= 0 ? n : std::max<int64_t>(charCount(text) + n, 0);
  return piece(text.substr(0, offsetOfChar(text, keep)));
}

/// right(s, n): the last n characters; with n < 0 all but the first -n.
StringRef flern_rt_str_right(StringRef s, int64_t n) {
  std::string_view text = s.view();
  int64_t total = charCount(text);
  int64_t skip = n >= 0 ? std::max<int64_t>(total - n, 0) : std::min(-n, total);
  return piece(text.substr(offsetOfChar(text, skip)));
}

StringRef flern_rt_str_lpad(QueryContext* context, StringRef s, int64_t length, StringRef fill) {
  return flern::ir::pad(context, s, length, fill, true);
}
StringRef flern_rt_str_rpad(QueryContext* context, StringRef s, int64_t length, StringRef fill) {
  return flern::ir::pad(context, s, length, fill, false);
}

StringRef flern_rt_str_reverse(QueryContext* context, StringRef s) {
  std::string_view text = s.view();
  char* out = context->arena.allocate(text.size() + 1);
  size_t end = text.size();
  for (size_t i = 0; i < text.size();) {
    size_t length = std::min<size_t>(flern::ir::charBytes(static_cast<unsigned char>(text[i])),
                                     text.size() - i);
    std::memcpy(out + end - length, text.data() + i, length);
    end -= length;
    i += length;
  }
  return flern::makeStringRef(std::string_view(out, text.size()));
}

StringRef flern_rt_str_repeat(QueryContext* context, StringRef s, int64_t count) {
  if (count <= 0 || s.length == 0) return piece({});
  if (count > flern::ir::kMaxStringBytes / static_cast<int64_t>(s.length))
    flern::ir::checkLength(context, flern::ir::kMaxStringBytes + 1);
  std::string_view text = s.view();
  size_t bytes = text.size() * static_cast<size_t>(count);
  char* out = context->arena.allocate(bytes);
  for (int64_t i = 0; i < count; ++i)
    std::memcpy(out + static_cast<size_t>(i) * text.size(), text.data(), text.size());
  return flern::makeStringRef(std::string_view(out, bytes));
}

} // extern "C"
