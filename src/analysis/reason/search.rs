//! Product-automaton search over several DFAs combined by a boolean formula.
//!
//! Intersection, union and complement are never done in regex syntax: every operand keeps its own
//! DFA and the search walks the product of their states on the fly, deciding acceptance with the
//! formula. Only the reachable part of the product is ever built.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

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
fn preference_order() -> Vec<u8> {
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
}

struct Node {
    states: Box<[StateID]>,
    /// Characters read so far, saturated at the universe's minimum length.
    len: u32,
    dist: u32,
    parent: usize,
    byte: u8,
    settled: bool,
}

pub(crate) enum Control {
    Stop,
    Continue,
}

impl Product {
    pub(crate) fn starts(&self) -> Result<Vec<StateID>, ReasonError> {
        self.dfas.iter().map(|d| super::compile::start(d)).collect()
    }

    fn accepting(&self, states: &[StateID]) -> bool {
        self.formula.eval(&|i| accepts_at_end(&self.dfas[i], states[i]))
    }

    fn hopeless(&self, states: &[StateID]) -> bool {
        self.formula.eval_known(&|i| is_dead(&self.dfas[i], states[i])) == Some(false)
    }

    /// One representative byte per class of bytes that every DFA (and the universe) treats
    /// alike, in preference order.
    fn representatives(&self, universe: &Universe) -> Vec<u8> {
        let mut seen: HashMap<Vec<u8>, ()> = HashMap::new();
        let mut reps = Vec::new();
        for b in preference_order() {
            if !universe.allows(b) {
                continue;
            }
            let mut key: Vec<u8> = self.dfas.iter().map(|d| d.byte_classes().get(b)).collect();
            key.push(u8::from(is_continuation(b)));
            if seen.insert(key, ()).is_none() {
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
        let mut nodes: Vec<Node> = Vec::new();
        let mut index: HashMap<(Box<[StateID]>, u32), usize> = HashMap::new();
        let mut queue: VecDeque<usize> = VecDeque::new();
        let root: Box<[StateID]> = start.into_boxed_slice();
        if self.hopeless(&root) {
            return Ok(());
        }
        index.insert((root.clone(), 0), 0);
        nodes.push(Node { states: root, len: 0, dist: 0, parent: usize::MAX, byte: 0, settled: false });
        queue.push_back(0);
        let mut next = vec![StateID::ZERO; self.dfas.len()];
        while let Some(id) = queue.pop_front() {
            if nodes[id].settled {
                continue;
            }
            nodes[id].settled = true;
            let dist = nodes[id].dist;
            if universe.max_chars.is_some_and(|m| dist > m) {
                break;
            }
            if nodes[id].len >= min && self.accepting(&nodes[id].states) {
                let path = path_to(&nodes, id);
                if let Control::Stop = visit(&nodes[id].states, &path) {
                    return Ok(());
                }
            }
            for &b in &reps {
                for (i, d) in self.dfas.iter().enumerate() {
                    next[i] = d.next_state(nodes[id].states[i], b);
                }
                if self.hopeless(&next) {
                    continue;
                }
                let cost = u32::from(!is_continuation(b));
                let len = (nodes[id].len + cost).min(min);
                let nd = dist + cost;
                let key = (next.clone().into_boxed_slice(), len);
                match index.get(&key) {
                    Some(&other) => {
                        if !nodes[other].settled && nd < nodes[other].dist {
                            nodes[other].dist = nd;
                            nodes[other].parent = id;
                            nodes[other].byte = b;
                            enqueue(&mut queue, other, cost);
                        }
                    }
                    None => {
                        if nodes.len() >= MAX_NODES || nodes.len() * self.dfas.len().max(1) >= MAX_CELLS {
                            return Err(ReasonError::TooComplex { states: nodes.len() });
                        }
                        super::budget::spend(self.dfas.len().max(1))?;
                        let new = nodes.len();
                        index.insert((key.0.clone(), len), new);
                        nodes.push(Node {
                            states: key.0,
                            len,
                            dist: nd,
                            parent: id,
                            byte: b,
                            settled: false,
                        });
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

fn path_to(nodes: &[Node], mut id: usize) -> Vec<u8> {
    let mut out = Vec::new();
    while id != 0 && id != usize::MAX {
        out.push(nodes[id].byte);
        id = nodes[id].parent;
    }
    out.reverse();
    out
}

/// 0-1 BFS: a step that adds no character is explored before those that do.
fn enqueue(queue: &mut VecDeque<usize>, node: usize, cost: u32) {
    if cost == 0 {
        queue.push_front(node);
    } else {
        queue.push_back(node);
    }
}
