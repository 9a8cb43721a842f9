//! SQL data types: what a column is declared as and what an expression yields.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/data-types.html>
//!
//! [`SqlType`] is both a table column's declared type and a bound expression's result type (as
//! MySQL's `Item::data_type()`), so result-set metadata ([`crate::Column`]) is known from the plan
//! before any row exists. [`FieldType`] and the `flags` constants are MySQL's `enum_field_types`
//! and column flags, named as MySQL names them; the server maps them to protocol bytes.

use std::sync::Arc;

use crate::collation::Collation;

/// The declared base type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BaseType {
    /// TINYINT (BOOL is TINYINT(1)).
    TinyInt,
    /// SMALLINT.
    SmallInt,
    /// MEDIUMINT.
    MediumInt,
    /// INT / INTEGER.
    Int,
    /// BIGINT.
    BigInt,
    /// DECIMAL(M,D) / NUMERIC.
    Decimal,
    /// FLOAT.
    Float,
    /// DOUBLE / REAL.
    Double,
    /// BIT(M).
    Bit,
    /// YEAR.
    Year,
    /// DATE.
    Date,
    /// TIME(fsp).
    Time,
    /// DATETIME(fsp).
    DateTime,
    /// TIMESTAMP(fsp).
    Timestamp,
    /// CHAR(M).
    Char,
    /// VARCHAR(M).
    VarChar,
    /// TINYTEXT.
    TinyText,
    /// TEXT.
    Text,
    /// MEDIUMTEXT.
    MediumText,
    /// LONGTEXT.
    LongText,
    /// BINARY(M).
    Binary,
    /// VARBINARY(M).
    VarBinary,
    /// TINYBLOB.
    TinyBlob,
    /// BLOB.
    Blob,
    /// MEDIUMBLOB.
    MediumBlob,
    /// LONGBLOB.
    LongBlob,
    /// ENUM('a', ...).
    Enum,
    /// SET('a', ...).
    Set,
    /// JSON.
    Json,
    /// The type of a bare NULL.
    Null,
}

/// MySQL's `enum_field_types` as it appears in result-set metadata.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldType {
    /// MYSQL_TYPE_TINY (1).
    Tiny,
    /// MYSQL_TYPE_SHORT (2).
    Short,
    /// MYSQL_TYPE_LONG (3).
    Long,
    /// MYSQL_TYPE_FLOAT (4).
    Float,
    /// MYSQL_TYPE_DOUBLE (5).
    Double,
    /// MYSQL_TYPE_NULL (6).
    Null,
    /// MYSQL_TYPE_TIMESTAMP (7).
    Timestamp,
    /// MYSQL_TYPE_LONGLONG (8).
    LongLong,
    /// MYSQL_TYPE_INT24 (9).
    Int24,
    /// MYSQL_TYPE_DATE (10).
    Date,
    /// MYSQL_TYPE_TIME (11).
    Time,
    /// MYSQL_TYPE_DATETIME (12).
    DateTime,
    /// MYSQL_TYPE_YEAR (13).
    Year,
    /// MYSQL_TYPE_BIT (16).
    Bit,
    /// MYSQL_TYPE_JSON (245).
    Json,
    /// MYSQL_TYPE_NEWDECIMAL (246).
    NewDecimal,
    /// MYSQL_TYPE_BLOB (252): TEXT and BLOB types.
    Blob,
    /// MYSQL_TYPE_VAR_STRING (253): VARCHAR, VARBINARY and string expressions.
    VarString,
    /// MYSQL_TYPE_STRING (254): CHAR, BINARY, ENUM, SET.
    String,
}

impl FieldType {
    /// The `enum_field_types` number.
    pub fn code(self) -> u8 {
        match self {
            FieldType::Tiny => 1,
            FieldType::Short => 2,
            FieldType::Long => 3,
            FieldType::Float => 4,
            FieldType::Double => 5,
            FieldType::Null => 6,
            FieldType::Timestamp => 7,
            FieldType::LongLong => 8,
            FieldType::Int24 => 9,
            FieldType::Date => 10,
            FieldType::Time => 11,
            FieldType::DateTime => 12,
            FieldType::Year => 13,
            FieldType::Bit => 16,
            FieldType::Json => 245,
            FieldType::NewDecimal => 246,
            FieldType::Blob => 252,
            FieldType::VarString => 253,
            FieldType::String => 254,
        }
    }
}

