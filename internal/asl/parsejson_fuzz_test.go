package asl

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzParseJSON checks parseJSON against encoding/json: it never panics,
// accepts exactly the documents encoding/json accepts, and decodes them to
// the same value, with its object keys in the same order.
func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{
		`{"a":1,"b":[true,null,"x"],"c":{"d":-1.5e3}}`, `[]`, `{}`, `"\ud83d\ude00"`,
		`{"a":"\u00e9\n"}`, `12345678901234567890123`, `[1,2,]`, `{"a" 1}`, ` 7 `,
		`1.`, `1E700`, `[1e-400]`, "\"\xff\"", `{"a":1}x`, `01`, `{"b":1,"a":2,"b":3}`, `20000000000000000000`, `[0.12345678901234567890123]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(bytes.TrimSpace(data)) == 0 {
			return
		}
		got, err := parseJSON(data)
		want, werr := parseJSONStd(data)
		if (err == nil) != (werr == nil) {
			t.Fatalf("parseJSON(%q): error %v, encoding/json: error %v", data, err, werr)
		}
		if err == nil && !deepEqual(got, want) {
			t.Fatalf("parseJSON(%q) = %#v, encoding/json gives %#v", data, got, want)
		}
		if err == nil && !bytes.Equal(marshal(got), marshal(want)) { // the same keys in the same order
			t.Fatalf("parseJSON(%q) writes %s, encoding/json's parse writes %s", data, marshal(got), marshal(want))
		}
		if err == nil && !json.Valid(data) {
			t.Fatalf("parseJSON(%q) accepted a document encoding/json rejects", data)
		}
	})
}

// TestParseJSONRejectsWhatAWSRejects pins inputs ojg alone accepts.
func TestParseJSONRejectsWhatAWSRejects(t *testing.T) {
	for _, doc := range []string{``, `  `, `1.`, `{"a":1}x`, `01`, `[1,]`} {
		if v, err := parseJSON([]byte(doc)); err == nil {
			t.Errorf("parseJSON(%q) = %#v, want an error", doc, v)
		}
	}
}
