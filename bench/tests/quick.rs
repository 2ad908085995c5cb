//! The benchmark program's quick mode, run by the test suite so the program keeps
//! working. Its figures go to the output as printed tables; none is asserted.
#[test]
fn quick_mode_runs_every_scenario() {
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_bench"))
        .arg("quick")
        .status()
        .expect("the bench binary starts");
    assert!(status.success(), "bench quick failed: {status}");
}
