//! Binding of JSON: the JSON functions' argument checks, `->` and `->>`, `MEMBER OF`,
//! `CAST(... AS JSON)`, comparisons with a JSON side and JSON values read as numbers.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/json.html#json-comparison>,
//! <https://dev.mysql.com/doc/refman/8.4/en/json-function-reference.html>
//!
//! JSON values are JSON text at run time, so whatever depends on an argument's *type* is
//! decided here: an SQL value passed where a function takes a JSON value (JSON_ARRAY's
//! elements, JSON_SET's new values, the non-JSON side of a comparison) is wrapped in the
//! conversion MySQL applies to its type ([`to_json_value`]): a JSON value stays as it is, a
//! predicate (or TRUE/FALSE) becomes a JSON boolean, a binary string MySQL's opaque value, any
//! other value a JSON scalar (a string a JSON string).

use sqlparser::ast::{self, Value as SqlValue};

use super::{Binder, Bound};
use crate::error::EngineError;
use crate::func::Func;
use crate::func::json::{JsonFunc, NumTarget};
use crate::plan::{CmpKind, CmpOp, Expr, SubqueryKind};
use crate::types::{BaseType, SqlType};
use crate::value::Value;

/// True for a TRUE or FALSE literal (in parentheses or not): MySQL makes it a JSON boolean.
pub(super) fn ast_is_bool(e: &ast::Expr) -> bool {
    match e {
        ast::Expr::Nested(x) => ast_is_bool(x),
        ast::Expr::Value(v) => matches!(v.value, SqlValue::Boolean(_)),
        _ => false,
    }
}

/// True for a predicate (MySQL's `is_bool_func`): comparisons, logic, IS, LIKE, IN, BETWEEN,
/// EXISTS, MEMBER OF, ISNULL().
fn is_predicate(e: &Expr) -> bool {
    match e {
        Expr::Cmp(..)
        | Expr::Not(_)
        | Expr::And(..)
        | Expr::Or(..)
        | Expr::Xor(..)
        | Expr::IsNull(..)
        | Expr::IsBool(..)
        | Expr::Like { .. }
        | Expr::InList { .. }
        | Expr::Between { .. } => true,
        Expr::Subquery(s) => !matches!(s.kind, SubqueryKind::Scalar),
        Expr::Func(f, _) => matches!(f, Func::IsNull | Func::Json(JsonFunc::MemberOf)),
        _ => false,
    }
}

fn json_call(f: JsonFunc, args: Vec<Expr>) -> Expr {
    Expr::Func(Func::Json(f), args)
}

fn json_type() -> SqlType {
    SqlType::new(BaseType::Json)
}

/// MySQL's field type code of a binary string type, as JSON's opaque values record it.
fn opaque_type(t: &SqlType) -> Option<u8> {
    Some(match t.base {
        BaseType::Binary => 254,
        BaseType::VarBinary => 15,
        BaseType::TinyBlob => 249,
        BaseType::Blob => 252,
        BaseType::MediumBlob => 250,
        BaseType::LongBlob => 251,
        BaseType::Bit => 16,
        _ if t.is_text() && t.collation.is_binary() => 15,
        _ => return None,
    })
}

/// `b` as a JSON value (see the module docs); `literal_bool` when its text is TRUE/FALSE.
pub(super) fn to_json_value(b: Bound, literal_bool: bool) -> Bound {
    if matches!(b.ty.base, BaseType::Json | BaseType::Null) {
        return b;
    }
    let f = if literal_bool || is_predicate(&b.expr) {
        JsonFunc::Bool
    } else if let Some(code) = opaque_type(&b.ty) {
        JsonFunc::Opaque(code)
    } else {
        JsonFunc::Scalar
    };
    Bound::new(json_call(f, vec![b.expr]), json_type(), b.nullable)
}

