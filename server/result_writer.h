// Writes query results as DataRow messages in PostgreSQL's text format.
#pragma once

#include "server/pg_message_writer.h"
#include "storage/table.h"

namespace flern::server {

/// Appends the DataRow of row `row` of `chunk`.
void writeDataRow(PgMessageWriter& writer, const storage::Chunk& chunk, int64_t row);
/// Appends a one-column DataRow holding `text`.
void writeTextRow(PgMessageWriter& writer, std::string_view text);

} // namespace flern::server
