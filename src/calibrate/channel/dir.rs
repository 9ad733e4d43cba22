//! # A local directory as a store
//!
//! Objects as files: a PUT writes the file and waits for it to reach the disk (`fsync`), a GET
//! reads it whole. A stand-in for an object store where no server is at hand; reads will often
//! come from the page cache.

use std::fs::File;
use std::io::{Read, Write};
use std::path::PathBuf;

use super::{ChannelError, Store};

/// A directory that holds the probe's objects.
pub struct DirStore {
    dir: PathBuf,
    buffer: Vec<u8>,
}

impl DirStore {
    /// Uses `dir`, which must exist.
    pub fn open(dir: impl Into<PathBuf>) -> Result<Self, ChannelError> {
        let dir = dir.into();
        if !dir.is_dir() {
            return Err(ChannelError::BadAddress(format!(
                "--dir {}: not a directory",
                dir.display()
            )));
        }
        Ok(DirStore {
            dir,
            buffer: Vec::new(),
        })
    }
}

impl Store for DirStore {
    fn describe(&self) -> String {
        format!("directory {}", self.dir.display())
    }

    fn put(&mut self, key: &str, value: &[u8]) -> Result<(), ChannelError> {
        let path = self.dir.join(key);
        let io = ChannelError::io(format!("writing {}", path.display()));
        (|| {
            let mut file = File::create(&path)?;
            file.write_all(value)?;
            file.sync_all()
        })()
        .map_err(io)
    }

    fn get(&mut self, key: &str) -> Result<usize, ChannelError> {
        let path = self.dir.join(key);
        self.buffer.clear();
        File::open(&path)
            .and_then(|mut f| f.read_to_end(&mut self.buffer))
            .map_err(ChannelError::io(format!("reading {}", path.display())))
    }

    fn remove(&mut self, key: &str) -> Result<(), ChannelError> {
        let path = self.dir.join(key);
        std::fs::remove_file(&path)
            .map_err(ChannelError::io(format!("removing {}", path.display())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_and_reads_back_files() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = DirStore::open(dir.path()).unwrap();
        store.put("k", b"hello").unwrap();
        assert_eq!(store.get("k").unwrap(), 5);
        store.remove("k").unwrap();
        assert!(store.get("k").is_err());
    }

    #[test]
    fn refuses_a_directory_that_does_not_exist() {
        assert!(matches!(
            DirStore::open("/nonexistent/dir"),
            Err(ChannelError::BadAddress(_))
        ));
    }
}
