//go:build !race

package sfnlocal

// raceDetector reports whether the tests run with the race detector, which
// makes code several times slower.
const raceDetector = false
