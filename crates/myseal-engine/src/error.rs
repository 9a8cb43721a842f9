//! Engine errors: one `(code, SQLSTATE, message)` triple per MySQL error.
//!
//! <https://dev.mysql.com/doc/mysql-errors/8.4/en/server-error-reference.html>
//!
//! Every constructor here reproduces MySQL 8.4's exact message text so that clients matching on
//! messages (or humans diffing logs) cannot tell myseal from MySQL.

/// A MySQL error the server sends to the client as an ERR packet.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct EngineError {
    /// MySQL error number, e.g. 1064.
    pub code: u16,
    /// Five-character SQLSTATE, e.g. `"42000"`.
    pub sql_state: &'static str,
    /// Human-readable message, exactly as MySQL words it.
    pub message: String,
}

/// Maximum characters of the statement MySQL quotes in ER_PARSE_ERROR (`%-.80s`).
const PARSE_ERROR_NEAR_MAX: usize = 80;

impl EngineError {
    /// Builds an error from its parts.
    pub fn new(code: u16, sql_state: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            sql_state,
            message: message.into(),
        }
    }

    /// ER_PARSE_ERROR (1064): `near` is the rest of the statement from the error position.
    pub fn parse_error(near: &str, line: usize) -> Self {
        let near: String = near.chars().take(PARSE_ERROR_NEAR_MAX).collect();
        Self::new(
            1064,
            "42000",
            format!(
                "You have an error in your SQL syntax; check the manual that corresponds to your \
                 MySQL server version for the right syntax to use near '{near}' at line {line}"
            ),
        )
    }

    /// ER_EMPTY_QUERY (1065).
    pub fn empty_query() -> Self {
        Self::new(1065, "42000", "Query was empty")
    }

    /// ER_NET_ERROR_ON_WRITE (1160): the client went away while a result streamed to it.
    pub fn net_write() -> Self {
        Self::new(1160, "08S01", "Got an error writing communication packets")
    }

    /// ER_NOT_SUPPORTED_YET (1235).
    pub fn not_supported(what: &str) -> Self {
        Self::new(
            1235,
            "42000",
            format!("This version of MySQL doesn't yet support '{what}'"),
        )
    }

    /// ER_TABLE_MUST_HAVE_A_VISIBLE_COLUMN (4028): every column would be INVISIBLE.
    pub(crate) fn table_must_have_visible_column() -> Self {
        Self::new(
            4028,
            "HY000",
            "A table must have at least one visible column.",
        )
    }

    /// ER_DATA_OUT_OF_RANGE (1690), e.g. `BIGINT value is out of range in '(a + b)'`.
    pub fn out_of_range(type_name: &str, expr: &str) -> Self {
        Self::new(
            1690,
            "22003",
            format!("{type_name} value is out of range in '{expr}'"),
        )
    }

    /// ER_SP_DOES_NOT_EXIST (1305) for an unknown function.
    pub fn unknown_function(db: &str, name: &str) -> Self {
        Self::new(
            1305,
            "42000",
            format!("FUNCTION {db}.{name} does not exist"),
        )
    }

    /// ER_UNKNOWN_SYSTEM_VARIABLE (1193).
    pub fn unknown_system_variable(name: &str) -> Self {
        Self::new(1193, "HY000", format!("Unknown system variable '{name}'"))
    }

    /// ER_INCORRECT_GLOBAL_LOCAL_VAR (1238): `kind` is "GLOBAL", "SESSION" or "read only".
    pub fn incorrect_global_local_var(name: &str, kind: &str) -> Self {
        Self::new(
            1238,
            "HY000",
            format!("Variable '{name}' is a {kind} variable"),
        )
    }

    /// ER_LOCAL_VARIABLE (1228): SET GLOBAL on a session-only variable.
    pub fn local_variable(name: &str) -> Self {
        Self::new(
            1228,
            "HY000",
            format!("Variable '{name}' is a SESSION variable and can't be used with SET GLOBAL"),
        )
    }

    /// ER_GLOBAL_VARIABLE (1229): SET SESSION on a global-only variable.
    pub fn global_variable(name: &str) -> Self {
        Self::new(
            1229,
            "HY000",
            format!("Variable '{name}' is a GLOBAL variable and should be set with SET GLOBAL"),
        )
    }

    /// ER_VARIABLE_IS_READONLY (1621): session value of a variable that can only be set globally.
    pub fn session_read_only(name: &str) -> Self {
        Self::new(
            1621,
            "HY000",
            format!("SESSION variable '{name}' is read-only. Use SET GLOBAL to assign the value"),
        )
    }

    /// ER_WRONG_VALUE_FOR_VAR (1231).
    pub fn wrong_value_for_var(name: &str, value: &str) -> Self {
        let value: String = value.chars().take(200).collect();
        Self::new(
            1231,
            "42000",
            format!("Variable '{name}' can't be set to the value of '{value}'"),
        )
    }

    /// ER_WRONG_TYPE_FOR_VAR (1232).
    pub fn wrong_type_for_var(name: &str) -> Self {
        Self::new(
            1232,
            "42000",
            format!("Incorrect argument type to variable '{name}'"),
        )
    }

    /// ER_NO_DEFAULT (1230).
    pub fn no_default(name: &str) -> Self {
        Self::new(
            1230,
            "42000",
            format!("Variable '{name}' doesn't have a default value"),
        )
    }

    /// ER_NO_SECURE_TRANSPORTS_CONFIGURED (3160).
    pub fn no_secure_transports() -> Self {
        Self::new(
            3160,
            "HY000",
            "No secure transports (SSL or Shared Memory) are configured, unable to set \
             --require_secure_transport=ON.",
        )
    }

    /// ER_DB_CREATE_EXISTS (1007).
    pub fn db_create_exists(name: &str) -> Self {
        Self::new(
            1007,
            "HY000",
            format!("Can't create database '{name}'; database exists"),
        )
    }

    /// ER_DB_DROP_EXISTS (1008).
    pub fn db_drop_exists(name: &str) -> Self {
        Self::new(
            1008,
            "HY000",
            format!("Can't drop database '{name}'; database doesn't exist"),
        )
    }

    /// ER_BAD_DB_ERROR (1049).
    pub fn bad_db(name: &str) -> Self {
        Self::new(1049, "42000", format!("Unknown database '{name}'"))
    }

    /// ER_NO_DB_ERROR (1046).
    pub fn no_db() -> Self {
        Self::new(1046, "3D000", "No database selected")
    }

    /// ER_NO_SUCH_TABLE (1146).
    pub fn no_such_table(db: &str, table: &str) -> Self {
        Self::new(1146, "42S02", format!("Table '{db}.{table}' doesn't exist"))
    }

    /// ER_NO_TABLES_USED (1096).
    pub fn no_tables_used() -> Self {
        Self::new(1096, "HY000", "No tables used")
    }

    /// ER_BAD_FIELD_ERROR (1054).
    pub fn bad_field(name: &str, clause: &str) -> Self {
        Self::new(
            1054,
            "42S22",
            format!("Unknown column '{name}' in '{clause}'"),
        )
    }

    /// ER_SUBQUERY_NO_1_ROW (1242).
    pub fn subquery_rows() -> Self {
        Self::new(1242, "21000", "Subquery returns more than 1 row")
    }

    /// ER_OPERAND_COLUMNS (1241).
    pub fn operand_columns(n: usize) -> Self {
        Self::new(
            1241,
            "21000",
            format!("Operand should contain {n} column(s)"),
        )
    }

    /// ER_WRONG_PARAMCOUNT_TO_NATIVE_FCT (1582).
    pub fn wrong_param_count(name: &str) -> Self {
        Self::new(
            1582,
            "42000",
            format!("Incorrect parameter count in the call to native function '{name}'"),
        )
    }

    /// ER_UNKNOWN_CHARACTER_SET (1115).
    pub fn unknown_charset(name: &str) -> Self {
        Self::new(1115, "42000", format!("Unknown character set: '{name}'"))
    }

    /// ER_UNKNOWN_COLLATION (1273).
    pub fn unknown_collation(name: &str) -> Self {
        Self::new(1273, "HY000", format!("Unknown collation: '{name}'"))
    }

    /// ER_COLLATION_CHARSET_MISMATCH (1253).
    pub fn collation_mismatch(collation: &str, charset: &str) -> Self {
        Self::new(
            1253,
            "42000",
            format!("COLLATION '{collation}' is not valid for CHARACTER SET '{charset}'"),
        )
    }

    /// ER_CONFLICTING_DECLARATIONS (1302) for two character sets, e.g. `CREATE DATABASE d
    /// CHARACTER SET latin1 CHARACTER SET utf8mb4`.
    pub fn conflicting_charsets(first: &str, second: &str) -> Self {
        Self::new(
            1302,
            "42000",
            format!(
                "Conflicting declarations: 'CHARACTER SET {first}' and 'CHARACTER SET {second}'"
            ),
        )
    }

    /// ER_INVALID_ENCRYPTION_OPTION (3184).
    pub fn invalid_encryption_option() -> Self {
        Self::new(3184, "HY000", "Invalid encryption option.")
    }

    /// ER_CANNOT_FIND_KEY_IN_KEYRING (3185): encryption asked for with no keyring loaded.
    pub fn no_keyring() -> Self {
        Self::new(
            3185,
            "HY000",
            "Can't find master key from keyring, please check in the server log if a keyring \
             is loaded and initialized successfully.",
        )
    }

    /// ER_UNKNOWN_TIME_ZONE (1298).
    pub fn unknown_time_zone(name: &str) -> Self {
        Self::new(
            1298,
            "HY000",
            format!("Unknown or incorrect time zone: '{name}'"),
        )
    }

    /// ER_STACK_OVERRUN_NEED_MORE (1436), used when an expression nests too deeply.
    pub fn stack_overrun() -> Self {
        Self::new(
            1436,
            "HY000",
            "Thread stack overrun:  2048 bytes used of a 1048576 byte stack, and 1048576 bytes \
             needed. Use 'mysqld --thread_stack=#' to specify a bigger stack.",
        )
    }

    /// ER_CANT_CHANGE_TX_CHARACTERISTICS (1568).
    pub fn cant_change_tx_characteristics() -> Self {
        Self::new(
            1568,
            "25001",
            "Transaction characteristics can't be changed while a transaction is in progress",
        )
    }

    /// ER_WRONG_ARGUMENTS (1210).
    pub fn wrong_arguments(name: &str) -> Self {
        Self::new(1210, "HY000", format!("Incorrect arguments to {name}"))
    }

    /// ER_UNSUPPORTED_PS (1295): a statement that cannot be prepared (PREPARE, EXECUTE, ...).
    pub fn unsupported_ps() -> Self {
        Self::new(
            1295,
            "HY000",
            "This command is not supported in the prepared statement protocol yet",
        )
    }

    /// ER_DBACCESS_DENIED_ERROR-like error for system schemas myseal will not drop (1044).
    pub fn db_access_denied(user: &str, host: &str, db: &str) -> Self {
        Self::new(
            1044,
            "42000",
            format!("Access denied for user '{user}'@'{host}' to database '{db}'"),
        )
    }

    /// ER_WRONG_DB_NAME (1102).
    pub fn wrong_db_name(name: &str) -> Self {
        Self::new(1102, "42000", format!("Incorrect database name '{name}'"))
    }
    /// ER_CANNOT_USER (1396): `accounts` is the comma-separated `'u'@'h'` list of the accounts
    /// that failed (MySQL prints at most 256 characters of it).
    pub fn cannot_user(operation: &str, accounts: &str) -> Self {
        let accounts: String = accounts.chars().take(256).collect();
        Self::new(
            1396,
            "HY000",
            format!("Operation {operation} failed for {accounts}"),
        )
    }

    /// ER_USER_ALREADY_EXISTS (3163), a Note of `CREATE USER IF NOT EXISTS`.
    pub fn user_already_exists(account: &str) -> Self {
        Self::new(
            3163,
            "HY000",
            format!("Authorization ID {account} already exists."),
        )
    }

    /// ER_USER_DOES_NOT_EXIST (3162), a Note of `DROP USER IF EXISTS` / `ALTER USER IF EXISTS`.
    pub fn user_does_not_exist(account: &str) -> Self {
        Self::new(
            3162,
            "HY000",
            format!("Authorization ID {account} does not exist."),
        )
    }

    /// ER_PASSWORD_FORMAT (1827): a hash given with `IDENTIFIED WITH plugin AS` is malformed.
    pub fn password_format() -> Self {
        Self::new(
            1827,
            "HY000",
            "The password hash doesn't have the expected format.",
        )
    }

    /// ER_PLUGIN_IS_NOT_LOADED (1524): an authentication plugin myseal does not have.
    pub fn plugin_not_loaded(name: &str) -> Self {
        let name: String = name.chars().take(192).collect();
        Self::new(1524, "HY000", format!("Plugin '{name}' is not loaded"))
    }

    /// ER_NONEXISTING_GRANT (1141): `SHOW GRANTS FOR` a missing account.
    pub fn nonexisting_grant(user: &str, host: &str) -> Self {
        let user: String = user.chars().take(48).collect();
        let host: String = host.chars().take(255).collect();
        Self::new(
            1141,
            "42000",
            format!("There is no such grant defined for user '{user}' on host '{host}'"),
        )
    }

    /// ER_MUST_CHANGE_PASSWORD (1820): a session whose password has expired ran something
    /// other than a password change.
    pub fn must_change_password() -> Self {
        Self::new(
            1820,
            "HY000",
            "You must reset your password using ALTER USER statement before executing this statement.",
        )
    }

    /// ER_CANT_CREATE_USER_WITH_GRANT (1410): `GRANT` to an account that does not exist.
    pub fn cant_create_user_with_grant() -> Self {
        Self::new(
            1410,
            "42000",
            "You are not allowed to create a user with GRANT",
        )
    }

    /// ER_PASSWORD_NO_MATCH (1133): `SET PASSWORD` for an account that does not exist.
    pub fn password_no_match() -> Self {
        Self::new(
            1133,
            "42000",
            "Can't find any matching row in the user table",
        )
    }

    /// ER_DUP_ARGUMENT (1225), e.g. `REQUIRE ISSUER 'a' ISSUER 'b'`.
    pub fn dup_argument(option: &str) -> Self {
        Self::new(
            1225,
            "HY000",
            format!("Option '{option}' used twice in statement"),
        )
    }

    /// ER_WRONG_STRING_LENGTH (1470), e.g. a user name over 32 characters.
    pub fn wrong_string_length(value: &str, what: &str, max: usize) -> Self {
        let value: String = value.chars().take(70).collect();
        Self::new(
            1470,
            "HY000",
            format!("String '{value}' is too long for {what} (should be no longer than {max})"),
        )
    }
    /// ER_INVALID_JSON_TEXT (3140): a value stored into a JSON column `table.column`.
    pub(crate) fn invalid_json_text(reason: &str, pos: usize, column: &str) -> Self {
        Self::new(
            3140,
            "22032",
            format!(
                "Invalid JSON text: \"{reason}\" at position {pos} in value for column '{column}'."
            ),
        )
    }

    /// ER_INVALID_JSON_TEXT_IN_PARAM (3141): argument `arg` (from 1) of function `func`.
    pub(crate) fn invalid_json_text_in_param(
        arg: usize,
        func: &str,
        reason: &str,
        pos: usize,
    ) -> Self {
        Self::new(
            3141,
            "22032",
            format!(
                "Invalid JSON text in argument {arg} to function {func}: \"{reason}\" at position {pos}."
            ),
        )
    }

    /// ER_INVALID_JSON_PATH (3143).
    pub(crate) fn invalid_json_path(pos: usize) -> Self {
        Self::new(
            3143,
            "42000",
            format!("Invalid JSON path expression. The error is around character position {pos}."),
        )
    }

    /// ER_INVALID_JSON_CHARSET (3144): a binary string where JSON text is wanted.
    pub(crate) fn json_binary_charset() -> Self {
        Self::new(
            3144,
            "22032",
            "Cannot create a JSON value from a string with CHARACTER SET 'binary'.",
        )
    }

    /// ER_INVALID_TYPE_FOR_JSON (3146): argument `arg` (from 1) of `func` is neither JSON nor a
    /// string.
    pub(crate) fn invalid_type_for_json(arg: usize, func: &str) -> Self {
        Self::new(
            3146,
            "22032",
            format!(
                "Invalid data type for JSON data in argument {arg} to function {func}; a JSON string or JSON type is required."
            ),
        )
    }

    /// ER_INVALID_JSON_PATH_WILDCARD (3149).
    pub(crate) fn json_path_wildcard() -> Self {
        Self::new(
            3149,
            "42000",
            "In this situation, path expressions may not contain the * and ** tokens or an array range.",
        )
    }

    /// ER_JSON_VACUOUS_PATH (3153).
    pub(crate) fn json_vacuous_path() -> Self {
        Self::new(
            3153,
            "42000",
            "The path expression '$' is not allowed in this context.",
        )
    }

    /// ER_JSON_BAD_ONE_OR_ALL_ARG (3154).
    pub(crate) fn json_bad_one_or_all(func: &str) -> Self {
        Self::new(
            3154,
            "42000",
            format!("The oneOrAll argument to {func} may take these values: 'one' or 'all'."),
        )
    }

    /// ER_JSON_DOCUMENT_TOO_DEEP (3157).
    pub(crate) fn json_too_deep() -> Self {
        Self::new(
            3157,
            "22032",
            "The JSON document exceeds the maximum depth.",
        )
    }

    /// ER_JSON_DOCUMENT_NULL_KEY (3158).
    pub(crate) fn json_null_key() -> Self {
        Self::new(
            3158,
            "22032",
            "JSON documents may not contain NULL member names.",
        )
    }

    /// ER_INVALID_JSON_PATH_ARRAY_CELL (3165).
    pub(crate) fn json_path_not_cell() -> Self {
        Self::new(
            3165,
            "42000",
            "A path expression is not a path to a cell in an array.",
        )
    }

    /// ER_INCORRECT_TYPE (3064), e.g. JSON_QUOTE of a number.
    pub(crate) fn incorrect_type(arg: usize, func: &str) -> Self {
        Self::new(
            3064,
            "HY000",
            format!("Incorrect type for argument {arg} in function {func}."),
        )
    }
}
