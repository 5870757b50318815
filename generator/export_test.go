package generator

// Update is the -update flag, shared with the tests of package
// generator_test, which run in the same binary and cannot define it again.
var Update = update
