//! Generic .xlsx table reader and writer.
//!
//! Every list in 清风 exports to Excel and many lists import from it. This
//! crate knows nothing about the domain: callers describe the sheet as a list
//! of [`Column`]s and get bytes back ([`write_table`], [`template`]) or hand
//! in uploaded bytes and get normalized text rows plus per-cell errors
//! ([`read_table`]).

mod normalize;
mod read;
mod write;

use std::fmt;

pub use normalize::{
    excel_serial_to_date, normalize_header, normalize_text, parse_date_text, parse_integer_text, to_halfwidth,
};
pub use read::read_table;
pub use write::{template, write_table};

/// Number of rows below the header that get the drop-down list (data
/// validation), so that users adding rows to a template or export get it too.
pub const VALIDATION_ROWS: u32 = 2000;

/// Kind of a column: how cells are read and written.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnKind {
    /// Free text. Written with the text number format ("@") so that phone
    /// numbers and ID numbers typed by users are not turned into numbers.
    Text,
    /// A calendar date, written as a real Excel date formatted yyyy-mm-dd.
    Date,
    /// A whole number.
    Integer,
}

/// One column of a sheet.
#[derive(Debug, Clone)]
pub struct Column {
    /// Chinese header, e.g. "姓名".
    pub header: String,
    pub kind: ColumnKind,
    /// Column width in Excel character units.
    pub width: f64,
    /// Non-empty: drop-down list on the data rows, and reading rejects
    /// values outside the list.
    pub choices: Vec<String>,
    /// Header is shown in red with a "必填项" note; reading rejects empty
    /// cells and files without this column.
    pub required: bool,
}

impl Column {
    fn new(header: &str, kind: ColumnKind, width: f64) -> Self {
        Column { header: header.to_string(), kind, width, choices: Vec::new(), required: false }
    }

    pub fn text(header: &str, width: f64) -> Self {
        Self::new(header, ColumnKind::Text, width)
    }

    pub fn date(header: &str, width: f64) -> Self {
        Self::new(header, ColumnKind::Date, width)
    }

    pub fn integer(header: &str, width: f64) -> Self {
        Self::new(header, ColumnKind::Integer, width)
    }

    pub fn choices(mut self, choices: Vec<String>) -> Self {
        self.choices = choices;
        self
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }
}

/// Value written to a cell.
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    Text(String),
    Date(chrono::NaiveDate),
    Integer(i64),
    Empty,
}

impl From<&str> for CellValue {
    fn from(v: &str) -> Self {
        CellValue::Text(v.to_string())
    }
}

impl From<String> for CellValue {
    fn from(v: String) -> Self {
        CellValue::Text(v)
    }
}

impl From<&String> for CellValue {
    fn from(v: &String) -> Self {
        CellValue::Text(v.clone())
    }
}

impl From<chrono::NaiveDate> for CellValue {
    fn from(v: chrono::NaiveDate) -> Self {
        CellValue::Date(v)
    }
}

impl From<i64> for CellValue {
    fn from(v: i64) -> Self {
        CellValue::Integer(v)
    }
}

impl From<i32> for CellValue {
    fn from(v: i32) -> Self {
        CellValue::Integer(v.into())
    }
}

impl<T: Into<CellValue>> From<Option<T>> for CellValue {
    fn from(v: Option<T>) -> Self {
        v.map_or(CellValue::Empty, Into::into)
    }
}

/// One non-empty data row of an uploaded sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadRow {
    /// 1-based Excel row number as the user sees it.
    pub row_number: usize,
    /// One entry per expected column (same order as the `columns` passed to
    /// [`read_table`]): normalized text, dates as "YYYY-MM-DD", integers as
    /// decimal strings, "" when empty or when the column is absent. A cell
    /// that failed validation keeps its normalized original text and has an
    /// entry in [`ReadTable::errors`].
    pub cells: Vec<String>,
}

/// A problem with one cell of an uploaded sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct CellError {
    /// 1-based Excel row number.
    pub row: usize,
    /// Header of the expected column.
    pub column: String,
    /// Chinese message for the user.
    pub message: String,
}

impl fmt::Display for CellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "第{}行「{}」：{}", self.row, self.column, self.message)
    }
}

/// Result of [`read_table`]. Rows with errors are still included in `rows`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReadTable {
    pub rows: Vec<ReadRow>,
    pub errors: Vec<CellError>,
}

impl ReadTable {
    /// True when no cell had an error.
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OfficeError {
    #[error("无法读取文件：{0}，请上传 .xlsx 格式的 Excel 文件")]
    Unreadable(String),
    #[error("找不到表头，缺少列：{}", .0.join("、"))]
    MissingColumns(Vec<String>),
    #[error("生成 Excel 失败：{0}")]
    Write(String),
}

impl From<rust_xlsxwriter::XlsxError> for OfficeError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        OfficeError::Write(e.to_string())
    }
}
