//! What a test body gives back, so that a failure ends a CI log in its own words.

/// A failed test's own words. A test that returns it instead of panicking leaves no
/// backtrace after them, so they are the last thing a (cut) CI log shows.
pub struct Failure(pub String);

impl std::fmt::Debug for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a test body gives back: nothing (it panics to fail) or its failure.
pub trait Outcome {
    fn into_outcome(self) -> Result<(), Failure>;
}

impl Outcome for () {
    fn into_outcome(self) -> Result<(), Failure> {
        Ok(())
    }
}

impl Outcome for Result<(), Failure> {
    fn into_outcome(self) -> Result<(), Failure> {
        self
    }
}
