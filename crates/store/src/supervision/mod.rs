//! 督查督办: decisions to implement (决策部署) and the 纪检组's 督办 notes.
//!
//! A decision owns one work plan (created with it, in the same transaction): its tasks are the
//! plan's tasks, deployed, reported and reminded by the work-plan machinery (`crate::plans`). A
//! decision is visible where its plan is (its unit in scope, or one of its tasks). A 督办 is
//! visible where its addressee unit is in scope, or to its addressee person.
//!
//! The parts: `implementations` (decisions, their progress counts) and `notes` (督办: opening,
//! answering, closing, with their notifications).

mod implementations;
mod notes;

pub use implementations::{
    create, get, list, topic_facts, topics_implemented, Implementation, ImplementationFilter, TopicFacts,
    IMPLEMENTATION_COLS,
};
pub use notes::{answer_note, close_note, create_note, get_note, list_notes, Note, NoteFilter};
