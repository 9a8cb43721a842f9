//! MySQL statement forms sqlparser's MySQL dialect cannot parse (or parses wrongly), read here
//! with the parser's primitives from their leading keywords:
//!
//! - `START TRANSACTION [WITH CONSISTENT SNAPSHOT | READ ONLY | READ WRITE] [, ...]`
//!   (<https://dev.mysql.com/doc/refman/8.4/en/commit.html>)
//! - `ALTER TABLE` with table options (`ENGINE=`, `[DEFAULT] CHARSET=`, `COLLATE=`, `COMMENT=`,
//!   `AUTO_INCREMENT=`, `ROW_FORMAT=`, ...) and `CONVERT TO CHARACTER SET` among its
//!   comma-separated alterations (<https://dev.mysql.com/doc/refman/8.4/en/alter-table.html>)
//! - `SHOW {INDEX | INDEXES | KEYS} ... [WHERE]`, `SHOW TABLE STATUS [FROM db] [LIKE | WHERE]`,
//!   `SHOW CREATE {DATABASE | SCHEMA} [IF NOT EXISTS] db`, `SHOW [STORAGE] ENGINES`,
//!   `SHOW {CHARACTER SET | CHARSET} [LIKE | WHERE]`, `SHOW COLLATION [LIKE | WHERE]`
//!   (<https://dev.mysql.com/doc/refman/8.4/en/show.html>)
//! - `LOCK {TABLE | TABLES} t [[AS] alias] {READ [LOCAL] | [LOW_PRIORITY] WRITE} [, ...]`,
//!   `UNLOCK {TABLE | TABLES}` (<https://dev.mysql.com/doc/refman/8.4/en/lock-tables.html>)
//! - `ANALYZE | OPTIMIZE [NO_WRITE_TO_BINLOG | LOCAL] TABLE ...`, `CHECK TABLE ... [option]`,
//!   `CHECKSUM TABLE ... [QUICK | EXTENDED]`
//!   (<https://dev.mysql.com/doc/refman/8.4/en/table-maintenance-statements.html>)
//!
//! - `CREATE {DATABASE | SCHEMA} [IF NOT EXISTS] db [option] ...` and
//!   `ALTER {DATABASE | SCHEMA} [db] option ...` with `[DEFAULT] CHARACTER SET`, `COLLATE` and
//!   `ENCRYPTION` (<https://dev.mysql.com/doc/refman/8.4/en/create-database.html>)
//!
//! Each `parse_*` function returns None, consuming nothing, when the text is not its form.

use sqlparser::ast::{
    AlterTable, AlterTableOperation, ObjectName, ShowStatementFilter, SqlOption,
    helpers::attached_token::AttachedToken,
};
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::Token;

use super::{Stmt, is_keyword, is_word, parse_name_or_default};

/// What ALTER TABLE says besides the operations sqlparser parses: table options and
/// `CONVERT TO CHARACTER SET cs [COLLATE c]`.
#[derive(Clone, Debug, Default)]
pub(crate) struct AlterExtras {
    pub(crate) options: Vec<SqlOption>,
    pub(crate) convert_to: Option<(String, Option<String>)>,
    /// `DISABLE KEYS` / `ENABLE KEYS` (mysqldump's restore text): InnoDB ignores them with a
    /// note, as does this engine.
    pub(crate) keys: bool,
    /// `DROP CHECK name` (None) and `ALTER {CHECK | CONSTRAINT} name [NOT] ENFORCED` (Some).
    pub(crate) checks: Vec<(String, Option<bool>)>,
    /// `ALTER [COLUMN] name SET {VISIBLE | INVISIBLE}`: (how many parsed operations come
    /// before it, column, invisible), so it applies in statement order.
    pub(crate) visibility: Vec<(usize, String, bool)>,
}

/// A table maintenance statement (one result row per table and message).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TableOp {
    Analyze,
    Optimize,
    Check,
    Checksum,
}

impl TableOp {
    /// The `Op` column MySQL prints.
    pub(crate) fn name(self) -> &'static str {
        match self {
            TableOp::Analyze => "analyze",
            TableOp::Optimize => "optimize",
            TableOp::Check => "check",
            TableOp::Checksum => "checksum",
        }
    }
}

/// One table of LOCK TABLES.
#[derive(Clone, Debug)]
pub(crate) struct LockItem {
    pub(crate) name: ObjectName,
    pub(crate) alias: Option<String>,
    pub(crate) write: bool,
}

