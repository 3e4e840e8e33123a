//! One round of a Graph collection as a type: which request comes next, and what a page's links
//! mean for the round. The engine keeps the round's position (the nextLink to follow and the
//! deltaLink it holds) in its checkpoint; this type says how to move it.

/// The requests that make one round of a collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pages {
    /// A delta round: nextLinks, the last page carrying the deltaLink of the next round. `first`
    /// starts a full round; an incremental round starts at its committed deltaLink instead.
    Delta { first: String },
    /// A collection without delta (Intune, SKUs): listed in full, the last page has no nextLink.
    List { first: String },
    /// A full round of a collection whose list serves larger pages than its delta: first a
    /// deltaLink "from now" (`$deltatoken=latest` answers no items, only that link), then the
    /// list from `first`. What changes while the list is read comes in the next delta round.
    ListFromLatest { latest: String, first: String },
}

/// What a page's links mean for its round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Turn {
    /// Follow this nextLink.
    Next(String),
    /// The "from now" deltaLink: hold it and read the list from its first page.
    Hold(String),
    /// The round has ended; a delta round's own deltaLink, if it produced one.
    End(Option<String>),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PagesError {
    #[error(
        "a delta page had neither @odata.nextLink nor @odata.deltaLink, so the round cannot go on; run the sync again, and if it repeats, report the Graph request id"
    )]
    Unterminated,
    #[error(
        "the $deltatoken=latest request answered without an @odata.deltaLink, so changes during this sync could not be tracked; run the sync again, and if it repeats, report the Graph request id"
    )]
    NoLatestLink,
}

impl Pages {
    /// The next request: the nextLink being followed, else the round's first request (the
    /// "from now" one while no deltaLink is held yet).
    pub fn next_url(&self, next_link: Option<&str>, held_delta_link: Option<&str>) -> String {
        if let Some(next) = next_link {
            return next.to_string();
        }
        match self {
            Pages::ListFromLatest { latest, .. } if held_delta_link.is_none() => latest.clone(),
            Pages::Delta { first }
            | Pages::List { first }
            | Pages::ListFromLatest { first, .. } => first.clone(),
        }
    }

    /// Where the round goes after a page with these links. `held_delta_link` says whether the
    /// round already holds its deltaLink (a list round, once "from now" has answered).
    pub fn turn(
        &self,
        held_delta_link: bool,
        next_link: Option<String>,
        delta_link: Option<String>,
    ) -> Result<Turn, PagesError> {
        match self {
            Pages::ListFromLatest { .. } if !held_delta_link => {
                delta_link.map(Turn::Hold).ok_or(PagesError::NoLatestLink)
            }
            _ => match (next_link, delta_link) {
                (Some(next), _) => Ok(Turn::Next(next)),
                (None, Some(delta)) if matches!(self, Pages::Delta { .. }) => {
                    Ok(Turn::End(Some(delta)))
                }
                (None, None) if matches!(self, Pages::Delta { .. }) => {
                    Err(PagesError::Unterminated)
                }
                // A list ends where its nextLinks end; its round's deltaLink is the one held.
                (None, _) => Ok(Turn::End(None)),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list_from_latest() -> Pages {
        Pages::ListFromLatest {
            latest: "L".into(),
            first: "F".into(),
        }
    }

    #[test]
    fn a_list_round_takes_the_latest_delta_link_first_then_lists_to_the_end() {
        let pages = list_from_latest();
        assert_eq!(pages.next_url(None, None), "L");
        assert_eq!(
            pages.turn(false, None, Some("D".into())),
            Ok(Turn::Hold("D".into()))
        );
        assert_eq!(pages.next_url(None, Some("D")), "F");
        assert_eq!(
            pages.turn(true, Some("N".into()), None),
            Ok(Turn::Next("N".into()))
        );
        assert_eq!(pages.next_url(Some("N"), Some("D")), "N");
        assert_eq!(pages.turn(true, None, None), Ok(Turn::End(None)));
        assert_eq!(
            pages.turn(false, None, None),
            Err(PagesError::NoLatestLink),
            "latest must answer a deltaLink"
        );
    }

    #[test]
    fn a_delta_round_ends_only_with_its_delta_link() {
        let pages = Pages::Delta { first: "F".into() };
        assert_eq!(pages.next_url(None, None), "F");
        assert_eq!(pages.next_url(Some("link"), None), "link");
        assert_eq!(
            pages.turn(false, None, Some("D".into())),
            Ok(Turn::End(Some("D".into())))
        );
        assert_eq!(pages.turn(false, None, None), Err(PagesError::Unterminated));
        let list = Pages::List { first: "F".into() };
        assert_eq!(list.turn(false, None, None), Ok(Turn::End(None)));
    }
}
