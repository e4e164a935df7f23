/**
 * Runs before every unit-suite test file. Points the reference folder at a path that cannot exist,
 * so a unit test that reads it fails on every machine, not only on a fresh clone: such a test
 * belongs in the conformance suite (tests/suites.js). Tests that set HOME_PLATFORM_SHARED to a
 * folder of their own still can.
 */
process.env.HOME_PLATFORM_SHARED = "/nonexistent/unit-tests-read-nothing-outside-the-repository--list-the-test-in-tests-suites.js";