/// Consumes the next token if it is the unquoted word `w`.
fn word(p: &mut Parser, w: &str) -> bool {
    if is_word(&p.peek_token().token, w) {
        p.next_token();
        true
    } else {
        false
    }
}

fn peek_word(p: &Parser, n: usize, w: &str) -> bool {
    is_word(&p.peek_nth_token(n).token, w)
}

fn at_end(p: &Parser) -> bool {
    matches!(p.peek_token().token, Token::SemiColon | Token::EOF)
}

/// `LIKE 'pattern'` (when allowed) or `WHERE expr`, if present.
fn show_filter(p: &mut Parser, like: bool) -> Result<Option<ShowStatementFilter>, ParserError> {
    if like && p.parse_keyword(Keyword::LIKE) {
        return Ok(Some(ShowStatementFilter::Like(p.parse_literal_string()?)));
    }
    if p.parse_keyword(Keyword::WHERE) {
        return Ok(Some(ShowStatementFilter::Where(p.parse_expr()?)));
    }
    Ok(None)
}

/// `START TRANSACTION [characteristic [, characteristic] ...]`.
pub(super) fn parse_start_transaction(p: &mut Parser) -> Result<Option<Stmt>, ParserError> {
    if !(peek_word(p, 0, "START") && peek_word(p, 1, "TRANSACTION")) {
        return Ok(None);
    }
    p.next_token();
    p.next_token();
    let mut consistent_snapshot = false;
    let mut access: Option<bool> = None;
    if at_end(p) {
        return Ok(Some(Stmt::StartTransaction {
            consistent_snapshot,
            read_only: false,
        }));
    }
    loop {
        let this = if p.parse_keyword(Keyword::WITH) && word(p, "CONSISTENT") {
            if !word(p, "SNAPSHOT") {
                let t = p.peek_token();
                return p.expected("SNAPSHOT", t);
            }
            consistent_snapshot = true;
            None
        } else if p.parse_keywords(&[Keyword::READ, Keyword::ONLY]) {
            Some(true)
        } else if p.parse_keywords(&[Keyword::READ, Keyword::WRITE]) {
            Some(false)
        } else {
            let t = p.peek_token();
            return p.expected("WITH CONSISTENT SNAPSHOT, READ ONLY or READ WRITE", t);
        };
        if let Some(ro) = this {
            // READ ONLY and READ WRITE together are a syntax error in MySQL's grammar.
            if access.is_some_and(|a| a != ro) {
                let t = p.peek_token();
                return p.expected("end of statement", t);
            }
            access = Some(ro);
        }
        if !p.consume_token(&Token::Comma) {
            break;
        }
    }
    Ok(Some(Stmt::StartTransaction {
        consistent_snapshot,
        read_only: access == Some(true),
    }))
}

/// Words that start a table option in an ALTER TABLE list (sqlparser's plain options).
const TABLE_OPTION_WORDS: &[&str] = &[
    "ENGINE",
    "DEFAULT",
    "CHARSET",
    "CHARACTER",
    "COLLATE",
    "COMMENT",
    "AUTO_INCREMENT",
    "ROW_FORMAT",
    "KEY_BLOCK_SIZE",
    "PACK_KEYS",
    "STATS_AUTO_RECALC",
    "STATS_PERSISTENT",
    "STATS_SAMPLE_PAGES",
    "DELAY_KEY_WRITE",
    "COMPRESSION",
    "ENCRYPTION",
    "MAX_ROWS",
    "MIN_ROWS",
    "AUTOEXTEND_SIZE",
    "AVG_ROW_LENGTH",
    "CHECKSUM",
    "CONNECTION",
    "ENGINE_ATTRIBUTE",
    "PASSWORD",
    "SECONDARY_ENGINE_ATTRIBUTE",
    "INSERT_METHOD",
    "TABLESPACE",
    "UNION",
];

