//! Reading uploaded sheets with calamine, within [`ReadLimits`].
//!
//! The zip is checked first ([`crate::guard`]); then each worksheet's declared dimension
//! is checked and its cells are streamed into a sparse list of the non-empty cells, so
//! memory follows what the file really holds, never what it declares.

use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};

use calamine::{Data, DataRef, Dimensions, Reader, Xlsx, XlsxError};

use crate::guard::{check_zip, exceeded, not_excel, Budget};
use crate::normalize::{float_to_i64, format_number};
use crate::{
    excel_serial_to_date, normalize_header, normalize_text, parse_date_text, parse_integer_text, CellError, Column,
    ColumnKind, Limit, OfficeError, ReadLimits, ReadRow, ReadTable,
};

/// How many rows from the top of a sheet are searched for the header row.
const HEADER_SEARCH_ROWS: u32 = 50;

/// Reads the first worksheet that contains the header row, within the default
/// [`ReadLimits`] (see [`read_table_with_limits`]).
///
/// The header row is the row (among the first 50, counted from the first row with a
/// value) matching the most expected headers; it may sit below title rows and blank rows.
/// Columns are mapped by header text in any order, unknown columns are ignored, hidden
/// columns are read like any other. A missing required column fails the whole file with
/// [`OfficeError::MissingColumns`]; a missing optional column reads as "".
/// Rows whose expected cells are all empty are skipped. Cell problems (bad
/// date or integer, empty required cell, value outside the choices) are
/// collected in [`ReadTable::errors`].
pub fn read_table(bytes: &[u8], columns: &[Column]) -> Result<ReadTable, OfficeError> {
    read_table_with_limits(bytes, columns, &ReadLimits::default())
}

/// [`read_table`] within the given limits. Only .xlsx is read. A file over a limit fails
/// with [`OfficeError::LimitExceeded`] before memory is spent on what it declares: the zip
/// entries, each part's declared and real decompressed size and the shared strings are
/// checked first, then each worksheet's declared dimension, then its cells while they
/// are streamed (highest row and column, non-empty cells, characters, time).
pub fn read_table_with_limits(bytes: &[u8], columns: &[Column], limits: &ReadLimits) -> Result<ReadTable, OfficeError> {
    // calamine panics on some malformed input (arithmetic on cell references); such a
    // file is unreadable, not a reason to take the caller down.
    catch_unwind(AssertUnwindSafe(|| read_checked(bytes, columns, limits)))
        .unwrap_or_else(|_| Err(OfficeError::Unreadable("文件内容已损坏".into())))
}

fn read_checked(bytes: &[u8], columns: &[Column], limits: &ReadLimits) -> Result<ReadTable, OfficeError> {
    let budget = Budget::new(limits);
    check_zip(bytes, &budget)?;
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| not_excel())?;
    budget.check_time()?;

    // Best partial match over all sheets, for the error message.
    let mut best_missing: Option<(usize, Vec<String>)> = None;
    let mut any_sheet = false;
    for name in workbook.sheet_names() {
        // Bounded by the zip walk's count of merged regions; a sheet whose list calamine
        // cannot read is read without merges.
        let merges = workbook.worksheet_merge_cells(&name).and_then(Result::ok).unwrap_or_default();
        let Some(mut sheet) = read_sheet(&mut workbook, &name, &budget)? else {
            continue;
        };
        spread_merges(&mut sheet, &merges, limits)?;
        any_sheet = true;
        let Some(header) = find_header(&sheet, columns) else {
            continue;
        };
        let missing: Vec<String> = columns
            .iter()
            .zip(&header.positions)
            .filter(|(c, pos)| c.required && pos.is_none())
            .map(|(c, _)| c.header.clone())
            .collect();
        if missing.is_empty() {
            return Ok(read_rows(&sheet, &header, columns));
        }
        if best_missing.as_ref().is_none_or(|(n, _)| header.matched > *n) {
            best_missing = Some((header.matched, missing));
        }
    }
    if !any_sheet {
        return Err(OfficeError::Unreadable("文件中没有可读取的工作表".into()));
    }
    Err(OfficeError::MissingColumns(match best_missing {
        Some((_, missing)) => missing,
        // Nothing matched anywhere: name the required columns, or all of them.
        None => {
            let required: Vec<String> = columns.iter().filter(|c| c.required).map(|c| c.header.clone()).collect();
            if required.is_empty() {
                columns.iter().map(|c| c.header.clone()).collect()
            } else {
                required
            }
        }
    }))
}