impl Binder<'_> {
    /// A JSON function with bound arguments: argument counts (ER 1582), the types JSON_QUOTE
    /// and JSON_UNQUOTE accept (ER 3064), JSON_MERGE's deprecation warning, and the value
    /// conversions. `bools[i]` tells that argument `i` was written TRUE or FALSE.
    pub(super) fn json_call(
        &mut self,
        f: JsonFunc,
        name: &str,
        args: Vec<Bound>,
        bools: &[bool],
    ) -> Result<Bound, EngineError> {
        let wrong_count = || {
            EngineError::new(
                1582,
                "42000",
                format!("Incorrect parameter count in the call to native function '{name}'"),
            )
        };
        let (min, max) = f.arity();
        let n = args.len();
        if n < min || n > max {
            return Err(wrong_count());
        }
        match f {
            JsonFunc::Object if !n.is_multiple_of(2) => return Err(wrong_count()),
            JsonFunc::Set
            | JsonFunc::Insert
            | JsonFunc::Replace
            | JsonFunc::ArrayAppend
            | JsonFunc::ArrayInsert
                if n.is_multiple_of(2) =>
            {
                return Err(wrong_count());
            }
            JsonFunc::Quote | JsonFunc::Unquote => {
                let t = args.first().map(|a| &a.ty);
                let ok = t.is_none_or(|t| {
                    t.is_string() && (t.base != BaseType::Json || f == JsonFunc::Unquote)
                        || t.base == BaseType::Null
                });
                if !ok {
                    return Err(EngineError::incorrect_type(
                        1,
                        &f.name().to_ascii_lowercase(),
                    ));
                }
            }
            JsonFunc::Merge => self.warnings.push((
                1287,
                "'JSON_MERGE' is deprecated and will be removed in a future release. Please use JSON_MERGE_PRESERVE/JSON_MERGE_PATCH instead".into(),
            )),
            _ => {}
        }
        let args: Vec<Bound> = args
            .into_iter()
            .enumerate()
            .map(|(i, a)| {
                if f.is_value_position(i) {
                    to_json_value(a, bools.get(i).copied().unwrap_or(false))
                } else {
                    a
                }
            })
            .collect();
        let types: Vec<SqlType> = args.iter().map(|a| a.ty.clone()).collect();
        let ty = f.return_type(&types);
        Ok(Bound::new(
            json_call(f, args.into_iter().map(|a| a.expr).collect()),
            ty,
            true,
        ))
    }

    /// `doc->path` (JSON_EXTRACT) and `doc->>path` (JSON_UNQUOTE(JSON_EXTRACT())).
    ///
    /// In MySQL the arrows belong to the column they follow; sqlparser gives them a precedence
    /// below `+`, so `c->'$.a' + 1` arrives as `c->('$.a' + 1)`. The arrow is moved back onto
    /// the leftmost operand of such a right side.
    pub(super) fn json_arrow(
        &mut self,
        doc: &ast::Expr,
        path: &ast::Expr,
        unquote: bool,
    ) -> Result<Bound, EngineError> {
        use ast::BinaryOperator as B;
        if let ast::Expr::BinaryOp { left, op, right } = path
            && matches!(
                op,
                B::Plus
                    | B::Minus
                    | B::Multiply
                    | B::Divide
                    | B::Modulo
                    | B::MyIntegerDivide
                    | B::BitwiseAnd
                    | B::BitwiseOr
                    | B::BitwiseXor
                    | B::PGBitwiseShiftLeft
                    | B::PGBitwiseShiftRight
                    | B::StringConcat
            )
        {
            let arrow = if unquote { B::LongArrow } else { B::Arrow };
            let moved = ast::Expr::BinaryOp {
                left: Box::new(ast::Expr::BinaryOp {
                    left: Box::new(doc.clone()),
                    op: arrow,
                    right: left.clone(),
                }),
                op: op.clone(),
                right: right.clone(),
            };
            return self.expr(&moved);
        }
        self.json_arrow_call(doc, path, unquote)
    }

    fn json_arrow_call(
        &mut self,
        doc: &ast::Expr,
        path: &ast::Expr,
        unquote: bool,
    ) -> Result<Bound, EngineError> {
        let d = self.expr(doc)?;
        let p = self.expr(path)?;
        let extract = self.json_call(JsonFunc::Extract, "JSON_EXTRACT", vec![d, p], &[])?;
        if unquote {
            return self.json_call(JsonFunc::Unquote, "JSON_UNQUOTE", vec![extract], &[]);
        }
        Ok(extract)
    }

    /// `value MEMBER OF(array)`.
    pub(super) fn member_of(&mut self, m: &ast::MemberOf) -> Result<Bound, EngineError> {
        let v = self.expr(&m.value)?;
        let a = self.expr(&m.array)?;
        let bools = [ast_is_bool(&m.value), false];
        self.json_call(JsonFunc::MemberOf, "MEMBER OF", vec![v, a], &bools)
    }

    /// `CAST(x AS JSON)`: a JSON value stays, a string is parsed as JSON text (ER 3141 from
    /// `cast_as_json`), anything else becomes a JSON value as in JSON_ARRAY.
    pub(super) fn cast_json(&mut self, x: Bound, literal_bool: bool) -> Bound {
        match x.ty.base {
            BaseType::Json => x,
            BaseType::Null => Bound::new(x.expr, json_type(), true),
            _ if x.ty.is_text() && !x.ty.collation.is_binary()
                || matches!(x.ty.base, BaseType::Enum | BaseType::Set) =>
            {
                Bound::new(
                    json_call(JsonFunc::Parse, vec![x.expr]),
                    json_type(),
                    x.nullable,
                )
            }
            _ => {
                let b = to_json_value(x, literal_bool);
                match b.expr {
                    // A CAST's value goes out to clients and into JSON columns: JSON text.
                    Expr::Func(Func::Json(JsonFunc::Scalar), args) => {
                        Bound::new(json_call(JsonFunc::CastScalar, args), b.ty, b.nullable)
                    }
                    _ => b,
                }
            }
        }
    }

    /// A JSON-typed operand read as a number (arithmetic, numeric CASTs), with warning 3156
    /// naming the column or function it came from.
    pub(super) fn json_number(&self, x: Bound, target: NumTarget) -> Bound {
        if x.ty.base != BaseType::Json {
            return x;
        }
        let source = match &x.expr {
            Expr::Column(i) => self
                .levels
                .last()
                .and_then(|l| l.scope.cols.get(*i))
                .map(|c| c.name.clone())
                .unwrap_or_default(),
            Expr::Func(f, _) => f.name().to_ascii_lowercase(),
            _ => String::new(),
        };
        let f = JsonFunc::ToNumber(target);
        let ty = f.return_type(&[]);
        Bound::new(
            json_call(f, vec![x.expr, Expr::Const(Value::str(source))]),
            ty,
            x.nullable,
        )
    }

    /// `x [NOT] IN (list)` where a side is JSON: every operand becomes JSON and they compare
    /// as JSON.
    pub(super) fn json_in_list(
        &self,
        x: Bound,
        x_ast: &ast::Expr,
        items: Vec<Bound>,
        item_asts: &[ast::Expr],
        negated: bool,
        nullable: bool,
    ) -> Bound {
        let list = items
            .into_iter()
            .zip(item_asts)
            .map(|(i, a)| to_json_value(i, ast_is_bool(a)).expr)
            .collect();
        Bound::new(
            Expr::InList {
                expr: Box::new(to_json_value(x, ast_is_bool(x_ast)).expr),
                list,
                kind: CmpKind::Json,
                negated,
            },
            SqlType::bigint(),
            nullable,
        )
    }

    /// A CAST's operand when it is JSON: read as a number for numeric targets, unquoted for
    /// temporal ones (a JSON string holds the date).
    pub(super) fn json_cast_operand(&self, x: Bound, dt: &ast::DataType) -> Bound {
        use ast::DataType as D;
        if x.ty.base != BaseType::Json {
            return x;
        }
        match dt {
            D::Signed
            | D::SignedInteger
            | D::Int(_)
            | D::Integer(_)
            | D::BigInt(_)
            | D::Unsigned
            | D::UnsignedInteger
            | D::IntUnsigned(_)
            | D::BigIntUnsigned(_)
            | D::IntegerUnsigned(_) => self.json_number(x, NumTarget::Integer),
            D::Decimal(_) | D::Dec(_) | D::Numeric(_) => self.json_number(x, NumTarget::Decimal),
            D::Double(_) | D::DoublePrecision | D::Float(_) | D::Real => {
                self.json_number(x, NumTarget::Double)
            }
            D::Date | D::Datetime(_) | D::Timestamp(..) | D::Time(..) | D::Custom(..) => {
                let ty = JsonFunc::Unquote.return_type(std::slice::from_ref(&x.ty));
                Bound::new(json_call(JsonFunc::Unquote, vec![x.expr]), ty, x.nullable)
            }
            _ => x,
        }
    }

    /// A JSON value in a boolean context (WHERE, HAVING, ON, AND/OR/XOR/NOT operands): MySQL
    /// compares it with the JSON integer 0 (so JSON true and false are both true, only a JSON
    /// zero is false) and warns 3986.
    pub(super) fn json_truth(&mut self, b: Bound) -> Bound {
        if b.ty.base != BaseType::Json {
            return b;
        }
        self.warnings.push((
            3986,
            "Evaluating a JSON value in SQL boolean context does an implicit comparison against JSON integer 0; if this is not what you want, consider converting JSON to a SQL numeric type with JSON_VALUE RETURNING".into(),
        ));
        Bound::new(
            Expr::Cmp(
                CmpOp::Ne,
                CmpKind::Json,
                Box::new(b.expr),
                Box::new(Expr::Const(Value::Int(0))),
            ),
            SqlType::bigint(),
            b.nullable,
        )
    }

    /// The operands of a comparison, made JSON when one side is JSON (the comparison is then
    /// MySQL's JSON comparison, the flag true); unchanged when neither is or a side is decided
    /// only at run time.
    pub(super) fn json_operands(
        &self,
        x: Bound,
        y: Bound,
        x_ast: &ast::Expr,
        y_ast: &ast::Expr,
    ) -> (Bound, Bound, bool) {
        let json = |b: &Bound| b.ty.base == BaseType::Json;
        if !(json(&x) || json(&y)) || self.is_dynamic(&x.expr) || self.is_dynamic(&y.expr) {
            return (x, y, false);
        }
        let xb = ast_is_bool(x_ast);
        let yb = ast_is_bool(y_ast);
        (to_json_value(x, xb), to_json_value(y, yb), true)
    }
}
