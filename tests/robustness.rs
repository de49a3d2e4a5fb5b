//! Input from the network never panics the core: every entry point that reads a cookie, a header
//! or a stored record is run on many seeded random and mutated inputs. (A panic in wasm is a trap.)

#![allow(clippy::unwrap_used)]

use session_core::cookie::{decode_uri_component, get_cookie, parse_cookie};
use session_core::date::parse_iso;
use session_core::session::{data_part, Input, Record, Session, SessionOptions, Timeouts};
use session_core::Signer;

/// xorshift64*: small, seeded, good enough to shake parsers.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn string(&mut self, max: usize, alphabet: &[char]) -> String {
        let n = self.below(max + 1);
        (0..n).map(|_| alphabet[self.below(alphabet.len())]).collect()
    }
}

const ALPHABET: &[char] = &[
    'a', 'b', 'Z', '0', '9', ' ', '\t', '=', ';', ',', '"', '\\', '%', 'e', 'E', 'F', '{', '}', '[', ']', ':', '.',
    '-', '+', '/', 'é', '😀', '\u{0}', '\u{7f}', 'T', 'n', 'u', 'l',
];

fn sample_record() -> String {
    r#"{"cookie":{"originalMaxAge":3600000,"expires":"2026-01-01T01:00:00.000Z","httpOnly":true,"path":"/","createdAt":1,"lastSeen":2},"user":"a\"}{","n":[1,{"x":"}"}]}"#.to_string()
}

fn mutate(rng: &mut Rng, s: &str) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    for _ in 0..1 + rng.below(4) {
        match rng.below(3) {
            0 if !chars.is_empty() => {
                let i = rng.below(chars.len());
                chars.remove(i);
            }
            1 => {
                let i = rng.below(chars.len() + 1);
                chars.insert(i, ALPHABET[rng.below(ALPHABET.len())]);
            }
            _ if !chars.is_empty() => {
                let i = rng.below(chars.len());
                chars.truncate(i);
            }
            _ => {}
        }
    }
    chars.into_iter().collect()
}

#[test]
fn cookie_parsing_is_total() {
    let mut rng = Rng(0x5e55_1011);
    for _ in 0..20_000 {
        let h = rng.string(64, ALPHABET);
        let _ = parse_cookie(&h);
        let _ = get_cookie(&h, "a");
        let _ = decode_uri_component(&h);
        let _ = parse_iso(&h);
    }
}

#[test]
fn unsign_is_total() {
    let signer = Signer::new(&["k", "other"]).unwrap();
    let mut rng = Rng(42);
    let good = signer.sign("value.with.dots");
    for _ in 0..20_000 {
        let _ = signer.unsign(&rng.string(60, ALPHABET));
        let _ = signer.unsign(&mutate(&mut rng, &good));
    }
}

#[test]
fn records_and_decisions_are_total() {
    let s = Session::new(
        SessionOptions {
            timeouts: Timeouts { idle_timeout: Some(1000.0), ..Default::default() },
            ..Default::default()
        },
        &["k"],
    )
    .unwrap();
    let mut rng = Rng(7);
    let base = sample_record();
    assert_eq!(data_part(&base).unwrap(), r#"{"user":"a\"}{","n":[1,{"x":"}"}]}"#);
    for _ in 0..20_000 {
        let rec = mutate(&mut rng, &base);
        let _ = Record::parse(&rec);
        let _ = data_part(&rec);
        let _ = s.ended(&rec, [0, i64::MAX, i64::MIN][rng.below(3)]);
        // a decision over a session JSON that may be anything at all
        let now = [0i64, 5, -1, i64::MAX, i64::MIN, 8_640_000_000_000_001][rng.below(6)];
        let input = format!(
            r#"{{"phase":"both","now":{now},"secure":false,"cookieId":"a","sessionId":"a","id":"a","originalId":"a","original":{base},"session":{rec}}}"#
        );
        if let Ok(input) = serde_json::from_str::<Input>(&input) {
            let _ = s.decide(&input);
        }
    }
}
