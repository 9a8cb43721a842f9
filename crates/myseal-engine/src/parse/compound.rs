//! Compound statements (the bodies of triggers, and later of stored routines) and the trigger
//! DDL around them, parsed with sqlparser's primitives: sqlparser's MySQL dialect has no
//! `BEGIN ... END` blocks with DECLARE, IF, CASE, loops and SIGNAL.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/sql-compound-statements.html>,
//! <https://dev.mysql.com/doc/refman/8.4/en/create-trigger.html>
//!
//! A client sends `CREATE TRIGGER ... BEGIN a; b; END` as one COM_QUERY without DELIMITER: the
//! body is read here token by token, its inner `;` included, so the statement ends after its
//! `END` as MySQL's parser ends it. The body is kept as text (what SHOW CREATE TRIGGER prints)
//! and parsed again by [`parse_body`] when a statement that fires it starts.

use sqlparser::ast::{DataType, Expr, ObjectName, Query, ShowStatementFilter, Statement};
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Location, Token, TokenWithSpan};

use super::{Script, Stmt, is_keyword, is_word};
use crate::catalog::{TriggerEvent, TriggerTiming};
use crate::error::EngineError;

/// Where a SET or SELECT ... INTO stores a value; locals and NEW/OLD columns are told apart
/// when the body is compiled against its table.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Target {
    /// `@name` (lower-cased, without `@`).
    User(String),
    /// `name` (a local variable) or `NEW.col` / `OLD.col`.
    Name(Vec<String>),
}

/// A condition: what DECLARE ... CONDITION names, a handler catches, or RESIGNAL raises.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum CondValue {
    /// A MySQL error code.
    Code(u32),
    /// `SQLSTATE [VALUE] 'xxxxx'`.
    SqlState(String),
    /// A condition declared by DECLARE ... CONDITION.
    Name(String),
    /// SQLSTATE class 01.
    SqlWarning,
    /// SQLSTATE class 02.
    NotFound,
    /// Any class but 00, 01 and 02.
    SqlException,
}

/// The items of a SET of system variables in a body.
#[derive(Clone, Debug)]
pub(crate) struct SystemSet(pub(crate) Vec<super::SetItem>);

impl PartialEq for SystemSet {
    fn eq(&self, other: &Self) -> bool {
        format!("{:?}", self.0) == format!("{:?}", other.0)
    }
}

/// `GET [CURRENT | STACKED] DIAGNOSTICS`: statement items, or one condition's items; each
/// item is (where it goes, the item's name upper-cased).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Diagnostics {
    pub(crate) stacked: bool,
    /// `CONDITION n` (None: statement information).
    pub(crate) condition: Option<Expr>,
    pub(crate) items: Vec<(Target, String)>,
}

/// One statement of a compound body.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Sp {
    /// `[label:] BEGIN ... END [label]`.
    Block {
        label: Option<String>,
        body: Vec<Sp>,
    },
    /// `DECLARE a, b type [DEFAULT expr]`.
    Declare {
        names: Vec<String>,
        ty: DataType,
        default: Option<Expr>,
    },
    /// `SET target = expr, ...`.
    Set(Vec<(Target, Expr)>),
    /// `IF c THEN ... [ELSEIF c THEN ...] [ELSE ...] END IF`.
    If {
        arms: Vec<(Expr, Vec<Sp>)>,
        otherwise: Option<Vec<Sp>>,
    },
    /// `CASE [operand] WHEN v THEN ... [ELSE ...] END CASE`.
    Case {
        operand: Option<Expr>,
        arms: Vec<(Expr, Vec<Sp>)>,
        otherwise: Option<Vec<Sp>>,
    },
    /// `[label:] WHILE c DO ... END WHILE [label]`.
    While {
        label: Option<String>,
        cond: Expr,
        body: Vec<Sp>,
    },
    /// `[label:] REPEAT ... UNTIL c END REPEAT [label]`.
    Repeat {
        label: Option<String>,
        body: Vec<Sp>,
        until: Expr,
    },
    /// `[label:] LOOP ... END LOOP [label]`.
    Loop {
        label: Option<String>,
        body: Vec<Sp>,
    },
    Leave(String),
    Iterate(String),
    /// `SIGNAL SQLSTATE [VALUE] 'xxxxx' [SET MESSAGE_TEXT = e, MYSQL_ERRNO = e, ...]`.
    Signal {
        sqlstate: String,
        items: Vec<(String, Expr)>,
    },
    /// `SIGNAL condition_name [SET ...]`.
    SignalNamed {
        name: String,
        items: Vec<(String, Expr)>,
    },
    /// `RESIGNAL [SQLSTATE [VALUE] 'xxxxx' | condition_name] [SET ...]`.
    Resignal {
        value: Option<CondValue>,
        items: Vec<(String, Expr)>,
    },
    /// `DECLARE name CONDITION FOR {error_code | SQLSTATE [VALUE] 'xxxxx'}`.
    DeclareCondition {
        name: String,
        value: CondValue,
    },
    /// `DECLARE {CONTINUE | EXIT} HANDLER FOR condition [, ...] statement`.
    DeclareHandler {
        exit: bool,
        conditions: Vec<CondValue>,
        body: Box<Sp>,
    },
    /// `DECLARE name CURSOR FOR select` (`into`: the SELECT had an INTO, ER 1323).
    DeclareCursor {
        name: String,
        query: Box<Query>,
        into: bool,
    },
    /// `OPEN cursor`.
    Open(String),
    /// `FETCH [[NEXT] FROM] cursor INTO target, ...`.
    Fetch {
        cursor: String,
        into: Vec<Target>,
    },
    /// `CLOSE cursor`.
    Close(String),
    /// `GET [CURRENT | STACKED] DIAGNOSTICS ...`.
    GetDiagnostics(Diagnostics),
    /// A SET of system variables (`SET [GLOBAL | SESSION] x = ...`, `SET @@x = ...`,
    /// `SET NAMES ...`, `SET TRANSACTION ...`), read as the statement SET is.
    SetSystem(SystemSet),
    /// `SELECT ... INTO targets ...`.
    SelectInto {
        query: Box<Query>,
        into: Vec<Target>,
    },
    /// INSERT, REPLACE, UPDATE, DELETE or a SELECT without INTO.
    Sql(Box<Statement>),
    /// `CALL proc[(args)]` of another stored procedure.
    Call {
        name: ObjectName,
        args: Vec<Expr>,
    },
    /// A statement this engine does not run in compound bodies yet (ER 1235 when created).
    Unsupported(String),
    /// `RETURN expr` (a stored function's).
    Return(Expr),
}

