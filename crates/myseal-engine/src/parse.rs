//! Parsing: sqlparser's MySQL dialect plus the MySQL statements it lacks or gets wrong.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/set-variable.html>
//!
//! The text is tokenized once (keeping whitespace and comments, with locations), then statements
//! are parsed one at a time so that `a; b` executes `a` before `b` is parsed, as MySQL does.
//! `SET`, `DO` and `SHOW [COUNT(*)] WARNINGS|ERRORS` are parsed here with the parser's primitives
//! (sqlparser cannot parse `SET a=1, NAMES utf8mb4` or `SET x := 1`), the other MySQL forms it
//! lacks in [`forms`]. Syntax errors become
//! ER_PARSE_ERROR quoting the text from the error position, and select-list items get their
//! column names from the original text, as MySQL does.

use sqlparser::ast::{Expr, Statement};
use sqlparser::dialect::MySqlDialect;
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{
    Location, Span, Token, TokenWithSpan, Tokenizer, TokenizerError, Whitespace, Word,
};

use crate::error::EngineError;
use crate::exec::account::{self, AccountStmt};

pub(crate) mod compound;
pub(crate) mod dialect;
pub(crate) mod forms;

pub(crate) use dialect::Lexing;

pub(crate) use forms::{AlterExtras, LockItem, TableOp};

static DIALECT: MySqlDialect = MySqlDialect {};

/// Parser nesting limit; deeper expressions fail with ER 1436 instead of overflowing the stack.
const RECURSION_LIMIT: usize = 64;

/// Scope keyword of a SET assignment or `@@scope.` prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum VarScope {
    Global,
    Session,
}

/// Right-hand side of a system variable assignment.
#[derive(Clone, Debug)]
pub(crate) enum SetValue {
    /// `DEFAULT`.
    Default,
    /// A bare word such as `ON`, `utf8mb4` or `READ-COMMITTED`, taken as a string.
    Word(String),
    /// Any expression.
    Expr(Box<Expr>),
}

/// One comma-separated item of a SET statement.
#[derive(Clone, Debug)]
pub(crate) enum SetItem {
    /// `[GLOBAL|SESSION] name = value`, `@@[global.|session.]name = value`.
    System {
        scope: Option<VarScope>,
        name: String,
        value: SetValue,
    },
    /// `@name = expr`.
    User { name: String, value: Box<Expr> },
    /// `NAMES cs [COLLATE c]`; charset None means DEFAULT.
    Names {
        charset: Option<String>,
        collation: Option<String>,
    },
    /// `CHARACTER SET cs` / `CHARSET cs`; None means DEFAULT.
    CharacterSet(Option<String>),
    /// `[GLOBAL|SESSION] TRANSACTION ISOLATION LEVEL .. | READ ONLY | READ WRITE`.
    Transaction {
        scope: Option<VarScope>,
        isolation: Option<String>,
        read_only: Option<bool>,
    },
}

/// A parsed statement.
#[derive(Debug)]
pub(crate) enum Stmt {
    /// Anything sqlparser parsed.
    Sql(Box<Statement>),
    /// `SET ...`.
    Set(Vec<SetItem>),
    /// `DO expr, ...`.
    Do(Vec<Expr>),
    /// A statement recognised but not supported (ER_NOT_SUPPORTED_YET), e.g. `SET ROLE`.
    Unsupported,
    /// An account-management statement (CREATE USER, SET PASSWORD, SHOW GRANTS, ...).
    Account(Box<AccountStmt>),
    /// A statement that parsed but carries a MySQL error found while parsing (e.g.
    /// ER_DUP_ARGUMENT), raised when it runs.
    Failed(EngineError),
    /// `SHOW [COUNT(*)] WARNINGS|ERRORS [LIMIT ..]`.
    ShowWarnings {
        errors: bool,
        count: bool,
        limit: Option<Box<Expr>>,
        offset: Option<Box<Expr>>,
    },
    /// `START TRANSACTION [WITH CONSISTENT SNAPSHOT | READ ONLY | READ WRITE] [, ...]`.
    StartTransaction {
        consistent_snapshot: bool,
        read_only: bool,
    },
    /// ALTER TABLE with table options or CONVERT TO (see [`forms::parse_alter_table`]).
    AlterTable {
        alter: Box<sqlparser::ast::AlterTable>,
        extras: AlterExtras,
    },
    /// `SHOW {INDEX | INDEXES | KEYS} {FROM | IN} t [{FROM | IN} db] [WHERE expr]`.
    ShowIndex {
        table: sqlparser::ast::ObjectName,
        db: Option<String>,
        filter: Option<sqlparser::ast::ShowStatementFilter>,
    },
    /// `SHOW TABLE STATUS [{FROM | IN} db] [LIKE 'pattern' | WHERE expr]`.
    ShowTableStatus {
        db: Option<String>,
        filter: Option<sqlparser::ast::ShowStatementFilter>,
    },
    /// `SHOW CREATE {DATABASE | SCHEMA} [IF NOT EXISTS] db`.
    ShowCreateDatabase { name: String, if_not_exists: bool },
    /// `CREATE {DATABASE | SCHEMA} [IF NOT EXISTS] name CLONE source` (myseal's extension).
    CloneDatabase {
        name: String,
        source: String,
        if_not_exists: bool,
    },
    /// `CREATE {DATABASE | SCHEMA}` (without CLONE) or `ALTER {DATABASE | SCHEMA}`.
    Database(Box<forms::DatabaseSpec>),
    /// `SHOW [STORAGE] ENGINES`.
    ShowEngines,
    /// `SHOW {CHARACTER SET | CHARSET} [LIKE 'pattern' | WHERE expr]`.
    ShowCharset(Option<sqlparser::ast::ShowStatementFilter>),
    /// `SHOW COLLATION [LIKE 'pattern' | WHERE expr]`.
    ShowCollation(Option<sqlparser::ast::ShowStatementFilter>),
    /// `LOCK {TABLE | TABLES} ...`.
    LockTables(Vec<LockItem>),
    /// `UNLOCK {TABLE | TABLES}`.
    UnlockTables,
    /// `ALTER INSTANCE RELOAD TLS [FOR CHANNEL mysql_main] [NO ROLLBACK ON ERROR]`.
    ReloadTls { rollback_on_error: bool },
    /// ANALYZE / OPTIMIZE / CHECK / CHECKSUM TABLE t, ...
    TableMaintenance {
        op: TableOp,
        tables: Vec<sqlparser::ast::ObjectName>,
    },
    /// `PREPARE name FROM {'text' | @var}`.
    SqlPrepare { name: String, source: PrepareSource },
    /// `EXECUTE name [USING @a, @b, ...]` (user variable names, lower-cased).
    SqlExecute { name: String, using: Vec<String> },
    /// `{DEALLOCATE | DROP} PREPARE name`.
    SqlDeallocate { name: String },
    /// `LOAD DATA [LOCAL] INFILE ...`.
    LoadData(Box<crate::stmt::load::LoadSpec>),
    /// `CREATE [OR REPLACE] ... VIEW` or `ALTER ... VIEW` (see [`forms::parse_view`]).
    View(Box<forms::ViewSpec>),
    /// CREATE/DROP TRIGGER, SHOW TRIGGERS, SHOW CREATE TRIGGER (see [`compound`]).
    Trigger(Box<compound::TriggerStmt>),
}

/// Where `PREPARE ... FROM` takes the statement text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum PrepareSource {
    /// A string literal.
    Text(String),
    /// A user variable (name lower-cased, without `@`).
    Var(String),
}

/// A statement plus what error messages need to know about its text.
#[derive(Debug)]
pub(crate) struct Parsed {
    pub(crate) stmt: Stmt,
    /// Leading keywords (e.g. `SHOW PROCESSLIST`), for ER_NOT_SUPPORTED_YET.
    pub(crate) head: String,
}

impl Parsed {
    /// SHOW WARNINGS and GET DIAGNOSTICS must not clear the warnings they read.
    pub(crate) fn keeps_warnings(&self) -> bool {
        match &self.stmt {
            Stmt::ShowWarnings { .. } => true,
            Stmt::Trigger(t) => matches!(**t, compound::TriggerStmt::GetDiagnostics(_)),
            _ => false,
        }
    }
}

