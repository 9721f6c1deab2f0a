// The model statements' own grammar, recognised before libpg_query sees the text:
//   CREATE MODEL name PREDICT column TRAIN algorithm [WITH (key = value [, ...])] AS query
//   DROP MODEL [IF EXISTS] name [, ...]
// The embedded query keeps its offsets in the original text so error positions stay exact.
#pragma once

#include "parser/ast.h"

#include <optional>
#include <string>

namespace flern::parser {

/// If the statement at [begin, end) of `sql` is a model statement, parses it; otherwise nullopt.
std::optional<ast::Statement> parseModelStatement(const std::string& sql, int begin, int end);

/// Parses one SELECT whose text is sql[begin, end), locations relative to all of `sql`.
std::unique_ptr<ast::SelectStmt> parseEmbeddedSelect(const std::string& sql, int begin, int end);

} // namespace flern::parser
