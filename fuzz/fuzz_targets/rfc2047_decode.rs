#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| mailwire_rfc2047::fuzzing::decode(data));
