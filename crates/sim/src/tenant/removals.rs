//! Where objects were removed from the tenant's vectors, pass by pass. A list's skip token names a
//! position in a vector; with this log a later page resumes right after the last object it
//! returned even when objects before that were removed in between, as Graph's directory pages do
//! (their skip tokens resume after an object, not at a count: `$skip` is unsupported there).
//! Survivors keep their order and new objects are appended, so positions shift only by removals.

/// The vectors a list can page through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Collection {
    Users,
    Groups,
    Devices,
    ManagedDevices,
    Applications,
    ServicePrincipals,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Removals {
    passes: Vec<(Collection, Vec<u32>)>,
}

impl Removals {
    /// Records one removal pass over `collection`: the positions removed, as numbered before it.
    pub fn record(&mut self, collection: Collection, mut positions: Vec<u32>) {
        if positions.is_empty() {
            return;
        }
        positions.sort_unstable();
        self.passes.push((collection, positions));
    }

    /// How many passes there have been; a skip token remembers it.
    pub fn passes(&self) -> usize {
        self.passes.len()
    }

    /// Where `position` (as numbered after `since` passes) is now: each later pass over the same
    /// collection moves it back by the removals before it.
    pub fn resume(&self, collection: Collection, since: usize, position: usize) -> usize {
        self.passes
            .iter()
            .skip(since)
            .filter(|(c, _)| *c == collection)
            .fold(position, |at, (_, removed)| {
                at - removed.partition_point(|&p| (p as usize) < at)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_position_moves_back_by_what_was_removed_before_it_later() {
        let mut removals = Removals::default();
        removals.record(Collection::Devices, vec![9, 1]);
        let since = removals.passes();
        removals.record(Collection::Users, vec![0, 1, 2]);
        removals.record(Collection::Devices, vec![5, 2, 20]);
        // Positions 0..10 served (the last at 9); after removing 2 and 5 the next is at 8.
        assert_eq!(removals.resume(Collection::Devices, since, 10), 8);
        assert_eq!(removals.resume(Collection::Devices, since, 2), 2);
        assert_eq!(removals.resume(Collection::Devices, 0, 10), 6);
        assert_eq!(removals.resume(Collection::Groups, 0, 10), 10);
    }
}
