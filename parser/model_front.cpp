#include "parser/model_front.h"

#include "common/error.h"

#include <cctype>

namespace flern::parser {

namespace {

/// A minimal tokenizer for the model statements' keywords, names and option values.
class ModelLexer {
public:
  ModelLexer(const std::string& sql, int begin, int end) : sql_(sql), pos_(begin), end_(end) {}

  struct Token {
    std::string text; ///< identifiers lower-cased unless quoted
    int location = -1;
    bool quoted = false;
    bool atEnd = false;
  };

  Token next() {
    skipSpace();
    Token token;
    token.location = pos_;
    if (pos_ >= end_) {
      token.atEnd = true;
      return token;
    }
    char c = sql_[pos_];
    if (c == '"' || c == '\'') {
      token.quoted = true;
      ++pos_;
      while (pos_ < end_ && sql_[pos_] != c)
        token.text.push_back(sql_[pos_++]);
      if (pos_ >= end_)
        throw Error(SqlState::SyntaxError, "unterminated quoted string", token.location + 1);
      ++pos_;
      return token;
    }
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-') {
      while (pos_ < end_ && (std::isalnum(static_cast<unsigned char>(sql_[pos_])) ||
                             sql_[pos_] == '_' || sql_[pos_] == '.' || sql_[pos_] == '-'))
        token.text.push_back(
            static_cast<char>(std::tolower(static_cast<unsigned char>(sql_[pos_++]))));
      return token;
    }
    token.text = std::string(1, c);
    ++pos_;
    return token;
  }

  Token peek() {
    int saved = pos_;
    Token token = next();
    pos_ = saved;
    return token;
  }

  int position() {
    skipSpace();
    return pos_;
  }

private:
  void skipSpace() {
    while (pos_ < end_) {
      if (std::isspace(static_cast<unsigned char>(sql_[pos_]))) {
        ++pos_;
      } else if (sql_.compare(pos_, 2, "--") == 0) {
        while (pos_ < end_ && sql_[pos_] != '\n')
          ++pos_;
      } else if (sql_.compare(pos_, 2, "/*") == 0) {
        auto close = sql_.find("*/", pos_ + 2);
        pos_ = close == std::string::npos ? end_ : static_cast<int>(close) + 2;
      } else {
        break;
      }
    }
  }

  const std::string& sql_;
  int pos_;
  int end_;
};

[[noreturn]] void syntaxErrorAt(const ModelLexer::Token& token) {
  if (token.atEnd)
    throw Error(SqlState::SyntaxError, "syntax error at end of input", token.location + 1);
  throw Error(SqlState::SyntaxError, "syntax error at or near \"" + token.text + "\"",
              token.location + 1);
}

ModelLexer::Token expectName(ModelLexer& lexer) {
  auto token = lexer.next();
  if (token.atEnd || token.text.empty() ||
      (!token.quoted && !std::isalpha(static_cast<unsigned char>(token.text[0])) &&
       token.text[0] != '_'))
    syntaxErrorAt(token);
  return token;
}

void expectKeyword(ModelLexer& lexer, const char* keyword) {
  auto token = lexer.next();
  if (token.quoted || token.text != keyword) syntaxErrorAt(token);
}

} // namespace

std::optional<ast::Statement> parseModelStatement(const std::string& sql, int begin, int end) {
  ModelLexer lexer(sql, begin, end);
  auto first = lexer.next();
  auto second = lexer.next();
  if (first.quoted || second.quoted || second.text != "model" ||
      (first.text != "create" && first.text != "drop"))
    return std::nullopt;

  if (first.text == "drop") {
    ast::Statement stmt{ast::StmtKind::DropModel};
    stmt.drop = std::make_unique<ast::DropStmt>();
    if (!lexer.peek().quoted && lexer.peek().text == "if") {
      lexer.next();
      expectKeyword(lexer, "exists");
      stmt.drop->ifExists = true;
    }
    while (true) {
      auto name = expectName(lexer);
      stmt.drop->names.push_back(name.text);
      stmt.drop->locations.push_back(name.location);
      auto separator = lexer.next();
      if (separator.atEnd || separator.text == ";") break;
      if (separator.text != ",") syntaxErrorAt(separator);
    }
    return stmt;
  }

  ast::Statement stmt{ast::StmtKind::CreateModel};
  stmt.createModel = std::make_unique<ast::CreateModelStmt>();
  auto& model = *stmt.createModel;
  model.name = expectName(lexer).text;
  expectKeyword(lexer, "predict");
  auto target = expectName(lexer);
  model.target = target.text;
  model.targetLocation = target.location;
  expectKeyword(lexer, "train");
  auto algorithm = expectName(lexer);
  model.algorithm = algorithm.text;
  model.algorithmLocation = algorithm.location;
  auto next = lexer.next();
  if (!next.quoted && next.text == "with") {
    auto open = lexer.next();
    if (open.text != "(") syntaxErrorAt(open);
    while (true) {
      auto key = expectName(lexer);
      auto equals = lexer.next();
      if (equals.text != "=") syntaxErrorAt(equals);
      auto value = lexer.next();
      if (value.atEnd) syntaxErrorAt(value);
      model.options.emplace_back(key.text, value.text);
      auto separator = lexer.next();
      if (separator.text == ")") break;
      if (separator.text != ",") syntaxErrorAt(separator);
    }
    next = lexer.next();
  }
  if (next.quoted || next.text != "as") syntaxErrorAt(next);
  int queryBegin = lexer.position();
  int queryEnd = end;
  while (queryEnd > queryBegin &&
         (sql[queryEnd - 1] == ';' || std::isspace(static_cast<unsigned char>(sql[queryEnd - 1]))))
    --queryEnd;
  if (queryEnd <= queryBegin) syntaxErrorAt(lexer.next());
  model.query = parseEmbeddedSelect(sql, queryBegin, queryEnd);
  model.queryText = sql.substr(queryBegin, queryEnd - queryBegin);
  return stmt;
}

} // namespace flern::parser