/// `CREATE [DEFINER = user] TRIGGER [IF NOT EXISTS] name time event ON tbl FOR EACH ROW
/// [{FOLLOWS | PRECEDES} other] body`.
#[derive(Clone, Debug)]
pub(crate) struct TriggerSpec {
    /// `DEFINER = user` (Some(None): CURRENT_USER).
    pub(crate) definer: Option<Option<(String, String)>>,
    pub(crate) if_not_exists: bool,
    pub(crate) name: ObjectName,
    pub(crate) timing: TriggerTiming,
    pub(crate) event: TriggerEvent,
    pub(crate) table: ObjectName,
    /// `FOLLOWS other` (true) or `PRECEDES other` (false).
    pub(crate) order: Option<(bool, String)>,
    /// The body as written.
    pub(crate) body: String,
}

/// The trigger statements.
#[derive(Clone, Debug)]
pub(crate) enum TriggerStmt {
    Create(TriggerSpec),
    /// `DROP TRIGGER [IF EXISTS] [db.]name`.
    Drop {
        if_exists: bool,
        name: ObjectName,
    },
    /// `SHOW TRIGGERS [{FROM | IN} db] [LIKE 'p' | WHERE expr]`.
    Show {
        db: Option<String>,
        filter: Option<ShowStatementFilter>,
    },
    /// `SHOW CREATE TRIGGER [db.]name`.
    ShowCreate(ObjectName),
    /// `GET [CURRENT | STACKED] DIAGNOSTICS ...` outside a body.
    GetDiagnostics(Diagnostics),
    /// `CREATE [DEFINER = user] PROCEDURE [IF NOT EXISTS] name (params) body`.
    CreateProcedure(ProcedureSpec),
    /// `DROP PROCEDURE [IF EXISTS] [db.]name`.
    DropProcedure {
        if_exists: bool,
        name: ObjectName,
    },
    /// `CALL [db.]name[(args)]`.
    Call {
        name: ObjectName,
        args: Vec<Expr>,
    },
    /// `SHOW CREATE PROCEDURE [db.]name`.
    ShowCreateProcedure(ObjectName),
    /// `SHOW {PROCEDURE | FUNCTION} STATUS [LIKE 'p' | WHERE expr]` (`function`: FUNCTION).
    ShowRoutineStatus {
        function: bool,
        filter: Option<ShowStatementFilter>,
    },
    /// `DROP FUNCTION [IF EXISTS] [db.]name`.
    DropFunction {
        if_exists: bool,
        name: ObjectName,
    },
    /// `SHOW CREATE FUNCTION [db.]name`.
    ShowCreateFunction(ObjectName),
    /// `ALTER {PROCEDURE | FUNCTION} [db.]name characteristic ...`.
    AlterRoutine {
        function: bool,
        name: ObjectName,
        chars: RoutineCharSpec,
    },
}

/// The characteristics a CREATE or ALTER of a routine names (None: not named).
#[derive(Clone, Debug, Default)]
pub(crate) struct RoutineCharSpec {
    pub(crate) deterministic: Option<bool>,
    pub(crate) data_access: Option<crate::catalog::DataAccess>,
    pub(crate) invoker: Option<bool>,
    pub(crate) comment: Option<String>,
}

impl RoutineCharSpec {
    /// The characteristics of a new routine: MySQL's defaults where not named.
    pub(crate) fn resolve(&self) -> crate::catalog::RoutineChars {
        crate::catalog::RoutineChars {
            deterministic: self.deterministic.unwrap_or(false),
            data_access: self.data_access.unwrap_or_default(),
            invoker: self.invoker.unwrap_or(false),
            comment: self.comment.clone().unwrap_or_default(),
        }
    }
}

/// `characteristic ...` of CREATE/ALTER PROCEDURE/FUNCTION
/// (<https://dev.mysql.com/doc/refman/8.4/en/create-procedure.html>); ALTER takes no
/// `[NOT] DETERMINISTIC`.
fn parse_characteristics(p: &mut Parser, create: bool) -> Result<RoutineCharSpec, ParserError> {
    use crate::catalog::DataAccess;
    let mut c = RoutineCharSpec::default();
    loop {
        if word(p, "COMMENT") {
            c.comment = Some(p.parse_literal_string()?);
        } else if word(p, "LANGUAGE") {
            expect_word(p, "SQL")?;
        } else if create && word(p, "DETERMINISTIC") {
            c.deterministic = Some(true);
        } else if create && peek_word(p, 0, "NOT") && peek_word(p, 1, "DETERMINISTIC") {
            p.next_token();
            p.next_token();
            c.deterministic = Some(false);
        } else if peek_word(p, 0, "CONTAINS") && peek_word(p, 1, "SQL") {
            p.next_token();
            p.next_token();
            c.data_access = Some(DataAccess::ContainsSql);
        } else if peek_word(p, 0, "NO") && peek_word(p, 1, "SQL") {
            p.next_token();
            p.next_token();
            c.data_access = Some(DataAccess::NoSql);
        } else if word(p, "READS") {
            expect_word(p, "SQL")?;
            expect_word(p, "DATA")?;
            c.data_access = Some(DataAccess::ReadsSqlData);
        } else if word(p, "MODIFIES") {
            expect_word(p, "SQL")?;
            expect_word(p, "DATA")?;
            c.data_access = Some(DataAccess::ModifiesSqlData);
        } else if peek_word(p, 0, "SQL") && peek_word(p, 1, "SECURITY") {
            p.next_token();
            p.next_token();
            if word(p, "DEFINER") {
                c.invoker = Some(false);
            } else if word(p, "INVOKER") {
                c.invoker = Some(true);
            } else {
                let t = p.peek_token();
                return p.expected("DEFINER or INVOKER", t);
            }
        } else {
            return Ok(c);
        }
    }
}

