//! People and units in Excel: templates, exports and validate-then-commit imports.
//!
//! Export and import share one column list, so an exported file imports back unchanged.
//! An import first validates every row and reports every error; with `commit` it writes the
//! valid rows in one transaction.

mod duplicates;
mod people;
mod units;

pub use people::{people_columns, people_export, people_import, people_template, rank_choices, rank_shown};
pub use units::{unit_columns, units_export, units_import, units_template};
