//! Binding: sqlparser's AST → typed plan expressions and nodes.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/identifier-qualifiers.html>
//!
//! Names are resolved once, here, against the catalog (a committed [`State`]) and a stack of
//! [`Scope`]s (one per query level, for correlated subqueries). Every expression gets its
//! [`SqlType`], comparisons get their [`CmpKind`], functions become [`Func`] values. Nothing
//! below this module looks at names again. Stages only flow forward: bind uses `plan`'s types,
//! never the executor.

pub(crate) mod dml;
mod json;
pub(crate) mod query;
pub(crate) mod view;
pub(crate) mod window;

use sqlparser::ast::{
    self as ast, BinaryOperator, DataType, ExactNumberInfo, FunctionArg, FunctionArgExpr,
    FunctionArgumentClause, FunctionArguments, Ident, ObjectNamePart, UnaryOperator,
    Value as SqlValue,
};

use crate::catalog::{ColumnDefault, TableDef};
use crate::collation::Collation;
use crate::error::EngineError;
use crate::func::{self, ArithOp, Func};
use crate::plan::{
    AggCall, AggFunc, BitOp, CastTo, CmpKind, CmpOp, ColumnOrigin, Expr, SessionValue, SortKey,
    Subquery, SubqueryKind,
};
use crate::privilege::Privs;
use crate::storage::State;
use crate::types::{BaseType, ResultKind, SqlType};
use crate::value::{Dec, Value};
use crate::vars;
use crate::{Engine, Session};

/// Deepest expression/query nesting bound before ER 1436 (no stack overflow on hostile input).
const MAX_DEPTH: usize = 250;

/// A bound expression with its type.
#[derive(Clone, Debug)]
pub(crate) struct Bound {
    pub(crate) expr: Expr,
    pub(crate) ty: SqlType,
    pub(crate) nullable: bool,
}

impl Bound {
    fn new(expr: Expr, ty: SqlType, nullable: bool) -> Self {
        Bound { expr, ty, nullable }
    }
}

/// A column visible to expressions of one query level.
#[derive(Clone, Debug)]
pub(crate) struct ScopeCol {
    /// Table alias (None for derived/computed columns without one).
    pub(crate) table: Option<String>,
    pub(crate) schema: String,
    pub(crate) name: String,
    pub(crate) ty: SqlType,
    pub(crate) nullable: bool,
    pub(crate) origin: Option<ColumnOrigin>,
    pub(crate) flags: u16,
    /// Hidden from unqualified lookup and `*` (the right side of `USING`/NATURAL).
    pub(crate) merged: bool,
    /// An INVISIBLE table column: left out of `*`, found by name.
    pub(crate) invisible: bool,
    /// Position of the table (for functional-dependency checks): index into `tables`.
    pub(crate) table_no: usize,
}

/// The columns of one query level's FROM clause, in row order.
#[derive(Clone, Debug, Default)]
pub(crate) struct Scope {
    pub(crate) cols: Vec<ScopeCol>,
    /// Tables of this level, for ONLY_FULL_GROUP_BY functional dependencies.
    pub(crate) tables: Vec<std::sync::Arc<TableDef>>,
    /// The columns of views merged into this level (see `bind/view.rs`): names that stand
    /// for expressions over the level's row. The merged views' own tables are in `cols`
    /// under qualifiers no statement can write.
    pub(crate) view_cols: Vec<view::ViewCol>,
    /// The views merged into this level (outermost ones only).
    pub(crate) merged_views: Vec<view::MergedView>,
}

/// A WITH entry visible to table references.
#[derive(Clone, Debug)]
pub(crate) struct CteBinding {
    pub(crate) name: String,
    /// Column names given as `name (a, b) AS (...)`.
    pub(crate) columns: Vec<String>,
    pub(crate) query: Box<ast::Query>,
    /// Set for a recursive CTE: its materialization slot and output columns.
    pub(crate) materialized: Option<(usize, Vec<crate::plan::OutCol>)>,
    /// Set while binding the recursive part: references read the working table.
    pub(crate) recursing: bool,
}

/// Aggregates collected while binding a select list, HAVING or ORDER BY.
#[derive(Default)]
struct AggCollector {
    aggs: Vec<AggCall>,
    /// Debug texts of the aggregates, to share identical ones.
    keys: Vec<String>,
}

/// One query level in the binder's stack.
#[derive(Default)]
pub(crate) struct Level {
    scope: Scope,
    /// Registers this level's subquery must set from its outer row: (register, outer expr).
    binds: Vec<(usize, Expr)>,
    /// Where aggregates go when the level is an aggregate query (None: aggregates not allowed).
    aggs: Option<AggCollector>,
    /// Select-list aliases visible to this level (HAVING, ORDER BY).
    aliases: Vec<(String, Bound)>,
    /// Where window function calls go (None: not allowed here, ER 3593).
    windows: Option<window::WindowCollector>,
}

/// The binder of one statement.
pub(crate) struct Binder<'a> {
    pub(crate) engine: &'a Engine,
    pub(crate) session: &'a Session,
    pub(crate) state: &'a State,
    pub(crate) levels: Vec<Level>,
    pub(crate) registers: usize,
    pub(crate) subqueries: usize,
    pub(crate) ctes: usize,
    /// Number of `?` parameters seen, in order.
    pub(crate) params: usize,
    /// Types of the `?` parameters when their values are known (a prepared statement being
    /// executed, a cached text query): they bind like literals of those types. None at
    /// prepare time, when a parameter compares by its value's type at run time.
    pub(crate) param_types: Option<Vec<SqlType>>,
    /// Clause named in ER_BAD_FIELD_ERROR.
    pub(crate) clause: &'static str,
    depth: usize,
    /// CTEs visible by name, innermost last.
    pub(crate) cte_names: Vec<CteBinding>,
    /// The statement text, for select-list column names as written.
    pub(crate) script: Option<&'a crate::parse::Script<'a>>,
    /// Warnings the text raises (1287 for deprecated syntax), in binding order.
    pub(crate) warnings: Vec<(u16, String)>,
    /// Address of the one SELECT block that may say SQL_CALC_FOUND_ROWS (the first of the
    /// statement's top-level query); 0 when the caller does not check placement.
    pub(crate) calc_found_rows_at: usize,
    /// Base tables resolved for reading, `(schema, table)` (see [`crate::plan::Plan::reads`]).
    pub(crate) reads: std::cell::RefCell<Vec<(String, String)>>,
    /// Base-table columns referenced, `(schema, table, column)` (see
    /// [`crate::plan::Plan::column_reads`]).
    pub(crate) column_reads: std::cell::RefCell<Vec<(String, String, String)>>,
    /// Tables the account may read through column grants only: each column used is checked.
    /// Tables the statement may use only through column grants, with the privileges that
    /// must be checked per column (those the account lacks on the table).
    restricted: std::cell::RefCell<Vec<(String, String, Privs)>>,
    /// Views being expanded, outermost first (see `bind/view.rs`): the innermost one's schema
    /// is the default database of its SELECT, and a view met again refers to itself.
    pub(crate) view_stack: Vec<(String, String)>,
    /// Above 0 while binding the SELECT of an SQL SECURITY DEFINER view: its tables are read
    /// with the definer's rights, so the invoker's privileges are not checked or recorded.
    pub(crate) definer_rights: usize,
    /// Set while binding the tables a data-change statement writes through: updatable views
    /// are merged into the statement (MERGE) instead of bound as derived tables.
    pub(crate) merge_views: bool,
}

/// An aggregate function name, if `name` is one.
fn agg_func(name: &str) -> Option<AggFunc> {
    Some(match name {
        "COUNT" => AggFunc::Count,
        "SUM" => AggFunc::Sum,
        "AVG" => AggFunc::Avg,
        "MIN" => AggFunc::Min,
        "MAX" => AggFunc::Max,
        "GROUP_CONCAT" => AggFunc::GroupConcat,
        "BIT_AND" => AggFunc::BitAnd,
        "BIT_OR" => AggFunc::BitOr,
        "BIT_XOR" => AggFunc::BitXor,
        "STD" | "STDDEV" | "STDDEV_POP" => AggFunc::Std,
        "STDDEV_SAMP" => AggFunc::StdSamp,
        "VARIANCE" | "VAR_POP" => AggFunc::Variance,
        "VAR_SAMP" => AggFunc::VarSamp,
        "ANY_VALUE" => AggFunc::AnyValue,
        "JSON_ARRAYAGG" => AggFunc::JsonArrayAgg,
        "JSON_OBJECTAGG" => AggFunc::JsonObjectAgg,
        "GROUPING" => AggFunc::Grouping,
        _ => return None,
    })
}

/// MySQL's comparison type for two operand types.
pub(crate) fn cmp_kind(a: &SqlType, b: &SqlType, dynamic: bool) -> CmpKind {
    if dynamic {
        return CmpKind::Dynamic;
    }
    match (a.base == BaseType::Null, b.base == BaseType::Null) {
        (true, true) => return CmpKind::Dynamic,
        (true, false) => return cmp_kind(b, b, false),
        (false, true) => return cmp_kind(a, a, false),
        (false, false) => {}
    }
    if a.base == BaseType::Json && b.base == BaseType::Json {
        return CmpKind::Json;
    }
    let (ka, kb) = (a.result_kind(), b.result_kind());
    use ResultKind as K;
    match (ka, kb) {
        (K::String, K::String) => {
            let c = if a.collation.is_binary() || b.collation.is_binary() {
                Collation::Binary
            } else {
                a.collation
            };
            CmpKind::String(c)
        }
        (K::Temporal, K::Temporal) | (K::Temporal, K::String) | (K::String, K::Temporal) => {
            CmpKind::Temporal
        }
        (K::Int, K::Int) => CmpKind::Int,
        (K::Int | K::Decimal, K::Int | K::Decimal) => CmpKind::Decimal,
        (K::Temporal, K::Int | K::Decimal) | (K::Int | K::Decimal, K::Temporal) => CmpKind::Decimal,
        _ => CmpKind::Real,
    }
}

/// `0x41` / `X'41'` → bytes.
pub(crate) fn decode_hex(h: &str) -> Vec<u8> {
    let padded = if h.len() % 2 == 1 {
        format!("0{h}")
    } else {
        h.to_string()
    };
    padded
        .as_bytes()
        .chunks(2)
        .map(|c| {
            let s = std::str::from_utf8(c).unwrap_or("00");
            u8::from_str_radix(s, 16).unwrap_or(0)
        })
        .collect()
}

/// `b'0101'` → bytes.
pub(crate) fn decode_bits(bits: &str) -> Vec<u8> {
    let bits: Vec<u8> = bits.bytes().filter(|b| *b == b'0' || *b == b'1').collect();
    let pad = (8 - bits.len() % 8) % 8;
    let mut all = vec![b'0'; pad];
    all.extend(bits);
    all.chunks(8)
        .map(|c| c.iter().fold(0u8, |acc, b| (acc << 1) | (b - b'0')))
        .collect()
}

/// A number literal: integer → BIGINT (UNSIGNED or DECIMAL when too big), with a point →
/// DECIMAL, with an exponent → DOUBLE.
pub(crate) fn number_literal(n: &str) -> Bound {
    let digits = u32::try_from(n.bytes().filter(u8::is_ascii_digit).count()).unwrap_or(65);
    if n.contains(['e', 'E']) {
        return Bound::new(
            Expr::Const(Value::Double(n.parse().unwrap_or(0.0))),
            SqlType::double(),
            false,
        );
    }
    if !n.contains('.') {
        if let Ok(i) = n.parse::<i64>() {
            let mut t = SqlType::bigint();
            t.length = u32::try_from(n.len()).unwrap_or(20);
            return Bound::new(Expr::Const(Value::Int(i)), t, false);
        }
        if let Ok(u) = n.parse::<u64>() {
            let mut t = SqlType::ubigint();
            t.length = digits;
            return Bound::new(Expr::Const(Value::UInt(u)), t, false);
        }
    }
    match Dec::parse(n) {
        Some(d) => {
            let scale = u8::try_from(d.scale).unwrap_or(30);
            Bound::new(
                Expr::Const(Value::Decimal(d)),
                SqlType::decimal(digits.max(1), scale),
                false,
            )
        }
        None => Bound::new(
            Expr::Const(Value::Double(n.parse().unwrap_or(0.0))),
            SqlType::double(),
            false,
        ),
    }
}

