//! A server `SslObject` fed hostile "client" bytes through its incoming MemoryBio: from
//! the start (seeded with recorded ClientHellos), after an honest client's real
//! ClientHello, or after a complete honest handshake (see `pyssl_fuzz::Plan`). Every
//! outcome must be an `SslError`, never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pyssl_fuzz::{feed_hostile, honest_handshake, End, Plan};

fuzz_target!(|data: &[u8]| {
    let Some(plan) = Plan::parse(data) else {
        return;
    };
    let mut server = End::server();
    match plan.stage {
        1 => {
            // A real ClientHello first; the hostile bytes follow it.
            let mut client = End::client();
            client.step();
            client.send_to(&server);
            server.step();
        }
        2 => {
            let mut client = End::client();
            if !honest_handshake(&mut client, &mut server) {
                panic!("honest handshake failed");
            }
        }
        _ => {}
    }
    server.outgoing.read(None);
    feed_hostile(&mut server, &plan);
});
