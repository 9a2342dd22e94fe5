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

    /// Notes what the store wrote: the import is committed.
    pub fn record(&mut self, written: qingfeng_store::imports::Written) {
        self.created = written.created;
        self.updated = written.updated;
        self.committed = true;
    }
}

/// Reads an uploaded sheet (within qingfeng_office's limits) on the blocking thread pool:
/// a large workbook takes seconds of CPU, which must not hold up the async workers
/// serving everyone else's requests.
pub async fn read_upload(bytes: &[u8], columns: Vec<Column>) -> Result<ReadTable, ApiError> {
    let bytes = bytes.to_vec();
    let table = tokio::task::spawn_blocking(move || read_table(&bytes, &columns))
        .await
        .map_err(|e| ApiError::Internal(format!("reading an uploaded sheet: {e}")))??;
    Ok(table)
}