fn char_count(b: &[u8]) -> u32 {
    u32::try_from(String::from_utf8_lossy(b).chars().count()).unwrap_or(u32::MAX / 4)
}

/// The type of a constant value (for parameters and folded constants).
pub(crate) fn value_type(v: &Value) -> SqlType {
    match v {
        Value::Null => SqlType::null(),
        Value::Int(_) => SqlType::bigint(),
        Value::UInt(_) => SqlType::ubigint(),
        Value::Double(_) => SqlType::double(),
        Value::Decimal(d) => SqlType::decimal(65, u8::try_from(d.scale).unwrap_or(30)),
        Value::Bytes(b) => SqlType::varchar(char_count(b), Collation::Utf8mb4_0900_ai_ci),
        Value::Date(_) => SqlType::new(BaseType::Date),
        Value::DateTime(dt) => SqlType {
            scale: if dt.micro == 0 { 0 } else { 6 },
            ..SqlType::new(BaseType::DateTime)
        },
        Value::Time(t) => SqlType {
            scale: if t.micros % 1_000_000 == 0 { 0 } else { 6 },
            ..SqlType::new(BaseType::Time)
        },
    }
}

/// The type a `?` binds with when its value is known: the type of a literal of that value,
/// except that a string's length is rounded up to a power of two (so that one cached plan
/// serves strings of similar lengths).
///
/// <https://dev.mysql.com/doc/refman/8.4/en/prepared-statements.html> (parameter types)
pub(crate) fn param_type(v: &Value) -> SqlType {
    let bucket = |n: u32| {
        n.max(16)
            .checked_next_power_of_two()
            .unwrap_or(u32::MAX / 4)
    };
    match v {
        // Bytes that are not UTF-8 bind as a binary string (as an `X'..'` literal would).
        Value::Bytes(b) if std::str::from_utf8(b).is_err() => SqlType {
            length: bucket(u32::try_from(b.len()).unwrap_or(u32::MAX)),
            ..SqlType::new(BaseType::VarBinary)
        },
        Value::Bytes(b) => SqlType::varchar(bucket(char_count(b)), Collation::Utf8mb4_0900_ai_ci),
        other => value_type(other),
    }
}

/// Structural identity of two bound expressions (GROUP BY matching).
fn same(a: &Expr, b: &Expr) -> bool {
    format!("{a:?}") == format!("{b:?}")
}

/// Whether `upper` (an upper-case name) is a function [`Binder::call_named`] knows: a call of
/// any other name is a stored function's.
fn is_native(upper: &str) -> bool {
    matches!(
        upper,
        "IF" | "IFNULL" | "COALESCE" | "NULLIF" | "TRIM_CHARS" | "LTRIM_CHARS" | "RTRIM_CHARS"
    ) || Func::lookup(upper).is_some()
}

/// Name parts of an object name.
pub(crate) fn name_parts(name: &ast::ObjectName) -> Vec<String> {
    name.0
        .iter()
        .map(|p| match p {
            ObjectNamePart::Identifier(i) => i.value.clone(),
            other => other.to_string(),
        })
        .collect()
}

impl<'a> Binder<'a> {
    pub(crate) fn new(engine: &'a Engine, session: &'a Session, state: &'a State) -> Self {
        Binder {
            engine,
            session,
            state,
            levels: vec![Level::default()],
            registers: 0,
            subqueries: 0,
            ctes: 0,
            params: 0,
            param_types: (!session.params.is_empty())
                .then(|| session.params.iter().map(param_type).collect()),
            clause: "field list",
            depth: 0,
            cte_names: Vec::new(),
            script: None,
            warnings: Vec::new(),
            calc_found_rows_at: 0,
            reads: std::cell::RefCell::new(Vec::new()),
            column_reads: std::cell::RefCell::new(Vec::new()),
            restricted: std::cell::RefCell::new(Vec::new()),
            view_stack: Vec::new(),
            definer_rights: 0,
            merge_views: false,
        }
    }

    /// Records that the statement reads a base-table column; on a table readable through
    /// column grants only, the column must be granted (ER 1143), and `*` (`wildcard`) needs
    /// the whole table (ER 1142), as in MySQL.
    pub(crate) fn note_column(
        &self,
        origin: &ColumnOrigin,
        wildcard: bool,
    ) -> Result<(), EngineError> {
        if self.definer_rights > 0 {
            return Ok(());
        }
        if self
            .per_column(&origin.schema, &origin.org_table)
            .contains(Privs::SELECT)
        {
            let g = self.session.grants(self.engine);
            let granted = g
                .table_grant(&origin.schema, &origin.org_table)
                .and_then(|t| t.columns.get(&origin.org_name))
                .is_some_and(|p| p.contains(Privs::SELECT));
            if wildcard {
                return Err(crate::privilege::table_denied(
                    self.session.who(),
                    "SELECT",
                    &origin.org_table,
                ));
            }
            if !granted {
                return Err(crate::privilege::column_denied(
                    self.session.who(),
                    "SELECT",
                    &origin.org_name,
                    &origin.org_table,
                ));
            }
        }
        // A `*` is recorded as such: a cached plan re-checked for another account must refuse
        // it for the whole table (1142), not for its first ungranted column.
        let key = (
            origin.schema.clone(),
            origin.org_table.clone(),
            if wildcard {
                "*".to_string()
            } else {
                origin.org_name.clone()
            },
        );
        let mut reads = self.column_reads.borrow_mut();
        if !reads.contains(&key) {
            reads.push(key);
        }
        Ok(())
    }

    /// True for an operand whose type is known only at run time: a user variable, or a `?`
    /// bound without its value.
    fn is_dynamic(&self, e: &Expr) -> bool {
        match e {
            Expr::UserVar(_) => true,
            Expr::Param(_) => self.param_types.is_none(),
            _ => false,
        }
    }

    /// The session's current database, or ER 1046.
    pub(crate) fn current_db(&self) -> Result<String, EngineError> {
        if let Some((schema, _)) = self.view_stack.last() {
            return Ok(schema.clone());
        }
        self.session.database.clone().ok_or_else(EngineError::no_db)
    }

    /// Resolves `[db.]table` to (schema, table name).
    pub(crate) fn table_name(
        &self,
        name: &ast::ObjectName,
    ) -> Result<(String, String), EngineError> {
        let parts = name_parts(name);
        match parts.as_slice() {
            [t] => Ok((self.current_db()?, t.clone())),
            [db, t] => Ok((db.clone(), t.clone())),
            _ => Err(EngineError::parse_error(&name.to_string(), 1)),
        }
    }

    /// The definition of an existing table the statement reads (SELECT privilege), or ER 1146.
    /// The session's temporary table of that name comes first (it hides a permanent one).
    pub(crate) fn table_def(
        &self,
        schema: &str,
        name: &str,
    ) -> Result<std::sync::Arc<TableDef>, EngineError> {
        self.table_def_for(schema, name, Privs::SELECT)
    }

    /// The privileges the statement must check column by column on `schema.table` (none when
    /// the account holds them on the table).
    fn per_column(&self, schema: &str, table: &str) -> Privs {
        self.restricted
            .borrow()
            .iter()
            .filter(|(s, t, _)| s == schema && t == table)
            .fold(Privs::NONE, |a, (_, _, p)| a | *p)
    }

    /// Checks that the statement may write `need` (INSERT or UPDATE) into the columns
    /// `columns` of `def`: on a table the account may write only through column grants, each
    /// column must be granted (ER 1143).
    pub(crate) fn note_write_columns(
        &self,
        def: &TableDef,
        columns: &[usize],
        need: Privs,
    ) -> Result<(), EngineError> {
        if !self.per_column(&def.schema, &def.name).contains(need) {
            return Ok(());
        }
        let g = self.session.grants(self.engine);
        let grant = g.table_grant(&def.schema, &def.name);
        for &i in columns {
            let Some(col) = def.columns.get(i) else {
                continue;
            };
            let granted = grant
                .and_then(|t| t.columns.get(&col.name))
                .is_some_and(|p| p.contains(need));
            if !granted {
                return Err(crate::privilege::column_denied(
                    self.session.who(),
                    need.name(),
                    &col.name,
                    &def.name,
                ));
            }
        }
        Ok(())
    }

    /// [`Binder::table_def`] for a statement that needs the privileges `need` on the table
    /// (ER 1142 without them, checked before whether the table exists, as MySQL does). A
    /// temporary table needs none: its session created it.
    pub(crate) fn table_def_for(
        &self,
        schema: &str,
        name: &str,
        need: Privs,
    ) -> Result<std::sync::Arc<TableDef>, EngineError> {
        if let Some(t) = self.session.temp.table(schema, name) {
            return Ok(t.def.clone());
        }
        if self.definer_rights > 0 {
            return self
                .state
                .table(schema, name)
                .map(|t| t.def.clone())
                .ok_or_else(|| EngineError::no_such_table(schema, name));
        }
        if let Err(e) = crate::privilege::check_table(self.engine, self.session, schema, name, need)
        {
            // Privileges held on some columns only: each column is checked as it is used
            // (`note_column` for reads, `note_write_columns` for INSERT and UPDATE).
            let g = self.session.grants(self.engine);
            let missing = need.without(g.table_privs(schema, name));
            let by_columns = Privs::COLUMN_ALL.contains(missing)
                && g.table_grant(schema, name)
                    .is_some_and(|t| t.column_privs().contains(missing));
            if !by_columns {
                return Err(e);
            }
            self.restricted
                .borrow_mut()
                .push((schema.to_string(), name.to_string(), missing));
        }
        if schema == crate::grant_tables::SCHEMA
            && crate::infoschema::lookup(schema, name).is_some()
        {
            // A grant table written to (reads resolve it as a virtual table before this).
            return Err(EngineError::new(
                1036,
                "HY000",
                format!("Table '{name}' is read only"),
            ));
        }
        if need.contains(Privs::SELECT) {
            let mut reads = self.reads.borrow_mut();
            if !reads.iter().any(|(s, t)| s == schema && t == name) {
                reads.push((schema.to_string(), name.to_string()));
            }
        }
        // Under LOCK TABLES only the locked tables may be used (temporary tables aside).
        self.session
            .table_lock_via(schema, name, name, !self.view_stack.is_empty())?;
        match self.state.table(schema, name) {
            Some(t) => Ok(t.def.clone()),
            None if self.state.view(schema, name).is_some() => {
                // Writing through views is not supported yet: every view is treated as a
                // non-updatable one, with MySQL's error for the statement.
                Err(if need.contains(Privs::INSERT) {
                    EngineError::new(
                        1471,
                        "HY000",
                        format!("The target table {name} of the INSERT is not insertable-into"),
                    )
                } else {
                    let kind = if need.contains(Privs::DELETE) {
                        "DELETE"
                    } else {
                        "UPDATE"
                    };
                    EngineError::new(
                        1288,
                        "HY000",
                        format!("The target table {name} of the {kind} is not updatable"),
                    )
                })
            }
            None => {
                if !self.engine.database_exists(schema) {
                    return Err(EngineError::no_such_table(schema, name));
                }
                Err(EngineError::no_such_table(schema, name))
            }
        }
    }

    fn level(&mut self) -> &mut Level {
        // There is always at least one level.
        let n = self.levels.len();
        &mut self.levels[n.saturating_sub(1)]
    }

    /// Sets the scope of the current level (after binding FROM).
    pub(crate) fn set_scope(&mut self, scope: Scope) {
        self.level().scope = scope;
    }

    /// The current scope.
    pub(crate) fn scope(&self) -> &Scope {
        match self.levels.last() {
            Some(l) => &l.scope,
            None => unreachable_scope(),
        }
    }

    fn push_level(&mut self) {
        self.levels.push(Level::default());
    }