/// `ALTER TABLE name item [, item] ...` where an item is an alteration sqlparser parses, a run
/// of table options, or `CONVERT TO CHARACTER SET`. Returns a plain `Stmt::Sql` when the
/// statement has neither options nor CONVERT TO.
pub(super) fn parse_alter_table(p: &mut Parser) -> Result<Option<Stmt>, ParserError> {
    if !(is_keyword(&p.peek_nth_token(0).token, Keyword::ALTER)
        && is_keyword(&p.peek_nth_token(1).token, Keyword::TABLE))
    {
        return Ok(None);
    }
    p.next_token();
    p.next_token();
    let name = p.parse_object_name(false)?;
    let mut operations: Vec<AlterTableOperation> = Vec::new();
    let mut extras = AlterExtras::default();
    while !at_end(p) {
        let t = p.peek_token().token;
        // CHARACTER starts an option only as CHARACTER SET.
        let is_option = TABLE_OPTION_WORDS.iter().any(|w| is_word(&t, w))
            && (!is_word(&t, "CHARACTER") || is_keyword(&p.peek_nth_token(1).token, Keyword::SET));
        if is_option {
            let opts = p.parse_plain_options()?;
            if opts.is_empty() {
                let t = p.peek_token();
                return p.expected("a table option", t);
            }
            extras.options.extend(opts);
            if at_end(p) {
                break;
            }
            // parse_plain_options consumed the comma that separates the next item.
            p.prev_token();
            if p.next_token().token != Token::Comma {
                let t = p.peek_token();
                return p.expected("',' or end of statement", t);
            }
            continue;
        }
        if (peek_word(p, 0, "DISABLE") || peek_word(p, 0, "ENABLE")) && peek_word(p, 1, "KEYS") {
            p.next_token();
            p.next_token();
            extras.keys = true;
        } else if peek_word(p, 0, "DROP") && peek_word(p, 1, "CHECK") {
            p.next_token();
            p.next_token();
            let name = p.parse_identifier()?.value;
            extras.checks.push((name, None));
        } else if peek_word(p, 0, "ALTER")
            && (peek_word(p, 1, "CHECK") || peek_word(p, 1, "CONSTRAINT"))
        {
            p.next_token();
            p.next_token();
            let name = p.parse_identifier()?.value;
            let not = word(p, "NOT");
            if !word(p, "ENFORCED") {
                let t = p.peek_token();
                return p.expected("ENFORCED", t);
            }
            extras.checks.push((name, Some(!not)));
        } else if let Some(skip) = set_visibility_at(p) {
            for _ in 0..skip {
                p.next_token();
            }
            let column = p.parse_identifier()?.value;
            p.next_token();
            let invisible = word(p, "INVISIBLE");
            if !invisible && !word(p, "VISIBLE") {
                let t = p.peek_token();
                return p.expected("VISIBLE or INVISIBLE", t);
            }
            extras
                .visibility
                .push((operations.len(), column, invisible));
        } else if word(p, "CONVERT") {
            p.expect_keyword_is(Keyword::TO)?;
            if !(p.parse_keywords(&[Keyword::CHARACTER, Keyword::SET])
                || p.parse_keyword(Keyword::CHARSET))
            {
                let t = p.peek_token();
                return p.expected("CHARACTER SET", t);
            }
            let Some(cs) = parse_name_or_default(p)? else {
                let t = p.peek_token();
                return p.expected("a character set name", t);
            };
            let coll = if p.parse_keyword(Keyword::COLLATE) {
                parse_name_or_default(p)?
            } else {
                None
            };
            extras.convert_to = Some((cs, coll));
        } else {
            operations.push(p.parse_alter_table_operation()?);
        }
        if !p.consume_token(&Token::Comma) {
            break;
        }
    }
    let alter = AlterTable {
        name,
        if_exists: false,
        only: false,
        operations,
        location: None,
        on_cluster: None,
        table_type: None,
        end_token: AttachedToken::empty(),
    };
    if extras.options.is_empty()
        && extras.convert_to.is_none()
        && !extras.keys
        && extras.checks.is_empty()
        && extras.visibility.is_empty()
    {
        return Ok(Some(Stmt::Sql(Box::new(alter.into()))));
    }
    Ok(Some(Stmt::AlterTable {
        alter: Box::new(alter),
        extras,
    }))
}

/// At `ALTER [COLUMN] name SET {VISIBLE | INVISIBLE}`: how many tokens come before the
/// column name (1 or 2); None for any other item.
fn set_visibility_at(p: &Parser) -> Option<usize> {
    if !peek_word(p, 0, "ALTER") {
        return None;
    }
    let skip = if peek_word(p, 1, "COLUMN") { 2 } else { 1 };
    let is_name = matches!(p.peek_nth_token(skip).token, Token::Word(_));
    (is_name
        && is_keyword(&p.peek_nth_token(skip + 1).token, Keyword::SET)
        && (peek_word(p, skip + 2, "VISIBLE") || peek_word(p, skip + 2, "INVISIBLE")))
    .then_some(skip)
}