/// `CREATE PROCEDURE`.
#[derive(Clone, Debug)]
pub(crate) struct ProcedureSpec {
    pub(crate) definer: Option<Option<(String, String)>>,
    pub(crate) if_not_exists: bool,
    pub(crate) name: ObjectName,
    pub(crate) params: Vec<crate::catalog::RoutineParam>,
    /// The parameter list as written, without its parentheses.
    pub(crate) param_text: String,
    pub(crate) body: String,
    /// A stored function's `RETURNS type`.
    pub(crate) returns: Option<ReturnsSpec>,
    pub(crate) chars: RoutineCharSpec,
}

/// `RETURNS type [CHARSET cs] [COLLATE co]` of CREATE FUNCTION.
#[derive(Clone, Debug)]
pub(crate) struct ReturnsSpec {
    pub(crate) ty: DataType,
    /// As written.
    pub(crate) text: String,
    pub(crate) charset: Option<String>,
    pub(crate) collate: Option<String>,
}

/// The rest of `CREATE [DEFINER = user] PROCEDURE` (or `FUNCTION`) after its keyword.
fn parse_create_procedure(
    p: &mut Parser,
    definer: Option<Option<(String, String)>>,
    text: &impl Fn(Location, Option<Location>) -> String,
    function: bool,
) -> Result<Stmt, ParserError> {
    use crate::catalog::{ParamMode, RoutineParam};
    let if_not_exists = p.parse_keywords(&[Keyword::IF, Keyword::NOT, Keyword::EXISTS]);
    let name = p.parse_object_name(false)?;
    let open = p.expect_token(&Token::LParen)?;
    let mut params = Vec::new();
    if p.peek_token().token != Token::RParen {
        loop {
            let mode = if function {
                ParamMode::In
            } else if word(p, "INOUT") {
                ParamMode::InOut
            } else if word(p, "OUT") {
                ParamMode::Out
            } else {
                word(p, "IN");
                ParamMode::In
            };
            let pname = p.parse_identifier()?.value;
            let ty = p.parse_data_type()?;
            params.push(RoutineParam {
                mode,
                name: pname,
                ty,
            });
            if !p.consume_token(&Token::Comma) {
                break;
            }
        }
    }
    let close = p.expect_token(&Token::RParen)?;
    // Inside mysqldump's `/*!50003 PROCEDURE ... */` the locations on the comment's first
    // line are short by the comment's opening (see `body_text`): find the parentheses.
    let shift = |l: Location, k: u64| Location::new(l.line, l.column + k);
    let at = |t: &TokenWithSpan, what: &str| {
        (0..=24u64)
            .find(|&k| text(shift(t.span.start, k), Some(shift(t.span.end, k))) == what)
            .unwrap_or(0)
    };
    let k_open = at(&open, "(");
    let k_close = if close.span.start.line == open.span.start.line {
        k_open
    } else {
        at(&close, ")")
    };
    let param_text = text(
        shift(open.span.end, k_open),
        Some(shift(close.span.start, k_close)),
    )
    .trim()
    .to_string();
    let returns = if function {
        expect_word(p, "RETURNS")?;
        let from = p.peek_token();
        let ty = p.parse_data_type()?;
        let (mut charset, mut collate) = (None, None);
        loop {
            if word(p, "CHARSET") {
                charset = Some(p.parse_identifier()?.value);
            } else if peek_word(p, 0, "CHARACTER") && peek_word(p, 1, "SET") {
                p.next_token();
                p.next_token();
                charset = Some(p.parse_identifier()?.value);
            } else if word(p, "COLLATE") {
                collate = Some(p.parse_identifier()?.value);
            } else {
                break;
            }
        }
        let to = prev_significant(p);
        Some(ReturnsSpec {
            ty,
            text: body_text(text, &from, &to),
            charset,
            collate,
        })
    } else {
        None
    };
    let chars = parse_characteristics(p, true)?;
    let first = p.peek_token();
    let mut labels = Vec::new();
    parse_statement(p, &mut labels)?;
    let end = prev_significant(p);
    let body = body_text(text, &first, &end);
    Ok(Stmt::Trigger(Box::new(TriggerStmt::CreateProcedure(
        ProcedureSpec {
            definer,
            if_not_exists,
            name,
            params,
            param_text,
            body,
            returns,
            chars,
        },
    ))))
}

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

