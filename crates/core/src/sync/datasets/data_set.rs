//! What each data set implements: how one Graph item becomes typed items (objects to write, with
//! their typed carry, and ids to retire). Everything else about a data set is data, in its
//! registry entry ([`super::Spec`]), which holds its implementation.

use serde_json::Value;

use super::{Item, ItemProblem, ParseContext};

pub trait DataSet: Sync {
    fn parse(&self, item: Value, context: &ParseContext) -> Result<Vec<Item>, ItemProblem>;
}

/// Implements [`DataSet`] for a unit struct by the module's `parse`.
macro_rules! data_set {
    ($name:ident) => {
        pub struct $name;

        impl super::DataSet for $name {
            fn parse(
                &self,
                item: serde_json::Value,
                context: &super::ParseContext,
            ) -> Result<Vec<super::Item>, super::ItemProblem> {
                parse(item, context)
            }
        }
    };
}

pub(super) use data_set;