/// The SHOW statements read here; None for any other SHOW.
pub(super) fn parse_show(p: &mut Parser) -> Result<Option<Stmt>, ParserError> {
    if !is_keyword(&p.peek_nth_token(0).token, Keyword::SHOW) {
        return Ok(None);
    }
    let w1 = p.peek_nth_token(1).token;
    let w2 = p.peek_nth_token(2).token;
    // SHOW [EXTENDED] {INDEX | INDEXES | KEYS} {FROM | IN} t [{FROM | IN} db] [WHERE expr]
    let index_at = if ["INDEX", "INDEXES", "KEYS"].iter().any(|w| is_word(&w1, w)) {
        Some(1)
    } else if is_word(&w1, "EXTENDED")
        && ["INDEX", "INDEXES", "KEYS"].iter().any(|w| is_word(&w2, w))
    {
        Some(2)
    } else {
        None
    };
    if let Some(n) = index_at {
        for _ in 0..=n {
            p.next_token();
        }
        if !(p.parse_keyword(Keyword::FROM) || p.parse_keyword(Keyword::IN)) {
            let t = p.peek_token();
            return p.expected("FROM or IN", t);
        }
        let table = p.parse_object_name(false)?;
        let db = if p.parse_keyword(Keyword::FROM) || p.parse_keyword(Keyword::IN) {
            Some(p.parse_identifier()?.value)
        } else {
            None
        };
        let filter = show_filter(p, false)?;
        return Ok(Some(Stmt::ShowIndex { table, db, filter }));
    }
    // SHOW TABLE STATUS [{FROM | IN} db] [LIKE 'pattern' | WHERE expr]
    if is_word(&w1, "TABLE") && is_word(&w2, "STATUS") {
        for _ in 0..3 {
            p.next_token();
        }
        let db = if p.parse_keyword(Keyword::FROM) || p.parse_keyword(Keyword::IN) {
            Some(p.parse_identifier()?.value)
        } else {
            None
        };
        let filter = show_filter(p, true)?;
        return Ok(Some(Stmt::ShowTableStatus { db, filter }));
    }
    // SHOW CREATE {DATABASE | SCHEMA} [IF NOT EXISTS] db
    if is_word(&w1, "CREATE") && (is_word(&w2, "DATABASE") || is_word(&w2, "SCHEMA")) {
        for _ in 0..3 {
            p.next_token();
        }
        let if_not_exists = p.parse_keywords(&[Keyword::IF, Keyword::NOT, Keyword::EXISTS]);
        let name = p.parse_identifier()?.value;
        return Ok(Some(Stmt::ShowCreateDatabase {
            name,
            if_not_exists,
        }));
    }
    // SHOW [STORAGE] ENGINES
    if is_word(&w1, "ENGINES") || (is_word(&w1, "STORAGE") && is_word(&w2, "ENGINES")) {
        p.next_token();
        let _ = word(p, "STORAGE");
        p.next_token();
        return Ok(Some(Stmt::ShowEngines));
    }
    // SHOW {CHARACTER SET | CHARSET} [LIKE | WHERE]
    if is_word(&w1, "CHARSET") || (is_word(&w1, "CHARACTER") && is_word(&w2, "SET")) {
        p.next_token();
        // CHARACTER SET or CHARSET.
        let _ = word(p, "CHARACTER");
        p.next_token();
        return Ok(Some(Stmt::ShowCharset(show_filter(p, true)?)));
    }
    // SHOW COLLATION [LIKE | WHERE]
    if is_word(&w1, "COLLATION") {
        p.next_token();
        p.next_token();
        return Ok(Some(Stmt::ShowCollation(show_filter(p, true)?)));
    }
    Ok(None)
}

/// `LOCK {TABLE | TABLES} ...` and `UNLOCK {TABLE | TABLES}`.
pub(super) fn parse_lock(p: &mut Parser) -> Result<Option<Stmt>, ParserError> {
    let tables_next = is_word(&p.peek_nth_token(1).token, "TABLES")
        || is_keyword(&p.peek_nth_token(1).token, Keyword::TABLE);
    if is_word(&p.peek_nth_token(0).token, "UNLOCK") && tables_next {
        p.next_token();
        p.next_token();
        return Ok(Some(Stmt::UnlockTables));
    }
    if !(is_keyword(&p.peek_nth_token(0).token, Keyword::LOCK) && tables_next) {
        return Ok(None);
    }
    p.next_token();
    p.next_token();
    let items = p.parse_comma_separated(|p| {
        let name = p.parse_object_name(false)?;
        let alias = if p.parse_keyword(Keyword::AS) {
            Some(p.parse_identifier()?.value)
        } else {
            match p.peek_token().token {
                Token::Word(w)
                    if w.quote_style.is_some()
                        || !["READ", "WRITE", "LOW_PRIORITY"]
                            .iter()
                            .any(|k| w.value.eq_ignore_ascii_case(k)) =>
                {
                    Some(p.parse_identifier()?.value)
                }
                _ => None,
            }
        };
        let write = if p.parse_keyword(Keyword::READ) {
            let _ = p.parse_keyword(Keyword::LOCAL);
            false
        } else {
            let _ = word(p, "LOW_PRIORITY");
            if !p.parse_keyword(Keyword::WRITE) {
                let t = p.peek_token();
                return p.expected("READ or WRITE", t);
            }
            true
        };
        Ok(LockItem { name, alias, write })
    })?;
    Ok(Some(Stmt::LockTables(items)))
}

