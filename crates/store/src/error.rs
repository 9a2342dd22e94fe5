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
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

pub type StoreResult<T> = Result<T, StoreError>;

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
