//! A client `SslObject` fed hostile "server" bytes through its incoming MemoryBio: from
//! the start, after part of an honest server's first flight, or after a complete honest
//! handshake (see `pyssl_fuzz::Plan`). Every outcome must be an `SslError`, never a panic
//! or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pyssl_fuzz::{feed_hostile, honest_handshake, End, Plan};

fuzz_target!(|data: &[u8]| {
    let Some(plan) = Plan::parse(data) else {
        return;
    };
    let mut client = End::client();
    match plan.stage {
        1 => {
            // The honest server answers the real ClientHello; the hostile bytes replace
            // the rest of its flight.
            let server = End::server();
            client.step();
            client.send_to(&server);
            let mut server = server;
            server.step();
            let flight = server.outgoing.read(None);
            let keep = flight.len().min(plan.bytes.len() % 2048);
            client.incoming.write(&flight[..keep]).expect("BIO open");
        }
        2 => {
            let mut server = End::server();
            if !honest_handshake(&mut client, &mut server) {
                panic!("honest handshake failed");
            }
        }
        _ => {
            client.step(); // ClientHello out
        }
    }
    client.outgoing.read(None);
    feed_hostile(&mut client, &plan);
});