/// One option of CREATE / ALTER DATABASE, as written (names unresolved).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum DbOption {
    /// `[DEFAULT] {CHARACTER SET | CHARSET} [=] name`.
    Charset(String),
    /// `[DEFAULT] COLLATE [=] name`.
    Collate(String),
    /// `[DEFAULT] ENCRYPTION [=] 'Y' | 'N'` (the string as written).
    Encryption(String),
}

/// `CREATE {DATABASE | SCHEMA} [IF NOT EXISTS] name [option] ...` or
/// `ALTER {DATABASE | SCHEMA} [name] option ...`.
#[derive(Clone, Debug)]
pub(crate) struct DatabaseSpec {
    /// CREATE (true) or ALTER (false).
    pub(crate) create: bool,
    /// None: ALTER DATABASE of the current database.
    pub(crate) name: Option<String>,
    pub(crate) if_not_exists: bool,
    /// In the order written.
    pub(crate) options: Vec<DbOption>,
}

/// A character set or collation name: an identifier, a string or `BINARY`.
fn charset_name(p: &mut Parser) -> Result<String, ParserError> {
    let t = p.next_token();
    match t.token {
        Token::Word(w) => Ok(w.value),
        Token::SingleQuotedString(s) | Token::DoubleQuotedString(s) => Ok(s),
        _ => p.expected("character set or collation name", t),
    }
}

/// The options of CREATE / ALTER DATABASE (no commas between them), and whether
/// `READ ONLY [=] {DEFAULT | 0 | 1}` (ALTER only) was among them.
fn database_options(p: &mut Parser, alter: bool) -> Result<(Vec<DbOption>, bool), ParserError> {
    let mut options = Vec::new();
    let mut read_only = false;
    loop {
        let has_default = p.parse_keyword(Keyword::DEFAULT);
        if p.parse_keywords(&[Keyword::CHARACTER, Keyword::SET]) || word(p, "CHARSET") {
            let _ = p.consume_token(&Token::Eq);
            options.push(DbOption::Charset(charset_name(p)?));
        } else if p.parse_keyword(Keyword::COLLATE) {
            let _ = p.consume_token(&Token::Eq);
            options.push(DbOption::Collate(charset_name(p)?));
        } else if word(p, "ENCRYPTION") {
            let _ = p.consume_token(&Token::Eq);
            let t = p.next_token();
            match t.token {
                Token::SingleQuotedString(v) | Token::DoubleQuotedString(v) => {
                    options.push(DbOption::Encryption(v));
                }
                _ => return p.expected("a string", t),
            }
        } else if alter && !has_default && p.parse_keywords(&[Keyword::READ, Keyword::ONLY]) {
            let _ = p.consume_token(&Token::Eq);
            let t = p.next_token();
            match &t.token {
                Token::Number(n, _) if n == "0" || n == "1" => {}
                Token::Word(w) if w.keyword == Keyword::DEFAULT => {}
                _ => return p.expected("DEFAULT, 0 or 1", t),
            }
            read_only = true;
        } else if has_default {
            let t = p.peek_token();
            return p.expected("CHARACTER SET, COLLATE or ENCRYPTION", t);
        } else {
            break;
        }
    }
    Ok((options, read_only))
}

