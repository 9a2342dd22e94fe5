//! The organisation: the unit tree, people, 分管 assignments and transfer history.

pub mod branches;
pub mod bulk;
pub mod people;
pub mod scope;
pub mod units;

pub use people::{Person, PersonFilter};
pub use scope::Scope;
pub use units::Unit;
