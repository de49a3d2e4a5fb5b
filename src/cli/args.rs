//! The command line's arguments, split by `lexopt` (a small, dependency-free parser, in the
//! `tools` feature only: it never enters the Express or client wasm builds) and read here. Errors
//! name the option at fault and never repeat a value given to it.

use crate::suggest::closest;
use std::collections::BTreeMap;

/// The commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Command {
    Inspect,
    Audit,
    Sign,
    Unsign,
    Id,
    Doctor,
    Help,
    Version,
}

const COMMANDS: &[&str] = &["inspect", "audit", "sign", "unsign", "id", "doctor", "help"];

impl Command {
    fn parse(word: &str) -> Option<Command> {
        Some(match word {
            "inspect" => Command::Inspect,
            "audit" => Command::Audit,
            "sign" => Command::Sign,
            "unsign" => Command::Unsign,
            "id" => Command::Id,
            "doctor" => Command::Doctor,
            "help" | "--help" | "-h" => Command::Help,
            "version" | "--version" | "-V" => Command::Version,
            _ => return None,
        })
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Command::Inspect => "inspect",
            Command::Audit => "audit",
            Command::Sign => "sign",
            Command::Unsign => "unsign",
            Command::Id => "id",
            Command::Doctor => "doctor",
            Command::Help => "help",
            Command::Version => "version",
        }
    }

    /// The options it takes (besides `--help` and `--version`).
    fn takes(self, flag: Flag) -> bool {
        use Flag::*;
        match self {
            Command::Inspect => matches!(flag, Secret(_) | Key(_) | Name | Now | Json | SetCookie | Batch),
            Command::Audit => matches!(flag, Url | Now | Json | Batch),
            Command::Sign => matches!(flag, Secret(_)),
            Command::Unsign => matches!(flag, Secret(_) | Json),
            Command::Doctor => matches!(flag, Url | Json | Kind),
            Command::Id | Command::Help | Command::Version => false,
        }
    }
}

/// Where a secret comes from: the command line, a file (one per line) or an environment
/// variable (one per line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum From {
    Arg,
    File,
    Env,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flag {
    Secret(From),
    Key(From),
    Name,
    Now,
    Url,
    Json,
    SetCookie,
    Batch,
    Kind,
    Help,
    Version,
}

const FLAGS: &[(&str, Flag)] = &[
    ("--secret", Flag::Secret(From::Arg)),
    ("--secret-file", Flag::Secret(From::File)),
    ("--secret-env", Flag::Secret(From::Env)),
    ("--key", Flag::Key(From::Arg)),
    ("--key-file", Flag::Key(From::File)),
    ("--key-env", Flag::Key(From::Env)),
    ("--name", Flag::Name),
    ("--now", Flag::Now),
    ("--url", Flag::Url),
    ("--json", Flag::Json),
    ("--set-cookie", Flag::SetCookie),
    ("--batch", Flag::Batch),
    ("--kind", Flag::Kind),
    ("--help", Flag::Help),
    ("-h", Flag::Help),
    ("--version", Flag::Version),
    ("-V", Flag::Version),
];

impl Flag {
    fn takes_value(self) -> bool {
        matches!(self, Flag::Secret(_) | Flag::Key(_) | Flag::Name | Flag::Now | Flag::Url | Flag::Kind)
    }
}

/// One secret source as given: the flag's spelling (for messages), where from, and the value,
/// path or variable name.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Source {
    pub flag: &'static str,
    pub from: From,
    pub value: String,
}

/// Never prints a secret given on the command line.
impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = if self.from == From::Arg { "…" } else { self.value.as_str() };
        write!(f, "{} {shown}", self.flag)
    }
}

/// The parsed command line.
#[derive(Debug, Clone)]
pub(crate) struct Args {
    pub command: Command,
    pub positional: Vec<String>,
    pub secrets: Vec<Source>,
    pub keys: Vec<Source>,
    pub names: BTreeMap<String, String>,
    pub now: Option<i64>,
    pub url: Option<String>,
    pub json: bool,
    pub set_cookie: bool,
    pub batch: bool,
    pub kind: Option<String>,
}

impl Args {
    fn new(command: Command) -> Args {
        Args {
            command,
            positional: vec![],
            secrets: vec![],
            keys: vec![],
            names: BTreeMap::new(),
            now: None,
            url: None,
            json: false,
            set_cookie: false,
            batch: false,
            kind: None,
        }
    }
}

/// A usage error: the message (empty: print only the usage).
pub(crate) type Usage = String;

