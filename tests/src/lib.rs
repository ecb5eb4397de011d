//! Holds nothing: this package exists only for its integration tests in `it/`.
