//! Product-automaton search over several DFAs combined by a boolean formula.
//!
//! Intersection, union and complement are never done in regex syntax: every operand keeps its own
//! DFA and the search walks the product of their states on the fly, deciding acceptance with the
//! formula. Only the reachable part of the product is ever built.

use std::collections::{HashSet, VecDeque};
use std::hash::BuildHasher;
use std::rc::Rc;
use std::sync::{Arc, OnceLock};

use regex_automata::dfa::Automaton;
use regex_automata::util::primitives::StateID;

use super::compile::Dfa;
use super::{ReasonError, Universe};

/// Upper bound on product states per search; a legitimate trust policy needs a few thousand.
pub(crate) const MAX_NODES: usize = 400_000;
/// Product states times component automata: bounds the search's memory (~8 bytes per cell with
/// the index) whatever the number of automata; a condition with 150 wildcard values stops here
/// in a fraction of a second instead of filling half a gigabyte, and the answer is "unknown".
pub(crate) const MAX_CELLS: usize = 4_000_000;

#[derive(Clone, Debug)]
pub(crate) enum Formula {
    Atom(usize),
    And(Vec<Formula>),
    Or(Vec<Formula>),
    Not(Box<Formula>),
}

impl Formula {
    pub(crate) fn eval(&self, atom: &dyn Fn(usize) -> bool) -> bool {
        match self {
            Formula::Atom(i) => atom(*i),
            Formula::And(fs) => fs.iter().all(|f| f.eval(atom)),
            Formula::Or(fs) => fs.iter().any(|f| f.eval(atom)),
            Formula::Not(f) => !f.eval(atom),
        }
    }

    /// Three-valued evaluation where only dead atoms are known (false for every extension).
    /// `Some(false)` means no extension of the current input can ever be accepted.
    fn eval_known(&self, dead: &dyn Fn(usize) -> bool) -> Option<bool> {
        match self {
            Formula::Atom(i) => dead(*i).then_some(false),
            Formula::And(fs) => {
                let mut all_true = true;
                for f in fs {
                    match f.eval_known(dead) {
                        Some(false) => return Some(false),
                        Some(true) => {}
                        None => all_true = false,
                    }
                }
                all_true.then_some(true)
            }
            Formula::Or(fs) => {
                let mut all_false = true;
                for f in fs {
                    match f.eval_known(dead) {
                        Some(true) => return Some(true),
                        Some(false) => {}
                        None => all_false = false,
                    }
                }
                all_false.then_some(false)
            }
            Formula::Not(f) => f.eval_known(dead).map(|b| !b),
        }
    }
}

pub(crate) fn accepts_at_end(dfa: &Dfa, s: StateID) -> bool {
    dfa.is_match_state(dfa.next_eoi_state(s))
}

fn is_dead(dfa: &Dfa, s: StateID) -> bool {
    // Quit states cannot occur (no Unicode word boundaries are ever compiled) but are treated as
    // dead so that a surprise degrades to "no match" instead of a bogus witness.
    dfa.is_dead_state(s) || dfa.is_quit_state(s)
}

/// Bytes in the order the search tries them, so that among equally short witnesses the one made
/// of readable characters wins.
pub(super) fn preference_order() -> &'static [u8] {
    static ORDER: OnceLock<Vec<u8>> = OnceLock::new();
    ORDER.get_or_init(compute_preference_order)
}

/// The place of `b` in [`preference_order`].
pub(super) fn preference_rank(b: u8) -> u8 {
    static RANKS: OnceLock<[u8; 256]> = OnceLock::new();
    let ranks = RANKS.get_or_init(|| {
        let mut ranks = [u8::MAX; 256];
        for (i, &b) in preference_order().iter().enumerate() {
            ranks[b as usize] = i as u8;
        }
        ranks
    });
    ranks[b as usize]
}

