//! Whether a text mentions any of a set of names (anywhere, inside longer words too): the
//! byte prefilter of the cross-file passes, over every binding's name.
//!
//! An Aho-Corasick automaton kept to that one question, built here because the
//! aho-corasick crate's build (1.1.5, every kind) ends by moving each state that ends a
//! pattern in front of the others, one swap at a time, and then follows the resulting
//! permutation's cycle from every state: names sharing a prefix (`B0` … `B99999`, one
//! generated file can bind them) make one cycle through all of them, n² steps. Here the build
//! and each search are linear in the names' and the text's length.

/// The root: the state of no name's byte read yet.
const ROOT: u32 = 0;

pub struct Mentions {
    /// Each state's transitions, sorted by byte: the trie of the names.
    next: Vec<Vec<(u8, u32)>>,
    /// The state of the longest proper suffix of a state's text that is in the trie.
    fail: Vec<u32>,
    /// A name ends at this state, or at one on its failure chain.
    hit: Vec<bool>,
    /// The bytes that start a name: at the root, the search skips every other byte.
    starts: [bool; 256],
    /// Those bytes, listed: a few (the usual case) are skipped to with `memchr`.
    first: Vec<u8>,
}

impl Mentions {
    pub fn new<'n>(names: impl IntoIterator<Item = &'n [u8]>) -> Mentions {
        let mut m = Mentions {
            next: vec![Vec::new()],
            fail: vec![ROOT],
            hit: vec![false],
            starts: [false; 256],
            first: Vec::new(),
        };
        for name in names {
            let mut s = ROOT;
            for &b in name {
                s = match m.step(s, b) {
                    Some(t) => t,
                    None => {
                        let t = m.next.len() as u32;
                        let edges = &mut m.next[s as usize];
                        let at = edges.partition_point(|&(e, _)| e < b);
                        edges.insert(at, (b, t));
                        m.next.push(Vec::new());
                        m.fail.push(ROOT);
                        m.hit.push(false);
                        t
                    }
                };
            }
            m.hit[s as usize] = true;
            if let Some(&b) = name.first() {
                m.starts[b as usize] = true;
            }
        }
        m.first = (0..=255u8).filter(|&b| m.starts[b as usize]).collect();
        // Failure links breadth first: a state's link is found from its parent's, which is
        // shallower. Each name's chain of links only climbs as deep as the name has bytes,
        // so the walks along links sum to the names' length.
        let mut queue = std::collections::VecDeque::from([ROOT]);
        while let Some(u) = queue.pop_front() {
            for i in 0..m.next[u as usize].len() {
                let (b, c) = m.next[u as usize][i];
                let mut f = m.fail[u as usize];
                let link = loop {
                    if u == ROOT {
                        break ROOT;
                    }
                    if let Some(t) = m.step(f, b) {
                        break t;
                    }
                    if f == ROOT {
                        break ROOT;
                    }
                    f = m.fail[f as usize];
                };
                m.fail[c as usize] = link;
                m.hit[c as usize] |= m.hit[link as usize];
                queue.push_back(c);
            }
        }
        m
    }

    fn step(&self, s: u32, b: u8) -> Option<u32> {
        let edges = &self.next[s as usize];
        edges
            .binary_search_by_key(&b, |&(e, _)| e)
            .ok()
            .map(|i| edges[i].1)
    }

    /// Where the first byte that starts a name is in `text`.
    fn next_start(&self, text: &[u8]) -> Option<usize> {
        match self.first[..] {
            [a] => memchr::memchr(a, text),
            [a, b] => memchr::memchr2(a, b, text),
            [a, b, c] => memchr::memchr3(a, b, c, text),
            _ => text.iter().position(|&b| self.starts[b as usize]),
        }
    }

    /// Whether any name occurs in `text`.
    pub fn in_text(&self, text: &[u8]) -> bool {
        if self.hit[ROOT as usize] {
            return true;
        }
        let mut s = ROOT;
        let mut i = 0;
        while i < text.len() {
            if s == ROOT {
                match self.next_start(&text[i..]) {
                    Some(k) => i += k,
                    None => return false,
                }
            }
            let b = text[i];
            // Each byte read deepens the state by one at most; each link taken makes it
            // shallower: the links taken are at most the bytes read.
            s = loop {
                if let Some(t) = self.step(s, b) {
                    break t;
                }
                if s == ROOT {
                    break ROOT;
                }
                s = self.fail[s as usize];
            };
            if self.hit[s as usize] {
                return true;
            }
            i += 1;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::Mentions;
    use proptest::prelude::*;

    fn naive(names: &[Vec<u8>], text: &[u8]) -> bool {
        names
            .iter()
            .any(|n| n.is_empty() || text.windows(n.len()).any(|w| w == n.as_slice()))
    }

    #[test]
    fn finds_names_inside_words_and_after_false_starts() {
        let names: Vec<&[u8]> = vec![b"BASE", b"ASEX", b"QUERY_PREFIX"];
        let m = Mentions::new(names.iter().copied());
        assert!(m.in_text(b"x = C.BASE"));
        assert!(m.in_text(b"MYBASEURL"));
        // `BAS` then a failure to `AS`, which goes on to `ASEX`.
        assert!(m.in_text(b"BASEX"));
        assert!(m.in_text(b"BBASE"));
        assert!(!m.in_text(b"BAS ASE QUERY_PREFI"));
        assert!(!m.in_text(b""));
        assert!(!Mentions::new([]).in_text(b"anything"));
    }

    #[test]
    fn many_names_sharing_a_prefix() {
        let names: Vec<String> = (0..20_000).map(|i| format!("B{i}")).collect();
        let m = Mentions::new(names.iter().map(|n| n.as_bytes()));
        assert!(m.in_text(b"fetch(B19999 + q)"));
        assert!(m.in_text(b"AB7"));
        assert!(!m.in_text(b"fetch(b1 + B)"));
    }

    proptest! {
        #[test]
        fn same_answer_as_a_search_for_each_name(
            names in prop::collection::vec(prop::collection::vec(b'a'..b'e', 0..5), 0..6),
            text in prop::collection::vec(b'a'..b'f', 0..40),
        ) {
            let m = Mentions::new(names.iter().map(Vec::as_slice));
            prop_assert_eq!(m.in_text(&text), naive(&names, &text));
        }
    }
}