/// The trigger statements; None, consuming nothing, for any other text. `text` gives the text
/// between two token locations (see `Script::parse_one`).
pub(crate) fn parse_trigger_stmt(
    p: &mut Parser,
    text: impl Fn(Location, Option<Location>) -> String,
) -> Result<Option<Stmt>, ParserError> {
    if peek_word(p, 0, "GET")
        && ["DIAGNOSTICS", "CURRENT", "STACKED"]
            .iter()
            .any(|w| peek_word(p, 1, w))
    {
        p.next_token();
        let d = parse_get_diagnostics(p)?;
        return Ok(Some(Stmt::Trigger(Box::new(TriggerStmt::GetDiagnostics(
            d,
        )))));
    }
    if peek_word(p, 0, "DROP") && peek_word(p, 1, "TRIGGER") {
        p.next_token();
        p.next_token();
        let if_exists = p.parse_keywords(&[Keyword::IF, Keyword::EXISTS]);
        let name = p.parse_object_name(false)?;
        return Ok(Some(Stmt::Trigger(Box::new(TriggerStmt::Drop {
            if_exists,
            name,
        }))));
    }
    if peek_word(p, 0, "DROP") && peek_word(p, 1, "PROCEDURE") {
        p.next_token();
        p.next_token();
        let if_exists = p.parse_keywords(&[Keyword::IF, Keyword::EXISTS]);
        let name = p.parse_object_name(false)?;
        return Ok(Some(Stmt::Trigger(Box::new(TriggerStmt::DropProcedure {
            if_exists,
            name,
        }))));
    }
    if peek_word(p, 0, "DROP") && peek_word(p, 1, "FUNCTION") {
        p.next_token();
        p.next_token();
        let if_exists = p.parse_keywords(&[Keyword::IF, Keyword::EXISTS]);
        let name = p.parse_object_name(false)?;
        return Ok(Some(Stmt::Trigger(Box::new(TriggerStmt::DropFunction {
            if_exists,
            name,
        }))));
    }
    if peek_word(p, 0, "ALTER") && (peek_word(p, 1, "PROCEDURE") || peek_word(p, 1, "FUNCTION")) {
        let function = peek_word(p, 1, "FUNCTION");
        p.next_token();
        p.next_token();
        let name = p.parse_object_name(false)?;
        let chars = parse_characteristics(p, false)?;
        return Ok(Some(Stmt::Trigger(Box::new(TriggerStmt::AlterRoutine {
            function,
            name,
            chars,
        }))));
    }
    if peek_word(p, 0, "SHOW") && peek_word(p, 1, "CREATE") && peek_word(p, 2, "FUNCTION") {
        for _ in 0..3 {
            p.next_token();
        }
        let name = p.parse_object_name(false)?;
        return Ok(Some(Stmt::Trigger(Box::new(
            TriggerStmt::ShowCreateFunction(name),
        ))));
    }
    if peek_word(p, 0, "CALL") {
        p.next_token();
        let (name, args) = parse_call_rest(p)?;
        return Ok(Some(Stmt::Trigger(Box::new(TriggerStmt::Call {
            name,
            args,
        }))));
    }
    if peek_word(p, 0, "SHOW") && peek_word(p, 1, "CREATE") && peek_word(p, 2, "PROCEDURE") {
        for _ in 0..3 {
            p.next_token();
        }
        let name = p.parse_object_name(false)?;
        return Ok(Some(Stmt::Trigger(Box::new(
            TriggerStmt::ShowCreateProcedure(name),
        ))));
    }
    if peek_word(p, 0, "SHOW")
        && (peek_word(p, 1, "PROCEDURE") || peek_word(p, 1, "FUNCTION"))
        && peek_word(p, 2, "STATUS")
    {
        let function = peek_word(p, 1, "FUNCTION");
        for _ in 0..3 {
            p.next_token();
        }
        let filter = if p.parse_keyword(Keyword::LIKE) {
            Some(ShowStatementFilter::Like(p.parse_literal_string()?))
        } else if p.parse_keyword(Keyword::WHERE) {
            Some(ShowStatementFilter::Where(p.parse_expr()?))
        } else {
            None
        };
        return Ok(Some(Stmt::Trigger(Box::new(
            TriggerStmt::ShowRoutineStatus { function, filter },
        ))));
    }
    if peek_word(p, 0, "SHOW") && peek_word(p, 1, "CREATE") && peek_word(p, 2, "TRIGGER") {
        for _ in 0..3 {
            p.next_token();
        }
        let name = p.parse_object_name(false)?;
        return Ok(Some(Stmt::Trigger(Box::new(TriggerStmt::ShowCreate(name)))));
    }
    if peek_word(p, 0, "SHOW") && peek_word(p, 1, "TRIGGERS") {
        p.next_token();
        p.next_token();
        let db = if p.parse_keyword(Keyword::FROM) || p.parse_keyword(Keyword::IN) {
            Some(p.parse_identifier()?.value)
        } else {
            None
        };
        let filter = if p.parse_keyword(Keyword::LIKE) {
            Some(ShowStatementFilter::Like(p.parse_literal_string()?))
        } else if p.parse_keyword(Keyword::WHERE) {
            Some(ShowStatementFilter::Where(p.parse_expr()?))
        } else {
            None
        };
        return Ok(Some(Stmt::Trigger(Box::new(TriggerStmt::Show {
            db,
            filter,
        }))));
    }
    if !peek_word(p, 0, "CREATE") {
        return Ok(None);
    }
    // CREATE [DEFINER = user] TRIGGER: look ahead without consuming.
    let is_object = |p: &Parser, n: usize| {
        peek_word(p, n, "TRIGGER") || peek_word(p, n, "PROCEDURE") || peek_word(p, n, "FUNCTION")
    };
    let trigger_at = if is_object(p, 1) {
        1
    } else if peek_word(p, 1, "DEFINER") {
        match (2..10).find(|&n| is_object(p, n)) {
            Some(n) if !(2..n).any(|k| peek_word(p, k, "VIEW")) => n,
            _ => return Ok(None),
        }
    } else {
        return Ok(None);
    };
    p.next_token();
    let mut definer = None;
    if trigger_at > 1 {
        p.next_token();
        p.expect_token(&Token::Eq)?;
        definer = Some(super::forms::parse_definer(p)?);
    }
    if word(p, "PROCEDURE") {
        return parse_create_procedure(p, definer, &text, false).map(Some);
    }
    if word(p, "FUNCTION") {
        return parse_create_procedure(p, definer, &text, true).map(Some);
    }
    if !word(p, "TRIGGER") {
        let t = p.peek_token();
        return p.expected("TRIGGER", t);
    }
    let if_not_exists = p.parse_keywords(&[Keyword::IF, Keyword::NOT, Keyword::EXISTS]);
    let name = p.parse_object_name(false)?;
    let timing = if word(p, "BEFORE") {
        TriggerTiming::Before
    } else if word(p, "AFTER") {
        TriggerTiming::After
    } else {
        let t = p.peek_token();
        return p.expected("BEFORE or AFTER", t);
    };
    let event = if word(p, "INSERT") {
        TriggerEvent::Insert
    } else if word(p, "UPDATE") {
        TriggerEvent::Update
    } else if word(p, "DELETE") {
        TriggerEvent::Delete
    } else {
        let t = p.peek_token();
        return p.expected("INSERT, UPDATE or DELETE", t);
    };
    p.expect_keyword(Keyword::ON)?;
    let table = p.parse_object_name(false)?;
    p.expect_keywords(&[Keyword::FOR, Keyword::EACH, Keyword::ROW])?;
    let order = if word(p, "FOLLOWS") {
        Some((true, p.parse_identifier()?.value))
    } else if word(p, "PRECEDES") {
        Some((false, p.parse_identifier()?.value))
    } else {
        None
    };
    let first = p.peek_token();
    let mut labels = Vec::new();
    parse_statement(p, &mut labels)?;
    let last = p.peek_token();
    let _ = last;
    let end = prev_significant(p);
    let body = body_text(&text, &first, &end);
    Ok(Some(Stmt::Trigger(Box::new(TriggerStmt::Create(
        TriggerSpec {
            definer,
            if_not_exists,
            name,
            timing,
            event,
            table,
            order,
            body,
        },
    )))))
}