    fn pop_level(&mut self) -> Level {
        self.levels.pop().unwrap_or_default()
    }

    /// Enables aggregate collection for the current level.
    pub(crate) fn begin_aggregates(&mut self) {
        self.level().aggs = Some(AggCollector::default());
    }

    /// Takes the collected aggregates.
    pub(crate) fn take_aggregates(&mut self) -> Vec<AggCall> {
        self.level().aggs.take().map(|a| a.aggs).unwrap_or_default()
    }

    pub(crate) fn set_aliases(&mut self, aliases: Vec<(String, Bound)>) {
        self.level().aliases = aliases;
    }

    fn enter(&mut self) -> Result<(), EngineError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(EngineError::stack_overrun());
        }
        Ok(())
    }

    /// Binds an expression in the current scope. The recursive operator cases are handled in
    /// small frames here so that a long operator chain does not exhaust the stack before the
    /// depth limit (ER 1436) is reached; everything else is in `expr_inner`.
    pub(crate) fn expr(&mut self, e: &ast::Expr) -> Result<Bound, EngineError> {
        self.enter()?;
        let r = match e {
            ast::Expr::Nested(x) => self.expr(x),
            ast::Expr::BinaryOp { left, op, right } => self.binary(left, op, right),
            _ => self.expr_inner(e),
        };
        self.depth -= 1;
        r
    }

    /// Binds a condition (WHERE/ON/HAVING).
    pub(crate) fn condition(
        &mut self,
        e: &ast::Expr,
        clause: &'static str,
    ) -> Result<Expr, EngineError> {
        let saved = self.clause;
        self.clause = clause;
        let r = self.expr(e);
        self.clause = saved;
        Ok(self.json_truth(r?).expr)
    }

    #[inline(never)]
    fn expr_inner(&mut self, e: &ast::Expr) -> Result<Bound, EngineError> {
        use ast::Expr as E;
        match e {
            E::Nested(x) => self.expr(x),
            E::Value(v) => self.literal(&v.value),
            E::Identifier(id) => self.identifier(std::slice::from_ref(id)),
            E::CompoundIdentifier(parts) => self.identifier(parts),
            E::BinaryOp { left, op, right } => self.binary(left, op, right),
            E::UnaryOp { op, expr } => self.unary(*op, expr),
            E::IsNull(x) => self.is_null(x, false),
            E::IsNotNull(x) => self.is_null(x, true),
            E::IsTrue(x) => self.is_bool(x, true, false),
            E::IsNotTrue(x) => self.is_bool(x, true, true),
            E::IsFalse(x) => self.is_bool(x, false, false),
            E::IsNotFalse(x) => self.is_bool(x, false, true),
            E::IsUnknown(x) => self.is_null(x, false),
            E::IsNotUnknown(x) => self.is_null(x, true),
            E::IsDistinctFrom(a, b) => {
                let eq = self.compare(CmpOp::NullSafeEq, a, b)?;
                Ok(Bound::new(
                    Expr::Not(Box::new(eq.expr)),
                    SqlType::bigint(),
                    false,
                ))
            }
            E::IsNotDistinctFrom(a, b) => self.compare(CmpOp::NullSafeEq, a, b),
            E::Between {
                expr,
                negated,
                low,
                high,
            } => {
                let x = self.expr(expr)?;
                let lo = self.expr(low)?;
                let hi = self.expr(high)?;
                let dynamic = self.is_dynamic(&x.expr)
                    || self.is_dynamic(&lo.expr)
                    || self.is_dynamic(&hi.expr);
                let k1 = cmp_kind(&x.ty, &lo.ty, dynamic);
                let nullable = x.nullable || lo.nullable || hi.nullable;
                Ok(Bound::new(
                    Expr::Between {
                        expr: Box::new(x.expr),
                        low: Box::new(lo.expr),
                        high: Box::new(hi.expr),
                        kind: k1,
                        negated: *negated,
                    },
                    SqlType::bigint(),
                    nullable,
                ))
            }
            E::In {
                expr,
                target: ast::InTarget::List(list),
                negated,
                ..
            } => self.in_list(expr, list, *negated),
            E::In {
                expr,
                target: ast::InTarget::Subquery(subquery),
                negated,
                ..
            } => {
                let x = self.expr(expr)?;
                let (sub, ty) = self.subquery(subquery, Some(1))?;
                let kind = cmp_kind(&x.ty, &ty, self.is_dynamic(&x.expr));
                let s = Subquery {
                    kind: SubqueryKind::In {
                        expr: Box::new(x.expr),
                        kind,
                    },
                    ..sub
                };
                let e = Expr::Subquery(Box::new(s));
                let e = if *negated { Expr::Not(Box::new(e)) } else { e };
                Ok(Bound::new(e, SqlType::bigint(), true))
            }
            E::Exists { subquery, negated } => {
                let (sub, _) = self.subquery(subquery, None)?;
                let s = Subquery {
                    kind: SubqueryKind::Exists,
                    ..sub
                };
                let e = Expr::Subquery(Box::new(s));
                let e = if *negated { Expr::Not(Box::new(e)) } else { e };
                Ok(Bound::new(e, SqlType::bigint(), false))
            }
            E::Subquery(q) => {
                let (sub, ty) = self.subquery(q, Some(1))?;
                Ok(Bound::new(Expr::Subquery(Box::new(sub)), ty, true))
            }
            E::AnyOp {
                left,
                compare_op,
                right,
                ..
            }
            | E::AllOp {
                left,
                compare_op,
                right,
            } => {
                let all = matches!(e, E::AllOp { .. });
                let ast::Expr::Subquery(q) = &**right else {
                    return Err(EngineError::not_supported("ANY/ALL without a subquery"));
                };
                let x = self.expr(left)?;
                let op = cmp_op(compare_op)
                    .ok_or_else(|| EngineError::not_supported("this ANY/ALL operator"))?;
                let (sub, ty) = self.subquery(q, Some(1))?;
                let kind = cmp_kind(&x.ty, &ty, self.is_dynamic(&x.expr));
                let s = Subquery {
                    kind: SubqueryKind::Quantified {
                        expr: Box::new(x.expr),
                        op,
                        all,
                        kind,
                    },
                    ..sub
                };
                Ok(Bound::new(
                    Expr::Subquery(Box::new(s)),
                    SqlType::bigint(),
                    true,
                ))
            }
            E::Like {
                negated,
                expr,
                pattern,
                escape_char,
                any: false,
            }
            | E::ILike {
                negated,
                expr,
                pattern,
                escape_char,
                any: false,
            } => {
                let x = self.expr(expr)?;
                let p = self.expr(pattern)?;
                // Without ESCAPE the escape is `\`, or none under NO_BACKSLASH_ESCAPES, where
                // an explicit ESCAPE '' is ER 1210, as in MySQL.
                let no_backslash = self.session.no_backslash_escapes();
                let escape = match escape_char.as_deref() {
                    Some(ast::Expr::Value(v)) => match &v.value {
                        SqlValue::SingleQuotedString(s) | SqlValue::DoubleQuotedString(s) => {
                            if no_backslash && s.is_empty() {
                                return Err(EngineError::wrong_arguments("ESCAPE"));
                            }
                            s.chars().next()
                        }
                        _ => Some('\\'),
                    },
                    Some(_) => return Err(EngineError::wrong_arguments("ESCAPE")),
                    None => (!no_backslash).then_some('\\'),
                };
                let collation = match cmp_kind(&x.ty, &p.ty, false) {
                    CmpKind::String(c) => c,
                    _ => Collation::Utf8mb4_0900_ai_ci,
                };
                let nullable = x.nullable || p.nullable;
                Ok(Bound::new(
                    Expr::Like {
                        expr: Box::new(x.expr),
                        pattern: Box::new(p.expr),
                        escape,
                        collation,
                        negated: *negated,
                    },
                    SqlType::bigint(),
                    nullable,
                ))
            }
            E::Case {
                operand,
                conditions,
                else_result,
                ..
            } => self.case(operand.as_deref(), conditions, else_result.as_deref()),
            E::Function(f) => self.function(f),
            E::MemberOf(m) => self.member_of(m),
            E::Cast {
                expr,
                data_type: DataType::JSON,
                ..
            }
            | E::Convert {
                expr,
                data_type: Some(DataType::JSON),
                ..
            } => {
                let x = self.expr(expr)?;
                Ok(self.cast_json(x, json::ast_is_bool(expr)))
            }
            E::Cast {
                expr, data_type, ..
            } => {
                let x = self.expr(expr)?;
                self.cast(x, data_type)
            }
            E::Convert {
                expr,
                data_type,
                charset,
                ..
            } => {
                let x = self.expr(expr)?;
                match data_type {
                    Some(dt) => self.cast(x, dt),
                    None => {
                        let name = charset.as_ref().map(ToString::to_string);
                        // A set MySQL does not know is 1115; one it knows but the engine does
                        // not convert stays utf8mb4.
                        if let Some(n) = name.as_deref()
                            && crate::vars::charset(n).is_none()
                        {
                            return Err(EngineError::unknown_charset(n));
                        }
                        let coll = name
                            .as_deref()
                            .and_then(Collation::default_for_charset)
                            .unwrap_or(Collation::Utf8mb4_0900_ai_ci);
                        let len = x.ty.max_chars().min(u64::from(u32::MAX)) as u32;
                        Ok(Bound::new(
                            Expr::Cast(Box::new(x.expr), CastTo::Char(None, coll)),
                            SqlType::varchar(len, coll),
                            x.nullable,
                        ))
                    }
                }
            }
            E::Extract { field, expr, .. } => {
                let x = self.expr(expr)?;
                let unit = Bound::new(
                    Expr::Const(Value::str(field.to_string())),
                    SqlType::varchar(20, Collation::Utf8mb4_0900_ai_ci),
                    false,
                );
                self.call_named("EXTRACT", vec![unit, x])
            }
            E::Substring {
                expr,
                substring_from,
                substring_for,
                ..
            } => {
                let mut args = vec![self.expr(expr)?];
                match substring_from {
                    Some(f) => args.push(self.expr(f)?),
                    None => args.push(number_literal("1")),
                }
                if let Some(l) = substring_for {
                    args.push(self.expr(l)?);
                }
                self.call_named("SUBSTRING", args)
            }
            E::Trim {
                expr,
                trim_where,
                trim_what,
                trim_characters,
            } => {
                let s = self.expr(expr)?;
                let what = match (trim_what, trim_characters) {
                    (Some(w), _) => self.expr(w)?,
                    (None, Some(cs)) if !cs.is_empty() => self.expr(&cs[0])?,
                    _ => Bound::new(
                        Expr::Const(Value::str(" ")),
                        SqlType::varchar(1, Collation::Utf8mb4_0900_ai_ci),
                        false,
                    ),
                };
                let name = match trim_where {
                    Some(ast::TrimWhereField::Leading) => "LTRIM_CHARS",
                    Some(ast::TrimWhereField::Trailing) => "RTRIM_CHARS",
                    _ => "TRIM_CHARS",
                };
                self.call_named(name, vec![s, what])
            }
            E::Position { expr, r#in } => {
                let a = self.expr(expr)?;
                let b = self.expr(r#in)?;
                self.call_named("LOCATE", vec![a, b])
            }
            E::Ceil { expr, .. } => {
                let x = self.expr(expr)?;
                self.call_named("CEIL", vec![x])
            }
            E::Floor { expr, .. } => {
                let x = self.expr(expr)?;
                self.call_named("FLOOR", vec![x])
            }
            E::Collate { expr, collation } => {
                let mut x = self.expr(expr)?;
                let name = name_parts(collation).join(".");
                let c = Collation::from_name(&name)
                    .ok_or_else(|| EngineError::unknown_collation(&name))?;
                if x.ty.is_string() {
                    x.ty.collation = c;
                }
                Ok(x)
            }
            E::TypedString(ts) => {
                let text = match &ts.value.value {
                    SqlValue::SingleQuotedString(s) | SqlValue::DoubleQuotedString(s) => s.clone(),
                    other => other.to_string(),
                };
                let s = Bound::new(
                    Expr::Const(Value::str(text)),
                    SqlType::varchar(26, Collation::Utf8mb4_0900_ai_ci),
                    false,
                );
                self.cast(s, &ts.data_type)
            }
            E::Prefixed { value, prefix } => {
                let mut x = self.expr(value)?;
                let cs = prefix.value.trim_start_matches('_').to_ascii_lowercase();
                if let Some(c) = Collation::default_for_charset(&cs) {
                    // `_latin1 X'E9'`: the bytes are characters of the introducer's set.
                    if let Expr::Const(Value::Bytes(b)) = &mut x.expr {
                        let bytes = std::mem::take(b);
                        *b = match crate::charset::Charset::of(c).convert(bytes) {
                            Ok(v) | Err((_, v)) => v,
                        };
                    }
                    x.ty = SqlType {
                        collation: c,
                        ..SqlType::varchar(x.ty.length, c)
                    };
                    if c.is_binary() {
                        x.ty.base = BaseType::VarBinary;
                    }
                }
                Ok(x)
            }
            E::Tuple(items) if items.len() == 1 => self.expr(&items[0]),
            E::Tuple(_) => Err(EngineError::operand_columns(1)),
            E::Interval(_) => Err(EngineError::parse_error(&e.to_string(), 1)),
            E::Wildcard(_) | E::QualifiedWildcard(..) => Err(EngineError::parse_error("*", 1)),
            other => Err(EngineError::not_supported(&format!(
                "expression {}",
                other.to_string().chars().take(40).collect::<String>()
            ))),
        }
    }

    fn literal(&mut self, v: &SqlValue) -> Result<Bound, EngineError> {
        let coll = Collation::Utf8mb4_0900_ai_ci;
        Ok(match v {
            SqlValue::Number(n, _) => number_literal(n),
            SqlValue::SingleQuotedString(s)
            | SqlValue::DoubleQuotedString(s)
            | SqlValue::NationalStringLiteral(s)
            | SqlValue::EscapedStringLiteral(s)
            | SqlValue::TripleSingleQuotedString(s)
            | SqlValue::TripleDoubleQuotedString(s) => {
                let chars = u32::try_from(s.chars().count()).unwrap_or(u32::MAX / 4);
                Bound::new(
                    Expr::Const(Value::str(s.clone())),
                    SqlType::varchar(chars, coll),
                    false,
                )
            }
            SqlValue::HexStringLiteral(h) => {
                let b = decode_hex(h);
                let t = SqlType {
                    length: u32::try_from(b.len()).unwrap_or(u32::MAX),
                    ..SqlType::new(BaseType::VarBinary)
                };
                Bound::new(Expr::Const(Value::Bytes(b)), t, false)
            }
            SqlValue::SingleQuotedByteStringLiteral(bits)
            | SqlValue::DoubleQuotedByteStringLiteral(bits) => {
                let b = decode_bits(bits);
                let t = SqlType {
                    length: u32::try_from(b.len()).unwrap_or(u32::MAX),
                    ..SqlType::new(BaseType::VarBinary)
                };
                Bound::new(Expr::Const(Value::Bytes(b)), t, false)
            }
            SqlValue::Boolean(b) => {
                let mut t = SqlType::bigint();
                t.length = 1;
                Bound::new(Expr::Const(Value::Int(i64::from(*b))), t, false)
            }
            SqlValue::Null => Bound::new(Expr::Const(Value::Null), SqlType::null(), true),
            SqlValue::Placeholder(p) => {
                // Numbered in text order by the parser (`?0`, `?1`, ...).
                let i = p
                    .strip_prefix('?')
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(self.params);
                self.params += 1;
                match self.param_types.as_ref().and_then(|t| t.get(i)) {
                    Some(ty) => {
                        let null = ty.base == BaseType::Null;
                        Bound::new(Expr::Param(i), ty.clone(), null)
                    }
                    None => Bound::new(
                        Expr::Param(i),
                        SqlType::varchar(0, Collation::Utf8mb4_0900_ai_ci),
                        true,
                    ),
                }
            }
            other => return Err(EngineError::not_supported(&format!("literal {other}"))),
        })
    }

    /// Resolves a (possibly qualified) name: a column of this or an outer level, a variable,
    /// or a niladic function.
    fn identifier(&mut self, parts: &[Ident]) -> Result<Bound, EngineError> {
        let names: Vec<&str> = parts.iter().map(|p| p.value.as_str()).collect();
        let quoted = parts.first().is_some_and(|p| p.quote_style.is_some());
        if let [first, rest @ ..] = names.as_slice()
            && !quoted
        {
            if let Some(var) = first.strip_prefix("@@") {
                let (global, name) = match (var.to_ascii_lowercase().as_str(), rest) {
                    ("global", [n, ..]) => (Some(true), n.to_string()),
                    ("session" | "local", [n, ..]) => (Some(false), n.to_string()),
                    _ => (None, names.join(".").trim_start_matches('@').to_string()),
                };
                return self.system_variable(global, &name);
            }
            if let Some(var) = first.strip_prefix('@') {
                let var = var.trim_matches(|c| c == '\'' || c == '"' || c == '`');
                return Ok(Bound::new(
                    Expr::UserVar(var.to_lowercase()),
                    SqlType::varchar(255, Collation::Utf8mb4_0900_ai_ci),
                    true,
                ));
            }
        }
        let (table, column) = match names.as_slice() {
            [c] => (None, *c),
            [t, c] => (Some((None, *t)), *c),
            [d, t, c] => (Some((Some(*d), *t)), *c),
            _ => return Err(EngineError::bad_field(&names.join("."), self.clause)),
        };
        // This level, then the enclosing ones (correlated references).
        let top = self.levels.len();
        for depth in (0..top).rev() {
            if let Some(b) = self.resolve_in_level(depth, table, column)? {
                if depth + 1 == top {
                    return Ok(b);
                }
                // A correlated reference: a register written by each level between.
                let reg = self.registers;
                self.registers += 1;
                let mut expr = b.expr;
                // The value flows from level `depth` into level depth+1's binds; deeper levels
                // read the same register.
                if let Some(l) = self.levels.get_mut(depth + 1) {
                    l.binds.push((reg, expr.clone()));
                }
                expr = Expr::Reg(reg);
                return Ok(Bound::new(expr, b.ty, b.nullable));
            }
        }
        if table.is_none() && !quoted {
            let upper = column.to_ascii_uppercase();
            if matches!(
                upper.as_str(),
                "CURRENT_USER"
                    | "CURRENT_TIMESTAMP"
                    | "CURRENT_DATE"
                    | "CURRENT_TIME"
                    | "LOCALTIME"
                    | "LOCALTIMESTAMP"
                    | "UTC_TIMESTAMP"
                    | "UTC_DATE"
                    | "UTC_TIME"
            ) {
                return self.call_named(&upper, Vec::new());
            }
        }
        Err(EngineError::bad_field(&names.join("."), self.clause))
    }

    /// ER_NON_UNIQ_ERROR for `column` (qualified by `table`) in the current clause.
    fn ambiguous(&self, table: Option<(Option<&str>, &str)>, column: &str) -> EngineError {
        let full = match table {
            Some((_, t)) => format!("{t}.{column}"),
            None => column.to_string(),
        };
        EngineError::new(
            1052,
            "23000",
            format!("Column '{full}' in {} is ambiguous", self.clause),
        )
    }

    fn resolve_in_level(
        &self,
        depth: usize,
        table: Option<(Option<&str>, &str)>,
        column: &str,
    ) -> Result<Option<Bound>, EngineError> {
        let Some(level) = self.levels.get(depth) else {
            return Ok(None);
        };
        let mut found: Option<usize> = None;
        for (i, c) in level.scope.cols.iter().enumerate() {
            if !c.name.eq_ignore_ascii_case(column) {
                continue;
            }
            let ok = match table {
                None => !c.merged,
                Some((db, t)) => c.table.as_deref() == Some(t) && db.is_none_or(|d| d == c.schema),
            };
            if !ok {
                continue;
            }
            if found.is_some() {
                return Err(self.ambiguous(table, column));
            }
            found = Some(i);
        }
        // The columns of merged views (expressions over the row).
        let mut found_view = None;
        for vc in &level.scope.view_cols {
            if !vc.name.eq_ignore_ascii_case(column) {
                continue;
            }
            let ok = match table {
                None => !vc.hidden,
                Some((db, t)) => vc.table == t && db.is_none_or(|d| d == vc.schema),
            };
            if !ok {
                continue;
            }
            if found.is_some() || found_view.is_some() {
                return Err(self.ambiguous(table, column));
            }
            found_view = Some(vc.bound.clone());
        }
        if let Some(b) = found_view {
            return Ok(Some(b));
        }
        if let Some(i) = found {
            let c = &level.scope.cols[i];
            if let Some(origin) = &c.origin {
                self.note_column(origin, false)?;
            }
            return Ok(Some(Bound::new(Expr::Column(i), c.ty.clone(), c.nullable)));
        }
        // Select-list aliases (HAVING/ORDER BY of this level only).
        if table.is_none()
            && depth + 1 == self.levels.len()
            && let Some((_, b)) = level
                .aliases
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(column))
        {
            return Ok(Some(b.clone()));
        }
        Ok(None)
    }

    fn system_variable(&mut self, global: Option<bool>, name: &str) -> Result<Bound, EngineError> {
        let def = vars::lookup(name).ok_or_else(|| EngineError::unknown_system_variable(name))?;
        match (global, def.scope) {
            (Some(true), vars::Scope::Session) => {
                return Err(EngineError::incorrect_global_local_var(def.name, "SESSION"));
            }
            (Some(false), vars::Scope::Global) => {
                return Err(EngineError::incorrect_global_local_var(def.name, "GLOBAL"));
            }
            _ => {}
        }
        let is_global = global == Some(true) || def.scope == vars::Scope::Global;
        let expr = match def.name {
            "warning_count" if !is_global => Expr::Session(SessionValue::WarningCount),
            "error_count" if !is_global => Expr::Session(SessionValue::ErrorCount),
            "last_insert_id" | "identity" if !is_global => Expr::Session(SessionValue::Identity),
            _ => Expr::SysVar(is_global, def.name),
        };
        let ty = match def.ty {
            vars::VarType::Bool | vars::VarType::UInt => SqlType::ubigint(),
            vars::VarType::Double => SqlType::double(),
            _ => SqlType::varchar(255, Collation::Utf8mb4_0900_ai_ci),
        };
        Ok(Bound::new(expr, ty, true))
    }

    fn unary(&mut self, op: UnaryOperator, x: &ast::Expr) -> Result<Bound, EngineError> {
        // -9223372036854775808 is a BIGINT literal, not the negation of an out-of-range one.
        if op == UnaryOperator::Minus
            && let ast::Expr::Value(v) = x
            && let SqlValue::Number(n, _) = &v.value
        {
            let mut b = number_literal(&format!("-{n}"));
            if let Expr::Const(Value::Decimal(_)) = &b.expr
                && !n.contains('.')
            {
                b.ty.length = b.ty.length.max(1);
            }
            return Ok(b);
        }
        let b = self.expr(x)?;
        Ok(match op {
            UnaryOperator::Plus => b,
            UnaryOperator::Minus => {
                let b = self.json_number(b, func::json::NumTarget::Double);
                let mut ty = match b.ty.result_kind() {
                    ResultKind::Int => {
                        if b.ty.unsigned {
                            SqlType::decimal(20, 0)
                        } else {
                            SqlType::bigint()
                        }
                    }
                    ResultKind::Decimal => b.ty.clone(),
                    _ => SqlType::double(),
                };
                ty.unsigned = false;
                Bound::new(Expr::Neg(Box::new(b.expr)), ty, b.nullable)
            }
            UnaryOperator::Not | UnaryOperator::BangNot => {
                let b = self.json_truth(b);
                Bound::new(Expr::Not(Box::new(b.expr)), SqlType::bigint(), b.nullable)
            }
            UnaryOperator::BitwiseNot => Bound::new(
                Expr::BitNot(Box::new(b.expr)),
                SqlType::ubigint(),
                b.nullable,
            ),
            other => return Err(EngineError::not_supported(&format!("operator {other}"))),
        })
    }

    /// `(a, b) = (c, d)`.
    #[inline(never)]
    fn compare_rows(
        &mut self,
        op: CmpOp,
        a: &ast::Expr,
        b: &ast::Expr,
    ) -> Result<Bound, EngineError> {
        if let (ast::Expr::Tuple(l), ast::Expr::Tuple(r)) = (a, b) {
            if l.len() != r.len() {
                return Err(EngineError::operand_columns(l.len()));
            }
            if matches!(op, CmpOp::Eq | CmpOp::NullSafeEq | CmpOp::Ne) {
                let mut parts = Vec::new();
                for (x, y) in l.iter().zip(r) {
                    parts.push(self.compare(op, x, y)?.expr);
                }
                let e = if op == CmpOp::Ne {
                    parts
                        .into_iter()
                        .reduce(|acc, e| Expr::Or(Box::new(acc), Box::new(e)))
                } else {
                    Expr::and_all(parts)
                };
                return Ok(Bound::new(
                    e.unwrap_or(Expr::bool(true)),
                    SqlType::bigint(),
                    true,
                ));
            }
            return Err(EngineError::not_supported("row comparison with < or >"));
        }
        Err(EngineError::operand_columns(1))
    }

    fn compare(&mut self, op: CmpOp, a: &ast::Expr, b: &ast::Expr) -> Result<Bound, EngineError> {
        if matches!((a, b), (ast::Expr::Tuple(_), ast::Expr::Tuple(_))) {
            return self.compare_rows(op, a, b);
        }
        let x = self.expr(a)?;
        let y = self.expr(b)?;
        let (x, y, json) = self.json_operands(x, y, a, b);
        let kind = if json {
            CmpKind::Json
        } else {
            cmp_kind(
                &x.ty,
                &y.ty,
                self.is_dynamic(&x.expr) || self.is_dynamic(&y.expr),
            )
        };
        let nullable = op != CmpOp::NullSafeEq && (x.nullable || y.nullable);
        Ok(Bound::new(
            Expr::Cmp(op, kind, Box::new(x.expr), Box::new(y.expr)),
            SqlType::bigint(),
            nullable,
        ))
    }

    fn binary(
        &mut self,
        a: &ast::Expr,
        op: &BinaryOperator,
        b: &ast::Expr,
    ) -> Result<Bound, EngineError> {
        use BinaryOperator as B;
        if let Some(c) = cmp_op(op) {
            return self.compare(c, a, b);
        }
        if matches!(op, B::Arrow | B::LongArrow) {
            return self.json_arrow(a, b, *op == B::LongArrow);
        }
        if *op == B::Assignment
            || matches!(op, B::Plus | B::Minus)
                && (matches!(a, ast::Expr::Interval(_)) || matches!(b, ast::Expr::Interval(_)))
        {
            return self.binary_special(a, op, b);
        }
        let x = self.expr(a)?;
        let y = self.expr(b)?;
        let text = if matches!(
            op,
            B::Plus | B::Minus | B::Multiply | B::Divide | B::MyIntegerDivide | B::Modulo
        ) {
            arith_text(a, op, b)
        } else {
            std::sync::Arc::from("")
        };
        self.combine(op, x, y, text)
    }

    /// Builds the node of a binary operator over bound operands.
    #[inline(never)]
    fn combine(
        &mut self,
        op: &BinaryOperator,
        x: Bound,
        y: Bound,
        text: std::sync::Arc<str>,
    ) -> Result<Bound, EngineError> {
        use BinaryOperator as B;
        let nullable = x.nullable || y.nullable;
        let arith = |op: ArithOp, x: Bound, y: Bound, s: &Self| {
            let x = s.json_number(x, func::json::NumTarget::Double);
            let y = s.json_number(y, func::json::NumTarget::Double);
            let dpi = s.div_precision_increment();
            let ty = func::arith_type(op, &x.ty, &y.ty, dpi);
            let nullable = x.nullable
                || y.nullable
                || matches!(op, ArithOp::Div | ArithOp::IntDiv | ArithOp::Mod);
            Bound::new(
                Expr::Arith(
                    op,
                    Box::new(x.expr),
                    Box::new(y.expr),
                    Box::new(crate::plan::ArithInfo {
                        ty: ty.clone(),
                        text: text.clone(),
                    }),
                ),
                ty,
                nullable,
            )
        };
        Ok(match op {
            B::Plus => arith(ArithOp::Add, x, y, self),
            B::Minus => arith(ArithOp::Sub, x, y, self),
            B::Multiply => arith(ArithOp::Mul, x, y, self),
            B::Divide => arith(ArithOp::Div, x, y, self),
            B::MyIntegerDivide => arith(ArithOp::IntDiv, x, y, self),
            B::Modulo => arith(ArithOp::Mod, x, y, self),
            B::And | B::Or | B::Xor => {
                let (x, y) = (self.json_truth(x), self.json_truth(y));
                let (x, y) = (Box::new(x.expr), Box::new(y.expr));
                let e = match op {
                    B::And => Expr::And(x, y),
                    B::Or => Expr::Or(x, y),
                    _ => Expr::Xor(x, y),
                };
                Bound::new(e, SqlType::bigint(), nullable)
            }
            B::StringConcat if self.session.sql_mode_has("PIPES_AS_CONCAT") => {
                return self.call_named("CONCAT", vec![x, y]);
            }
            B::StringConcat => Bound::new(
                Expr::Or(Box::new(x.expr), Box::new(y.expr)),
                SqlType::bigint(),
                nullable,
            ),
            B::BitwiseAnd => Bound::new(
                Expr::Bit(BitOp::And, Box::new(x.expr), Box::new(y.expr)),
                SqlType::ubigint(),
                nullable,
            ),
            B::BitwiseOr => Bound::new(
                Expr::Bit(BitOp::Or, Box::new(x.expr), Box::new(y.expr)),
                SqlType::ubigint(),
                nullable,
            ),
            B::BitwiseXor => Bound::new(
                Expr::Bit(BitOp::Xor, Box::new(x.expr), Box::new(y.expr)),
                SqlType::ubigint(),
                nullable,
            ),
            B::PGBitwiseShiftLeft => Bound::new(
                Expr::Bit(BitOp::Shl, Box::new(x.expr), Box::new(y.expr)),
                SqlType::ubigint(),
                nullable,
            ),
            B::PGBitwiseShiftRight => Bound::new(
                Expr::Bit(BitOp::Shr, Box::new(x.expr), Box::new(y.expr)),
                SqlType::ubigint(),
                nullable,
            ),
            other => return Err(EngineError::not_supported(&format!("operator {other}"))),
        })
    }

    /// `@x := expr` and `date ± INTERVAL n unit`.
    #[inline(never)]
    fn binary_special(
        &mut self,
        a: &ast::Expr,
        op: &BinaryOperator,
        b: &ast::Expr,
    ) -> Result<Bound, EngineError> {
        use BinaryOperator as B;
        if *op == B::Assignment {
            // `@x := expr`.
            let target = match a {
                ast::Expr::Identifier(id) if id.quote_style.is_none() => {
                    id.value.strip_prefix('@').map(|v| v.to_lowercase())
                }
                _ => None,
            };
            let Some(name) = target.filter(|n| !n.starts_with('@')) else {
                return Err(EngineError::parse_error(":=", 1));
            };
            let v = self.expr(b)?;
            return Ok(Bound::new(
                Expr::SetUserVar(name, Box::new(v.expr)),
                v.ty,
                v.nullable,
            ));
        }
        // date ± INTERVAL n unit
        if matches!(op, B::Plus | B::Minus) {
            if let ast::Expr::Interval(iv) = b {
                let d = self.expr(a)?;
                return self.interval_call(d, iv, *op == B::Minus);
            }
            if let (ast::Expr::Interval(iv), B::Plus) = (a, op) {
                let d = self.expr(b)?;
                return self.interval_call(d, iv, false);
            }
        }
        Err(EngineError::parse_error(&format!("{a} {op} {b}"), 1))
    }

    fn interval_call(
        &mut self,
        d: Bound,
        iv: &ast::Interval,
        sub: bool,
    ) -> Result<Bound, EngineError> {
        let v = self.expr(&iv.value)?;
        let unit = iv
            .leading_field
            .as_ref()
            .map(|f| f.to_string())
            .unwrap_or_else(|| "SECOND".into());
        let u = Bound::new(
            Expr::Const(Value::str(unit)),
            SqlType::varchar(20, Collation::Utf8mb4_0900_ai_ci),
            false,
        );
        self.call_named(if sub { "DATE_SUB" } else { "DATE_ADD" }, vec![d, v, u])
    }

    pub(crate) fn div_precision_increment(&self) -> u32 {
        self.session
            .vars
            .get("div_precision_increment")
            .and_then(|v| v.parse().ok())
            .unwrap_or(4)
    }

    fn is_null(&mut self, x: &ast::Expr, negated: bool) -> Result<Bound, EngineError> {
        let b = self.expr(x)?;
        Ok(Bound::new(
            Expr::IsNull(Box::new(b.expr), negated),
            SqlType::bigint(),
            false,
        ))
    }

    fn is_bool(&mut self, x: &ast::Expr, value: bool, negated: bool) -> Result<Bound, EngineError> {
        let b = self.expr(x)?;
        Ok(Bound::new(
            Expr::IsBool(Box::new(b.expr), value, negated),
            SqlType::bigint(),
            false,
        ))
    }

    fn in_list(
        &mut self,
        x: &ast::Expr,
        list: &[ast::Expr],
        negated: bool,
    ) -> Result<Bound, EngineError> {
        if let ast::Expr::Tuple(cols) = x {
            // (a, b) IN ((1, 2), (3, 4)) → OR of ANDs.
            let mut alts = Vec::new();
            for item in list {
                let ast::Expr::Tuple(vals) = item else {
                    return Err(EngineError::operand_columns(cols.len()));
                };
                if vals.len() != cols.len() {
                    return Err(EngineError::operand_columns(cols.len()));
                }
                let mut parts = Vec::new();
                for (c, v) in cols.iter().zip(vals) {
                    parts.push(self.compare(CmpOp::Eq, c, v)?.expr);
                }
                alts.push(Expr::and_all(parts).unwrap_or(Expr::bool(true)));
            }
            let any = alts
                .into_iter()
                .reduce(|a, b| Expr::Or(Box::new(a), Box::new(b)))
                .unwrap_or(Expr::bool(false));
            let e = if negated {
                Expr::Not(Box::new(any))
            } else {
                any
            };
            return Ok(Bound::new(e, SqlType::bigint(), true));
        }
        let b = self.expr(x)?;
        let mut bound = Vec::with_capacity(list.len());
        let mut types = vec![b.ty.clone()];
        let mut dynamic = self.is_dynamic(&b.expr);
        let mut nullable = b.nullable;
        for item in list {
            let i = self.expr(item)?;
            dynamic |= self.is_dynamic(&i.expr);
            nullable |= i.nullable;
            types.push(i.ty.clone());
            bound.push(i);
        }
        if !dynamic && types.iter().any(|t| t.base == BaseType::Json) {
            return Ok(self.json_in_list(b, x, bound, list, negated, nullable));
        }
        let items: Vec<Expr> = bound.into_iter().map(|i| i.expr).collect();
        let agg = func::aggregate_type(&types[1..]);
        let kind = if types[1..]
            .iter()
            .all(|t| t.result_kind() == types[1].result_kind())
        {
            cmp_kind(&b.ty, &agg, dynamic)
        } else {
            CmpKind::Dynamic
        };
        Ok(Bound::new(
            Expr::InList {
                expr: Box::new(b.expr),
                list: items,
                kind,
                negated,
            },
            SqlType::bigint(),
            nullable,
        ))
    }

    fn case(
        &mut self,
        operand: Option<&ast::Expr>,
        conditions: &[ast::CaseWhen],
        else_result: Option<&ast::Expr>,
    ) -> Result<Bound, EngineError> {
        let op = operand.map(|o| self.expr(o)).transpose()?;
        let mut whens = Vec::new();
        let mut types = Vec::new();
        let mut kinds_dynamic = op.as_ref().is_some_and(|o| self.is_dynamic(&o.expr));
        let mut when_types = Vec::new();
        for cw in conditions {
            let c = self.expr(&cw.condition)?;
            kinds_dynamic |= self.is_dynamic(&c.expr);
            when_types.push(c.ty.clone());
            let r = self.expr(&cw.result)?;
            types.push(r.ty.clone());
            whens.push((c.expr, r.expr));
        }
        let else_ = else_result.map(|e| self.expr(e)).transpose()?;
        if let Some(e) = &else_ {
            types.push(e.ty.clone());
        }
        let ty = func::aggregate_type(&types);
        let kind = match &op {
            Some(o) => cmp_kind(&o.ty, &func::aggregate_type(&when_types), kinds_dynamic),
            None => CmpKind::Int,
        };
        Ok(Bound::new(
            Expr::Case {
                operand: op.map(|o| Box::new(o.expr)),
                whens,
                else_: else_.map(|e| Box::new(e.expr)),
                kind,
                ty: ty.clone(),
            },
            ty,
            true,
        ))
    }

    /// Binds a CAST/CONVERT target.
    fn cast(&mut self, x: Bound, dt: &DataType) -> Result<Bound, EngineError> {
        let coll = Collation::Utf8mb4_0900_ai_ci;
        let x = self.json_cast_operand(x, dt);
        let (to, ty) = match dt {
            DataType::Signed
            | DataType::SignedInteger
            | DataType::Int(_)
            | DataType::Integer(_)
            | DataType::BigInt(_) => (CastTo::Signed, SqlType::bigint()),
            DataType::Unsigned
            | DataType::UnsignedInteger
            | DataType::IntUnsigned(_)
            | DataType::BigIntUnsigned(_)
            | DataType::IntegerUnsigned(_) => (CastTo::Unsigned, SqlType::ubigint()),
            DataType::Decimal(info) | DataType::Dec(info) | DataType::Numeric(info) => {
                let (m, d) = match info {
                    ExactNumberInfo::None => (10, 0),
                    ExactNumberInfo::Precision(m) => (*m as u32, 0),
                    ExactNumberInfo::PrecisionAndScale(m, d) => (*m as u32, *d as u8),
                };
                if m > 65 {
                    return Err(EngineError::new(
                        1426,
                        "42000",
                        format!("Too-big precision {m} specified for 'CAST'. Maximum is 65."),
                    ));
                }
                if u32::from(d) > m {
                    return Err(EngineError::new(
                        1427,
                        "42000",
                        "For float(M,D), double(M,D) or decimal(M,D), M must be >= D (column '')."
                            .to_string(),
                    ));
                }
                (CastTo::Decimal(m, d), SqlType::decimal(m, d))
            }
            DataType::Double(_)
            | DataType::DoublePrecision
            | DataType::Float(_)
            | DataType::Real => (CastTo::Double, SqlType::double()),
            DataType::Text => {
                let ty = SqlType::varchar(x.ty.max_chars().min(u64::from(u32::MAX)) as u32, coll);
                (CastTo::Char(None, coll), ty)
            }
            DataType::Char(len)
            | DataType::Varchar(len)
            | DataType::Character(len)
            | DataType::Nvarchar(len) => {
                let n = char_len(len);
                let ty = SqlType::varchar(
                    n.unwrap_or_else(|| x.ty.max_chars().min(u64::from(u32::MAX)) as u32),
                    coll,
                );
                (CastTo::Char(n, coll), ty)
            }
            DataType::Binary(_) | DataType::Varbinary(_) => {
                let n = match dt {
                    DataType::Binary(l) => l.map(|l| u32::try_from(l).unwrap_or(u32::MAX)),
                    DataType::Varbinary(Some(ast::BinaryLength::IntegerLength { length })) => {
                        Some(u32::try_from(*length).unwrap_or(u32::MAX))
                    }
                    _ => None,
                };
                let mut ty = SqlType::new(BaseType::VarBinary);
                ty.length = n.unwrap_or_else(|| x.ty.max_chars().min(u64::from(u32::MAX)) as u32);
                (CastTo::Binary(n), ty)
            }
            DataType::Date => (CastTo::Date, SqlType::new(BaseType::Date)),
            DataType::Datetime(p) | DataType::Timestamp(p, _) => {
                let fsp = p.map(|p| p.min(6) as u8).unwrap_or(0);
                (
                    CastTo::DateTime(fsp),
                    SqlType {
                        scale: fsp,
                        ..SqlType::new(BaseType::DateTime)
                    },
                )
            }
            DataType::Time(p, _) => {
                let fsp = p.map(|p| p.min(6) as u8).unwrap_or(0);
                (
                    CastTo::Time(fsp),
                    SqlType {
                        scale: fsp,
                        ..SqlType::new(BaseType::Time)
                    },
                )
            }
            DataType::Custom(name, modifiers)
                if name
                    .to_string()
                    .to_ascii_lowercase()
                    .starts_with(crate::parse::CAST_CHARSET_TYPE) =>
            {
                // CAST(x AS CHAR[(n)] CHARACTER SET cs), as the parser rewrote it.
                let text = name.to_string();
                let cs = text
                    .get(crate::parse::CAST_CHARSET_TYPE.len()..)
                    .unwrap_or_default();
                if crate::vars::charset(cs).is_none() {
                    return Err(EngineError::unknown_charset(cs));
                }
                let coll = Collation::default_for_charset(cs).unwrap_or(coll);
                let n = modifiers
                    .first()
                    .and_then(|m| m.to_string().parse::<u32>().ok());
                let ty = SqlType::varchar(
                    n.unwrap_or_else(|| x.ty.max_chars().min(u64::from(u32::MAX)) as u32),
                    coll,
                );
                (CastTo::Char(n, coll), ty)
            }
            DataType::Custom(name, _) if name.to_string().eq_ignore_ascii_case("year") => {
                (CastTo::Year, SqlType::new(BaseType::Year))
            }
            other => return Err(EngineError::not_supported(&format!("CAST AS {other}"))),
        };
        let nullable =
            x.nullable || matches!(to, CastTo::Date | CastTo::DateTime(_) | CastTo::Time(_));
        Ok(Bound::new(Expr::Cast(Box::new(x.expr), to), ty, nullable))
    }

    /// A function call: aggregates, special forms (IF, IFNULL, COALESCE, NULLIF) or [`Func`].
    fn function(&mut self, f: &ast::Function) -> Result<Bound, EngineError> {
        let parts = name_parts(&f.name);
        let name = parts
            .last()
            .cloned()
            .unwrap_or_default()
            .to_ascii_uppercase();
        let qualified = match parts.as_slice() {
            [_] => None,
            [db, n] => Some((db.clone(), n.clone())),
            _ => {
                return Err(EngineError::unknown_function(
                    &parts[0],
                    parts.last().map(String::as_str).unwrap_or(""),
                ));
            }
        };
        if let Some(over) = &f.over {
            return self.window_function(f, &name, over);
        }
        let (arg_list, distinct, clauses) = match &f.args {
            FunctionArguments::None => (Vec::new(), false, Vec::new()),
            FunctionArguments::Subquery(_) => {
                return Err(EngineError::not_supported(
                    "a subquery as function arguments",
                ));
            }
            FunctionArguments::List(l) => (
                l.args.clone(),
                matches!(
                    l.duplicate_treatment,
                    Some(ast::DuplicateTreatment::Distinct)
                ),
                l.clauses.clone(),
            ),
        };
        if name == "DEFAULT" {
            return self.column_default(&arg_list);
        }
        if let Some(agg) = agg_func(&name) {
            return self.aggregate(agg, &name, &arg_list, distinct, &clauses);
        }
        if name == "FOUND_ROWS" {
            self.warnings.push((
                1287,
                "FOUND_ROWS() is deprecated and will be removed in a future release. Consider using COUNT(*) instead.".into(),
            ));
        }
        let mut args = Vec::with_capacity(arg_list.len());
        let mut bools = Vec::with_capacity(arg_list.len());
        for a in &arg_list {
            match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => {
                    bools.push(json::ast_is_bool(e));
                    args.push(self.expr(e)?);
                }
                FunctionArg::Unnamed(FunctionArgExpr::Wildcard) => {
                    return Err(EngineError::parse_error("*)", 1));
                }
                other => {
                    return Err(EngineError::not_supported(&format!(
                        "function argument {other}"
                    )));
                }
            }
        }
        if let Some((db, n)) = qualified {
            return self.stored_call(&db, &n, args);
        }
        // Not a built-in: a stored function of the current database, named as written (ER
        // 1305 says it so).
        if !is_native(&name)
            && let [written] = parts.as_slice()
        {
            let db = self.current_db()?;
            return self.stored_call(&db, written, args);
        }
        if let Some(Func::Json(j)) = Func::lookup(&name) {
            return self.json_call(j, &name, args, &bools);
        }
        self.call_named(&name, args)
    }

    /// A call of stored function `db.name` (ER 1305 when there is none, 1318 for the wrong
    /// number of arguments); its type is the function's RETURNS type. EXECUTE is checked
    /// when it runs.
    fn stored_call(
        &mut self,
        db: &str,
        name: &str,
        args: Vec<Bound>,
    ) -> Result<Bound, EngineError> {
        let Some(def) = self
            .state
            .schemas
            .get(db)
            .and_then(|s| s.functions.get(&name.to_lowercase()))
            .cloned()
        else {
            return Err(EngineError::unknown_function(db, name));
        };
        if args.len() != def.params.len() {
            return Err(EngineError::new(
                1318,
                "42000",
                format!(
                    "Incorrect number of arguments for FUNCTION {db}.{}; expected {}, got {}",
                    def.name,
                    def.params.len(),
                    args.len()
                ),
            ));
        }
        let ty = def
            .returns
            .as_ref()
            .map_or_else(|| SqlType::new(BaseType::VarChar), |r| r.sql.clone());
        let call = crate::plan::StoredCall {
            schema: db.to_string(),
            def,
        };
        Ok(Bound::new(
            Expr::Stored(Box::new(call), args.into_iter().map(|a| a.expr).collect()),
            ty,
            true,
        ))
    }

    /// `DEFAULT(col)`: the default value of a base table's column
    /// (<https://dev.mysql.com/doc/refman/8.4/en/miscellaneous-functions.html#function_default>).
    /// A NOT NULL column without a default is ER_NO_DEFAULT_FOR_FIELD (1364) when the statement
    /// is bound, as MySQL reports it; an AUTO_INCREMENT column gives 0, a nullable column
    /// without a default NULL, `DEFAULT CURRENT_TIMESTAMP` the statement's time and
    /// `DEFAULT (expr)` the expression (bound here, over the statement's columns).
    fn column_default(&mut self, args: &[FunctionArg]) -> Result<Bound, EngineError> {
        let parts: Vec<Ident> = match args {
            [FunctionArg::Unnamed(FunctionArgExpr::Expr(ast::Expr::Identifier(i)))] => {
                vec![i.clone()]
            }
            [FunctionArg::Unnamed(FunctionArgExpr::Expr(ast::Expr::CompoundIdentifier(p)))] => {
                p.clone()
            }
            _ => {
                let text: Vec<String> = args.iter().map(ToString::to_string).collect();
                return Err(EngineError::parse_error(
                    &format!("{})", text.join(", ")),
                    1,
                ));
            }
        };
        let col = self.identifier(&parts)?;
        let origin = match &col.expr {
            Expr::Column(i) => self
                .levels
                .last()
                .and_then(|l| l.scope.cols.get(*i))
                .and_then(|c| c.origin.clone()),
            _ => None,
        };
        let Some(origin) = origin else {
            return Err(EngineError::not_supported(
                "DEFAULT() of anything but a base table column of this query block",
            ));
        };
        let def = self.table_def(&origin.schema, &origin.org_table)?;
        let Some(c) = def
            .column_index(&origin.org_name)
            .and_then(|i| def.columns.get(i))
        else {
            return Err(EngineError::bad_field(&origin.org_name, self.clause));
        };
        let ty = c.ty.clone();
        match &c.default {
            ColumnDefault::Value(v) => Ok(Bound::new(Expr::Const(v.clone()), ty, v.is_null())),
            ColumnDefault::None if c.auto_increment => {
                Ok(Bound::new(Expr::Const(Value::Int(0)), ty, false))
            }
            ColumnDefault::None if c.nullable => Ok(Bound::new(Expr::Const(Value::Null), ty, true)),
            ColumnDefault::None => Err(EngineError::new(
                1364,
                "HY000",
                format!("Field '{}' doesn't have a default value", c.name),
            )),
            ColumnDefault::CurrentTimestamp(fsp) => {
                let args = if *fsp == 0 {
                    Vec::new()
                } else {
                    vec![Bound::new(
                        Expr::Const(Value::Int(i64::from(*fsp))),
                        SqlType::new(BaseType::Int),
                        false,
                    )]
                };
                let b = self.call_named("CURRENT_TIMESTAMP", args)?;
                Ok(Bound::new(b.expr, ty, false))
            }
            ColumnDefault::Expr(text) => {
                let dialect = sqlparser::dialect::MySqlDialect {};
                let e = sqlparser::parser::Parser::new(&dialect)
                    .try_with_sql(text)
                    .and_then(|mut p| p.parse_expr())
                    .map_err(|_| EngineError::parse_error(text, 1))?;
                self.expr(&e)
            }
        }
    }

    /// A call of a function by (upper-case) name with bound arguments.
    pub(crate) fn call_named(
        &mut self,
        name: &str,
        args: Vec<Bound>,
    ) -> Result<Bound, EngineError> {
        let wrong_count = || {
            EngineError::new(
                1582,
                "42000",
                format!("Incorrect parameter count in the call to native function '{name}'"),
            )
        };
        match name {
            "IF" => {
                let [c, a, b]: [Bound; 3] = args.try_into().map_err(|_| wrong_count())?;
                let ty = func::aggregate_type(&[a.ty.clone(), b.ty.clone()]);
                let nullable = a.nullable || b.nullable;
                return Ok(Bound::new(
                    Expr::If(
                        Box::new(c.expr),
                        Box::new(a.expr),
                        Box::new(b.expr),
                        ty.clone(),
                    ),
                    ty,
                    nullable,
                ));
            }
            "IFNULL" | "COALESCE" => {
                if (name == "IFNULL" && args.len() != 2) || args.is_empty() {
                    return Err(wrong_count());
                }
                let types: Vec<SqlType> = args.iter().map(|a| a.ty.clone()).collect();
                let ty = func::aggregate_type(&types);
                let nullable = args.iter().all(|a| a.nullable);
                return Ok(Bound::new(
                    Expr::Coalesce(args.into_iter().map(|a| a.expr).collect(), ty.clone()),
                    ty,
                    nullable,
                ));
            }
            "NULLIF" => {
                let [a, b]: [Bound; 2] = args.try_into().map_err(|_| wrong_count())?;
                let kind = cmp_kind(
                    &a.ty,
                    &b.ty,
                    self.is_dynamic(&a.expr) || self.is_dynamic(&b.expr),
                );
                let ty = a.ty.clone();
                return Ok(Bound::new(
                    Expr::NullIf(Box::new(a.expr), Box::new(b.expr), kind),
                    ty,
                    true,
                ));
            }
            _ => {}
        }
        let special = match name {
            "TRIM_CHARS" => Some(Func::TrimBoth),
            "LTRIM_CHARS" => Some(Func::TrimLeading),
            "RTRIM_CHARS" => Some(Func::TrimTrailing),
            _ => None,
        };
        let Some(f) = special.or_else(|| Func::lookup(name)) else {
            // MySQL looks for a stored function in the current database.
            let db = self.current_db()?;
            return self.stored_call(&db, &name.to_ascii_lowercase(), args);
        };
        if let Func::Json(j) = f {
            return self.json_call(j, name, args, &[]);
        }
        let (min, max) = f.arity();
        if args.len() < min || args.len() > max {
            return Err(wrong_count());
        }
        let types: Vec<SqlType> = args.iter().map(|a| a.ty.clone()).collect();
        let consts: Vec<Option<Value>> = args
            .iter()
            .map(|a| match &a.expr {
                Expr::Const(v) => Some(v.clone()),
                _ => None,
            })
            .collect();
        let ty = f.return_type(&types, &consts);
        // What depends on the argument's character set is decided here, by its type (a call
        // in the plan carries no collation): CHARSET()/COLLATION() are constants of the type,
        // and LENGTH() of a latin1/ascii string counts one byte per character.
        let f = match f {
            Func::Charset | Func::Collation => {
                let coll = f.call_collation(&types);
                let v = if f == Func::Charset {
                    coll.charset()
                } else {
                    coll.name()
                };
                return Ok(Bound::new(Expr::Const(Value::str(v)), ty, false));
            }
            Func::Length
                if types.first().is_some_and(|t| {
                    t.is_string()
                        && crate::charset::Charset::of(func::type_collation(t)).max_bytes_per_char()
                            == 1
                        && !func::type_collation(t).is_binary()
                }) =>
            {
                Func::CharLength
            }
            f => f,
        };
        let mut args = args;
        if f.reads_bytes()
            && let (Some(first), Some(t)) = (args.first_mut(), types.first())
        {
            // A function of the bytes reads a latin1 or ascii string's own bytes, not the
            // engine's UTF-8 (HEX of latin1 'é' is E9).
            let coll = func::type_collation(t);
            let cs = crate::charset::Charset::of(coll);
            if t.is_string() && !coll.is_binary() && !cs.is_utf8() {
                let x = std::mem::replace(&mut first.expr, Expr::Const(Value::Null));
                first.expr = Expr::Cast(Box::new(x), CastTo::Encoded(cs));
            }
        }
        Ok(Bound::new(
            Expr::Func(f, args.into_iter().map(|a| a.expr).collect()),
            ty,
            true,
        ))
    }

    fn aggregate(
        &mut self,
        func: AggFunc,
        name: &str,
        args: &[FunctionArg],
        distinct: bool,
        clauses: &[FunctionArgumentClause],
    ) -> Result<Bound, EngineError> {
        let invalid = || EngineError::new(1111, "HY000", "Invalid use of group function");
        // Aggregates belong to the innermost level that collects them.
        let Some(level_no) = self.levels.iter().rposition(|l| l.aggs.is_some()) else {
            return Err(invalid());
        };
        if level_no + 1 != self.levels.len() {
            return Err(EngineError::not_supported(
                "aggregates of an outer query in a subquery",
            ));
        }
        // Arguments are bound with aggregates disabled (no nesting).
        let saved = self.level().aggs.take();
        let mut bound = Vec::new();
        let mut star = false;
        for a in args {
            match a {
                FunctionArg::Unnamed(FunctionArgExpr::Wildcard) if func == AggFunc::Count => {
                    star = true
                }
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => match self.expr(e) {
                    Ok(b) => bound.push(b),
                    Err(err) => {
                        self.level().aggs = saved;
                        return Err(if err.code == 1111 { invalid() } else { err });
                    }
                },
                _ => {
                    self.level().aggs = saved;
                    return Err(EngineError::not_supported(&format!("{name} argument")));
                }
            }
        }
        let mut order = Vec::new();
        let mut separator = ",".to_string();
        for c in clauses {
            match c {
                FunctionArgumentClause::OrderBy(obs) => {
                    for ob in obs {
                        let b = self.expr(&ob.expr)?;
                        let kind = cmp_kind(&b.ty, &b.ty, self.is_dynamic(&b.expr));
                        order.push(SortKey {
                            expr: b.expr,
                            desc: matches!(ob.options.sort, Some(ast::OrderBySort::Desc)),
                            kind,
                        });
                    }
                }
                FunctionArgumentClause::Separator(v) => {
                    separator = match &v.value {
                        SqlValue::SingleQuotedString(s) | SqlValue::DoubleQuotedString(s) => {
                            s.clone()
                        }
                        other => other.to_string(),
                    };
                }
                _ => {}
            }
        }
        self.level().aggs = saved;
        if func == AggFunc::Grouping {
            return self.grouping(bound);
        }
        let func = if star { AggFunc::CountStar } else { func };
        let expected = match func {
            AggFunc::CountStar => 0,
            AggFunc::JsonArrayAgg if !distinct => 1,
            AggFunc::JsonObjectAgg if !distinct => 2,
            AggFunc::GroupConcat | AggFunc::Count if distinct => bound.len().max(1),
            AggFunc::GroupConcat => bound.len().max(1),
            _ => 1,
        };
        if bound.len() != expected && !(func == AggFunc::Count && distinct) {
            return Err(EngineError::parse_error(&format!("{name}("), 1));
        }
        if matches!(
            func,
            AggFunc::Sum
                | AggFunc::Avg
                | AggFunc::Std
                | AggFunc::StdSamp
                | AggFunc::Variance
                | AggFunc::VarSamp
        ) {
            // A JSON argument is summed as MySQL reads JSON as a number (a DOUBLE).
            bound = bound
                .into_iter()
                .map(|b| self.json_number(b, func::json::NumTarget::Double))
                .collect();
        }
        if matches!(func, AggFunc::JsonArrayAgg | AggFunc::JsonObjectAgg) {
            // The value becomes JSON as in JSON_ARRAY (a NULL value is the JSON null).
            let value_at = bound.len() - 1;
            let literal_bool = matches!(
                args.get(value_at),
                Some(FunctionArg::Unnamed(FunctionArgExpr::Expr(e))) if json::ast_is_bool(e)
            );
            if let Some(v) = bound.pop() {
                bound.push(json::to_json_value(v, literal_bool));
            }
        }
        let arg_ty = bound
            .first()
            .map(|b| b.ty.clone())
            .unwrap_or_else(SqlType::bigint);
        let ty = match func {
            AggFunc::CountStar | AggFunc::Count => SqlType::bigint(),
            AggFunc::Sum => match arg_ty.result_kind() {
                ResultKind::Int | ResultKind::Decimal => {
                    SqlType::decimal(65, arg_ty.decimals().min(30))
                }
                _ => SqlType::double(),
            },
            AggFunc::Avg => match arg_ty.result_kind() {
                ResultKind::Int | ResultKind::Decimal => SqlType::decimal(
                    65,
                    (u32::from(arg_ty.decimals().min(30)) + self.div_precision_increment()).min(30)
                        as u8,
                ),
                _ => SqlType::double(),
            },
            AggFunc::Min | AggFunc::Max | AggFunc::AnyValue => arg_ty.clone(),
            AggFunc::GroupConcat => SqlType {
                base: BaseType::Text,
                ..SqlType::varchar(1024, Collation::Utf8mb4_0900_ai_ci)
            },
            AggFunc::BitAnd | AggFunc::BitOr | AggFunc::BitXor => SqlType::ubigint(),
            AggFunc::JsonArrayAgg | AggFunc::JsonObjectAgg => SqlType::new(BaseType::Json),
            _ => SqlType::double(),
        };
        let kind = cmp_kind(
            &arg_ty,
            &arg_ty,
            bound.first().is_some_and(|b| self.is_dynamic(&b.expr)),
        );
        let nullable = !matches!(
            func,
            AggFunc::CountStar
                | AggFunc::Count
                | AggFunc::BitAnd
                | AggFunc::BitOr
                | AggFunc::BitXor
        );
        let call = AggCall {
            func,
            args: bound.into_iter().map(|b| b.expr).collect(),
            distinct,
            order,
            separator,
            ty: ty.clone(),
            kind,
            grouping: Vec::new(),
        };
        self.collect_aggregate(call, nullable)
    }

    /// Adds an aggregate to the current level's collector (identical calls share one slot).
    fn collect_aggregate(&mut self, call: AggCall, nullable: bool) -> Result<Bound, EngineError> {
        let ty = call.ty.clone();
        let key = format!("{call:?}");
        let Some(coll) = self.level().aggs.as_mut() else {
            return Err(EngineError::new(
                1111,
                "HY000",
                "Invalid use of group function",
            ));
        };
        let idx = match coll.keys.iter().position(|k| *k == key) {
            Some(i) => i,
            None => {
                coll.keys.push(key);
                coll.aggs.push(call);
                coll.aggs.len() - 1
            }
        };
        Ok(Bound::new(Expr::Agg(idx), ty, nullable))
    }

    /// `GROUPING(expr, ...)`: collected like an aggregate; the SELECT binder checks it against
    /// the GROUP BY list once that is bound ([`Binder::resolve_grouping`]). A constant argument
    /// is ER 1210, as in MySQL.
    ///
    /// <https://dev.mysql.com/doc/refman/8.4/en/miscellaneous-functions.html#function_grouping>
    fn grouping(&mut self, args: Vec<Bound>) -> Result<Bound, EngineError> {
        if args.is_empty() {
            return Err(EngineError::parse_error(")", 1));
        }
        if args.iter().any(|b| matches!(b.expr, Expr::Const(_))) {
            return Err(EngineError::new(
                1210,
                "HY000",
                "Incorrect arguments to GROUPING function",
            ));
        }
        let call = AggCall {
            func: AggFunc::Grouping,
            args: args.into_iter().map(|b| b.expr).collect(),
            distinct: false,
            order: Vec::new(),
            separator: String::new(),
            ty: SqlType::bigint(),
            kind: CmpKind::Int,
            grouping: Vec::new(),
        };
        self.collect_aggregate(call, false)
    }

    /// Resolves the GROUPING calls of a SELECT's aggregates against its GROUP BY list: ER 1111
    /// without WITH ROLLUP, ER 3602 for an argument that is not a GROUP BY expression.
    pub(crate) fn resolve_grouping(
        aggs: &mut [AggCall],
        groups: &[Expr],
        rollup: bool,
    ) -> Result<(), EngineError> {
        for a in aggs.iter_mut().filter(|a| a.func == AggFunc::Grouping) {
            if !rollup {
                return Err(EngineError::new(
                    1111,
                    "HY000",
                    "Invalid use of group function",
                ));
            }
            let mut positions = Vec::with_capacity(a.args.len());
            for (i, arg) in a.args.iter().enumerate() {
                match groups.iter().position(|g| same(g, arg)) {
                    Some(p) => positions.push(p),
                    None => {
                        return Err(EngineError::new(
                            3602,
                            "HY000",
                            format!(
                                "Argument #{} of GROUPING function is not in GROUP BY",
                                i + 1
                            ),
                        ));
                    }
                }
            }
            a.grouping = positions;
        }
        Ok(())
    }

    /// Binds a subquery at a new level; `columns` checks the column count (scalar: 1).
    fn subquery(
        &mut self,
        q: &ast::Query,
        columns: Option<usize>,
    ) -> Result<(Subquery, SqlType), EngineError> {
        self.enter()?;
        self.push_level();
        let r = self.query_plan(q);
        let level = self.pop_level();
        self.depth -= 1;
        let (root, cols) = r?;
        if let Some(n) = columns {
            if cols.len() != n {
                return Err(EngineError::operand_columns(n));
            }
        } else if cols.len() != 1 {
            // IN/EXISTS: EXISTS ignores the columns; IN needs one.
        }
        let ty = cols
            .first()
            .map(|c| c.ty.clone())
            .unwrap_or_else(SqlType::null);
        let id = self.subqueries;
        self.subqueries += 1;
        let plan = crate::plan::Plan {
            root,
            columns: cols,
            registers: 0,
            subqueries: 0,
            ctes: 0,
            warnings: Vec::new(),
            reads: Vec::new(),
            column_reads: Vec::new(),
        };
        Ok((
            Subquery {
                plan: std::sync::Arc::new(plan),
                kind: SubqueryKind::Scalar,
                binds: level.binds,
                id,
            },
            ty,
        ))
    }

    /// Rewrites a select-level expression for an aggregate query: group expressions become
    /// columns of the Aggregate node's output, aggregates its later columns; any other column
    /// reference is ER 1055 (ONLY_FULL_GROUP_BY) unless its table's primary key is grouped.
    pub(crate) fn rewrite_for_groups(
        &self,
        e: Expr,
        groups: &[Expr],
        extra_any: &mut Vec<AggCall>,
        aggs_before: usize,
        strict: bool,
        item_no: usize,
    ) -> Result<Expr, EngineError> {
        if let Some(i) = groups.iter().position(|g| same(g, &e)) {
            return Ok(Expr::Column(i));
        }
        match e {
            Expr::Agg(k) => Ok(Expr::Column(groups.len() + k)),
            Expr::Column(c) => {
                let scope = self.scope();
                let dependent = scope.cols.get(c).is_some_and(|col| {
                    let t = col.table_no;
                    scope.tables.get(t).is_some_and(|def| {
                        def.primary().is_some_and(|pk| {
                            pk.parts.iter().all(|p| {
                                let pos = scope.cols.iter().position(|sc| {
                                    sc.table_no == t
                                        && sc.name.eq_ignore_ascii_case(&def.columns[p.column].name)
                                });
                                pos.is_some_and(|pos| {
                                    groups
                                        .iter()
                                        .any(|g| matches!(g, Expr::Column(gc) if *gc == pos))
                                })
                            })
                        })
                    })
                });
                if strict && !dependent && !groups.is_empty() {
                    let col = scope.cols.get(c);
                    let name = col
                        .map(|c| {
                            format!(
                                "{}.{}",
                                c.schema,
                                c.table
                                    .clone()
                                    .map(|t| format!("{t}.{}", c.name))
                                    .unwrap_or_else(|| c.name.clone())
                            )
                        })
                        .unwrap_or_default();
                    return Err(EngineError::new(
                        1055,
                        "42000",
                        format!(
                            "Expression #{item_no} of SELECT list is not in GROUP BY clause and contains nonaggregated column '{name}' which is not functionally dependent on columns in GROUP BY clause; this is incompatible with sql_mode=only_full_group_by"
                        ),
                    ));
                }
                if strict && groups.is_empty() && !dependent {
                    let col = scope.cols.get(c);
                    let name = col
                        .map(|c| {
                            format!(
                                "{}.{}",
                                c.schema,
                                c.table
                                    .clone()
                                    .map(|t| format!("{t}.{}", c.name))
                                    .unwrap_or_else(|| c.name.clone())
                            )
                        })
                        .unwrap_or_default();
                    return Err(EngineError::new(
                        1140,
                        "42000",
                        format!(
                            "In aggregated query without GROUP BY, expression #{item_no} of SELECT list contains nonaggregated column '{name}'; this is incompatible with sql_mode=only_full_group_by"
                        ),
                    ));
                }
                // Take any value of the group (MySQL without ONLY_FULL_GROUP_BY).
                let ty = scope
                    .cols
                    .get(c)
                    .map(|c| c.ty.clone())
                    .unwrap_or_else(SqlType::null);
                extra_any.push(AggCall {
                    func: AggFunc::AnyValue,
                    args: vec![Expr::Column(c)],
                    distinct: false,
                    order: Vec::new(),
                    separator: String::new(),
                    ty,
                    kind: CmpKind::Dynamic,
                    grouping: Vec::new(),
                });
                Ok(Expr::Column(
                    groups.len() + aggs_before + extra_any.len() - 1,
                ))
            }
            Expr::Subquery(mut s) => {
                let mut binds = Vec::new();
                for (r, b) in std::mem::take(&mut s.binds) {
                    binds.push((
                        r,
                        self.rewrite_for_groups(
                            b,
                            groups,
                            extra_any,
                            aggs_before,
                            strict,
                            item_no,
                        )?,
                    ));
                }
                s.binds = binds;
                s.kind = match s.kind {
                    SubqueryKind::In { expr, kind } => SubqueryKind::In {
                        expr: Box::new(self.rewrite_for_groups(
                            *expr,
                            groups,
                            extra_any,
                            aggs_before,
                            strict,
                            item_no,
                        )?),
                        kind,
                    },
                    SubqueryKind::Quantified {
                        expr,
                        op,
                        all,
                        kind,
                    } => SubqueryKind::Quantified {
                        expr: Box::new(self.rewrite_for_groups(
                            *expr,
                            groups,
                            extra_any,
                            aggs_before,
                            strict,
                            item_no,
                        )?),
                        op,
                        all,
                        kind,
                    },
                    k => k,
                };
                Ok(Expr::Subquery(s))
            }
            other => {
                let mut err = None;
                let out = other.map_children(&mut |c| {
                    if err.is_some() {
                        return c;
                    }
                    match self.rewrite_for_groups(
                        c,
                        groups,
                        extra_any,
                        aggs_before,
                        strict,
                        item_no,
                    ) {
                        Ok(x) => x,
                        Err(e) => {
                            err = Some(e);
                            Expr::Const(Value::Null)
                        }
                    }
                });
                match err {
                    Some(e) => Err(e),
                    None => Ok(out),
                }
            }
        }
    }

    /// True when sql_mode has ONLY_FULL_GROUP_BY.
    pub(crate) fn only_full_group_by(&self) -> bool {
        self.session
            .vars
            .get("sql_mode")
            .is_some_and(|m| m.split(',').any(|x| x == "ONLY_FULL_GROUP_BY"))
    }
}