/// Column flags as MySQL defines them (`NOT_NULL_FLAG` ...).
pub mod flags {
    /// NOT_NULL_FLAG.
    pub const NOT_NULL: u16 = 1;
    /// PRI_KEY_FLAG.
    pub const PRI_KEY: u16 = 2;
    /// UNIQUE_KEY_FLAG.
    pub const UNIQUE_KEY: u16 = 4;
    /// MULTIPLE_KEY_FLAG.
    pub const MULTIPLE_KEY: u16 = 8;
    /// BLOB_FLAG.
    pub const BLOB: u16 = 16;
    /// UNSIGNED_FLAG.
    pub const UNSIGNED: u16 = 32;
    /// ZEROFILL_FLAG.
    pub const ZEROFILL: u16 = 64;
    /// BINARY_FLAG.
    pub const BINARY: u16 = 128;
    /// ENUM_FLAG.
    pub const ENUM: u16 = 256;
    /// AUTO_INCREMENT_FLAG.
    pub const AUTO_INCREMENT: u16 = 512;
    /// TIMESTAMP_FLAG.
    pub const TIMESTAMP: u16 = 1024;
    /// SET_FLAG.
    pub const SET: u16 = 2048;
    /// NO_DEFAULT_VALUE_FLAG.
    pub const NO_DEFAULT_VALUE: u16 = 4096;
    /// ON_UPDATE_NOW_FLAG.
    pub const ON_UPDATE_NOW: u16 = 8192;
    /// PART_KEY_FLAG.
    pub const PART_KEY: u16 = 16384;
    /// NUM_FLAG.
    pub const NUM: u16 = 32768;
}

/// How values of a type compare and compute (MySQL's `Item_result`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResultKind {
    /// Integers (signed or unsigned).
    Int,
    /// Exact decimals.
    Decimal,
    /// Doubles.
    Real,
    /// Strings (compared under a collation).
    String,
    /// DATE/DATETIME/TIMESTAMP/TIME (compared as temporal values).
    Temporal,
}

/// A declared column type or an expression's result type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SqlType {
    /// Base type.
    pub base: BaseType,
    /// UNSIGNED (integers, DECIMAL, FLOAT, DOUBLE).
    pub unsigned: bool,
    /// ZEROFILL.
    pub zerofill: bool,
    /// M: characters for strings, digits for DECIMAL, bits for BIT, display width for integers
    /// (0 = not given).
    pub length: u32,
    /// D for DECIMAL/FLOAT/DOUBLE, fsp for TIME/DATETIME/TIMESTAMP; 31 = not fixed.
    pub scale: u8,
    /// Collation of string types ([`Collation::Binary`] for binary strings and non-strings).
    pub collation: Collation,
    /// ENUM/SET members.
    pub elements: Option<Arc<[String]>>,
}

/// `decimals` of a type with no fixed scale (MySQL's DECIMAL_NOT_SPECIFIED).
pub const NOT_FIXED_DEC: u8 = 31;

impl SqlType {
    /// A type with defaults for everything but the base.
    pub fn new(base: BaseType) -> Self {
        let mut t = SqlType {
            base,
            unsigned: false,
            zerofill: false,
            length: 0,
            scale: 0,
            collation: Collation::Binary,
            elements: None,
        };
        if t.is_text() || matches!(base, BaseType::Enum | BaseType::Set) {
            t.collation = Collation::Utf8mb4_0900_ai_ci;
        }
        if matches!(base, BaseType::Float | BaseType::Double) {
            t.scale = NOT_FIXED_DEC;
        }
        t
    }

    /// BIGINT (signed), the type of integer expressions.
    pub fn bigint() -> Self {
        Self::new(BaseType::BigInt)
    }

    /// BIGINT UNSIGNED.
    pub fn ubigint() -> Self {
        SqlType {
            unsigned: true,
            ..Self::new(BaseType::BigInt)
        }
    }

    /// DOUBLE.
    pub fn double() -> Self {
        Self::new(BaseType::Double)
    }

    /// DECIMAL(m, d).
    pub fn decimal(m: u32, d: u8) -> Self {
        SqlType {
            length: m,
            scale: d,
            ..Self::new(BaseType::Decimal)
        }
    }

    /// VARCHAR(chars) in a collation.
    pub fn varchar(chars: u32, collation: Collation) -> Self {
        SqlType {
            length: chars,
            collation,
            ..Self::new(BaseType::VarChar)
        }
    }

    /// The type of NULL.
    pub fn null() -> Self {
        Self::new(BaseType::Null)
    }

    /// Integer types (not BIT/YEAR).
    pub fn is_integer(&self) -> bool {
        matches!(
            self.base,
            BaseType::TinyInt
                | BaseType::SmallInt
                | BaseType::MediumInt
                | BaseType::Int
                | BaseType::BigInt
        )
    }