/// The last token consumed that is not whitespace.
fn prev_significant(p: &mut Parser) -> TokenWithSpan {
    let mut back = 0;
    let mut out = TokenWithSpan::wrap(Token::EOF);
    // `prev_token` steps back over whitespace; step forward again afterwards.
    p.prev_token();
    back += 1;
    let t = p.peek_token();
    if !matches!(t.token, Token::EOF) {
        out = t;
    }
    for _ in 0..back {
        p.next_token();
    }
    out
}

/// The text of a token as written (enough to find it again in the statement's text).
fn token_text(t: &Token) -> String {
    match t {
        Token::Word(w) => w.value.clone(),
        other => other.to_string(),
    }
}

/// The body's text from its first to its last token. Inside a versioned comment
/// (`/*!50003 TRIGGER ... END */`, as mysqldump writes it) sqlparser's locations on the
/// comment's first line are short by the comment's opening: the ends are moved right until
/// the text starts and ends with the tokens it should.
fn body_text(
    text: &impl Fn(Location, Option<Location>) -> String,
    first: &TokenWithSpan,
    last: &TokenWithSpan,
) -> String {
    let head = token_text(&first.token).to_ascii_lowercase();
    let tail = token_text(&last.token).to_ascii_lowercase();
    let shift = |l: Location, k: u64| Location::new(l.line, l.column + k);
    let mut end = last.span.end;
    for k in 0..=24 {
        let e = shift(last.span.end, k);
        let t = text(first.span.start, Some(e)).to_ascii_lowercase();
        if t.ends_with(&tail) {
            end = e;
            break;
        }
    }
    for k in 0..=24 {
        let t = text(shift(first.span.start, k), Some(end));
        if t.to_ascii_lowercase().starts_with(&head) {
            return t;
        }
    }
    text(first.span.start, Some(end))
}

/// Parses a body kept as text (see [`TriggerSpec::body`]).
pub(crate) fn parse_body(text: &str) -> Result<Sp, EngineError> {
    let mut script = Script::new(text)?;
    let mut labels = Vec::new();
    let parsed = parse_statement(&mut script.parser, &mut labels).and_then(|sp| {
        let _ = script.parser.consume_token(&Token::SemiColon);
        let t = script.parser.peek_token();
        if t.token == Token::EOF {
            Ok(sp)
        } else {
            Err(ParserError::ParserError(format!(
                "Expected end of statement{}",
                t.span.start
            )))
        }
    });
    parsed.map_err(|e| script.syntax_error(e))
}

/// `label:` before a block or loop.
fn parse_label(p: &mut Parser) -> Option<String> {
    if let Token::Word(w) = p.peek_token().token
        && p.peek_nth_token(1).token == Token::Colon
        && (w.quote_style.is_some()
            || !["BEGIN", "WHILE", "REPEAT", "LOOP"]
                .iter()
                .any(|k| w.value.eq_ignore_ascii_case(k)))
    {
        let n2 = p.peek_nth_token(2).token;
        if ["BEGIN", "WHILE", "REPEAT", "LOOP"]
            .iter()
            .any(|k| is_word(&n2, k))
        {
            p.next_token();
            p.next_token();
            return Some(w.value);
        }
    }
    None
}

/// An optional end label after `END [WHILE|LOOP|REPEAT]`: it must match the opening one
/// (ER_SP_LABEL_MISMATCH is raised when the body is compiled; here a mismatch is kept).
fn parse_end_label(p: &mut Parser, label: &Option<String>) -> Result<(), ParserError> {
    if let Token::Word(w) = p.peek_token().token
        && !matches!(p.peek_token().token, Token::SemiColon | Token::EOF)
        && (w.quote_style.is_some() || w.keyword == Keyword::NoKeyword)
    {
        let t = p.next_token();
        if label
            .as_deref()
            .is_none_or(|l| !l.eq_ignore_ascii_case(&w.value))
        {
            return p.expected("the label of the block", t);
        }
    }
    Ok(())
}

fn is_end_of_list(p: &Parser, ends: &[&str]) -> bool {
    let t = p.peek_token().token;
    matches!(t, Token::EOF) || ends.iter().any(|e| is_word(&t, e))
}

/// Statements up to (not including) one of the `ends` words, each followed by `;`.
fn parse_list(
    p: &mut Parser,
    labels: &mut Vec<String>,
    ends: &[&str],
) -> Result<Vec<Sp>, ParserError> {
    let mut out = Vec::new();
    while !is_end_of_list(p, ends) {
        out.push(parse_statement(p, labels)?);
        if !p.consume_token(&Token::SemiColon) {
            let t = p.peek_token();
            return p.expected(";", t);
        }
    }
    Ok(out)
}

fn expect_word(p: &mut Parser, w: &str) -> Result<(), ParserError> {
    if word(p, w) {
        Ok(())
    } else {
        let t = p.peek_token();
        p.expected(w, t)
    }
}

/// How deeply compound statements may nest (parsing, compiling and running them recurse).
const MAX_NESTING: usize = 64;

/// One statement of a body (without its `;`). `depth` counts the enclosing compound
/// statements: past [`MAX_NESTING`] the text is refused as too deep (ER 1436), not parsed
/// with ever deeper recursion.
fn parse_statement(p: &mut Parser, depth: &mut Vec<String>) -> Result<Sp, ParserError> {
    if depth.len() >= MAX_NESTING {
        return Err(ParserError::RecursionLimitExceeded);
    }
    depth.push(String::new());
    let out = parse_statement_at(p, depth);
    depth.pop();
    out
}