fn unreachable_scope() -> &'static Scope {
    static EMPTY: std::sync::OnceLock<Scope> = std::sync::OnceLock::new();
    EMPTY.get_or_init(Scope::default)
}

fn char_len(len: &Option<ast::CharacterLength>) -> Option<u32> {
    match len {
        Some(ast::CharacterLength::IntegerLength { length, .. }) => {
            Some(u32::try_from(*length).unwrap_or(u32::MAX))
        }
        _ => None,
    }
}

fn cmp_op(op: &BinaryOperator) -> Option<CmpOp> {
    Some(match op {
        BinaryOperator::Eq => CmpOp::Eq,
        BinaryOperator::NotEq => CmpOp::Ne,
        BinaryOperator::Lt => CmpOp::Lt,
        BinaryOperator::LtEq => CmpOp::Le,
        BinaryOperator::Gt => CmpOp::Gt,
        BinaryOperator::GtEq => CmpOp::Ge,
        BinaryOperator::Spaceship => CmpOp::NullSafeEq,
        _ => return None,
    })
}

/// MySQL's printed form of an arithmetic expression, as ER 1690 quotes it:
/// `(cast(0 as unsigned) - 1)`.
fn arith_text(a: &ast::Expr, op: &BinaryOperator, b: &ast::Expr) -> std::sync::Arc<str> {
    let op = match op {
        BinaryOperator::MyIntegerDivide => "DIV".to_string(),
        other => other.to_string(),
    };
    std::sync::Arc::from(format!("({} {} {})", sql_text(a), op, sql_text(b)))
}

