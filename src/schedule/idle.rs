//! Between runs `serve` should weigh little. After a run, most of its resident memory is
//! the engine's code (DuckDB is most of the binary's 80 MB), paged in by the run and
//! never written. Asking the kernel to page out the binary's read-only mappings gives
//! them back; the next run pages them in again from the page cache. Paging out is only
//! a hint: pages that are dirty or shared stay where they are, so nothing is lost.

use std::path::Path;

/// Pages out the read-only mappings of the running binary (code and constants).
pub fn release_idle_memory() {
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let Ok(maps) = std::fs::read_to_string("/proc/self/maps") else {
        return;
    };
    for (start, end) in read_only_mappings_of(&maps, &exe) {
        // SAFETY: the range is a whole mapping of this process; MADV_PAGEOUT only reclaims
        // pages the kernel can fetch again, and never changes their contents.
        unsafe {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_PAGEOUT);
        }
    }
}

/// The address ranges of `exe`'s mappings that cannot be written, from `/proc/self/maps`.
fn read_only_mappings_of(maps: &str, exe: &Path) -> Vec<(usize, usize)> {
    maps.lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let range = fields.next()?;
            let perms = fields.next()?;
            let path = fields.nth(3)?;
            if Path::new(path) != exe || perms.as_bytes().get(1) != Some(&b'-') {
                return None;
            }
            let (start, end) = range.split_once('-')?;
            Some((
                usize::from_str_radix(start, 16).ok()?,
                usize::from_str_radix(end, 16).ok()?,
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_binarys_read_only_mappings() {
        let maps = "\
5600a000-5600b000 r--p 00000000 08:01 42 /usr/bin/xbrief
5600b000-5610b000 r-xp 00001000 08:01 42 /usr/bin/xbrief
5610b000-5610c000 rw-p 00101000 08:01 42 /usr/bin/xbrief
7f00a000-7f00b000 r-xp 00000000 08:01 43 /usr/lib/libc.so.6
7f00c000-7f00d000 rw-p 00000000 00:00 0
";
        assert_eq!(
            read_only_mappings_of(maps, Path::new("/usr/bin/xbrief")),
            vec![(0x5600a000, 0x5600b000), (0x5600b000, 0x5610b000)]
        );
    }
}