fn compute_preference_order() -> Vec<u8> {
    let mut order: Vec<u8> = Vec::with_capacity(256);
    order.extend(b'a'..=b'z');
    order.extend(b'0'..=b'9');
    order.extend(b'A'..=b'Z');
    order.extend(b"-_.@/:=+,".iter().copied());
    order.extend((0x21u8..=0x7E).filter(|b| !b.is_ascii_alphanumeric() && !b"-_.@/:=+,".contains(b)));
    order.push(b' ');
    // Latin-1 supplement (é, ü, ...) before the rest of the multi-byte range.
    order.push(0xC3);
    order.extend(0xC2u8..=0xF4);
    order.extend(0xA9u8..=0xBF);
    order.extend(0x80u8..=0xA8);
    order.extend(0x00u8..=0x7F);
    order.extend(0xF5u8..=0xFF);
    order.extend(0xC0u8..=0xC1);
    let mut seen = [false; 256];
    order.retain(|&b| !std::mem::replace(&mut seen[b as usize], true));
    order
}

fn is_continuation(b: u8) -> bool {
    (0x80..=0xBF).contains(&b)
}

pub(crate) struct Product {
    pub(crate) dfas: Vec<Arc<Dfa>>,
    pub(crate) formula: Formula,
    /// [`Product::representatives`] of the last universe asked: a prefix search asks the same
    /// product once per candidate prefix.
    reps: std::cell::RefCell<Option<(Universe, Rc<[u8]>)>>,
}

/// One product state reached by the search. Its automaton states live in [`Arena`].
struct Node {
    dist: u32,
    parent: u32,
    byte: u8,
    settled: bool,
}

/// Every reached product state's automaton states (and character count, saturated at the
/// universe's minimum length) in one vector, `stride` cells per state, with a hash table of
/// state numbers over it: looking up a successor allocates nothing.
struct Arena {
    cells: Vec<u32>,
    stride: usize,
    table: hashbrown::HashTable<u32>,
    hasher: hashbrown::DefaultHashBuilder,
}

impl Arena {
    fn new(stride: usize) -> Arena {
        Arena { cells: Vec::new(), stride, table: hashbrown::HashTable::new(), hasher: Default::default() }
    }

    fn get(&self, id: u32) -> &[u32] {
        let at = id as usize * self.stride;
        &self.cells[at..at + self.stride]
    }

    fn find(&self, key: &[u32]) -> Option<u32> {
        let hash = self.hasher.hash_one(key);
        self.table.find(hash, |&id| self.get(id) == key).copied()
    }

    /// Adds `key` as state number `id` (the next one), which must not be present.
    fn insert(&mut self, key: &[u32]) -> u32 {
        let id = (self.cells.len() / self.stride) as u32;
        self.cells.extend_from_slice(key);
        let hash = self.hasher.hash_one(key);
        let Arena { cells, stride, table, hasher } = self;
        let stride = *stride;
        table.insert_unique(hash, id, |&other| {
            let at = other as usize * stride;
            hasher.hash_one(&cells[at..at + stride])
        });
        id
    }
}

pub(crate) enum Control {
    Stop,
    Continue,
}

impl Product {
    pub(crate) fn new(dfas: Vec<Arc<Dfa>>, formula: Formula) -> Product {
        Product { dfas, formula, reps: Default::default() }
    }

    pub(crate) fn starts(&self) -> Result<Vec<StateID>, ReasonError> {
        self.dfas.iter().map(|d| super::compile::start(d)).collect()
    }

    fn accepting(&self, states: &[u32]) -> bool {
        self.formula.eval(&|i| accepts_at_end(&self.dfas[i], id(states[i])))
    }

    fn hopeless(&self, states: &[u32]) -> bool {
        self.formula.eval_known(&|i| is_dead(&self.dfas[i], id(states[i]))) == Some(false)
    }

    /// One representative byte per class of bytes that every DFA (and the universe) treats
    /// alike, in preference order.
    fn representatives(&self, universe: &Universe) -> Rc<[u8]> {
        let mut cached = self.reps.borrow_mut();
        if let Some((u, reps)) = &*cached
            && u == universe
        {
            return Rc::clone(reps);
        }
        let reps: Rc<[u8]> = self.compute_representatives(universe).into();
        *cached = Some((universe.clone(), Rc::clone(&reps)));
        reps
    }

    fn compute_representatives(&self, universe: &Universe) -> Vec<u8> {
        let mut seen: HashSet<Vec<u8>> = HashSet::new();
        let mut reps = Vec::new();
        for &b in preference_order() {
            if !universe.allows(b) {
                continue;
            }
            let mut key: Vec<u8> = self.dfas.iter().map(|d| d.byte_classes().get(b)).collect();
            key.push(u8::from(is_continuation(b)));
            if seen.insert(key) {
                reps.push(b);
            }
        }
        reps
    }

