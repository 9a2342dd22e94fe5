//! Reading uploaded sheets with calamine.

use std::io::Cursor;

use calamine::{open_workbook_auto_from_rs, Data, Range, Reader};

use crate::normalize::{float_to_i64, format_number};
use crate::{
    excel_serial_to_date, normalize_header, normalize_text, parse_date_text, parse_integer_text, CellError, Column,
    ColumnKind, OfficeError, ReadRow, ReadTable,
};

/// How many rows from the top of a sheet are searched for the header row.
const HEADER_SEARCH_ROWS: usize = 50;

/// Reads the first worksheet that contains the header row.
///
/// The header row is the row (among the first 50) matching the most expected
/// headers; it may sit below title rows and blank rows. Columns are mapped by
/// header text in any order, unknown columns are ignored, hidden columns are
/// read like any other. A missing required column fails the whole file with
/// [`OfficeError::MissingColumns`]; a missing optional column reads as "".
/// Rows whose expected cells are all empty are skipped. Cell problems (bad
/// date or integer, empty required cell, value outside the choices) are
/// collected in [`ReadTable::errors`].
pub fn read_table(bytes: &[u8], columns: &[Column]) -> Result<ReadTable, OfficeError> {
    let mut workbook = open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|_| OfficeError::Unreadable("文件不是有效的 Excel 文件".into()))?;

    // Best partial match over all sheets, for the error message.
    let mut best_missing: Option<(usize, Vec<String>)> = None;
    let mut any_sheet = false;
    for name in workbook.sheet_names() {
        let Ok(range) = workbook.worksheet_range(&name) else {
            continue;
        };
        any_sheet = true;
        let Some(header) = find_header(&range, columns) else {
            continue;
        };
        let missing: Vec<String> = columns
            .iter()
            .zip(&header.positions)
            .filter(|(c, pos)| c.required && pos.is_none())
            .map(|(c, _)| c.header.clone())
            .collect();
        if missing.is_empty() {
            return Ok(read_rows(&range, &header, columns));
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

struct Header {
    /// Index of the header row within the range.
    row: usize,
    /// For each expected column, its column index within the range.
    positions: Vec<Option<usize>>,
    matched: usize,
}

/// The row among the first rows matching the most expected headers (the
/// first such row on ties); `None` when no row matches any header.
fn find_header(range: &Range<Data>, columns: &[Column]) -> Option<Header> {
    let keys: Vec<String> = columns.iter().map(|c| normalize_header(&c.header)).collect();
    let mut best: Option<Header> = None;
    for (r, row) in range.rows().take(HEADER_SEARCH_ROWS).enumerate() {
        let mut positions = vec![None; columns.len()];
        for (c, cell) in row.iter().enumerate() {
            let Data::String(text) = cell else { continue };
            let key = normalize_header(text);
            if key.is_empty() {
                continue;
            }
            // First occurrence wins when a header is duplicated.
            if let Some(j) = (0..keys.len()).find(|&j| keys[j] == key && positions[j].is_none()) {
                positions[j] = Some(c);
            }
        }
        let matched = positions.iter().filter(|p| p.is_some()).count();
        if matched > best.as_ref().map_or(0, |b| b.matched) {
            best = Some(Header { row: r, positions, matched });
        }
    }
    best
}

fn read_rows(range: &Range<Data>, header: &Header, columns: &[Column]) -> ReadTable {
    // Range indices are relative to its first cell, which need not be A1.
    let start_row = range.start().map_or(0, |(r, _)| r as usize);
    let mut table = ReadTable::default();
    for (r, row) in range.rows().enumerate().skip(header.row + 1) {
        let row_number = start_row + r + 1;
        let converted: Vec<Result<String, (String, String)>> = header
            .positions
            .iter()
            .zip(columns)
            .map(|(pos, column)| match pos.and_then(|c| row.get(c)) {
                Some(cell) => convert(cell, column),
                None => Ok(String::new()),
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