/// The non-empty cells of one worksheet as (row, column, value), 0-based, sorted by row
/// then column, one per position. Shared strings are borrowed from the workbook, not
/// copied.
struct Sheet<'a> {
    cells: Vec<(u32, u32, DataRef<'a>)>,
    /// Characters in all cells.
    chars: u64,
}

impl<'a> Sheet<'a> {
    /// Cells of each row that has any, in order.
    fn rows(&self) -> impl Iterator<Item = (u32, &[(u32, u32, DataRef<'a>)])> {
        self.cells.chunk_by(|a, b| a.0 == b.0).map(|cells| (cells[0].0, cells))
    }
}

/// Streams a worksheet within the limits. `Ok(None)` for a sheet calamine cannot read
/// (skipped, as before); a chart sheet or dialog sheet reads as empty.
fn read_sheet<'a>(
    workbook: &'a mut Xlsx<Cursor<&[u8]>>,
    name: &str,
    budget: &Budget,
) -> Result<Option<Sheet<'a>>, OfficeError> {
    let limits = budget.limits;
    budget.check_time()?;
    let mut reader = match workbook.worksheet_cells_reader(name) {
        Ok(reader) => reader,
        Err(XlsxError::NotAWorksheet(_)) => return Ok(Some(Sheet { cells: Vec::new(), chars: 0 })),
        Err(_) => return Ok(None),
    };
    // The declared size, refused before anything is read for it.
    let declared = reader.dimensions();
    check_position(declared.end.0, declared.end.1, limits)?;