/// Numbers the `?` markers of a statement in text order (`?` becomes `?0`, `?1`, ...):
/// parameters are positional, and binding visits clauses in its own order (an UPDATE's WHERE
/// before its SET). Left as they are if the parser gave two markers the same position.
fn number_placeholders(stmt: &mut Stmt) {
    use sqlparser::ast::{Value, visit_expressions, visit_expressions_mut};
    use std::ops::ControlFlow;
    let mut exprs: Vec<&mut Expr> = Vec::new();
    let mut whole: Option<&mut Statement> = None;
    match stmt {
        Stmt::Sql(s) => whole = Some(&mut **s),
        Stmt::Do(list) => exprs.extend(list.iter_mut()),
        Stmt::Trigger(t) => match &mut **t {
            compound::TriggerStmt::Call { args, .. } => exprs.extend(args.iter_mut()),
            _ => return,
        },
        Stmt::Set(items) => {
            for item in items {
                match item {
                    SetItem::System {
                        value: SetValue::Expr(e),
                        ..
                    } => exprs.push(&mut **e),
                    SetItem::User { value, .. } => exprs.push(&mut **value),
                    _ => {}
                }
            }
        }
        _ => return,
    }
    let mut spans = Vec::new();
    let mut collect = |e: &Expr| {
        if let Expr::Value(v) = e
            && matches!(v.value, Value::Placeholder(_))
        {
            spans.push((v.span.start.line, v.span.start.column));
        }
        ControlFlow::<()>::Continue(())
    };
    if let Some(s) = &whole {
        let _ = visit_expressions(&**s, &mut collect);
    }
    for e in &exprs {
        let _ = visit_expressions(&**e, &mut collect);
    }
    if spans.is_empty() {
        return;
    }
    spans.sort_unstable();
    if spans.windows(2).any(|w| w[0] == w[1]) {
        return;
    }
    let mut rename = |e: &mut Expr| {
        if let Expr::Value(v) = e
            && let Value::Placeholder(p) = &mut v.value
            && let Ok(i) = spans.binary_search(&(v.span.start.line, v.span.start.column))
        {
            *p = format!("?{i}");
        }
        ControlFlow::<()>::Continue(())
    };
    if let Some(s) = whole {
        let _ = visit_expressions_mut(s, &mut rename);
    }
    for e in exprs {
        let _ = visit_expressions_mut(e, &mut rename);
    }
}

/// A COM_QUERY text being parsed statement by statement.
pub(crate) struct Script<'a> {
    sql: &'a str,
    tokens: Vec<TokenWithSpan>,
    /// Byte offset of each line's start (u32: a statement is at most max_allowed_packet, 1 GiB,
    /// and a text of newlines should not cost 8 bytes per byte).
    line_starts: Vec<u32>,
    parser: Parser<'static>,
    /// Line on which the current statement starts counting (MySQL numbers lines per statement).
    origin_line: u64,
    failed: bool,
}

fn is_word(tok: &Token, kw: &str) -> bool {
    matches!(tok, Token::Word(Word { value, quote_style: None, .. }) if value.eq_ignore_ascii_case(kw))
}

fn is_keyword(tok: &Token, kw: Keyword) -> bool {
    matches!(tok, Token::Word(Word { keyword, quote_style: None, .. }) if *keyword == kw)
}

impl<'a> Script<'a> {
    /// The text read as without ANSI_QUOTES and NO_BACKSLASH_ESCAPES.
    pub(crate) fn new(sql: &'a str) -> Result<Self, EngineError> {
        Self::with_lexing(sql, Lexing::default())
    }

    /// The text read under the session's sql_mode flags that change lexing.
    pub(crate) fn with_lexing(sql: &'a str, lexing: Lexing) -> Result<Self, EngineError> {
        let mut line_starts = Vec::with_capacity(1 + sql.bytes().filter(|&b| b == b'\n').count());
        line_starts.push(0);
        line_starts.extend(
            sql.match_indices('\n')
                .map(|(i, _)| u32::try_from(i + 1).unwrap_or(u32::MAX)),
        );
        let mut tokens = match tokenize(sql, lexing) {
            Ok(t) => t,
            Err(e) => {
                let off = offset_in(sql, &line_starts, e.location);
                let near = sql.get(off..).unwrap_or_default();
                return Err(EngineError::parse_error(
                    near,
                    usize::try_from(e.location.line.max(1)).unwrap_or(1),
                ));
            }
        };
        rewrite_tokens(&mut tokens);
        if longest_flat_run(&tokens) > MAX_FLAT_RUN {
            return Err(EngineError::stack_overrun());
        }
        let parser = Parser::new(lexing.dialect())
            .with_recursion_limit(RECURSION_LIMIT)
            .with_tokens_with_locations(tokens.clone());
        Ok(Self {
            sql,
            tokens,
            line_starts,
            parser,
            origin_line: 1,
            failed: false,
        })
    }

    /// Next statement, None at the end of the text.
    pub(crate) fn next_statement(&mut self) -> Option<Result<Parsed, EngineError>> {
        if self.failed {
            return None;
        }
        loop {
            let t = self.parser.peek_token();
            if t.token == Token::SemiColon {
                self.parser.next_token();
                self.origin_line = t.span.end.line;
            } else {
                break;
            }
        }
        let first = self.parser.peek_token();
        if first.token == Token::EOF {
            return None;
        }
        let head = self.head_words();
        let result = self.parse_one().and_then(|stmt| {
            let t = self.parser.peek_token();
            if matches!(t.token, Token::SemiColon | Token::EOF) {
                Ok(stmt)
            } else {
                Err(ParserError::ParserError(format!(
                    "Expected end of statement{}",
                    t.span.start
                )))
            }
        });
        match result {
            Ok(mut stmt) => {
                number_placeholders(&mut stmt);
                Some(Ok(Parsed { stmt, head }))
            }
            Err(e) => {
                self.failed = true;
                Some(Err(self.syntax_error(e)))
            }
        }
    }