    /// Numeric types.
    pub fn is_numeric(&self) -> bool {
        self.is_integer()
            || matches!(
                self.base,
                BaseType::Decimal | BaseType::Float | BaseType::Double
            )
    }

    /// Character (non-binary) string types, ENUM/SET excluded.
    pub fn is_text(&self) -> bool {
        matches!(
            self.base,
            BaseType::Char
                | BaseType::VarChar
                | BaseType::TinyText
                | BaseType::Text
                | BaseType::MediumText
                | BaseType::LongText
        )
    }

    /// Binary string types.
    pub fn is_binary_string(&self) -> bool {
        matches!(
            self.base,
            BaseType::Binary
                | BaseType::VarBinary
                | BaseType::TinyBlob
                | BaseType::Blob
                | BaseType::MediumBlob
                | BaseType::LongBlob
        )
    }

    /// Any string type (text, binary, ENUM, SET, JSON).
    pub fn is_string(&self) -> bool {
        self.is_text()
            || self.is_binary_string()
            || matches!(self.base, BaseType::Enum | BaseType::Set | BaseType::Json)
    }

    /// DATE, TIME, DATETIME, TIMESTAMP.
    pub fn is_temporal(&self) -> bool {
        matches!(
            self.base,
            BaseType::Date | BaseType::Time | BaseType::DateTime | BaseType::Timestamp
        )
    }

    /// TEXT/BLOB family (no inline length limit in the row, BLOB_FLAG).
    pub fn is_blob(&self) -> bool {
        matches!(
            self.base,
            BaseType::TinyText
                | BaseType::Text
                | BaseType::MediumText
                | BaseType::LongText
                | BaseType::TinyBlob
                | BaseType::Blob
                | BaseType::MediumBlob
                | BaseType::LongBlob
        )
    }

    /// How values of this type compute and compare.
    pub fn result_kind(&self) -> ResultKind {
        match self.base {
            BaseType::TinyInt
            | BaseType::SmallInt
            | BaseType::MediumInt
            | BaseType::Int
            | BaseType::BigInt
            | BaseType::Year
            | BaseType::Bit => ResultKind::Int,
            BaseType::Decimal => ResultKind::Decimal,
            BaseType::Float | BaseType::Double => ResultKind::Real,
            BaseType::Date | BaseType::Time | BaseType::DateTime | BaseType::Timestamp => {
                ResultKind::Temporal
            }
            _ => ResultKind::String,
        }
    }

    /// Maximum length in characters of a string type (bytes for binary types).
    pub fn max_chars(&self) -> u64 {
        match self.base {
            BaseType::Char | BaseType::VarChar | BaseType::Binary | BaseType::VarBinary => {
                u64::from(self.length)
            }
            BaseType::TinyText | BaseType::TinyBlob => 255,
            BaseType::Text | BaseType::Blob => 65_535,
            BaseType::MediumText | BaseType::MediumBlob => 16_777_215,
            BaseType::LongText | BaseType::LongBlob | BaseType::Json => 4_294_967_295,
            _ => u64::from(self.display_length()),
        }
    }

    /// Maximum storage bytes of TEXT/BLOB types (their limit is in bytes, not characters).
    pub fn max_bytes(&self) -> Option<u64> {
        match self.base {
            BaseType::TinyText | BaseType::TinyBlob => Some(255),
            BaseType::Text | BaseType::Blob => Some(65_535),
            BaseType::MediumText | BaseType::MediumBlob => Some(16_777_215),
            BaseType::LongText | BaseType::LongBlob => Some(4_294_967_295),
            _ => None,
        }
    }

