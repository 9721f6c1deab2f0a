// The table catalog and its durable form in the data directory.
//
// Layout on disk (format version 1): DATA/tables/<name>/meta.json holds the schema and chunk row
// counts; DATA/tables/<name>/<i>.col.zst holds column i of every chunk, zstd-compressed. A
// checkpoint writes a complete new DATA/tables.new and renames it over DATA/tables, so a crash
// during a checkpoint leaves the previous one intact. A write-ahead log will replay on top of
// the last checkpoint (not built yet).
#pragma once

#include "storage/table.h"

#include <filesystem>
#include <map>
#include <memory>
#include <string>

namespace flern::storage {

/// Tables by name. Not synchronized: the owner (the Database) serializes access.
class Catalog {
public:
  std::shared_ptr<Table> find(const std::string& name) const;
  /// Adds a table; raises 42P07 when the name is taken.
  void add(std::shared_ptr<Table> table);
  /// Removes a table; returns false when there is none of that name.
  bool remove(const std::string& name);
  const std::map<std::string, std::shared_ptr<Table>>& tables() const { return tables_; }

  /// Writes every table under `dataDir` atomically.
  void checkpoint(const std::filesystem::path& dataDir) const;
  /// Loads the tables written by the last checkpoint (none when there is none).
  void load(const std::filesystem::path& dataDir);

private:
  std::map<std::string, std::shared_ptr<Table>> tables_;
};

/// Writes one table into `directory` (created).
void writeTable(const Table& table, const std::filesystem::path& directory);
/// Reads a table written by writeTable.
std::shared_ptr<Table> readTable(const std::filesystem::path& directory);

} // namespace flern::storage