    /// The text from the next token on; empty at the end.
    pub(crate) fn rest(&self) -> &'a str {
        let t = self.parser.peek_token();
        if t.token == Token::EOF {
            return "";
        }
        let off = offset_in(self.sql, &self.line_starts, t.span.start);
        self.sql.get(off..).unwrap_or_default()
    }

    /// Leading keywords of the next statement, upper-cased (at most two).
    pub(crate) fn head_words(&self) -> String {
        let mut words = Vec::new();
        let mut i = 0;
        while words.len() < 2 {
            let t = self.parser.peek_nth_token(i);
            match t.token {
                Token::Word(w) => words.push(w.value.to_ascii_uppercase()),
                _ => break,
            }
            i += 1;
        }
        words.join(" ")
    }

    fn parse_one(&mut self) -> Result<Stmt, ParserError> {
        let t0 = self.parser.peek_token().token;
        let t1 = self.parser.peek_nth_token(1).token;
        let head: Vec<String> = (0..3)
            .map(|n| match self.parser.peek_nth_token(n).token {
                Token::Word(w) if w.quote_style.is_none() => w.value.to_ascii_uppercase(),
                _ => String::new(),
            })
            .collect();
        let head: Vec<&str> = head.iter().map(String::as_str).collect();
        if account::is_account_statement(&head) {
            return self.parse_account();
        }
        if is_keyword(&t0, Keyword::SET) {
            return parse_set(&mut self.parser).map(Stmt::Set);
        }
        if head.starts_with(&["ALTER", "INSTANCE"]) {
            return parse_alter_instance(&mut self.parser);
        }
        if head.starts_with(&["LOAD", "DATA"]) {
            return parse_load_data(&mut self.parser);
        }
        if matches!(head.first(), Some(&"PREPARE" | &"EXECUTE"))
            || head.starts_with(&["DEALLOCATE", "PREPARE"])
            || head.starts_with(&["DROP", "PREPARE"])
        {
            return parse_sql_prepared(&mut self.parser);
        }
        if let Some(stmt) = self.parse_explain_traditional()? {
            return Ok(stmt);
        }
        if is_word(&t0, "DO") {
            self.parser.next_token();
            return self
                .parser
                .parse_comma_separated(Parser::parse_expr)
                .map(Stmt::Do);
        }
        if let Some(stmt) = forms::parse_start_transaction(&mut self.parser)? {
            return Ok(stmt);
        }
        {
            let (sql, starts) = (self.sql, &self.line_starts);
            let text = |a: Location, b: Option<Location>| {
                let a = offset_in(sql, starts, a);
                let b = b.map_or(sql.len(), |b| offset_in(sql, starts, b)).max(a);
                sql.get(a..b).unwrap_or_default().trim_end().to_string()
            };
            if let Some(stmt) = compound::parse_trigger_stmt(&mut self.parser, text)? {
                return Ok(stmt);
            }
            if let Some(stmt) = forms::parse_view(&mut self.parser, text)? {
                return Ok(stmt);
            }
        }
        if let Some(stmt) = forms::parse_alter_table(&mut self.parser)? {
            return Ok(stmt);
        }
        if let Some(stmt) = forms::parse_show(&mut self.parser)? {
            return Ok(stmt);
        }
        if let Some(stmt) = forms::parse_lock(&mut self.parser)? {
            return Ok(stmt);
        }
        if let Some(stmt) = forms::parse_table_maintenance(&mut self.parser)? {
            return Ok(stmt);
        }
        if let Some(stmt) = forms::parse_database(&mut self.parser)? {
            return Ok(stmt);
        }
        if is_keyword(&t0, Keyword::SHOW)
            && (is_word(&t1, "WARNINGS")
                || is_word(&t1, "ERRORS")
                || is_keyword(&t1, Keyword::COUNT))
        {
            return parse_show_warnings(&mut self.parser);
        }
        if is_keyword(&t0, Keyword::TABLE) {
            return parse_table_statement(&mut self.parser);
        }
        self.parser
            .parse_statement()
            .map(|s| Stmt::Sql(Box::new(s)))
    }

    /// `EXPLAIN|DESCRIBE|DESC FORMAT=TRADITIONAL stmt`, which sqlparser does not know (it
    /// reads TREE and JSON); None, consuming nothing, for any other text.
    fn parse_explain_traditional(&mut self) -> Result<Option<Stmt>, ParserError> {
        use sqlparser::ast::{AnalyzeFormat, AnalyzeFormatKind, DescribeAlias};
        let t0 = self.parser.peek_nth_token(0).token;
        let alias = if is_keyword(&t0, Keyword::EXPLAIN) {
            DescribeAlias::Explain
        } else if is_keyword(&t0, Keyword::DESCRIBE) {
            DescribeAlias::Describe
        } else if is_keyword(&t0, Keyword::DESC) {
            DescribeAlias::Desc
        } else {
            return Ok(None);
        };
        if !is_keyword(&self.parser.peek_nth_token(1).token, Keyword::FORMAT)
            || self.parser.peek_nth_token(2).token != Token::Eq
            || !is_word(&self.parser.peek_nth_token(3).token, "TRADITIONAL")
        {
            return Ok(None);
        }
        for _ in 0..4 {
            self.parser.next_token();
        }
        let statement = self.parser.parse_statement()?;
        Ok(Some(Stmt::Sql(Box::new(Statement::Explain {
            describe_alias: alias,
            analyze: false,
            verbose: false,
            query_plan: false,
            estimate: false,
            statement: Box::new(statement),
            format: Some(AnalyzeFormatKind::Assignment(AnalyzeFormat::TRADITIONAL)),
            options: None,
        }))))
    }

    /// Account statements are parsed by `exec::account` from the statement's own text: the
    /// tokens up to `;` are consumed here and their text handed over.
    fn parse_account(&mut self) -> Result<Stmt, ParserError> {
        let start = self.parser.peek_token().span.start;
        let mut end = start;
        while !matches!(
            self.parser.peek_token().token,
            Token::SemiColon | Token::EOF
        ) {
            end = self.parser.next_token().span.end;
        }
        let a = offset_in(self.sql, &self.line_starts, start);
        let b = offset_in(self.sql, &self.line_starts, end).max(a);
        let text = self.sql.get(a..b).unwrap_or_default();
        match account::parse(text) {
            Ok(Ok(stmt)) => Ok(Stmt::Account(Box::new(stmt))),
            Ok(Err(e)) => Ok(Stmt::Failed(e)),
            Err(at) => {
                let abs = a + at;
                let before = self.sql.get(..abs).unwrap_or_default();
                let line = before.matches('\n').count() + 1;
                let line_start = before.rfind('\n').map_or(0, |i| i + 1);
                let column = before.get(line_start..).unwrap_or_default().chars().count() + 1;
                Err(ParserError::ParserError(format!(
                    "account statement syntax error at Line: {line}, Column: {column}"
                )))
            }
        }
    }

    fn syntax_error(&self, e: ParserError) -> EngineError {
        let msg = match e {
            ParserError::RecursionLimitExceeded => return EngineError::stack_overrun(),
            ParserError::ParserError(m) | ParserError::TokenizerError(m) => m,
        };
        // sqlparser loses its recursion-limit error when it retries a keyword that may start
        // an expression as a plain identifier (`NOT`, `CASE`): the retry's syntax error
        // surfaces instead. A statement that nests that deeply gets ER 1436, not 1064.
        if nesting_estimate(&self.tokens) >= RECURSION_LIMIT / 2 {
            return EngineError::stack_overrun();
        }
        let loc = location_in_message(&msg);
        let (off, line) = match loc {
            Some(loc) => (offset_in(self.sql, &self.line_starts, loc), loc.line),
            None => (
                self.sql.len(),
                u64::try_from(self.line_starts.len()).unwrap_or(1),
            ),
        };
        let line = line.saturating_sub(self.origin_line) + 1;
        let near = self.sql.get(off..).unwrap_or_default();
        EngineError::parse_error(near, usize::try_from(line).unwrap_or(1))
    }

    /// Byte spans of the `?` parameter markers, in text order. Markers inside strings, comments
    /// and quoted identifiers are part of those tokens and not counted. sqlparser reads `?1` as
    /// one numbered marker, which MySQL does not have: that is a syntax error at the marker.
    pub(crate) fn placeholders(&self) -> Result<Vec<std::ops::Range<usize>>, EngineError> {
        let mut spans = Vec::new();
        for t in &self.tokens {
            let Token::Placeholder(p) = &t.token else {
                continue;
            };
            let a = offset_in(self.sql, &self.line_starts, t.span.start);
            if p != "?" {
                let near = self.sql.get(a..).unwrap_or_default();
                let line = usize::try_from(t.span.start.line.max(1)).unwrap_or(1);
                return Err(EngineError::parse_error(near, line));
            }
            let b = offset_in(self.sql, &self.line_starts, t.span.end).max(a);
            spans.push(a..b);
        }
        Ok(spans)
    }

    /// After the first statement of a prepared statement's text: one `;` may end it, anything
    /// after that is a syntax error, as MySQL's parser reports it (no multi-statements there).
    pub(crate) fn expect_end(&mut self) -> Result<(), EngineError> {
        let _ = self.parser.consume_token(&Token::SemiColon);
        let t = self.parser.peek_token();
        if t.token == Token::EOF {
            return Ok(());
        }
        let off = offset_in(self.sql, &self.line_starts, t.span.start);
        let near = self.sql.get(off..).unwrap_or_default();
        let line = usize::try_from(t.span.start.line.max(1)).unwrap_or(1);
        Err(EngineError::parse_error(near, line))
    }

    /// Column names of a select list, taken from the original text: for each item the text from its
    /// first to its last token (alias excluded). None if the text could not be split reliably.
    pub(crate) fn select_item_texts(
        &self,
        select_token: Location,
        aliased: &[bool],
    ) -> Option<Vec<String>> {
        let start = self
            .tokens
            .binary_search_by(|t| loc_key(t.span.start).cmp(&loc_key(select_token)))
            .ok()?;
        let mut i = start + 1;
        // Skip select modifiers.
        const MODIFIERS: &[&str] = &[
            "ALL",
            "DISTINCT",
            "DISTINCTROW",
            "HIGH_PRIORITY",
            "STRAIGHT_JOIN",
            "SQL_SMALL_RESULT",
            "SQL_BIG_RESULT",
            "SQL_BUFFER_RESULT",
            "SQL_NO_CACHE",
            "SQL_CALC_FOUND_ROWS",
        ];
        while let Some(t) = self.tokens.get(i) {
            match &t.token {
                Token::Whitespace(_) => i += 1,
                tok if MODIFIERS.iter().any(|m| is_word(tok, m)) => i += 1,
                _ => break,
            }
        }
        let mut items: Vec<Vec<usize>> = vec![Vec::new()];
        let mut depth = 0usize;
        while let Some(t) = self.tokens.get(i) {
            match &t.token {
                Token::Whitespace(_) => {}
                Token::LParen => {
                    depth += 1;
                }
                Token::RParen if depth == 0 => break,
                Token::RParen => depth -= 1,
                Token::Comma if depth == 0 => {
                    items.push(Vec::new());
                    i += 1;
                    continue;
                }
                Token::SemiColon | Token::EOF => break,
                Token::Word(w)
                    if depth == 0 && w.quote_style.is_none() && ends_select_list(w.keyword) =>
                {
                    break;
                }
                _ => {}
            }
            if !matches!(t.token, Token::Whitespace(_))
                && let Some(last) = items.last_mut()
            {
                last.push(i);
            }
            i += 1;
        }
        if items.len() != aliased.len() {
            return None;
        }
        let mut out = Vec::with_capacity(items.len());
        for (toks, has_alias) in items.iter().zip(aliased) {
            let mut toks = toks.as_slice();
            if *has_alias {
                toks = toks.split_last().map(|(_, rest)| rest).unwrap_or_default();
                if let Some((last, rest)) = toks.split_last()
                    && self
                        .tokens
                        .get(*last)
                        .is_some_and(|t| is_keyword(&t.token, Keyword::AS))
                {
                    toks = rest;
                }
            }
            let (first, last) = (toks.first()?, toks.last()?);
            let a = offset_in(
                self.sql,
                &self.line_starts,
                self.tokens.get(*first)?.span.start,
            );
            let b = offset_in(
                self.sql,
                &self.line_starts,
                self.tokens.get(*last)?.span.end,
            );
            out.push(alias_name(self.sql.get(a..b)?));
        }
        Some(out)
    }
}

