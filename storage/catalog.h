// The table catalog and its durable form in the data directory.
//
// Layout on disk (format version 1): DATA/tables/<name>/meta.json holds the schema and chunk row
// counts; DATA/tables/<name>/<i>.col.zst holds column i of every chunk, zstd-compressed.
// DATA/views.json holds the views (absent in data directories written before views existed). A
// checkpoint writes a complete new DATA/tables.new and renames it over DATA/tables, so a crash
// during a checkpoint leaves the previous one intact. A write-ahead log will replay on top of
// the last checkpoint (not built yet).
#pragma once

#include "storage/table.h"

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace flern::storage {

/// A view as the catalog keeps it: the CREATE VIEW statement it is bound from wherever it is
/// used, its columns (OR REPLACE may only add columns at the end) and the relations its query
/// names (DROP refuses to take them away from under it).
struct ViewDef {
  std::string name;
  std::string definition; ///< the CREATE VIEW statement as written
  std::vector<std::string> columnNames;
  std::vector<SqlType> columnTypes;
  std::vector<std::string> dependsOn; ///< tables and views its query reads
};

/// Tables and views by name (one namespace). Not synchronized: the owner (the Database)
/// serializes access.
class Catalog {
public:
  std::shared_ptr<Table> find(const std::string& name) const;
  /// Adds a table; raises 42P07 when the name is taken (by a table or a view).
  void add(std::shared_ptr<Table> table);
  /// Removes a table; returns false when there is none of that name.
  bool remove(const std::string& name);
  const std::map<std::string, std::shared_ptr<Table>>& tables() const { return tables_; }

  std::shared_ptr<const ViewDef> findView(const std::string& name) const;
  /// Adds or replaces a view (the caller checked the name and OR REPLACE's rules).
  void putView(std::shared_ptr<const ViewDef> view);
  bool removeView(const std::string& name);
  const std::map<std::string, std::shared_ptr<const ViewDef>>& views() const { return views_; }
  /// The views whose queries name `relation`, directly.
  std::vector<std::string> dependentViews(const std::string& relation) const;

  /// Writes every table under `dataDir` atomically.
  void checkpoint(const std::filesystem::path& dataDir) const;
  /// Loads the tables written by the last checkpoint (none when there is none).
  void load(const std::filesystem::path& dataDir);

private:
  void checkpointViews(const std::filesystem::path& dataDir) const;
  void loadViews(const std::filesystem::path& dataDir);

  std::map<std::string, std::shared_ptr<Table>> tables_;
  std::map<std::string, std::shared_ptr<const ViewDef>> views_;
};

/// Writes one table into `directory` (created).
void writeTable(const Table& table, const std::filesystem::path& directory);
/// Reads a table written by writeTable.
std::shared_ptr<Table> readTable(const std::filesystem::path& directory);

} // namespace flern::storage