fn parse_statement_at(p: &mut Parser, labels: &mut Vec<String>) -> Result<Sp, ParserError> {
    let label = parse_label(p);
    if word(p, "BEGIN") {
        let body = parse_list(p, labels, &["END"])?;
        expect_word(p, "END")?;
        parse_end_label(p, &label)?;
        return Ok(Sp::Block { label, body });
    }
    if word(p, "WHILE") {
        let cond = p.parse_expr()?;
        expect_word(p, "DO")?;
        let body = parse_list(p, labels, &["END"])?;
        expect_word(p, "END")?;
        expect_word(p, "WHILE")?;
        parse_end_label(p, &label)?;
        return Ok(Sp::While { label, cond, body });
    }
    if word(p, "REPEAT") {
        let body = parse_list(p, labels, &["UNTIL"])?;
        expect_word(p, "UNTIL")?;
        let until = p.parse_expr()?;
        expect_word(p, "END")?;
        expect_word(p, "REPEAT")?;
        parse_end_label(p, &label)?;
        return Ok(Sp::Repeat { label, body, until });
    }
    if word(p, "LOOP") {
        let body = parse_list(p, labels, &["END"])?;
        expect_word(p, "END")?;
        expect_word(p, "LOOP")?;
        parse_end_label(p, &label)?;
        return Ok(Sp::Loop { label, body });
    }
    if label.is_some() {
        let t = p.peek_token();
        return p.expected("BEGIN, WHILE, REPEAT or LOOP", t);
    }
    if word(p, "IF") {
        let mut arms = Vec::new();
        let cond = p.parse_expr()?;
        expect_word(p, "THEN")?;
        arms.push((cond, parse_list(p, labels, &["ELSEIF", "ELSE", "END"])?));
        let mut otherwise = None;
        loop {
            if word(p, "ELSEIF") {
                let cond = p.parse_expr()?;
                expect_word(p, "THEN")?;
                arms.push((cond, parse_list(p, labels, &["ELSEIF", "ELSE", "END"])?));
            } else if word(p, "ELSE") {
                otherwise = Some(parse_list(p, labels, &["END"])?);
            } else {
                break;
            }
        }
        expect_word(p, "END")?;
        expect_word(p, "IF")?;
        return Ok(Sp::If { arms, otherwise });
    }
    if word(p, "CASE") {
        let operand = if peek_word(p, 0, "WHEN") {
            None
        } else {
            Some(p.parse_expr()?)
        };
        let mut arms = Vec::new();
        while word(p, "WHEN") {
            let v = p.parse_expr()?;
            expect_word(p, "THEN")?;
            arms.push((v, parse_list(p, labels, &["WHEN", "ELSE", "END"])?));
        }
        if arms.is_empty() {
            let t = p.peek_token();
            return p.expected("WHEN", t);
        }
        let otherwise = if word(p, "ELSE") {
            Some(parse_list(p, labels, &["END"])?)
        } else {
            None
        };
        expect_word(p, "END")?;
        expect_word(p, "CASE")?;
        return Ok(Sp::Case {
            operand,
            arms,
            otherwise,
        });
    }
    if word(p, "LEAVE") {
        return Ok(Sp::Leave(p.parse_identifier()?.value));
    }
    if word(p, "ITERATE") {
        return Ok(Sp::Iterate(p.parse_identifier()?.value));
    }
    if word(p, "RETURN") {
        return Ok(Sp::Return(p.parse_expr()?));
    }
    if word(p, "DECLARE") {
        return parse_declare(p);
    }
    if is_keyword(&p.peek_token().token, Keyword::SET) {
        p.next_token();
        return parse_set(p);
    }
    if word(p, "SIGNAL") {
        return parse_signal(p);
    }
    if word(p, "RESIGNAL") {
        let value = if word(p, "SQLSTATE") {
            word(p, "VALUE");
            Some(CondValue::SqlState(p.parse_literal_string()?))
        } else if matches!(p.peek_token().token, Token::Word(_))
            && !is_keyword(&p.peek_token().token, Keyword::SET)
        {
            Some(CondValue::Name(p.parse_identifier()?.value))
        } else {
            None
        };
        let items = parse_signal_items(p)?;
        return Ok(Sp::Resignal { value, items });
    }
    if word(p, "OPEN") {
        return Ok(Sp::Open(p.parse_identifier()?.value));
    }
    if word(p, "CLOSE") {
        return Ok(Sp::Close(p.parse_identifier()?.value));
    }
    if word(p, "FETCH") {
        if word(p, "NEXT") {
            expect_word(p, "FROM")?;
        } else {
            word(p, "FROM");
        }
        let cursor = p.parse_identifier()?.value;
        p.expect_keyword(Keyword::INTO)?;
        let mut into = vec![parse_target(p)?];
        while p.consume_token(&Token::Comma) {
            into.push(parse_target(p)?);
        }
        return Ok(Sp::Fetch { cursor, into });
    }
    if peek_word(p, 0, "GET")
        && ["DIAGNOSTICS", "CURRENT", "STACKED"]
            .iter()
            .any(|w| peek_word(p, 1, w))
    {
        p.next_token();
        return parse_get_diagnostics(p).map(Sp::GetDiagnostics);
    }
    let head = p.peek_token();
    if is_keyword(&head.token, Keyword::SELECT) || is_keyword(&head.token, Keyword::WITH) {
        return parse_select(p);
    }
    if ["INSERT", "REPLACE", "UPDATE", "DELETE"]
        .iter()
        .any(|w| is_word(&head.token, w))
    {
        let st = p.parse_statement()?;
        return Ok(Sp::Sql(Box::new(st)));
    }
    if is_word(&head.token, "CALL") {
        p.next_token();
        let (name, args) = parse_call_rest(p)?;
        return Ok(Sp::Call { name, args });
    }
    // Anything else up to the next `;` is recognised but not run.
    let what = token_text(&head.token).to_ascii_uppercase();
    if matches!(head.token, Token::Word(_)) {
        skip_to_semicolon(p);
        return Ok(Sp::Unsupported(what));
    }
    p.expected("a statement", head)
}

