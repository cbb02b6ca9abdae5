#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| mailwire_imap::fuzzing::command_arbitrary(data));
