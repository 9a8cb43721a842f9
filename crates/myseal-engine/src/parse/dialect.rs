//! The sqlparser dialect for a session's sql_mode: MySqlDialect, with ANSI_QUOTES (`"x"` is an
//! identifier) and NO_BACKSLASH_ESCAPES (backslash is an ordinary character in string literals).
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/sql-mode.html>
//!
//! The wrapper reports MySqlDialect's type id (the parser's MySQL-only paths test it) and
//! forwards every method MySqlDialect overrides, so only the two lexing rules differ.

use std::any::TypeId;

use sqlparser::ast::{Expr, Statement};
use sqlparser::dialect::{BindPlaceholderStyle, Dialect, MySqlDialect};
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};

/// The sql_mode flags that change how a text is read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct Lexing {
    /// ANSI_QUOTES: `"x"` is a quoted identifier, not a string.
    pub(crate) ansi_quotes: bool,
    /// NO_BACKSLASH_ESCAPES: `\` in a string literal is itself.
    pub(crate) no_backslash_escapes: bool,
}

impl Lexing {
    /// The flags of a sql_mode value (a comma-separated list of mode names).
    pub(crate) fn of_mode(mode: &str) -> Self {
        let has = |m: &str| mode.split(',').any(|x| x.eq_ignore_ascii_case(m));
        Self {
            ansi_quotes: has("ANSI_QUOTES"),
            no_backslash_escapes: has("NO_BACKSLASH_ESCAPES"),
        }
    }

    /// The dialect that reads text this way.
    pub(crate) fn dialect(self) -> &'static ModeDialect {
        let i = usize::from(self.ansi_quotes) | (usize::from(self.no_backslash_escapes) << 1);
        &DIALECTS[i]
    }
}

static DIALECTS: [ModeDialect; 4] = [
    ModeDialect(Lexing {
        ansi_quotes: false,
        no_backslash_escapes: false,
    }),
    ModeDialect(Lexing {
        ansi_quotes: true,
        no_backslash_escapes: false,
    }),
    ModeDialect(Lexing {
        ansi_quotes: false,
        no_backslash_escapes: true,
    }),
    ModeDialect(Lexing {
        ansi_quotes: true,
        no_backslash_escapes: true,
    }),
];

static MYSQL: MySqlDialect = MySqlDialect {};

/// MySqlDialect under the given [`Lexing`].
#[derive(Debug)]
pub(crate) struct ModeDialect(Lexing);

impl Dialect for ModeDialect {
    fn dialect(&self) -> TypeId {
        TypeId::of::<MySqlDialect>()
    }

    fn is_delimited_identifier_start(&self, ch: char) -> bool {
        ch == '`' || (self.0.ansi_quotes && ch == '"')
    }

    fn supports_string_literal_backslash_escape(&self) -> bool {
        !self.0.no_backslash_escapes
    }

    // Everything below forwards to MySqlDialect.

