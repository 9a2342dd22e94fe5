//! Generic .xlsx table reader and writer.
//!
//! Every list in 清风 exports to Excel and many lists import from it. This
//! crate knows nothing about the domain: callers describe the sheet as a list
//! of [`Column`]s and get bytes back ([`write_table`], [`template`]) or hand
//! in uploaded bytes and get normalized text rows plus per-cell errors
//! ([`read_table`]).

pub mod docx;
mod guard;
mod normalize;
mod read;
mod sheet;
mod write;

use std::fmt;
use std::time::Duration;

pub use normalize::{
    excel_serial_to_date, normalize_header, normalize_text, parse_date_text, parse_integer_text, to_halfwidth,
};
pub use read::{read_table, read_table_with_limits};
pub use sheet::{SheetWriter, FITTED_ROWS, MERGED_ROWS};
pub use write::{template, write_table, Span, Table, CONSTANT_MEMORY_ROWS};

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
    /// Header texts of the file that name no expected column (ignored when reading), in
    /// sheet order: a caller may warn about them.
    pub unknown_columns: Vec<String>,
    /// Expected (optional) columns the file does not have: they read as "", and a caller may
    /// keep what it holds rather than clear it.
    pub absent_columns: Vec<String>,
}

impl ReadTable {
    /// True when no cell had an error.
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }
}

// ---------------------------------------------------------------- limits on uploads
//
// An .xlsx is a zip of XML parts; what it declares (sizes, dimensions, cell positions)
// costs nothing to write and can ask for any amount of memory. Every upload is therefore
// read within the limits below, all fixed before anything is allocated for the file: the
// zip is walked and every part decompressed into nothing first, then cells are streamed
// into a sparse list of the cells that exist. Uploads reach the reader through the web
// server, whose body limit (20 MiB, `DefaultBodyLimit` in crates/web/src/routes.rs) bounds
// the compressed file; the limits here bound what it decompresses to.
//
// Sized for the largest imports 清风 expects with a margin, and far below what hurts a
// server: an export of 100,000 rows × 15 columns is a 6 MB file whose worksheet part
// decompresses to 63 MB; it reads in about 1.3 s with a peak of about 180 MB (release
// build), most of it the rows handed back.

/// Most entries in the zip. A workbook from Excel or WPS has a dozen or two; each entry
/// costs a directory record in memory and a decompression pass.
pub const MAX_ZIP_ENTRIES: u64 = 1_000;
/// Most bytes one part may decompress to (declared and real). 100,000 rows × 15 columns
/// make a worksheet part of about 60 MB; 200 MiB leaves room for long texts and styles.
pub const MAX_PART_BYTES: u64 = 200 * 1024 * 1024;
/// Most bytes all parts together may decompress to (declared and real), so that the bulk
/// cannot be spread over many parts each under [`MAX_PART_BYTES`].
pub const MAX_TOTAL_BYTES: u64 = 300 * 1024 * 1024;
/// Highest row number a sheet may declare (`<dimension>`) or use: twice the largest
/// import expected (100,000 rows). Excel's own maximum is 1,048,576.
pub const MAX_ROWS: u32 = 200_000;
/// Highest column number a sheet may declare or use: 256 (column IV) is the old .xls
/// width, so sheets converted from .xls still open; 清风's sheets have about 20 columns.
/// Excel's own maximum is 16,384 (XFD).
pub const MAX_COLUMNS: u32 = 256;
/// Most non-empty cells in one sheet (and most shared strings in the workbook):
/// 200,000 rows × 15 columns.
pub const MAX_CELLS: u64 = 3_000_000;
/// Longest text of one cell, in characters: Excel's own cap (32,767).
pub const MAX_CELL_CHARS: u64 = 32_767;
/// Most characters in all non-empty cells of one sheet, counting a shared string once per
/// cell that uses it: every cell read becomes its own string, so without this a tiny
/// file whose millions of cells all point at one long shared string would need hundreds
/// of gigabytes. 50 million leaves 300 characters per cell of the largest import.
pub const MAX_SHEET_CHARS: u64 = 50_000_000;
/// Most merged regions in one workbook. calamine lists a sheet's merged regions in memory
/// (16 bytes each), so the zip walk counts them first; each region's value is copied into
/// the rows it spans, and those copies count as cells ([`MAX_CELLS`]). An export of the
/// 整改台账 merges four to thirteen columns per problem with several measures.
pub const MAX_MERGED_REGIONS: u64 = 500_000;
/// Longest time reading one upload may take; checked while decompressing and while
/// streaming cells. The largest expected import reads in a few seconds.
pub const MAX_READ_TIME: Duration = Duration::from_secs(30);

/// The limits [`read_table_with_limits`] reads within; [`Default`] gives the `MAX_*`
/// constants, which [`read_table`] uses.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadLimits {
    pub zip_entries: u64,
    pub part_bytes: u64,
    pub total_bytes: u64,
    pub rows: u32,
    pub columns: u32,
    pub cells: u64,
    pub cell_chars: u64,
    pub sheet_chars: u64,
    pub merged_regions: u64,
    pub time: Duration,
}

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits {
            zip_entries: MAX_ZIP_ENTRIES,
            part_bytes: MAX_PART_BYTES,
            total_bytes: MAX_TOTAL_BYTES,
            rows: MAX_ROWS,
            columns: MAX_COLUMNS,
            cells: MAX_CELLS,
            cell_chars: MAX_CELL_CHARS,
            sheet_chars: MAX_SHEET_CHARS,
            merged_regions: MAX_MERGED_REGIONS,
            time: MAX_READ_TIME,
        }
    }
}

/// Which of the [`ReadLimits`] an upload went over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    ZipEntries,
    PartBytes,
    TotalBytes,
    Rows,
    Columns,
    Cells,
    /// The shared string table holds more strings than [`ReadLimits::cells`].
    SharedStrings,
    CellChars,
    SheetChars,
    MergedRegions,
    /// Seconds spent reading.
    Time,
}

impl Limit {
    /// Chinese name and unit.
    fn describe(self) -> (&'static str, &'static str) {
        match self {
            Limit::ZipEntries => ("压缩包内文件数", ""),
            Limit::PartBytes => ("单个部件解压后大小", " 字节"),
            Limit::TotalBytes => ("解压后总大小", " 字节"),
            Limit::Rows => ("行数", ""),
            Limit::Columns => ("列数", ""),
            Limit::Cells => ("非空单元格数", ""),
            Limit::SharedStrings => ("共享字符串数", ""),
            Limit::CellChars => ("单元格字符数", ""),
            Limit::SheetChars => ("工作表字符总数", ""),
            Limit::MergedRegions => ("合并单元格区域数", ""),
            Limit::Time => ("读取用时", " 秒"),
        }
    }
}

fn limit_message(limit: &Limit, found: &u64, max: &u64) -> String {
    let (name, unit) = limit.describe();
    format!("{name} {found}{unit} 超过上限 {max}{unit}")
}

#[derive(Debug, thiserror::Error)]
pub enum OfficeError {
    #[error("无法读取文件：{0}，请上传 .xlsx 格式的 Excel 文件")]
    Unreadable(String),
    /// The upload goes over one of the [`ReadLimits`]. `found` is the value met when
    /// reading stopped: for counts and sizes measured while reading (cells, decompressed
    /// bytes) that is the first value over `max`, not the file's total.
    #[error("表格超过限制：{}，请删除多余的行、列和内容或拆分文件后重新上传", limit_message(.limit, .found, .max))]
    LimitExceeded { limit: Limit, found: u64, max: u64 },
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