/// Parses the arguments after the program's name.
pub(crate) fn parse(args: &[String]) -> Result<Args, Usage> {
    let Some(first) = args.first() else { return Err(String::new()) };
    // `--help` and `--version` win wherever they stand (before a `--`)
    for arg in args.iter().take_while(|a| *a != "--") {
        if let Some(c @ (Command::Help | Command::Version)) = Command::parse(arg).filter(|_| arg.starts_with('-')) {
            return Ok(Args::new(c));
        }
    }
    let command = Command::parse(first).ok_or_else(|| unknown_command(first))?;
    let mut a = Args::new(command);
    let mut p = lexopt::Parser::from_args(args[1..].iter().map(String::as_str));
    loop {
        // `--flag value`, `--flag=value`, `-h`; after `--`, and `-` itself, everything is positional
        let name = match p.next() {
            Ok(None) => break,
            Ok(Some(lexopt::Arg::Value(v))) => {
                a.positional.push(v.to_string_lossy().into_owned());
                continue;
            }
            Ok(Some(lexopt::Arg::Long(n))) => format!("--{n}"),
            Ok(Some(lexopt::Arg::Short(c))) => format!("-{c}"),
            Err(e) => return Err(parser_error(e)),
        };
        let Some(&(spelling, flag)) = FLAGS.iter().find(|(f, _)| *f == name) else {
            return Err(unknown_option(&name));
        };
        if !command.takes(flag) {
            return Err(format!("{} does not take {spelling}", command.name()));
        }
        let value = if flag.takes_value() {
            p.value().map_err(|_| format!("{spelling} needs a value"))?.to_string_lossy().into_owned()
        } else {
            String::new()
        };
        match flag {
            Flag::Secret(from) | Flag::Key(from) => {
                if from == From::Env && (value.is_empty() || value.contains(['=', '\0'])) {
                    return Err(format!("{spelling} takes the name of an environment variable"));
                }
                let list = if matches!(flag, Flag::Secret(_)) { &mut a.secrets } else { &mut a.keys };
                list.push(Source { flag: spelling, from, value });
            }
            Flag::Name => {
                let (n, k) = value.split_once('=').ok_or("--name takes NAME=KIND")?;
                a.names.insert(n.to_owned(), k.to_owned());
            }
            Flag::Now => a.now = Some(value.parse().map_err(|_| "--now takes milliseconds since the epoch")?),
            Flag::Url => a.url = Some(value),
            Flag::Json => a.json = true,
            Flag::SetCookie => a.set_cookie = true,
            Flag::Batch => a.batch = true,
            Flag::Kind => a.kind = Some(value),
            Flag::Help | Flag::Version => {}
        }
    }
    Ok(a)
}

/// lexopt's own errors, in words that name the option and never repeat a value.
fn parser_error(e: lexopt::Error) -> Usage {
    match e {
        lexopt::Error::UnexpectedValue { option, .. } => format!("{option} takes no value"),
        lexopt::Error::MissingValue { option: Some(o) } => format!("{o} needs a value"),
        _ => "the arguments cannot be read".to_owned(),
    }
}

fn unknown_command(word: &str) -> Usage {
    if word.starts_with('-') {
        let name = word.split_once('=').map_or(word, |(n, _)| n);
        return match closest(name, &["--help", "--version"]) {
            Some(s) => format!("unknown option {name} (did you mean {s}?); a command comes first"),
            None => format!("a command comes first ({}), not the option {name}", COMMANDS.join(", ")),
        };
    }
    match closest(word, COMMANDS) {
        Some(s) => format!("unknown command {word} (did you mean {s}?)"),
        None => format!("unknown command {word} (commands: {})", COMMANDS.join(", ")),
    }
}

fn unknown_option(name: &str) -> Usage {
    let names: Vec<&str> = FLAGS.iter().map(|(f, _)| *f).filter(|f| f.starts_with("--")).collect();
    match closest(name, &names) {
        Some(s) => format!("unknown option {name} (did you mean {s}?)"),
        None if !name.starts_with("--") => {
            format!("unknown option {name} (a value that starts with - goes after --)")
        }
        None => format!("unknown option {name}"),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn parse_words(words: &str) -> Result<Args, Usage> {
        parse(&words.split(' ').map(str::to_owned).collect::<Vec<_>>())
    }

    #[test]
    fn errors_name_the_option_never_its_value() {
        for words in [
            "inspect --secert=S3CRET",
            "inspect --secrets S3CRET",
            "audit --secret S3CRET",
            "audit --secret=S3CRET",
            "sign --json=S3CRET",
            "--secret S3CRET inspect",
            "--secret=S3CRET inspect",
            "inspect --secret-env S3CRET=x",
            "inspect --now S3CRET",
            "inspect --name S3CRET",
            "unsign v --json=S3CRET",
            "inspect -xS3CRET",
        ] {
            let e = parse_words(words).unwrap_err();
            assert!(!e.contains("S3CRET"), "{words}: {e}");
        }
        assert_eq!(
            parse_words("inspect --secrets x").unwrap_err(),
            "unknown option --secrets (did you mean --secret?)"
        );
        assert_eq!(parse_words("audit --key k").unwrap_err(), "audit does not take --key");
        assert_eq!(parse_words("inpsect").unwrap_err(), "unknown command inpsect (did you mean inspect?)");
        assert_eq!(parse_words("sign x --secret").unwrap_err(), "--secret needs a value");
        assert_eq!(parse_words("unsign v --json=x").unwrap_err(), "--json takes no value");
    }

    #[test]
    fn sources_keep_their_order() {
        let a = parse_words("unsign v --secret=a --secret-file f --secret-env E --json").unwrap();
        let got: Vec<(From, &str)> = a.secrets.iter().map(|s| (s.from, s.value.as_str())).collect();
        assert_eq!(got, [(From::Arg, "a"), (From::File, "f"), (From::Env, "E")]);
        assert!(a.json);
        assert!(!format!("{:?}", a).contains("a\""));
        assert_eq!(parse_words("sign -- -v --secret s").unwrap().positional, ["-v", "--secret", "s"]);
        assert_eq!(parse_words("inspect --bogus --help").unwrap().command, Command::Help);
        assert_eq!(parse_words("--version").unwrap().command, Command::Version);
        assert_eq!(parse_words("sign -- --help").unwrap().command, Command::Sign);
    }
}