    fn supports_string_literal_table_alias(&self, explicit: bool) -> bool {
        MYSQL.supports_string_literal_table_alias(explicit)
    }
    fn is_identifier_start(&self, ch: char) -> bool {
        MYSQL.is_identifier_start(ch)
    }
    fn is_identifier_part(&self, ch: char) -> bool {
        MYSQL.is_identifier_part(ch)
    }
    fn identifier_quote_style(&self, identifier: &str) -> Option<char> {
        MYSQL.identifier_quote_style(identifier)
    }
    fn ordered_bind_placeholder_style(&self) -> Option<BindPlaceholderStyle> {
        MYSQL.ordered_bind_placeholder_style()
    }
    fn supports_string_literal_concatenation(&self) -> bool {
        MYSQL.supports_string_literal_concatenation()
    }
    fn ignores_wildcard_escapes(&self) -> bool {
        MYSQL.ignores_wildcard_escapes()
    }
    fn supports_numeric_prefix(&self) -> bool {
        MYSQL.supports_numeric_prefix()
    }
    fn supports_literal_prefix_in_qualified_name(&self) -> bool {
        MYSQL.supports_literal_prefix_in_qualified_name()
    }
    fn supports_bitwise_shift_operators(&self) -> bool {
        MYSQL.supports_bitwise_shift_operators()
    }
    fn supports_singular_value_keyword(&self) -> bool {
        MYSQL.supports_singular_value_keyword()
    }
    fn supports_multiline_comment_hints(&self) -> bool {
        MYSQL.supports_multiline_comment_hints()
    }
    fn parse_infix(
        &self,
        parser: &mut Parser,
        expr: &Expr,
        precedence: u8,
    ) -> Option<Result<Expr, ParserError>> {
        MYSQL.parse_infix(parser, expr, precedence)
    }
    fn parse_statement(&self, parser: &mut Parser) -> Option<Result<Statement, ParserError>> {
        MYSQL.parse_statement(parser)
    }
    fn require_interval_qualifier(&self) -> bool {
        MYSQL.require_interval_qualifier()
    }
    fn supports_limit_comma(&self) -> bool {
        MYSQL.supports_limit_comma()
    }
    fn supports_create_table_select(&self) -> bool {
        MYSQL.supports_create_table_select()
    }
    fn supports_insert_set(&self) -> bool {
        MYSQL.supports_insert_set()
    }
    fn supports_user_host_grantee(&self) -> bool {
        MYSQL.supports_user_host_grantee()
    }
    fn is_table_factor_alias(&self, explicit: bool, kw: &Keyword, parser: &mut Parser) -> bool {
        MYSQL.is_table_factor_alias(explicit, kw, parser)
    }
    fn supports_table_hints(&self) -> bool {
        MYSQL.supports_table_hints()
    }
    fn requires_single_line_comment_whitespace(&self) -> bool {
        MYSQL.requires_single_line_comment_whitespace()
    }
    fn supports_hash_comment(&self) -> bool {
        MYSQL.supports_hash_comment()
    }
    fn supports_match_against(&self) -> bool {
        MYSQL.supports_match_against()
    }
    fn supports_select_modifiers(&self) -> bool {
        MYSQL.supports_select_modifiers()
    }
    fn supports_set_names(&self) -> bool {
        MYSQL.supports_set_names()
    }
    fn supports_comma_separated_set_assignments(&self) -> bool {
        MYSQL.supports_comma_separated_set_assignments()
    }
    fn supports_alter_column_position(&self) -> bool {
        MYSQL.supports_alter_column_position()
    }
    fn supports_update_order_by(&self) -> bool {
        MYSQL.supports_update_order_by()
    }
    fn supports_data_type_signed_suffix(&self) -> bool {
        MYSQL.supports_data_type_signed_suffix()
    }
    fn supports_data_type_zerofill_suffix(&self) -> bool {
        MYSQL.supports_data_type_zerofill_suffix()
    }
    fn supports_cross_join_constraint(&self) -> bool {
        MYSQL.supports_cross_join_constraint()
    }
    fn supports_double_ampersand_operator(&self) -> bool {
        MYSQL.supports_double_ampersand_operator()
    }
    fn get_next_precedence(&self, parser: &Parser) -> Option<Result<u8, ParserError>> {
        MYSQL.get_next_precedence(parser)
    }
    fn supports_binary_kw_as_cast(&self) -> bool {
        MYSQL.supports_binary_kw_as_cast()
    }
    fn supports_table_partitions(&self) -> bool {
        MYSQL.supports_table_partitions()
    }
    fn supports_comment_optimizer_hint(&self) -> bool {
        MYSQL.supports_comment_optimizer_hint()
    }
    fn supports_constraint_keyword_without_name(&self) -> bool {
        MYSQL.supports_constraint_keyword_without_name()
    }
    fn supports_key_column_option(&self) -> bool {
        MYSQL.supports_key_column_option()
    }
    fn supports_group_by_with_modifier(&self) -> bool {
        MYSQL.supports_group_by_with_modifier()
    }
    fn supports_left_associative_joins_without_parens(&self) -> bool {
        MYSQL.supports_left_associative_joins_without_parens()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every method MySqlDialect overrides is forwarded: a probe of each answers as MySqlDialect.
    #[test]
    fn default_lexing_answers_as_mysql() {
        let d = Lexing::default().dialect();
        for ch in ['"', '`', '\'', '[', 'a', '_', '$', '@', '0'] {
            assert_eq!(
                d.is_delimited_identifier_start(ch),
                MYSQL.is_delimited_identifier_start(ch)
            );
            assert_eq!(d.is_identifier_start(ch), MYSQL.is_identifier_start(ch));
            assert_eq!(d.is_identifier_part(ch), MYSQL.is_identifier_part(ch));
        }
        assert!(d.supports_string_literal_backslash_escape());
        assert!((d as &dyn Dialect).is::<MySqlDialect>());
    }

    #[test]
    fn modes_pick_their_dialect() {
        let l = Lexing::of_mode("STRICT_TRANS_TABLES,ANSI_QUOTES,NO_BACKSLASH_ESCAPES");
        assert!(l.ansi_quotes && l.no_backslash_escapes);
        let d = l.dialect();
        assert!(d.is_delimited_identifier_start('"'));
        assert!(!d.supports_string_literal_backslash_escape());
        let plain = Lexing::of_mode("ANSI_QUOTESX").dialect();
        assert!(!plain.is_delimited_identifier_start('"'));
        assert!(plain.supports_string_literal_backslash_escape());
    }
}