    /// Display length in characters, as MySQL computes `max_length / mbmaxlen`.
    pub fn display_length(&self) -> u32 {
        let u = self.unsigned;
        match self.base {
            BaseType::TinyInt => self.width_or(if u { 3 } else { 4 }),
            BaseType::SmallInt => self.width_or(if u { 5 } else { 6 }),
            BaseType::MediumInt => self.width_or(if u { 8 } else { 9 }),
            BaseType::Int => self.width_or(if u { 10 } else { 11 }),
            BaseType::BigInt => self.width_or(20),
            BaseType::Decimal => {
                let m = if self.length == 0 { 10 } else { self.length };
                m + u32::from(self.scale > 0) + u32::from(!u)
            }
            BaseType::Float => {
                if self.length > 0 && self.scale != NOT_FIXED_DEC {
                    self.length + 2
                } else {
                    12
                }
            }
            BaseType::Double => {
                if self.length > 0 && self.scale != NOT_FIXED_DEC {
                    self.length + 2
                } else {
                    22
                }
            }
            BaseType::Bit => self.length.max(1),
            BaseType::Year => 4,
            BaseType::Date => 10,
            BaseType::Time => 10 + fsp_len(self.scale),
            BaseType::DateTime | BaseType::Timestamp => 19 + fsp_len(self.scale),
            BaseType::Char | BaseType::VarChar | BaseType::Binary | BaseType::VarBinary => {
                self.length
            }
            BaseType::Enum | BaseType::Set => {
                let els = self.elements.as_deref().unwrap_or(&[]);
                let widest = els.iter().map(|e| e.chars().count()).max().unwrap_or(0);
                let n = if self.base == BaseType::Set {
                    els.iter().map(|e| e.chars().count()).sum::<usize>()
                        + els.len().saturating_sub(1)
                } else {
                    widest
                };
                u32::try_from(n).unwrap_or(u32::MAX)
            }
            BaseType::TinyText | BaseType::TinyBlob => 255,
            BaseType::Text | BaseType::Blob => 65_535,
            BaseType::MediumText | BaseType::MediumBlob => 16_777_215,
            BaseType::LongText | BaseType::LongBlob | BaseType::Json => u32::MAX,
            BaseType::Null => 0,
        }
    }

    fn width_or(&self, default: u32) -> u32 {
        if self.length > 0 {
            self.length
        } else {
            default
        }
    }

    /// The result-set field type.
    pub fn field_type(&self) -> FieldType {
        match self.base {
            BaseType::TinyInt => FieldType::Tiny,
            BaseType::SmallInt => FieldType::Short,
            BaseType::MediumInt => FieldType::Int24,
            BaseType::Int => FieldType::Long,
            BaseType::BigInt => FieldType::LongLong,
            BaseType::Decimal => FieldType::NewDecimal,
            BaseType::Float => FieldType::Float,
            BaseType::Double => FieldType::Double,
            BaseType::Bit => FieldType::Bit,
            BaseType::Year => FieldType::Year,
            BaseType::Date => FieldType::Date,
            BaseType::Time => FieldType::Time,
            BaseType::DateTime => FieldType::DateTime,
            BaseType::Timestamp => FieldType::Timestamp,
            BaseType::Char | BaseType::Binary | BaseType::Enum | BaseType::Set => FieldType::String,
            BaseType::VarChar | BaseType::VarBinary => FieldType::VarString,
            BaseType::TinyText
            | BaseType::Text
            | BaseType::MediumText
            | BaseType::LongText
            | BaseType::TinyBlob
            | BaseType::Blob
            | BaseType::MediumBlob
            | BaseType::LongBlob => FieldType::Blob,
            BaseType::Json => FieldType::Json,
            BaseType::Null => FieldType::Null,
        }
    }

    /// Result-set `column_length` in bytes (characters × bytes per character for text).
    pub fn column_length(&self) -> u32 {
        let chars = self.display_length();
        if self.is_text() || matches!(self.base, BaseType::Enum | BaseType::Set) {
            chars.saturating_mul(self.collation.max_bytes_per_char())
        } else if self.base == BaseType::Json {
            u32::MAX
        } else {
            chars
        }
    }

    /// Result-set `decimals`.
    pub fn decimals(&self) -> u8 {
        match self.base {
            BaseType::Decimal
            | BaseType::Float
            | BaseType::Double
            | BaseType::Time
            | BaseType::DateTime
            | BaseType::Timestamp => self.scale,
            BaseType::Char
            | BaseType::VarChar
            | BaseType::TinyText
            | BaseType::Text
            | BaseType::MediumText
            | BaseType::LongText
            | BaseType::Binary
            | BaseType::VarBinary
            | BaseType::TinyBlob
            | BaseType::Blob
            | BaseType::MediumBlob
            | BaseType::LongBlob
            | BaseType::Enum
            | BaseType::Set
            | BaseType::Json => NOT_FIXED_DEC,
            _ => 0,
        }
    }

    /// Character set/collation id for metadata: the collation for text, 63 (binary) otherwise.
    pub fn collation_id(&self) -> u16 {
        if self.is_text() || matches!(self.base, BaseType::Enum | BaseType::Set | BaseType::Json) {
            if self.base == BaseType::Json {
                return Collation::Utf8mb4_bin.id();
            }
            self.collation.id()
        } else {
            Collation::Binary.id()
        }
    }