/// MySQL's MAX_ALIAS_NAME: a column name made from an item's text or a string literal keeps at
/// most 256 bytes (cut at a character boundary), as `Item::set_name` does.
const MAX_ALIAS_NAME: usize = 256;

/// `text` as a generated column name, at most [`MAX_ALIAS_NAME`] bytes.
pub(crate) fn alias_name(text: &str) -> String {
    if text.len() <= MAX_ALIAS_NAME {
        return text.to_string();
    }
    let mut end = MAX_ALIAS_NAME;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default().to_string()
}

fn loc_key(l: Location) -> (u64, u64) {
    (l.line, l.column)
}

fn ends_select_list(k: Keyword) -> bool {
    matches!(
        k,
        Keyword::FROM
            | Keyword::WHERE
            | Keyword::LIMIT
            | Keyword::INTO
            | Keyword::GROUP
            | Keyword::HAVING
            | Keyword::ORDER
            | Keyword::WINDOW
            | Keyword::UNION
            | Keyword::EXCEPT
            | Keyword::INTERSECT
            | Keyword::FOR
            | Keyword::LOCK
            | Keyword::OFFSET
            | Keyword::QUALIFY
    )
}

/// Longest run of tokens at one parenthesis depth without a comma or semicolon. Operator chains
/// (`1+1+1...`) parse into left-nested trees whose depth grows with this run; capping it keeps
/// evaluation and dropping of the tree within the stack. Value lists have commas and are unaffected.
const MAX_FLAT_RUN: usize = 8000;

/// About how deeply `tokens` nest (an overestimate): open parentheses and CASEs, plus the
/// run of prefix operators (`NOT`, `-`, `+`, `~`, `!`) before the current token, each of
/// which is a level of the parser's recursion.
fn nesting_estimate(tokens: &[TokenWithSpan]) -> usize {
    let (mut depth, mut run, mut deepest) = (0usize, 0usize, 0usize);
    for t in tokens {
        match &t.token {
            Token::Whitespace(_) => {}
            Token::LParen => depth += 1,
            Token::RParen => depth = depth.saturating_sub(1),
            Token::Word(w) if w.keyword == Keyword::CASE => depth += 1,
            Token::Word(w) if w.keyword == Keyword::END => depth = depth.saturating_sub(1),
            Token::Word(w) if w.keyword == Keyword::NOT => run += 1,
            Token::Minus | Token::Plus | Token::Tilde | Token::ExclamationMark => run += 1,
            _ => run = 0,
        }
        deepest = deepest.max(depth + run);
    }
    deepest
}

fn longest_flat_run(tokens: &[TokenWithSpan]) -> usize {
    let mut runs: Vec<usize> = vec![0];
    let mut longest = 0;
    for t in tokens {
        match t.token {
            Token::Whitespace(_) => {}
            Token::LParen => runs.push(0),
            Token::RParen => {
                if runs.len() > 1 {
                    runs.pop();
                }
            }
            Token::Comma | Token::SemiColon => {
                if let Some(r) = runs.last_mut() {
                    *r = 0;
                }
            }
            _ => {
                if let Some(r) = runs.last_mut() {
                    *r += 1;
                    longest = longest.max(*r);
                }
            }
        }
    }
    longest
}

/// MySQL spellings sqlparser does not know: infix `MOD` becomes `%`, and the comma of a
/// multi-table `UPDATE a, b SET ...` becomes `FROM` (sqlparser reads `UPDATE a FROM b, c SET`,
/// whose tables join as the comma list does).
fn rewrite_tokens(tokens: &mut [TokenWithSpan]) {
    rewrite_update_commas(tokens);
    drop_visible_options(tokens);
    rewrite_cast_charsets(tokens);
    let n = tokens.len();
    for i in 0..n {
        let is_mod = tokens
            .get(i)
            .is_some_and(|t| is_keyword(&t.token, Keyword::MOD));
        if !is_mod {
            continue;
        }
        let next = tokens
            .iter()
            .skip(i + 1)
            .find(|t| !matches!(t.token, Token::Whitespace(_)));
        let prev = tokens
            .iter()
            .take(i)
            .rev()
            .find(|t| !matches!(t.token, Token::Whitespace(_)));
        let next_is_paren = next.is_some_and(|t| t.token == Token::LParen);
        let prev_ends_operand = prev.is_some_and(|t| {
            matches!(
                t.token,
                Token::Number(..)
                    | Token::RParen
                    | Token::SingleQuotedString(_)
                    | Token::DoubleQuotedString(_)
                    | Token::HexStringLiteral(_)
            ) || matches!(&t.token, Token::Word(w) if w.keyword == Keyword::NoKeyword || w.quote_style.is_some()
                || matches!(w.keyword, Keyword::NULL | Keyword::TRUE | Keyword::FALSE))
        });
        if prev_ends_operand
            && !next_is_paren
            && let Some(t) = tokens.get_mut(i)
        {
            t.token = Token::Mod;
        }
    }
}

/// `TABLE t [ORDER BY ...] [LIMIT ...]` (and `TABLE a UNION TABLE b`), which is
/// `SELECT * FROM t` (<https://dev.mysql.com/doc/refman/8.4/en/table.html>): read as that
/// query, each `TABLE t` becoming the SELECT it stands for.
fn parse_table_statement(p: &mut Parser) -> Result<Stmt, ParserError> {
    let mut q = p.parse_query()?;
    table_to_select(&mut q.body)?;
    Ok(Stmt::Sql(Box::new(Statement::Query(q))))
}

fn table_to_select(body: &mut sqlparser::ast::SetExpr) -> Result<(), ParserError> {
    use sqlparser::ast::SetExpr;
    match body {
        SetExpr::Table(t) => {
            let quote = |n: &str| format!("`{}`", n.replace('`', "``"));
            let name = match (&t.schema_name, &t.table_name) {
                (Some(s), Some(n)) => format!("{}.{}", quote(&s.value), quote(&n.value)),
                (None, Some(n)) => quote(&n.value),
                _ => return Err(ParserError::ParserError("Expected a table name".into())),
            };
            let q = Parser::new(&DIALECT)
                .try_with_sql(&format!("SELECT * FROM {name}"))?
                .parse_query()?;
            *body = *q.body;
        }
        SetExpr::SetOperation { left, right, .. } => {
            table_to_select(left)?;
            table_to_select(right)?;
        }
        SetExpr::Query(q) => table_to_select(&mut q.body)?,
        _ => {}
    }
    Ok(())
}

