//! The catalog: databases (schemas). Tables arrive with a later issue.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/create-database.html>
//!
//! Database names are case-sensitive (`lower_case_table_names = 0`, as on Linux). The four
//! system schemas always exist and cannot be created or dropped.

use dashmap::DashMap;

use crate::error::EngineError;

/// System schemas every MySQL 8.4 server has.
pub(crate) const SYSTEM_SCHEMAS: &[&str] =
    &["information_schema", "mysql", "performance_schema", "sys"];

/// A user database (tables later).
#[derive(Debug, Default)]
pub(crate) struct Database {}

/// All user databases.
#[derive(Debug, Default)]
pub(crate) struct Catalog {
    databases: DashMap<String, Database>,
}

fn is_system(name: &str) -> bool {
    // information_schema is matched case-insensitively by MySQL.
    SYSTEM_SCHEMAS.contains(&name) || name.eq_ignore_ascii_case("information_schema")
}

impl Catalog {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    pub(crate) fn exists(&self, name: &str) -> bool {
        is_system(name) || self.databases.contains_key(name)
    }

    fn check_name(name: &str) -> Result<(), EngineError> {
        if name.is_empty() || name.ends_with(' ') || name.chars().count() > 64 {
            return Err(EngineError::wrong_db_name(name));
        }
        Ok(())
    }

    pub(crate) fn create(&self, name: &str, if_not_exists: bool) -> Result<(), EngineError> {
        Self::check_name(name)?;
        if is_system(name) {
            return if if_not_exists {
                Ok(())
            } else {
                Err(EngineError::db_create_exists(name))
            };
        }
        match self.databases.entry(name.to_string()) {
            dashmap::Entry::Occupied(_) if if_not_exists => Ok(()),
            dashmap::Entry::Occupied(_) => Err(EngineError::db_create_exists(name)),
            dashmap::Entry::Vacant(v) => {
                v.insert(Database::default());
                Ok(())
            }
        }
    }

    /// Drops a user database; Ok(false) when absent and `if_exists`.
    pub(crate) fn drop_database(&self, name: &str, if_exists: bool) -> Result<bool, EngineError> {
        match self.databases.remove(name) {
            Some(_) => Ok(true),
            None if if_exists => Ok(false),
            None => Err(EngineError::db_drop_exists(name)),
        }
    }

    pub(crate) fn is_system(&self, name: &str) -> bool {
        is_system(name)
    }

    /// All database names, system schemas included, sorted.
    pub(crate) fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = SYSTEM_SCHEMAS.iter().map(|s| (*s).to_string()).collect();
        v.extend(self.databases.iter().map(|e| e.key().clone()));
        v.sort();
        v
    }
}
