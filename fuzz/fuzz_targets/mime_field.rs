#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| mailwire_mime::fuzzing::field(data));