/// `CREATE {DATABASE | SCHEMA} ...` (including myseal's `CLONE source`, an O(1) copy of a
/// database for test isolation that MySQL does not have) and `ALTER {DATABASE | SCHEMA} ...`
/// (<https://dev.mysql.com/doc/refman/8.4/en/create-database.html>,
/// <https://dev.mysql.com/doc/refman/8.4/en/alter-database.html>). `ALTER DATABASE ... READ
/// ONLY` parses but is not supported (ER_NOT_SUPPORTED_YET).
pub(super) fn parse_database(p: &mut Parser) -> Result<Option<Stmt>, ParserError> {
    let t0 = p.peek_nth_token(0).token;
    let t1 = p.peek_nth_token(1).token;
    let create = is_keyword(&t0, Keyword::CREATE);
    if !((create || is_keyword(&t0, Keyword::ALTER))
        && (is_keyword(&t1, Keyword::DATABASE) || is_keyword(&t1, Keyword::SCHEMA)))
    {
        return Ok(None);
    }
    p.next_token();
    p.next_token();
    if !create {
        let named = match p.peek_token().token {
            Token::Word(w) if w.quote_style.is_none() => !matches!(
                w.keyword,
                Keyword::DEFAULT
                    | Keyword::CHARACTER
                    | Keyword::CHARSET
                    | Keyword::COLLATE
                    | Keyword::ENCRYPTION
                    | Keyword::READ
            ),
            _ => true,
        };
        let name = if named {
            Some(p.parse_identifier()?.value)
        } else {
            None
        };
        let (options, read_only) = database_options(p, true)?;
        if read_only {
            return Ok(Some(Stmt::Unsupported));
        }
        if options.is_empty() {
            let t = p.peek_token();
            return p.expected("CHARACTER SET, COLLATE, ENCRYPTION or READ ONLY", t);
        }
        return Ok(Some(Stmt::Database(Box::new(DatabaseSpec {
            create: false,
            name,
            if_not_exists: false,
            options,
        }))));
    }
    let if_not_exists = p.parse_keywords(&[Keyword::IF, Keyword::NOT, Keyword::EXISTS]);
    let name = p.parse_identifier()?.value;
    if word(p, "CLONE") {
        let source = p.parse_identifier()?.value;
        return Ok(Some(Stmt::CloneDatabase {
            name,
            source,
            if_not_exists,
        }));
    }
    let (options, _) = database_options(p, false)?;
    Ok(Some(Stmt::Database(Box::new(DatabaseSpec {
        create: true,
        name: Some(name),
        if_not_exists,
        options,
    }))))
}

/// ANALYZE / OPTIMIZE / CHECK / CHECKSUM TABLE.
pub(super) fn parse_table_maintenance(p: &mut Parser) -> Result<Option<Stmt>, ParserError> {
    let t0 = p.peek_nth_token(0).token;
    let op = if is_word(&t0, "ANALYZE") {
        TableOp::Analyze
    } else if is_word(&t0, "OPTIMIZE") {
        TableOp::Optimize
    } else if is_word(&t0, "CHECK") {
        TableOp::Check
    } else if is_word(&t0, "CHECKSUM") {
        TableOp::Checksum
    } else {
        return Ok(None);
    };
    let mut n = 1;
    if matches!(op, TableOp::Analyze | TableOp::Optimize)
        && (is_word(&p.peek_nth_token(1).token, "NO_WRITE_TO_BINLOG")
            || is_word(&p.peek_nth_token(1).token, "LOCAL"))
    {
        n = 2;
    }
    let t = p.peek_nth_token(n).token;
    if !(is_keyword(&t, Keyword::TABLE) || is_word(&t, "TABLES")) {
        return Ok(None);
    }
    for _ in 0..=n {
        p.next_token();
    }
    let tables = p.parse_comma_separated(|p| p.parse_object_name(false))?;
    match op {
        TableOp::Check => {
            // FOR UPGRADE | QUICK | FAST | MEDIUM | EXTENDED | CHANGED, any number.
            loop {
                if is_keyword(&p.peek_token().token, Keyword::FOR)
                    && is_word(&p.peek_nth_token(1).token, "UPGRADE")
                {
                    p.next_token();
                    p.next_token();
                    continue;
                }
                if ["QUICK", "FAST", "MEDIUM", "EXTENDED", "CHANGED"]
                    .iter()
                    .any(|w| word(p, w))
                {
                    continue;
                }
                break;
            }
        }
        TableOp::Checksum => {
            let _ = word(p, "QUICK") || word(p, "EXTENDED");
        }
        TableOp::Analyze if p.parse_keyword(Keyword::UPDATE) || p.parse_keyword(Keyword::DROP) => {
            // ANALYZE TABLE ... {UPDATE | DROP} HISTOGRAM: not supported.
            while !at_end(p) {
                p.next_token();
            }
            return Ok(Some(Stmt::Unsupported));
        }
        _ => {}
    }
    Ok(Some(Stmt::TableMaintenance { op, tables }))
}