/// What follows CALL: the procedure's name and its arguments (`CALL p` and `CALL p()` alike).
fn parse_call_rest(p: &mut Parser) -> Result<(ObjectName, Vec<Expr>), ParserError> {
    let name = p.parse_object_name(false)?;
    let mut args = Vec::new();
    if p.consume_token(&Token::LParen) && !p.consume_token(&Token::RParen) {
        loop {
            args.push(p.parse_expr()?);
            if !p.consume_token(&Token::Comma) {
                break;
            }
        }
        p.expect_token(&Token::RParen)?;
    }
    Ok((name, args))
}

fn skip_to_semicolon(p: &mut Parser) {
    let mut depth = 0usize;
    loop {
        match p.peek_token().token {
            Token::EOF => return,
            Token::SemiColon if depth == 0 => return,
            Token::Word(w) if w.value.eq_ignore_ascii_case("BEGIN") => depth += 1,
            Token::Word(w) if w.value.eq_ignore_ascii_case("END") => {
                if depth == 0 {
                    return;
                }
                depth -= 1;
            }
            _ => {}
        }
        p.next_token();
    }
}

fn parse_declare(p: &mut Parser) -> Result<Sp, ParserError> {
    let mut names = vec![p.parse_identifier()?.value];
    while p.consume_token(&Token::Comma) {
        names.push(p.parse_identifier()?.value);
    }
    let t = p.peek_token();
    if let [name] = names.as_slice()
        && is_word(&t.token, "HANDLER")
        && (name.eq_ignore_ascii_case("CONTINUE") || name.eq_ignore_ascii_case("EXIT"))
    {
        p.next_token();
        let exit = name.eq_ignore_ascii_case("EXIT");
        p.expect_keyword(Keyword::FOR)?;
        let mut conditions = vec![parse_condition(p, true)?];
        while p.consume_token(&Token::Comma) {
            conditions.push(parse_condition(p, true)?);
        }
        let mut labels = Vec::new();
        let body = Box::new(parse_statement(p, &mut labels)?);
        return Ok(Sp::DeclareHandler {
            exit,
            conditions,
            body,
        });
    }
    if let [name] = names.as_slice()
        && is_word(&t.token, "CONDITION")
    {
        p.next_token();
        p.expect_keyword(Keyword::FOR)?;
        let value = parse_condition(p, false)?;
        return Ok(Sp::DeclareCondition {
            name: name.clone(),
            value,
        });
    }
    if let [name] = names.as_slice()
        && is_word(&t.token, "CURSOR")
    {
        p.next_token();
        p.expect_keyword(Keyword::FOR)?;
        let (query, into) = match parse_select(p)? {
            Sp::Sql(st) => match *st {
                Statement::Query(q) => (q, false),
                _ => return p.expected("SELECT", t),
            },
            Sp::SelectInto { query, .. } => (query, true),
            _ => return p.expected("SELECT", t),
        };
        return Ok(Sp::DeclareCursor {
            name: name.clone(),
            query,
            into,
        });
    }
    if ["CONDITION", "CURSOR", "HANDLER"]
        .iter()
        .any(|w| is_word(&t.token, w))
    {
        // `DECLARE UNDO HANDLER` (MySQL does not support it either) and lists of names.
        let what = format!("DECLARE ... {}", token_text(&t.token).to_ascii_uppercase());
        skip_to_semicolon(p);
        return Ok(Sp::Unsupported(what));
    }
    let ty = p.parse_data_type()?;
    let default = if p.parse_keyword(Keyword::DEFAULT) {
        Some(p.parse_expr()?)
    } else {
        None
    };
    Ok(Sp::Declare { names, ty, default })
}

/// A condition value: `error_code`, `SQLSTATE [VALUE] 'xxxxx'`, and for a handler
/// (`handler`) also a condition name, SQLWARNING, NOT FOUND or SQLEXCEPTION.
fn parse_condition(p: &mut Parser, handler: bool) -> Result<CondValue, ParserError> {
    let t = p.next_token();
    match &t.token {
        Token::Number(n, _) => match n.parse::<u32>() {
            Ok(code) => Ok(CondValue::Code(code)),
            Err(_) => p.expected("an error code", t),
        },
        Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("SQLSTATE") => {
            word(p, "VALUE");
            Ok(CondValue::SqlState(p.parse_literal_string()?))
        }
        Token::Word(w) if handler && w.quote_style.is_none() => {
            let v = w.value.to_ascii_uppercase();
            match v.as_str() {
                "SQLWARNING" => Ok(CondValue::SqlWarning),
                "SQLEXCEPTION" => Ok(CondValue::SqlException),
                "NOT" => {
                    expect_word(p, "FOUND")?;
                    Ok(CondValue::NotFound)
                }
                _ => Ok(CondValue::Name(w.value.clone())),
            }
        }
        Token::Word(w) if handler => Ok(CondValue::Name(w.value.clone())),
        _ => p.expected("a condition", t),
    }
}

/// A SET or INTO target.
fn parse_target(p: &mut Parser) -> Result<Target, ParserError> {
    let t = p.next_token();
    let Token::Word(w) = &t.token else {
        return p.expected("a variable", t);
    };
    if w.quote_style.is_none() && w.value.starts_with("@@") {
        return p.expected(
            "a variable (system variables are not set in triggers here)",
            t,
        );
    }
    if w.quote_style.is_none()
        && let Some(name) = w.value.strip_prefix('@')
    {
        let name = name.trim_matches(|c| c == '`' || c == '\'' || c == '"');
        if name.is_empty() {
            // `@'name'`: the name comes as the next token.
            let n = p.next_token();
            return match n.token {
                Token::SingleQuotedString(s) | Token::DoubleQuotedString(s) => {
                    Ok(Target::User(s.to_lowercase()))
                }
                Token::Word(w) => Ok(Target::User(w.value.to_lowercase())),
                _ => p.expected("a user variable name", n),
            };
        }
        return Ok(Target::User(name.to_lowercase()));
    }
    let mut parts = vec![w.value.clone()];
    while p.consume_token(&Token::Period) {
        parts.push(p.parse_identifier()?.value);
    }
    Ok(Target::Name(parts))
}

