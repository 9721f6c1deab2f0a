// SQL text to Flern AST: libpg_query for the PostgreSQL grammar, plus a thin front for the model
// statements the PostgreSQL grammar lacks (CREATE MODEL, DROP MODEL).
#pragma once

#include "parser/ast.h"

#include <string>
#include <vector>

namespace flern::parser {

/// Parses every statement in `sql`. Raises 42601 with the cursor position on a syntax error.
std::vector<ast::Statement> parse(const std::string& sql);

} // namespace flern::parser
