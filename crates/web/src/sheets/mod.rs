//! Spreadsheet plumbing shared by every feature's sheets: the import report and its row
//! errors, reading an upload off the async workers, and units and people as sheets name them.

pub mod heading;
pub mod names;

use qingfeng_office::{read_table, Column, ReadTable};
use serde::Serialize;

use crate::http::ApiError;

/// One problem in one cell of an imported file.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct RowError {
    pub row: usize,
    pub column: String,
    pub message: String,
}

/// What an import found (and, when committed, did).
#[derive(Debug, Clone, Serialize, Default, utoipa::ToSchema)]
pub struct ImportReport {
    pub valid: usize,
    pub errors: Vec<RowError>,
    pub committed: bool,
    pub created: usize,
    pub updated: usize,
    /// what the user should know but need not fix (columns the sheet does not read)
    pub warnings: Vec<String>,
}

impl ImportReport {
    /// Warns about the file's columns that the sheet does not read: a misspelt header
    /// would otherwise pass unnoticed and its values be lost.
    pub fn warn_unknown_columns(&mut self, table: &ReadTable) {
        if !table.unknown_columns.is_empty() {
            let list = table.unknown_columns.iter().map(|c| format!("“{c}”")).collect::<Vec<_>>().join("、");
            self.warnings.push(format!("以下列不是导入模板中的列，未导入：{list}；如是模板中的列，请核对表头文字"));
        }
    }

    /// The report of a sheet just read: its unknown columns warned about, its cells' own errors
    /// reported; returns it with the rows those errors are in.
    pub fn of_table(table: &ReadTable) -> (ImportReport, std::collections::HashSet<usize>) {
        let mut report = ImportReport::default();
        report.warn_unknown_columns(table);
        let mut bad = std::collections::HashSet::new();
        for e in &table.errors {
            report.errors.push(RowError { row: e.row, column: e.column.clone(), message: e.message.clone() });
            bad.insert(e.row);
        }
        (report, bad)
    }

    /// Adds a row's errors (column, message), except in the columns whose cells the reading
    /// already reported for that row.
    pub fn add_row_errors(&mut self, table: &ReadTable, row: usize, errors: Vec<(&str, String)>) {
        let reported: Vec<&str> = table.errors.iter().filter(|e| e.row == row).map(|e| e.column.as_str()).collect();
        for (column, message) in errors.into_iter().filter(|(c, _)| !reported.contains(c)) {
            self.errors.push(RowError { row, column: column.to_string(), message });
        }
    }

    /// Sorts the errors by row and says whether a committing import may write now: with
    /// `commit`, no error and `rows` to write. With `commit` and errors, notes that nothing is
    /// written until every error is fixed.
    pub fn ready_to_write(&mut self, commit: bool, rows: usize) -> bool {
        self.errors.sort_by_key(|e| e.row);
        if commit && !self.errors.is_empty() {
            self.warnings.push("有错误的行：请改正全部错误后重新上传，本次未写入任何记录".into());
        }
        commit && self.errors.is_empty() && rows > 0
    }

    /// Notes what the store wrote: the import is committed.
    pub fn record(&mut self, written: qingfeng_store::imports::Written) {
        self.created = written.created;
        self.updated = written.updated;
        self.committed = true;
    }
}

/// Reads an uploaded sheet (within qingfeng_office's limits) on the blocking thread pool:
/// a large workbook takes seconds of CPU, which must not hold up the async workers
/// serving everyone else's requests. A watched import then counts its rows being checked.
pub async fn read_upload(bytes: &[u8], columns: Vec<Column>) -> Result<ReadTable, ApiError> {
    let bytes = bytes.to_vec();
    let table = tokio::task::spawn_blocking(move || read_table(&bytes, &columns))
        .await
        .map_err(|e| ApiError::Internal(format!("reading an uploaded sheet: {e}")))??;
    // the rows to check, for a page watching the import
    qingfeng_store::progress::begin(qingfeng_store::progress::Stage::Checking, table.rows.len());
    Ok(table)
}

/// A row's validation: the record, or (for a refusal naming fields) the row's errors in the
/// columns `column_of` gives for those fields and None; any other error stops the import.
pub fn row_result<T>(
    result: Result<T, ApiError>,
    row: usize,
    column_of: fn(&str) -> &'static str,
    errs: &mut Vec<RowError>,
) -> Result<Option<T>, ApiError> {
    match result {
        Ok(d) => Ok(Some(d)),
        Err(ApiError::Invalid(fe)) => {
            for e in fe.0 {
                errs.push(RowError { row, column: column_of(&e.field).into(), message: e.message });
            }
            Ok(None)
        }
        Err(e) => Err(e),
    }
}
