//! Protocol::ColumnDefinition41.
//!
//! <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_query_response_text_resultset_column_definition.html>

use std::borrow::Cow;

use crate::buf::{put_lenenc_bytes, put_lenenc_int, put_u16_le, put_u32_le, Reader};
use crate::constants::{ColumnFlags, ColumnType};
use crate::error::{Context, WireError};

/// The catalog is always `def`.
const CATALOG: &[u8] = b"def";
/// Length of the fixed-length fields: charset 2, length 4, type 1, flags 2, decimals 1, filler 2.
const FIXED_FIELDS_LEN: u64 = 0x0c;
/// The fixed fields without the trailing filler.
const FIXED_FIELDS_USED: usize = 10;

/// Metadata of one result set column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnDefinition41 {
    /// Schema of the table, empty for expressions.
    pub schema: String,
    /// Table alias, empty for expressions.
    pub table: String,
    /// Original table name.
    pub org_table: String,
    /// Column alias (what clients show as the column name).
    pub name: String,
    /// Original column name.
    pub org_name: String,
    /// Collation id of the column (63 = binary for numbers and temporal types).
    pub character_set: u16,
    /// Maximum display length in bytes.
    pub column_length: u32,
    /// Column type.
    pub column_type: ColumnType,
    /// Column flags.
    pub flags: ColumnFlags,
    /// Number of decimals (0x1f for non-fixed floating point / strings, as MySQL).
    pub decimals: u8,
}

impl ColumnDefinition41 {
    /// Appends the definition: catalog `def`, schema, table, org_table, name, org_name (all
    /// length-encoded), length of fixed fields 0x0c, character set, column length, type, flags,
    /// decimals and 2 zero filler bytes.
    pub fn encode(&self, out: &mut Vec<u8>) {
        self.encode_names_with(out, |s| Cow::Borrowed(s.as_bytes()));
    }

    /// [`ColumnDefinition41::encode`] with the five names written as `names` turns them into
    /// bytes (the server converts them to the client's `character_set_results`).
    pub fn encode_names_with<'a>(
        &'a self,
        out: &mut Vec<u8>,
        names: impl Fn(&'a str) -> Cow<'a, [u8]>,
    ) {
        put_lenenc_bytes(out, CATALOG);
        put_lenenc_bytes(out, &names(&self.schema));
        put_lenenc_bytes(out, &names(&self.table));
        put_lenenc_bytes(out, &names(&self.org_table));
        put_lenenc_bytes(out, &names(&self.name));
        put_lenenc_bytes(out, &names(&self.org_name));
        put_lenenc_int(out, FIXED_FIELDS_LEN);
        put_u16_le(out, self.character_set);
        put_u32_le(out, self.column_length);
        out.push(self.column_type.0);
        put_u16_le(out, self.flags.bits());
        out.push(self.decimals);
        out.extend_from_slice(&[0, 0]);
    }

    /// Decodes a column definition (client side).
    ///
    /// The catalog is not checked. The declared fixed-field length must cover the 10 used bytes;
    /// the filler it declares is skipped, and anything after it (the default values that
    /// `COM_FIELD_LIST` appends) is ignored.
    ///
    /// # Errors
    /// `Truncated` for short packets, `Malformed` for a fixed-field length below 10.
    pub fn decode(payload: &[u8]) -> Result<Self, WireError> {
        let mut r = Reader::new(payload);
        let mut text = |what| -> Result<String, WireError> {
            Ok(String::from_utf8_lossy(r.lenenc_bytes().ctx(what)?).into_owned())
        };
        let _catalog = text("catalog")?;
        let schema = text("schema")?;
        let table = text("table")?;
        let org_table = text("org_table")?;
        let name = text("name")?;
        let org_name = text("org_name")?;
        let fixed_len = r.lenenc_int().ctx("length of fixed-length fields")?;
        let filler_len = usize::try_from(fixed_len)
            .ok()
            .and_then(|len| len.checked_sub(FIXED_FIELDS_USED))
            .ok_or(WireError::Malformed(
                "column definition fixed-length fields shorter than 10 bytes",
            ))?;
        let character_set = r.u16_le().ctx("character set")?;
        let column_length = r.u32_le().ctx("column length")?;
        let column_type = ColumnType(r.u8().ctx("column type")?);
        let flags = ColumnFlags(r.u16_le().ctx("column flags")?);
        let decimals = r.u8().ctx("decimals")?;
        r.bytes(filler_len).ctx("filler")?;
        Ok(ColumnDefinition41 {
            schema,
            table,
            org_table,
            name,
            org_name,
            character_set,
            column_length,
            column_type,
            flags,
            decimals,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn sample() -> ColumnDefinition41 {
        ColumnDefinition41 {
            schema: "test".into(),
            table: "t".into(),
            org_table: "t1".into(),
            name: "id".into(),
            org_name: "id".into(),
            character_set: 63,
            column_length: 11,
            column_type: ColumnType::LONG,
            flags: ColumnFlags::NOT_NULL | ColumnFlags::PRI_KEY | ColumnFlags::NUM,
            decimals: 0,
        }
    }

    #[test]
    fn encodes_the_documented_layout_and_round_trips() {
        let mut out = Vec::new();
        sample().encode(&mut out);
        let mut expected = b"\x03def\x04test\x01t\x02t1\x02id\x02id\x0c".to_vec();
        expected.extend_from_slice(&[63, 0, 11, 0, 0, 0, 0x03, 0x03, 0x80, 0, 0, 0]);
        assert_eq!(out, expected);
        assert_eq!(ColumnDefinition41::decode(&out).unwrap(), sample());
    }

    #[test]
    fn ignores_field_list_default_values_after_the_filler() {
        let mut out = Vec::new();
        sample().encode(&mut out);
        out.extend_from_slice(b"\x011");
        assert_eq!(ColumnDefinition41::decode(&out).unwrap(), sample());
    }

    #[test]
    fn rejects_a_short_fixed_part_and_truncation() {
        let mut out = Vec::new();
        sample().encode(&mut out);
        let at = out.iter().position(|&b| b == 0x0c).unwrap();
        let mut short = out.clone();
        short[at] = 9;
        assert!(matches!(
            ColumnDefinition41::decode(&short),
            Err(WireError::Malformed(_))
        ));
        assert_eq!(
            ColumnDefinition41::decode(&out[..out.len() - 1]),
            Err(WireError::Truncated { what: "filler" })
        );
        assert_eq!(
            ColumnDefinition41::decode(&out[..5]),
            Err(WireError::Truncated { what: "schema" })
        );
    }
}
