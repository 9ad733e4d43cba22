//! # Memcached client (text protocol)
//!
//! `set`, `get` and `delete` of memcached's text protocol (github.com/memcached/memcached,
//! doc/protocol.txt). Memcached refuses items above its item size limit (1 MiB unless started
//! with `-I`); the client reads the limit from `stats settings` (`item_size_max`) and splits
//! larger objects into chunks under it — several requests, as a function would have to make —
//! saying so through `chunk_note`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;

use super::{ChannelError, Store};

/// Bytes of an item taken by its key and header, kept free below the limit.
const ITEM_OVERHEAD: usize = 1024;
/// memcached's default item size limit (-I 1m).
const DEFAULT_ITEM_MAX: usize = 1 << 20;
const CHUNKS_PREFIX: &str = "stratus-chunks:";

/// A connection to one memcached server.
pub struct MemcachedStore {
    address: String,
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    item_size_max: usize,
    buffer: Vec<u8>,
}

impl MemcachedStore {
    /// Connects to `HOST:PORT` and reads the server's item size limit.
    pub fn connect(address: &str) -> Result<Self, ChannelError> {
        if address.contains("://") || !address.contains(':') {
            return Err(ChannelError::BadAddress(format!(
                "--memcached {address}: expected HOST:PORT"
            )));
        }
        let (reader, writer) = super::connect(address, "memcached")?;
        let mut store = MemcachedStore {
            address: address.to_string(),
            reader,
            writer,
            item_size_max: DEFAULT_ITEM_MAX,
            buffer: Vec::new(),
        };
        store.item_size_max = store.read_item_size_max()?.unwrap_or(DEFAULT_ITEM_MAX);
        Ok(store)
    }

    /// The server's item size limit in bytes.
    pub fn item_size_max(&self) -> usize {
        self.item_size_max
    }

    /// What the limit means for objects of `largest_bytes`, if anything.
    pub fn chunk_note(&self, largest_bytes: usize) -> Option<String> {
        let chunk = self.chunk_bytes();
        (largest_bytes > chunk).then(|| {
            format!(
                "memcached at {} stores items of at most {} (item_size_max): objects above {} are split into {}-byte chunks, one request each, as a function would have to (start memcached with -I 128m to store them whole)",
                self.address,
                crate::units::format_bytes(self.item_size_max as f64),
                crate::units::format_bytes(chunk as f64),
                chunk
            )
        })
    }

    fn chunk_bytes(&self) -> usize {
        self.item_size_max.saturating_sub(ITEM_OVERHEAD).max(1)
    }

    fn send(&mut self, parts: &[&[u8]]) -> Result<(), ChannelError> {
        let address = self.address.clone();
        parts
            .iter()
            .try_for_each(|p| self.writer.write_all(p))
            .map_err(ChannelError::io(format!(
                "sending to memcached at {address}"
            )))
    }

    fn line(&mut self) -> Result<String, ChannelError> {
        let mut line = String::new();
        self.reader
            .read_line(&mut line)
            .map_err(ChannelError::io(format!(
                "reading from memcached at {}",
                self.address
            )))?;
        Ok(line.trim_end().to_string())
    }

    fn read_item_size_max(&mut self) -> Result<Option<usize>, ChannelError> {
        self.send(&[b"stats settings\r\n"])?;
        let mut limit = None;
        loop {
            let line = self.line()?;
            if line == "END" || line.is_empty() || line.starts_with("ERROR") {
                return Ok(limit);
            }
            if let Some(value) = line.strip_prefix("STAT item_size_max ") {
                limit = value.trim().parse().ok();
            }
        }
    }

    fn set(&mut self, key: &str, value: &[u8]) -> Result<(), ChannelError> {
        let head = format!("set {key} 0 0 {}\r\n", value.len());
        self.send(&[head.as_bytes(), value, b"\r\n"])?;
        match self.line()?.as_str() {
            "STORED" => Ok(()),
            reply if reply.contains("out of memory") => Err(ChannelError::Protocol(format!(
                "memcached at {} ran out of memory storing {} (start it with a larger -m): {reply}",
                self.address,
                crate::units::format_bytes(value.len() as f64)
            ))),
            reply => Err(ChannelError::Protocol(format!(
                "memcached at {} refused set {key}: {reply}",
                self.address
            ))),
        }
    }

    /// The value of `key`, left in the buffer; `None` when missing.
    fn fetch(&mut self, key: &str) -> Result<Option<usize>, ChannelError> {
        self.send(&[format!("get {key}\r\n").as_bytes()])?;
        let header = self.line()?;
        if header == "END" {
            return Ok(None);
        }
        let bytes: usize = header
            .strip_prefix("VALUE ")
            .and_then(|rest| rest.split_whitespace().nth(2))
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| {
                ChannelError::Protocol(format!(
                    "memcached at {}: unexpected reply `{header}`",
                    self.address
                ))
            })?;
        self.buffer.resize(bytes + 2, 0);
        self.reader
            .read_exact(&mut self.buffer)
            .map_err(ChannelError::io(format!(
                "reading from memcached at {}",
                self.address
            )))?;
        let end = self.line()?;
        if end != "END" {
            return Err(ChannelError::Protocol(format!(
                "memcached at {}: expected END, got `{end}`",
                self.address
            )));
        }
        Ok(Some(bytes))
    }

    fn chunk_count(&self, len: usize) -> Option<usize> {
        std::str::from_utf8(&self.buffer[..len])
            .ok()?
            .strip_prefix(CHUNKS_PREFIX)?
            .parse()
            .ok()
    }
}

impl Store for MemcachedStore {
    fn describe(&self) -> String {
        format!("memcached at {}", self.address)
    }

    fn put(&mut self, key: &str, value: &[u8]) -> Result<(), ChannelError> {
        let chunk = self.chunk_bytes();
        if value.len() <= chunk {
            return self.set(key, value);
        }
        let chunks: Vec<&[u8]> = value.chunks(chunk).collect();
        for (i, part) in chunks.iter().enumerate() {
            self.set(&format!("{key}:{i}"), part)?;
        }
        self.set(key, format!("{CHUNKS_PREFIX}{}", chunks.len()).as_bytes())
    }

    fn get(&mut self, key: &str) -> Result<usize, ChannelError> {
        let missing = || ChannelError::Protocol(format!("memcached has no {key}"));
        let len = self.fetch(key)?.ok_or_else(missing)?;
        let Some(count) = self.chunk_count(len) else {
            return Ok(len);
        };
        let mut total = 0;
        for i in 0..count {
            total += self.fetch(&format!("{key}:{i}"))?.ok_or_else(missing)?;
        }
        Ok(total)
    }

    fn remove(&mut self, key: &str) -> Result<(), ChannelError> {
        let len = self.fetch(key)?;
        let chunks = len.and_then(|l| self.chunk_count(l)).unwrap_or(0);
        let keys =
            std::iter::once(key.to_string()).chain((0..chunks).map(|i| format!("{key}:{i}")));
        for k in keys {
            self.send(&[format!("delete {k}\r\n").as_bytes()])?;
            self.line()?;
        }
        Ok(())
    }

    fn max_object_bytes(&self) -> Option<u64> {
        Some(self.item_size_max as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_an_address_without_a_port() {
        assert!(matches!(
            MemcachedStore::connect("localhost"),
            Err(ChannelError::BadAddress(_))
        ));
        assert!(matches!(
            MemcachedStore::connect("memcached://h:1"),
            Err(ChannelError::BadAddress(_))
        ));
    }
}
