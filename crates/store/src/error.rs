use qingfeng_domain::FieldErrors;

/// What can go wrong in the store. `Invalid` and `NotFound` are the user's to fix;
/// `Db` is ours and is logged, never shown raw.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("记录不存在")]
    NotFound,
    #[error("输入有误")]
    Invalid(FieldErrors),
    #[error("不允许的操作：{0}")]
    Refused(String),
    /// The database stayed locked by other writers (another process on the same SQLite file,
    /// or a queue that did not move): the user may simply retry.
    #[error("系统正忙，请稍后重试")]
    Busy,
    #[error("database error: {0}")]
    Db(sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl From<sqlx::Error> for StoreError {
    /// SQLite's "database is locked" (SQLITE_BUSY) and
    /// PostgreSQL's lock_not_available (55P03) become [`StoreError::Busy`], never a 500.
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(d) = &e {
            let lock_not_available = d.code().as_deref() == Some("55P03");
            if lock_not_available || d.message().contains("database is locked") {
                return StoreError::Busy;
            }
        }
        StoreError::Db(e)
    }
}

impl StoreError {
    /// One invalid field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let mut e = FieldErrors::default();
        e.push(field, message);
        StoreError::Invalid(e)
    }
}

impl From<FieldErrors> for StoreError {
    fn from(e: FieldErrors) -> Self {
        StoreError::Invalid(e)
    }
}
