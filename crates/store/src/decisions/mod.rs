//! 三重一大: collective-decision meetings with members, attendance, topics, speeches, votes and
//! recusals; the checks of `qingfeng_domain::decisions` are evaluated on every save (the failed
//! rules are kept on the meeting for the lists and the dashboard) and on every read; failed
//! checks the 纪检组 turned into findings; the R-DEC-8 register of spending and appointments.
//!
//! A meeting is read through its unit (仅本人: a meeting the person attends, chairs or records).
//! Topics keep their ids while a meeting is edited, so register entries (and later 督查督办)
//! can point at them.
//!
//! The parts: `read` (the list, one meeting with its checks, topics to link), `write` (create,
//! update, a failed check turned into a finding) and `register` (R-DEC-8).

mod read;
pub mod register;
mod write;

pub use read::{
    get, list, topic_in_scope, topic_options, year_failures, Meeting, MeetingFilter, MeetingMember, MeetingSummary,
    MeetingTopic, Named, TopicOption, TopicVote,
};
pub use write::{create, link_finding, update};
