// Package testkit holds the fixtures that the tests of several packages
// share: an environment cleared of AWS settings, HTTPS test servers whose
// certificate validates only through a CA bundle file, and small concurrency
// and network helpers. Only tests (and the sfnlocaltest suite) import it.
package testkit
