//! # Redis client (RESP)
//!
//! Just enough of the Redis serialisation protocol (RESP2, redis.io/docs/reference/protocol-spec)
//! to time SET, GET and DEL over one TCP connection: commands are arrays of bulk strings; replies
//! are `+simple`, `-error`, `:integer` or `$length` bulk strings (`$-1` when missing).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;

use super::{ChannelError, Store};

/// A connection to one Redis server.
pub struct RedisStore {
    address: String,
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    buffer: Vec<u8>,
}

/// What the server answered.
#[derive(Debug, PartialEq)]
enum Reply {
    Simple(String),
    Integer(i64),
    Bulk(Option<usize>),
}

/// Host, port, password and database of `redis://[:password@]host[:port][/db]`.
fn parse_url(url: &str) -> Result<(String, Option<String>, Option<u32>), ChannelError> {
    let bad = |why: &str| {
        ChannelError::BadAddress(format!("--redis {url}: {why} (expected redis://HOST:PORT)"))
    };
    let rest = url
        .strip_prefix("redis://")
        .ok_or_else(|| bad("not a redis:// URL"))?;
    let (auth, rest) = match rest.rsplit_once('@') {
        Some((auth, rest)) => (
            Some(auth.rsplit(':').next().unwrap_or(auth).to_string()),
            rest,
        ),
        None => (None, rest),
    };
    let (host_port, db) = match rest.split_once('/') {
        Some((hp, "")) => (hp, None),
        Some((hp, db)) => (
            hp,
            Some(
                db.parse::<u32>()
                    .map_err(|_| bad("the database must be a number"))?,
            ),
        ),
        None => (rest, None),
    };
    if host_port.is_empty() {
        return Err(bad("no host"));
    }
    let address = if host_port.contains(':') {
        host_port.to_string()
    } else {
        format!("{host_port}:6379")
    };
    Ok((address, auth.filter(|a| !a.is_empty()), db))
}

impl RedisStore {
    /// Connects to `url` (`redis://HOST:PORT`), authenticating and selecting as it says.
    pub fn connect(url: &str) -> Result<Self, ChannelError> {
        let (address, password, db) = parse_url(url)?;
        let (reader, writer) = super::connect(&address, "redis")?;
        let mut store = RedisStore {
            address,
            reader,
            writer,
            buffer: Vec::new(),
        };
        if let Some(password) = password {
            store.command(&[b"AUTH", password.as_bytes()])?;
        }
        if let Some(db) = db {
            store.command(&[b"SELECT", db.to_string().as_bytes()])?;
        }
        store.command(&[b"PING"])?;
        Ok(store)
    }

    fn command(&mut self, parts: &[&[u8]]) -> Result<Reply, ChannelError> {
        let mut head = format!("*{}\r\n", parts.len()).into_bytes();
        for part in &parts[..parts.len() - 1] {
            head.extend_from_slice(format!("${}\r\n", part.len()).as_bytes());
            head.extend_from_slice(part);
            head.extend_from_slice(b"\r\n");
        }
        let last = parts[parts.len() - 1];
        head.extend_from_slice(format!("${}\r\n", last.len()).as_bytes());
        let io = ChannelError::io(format!("sending to redis at {}", self.address));
        (|| {
            self.writer.write_all(&head)?;
            self.writer.write_all(last)?;
            self.writer.write_all(b"\r\n")
        })()
        .map_err(io)?;
        self.reply()
    }

    fn reply(&mut self) -> Result<Reply, ChannelError> {
        let mut line = String::new();
        let what = format!("reading from redis at {}", self.address);
        self.reader
            .read_line(&mut line)
            .map_err(ChannelError::io(what.clone()))?;
        let line = line.trim_end();
        let (kind, body) = line.split_at(line.len().min(1));
        let protocol = || {
            ChannelError::Protocol(format!(
                "redis at {}: unexpected reply `{line}`",
                self.address
            ))
        };
        match kind {
            "+" => Ok(Reply::Simple(body.to_string())),
            "-" => Err(ChannelError::Protocol(format!(
                "redis at {}: {body}",
                self.address
            ))),
            ":" => body.parse().map(Reply::Integer).map_err(|_| protocol()),
            "$" if body == "-1" => Ok(Reply::Bulk(None)),
            "$" => {
                let len: usize = body.parse().map_err(|_| protocol())?;
                self.buffer.resize(len + 2, 0);
                self.reader
                    .read_exact(&mut self.buffer)
                    .map_err(ChannelError::io(what))?;
                Ok(Reply::Bulk(Some(len)))
            }
            _ => Err(protocol()),
        }
    }
}

impl Store for RedisStore {
    fn describe(&self) -> String {
        format!("redis at {}", self.address)
    }

    fn put(&mut self, key: &str, value: &[u8]) -> Result<(), ChannelError> {
        match self.command(&[b"SET", key.as_bytes(), value])? {
            Reply::Simple(ok) if ok == "OK" => Ok(()),
            other => Err(ChannelError::Protocol(format!(
                "redis SET answered {other:?}"
            ))),
        }
    }

    fn get(&mut self, key: &str) -> Result<usize, ChannelError> {
        match self.command(&[b"GET", key.as_bytes()])? {
            Reply::Bulk(Some(len)) => Ok(len),
            other => Err(ChannelError::Protocol(format!(
                "redis GET {key} answered {other:?}"
            ))),
        }
    }

    fn remove(&mut self, key: &str) -> Result<(), ChannelError> {
        self.command(&[b"DEL", key.as_bytes()]).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_host_port_password_and_database() {
        assert_eq!(
            parse_url("redis://127.0.0.1:7000").unwrap(),
            ("127.0.0.1:7000".into(), None, None)
        );
        assert_eq!(parse_url("redis://h").unwrap().0, "h:6379");
        assert_eq!(
            parse_url("redis://:pw@h:1/2").unwrap(),
            ("h:1".into(), Some("pw".into()), Some(2))
        );
    }

    #[test]
    fn rejects_what_is_not_a_redis_url() {
        assert!(matches!(
            parse_url("http://h:1"),
            Err(ChannelError::BadAddress(_))
        ));
        assert!(matches!(
            parse_url("redis://"),
            Err(ChannelError::BadAddress(_))
        ));
        assert!(matches!(
            parse_url("redis://h:1/x"),
            Err(ChannelError::BadAddress(_))
        ));
    }
}
