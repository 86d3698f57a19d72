package awsjson

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

// paging is embedded in input, as services embed the members several
// requests share.
type paging struct {
	NextToken  string `json:"nextToken"`
	MaxResults int    `json:"maxResults"`
}

// Extra is embedded in input through a pointer.
type Extra struct {
	Limit int `json:"limit"`
}

type tag struct {
	Key   string `json:"key"`
	Count uint8  `json:"count"`
}

type input struct {
	paging
	*Extra
	Name    string         `json:"name"`
	Enabled bool           `json:"enabled"`
	Tags    []tag          `json:"tags"`
	ByName  map[string]tag `json:"byName"`
	Nested  *paging        `json:"nested"`
	Addr    netip.Addr     `json:"addr"`
	Data    []byte         `json:"data"`
}

func TestDecode(t *testing.T) {
	for _, tt := range []struct {
		name, body string
		member     string // the DecodeError's Member
		want       string // its message; "" when Decode succeeds
	}{
		{"empty body", "", "", ""},
		{"white space", " \n\t", "", ""},
		{"object", `{"name":"a","maxResults":2,"unknown":[1]} `, "", ""},
		{"array body", `[1]`, "", "request body must be a JSON object, not array"},
		{"string body", `"a"`, "", "request body must be a JSON object, not string"},
		{"boolean body", `true`, "", "request body must be a JSON object, not boolean"},
		{"null body", ` null `, "", "request body must be a JSON object, not null"},
		{"not JSON", `{nope`, "", "request body is not a valid JSON object: invalid character"},
		{"cut short", `{"name":`, "", "request body is not a valid JSON object: unexpected EOF"},
		{"trailing object", `{} {}`, "", "request body has data after the JSON object"},
		{"trailing garbage", `{}x`, "", "request body has data after the JSON object"},
		{"trailing brace", `{}}`, "", "request body has data after the JSON object"},
		{"number for a string", `{"name":1}`, "name", "member name: cannot use a JSON number as a string"},
		{"string for a boolean", `{"enabled":"yes"}`, "enabled", "member enabled: cannot use a JSON string as a boolean"},
		{"object for an array", `{"tags":{}}`, "tags", "member tags: cannot use a JSON object as an array"},
		{"boolean for an object", `{"nested":true}`, "nested", "member nested: cannot use a JSON boolean as an object"},
		{"embedded member", `{"maxResults":"ten"}`, "maxResults", "member maxResults: cannot use a JSON string as a number"},
		{"member embedded by pointer", `{"limit":[]}`, "limit", "member limit: cannot use a JSON array as a number"},
		{"nested member", `{"nested":{"maxResults":"ten"}}`, "nested.maxResults", "member nested.maxResults: cannot use a JSON string as a number"},
		{"member in an array", `{"tags":[{"key":"a"},{"key":2}]}`, "tags.key", "member tags.key: cannot use a JSON number as a string"},
		{"member in a map", `{"byName":{"a":{"count":"1"}}}`, "byName.count", "member byName.count: cannot use a JSON string as a number"},
		{"fraction for an integer", `{"maxResults":1.5}`, "maxResults", "member maxResults: cannot use the JSON number 1.5 as an integer from -9223372036854775808 to 9223372036854775807"},
		{"out of range", `{"tags":[{"count":256}]}`, "tags.count", "member tags.count: cannot use the JSON number 256 as an integer from 0 to 255"},
		{"number for a text", `{"addr":1}`, "addr", "member addr: cannot use a JSON number as a string"},
		{"number for bytes", `{"data":1}`, "data", "member data: cannot use a JSON number as a base64 string"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var in input
			err := Decode([]byte(tt.body), &in)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Decode(%q) = %v, want nil", tt.body, err)
				}
				return
			}
			var de *DecodeError
			if !errors.As(err, &de) || de.Member != tt.member || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("Decode(%q) = %#v (%v), want a *DecodeError of member %q: %q", tt.body, err, err, tt.member, tt.want)
			}
			for _, goName := range []string{"int", "uint8", "awsjson.", "netip", "[]", "Go "} {
				if strings.Contains(err.Error(), goName) && !strings.Contains(tt.want, goName) {
					t.Errorf("Decode(%q) = %v, which names a Go type (%s)", tt.body, err, goName)
				}
			}
		})
	}
}

func TestDecodeKeepsWhatDecodes(t *testing.T) {
	var in input
	if err := Decode([]byte(`{"name":"a","maxResults":2,"tags":[{"key":"k","count":3}]}`), &in); err != nil {
		t.Fatal(err)
	}
	if in.Name != "a" || in.MaxResults != 2 || len(in.Tags) != 1 || in.Tags[0] != (tag{"k", 3}) {
		t.Errorf("decoded %+v", in)
	}
}
