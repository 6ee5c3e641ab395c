//! Unit tests of the lesson engine: parsing, refusals with their lines, and the player's moves.
