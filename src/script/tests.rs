//! Unit tests of the language: parsing, errors and expectations.