/// Words after which `VISIBLE` is a column name, not the column option.
const BEFORE_COLUMN_NAME: &[&str] = &[
    "COLUMN", "ADD", "MODIFY", "CHANGE", "DROP", "ALTER", "TO", "AFTER", "KEY", "INDEX", "SET",
    "TABLE", "EXISTS", "BY",
];

/// Words that may follow a column option.
const COLUMN_OPTION_WORDS: &[&str] = &[
    "NOT",
    "NULL",
    "DEFAULT",
    "COMMENT",
    "AUTO_INCREMENT",
    "PRIMARY",
    "UNIQUE",
    "KEY",
    "COLLATE",
    "CHECK",
    "REFERENCES",
    "GENERATED",
    "AS",
    "ON",
    "INVISIBLE",
    "FIRST",
    "AFTER",
    "STORED",
    "VIRTUAL",
    "CONSTRAINT",
    "SRID",
    "COLUMN_FORMAT",
    "STORAGE",
    "CHARACTER",
    "CHARSET",
    "ENGINE_ATTRIBUTE",
    "SECONDARY_ENGINE_ATTRIBUTE",
];

/// The `VISIBLE` column option of CREATE TABLE and ALTER TABLE (the default, which sqlparser
/// does not know; it knows INVISIBLE) becomes whitespace. A `VISIBLE` in a column name's place
/// (after `(`, `,` or a word such as COLUMN, or before a type) stays.
fn drop_visible_options(tokens: &mut [TokenWithSpan]) {
    let solid: Vec<usize> = (0..tokens.len())
        .filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_)))
        .collect();
    let mut in_table_ddl = false;
    let mut at_start = true;
    for (k, &i) in solid.iter().enumerate() {
        let tok = &tokens[i].token;
        if *tok == Token::SemiColon {
            at_start = true;
            in_table_ddl = false;
            continue;
        }
        if at_start {
            at_start = false;
            in_table_ddl = (is_keyword(tok, Keyword::CREATE) || is_keyword(tok, Keyword::ALTER))
                && solid
                    .iter()
                    .skip(k + 1)
                    .take(2)
                    .any(|&j| is_keyword(&tokens[j].token, Keyword::TABLE));
            continue;
        }
        if !in_table_ddl || !is_word(tok, "VISIBLE") {
            continue;
        }
        let prev = k
            .checked_sub(1)
            .and_then(|p| solid.get(p))
            .map(|&p| &tokens[p].token);
        let next = solid.get(k + 1).map(|&n| &tokens[n].token);
        let name_place = match prev {
            None | Some(Token::LParen | Token::Comma) => true,
            Some(t) => BEFORE_COLUMN_NAME.iter().any(|w| is_word(t, w)),
        };
        let option_place = match next {
            None | Some(Token::Comma | Token::RParen | Token::SemiColon | Token::EOF) => true,
            Some(t) => COLUMN_OPTION_WORDS.iter().any(|w| is_word(t, w)),
        };
        if !name_place
            && option_place
            && let Some(t) = tokens.get_mut(i)
        {
            t.token = Token::Whitespace(Whitespace::Space);
        }
    }
}

/// The type-name prefix that carries a CAST's character set to the binder (see
/// [`rewrite_cast_charsets`]).
pub(crate) const CAST_CHARSET_TYPE: &str = "myseal_char_charset_";

/// `CAST(x AS CHAR[(n)] CHARACTER SET cs)` and `CONVERT(x, CHAR[(n)] CHARSET cs)`, which
/// sqlparser does not read: the type becomes the custom type `myseal_char_charset_cs[(n)]`,
/// which the binder reads as CHAR in `cs` (a CHAR right after AS or a comma and followed by
/// CHARACTER SET is only ever such a target).
fn rewrite_cast_charsets(tokens: &mut [TokenWithSpan]) {
    let solid: Vec<usize> = (0..tokens.len())
        .filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_)))
        .collect();
    let tok = |k: usize| solid.get(k).map(|&i| &tokens[i].token);
    let mut edits = Vec::new();
    for k in 1..solid.len() {
        let (Some(prev), Some(t)) = (tok(k - 1), tok(k)) else {
            continue;
        };
        if !(is_keyword(prev, Keyword::AS) || *prev == Token::Comma) || !is_word(t, "CHAR") {
            continue;
        }
        // An optional (n).
        let mut j = k + 1;
        if tok(j) == Some(&Token::LParen)
            && matches!(tok(j + 1), Some(Token::Number(..)))
            && tok(j + 2) == Some(&Token::RParen)
        {
            j += 3;
        }
        let name_at = match (tok(j), tok(j + 1)) {
            (Some(a), Some(b)) if is_word(a, "CHARACTER") && is_keyword(b, Keyword::SET) => j + 2,
            (Some(a), _) if is_word(a, "CHARSET") => j + 1,
            _ => continue,
        };
        let Some(Token::Word(name)) = tok(name_at) else {
            continue;
        };
        edits.push((k, j, name_at, name.value.clone()));
    }
    for (k, from, to, name) in edits {
        if let Some(t) = tokens.get_mut(solid[k]) {
            t.token = Token::Word(Word {
                value: format!("{CAST_CHARSET_TYPE}{name}"),
                quote_style: None,
                keyword: Keyword::NoKeyword,
            });
        }
        for &i in solid.get(from..=to).unwrap_or_default() {
            if let Some(t) = tokens.get_mut(i) {
                t.token = Token::Whitespace(Whitespace::Space);
            }
        }
    }
}

/// In a statement starting with UPDATE, the first comma at parenthesis depth 0 before `SET`
/// becomes the keyword FROM.
fn rewrite_update_commas(tokens: &mut [TokenWithSpan]) {
    let mut at_start = true;
    let mut i = 0;
    while i < tokens.len() {
        let tok = &tokens[i].token;
        match tok {
            Token::Whitespace(_) => {}
            Token::SemiColon => at_start = true,
            _ if at_start && is_keyword(tok, Keyword::UPDATE) => {
                at_start = false;
                let mut depth = 0usize;
                let mut j = i + 1;
                while let Some(t) = tokens.get(j) {
                    match &t.token {
                        Token::LParen => depth += 1,
                        Token::RParen => depth = depth.saturating_sub(1),
                        Token::SemiColon => break,
                        Token::Comma if depth == 0 => {
                            if let Some(t) = tokens.get_mut(j) {
                                t.token = Token::make_keyword("FROM");
                            }
                            break;
                        }
                        tok if depth == 0 && is_keyword(tok, Keyword::SET) => break,
                        _ => {}
                    }
                    j += 1;
                }
                i = j;
                continue;
            }
            _ => at_start = false,
        }
        i += 1;
    }
}

/// Extracts `Line: L, Column: C` from a sqlparser error message.
fn location_in_message(msg: &str) -> Option<Location> {
    let pos = msg.rfind("Line: ")?;
    let rest = msg.get(pos + 6..)?;
    let (line, rest) = rest.split_once(", Column: ")?;
    let col: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some(Location::new(line.trim().parse().ok()?, col.parse().ok()?))
}

/// Byte offset of a (1-based line, 1-based char column) location.
/// Whitespace runs at least this long (outside strings, quoted names and comments) become one
/// whitespace token: sqlparser makes a token of ~90 bytes per whitespace character, so a 64 MiB
/// statement of spaces would otherwise take gigabytes, and its parser walks every one of them
/// on each look-ahead.
const LONG_WHITESPACE: usize = 64;