    let mut cells: Vec<(u32, u32, DataRef<'a>)> = Vec::new();
    let mut sheet_chars: u64 = 0;
    let mut seen: u64 = 0;
    loop {
        seen += 1;
        if seen.is_multiple_of(4096) {
            budget.check_time()?;
        }
        let cell = match reader.next_cell() {
            Ok(Some(cell)) => cell,
            Ok(None) => break,
            Err(_) => return Ok(None),
        };
        let ((row, col), value) = (cell.get_position(), cell.get_value());
        if *value == DataRef::Empty {
            continue;
        }
        check_position(row, col, limits)?;
        if cells.len() as u64 >= limits.cells {
            return Err(exceeded(Limit::Cells, cells.len() as u64 + 1, limits.cells));
        }
        let chars = chars_of(value);
        if chars > limits.cell_chars {
            return Err(exceeded(Limit::CellChars, chars, limits.cell_chars));
        }
        sheet_chars += chars;
        if sheet_chars > limits.sheet_chars {
            return Err(exceeded(Limit::SheetChars, sheet_chars, limits.sheet_chars));
        }
        cells.push((row, col, value.clone()));
    }
    budget.check_time()?;
    sort_cells(&mut cells);
    Ok(Some(Sheet { cells, chars: sheet_chars }))
}

fn chars_of(value: &DataRef) -> u64 {
    match value {
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.chars().count() as u64,
        DataRef::SharedString(s) => s.chars().count() as u64,
        _ => 0,
    }
}

/// A merged cell's value applies to every row it spans: the value of a region's top-left
/// cell is copied into the cells below it in its column (what Excel keeps under a merge is
/// hidden, so the copy wins). The copies count toward the cell and character limits.
fn spread_merges(sheet: &mut Sheet, merges: &[Dimensions], limits: &ReadLimits) -> Result<(), OfficeError> {
    let mut copies: Vec<(u32, u32, DataRef)> = Vec::new();
    for m in merges {
        let ((first, col), last) = (m.start, m.end.0);
        if last <= first {
            continue;
        }
        let Ok(i) = sheet.cells.binary_search_by_key(&(first, col), |&(r, c, _)| (r, c)) else {
            continue;
        };
        check_position(last, col, limits)?;
        let value = &sheet.cells[i].2;
        let chars = chars_of(value);
        for row in first + 1..=last {
            let cells = (sheet.cells.len() + copies.len()) as u64;
            if cells >= limits.cells {
                return Err(exceeded(Limit::Cells, cells + 1, limits.cells));
            }
            sheet.chars += chars;
            if sheet.chars > limits.sheet_chars {
                return Err(exceeded(Limit::SheetChars, sheet.chars, limits.sheet_chars));
            }
            copies.push((row, col, value.clone()));
        }
    }
    if copies.is_empty() {
        return Ok(());
    }
    sheet.cells.extend(copies);
    sort_cells(&mut sheet.cells);
    Ok(())
}

/// Cells need not come in order; of two at the same position the later one counts, as in
/// calamine's own ranges (the sort is stable).
fn sort_cells(cells: &mut Vec<(u32, u32, DataRef)>) {
    cells.sort_by_key(|&(r, c, _)| (r, c));
    cells.dedup_by(|later, kept| {
        let same = (later.0, later.1) == (kept.0, kept.1);
        if same {
            std::mem::swap(&mut later.2, &mut kept.2);
        }
        same
    });
}

/// Refuses a (0-based) position beyond the highest column or row allowed.
fn check_position(row: u32, col: u32, limits: &ReadLimits) -> Result<(), OfficeError> {
    let (rows, cols) = (u64::from(row) + 1, u64::from(col) + 1);
    if cols > u64::from(limits.columns) {
        return Err(exceeded(Limit::Columns, cols, limits.columns.into()));
    }
    if rows > u64::from(limits.rows) {
        return Err(exceeded(Limit::Rows, rows, limits.rows.into()));
    }
    Ok(())
}

struct Header {
    /// Row of the header (0-based, in the sheet).
    row: u32,
    /// For each expected column, its column (0-based, in the sheet).
    positions: Vec<Option<u32>>,
    matched: usize,
    /// Texts of the header row that name no expected column, in sheet order.
    unknown: Vec<String>,
}

/// The row among the first rows (from the first row with a value) matching the most
/// expected headers (the first such row on ties); `None` when no row matches any header.
fn find_header(sheet: &Sheet, columns: &[Column]) -> Option<Header> {
    let keys: Vec<String> = columns.iter().map(|c| normalize_header(&c.header)).collect();
    let first_row = sheet.cells.first()?.0;
    let mut best: Option<Header> = None;
    for (r, row) in sheet.rows().take_while(|(r, _)| *r - first_row < HEADER_SEARCH_ROWS) {
        let mut positions = vec![None; columns.len()];
        let mut unknown = Vec::new();
        for (_, c, cell) in row {
            let text: &str = match cell {
                DataRef::String(s) => s,
                DataRef::SharedString(s) => s,
                _ => continue,
            };
            let key = normalize_header(text);
            if key.is_empty() {
                continue;
            }
            // First occurrence wins when a header is duplicated.
            if let Some(j) = (0..keys.len()).find(|&j| keys[j] == key && positions[j].is_none()) {
                positions[j] = Some(*c);
            } else if !keys.contains(&key) {
                unknown.push(normalize_text(text));
            }
        }
        let matched = positions.iter().filter(|p| p.is_some()).count();
        if matched > best.as_ref().map_or(0, |b| b.matched) {
            best = Some(Header { row: r, positions, matched, unknown });
        }
    }
    best
}

fn read_rows(sheet: &Sheet, header: &Header, columns: &[Column]) -> ReadTable {
    let mut table = ReadTable {
        unknown_columns: header.unknown.clone(),
        absent_columns: columns
            .iter()
            .zip(&header.positions)
            .filter(|(_, pos)| pos.is_none())
            .map(|(c, _)| c.header.clone())
            .collect(),
        ..ReadTable::default()
    };
    for (r, row) in sheet.rows().skip_while(|(r, _)| *r <= header.row) {
        let row_number = r as usize + 1;
        let converted: Vec<Result<String, (String, String)>> = header
            .positions
            .iter()
            .zip(columns)
            .map(|(pos, column)| {
                let cell = pos.and_then(|c| row.binary_search_by_key(&c, |(_, col, _)| *col).ok());
                match cell {
                    Some(i) => convert(&Data::from(row[i].2.clone()), column),
                    None => Ok(String::new()),
                }
            })
            .collect();
        let is_empty = converted.iter().all(|v| matches!(v, Ok(s) if s.is_empty()));
        if is_empty {
            continue;
        }
        let mut cells = Vec::with_capacity(columns.len());
        for (value, column) in converted.into_iter().zip(columns) {
            let mut error = |message: String| {
                table.errors.push(CellError { row: row_number, column: column.header.clone(), message })
            };
            let value = match value {
                Ok(v) if v.is_empty() && column.required => {
                    error("必填项不能为空".into());
                    v
                }
                Ok(v) => match check_choice(&v, column) {
                    Ok(v) => v,
                    Err(message) => {
                        error(message);
                        v
                    }
                },
                Err((original, message)) => {
                    error(message);
                    original
                }
            };
            cells.push(value);
        }
        table.rows.push(ReadRow { row_number, cells });
    }
    table
}

/// Accepts empty values and values from the column's choices (returned in
/// their canonical spelling).
fn check_choice(value: &str, column: &Column) -> Result<String, String> {
    if value.is_empty() || column.choices.is_empty() {
        return Ok(value.to_string());
    }
    if let Some(choice) = column.choices.iter().find(|c| normalize_text(c) == value) {
        return Ok(choice.clone());
    }
    let list = column.choices.join("、");
    Err(if list.chars().count() <= 60 {
        format!("“{value}”不是可选项，请从以下选项中选择：{list}")
    } else {
        format!("“{value}”不是可选项，请从下拉列表中选择")
    })
}

/// Converts a cell to the normalized text of its column kind. On failure
/// returns the cell's normalized original text and a Chinese message.
fn convert(cell: &Data, column: &Column) -> Result<String, (String, String)> {
    let original = cell_text(cell);
    let fail = |message: String| Err((original.clone(), message));
    match column.kind {
        ColumnKind::Text => match cell {
            Data::Error(e) => fail(format!("单元格包含错误值 {e}")),
            _ => Ok(original.clone()),
        },
        ColumnKind::Date => {
            if original.is_empty() {
                return Ok(original);
            }
            let date = match cell {
                Data::DateTime(dt) if dt.is_datetime() && dt.as_f64() >= 1.0 => dt.as_datetime().map(|d| d.date()),
                Data::Float(f) => number_to_date(*f),
                Data::Int(i) => number_to_date(*i as f64),
                Data::String(s) | Data::DateTimeIso(s) => parse_date_text(s),
                _ => None,
            };
            match date {
                Some(d) => Ok(d.format("%Y-%m-%d").to_string()),
                None => fail(format!("日期格式无法识别：{original}，请填写如 2026-03-01")),
            }
        }
        ColumnKind::Integer => {
            if original.is_empty() {
                return Ok(original);
            }
            let number = match cell {
                Data::Int(i) => Some(*i),
                Data::Float(f) => float_to_i64(*f),
                Data::String(s) => parse_integer_text(s),
                _ => None,
            };
            match number {
                Some(n) => Ok(n.to_string()),
                None => fail(format!("整数格式无法识别：{original}，请填写整数，如 12")),
            }
        }
    }
}

/// A numeric cell in a date column: an 8-digit yyyymmdd number or an Excel
/// serial day number.
fn number_to_date(f: f64) -> Option<chrono::NaiveDate> {
    if let Some(i) = float_to_i64(f).filter(|i| (10_000_101..=99_991_231).contains(i)) {
        return parse_date_text(&i.to_string());
    }
    excel_serial_to_date(f)
}

/// Text of any cell as the user would read it, normalized like a text cell.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => normalize_text(s),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => format_number(*f),
        Data::Bool(b) => (if *b { "TRUE" } else { "FALSE" }).to_string(),
        Data::DateTime(dt) => match dt.as_datetime().filter(|_| dt.is_datetime()) {
            Some(d) if dt.as_f64() < 1.0 => d.format("%H:%M:%S").to_string(),
            Some(d) if d.time() == chrono::NaiveTime::MIN => d.format("%Y-%m-%d").to_string(),
            Some(d) => d.format("%Y-%m-%d %H:%M:%S").to_string(),
            None => format_number(dt.as_f64()),
        },
        Data::Error(e) => e.to_string(),
    }
}