    /// Flags implied by the type alone (UNSIGNED, BINARY, BLOB, NUM, ENUM, SET, ZEROFILL).
    pub fn type_flags(&self) -> u16 {
        let mut f = 0;
        if self.unsigned {
            f |= flags::UNSIGNED;
        }
        if self.zerofill {
            f |= flags::ZEROFILL;
        }
        if self.is_numeric() || self.base == BaseType::Year {
            f |= flags::NUM;
        }
        if self.is_blob() || self.base == BaseType::Json {
            f |= flags::BLOB;
        }
        if self.is_binary_string()
            || self.base == BaseType::Bit
            || self.base == BaseType::Json
            || (self.is_text() && self.collation.is_binary())
        {
            f |= flags::BINARY;
        }
        if self.is_temporal() && self.base != BaseType::Time && self.base != BaseType::Date {
            f |= flags::BINARY;
        }
        if matches!(self.base, BaseType::Date | BaseType::Time) {
            f |= flags::BINARY;
        }
        if self.base == BaseType::Enum {
            f |= flags::ENUM;
        }
        if self.base == BaseType::Set {
            f |= flags::SET;
        }
        f
    }

    /// SQL text of the type as SHOW CREATE TABLE / information_schema print it, e.g.
    /// `int`, `varchar(20)`, `decimal(10,2) unsigned`, `datetime(6)`, `enum('a','b')`.
    pub fn sql(&self) -> String {
        let mut s = match self.base {
            BaseType::TinyInt => int_sql("tinyint", self),
            BaseType::SmallInt => int_sql("smallint", self),
            BaseType::MediumInt => int_sql("mediumint", self),
            BaseType::Int => int_sql("int", self),
            BaseType::BigInt => int_sql("bigint", self),
            BaseType::Decimal => format!("decimal({},{})", self.length, self.scale),
            BaseType::Float if self.scale != NOT_FIXED_DEC => {
                format!("float({},{})", self.length, self.scale)
            }
            BaseType::Float => "float".into(),
            BaseType::Double if self.scale != NOT_FIXED_DEC => {
                format!("double({},{})", self.length, self.scale)
            }
            BaseType::Double => "double".into(),
            BaseType::Bit => format!("bit({})", self.length.max(1)),
            BaseType::Year => "year".into(),
            BaseType::Date => "date".into(),
            BaseType::Time => fsp_sql("time", self.scale),
            BaseType::DateTime => fsp_sql("datetime", self.scale),
            BaseType::Timestamp => fsp_sql("timestamp", self.scale),
            BaseType::Char => format!("char({})", self.length),
            BaseType::VarChar => format!("varchar({})", self.length),
            BaseType::TinyText => "tinytext".into(),
            BaseType::Text => "text".into(),
            BaseType::MediumText => "mediumtext".into(),
            BaseType::LongText => "longtext".into(),
            BaseType::Binary => format!("binary({})", self.length),
            BaseType::VarBinary => format!("varbinary({})", self.length),
            BaseType::TinyBlob => "tinyblob".into(),
            BaseType::Blob => "blob".into(),
            BaseType::MediumBlob => "mediumblob".into(),
            BaseType::LongBlob => "longblob".into(),
            BaseType::Enum | BaseType::Set => {
                let els: Vec<String> = self
                    .elements
                    .as_deref()
                    .unwrap_or(&[])
                    .iter()
                    .map(|e| format!("'{}'", e.replace('\'', "''")))
                    .collect();
                let kw = if self.base == BaseType::Enum {
                    "enum"
                } else {
                    "set"
                };
                format!("{kw}({})", els.join(","))
            }
            BaseType::Json => "json".into(),
            BaseType::Null => "null".into(),
        };
        if self.unsigned {
            s.push_str(" unsigned");
        }
        if self.zerofill {
            s.push_str(" zerofill");
        }
        s
    }
}

fn int_sql(name: &str, t: &SqlType) -> String {
    // MySQL 8 prints display widths only with ZEROFILL (and tinyint(1), the BOOL type).
    if t.zerofill && t.length > 0 || (t.base == BaseType::TinyInt && t.length == 1) {
        format!("{name}({})", t.length)
    } else {
        name.to_string()
    }
}

fn fsp_sql(name: &str, fsp: u8) -> String {
    if fsp > 0 {
        format!("{name}({fsp})")
    } else {
        name.to_string()
    }
}

fn fsp_len(fsp: u8) -> u32 {
    if fsp > 0 && fsp <= 6 {
        u32::from(fsp) + 1
    } else {
        0
    }
}