/// `CREATE [OR REPLACE] [ALGORITHM = a] [DEFINER = user] [SQL SECURITY s] VIEW v [(cols)] AS
/// select [WITH [CASCADED | LOCAL] CHECK OPTION]`, or `ALTER` with the same shape
/// (<https://dev.mysql.com/doc/refman/8.4/en/create-view.html>).
#[derive(Clone, Debug)]
pub(crate) struct ViewSpec {
    pub(crate) alter: bool,
    pub(crate) or_replace: bool,
    pub(crate) algorithm: Option<String>,
    /// `DEFINER = u@h` (Some(Some)), `DEFINER = CURRENT_USER` (Some(None)).
    pub(crate) definer: Option<Option<(String, String)>>,
    /// `SQL SECURITY DEFINER` (true) or `INVOKER` (false).
    pub(crate) security_definer: Option<bool>,
    pub(crate) name: ObjectName,
    pub(crate) columns: Vec<String>,
    /// The SELECT's text as written.
    pub(crate) select: String,
    pub(crate) check: crate::catalog::CheckOption,
}

/// True when the statement ahead is CREATE/ALTER ... VIEW (the word VIEW comes before any word
/// that starts another object's definition).
fn is_view_ddl(p: &Parser) -> bool {
    let t0 = p.peek_token().token;
    if !is_keyword(&t0, Keyword::CREATE) && !is_keyword(&t0, Keyword::ALTER) {
        return false;
    }
    for n in 1..24 {
        match p.peek_nth_token(n).token {
            Token::Word(w) if w.quote_style.is_none() => {
                let v = w.value.to_ascii_uppercase();
                match v.as_str() {
                    "VIEW" => return true,
                    "TABLE" | "PROCEDURE" | "FUNCTION" | "TRIGGER" | "EVENT" | "INDEX"
                    | "DATABASE" | "SCHEMA" | "USER" | "ROLE" | "AS" | "UNIQUE" | "TEMPORARY"
                    | "INSTANCE" | "TABLESPACE" | "SERVER" => return false,
                    _ => {}
                }
            }
            Token::EOF | Token::SemiColon => return false,
            _ => {}
        }
    }
    false
}

/// The text of a definer's user or host part.
fn account_part(t: &Token) -> Option<String> {
    match t {
        Token::Word(w) => Some(w.value.clone()),
        Token::SingleQuotedString(s) | Token::DoubleQuotedString(s) => Some(s.clone()),
        _ => None,
    }
}

/// `user[@host]`, `CURRENT_USER[()]` (None: the current account).
pub(super) fn parse_definer(p: &mut Parser) -> Result<Option<(String, String)>, ParserError> {
    let t = p.next_token();
    if matches!(&t.token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("CURRENT_USER"))
    {
        if p.consume_token(&Token::LParen) {
            p.expect_token(&Token::RParen)?;
        }
        return Ok(None);
    }
    let Some(user) = account_part(&t.token) else {
        return p.expected("a user name", t);
    };
    // `u@h` and `u@'h'`: the dialect reads `u@h` (or `u@`) as one word; a quoted host follows.
    if matches!(&t.token, Token::Word(w) if w.quote_style.is_none())
        && let Some((u, h)) = user.split_once('@')
        && !u.is_empty()
    {
        let u = u.to_string();
        if !h.is_empty() {
            return Ok(Some((u, h.to_string())));
        }
        let h = p.next_token();
        return match account_part(&h.token) {
            Some(h) => Ok(Some((u, h))),
            None => p.expected("a host name", h),
        };
    }
    // `u@h` and `'u'@'h'` tokenize as the user and then `@h` (a variable-like word) or `@`
    // followed by the host.
    let host = match p.peek_token().token {
        Token::AtSign => {
            p.next_token();
            let h = p.next_token();
            match account_part(&h.token) {
                Some(h) => h,
                None => return p.expected("a host name", h),
            }
        }
        Token::Word(w) if w.value.starts_with('@') => {
            p.next_token();
            w.value
                .trim_start_matches('@')
                .trim_matches('\'')
                .to_string()
        }
        _ => "%".to_string(),
    };
    // `'u'@'h'` may also come as one string holding both.
    if let Some((u, h)) = user.split_once("'@'") {
        return Ok(Some((u.to_string(), h.to_string())));
    }
    Ok(Some((user, host)))
}