/// sqlparser's tokens of `sql` with locations, with each long whitespace run as one token.
///
/// The text is cut at the long runs and each piece tokenized on its own, its locations shifted
/// to where it starts. A piece that does not tokenize (the scan for runs misjudged a quote or a
/// comment) sends the whole text through the tokenizer in one go, as without runs.
fn tokenize(sql: &str, lexing: Lexing) -> Result<Vec<TokenWithSpan>, TokenizerError> {
    let dialect = lexing.dialect();
    let whole = || Tokenizer::new(dialect, sql).tokenize_with_location();
    let runs = long_whitespace_runs(sql, !lexing.no_backslash_escapes);
    if runs.is_empty() {
        return whole();
    }
    let mut out = Vec::new();
    let mut from = 0;
    let mut at = Location::new(1, 1);
    for run in runs.iter().copied().chain(std::iter::once(WsRun {
        start: sql.len(),
        end: sql.len(),
        start_loc: Location::new(0, 0),
        end_loc: Location::new(0, 0),
        newline: false,
    })) {
        let piece = sql.get(from..run.start).unwrap_or_default();
        let Ok(tokens) = Tokenizer::new(dialect, piece).tokenize_with_location() else {
            return whole();
        };
        out.extend(tokens.into_iter().map(|mut t| {
            t.span = Span::new(shift(t.span.start, at), shift(t.span.end, at));
            t
        }));
        if run.start == sql.len() {
            break;
        }
        let ws = if run.newline {
            Whitespace::Newline
        } else {
            Whitespace::Space
        };
        out.push(TokenWithSpan::new(
            Token::Whitespace(ws),
            Span::new(run.start_loc, run.end_loc),
        ));
        from = run.end;
        at = run.end_loc;
    }
    Ok(out)
}

/// A location in a piece of text that starts at `origin`, as a location in the whole text.
fn shift(loc: Location, origin: Location) -> Location {
    if loc.line == 0 {
        loc
    } else if loc.line == 1 {
        Location::new(origin.line, origin.column + loc.column - 1)
    } else {
        Location::new(origin.line + loc.line - 1, loc.column)
    }
}

/// A run of whitespace: byte range, sqlparser locations of its ends, whether it has a newline.
#[derive(Clone, Copy, Debug)]
struct WsRun {
    start: usize,
    end: usize,
    start_loc: Location,
    end_loc: Location,
    newline: bool,
}

/// The runs of at least [`LONG_WHITESPACE`] whitespace characters outside quotes and comments,
/// with sqlparser's locations (lines from 1; columns count characters from 1). `backslash`: a
/// backslash escapes the next character in a string (off under NO_BACKSLASH_ESCAPES).
fn long_whitespace_runs(sql: &str, backslash: bool) -> Vec<WsRun> {
    #[derive(Clone, Copy, PartialEq)]
    enum In {
        Code,
        Quote(char),
        LineComment,
        BlockComment,
    }
    let mut runs = Vec::new();
    let mut state = In::Code;
    let (mut line, mut col) = (1u64, 1u64);
    // The run being read: start byte, start location, length, newline seen.
    let mut run: Option<(usize, Location, usize, bool)> = None;
    let mut chars = sql.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let here = Location::new(line, col);
        if c == '\n' {
            line += 1;
            col = 1;
        } else {
            col += 1;
        }
        let is_space = matches!(c, ' ' | '\t' | '\n' | '\r');
        if state == In::Code && is_space {
            let r = run.get_or_insert((i, here, 0, false));
            r.2 += 1;
            r.3 |= c == '\n';
            continue;
        }
        if let Some((start, start_loc, len, newline)) = run.take()
            && len >= LONG_WHITESPACE
        {
            runs.push(WsRun {
                start,
                end: i,
                start_loc,
                end_loc: here,
                newline,
            });
        }
        let next = chars.peek().map(|&(_, n)| n);
        let mut skip = |line: &mut u64, col: &mut u64| {
            if let Some((_, n)) = chars.next() {
                if n == '\n' {
                    *line += 1;
                    *col = 1;
                } else {
                    *col += 1;
                }
            }
        };
        match state {
            In::Code => match c {
                '\'' | '"' | '`' => state = In::Quote(c),
                '#' => state = In::LineComment,
                '-' if next == Some('-') => state = In::LineComment,
                '/' if next == Some('*') => {
                    skip(&mut line, &mut col);
                    state = In::BlockComment;
                }
                _ => {}
            },
            In::Quote(q) => {
                if c == '\\' && q != '`' && backslash {
                    skip(&mut line, &mut col);
                } else if c == q {
                    if next == Some(q) {
                        skip(&mut line, &mut col);
                    } else {
                        state = In::Code;
                    }
                }
            }
            In::LineComment => {
                if c == '\n' {
                    state = In::Code;
                }
            }
            In::BlockComment => {
                if c == '*' && next == Some('/') {
                    skip(&mut line, &mut col);
                    state = In::Code;
                }
            }
        }
    }
    if let Some((start, start_loc, len, newline)) = run
        && len >= LONG_WHITESPACE
    {
        runs.push(WsRun {
            start,
            end: sql.len(),
            start_loc,
            end_loc: Location::new(line, col),
            newline,
        });
    }
    runs
}

fn offset_in(sql: &str, line_starts: &[u32], loc: Location) -> usize {
    let line = usize::try_from(loc.line.max(1) - 1).unwrap_or(usize::MAX);
    let Some(start) = line_starts.get(line).and_then(|&s| usize::try_from(s).ok()) else {
        return sql.len();
    };
    let col = usize::try_from(loc.column.max(1) - 1).unwrap_or(0);
    let rest = sql.get(start..).unwrap_or_default();
    rest.char_indices()
        .nth(col)
        .map(|(i, _)| start + i)
        .unwrap_or(sql.len())
}

fn parse_scope(p: &mut Parser) -> Option<VarScope> {
    let t = p.peek_token().token;
    if is_keyword(&t, Keyword::GLOBAL) || is_word(&t, "PERSIST") || is_word(&t, "PERSIST_ONLY") {
        p.next_token();
        Some(VarScope::Global)
    } else if is_keyword(&t, Keyword::SESSION) || is_keyword(&t, Keyword::LOCAL) {
        p.next_token();
        Some(VarScope::Session)
    } else {
        None
    }
}

/// A name or string: `utf8mb4`, `'utf8mb4'`, `DEFAULT` → None.
fn parse_name_or_default(p: &mut Parser) -> Result<Option<String>, ParserError> {
    let t = p.next_token();
    match t.token {
        Token::Word(w) if w.quote_style.is_none() && w.keyword == Keyword::DEFAULT => Ok(None),
        Token::Word(w) => Ok(Some(w.value)),
        Token::SingleQuotedString(s) | Token::DoubleQuotedString(s) => Ok(Some(s)),
        _ => p.expected("character set name", t),
    }
}

fn at_item_end(p: &Parser, n: usize) -> bool {
    matches!(
        p.peek_nth_token(n).token,
        Token::Comma | Token::SemiColon | Token::EOF
    )
}

fn parse_set(p: &mut Parser) -> Result<Vec<SetItem>, ParserError> {
    p.expect_keyword_is(Keyword::SET)?;
    let mut items = Vec::new();
    let mut scope = None;
    loop {
        if let Some(s) = parse_scope(p) {
            scope = Some(s);
        }
        let t = p.peek_token();
        if is_keyword(&t.token, Keyword::TRANSACTION) {
            p.next_token();
            items.push(parse_set_transaction(p, scope)?);
        } else if is_keyword(&t.token, Keyword::NAMES) {
            p.next_token();
            let charset = parse_name_or_default(p)?;
            let collation = if charset.is_some() && p.parse_keyword(Keyword::COLLATE) {
                parse_name_or_default(p)?
            } else {
                None
            };
            items.push(SetItem::Names { charset, collation });
        } else if p.parse_keywords(&[Keyword::CHARACTER, Keyword::SET])
            || p.parse_keyword(Keyword::CHARSET)
        {
            items.push(SetItem::CharacterSet(parse_name_or_default(p)?));
        } else {
            items.push(parse_assignment(p, scope)?);
        }
        if !p.consume_token(&Token::Comma) {
            break;
        }
    }
    Ok(items)
}

