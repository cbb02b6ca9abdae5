#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| mailwire_imap::fuzzing::response_roundtrip(data));
