//! Locating and running the python3 oracle for pyssl's own differential tests.
#![allow(dead_code)]

pub use pyssl_testutil::run_python_stdin;
