#include "storage/catalog.h"

#include "common/error.h"

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>
#include <zstd.h>

namespace flern::storage {

namespace fs = std::filesystem;

std::shared_ptr<Table> Catalog::find(const std::string& name) const {
  auto it = tables_.find(name);
  return it == tables_.end() ? nullptr : it->second;
}

void Catalog::add(std::shared_ptr<Table> table) {
  if (tables_.count(table->name()) || views_.count(table->name()))
    throw Error(SqlState::DuplicateTable, "relation \"" + table->name() + "\" already exists");
  tables_[table->name()] = std::move(table);
}

bool Catalog::remove(const std::string& name) {
  return tables_.erase(name) > 0;
}

std::shared_ptr<const ViewDef> Catalog::findView(const std::string& name) const {
  auto it = views_.find(name);
  return it == views_.end() ? nullptr : it->second;
}

void Catalog::putView(std::shared_ptr<const ViewDef> view) {
  views_[view->name] = std::move(view);
}

bool Catalog::removeView(const std::string& name) {
  return views_.erase(name) > 0;
}

std::vector<std::string> Catalog::dependentViews(const std::string& relation) const {
  std::vector<std::string> dependents;
  for (const auto& [name, view] : views_)
    for (const auto& used : view->dependsOn)
      if (used == relation && name != relation) {
        dependents.push_back(name);
        break;
      }
  return dependents;
}

namespace {

constexpr int kFormatVersion = 1;

void appendBytes(std::string& out, const void* data, size_t size) {
  out.append(static_cast<const char*>(data), size);
}

void writeCompressed(const fs::path& path, const std::string& raw) {
  std::string compressed(ZSTD_compressBound(raw.size()), '\0');
  size_t size = ZSTD_compress(compressed.data(), compressed.size(), raw.data(), raw.size(), 3);
  if (ZSTD_isError(size))
    throw Error(SqlState::IoError,
                std::string("could not compress column: ") + ZSTD_getErrorName(size));
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(compressed.data(), static_cast<std::streamsize>(size));
  if (!file) throw Error(SqlState::IoError, "could not write file \"" + path.string() + "\"");
}

std::string readCompressed(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::string compressed((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  unsigned long long rawSize = ZSTD_getFrameContentSize(compressed.data(), compressed.size());
  if (rawSize == ZSTD_CONTENTSIZE_ERROR || rawSize == ZSTD_CONTENTSIZE_UNKNOWN)
    throw Error(SqlState::IoError, "could not read file \"" + path.string() + "\"");
  std::string raw(rawSize, '\0');
  size_t size = ZSTD_decompress(raw.data(), raw.size(), compressed.data(), compressed.size());
  if (ZSTD_isError(size) || size != rawSize)
    throw Error(SqlState::IoError, "corrupt column file \"" + path.string() + "\"");
  return raw;
}

nlohmann::json typeToJson(const SqlType& type) {
  return {{"id", static_cast<int>(type.id)},
          {"precision", type.precision},
          {"scale", type.scale},
          {"length", type.length}};
}

SqlType typeFromJson(const nlohmann::json& json) {
  SqlType type;
  type.id = static_cast<TypeId>(json.at("id").get<int>());
  type.precision = json.at("precision");
  type.scale = json.at("scale");
  type.length = json.at("length");
  return type;
}

} // namespace

void writeTable(const Table& table, const fs::path& directory) {
  fs::create_directories(directory);
  nlohmann::json meta;
  meta["format_version"] = kFormatVersion;
  meta["name"] = table.name();
  for (const auto& column : table.columns())
    meta["columns"].push_back(
        {{"name", column.name}, {"type", typeToJson(column.type)}, {"not_null", column.notNull}});
  meta["chunk_rows"] = nlohmann::json::array();
  for (const auto& chunk : table.data().chunks())
    meta["chunk_rows"].push_back(chunk->rows);

  for (size_t c = 0; c < table.columns().size(); ++c) {
    const SqlType type = table.columns()[c].type;
    std::string raw;
    for (const auto& chunk : table.data().chunks()) {
      const ColumnVector& column = chunk->columns[c];
      appendBytes(raw, column.nulls(), chunk->rows);
      if (!type.isString()) {
        appendBytes(raw, column.data(), chunk->rows * type.byteWidth());
        continue;
      }
      const auto* refs = reinterpret_cast<const StringRef*>(column.data());
      for (int64_t i = 0; i < chunk->rows; ++i) {
        uint32_t length = column.nulls()[i] ? 0 : refs[i].length;
        appendBytes(raw, &length, sizeof length);
      }
      for (int64_t i = 0; i < chunk->rows; ++i)
        if (!column.nulls()[i]) appendBytes(raw, refs[i].data(), refs[i].length);
    }
    writeCompressed(directory / (std::to_string(c) + ".col.zst"), raw);
  }
  std::ofstream(directory / "meta.json") << meta.dump(2) << "\n";
}

std::shared_ptr<Table> readTable(const fs::path& directory) {
  nlohmann::json meta;
  std::ifstream(directory / "meta.json") >> meta;
  if (meta.at("format_version") != kFormatVersion)
    throw Error(SqlState::IoError, "unsupported table format in \"" + directory.string() + "\"");
  std::vector<ColumnDef> columns;
  for (const auto& column : meta.at("columns"))
    columns.push_back({column.at("name"), typeFromJson(column.at("type")), column.at("not_null")});
  auto table = std::make_shared<Table>(meta.at("name"), columns);
  auto types = table->columnTypes();
  for (int64_t rows : meta.at("chunk_rows")) {
    table->data().chunks().push_back(std::make_unique<Chunk>(types, ChunkMemory::Bulk));
    table->data().chunks().back()->rows = rows;
  }
  for (size_t c = 0; c < columns.size(); ++c) {
    std::string raw = readCompressed(directory / (std::to_string(c) + ".col.zst"));
    size_t offset = 0;
    auto take = [&](void* out, size_t size) {
      if (offset + size > raw.size())
        throw Error(SqlState::IoError, "truncated column file in \"" + directory.string() + "\"");
      std::memcpy(out, raw.data() + offset, size);
      offset += size;
    };
    for (auto& chunk : table->data().chunks()) {
      ColumnVector& column = chunk->columns[c];
      take(column.nulls(), chunk->rows);
      if (!types[c].isString()) {
        take(column.data(), chunk->rows * types[c].byteWidth());
        continue;
      }
      std::vector<uint32_t> lengths(chunk->rows);
      take(lengths.data(), lengths.size() * sizeof(uint32_t));
      auto* refs = reinterpret_cast<StringRef*>(column.data());
      for (int64_t i = 0; i < chunk->rows; ++i) {
        if (offset + lengths[i] > raw.size())
          throw Error(SqlState::IoError, "truncated column file in \"" + directory.string() + "\"");
        refs[i] = makeStringRef(std::string_view(raw.data() + offset, lengths[i]));
        offset += lengths[i];
      }
      column.internAll(chunk->rows);
    }
  }
  return table;
}

void Catalog::checkpoint(const fs::path& dataDir) const {
  fs::path staging = dataDir / "tables.new";
  fs::path current = dataDir / "tables";
  fs::path previous = dataDir / "tables.old";
  fs::remove_all(staging);
  fs::create_directories(staging);
  size_t index = 0;
  for (const auto& [name, table] : tables_)
    writeTable(*table, staging / std::to_string(index++));
  fs::remove_all(previous);
  if (fs::exists(current)) fs::rename(current, previous);
  fs::rename(staging, current);
  fs::remove_all(previous);
  checkpointViews(dataDir);
}

void Catalog::checkpointViews(const fs::path& dataDir) const {
  nlohmann::json views = nlohmann::json::array();
  for (const auto& [name, view] : views_) {
    nlohmann::json types = nlohmann::json::array();
    for (const auto& type : view->columnTypes)
      types.push_back(typeToJson(type));
    views.push_back({{"name", view->name},
                     {"definition", view->definition},
                     {"column_names", view->columnNames},
                     {"column_types", types},
                     {"depends_on", view->dependsOn}});
  }
  nlohmann::json document = {{"format_version", kFormatVersion}, {"views", views}};
  fs::path staging = dataDir / "views.json.new";
  {
    std::ofstream file(staging, std::ios::trunc);
    file << document.dump(2) << "\n";
    if (!file) throw Error(SqlState::IoError, "could not write file \"" + staging.string() + "\"");
  }
  fs::rename(staging, dataDir / "views.json");
}

void Catalog::loadViews(const fs::path& dataDir) {
  fs::path path = dataDir / "views.json";
  if (!fs::exists(path)) return; // written before views existed, or none checkpointed yet
  nlohmann::json document;
  std::ifstream(path) >> document;
  if (document.at("format_version") != kFormatVersion)
    throw Error(SqlState::IoError, "unsupported view format in \"" + path.string() + "\"");
  for (const auto& entry : document.at("views")) {
    auto view = std::make_shared<ViewDef>();
    view->name = entry.at("name");
    view->definition = entry.at("definition");
    view->columnNames = entry.at("column_names").get<std::vector<std::string>>();
    for (const auto& type : entry.at("column_types"))
      view->columnTypes.push_back(typeFromJson(type));
    view->dependsOn = entry.at("depends_on").get<std::vector<std::string>>();
    views_[view->name] = view;
  }
}

void Catalog::load(const fs::path& dataDir) {
  loadViews(dataDir);
  fs::path current = dataDir / "tables";
  if (!fs::exists(current) && fs::exists(dataDir / "tables.old"))
    current = dataDir / "tables.old"; // a checkpoint was interrupted between its two renames
  if (!fs::exists(current)) return;
  for (const auto& entry : fs::directory_iterator(current)) {
    auto table = readTable(entry.path());
    // Statistics and zone maps are not in the checkpoint: computed again from the rows.
    table->analyze(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
    tables_[table->name()] = std::move(table);
  }
}

} // namespace flern::storage
