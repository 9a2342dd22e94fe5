//! Services shared by the JSON API, the pages and the CLI: the rules that need the database
//! but are not storage, such as spreadsheet import and export.

pub mod grants;
pub mod login;
pub mod org_sheets;
pub mod task_sheets;
