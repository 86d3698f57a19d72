package sfnlocal

import (
	"crypto/hmac"
	"crypto/sha256"
)

// mac returns the HMAC-SHA256 of b under key, the server's random key: what
// makes its page tokens and task tokens tamper-evident.
func mac(key, b []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(b)
	return m.Sum(nil)
}