fn parse_assignment(p: &mut Parser, scope: Option<VarScope>) -> Result<SetItem, ParserError> {
    let t = p.next_token();
    let Token::Word(w) = t.token.clone() else {
        return p.expected("variable name", t);
    };
    let raw = w.value;
    if w.quote_style.is_none() && raw.starts_with("@@") {
        let first = raw.get(2..).unwrap_or_default().to_string();
        let (scope, name) = if p.consume_token(&Token::Period) {
            let sc = match first.to_ascii_lowercase().as_str() {
                "global" | "persist" | "persist_only" => Some(VarScope::Global),
                "session" | "local" => Some(VarScope::Session),
                _ => None,
            };
            let next = p.parse_identifier()?.value;
            match sc {
                Some(sc) => (Some(sc), next),
                None => (None, format!("{first}.{next}")),
            }
        } else {
            (None, first)
        };
        expect_assign(p)?;
        let value = parse_sys_value(p)?;
        return Ok(SetItem::System { scope, name, value });
    }
    if w.quote_style.is_none() && raw.starts_with('@') {
        let name = raw.get(1..).unwrap_or_default().to_string();
        let name = if name.is_empty() {
            // @'quoted name' / @`quoted name`
            let t = p.next_token();
            match t.token {
                Token::SingleQuotedString(s) | Token::DoubleQuotedString(s) => s,
                Token::Word(w) => w.value,
                _ => return p.expected("user variable name", t),
            }
        } else {
            name
        };
        expect_assign(p)?;
        let value = Box::new(p.parse_expr()?);
        return Ok(SetItem::User { name, value });
    }
    let mut name = raw;
    while p.consume_token(&Token::Period) {
        name = format!("{name}.{}", p.parse_identifier()?.value);
    }
    expect_assign(p)?;
    let value = parse_sys_value(p)?;
    Ok(SetItem::System { scope, name, value })
}

fn expect_assign(p: &mut Parser) -> Result<(), ParserError> {
    if p.consume_token(&Token::Eq) || p.consume_token(&Token::Assignment) {
        Ok(())
    } else {
        let t = p.peek_token();
        p.expected("=", t)
    }
}

fn parse_sys_value(p: &mut Parser) -> Result<SetValue, ParserError> {
    let t = p.peek_token();
    if let Token::Word(w) = &t.token
        && w.quote_style.is_none()
        && at_item_end(p, 1)
    {
        if w.keyword == Keyword::DEFAULT {
            p.next_token();
            return Ok(SetValue::Default);
        }
        if !matches!(w.keyword, Keyword::NULL | Keyword::TRUE | Keyword::FALSE)
            && !w.value.starts_with('@')
        {
            p.next_token();
            return Ok(SetValue::Word(w.value.clone()));
        }
    }
    p.parse_expr().map(|e| SetValue::Expr(Box::new(e)))
}

fn parse_set_transaction(p: &mut Parser, scope: Option<VarScope>) -> Result<SetItem, ParserError> {
    let mut isolation = None;
    let mut read_only = None;
    loop {
        if p.parse_keywords(&[Keyword::ISOLATION, Keyword::LEVEL]) {
            isolation = Some(
                if p.parse_keywords(&[Keyword::READ, Keyword::UNCOMMITTED]) {
                    "READ-UNCOMMITTED"
                } else if p.parse_keywords(&[Keyword::READ, Keyword::COMMITTED]) {
                    "READ-COMMITTED"
                } else if p.parse_keywords(&[Keyword::REPEATABLE, Keyword::READ]) {
                    "REPEATABLE-READ"
                } else if p.parse_keyword(Keyword::SERIALIZABLE) {
                    "SERIALIZABLE"
                } else {
                    let t = p.peek_token();
                    return p.expected("isolation level", t);
                }
                .to_string(),
            );
        } else if p.parse_keywords(&[Keyword::READ, Keyword::ONLY]) {
            read_only = Some(true);
        } else if p.parse_keywords(&[Keyword::READ, Keyword::WRITE]) {
            read_only = Some(false);
        } else {
            let t = p.peek_token();
            return p.expected("ISOLATION LEVEL, READ ONLY or READ WRITE", t);
        }
        if !(p.peek_token().token == Token::Comma
            && matches!(p.peek_nth_token(1).token, Token::Word(ref w) if w.keyword == Keyword::ISOLATION || w.keyword == Keyword::READ))
        {
            break;
        }
        p.next_token();
    }
    Ok(SetItem::Transaction {
        scope,
        isolation,
        read_only,
    })
}

fn parse_show_warnings(p: &mut Parser) -> Result<Stmt, ParserError> {
    p.expect_keyword_is(Keyword::SHOW)?;
    let count = if p.parse_keyword(Keyword::COUNT) {
        p.expect_token(&Token::LParen)?;
        p.expect_token(&Token::Mul)?;
        p.expect_token(&Token::RParen)?;
        true
    } else {
        false
    };
    let t = p.next_token();
    let errors = if is_word(&t.token, "ERRORS") {
        true
    } else if is_word(&t.token, "WARNINGS") {
        false
    } else {
        return p.expected("WARNINGS or ERRORS", t);
    };
    let (mut limit, mut offset) = (None, None);
    if !count && p.parse_keyword(Keyword::LIMIT) {
        let first = Box::new(p.parse_expr()?);
        if p.consume_token(&Token::Comma) {
            offset = Some(first);
            limit = Some(Box::new(p.parse_expr()?));
        } else {
            limit = Some(first);
        }
    }
    Ok(Stmt::ShowWarnings {
        errors,
        count,
        limit,
        offset,
    })
}

/// `ALTER INSTANCE RELOAD TLS [FOR CHANNEL mysql_main] [NO ROLLBACK ON ERROR]`; the other
/// ALTER INSTANCE actions (InnoDB and binary log keys, redo log) are not supported.
/// `PREPARE name FROM ...`, `EXECUTE name [USING @v, ...]`, `{DEALLOCATE | DROP} PREPARE name`.
fn parse_sql_prepared(p: &mut Parser<'_>) -> Result<Stmt, ParserError> {
    let first = p.next_token();
    if !is_word(&first.token, "PREPARE") && !is_word(&first.token, "EXECUTE") {
        // DEALLOCATE / DROP, then PREPARE.
        p.next_token();
        let name = p.parse_identifier()?.value;
        return Ok(Stmt::SqlDeallocate { name });
    }
    let name = p.parse_identifier()?.value;
    if is_word(&first.token, "EXECUTE") {
        let mut using = Vec::new();
        if p.parse_keyword(Keyword::USING) {
            loop {
                using.push(user_var_name(p)?);
                if !p.consume_token(&Token::Comma) {
                    break;
                }
            }
        }
        return Ok(Stmt::SqlExecute { name, using });
    }
    p.expect_keyword_is(Keyword::FROM)?;
    let t = p.peek_token();
    let source = match &t.token {
        Token::SingleQuotedString(s) | Token::DoubleQuotedString(s) => {
            p.next_token();
            PrepareSource::Text(s.clone())
        }
        _ => PrepareSource::Var(user_var_name(p)?),
    };
    Ok(Stmt::SqlPrepare { name, source })
}

