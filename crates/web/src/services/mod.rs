//! Services shared by the JSON API, the pages and the CLI.

pub mod finding_sheets;
pub mod grants;
pub mod login;
pub mod org_sheets;
pub mod task_sheets;