fn parse_set(p: &mut Parser) -> Result<Sp, ParserError> {
    let t = p.peek_token().token;
    let system = match &t {
        Token::Word(w) if w.quote_style.is_none() => {
            w.value.starts_with("@@")
                || [
                    "GLOBAL",
                    "SESSION",
                    "LOCAL",
                    "PERSIST",
                    "PERSIST_ONLY",
                    "NAMES",
                    "CHARSET",
                    "TRANSACTION",
                ]
                .iter()
                .any(|k| w.value.eq_ignore_ascii_case(k))
                || (w.value.eq_ignore_ascii_case("CHARACTER") && peek_word(p, 1, "SET"))
        }
        _ => false,
    };
    if system {
        // Back to SET: the statement's own parser reads the rest.
        p.prev_token();
        return super::parse_set(p).map(|items| Sp::SetSystem(SystemSet(items)));
    }
    let mut items = Vec::new();
    loop {
        let target = parse_target(p)?;
        let t = p.next_token();
        if !matches!(t.token, Token::Eq | Token::Assignment) {
            return p.expected("=", t);
        }
        items.push((target, p.parse_expr()?));
        if !p.consume_token(&Token::Comma) {
            break;
        }
    }
    Ok(Sp::Set(items))
}

fn parse_signal(p: &mut Parser) -> Result<Sp, ParserError> {
    if !word(p, "SQLSTATE") {
        // A condition declared by DECLARE ... CONDITION.
        let name = p.parse_identifier()?.value;
        let items = parse_signal_items(p)?;
        return Ok(Sp::SignalNamed { name, items });
    }
    word(p, "VALUE");
    let sqlstate = p.parse_literal_string()?;
    let items = parse_signal_items(p)?;
    Ok(Sp::Signal { sqlstate, items })
}

/// `[SET item = value, ...]` of SIGNAL and RESIGNAL (names upper-cased).
fn parse_signal_items(p: &mut Parser) -> Result<Vec<(String, Expr)>, ParserError> {
    let mut items = Vec::new();
    if p.parse_keyword(Keyword::SET) {
        loop {
            let name = p.parse_identifier()?.value.to_ascii_uppercase();
            p.expect_token(&Token::Eq)?;
            items.push((name, p.parse_expr()?));
            if !p.consume_token(&Token::Comma) {
                break;
            }
        }
    }
    Ok(items)
}

/// The rest of `GET [CURRENT | STACKED] DIAGNOSTICS` after GET.
fn parse_get_diagnostics(p: &mut Parser) -> Result<Diagnostics, ParserError> {
    const STATEMENT: [&str; 2] = ["NUMBER", "ROW_COUNT"];
    const CONDITION: [&str; 13] = [
        "CLASS_ORIGIN",
        "SUBCLASS_ORIGIN",
        "RETURNED_SQLSTATE",
        "MESSAGE_TEXT",
        "MYSQL_ERRNO",
        "CONSTRAINT_CATALOG",
        "CONSTRAINT_SCHEMA",
        "CONSTRAINT_NAME",
        "CATALOG_NAME",
        "SCHEMA_NAME",
        "TABLE_NAME",
        "COLUMN_NAME",
        "CURSOR_NAME",
    ];
    let stacked = if word(p, "STACKED") {
        true
    } else {
        word(p, "CURRENT");
        false
    };
    expect_word(p, "DIAGNOSTICS")?;
    let condition = if word(p, "CONDITION") {
        Some(p.parse_expr()?)
    } else {
        None
    };
    let names: &[&str] = if condition.is_some() {
        &CONDITION
    } else {
        &STATEMENT
    };
    let mut items = Vec::new();
    loop {
        let target = parse_target(p)?;
        p.expect_token(&Token::Eq)?;
        let t = p.next_token();
        let item = match &t.token {
            Token::Word(w) if w.quote_style.is_none() => w.value.to_ascii_uppercase(),
            _ => return p.expected("a diagnostics item", t),
        };
        if !names.contains(&item.as_str()) {
            return p.expected("a diagnostics item", t);
        }
        items.push((target, item));
        if !p.consume_token(&Token::Comma) {
            break;
        }
    }
    Ok(Diagnostics {
        stacked,
        condition,
        items,
    })
}

/// A SELECT: MySQL's `INTO var, ...` (after the select list or at the end) is taken out and
/// the rest parsed as a query.
fn parse_select(p: &mut Parser) -> Result<Sp, ParserError> {
    let mut tokens: Vec<TokenWithSpan> = Vec::new();
    let mut depth = 0usize;
    loop {
        let t = p.peek_token();
        match t.token {
            Token::EOF => break,
            Token::SemiColon if depth == 0 => break,
            Token::LParen => depth += 1,
            Token::RParen => depth = depth.saturating_sub(1),
            _ => {}
        }
        tokens.push(p.next_token());
    }
    let mut depth = 0usize;
    let mut into_at = None;
    for (i, t) in tokens.iter().enumerate() {
        match t.token {
            Token::LParen => depth += 1,
            Token::RParen => depth = depth.saturating_sub(1),
            _ if depth == 0 && is_keyword(&t.token, Keyword::INTO) => {
                into_at = Some(i);
                break;
            }
            _ => {}
        }
    }
    let mut into = Vec::new();
    if let Some(at) = into_at {
        let mut sub = Parser::new(&super::DIALECT)
            .with_recursion_limit(super::RECURSION_LIMIT)
            .with_tokens_with_locations(tokens.get(at + 1..).unwrap_or_default().to_vec());
        loop {
            into.push(parse_target(&mut sub)?);
            if !sub.consume_token(&Token::Comma) {
                break;
            }
        }
        // What follows the targets (FROM ...) stays in the query.
        let mut rest = Vec::new();
        loop {
            let t = sub.next_token();
            if t.token == Token::EOF {
                break;
            }
            rest.push(t);
        }
        tokens.truncate(at);
        tokens.extend(rest);
    }
    let mut sub = Parser::new(&super::DIALECT)
        .with_recursion_limit(super::RECURSION_LIMIT)
        .with_tokens_with_locations(tokens);
    let query = sub.parse_query()?;
    let t = sub.peek_token();
    if t.token != Token::EOF {
        return sub.expected("end of statement", t);
    }
    if into.is_empty() {
        Ok(Sp::Sql(Box::new(Statement::Query(query))))
    } else {
        Ok(Sp::SelectInto { query, into })
    }
}