/// `LOAD DATA [LOW_PRIORITY | CONCURRENT] [LOCAL] INFILE 'file' [REPLACE | IGNORE] INTO TABLE
/// t [CHARACTER SET cs] [{FIELDS | COLUMNS} [TERMINATED BY 's'] [[OPTIONALLY] ENCLOSED BY 'c']
/// [ESCAPED BY 'c']] [LINES [STARTING BY 's'] [TERMINATED BY 's']] [IGNORE n {LINES | ROWS}]
/// [(col, ...)]`. `@var` targets and `SET` are not supported (ER_NOT_SUPPORTED_YET).
fn parse_load_data(p: &mut Parser<'_>) -> Result<Stmt, ParserError> {
    use crate::stmt::load::{LoadSpec, OnDuplicate};
    p.next_token();
    p.next_token();
    let word = |p: &mut Parser<'_>, w: &str| {
        if is_word(&p.peek_token().token, w) {
            p.next_token();
            true
        } else {
            false
        }
    };
    let _ = word(p, "LOW_PRIORITY") || word(p, "CONCURRENT");
    let local = word(p, "LOCAL");
    if !word(p, "INFILE") {
        return p.expected("INFILE", p.peek_token());
    }
    let file = p.parse_literal_string()?;
    let on_duplicate = if word(p, "REPLACE") {
        OnDuplicate::Replace
    } else {
        let _ = word(p, "IGNORE");
        OnDuplicate::Ignore
    };
    p.expect_keyword_is(Keyword::INTO)?;
    p.expect_keyword_is(Keyword::TABLE)?;
    let mut parts: Vec<String> = p
        .parse_object_name(false)?
        .0
        .iter()
        .map(|part| part.to_string().trim_matches('`').to_string())
        .collect();
    let table = parts.pop().unwrap_or_default();
    let mut spec = LoadSpec::new(local, file, table);
    spec.on_duplicate = on_duplicate;
    spec.schema = parts.pop();
    if word(p, "PARTITION") {
        return Ok(Stmt::Failed(EngineError::not_supported(
            "LOAD DATA ... PARTITION",
        )));
    }
    if p.parse_keywords(&[Keyword::CHARACTER, Keyword::SET]) || p.parse_keyword(Keyword::CHARSET) {
        let cs = p.parse_identifier()?.value.to_lowercase();
        if !matches!(
            cs.as_str(),
            "utf8mb4" | "utf8" | "utf8mb3" | "binary" | "ascii"
        ) {
            return Ok(Stmt::Failed(EngineError::not_supported(&format!(
                "LOAD DATA ... CHARACTER SET {cs}"
            ))));
        }
    }
    let byte = |s: String| s.into_bytes().first().copied();
    if word(p, "FIELDS") || word(p, "COLUMNS") {
        loop {
            if word(p, "TERMINATED") {
                p.expect_keyword_is(Keyword::BY)?;
                spec.field_term = p.parse_literal_string()?.into_bytes();
            } else if word(p, "OPTIONALLY") || is_word(&p.peek_token().token, "ENCLOSED") {
                let _ = word(p, "ENCLOSED");
                p.expect_keyword_is(Keyword::BY)?;
                spec.enclosed = byte(p.parse_literal_string()?);
            } else if word(p, "ESCAPED") {
                p.expect_keyword_is(Keyword::BY)?;
                spec.escaped = byte(p.parse_literal_string()?);
            } else {
                break;
            }
        }
    }
    if word(p, "LINES") {
        loop {
            if word(p, "STARTING") {
                p.expect_keyword_is(Keyword::BY)?;
                spec.line_start = p.parse_literal_string()?.into_bytes();
            } else if word(p, "TERMINATED") {
                p.expect_keyword_is(Keyword::BY)?;
                spec.line_term = p.parse_literal_string()?.into_bytes();
            } else {
                break;
            }
        }
    }
    if word(p, "IGNORE") {
        let n = p.parse_literal_uint()?;
        if !(word(p, "LINES") || word(p, "ROWS")) {
            return p.expected("LINES", p.peek_token());
        }
        spec.ignore_lines = n;
    }
    if p.consume_token(&Token::LParen) {
        loop {
            let t = p.peek_token();
            if matches!(&t.token, Token::Word(w) if w.value.starts_with('@')) {
                return Ok(Stmt::Failed(EngineError::not_supported(
                    "LOAD DATA into user variables",
                )));
            }
            spec.columns.push(p.parse_identifier()?.value);
            if !p.consume_token(&Token::Comma) {
                break;
            }
        }
        p.expect_token(&Token::RParen)?;
    }
    if p.parse_keyword(Keyword::SET) {
        return Ok(Stmt::Failed(EngineError::not_supported(
            "LOAD DATA ... SET",
        )));
    }
    Ok(Stmt::LoadData(Box::new(spec)))
}

/// A `@name` (or `@'name'`) user variable reference: the name lower-cased, without `@`.
fn user_var_name(p: &mut Parser<'_>) -> Result<String, ParserError> {
    let t = p.next_token();
    match &t.token {
        Token::Word(w) if w.quote_style.is_none() && w.value.starts_with('@') => {
            let name = w.value.get(1..).unwrap_or_default();
            if name.is_empty() {
                let q = p.next_token();
                return match q.token {
                    Token::SingleQuotedString(s)
                    | Token::DoubleQuotedString(s)
                    | Token::Word(Word { value: s, .. }) => Ok(s.to_lowercase()),
                    _ => p.expected("user variable", q),
                };
            }
            Ok(name.to_lowercase())
        }
        _ => p.expected("user variable", t),
    }
}

fn parse_alter_instance(parser: &mut Parser<'_>) -> Result<Stmt, ParserError> {
    parser.next_token();
    parser.next_token();
    let reload = ["RELOAD", "TLS"]
        .iter()
        .all(|w| is_word(&parser.next_token().token, w));
    if !reload {
        while !matches!(parser.peek_token().token, Token::SemiColon | Token::EOF) {
            parser.next_token();
        }
        return Ok(Stmt::Unsupported);
    }
    if is_keyword(&parser.peek_token().token, Keyword::FOR) {
        parser.next_token();
        if !is_word(&parser.next_token().token, "CHANNEL") {
            return parser.expected("CHANNEL", parser.peek_token());
        }
        let channel = parser.parse_identifier()?;
        if !channel.value.eq_ignore_ascii_case("mysql_main") {
            return Ok(Stmt::Failed(EngineError::new(
                3887,
                "HY000",
                format!("Invalid TLS channel name {}", channel.value),
            )));
        }
    }
    let mut rollback_on_error = true;
    if is_word(&parser.peek_token().token, "NO") {
        for w in ["NO", "ROLLBACK", "ON", "ERROR"] {
            if !is_word(&parser.peek_token().token, w) {
                return parser.expected(w, parser.peek_token());
            }
            parser.next_token();
        }
        rollback_on_error = false;
    }
    Ok(Stmt::ReloadTls { rollback_on_error })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The non-whitespace tokens with their spans.
    fn solid(tokens: Vec<TokenWithSpan>) -> Vec<(Token, Span)> {
        tokens
            .into_iter()
            .filter(|t| {
                !matches!(
                    t.token,
                    Token::Whitespace(Whitespace::Space | Whitespace::Newline | Whitespace::Tab)
                )
            })
            .map(|t| (t.token, t.span))
            .collect()
    }

    #[test]
    fn long_whitespace_runs_become_one_token_and_change_nothing_else() {
        let pad = " ".repeat(100);
        let lines = "\n \t\r\n".repeat(40);
        let texts = [
            format!("{pad}SELECT{pad}1{pad}"),
            format!(
                "SELECT 'a{pad}b',{lines}\"q{pad}\\\"{pad}\" ,`x{pad}``y` FROM t{lines}WHERE a = 1{pad}"
            ),
            format!(
                "SELECT 1 -- note{pad}x\n{pad}, 2 # hash{pad}y\n{pad}/* c{pad}*/{pad}FROM dual"
            ),
            format!("SELECT 'it''s{pad}' , 'back\\\\'{pad}, 'é{pad}ü'{lines}; SELECT{pad}2"),
            format!("SELECT 'unterminated{pad}"),
        ];
        for sql in &texts {
            let whole = Tokenizer::new(&DIALECT, sql).tokenize_with_location();
            let cut = tokenize(sql, Lexing::default());
            match (whole, cut) {
                (Ok(w), Ok(c)) => {
                    assert!(c.len() < w.len(), "runs were collapsed in {sql:?}");
                    assert_eq!(solid(w), solid(c), "for {sql:?}");
                }
                (Err(w), Err(c)) => assert_eq!(w, c),
                (w, c) => panic!("{sql:?}: {w:?} vs {c:?}"),
            }
        }
    }

    #[test]
    fn errors_after_long_whitespace_quote_the_text_and_line_as_before() {
        let error = |pad: usize| {
            let pad = " ".repeat(pad);
            let sql = format!("SELECT 1\n{pad}FROM{pad}\n{pad}WHERE x");
            let mut script = Script::new(&sql).expect("tokenizes");
            match script.next_statement() {
                Some(Err(e)) => (e.code, e.message),
                other => panic!("{other:?}"),
            }
        };
        let (code, message) = error(200);
        assert_eq!(code, 1064);
        assert!(message.ends_with("near 'WHERE x' at line 3"), "{message}");
        assert_eq!(error(3), (code, message));
    }
}
