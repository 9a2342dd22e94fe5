//! Services shared by the JSON API, the pages and the CLI: the rules that need the database
//! but are not storage, such as spreadsheet import and export.

pub mod audit_heads;
pub mod finding_sheets;
pub mod grants;
pub mod jobs;
pub mod login;
pub mod org_sheets;
pub mod sheet_names;
pub mod task_sheets;
