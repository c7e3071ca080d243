//! Numbering the key ids and routes of a batch of logged requests, so that
//! each string is stored and hashed once per batch, not per request.

use std::collections::HashMap;

use foldhash::fast::RandomState;
use time::PrimitiveDateTime;

use super::NewUsage;

/// A logged request whose key and route are numbers in a [`Names`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Numbered {
    /// Index into [`Names::key_id`].
    pub key: u32,
    /// Index into [`Names::route`].
    pub route: u32,
    /// Response status.
    pub status: i32,
    /// Response time in ms.
    pub duration_ms: i32,
    /// Request time.
    pub at: PrimitiveDateTime,
}

/// The key ids and routes (method, path) of a batch, each stored once.
///
/// The tables only grow; they live as long as the entries numbered in them
/// (the usage log takes both at each flush). foldhash, seeded per process:
/// paths come from clients, but only from clients a key admitted, and a
/// table lasts one flush interval.
#[derive(Default)]
pub struct Names {
    key_ids: Vec<Box<str>>,
    key_of: HashMap<Box<str>, u32, RandomState>,
    routes: Vec<(Box<str>, Box<str>)>,
    /// Per path, its methods' route numbers (few: a linear search).
    route_of: HashMap<Box<str>, Vec<MethodRoute>, RandomState>,
    /// The last key and route numbered: a run of requests with one key or
    /// one route (the common case) compares strings instead of hashing.
    last_key: Option<u32>,
    last_route: Option<u32>,
}

/// From one [`Names`]' numbers to another's (made by [`Names::absorb`]).
pub struct Renumber {
    keys: Vec<u32>,
    routes: Vec<u32>,
}

impl Renumber {
    /// The entry numbered in the absorbed table, numbered in the other;
    /// `None` if it names something the absorbed table does not hold.
    pub fn apply(&self, entry: &Numbered) -> Option<Numbered> {
        Some(Numbered {
            key: *self.keys.get(usize::try_from(entry.key).ok()?)?,
            route: *self.routes.get(usize::try_from(entry.route).ok()?)?,
            ..*entry
        })
    }
}

/// A method of a path and its route number.
type MethodRoute = (Box<str>, u32);

/// The next number of a table of `len` names. A table lives for one flush
/// interval, far below `u32::MAX` names.
fn next(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

impl Names {
    fn key(&mut self, id: &str) -> u32 {
        if let Some(n) = self.last_key.filter(|n| self.key_id(*n) == Some(id)) {
            return n;
        }
        let n = match self.key_of.get(id) {
            Some(n) => *n,
            None => {
                let n = next(self.key_ids.len());
                self.key_ids.push(id.into());
                self.key_of.insert(id.into(), n);
                n
            }
        };
        self.last_key = Some(n);
        n
    }

    fn route_number(&mut self, method: &str, path: &str) -> u32 {
        if let Some(n) = self
            .last_route
            .filter(|n| self.route(*n) == Some((method, path)))
        {
            return n;
        }
        let known = self
            .route_of
            .get(path)
            .and_then(|methods| methods.iter().find(|(m, _)| &**m == method))
            .map(|(_, n)| *n);
        let n = match known {
            Some(n) => n,
            None => {
                let n = next(self.routes.len());
                self.routes.push((method.into(), path.into()));
                self.route_of
                    .entry(path.into())
                    .or_default()
                    .push((method.into(), n));
                n
            }
        };
        self.last_route = Some(n);
        n
    }

    /// Numbers a request's key and route (adding them when new).
    pub fn number<S: AsRef<str>>(&mut self, request: &NewUsage<S>) -> Numbered {
        Numbered {
            key: self.key(request.key_id.as_ref()),
            route: self.route_number(request.method.as_ref(), request.path.as_ref()),
            status: request.status,
            duration_ms: request.duration_ms,
            at: request.created_at,
        }
    }

    /// Numbers here every key id and route of `other`; answers, for each
    /// of `other`'s numbers, the one here: (keys, routes), so that entries
    /// numbered in `other` can be renumbered with [`Renumber::apply`].
    pub fn absorb(&mut self, other: &Names) -> Renumber {
        Renumber {
            keys: other.key_ids.iter().map(|id| self.key(id)).collect(),
            routes: other
                .routes
                .iter()
                .map(|(method, path)| self.route_number(method, path))
                .collect(),
        }
    }

    /// Key id number `n`.
    pub fn key_id(&self, n: u32) -> Option<&str> {
        self.key_ids.get(usize::try_from(n).ok()?).map(|id| &**id)
    }

    /// Route number `n`: (method, path).
    pub fn route(&self, n: u32) -> Option<(&str, &str)> {
        let (method, path) = self.routes.get(usize::try_from(n).ok()?)?;
        Some((method, path))
    }

    /// How many keys are numbered.
    pub fn keys(&self) -> usize {
        self.key_ids.len()
    }

    /// How many routes are numbered.
    pub fn routes(&self) -> usize {
        self.routes.len()
    }

    /// The request an entry numbered here stands for.
    pub fn resolve(&self, entry: &Numbered) -> Option<NewUsage<&str>> {
        let (method, path) = self.route(entry.route)?;
        Some(NewUsage {
            key_id: self.key_id(entry.key)?,
            method,
            path,
            status: entry.status,
            duration_ms: entry.duration_ms,
            created_at: entry.at,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use time::macros::datetime;

    use super::*;

    fn request<'a>(key_id: &'a str, path: &'a str) -> NewUsage<&'a str> {
        NewUsage {
            key_id,
            method: "GET",
            path,
            status: 200,
            duration_ms: 1,
            created_at: datetime!(2026-11-24 7:00),
        }
    }

    #[test]
    fn absorbed_entries_name_the_same_keys_and_routes() {
        let mut mine = Names::default();
        mine.number(&request("k1", "/a"));
        let mut other = Names::default();
        let entries = [
            other.number(&request("k2", "/b")),
            other.number(&request("k1", "/a")),
        ];
        let renumber = mine.absorb(&other);
        for entry in &entries {
            let moved = renumber.apply(entry).unwrap();
            assert_eq!(mine.resolve(&moved), other.resolve(entry));
        }
        assert_eq!((mine.keys(), mine.routes()), (2, 2));
        let stray = Numbered {
            key: 9,
            ..entries[0]
        };
        assert!(renumber.apply(&stray).is_none());
    }

    #[test]
    fn a_name_keeps_its_number_in_runs_and_after_others() {
        let mut names = Names::default();
        let sequence = [
            ("k1", "/a"),
            ("k1", "/a"),
            ("k2", "/b"),
            ("k1", "/a"),
            ("k2", "/a"),
        ];
        let numbered: Vec<(u32, u32)> = sequence
            .iter()
            .map(|(key, path)| {
                let entry = names.number(&request(key, path));
                (entry.key, entry.route)
            })
            .collect();
        assert_eq!(numbered, [(0, 0), (0, 0), (1, 1), (0, 0), (1, 0)]);
        assert_eq!((names.keys(), names.routes()), (2, 2));
    }
}