/// A view's SELECT text from its first token to `end` (None: the end of the text). Inside a
/// versioned comment (`/*!50001 CREATE VIEW v AS select ... */`, as mysqldump writes views)
/// sqlparser's locations on the comment's first line are short by the comment's opening: both
/// ends move right until the text starts with the first token, and the comment's closing `*/`
/// is left out.
fn view_select_text(
    text: &impl Fn(sqlparser::tokenizer::Location, Option<sqlparser::tokenizer::Location>) -> String,
    first: &sqlparser::tokenizer::TokenWithSpan,
    end: Option<sqlparser::tokenizer::Location>,
) -> String {
    use sqlparser::tokenizer::Location;
    let start = first.span.start;
    let head = first.token.to_string().to_ascii_lowercase();
    let shift = |l: Location, k: u64| Location::new(l.line, l.column + k);
    let k = (0..=24)
        .find(|&k| {
            text(shift(start, k), None)
                .to_ascii_lowercase()
                .starts_with(&head)
        })
        .unwrap_or(0);
    let end = end.map(|e| if e.line == start.line { shift(e, k) } else { e });
    let mut select = text(shift(start, k), end);
    if select.matches("*/").count() > select.matches("/*").count()
        && let Some(rest) = select.trim_end().strip_suffix("*/")
    {
        select = rest.trim_end().to_string();
    }
    select
}

/// CREATE/ALTER ... VIEW (see [`ViewSpec`]); None, consuming nothing, for any other text.
/// `text` gives the SELECT's text from its start and end token locations.
pub(crate) fn parse_view(
    p: &mut Parser,
    text: impl Fn(sqlparser::tokenizer::Location, Option<sqlparser::tokenizer::Location>) -> String,
) -> Result<Option<Stmt>, ParserError> {
    if !is_view_ddl(p) {
        return Ok(None);
    }
    let alter = is_keyword(&p.next_token().token, Keyword::ALTER);
    let mut spec_or_replace = false;
    if !alter && p.parse_keywords(&[Keyword::OR, Keyword::REPLACE]) {
        spec_or_replace = true;
    }
    let mut algorithm = None;
    let mut definer = None;
    let mut security_definer = None;
    loop {
        if word(p, "ALGORITHM") {
            p.expect_token(&Token::Eq)?;
            let t = p.next_token();
            let a = match &t.token {
                Token::Word(w) => w.value.to_ascii_uppercase(),
                _ => return p.expected("UNDEFINED, MERGE or TEMPTABLE", t),
            };
            if !matches!(a.as_str(), "UNDEFINED" | "MERGE" | "TEMPTABLE") {
                return p.expected("UNDEFINED, MERGE or TEMPTABLE", t);
            }
            algorithm = Some(a);
        } else if word(p, "DEFINER") {
            p.expect_token(&Token::Eq)?;
            definer = Some(parse_definer(p)?);
        } else if word(p, "SQL") {
            if !word(p, "SECURITY") {
                let t = p.peek_token();
                return p.expected("SECURITY", t);
            }
            if word(p, "DEFINER") {
                security_definer = Some(true);
            } else if word(p, "INVOKER") {
                security_definer = Some(false);
            } else {
                let t = p.peek_token();
                return p.expected("DEFINER or INVOKER", t);
            }
        } else {
            break;
        }
    }
    if !word(p, "VIEW") {
        let t = p.peek_token();
        return p.expected("VIEW", t);
    }
    let name = p.parse_object_name(false)?;
    let mut columns = Vec::new();
    if p.peek_token().token == Token::LParen {
        p.next_token();
        loop {
            columns.push(p.parse_identifier()?.value);
            if !p.consume_token(&Token::Comma) {
                break;
            }
        }
        p.expect_token(&Token::RParen)?;
    }
    p.expect_keyword(Keyword::AS)?;
    let first = p.peek_token();
    let _query = p.parse_query()?;
    let end = p.peek_token();
    let end = (!matches!(end.token, Token::EOF)).then_some(end.span.start);
    let select = view_select_text(&text, &first, end);
    let mut check = crate::catalog::CheckOption::None;
    if p.parse_keyword(Keyword::WITH) {
        check = if word(p, "LOCAL") {
            crate::catalog::CheckOption::Local
        } else {
            word(p, "CASCADED");
            crate::catalog::CheckOption::Cascaded
        };
        p.expect_keywords(&[Keyword::CHECK, Keyword::OPTION])?;
    }
    Ok(Some(Stmt::View(Box::new(ViewSpec {
        alter,
        or_replace: spec_or_replace,
        algorithm,
        definer,
        security_definer,
        name,
        columns,
        select,
        check,
    }))))
}