    /// Visits accepting product states in order of the number of characters read (0-1 BFS:
    /// UTF-8 continuation bytes cost nothing), passing the state vector and the input that
    /// reached it. Respects the universe's byte set and length bounds.
    pub(crate) fn bfs(
        &self,
        start: Vec<StateID>,
        universe: &Universe,
        mut visit: impl FnMut(&[StateID], &[u8]) -> Control,
    ) -> Result<(), ReasonError> {
        super::budget::spend(super::budget::SEARCH_STEPS)?;
        let reps = self.representatives(universe);
        let min = universe.min_chars;
        let n = self.dfas.len();
        // The last cell of each state is its character count.
        let mut arena = Arena::new(n + 1);
        let mut nodes: Vec<Node> = Vec::new();
        let mut queue: VecDeque<u32> = VecDeque::new();
        let mut key: Vec<u32> = start.iter().map(|s| s.as_u32()).collect();
        key.push(0);
        if self.hopeless(&key[..n]) {
            return Ok(());
        }
        arena.insert(&key);
        nodes.push(Node { dist: 0, parent: u32::MAX, byte: 0, settled: false });
        queue.push_back(0);
        let mut found: Vec<StateID> = Vec::with_capacity(n);
        while let Some(at) = queue.pop_front() {
            let node = &mut nodes[at as usize];
            if node.settled {
                continue;
            }
            node.settled = true;
            let dist = node.dist;
            if universe.max_chars.is_some_and(|m| dist > m) {
                break;
            }
            let len = arena.get(at)[n];
            if len >= min && self.accepting(arena.get(at)) {
                let path = path_to(&nodes, at);
                found.clear();
                found.extend(arena.get(at)[..n].iter().map(|&s| id(s)));
                if let Control::Stop = visit(&found, &path) {
                    return Ok(());
                }
            }
            for &b in reps.iter() {
                let from = arena.get(at);
                for (i, d) in self.dfas.iter().enumerate() {
                    key[i] = d.next_state(id(from[i]), b).as_u32();
                }
                if self.hopeless(&key[..n]) {
                    continue;
                }
                let cost = u32::from(!is_continuation(b));
                key[n] = (len + cost).min(min);
                let nd = dist + cost;
                match arena.find(&key) {
                    Some(other) => {
                        let o = &mut nodes[other as usize];
                        if !o.settled && nd < o.dist {
                            o.dist = nd;
                            o.parent = at;
                            o.byte = b;
                            enqueue(&mut queue, other, cost);
                        }
                    }
                    None => {
                        if nodes.len() >= MAX_NODES || nodes.len() * n.max(1) >= MAX_CELLS {
                            return Err(ReasonError::TooComplex { states: nodes.len() });
                        }
                        super::budget::spend(n.max(1))?;
                        let new = arena.insert(&key);
                        nodes.push(Node { dist: nd, parent: at, byte: b, settled: false });
                        enqueue(&mut queue, new, cost);
                    }
                }
            }
        }
        Ok(())
    }

    /// Shortest accepted input in the universe, as bytes.
    pub(crate) fn shortest(
        &self,
        start: Vec<StateID>,
        universe: &Universe,
    ) -> Result<Option<Vec<u8>>, ReasonError> {
        let mut found = None;
        self.bfs(start, universe, |_, path| {
            found = Some(path.to_vec());
            Control::Stop
        })?;
        Ok(found)
    }
}

/// A state number of our own DFAs back as a `StateID`; they never exceed `StateID::LIMIT`, so
/// the fallback (the dead state 0, which only makes the search see less) is never taken.
fn id(s: u32) -> StateID {
    StateID::new(s as usize).unwrap_or(StateID::ZERO)
}

fn path_to(nodes: &[Node], mut at: u32) -> Vec<u8> {
    let mut out = Vec::new();
    while at != 0 && at != u32::MAX {
        out.push(nodes[at as usize].byte);
        at = nodes[at as usize].parent;
    }
    out.reverse();
    out
}

/// 0-1 BFS: a step that adds no character is explored before those that do.
fn enqueue(queue: &mut VecDeque<u32>, node: u32, cost: u32) {
    if cost == 0 {
        queue.push_front(node);
    } else {
        queue.push_back(node);
    }
}