/// An expression printed the way MySQL prints items in messages.
pub(crate) fn sql_text(e: &ast::Expr) -> String {
    match e {
        ast::Expr::BinaryOp { left, op, right } => arith_text(left, op, right).to_string(),
        ast::Expr::UnaryOp {
            op: UnaryOperator::Minus,
            expr,
        } => format!("-({})", sql_text(expr)),
        ast::Expr::Nested(inner) => sql_text(inner),
        ast::Expr::Cast {
            expr, data_type, ..
        } => format!(
            "cast({} as {})",
            sql_text(expr),
            data_type.to_string().to_ascii_lowercase()
        ),
        ast::Expr::Value(v) => match &v.value {
            SqlValue::Number(n, _) => n.clone(),
            SqlValue::SingleQuotedString(s) | SqlValue::DoubleQuotedString(s) => format!("'{s}'"),
            other => other.to_string(),
        },
        ast::Expr::Function(f) => {
            let args = match &f.args {
                FunctionArguments::List(l) => l
                    .args
                    .iter()
                    .map(|a| match a {
                        FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => sql_text(e),
                        other => other.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(","),
                _ => String::new(),
            };
            format!("{}({args})", f.name.to_string().to_ascii_lowercase())
        }
        other => other.to_string(),
    }
}
